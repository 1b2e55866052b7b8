//! The comparisons behind `diff`: one function per kind of item, each pushing the changes it
//! finds with their impact on the customer.

use std::cmp::Ordering;
use std::collections::BTreeSet;
use std::sync::Arc;

use rust_decimal::Decimal;

use super::{Change, Impact};
use crate::emit::burn::window_days;
use crate::ir::words::{amount_text, duration_text, percent_text as percent, seconds_text, tier_bounds_text};
use crate::ir::{key, Key};
use crate::ir::{
    Agreement, Amount, Calendar, CalendarPeriod, Commitment, CreditPolicy, CreditTier, DayHours, Duration,
    MaintenanceWindow, Measurement, Objective, PartyRole, PeriodUnit, Service, Window,
};

struct Changes {
    list: Vec<Change>,
}

impl Changes {
    fn push(
        &mut self,
        subject: &str,
        description: impl Into<String>,
        before: Option<String>,
        after: Option<String>,
        impact: Impact,
        location: Option<Key>,
    ) {
        self.list.push(Change {
            subject: subject.to_string(),
            description: description.into(),
            before,
            after,
            impact,
            location,
        });
    }

    /// An item added (`added`) or removed, with `impact` being the impact of adding it.
    fn presence(
        &mut self,
        subject: &str,
        what: &str,
        added: bool,
        shown: Option<String>,
        impact: Impact,
        location: Option<Key>,
    ) {
        if added {
            self.push(subject, format!("{what} added"), None, shown, impact, location);
        } else {
            self.push(
                subject,
                format!("{what} removed"),
                shown,
                None,
                impact.reversed(),
                None,
            );
        }
    }

    /// A neutral change of a value shown as text, if it changed.
    fn text(
        &mut self,
        subject: &str,
        what: &str,
        before: Option<String>,
        after: Option<String>,
        location: &Option<Key>,
    ) {
        if before != after {
            let description = match (&before, &after) {
                (None, Some(_)) => format!("{what} added"),
                (Some(_), None) => format!("{what} removed"),
                _ => format!("{what} changed"),
            };
            self.push(subject, description, before, after, Impact::Neutral, *location);
        }
    }

    /// A value where higher (or lower) promises more.
    #[allow(clippy::too_many_arguments)]
    fn ordered(
        &mut self,
        subject: &str,
        what: &str,
        before: Decimal,
        after: Decimal,
        higher_promises_more: bool,
        show: impl Fn(Decimal) -> String,
        location: &Option<Key>,
    ) {
        let ordering = after.cmp(&before);
        if ordering == Ordering::Equal {
            return;
        }
        let verb = if ordering == Ordering::Greater {
            "raised"
        } else {
            "lowered"
        };
        self.push(
            subject,
            format!("{what} {verb}"),
            Some(show(before)),
            Some(show(after)),
            Impact::of_ordering(ordering, higher_promises_more),
            *location,
        );
    }
}

impl Impact {
    /// The impact of removing what it would be `self` to add.
    fn reversed(self) -> Impact {
        match self {
            Impact::Strengthened => Impact::Weakened,
            Impact::Weakened => Impact::Strengthened,
            Impact::Neutral => Impact::Neutral,
        }
    }
}

/// The items of two versions matched by a key: those in both, and those in only one of them
/// (`true` for added, `false` for removed).
struct Matched<'a, T> {
    both: Vec<(&'a T, &'a T)>,
    only: Vec<(&'a T, bool)>,
}

fn matched<'a, T, K: PartialEq>(before: &'a [T], after: &'a [T], key: impl Fn(&T) -> K) -> Matched<'a, T> {
    let mut both = Vec::new();
    let mut only = Vec::new();
    for item in after {
        match before.iter().find(|b| key(b) == key(item)) {
            Some(old) => both.push((old, item)),
            None => only.push((item, true)),
        }
    }
    only.extend(
        before
            .iter()
            .filter(|b| !after.iter().any(|a| key(a) == key(b)))
            .map(|b| (b, false)),
    );
    Matched { both, only }
}

fn window_text(window: &Option<Window>) -> String {
    match window {
        Some(Window::CalendarMonth) => "calendar month".into(),
        Some(Window::CalendarQuarter) => "calendar quarter".into(),
        Some(Window::CalendarYear) => "calendar year".into(),
        Some(Window::Rolling { seconds }) => format!("rolling {}", seconds_text(seconds.value())),
        None => "no window".into(),
    }
}

fn measured_text(measured: &Measurement) -> String {
    match measured {
        Measurement::AroundTheClock => "around the clock".into(),
        Measurement::BusinessHours { calendar } => format!("during {calendar}"),
    }
}

/// How two amounts compare, when they are in the same unit.
fn compare_amounts(before: &Amount, after: &Amount) -> Option<Ordering> {
    match (before, after) {
        (Amount::PercentOfFee { percent: a, fee: x }, Amount::PercentOfFee { percent: b, fee: y })
            if x == y =>
        {
            Some(b.value().cmp(&a.value()))
        }
        (
            Amount::Money {
                amount: a,
                currency: x,
            },
            Amount::Money {
                amount: b,
                currency: y,
            },
        ) if x == y => Some(b.value().cmp(&a.value())),
        _ => None,
    }
}

/// A calendar period in days, for comparison only.
fn period_days(period: &CalendarPeriod) -> Decimal {
    let unit = match period.unit {
        PeriodUnit::Days => Decimal::ONE,
        PeriodUnit::Weeks => Decimal::from(7),
        PeriodUnit::Months => Decimal::new(304_375, 4),
        PeriodUnit::Years => Decimal::new(36_525, 2),
    };
    Decimal::from(period.count) * unit
}

/// The changes of one agreement.
pub(super) fn agreement(before: &Agreement, after: &Agreement) -> Vec<Change> {
    let mut changes = Changes { list: Vec::new() };
    let id = &after.id;
    header_changes(&mut changes, before, after);
    party_changes(&mut changes, before, after);
    term(&mut changes, before, after);
    review(&mut changes, before, after);
    clause_changes(&mut changes, before, after);
    obligations(&mut changes, before, after);
    calendar_and_priority_changes(&mut changes, before, after);
    maintenance(
        &mut changes,
        id,
        &before.maintenance_windows,
        &after.maintenance_windows,
    );
    services_changes(&mut changes, before, after);
    credits(&mut changes, id, &before.credit_policies, &after.credit_policies);
    penalties(&mut changes, id, before, after);
    pricing(&mut changes, id, before, after);
    changes.list
}

/// The agreement's own lines: title, kind, level, `extends`, `supports`, status.
fn header_changes(changes: &mut Changes, before: &Agreement, after: &Agreement) {
    let id = &after.id;
    let here = Some(key::agreement(id));
    changes.text(
        "",
        "title",
        Some(before.title.clone()),
        Some(after.title.clone()),
        &here,
    );
    changes.text(
        "",
        "kind",
        Some(format!("{:?}", before.kind).to_lowercase()),
        Some(format!("{:?}", after.kind).to_lowercase()),
        &here,
    );
    changes.text(
        "",
        "level",
        Some(format!("{:?}", before.level).to_lowercase()),
        Some(format!("{:?}", after.level).to_lowercase()),
        &here,
    );
    changes.text(
        "",
        "parent agreement (`extends`)",
        before.extends.clone(),
        after.extends.clone(),
        &here,
    );
    changes.text(
        "",
        "supported agreement (`supports`)",
        before.supports.clone(),
        after.supports.clone(),
        &here,
    );
    let status = |a: &Agreement| {
        let state = format!("{:?}", a.status.state).to_lowercase();
        Some(a.status.date.map_or(state.clone(), |d| format!("{state} {d}")))
    };
    changes.text(
        "",
        "status",
        status(before),
        status(after),
        &Some(key::status(id)),
    );
}

/// The provider's and the customer's names, contacts and signatories.
fn party_changes(changes: &mut Changes, before: &Agreement, after: &Agreement) {
    let id = &after.id;
    for (role, b, a) in [
        ("provider", &before.provider, &after.provider),
        ("customer", &before.customer, &after.customer),
    ] {
        let location = Some(key::party(id, role));
        changes.text(
            "",
            &format!("{role} name"),
            Some(b.name.clone()),
            Some(a.name.clone()),
            &location,
        );
        let contacts = |p: &crate::ir::Party| {
            let list: Vec<String> = p
                .contacts
                .iter()
                .map(|c| {
                    format!(
                        "{}{}",
                        c.name,
                        c.email.as_ref().map(|e| format!(" <{e}>")).unwrap_or_default()
                    )
                })
                .collect();
            (!list.is_empty()).then(|| list.join(", "))
        };
        changes.text(
            "",
            &format!("{role} contacts"),
            contacts(b),
            contacts(a),
            &location,
        );
        let signatories = |p: &crate::ir::Party| {
            let list: Vec<String> = p
                .signatories
                .iter()
                .map(|s| {
                    format!(
                        "{}{}",
                        s.name,
                        s.signed.map(|d| format!(" (signed {d})")).unwrap_or_default()
                    )
                })
                .collect();
            (!list.is_empty()).then(|| list.join(", "))
        };
        changes.text(
            "",
            &format!("{role} signatories"),
            signatories(b),
            signatories(a),
            &location,
        );
    }
}

/// Clauses added, changed and removed.
fn clause_changes(changes: &mut Changes, before: &Agreement, after: &Agreement) {
    let here = Some(key::agreement(&after.id));
    let clauses = |a: &Agreement| {
        a.clauses
            .iter()
            .map(|c| (c.id.clone(), c.text.clone()))
            .collect::<Vec<_>>()
    };
    let (old_clauses, new_clauses) = (clauses(before), clauses(after));
    for (clause, text) in &new_clauses {
        let old = old_clauses
            .iter()
            .find(|(c, _)| c == clause)
            .map(|(_, t)| t.clone());
        changes.text("", &format!("clause `{clause}`"), old, Some(text.clone()), &here);
    }
    for (clause, text) in old_clauses
        .iter()
        .filter(|(c, _)| !new_clauses.iter().any(|(n, _)| n == c))
    {
        changes.text("", &format!("clause `{clause}`"), Some(text.clone()), None, &here);
    }
}

/// Calendars changed, added and removed; priorities added and removed.
fn calendar_and_priority_changes(changes: &mut Changes, before: &Agreement, after: &Agreement) {
    let id = &after.id;
    let calendars = matched(&before.calendars, &after.calendars, |c| c.id.clone());
    for (old, new) in calendars.both {
        calendar_changes(changes, id, old, new);
    }
    for (calendar, added) in calendars.only {
        let location = Some(key::calendar(id, &calendar.id));
        let subject = format!("calendar {}", calendar.id);
        changes.presence(
            &subject,
            "calendar",
            added,
            calendar.title.clone(),
            Impact::Neutral,
            location,
        );
    }
    for (priority, added) in matched(&before.priorities, &after.priorities, |p| p.id.clone()).only {
        let location = Some(key::priority(id, &priority.id));
        let subject = format!("priority {}", priority.id);
        changes.presence(
            &subject,
            "priority",
            added,
            Some(priority.name.clone()),
            Impact::Neutral,
            location,
        );
    }
}

/// Services changed, added and removed.
fn services_changes(changes: &mut Changes, before: &Agreement, after: &Agreement) {
    let id = &after.id;
    let services = matched(&before.services, &after.services, |s| s.id.clone());
    for (old, new) in services.both {
        service_changes(changes, id, old, new);
    }
    for (service, added) in services.only {
        let location = Some(key::service(id, &service.id));
        let subject = format!("service {}", service.id);
        changes.presence(
            &subject,
            "service",
            added,
            service.title.clone(),
            Impact::Strengthened,
            location,
        );
    }
}

fn term(changes: &mut Changes, before: &Agreement, after: &Agreement) {
    let location = Some(key::term(&after.id));
    let (b, a) = (&before.term, &after.term);
    changes.text(
        "",
        "term start",
        Some(b.effective.to_string()),
        Some(a.effective.to_string()),
        &location,
    );
    let end = |d: Option<chrono::NaiveDate>| d.map_or("open-ended".to_string(), |d| d.to_string());
    if b.end != a.end {
        let impact = match (b.end, a.end) {
            (None, Some(_)) => Impact::Weakened,
            (Some(_), None) => Impact::Strengthened,
            (Some(x), Some(y)) => Impact::of_ordering(y.cmp(&x), true),
            (None, None) => Impact::Neutral,
        };
        let description = if impact == Impact::Strengthened {
            "term extended"
        } else {
            "term shortened"
        };
        changes.push(
            "",
            description,
            Some(end(b.end)),
            Some(end(a.end)),
            impact,
            location,
        );
    }
    changes.text(
        "",
        "notice period",
        b.notice.map(|n| n.to_string()),
        a.notice.map(|n| n.to_string()),
        &location,
    );
}

fn review(changes: &mut Changes, before: &Agreement, after: &Agreement) {
    let location = Some(key::review(&after.id));
    match (&before.review, &after.review) {
        (Some(b), Some(a)) => {
            let ordering = period_days(a).cmp(&period_days(b));
            if ordering != Ordering::Equal {
                let description = if ordering == Ordering::Less {
                    "reviews more often"
                } else {
                    "reviews less often"
                };
                changes.push(
                    "",
                    description,
                    Some(format!("every {b}")),
                    Some(format!("every {a}")),
                    Impact::of_ordering(ordering, false),
                    location,
                );
            }
        }
        (None, Some(a)) => changes.push(
            "",
            "review cadence added",
            None,
            Some(format!("every {a}")),
            Impact::Strengthened,
            location,
        ),
        (Some(b), None) => changes.push(
            "",
            "review cadence removed",
            Some(format!("every {b}")),
            None,
            Impact::Weakened,
            None,
        ),
        (None, None) => {}
    }
    changes.text(
        "",
        "last review",
        before.last_review.map(|d| d.to_string()),
        after.last_review.map(|d| d.to_string()),
        &location,
    );
    changes.text(
        "",
        "revision plan",
        before.revision_plan.clone(),
        after.revision_plan.clone(),
        &location,
    );
}

fn obligations(changes: &mut Changes, before: &Agreement, after: &Agreement) {
    let set = |a: &Agreement| -> BTreeSet<(String, String)> {
        a.obligations
            .iter()
            .map(|o| {
                (
                    if o.party == PartyRole::Provider {
                        "provider"
                    } else {
                        "customer"
                    }
                    .to_string(),
                    o.text.clone(),
                )
            })
            .collect()
    };
    let (old, new) = (set(before), set(after));
    let here = Some(key::agreement(&after.id));
    for (party, text) in new.difference(&old) {
        let impact = if party == "provider" {
            Impact::Strengthened
        } else {
            Impact::Weakened
        };
        changes.push(
            "",
            format!("{party} obligation added"),
            None,
            Some(text.clone()),
            impact,
            here,
        );
    }
    for (party, text) in old.difference(&new) {
        let impact = if party == "provider" {
            Impact::Weakened
        } else {
            Impact::Strengthened
        };
        changes.push(
            "",
            format!("{party} obligation removed"),
            Some(text.clone()),
            None,
            impact,
            None,
        );
    }
}

fn hours_text(hours: &[DayHours]) -> String {
    hours
        .iter()
        .map(|d| {
            let intervals: Vec<String> = d
                .intervals
                .iter()
                .map(|i| format!("{}-{}", i.start, i.end))
                .collect();
            format!(
                "{} {}",
                &format!("{:?}", d.day)[..3].to_lowercase(),
                intervals.join(", ")
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn weekly_minutes(hours: &[DayHours]) -> Decimal {
    Decimal::from(
        hours
            .iter()
            .flat_map(|d| &d.intervals)
            .map(|i| i.end_minute - i.start_minute)
            .sum::<u32>(),
    )
}

fn calendar_changes(changes: &mut Changes, id: &str, before: &Calendar, after: &Calendar) {
    let subject = format!("calendar {}", after.id);
    let location = Some(key::calendar(id, &after.id));
    changes.text(
        &subject,
        "time zone",
        Some(before.timezone.clone()),
        Some(after.timezone.clone()),
        &location,
    );
    let (b, a) = (
        Decimal::from(before.weekly_open_seconds),
        Decimal::from(after.weekly_open_seconds),
    );
    if a != b {
        let description = if a > b {
            "more opening hours"
        } else {
            "fewer opening hours"
        };
        changes.push(
            &subject,
            description,
            Some(hours_text(&before.weekly_hours)),
            Some(hours_text(&after.weekly_hours)),
            Impact::of_ordering(a.cmp(&b), true),
            location,
        );
    } else if before.weekly_hours != after.weekly_hours {
        changes.push(
            &subject,
            "opening hours moved",
            Some(hours_text(&before.weekly_hours)),
            Some(hours_text(&after.weekly_hours)),
            Impact::Neutral,
            location,
        );
    }
    // A holiday as text, and its first day (where it is written).
    let holiday = |h: &crate::ir::Holiday| {
        let text = if h.first == h.last {
            format!("{} {}", h.first, h.name)
        } else {
            format!("{} to {} {}", h.first, h.last, h.name)
        };
        (text, h.first.to_string())
    };
    let old: BTreeSet<(String, String)> = before.holidays.iter().map(holiday).collect();
    let new: BTreeSet<(String, String)> = after.holidays.iter().map(holiday).collect();
    for (added, first) in new.difference(&old) {
        let at = Some(key::holiday(id, &after.id, first));
        changes.push(
            &subject,
            "holiday added (no service that day)",
            None,
            Some(added.clone()),
            Impact::Weakened,
            at,
        );
    }
    for (removed, _) in old.difference(&new) {
        changes.push(
            &subject,
            "holiday removed",
            Some(removed.clone()),
            None,
            Impact::Strengthened,
            location,
        );
    }
}

fn maintenance(changes: &mut Changes, id: &str, before: &[MaintenanceWindow], after: &[MaintenanceWindow]) {
    let windows = matched(before, after, |w| w.id.clone());
    for (window, added) in windows.only {
        let location = Some(key::maintenance(id, &window.id));
        let subject = format!("maintenance window {}", window.id);
        let hours = Some(hours_text(&window.weekly_hours));
        // Maintenance time does not count against the targets.
        changes.presence(
            &subject,
            "maintenance window",
            added,
            hours,
            Impact::Weakened,
            location,
        );
    }
    for (old, window) in windows.both {
        let subject = format!("maintenance window {}", window.id);
        let location = Some(key::maintenance(id, &window.id));
        changes.ordered(
            &subject,
            "weekly maintenance minutes",
            weekly_minutes(&old.weekly_hours),
            weekly_minutes(&window.weekly_hours),
            false,
            |m| format!("{} min", m.normalize()),
            &location,
        );
        if weekly_minutes(&old.weekly_hours) == weekly_minutes(&window.weekly_hours)
            && old.weekly_hours != window.weekly_hours
        {
            changes.push(
                &subject,
                "maintenance hours moved",
                Some(hours_text(&old.weekly_hours)),
                Some(hours_text(&window.weekly_hours)),
                Impact::Neutral,
                location,
            );
        }
        changes.text(
            &subject,
            "time zone",
            Some(old.timezone.clone()),
            Some(window.timezone.clone()),
            &location,
        );
        match (&old.notice, &window.notice) {
            (Some(Duration::Seconds(b)), Some(Duration::Seconds(a))) => changes.ordered(
                &subject,
                "notice",
                b.value(),
                a.value(),
                true,
                seconds_text,
                &location,
            ),
            (b, a) => changes.text(
                &subject,
                "notice",
                b.as_ref().map(duration_text),
                a.as_ref().map(duration_text),
                &location,
            ),
        }
        changes.text(
            &subject,
            "services it applies to",
            Some(old.applies_to.join(", ")),
            Some(window.applies_to.join(", ")),
            &location,
        );
    }
}

fn service_changes(changes: &mut Changes, id: &str, before: &Service, after: &Service) {
    let subject = format!("service {}", after.id);
    let location = Some(key::service(id, &after.id));
    changes.text(
        &subject,
        "title",
        before.title.clone(),
        after.title.clone(),
        &location,
    );
    changes.text(
        &subject,
        "description",
        before.description.clone(),
        after.description.clone(),
        &location,
    );
    let deps = |s: &Service| {
        let list: Vec<String> = s
            .depends_on
            .iter()
            .map(|d| format!("{}.{}", d.agreement, d.service))
            .collect();
        (!list.is_empty()).then(|| list.join(", "))
    };
    changes.text(&subject, "dependencies", deps(before), deps(after), &location);
    objectives(changes, &subject, &before.objectives, &after.objectives, &|o| {
        Some(key::objective(id, &after.id, o))
    });
    let sites = matched(&before.sites, &after.sites, |s| s.id.clone());
    let site_subject = |site: &crate::ir::Site| {
        format!(
            "{subject}, {} {}",
            format!("{:?}", site.kind).to_lowercase(),
            site.id
        )
    };
    for (site, added) in sites.only {
        let location = Some(key::site(id, &after.id, &site.id));
        changes.presence(
            &site_subject(site),
            "site",
            added,
            site.title.clone(),
            Impact::Strengthened,
            location,
        );
    }
    for (old, site) in sites.both {
        let location = Some(key::site(id, &after.id, &site.id));
        let subject = site_subject(site);
        changes.text(
            &subject,
            "locations",
            Some(old.locations.join("; ")),
            Some(site.locations.join("; ")),
            &location,
        );
        // Only what the site sets itself: a change to the service's objective is reported once.
        let own = |s: &crate::ir::Site, other: &crate::ir::Site| -> Vec<Arc<Objective>> {
            s.objectives
                .iter()
                .filter(|o| s.overridden.contains(&o.id) || other.overridden.contains(&o.id))
                .cloned()
                .collect()
        };
        objectives(changes, &subject, &own(old, site), &own(site, old), &|o| {
            Some(key::site_objective(id, &after.id, &site.id, o))
        });
    }
}

fn objectives(
    changes: &mut Changes,
    subject: &str,
    before: &[Arc<Objective>],
    after: &[Arc<Objective>],
    location: &dyn Fn(&str) -> Option<Key>,
) {
    let matched = matched(before, after, |o| o.id.clone());
    for (old, new) in matched.both {
        let objective_subject = format!("{subject}, objective {}", new.id);
        objective_changes(changes, &objective_subject, old, new, &location(&new.id));
    }
    for (objective, added) in matched.only {
        let objective_subject = format!("{subject}, objective {}", objective.id);
        let shown = Some(commitment_text(&objective.commitment));
        changes.presence(
            &objective_subject,
            "objective",
            added,
            shown,
            Impact::Strengthened,
            location(&objective.id),
        );
    }
}

fn commitment_text(commitment: &Commitment) -> String {
    match commitment {
        Commitment::Availability { target_percent } => {
            format!("availability {}", percent(target_percent.value()))
        }
        Commitment::Latency {
            percentile,
            threshold_seconds,
        } => format!("p{percentile} under {}", seconds_text(threshold_seconds.value())),
        Commitment::ErrorRate { max_percent } => format!("error rate below {}", percent(max_percent.value())),
        Commitment::Throughput { minimum, unit, per } => format!(
            "at least {minimum} {}per {}",
            unit.as_ref().map(|u| format!("{u} ")).unwrap_or_default(),
            format!("{per:?}").to_lowercase()
        ),
        Commitment::Response {
            within,
            attainment_percent,
            ..
        } => format!(
            "response within {} for {} of tickets",
            duration_text(within),
            percent(attainment_percent.value())
        ),
        Commitment::Resolution {
            within,
            attainment_percent,
            ..
        } => format!(
            "resolution within {} for {} of tickets",
            duration_text(within),
            percent(attainment_percent.value())
        ),
        Commitment::Outcome {
            title,
            target_percent,
        } => format!("{title}: {}", percent(target_percent.value())),
    }
}

fn within(changes: &mut Changes, subject: &str, before: &Duration, after: &Duration, location: &Option<Key>) {
    match (before, after) {
        (Duration::Seconds(b), Duration::Seconds(a)) => changes.ordered(
            subject,
            "time limit",
            b.value(),
            a.value(),
            false,
            seconds_text,
            location,
        ),
        (Duration::BusinessDays(b), Duration::BusinessDays(a)) => changes.ordered(
            subject,
            "time limit",
            Decimal::from(*b),
            Decimal::from(*a),
            false,
            |d| format!("{d} business days"),
            location,
        ),
        (b, a) => changes.push(
            subject,
            "time limit changed between hours and business days",
            Some(duration_text(b)),
            Some(duration_text(a)),
            Impact::Neutral,
            *location,
        ),
    }
}

fn objective_changes(
    changes: &mut Changes,
    subject: &str,
    before: &Objective,
    after: &Objective,
    location: &Option<Key>,
) {
    commitment_changes(changes, subject, &before.commitment, &after.commitment, location);
    measurement_changes(changes, subject, before, after, location);
    let indicator = |o: &Objective| {
        o.indicator
            .as_ref()
            .map(|i| serde_json::to_string(i).unwrap_or_default())
    };
    changes.text(
        subject,
        "monitoring binding",
        indicator(before),
        indicator(after),
        location,
    );
    changes.text(
        subject,
        "how it is measured",
        before.measured_by.as_deref().map(str::to_string),
        after.measured_by.as_deref().map(str::to_string),
        location,
    );
    changes.text(
        subject,
        "early warning",
        before.warn_at_budget_spent_percent.map(|p| percent(p.value())),
        after.warn_at_budget_spent_percent.map(|p| percent(p.value())),
        location,
    );
}

/// What the target itself promises: each kind's numbers, compared in the direction that
/// favours the customer, or the whole commitment when its kind changed.
fn commitment_changes(
    changes: &mut Changes,
    subject: &str,
    before: &Commitment,
    after: &Commitment,
    location: &Option<Key>,
) {
    use Commitment as C;
    match (before, after) {
        (C::Availability { target_percent: b }, C::Availability { target_percent: a })
        | (
            C::Outcome {
                target_percent: b, ..
            },
            C::Outcome {
                target_percent: a, ..
            },
        ) => changes.ordered(subject, "target", b.value(), a.value(), true, percent, location),
        (
            C::Latency {
                percentile: bp,
                threshold_seconds: bt,
            },
            C::Latency {
                percentile: ap,
                threshold_seconds: at,
            },
        ) => {
            changes.ordered(
                subject,
                "percentile",
                bp.value(),
                ap.value(),
                true,
                |p| format!("p{}", p.normalize()),
                location,
            );
            changes.ordered(
                subject,
                "latency threshold",
                bt.value(),
                at.value(),
                false,
                seconds_text,
                location,
            );
        }
        (C::ErrorRate { max_percent: b }, C::ErrorRate { max_percent: a }) => changes.ordered(
            subject,
            "maximum error rate",
            b.value(),
            a.value(),
            false,
            percent,
            location,
        ),
        (
            C::Throughput {
                minimum: b, per: bp, ..
            },
            C::Throughput {
                minimum: a, per: ap, ..
            },
        ) if bp == ap => changes.ordered(
            subject,
            "minimum throughput",
            b.value(),
            a.value(),
            true,
            |d| d.normalize().to_string(),
            location,
        ),
        (
            C::Response {
                within: bw,
                attainment_percent: bp,
                ..
            },
            C::Response {
                within: aw,
                attainment_percent: ap,
                ..
            },
        )
        | (
            C::Resolution {
                within: bw,
                attainment_percent: bp,
                ..
            },
            C::Resolution {
                within: aw,
                attainment_percent: ap,
                ..
            },
        ) => {
            within(changes, subject, bw, aw, location);
            changes.ordered(
                subject,
                "share of tickets",
                bp.value(),
                ap.value(),
                true,
                percent,
                location,
            );
        }
        (b, a) if b != a => changes.push(
            subject,
            "commitment changed",
            Some(commitment_text(b)),
            Some(commitment_text(a)),
            Impact::Neutral,
            *location,
        ),
        _ => {}
    }
}

/// The window an objective is judged over, and the hours it counts.
fn measurement_changes(
    changes: &mut Changes,
    subject: &str,
    before: &Objective,
    after: &Objective,
    location: &Option<Key>,
) {
    if before.window != after.window {
        let ordering = window_days(&after.window).cmp(&window_days(&before.window));
        let (description, impact) = match ordering {
            // A longer window lets a bad day hide in more good ones.
            Ordering::Greater => ("window lengthened", Impact::Weakened),
            Ordering::Less => ("window shortened", Impact::Strengthened),
            Ordering::Equal => ("window changed", Impact::Neutral),
        };
        changes.push(
            subject,
            description,
            Some(window_text(&before.window)),
            Some(window_text(&after.window)),
            impact,
            *location,
        );
    }
    if before.measured != after.measured {
        let impact = match (&before.measured, &after.measured) {
            (Measurement::AroundTheClock, Measurement::BusinessHours { .. }) => Impact::Weakened,
            (Measurement::BusinessHours { .. }, Measurement::AroundTheClock) => Impact::Strengthened,
            _ => Impact::Neutral,
        };
        changes.push(
            subject,
            "measured hours changed",
            Some(measured_text(&before.measured)),
            Some(measured_text(&after.measured)),
            impact,
            *location,
        );
    }
}

fn tiers_text(tiers: &[CreditTier]) -> String {
    tiers
        .iter()
        .map(|t| format!("{}: {}", tier_bounds_text(t), amount_text(&t.credit)))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The credit owed at a measured `level`, if a tier covers it.
fn credit_at(tiers: &[CreditTier], level: Decimal) -> Option<&Amount> {
    tiers
        .iter()
        .find(|t| t.covers(|percent| level.cmp(&percent)))
        .map(|t| &t.credit)
}

/// Whether the new tiers pay more at some measured level, less at some, or cannot be compared.
fn compare_tiers(before: &[CreditTier], after: &[CreditTier]) -> Option<(bool, bool)> {
    let mut bounds: Vec<Decimal> = before
        .iter()
        .chain(after)
        .flat_map(|t| [Some(t.upper()), t.lower()])
        .flatten()
        .map(|bound| bound.percent.value())
        .collect();
    bounds.sort();
    bounds.dedup();
    let mut levels: Vec<Decimal> = bounds.clone();
    levels.extend(bounds.windows(2).map(|w| (w[0] + w[1]) / Decimal::TWO));
    if let Some(lowest) = bounds.first() {
        levels.push(*lowest - Decimal::ONE);
    }
    let (mut more, mut less) = (false, false);
    for level in levels {
        let ordering = match (credit_at(before, level), credit_at(after, level)) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Greater,
            (Some(_), None) => Ordering::Less,
            (Some(b), Some(a)) => compare_amounts(b, a)?,
        };
        more |= ordering == Ordering::Greater;
        less |= ordering == Ordering::Less;
    }
    Some((more, less))
}

fn credits(changes: &mut Changes, id: &str, before: &[CreditPolicy], after: &[CreditPolicy]) {
    let name = |p: &CreditPolicy| format!("{}.{}", p.objective.service, p.objective.objective);
    let location = |p: &CreditPolicy| Some(key::credits(id, &p.objective.service, &p.objective.objective));
    let policies = matched(before, after, name);
    for (policy, added) in policies.only {
        let subject = format!("credits for {}", name(policy));
        let tiers = Some(tiers_text(&policy.tiers));
        changes.presence(
            &subject,
            "service credits",
            added,
            tiers,
            Impact::Strengthened,
            location(policy),
        );
    }
    for (old, policy) in policies.both {
        let subject = format!("credits for {}", name(policy));
        let location = location(policy);
        if old.tiers != policy.tiers {
            let (description, impact) = match compare_tiers(&old.tiers, &policy.tiers) {
                Some((true, false)) => ("credits raised", Impact::Strengthened),
                Some((false, true)) => ("credits cut", Impact::Weakened),
                Some((true, true)) => (
                    "credits raised at some levels and cut at others",
                    Impact::Weakened,
                ),
                _ => ("credit tiers changed", Impact::Neutral),
            };
            changes.push(
                &subject,
                description,
                Some(tiers_text(&old.tiers)),
                Some(tiers_text(&policy.tiers)),
                impact,
                location,
            );
        }
        cap(changes, &subject, &old.cap, &policy.cap, &location);
        minimum(changes, &subject, &old.minimum, &policy.minimum, &location);
        match (&old.claim_within, &policy.claim_within) {
            (Some(b), Some(a)) if b != a => {
                let ordering = period_days(a).cmp(&period_days(b));
                changes.push(
                    &subject,
                    "claim period changed",
                    Some(b.to_string()),
                    Some(a.to_string()),
                    Impact::of_ordering(ordering, true),
                    location,
                );
            }
            (b, a) => changes.text(
                &subject,
                "claim period",
                b.map(|p| p.to_string()),
                a.map(|p| p.to_string()),
                &location,
            ),
        }
        if old.window != policy.window {
            changes.push(
                &subject,
                "credit window changed",
                Some(window_text(&old.window)),
                Some(window_text(&policy.window)),
                Impact::Neutral,
                location,
            );
        }
    }
}

/// A cap limits what the customer can receive: a higher cap, or none, promises more.
fn cap(
    changes: &mut Changes,
    subject: &str,
    before: &Option<Amount>,
    after: &Option<Amount>,
    location: &Option<Key>,
) {
    let words = ["cap raised or removed", "cap lowered or added", "cap changed"];
    limit(changes, subject, (before, after), true, words, location);
}

/// A minimum credit withholds the smaller credits: a lower minimum, or none, promises more.
fn minimum(
    changes: &mut Changes,
    subject: &str,
    before: &Option<Amount>,
    after: &Option<Amount>,
    location: &Option<Key>,
) {
    let words = [
        "minimum credit lowered or removed",
        "minimum credit raised or added",
        "minimum credit changed",
    ];
    limit(changes, subject, (before, after), false, words, location);
}

/// A change to an amount that limits what is owed (a cap, a minimum): removing it promises
/// more, adding it less, and moving it as `higher_promises_more` says. `words` describe a
/// strengthening, a weakening and a change that cannot be ranked (other units).
fn limit(
    changes: &mut Changes,
    subject: &str,
    (before, after): (&Option<Amount>, &Option<Amount>),
    higher_promises_more: bool,
    words: [&'static str; 3],
    location: &Option<Key>,
) {
    if before == after {
        return;
    }
    let impact = match (before, after) {
        (Some(b), Some(a)) => {
            compare_amounts(b, a).map_or(Impact::Neutral, |o| Impact::of_ordering(o, higher_promises_more))
        }
        (Some(_), None) => Impact::Strengthened,
        _ => Impact::Weakened,
    };
    let description = match impact {
        Impact::Strengthened => words[0],
        Impact::Weakened => words[1],
        Impact::Neutral => words[2],
    };
    changes.push(
        subject,
        description,
        before.as_ref().map(amount_text),
        after.as_ref().map(amount_text),
        impact,
        *location,
    );
}

fn penalties(changes: &mut Changes, id: &str, before: &Agreement, after: &Agreement) {
    let name = |p: &crate::ir::Penalty| format!("{}.{}", p.objective.service, p.objective.objective);
    let location =
        |p: &crate::ir::Penalty| Some(key::penalty(id, &p.objective.service, &p.objective.objective));
    let penalties = matched(&before.penalties, &after.penalties, name);
    for (penalty, added) in penalties.only {
        let subject = format!("penalty for {}", name(penalty));
        let amount = Some(amount_text(&penalty.per_breach));
        changes.presence(
            &subject,
            "penalty",
            added,
            amount,
            Impact::Strengthened,
            location(penalty),
        );
    }
    for (old, penalty) in penalties.both {
        let subject = format!("penalty for {}", name(penalty));
        let location = location(penalty);
        if old.per_breach != penalty.per_breach {
            let impact = compare_amounts(&old.per_breach, &penalty.per_breach)
                .map_or(Impact::Neutral, |o| Impact::of_ordering(o, true));
            changes.push(
                &subject,
                "penalty per breach changed",
                Some(amount_text(&old.per_breach)),
                Some(amount_text(&penalty.per_breach)),
                impact,
                location,
            );
        }
        cap(changes, &subject, &old.cap, &penalty.cap, &location);
    }
}

fn pricing(changes: &mut Changes, id: &str, before: &Agreement, after: &Agreement) {
    let tiers = matched(&before.pricing_tiers, &after.pricing_tiers, |t| t.id.clone());
    for (tier, added) in tiers.only {
        let location = Some(key::pricing_tier(id, &tier.id));
        let subject = format!("pricing tier {}", tier.id);
        changes.presence(
            &subject,
            "pricing tier",
            added,
            tier.title.clone(),
            Impact::Neutral,
            location,
        );
    }
    for (old, tier) in tiers.both {
        let subject = format!("pricing tier {}", tier.id);
        let location = Some(key::pricing_tier(id, &tier.id));
        let price = |t: &crate::ir::PricingTier| {
            t.price.as_ref().map(|p| {
                format!(
                    "{} {} per {}",
                    p.amount,
                    p.currency,
                    format!("{:?}", t.period).to_lowercase()
                )
            })
        };
        match (&old.price, &tier.price) {
            (Some(b), Some(a)) if b.currency == a.currency && old.period == tier.period && b != a => {
                // A higher price is worse for the customer.
                let ordering = a.amount.value().cmp(&b.amount.value());
                let description = if ordering == Ordering::Greater {
                    "price raised"
                } else {
                    "price lowered"
                };
                changes.push(
                    &subject,
                    description,
                    price(old),
                    price(tier),
                    Impact::of_ordering(ordering, false),
                    location,
                );
            }
            _ => changes.text(&subject, "price", price(old), price(tier), &location),
        }
        for service in &tier.services {
            let Some(old_service) = old.services.iter().find(|s| s.service == service.service) else {
                continue;
            };
            let own = |s: &crate::ir::TierService, other: &crate::ir::TierService| -> Vec<Arc<Objective>> {
                s.objectives
                    .iter()
                    .filter(|o| s.overridden.contains(&o.id) || other.overridden.contains(&o.id))
                    .cloned()
                    .collect()
            };
            objectives(
                changes,
                &format!("{subject}, service {}", service.service),
                &own(old_service, service),
                &own(service, old_service),
                &|_| location,
            );
        }
    }
}
