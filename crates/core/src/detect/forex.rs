//! Forex churning and wash trading: an IB's clients opening and closing many positions within seconds to farm
//! per-lot rebates, and opposite positions on the same symbol at the same time across linked accounts (same
//! player, or players sharing a device or IP).

use std::collections::BTreeMap;

use rusqlite::{params, Connection};
use serde_json::json;

use super::{Effective, Finding, ItemKind, Rule, RuleFailure, RuleResult, Setting, Window};

pub static CHURNING: Rule = Rule {
    name: "forex_churning",
    pattern: "forex_churning",
    signal: "An IB's clients opening and closing many positions within seconds to farm per-lot rebates, and opposite positions on the same symbol at the same time across linked accounts.",
    settings: &[
        Setting { key: "max_hold_secs", default: 120, min: 1, max: 86_400, meaning: "a round trip closed within this many seconds is 'very short'" },
        Setting { key: "min_round_trips", default: 20, min: 2, max: 1_000_000, meaning: "very short round trips an account needs in the lookback" },
        Setting { key: "min_share_per_mille", default: 500, min: 1, max: 1_000, meaning: "share (x1000) of the account's round trips that are very short" },
        Setting { key: "opposite_window_secs", default: 60, min: 1, max: 3_600, meaning: "opposite entries on one symbol by linked accounts this close together are a wash pair" },
        Setting { key: "min_opposite_pairs", default: 5, min: 1, max: 100_000, meaning: "wash pairs between two linked accounts before both are flagged" },
    ],
    evaluate: churning,
};

struct Trip {
    login: String,
    account_id: i64,
    affiliate_id: Option<i64>,
    opened_ms: i64,
    closed_ms: Option<i64>,
    symbol: String,
    side: String,
    tickets: Vec<String>,
}

fn churning(conn: &Connection, w: &Window, s: &Effective) -> RuleResult {
    let mut stmt = conn.prepare(
        "SELECT d.ticket, d.position_id, d.entry, d.deal_type, d.symbol, d.executed_at_ms, a.id, a.login, p.affiliate_id
         FROM deals d JOIN forex_accounts a ON a.id = d.account_id LEFT JOIN players p ON p.id = a.player_id
         WHERE d.program_id = ?1 AND d.executed_at_ms >= ?2 AND d.executed_at_ms < ?3
           AND d.deal_type IN ('BUY', 'SELL') ORDER BY d.executed_at_ms, d.ticket",
    )?;
    let mut trips: BTreeMap<(i64, String), Trip> = BTreeMap::new();
    for r in stmt.query_map(params![w.program_id, w.since_ms, w.now_ms], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, i64>(5)?,
            r.get::<_, i64>(6)?,
            r.get::<_, String>(7)?,
            r.get::<_, Option<i64>>(8)?,
        ))
    })? {
        let (ticket, position, entry, side, symbol, at, account_id, login, aff) = r?;
        if position.is_empty() {
            return Err(RuleFailure {
                rule: String::new(),
                rows: vec![format!("deal {ticket}")],
                reason: "a BUY/SELL deal without a position id: round trips cannot be paired"
                    .into(),
            });
        }
        let trip = trips.entry((account_id, position)).or_insert_with(|| Trip {
            login,
            account_id,
            affiliate_id: aff,
            opened_ms: at,
            closed_ms: None,
            symbol,
            side: side.clone(),
            tickets: Vec::new(),
        });
        trip.tickets.push(ticket);
        match entry.as_str() {
            "IN" => {
                trip.opened_ms = trip.opened_ms.min(at);
                trip.side = side;
            }
            "OUT" | "OUT_BY" | "INOUT" => {
                trip.closed_ms = Some(trip.closed_ms.map_or(at, |c| c.max(at)))
            }
            _ => {}
        }
    }
    let max_hold = s.get("max_hold_secs") * 1000;
    // account → (trips, short trips, tickets of short trips, last deal)
    let mut per_account: BTreeMap<i64, (u32, u32, Vec<String>, i64)> = BTreeMap::new();
    for t in trips.values() {
        let e = per_account.entry(t.account_id).or_default();
        e.0 += 1;
        e.3 = e.3.max(t.closed_ms.unwrap_or(t.opened_ms));
        if t.closed_ms.is_some_and(|c| c - t.opened_ms <= max_hold) {
            e.1 += 1;
            e.2.extend(t.tickets.iter().cloned());
        }
    }
    let info: BTreeMap<i64, (&str, Option<i64>)> = trips
        .values()
        .map(|t| (t.account_id, (t.login.as_str(), t.affiliate_id)))
        .collect();
    let mut out = Vec::new();
    for (account, (total, short, tickets, last)) in &per_account {
        if i64::from(*short) < s.get("min_round_trips")
            || i64::from(*short) * 1000 < i64::from(*total) * s.get("min_share_per_mille")
            || *last < w.since_ms
        {
            continue;
        }
        let (login, aff) = info[account];
        let mut items = vec![(ItemKind::Account, login.to_string())];
        items.extend(
            tickets
                .iter()
                .take(super::clicks::ITEMS_MAX)
                .map(|t| (ItemKind::Deal, t.clone())),
        );
        out.push(Finding {
            affiliate_id: aff,
            subject_key: format!("account:{login}|churn"),
            score: (60 + (short / 10).min(35)) as u8,
            summary: format!("account {login}: {short} of {total} round trips closed within {} s", s.get("max_hold_secs")),
            evidence: json!({ "login": login, "round_trips": total, "short_round_trips": short, "thresholds": s.values }),
            items,
        });
    }
    out.extend(opposite_pairs(conn, w, s, &trips)?);
    Ok(out)
}

/// Wash trading: linked accounts holding opposite sides of one symbol opened within the window of each other.
fn opposite_pairs(
    conn: &Connection,
    w: &Window,
    s: &Effective,
    trips: &BTreeMap<(i64, String), Trip>,
) -> RuleResult {
    let mut stmt = conn.prepare(
        "SELECT DISTINCT a1.id, a2.id FROM forex_accounts a1 JOIN players p1 ON p1.id = a1.player_id
         JOIN players p2 ON (p2.id = p1.id OR (p1.device_id <> '' AND p2.device_id = p1.device_id)
                             OR (p1.ip <> '' AND p2.ip = p1.ip))
         JOIN forex_accounts a2 ON a2.player_id = p2.id AND a2.id > a1.id
         WHERE a1.program_id = ?1",
    )?;
    let linked = stmt
        .query_map([w.program_id], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let window = s.get("opposite_window_secs") * 1000;
    let mut out = Vec::new();
    for (a, b) in linked {
        let ta: Vec<&Trip> = trips.values().filter(|t| t.account_id == a).collect();
        let tb: Vec<&Trip> = trips.values().filter(|t| t.account_id == b).collect();
        let mut pairs = Vec::new();
        for x in &ta {
            for y in &tb {
                if x.symbol == y.symbol
                    && x.side != y.side
                    && (x.opened_ms - y.opened_ms).abs() <= window
                {
                    pairs.push((x, y));
                }
            }
        }
        let recent = pairs
            .iter()
            .any(|(x, y)| x.opened_ms.max(y.opened_ms) >= w.since_ms);
        if (pairs.len() as i64) < s.get("min_opposite_pairs") || !recent {
            continue;
        }
        let (la, lb) = (ta[0].login.clone(), tb[0].login.clone());
        let mut items = vec![
            (ItemKind::Account, la.clone()),
            (ItemKind::Account, lb.clone()),
        ];
        for (x, y) in pairs.iter().take(super::clicks::ITEMS_MAX / 2) {
            items.extend(
                x.tickets
                    .iter()
                    .chain(&y.tickets)
                    .map(|t| (ItemKind::Deal, t.clone())),
            );
        }
        out.push(Finding {
            affiliate_id: ta[0].affiliate_id.or(tb[0].affiliate_id),
            subject_key: format!("accounts:{la}+{lb}|opposite"),
            score: 75,
            summary: format!("linked accounts {la} and {lb} opened {} opposite positions on the same symbols", pairs.len()),
            evidence: json!({
                "accounts": [la, lb], "opposite_pairs": pairs.len(),
                "examples": pairs.iter().take(5).map(|(x, y)| json!({"symbol": x.symbol, "a": x.tickets, "b": y.tickets})).collect::<Vec<_>>(),
                "thresholds": s.values,
            }),
            items,
        });
    }
    Ok(out)
}
