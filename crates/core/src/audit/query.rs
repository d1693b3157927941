//! Reading the audit log: filtered pages for the screen and the CLI, an export of the whole chain as JSON Lines
//! (one row per line, then a trailer with the head hash) for an auditor, and verification of such an export on
//! its own — an edited line is named by its line number.

use super::{read_row, AuditError, AuditRow, Broken, ChainWalk, VerifyReport, ROW_COLS};
use crate::store::StoreResult;
use rusqlite::{types::Value, Connection};
use serde::{Deserialize, Serialize};
use std::io::{BufRead, Write};
use ts_rs::TS;

/// A page holds at most this many rows.
pub const AUDIT_PAGE_MAX: u32 = 500;
/// An export line longer than this is refused when verifying (no row comes near it).
const EXPORT_LINE_BYTES_MAX: usize = 1 << 20;

/// Which rows to show; every field narrows, none set shows everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AuditFilter {
    /// A person's sign-in name.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// An operation, e.g. `close_period`.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// Text found in the object (kind or id), e.g. `period` or `2026-10`.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    /// First and last day (UTC, `YYYY-MM-DD`, inclusive).
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(default)]
    pub offset: u32,
    /// At most [`AUDIT_PAGE_MAX`]; 0 means the maximum.
    #[serde(default)]
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AuditPage {
    /// Newest first.
    pub rows: Vec<AuditRow>,
    /// Rows matching the filter, all pages.
    pub total: u32,
    /// Every person and operation that appears in the log, for the filter menus.
    pub actors: Vec<String>,
    pub actions: Vec<String>,
}

fn day_bound(day: &str, end: bool, field: &str) -> Result<i64, String> {
    let d = chrono::NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d")
        .map_err(|_| format!("{field}: '{day}' is not a date (YYYY-MM-DD)"))?;
    let d = if end { d.succ_opt().unwrap_or(d) } else { d };
    Ok(d.and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc().timestamp_millis())
        .unwrap_or(0))
}

/// The filter as SQL; errors name the bad field.
fn where_clause(f: &AuditFilter) -> Result<(String, Vec<Value>), String> {
    let mut sql = vec!["1 = 1".to_string()];
    let mut args: Vec<Value> = Vec::new();
    let mut push = |clause: &str, v: Value| {
        args.push(v);
        sql.push(clause.replace('?', &format!("?{}", args.len())));
    };
    if let Some(a) = f.actor.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        push("actor = ?", Value::Text(a.to_lowercase()));
    }
    if let Some(a) = f.action.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        push("action = ?", Value::Text(a.to_string()));
    }
    if let Some(o) = f.object.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        push(
            "(instr(entity, ?) > 0 OR instr(entity_id, ?) > 0)",
            Value::Text(o.to_string()),
        );
    }
    if let Some(d) = f.from.as_deref().filter(|s| !s.trim().is_empty()) {
        push("at_ms >= ?", Value::Integer(day_bound(d, false, "From")?));
    }
    if let Some(d) = f.to.as_deref().filter(|s| !s.trim().is_empty()) {
        push("at_ms < ?", Value::Integer(day_bound(d, true, "To")?));
    }
    Ok((sql.join(" AND "), args))
}

fn distinct(conn: &Connection, col: &str) -> StoreResult<Vec<String>> {
    Ok(conn
        .prepare(&format!("SELECT DISTINCT {col} FROM audit_log ORDER BY 1"))?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?)
}

/// A page of rows, newest first; a bad filter field is an [`AuditError::Invalid`] naming it.
pub fn list(conn: &Connection, f: &AuditFilter) -> Result<AuditPage, AuditError> {
    let (clause, args) = where_clause(f).map_err(AuditError::Invalid)?;
    let limit = if f.limit == 0 {
        AUDIT_PAGE_MAX
    } else {
        f.limit.min(AUDIT_PAGE_MAX)
    };
    let total: i64 = conn.query_row(
        &format!("SELECT COUNT(*) FROM audit_log WHERE {clause}"),
        rusqlite::params_from_iter(args.iter()),
        |r| r.get(0),
    )?;
    let mut all = args.clone();
    all.push(Value::Integer(i64::from(limit)));
    all.push(Value::Integer(i64::from(f.offset)));
    let n = all.len();
    let rows = conn
        .prepare(&format!(
            "SELECT {ROW_COLS} FROM audit_log WHERE {clause} ORDER BY id DESC LIMIT ?{} OFFSET ?{n}",
            n - 1
        ))?
        .query_map(rusqlite::params_from_iter(all.iter()), read_row)?
        .collect::<Result<_, _>>()?;
    Ok(AuditPage {
        rows,
        total: u32::try_from(total).unwrap_or(u32::MAX),
        actors: distinct(conn, "actor")?,
        actions: distinct(conn, "action")?,
    })
}

/// The last line of an export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportTrailer {
    pub head_hash: String,
    pub rows: u32,
    pub workspace: String,
}

/// Writes the whole chain as JSON Lines (oldest first) and a trailer; returns the trailer.
pub fn export(
    conn: &Connection,
    workspace: &str,
    out: &mut dyn Write,
) -> StoreResult<ExportTrailer> {
    let io = |e: std::io::Error| {
        crate::store::StoreError::Invalid(format!("cannot write the export: {e}"))
    };
    let mut stmt = conn.prepare(&format!("SELECT {ROW_COLS} FROM audit_log ORDER BY id"))?;
    let mut rows = stmt.query([])?;
    let mut head = super::GENESIS.to_string();
    let mut n = 0u32;
    while let Some(r) = rows.next()? {
        let row = read_row(r)?;
        let line = serde_json::to_string(&row)
            .map_err(|e| crate::store::StoreError::Invalid(e.to_string()))?;
        writeln!(out, "{line}").map_err(io)?;
        head = row.hash;
        n += 1;
    }
    let trailer = ExportTrailer {
        head_hash: head,
        rows: n,
        workspace: workspace.to_string(),
    };
    let t = serde_json::to_string(&serde_json::json!({ "trailer": trailer }))
        .map_err(|e| crate::store::StoreError::Invalid(e.to_string()))?;
    writeln!(out, "{t}").map_err(io)?;
    out.flush().map_err(io)?;
    Ok(trailer)
}

/// Verifies an exported chain on its own: every link, and that the trailer names the last hash and the row count.
/// A line that does not parse, an edited row, a removed or inserted row, or a trailer that does not match is
/// reported with its line number.
pub fn verify_export(input: &mut dyn BufRead) -> Result<VerifyReport, String> {
    let mut walk = ChainWalk::new();
    let mut line_no = 0i64;
    let mut trailer: Option<(ExportTrailer, i64)> = None;
    let mut buf = String::new();
    loop {
        buf.clear();
        let n = input
            .read_line(&mut buf)
            .map_err(|e| format!("cannot read the export: {e}"))?;
        if n == 0 {
            break;
        }
        line_no += 1;
        if buf.len() > EXPORT_LINE_BYTES_MAX {
            return Ok(walk.finish(
                Some(Broken {
                    row: line_no,
                    reason: "the line is too long to be an audit row".into(),
                }),
                vec![],
            ));
        }
        let text = buf.trim_end();
        if text.is_empty() {
            continue;
        }
        if trailer.is_some() {
            return Ok(walk.finish(
                Some(Broken {
                    row: line_no,
                    reason: "a line follows the trailer".into(),
                }),
                vec![],
            ));
        }
        let v: serde_json::Value = match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) => {
                return Ok(walk.finish(
                    Some(Broken {
                        row: line_no,
                        reason: format!("not a JSON line: {e}"),
                    }),
                    vec![],
                ))
            }
        };
        if let Some(t) = v.get("trailer") {
            match serde_json::from_value::<ExportTrailer>(t.clone()) {
                Ok(t) => trailer = Some((t, line_no)),
                Err(e) => {
                    return Ok(walk.finish(
                        Some(Broken {
                            row: line_no,
                            reason: format!("the trailer is malformed: {e}"),
                        }),
                        vec![],
                    ))
                }
            }
            continue;
        }
        let row: AuditRow = match serde_json::from_value(v) {
            Ok(r) => r,
            Err(e) => {
                return Ok(walk.finish(
                    Some(Broken {
                        row: line_no,
                        reason: format!("not an audit row: {e}"),
                    }),
                    vec![],
                ))
            }
        };
        if let Err(b) = walk.step(&row, line_no) {
            return Ok(walk.finish(Some(b), vec![]));
        }
    }
    let Some((t, at)) = trailer else {
        return Ok(walk.finish(
            Some(Broken {
                row: line_no + 1,
                reason: "the export has no trailer (it was cut short)".into(),
            }),
            vec![],
        ));
    };
    if t.rows != walk.rows || t.head_hash != walk.prev {
        let reason = format!(
            "the trailer says {} rows ending in {}, the lines give {} ending in {}",
            t.rows, t.head_hash, walk.rows, walk.prev
        );
        return Ok(walk.finish(Some(Broken { row: at, reason }), vec![]));
    }
    Ok(walk.finish(None, vec![]))
}
