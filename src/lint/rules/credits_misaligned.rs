//! W313: credit tiers that do not start exactly at the target.

use crate::diagnostics::{Code, CodeDocs, Diagnostic};
use crate::ir::key;
use crate::lint::{finding, percent, target_percent, LintInput, Rule};

pub(super) const RULE: Rule = Rule {
    code: Code::W313,
    docs: CodeDocs {
        what: "The highest credit tier ends below the objective's target, leaving a band of levels where the target is missed but nothing is owed; or it ends above the target, so a credit is owed while the target is met.",
        why: "Credits exist to make a missed target cost something: a band between the target and the highest tier is a promise that can be broken for free, and a tier above the target pays for a promise that was kept.",
        example: "availability 99.9% per calendar month\ncredits for api.availability {\n  from 95.0% below 99.0%: 10% of monthly fee\n  below 95.0%: 25% of monthly fee\n}",
        instead: "credits for api.availability {\n  from 99.0% below 99.9%: 10% of monthly fee\n  below 99.0%: 25% of monthly fee\n}",
    },
    check: Some(check),
};

fn check(input: &LintInput<'_>, out: &mut Vec<Diagnostic>) {
    for agreement in &input.agreements {
        for policy in &agreement.credit_policies {
            let Some(top) = policy.tiers.first() else { continue };
            let Some(service) = agreement
                .services
                .iter()
                .find(|s| s.id == policy.objective.service)
            else {
                continue;
            };
            let Some(objective) = service
                .objectives
                .iter()
                .find(|o| o.id == policy.objective.objective)
            else {
                continue;
            };
            let Some(target) = target_percent(objective) else {
                continue;
            };
            // Aligned when the highest tier ends just under the target: `below TARGET`.
            let upper = top.upper();
            let bound = upper.percent;
            if bound == target && !upper.inclusive {
                continue;
            }
            let mut keys = vec![key::credit_tier(&agreement.id, &service.id, &objective.id, 0)];
            if let Some(origin) = &policy.origin.inherited_from {
                keys.push(key::credit_tier(origin, &service.id, &objective.id, 0));
            }
            let Some(location) = input.locate(&keys) else {
                continue;
            };
            // Below the target and owing nothing, or meeting it and owing a credit.
            let (low, high, verdict) = if bound < target {
                (bound, target, format!("miss the {} target", percent(target)))
            } else {
                (target, bound, format!("meet the {} target", percent(target)))
            };
            let owes = if bound < target {
                "but owe no credit"
            } else {
                "yet owe a credit"
            };
            let levels = if low == high {
                format!("the level {}", percent(low))
            } else {
                // The band ends at the tier's bound when it is the higher end (`to`, inclusive).
                let below = if bound > target && upper.inclusive {
                    ""
                } else {
                    "below "
                };
                format!("levels from {} to {below}{}", percent(low), percent(high))
            };
            let message = format!("{levels} {verdict} of `{}.{}` {owes}", service.id, objective.id);
            let help = format!(
                "let the highest tier end where the target is: `below {}`",
                percent(target)
            );
            let mut diagnostic = finding(Code::W313, location, message, "highest tier");
            if let Some(objective_location) = input.objective_location(agreement, &service.id, objective) {
                diagnostic =
                    diagnostic.secondary(objective_location.file, objective_location.span, "the target");
            }
            out.push(diagnostic.help(help));
        }
    }
}
