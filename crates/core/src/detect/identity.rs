//! Identity rules: multi-accounting (players linked by device id, IP, payment instrument or normalized email, each
//! shared identifier weighed by its kind and by how rare it is) and self-referral (a player carrying their own
//! affiliate's identifiers). Emails are compared as hashes of the
//! normalized address: every producer of `email_hash` uses the one normalization,
//! [`crate::ingest::identity::email_hash`].

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::{params, Connection};
use serde_json::json;

use super::{Effective, Finding, ItemKind, Rule, RuleResult, Setting, Window};

pub static MULTI_ACCOUNTING: Rule = Rule {
    name: "multi_accounting",
    pattern: "multi_accounting",
    signal: "Players linked by shared identifiers — device id, payment instrument, normalized email hash, IP — each weighed by its kind and by how rare it is: a device, card or email shared by a few accounts is strong; an IP counts only for a household (up to `ip_max_accounts`), never for a carrier NAT, an office or a placeholder value. Honours allow-listed IP ranges.",
    settings: &[
        Setting { key: "min_players", default: 2, min: 2, max: 1_000, meaning: "players in a linked group before it is flagged; one player cannot multi-account" },
        Setting { key: "min_link_weight", default: 100, min: 1, max: 1_000, meaning: "evidence two accounts must share to be linked, the sum of the weights of what they share (below): two accounts on one device and card, or three on one device, reach 100; a household's IP alone never does" },
        Setting { key: "strong_weight_per_account", default: 50, min: 1, max: 100, meaning: "weight a device id, payment instrument or normalized email gains per account beyond the first that carries it (two accounts: 50, three or more: 100 at most)" },
        Setting { key: "strong_max_accounts", default: 20, min: 2, max: 100_000, meaning: "accounts a device, instrument or email may be shared by and still weigh; more is a placeholder value or shared infrastructure and weighs nothing" },
        Setting { key: "ip_weight", default: 25, min: 0, max: 100, meaning: "weight of an IP shared by a few accounts (a household, weak on its own)" },
        Setting { key: "ip_max_accounts", default: 4, min: 2, max: 100_000, meaning: "accounts an IP may be shared by and still weigh; more is a carrier NAT, an office or public Wi-Fi and weighs nothing" },
    ],
    evaluate: multi_accounting,
};

struct PlayerIds {
    external_id: String,
    affiliate_id: Option<i64>,
    last_ms: i64,
}

/// How much a shared identifier says, by its kind and by how many accounts carry it: the rarer, the stronger.
/// A device, a card or an email on a few accounts is strong; an IP is weak (a household) or nothing (hundreds
/// behind a carrier NAT); a value on very many accounts is a placeholder and says nothing.
fn identifier_weight(kind: &str, accounts: usize, s: &Effective) -> i64 {
    let n = accounts as i64;
    if kind == "ip" {
        if n <= s.get("ip_max_accounts") {
            s.get("ip_weight")
        } else {
            0
        }
    } else if n <= s.get("strong_max_accounts") {
        (s.get("strong_weight_per_account") * (n - 1)).min(100)
    } else {
        0
    }
}

fn multi_accounting(conn: &Connection, w: &Window, s: &Effective) -> RuleResult {
    let mut players: BTreeMap<i64, PlayerIds> = BTreeMap::new();
    // identifier (kind, value) → players carrying it
    let mut carriers: BTreeMap<(&'static str, String), BTreeSet<i64>> = BTreeMap::new();
    // Identifiers that are an affiliate's own are self-referral evidence (that rule reports them), not links.
    let own: BTreeSet<String> = conn
        .prepare("SELECT value FROM affiliate_identifiers UNION SELECT email_hash FROM affiliates WHERE email_hash IS NOT NULL")?
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<Result<_, _>>()?;
    // IP ranges established as legit (a carrier NAT, an office) link nobody.
    let allow = w.allowlist(conn)?;
    let mut stmt = conn.prepare(
        "SELECT id, external_id, affiliate_id, registered_at_ms, device_id, ip, COALESCE(email_hash, '')
         FROM players WHERE program_id = ?1 AND registered_at_ms < ?2",
    )?;
    for r in stmt.query_map(params![w.program_id, w.now_ms], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<i64>>(2)?,
            r.get::<_, i64>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, String>(6)?,
        ))
    })? {
        let (id, ext, aff, reg, device, ip, email) = r?;
        for (kind, v) in [("device", device), ("ip", ip), ("email", email)] {
            let allowed = kind == "ip" && allow.allows_ip(MULTI_ACCOUNTING.name, &v);
            if !v.is_empty() && !own.contains(&v) && !allowed {
                carriers.entry((kind, v)).or_default().insert(id);
            }
        }
        players.insert(
            id,
            PlayerIds {
                external_id: ext,
                affiliate_id: aff,
                last_ms: reg,
            },
        );
    }
    let mut pay = conn.prepare(
        "SELECT player_id, payment_hash, MAX(occurred_at_ms) FROM money_movements
         WHERE program_id = ?1 AND payment_hash IS NOT NULL AND payment_hash <> '' AND occurred_at_ms < ?2
         GROUP BY player_id, payment_hash",
    )?;
    for r in pay.query_map(params![w.program_id, w.now_ms], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
        ))
    })? {
        let (pid, hash, at) = r?;
        if let Some(p) = players.get_mut(&pid) {
            p.last_ms = p.last_ms.max(at);
            if own.contains(&hash) {
                continue;
            }
            carriers.entry(("payment", hash)).or_default().insert(pid);
        }
    }
    // Pairs of players and the identifiers they share: (kind, value, accounts sharing it, weight).
    type Shares<'a> = Vec<(&'static str, &'a str, usize, i64)>;
    let mut shared: BTreeMap<(i64, i64), Shares> = BTreeMap::new();
    for ((kind, value), set) in &carriers {
        let weight = identifier_weight(kind, set.len(), s);
        if set.len() < 2 || weight == 0 {
            continue;
        }
        let v: Vec<i64> = set.iter().copied().collect();
        for (i, a) in v.iter().enumerate() {
            for b in &v[i + 1..] {
                shared
                    .entry((*a, *b))
                    .or_default()
                    .push((kind, value.as_str(), set.len(), weight));
            }
        }
    }
    // Links: pairs whose shared evidence weighs enough, with the signals that made them.
    let mut links: BTreeMap<i64, Vec<(i64, i64, Vec<serde_json::Value>)>> = BTreeMap::new();
    for ((a, b), ids) in &shared {
        let total: i64 = ids.iter().map(|(_, _, _, w)| w).sum();
        if total >= s.get("min_link_weight") {
            let signals: Vec<serde_json::Value> = ids
                .iter()
                .map(|(kind, value, n, weight)| {
                    json!({"kind": kind, "value": value, "accounts_sharing": n, "weight": weight})
                })
                .collect();
            links
                .entry(*a)
                .or_default()
                .push((*b, total, signals.clone()));
            links.entry(*b).or_default().push((*a, total, signals));
        }
    }
    // Connected groups of linked players.
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for start in links.keys() {
        if !seen.insert(*start) {
            continue;
        }
        let mut group = vec![*start];
        let mut i = 0;
        while i < group.len() {
            for (n, _, _) in &links[&group[i]] {
                if seen.insert(*n) {
                    group.push(*n);
                }
            }
            i += 1;
        }
        if (group.len() as i64) < s.get("min_players") {
            continue;
        }
        let mut members: Vec<&str> = group
            .iter()
            .map(|g| players[g].external_id.as_str())
            .collect();
        members.sort_unstable();
        for g in &group {
            let p = &players[g];
            if p.last_ms < w.since_ms {
                continue;
            }
            let mut mine: Vec<&(i64, i64, Vec<serde_json::Value>)> = links[g].iter().collect();
            mine.sort_by(|x, y| players[&x.0].external_id.cmp(&players[&y.0].external_id));
            let strongest = mine.iter().map(|(_, w, _)| *w).max().unwrap_or(0);
            let shares: Vec<serde_json::Value> = mine
                .iter()
                .map(|(n, weight, signals)| {
                    json!({"with": players[n].external_id, "weight": weight, "signals": signals})
                })
                .collect();
            out.push(Finding {
                affiliate_id: p.affiliate_id,
                subject_key: format!("player:{}", p.external_id),
                score: (40 + 10 * group.len().min(4) as i64 + (strongest - 100).clamp(0, 100) / 10).min(95) as u8,
                summary: format!(
                    "player {} is linked to {} other players by shared identifiers (strongest link weighs {strongest})",
                    p.external_id,
                    group.len() - 1
                ),
                evidence: json!({ "player": p.external_id, "group": members, "links": shares, "thresholds": s.values }),
                items: vec![(ItemKind::Player, p.external_id.clone())],
            });
        }
    }
    Ok(out)
}

pub static SELF_REFERRAL: Rule = Rule {
    name: "self_referral",
    pattern: "self_referral",
    signal: "A player carrying the affiliate's own identifiers (email hash, office IP, device, payout instrument — from the affiliates file or the app). Honours allow-listed IP ranges (a shared NAT is no evidence).",
    settings: &[
        Setting { key: "min_matches", default: 1, min: 1, max: 4, meaning: "identifiers (IP, email, payment, device) of the player that must be the affiliate's own" },
    ],
    evaluate: self_referral,
};

fn self_referral(conn: &Connection, w: &Window, s: &Effective) -> RuleResult {
    let mut stmt = conn.prepare(
        "SELECT p.external_id, p.affiliate_id, m.kind, m.value FROM players p
         JOIN (
             SELECT affiliate_id, kind, value FROM affiliate_identifiers
             UNION SELECT id, 'email_hash', email_hash FROM affiliates WHERE email_hash IS NOT NULL AND email_hash <> ''
         ) m ON m.affiliate_id = p.affiliate_id
         WHERE p.program_id = ?1 AND p.registered_at_ms < ?3 AND (
             (m.kind = 'ip' AND m.value = p.ip) OR (m.kind = 'device_id' AND m.value = p.device_id)
             OR (m.kind = 'email_hash' AND m.value = p.email_hash)
             OR (m.kind = 'payment_hash' AND EXISTS (SELECT 1 FROM money_movements mm
                  WHERE mm.player_id = p.id AND mm.payment_hash = m.value)))
           AND (p.registered_at_ms >= ?2 OR EXISTS (SELECT 1 FROM money_movements mm
                  WHERE mm.player_id = p.id AND mm.occurred_at_ms >= ?2))
         ORDER BY p.external_id",
    )?;
    let allow = w.allowlist(conn)?;
    let mut by_player: BTreeMap<(String, i64), Vec<(String, String)>> = BTreeMap::new();
    for r in stmt.query_map(params![w.program_id, w.since_ms, w.now_ms], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
        ))
    })? {
        let (player, aff, kind, value) = r?;
        // An office IP inside an allow-listed range (a shared NAT) is no evidence that the player is the affiliate.
        if kind == "ip" && allow.allows_ip(SELF_REFERRAL.name, &value) {
            continue;
        }
        let v = by_player.entry((player, aff)).or_default();
        if !v.iter().any(|(k, _)| *k == kind) {
            v.push((kind, value));
        }
    }
    Ok(by_player
        .into_iter()
        .filter(|(_, m)| m.len() as i64 >= s.get("min_matches"))
        .map(|((player, aff), matched)| Finding {
            affiliate_id: Some(aff),
            subject_key: format!("player:{player}"),
            score: (70 + 10 * matched.len().min(3)) as u8,
            summary: format!(
                "player {player} uses the affiliate's own {}",
                matched.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>().join(", ")
            ),
            evidence: json!({
                "player": player,
                "matches": matched.iter().map(|(k, v)| json!({"kind": k, "value": v})).collect::<Vec<_>>(),
                "thresholds": s.values,
            }),
            items: vec![(ItemKind::Player, player)],
        })
        .collect())
}
