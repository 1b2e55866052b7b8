//! Verdicts and credits at the boundaries: for months of 28, 30 and 31 days and quarters of
//! 90, 91 and 92 days, downtime exactly at each boundary (where a whole second lands on it),
//! one second below and one above, checked against a reference written here in integers.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use slac::report::{Outage, Period, Status};

/// A percentage as (mantissa, scale): 99.95% is (9995, 2).
type Percent = (u64, u32);

/// The target and the tiers' bounds: 99.95%, 99%, 95%.
const TARGET: Percent = (9995, 2);
/// (at least, below, credit): the first tier the level falls in is owed.
const TIERS: [(Option<Percent>, Percent, &str); 3] = [
    (Some((99, 0)), (9995, 2), "10% of the monthly fee"),
    (Some((95, 0)), (99, 0), "25% of the monthly fee"),
    (None, (95, 0), "100% of the monthly fee"),
];

fn spec(window: &str) -> String {
    format!(
        r#"agreement bounds "Boundaries" {{
  kind customer
  version 1.0.0
  status draft
  provider "Provider"
  customer "Customer"
  term 2026-01-01 open-ended
  service shop {{ availability 99.95% per calendar {window} }}
  credits for shop.availability {{
    from 99% below 99.95%: 10% of monthly fee
    from 95% below 99%: 25% of monthly fee
    below 95%: 100% of monthly fee
  }}
}}"#
    )
}

/// Whether `up` seconds of `measured` are at least `percent` (mantissa, scale), by
/// cross-multiplying in integers.
fn at_least(up: u64, measured: u64, (mantissa, scale): Percent) -> bool {
    u128::from(up) * 100 * 10u128.pow(scale) >= u128::from(mantissa) * u128::from(measured)
}

/// The credit the tiers owe for `up` of `measured` seconds, worked out independently.
fn expected_credit(up: u64, measured: u64) -> Option<&'static str> {
    TIERS
        .iter()
        .find(|(from, below, _)| {
            !at_least(up, measured, *below) && from.is_none_or(|from| at_least(up, measured, from))
        })
        .map(|(_, _, credit)| *credit)
}

/// The downtimes around the downtime that puts the level exactly on `boundary`: the seconds
/// just below and above it, and the boundary itself when it is a whole second.
fn around(measured: u64, (mantissa, scale): Percent) -> Vec<u64> {
    // downtime = measured × (100 − boundary) / 100 = measured × (100·10^s − m) / (100·10^s).
    let denominator = 100 * 10u128.pow(scale);
    let exact = u128::from(measured) * (denominator - u128::from(mantissa));
    let floor = (exact / denominator) as u64;
    let ceil = exact.div_ceil(denominator) as u64;
    let mut seconds = vec![floor.saturating_sub(1), floor, ceil, ceil + 1];
    seconds.dedup();
    seconds
}

#[test]
fn credits_and_verdicts_at_every_boundary_of_months_and_quarters() {
    // (window, period, days)
    let cases = [
        ("month", "2026-02", 28),
        ("month", "2026-04", 30),
        ("month", "2026-10", 31),
        ("quarter", "2026-Q1", 90),
        ("quarter", "2026-Q2", 91),
        ("quarter", "2026-Q3", 92),
    ];
    let mut checked_exactly_at = 0;
    for (window, label, days) in cases {
        let checked = slac::check_source(Path::new("bounds.sla"), &spec(window));
        assert!(!checked.has_errors(), "{:#?}", checked.diagnostics);
        let agreement = &checked.program(checked.roots[0]).unwrap().agreements[0];
        let period: Period = slac::report::parse_period(label).unwrap();
        let measured = days * 86_400;
        assert_eq!((period.to - period.from).num_seconds() as u64, measured);
        let boundaries = [TARGET, (99, 0), (95, 0)];
        for boundary in boundaries {
            for downtime in around(measured, boundary) {
                let up = measured - downtime;
                if u128::from(up) * 100 * 10u128.pow(boundary.1)
                    == u128::from(boundary.0) * u128::from(measured)
                {
                    checked_exactly_at += 1;
                }
                let outages = vec![Outage {
                    line: 2,
                    service: "shop".into(),
                    site: None,
                    start: period.from,
                    end: period.from + chrono::Duration::seconds(downtime as i64),
                }];
                let tickets = std::iter::empty::<Result<slac::report::Ticket, _>>();
                let report =
                    slac::report::evaluate(agreement, tickets, &outages, Vec::new(), &period).unwrap();
                let result = &report.objectives[0];
                let context = format!("{label}, {downtime} s down of {measured}");
                let met = at_least(up, measured, TARGET);
                let status = if met { Status::Met } else { Status::Breached };
                assert_eq!(result.status, status, "{context}");
                assert_eq!(
                    result.credit.as_ref().map(|c| c.amount.as_str()),
                    expected_credit(up, measured),
                    "{context}"
                );
                // The level shown is on the same side of every boundary as the level itself.
                let shown = result.achieved_percent.unwrap().value();
                for (mantissa, scale) in boundaries {
                    let bound = rust_decimal::Decimal::new(mantissa as i64, scale);
                    assert_eq!(
                        shown >= bound,
                        at_least(up, measured, (mantissa, scale)),
                        "{context}: {shown}"
                    );
                }
            }
        }
    }
    // A boundary lands on a whole second in most of these periods (99.95% of 30 days is
    // 1,296 s down); the test must have met some.
    assert!(checked_exactly_at >= 10, "{checked_exactly_at}");
}

/// A business-hours objective over a weekend measures nothing: no level, no verdict.
#[test]
fn a_period_without_measured_time_has_no_measurement() {
    let text = spec("month").replace(
        "service shop { availability 99.95% per calendar month }",
        "calendar office \"Office\" {\n    timezone UTC\n    mon-fri 09:00-17:00\n  }\n  service shop { availability 99.95% per calendar month during office }",
    );
    let checked = slac::check_source(Path::new("bounds.sla"), &text);
    assert!(!checked.has_errors(), "{:#?}", checked.diagnostics);
    let agreement = &checked.program(checked.roots[0]).unwrap().agreements[0];
    let weekend = slac::report::parse_period("2026-10-03..2026-10-04").unwrap();
    let tickets = std::iter::empty::<Result<slac::report::Ticket, _>>();
    let report = slac::report::evaluate(agreement, tickets, &[], Vec::new(), &weekend).unwrap();
    let result = &report.objectives[0];
    assert_eq!(result.status, Status::NoMeasurement);
    assert!(result.achieved_percent.is_none() && result.credit.is_none());
}
