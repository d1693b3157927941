//! Syncing every enabled source: each stream is paged from its checkpoint; each page is archived raw, validated
//! item by item (bad items go to quarantine with their reason), applied, and its checkpoint advanced — all in one
//! write transaction, so a crash or a failed page leaves no half-written page and the next sync resumes there.

use super::http::{fetch_page, HttpPolicy};
use super::raw::{self, RawPayload};
use super::records::ItemResult;
use super::stream::Record;
use super::stream::{Position, SourceKind, StreamKind, Vertical, Window};
use super::upsert::{self, Outcome, PageContext};
use crate::ingest::types::{Progress, StreamSyncResult, SyncSummary};
use crate::store::{Store, StoreError, StoreResult};
use crate::time::{day_start_ms, parse_day, parse_zone};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Non-secret settings of a source, stored as `sources.config_json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceConfig {
    /// Fetch windowed streams from this day on (`YYYY-MM-DD`, program zone); otherwise the last `window_days`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    #[serde(default = "SourceConfig::default_window_days")]
    pub window_days: u32,
    #[serde(default = "SourceConfig::default_page_size")]
    pub page_size: u32,
    /// How far back an incremental pass reaches before the end of the previous window.
    #[serde(default = "SourceConfig::default_overlap_minutes")]
    pub overlap_minutes: u32,
}

impl SourceConfig {
    fn default_window_days() -> u32 {
        90
    }
    fn default_page_size() -> u32 {
        500
    }
    fn default_overlap_minutes() -> u32 {
        60
    }
}

impl Default for SourceConfig {
    fn default() -> Self {
        Self {
            since: None,
            window_days: Self::default_window_days(),
            page_size: Self::default_page_size(),
            overlap_minutes: Self::default_overlap_minutes(),
        }
    }
}

/// Where a source's credentials come from. They are never stored in the database.
pub trait Secrets: Send + Sync {
    fn api_key(&self, source_name: &str) -> Option<String>;
}

/// Receives progress reports; the desktop shell forwards them to the UI, the CLI draws a bar.
pub type ProgressFn = Arc<dyn Fn(Progress) + Send + Sync>;

pub struct SyncOptions {
    /// The instant the sync runs at (passed in: domain code never reads the clock).
    pub now_ms: i64,
    pub policy: HttpPolicy,
    /// Ignore completed checkpoints and fetch every window from its configured start.
    pub full: bool,
}

/// A stream that could not be synced, and why, in words for the person who runs the sync.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamFailure {
    pub source: String,
    pub stream: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncReport {
    pub summary: SyncSummary,
    pub failures: Vec<StreamFailure>,
}

impl SyncReport {
    /// The summary, or a `source_failed` error that names every stream that failed and why.
    pub fn into_result(self) -> Result<SyncSummary, crate::error::CoreError> {
        if self.failures.is_empty() {
            return Ok(self.summary);
        }
        let n = self.failures.len();
        let list: Vec<String> = self.failures.into_iter().map(|f| f.message).collect();
        Err(crate::error::CoreError::source_failed(
            format!(
                "{n} stream{} failed; the rest synced, and the next sync resumes where each stopped. {}",
                if n == 1 { "" } else { "s" },
                list.join(" | ")
            ),
        ))
    }
}

#[derive(Debug, Clone)]
struct SourceRow {
    id: i64,
    program_id: i64,
    name: String,
    kind: SourceKind,
    /// The vertical of the source's program: it decides which streams an operator source has.
    vertical: Vertical,
    base_url: String,
    program_tz: String,
    config: SourceConfig,
}

fn load_sources(store: &Store) -> StoreResult<Vec<SourceRow>> {
    store.read(|c| {
        let mut stmt = c.prepare(
            "SELECT s.id, s.program_id, s.name, s.kind, COALESCE(s.base_url, ''), p.timezone, s.config_json, p.vertical
             FROM sources s JOIN programs p ON p.id = s.program_id
             WHERE s.enabled = 1 AND s.kind IN ('everflow', 'affise', 'tune', 'operator') ORDER BY s.id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?, r.get(4)?, r.get(5)?, r.get::<_, String>(6)?, r.get::<_, String>(7)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, program_id, name, kind, base_url, program_tz, config, vertical) = row?;
            let kind = SourceKind::parse(&kind).ok_or_else(|| StoreError::Invalid(format!("source {name}: unknown kind {kind}")))?;
            let vertical = Vertical::parse(&vertical).ok_or_else(|| StoreError::Invalid(format!("source {name}: unknown vertical {vertical}")))?;
            let config: SourceConfig = serde_json::from_str(&config)
                .map_err(|e| StoreError::Invalid(format!("source {name}: bad settings: {e}")))?;
            out.push(SourceRow { id, program_id, name, kind, vertical, base_url, program_tz, config });
        }
        Ok(out)
    })
}

/// Syncs every enabled source. A failing stream does not stop the others; it is reported in `failures` and
/// resumes from its checkpoint next time. Errors of the local store abort the whole sync.
pub async fn sync_all(
    store: Arc<Store>,
    secrets: Arc<dyn Secrets>,
    opts: &SyncOptions,
    progress: ProgressFn,
) -> StoreResult<SyncReport> {
    let started = std::time::Instant::now();
    let sources = {
        let s = store.clone();
        blocking(move || load_sources(&s)).await?
    };
    let mut plan: Vec<(StreamKind, &SourceRow)> = sources
        .iter()
        .flat_map(|s| s.kind.streams(s.vertical).iter().map(move |k| (*k, s)))
        .collect();
    plan.sort_by_key(|(k, s)| (*k, s.id));
    let client = opts
        .policy
        .client()
        .map_err(|e| StoreError::Invalid(format!("cannot set up the HTTP client: {e}")))?;

    let mut run_ids = Vec::new();
    for s in &sources {
        let (st, id, now) = (store.clone(), s.id, opts.now_ms);
        let run = blocking(move || {
            st.write(|tx| {
                tx.execute("INSERT INTO sync_runs (source_id, started_at_ms, status) VALUES (?1, ?2, 'running')", params![id, now])?;
                Ok(tx.last_insert_rowid())
            })
        })
        .await?;
        run_ids.push((s.id, run));
    }

    let mut report = SyncReport {
        summary: SyncSummary {
            streams: Vec::new(),
            elapsed_ms: 0,
        },
        failures: Vec::new(),
    };
    let steps_total = plan.len() as u32;
    for (i, (kind, source)) in plan.iter().enumerate() {
        let step = StepInfo {
            index: i as u32,
            total: steps_total,
        };
        let label = format!("{}/{}", source.name, kind.as_str());
        let outcome = match secrets.api_key(&source.name) {
            None => Err(format!(
                "no API key is configured for source '{}'",
                source.name
            )),
            Some(key) => {
                sync_stream(&store, &client, opts, source, *kind, &key, step, &progress).await?
            }
        };
        match outcome {
            Ok(result) => report.summary.streams.push(result),
            Err(message) => report.failures.push(StreamFailure {
                source: source.name.clone(),
                stream: kind.as_str().to_string(),
                message: format!("{label}: {message}"),
            }),
        }
    }
    progress(Progress {
        step: "done".into(),
        done: 0,
        total: None,
        steps_done: steps_total,
        steps_total,
        bytes_done: None,
        bytes_total: None,
        rows_per_second: None,
        message: if report.failures.is_empty() {
            "Sync finished".into()
        } else {
            "Sync finished with errors".into()
        },
    });

    {
        let st = store.clone();
        blocking(move || st.write(crate::rollups::refresh)).await?;
    }
    for (source_id, run_id) in run_ids {
        let name = sources
            .iter()
            .find(|s| s.id == source_id)
            .map(|s| s.name.clone())
            .unwrap_or_default();
        let failed: Vec<&str> = report
            .failures
            .iter()
            .filter(|f| f.source == name)
            .map(|f| f.message.as_str())
            .collect();
        let fetched: u32 = report
            .summary
            .streams
            .iter()
            .filter(|r| r.source == name)
            .map(|r| r.rows_fetched)
            .sum();
        let changed: u32 = report
            .summary
            .streams
            .iter()
            .filter(|r| r.source == name)
            .map(|r| r.rows_inserted + r.rows_updated)
            .sum();
        let (status, message) = if failed.is_empty() {
            (
                "ok",
                format!("{fetched} rows fetched, {changed} new or changed"),
            )
        } else {
            ("failed", failed.join("; "))
        };
        let (st, now) = (store.clone(), opts.now_ms);
        blocking(move || {
            st.write(|tx| {
                tx.execute(
                    "UPDATE sync_runs SET finished_at_ms = ?2, status = ?3, rows_fetched = ?4, rows_changed = ?5, message = ?6 WHERE id = ?1",
                    params![run_id, now, status, fetched, changed, message],
                )?;
                Ok(())
            })
        })
        .await?;
    }
    report.summary.elapsed_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    Ok(report)
}

#[derive(Clone, Copy)]
struct StepInfo {
    index: u32,
    total: u32,
}

/// What the store remembers of a stream.
enum Checkpoint {
    /// A pass stopped part-way (a failed page, a crash): resume at this position with the same window.
    Resume { position: Position, window: Window },
    /// The last pass finished; a windowed stream continues from where that window ended.
    Completed { window_to_ms: i64 },
}

fn load_checkpoint(store: &Store, source_id: i64, stream: &str) -> StoreResult<Option<Checkpoint>> {
    store.read(|c| {
        let row: Option<(String, Option<String>, Option<String>)> = c
            .query_row(
                "SELECT cursor, window_from, window_to FROM sync_checkpoints WHERE source_id = ?1 AND stream = ?2",
                params![source_id, stream],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((cursor, from, to)) = row else { return Ok(None) };
        let from = from.and_then(|f| f.parse().ok());
        let to = to.and_then(|t| t.parse().ok());
        Ok(match (Position::from_checkpoint(&cursor), from, to) {
            (Some(position), Some(from_ms), Some(to_ms)) => Some(Checkpoint::Resume { position, window: Window { from_ms, to_ms } }),
            (None, _, Some(window_to_ms)) if cursor.is_empty() => Some(Checkpoint::Completed { window_to_ms }),
            // An unreadable cursor is a dead cursor: start the window over (dedupe makes the overlap harmless).
            _ => None,
        })
    })
}

/// The window of a new pass: from the configured start (or the last `window_days`), or — after a completed
/// pass — from the end of the last window minus the overlap, so late-arriving rows near the edge are not missed.
fn next_window(
    source: &SourceRow,
    kind: StreamKind,
    previous_to_ms: Option<i64>,
    now_ms: i64,
) -> Result<Window, String> {
    let tz = parse_zone(&source.program_tz).map_err(|e| e.to_string())?;
    let start_ms = match &source.config.since {
        Some(day) => day_start_ms(parse_day(day).map_err(|e| e.to_string())?, tz),
        None => now_ms - i64::from(source.config.window_days) * 86_400_000,
    };
    let from_ms = match previous_to_ms {
        Some(to) if kind.windowed() => {
            (to - i64::from(source.config.overlap_minutes) * 60_000).max(start_ms)
        }
        // The first pass of the changes feed has nothing to catch up on: the conversions stream of the same
        // sync has just fetched every conversion in its current state, with the tracker's update time of each
        // (how a one-shot historical sync sees that an approval came days after the conversion: status lag).
        // Later passes take changes since then.
        None if kind == StreamKind::ConversionChanges => now_ms,
        _ => start_ms,
    };
    Ok(Window {
        from_ms,
        to_ms: now_ms.max(from_ms),
    })
}

/// Syncs one stream from its checkpoint to the end. `Ok(Err(message))` is a remote failure (reported, resumable);
/// `Err` is a local store failure.
#[allow(clippy::too_many_arguments)]
async fn sync_stream(
    store: &Arc<Store>,
    client: &reqwest::Client,
    opts: &SyncOptions,
    source: &SourceRow,
    kind: StreamKind,
    api_key: &str,
    step: StepInfo,
    progress: &ProgressFn,
) -> StoreResult<Result<StreamSyncResult, String>> {
    let tz = match parse_zone(&source.program_tz) {
        Ok(tz) => tz,
        Err(e) => return Ok(Err(e.to_string())),
    };
    let resumed = {
        let (st, id) = (store.clone(), source.id);
        blocking(move || load_checkpoint(&st, id, kind.as_str())).await?
    };
    let mut resumed_mid_stream = matches!(resumed, Some(Checkpoint::Resume { .. }));
    let (mut position, window) = match resumed {
        Some(Checkpoint::Resume { position, window }) => (position, window),
        other => {
            let previous_to = match other {
                Some(Checkpoint::Completed { window_to_ms }) if !opts.full => Some(window_to_ms),
                _ => None,
            };
            match next_window(source, kind, previous_to, opts.now_ms) {
                Ok(w) => (kind.first_position(), w),
                Err(e) => return Ok(Err(e)),
            }
        }
    };
    let label = format!("{}/{}", source.name, kind.as_str());
    let mut result = StreamSyncResult {
        source: source.name.clone(),
        stream: kind.as_str().to_string(),
        pages: 0,
        rows_fetched: 0,
        rows_inserted: 0,
        rows_updated: 0,
        rows_quarantined: 0,
    };
    let page_size = source.config.page_size.max(1);
    // The write of page k runs on the blocking pool while page k+1 is fetched; page k+1's write starts only after
    // page k's has committed, so checkpoints advance in order and a failure leaves no gap.
    let mut pending: Option<PendingWrite> = None;
    loop {
        let page_label = position.label(result.pages + 1 + u32::from(pending.is_some()));
        let fetched = fetch_page(
            &opts.policy,
            || {
                kind.request(
                    client,
                    &source.base_url,
                    api_key,
                    &position,
                    page_size,
                    &window,
                )
            },
            |body| kind.parse_envelope(body),
        )
        .await;
        // Validate every item and hash the page off the writer, while the previous page is still being written:
        // the writer's critical path is then only the writes.
        let fetched = match fetched {
            Ok((body, envelope)) => {
                let key = api_key.to_string();
                Ok(tokio::task::spawn_blocking(move || {
                    let parsed = envelope.items.iter().map(|i| kind.parse_item(i)).collect();
                    // A page that echoes the key (TUNE's `request` block) is archived without it.
                    let kept = raw::without_secret(&body, &key);
                    (RawPayload::prepare(&kept), envelope, parsed)
                })
                .await
                .map_err(|e| StoreError::Invalid(format!("a background task failed: {e}")))?)
            }
            Err(e) => Err(e),
        };
        if let Some(p) = pending.take() {
            p.finish(&mut result, &label, step, progress).await?;
        }
        let (raw, envelope, parsed) = match fetched {
            Ok(ok) => ok,
            // RELIABILITY.md I7: a saved cursor the source no longer knows is a dead cursor; fall back to
            // re-fetching the window from its start (natural keys make the overlap harmless), once.
            Err(e)
                if resumed_mid_stream
                    && matches!(e.last_status, Some(400 | 404 | 410))
                    && result.pages == 0 =>
            {
                resumed_mid_stream = false;
                position = kind.first_position();
                continue;
            }
            Err(e) => {
                let reason = raw::redact_text(&format!("{page_label}: {e}"), api_key);
                if let Some(body) = e.last_body {
                    let body = raw::without_secret(&body, api_key).into_owned();
                    let (st, src, prog, now, stream) = (
                        store.clone(),
                        source.id,
                        source.program_id,
                        opts.now_ms,
                        kind.as_str(),
                    );
                    let (loc, why) = (page_label.clone(), reason.clone());
                    blocking(move || {
                        st.write(|tx| {
                            let ctx = PageContext::new(src, prog, tz, now, stream);
                            upsert::quarantine(tx, &ctx, &loc, None, &why, &body, None)
                        })
                    })
                    .await?;
                }
                return Ok(Err(reason));
            }
        };
        let next = envelope.next.clone();
        let total = envelope.total;
        let st = store.clone();
        let ctx_parts = (source.id, source.program_id, opts.now_ms, kind.as_str());
        let page = FetchedPage {
            label: page_label,
            raw,
            envelope,
            parsed,
            next_checkpoint: next
                .as_ref()
                .map(Position::to_checkpoint)
                .unwrap_or_default(),
            window: window.clone(),
        };
        let handle = tokio::task::spawn_blocking(move || {
            st.write(|tx| {
                let ctx = PageContext::new(ctx_parts.0, ctx_parts.1, tz, ctx_parts.2, ctx_parts.3);
                write_page(tx, &ctx, &page)
            })
        });
        pending = Some(PendingWrite { handle, total });
        match next {
            Some(p) => position = p,
            None => break,
        }
    }
    if let Some(p) = pending.take() {
        p.finish(&mut result, &label, step, progress).await?;
    }
    Ok(Ok(result))
}

/// A page write under way on the blocking pool.
struct PendingWrite {
    handle: tokio::task::JoinHandle<StoreResult<PageCounts>>,
    total: Option<u32>,
}

impl PendingWrite {
    async fn finish(
        self,
        result: &mut StreamSyncResult,
        label: &str,
        step: StepInfo,
        progress: &ProgressFn,
    ) -> StoreResult<()> {
        let written = self
            .handle
            .await
            .map_err(|e| StoreError::Invalid(format!("a background task failed: {e}")))?;
        let counts = written?;
        result.pages += 1;
        result.rows_fetched += counts.fetched;
        result.rows_inserted += counts.inserted;
        result.rows_updated += counts.updated;
        result.rows_quarantined += counts.quarantined;
        progress(Progress {
            step: label.to_string(),
            done: result.rows_fetched,
            total: self.total,
            steps_done: step.index,
            steps_total: step.total,
            bytes_done: None,
            bytes_total: None,
            rows_per_second: None,
            message: format!("{label}: {} rows", result.rows_fetched),
        });
        Ok(())
    }
}

#[derive(Default)]
struct PageCounts {
    fetched: u32,
    inserted: u32,
    updated: u32,
    quarantined: u32,
}

/// A page as fetched, its items validated and its bytes hashed and compressed, with where the stream goes next.
struct FetchedPage {
    label: String,
    raw: RawPayload,
    envelope: super::stream::Envelope,
    /// One result per item of `envelope.items`, in order.
    parsed: Vec<ItemResult<Record>>,
    next_checkpoint: String,
    window: Window,
}

/// One page, one transaction: raw archive, every item applied or quarantined, checkpoint advanced.
fn write_page(
    tx: &rusqlite::Transaction<'_>,
    ctx: &PageContext<'_>,
    page: &FetchedPage,
) -> StoreResult<PageCounts> {
    let FetchedPage {
        label: page_label,
        raw,
        envelope,
        parsed,
        next_checkpoint,
        window,
    } = page;
    let raw_id = super::raw::archive(tx, ctx, page_label, raw)?;
    let mut counts = PageCounts::default();
    let results = super::upsert_batch::apply_page(tx, ctx, raw_id, parsed)?;
    for (i, (item, applied)) in envelope.items.iter().zip(results).enumerate() {
        counts.fetched += 1;
        match applied {
            Ok(Outcome::Inserted) => counts.inserted += 1,
            Ok(Outcome::Updated) => counts.updated += 1,
            Ok(Outcome::Unchanged) => {}
            Err((field, reason)) => {
                counts.quarantined += 1;
                upsert::quarantine(
                    tx,
                    ctx,
                    &format!("{page_label} item {}", i + 1),
                    field.as_deref(),
                    &reason,
                    item.get().as_bytes(),
                    Some(raw_id),
                )?;
            }
        }
    }
    tx.prepare_cached(
        "INSERT INTO sync_checkpoints (source_id, stream, cursor, window_from, window_to, updated_at_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (source_id, stream) DO UPDATE SET cursor = ?3, window_from = ?4, window_to = ?5, updated_at_ms = ?6",
    )?
    .execute(params![ctx.source_id, ctx.stream, next_checkpoint, window.from_ms.to_string(), window.to_ms.to_string(), ctx.now_ms])?;
    Ok(counts)
}

/// Runs blocking store work off the async runtime.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> StoreResult<T> + Send + 'static,
) -> StoreResult<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| StoreError::Invalid(format!("a background task failed: {e}")))?
}
