//! Periods (calendar months in the program's zone), their FX snapshot, computing a period into ledger entries,
//! and closing it.
//!
//! `compute_period` is idempotent: it compares the engine's lines with what the period already holds per
//! (origin period, affiliate, line) and posts only the differences, as new entries. A closed period is never
//! written again: its recomputed lines are compared with what was booked for it, and the difference (late
//! events) lands in the period being computed, as adjustment entries that name the closed period as origin.

use super::engine::{compute, EngineOutput, LateIn, LineKind};
use super::load::{load_input, ProgramInfo};
use super::engine::qualification::add_days;
use super::{CommissionError, CommissionResult};
use crate::ledger::{post, EntryKind, EntryStatus, NewEntry};
use crate::store::{Durability, Store, StoreError};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use std::collections::BTreeMap;

/// How many closed periods back a computation looks for late events.
pub const LATE_LOOKBACK_PERIODS: usize = 12;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodRow {
    pub id: i64,
    pub program_id: i64,
    pub start_day: String,
    pub end_day: String,
    pub status: String,
    pub result_hash: Option<String>,
    pub statement_hash: Option<String>,
    pub closed_at_ms: Option<i64>,
}

impl PeriodRow {
    /// `YYYY-MM`.
    pub fn label(&self) -> String {
        self.start_day.get(..7).unwrap_or(&self.start_day).to_string()
    }

    pub fn is_closed(&self) -> bool {
        self.status == "closed"
    }
}

/// The first and last day of a month label `YYYY-MM`.
pub fn month_bounds(label: &str) -> CommissionResult<(String, String)> {
    let bad = || CommissionError::BadInput(format!("'{label}' is not a month (expected YYYY-MM)"));
    if label.len() != 7 {
        return Err(bad());
    }
    let first = crate::time::parse_day(&format!("{label}-01")).map_err(|_| bad())?;
    let next = first.checked_add_months(chrono::Months::new(1)).ok_or_else(bad)?;
    let last = next.pred_opt().ok_or_else(bad)?;
    Ok((first.format("%Y-%m-%d").to_string(), last.format("%Y-%m-%d").to_string()))
}

const PERIOD_COLS: &str = "id, program_id, start_day, end_day, status, result_hash, statement_hash, closed_at_ms";

fn period_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PeriodRow> {
    Ok(PeriodRow { id: r.get(0)?, program_id: r.get(1)?, start_day: r.get(2)?, end_day: r.get(3)?, status: r.get(4)?, result_hash: r.get(5)?, statement_hash: r.get(6)?, closed_at_ms: r.get(7)? })
}

pub fn find(conn: &Connection, program_id: i64, label: &str) -> CommissionResult<Option<PeriodRow>> {
    let (start, _) = month_bounds(label)?;
    Ok(conn.query_row(&format!("SELECT {PERIOD_COLS} FROM periods WHERE program_id = ?1 AND start_day = ?2"), params![program_id, start], period_row).optional()?)
}

pub fn by_id(conn: &Connection, id: i64) -> CommissionResult<PeriodRow> {
    Ok(conn.query_row(&format!("SELECT {PERIOD_COLS} FROM periods WHERE id = ?1"), [id], period_row)?)
}

pub fn list(conn: &Connection, program_id: i64) -> CommissionResult<Vec<PeriodRow>> {
    let mut stmt = conn.prepare(&format!("SELECT {PERIOD_COLS} FROM periods WHERE program_id = ?1 ORDER BY start_day"))?;
    let rows = stmt.query_map([program_id], period_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The period of a month, created (open) when new.
pub fn ensure(tx: &Transaction<'_>, program_id: i64, label: &str) -> CommissionResult<PeriodRow> {
    let (start, end) = month_bounds(label)?;
    tx.execute("INSERT OR IGNORE INTO periods (program_id, start_day, end_day) VALUES (?1, ?2, ?3)", params![program_id, start, end])?;
    find(tx, program_id, label)?.ok_or_else(|| CommissionError::NotFound(format!("period {label}")))
}

/// Records one rate of a period's FX snapshot (1 `from` = `rate` `to`), with where it came from and its date.
#[allow(clippy::too_many_arguments)]
pub fn record_fx(store: &Store, program_id: i64, label: &str, from: &str, to: &str, rate: &str, source: &str, as_of: &str, now_ms: i64) -> CommissionResult<()> {
    let r: rust_decimal::Decimal = rate.trim().parse().map_err(|_| CommissionError::BadInput(format!("FX rate '{rate}' is not a decimal")))?;
    if r <= rust_decimal::Decimal::ZERO {
        return Err(CommissionError::BadInput(format!("FX rate {from}→{to} must be positive (got {rate})")));
    }
    for c in [from, to] {
        if !super::plan::validate::is_known_currency(c) {
            return Err(CommissionError::BadInput(format!("unknown currency '{c}'")));
        }
    }
    crate::time::parse_day(as_of).map_err(|e| CommissionError::BadInput(e.to_string()))?;
    store.write(|tx| {
        let p = ensure(tx, program_id, label).map_err(to_store)?;
        if p.is_closed() {
            return Err(StoreError::Invalid(format!("period {label} is closed: its FX snapshot is final")));
        }
        tx.execute(
            "INSERT INTO fx_rates (period_id, from_currency, to_currency, rate, source, as_of, recorded_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (period_id, from_currency, to_currency) DO UPDATE SET rate = excluded.rate, source = excluded.source, as_of = excluded.as_of, recorded_at_ms = excluded.recorded_at_ms",
            params![p.id, from, to, r.normalize().to_string(), source, as_of, now_ms],
        )?;
        Ok(())
    })?;
    Ok(())
}

fn to_store(e: CommissionError) -> StoreError {
    match e {
        CommissionError::Store(s) => s,
        other => StoreError::Invalid(other.to_string()),
    }
}

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
fn booked(conn: &Connection, where_sql: &str, id: i64, period_id: i64) -> CommissionResult<BTreeMap<LineId, (i64, i64, i64, String)>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT origin_period_id, affiliate_id, line_key,
                SUM(CASE WHEN period_id = ?2 THEN amount_micros ELSE 0 END),
                SUM(CASE WHEN period_id = ?2 THEN 0 ELSE amount_micros END),
                MAX(CASE WHEN period_id = ?2 THEN id END), MAX(currency)
         FROM ledger_entries WHERE {where_sql} GROUP BY origin_period_id, affiliate_id, line_key"
    ))?;
    let rows = stmt.query_map(params![id, period_id], |r| Ok(((r.get(0)?, r.get(1)?, r.get(2)?), (r.get(3)?, r.get(4)?, r.get::<_, Option<i64>>(5)?.unwrap_or(0), r.get(6)?))))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Late corrections of one closed period, as they stand now.
fn late_for(conn: &Connection, program: &ProgramInfo, closed: &PeriodRow, target: &PeriodRow) -> CommissionResult<Vec<LateIn>> {
    let input = load_input(conn, program, Some(closed.id), &closed.start_day, &closed.end_day)?;
    let out = compute(&input);
    let mut desired: BTreeMap<(i64, String), (i64, String, Option<i64>)> = BTreeMap::new();
    for l in out.lines.iter().filter(|l| l.kind == LineKind::Commission) {
        desired.insert((l.affiliate_id, l.line_key.clone()), (l.amount_micros, l.currency.clone(), l.plan_version_id));
    }
    let booked = booked(conn, "origin_period_id = ?1 AND kind IN ('commission', 'adjustment') AND line_key NOT IN ('carry_in', 'carry_out', 'waiver')", closed.id, target.id)?;
    let mut keys: Vec<(i64, String)> = desired.keys().cloned().collect();
    keys.extend(booked.keys().map(|(_, a, k)| (*a, k.clone())));
    keys.sort();
    keys.dedup();
    let mut late = Vec::new();
    for (aff, key) in keys {
        let (want, cur, pv) = desired.get(&(aff, key.clone())).cloned().unwrap_or((0, String::new(), None));
        let elsewhere = booked.get(&(closed.id, aff, key.clone()));
        let booked_elsewhere = elsewhere.map_or(0, |b| b.1);
        let amount = want - booked_elsewhere;
        if amount != 0 || elsewhere.is_some_and(|b| b.0 != 0) {
            let currency = if cur.is_empty() { elsewhere.map_or_else(|| program.currency.clone(), |b| b.3.clone()) } else { cur };
            late.push(LateIn { affiliate_id: aff, origin_first_day: closed.start_day.clone(), line_key: key, amount_micros: amount, currency, plan_version_id: pv });
        }
    }
    Ok(late)
}

/// Computes a period and posts the differences from what it already holds. Refuses a closed period.
pub fn compute_period(store: &Store, program: &ProgramInfo, label: &str, now_ms: i64) -> CommissionResult<ComputeOutcome> {
    let mut outcome = None;
    store
        .write_with(Durability::Full, |tx| {
            outcome = Some(compute_in(tx, program, label, now_ms).map_err(to_store)?);
            Ok(())
        })
        .map_err(|e| match e {
            StoreError::Invalid(m) if m.starts_with("refused: ") => CommissionError::Refused(m.trim_start_matches("refused: ").to_string()),
            other => CommissionError::Store(other),
        })?;
    outcome.ok_or_else(|| CommissionError::BadInput("nothing computed".into()))
}

fn compute_in(tx: &Transaction<'_>, program: &ProgramInfo, label: &str, now_ms: i64) -> CommissionResult<ComputeOutcome> {
    let period = ensure(tx, program.id, label)?;
    if period.is_closed() {
        return Err(CommissionError::Store(StoreError::Invalid(format!("refused: period {label} is closed and is never changed; late events land in the next open period: compute that one"))));
    }
    let all = list(tx, program.id)?;
    let closed: Vec<&PeriodRow> = all.iter().filter(|p| p.is_closed() && p.start_day < period.start_day).collect();
    let mut late = Vec::new();
    for c in closed.iter().rev().take(LATE_LOOKBACK_PERIODS) {
        late.extend(late_for(tx, program, c, &period)?);
    }
    let mut input = load_input(tx, program, Some(period.id), &period.start_day, &period.end_day)?;
    if let Some(prev) = all.iter().filter(|p| p.start_day < period.start_day).next_back() {
        let mut stmt = tx.prepare("SELECT affiliate_id, SUM(amount_micros) FROM ledger_entries WHERE period_id = ?1 AND line_key = 'carry_out' GROUP BY affiliate_id")?;
        let rows = stmt.query_map([prev.id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?;
        for row in rows {
            let (aff, sum) = row?;
            if sum != 0 {
                input.carry_in.insert(aff, -sum);
            }
        }
    }
    input.late = late;
    let output = compute(&input);
    let origin_ids: BTreeMap<&str, i64> = all.iter().map(|p| (p.start_day.as_str(), p.id)).collect();
    let existing = booked(tx, "period_id = ?1 AND kind NOT IN ('status', 'reversal', 'clawback')", period.id, period.id)?;
    let holds: BTreeMap<i64, u32> = input.affiliates.iter().filter_map(|a| a.plan.as_ref().map(|p| (a.id, p.version.hold_days))).collect();
    let mut seen = std::collections::BTreeSet::new();
    let (mut posted, mut late_posted) = (0u32, 0u32);
    for l in &output.lines {
        let origin = origin_ids.get(l.origin_first_day.as_str()).copied().unwrap_or(period.id);
        let id: LineId = (origin, l.affiliate_id, l.line_key.clone());
        seen.insert(id.clone());
        let (have, _, last_id, _) = existing.get(&id).cloned().unwrap_or((0, 0, 0, String::new()));
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
        let reason = match (l.kind, first) {
            (LineKind::Adjustment, _) => "late_event",
            (_, true) => "computed",
            (_, false) => "recomputed",
        };
        let basis = serde_json::json!({"exact": l.exact, "items": l.basis}).to_string();
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
            approvable_from_day: add_days(&period.end_day, holds.get(&l.affiliate_id).copied().unwrap_or(0)),
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
    tx.execute("UPDATE periods SET result_hash = ?1, computed_at_ms = ?2 WHERE id = ?3", params![output.hash, now_ms, period.id])?;
    if posted > 0 {
        let detail = serde_json::json!({"period": label, "entries": posted, "late_corrections": late_posted, "result_hash": output.hash});
        crate::audit::append(tx, now_ms, "system", "commission.compute", "period", &period.id.to_string(), &detail)?;
    }
    let period = by_id(tx, period.id)?;
    Ok(ComputeOutcome { period, output, entries_posted: posted, late_corrections: late_posted })
}

/// Closes a computed period: persists every affiliate's statement with its hash, records the period's statement
/// hash, and locks it. Later events land in the next period.
pub fn close_period(store: &Store, program: &ProgramInfo, label: &str, actor: &str, now_ms: i64) -> CommissionResult<PeriodRow> {
    let mut closed = None;
    store
        .write_with(Durability::Full, |tx| {
            let p = find(tx, program.id, label).map_err(to_store)?.ok_or_else(|| StoreError::Invalid(format!("refused: period {label} does not exist: compute it first")))?;
            if p.is_closed() {
                return Err(StoreError::Invalid(format!("refused: period {label} is already closed")));
            }
            if p.result_hash.is_none() {
                return Err(StoreError::Invalid(format!("refused: period {label} was never computed: compute it before closing")));
            }
            let mut stmt = tx.prepare("SELECT DISTINCT affiliate_id FROM ledger_entries WHERE period_id = ?1 ORDER BY affiliate_id")?;
            let affs: Vec<i64> = stmt.query_map([p.id], |r| r.get(0))?.collect::<Result<_, _>>()?;
            let mut hashes = Vec::new();
            for a in affs {
                let s = super::statement::build(tx, program, &p, a).map_err(to_store)?;
                let body = serde_json::to_string(&s).unwrap_or_default();
                tx.execute(
                    "INSERT INTO statements (period_id, affiliate_id, currency, total_micros, payable_micros, body_json, statement_hash, created_at_ms) VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6, ?7)",
                    params![p.id, a, s.currency, s.payable_micros.parse::<i64>().unwrap_or(0), body, s.statement_hash, now_ms],
                )?;
                hashes.push(format!("{}:{}", s.affiliate_id, s.statement_hash));
            }
            hashes.sort();
            let period_hash = super::statement::sha256_hex(hashes.join("\n").as_bytes());
            tx.execute("UPDATE periods SET status = 'closed', closed_at_ms = ?1, closed_by = ?2, statement_hash = ?3 WHERE id = ?4", params![now_ms, actor, period_hash, p.id])?;
            crate::audit::append(tx, now_ms, actor, "period.close", "period", &p.id.to_string(), &serde_json::json!({"period": label, "statement_hash": period_hash}))?;
            closed = Some(by_id(tx, p.id).map_err(to_store)?);
            Ok(())
        })
        .map_err(|e| match e {
            StoreError::Invalid(m) if m.starts_with("refused: ") => CommissionError::Refused(m.trim_start_matches("refused: ").to_string()),
            other => CommissionError::Store(other),
        })?;
    closed.ok_or_else(|| CommissionError::BadInput("nothing closed".into()))
}
