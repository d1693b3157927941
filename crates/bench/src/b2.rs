//! B2: sync N tracker conversions over loopback, against a raw fetch of the same pages (same server, same run).
//!
//! The sandbox serves a small casino world whose conversion list is replaced by N synthetic conversions spread
//! over its month. "Ours" is the real connector syncing the Everflow-shaped source into a fresh workspace (raw
//! archive, validation, idempotent upsert, status history, rollups); the peer fetches every page of the same
//! conversion list and reads the bytes, nothing more.

use affops_core::api::Progress;
use affops_core::ingest::{HttpPolicy, SourceConfig, SourceKind, SyncOptions};
use affops_core::workspace::{ProgramSpec, StaticSecrets, Workspace};
use affops_sandbox::{generate, serve, Conversion, ConversionStatus, World, WorldConfig};
use anyhow::{bail, Result};
use rust_decimal::Decimal;
use std::sync::Arc;
use std::time::Instant;

const KEY: &str = "b2-key";

#[derive(serde::Deserialize)]
struct ItemsOnly {
    conversions: Vec<serde::de::IgnoredAny>,
}
const PAGE_SIZE: u32 = 2000;

fn world(n: u64) -> World {
    let mut w = generate(&WorldConfig::small(2));
    let start = w.config.start_instant();
    let span_ms = (w.config.end_instant() - start).num_milliseconds() - 1;
    let base = w.conversions[0].clone();
    w.conversions = (0..n)
        .map(|i| {
            let at = start + chrono::Duration::milliseconds((i as i64 * span_ms) / n as i64);
            Conversion {
                conversion_id: format!("b{i:09}"),
                transaction_id: format!("{:032x}", i.wrapping_mul(0x9E37_79B9_7F4A_7C15)),
                affiliate_id: w.affiliates[(i % w.affiliates.len() as u64) as usize].id,
                player_id: format!("BP{i:09}"),
                deposit_id: format!("BD{i:09}"),
                status: if i % 10 == 0 {
                    ConversionStatus::Pending
                } else {
                    ConversionStatus::Approved
                },
                initial_status: ConversionStatus::Approved,
                payout: Decimal::new(10_000, 2),
                revenue: Decimal::new(15_000, 2),
                sale_amount: Decimal::new(2_550 + (i % 1000) as i64, 2),
                converted_at: at,
                updated_at: at,
                click_at: at - chrono::Duration::minutes(30),
                ..base.clone()
            }
        })
        .collect();
    w
}

/// Fetches every page of the conversion list and reads the bytes: the floor any connector pays.
async fn raw_fetch(base_url: &str, from: &str, to: &str) -> Result<(u64, u64)> {
    let client = HttpPolicy::default().client()?;
    let (mut page, mut bytes, mut rows) = (1u32, 0u64, 0u64);
    loop {
        let body = client
            .post(format!("{base_url}/v1/networks/reporting/conversions"))
            .query(&[("page", page), ("page_size", PAGE_SIZE)])
            .header("X-Eflow-API-Key", KEY)
            .json(&serde_json::json!({"from": from, "to": to, "timezone_id": 67}))
            .send()
            .await?
            .error_for_status()?
            .bytes()
            .await?;
        bytes += body.len() as u64;
        // Count the page's items, skipping over them without building values.
        let page_items: ItemsOnly = serde_json::from_slice(&body)?;
        let n = page_items.conversions.len() as u64;
        rows += n;
        if n < u64::from(PAGE_SIZE) {
            return Ok((rows, bytes));
        }
        page += 1;
    }
}

pub fn run(n: u64) -> Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let built = Instant::now();
        let w = Arc::new(world(n));
        println!(
            "B2: {n} conversions served by the sandbox on loopback ({:.1} s to build)",
            built.elapsed().as_secs_f64()
        );
        let server = serve(w.clone(), ([127, 0, 0, 1], 0).into(), KEY.to_string()).await?;
        let from = format!("{} 00:00:00", w.config.start);
        let to = w
            .config
            .end_instant()
            .format("%Y-%m-%d %H:%M:%S")
            .to_string();

        let t = Instant::now();
        let (peer_rows, peer_bytes) = raw_fetch(&server.base_url(), &from, &to).await?;
        let peer_s = t.elapsed().as_secs_f64();

        let dir = tempfile::tempdir()?;
        let ws = Workspace::open(dir.path())?;
        let p = &w.program;
        let spec = ProgramSpec {
            name: p.name.clone(),
            vertical: affops_core::programs::Vertical::Igaming,
            currency: p.currency.clone(),
            timezone: p.timezone.clone(),
        };
        let program = ws.ensure_program(&spec, 0)?;
        let config = SourceConfig {
            since: Some(w.config.start.to_string()),
            page_size: PAGE_SIZE,
            ..SourceConfig::default()
        };
        ws.ensure_source(
            program,
            "Bench tracker",
            SourceKind::Everflow,
            &server.base_url(),
            &config,
            0,
        )?;
        let secrets = StaticSecrets(
            [("Bench tracker".to_string(), KEY.to_string())]
                .into_iter()
                .collect(),
        );
        let now_ms = w.config.end_instant().timestamp_millis() + 86_400_000;
        let opts = SyncOptions {
            now_ms,
            policy: HttpPolicy::default(),
            full: false,
        };
        let t = Instant::now();
        let summary = ws
            .sync(Arc::new(secrets), opts, Arc::new(|_: Progress| {}))
            .await
            .map_err(|e| anyhow::anyhow!(e.to_string()))?;
        let ours_s = t.elapsed().as_secs_f64();
        let conv = summary
            .streams
            .iter()
            .find(|s| s.stream == "conversions")
            .map_or(0, |s| s.rows_inserted);
        if u64::from(conv) != n || peer_rows != n {
            bail!("expected {n} conversions, synced {conv}, raw fetch saw {peer_rows}");
        }
        println!(
            "peer: raw fetch of the same pages  {peer_s:8.2} s  {:>9.0} rows/s  ({:.0} MB)",
            n as f64 / peer_s,
            peer_bytes as f64 / 1e6
        );
        println!(
            "ours: full sync into the store    {ours_s:8.2} s  {:>9.0} rows/s",
            n as f64 / ours_s
        );
        println!(
            "ratio ours/peer time: {:.2}  (target <= 1.5; target >= 100000 rows/s)",
            ours_s / peer_s
        );
        server.shutdown().await;
        Ok(())
    })
}
