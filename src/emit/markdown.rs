//! The contract document: one agreement as Markdown that a contract manager could send.
//! Generated from the IR only. Every text taken from the spec goes through `escape` or
//! `cell`, so nothing a spec contains can break a table or inject HTML.

use std::fmt::Write as _;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::text;

use crate::ir::{
    Agreement, AgreementKind, Amount, Commitment, Dec, Duration, FeeBasis, Level, Lifecycle, Measurement,
    Objective, Origin, PricePeriod, RateUnit, Service, Window,
};

/// What the document needs beyond the agreement itself.
pub struct DocumentContext<'a> {
    /// Every agreement of the run, to name the OLAs and UCs that support this one.
    pub agreements: &'a [&'a Agreement],
    /// SHA-256 of the source file, hex.
    pub source_sha256: String,
    /// The generation date to print; none by default, so output is reproducible.
    pub today: Option<NaiveDate>,
}

/// Escapes spec text for running Markdown: characters with Markdown or HTML meaning are
/// backslash-escaped (or entity-encoded), and line breaks are kept only between paragraphs.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for (index, paragraph) in text.split("\n\n").enumerate() {
        if index > 0 {
            out.push_str("\n\n");
        }
        let line = paragraph.split_whitespace().collect::<Vec<_>>().join(" ");
        let chars: Vec<char> = text::visible(&line).chars().collect();
        for (i, &c) in chars.iter().enumerate() {
            let next = |n: usize| chars.get(i + n).copied();
            match c {
                // A URL in spec text stays text: GFM would turn `scheme://` and `www.` into links.
                ':' if next(1) == Some('/') && next(2) == Some('/') => out.push_str("\\:"),
                '.' if i >= 3
                    && chars[i - 3..i]
                        .iter()
                        .collect::<String>()
                        .eq_ignore_ascii_case("www") =>
                {
                    out.push_str("\\.")
                }
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '{' | '}' | '@' => {
                    out.push('\\');
                    out.push(c);
                }
                // `1.` or `1)` after leading digits would start an ordered list.
                '.' | ')'
                    if i > 0
                        && chars[..i].iter().all(char::is_ascii_digit)
                        && matches!(next(1), None | Some(' ')) =>
                {
                    out.push('\\');
                    out.push(c);
                }
                // Would start a heading, a list or a quote at the start of a line.
                '#' | '-' | '+' | '=' if i == 0 => {
                    out.push('\\');
                    out.push(c);
                }
                _ => out.push(c),
            }
        }
    }
    out
}

/// Spec text inside a table cell: escaped, and on one line.
pub fn cell(text: &str) -> String {
    escape(&text.replace("\n\n", " "))
}

/// Spec text as a code span. It stays on one line with its hidden characters shown (a line
/// break would end the span, and a blank line the paragraph, letting what follows be read as
/// Markdown), and its fence is longer than any run of backticks inside, so nothing closes it
/// early (CommonMark). A `|` would end a table cell even inside a code span (GFM): escaped.
fn code(spec_text: &str) -> String {
    let line = text::visible_line(&spec_text.replace("\r\n", "\n")).replace('|', "\\|");
    let longest = line.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    // A span that begins or ends with a backtick needs a space inside its fence.
    let pad = if line.starts_with('`') || line.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{line}{pad}{fence}")
}

/// Money with two decimals, as invoices write it: `19.90`.
fn money(amount: Dec) -> String {
    format!("{:.2}", amount.value())
}

fn percent(value: Dec) -> String {
    format!("{value}%")
}

/// `4 h`, `30 min`, `1 h 30 min`, `20 min 9.6 s`, `300 ms`.
pub fn seconds_text(seconds: Decimal) -> String {
    if seconds < Decimal::ONE {
        return format!("{} ms", (seconds * Decimal::ONE_THOUSAND).normalize());
    }
    let whole = seconds.trunc();
    let total = whole.mantissa() / 10_i128.pow(whole.scale());
    let (days, rest) = (total / 86_400, total % 86_400);
    let (hours, rest) = (rest / 3_600, rest % 3_600);
    let minutes = rest / 60;
    let secs = (seconds - Decimal::from(total - rest % 60))
        .round_dp(2)
        .normalize();
    let mut parts: Vec<String> = [(days, "d"), (hours, "h"), (minutes, "min")]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, unit)| format!("{n} {unit}"))
        .collect();
    if !secs.is_zero() {
        parts.push(format!("{secs} s"));
    }
    parts.join(" ")
}

fn duration_text(duration: &Duration) -> String {
    match duration {
        Duration::Seconds(s) => seconds_text(s.value()),
        Duration::BusinessDays(1) => "1 business day".to_string(),
        Duration::BusinessDays(n) => format!("{n} business days"),
    }
}

fn window_text(window: &Option<Window>) -> String {
    match window {
        Some(Window::CalendarMonth) => "per calendar month".to_string(),
        Some(Window::CalendarQuarter) => "per calendar quarter".to_string(),
        Some(Window::CalendarYear) => "per calendar year".to_string(),
        Some(Window::Rolling { seconds }) => {
            let days = seconds.value() / Decimal::from(86_400);
            if days.fract().is_zero() {
                format!("over any {} consecutive days", days.normalize())
            } else {
                format!("over any {}", seconds_text(seconds.value()))
            }
        }
        None => String::new(),
    }
}

fn measured_text(agreement: &Agreement, measured: &Measurement) -> String {
    match measured {
        Measurement::AroundTheClock => "around the clock".to_string(),
        Measurement::BusinessHours { calendar } => {
            let title = agreement
                .calendars
                .iter()
                .find(|c| &c.id == calendar)
                .and_then(|c| c.title.clone())
                .unwrap_or_else(|| calendar.clone());
            format!("during {} ({})", cell(&title), code(calendar))
        }
    }
}

fn kind_text(kind: AgreementKind) -> &'static str {
    match kind {
        AgreementKind::Customer => "Service level agreement (customer SLA)",
        AgreementKind::Internal => "Operational level agreement (OLA)",
        AgreementKind::Underpinning => "Underpinning contract (UC)",
    }
}

fn status_text(agreement: &Agreement) -> String {
    let state = match agreement.status.state {
        Lifecycle::Draft => "Draft",
        Lifecycle::Review => "Under review",
        Lifecycle::Approved => "Approved",
        Lifecycle::Signed => "Signed",
        Lifecycle::Terminated => "Terminated",
    };
    match agreement.status.date {
        Some(date) => format!("{state} on {date}"),
        None => state.to_string(),
    }
}

fn origin_note(origin: &Origin) -> String {
    match (&origin.inherited_from, &origin.overrides) {
        (Some(parent), _) => format!(" (inherited from {})", code(parent)),
        (None, Some(parent)) => format!(" (overrides {})", code(parent)),
        (None, None) => String::new(),
    }
}

fn amount_text(amount: &Amount) -> String {
    match amount {
        Amount::PercentOfFee { percent: p, fee } => {
            let fee = match fee {
                FeeBasis::Monthly => "monthly",
                FeeBasis::Quarterly => "quarterly",
                FeeBasis::Annual => "annual",
            };
            format!("{} of the {fee} fee", percent(*p))
        }
        Amount::Money { amount, currency } => format!("{} {}", money(*amount), cell(currency)),
    }
}

/// The objective's name as a reader says it.
fn objective_name(agreement: &Agreement, objective: &Objective) -> String {
    match &objective.commitment {
        Commitment::Availability { .. } => "Availability".to_string(),
        Commitment::Latency { percentile, .. } => {
            format!("Response time of requests ({}th percentile)", percentile)
        }
        Commitment::ErrorRate { .. } => "Error rate".to_string(),
        Commitment::Throughput { .. } => "Throughput".to_string(),
        Commitment::Response { priority, .. } => {
            format!("Response to {}", priority_label(agreement, priority))
        }
        Commitment::Resolution { priority, .. } => {
            format!("Resolution of {}", priority_label(agreement, priority))
        }
        Commitment::Outcome { title, .. } => cell(title),
    }
}

fn priority_label(agreement: &Agreement, priority: &str) -> String {
    match agreement.priorities.iter().find(|p| p.id == priority) {
        Some(p) => format!("{} ({})", cell(priority), cell(&p.name)),
        None => cell(priority),
    }
}

fn target_text(objective: &Objective) -> String {
    match &objective.commitment {
        Commitment::Availability { target_percent } | Commitment::Outcome { target_percent, .. } => {
            if target_percent.value() == Decimal::ONE_HUNDRED {
                "100%".to_string()
            } else {
                format!("at least {}", percent(*target_percent))
            }
        }
        Commitment::Latency {
            threshold_seconds, ..
        } => format!("under {}", seconds_text(threshold_seconds.value())),
        Commitment::ErrorRate { max_percent } => {
            format!("at most {} of requests fail", percent(*max_percent))
        }
        Commitment::Throughput { minimum, unit, per } => {
            let per = match per {
                RateUnit::Second => "second",
                RateUnit::Minute => "minute",
                RateUnit::Hour => "hour",
                RateUnit::Day => "day",
            };
            format!(
                "at least {minimum} {} per {per}",
                unit.as_deref().map(cell).unwrap_or_default()
            )
            .replace("  ", " ")
        }
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
            if attainment_percent.value() == Decimal::ONE_HUNDRED {
                format!("within {}", duration_text(within))
            } else {
                format!(
                    "within {} for {} of tickets",
                    duration_text(within),
                    percent(*attainment_percent)
                )
            }
        }
    }
}

/// The plain-language meaning of an objective: what its budget allows.
fn meaning(agreement: &Agreement, objective: &Objective) -> String {
    let budget = objective.error_budget.as_ref();
    match &objective.commitment {
        Commitment::Availability { .. } => {
            let Some(budget) = budget else {
                return String::new();
            };
            if budget.allowed_percent.value() == Decimal::ZERO {
                return "no downtime at all".to_string();
            }
            let business = matches!(objective.measured, Measurement::BusinessHours { .. });
            let window_name = match objective.window {
                Some(Window::CalendarQuarter) => "quarter",
                Some(Window::CalendarYear) => "year",
                Some(Window::Rolling { .. }) => "window",
                _ => "month",
            };
            match (&budget.shortest_window, &budget.longest_window) {
                (Some(short), Some(long)) if business => {
                    let hours = |w: &crate::ir::BudgetWindow| {
                        (w.window_seconds.value() / Decimal::from(3_600))
                            .round_dp(2)
                            .normalize()
                    };
                    let first = format!(
                        "at most {} of downtime in the {} business hours of the shortest {window_name}",
                        seconds_text(short.allowed_seconds.value()),
                        hours(short)
                    );
                    if short == long {
                        first
                    } else {
                        format!(
                            "{first}, {} in the {} business hours of the longest",
                            seconds_text(long.allowed_seconds.value()),
                            hours(long)
                        )
                    }
                }
                (Some(short), Some(long)) => {
                    let days = |w: &crate::ir::BudgetWindow| {
                        (w.window_seconds.value() / Decimal::from(86_400)).normalize()
                    };
                    if short == long {
                        format!(
                            "at most {} of downtime in {} days",
                            seconds_text(short.allowed_seconds.value()),
                            days(short)
                        )
                    } else {
                        format!(
                            "at most {} of downtime in a {}-day {window_name}, {} in a {}-day {window_name}",
                            seconds_text(short.allowed_seconds.value()),
                            days(short),
                            seconds_text(long.allowed_seconds.value()),
                            days(long)
                        )
                    }
                }
                _ => format!("{} of the time may be lost", percent(budget.allowed_percent)),
            }
        }
        Commitment::Latency {
            percentile,
            threshold_seconds,
        } => format!(
            "{} of requests complete in under {}; at most {} may be slower",
            percent(*percentile),
            seconds_text(threshold_seconds.value()),
            budget.map(|b| percent(b.allowed_percent)).unwrap_or_default()
        ),
        Commitment::ErrorRate { max_percent } => {
            format!(
                "no more than {} of requests end in a server error",
                percent(*max_percent)
            )
        }
        Commitment::Outcome { target_percent, .. } => {
            if target_percent.value() == Decimal::ONE_HUNDRED {
                "every time, without exception".to_string()
            } else {
                format!("in at least {} of cases", percent(*target_percent))
            }
        }
        Commitment::Throughput { .. } => "sustained capacity, measured in the stated unit".to_string(),
        Commitment::Response { .. } | Commitment::Resolution { .. } => {
            let clock = measured_text(agreement, &objective.measured);
            format!("counted {clock}")
        }
    }
}

struct Sections {
    out: String,
    toc: Vec<(String, String)>,
}

impl Sections {
    /// A numbered section heading. `title` is plain text; it is escaped for display, and its
    /// anchor is made from the text as a reader sees it (GitHub's slug rules).
    fn heading(&mut self, title: &str) {
        let anchor: String = title
            .to_lowercase()
            .chars()
            .filter_map(|c| match c {
                'a'..='z' | '0'..='9' | '-' => Some(c),
                ' ' => Some('-'),
                _ => None,
            })
            .collect();
        let number = self.toc.len() + 1;
        // Exactly one blank line before a heading.
        while self.out.ends_with('\n') {
            self.out.pop();
        }
        let shown = escape(title);
        let _ = write!(self.out, "\n\n## {number}. {shown}\n\n");
        self.toc
            .push((format!("{number}. {shown}"), format!("{number}-{anchor}")));
    }
}

fn table(out: &mut String, header: &[&str], rows: &[Vec<String>]) {
    let _ = writeln!(out, "| {} |", header.join(" | "));
    let _ = writeln!(
        out,
        "|{}|",
        header.iter().map(|_| " --- ").collect::<Vec<_>>().join("|")
    );
    for row in rows {
        // An empty cell reads as a dash, so no cell is blank.
        let cells: Vec<&str> = row
            .iter()
            .map(|c| if c.trim().is_empty() { "–" } else { c.as_str() })
            .collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    out.push('\n');
}

/// An e-mail address as a link when it holds only characters that cannot break out of one;
/// otherwise as escaped text.
fn email(address: &str) -> String {
    let safe = address
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "._%+-@".contains(c));
    if safe && address.contains('@') {
        format!("<{address}>")
    } else {
        code(address)
    }
}

fn services_supporting<'a>(agreement: &Agreement, context: &'a DocumentContext<'a>) -> Vec<&'a Agreement> {
    context
        .agreements
        .iter()
        .filter(|a| a.id != agreement.id && a.supports.as_deref() == Some(agreement.id.as_str()))
        .copied()
        .collect()
}

/// The Markdown contract document of one agreement.
pub fn markdown(agreement: &Agreement, context: &DocumentContext<'_>) -> String {
    let mut doc = Sections {
        out: String::new(),
        toc: Vec::new(),
    };

    parties(agreement, &mut doc);
    if let Some(scope) = agreement.clauses.iter().find(|c| c.id == "scope") {
        doc.heading("Scope");
        let _ = writeln!(doc.out, "{}{}", escape(&scope.text), origin_note(&scope.origin));
    }
    definitions(agreement, &mut doc);
    for service in &agreement.services {
        service_section(agreement, service, &mut doc);
    }
    calendars(agreement, &mut doc);
    credits(agreement, &mut doc);
    exclusions(agreement, &mut doc);
    tiers(agreement, &mut doc);
    warnings(agreement, &mut doc);
    obligations(agreement, &mut doc);
    review(agreement, &mut doc);
    related(agreement, context, &mut doc);
    other_clauses(agreement, &mut doc);
    signatures(agreement, &mut doc);

    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", escape(&agreement.title));
    let mut facts: Vec<Vec<String>> = vec![
        vec!["Agreement".into(), code(&agreement.id)],
        vec!["Kind".into(), kind_text(agreement.kind).into()],
        vec![
            "Level".into(),
            match agreement.level {
                Level::Corporate => "Corporate level: terms for every customer",
                Level::Customer => "Customer level",
                Level::Service => "Service level",
            }
            .into(),
        ],
        vec!["Version".into(), escape(&agreement.version)],
        vec!["Status".into(), status_text(agreement)],
        vec!["Provider".into(), cell(&agreement.provider.name)],
        vec!["Customer".into(), cell(&agreement.customer.name)],
        vec!["Term".into(), term_text(agreement)],
    ];
    if let Some(parent) = &agreement.extends {
        facts.push(vec![
            "Extends".into(),
            format!(
                "{}: its terms apply unless this agreement overrides them",
                code(parent)
            ),
        ]);
    }
    if let Some(supported) = &agreement.supports {
        facts.push(vec!["Supports".into(), code(supported)]);
    }
    table(&mut out, &["Item", "Details"], &facts);
    out.push_str("## Contents\n\n");
    for (title, anchor) in &doc.toc {
        let _ = writeln!(out, "- [{title}](#{anchor})");
    }
    out.push_str(doc.out.trim_end());
    // Sections end with a blank line and headings start after one: never two in a row.
    while out.contains("\n\n\n") {
        out = out.replace("\n\n\n", "\n\n");
    }
    let _ = write!(
        out,
        "\n\n---\n\nGenerated by slac {} from {} (SHA-256 {}){}.\n",
        env!("CARGO_PKG_VERSION"),
        code(&agreement.source),
        code(&context.source_sha256),
        context.today.map(|d| format!(" on {d}")).unwrap_or_default()
    );
    out
}

fn term_text(agreement: &Agreement) -> String {
    let term = &agreement.term;
    let mut text = match term.end {
        Some(end) => format!("From {} to {end}", term.effective),
        None => format!("From {}, open-ended", term.effective),
    };
    if let Some(notice) = &term.notice {
        let _ = write!(text, "; notice period {notice}");
    }
    text
}

fn parties(agreement: &Agreement, doc: &mut Sections) {
    doc.heading("Parties");
    for (role, party) in [
        ("Provider", &agreement.provider),
        ("Customer", &agreement.customer),
    ] {
        let _ = writeln!(doc.out, "### {role}: {}\n", escape(&party.name));
        if party.contacts.is_empty() {
            doc.out.push_str("No contact is named.\n\n");
        } else {
            let rows: Vec<Vec<String>> = party
                .contacts
                .iter()
                .map(|c| {
                    vec![
                        cell(&c.name),
                        c.role.as_deref().map(cell).unwrap_or_default(),
                        c.email.as_deref().map(email).unwrap_or_default(),
                    ]
                })
                .collect();
            table(&mut doc.out, &["Contact", "Role", "E-mail"], &rows);
        }
    }
}

fn definitions(agreement: &Agreement, doc: &mut Sections) {
    doc.heading("Definitions");
    let windows: Vec<String> = agreement
        .maintenance_windows
        .iter()
        .map(|w| code(&w.id))
        .collect();
    let maintenance = if windows.is_empty() {
        String::new()
    } else {
        format!(", except during the maintenance windows {}", windows.join(", "))
    };
    let mut items = vec![
        format!("**Availability**: the share of the measurement period in which the service is usable by the customer, as measured for each service below."),
        format!("**Downtime**: time in which the service is not usable{maintenance}."),
    ];
    if !agreement.calendars.is_empty() {
        let calendars: Vec<String> = agreement
            .calendars
            .iter()
            .map(|c| {
                format!(
                    "{} ({}, {})",
                    cell(c.title.as_deref().unwrap_or(&c.id)),
                    code(&c.id),
                    escape(&c.timezone)
                )
            })
            .collect();
        items.push(format!(
            "**Business hours**: the opening hours of the calendar {} in section \"Business hours\", holidays excluded.",
            calendars.join(", ")
        ));
        items.push("**Business day**: a calendar day on which the objective's calendar is open. A target in business days ends at the close of business on the last of those days.".to_string());
    }
    items.push("**Response time**: the time from the customer's report of an incident to the provider's first qualified response, counted around the clock or in business hours as each target states.".to_string());
    items.push("**Resolution time**: the time from the report to the restoration of the service, counted as for the response time.".to_string());
    items.push("**Error budget**: the share of a measurement period in which a target may be missed without breaching it, 100% minus the target.".to_string());
    items.push("**Service credit**: the amount the provider credits against the fee when a target is missed, as set out in section \"Service credits\".".to_string());
    if !windows.is_empty() {
        items.push("**Maintenance window**: a recurring period, announced in advance, in which the provider may interrupt the service; it does not count as downtime.".to_string());
    }
    for item in items {
        let _ = writeln!(doc.out, "- {item}");
    }
}

fn service_section(agreement: &Agreement, service: &Service, doc: &mut Sections) {
    let title = service.title.clone().unwrap_or_else(|| service.id.clone());
    doc.heading(&format!("Service: {title}"));
    let _ = writeln!(
        doc.out,
        "Service {}{}.\n",
        code(&service.id),
        origin_note(&service.origin)
    );
    if let Some(description) = &service.description {
        let _ = writeln!(doc.out, "{}\n", escape(description));
    }
    outcomes_table(agreement, service, doc);
    levels_table(agreement, service, doc);
    support_table(agreement, service, doc);
    sites_table(agreement, service, doc);
    related_services(agreement, service, doc);
}

/// "What the customer gets": the service's business outcomes.
fn outcomes_table(agreement: &Agreement, service: &Service, doc: &mut Sections) {
    let outcomes: Vec<&Objective> = service
        .objectives
        .iter()
        .filter(|o| matches!(o.commitment, Commitment::Outcome { .. }))
        .map(|o| &**o)
        .collect();
    if !outcomes.is_empty() {
        doc.out.push_str("### What the customer gets\n\n");
        let rows: Vec<Vec<String>> = outcomes
            .iter()
            .map(|o| {
                vec![
                    format!("{}{}", objective_name(agreement, o), origin_note(&o.origin)),
                    format!("{} {}", target_text(o), window_text(&o.window)),
                    meaning(agreement, o),
                    o.measured_by
                        .as_deref()
                        .map(cell)
                        .unwrap_or_else(|| "Not stated".into()),
                ]
            })
            .collect();
        table(
            &mut doc.out,
            &["Outcome", "Target", "Meaning", "How it is measured"],
            &rows,
        );
    }
}

/// "Service levels": availability, latency, error rate and throughput.
fn levels_table(agreement: &Agreement, service: &Service, doc: &mut Sections) {
    let levels: Vec<&Objective> = service
        .objectives
        .iter()
        .filter(|o| {
            matches!(
                o.commitment,
                Commitment::Availability { .. }
                    | Commitment::Latency { .. }
                    | Commitment::ErrorRate { .. }
                    | Commitment::Throughput { .. }
            )
        })
        .map(|o| &**o)
        .collect();
    if !levels.is_empty() {
        doc.out.push_str("### Service levels\n\n");
        let rows: Vec<Vec<String>> = levels
            .iter()
            .map(|o| {
                vec![
                    format!("{}{}", objective_name(agreement, o), origin_note(&o.origin)),
                    format!("{} {}", target_text(o), window_text(&o.window))
                        .trim()
                        .to_string(),
                    measured_text(agreement, &o.measured),
                    meaning(agreement, o),
                    measurement_text(o),
                ]
            })
            .collect();
        table(
            &mut doc.out,
            &["Objective", "Target", "Counted", "Meaning", "How it is measured"],
            &rows,
        );
    }
}

/// "Support": response and resolution targets, by priority.
fn support_table(agreement: &Agreement, service: &Service, doc: &mut Sections) {
    let support: Vec<&str> = agreement
        .priorities
        .iter()
        .map(|p| p.id.as_str())
        .filter(|p| {
            service
                .objectives
                .iter()
                .any(|o| o.id == format!("response.{p}") || o.id == format!("resolution.{p}"))
        })
        .collect();
    if !support.is_empty() {
        doc.out.push_str("### Support\n\n");
        let find = |prefix: &str, priority: &str| {
            service
                .objectives
                .iter()
                .find(|o| o.id == format!("{prefix}.{priority}"))
                .map(|o| {
                    format!(
                        "{}, {}{}",
                        target_text(o),
                        measured_text(agreement, &o.measured),
                        origin_note(&o.origin)
                    )
                })
                .unwrap_or_else(|| "no target".to_string())
        };
        let rows: Vec<Vec<String>> = support
            .iter()
            .map(|p| {
                vec![
                    priority_label(agreement, p),
                    find("response", p),
                    find("resolution", p),
                ]
            })
            .collect();
        table(&mut doc.out, &["Priority", "Response", "Resolution"], &rows);
    }
}

/// "Sites and regions": each site's targets beside the service's default.
fn sites_table(agreement: &Agreement, service: &Service, doc: &mut Sections) {
    if !service.sites.is_empty() {
        doc.out.push_str("### Sites and regions\n\n");
        let mut header: Vec<String> = vec!["Objective".into(), "Default".into()];
        header.extend(
            service
                .sites
                .iter()
                .map(|s| cell(s.title.as_deref().unwrap_or(&s.id))),
        );
        let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
        let mut rows: Vec<Vec<String>> = Vec::new();
        let locations: Vec<String> = service
            .sites
            .iter()
            .map(|s| s.locations.iter().map(|l| cell(l)).collect::<Vec<_>>().join("; "))
            .collect();
        if locations.iter().any(|l| !l.is_empty()) {
            let mut row = vec!["Location".to_string(), String::new()];
            row.extend(locations);
            rows.push(row);
        }
        for objective in &service.objectives {
            let mut row = vec![objective_name(agreement, objective), target_text(objective)];
            for site in &service.sites {
                let value = site
                    .objectives
                    .iter()
                    .find(|o| o.id == objective.id)
                    .map(|o| {
                        if site.overridden.contains(&o.id) {
                            format!("**{}**", target_text(o))
                        } else {
                            "as default".to_string()
                        }
                    })
                    .unwrap_or_default();
                row.push(value);
            }
            rows.push(row);
        }
        table(&mut doc.out, &header_refs, &rows);
        doc.out
            .push_str("Targets in bold differ from the service's default at that site.\n\n");
    }
}

/// The services this one depends on and the one it underpins, in a sentence.
fn related_services(agreement: &Agreement, service: &Service, doc: &mut Sections) {
    let mut related = Vec::new();
    if !service.depends_on.is_empty() {
        let names: Vec<String> = service
            .depends_on
            .iter()
            .map(|d| {
                if d.agreement == agreement.id {
                    code(&d.service)
                } else {
                    format!("{}.{}", code(&d.agreement), code(&d.service))
                }
            })
            .collect();
        related.push(format!("It depends on {}.", names.join(", ")));
    }
    if let Some(supported) = &service.supports {
        related.push(format!(
            "It underpins {} of {}.",
            code(&supported.service),
            code(&supported.agreement)
        ));
    }
    if !related.is_empty() {
        let _ = writeln!(doc.out, "{}", related.join(" "));
    }
}

fn measurement_text(objective: &Objective) -> String {
    let mut parts = Vec::new();
    if let Some(text) = &objective.measured_by {
        parts.push(cell(text));
    }
    match objective.indicator.as_deref() {
        Some(crate::ir::Indicator::PrometheusRatio { good, bad, total }) => {
            let events = match (good, bad) {
                (Some(good), _) => format!("good events {}", code(good)),
                (None, Some(bad)) => format!("failed events {}", code(bad)),
                _ => String::new(),
            };
            parts.push(format!("Prometheus: {events} of all events {}", code(total)));
        }
        Some(crate::ir::Indicator::PrometheusHistogram { metric, matchers }) => {
            let selector = if matchers.is_empty() {
                metric.clone()
            } else {
                format!("{metric}{{{matchers}}}")
            };
            parts.push(format!("Prometheus histogram {}", code(&selector)));
        }
        None => {}
    }
    if parts.is_empty() {
        "Not stated".to_string()
    } else {
        parts
            .iter()
            .map(|p| p.trim_end_matches('.').to_string() + ".")
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn calendars(agreement: &Agreement, doc: &mut Sections) {
    if agreement.calendars.is_empty() {
        return;
    }
    doc.heading("Business hours");
    for calendar in &agreement.calendars {
        let _ = writeln!(
            doc.out,
            "### {} ({})\n\nTime zone: {}{}.\n",
            escape(calendar.title.as_deref().unwrap_or(&calendar.id)),
            code(&calendar.id),
            escape(&calendar.timezone),
            origin_note(&calendar.origin)
        );
        if calendar.always_open {
            doc.out
                .push_str("Open around the clock, every day of the year.\n\n");
            continue;
        }
        let rows: Vec<Vec<String>> = crate::ir::Weekday::ALL
            .iter()
            .map(|day| {
                let hours = calendar
                    .weekly_hours
                    .iter()
                    .find(|d| d.day == *day)
                    .map(|d| {
                        d.intervals
                            .iter()
                            .map(|i| format!("{}–{}", i.start, i.end))
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_else(|| "closed".to_string());
                let name = format!("{day:?}");
                vec![name, hours]
            })
            .collect();
        table(&mut doc.out, &["Day", "Hours"], &rows);
        if !calendar.holidays.is_empty() {
            let rows: Vec<Vec<String>> = calendar
                .holidays
                .iter()
                .map(|h| {
                    let when = if h.first == h.last {
                        h.first.to_string()
                    } else {
                        format!("{} to {}", h.first, h.last)
                    };
                    vec![when, cell(&h.name)]
                })
                .collect();
            table(&mut doc.out, &["Holiday", "Name"], &rows);
        }
    }
}

fn credits(agreement: &Agreement, doc: &mut Sections) {
    if agreement.credit_policies.is_empty() && agreement.penalties.is_empty() {
        return;
    }
    doc.heading("Service credits");
    for policy in &agreement.credit_policies {
        let service = agreement
            .services
            .iter()
            .find(|s| s.id == policy.objective.service);
        let objective =
            service.and_then(|s| s.objectives.iter().find(|o| o.id == policy.objective.objective));
        let name = match (service, objective) {
            (Some(s), Some(o)) => format!(
                "{} of {}",
                objective_name(agreement, o),
                cell(s.title.as_deref().unwrap_or(&s.id))
            ),
            _ => code(&format!(
                "{}.{}",
                policy.objective.service, policy.objective.objective
            )),
        };
        let _ = writeln!(doc.out, "### {name}{}\n", origin_note(&policy.origin));
        let _ = writeln!(
            doc.out,
            "The level is measured {}.\n",
            window_text(&policy.window)
        );
        let rows: Vec<Vec<String>> = policy
            .tiers
            .iter()
            .map(|t| {
                let upper = t.upper();
                let upper = format!(
                    "{} {}",
                    if upper.inclusive { "at most" } else { "below" },
                    percent(upper.percent)
                );
                let level = match t.lower() {
                    Some(lower) => format!(
                        "{} {} and {upper}",
                        if lower.inclusive { "at least" } else { "above" },
                        percent(lower.percent)
                    ),
                    None => upper,
                };
                vec![level, amount_text(&t.credit)]
            })
            .collect();
        table(&mut doc.out, &["Measured level", "Credit"], &rows);
        if let Some(cap) = &policy.cap {
            let _ = writeln!(
                doc.out,
                "Credits for this objective are capped at {} per period.\n",
                amount_text(cap)
            );
        }
        if let Some(minimum) = &policy.minimum {
            let _ = writeln!(
                doc.out,
                "A credit smaller than {} is not issued.\n",
                amount_text(minimum)
            );
        }
        if let Some(claim) = &policy.claim_within {
            let _ = writeln!(
                doc.out,
                "The customer claims a credit within {} after the end of the period it is owed for.\n",
                claim
            );
        }
    }
    if !agreement.penalties.is_empty() {
        doc.out.push_str("### Penalties\n\n");
        let rows: Vec<Vec<String>> = agreement
            .penalties
            .iter()
            .map(|p| {
                let service = agreement.services.iter().find(|s| s.id == p.objective.service);
                let objective =
                    service.and_then(|s| s.objectives.iter().find(|o| o.id == p.objective.objective));
                let name = match objective {
                    Some(o) => objective_name(agreement, o),
                    None => code(&p.objective.objective),
                };
                vec![
                    format!(
                        "{name} ({}){}",
                        code(&p.objective.service),
                        origin_note(&p.origin)
                    ),
                    amount_text(&p.per_breach),
                    p.cap.as_ref().map(amount_text).unwrap_or_else(|| "no cap".into()),
                ]
            })
            .collect();
        table(&mut doc.out, &["Missed target", "Per breach", "Cap"], &rows);
    }
}

fn exclusions(agreement: &Agreement, doc: &mut Sections) {
    let exclusion = agreement.clauses.iter().find(|c| c.id == "exclusions");
    if exclusion.is_none() && agreement.maintenance_windows.is_empty() {
        return;
    }
    doc.heading("Exclusions and maintenance");
    if let Some(clause) = exclusion {
        let _ = writeln!(
            doc.out,
            "{}{}\n",
            escape(&clause.text),
            origin_note(&clause.origin)
        );
    }
    if !agreement.maintenance_windows.is_empty() {
        let rows: Vec<Vec<String>> = agreement
            .maintenance_windows
            .iter()
            .map(|w| {
                let when: Vec<String> = w
                    .weekly_hours
                    .iter()
                    .map(|d| {
                        format!(
                            "{:?} {}",
                            d.day,
                            d.intervals
                                .iter()
                                .map(|i| format!("{}–{}", i.start, i.end))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    })
                    .collect();
                vec![
                    format!(
                        "{}{}",
                        cell(w.title.as_deref().unwrap_or(&w.id)),
                        origin_note(&w.origin)
                    ),
                    when.join("; "),
                    escape(&w.timezone),
                    w.notice
                        .as_ref()
                        .map(duration_text)
                        .map(|n| format!("{n} ahead"))
                        .unwrap_or_else(|| "none stated".into()),
                    w.applies_to
                        .iter()
                        .map(|s| code(s))
                        .collect::<Vec<_>>()
                        .join(", "),
                ]
            })
            .collect();
        table(
            &mut doc.out,
            &["Maintenance window", "When", "Time zone", "Announced", "Services"],
            &rows,
        );
    }
}

fn tiers(agreement: &Agreement, doc: &mut Sections) {
    if agreement.pricing_tiers.is_empty() {
        return;
    }
    doc.heading("Pricing tiers");
    let mut header: Vec<String> = vec!["".into()];
    header.extend(
        agreement
            .pricing_tiers
            .iter()
            .map(|t| cell(t.title.as_deref().unwrap_or(&t.id))),
    );
    header[0] = "Item".into();
    let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut price = vec!["Price".to_string()];
    for tier in &agreement.pricing_tiers {
        let period = match tier.period {
            PricePeriod::Month => "month",
            PricePeriod::Quarter => "quarter",
            PricePeriod::Year => "year",
        };
        price.push(
            tier.price
                .as_ref()
                .map(|p| format!("{} {} per {period}", money(p.amount), cell(&p.currency)))
                .unwrap_or_default(),
        );
    }
    rows.push(price);
    for service in &agreement.services {
        for objective in &service.objectives {
            let mut row = vec![format!(
                "{} ({})",
                objective_name(agreement, objective),
                code(&service.id)
            )];
            for tier in &agreement.pricing_tiers {
                let in_tier = tier.services.iter().find(|s| s.service == service.id);
                let value = match in_tier.and_then(|s| s.objectives.iter().find(|o| o.id == objective.id)) {
                    Some(o) if in_tier.is_some_and(|s| s.overridden.contains(&o.id)) => {
                        format!("{}, {}", target_text(o), measured_text(agreement, &o.measured))
                    }
                    _ => format!(
                        "{}, {}",
                        target_text(objective),
                        measured_text(agreement, &objective.measured)
                    ),
                };
                row.push(value);
            }
            rows.push(row);
        }
    }
    table(&mut doc.out, &header_refs, &rows);
}

fn warnings(agreement: &Agreement, doc: &mut Sections) {
    let rows: Vec<Vec<String>> = agreement
        .services
        .iter()
        .flat_map(|s| s.objectives.iter().map(move |o| (s, o)))
        .filter_map(|(s, o)| {
            o.warn_at_budget_spent_percent.map(|w| {
                vec![
                    format!("{} ({})", objective_name(agreement, o), code(&s.id)),
                    format!("{} of the error budget is spent", percent(w)),
                ]
            })
        })
        .collect();
    if rows.is_empty() {
        return;
    }
    doc.heading("Early warnings");
    doc.out
        .push_str("The provider alerts both parties before a target is missed:\n\n");
    table(&mut doc.out, &["Objective", "Warning when"], &rows);
}

fn obligations(agreement: &Agreement, doc: &mut Sections) {
    if agreement.obligations.is_empty() {
        return;
    }
    doc.heading("Obligations");
    for (role, title) in [
        (crate::ir::PartyRole::Provider, "The provider"),
        (crate::ir::PartyRole::Customer, "The customer"),
    ] {
        let items: Vec<String> = agreement
            .obligations
            .iter()
            .filter(|o| o.party == role)
            .map(|o| format!("- {}{}", escape(&o.text), origin_note(&o.origin)))
            .collect();
        if !items.is_empty() {
            let _ = writeln!(doc.out, "### {title}\n\n{}\n", items.join("\n"));
        }
    }
}

fn review(agreement: &Agreement, doc: &mut Sections) {
    doc.heading("Review and revision");
    match &agreement.review {
        Some(cadence) => {
            let _ = write!(doc.out, "The parties review this agreement every {}", cadence);
            if let Some(last) = agreement.last_review {
                let _ = write!(doc.out, "; the last review was on {last}");
            }
            doc.out.push_str(".\n\n");
        }
        None => doc.out.push_str("No review schedule is agreed.\n\n"),
    }
    if let Some(plan) = &agreement.revision_plan {
        let _ = writeln!(doc.out, "{}\n", escape(plan));
    }
}

fn related(agreement: &Agreement, context: &DocumentContext<'_>, doc: &mut Sections) {
    let supporters = services_supporting(agreement, context);
    if supporters.is_empty() && agreement.supports.is_none() {
        return;
    }
    doc.heading("Related agreements");
    if let Some(supported) = &agreement.supports {
        let title = context
            .agreements
            .iter()
            .find(|a| &a.id == supported)
            .map(|a| cell(&a.title));
        let _ = writeln!(
            doc.out,
            "This agreement underpins {}{}.\n",
            code(supported),
            title.map(|t| format!(" ({t})")).unwrap_or_default()
        );
    }
    if !supporters.is_empty() {
        let rows: Vec<Vec<String>> = supporters
            .iter()
            .map(|a| {
                vec![
                    cell(&a.title),
                    code(&a.id),
                    kind_text(a.kind).to_string(),
                    cell(&a.provider.name),
                ]
            })
            .collect();
        doc.out.push_str("These agreements underpin this one:\n\n");
        table(&mut doc.out, &["Agreement", "Id", "Kind", "Provider"], &rows);
    }
}

fn other_clauses(agreement: &Agreement, doc: &mut Sections) {
    let others: Vec<_> = agreement
        .clauses
        .iter()
        .filter(|c| c.id != "scope" && c.id != "exclusions")
        .collect();
    if others.is_empty() {
        return;
    }
    doc.heading("Further terms");
    for clause in others {
        let mut title = clause.id.replace(['-', '_'], " ");
        if let Some(first) = title.get(..1) {
            title = first.to_uppercase() + &title[1..];
        }
        let _ = writeln!(
            doc.out,
            "### {}\n\n{}{}\n",
            escape(&title),
            escape(&clause.text),
            origin_note(&clause.origin)
        );
    }
}

fn signatures(agreement: &Agreement, doc: &mut Sections) {
    doc.heading("Signatures");
    let mut rows = Vec::new();
    for (role, party) in [
        ("Provider", &agreement.provider),
        ("Customer", &agreement.customer),
    ] {
        if party.signatories.is_empty() {
            rows.push(vec![
                format!("{role}: {}", cell(&party.name)),
                String::new(),
                String::new(),
                String::new(),
            ]);
        }
        for signatory in &party.signatories {
            rows.push(vec![
                format!("{role}: {}", cell(&party.name)),
                cell(&signatory.name),
                signatory.title.as_deref().map(cell).unwrap_or_default(),
                signatory.signed.map(|d| d.to_string()).unwrap_or_default(),
            ]);
        }
    }
    table(&mut doc.out, &["Party", "Name", "Title", "Date"], &rows);
    doc.out
        .push_str("Signature: ______________________    Signature: ______________________\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_cannot_break_out() {
        assert_eq!(escape("a | b"), "a \\| b");
        assert_eq!(
            escape("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(escape("# not a heading"), "\\# not a heading");
        assert_eq!(escape("`code` and *bold*"), "\\`code\\` and \\*bold\\*");
        assert_eq!(cell("one\n\ntwo"), "one two");
        assert_eq!(escape("line\nbreak"), "line break");
        assert_eq!(escape("1. not a list"), "1\\. not a list");
        assert_eq!(escape("version 1.2"), "version 1.2");
        assert_eq!(escape("1.1.0"), "1.1.0");
    }

    #[test]
    fn durations_read_as_people_write_them() {
        assert_eq!(seconds_text(Decimal::from(2592)), "43 min 12 s");
        assert_eq!(seconds_text(Decimal::new(3, 1)), "300 ms");
        assert_eq!(seconds_text(Decimal::from(14_400)), "4 h");
        assert_eq!(seconds_text(Decimal::new(12096, 1)), "20 min 9.6 s");
        assert_eq!(seconds_text(Decimal::new(864, 3)), "864 ms");
    }
}
