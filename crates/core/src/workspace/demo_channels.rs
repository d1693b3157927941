//! The demo's conversions that do not come by the tracker's API, delivered the way real ones are: S2S postbacks
//! and pixel hits at Affops' own listener (started on loopback for the delivery, its clock set to each
//! conversion's instant, since the demo replays a past month), and the network's batch file through the
//! `conversions` import. So the coverage report shows all four arrivals — S2S, pixel, batch, API — on the demo.

use super::{DemoEndpoint, Workspace, DEMO_API_KEY};
use crate::error::CoreError;
use crate::import::run::{import_file, ImportOptions};
use crate::import::types::{ColumnMapping, ImportPreset};
use crate::ingest::types::{Progress, StreamSyncResult};
use crate::ingest::ProgressFn;
use crate::postback::server::{start, ListenerOptions};
use crate::postback::{MemorySecrets, PostbackCredentials};
use crate::store::{StoreError, StoreResult};
use rusqlite::{params, OptionalExtension};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// The demo's postback source: S2S postbacks at `/postback/demo-postbacks`, pixels at `/pixel/demo-postbacks.gif`.
pub const DEMO_POSTBACKS: &str = "demo-postbacks";
/// The batch source of the demo network's conversion files.
pub const DEMO_FILES: &str = "Demo network files";
/// Progress is reported every this many deliveries.
const PROGRESS_EVERY: usize = 250;

/// What the demo sandbox delivers outside its tracker API: each postback or pixel hit as (instant in Unix ms,
/// `path?query`), in sending order, and the batch file's text (the `conversions` layout; empty for none).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DemoDeliveries {
    pub http: Vec<(i64, String)>,
    pub batch_csv: String,
}

impl DemoDeliveries {
    pub fn is_empty(&self) -> bool {
        self.http.is_empty() && self.batch_csv.is_empty()
    }
}

impl Workspace {
    /// The demo postback source (Keitaro dialect, loopback only, the demo key as its token), created once.
    fn ensure_demo_postback_source(&self, program: &str, now_ms: i64) -> StoreResult<i64> {
        let rules = serde_json::json!([crate::postback::auth::IpRule::parse("127.0.0.1")
            .map_err(StoreError::Invalid)?
            .to_string()])
        .to_string();
        self.store.write(|tx| {
            let (program_id, currency): (i64, String) = tx.query_row(
                "SELECT id, currency FROM programs WHERE name = ?1",
                [program],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            tx.execute(
                "INSERT INTO sources (program_id, name, kind, created_at_ms) VALUES (?1, ?2, 'postback', ?3)
                 ON CONFLICT (name) DO NOTHING",
                params![program_id, DEMO_POSTBACKS, now_ms],
            )?;
            let id: i64 = tx.query_row(
                "SELECT id FROM sources WHERE name = ?1",
                [DEMO_POSTBACKS],
                |r| r.get(0),
            )?;
            tx.execute(
                "INSERT INTO postback_sources (source_id, dialect, allow_ips_json, allow_any_ip, hmac_required,
                                               default_currency, updated_at_ms)
                 VALUES (?1, 'keitaro', ?2, 0, 0, ?3, ?4) ON CONFLICT (source_id) DO NOTHING",
                params![id, rules, currency, now_ms],
            )?;
            Ok(id)
        })
    }

    /// Whether the demo's postbacks were delivered already (a re-opened demo does not send them twice).
    fn demo_postbacks_delivered(&self) -> StoreResult<bool> {
        self.store.read(|c| {
            Ok(c.query_row(
                "SELECT 1 FROM postback_log WHERE source = ?1 LIMIT 1",
                [DEMO_POSTBACKS],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
        })
    }

    /// Sends the demo's postbacks and pixels to a listener started for them, then imports its batch file. Each
    /// channel's outcome is reported like a synced stream.
    pub(super) async fn deliver_demo_channels(
        &self,
        demo: &DemoEndpoint,
        now_ms: i64,
        progress: &ProgressFn,
    ) -> Result<Vec<StreamSyncResult>, CoreError> {
        let d = demo.deliveries.clone();
        if d.is_empty() {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        let ws = self.clone();
        let program = demo.program.name.clone();
        let delivered = super::off_thread(move || {
            ws.ensure_demo_postback_source(&program, now_ms)?;
            ws.demo_postbacks_delivered()
        })
        .await?;
        if !delivered && !d.http.is_empty() {
            out.extend(self.send_demo_http(&d.http, progress).await?);
        }
        if !d.batch_csv.is_empty() {
            let ws = self.clone();
            let (program, text) = (demo.program.name.clone(), d.batch_csv.clone());
            out.push(
                super::off_thread(move || ws.import_demo_file(&program, &text, now_ms)).await?,
            );
        }
        Ok(out)
    }

    /// One GET per delivery, in order, each after setting the listener's clock to the delivery's instant.
    async fn send_demo_http(
        &self,
        http: &[(i64, String)],
        progress: &ProgressFn,
    ) -> Result<Vec<StreamSyncResult>, CoreError> {
        let clock = Arc::new(AtomicI64::new(0));
        let secrets = MemorySecrets::default();
        secrets.set(
            DEMO_POSTBACKS,
            PostbackCredentials {
                token: Some(DEMO_API_KEY.to_string()),
                ..PostbackCredentials::default()
            },
        );
        let mut opts = ListenerOptions::new(0);
        let c = clock.clone();
        opts.clock = Arc::new(move || c.load(Ordering::SeqCst));
        let listener = start(self.store.clone(), Arc::new(secrets), opts).await?;
        let base = format!("http://{}", listener.local_addr());
        let client = reqwest::Client::builder()
            .no_proxy()
            .build()
            .map_err(|e| CoreError::internal(format!("the demo's HTTP client: {e}")))?;
        // Per stream (s2s, pixel): requests sent, recorded (or updated), refused.
        let mut counts: BTreeMap<&'static str, (u32, u32, u32)> = BTreeMap::new();
        for (i, (at_ms, pq)) in http.iter().enumerate() {
            clock.store(*at_ms, Ordering::SeqCst);
            let stream = if pq.starts_with("/pixel/") {
                "pixel"
            } else {
                "s2s"
            };
            let answer = client.get(format!("{base}{pq}")).send().await;
            let ok = match answer {
                Ok(r) if r.status().is_success() => {
                    let body = r.text().await.unwrap_or_default();
                    // A pixel always answers 200; whether it was recorded is in the postback log (counted below).
                    stream == "pixel" || !body.contains("\"rejected\"")
                }
                _ => false,
            };
            let e = counts.entry(stream).or_default();
            e.0 += 1;
            if ok {
                e.1 += 1;
            } else {
                e.2 += 1;
            }
            if i % PROGRESS_EVERY == 0 || i + 1 == http.len() {
                progress(Progress {
                    step: format!("{DEMO_POSTBACKS}/postbacks and pixels"),
                    done: u32::try_from(i + 1).unwrap_or(u32::MAX),
                    total: u32::try_from(http.len()).ok(),
                    steps_done: 0,
                    steps_total: 1,
                    bytes_done: None,
                    bytes_total: None,
                    rows_per_second: None,
                    message: format!("{} of {} postbacks and pixels delivered", i + 1, http.len()),
                });
            }
        }
        listener.stop().await?;
        let ws = self.clone();
        let refused_pixels = super::off_thread(move || {
            ws.store.read(|c| -> StoreResult<u32> {
                Ok(c.query_row(
                    "SELECT COUNT(*) FROM postback_log WHERE source = ?1 AND path_query LIKE '/pixel/%'
                        AND outcome = 'rejected'",
                    [DEMO_POSTBACKS],
                    |r| r.get::<_, u32>(0),
                )?)
            })
        })
        .await?;
        if let Some(p) = counts.get_mut("pixel") {
            p.1 = p.1.saturating_sub(refused_pixels);
            p.2 += refused_pixels;
        }
        Ok(counts
            .into_iter()
            .map(|(stream, (sent, ok, refused))| StreamSyncResult {
                source: DEMO_POSTBACKS.to_string(),
                stream: stream.to_string(),
                pages: 0,
                rows_fetched: sent,
                rows_inserted: ok,
                rows_updated: 0,
                rows_quarantined: refused,
            })
            .collect())
    }

    /// Imports the demo network's conversion file (a file already imported is a no-op).
    fn import_demo_file(
        &self,
        program: &str,
        text: &str,
        now_ms: i64,
    ) -> Result<StreamSyncResult, CoreError> {
        let dir = tempfile::tempdir_in(&self.data_dir)
            .map_err(|e| CoreError::internal(format!("the demo's batch file: {e}")))?;
        let path = dir.path().join("demo-network-conversions.csv");
        std::fs::write(&path, text)
            .map_err(|e| CoreError::internal(format!("the demo's batch file: {e}")))?;
        let mut opts = ImportOptions::new(
            DEMO_FILES,
            ColumnMapping {
                preset: ImportPreset::Conversions,
                ..ColumnMapping::default()
            },
            Arc::new(move || now_ms),
        );
        opts.program = Some(program.to_string());
        let s = import_file(&self.store, &path, &opts)
            .map_err(|e| CoreError::internal(format!("the demo's batch file: {e}")))?;
        Ok(StreamSyncResult {
            source: DEMO_FILES.to_string(),
            stream: "import:conversions".to_string(),
            pages: 1,
            rows_fetched: u32::try_from(s.rows_ok + s.rows_quarantined).unwrap_or(u32::MAX),
            rows_inserted: u32::try_from(s.rows_ok).unwrap_or(u32::MAX),
            rows_updated: 0,
            rows_quarantined: u32::try_from(s.rows_quarantined).unwrap_or(u32::MAX),
        })
    }
}
