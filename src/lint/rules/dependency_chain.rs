//! W309: serial dependencies whose combined availability is below the service's own target.

use rust_decimal::Decimal;

use crate::diagnostics::{Code, CodeDocs, Diagnostic};
use crate::ir::{key, Commitment, Dec};
use crate::lint::{finding, percent, LintInput, Rule};

pub(super) const RULE: Rule = Rule {
    code: Code::W309,
    docs: CodeDocs {
        what: "A service depends on services whose availability targets, multiplied together (a serial chain), are lower than the service's own availability target.",
        why: "A service that needs all of its dependencies is up at most when all of them are: 99.9% × 99.9% is 99.8001%, so a 99.95% promise on top of them cannot be kept.",
        example: "service api { depends on db, network  availability 99.95% per calendar month }\nservice db { availability 99.9% per calendar month }\nservice network { availability 99.9% per calendar month }",
        instead: "service api { depends on db, network  availability 99.7% per calendar month }\n# or raise the dependencies' targets, or make them redundant",
    },
    check: Some(check),
};

fn availability(service: &crate::ir::Service) -> Option<(Dec, &crate::ir::Objective)> {
    service.objectives.iter().find_map(|o| match o.commitment {
        Commitment::Availability { target_percent } => Some((target_percent, &**o)),
        _ => None,
    })
}

fn check(input: &LintInput<'_>, out: &mut Vec<Diagnostic>) {
    for agreement in &input.agreements {
        for service in &agreement.services {
            let Some((own, objective)) = availability(service) else {
                continue;
            };
            let mut factors = Vec::new();
            for dependency in &service.depends_on {
                let found = input
                    .agreement(&dependency.agreement)
                    .and_then(|a| a.services.iter().find(|s| s.id == dependency.service))
                    .and_then(availability);
                if let Some((target, _)) = found {
                    factors.push((dependency, target));
                }
            }
            if factors.is_empty() {
                continue;
            }
            let hundred = Decimal::ONE_HUNDRED;
            let product = factors
                .iter()
                .fold(hundred, |acc, (_, t)| acc * t.value() / hundred);
            if product >= own.value() {
                continue;
            }
            let Some(location) = input.objective_location(agreement, &service.id, objective) else {
                continue;
            };
            let arithmetic: Vec<String> = factors.iter().map(|(_, t)| percent(*t)).collect();
            let mut diagnostic = finding(
                Code::W309,
                location,
                format!(
                    "the dependencies of `{}` are up together at most {} = {}, below its {} target",
                    service.id,
                    arithmetic.join(" × "),
                    percent(Dec::new(product)),
                    percent(own)
                ),
                "cannot be met by its dependencies",
            );
            for (dependency, target) in &factors {
                let reference = key::dependency(
                    &agreement.id,
                    &service.id,
                    &dependency.agreement,
                    &dependency.service,
                );
                if let Some(place) = input.locate(&[reference]) {
                    diagnostic = diagnostic.secondary(
                        place.file,
                        place.span,
                        format!("{} available", percent(*target)),
                    );
                }
            }
            out.push(diagnostic.help(format!(
                "lower this target to at most {}, raise the dependencies' targets, or make them redundant",
                percent(Dec::new(product))
            )));
        }
    }
}
