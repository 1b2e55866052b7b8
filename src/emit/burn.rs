//! The burn-rate alert policy shared by the Prometheus and OpenSLO emitters: the four
//! multi-window conditions of the Google SRE Workbook (chapter 5), their factors for an
//! objective's window, spread over the open hours for business-hours objectives, and the exact
//! numbers they print.

use rust_decimal::Decimal;

use super::watched::Watched;
use crate::ir::Window;

/// One multi-window burn-rate alert condition: a share of the budget spent within `long`,
/// confirmed over `short`.
pub struct BurnWindow {
    pub severity: &'static str,
    pub budget_share: Decimal,
    pub long: &'static str,
    pub long_hours: i64,
    pub short: &'static str,
}

pub fn burn_windows() -> [BurnWindow; 4] {
    [
        BurnWindow {
            severity: "page",
            budget_share: Decimal::new(2, 2),
            long: "1h",
            long_hours: 1,
            short: "5m",
        },
        BurnWindow {
            severity: "page",
            budget_share: Decimal::new(5, 2),
            long: "6h",
            long_hours: 6,
            short: "30m",
        },
        BurnWindow {
            severity: "ticket",
            budget_share: Decimal::new(10, 2),
            long: "1d",
            long_hours: 24,
            short: "2h",
        },
        BurnWindow {
            severity: "ticket",
            budget_share: Decimal::new(10, 2),
            long: "3d",
            long_hours: 72,
            short: "6h",
        },
    ]
}

/// The objective's window in days. A calendar window has no fixed length in PromQL: a
/// calendar month is approximated by 30 days, a quarter by 90, a year by 365.
pub fn window_days(window: &Option<Window>) -> Decimal {
    match window {
        Some(Window::Rolling { seconds }) => seconds.value() / Decimal::from(86_400),
        Some(Window::CalendarQuarter) => Decimal::from(90),
        Some(Window::CalendarYear) => Decimal::from(365),
        Some(Window::CalendarMonth) | None => Decimal::from(30),
    }
}

/// The objective's window as a PromQL range (`30d`, or whole hours).
pub fn window_range(window: &Option<Window>) -> String {
    let days = window_days(window);
    if days.fract().is_zero() {
        format!("{}d", days.normalize())
    } else {
        format!("{}h", (days * Decimal::from(24)).round().normalize())
    }
}

/// The burn-rate factor: how many times faster than sustainable the budget burns when
/// `share` of it is spent within `hours` of a window of `window_hours`.
pub fn burn_factor(share: Decimal, window_hours: Decimal, hours: i64) -> Decimal {
    share * window_hours / Decimal::from(hours)
}

/// The burn-rate factor of an objective counted only in a calendar's open hours, which are
/// `open_fraction` of the week. The budget is spread over the open hours of the window; an
/// alert window shorter than a day is taken to lie within open hours (the alert only fires
/// then), a day or longer to hold the calendar's average share of them. A factor below 1 would
/// page while the budget lasts, so short windows never go below 1.
pub fn business_burn_factor(
    share: Decimal,
    window_hours: Decimal,
    hours: i64,
    open_fraction: Decimal,
) -> Decimal {
    if hours >= 24 {
        return burn_factor(share, window_hours, hours);
    }
    (share * window_hours * open_fraction / Decimal::from(hours)).max(Decimal::ONE)
}

/// The factor of one burn window for a watched objective.
pub fn factor(watched: &Watched, window: &BurnWindow) -> Decimal {
    let window_hours = window_days(&watched.objective.window) * Decimal::from(24);
    match watched.open_fraction() {
        Some(fraction) => {
            business_burn_factor(window.budget_share, window_hours, window.long_hours, fraction)
        }
        None => burn_factor(window.budget_share, window_hours, window.long_hours),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::number;

    #[test]
    fn burn_factors_follow_the_workbook() {
        let thirty = Decimal::from(30 * 24);
        let factors: Vec<String> = burn_windows()
            .iter()
            .map(|w| number(burn_factor(w.budget_share, thirty, w.long_hours)))
            .collect();
        assert_eq!(factors, ["14.4", "6", "3", "1"]);
        let twenty_eight = Decimal::from(28 * 24);
        let factors: Vec<String> = burn_windows()
            .iter()
            .map(|w| number(burn_factor(w.budget_share, twenty_eight, w.long_hours)))
            .collect();
        assert_eq!(factors, ["13.44", "5.6", "2.8", "0.933333333333"]);
    }

    #[test]
    fn business_hours_factors_spread_the_budget_over_open_hours() {
        // Monday to Friday 09:00-17:00 is 40 of the week's 168 hours.
        let open = Decimal::from(40) / Decimal::from(168);
        let thirty = Decimal::from(30 * 24);
        let factors: Vec<String> = burn_windows()
            .iter()
            .map(|w| number(business_burn_factor(w.budget_share, thirty, w.long_hours, open)))
            .collect();
        assert_eq!(factors, ["3.428571428571", "1.428571428571", "3", "1"]);
        // Open ten hours a week, a 1-hour page would fire below the sustainable rate.
        let ten_hours = Decimal::from(10) / Decimal::from(168);
        assert_eq!(
            business_burn_factor(Decimal::new(2, 2), thirty, 1, ten_hours),
            Decimal::ONE
        );
    }

    #[test]
    fn thresholds_are_exact() {
        let allowed = Decimal::new(1, 3);
        assert_eq!(
            number(burn_factor(Decimal::new(2, 2), Decimal::from(720), 1) * allowed),
            "0.0144"
        );
    }
}
