//! The windows an objective is judged over within a report's period. An objective promised
//! per calendar month is judged month by month, whatever the period: a quarter's report of
//! it holds three verdicts (and three credits), not one verdict over the quarter. A period
//! that covers only part of a window is refused, unless the report is asked to be partial.

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use serde::Serialize;

use super::{midnight, rfc3339, Period};
use crate::ir::{Agreement, Window};

/// One window of an objective, as far as the period covers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Span {
    /// The window: `2026-01`, `2026-Q1` or `2026`.
    pub label: String,
    /// The part of the window the report covers, `[from, to)` in UTC.
    #[serde(serialize_with = "rfc3339")]
    pub from: DateTime<Utc>,
    #[serde(serialize_with = "rfc3339")]
    pub to: DateTime<Utc>,
    /// Whether the period covers only part of the window.
    pub partial: bool,
}

/// The calendar windows of `window` that `period` touches (UTC, as periods are), each cut to
/// the period; `None` for a rolling window or none, which the report judges over the period.
pub fn spans(window: Option<&Window>, period: &Period) -> Option<Vec<Span>> {
    let months = match window? {
        Window::CalendarMonth => 1,
        Window::CalendarQuarter => 3,
        Window::CalendarYear => 12,
        Window::Rolling { .. } => return None,
    };
    let first = period.from.date_naive();
    let start_month = (first.month0() / months) * months;
    let mut start = NaiveDate::from_ymd_opt(first.year(), start_month + 1, 1)?;
    let mut spans = Vec::new();
    while midnight(start) < period.to {
        let end = start.checked_add_months(Months::new(months))?;
        let (window_from, window_to) = (midnight(start), midnight(end));
        let from = window_from.max(period.from);
        let to = window_to.min(period.to);
        spans.push(Span {
            label: label(start, months),
            from,
            to,
            partial: (from, to) != (window_from, window_to),
        });
        start = end;
    }
    Some(spans)
}

fn label(start: NaiveDate, months: u32) -> String {
    match months {
        1 => format!("{:04}-{:02}", start.year(), start.month()),
        3 => format!("{:04}-Q{}", start.year(), start.month0() / 3 + 1),
        _ => format!("{:04}", start.year()),
    }
}

fn window_name(window: &Window) -> &'static str {
    match window {
        Window::CalendarMonth => "calendar month",
        Window::CalendarQuarter => "calendar quarter",
        Window::CalendarYear => "calendar year",
        Window::Rolling { .. } => "rolling window",
    }
}

/// Why `period` cannot be reported whole for `agreement`: the first objective with a window
/// the period covers only part of, or a credit policy whose window is not its objective's.
pub fn refusal(agreement: &Agreement, period: &Period) -> Option<String> {
    for service in &agreement.services {
        let sites = service.sites.iter().flat_map(|site| &site.objectives);
        for objective in service.objectives.iter().chain(sites) {
            let Some(window) = &objective.window else {
                continue;
            };
            let cut = spans(Some(window), period)
                .into_iter()
                .flatten()
                .find(|span| span.partial);
            if let Some(span) = cut {
                return Some(format!(
                    "the period `{}` covers only part of the {} {} over which `{}.{}` is promised; \
                     report whole windows (such as `--period {}`), or pass --partial to judge the part covered",
                    period.label,
                    window_name(window),
                    span.label,
                    service.id,
                    objective.id,
                    span.label
                ));
            }
        }
    }
    None
}

/// A credit policy whose window differs from its objective's: the report judges an objective
/// over the objective's windows and cannot yet owe credits over others.
pub fn credit_window_mismatch(agreement: &Agreement) -> Option<String> {
    agreement.credit_policies.iter().find_map(|policy| {
        let objective = agreement
            .services
            .iter()
            .find(|s| s.id == policy.objective.service)?
            .objectives
            .iter()
            .find(|o| o.id == policy.objective.objective)?;
        match (&policy.window, &objective.window) {
            (Some(credits), Some(promised)) if credits != promised => Some(format!(
                "the credits for `{}.{}` are owed per {} but the objective is promised per {}; \
                 slac report judges an objective over its own windows and cannot owe credits over other ones",
                policy.objective.service,
                policy.objective.objective,
                window_name(credits),
                window_name(promised)
            )),
            _ => None,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::parse_period;

    fn labels(window: &Window, period: &str) -> Vec<(String, bool)> {
        let period = parse_period(period).unwrap_or_else(|_| unreachable!());
        spans(Some(window), &period)
            .unwrap_or_default()
            .into_iter()
            .map(|s| (s.label, s.partial))
            .collect()
    }

    #[test]
    fn windows_within_a_period() {
        let whole = |l: &str| (l.to_string(), false);
        assert_eq!(
            labels(&Window::CalendarMonth, "2026-Q1"),
            vec![whole("2026-01"), whole("2026-02"), whole("2026-03")]
        );
        assert_eq!(
            labels(&Window::CalendarQuarter, "2026-Q3"),
            vec![whole("2026-Q3")]
        );
        assert_eq!(
            labels(&Window::CalendarQuarter, "2026-01"),
            vec![("2026-Q1".to_string(), true)]
        );
        assert_eq!(
            labels(&Window::CalendarMonth, "2026-01-15..2026-02-28"),
            vec![("2026-01".to_string(), true), whole("2026-02")]
        );
        assert_eq!(
            labels(&Window::CalendarYear, "2026-12"),
            vec![("2026".to_string(), true)]
        );
        let period = parse_period("2026-10").unwrap_or_else(|_| unreachable!());
        let rolling = Window::Rolling {
            seconds: crate::ir::Dec(rust_decimal::Decimal::from(86_400)),
        };
        assert!(spans(Some(&rolling), &period).is_none());
        assert!(spans(None, &period).is_none());
    }
}
