//! W316: a maintenance window inside the business hours of an objective measured during them.

use chrono::{NaiveTime, Offset, TimeZone};
use chrono_tz::Tz;

use crate::diagnostics::{Code, CodeDocs, Diagnostic};
use crate::ir::{key, Calendar, DayHours, Measurement, Weekday};
use crate::lint::{finding, LintInput, Rule};

const WEEK: i64 = 7 * 24 * 60;

pub(super) const RULE: Rule = Rule {
    code: Code::W316,
    docs: CodeDocs {
        what: "A maintenance window that overlaps the business hours of a calendar during which an objective of a service it applies to is measured.",
        why: "Maintenance is excluded from downtime, so a window inside business hours removes exactly the hours the customer cares about from the measurement: the service can be down at 10:00 every Monday and still meet its target.",
        example: "calendar office \"Office\" { timezone Europe/Berlin  mon-fri 08:00-18:00 }\nmaintenance weekly \"Weekly\" { timezone Europe/Berlin  mon 09:00-10:00 }",
        instead: "maintenance weekly \"Weekly\" { timezone Europe/Berlin  sun 02:00-04:00 }",
    },
    check: Some(check),
};

/// Minutes of the week (Monday 00:00 = 0) covered by weekly hours, shifted by `shift` minutes.
fn week_minutes(hours: &[DayHours], shift: i64) -> Vec<(i64, i64)> {
    let mut spans = Vec::new();
    for day in hours {
        let base = Weekday::ALL.iter().position(|d| *d == day.day).unwrap_or(0) as i64 * 24 * 60;
        for interval in &day.intervals {
            let start = (base + i64::from(interval.start_minute) + shift).rem_euclid(WEEK);
            let length = i64::from(interval.end_minute - interval.start_minute);
            if start + length > WEEK {
                spans.push((start, WEEK));
                spans.push((0, start + length - WEEK));
            } else {
                spans.push((start, start + length));
            }
        }
    }
    spans
}

/// The UTC offset of a zone in minutes on a date (at noon, away from DST changes).
fn offset_minutes(zone: &str, date: chrono::NaiveDate) -> i64 {
    let Ok(tz) = zone.parse::<Tz>() else { return 0 };
    let noon = date.and_time(NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default());
    tz.offset_from_utc_datetime(&noon).fix().local_minus_utc() as i64 / 60
}

fn overlaps(calendar: &Calendar, window: &crate::ir::MaintenanceWindow, on: chrono::NaiveDate) -> bool {
    // Compare in the calendar's local time.
    let shift = offset_minutes(&calendar.timezone, on) - offset_minutes(&window.timezone, on);
    let open = week_minutes(&calendar.weekly_hours, 0);
    let closed = week_minutes(&window.weekly_hours, shift);
    closed
        .iter()
        .any(|(a, b)| open.iter().any(|(c, d)| a < d && c < b))
}

fn check(input: &LintInput<'_>, out: &mut Vec<Diagnostic>) {
    for agreement in &input.agreements {
        for window in &agreement.maintenance_windows {
            let mut reported: Vec<&str> = Vec::new();
            // Whether the window overlaps each calendar, worked out once per calendar (the
            // time zones are looked up by name, which is not cheap).
            let mut overlap_with: Vec<(&str, bool)> = Vec::new();
            for service in agreement
                .services
                .iter()
                .filter(|s| window.applies_to.contains(&s.id))
            {
                for objective in &service.objectives {
                    let Measurement::BusinessHours { calendar } = &objective.measured else {
                        continue;
                    };
                    if reported.contains(&calendar.as_str()) {
                        continue;
                    }
                    let Some(calendar) = agreement.calendars.iter().find(|c| &c.id == calendar) else {
                        continue;
                    };
                    let overlap = match overlap_with.iter().find(|(id, _)| *id == calendar.id) {
                        Some(&(_, known)) => known,
                        None => {
                            let found = overlaps(calendar, window, agreement.term.effective);
                            overlap_with.push((&calendar.id, found));
                            found
                        }
                    };
                    if !overlap {
                        continue;
                    }
                    reported.push(&calendar.id);
                    let mut keys = vec![key::maintenance(&agreement.id, &window.id)];
                    if let Some(origin) = &window.origin.inherited_from {
                        keys.push(key::maintenance(origin, &window.id));
                    }
                    let Some(location) = input.locate(&keys) else {
                        continue;
                    };
                    let mut diagnostic = finding(
                        Code::W316,
                        location,
                        format!(
                            "the maintenance window `{}` overlaps the business hours of `{}`, during which `{}.{}` is measured",
                            window.id, calendar.id, service.id, objective.id
                        ),
                        "maintenance during business hours",
                    );
                    if let Some(place) = input.locate(&[key::calendar(&agreement.id, &calendar.id)]) {
                        diagnostic = diagnostic.secondary(place.file, place.span, "business hours");
                    }
                    out.push(
                        diagnostic
                            .help("move the window outside the business hours, such as `sun 02:00-04:00`"),
                    );
                }
            }
        }
    }
}
