//! `affops-cli`: the jobs of the Affops console, headless. Every command prints for people by default and
//! `--json` where a machine reads the output; errors print `{code, message}` with `--json`.

mod demo;
mod import_cmd;

use affops_core::api::{ApiError, Dashboard, DashboardQuery, ErrorCode};
use affops_core::workspace::{Workspace, DATA_DIR_ENV};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "affops-cli",
    version,
    about = "Affops, headless: sync affiliate data and print the numbers"
)]
struct Cli {
    /// The workspace folder (default: $AFFOPS_DATA_DIR, else the desktop app's data folder).
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the built-in demo tracker and operator on loopback and sync them into the workspace.
    Demo {
        /// Seed of the demo world (the desktop app's demo uses the default).
        #[arg(long, default_value_t = affops_sandbox::WorldConfig::demo().seed)]
        seed: u64,
        /// Print the sync summary as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print the per-affiliate dashboard for a period (default: all the data).
    Dashboard {
        /// First day, YYYY-MM-DD (program time zone).
        #[arg(long)]
        from: Option<String>,
        /// Last day, YYYY-MM-DD, inclusive.
        #[arg(long)]
        to: Option<String>,
        /// Print exactly what the desktop app's dashboard receives, as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Import a CSV file (clicks, registrations, activity, deposits); resumable, idempotent.
    Import(import_cmd::ImportArgs),
    /// Import runs and the rows they quarantined: list, page, export.
    Quarantine(import_cmd::QuarantineArgs),
}

/// The desktop app's data folder: `$XDG_DATA_HOME/dev.affops.console` or `~/.local/share/dev.affops.console`.
fn default_data_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV) {
        return Some(PathBuf::from(dir));
    }
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))?;
    Some(base.join("dev.affops.console"))
}

fn open_workspace(dir: Option<PathBuf>) -> Result<Workspace, ApiError> {
    let dir = dir.or_else(default_data_dir).ok_or_else(|| {
        ApiError::new(
            ErrorCode::InvalidInput,
            format!("no data folder: pass --data-dir or set {DATA_DIR_ENV}"),
        )
    })?;
    Ok(Workspace::open(&dir)?)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = match &cli.command {
        Command::Demo { json, .. } | Command::Dashboard { json, .. } => *json,
        Command::Import(a) => a.json,
        Command::Quarantine(q) => q.json,
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if json {
                println!("{}", serde_json::to_string(&e).unwrap_or_default());
            } else {
                eprintln!(
                    "error ({}): {}",
                    serde_json::to_value(e.code)
                        .unwrap_or_default()
                        .as_str()
                        .unwrap_or("internal"),
                    e.message
                );
            }
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), ApiError> {
    let ws = open_workspace(cli.data_dir)?;
    match cli.command {
        Command::Demo { seed, json } => {
            let runtime = tokio::runtime::Runtime::new().map_err(|e| {
                ApiError::new(
                    ErrorCode::Internal,
                    format!("cannot start the async runtime: {e}"),
                )
            })?;
            let summary = runtime.block_on(demo::run(&ws, seed, !json))?;
            if json {
                print_json(&summary)?;
            } else {
                println!(
                    "Synced the demo workspace in {:.1} s into {}",
                    summary.elapsed_ms as f64 / 1000.0,
                    ws.data_dir().display()
                );
                for s in &summary.streams {
                    println!(
                        "  {:<28} {:>3} pages  {:>7} rows  {:>7} new  {:>5} changed  {:>4} quarantined",
                        format!("{}/{}", s.source, s.stream), s.pages, s.rows_fetched, s.rows_inserted, s.rows_updated, s.rows_quarantined
                    );
                }
            }
        }
        Command::Dashboard { from, to, json } => {
            let d = affops_core::dashboard::build(&ws, &DashboardQuery { from, to })?;
            if json {
                print_json(&d)?;
            } else {
                print_dashboard(&d);
            }
        }
        Command::Import(a) => import_cmd::run_import(&ws, a)?,
        Command::Quarantine(q) => import_cmd::run_quarantine(&ws, q)?,
    }
    Ok(())
}

fn print_json<T: serde::Serialize>(v: &T) -> Result<(), ApiError> {
    let text = serde_json::to_string_pretty(v)
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    println!("{text}");
    Ok(())
}

fn print_dashboard(d: &Dashboard) {
    println!(
        "{} — {} to {} ({}, amounts in {})",
        d.program, d.period.from, d.period.to, d.timezone, d.currency
    );
    println!(
        "{:<6} {:<26} {:>8} {:>8} {:>6} {:>9} {:>7} {:>14}",
        "ID", "Affiliate", "Clicks", "Regs", "FTDs", "Approved", "CR %", "FTD amount"
    );
    let line = |r: &affops_core::api::AffiliateRow| {
        println!(
            "{:<6} {:<26} {:>8} {:>8} {:>6} {:>9} {:>7} {:>14}",
            r.affiliate_id,
            r.affiliate_name.chars().take(26).collect::<String>(),
            r.clicks,
            r.registrations,
            r.ftds,
            r.approved_conversions,
            r.cr_percent,
            r.ftd_amount
        )
    };
    let mut rows = d.rows.clone();
    rows.sort_by_key(|r| std::cmp::Reverse(r.ftd_amount_micros.parse::<i64>().unwrap_or(0)));
    rows.iter().for_each(line);
    if rows.is_empty() {
        println!("(no affiliate activity in this period)");
    }
    line(&d.totals);
    for f in &d.freshness {
        println!(
            "source {:<16} {:<7} {}",
            f.source, f.last_status, f.last_message
        );
    }
}
