//! Property tests of the arithmetic: durations, error budgets, business-hours windows and
//! credit-tier boundaries, each against a slow and obviously correct reference.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use chrono::{Datelike, NaiveDate};
use proptest::prelude::*;
use slac::diagnostics::Code;
use slac::ir::{self, ClockInterval, DayHours, Weekday};

const HEADER: &str = "agreement p \"Property\" {\n  kind customer\n  version 1.0.0\n  status draft\n  provider \"P\"\n  customer \"C\"\n  term 2026-01-01 to 2026-12-31\n  priority P1 \"Critical\"\n";

fn compile(body: &str) -> slac::Checked {
    slac::check_source(Path::new("property.sla"), &format!("{HEADER}{body}}}\n"))
}

fn first_objective(checked: &slac::Checked) -> serde_json::Value {
    assert!(checked.diagnostics.is_empty(), "{:?}", checked.diagnostics);
    let program = checked.program(checked.roots[0]).unwrap();
    serde_json::to_value(&program.agreements[0].services[0].objectives[0]).unwrap()
}

/// Decimal text as an integer count of `1 / 10^scale`, for exact comparison.
fn scaled(value: &serde_json::Value, scale: u32) -> i128 {
    let text = value.to_string();
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    assert!(
        fraction.len() as u32 <= scale,
        "{text} has more than {scale} decimals"
    );
    let padded = format!("{fraction:0<width$}", width = scale as usize);
    whole.parse::<i128>().unwrap() * 10_i128.pow(scale) + padded.parse::<i128>().unwrap_or(0)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn durations_convert_exactly(number in 1u32..100_000, unit in 0usize..6) {
        let (text, factor_ms): (&str, i128) = [("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000), ("w", 604_800_000)][unit];
        let checked = compile(&format!("  service s {{\n    response P1 within {number}{text}\n  }}\n"));
        let objective = first_objective(&checked);
        let seconds = &objective["commitment"]["within"]["seconds"];
        prop_assert_eq!(scaled(seconds, 3), i128::from(number) * factor_ms);
    }

    #[test]
    fn availability_budget_is_exact(milli_percent in 1u32..100_000) {
        // A target with up to three decimals, such as 99.123%.
        let target = format!("{}.{:03}", milli_percent / 1000, milli_percent % 1000);
        let checked = compile(&format!("  service s {{\n    availability {target}% per calendar month\n  }}\n"));
        let objective = first_objective(&checked);
        let budget = &objective["error_budget"];
        let allowed_milli = i128::from(100_000 - milli_percent);
        prop_assert_eq!(scaled(&budget["allowed_percent"], 3), allowed_milli);
        for (key, days) in [("shortest_window", 28), ("longest_window", 31)] {
            // allowed = days * 86400 * (100 - target) / 100, in units of 1e-5 s.
            let expected = i128::from(days * 86_400) * allowed_milli;
            prop_assert_eq!(scaled(&budget[key]["allowed_seconds"], 5), expected);
            prop_assert_eq!(scaled(&budget[key]["window_seconds"], 0), i128::from(days * 86_400));
        }
    }

    #[test]
    fn open_seconds_match_minute_stepping(
        hours in proptest::collection::vec(proptest::collection::vec((0u32..24, 1u32..8), 0..3), 7),
        holiday_offsets in proptest::collection::vec(0u32..60, 0..4),
        start_offset in 0u32..300,
        length in 0u32..70,
    ) {
        let calendar = random_calendar(&hours, &holiday_offsets);
        let base = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let first = base + chrono::Days::new(u64::from(start_offset));
        let last = first + chrono::Days::new(u64::from(length));
        let fast = slac::sema::open_seconds_between(&calendar, first, last);
        prop_assert_eq!(fast, reference_open_seconds(&calendar, first, last));
    }

    #[test]
    fn contiguous_tiers_are_accepted_and_a_moved_bound_is_not(
        mut bounds in proptest::collection::btree_set(900u32..999, 2..5),
        shift in prop_oneof![Just(-1i32), Just(1i32)],
        which in 0usize..3,
    ) {
        bounds.insert(999);
        let bounds: Vec<u32> = bounds.into_iter().rev().collect();
        let tier_lines = |moved: Option<(usize, i32)>| -> String {
            let mut lines = String::new();
            for (i, pair) in bounds.windows(2).enumerate() {
                let mut from = pair[1] as i32;
                if let Some((index, delta)) = moved {
                    if index == i {
                        from += delta;
                    }
                }
                lines.push_str(&format!(
                    "    from {}.{}% below {}.{}%: {}% of monthly fee\n",
                    from / 10, from % 10, pair[0] / 10, pair[0] % 10, (i + 1) * 5
                ));
            }
            let lowest = bounds[bounds.len() - 1];
            lines.push_str(&format!("    below {}.{}%: 100% of monthly fee\n", lowest / 10, lowest % 10));
            lines
        };
        let spec = |tiers: String| format!(
            "  service s {{\n    availability 99.9% per calendar month\n  }}\n  credits for s.availability {{\n{tiers}    cap 100% of monthly fee\n  }}\n"
        );
        let clean = compile(&spec(tier_lines(None)));
        prop_assert!(clean.diagnostics.is_empty(), "{:?}", clean.diagnostics);

        let index = which % (bounds.len() - 1);
        let moved = compile(&spec(tier_lines(Some((index, shift)))));
        let codes: Vec<Code> = moved.diagnostics.iter().map(|d| d.code).collect();
        let is_lowest = index == bounds.len() - 2;
        let expected = if shift > 0 { Code::E215 } else { Code::E214 };
        let becomes_empty = shift > 0 && bounds[index] - bounds[index + 1] == 1;
        if becomes_empty {
            // `from 99.9% below 99.9%` covers nothing.
            prop_assert!(codes.contains(&Code::E227), "{codes:?}");
        } else if is_lowest && shift < 0 {
            // The last `from` moved below the bound of the open tier under it: an overlap.
            prop_assert!(codes.contains(&Code::E214), "{codes:?}");
        } else {
            prop_assert!(codes.contains(&expected), "{codes:?}");
        }
    }
}

fn clock(minute: u32) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// A calendar with up to two non-overlapping intervals a day, built directly in the IR.
fn random_calendar(hours: &[Vec<(u32, u32)>], holiday_offsets: &[u32]) -> ir::Calendar {
    let mut weekly_hours = Vec::new();
    for (day, spans) in hours.iter().enumerate() {
        let mut intervals: Vec<ClockInterval> = Vec::new();
        let mut cursor = 0;
        for (start_hour, length) in spans {
            let start = (start_hour * 60).max(cursor);
            let end = (start + length * 60).min(24 * 60);
            if start >= end {
                continue;
            }
            intervals.push(ClockInterval {
                start: clock(start),
                end: clock(end),
                start_minute: start,
                end_minute: end,
            });
            cursor = end + 1;
        }
        if !intervals.is_empty() {
            weekly_hours.push(DayHours {
                day: Weekday::ALL[day],
                intervals,
            });
        }
    }
    let base = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let holidays = holiday_offsets
        .iter()
        .map(|offset| {
            let day = base + chrono::Days::new(u64::from(*offset) * 5);
            ir::Holiday {
                first: day,
                last: day + chrono::Days::new(1),
                name: "Holiday".into(),
            }
        })
        .collect();
    ir::Calendar {
        id: "c".into(),
        title: None,
        timezone: "UTC".into(),
        always_open: false,
        weekly_hours,
        weekly_open_seconds: 0,
        holidays,
        origin: ir::Origin::default(),
    }
}

/// Steps through every minute of every day.
fn reference_open_seconds(calendar: &ir::Calendar, first: NaiveDate, last: NaiveDate) -> i64 {
    let mut seconds = 0;
    let mut day = first;
    while day < last {
        let holiday = calendar.holidays.iter().any(|h| h.first <= day && day <= h.last);
        let weekday = Weekday::ALL[day.weekday().num_days_from_monday() as usize];
        for minute in 0..24 * 60 {
            let open = calendar
                .weekly_hours
                .iter()
                .filter(|d| d.day == weekday)
                .flat_map(|d| d.intervals.iter())
                .any(|i| i.start_minute <= minute && minute < i.end_minute);
            if open && !holiday {
                seconds += 60;
            }
        }
        day = day.succ_opt().unwrap();
    }
    seconds
}
