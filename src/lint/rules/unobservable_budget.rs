//! W311: an error budget smaller than monitoring can observe.

use rust_decimal::Decimal;

use crate::diagnostics::{Code, CodeDocs, Diagnostic};
use crate::lint::{finding, human_seconds, percent, LintInput, Rule};

/// Below a minute of allowed downtime, typical scrape and probe intervals (15 to 60 s) cannot
/// tell a kept target from a missed one.
const OBSERVABLE_SECONDS: i64 = 60;

pub(super) const RULE: Rule = Rule {
    code: Code::W311,
    docs: CodeDocs {
        what: "An availability target whose error budget in the shortest window is under one minute of downtime.",
        why: "Monitoring samples every 15 to 60 seconds; a budget smaller than one sample (99.999% over a day is 0.86 s) cannot be measured, so the target can be neither shown kept nor shown missed.",
        example: "availability 99.999% per calendar month    # 24.19 s in a 28-day month",
        instead: "availability 99.99% per calendar month     # 4 min 1 s in a 28-day month",
    },
    check: Some(check),
};

fn check(input: &LintInput<'_>, out: &mut Vec<Diagnostic>) {
    for budget in input.availability_budgets() {
        let allowed = budget.shortest.allowed_seconds.value();
        if allowed <= Decimal::ZERO || allowed >= Decimal::from(OBSERVABLE_SECONDS) {
            continue;
        }
        let Some(location) = input.objective_location(budget.agreement, &budget.service.id, budget.objective)
        else {
            continue;
        };
        out.push(
            finding(
                Code::W311,
                location,
                format!(
                    "{} allows only {} of downtime in the shortest window ({}): less than monitoring can observe",
                    percent(budget.target),
                    human_seconds(allowed),
                    human_seconds(budget.shortest.window_seconds.value())
                ),
                "error budget under a minute",
            )
            .help("lower the target or lengthen the window so that at least a minute of downtime is allowed"),
        );
    }
}
