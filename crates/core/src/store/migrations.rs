//! Numbered, ordered migrations. A shipped migration is never edited (the `migrations` integration test pins
//! each file's SHA-256); the schema version lives in `PRAGMA user_version`.

use super::{StoreError, StoreResult};
use rusqlite::Connection;

pub struct Migration {
    pub name: &'static str,
    pub sql: &'static str,
    /// Rebuilds tables (new table, copy, drop, rename): runs with foreign keys off, as SQLite's documented
    /// procedure requires, and must leave `PRAGMA foreign_key_check` empty before it commits.
    pub rebuilds_tables: bool,
}

/// A migration file of `migrations/`; `rebuilds` marks one that rebuilds tables.
macro_rules! migration {
    ($name:literal) => {
        migration!($name, false)
    };
    ($name:literal, rebuilds) => {
        migration!($name, true)
    };
    ($name:literal, $rebuilds:literal) => {
        Migration {
            name: $name,
            sql: include_str!(concat!("migrations/", $name)),
            rebuilds_tables: $rebuilds,
        }
    };
}

/// Every migration, in order; index + 1 is the version it brings the schema to.
pub const MIGRATIONS: &[Migration] = &[
    migration!("0001_lifecycle.sql"),
    migration!("0002_rollups.sql"),
    migration!("0003_postbacks.sql"),
    migration!("0004_import.sql"),
    migration!("0005_commission.sql"),
    migration!("0006_attribution.sql"),
    migration!("0007_detection.sql"),
    migration!("0008_fraud_exclusions.sql"),
    migration!("0009_source_update_time.sql"),
    migration!("0010_raw_encoding.sql"),
    migration!("0011_conversions_txn_index.sql"),
    migration!("0012_enum_checks.sql", rebuilds),
    migration!("0013_clicks_time_index.sql"),
    migration!("0014_people.sql", rebuilds),
    migration!("0015_payouts.sql"),
    migration!("0016_disputes.sql", rebuilds),
    migration!("0017_claims.sql", rebuilds),
    migration!("0018_attribution_overrides.sql", rebuilds),
    migration!("0019_affiliates_file.sql", rebuilds),
    migration!("0020_forex_files.sql", rebuilds),
    migration!("0021_dashboard_rollups.sql"),
    migration!("0022_fx_daily.sql"),
    migration!("0023_flag_revisions.sql"),
    migration!("0024_signal_imports.sql", rebuilds),
    migration!("0025_detect_allowlist.sql"),
    migration!("0026_flag_revision_affiliate.sql"),
    migration!("0027_fx_daily_snapshot.sql"),
    migration!("0028_cohort_fx_daily.sql"),
    migration!("0029_affiliate_rollups.sql"),
    migration!("0030_ledger_cohort_amounts.sql"),
    migration!("0031_program_data_range.sql"),
    migration!("0032_key_monthly.sql"),
    migration!("0033_recon_reason_index.sql"),
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
        if m.rebuilds_tables {
            // Only outside a transaction does this take effect.
            conn.pragma_update(None, "foreign_keys", "OFF")?;
        }
        let applied = apply(conn, m, (i + 1) as u32);
        if m.rebuilds_tables {
            conn.pragma_update(None, "foreign_keys", "ON")?;
        }
        applied?;
    }
    Ok(())
}

fn apply(conn: &mut Connection, m: &Migration, version: u32) -> StoreResult<()> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    tx.execute_batch(m.sql)
        .map_err(|e| StoreError::Invalid(format!("migration {} failed: {e}", m.name)))?;
    if m.rebuilds_tables {
        let dangling: i64 =
            tx.query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })?;
        if dangling > 0 {
            return Err(StoreError::Invalid(format!(
                "migration {} left {dangling} rows whose references do not resolve; nothing was changed",
                m.name
            )));
        }
    }
    tx.pragma_update(None, "user_version", version)?;
    tx.commit()?;
    Ok(())
}
