//! One agreement, from its AST and its parent's lowered form to its IR: single-valued items,
//! parties, term and review, and the named items (clauses, calendars, priorities, services,
//! credits, pricing tiers) merged over the parent's by name.

use rustc_hash::FxHashMap as HashMap;

use chrono::Months;

use super::credits::ServiceIndex;
use super::service::{apply_overrides, Scope};
use super::{overriding, place, Ctx, DeferredRef, Lowered};
use crate::diagnostics::{did_you_mean, Code, Diagnostic, Span};
use crate::ir::{self, key, Origin};
use crate::syntax::ast::{self, AgreementItem, ReadDeferred, Unit};

/// Items that may appear once; a second one is reported against the first.
#[derive(Default)]
struct Singles<'a> {
    kind: Option<&'a ast::Ident>,
    level: Option<&'a ast::Ident>,
    supports: Option<&'a ast::Reference>,
    version: Option<&'a ast::Spanned<String>>,
    status: Option<&'a ast::Status>,
    provider: Option<&'a ast::Party>,
    customer: Option<&'a ast::Party>,
    term: Option<&'a ast::Term>,
    review: Option<&'a ast::Review>,
    revision: Option<&'a ast::Text>,
}

fn keep_first<'a, T>(
    ctx: &mut Ctx<'_>,
    slot: &mut Option<&'a T>,
    item: &'a T,
    span: Span,
    first_span: impl Fn(&T) -> Span,
    what: &str,
) {
    match slot {
        Some(first) => ctx.duplicate(span, first_span(first), format!("{what} is given twice")),
        None => *slot = Some(item),
    }
}

/// A deferred piece of the file being lowered, read again: its services, and where its
/// credit policies and penalties are written.
fn read_again(ctx: &mut Ctx<'_>, reread: &dyn ReadDeferred, piece: Span) -> ast::ReadAgain {
    match reread.piece(ctx.file, piece) {
        Some(mut read) => {
            for diagnostic in std::mem::take(&mut read.diagnostics) {
                ctx.report(diagnostic);
            }
            read
        }
        None => {
            ctx.report(read_twice_bug(ctx.file, piece));
            ast::ReadAgain::default()
        }
    }
}

/// The credit policy or penalty written at `span` of the file being lowered (from
/// `read_again`), built.
fn remedy_at(ctx: &mut Ctx<'_>, reread: &dyn ReadDeferred, span: Span) -> Option<AgreementItem> {
    match reread.remedy(ctx.file, span) {
        Some((item, found)) => {
            for diagnostic in found {
                ctx.report(diagnostic);
            }
            Some(item)
        }
        None => {
            ctx.report(read_twice_bug(ctx.file, span));
            None
        }
    }
}

/// A part of a large file that parsed once and not when it was read again: a bug.
fn read_twice_bug(file: crate::source::FileId, span: Span) -> Diagnostic {
    Diagnostic::error(
        Code::E100,
        file,
        span,
        "this part of the agreement could not be read again",
    )
    .label("parsed once, not twice")
    .help("this is a bug in slac: please report it, with the file")
}

impl<'a> Singles<'a> {
    /// The items of `items` that may appear once; a second one is reported.
    fn collect(ctx: &mut Ctx<'_>, items: &'a [AgreementItem]) -> Self {
        let mut singles = Singles::default();
        for item in items {
            let span = item.span();
            match item {
                AgreementItem::Kind(v) => keep_first(ctx, &mut singles.kind, v, span, |f| f.span, "`kind`"),
                AgreementItem::Level(v) => {
                    keep_first(ctx, &mut singles.level, v, span, |f| f.span, "`level`")
                }
                AgreementItem::Supports(v) => {
                    keep_first(ctx, &mut singles.supports, v, span, |f| f.span, "`supports`")
                }
                AgreementItem::Version(v) => {
                    keep_first(ctx, &mut singles.version, v, span, |f| f.span, "`version`")
                }
                AgreementItem::Status(v) => {
                    keep_first(ctx, &mut singles.status, v, span, |f| f.span, "`status`")
                }
                AgreementItem::Party(p) if p.role == ast::PartyRole::Provider => keep_first(
                    ctx,
                    &mut singles.provider,
                    p,
                    p.name.span,
                    |f| f.name.span,
                    "the provider",
                ),
                AgreementItem::Party(p) => keep_first(
                    ctx,
                    &mut singles.customer,
                    p,
                    p.name.span,
                    |f| f.name.span,
                    "the customer",
                ),
                AgreementItem::Term(v) => keep_first(ctx, &mut singles.term, v, span, |f| f.span, "the term"),
                AgreementItem::Review(v) => keep_first(
                    ctx,
                    &mut singles.review,
                    v,
                    span,
                    |f| f.span,
                    "the review cadence",
                ),
                AgreementItem::Revision(v) => keep_first(
                    ctx,
                    &mut singles.revision,
                    v,
                    span,
                    |f| f.span,
                    "the revision plan",
                ),
                _ => {}
            }
        }
        singles
    }

    /// Records where the header's items are written, for the lints.
    fn locate(&self, ctx: &mut Ctx<'_>, id: &str, written: Span) {
        ctx.locate(key::agreement(id), written);
        if let Some(status) = self.status {
            ctx.locate(key::status(id), status.span);
        }
        if let Some(term) = self.term {
            ctx.locate(key::term(id), term.span);
        }
        if let Some(review) = self.review {
            ctx.locate(key::review(id), review.span);
        }
        if let Some(provider) = self.provider {
            ctx.locate(key::party(id, "provider"), provider.name.span);
        }
        if let Some(customer) = self.customer {
            ctx.locate(key::party(id, "customer"), customer.name.span);
        }
    }
}

pub(super) fn lower(
    ctx: &mut Ctx<'_>,
    agreement: ast::Agreement,
    source: &str,
    reread: &dyn ReadDeferred,
    parent: Option<&ir::Agreement>,
) -> Lowered {
    let ast::Agreement {
        id: written_id,
        title,
        header,
        items,
        deferred: pieces,
    } = agreement;
    // Services, credits and penalties are taken apart from the other items: each one's tree is
    // dropped as soon as it is lowered, so a large agreement never holds its whole tree and its
    // whole IR at once. A large file's tree does not hold them at all: they are read again
    // from its deferred pieces, one piece at a time, once the other items are known.
    let mut service_items = Vec::new();
    let mut remedy_items = Vec::new();
    let mut items_else = Vec::new();
    for item in items {
        match item {
            AgreementItem::Service(_) => service_items.push(item),
            AgreementItem::Credits(_) | AgreementItem::Penalty(_) => remedy_items.push(item),
            _ => items_else.push(item),
        }
    }
    let items = items_else;
    let singles = Singles::collect(ctx, &items);
    let id = written_id.value.as_str();
    ctx.agreement = id.to_string();
    singles.locate(ctx, id, written_id.span);
    let mut deferred = Vec::new();
    let head = lower_header(ctx, id, header, &singles, parent, &mut deferred);
    let named = lower_named(ctx, id, &items, parent);
    let scope = Scope {
        agreement: id,
        calendars: &named.calendars,
        priorities: &named.priorities,
        term: head.term.as_ref(),
        kind: head.kind,
    };
    let services = lower_services(
        ctx,
        &scope,
        parent,
        service_items,
        pieces,
        &mut remedy_items,
        reread,
        &mut deferred,
    );
    let maintenance_windows = lower_maintenance(ctx, named.windows, &services, parent);
    let (credit_policies, penalties) = lower_remedies(ctx, reread, remedy_items, &services, parent);
    let pricing_tiers = lower_tiers(ctx, &items, parent, &services.list, &scope);

    let ir = ir::Agreement {
        id: id.to_string(),
        title: title.value,
        source: source.to_string(),
        kind: head.kind.unwrap_or(ir::AgreementKind::Customer),
        level: head.level.unwrap_or(ir::Level::Customer),
        extends: parent.map(|p| p.id.clone()),
        supports: head.supports,
        version: head.version,
        status: head.status.unwrap_or(ir::Status {
            state: ir::Lifecycle::Draft,
            date: None,
        }),
        provider: head.provider.unwrap_or_default(),
        customer: head.customer.unwrap_or_default(),
        term: head.term.unwrap_or(ir::Term {
            effective: chrono::NaiveDate::MIN,
            end: None,
            notice: None,
        }),
        review: head.review,
        last_review: head.last_review,
        revision_plan: head.revision_plan,
        clauses: named.clauses,
        obligations: named.obligations,
        calendars: named.calendars,
        priorities: named.priorities,
        maintenance_windows,
        services: services.list,
        credit_policies,
        penalties,
        pricing_tiers,
    };
    Lowered {
        ir,
        file: ctx.file,
        deferred,
    }
}

/// An agreement's header lowered: its own items, or the parent's where it has none.
struct Header {
    kind: Option<ir::AgreementKind>,
    level: Option<ir::Level>,
    version: String,
    status: Option<ir::Status>,
    provider: Option<ir::Party>,
    customer: Option<ir::Party>,
    term: Option<ir::Term>,
    review: Option<ir::CalendarPeriod>,
    last_review: Option<chrono::NaiveDate>,
    revision_plan: Option<String>,
    supports: Option<String>,
}

/// Lowers the header (`kind` to `supports`); what it lacks and the parent does not give is
/// reported once, at the agreement's `header`.
fn lower_header(
    ctx: &mut Ctx<'_>,
    id: &str,
    header: Span,
    singles: &Singles<'_>,
    parent: Option<&ir::Agreement>,
    deferred: &mut Vec<DeferredRef>,
) -> Header {
    let mut absent: Vec<(&'static str, &'static str)> = Vec::new();

    let (kind, level) = lower_kind_and_level(ctx, singles, parent, &mut absent);
    let version = lower_version(ctx, id, singles, &mut absent);

    let status = match singles.status {
        Some(status) => lower_status(ctx, status),
        None => {
            missing(
                &mut absent,
                "`status`",
                "add `status draft` (or review, approved, signed 2026-01-10, terminated 2026-12-31)",
            );
            None
        }
    };

    let provider = match singles.provider {
        Some(p) => Some(party(ctx, p)),
        None => inherited_party(
            parent.map(|p| &p.provider),
            (
                "provider",
                "add `provider \"Name of the provider\" { contact \"Name\" <name@example.com> }`",
            ),
            &mut absent,
        ),
    };
    let customer = match singles.customer {
        Some(p) => Some(party(ctx, p)),
        None => inherited_party(
            parent.map(|p| &p.customer),
            (
                "customer",
                "add `customer \"Name of the customer\" { contact \"Name\" <name@example.com> }`",
            ),
            &mut absent,
        ),
    };

    let term = match singles.term {
        Some(t) => lower_term(ctx, t),
        None => parent.map(|p| p.term.clone()).or_else(|| {
            missing(
                &mut absent,
                "term",
                "add `term 2026-01-01 to 2026-12-31, notice 30 days` (or `term 2026-01-01 open-ended`)",
            );
            None
        }),
    };
    report_missing(ctx, header, id, absent);
    let review = match singles.review {
        Some(r) => lower_review(ctx, r, term.as_ref(), singles.term.map(|t| t.span)),
        None => parent.and_then(|p| p.review),
    };
    let last_review = lower_last_review(ctx, singles, term.as_ref(), parent);
    let revision_plan = singles
        .revision
        .map(|r| r.value.clone())
        .or(parent.and_then(|p| p.revision_plan.clone()));

    let supports = lower_supports(ctx, singles, kind, parent, deferred);

    Header {
        kind,
        level,
        version,
        status,
        provider,
        customer,
        term,
        review,
        last_review,
        revision_plan,
        supports,
    }
}

/// The agreement's kind and level; a level at or above the parent's is an error.
fn lower_kind_and_level(
    ctx: &mut Ctx<'_>,
    singles: &Singles<'_>,
    parent: Option<&ir::Agreement>,
    absent: &mut Vec<(&'static str, &'static str)>,
) -> (Option<ir::AgreementKind>, Option<ir::Level>) {
    let kind = match singles.kind {
        Some(kind) => choice(
            ctx,
            kind,
            "agreement kind",
            &[
                ("customer", ir::AgreementKind::Customer),
                ("internal", ir::AgreementKind::Internal),
                ("underpinning", ir::AgreementKind::Underpinning),
            ],
        ),
        None => parent.map(|p| p.kind).or_else(|| {
            missing(
                absent,
                "`kind`",
                "add `kind customer` (an SLA), `kind internal` (an OLA) or `kind underpinning` (a UC)",
            );
            None
        }),
    };
    let level = match singles.level {
        Some(level) => choice(
            ctx,
            level,
            "agreement level",
            &[
                ("corporate", ir::Level::Corporate),
                ("customer", ir::Level::Customer),
                ("service", ir::Level::Service),
            ],
        ),
        // One level below the parent; without one, a customer SLA is customer-level and an OLA
        // or UC, which underpins a single service, is service-level.
        None => Some(match (parent.map(|p| p.level), kind) {
            (Some(ir::Level::Corporate), _) => ir::Level::Customer,
            (Some(_), _) => ir::Level::Service,
            (None, Some(ir::AgreementKind::Internal | ir::AgreementKind::Underpinning)) => ir::Level::Service,
            (None, _) => ir::Level::Customer,
        }),
    };
    if let (Some(level), Some(parent), Some(written)) = (level, parent, singles.level) {
        if level <= parent.level {
            let diagnostic = Diagnostic::error(
                Code::E224,
                ctx.file,
                written.span,
                format!(
                    "a {} agreement cannot extend a {} agreement",
                    level_name(level),
                    level_name(parent.level)
                ),
            )
            .label("level at or above its parent's")
            .help("terms flow down: corporate, then customer, then service; lower this agreement's level or extend another one");
            ctx.report(diagnostic);
        }
    }

    (kind, level)
}

/// The agreement's version, which must be a semantic version.
fn lower_version(
    ctx: &mut Ctx<'_>,
    id: &str,
    singles: &Singles<'_>,
    absent: &mut Vec<(&'static str, &'static str)>,
) -> String {
    match singles.version {
        Some(v) => {
            ctx.locate(key::version(id), v.span);
            if semver::Version::parse(&v.value).is_err() {
                let diagnostic = Diagnostic::error(
                    Code::E223,
                    ctx.file,
                    v.span,
                    format!("`{}` is not a semantic version", v.value),
                )
                .label("not MAJOR.MINOR.PATCH")
                .help(format!(
                    "write three numbers, such as `{}`",
                    semver_hint(&v.value)
                ));
                ctx.report(diagnostic);
            }
            v.value.clone()
        }
        None => {
            missing(absent, "`version`", "add `version 1.0.0`");
            String::new()
        }
    }
}

/// The date of the last review, which cannot be before the term starts.
fn lower_last_review(
    ctx: &mut Ctx<'_>,
    singles: &Singles<'_>,
    term: Option<&ir::Term>,
    parent: Option<&ir::Agreement>,
) -> Option<chrono::NaiveDate> {
    match singles.review.and_then(|r| r.last.as_ref()) {
        Some(written) => {
            let date = ctx.date(written);
            if let (Some(date), Some(term)) = (date, term) {
                if date < term.effective {
                    let diagnostic = Diagnostic::error(
                        Code::E209,
                        ctx.file,
                        written.span,
                        format!("the last review on {date} is before the term starts on {}", term.effective),
                    )
                    .label("before the term")
                    .help("write the date of the last review held under this agreement, or remove `last reviewed`");
                    ctx.report(diagnostic);
                }
            }
            date
        }
        None => parent.and_then(|p| p.last_review),
    }
}

/// The agreement an OLA or UC underpins; a customer SLA cannot name one.
fn lower_supports(
    ctx: &mut Ctx<'_>,
    singles: &Singles<'_>,
    kind: Option<ir::AgreementKind>,
    parent: Option<&ir::Agreement>,
    deferred: &mut Vec<DeferredRef>,
) -> Option<String> {
    let mut supports = parent.and_then(|p| p.supports.clone());
    if let Some(reference) = singles.supports {
        if !matches!(
            kind,
            Some(ir::AgreementKind::Internal | ir::AgreementKind::Underpinning)
        ) {
            ctx.supports_in_customer_sla(reference.span);
        } else if let [agreement_id] = reference.parts.as_slice() {
            deferred.push(DeferredRef {
                span: reference.span,
                agreement: agreement_id.clone(),
                service: None,
                what: "`supports`",
            });
            supports = Some(agreement_id.clone());
        } else {
            ctx.malformed_reference(reference, "the supported agreement, such as `acme-hosting`");
        }
    }
    supports
}

/// The clauses, obligations, calendars, priorities and maintenance windows of an agreement,
/// each merged over the parent's (the windows still to be checked against the services).
struct Named<'a> {
    clauses: Vec<ir::Clause>,
    obligations: Vec<ir::Obligation>,
    calendars: Vec<ir::Calendar>,
    priorities: Vec<ir::Priority>,
    windows: Vec<(ir::MaintenanceWindow, &'a ast::Maintenance)>,
}

fn lower_named<'a>(
    ctx: &mut Ctx<'_>,
    id: &str,
    items: &'a [AgreementItem],
    parent: Option<&ir::Agreement>,
) -> Named<'a> {
    let parent_id = parent.map(|p| p.id.as_str());
    let mut clauses = Vec::new();
    let mut clause_spans = HashMap::default();
    let mut obligations = Vec::new();
    let mut calendars = Vec::new();
    let mut calendar_spans = HashMap::default();
    let mut priorities = Vec::new();
    let mut priority_spans = HashMap::default();
    let mut windows = Vec::new();
    let mut window_spans = HashMap::default();
    for item in items {
        match item {
            AgreementItem::Clause(c) if unique(ctx, &mut clause_spans, &c.id, "clause") => {
                clauses.push(ir::Clause {
                    id: c.id.value.clone(),
                    text: c.text.value.clone(),
                    origin: Origin::own(),
                });
            }
            AgreementItem::Obligation(o) => obligations.push(ir::Obligation {
                party: match o.party {
                    ast::PartyRole::Provider => ir::PartyRole::Provider,
                    ast::PartyRole::Customer => ir::PartyRole::Customer,
                },
                text: o.text.value.clone(),
                origin: Origin::own(),
            }),
            AgreementItem::Calendar(c) if unique(ctx, &mut calendar_spans, &c.id, "calendar") => {
                ctx.locate(key::calendar(id, &c.id.value), c.id.span);
                calendars.push(ctx.calendar(c));
            }
            AgreementItem::Priority(p) if unique(ctx, &mut priority_spans, &p.id, "priority") => {
                ctx.locate(key::priority(id, &p.id.value), p.id.span);
                priorities.push(ir::Priority {
                    id: p.id.value.clone(),
                    name: p.name.value.clone(),
                    description: p.description.as_ref().map(|d| d.value.clone()),
                    origin: Origin::own(),
                });
            }
            AgreementItem::Maintenance(m) if unique(ctx, &mut window_spans, &m.id, "maintenance window") => {
                ctx.locate(key::maintenance(id, &m.id.value), m.id.span);
                windows.push((ctx.maintenance(m), &**m));
            }
            _ => {}
        }
    }
    let clauses = merge(
        parent.map(|p| p.clauses.as_slice()),
        clauses,
        parent_id,
        |c| &c.id,
        |c| &mut c.origin,
    );
    let mut all_obligations: Vec<ir::Obligation> = parent
        .map(|p| {
            p.obligations
                .iter()
                .cloned()
                .map(|o| inherited(o, parent_id, |o| &mut o.origin))
                .collect()
        })
        .unwrap_or_default();
    all_obligations.extend(obligations);
    let calendars = merge(
        parent.map(|p| p.calendars.as_slice()),
        calendars,
        parent_id,
        |c| &c.id,
        |c| &mut c.origin,
    );
    let priorities = merge(
        parent.map(|p| p.priorities.as_slice()),
        priorities,
        parent_id,
        |c| &c.id,
        |c| &mut c.origin,
    );

    Named {
        clauses,
        obligations: all_obligations,
        calendars,
        priorities,
        windows,
    }
}

/// An agreement's services, the parent's first, and where the pieces of a large file write
/// their credit policies and penalties (read after the services).
struct Services {
    list: Vec<ir::Service>,
    index: HashMap<String, usize>,
    written_credits: Vec<Span>,
    written_penalties: Vec<Span>,
}

#[allow(clippy::too_many_arguments)]
fn lower_services(
    ctx: &mut Ctx<'_>,
    scope: &Scope<'_>,
    parent: Option<&ir::Agreement>,
    service_items: Vec<AgreementItem>,
    pieces: ast::Deferred,
    remedy_items: &mut Vec<AgreementItem>,
    reread: &dyn ReadDeferred,
    deferred: &mut Vec<DeferredRef>,
) -> Services {
    let parent_id = parent.map(|p| p.id.as_str());
    let mut services: Vec<ir::Service> = parent
        .map(|p| {
            p.services
                .iter()
                .cloned()
                .map(|s| inherited(s, parent_id, |s| &mut s.origin))
                .collect()
        })
        .unwrap_or_default();
    // Room for every service at once: a list that doubles as it grows is up to half empty.
    services.reserve_exact(service_items.len() + pieces.services);
    ctx.share_objectives_of(service_items.len() + pieces.services);
    // Services by id, so that lowering many services stays linear.
    let mut service_index: HashMap<String, usize> = services
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.clone(), i))
        .collect();
    let mut service_spans: HashMap<String, Span> = HashMap::default();
    // Each service's `depends on`, checked once every service of the agreement is known.
    let mut dependencies: Vec<(String, Vec<ast::Reference>)> = Vec::new();
    // The services of the tree, then those of the deferred pieces (a file has one or the
    // other), in the order of the text; where the pieces' credit policies and penalties are
    // written is kept, for after the services.
    let mut pieces = pieces.pieces.into_iter();
    let mut pending = service_items.into_iter();
    let mut written_credits = Vec::new();
    let mut written_penalties = Vec::new();
    loop {
        let Some(item) = pending.next() else {
            match pieces.next() {
                Some(piece) => {
                    let read = read_again(ctx, reread, piece);
                    written_credits.extend(read.credits);
                    written_penalties.extend(read.penalties);
                    pending = read.services.into_iter();
                    continue;
                }
                None => break,
            }
        };
        let mut service = match item {
            AgreementItem::Service(service) => service,
            other => {
                remedy_items.push(other);
                continue;
            }
        };
        if unique(ctx, &mut service_spans, &service.id, "service") {
            let position = service_index.get(&service.id.value).copied();
            let base = position.map(|p| services[p].clone());
            let lowered = ctx.service(&service, base.as_ref(), parent_id, scope, deferred);
            if position.is_none() {
                service_index.insert(lowered.id.clone(), services.len());
            }
            place(&mut services, position, lowered, |s| &mut s.origin, parent_id);
        }
        if !service.depends_on.is_empty() {
            dependencies.push((
                std::mem::take(&mut service.id.value),
                std::mem::take(&mut service.depends_on),
            ));
        }
    }
    // Local dependencies, once every service is known.
    for (service, depends_on) in &dependencies {
        for reference in depends_on {
            if let [local] = reference.parts.as_slice() {
                if local == service {
                    let diagnostic = Diagnostic::error(
                        Code::E224,
                        ctx.file,
                        reference.span,
                        "a service cannot depend on itself",
                    )
                    .label("depends on itself")
                    .help("name the services this one needs, such as `depends on network`");
                    ctx.report(diagnostic);
                } else if !service_index.contains_key(local) {
                    ctx.undefined(
                        "service",
                        local,
                        reference.span,
                        services.iter().map(|s| s.id.as_str()),
                        "name a service of this agreement, or `agreement.service` for one in another agreement".to_string(),
                    );
                }
            }
        }
    }

    Services {
        list: services,
        index: service_index,
        written_credits,
        written_penalties,
    }
}

/// The maintenance windows, which apply to named services, or to all; merged over the parent's.
fn lower_maintenance(
    ctx: &mut Ctx<'_>,
    windows: Vec<(ir::MaintenanceWindow, &ast::Maintenance)>,
    services: &Services,
    parent: Option<&ir::Agreement>,
) -> Vec<ir::MaintenanceWindow> {
    let parent_id = parent.map(|p| p.id.as_str());
    let (service_index, services) = (&services.index, &services.list);
    let mut maintenance_windows = Vec::new();
    for (mut window, written) in windows {
        for target in &written.applies_to {
            if !service_index.contains_key(&target.value) {
                ctx.undefined(
                    "service",
                    &target.value,
                    target.span,
                    services.iter().map(|s| s.id.as_str()),
                    "name a service of this agreement".to_string(),
                );
            }
        }
        if window.applies_to.is_empty() {
            window.applies_to = services.iter().map(|s| s.id.clone()).collect();
        }
        maintenance_windows.push(window);
    }
    merge(
        parent.map(|p| p.maintenance_windows.as_slice()),
        maintenance_windows,
        parent_id,
        |w| &w.id,
        |w| &mut w.origin,
    )
}

/// Credit policies and penalties, keyed by the objective they protect; merged over the parent's.
fn lower_remedies(
    ctx: &mut Ctx<'_>,
    reread: &dyn ReadDeferred,
    remedy_items: Vec<AgreementItem>,
    services: &Services,
    parent: Option<&ir::Agreement>,
) -> (Vec<ir::CreditPolicy>, Vec<ir::Penalty>) {
    let parent_id = parent.map(|p| p.id.as_str());
    let (written_credits, written_penalties) = (&services.written_credits, &services.written_penalties);
    let services = &services.list;
    let by_id: ServiceIndex<'_> = services.iter().map(|s| (s.id.as_str(), s)).collect();
    let credit_items = written_credits.len()
        + remedy_items
            .iter()
            .filter(|item| matches!(item, AgreementItem::Credits(_)))
            .count();
    let mut credit_policies = Vec::with_capacity(credit_items);
    let mut credit_spans: HashMap<String, Span> = HashMap::default();
    let mut penalties = Vec::new();
    let mut penalty_spans: HashMap<String, Span> = HashMap::default();
    // The tree's, then those written in the pieces (a file has one or the other), each built
    // only now.
    let mut tree_items = remedy_items.into_iter();
    let mut written = written_credits.iter().chain(written_penalties).copied();
    loop {
        let item = match tree_items.next() {
            Some(item) => item,
            None => match written.next() {
                Some(span) => match remedy_at(ctx, reread, span) {
                    Some(item) => item,
                    None => continue,
                },
                None => break,
            },
        };
        match item {
            AgreementItem::Credits(c) => {
                let key = c.objective.dotted();
                if let Some(first) = credit_spans.get(&key) {
                    ctx.duplicate(
                        c.objective.span,
                        *first,
                        format!("`{key}` has two credit policies"),
                    );
                    continue;
                }
                credit_spans.insert(key, c.objective.span);
                if let Some(policy) = ctx.credit_policy(&c, &by_id) {
                    credit_policies.push(policy);
                }
            }
            AgreementItem::Penalty(p) => {
                let key = p.objective.dotted();
                if let Some(first) = penalty_spans.get(&key) {
                    ctx.duplicate(p.objective.span, *first, format!("`{key}` has two penalties"));
                    continue;
                }
                penalty_spans.insert(key, p.objective.span);
                if let Some(penalty) = ctx.penalty(&p, &by_id) {
                    penalties.push(penalty);
                }
            }
            _ => {}
        }
    }
    let credit_key = |c: &ir::CreditPolicy| format!("{}.{}", c.objective.service, c.objective.objective);
    let credit_policies = merge_by(
        parent.map(|p| p.credit_policies.as_slice()),
        credit_policies,
        parent_id,
        credit_key,
        |c| &mut c.origin,
    );
    let penalty_key = |c: &ir::Penalty| format!("{}.{}", c.objective.service, c.objective.objective);
    let penalties = merge_by(
        parent.map(|p| p.penalties.as_slice()),
        penalties,
        parent_id,
        penalty_key,
        |c| &mut c.origin,
    );

    (credit_policies, penalties)
}

fn lower_tiers(
    ctx: &mut Ctx<'_>,
    items: &[AgreementItem],
    parent: Option<&ir::Agreement>,
    services: &[ir::Service],
    scope: &Scope<'_>,
) -> Vec<ir::PricingTier> {
    let mut tiers: Vec<ir::PricingTier> = parent.map(|p| p.pricing_tiers.clone()).unwrap_or_default();
    // Inherited tiers are recomputed over this agreement's services.
    for tier in tiers.iter_mut() {
        for tier_service in tier.services.iter_mut() {
            if let Some(service) = services.iter().find(|s| s.id == tier_service.service) {
                let overrides: Vec<ir::Objective> = tier_service
                    .objectives
                    .iter()
                    .filter(|o| tier_service.overridden.contains(&o.id))
                    .map(|o| ir::Objective::clone(o))
                    .collect();
                tier_service.objectives = apply_overrides(&service.objectives, &overrides);
            }
        }
    }
    let mut spans: HashMap<String, Span> = HashMap::default();
    for item in items {
        let AgreementItem::Tier(tier) = item else { continue };
        if !unique(ctx, &mut spans, &tier.id, "pricing tier") {
            continue;
        }
        let location = key::pricing_tier(&ctx.agreement, &tier.id.value);
        ctx.locate(location, tier.id.span);
        for extra in tier.prices.iter().skip(1) {
            ctx.duplicate(
                extra.span,
                tier.prices[0].span,
                format!("the tier `{}` has two prices", tier.id.value),
            );
        }
        let price = match tier.prices.first() {
            Some(price) => match &price.amount.unit {
                Unit::Currency(currency) => ctx.number(&price.amount).map(|amount| ir::Money {
                    amount: ir::Dec::new(amount),
                    currency: currency.to_string(),
                }),
                _ => {
                    let diagnostic = Diagnostic::error(
                        Code::E212,
                        ctx.file,
                        price.amount.span,
                        format!(
                            "expected a price such as `1200 EUR`, found {}",
                            super::values::describe(&price.amount)
                        ),
                    )
                    .label("expected an amount of money")
                    .help("write the price with its currency code, such as `price 1200 EUR per month`");
                    ctx.report(diagnostic);
                    None
                }
            },
            None => {
                let diagnostic = Diagnostic::error(
                    Code::E222,
                    ctx.file,
                    tier.id.span,
                    format!("the pricing tier `{}` has no price", tier.id.value),
                )
                .label("no `price`")
                .help("add `price 1200 EUR per month`");
                ctx.report(diagnostic);
                None
            }
        };
        let period = match tier.prices.first().map(|p| p.period) {
            Some(ast::PricePeriod::Quarter) => ir::PricePeriod::Quarter,
            Some(ast::PricePeriod::Year) => ir::PricePeriod::Year,
            _ => ir::PricePeriod::Month,
        };
        let mut tier_services = Vec::new();
        let mut service_spans: HashMap<String, Span> = HashMap::default();
        for tier_service in &tier.services {
            if !unique(
                ctx,
                &mut service_spans,
                &tier_service.service,
                "service in this tier",
            ) {
                continue;
            }
            let Some(service) = services.iter().find(|s| s.id == tier_service.service.value) else {
                ctx.undefined(
                    "service",
                    &tier_service.service.value,
                    tier_service.service.span,
                    services.iter().map(|s| s.id.as_str()),
                    "a pricing tier changes the targets of a service defined in this agreement".to_string(),
                );
                continue;
            };
            let (overrides, _) = ctx.overrides(
                &tier_service.objectives,
                &service.objectives,
                &service.id,
                "tier",
                &tier.id.value,
                scope,
            );
            tier_services.push(ir::TierService {
                service: service.id.clone(),
                objectives: apply_overrides(&service.objectives, &overrides),
                overridden: overrides.iter().map(|o| o.id.clone()).collect(),
            });
        }
        let lowered = ir::PricingTier {
            id: tier.id.value.clone(),
            title: tier.title.as_ref().map(|t| t.value.clone()),
            price,
            period,
            services: tier_services,
        };
        match tiers.iter().position(|t| t.id == lowered.id) {
            Some(p) => tiers[p] = lowered,
            None => tiers.push(lowered),
        }
    }
    tiers
}

fn level_name(level: ir::Level) -> &'static str {
    match level {
        ir::Level::Corporate => "corporate-level",
        ir::Level::Customer => "customer-level",
        ir::Level::Service => "service-level",
    }
}

fn semver_hint(written: &str) -> String {
    let mut parts: Vec<&str> = written
        .split(['-', '+'])
        .next()
        .unwrap_or("1")
        .split('.')
        .collect();
    while parts.len() < 3 {
        parts.push("0");
    }
    parts.truncate(3);
    parts.join(".")
}

/// Records a name in `seen`, reporting a duplicate; returns whether it was new.
fn unique(ctx: &mut Ctx<'_>, seen: &mut HashMap<String, Span>, name: &ast::Ident, what: &str) -> bool {
    if let Some(first) = seen.get(&name.value) {
        ctx.duplicate(
            name.span,
            *first,
            format!("a {what} named `{}` is already defined", name.value),
        );
        return false;
    }
    seen.insert(name.value.clone(), name.span);
    true
}

fn missing(absent: &mut Vec<(&'static str, &'static str)>, what: &'static str, help: &'static str) {
    absent.push((what, help));
}

/// A party the agreement does not write: its parent's, or missing (`role`, with the `help`
/// that says what to add).
fn inherited_party(
    parent: Option<&ir::Party>,
    (role, help): (&'static str, &'static str),
    absent: &mut Vec<(&'static str, &'static str)>,
) -> Option<ir::Party> {
    if parent.is_none() {
        missing(absent, role, help);
    }
    parent.cloned()
}

/// One `E222` for everything an agreement lacks, each with the line to add.
fn report_missing(ctx: &mut Ctx<'_>, header: Span, id: &str, absent: Vec<(&'static str, &'static str)>) {
    if absent.is_empty() {
        return;
    }
    let names: Vec<&str> = absent.iter().map(|(what, _)| *what).collect();
    let listed = match names.as_slice() {
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        [] => String::new(),
    };
    let mut diagnostic = Diagnostic::error(
        Code::E222,
        ctx.file,
        header,
        format!("the agreement `{id}` has no {listed}"),
    )
    .label(format!("missing {listed}"));
    for (_, help) in &absent {
        diagnostic = diagnostic.note(*help);
    }
    let help = if absent.len() == 1 {
        "add the line above inside the agreement's braces"
    } else {
        "add the lines above inside the agreement's braces"
    };
    ctx.report(diagnostic.help(help));
}

fn choice<T: Copy>(ctx: &mut Ctx<'_>, written: &ast::Ident, what: &str, options: &[(&str, T)]) -> Option<T> {
    if let Some((_, value)) = options.iter().find(|(name, _)| *name == written.value) {
        return Some(*value);
    }
    let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
    let listed = names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let help = match did_you_mean(&written.value, names.iter().copied()) {
        Some(close) => format!("did you mean `{close}`?"),
        None => format!("write one of {listed}"),
    };
    let diagnostic = Diagnostic::error(
        Code::E225,
        ctx.file,
        written.span,
        format!("unknown {what} `{}`", written.value),
    )
    .label(format!("not one of {listed}"))
    .help(help);
    ctx.report(diagnostic);
    None
}

fn lower_status(ctx: &mut Ctx<'_>, status: &ast::Status) -> Option<ir::Status> {
    let state = choice(
        ctx,
        &status.state,
        "status",
        &[
            ("draft", ir::Lifecycle::Draft),
            ("review", ir::Lifecycle::Review),
            ("approved", ir::Lifecycle::Approved),
            ("signed", ir::Lifecycle::Signed),
            ("terminated", ir::Lifecycle::Terminated),
        ],
    )?;
    let date = status.date.as_ref().and_then(|d| ctx.date(d));
    if state == ir::Lifecycle::Signed && status.date.is_none() {
        let diagnostic = Diagnostic::error(
            Code::E210,
            ctx.file,
            status.span,
            "the agreement is signed but gives no signature date",
        )
        .label("no date of signature")
        .help("add the date it was signed: `status signed 2026-01-10`");
        ctx.report(diagnostic);
    }
    Some(ir::Status { state, date })
}

/// An address as RFC 5322's dot-atom form (with RFC 6531's letters of any script): what
/// contracts and mail clients take without quoting. Control characters, spaces, quotes and
/// brackets, which could break the places an address is printed, are not part of it.
fn is_email_address(address: &str) -> bool {
    let Some((local, domain)) = address.split_once('@') else {
        return false;
    };
    let atext = |c: char| c.is_alphanumeric() || "!#$%&'*+/=?^_`{|}~-".contains(c);
    let dot_atom = |text: &str, allowed: &dyn Fn(char) -> bool| {
        text.split('.')
            .all(|part| !part.is_empty() && part.chars().all(allowed))
    };
    let label = |c: char| c.is_alphanumeric() || c == '-';
    dot_atom(local, &atext)
        && dot_atom(domain, &label)
        && domain.contains('.')
        && domain
            .split('.')
            .all(|part| !part.starts_with('-') && !part.ends_with('-'))
}

fn party(ctx: &mut Ctx<'_>, party: &ast::Party) -> ir::Party {
    let contacts = party
        .contacts
        .iter()
        .map(|c| {
            if let Some(email) = &c.email {
                if !is_email_address(&email.value) {
                    let diagnostic = Diagnostic::error(
                        Code::E226,
                        ctx.file,
                        email.span,
                        format!("`{}` is not an e-mail address", email.value),
                    )
                    .label("malformed e-mail address")
                    .help("write an address such as `<lan.nguyen@example.com>`");
                    ctx.report(diagnostic);
                }
            }
            ir::Contact {
                name: c.name.value.clone(),
                email: c.email.as_ref().map(|e| e.value.clone()),
                role: c.role.as_ref().map(|r| r.value.clone()),
            }
        })
        .collect();
    let signatories = party
        .signatories
        .iter()
        .map(|s| ir::Signatory {
            name: s.name.value.clone(),
            title: s.title.as_ref().map(|t| t.value.clone()),
            signed: s.signed.as_ref().and_then(|d| ctx.date(d)),
        })
        .collect();
    ir::Party {
        name: party.name.value.clone(),
        contacts,
        signatories,
    }
}

fn lower_term(ctx: &mut Ctx<'_>, term: &ast::Term) -> Option<ir::Term> {
    let effective = ctx.date(&term.effective);
    let end = term.end.as_ref().and_then(|e| ctx.date(e));
    let notice = term
        .notice
        .as_ref()
        .and_then(|n| ctx.calendar_period(n, "a notice period", "30 days"));
    let effective = effective?;
    if let (Some(end), Some(end_written)) = (end, &term.end) {
        if end < effective {
            let diagnostic = Diagnostic::error(
                Code::E209,
                ctx.file,
                end_written.span,
                format!("the term ends on {end}, before it takes effect on {effective}"),
            )
            .label("end before start")
            .secondary(ctx.file, term.effective.span, "takes effect here")
            .help("write the effective date first, then `to` and the end date");
            ctx.report(diagnostic);
        }
    }
    Some(ir::Term {
        effective,
        end,
        notice,
    })
}

/// The date a calendar period after `date` (a month after 31 January is the end of February).
pub fn add_period(date: chrono::NaiveDate, period: ir::CalendarPeriod) -> Option<chrono::NaiveDate> {
    let count = period.count;
    match period.unit {
        ir::PeriodUnit::Days => date.checked_add_days(chrono::Days::new(u64::from(count))),
        ir::PeriodUnit::Weeks => date.checked_add_days(chrono::Days::new(u64::from(count) * 7)),
        ir::PeriodUnit::Months => date.checked_add_months(Months::new(count)),
        ir::PeriodUnit::Years => date.checked_add_months(Months::new(count.saturating_mul(12))),
    }
}

fn lower_review(
    ctx: &mut Ctx<'_>,
    review: &ast::Review,
    term: Option<&ir::Term>,
    term_span: Option<Span>,
) -> Option<ir::CalendarPeriod> {
    let cadence = ctx.calendar_period(&review.every, "a review cadence", "3 months")?;
    if let Some(term) = term {
        if let Some(end) = term.end {
            let first_review = add_period(term.effective, cadence);
            if first_review.is_none_or(|first| first > end) {
                let mut diagnostic = Diagnostic::error(
                    Code::E211,
                    ctx.file,
                    review.span,
                    format!("the first review would fall after the term ends on {end}"),
                )
                .label("longer than the term");
                if let Some(span) = term_span {
                    diagnostic = diagnostic.secondary(ctx.file, span, "the term");
                }
                ctx.report(
                    diagnostic
                        .help("choose a cadence shorter than the term, such as `review every 3 months`"),
                );
            }
        }
    }
    Some(cadence)
}

fn inherited<T>(mut item: T, parent_id: Option<&str>, origin: impl Fn(&mut T) -> &mut Origin) -> T {
    // Inherited from whichever agreement defined this version of the item: the parent, unless
    // the parent itself inherited it.
    let o = origin(&mut item);
    if o.inherited_from.is_none() {
        o.inherited_from = parent_id.map(Box::from);
    }
    o.overrides = None;
    item
}

/// The parent's items (inherited, or replaced in place by an own item of the same key), then
/// the own items that are new.
fn merge<T: Clone>(
    parent: Option<&[T]>,
    own: Vec<T>,
    parent_id: Option<&str>,
    key: impl Fn(&T) -> &String,
    origin: impl Fn(&mut T) -> &mut Origin + Copy,
) -> Vec<T> {
    merge_by(parent, own, parent_id, |t| key(t).clone(), origin)
}

fn merge_by<T: Clone>(
    parent: Option<&[T]>,
    own: Vec<T>,
    parent_id: Option<&str>,
    key: impl Fn(&T) -> String,
    origin: impl Fn(&mut T) -> &mut Origin + Copy,
) -> Vec<T> {
    let Some(parent) = parent else {
        return own;
    };
    let mut own: Vec<Option<T>> = own.into_iter().map(Some).collect();
    let mut result = Vec::new();
    for item in parent {
        let k = key(item);
        match own
            .iter_mut()
            .find(|o| o.as_ref().is_some_and(|o| key(o) == k))
            .and_then(Option::take)
        {
            Some(mut replacement) => {
                let mut base = item.clone();
                *origin(&mut replacement) = overriding(origin(&mut base), parent_id);
                result.push(replacement);
            }
            None => result.push(inherited(item.clone(), parent_id, origin)),
        }
    }
    result.extend(own.into_iter().flatten());
    result
}
