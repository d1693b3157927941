//! Writing a run: the run row, its flags (insert-or-ignore on `(program, rule, subject_key)`, so a re-run over
//! the same data adds nothing) and the records each flag names.

use std::collections::BTreeMap;

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::{Finding, RuleFailure, RuleOutcome, RunReport};
use crate::store::StoreResult;

/// Event tables a run watches, with the column holding each row's event time.
const WATCHED: [(&str, &str); 5] = [
    ("clicks", "clicked_at_ms"),
    ("players", "registered_at_ms"),
    ("money_movements", "occurred_at_ms"),
    ("deals", "executed_at_ms"),
    // Activity rows carry a day: its midnight UTC stands for the event time.
    (
        "player_activity_daily",
        "CAST((julianday(day) - 2440587.5) * 86400000 AS INTEGER)",
    ),
];

/// The highest row id of each watched table now.
pub(super) fn watermarks(conn: &Connection) -> StoreResult<BTreeMap<String, i64>> {
    let mut out = BTreeMap::new();
    for (table, _) in WATCHED {
        let max: Option<i64> =
            conn.query_row(&format!("SELECT MAX(rowid) FROM {table}"), [], |r| r.get(0))?;
        out.insert(table.to_string(), max.unwrap_or(0));
    }
    Ok(out)
}

/// Where an incremental run starts: the previous run's "now", pulled back to the earliest event among the rows
/// inserted since that run (late data); all history on the first run.
pub(super) fn incremental_since(conn: &Connection, program_id: i64) -> StoreResult<i64> {
    let last: Option<(i64, String)> = conn
        .query_row(
            "SELECT now_ms, watermarks_json FROM detection_runs WHERE program_id = ?1 ORDER BY id DESC LIMIT 1",
            [program_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((last_now, json)) = last else {
        return Ok(0);
    };
    let seen: BTreeMap<String, i64> = serde_json::from_str(&json).unwrap_or_default();
    let mut since = last_now;
    for (table, at) in WATCHED {
        let wm = seen.get(table).copied().unwrap_or(0);
        let earliest: Option<i64> = conn.query_row(
            &format!("SELECT MIN({at}) FROM {table} WHERE rowid > ?1"),
            [wm],
            |r| r.get(0),
        )?;
        if let Some(e) = earliest {
            since = since.min(e);
        }
    }
    Ok(since)
}

pub struct StoredRun {
    pub program_id: i64,
    pub since_ms: i64,
    pub now_ms: i64,
    /// (rule, pattern) in run order.
    pub rules: Vec<(&'static str, &'static str)>,
    /// (rule, settings version) in run order.
    pub versions: Vec<(&'static str, i64)>,
    /// Row ids read at the start of the run (see [`watermarks`]).
    pub watermarks: BTreeMap<String, i64>,
}

type Results = [(String, Result<Vec<Finding>, RuleFailure>)];

impl StoredRun {
    pub(super) fn save(&self, tx: &Transaction<'_>, results: &Results) -> StoreResult<RunReport> {
        tx.execute(
            "INSERT INTO detection_runs (program_id, since_ms, now_ms, watermarks_json) VALUES (?1, ?2, ?3, ?4)",
            params![
                self.program_id,
                self.since_ms,
                self.now_ms,
                serde_json::to_string(&self.watermarks).unwrap_or_else(|_| "{}".into())
            ],
        )?;
        let run_id = tx.last_insert_rowid();
        let mut outcomes = Vec::new();
        let mut total = 0u32;
        for (rule, result) in results {
            let pattern = self
                .rules
                .iter()
                .find(|(r, _)| r == rule)
                .map_or("", |(_, p)| *p);
            let version = self
                .versions
                .iter()
                .find(|(r, _)| r == rule)
                .map_or(0, |(_, v)| *v);
            let mut outcome = RuleOutcome {
                rule: rule.clone(),
                findings: 0,
                flags_created: 0,
                failure: None,
            };
            match result {
                Ok(findings) => {
                    outcome.findings = findings.len() as u32;
                    for f in findings {
                        if insert_flag(
                            tx,
                            self.program_id,
                            rule,
                            pattern,
                            version,
                            run_id,
                            self.now_ms,
                            f,
                        )? {
                            outcome.flags_created += 1;
                        }
                    }
                }
                Err(failure) => outcome.failure = Some(failure.clone()),
            }
            total += outcome.flags_created;
            outcomes.push(outcome);
        }
        let report_json = serde_json::to_string(&outcomes).unwrap_or_else(|_| "[]".into());
        tx.execute(
            "UPDATE detection_runs SET flags_created = ?2, report_json = ?3 WHERE id = ?1",
            params![run_id, total, report_json],
        )?;
        Ok(RunReport {
            run_id,
            program_id: self.program_id,
            since_ms: self.since_ms,
            now_ms: self.now_ms,
            flags_created: total,
            rules: outcomes,
        })
    }
}

#[allow(clippy::too_many_arguments)]
fn insert_flag(
    tx: &Transaction<'_>,
    program_id: i64,
    rule: &str,
    pattern: &str,
    version: i64,
    run_id: i64,
    now_ms: i64,
    f: &Finding,
) -> StoreResult<bool> {
    let evidence = serde_json::to_string(&f.evidence).unwrap_or_else(|_| "{}".into());
    let n = tx.execute(
        "INSERT INTO flags (program_id, affiliate_id, rule, pattern, subject_key, severity, score, summary,
             evidence_json, settings_version, run_id, created_at_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
         ON CONFLICT (program_id, rule, subject_key) DO NOTHING",
        params![
            program_id,
            f.affiliate_id,
            rule,
            pattern,
            f.subject_key,
            f.severity().as_str(),
            i64::from(f.score.min(100)),
            f.summary,
            evidence,
            version,
            run_id,
            now_ms
        ],
    )?;
    if n == 0 {
        return Ok(false);
    }
    let flag_id = tx.last_insert_rowid();
    let mut stmt = tx.prepare_cached(
        "INSERT OR IGNORE INTO flag_items (flag_id, kind, ref) VALUES (?1, ?2, ?3)",
    )?;
    for (kind, r) in &f.items {
        stmt.execute(params![flag_id, kind.as_str(), r])?;
    }
    Ok(true)
}
