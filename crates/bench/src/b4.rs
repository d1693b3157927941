//! B4 (open): from nothing to the first screen, by database size. For each size a workspace of N clicks over 90
//! days (200 affiliates, 50 sub-IDs, rollups current, closed cleanly) is opened again and again:
//!
//! - peer: a plain SQLite open of the same file and one read of its schema (what any SQLite program pays);
//! - ours: `Workspace::open` (migrations checked, the seal read) and then the dashboard of the last month, the
//!   app's first screen: "open to first screen";
//! - ours after a crash: the seal removed, so the open runs the full `quick_check` first (what every open paid
//!   before the seal).
//!
//! Warm page cache (each run after a first, untimed one). Prints medians and maxima, and ours / peer.

use affops_core::dashboard::{self, DashboardQuery};
use affops_core::store::{seal_path, Store, StoreError, DB_FILE};
use affops_core::workspace::Workspace;
use anyhow::{Context, Result};
use rusqlite::Connection;
use std::path::Path;
use std::time::{Duration, Instant};

pub(crate) const DAYS: i64 = 90;
pub(crate) const AFFILIATES: i64 = 200;
/// 2026-07-03T00:00:00Z: the 90 days end on 2026-09-30.
pub(crate) const START_MS: i64 = 1_783_036_800_000;
const BATCH: i64 = 500_000;

/// Fills a fresh workspace with `clicks` clicks (SQLite generates the rows) and brings its rollups up to date.
pub(crate) fn build(dir: &Path, clicks: i64) -> Result<()> {
    let store = Store::open(dir)?;
    store.write::<_, StoreError>(|tx| {
        tx.execute(
            "INSERT INTO programs (name, vertical, currency, timezone, created_at_ms) VALUES ('B4 casino', 'igaming', 'EUR', 'UTC', 0)",
            [],
        )?;
        tx.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
             INSERT INTO affiliates (program_id, external_id, name, created_at_ms)
             SELECT 1, 'A' || i, 'Affiliate ' || i, 0 FROM n",
            [AFFILIATES],
        )?;
        Ok(())
    })?;
    let span_ms = DAYS * 86_400_000;
    let mut from = 0;
    while from < clicks {
        let to = (from + BATCH).min(clicks);
        store.write::<_, StoreError>(|tx| {
            tx.execute(
                "WITH RECURSIVE n(i) AS (SELECT ?1 UNION ALL SELECT i + 1 FROM n WHERE i < ?2 - 1)
                 INSERT INTO clicks (program_id, click_id, affiliate_id, clicked_at_ms, day, sub1, ip, user_agent, country, landing_url)
                 SELECT 1, printf('c%010d', i), 1 + (i * 7919) % ?4, ?5 + i * (?6 / ?3),
                        date((?5 + i * (?6 / ?3)) / 1000, 'unixepoch'), 'sub' || (i % 50),
                        printf('10.%d.%d.%d', (i >> 16) & 255, (i >> 8) & 255, i & 255),
                        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36', 'DE',
                        'https://casino.example/landing?campaign=' || (i % 97)
                 FROM n",
                rusqlite::params![from, to, clicks, AFFILIATES, START_MS, span_ms],
            )?;
            Ok(())
        })?;
        from = to;
    }
    store.write::<_, StoreError>(|tx| {
        tx.execute(
            "INSERT OR IGNORE INTO rollup_dirty (program_id, day) SELECT DISTINCT 1, day FROM clicks",
            [],
        )?;
        affops_core::rollups::refresh(tx)?;
        Ok(())
    })?;
    store.checkpoint()?;
    Ok(())
}

fn peer_open(db: &Path) -> Result<Duration> {
    let t = Instant::now();
    let c = Connection::open(db)?;
    let _: i64 = c.query_row("SELECT COUNT(*) FROM sqlite_master", [], |r| r.get(0))?;
    Ok(t.elapsed())
}

/// Opens the workspace and reads the last month's dashboard: (open, open + dashboard).
fn first_screen(dir: &Path) -> Result<(Duration, Duration)> {
    let t = Instant::now();
    let ws = Workspace::open(dir)?;
    let open = t.elapsed();
    let program = affops_core::programs::resolve(ws.store(), None)?;
    let q = DashboardQuery {
        from: Some("2026-09-01".into()),
        to: Some("2026-09-30".into()),
    };
    let d = dashboard::build(&ws, &program, &q)?;
    let total = t.elapsed();
    anyhow::ensure!(d.totals.clicks > 0, "the dashboard shows no clicks");
    Ok((open, total))
}

fn after_crash(dir: &Path) -> Result<Duration> {
    let db = dir.join(DB_FILE);
    std::fs::remove_file(seal_path(&db)).context("no seal after a clean close")?;
    let t = Instant::now();
    let ws = Workspace::open(dir)?;
    let open = t.elapsed();
    drop(ws); // seals again
    Ok(open)
}

pub(crate) fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

pub(crate) fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn max(v: &[Duration]) -> Duration {
    v.iter().copied().max().unwrap_or_default()
}

#[allow(clippy::float_arithmetic)] // timings and ratios for people, never money
pub fn run(sizes: &[i64], runs: usize) -> Result<()> {
    println!(
        "B4 open: {runs} warm runs per size; ours = Workspace::open, first screen = open + last month's dashboard"
    );
    println!(
        "{:>10} {:>9} | {:>9} {:>9} | {:>9} {:>9} | {:>11} {:>11} | {:>12} | {:>8}",
        "clicks",
        "MB",
        "peer p50",
        "peer max",
        "open p50",
        "open max",
        "screen p50",
        "screen max",
        "crash open",
        "ours/peer"
    );
    for &clicks in sizes {
        let dir = tempfile::tempdir()?;
        let t = Instant::now();
        build(dir.path(), clicks)?;
        let built = t.elapsed();
        let db = dir.path().join(DB_FILE);
        let mb = std::fs::metadata(&db)?.len() as f64 / 1e6;
        first_screen(dir.path())?; // warm the page cache
        let (mut peer, mut open, mut screen, mut crash) = (vec![], vec![], vec![], vec![]);
        for _ in 0..runs {
            peer.push(peer_open(&db)?);
            let (o, s) = first_screen(dir.path())?;
            open.push(o);
            screen.push(s);
        }
        for _ in 0..runs.min(3) {
            crash.push(after_crash(dir.path())?);
        }
        let (p, o, s) = (
            median(peer.clone()),
            median(open.clone()),
            median(screen.clone()),
        );
        println!(
            "{clicks:>10} {mb:>9.0} | {:>9.2} {:>9.2} | {:>9.2} {:>9.2} | {:>11.2} {:>11.2} | {:>12.1} | {:>8.1}",
            ms(p),
            ms(max(&peer)),
            ms(o),
            ms(max(&open)),
            ms(s),
            ms(max(&screen)),
            ms(median(crash)),
            ms(o) / ms(p).max(1e-6),
        );
        eprintln!("  (built in {:.1} s)", built.as_secs_f64());
    }
    println!("all times in ms; target: open to first screen < 200 ms at any size");
    Ok(())
}
