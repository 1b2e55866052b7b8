//! The formatter round trip: whatever it formats parses again, means the same (the same IR or
//! the same diagnostics), and formatting it again changes nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;

fn meaning(text: &str) -> String {
    let checked = slac::check_source(std::path::Path::new("fuzz.sla"), text);
    let diagnostics: Vec<String> = checked
        .diagnostics
        .iter()
        .map(|d| format!("{} {}", d.code.as_str(), d.message))
        .collect();
    let program = checked
        .roots
        .first()
        .and_then(|root| checked.program(*root))
        .map(|p| serde_json::to_string(p).unwrap_or_default())
        .unwrap_or_default();
    format!("{diagnostics:?}\n{program}")
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(formatted) = slac::fmt::format_text(0, text) else {
        return;
    };
    assert_eq!(
        slac::fmt::format_text(0, &formatted).ok().as_deref(),
        Some(formatted.as_str()),
        "formatting twice changes the text"
    );
    assert_eq!(
        meaning(&formatted),
        meaning(text),
        "formatting changes the meaning"
    );
});
