//! Rules on the click stream, each judged against the program's own traffic rather than absolute thresholds alone
//! (issue 12: real traffic is full of look-alikes):
//! - click flooding: a burst per IP (or per sub-ID over many IPs) that does not convert *and* is spread flat over
//!   the clock, as a machine sends it, where the rest of the program follows people's daily rhythm. Pop/push
//!   traffic converts little too, but it comes from people: it follows the rhythm, and is no flood;
//! - click injection: a sub-ID whose share of sign-ups seconds after the click departs from the program's normal
//!   share (a spike in the click-to-sign-up distribution, too large to be chance), not every fast sign-up: one-click
//!   and social sign-ups are that fast too. A sign-up within a second of its click is faster than any person and
//!   counts on its own;
//! - abnormal conversion rate: a day whose conversion rate (not volume) is far above the affiliate's own history;
//!   a TV or campaign day raises clicks and sign-ups together and is not abnormal;
//! - paid-search click ids in landing URLs where the terms forbid brand bidding.
//!
//! Every finding's evidence lists its `signals`: which evidence made it and how strong each piece is (`weight`,
//! 0–100); the score follows from them.

// Chances, likelihood ratios and shares of counts, to judge traffic against its baseline: floats here are
// statistics shown to people, never money (no amount is computed in this module).
#![allow(clippy::float_arithmetic)]

use std::collections::{BTreeMap, HashMap};

use rusqlite::{params, Connection};
use serde_json::{json, Value};

use super::{Effective, Finding, ItemKind, Rule, RuleResult, Setting, Window};

/// Records listed per flag at most (the evidence keeps the counts of all of them).
pub const ITEMS_MAX: usize = 5_000;

/// One piece of a finding's evidence: its kind, its weight (0–100, how strongly it speaks for the pattern) and
/// the numbers behind it.
pub(crate) fn signal(kind: &str, weight: u32, fields: Value) -> Value {
    let mut out = json!({"kind": kind, "weight": weight.min(100)});
    if let (Some(o), Value::Object(f)) = (out.as_object_mut(), fields) {
        o.extend(f);
    }
    out
}

/// P(X >= k) for X ~ Binomial(n, p): the chance of seeing at least `k` of `n` by luck at rate `p`.
pub(crate) fn binomial_tail(n: u64, k: u64, p: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if k > n || p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return 1.0;
    }
    // ln C(n, k) + k ln p + (n - k) ln(1 - p), then the terms of the tail by their ratio.
    let ln_c: f64 = (1..=k)
        .map(|j| ((n - k + j) as f64).ln() - (j as f64).ln())
        .sum();
    let mut term = (ln_c + k as f64 * p.ln() + (n - k) as f64 * (1.0 - p).ln()).exp();
    let mut sum = 0.0;
    let ratio = p / (1.0 - p);
    for i in k..=n {
        sum += term;
        if term < sum * 1e-12 {
            break;
        }
        term *= (n - i) as f64 / (i + 1) as f64 * ratio;
    }
    sum.min(1.0)
}

/// Per million, rounded, for evidence (integers read better than floats in a stored flag).
fn per_million(x: f64) -> i64 {
    (x * 1e6).round() as i64
}

/// A weight from a chance: 1e-2 → 20, 1e-4 → 40, 1e-6 → 60, 1e-8 and below → 80.
fn weight_of_chance(chance: f64) -> u32 {
    let digits = -chance.max(1e-300).log10();
    (digits * 10.0).clamp(0.0, 80.0) as u32
}

pub static FLOODING: Rule = Rule {
    name: "click_flooding",
    pattern: "click_flooding",
    signal: "A burst of clicks per IP and sub-ID (or per sub-ID over many IPs) that does not convert and is spread flat over the clock, as a machine sends it. Baseline: the program's own daily rhythm (clicks per hour of day, shifted to fit best) — pop/push traffic, carrier NAT and big affiliates come from people and follow it. Without enough of the program's clicks to know the rhythm, only one-IP bursts are judged. Honours allow-listed IP ranges and sub-IDs.",
    settings: &[
        Setting { key: "min_clicks", default: 100, min: 10, max: 1_000_000, meaning: "clicks from one IP and sub-ID before a burst is suspicious; below 10 ordinary repeat visits would trip it" },
        Setting { key: "max_registrations_per_mille", default: 5, min: 0, max: 1_000, meaning: "registrations per 1000 clicks at or below which the burst counts as not converting (pop/push traffic converts at 1-10 too: the rhythm below tells them apart)" },
        Setting { key: "min_hours", default: 6, min: 1, max: 720, meaning: "distinct clock hours the burst must cover (flat over hours-days, not one busy hour)" },
        Setting { key: "min_ips_per_sub_id", default: 2, min: 2, max: 1_000_000, meaning: "distinct IPs a sub-ID burst needs to count as a flood spread over many IPs (one IP is the per-IP case)" },
        Setting { key: "min_flat_odds", default: 20, min: 2, max: 1_000_000, meaning: "how many times likelier the burst's spread over the clock must be under a constant rate (a machine) than under the program's daily rhythm shifted to fit it best (people); at 1/this or below the burst follows people and is never a flood" },
        Setting { key: "min_baseline_clicks", default: 1_000, min: 100, max: 100_000_000, meaning: "clicks of the rest of the program needed to know its daily rhythm; with fewer, only a one-IP burst is flagged, on volume and conversion alone" },
    ],
    evaluate: flooding,
};

/// What a burst's spread over the clock says, against the program's daily rhythm.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Rhythm {
    /// Flat: a constant rate explains it `odds` times better than people's rhythm.
    Flat { llr: f64 },
    /// It follows people's rhythm (the program's, shifted to fit).
    People { llr: f64 },
    /// Neither explains it clearly better.
    Unclear { llr: f64 },
    /// The rest of the program has too few clicks to know its rhythm.
    NoBaseline,
}

/// Log-likelihood ratio of "constant rate over the burst's span" against "the program's hour-of-day rhythm,
/// shifted by the offset that fits best" for clicks counted per absolute hour (`hours`: hour index → clicks;
/// `first_ms`..=`last_ms` the burst's span, whose first and last hours count only as far as it covers them).
/// `baseline`: the rest of the program's clicks per hour of day (UTC).
fn flatness_llr(
    hours: &BTreeMap<i64, u32>,
    first_ms: i64,
    last_ms: i64,
    baseline: &[f64; 24],
) -> f64 {
    const HOUR: i64 = 3_600_000;
    let (first, last) = (first_ms.div_euclid(HOUR), last_ms.div_euclid(HOUR));
    // How much of each hour the span covers (at least a second, so no hour with a click has none).
    let exposure = |h: i64| {
        let covered = (last_ms.max(first_ms + 1000)).min((h + 1) * HOUR) - first_ms.max(h * HOUR);
        (covered.max(1000) as f64) / HOUR as f64
    };
    let span: f64 = (first..=last).map(exposure).sum();
    let flat: f64 = hours
        .iter()
        .map(|(&h, &c)| f64::from(c) * (exposure(h) / span).ln())
        .sum();
    let best = (0..24)
        .map(|shift| {
            let w = |h: i64| baseline[((h + shift).rem_euclid(24)) as usize] * exposure(h);
            let total: f64 = (first..=last).map(w).sum();
            hours
                .iter()
                .map(|(&h, &c)| f64::from(c) * (w(h) / total).ln())
                .sum::<f64>()
        })
        .fold(f64::NEG_INFINITY, f64::max);
    flat - best
}

/// One candidate burst: its counts, then (from the pass over its clicks) its clicks per hour and ids.
struct Burst {
    aff: i64,
    ip: String,
    sub1: String,
    clicks: i64,
    regs: i64,
    hours: i64,
    first: i64,
    last: i64,
    ips: i64,
    per_hour: BTreeMap<i64, u32>,
    of_day: [u32; 24],
    ids: Vec<String>,
}

/// Bursts per IP and sub-ID, then per sub-ID over many IPs (a flood rotating its IPs); `*` stands for "any IP".
fn flooding(conn: &Connection, w: &Window, s: &Effective) -> RuleResult {
    let from = w.since_ms;
    // The program's daily rhythm (clicks per UTC hour of day) and each affiliate's clicks, in one pass; its
    // registrations counted from the players' side (a player per click, not a lookup per click).
    let mut of_day = [0u64; 24];
    let mut rates: BTreeMap<i64, (i64, i64)> = BTreeMap::new(); // affiliate → (clicks, registrations)
    let mut stmt = conn.prepare(
        "SELECT affiliate_id, (clicked_at_ms / 3600000) % 24, COUNT(*) FROM clicks
         WHERE program_id = ?1 AND clicked_at_ms >= ?2 AND clicked_at_ms < ?3 GROUP BY 1, 2",
    )?;
    for r in stmt.query_map(params![w.program_id, from, w.now_ms], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, i64>(2)?,
        ))
    })? {
        let (aff, h, n) = r?;
        of_day[h.rem_euclid(24) as usize] += n as u64;
        rates.entry(aff).or_default().0 += n;
    }
    let mut stmt = conn.prepare(
        "SELECT c.affiliate_id, COUNT(*)
         FROM players p JOIN clicks c ON c.program_id = p.program_id AND c.click_id = p.click_id
         WHERE p.program_id = ?1 AND c.clicked_at_ms >= ?2 AND c.clicked_at_ms < ?3 GROUP BY 1",
    )?;
    for r in stmt.query_map(params![w.program_id, from, w.now_ms], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
    })? {
        let (aff, p) = r?;
        rates.entry(aff).or_default().1 += p;
    }
    let ctx = Context {
        of_day,
        rates,
        refs: w.refs(conn)?,
        allow: w.allowlist(conn)?,
    };
    let mut out = flooding_by(conn, w, s, &ctx, true, &Default::default())?;
    // A sub-ID already flagged per IP is not flagged again as a whole.
    let per_ip: std::collections::BTreeSet<(i64, String)> = out
        .iter()
        .filter_map(|f| {
            let sub1 = f.evidence.get("sub1")?.as_str()?.to_string();
            Some((f.affiliate_id?, sub1))
        })
        .collect();
    out.extend(flooding_by(conn, w, s, &ctx, false, &per_ip)?);
    Ok(out)
}

struct Context<'w> {
    of_day: [u64; 24],
    rates: BTreeMap<i64, (i64, i64)>,
    refs: &'w super::AffiliateRefs,
    /// IP ranges and sub-IDs established as legit: no burst from them is a flood.
    allow: &'w super::allowlist::Allowlist,
}

fn flooding_by(
    conn: &Connection,
    w: &Window,
    s: &Effective,
    ctx: &Context<'_>,
    per_ip: bool,
    skip: &std::collections::BTreeSet<(i64, String)>,
) -> RuleResult {
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
    let from = w.since_ms;
    // Per IP, only IPs with enough clicks of their own can hold a burst: found on the covering index
    // (program, ip, time) without reading a row, so the grouping below reads their clicks only.
    let ips: Option<String> = if per_ip {
        let heavy: Vec<String> = conn
            .prepare(
                "SELECT ip FROM clicks WHERE program_id = ?1 AND ip <> '' AND clicked_at_ms >= ?2 AND clicked_at_ms < ?3
                 GROUP BY ip HAVING COUNT(*) >= ?4",
            )?
            .query_map(
                params![w.program_id, from, w.now_ms, s.get("min_clicks")],
                |r| r.get(0),
            )?
            .collect::<Result<_, _>>()?;
        if heavy.is_empty() {
            return Ok(Vec::new());
        }
        Some(serde_json::to_string(&heavy).unwrap_or_else(|_| "[]".into()))
    } else {
        None
    };
    // The IPs' parameter is ?n of each query.
    let scope = |n: u8| {
        if per_ip {
            format!("AND c.ip IN (SELECT value FROM json_each(?{n}))")
        } else {
            format!("AND ?{n} IS NULL")
        }
    };
    let mut stmt = conn.prepare(&format!(
        "SELECT c.affiliate_id, {ip_col}, c.sub1, COUNT(*), COUNT(DISTINCT c.clicked_at_ms / 3600000),
                MIN(c.clicked_at_ms), MAX(c.clicked_at_ms), COUNT(DISTINCT c.ip)
         FROM clicks c
         WHERE c.program_id = ?1 AND c.clicked_at_ms >= ?2 AND c.clicked_at_ms < ?3 AND {extra} {}
         GROUP BY c.affiliate_id, {ip_col}, c.sub1
         HAVING COUNT(*) >= ?4 AND MAX(c.clicked_at_ms) >= ?5 AND COUNT(DISTINCT c.ip) >= ?6",
        scope(7)
    ))?;
    let rows = stmt
        .query_map(
            params![
                w.program_id,
                from,
                w.now_ms,
                s.get("min_clicks"),
                w.since_ms,
                min_ips,
                ips
            ],
            |r| {
                Ok(Burst {
                    aff: r.get(0)?,
                    ip: r.get(1)?,
                    sub1: r.get(2)?,
                    clicks: r.get(3)?,
                    regs: 0,
                    hours: r.get(4)?,
                    first: r.get(5)?,
                    last: r.get(6)?,
                    ips: r.get(7)?,
                    per_hour: BTreeMap::new(),
                    of_day: [0; 24],
                    ids: Vec::new(),
                })
            },
        )?
        .collect::<Result<Vec<_>, _>>()?;
    // Their registrations, from the players' side: a player per click, not a lookup per click.
    let regs: HashMap<(i64, String, String), i64> = conn
        .prepare(&format!(
            "SELECT c.affiliate_id, {ip_col}, c.sub1, COUNT(*)
             FROM players p JOIN clicks c ON c.program_id = p.program_id AND c.click_id = p.click_id
             WHERE p.program_id = ?1 AND c.clicked_at_ms >= ?2 AND c.clicked_at_ms < ?3 AND {extra} {}
             GROUP BY 1, 2, 3",
            scope(4)
        ))?
        .query_map(
            params![w.program_id, from, w.now_ms, ips],
            |r| Ok(((r.get(0)?, r.get(1)?, r.get(2)?), r.get(3)?)),
        )?
        .collect::<Result<_, _>>()?;
    let rows: Vec<Burst> = rows
        .into_iter()
        .map(|mut b| {
            b.regs = regs
                .get(&(b.aff, b.ip.clone(), b.sub1.clone()))
                .copied()
                .unwrap_or(0);
            b
        })
        .collect();
    // Bursts that do not convert, over enough hours: the candidates.
    let mut bursts: Vec<Burst> = rows
        .into_iter()
        .filter(|b| {
            b.regs * 1000 <= b.clicks * s.get("max_registrations_per_mille")
                && b.hours >= s.get("min_hours")
                && !skip.contains(&(b.aff, b.sub1.clone()))
                && !(per_ip && ctx.allow.allows_ip(FLOODING.name, &b.ip))
                && !ctx
                    .allow
                    .allows_sub_id(FLOODING.name, &ctx.refs.ext(b.aff), &b.sub1)
        })
        .collect();
    if bursts.is_empty() {
        return Ok(Vec::new());
    }
    // Their clicks, earliest first, in one pass over the window: one query per burst would scan the window once
    // per burst (no index leads with the sub-ID), which is quadratic when a flood spreads over many sub-IDs.
    let index: HashMap<(i64, String, String), usize> = bursts
        .iter()
        .enumerate()
        .map(|(i, b)| ((b.aff, b.ip.clone(), b.sub1.clone()), i))
        .collect();
    let mut ids = conn.prepare(&format!(
        "SELECT c.affiliate_id, {ip_col}, c.sub1, c.click_id, c.clicked_at_ms FROM clicks c
          WHERE c.program_id = ?1 AND c.clicked_at_ms >= ?2 AND c.clicked_at_ms < ?3 AND {extra} {}
          ORDER BY c.clicked_at_ms",
        scope(4)
    ))?;
    let mut rows = ids.query(params![w.program_id, from, w.now_ms, ips])?;
    while let Some(r) = rows.next()? {
        let key = (
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        );
        let Some(&at) = index.get(&key) else {
            continue;
        };
        let b = &mut bursts[at];
        let hour = r.get::<_, i64>(4)?.div_euclid(3_600_000);
        *b.per_hour.entry(hour).or_default() += 1;
        b.of_day[hour.rem_euclid(24) as usize] += 1;
        if b.ids.len() < ITEMS_MAX {
            b.ids.push(r.get::<_, String>(3)?);
        }
    }
    let threshold = (s.get("min_flat_odds") as f64).ln();
    let (program_clicks, program_regs) = ctx
        .rates
        .values()
        .fold((0, 0), |(c, p), (x, y)| (c + x, p + y));
    let mut out = Vec::new();
    for b in bursts {
        // The rest of the program's rhythm: its clicks per hour of day without this burst's.
        let mut baseline = [1.0f64; 24];
        let mut rest = 0u64;
        for ((base, all), own) in baseline.iter_mut().zip(ctx.of_day).zip(b.of_day) {
            let n = all.saturating_sub(u64::from(own));
            *base += n as f64;
            rest += n;
        }
        let rhythm = if (rest as i64) < s.get("min_baseline_clicks") {
            Rhythm::NoBaseline
        } else {
            let llr = flatness_llr(&b.per_hour, b.first, b.last, &baseline);
            if llr >= threshold {
                Rhythm::Flat { llr }
            } else if llr <= -threshold {
                Rhythm::People { llr }
            } else {
                Rhythm::Unclear { llr }
            }
        };
        let flagged = match rhythm {
            Rhythm::Flat { .. } => true,
            Rhythm::NoBaseline => per_ip,
            Rhythm::People { .. } | Rhythm::Unclear { .. } => false,
        };
        if !flagged {
            continue;
        }
        let (aff_clicks, aff_regs) = ctx.rates.get(&b.aff).copied().unwrap_or((0, 0));
        let others = (aff_clicks - b.clicks, aff_regs - b.regs);
        let per_mille = |r: i64, c: i64| if c > 0 { r * 1000 / c } else { 0 };
        let mut signals = vec![signal(
            "no_conversions",
            if b.regs == 0 { 40 } else { 30 },
            json!({
                "clicks": b.clicks, "registrations": b.regs,
                "registrations_per_mille": per_mille(b.regs, b.clicks),
                "affiliate_other_registrations_per_mille": per_mille(others.1, others.0),
                "program_registrations_per_mille": per_mille(program_regs, program_clicks),
            }),
        )];
        match rhythm {
            Rhythm::Flat { llr } => signals.push(signal(
                "flat_over_hours",
                (20.0 + 10.0 * llr.log10().max(0.0)).min(50.0) as u32,
                json!({
                    "hours_spanned": b.per_hour.keys().next_back().unwrap_or(&0) - b.per_hour.keys().next().unwrap_or(&0) + 1,
                    "distinct_hours": b.hours,
                    "log_odds_flat_vs_daily_rhythm": (llr * 100.0).round() / 100.0,
                }),
            )),
            _ => signals.push(signal(
                "program_rhythm_unknown",
                0,
                json!({"baseline_clicks": rest}),
            )),
        }
        if per_ip {
            signals.push(signal(
                "one_ip",
                20,
                json!({"ip": b.ip, "clicks": b.clicks}),
            ));
        } else {
            signals.push(signal("many_ips", 0, json!({"ips": b.ips})));
        }
        let score: u32 = signals
            .iter()
            .filter_map(|x| x.get("weight")?.as_u64())
            .sum::<u64>()
            .clamp(40, 95) as u32;
        out.push(Finding {
            affiliate_id: Some(b.aff),
            subject_key: format!("{}|ip:{}|sub1:{}", ctx.refs.key(b.aff), b.ip, b.sub1),
            score: score as u8,
            summary: if per_ip {
                format!(
                    "{} clicks from IP {} on sub1 '{}' over {} h with {} registrations",
                    b.clicks, b.ip, b.sub1, b.hours, b.regs
                )
            } else {
                format!(
                    "{} clicks from {} IPs on sub1 '{}' over {} h with {} registrations, flat over the clock",
                    b.clicks, b.ips, b.sub1, b.hours, b.regs
                )
            },
            evidence: json!({
                "ip": b.ip, "sub1": b.sub1, "clicks": b.clicks, "registrations": b.regs, "distinct_hours": b.hours,
                "distinct_ips": b.ips, "first_click_at_ms": b.first, "last_click_at_ms": b.last,
                "signals": signals, "thresholds": s.values,
            }),
            items: b.ids.into_iter().map(|id| (ItemKind::Click, id)).collect(),
        });
    }
    Ok(out)
}

pub static INJECTION: Rule = Rule {
    name: "click_injection",
    pattern: "click_injection",
    signal: "Sign-ups seconds after their click. Baseline: the rest of the program's share of such fast sign-ups — a sub-ID is flagged when its share is a spike against it (by factor and by binomial chance), or a sign-up comes within `impossible_ctit_secs`; one-click and social sign-ups elsewhere are not. Honours allow-listed sub-IDs.",
    settings: &[
        Setting { key: "max_ctit_secs", default: 20, min: 1, max: 600, meaning: "a sign-up this soon after its click is fast; one-click and social sign-ups are that fast too, so only a sub-ID with far more of them than the program is a spike" },
        Setting { key: "min_players", default: 3, min: 1, max: 10_000, meaning: "fast sign-ups a sub-ID (or an affiliate without sub-IDs) must have before its share is judged" },
        Setting { key: "min_spike_factor_per_mille", default: 4_000, min: 1_000, max: 1_000_000, meaning: "how many times (x1000) the program's share of fast sign-ups the sub-ID's share must reach: a mobile-heavy source has a few times more one-click sign-ups, an injector many" },
        Setting { key: "max_chance_per_million", default: 100, min: 1, max: 1_000_000, meaning: "the chance (per million) of that many fast sign-ups at the program's share by luck, at or below which the share is a spike" },
        Setting { key: "baseline_floor_per_mille", default: 10, min: 1, max: 1_000, meaning: "the program's share of fast sign-ups is taken as at least this: a program with none yet does not make every pair a spike" },
        Setting { key: "impossible_ctit_secs", default: 1, min: 0, max: 10, meaning: "a sign-up at most this many seconds after its click is faster than any person can load a page and sign up, even in one tap: flagged on its own, spike or not (0 switches it off; with timestamps of minute resolution a whole minute reads 0 s, and clocks of tracker and operator that disagree by seconds do the same)" },
    ],
    evaluate: injection,
};

fn injection(conn: &Connection, w: &Window, s: &Effective) -> RuleResult {
    let mut stmt = conn.prepare(
        "SELECT p.external_id, p.affiliate_id, c.sub1, c.click_id, c.clicked_at_ms, p.registered_at_ms
         FROM players p JOIN clicks c ON c.program_id = p.program_id AND c.click_id = p.click_id
         WHERE p.program_id = ?1 AND p.registered_at_ms >= ?2 AND p.registered_at_ms < ?3
           AND p.affiliate_id IS NOT NULL AND p.registered_at_ms >= c.clicked_at_ms
         ORDER BY p.registered_at_ms, p.external_id",
    )?;
    let rows = stmt
        .query_map(params![w.program_id, w.since_ms, w.now_ms], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, i64>(5)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let fast_ms = s.get("max_ctit_secs") * 1000;
    // (affiliate, sub1) → (sign-ups, fast ones); and the program's.
    let mut groups: BTreeMap<(i64, &str), (u64, u64)> = BTreeMap::new();
    let (mut all, mut all_fast) = (0u64, 0u64);
    for (_, aff, sub1, _, clicked, registered) in &rows {
        let fast = registered - clicked <= fast_ms;
        let g = groups.entry((*aff, sub1.as_str())).or_default();
        g.0 += 1;
        g.1 += u64::from(fast);
        all += 1;
        all_fast += u64::from(fast);
    }
    // Sub-IDs established as legit (one-click sign-up flows) are never a spike.
    let allow = w.allowlist(conn)?;
    let refs = w.refs(conn)?;
    let floor = s.get("baseline_floor_per_mille") as f64 / 1000.0;
    let factor = s.get("min_spike_factor_per_mille") as f64 / 1000.0;
    let max_chance = s.get("max_chance_per_million") as f64 / 1e6;
    // The spikes: (affiliate, sub1) → (share, program share, chance).
    let mut spikes: BTreeMap<(i64, &str), (f64, f64, f64)> = BTreeMap::new();
    for (&(aff, sub1), &(n, k)) in &groups {
        if (k as i64) < s.get("min_players")
            || allow.allows_sub_id(INJECTION.name, &refs.ext(aff), sub1)
        {
            continue;
        }
        // The rest of the program: what fast sign-ups look like where nobody is suspected.
        let rest = all - n;
        let p0 = if rest > 0 {
            ((all_fast - k) as f64 / rest as f64).max(floor)
        } else {
            floor
        };
        let share = k as f64 / n as f64;
        if share < factor * p0 {
            continue;
        }
        let chance = binomial_tail(n, k, p0);
        if chance <= max_chance {
            spikes.insert((aff, sub1), (share, p0, chance));
        }
    }
    let impossible_ms = s.get("impossible_ctit_secs") * 1000;
    let mut out = Vec::new();
    for (player, aff, sub1, click, clicked, registered) in &rows {
        let ctit_ms = registered - clicked;
        let spike = spikes.get(&(*aff, sub1.as_str()));
        let impossible = impossible_ms > 0 && ctit_ms <= impossible_ms;
        if *registered < w.since_ms || ctit_ms > fast_ms || (spike.is_none() && !impossible) {
            continue;
        }
        let (n, k) = groups[&(*aff, sub1.as_str())];
        let ctit = ctit_ms / 1000;
        let place = if sub1.is_empty() {
            "this affiliate (no sub-ID)".to_string()
        } else {
            format!("sub1 '{sub1}'")
        };
        let mut signals = Vec::new();
        let mut score = 0;
        let mut why = Vec::new();
        if let Some(&(share, p0, chance)) = spike {
            let weight = weight_of_chance(chance);
            score += weight;
            why.push(format!(
                "{k} such players of {n} on {place} ({:.0} % against the program's {:.1} %)",
                share * 100.0,
                p0 * 100.0
            ));
            signals.push(signal(
                "ctit_spike",
                weight,
                json!({
                    "group_players": n, "group_fast_players": k,
                    "group_fast_share_per_mille": (share * 1000.0).round() as i64,
                    "program_fast_share_per_mille": (p0 * 1000.0).round() as i64,
                    "chance_per_million": per_million(chance),
                }),
            ));
        }
        if impossible {
            score += 50;
            why.push("faster than a person can sign up".to_string());
            signals.push(signal(
                "impossible_ctit",
                50,
                json!({"ctit_ms": ctit_ms, "impossible_ctit_secs": s.get("impossible_ctit_secs")}),
            ));
        }
        out.push(Finding {
            affiliate_id: Some(*aff),
            subject_key: format!("player:{player}"),
            score: (40 + score).min(95) as u8,
            summary: format!(
                "player {player} registered {ctit} s after click {click}; {}",
                why.join("; ")
            ),
            evidence: json!({
                "player": player, "click_id": click, "clicked_at_ms": clicked, "registered_at_ms": registered,
                "ctit_secs": ctit, "sub1": sub1, "affiliate_spike_players": k,
                "signals": signals,
                "thresholds": s.values,
            }),
            items: vec![(ItemKind::Player, player.clone()), (ItemKind::Click, click.clone())],
        });
    }
    Ok(out)
}

pub static VELOCITY: Rule = Rule {
    name: "abnormal_cr",
    pattern: "abnormal_conversion_rate",
    signal: "A day whose conversion rate (registrations per click) is far above the affiliate's own median over `history_days`, and unlikely by chance. A TV or campaign day raises clicks and sign-ups together: its rate stays, and it is not abnormal.",
    settings: &[
        Setting { key: "history_days", default: 28, min: 3, max: 365, meaning: "the affiliate's days with clicks before the day (the last this many) it is compared with" },
        Setting { key: "min_registrations", default: 10, min: 1, max: 100_000, meaning: "registrations a day needs before its rate means anything" },
        Setting { key: "factor_per_mille", default: 4_000, min: 1_100, max: 100_000, meaning: "how many times (x1000) the historical median CR a day must reach; below 1.1x is ordinary noise. A TV or campaign day raises clicks and sign-ups together: its CR stays, and it is not abnormal" },
        Setting { key: "min_history_days", default: 5, min: 1, max: 365, meaning: "days with clicks needed to have a history at all" },
        Setting { key: "max_chance_per_million", default: 100, min: 1, max: 1_000_000, meaning: "the chance (per million) of that many registrations from the day's clicks at the median CR by luck, at or below which the day is abnormal" },
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
    let refs = w.refs(conn)?;
    let max_chance = s.get("max_chance_per_million") as f64 / 1e6;
    let mut found: Vec<(i64, String, Finding)> = Vec::new();
    // CR per-million and clicks per affiliate, in day order.
    let mut history: BTreeMap<i64, Vec<(i64, i64)>> = BTreeMap::new();
    // The history a day is judged against: the affiliate's last `history_days` days with clicks before it (the same
    // days whichever run looks, so the finding depends on the data alone).
    let keep = s.get("history_days").max(1) as usize;
    for ((aff, day), (c, r, last)) in &days {
        let all_days = history.entry(*aff).or_default();
        let hist = &all_days[all_days.len().saturating_sub(keep)..];
        let cr = if *c > 0 { r * 1_000_000 / c } else { i64::MAX };
        if *last >= w.since_ms
            && *r >= s.get("min_registrations")
            && hist.len() as i64 >= s.get("min_history_days")
        {
            let median_of = |f: fn(&(i64, i64)) -> i64| {
                let mut v: Vec<i64> = hist.iter().map(f).collect();
                v.sort_unstable();
                v[v.len() / 2]
            };
            let median = median_of(|x| x.0);
            let median_clicks = median_of(|x| x.1);
            let chance = if *c > 0 {
                binomial_tail(*c as u64, *r as u64, median as f64 / 1e6)
            } else {
                0.0
            };
            if median > 0
                && *c > 0
                && cr.saturating_mul(1000) >= median.saturating_mul(s.get("factor_per_mille"))
                && chance <= max_chance
            {
                let factor = cr as f64 / median as f64;
                let signals = vec![
                    signal(
                        "cr_jump",
                        (20.0 + 10.0 * factor.log2()).min(60.0) as u32,
                        json!({
                            "cr_per_million": cr, "median_cr_per_million": median,
                            "factor_per_mille": (factor * 1000.0).round() as i64,
                        }),
                    ),
                    signal(
                        "not_by_chance",
                        weight_of_chance(chance) / 4,
                        json!({"chance_per_million": per_million(chance)}),
                    ),
                    signal(
                        "clicks_as_usual",
                        0,
                        json!({"clicks": c, "median_clicks": median_clicks}),
                    ),
                ];
                let score: u32 = signals
                    .iter()
                    .filter_map(|x| x.get("weight")?.as_u64())
                    .sum::<u64>()
                    .clamp(40, 90) as u32;
                found.push((
                    *aff,
                    day.clone(),
                    Finding {
                        affiliate_id: Some(*aff),
                        subject_key: format!("{}|day:{day}", refs.key(*aff)),
                        score: score as u8,
                        summary: format!("{r} registrations from {c} clicks on {day}: CR {factor:.1}x this affiliate's median"),
                        evidence: json!({
                            "day": day, "clicks": c, "registrations": r,
                            "cr_per_million": cr,
                            "median_cr_per_million": median, "history_days": hist.len(),
                            "signals": signals, "thresholds": s.values,
                        }),
                        items: Vec::new(),
                    },
                ));
            }
        }
        if *c > 0 {
            all_days.push((cr, *c));
        }
    }
    // The day's registrations are the records an analyst looks at.
    let mut players = conn.prepare(
        "SELECT external_id FROM players WHERE program_id = ?1 AND affiliate_id = ?2 AND day = ?3
         ORDER BY registered_at_ms, external_id LIMIT ?4",
    )?;
    let mut out = Vec::with_capacity(found.len());
    for (aff, day, mut f) in found {
        f.items = players
            .query_map(params![w.program_id, aff, day, ITEMS_MAX as i64], |r| {
                r.get::<_, String>(0)
            })?
            .map(|p| p.map(|p| (ItemKind::Player, p)))
            .collect::<Result<_, _>>()?;
        out.push(f);
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
    signal: "Paid-search click ids (`gclid`, `msclkid`; `fbclid`/`ttclid` only with `count_social_click_ids`) in landing URLs where the program's terms forbid bidding on the brand.",
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
    let refs = w.refs(conn)?;
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
