//! The IR as JSON: pretty-printed, fields in declaration order, decimals with their exact
//! digits, so the output is byte-identical from run to run and can be committed.

use crate::ir::Program;

pub fn json(program: &Program) -> String {
    // Serializing plain data to a String cannot fail; an empty object would be caught by the
    // schema tests.
    let mut text = serde_json::to_string_pretty(program).unwrap_or_else(|_| "{}".to_string());
    text.push('\n');
    text
}
