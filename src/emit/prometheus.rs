//! Prometheus rules from the objectives' bindings: error-ratio recording rules, multi-window
//! multi-burn-rate alerts (Google SRE Workbook, chapter 5), the early-warning alert of each
//! objective's KPI, and metadata recordings for dashboards.
//!
//! The short windows (5m to 3d) are computed from the raw counters. The objective's own window
//! is the sum of 5-minute error rates over the sum of 5-minute request rates, so that no rule
//! runs a 30-day `rate()` over raw series. A calendar window has no fixed range in PromQL: a
//! calendar month is approximated by 30 days, a quarter by 90, a year by 365.
//!
//! Objectives measured during a business calendar, and services with maintenance windows, are
//! gated: their 5-minute rates are recorded only while the calendar is open and no maintenance
//! window is active (see [`super::schedule`]), every longer window is built from those gated
//! rates, and their alerts fire only in counted time.

use std::collections::BTreeMap;

use chrono_tz::Tz;
use rust_decimal::Decimal;
use serde::Serialize;

use super::schedule::{self, Horizon};
use super::watched::{watched, Note, Watched};
use crate::ir::{Agreement, Calendar, Commitment, DayHours, Indicator, Measurement, Window};

/// Record names follow Prometheus's `level:metric:operations` convention.
pub const ERROR_RATIO: &str = "slac:sli_error:ratio_rate";
const ERRORS_5M: &str = "slac:sli_errors:rate5m";
const REQUESTS_5M: &str = "slac:sli_requests:rate5m";
const SHORT_WINDOWS: [&str; 7] = ["5m", "30m", "1h", "2h", "6h", "1d", "3d"];
const SECONDS_PER_WEEK: i64 = 7 * 86_400;

/// A rule file and what could not be watched as the spec says.
pub struct PrometheusRules {
    pub text: String,
    pub notes: Vec<Note>,
}

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

impl Rule {
    fn record(name: impl Into<String>, expr: String, labels: &BTreeMap<String, String>) -> Rule {
        Rule {
            record: Some(name.into()),
            alert: None,
            expr,
            for_: None,
            labels: labels.clone(),
            annotations: BTreeMap::new(),
        }
    }
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

/// The burn-rate factor of an objective counted only in a calendar's open hours, which are
/// `open_fraction` of the week. The budget is spread over the open hours of the window; an
/// alert window shorter than a day is taken to lie within open hours (the alert only fires
/// then), a day or longer to hold the calendar's average share of them. A factor below 1 would
/// page while the budget lasts, so short windows never go below 1.
pub fn business_burn_factor(
    share: Decimal,
    window_hours: Decimal,
    hours: i64,
    open_fraction: Decimal,
) -> Decimal {
    if hours >= 24 {
        return burn_factor(share, window_hours, hours);
    }
    (share * window_hours * open_fraction / Decimal::from(hours)).max(Decimal::ONE)
}

/// The bucket under the latency threshold and the count of a histogram, as selectors.
fn histogram_series(metric: &str, matchers: &str, threshold: Decimal) -> (String, String) {
    // Prometheus 3 writes whole-number bounds as `2.0` where clients (and Prometheus 2) wrote
    // `2`, so a whole number matches both spellings.
    let bound = number(threshold);
    let le = if threshold.fract().is_zero() {
        format!("le=~\"{bound}(\\\\.0)?\"")
    } else {
        format!("le=\"{bound}\"")
    };
    if matchers.is_empty() {
        (format!("{metric}_bucket{{{le}}}"), format!("{metric}_count"))
    } else {
        (
            format!("{metric}_bucket{{{matchers},{le}}}"),
            format!("{metric}_count{{{matchers}}}"),
        )
    }
}

/// The PromQL rate of `selector` over `range`, summed.
fn rate(selector: &str, range: &str) -> String {
    format!("sum(rate({selector}[{range}]))")
}

/// PromQL for the error ratio over `range` from the raw series, or `None` for a binding
/// that does not fit the objective.
fn error_ratio(watched: &Watched, range: &str) -> Option<String> {
    match (watched.indicator, &watched.objective.commitment) {
        (
            Indicator::PrometheusRatio {
                good: Some(good),
                total,
                ..
            },
            _,
        ) => Some(format!("1 - ({} / {})", rate(good, range), rate(total, range))),
        (
            Indicator::PrometheusRatio {
                bad: Some(bad),
                total,
                ..
            },
            _,
        ) => Some(format!("{} / {}", rate(bad, range), rate(total, range))),
        (
            Indicator::PrometheusHistogram { metric, matchers },
            Commitment::Latency {
                threshold_seconds, ..
            },
        ) => {
            let (bucket, count) = histogram_series(metric, matchers, threshold_seconds.value());
            Some(format!(
                "1 - ({} / {})",
                rate(&bucket, range),
                rate(&count, range)
            ))
        }
        _ => None,
    }
}

/// PromQL for the rates of failed events and of all events over `range`.
fn event_rates(watched: &Watched, range: &str) -> Option<(String, String)> {
    match (watched.indicator, &watched.objective.commitment) {
        (
            Indicator::PrometheusRatio {
                good: Some(good),
                total,
                ..
            },
            _,
        ) => Some((
            format!("{} - {}", rate(total, range), rate(good, range)),
            rate(total, range),
        )),
        (
            Indicator::PrometheusRatio {
                bad: Some(bad),
                total,
                ..
            },
            _,
        ) => Some((rate(bad, range), rate(total, range))),
        (
            Indicator::PrometheusHistogram { metric, matchers },
            Commitment::Latency {
                threshold_seconds, ..
            },
        ) => {
            let (bucket, count) = histogram_series(metric, matchers, threshold_seconds.value());
            Some((
                format!("{} - {}", rate(&count, range), rate(&bucket, range)),
                rate(&count, range),
            ))
        }
        _ => None,
    }
}

fn label_set(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A PromQL selector of one set of labels, values escaped.
fn selector(labels: &BTreeMap<String, String>) -> String {
    let matchers: Vec<String> = labels
        .iter()
        .map(|(k, v)| format!("{k}=\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\"")))
        .collect();
    format!("{{{}}}", matchers.join(","))
}

/// The business calendar an objective is measured during, if any.
fn business_calendar<'a>(watched: &Watched<'a>) -> Option<&'a Calendar> {
    match &watched.objective.measured {
        Measurement::BusinessHours { calendar } => {
            watched.agreement.calendars.iter().find(|c| &c.id == calendar)
        }
        Measurement::AroundTheClock => None,
    }
}

/// Where a schedule's recordings live: calendars record `open`, maintenance windows `active`.
#[derive(Clone, Copy)]
enum ScheduleKind {
    Calendar,
    Maintenance,
}

impl ScheduleKind {
    fn label(self) -> &'static str {
        match self {
            ScheduleKind::Calendar => "calendar",
            ScheduleKind::Maintenance => "maintenance",
        }
    }

    fn state(self) -> &'static str {
        match self {
            ScheduleKind::Calendar => "slac:calendar:open",
            ScheduleKind::Maintenance => "slac:maintenance:active",
        }
    }

    /// A PromQL condition that keeps a vector only in counted time.
    fn condition(self, agreement: &str, id: &str) -> String {
        let labels = selector(&label_set(&[("agreement", agreement), (self.label(), id)]));
        match self {
            ScheduleKind::Calendar => format!(" and on() ({}{labels} == 1)", self.state()),
            ScheduleKind::Maintenance => format!(" unless on() ({}{labels} == 1)", self.state()),
        }
    }
}

/// The time an objective counts: inside its calendar's open hours and outside the maintenance
/// windows of its service.
struct Gate {
    conditions: String,
    /// The calendar's open hours as a share of the week, for business-hours objectives.
    open_fraction: Option<Decimal>,
}

impl Gate {
    fn of(watched: &Watched) -> Gate {
        let agreement = &watched.agreement.id;
        let calendar = business_calendar(watched);
        let mut conditions = calendar
            .map(|c| ScheduleKind::Calendar.condition(agreement, &c.id))
            .unwrap_or_default();
        for window in &watched.agreement.maintenance_windows {
            if window.applies_to.contains(&watched.service.id) {
                conditions.push_str(&ScheduleKind::Maintenance.condition(agreement, &window.id));
            }
        }
        Gate {
            conditions,
            open_fraction: calendar
                .map(|c| Decimal::from(c.weekly_open_seconds) / Decimal::from(SECONDS_PER_WEEK)),
        }
    }

    fn is_always_counted(&self) -> bool {
        self.conditions.is_empty()
    }

    fn apply(&self, expr: &str) -> String {
        if self.is_always_counted() {
            expr.to_string()
        } else {
            format!("({expr}){}", self.conditions)
        }
    }

    fn burn_factor(&self, share: Decimal, window_hours: Decimal, hours: i64) -> Decimal {
        match self.open_fraction {
            Some(fraction) => business_burn_factor(share, window_hours, hours, fraction),
            None => burn_factor(share, window_hours, hours),
        }
    }
}

/// The rules of every bound objective of the agreements (and of the calendars and maintenance
/// windows that gate them), with notes on the objectives left unwatched.
pub fn prometheus(agreements: &[Agreement]) -> PrometheusRules {
    let (watched, notes) = watched(agreements);
    let mut groups = Vec::new();
    for agreement in agreements {
        let own: Vec<&Watched> = watched
            .iter()
            .filter(|w| std::ptr::eq(w.agreement, agreement))
            .collect();
        for calendar in &agreement.calendars {
            if own
                .iter()
                .any(|w| business_calendar(w).is_some_and(|c| c.id == calendar.id))
            {
                groups.push(schedule_group(
                    agreement,
                    ScheduleKind::Calendar,
                    &calendar.id,
                    &calendar.timezone,
                    &calendar.weekly_hours,
                    &calendar.holidays,
                ));
            }
        }
        for window in &agreement.maintenance_windows {
            if own.iter().any(|w| window.applies_to.contains(&w.service.id)) {
                groups.push(schedule_group(
                    agreement,
                    ScheduleKind::Maintenance,
                    &window.id,
                    &window.timezone,
                    &window.weekly_hours,
                    &[],
                ));
            }
        }
        groups.extend(own.iter().filter_map(|w| objective_group(w)));
    }
    let text = yaml_serde::to_string(&RuleFile { groups }).unwrap_or_default();
    PrometheusRules {
        text: format!(
            "# Generated by slac {}. Do not edit: regenerate from the spec.\n{text}",
            env!("CARGO_PKG_VERSION")
        ),
        notes,
    }
}

/// The recordings that say whether a calendar is open (or a maintenance window active) now,
/// in its own time zone, and an alert for when the rules outlive their offsets.
fn schedule_group(
    agreement: &Agreement,
    kind: ScheduleKind,
    id: &str,
    timezone: &str,
    hours: &[DayHours],
    holidays: &[crate::ir::Holiday],
) -> Group {
    let tz: Tz = timezone.parse().unwrap_or(Tz::UTC);
    let horizon = Horizon::of_term(&agreement.term, tz);
    let labels = label_set(&[("agreement", &agreement.id), (kind.label(), id)]);
    let selector = selector(&labels);
    let prefix = format!("slac:{}", kind.label());
    let (base, changes) = schedule::offsets(tz, horizon);
    let local = format!("time() + {prefix}:utc_offset_seconds{selector}");
    let minute = format!("{prefix}:local_minute_of_week{selector}");
    let mut state = schedule::in_ranges_expression(&minute, &schedule::week_ranges(hours));
    let holidays = schedule::holiday_ranges(tz, holidays, horizon);
    if let Some(holiday) = schedule::during_expression(&holidays) {
        state = format!("({state}) * (1 - ({holiday}))");
    }
    let mut alert_labels = labels.clone();
    alert_labels.insert("severity".into(), "ticket".into());
    let what = match kind {
        ScheduleKind::Calendar => format!("calendar `{id}`"),
        ScheduleKind::Maintenance => format!("maintenance window `{id}`"),
    };
    let annotations = BTreeMap::from([(
        "summary".to_string(),
        format!(
            "The rules of {what} of {} know the UTC offsets of {timezone} only until {}; regenerate them with `slac build --emit prometheus`",
            agreement.id, horizon.last_day
        ),
    )]);
    Group {
        name: format!("slac:{}:{}:{id}", agreement.id, kind.label()),
        rules: vec![
            Rule::record(
                format!("{prefix}:utc_offset_seconds"),
                format!("vector({})", schedule::offset_expression(base, &changes)),
                &labels,
            ),
            Rule::record(
                format!("{prefix}:local_minute_of_week"),
                format!("day_of_week({local}) * 1440 + hour({local}) * 60 + minute({local})"),
                &labels,
            ),
            Rule::record(kind.state(), state, &labels),
            Rule {
                record: None,
                alert: Some("SlacScheduleOutdated".into()),
                expr: format!("vector(time()) >= {}", horizon.end),
                for_: None,
                labels: alert_labels,
                annotations,
            },
        ],
    }
}

fn objective_group(watched: &Watched) -> Option<Group> {
    let Watched {
        agreement,
        service,
        site,
        objective,
        allowed,
        ..
    } = *watched;
    let gate = Gate::of(watched);
    let mut labels = label_set(&[
        ("agreement", &agreement.id),
        ("service", &service.id),
        ("objective", &objective.id),
    ]);
    if let Some(site) = site {
        labels.insert("site".into(), site.id.clone());
    }
    // `site=""` keeps the service's selectors off the recordings of its sites.
    let mut matchers = labels.clone();
    matchers.entry("site".into()).or_default();
    let selector = selector(&matchers);
    let (window, window_hours) = window_range(&objective.window);
    let (errors, requests) = event_rates(watched, "5m")?;
    let mut rules = vec![
        Rule::record(ERRORS_5M, gate.apply(&errors), &labels),
        Rule::record(REQUESTS_5M, gate.apply(&requests), &labels),
    ];
    let from_recorded = |range: &str| {
        format!(
            "sum_over_time({ERRORS_5M}{selector}[{range}]) / sum_over_time({REQUESTS_5M}{selector}[{range}])"
        )
    };
    for range in SHORT_WINDOWS {
        let expr = if gate.is_always_counted() {
            error_ratio(watched, range)?
        } else if range == "5m" {
            format!("{ERRORS_5M}{selector} / {REQUESTS_5M}{selector}")
        } else {
            from_recorded(range)
        };
        rules.push(Rule::record(format!("{ERROR_RATIO}{range}"), expr, &labels));
    }
    if !SHORT_WINDOWS.contains(&window.as_str()) {
        rules.push(Rule::record(
            format!("{ERROR_RATIO}{window}"),
            from_recorded(&window),
            &labels,
        ));
    }
    let target = Decimal::ONE - allowed;
    rules.push(Rule::record("slac:objective:target", number(target), &labels));
    rules.push(Rule::record(
        "slac:objective:error_budget",
        number(allowed),
        &labels,
    ));
    rules.push(Rule::record(
        "slac:objective:error_budget_remaining",
        format!("1 - ({ERROR_RATIO}{window}{selector} / {})", number(allowed)),
        &labels,
    ));

    let title = service.title.as_deref().unwrap_or(&service.id);
    let at_site = site
        .map(|s| format!(" at {}", s.title.as_deref().unwrap_or(&s.id)))
        .unwrap_or_default();
    let clause = format!(
        "\"{}\" ({} {}), section \"Service: {title}\", objective {}{at_site}",
        agreement.title, agreement.id, agreement.version, objective.id
    );
    let alert = |name: &str, severity: &str, expr: String, for_: &str, summary: String| {
        let mut alert_labels = labels.clone();
        alert_labels.insert("severity".into(), severity.into());
        Rule {
            record: None,
            alert: Some(name.into()),
            expr: gate.apply(&expr),
            for_: Some(for_.into()),
            labels: alert_labels,
            annotations: BTreeMap::from([
                ("summary".to_string(), summary),
                ("clause".to_string(), clause.clone()),
            ]),
        }
    };
    for (severity, name, speed, for_) in [
        ("page", "SlacErrorBudgetBurnFast", "fast", "2m"),
        ("ticket", "SlacErrorBudgetBurnSlow", "slow", "15m"),
    ] {
        let conditions: Vec<String> = burn_windows()
            .iter()
            .filter(|w| w.severity == severity)
            .map(|w| {
                let factor = gate.burn_factor(w.budget_share, window_hours, w.long_hours);
                let threshold = number(factor * allowed);
                format!(
                    "({ERROR_RATIO}{}{selector} > {threshold} and {ERROR_RATIO}{}{selector} > {threshold})",
                    w.long, w.short
                )
            })
            .collect();
        rules.push(alert(
            name,
            severity,
            conditions.join(" or "),
            for_,
            format!(
                "{title}{at_site} is burning its error budget {speed} ({} of {})",
                objective.id, agreement.title
            ),
        ));
    }
    if let Some(warn) = objective.warn_at_budget_spent_percent {
        let threshold = number(warn.value() / Decimal::ONE_HUNDRED * allowed);
        rules.push(alert(
            "SlacErrorBudgetEarlyWarning",
            "warning",
            format!("{ERROR_RATIO}{window}{selector} >= {threshold}"),
            "30m",
            format!(
                "{warn}% of the error budget of {title}{at_site} ({}) is spent, an early warning of {}",
                objective.id, agreement.title
            ),
        ));
    }
    let site_part = site.map(|s| format!("@{}", s.id)).unwrap_or_default();
    Some(Group {
        name: format!("slac:{}:{}{site_part}:{}", agreement.id, service.id, objective.id),
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
    fn business_hours_factors_spread_the_budget_over_open_hours() {
        // Monday to Friday 09:00-17:00 is 40 of the week's 168 hours.
        let open = Decimal::from(40) / Decimal::from(168);
        let thirty = Decimal::from(30 * 24);
        let factors: Vec<String> = burn_windows()
            .iter()
            .map(|w| number(business_burn_factor(w.budget_share, thirty, w.long_hours, open)))
            .collect();
        assert_eq!(factors, ["3.428571428571", "1.428571428571", "3", "1"]);
        // Open ten hours a week, a 1-hour page would fire below the sustainable rate.
        let ten_hours = Decimal::from(10) / Decimal::from(168);
        assert_eq!(
            business_burn_factor(Decimal::new(2, 2), thirty, 1, ten_hours),
            Decimal::ONE
        );
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
