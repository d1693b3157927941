//! Exact money: amounts are `i64` micros (10^-6 of the currency unit) with an ISO 4217 code beside them.
//!
//! Nothing here touches floating point. Parsing rejects what it cannot hold exactly instead of rounding;
//! rounding happens only where a caller names the mode.

use rust_decimal::{Decimal, RoundingStrategy};
use std::str::FromStr;

/// Micros per currency unit.
pub const MICROS_PER_UNIT: i64 = 1_000_000;
/// Decimal places of a micros amount.
pub const MICROS_SCALE: u32 = 6;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("'{0}' is not a decimal amount")]
    NotANumber(String),
    #[error("'{0}' has more than 6 decimal places; it cannot be stored exactly")]
    TooPrecise(String),
    #[error("'{0}' is too large to store")]
    Overflow(String),
}

/// Parses a decimal text ("25.50", "-3", "1e2" is rejected) into micros, exactly.
pub fn parse_micros(text: &str) -> Result<i64, MoneyError> {
    let t = text.trim();
    if t.is_empty() || t.contains(['e', 'E']) {
        return Err(MoneyError::NotANumber(text.to_string()));
    }
    let d = Decimal::from_str(t).map_err(|_| MoneyError::NotANumber(text.to_string()))?;
    decimal_to_micros(d).map_err(|e| match e {
        MoneyError::TooPrecise(_) => MoneyError::TooPrecise(text.to_string()),
        _ => MoneyError::Overflow(text.to_string()),
    })
}

/// Converts a decimal to micros, refusing anything finer than a micro.
pub fn decimal_to_micros(d: Decimal) -> Result<i64, MoneyError> {
    let scaled = d
        .checked_mul(Decimal::from(MICROS_PER_UNIT))
        .ok_or_else(|| MoneyError::Overflow(d.to_string()))?;
    if scaled.fract() != Decimal::ZERO {
        return Err(MoneyError::TooPrecise(d.to_string()));
    }
    i64::try_from(scaled).map_err(|_| MoneyError::Overflow(d.to_string()))
}

/// The decimal value of a micros amount (exact).
pub fn micros_to_decimal(micros: i64) -> Decimal {
    Decimal::new(micros, MICROS_SCALE)
}

/// Minor-unit exponent of an ISO 4217 currency (EUR 2, JPY 0, KWD 3).
pub fn currency_exponent(code: &str) -> u32 {
    match code {
        "BIF" | "CLP" | "DJF" | "GNF" | "ISK" | "JPY" | "KMF" | "KRW" | "PYG" | "RWF" | "UGX"
        | "UYI" | "VND" | "VUV" | "XAF" | "XOF" | "XPF" => 0,
        "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
        _ => 2,
    }
}

/// Formats micros in the currency's minor units, rounding half away from zero (half-up for positive amounts:
/// 0.005 EUR shows as 0.01) when the amount is finer than the currency allows. Always shows every minor digit.
pub fn format_amount(micros: i64, currency: &str) -> String {
    let dp = currency_exponent(currency);
    let d = micros_to_decimal(micros)
        .round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
    format!("{:.*}", dp as usize, d)
}

/// `part` per 100 of `whole`, two decimals, half-up; "0.00" when `whole` is zero.
pub fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "0.00".to_string();
    }
    let d = (Decimal::from(part) * Decimal::from(100) / Decimal::from(whole))
        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    format!("{d:.2}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_exact_decimals() {
        assert_eq!(parse_micros("25.50"), Ok(25_500_000));
        assert_eq!(parse_micros("-3"), Ok(-3_000_000));
        assert_eq!(parse_micros(" 0.000001 "), Ok(1));
        assert_eq!(parse_micros("100"), Ok(100_000_000));
    }

    /// Rounding a too-precise amount would silently move money; it must be refused instead.
    #[test]
    fn rejects_what_cannot_be_held_exactly() {
        assert!(matches!(
            parse_micros("0.0000001"),
            Err(MoneyError::TooPrecise(_))
        ));
        assert!(matches!(
            parse_micros("abc"),
            Err(MoneyError::NotANumber(_))
        ));
        assert!(matches!(
            parse_micros("1e3"),
            Err(MoneyError::NotANumber(_))
        ));
        assert!(matches!(parse_micros(""), Err(MoneyError::NotANumber(_))));
        assert!(matches!(
            parse_micros("99999999999999999"),
            Err(MoneyError::Overflow(_))
        ));
    }

    #[test]
    fn formats_in_minor_units_half_up() {
        assert_eq!(format_amount(25_500_000, "EUR"), "25.50");
        assert_eq!(format_amount(5_000, "EUR"), "0.01"); // 0.005 -> 0.01, half-up, not banker's 0.00
        assert_eq!(format_amount(15_000, "EUR"), "0.02"); // 0.015 -> 0.02
        assert_eq!(format_amount(-5_000, "EUR"), "-0.01");
        assert_eq!(format_amount(1_500_000, "JPY"), "2");
        assert_eq!(format_amount(1_234_500, "KWD"), "1.235");
    }

    #[test]
    fn percent_is_half_up() {
        assert_eq!(percent(1, 8), "12.50");
        assert_eq!(percent(1, 3), "33.33");
        assert_eq!(percent(2, 3), "66.67");
        assert_eq!(percent(1, 0), "0.00");
        // 1/800 = 0.125 % -> 0.13 half-up (banker's would give 0.12)
        assert_eq!(percent(1, 800), "0.13");
    }

    proptest! {
        /// Every amount with at most 6 decimals survives text -> micros -> text unchanged in value.
        #[test]
        fn micros_round_trip(m in -10_000_000_000_000i64..10_000_000_000_000i64) {
            let text = micros_to_decimal(m).to_string();
            prop_assert_eq!(parse_micros(&text), Ok(m));
        }
    }
}
