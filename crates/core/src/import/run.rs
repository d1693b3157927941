//! One import run: hash the file, find the header, resolve the mapping, then stream chunks from a parse thread to
//! the writer through a bounded channel. Each chunk commits with the run's checkpoint (byte offset and row), so a
//! run killed at any point resumes exactly where its last commit ended; a file already imported is a no-op.

use super::parse::{parse_chunks, prepare};
pub use super::preview::preview_file;
use super::signals::{missing_signals, missing_signals_ignoring};
use super::write::{Chunk, ChunkWriter};
use super::ImportError;
use crate::import::types::{ColumnMapping, ImportRunSummary};
use crate::ingest::types::Progress;
use crate::ingest::ProgressFn;
use crate::store::{Store, StoreError};
use chrono_tz::Tz;
use rusqlite::{params, OptionalExtension};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

/// Rows per chunk (one raw archive record, one checkpoint update, one sort by click id). Chunks are small enough
/// that a write waiting behind the import waits for one chunk at most (see [`TX_ROWS_MAX`]).
pub const CHUNK_ROWS_MAX: usize = 100_000;
/// Bytes per chunk: also the largest raw payload archived at once.
pub const CHUNK_BYTES_MAX: u64 = 16 * 1024 * 1024;
/// Rows per transaction: chunks are grouped until this many rows, [`TX_TIME_MAX`], or another write waiting for
/// the writer ends the transaction. Random click ids dirty index pages all over the B-tree, and each commit writes
/// every dirty page once: at 10 M rows, 250 k-row commits wrote 44 GB, 1 M-row commits a fraction of it.
pub const TX_ROWS_MAX: u64 = 1_000_000;
/// The WAL may grow to this many pages (4 KiB each) during an import before a commit checkpoints it: bounded
/// disk use, without rewriting the whole index after every transaction.
pub const IMPORT_WAL_AUTOCHECKPOINT_PAGES: i64 = 256 * 1024;
/// The longest an import keeps one transaction open when nothing else is waiting to write.
pub const TX_TIME_MAX: std::time::Duration = std::time::Duration::from_secs(20);
/// The writer's page cache during an import, KiB: holds the click-id index of millions of rows, so inserts with
/// random keys do not go to disk page by page. Given back when the import ends.
pub const IMPORT_CACHE_KIB: i64 = 1024 * 1024;
/// A record longer than this (an unterminated quote swallowing the file) stops the import instead of filling memory.
pub const RECORD_BYTES_MAX: u64 = 1024 * 1024;
/// Chunks parsed ahead of the writer: bounds memory while keeping both threads busy.
const CHANNEL_CHUNKS: usize = 2;
/// Rows shown by a dry run at most.
pub const PREVIEW_ROWS_MAX: usize = 1000;
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

pub struct ImportOptions {
    /// The batch source the file comes from (created on first use).
    pub source: String,
    /// The program a new source belongs to; none named: the workspace's only program (with none or several, a new
    /// source is refused: a file's days and money need its program's zone and currency).
    pub program: Option<String>,
    pub mapping: ColumnMapping,
    /// The wall clock, passed in (domain code never reads it): run start and finish times.
    pub clock: Clock,
    pub chunk_rows: usize,
    /// Rows per transaction at most ([`TX_ROWS_MAX`]).
    pub tx_rows: u64,
    pub progress: Option<ProgressFn>,
}

impl ImportOptions {
    pub fn new(source: &str, mapping: ColumnMapping, clock: Clock) -> Self {
        Self {
            source: source.into(),
            program: None,
            mapping,
            clock,
            chunk_rows: CHUNK_ROWS_MAX,
            tx_rows: TX_ROWS_MAX,
            progress: None,
        }
    }
}

/// The batch source (created on first use) and its program: (source id, program id, program zone, currency,
/// source zone).
fn ensure_source(
    store: &Store,
    opts: &ImportOptions,
    now_ms: i64,
) -> Result<(i64, i64, Tz, String, Tz), ImportError> {
    let (source_id, program_id, ptz, currency, stz): (i64, i64, String, String, String) = store.write::<_, crate::store::StoreError>(|tx| {
        let existing: Option<i64> = tx.query_row("SELECT id FROM sources WHERE name = ?1", [&opts.source], |r| r.get(0)).optional()?;
        let source_id = match existing {
            Some(id) => {
                let feeds: String = tx.query_row("SELECT p.name FROM sources s JOIN programs p ON p.id = s.program_id WHERE s.id = ?1", [id], |r| r.get(0))?;
                match &opts.program {
                    Some(name) if *name != feeds => return Err(StoreError::Invalid(format!("Source: '{}' feeds the program '{feeds}', not '{name}'; choose that program or name another source", opts.source))),
                    _ => id,
                }
            }
            None => {
                let program_id: i64 = match &opts.program {
                    Some(name) => tx
                        .query_row("SELECT id FROM programs WHERE name = ?1", [name], |r| r.get(0))
                        .optional()?
                        .ok_or_else(|| StoreError::Invalid(format!("Program: no program named '{name}'")))?,
                    None => {
                        let ids: Vec<i64> = tx.prepare("SELECT id FROM programs LIMIT 2")?.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
                        match ids[..] {
                            [id] => id,
                            [] => return Err(StoreError::Invalid("Program: this workspace has no program yet; create one first (affops-cli program add, or Programs in the app)".into())),
                            _ => return Err(StoreError::Invalid("Program: name the program the file belongs to (--program)".into())),
                        }
                    }
                };
                tx.execute(
                    "INSERT INTO sources (program_id, name, kind, created_at_ms) VALUES (?1, ?2, 'batch', ?3)",
                    params![program_id, opts.source, now_ms],
                )?;
                tx.last_insert_rowid()
            }
        };
        Ok(tx.query_row(
            "SELECT s.id, s.program_id, p.timezone, p.currency, s.timezone FROM sources s JOIN programs p ON p.id = s.program_id WHERE s.id = ?1",
            [source_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )?)
    })?;
    let zone = |z: &str| {
        crate::time::parse_zone(z)
            .map_err(|e| ImportError::Store(StoreError::Invalid(e.to_string())))
    };
    Ok((source_id, program_id, zone(&ptz)?, currency, zone(&stz)?))
}

/// Imports `path` into the store. A file already imported the same way returns its run with `already_imported`;
/// an interrupted run of the same file resumes from its checkpoint. The summary lists the detection rules the
/// file cannot feed ([`super::signals`]).
pub fn import_file(
    store: &Store,
    path: &Path,
    opts: &ImportOptions,
) -> Result<ImportRunSummary, ImportError> {
    let p = prepare(path, &opts.mapping)?;
    let started_ms = (opts.clock)();
    let (source_id, program_id, program_tz, currency, source_tz) =
        ensure_source(store, opts, started_ms)?;
    let preset = opts.mapping.preset;
    let mapping_json =
        serde_json::to_string(&opts.mapping).map_err(|e| ImportError::Mapping(e.to_string()))?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let previous: Option<(i64, String, i64, i64)> = store.read::<_, crate::store::StoreError>(|c| {
        Ok(c.query_row(
            "SELECT id, status, checkpoint_offset, checkpoint_row FROM import_runs
             WHERE sha256 = ?1 AND preset = ?2 AND source_id = ?3 AND mapping_json = ?4 ORDER BY id DESC LIMIT 1",
            params![p.sha, preset.as_str(), source_id, mapping_json],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?)
    })?;
    let (run_id, start) = match previous {
        Some((id, status, _, _)) if status == "done" => {
            let mut s = super::quarantine::run_summary(store, id)?;
            s.already_imported = true;
            s.missing_signals = missing_signals(&p.resolved, None);
            return Ok(s);
        }
        Some((id, _, offset, row)) => {
            store.write::<_, crate::store::StoreError>(|tx| {
                Ok(tx.execute(
                    "UPDATE import_runs SET status = 'running', message = '' WHERE id = ?1",
                    [id],
                )?)
            })?;
            // Offset 0: the run was recorded but no chunk committed yet.
            (
                id,
                if offset > 0 {
                    (offset as u64, row as u64)
                } else {
                    (p.sniffed.data_offset, 2)
                },
            )
        }
        None => {
            let id = store.write::<_, crate::store::StoreError>(|tx| {
                tx.execute(
                    "INSERT INTO import_runs (source_id, file_name, file_size, sha256, preset, mapping_json, started_at_ms, status,
                                              checkpoint_offset, checkpoint_row)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'running', 0, 0)",
                    params![source_id, file_name, p.size as i64, p.sha, preset.as_str(), mapping_json, started_ms],
                )?;
                Ok(tx.last_insert_rowid())
            })?;
            (id, (p.sniffed.data_offset, 2))
        }
    };
    // Only a run that reads every row here can say a field is empty in every row.
    let from_first_row = start == (p.sniffed.data_offset, 2);
    let mut filled = 0u64;
    let stream = format!("import:{}", preset.as_str());
    let mut writer = ChunkWriter::new(
        source_id,
        program_id,
        currency,
        run_id,
        stream.clone(),
        started_ms,
        program_tz,
    );
    writer.file_name = file_name.clone();
    let clock = Instant::now();
    // For the run's duration: a page cache that holds the indexes, and SQLite's own checkpoint at commit once the
    // WAL is large, instead of the checkpointer's small ones (each transaction dirties index pages all over the tree;
    // checkpointing them every tick rewrites the same pages again and again, and a checkpoint on the writer lets the
    // next transaction reuse the WAL from its start). Connection settings, restored below whatever the outcome.
    let tune = |kib: i64, wal_pages: i64| {
        store.write::<_, crate::store::StoreError>(|t| {
            t.pragma_update(None, "cache_size", -kib)?;
            Ok(t.pragma_update(None, "wal_autocheckpoint", wal_pages)?)
        })
    };
    let bulk = store.bulk_job();
    tune(IMPORT_CACHE_KIB, IMPORT_WAL_AUTOCHECKPOINT_PAGES)?;
    let (tx, rx) = std::sync::mpsc::sync_channel(CHANNEL_CHUNKS);
    let outcome = std::thread::scope(|s| -> Result<(), ImportError> {
        let pref = &p;
        s.spawn(move || {
            parse_chunks(
                path,
                pref,
                (source_tz, program_tz),
                start,
                opts.chunk_rows.max(1),
                tx,
            )
        });
        let tell = |rows: u64, offset: u64| {
            if let Some(progress) = &opts.progress {
                let secs = clock.elapsed().as_secs_f64();
                report(progress, &stream, rows, offset, p.size, secs);
            }
        };
        let mut done_rows = 0u64;
        let mut finished = false;
        while !finished {
            // The first chunk of a transaction is awaited outside it: the writer is not held while the parser works.
            let first = match rx.recv() {
                Ok(msg) => msg?,
                Err(_) => break,
            };
            let mut group = vec![first];
            let mut failed = None;
            let opened = Instant::now();
            store.write::<_, crate::store::StoreError>(|t| {
                writer.begin();
                let mut rows = 0u64;
                // After a retry, the chunks already received are written again first.
                for chunk in &group {
                    writer.write(t, chunk)?;
                    rows += chunk.row_count();
                }
                while rows < opts.tx_rows
                    && opened.elapsed() < TX_TIME_MAX
                    && !store.writers_waiting()
                {
                    match rx.recv() {
                        Ok(Ok(chunk)) => {
                            writer.write(t, &chunk)?;
                            rows += chunk.row_count();
                            tell(done_rows + rows, chunk.end_offset);
                            group.push(chunk);
                        }
                        Ok(Err(e)) => {
                            failed = Some(e);
                            break;
                        }
                        Err(_) => {
                            finished = true;
                            break;
                        }
                    }
                }
                Ok(())
            })?;
            writer.committed();
            done_rows += group.iter().map(Chunk::row_count).sum::<u64>();
            filled = group.iter().fold(filled, |bits, c| bits | c.filled);
            let end_offset = group.last().map_or(0, |c| c.end_offset);
            // Freeing a million small strings takes the writer's time; another thread can do it.
            s.spawn(move || drop(group));
            tell(done_rows, end_offset);
            if let Some(e) = failed {
                return Err(e);
            }
        }
        Ok(())
    });
    drop(bulk);
    tune(
        crate::store::CACHE_KIB,
        crate::store::WAL_AUTOCHECKPOINT_PAGES,
    )?;
    store.checkpoint()?;
    let finished_ms = (opts.clock)();
    let (status, message) = match &outcome {
        Ok(()) => ("done", String::new()),
        Err(e) => ("failed", e.to_string()),
    };
    store.write::<_, crate::store::StoreError>(|t| {
        Ok(t.execute(
            "UPDATE import_runs SET status = ?2, message = ?3, finished_at_ms = ?4 WHERE id = ?1",
            params![run_id, status, message, finished_ms],
        )?)
    })?;
    outcome?;
    let mut summary = super::quarantine::run_summary(store, run_id)?;
    let ignored_fields: Vec<String> = summary
        .ignored_signals
        .iter()
        .map(|i| i.field.clone())
        .collect();
    summary.missing_signals = missing_signals_ignoring(
        &p.resolved,
        from_first_row.then_some(filled),
        &ignored_fields,
    );
    Ok(summary)
}

#[allow(clippy::float_arithmetic)] // a progress percentage and rate for people, never money
fn report(progress: &ProgressFn, stream: &str, rows: u64, offset: u64, size: u64, secs: f64) {
    // Display-only figures: a percentage and a rate, never stored or summed.
    let pct = if size == 0 {
        100.0
    } else {
        offset as f64 * 100.0 / size as f64
    };
    let rate = if secs > 0.0 { rows as f64 / secs } else { 0.0 };
    let total = (offset > 0).then(|| (rows as f64 * size as f64 / offset as f64) as u32);
    progress(Progress {
        step: stream.to_string(),
        done: rows.min(u64::from(u32::MAX)) as u32,
        total,
        steps_done: 0,
        steps_total: 1,
        bytes_done: Some(offset.min(size)),
        bytes_total: Some(size),
        rows_per_second: Some(rate.min(f64::from(u32::MAX)) as u32),
        message: format!("{pct:.1}% of {size} bytes, {rate:.0} rows/s"),
    });
}
