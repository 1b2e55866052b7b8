//! Business-hours calendars and maintenance windows: time zones, weekly hours and holidays,
//! checked and normalized (one sorted list of intervals per weekday).

use chrono_tz::Tz;

use super::Ctx;
use crate::diagnostics::{Code, Diagnostic, Span};
use crate::ir::{self, key, ClockInterval, DayHours, Weekday};
use crate::syntax::ast::{self, DayRange, Spanned};

impl Ctx<'_> {
    pub(super) fn timezone(&mut self, zones: &[Spanned<String>], owner: &str, owner_span: Span) -> String {
        let Some(first) = zones.first() else {
            let diagnostic = Diagnostic::error(
                Code::E222,
                self.file,
                owner_span,
                format!("{owner} has no time zone"),
            )
            .label("no `timezone` line")
            .help("add the IANA time zone its hours are in, such as `timezone Europe/Berlin`");
            self.report(diagnostic);
            return "UTC".to_string();
        };
        for extra in &zones[1..] {
            self.duplicate(
                extra.span,
                first.span,
                format!("{owner} gives its time zone twice"),
            );
        }
        if first.value.parse::<Tz>().is_ok() {
            return first.value.clone();
        }
        // Zone names are long and alike (`Asia/Hanoi` is close to `Asia/Harbin`), so only a
        // near-exact spelling is suggested.
        let suggestion = chrono_tz::TZ_VARIANTS
            .iter()
            .map(|tz| tz.name())
            .map(|name| {
                (
                    strsim::damerau_levenshtein(
                        &first.value.to_ascii_lowercase(),
                        &name.to_ascii_lowercase(),
                    ),
                    name,
                )
            })
            .filter(|(distance, _)| *distance <= 2)
            .min()
            .map(|(_, name)| name);
        let help = match suggestion {
            Some(name) => format!("did you mean `{name}`?"),
            None => "write an IANA time zone such as `Europe/Berlin` or `Asia/Ho_Chi_Minh`".to_string(),
        };
        let diagnostic = Diagnostic::error(
            Code::E208,
            self.file,
            first.span,
            format!("unknown time zone `{}`", first.value),
        )
        .label("not an IANA time zone")
        .help(help);
        self.report(diagnostic);
        first.value.clone()
    }

    /// Normalizes weekly hours to one sorted interval list per weekday, reporting invalid
    /// clock times, intervals that end before they start, and overlaps.
    pub(super) fn weekly_hours(&mut self, lines: &[ast::WeeklyHours]) -> Vec<DayHours> {
        let mut per_day: [Vec<(u32, u32, Span)>; 7] = Default::default();
        for line in lines {
            let mut intervals = Vec::new();
            for interval in &line.intervals {
                let start = self.clock(&interval.start, false);
                let end = self.clock(&interval.end, true);
                let (Some(start), Some(end)) = (start, end) else {
                    continue;
                };
                if end <= start {
                    let diagnostic = Diagnostic::error(
                        Code::E206,
                        self.file,
                        interval.span,
                        format!(
                            "the interval {}-{} ends before it starts",
                            interval.start.value, interval.end.value
                        ),
                    )
                    .label("ends before it starts")
                    .help("write the earlier time first; for hours past midnight, split them into `22:00-24:00` and the next day's `00:00-06:00`");
                    self.report(diagnostic);
                    continue;
                }
                intervals.push((start, end, interval.span));
            }
            for day in expand_days(&line.days) {
                per_day[usize::from(day)].extend(intervals.iter().copied());
            }
        }
        let mut result = Vec::new();
        // Each overlapping pair of intervals is reported once, naming the days it affects.
        let mut overlaps: Vec<((Span, Span), Vec<usize>)> = Vec::new();
        for (index, intervals) in per_day.iter_mut().enumerate() {
            if intervals.is_empty() {
                continue;
            }
            intervals.sort_by_key(|(start, end, _)| (*start, *end));
            let mut kept: Vec<(u32, u32, Span)> = Vec::new();
            for interval in intervals.iter() {
                if let Some(previous) = kept.last_mut() {
                    if interval.0 < previous.1 {
                        let pair = if previous.2.start() <= interval.2.start() {
                            (previous.2, interval.2)
                        } else {
                            (interval.2, previous.2)
                        };
                        match overlaps.iter_mut().find(|(p, _)| *p == pair) {
                            Some((_, days)) => days.push(index),
                            None => overlaps.push((pair, vec![index])),
                        }
                        previous.1 = previous.1.max(interval.1);
                        continue;
                    }
                    if interval.0 == previous.1 {
                        previous.1 = interval.1;
                        continue;
                    }
                }
                kept.push(*interval);
            }
            result.push(DayHours {
                day: Weekday::ALL[index],
                intervals: kept.iter().map(|(s, e, _)| clock_interval(*s, *e)).collect(),
            });
        }
        for ((first, second), days) in overlaps {
            let days: Vec<&str> = days.into_iter().map(weekday_name).collect();
            let diagnostic = Diagnostic::error(
                Code::E206,
                self.file,
                second,
                format!("opening hours overlap on {}", join_days(&days)),
            )
            .label("overlaps another interval")
            .secondary(self.file, first, "the other interval")
            .help("make the intervals of a day follow one another, such as `08:00-12:00, 13:00-17:00`");
            self.report(diagnostic);
        }
        result
    }

    pub(super) fn calendar(&mut self, calendar: &ast::Calendar) -> ir::Calendar {
        let timezone = self.timezone(&calendar.timezones, "the calendar", calendar.id.span);
        for extra in calendar.always_open.iter().skip(1) {
            self.duplicate(
                *extra,
                calendar.always_open[0],
                "`24x7` is given twice".to_string(),
            );
        }
        let always_open = !calendar.always_open.is_empty();
        let mut weekly_hours = self.weekly_hours(&calendar.hours);
        if always_open {
            if let Some(first) = calendar.hours.first() {
                let diagnostic = Diagnostic::error(
                    Code::E224,
                    self.file,
                    first.span,
                    "a `24x7` calendar cannot also list opening hours",
                )
                .label("opening hours in a 24x7 calendar")
                .secondary(
                    self.file,
                    calendar.always_open[0],
                    "the calendar is open around the clock here",
                )
                .help("remove either `24x7` or the opening hours");
                self.report(diagnostic);
            }
            weekly_hours = Weekday::ALL
                .iter()
                .map(|day| DayHours {
                    day: *day,
                    intervals: vec![clock_interval(0, 24 * 60)],
                })
                .collect();
        } else if calendar.hours.is_empty() {
            let diagnostic = Diagnostic::error(
                Code::E222,
                self.file,
                calendar.id.span,
                format!("the calendar `{}` has no opening hours", calendar.id.value),
            )
            .label("no opening hours")
            .help("add opening hours such as `mon-fri 08:00-17:00`, or `24x7`");
            self.report(diagnostic);
        }
        let mut holidays: Vec<(ir::Holiday, Span)> = Vec::new();
        for holiday in &calendar.holidays {
            let first = self.date(&holiday.first);
            let last = match &holiday.last {
                Some(last) => self.date(last),
                None => first,
            };
            let (Some(first), Some(last)) = (first, last) else {
                continue;
            };
            if last < first {
                let last_span = holiday.last.as_ref().map(|l| l.span).unwrap_or(holiday.span);
                let diagnostic = Diagnostic::error(
                    Code::E209,
                    self.file,
                    last_span,
                    format!("the holiday `{}` ends before it starts", holiday.name.value),
                )
                .label("before the first day")
                .secondary(self.file, holiday.first.span, "first day")
                .help("write the first day, then `to` and the last day");
                self.report(diagnostic);
                continue;
            }
            if let Some((_, previous)) = holidays.iter().find(|(h, _)| h.first <= last && first <= h.last) {
                let previous = *previous;
                self.duplicate(
                    holiday.span,
                    previous,
                    format!("`{}` overlaps another holiday", holiday.name.value),
                );
                continue;
            }
            let location = key::holiday(&self.agreement, &calendar.id.value, &first.to_string());
            self.locate(location, holiday.span);
            holidays.push((
                ir::Holiday {
                    first,
                    last,
                    name: holiday.name.value.clone(),
                },
                holiday.span,
            ));
        }
        let mut holidays: Vec<ir::Holiday> = holidays.into_iter().map(|(h, _)| h).collect();
        holidays.sort_by_key(|h| h.first);
        let weekly_open_seconds = weekly_hours
            .iter()
            .flat_map(|d| d.intervals.iter())
            .map(|i| (i.end_minute - i.start_minute) * 60)
            .sum();
        ir::Calendar {
            id: calendar.id.value.clone(),
            title: calendar.title.as_ref().map(|t| t.value.clone()),
            timezone,
            always_open,
            weekly_hours,
            weekly_open_seconds,
            holidays,
            origin: ir::Origin::own(),
        }
    }

    pub(super) fn maintenance(&mut self, window: &ast::Maintenance) -> ir::MaintenanceWindow {
        let timezone = self.timezone(&window.timezones, "the maintenance window", window.id.span);
        if window.hours.is_empty() {
            let diagnostic = Diagnostic::error(
                Code::E222,
                self.file,
                window.id.span,
                format!("the maintenance window `{}` has no hours", window.id.value),
            )
            .label("no hours")
            .help("add the weekly hours of the window, such as `sun 01:00-03:00`");
            self.report(diagnostic);
        }
        let weekly_hours = self.weekly_hours(&window.hours);
        for extra in window.notices.iter().skip(1) {
            self.duplicate(
                extra.span,
                window.notices[0].span,
                "the notice period is given twice".to_string(),
            );
        }
        let notice = window
            .notices
            .first()
            .and_then(|q| self.duration(q, "the notice period"));
        ir::MaintenanceWindow {
            id: window.id.value.clone(),
            title: window.title.as_ref().map(|t| t.value.clone()),
            timezone,
            weekly_hours,
            notice,
            applies_to: window.applies_to.iter().map(|s| s.value.clone()).collect(),
            origin: ir::Origin::own(),
        }
    }
}

fn expand_days(ranges: &[DayRange]) -> Vec<u8> {
    let mut days = Vec::new();
    for range in ranges {
        match range {
            DayRange::Daily(_) => days.extend(0..7),
            DayRange::Weekdays(_) => days.extend(0..5),
            DayRange::Weekends(_) => days.extend(5..7),
            DayRange::Days { first, last, .. } => {
                // A range may wrap over the weekend: `fri-mon` is Friday to Monday.
                let mut day = *first;
                loop {
                    days.push(day);
                    if day == *last {
                        break;
                    }
                    day = (day + 1) % 7;
                }
            }
        }
    }
    days.sort_unstable();
    days.dedup();
    days
}

fn weekday_name(index: usize) -> &'static str {
    [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ][index % 7]
}

fn join_days(days: &[&str]) -> String {
    match days {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// `08:30` for minute 510 of the day (up to `24:00`), written without `format!`: every
/// interval of every calendar and maintenance window has two.
fn clock_text(minute: u32) -> String {
    let digit = |value: u32| char::from_digit(value % 10, 10).unwrap_or('0');
    let (hour, minute) = (minute / 60, minute % 60);
    [
        digit(hour / 10),
        digit(hour),
        ':',
        digit(minute / 10),
        digit(minute),
    ]
    .iter()
    .collect()
}

fn clock_interval(start: u32, end: u32) -> ClockInterval {
    ClockInterval {
        start: clock_text(start),
        end: clock_text(end),
        start_minute: start,
        end_minute: end,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_texts_have_two_digits_each() {
        assert_eq!(clock_text(0), "00:00");
        assert_eq!(clock_text(8 * 60 + 5), "08:05");
        assert_eq!(clock_text(17 * 60 + 30), "17:30");
        assert_eq!(clock_text(24 * 60), "24:00");
    }

    #[test]
    fn day_ranges_expand_and_wrap() {
        let span = Span::default();
        assert_eq!(
            expand_days(&[DayRange::Days {
                first: 0,
                last: 4,
                span
            }]),
            vec![0, 1, 2, 3, 4]
        );
        assert_eq!(
            expand_days(&[DayRange::Days {
                first: 4,
                last: 0,
                span
            }]),
            vec![0, 4, 5, 6]
        );
        assert_eq!(
            expand_days(&[DayRange::Weekends(span), DayRange::Daily(span)]).len(),
            7
        );
    }
}
