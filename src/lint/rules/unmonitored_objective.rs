//! W312: an objective that is promised but not watched.

use crate::diagnostics::{Code, CodeDocs, Diagnostic};
use crate::ir::Commitment;
use crate::lint::{finding, LintInput, Rule};

pub(super) const RULE: Rule = Rule {
    code: Code::W312,
    docs: CodeDocs {
        what: "An availability, latency, error-rate or throughput objective without an `indicator`, or an outcome with neither an `indicator` nor `measured by`. Response and resolution targets are measured from ticket data and are not checked.",
        why: "What is promised must be what is watched: without a monitoring binding, nobody learns that the target is missed until the customer says so.",
        example: "availability 99.9% per calendar month",
        instead: "availability 99.9% per calendar month {\n  indicator prometheus {\n    good \"http_requests_total{job='api',code!~'5..'}\"\n    total \"http_requests_total{job='api'}\"\n  }\n}",
    },
    check: Some(check),
};

fn check(input: &LintInput<'_>, out: &mut Vec<Diagnostic>) {
    for agreement in &input.agreements {
        for service in &agreement.services {
            for objective in &service.objectives {
                let unmonitored = match objective.commitment {
                    Commitment::Availability { .. }
                    | Commitment::Latency { .. }
                    | Commitment::ErrorRate { .. }
                    | Commitment::Throughput { .. } => objective.indicator.is_none(),
                    Commitment::Outcome { .. } => {
                        objective.indicator.is_none() && objective.measured_by.is_none()
                    }
                    Commitment::Response { .. } | Commitment::Resolution { .. } => false,
                };
                if !unmonitored {
                    continue;
                }
                let Some(location) = input.objective_location(agreement, &service.id, objective) else {
                    continue;
                };
                let help = match objective.commitment {
                    Commitment::Latency { .. } => "add `{ indicator prometheus { histogram \"request_duration_seconds{job='...'}\" } }`",
                    Commitment::Outcome { .. } => "add `measured by \"...\"` saying where the outcome is measured, or an `indicator`",
                    _ => "add `{ indicator prometheus { good \"...\" total \"...\" } }` with the counters that measure it",
                };
                out.push(
                    finding(
                        Code::W312,
                        location,
                        format!("`{}.{}` is promised but not monitored", service.id, objective.id),
                        "no monitoring binding",
                    )
                    .help(help),
                );
            }
        }
    }
}
