//! W301: several services share one identical set of targets.

use rustc_hash::FxHashMap;

use crate::diagnostics::{Code, CodeDocs, Diagnostic};
use crate::ir::{Commitment, Measurement, Window};
use crate::lint::{finding, LintInput, Rule};

pub(super) const RULE: Rule = Rule {
    code: Code::W301,
    docs: CodeDocs {
        what: "Three or more services of an agreement have exactly the same technical and support objectives: the same kinds, targets, windows and calendars (outcomes aside).",
        why: "One set of objectives for a whole catalogue means no service is measured against what its own users need; it is usually a copied template, not an agreement.",
        example: "service mail { availability 99.5% per calendar month }\nservice wiki { availability 99.5% per calendar month }\nservice crm  { availability 99.5% per calendar month }",
        instead: "service mail { availability 99.9% per calendar month  outcome delivered \"Mail delivered within 5 minutes\" { ... } }\nservice wiki { availability 99.0% per calendar month }\nservice crm  { availability 99.5% per calendar month during office }",
    },
    check: Some(check),
};

fn check(input: &LintInput<'_>, out: &mut Vec<Diagnostic>) {
    for agreement in &input.agreements {
        // Services grouped by their objectives, in order of first appearance.
        type Signature<'a> = Vec<(&'a str, &'a Commitment, &'a Option<Window>, &'a Measurement)>;
        let mut index: FxHashMap<Signature<'_>, usize> = FxHashMap::default();
        let mut groups: Vec<(usize, Vec<&crate::ir::Service>)> = Vec::new();
        for service in &agreement.services {
            // Outcomes are each service's own by nature; the catalogue shows in the rest.
            let signature: Signature<'_> = service
                .objectives
                .iter()
                .filter(|o| !matches!(o.commitment, Commitment::Outcome { .. }))
                .map(|o| (o.id.as_str(), &o.commitment, &o.window, &o.measured))
                .collect();
            if signature.is_empty() {
                continue;
            }
            let next = groups.len();
            let group = *index.entry(signature).or_insert(next);
            if group == next {
                groups.push((group, Vec::new()));
            }
            groups[group].1.push(service);
        }
        for (_, members) in groups.iter().filter(|(_, m)| m.len() >= 3) {
            let Some(first) = input.service_location(agreement, members[0]) else {
                continue;
            };
            let names: Vec<String> = members.iter().map(|s| format!("`{}`", s.id)).collect();
            let mut diagnostic = finding(
                Code::W301,
                first,
                format!(
                    "the services {} share one identical set of targets",
                    names.join(", ")
                ),
                "same targets as the services below",
            );
            for other in &members[1..] {
                if let Some(location) = input.service_location(agreement, other) {
                    diagnostic = diagnostic.secondary(location.file, location.span, "identical targets");
                }
            }
            out.push(diagnostic.help(
                "measure each service against what its own users need, and give each an outcome in their terms",
            ));
        }
    }
}
