//! Writing a broker's files (symbols, accounts, MT5 deals) and a tracker's conversions file through the same
//! upserts the connectors use, so a broker run from files alone ends with the same rows as one run from its API.
//! What a file can get wrong beyond one row is checked here against the store: a deal id listed twice in one file,
//! an `out` deal dated before the `in` that opened its position, a deal of an unknown account or symbol.

use super::rows::{AccountFileRow, DealFileRow, SymbolFileRow};
use crate::ingest::records::ConversionRecord;
use crate::ingest::upsert::{self, PageContext, Unresolved};
use crate::ingest::upsert_forex;
use crate::store::StoreResult;
use rusqlite::{params, OptionalExtension, Transaction};
use std::collections::HashMap;

/// Why a row was refused once it met the store: the column to blame and a sentence.
pub type Refusal = (Option<String>, String);

fn refused(u: Unresolved, hint: &str) -> Refusal {
    let reason = match hint {
        "" => u.reason,
        h => format!(
            "{}; {h}",
            u.reason.split("; sync").next().unwrap_or(&u.reason)
        ),
    };
    (u.field.map(str::to_string), reason)
}

/// The deal ids of the run so far (id → file row), so one listed twice in the same file is refused instead of the
/// second silently replacing the first. Ids written by a transaction that rolled back are forgotten.
#[derive(Debug, Default)]
pub struct DealTickets {
    seen: HashMap<String, u64>,
    in_flight: Vec<String>,
}

impl DealTickets {
    pub fn begin(&mut self) {
        for t in self.in_flight.drain(..) {
            self.seen.remove(&t);
        }
    }

    pub fn committed(&mut self) {
        self.in_flight.clear();
    }
}

pub fn symbol(
    tx: &Transaction<'_>,
    page: &PageContext<'_>,
    s: &SymbolFileRow,
) -> StoreResult<Option<Refusal>> {
    let rec = crate::ingest::records::SymbolRecord {
        symbol: s.symbol.clone(),
        contract_size: s.contract_size,
    };
    if let Err(u) = upsert_forex::upsert_symbol(tx, page, &rec)? {
        return Ok(Some(refused(u, "")));
    }
    // A group or digits left empty keep what the program has (a file without the column changes nothing).
    tx.prepare_cached(
        "UPDATE symbols SET symbol_group = CASE WHEN ?3 = '' THEN symbol_group ELSE ?3 END,
                            digits = COALESCE(?4, digits)
         WHERE program_id = ?1 AND symbol = ?2",
    )?
    .execute(params![page.program_id, s.symbol, s.group, s.digits])?;
    Ok(None)
}

pub fn account(
    tx: &Transaction<'_>,
    page: &PageContext<'_>,
    raw_id: i64,
    a: &AccountFileRow,
) -> StoreResult<Option<Refusal>> {
    if let Err(u) = upsert_forex::upsert_account(tx, page, raw_id, &a.account)? {
        return Ok(Some(refused(
            u,
            "import the affiliates file (the IBs) first; the account row is kept here",
        )));
    }
    if !a.group.is_empty() {
        tx.prepare_cached(
            "UPDATE forex_accounts SET mt5_group = ?3 WHERE program_id = ?1 AND login = ?2 AND mt5_group <> ?3",
        )?
        .execute(params![page.program_id, a.account.login, a.group])?;
    }
    Ok(None)
}

/// An instant, unambiguous whichever zone the file was read in.
fn utc(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_else(|| ms.to_string())
}

/// A stored deal of the same position on the wrong side of this deal's time. `position_id <> ''` lets SQLite use
/// the partial index `deals_position`: without it every deal of a file scanned the program's deals (quadratic; a
/// 4.6 M-deal file did not finish in 10 minutes).
const OTHER_SIDE_SQL: &str = "SELECT ticket, executed_at_ms FROM deals
     WHERE program_id = ?1 AND position_id = ?2 AND position_id <> '' AND ticket <> ?3
       AND CASE WHEN ?4 THEN entry IN ('OUT', 'OUT_BY') AND executed_at_ms < ?5
                ELSE entry = 'IN' AND executed_at_ms > ?5 END
     ORDER BY executed_at_ms LIMIT 1";

/// The other side of a position already stored, when it contradicts this deal's time: an `out` before its `in`.
fn position_conflict(
    tx: &Transaction<'_>,
    page: &PageContext<'_>,
    d: &crate::ingest::records::DealRecord,
) -> StoreResult<Option<String>> {
    if d.position_id.is_empty() || d.entry.is_empty() || d.entry == "INOUT" {
        return Ok(None);
    }
    let opening = d.entry == "IN";
    let other: Option<(String, i64)> = tx
        .prepare_cached(OTHER_SIDE_SQL)?
        .query_row(
            params![
                page.program_id,
                d.position_id,
                d.ticket,
                opening,
                d.executed_at_ms
            ],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(other.map(|(ticket, at)| {
        let (at, this) = (utc(at), utc(d.executed_at_ms));
        if opening {
            format!(
                "opens position {} at {this}, after deal {ticket} closed it at {at}: an out deal cannot come before its in",
                d.position_id
            )
        } else {
            format!(
                "closes position {} at {this}, before deal {ticket} opened it at {at}: an out deal cannot come before its in",
                d.position_id
            )
        }
    }))
}

pub fn deal(
    tx: &Transaction<'_>,
    page: &PageContext<'_>,
    raw_id: i64,
    tickets: &mut DealTickets,
    row: u64,
    f: &DealFileRow,
) -> StoreResult<Option<Refusal>> {
    let d = &f.deal;
    if let Some(first) = tickets.seen.get(&d.ticket) {
        return Ok(Some((
            Some("deal".into()),
            format!(
                "deal {} is listed twice in this file (first at row {first}); a deal id is unique",
                d.ticket
            ),
        )));
    }
    if let Some(why) = position_conflict(tx, page, d)? {
        return Ok(Some((Some("direction".into()), why)));
    }
    match upsert_forex::upsert_deal(tx, page, raw_id, d)? {
        Err(u) if u.field == Some("login") => {
            return Ok(Some(refused(
                u,
                "import the accounts file first; the deal row is kept here",
            )))
        }
        Err(u) if u.field == Some("symbol") => {
            return Ok(Some(refused(
                u,
                "import the symbols file first; the deal row is kept here",
            )))
        }
        Err(u) => return Ok(Some(refused(u, ""))),
        Ok(_) => {}
    }
    tickets.seen.insert(d.ticket.clone(), row);
    tickets.in_flight.push(d.ticket.clone());
    Ok(None)
}

/// A tracker's conversion from a file: arrival = batch; no currency means the program's.
pub fn conversion(
    tx: &Transaction<'_>,
    page: &PageContext<'_>,
    raw_id: i64,
    program_currency: &str,
    c: &ConversionRecord,
) -> StoreResult<Option<Refusal>> {
    let mut c = c.clone();
    if c.currency.is_empty() {
        c.currency = program_currency.to_string();
    }
    upsert::upsert_conversion(tx, page, raw_id, &c)?;
    Ok(None)
}

#[cfg(test)]
mod tests {
    /// Each deal's position check is an index lookup, not a scan of the program's deals.
    #[test]
    fn the_position_check_uses_the_position_index() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(dir.path()).unwrap();
        let plan: Vec<String> = store
            .read(|c| {
                let mut stmt =
                    c.prepare(&format!("EXPLAIN QUERY PLAN {}", super::OTHER_SIDE_SQL))?;
                let rows = stmt.query_map(rusqlite::params![1, "P1", "T1", true, 0], |r| {
                    r.get::<_, String>(3)
                })?;
                Ok::<_, crate::store::StoreError>(rows.collect::<Result<Vec<_>, _>>()?)
            })
            .unwrap();
        assert!(
            plan.iter().any(|l| l.contains("INDEX deals_position")),
            "{plan:?}"
        );
    }
}
