//! W304: no review cadence, or no revision plan.

use crate::diagnostics::{Code, CodeDocs, Diagnostic};
use crate::ir::key;
use crate::lint::{finding, LintInput, Rule};

pub(super) const RULE: Rule = Rule {
    code: Code::W304,
    docs: CodeDocs {
        what: "The agreement has no `review every ...` cadence, or no `revision \"...\"` plan saying how changes are agreed.",
        why: "Services and needs change over a contract's term; an agreement that is never reviewed drifts away from both, and one without a revision plan has no agreed way to change.",
        example: "agreement hosting \"Hosting\" {\n  term 2026-01-01 to 2027-12-31\n}",
        instead: "agreement hosting \"Hosting\" {\n  term 2026-01-01 to 2027-12-31\n  review every 6 months\n  revision \"Targets are reviewed every six months; changes need both parties' written approval.\"\n}",
    },
    check: Some(check),
};

fn check(input: &LintInput<'_>, out: &mut Vec<Diagnostic>) {
    for agreement in &input.agreements {
        let missing: Vec<&str> = [
            agreement.review.is_none().then_some("review cadence"),
            agreement.revision_plan.is_none().then_some("revision plan"),
        ]
        .into_iter()
        .flatten()
        .collect();
        if missing.is_empty() {
            continue;
        }
        let Some(location) = input.locate(&[key::agreement(&agreement.id)]) else {
            continue;
        };
        let help = if agreement.review.is_none() {
            "add `review every 3 months` and `revision \"How changes are agreed and when they apply.\"`"
        } else {
            "add `revision \"How changes are agreed and when they apply.\"`"
        };
        out.push(
            finding(
                Code::W304,
                location,
                format!(
                    "the agreement `{}` has no {}",
                    agreement.id,
                    missing.join(" and no ")
                ),
                format!("no {}", missing.join(" and no ")),
            )
            .help(help),
        );
    }
}
