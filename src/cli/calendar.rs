//! `slac calendar elapsed|deadline`: business-time arithmetic on a calendar of a spec, for
//! people and scripts.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{DateTime, SecondsFormat, Utc};
use clap::{Subcommand, ValueEnum};
use rust_decimal::Decimal;

use crate::business_time::BusinessCalendar;
use crate::diagnostics::ColorMode;

#[derive(Debug, Subcommand)]
pub(super) enum CalendarCommand {
    /// The business time between two instants.
    Elapsed {
        /// The .sla file that defines the calendar.
        file: PathBuf,
        /// The calendar: `ID`, or `AGREEMENT.ID` where several agreements define one.
        #[arg(long)]
        calendar: String,
        /// RFC 3339 instant with its offset, such as 2026-10-09T15:00:00+02:00.
        #[arg(long, value_parser = parse_instant)]
        from: DateTime<Utc>,
        #[arg(long, value_parser = parse_instant)]
        to: DateTime<Utc>,
        #[arg(long, value_enum, default_value_t = Output::Human)]
        format: Output,
    },
    /// The deadline reached by adding business time, or business days, to an instant.
    Deadline {
        file: PathBuf,
        #[arg(long)]
        calendar: String,
        #[arg(long, value_parser = parse_instant)]
        from: DateTime<Utc>,
        /// A duration as in a spec: `4h`, `90m`, `30s`, `2 hours`, or `3 business days`.
        #[arg(long, value_parser = parse_duration)]
        add: BusinessDuration,
        #[arg(long, value_enum, default_value_t = Output::Human)]
        format: Output,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum Output {
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum BusinessDuration {
    Seconds(i64),
    Days(u32),
}

fn parse_instant(text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| format!("`{text}` is not an RFC 3339 instant such as 2026-10-09T15:00:00+02:00"))
}

/// Durations spelt as in a spec: a number and a unit.
pub(super) fn parse_duration(text: &str) -> Result<BusinessDuration, String> {
    let trimmed = text.trim();
    let split = trimmed
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(trimmed.len());
    let (number, unit) = trimmed.split_at(split);
    let problem = || format!("`{text}` is not a duration such as `4h`, `90m` or `3 business days`");
    let value: Decimal = number.parse().map_err(|_| problem())?;
    let unit = unit.trim();
    if matches!(unit, "business day" | "business days") {
        return u32::try_from(value.trunc().mantissa())
            .ok()
            .filter(|_| value.fract().is_zero())
            .map(BusinessDuration::Days)
            .ok_or_else(problem);
    }
    let size = match unit {
        "s" | "second" | "seconds" => 1,
        "m" | "min" | "minute" | "minutes" => 60,
        "h" | "hour" | "hours" => 3_600,
        "d" | "day" | "days" => 86_400,
        "w" | "week" | "weeks" => 604_800,
        _ => return Err(problem()),
    };
    let seconds = (value * Decimal::from(size)).round();
    i64::try_from(seconds.mantissa() / 10_i128.pow(seconds.scale()))
        .map(BusinessDuration::Seconds)
        .map_err(|_| problem())
}

pub(super) fn calendar(command: CalendarCommand, color: ColorMode) -> Result<ExitCode, String> {
    let (file, id, format) = match &command {
        CalendarCommand::Elapsed {
            file,
            calendar,
            format,
            ..
        }
        | CalendarCommand::Deadline {
            file,
            calendar,
            format,
            ..
        } => (file, calendar, *format),
    };
    let file = super::one_spec(file)?;
    let Some(calendar) = find(&file, id, color)? else {
        return Ok(ExitCode::from(1));
    };
    let zone = calendar.timezone();
    let text = match command {
        CalendarCommand::Elapsed { from, to, .. } => {
            let seconds = calendar.elapsed(from, to);
            match format {
                Output::Json => format!("{}\n", serde_json::json!({ "seconds": seconds })),
                Output::Human => format!(
                    "{seconds} seconds ({}) of business time on `{id}` ({zone})\n",
                    hours_minutes(seconds)
                ),
            }
        }
        CalendarCommand::Deadline { from, add, .. } => {
            let deadline = match add {
                BusinessDuration::Seconds(s) => calendar.add(from, s),
                BusinessDuration::Days(d) => calendar.add_business_days(from, d),
            }
            .ok_or_else(|| format!("the calendar `{id}` never reaches that deadline"))?;
            let local = deadline
                .with_timezone(&zone)
                .to_rfc3339_opts(SecondsFormat::Secs, false);
            match format {
                Output::Json => format!("{}\n", serde_json::json!({ "deadline": local })),
                Output::Human => format!("{local}\n"),
            }
        }
    };
    super::print_stdout(&text)?;
    Ok(ExitCode::SUCCESS)
}

fn hours_minutes(seconds: i64) -> String {
    let (hours, rest) = (seconds / 3_600, seconds % 3_600);
    let (minutes, seconds) = (rest / 60, rest % 60);
    let mut text = format!("{hours} h {minutes} min");
    if seconds > 0 {
        text.push_str(&format!(" {seconds} s"));
    }
    text
}

/// The calendar `id` (or `agreement.id`) of the agreements `file` defines; `None` after
/// reporting the file's errors.
fn find(file: &Path, id: &str, color: ColorMode) -> Result<Option<BusinessCalendar>, String> {
    let Some(checked) = super::checked_without_errors(&[file.to_path_buf()], color)? else {
        return Ok(None);
    };
    let program = checked
        .roots
        .first()
        .and_then(|root| checked.program(*root))
        .ok_or_else(|| format!("`{}` is not an .sla file", file.display()))?;
    let (agreement, calendar) = match id.split_once('.') {
        Some((agreement, calendar)) => (Some(agreement), calendar),
        None => (None, id),
    };
    let found: Vec<(&str, &crate::ir::Calendar)> = program
        .agreements
        .iter()
        .filter(|a| agreement.is_none_or(|wanted| a.id == wanted))
        .flat_map(|a| a.calendars.iter().map(move |c| (a.id.as_str(), c)))
        .filter(|(_, c)| c.id == calendar)
        .collect();
    match found.as_slice() {
        [(_, calendar)] => BusinessCalendar::new(calendar)
            .map(Some)
            .ok_or_else(|| format!("the time zone `{}` is unknown", calendar.timezone)),
        [] => {
            let known: Vec<String> = program
                .agreements
                .iter()
                .flat_map(|a| a.calendars.iter().map(move |c| format!("`{}.{}`", a.id, c.id)))
                .collect();
            Err(format!(
                "`{}` defines no calendar `{id}`; it defines {}",
                file.display(),
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            ))
        }
        several => {
            let names: Vec<String> = several.iter().map(|(a, c)| format!("`{a}.{}`", c.id)).collect();
            Err(format!(
                "several agreements define the calendar `{id}`: say which with {}",
                names.join(" or ")
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_as_in_a_spec() {
        assert_eq!(parse_duration("4h"), Ok(BusinessDuration::Seconds(14_400)));
        assert_eq!(parse_duration("90m"), Ok(BusinessDuration::Seconds(5_400)));
        assert_eq!(parse_duration("1.5 hours"), Ok(BusinessDuration::Seconds(5_400)));
        assert_eq!(parse_duration("3 business days"), Ok(BusinessDuration::Days(3)));
        assert!(parse_duration("1.5 business days").is_err());
        assert!(parse_duration("soon").is_err());
    }
}
