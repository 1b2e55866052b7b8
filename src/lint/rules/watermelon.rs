//! W303: the watermelon effect, a service measured only technically.

use crate::diagnostics::{Code, CodeDocs, Diagnostic};
use crate::ir::Commitment;
use crate::lint::{finding, LintInput, Rule};

pub(super) const RULE: Rule = Rule {
    code: Code::W303,
    docs: CodeDocs {
        what: "A service has technical objectives (availability, latency, error rate, throughput) but no outcome objective stated in the customer's terms.",
        why: "The watermelon effect: every technical target is green while the customer is unhappy, because nothing measures what the customer actually needs from the service.",
        example: "service payroll {\n  availability 99.9% per calendar month\n}",
        instead: "service payroll {\n  availability 99.9% per calendar month\n  outcome slips \"Payroll slips printed by the 25th\" {\n    target 100% per calendar month\n    measured by \"Payroll office sign-off\"\n  }\n}",
    },
    check: Some(check),
};

fn check(input: &LintInput<'_>, out: &mut Vec<Diagnostic>) {
    for agreement in &input.agreements {
        for service in &agreement.services {
            let technical: Vec<&str> = service
                .objectives
                .iter()
                .filter_map(|o| match o.commitment {
                    Commitment::Availability { .. } => Some("availability"),
                    Commitment::Latency { .. } => Some("latency"),
                    Commitment::ErrorRate { .. } => Some("error rate"),
                    Commitment::Throughput { .. } => Some("throughput"),
                    _ => None,
                })
                .collect();
            let has_outcome = service
                .objectives
                .iter()
                .any(|o| matches!(o.commitment, Commitment::Outcome { .. }));
            if technical.is_empty() || has_outcome {
                continue;
            }
            let Some(location) = input.service_location(agreement, service) else {
                continue;
            };
            let mut kinds = technical;
            kinds.dedup();
            out.push(
                finding(
                    Code::W303,
                    location,
                    format!(
                        "the service `{}` promises only technical targets ({}) and no outcome for the customer",
                        service.id,
                        kinds.join(", ")
                    ),
                    "no outcome objective",
                )
                .help("add what the customer gets, such as `outcome orders \"Customers can place orders\" { target 99.5% per calendar month  measured by \"...\" }`"),
            );
        }
    }
}
