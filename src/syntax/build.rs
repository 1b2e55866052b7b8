//! Converts pest pairs into the owned AST at once (pairs borrow the input and are not `Send`).
//!
//! The grammar guarantees the shape of each pair, so missing children only arise from a
//! grammar change; they fall back to empty values rather than panicking. The pairs come from
//! the tree grammar (`grammar/sla-tree.pest`), in which choices such as `service_item` and the
//! punctuation are silent: a statement's pair sits directly in its block's.

use pest::iterators::Pair;

use super::ast::*;
use super::tree::Rule;
use crate::diagnostics::{Code, Diagnostic, Span};
use crate::source::FileId;

struct Builder {
    file: FileId,
    diagnostics: Vec<Diagnostic>,
    /// Where the parsed text starts in the file: pairs count from the start of what was parsed,
    /// spans from the start of the file.
    offset: usize,
    /// Whether the parsed text runs to the end of the file.
    ends_file: bool,
}

impl Builder {
    fn new(file: FileId, offset: usize, ends_file: bool) -> Self {
        Self {
            file,
            diagnostics: Vec::new(),
            offset,
            ends_file,
        }
    }
}

/// The syntax tree of a whole file, from the root pair of its parse.
pub(super) fn file(file_id: FileId, root: Pair<'_, Rule>) -> (File, Vec<Diagnostic>) {
    let mut builder = Builder::new(file_id, 0, true);
    let mut file = File::default();
    for pair in root.into_inner() {
        match pair.as_rule() {
            Rule::import => {
                let span = builder.span(&pair);
                let path = builder.first_text(pair);
                file.imports.push(Import { path, span });
            }
            Rule::agreement => file.agreements.push(builder.agreement(pair)),
            _ => {}
        }
    }
    (file, builder.diagnostics)
}

/// The items of a piece of an agreement's body, from the root pair of its parse (the rule
/// `agreement_items`). The piece starts at `offset` in the file and ends before the end of the
/// file, after a statement's closing brace or before the agreement's.
pub(super) fn items(
    file_id: FileId,
    root: Pair<'_, Rule>,
    offset: usize,
) -> (Vec<AgreementItem>, Vec<Diagnostic>) {
    items_where(file_id, root, offset, |_| true)
}

/// `items`, of the statements whose rule `wanted` accepts.
fn items_where(
    file_id: FileId,
    root: Pair<'_, Rule>,
    offset: usize,
    wanted: impl Fn(Rule) -> bool,
) -> (Vec<AgreementItem>, Vec<Diagnostic>) {
    let mut builder = Builder::new(file_id, offset, false);
    let items = root
        .into_inner()
        .filter(|p| wanted(p.as_rule()))
        .filter_map(|p| builder.agreement_item(p))
        .collect();
    (items, builder.diagnostics)
}

/// A piece of an agreement's body, less its services, credit policies and penalties.
pub(super) struct Outline {
    /// The items that are none of the three.
    pub items: Vec<AgreementItem>,
    pub diagnostics: Vec<Diagnostic>,
    /// Each service's id and size, for the limits.
    pub services: Vec<(Ident, super::ServiceSize)>,
    /// Whether the piece holds any of the three.
    pub deferred: bool,
}

/// The items of a piece of an agreement's body, as `items` gives them, less its services,
/// credit policies and penalties, which are not built (`ast::Deferred`).
pub(super) fn items_but_deferred(file_id: FileId, root: Pair<'_, Rule>, offset: usize) -> Outline {
    let mut builder = Builder::new(file_id, offset, false);
    let mut items = Vec::new();
    let mut services = Vec::new();
    let mut deferred = false;
    for p in root.into_inner() {
        match p.as_rule() {
            Rule::service => {
                deferred = true;
                let mut id = None;
                let mut size = super::ServiceSize {
                    objectives: objectives_in(&p),
                    dependencies: 0,
                };
                for c in p.into_inner() {
                    match c.as_rule() {
                        Rule::ident if id.is_none() => id = Some(builder.spanned(&c)),
                        Rule::site => size.objectives += objectives_in(&c),
                        Rule::depends_decl => {
                            size.dependencies +=
                                c.into_inner().filter(|r| r.as_rule() == Rule::reference).count();
                        }
                        _ => {}
                    }
                }
                services.push((id.unwrap_or_default(), size));
            }
            rule if is_deferred(rule) => deferred = true,
            _ => items.extend(builder.agreement_item(p)),
        }
    }
    Outline {
        items,
        diagnostics: builder.diagnostics,
        services,
        deferred,
    }
}

/// The services of a piece, which `items_but_deferred` left out, built, and where its credit
/// policies and penalties are written, for `super::remedy` to build one at a time; its other
/// items are not built again.
pub(super) fn deferred_items(file_id: FileId, root: Pair<'_, Rule>, offset: usize) -> super::ast::ReadAgain {
    let mut builder = Builder::new(file_id, offset, false);
    let mut services = Vec::new();
    let mut credits = Vec::new();
    let mut penalties = Vec::new();
    for p in root.into_inner() {
        let span = Span::new(offset + p.as_span().start(), offset + p.as_span().end());
        match p.as_rule() {
            Rule::service => services.extend(builder.agreement_item(p)),
            Rule::credits => credits.push(span),
            Rule::penalty => penalties.push(span),
            _ => {}
        }
    }
    super::ast::ReadAgain {
        services,
        credits,
        penalties,
        diagnostics: builder.diagnostics,
    }
}

/// The rules of the items a large file's tree leaves in its pieces: the rules of
/// `ast::AgreementItem::is_deferred_kind`.
fn is_deferred(rule: Rule) -> bool {
    matches!(rule, Rule::service | Rule::credits | Rule::penalty)
}

impl Builder {
    /// The span of a pair, ending at its last token: pest's implicit whitespace before an
    /// optional part that is absent would otherwise stretch the span over the following lines.
    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        Span::new(
            self.offset + pair.as_span().start(),
            self.offset + self.token_end(pair),
        )
    }

    /// Where the last token of a pair ends, in the parsed text.
    fn token_end(&self, pair: &Pair<'_, Rule>) -> usize {
        let end = pair.as_span().end();
        // Implicit whitespace ends in whitespace (a comment is followed by its newline, unless it
        // ends the file), so a pair whose last byte is none of these ends at its last token: the
        // common case, answered without walking the children. A piece of an agreement's body
        // never ends in a comment: it ends with a `}`, or before the agreement's `}`, which a
        // comment would have swallowed.
        let input = pair.get_input().as_bytes();
        let last = end.checked_sub(1).and_then(|i| input.get(i));
        let before_the_end = end < input.len() || !self.ends_file;
        if before_the_end && !matches!(last, None | Some(b' ' | b'\t'..=b'\r')) {
            return end;
        }
        // `next_back` reads the last child directly; `last` would walk every child. In the tree
        // grammar a block's `}` is not a token, so the walk must not reach a pair that ends with
        // a block: none does, as every block ends its statement (the statement's last byte is then
        // `}`, answered above), except an agreement that ends the file, of which only the start is
        // used.
        match pair.clone().into_inner().next_back() {
            Some(last) => self.token_end(&last),
            None => end,
        }
    }

    fn spanned(&self, pair: &Pair<'_, Rule>) -> Spanned<String> {
        Spanned::new(pair.as_str().to_string(), self.span(pair))
    }

    fn reference(&self, p: &Pair<'_, Rule>) -> Reference {
        Reference {
            parts: p.as_str().split('.').map(str::to_string).collect(),
            span: self.span(p),
        }
    }

    fn timezone(&self, p: Pair<'_, Rule>) -> Spanned<String> {
        let s = self.span(&p);
        first_of(p, Rule::timezone)
            .map(|t| self.spanned(&t))
            .unwrap_or_else(|| empty_at(s))
    }

    fn measured_during(&self, p: Pair<'_, Rule>) -> MeasuredDuring {
        let s = self.span(&p);
        match first_of(p, Rule::ident) {
            Some(id) => MeasuredDuring::Calendar(self.spanned(&id)),
            None => MeasuredDuring::AroundTheClock(s),
        }
    }

    fn weekly_hours(&self, p: Pair<'_, Rule>) -> WeeklyHours {
        let s = self.span(&p);
        let mut hours = WeeklyHours {
            days: Vec::new(),
            intervals: Vec::new(),
            span: s,
        };
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::day_set => {
                    for range in c.into_inner().filter(|r| r.as_rule() == Rule::day_range) {
                        hours.days.push(self.day_range(range));
                    }
                }
                Rule::interval => {
                    let is = self.span(&c);
                    let mut clocks = c
                        .into_inner()
                        .filter(|k| k.as_rule() == Rule::clock)
                        .map(|k| self.spanned(&k));
                    let start = clocks.next().unwrap_or_else(|| empty_at(is));
                    let end = clocks.next().unwrap_or_else(|| empty_at(is));
                    hours.intervals.push(Interval { start, end, span: is });
                }
                _ => {}
            }
        }
        hours
    }

    fn day_range(&self, p: Pair<'_, Rule>) -> DayRange {
        let s = self.span(&p);
        match p.as_str() {
            "daily" => DayRange::Daily(s),
            "weekdays" => DayRange::Weekdays(s),
            "weekends" => DayRange::Weekends(s),
            _ => {
                let days: Vec<u8> = p
                    .into_inner()
                    .filter(|d| d.as_rule() == Rule::day)
                    .map(|d| weekday_number(d.as_str()))
                    .collect();
                let first = days.first().copied().unwrap_or(0);
                let last = days.get(1).copied().unwrap_or(first);
                DayRange::Days { first, last, span: s }
            }
        }
    }
}

/// Shrinks a list to its length in a file parsed in pieces (one that does not end the parsed
/// text): such a file is large, and its whole tree is held until analysis, while a list's
/// first growth makes room for four and most of these hold one or two. A small file's tree is
/// not worth the reallocation.
fn tighten<T>(list: &mut Vec<T>, ends_file: bool) {
    if !ends_file && list.len() < list.capacity() {
        // A new list of the exact length: `shrink_to_fit` keeps the block when the allocator
        // can (mimalloc keeps any block still at least half used, so four tiers' room for two).
        let mut exact = Vec::with_capacity(list.len());
        exact.append(list);
        *list = exact;
    }
}

/// How many objectives a service or site declares, so that its list is sized at once: an
/// objective's tree is the largest node, and a list grown by doubling holds up to twice the
/// room it needs.
fn objectives_in(block: &Pair<'_, Rule>) -> usize {
    block
        .clone()
        .into_inner()
        .filter(|c| is_objective(c.as_rule()))
        .count()
}

/// The rules of the kinds of objective (`objective` is a silent choice in the tree grammar).
pub(super) fn is_objective(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::availability
            | Rule::latency
            | Rule::error_rate
            | Rule::throughput
            | Rule::response
            | Rule::resolution
            | Rule::outcome
    )
}

fn first_of(pair: Pair<'_, Rule>, rule: Rule) -> Option<Pair<'_, Rule>> {
    pair.into_inner().find(|p| p.as_rule() == rule)
}

fn empty_at(span: Span) -> Spanned<String> {
    Spanned::new(String::new(), Span::new(span.end(), span.end()))
}

impl<T: Default> Default for Spanned<T> {
    fn default() -> Self {
        Spanned::new(T::default(), Span::default())
    }
}

impl Builder {
    fn ident_in(&self, pair: Pair<'_, Rule>) -> Ident {
        let s = self.span(&pair);
        first_of(pair, Rule::ident)
            .map(|p| self.spanned(&p))
            .unwrap_or_else(|| empty_at(s))
    }

    fn first_text(&mut self, pair: Pair<'_, Rule>) -> Text {
        let s = self.span(&pair);
        match first_of(pair, Rule::string) {
            Some(p) => self.text(p),
            None => empty_at(s),
        }
    }

    /// A quoted text: line breaks inside are folded (lines joined by a space, a blank line
    /// starts a new paragraph), then escapes are applied.
    fn text(&mut self, pair: Pair<'_, Rule>) -> Text {
        let whole = self.span(&pair);
        // The token is the whole quoted text; the body lies between the quotes.
        let quoted = pair.as_str();
        let raw = quoted
            .strip_prefix('"')
            .and_then(|rest| rest.strip_suffix('"'))
            .unwrap_or_default();
        let start = whole.start() + 1;
        // Most texts hold no escape and no line break: nothing to fold or unescape.
        if !raw.contains(['\\', '\n', '\r']) {
            return Spanned::new(raw.trim().to_string(), whole);
        }
        let mut out = String::with_capacity(raw.len());
        let mut chars = raw.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some((_, '"')) => out.push('"'),
                    Some((_, '\\')) => out.push('\\'),
                    Some((_, 'n')) => out.push('\n'),
                    Some((_, 't')) => out.push('\t'),
                    Some((j, other)) => {
                        let at = Span::new(start + i, start + j + other.len_utf8());
                        self.diagnostics.push(
                            Diagnostic::error(Code::E104, self.file, at, format!("unknown escape `\\{other}` in a text"))
                                .label("unknown escape")
                                .help("write `\\\\` for a backslash; the escapes are `\\\"`, `\\\\`, `\\n` and `\\t`"),
                        );
                        out.push(other);
                    }
                    None => out.push('\\'),
                },
                '\n' | '\r' => {
                    // Fold the line break and the indentation of the next line.
                    let mut newlines = usize::from(c == '\n');
                    while let Some((_, next)) = chars.peek() {
                        if next.is_whitespace() {
                            newlines += usize::from(*next == '\n');
                            chars.next();
                        } else {
                            break;
                        }
                    }
                    while out.ends_with([' ', '\t']) {
                        out.pop();
                    }
                    out.push_str(if newlines >= 2 { "\n\n" } else { " " });
                }
                _ => out.push(c),
            }
        }
        Spanned::new(out.trim().to_string(), whole)
    }

    fn agreement(&mut self, pair: Pair<'_, Rule>) -> Agreement {
        let mut id = Ident::default();
        let mut title = Text::default();
        let mut header_end = 0;
        let whole = self.span(&pair);
        let mut items = Vec::new();
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::ident => {
                    header_end = self.span(&p).end();
                    id = self.spanned(&p);
                }
                Rule::string => {
                    header_end = self.span(&p).end();
                    title = self.text(p);
                }
                _ => items.extend(self.agreement_item(p)),
            }
        }
        Agreement {
            id,
            title,
            header: Span::new(whole.start(), header_end.max(whole.start())),
            items,
            deferred: Deferred::default(),
        }
    }

    fn agreement_item(&mut self, p: Pair<'_, Rule>) -> Option<AgreementItem> {
        let item = match p.as_rule() {
            Rule::kind_decl => AgreementItem::Kind(self.ident_in(p)),
            Rule::level_decl => AgreementItem::Level(self.ident_in(p)),
            Rule::extends_decl => AgreementItem::Extends(self.ident_in(p)),
            Rule::supports_decl => AgreementItem::Supports(self.reference_in(p)),
            Rule::version_decl => {
                let s = self.span(&p);
                AgreementItem::Version(
                    first_of(p, Rule::version)
                        .map(|v| self.spanned(&v))
                        .unwrap_or_else(|| empty_at(s)),
                )
            }
            Rule::status_decl => {
                let s = self.span(&p);
                let mut state = empty_at(s);
                let mut date = None;
                for c in p.into_inner() {
                    match c.as_rule() {
                        Rule::ident => state = self.spanned(&c),
                        Rule::date => date = Some(self.spanned(&c)),
                        _ => {}
                    }
                }
                AgreementItem::Status(Box::new(Status { state, date, span: s }))
            }
            Rule::party => AgreementItem::Party(Box::new(self.party(p))),
            Rule::term_decl => AgreementItem::Term(Box::new(self.term(p))),
            Rule::review_decl => {
                let s = self.span(&p);
                let last = p
                    .clone()
                    .into_inner()
                    .find(|c| c.as_rule() == Rule::date)
                    .map(|d| self.spanned(&d));
                let every = self.quantity_in(p, Rule::duration);
                AgreementItem::Review(Box::new(Review { every, last, span: s }))
            }
            Rule::revision_decl => AgreementItem::Revision(self.first_text(p)),
            Rule::clause => {
                let s = self.span(&p);
                let mut id = empty_at(s);
                let mut text = empty_at(s);
                for c in p.into_inner() {
                    match c.as_rule() {
                        Rule::ident => id = self.spanned(&c),
                        Rule::string => text = self.text(c),
                        _ => {}
                    }
                }
                AgreementItem::Clause(Box::new(Clause { id, text, span: s }))
            }
            Rule::obligation => {
                let s = self.span(&p);
                let mut party = PartyRole::Provider;
                let mut text = empty_at(s);
                for c in p.into_inner() {
                    match c.as_rule() {
                        Rule::party_role => party = party_role(&c),
                        Rule::string => text = self.text(c),
                        _ => {}
                    }
                }
                AgreementItem::Obligation(Box::new(Obligation { party, text, span: s }))
            }
            Rule::calendar => AgreementItem::Calendar(Box::new(self.calendar(p))),
            Rule::priority => {
                let s = self.span(&p);
                let mut id = empty_at(s);
                let mut strings = Vec::new();
                for c in p.into_inner() {
                    match c.as_rule() {
                        Rule::ident => id = self.spanned(&c),
                        Rule::string => strings.push(self.text(c)),
                        _ => {}
                    }
                }
                let mut strings = strings.into_iter();
                let name = strings.next().unwrap_or_else(|| empty_at(s));
                AgreementItem::Priority(Box::new(Priority {
                    id,
                    name,
                    description: strings.next(),
                    span: s,
                }))
            }
            Rule::maintenance => AgreementItem::Maintenance(Box::new(self.maintenance(p))),
            Rule::service => AgreementItem::Service(Box::new(self.service(p))),
            Rule::credits => AgreementItem::Credits(Box::new(self.credits(p))),
            Rule::penalty => AgreementItem::Penalty(Box::new(self.penalty(p))),
            Rule::tier => AgreementItem::Tier(Box::new(self.tier(p))),
            _ => return None,
        };
        Some(item)
    }

    fn reference_in(&self, p: Pair<'_, Rule>) -> Reference {
        let s = self.span(&p);
        match first_of(p, Rule::reference) {
            Some(r) => self.reference(&r),
            None => Reference {
                parts: Vec::new(),
                span: s,
            },
        }
    }

    fn party(&mut self, p: Pair<'_, Rule>) -> Party {
        let s = self.span(&p);
        let mut party = Party {
            role: PartyRole::Provider,
            name: empty_at(s),
            contacts: Vec::new(),
            signatories: Vec::new(),
            span: s,
        };
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::party_role => party.role = party_role(&c),
                Rule::string => party.name = self.text(c),
                Rule::contact => party.contacts.push(self.contact(c)),
                Rule::signatory => party.signatories.push(self.signatory(c)),
                _ => {}
            }
        }
        party
    }

    fn contact(&mut self, p: Pair<'_, Rule>) -> Contact {
        let s = self.span(&p);
        let mut strings = Vec::new();
        let mut email = None;
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::string => strings.push(self.text(c)),
                Rule::email => {
                    let raw = c.as_str();
                    let inner = raw.get(1..raw.len().saturating_sub(1)).unwrap_or("");
                    email = Some(Spanned::new(inner.to_string(), self.span(&c)));
                }
                _ => {}
            }
        }
        let mut strings = strings.into_iter();
        Contact {
            name: strings.next().unwrap_or_else(|| empty_at(s)),
            email,
            role: strings.next(),
            span: s,
        }
    }

    fn signatory(&mut self, p: Pair<'_, Rule>) -> Signatory {
        let s = self.span(&p);
        let mut strings = Vec::new();
        let mut signed = None;
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::string => strings.push(self.text(c)),
                Rule::date => signed = Some(self.spanned(&c)),
                _ => {}
            }
        }
        let mut strings = strings.into_iter();
        Signatory {
            name: strings.next().unwrap_or_else(|| empty_at(s)),
            title: strings.next(),
            signed,
            span: s,
        }
    }

    fn term(&mut self, p: Pair<'_, Rule>) -> Term {
        let s = self.span(&p);
        let mut term = Term {
            effective: empty_at(s),
            end: None,
            notice: None,
            span: s,
        };
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::date => term.effective = self.spanned(&c),
                Rule::term_end => term.end = first_of(c, Rule::date).map(|d| self.spanned(&d)),
                Rule::duration => term.notice = Some(self.quantity(c)),
                _ => {}
            }
        }
        term
    }

    fn calendar(&mut self, p: Pair<'_, Rule>) -> Calendar {
        let s = self.span(&p);
        let mut calendar = Calendar {
            id: empty_at(s),
            title: None,
            timezones: Vec::new(),
            always_open: Vec::new(),
            hours: Vec::new(),
            holidays: Vec::new(),
            span: s,
        };
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::ident => calendar.id = self.spanned(&c),
                Rule::string => calendar.title = Some(self.text(c)),
                Rule::timezone_decl => calendar.timezones.push(self.timezone(c)),
                Rule::always_open => calendar.always_open.push(self.span(&c)),
                Rule::weekly_hours => calendar.hours.push(self.weekly_hours(c)),
                Rule::holiday => calendar.holidays.push(self.holiday(c)),
                _ => {}
            }
        }
        calendar
    }

    fn holiday(&mut self, p: Pair<'_, Rule>) -> Holiday {
        let s = self.span(&p);
        let mut dates = Vec::new();
        let mut name = empty_at(s);
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::date => dates.push(self.spanned(&c)),
                Rule::string => name = self.text(c),
                _ => {}
            }
        }
        let mut dates = dates.into_iter();
        Holiday {
            first: dates.next().unwrap_or_else(|| empty_at(s)),
            last: dates.next(),
            name,
            span: s,
        }
    }

    fn maintenance(&mut self, p: Pair<'_, Rule>) -> Maintenance {
        let s = self.span(&p);
        let mut window = Maintenance {
            id: empty_at(s),
            title: None,
            timezones: Vec::new(),
            hours: Vec::new(),
            notices: Vec::new(),
            applies_to: Vec::new(),
            span: s,
        };
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::ident => window.id = self.spanned(&c),
                Rule::string => window.title = Some(self.text(c)),
                Rule::timezone_decl => window.timezones.push(self.timezone(c)),
                Rule::weekly_hours => window.hours.push(self.weekly_hours(c)),
                Rule::notice_decl => window.notices.push(self.quantity_in(c, Rule::duration)),
                Rule::applies_decl => window.applies_to.extend(
                    c.into_inner()
                        .filter(|i| i.as_rule() == Rule::ident)
                        .map(|i| self.spanned(&i)),
                ),
                _ => {}
            }
        }
        window
    }

    fn service(&mut self, p: Pair<'_, Rule>) -> Service {
        let s = self.span(&p);
        let mut service = Service {
            id: empty_at(s),
            title: None,
            descriptions: Vec::new(),
            depends_on: Vec::new(),
            supports: Vec::new(),
            objectives: Vec::with_capacity(objectives_in(&p)),
            sites: Vec::new(),
            warnings: Vec::new(),
            span: s,
        };
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::ident => service.id = self.spanned(&c),
                Rule::string => service.title = Some(self.text(c)),
                Rule::description_decl => service.descriptions.push(self.first_text(c)),
                Rule::depends_decl => service.depends_on.extend(
                    c.into_inner()
                        .filter(|r| r.as_rule() == Rule::reference)
                        .map(|r| self.reference(&r)),
                ),
                Rule::supports_decl => service.supports.push(self.reference_in(c)),
                Rule::site => service.sites.push(self.site(c)),
                Rule::warn_decl => service.warnings.push(self.warning(c)),
                _ => service.objectives.extend(self.objective(c)),
            }
        }
        tighten(&mut service.sites, self.ends_file);
        service
    }

    fn site(&mut self, p: Pair<'_, Rule>) -> Site {
        let s = self.span(&p);
        let mut site = Site {
            kind: SiteKind::Site,
            id: empty_at(s),
            title: None,
            locations: Vec::new(),
            objectives: Vec::with_capacity(objectives_in(&p)),
            span: s,
        };
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::site_kind if c.as_str() == "region" => site.kind = SiteKind::Region,
                Rule::ident => site.id = self.spanned(&c),
                Rule::string => site.title = Some(self.text(c)),
                Rule::location_decl => site.locations.push(self.first_text(c)),
                _ => site.objectives.extend(self.objective(c)),
            }
        }
        site
    }

    fn warning(&mut self, p: Pair<'_, Rule>) -> BudgetWarning {
        let s = self.span(&p);
        BudgetWarning {
            spent: self.quantity_in(p, Rule::target),
            span: s,
        }
    }

    /// An objective of a given kind (`availability`, `latency`, ...); `None` for any other
    /// pair, so that a block's pairs can be offered to it after its other statements.
    fn objective(&mut self, inner: Pair<'_, Rule>) -> Option<Objective> {
        let rule = inner.as_rule();
        if !is_objective(rule) {
            return None;
        }
        let s = self.span(&inner);
        let mut objective = Objective {
            kind: ObjectiveKind::ErrorRate {
                max: empty_quantity(s),
            },
            window: None,
            during: None,
            indicators: Vec::new(),
            measured_by: Vec::new(),
            warnings: Vec::new(),
            keyword: s,
            span: s,
        };
        // Each kind of objective has at most one quantity, one name and one title: the first
        // of each is kept.
        let mut quantity = None;
        let mut ident = None;
        let mut title = None;
        let mut percentile = None;
        let mut noun = None;
        let mut per = RateUnit::Second;
        let mut attainment = None;
        let mut outcome_target = None;
        let mut extra_targets = Vec::new();
        let mut children = inner.into_inner().peekable();
        // Every kind of objective starts with its keyword (`availability`, `latency`, ...).
        if let Some(keyword) = children.peek() {
            objective.keyword = self.span(keyword);
        }
        for c in children {
            let c_rule = c.as_rule();
            match c_rule {
                Rule::target | Rule::duration | Rule::count if quantity.is_none() => {
                    quantity = Some(self.quantity(c));
                }
                Rule::ident if ident.is_none() => ident = Some(self.spanned(&c)),
                Rule::string if title.is_none() => title = Some(self.text(c)),
                Rule::percentile => percentile = Some(self.spanned(&c)),
                Rule::noun => noun = Some(self.spanned(&c)),
                Rule::rate_unit => {
                    per = match c.as_str() {
                        "minute" => RateUnit::Minute,
                        "hour" => RateUnit::Hour,
                        "day" => RateUnit::Day,
                        _ => RateUnit::Second,
                    }
                }
                Rule::attainment => attainment = Some(Box::new(self.quantity_in(c, Rule::target))),
                Rule::window => objective.window = Some(self.window(c)),
                Rule::measured_during => objective.during = Some(self.measured_during(c)),
                Rule::indicator => objective.indicators.push(self.indicator(c)),
                Rule::measured_by => objective.measured_by.push(self.first_text(c)),
                Rule::warn_decl => objective.warnings.push(self.warning(c)),
                Rule::outcome_target => {
                    if outcome_target.is_some() {
                        extra_targets.push(self.span(&c));
                        continue;
                    }
                    for t in c.into_inner() {
                        match t.as_rule() {
                            Rule::target => outcome_target = Some(self.quantity(t)),
                            Rule::window => objective.window = Some(self.window(t)),
                            Rule::measured_during => objective.during = Some(self.measured_during(t)),
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        let first_quantity = || quantity.unwrap_or_else(|| empty_quantity(s));
        let first_ident = ident.unwrap_or_else(|| empty_at(s));
        objective.kind = match rule {
            Rule::availability => ObjectiveKind::Availability {
                target: first_quantity(),
            },
            Rule::latency => ObjectiveKind::Latency {
                percentile: percentile.unwrap_or_else(|| empty_at(s)),
                threshold: first_quantity(),
            },
            Rule::error_rate => ObjectiveKind::ErrorRate {
                max: first_quantity(),
            },
            Rule::throughput => ObjectiveKind::Throughput {
                min: first_quantity(),
                noun,
                per,
            },
            Rule::response => ObjectiveKind::Response {
                priority: first_ident,
                within: first_quantity(),
                attainment,
            },
            Rule::resolution => ObjectiveKind::Resolution {
                priority: first_ident,
                within: first_quantity(),
                attainment,
            },
            Rule::outcome => ObjectiveKind::Outcome(Box::new(Outcome {
                id: first_ident,
                title: title.unwrap_or_else(|| empty_at(s)),
                target: outcome_target,
                extra_targets,
            })),
            _ => return None,
        };
        tighten(&mut objective.indicators, self.ends_file);
        tighten(&mut objective.measured_by, self.ends_file);
        tighten(&mut objective.warnings, self.ends_file);
        Some(objective)
    }

    fn indicator(&mut self, p: Pair<'_, Rule>) -> Indicator {
        let s = self.span(&p);
        let mut indicator = Indicator {
            source: empty_at(s),
            fields: Vec::new(),
            span: s,
        };
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::ident => indicator.source = self.spanned(&c),
                Rule::indicator_field => {
                    let mut name = empty_at(self.span(&c));
                    let mut value = empty_at(self.span(&c));
                    for f in c.into_inner() {
                        match f.as_rule() {
                            Rule::ident => name = self.spanned(&f),
                            Rule::string => value = self.text(f),
                            _ => {}
                        }
                    }
                    indicator.fields.push((name, value));
                }
                _ => {}
            }
        }
        indicator
    }

    fn window(&mut self, p: Pair<'_, Rule>) -> Window {
        let s = self.span(&p);
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::calendar_window => {
                    let text = c.as_str();
                    return if text.ends_with("quarter") {
                        Window::CalendarQuarter(s)
                    } else if text.ends_with("year") {
                        Window::CalendarYear(s)
                    } else {
                        Window::CalendarMonth(s)
                    };
                }
                Rule::rolling_window => {
                    return Window::Rolling(Box::new(self.quantity_in(c, Rule::duration)), s)
                }
                _ => {}
            }
        }
        Window::CalendarMonth(s)
    }

    fn credits(&mut self, p: Pair<'_, Rule>) -> Credits {
        let s = self.span(&p);
        let mut credits = Credits {
            objective: Reference {
                parts: Vec::new(),
                span: s,
            },
            window: None,
            tiers: Vec::new(),
            caps: Vec::new(),
            minimums: Vec::new(),
            claims: Vec::new(),
            span: s,
        };
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::reference => credits.objective = self.reference(&c),
                Rule::window => credits.window = Some(self.window(c)),
                Rule::credit_tier => credits.tiers.push(self.credit_tier(c)),
                Rule::cap_decl => credits.caps.push(self.amount_in(c)),
                Rule::minimum_decl => credits.minimums.push(self.amount_in(c)),
                Rule::claim_decl => credits.claims.push(self.quantity_in(c, Rule::duration)),
                _ => {}
            }
        }
        tighten(&mut credits.tiers, self.ends_file);
        tighten(&mut credits.caps, self.ends_file);
        tighten(&mut credits.minimums, self.ends_file);
        tighten(&mut credits.claims, self.ends_file);
        credits
    }

    fn credit_tier(&mut self, p: Pair<'_, Rule>) -> CreditTier {
        let s = self.span(&p);
        let mut lower = None;
        let mut upper = None;
        let mut credit = None;
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::tier_lower => lower = Some(self.tier_bound(c, Rule::kw_from)),
                Rule::tier_upper => upper = Some(self.tier_bound(c, Rule::kw_to)),
                Rule::amount => credit = Some(self.amount(c)),
                _ => {}
            }
        }
        CreditTier {
            lower,
            upper: upper.unwrap_or_else(|| TierBound {
                value: empty_quantity(s),
                inclusive: false,
            }),
            credit: credit.unwrap_or_else(|| Amount {
                value: empty_quantity(s),
                basis: None,
                span: s,
            }),
            span: s,
        }
    }

    /// A tier's bound: inclusive when it opens with `inclusive_keyword` (`from`, `to`) or is
    /// `at most`.
    fn tier_bound(&mut self, p: Pair<'_, Rule>, inclusive_keyword: Rule) -> TierBound {
        let s = self.span(&p);
        let mut inclusive = false;
        let mut value = None;
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::target => value = Some(self.quantity(c)),
                Rule::kw_most => inclusive = true,
                rule if rule == inclusive_keyword => inclusive = true,
                _ => {}
            }
        }
        TierBound {
            value: value.unwrap_or_else(|| empty_quantity(s)),
            inclusive,
        }
    }

    fn amount_in(&mut self, p: Pair<'_, Rule>) -> Amount {
        let s = self.span(&p);
        match first_of(p, Rule::amount) {
            Some(a) => self.amount(a),
            None => Amount {
                value: empty_quantity(s),
                basis: None,
                span: s,
            },
        }
    }

    fn amount(&mut self, p: Pair<'_, Rule>) -> Amount {
        let s = self.span(&p);
        let mut amount = Amount {
            value: empty_quantity(s),
            basis: None,
            span: s,
        };
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::money_or_percent => amount.value = self.quantity(c),
                Rule::fee_basis => {
                    let basis = if c.as_str().starts_with("quarterly") {
                        FeeBasis::Quarterly
                    } else if c.as_str().starts_with("annual") {
                        FeeBasis::Annual
                    } else {
                        FeeBasis::Monthly
                    };
                    amount.basis = Some(Spanned::new(basis, self.span(&c)));
                }
                _ => {}
            }
        }
        amount
    }

    fn penalty(&mut self, p: Pair<'_, Rule>) -> Penalty {
        let s = self.span(&p);
        let mut penalty = Penalty {
            objective: Reference {
                parts: Vec::new(),
                span: s,
            },
            rates: Vec::new(),
            caps: Vec::new(),
            span: s,
        };
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::reference => penalty.objective = self.reference(&c),
                Rule::penalty_rate => penalty.rates.push(self.amount_in(c)),
                Rule::cap_decl => penalty.caps.push(self.amount_in(c)),
                _ => {}
            }
        }
        penalty
    }

    fn tier(&mut self, p: Pair<'_, Rule>) -> Tier {
        let s = self.span(&p);
        let mut tier = Tier {
            id: empty_at(s),
            title: None,
            prices: Vec::new(),
            services: Vec::new(),
            span: s,
        };
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::ident => tier.id = self.spanned(&c),
                Rule::string => tier.title = Some(self.text(c)),
                Rule::price_decl => {
                    let ps = self.span(&c);
                    let mut amount = empty_quantity(ps);
                    let mut period = PricePeriod::Month;
                    for f in c.into_inner() {
                        match f.as_rule() {
                            Rule::money_or_percent => amount = self.quantity(f),
                            Rule::price_period => {
                                period = match f.as_str() {
                                    "quarter" => PricePeriod::Quarter,
                                    "year" => PricePeriod::Year,
                                    _ => PricePeriod::Month,
                                }
                            }
                            _ => {}
                        }
                    }
                    tier.prices.push(Price {
                        amount,
                        period,
                        span: ps,
                    });
                }
                Rule::tier_service => {
                    let ts = self.span(&c);
                    let mut service = TierService {
                        service: empty_at(ts),
                        objectives: Vec::new(),
                        span: ts,
                    };
                    for f in c.into_inner() {
                        match f.as_rule() {
                            Rule::ident => service.service = self.spanned(&f),
                            _ => service.objectives.extend(self.objective(f)),
                        }
                    }
                    tier.services.push(service);
                }
                _ => {}
            }
        }
        tier
    }

    fn quantity_in(&mut self, p: Pair<'_, Rule>, wrapper: Rule) -> Quantity {
        let s = self.span(&p);
        match first_of(p, wrapper) {
            Some(w) => self.quantity(w),
            None => empty_quantity(s),
        }
    }

    /// A quantity: one atomic token (`target`, `duration`, `count` or `money_or_percent`)
    /// whose text the grammar has checked to be a number with an optional unit.
    fn quantity(&mut self, p: Pair<'_, Rule>) -> Quantity {
        quantity(p.as_str(), self.span(&p))
    }
}

/// Splits a quantity's text, such as `99.9%`, `4h` or `2 business days`, into its number and
/// unit. The grammar guarantees the shape: `-`, digits, `.` and digits, then a unit.
fn quantity(text: &str, span: Span) -> Quantity {
    let number_end = text
        .bytes()
        .enumerate()
        .position(|(i, b)| !(b.is_ascii_digit() || b == b'.' || (i == 0 && b == b'-')))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(number_end);
    Quantity {
        number: number.into(),
        unit: unit_of(unit.trim_start_matches([' ', '\t'])),
        span,
    }
}

fn empty_quantity(span: Span) -> Quantity {
    Quantity {
        number: Box::default(),
        unit: Unit::None,
        span,
    }
}

/// The unit a quantity's text ends in (after the number and any spaces).
fn unit_of(text: &str) -> Unit {
    match text {
        "" => Unit::None,
        "%" => Unit::Percent,
        "ms" => Unit::Milliseconds,
        "s" => Unit::Seconds,
        "m" => Unit::Minutes,
        "h" => Unit::Hours,
        "d" => Unit::Days,
        "w" => Unit::Weeks,
        _ if text.starts_with("business") => Unit::BusinessDays,
        _ if text.bytes().all(|b| b.is_ascii_uppercase()) => Unit::Currency(text.into()),
        _ => match text.trim_end_matches('s') {
            "millisecond" => Unit::Milliseconds,
            "second" => Unit::Seconds,
            "minute" => Unit::Minutes,
            "hour" => Unit::Hours,
            "day" => Unit::Days,
            "week" => Unit::Weeks,
            "month" => Unit::Months,
            _ => Unit::Years,
        },
    }
}

fn party_role(p: &Pair<'_, Rule>) -> PartyRole {
    if p.as_str() == "customer" {
        PartyRole::Customer
    } else {
        PartyRole::Provider
    }
}

fn weekday_number(day: &str) -> u8 {
    match day {
        "tue" => 1,
        "wed" => 2,
        "thu" => 3,
        "fri" => 4,
        "sat" => 5,
        "sun" => 6,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use pest::Parser as _;

    use super::*;
    use crate::syntax::tree::TreeParser;

    /// Every spelling the grammar accepts as a quantity, parsed as one token and split.
    #[test]
    fn quantities_split_into_number_and_unit() {
        let cases = [
            ("99.95%", "99.95", Unit::Percent),
            ("250ms", "250", Unit::Milliseconds),
            ("30s", "30", Unit::Seconds),
            ("15m", "15", Unit::Minutes),
            ("4h", "4", Unit::Hours),
            ("2d", "2", Unit::Days),
            ("1w", "1", Unit::Weeks),
            ("-1.5 hours", "-1.5", Unit::Hours),
            ("1 millisecond", "1", Unit::Milliseconds),
            ("90 seconds", "90", Unit::Seconds),
            ("30 minutes", "30", Unit::Minutes),
            ("30 days", "30", Unit::Days),
            ("1 week", "1", Unit::Weeks),
            ("3 months", "3", Unit::Months),
            ("2 years", "2", Unit::Years),
            ("2 business days", "2", Unit::BusinessDays),
            ("1\tbusiness  day", "1", Unit::BusinessDays),
            ("1200 EUR", "1200", Unit::Currency("EUR".into())),
            ("500", "500", Unit::None),
        ];
        for (text, number, unit) in cases {
            let mut pairs = TreeParser::parse(Rule::duration, text)
                .unwrap_or_else(|e| unreachable!("{text} does not parse: {e}"));
            let pair = pairs.next().unwrap_or_else(|| unreachable!("no pair for {text}"));
            assert_eq!(pair.as_str(), text, "one token for the whole quantity");
            assert_eq!(pair.clone().into_inner().count(), 0, "{text} has inner tokens");
            let quantity = quantity(pair.as_str(), Builder::new(0, 0, true).span(&pair));
            assert_eq!((&*quantity.number, quantity.unit), (number, unit), "{text}");
        }
    }
}
