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

fn agreement_of(text: &str) -> slac::ir::Agreement {
    let checked = slac::check_source(Path::new("bounds.sla"), text);
    assert!(!checked.has_errors(), "{:#?}", checked.diagnostics);
    checked.program(checked.roots[0]).unwrap().agreements[0].clone()
}

fn outage(start: &str, seconds: i64) -> Outage {
    let start = chrono::DateTime::parse_from_rfc3339(start).unwrap().to_utc();
    Outage {
        line: 2,
        service: "shop".into(),
        site: None,
        start,
        end: start + chrono::Duration::seconds(seconds),
    }
}

fn evaluate(agreement: &slac::ir::Agreement, outages: &[Outage], period: &str) -> slac::report::Report {
    let period = slac::report::parse_period(period).unwrap();
    let tickets = std::iter::empty::<Result<slac::report::Ticket, _>>();
    slac::report::evaluate(agreement, tickets, outages, Vec::new(), &period).unwrap()
}

/// A quarter's report of a monthly objective judges each month: a breached February owes its
/// credit even though the quarter as a whole would be above the target.
#[test]
fn a_monthly_objective_is_judged_month_by_month_over_a_quarter() {
    let agreement = agreement_of(&spec("month"));
    // February 2026: 2,419,200 s; 2 h down is 99.70...%, in the 10% tier. Over the quarter
    // (7,776,000 s) the same 2 h would be 99.907%, also breached but in one window only;
    // March: 20 h down is 97.31...%, in the 25% tier.
    let outages = [
        outage("2026-02-10T00:00:00Z", 7_200),
        outage("2026-03-10T00:00:00Z", 72_000),
    ];
    let report = evaluate(&agreement, &outages, "2026-Q1");
    let months: Vec<(&str, Status, Option<&str>)> = report
        .objectives
        .iter()
        .map(|r| {
            (
                r.window.as_ref().unwrap().label.as_str(),
                r.status,
                r.credit.as_ref().map(|c| c.amount.as_str()),
            )
        })
        .collect();
    assert_eq!(
        months,
        vec![
            ("2026-01", Status::Met, None),
            ("2026-02", Status::Breached, Some("10% of the monthly fee")),
            ("2026-03", Status::Breached, Some("25% of the monthly fee")),
        ]
    );
    assert_eq!(report.credit_totals.len(), 1);
    assert_eq!(report.credit_totals[0].amount, "35% of the monthly fee");
    assert_eq!(report.credit_totals[0].windows_owing, 2);
    assert!(!report.partial);
    let mut markdown = Vec::new();
    slac::report::write_markdown(&report, None, &mut markdown).unwrap();
    let markdown = String::from_utf8(markdown).unwrap();
    assert!(markdown.contains("| availability, 2026-02 |"), "{markdown}");
    assert!(markdown.contains("## Credits over the period"), "{markdown}");
}

/// A month's report of a quarterly objective covers part of its window: refused unless
/// partial, and then marked so.
#[test]
fn a_period_covering_part_of_a_window_is_refused_unless_partial() {
    let agreement = agreement_of(&spec("quarter"));
    let period = slac::report::parse_period("2026-01").unwrap();
    let refusal = slac::report::refusal(&agreement, &period).unwrap();
    assert!(refusal.contains("calendar quarter 2026-Q1"), "{refusal}");
    assert!(
        refusal.contains("`2026-01`") && refusal.contains("--partial"),
        "{refusal}"
    );
    assert!(slac::report::refusal(&agreement, &slac::report::parse_period("2026-Q1").unwrap()).is_none());
    let report = evaluate(&agreement, &[], "2026-01");
    assert!(report.partial && report.objectives[0].window.as_ref().unwrap().partial);

    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join("bounds.sla");
    std::fs::write(&file, spec("quarter")).unwrap();
    let outages = folder.path().join("outages.csv");
    std::fs::write(&outages, "service,site,start,end\n").unwrap();
    let run = |extra: &[&str]| {
        assert_cmd::Command::cargo_bin("slac")
            .unwrap()
            .args([
                "report",
                file.to_str().unwrap(),
                "--outages",
                outages.to_str().unwrap(),
            ])
            .args(["--period", "2026-01", "--format", "json"])
            .args(extra)
            .assert()
    };
    run(&[]).code(2).stdout("").stderr(predicates::str::contains(
        "covers only part of the calendar quarter 2026-Q1",
    ));
    run(&["--partial"])
        .code(0)
        .stdout(predicates::str::contains("\"partial\": true"));
}

/// Outside the agreement's term nothing is promised.
#[test]
fn a_period_outside_the_term_is_not_in_force() {
    let agreement = agreement_of(&spec("month"));
    let report = evaluate(&agreement, &[outage("2025-12-10T00:00:00Z", 86_400)], "2025-12");
    let result = &report.objectives[0];
    assert_eq!(result.status, Status::NotInForce);
    assert!(result.credit.is_none() && result.achieved_percent.is_none());
    let ended = agreement_of(&spec("month").replace("open-ended", "to 2026-01-31"));
    let report = evaluate(&ended, &[], "2026-Q1");
    let statuses: Vec<Status> = report.objectives.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        vec![Status::Met, Status::NotInForce, Status::NotInForce]
    );
}

/// Credits owed per another window than the objective's are refused, not silently moved.
#[test]
fn credits_over_another_window_than_the_objective_are_refused() {
    let text = spec("quarter").replace(
        "credits for shop.availability {",
        "credits for shop.availability per calendar month {",
    );
    let agreement = agreement_of(&text);
    let problem = slac::report::credit_window_mismatch(&agreement).unwrap();
    assert!(
        problem.contains("per calendar month") && problem.contains("per calendar quarter"),
        "{problem}"
    );
    assert!(slac::report::credit_window_mismatch(&agreement_of(&spec("month"))).is_none());
}

/// A ladder written with every form of bound: its cuts (highest first, in hundredths of a
/// percent), which side of each cut holds it, and whether the top tier includes the target.
#[derive(Debug, Clone)]
struct Ladder {
    target: u64,
    top_inclusive: bool,
    /// (cut, whether the tier above the cut holds it).
    cuts: Vec<(u64, bool)>,
}

/// A bound of a tier: hundredths of a percent, and whether the level itself is in the tier.
type Bound = (u64, bool);

fn hundredths(n: u64) -> String {
    format!("{}.{:02}", n / 100, n % 100)
}

impl Ladder {
    /// The tiers as (lower bound, upper bound, credit %), each bound (hundredths, inclusive).
    fn tiers(&self) -> Vec<(Option<Bound>, Bound, u64)> {
        let mut tiers = Vec::new();
        let mut upper = (self.target, self.top_inclusive);
        for (index, &(cut, above_holds)) in self.cuts.iter().enumerate() {
            tiers.push((Some((cut, above_holds)), upper, 5 * (index as u64 + 1)));
            upper = (cut, !above_holds);
        }
        tiers.push((None, upper, 5 * (self.cuts.len() as u64 + 1)));
        tiers
    }

    fn spec(&self) -> String {
        let mut lines = String::new();
        for (lower, (upper, upper_inclusive), credit) in self.tiers() {
            let lower_text = match lower {
                Some((cut, true)) => format!("from {}% ", hundredths(cut)),
                Some((cut, false)) => format!("above {}% ", hundredths(cut)),
                None => String::new(),
            };
            let upper_word = match (upper_inclusive, lower.is_some()) {
                (false, _) => "below",
                (true, true) => "to",
                (true, false) => "at most",
            };
            lines.push_str(&format!(
                "    {lower_text}{upper_word} {}%: {credit}% of monthly fee\n",
                hundredths(upper)
            ));
        }
        format!(
            "agreement ladder \"Ladder\" {{\n  kind customer\n  version 1.0.0\n  status draft\n  provider \"P\"\n  customer \"C\"\n  term 2026-01-01 open-ended\n  service shop {{ availability {}% per calendar month }}\n  credits for shop.availability {{\n{lines}  }}\n}}\n",
            hundredths(self.target)
        )
    }

    /// The credit owed for `up` of `measured` seconds, by brute force over the tiers.
    fn credit(&self, up: u64, measured: u64) -> Option<u64> {
        // level ? bound, with level = up / measured and bound = hundredths / 10,000.
        let cmp = |bound: u64| (u128::from(up) * 10_000).cmp(&(u128::from(bound) * u128::from(measured)));
        self.tiers()
            .into_iter()
            .find(|(lower, (upper, upper_inclusive), _)| {
                let under = match cmp(*upper) {
                    std::cmp::Ordering::Less => true,
                    std::cmp::Ordering::Equal => *upper_inclusive,
                    std::cmp::Ordering::Greater => false,
                };
                let over = lower.is_none_or(|(cut, inclusive)| match cmp(cut) {
                    std::cmp::Ordering::Greater => true,
                    std::cmp::Ordering::Equal => inclusive,
                    std::cmp::Ordering::Less => false,
                });
                under && over
            })
            .map(|(_, _, credit)| credit)
    }
}

fn ladders() -> impl proptest::strategy::Strategy<Value = Ladder> {
    use proptest::prelude::*;
    (
        9_000u64..=9_999,
        any::<bool>(),
        proptest::collection::btree_set(1u64..9_000, 0..4),
        proptest::collection::vec(any::<bool>(), 4),
    )
        .prop_map(|(target, top_inclusive, cuts, sides)| {
            let mut cuts: Vec<u64> = cuts.into_iter().collect();
            cuts.sort_unstable_by(|a, b| b.cmp(a));
            Ladder {
                target,
                top_inclusive,
                cuts: cuts.into_iter().zip(sides).collect(),
            }
        })
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(96))]

    /// For ladders of every bound form and downtime at, around and between their bounds, the
    /// report owes what brute force over the tiers owes.
    #[test]
    fn credits_match_a_brute_force_over_every_bound_form(
        ladder in ladders(),
        pick in 0usize..8,
        offset in 0u64..3,
        uniform in 0u64..=2_592_000,
    ) {
        let checked = slac::check_source(Path::new("ladder.sla"), &ladder.spec());
        proptest::prop_assert!(!checked.has_errors(), "{}\n{:#?}", ladder.spec(), checked.diagnostics);
        let agreement = checked.program(checked.roots[0]).unwrap().agreements[0].clone();
        let measured: u64 = 30 * 86_400;
        let mut bounds: Vec<u64> = vec![ladder.target];
        bounds.extend(ladder.cuts.iter().map(|c| c.0));
        // Downtime at a bound (hundredths h: down = measured × (10,000 − h) / 10,000), one
        // second either side, or anywhere.
        let downtime = match bounds.get(pick) {
            Some(&h) => {
                let exact = u128::from(measured) * u128::from(10_000 - h);
                ((exact / 10_000) as u64 + offset).saturating_sub(1).min(measured)
            }
            None => uniform,
        };
        let report = evaluate(
            &agreement,
            &[outage("2026-04-01T00:00:00Z", downtime as i64)],
            "2026-04",
        );
        let owed = report.objectives[0]
            .credit
            .as_ref()
            .map(|c| c.amount.trim_end_matches("% of the monthly fee").parse::<u64>().unwrap());
        proptest::prop_assert_eq!(owed, ladder.credit(measured - downtime, measured), "{} s down\n{}", downtime, ladder.spec());
    }
}

/// The forms read back as written: `slac fmt` keeps them, the contract states them in words,
/// and `slac diff` sees a tier that moves one level from one side of a bound to the other.
#[test]
fn every_bound_form_reads_back_in_fmt_contract_and_diff() {
    let path = Path::new("tests/fixtures/valid/tier-bounds.sla");
    let text = std::fs::read_to_string(path).unwrap();
    assert_eq!(slac::fmt::format_text(0, &text).unwrap(), text);
    let checked = slac::check(&[path.to_path_buf()]).unwrap();
    assert!(!checked.has_errors());
    let root = checked.roots[0];
    let agreement = &checked.program(root).unwrap().agreements[0];
    let contract = slac::markdown_document(&checked, root, agreement, &[], None);
    for words in [
        "above 99% and below 99.9%",
        "at least 95% and at most 99%",
        "above 95% and at most 99%",
        "| at most 95% |",
    ] {
        assert!(contract.contains(words), "{words}:\n{contract}");
    }
    // The level 99% moves from the 25% tier (`to 99%`) to the 10% tier (`from 99%`).
    let moved = text
        .replace("above 99% below 99.9%", "from 99% below 99.9%")
        .replace("from 95% to 99%", "from 95% below 99%");
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(folder.path().join("tier-bounds.sla"), moved).unwrap();
    let mut errors =
        |_: &slac::source::SourceMap, found: &[slac::diagnostics::Diagnostic]| panic!("{found:#?}");
    let old = slac::Version::load(&[path.to_path_buf()], false, &mut errors)
        .unwrap()
        .unwrap();
    let new = slac::Version::load(&[folder.path().to_path_buf()], false, &mut errors)
        .unwrap()
        .unwrap();
    let (report, ..) = slac::diff_versions(&old, &new);
    let human = slac::diff::render_human(&report);
    assert!(
        human.contains("above 99% below 99.9%: 10% of the monthly fee; from 95% to 99%"),
        "{human}"
    );
    assert!(human.contains("weakened"), "{human}");
}

/// `minimum`: a credit smaller than it is not issued; the contract says so, `slac fmt` keeps
/// it, and adding one weakens the agreement.
#[test]
fn credits_under_the_minimum_are_not_issued() {
    let text = spec("month").replace(
        "    below 95%: 100% of monthly fee\n",
        "    below 95%: 100% of monthly fee\n    minimum 20% of monthly fee\n",
    );
    let formatted = slac::fmt::format_text(0, &text).unwrap();
    assert!(
        formatted.contains("\n    minimum 20% of monthly fee\n  }"),
        "{formatted}"
    );
    assert_eq!(slac::fmt::format_text(0, &formatted).unwrap(), formatted);
    let agreement = agreement_of(&text);
    // 2 h down in April: 99.72%, in the 10% tier, under the minimum.
    let report = evaluate(&agreement, &[outage("2026-04-10T00:00:00Z", 7_200)], "2026-04");
    let result = &report.objectives[0];
    assert_eq!(result.status, Status::Breached);
    assert!(result.credit.is_none());
    assert!(result
        .note
        .as_deref()
        .unwrap()
        .contains("under the minimum credit of 20% of the monthly fee"));
    // 2 days down: 93.3%, in the 100% tier, over it.
    let report = evaluate(&agreement, &[outage("2026-04-10T00:00:00Z", 172_800)], "2026-04");
    assert_eq!(
        report.objectives[0].credit.as_ref().unwrap().amount,
        "100% of the monthly fee"
    );

    let checked = slac::check_source(Path::new("bounds.sla"), &text);
    let root = checked.roots[0];
    let contract = slac::markdown_document(&checked, root, &agreement, &[], None);
    assert!(
        contract.contains("A credit smaller than 20% of the monthly fee is not issued."),
        "{contract}"
    );

    let folder = tempfile::tempdir().unwrap();
    let (old, new) = (folder.path().join("old"), folder.path().join("new"));
    for (dir, content) in [(&old, spec("month")), (&new, text.clone())] {
        std::fs::create_dir(dir).unwrap();
        std::fs::write(dir.join("bounds.sla"), content).unwrap();
    }
    let mut errors =
        |_: &slac::source::SourceMap, found: &[slac::diagnostics::Diagnostic]| panic!("{found:#?}");
    let old = slac::Version::load(&[old], false, &mut errors).unwrap().unwrap();
    let new = slac::Version::load(&[new], false, &mut errors).unwrap().unwrap();
    let (report, ..) = slac::diff_versions(&old, &new);
    let human = slac::diff::render_human(&report);
    assert!(
        human.contains("weakened") && human.contains("minimum credit raised or added"),
        "{human}"
    );
}
