//! Compliance reports: an agreement's objectives evaluated against ticket and outage data for
//! a period, with the breaches, the error budget spent, the early warnings and the service
//! credits owed. Every number the verdicts use is in the report, so an auditor can check it.

pub mod input;
mod render;

use chrono::{DateTime, Days, NaiveDate, SecondsFormat, Utc};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::business_time::BusinessCalendar;
use crate::ir::words::{amount_text, duration_text, percent_text};
use crate::ir::{
    Agreement, Amount, Commitment, Dec, Duration, MaintenanceWindow, Measurement, Objective, Service,
};
pub use input::{BadRow, Outage, Ticket};
pub use render::{burn_chart, chart_name, render_markdown};

/// The period a report covers, `[from, to)` in UTC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Period {
    pub label: String,
    #[serde(serialize_with = "rfc3339")]
    pub from: DateTime<Utc>,
    #[serde(serialize_with = "rfc3339")]
    pub to: DateTime<Utc>,
}

fn rfc3339<S: serde::Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&t.to_rfc3339_opts(SecondsFormat::Secs, true))
}

fn rfc3339_option<S: serde::Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => rfc3339(t, s),
        None => s.serialize_none(),
    }
}

fn midnight(date: NaiveDate) -> DateTime<Utc> {
    date.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
}

/// A period: a month (`2026-10`), a quarter (`2026-Q3`), or `FROM..TO` with dates (both days
/// included) or RFC 3339 instants (`TO` excluded). Boundaries are UTC.
pub fn parse_period(text: &str) -> Result<Period, String> {
    let problem =
        || format!("`{text}` is not a period such as `2026-10`, `2026-Q3` or `2026-10-01..2026-10-15`");
    let text = text.trim();
    let (from, to) = if let Some((from, to)) = text.split_once("..") {
        match (
            NaiveDate::parse_from_str(from, "%Y-%m-%d"),
            NaiveDate::parse_from_str(to, "%Y-%m-%d"),
        ) {
            (Ok(from), Ok(to)) => (
                midnight(from),
                midnight(to.checked_add_days(Days::new(1)).ok_or_else(problem)?),
            ),
            _ => {
                let instant = |t: &str| DateTime::parse_from_rfc3339(t).map(|t| t.with_timezone(&Utc));
                (
                    instant(from).map_err(|_| problem())?,
                    instant(to).map_err(|_| problem())?,
                )
            }
        }
    } else if let Some((year, quarter)) = text.split_once("-Q") {
        let year: i32 = year.parse().map_err(|_| problem())?;
        let quarter: u32 = quarter
            .parse()
            .ok()
            .filter(|q| (1..=4).contains(q))
            .ok_or_else(problem)?;
        let first = NaiveDate::from_ymd_opt(year, (quarter - 1) * 3 + 1, 1).ok_or_else(problem)?;
        (
            midnight(first),
            midnight(
                first
                    .checked_add_months(chrono::Months::new(3))
                    .ok_or_else(problem)?,
            ),
        )
    } else {
        let first = NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d").map_err(|_| problem())?;
        (
            midnight(first),
            midnight(
                first
                    .checked_add_months(chrono::Months::new(1))
                    .ok_or_else(problem)?,
            ),
        )
    };
    if to <= from {
        return Err(format!("the period `{text}` ends before it starts"));
    }
    Ok(Period {
        label: text.to_string(),
        from,
        to,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Met,
    Breached,
    /// Still open at the end of the period and not yet due.
    Open,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Met,
    Breached,
    /// Nothing in the data to judge by (no tickets of that priority).
    NoData,
    /// The objective is measured from other data (metrics, an outcome's own records).
    NotMeasured,
}

/// One ticket as an objective judged it.
#[derive(Debug, Clone, Serialize)]
pub struct TicketVerdict {
    pub id: String,
    pub line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    #[serde(serialize_with = "rfc3339")]
    pub opened_at: DateTime<Utc>,
    /// The response (or resolution) the verdict used, if there was one.
    #[serde(serialize_with = "rfc3339_option")]
    pub answered_at: Option<DateTime<Utc>>,
    /// Business seconds from opening to `answered_at` (or to the end of the period when there
    /// is none), minus the paused seconds.
    pub business_seconds: i64,
    pub paused_seconds: i64,
    #[serde(serialize_with = "rfc3339")]
    pub deadline: DateTime<Utc>,
    pub verdict: Verdict,
}

/// One outage as an availability objective counted it.
#[derive(Debug, Clone, Serialize)]
pub struct OutageCount {
    pub line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    #[serde(serialize_with = "rfc3339")]
    pub start: DateTime<Utc>,
    #[serde(serialize_with = "rfc3339")]
    pub end: DateTime<Utc>,
    /// Seconds of this outage that count: inside the period and the measured hours, outside
    /// maintenance windows, and not already counted for an overlapping outage.
    pub counted_seconds: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Availability {
    pub measured_seconds: i64,
    pub downtime_seconds: i64,
    pub error_budget_seconds: Dec,
    pub budget_spent_percent: Dec,
    pub outages: Vec<OutageCount>,
    /// Cumulative budget spent at the start and end of each counted outage, for the chart.
    #[serde(skip)]
    pub burn: Vec<(DateTime<Utc>, Decimal)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EarlyWarning {
    pub threshold_percent: Dec,
    pub reached: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Owed {
    /// What triggered it: the credit tier, or the number of breaches.
    pub reason: String,
    pub amount: String,
    pub capped: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ObjectiveResult {
    pub service: String,
    pub service_title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    pub objective: String,
    pub target: String,
    pub measured: String,
    pub status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub achieved_percent: Option<Dec>,
    /// Breached tickets, or 1 for a breached availability target.
    pub breaches: usize,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tickets: Vec<TicketVerdict>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub availability: Option<Availability>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub early_warning: Option<EarlyWarning>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credit: Option<Owed>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub penalty: Option<Owed>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub format_version: u32,
    pub agreement: String,
    pub title: String,
    pub version: String,
    pub period: Period,
    pub tickets_read: usize,
    pub outages_read: usize,
    pub objectives: Vec<ObjectiveResult>,
    pub bad_rows: Vec<BadRow>,
}

/// `amount` times `count`, capped by `cap` where the units agree.
fn scaled(amount: &Amount, count: Decimal, cap: &Option<Amount>) -> (Amount, bool) {
    let value = |a: &Amount| match a {
        Amount::PercentOfFee { percent, .. } => percent.value(),
        Amount::Money { amount, .. } => amount.value(),
    };
    let with = |a: &Amount, v: Decimal| match a {
        Amount::PercentOfFee { fee, .. } => Amount::PercentOfFee {
            percent: Dec(v),
            fee: *fee,
        },
        Amount::Money { currency, .. } => Amount::Money {
            amount: Dec(v),
            currency: currency.clone(),
        },
    };
    let total = value(amount) * count;
    let same_unit = |c: &Amount| match (amount, c) {
        (Amount::PercentOfFee { fee: a, .. }, Amount::PercentOfFee { fee: b, .. }) => a == b,
        (Amount::Money { currency: a, .. }, Amount::Money { currency: b, .. }) => a == b,
        _ => false,
    };
    match cap {
        Some(cap) if same_unit(cap) && value(cap) < total => (with(amount, value(cap)), true),
        _ => (with(amount, total), false),
    }
}

/// The time an objective counts: a business calendar or the whole clock, minus maintenance.
struct Clock {
    calendar: Option<BusinessCalendar>,
    maintenance: Vec<BusinessCalendar>,
    description: String,
}

impl Clock {
    fn new(agreement: &Agreement, service: &Service, objective: &Objective) -> Clock {
        let (calendar, description) = match &objective.measured {
            Measurement::BusinessHours { calendar } => {
                let found = agreement.calendars.iter().find(|c| &c.id == calendar);
                let zone = found.map(|c| c.timezone.clone()).unwrap_or_default();
                (
                    found.and_then(BusinessCalendar::new),
                    format!("during {calendar} ({zone})"),
                )
            }
            Measurement::AroundTheClock => (None, "around the clock".to_string()),
        };
        let maintenance = agreement
            .maintenance_windows
            .iter()
            .filter(|w| w.applies_to.contains(&service.id))
            .filter_map(maintenance_calendar)
            .collect();
        Clock {
            calendar,
            maintenance,
            description,
        }
    }

    /// Measured seconds in `[from, to)`, without maintenance.
    fn counted(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        if to <= from {
            return 0;
        }
        let open = |a: DateTime<Utc>, b: DateTime<Utc>| match &self.calendar {
            Some(calendar) => calendar.elapsed(a, b),
            None => (b - a).num_seconds(),
        };
        let mut total = open(from, to);
        for window in &self.maintenance {
            for (a, b) in window.open_ranges_between(from, to) {
                total -= open(a, b);
            }
        }
        total.max(0)
    }
}

/// A maintenance window as a calendar of its hours (it has no holidays).
fn maintenance_calendar(window: &MaintenanceWindow) -> Option<BusinessCalendar> {
    BusinessCalendar::new(&crate::ir::Calendar {
        id: window.id.clone(),
        title: window.title.clone(),
        timezone: window.timezone.clone(),
        always_open: false,
        weekly_hours: window.weekly_hours.clone(),
        weekly_open_seconds: 0,
        holidays: Vec::new(),
        origin: window.origin.clone(),
    })
}

/// Evaluates `agreement` over `period`. Rows naming a service, priority or site the agreement
/// does not have are added to `bad`.
pub fn evaluate(
    agreement: &Agreement,
    tickets: &[Ticket],
    outages: &[Outage],
    mut bad: Vec<BadRow>,
    period: &Period,
) -> Report {
    for ticket in tickets {
        let problem = match agreement.services.iter().find(|s| s.id == ticket.service) {
            None => Some(format!("the agreement has no service `{}`", ticket.service)),
            Some(service) => {
                if !agreement.priorities.iter().any(|p| p.id == ticket.priority) {
                    Some(format!("the agreement has no priority `{}`", ticket.priority))
                } else {
                    unknown_site(service, &ticket.site)
                }
            }
        };
        if let Some(problem) = problem {
            bad.push(BadRow {
                file: "tickets",
                line: ticket.line,
                problem,
            });
        }
    }
    for outage in outages {
        let problem = match agreement.services.iter().find(|s| s.id == outage.service) {
            None => Some(format!("the agreement has no service `{}`", outage.service)),
            Some(service) => unknown_site(service, &outage.site),
        };
        if let Some(problem) = problem {
            bad.push(BadRow {
                file: "outages",
                line: outage.line,
                problem,
            });
        }
    }
    bad.sort_by(|a, b| (a.file, a.line).cmp(&(b.file, b.line)));
    let bad_lines: std::collections::HashSet<(&str, usize)> = bad.iter().map(|b| (b.file, b.line)).collect();
    let is_bad = |file: &str, line: usize| bad_lines.contains(&(file, line));
    let tickets: Vec<&Ticket> = tickets.iter().filter(|t| !is_bad("tickets", t.line)).collect();
    let outages: Vec<&Outage> = outages.iter().filter(|o| !is_bad("outages", o.line)).collect();

    let mut objectives = Vec::new();
    for service in &agreement.services {
        let sites = std::iter::once(None).chain(service.sites.iter().map(Some));
        for site in sites {
            let list: Vec<&Objective> = match site {
                None => service.objectives.iter().map(|o| &**o).collect(),
                Some(site) => site
                    .objectives
                    .iter()
                    .filter(|o| site.overridden.contains(&o.id))
                    .map(|o| &**o)
                    .collect(),
            };
            for objective in list {
                let site_id = site.map(|s| s.id.as_str());
                objectives.push(objective_result(
                    agreement, service, site_id, objective, &tickets, &outages, period,
                ));
            }
        }
    }
    penalties(agreement, &mut objectives);
    Report {
        format_version: 1,
        agreement: agreement.id.clone(),
        title: agreement.title.clone(),
        version: agreement.version.clone(),
        period: period.clone(),
        tickets_read: tickets.len(),
        outages_read: outages.len(),
        objectives,
        bad_rows: bad,
    }
}

fn unknown_site(service: &Service, site: &Option<String>) -> Option<String> {
    let site = site.as_ref()?;
    (!service.sites.iter().any(|s| &s.id == site))
        .then(|| format!("the service `{}` has no site `{site}`", service.id))
}

/// Whether a row of `site` counts for the objective of `objective_site` (the service's own when
/// `None`): rows without a site count everywhere; a site's rows count for the site's own
/// override, or for the service's objective when the site has none.
fn counts_for(
    service: &Service,
    objective: &Objective,
    objective_site: Option<&str>,
    row_site: Option<&str>,
) -> bool {
    match (objective_site, row_site) {
        (_, None) => true,
        (Some(wanted), Some(site)) => wanted == site,
        (None, Some(site)) => !service
            .sites
            .iter()
            .any(|s| s.id == site && s.overridden.contains(&objective.id)),
    }
}

#[allow(clippy::too_many_arguments)]
fn objective_result(
    agreement: &Agreement,
    service: &Service,
    site: Option<&str>,
    objective: &Objective,
    tickets: &[&Ticket],
    outages: &[&Outage],
    period: &Period,
) -> ObjectiveResult {
    let clock = Clock::new(agreement, service, objective);
    let mut result = ObjectiveResult {
        service: service.id.clone(),
        service_title: service.title.clone().unwrap_or_else(|| service.id.clone()),
        site: site.map(str::to_string),
        objective: objective.id.clone(),
        target: String::new(),
        measured: clock.description.clone(),
        status: Status::NotMeasured,
        achieved_percent: None,
        breaches: 0,
        tickets: Vec::new(),
        availability: None,
        early_warning: None,
        credit: None,
        penalty: None,
        note: None,
    };
    let breaches = match &objective.commitment {
        Commitment::Response {
            priority,
            within,
            attainment_percent,
        }
        | Commitment::Resolution {
            priority,
            within,
            attainment_percent,
        } => {
            let response = matches!(objective.commitment, Commitment::Response { .. });
            result.target = format!(
                "{} within {} for {} of tickets",
                if response { "response" } else { "resolution" },
                duration_text(within),
                percent_text(attainment_percent.value())
            );
            let relevant = tickets.iter().filter(|t| {
                t.service == service.id
                    && &t.priority == priority
                    && t.opened_at >= period.from
                    && t.opened_at < period.to
                    && counts_for(service, objective, site, t.site.as_deref())
            });
            for ticket in relevant {
                if let Some(verdict) = judge(ticket, within, response, &clock, period) {
                    result.tickets.push(verdict);
                }
            }
            let met = result
                .tickets
                .iter()
                .filter(|t| t.verdict == Verdict::Met)
                .count();
            let breached = result
                .tickets
                .iter()
                .filter(|t| t.verdict == Verdict::Breached)
                .count();
            if met + breached == 0 {
                result.status = Status::NoData;
                result.note = Some("no ticket of this priority was due in the period".into());
            } else {
                let achieved = Decimal::from(met * 100) / Decimal::from(met + breached);
                result.achieved_percent = Some(Dec(achieved.round_dp(4)));
                result.status = if achieved >= attainment_percent.value() {
                    Status::Met
                } else {
                    Status::Breached
                };
            }
            breached
        }
        Commitment::Availability { target_percent } => {
            result.target = percent_text(target_percent.value());
            let availability = availability(
                service,
                site,
                objective,
                outages,
                &clock,
                period,
                target_percent.value(),
            );
            let achieved = if availability.measured_seconds > 0 {
                Decimal::ONE_HUNDRED
                    - Decimal::from(availability.downtime_seconds) * Decimal::ONE_HUNDRED
                        / Decimal::from(availability.measured_seconds)
            } else {
                Decimal::ONE_HUNDRED
            };
            result.achieved_percent = Some(Dec(achieved.round_dp(4)));
            result.status = if achieved >= target_percent.value() {
                Status::Met
            } else {
                Status::Breached
            };
            if let Some(warn) = objective.warn_at_budget_spent_percent {
                result.early_warning = Some(EarlyWarning {
                    threshold_percent: warn,
                    reached: availability.budget_spent_percent.value() >= warn.value(),
                });
            }
            result.availability = Some(availability);
            usize::from(result.status == Status::Breached)
        }
        Commitment::Latency { .. } | Commitment::ErrorRate { .. } | Commitment::Throughput { .. } => {
            result.note = Some(
                "measured from metrics: see the Prometheus rules (`slac build --emit prometheus`)".into(),
            );
            0
        }
        Commitment::Outcome {
            title,
            target_percent,
        } => {
            result.target = format!("{title}: {}", percent_text(target_percent.value()));
            result.note = Some(match &objective.measured_by {
                Some(how) => format!("measured by: {how}"),
                None => "measured from the outcome's own records".into(),
            });
            0
        }
    };
    result.breaches = breaches;
    if site.is_none() {
        credit(agreement, service, objective, &mut result);
    }
    result
}

fn judge(
    ticket: &Ticket,
    within: &Duration,
    response: bool,
    clock: &Clock,
    period: &Period,
) -> Option<TicketVerdict> {
    // A resolution also answers the ticket.
    let answered_at = if response {
        match (ticket.first_response_at, ticket.resolved_at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    } else {
        ticket.resolved_at
    };
    let calendar = clock.calendar.as_ref();
    let deadline = match (within, calendar) {
        (Duration::Seconds(s), Some(calendar)) => calendar.add(
            ticket.opened_at,
            s.value().ceil().to_i64()? + ticket.paused_seconds,
        )?,
        (Duration::Seconds(s), None) => {
            ticket.opened_at + chrono::Duration::seconds(s.value().ceil().to_i64()? + ticket.paused_seconds)
        }
        (Duration::BusinessDays(days), Some(calendar)) => {
            let due = calendar.add_business_days(ticket.opened_at, *days)?;
            calendar.add(due, ticket.paused_seconds)?
        }
        // Business days around the clock is refused by `slac check` (E213).
        (Duration::BusinessDays(days), None) => ticket.opened_at + chrono::Duration::days(i64::from(*days)),
    };
    let until = answered_at.unwrap_or(period.to);
    let elapsed = match calendar {
        Some(calendar) => calendar.elapsed(ticket.opened_at, until),
        None => (until - ticket.opened_at).num_seconds(),
    };
    let verdict = match answered_at {
        Some(at) if at <= deadline => Verdict::Met,
        Some(_) => Verdict::Breached,
        None if deadline < period.to => Verdict::Breached,
        None => Verdict::Open,
    };
    Some(TicketVerdict {
        id: ticket.id.clone(),
        line: ticket.line,
        site: ticket.site.clone(),
        opened_at: ticket.opened_at,
        answered_at,
        business_seconds: (elapsed - ticket.paused_seconds).max(0),
        paused_seconds: ticket.paused_seconds,
        deadline,
        verdict,
    })
}

#[allow(clippy::too_many_arguments)]
fn availability(
    service: &Service,
    site: Option<&str>,
    objective: &Objective,
    outages: &[&Outage],
    clock: &Clock,
    period: &Period,
    target: Decimal,
) -> Availability {
    let measured = clock.counted(period.from, period.to);
    let mut relevant: Vec<&Outage> = outages
        .iter()
        .copied()
        .filter(|o| o.service == service.id && counts_for(service, objective, site, o.site.as_deref()))
        .collect();
    relevant.sort_by_key(|o| (o.start, o.end, o.line));
    let budget = Decimal::from(measured) * (Decimal::ONE_HUNDRED - target) / Decimal::ONE_HUNDRED;
    let mut counted_until = period.from;
    let mut downtime = 0;
    let mut counts = Vec::new();
    let mut burn = vec![(period.from, Decimal::ZERO)];
    let mut spent_so_far = Decimal::ZERO;
    for outage in relevant {
        // Overlapping outages are counted once: each from where the last one ended.
        let start = outage.start.max(counted_until).max(period.from);
        let end = outage.end.min(period.to);
        let counted = clock.counted(start, end);
        if end > counted_until {
            counted_until = end;
        }
        downtime += counted;
        if counted > 0 && budget > Decimal::ZERO {
            // The budget burns while the outage lasts.
            burn.push((start, spent_so_far));
            spent_so_far = Decimal::from(downtime) * Decimal::ONE_HUNDRED / budget;
            burn.push((end, spent_so_far));
        }
        counts.push(OutageCount {
            line: outage.line,
            site: outage.site.clone(),
            start: outage.start,
            end: outage.end,
            counted_seconds: counted,
        });
    }
    let spent = if budget > Decimal::ZERO {
        Decimal::from(downtime) * Decimal::ONE_HUNDRED / budget
    } else if downtime > 0 {
        Decimal::ONE_HUNDRED
    } else {
        Decimal::ZERO
    };
    Availability {
        measured_seconds: measured,
        downtime_seconds: downtime,
        error_budget_seconds: Dec(budget.round_dp(3)),
        budget_spent_percent: Dec(spent.round_dp(2)),
        outages: counts,
        burn,
    }
}

/// The credit owed, by the tier the achieved level falls in.
fn credit(agreement: &Agreement, service: &Service, objective: &Objective, result: &mut ObjectiveResult) {
    let refers =
        |service_id: &str, objective_id: &str| service_id == service.id && objective_id == objective.id;
    if let (Some(policy), Some(achieved)) = (
        agreement
            .credit_policies
            .iter()
            .find(|p| refers(&p.objective.service, &p.objective.objective)),
        result.achieved_percent,
    ) {
        let level = achieved.value();
        let tier = policy.tiers.iter().find(|t| {
            level < t.below_percent.value() && t.at_least_percent.is_none_or(|from| level >= from.value())
        });
        if let Some(tier) = tier {
            let (amount, capped) = scaled(&tier.credit, Decimal::ONE, &policy.cap);
            let from = tier
                .at_least_percent
                .map(|p| format!("from {} ", percent_text(p.value())))
                .unwrap_or_default();
            result.credit = Some(Owed {
                reason: format!("{from}below {}", percent_text(tier.below_percent.value())),
                amount: amount_text(&amount),
                capped,
            });
        }
    }
}

/// The penalty owed per breach of each objective, counting the breaches at every site.
fn penalties(agreement: &Agreement, objectives: &mut [ObjectiveResult]) {
    for penalty in &agreement.penalties {
        let (service, objective) = (&penalty.objective.service, &penalty.objective.objective);
        let breaches: usize = objectives
            .iter()
            .filter(|r| &r.service == service && &r.objective == objective)
            .map(|r| r.breaches)
            .sum();
        let owner = objectives
            .iter_mut()
            .find(|r| &r.service == service && &r.objective == objective && r.site.is_none());
        if let (Some(owner), true) = (owner, breaches > 0) {
            let (amount, capped) = scaled(&penalty.per_breach, Decimal::from(breaches), &penalty.cap);
            owner.penalty = Some(Owed {
                reason: format!("{breaches} breach{}", if breaches == 1 { "" } else { "es" }),
                amount: amount_text(&amount),
                capped,
            });
        }
    }
}

/// The JSON form of a report.
pub fn render_json(report: &Report) -> String {
    format!("{}\n", serde_json::to_string_pretty(report).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;

    #[test]
    fn periods() {
        let month = parse_period("2026-10").unwrap_or_else(|_| unreachable!());
        assert_eq!(month.from.to_rfc3339(), "2026-10-01T00:00:00+00:00");
        assert_eq!(month.to.to_rfc3339(), "2026-11-01T00:00:00+00:00");
        let quarter = parse_period("2026-Q4").unwrap_or_else(|_| unreachable!());
        assert_eq!(quarter.to.to_rfc3339(), "2027-01-01T00:00:00+00:00");
        let days = parse_period("2026-10-01..2026-10-15").unwrap_or_else(|_| unreachable!());
        assert_eq!(days.to.to_rfc3339(), "2026-10-16T00:00:00+00:00");
        assert!(parse_period("2026-Q5").is_err());
        assert!(parse_period("2026-10-15..2026-10-01").is_err());
        assert_eq!(
            midnight(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default()).year(),
            2026
        );
    }
}
