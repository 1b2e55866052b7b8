//! W318: a resolution target without a response target.

use crate::diagnostics::{Code, CodeDocs, Diagnostic};
use crate::ir::Commitment;
use crate::lint::{finding, LintInput, Rule};

pub(super) const RULE: Rule = Rule {
    code: Code::W318,
    docs: CodeDocs {
        what: "A service has a resolution target for a priority but no response target for it.",
        why: "Without a response target the customer may hear nothing until the resolution deadline; the first contact is what tells them the problem is being worked on.",
        example: "resolution P1 within 8h",
        instead: "response P1 within 30m\nresolution P1 within 8h",
    },
    check: Some(check),
};

fn check(input: &LintInput<'_>, out: &mut Vec<Diagnostic>) {
    for agreement in &input.agreements {
        for service in &agreement.services {
            for objective in &service.objectives {
                let Commitment::Resolution { priority, .. } = &objective.commitment else {
                    continue;
                };
                let response = format!("response.{priority}");
                if service.objectives.iter().any(|o| o.id == response) {
                    continue;
                }
                let Some(location) = input.objective_location(agreement, &service.id, objective) else {
                    continue;
                };
                out.push(
                    finding(
                        Code::W318,
                        location,
                        format!("`{}` has a {priority} resolution target but no {priority} response target", service.id),
                        "no response target",
                    )
                    .help(format!("add how soon a {priority} ticket gets a first response, such as `response {priority} within 1h`")),
                );
            }
        }
    }
}
