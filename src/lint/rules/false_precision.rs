//! W319: a target with more decimals than its window can measure.

use rust_decimal::Decimal;

use crate::diagnostics::{Code, CodeDocs, Diagnostic};
use crate::ir::Commitment;
use crate::lint::{finding, human_seconds, percent, LintInput, Rule};

/// Prometheus's default scrape interval: a difference smaller than one sample cannot be seen.
const SAMPLE_SECONDS: i64 = 15;

pub(super) const RULE: Rule = Rule {
    code: Code::W319,
    docs: CodeDocs {
        what: "An availability target whose last decimal stands for less than 15 seconds (one default Prometheus scrape) of the shortest window, so no measurement can tell it from its neighbours.",
        why: "99.9951% and 99.995% differ by 2.4 seconds in a 28-day month: finer than any monitoring resolution. Such digits suggest a precision the contract cannot deliver.",
        example: "availability 99.9951% per calendar month",
        instead: "availability 99.995% per calendar month",
    },
    check: Some(check),
};

fn check(input: &LintInput<'_>, out: &mut Vec<Diagnostic>) {
    let sample = Decimal::from(SAMPLE_SECONDS);
    for agreement in &input.agreements {
        for service in &agreement.services {
            for objective in &service.objectives {
                let Commitment::Availability { target_percent } = objective.commitment else {
                    continue;
                };
                let Some(window) = objective
                    .error_budget
                    .as_ref()
                    .and_then(|b| b.shortest_window.as_ref())
                else {
                    continue;
                };
                let decimals = target_percent.value().normalize().scale();
                let step = window.window_seconds.value()
                    / Decimal::ONE_HUNDRED
                    / Decimal::from(10_u64.pow(decimals));
                if step >= sample {
                    continue;
                }
                let Some(location) = input.objective_location(agreement, &service.id, objective) else {
                    continue;
                };
                out.push(
                    finding(
                        Code::W319,
                        location,
                        format!(
                            "{} has {decimals} decimals: its last digit is {} of a {} window, finer than can be measured",
                            percent(target_percent),
                            human_seconds(step),
                            human_seconds(window.window_seconds.value())
                        ),
                        "false precision",
                    )
                    .help("round the target to the precision the window can measure"),
                );
            }
        }
    }
}
