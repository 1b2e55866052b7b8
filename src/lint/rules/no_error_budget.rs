//! W310: a target of 100%, which leaves no error budget.

use rust_decimal::Decimal;

use crate::diagnostics::{Code, CodeDocs, Diagnostic};
use crate::ir::Commitment;
use crate::lint::{finding, LintInput, Rule};

pub(super) const RULE: Rule = Rule {
    code: Code::W310,
    docs: CodeDocs {
        what: "An availability or outcome objective with a target of 100%.",
        why: "100% leaves no error budget: any single failure, however short, breaches the agreement, and no change can ever be risked. Nothing real is 100% available.",
        example: "availability 100% per calendar month",
        instead: "availability 99.95% per calendar month\n# or, where a customer really accepted it, a suppression with the reason:\n# slac: allow(W310) \"payroll must never be late; accepted by the CFO\"",
    },
    check: Some(check),
};

fn check(input: &LintInput<'_>, out: &mut Vec<Diagnostic>) {
    for agreement in &input.agreements {
        for service in &agreement.services {
            for objective in &service.objectives {
                if !matches!(
                    objective.commitment,
                    Commitment::Availability { .. } | Commitment::Outcome { .. }
                ) {
                    continue;
                }
                let no_budget = objective
                    .error_budget
                    .as_ref()
                    .is_some_and(|b| b.allowed_percent.value() == Decimal::ZERO);
                if !no_budget {
                    continue;
                }
                let Some(location) = input.objective_location(agreement, &service.id, objective) else {
                    continue;
                };
                out.push(
                    finding(
                        Code::W310,
                        location,
                        format!("`{}.{}` has a target of 100%: any failure breaches it", service.id, objective.id),
                        "no error budget",
                    )
                    .help("promise what can be kept, such as 99.9%, or suppress this with the reason the customer accepted 100%"),
                );
            }
        }
    }
}
