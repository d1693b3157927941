//! Confirmed fraud reaches the money (DOMAIN §5): players excluded by a confirmed flag (`fraud_exclusions`, kept
//! by `detect::exclusion`) earn their affiliate nothing. The loader detaches them from their affiliate before the
//! engine runs and says so in the problems ("excluded: fraud confirmed, flag 12"); recomputing a period then
//! posts the reversal as new ledger entries, and a closed period's as a late correction in the next open one.

use super::engine::{EngineInput, Problem};
use super::load::Program;
use super::period::{by_id, ensure, list, month_bounds, PeriodRow};
use super::CommissionResult;
use crate::commission::engine::qualification::add_days;
use rusqlite::{params, Connection, Transaction};
use std::collections::{BTreeMap, BTreeSet};

/// Excluded players of a program (players.id) with the flags excluding them: a (flag, player) pair counts while
/// its latest row says excluded.
pub fn in_force(conn: &Connection, program_id: i64) -> CommissionResult<BTreeMap<i64, Vec<i64>>> {
    let mut stmt = conn.prepare_cached(
        "SELECT e.player_id, e.flag_id FROM fraud_exclusions e
         WHERE e.program_id = ?1 AND e.excluded = 1
           AND e.id = (SELECT MAX(x.id) FROM fraud_exclusions x WHERE x.flag_id = e.flag_id AND x.player_id = e.player_id)
         ORDER BY e.player_id, e.flag_id",
    )?;
    let rows = stmt.query_map([program_id], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
    })?;
    let mut out: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for row in rows {
        let (player, flag) = row?;
        out.entry(player).or_default().push(flag);
    }
    Ok(out)
}

/// Detaches excluded players from their affiliate (their activity becomes nobody's) and reports each one.
pub fn apply(conn: &Connection, program_id: i64, input: &mut EngineInput) -> CommissionResult<()> {
    let excluded = in_force(conn, program_id)?;
    if excluded.is_empty() {
        return Ok(());
    }
    detach(&excluded, input);
    Ok(())
}

/// The pure part of [`apply`]: players in `excluded` lose their affiliate, with one `excluded` problem each.
pub fn detach(excluded: &BTreeMap<i64, Vec<i64>>, input: &mut EngineInput) {
    let names: BTreeMap<i64, &str> = input
        .affiliates
        .iter()
        .map(|a| (a.id, a.external_id.as_str()))
        .collect();
    let mut problems = Vec::new();
    for p in &mut input.players {
        let (Some(flags), Some(aff)) = (excluded.get(&p.id), p.affiliate_id) else {
            continue;
        };
        let flags: Vec<String> = flags.iter().map(ToString::to_string).collect();
        problems.push(Problem {
            kind: "excluded".into(),
            subject: format!("player {}", p.external_id),
            detail: format!(
                "excluded: fraud confirmed, flag {}: nothing is paid to affiliate {} for this player",
                flags.join(", "),
                names.get(&aff).copied().unwrap_or("?")
            ),
        });
        p.affiliate_id = None;
    }
    input.load_problems.extend(problems);
}

/// What recomputing after an exclusion (or its lifting) moved in one period: micros per currency booked in it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Moved {
    pub period: String,
    pub currency: String,
    pub amount_micros: i64,
}

fn sums(
    tx: &Transaction<'_>,
    program_id: i64,
    affiliates: &BTreeSet<i64>,
) -> CommissionResult<BTreeMap<(i64, String), i64>> {
    let mut stmt = tx.prepare_cached(
        "SELECT period_id, currency, SUM(amount_micros) FROM ledger_entries
         WHERE program_id = ?1 AND affiliate_id = ?2 GROUP BY period_id, currency",
    )?;
    let mut out = BTreeMap::new();
    for a in affiliates {
        let rows = stmt.query_map(params![program_id, a], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })?;
        for row in rows {
            let (p, c, s) = row?;
            *out.entry((p, c)).or_insert(0) += s;
        }
    }
    Ok(out)
}

/// Recomputes, inside `tx`, the periods where `affiliates` have commission: every open one holding their entries,
/// and — when they have entries in a closed period — the first period after the last closed one (created if
/// needed), where the closed periods' corrections land. Answers what moved per period and currency.
pub fn recompute_for(
    tx: &Transaction<'_>,
    program: &Program,
    affiliates: &BTreeSet<i64>,
    now_ms: i64,
) -> CommissionResult<Vec<Moved>> {
    if affiliates.is_empty() {
        return Ok(Vec::new());
    }
    let before = sums(tx, program.id, affiliates)?;
    let periods = list(tx, program.id)?;
    let touched: BTreeSet<i64> = before.keys().map(|(p, _)| *p).collect();
    let mut labels: Vec<String> = periods
        .iter()
        .filter(|p| !p.is_closed() && touched.contains(&p.id))
        .map(PeriodRow::label)
        .collect();
    let last_closed = periods
        .iter()
        .filter(|p| p.is_closed())
        .max_by(|a, b| a.start_day.cmp(&b.start_day));
    if let Some(c) = last_closed {
        if periods
            .iter()
            .any(|p| p.is_closed() && touched.contains(&p.id))
        {
            let next = add_days(&c.end_day, 1);
            labels.push(next.get(..7).unwrap_or_default().to_string());
        }
    }
    labels.sort();
    labels.dedup();
    for label in &labels {
        month_bounds(label)?;
        let p = ensure(tx, program.id, label)?;
        if !p.is_closed() {
            super::compute::compute_in(tx, program, label, now_ms)?;
        }
    }
    let after = sums(tx, program.id, affiliates)?;
    let mut keys: BTreeSet<(i64, String)> = before.keys().cloned().collect();
    keys.extend(after.keys().cloned());
    let mut moved = Vec::new();
    for k in keys {
        let d = after.get(&k).copied().unwrap_or(0) - before.get(&k).copied().unwrap_or(0);
        if d != 0 {
            moved.push(Moved {
                period: by_id(tx, k.0)?.label(),
                currency: k.1,
                amount_micros: d,
            });
        }
    }
    Ok(moved)
}
