//! The demo workspace: its casino and broker programs, their sources on the in-process sandbox, and a default
//! commission plan per program (`crates/core/demo/*.json`) with the demo's months computed, so every screen has
//! something true to show on first run.

use super::{off_thread, LayeredSecrets, ProgramSpec, StaticSecrets, Workspace};
use crate::commission::plan::file::PlanFormat;
use crate::commission::plan::saved;
use crate::commission::CommissionResult;
use crate::error::CoreError;
use crate::ingest::types::SyncSummary;
use crate::ingest::{HttpPolicy, ProgressFn, Secrets, SourceConfig, SourceKind, SyncOptions};
use crate::programs::{Program, Vertical};
use crate::store::{Durability, StoreError, StoreResult};
use rusqlite::OptionalExtension;
use std::sync::Arc;

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
    /// The conversions the demo delivers by S2S postback, pixel and batch file instead of its tracker API.
    pub deliveries: Arc<super::DemoDeliveries>,
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

/// How big a demo world to open: the demo month (seconds) or the seed's scale (minutes): a casino with 2,000 new
/// players a day for 90 days and a broker with 150 IBs trading about 40,000 lots a month.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS,
)]
#[serde(rename_all = "snake_case")]
pub enum DemoScale {
    #[default]
    Month,
    Full,
}

impl DemoScale {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Month => "month",
            Self::Full => "full",
        }
    }
}

/// Records the scale the demo was opened at (read back by [`Workspace::demo_scale`]).
pub fn record_demo_scale(
    tx: &rusqlite::Transaction<'_>,
    scale: &str,
    now_ms: i64,
) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO workspace_settings (key, value, updated_at_ms) VALUES ('demo_scale', ?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at_ms = excluded.updated_at_ms",
        rusqlite::params![scale, now_ms],
    )?;
    Ok(())
}

/// The demo programs' default plans: (vertical, plan file).
const DEMO_PLANS: &[(Vertical, &str)] = &[
    (
        Vertical::Igaming,
        include_str!("../../demo/casino-plan.json"),
    ),
    (Vertical::Forex, include_str!("../../demo/broker-plan.json")),
];
/// Demo plans apply from this day (before any demo data).
const DEMO_PLANS_FROM: &str = "2020-01-01";

impl Workspace {
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
        Ok(())
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
        if program.vertical != crate::programs::Vertical::Forex {
            return Err(StoreError::Invalid(format!(
                "the demo broker's program '{}' must be of vertical forex, not {}",
                program.name,
                program.vertical.as_str()
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

    /// Points the demo sources at a running demo sandbox and syncs them: what "Open demo workspace" does.
    pub async fn open_demo(
        &self,
        demo: &DemoEndpoint,
        now_ms: i64,
        progress: ProgressFn,
    ) -> Result<SyncSummary, CoreError> {
        let (ws, d) = (self.clone(), demo.clone());
        off_thread(move || d.set_up(&ws, now_ms)).await?;
        let opts = SyncOptions {
            now_ms,
            policy: HttpPolicy::default(),
            full: false,
        };
        let mut summary = self
            .sync(Arc::new(StaticSecrets::demo()), opts, progress.clone())
            .await?;
        let delivered = self.deliver_demo_channels(demo, now_ms, &progress).await?;
        if !delivered.is_empty() {
            summary.streams.extend(delivered);
            // What the postbacks, pixels and the file brought is attributed, checked and rolled up like a sync's.
            let (ws, progress) = (self.clone(), progress.clone());
            off_thread(move || ws.derive_reporting(now_ms, &*progress)).await?;
        }
        let ws = self.clone();
        off_thread(move || {
            ws.install_demo_commission(now_ms)
                .map_err(|e| CoreError::internal(format!("the demo's commission: {e}")))
        })
        .await?;
        Ok(summary)
    }

    /// The scale the demo was opened at, so "Sync now" serves the same world again.
    pub fn demo_scale(&self) -> StoreResult<DemoScale> {
        let v: Option<String> = self.store.read::<_, StoreError>(|c| {
            Ok(c.query_row(
                "SELECT value FROM workspace_settings WHERE key = 'demo_scale'",
                [],
                |r| r.get(0),
            )
            .optional()?)
        })?;
        Ok(match v.as_deref() {
            Some("full") => DemoScale::Full,
            _ => DemoScale::Month,
        })
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
        full: bool,
        now_ms: i64,
        progress: ProgressFn,
    ) -> Result<SyncSummary, CoreError> {
        if let Some(d) = demo {
            let (ws, d) = (self.clone(), d.clone());
            off_thread(move || d.set_up(&ws, now_ms)).await?;
        }
        let secrets = Arc::new(LayeredSecrets(vec![
            Arc::new(StaticSecrets::demo()),
            secrets,
        ]));
        let opts = SyncOptions {
            now_ms,
            policy: HttpPolicy::default(),
            full,
        };
        self.sync(secrets, opts, progress).await
    }

    /// Gives each demo program its default plan (once: a program that has any plan is left alone) and computes
    /// every month of the demo data into the ledger, so Plans and Statements open on real numbers. Part of
    /// opening the demo: its one audit entry is the front door's.
    pub fn install_demo_commission(&self, now_ms: i64) -> CommissionResult<()> {
        let programs: Vec<Program> = self.store.read(|c| -> CommissionResult<_> {
            let demo: Vec<i64> = c
                .prepare(
                    "SELECT p.id FROM programs p
                      WHERE NOT EXISTS (SELECT 1 FROM plans WHERE program_id = p.id)
                        AND EXISTS (SELECT 1 FROM sources s WHERE s.program_id = p.id AND s.name IN (?1, ?2, ?3))",
                )?
                .query_map([DEMO_TRACKER, DEMO_OPERATOR, DEMO_BROKER], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            Ok(crate::programs::all(c)?.into_iter().filter(|p| demo.contains(&p.id)).collect())
        })?;
        for program in programs {
            let Some((_, text)) = DEMO_PLANS.iter().find(|(v, _)| *v == program.vertical) else {
                continue;
            };
            let plan = crate::commission::plan::file::parse(text, PlanFormat::Json)?;
            self.store.write(|tx| -> CommissionResult<()> {
                let o = saved::save_plan(tx, program.id, &plan, now_ms)?;
                saved::assign(
                    tx,
                    program.id,
                    None,
                    o.plan_id,
                    DEMO_PLANS_FROM,
                    "demo",
                    now_ms,
                )
            })?;
            for month in self.months_with_data(&program.name)? {
                self.store.write_with(Durability::Full, |tx| {
                    crate::commission::compute::compute_in(tx, &program, &month, now_ms).map(|_| ())
                })?;
            }
        }
        Ok(())
    }

    /// `YYYY-MM` of every month in which the program has registrations, activity or deals.
    fn months_with_data(&self, program: &str) -> StoreResult<Vec<String>> {
        self.store.read(|c| {
            let mut stmt = c.prepare(
                "SELECT DISTINCT substr(day, 1, 7) FROM (
                    SELECT pl.day FROM players pl JOIN programs p ON p.id = pl.program_id WHERE p.name = ?1
                    UNION SELECT a.day FROM player_activity_daily a JOIN players pl ON pl.id = a.player_id
                          JOIN programs p ON p.id = pl.program_id WHERE p.name = ?1
                    UNION SELECT d.day FROM deals d JOIN programs p ON p.id = d.program_id WHERE p.name = ?1)
                 ORDER BY 1",
            )?;
            let rows = stmt.query_map([program], |r| r.get(0))?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }
}
