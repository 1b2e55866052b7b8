//! OpenSLO v1 documents from the objectives' bindings: a Service per watched service, an SLI
//! (ratio of counters) and an SLO per watched objective, the burn-rate conditions of
//! [`super::burn`] as AlertConditions, an AlertPolicy per condition (OpenSLO allows one
//! condition per policy), and an AlertNotificationTarget for the provider.
//!
//! The documents satisfy the OpenSLO v1 specification and its published JSON Schema, which
//! lags the specification in places: `ratioMetric.counter` and the policy's `alertWhenNoData`
//! and `alertWhenResolved` are always written. OpenSLO has no business-hours windows and no
//! maintenance windows, so an objective that counts only some hours says so in its description
//! and annotations; slac's Prometheus rules apply them.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

use super::burn::{self, burn_windows};
use super::number;
use super::watched::{watched, Events, Note, Watched};
use crate::ir::{Agreement, Commitment, Window};

/// OpenSLO documents and what could not be watched as the spec says.
pub struct OpenSloDocuments {
    pub text: String,
    pub notes: Vec<Note>,
}

const DESCRIPTION_LIMIT: usize = 1050;
const LABEL_LIMIT: usize = 63;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Document<S: Serialize> {
    api_version: &'static str,
    kind: &'static str,
    metadata: Metadata,
    spec: S,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Metadata {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    display_name: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    labels: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    annotations: BTreeMap<String, String>,
}

impl Metadata {
    fn named(name: String) -> Metadata {
        Metadata {
            name,
            display_name: None,
            labels: BTreeMap::new(),
            annotations: BTreeMap::new(),
        }
    }
}

#[derive(Serialize)]
struct ServiceSpec {
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SliSpec {
    ratio_metric: RatioMetric,
}

#[derive(Serialize)]
struct RatioMetric {
    counter: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    good: Option<MetricSourceOf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bad: Option<MetricSourceOf>,
    total: MetricSourceOf,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MetricSourceOf {
    metric_source: MetricSource,
}

#[derive(Serialize)]
struct MetricSource {
    #[serde(rename = "type")]
    source_type: &'static str,
    spec: QuerySpec,
}

#[derive(Serialize)]
struct QuerySpec {
    query: String,
}

impl MetricSourceOf {
    fn prometheus(query: &str) -> MetricSourceOf {
        MetricSourceOf {
            metric_source: MetricSource {
                source_type: "Prometheus",
                spec: QuerySpec {
                    query: query.to_string(),
                },
            },
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SloSpec {
    description: String,
    service: String,
    indicator_ref: String,
    time_window: Vec<TimeWindow>,
    budgeting_method: &'static str,
    objectives: Vec<SloObjective>,
    alert_policies: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TimeWindow {
    duration: String,
    is_rolling: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    calendar: Option<CalendarAnchor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CalendarAnchor {
    start_time: String,
    time_zone: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SloObjective {
    display_name: String,
    #[serde(serialize_with = "exact")]
    target: Decimal,
}

#[derive(Serialize)]
struct AlertConditionSpec {
    description: String,
    severity: &'static str,
    condition: BurnRateCondition,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BurnRateCondition {
    kind: &'static str,
    op: &'static str,
    #[serde(serialize_with = "exact")]
    threshold: Decimal,
    lookback_window: String,
    alert_after: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AlertPolicySpec {
    description: String,
    alert_when_no_data: bool,
    alert_when_resolved: bool,
    alert_when_breaching: bool,
    conditions: Vec<ConditionRef>,
    notification_targets: Vec<TargetRef>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ConditionRef {
    condition_ref: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TargetRef {
    target_ref: String,
}

#[derive(Serialize)]
struct NotificationTargetSpec {
    target: String,
    description: String,
}

/// A decimal as a YAML number. Every decimal slac writes has at most 15 significant digits,
/// which an `f64` holds exactly enough that its shortest form prints the same digits.
fn exact<S: Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_f64(value.round_dp(12).to_f64().unwrap_or_default())
}

/// An OpenSLO name: lower case, `[a-z0-9.-]`, parts joined by dots.
fn name(parts: &[&str]) -> String {
    parts
        .iter()
        .map(|part| {
            part.chars()
                .map(|c| match c.to_ascii_lowercase() {
                    c @ ('a'..='z' | '0'..='9' | '.' | '-') => c,
                    _ => '-',
                })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// Names of one kind, kept unique when two ids differ only in case or in `_` and `-`.
#[derive(Default)]
struct Names {
    taken: HashMap<String, String>,
}

impl Names {
    fn get(&mut self, parts: &[&str]) -> String {
        let original = parts.join("\u{0}");
        let base = name(parts);
        let mut candidate = base.clone();
        let mut counter = 2;
        loop {
            match self.taken.get(&candidate) {
                Some(owner) if *owner == original => return candidate,
                Some(_) => {
                    candidate = format!("{base}-{counter}");
                    counter += 1;
                }
                None => {
                    self.taken.insert(candidate.clone(), original);
                    return candidate;
                }
            }
        }
    }
}

/// A description cut to OpenSLO's limit of 1,050 characters.
fn description(text: String) -> String {
    if text.chars().count() <= DESCRIPTION_LIMIT {
        return text;
    }
    let mut cut: String = text.chars().take(DESCRIPTION_LIMIT - 1).collect();
    cut.push('…');
    cut
}

/// A label value OpenSLO accepts, or `None` (the name still carries the id).
fn label_value(value: &str) -> Option<String> {
    let fits = !value.is_empty()
        && value.len() <= LABEL_LIMIT
        && value.starts_with(|c: char| c.is_ascii_alphanumeric())
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    fits.then(|| value.to_string())
}

/// An IANA zone in the form OpenSLO's schema expects (`Area/Location`): `UTC` is `Etc/UTC`.
fn time_zone(zone: &str) -> String {
    if zone.contains('/') {
        zone.to_string()
    } else {
        format!("Etc/{zone}")
    }
}

/// An OpenSLO duration: the largest whole unit (`28d`, `12h`, `90m`); `m` is minutes.
fn duration(seconds: Decimal) -> String {
    let whole = seconds.ceil().to_i64().unwrap_or(0).max(60);
    for (unit, size) in [("d", 86_400), ("h", 3_600)] {
        if whole % size == 0 {
            return format!("{}{unit}", whole / size);
        }
    }
    format!("{}m", (whole + 59) / 60)
}

/// The time window of an objective: rolling, or a calendar period anchored at the start of
/// the period in which the term begins.
fn time_window(window: &Option<Window>, effective: NaiveDate, zone: &str) -> TimeWindow {
    let calendar = |duration: &str, month: u32| {
        let start = NaiveDate::from_ymd_opt(effective.year(), month, 1).unwrap_or(effective);
        TimeWindow {
            duration: duration.to_string(),
            is_rolling: false,
            calendar: Some(CalendarAnchor {
                start_time: format!("{} 00:00:00", start.format("%Y-%m-%d")),
                time_zone: time_zone(zone),
            }),
        }
    };
    match window {
        Some(Window::CalendarMonth) => calendar("1M", effective.month()),
        Some(Window::CalendarQuarter) => calendar("1Q", (effective.month0() / 3) * 3 + 1),
        Some(Window::CalendarYear) => calendar("1Y", 1),
        Some(Window::Rolling { seconds }) => TimeWindow {
            duration: duration(seconds.value()),
            is_rolling: true,
            calendar: None,
        },
        None => TimeWindow {
            duration: "30d".into(),
            is_rolling: true,
            calendar: None,
        },
    }
}

/// What an objective promises, in a few words.
fn promise(commitment: &Commitment) -> String {
    match commitment {
        Commitment::Availability { target_percent } => format!("{target_percent}% availability"),
        Commitment::Latency {
            percentile,
            threshold_seconds,
        } => format!("{percentile}% of requests within {threshold_seconds} s"),
        Commitment::ErrorRate { max_percent } => format!("at most {max_percent}% errors"),
        Commitment::Outcome {
            title,
            target_percent,
        } => format!("{title}: {target_percent}%"),
        Commitment::Throughput { .. } | Commitment::Response { .. } | Commitment::Resolution { .. } => {
            String::new()
        }
    }
}

fn yaml<S: Serialize>(kind: &'static str, metadata: Metadata, spec: S) -> String {
    let document = Document {
        api_version: "openslo/v1",
        kind,
        metadata,
        spec,
    };
    super::yaml::to_string(&document)
}

/// One burn-rate condition, shared by every objective with the same factor and lookback.
struct Condition {
    name: String,
    severity: &'static str,
    op: &'static str,
    threshold: Decimal,
    lookback: String,
    alert_after: &'static str,
    description: String,
}

/// The OpenSLO documents of every bound objective of the agreements.
pub fn openslo(agreements: &[Agreement]) -> OpenSloDocuments {
    let (watched, notes) = watched(agreements);
    let mut documents: Vec<String> = Vec::new();
    let mut service_names = Names::default();
    let mut objective_names = Names::default();
    let mut conditions: Vec<Condition> = Vec::new();
    for agreement in agreements {
        let own: Vec<&Watched> = watched
            .iter()
            .filter(|w| std::ptr::eq(w.agreement, agreement))
            .collect();
        if own.is_empty() {
            continue;
        }
        let target_name = name(&[&agreement.id, "provider"]);
        documents.push(notification_target(agreement, &target_name));
        let mut policies: Vec<String> = Vec::new();
        for service in &agreement.services {
            if !own.iter().any(|w| std::ptr::eq(w.service, service)) {
                continue;
            }
            let mut metadata = Metadata::named(service_names.get(&[&agreement.id, &service.id]));
            metadata.display_name = service.title.clone();
            insert_label(&mut metadata, "agreement", &agreement.id);
            documents.push(yaml(
                "Service",
                metadata,
                ServiceSpec {
                    description: service.description.clone().map(description),
                },
            ));
        }
        for entry in own {
            let site = entry.site.map(|s| s.id.as_str());
            let mut parts = vec![
                entry.agreement.id.as_str(),
                entry.service.id.as_str(),
                entry.objective.id.as_str(),
            ];
            parts.extend(site);
            let objective_name = objective_names.get(&parts);
            let service_name = service_names.get(&[&agreement.id, &entry.service.id]);
            let Some(sli) = sli(entry, &objective_name) else {
                continue;
            };
            documents.push(sli);
            let mut slo_policies = Vec::new();
            for condition in objective_conditions(entry) {
                let policy = name(&[&agreement.id, &condition.name]);
                if !policies.contains(&policy) {
                    policies.push(policy.clone());
                    documents.push(alert_policy(&policy, &condition, &target_name));
                }
                slo_policies.push(policy);
                if !conditions.iter().any(|c| c.name == condition.name) {
                    conditions.push(condition);
                }
            }
            documents.push(slo(entry, &objective_name, service_name, slo_policies));
        }
    }
    for condition in &conditions {
        documents.push(yaml(
            "AlertCondition",
            Metadata::named(condition.name.clone()),
            AlertConditionSpec {
                description: condition.description.clone(),
                severity: condition.severity,
                condition: BurnRateCondition {
                    kind: "burnrate",
                    op: condition.op,
                    threshold: condition.threshold,
                    lookback_window: condition.lookback.clone(),
                    alert_after: condition.alert_after,
                },
            },
        ));
    }
    let mut text = format!(
        "# Generated by slac {}. Do not edit: regenerate from the spec.\n",
        env!("CARGO_PKG_VERSION")
    );
    for document in documents {
        text.push_str("---\n");
        text.push_str(&document);
    }
    OpenSloDocuments { text, notes }
}

fn insert_label(metadata: &mut Metadata, key: &str, value: &str) {
    if let Some(value) = label_value(value) {
        metadata.labels.insert(key.to_string(), value);
    }
}

fn notification_target(agreement: &Agreement, target_name: &str) -> String {
    let provider = &agreement.provider;
    let emails: Vec<String> = provider
        .contacts
        .iter()
        .filter_map(|c| c.email.as_ref().map(|e| format!("mailto:{e}")))
        .collect();
    let target = if emails.is_empty() {
        provider.name.clone()
    } else {
        emails.join(", ")
    };
    let mut metadata = Metadata::named(target_name.to_string());
    metadata.display_name = Some(format!("{} (provider)", provider.name));
    insert_label(&mut metadata, "agreement", &agreement.id);
    yaml(
        "AlertNotificationTarget",
        metadata,
        NotificationTargetSpec {
            target,
            description: description(format!(
                "The provider's contacts in agreement {} ({}). Route it to your paging or ticketing integration.",
                agreement.id, agreement.title
            )),
        },
    )
}

fn sli(entry: &Watched, objective_name: &str) -> Option<String> {
    let series = entry.series()?;
    let (good, bad) = match &series.events {
        Events::Good(good) => (Some(MetricSourceOf::prometheus(good)), None),
        Events::Bad(bad) => (None, Some(MetricSourceOf::prometheus(bad))),
    };
    let mut metadata = Metadata::named(objective_name.to_string());
    labels_of(entry, &mut metadata);
    Some(yaml(
        "SLI",
        metadata,
        SliSpec {
            ratio_metric: RatioMetric {
                counter: true,
                good,
                bad,
                total: MetricSourceOf::prometheus(&series.total),
            },
        },
    ))
}

fn labels_of(entry: &Watched, metadata: &mut Metadata) {
    insert_label(metadata, "agreement", &entry.agreement.id);
    insert_label(metadata, "service", &entry.service.id);
    insert_label(metadata, "objective", &entry.objective.id);
    if let Some(site) = entry.site {
        insert_label(metadata, "site", &site.id);
    }
}

fn slo(entry: &Watched, objective_name: &str, service_name: String, policies: Vec<String>) -> String {
    let Watched {
        agreement,
        service,
        site,
        objective,
        allowed,
        ..
    } = *entry;
    let title = entry.service_title();
    let at_site = entry.at_site();
    let promise = promise(&objective.commitment);
    let mut text = format!(
        "{promise} for {title}{at_site}, from \"{}\" ({} {}), section \"Service: {title}\", objective {}.",
        agreement.title, agreement.id, agreement.version, objective.id
    );
    if let Some(first) = text.get(..1) {
        text.replace_range(..1, &first.to_uppercase());
    }
    let mut metadata = Metadata::named(objective_name.to_string());
    metadata.display_name = Some(format!("{title}{at_site}: {promise}"));
    labels_of(entry, &mut metadata);
    let zone = match entry.business_calendar() {
        Some(calendar) => {
            let _ = write!(
                text,
                " Counted only in the open hours of calendar {} ({}); OpenSLO has no business-hours windows, so apply the calendar where this is evaluated.",
                calendar.id, calendar.timezone
            );
            metadata
                .annotations
                .insert("slac.measured-during".into(), calendar.id.clone());
            calendar.timezone.as_str()
        }
        None => "UTC",
    };
    let maintenance: Vec<&str> = agreement
        .maintenance_windows
        .iter()
        .filter(|w| w.applies_to.contains(&service.id))
        .map(|w| w.id.as_str())
        .collect();
    if !maintenance.is_empty() {
        let _ = write!(
            text,
            " Maintenance windows ({}) do not count; OpenSLO cannot express them.",
            maintenance.join(", ")
        );
        metadata
            .annotations
            .insert("slac.maintenance-excluded".into(), maintenance.join(","));
    }
    let site_part = site.map(|s| format!(" / {}", s.id)).unwrap_or_default();
    metadata.annotations.insert(
        "slac.clause".into(),
        format!(
            "{} {} / {} / {}{site_part}",
            agreement.id, agreement.version, service.id, objective.id
        ),
    );
    yaml(
        "SLO",
        metadata,
        SloSpec {
            description: description(text),
            service: service_name,
            indicator_ref: objective_name.to_string(),
            time_window: vec![time_window(&objective.window, agreement.term.effective, zone)],
            budgeting_method: "Occurrences",
            objectives: vec![SloObjective {
                display_name: promise,
                target: Decimal::ONE - allowed,
            }],
            alert_policies: policies,
        },
    )
}

/// The burn-rate conditions of one objective, and its early warning as a burn rate over the
/// whole window (which is the share of the budget spent).
fn objective_conditions(entry: &Watched) -> Vec<Condition> {
    let mut conditions: Vec<Condition> = burn_windows()
        .iter()
        .map(|w| {
            let factor = burn::factor(entry, w);
            Condition {
                name: name(&[&format!(
                    "{}-burn-rate-{}-over-{}",
                    w.severity,
                    w.long,
                    number(factor)
                )]),
                severity: w.severity,
                op: "gt",
                threshold: factor,
                lookback: w.long.to_string(),
                alert_after: if w.severity == "page" { "2m" } else { "15m" },
                description: format!(
                    "The burn rate over {} is above {} (at 1 the budget lasts exactly the window); slac's Prometheus rules also require it over {}.",
                    w.long,
                    number(factor),
                    w.short
                ),
            }
        })
        .collect();
    if let Some(warn) = entry.objective.warn_at_budget_spent_percent {
        let window = time_window(&entry.objective.window, entry.agreement.term.effective, "UTC");
        let share = warn.value() / Decimal::ONE_HUNDRED;
        conditions.push(Condition {
            // Names are lower case, and `1m` would read as a minute.
            name: name(&[&format!(
                "warning-budget-spent-{}pct-in-{}",
                number(warn.value()),
                window.duration.replace('M', "mo")
            )]),
            severity: "warning",
            op: "gte",
            threshold: share,
            lookback: window.duration,
            alert_after: "30m",
            description: format!(
                "An early warning: {}% of the error budget is spent, that is a burn rate of {} over the objective's window (rolling, for a calendar window).",
                number(warn.value()),
                number(share)
            ),
        });
    }
    conditions
}

fn alert_policy(policy: &str, condition: &Condition, target_name: &str) -> String {
    yaml(
        "AlertPolicy",
        Metadata::named(policy.to_string()),
        AlertPolicySpec {
            description: condition.description.clone(),
            alert_when_no_data: false,
            alert_when_resolved: true,
            alert_when_breaching: true,
            conditions: vec![ConditionRef {
                condition_ref: condition.name.clone(),
            }],
            notification_targets: vec![TargetRef {
                target_ref: target_name.to_string(),
            }],
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_use_the_largest_whole_unit() {
        assert_eq!(duration(Decimal::from(28 * 86_400)), "28d");
        assert_eq!(duration(Decimal::from(7 * 86_400)), "7d");
        assert_eq!(duration(Decimal::from(36 * 3_600)), "36h");
        assert_eq!(duration(Decimal::from(90 * 60)), "90m");
    }

    #[test]
    fn names_stay_unique() {
        let mut names = Names::default();
        assert_eq!(names.get(&["acme", "Web_Shop"]), "acme.web-shop");
        assert_eq!(names.get(&["acme", "web-shop"]), "acme.web-shop-2");
        assert_eq!(names.get(&["acme", "Web_Shop"]), "acme.web-shop");
    }

    #[test]
    fn calendar_windows_start_at_their_period() {
        let effective = NaiveDate::from_ymd_opt(2026, 5, 15).unwrap_or_default();
        let quarter = time_window(&Some(Window::CalendarQuarter), effective, "UTC");
        assert_eq!(quarter.duration, "1Q");
        let anchor = quarter.calendar.map(|c| (c.start_time, c.time_zone));
        assert_eq!(
            anchor,
            Some(("2026-04-01 00:00:00".to_string(), "Etc/UTC".to_string()))
        );
    }
}
