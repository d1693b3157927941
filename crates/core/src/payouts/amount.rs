//! Amounts in payment files: `i64` micros written with exactly the currency's minor digits, never rounded.
//!
//! Why refuse instead of round: a payout amount comes from an approved statement line that was already rounded
//! once, with a named mode (ARCHITECTURE.md, Data). An amount finer than the currency's minor unit here means
//! that step was skipped; rounding silently would pay a different amount than the one approved.

use crate::money::{micros_to_decimal, MICROS_SCALE};
use crate::payouts::payee::Currency;

/// The amount cannot be written in the currency's minor units.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("The amount {amount} {currency} has more decimals than the currency's {minor_units}; it is never rounded here, so round it on the statement first.")]
pub struct NotMinorUnits {
    pub amount: String,
    pub currency: String,
    pub minor_units: u32,
}

/// "0.01", "1234567.89", "1500" (JPY), "1.250" (KWD): exactly the minor digits, a '.' separator, no grouping.
pub fn minor_units_text(micros: i64, currency: &Currency) -> Result<String, NotMinorUnits> {
    let d = micros_to_decimal(micros);
    let dp = currency.minor_units();
    // Whole minor units are whole multiples of 10^(6 - dp) micros: an integer test, no rounding involved.
    let micros_per_minor = 10i64.pow(MICROS_SCALE.saturating_sub(dp));
    if micros % micros_per_minor != 0 {
        return Err(NotMinorUnits {
            amount: d.normalize().to_string(),
            currency: currency.to_string(),
            minor_units: dp,
        });
    }
    let mut exact = d;
    exact.rescale(dp);
    Ok(exact.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_exactly_or_refused() {
        let cur = |c: &str| Currency::parse(c).unwrap_or_else(|e| panic!("{e}"));
        for (micros, code, want) in [
            (10_000, "EUR", Ok("0.01")),
            (1_234_567_890_000, "EUR", Ok("1234567.89")),
            (1_000_000, "EUR", Ok("1.00")),
            (-2_500_000, "EUR", Ok("-2.50")),
            (1_500_000_000, "JPY", Ok("1500")),
            (1_250_000, "KWD", Ok("1.250")),
            (1_000, "EUR", Err(("0.001", 2))),
            (1_005_000, "EUR", Err(("1.005", 2))),
            (1_500_000, "JPY", Err(("1.5", 0))),
            (1_250_100, "KWD", Err(("1.2501", 3))),
        ] {
            let want = want
                .map(String::from)
                .map_err(|(amount, minor_units)| NotMinorUnits {
                    amount: amount.into(),
                    currency: code.into(),
                    minor_units,
                });
            assert_eq!(
                minor_units_text(micros, &cur(code)),
                want,
                "{micros} {code}"
            );
        }
    }
}
