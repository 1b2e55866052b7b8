//! W319: a target with more decimals than its window can measure.

use rust_decimal::Decimal;

use crate::diagnostics::{Code, CodeDocs, Diagnostic};
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
    for budget in input.availability_budgets() {
        let decimals = budget.target.value().normalize().scale();
        let window = budget.shortest.window_seconds.value();
        let step = window / Decimal::ONE_HUNDRED / Decimal::from(10_u64.pow(decimals));
        if step >= sample {
            continue;
        }
        let Some(location) = input.objective_location(budget.agreement, &budget.service.id, budget.objective)
        else {
            continue;
        };
        out.push(
            finding(
                Code::W319,
                location,
                format!(
                    "{} has {decimals} decimals: its last digit is {} of a {} window, finer than can be measured",
                    percent(budget.target),
                    human_seconds(step),
                    human_seconds(window)
                ),
                "false precision",
            )
            .help("round the target to the precision the window can measure"),
        );
    }
}
