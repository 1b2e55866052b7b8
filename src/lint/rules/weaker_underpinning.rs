//! W308: an OLA or UC promises less than the agreement it underpins.

use crate::diagnostics::{Code, CodeDocs, Diagnostic};
use crate::ir::{AgreementKind, Commitment, Duration};
use crate::lint::{finding, human_seconds, percent, LintInput, Rule};

pub(super) const RULE: Rule = Rule {
    code: Code::W308,
    docs: CodeDocs {
        what: "A service of an OLA or UC supports a customer-facing service but promises a lower availability, or a longer response or resolution for the same priority, than that service.",
        why: "The customer SLA can only be kept if what it rests on is at least as strong: a supplier with 8 hours to fix cannot support a 4-hour promise.",
        example: "# payments-sla: resolution P1 within 2h\nservice kubernetes {\n  supports payments-sla.card-payments\n  resolution P1 within 4h\n}",
        instead: "service kubernetes {\n  supports payments-sla.card-payments\n  resolution P1 within 1h\n}",
    },
    check: Some(check),
};

fn check(input: &LintInput<'_>, out: &mut Vec<Diagnostic>) {
    for agreement in &input.agreements {
        if agreement.kind == AgreementKind::Customer {
            continue;
        }
        for service in &agreement.services {
            let Some(supported) = &service.supports else {
                continue;
            };
            let Some(target_agreement) = input.agreement(&supported.agreement) else {
                continue;
            };
            let Some(target_service) = target_agreement
                .services
                .iter()
                .find(|s| s.id == supported.service)
            else {
                continue;
            };
            let kind = if agreement.kind == AgreementKind::Internal {
                "OLA"
            } else {
                "UC"
            };
            for objective in &service.objectives {
                let Some(theirs) = target_service.objectives.iter().find(|o| o.id == objective.id) else {
                    continue;
                };
                let weaker = match (&objective.commitment, &theirs.commitment) {
                    (
                        Commitment::Availability { target_percent: ours },
                        Commitment::Availability {
                            target_percent: promised,
                        },
                    ) if ours < promised => Some(format!(
                        "the {kind}'s availability ({}) is lower than the {} of `{}.{}`, which it supports",
                        percent(*ours),
                        percent(*promised),
                        supported.agreement,
                        supported.service
                    )),
                    (
                        Commitment::Response {
                            within: Duration::Seconds(ours),
                            ..
                        },
                        Commitment::Response {
                            within: Duration::Seconds(promised),
                            ..
                        },
                    )
                    | (
                        Commitment::Resolution {
                            within: Duration::Seconds(ours),
                            ..
                        },
                        Commitment::Resolution {
                            within: Duration::Seconds(promised),
                            ..
                        },
                    ) if ours > promised => Some(format!(
                        "the {kind}'s `{}` ({}) is longer than the {} of `{}.{}`, which it supports",
                        objective.id,
                        human_seconds(ours.value()),
                        human_seconds(promised.value()),
                        supported.agreement,
                        supported.service
                    )),
                    _ => None,
                };
                let Some(message) = weaker else { continue };
                let Some(location) = input.objective_location(agreement, &service.id, objective) else {
                    continue;
                };
                let mut diagnostic = finding(Code::W308, location, message, "weaker than what it supports");
                if let Some(other) = input.objective_location(target_agreement, &target_service.id, theirs) {
                    diagnostic = diagnostic.secondary(other.file, other.span, "the promise it underpins");
                }
                out.push(diagnostic.help(
                    "an underpinning agreement must promise at least as much as the service it supports",
                ));
            }
        }
    }
}
