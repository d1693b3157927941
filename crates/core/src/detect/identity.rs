//! Identity rules: multi-accounting (players linked by device id, IP, payment instrument or normalized email) and
//! self-referral (a player carrying their own affiliate's identifiers). Emails are compared as hashes of the
//! normalized address: every producer of `email_hash` uses the one normalization,
//! [`crate::ingest::identity::email_hash`].

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::{params, Connection};
use serde_json::json;

use super::{Effective, Finding, ItemKind, Rule, RuleResult, Setting, Window};

pub static MULTI_ACCOUNTING: Rule = Rule {
    name: "multi_accounting",
    pattern: "multi_accounting",
    settings: &[
        Setting { key: "min_players", default: 2, min: 2, max: 1_000, meaning: "players in a linked group before it is flagged; one player cannot multi-account" },
        Setting { key: "min_shared_kinds", default: 2, min: 1, max: 4, meaning: "kinds of identifier (device, IP, payment, email) two players must share to be linked; 1 also links households behind one IP" },
    ],
    evaluate: multi_accounting,
};

struct PlayerIds {
    external_id: String,
    affiliate_id: Option<i64>,
    last_ms: i64,
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
            if !v.is_empty() && !own.contains(&v) {
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
    // Pairs of players and the identifiers they share.
    let mut shared: BTreeMap<(i64, i64), Vec<(&'static str, &str)>> = BTreeMap::new();
    for ((kind, value), set) in &carriers {
        if set.len() < 2 || set.len() > 1_000 {
            continue; // a value shared by thousands is infrastructure (a CGNAT IP), not a ring
        }
        let v: Vec<i64> = set.iter().copied().collect();
        for (i, a) in v.iter().enumerate() {
            for b in &v[i + 1..] {
                shared
                    .entry((*a, *b))
                    .or_default()
                    .push((kind, value.as_str()));
            }
        }
    }
    let mut links: BTreeMap<i64, Vec<(i64, Vec<String>)>> = BTreeMap::new();
    for ((a, b), ids) in &shared {
        let kinds: BTreeSet<&str> = ids.iter().map(|(k, _)| *k).collect();
        if kinds.len() as i64 >= s.get("min_shared_kinds") {
            let desc: Vec<String> = ids.iter().map(|(k, v)| format!("{k}:{v}")).collect();
            links.entry(*a).or_default().push((*b, desc.clone()));
            links.entry(*b).or_default().push((*a, desc));
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
            for (n, _) in &links[&group[i]] {
                if seen.insert(*n) {
                    group.push(*n);
                }
            }
            i += 1;
        }
        if (group.len() as i64) < s.get("min_players") {
            continue;
        }
        let members: Vec<&str> = group
            .iter()
            .map(|g| players[g].external_id.as_str())
            .collect();
        for g in &group {
            let p = &players[g];
            if p.last_ms < w.since_ms {
                continue;
            }
            let shares: Vec<serde_json::Value> = links[g]
                .iter()
                .map(|(n, desc)| json!({"with": players[n].external_id, "shared": desc}))
                .collect();
            out.push(Finding {
                affiliate_id: p.affiliate_id,
                subject_key: format!("player:{}", p.external_id),
                score: (50 + 10 * group.len().min(5)) as u8,
                summary: format!("player {} is linked to {} other players by shared identifiers", p.external_id, group.len() - 1),
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
