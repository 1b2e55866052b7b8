//! W306: the term ends within 60 days, or has ended while the agreement is still signed.

use crate::diagnostics::{Code, CodeDocs, Diagnostic};
use crate::ir::{key, Lifecycle};
use crate::lint::{finding, LintInput, Rule};

/// How far ahead an expiry is announced.
const WARN_DAYS: i64 = 60;

pub(super) const RULE: Rule = Rule {
    code: Code::W306,
    docs: CodeDocs {
        what: "A signed or approved agreement whose term ends within 60 days of today (`--today`), or a signed agreement whose term has already ended.",
        why: "An agreement that lapses unnoticed leaves the service running without any commitment; one that expired but still says `signed` misleads everyone who reads it.",
        example: "status signed 2025-01-10\nterm 2025-01-01 to 2025-12-31     # today is 2026-02-01",
        instead: "status terminated 2025-12-31\n# or a renewed term and a new version:\nterm 2026-01-01 to 2026-12-31",
    },
    check: Some(check),
};

fn check(input: &LintInput<'_>, out: &mut Vec<Diagnostic>) {
    for agreement in &input.agreements {
        let Some(end) = agreement.term.end else { continue };
        let state = agreement.status.state;
        if !matches!(state, Lifecycle::Approved | Lifecycle::Signed) {
            continue;
        }
        let Some(location) = input.locate(&[key::term(&agreement.id), key::agreement(&agreement.id)]) else {
            continue;
        };
        let days_left = (end - input.today).num_days();
        if days_left < 0 && state == Lifecycle::Signed {
            out.push(
                finding(
                    Code::W306,
                    location,
                    format!(
                        "the term of `{}` ended on {end}, but its status is still `signed`",
                        agreement.id
                    ),
                    "expired",
                )
                .help(format!(
                    "renew it with a new term and version, or record the end: `status terminated {end}`"
                )),
            );
        } else if (0..=WARN_DAYS).contains(&days_left) {
            out.push(
                finding(
                    Code::W306,
                    location,
                    format!(
                        "the term of `{}` ends on {end}, in {days_left} days",
                        agreement.id
                    ),
                    "expires soon",
                )
                .help("start the renewal now, with the notice period in mind, or let it end deliberately"),
            );
        }
    }
}
