//! Attained levels, exactly. A level is the fraction of something that went right (seconds up
//! of seconds measured, tickets met of tickets judged) and is compared with the spec's
//! percentages as a fraction, never through a rounded decimal: a level one second below a
//! boundary is below it. Rounding happens only when the level is shown, and never so far that
//! the shown value falls on the other side of a boundary than the level itself.

use std::cmp::Ordering;

use rust_decimal::Decimal;

/// `100 × part / whole` percent, with `part ≤ whole` and `whole > 0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Level {
    part: u64,
    whole: u64,
}

/// The digits a level is shown with, unless a boundary asks for more.
const SHOWN_DIGITS: u32 = 4;

impl Level {
    /// The level of `part` of `whole`; `None` when nothing was measured (`whole` is 0).
    pub fn of(part: u64, whole: u64) -> Option<Level> {
        (whole > 0).then_some(Level {
            part: part.min(whole),
            whole,
        })
    }

    /// How the level compares with `percent`, exactly.
    pub fn cmp_percent(self, percent: Decimal) -> Ordering {
        if percent.is_sign_negative() && !percent.is_zero() {
            return Ordering::Greater;
        }
        // percent = mantissa / 10^scale, so the level is compared as part / whole against
        // mantissa / (100 × 10^scale); a scale of at most 28 keeps that denominator in a u128.
        let percent = percent.normalize();
        let mantissa = percent.mantissa().unsigned_abs();
        let denominator = 100 * 10u128.pow(percent.scale());
        compare_fractions(
            u128::from(self.part),
            u128::from(self.whole),
            mantissa,
            denominator,
        )
    }

    pub fn at_least(self, percent: Decimal) -> bool {
        self.cmp_percent(percent) != Ordering::Less
    }

    pub fn below(self, percent: Decimal) -> bool {
        self.cmp_percent(percent) == Ordering::Less
    }

    /// The level as a decimal of 28 significant digits (exact when the level has no more).
    fn approximate(self) -> Decimal {
        Decimal::from(self.part) * Decimal::ONE_HUNDRED / Decimal::from(self.whole)
    }

    /// The level to show: rounded to 4 decimals, or to as many more as it takes for the shown
    /// value to compare with each of `boundaries` as the level does (99.89999% is not shown as
    /// 99.9% where 99.9% is a boundary).
    pub fn shown(self, boundaries: &[Decimal]) -> Decimal {
        let approximate = self.approximate();
        let faithful = |shown: Decimal| {
            boundaries
                .iter()
                .all(|&boundary| shown.cmp(&boundary) == self.cmp_percent(boundary))
        };
        (SHOWN_DIGITS..=26)
            .map(|digits| approximate.round_dp(digits))
            .find(|&shown| faithful(shown))
            .unwrap_or(approximate)
            .normalize()
    }
}

/// How `a / b` compares with `c / d` (`b` and `d` positive), exactly and without overflow: by
/// their whole parts, then by the reciprocals of what remains (a continued fraction).
fn compare_fractions(mut a: u128, mut b: u128, mut c: u128, mut d: u128) -> Ordering {
    let mut flipped = false;
    loop {
        let (whole_left, whole_right) = (a / b, c / d);
        if whole_left != whole_right {
            let order = whole_left.cmp(&whole_right);
            return if flipped { order.reverse() } else { order };
        }
        let (rest_left, rest_right) = (a % b, c % d);
        let order = match (rest_left == 0, rest_right == 0) {
            (true, true) => return Ordering::Equal,
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            (false, false) => {
                // rest_left / b against rest_right / d is b / rest_left against d / rest_right,
                // reversed.
                (a, b, c, d) = (b, rest_left, d, rest_right);
                flipped = !flipped;
                continue;
            }
        };
        return if flipped { order.reverse() } else { order };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn percent(text: &str) -> Decimal {
        text.parse().unwrap_or_default()
    }

    #[test]
    fn a_level_one_second_below_a_boundary_is_below_it() {
        // 30 days: 2,592,000 s; 99.9% allows 2,592 s.
        let month = 30 * 86_400;
        let at = Level::of(month - 2_592, month).unwrap_or_else(|| unreachable!());
        let below = Level::of(month - 2_593, month).unwrap_or_else(|| unreachable!());
        assert_eq!(at.cmp_percent(percent("99.9")), Ordering::Equal);
        assert!(below.below(percent("99.9")));
        // Rounded to 4 decimals the level below would read 99.9000: it is shown with more.
        assert_eq!(below.shown(&[]).to_string(), "99.9");
        assert_eq!(below.shown(&[percent("99.9")]).to_string(), "99.89996");
        assert_eq!(at.shown(&[percent("99.9")]).to_string(), "99.9");
        assert!(Level::of(0, 0).is_none());
    }

    /// The obvious reference: cross-multiplied in wide integers, which these sizes allow.
    fn reference(part: u64, whole: u64, mantissa: u64, scale: u32) -> Ordering {
        let left = u128::from(part) * 100 * 10u128.pow(scale);
        let right = u128::from(mantissa) * u128::from(whole);
        left.cmp(&right)
    }

    proptest! {
        #[test]
        fn compares_as_cross_multiplication(
            whole in 1u64..100_000_000_000,
            share in 0u64..=1_000_000,
            mantissa in 0u64..=100_000_000,
            scale in 0u32..=6,
        ) {
            let part = (u128::from(whole) * u128::from(share) / 1_000_000) as u64;
            let level = Level::of(part, whole).unwrap_or_else(|| unreachable!());
            let percent = Decimal::new(mantissa as i64, scale);
            prop_assert_eq!(level.cmp_percent(percent), reference(part, whole, mantissa, scale));
            let shown = level.shown(&[percent]);
            prop_assert_eq!(shown.cmp(&percent), level.cmp_percent(percent));
        }
    }
}
