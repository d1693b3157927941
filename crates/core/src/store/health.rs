//! Corruption detection (RELIABILITY S4) off the path to the first screen.
//!
//! `PRAGMA quick_check` reads every page of the database: 9.5 s on a 5.6 GB workspace, on every open of the app and
//! of every CLI command. Instead the store keeps a small **seal** beside the database (`affops.sqlite.seal`): the
//! file's length, modification time, inode and change time (`stat`, never an open: see [`FileId`]) as Affops itself
//! last left it, and when a full check last passed. Opening a file that matches its seal skips the foreground
//! check: the file is exactly as Affops left it after a state that was checked. Anything else — no seal, another
//! length or time (a crash during a checkpoint, a copy, another tool, a flipped byte, even with the modification
//! time put back) — runs `quick_check` before anything is read, as before.
//!
//! A sealed file is still checked, in the **background**, when its last full check is older than
//! [`OpenOptions::recheck_after`] (bit rot changes no time stamp). A check that fails, in the foreground or in the
//! background, removes the seal and refuses every later write with the corruption named; reads still answer, so
//! people can export what they need before they restore a backup.
//!
//! The seal is rewritten whenever Affops itself changes the file: after each checkpoint and when the store closes.
//! WAL frames are not part of the seal: SQLite checksums every frame and stops at the first bad one on recovery.

use super::StoreError;
use rusqlite::{Connection, OpenFlags};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The seal's format; a seal of another format is ignored (the open checks in the foreground).
const SEAL_FORMAT: u32 = 2;

/// How a store checks its file when it opens.
#[derive(Debug, Clone, Copy)]
pub struct OpenOptions {
    /// A sealed file whose last full check is older than this is checked again in the background.
    pub recheck_after: Duration,
    /// The background check starts this long after the open, so a short command never pays for it and the first
    /// screen's reads go first.
    pub check_delay: Duration,
}

impl Default for OpenOptions {
    fn default() -> Self {
        Self {
            recheck_after: Duration::from_secs(24 * 3600),
            check_delay: Duration::from_secs(2),
        }
    }
}

/// What the store knows about its file's integrity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Integrity {
    /// A full check passed at `at_ms` (at this open, or before and the file is as Affops left it since).
    Verified { at_ms: i64 },
    /// The file is as Affops left it; a background check of it is under way or due.
    Checking { last_verified_at_ms: i64 },
    /// A check failed: every write is refused.
    Corrupt { detail: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Seal {
    format: u32,
    len: u64,
    /// Nanoseconds since the epoch, as a string (JSON numbers lose precision past 2^53).
    mtime_ns: String,
    change: String,
    verified_at_ms: i64,
}

/// The cheap identity of the file: length, modification time and (Unix) inode and change time, all from `stat`.
///
/// Never from opening the file: closing any descriptor of a database file releases every POSIX lock the process
/// holds on it, SQLite's included, and another process could then write under this one's feet (SQLite's "How To
/// Corrupt" §2.2). The change time cannot be set from user space: a writer that puts the modification time back
/// still changes it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FileId {
    len: u64,
    mtime_ns: String,
    /// `inode:ctime_ns` on Unix; empty elsewhere.
    change: String,
}

fn file_id(db: &Path) -> std::io::Result<FileId> {
    let meta = std::fs::metadata(db)?;
    let mtime_ns = meta
        .modified()?
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    #[cfg(unix)]
    let change = {
        use std::os::unix::fs::MetadataExt;
        format!("{}:{}.{:09}", meta.ino(), meta.ctime(), meta.ctime_nsec())
    };
    #[cfg(not(unix))]
    let change = String::new();
    Ok(FileId {
        len: meta.len(),
        mtime_ns: mtime_ns.to_string(),
        change,
    })
}

/// Where a database's seal lives.
pub fn seal_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".seal");
    PathBuf::from(name)
}

fn read_seal(db: &Path) -> Option<Seal> {
    let text = std::fs::read_to_string(seal_path(db)).ok()?;
    serde_json::from_str::<Seal>(&text)
        .ok()
        .filter(|s| s.format == SEAL_FORMAT)
}

/// When the file was last fully checked, if its seal vouches for it (it is exactly as Affops left it).
pub(super) fn vouched(db: &Path) -> Option<i64> {
    let seal = read_seal(db)?;
    let id = file_id(db).ok()?;
    let sealed = FileId {
        len: seal.len,
        mtime_ns: seal.mtime_ns,
        change: seal.change,
    };
    (id == sealed).then_some(seal.verified_at_ms)
}

/// Removes the seal: the next open checks in the foreground.
pub(super) fn break_seal(db: &Path) {
    let _ = std::fs::remove_file(seal_path(db));
}

pub(super) fn age_ms(at_ms: i64) -> u128 {
    u128::try_from(now_ms().saturating_sub(at_ms)).unwrap_or(0)
}

/// The store's own bookkeeping of when its file was checked: infrastructure time, read here at the edge (domain
/// code takes its time as an argument).
#[allow(clippy::disallowed_methods)]
pub(super) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// `PRAGMA quick_check` on `conn`: `Ok(None)` when the file is sound, `Ok(Some(detail))` when it is not.
pub(super) fn quick_check(conn: &Connection) -> Result<Option<String>, rusqlite::Error> {
    match conn.query_row("PRAGMA quick_check", [], |r| r.get::<_, String>(0)) {
        Ok(s) if s == "ok" => Ok(None),
        Ok(s) => Ok(Some(s)),
        Err(e) if is_corruption(&e) => Ok(Some(e.to_string())),
        Err(e) => Err(e),
    }
}

pub(super) fn is_corruption(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseCorrupt) | Some(rusqlite::ErrorCode::NotADatabase)
    )
}

/// The store's knowledge of its file, shared by the writer, the checkpointer and the background check.
pub(super) struct Health {
    db: PathBuf,
    state: Mutex<Integrity>,
    /// The seal last written by this store (so an idle checkpoint tick neither rewrites nor re-reads it: another
    /// process writing the file changes its `stat`, and then this one's next seal differs anyway).
    sealed: Mutex<Option<Seal>>,
}

impl Health {
    pub(super) fn new(db: PathBuf, state: Integrity) -> Self {
        Self {
            db,
            state: Mutex::new(state),
            sealed: Mutex::new(None),
        }
    }

    pub(super) fn integrity(&self) -> Integrity {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The refusal a write meets once a check found the file corrupt.
    pub(super) fn refusal(&self) -> Option<StoreError> {
        match self.integrity() {
            Integrity::Corrupt { detail } => Some(StoreError::Corrupt {
                path: self.db.clone(),
                detail,
            }),
            _ => None,
        }
    }

    pub(super) fn record(&self, outcome: Option<String>) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if matches!(*state, Integrity::Corrupt { .. }) {
            return;
        }
        *state = match outcome {
            None => Integrity::Verified { at_ms: now_ms() },
            Some(detail) => {
                break_seal(&self.db);
                Integrity::Corrupt { detail }
            }
        };
        drop(state);
        self.reseal();
    }

    /// Writes the seal for the file as it is now, unless a check found it corrupt or nothing changed since the
    /// last seal. Called after Affops itself changed the file (a checkpoint, the close). Best effort: a seal that
    /// cannot be written only means the next open checks in the foreground.
    pub(super) fn reseal(&self) {
        let verified_at_ms = match self.integrity() {
            Integrity::Verified { at_ms } => at_ms,
            Integrity::Checking {
                last_verified_at_ms,
            } => last_verified_at_ms,
            Integrity::Corrupt { .. } => return,
        };
        let Ok(id) = file_id(&self.db) else { return };
        let seal = Seal {
            format: SEAL_FORMAT,
            len: id.len,
            mtime_ns: id.mtime_ns,
            change: id.change,
            verified_at_ms,
        };
        let mut sealed = self.sealed.lock().unwrap_or_else(|p| p.into_inner());
        if sealed.as_ref() == Some(&seal) {
            return;
        }
        let path = seal_path(&self.db);
        let tmp = path.with_extension("seal.tmp");
        let Ok(json) = serde_json::to_vec(&seal) else {
            return;
        };
        if std::fs::write(&tmp, json).is_ok() && std::fs::rename(&tmp, &path).is_ok() {
            *sealed = Some(seal);
        }
    }
}

/// The background check of a sealed file: waits [`OpenOptions::check_delay`], then runs `quick_check` on its own
/// read-only connection. Dropping it stops it (an interrupted check records nothing).
pub(super) struct BackgroundCheck {
    stopping: Arc<AtomicBool>,
    interrupt: Arc<Mutex<Option<rusqlite::InterruptHandle>>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl BackgroundCheck {
    pub(super) fn start(health: Arc<Health>, delay: Duration) -> Result<Self, StoreError> {
        let stopping = Arc::new(AtomicBool::new(false));
        let interrupt = Arc::new(Mutex::new(None));
        let (stop, interrupt_slot) = (stopping.clone(), interrupt.clone());
        let thread = std::thread::Builder::new()
            .name("affops-integrity".into())
            .spawn(move || {
                let step = Duration::from_millis(20);
                let mut waited = Duration::ZERO;
                while waited < delay {
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    std::thread::sleep(step.min(delay - waited));
                    waited += step;
                }
                let Ok(conn) = Connection::open_with_flags(
                    &health.db,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                ) else {
                    return;
                };
                *interrupt_slot.lock().unwrap_or_else(|p| p.into_inner()) =
                    Some(conn.get_interrupt_handle());
                if stop.load(Ordering::SeqCst) {
                    return;
                }
                match quick_check(&conn) {
                    Ok(outcome) if !stop.load(Ordering::SeqCst) => health.record(outcome),
                    _ => {} // interrupted by the close, or an I/O error: nothing learned
                }
            })
            .map_err(|e| StoreError::Invalid(format!("cannot start the integrity check: {e}")))?;
        Ok(Self {
            stopping,
            interrupt,
            thread: Some(thread),
        })
    }
}

impl Drop for BackgroundCheck {
    fn drop(&mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        let Some(thread) = self.thread.take() else {
            return;
        };
        // The check may be starting its statement as we ask: interrupt until the thread has gone.
        while !thread.is_finished() {
            if let Some(handle) = self
                .interrupt
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .as_ref()
            {
                handle.interrupt();
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        let _ = thread.join();
    }
}

/// Declared last in the store, so it runs after every connection has closed (and SQLite folded the WAL back into
/// the file): seals the file as Affops leaves it.
pub(super) struct SealOnClose(pub(super) Arc<Health>);

impl Drop for SealOnClose {
    fn drop(&mut self) {
        self.0.reseal();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Store, DB_FILE};
    use std::io::{Seek, SeekFrom, Write};

    fn put(store: &Store, day: &str) {
        store
            .write::<_, StoreError>(|tx| {
                tx.execute(
                    "INSERT INTO programs (name, vertical, currency, timezone, created_at_ms) VALUES (?1, 'igaming', 'EUR', 'UTC', 0)",
                    [day],
                )?;
                Ok(())
            })
            .unwrap();
    }

    /// A sealed workspace: one program written, closed, the seal beside it.
    fn sealed() -> (tempfile::TempDir, PathBuf, i64) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let Integrity::Verified { at_ms } = store.integrity() else {
            panic!("a new file is checked at open: {:?}", store.integrity());
        };
        put(&store, "P");
        drop(store);
        let db = dir.path().join(DB_FILE);
        assert!(seal_path(&db).exists(), "closing seals the file");
        (dir, db, at_ms)
    }

    /// Overwrites the first byte of `table`'s root page (its b-tree page type) and puts the modification time back,
    /// as a program writing behind Affops' back might.
    fn corrupt_root_page(db: &Path, table: &str) {
        let (root, page_size): (u64, u64) = {
            let c = Connection::open(db).unwrap();
            let root = c
                .query_row(
                    "SELECT rootpage FROM sqlite_master WHERE name = ?1",
                    [table],
                    |r| r.get(0),
                )
                .unwrap();
            let size = c.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap();
            (root, size)
        };
        let mtime = std::fs::metadata(db).unwrap().modified().unwrap();
        let mut f = std::fs::OpenOptions::new().write(true).open(db).unwrap();
        f.seek(SeekFrom::Start((root - 1) * page_size)).unwrap();
        f.write_all(&[0x7f]).unwrap();
        f.set_modified(mtime).unwrap();
    }

    /// The same damage as the disk itself would do it, leaving no trace in `stat`: the seal still matches.
    fn bit_rot(db: &Path, table: &str) {
        corrupt_root_page(db, table);
        Health::new(db.to_path_buf(), Integrity::Verified { at_ms: now_ms() }).reseal();
    }

    fn assert_refused(store: &Store) {
        let refused = store
            .write::<_, StoreError>(|tx| Ok(tx.execute("DELETE FROM rollup_dirty", [])?))
            .unwrap_err();
        assert!(matches!(refused, StoreError::Corrupt { .. }), "{refused}");
        assert!(
            refused.to_string().contains("affops-cli restore"),
            "{refused}"
        );
    }

    #[test]
    fn a_file_as_affops_left_it_opens_on_its_seal_without_a_new_check() {
        let (dir, _db, checked_at) = sealed();
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(
            store.integrity(),
            Integrity::Verified { at_ms: checked_at },
            "the seal's check stands: no new one ran"
        );
        put(&store, "Q");
        store.checkpoint().unwrap();
        drop(store);
        let again = Store::open(dir.path()).unwrap();
        assert_eq!(again.integrity(), Integrity::Verified { at_ms: checked_at });
    }

    #[test]
    fn a_changed_header_page_is_checked_in_the_foreground() {
        let (dir, db, checked_at) = sealed();
        // A crash or another tool: the time stamp moves on, the seal no longer matches; the file itself is sound.
        let f = std::fs::OpenOptions::new().write(true).open(&db).unwrap();
        let later = std::fs::metadata(&db).unwrap().modified().unwrap() + Duration::from_secs(1);
        f.set_modified(later).unwrap();
        drop(f);
        let store = Store::open(dir.path()).unwrap();
        match store.integrity() {
            Integrity::Verified { at_ms } => assert!(at_ms >= checked_at),
            other => panic!("{other:?}"),
        }
        drop(store);
        // A header byte changed: refused at open, the seal removed.
        let mut f = std::fs::OpenOptions::new().write(true).open(&db).unwrap();
        f.seek(SeekFrom::Start(0)).unwrap();
        f.write_all(b"XQLite").unwrap();
        drop(f);
        let err = Store::open(dir.path()).unwrap_err();
        assert!(matches!(err, StoreError::Corrupt { .. }), "{err}");
        assert!(!seal_path(&db).exists());
    }

    #[test]
    fn a_page_changed_behind_affops_back_is_found_at_open_even_with_its_time_put_back() {
        let (dir, db, _) = sealed();
        corrupt_root_page(&db, "rollup_dirty");
        let err = Store::open(dir.path()).unwrap_err();
        assert!(matches!(err, StoreError::Corrupt { .. }), "{err}");
        assert!(!seal_path(&db).exists());
    }

    #[test]
    fn a_corrupt_page_under_a_valid_seal_is_found_by_the_check_and_writes_are_refused() {
        let (dir, db, _) = sealed();
        bit_rot(&db, "rollup_dirty");
        let store = Store::open(dir.path()).unwrap();
        assert!(
            matches!(store.integrity(), Integrity::Verified { .. }),
            "the seal vouches (nothing changed a time stamp)"
        );
        let found = store.verify().unwrap();
        assert!(matches!(found, Integrity::Corrupt { .. }), "{found:?}");
        assert_refused(&store);
        // Reads of what is sound still answer, so people can export before restoring.
        let n: i64 = store
            .read::<_, StoreError>(|c| {
                Ok(c.query_row("SELECT COUNT(*) FROM programs", [], |r| r.get(0))?)
            })
            .unwrap();
        assert_eq!(n, 1);
        drop(store);
        assert!(
            !seal_path(&db).exists(),
            "a corrupt file is never sealed again"
        );
        let err = Store::open(dir.path()).unwrap_err();
        assert!(matches!(err, StoreError::Corrupt { .. }), "{err}");
    }

    #[test]
    fn an_old_check_runs_again_in_the_background() {
        let (dir, db, _) = sealed();
        bit_rot(&db, "rollup_dirty");
        let options = OpenOptions {
            recheck_after: Duration::ZERO,
            check_delay: Duration::ZERO,
        };
        let store = Store::open_with(dir.path(), options).unwrap();
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while !matches!(store.integrity(), Integrity::Corrupt { .. }) {
            assert!(
                std::time::Instant::now() < deadline,
                "{:?}",
                store.integrity()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        assert_refused(&store);
    }

    #[test]
    fn a_background_check_of_a_sound_file_records_its_time_and_closing_stops_a_pending_one() {
        let (dir, _db, checked_at) = sealed();
        let options = OpenOptions {
            recheck_after: Duration::ZERO,
            check_delay: Duration::ZERO,
        };
        let store = Store::open_with(dir.path(), options).unwrap();
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        loop {
            match store.integrity() {
                Integrity::Verified { at_ms } => {
                    assert!(at_ms >= checked_at);
                    break;
                }
                Integrity::Checking { .. } => {}
                other => panic!("{other:?}"),
            }
            assert!(std::time::Instant::now() < deadline);
            std::thread::sleep(Duration::from_millis(10));
        }
        drop(store);
        let slow = OpenOptions {
            recheck_after: Duration::ZERO,
            check_delay: Duration::from_secs(3600),
        };
        let store = Store::open_with(dir.path(), slow).unwrap();
        assert!(matches!(store.integrity(), Integrity::Checking { .. }));
        drop(store); // returns at once: the pending check is stopped
    }
}
