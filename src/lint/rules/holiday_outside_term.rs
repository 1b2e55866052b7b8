//! W315: a holiday outside the agreement's term.

use crate::diagnostics::{Code, CodeDocs, Diagnostic};
use crate::ir::key;
use crate::lint::{finding, LintInput, Rule};

pub(super) const RULE: Rule = Rule {
    code: Code::W315,
    docs: CodeDocs {
        what: "A holiday of a calendar that lies wholly before the term starts or after it ends.",
        why: "It has no effect, and usually means the calendar was copied from another year and the holidays of this term are missing.",
        example: "term 2026-01-01 to 2026-12-31\nholiday 2025-12-25 \"Christmas Day\"",
        instead: "holiday 2026-12-25 \"Christmas Day\"",
    },
    check: Some(check),
};

fn check(input: &LintInput<'_>, out: &mut Vec<Diagnostic>) {
    for agreement in &input.agreements {
        let term = &agreement.term;
        for calendar in agreement
            .calendars
            .iter()
            .filter(|c| c.origin.inherited_from.is_none())
        {
            for holiday in &calendar.holidays {
                let before = holiday.last < term.effective;
                let after = term.end.is_some_and(|end| holiday.first > end);
                if !before && !after {
                    continue;
                }
                let place = key::holiday(&agreement.id, &calendar.id, &holiday.first.to_string());
                let Some(location) = input.locate(&[place]) else {
                    continue;
                };
                let bounds = match term.end {
                    Some(end) => format!("{} to {end}", term.effective),
                    None => format!("from {}", term.effective),
                };
                out.push(
                    finding(
                        Code::W315,
                        location,
                        format!(
                            "the holiday `{}` on {} is outside the term ({bounds})",
                            holiday.name, holiday.first
                        ),
                        if before {
                            "before the term"
                        } else {
                            "after the term"
                        },
                    )
                    .help("list the holidays that fall within the term; this one never applies"),
                );
            }
        }
    }
}
