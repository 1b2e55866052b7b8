//! Service credits and penalties: what is owed when an objective is missed.
//!
//! A tier `from A below B` covers the measured levels L with A <= L < B; `above A` makes the
//! lower bound exclusive, `to B` (or `at most B` alone) the upper one inclusive; `below B`
//! alone covers every level under B. Tiers must cover one contiguous band without overlap, and
//! the credit must grow as the level falls.

use rust_decimal::Decimal;

use super::Ctx;
use crate::diagnostics::{did_you_mean, Code, Diagnostic, Span};
use crate::ir::{self, key, Amount, Dec, ObjectiveRef, TierBound};
use crate::syntax::ast::{self, Unit};

/// The services of an agreement by id.
pub(super) type ServiceIndex<'s> = std::collections::BTreeMap<&'s str, &'s ir::Service>;

struct WrittenTier {
    lower: Option<(TierBound, Span)>,
    upper: (TierBound, Span),
    credit: Amount,
    span: Span,
}

/// How a bound reads in a message: `from 99%`, `above 99%`, `below 99.9%`, `to 99.9%`.
fn written(bound: TierBound, lower: bool) -> String {
    let word = match (lower, bound.inclusive) {
        (true, true) => "from",
        (true, false) => "above",
        (false, true) => "to",
        (false, false) => "below",
    };
    format!("{word} {}%", bound.percent)
}

/// A band of levels in a message: `from 99% to below 99.5%`, `above 99% to 99.5%`.
fn band(low: TierBound, high: TierBound) -> String {
    format!(
        "{} to {}{}%",
        written(low, true),
        if high.inclusive { "" } else { "below " },
        high.percent
    )
}

impl Ctx<'_> {
    /// Resolves `service.objective` to the objective it names.
    pub(super) fn objective_ref<'s>(
        &mut self,
        reference: &ast::Reference,
        services: &ServiceIndex<'s>,
    ) -> Option<(ObjectiveRef, &'s ir::Objective)> {
        let Some((service_id, rest)) = reference.parts.split_first().filter(|(_, rest)| !rest.is_empty())
        else {
            self.malformed_reference(
                reference,
                "an objective such as `hosting.availability` or `hosting.response.P1`",
            );
            return None;
        };
        let Some(service) = services.get(service_id.as_str()) else {
            self.undefined(
                "service",
                service_id,
                reference.span,
                services.keys().copied(),
                "name a service of this agreement, then its objective, such as `hosting.availability`"
                    .to_string(),
            );
            return None;
        };
        let objective_id = rest.join(".");
        let Some(objective) = service.objectives.iter().find(|o| o.id == objective_id) else {
            if self.is_failed_objective(service_id, &objective_id) {
                return None;
            }
            let help = match did_you_mean(&objective_id, service.objectives.iter().map(|o| o.id.as_str())) {
                Some(close) => format!("did you mean `{service_id}.{close}`?"),
                None => {
                    let ids: Vec<String> = service.objectives.iter().map(|o| format!("`{}`", o.id)).collect();
                    if ids.is_empty() {
                        format!("the service `{service_id}` has no objectives yet")
                    } else {
                        format!("the service `{service_id}` has {}", ids.join(", "))
                    }
                }
            };
            let diagnostic = Diagnostic::error(
                Code::E201,
                self.file,
                reference.span,
                format!("the service `{service_id}` has no objective `{objective_id}`"),
            )
            .label("undefined objective")
            .help(help);
            self.report(diagnostic);
            return None;
        };
        Some((
            ObjectiveRef {
                service: service_id.clone(),
                objective: objective_id,
            },
            objective,
        ))
    }

    /// A credit, cap or penalty amount: a percentage of a fee, or money.
    pub(super) fn amount(&mut self, amount: &ast::Amount) -> Option<Amount> {
        let q = &amount.value;
        match (&q.unit, &amount.basis) {
            (Unit::Percent, Some(basis)) => {
                let value = self.number(q)?;
                if value <= Decimal::ZERO {
                    let diagnostic =
                        Diagnostic::error(Code::E204, self.file, q.span, "a credit must be above 0%")
                            .label("not a positive share")
                            .help("write a positive share of the fee, such as `10% of monthly fee`");
                    self.report(diagnostic);
                    return None;
                }
                Some(Amount::PercentOfFee {
                    percent: Dec::new(value),
                    fee: match basis.value {
                        ast::FeeBasis::Monthly => ir::FeeBasis::Monthly,
                        ast::FeeBasis::Quarterly => ir::FeeBasis::Quarterly,
                        ast::FeeBasis::Annual => ir::FeeBasis::Annual,
                    },
                })
            }
            (Unit::Percent, None) => {
                let diagnostic = Diagnostic::error(
                    Code::E212,
                    self.file,
                    q.span,
                    "a percentage credit must say of which fee",
                )
                .label("a share of what?")
                .help(format!(
                    "write `{}% of monthly fee` (or `quarterly fee`, `annual fee`)",
                    q.number
                ));
                self.report(diagnostic);
                None
            }
            (Unit::Currency(currency), None) => {
                let value = self.number(q)?;
                if value <= Decimal::ZERO {
                    let diagnostic =
                        Diagnostic::error(Code::E204, self.file, q.span, "an amount owed must be above zero")
                            .label("not a positive amount")
                            .help("write a positive amount such as `500 EUR`");
                    self.report(diagnostic);
                    return None;
                }
                Some(Amount::Money {
                    amount: Dec::new(value),
                    currency: currency.to_string(),
                })
            }
            (Unit::Currency(_), Some(basis)) => {
                let diagnostic = Diagnostic::error(
                    Code::E212,
                    self.file,
                    basis.span,
                    "an amount of money is not a share of a fee",
                )
                .label("`of ... fee` after an amount of money")
                .help(format!(
                    "write either `{} {}` or a percentage such as `10% of monthly fee`",
                    q.number,
                    currency_of(q)
                ));
                self.report(diagnostic);
                None
            }
            _ => {
                let diagnostic = Diagnostic::error(
                    Code::E212,
                    self.file,
                    q.span,
                    format!(
                        "expected an amount such as `10% of monthly fee` or `500 EUR`, found {}",
                        super::values::describe(q)
                    ),
                )
                .label("expected an amount")
                .help("write a share of a fee, such as `10% of monthly fee`, or money, such as `500 EUR`");
                self.report(diagnostic);
                None
            }
        }
    }

    pub(super) fn credit_policy(
        &mut self,
        credits: &ast::Credits,
        services: &ServiceIndex<'_>,
    ) -> Option<ir::CreditPolicy> {
        let target = self.objective_ref(&credits.objective, services);
        let window = match &credits.window {
            Some(w) => self.window(w),
            None => target.as_ref().and_then(|(_, o)| o.window.clone()),
        };
        let mut tiers = Vec::with_capacity(credits.tiers.len());
        for tier in &credits.tiers {
            let mut bound = |written: &ast::TierBound| {
                self.bound_percent(&written.value).map(|percent| {
                    let bound = TierBound {
                        percent,
                        inclusive: written.inclusive,
                    };
                    (bound, written.value.span)
                })
            };
            // `Some(None)`: no lower bound is written; `None`: one is written but is not valid.
            let lower = match &tier.lower {
                None => Some(None),
                Some(written) => bound(written).map(Some),
            };
            let upper = bound(&tier.upper);
            let credit = self.amount(&tier.credit);
            let (Some(lower), Some(upper), Some(credit)) = (lower, upper, credit) else {
                continue;
            };
            if let Some(lower) = lower {
                if !self.tier_has_levels(lower, upper, tier.span) {
                    continue;
                }
            }
            tiers.push(WrittenTier {
                lower,
                upper,
                credit,
                span: tier.span,
            });
        }
        if credits.tiers.is_empty() {
            let diagnostic = Diagnostic::error(Code::E222, self.file, credits.objective.span, "the credit policy has no tiers")
                .label("no tiers")
                .help("add tiers such as `from 99.0% below 99.9%: 10% of monthly fee` and `below 99.0%: 25% of monthly fee`");
            self.report(diagnostic);
        }
        // Highest level first: by upper bound (an inclusive one reaches higher), then by lower.
        tiers.sort_by(|a, b| {
            let key = |t: &WrittenTier| {
                (
                    t.upper.0.percent,
                    t.upper.0.inclusive,
                    t.lower.map(|l| l.0.percent),
                )
            };
            key(b).cmp(&key(a))
        });
        self.check_tiers(&tiers);
        if let Some((objective, _)) = &target {
            let agreement = self.agreement.clone();
            self.locate(
                key::credits(&agreement, &objective.service, &objective.objective),
                credits.objective.span,
            );
            for (index, tier) in tiers.iter().enumerate() {
                self.locate(
                    key::credit_tier(&agreement, &objective.service, &objective.objective, index),
                    tier.span,
                );
            }
        }

        for extra in credits.caps.iter().skip(1) {
            self.duplicate(
                extra.span,
                credits.caps[0].span,
                "the cap is given twice".to_string(),
            );
        }
        let cap = credits.caps.first().and_then(|c| self.amount(c));
        if cap.is_none() && credits.caps.is_empty() {
            if let Some(over) = tiers.iter().find(|t| over_full_fee(&t.credit)) {
                self.over_hundred(over.span);
            }
        }
        for extra in credits.minimums.iter().skip(1) {
            self.duplicate(
                extra.span,
                credits.minimums[0].span,
                "the minimum credit is given twice".to_string(),
            );
        }
        let minimum = credits.minimums.first().and_then(|m| self.amount(m));
        for extra in credits.claims.iter().skip(1) {
            self.duplicate(
                extra.span,
                credits.claims[0].span,
                "the claim period is given twice".to_string(),
            );
        }
        let claim_within = credits
            .claims
            .first()
            .and_then(|q| self.calendar_period(q, "a claim period", "30 days"));
        let (objective, _) = target?;
        Some(ir::CreditPolicy {
            objective,
            window,
            tiers: tiers
                .into_iter()
                .map(|t| ir::CreditTier::new(t.lower.map(|l| l.0), t.upper.0, t.credit))
                .collect(),
            cap,
            minimum,
            claim_within,
            origin: ir::Origin::own(),
        })
    }

    /// Whether a tier's bounds leave any level between them (`E227` if not): a lower bound
    /// under the upper one, or both at one level and both inclusive (`from 99% to 99%`).
    fn tier_has_levels(&mut self, lower: (TierBound, Span), upper: (TierBound, Span), span: Span) -> bool {
        let (low, high) = (lower.0, upper.0);
        let empty =
            low.percent > high.percent || (low.percent == high.percent && !(low.inclusive && high.inclusive));
        if empty {
            let diagnostic = Diagnostic::error(
                Code::E227,
                self.file,
                span,
                format!(
                    "this tier covers no level: it starts {} {}% and ends {} {}%",
                    if low.inclusive { "at" } else { "above" },
                    low.percent,
                    if high.inclusive { "at" } else { "below" },
                    high.percent
                ),
            )
            .label("empty tier")
            .secondary(
                self.file,
                lower.1,
                if low.inclusive {
                    "`from` is inclusive"
                } else {
                    "`above` is exclusive"
                },
            )
            .help(if low.percent == high.percent {
                format!(
                    "a tier of the one level {0}% includes both bounds: `from {0}% to {0}%`",
                    low.percent
                )
            } else {
                format!(
                    "the lower bound comes first: `from {}% below {}%`",
                    high.percent, low.percent
                )
            });
            self.report(diagnostic);
        }
        !empty
    }

    /// Overlaps, gaps and credits that do not grow, between tiers sorted highest first.
    fn check_tiers(&mut self, tiers: &[WrittenTier]) {
        for pair in tiers.windows(2) {
            let (upper, lower) = (&pair[0], &pair[1]);
            self.check_meeting(upper, lower);
            if let Some(false) = grows(&upper.credit, &lower.credit) {
                let diagnostic = Diagnostic::error(
                    Code::E216,
                    self.file,
                    lower.span,
                    "a lower service level owes no more than a higher one",
                )
                .label("credit does not grow here")
                .secondary(self.file, upper.span, "the higher level's credit")
                .help("make each lower tier's credit larger than the one above it");
                self.report(diagnostic);
            }
        }
        if let Some((from, from_span)) = tiers.last().and_then(|lowest| lowest.lower) {
            let zero = from.percent.value().is_zero();
            if !zero || !from.inclusive {
                let diagnostic = Diagnostic::error(
                    Code::E215,
                    self.file,
                    from_span,
                    if zero {
                        "the level 0% falls in no tier".to_string()
                    } else {
                        format!(
                            "levels {} {}% fall in no tier",
                            if from.inclusive { "below" } else { "up to" },
                            from.percent
                        )
                    },
                )
                .label(if zero {
                    "nothing is owed at this level"
                } else {
                    "nothing is owed below this level"
                })
                .help(if zero {
                    "start the lowest tier `from 0%`, or leave out its lower bound".to_string()
                } else {
                    format!(
                        "add a last tier such as `{} {}%: ...` so that the worst service owes the most",
                        if from.inclusive { "below" } else { "at most" },
                        from.percent
                    )
                });
                self.report(diagnostic);
            }
        }
    }

    /// Where a tier meets the one below it: the lower bound of `upper` must be exactly where
    /// `lower` ends, with one of the two including that level (`from 99%` after `below 99%`,
    /// or `above 99%` after `to 99%`).
    fn check_meeting(&mut self, upper: &WrittenTier, lower: &WrittenTier) {
        let (end, end_span) = lower.upper;
        let Some((start, start_span)) = upper.lower else {
            let diagnostic = Diagnostic::error(
                Code::E214,
                self.file,
                lower.span,
                format!(
                    "this tier overlaps a tier that covers every level {}",
                    written(upper.upper.0, false)
                ),
            )
            .label("overlapping tier")
            .secondary(self.file, upper.span, "covers every level below this bound")
            .help(format!(
                "give the other tier a lower bound: `from {}% {}`",
                end.percent,
                written(upper.upper.0, false)
            ));
            self.report(diagnostic);
            return;
        };
        let fix = format!(
            "end this tier where the one above starts: `{}`",
            written(
                TierBound {
                    percent: start.percent,
                    inclusive: !start.inclusive,
                },
                false
            )
        );
        let (code, message, label) = if start.percent < end.percent
            || (start.percent == end.percent && start.inclusive && end.inclusive)
        {
            let message = if start.percent == end.percent {
                format!("the level {}% falls in two tiers", end.percent)
            } else {
                format!("levels {} fall in two tiers", band(start, end))
            };
            (Code::E214, message, "overlaps the tier above")
        } else if start.percent > end.percent {
            // (One level in no tier, `below X` under `above X`, is what some published
            // contracts say: the lint W323 reports it, where it can be acknowledged.)
            let message = {
                let flip = |b: TierBound| TierBound {
                    percent: b.percent,
                    inclusive: !b.inclusive,
                };
                format!("levels {} fall in no tier", band(flip(end), flip(start)))
            };
            (Code::E215, message, "gap below the tier above")
        } else {
            return;
        };
        let diagnostic = Diagnostic::error(code, self.file, end_span, message)
            .label(label)
            .secondary(self.file, start_span, "the tier above starts here")
            .help(fix);
        self.report(diagnostic);
    }

    fn over_hundred(&mut self, span: Span) {
        let diagnostic = Diagnostic::error(
            Code::E217,
            self.file,
            span,
            "a credit of more than 100% of the fee needs an explicit cap",
        )
        .label("over 100% of the fee")
        .help("add `cap ...` stating the most that can be owed, such as `cap 150% of monthly fee`");
        self.report(diagnostic);
    }

    pub(super) fn penalty(
        &mut self,
        penalty: &ast::Penalty,
        services: &ServiceIndex<'_>,
    ) -> Option<ir::Penalty> {
        let target = self.objective_ref(&penalty.objective, services);
        for extra in penalty.rates.iter().skip(1) {
            self.duplicate(
                extra.span,
                penalty.rates[0].span,
                "the penalty per breach is given twice".to_string(),
            );
        }
        for extra in penalty.caps.iter().skip(1) {
            self.duplicate(
                extra.span,
                penalty.caps[0].span,
                "the cap is given twice".to_string(),
            );
        }
        let Some(rate) = penalty.rates.first() else {
            let diagnostic = Diagnostic::error(
                Code::E222,
                self.file,
                penalty.objective.span,
                "the penalty says nothing about what is owed",
            )
            .label("no amount per breach")
            .help("add what each breach costs, such as `2% of monthly fee per breach`");
            self.report(diagnostic);
            return None;
        };
        let per_breach = self.amount(rate);
        let cap = penalty.caps.first().and_then(|c| self.amount(c));
        if penalty.caps.is_empty() && per_breach.as_ref().is_some_and(over_full_fee) {
            self.over_hundred(rate.span);
        }
        let (objective, _) = target?;
        let location = key::penalty(&self.agreement, &objective.service, &objective.objective);
        self.locate(location, penalty.objective.span);
        Some(ir::Penalty {
            objective,
            per_breach: per_breach?,
            cap,
            origin: ir::Origin::own(),
        })
    }
}

fn currency_of(q: &ast::Quantity) -> &str {
    match &q.unit {
        Unit::Currency(c) => c,
        _ => "",
    }
}

fn over_full_fee(amount: &Amount) -> bool {
    matches!(amount, Amount::PercentOfFee { percent, .. } if percent.value() > Decimal::ONE_HUNDRED)
}

/// Whether `lower` owes more than `upper`; `None` when the two cannot be compared.
fn grows(upper: &Amount, lower: &Amount) -> Option<bool> {
    match (upper, lower) {
        (Amount::PercentOfFee { percent: a, fee: fa }, Amount::PercentOfFee { percent: b, fee: fb })
            if fa == fb =>
        {
            Some(b > a)
        }
        (
            Amount::Money {
                amount: a,
                currency: ca,
            },
            Amount::Money {
                amount: b,
                currency: cb,
            },
        ) if ca == cb => Some(b > a),
        _ => None,
    }
}
