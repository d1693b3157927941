//! `affops-cli`: the jobs of the Affops console, headless. Every command prints for people by default and
//! `--json` where a machine reads the output; errors print `{code, message}` with `--json`.

mod attribution_cmd;
mod commission_cmd;
mod demo;
mod detect_cmd;
mod evaluate;
mod evaluate_cmd;
mod evaluate_public;
mod import_cmd;
mod pipe;
mod postback_cmd;
mod programs_cmd;
mod sandbox_cmd;
mod sources_cmd;
mod statement_cmd;

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
    /// Configure tracker and operator sources (keys go to the OS keychain).
    Sources {
        #[command(subcommand)]
        action: sources_cmd::SourcesAction,
    },
    /// Sync every enabled source from its checkpoint, with a progress bar.
    Sync {
        /// Ignore completed checkpoints: fetch every window from its configured start.
        #[arg(long)]
        full: bool,
        #[arg(long)]
        json: bool,
    },
    /// How each affiliate's conversions arrived (S2S, pixel, batch, API) for a period.
    Coverage {
        /// The program's name (default: the first iGaming program); see `affops-cli programs`.
        #[arg(long)]
        program: Option<String>,
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Print the per-affiliate dashboard for a period (default: all the data).
    Dashboard {
        /// The program's name (default: the first iGaming program); see `affops-cli programs`.
        #[arg(long)]
        program: Option<String>,
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
    /// The workspace's programs (name, vertical, currency, counts, data range).
    Programs(programs_cmd::ProgramsArgs),
    /// Run the built-in sandbox on its own: serve, write files, fire postbacks, write ground truth.
    #[command(subcommand)]
    Sandbox(sandbox_cmd::SandboxCmd),
    /// Run the postback listener on 127.0.0.1 until Ctrl-C, printing one line per request.
    ServePostbacks(postback_cmd::ServeArgs),
    /// Page through the postback request log (newest first).
    PostbackLog(postback_cmd::LogArgs),
    /// Import a CSV file (clicks, registrations, activity, deposits); resumable, idempotent.
    Import(import_cmd::ImportArgs),
    /// Import runs and the rows they quarantined: list, page, export.
    Quarantine(import_cmd::QuarantineArgs),
    /// Attribution: run, rules (show/set), promo codes, multi-touch report.
    Attribution(attribution_cmd::AttributionArgs),
    /// Why a player is attributed the way they are.
    Explain(attribution_cmd::ExplainArgs),
    /// Commission plans: import/export JSON or TOML, list, show, assign.
    Plan(commission_cmd::PlanArgs),
    /// Compute a month's commission into the ledger (idempotent; prints the result hash).
    Compute(commission_cmd::ComputeArgs),
    /// Commission periods: list, close, record the FX snapshot.
    Period(commission_cmd::PeriodArgs),
    /// An affiliate's statement for a month: text, --json, --csv, --html.
    Statement(statement_cmd::StatementArgs),
    /// A player's CPA qualification checklist.
    Qualify(statement_cmd::QualifyArgs),
    /// Fraud detection, the flag queue, reconciliation, disputes, and their evaluation.
    #[command(flatten)]
    Fraud(detect_cmd::FraudCmd),
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
    pipe::exit_quietly_on_broken_pipe();
    let cli = Cli::parse();
    let json = match &cli.command {
        Command::Demo { json, .. }
        | Command::Dashboard { json, .. }
        | Command::Coverage { json, .. }
        | Command::Sync { json, .. } => *json,
        Command::Sources {
            action: sources_cmd::SourcesAction::List { json },
        } => *json,
        Command::PostbackLog(a) => a.json,
        Command::Import(a) => a.json,
        Command::Quarantine(q) => q.json,
        Command::Attribution(a) => a.json,
        Command::Explain(a) => a.json,
        Command::Plan(a) => a.json,
        Command::Compute(a) => a.json,
        Command::Period(a) => a.json,
        Command::Statement(a) => a.json,
        Command::Qualify(a) => a.json,
        Command::Fraud(c) => c.json(),
        Command::Programs(a) => a.json,
        Command::Sources { .. } | Command::Sandbox(_) | Command::ServePostbacks(_) => false,
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

fn runtime() -> Result<tokio::runtime::Runtime, ApiError> {
    tokio::runtime::Runtime::new().map_err(|e| {
        ApiError::new(
            ErrorCode::Internal,
            format!("cannot start the async runtime: {e}"),
        )
    })
}

fn run(cli: Cli) -> Result<(), ApiError> {
    let command = match cli.command {
        // The sandbox never needs (or creates) a workspace.
        Command::Sandbox(cmd) => return sandbox_cmd::run(cmd),
        Command::Fraud(cmd) => return detect_cmd::run(cmd, move || open_workspace(cli.data_dir)),
        command => command,
    };
    let ws = open_workspace(cli.data_dir)?;
    match command {
        Command::Sandbox(_) | Command::Fraud(_) => {} // handled above
        Command::Demo { seed, json } => {
            let summary = runtime()?.block_on(demo::run(&ws, seed, !json))?;
            if json {
                print_json(&summary)?;
            } else {
                println!("Synced the demo workspace into {}", ws.data_dir().display());
                print_summary(&summary);
            }
        }
        Command::Coverage {
            program,
            from,
            to,
            json,
        } => {
            let r = affops_core::coverage::report(&ws, &DashboardQuery { from, to, program })?;
            if json {
                print_json(&r)?;
            } else {
                print_coverage(&r);
            }
        }
        Command::Sources { action } => runtime()?.block_on(sources_cmd::sources(&ws, action))?,
        Command::Sync { full, json } => runtime()?.block_on(sources_cmd::sync(&ws, full, json))?,
        Command::ServePostbacks(args) => runtime()?.block_on(postback_cmd::serve(&ws, args))?,
        Command::PostbackLog(args) => postback_cmd::log(&ws, args)?,
        Command::Dashboard {
            program,
            from,
            to,
            json,
        } => {
            let d = affops_core::dashboard::build(&ws, &DashboardQuery { from, to, program })?;
            if json {
                print_json(&d)?;
            } else {
                print_dashboard(&d);
            }
        }
        Command::Programs(a) => programs_cmd::run(&ws, &a)?,
        Command::Import(a) => import_cmd::run_import(&ws, a)?,
        Command::Quarantine(q) => import_cmd::run_quarantine(&ws, q)?,
        Command::Attribution(a) => attribution_cmd::run(&ws, a)?,
        Command::Explain(a) => attribution_cmd::explain(&ws, a)?,
        Command::Plan(a) => commission_cmd::plan(&ws, a)?,
        Command::Compute(a) => commission_cmd::compute(&ws, a)?,
        Command::Period(a) => commission_cmd::period(&ws, a)?,
        Command::Statement(a) => statement_cmd::statement(&ws, a)?,
        Command::Qualify(a) => statement_cmd::qualify(&ws, a)?,
    }
    Ok(())
}

fn print_summary(summary: &affops_core::api::SyncSummary) {
    println!("Synced in {} ms", summary.elapsed_ms);
    for s in &summary.streams {
        println!(
            "  {:<32} {:>4} pages  {:>8} rows  {:>8} new  {:>6} changed  {:>5} quarantined",
            format!("{}/{}", s.source, s.stream),
            s.pages,
            s.rows_fetched,
            s.rows_inserted,
            s.rows_updated,
            s.rows_quarantined
        );
    }
}

fn print_coverage(r: &affops_core::api::CoverageReport) {
    println!(
        "Coverage {} to {}: how conversions arrived",
        r.period.from, r.period.to
    );
    println!(
        "{:<6} {:<26} {:>7} {:>8} {:>8} {:>8} {:>8}",
        "ID", "Affiliate", "Total", "S2S %", "Pixel %", "Batch %", "API %"
    );
    for x in r.rows.iter().chain(std::iter::once(&r.totals)) {
        let name: String = x.affiliate_name.chars().take(26).collect();
        println!(
            "{:<6} {:<26} {:>7} {:>8} {:>8} {:>8} {:>8}",
            x.affiliate_id,
            name,
            x.total,
            x.s2s_percent,
            x.pixel_percent,
            x.batch_percent,
            x.api_percent
        );
    }
    if let Some(w) = &r.warning {
        println!("warning: {w}");
    }
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
    if let Some(t) = &d.trading {
        programs_cmd::print_trading(t);
    }
    for f in &d.freshness {
        println!(
            "source {:<16} {:<7} {}",
            f.source, f.last_status, f.last_message
        );
    }
}

/// The wall clock, read at the edge: every core call takes the time as an argument.
pub(crate) fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}
