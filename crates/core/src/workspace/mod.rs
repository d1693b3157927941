//! A workspace is a data folder holding one store. This module opens it, syncs it and says what it holds;
//! `derive` keeps what is computed from the events (attribution, fraud flags) current after every sync or import;
//! `demo` sets up the demo workspace's programs, sources and plans (the sandbox itself is started by the shell,
//! never by the core: the core reaches it over HTTP like any real tracker).

pub mod backup;
mod demo;
mod demo_channels;
mod derive;

pub use demo::{
    is_demo_source, record_demo_scale, DemoEndpoint, DemoScale, DEMO_API_KEY, DEMO_BROKER,
    DEMO_OPERATOR, DEMO_TRACKER,
};
pub use demo_channels::{DemoDeliveries, DEMO_FILES, DEMO_POSTBACKS};
pub use derive::DeriveSummary;

use crate::error::CoreError;
use crate::ingest::types::SyncSummary;
use crate::ingest::{sync_all, ProgressFn, Secrets, SourceConfig, SourceKind, SyncOptions};
use crate::store::{Store, StoreError, StoreResult};
use crate::time::Period;
use rusqlite::params;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use ts_rs::TS;

/// The environment variable that overrides the data folder (tests never touch the real app-data folder).
pub const DATA_DIR_ENV: &str = "AFFOPS_DATA_DIR";

#[derive(Debug, Clone)]
pub struct Workspace {
    data_dir: PathBuf,
    store: Arc<Store>,
}

/// A program as the demo (or an import) describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramSpec {
    pub name: String,
    pub vertical: crate::programs::Vertical,
    pub currency: String,
    pub timezone: String,
}

impl Workspace {
    pub fn open(data_dir: &Path) -> StoreResult<Self> {
        Ok(Self {
            data_dir: data_dir.to_path_buf(),
            store: Arc::new(Store::open(data_dir)?),
        })
    }

    pub fn store(&self) -> &Arc<Store> {
        &self.store
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Creates the program if it is new; returns its id.
    pub fn ensure_program(&self, spec: &ProgramSpec, now_ms: i64) -> StoreResult<i64> {
        crate::time::parse_zone(&spec.timezone).map_err(|e| StoreError::Invalid(e.to_string()))?;
        self.store.write(|tx| {
            tx.execute(
                "INSERT INTO programs (name, vertical, currency, timezone, created_at_ms) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (name) DO NOTHING",
                params![spec.name, spec.vertical, spec.currency, spec.timezone, now_ms],
            )?;
            Ok(tx.query_row("SELECT id FROM programs WHERE name = ?1", [&spec.name], |r| r.get(0))?)
        })
    }

    /// Creates or re-points a source (the demo's loopback port changes every run).
    pub fn ensure_source(
        &self,
        program_id: i64,
        name: &str,
        kind: SourceKind,
        base_url: &str,
        config: &SourceConfig,
        now_ms: i64,
    ) -> StoreResult<i64> {
        let config =
            serde_json::to_string(config).map_err(|e| StoreError::Invalid(e.to_string()))?;
        self.store.write(|tx| {
            tx.execute(
                "INSERT INTO sources (program_id, name, kind, base_url, config_json, created_at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (name) DO UPDATE SET base_url = ?4, config_json = ?5",
                params![program_id, name, kind.as_str(), base_url, config, now_ms],
            )?;
            Ok(
                tx.query_row("SELECT id FROM sources WHERE name = ?1", [name], |r| {
                    r.get(0)
                })?,
            )
        })
    }

    /// Syncs every enabled source, then derives what depends on the data (attribution, detection) from whatever
    /// landed; any failed stream turns into one `source_failed` error naming each.
    pub async fn sync(
        &self,
        secrets: Arc<dyn Secrets>,
        opts: SyncOptions,
        progress: ProgressFn,
    ) -> Result<SyncSummary, CoreError> {
        let outcome = sync_all(self.store.clone(), secrets, &opts, progress.clone()).await?;
        let ws = self.clone();
        let now_ms = opts.now_ms;
        off_thread(move || ws.derive_reporting(now_ms, &*progress)).await?;
        outcome.into_result()
    }

    /// The first and last reporting day that hold any program's clicks, players, conversions or deals: the span
    /// of every program's [`crate::programs::data_range`].
    pub fn data_range(&self) -> StoreResult<Option<Period>> {
        self.store.read(|c| {
            let ids: Vec<i64> = c
                .prepare("SELECT id FROM programs")?
                .query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            let mut span: Option<Period> = None;
            for id in ids {
                if let Some(p) = crate::programs::data_range(c, id)? {
                    span = Some(match span {
                        None => p,
                        Some(s) => Period {
                            from: s.from.min(p.from),
                            to: s.to.max(p.to),
                        },
                    });
                }
            }
            Ok(span)
        })
    }

    pub fn status(&self) -> StoreResult<WorkspaceStatus> {
        let data_range = self.data_range()?;
        Ok(WorkspaceStatus {
            data_dir: self.data_dir.display().to_string(),
            has_data: data_range.is_some(),
            data_range,
            freshness: self.freshness()?,
        })
    }

    /// Per source: the last successful and the last attempted sync (for a batch source: file import), and what
    /// it said.
    pub fn freshness(&self) -> StoreResult<Vec<SourceFreshness>> {
        self.store.read(|c| {
            let mut stmt = c.prepare(
                // Pulled sources report their last sync run; batch sources their last import; postback sources
                // (pushed to the listener) their last request received: accepted, or any.
                "SELECT s.name, s.kind,
                    CASE s.kind
                         WHEN 'batch' THEN (SELECT MAX(finished_at_ms) FROM import_runs r WHERE r.source_id = s.id AND r.status = 'done')
                         WHEN 'postback' THEN (SELECT received_at_ms FROM postback_log l WHERE l.source = s.name AND l.outcome <> 'rejected' ORDER BY l.id DESC LIMIT 1)
                         ELSE (SELECT MAX(finished_at_ms) FROM sync_runs r WHERE r.source_id = s.id AND r.status = 'ok') END,
                    CASE s.kind
                         WHEN 'batch' THEN (SELECT finished_at_ms FROM import_runs r WHERE r.source_id = s.id AND r.finished_at_ms IS NOT NULL ORDER BY r.id DESC LIMIT 1)
                         WHEN 'postback' THEN (SELECT received_at_ms FROM postback_log l WHERE l.source = s.name ORDER BY l.id DESC LIMIT 1)
                         ELSE (SELECT finished_at_ms FROM sync_runs r WHERE r.source_id = s.id AND r.finished_at_ms IS NOT NULL ORDER BY r.id DESC LIMIT 1) END,
                    CASE s.kind
                         WHEN 'batch' THEN (SELECT CASE status WHEN 'done' THEN 'ok' ELSE status END FROM import_runs r WHERE r.source_id = s.id AND r.finished_at_ms IS NOT NULL ORDER BY r.id DESC LIMIT 1)
                         WHEN 'postback' THEN (SELECT CASE outcome WHEN 'rejected' THEN 'failed' ELSE 'ok' END FROM postback_log l WHERE l.source = s.name ORDER BY l.id DESC LIMIT 1)
                         ELSE (SELECT status FROM sync_runs r WHERE r.source_id = s.id AND r.finished_at_ms IS NOT NULL ORDER BY r.id DESC LIMIT 1) END,
                    CASE s.kind
                         WHEN 'batch' THEN (SELECT file_name || ': ' || rows_ok || ' rows, ' || rows_quarantined || ' quarantined' FROM import_runs r WHERE r.source_id = s.id AND r.finished_at_ms IS NOT NULL ORDER BY r.id DESC LIMIT 1)
                         WHEN 'postback' THEN (SELECT 'last request ' || outcome || CASE WHEN reason <> '' THEN ': ' || reason ELSE '' END FROM postback_log l WHERE l.source = s.name ORDER BY l.id DESC LIMIT 1)
                         ELSE (SELECT message FROM sync_runs r WHERE r.source_id = s.id AND r.finished_at_ms IS NOT NULL ORDER BY r.id DESC LIMIT 1) END
                 FROM sources s ORDER BY s.id",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok(SourceFreshness {
                    source: r.get(0)?,
                    kind: r.get(1)?,
                    last_success_at_ms: r.get(2)?,
                    last_attempt_at_ms: r.get(3)?,
                    last_status: r.get::<_, Option<String>>(4)?.unwrap_or_else(|| "never".into()),
                    last_message: r.get::<_, Option<String>>(5)?.unwrap_or_default(),
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }
}

/// Secrets looked up in order: the first store that has a key for the source answers.
pub struct LayeredSecrets(pub Vec<Arc<dyn Secrets>>);

impl Secrets for LayeredSecrets {
    fn api_key(&self, source_name: &str) -> Option<String> {
        self.0.iter().find_map(|s| s.api_key(source_name))
    }
}

/// Secrets held in memory, for the demo and for tests. Real sources read the OS keychain.
#[derive(Debug, Clone, Default)]
pub struct StaticSecrets(pub HashMap<String, String>);

impl StaticSecrets {
    /// The demo's sources with the demo key.
    pub fn demo() -> Self {
        Self(HashMap::from([
            (DEMO_TRACKER.to_string(), DEMO_API_KEY.to_string()),
            (DEMO_OPERATOR.to_string(), DEMO_API_KEY.to_string()),
            (DEMO_BROKER.to_string(), DEMO_API_KEY.to_string()),
        ]))
    }
}

impl crate::ingest::Secrets for StaticSecrets {
    fn api_key(&self, source_name: &str) -> Option<String> {
        self.0.get(source_name).cloned()
    }
}

/// Runs blocking store work on the blocking pool, so an async caller (the shell, the CLI's runtime) never stalls.
pub async fn off_thread<T, E>(
    job: impl FnOnce() -> Result<T, E> + Send + 'static,
) -> Result<T, CoreError>
where
    T: Send + 'static,
    E: Into<CoreError> + Send + 'static,
{
    tokio::task::spawn_blocking(job)
        .await
        .map_err(|e| CoreError::internal(format!("a background task failed: {e}")))?
        .map_err(Into::into)
}

/// How fresh one source's data is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SourceFreshness {
    pub source: String,
    pub kind: String,
    /// When the last successful sync finished (Unix ms), if ever.
    #[ts(type = "number | null")]
    pub last_success_at_ms: Option<i64>,
    /// When the last sync attempt finished (Unix ms), if ever.
    #[ts(type = "number | null")]
    pub last_attempt_at_ms: Option<i64>,
    /// `ok`, `failed` or `never`.
    pub last_status: String,
    /// The last attempt's message: rows synced, or the reason it failed.
    pub last_message: String,
}

/// What the first screen needs to decide between "Open demo workspace" and the dashboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct WorkspaceStatus {
    pub data_dir: String,
    /// True once any source has synced rows into this workspace.
    pub has_data: bool,
    /// The full range of days that hold data, if any.
    pub data_range: Option<Period>,
    pub freshness: Vec<SourceFreshness>,
}
