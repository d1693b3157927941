//! The audit log: append-only (triggers refuse UPDATE and DELETE) and hash-chained, so that editing any row
//! in the file is detected and verification names the first row that no longer fits.

use crate::store::StoreResult;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use sha2::{Digest, Sha256};

/// The hash of the chain before its first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[allow(clippy::too_many_arguments)]
fn row_hash(
    prev: &str,
    at_ms: i64,
    actor: &str,
    action: &str,
    entity: &str,
    entity_id: &str,
    detail: &str,
) -> String {
    let mut h = Sha256::new();
    for part in [
        prev,
        &at_ms.to_string(),
        actor,
        action,
        entity,
        entity_id,
        detail,
    ] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Appends one entry inside the caller's transaction.
pub fn append(
    tx: &Transaction<'_>,
    at_ms: i64,
    actor: &str,
    action: &str,
    entity: &str,
    entity_id: &str,
    detail: &serde_json::Value,
) -> StoreResult<()> {
    let prev: String = tx
        .query_row(
            "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or_else(|| GENESIS.to_string());
    let detail = detail.to_string();
    let hash = row_hash(&prev, at_ms, actor, action, entity, entity_id, &detail);
    tx.execute(
        "INSERT INTO audit_log (at_ms, actor, action, entity, entity_id, detail, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![at_ms, actor, action, entity, entity_id, detail, prev, hash],
    )?;
    Ok(())
}

/// Walks the chain; `Ok(None)` when intact, `Ok(Some(id))` names the first row that does not verify.
pub fn verify(conn: &Connection) -> StoreResult<Option<i64>> {
    let mut stmt = conn.prepare(
        "SELECT id, at_ms, actor, action, entity, entity_id, detail, prev_hash, hash FROM audit_log ORDER BY id",
    )?;
    let mut rows = stmt.query([])?;
    let mut prev = GENESIS.to_string();
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let (prev_hash, hash): (String, String) = (r.get(7)?, r.get(8)?);
        let expected = row_hash(
            &prev,
            r.get(1)?,
            &r.get::<_, String>(2)?,
            &r.get::<_, String>(3)?,
            &r.get::<_, String>(4)?,
            &r.get::<_, String>(5)?,
            &r.get::<_, String>(6)?,
        );
        if prev_hash != prev || hash != expected {
            return Ok(Some(id));
        }
        prev = hash;
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    /// RELIABILITY.md M2: tampering with any row is detected at exactly that row.
    #[test]
    fn tampering_is_found_at_the_row() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store
            .write(|tx| {
                for i in 0..5 {
                    append(
                        tx,
                        i,
                        "system",
                        "test.event",
                        "thing",
                        &i.to_string(),
                        &serde_json::json!({"n": i}),
                    )?;
                }
                Ok(())
            })
            .unwrap();
        assert_eq!(store.read(verify).unwrap(), None);
        // Edit row 3 behind the triggers' back, as someone with the file and a hex editor could.
        let conn = Connection::open(store.path()).unwrap();
        conn.execute_batch(
            "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'mallory' WHERE id = 3;",
        )
        .unwrap();
        assert_eq!(store.read(verify).unwrap(), Some(3));
    }
}
