//! Numbered, ordered migrations. A shipped migration is never edited (the `migrations` integration test pins
//! each file's SHA-256); the schema version lives in `PRAGMA user_version`.

use super::{StoreError, StoreResult};
use rusqlite::Connection;

pub struct Migration {
    pub name: &'static str,
    pub sql: &'static str,
}

/// Every migration, in order; index + 1 is the version it brings the schema to.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        name: "0001_lifecycle.sql",
        sql: include_str!("migrations/0001_lifecycle.sql"),
    },
    Migration {
        name: "0002_rollups.sql",
        sql: include_str!("migrations/0002_rollups.sql"),
    },
    Migration {
        name: "0003_postbacks.sql",
        sql: include_str!("migrations/0003_postbacks.sql"),
    },
    Migration {
        name: "0004_import.sql",
        sql: include_str!("migrations/0004_import.sql"),
    },
    Migration {
        name: "0005_commission.sql",
        sql: include_str!("migrations/0005_commission.sql"),
    },
    Migration {
        name: "0006_attribution.sql",
        sql: include_str!("migrations/0006_attribution.sql"),
    },
    Migration {
        name: "0007_detection.sql",
        sql: include_str!("migrations/0007_detection.sql"),
    },
    Migration {
        name: "0008_fraud_exclusions.sql",
        sql: include_str!("migrations/0008_fraud_exclusions.sql"),
    },
    Migration {
        name: "0009_source_update_time.sql",
        sql: include_str!("migrations/0009_source_update_time.sql"),
    },
    Migration {
        name: "0010_raw_encoding.sql",
        sql: include_str!("migrations/0010_raw_encoding.sql"),
    },
    Migration {
        name: "0011_conversions_txn_index.sql",
        sql: include_str!("migrations/0011_conversions_txn_index.sql"),
    },
];

pub(super) fn migrate(conn: &mut Connection) -> StoreResult<()> {
    let current: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let known = MIGRATIONS.len() as u32;
    if current > known {
        return Err(StoreError::TooNew {
            found: current,
            known,
        });
    }
    for (i, m) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute_batch(m.sql)
            .map_err(|e| StoreError::Invalid(format!("migration {} failed: {e}", m.name)))?;
        tx.pragma_update(None, "user_version", (i + 1) as u32)?;
        tx.commit()?;
    }
    Ok(())
}
