//! W307: signatures that do not match the status.

use crate::diagnostics::{Code, CodeDocs, Diagnostic};
use crate::ir::{key, Lifecycle, Party};
use crate::lint::{finding, LintInput, Rule};

pub(super) const RULE: Rule = Rule {
    code: Code::W307,
    docs: CodeDocs {
        what: "A signed agreement where a party names no signatory or a signatory has no signature date; or a draft or agreement under review that someone has already signed.",
        why: "Who signed and when decides whether the agreement binds; a signature on a draft suggests the status was never updated, or that a draft was signed by mistake.",
        example: "status signed 2026-01-10\ncustomer \"ACME\"",
        instead: "status signed 2026-01-10\ncustomer \"ACME\" { signatory \"Markus Braun\" title \"CIO\" signed 2026-01-10 }",
    },
    check: Some(check),
};

fn check(input: &LintInput<'_>, out: &mut Vec<Diagnostic>) {
    for agreement in &input.agreements {
        let parties: [(&str, &Party); 2] = [
            ("provider", &agreement.provider),
            ("customer", &agreement.customer),
        ];
        for (role, party) in parties {
            let Some(location) = input.locate(&[
                key::party(&agreement.id, role),
                key::status(&agreement.id),
                key::agreement(&agreement.id),
            ]) else {
                continue;
            };
            match agreement.status.state {
                Lifecycle::Signed if party.signatories.is_empty() => out.push(
                    finding(
                        Code::W307,
                        location,
                        format!("`{}` is signed, but the {role} names no signatory", agreement.id),
                        "no signatory",
                    )
                    .help(format!(
                        "add who signed for the {role}: `signatory \"Name\" title \"Title\" signed DATE`"
                    )),
                ),
                Lifecycle::Signed => {
                    for signatory in party.signatories.iter().filter(|s| s.signed.is_none()) {
                        out.push(
                            finding(
                                Code::W307,
                                location,
                                format!(
                                    "`{}` is signed, but the {role}'s signatory {} has no signature date",
                                    agreement.id, signatory.name
                                ),
                                "signatory without a date",
                            )
                            .help("add the date: `signatory \"Name\" title \"Title\" signed 2026-01-10`"),
                        );
                    }
                }
                Lifecycle::Draft | Lifecycle::Review => {
                    for signatory in &party.signatories {
                        if let Some(date) = signatory.signed {
                            out.push(
                                finding(
                                    Code::W307,
                                    location,
                                    format!(
                                        "`{}` is a {}, but {} signed it on {date}",
                                        agreement.id,
                                        if agreement.status.state == Lifecycle::Draft { "draft" } else { "draft under review" },
                                        signatory.name
                                    ),
                                    "signed draft",
                                )
                                .help(format!("if it was signed, set `status signed {date}`; otherwise remove the signature date")),
                            );
                        }
                    }
                }
                _ => {}
            }
        }
    }
}
