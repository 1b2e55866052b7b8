//! Prometheus rules from the objectives' bindings: error-ratio recording rules, multi-window
//! multi-burn-rate alerts (Google SRE Workbook, chapter 5), the early-warning alert of each
//! objective's KPI, and metadata recordings for dashboards.
//!
//! The short windows (5m to 3d) are computed from the raw counters; the objective's own window
//! is the average of the 5-minute recording over it, so that no rule runs a 30-day `rate()`
//! over raw series. A calendar window has no fixed range in PromQL: a calendar month is
//! approximated by 30 days, a quarter by 90, a year by 365.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::ir::{Agreement, Commitment, Indicator, Objective, Service, Window};

/// Record names follow Prometheus's `level:metric:operations` convention.
pub const ERROR_RATIO: &str = "slac:sli_error:ratio_rate";
const SHORT_WINDOWS: [&str; 7] = ["5m", "30m", "1h", "2h", "6h", "1d", "3d"];

#[derive(Serialize)]
struct RuleFile {
    groups: Vec<Group>,
}

#[derive(Serialize)]
struct Group {
    name: String,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
struct Rule {
    #[serde(skip_serializing_if = "Option::is_none")]
    record: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    alert: Option<String>,
    expr: String,
    #[serde(rename = "for", skip_serializing_if = "Option::is_none")]
    for_: Option<String>,
    labels: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    annotations: BTreeMap<String, String>,
}

/// One multi-window burn-rate alert condition: a share of the budget spent within `long`.
struct BurnWindow {
    severity: &'static str,
    budget_share: Decimal,
    long: &'static str,
    long_hours: i64,
    short: &'static str,
}

fn burn_windows() -> [BurnWindow; 4] {
    [
        BurnWindow {
            severity: "page",
            budget_share: Decimal::new(2, 2),
            long: "1h",
            long_hours: 1,
            short: "5m",
        },
        BurnWindow {
            severity: "page",
            budget_share: Decimal::new(5, 2),
            long: "6h",
            long_hours: 6,
            short: "30m",
        },
        BurnWindow {
            severity: "ticket",
            budget_share: Decimal::new(10, 2),
            long: "1d",
            long_hours: 24,
            short: "2h",
        },
        BurnWindow {
            severity: "ticket",
            budget_share: Decimal::new(10, 2),
            long: "3d",
            long_hours: 72,
            short: "6h",
        },
    ]
}

/// The objective's window as a PromQL range and its length in hours.
fn window_range(window: &Option<Window>) -> (String, Decimal) {
    let days = match window {
        Some(Window::Rolling { seconds }) => seconds.value() / Decimal::from(86_400),
        Some(Window::CalendarQuarter) => Decimal::from(90),
        Some(Window::CalendarYear) => Decimal::from(365),
        Some(Window::CalendarMonth) | None => Decimal::from(30),
    };
    let range = if days.fract().is_zero() {
        format!("{}d", days.normalize())
    } else {
        format!("{}h", (days * Decimal::from(24)).round().normalize())
    };
    (range, days * Decimal::from(24))
}

/// A decimal for PromQL: exact, at most 12 decimals, never in exponent form.
fn number(value: Decimal) -> String {
    value.round_dp(12).normalize().to_string()
}

/// The burn-rate factor: how many times faster than sustainable the budget burns when
/// `share` of it is spent within `hours` of a window of `window_hours`.
pub fn burn_factor(share: Decimal, window_hours: Decimal, hours: i64) -> Decimal {
    share * window_hours / Decimal::from(hours)
}

/// PromQL for the error ratio of an indicator over `range`, or `None` for a binding that
/// does not fit the objective.
fn error_ratio(objective: &Objective, indicator: &Indicator, range: &str) -> Option<String> {
    match (indicator, &objective.commitment) {
        (
            Indicator::PrometheusRatio {
                good: Some(good),
                total,
                ..
            },
            _,
        ) => Some(format!(
            "1 - (sum(rate({good}[{range}])) / sum(rate({total}[{range}])))"
        )),
        (
            Indicator::PrometheusRatio {
                bad: Some(bad),
                total,
                ..
            },
            _,
        ) => Some(format!("sum(rate({bad}[{range}])) / sum(rate({total}[{range}]))")),
        (
            Indicator::PrometheusHistogram { metric, matchers },
            Commitment::Latency {
                threshold_seconds, ..
            },
        ) => {
            let le = number(threshold_seconds.value());
            let bucket_matchers = if matchers.is_empty() {
                format!("le=\"{le}\"")
            } else {
                format!("{matchers},le=\"{le}\"")
            };
            let count = if matchers.is_empty() {
                format!("{metric}_count")
            } else {
                format!("{metric}_count{{{matchers}}}")
            };
            Some(format!(
                "1 - (sum(rate({metric}_bucket{{{bucket_matchers}}}[{range}])) / sum(rate({count}[{range}])))"
            ))
        }
        _ => None,
    }
}

/// A PromQL selector of one objective's recordings.
fn selector(labels: &BTreeMap<String, String>) -> String {
    let matchers: Vec<String> = labels
        .iter()
        .map(|(k, v)| format!("{k}=\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\"")))
        .collect();
    format!("{{{}}}", matchers.join(","))
}

/// The rules of every bound objective of the agreements, and the ids of the objectives that
/// have no binding (`service.objective`), which callers report.
pub fn prometheus(agreements: &[Agreement]) -> (String, Vec<String>) {
    let mut groups = Vec::new();
    let mut unbound = Vec::new();
    for agreement in agreements {
        for service in &agreement.services {
            for objective in &service.objectives {
                // Response and resolution targets are measured from ticket data, not metrics.
                let watchable = !matches!(
                    objective.commitment,
                    Commitment::Response { .. } | Commitment::Resolution { .. }
                );
                match objective_group(agreement, service, objective) {
                    Some(group) => groups.push(group),
                    None if watchable => {
                        unbound.push(format!("{}.{}.{}", agreement.id, service.id, objective.id))
                    }
                    None => {}
                }
            }
        }
    }
    let file = RuleFile { groups };
    let text = yaml_serde::to_string(&file).unwrap_or_default();
    (
        format!(
            "# Generated by slac {}. Do not edit: regenerate from the spec.\n{text}",
            env!("CARGO_PKG_VERSION")
        ),
        unbound,
    )
}

fn objective_group(agreement: &Agreement, service: &Service, objective: &Objective) -> Option<Group> {
    let indicator = objective.indicator.as_ref()?;
    let budget = objective.error_budget.as_ref()?;
    let allowed = budget.allowed_percent.value() / Decimal::ONE_HUNDRED;
    if allowed <= Decimal::ZERO {
        return None;
    }
    let mut labels = BTreeMap::new();
    labels.insert("agreement".to_string(), agreement.id.clone());
    labels.insert("service".to_string(), service.id.clone());
    labels.insert("objective".to_string(), objective.id.clone());
    let selector = selector(&labels);
    let (window, window_hours) = window_range(&objective.window);
    let mut rules = Vec::new();
    let record = |name: String, expr: String| Rule {
        record: Some(name),
        alert: None,
        expr,
        for_: None,
        labels: labels.clone(),
        annotations: BTreeMap::new(),
    };
    for range in SHORT_WINDOWS {
        rules.push(record(
            format!("{ERROR_RATIO}{range}"),
            error_ratio(objective, indicator, range)?,
        ));
    }
    rules.push(record(
        format!("{ERROR_RATIO}{window}"),
        format!(
            "sum_over_time({ERROR_RATIO}5m{selector}[{window}]) / count_over_time({ERROR_RATIO}5m{selector}[{window}])"
        ),
    ));
    let target = Decimal::ONE - allowed;
    rules.push(record("slac:objective:target".into(), number(target)));
    rules.push(record("slac:objective:error_budget".into(), number(allowed)));
    rules.push(record(
        "slac:objective:error_budget_remaining".into(),
        format!("1 - ({ERROR_RATIO}{window}{selector} / {})", number(allowed)),
    ));

    let title = service.title.as_deref().unwrap_or(&service.id);
    let clause = format!(
        "\"{}\" ({} {}), section \"Service: {title}\", objective {}",
        agreement.title, agreement.id, agreement.version, objective.id
    );
    for severity in ["page", "ticket"] {
        let conditions: Vec<String> = burn_windows()
            .iter()
            .filter(|w| w.severity == severity)
            .map(|w| {
                let threshold = number(burn_factor(w.budget_share, window_hours, w.long_hours) * allowed);
                format!(
                    "({ERROR_RATIO}{}{selector} > {threshold} and {ERROR_RATIO}{}{selector} > {threshold})",
                    w.long, w.short
                )
            })
            .collect();
        let mut alert_labels = labels.clone();
        alert_labels.insert("severity".into(), severity.into());
        let mut annotations = BTreeMap::new();
        let speed = if severity == "page" { "fast" } else { "slow" };
        annotations.insert(
            "summary".into(),
            format!(
                "{title} is burning its error budget {speed} ({} of {})",
                objective.id, agreement.title
            ),
        );
        annotations.insert("clause".into(), clause.clone());
        rules.push(Rule {
            record: None,
            alert: Some(if severity == "page" {
                "SlacErrorBudgetBurnFast".into()
            } else {
                "SlacErrorBudgetBurnSlow".into()
            }),
            expr: conditions.join(" or "),
            for_: Some(if severity == "page" {
                "2m".into()
            } else {
                "15m".into()
            }),
            labels: alert_labels,
            annotations,
        });
    }
    if let Some(warn) = objective.warn_at_budget_spent_percent {
        let threshold = number(warn.value() / Decimal::ONE_HUNDRED * allowed);
        let mut alert_labels = labels.clone();
        alert_labels.insert("severity".into(), "warning".into());
        let mut annotations = BTreeMap::new();
        annotations.insert(
            "summary".into(),
            format!(
                "{warn}% of the error budget of {title} ({}) is spent, an early warning of {}",
                objective.id, agreement.title
            ),
        );
        annotations.insert("clause".into(), clause);
        rules.push(Rule {
            record: None,
            alert: Some("SlacErrorBudgetEarlyWarning".into()),
            expr: format!("{ERROR_RATIO}{window}{selector} >= {threshold}"),
            for_: Some("30m".into()),
            labels: alert_labels,
            annotations,
        });
    }
    Some(Group {
        name: format!("slac:{}:{}:{}", agreement.id, service.id, objective.id),
        rules,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burn_factors_follow_the_workbook() {
        let thirty = Decimal::from(30 * 24);
        let factors: Vec<String> = burn_windows()
            .iter()
            .map(|w| number(burn_factor(w.budget_share, thirty, w.long_hours)))
            .collect();
        assert_eq!(factors, ["14.4", "6", "3", "1"]);
        let twenty_eight = Decimal::from(28 * 24);
        let factors: Vec<String> = burn_windows()
            .iter()
            .map(|w| number(burn_factor(w.budget_share, twenty_eight, w.long_hours)))
            .collect();
        assert_eq!(factors, ["13.44", "5.6", "2.8", "0.933333333333"]);
    }

    #[test]
    fn thresholds_are_exact() {
        let allowed = Decimal::new(1, 3);
        assert_eq!(
            number(burn_factor(Decimal::new(2, 2), Decimal::from(720), 1) * allowed),
            "0.0144"
        );
    }
}
