//! Backups (RELIABILITY S5): SQLite's online backup API copies the database in one step, inside one read
//! transaction — in WAL mode readers never block writers, so imports and postbacks go on while it runs, and the
//! copy is one consistent snapshot (copying in small steps would restart from scratch whenever another
//! connection writes, and never finish under a steady import). The copy is checked with `integrity_check`
//! before it counts.
//! Automatic backups are taken before a period is closed and before a payout run is approved, into the workspace's
//! `backups/` folder (the newest [`AUTOMATIC_BACKUPS_KEPT`] are kept). Restoring refuses a file that fails its
//! integrity check or was written by a newer Affops, and keeps the database it replaces.

use crate::error::{CoreError, CoreResult};
use crate::store::{Store, MIGRATIONS};
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The workspace folder of automatic backups.
pub const BACKUPS_DIR: &str = "backups";
/// Automatic backups kept (older ones are removed after a new one is verified).
pub const AUTOMATIC_BACKUPS_KEPT: usize = 20;
/// Pages per step of the online backup: all of them (see the module's note).
const BACKUP_ALL_PAGES: std::os::raw::c_int = -1;
const BACKUP_BUSY_PAUSE: Duration = Duration::from_millis(5);
const BACKUP_BUSY_MAX: Duration = Duration::from_secs(30);
/// A `.partial` backup untouched this long was cut short by a crash.
const STALE_PARTIAL: Duration = Duration::from_secs(600);

/// A verified backup.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct BackupResult {
    pub path: String,
    #[ts(type = "number")]
    pub bytes: u64,
    /// `ok`, from `PRAGMA integrity_check` on the copy.
    pub integrity: String,
}

fn io(path: &Path, e: impl std::fmt::Display) -> CoreError {
    CoreError::invalid(format!("Backup file: {}: {e}", path.display()))
}

/// A file-system failure while writing a backup: the storage's fault (a full disk) or the path's.
fn write_failed(path: &Path, e: std::io::Error) -> CoreError {
    if e.kind() == std::io::ErrorKind::StorageFull {
        return CoreError::Store(crate::store::StoreError::Io {
            path: path.to_path_buf(),
            source: e,
        });
    }
    io(path, e)
}

/// Copies the store to `target` with the online backup API and verifies the copy.
pub fn backup_to(store: &Store, target: &Path) -> CoreResult<BackupResult> {
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent).map_err(|e| write_failed(parent, e))?;
    }
    if target.exists() {
        return Err(io(target, "exists already; choose another name"));
    }
    let partial = target.with_extension("partial");
    let _ = std::fs::remove_file(&partial);
    let copied = (|| -> rusqlite::Result<()> {
        let src = Connection::open_with_flags(store.path(), OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        let mut dst = Connection::open(&partial)?;
        let backup = rusqlite::backup::Backup::new(&src, &mut dst)?;
        // Busy or locked only while a writer holds the brief WAL index lock; retried, within reason.
        let mut waited = Duration::ZERO;
        loop {
            match backup.step(BACKUP_ALL_PAGES)? {
                rusqlite::backup::StepResult::Done => break,
                _ if waited >= BACKUP_BUSY_MAX => {
                    return Err(rusqlite::Error::SqliteFailure(
                        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                        Some("the database stayed busy; try the backup again".into()),
                    ))
                }
                _ => {
                    std::thread::sleep(BACKUP_BUSY_PAUSE);
                    waited += BACKUP_BUSY_PAUSE;
                }
            }
        }
        drop(backup);
        // The copy inherits the store's WAL mode; a backup is one self-contained file.
        dst.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))
    })();
    if let Err(e) = copied {
        let _ = std::fs::remove_file(&partial);
        return Err(crate::store::StoreError::from(e).into());
    }
    let integrity = check(&partial)?;
    if integrity != "ok" {
        let _ = std::fs::remove_file(&partial);
        return Err(CoreError::internal(format!(
            "the backup failed its integrity check: {integrity}"
        )));
    }
    std::fs::rename(&partial, target).map_err(|e| write_failed(target, e))?;
    let bytes = std::fs::metadata(target).map(|m| m.len()).unwrap_or(0);
    Ok(BackupResult {
        path: target.display().to_string(),
        bytes,
        integrity,
    })
}

/// `PRAGMA integrity_check` of a database file, opened read-only.
pub fn check(path: &Path) -> CoreResult<String> {
    let c = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| io(path, e))?;
    c.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| io(path, format!("not a readable database ({e})")))
}

/// An automatic backup before a step that matters (`label`, e.g. `before-close-2026-10`); keeps the newest ones.
pub fn automatic(
    store: &Store,
    data_dir: &Path,
    label: &str,
    now_ms: i64,
) -> CoreResult<BackupResult> {
    let dir = data_dir.join(BACKUPS_DIR);
    let stamp = chrono::DateTime::from_timestamp_millis(now_ms)
        .map(|t| t.format("%Y%m%dT%H%M%S%3fZ").to_string())
        .unwrap_or_else(|| now_ms.to_string());
    remove_stale_partials(&dir);
    // Two steps in the same millisecond (or a clock that stands still) still get a backup each.
    let mut target = dir.join(format!("{stamp}-{label}.sqlite"));
    for n in 2.. {
        if !target.exists() {
            break;
        }
        target = dir.join(format!("{stamp}-{label}-{n}.sqlite"));
    }
    let result = backup_to(store, &target)?;
    let mut all: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| io(&dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "sqlite"))
        .collect();
    all.sort();
    if all.len() > AUTOMATIC_BACKUPS_KEPT {
        for old in &all[..all.len() - AUTOMATIC_BACKUPS_KEPT] {
            let _ = std::fs::remove_file(old);
        }
    }
    Ok(result)
}

/// Removes copies cut short by a crash (`.partial`, untouched for [`STALE_PARTIAL`]); a backup in progress in
/// another process is younger than that.
fn remove_stale_partials(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let stale = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > STALE_PARTIAL);
        if stale && p.extension().is_some_and(|x| x == "partial") {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// Replaces the workspace's database with a verified backup (the console must not be open). The database it
/// replaces is kept beside it as `affops.sqlite.before-restore-<time>`; returns that path.
pub fn restore(data_dir: &Path, from: &Path, now_ms: i64) -> CoreResult<PathBuf> {
    let integrity = check(from)?;
    if integrity != "ok" {
        return Err(CoreError::invalid(format!(
            "Backup file: {} failed its integrity check ({integrity}); it is not restored",
            from.display()
        )));
    }
    let c = Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| io(from, e))?;
    let version: u32 = c
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| io(from, e))?;
    let is_affops: bool = c
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'ledger_entries')",
            [],
            |r| r.get(0),
        )
        .map_err(|e| io(from, e))?;
    drop(c);
    if !is_affops || version == 0 {
        return Err(CoreError::invalid(format!(
            "Backup file: {} is not an Affops workspace",
            from.display()
        )));
    }
    if version as usize > MIGRATIONS.len() {
        return Err(CoreError::invalid(format!(
            "Backup file: {} was written by a newer Affops (schema {version}, this build knows {})",
            from.display(),
            MIGRATIONS.len()
        )));
    }
    let db = data_dir.join(crate::store::DB_FILE);
    let kept = data_dir.join(format!("{}.before-restore-{now_ms}", crate::store::DB_FILE));
    if db.exists() {
        std::fs::rename(&db, &kept).map_err(|e| io(&db, e))?;
    }
    // The replaced database's write-ahead log goes with it (committed work may still be only there).
    for suffix in ["-wal", "-shm"] {
        let side = data_dir.join(format!("{}{suffix}", crate::store::DB_FILE));
        if side.exists() {
            let to = PathBuf::from(format!("{}{suffix}", kept.display()));
            std::fs::rename(&side, &to).map_err(|e| io(&side, e))?;
        }
    }
    std::fs::copy(from, &db).map_err(|e| write_failed(&db, e))?;
    Ok(kept)
}
