//! Which objectives the monitoring emitters watch: every objective with a Prometheus binding
//! and an error budget, at the service level and at each site that overrides it. The
//! objectives that could be watched but are not are returned as notes for the caller to
//! report, never skipped silently.

use std::fmt;

use rust_decimal::Decimal;

use super::number;
use crate::ir::{Agreement, Calendar, Commitment, Indicator, Measurement, Objective, Service, Site};

const SECONDS_PER_WEEK: i64 = 7 * 86_400;

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

/// The counters an objective is measured by: good (or failed) events, and all events, as
/// PromQL series selectors.
pub struct Series {
    pub events: Events,
    pub total: String,
}

pub enum Events {
    Good(String),
    Bad(String),
}

impl<'a> Watched<'a> {
    /// `agreement.service.objective`, with `@site` for a site's override.
    pub fn path(&self) -> String {
        path(self.agreement, self.service, self.site, self.objective)
    }

    /// The service's title, or its id.
    pub fn service_title(&self) -> &'a str {
        self.service.title.as_deref().unwrap_or(&self.service.id)
    }

    /// ` at SITE` for a site's override, else nothing.
    pub fn at_site(&self) -> String {
        self.site
            .map(|s| format!(" at {}", s.title.as_deref().unwrap_or(&s.id)))
            .unwrap_or_default()
    }

    /// The business calendar the objective is measured during, if any.
    pub fn business_calendar(&self) -> Option<&'a Calendar> {
        match &self.objective.measured {
            Measurement::BusinessHours { calendar } => {
                self.agreement.calendars.iter().find(|c| &c.id == calendar)
            }
            Measurement::AroundTheClock => None,
        }
    }

    /// The business calendar's open hours as a share of the week.
    pub fn open_fraction(&self) -> Option<Decimal> {
        self.business_calendar()
            .map(|c| Decimal::from(c.weekly_open_seconds) / Decimal::from(SECONDS_PER_WEEK))
    }

    /// The series of the binding, or `None` for a histogram bound to an objective that is
    /// not about latency.
    pub fn series(&self) -> Option<Series> {
        match (self.indicator, &self.objective.commitment) {
            (
                Indicator::PrometheusRatio {
                    good: Some(good),
                    total,
                    ..
                },
                _,
            ) => Some(Series {
                events: Events::Good(good.clone()),
                total: total.clone(),
            }),
            (
                Indicator::PrometheusRatio {
                    bad: Some(bad),
                    total,
                    ..
                },
                _,
            ) => Some(Series {
                events: Events::Bad(bad.clone()),
                total: total.clone(),
            }),
            (
                Indicator::PrometheusHistogram { metric, matchers },
                Commitment::Latency {
                    threshold_seconds, ..
                },
            ) => {
                let threshold = threshold_seconds.value();
                // Prometheus 3 writes whole-number bounds as `2.0` where clients (and
                // Prometheus 2) wrote `2`, so a whole number matches both spellings.
                let bound = number(threshold);
                let le = if threshold.fract().is_zero() {
                    format!("le=~\"{bound}(\\\\.0)?\"")
                } else {
                    format!("le=\"{bound}\"")
                };
                let (bucket, total) = if matchers.is_empty() {
                    (format!("{metric}_bucket{{{le}}}"), format!("{metric}_count"))
                } else {
                    (
                        format!("{metric}_bucket{{{matchers},{le}}}"),
                        format!("{metric}_count{{{matchers}}}"),
                    )
                };
                Some(Series {
                    events: Events::Good(bucket),
                    total,
                })
            }
            _ => None,
        }
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
                        .any(|o| o.id == objective.id && o.indicator.as_deref() == Some(indicator));
                if shares_indicator {
                    notes.push(Note::SiteSharesIndicator(entry.path()));
                }
                result.push(entry);
            }
        }
    }
    (result, notes)
}
