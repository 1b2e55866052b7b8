//! W317: a priority without a resolution target.

use crate::diagnostics::{Code, CodeDocs, Diagnostic};
use crate::ir::{key, Commitment};
use crate::lint::{finding, LintInput, Rule};

pub(super) const RULE: Rule = Rule {
    code: Code::W317,
    docs: CodeDocs {
        what: "A service has a response target for a priority but no resolution target for it; or a priority that no service gives any target.",
        why: "A fast response that may take forever to resolve promises attention, not a fix; and a priority without targets tells the customer nothing about what it buys.",
        example: "response P2 within 4h",
        instead: "response P2 within 4h\nresolution P2 within 2 business days during office",
    },
    check: Some(check),
};

fn check(input: &LintInput<'_>, out: &mut Vec<Diagnostic>) {
    for agreement in &input.agreements {
        let mut used: Vec<&str> = Vec::new();
        for service in &agreement.services {
            for objective in &service.objectives {
                let (Commitment::Response { priority, .. } | Commitment::Resolution { priority, .. }) =
                    &objective.commitment
                else {
                    continue;
                };
                used.push(priority);
                if !matches!(objective.commitment, Commitment::Response { .. }) {
                    continue;
                }
                let resolution = format!("resolution.{priority}");
                if service.objectives.iter().any(|o| o.id == resolution) {
                    continue;
                }
                let Some(location) = input.objective_location(agreement, &service.id, objective) else {
                    continue;
                };
                out.push(
                    finding(
                        Code::W317,
                        location,
                        format!("`{}` has a {priority} response target but no {priority} resolution target", service.id),
                        "no resolution target",
                    )
                    .help(format!("add how soon a {priority} ticket is resolved, such as `resolution {priority} within 1 business day during CALENDAR`")),
                );
            }
        }
        for priority in agreement
            .priorities
            .iter()
            .filter(|p| p.origin.inherited_from.is_none())
        {
            if used.contains(&priority.id.as_str()) || agreement.services.is_empty() {
                continue;
            }
            let Some(location) = input.locate(&[key::priority(&agreement.id, &priority.id)]) else {
                continue;
            };
            out.push(
                finding(
                    Code::W317,
                    location,
                    format!("the priority {} has no response or resolution target in any service", priority.id),
                    "priority without targets",
                )
                .help(format!("give it targets, such as `response {0} within 8h` and `resolution {0} within 3 business days during CALENDAR`, or remove it", priority.id)),
            );
        }
    }
}
