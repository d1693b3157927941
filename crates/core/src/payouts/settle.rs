//! After the bank: a run is marked paid (bank reference, date); a payment that failed or came back is recorded on
//! its item, and its amount goes back to the affiliate's balance as a new ledger entry in the next open period — the
//! paid entries are never edited, and what they paid is never paid again by another run.

use super::lines::{next_month, open_period_from};
use super::runs::{run_row, set_status};
use super::{PayoutError, PayoutResult};
use crate::audit::Stamp;
use crate::ledger::{self, EntryKind, EntryStatus, NewEntry};
use crate::programs::Program;
use rusqlite::{params, OptionalExtension, Transaction};

/// The line key of an amount that came back from the bank.
pub const RETURNED_LINE: &str = "returned_payment";

/// Marks an exported run paid: every payment of it is paid, with the bank's reference and the day.
pub fn mark_paid(
    tx: &Transaction<'_>,
    program: &Program,
    run_id: i64,
    bank_reference: &str,
    paid_on: &str,
    stamp: &Stamp,
) -> PayoutResult<u32> {
    let r = run_row(tx, run_id)?;
    if r.program_id != program.id {
        return Err(PayoutError::NotFound(format!(
            "Payout run: no run {run_id} in {}",
            program.name
        )));
    }
    if r.status != "exported" {
        return Err(PayoutError::Refused(format!(
            "run {run_id} is {}: a run is marked paid after its payment files were made",
            r.status
        )));
    }
    let day = crate::time::parse_day(paid_on.trim())
        .map_err(|e| PayoutError::Invalid(format!("Paid on: {e}")))?;
    if bank_reference.trim().is_empty() {
        return Err(PayoutError::Invalid(
            "Bank reference: the bank's reference of the payment is required".into(),
        ));
    }
    let n = tx.execute(
        "UPDATE payout_items SET outcome = 'paid' WHERE run_id = ?1 AND state = 'pay' AND outcome = 'open'",
        [run_id],
    )?;
    tx.execute(
        "UPDATE payout_runs SET bank_reference = ?2, paid_on = ?3 WHERE id = ?1",
        params![run_id, bank_reference.trim(), day.to_string()],
    )?;
    set_status(
        tx,
        run_id,
        "paid",
        stamp,
        &serde_json::json!({"bank_reference": bank_reference.trim(), "paid_on": day.to_string(), "payments": n}),
    )?;
    Ok(n as u32)
}

/// What the bank said of one payment.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum BankOutcome {
    /// It never left (rejected by the bank).
    #[default]
    Failed,
    /// It was paid and came back (closed account, wrong beneficiary).
    Returned,
}

/// Records a failed or returned payment and books its amount back to the affiliate's balance as a new entry in
/// the next open period after the run's; returns that entry's id.
pub fn bank_return(
    tx: &Transaction<'_>,
    program: &Program,
    run_id: i64,
    affiliate: &str,
    outcome: BankOutcome,
    reason: &str,
    stamp: &Stamp,
) -> PayoutResult<i64> {
    let r = run_row(tx, run_id)?;
    if r.program_id != program.id {
        return Err(PayoutError::NotFound(format!(
            "Payout run: no run {run_id} in {}",
            program.name
        )));
    }
    if r.status != "exported" && r.status != "paid" {
        return Err(PayoutError::Refused(format!(
            "run {run_id} is {}: only a payment that was sent can fail or come back",
            r.status
        )));
    }
    if reason.trim().is_empty() {
        return Err(PayoutError::Invalid(
            "Reason: give the bank's reason".into(),
        ));
    }
    let item: Option<(i64, i64, i64, String, String)> = tx
        .query_row(
            "SELECT i.id, i.affiliate_id, i.source_micros, i.source_currency, i.outcome FROM payout_items i
             JOIN affiliates a ON a.id = i.affiliate_id WHERE i.run_id = ?1 AND a.external_id = ?2 AND i.state = 'pay'",
            params![run_id, affiliate.trim()],
            |x| Ok((x.get(0)?, x.get(1)?, x.get(2)?, x.get(3)?, x.get(4)?)),
        )
        .optional()?;
    let Some((item_id, aff, micros, currency, current)) = item else {
        return Err(PayoutError::NotFound(format!(
            "Bank return: run {run_id} has no payment to affiliate '{}'",
            affiliate.trim()
        )));
    };
    if current == "failed" || current == "returned" {
        return Err(PayoutError::Refused(format!(
            "the payment to {} in run {run_id} is already recorded as {current}",
            affiliate.trim()
        )));
    }
    let word = match outcome {
        BankOutcome::Failed => "failed",
        BankOutcome::Returned => "returned",
    };
    tx.execute(
        "UPDATE payout_items SET outcome = ?2 WHERE id = ?1",
        params![item_id, word],
    )?;
    let book = open_period_from(tx, program.id, &next_month(&r.period)?)?;
    let today = chrono::DateTime::from_timestamp_millis(stamp.at_ms)
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default();
    let entry = ledger::post(
        tx,
        &NewEntry {
            program_id: program.id,
            period_id: book,
            origin_period_id: book,
            affiliate_id: aff,
            kind: EntryKind::Adjustment,
            status: EntryStatus::Pending,
            line_key: RETURNED_LINE.into(),
            amount_micros: micros,
            currency,
            plan_version_id: None,
            rule: format!("payment of run {run_id} {word}: {}", reason.trim()),
            reason: format!("payment {word}: {}", reason.trim()),
            corrects_entry_id: None,
            basis: serde_json::json!({"run": run_id, "item": item_id}).to_string(),
            approvable_from_day: today,
            created_by: stamp.actor.clone(),
        },
        stamp.at_ms,
    )?;
    super::runs::event(
        tx,
        run_id,
        word,
        stamp,
        &serde_json::json!({"affiliate": affiliate.trim(), "reason": reason.trim(), "entry": entry}),
    )?;
    Ok(entry)
}

/// Whether any entry of an affiliate's line (origin period, line key) is in a live payout run — paid or on its
/// way. A later reduction of such a line is a clawback, not a correction of something still unpaid.
pub fn line_paid_out(
    conn: &rusqlite::Connection,
    origin_period_id: i64,
    affiliate_id: i64,
    line_key: &str,
) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM ledger_entries e JOIN payout_item_entries pe ON pe.entry_id = e.id
                        JOIN payout_items i ON i.id = pe.item_id JOIN payout_runs r ON r.id = i.run_id
                        WHERE e.origin_period_id = ?1 AND e.affiliate_id = ?2 AND e.line_key = ?3
                          AND i.state = 'pay' AND r.status <> 'cancelled' AND i.outcome IN ('open', 'paid'))",
        params![origin_period_id, affiliate_id, line_key],
        |r| r.get(0),
    )
}
