//! Typed values from written quantities, dates and clock times, each checked for its unit and
//! range with a diagnostic that names what was expected and what was found.

use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::Ctx;
use crate::diagnostics::{Code, Diagnostic};
use crate::ir::{self, Dec};
use crate::syntax::ast::{Quantity, Spanned, Unit};

/// How a written quantity reads, for "found ..." in messages.
pub(super) fn describe(q: &Quantity) -> String {
    let written = q_text(q);
    match &q.unit {
        Unit::None => format!("a plain number `{written}`"),
        Unit::Percent => format!("a percentage `{written}`"),
        Unit::Currency(c) => format!("an amount in {c} `{written}`"),
        Unit::BusinessDays => format!("a count of business days `{written}`"),
        Unit::Months | Unit::Years => format!("a calendar period `{written}`"),
        _ => format!("a duration `{written}`"),
    }
}

fn q_text(q: &Quantity) -> String {
    let unit = match &q.unit {
        Unit::None => String::new(),
        Unit::Percent => "%".into(),
        Unit::Milliseconds => "ms".into(),
        Unit::Seconds => "s".into(),
        Unit::Minutes => "m".into(),
        Unit::Hours => "h".into(),
        Unit::Days => " days".into(),
        Unit::Weeks => " weeks".into(),
        Unit::Months => " months".into(),
        Unit::Years => " years".into(),
        Unit::BusinessDays => " business days".into(),
        Unit::Currency(c) => format!(" {c}"),
    };
    format!("{}{unit}", q.number)
}

impl Ctx<'_> {
    fn mismatch(&mut self, q: &Quantity, expected: &str, help: String) {
        let found = describe(q);
        let diagnostic = Diagnostic::error(
            Code::E212,
            self.file,
            q.span,
            format!("expected {expected}, found {found}"),
        )
        .label(format!("expected {expected}"))
        .help(help);
        self.report(diagnostic);
    }

    /// The number of a quantity as an exact decimal.
    pub(super) fn number(&mut self, q: &Quantity) -> Option<Decimal> {
        if q.number.is_empty() {
            return None;
        }
        match Decimal::from_str(&q.number) {
            Ok(value) => Some(value),
            Err(_) => {
                let diagnostic = Diagnostic::error(
                    Code::E226,
                    self.file,
                    q.span,
                    format!("the number `{}` is too large or too precise", q.number),
                )
                .label("not representable")
                .help("write at most 28 significant digits");
                self.report(diagnostic);
                None
            }
        }
    }

    /// A percentage in (0, 100]; `what` names the value in messages ("an availability target").
    pub(super) fn percent(&mut self, q: &Quantity, what: &str) -> Option<Dec> {
        if q.unit != Unit::Percent {
            let help = match q.unit {
                Unit::None => format!("add the percent sign: `{}%`", q.number),
                _ => format!("write {what} as a percentage such as `99.9%`"),
            };
            self.mismatch(q, "a percentage such as `99.9%`", help);
            return None;
        }
        let value = self.number(q)?;
        if value <= Decimal::ZERO || value > Decimal::ONE_HUNDRED {
            let diagnostic = Diagnostic::error(
                Code::E204,
                self.file,
                q.span,
                format!("{what} of {}% is outside (0%, 100%]", q.number),
            )
            .label("out of range")
            .help("write a percentage above 0% and at most 100%, such as `99.9%`");
            self.report(diagnostic);
            return None;
        }
        Some(Dec::new(value))
    }

    /// A percentage in [0, 100], as credit-tier bounds may start from 0%.
    pub(super) fn bound_percent(&mut self, q: &Quantity) -> Option<Dec> {
        if q.unit != Unit::Percent {
            self.mismatch(
                q,
                "a percentage such as `99.9%`",
                "credit tiers are bounded by service levels, such as `from 99.0% below 99.9%`".into(),
            );
            return None;
        }
        let value = self.number(q)?;
        if value < Decimal::ZERO || value > Decimal::ONE_HUNDRED {
            let diagnostic = Diagnostic::error(
                Code::E204,
                self.file,
                q.span,
                format!("a service level of {}% is outside [0%, 100%]", q.number),
            )
            .label("out of range")
            .help("write a level between 0% and 100%");
            self.report(diagnostic);
            return None;
        }
        Some(Dec::new(value))
    }

    /// A positive duration in seconds or business days. `business_days_ok` says whether the
    /// place has a calendar to count business days with; otherwise E213 is reported by caller.
    pub(super) fn duration(&mut self, q: &Quantity, what: &str) -> Option<ir::Duration> {
        let seconds_per_unit: i64 = match q.unit {
            Unit::Milliseconds => 0,
            Unit::Seconds => 1,
            Unit::Minutes => 60,
            Unit::Hours => 3_600,
            Unit::Days => 86_400,
            Unit::Weeks => 604_800,
            Unit::BusinessDays => -1,
            Unit::Months | Unit::Years => {
                self.mismatch(
                    q,
                    "a duration such as `4h` or `30 days`",
                    "months and years differ in length; write the duration in days, such as `30 days`".into(),
                );
                return None;
            }
            Unit::None => {
                self.mismatch(
                    q,
                    "a duration such as `4h`",
                    format!(
                        "add a unit: `{}h`, `{}m` or `{} days`",
                        q.number, q.number, q.number
                    ),
                );
                return None;
            }
            Unit::Percent | Unit::Currency(_) => {
                self.mismatch(
                    q,
                    "a duration such as `4h`",
                    format!("write {what} as a duration such as `4h`"),
                );
                return None;
            }
        };
        let value = self.number(q)?;
        if value <= Decimal::ZERO {
            let diagnostic = Diagnostic::error(
                Code::E205,
                self.file,
                q.span,
                format!("{what} must be longer than zero"),
            )
            .label("not a positive duration")
            .help("write a positive duration such as `4h`");
            self.report(diagnostic);
            return None;
        }
        if seconds_per_unit < 0 {
            let whole_days = value.fract().is_zero().then(|| value.to_u32()).flatten();
            if whole_days.is_none() {
                let diagnostic = Diagnostic::error(
                    Code::E226,
                    self.file,
                    q.span,
                    format!("business days are counted in whole days, not `{}`", q.number),
                )
                .label("not a whole number of days")
                .help("write a whole number such as `2 business days`, or hours such as `12h`");
                self.report(diagnostic);
            }
            return whole_days.map(ir::Duration::BusinessDays);
        }
        let seconds = if seconds_per_unit == 0 {
            value / Decimal::ONE_THOUSAND
        } else {
            value.checked_mul(Decimal::from(seconds_per_unit))?
        };
        Some(ir::Duration::Seconds(Dec::new(seconds)))
    }

    /// A plain positive count (no unit).
    pub(super) fn count(&mut self, q: &Quantity, what: &str) -> Option<Dec> {
        if q.unit != Unit::None {
            self.mismatch(
                q,
                "a plain number such as `500`",
                format!("write {what} without a unit"),
            );
            return None;
        }
        let value = self.number(q)?;
        if value <= Decimal::ZERO {
            let diagnostic = Diagnostic::error(
                Code::E204,
                self.file,
                q.span,
                format!("{what} must be above zero"),
            )
            .label("not a positive number")
            .help("write a positive number such as `500`");
            self.report(diagnostic);
            return None;
        }
        Some(Dec::new(value))
    }

    pub(super) fn date(&mut self, date: &Spanned<String>) -> Option<NaiveDate> {
        if date.value.is_empty() {
            return None;
        }
        match NaiveDate::parse_from_str(&date.value, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                let diagnostic = Diagnostic::error(
                    Code::E207,
                    self.file,
                    date.span,
                    format!("`{}` is not a date in the calendar", date.value),
                )
                .label("no such date")
                .help("write a real date as YYYY-MM-DD, such as `2026-02-28`");
                self.report(diagnostic);
                None
            }
        }
    }

    /// A clock time `HH:MM` as minutes after midnight; `24:00` only where `end` is true.
    pub(super) fn clock(&mut self, clock: &Spanned<String>, end: bool) -> Option<u32> {
        let (h, m) = clock.value.split_once(':')?;
        let (hours, minutes): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
        let minute_of_day = hours * 60 + minutes;
        let valid = minutes < 60 && (hours < 24 || (end && minute_of_day == 24 * 60));
        if valid {
            return Some(minute_of_day);
        }
        let help = if hours == 24 && minutes == 0 {
            "`24:00` can only end an interval; a day starts at `00:00`".to_string()
        } else {
            "write a time from `00:00` to `23:59`, or `24:00` to end an interval at midnight".to_string()
        };
        let diagnostic = Diagnostic::error(
            Code::E206,
            self.file,
            clock.span,
            format!("`{}` is not a time of day", clock.value),
        )
        .label("invalid time")
        .help(help);
        self.report(diagnostic);
        None
    }

    /// A whole number of calendar days, weeks, months or years, such as `3 months`.
    pub(super) fn calendar_period(
        &mut self,
        q: &Quantity,
        what: &str,
        example: &str,
    ) -> Option<ir::CalendarPeriod> {
        let unit = match q.unit {
            Unit::Days => ir::PeriodUnit::Days,
            Unit::Weeks => ir::PeriodUnit::Weeks,
            Unit::Months => ir::PeriodUnit::Months,
            Unit::Years => ir::PeriodUnit::Years,
            _ => {
                let diagnostic = Diagnostic::error(
                    Code::E212,
                    self.file,
                    q.span,
                    format!("expected {what} such as `{example}`, found {}", describe(q)),
                )
                .label("expected days, weeks, months or years")
                .help(format!(
                    "write {what} in calendar days, weeks, months or years, such as `{example}`"
                ));
                self.report(diagnostic);
                return None;
            }
        };
        let count = self.number(q)?;
        let whole = count
            .fract()
            .is_zero()
            .then(|| count.to_u32())
            .flatten()
            .filter(|c| *c > 0);
        let Some(count) = whole else {
            let diagnostic = Diagnostic::error(
                Code::E205,
                self.file,
                q.span,
                format!("{what} must be a whole number of periods above zero"),
            )
            .label("not a whole positive number")
            .help(format!("write {what} such as `{example}`"));
            self.report(diagnostic);
            return None;
        };
        Some(ir::CalendarPeriod { count, unit })
    }
}
