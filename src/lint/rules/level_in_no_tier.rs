//! W323: one exact level that no credit tier covers.

use crate::diagnostics::{Code, CodeDocs, Diagnostic};
use crate::ir::key;
use crate::lint::{finding, percent, LintInput, Rule};

pub(super) const RULE: Rule = Rule {
    code: Code::W323,
    docs: CodeDocs {
        what: "Two credit tiers meet at a level that neither includes: the upper one starts `above` it and the lower one ends `below` it, so a service at exactly that level is owed nothing. A wider gap is an error (E215); this one is reported as a finding, because published contracts have it.",
        why: "Some vendors' own terms read \"less than 99.0%\" for one tier and \"greater than 99.0%\" for the next. A spec that copies such terms must say what they say, and a reviewer must see that the level itself falls through: acknowledge it with `# slac: allow(W323) \"reason\"` or close it.",
        example: "credits for api.availability {\n  above 99.0% below 99.9%: 10% of monthly fee\n  below 99.0%: 25% of monthly fee\n}",
        instead: "credits for api.availability {\n  from 99.0% below 99.9%: 10% of monthly fee\n  below 99.0%: 25% of monthly fee\n}",
    },
    check: Some(check),
};

fn check(input: &LintInput<'_>, out: &mut Vec<Diagnostic>) {
    for agreement in &input.agreements {
        for policy in &agreement.credit_policies {
            let (service, objective) = (&policy.objective.service, &policy.objective.objective);
            // The tiers come highest first.
            for (index, pair) in policy.tiers.windows(2).enumerate() {
                let (Some(start), end) = (pair[0].lower(), pair[1].upper()) else {
                    continue;
                };
                if start.percent != end.percent || start.inclusive || end.inclusive {
                    continue;
                }
                let mut keys = vec![key::credit_tier(&agreement.id, service, objective, index + 1)];
                if let Some(origin) = &policy.origin.inherited_from {
                    keys.push(key::credit_tier(origin, service, objective, index + 1));
                }
                let Some(location) = input.locate(&keys) else {
                    continue;
                };
                let level = percent(end.percent);
                let message =
                    format!("a level of exactly {level} of `{service}.{objective}` falls in no credit tier");
                let help = format!(
                    "if the contract means it, acknowledge it with `# slac: allow(W323) \"reason\"`; otherwise end this tier `to {level}` or start the one above `from {level}`"
                );
                out.push(
                    finding(
                        Code::W323,
                        location,
                        message,
                        "ends below the level the tier above starts above",
                    )
                    .help(help),
                );
            }
        }
    }
}
