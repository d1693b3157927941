//! The commission ledger: append-only entries (triggers refuse UPDATE and DELETE). Money is never edited: a
//! change is a new entry that references the entry it changes, with a reason code — a status transition
//! (pending → approved or void, one per entry, enforced by a unique index), a reversal, a clawback, an
//! adjustment. An affiliate's balance is the plain sum of its entries, so replaying the entries gives it back.

pub mod cohorts;
pub mod replay;

use crate::commission::{CommissionError, CommissionResult};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    Commission,
    Adjustment,
    Reversal,
    Clawback,
    Carryover,
    Waiver,
    Status,
}

impl EntryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Commission => "commission",
            EntryKind::Adjustment => "adjustment",
            EntryKind::Reversal => "reversal",
            EntryKind::Clawback => "clawback",
            EntryKind::Carryover => "carryover",
            EntryKind::Waiver => "waiver",
            EntryKind::Status => "status",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Commission,
            Self::Adjustment,
            Self::Reversal,
            Self::Clawback,
            Self::Carryover,
            Self::Waiver,
            Self::Status,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryStatus {
    Pending,
    Approved,
    Void,
}

impl EntryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            EntryStatus::Pending => "pending",
            EntryStatus::Approved => "approved",
            EntryStatus::Void => "void",
        }
    }

    pub fn parse(s: &str) -> Self {
        match s {
            "approved" => EntryStatus::Approved,
            "void" => EntryStatus::Void,
            _ => EntryStatus::Pending,
        }
    }
}

/// An entry to post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry {
    pub program_id: i64,
    pub period_id: i64,
    pub origin_period_id: i64,
    pub affiliate_id: i64,
    pub kind: EntryKind,
    pub status: EntryStatus,
    pub line_key: String,
    pub amount_micros: i64,
    pub currency: String,
    pub plan_version_id: Option<i64>,
    pub rule: String,
    pub reason: String,
    pub corrects_entry_id: Option<i64>,
    pub basis: String,
    pub approvable_from_day: String,
    pub created_by: String,
}

/// A posted entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub id: i64,
    pub period_id: i64,
    pub origin_period_id: i64,
    pub affiliate_id: i64,
    pub kind: EntryKind,
    pub status: EntryStatus,
    pub line_key: String,
    pub amount_micros: i64,
    pub currency: String,
    pub plan_version_id: Option<i64>,
    pub rule: String,
    pub reason: String,
    pub corrects_entry_id: Option<i64>,
    pub basis: String,
    pub approvable_from_day: String,
    pub created_at_ms: i64,
}

pub const ENTRY_COLS: &str = "id, period_id, origin_period_id, affiliate_id, kind, status, line_key, amount_micros, currency, plan_version_id, rule, reason, corrects_entry_id, basis, approvable_from_day, created_at_ms";

pub fn entry_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Entry> {
    let kind: String = r.get(4)?;
    let status: String = r.get(5)?;
    Ok(Entry {
        id: r.get(0)?,
        period_id: r.get(1)?,
        origin_period_id: r.get(2)?,
        affiliate_id: r.get(3)?,
        kind: EntryKind::parse(&kind).unwrap_or(EntryKind::Adjustment),
        status: EntryStatus::parse(&status),
        line_key: r.get(6)?,
        amount_micros: r.get(7)?,
        currency: r.get(8)?,
        plan_version_id: r.get(9)?,
        rule: r.get(10)?,
        reason: r.get(11)?,
        corrects_entry_id: r.get(12)?,
        basis: r.get(13)?,
        approvable_from_day: r.get(14)?,
        created_at_ms: r.get(15)?,
    })
}

pub fn post(tx: &Transaction<'_>, e: &NewEntry, now_ms: i64) -> CommissionResult<i64> {
    tx.execute(
        "INSERT INTO ledger_entries (program_id, period_id, origin_period_id, affiliate_id, kind, status, line_key, amount_micros, currency, plan_version_id, rule, reason, corrects_entry_id, basis, approvable_from_day, created_by, created_at_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
        params![e.program_id, e.period_id, e.origin_period_id, e.affiliate_id, e.kind.as_str(), e.status.as_str(), e.line_key, e.amount_micros, e.currency, e.plan_version_id, e.rule, e.reason, e.corrects_entry_id, e.basis, e.approvable_from_day, e.created_by, now_ms],
    )?;
    let id = tx.last_insert_rowid();
    cohorts::index(
        tx,
        &cohorts::Indexed {
            id,
            program_id: e.program_id,
            affiliate_id: e.affiliate_id,
            line_key: &e.line_key,
            is_status: e.kind == EntryKind::Status,
            currency: &e.currency,
            basis: &e.basis,
        },
    )?;
    Ok(id)
}

pub fn get(conn: &Connection, id: i64) -> CommissionResult<Entry> {
    conn.query_row(
        &format!("SELECT {ENTRY_COLS} FROM ledger_entries WHERE id = ?1"),
        [id],
        entry_row,
    )
    .optional()?
    .ok_or_else(|| CommissionError::NotFound(format!("ledger entry {id} does not exist")))
}

/// The status an entry has now: its own, or the one its (single) status transition set.
pub fn current_status(conn: &Connection, id: i64) -> CommissionResult<EntryStatus> {
    let transitioned: Option<String> = conn
        .query_row(
            "SELECT status FROM ledger_entries WHERE kind = 'status' AND corrects_entry_id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()?;
    match transitioned {
        Some(s) => Ok(EntryStatus::parse(&s)),
        None => Ok(get(conn, id)?.status),
    }
}

fn transition(
    tx: &Transaction<'_>,
    e: &Entry,
    to: EntryStatus,
    reason: &str,
    actor: &str,
    now_ms: i64,
) -> CommissionResult<i64> {
    if e.kind == EntryKind::Status {
        return Err(CommissionError::Refused(format!(
            "entry {} is itself a status change",
            e.id
        )));
    }
    if current_status(tx, e.id)? != EntryStatus::Pending {
        return Err(CommissionError::Refused(format!(
            "entry {} is no longer pending: it was already approved or voided",
            e.id
        )));
    }
    let program_id: i64 = tx.query_row(
        "SELECT program_id FROM ledger_entries WHERE id = ?1",
        [e.id],
        |r| r.get(0),
    )?;
    let new = NewEntry {
        program_id,
        period_id: e.period_id,
        origin_period_id: e.origin_period_id,
        affiliate_id: e.affiliate_id,
        kind: EntryKind::Status,
        status: to,
        line_key: e.line_key.clone(),
        amount_micros: 0,
        currency: e.currency.clone(),
        plan_version_id: e.plan_version_id,
        rule: String::new(),
        reason: reason.to_string(),
        corrects_entry_id: Some(e.id),
        basis: "{}".into(),
        approvable_from_day: e.approvable_from_day.clone(),
        created_by: actor.to_string(),
    };
    post(tx, &new, now_ms).map_err(|err| match err {
        // The unique index on transitions: someone else changed the entry first (two offline approvals).
        CommissionError::Store(crate::store::StoreError::Sqlite(
            rusqlite::Error::SqliteFailure(f, _),
        )) if f.code == rusqlite::ErrorCode::ConstraintViolation => {
            CommissionError::Refused(format!(
                "entry {} was changed concurrently: only the first transition counts",
                e.id
            ))
        }
        other => other,
    })
}

/// Approves a pending entry once its hold period is over (`as_of_day` ≥ its approvable day).
pub fn approve(
    tx: &Transaction<'_>,
    id: i64,
    as_of_day: &str,
    actor: &str,
    now_ms: i64,
) -> CommissionResult<i64> {
    let e = get(tx, id)?;
    if as_of_day < e.approvable_from_day.as_str() {
        return Err(CommissionError::Refused(format!(
            "entry {id} is on hold until {} (hold period)",
            e.approvable_from_day
        )));
    }
    let sid = transition(tx, &e, EntryStatus::Approved, "approve", actor, now_ms)?;
    Ok(sid)
}

/// Voids a pending entry: a status transition plus a reversal of its amount booked in `book_period_id` (an open
/// period). Returns the reversal's id.
pub fn void(
    tx: &Transaction<'_>,
    id: i64,
    book_period_id: i64,
    reason: &str,
    actor: &str,
    now_ms: i64,
) -> CommissionResult<i64> {
    let e = get(tx, id)?;
    transition(tx, &e, EntryStatus::Void, reason, actor, now_ms)?;
    let program_id: i64 = tx.query_row(
        "SELECT program_id FROM ledger_entries WHERE id = ?1",
        [id],
        |r| r.get(0),
    )?;
    let rev = NewEntry {
        program_id,
        period_id: book_period_id,
        origin_period_id: e.origin_period_id,
        affiliate_id: e.affiliate_id,
        kind: EntryKind::Reversal,
        status: EntryStatus::Void,
        line_key: format!("void:{}", e.line_key),
        amount_micros: -e.amount_micros,
        currency: e.currency.clone(),
        plan_version_id: e.plan_version_id,
        rule: format!("voids entry {id}"),
        reason: reason.to_string(),
        corrects_entry_id: Some(id),
        basis: "{}".into(),
        approvable_from_day: e.approvable_from_day.clone(),
        created_by: actor.to_string(),
    };
    let rid = post(tx, &rev, now_ms)?;
    Ok(rid)
}

/// A refund or chargeback after payout: a new negative entry referencing the paid one, booked in an open period;
/// the paid entry is never edited. `amount_micros` is the (positive) amount clawed back, at most the entry's.
pub fn clawback(
    tx: &Transaction<'_>,
    id: i64,
    book_period_id: i64,
    amount_micros: i64,
    reason: &str,
    actor: &str,
    now_ms: i64,
) -> CommissionResult<i64> {
    let e = get(tx, id)?;
    if current_status(tx, id)? == EntryStatus::Void {
        return Err(CommissionError::Refused(format!(
            "entry {id} was voided: there is nothing to claw back"
        )));
    }
    if amount_micros <= 0 || amount_micros > e.amount_micros {
        return Err(CommissionError::BadInput(format!("a clawback of entry {id} must be between 0 and its amount {} micros (got {amount_micros})", e.amount_micros)));
    }
    let program_id: i64 = tx.query_row(
        "SELECT program_id FROM ledger_entries WHERE id = ?1",
        [id],
        |r| r.get(0),
    )?;
    let cb = NewEntry {
        program_id,
        period_id: book_period_id,
        origin_period_id: e.origin_period_id,
        affiliate_id: e.affiliate_id,
        kind: EntryKind::Clawback,
        status: EntryStatus::Pending,
        line_key: format!("clawback:{}", e.line_key),
        amount_micros: -amount_micros,
        currency: e.currency.clone(),
        plan_version_id: e.plan_version_id,
        rule: format!("claws back entry {id}"),
        reason: reason.to_string(),
        corrects_entry_id: Some(id),
        basis: "{}".into(),
        approvable_from_day: e.approvable_from_day.clone(),
        created_by: actor.to_string(),
    };
    let cid = post(tx, &cb, now_ms)?;
    Ok(cid)
}

/// Every entry of an affiliate, in posting order.
pub fn entries_of(conn: &Connection, affiliate_id: i64) -> CommissionResult<Vec<Entry>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {ENTRY_COLS} FROM ledger_entries WHERE affiliate_id = ?1 ORDER BY id"
    ))?;
    let rows = stmt.query_map([affiliate_id], entry_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Balance per (affiliate, currency), as SQL sums it.
pub fn balances(conn: &Connection, program_id: i64) -> CommissionResult<Vec<(i64, String, i64)>> {
    let mut stmt = conn.prepare("SELECT affiliate_id, currency, SUM(amount_micros) FROM ledger_entries WHERE program_id = ?1 GROUP BY affiliate_id, currency ORDER BY affiliate_id, currency")?;
    let rows = stmt.query_map([program_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}
