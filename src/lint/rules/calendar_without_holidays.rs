//! W314: a business-hours calendar without holidays.

use crate::diagnostics::{Code, CodeDocs, Diagnostic};
use crate::ir::key;
use crate::lint::{finding, LintInput, Rule};

pub(super) const RULE: Rule = Rule {
    code: Code::W314,
    docs: CodeDocs {
        what: "A calendar with opening hours (not `24x7`) that lists no holidays.",
        why: "Every place has public holidays; a business-hours calendar without them counts those days as working days, so response clocks run when nobody is at work, or a customer expects help that is not there.",
        example: "calendar office \"Office\" {\n  timezone Europe/Berlin\n  mon-fri 08:00-17:00\n}",
        instead: "calendar office \"Office\" {\n  timezone Europe/Berlin\n  mon-fri 08:00-17:00\n  holiday 2026-12-25 \"Christmas Day\"\n  holiday 2027-01-01 \"New Year's Day\"\n}",
    },
    check: Some(check),
};

fn check(input: &LintInput<'_>, out: &mut Vec<Diagnostic>) {
    for agreement in &input.agreements {
        for calendar in &agreement.calendars {
            if calendar.always_open
                || !calendar.holidays.is_empty()
                || calendar.origin.inherited_from.is_some()
            {
                continue;
            }
            let Some(location) = input.locate(&[key::calendar(&agreement.id, &calendar.id)]) else {
                continue;
            };
            out.push(
                finding(
                    Code::W314,
                    location,
                    format!("the business-hours calendar `{}` has no holidays", calendar.id),
                    "no holidays",
                )
                .help("list the public holidays of the calendar's place for the term, such as `holiday 2026-12-25 \"Christmas Day\"`"),
            );
        }
    }
}
