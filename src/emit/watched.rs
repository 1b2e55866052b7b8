//! Which objectives the monitoring emitters watch: every objective with a Prometheus binding
//! and an error budget, at the service level and at each site that overrides it. The
//! objectives that could be watched but are not are returned as notes for the caller to
//! report, never skipped silently.

use std::fmt;

use rust_decimal::Decimal;

use crate::ir::{Agreement, Commitment, Indicator, Objective, Service, Site};

/// One objective to watch.
pub struct Watched<'a> {
    pub agreement: &'a Agreement,
    pub service: &'a Service,
    /// The site whose override this is; `None` for the service's own objective.
    pub site: Option<&'a Site>,
    pub objective: &'a Objective,
    pub indicator: &'a Indicator,
    /// The error budget as a ratio (0.001 for 99.9%).
    pub allowed: Decimal,
}

impl Watched<'_> {
    /// `agreement.service.objective`, with `@site` for a site's override.
    pub fn path(&self) -> String {
        path(self.agreement, self.service, self.site, self.objective)
    }
}

fn path(agreement: &Agreement, service: &Service, site: Option<&Site>, objective: &Objective) -> String {
    let site = site.map(|s| format!("@{}", s.id)).unwrap_or_default();
    format!("{}.{}.{}{site}", agreement.id, service.id, objective.id)
}

/// Something the emitters could not watch as the spec says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// An objective that metrics could measure has no binding or no error budget.
    Unwatched(String),
    /// A site overrides an objective but measures it with the service's own indicator, so its
    /// rules watch the whole service's traffic against the site's target.
    SiteSharesIndicator(String),
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::Unwatched(path) => write!(
                f,
                "`{path}` has no Prometheus binding (or no error budget), so nothing watches it"
            ),
            Note::SiteSharesIndicator(path) => write!(
                f,
                "`{path}` is measured by the service's own indicator, so its rules watch all sites; give the site its own `indicator`"
            ),
        }
    }
}

/// Whether metrics can measure the objective, and if so its binding and budget ratio.
enum Binding<'a> {
    /// Response and resolution targets are measured from ticket data, not metrics.
    NotMetric,
    Missing,
    Bound(&'a Indicator, Decimal),
}

fn binding(objective: &Objective) -> Binding<'_> {
    if matches!(
        objective.commitment,
        Commitment::Response { .. } | Commitment::Resolution { .. }
    ) {
        return Binding::NotMetric;
    }
    let allowed = objective
        .error_budget
        .as_ref()
        .map(|b| b.allowed_percent.value() / Decimal::ONE_HUNDRED)
        .filter(|allowed| *allowed > Decimal::ZERO);
    match (&objective.indicator, allowed) {
        (Some(indicator), Some(allowed)) => Binding::Bound(indicator, allowed),
        _ => Binding::Missing,
    }
}

/// The objectives to watch, in spec order, and the notes about those left out.
pub fn watched(agreements: &[Agreement]) -> (Vec<Watched<'_>>, Vec<Note>) {
    let mut result = Vec::new();
    let mut notes = Vec::new();
    for agreement in agreements {
        for service in &agreement.services {
            let overrides = service.sites.iter().flat_map(|site| {
                site.objectives
                    .iter()
                    .filter(|o| site.overridden.contains(&o.id))
                    .map(move |o| (Some(site), o))
            });
            for (site, objective) in service.objectives.iter().map(|o| (None, o)).chain(overrides) {
                let (indicator, allowed) = match binding(objective) {
                    Binding::NotMetric => continue,
                    Binding::Missing => {
                        notes.push(Note::Unwatched(path(agreement, service, site, objective)));
                        continue;
                    }
                    Binding::Bound(indicator, allowed) => (indicator, allowed),
                };
                let entry = Watched {
                    agreement,
                    service,
                    site,
                    objective,
                    indicator,
                    allowed,
                };
                let shares_indicator = site.is_some()
                    && service
                        .objectives
                        .iter()
                        .any(|o| o.id == objective.id && o.indicator.as_ref() == Some(indicator));
                if shares_indicator {
                    notes.push(Note::SiteSharesIndicator(entry.path()));
                }
                result.push(entry);
            }
        }
    }
    (result, notes)
}
