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

use super::burn::{self, burn_windows};
use super::number;
use super::schedule::{self, Horizon};
use super::watched::{watched, Events, Note, Series, Watched};
use crate::ir::{Agreement, DayHours};

/// Record names follow Prometheus's `level:metric:operations` convention.
pub const ERROR_RATIO: &str = "slac:sli_error:ratio_rate";
const ERRORS_5M: &str = "slac:sli_errors:rate5m";
const REQUESTS_5M: &str = "slac:sli_requests:rate5m";
const SHORT_WINDOWS: [&str; 7] = ["5m", "30m", "1h", "2h", "6h", "1d", "3d"];

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

/// The PromQL rate of `selector` over `range`, summed.
fn rate(selector: &str, range: &str) -> String {
    format!("sum(rate({selector}[{range}]))")
}

/// PromQL for the error ratio over `range` from the raw series.
fn error_ratio(series: &Series, range: &str) -> String {
    match &series.events {
        Events::Good(good) => format!("1 - ({} / {})", rate(good, range), rate(&series.total, range)),
        Events::Bad(bad) => format!("{} / {}", rate(bad, range), rate(&series.total, range)),
    }
}

/// PromQL for the rates of failed events and of all events over `range`.
fn event_rates(series: &Series, range: &str) -> (String, String) {
    let total = rate(&series.total, range);
    match &series.events {
        Events::Good(good) => (format!("{total} - {}", rate(good, range)), total),
        Events::Bad(bad) => (rate(bad, range), total),
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
}

impl Gate {
    fn of(watched: &Watched) -> Gate {
        let agreement = &watched.agreement.id;
        let mut conditions = watched
            .business_calendar()
            .map(|c| ScheduleKind::Calendar.condition(agreement, &c.id))
            .unwrap_or_default();
        for window in &watched.agreement.maintenance_windows {
            if window.applies_to.contains(&watched.service.id) {
                conditions.push_str(&ScheduleKind::Maintenance.condition(agreement, &window.id));
            }
        }
        Gate { conditions }
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
                .any(|w| w.business_calendar().is_some_and(|c| c.id == calendar.id))
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
    let text = super::yaml::to_string(&RuleFile { groups });
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
    let window = burn::window_range(&objective.window);
    let series = watched.series()?;
    let (errors, requests) = event_rates(&series, "5m");
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
            error_ratio(&series, range)
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

    let title = watched.service_title();
    let at_site = watched.at_site();
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
                let threshold = number(burn::factor(watched, w) * allowed);
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
