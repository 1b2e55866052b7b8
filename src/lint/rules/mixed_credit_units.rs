//! W320: credits stated partly as money and partly as a share of a fee.

use crate::diagnostics::{Code, CodeDocs, Diagnostic};
use crate::ir::{key, Amount, Key};
use crate::lint::{finding, LintInput, Rule};

pub(super) const RULE: Rule = Rule {
    code: Code::W320,
    docs: CodeDocs {
        what: "Some credits or penalties of an agreement are amounts of money and others are percentages of a fee.",
        why: "Mixed units make credits hard to compare and to cap: is 500 EUR more or less than 10% of the monthly fee? Contracts state all credits one way so that the customer can tell which tier is worse.",
        example: "credits for api.availability { below 99.9%: 10% of monthly fee }\npenalty for api.resolution.P1 { 500 EUR per breach }",
        instead: "credits for api.availability { below 99.9%: 10% of monthly fee }\npenalty for api.resolution.P1 { 2% of monthly fee per breach }",
    },
    check: Some(check),
};

fn is_money(amount: &Amount) -> bool {
    matches!(amount, Amount::Money { .. })
}

fn check(input: &LintInput<'_>, out: &mut Vec<Diagnostic>) {
    for agreement in &input.agreements {
        // (location key, inherited from, uses money, what)
        let mut places: Vec<(Key, Option<Key>, bool, String)> = Vec::new();
        // Each policy or penalty counts once for each way its amounts are stated.
        let mut record = |amounts: Vec<&Amount>, own: Key, inherited: Option<Key>, what: String| {
            for money in [true, false] {
                if amounts.iter().any(|a| is_money(a) == money) {
                    places.push((own, inherited, money, what.clone()));
                }
            }
        };
        for policy in &agreement.credit_policies {
            let (service, objective) = (&policy.objective.service, &policy.objective.objective);
            record(
                policy
                    .tiers
                    .iter()
                    .map(|t| &t.credit)
                    .chain(policy.cap.iter())
                    .collect(),
                key::credits(&agreement.id, service, objective),
                policy
                    .origin
                    .inherited_from
                    .as_ref()
                    .map(|o| key::credits(o, service, objective)),
                format!("the credits for `{service}.{objective}`"),
            );
        }
        for penalty in &agreement.penalties {
            let (service, objective) = (&penalty.objective.service, &penalty.objective.objective);
            record(
                std::iter::once(&penalty.per_breach)
                    .chain(penalty.cap.iter())
                    .collect(),
                key::penalty(&agreement.id, service, objective),
                penalty
                    .origin
                    .inherited_from
                    .as_ref()
                    .map(|o| key::penalty(o, service, objective)),
                format!("the penalty for `{service}.{objective}`"),
            );
        }
        let money = places.iter().filter(|p| p.2).count();
        let shares = places.len() - money;
        if money == 0 || shares == 0 {
            continue;
        }
        // Point at the less common way of stating credits (money, on a tie).
        let flag_money = money <= shares;
        for (own, inherited, _, what) in places.iter().filter(|p| p.2 == flag_money) {
            let mut keys = vec![*own];
            keys.extend(*inherited);
            let Some(location) = input.locate(&keys) else {
                continue;
            };
            let (this_way, other_way) = if flag_money {
                ("amounts of money", "percentages of a fee")
            } else {
                ("percentages of a fee", "amounts of money")
            };
            out.push(
                finding(
                    Code::W320,
                    location,
                    format!(
                        "{what} is stated in {this_way}, while the agreement's other credits are {other_way}"
                    ),
                    format!("credits as {this_way}"),
                )
                .help(format!(
                    "state every credit and penalty of the agreement the same way, as {other_way}"
                )),
            );
        }
    }
}
