//! A workspace is a data folder holding one store. This module opens it, says what it holds, and sets up the
//! demo workspace's program and sources (the sandbox itself is started by the shell, never by the core: the core
//! reaches it over HTTP like any real tracker).

use crate::api::{ApiError, ErrorCode, Period, SourceFreshness, SyncSummary, WorkspaceStatus};
use crate::ingest::{
    sync_all, HttpPolicy, ProgressFn, Secrets, SourceConfig, SourceKind, SyncOptions,
};
use crate::store::{Store, StoreError, StoreResult};
use rusqlite::{params, OptionalExtension};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The environment variable that overrides the data folder (tests never touch the real app-data folder).
pub const DATA_DIR_ENV: &str = "AFFOPS_DATA_DIR";

/// The API key the built-in demo tracker and operator accept. Not a secret: the demo runs on loopback only.
pub const DEMO_API_KEY: &str = "affops-demo-key";
pub const DEMO_TRACKER: &str = "Demo tracker";
pub const DEMO_OPERATOR: &str = "Demo operator";
/// The demo Forex broker's back-office: an operator source of the broker's program (vertical 'forex').
pub const DEMO_BROKER: &str = "Demo broker";

/// The demo's own sources (their key is built in).
pub fn is_demo_source(name: &str) -> bool {
    name == DEMO_TRACKER || name == DEMO_OPERATOR || name == DEMO_BROKER
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        ApiError::new(ErrorCode::Storage, e.to_string())
    }
}

#[derive(Debug, Clone)]
pub struct Workspace {
    data_dir: PathBuf,
    store: Arc<Store>,
}

/// A program as the demo (or an import) describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramSpec {
    pub name: String,
    pub vertical: String,
    pub currency: String,
    pub timezone: String,
}

/// Where the demo sandbox listens and what it simulates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoEndpoint {
    pub base_url: String,
    pub program: ProgramSpec,
    /// The demo's Forex broker (vertical 'forex'), a second program with its own operator source on the same
    /// sandbox; `None` when the sandbox world has no broker.
    pub broker: Option<ProgramSpec>,
    /// The first day of the demo world; windowed streams are fetched from here.
    pub since_day: String,
}

impl DemoEndpoint {
    /// Sets up every program and source of the demo (blocking: store writes).
    fn set_up(&self, ws: &Workspace, now_ms: i64) -> StoreResult<()> {
        ws.setup_demo(&self.program, &self.base_url, &self.since_day, now_ms)?;
        if let Some(broker) = &self.broker {
            ws.setup_demo_broker(broker, &self.base_url, &self.since_day, now_ms)?;
        }
        Ok(())
    }
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

    /// Sets up the demo program with its tracker and operator sources pointing at `base_url`.
    pub fn setup_demo(
        &self,
        program: &ProgramSpec,
        base_url: &str,
        since_day: &str,
        now_ms: i64,
    ) -> StoreResult<()> {
        let program_id = self.ensure_program(program, now_ms)?;
        let config = SourceConfig {
            since: Some(since_day.to_string()),
            page_size: 200,
            ..SourceConfig::default()
        };
        self.ensure_source(
            program_id,
            DEMO_TRACKER,
            SourceKind::Everflow,
            base_url,
            &config,
            now_ms,
        )?;
        self.ensure_source(
            program_id,
            DEMO_OPERATOR,
            SourceKind::Operator,
            base_url,
            &config,
            now_ms,
        )?;
        self.store.write(|tx| {
            let n: i64 = tx.query_row(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'workspace.open_demo'",
                [],
                |r| r.get(0),
            )?;
            if n == 0 {
                crate::audit::append(
                    tx,
                    now_ms,
                    "system",
                    "workspace.open_demo",
                    "program",
                    &program.name,
                    &serde_json::json!({}),
                )?;
            }
            Ok(())
        })
    }

    /// Sets up the demo Forex broker: a program of vertical 'forex' and its back-office as an operator source
    /// (an operator source serves its program's vertical: here IBs, accounts, symbols and deals).
    pub fn setup_demo_broker(
        &self,
        program: &ProgramSpec,
        base_url: &str,
        since_day: &str,
        now_ms: i64,
    ) -> StoreResult<i64> {
        if program.vertical != "forex" {
            return Err(StoreError::Invalid(format!(
                "the demo broker's program '{}' must be of vertical forex, not {}",
                program.name, program.vertical
            )));
        }
        let program_id = self.ensure_program(program, now_ms)?;
        let config = SourceConfig {
            since: Some(since_day.to_string()),
            page_size: 500,
            ..SourceConfig::default()
        };
        self.ensure_source(
            program_id,
            DEMO_BROKER,
            SourceKind::Operator,
            base_url,
            &config,
            now_ms,
        )
    }

    /// Syncs every enabled source; any failed stream turns into one `source_failed` error naming each.
    pub async fn sync(
        &self,
        secrets: Arc<dyn Secrets>,
        opts: SyncOptions,
        progress: ProgressFn,
    ) -> Result<SyncSummary, ApiError> {
        sync_all(self.store.clone(), secrets, &opts, progress)
            .await?
            .into_result()
    }

    /// Points the demo sources at a running demo sandbox and syncs them: what "Open demo workspace" does.
    pub async fn open_demo(
        &self,
        demo: &DemoEndpoint,
        now_ms: i64,
        progress: ProgressFn,
    ) -> Result<SyncSummary, ApiError> {
        let (ws, d) = (self.clone(), demo.clone());
        tokio::task::spawn_blocking(move || d.set_up(&ws, now_ms))
            .await
            .map_err(|e| {
                ApiError::new(
                    ErrorCode::Internal,
                    format!("a background task failed: {e}"),
                )
            })??;
        let opts = SyncOptions {
            now_ms,
            policy: HttpPolicy::default(),
            full: false,
        };
        self.sync(Arc::new(StaticSecrets::demo()), opts, progress)
            .await
    }

    /// Whether the demo sources are configured (then "Sync now" needs the demo sandbox running).
    pub fn has_demo_sources(&self) -> StoreResult<bool> {
        self.store.read(|c| {
            Ok(c.query_row(
                "SELECT EXISTS (SELECT 1 FROM sources WHERE name = ?1)",
                [DEMO_TRACKER],
                |r| r.get(0),
            )?)
        })
    }

    /// "Sync now": re-points the demo sources when a demo sandbox is given, then syncs every enabled source with
    /// keys from `secrets` (the demo's own key first).
    pub async fn sync_now(
        &self,
        demo: Option<&DemoEndpoint>,
        secrets: Arc<dyn Secrets>,
        now_ms: i64,
        progress: ProgressFn,
    ) -> Result<SyncSummary, ApiError> {
        if let Some(d) = demo {
            let (ws, d) = (self.clone(), d.clone());
            tokio::task::spawn_blocking(move || d.set_up(&ws, now_ms))
                .await
                .map_err(|e| {
                    ApiError::new(
                        ErrorCode::Internal,
                        format!("a background task failed: {e}"),
                    )
                })??;
        }
        let secrets = Arc::new(LayeredSecrets(vec![
            Arc::new(StaticSecrets::demo()),
            secrets,
        ]));
        let opts = SyncOptions {
            now_ms,
            policy: HttpPolicy::default(),
            full: false,
        };
        self.sync(secrets, opts, progress).await
    }

    /// The first and last reporting day that hold any click, registration or conversion.
    pub fn data_range(&self) -> StoreResult<Option<Period>> {
        self.store.read(|c| {
            let range: Option<(String, String)> = c
                .query_row(
                    "SELECT MIN(d), MAX(d) FROM (
                        SELECT MIN(day) AS d FROM clicks UNION ALL SELECT MAX(day) FROM clicks
                        UNION ALL SELECT MIN(day) FROM players UNION ALL SELECT MAX(day) FROM players
                        UNION ALL SELECT MIN(day) FROM conversions UNION ALL SELECT MAX(day) FROM conversions)
                     WHERE d IS NOT NULL HAVING COUNT(*) > 0",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            Ok(range.map(|(from, to)| Period { from, to }))
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

    /// Per source: the last successful and the last attempted sync, and what it said.
    pub fn freshness(&self) -> StoreResult<Vec<SourceFreshness>> {
        self.store.read(|c| {
            let mut stmt = c.prepare(
                "SELECT s.name, s.kind,
                    (SELECT MAX(finished_at_ms) FROM sync_runs r WHERE r.source_id = s.id AND r.status = 'ok'),
                    (SELECT finished_at_ms FROM sync_runs r WHERE r.source_id = s.id AND r.finished_at_ms IS NOT NULL ORDER BY r.id DESC LIMIT 1),
                    (SELECT status FROM sync_runs r WHERE r.source_id = s.id AND r.finished_at_ms IS NOT NULL ORDER BY r.id DESC LIMIT 1),
                    (SELECT message FROM sync_runs r WHERE r.source_id = s.id AND r.finished_at_ms IS NOT NULL ORDER BY r.id DESC LIMIT 1)
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
