//! W300: a suppression comment that suppresses nothing. Enforced where suppressions are applied.

use crate::diagnostics::{Code, CodeDocs};
use crate::lint::Rule;

pub(super) const RULE: Rule = Rule {
    code: Code::W300,
    docs: CodeDocs {
        what: "A `# slac: allow(...)` comment whose codes match no finding where it stands.",
        why: "A stale suppression hides nothing today but will silently hide a real finding tomorrow, and its reason no longer describes the spec.",
        example: "# slac: allow(W310) \"customer accepted 100%\"\navailability 99.9% per calendar month",
        instead: "availability 99.9% per calendar month   # the suppression removed",
    },
    check: None,
};
