//! Runs and their quarantined rows: listing, paging, filtering, and a CSV export that is safe to open in a
//! spreadsheet (a cell that starts like a formula is prefixed with `'`, so `=HYPERLINK(...)` from a hostile file
//! stays text).

use super::ImportError;
use crate::import::types::{ImportPreset, ImportRunSummary, QuarantinePage, QuarantineRow};
use crate::store::{Store, StoreError};
use rusqlite::{params, Connection, OptionalExtension};
use std::io::Write;

/// Largest page of quarantined rows served at once.
pub const QUARANTINE_PAGE_MAX: u32 = 1000;
/// Runs listed at most.
const RUNS_LIST_MAX: i64 = 500;

const RUN_COLUMNS: &str =
    "r.id, s.name, r.file_name, r.file_size, r.sha256, r.preset, r.started_at_ms, r.finished_at_ms,
     r.status, r.rows_ok, r.rows_quarantined, r.checkpoint_offset, r.message, r.ignored_json";

fn summary_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ImportRunSummary> {
    let preset: String = r.get(5)?;
    Ok(ImportRunSummary {
        id: r.get(0)?,
        source: r.get(1)?,
        file_name: r.get(2)?,
        file_size: r.get(3)?,
        sha256: r.get(4)?,
        preset: ImportPreset::parse(&preset).unwrap_or(ImportPreset::Clicks),
        started_at_ms: r.get(6)?,
        finished_at_ms: r.get(7)?,
        status: r.get(8)?,
        rows_ok: r.get(9)?,
        rows_quarantined: r.get(10)?,
        checkpoint_offset: r.get(11)?,
        message: r.get(12)?,
        already_imported: false,
        missing_signals: Vec::new(),
        ignored_signals: super::clean::IgnoredCounts::from_json(&r.get::<_, String>(13)?).signals(),
    })
}

pub fn run_summary(store: &Store, run_id: i64) -> Result<ImportRunSummary, ImportError> {
    store
        .read::<_, crate::store::StoreError>(|c| {
            Ok(c.query_row(
                &format!("SELECT {RUN_COLUMNS} FROM import_runs r JOIN sources s ON s.id = r.source_id WHERE r.id = ?1"),
                [run_id],
                summary_row,
            )
            .optional()?)
        })?
        .ok_or_else(|| ImportError::Store(StoreError::Invalid(format!("no import run {run_id}"))))
}

/// The most recent runs first.
pub fn list_runs(store: &Store) -> Result<Vec<ImportRunSummary>, ImportError> {
    Ok(store.read::<_, crate::store::StoreError>(|c| {
        let mut stmt = c.prepare(&format!(
            "SELECT {RUN_COLUMNS} FROM import_runs r JOIN sources s ON s.id = r.source_id ORDER BY r.id DESC LIMIT ?1"
        ))?;
        let rows = stmt.query_map([RUNS_LIST_MAX], summary_row)?.collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    })?)
}

/// Filters for browsing: a field (exact) and words of the reason (substring, case-insensitive).
#[derive(Debug, Clone, Default)]
pub struct QuarantineFilter {
    pub field: Option<String>,
    pub reason_contains: Option<String>,
}

const FILTER_SQL: &str = "FROM import_quarantine iq JOIN quarantine q ON q.id = iq.quarantine_id
     WHERE iq.run_id = ?1 AND (?2 IS NULL OR q.field = ?2) AND (?3 IS NULL OR instr(lower(q.reason), lower(?3)) > 0)";

fn query_rows(
    c: &Connection,
    run_id: i64,
    f: &QuarantineFilter,
    offset: i64,
    limit: i64,
) -> rusqlite::Result<Vec<QuarantineRow>> {
    let mut stmt = c.prepare(&format!(
        "SELECT q.id, q.locator, iq.row_number, q.field, q.reason, q.payload {FILTER_SQL} ORDER BY iq.row_number LIMIT ?4 OFFSET ?5"
    ))?;
    let rows = stmt.query_map(
        params![run_id, f.field, f.reason_contains, limit, offset],
        |r| {
            let payload: Vec<u8> = r.get(5)?;
            Ok(QuarantineRow {
                id: r.get(0)?,
                locator: r.get(1)?,
                row: r.get(2)?,
                field: r.get(3)?,
                reason: r.get(4)?,
                raw: String::from_utf8_lossy(&payload)
                    .trim_end_matches(['\r', '\n'])
                    .to_string(),
            })
        },
    )?;
    rows.collect()
}

/// One page of a run's quarantined rows, in file order.
pub fn list_quarantine(
    store: &Store,
    run_id: i64,
    filter: &QuarantineFilter,
    offset: u32,
    limit: u32,
) -> Result<QuarantinePage, ImportError> {
    let limit = limit.clamp(1, QUARANTINE_PAGE_MAX);
    Ok(store.read::<_, crate::store::StoreError>(|c| {
        let total: i64 = c.query_row(
            &format!("SELECT COUNT(*) {FILTER_SQL}"),
            params![run_id, filter.field, filter.reason_contains],
            |r| r.get(0),
        )?;
        let rows = query_rows(c, run_id, filter, i64::from(offset), i64::from(limit))?;
        Ok(QuarantinePage {
            run_id,
            total,
            offset,
            rows,
        })
    })?)
}

/// A cell as a spreadsheet will read it safely: formula starters are neutralised with a leading `'`.
pub fn spreadsheet_safe(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// Writes every quarantined row of a run as CSV: row, field, reason, raw. Returns the number of rows written.
pub fn export_quarantine_csv(
    store: &Store,
    run_id: i64,
    filter: &QuarantineFilter,
    out: impl Write,
) -> Result<u64, ImportError> {
    let mut w = csv::Writer::from_writer(out);
    let io = |e: csv::Error| ImportError::Io(std::io::Error::other(e));
    w.write_record(["row", "field", "reason", "raw"])
        .map_err(io)?;
    let mut offset = 0i64;
    let mut n = 0u64;
    loop {
        let page = store.read::<_, crate::store::StoreError>(|c| {
            Ok(query_rows(
                c,
                run_id,
                filter,
                offset,
                i64::from(QUARANTINE_PAGE_MAX),
            )?)
        })?;
        if page.is_empty() {
            break;
        }
        for r in &page {
            let field = r.field.clone().unwrap_or_default();
            w.write_record([
                r.row.to_string(),
                spreadsheet_safe(&field),
                spreadsheet_safe(&r.reason),
                spreadsheet_safe(&r.raw),
            ])
            .map_err(io)?;
            n += 1;
        }
        offset += page.len() as i64;
    }
    w.flush().map_err(ImportError::Io)?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::spreadsheet_safe;

    #[test]
    fn formula_starters_are_neutralised() {
        for (cell, want) in [
            ("=1+1", "'=1+1"),
            ("+31", "'+31"),
            ("-2", "'-2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("ok", "ok"),
            ("", ""),
        ] {
            assert_eq!(spreadsheet_safe(cell), want);
        }
    }
}
