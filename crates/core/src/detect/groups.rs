//! The grouped analyst queue: flags by affiliate and rule, with counts, the records they name and the money at
//! stake for all their players (each player once), so a flood of 500 flagged clicks is one line; and one decision
//! for a whole group, with one comment — each flag gets its own decision row, the periods are recomputed once,
//! and the audit log gets one entry naming every flag.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::{params, OptionalExtension};

use super::exclusion::players_of_items;
use super::queue::{
    decision_parts, flag_items, moved_json, record_decision, validate_filter, STATUS_SQL,
};
use super::stake::Stakes;
use super::{DetectError, Severity};
use crate::audit::Stamp;
use crate::detect::types::{FlagBulkDecisionInput, FlagBulkDecisionResult, FlagFilter, FlagGroup};
use crate::money::format_amount;
use crate::store::{Durability, Store};

/// Flags decided at most in one bulk decision (a group is bounded by the queue; this bounds a request).
pub const BULK_MAX: usize = 10_000;

/// One flag as the grouping reads it.
struct Member {
    id: i64,
    affiliate_id: String,
    affiliate_name: String,
    rule: String,
    pattern: String,
    severity: String,
    score: u32,
    summary: String,
    revised_at_ms: i64,
}

/// One group while it is gathered: its flags (highest score first), the records they name and their players.
#[derive(Default)]
struct Gathered {
    members: Vec<Member>,
    items: BTreeSet<String>,
    players: BTreeSet<i64>,
}

/// The program's flags matching `filter`, grouped by affiliate and rule; the groups with the most money at stake
/// first (then the highest score).
pub fn groups_in(
    store: &Store,
    program_id: i64,
    filter: &FlagFilter,
) -> Result<Vec<FlagGroup>, DetectError> {
    validate_filter(filter)?;
    Ok(store.read::<_, crate::store::StoreError>(|conn| {
        let sql = format!(
            "SELECT f.id, COALESCE(a.external_id, ''), COALESCE(a.name, ''), f.rule, f.pattern, c.severity,
                    c.score, c.summary, c.at_ms
             FROM flags f JOIN flag_current c ON c.flag_id = f.id LEFT JOIN affiliates a ON a.id = c.affiliate_id
             WHERE f.program_id = ?5 AND (?1 IS NULL OR a.external_id = ?1)
               AND (?2 IS NULL OR f.pattern = ?2 OR f.rule = ?2)
               AND (?3 IS NULL OR c.severity = ?3) AND (?4 IS NULL OR {STATUS_SQL} = ?4)
             ORDER BY c.score DESC, f.id"
        );
        let members = conn
            .prepare(&sql)?
            .query_map(
                params![filter.affiliate, filter.pattern, filter.severity, filter.status, program_id],
                |r| {
                    Ok(Member {
                        id: r.get(0)?,
                        affiliate_id: r.get(1)?,
                        affiliate_name: r.get(2)?,
                        rule: r.get(3)?,
                        pattern: r.get(4)?,
                        severity: r.get(5)?,
                        score: r.get(6)?,
                        summary: r.get(7)?,
                        revised_at_ms: r.get(8)?,
                    })
                },
            )?
            .collect::<Result<Vec<_>, _>>()?;
        // Group first (members arrive highest score first, so each group's first is its example), then load one
        // stake book for every group's players.
        let mut grouped: BTreeMap<(String, String), Gathered> = BTreeMap::new();
        for m in members {
            let items = flag_items(conn, m.id)?;
            let players = players_of_items(conn, program_id, &items)?;
            let g = grouped
                .entry((m.affiliate_id.clone(), m.rule.clone()))
                .or_default();
            g.items
                .extend(items.iter().map(|(k, r)| format!("{}:{r}", k.as_str())));
            g.players.extend(players);
            g.members.push(m);
        }
        let all: BTreeSet<i64> = grouped
            .values()
            .flat_map(|g| g.players.iter().copied())
            .collect();
        let mut stakes = Stakes::for_players(BTreeMap::from([(program_id, all)]));
        let mut out = Vec::with_capacity(grouped.len());
        let mut at_stake_micros = Vec::with_capacity(grouped.len());
        for Gathered {
            members,
            items,
            players,
        } in grouped.into_values()
        {
            let (micros, currency) = stakes.amount_of_players(conn, program_id, &players)?;
            let first = &members[0];
            let highest = members
                .iter()
                .map(|m| severity_rank(&m.severity))
                .max()
                .unwrap_or(Severity::Low);
            at_stake_micros.push(micros);
            out.push(FlagGroup {
                affiliate_id: first.affiliate_id.clone(),
                affiliate_name: first.affiliate_name.clone(),
                rule: first.rule.clone(),
                pattern: first.pattern.clone(),
                flags: members.len() as u32,
                items: items.len() as u32,
                highest_severity: highest.as_str().to_string(),
                max_score: first.score,
                amount_at_stake: format_amount(micros, &currency),
                currency,
                example: first.summary.clone(),
                newest_at_ms: members.iter().map(|m| m.revised_at_ms).max().unwrap_or(0),
                flag_ids: members.iter().map(|m| m.id).collect(),
            });
        }
        let mut order: Vec<usize> = (0..out.len()).collect();
        order.sort_by(|&a, &b| {
            at_stake_micros[b]
                .cmp(&at_stake_micros[a])
                .then(out[b].max_score.cmp(&out[a].max_score))
                .then(out[a].affiliate_id.cmp(&out[b].affiliate_id))
                .then(out[a].rule.cmp(&out[b].rule))
        });
        let mut slots: Vec<Option<FlagGroup>> = out.into_iter().map(Some).collect();
        Ok(order.into_iter().filter_map(|i| slots[i].take()).collect())
    })?)
}

fn severity_rank(s: &str) -> Severity {
    match s {
        "high" => Severity::High,
        "medium" => Severity::Medium,
        _ => Severity::Low,
    }
}

/// One decision and comment for many flags of the program, by the stamp's person: a decision row per flag that
/// does not already have it, the exclusions they imply, the affected periods recomputed once, one audit entry.
/// All or nothing: a flag of another program or an unknown id refuses the whole request, naming it.
pub fn decide_many(
    store: &Store,
    program_id: i64,
    input: &FlagBulkDecisionInput,
    stamp: &Stamp,
) -> Result<FlagBulkDecisionResult, DetectError> {
    let (decision, comment, user_id) = decision_parts(input.decision, &input.comment, stamp)?;
    let ids: BTreeSet<i64> = input.flag_ids.iter().copied().collect();
    if ids.is_empty() {
        return Err(DetectError::Invalid(
            "choose at least one flag to decide".into(),
        ));
    }
    if ids.len() > BULK_MAX {
        return Err(DetectError::Invalid(format!(
            "{} flags in one decision; at most {BULK_MAX}",
            ids.len()
        )));
    }
    store.write_with(Durability::Full, |tx| -> Result<_, DetectError> {
        let mut decided = Vec::new();
        let mut unchanged = Vec::new();
        let mut affiliates = BTreeSet::new();
        for &id in &ids {
            let status: Option<String> = tx
                .query_row(
                    &format!(
                        "SELECT {STATUS_SQL} FROM flags f WHERE f.id = ?1 AND f.program_id = ?2"
                    ),
                    params![id, program_id],
                    |r| r.get(0),
                )
                .optional()?;
            match status.as_deref() {
                None => {
                    return Err(DetectError::NotFound(format!(
                        "no flag {id} in this program"
                    )))
                }
                Some(s) if s == decision => unchanged.push(id),
                Some(_) => {
                    let r = record_decision(
                        tx,
                        id,
                        Some(program_id),
                        decision,
                        comment,
                        user_id,
                        stamp,
                    )?;
                    affiliates.extend(r.excluded.unwrap_or_default());
                    decided.push(id);
                }
            }
        }
        let moved = super::exclusion::recompute(tx, program_id, &affiliates, stamp.at_ms)?;
        stamp.record(
            tx,
            "flags",
            &format!("{} flags", decided.len()),
            &serde_json::json!({
                "decision": decision, "comment": comment, "flags": decided, "unchanged": unchanged,
                "moved": moved_json(&moved),
            }),
        )?;
        Ok(FlagBulkDecisionResult {
            decided: decided.len() as u32,
            unchanged: unchanged.len() as u32,
            moved: moved
                .iter()
                .map(|m| {
                    format!(
                        "{}: {} {}",
                        m.period,
                        format_amount(m.amount_micros, &m.currency),
                        m.currency
                    )
                })
                .collect(),
        })
    })
}
