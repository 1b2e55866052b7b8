//! Services and their objectives: kinds and units, windows and calendars, indicators, early
//! warnings, and the overrides of sites, pricing tiers and extending agreements.

use std::sync::Arc;

use rustc_hash::FxHashMap as HashMap;

use rust_decimal::Decimal;

use super::{budget, place, promql, Ctx, DeferredRef};
use crate::diagnostics::{did_you_mean, Code, Diagnostic, Span};
use crate::ir::{self, key, Commitment, Dec, Measurement, Objective, Origin};
use crate::syntax::ast::{self, MeasuredDuring, ObjectiveKind};

/// What objectives may refer to while an agreement is lowered.
pub(super) struct Scope<'s> {
    pub agreement: &'s str,
    pub calendars: &'s [ir::Calendar],
    pub priorities: &'s [ir::Priority],
    pub term: Option<&'s ir::Term>,
    pub kind: Option<ir::AgreementKind>,
}

/// The id under which an objective is referred to (`hosting.latency.p99`).
pub(super) fn objective_id(objective: &ast::Objective) -> String {
    match &objective.kind {
        ObjectiveKind::Availability { .. } => "availability".to_string(),
        ObjectiveKind::Latency { percentile, .. } => ["latency.", &percentile.value].concat(),
        ObjectiveKind::ErrorRate { .. } => "error-rate".to_string(),
        ObjectiveKind::Throughput { .. } => "throughput".to_string(),
        ObjectiveKind::Response { priority, .. } => ["response.", &priority.value].concat(),
        ObjectiveKind::Resolution { priority, .. } => ["resolution.", &priority.value].concat(),
        ObjectiveKind::Outcome(outcome) => outcome.id.value.clone(),
    }
}

/// Spans of objectives declared in the file being lowered, by id, for labels.
type OwnSpans = HashMap<String, Span>;

/// A reference to a service of another agreement, written by `what` at `span`: checked once
/// every agreement is lowered (`deferred`).
fn other_agreements_service(
    deferred: &mut Vec<DeferredRef>,
    span: Span,
    agreement: &str,
    service: &str,
    what: &'static str,
) -> ir::ServiceRef {
    deferred.push(DeferredRef {
        span,
        agreement: agreement.to_string(),
        service: Some(service.to_string()),
        what,
    });
    ir::ServiceRef {
        agreement: agreement.to_string(),
        service: service.to_string(),
    }
}

/// Which of the two ticket targets an objective states.
#[derive(Clone, Copy)]
enum TicketTarget {
    Response,
    Resolution,
}

impl Ctx<'_> {
    pub(super) fn service(
        &mut self,
        service: &ast::Service,
        base: Option<&ir::Service>,
        parent_id: Option<&str>,
        scope: &Scope<'_>,
        deferred: &mut Vec<DeferredRef>,
    ) -> ir::Service {
        self.locate(key::service(scope.agreement, &service.id.value), service.id.span);
        let (mut objectives, own_spans) = self.service_objectives(service, base, parent_id, scope);
        let service_warning = self.single_warning(&service.warnings);
        if let Some(warning) = service_warning {
            self.warn_on_every_budget(service, &mut objectives, warning);
        }
        // From here on the objectives are shared: a site or tier that does not change one
        // holds the service's own.
        // (A new vector: collecting in place would keep the owned objectives' larger buffer.)
        let mut shared = Vec::with_capacity(objectives.len());
        shared.extend(objectives.into_iter().map(|o| self.share(o)));
        let objectives: Vec<Arc<Objective>> = shared;
        self.check_response_resolution(&objectives, &own_spans, &HashMap::default());
        let sites = self.service_sites(service, base, &objectives, &own_spans, scope, service_warning);
        let depends_on = self.service_dependencies(service, base, scope, deferred);
        let supports = self.service_supports(service, base, scope, deferred);
        for extra in service.descriptions.iter().skip(1) {
            self.duplicate(
                extra.span,
                service.descriptions[0].span,
                "the description is given twice".to_string(),
            );
        }
        ir::Service {
            id: service.id.value.clone(),
            title: service
                .title
                .as_ref()
                .map(|t| t.value.clone())
                .or(base.and_then(|b| b.title.clone())),
            description: service
                .descriptions
                .first()
                .map(|d| d.value.clone())
                .or(base.and_then(|b| b.description.clone())),
            depends_on,
            supports,
            objectives,
            sites,
            origin: Origin::own(),
        }
    }

    /// The service's objectives: the base's first (inherited), then its own, as overrides
    /// where their id matches; and where each of its own was written.
    fn service_objectives(
        &mut self,
        service: &ast::Service,
        base: Option<&ir::Service>,
        parent_id: Option<&str>,
        scope: &Scope<'_>,
    ) -> (Vec<Objective>, OwnSpans) {
        let mut objectives: Vec<Objective> = base
            .map(|b| {
                b.objectives
                    .iter()
                    .map(|o| inherit(Objective::clone(o), parent_id))
                    .collect()
            })
            .unwrap_or_default();
        let agreement_id = scope.agreement;
        let mut own_spans: OwnSpans = HashMap::default();
        for objective in &service.objectives {
            let id = objective_id(objective);
            if let Some(first) = own_spans.get(&id) {
                let first = *first;
                self.duplicate(
                    objective.keyword.to(objective_head_end(objective)),
                    first,
                    format!("the service `{}` has two `{id}` objectives", service.id.value),
                );
                continue;
            }
            let head = objective.keyword.to(objective_head_end(objective));
            own_spans.insert(id.clone(), head);
            self.locate(key::objective(agreement_id, &service.id.value, &id), head);
            let position = objectives.iter().position(|o| o.id == id);
            let base_objective = position.map(|p| objectives[p].clone());
            let Some(lowered) = self.objective(objective, base_objective.as_ref(), scope) else {
                self.objective_failed(&service.id.value, &id);
                continue;
            };
            place(&mut objectives, position, lowered, |o| &mut o.origin, parent_id);
        }
        (objectives, own_spans)
    }

    /// `warn when N% of error budget spent` written on the service: the threshold of each
    /// objective with a budget that does not set its own, or `E224` when none has a budget.
    fn warn_on_every_budget(
        &mut self,
        service: &ast::Service,
        objectives: &mut [Objective],
        (spent, span): (Dec, Span),
    ) {
        let mut applied = false;
        for objective in objectives.iter_mut().filter(|o| has_budget(o)) {
            applied = true;
            if objective.warn_at_budget_spent_percent.is_none() {
                objective.warn_at_budget_spent_percent = Some(spent);
            }
        }
        if !applied {
            let diagnostic = Diagnostic::error(
                Code::E224,
                self.file,
                span,
                format!(
                    "no objective of the service `{}` has an error budget to warn about",
                    service.id.value
                ),
            )
            .label("nothing to warn about")
            .help(
                "error budgets come from targets below 100%, such as `availability 99.9% per calendar month`",
            );
            self.report(diagnostic);
        }
    }

    /// The service's sites: the base's, recomputed over this service's objectives, then this
    /// service's own.
    fn service_sites(
        &mut self,
        service: &ast::Service,
        base: Option<&ir::Service>,
        objectives: &[Arc<Objective>],
        own_spans: &OwnSpans,
        scope: &Scope<'_>,
        service_warning: Option<(Dec, Span)>,
    ) -> Vec<ir::Site> {
        let agreement_id = scope.agreement;
        // Sized at once: most services have one site or none, and a list's first growth makes
        // room for four.
        let mut sites: Vec<ir::Site> =
            Vec::with_capacity(base.map_or(0, |b| b.sites.len()) + service.sites.len());
        if let Some(base) = base {
            for site in &base.sites {
                let mut site = site.clone();
                let overrides: Vec<Objective> = site
                    .objectives
                    .iter()
                    .filter(|o| site.overridden.contains(&o.id))
                    .map(|o| Objective::clone(o))
                    .collect();
                site.objectives = apply_overrides(objectives, &overrides);
                sites.push(site);
            }
        }
        let mut site_spans: HashMap<String, Span> = HashMap::default();
        for site in &service.sites {
            if let Some(first) = site_spans.get(&site.id.value) {
                let first = *first;
                self.duplicate(
                    site.id.span,
                    first,
                    format!("the site `{}` is defined twice", site.id.value),
                );
                continue;
            }
            site_spans.insert(site.id.value.clone(), site.id.span);
            self.locate(
                key::site(agreement_id, &service.id.value, &site.id.value),
                site.id.span,
            );
            for objective in &site.objectives {
                let head = objective.keyword.to(objective_head_end(objective));
                let location = key::site_objective(
                    agreement_id,
                    &service.id.value,
                    &site.id.value,
                    &objective_id(objective),
                );
                self.locate(location, head);
            }
            let lowered = self.site(
                site,
                &service.id.value,
                objectives,
                own_spans,
                scope,
                service_warning,
            );
            match sites.iter().position(|s| s.id == lowered.id) {
                Some(p) => sites[p] = lowered,
                None => sites.push(lowered),
            }
        }
        sites
    }

    /// The services this one depends on (`depends on`), or the base's when it names none;
    /// those of other agreements are checked once every agreement is lowered (`deferred`).
    fn service_dependencies(
        &mut self,
        service: &ast::Service,
        base: Option<&ir::Service>,
        scope: &Scope<'_>,
        deferred: &mut Vec<DeferredRef>,
    ) -> Vec<ir::ServiceRef> {
        let agreement_id = scope.agreement;
        let mut depends_on = Vec::new();
        for reference in &service.depends_on {
            match reference.parts.as_slice() {
                [service_id] => {
                    let location = key::dependency(agreement_id, &service.id.value, agreement_id, service_id);
                    self.locate(location, reference.span);
                    depends_on.push(ir::ServiceRef {
                        agreement: scope.agreement.to_string(),
                        service: service_id.clone(),
                    });
                }
                [agreement, service_id] => {
                    let location = key::dependency(agreement_id, &service.id.value, agreement, service_id);
                    self.locate(location, reference.span);
                    depends_on.push(other_agreements_service(
                        deferred,
                        reference.span,
                        agreement,
                        service_id,
                        "`depends on`",
                    ));
                }
                _ => self.malformed_reference(
                    reference,
                    "a service such as `network` or `other-agreement.network`",
                ),
            }
        }
        match base {
            Some(base) if depends_on.is_empty() => base.depends_on.clone(),
            _ => depends_on,
        }
    }

    /// The service of another agreement that this one supports (OLAs and UCs only), or the
    /// base's; checked once every agreement is lowered (`deferred`).
    fn service_supports(
        &mut self,
        service: &ast::Service,
        base: Option<&ir::Service>,
        scope: &Scope<'_>,
        deferred: &mut Vec<DeferredRef>,
    ) -> Option<ir::ServiceRef> {
        let mut supports = base.and_then(|b| b.supports.clone());
        for (i, reference) in service.supports.iter().enumerate() {
            if i > 0 {
                self.duplicate(
                    reference.span,
                    service.supports[0].span,
                    "`supports` is given twice".to_string(),
                );
                continue;
            }
            if !matches!(
                scope.kind,
                Some(ir::AgreementKind::Internal | ir::AgreementKind::Underpinning)
            ) {
                self.supports_in_customer_sla(reference.span);
                continue;
            }
            match reference.parts.as_slice() {
                [agreement, service_id] => {
                    supports = Some(other_agreements_service(
                        deferred,
                        reference.span,
                        agreement,
                        service_id,
                        "`supports`",
                    ));
                }
                _ => self.malformed_reference(
                    reference,
                    "the supported agreement and service, such as `acme-sla.hosting`",
                ),
            }
        }
        supports
    }

    pub(super) fn supports_in_customer_sla(&mut self, span: Span) {
        let diagnostic = Diagnostic::error(
            Code::E224,
            self.file,
            span,
            "only an OLA or a UC can support another agreement",
        )
        .label("`supports` in a customer SLA")
        .help("set `kind internal` (an OLA) or `kind underpinning` (a UC), or remove `supports`");
        self.report(diagnostic);
    }

    pub(super) fn malformed_reference(&mut self, reference: &ast::Reference, expected: &str) {
        let diagnostic = Diagnostic::error(
            Code::E201,
            self.file,
            reference.span,
            format!("`{}` does not name {expected}", reference.dotted()),
        )
        .label("unexpected reference")
        .help(format!("write {expected}"));
        self.report(diagnostic);
    }

    fn site(
        &mut self,
        site: &ast::Site,
        service_id: &str,
        objectives: &[Arc<Objective>],
        service_spans: &OwnSpans,
        scope: &Scope<'_>,
        service_warning: Option<(Dec, Span)>,
    ) -> ir::Site {
        let (overrides, site_spans) = self.overrides(
            &site.objectives,
            objectives,
            service_id,
            "site",
            &site.id.value,
            scope,
        );
        let mut effective = apply_overrides(objectives, &overrides);
        if let Some((spent, _)) = service_warning {
            // Only an override can lack the warning (the service's objectives have it), so a
            // shared objective is never copied here.
            for objective in effective.iter_mut() {
                if has_budget(objective) && objective.warn_at_budget_spent_percent.is_none() {
                    Arc::make_mut(objective).warn_at_budget_spent_percent = Some(spent);
                }
            }
        }
        let effective = self.share_own(effective);
        self.check_response_resolution(&effective, &site_spans, service_spans);
        ir::Site {
            id: site.id.value.clone(),
            kind: match site.kind {
                ast::SiteKind::Site => ir::SiteKind::Site,
                ast::SiteKind::Region => ir::SiteKind::Region,
            },
            title: site.title.as_ref().map(|t| t.value.clone()),
            locations: site.locations.iter().map(|l| l.value.clone()).collect(),
            overridden: overrides.iter().map(|o| o.id.clone()).collect(),
            objectives: effective,
        }
    }

    /// Lowers the objectives of a site or pricing tier as overrides of `objectives`, reporting
    /// those that match no objective of the service (`E219`).
    pub(super) fn overrides(
        &mut self,
        written: &[ast::Objective],
        objectives: &[Arc<Objective>],
        service_id: &str,
        owner_kind: &str,
        owner_id: &str,
        scope: &Scope<'_>,
    ) -> (Vec<Objective>, OwnSpans) {
        let mut result: Vec<Objective> = Vec::new();
        let mut spans: OwnSpans = HashMap::default();
        for objective in written {
            let id = objective_id(objective);
            let head = objective.keyword.to(objective_head_end(objective));
            if let Some(first) = spans.get(&id) {
                let first = *first;
                self.duplicate(
                    head,
                    first,
                    format!("the {owner_kind} `{owner_id}` overrides `{id}` twice"),
                );
                continue;
            }
            spans.insert(id.clone(), head);
            let Some(base) = objectives.iter().find(|o| o.id == id) else {
                if self.is_failed_objective(service_id, &id) {
                    continue;
                }
                // A near miss (`response.P2` for `response.P1`) is usually a missing base objective,
                // not a typo, so the help lists what the service has instead of guessing.
                let existing: Vec<String> = objectives.iter().map(|o| format!("`{}`", o.id)).collect();
                let has = if existing.is_empty() {
                    "no objectives".to_string()
                } else {
                    existing.join(", ")
                };
                let help = format!(
                    "add the `{id}` objective to the service `{service_id}` first (it has {has}); an override can only change an objective the service has"
                );
                let diagnostic = Diagnostic::error(
                    Code::E219,
                    self.file,
                    head,
                    format!("the {owner_kind} `{owner_id}` overrides `{id}`, which the service `{service_id}` does not have"),
                )
                .label("no such objective in the service")
                .help(help);
                self.report(diagnostic);
                continue;
            };
            if let Some(lowered) = self.objective(objective, Some(base), scope) {
                result.push(lowered);
            }
        }
        (result, spans)
    }

    fn single_warning(&mut self, warnings: &[ast::BudgetWarning]) -> Option<(Dec, Span)> {
        for extra in warnings.iter().skip(1) {
            self.duplicate(
                extra.span,
                warnings[0].span,
                "the early warning is given twice".to_string(),
            );
        }
        let first = warnings.first()?;
        self.percent(&first.spent, "a share of the error budget")
            .map(|p| (p, first.span))
    }

    /// Lowers one objective; with `base`, what it does not say is taken from the base.
    pub(super) fn objective(
        &mut self,
        objective: &ast::Objective,
        base: Option<&Objective>,
        scope: &Scope<'_>,
    ) -> Option<Objective> {
        let id = objective_id(objective);
        let measured = match &objective.during {
            Some(MeasuredDuring::Calendar(calendar)) => {
                if scope.calendars.iter().any(|c| c.id == calendar.value) {
                    Some(Measurement::BusinessHours {
                        calendar: calendar.value.clone(),
                    })
                } else {
                    self.undefined(
                        "calendar",
                        &calendar.value,
                        calendar.span,
                        scope.calendars.iter().map(|c| c.id.as_str()),
                        "define it with `calendar NAME \"Title\" { ... }`, or write `around the clock`"
                            .to_string(),
                    );
                    None
                }
            }
            Some(MeasuredDuring::AroundTheClock(_)) => Some(Measurement::AroundTheClock),
            None => Some(
                base.map(|b| b.measured.clone())
                    .unwrap_or(Measurement::AroundTheClock),
            ),
        };
        let commitment = self.commitment(objective, base, scope, measured.as_ref());
        let window = match &objective.window {
            Some(window) => self.window(window),
            None => {
                let inherited = base.and_then(|b| b.window.clone());
                if inherited.is_none() && needs_window(&objective.kind) {
                    let diagnostic = Diagnostic::error(
                        Code::E222,
                        self.file,
                        objective.keyword,
                        format!("the `{id}` objective has no window to measure it over"),
                    )
                    .label("no window")
                    .help("add a window such as `per calendar month`, `per calendar quarter` or `per rolling 30 days`");
                    self.report(diagnostic);
                }
                inherited
            }
        };
        let indicator = self.indicator(objective, base);
        for extra in objective.measured_by.iter().skip(1) {
            self.duplicate(
                extra.span,
                objective.measured_by[0].span,
                "`measured by` is given twice".to_string(),
            );
        }
        let measured_by = objective
            .measured_by
            .first()
            .map(|m| Box::from(m.value.as_str()))
            .or(base.and_then(|b| b.measured_by.clone()));
        let own_warning = self.single_warning(&objective.warnings);

        let commitment = commitment?;
        let measured = measured?;
        let error_budget = budget::error_budget(
            &commitment,
            window.as_ref(),
            &measured,
            scope.calendars,
            scope.term,
        );
        let mut lowered = Objective {
            id,
            commitment,
            window,
            measured,
            error_budget: error_budget.map(Box::new),
            warn_at_budget_spent_percent: base.and_then(|b| b.warn_at_budget_spent_percent),
            indicator,
            measured_by,
            origin: Origin::own(),
        };
        if let Some((spent, span)) = own_warning {
            if has_budget(&lowered) {
                lowered.warn_at_budget_spent_percent = Some(spent);
            } else {
                let diagnostic = Diagnostic::error(
                    Code::E224,
                    self.file,
                    span,
                    format!("the `{}` objective has no error budget to warn about", lowered.id),
                )
                .label("nothing to warn about")
                .help("an early warning needs a target below 100%; remove it, or lower the target");
                self.report(diagnostic);
            }
        }
        Some(lowered)
    }

    fn commitment(
        &mut self,
        objective: &ast::Objective,
        base: Option<&Objective>,
        scope: &Scope<'_>,
        measured: Option<&Measurement>,
    ) -> Option<Commitment> {
        match &objective.kind {
            ObjectiveKind::Availability { target } => Some(Commitment::Availability {
                target_percent: self.percent(target, "an availability target")?,
            }),
            ObjectiveKind::Latency {
                percentile,
                threshold,
            } => self.latency_commitment(percentile, threshold),
            ObjectiveKind::ErrorRate { max } => Some(Commitment::ErrorRate {
                max_percent: self.percent(max, "an error-rate limit")?,
            }),
            ObjectiveKind::Throughput { min, noun, per } => Some(Commitment::Throughput {
                minimum: self.count(min, "a throughput")?,
                unit: noun.as_ref().map(|n| n.value.clone()),
                per: match per {
                    ast::RateUnit::Second => ir::RateUnit::Second,
                    ast::RateUnit::Minute => ir::RateUnit::Minute,
                    ast::RateUnit::Hour => ir::RateUnit::Hour,
                    ast::RateUnit::Day => ir::RateUnit::Day,
                },
            }),
            ObjectiveKind::Response { .. } | ObjectiveKind::Resolution { .. } => {
                self.ticket_commitment(&objective.kind, base, scope, measured)
            }
            ObjectiveKind::Outcome(outcome) => self.outcome_commitment(outcome, base),
        }
    }

    /// `latency p99 under 300ms`: the threshold must be a duration, not business days.
    fn latency_commitment(
        &mut self,
        percentile: &ast::Spanned<String>,
        threshold: &ast::Quantity,
    ) -> Option<Commitment> {
        let percentile = self.percentile(percentile);
        let threshold_seconds = match self.duration(threshold, "a latency threshold")? {
            ir::Duration::Seconds(s) => s,
            ir::Duration::BusinessDays(_) => {
                let diagnostic = Diagnostic::error(
                    Code::E212,
                    self.file,
                    threshold.span,
                    "expected a duration such as `300ms`, found a count of business days",
                )
                .label("a latency cannot be counted in business days")
                .help("write the latency threshold in ms, s, m or h");
                self.report(diagnostic);
                return None;
            }
        };
        Some(Commitment::Latency {
            percentile: percentile?,
            threshold_seconds,
        })
    }

    /// A response or resolution target: its priority must be defined, a count of business
    /// days needs a calendar, and the share of tickets is inherited when not written.
    fn ticket_commitment(
        &mut self,
        kind: &ObjectiveKind,
        base: Option<&Objective>,
        scope: &Scope<'_>,
        measured: Option<&Measurement>,
    ) -> Option<Commitment> {
        let (target, priority, within, attainment) = match kind {
            ObjectiveKind::Response {
                priority,
                within,
                attainment,
            } => (TicketTarget::Response, priority, within, attainment),
            ObjectiveKind::Resolution {
                priority,
                within,
                attainment,
            } => (TicketTarget::Resolution, priority, within, attainment),
            _ => {
                debug_assert!(false, "bug: a ticket target of another kind of objective");
                return None;
            }
        };
        let known = scope.priorities.iter().any(|p| p.id == priority.value);
        if !known {
            self.undefined(
                "priority",
                &priority.value,
                priority.span,
                scope.priorities.iter().map(|p| p.id.as_str()),
                format!("define it with `priority {} \"Name\"`", priority.value),
            );
        }
        let what = match target {
            TicketTarget::Response => "a response target",
            TicketTarget::Resolution => "a resolution target",
        };
        let within_value = self.duration(within, what);
        if let (Some(ir::Duration::BusinessDays(_)), Some(Measurement::AroundTheClock)) =
            (&within_value, measured)
        {
            let diagnostic = Diagnostic::error(
                Code::E213,
                self.file,
                within.span,
                format!("{what} in business days needs a business-hours calendar"),
            )
            .label("business days, but measured around the clock")
            .help(format!(
                "add `during CALENDAR` to count business days on that calendar, or write the target in hours such as `{}h`",
                within.number.parse::<u32>().map(|d| d * 24).unwrap_or(24)
            ));
            self.report(diagnostic);
            return None;
        }
        let attainment_percent = match attainment {
            Some(share) => self.percent(share, "the share of tickets")?,
            None => match base.map(|b| &b.commitment) {
                Some(Commitment::Response {
                    attainment_percent, ..
                })
                | Some(Commitment::Resolution {
                    attainment_percent, ..
                }) => *attainment_percent,
                _ => Dec::from_int(100),
            },
        };
        let within = within_value?;
        if !known {
            return None;
        }
        let priority = priority.value.clone();
        Some(match target {
            TicketTarget::Response => Commitment::Response {
                priority,
                within,
                attainment_percent,
            },
            TicketTarget::Resolution => Commitment::Resolution {
                priority,
                within,
                attainment_percent,
            },
        })
    }

    /// A business outcome: one target, or the base's.
    fn outcome_commitment(&mut self, outcome: &ast::Outcome, base: Option<&Objective>) -> Option<Commitment> {
        let ast::Outcome {
            id,
            title,
            target,
            extra_targets,
        } = outcome;
        for extra in extra_targets {
            self.duplicate(
                *extra,
                id.span,
                format!("the outcome `{}` has two targets", id.value),
            );
        }
        let target_percent = match target {
            Some(t) => self.percent(t, "an outcome target")?,
            None => match base.map(|b| &b.commitment) {
                Some(Commitment::Outcome { target_percent, .. }) => *target_percent,
                _ => {
                    let diagnostic = Diagnostic::error(
                        Code::E222,
                        self.file,
                        id.span,
                        format!("the outcome `{}` has no target", id.value),
                    )
                    .label("no `target`")
                    .help("add how often the outcome must be met, such as `target 100% per calendar month`");
                    self.report(diagnostic);
                    return None;
                }
            },
        };
        Some(Commitment::Outcome {
            title: title.value.clone(),
            target_percent,
        })
    }

    fn percentile(&mut self, percentile: &ast::Spanned<String>) -> Option<Dec> {
        let number = percentile.value.trim_start_matches('p');
        let value: Decimal = number.parse().ok()?;
        if value <= Decimal::ZERO || value >= Decimal::ONE_HUNDRED {
            let diagnostic = Diagnostic::error(
                Code::E204,
                self.file,
                percentile.span,
                format!("the percentile `{}` is outside (0, 100)", percentile.value),
            )
            .label("out of range")
            .help("write a percentile above 0 and below 100, such as `p99` or `p99.9`");
            self.report(diagnostic);
            return None;
        }
        Some(Dec::new(value))
    }

    pub(super) fn window(&mut self, window: &ast::Window) -> Option<ir::Window> {
        match window {
            ast::Window::CalendarMonth(_) => Some(ir::Window::CalendarMonth),
            ast::Window::CalendarQuarter(_) => Some(ir::Window::CalendarQuarter),
            ast::Window::CalendarYear(_) => Some(ir::Window::CalendarYear),
            ast::Window::Rolling(length, _) => match self.duration(length, "a rolling window")? {
                ir::Duration::Seconds(seconds) => Some(ir::Window::Rolling { seconds }),
                ir::Duration::BusinessDays(_) => {
                    let diagnostic = Diagnostic::error(
                        Code::E212,
                        self.file,
                        length.span,
                        "expected a duration such as `30 days`, found a count of business days",
                    )
                    .label("a rolling window is counted in calendar time")
                    .help("write the window in days, such as `per rolling 30 days`");
                    self.report(diagnostic);
                    None
                }
            },
        }
    }

    fn indicator(
        &mut self,
        objective: &ast::Objective,
        base: Option<&Objective>,
    ) -> Option<Box<ir::Indicator>> {
        for extra in objective.indicators.iter().skip(1) {
            self.duplicate(
                extra.span,
                objective.indicators[0].span,
                "the objective has two indicators".to_string(),
            );
        }
        let Some(indicator) = objective.indicators.first() else {
            return base.and_then(|b| b.indicator.clone());
        };
        if indicator.source.value != "prometheus" {
            let help = match did_you_mean(&indicator.source.value, ["prometheus"]) {
                Some(close) => format!("did you mean `{close}`?"),
                None => "the indicator source `prometheus` is supported".to_string(),
            };
            let diagnostic = Diagnostic::error(
                Code::E225,
                self.file,
                indicator.source.span,
                format!("unknown indicator source `{}`", indicator.source.value),
            )
            .label("unknown source")
            .help(help);
            self.report(diagnostic);
            return None;
        }
        const FIELDS: [&str; 4] = ["good", "bad", "total", "histogram"];
        let mut fields: HashMap<&str, (promql::Selector, Span)> = HashMap::default();
        let mut valid = true;
        for (name, value) in &indicator.fields {
            if !FIELDS.contains(&name.value.as_str()) {
                let help = match did_you_mean(&name.value, FIELDS) {
                    Some(close) => format!("did you mean `{close}`?"),
                    None => {
                        "a Prometheus indicator has `good` (or `bad`) and `total`, or `histogram`".to_string()
                    }
                };
                let diagnostic = Diagnostic::error(
                    Code::E225,
                    self.file,
                    name.span,
                    format!("unknown indicator field `{}`", name.value),
                )
                .label("unknown field")
                .help(help);
                self.report(diagnostic);
                valid = false;
                continue;
            }
            if let Some((_, first)) = fields.get(name.value.as_str()) {
                let first = *first;
                self.duplicate(
                    name.span,
                    first,
                    format!("the indicator gives `{}` twice", name.value),
                );
                continue;
            }
            match self.selector(value, name.value == "histogram") {
                Some(selector) => {
                    fields.insert(name.value.as_str(), (selector, name.span));
                }
                None => valid = false,
            }
        }
        if !valid {
            return None;
        }
        let is_latency = matches!(objective.kind, ObjectiveKind::Latency { .. });
        if let Some((histogram, span)) = fields.get("histogram") {
            if !is_latency {
                let diagnostic = Diagnostic::error(
                    Code::E224,
                    self.file,
                    *span,
                    "a histogram indicator only measures a latency objective",
                )
                .label("histogram on a non-latency objective")
                .help("measure this objective with `good \"...\"` and `total \"...\"` counters");
                self.report(diagnostic);
                return None;
            }
            if let Some((_, other)) = ["good", "bad", "total"].iter().find_map(|f| fields.get(f)) {
                let diagnostic = Diagnostic::error(
                    Code::E224,
                    self.file,
                    *other,
                    "an indicator is either a histogram or a ratio of counters, not both",
                )
                .label("counter in a histogram indicator")
                .secondary(self.file, *span, "histogram given here")
                .help("keep `histogram`, or replace it with `good` and `total`");
                self.report(diagnostic);
                return None;
            }
            return Some(Box::new(ir::Indicator::PrometheusHistogram {
                metric: histogram.metric.clone().unwrap_or_default(),
                matchers: histogram.matchers_text(),
            }));
        }
        let good = fields.get("good");
        let bad = fields.get("bad");
        if let (Some((_, good_span)), Some((_, bad_span))) = (good, bad) {
            let diagnostic = Diagnostic::error(
                Code::E224,
                self.file,
                *bad_span,
                "an indicator counts good or bad events, not both",
            )
            .label("`bad` with `good`")
            .secondary(self.file, *good_span, "`good` given here")
            .help("keep one of `good` and `bad`; the other follows from `total`");
            self.report(diagnostic);
            return None;
        }
        let Some((total, _)) = fields.get("total") else {
            let diagnostic = Diagnostic::error(
                Code::E222,
                self.file,
                indicator.source.span,
                "the indicator has no `total`",
            )
            .label("no `total` events")
            .help("add the counter of all events, such as `total \"http_requests_total{job='api'}\"`");
            self.report(diagnostic);
            return None;
        };
        if good.is_none() && bad.is_none() {
            let diagnostic = Diagnostic::error(Code::E222, self.file, indicator.source.span, "the indicator has neither `good` nor `bad`")
                .label("no `good` or `bad` events")
                .help("add the counter of good events, such as `good \"http_requests_total{job='api',code!~'5..'}\"`");
            self.report(diagnostic);
            return None;
        }
        Some(Box::new(ir::Indicator::PrometheusRatio {
            good: good.map(|(selector, _)| selector.to_string()),
            bad: bad.map(|(selector, _)| selector.to_string()),
            total: total.to_string(),
        }))
    }

    /// Reads a Prometheus series selector with PromQL's rules; `None` (reported) unless it is
    /// exactly one vector selector. Histograms also need the metric name, to find `_bucket`.
    fn selector(&mut self, text: &ast::Text, needs_metric: bool) -> Option<promql::Selector> {
        let problem = match promql::parse_selector(&text.value) {
            Ok(selector) if needs_metric && selector.metric.is_none() => {
                "a histogram needs its metric name, such as `http_request_duration_seconds`".to_string()
            }
            Ok(selector) => return Some(selector),
            Err(error) => error.to_string(),
        };
        let diagnostic = Diagnostic::error(
            Code::E226,
            self.file,
            text.span,
            format!("malformed Prometheus selector: {problem}"),
        )
        .label("not a series selector")
        .help("write one series selector, such as `http_requests_total{job=\"api\",code!~\"5..\"}`");
        self.report(diagnostic);
        None
    }

    /// Reports a priority whose response target is longer than its resolution target (both in
    /// seconds). Only pairs with at least one objective declared here are reported here.
    fn check_response_resolution(&mut self, objectives: &[Arc<Objective>], own: &OwnSpans, outer: &OwnSpans) {
        for response in objectives {
            let Commitment::Response { priority, within, .. } = &response.commitment else {
                continue;
            };
            let resolution_id = format!("resolution.{priority}");
            let Some(resolution) = objectives.iter().find(|o| o.id == resolution_id) else {
                continue;
            };
            let Commitment::Resolution { within: limit, .. } = &resolution.commitment else {
                continue;
            };
            let (ir::Duration::Seconds(r), ir::Duration::Seconds(l)) = (within, limit) else {
                continue;
            };
            if r <= l {
                continue;
            }
            let response_span = own.get(&response.id);
            let resolution_span = own.get(&resolution_id);
            let (primary, secondary) = match (response_span, resolution_span) {
                (Some(a), b) => (*a, b.or(outer.get(&resolution_id))),
                (None, Some(b)) => (*b, outer.get(&response.id)),
                (None, None) => continue,
            };
            let mut diagnostic = Diagnostic::error(
                Code::E218,
                self.file,
                primary,
                format!(
                    "the {priority} response target ({}) is longer than its resolution target ({})",
                    seconds_text(*r),
                    seconds_text(*l)
                ),
            )
            .label(if response_span.is_some() { "response target" } else { "resolution target" })
            .help("a ticket must get a response before it can be resolved: shorten the response target or lengthen the resolution target");
            if let Some(secondary) = secondary {
                let other = if response_span.is_some() {
                    "resolution target"
                } else {
                    "response target"
                };
                diagnostic = diagnostic.secondary(self.file, *secondary, other);
            }
            self.report(diagnostic);
        }
    }
}

/// Effective objectives of a site or tier: the service's, with overrides replacing by id.
/// The objectives as they apply where `overrides` change some of them: the unchanged ones are
/// shared, not copied.
pub(super) fn apply_overrides(objectives: &[Arc<Objective>], overrides: &[Objective]) -> Vec<Arc<Objective>> {
    objectives
        .iter()
        .map(|o| match overrides.iter().find(|x| x.id == o.id) {
            Some(changed) => Arc::new(changed.clone()),
            None => Arc::clone(o),
        })
        .collect()
}

fn inherit(mut objective: Objective, parent_id: Option<&str>) -> Objective {
    if objective.origin.inherited_from.is_none() {
        objective.origin.inherited_from = parent_id.map(Box::from);
    }
    objective.origin.overrides = None;
    objective
}

fn needs_window(kind: &ObjectiveKind) -> bool {
    matches!(
        kind,
        ObjectiveKind::Availability { .. }
            | ObjectiveKind::Latency { .. }
            | ObjectiveKind::ErrorRate { .. }
            | ObjectiveKind::Outcome(_)
    )
}

fn has_budget(objective: &Objective) -> bool {
    objective
        .error_budget
        .as_ref()
        .is_some_and(|b| b.allowed_percent.value() > Decimal::ZERO)
}

/// The end of an objective's first line, so labels cover `availability 99.9%` and not the block.
fn objective_head_end(objective: &ast::Objective) -> Span {
    match &objective.kind {
        ObjectiveKind::Availability { target } => target.span,
        ObjectiveKind::Latency { threshold, .. } => threshold.span,
        ObjectiveKind::ErrorRate { max } => max.span,
        ObjectiveKind::Throughput { min, .. } => min.span,
        ObjectiveKind::Response { within, .. } | ObjectiveKind::Resolution { within, .. } => within.span,
        ObjectiveKind::Outcome(outcome) => outcome.title.span,
    }
}

/// `14400` seconds as `4h`, for messages.
pub(super) fn seconds_text(seconds: Dec) -> String {
    let value = seconds.value();
    let units = [(86_400, "d"), (3_600, "h"), (60, "m")];
    for (size, suffix) in units {
        let size = Decimal::from(size);
        if value >= size && (value % size).is_zero() {
            return format!("{}{suffix}", (value / size).normalize());
        }
    }
    format!("{}s", value.normalize())
}

#[cfg(test)]
mod tests {
    use super::super::SHARED_FROM_SERVICES;
    use super::*;

    /// A site or tier holds the service's own objective where it does not change it, and its
    /// own copy where it does (also when the service inherits from another agreement).
    #[test]
    fn sites_and_tiers_share_the_objectives_they_do_not_change() {
        let spec = r#"
agreement base "Base" {
  kind customer
  version 1.0.0
  status draft
  provider "P"
  customer "C"
  term 2026-01-01 open-ended
  priority P1 "Critical"
  service api {
    availability 99.9% per calendar month
    response P1 within 4h
    site rural "Rural" { response P1 within 8h }
  }
  tier gold "Gold" {
    price 1200 EUR per month
    service api { availability 99.95% per calendar month }
  }
}
agreement child "Child" {
  extends base
  version 1.0.0
  status draft
  provider "P"
  customer "C"
  term 2026-01-01 open-ended
  service api { response P1 within 2h }
}"#;
        let checked = crate::check_source(std::path::Path::new("shared.sla"), spec);
        assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
        let agreements: Vec<&ir::Agreement> = checked.agreements().collect();
        assert_eq!(agreements.len(), 2);
        // Whether two lists hold the same allocation for `id` (None when either lacks it).
        fn shared(a: &[Arc<Objective>], b: &[Arc<Objective>], id: &str) -> Option<bool> {
            let a = a.iter().find(|o| o.id == id)?;
            let b = b.iter().find(|o| o.id == id)?;
            Some(Arc::ptr_eq(a, b))
        }
        for agreement in agreements {
            let service = &agreement.services[0];
            let own = &service.objectives;
            let site = &service.sites[0].objectives;
            let tier = &agreement.pricing_tiers[0].services[0].objectives;
            let name = &agreement.id;
            assert_eq!(shared(own, site, "availability"), Some(true), "{name}");
            assert_eq!(shared(own, site, "response.P1"), Some(false), "{name}");
            assert_eq!(shared(own, tier, "response.P1"), Some(true), "{name}");
            assert_eq!(shared(own, tier, "availability"), Some(false), "{name}");
            let commitment = |list: &[Arc<Objective>]| {
                list.iter()
                    .find(|o| o.id == "response.P1")
                    .map(|o| o.commitment.clone())
            };
            assert_ne!(commitment(own), commitment(site), "{name}");
        }
    }

    /// In an agreement of many services, equal objectives are one allocation, across services
    /// and sites; different ones are not; in a small agreement nothing is compared.
    #[test]
    fn a_large_agreement_shares_its_equal_objectives() {
        fn find(service: &ir::Service, id: &str) -> Option<Arc<Objective>> {
            service.objectives.iter().find(|o| &*o.id == id).cloned()
        }
        fn same(a: Option<Arc<Objective>>, b: Option<Arc<Objective>>) -> Option<bool> {
            Some(Arc::ptr_eq(&a?, &b?))
        }
        fn services(text: &str) -> Vec<ir::Service> {
            let checked = crate::check_source(std::path::Path::new("catalogue.sla"), text);
            assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
            checked.agreements().flat_map(|a| a.services.clone()).collect()
        }
        let large = services(&slac_corpus::spec(3, SHARED_FROM_SERVICES + 1));
        let (first, second) = (&large[0], &large[1]);
        assert_eq!(
            same(find(first, "response.P2"), find(second, "response.P2")),
            Some(true)
        );
        assert_eq!(
            same(find(first, "availability"), find(second, "availability")),
            Some(false)
        );
        // Each site changes `response.P1`, to one of a few values: equal ones are shared.
        let changed: Vec<Arc<Objective>> = large
            .iter()
            .filter_map(|service| {
                let site = &service.sites.first()?.objectives;
                site.iter().find(|o| &*o.id == "response.P1").cloned()
            })
            .collect();
        assert_eq!(changed.len(), large.len());
        let mut pairs = 0;
        for a in &changed {
            for b in &changed {
                assert_eq!(a == b, Arc::ptr_eq(a, b));
                pairs += usize::from(Arc::ptr_eq(a, b));
            }
        }
        assert!(pairs > changed.len(), "{pairs} shared pairs");

        let small = services(&slac_corpus::spec(3, SHARED_FROM_SERVICES));
        let (first, second) = (&small[0], &small[1]);
        assert_eq!(find(first, "response.P2"), find(second, "response.P2"));
        assert_eq!(
            same(find(first, "response.P2"), find(second, "response.P2")),
            Some(false)
        );
    }

    #[test]
    fn seconds_read_in_the_largest_whole_unit() {
        assert_eq!(seconds_text(Dec::from_int(14_400)), "4h");
        assert_eq!(seconds_text(Dec::from_int(90)), "90s");
        assert_eq!(seconds_text(Dec::from_int(172_800)), "2d");
    }
}
