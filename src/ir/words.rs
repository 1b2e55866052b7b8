//! Values of the IR in plain words, for the reports that quote them (`slac diff`,
//! `slac report`): `99.95%`, `4 h`, `2 business days`, `10% of the monthly fee`.

use rust_decimal::Decimal;

use super::{Amount, CreditTier, Duration, FeeBasis};

pub fn percent_text(value: Decimal) -> String {
    format!("{}%", value.normalize())
}

/// Seconds in the largest unit that holds them whole: `1 d`, `8 h`, `90 min`, `0.8 s`.
pub fn seconds_text(seconds: Decimal) -> String {
    let seconds = seconds.normalize();
    for (unit, size) in [("d", 86_400), ("h", 3_600), ("min", 60)] {
        let size = Decimal::from(size);
        if seconds >= size && (seconds % size).is_zero() {
            return format!("{} {unit}", (seconds / size).normalize());
        }
    }
    format!("{seconds} s")
}

pub fn duration_text(duration: &Duration) -> String {
    match duration {
        Duration::Seconds(s) => seconds_text(s.value()),
        Duration::BusinessDays(1) => "1 business day".into(),
        Duration::BusinessDays(n) => format!("{n} business days"),
    }
}

/// A tier's bounds as the language writes them: `from 99% below 99.9%`, `above 99% to
/// 99.9%`, `below 95%`, `at most 95%`.
pub fn tier_bounds_text(tier: &CreditTier) -> String {
    let upper = tier.upper();
    let lower = tier.lower();
    let upper_word = match (upper.inclusive, lower.is_some()) {
        (false, _) => "below",
        (true, true) => "to",
        (true, false) => "at most",
    };
    let upper = format!("{upper_word} {}", percent_text(upper.percent.value()));
    match lower {
        Some(lower) => format!(
            "{} {} {upper}",
            if lower.inclusive { "from" } else { "above" },
            percent_text(lower.percent.value())
        ),
        None => upper,
    }
}

pub fn amount_text(amount: &Amount) -> String {
    match amount {
        Amount::PercentOfFee { percent, fee } => {
            let fee = match fee {
                FeeBasis::Monthly => "monthly",
                FeeBasis::Quarterly => "quarterly",
                FeeBasis::Annual => "annual",
            };
            format!("{} of the {fee} fee", percent_text(percent.value()))
        }
        Amount::Money { amount, currency } => format!("{amount} {currency}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn largest_whole_unit() {
        assert_eq!(seconds_text(Decimal::from(28_800)), "8 h");
        assert_eq!(seconds_text(Decimal::from(5_400)), "90 min");
        assert_eq!(seconds_text(Decimal::new(8, 1)), "0.8 s");
        assert_eq!(duration_text(&Duration::BusinessDays(1)), "1 business day");
    }
}
