//! Arbitrary bytes through the whole checking pipeline: reading (size and UTF-8 limits),
//! parsing, analysis and every lint. Nothing may panic or overflow the stack, the tree
//! parser and the error parser must agree on whether the text parses, and a parse piece by
//! piece (as of a large file) must give what the whole file's parse gives.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    assert!(slac::syntax::parsers_agree(&text), "the two parsers disagree");
    assert!(slac::syntax::pieces_agree(&text, 1), "the parse in pieces differs from the whole parse");
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
