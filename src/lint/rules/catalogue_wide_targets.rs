//! W301: several services share one identical set of targets.

use std::hash::{Hash, Hasher};

use rustc_hash::FxHasher;

use crate::diagnostics::{Code, CodeDocs, Diagnostic};
use crate::ir::{Commitment, Measurement, Service, Window};
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

/// How many services of a group the diagnostic names and points at: a catalogue of thousands
/// of copies is one finding, not thousands of labels.
const SHOWN: usize = 8;

/// A service's targets: its objectives but its outcomes, which are each service's own by
/// nature (the catalogue shows in the rest).
fn targets(
    service: &Service,
) -> impl Iterator<Item = (&str, &Commitment, &Option<Window>, &Measurement)> + '_ {
    service
        .objectives
        .iter()
        .filter(|o| !matches!(o.commitment, Commitment::Outcome { .. }))
        .map(|o| (o.id.as_str(), &o.commitment, &o.window, &o.measured))
}

/// The groups of three or more services with the same targets, as indices into `services`:
/// each group in the order of the text, the groups in the order of their first service. The
/// services are sorted by a hash of their targets and compared only with those of the same
/// hash: a table of every service's targets took more room than the agreement's IR.
fn shared_targets(services: &[Service]) -> Vec<Vec<usize>> {
    let mut hashed: Vec<(u64, usize)> = services
        .iter()
        .enumerate()
        .filter(|(_, service)| targets(service).next().is_some())
        .map(|(index, service)| {
            let mut hasher = FxHasher::default();
            targets(service).for_each(|target| target.hash(&mut hasher));
            (hasher.finish(), index)
        })
        .collect();
    hashed.sort_unstable();
    // Each service with the first service of its group (the first, as indices rise within
    // one hash).
    let mut with_first: Vec<(usize, usize)> = Vec::with_capacity(hashed.len());
    let mut firsts: Vec<usize> = Vec::new();
    for same_hash in hashed.chunk_by(|a, b| a.0 == b.0) {
        firsts.clear();
        for &(_, index) in same_hash {
            let same = |first: &usize| targets(&services[*first]).eq(targets(&services[index]));
            let first = match firsts.iter().find(|first| same(first)) {
                Some(first) => *first,
                None => {
                    firsts.push(index);
                    index
                }
            };
            with_first.push((first, index));
        }
    }
    with_first.sort_unstable();
    with_first
        .chunk_by(|a, b| a.0 == b.0)
        .filter(|group| group.len() >= 3)
        .map(|group| group.iter().map(|&(_, index)| index).collect())
        .collect()
}

fn check(input: &LintInput<'_>, out: &mut Vec<Diagnostic>) {
    for agreement in &input.agreements {
        for group in shared_targets(&agreement.services) {
            let members: Vec<&Service> = group.iter().map(|&index| &agreement.services[index]).collect();
            let Some(first) = input.service_location(agreement, members[0]) else {
                continue;
            };
            let names: Vec<String> = members
                .iter()
                .take(SHOWN)
                .map(|s| format!("`{}`", s.id))
                .collect();
            let hidden = members.len().saturating_sub(SHOWN);
            let more = if hidden > 0 {
                format!(" and {hidden} more")
            } else {
                String::new()
            };
            let mut diagnostic = finding(
                Code::W301,
                first,
                format!(
                    "the services {}{more} share one identical set of targets",
                    names.join(", ")
                ),
                "same targets as the services below",
            );
            if hidden > 0 {
                diagnostic = diagnostic.note(format!(
                    "{} services share these targets; the first {SHOWN} are shown",
                    members.len()
                ));
            }
            for other in members.iter().take(SHOWN).skip(1) {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Groups interleaved in the text come out each in the order of the text, the groups in the
    /// order of their first service; two services, or a service of outcomes alone, make none.
    #[test]
    fn groups_follow_the_text() {
        let targets = ["99.9", "99.5", "99.9", "99.0", "99.9", "99.5", "99.5", "99.0"];
        let mut text = String::from("agreement demo \"Demo\" {\n");
        for (index, target) in targets.iter().enumerate() {
            text.push_str(&format!(
                "  service s{index} \"S\" {{ availability {target}% per calendar month }}\n"
            ));
        }
        text.push_str("  service only-outcome \"O\" {\n    outcome done \"Done\" { target 99% per calendar month }\n  }\n}\n");
        let checked = crate::check_source(std::path::Path::new("demo.sla"), &text);
        let agreement = checked.agreements().next().map(|a| a.services.as_slice());
        assert_eq!(
            agreement.map(shared_targets),
            Some(vec![vec![0, 2, 4], vec![1, 5, 6]])
        );
    }
}
