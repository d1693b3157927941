//! Periods (calendar months in the program's zone), their FX snapshot, and closing them (statements persisted
//! with their hashes, the period locked). Computing is in [`super::compute`].

use super::load::Program;
use super::{CommissionError, CommissionResult};
use crate::audit::Stamp;
use crate::store::{Durability, Store};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

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
        self.start_day
            .get(..7)
            .unwrap_or(&self.start_day)
            .to_string()
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
    let next = first
        .checked_add_months(chrono::Months::new(1))
        .ok_or_else(bad)?;
    let last = next.pred_opt().ok_or_else(bad)?;
    Ok((
        first.format("%Y-%m-%d").to_string(),
        last.format("%Y-%m-%d").to_string(),
    ))
}

const PERIOD_COLS: &str =
    "id, program_id, start_day, end_day, status, result_hash, statement_hash, closed_at_ms";

fn period_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PeriodRow> {
    Ok(PeriodRow {
        id: r.get(0)?,
        program_id: r.get(1)?,
        start_day: r.get(2)?,
        end_day: r.get(3)?,
        status: r.get(4)?,
        result_hash: r.get(5)?,
        statement_hash: r.get(6)?,
        closed_at_ms: r.get(7)?,
    })
}

pub fn find(
    conn: &Connection,
    program_id: i64,
    label: &str,
) -> CommissionResult<Option<PeriodRow>> {
    let (start, _) = month_bounds(label)?;
    Ok(conn
        .query_row(
            &format!("SELECT {PERIOD_COLS} FROM periods WHERE program_id = ?1 AND start_day = ?2"),
            params![program_id, start],
            period_row,
        )
        .optional()?)
}

pub fn by_id(conn: &Connection, id: i64) -> CommissionResult<PeriodRow> {
    Ok(conn.query_row(
        &format!("SELECT {PERIOD_COLS} FROM periods WHERE id = ?1"),
        [id],
        period_row,
    )?)
}

pub fn list(conn: &Connection, program_id: i64) -> CommissionResult<Vec<PeriodRow>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {PERIOD_COLS} FROM periods WHERE program_id = ?1 ORDER BY start_day"
    ))?;
    let rows = stmt.query_map([program_id], period_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The period of a month, created (open) when new.
pub fn ensure(tx: &Transaction<'_>, program_id: i64, label: &str) -> CommissionResult<PeriodRow> {
    let (start, end) = month_bounds(label)?;
    tx.execute(
        "INSERT OR IGNORE INTO periods (program_id, start_day, end_day) VALUES (?1, ?2, ?3)",
        params![program_id, start, end],
    )?;
    find(tx, program_id, label)?.ok_or_else(|| CommissionError::NotFound(format!("period {label}")))
}

/// One rate of a period's FX snapshot: 1 `from` = `rate` `to`, with where it came from and its date.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct FxRateInput {
    /// The period, `YYYY-MM`.
    pub period: String,
    pub from: String,
    pub to: String,
    /// A positive decimal, e.g. `1.0842`.
    pub rate: String,
    /// Where the rate came from, e.g. `ECB reference rate`.
    pub source: String,
    /// The rate's date, `YYYY-MM-DD`.
    pub as_of: String,
}

/// Records one rate of an open period's FX snapshot (a closed period's snapshot is final).
pub fn record_fx(
    store: &Store,
    program_id: i64,
    fx: &FxRateInput,
    stamp: &Stamp,
) -> CommissionResult<()> {
    let (label, rate) = (fx.period.trim(), fx.rate.trim());
    let (from, to) = (fx.from.trim().to_uppercase(), fx.to.trim().to_uppercase());
    let r: rust_decimal::Decimal = rate
        .parse()
        .map_err(|_| CommissionError::BadInput(format!("FX rate '{rate}' is not a decimal")))?;
    if r <= rust_decimal::Decimal::ZERO {
        return Err(CommissionError::BadInput(format!(
            "FX rate {from}→{to} must be positive (got {rate})"
        )));
    }
    for c in [&from, &to] {
        if !super::plan::validate::is_known_currency(c) {
            return Err(CommissionError::BadInput(format!("unknown currency '{c}'")));
        }
    }
    crate::time::parse_day(&fx.as_of).map_err(|e| CommissionError::BadInput(e.to_string()))?;
    month_bounds(label)?;
    store.write(|tx| -> CommissionResult<()> {
        let p = ensure(tx, program_id, label)?;
        if p.is_closed() {
            return Err(CommissionError::Refused(format!(
                "period {label} is closed: its FX snapshot is final"
            )));
        }
        tx.execute(
            "INSERT INTO fx_rates (period_id, from_currency, to_currency, rate, source, as_of, recorded_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (period_id, from_currency, to_currency) DO UPDATE SET rate = excluded.rate, source = excluded.source, as_of = excluded.as_of, recorded_at_ms = excluded.recorded_at_ms",
            params![p.id, from, to, r.normalize().to_string(), fx.source.trim(), fx.as_of.trim(), stamp.at_ms],
        )?;
        let detail = serde_json::json!({"period": label, "from": from, "to": to, "rate": r.normalize().to_string(), "source": fx.source.trim(), "as_of": fx.as_of.trim()});
        stamp.record(tx, "fx_rate", &format!("{label} {from}/{to}"), &detail)?;
        Ok(())
    })
}

/// The mark on the source of a snapshot rate copied from the dated FX table (a rate without it was entered for
/// the period by hand, and wins).
pub const FROM_TABLE: &str = " (FX table)";

/// Fills the open period's FX snapshot from the dated FX table (`fx`) for every pair the period needs — each
/// currency of its players, deposits, activity and trading into each plan currency — that has no rate entered
/// for the period by hand either way. The rate is the one in force on the period's **last day** (`per_period`;
/// with the table's fallback of up to 7 days before it): a month's commission is one conversion, at the rate
/// closest to when it is owed. A rate copied earlier is refreshed (a correction in the table reaches an open
/// period); at close the snapshot freezes (triggers of 0005). Returns whether it changed anything.
pub fn fill_fx_from_table(
    tx: &Transaction<'_>,
    period: &PeriodRow,
    input: &super::engine::EngineInput,
    now_ms: i64,
) -> CommissionResult<bool> {
    let needed = needed_pairs(input);
    if needed.is_empty() {
        return Ok(false);
    }
    let manual = manual_pairs(tx, period.id)?;
    // A copy from the table that a hand-entered rate now covers (either way) goes: the hand-entered one wins.
    let mut changed = false;
    for (f, t) in &manual {
        changed |= tx.execute(
            "DELETE FROM fx_rates WHERE period_id = ?1 AND from_currency = ?2 AND to_currency = ?3 AND source LIKE '%' || ?4",
            params![period.id, f, t, FROM_TABLE],
        )? > 0;
    }
    let table = crate::fx::FxTable::load(tx, &period.end_day, &period.end_day).map_err(fx_error)?;
    for (from, to) in needed {
        if manual.contains(&(from.clone(), to.clone())) {
            continue;
        }
        let Some((f, t, q)) = as_recorded(&table, &period.end_day, &from, &to) else {
            continue; // the engine reports the activity it cannot convert
        };
        changed |= tx.execute(
            "INSERT INTO fx_rates (period_id, from_currency, to_currency, rate, source, as_of, recorded_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (period_id, from_currency, to_currency) DO UPDATE SET rate = excluded.rate, source = excluded.source, as_of = excluded.as_of, recorded_at_ms = excluded.recorded_at_ms
             WHERE fx_rates.source LIKE '%' || ?8 AND (fx_rates.rate <> excluded.rate OR fx_rates.as_of <> excluded.as_of OR fx_rates.source <> excluded.source)",
            params![period.id, f, t, q.rate.to_string(), format!("{}{FROM_TABLE}", q.source), q.day, now_ms, FROM_TABLE],
        )? > 0;
    }
    Ok(changed)
}

/// Fills the open period's per-day FX snapshot (`period_fx_daily`) from the dated FX table when a plan version in
/// force converts per day (`"fx": "per_day"`): for every day of the period and every pair the period needs, the
/// rate in force that day (the table's fallback: up to 7 days before). Pairs with a rate entered for the period
/// by hand are left out (the hand-entered rate wins, every day), as are days the table has no rate for (the
/// engine then takes the period's). A rate copied earlier is refreshed; at close the snapshot freezes (triggers
/// of 0027). Returns whether it changed anything.
pub fn fill_fx_daily_from_table(
    tx: &Transaction<'_>,
    period: &PeriodRow,
    input: &super::engine::EngineInput,
    now_ms: i64,
) -> CommissionResult<bool> {
    let per_day = input
        .affiliates
        .iter()
        .filter_map(|a| a.plan.as_ref())
        .any(|p| p.version.fx == super::plan::FxMode::PerDay);
    let needed = if per_day {
        needed_pairs(input)
    } else {
        Vec::new()
    };
    let manual = manual_pairs(tx, period.id)?;
    let keep: Vec<&(String, String)> = needed.iter().filter(|p| !manual.contains(p)).collect();
    let mut changed = false;
    // What no plan needs any more (no per-day plan, a pair now entered by hand) leaves the open snapshot.
    let mut stmt = tx.prepare(
        "SELECT DISTINCT from_currency, to_currency FROM period_fx_daily WHERE period_id = ?1",
    )?;
    let present: Vec<(String, String)> = stmt
        .query_map([period.id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for (f, t) in present {
        let wanted = keep
            .iter()
            .any(|(a, b)| (a == &f && b == &t) || (a == &t && b == &f));
        if !wanted {
            changed |= tx.execute(
                "DELETE FROM period_fx_daily WHERE period_id = ?1 AND from_currency = ?2 AND to_currency = ?3",
                params![period.id, f, t],
            )? > 0;
        }
    }
    if keep.is_empty() {
        return Ok(changed);
    }
    let table =
        crate::fx::FxTable::load(tx, &period.start_day, &period.end_day).map_err(fx_error)?;
    let first = crate::time::parse_day(&period.start_day)
        .map_err(|e| CommissionError::BadInput(e.to_string()))?;
    let last = crate::time::parse_day(&period.end_day)
        .map_err(|e| CommissionError::BadInput(e.to_string()))?;
    let mut upsert = tx.prepare(
        "INSERT INTO period_fx_daily (period_id, day, from_currency, to_currency, rate, source, as_of, recorded_at_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (period_id, day, from_currency, to_currency) DO UPDATE SET rate = excluded.rate,
             source = excluded.source, as_of = excluded.as_of, recorded_at_ms = excluded.recorded_at_ms
         WHERE period_fx_daily.rate <> excluded.rate OR period_fx_daily.as_of <> excluded.as_of
            OR period_fx_daily.source <> excluded.source",
    )?;
    for day in first.iter_days().take_while(|d| *d <= last) {
        let day = day.to_string();
        for (from, to) in &keep {
            let Some((f, t, q)) = as_recorded(&table, &day, from, to) else {
                continue;
            };
            changed |= upsert.execute(params![
                period.id,
                day,
                f,
                t,
                q.rate.to_string(),
                q.source,
                q.day,
                now_ms
            ])? > 0;
        }
    }
    Ok(changed)
}

/// Every (currency, plan currency) pair the period's players, deposits, activity and trading need converted.
fn needed_pairs(input: &super::engine::EngineInput) -> Vec<(String, String)> {
    use std::collections::BTreeSet;
    let plan_currencies: BTreeSet<&str> = input
        .affiliates
        .iter()
        .filter_map(|a| a.plan.as_ref().map(|p| p.currency.as_str()))
        .collect();
    let mut used: BTreeSet<&str> = BTreeSet::new();
    used.extend(input.players.iter().map(|p| p.currency.as_str()));
    used.extend(input.deposits.iter().map(|d| d.currency.as_str()));
    used.extend(input.activity.iter().map(|a| a.currency.as_str()));
    used.extend(input.trading.iter().map(|t| t.currency.as_str()));
    used.iter()
        .flat_map(|c| plan_currencies.iter().map(move |p| (*c, *p)))
        .filter(|(c, p)| c != p && c.len() == 3)
        .map(|(c, p)| (c.to_string(), p.to_string()))
        .collect()
}

/// The pairs (both ways) with a rate entered for the period by hand.
fn manual_pairs(
    tx: &Transaction<'_>,
    period_id: i64,
) -> CommissionResult<std::collections::BTreeSet<(String, String)>> {
    let mut stmt =
        tx.prepare("SELECT from_currency, to_currency, source FROM fx_rates WHERE period_id = ?1")?;
    let snapshot: Vec<(String, String, String)> = stmt
        .query_map([period_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    Ok(snapshot
        .into_iter()
        .filter(|(_, _, s)| !s.ends_with(FROM_TABLE))
        .flat_map(|(f, t, _)| [(f.clone(), t.clone()), (t, f)])
        .collect())
}

/// The table's rate for `from → to` on `day`, as recorded: a rate recorded the other way round is returned that
/// way (exact; the engine divides by it), so a snapshot holds what the table holds, not a rounded inverse.
fn as_recorded(
    table: &crate::fx::FxTable,
    day: &str,
    from: &str,
    to: &str,
) -> Option<(String, String, crate::fx::Quote)> {
    let q = table.rate_on(day, from, to).ok()?;
    Some(match q.via {
        crate::fx::Via::Inverse => match table.rate_on(day, to, from) {
            Ok(r) => (to.to_string(), from.to_string(), r),
            Err(_) => (from.to_string(), to.to_string(), q),
        },
        _ => (from.to_string(), to.to_string(), q),
    })
}

fn fx_error(e: crate::fx::FxError) -> CommissionError {
    match e {
        crate::fx::FxError::Store(s) => CommissionError::Store(s),
        other => CommissionError::BadInput(other.to_string()),
    }
}

/// Closes a computed period: persists every affiliate's statement with its hash, records the period's statement
/// hash, and locks it. Later events land in the next period.
pub fn close_period(
    store: &Store,
    program: &Program,
    label: &str,
    stamp: &Stamp,
) -> CommissionResult<PeriodRow> {
    store.write_with(Durability::Full, |tx| -> CommissionResult<PeriodRow> {
        let refuse = |m: String| Err(CommissionError::Refused(m));
        let Some(p) = find(tx, program.id, label)? else {
            return refuse(format!("period {label} does not exist: compute it first"));
        };
        if p.is_closed() {
            return refuse(format!("period {label} is already closed"));
        }
        if p.result_hash.is_none() {
            return refuse(format!(
                "period {label} was never computed: compute it before closing"
            ));
        }
        let mut stmt = tx.prepare("SELECT DISTINCT affiliate_id FROM ledger_entries WHERE period_id = ?1 ORDER BY affiliate_id")?;
        let affs: Vec<i64> = stmt.query_map([p.id], |r| r.get(0))?.collect::<Result<_, _>>()?;
        let mut hashes = Vec::new();
        for a in affs {
            let s = super::statement::build(tx, program, &p, a)?;
            let body = serde_json::to_string(&s).unwrap_or_default();
            tx.execute(
                "INSERT INTO statements (period_id, affiliate_id, currency, total_micros, payable_micros, body_json, statement_hash, created_at_ms) VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6, ?7)",
                params![p.id, a, s.currency, s.payable_micros.parse::<i64>().unwrap_or(0), body, s.statement_hash, stamp.at_ms],
            )?;
            hashes.push(format!("{}:{}", s.affiliate_id, s.statement_hash));
        }
        hashes.sort();
        let period_hash = super::statement::sha256_hex(hashes.join("\n").as_bytes());
        tx.execute(
            "UPDATE periods SET status = 'closed', closed_at_ms = ?1, closed_by = ?2, statement_hash = ?3 WHERE id = ?4",
            params![stamp.at_ms, stamp.actor, period_hash, p.id],
        )?;
        let detail = serde_json::json!({"period": label, "statement_hash": period_hash, "statements": hashes.len()});
        stamp.record(tx, "period", label, &detail)?;
        by_id(tx, p.id)
    })
}
