//! Signing in: a name and a passphrase become a [`Person`], or the one same refusal whatever was wrong (unknown
//! name, wrong passphrase, deactivated, no passphrase yet). Repeated failures for a name slow every further
//! attempt for that name down — a delay that doubles up to a cap, never a lock that a stranger could trigger to
//! keep the real person out. Attempts are kept in the store, so the delay holds across processes (the CLI).

use super::secret::{decoy_phc, verify_passphrase};
use super::users::{by_name, Person};
use super::PeopleResult;
use crate::store::Store;
use rusqlite::{params, Transaction};
use std::time::Duration;

/// The first repeated failure waits this long…
pub const SIGN_IN_DELAY_FIRST: Duration = Duration::from_millis(250);
/// …each further one twice as long, up to this.
pub const SIGN_IN_DELAY_MAX: Duration = Duration::from_secs(16);
/// Failures older than this no longer count.
pub const SIGN_IN_FAILURE_WINDOW_MS: i64 = 60 * 60 * 1000;
/// Names as typed are cut to this many characters before they are recorded.
const TYPED_NAME_CHARS_MAX: usize = 64;

/// How long to wait before checking the next attempt, after `failures` consecutive failures.
pub fn delay_after(failures: u32) -> Duration {
    if failures == 0 {
        return Duration::ZERO;
    }
    let factor = 1u32
        .checked_shl(failures.saturating_sub(1))
        .unwrap_or(u32::MAX);
    SIGN_IN_DELAY_FIRST
        .checked_mul(factor)
        .map_or(SIGN_IN_DELAY_MAX, |d| d.min(SIGN_IN_DELAY_MAX))
}

fn typed(name: &str) -> String {
    name.trim()
        .to_lowercase()
        .chars()
        .take(TYPED_NAME_CHARS_MAX)
        .collect()
}

/// Failures for `name` since its last success, within the window.
pub fn recent_failures(store: &Store, name: &str, now_ms: i64) -> PeopleResult<u32> {
    let name = typed(name);
    let n: i64 = store.read(|c| -> PeopleResult<i64> {
        Ok(c.query_row(
            "SELECT COUNT(*) FROM sign_in_attempts WHERE name = ?1 AND ok = 0 AND at_ms > ?2
               AND id > COALESCE((SELECT MAX(id) FROM sign_in_attempts WHERE name = ?1 AND ok = 1), 0)",
            params![name, now_ms - SIGN_IN_FAILURE_WINDOW_MS],
            |r| r.get(0),
        )?)
    })?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Checks `passphrase` for `name` after the delay its recent failures call for (`pause` sleeps; tests record).
/// `None` for every wrong case alike; the caller records the attempt with [`record_attempt`] in the transaction
/// that also writes its audit entry.
pub fn check(
    store: &Store,
    name: &str,
    passphrase: &str,
    now_ms: i64,
    pause: &dyn Fn(Duration),
) -> PeopleResult<Option<Person>> {
    pause(delay_after(recent_failures(store, name, now_ms)?));
    let found = store.read(|c| by_name(c, &typed(name)))?;
    Ok(match found {
        Some((p, Some(phc))) if p.active => verify_passphrase(&phc, passphrase).then_some(p),
        _ => {
            // The same work as a real check, so the answer's timing does not tell a name exists.
            let _ = verify_passphrase(decoy_phc(), passphrase);
            None
        }
    })
}

pub fn record_attempt(tx: &Transaction<'_>, name: &str, ok: bool, now_ms: i64) -> PeopleResult<()> {
    tx.execute(
        "INSERT INTO sign_in_attempts (name, ok, at_ms) VALUES (?1, ?2, ?3)",
        params![typed(name), i64::from(ok), now_ms],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delay_doubles_up_to_its_cap_and_never_becomes_a_lock() {
        assert_eq!(delay_after(0), Duration::ZERO);
        assert_eq!(delay_after(1), Duration::from_millis(250));
        assert_eq!(delay_after(2), Duration::from_millis(500));
        assert_eq!(delay_after(4), Duration::from_secs(2));
        assert_eq!(delay_after(7), SIGN_IN_DELAY_MAX);
        assert_eq!(delay_after(40), SIGN_IN_DELAY_MAX);
        assert_eq!(delay_after(u32::MAX), SIGN_IN_DELAY_MAX);
    }
}
