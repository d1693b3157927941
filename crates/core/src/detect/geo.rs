//! Geo mismatch: the click's country, the registration's country and the IP's country (GeoIP, `ip_countries`)
//! should agree; a player for whom all three differ is suspicious. An IP that players from several countries
//! register from is a VPN or hosting exit: its country says where the exit is, not the player, so it is not held
//! against them (`vpn_min_countries`).

use rusqlite::{params, Connection};
use serde_json::json;

use super::{Effective, Finding, ItemKind, Rule, RuleResult, Setting, Window};

pub static GEO_MISMATCH: Rule = Rule {
    name: "geo_mismatch",
    pattern: "geo_mismatch",
    signal: "A player whose click country, registration country and IP country all differ. An IP that players of several countries register from is a VPN or hosting exit: its country is not held against them. Honours allow-listed IP ranges.",
    settings: &[
        Setting { key: "require_ip_country", default: 1, min: 0, max: 1, meaning: "1: flag only when the IP's country is known and differs from both others (travellers differ in one); 0: click vs registration alone" },
        Setting { key: "vpn_min_countries", default: 2, min: 2, max: 1_000, meaning: "registration countries of the players on one IP at which it counts as a VPN or hosting exit, whose country is not held against them" },
    ],
    evaluate: geo_mismatch,
};

fn geo_mismatch(conn: &Connection, w: &Window, s: &Effective) -> RuleResult {
    // IPs that players of several registration countries use: VPN or hosting exits.
    let exits: std::collections::BTreeMap<String, i64> = conn
        .prepare(
            "SELECT ip, COUNT(DISTINCT upper(country)) FROM players
             WHERE program_id = ?1 AND ip <> '' AND country <> '' GROUP BY ip HAVING COUNT(DISTINCT upper(country)) >= ?2",
        )?
        .query_map(params![w.program_id, s.get("vpn_min_countries")], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?
        .collect::<Result<_, _>>()?;
    let mut stmt = conn.prepare(
        "SELECT p.external_id, p.affiliate_id, c.click_id, c.country, p.country, COALESCE(g.country, ''), p.ip
         FROM players p JOIN clicks c ON c.program_id = p.program_id AND c.click_id = p.click_id
         LEFT JOIN ip_countries g ON g.ip = p.ip AND p.ip <> ''
         WHERE p.program_id = ?1 AND p.registered_at_ms >= ?2 AND p.registered_at_ms < ?3
           AND c.country <> '' AND p.country <> '' AND upper(c.country) <> upper(p.country)
         ORDER BY p.registered_at_ms",
    )?;
    let strict = s.get("require_ip_country") == 1;
    // IP ranges established as legit (a VPN provider the program accepts, a roaming carrier): their country says
    // nothing.
    let allow = w.allowlist(conn)?;
    let mut out = Vec::new();
    for r in stmt.query_map(params![w.program_id, w.since_ms, w.now_ms], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, Option<i64>>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, String>(6)?,
        ))
    })? {
        let (player, aff, click, click_c, reg_c, ip_c, ip) = r?;
        let exit = exits.get(&ip).copied();
        let allowed = allow.allows_ip(GEO_MISMATCH.name, &ip);
        let ip_differs = !ip_c.is_empty()
            && exit.is_none()
            && !allowed
            && !ip_c.eq_ignore_ascii_case(&click_c)
            && !ip_c.eq_ignore_ascii_case(&reg_c);
        if (strict && !ip_differs) || allowed {
            continue;
        }
        out.push(Finding {
            affiliate_id: aff,
            subject_key: format!("player:{player}"),
            score: if ip_differs { 65 } else { 35 },
            summary: format!(
                "player {player}: click from {click_c}, registered in {reg_c}, IP in {}",
                if ip_c.is_empty() { "unknown" } else { &ip_c }
            ),
            evidence: json!({
                "player": player, "click_id": click, "click_country": click_c, "registration_country": reg_c,
                "ip": ip, "ip_country": ip_c,
                "signals": [
                    super::clicks::signal("click_vs_registration", 35, json!({"click_country": click_c, "registration_country": reg_c})),
                    super::clicks::signal("ip_country", if ip_differs { 30 } else { 0 }, json!({
                        "ip_country": ip_c, "vpn_or_hosting_exit": exit.is_some(), "exit_countries": exit,
                    })),
                ],
                "thresholds": s.values,
            }),
            items: vec![(ItemKind::Player, player), (ItemKind::Click, click)],
        });
    }
    Ok(out)
}
