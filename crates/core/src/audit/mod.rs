//! The audit log: append-only (triggers refuse UPDATE and DELETE) and hash-chained, so that editing any row in
//! the file is detected and verification names the first row that no longer fits.
//!
//! Every state-changing operation of the front door writes exactly one entry, in its own transaction, through a
//! [`Stamp`]: who (the signed-in person), which operation, on which program and object, when, and the SHA-256 of
//! the request. Entries that change people also record each changed person's resulting state (roles, active,
//! digests of their passphrase hash and key), so that [`verify`] can also tell when the users table was edited
//! behind the application's back. [`query`] lists, exports and verifies exported chains.

pub mod query;

use crate::store::StoreResult;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use ts_rs::TS;

#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// A filter field is wrong; the message names it.
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl From<rusqlite::Error> for AuditError {
    fn from(e: rusqlite::Error) -> Self {
        AuditError::Store(e.into())
    }
}

/// The hash of the chain before its first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One row of the chain, as stored and as exported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AuditRow {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub at_ms: i64,
    /// The person's id (none for entries written before people signed in).
    #[ts(type = "number | null")]
    pub user_id: Option<i64>,
    /// The person's sign-in name (or what older entries recorded: `system`, `cli`, `desktop`).
    pub actor: String,
    /// The operation, e.g. `close_period`.
    pub action: String,
    /// The program's name, when the operation acts on one.
    pub program: String,
    /// What was acted on: a kind (`period`, `flag`, `person`…) and its id.
    pub entity: String,
    pub entity_id: String,
    /// SHA-256 (hex) of the request as the front door received it.
    pub request_sha256: String,
    /// JSON: what the operation did.
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
    /// 1: written before people (no person, program or request digest in the hash); 2: all of them hashed.
    pub format: u8,
}

/// Who did what, ready to be written once the operation has done its work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    pub at_ms: i64,
    pub user_id: Option<i64>,
    pub actor: String,
    pub action: &'static str,
    pub program: String,
    pub request_sha256: String,
}

fn hash_parts(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for part in parts {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// The hash a row must carry, given the previous row's hash.
pub fn row_hash(prev: &str, r: &AuditRow) -> String {
    let at = r.at_ms.to_string();
    match r.format {
        1 => hash_parts(&[
            prev,
            &at,
            &r.actor,
            &r.action,
            &r.entity,
            &r.entity_id,
            &r.detail,
        ]),
        _ => {
            let user = r.user_id.map(|u| u.to_string()).unwrap_or_default();
            hash_parts(&[
                "affops-audit-v2",
                prev,
                &at,
                &user,
                &r.actor,
                &r.action,
                &r.program,
                &r.entity,
                &r.entity_id,
                &r.request_sha256,
                &r.detail,
            ])
        }
    }
}

fn head(tx: &Connection) -> StoreResult<String> {
    Ok(tx
        .query_row(
            "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or_else(|| GENESIS.to_string()))
}

impl Stamp {
    /// A stamp for a tool that writes a workspace of its own outside the front door (a benchmark, the evaluation,
    /// a test fixture): the tool's name stands where a person's would.
    pub fn tool(tool: &str, action: &'static str, at_ms: i64) -> Stamp {
        Stamp {
            at_ms,
            user_id: None,
            actor: tool.to_string(),
            action,
            program: String::new(),
            request_sha256: String::new(),
        }
    }

    /// Appends the operation's entry inside the caller's transaction; returns its id.
    pub fn record(
        &self,
        tx: &Transaction<'_>,
        entity: &str,
        entity_id: &str,
        detail: &serde_json::Value,
    ) -> StoreResult<i64> {
        let prev = head(tx)?;
        let mut row = AuditRow {
            id: 0,
            at_ms: self.at_ms,
            user_id: self.user_id,
            actor: self.actor.clone(),
            action: self.action.to_string(),
            program: self.program.clone(),
            entity: entity.to_string(),
            entity_id: entity_id.to_string(),
            request_sha256: self.request_sha256.clone(),
            detail: detail.to_string(),
            prev_hash: prev,
            hash: String::new(),
            format: 2,
        };
        row.hash = row_hash(&row.prev_hash, &row);
        tx.execute(
            "INSERT INTO audit_log (at_ms, user_id, actor, action, program, entity, entity_id, request_sha256, detail, prev_hash, hash, format)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 2)",
            params![row.at_ms, row.user_id, row.actor, row.action, row.program, row.entity, row.entity_id, row.request_sha256, row.detail, row.prev_hash, row.hash],
        )?;
        Ok(tx.last_insert_rowid())
    }
}

/// Where a chain stopped verifying.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Broken {
    /// The first row that does not fit (its id in the store, or its line number in an export).
    #[ts(type = "number")]
    pub row: i64,
    pub reason: String,
}

/// The outcome of verifying a chain (and, for the store, its people against what the chain recorded).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct VerifyReport {
    pub rows: u32,
    /// The last row's hash: what an auditor writes down to pin the chain.
    pub head_hash: String,
    pub broken: Option<Broken>,
    /// People whose row in the store differs from the last state the chain recorded for them.
    pub people_mismatches: Vec<String>,
    pub ok: bool,
}

/// Walks rows in order, checking each link; `Err` names the first row that does not fit.
pub(crate) struct ChainWalk {
    prev: String,
    rows: u32,
    /// The last state the chain recorded of each person, by id, with the row that recorded it.
    people: BTreeMap<i64, (serde_json::Value, i64)>,
}

impl ChainWalk {
    pub(crate) fn new() -> Self {
        Self {
            prev: GENESIS.to_string(),
            rows: 0,
            people: BTreeMap::new(),
        }
    }

    pub(crate) fn step(&mut self, r: &AuditRow, position: i64) -> Result<(), Broken> {
        let broken = |reason: String| Broken {
            row: position,
            reason,
        };
        if r.prev_hash != self.prev {
            return Err(broken(
                "its previous-hash does not match the row before it (a row was removed, inserted or edited before it)".into(),
            ));
        }
        if r.hash != row_hash(&self.prev, r) {
            return Err(broken(
                "its content does not match its hash (the row was edited)".into(),
            ));
        }
        if r.format >= 2 {
            if let Ok(detail) = serde_json::from_str::<serde_json::Value>(&r.detail) {
                for p in detail
                    .get("people")
                    .and_then(|v| v.as_array())
                    .into_iter()
                    .flatten()
                {
                    if let Some(id) = p.get("id").and_then(serde_json::Value::as_i64) {
                        self.people.insert(id, (p.clone(), r.id));
                    }
                }
            }
        }
        self.prev = r.hash.clone();
        self.rows += 1;
        Ok(())
    }

    pub(crate) fn finish(
        self,
        broken: Option<Broken>,
        people_mismatches: Vec<String>,
    ) -> VerifyReport {
        VerifyReport {
            ok: broken.is_none() && people_mismatches.is_empty(),
            rows: self.rows,
            head_hash: self.prev,
            broken,
            people_mismatches,
        }
    }
}

pub(crate) const ROW_COLS: &str =
    "id, at_ms, user_id, actor, action, program, entity, entity_id, request_sha256, detail, prev_hash, hash, format";

pub(crate) fn read_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditRow> {
    Ok(AuditRow {
        id: r.get(0)?,
        at_ms: r.get(1)?,
        user_id: r.get(2)?,
        actor: r.get(3)?,
        action: r.get(4)?,
        program: r.get(5)?,
        entity: r.get(6)?,
        entity_id: r.get(7)?,
        request_sha256: r.get(8)?,
        detail: r.get(9)?,
        prev_hash: r.get(10)?,
        hash: r.get(11)?,
        format: r.get(12)?,
    })
}

/// Verifies the store's chain, then compares every person in the users table with the chain's record of them.
pub fn verify_store(conn: &Connection) -> StoreResult<VerifyReport> {
    let mut walk = ChainWalk::new();
    let mut stmt = conn.prepare(&format!("SELECT {ROW_COLS} FROM audit_log ORDER BY id"))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let row = read_row(r)?;
        if let Err(b) = walk.step(&row, row.id) {
            return Ok(walk.finish(Some(b), Vec::new()));
        }
    }
    let actual = crate::people::users::recorded_states(conn).map_err(|e| match e {
        crate::people::PeopleError::Store(s) => s,
        other => crate::store::StoreError::Invalid(other.to_string()),
    })?;
    let mut mismatches = Vec::new();
    for state in actual {
        let id = state
            .get("id")
            .and_then(serde_json::Value::as_i64)
            .unwrap_or(0);
        let name = state
            .get("name")
            .and_then(|v| v.as_str())
            .unwrap_or("?")
            .to_string();
        match walk.people.get(&id) {
            None => mismatches.push(format!(
                "users row {id} ({name}) is not in the audit chain: it was added outside Affops"
            )),
            Some((recorded, at_row)) if recorded != &state => mismatches.push(format!(
                "users row {id} ({name}) differs from what audit row {at_row} recorded: {}",
                differences(recorded, &state)
            )),
            Some(_) => {}
        }
    }
    Ok(walk.finish(None, mismatches))
}

fn differences(recorded: &serde_json::Value, actual: &serde_json::Value) -> String {
    let fields = [
        "name",
        "display_name",
        "active",
        "roles",
        "passphrase_sha256",
        "public_key",
        "keys",
    ];
    fields
        .iter()
        .filter(|f| recorded.get(**f) != actual.get(**f))
        .map(|f| {
            format!(
                "{f} is {} (recorded {})",
                actual.get(*f).unwrap_or(&serde_json::Value::Null),
                recorded.get(*f).unwrap_or(&serde_json::Value::Null)
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Walks the chain alone; `Ok(None)` when intact, `Ok(Some(id))` names the first row that does not verify.
pub fn verify(conn: &Connection) -> StoreResult<Option<i64>> {
    let mut walk = ChainWalk::new();
    let mut stmt = conn.prepare(&format!("SELECT {ROW_COLS} FROM audit_log ORDER BY id"))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let row = read_row(r)?;
        if walk.step(&row, row.id).is_err() {
            return Ok(Some(row.id));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn stamp(i: i64) -> Stamp {
        Stamp {
            at_ms: i,
            user_id: None,
            actor: "olivia".into(),
            action: "test_event",
            program: "P".into(),
            request_sha256: "ab".repeat(32),
        }
    }

    /// RELIABILITY.md M2: tampering with any row is detected at exactly that row.
    #[test]
    fn tampering_is_found_at_the_row() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store
            .write::<_, crate::store::StoreError>(|tx| {
                for i in 0..5 {
                    stamp(i).record(tx, "thing", &i.to_string(), &serde_json::json!({"n": i}))?;
                }
                Ok(())
            })
            .unwrap();
        assert_eq!(store.read(verify).unwrap(), None);
        // Edit row 3 behind the triggers' back, as someone with the file and a hex editor could.
        let conn = Connection::open(store.path()).unwrap();
        conn.execute_batch(
            "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET program = 'Other' WHERE id = 3;",
        )
        .unwrap();
        assert_eq!(store.read(verify).unwrap(), Some(3));
        let report = store.read(verify_store).unwrap();
        assert!(!report.ok);
        assert_eq!(report.broken.unwrap().row, 3);
    }

    /// Rows written before people (format 1) keep verifying under their own hash.
    #[test]
    fn old_rows_verify_under_their_format() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store
            .write::<_, crate::store::StoreError>(|tx| {
                let mut r = AuditRow {
                    id: 0,
                    at_ms: 1,
                    user_id: None,
                    actor: "system".into(),
                    action: "sync.finished".into(),
                    program: String::new(),
                    entity: "source".into(),
                    entity_id: "s".into(),
                    request_sha256: String::new(),
                    detail: "{}".into(),
                    prev_hash: GENESIS.into(),
                    hash: String::new(),
                    format: 1,
                };
                r.hash = row_hash(GENESIS, &r);
                tx.execute(
                    "INSERT INTO audit_log (at_ms, actor, action, entity, entity_id, detail, prev_hash, hash) VALUES (1, 'system', 'sync.finished', 'source', 's', '{}', ?1, ?2)",
                    params![GENESIS, r.hash],
                )?;
                stamp(2).record(tx, "thing", "1", &serde_json::json!({}))?;
                Ok(())
            })
            .unwrap();
        assert_eq!(store.read(verify).unwrap(), None);
    }
}
