//! Arbitrary bytes through the whole checking pipeline: reading (size and UTF-8 limits),
//! parsing, analysis and every lint. Nothing may panic or overflow the stack, and the tree
//! parser and the error parser must agree on whether the text parses.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    assert!(slac::syntax::parsers_agree(&text), "the two parsers disagree");
    let mut checked = slac::check_source(std::path::Path::new("fuzz.sla"), &text);
    let today = chrono::NaiveDate::from_ymd_opt(2026, 6, 15).unwrap_or_default();
    slac::lint(&mut checked, today);
    for root in &checked.roots {
        if let Some(program) = checked.program(*root) {
            let _ = slac::emit::prometheus(&program.agreements);
            let _ = slac::emit::openslo(&program.agreements);
        }
    }
});
