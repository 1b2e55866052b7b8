//! Property tests of the business-time engine against a slow, obviously correct reference that
//! steps minute by minute, over random calendars (several intervals a day, intervals ending at
//! 24:00, holidays) in zones with and without daylight saving time, around their transitions.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use chrono_tz::Tz;
use proptest::prelude::*;
use slac::business_time::BusinessCalendar;
use slac::ir::{Calendar, ClockInterval, DayHours, Holiday, Origin, Weekday};

const ZONES: [&str; 5] = [
    "Europe/Berlin",
    "America/New_York",
    "Australia/Hobart",
    "Asia/Kathmandu",
    "UTC",
];

/// Days around which the spans start: daylight-saving changes of the zones above, and a
/// quiet week.
const ANCHORS: [&str; 6] = [
    "2026-03-27", // Berlin springs forward on the 29th
    "2026-10-23", // Berlin falls back on the 25th
    "2026-03-06", // New York springs forward on the 8th
    "2026-10-30", // New York falls back on 1 November
    "2026-04-02", // Hobart falls back on the 5th
    "2026-06-10",
];

fn calendar_of(zone: &str, days: &[Vec<(u32, u32)>], holidays: &[NaiveDate]) -> Calendar {
    Calendar {
        id: "c".into(),
        title: None,
        timezone: zone.into(),
        always_open: false,
        weekly_hours: Weekday::ALL
            .iter()
            .zip(days)
            .filter(|(_, intervals)| !intervals.is_empty())
            .map(|(day, intervals)| DayHours {
                day: *day,
                intervals: intervals
                    .iter()
                    .map(|(s, e)| ClockInterval {
                        start: String::new(),
                        end: String::new(),
                        start_minute: *s,
                        end_minute: *e,
                    })
                    .collect(),
            })
            .collect(),
        weekly_open_seconds: 0,
        holidays: holidays
            .iter()
            .map(|d| Holiday {
                first: *d,
                last: *d,
                name: String::new(),
            })
            .collect(),
        origin: Origin::default(),
    }
}

/// Whether the minute starting at `utc` is open, by the definition: local date not a holiday,
/// local time of day inside one of that weekday's intervals.
fn open_at(calendar: &Calendar, tz: Tz, utc: i64) -> bool {
    let local = DateTime::from_timestamp(utc, 0).unwrap().with_timezone(&tz);
    if calendar.holidays.iter().any(|h| h.first == local.date_naive()) {
        return false;
    }
    let minute = local.hour() * 60 + local.minute();
    let weekday = Weekday::ALL[local.weekday().num_days_from_monday() as usize];
    calendar
        .weekly_hours
        .iter()
        .filter(|d| d.day == weekday)
        .flat_map(|d| &d.intervals)
        .any(|i| i.start_minute <= minute && minute < i.end_minute)
}

/// Up to three sorted, non-overlapping intervals of a day, from cut points.
fn intervals() -> impl Strategy<Value = Vec<(u32, u32)>> {
    proptest::collection::btree_set(0u32..=96, 0..=6).prop_map(|cuts| {
        let cuts: Vec<u32> = cuts.into_iter().map(|c| c * 15).collect();
        cuts.chunks(2)
            .filter(|pair| pair.len() == 2 && pair[0] < pair[1])
            .map(|pair| (pair[0], pair[1]))
            .collect()
    })
}

fn scenario() -> impl Strategy<Value = (Calendar, i64, i64)> {
    (
        0..ZONES.len(),
        proptest::collection::vec(intervals(), 7),
        0..ANCHORS.len(),
        0i64..(5 * 24 * 60),
        0i64..(4 * 24 * 60),
        proptest::collection::vec(0u64..12, 0..3),
    )
        .prop_map(|(zone, days, anchor, start, length, holidays)| {
            let anchor = NaiveDate::parse_from_str(ANCHORS[anchor], "%Y-%m-%d").unwrap();
            let holidays: Vec<NaiveDate> = holidays.iter().map(|d| anchor + chrono::Days::new(*d)).collect();
            let calendar = calendar_of(ZONES[zone], &days, &holidays);
            let from = anchor.and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp() + start * 60;
            (calendar, from, from + length * 60)
        })
}

fn instant(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(seconds, 0).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn elapsed_matches_minute_stepping((calendar, from, to) in scenario()) {
        let tz: Tz = calendar.timezone.parse().unwrap();
        let engine = BusinessCalendar::new(&calendar).unwrap();
        let reference = (from..to).step_by(60).filter(|m| open_at(&calendar, tz, *m)).count() as i64 * 60;
        prop_assert_eq!(engine.elapsed(instant(from), instant(to)), reference);
    }

    #[test]
    fn deadlines_match_minute_stepping((calendar, from, to) in scenario()) {
        let tz: Tz = calendar.timezone.parse().unwrap();
        let engine = BusinessCalendar::new(&calendar).unwrap();
        // Ask for as much open time as lies between `from` and `to`, if any: the deadline is
        // the end of the last open minute before `to`.
        let open: Vec<i64> = (from..to).step_by(60).filter(|m| open_at(&calendar, tz, *m)).collect();
        let Some(last) = open.last() else {
            prop_assert_eq!(engine.add(instant(from), 0), Some(instant(from)));
            return Ok(());
        };
        let seconds = open.len() as i64 * 60;
        let deadline = engine.add(instant(from), seconds);
        prop_assert_eq!(deadline, Some(instant(last + 60)));
        prop_assert_eq!(engine.elapsed(instant(from), instant(last + 60)), seconds);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Spans of up to ten weeks, where whole weeks are skipped at once.
    #[test]
    fn long_spans_match_minute_stepping(
        (calendar, from, _) in scenario(),
        weeks in 1i64..10,
        extra in 0i64..(7 * 24 * 60),
    ) {
        let tz: Tz = calendar.timezone.parse().unwrap();
        let engine = BusinessCalendar::new(&calendar).unwrap();
        let to = from + weeks * 7 * 86_400 + extra * 60;
        let reference = (from..to).step_by(60).filter(|m| open_at(&calendar, tz, *m)).count() as i64 * 60;
        prop_assert_eq!(engine.elapsed(instant(from), instant(to)), reference);
        if reference > 0 {
            let deadline = engine.add(instant(from), reference).unwrap();
            prop_assert_eq!(engine.elapsed(instant(from), deadline), reference);
            prop_assert!(deadline <= instant(to));
        }
    }
}

/// Error budgets of business-hours objectives count open time with the engine: October 2026
/// in Berlin, open around the clock, lasts 31 days and the hour the clocks go back.
#[test]
fn budgets_count_the_hour_the_clocks_go_back() {
    let spec = r#"agreement berlin "Berlin" {
  kind customer
  version 1.0.0
  status draft
  provider "P"
  customer "C"
  term 2026-10-01 to 2026-10-31
  calendar always "Always" {
    timezone Europe/Berlin
    24x7
  }
  service s {
    availability 99.9% per calendar month during always
  }
}
"#;
    let checked = slac::check_source(std::path::Path::new("berlin.sla"), spec);
    assert!(!checked.has_errors(), "{:#?}", checked.diagnostics);
    let program = checked.program(checked.roots[0]).unwrap();
    let budget = serde_json::to_value(&program.agreements[0].services[0].objectives[0].error_budget).unwrap();
    assert_eq!(budget["longest_window"]["window_seconds"], 31 * 86_400 + 3_600);
}
