//! Rounding, named per plan, applied once at the statement line in the currency's minor units.
//!
//! Everything before the line (percentages of NGR, per-lot rebates with four decimals, FX conversions) stays an
//! exact [`Decimal`]; [`RoundingMode::round_to_minor`] is the one place a line amount loses precision. The split
//! ([`split_exact`]) distributes a total over weights by the largest-remainder method, so the parts always sum to
//! the total, to the minor unit.

use crate::money::{currency_exponent, decimal_to_micros, MoneyError, MICROS_SCALE};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// Decimal places a per-lot rebate rate may carry before the line is rounded (e.g. 0.0125 USD per lot).
pub const REBATE_RATE_DP_MAX: u32 = 4;

/// How a plan rounds its statement lines. Named in the plan file; `half_up` when absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundingMode {
    /// Half away from zero: 0.5 cent → 1 cent, −0.5 → −1 (what most affiliate programs and the peer suites do).
    #[default]
    HalfUp,
    /// Banker's rounding: half to the even neighbour (0.5 → 0, 1.5 → 2); rust_decimal's default `round_dp`.
    HalfEven,
    /// Truncation toward zero: the affiliate is never paid a fraction the program did not earn.
    Down,
}

impl RoundingMode {
    pub fn name(self) -> &'static str {
        match self {
            RoundingMode::HalfUp => "half_up",
            RoundingMode::HalfEven => "half_even",
            RoundingMode::Down => "down",
        }
    }

    pub fn strategy(self) -> RoundingStrategy {
        match self {
            RoundingMode::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            RoundingMode::HalfEven => RoundingStrategy::MidpointNearestEven,
            RoundingMode::Down => RoundingStrategy::ToZero,
        }
    }

    /// Rounds an amount in currency units to the currency's minor units (EUR cents, JPY yen, KWD fils) and
    /// returns it as micros.
    pub fn round_to_minor(self, amount: Decimal, currency: &str) -> Result<i64, MoneyError> {
        let dp = currency_exponent(currency);
        decimal_to_micros(amount.round_dp_with_strategy(dp, self.strategy()))
    }

    /// Rounds an exact micros amount to minor units.
    pub fn round_micros(self, micros: i64, currency: &str) -> Result<i64, MoneyError> {
        self.round_to_minor(Decimal::new(micros, MICROS_SCALE), currency)
    }
}

/// Micros in one minor unit of the currency (EUR 10_000, JPY 1_000_000, KWD 1_000).
pub fn minor_unit_micros(currency: &str) -> i64 {
    10i64.pow(MICROS_SCALE - currency_exponent(currency))
}

/// Splits `total_micros` over `weights` so that the parts sum exactly to the total: every part is a whole number
/// of minor units (when the total is), the floor of its exact share, plus one minor unit for the largest
/// remainders (ties go to the earlier weight). All-zero weights give the whole total to the first part, so money
/// is never lost; only an empty weight list returns an empty vector.
pub fn split_exact(total_micros: i64, weights: &[u64], currency: &str) -> Vec<i64> {
    if weights.is_empty() {
        return Vec::new();
    }
    let unit = i128::from(minor_unit_micros(currency));
    let total = i128::from(total_micros);
    // Whole minor units to distribute, and a sub-minor residue (only when the total itself is not whole).
    let units = total / unit;
    let residue = total - units * unit;
    let sum: i128 = weights.iter().map(|&w| i128::from(w)).sum();
    let mut parts: Vec<i128> = vec![0; weights.len()];
    if sum == 0 {
        parts[0] = total;
        return parts.into_iter().map(|p| p as i64).collect();
    }
    let mut rem: Vec<(i128, usize)> = Vec::with_capacity(weights.len());
    let mut given: i128 = 0;
    for (i, &w) in weights.iter().enumerate() {
        let exact = units * i128::from(w);
        let share = exact / sum; // truncates toward zero, also for negative totals
        parts[i] = share;
        given += share;
        rem.push(((exact - share * sum).abs(), i));
    }
    let mut left = units - given; // same sign as units, |left| < weights.len()
    rem.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let step = left.signum();
    for &(_, i) in rem.iter().cycle() {
        if left == 0 {
            break;
        }
        parts[i] += step;
        left -= step;
    }
    let mut out: Vec<i64> = parts.into_iter().map(|p| (p * unit) as i64).collect();
    out[0] += residue as i64;
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::str::FromStr;

    fn cents_times_percent(cents: i64, percent: &str, mode: RoundingMode) -> i64 {
        let amount =
            Decimal::new(cents, 2) * Decimal::from_str(percent).unwrap() / Decimal::from(100);
        mode.round_to_minor(amount, "EUR").unwrap() / 10_000
    }

    /// DOMAIN.md §8 (peer suites' half-up vectors): 7¢×20%=1, 2¢×20%=0, 3¢×20%=1, 15¢×10%=2, 1¢×50%=1,
    /// 500¢×2.9%=15; banker's gives 0 and 14 for the last two. Pins that `half_up` is not rust_decimal's default.
    #[test]
    fn domain_half_up_vectors() {
        let up = RoundingMode::HalfUp;
        assert_eq!(cents_times_percent(7, "20", up), 1);
        assert_eq!(cents_times_percent(2, "20", up), 0);
        assert_eq!(cents_times_percent(3, "20", up), 1);
        assert_eq!(cents_times_percent(15, "10", up), 2);
        assert_eq!(cents_times_percent(1, "50", up), 1);
        assert_eq!(cents_times_percent(500, "2.9", up), 15);
        let even = RoundingMode::HalfEven;
        assert_eq!(cents_times_percent(1, "50", even), 0);
        assert_eq!(cents_times_percent(500, "2.9", even), 14);
        assert_eq!(cents_times_percent(7, "20", RoundingMode::Down), 1);
        assert_eq!(cents_times_percent(15, "10", RoundingMode::Down), 1);
    }

    /// Exponents: JPY has no minor unit, KWD has three.
    #[test]
    fn rounds_in_the_currency_minor_units() {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        let up = RoundingMode::HalfUp;
        assert_eq!(up.round_to_minor(d("1234.5"), "JPY"), Ok(1_235_000_000));
        assert_eq!(up.round_to_minor(d("1.2345"), "KWD"), Ok(1_235_000));
        assert_eq!(up.round_to_minor(d("1.2345"), "EUR"), Ok(1_230_000));
        assert_eq!(up.round_to_minor(d("-0.005"), "EUR"), Ok(-10_000));
        assert_eq!(
            RoundingMode::Down.round_to_minor(d("-0.019"), "EUR"),
            Ok(-10_000)
        );
        assert_eq!(
            RoundingMode::HalfEven.round_to_minor(d("2.5"), "JPY"),
            Ok(2_000_000)
        );
    }

    #[test]
    fn split_three_ways_sums_exactly() {
        assert_eq!(
            split_exact(100_000_000, &[1, 1, 1], "EUR"),
            vec![33_340_000, 33_330_000, 33_330_000]
        );
        assert_eq!(
            split_exact(-100_000_000, &[1, 1, 1], "EUR"),
            vec![-33_340_000, -33_330_000, -33_330_000]
        );
        assert_eq!(
            split_exact(100_000_000, &[1, 1, 1], "JPY"),
            vec![34_000_000, 33_000_000, 33_000_000]
        );
        assert_eq!(split_exact(5, &[1, 1], "EUR"), vec![5, 0]);
        assert!(split_exact(5, &[], "EUR").is_empty());
    }

    fn currency() -> impl Strategy<Value = &'static str> {
        prop_oneof![Just("EUR"), Just("JPY"), Just("KWD"), Just("USD")]
    }

    fn mode() -> impl Strategy<Value = RoundingMode> {
        prop_oneof![
            Just(RoundingMode::HalfUp),
            Just(RoundingMode::HalfEven),
            Just(RoundingMode::Down)
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]
        /// M3: an N-way split sums exactly to the total, each part is whole minor units when the total is, and no
        /// part differs from its exact share by a minor unit or more.
        #[test]
        fn split_sums_exactly(total in -1_000_000_000_000i64..1_000_000_000_000, weights in prop::collection::vec(0u64..1_000_000, 1..12), cur in currency()) {
            let unit = minor_unit_micros(cur);
            let total = total - total % unit;
            let parts = split_exact(total, &weights, cur);
            prop_assert_eq!(parts.iter().sum::<i64>(), total);
            let sum: i128 = weights.iter().map(|&w| i128::from(w)).sum();
            for (p, &w) in parts.iter().zip(&weights) {
                prop_assert_eq!(p % unit, 0);
                if sum > 0 {
                    let exact = i128::from(total) * i128::from(w);
                    prop_assert!((i128::from(*p) * sum - exact).abs() < i128::from(unit) * sum);
                }
            }
        }

        /// M3: a rounded line is whole minor units of its currency, within one minor unit of the exact value,
        /// and rounding is idempotent (rounding a rounded line changes nothing, whatever the mode).
        #[test]
        fn rounding_respects_exponents(micros in -10_000_000_000_000i64..10_000_000_000_000, cur in currency(), m in mode()) {
            let r = m.round_micros(micros, cur).unwrap();
            let unit = minor_unit_micros(cur);
            prop_assert_eq!(r % unit, 0);
            prop_assert!((r - micros).abs() < unit);
            prop_assert_eq!(m.round_micros(r, cur).unwrap(), r);
            if m == RoundingMode::Down {
                prop_assert!(r.abs() <= micros.abs());
            }
        }
    }
}
