//! W320: credits stated partly as money and partly as a share of a fee.

use crate::diagnostics::{Code, CodeDocs, Diagnostic};
use crate::ir::{key, Amount, CreditPolicy, Key, ObjectiveRef, Penalty};
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

/// A credit policy or a penalty of an agreement.
#[derive(Clone, Copy)]
enum Remedy<'a> {
    Credits(&'a CreditPolicy),
    Penalty(&'a Penalty),
}

impl<'a> Remedy<'a> {
    fn objective(self) -> &'a ObjectiveRef {
        match self {
            Remedy::Credits(policy) => &policy.objective,
            Remedy::Penalty(penalty) => &penalty.objective,
        }
    }

    /// Whether some of its amounts are money, and whether some are shares of a fee: it counts
    /// once for each way its amounts are stated.
    fn ways(self) -> (bool, bool) {
        let mut ways = (false, false);
        let mut count = |amount: &Amount| match is_money(amount) {
            true => ways.0 = true,
            false => ways.1 = true,
        };
        match self {
            Remedy::Credits(policy) => policy
                .tiers
                .iter()
                .map(|t| &t.credit)
                .chain(&policy.cap)
                .for_each(&mut count),
            Remedy::Penalty(penalty) => std::iter::once(&penalty.per_breach)
                .chain(&penalty.cap)
                .for_each(&mut count),
        }
        ways
    }

    /// Where it is written: in the agreement, or in the one it was inherited from.
    fn keys(self, agreement: &str) -> Vec<Key> {
        let ObjectiveRef { service, objective } = self.objective();
        let (key, origin): (fn(&str, &str, &str) -> Key, _) = match self {
            Remedy::Credits(policy) => (key::credits, &policy.origin),
            Remedy::Penalty(penalty) => (key::penalty, &penalty.origin),
        };
        let mut keys = vec![key(agreement, service, objective)];
        keys.extend(
            origin
                .inherited_from
                .as_deref()
                .map(|o| key(o, service, objective)),
        );
        keys
    }

    fn what(self) -> String {
        let ObjectiveRef { service, objective } = self.objective();
        match self {
            Remedy::Credits(_) => format!("the credits for `{service}.{objective}`"),
            Remedy::Penalty(_) => format!("the penalty for `{service}.{objective}`"),
        }
    }
}

fn check(input: &LintInput<'_>, out: &mut Vec<Diagnostic>) {
    for agreement in &input.agreements {
        let remedies = || {
            let credits = agreement.credit_policies.iter().map(Remedy::Credits);
            credits.chain(agreement.penalties.iter().map(Remedy::Penalty))
        };
        let (mut money, mut shares) = (0, 0);
        for (in_money, in_shares) in remedies().map(Remedy::ways) {
            money += usize::from(in_money);
            shares += usize::from(in_shares);
        }
        if money == 0 || shares == 0 {
            continue;
        }
        // Point at the less common way of stating credits (money, on a tie).
        let flag_money = money <= shares;
        let (this_way, other_way) = if flag_money {
            ("amounts of money", "percentages of a fee")
        } else {
            ("percentages of a fee", "amounts of money")
        };
        for remedy in remedies() {
            let (in_money, in_shares) = remedy.ways();
            if !(if flag_money { in_money } else { in_shares }) {
                continue;
            }
            let Some(location) = input.locate(&remedy.keys(&agreement.id)) else {
                continue;
            };
            out.push(
                finding(
                    Code::W320,
                    location,
                    format!(
                        "{} is stated in {this_way}, while the agreement's other credits are {other_way}",
                        remedy.what()
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
