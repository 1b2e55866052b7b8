//! `slac report`: the examples' ticket and outage data evaluated, with the numbers worked out
//! by hand in the comments; snapshots of both formats; bad rows; the command line.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

const PERIOD: &str = "2026-10";

fn example(name: &str) -> (PathBuf, PathBuf, PathBuf) {
    let folder = Path::new("examples").join(name);
    (
        folder.join(format!("{name}.sla")),
        folder.join(format!("{name}.tickets.csv")),
        folder.join(format!("{name}.outages.csv")),
    )
}

fn report(name: &str) -> slac::report::Report {
    let (spec, tickets, outages) = example(name);
    let checked = slac::check(&[spec]).unwrap();
    assert!(!checked.has_errors());
    let agreement = &checked.program(checked.roots[0]).unwrap().agreements[0];
    let tickets = slac::report::input::ticket_rows(fs::File::open(tickets).unwrap()).unwrap();
    let (outages, bad) = slac::report::input::outages(fs::File::open(outages).unwrap()).unwrap();
    let period = slac::report::parse_period(PERIOD).unwrap();
    slac::report::evaluate(agreement, tickets, &outages, bad, &period).unwrap()
}

fn render_json(report: &slac::report::Report) -> String {
    let mut out = Vec::new();
    slac::report::write_json(report, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn render_markdown(report: &slac::report::Report, charts: Option<&str>) -> String {
    let mut out = Vec::new();
    slac::report::write_markdown(report, charts, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn json(name: &str) -> Value {
    serde_json::from_str(&render_json(&report(name))).unwrap()
}

fn objective<'a>(report: &'a Value, id: &str, site: Option<&str>) -> &'a Value {
    report["objectives"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["objective"] == id && o["site"].as_str() == site)
        .unwrap_or_else(|| panic!("no objective {id} {site:?}"))
}

fn ticket<'a>(objective: &'a Value, id: &str) -> &'a Value {
    objective["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == id)
        .unwrap_or_else(|| panic!("no ticket {id}"))
}

#[test]
fn cloud_hosting_by_hand() {
    let report = json("cloud-hosting");
    // October 2026 in UTC is 31 days, 2,678,400 s. The weekly maintenance (Sundays 02:00-04:00
    // in Berlin) falls on the 4th, 11th, 18th and 25th; on the 25th Berlin falls back at 03:00,
    // so that window lasts 3 h: 9 h in all, 32,400 s. Measured: 2,646,000 s.
    let shop = objective(&report, "availability", None);
    assert_eq!(shop["availability"]["measured_seconds"], 2_646_000);
    // Outages: 14:00-14:20 and 14:10-14:25 on the 7th overlap, 25 min = 1,500 s together;
    // 01:30-02:30 on Sunday the 11th runs into maintenance at 02:00, so 1,800 s count.
    // Downtime 3,300 s; availability 100 - 330,000 / 2,646,000 = 99.87528...%, shown 99.8753%.
    assert_eq!(shop["availability"]["downtime_seconds"], 3_300);
    assert_eq!(shop["achieved_percent"].to_string(), "99.8753");
    assert_eq!(shop["status"], "breached");
    // Budget 0.05% of 2,646,000 s = 1,323 s; spent 3,300 / 1,323 = 249.43%; the early warning
    // (75%) is reached; the tier `from 99.0% below 99.95%` owes 10% of the monthly fee.
    assert_eq!(shop["availability"]["error_budget_seconds"].to_string(), "1323");
    assert_eq!(shop["availability"]["budget_spent_percent"].to_string(), "249.43");
    assert_eq!(shop["early_warning"]["reached"], true);
    assert_eq!(shop["credit"]["amount"], "10% of the monthly fee");
    // The API: 30 min down, 100 - 180,000 / 2,646,000 = 99.93197...%; target 99.9% met, no
    // credit; budget 2,646 s, spent 1,800 / 2,646 = 68.03%, under the 80% warning.
    let api = report["objectives"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["service"] == "api" && o["objective"] == "availability")
        .unwrap();
    assert_eq!(api["achieved_percent"].to_string(), "99.932");
    assert_eq!(api["status"], "met");
    assert_eq!(api["availability"]["budget_spent_percent"].to_string(), "68.03");
    assert!(api.get("credit").is_none());

    // P1 response within 15 min, around the clock: T1 10 min (met), T2 20 min (breached), T7
    // 5 min (met): 2 of 3, 66.6667%. T11 was opened in September and does not count.
    let response = objective(&report, "response.P1", None);
    assert_eq!(response["achieved_percent"].to_string(), "66.6667");
    assert_eq!(ticket(response, "T2")["business_seconds"], 1_200);
    assert_eq!(response["tickets"].as_array().unwrap().len(), 3);
    // P1 resolution within 4 h: T7 took 5 h but was paused 1 h, so its deadline is 14:00 and
    // it was resolved at 14:00: met, with 4 h counted. T2 took 5 h 30 min: breached. The
    // penalty is 2% of the monthly fee per breach: 2%.
    let resolution = objective(&report, "resolution.P1", None);
    assert_eq!(ticket(resolution, "T7")["business_seconds"], 14_400);
    assert_eq!(ticket(resolution, "T7")["verdict"], "met");
    assert_eq!(resolution["penalty"]["amount"], "2% of the monthly fee");
    // P2 response within 1 h of support hours (Monday to Friday 08:00-18:00, Berlin): T3 opened
    // on Friday at 17:30 and answered on Monday at 08:20: 30 + 20 min = 3,000 s, met.
    let response = objective(&report, "response.P2", None);
    assert_eq!(ticket(response, "T3")["business_seconds"], 3_000);
    assert_eq!(ticket(response, "T3")["verdict"], "met");
    // P2 resolution within 1 business day: T5, opened Wednesday 28 October at 16:00 (CET), was
    // due on Thursday at 16:00 and is still open at the end of the period: breached, with
    // 2 + 10 + 10 = 22 h of support hours counted to 1 November 01:00 CET.
    let resolution = objective(&report, "resolution.P2", None);
    assert_eq!(ticket(resolution, "T5")["verdict"], "breached");
    assert_eq!(ticket(resolution, "T5")["business_seconds"], 79_200);
    assert_eq!(ticket(resolution, "T5")["deadline"], "2026-10-29T15:00:00Z");
    // P3: T6 (Friday 30 October, 17:00) is due on Monday 2 November: not yet due, no data.
    assert_eq!(objective(&report, "response.P3", None)["status"], "no_data");

    // Four rows could not be used, each named with its line.
    let bad: Vec<(String, u64)> = report["bad_rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["file"].as_str().unwrap().to_string(),
                b["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        bad,
        [
            ("outages".into(), 6),
            ("tickets".into(), 9),
            ("tickets".into(), 10),
            ("tickets".into(), 11)
        ]
    );
}

#[test]
fn printer_support_by_hand() {
    let report = json("printer-support");
    // Office hours in Hanoi: 08:00-12:00 and 13:00-17:00 on weekdays, 8 h a day; October 2026
    // has 22 weekdays and no holiday: 176 h. The outage on Wednesday the 14th, 08:00-12:00,
    // costs 4 h; the one at the city site on Saturday the 17th lies outside office hours.
    // 100 - 4 / 176 * 100 = 97.72727...%, below 98%: 15% of the monthly fee (the cap is 15%).
    let printing = objective(&report, "availability", None);
    assert_eq!(printing["availability"]["measured_seconds"], 633_600);
    assert_eq!(printing["availability"]["downtime_seconds"], 14_400);
    assert_eq!(printing["achieved_percent"].to_string(), "97.7273");
    assert_eq!(printing["credit"]["amount"], "15% of the monthly fee");
    // City P1 response within 4 h: HN-101 from Tuesday 11:00 to 15:30 is 1 h + 2 h 30 min =
    // 3 h 30 min (met); HN-102 from Thursday 16:00 to Friday 12:30 is 1 h + 4 h = 5 h.
    let city = objective(&report, "response.P1", None);
    assert_eq!(ticket(city, "HN-101")["business_seconds"], 12_600);
    assert_eq!(ticket(city, "HN-102")["business_seconds"], 18_000);
    assert_eq!(ticket(city, "HN-102")["verdict"], "breached");
    // The rural branch has 8 h: LC-17, answered after 6 h, is met there.
    let rural = objective(&report, "response.P1", Some("rural"));
    assert_eq!(ticket(rural, "LC-17")["business_seconds"], 21_600);
    assert_eq!(ticket(rural, "LC-17")["verdict"], "met");
    // Rural resolution within 2 business days: opened Tuesday 11:00, due Thursday 11:00
    // (04:00 UTC), resolved Friday 10:00: breached, 23 h of office time.
    let rural = objective(&report, "resolution.P1", Some("rural"));
    assert_eq!(ticket(rural, "LC-17")["deadline"], "2026-10-08T04:00:00Z");
    assert_eq!(ticket(rural, "LC-17")["business_seconds"], 82_800);
    // The P1 resolution penalty counts breaches at every site: HN-102 and LC-17, 2 x 2% = 4%.
    assert_eq!(
        objective(&report, "resolution.P1", None)["penalty"]["amount"],
        "4% of the monthly fee"
    );
    // P2 resolution within 3 business days, paused 2 h: due Friday 09:00 + 2 h = 11:00.
    let p2 = objective(&report, "resolution.P2", None);
    assert_eq!(ticket(p2, "HN-103")["deadline"], "2026-10-23T04:00:00Z");
    assert_eq!(ticket(p2, "HN-103")["verdict"], "met");
}

#[test]
fn snapshots_of_both_formats() {
    for name in ["cloud-hosting", "printer-support"] {
        let report = report(name);
        insta::assert_snapshot!(format!("report_{name}_markdown"), render_markdown(&report, None));
        insta::assert_snapshot!(format!("report_{name}_json"), render_json(&report));
    }
}

fn slac() -> Command {
    Command::cargo_bin("slac").unwrap()
}

#[test]
fn the_command_writes_the_report_and_its_charts() {
    let (spec, tickets, outages) = example("printer-support");
    let folder = tempfile::tempdir().unwrap();
    let target = folder.path().join("october.md");
    slac()
        .args(["report"])
        .arg(&spec)
        .arg("--tickets")
        .arg(&tickets)
        .arg("--outages")
        .arg(&outages)
        .args(["--period", PERIOD, "-o"])
        .arg(&target)
        .assert()
        .code(0);
    let markdown = fs::read_to_string(&target).unwrap();
    assert!(
        markdown.contains("![Error budget spent over the period](october.printing.availability.burn.svg)")
    );
    let svg = fs::read_to_string(folder.path().join("october.printing.availability.burn.svg")).unwrap();
    assert!(
        svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
        "{svg}"
    );
    assert!(svg.contains("<polyline") && svg.trim_end().ends_with("</svg>"));

    // Bad rows are warnings, or with --strict errors that stop the report.
    let (spec, tickets, outages) = example("cloud-hosting");
    let run = |strict: bool| {
        let mut command = slac();
        command
            .arg("report")
            .arg(&spec)
            .arg("--tickets")
            .arg(&tickets)
            .arg("--outages")
            .arg(&outages)
            .args(["--period", PERIOD, "--format", "json"]);
        if strict {
            command.arg("--strict");
        }
        command.output().unwrap()
    };
    let lenient = run(false);
    assert_eq!(lenient.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&lenient.stderr)
        .contains("warning: tickets line 9: the agreement has no service `mail`"));
    let strict = run(true);
    assert_eq!(strict.status.code(), Some(1));
    assert!(strict.stdout.is_empty());
    slac()
        .arg("report")
        .arg(&spec)
        .args(["--tickets", "no-such.csv", "--period", PERIOD])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("cannot read `no-such.csv`"));
    slac()
        .arg("report")
        .arg(&spec)
        .arg("--tickets")
        .arg(&tickets)
        .args(["--period", "October"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("is not a period"));
}

#[test]
fn markdownlint_accepts_the_reports() {
    let folder = tempfile::tempdir().unwrap();
    for name in ["cloud-hosting", "printer-support"] {
        fs::write(
            folder.path().join(format!("{name}.md")),
            render_markdown(&report(name), Some(name)),
        )
        .unwrap();
    }
    common::markdownlint(folder.path(), ".markdownlint-cli2.jsonc");
}

/// Tickets of the cloud-hosting example, many more than one spooled block holds: P1 tickets
/// answered in 5 minutes (met) or 20 (breached), every seventh naming a service the agreement
/// lacks, every eleventh with a date that is not one.
fn many_tickets(count: usize) -> String {
    let mut csv =
        String::from("id,service,priority,site,opened_at,first_response_at,resolved_at,paused_seconds\n");
    for i in 0..count {
        let service = if i % 7 == 3 { "mail" } else { "shop" };
        let minutes = if i % 5 == 0 { 20 } else { 5 };
        let day = 1 + i % 28;
        let opened = if i % 11 == 4 {
            "soon".to_string()
        } else {
            format!("2026-10-{day:02}T10:00:00Z")
        };
        csv.push_str(&format!(
            "T{i},{service},P1,,{opened},2026-10-{day:02}T10:{minutes:02}:00Z,,\n"
        ));
    }
    csv
}

#[test]
fn tickets_stream_through_the_report_in_the_order_of_the_data() {
    const COUNT: usize = 20_000;
    let folder = tempfile::tempdir().unwrap();
    let data = folder.path().join("tickets.csv");
    fs::write(&data, many_tickets(COUNT)).unwrap();
    let (spec, _, _) = example("cloud-hosting");
    let output = slac()
        .arg("report")
        .arg(&spec)
        .arg("--tickets")
        .arg(&data)
        .args(["--period", PERIOD, "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();

    // The reference: which rows are usable, and which of those are breached, by the rules
    // the data was made with.
    let unusable = |i: usize| i % 7 == 3 || i % 11 == 4;
    let usable: Vec<String> = (0..COUNT)
        .filter(|i| !unusable(*i))
        .map(|i| format!("T{i}"))
        .collect();
    let breached = (0..COUNT).filter(|i| !unusable(*i) && i % 5 == 0).count();
    let response = objective(&report, "response.P1", None);
    let ids: Vec<&str> = response["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, usable);
    assert_eq!(response["breaches"], breached);
    let lines: Vec<u64> = report["bad_rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["line"].as_u64().unwrap())
        .collect();
    let expected: Vec<u64> = (0..COUNT)
        .filter(|i| unusable(*i))
        .map(|i| i as u64 + 2)
        .collect();
    assert_eq!(lines, expected);

    // The Markdown report lists the same breaches (answered at 10:20; the resolution
    // objective's rows say "not yet").
    let markdown = slac()
        .arg("report")
        .arg(&spec)
        .arg("--tickets")
        .arg(&data)
        .args(["--period", PERIOD])
        .output()
        .unwrap();
    let text = String::from_utf8(markdown.stdout).unwrap();
    let listed = text
        .lines()
        .filter(|l| l.starts_with("| T") && l.contains("T10:20:00Z |"))
        .count();
    assert_eq!(listed, breached);
}

/// A ticket exported twice is judged once, by its first row; the repeat is a row that cannot
/// be used (a warning, or a refusal with `--strict`).
#[test]
fn a_repeated_ticket_id_is_judged_once() {
    let (spec, tickets, _) = example("printer-support");
    let mut csv = fs::read_to_string(&tickets).unwrap();
    let first = csv.lines().nth(1).unwrap().to_string();
    // The same ticket again, answered late this time: it must not count as a second breach.
    csv.push_str(&first.replace("2026-10-07T10:00:00", "2026-10-20T10:00:00"));
    csv.push('\n');
    let folder = tempfile::tempdir().unwrap();
    let repeated = folder.path().join("tickets.csv");
    fs::write(&repeated, &csv).unwrap();
    let lines = csv.lines().count();
    let run = |strict: bool| {
        let mut command = slac();
        command
            .arg("report")
            .arg(&spec)
            .arg("--tickets")
            .arg(&repeated)
            .args(["--period", PERIOD, "--format", "json"]);
        if strict {
            command.arg("--strict");
        }
        command.assert()
    };
    let output = run(false).code(0).get_output().clone();
    let stderr = String::from_utf8(output.stderr).unwrap();
    let id = first.split(',').next().unwrap();
    assert!(
        stderr.contains(&format!("the ticket `{id}` is already on line 2")),
        "{stderr}"
    );
    let with_repeat: Value = serde_json::from_slice(&output.stdout).unwrap();
    let without: Value = {
        let output = slac()
            .arg("report")
            .arg(&spec)
            .arg("--tickets")
            .arg(&tickets)
            .args(["--period", PERIOD, "--format", "json"])
            .output()
            .unwrap();
        serde_json::from_slice(&output.stdout).unwrap()
    };
    assert_eq!(with_repeat["objectives"], without["objectives"]);
    assert_eq!(with_repeat["bad_rows"][0]["line"], lines);
    run(true).code(1);
}
