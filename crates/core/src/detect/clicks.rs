//! Rules on the click stream: click flooding (bursts per IP and sub-ID that never convert, spread flat over many
//! hours), click injection (registrations seconds after the click), abnormal conversion rate against the
//! affiliate's own history, and paid-search click ids in landing URLs where the terms forbid brand bidding.

use std::collections::{BTreeMap, HashMap};

use rusqlite::{params, Connection};
use serde_json::json;

use super::{Effective, Finding, ItemKind, Rule, RuleResult, Setting, Window};

/// Records listed per flag at most (the evidence keeps the counts of all of them).
pub const ITEMS_MAX: usize = 5_000;

pub static FLOODING: Rule = Rule {
    name: "click_flooding",
    pattern: "click_flooding",
    settings: &[
        Setting { key: "min_clicks", default: 100, min: 10, max: 1_000_000, meaning: "clicks from one IP and sub-ID before a burst is suspicious; below 10 ordinary repeat visits would trip it" },
        Setting { key: "max_registrations_per_mille", default: 5, min: 0, max: 1_000, meaning: "registrations per 1000 clicks at or below which the burst counts as not converting" },
        Setting { key: "min_hours", default: 6, min: 1, max: 720, meaning: "distinct clock hours the burst must cover (flat over hours-days, not one busy hour)" },
        Setting { key: "lookback_hours", default: 72, min: 1, max: 2_160, meaning: "how far before the run's start a burst may have begun" },
        Setting { key: "min_ips_per_sub_id", default: 20, min: 2, max: 1_000_000, meaning: "distinct IPs a sub-ID burst needs to count as a flood spread over many IPs (fewer is the per-IP case)" },
    ],
    evaluate: flooding,
};

/// Bursts per IP and sub-ID, then per sub-ID over many IPs (a flood rotating its IPs); `*` stands for "any IP".
fn flooding(conn: &Connection, w: &Window, s: &Effective) -> RuleResult {
    let mut out = flooding_by(conn, w, s, true)?;
    out.extend(flooding_by(conn, w, s, false)?);
    Ok(out)
}

fn flooding_by(conn: &Connection, w: &Window, s: &Effective, per_ip: bool) -> RuleResult {
    let (ip_col, extra) = if per_ip {
        ("c.ip", "c.ip <> ''")
    } else {
        ("'*'", "c.sub1 <> ''")
    };
    let min_ips = if per_ip {
        1
    } else {
        s.get("min_ips_per_sub_id")
    };
    let mut stmt = conn.prepare(&format!(
        "SELECT c.affiliate_id, {ip_col}, c.sub1, COUNT(*), COUNT(p.id), COUNT(DISTINCT c.clicked_at_ms / 3600000),
                MIN(c.clicked_at_ms), MAX(c.clicked_at_ms)
         FROM clicks c LEFT JOIN players p ON p.program_id = c.program_id AND p.click_id = c.click_id
         WHERE c.program_id = ?1 AND c.clicked_at_ms >= ?2 AND c.clicked_at_ms < ?3 AND {extra}
         GROUP BY c.affiliate_id, {ip_col}, c.sub1
         HAVING COUNT(*) >= ?4 AND MAX(c.clicked_at_ms) >= ?5 AND COUNT(DISTINCT c.ip) >= ?6"
    ))?;
    let rows = stmt
        .query_map(
            params![
                w.program_id,
                w.from_ms(s.get("lookback_hours")),
                w.now_ms,
                s.get("min_clicks"),
                w.since_ms,
                min_ips
            ],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, i64>(5)?,
                    r.get::<_, i64>(6)?,
                    r.get::<_, i64>(7)?,
                ))
            },
        )?
        .collect::<Result<Vec<_>, _>>()?;
    let refs = super::AffiliateRefs::load(conn, w.program_id)?;
    let mut out = Vec::new();
    // Flagged bursts by their group key, to list their clicks below.
    let mut flagged: HashMap<(i64, String, String), usize> = HashMap::new();
    for (aff, ip, sub1, clicks, regs, hours, first, last) in rows {
        if regs * 1000 > clicks * s.get("max_registrations_per_mille") || hours < s.get("min_hours")
        {
            continue;
        }
        let ratio = clicks / s.get("min_clicks").max(1);
        out.push(Finding {
            affiliate_id: Some(aff),
            subject_key: format!("{}|ip:{ip}|sub1:{sub1}", refs.key(aff)),
            score: (55 + 10 * ratio.min(4)) as u8,
            summary: if per_ip {
                format!("{clicks} clicks from IP {ip} on sub1 '{sub1}' over {hours} h with {regs} registrations")
            } else {
                format!("{clicks} clicks from many IPs on sub1 '{sub1}' over {hours} h with {regs} registrations")
            },
            evidence: json!({
                "ip": ip, "sub1": sub1, "clicks": clicks, "registrations": regs, "distinct_hours": hours,
                "first_click_at_ms": first, "last_click_at_ms": last,
                "thresholds": s.values,
            }),
            items: Vec::new(),
        });
        flagged.insert((aff, ip, sub1), out.len() - 1);
    }
    if flagged.is_empty() {
        return Ok(out);
    }
    // Their clicks, earliest first, in one pass over the window: one query per burst would scan the window once
    // per burst (no index leads with the sub-ID), which is quadratic when a flood spreads over many sub-IDs.
    let mut ids = conn.prepare(&format!(
        "SELECT c.affiliate_id, {ip_col}, c.sub1, c.click_id FROM clicks c
          WHERE c.program_id = ?1 AND c.clicked_at_ms >= ?2 AND c.clicked_at_ms < ?3 AND {extra}
          ORDER BY c.clicked_at_ms"
    ))?;
    let mut rows = ids.query(params![
        w.program_id,
        w.from_ms(s.get("lookback_hours")),
        w.now_ms
    ])?;
    let mut open = flagged.len();
    while let Some(r) = rows.next()? {
        let key = (
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        );
        let Some(&at) = flagged.get(&key) else {
            continue;
        };
        let items = &mut out[at].items;
        if items.len() < ITEMS_MAX {
            items.push((ItemKind::Click, r.get::<_, String>(3)?));
            if items.len() == ITEMS_MAX {
                open -= 1;
                if open == 0 {
                    break;
                }
            }
        }
    }
    Ok(out)
}

pub static INJECTION: Rule = Rule {
    name: "click_injection",
    pattern: "click_injection",
    settings: &[
        Setting { key: "max_ctit_secs", default: 20, min: 1, max: 600, meaning: "a registration this soon after its click is faster than a person can fill in a sign-up form" },
        Setting { key: "min_players", default: 2, min: 1, max: 10_000, meaning: "players of one affiliate inside the lookback that must show the spike before any is flagged" },
        Setting { key: "lookback_hours", default: 720, min: 1, max: 8_760, meaning: "the period over which an affiliate's spike is counted" },
    ],
    evaluate: injection,
};

fn injection(conn: &Connection, w: &Window, s: &Effective) -> RuleResult {
    let mut stmt = conn.prepare(
        "SELECT p.external_id, p.affiliate_id, c.click_id, c.clicked_at_ms, p.registered_at_ms
         FROM players p JOIN clicks c ON c.program_id = p.program_id AND c.click_id = p.click_id
         WHERE p.program_id = ?1 AND p.registered_at_ms >= ?2 AND p.registered_at_ms < ?3
           AND p.affiliate_id IS NOT NULL
           AND p.registered_at_ms - c.clicked_at_ms BETWEEN 0 AND ?4 * 1000
         ORDER BY p.registered_at_ms",
    )?;
    let rows = stmt
        .query_map(
            params![
                w.program_id,
                w.from_ms(s.get("lookback_hours")),
                w.now_ms,
                s.get("max_ctit_secs")
            ],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, i64>(4)?,
                ))
            },
        )?
        .collect::<Result<Vec<_>, _>>()?;
    let mut per_aff: BTreeMap<i64, u32> = BTreeMap::new();
    for r in &rows {
        *per_aff.entry(r.1).or_default() += 1;
    }
    let mut out = Vec::new();
    for (player, aff, click, clicked, registered) in rows {
        let spike = per_aff[&aff];
        if registered < w.since_ms || i64::from(spike) < s.get("min_players") {
            continue;
        }
        let ctit = (registered - clicked) / 1000;
        out.push(Finding {
            affiliate_id: Some(aff),
            subject_key: format!("player:{player}"),
            score: (60 + (spike * 5).min(35)) as u8,
            summary: format!("player {player} registered {ctit} s after click {click}; {spike} such players for this affiliate"),
            evidence: json!({
                "player": player, "click_id": click, "clicked_at_ms": clicked, "registered_at_ms": registered,
                "ctit_secs": ctit, "affiliate_spike_players": spike, "thresholds": s.values,
            }),
            items: vec![(ItemKind::Player, player), (ItemKind::Click, click)],
        });
    }
    Ok(out)
}

pub static VELOCITY: Rule = Rule {
    name: "abnormal_cr",
    pattern: "abnormal_conversion_rate",
    settings: &[
        Setting { key: "history_days", default: 28, min: 3, max: 365, meaning: "days of the affiliate's own history the day is compared with" },
        Setting { key: "min_registrations", default: 10, min: 1, max: 100_000, meaning: "registrations a day needs before its rate means anything" },
        Setting { key: "factor_per_mille", default: 4_000, min: 1_100, max: 100_000, meaning: "how many times (x1000) the historical median CR a day must reach; below 1.1x is ordinary noise" },
        Setting { key: "min_history_days", default: 5, min: 1, max: 365, meaning: "days with clicks needed to have a history at all" },
    ],
    evaluate: velocity,
};

fn velocity(conn: &Connection, w: &Window, s: &Effective) -> RuleResult {
    let from = w.from_ms(s.get("history_days") * 24);
    let mut days: BTreeMap<(i64, String), (i64, i64, i64)> = BTreeMap::new(); // (clicks, regs, last ms)
    let mut clicks = conn.prepare(
        "SELECT affiliate_id, day, COUNT(*), MAX(clicked_at_ms) FROM clicks
         WHERE program_id = ?1 AND clicked_at_ms >= ?2 AND clicked_at_ms < ?3 GROUP BY affiliate_id, day",
    )?;
    for r in clicks.query_map(params![w.program_id, from, w.now_ms], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, i64>(3)?,
        ))
    })? {
        let (a, d, n, last) = r?;
        let e = days.entry((a, d)).or_default();
        e.0 = n;
        e.2 = e.2.max(last);
    }
    let mut regs = conn.prepare(
        "SELECT affiliate_id, day, COUNT(*), MAX(registered_at_ms) FROM players
         WHERE program_id = ?1 AND affiliate_id IS NOT NULL AND registered_at_ms >= ?2 AND registered_at_ms < ?3
         GROUP BY affiliate_id, day",
    )?;
    for r in regs.query_map(params![w.program_id, from, w.now_ms], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, i64>(3)?,
        ))
    })? {
        let (a, d, n, last) = r?;
        let e = days.entry((a, d)).or_default();
        e.1 = n;
        e.2 = e.2.max(last);
    }
    let refs = super::AffiliateRefs::load(conn, w.program_id)?;
    let mut out = Vec::new();
    let mut history: BTreeMap<i64, Vec<i64>> = BTreeMap::new(); // CR per-million per affiliate, in day order
    for ((aff, day), (c, r, last)) in &days {
        let hist = history.entry(*aff).or_default();
        let cr = if *c > 0 { r * 1_000_000 / c } else { i64::MAX };
        if *last >= w.since_ms
            && *r >= s.get("min_registrations")
            && hist.len() as i64 >= s.get("min_history_days")
        {
            let mut sorted = hist.clone();
            sorted.sort_unstable();
            let median = sorted[sorted.len() / 2];
            if median > 0
                && *c > 0
                && cr.saturating_mul(1000) >= median.saturating_mul(s.get("factor_per_mille"))
            {
                out.push(Finding {
                    affiliate_id: Some(*aff),
                    subject_key: format!("{}|day:{day}", refs.key(*aff)),
                    score: 45,
                    summary: format!("{r} registrations from {c} clicks on {day}: CR far above this affiliate's median"),
                    evidence: json!({
                        "day": day, "clicks": c, "registrations": r,
                        "cr_per_million": cr,
                        "median_cr_per_million": median, "history_days": hist.len(), "thresholds": s.values,
                    }),
                    items: Vec::new(),
                });
            }
        }
        if *c > 0 {
            hist.push(cr);
        }
    }
    Ok(out)
}

/// Click-id parameters paid-search and social ad platforms append to landing URLs.
pub const PAID_CLICK_PARAMS: [&str; 4] = ["gclid", "msclkid", "fbclid", "ttclid"];
/// Of those, the ones social platforms also append to organic (unpaid) posts' links: not evidence of paid
/// traffic on their own.
pub const SOCIAL_CLICK_PARAMS: [&str; 2] = ["fbclid", "ttclid"];

pub static BRAND_BIDDING: Rule = Rule {
    name: "brand_bidding",
    pattern: "brand_bidding",
    settings: &[
        Setting { key: "paid_search_allowed", default: 0, min: 0, max: 1, meaning: "1 when the program's terms allow paid search/social on the brand (the rule then flags nothing)" },
        Setting { key: "min_clicks", default: 1, min: 1, max: 100_000, meaning: "clicks with an ad click id before an affiliate is flagged" },
        Setting { key: "count_social_click_ids", default: 0, min: 0, max: 1, meaning: "1 to count fbclid/ttclid too; Facebook and TikTok append them to organic posts' links, so by default only paid-search ids (gclid, msclkid) count" },
    ],
    evaluate: brand_bidding,
};

/// The paid-search parameter a URL's query string carries, if any (`gclid=` as a whole parameter name).
pub fn paid_click_param(url: &str) -> Option<&'static str> {
    let query = url.split_once('?')?.1.split('#').next().unwrap_or("");
    query.split('&').find_map(|pair| {
        let name = pair.split('=').next().unwrap_or("").to_ascii_lowercase();
        PAID_CLICK_PARAMS.into_iter().find(|p| *p == name)
    })
}

fn brand_bidding(conn: &Connection, w: &Window, s: &Effective) -> RuleResult {
    if s.get("paid_search_allowed") == 1 {
        return Ok(Vec::new());
    }
    let mut stmt = conn.prepare(
        "SELECT affiliate_id, click_id, landing_url FROM clicks
         WHERE program_id = ?1 AND clicked_at_ms >= ?2 AND clicked_at_ms < ?3
           AND (landing_url LIKE '%clid=%' OR landing_url LIKE '%msclkid=%')
         ORDER BY clicked_at_ms",
    )?;
    let social = s.get("count_social_click_ids") == 1;
    let mut groups: BTreeMap<(i64, &'static str), Vec<(String, String)>> = BTreeMap::new();
    for r in stmt.query_map(params![w.program_id, w.since_ms, w.now_ms], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })? {
        let (aff, click, url) = r?;
        match paid_click_param(&url) {
            Some(p) if social || !SOCIAL_CLICK_PARAMS.contains(&p) => {
                groups.entry((aff, p)).or_default().push((click, url));
            }
            _ => {}
        }
    }
    let refs = super::AffiliateRefs::load(conn, w.program_id)?;
    Ok(groups
        .into_iter()
        .filter(|(_, v)| v.len() as i64 >= s.get("min_clicks"))
        .map(|((aff, param), v)| Finding {
            affiliate_id: Some(aff),
            subject_key: format!("{}|param:{param}", refs.key(aff)),
            score: 70,
            summary: format!("{} clicks carry {param} in the landing URL: paid search/social on the brand", v.len()),
            evidence: json!({
                "param": param, "clicks": v.len(),
                "examples": v.iter().take(5).map(|(c, u)| json!({"click_id": c, "landing_url": u})).collect::<Vec<_>>(),
                "thresholds": s.values,
            }),
            items: v.into_iter().take(ITEMS_MAX).map(|(c, _)| (ItemKind::Click, c)).collect(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Only a whole parameter name counts: `xgclid=` or a path containing "gclid" is not an ad click id.
    #[test]
    fn paid_click_params_are_whole_names() {
        assert_eq!(
            paid_click_param("https://b.example/?gclid=abc"),
            Some("gclid")
        );
        assert_eq!(
            paid_click_param("https://b.example/?a=1&MSCLKID=x#f"),
            Some("msclkid")
        );
        assert_eq!(paid_click_param("https://b.example/?xgclid=abc"), None);
        assert_eq!(paid_click_param("https://b.example/gclid=1"), None);
        assert_eq!(
            paid_click_param("https://b.example/?ttclid"),
            Some("ttclid")
        );
    }
}
