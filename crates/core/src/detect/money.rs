//! Rules on players' money: bonus abuse (FTD at the bonus minimum, little wagering, a quick withdrawal, in
//! clusters per affiliate) and the chargeback rate of an affiliate's players.

use std::collections::BTreeMap;

use rusqlite::{params, Connection};
use serde_json::json;

use super::{Effective, Finding, ItemKind, Rule, RuleResult, Setting, Window};

pub static BONUS_ABUSE: Rule = Rule {
    name: "bonus_abuse",
    pattern: "bonus_abuse",
    signal: "Clusters of players per affiliate who make a first deposit at the bonus minimum, wager little of it and withdraw quickly.",
    settings: &[
        Setting { key: "bonus_min_deposit_micros", default: 20_000_000, min: 1, max: 1_000_000_000_000, meaning: "the welcome bonus's minimum deposit in the program currency (micros), from the program's terms" },
        Setting { key: "tolerance_micros", default: 0, min: 0, max: 1_000_000_000, meaning: "how far from the minimum an FTD may be and still count as 'at the minimum'" },
        Setting { key: "wager_max_per_mille", default: 2_000, min: 0, max: 100_000, meaning: "bets (x1000 of the FTD) at or above which the player wagered for real" },
        Setting { key: "withdraw_within_hours", default: 6, min: 1, max: 2_160, meaning: "a withdrawal this soon after the FTD counts as quick" },
        Setting { key: "min_cluster", default: 2, min: 1, max: 1_000, meaning: "such players of one affiliate before any is flagged (abuse comes in clusters)" },
    ],
    evaluate: bonus_abuse,
};

fn bonus_abuse(conn: &Connection, w: &Window, s: &Effective) -> RuleResult {
    let mut stmt = conn.prepare(
        "SELECT p.external_id, p.affiliate_id, f.external_id, f.amount_micros, f.occurred_at_ms,
                (SELECT MIN(x.occurred_at_ms) FROM money_movements x
                  WHERE x.player_id = p.id AND x.kind = 'withdrawal' AND x.occurred_at_ms >= f.occurred_at_ms),
                p.id, f.day
         FROM money_movements f JOIN players p ON p.id = f.player_id
         WHERE f.program_id = ?1 AND f.is_ftd = 1 AND f.kind = 'deposit' AND p.affiliate_id IS NOT NULL
           AND f.occurred_at_ms >= ?2 AND f.occurred_at_ms < ?3 AND ABS(f.amount_micros - ?4) <= ?5
         ORDER BY f.occurred_at_ms",
    )?;
    let rows = stmt
        .query_map(
            params![
                w.program_id,
                w.since_ms,
                w.now_ms,
                s.get("bonus_min_deposit_micros"),
                s.get("tolerance_micros")
            ],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, Option<i64>>(5)?,
                    (r.get::<_, i64>(6)?, r.get::<_, String>(7)?),
                ))
            },
        )?
        .collect::<Result<Vec<_>, _>>()?;
    let quick_ms = s.get("withdraw_within_hours") * 3_600_000;
    // The bets of the operator's activity day that carries the FTD (its zone may put it a day off ours): the
    // wagering before the bonus is cashed out. None: no such day, the wagering is unknown.
    let mut day_bets = conn.prepare(
        "SELECT bets_micros FROM player_activity_daily WHERE player_id = ?1 AND deposits_micros >= ?3
           AND day BETWEEN date(?2, '-1 day') AND date(?2, '+1 day')
         ORDER BY abs(julianday(day) - julianday(?2)), day LIMIT 1",
    )?;
    let mut bets_of = |pid: i64, day: &str, amount: i64| -> rusqlite::Result<Option<i64>> {
        let mut rows = day_bets.query(params![pid, day, amount])?;
        rows.next()?.map(|r| r.get(0)).transpose()
    };
    let mut with_bets = Vec::new();
    for (player, aff, deposit, amount, ftd_at, withdrawn, (pid, day)) in rows {
        with_bets.push((
            player,
            aff,
            deposit,
            amount,
            ftd_at,
            withdrawn,
            bets_of(pid, &day, amount)?,
        ));
    }
    let suspects: Vec<_> = with_bets
        .into_iter()
        .filter_map(|(player, aff, deposit, amount, ftd_at, withdrawn, bets)| {
            // Without the FTD's activity row the wagering is unknown, not zero: such players are not judged.
            let bets = bets?;
            let quick = withdrawn.is_some_and(|at| at - ftd_at <= quick_ms && at < w.now_ms);
            (quick
                && bets.saturating_mul(1000) < amount.saturating_mul(s.get("wager_max_per_mille")))
            .then_some((player, aff, deposit, amount, ftd_at, withdrawn, bets))
        })
        .collect();
    let mut per_aff: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for r in &suspects {
        per_aff.entry(r.1).or_default().push(r.0.clone());
    }
    let mut out = Vec::new();
    for (player, aff, deposit, amount, ftd_at, withdrawn, bets) in suspects {
        let cluster = &per_aff[&aff];
        let withdrawn_at = withdrawn.unwrap_or(ftd_at);
        if (cluster.len() as i64) < s.get("min_cluster") || ftd_at.max(withdrawn_at) < w.since_ms {
            continue;
        }
        out.push(Finding {
            affiliate_id: Some(aff),
            subject_key: format!("player:{player}"),
            score: (55 + 10 * cluster.len().min(4)) as u8,
            summary: format!(
                "player {player}: FTD at the bonus minimum, wagered {}‰ of it, withdrew after {} min; {} such players for this affiliate",
                if amount > 0 { bets * 1000 / amount } else { 0 },
                (withdrawn_at - ftd_at) / 60_000,
                cluster.len()
            ),
            evidence: json!({
                "player": player, "ftd_deposit": deposit, "ftd_micros": amount, "ftd_at_ms": ftd_at,
                "bets_micros": bets, "first_withdrawal_at_ms": withdrawn_at, "cluster": cluster,
                "thresholds": s.values,
            }),
            items: vec![(ItemKind::Player, player), (ItemKind::Deposit, deposit)],
        });
    }
    Ok(out)
}

pub static CHARGEBACKS: Rule = Rule {
    name: "chargebacks",
    pattern: "chargebacks",
    signal: "An affiliate whose depositing players charge back at a rate above `max_rate_per_mille` over `lookback_days`.",
    settings: &[
        Setting {
            key: "max_rate_per_mille",
            default: 50,
            min: 1,
            max: 1_000,
            meaning:
                "chargeback players per 1000 depositing players above which an affiliate is flagged",
        },
        Setting {
            key: "min_depositors",
            default: 20,
            min: 1,
            max: 1_000_000,
            meaning: "depositing players an affiliate needs before its rate means anything",
        },
        Setting {
            key: "lookback_days",
            default: 90,
            min: 1,
            max: 730,
            meaning: "days of deposits and chargebacks the rate is computed over",
        },
    ],
    evaluate: chargebacks,
};

fn chargebacks(conn: &Connection, w: &Window, s: &Effective) -> RuleResult {
    let from = w.now_ms - s.get("lookback_days") * 86_400_000;
    // Chargebacks come as money movements or as the daily activity's chargeback column, whichever the operator
    // sends; a player counts once.
    const CHARGED: &str = "SELECT m.player_id AS pid, m.occurred_at_ms AS at FROM money_movements m
           WHERE m.program_id = ?1 AND m.kind = 'chargeback' AND m.occurred_at_ms >= ?2 AND m.occurred_at_ms < ?3
         UNION ALL
         SELECT a.player_id, CAST((julianday(a.day) - 2440587.5) * 86400000 AS INTEGER) FROM player_activity_daily a
           JOIN players q ON q.id = a.player_id
           WHERE q.program_id = ?1 AND a.chargebacks_micros > 0
             AND CAST((julianday(a.day) - 2440587.5) * 86400000 AS INTEGER) BETWEEN ?2 AND ?3";
    let mut stmt = conn.prepare(&format!(
        "SELECT p.affiliate_id, COUNT(DISTINCT d.player_id), COUNT(DISTINCT c.pid), MAX(c.at)
         FROM money_movements d JOIN players p ON p.id = d.player_id
         LEFT JOIN ({CHARGED}) c ON c.pid = d.player_id
         WHERE d.program_id = ?1 AND d.kind = 'deposit' AND p.affiliate_id IS NOT NULL
           AND d.occurred_at_ms >= ?2 AND d.occurred_at_ms < ?3
         GROUP BY p.affiliate_id"
    ))?;
    let rows = stmt
        .query_map(params![w.program_id, from, w.now_ms], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, Option<i64>>(3)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut players = conn.prepare(&format!(
        "SELECT DISTINCT p.external_id FROM ({CHARGED}) c JOIN players p ON p.id = c.pid
         WHERE p.affiliate_id = ?4 ORDER BY 1"
    ))?;
    let refs = w.refs(conn)?;
    let mut out = Vec::new();
    for (aff, depositors, charged, last_cb) in rows {
        if depositors < s.get("min_depositors")
            || charged * 1000 <= depositors * s.get("max_rate_per_mille")
            || last_cb.unwrap_or(0) < w.since_ms
        {
            continue;
        }
        let ids = players
            .query_map(params![w.program_id, from, w.now_ms, aff], |r| {
                r.get::<_, String>(0)
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let rate = charged * 1000 / depositors;
        out.push(Finding {
            affiliate_id: Some(aff),
            // One flag per affiliate: more charged-back players is a new revision of it.
            subject_key: format!("{}|chargebacks", refs.key(aff)),
            score: (50 + (rate / 10).min(45)) as u8,
            summary: format!("{charged} of {depositors} depositing players charged back ({rate}‰)"),
            evidence: json!({
                "depositors": depositors, "chargeback_players": charged, "rate_per_mille": rate,
                "players": ids, "thresholds": s.values,
            }),
            items: ids.into_iter().map(|p| (ItemKind::Player, p)).collect(),
        });
    }
    Ok(out)
}
