//! Computing a period into ledger entries. `compute_period` is idempotent: it compares the engine's lines with
//! what the period already holds per (origin period, affiliate, line) and posts only the differences, as new
//! entries. A closed period is never written again: its recomputed lines are compared with what was booked for
//! it, and the difference (late events) lands in the period being computed, as adjustment entries that name the
//! closed period as origin.

use super::engine::qualification::add_days;
use super::engine::{compute, EngineOutput, LateIn, LineKind};
use super::load::{load_input, Program};
use super::period::{by_id, ensure, list, PeriodRow};
use super::{CommissionError, CommissionResult};
use crate::ledger::{post, EntryKind, EntryStatus, NewEntry};
use crate::store::{Durability, Store};
use rusqlite::{params, Connection, Transaction};
use std::collections::BTreeMap;

/// What an entry's `basis` holds: the exact amount and the events behind it (serialized straight from the line,
/// without an intermediate JSON tree: a RevShare line can name tens of thousands of players).
#[derive(serde::Serialize)]
struct Basis<'a> {
    exact: &'a str,
    items: &'a [super::engine::BasisItem],
}

/// How many closed periods back a computation looks for late events.
pub const LATE_LOOKBACK_PERIODS: usize = 12;

/// What computing a period did.
#[derive(Debug, Clone)]
pub struct ComputeOutcome {
    pub period: PeriodRow,
    pub output: EngineOutput,
    pub entries_posted: u32,
    pub late_corrections: u32,
}

type LineId = (i64, i64, String); // (origin period, affiliate, line key)

/// Sums of what is booked, per line identity, split by whether it is booked in `period_id`.
/// Lines the engine never computes — booked by a person's decision (a dispute's adjustment, a returned payment
/// owed again) — which a computation must leave as they are: they are not "lines that no longer apply".
pub const BOOKED_ELSEWHERE: [&str; 2] = [
    crate::disputes::cases::ADJUSTMENT_LINE,
    crate::payouts::settle::RETURNED_LINE,
];

fn booked(
    conn: &Connection,
    where_sql: &str,
    id: i64,
    period_id: i64,
) -> CommissionResult<BTreeMap<LineId, (i64, i64, i64, String)>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT origin_period_id, affiliate_id, line_key,
                SUM(CASE WHEN period_id = ?2 THEN amount_micros ELSE 0 END),
                SUM(CASE WHEN period_id = ?2 THEN 0 ELSE amount_micros END),
                MAX(CASE WHEN period_id = ?2 THEN id END), MAX(currency)
         FROM ledger_entries WHERE ({where_sql}) AND line_key NOT IN ({booked_elsewhere})
         GROUP BY origin_period_id, affiliate_id, line_key",
        booked_elsewhere = BOOKED_ELSEWHERE
            .iter()
            .map(|k| format!("'{k}'"))
            .collect::<Vec<_>>()
            .join(", ")
    ))?;
    let rows = stmt.query_map(params![id, period_id], |r| {
        Ok((
            (r.get(0)?, r.get(1)?, r.get(2)?),
            (
                r.get(3)?,
                r.get(4)?,
                r.get::<_, Option<i64>>(5)?.unwrap_or(0),
                r.get(6)?,
            ),
        ))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Late corrections of one closed period, as they stand now.
fn late_for(
    conn: &Connection,
    program: &Program,
    closed: &PeriodRow,
    target: &PeriodRow,
) -> CommissionResult<Vec<LateIn>> {
    let input = load_input(
        conn,
        program,
        Some(closed.id),
        &closed.start_day,
        &closed.end_day,
    )?;
    let out = compute(&input);
    let mut desired: BTreeMap<(i64, String), (i64, String, Option<i64>)> = BTreeMap::new();
    for l in out.lines.iter().filter(|l| l.kind == LineKind::Commission) {
        desired.insert(
            (l.affiliate_id, l.line_key.clone()),
            (l.amount_micros, l.currency.clone(), l.plan_version_id),
        );
    }
    let booked = booked(conn, "origin_period_id = ?1 AND kind IN ('commission', 'adjustment') AND line_key NOT IN ('carry_in', 'carry_out', 'waiver')", closed.id, target.id)?;
    let mut keys: Vec<(i64, String)> = desired.keys().cloned().collect();
    keys.extend(booked.keys().map(|(_, a, k)| (*a, k.clone())));
    keys.sort();
    keys.dedup();
    let mut late = Vec::new();
    for (aff, key) in keys {
        let (want, cur, pv) =
            desired
                .get(&(aff, key.clone()))
                .cloned()
                .unwrap_or((0, String::new(), None));
        let elsewhere = booked.get(&(closed.id, aff, key.clone()));
        let booked_elsewhere = elsewhere.map_or(0, |b| b.1);
        let amount = want - booked_elsewhere;
        if amount != 0 || elsewhere.is_some_and(|b| b.0 != 0) {
            let currency = if cur.is_empty() {
                elsewhere.map_or_else(|| program.currency.clone(), |b| b.3.clone())
            } else {
                cur
            };
            late.push(LateIn {
                affiliate_id: aff,
                origin_first_day: closed.start_day.clone(),
                line_key: key,
                amount_micros: amount,
                currency,
                plan_version_id: pv,
            });
        }
    }
    Ok(late)
}

/// Computes a period and posts the differences from what it already holds. Refuses a closed period.
pub fn compute_period(
    store: &Store,
    program: &Program,
    label: &str,
    stamp: &crate::audit::Stamp,
) -> CommissionResult<ComputeOutcome> {
    // A malformed month is the caller's mistake, said as such, before any transaction starts.
    super::period::month_bounds(label)?;
    store.write_with(Durability::Full, |tx| {
        let o = compute_in(tx, program, label, stamp.at_ms)?;
        let detail = serde_json::json!({"period": label, "entries": o.entries_posted, "late_corrections": o.late_corrections, "result_hash": o.output.hash});
        stamp.record(tx, "period", label, &detail)?;
        Ok(o)
    })
}

pub(crate) fn compute_in(
    tx: &Transaction<'_>,
    program: &Program,
    label: &str,
    now_ms: i64,
) -> CommissionResult<ComputeOutcome> {
    let period = ensure(tx, program.id, label)?;
    if period.is_closed() {
        return Err(CommissionError::Refused(format!("period {label} is closed and is never changed; late events land in the next open period: compute that one")));
    }
    let all = list(tx, program.id)?;
    let closed: Vec<&PeriodRow> = all
        .iter()
        .filter(|p| p.is_closed() && p.start_day < period.start_day)
        .collect();
    let mut late = Vec::new();
    for c in closed.iter().rev().take(LATE_LOOKBACK_PERIODS) {
        late.extend(late_for(tx, program, c, &period)?);
    }
    let mut input = load_input(
        tx,
        program,
        Some(period.id),
        &period.start_day,
        &period.end_day,
    )?;
    if super::period::fill_fx_from_table(tx, &period, &input, now_ms)? {
        input.fx = super::load::load_fx(tx, period.id)?;
    }
    if super::period::fill_fx_daily_from_table(tx, &period, &input, now_ms)? {
        input.fx_daily = super::load::load_fx_daily(tx, period.id)?;
    }
    if let Some(prev) = all.iter().rfind(|p| p.start_day < period.start_day) {
        let mut stmt = tx.prepare("SELECT affiliate_id, SUM(amount_micros) FROM ledger_entries WHERE period_id = ?1 AND line_key = 'carry_out' GROUP BY affiliate_id")?;
        let rows = stmt.query_map([prev.id], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
        })?;
        for row in rows {
            let (aff, sum) = row?;
            if sum != 0 {
                input.carry_in.insert(aff, -sum);
            }
        }
    }
    input.late = late;
    let output = compute(&input);
    let origin_ids: BTreeMap<&str, i64> =
        all.iter().map(|p| (p.start_day.as_str(), p.id)).collect();
    let existing = booked(
        tx,
        "period_id = ?1 AND kind NOT IN ('status', 'reversal', 'clawback')",
        period.id,
        period.id,
    )?;
    let holds: BTreeMap<i64, u32> = input
        .affiliates
        .iter()
        .filter_map(|a| a.plan.as_ref().map(|p| (a.id, p.version.hold_days)))
        .collect();
    let mut seen = std::collections::BTreeSet::new();
    let (mut posted, mut late_posted) = (0u32, 0u32);
    for l in &output.lines {
        let origin = origin_ids
            .get(l.origin_first_day.as_str())
            .copied()
            .unwrap_or(period.id);
        let id: LineId = (origin, l.affiliate_id, l.line_key.clone());
        seen.insert(id.clone());
        let (have, _, last_id, _) = existing
            .get(&id)
            .cloned()
            .unwrap_or((0, 0, 0, String::new()));
        let diff = l.amount_micros - have;
        if diff == 0 {
            continue;
        }
        let first = last_id == 0;
        let kind = match (first, l.kind) {
            (false, _) | (_, LineKind::Adjustment) => EntryKind::Adjustment,
            (true, LineKind::Commission) => EntryKind::Commission,
            (true, LineKind::Carryover) => EntryKind::Carryover,
            (true, LineKind::Waiver) => EntryKind::Waiver,
        };
        // A late reduction of a line already paid (or on its way) is a clawback: booked here, never an edit.
        let clawback = l.kind == LineKind::Adjustment
            && diff < 0
            && crate::payouts::settle::line_paid_out(tx, origin, l.affiliate_id, &l.line_key)?;
        let reason = match (l.kind, first) {
            (LineKind::Adjustment, _) if clawback => "clawback",
            (LineKind::Adjustment, _) => "late_event",
            (_, true) => "computed",
            (_, false) => "recomputed",
        };
        let basis = serde_json::to_string(&Basis {
            exact: &l.exact,
            items: &l.basis,
        })
        .unwrap_or_default();
        let e = NewEntry {
            program_id: program.id,
            period_id: period.id,
            origin_period_id: origin,
            affiliate_id: l.affiliate_id,
            kind,
            status: EntryStatus::Pending,
            line_key: l.line_key.clone(),
            amount_micros: diff,
            currency: l.currency.clone(),
            plan_version_id: l.plan_version_id,
            rule: l.rule.clone(),
            reason: reason.into(),
            corrects_entry_id: if first { None } else { Some(last_id) },
            basis,
            approvable_from_day: add_days(
                &period.end_day,
                holds.get(&l.affiliate_id).copied().unwrap_or(0),
            ),
            created_by: "system".into(),
        };
        post(tx, &e, now_ms)?;
        posted += 1;
        if l.kind == LineKind::Adjustment {
            late_posted += 1;
        }
    }
    // Lines that existed and no longer do are brought back to zero.
    for (id, (have, _, last_id, currency)) in &existing {
        if seen.contains(id) || *have == 0 {
            continue;
        }
        let e = NewEntry {
            program_id: program.id,
            period_id: period.id,
            origin_period_id: id.0,
            affiliate_id: id.1,
            kind: EntryKind::Adjustment,
            status: EntryStatus::Pending,
            line_key: id.2.clone(),
            amount_micros: -have,
            currency: currency.clone(),
            plan_version_id: None,
            rule: "the line no longer applies".into(),
            reason: "recomputed".into(),
            corrects_entry_id: Some(*last_id),
            basis: "{}".into(),
            approvable_from_day: period.end_day.clone(),
            created_by: "system".into(),
        };
        post(tx, &e, now_ms)?;
        posted += 1;
    }
    tx.execute(
        "UPDATE periods SET result_hash = ?1, computed_at_ms = ?2 WHERE id = ?3",
        params![output.hash, now_ms, period.id],
    )?;
    let period = by_id(tx, period.id)?;
    Ok(ComputeOutcome {
        period,
        output,
        entries_posted: posted,
        late_corrections: late_posted,
    })
}
