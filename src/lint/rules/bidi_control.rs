//! W321: a bidirectional control character in a spec. Enforced by the parser, which sees the
//! text: the IR no longer holds where such a character stood.

use crate::diagnostics::{Code, CodeDocs};
use crate::lint::Rule;

pub(super) const RULE: Rule = Rule {
    code: Code::W321,
    docs: CodeDocs {
        what: "A Unicode bidirectional embedding, override or isolate character (U+202A to U+202E, U+2066 to U+2069) anywhere in a spec.",
        why: "These characters are invisible and reorder how a line is displayed, so a reviewer can read one target or party in a pull request while slac reads another (the Trojan Source attack, CVE-2021-42574).",
        example: "customer \"Acme\u{202E}\"   # an invisible override after the name",
        instead: "customer \"Acme\"",
    },
    check: None,
};
