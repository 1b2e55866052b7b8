//! The validated intermediate representation: what an agreement means, with inheritance and
//! overrides resolved, durations in seconds, percentages and money as exact decimals and dates
//! in ISO 8601. Every emitter reads this and nothing earlier.

mod decimal;
mod inherited;
mod locations;
pub mod words;

use std::sync::Arc;

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::Serialize;

pub use decimal::Dec;
pub use locations::{key, Key, Location, Locations};

/// Version of the IR's JSON shape; bumped on any incompatible change.
pub const IR_VERSION: u32 = 2;

/// The compiled form of one `.sla` file: the agreements it defines, fully resolved.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(title = "slac intermediate representation")]
pub struct Program {
    /// Version of this document's shape.
    pub ir_version: u32,
    pub agreements: Vec<Agreement>,
    /// The agreements of other files that these extend, directly or not, so that every item
    /// written as inherited is defined in the document. Filled when a file's program is
    /// written (`Checked::document`), empty in analysis.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ancestors: Vec<Agreement>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Agreement {
    pub id: String,
    pub title: String,
    /// The file that defines the agreement, as slac was given it.
    pub source: String,
    pub kind: AgreementKind,
    pub level: Level,
    /// The agreement whose terms this one inherits.
    pub extends: Option<String>,
    /// For an OLA or UC: the agreement it underpins.
    pub supports: Option<String>,
    pub version: String,
    pub status: Status,
    pub provider: Party,
    pub customer: Party,
    pub term: Term,
    /// How often the agreement is reviewed.
    pub review: Option<CalendarPeriod>,
    /// When it was last reviewed (`review every 3 months, last reviewed 2026-04-01`).
    pub last_review: Option<NaiveDate>,
    pub revision_plan: Option<String>,
    #[serde(serialize_with = "inherited::by_reference")]
    #[schemars(with = "Vec<inherited::Listed<Clause, inherited::ById>>")]
    pub clauses: Vec<Clause>,
    pub obligations: Vec<Obligation>,
    #[serde(serialize_with = "inherited::by_reference")]
    #[schemars(with = "Vec<inherited::Listed<Calendar, inherited::ById>>")]
    pub calendars: Vec<Calendar>,
    #[serde(serialize_with = "inherited::by_reference")]
    #[schemars(with = "Vec<inherited::Listed<Priority, inherited::ById>>")]
    pub priorities: Vec<Priority>,
    #[serde(serialize_with = "inherited::by_reference")]
    #[schemars(with = "Vec<inherited::Listed<MaintenanceWindow, inherited::ById>>")]
    pub maintenance_windows: Vec<MaintenanceWindow>,
    #[serde(serialize_with = "inherited::by_reference")]
    #[schemars(with = "Vec<inherited::Listed<Service, inherited::ById>>")]
    pub services: Vec<Service>,
    #[serde(serialize_with = "inherited::by_reference")]
    #[schemars(with = "Vec<inherited::Listed<CreditPolicy, inherited::ByObjective>>")]
    pub credit_policies: Vec<CreditPolicy>,
    #[serde(serialize_with = "inherited::by_reference")]
    #[schemars(with = "Vec<inherited::Listed<Penalty, inherited::ByObjective>>")]
    pub penalties: Vec<Penalty>,
    pub pricing_tiers: Vec<PricingTier>,
}

/// Where an item inherited from a parent agreement came from, and whether it was overridden.
/// Both are agreement ids, rarely set and never changed, so boxed strings: every objective
/// carries an origin.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, JsonSchema)]
pub struct Origin {
    /// Set when the item is taken unchanged from this (ancestor) agreement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inherited_from: Option<Box<str>>,
    /// Set when the item replaces or changes the one of this (ancestor) agreement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overrides: Option<Box<str>>,
}

impl Origin {
    pub fn own() -> Self {
        Self::default()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AgreementKind {
    /// A service level agreement with an external customer.
    Customer,
    /// An operational level agreement between internal teams (OLA).
    Internal,
    /// An underpinning contract with a supplier (UC).
    Underpinning,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Corporate,
    Customer,
    Service,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Lifecycle {
    Draft,
    Review,
    Approved,
    Signed,
    Terminated,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Status {
    pub state: Lifecycle,
    /// The date the agreement entered this state (for `signed`, the signature date).
    pub date: Option<NaiveDate>,
}

#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
pub struct Party {
    pub name: String,
    pub contacts: Vec<Contact>,
    pub signatories: Vec<Signatory>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Contact {
    pub name: String,
    pub email: Option<String>,
    pub role: Option<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Signatory {
    pub name: String,
    pub title: Option<String>,
    pub signed: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Term {
    pub effective: NaiveDate,
    /// `None` for an open-ended term.
    pub end: Option<NaiveDate>,
    /// The notice period for ending the agreement.
    pub notice: Option<CalendarPeriod>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PeriodUnit {
    Days,
    Weeks,
    Months,
    Years,
}

/// A count of calendar days, weeks, months or years: how contracts state notice periods and
/// review cadences (a month is not a fixed number of seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
pub struct CalendarPeriod {
    pub count: u32,
    pub unit: PeriodUnit,
}

impl std::fmt::Display for CalendarPeriod {
    /// `3 months`, `1 year`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let unit = match (self.unit, self.count == 1) {
            (PeriodUnit::Days, true) => "day",
            (PeriodUnit::Days, false) => "days",
            (PeriodUnit::Weeks, true) => "week",
            (PeriodUnit::Weeks, false) => "weeks",
            (PeriodUnit::Months, true) => "month",
            (PeriodUnit::Months, false) => "months",
            (PeriodUnit::Years, true) => "year",
            (PeriodUnit::Years, false) => "years",
        };
        write!(f, "{} {unit}", self.count)
    }
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Clause {
    pub id: String,
    pub text: String,
    #[serde(flatten)]
    pub origin: Origin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PartyRole {
    Provider,
    Customer,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Obligation {
    pub party: PartyRole,
    pub text: String,
    #[serde(flatten)]
    pub origin: Origin,
}

/// A duration: exact seconds, or a count of business days on a calendar.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Duration {
    Seconds(Dec),
    /// Days on which the objective's calendar is open.
    BusinessDays(u32),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl Weekday {
    pub const ALL: [Weekday; 7] = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];
}

/// Local opening hours, `HH:MM` to `HH:MM` (the end may be `24:00`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ClockInterval {
    pub start: String,
    pub end: String,
    /// Minutes after local midnight, for consumers that compute.
    pub start_minute: u32,
    pub end_minute: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct DayHours {
    pub day: Weekday,
    /// Sorted, non-overlapping.
    pub intervals: Vec<ClockInterval>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Holiday {
    pub first: NaiveDate,
    /// Equal to `first` for a one-day holiday.
    pub last: NaiveDate,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Calendar {
    pub id: String,
    pub title: Option<String>,
    /// An IANA time zone.
    pub timezone: String,
    /// True for `24x7`; `weekly_hours` then lists every day as 00:00-24:00.
    pub always_open: bool,
    /// Only the days with opening hours, Monday first.
    pub weekly_hours: Vec<DayHours>,
    pub weekly_open_seconds: u32,
    pub holidays: Vec<Holiday>,
    #[serde(flatten)]
    pub origin: Origin,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Priority {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    #[serde(flatten)]
    pub origin: Origin,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct MaintenanceWindow {
    pub id: String,
    pub title: Option<String>,
    pub timezone: String,
    pub weekly_hours: Vec<DayHours>,
    /// How far ahead the maintenance is announced.
    pub notice: Option<Duration>,
    /// The services it applies to (every service of the agreement unless `applies to` says).
    pub applies_to: Vec<String>,
    #[serde(flatten)]
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ServiceRef {
    pub agreement: String,
    pub service: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Service {
    pub id: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub depends_on: Vec<ServiceRef>,
    /// For a service of an OLA or UC: the customer-facing service it underpins.
    pub supports: Option<ServiceRef>,
    #[serde(serialize_with = "inherited::by_reference")]
    #[schemars(with = "Vec<inherited::Listed<Objective, inherited::ById>>")]
    pub objectives: Vec<Arc<Objective>>,
    pub sites: Vec<Site>,
    #[serde(flatten)]
    pub origin: Origin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SiteKind {
    Site,
    Region,
}

/// A site or region: its effective objectives are the service's, with its overrides applied.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Site {
    pub id: String,
    pub kind: SiteKind,
    pub title: Option<String>,
    pub locations: Vec<String>,
    /// Every objective of the service as it applies at this site: shared with the service
    /// where the site does not change it, so a site costs only what it overrides.
    pub objectives: Vec<Arc<Objective>>,
    /// The ids of the objectives this site changes.
    pub overridden: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RateUnit {
    Second,
    Minute,
    Hour,
    Day,
}

/// What an objective promises.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Commitment {
    /// The share of time the service is up.
    Availability { target_percent: Dec },
    /// `percentile` percent of requests complete within `threshold_seconds`.
    Latency { percentile: Dec, threshold_seconds: Dec },
    /// At most `max_percent` of requests fail.
    ErrorRate { max_percent: Dec },
    /// At least `minimum` units of work per `per`.
    Throughput {
        minimum: Dec,
        unit: Option<String>,
        per: RateUnit,
    },
    /// First response to a ticket of `priority` within `within`, for `attainment_percent` of
    /// tickets (100 when the spec gives no share).
    Response {
        priority: String,
        within: Duration,
        attainment_percent: Dec,
    },
    Resolution {
        priority: String,
        within: Duration,
        attainment_percent: Dec,
    },
    /// A result stated in the customer's terms.
    Outcome { title: String, target_percent: Dec },
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Window {
    CalendarMonth,
    CalendarQuarter,
    CalendarYear,
    Rolling { seconds: Dec },
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Measurement {
    AroundTheClock,
    /// Only the open hours of the calendar count.
    BusinessHours {
        calendar: String,
    },
}

/// One window's length and the downtime the target allows in it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, JsonSchema)]
pub struct BudgetWindow {
    /// Seconds of measured time in the window (open hours only, for business-hours objectives).
    pub window_seconds: Dec,
    pub allowed_seconds: Dec,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, JsonSchema)]
pub struct ErrorBudget {
    /// The share of the window (or of events) that may miss the target: 100 - target.
    pub allowed_percent: Dec,
    /// For availability: the allowed downtime in the shortest and the longest window (a
    /// calendar month is 28 to 31 days; business-hours windows are counted over the term).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shortest_window: Option<Box<BudgetWindow>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub longest_window: Option<Box<BudgetWindow>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, JsonSchema)]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum Indicator {
    /// Counters of good (or bad) events and of all events.
    PrometheusRatio {
        /// A PromQL selector of good events; exactly one of `good` and `bad` is set.
        good: Option<String>,
        bad: Option<String>,
        total: String,
    },
    /// A latency histogram: the threshold is the objective's.
    PrometheusHistogram { metric: String, matchers: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, JsonSchema)]
pub struct Objective {
    /// `availability`, `latency.p99`, `error-rate`, `throughput`, `response.P1`,
    /// `resolution.P1`, or an outcome's own id.
    pub id: String,
    pub commitment: Commitment,
    pub window: Option<Window>,
    pub measured: Measurement,
    /// Boxed, with `measured_by` a boxed string: an objective is the IR's most numerous item.
    pub error_budget: Option<Box<ErrorBudget>>,
    /// Early warning: alert when this share of the error budget is spent.
    pub warn_at_budget_spent_percent: Option<Dec>,
    pub indicator: Option<Box<Indicator>>,
    /// How the objective is measured, in words.
    pub measured_by: Option<Box<str>>,
    #[serde(flatten)]
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct ObjectiveRef {
    pub service: String,
    pub objective: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FeeBasis {
    Monthly,
    Quarterly,
    Annual,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Amount {
    PercentOfFee { percent: Dec, fee: FeeBasis },
    Money { amount: Dec, currency: String },
}

/// Owed when the measured level is within the tier's bounds. The lower bound, if any, is
/// `at_least_percent` (inclusive, `from`) or `above_percent` (exclusive, `above`); the upper
/// bound is `below_percent` (exclusive, `below`) or `at_most_percent` (inclusive, `to` or
/// `at most`). Build one with [`CreditTier::new`] and read its bounds with `lower`/`upper`.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct CreditTier {
    pub at_least_percent: Option<Dec>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub above_percent: Option<Dec>,
    pub below_percent: Option<Dec>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at_most_percent: Option<Dec>,
    pub credit: Amount,
}

/// One bound of a credit tier: a percentage, and whether a level equal to it is in the tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TierBound {
    pub percent: Dec,
    pub inclusive: bool,
}

impl CreditTier {
    pub fn new(lower: Option<TierBound>, upper: TierBound, credit: Amount) -> CreditTier {
        let pick = |bound: Option<TierBound>, inclusive: bool| {
            bound.filter(|b| b.inclusive == inclusive).map(|b| b.percent)
        };
        CreditTier {
            at_least_percent: pick(lower, true),
            above_percent: pick(lower, false),
            below_percent: pick(Some(upper), false),
            at_most_percent: pick(Some(upper), true),
            credit,
        }
    }

    pub fn lower(&self) -> Option<TierBound> {
        let bound = |percent: Dec, inclusive| TierBound { percent, inclusive };
        self.at_least_percent
            .map(|p| bound(p, true))
            .or(self.above_percent.map(|p| bound(p, false)))
    }

    pub fn upper(&self) -> TierBound {
        match (self.below_percent, self.at_most_percent) {
            (_, Some(percent)) => TierBound {
                percent,
                inclusive: true,
            },
            (Some(percent), None) => TierBound {
                percent,
                inclusive: false,
            },
            (None, None) => TierBound {
                percent: Dec(rust_decimal::Decimal::ZERO),
                inclusive: false,
            },
        }
    }

    /// Whether a level falls in the tier, given how it compares with a percentage (`level`
    /// returns the level's order against it): exact for any representation of the level.
    pub fn covers(&self, level: impl Fn(rust_decimal::Decimal) -> std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::{Equal, Greater, Less};
        let upper = self.upper();
        let under = match level(upper.percent.value()) {
            Less => true,
            Equal => upper.inclusive,
            Greater => false,
        };
        under
            && self
                .lower()
                .is_none_or(|lower| match level(lower.percent.value()) {
                    Greater => true,
                    Equal => lower.inclusive,
                    Less => false,
                })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct CreditPolicy {
    pub objective: ObjectiveRef,
    pub window: Option<Window>,
    /// From the highest service level down.
    pub tiers: Vec<CreditTier>,
    pub cap: Option<Amount>,
    /// Credits smaller than this are not issued (`minimum`), where the spec says so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimum: Option<Amount>,
    /// How long after the window the customer may claim the credit.
    pub claim_within: Option<CalendarPeriod>,
    #[serde(flatten)]
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Penalty {
    pub objective: ObjectiveRef,
    pub per_breach: Amount,
    pub cap: Option<Amount>,
    #[serde(flatten)]
    pub origin: Origin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PricePeriod {
    Month,
    Quarter,
    Year,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Money {
    pub amount: Dec,
    pub currency: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct TierService {
    pub service: String,
    /// Every objective of the service as it applies in this tier (shared as a site's are).
    pub objectives: Vec<Arc<Objective>>,
    pub overridden: Vec<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct PricingTier {
    pub id: String,
    pub title: Option<String>,
    pub price: Option<Money>,
    pub period: PricePeriod,
    pub services: Vec<TierService>,
}

/// The JSON Schema of `Program`, as `slac schema` prints it.
pub fn json_schema() -> serde_json::Value {
    let schema = schemars::schema_for!(Program);
    serde_json::to_value(&schema).unwrap_or_default()
}
