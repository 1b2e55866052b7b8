//! Error budgets: the share of a window an objective may miss, and for availability the
//! downtime that share allows in the shortest and the longest window.
//!
//! Around the clock, a calendar month is 28 to 31 days, a quarter 90 to 92, a year 365 to 366.
//! During business hours, the measured time is the calendar's open time in each window,
//! counted over the agreement's term (or the first year of an open-ended term), holidays
//! excluded, by the business-time engine (exact across daylight-saving changes).

use chrono::{Datelike, Months, NaiveDate};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use crate::business_time::BusinessCalendar;
use crate::ir::{self, BudgetWindow, Commitment, Dec, ErrorBudget, Measurement, Window};

const DAY: i64 = 86_400;
/// Business-hours budgets look at no more than this many years of a term.
const MAX_TERM_YEARS: u32 = 10;

pub(super) fn error_budget(
    commitment: &Commitment,
    window: Option<&Window>,
    measured: &Measurement,
    calendars: &[ir::Calendar],
    term: Option<&ir::Term>,
) -> Option<ErrorBudget> {
    let hundred = Decimal::ONE_HUNDRED;
    let allowed = match commitment {
        Commitment::Availability { target_percent } => hundred - target_percent.value(),
        Commitment::Latency { percentile, .. } => hundred - percentile.value(),
        Commitment::ErrorRate { max_percent } => max_percent.value(),
        Commitment::Outcome { target_percent, .. } => hundred - target_percent.value(),
        Commitment::Response {
            attainment_percent, ..
        }
        | Commitment::Resolution {
            attainment_percent, ..
        } => hundred - attainment_percent.value(),
        Commitment::Throughput { .. } => return None,
    };
    let mut budget = ErrorBudget {
        allowed_percent: Dec::new(allowed),
        shortest_window: None,
        longest_window: None,
    };
    if let (Commitment::Availability { .. }, Some(window)) = (commitment, window) {
        let bounds = match measured {
            Measurement::AroundTheClock => around_the_clock_bounds(window),
            Measurement::BusinessHours { calendar } => calendars
                .iter()
                .find(|c| &c.id == calendar)
                .zip(term)
                .and_then(|(calendar, term)| business_bounds(window, calendar, term)),
        };
        if let Some((shortest, longest)) = bounds {
            let allowed_in = |seconds: Decimal| BudgetWindow {
                window_seconds: Dec::new(seconds),
                allowed_seconds: Dec::new(seconds * allowed / hundred),
            };
            budget.shortest_window = Some(Box::new(allowed_in(shortest)));
            budget.longest_window = Some(Box::new(allowed_in(longest)));
        }
    }
    Some(budget)
}

/// The shortest and longest length of a calendar window in days, or `None` for rolling ones.
pub fn calendar_window_bounds(window: &Window) -> Option<(i64, i64)> {
    match window {
        Window::CalendarMonth => Some((28, 31)),
        Window::CalendarQuarter => Some((90, 92)),
        Window::CalendarYear => Some((365, 366)),
        Window::Rolling { .. } => None,
    }
}

fn around_the_clock_bounds(window: &Window) -> Option<(Decimal, Decimal)> {
    match window {
        Window::Rolling { seconds } => Some((seconds.value(), seconds.value())),
        other => {
            let (shortest, longest) = calendar_window_bounds(other)?;
            Some((Decimal::from(shortest * DAY), Decimal::from(longest * DAY)))
        }
    }
}

/// Open seconds of `calendar` on the days `first..last` (end exclusive).
pub fn open_seconds_between(calendar: &ir::Calendar, first: NaiveDate, last: NaiveDate) -> i64 {
    BusinessCalendar::new(calendar).map_or(0, |engine| open_seconds_in(&engine, first, last))
}

fn open_seconds_in(engine: &BusinessCalendar, first: NaiveDate, last: NaiveDate) -> i64 {
    first
        .iter_days()
        .take_while(|d| *d < last)
        .map(|d| engine.open_seconds_on(d))
        .sum()
}

fn business_bounds(window: &Window, calendar: &ir::Calendar, term: &ir::Term) -> Option<(Decimal, Decimal)> {
    let engine = BusinessCalendar::new(calendar)?;
    let start = term.effective;
    let cap = start.checked_add_months(Months::new(12 * MAX_TERM_YEARS))?;
    let end = match term.end {
        Some(end) => end.succ_opt()?.min(cap),
        None => start.checked_add_months(Months::new(12))?,
    };
    let mut lengths: Vec<i64> = Vec::new();
    match window {
        Window::Rolling { seconds } => {
            let days = (seconds.value() / Decimal::from(DAY)).ceil().to_usize()?.max(1);
            let daily: Vec<i64> = start
                .iter_days()
                .take_while(|d| *d < end)
                .map(|d| engine.open_seconds_on(d))
                .collect();
            if daily.len() < days {
                lengths.push(daily.iter().sum());
            } else {
                let mut sum: i64 = daily[..days].iter().sum();
                lengths.push(sum);
                for i in days..daily.len() {
                    sum += daily[i] - daily[i - days];
                    lengths.push(sum);
                }
            }
        }
        calendar_window => {
            let months_per_window = match calendar_window {
                Window::CalendarQuarter => 3,
                Window::CalendarYear => 12,
                _ => 1,
            };
            // Whole calendar windows that overlap the term.
            let first_month0 = start.month0() / months_per_window * months_per_window;
            let mut window_start = NaiveDate::from_ymd_opt(start.year(), first_month0 + 1, 1)?;
            while window_start < end {
                let next = window_start.checked_add_months(Months::new(months_per_window))?;
                lengths.push(open_seconds_in(&engine, window_start, next));
                window_start = next;
            }
        }
    }
    let shortest = *lengths.iter().min()?;
    let longest = *lengths.iter().max()?;
    Some((Decimal::from(shortest), Decimal::from(longest)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(text: &str) -> Dec {
        Dec::new(Decimal::from_str(text).unwrap_or_default())
    }

    #[test]
    fn a_month_at_99_9_allows_43_minutes_12_seconds_in_30_days() {
        let budget = error_budget(
            &Commitment::Availability {
                target_percent: dec("99.9"),
            },
            Some(&Window::Rolling {
                seconds: Dec::from_int(30 * DAY),
            }),
            &Measurement::AroundTheClock,
            &[],
            None,
        );
        let budget = budget.unwrap_or_else(|| unreachable!());
        let shortest = budget.shortest_window.unwrap_or_else(|| unreachable!());
        assert_eq!(shortest.allowed_seconds, Dec::from_int(43 * 60 + 12));
        assert_eq!(budget.allowed_percent, dec("0.1"));
    }

    #[test]
    fn calendar_months_span_28_to_31_days() {
        let budget = error_budget(
            &Commitment::Availability {
                target_percent: dec("99.5"),
            },
            Some(&Window::CalendarMonth),
            &Measurement::AroundTheClock,
            &[],
            None,
        )
        .unwrap_or_else(|| unreachable!());
        assert_eq!(
            budget.shortest_window.map(|w| w.allowed_seconds),
            Some(dec("12096"))
        );
        assert_eq!(
            budget.longest_window.map(|w| w.allowed_seconds),
            Some(dec("13392"))
        );
    }
}
