//! Multi-touch credit models, for analysis only (never payout): first, last, position-based (40/20/40) and time
//! decay with a half-life. Credit is split in exact money: integer micros, largest remainder, so the parts always
//! sum to the conversion's value. No floats anywhere.
//!
//! Time decay weighs a touch Δt before the conversion by 2^(−Δt/h). When Δt is a whole multiple k of the
//! half-life the weight is exactly 1/2^k. Otherwise 2^(−k−f) = 2^(−k) · e^(−f·ln 2) with 0 < f < 1, the
//! exponential summed as a Taylor series in `Decimal` until terms vanish and ln 2 taken to 28 digits: a fixed
//! precision approximation, good to ~1e-25 relative, far below one micro on any real amount. Weights are
//! rounded (half-up) to 24 decimal places so the result is identical on every machine.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::attribution::types::TouchModel;

/// ln 2 to 28 significant digits.
const LN_2: &str = "0.6931471805599453094172321215";
/// Decimal places kept in a decay weight.
const WEIGHT_DP: u32 = 24;

/// Position-based weights of `n` touches (oldest first): 40 % first, 40 % last, 20 % shared by the middle.
pub fn position_weights(n: usize) -> Vec<Decimal> {
    match n {
        0 => Vec::new(),
        1 => vec![Decimal::ONE],
        2 => vec![Decimal::new(5, 1), Decimal::new(5, 1)],
        _ => {
            let middle = Decimal::new(2, 1) / Decimal::from(n - 2);
            let mut w = vec![middle; n];
            w[0] = Decimal::new(4, 1);
            w[n - 1] = Decimal::new(4, 1);
            w
        }
    }
}

/// e^x for −1 < x ≤ 0 by Taylor series.
fn exp_small(x: Decimal) -> Decimal {
    let mut sum = Decimal::ONE;
    let mut term = Decimal::ONE;
    for k in 1..60u32 {
        term = term * x / Decimal::from(k);
        if term.is_zero() {
            break;
        }
        sum += term;
    }
    sum
}

/// 2^(−age/half_life) for non-negative `age_ms` and positive `half_life_ms` (see the module note).
pub fn decay_weight(age_ms: i64, half_life_ms: i64) -> Decimal {
    assert!(half_life_ms > 0, "half-life must be positive");
    let age = age_ms.max(0);
    let whole = age / half_life_ms;
    let rest = age % half_life_ms;
    if whole > 90 {
        return Decimal::ZERO; // below 1e-27: nothing representable
    }
    let mut w = Decimal::ONE;
    for _ in 0..whole {
        w /= Decimal::TWO;
    }
    if rest != 0 {
        let f = Decimal::from(rest) / Decimal::from(half_life_ms);
        let ln2: Decimal = LN_2.parse().expect("ln 2 constant");
        w *= exp_small(-(f * ln2));
    }
    w.round_dp_with_strategy(WEIGHT_DP, RoundingStrategy::MidpointAwayFromZero)
}

/// The weights of touches at `ages_ms` before the conversion (oldest first) under `model`.
pub fn weights(model: TouchModel, ages_ms: &[i64], half_life_ms: i64) -> Vec<Decimal> {
    let n = ages_ms.len();
    match model {
        TouchModel::First | TouchModel::Last if n == 0 => Vec::new(),
        TouchModel::First => (0..n)
            .map(|i| if i == 0 { Decimal::ONE } else { Decimal::ZERO })
            .collect(),
        TouchModel::Last => (0..n)
            .map(|i| {
                if i == n - 1 {
                    Decimal::ONE
                } else {
                    Decimal::ZERO
                }
            })
            .collect(),
        TouchModel::Position => position_weights(n),
        TouchModel::Decay => {
            let w: Vec<Decimal> = ages_ms
                .iter()
                .map(|&a| decay_weight(a, half_life_ms))
                .collect();
            if w.iter().all(Decimal::is_zero) {
                // Every touch is so old its weight vanished: the most recent one takes the credit.
                return weights(TouchModel::Last, ages_ms, half_life_ms);
            }
            w
        }
    }
}

/// Splits `total_micros` in proportion to `weights` (non-negative, not all zero) by largest remainder: each part
/// is the floor of its exact share, and the micros left over go one each to the largest remainders (ties: the
/// earlier touch). The parts sum exactly to the total. A negative total (a reversal) splits its magnitude.
pub fn split(total_micros: i64, weights: &[Decimal]) -> Vec<i64> {
    let sum: Decimal = weights.iter().sum();
    if weights.is_empty() || sum <= Decimal::ZERO {
        return vec![0; weights.len()];
    }
    let sign = if total_micros < 0 { -1 } else { 1 };
    let magnitude = Decimal::from(total_micros).abs();
    let mut parts = Vec::with_capacity(weights.len());
    let mut remainders = Vec::with_capacity(weights.len());
    for (i, w) in weights.iter().enumerate() {
        let exact = magnitude * *w / sum;
        let floor = exact.floor();
        parts.push(floor.to_i64().expect("a part is at most the total"));
        remainders.push((exact - floor, i));
    }
    let assigned: i64 = parts.iter().sum();
    let mut left = magnitude.mantissa() as i64 - assigned;
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in remainders {
        if left == 0 {
            break;
        }
        parts[i] += 1;
        left -= 1;
    }
    parts.into_iter().map(|p| p * sign).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const HOUR: i64 = 3_600_000;

    /// DOMAIN.md §8: position-based 3 touches → 0.4/0.2/0.4, 2 → 0.5/0.5, 1 → 1.0, totals preserved.
    #[test]
    fn position_based_vectors() {
        assert_eq!(
            split(1_000_000, &position_weights(3)),
            vec![400_000, 200_000, 400_000]
        );
        assert_eq!(
            split(1_000_000, &position_weights(2)),
            vec![500_000, 500_000]
        );
        assert_eq!(split(1_000_000, &position_weights(1)), vec![1_000_000]);
        // 4 touches: the middle 20 % shared: 0.4/0.1/0.1/0.4.
        assert_eq!(
            split(100_000_000, &position_weights(4)),
            vec![40_000_000, 10_000_000, 10_000_000, 40_000_000]
        );
    }

    /// DOMAIN.md §8: 1 h half-life, touches 2 h, 1 h, 0 h before conversion, payout 35.00 → 5.00, 10.00, 20.00.
    #[test]
    fn time_decay_vector() {
        let w = weights(TouchModel::Decay, &[2 * HOUR, HOUR, 0], HOUR);
        assert_eq!(
            w,
            vec![Decimal::new(25, 2), Decimal::new(5, 1), Decimal::ONE]
        );
        assert_eq!(
            split(35_000_000, &w),
            vec![5_000_000, 10_000_000, 20_000_000]
        );
    }

    /// Half a half-life is 1/√2 = 0.7071067811865475244008443621…; the approximation must agree to 24 places.
    #[test]
    fn fractional_decay_is_accurate() {
        let w = decay_weight(HOUR / 2, HOUR);
        assert_eq!(w.to_string(), "0.707106781186547524400844");
        let w = decay_weight(HOUR + HOUR / 2, HOUR);
        assert_eq!(w.to_string(), "0.353553390593273762200422");
    }

    /// Largest remainder: 1 micro among 3 equal touches goes to the first; 2 micros to the first two.
    #[test]
    fn remainders_go_to_the_earliest_on_ties() {
        let third = vec![Decimal::ONE; 3];
        assert_eq!(split(1, &third), vec![1, 0, 0]);
        assert_eq!(split(2, &third), vec![1, 1, 0]);
        assert_eq!(split(100, &third), vec![34, 33, 33]);
        assert_eq!(split(-100, &third), vec![-34, -33, -33]);
    }

    proptest! {
        /// Every split sums exactly to the total, under every model, for any ages and amounts.
        #[test]
        fn every_split_sums_exactly_to_the_total(
            total in -10_000_000_000_000i64..10_000_000_000_000i64,
            ages in proptest::collection::vec(0i64..90 * 86_400_000, 1..12),
            half_life_hours in 1i64..500,
        ) {
            let mut ages = ages;
            ages.sort_unstable_by(|a, b| b.cmp(a));
            for model in [TouchModel::First, TouchModel::Last, TouchModel::Position, TouchModel::Decay] {
                let w = weights(model, &ages, half_life_hours * HOUR);
                let parts = split(total, &w);
                prop_assert_eq!(parts.len(), ages.len());
                prop_assert_eq!(parts.iter().sum::<i64>(), total, "model {:?}", model);
                prop_assert!(parts.iter().all(|p| p.signum() * total.signum() >= 0));
            }
        }
    }
}
