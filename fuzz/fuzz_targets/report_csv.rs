//! Arbitrary bytes as the ticket and outage files of a report, then evaluated against the
//! cloud-hosting example: bad rows are reported, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

const SPEC: &str = include_str!("../../examples/cloud-hosting/cloud-hosting.sla");

/// The example, checked once.
fn agreement() -> Option<&'static slac::ir::Agreement> {
    static CHECKED: std::sync::OnceLock<slac::Checked> = std::sync::OnceLock::new();
    CHECKED
        .get_or_init(|| slac::check_source(std::path::Path::new("cloud-hosting.sla"), SPEC))
        .agreements()
        .next()
}

fuzz_target!(|data: &[u8]| {
    let tickets = slac::report::input::tickets(data);
    let outages = slac::report::input::outages(data);
    let Some(agreement) = agreement() else {
        return;
    };
    let Ok(period) = slac::report::parse_period("2026-10") else {
        return;
    };
    let (tickets, bad_tickets) = tickets.unwrap_or_default();
    let (outages, bad) = outages.unwrap_or_default();
    let rows = tickets.into_iter().map(Ok).chain(bad_tickets.into_iter().map(Err));
    let Ok(report) = slac::report::evaluate(agreement, rows, &outages, bad, &period) else {
        return;
    };
    let _ = slac::report::write_json(&report, &mut std::io::sink());
    let _ = slac::report::write_markdown(&report, Some("fuzz"), &mut std::io::sink());
});
