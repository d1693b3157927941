//! `affops-bench`: benchmarks as programs, each printing our figure beside a peer's measured in the same run on the
//! same machine (never timing asserts inside tests).
//!
//! `b1 [--rows N]`: generate a click CSV of N rows, then time `sqlite3 <db> .import` of it into a WAL STRICT table of
//! the same shape with a unique click-id index, and Affops' import of the same file into the real schema.
//!
//! `b2 [--conversions N]`: sync N tracker conversions from the sandbox over loopback vs a raw fetch of the same pages.
//!
//! `b4-open [--clicks N,M,…] [--runs R]`: open a workspace of each size and show its first screen (the last month's
//! dashboard) vs a plain SQLite open of the same file; and the open after a crash (the full integrity check).
//!
//! `b4-query [--clicks N] [--players P] [--runs R]`: the dashboard for a month and for the whole range on a large
//! workspace vs DuckDB running the same aggregates over the same rows (its venv: `crates/bench/peer/setup.sh`).
//!
//! `b4-reads --data-dir DIR [--month YYYY-MM] [--affiliate ID] [--runs R]`: every read a screen or read command
//! makes, through the front door on a real workspace (the full-scale demo, or one grown to 10 M clicks), vs the
//! month's clicks per affiliate counted from the clicks table; and the open to first screen at that size.
//!
//! `b5 [--activity-rows N] [--deals M]`: compute one month of commission over every plan kind vs SQLite reading the
//! same rows (`SUM … GROUP BY`).

mod b2;
mod b4;
mod b4_query;
mod b4_reads;
mod b5;

use affops_core::api::{ColumnMapping, ImportPreset};
use affops_core::import::{self, ImportOptions};
use affops_core::store::Store;
use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Parser)]
#[command(
    name = "affops-bench",
    about = "Affops benchmarks: our figure beside a peer's, same run, same machine"
)]
struct Cli {
    #[command(subcommand)]
    command: Bench,
}

#[derive(Subcommand)]
enum Bench {
    /// B4 (open): open to first screen by database size, vs a plain SQLite open of the same file.
    B4Open {
        /// Workspace sizes in clicks, comma-separated.
        #[arg(long, value_delimiter = ',', default_values_t = [100_000i64, 1_000_000, 4_000_000])]
        clicks: Vec<i64>,
        /// Timed runs per size.
        #[arg(long, default_value_t = 7)]
        runs: usize,
    },
    /// B4 (queries): the dashboard for a month and the whole range vs DuckDB over the same rows.
    B4Query {
        #[arg(long, default_value_t = 10_000_000)]
        clicks: i64,
        /// Players (default: one per ten clicks).
        #[arg(long)]
        players: Option<i64>,
        #[arg(long, default_value_t = 30)]
        runs: usize,
    },
    /// B4 (reads): every read of the screens and read commands on a real workspace, warm, vs a scan of its clicks.
    B4Reads {
        /// The workspace folder (e.g. one made by `affops-cli demo --scale full`; the demo's people sign in).
        #[arg(long)]
        data_dir: PathBuf,
        /// The month the month-long reads ask for.
        #[arg(long, default_value = "2026-10")]
        month: String,
        /// The affiliate (tracker id) whose statement is read.
        #[arg(long, default_value = "1")]
        affiliate: String,
        #[arg(long, default_value_t = 7)]
        runs: usize,
        /// Also run DuckDB's dashboard, country and cohort aggregates over the same rows (the peer of the
        /// issue's B4; its venv: crates/bench/peer/setup.sh).
        #[arg(long)]
        duckdb: bool,
    },
    /// B5: one month of commission over 1 M activity rows and 5 M deals vs reading the same rows.
    B5 {
        #[arg(long, default_value_t = 1_000_000)]
        activity_rows: i64,
        #[arg(long, default_value_t = 5_000_000)]
        deals: i64,
    },
    /// B2: sync N conversions over loopback, ours vs a raw fetch of the same pages.
    B2 {
        #[arg(long, default_value_t = 1_000_000)]
        conversions: u64,
    },
    /// B1: CSV import of N clicks, ours vs `sqlite3 .import`.
    B1 {
        #[arg(long, default_value_t = 10_000_000)]
        rows: u64,
        /// Where the CSV and both databases go (default: a folder under the system temp dir, removed after).
        #[arg(long)]
        dir: Option<PathBuf>,
        /// Keep the generated file and databases.
        #[arg(long)]
        keep: bool,
        /// Time only our import (for profiling).
        #[arg(long)]
        skip_peer: bool,
    },
}

/// SplitMix64: a fixed, dependency-free generator so the same N always gives the same file.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

const HEADER: &str =
    "click_id,clicked_at,affiliate_id,sub1,sub2,sub3,sub4,sub5,ip,user_agent,country,landing_url";
const COUNTRIES: [&str; 8] = ["DE", "MT", "GB", "BR", "CA", "SE", "FI", "NZ"];
const AGENTS: [&str; 3] = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64)",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)",
    "Mozilla/5.0 (X11; Linux x86_64)",
];

/// Clicks as a tracker exports them: random 32-hex click ids (like Everflow transaction ids, so the unique index
/// sees random keys), times rising through 30 days, 500 affiliates.
fn generate(path: &Path, rows: u64) -> Result<u64> {
    let mut w = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    writeln!(w, "{HEADER}")?;
    let start = 1_759_276_800u64; // 2025-10-01T00:00:00Z
    let span = 30 * 86_400;
    for i in 0..rows {
        let (a, b) = (mix(i), mix(i ^ 0xA5A5_A5A5));
        let t = start + i * span / rows.max(1);
        let (d, s) = (t / 86_400 - start / 86_400, t % 86_400);
        writeln!(
            w,
            "{a:016x}{b:016x},2025-10-{:02} {:02}:{:02}:{:02},{},camp{},,,,,{}.{}.{}.{},{},{},https://lp.example/o{}?s={}",
            d + 1, s / 3600, s / 60 % 60, s % 60,
            1000 + a % 500, b % 40,
            a >> 56, (a >> 48) & 255, (a >> 40) & 255, (a >> 32) & 255,
            AGENTS[(b % 3) as usize], COUNTRIES[(a % 8) as usize], a % 20, b % 1000
        )?;
    }
    w.flush()?;
    Ok(std::fs::metadata(path)?.len())
}

/// `sqlite3 db` with a WAL STRICT table shaped like the clicks file and the same unique click-id key.
fn sqlite_import(sqlite3: &str, db: &Path, csv: &Path) -> Result<Duration> {
    let cols: Vec<String> = HEADER
        .split(',')
        .map(|c| format!("{c} TEXT NOT NULL"))
        .collect();
    let script = format!(
        "PRAGMA journal_mode=WAL;\nCREATE TABLE clicks ({}) STRICT;\nCREATE UNIQUE INDEX clicks_click_id ON clicks (click_id);\n.import --csv --skip 1 {} clicks\n",
        cols.join(", "),
        csv.display()
    );
    let started = Instant::now();
    let mut child = Command::new(sqlite3)
        .arg(db)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .context("starting sqlite3")?;
    child
        .stdin
        .take()
        .context("sqlite3 stdin")?
        .write_all(script.as_bytes())?;
    let status = child.wait()?;
    let took = started.elapsed();
    if !status.success() {
        bail!("sqlite3 .import failed ({status})");
    }
    Ok(took)
}

fn count(db: &Path) -> Result<i64> {
    let store = Store::open(db)?;
    Ok(store.read::<_, affops_core::store::StoreError>(|c| {
        Ok(c.query_row("SELECT COUNT(*) FROM clicks", [], |r| r.get(0))?)
    })?)
}

fn b1(rows: u64, dir: Option<PathBuf>, keep: bool, skip_peer: bool) -> Result<()> {
    let dir = dir
        .unwrap_or_else(|| std::env::temp_dir().join(format!("affops-b1-{}", std::process::id())));
    std::fs::create_dir_all(&dir)?;
    let csv = dir.join("clicks.csv");
    let t = Instant::now();
    let size = generate(&csv, rows)?;
    println!(
        "B1: generated {rows} clicks, {:.1} MB, in {:.1} s -> {}",
        size as f64 / 1e6,
        t.elapsed().as_secs_f64(),
        csv.display()
    );

    let sqlite3 = "sqlite3";
    let have_sqlite3 = Command::new(sqlite3)
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    let peer = if skip_peer {
        None
    } else if have_sqlite3 {
        let db = dir.join("peer.sqlite");
        let _ = std::fs::remove_file(&db);
        let took = sqlite_import(sqlite3, &db, &csv)?;
        println!(
            "  sqlite3 .import      {:>8.2} s  {:>10.0} rows/s",
            took.as_secs_f64(),
            rows as f64 / took.as_secs_f64()
        );
        Some(took)
    } else {
        println!("  sqlite3 CLI not found on PATH: the peer cannot be measured (install the `sqlite3` package)");
        None
    };

    let ours_dir = dir.join("ours");
    let _ = std::fs::remove_dir_all(&ours_dir);
    let store = Store::open(&ours_dir)?;
    store.write::<_, affops_core::store::StoreError>(|tx| {
        tx.execute(
            "INSERT INTO programs (name, vertical, currency, timezone, created_at_ms) VALUES ('B1 clicks', 'igaming', 'USD', 'UTC', 0)",
            [],
        )?;
        Ok(())
    })?;
    let opts = ImportOptions::new(
        "bench",
        ColumnMapping {
            preset: ImportPreset::Clicks,
            columns: vec![],
            date_format: None,
            delimiter: None,
        },
        Arc::new(|| 0),
    );
    let t = Instant::now();
    let s = import::import_file(&store, &csv, &opts)?;
    let ours = t.elapsed();
    drop(store);
    println!(
        "  affops import        {:>8.2} s  {:>10.0} rows/s  ({} imported, {} quarantined; real schema, raw chunks archived)",
        ours.as_secs_f64(),
        rows as f64 / ours.as_secs_f64(),
        s.rows_ok,
        s.rows_quarantined
    );
    if count(&ours_dir)? != rows as i64 {
        bail!(
            "our import holds {} clicks, expected {rows}",
            count(&ours_dir)?
        );
    }
    if let Some(peer) = peer {
        println!(
            "  ratio: ours is {:.2}x the speed of sqlite3 .import (target >= 2x)",
            peer.as_secs_f64() / ours.as_secs_f64()
        );
    }
    if !keep {
        std::fs::remove_dir_all(&dir)?;
    }
    Ok(())
}

fn main() -> Result<()> {
    match Cli::parse().command {
        Bench::B1 {
            rows,
            dir,
            keep,
            skip_peer,
        } => b1(rows, dir, keep, skip_peer),
        Bench::B2 { conversions } => b2::run(conversions),
        Bench::B4Open { clicks, runs } => b4::run(&clicks, runs.max(1)),
        Bench::B4Query {
            clicks,
            players,
            runs,
        } => b4_query::run(clicks, players.unwrap_or(clicks / 10), runs.max(1)),
        Bench::B4Reads {
            data_dir,
            month,
            affiliate,
            runs,
            duckdb,
        } => b4_reads::run(&data_dir, &month, &affiliate, runs.max(1), duckdb),
        Bench::B5 {
            activity_rows,
            deals,
        } => b5::run(activity_rows, deals),
    }
}
