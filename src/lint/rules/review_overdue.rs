//! W305: the next review has fallen due and has not been recorded.

use crate::diagnostics::{Code, CodeDocs, Diagnostic};
use crate::ir::{key, Lifecycle};
use crate::lint::{finding, LintInput, Rule};
use crate::sema::add_period;

pub(super) const RULE: Rule = Rule {
    code: Code::W305,
    docs: CodeDocs {
        what: "An approved or signed agreement whose review fell due before today (`--today`), counted from the last recorded review (`last reviewed DATE`) or, without one, from the start of the term.",
        why: "A review cadence that is not kept is worse than none: the contract says the targets are checked, and nobody checks them.",
        example: "term 2026-01-01 to 2027-12-31\nreview every 3 months          # today is 2026-06-01",
        instead: "review every 3 months, last reviewed 2026-04-02",
    },
    check: Some(check),
};

fn check(input: &LintInput<'_>, out: &mut Vec<Diagnostic>) {
    for agreement in &input.agreements {
        if !matches!(agreement.status.state, Lifecycle::Approved | Lifecycle::Signed) {
            continue;
        }
        let Some(cadence) = agreement.review else { continue };
        let base = agreement.last_review.unwrap_or(agreement.term.effective);
        let Some(due) = add_period(base, cadence) else {
            continue;
        };
        if due >= input.today || agreement.term.end.is_some_and(|end| end < due) {
            continue;
        }
        let Some(location) = input.locate(&[key::review(&agreement.id), key::agreement(&agreement.id)])
        else {
            continue;
        };
        let days = (input.today - due).num_days();
        let since = match agreement.last_review {
            Some(last) => format!("after the review of {last}"),
            None => format!("after the start of the term on {}", agreement.term.effective),
        };
        out.push(
            finding(
                Code::W305,
                location,
                format!(
                    "the review of `{}` was due on {due} ({days} days ago), {since}",
                    agreement.id
                ),
                "review overdue",
            )
            .help(format!(
                "review the agreement with the customer and record it: `review every {cadence}, last reviewed {}`",
                input.today
            )),
        );
    }
}
