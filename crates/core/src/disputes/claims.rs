//! Three-way reconciliation: an affiliate's own report (claims imported with the `claims` preset) against the
//! tracker and the operator. Each claim of the month gets one reason code, checked in this order:
//!
//! | reason | when |
//! |---|---|
//! | `unknown` | neither the operator nor the tracker knows the player or the click |
//! | `tracker_only` | the tracker has a conversion for it; the operator has no such player |
//! | `other_affiliate` | the operator's player is attributed to another affiliate, or to nobody (organic) |
//! | `no_deposit` | the player is the claimant's but has no first deposit at the operator |
//! | `outside_window` | the first deposit is not in the month the claim is dated in, or over a week from the day claimed |
//! | `missing_postback` | the claimant's player deposited in the month, but the tracker has no conversion for it |
//! | `amount_mismatch` | the claimed first-deposit amount differs from the operator's |
//! | `confirmed` | all three agree |
//!
//! Matching again replaces the results (they are derived). Every claim but a confirmed one can become a case.

use super::types::{ClaimCasesRequest, ClaimReasonCount, ClaimRowView, ClaimsQuery, ClaimsReport};
use super::{DisputeError, DisputeResult};
use crate::money::format_amount;
use crate::programs::Program;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use std::collections::BTreeMap;

/// A claimed first-deposit day further than this from the operator's is outside the claim's window.
pub const DAYS_APART_MAX: i64 = 7;

/// Every reason code, in the order they are checked.
pub const REASONS: [&str; 8] = [
    "unknown",
    "tracker_only",
    "other_affiliate",
    "no_deposit",
    "outside_window",
    "missing_postback",
    "amount_mismatch",
    "confirmed",
];

struct Claim {
    id: i64,
    affiliate_id: i64,
    player: String,
    click: String,
    registered_day: String,
    ftd_day: String,
    amount: Option<i64>,
}

struct Found {
    reason: &'static str,
    detail: String,
    player: String,
    impact: i64,
}

fn month_of(day: &str) -> &str {
    day.get(..7).unwrap_or("")
}

/// The affiliate's usual CPA payout (their median approved conversion), to estimate a missing postback's worth.
fn usual_payout(conn: &Connection, affiliate_id: i64) -> DisputeResult<i64> {
    let mut stmt = conn.prepare_cached(
        "SELECT payout_micros FROM conversions WHERE affiliate_id = ?1 AND status = 'approved' AND payout_micros > 0 ORDER BY payout_micros",
    )?;
    let all: Vec<i64> = stmt
        .query_map([affiliate_id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(all.get(all.len() / 2).copied().unwrap_or(0))
}

fn external(conn: &Connection, affiliate_id: Option<i64>) -> DisputeResult<String> {
    Ok(match affiliate_id {
        Some(a) => conn.query_row(
            "SELECT external_id FROM affiliates WHERE id = ?1",
            [a],
            |r| r.get(0),
        )?,
        None => String::new(),
    })
}

fn classify(conn: &Connection, program: &Program, period: &str, c: &Claim) -> DisputeResult<Found> {
    let player: Option<(i64, String, Option<i64>)> = if !c.player.is_empty() {
        conn.query_row(
            "SELECT p.id, p.external_id, COALESCE(a.affiliate_id, CASE WHEN a.player_id IS NULL THEN p.affiliate_id END)
             FROM players p LEFT JOIN player_attribution a ON a.player_id = p.id WHERE p.program_id = ?1 AND p.external_id = ?2",
            params![program.id, c.player],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?
    } else {
        None
    };
    let player = match (player, c.click.is_empty()) {
        (Some(p), _) => Some(p),
        (None, false) => conn
            .query_row(
                "SELECT p.id, p.external_id, COALESCE(a.affiliate_id, CASE WHEN a.player_id IS NULL THEN p.affiliate_id END)
                 FROM players p LEFT JOIN player_attribution a ON a.player_id = p.id WHERE p.program_id = ?1 AND p.click_id = ?2",
                params![program.id, c.click],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?,
        (None, true) => None,
    };
    let conversion_of = |player_ref: &str| -> DisputeResult<Option<(i64, Option<i64>)>> {
        Ok(conn
            .query_row(
                "SELECT id, affiliate_id FROM conversions WHERE program_id = ?1 AND status <> 'rejected'
                   AND ((?2 <> '' AND player_ref = ?2) OR (?3 <> '' AND transaction_id = ?3)) ORDER BY id LIMIT 1",
                params![program.id, player_ref, c.click],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    };
    let Some((player_id, player_ext, attributed)) = player else {
        return Ok(match conversion_of(&c.player)? {
            Some((conv, _)) => Found {
                reason: "tracker_only",
                detail: format!(
                    "the tracker has conversion #{conv} for it; the operator has no such player"
                ),
                player: String::new(),
                impact: 0,
            },
            None => Found {
                reason: "unknown",
                detail: "neither the operator nor the tracker knows this player or click".into(),
                player: String::new(),
                impact: 0,
            },
        });
    };
    let found = |reason, detail: String, impact| Found {
        reason,
        detail,
        player: player_ext.clone(),
        impact,
    };
    if attributed != Some(c.affiliate_id) {
        let other = external(conn, attributed)?;
        let whose = if other.is_empty() {
            "nobody (an organic player)".to_string()
        } else {
            format!("affiliate {other}")
        };
        return Ok(found(
            "other_affiliate",
            format!("the operator's player {player_ext} is attributed to {whose}"),
            0,
        ));
    }
    let ftd: Option<(String, i64)> = conn
        .query_row(
            "SELECT day, amount_micros FROM money_movements WHERE player_id = ?1 AND kind = 'deposit' AND is_ftd = 1 ORDER BY occurred_at_ms LIMIT 1",
            [player_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((ftd_day, ftd_micros)) = ftd else {
        return Ok(found(
            "no_deposit",
            format!("player {player_ext} is yours but has made no first deposit at the operator"),
            0,
        ));
    };
    if month_of(&ftd_day) != period {
        return Ok(found(
            "outside_window",
            format!(
                "the operator's first deposit of {player_ext} is on {ftd_day}, outside {period}"
            ),
            0,
        ));
    }
    if let (Ok(claimed), Ok(actual)) = (
        crate::time::parse_day(&c.ftd_day),
        crate::time::parse_day(&ftd_day),
    ) {
        let apart = (actual - claimed).num_days().abs();
        if apart > DAYS_APART_MAX {
            return Ok(found(
                "outside_window",
                format!("the operator's first deposit of {player_ext} is on {ftd_day}, {apart} days from the {} claimed", c.ftd_day),
                0,
            ));
        }
    }
    let conv = conversion_of(&player_ext)?;
    if conv.is_none_or(|(_, a)| a != Some(c.affiliate_id)) {
        return Ok(found(
            "missing_postback",
            format!("the operator has the first deposit of {player_ext} on {ftd_day}; the tracker has no conversion for you"),
            usual_payout(conn, c.affiliate_id)?,
        ));
    }
    if let Some(claimed) = c.amount {
        if claimed != ftd_micros {
            return Ok(found(
                "amount_mismatch",
                format!(
                    "claimed a first deposit of {}, the operator has {}",
                    format_amount(claimed, &program.currency),
                    format_amount(ftd_micros, &program.currency)
                ),
                0,
            ));
        }
    }
    Ok(found(
        "confirmed",
        format!(
            "first deposit {} on {ftd_day}, converted and attributed to you",
            format_amount(ftd_micros, &program.currency)
        ),
        0,
    ))
}

fn in_scope(c: &Claim, period: &str) -> bool {
    let dated = if !c.ftd_day.is_empty() {
        &c.ftd_day
    } else {
        &c.registered_day
    };
    dated.is_empty() || month_of(dated) == period
}

fn claims_of(
    conn: &Connection,
    program: &Program,
    affiliate: Option<i64>,
) -> DisputeResult<Vec<Claim>> {
    let mut stmt = conn.prepare(
        "SELECT id, affiliate_id, player_ref, click_ref, registered_day, ftd_day, ftd_amount_micros FROM claims
         WHERE program_id = ?1 AND (?2 IS NULL OR affiliate_id = ?2) ORDER BY id",
    )?;
    let rows = stmt.query_map(params![program.id, affiliate], |r| {
        Ok(Claim {
            id: r.get(0)?,
            affiliate_id: r.get(1)?,
            player: r.get(2)?,
            click: r.get(3)?,
            registered_day: r.get(4)?,
            ftd_day: r.get(5)?,
            amount: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn check_period(period: &str) -> DisputeResult<()> {
    crate::commission::period::month_bounds(period.trim())
        .map(drop)
        .map_err(|_| {
            DisputeError::Invalid(format!(
                "Period: '{}' is not a month (YYYY-MM)",
                period.trim()
            ))
        })
}

fn affiliate_filter(
    conn: &Connection,
    program: &Program,
    a: &Option<String>,
) -> DisputeResult<Option<i64>> {
    match a.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(ext) => conn
            .query_row(
                "SELECT id FROM affiliates WHERE program_id = ?1 AND external_id = ?2",
                params![program.id, ext],
                |r| r.get(0),
            )
            .optional()?
            .map(Some)
            .ok_or_else(|| DisputeError::NotFound(format!("Affiliate: no affiliate '{ext}'"))),
    }
}

/// Matches the month's claims and stores the results; the report.
pub fn reconcile(
    tx: &Transaction<'_>,
    program: &Program,
    q: &ClaimsQuery,
    user_id: Option<i64>,
    now_ms: i64,
) -> DisputeResult<ClaimsReport> {
    check_period(&q.period)?;
    let period = q.period.trim();
    let affiliate = affiliate_filter(tx, program, &q.affiliate)?;
    let scope: Vec<Claim> = claims_of(tx, program, affiliate)?
        .into_iter()
        .filter(|c| in_scope(c, period))
        .collect();
    crate::reconcile::report::record_run(
        tx,
        program.id,
        period,
        "claims",
        user_id,
        now_ms,
        scope.len(),
    )?;
    for c in &scope {
        let f = classify(tx, program, period, c)?;
        tx.execute(
            "INSERT INTO claim_results (claim_id, period, reason, detail, player_ref, impact_micros, matched_at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (claim_id) DO UPDATE SET period = ?2, reason = ?3, detail = ?4, player_ref = ?5, impact_micros = ?6, matched_at_ms = ?7",
            params![c.id, period, f.reason, f.detail, f.player, f.impact, now_ms],
        )?;
    }
    report(tx, program, q)
}

/// The stored results of a month (as last matched).
pub fn report(
    conn: &Connection,
    program: &Program,
    q: &ClaimsQuery,
) -> DisputeResult<ClaimsReport> {
    check_period(&q.period)?;
    let affiliate = affiliate_filter(conn, program, &q.affiliate)?;
    if let Some(r) = q.reason.as_deref().filter(|r| !r.is_empty()) {
        if !REASONS.contains(&r) {
            return Err(DisputeError::Invalid(format!(
                "Reason: '{r}' is not one of {}",
                REASONS.join(", ")
            )));
        }
    }
    let mut stmt = conn.prepare(
        "SELECT c.id, c.claim_key, a.external_id, c.player_ref, c.click_ref, c.ftd_day, c.ftd_amount_micros, r.reason, r.detail,
                r.impact_micros, (SELECT s.case_id FROM dispute_subjects s WHERE s.kind = 'claim' AND s.ref = CAST(c.id AS TEXT) LIMIT 1)
         FROM claim_results r JOIN claims c ON c.id = r.claim_id JOIN affiliates a ON a.id = c.affiliate_id
         WHERE c.program_id = ?1 AND r.period = ?2 AND (?3 IS NULL OR c.affiliate_id = ?3)
         ORDER BY a.external_id, c.id",
    )?;
    let cur = program.currency.clone();
    let rows = stmt.query_map(params![program.id, q.period.trim(), affiliate], |r| {
        let amount: Option<i64> = r.get(6)?;
        Ok(ClaimRowView {
            id: r.get(0)?,
            claim: r.get(1)?,
            affiliate_id: r.get(2)?,
            player: r.get(3)?,
            click: r.get(4)?,
            ftd_day: r.get(5)?,
            ftd_amount: amount.map(|a| format_amount(a, &cur)).unwrap_or_default(),
            reason: r.get(7)?,
            detail: r.get(8)?,
            impact: format_amount(r.get(9)?, &cur),
            case_id: r.get(10)?,
        })
    })?;
    let all: Vec<ClaimRowView> = rows.collect::<Result<_, _>>()?;
    let mut counts: BTreeMap<&str, u32> = BTreeMap::new();
    for r in &all {
        if let Some(k) = REASONS.iter().find(|k| **k == r.reason) {
            *counts.entry(k).or_default() += 1;
        }
    }
    let (matched_at_ms, matched_by) =
        crate::reconcile::report::last_run(conn, program.id, q.period.trim(), "claims")?;
    Ok(ClaimsReport {
        matched_at_ms,
        matched_by,
        period: q.period.trim().to_string(),
        currency: program.currency.clone(),
        reasons: REASONS
            .iter()
            .filter_map(|r| {
                counts.get(r).map(|n| ClaimReasonCount {
                    reason: r.to_string(),
                    count: *n,
                })
            })
            .collect(),
        rows: all
            .into_iter()
            .filter(|r| {
                q.reason
                    .as_deref()
                    .is_none_or(|x| x.is_empty() || x == r.reason)
            })
            .collect(),
    })
}

/// The claims a cases request names: the given ids, or every unmatched claim of the month without a case.
pub fn unmatched(
    conn: &Connection,
    program: &Program,
    req: &ClaimCasesRequest,
) -> DisputeResult<Vec<i64>> {
    let report = report(
        conn,
        program,
        &ClaimsQuery {
            period: req.period.clone(),
            affiliate: req.affiliate.clone(),
            reason: None,
        },
    )?;
    let open: Vec<i64> = report
        .rows
        .iter()
        .filter(|r| r.reason != "confirmed" && r.case_id.is_none())
        .map(|r| r.id)
        .collect();
    if req.claims.is_empty() {
        return Ok(open);
    }
    for id in &req.claims {
        let row = report.rows.iter().find(|r| r.id == *id).ok_or_else(|| {
            DisputeError::NotFound(format!(
                "Claim: no matched claim {id} in {}; match the month's claims first",
                req.period.trim()
            ))
        })?;
        if row.reason == "confirmed" {
            return Err(DisputeError::Refused(format!(
                "claim {id} is confirmed: there is nothing to dispute"
            )));
        }
        if let Some(c) = row.case_id {
            return Err(DisputeError::Refused(format!(
                "claim {id} already has dispute case {c}"
            )));
        }
    }
    Ok(req.claims.clone())
}

/// What a case opened from claim `id` starts with: claimant, period, reason, amount, subjects, title.
pub struct ClaimCase {
    pub affiliate_id: i64,
    pub period: String,
    pub reason: String,
    pub impact_micros: i64,
    pub subjects: Vec<(&'static str, String)>,
    pub title: String,
}

pub fn for_case(conn: &Connection, program: &Program, id: i64) -> DisputeResult<ClaimCase> {
    struct Row {
        affiliate_id: i64,
        key: String,
        player: String,
        click: String,
        period: Option<String>,
        reason: Option<String>,
        resolved: Option<String>,
        impact: Option<i64>,
    }
    let Row { affiliate_id, key, player, click, period, reason, resolved, impact } = conn
        .query_row(
            "SELECT c.affiliate_id, c.claim_key, c.player_ref, c.click_ref, r.period, r.reason, r.player_ref, r.impact_micros
             FROM claims c LEFT JOIN claim_results r ON r.claim_id = c.id WHERE c.id = ?1 AND c.program_id = ?2",
            params![id, program.id],
            |r| {
                Ok(Row {
                    affiliate_id: r.get(0)?,
                    key: r.get(1)?,
                    player: r.get(2)?,
                    click: r.get(3)?,
                    period: r.get(4)?,
                    reason: r.get(5)?,
                    resolved: r.get(6)?,
                    impact: r.get(7)?,
                })
            },
        )
        .optional()?
        .ok_or_else(|| DisputeError::NotFound(format!("Claim: no claim {id} in this program")))?;
    let (Some(period), Some(reason)) = (period, reason) else {
        return Err(DisputeError::Refused(format!(
            "claim {id} is not matched yet: match its month's claims first"
        )));
    };
    let existing: Option<i64> = conn
        .query_row(
            "SELECT case_id FROM dispute_subjects WHERE kind = 'claim' AND ref = ?1",
            [id.to_string()],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(c) = existing {
        return Err(DisputeError::Refused(format!(
            "claim {id} already has dispute case {c}"
        )));
    }
    let mut subjects = vec![("claim", id.to_string())];
    let player = resolved.filter(|p| !p.is_empty()).unwrap_or(player);
    if !player.is_empty() {
        subjects.push(("player", player));
    }
    if !click.is_empty() {
        subjects.push(("click", click));
    }
    Ok(ClaimCase {
        affiliate_id,
        period,
        title: format!("Claim {key}: {}", reason.replace('_', " ")),
        reason,
        impact_micros: impact.unwrap_or(0),
        subjects,
    })
}
