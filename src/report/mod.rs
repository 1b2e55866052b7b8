//! Compliance reports: an agreement's objectives evaluated against ticket and outage data for
//! a period, with the breaches, the error budget spent, the early warnings and the service
//! credits owed. Every number the verdicts use is in the report, so an auditor can check it.

pub mod input;
mod level;
mod render;
mod spool;
mod windows;

use chrono::{DateTime, Days, NaiveDate, SecondsFormat, Utc};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::borrow::Borrow;
use std::collections::{HashMap, HashSet};
use std::io;

use crate::business_time::BusinessCalendar;
use crate::ir::words::{amount_text, duration_text, percent_text, tier_bounds_text};
use crate::ir::{
    Agreement, Amount, Commitment, CreditPolicy, Dec, Duration, MaintenanceWindow, Measurement, Objective,
    Service,
};
pub use input::{BadRow, DataFile, Outage, Ticket};
pub use level::Level;
pub use render::{burn_chart, chart_name, write_markdown};
use spool::Spool;
pub use spool::Spooled;
pub use windows::{credit_window_mismatch, refusal, Span};

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
    /// The agreement's term does not cover the period (or the window): nothing was promised.
    NotInForce,
    /// The period holds no time the objective measures (a business-hours objective over a
    /// weekend, or a period inside a maintenance window): there is no level to judge.
    NoMeasurement,
    /// The objective is measured from other data (metrics, an outcome's own records).
    NotMeasured,
}

/// How many tickets an objective judged met, breached and still open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub met: usize,
    pub breached: usize,
    pub open: usize,
}

impl Tally {
    fn count(&mut self, verdict: Verdict) {
        match verdict {
            Verdict::Met => self.met += 1,
            Verdict::Breached => self.breached += 1,
            Verdict::Open => self.open += 1,
        }
    }

    pub fn total(&self) -> usize {
        self.met + self.breached + self.open
    }
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

/// A verdict as the spool keeps it: instants in seconds since the epoch, every field present.
#[derive(Serialize, Deserialize)]
struct StoredVerdict<Text> {
    id: Text,
    line: usize,
    site: Option<Text>,
    opened_at: i64,
    answered_at: Option<i64>,
    business_seconds: i64,
    paused_seconds: i64,
    deadline: i64,
    verdict: Verdict,
}

impl spool::Record for TicketVerdict {
    fn write(&self, out: &mut Vec<u8>) -> io::Result<()> {
        let stored = StoredVerdict {
            id: self.id.as_str(),
            line: self.line,
            site: self.site.as_deref(),
            opened_at: self.opened_at.timestamp(),
            answered_at: self.answered_at.map(|t| t.timestamp()),
            business_seconds: self.business_seconds,
            paused_seconds: self.paused_seconds,
            deadline: self.deadline.timestamp(),
            verdict: self.verdict,
        };
        spool::store(&stored, out)
    }

    fn read(bytes: &[u8]) -> io::Result<(Self, &[u8])> {
        let (stored, rest): (StoredVerdict<String>, _) = spool::load(bytes)?;
        let instant = |seconds: i64| {
            DateTime::from_timestamp(seconds, 0)
                .ok_or_else(|| io::Error::other("a spooled instant is out of range"))
        };
        let verdict = TicketVerdict {
            id: stored.id,
            line: stored.line,
            site: stored.site,
            opened_at: instant(stored.opened_at)?,
            answered_at: stored.answered_at.map(instant).transpose()?,
            business_seconds: stored.business_seconds,
            paused_seconds: stored.paused_seconds,
            deadline: instant(stored.deadline)?,
            verdict: stored.verdict,
        };
        Ok((verdict, rest))
    }
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
    #[serde(skip)]
    pub value: Amount,
}

/// The credits an objective owes over every window of the period, where it has several.
#[derive(Debug, Clone, Serialize)]
pub struct CreditTotal {
    pub service: String,
    pub objective: String,
    /// How many of its windows owe a credit.
    pub windows_owing: usize,
    /// The sum, one part per fee or currency (`35% of the monthly fee`).
    pub amount: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ObjectiveResult {
    pub service: String,
    pub service_title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    pub objective: String,
    /// The calendar window judged (the objective's own), where it has one: a report of a
    /// quarter holds a result for each month of a monthly objective.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window: Option<Span>,
    pub target: String,
    pub measured: String,
    pub status: Status,
    /// The level attained, as shown: rounded, but never across the target or a credit tier's
    /// bound (see [`Level::shown`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub achieved_percent: Option<Dec>,
    /// The level attained, exactly: what the verdict and the credit are decided by.
    #[serde(skip)]
    pub level: Option<Level>,
    /// Breached tickets, or 1 for a breached availability target.
    pub breaches: usize,
    #[serde(skip)]
    pub tally: Tally,
    /// Every ticket judged, in the order of the data.
    #[serde(skip_serializing_if = "Spooled::is_empty")]
    pub tickets: Spooled<TicketVerdict>,
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
    /// Whether a window was judged over only the part the period covers (`--partial`).
    pub partial: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub credit_totals: Vec<CreditTotal>,
    /// The rows that could not be used: the outages' first, then the tickets', each in the
    /// order of their file.
    pub bad_rows: Spooled<BadRow>,
}

/// The number of an amount: the percentage of a fee, or the money.
fn amount_value(amount: &Amount) -> Decimal {
    match amount {
        Amount::PercentOfFee { percent, .. } => percent.value(),
        Amount::Money { amount, .. } => amount.value(),
    }
}

/// `amount` times `count`, capped by `cap` where the units agree.
fn scaled(amount: &Amount, count: Decimal, cap: &Option<Amount>) -> (Amount, bool) {
    let value = amount_value;
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
    match cap {
        Some(cap) if same_unit(amount, cap) && value(cap) < total => (with(amount, value(cap)), true),
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

/// Evaluates `agreement` over `period`. Tickets are judged one at a time as they come, so a
/// report over millions of them holds only one block of verdicts per objective in memory (the
/// rest is spooled to a temporary file, see `spool`). `bad_outages` are the outage rows that
/// could not be read; rows naming a service, priority or site the agreement does not have are
/// added to them. The error is a failure of the temporary file.
pub fn evaluate<T: Borrow<Ticket>>(
    agreement: &Agreement,
    tickets: impl IntoIterator<Item = Result<T, BadRow>>,
    outages: &[Outage],
    mut bad_outages: Vec<BadRow>,
    period: &Period,
) -> io::Result<Report> {
    let known = Known::new(agreement);
    let mut usable = Vec::new();
    for outage in outages {
        match known.outage_problem(outage) {
            Some(problem) => bad_outages.push(BadRow {
                file: DataFile::Outages,
                line: outage.line,
                problem,
            }),
            None => usable.push(outage),
        }
    }
    bad_outages.sort_by_key(|b| (b.file, b.line));
    let mut spool = Spool::default();
    let mut bad_rows = Spooled::default();
    for row in &bad_outages {
        spool.push(&mut bad_rows, row)?;
    }

    let mut objectives = Objectives::new(agreement, period);
    let judges = Judges::new(&objectives);
    let mut tickets_read = 0;
    let mut ids = TicketIds::default();
    for row in tickets {
        let ticket = match row {
            Ok(ticket) => ticket,
            Err(bad) => {
                spool.push(&mut bad_rows, &bad)?;
                continue;
            }
        };
        let ticket = ticket.borrow();
        if let Some(problem) = known.ticket_problem(ticket).or_else(|| ids.repeated(ticket)) {
            let bad = BadRow {
                file: DataFile::Tickets,
                line: ticket.line,
                problem,
            };
            spool.push(&mut bad_rows, &bad)?;
            continue;
        }
        tickets_read += 1;
        if ticket.opened_at >= period.from && ticket.opened_at < period.to {
            judges.judge(ticket, period, &mut objectives, &mut spool)?;
        }
    }

    let mut results = Vec::with_capacity(objectives.list.len());
    for (mut result, part) in objectives.results.into_iter().zip(&objectives.list) {
        let policy = part
            .site
            .is_none()
            .then(|| credit_policy(agreement, part.service, part.objective))
            .flatten();
        conclude(&mut result, part, &usable, policy);
        if let Some(policy) = policy {
            credit(policy, &mut result);
        }
        results.push(result);
    }
    penalties(agreement, &mut results);
    let partial = results
        .iter()
        .any(|r| r.window.as_ref().is_some_and(|w| w.partial));
    let credit_totals = credit_totals(&results);
    Ok(Report {
        format_version: 1,
        agreement: agreement.id.clone(),
        title: agreement.title.clone(),
        version: agreement.version.clone(),
        period: period.clone(),
        tickets_read,
        outages_read: usable.len(),
        objectives: results,
        partial,
        credit_totals,
        bad_rows,
    })
}

/// The ticket ids seen so far, each with the line it was first seen on: a ticket exported
/// twice is judged once, by its first row. Ids are kept as 128-bit SipHash values, so that
/// memory grows by a few dozen bytes a ticket rather than by its id; among millions of ids
/// the odds of two different ones sharing a value are below 10^-26.
#[derive(Default)]
struct TicketIds {
    first_lines: HashMap<u128, usize>,
}

impl TicketIds {
    /// Why `ticket` cannot be used because its id was seen before, if it was.
    fn repeated(&mut self, ticket: &Ticket) -> Option<String> {
        use siphasher::sip128::{Hasher128, SipHasher13};
        use std::hash::Hasher;
        let mut hasher = SipHasher13::new();
        hasher.write(ticket.id.as_bytes());
        let first = *self
            .first_lines
            .entry(hasher.finish128().as_u128())
            .or_insert(ticket.line);
        (first != ticket.line).then(|| {
            format!(
                "the ticket `{}` is already on line {first}; only that row is judged",
                ticket.id
            )
        })
    }
}

/// The services, priorities and sites of an agreement, for checking the rows of the data.
struct Known<'a> {
    services: HashMap<&'a str, &'a Service>,
    priorities: HashSet<&'a str>,
}

impl<'a> Known<'a> {
    fn new(agreement: &'a Agreement) -> Self {
        Known {
            services: agreement.services.iter().map(|s| (s.id.as_str(), s)).collect(),
            priorities: agreement.priorities.iter().map(|p| p.id.as_str()).collect(),
        }
    }

    fn service(&self, id: &str) -> Result<&'a Service, String> {
        self.services
            .get(id)
            .copied()
            .ok_or_else(|| format!("the agreement has no service `{id}`"))
    }

    fn ticket_problem(&self, ticket: &Ticket) -> Option<String> {
        let service = match self.service(&ticket.service) {
            Ok(service) => service,
            Err(problem) => return Some(problem),
        };
        if !self.priorities.contains(ticket.priority.as_str()) {
            return Some(format!("the agreement has no priority `{}`", ticket.priority));
        }
        unknown_site(service, &ticket.site)
    }

    fn outage_problem(&self, outage: &Outage) -> Option<String> {
        match self.service(&outage.service) {
            Ok(service) => unknown_site(service, &outage.site),
            Err(problem) => Some(problem),
        }
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

/// One objective of the report: the service's own, or a site's override of it.
struct Part<'a> {
    service: &'a Service,
    site: Option<&'a str>,
    objective: &'a Objective,
    clock: Clock,
    /// The calendar window judged, if the objective has one.
    window: Option<Span>,
    /// What is judged: the window as far as the period and the agreement's term cover it, or
    /// the whole period as far as the term does; empty (`from == to`) when the term does not.
    from: DateTime<Utc>,
    to: DateTime<Utc>,
}

/// The agreement's term as instants, `[effective, day after end)` in UTC (the last day of a
/// term is part of it).
fn term(agreement: &Agreement) -> (DateTime<Utc>, DateTime<Utc>) {
    let from = midnight(agreement.term.effective);
    let to = agreement
        .term
        .end
        .and_then(|end| end.checked_add_days(Days::new(1)))
        .map_or(DateTime::<Utc>::MAX_UTC, midnight);
    (from, to)
}

impl Part<'_> {
    /// Whether `at` falls in what this part judges (a ticket counts in the window it opened in).
    fn covers(&self, at: DateTime<Utc>) -> bool {
        self.from <= at && at < self.to
    }
}

/// Every objective the report states, in the agreement's order, with its result so far.
struct Objectives<'a> {
    list: Vec<Part<'a>>,
    results: Vec<ObjectiveResult>,
}

impl<'a> Objectives<'a> {
    fn new(agreement: &'a Agreement, period: &Period) -> Self {
        let (term_from, term_to) = term(agreement);
        let mut list = Vec::new();
        for service in &agreement.services {
            let own = service.objectives.iter().map(|objective| (None, objective));
            let overrides = service.sites.iter().flat_map(|site| {
                site.objectives
                    .iter()
                    .filter(|o| site.overridden.contains(&o.id))
                    .map(|objective| (Some(site.id.as_str()), objective))
            });
            for (site, objective) in own.chain(overrides) {
                let part = |window: Option<Span>| {
                    let (from, to) = window
                        .as_ref()
                        .map_or((period.from, period.to), |w| (w.from, w.to));
                    let from = from.max(term_from);
                    let to = to.min(term_to).max(from);
                    Part {
                        service,
                        site,
                        objective,
                        clock: Clock::new(agreement, service, objective),
                        window,
                        from,
                        to,
                    }
                };
                match windows::spans(objective.window.as_ref(), period) {
                    Some(spans) => list.extend(spans.into_iter().map(|span| part(Some(span)))),
                    None => list.push(part(None)),
                }
            }
        }
        let results = list.iter().map(ObjectiveResult::stated).collect();
        Objectives { list, results }
    }
}

/// The ticket objectives (response and resolution) by service and priority.
struct Judges<'a> {
    by_priority: HashMap<(&'a str, &'a str), Vec<usize>>,
}

impl<'a> Judges<'a> {
    fn new(objectives: &Objectives<'a>) -> Self {
        let mut by_priority: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
        for (index, part) in objectives.list.iter().enumerate() {
            if let Commitment::Response { priority, .. } | Commitment::Resolution { priority, .. } =
                &part.objective.commitment
            {
                by_priority
                    .entry((part.service.id.as_str(), priority.as_str()))
                    .or_default()
                    .push(index);
            }
        }
        Judges { by_priority }
    }

    /// Judges `ticket` by every objective it counts for, and keeps the verdicts.
    fn judge(
        &self,
        ticket: &Ticket,
        period: &Period,
        objectives: &mut Objectives,
        spool: &mut Spool,
    ) -> io::Result<()> {
        let key = (ticket.service.as_str(), ticket.priority.as_str());
        for &index in self.by_priority.get(&key).into_iter().flatten() {
            let part = &objectives.list[index];
            if !part.covers(ticket.opened_at)
                || !counts_for(part.service, part.objective, part.site, ticket.site.as_deref())
            {
                continue;
            }
            let (Commitment::Response { within, .. } | Commitment::Resolution { within, .. }) =
                &part.objective.commitment
            else {
                continue;
            };
            let response = matches!(part.objective.commitment, Commitment::Response { .. });
            if let Some(verdict) = judge(ticket, within, response, &part.clock, period) {
                let result = &mut objectives.results[index];
                result.tally.count(verdict.verdict);
                spool.push(&mut result.tickets, &verdict)?;
            }
        }
        Ok(())
    }
}

impl ObjectiveResult {
    /// What the objective states, before any data is judged.
    fn stated(part: &Part) -> Self {
        let (target, note) = match &part.objective.commitment {
            Commitment::Response {
                within,
                attainment_percent,
                ..
            }
            | Commitment::Resolution {
                within,
                attainment_percent,
                ..
            } => {
                let response = matches!(part.objective.commitment, Commitment::Response { .. });
                let target = format!(
                    "{} within {} for {} of tickets",
                    if response { "response" } else { "resolution" },
                    duration_text(within),
                    percent_text(attainment_percent.value())
                );
                (target, None)
            }
            Commitment::Availability { target_percent } => (percent_text(target_percent.value()), None),
            Commitment::Latency { .. } | Commitment::ErrorRate { .. } | Commitment::Throughput { .. } => (
                String::new(),
                Some(
                    "measured from metrics: see the Prometheus rules (`slac build --emit prometheus`)".into(),
                ),
            ),
            Commitment::Outcome {
                title,
                target_percent,
            } => (
                format!("{title}: {}", percent_text(target_percent.value())),
                Some(match &part.objective.measured_by {
                    Some(how) => format!("measured by: {how}"),
                    None => "measured from the outcome's own records".into(),
                }),
            ),
        };
        ObjectiveResult {
            service: part.service.id.clone(),
            service_title: part
                .service
                .title
                .clone()
                .unwrap_or_else(|| part.service.id.clone()),
            site: part.site.map(str::to_string),
            objective: part.objective.id.clone(),
            window: part.window.clone(),
            target,
            measured: part.clock.description.clone(),
            status: Status::NotMeasured,
            achieved_percent: None,
            level: None,
            breaches: 0,
            tally: Tally::default(),
            tickets: Spooled::default(),
            availability: None,
            early_warning: None,
            credit: None,
            penalty: None,
            note,
        }
    }
}

/// The verdict of an objective once all the data is in: from the tickets' tally, or from the
/// outages. The level is shown so that it reads on the same side of the target and of the
/// credit tiers' bounds as it is.
fn conclude(result: &mut ObjectiveResult, part: &Part, outages: &[&Outage], policy: Option<&CreditPolicy>) {
    if part.from >= part.to {
        result.status = Status::NotInForce;
        result.note = Some("the agreement is not in force in this period".into());
        return;
    }
    let target = match &part.objective.commitment {
        Commitment::Response {
            attainment_percent, ..
        }
        | Commitment::Resolution {
            attainment_percent, ..
        } => attainment_percent.value(),
        Commitment::Availability { target_percent } => target_percent.value(),
        Commitment::Latency { .. }
        | Commitment::ErrorRate { .. }
        | Commitment::Throughput { .. }
        | Commitment::Outcome { .. } => return,
    };
    let level = if let Commitment::Availability { .. } = &part.objective.commitment {
        let availability = availability(part, outages, target);
        let level = Level::of(
            count(availability.measured_seconds - availability.downtime_seconds),
            count(availability.measured_seconds),
        );
        if let (Some(warn), Some(_)) = (part.objective.warn_at_budget_spent_percent, level) {
            result.early_warning = Some(EarlyWarning {
                threshold_percent: warn,
                reached: budget_spent_at_least(&availability, target, warn.value()),
            });
        }
        result.availability = Some(availability);
        if level.is_none() {
            result.status = Status::NoMeasurement;
            result.note = Some("the period holds no time that this objective measures".into());
        }
        level
    } else {
        let Tally { met, breached, .. } = result.tally;
        result.breaches = breached;
        let level = Level::of(count(met), count(met + breached));
        if level.is_none() {
            result.status = Status::NoData;
            result.note = Some("no ticket of this priority was due in the period".into());
        }
        level
    };
    let Some(level) = level else {
        return;
    };
    let mut boundaries = vec![target];
    for tier in policy.into_iter().flat_map(|p| &p.tiers) {
        boundaries.push(tier.upper().percent.value());
        boundaries.extend(tier.lower().map(|bound| bound.percent.value()));
    }
    result.level = Some(level);
    result.achieved_percent = Some(Dec(level.shown(&boundaries)));
    result.status = if level.at_least(target) {
        Status::Met
    } else {
        Status::Breached
    };
    if result.availability.is_some() {
        result.breaches = usize::from(result.status == Status::Breached);
    }
}

/// Whether the downtime has spent at least `warn` percent of the error budget that `target`
/// leaves, exactly: downtime / (measured × (100 − target) / 100) ≥ warn / 100, multiplied out.
fn budget_spent_at_least(availability: &Availability, target: Decimal, warn: Decimal) -> bool {
    let downtime = Decimal::from(availability.downtime_seconds);
    let allowed = Decimal::from(availability.measured_seconds) * (Decimal::ONE_HUNDRED - target);
    if allowed <= Decimal::ZERO {
        return availability.downtime_seconds > 0 || warn <= Decimal::ZERO;
    }
    match (
        downtime.checked_mul(Decimal::from(10_000)),
        warn.checked_mul(allowed),
    ) {
        (Some(spent), Some(warned)) => spent >= warned,
        // Beyond 28 digits (more than a million years of seconds): the rounded share.
        _ => availability.budget_spent_percent.value() >= warn,
    }
}

/// A count of seconds or tickets, as a level takes it (none below zero).
fn count(n: impl TryInto<u64>) -> u64 {
    n.try_into().unwrap_or(0)
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

fn availability(part: &Part, outages: &[&Outage], target: Decimal) -> Availability {
    let clock = &part.clock;
    let (from, to) = (part.from, part.to);
    let measured = clock.counted(from, to);
    let mut relevant: Vec<&Outage> = outages
        .iter()
        .copied()
        .filter(|o| {
            o.service == part.service.id
                && o.end > from
                && o.start < to
                && counts_for(part.service, part.objective, part.site, o.site.as_deref())
        })
        .collect();
    relevant.sort_by_key(|o| (o.start, o.end, o.line));
    let budget = Decimal::from(measured) * (Decimal::ONE_HUNDRED - target) / Decimal::ONE_HUNDRED;
    let mut counted_until = from;
    let mut downtime = 0;
    let mut counts = Vec::new();
    let mut burn = vec![(from, Decimal::ZERO)];
    let mut spent_so_far = Decimal::ZERO;
    for outage in relevant {
        // Overlapping outages are counted once: each from where the last one ended.
        let start = outage.start.max(counted_until).max(from);
        let end = outage.end.min(to);
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

/// The credit policy of an objective, if it has one.
fn credit_policy<'a>(
    agreement: &'a Agreement,
    service: &Service,
    objective: &Objective,
) -> Option<&'a CreditPolicy> {
    agreement
        .credit_policies
        .iter()
        .find(|p| p.objective.service == service.id && p.objective.objective == objective.id)
}

/// The credit owed, by the tier the exact level falls in.
fn credit(policy: &CreditPolicy, result: &mut ObjectiveResult) {
    let Some(level) = result.level else {
        return;
    };
    let tier = policy
        .tiers
        .iter()
        .find(|t| t.covers(|percent| level.cmp_percent(percent)));
    if let Some(tier) = tier {
        let (amount, capped) = scaled(&tier.credit, Decimal::ONE, &policy.cap);
        if let Some(minimum) = policy.minimum.as_ref().filter(|m| same_unit(m, &amount)) {
            if amount_value(&amount) < amount_value(minimum) {
                result.note = Some(format!(
                    "the tier `{}` owes {}, under the minimum credit of {}: nothing is issued",
                    tier_bounds_text(tier),
                    amount_text(&amount),
                    amount_text(minimum)
                ));
                return;
            }
        }
        result.credit = Some(Owed {
            reason: tier_bounds_text(tier),
            amount: amount_text(&amount),
            capped,
            value: amount,
        });
    }
}

/// The credits of each objective judged over several windows, summed per fee or currency.
fn credit_totals(results: &[ObjectiveResult]) -> Vec<CreditTotal> {
    let mut totals: Vec<CreditTotal> = Vec::new();
    let mut objectives: Vec<(&str, &str)> = Vec::new();
    for result in results.iter().filter(|r| r.window.is_some() && r.site.is_none()) {
        let key = (result.service.as_str(), result.objective.as_str());
        if !objectives.contains(&key) {
            objectives.push(key);
        }
    }
    for (service, objective) in objectives {
        let windows: Vec<&ObjectiveResult> = results
            .iter()
            .filter(|r| r.site.is_none() && r.service == service && r.objective == objective)
            .collect();
        let owed: Vec<&Amount> = windows
            .iter()
            .filter_map(|r| r.credit.as_ref())
            .map(|c| &c.value)
            .collect();
        if windows.len() < 2 || owed.is_empty() {
            continue;
        }
        let mut sums: Vec<Amount> = Vec::new();
        for amount in owed.iter().copied() {
            match sums.iter_mut().find(|sum| same_unit(sum, amount)) {
                Some(sum) => add_to(sum, amount),
                None => sums.push(amount.clone()),
            }
        }
        totals.push(CreditTotal {
            service: service.to_string(),
            objective: objective.to_string(),
            windows_owing: owed.len(),
            amount: sums.iter().map(amount_text).collect::<Vec<_>>().join(" + "),
        });
    }
    totals
}

fn same_unit(a: &Amount, b: &Amount) -> bool {
    match (a, b) {
        (Amount::PercentOfFee { fee: a, .. }, Amount::PercentOfFee { fee: b, .. }) => a == b,
        (Amount::Money { currency: a, .. }, Amount::Money { currency: b, .. }) => a == b,
        _ => false,
    }
}

/// Adds `amount` to `sum`, of the same unit.
fn add_to(sum: &mut Amount, amount: &Amount) {
    match (sum, amount) {
        (Amount::PercentOfFee { percent, .. }, Amount::PercentOfFee { percent: more, .. }) => {
            *percent = Dec(percent.value() + more.value());
        }
        (Amount::Money { amount, .. }, Amount::Money { amount: more, .. }) => {
            *amount = Dec(amount.value() + more.value());
        }
        _ => {}
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
                value: amount,
            });
        }
    }
}

/// Writes the JSON form of a report.
pub fn write_json(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    out.write_all(b"\n")
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
