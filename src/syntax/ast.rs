//! The owned syntax tree of one `.sla` file: what was written, where, with no meaning checked.
//!
//! Every node carries the byte span it came from, so later stages can point at it.

use crate::diagnostics::{Diagnostic, Span};
use crate::source::FileId;

/// A value with the span it was written at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Self { value, span }
    }
}

pub type Ident = Spanned<String>;
/// A quoted text after escapes and line folding.
pub type Text = Spanned<String>;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct File {
    pub imports: Vec<Import>,
    pub agreements: Vec<Agreement>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Import {
    pub path: Text,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Agreement {
    pub id: Ident,
    pub title: Text,
    /// The header `agreement ID "TITLE"`, where "missing item" errors point.
    pub header: Span,
    pub items: Vec<AgreementItem>,
    /// Services, credit policies and penalties left out of `items`, in a large file: see
    /// [`Deferred`]. Empty when the file was parsed whole.
    pub deferred: Deferred,
}

/// The pieces of a large agreement's body whose services, credit policies and penalties the
/// tree does not keep (every other item of a piece is in `items`). They were parsed, and any
/// syntax error reported, with the rest of the file; analysis asks a [`ReadDeferred`] for
/// each piece's items as it reaches them, lowers its services and drops them, and has each
/// credit policy and penalty built only when it lowers it, so that the whole tree of a large
/// agreement is never held (as a script engine pre-parses a function body and parses it
/// fully only when it runs).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Deferred {
    /// Byte ranges of the file, in the order of the text; each ends between two items.
    pub pieces: Vec<Span>,
    /// How many services the pieces hold, so that their list is sized at once.
    pub services: usize,
}

/// One piece of [`Deferred`], read again.
#[derive(Debug, Default)]
pub struct ReadAgain {
    /// Its services (`AgreementItem::Service`), in the order of the text.
    pub services: Vec<AgreementItem>,
    /// Where its credit policies are written, in the order of the text, for
    /// [`ReadDeferred::remedy`] to build each when analysis lowers it. Analysis lowers them
    /// after every service, and their trees, held until then, took more room than the text.
    pub credits: Vec<Span>,
    /// Where its penalties are written, as `credits`.
    pub penalties: Vec<Span>,
    /// The diagnostics of building the services (bad escapes), which the first parse did not
    /// give.
    pub diagnostics: Vec<Diagnostic>,
}

/// The items of a large file that its tree leaves in [`Deferred`] pieces, handed to analysis
/// as it reaches them. The syntax stage implements it (`syntax::Reread`) and the pipeline
/// passes it in, so that analysis works on trees alone and never on text.
pub trait ReadDeferred: Sync {
    /// The piece `piece` of `file` read again; `None` if it does not parse, which cannot happen
    /// to a piece that the first parse gave: it parsed the same text.
    fn piece(&self, file: FileId, piece: Span) -> Option<ReadAgain>;

    /// The credit policy or penalty written at `span` of `file` (from [`ReadAgain::credits`] or
    /// `penalties`), with the diagnostics of building it; `None` if the text there is not one.
    fn remedy(&self, file: FileId, span: Span) -> Option<(AgreementItem, Vec<Diagnostic>)>;
}

impl AgreementItem {
    /// Whether the item is one that a large agreement's tree leaves in its deferred pieces.
    pub fn is_deferred_kind(&self) -> bool {
        matches!(
            self,
            AgreementItem::Service(_) | AgreementItem::Credits(_) | AgreementItem::Penalty(_)
        )
    }
}

/// The larger items are boxed, so that a `kind` line does not take the room of a service.
#[derive(Debug, Clone, PartialEq)]
pub enum AgreementItem {
    Kind(Ident),
    Level(Ident),
    Extends(Ident),
    Supports(Reference),
    Version(Spanned<String>),
    Status(Box<Status>),
    Party(Box<Party>),
    Term(Box<Term>),
    Review(Box<Review>),
    Revision(Text),
    Clause(Box<Clause>),
    Obligation(Box<Obligation>),
    Calendar(Box<Calendar>),
    Priority(Box<Priority>),
    Maintenance(Box<Maintenance>),
    Service(Box<Service>),
    Credits(Box<Credits>),
    Penalty(Box<Penalty>),
    Tier(Box<Tier>),
}

impl AgreementItem {
    /// The span of the whole statement, for "first defined here" labels.
    pub fn span(&self) -> Span {
        match self {
            AgreementItem::Kind(v) | AgreementItem::Level(v) | AgreementItem::Extends(v) => v.span,
            AgreementItem::Supports(r) => r.span,
            AgreementItem::Version(v) => v.span,
            AgreementItem::Status(s) => s.span,
            AgreementItem::Party(p) => p.span,
            AgreementItem::Term(t) => t.span,
            AgreementItem::Review(r) => r.span,
            AgreementItem::Revision(t) => t.span,
            AgreementItem::Clause(c) => c.span,
            AgreementItem::Obligation(o) => o.span,
            AgreementItem::Calendar(c) => c.span,
            AgreementItem::Priority(p) => p.span,
            AgreementItem::Maintenance(m) => m.span,
            AgreementItem::Service(s) => s.span,
            AgreementItem::Credits(c) => c.span,
            AgreementItem::Penalty(p) => p.span,
            AgreementItem::Tier(t) => t.span,
        }
    }
}

/// A dotted name such as `hosting.availability` or `acme-sla.hosting`.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    pub parts: Vec<String>,
    pub span: Span,
}

impl Reference {
    pub fn dotted(&self) -> String {
        self.parts.join(".")
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    pub state: Ident,
    pub date: Option<Spanned<String>>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartyRole {
    Provider,
    Customer,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Party {
    pub role: PartyRole,
    pub name: Text,
    pub contacts: Vec<Contact>,
    pub signatories: Vec<Signatory>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Contact {
    pub name: Text,
    pub email: Option<Spanned<String>>,
    pub role: Option<Text>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Signatory {
    pub name: Text,
    pub title: Option<Text>,
    pub signed: Option<Spanned<String>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    pub effective: Spanned<String>,
    /// `None` for an open-ended term.
    pub end: Option<Spanned<String>>,
    pub notice: Option<Quantity>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Review {
    pub every: Quantity,
    /// `last reviewed DATE`
    pub last: Option<Spanned<String>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Clause {
    pub id: Ident,
    pub text: Text,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Obligation {
    pub party: PartyRole,
    pub text: Text,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Calendar {
    pub id: Ident,
    pub title: Option<Text>,
    pub timezones: Vec<Spanned<String>>,
    pub always_open: Vec<Span>,
    pub hours: Vec<WeeklyHours>,
    pub holidays: Vec<Holiday>,
    pub span: Span,
}

/// `mon-fri 08:00-12:00, 13:00-17:00`
#[derive(Debug, Clone, PartialEq)]
pub struct WeeklyHours {
    pub days: Vec<DayRange>,
    pub intervals: Vec<Interval>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum DayRange {
    /// A single day or a range such as `mon-fri`, as weekday numbers from Monday = 0.
    Days {
        first: u8,
        last: u8,
        span: Span,
    },
    Daily(Span),
    Weekdays(Span),
    Weekends(Span),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Interval {
    pub start: Spanned<String>,
    pub end: Spanned<String>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Holiday {
    pub first: Spanned<String>,
    pub last: Option<Spanned<String>>,
    pub name: Text,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Priority {
    pub id: Ident,
    pub name: Text,
    pub description: Option<Text>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Maintenance {
    pub id: Ident,
    pub title: Option<Text>,
    pub timezones: Vec<Spanned<String>>,
    pub hours: Vec<WeeklyHours>,
    pub notices: Vec<Quantity>,
    pub applies_to: Vec<Ident>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    pub id: Ident,
    pub title: Option<Text>,
    pub descriptions: Vec<Text>,
    pub depends_on: Vec<Reference>,
    pub supports: Vec<Reference>,
    pub objectives: Vec<Objective>,
    pub sites: Vec<Site>,
    pub warnings: Vec<BudgetWarning>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SiteKind {
    Site,
    Region,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    pub kind: SiteKind,
    pub id: Ident,
    pub title: Option<Text>,
    pub locations: Vec<Text>,
    pub objectives: Vec<Objective>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Objective {
    pub kind: ObjectiveKind,
    pub window: Option<Window>,
    pub during: Option<MeasuredDuring>,
    pub indicators: Vec<Indicator>,
    pub measured_by: Vec<Text>,
    pub warnings: Vec<BudgetWarning>,
    /// The keyword that opens the objective, where labels about the objective as a whole point.
    pub keyword: Span,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ObjectiveKind {
    Availability {
        target: Quantity,
    },
    Latency {
        percentile: Spanned<String>,
        threshold: Quantity,
    },
    ErrorRate {
        max: Quantity,
    },
    Throughput {
        min: Quantity,
        noun: Option<Ident>,
        per: RateUnit,
    },
    Response {
        priority: Ident,
        within: Quantity,
        attainment: Option<Box<Quantity>>,
    },
    Resolution {
        priority: Ident,
        within: Quantity,
        attainment: Option<Box<Quantity>>,
    },
    /// Boxed, as the largest kind and one of the rarest, so that every objective's tree is
    /// the size of the others.
    Outcome(Box<Outcome>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub id: Ident,
    pub title: Text,
    /// `None` when the block has no `target` line; the target's own window and calendar are
    /// stored on the objective.
    pub target: Option<Quantity>,
    pub extra_targets: Vec<Span>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateUnit {
    Second,
    Minute,
    Hour,
    Day,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Window {
    CalendarMonth(Span),
    CalendarQuarter(Span),
    CalendarYear(Span),
    /// Boxed: most windows are calendar windows, and an objective's tree is kept small.
    Rolling(Box<Quantity>, Span),
}

impl Window {
    pub fn span(&self) -> Span {
        match self {
            Window::CalendarMonth(s) | Window::CalendarQuarter(s) | Window::CalendarYear(s) => *s,
            Window::Rolling(_, s) => *s,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum MeasuredDuring {
    Calendar(Ident),
    AroundTheClock(Span),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    pub source: Ident,
    pub fields: Vec<(Ident, Text)>,
    pub span: Span,
}

/// `warn when 75% of error budget spent`
#[derive(Debug, Clone, PartialEq)]
pub struct BudgetWarning {
    pub spent: Quantity,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Credits {
    pub objective: Reference,
    pub window: Option<Window>,
    pub tiers: Vec<CreditTier>,
    pub caps: Vec<Amount>,
    /// `minimum AMOUNT`: credits smaller than this are not issued.
    pub minimums: Vec<Amount>,
    pub claims: Vec<Quantity>,
    pub span: Span,
}

/// `from 98.0% below 99.5%: 5% of monthly fee`: a lower bound (`from`, inclusive, or `above`,
/// exclusive) if any, an upper bound (`below`, exclusive, or `to` / `at most`, inclusive).
#[derive(Debug, Clone, PartialEq)]
pub struct CreditTier {
    pub lower: Option<TierBound>,
    pub upper: TierBound,
    pub credit: Amount,
    pub span: Span,
}

/// One bound of a credit tier as written.
#[derive(Debug, Clone, PartialEq)]
pub struct TierBound {
    pub value: Quantity,
    /// Whether a level equal to the bound is in the tier (`from`, `to`, `at most`).
    pub inclusive: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Amount {
    pub value: Quantity,
    pub basis: Option<Spanned<FeeBasis>>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeeBasis {
    Monthly,
    Quarterly,
    Annual,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Penalty {
    pub objective: Reference,
    pub rates: Vec<Amount>,
    pub caps: Vec<Amount>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Tier {
    pub id: Ident,
    pub title: Option<Text>,
    pub prices: Vec<Price>,
    pub services: Vec<TierService>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PricePeriod {
    Month,
    Quarter,
    Year,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Price {
    pub amount: Quantity,
    pub period: PricePeriod,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TierService {
    pub service: Ident,
    pub objectives: Vec<Objective>,
    pub span: Span,
}

/// A number with an optional unit, as written: `99.5%`, `4h`, `2 business days`, `1200 EUR`.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    /// The number's text, exactly as written (parsed to a decimal by semantic analysis).
    pub number: Box<str>,
    pub unit: Unit,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unit {
    None,
    Percent,
    Milliseconds,
    Seconds,
    Minutes,
    Hours,
    Days,
    Weeks,
    Months,
    Years,
    BusinessDays,
    Currency(Box<str>),
}
