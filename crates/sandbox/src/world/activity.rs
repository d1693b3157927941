//! Money after the FTD: withdrawals, and the operator's daily activity per player (bets, wins, bonuses,
//! chargebacks, fees) from which GGR and NGR follow. All amounts are integer cents turned into 2-dp decimals.
//!
//! Activity days are the operator's days: UTC, or UTC+N when the world injects a timezone shift, in which case
//! every deposit that lands on another day than in UTC is listed as an injected [`Pattern::TimezoneShift`].

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use rand::Rng;
use rust_decimal::Decimal;

use super::draw::cents;
use super::fraud::{Behaviour, BONUS_MIN_DEPOSIT_CENTS};
use super::{rng, ActivityDay, Deposit, Injected, Pattern, Player, Withdrawal, WorldConfig};

/// Share of depositing players who withdraw once.
const WITHDRAW_PER_MILLE: u32 = 250;
/// Extra days of play (without a deposit) after the FTD, at most.
const EXTRA_PLAY_DAYS_MAX: u32 = 4;
/// Return to player per day, in per-mille of bets: above 1000 the player won that day (negative GGR).
const RTP_PER_MILLE: std::ops::RangeInclusive<i64> = 700..=1_250;
/// Share of player-days with a bonus credited, and with a chargeback.
const BONUS_DAY_PER_MILLE: u32 = 300;
const CHARGEBACK_DAY_PER_MILLE: u32 = 10;
/// Payment processing fee, in per-mille of the day's deposits.
const FEE_PER_MILLE: i64 = 25;

fn to_cents(amount: Decimal) -> i64 {
    (amount * Decimal::ONE_HUNDRED).try_into().unwrap_or(0)
}

pub(super) fn withdrawals(
    cfg: &WorldConfig,
    players: &[Player],
    deposits: &[Deposit],
    behaviours: &BTreeMap<String, Behaviour>,
) -> Vec<Withdrawal> {
    let mut rng = rng::stream(cfg.seed, rng::MONEY + 100);
    let end = cfg.end_instant();
    let mut by_player: BTreeMap<&str, Vec<&Deposit>> = BTreeMap::new();
    for d in deposits {
        by_player.entry(&d.player_id).or_default().push(d);
    }
    let mut drafts = Vec::new();
    for p in players {
        let Some(list) = by_player.get(p.player_id.as_str()) else {
            continue;
        };
        let (first, last) = (list[0], list[list.len() - 1]);
        let total: i64 = list.iter().map(|d| to_cents(d.amount)).sum();
        let (at, amount_cents) = match behaviours.get(&p.player_id) {
            // Deposit + bonus, cashed out within hours: the abuse signature.
            Some(Behaviour::BonusAbuse) => (
                first.occurred_at + Duration::seconds(rng.random_range(3_600..3 * 3_600)),
                2 * BONUS_MIN_DEPOSIT_CENTS - rng.random_range(0..300),
            ),
            None => {
                if rng.random_range(0..1000) >= WITHDRAW_PER_MILLE {
                    continue;
                }
                let percent = rng.random_range(20..=150);
                (
                    last.occurred_at + Duration::seconds(rng.random_range(3_600..72 * 3_600)),
                    (total * percent / 100 / 100 * 100).max(1_000),
                )
            }
        };
        if at < end {
            drafts.push((
                at,
                p.player_id.clone(),
                amount_cents,
                last.payment_hash.clone(),
            ));
        }
    }
    drafts.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    drafts
        .into_iter()
        .enumerate()
        .map(
            |(i, (occurred_at, player_id, amount, payment_hash))| Withdrawal {
                withdrawal_id: format!("W{:06}", i + 1),
                player_id,
                amount: cents(amount),
                occurred_at,
                payment_hash,
            },
        )
        .collect()
}

#[derive(Default)]
struct DayTotals {
    deposits: i64,
    withdrawals: i64,
}

/// Daily activity rows and, when the operator's zone is shifted, the deposits that moved to another day.
pub(super) fn days(
    cfg: &WorldConfig,
    players: &[Player],
    deposits: &[Deposit],
    withdrawals: &[Withdrawal],
    behaviours: &BTreeMap<String, Behaviour>,
) -> (Vec<ActivityDay>, Vec<Injected>) {
    let mut rng = rng::stream(cfg.seed, rng::ACTIVITY);
    let shift = Duration::hours(i64::from(cfg.faults_injected.timezone_shift_hours));
    let local_day = |t: chrono::DateTime<chrono::Utc>| (t + shift).date_naive();
    let last_day = local_day(cfg.end_instant() - Duration::seconds(1));
    let mut totals: BTreeMap<(String, NaiveDate), DayTotals> = BTreeMap::new();
    let mut shifted = Vec::new();
    let owner: BTreeMap<&str, Option<u32>> = players
        .iter()
        .map(|p| (p.player_id.as_str(), p.affiliate_id))
        .collect();
    for d in deposits {
        let day = local_day(d.occurred_at);
        totals
            .entry((d.player_id.clone(), day))
            .or_default()
            .deposits += to_cents(d.amount);
        if day != d.occurred_at.date_naive() {
            let mut item = Injected::new(
                Pattern::TimezoneShift,
                format!(
                    "deposit at {} UTC is reported on {day} by an operator in UTC{:+}",
                    d.occurred_at.format("%Y-%m-%d %H:%M:%S"),
                    cfg.faults_injected.timezone_shift_hours
                ),
            );
            item.affiliate_id = owner.get(d.player_id.as_str()).copied().flatten();
            item.deposits.push(d.deposit_id.clone());
            item.players.push(d.player_id.clone());
            shifted.push(item);
        }
    }
    for w in withdrawals {
        let day = local_day(w.occurred_at);
        totals
            .entry((w.player_id.clone(), day))
            .or_default()
            .withdrawals += to_cents(w.amount);
    }
    // Play without a deposit on a few later days (iterated in player order for determinism).
    let mut first_day: BTreeMap<&str, NaiveDate> = BTreeMap::new();
    for d in deposits.iter().filter(|d| d.is_ftd) {
        first_day.insert(&d.player_id, local_day(d.occurred_at));
    }
    for p in players {
        let Some(&ftd_day) = first_day.get(p.player_id.as_str()) else {
            continue;
        };
        if behaviours.contains_key(&p.player_id) {
            continue; // abusers stop playing once they cashed out
        }
        for _ in 0..rng.random_range(0..=EXTRA_PLAY_DAYS_MAX) {
            let day = ftd_day + Duration::days(rng.random_range(1..=10));
            if day <= last_day {
                totals.entry((p.player_id.clone(), day)).or_default();
            }
        }
    }
    let mut rows: Vec<ActivityDay> = totals
        .into_iter()
        .map(|((player_id, day), t)| {
            let abuser = behaviours.get(&player_id) == Some(&Behaviour::BonusAbuse);
            let stake_base = if t.deposits > 0 {
                t.deposits
            } else {
                rng.random_range(1_000..20_000)
            };
            let (bets, wins, bonuses) = if abuser {
                let bets = stake_base * rng.random_range(100..150) / 100;
                let wins = bets * rng.random_range(950..=1_050) / 1_000;
                let bonus = if t.deposits > 0 {
                    BONUS_MIN_DEPOSIT_CENTS
                } else {
                    0
                };
                (bets, wins, bonus)
            } else {
                let bets = stake_base * rng.random_range(100..=600) / 100;
                let wins = bets * rng.random_range(RTP_PER_MILLE) / 1_000;
                let bonus = if rng.random_range(0..1000) < BONUS_DAY_PER_MILLE {
                    rng.random_range(500..=5_000)
                } else {
                    0
                };
                (bets, wins, bonus)
            };
            let chargebacks =
                if t.deposits > 0 && rng.random_range(0..1000) < CHARGEBACK_DAY_PER_MILLE {
                    t.deposits
                } else {
                    0
                };
            ActivityDay {
                player_id,
                day,
                deposits: cents(t.deposits),
                withdrawals: cents(t.withdrawals),
                bets: cents(bets),
                wins: cents(wins),
                bonuses: cents(bonuses),
                chargebacks: cents(chargebacks),
                fees: cents(t.deposits * FEE_PER_MILLE / 1_000),
            }
        })
        .collect();
    rows.sort_by(|a, b| (a.day, &a.player_id).cmp(&(b.day, &b.player_id)));
    (rows, shifted)
}
