//! Workspace settings the owner sets: for now the idle lock. Stored one row per key; unknown keys are ignored,
//! missing ones take their default.

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{PeopleError, PeopleResult};

/// The app locks after this many idle minutes unless the owner says otherwise.
pub const IDLE_LOCK_MINUTES_DEFAULT: u32 = 15;
pub const IDLE_LOCK_MINUTES_MIN: u32 = 1;
/// Eight hours: a workday; longer would amount to never locking.
pub const IDLE_LOCK_MINUTES_MAX: u32 = 480;

const KEY_IDLE_LOCK: &str = "idle_lock_minutes";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct WorkspaceSettings {
    /// Minutes without activity after which the app locks and asks for the passphrase again.
    pub idle_lock_minutes: u32,
}

pub fn load(conn: &Connection) -> PeopleResult<WorkspaceSettings> {
    let idle: Option<String> = conn
        .query_row(
            "SELECT value FROM workspace_settings WHERE key = ?1",
            [KEY_IDLE_LOCK],
            |r| r.get(0),
        )
        .optional()?;
    Ok(WorkspaceSettings {
        idle_lock_minutes: idle
            .and_then(|v| v.parse().ok())
            .unwrap_or(IDLE_LOCK_MINUTES_DEFAULT),
    })
}

pub fn check(s: &WorkspaceSettings) -> PeopleResult<()> {
    if !(IDLE_LOCK_MINUTES_MIN..=IDLE_LOCK_MINUTES_MAX).contains(&s.idle_lock_minutes) {
        return Err(PeopleError::Invalid(format!(
            "Idle lock: give {IDLE_LOCK_MINUTES_MIN} to {IDLE_LOCK_MINUTES_MAX} minutes, got {}",
            s.idle_lock_minutes
        )));
    }
    Ok(())
}

pub fn save(tx: &Transaction<'_>, s: &WorkspaceSettings, now_ms: i64) -> PeopleResult<()> {
    check(s)?;
    tx.execute(
        "INSERT INTO workspace_settings (key, value, updated_at_ms) VALUES (?1, ?2, ?3)
         ON CONFLICT (key) DO UPDATE SET value = ?2, updated_at_ms = ?3",
        params![KEY_IDLE_LOCK, s.idle_lock_minutes.to_string(), now_ms],
    )?;
    Ok(())
}
