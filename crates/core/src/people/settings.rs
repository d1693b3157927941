//! Workspace settings the owner sets: the idle lock and the payout rules (when a run needs two approvers, how long
//! the first payment to new payee details waits). Stored one row per key; unknown keys are ignored, missing ones
//! take their default.

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{PeopleError, PeopleResult};

/// The app locks after this many idle minutes unless the owner says otherwise.
pub const IDLE_LOCK_MINUTES_DEFAULT: u32 = 15;
pub const IDLE_LOCK_MINUTES_MIN: u32 = 1;
/// Eight hours: a workday; longer would amount to never locking.
pub const IDLE_LOCK_MINUTES_MAX: u32 = 480;

/// A run paying this much or more (in its program's currency) needs two different approvers.
pub const TWO_APPROVALS_FROM_DEFAULT: &str = "10000";
/// The first payment to newly approved payee details waits this many days.
pub const PAYEE_HOLD_DAYS_DEFAULT: u32 = 3;
pub const PAYEE_HOLD_DAYS_MAX: u32 = 60;

const KEY_IDLE_LOCK: &str = "idle_lock_minutes";
const KEY_TWO_APPROVALS: &str = "two_approvals_from";
const KEY_PAYEE_HOLD: &str = "payee_hold_days";
/// The workspace's identity (made by migration 0015): approval files name it.
const KEY_WORKSPACE_ID: &str = "workspace_id";

fn default_two_approvals() -> String {
    TWO_APPROVALS_FROM_DEFAULT.into()
}

fn default_hold_days() -> u32 {
    PAYEE_HOLD_DAYS_DEFAULT
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct WorkspaceSettings {
    /// Minutes without activity after which the app locks and asks for the passphrase again.
    pub idle_lock_minutes: u32,
    /// A payout run paying this much or more, in its program's currency (a decimal), needs two different
    /// finance approvers; below it, one (never the preparer). One number for the workspace, read in each program's
    /// own currency: 10000 is 10,000 EUR for a EUR program and 10,000 USD for a USD one.
    #[serde(default = "default_two_approvals")]
    pub two_approvals_from: String,
    /// Days the first payment to newly approved payee details is held.
    #[serde(default = "default_hold_days")]
    pub payee_hold_days: u32,
}

impl Default for WorkspaceSettings {
    fn default() -> Self {
        Self {
            idle_lock_minutes: IDLE_LOCK_MINUTES_DEFAULT,
            two_approvals_from: default_two_approvals(),
            payee_hold_days: default_hold_days(),
        }
    }
}

impl WorkspaceSettings {
    /// The two-approver threshold in micros.
    pub fn two_approvals_from_micros(&self) -> i64 {
        crate::money::parse_micros(&self.two_approvals_from).unwrap_or(i64::MAX)
    }
}

fn get(conn: &Connection, key: &str) -> PeopleResult<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT value FROM workspace_settings WHERE key = ?1",
            [key],
            |r| r.get(0),
        )
        .optional()?)
}

/// The workspace's identity.
pub fn workspace_id(conn: &Connection) -> PeopleResult<String> {
    Ok(get(conn, KEY_WORKSPACE_ID)?.unwrap_or_default())
}

pub fn load(conn: &Connection) -> PeopleResult<WorkspaceSettings> {
    Ok(WorkspaceSettings {
        idle_lock_minutes: get(conn, KEY_IDLE_LOCK)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(IDLE_LOCK_MINUTES_DEFAULT),
        two_approvals_from: get(conn, KEY_TWO_APPROVALS)?.unwrap_or_else(default_two_approvals),
        payee_hold_days: get(conn, KEY_PAYEE_HOLD)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(PAYEE_HOLD_DAYS_DEFAULT),
    })
}

pub fn check(s: &WorkspaceSettings) -> PeopleResult<()> {
    if !(IDLE_LOCK_MINUTES_MIN..=IDLE_LOCK_MINUTES_MAX).contains(&s.idle_lock_minutes) {
        return Err(PeopleError::Invalid(format!(
            "Idle lock: give {IDLE_LOCK_MINUTES_MIN} to {IDLE_LOCK_MINUTES_MAX} minutes, got {}",
            s.idle_lock_minutes
        )));
    }
    match crate::money::parse_micros(&s.two_approvals_from) {
        Ok(m) if m >= 0 => {}
        _ => {
            return Err(PeopleError::Invalid(format!(
                "Two approvers from: give an amount of 0 or more, got '{}'",
                s.two_approvals_from
            )))
        }
    }
    if s.payee_hold_days > PAYEE_HOLD_DAYS_MAX {
        return Err(PeopleError::Invalid(format!(
            "Payee hold: give 0 to {PAYEE_HOLD_DAYS_MAX} days, got {}",
            s.payee_hold_days
        )));
    }
    Ok(())
}

pub fn save(tx: &Transaction<'_>, s: &WorkspaceSettings, now_ms: i64) -> PeopleResult<()> {
    check(s)?;
    let two = crate::money::parse_micros(&s.two_approvals_from)
        .map(|m| crate::money::micros_to_decimal(m).normalize().to_string())
        .unwrap_or_default();
    for (key, value) in [
        (KEY_IDLE_LOCK, s.idle_lock_minutes.to_string()),
        (KEY_TWO_APPROVALS, two),
        (KEY_PAYEE_HOLD, s.payee_hold_days.to_string()),
    ] {
        tx.execute(
            "INSERT INTO workspace_settings (key, value, updated_at_ms) VALUES (?1, ?2, ?3)
             ON CONFLICT (key) DO UPDATE SET value = ?2, updated_at_ms = ?3",
            params![key, value, now_ms],
        )?;
    }
    Ok(())
}
