//! Finance's decision on statement lines: every pending ledger entry of an affiliate's statement (one line, or
//! all), once past its hold, is approved — or rejected, which voids it and books its reversal as a new entry in an
//! open period. Only approved entries of closed periods are ever paid.

use super::payees::affiliate_id;
use super::types::LinesDecision;
use super::{PayoutError, PayoutResult};
use crate::commission::period;
use crate::ledger::{self, EntryStatus};
use crate::programs::Program;
use rusqlite::{params, Transaction};

/// Months tried when looking for an open period to book a reversal in.
pub const OPEN_PERIOD_LOOKAHEAD_MONTHS: u32 = 24;

/// The first open period at or after `label` (created if needed): where new money entries may be booked.
pub fn open_period_from(tx: &Transaction<'_>, program_id: i64, label: &str) -> PayoutResult<i64> {
    let (first, _) = period::month_bounds(label)?;
    let mut day =
        crate::time::parse_day(&first).map_err(|e| PayoutError::Invalid(e.to_string()))?;
    for _ in 0..OPEN_PERIOD_LOOKAHEAD_MONTHS {
        let p = period::ensure(tx, program_id, &day.format("%Y-%m").to_string())?;
        if !p.is_closed() {
            return Ok(p.id);
        }
        day = day
            .checked_add_months(chrono::Months::new(1))
            .ok_or_else(|| PayoutError::Invalid("no open period ahead".into()))?;
    }
    Err(PayoutError::Refused(format!(
        "no open period within {OPEN_PERIOD_LOOKAHEAD_MONTHS} months after {label}"
    )))
}

/// The next month's label.
pub fn next_month(label: &str) -> PayoutResult<String> {
    let (first, _) = period::month_bounds(label)?;
    let day = crate::time::parse_day(&first).map_err(|e| PayoutError::Invalid(e.to_string()))?;
    Ok(day
        .checked_add_months(chrono::Months::new(1))
        .map(|d| d.format("%Y-%m").to_string())
        .unwrap_or_default())
}

/// What to decide: an affiliate's statement of a period, one line of it or all.
pub struct LinesRequest<'a> {
    pub affiliate: &'a str,
    pub period: &'a str,
    pub line_key: Option<&'a str>,
    pub approve: bool,
    pub reason: &'a str,
    /// Today in the program's zone: entries on hold until a later day are skipped.
    pub as_of_day: &'a str,
}

pub fn decide(
    tx: &Transaction<'_>,
    program: &Program,
    req: &LinesRequest<'_>,
    actor: &str,
    now_ms: i64,
) -> PayoutResult<LinesDecision> {
    let label = req.period.trim();
    let p = period::find(tx, program.id, label)?
        .ok_or_else(|| PayoutError::NotFound(format!("Period: {label} was never computed")))?;
    let (aff, _) = affiliate_id(tx, program.id, req.affiliate)?;
    if !req.approve && req.reason.trim().is_empty() {
        return Err(PayoutError::Invalid(
            "Reason: a rejected line needs a reason (it goes on the statement)".into(),
        ));
    }
    let key = req.line_key.map(str::trim).filter(|k| !k.is_empty());
    let ids: Vec<i64> = tx
        .prepare(
            "SELECT id FROM ledger_entries WHERE program_id = ?1 AND period_id = ?2 AND affiliate_id = ?3
               AND kind <> 'status' AND (?4 IS NULL OR line_key = ?4) ORDER BY id",
        )?
        .query_map(params![program.id, p.id, aff, key], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    if ids.is_empty() {
        return Err(PayoutError::NotFound(format!(
            "Statement: affiliate {} has no {} in {label}",
            req.affiliate.trim(),
            key.map_or("lines".to_string(), |k| format!("line '{k}'"))
        )));
    }
    let book = if req.approve {
        p.id
    } else {
        open_period_from(tx, program.id, label)?
    };
    let (mut changed, mut skipped) = (0u32, Vec::new());
    for id in ids {
        let e = ledger::get(tx, id)?;
        match ledger::current_status(tx, id)? {
            EntryStatus::Pending => {}
            s => {
                skipped.push(format!(
                    "entry {id} ({}) is already {}",
                    e.line_key,
                    s.as_str()
                ));
                continue;
            }
        }
        if req.approve {
            if req.as_of_day < e.approvable_from_day.as_str() {
                skipped.push(format!(
                    "entry {id} ({}) is on hold until {}",
                    e.line_key, e.approvable_from_day
                ));
                continue;
            }
            ledger::approve(tx, id, req.as_of_day, actor, now_ms)?;
        } else {
            ledger::void(tx, id, book, req.reason.trim(), actor, now_ms)?;
        }
        changed += 1;
    }
    Ok(LinesDecision {
        affiliate_id: req.affiliate.trim().to_string(),
        period: label.to_string(),
        entries_changed: changed,
        skipped,
    })
}
