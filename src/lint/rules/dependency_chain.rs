//! W309: serial dependencies whose combined availability is below the service's own target.

use rust_decimal::Decimal;
use rustc_hash::FxHashMap as HashMap;

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

/// How many dependencies a finding names, in its message and its labels: the weakest ones.
/// A service with thousands would otherwise give a finding as long as the spec.
const SHOWN: usize = 8;

fn check(input: &LintInput<'_>, out: &mut Vec<Diagnostic>) {
    // Each agreement's services by id, built when first needed: a lookup per dependency.
    let mut services: HashMap<&str, HashMap<&str, &crate::ir::Service>> = HashMap::default();
    for agreement in &input.agreements {
        for service in &agreement.services {
            let Some((own, objective)) = availability(service) else {
                continue;
            };
            let mut factors = Vec::new();
            for dependency in &service.depends_on {
                let Some(other) = input.agreement(&dependency.agreement) else {
                    continue;
                };
                let by_id = services
                    .entry(other.id.as_str())
                    .or_insert_with(|| other.services.iter().map(|s| (s.id.as_str(), s)).collect());
                if let Some((target, _)) = by_id
                    .get(dependency.service.as_str())
                    .and_then(|s| availability(s))
                {
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
            // The weakest first (stable, so equal targets keep the order of the text).
            factors.sort_by_key(|(_, target)| target.value());
            let hidden = factors.len().saturating_sub(SHOWN);
            factors.truncate(SHOWN);
            let mut arithmetic: Vec<String> = factors.iter().map(|(_, t)| percent(*t)).collect();
            if hidden > 0 {
                arithmetic.push(format!("… ({hidden} more)"));
            }
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
            if hidden > 0 {
                diagnostic = diagnostic.note(format!(
                    "the {SHOWN} weakest dependencies are shown; {hidden} more are in the product"
                ));
            }
            out.push(diagnostic.help(format!(
                "lower this target to at most {}, raise the dependencies' targets, or make them redundant",
                percent(Dec::new(product))
            )));
        }
    }
}
