//! Small seeded draws shared by the generators: weighted picks, IPs, countries, amounts. Integer arithmetic only,
//! so no float ever touches a generated value.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;

use super::catalog::{COUNTRIES, IP_FIRST_OCTETS};

/// Index drawn with probability proportional to its weight. All-zero weights give index 0.
pub(super) fn pick_weighted(rng: &mut ChaCha8Rng, weights: &[u32]) -> usize {
    let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
    if total == 0 {
        return 0;
    }
    let mut roll = rng.random_range(0..total);
    for (i, &w) in weights.iter().enumerate() {
        if roll < u64::from(w) {
            return i;
        }
        roll -= u64::from(w);
    }
    weights.len() - 1
}

pub(super) fn country_weights() -> Vec<u32> {
    COUNTRIES.iter().map(|&(_, w)| w).collect()
}

pub(super) fn random_country(rng: &mut ChaCha8Rng) -> &'static str {
    COUNTRIES[pick_weighted(rng, &country_weights())].0
}

/// A country other than every one in `not` (there are more countries than any caller excludes).
pub(super) fn other_country(rng: &mut ChaCha8Rng, not: &[&str]) -> &'static str {
    let candidates: Vec<&'static str> = COUNTRIES
        .iter()
        .map(|&(c, _)| c)
        .filter(|c| !not.contains(c))
        .collect();
    candidates
        .get(rng.random_range(0..candidates.len().max(1)))
        .copied()
        .unwrap_or("MT")
}

pub(super) fn random_ip(rng: &mut ChaCha8Rng) -> String {
    let first = IP_FIRST_OCTETS[rng.random_range(0..IP_FIRST_OCTETS.len())];
    let (b, c, d): (u8, u8, u8) = (rng.random(), rng.random(), rng.random_range(1..=254));
    format!("{first}.{b}.{c}.{d}")
}

/// `len` lowercase hex characters (len ≤ 32).
pub(super) fn hex_token(rng: &mut ChaCha8Rng, len: usize) -> String {
    let mut text = format!("{:032x}", rng.random::<u128>());
    text.truncate(len);
    text
}

/// A deposit between 10.00 and 500.00 EUR, skewed to small amounts, often round.
pub(super) fn random_amount(rng: &mut ChaCha8Rng) -> Decimal {
    let mut cents: i64 = match pick_weighted(rng, &[55, 25, 15, 5]) {
        0 => rng.random_range(1_000..=5_000),
        1 => rng.random_range(5_000..=15_000),
        2 => rng.random_range(15_000..=30_000),
        _ => rng.random_range(30_000..=50_000),
    };
    match rng.random_range(0..10) {
        0..=4 => cents = (cents / 500 * 500).max(1_000), // players like 20, 25, 50 …
        5..=6 => cents = cents / 100 * 100,
        _ => {}
    }
    Decimal::new(cents, 2)
}

/// `cents` as a 2-dp decimal.
pub(super) fn cents(cents: i64) -> Decimal {
    Decimal::new(cents, 2)
}
