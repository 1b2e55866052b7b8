//! PromQL for weekly schedules in a time zone (business-hours calendars and maintenance
//! windows), so that rules can tell whether a calendar is open at the moment of evaluation.
//!
//! PromQL's time functions (`day_of_week`, `hour`, `minute`) work in UTC and know nothing of
//! time zones. The local time is therefore `time()` plus the zone's UTC offset, and the offset
//! is written out as a sum of steps, one per daylight-saving transition (from the IANA data
//! in chrono-tz) within a horizon: the agreement's term, or 20 years from its start when the
//! term is open-ended. Past the horizon the last offset stays in force, and an alert says that
//! the rules need regenerating.

use chrono::{Days, NaiveDate};
use chrono_tz::Tz;

pub use crate::business_time::local_midnight;
use crate::business_time::offset_changes;
use crate::ir::{DayHours, Holiday, Term, Weekday};
pub const MINUTES_PER_WEEK: u32 = 7 * 24 * 60;

/// The span of UTC seconds `[start, end)` within which a schedule's offsets are exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Horizon {
    pub start: i64,
    pub end: i64,
    /// The last local day within the horizon.
    pub last_day: NaiveDate,
}

impl Horizon {
    /// The term of an agreement, in the zone `tz`: from local midnight of the first day to local
    /// midnight after the last (20 years when the term is open-ended).
    pub fn of_term(term: &Term, tz: Tz) -> Horizon {
        let last_day = term.end.unwrap_or_else(|| {
            term.effective
                .checked_add_months(chrono::Months::new(20 * 12))
                .unwrap_or(term.effective)
        });
        Horizon {
            start: local_midnight(tz, term.effective),
            end: local_midnight(tz, last_day.checked_add_days(Days::new(1)).unwrap_or(last_day)),
            last_day,
        }
    }
}

/// The offset at the horizon's start, and every change within it as (UTC second, new offset).
pub fn offsets(tz: Tz, horizon: Horizon) -> (i32, Vec<(i64, i32)>) {
    offset_changes(tz, horizon.start, horizon.end)
}

/// A PromQL scalar expression of the zone's UTC offset in seconds at `time()`.
pub fn offset_expression(base: i32, changes: &[(i64, i32)]) -> String {
    let mut expression = base.to_string();
    let mut previous = base;
    for &(at, offset) in changes {
        let step = offset - previous;
        let sign = if step < 0 { '-' } else { '+' };
        expression.push_str(&format!(" {sign} {} * (time() >= bool {at})", step.abs()));
        previous = offset;
    }
    expression
}

/// PromQL's `day_of_week` numbering: Sunday is 0.
fn promql_day(day: Weekday) -> u32 {
    match day {
        Weekday::Sunday => 0,
        Weekday::Monday => 1,
        Weekday::Tuesday => 2,
        Weekday::Wednesday => 3,
        Weekday::Thursday => 4,
        Weekday::Friday => 5,
        Weekday::Saturday => 6,
    }
}

/// The open hours as sorted, merged ranges of minutes of the week `[start, end)`, Sunday
/// 00:00 being minute 0.
pub fn week_ranges(hours: &[DayHours]) -> Vec<(u32, u32)> {
    let ranges: Vec<(u32, u32)> = hours
        .iter()
        .flat_map(|day| {
            let base = promql_day(day.day) * 24 * 60;
            day.intervals
                .iter()
                .map(move |i| (base + i.start_minute, base + i.end_minute))
        })
        .filter(|(start, end)| start < end)
        .collect();
    merge(ranges)
}

/// Half-open ranges sorted, with overlapping and touching ones joined.
fn merge<T: Ord + Copy>(mut ranges: Vec<(T, T)>) -> Vec<(T, T)> {
    ranges.sort_unstable();
    let mut merged: Vec<(T, T)> = Vec::new();
    for (start, end) in ranges {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

/// A PromQL expression that is 1 when `minute_of_week` (a selector of the local minute of the
/// week) lies in one of `ranges`, else 0.
pub fn in_ranges_expression(minute_of_week: &str, ranges: &[(u32, u32)]) -> String {
    if ranges.is_empty() {
        return format!("0 * {minute_of_week}");
    }
    ranges
        .iter()
        .map(|(start, end)| {
            if *start == 0 && *end == MINUTES_PER_WEEK {
                format!("({minute_of_week} >= bool 0)")
            } else {
                format!("({minute_of_week} >= bool {start}) * ({minute_of_week} < bool {end})")
            }
        })
        .collect::<Vec<_>>()
        .join(" + ")
}

/// The holidays within the horizon as merged UTC ranges `[start, end)`.
pub fn holiday_ranges(tz: Tz, holidays: &[Holiday], horizon: Horizon) -> Vec<(i64, i64)> {
    let ranges: Vec<(i64, i64)> = holidays
        .iter()
        .map(|h| {
            let after = h.last.checked_add_days(Days::new(1)).unwrap_or(h.last);
            (local_midnight(tz, h.first), local_midnight(tz, after))
        })
        .filter(|(start, end)| *end > horizon.start && *start < horizon.end)
        .collect();
    merge(ranges)
}

/// A PromQL scalar expression that is 1 within one of the UTC `ranges`, else 0.
pub fn during_expression(ranges: &[(i64, i64)]) -> Option<String> {
    if ranges.is_empty() {
        return None;
    }
    Some(
        ranges
            .iter()
            .map(|(start, end)| format!("(time() >= bool {start}) * (time() < bool {end})"))
            .collect::<Vec<_>>()
            .join(" + "),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::ClockInterval;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_default()
    }

    fn utc(text: &str) -> i64 {
        chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
            .map(|t| t.and_utc().timestamp())
            .unwrap_or_default()
    }

    /// From the start of `first` to the start of `end`, UTC.
    fn utc_years(first: i32, end: i32) -> Horizon {
        Horizon {
            start: utc(&format!("{first}-01-01 00:00:00")),
            end: utc(&format!("{end}-01-01 00:00:00")),
            last_day: date(&format!("{}-12-31", end - 1)),
        }
    }

    #[test]
    fn berlin_changes_at_one_in_the_morning_utc() {
        let tz: Tz = "Europe/Berlin".parse().unwrap_or(Tz::UTC);
        let horizon = utc_years(2026, 2027);
        let (base, changes) = offsets(tz, horizon);
        assert_eq!(base, 3600);
        assert_eq!(
            changes,
            [
                (utc("2026-03-29 01:00:00"), 7200),
                (utc("2026-10-25 01:00:00"), 3600)
            ]
        );
        assert_eq!(
            offset_expression(base, &changes),
            format!(
                "3600 + 3600 * (time() >= bool {}) - 3600 * (time() >= bool {})",
                utc("2026-03-29 01:00:00"),
                utc("2026-10-25 01:00:00")
            )
        );
    }

    #[test]
    fn a_zone_without_daylight_saving_has_one_offset() {
        let tz: Tz = "Asia/Ho_Chi_Minh".parse().unwrap_or(Tz::UTC);
        let horizon = utc_years(2026, 2046);
        assert_eq!(offsets(tz, horizon), (25_200, Vec::new()));
    }

    #[test]
    fn midnight_that_does_not_exist_starts_the_day_at_the_transition() {
        // Santiago moved its clocks from 00:00 to 01:00 on 2026-09-06.
        let tz: Tz = "America/Santiago".parse().unwrap_or(Tz::UTC);
        assert_eq!(local_midnight(tz, date("2026-09-06")), utc("2026-09-06 04:00:00"));
        assert_eq!(local_midnight(tz, date("2026-09-07")), utc("2026-09-07 03:00:00"));
    }

    #[test]
    fn week_ranges_merge_across_midnight() {
        let interval = |start: u32, end: u32| ClockInterval {
            start: String::new(),
            end: String::new(),
            start_minute: start,
            end_minute: end,
        };
        let hours = [
            DayHours {
                day: Weekday::Monday,
                intervals: vec![interval(0, 120), interval(480, 1020)],
            },
            DayHours {
                day: Weekday::Sunday,
                intervals: vec![interval(1320, 1440)],
            },
        ];
        assert_eq!(week_ranges(&hours), [(1320, 1560), (1920, 2460)]);
    }
}
