//! The four tier semantics, as pure functions over exact decimals. Which one a plan uses is named in the plan
//! (`band`, `marginal`, `retroactive`, `multi_condition`); sources disagree, so none is a default.

use super::plan::{Tier, TierSemantic};
use rust_decimal::Decimal;

/// What a tier table yields for a base: the amount, and the index of the tier(s) that applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierOutcome {
    pub amount: Decimal,
    /// The tier that set the rate (band, retroactive, multi-condition) or every tier a slice fell in (marginal).
    pub tiers: Vec<usize>,
}

fn contains(t: &Tier, x: Decimal) -> bool {
    x >= t.from && t.to.is_none_or(|to| x <= to)
}

/// Applies percentage tiers to `base` (e.g. NGR).
/// - band: the whole base at the rate of the band containing it (bounds inclusive); no band → 0.
/// - marginal: each slice `(from, to]` of the base at its own rate.
/// - retroactive: the highest tier whose `from` the metric reached sets the rate for the whole base.
/// - multi_condition: as retroactive, and the tier's `min_active_players` must hold too.
///
/// `metric` selects the tier where the semantic allows a metric other than the base (retroactive and
/// multi-condition); band and marginal always read the base.
pub fn apply_percent(
    tiers: &[Tier],
    semantic: TierSemantic,
    base: Decimal,
    metric: Decimal,
    active_players: u32,
) -> TierOutcome {
    let pct = |t: &Tier| t.percent.unwrap_or_default() / Decimal::ONE_HUNDRED;
    match semantic {
        TierSemantic::Band => match tiers.iter().position(|t| contains(t, base)) {
            Some(i) => TierOutcome {
                amount: base * pct(&tiers[i]),
                tiers: vec![i],
            },
            None => TierOutcome {
                amount: Decimal::ZERO,
                tiers: vec![],
            },
        },
        TierSemantic::Marginal => {
            let mut amount = Decimal::ZERO;
            let mut used = Vec::new();
            for (i, t) in tiers.iter().enumerate() {
                let top = t.to.map_or(base, |to| base.min(to));
                let slice = top - t.from;
                if slice > Decimal::ZERO {
                    amount += slice * pct(t);
                    used.push(i);
                }
            }
            // A negative base (a losing month) is paid at the first tier's rate, so it can carry over.
            if base < Decimal::ZERO {
                if let Some(first) = tiers.first() {
                    amount = base * pct(first);
                    used = vec![0];
                }
            }
            TierOutcome {
                amount,
                tiers: used,
            }
        }
        TierSemantic::Retroactive | TierSemantic::MultiCondition => {
            let reached = tiers.iter().enumerate().rev().find(|(_, t)| {
                metric >= t.from
                    && (semantic != TierSemantic::MultiCondition
                        || t.min_active_players.is_none_or(|m| active_players >= m))
            });
            match reached {
                Some((i, t)) => TierOutcome {
                    amount: base * pct(t),
                    tiers: vec![i],
                },
                None if semantic == TierSemantic::Retroactive
                    && !tiers.is_empty()
                    && base < Decimal::ZERO =>
                {
                    TierOutcome {
                        amount: base * pct(&tiers[0]),
                        tiers: vec![0],
                    }
                }
                None => TierOutcome {
                    amount: Decimal::ZERO,
                    tiers: vec![],
                },
            }
        }
    }
}

/// Applies amount tiers to a count of qualified players (CPA): the amount paid for each of `count` players.
/// - band: every player at the band containing `count`; no band → 0.
/// - marginal: player n (1-based, in qualification order) at the tier containing n.
/// - retroactive / multi_condition: every player at the highest tier reached (and, multi-condition, whose
///   `min_active_players` holds).
pub fn apply_amount(
    tiers: &[Tier],
    semantic: TierSemantic,
    count: u32,
    active_players: u32,
) -> Vec<(Decimal, Option<usize>)> {
    let n = Decimal::from(count);
    let amt = |t: &Tier| t.amount.unwrap_or_default();
    match semantic {
        TierSemantic::Band => {
            let band = tiers.iter().position(|t| contains(t, n));
            (0..count)
                .map(|_| band.map_or((Decimal::ZERO, None), |i| (amt(&tiers[i]), Some(i))))
                .collect()
        }
        TierSemantic::Marginal => (1..=count)
            .map(|k| {
                let k = Decimal::from(k);
                match tiers.iter().position(|t| contains(t, k)) {
                    Some(i) => (amt(&tiers[i]), Some(i)),
                    None => (Decimal::ZERO, None),
                }
            })
            .collect(),
        TierSemantic::Retroactive | TierSemantic::MultiCondition => {
            let reached = tiers.iter().enumerate().rev().find(|(_, t)| {
                n >= t.from
                    && (semantic != TierSemantic::MultiCondition
                        || t.min_active_players.is_none_or(|m| active_players >= m))
            });
            (0..count)
                .map(|_| reached.map_or((Decimal::ZERO, None), |(i, t)| (amt(t), Some(i))))
                .collect()
        }
    }
}
