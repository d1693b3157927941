//! `affops-cli`: the jobs of the Affops console, headless. Every command runs as a signed-in person (`--user`, the
//! passphrase from `$AFFOPS_PASSPHRASE` or a prompt) through the same front door as the desktop app
//! (`affops_core::ops`), so the same permissions and the same audit entries apply. Commands print for people by
//! default and `--json` where a machine reads the output; errors print `{code, message}` with `--json`.

mod attribution_cmd;
mod claims_cmd;
mod commission_cmd;
mod dashboards_cmd;
mod demo;
mod detect_cmd;
mod dispute_cmd;
mod evaluate;
mod evaluate_cmd;
mod evaluate_public;
mod fx_cmd;
mod import_cmd;
mod payout_cmd;
mod people_cmd;
mod pipe;
mod postback_cmd;
mod programs_cmd;
mod sandbox_cmd;
mod session;
mod sources_cmd;
mod statement_cmd;

use affops_core::api::{ApiError, Dashboard, DashboardQuery, ErrorCode};
use affops_core::ops::{self, Ctx};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "affops-cli",
    version,
    about = "Affops, headless: sync affiliate data and print the numbers",
    after_help = "Every command except `demo` (on a new workspace), `workspace create`, `sandbox`, `evaluate`, `restore` \
and `audit verify --file` runs as a signed-in person: --user NAME (or $AFFOPS_USER) and the passphrase from \
$AFFOPS_PASSPHRASE, else a prompt."
)]
struct Cli {
    /// The workspace folder (default: $AFFOPS_DATA_DIR, else the desktop app's data folder).
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Act as this person (their passphrase: $AFFOPS_PASSPHRASE, else a prompt).
    #[arg(long, global = true, value_name = "NAME", env = "AFFOPS_USER")]
    user: Option<String>,
    /// The program to act on (default: the first iGaming program); see `affops-cli program list`.
    #[arg(long, global = true, value_name = "NAME")]
    program: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the built-in demo tracker and operator on loopback and sync them into the workspace (a new workspace
    /// gets the demo's people, one per role, whose passphrases it prints).
    Demo {
        /// Seed of the demo world (the desktop app's demo uses the default).
        #[arg(long, default_value_t = affops_sandbox::WorldConfig::demo().seed)]
        seed: u64,
        /// `month`: the demo month (seconds). `full`: the seed's scale, a casino with 2,000 new players a day for 90
        /// days and a broker with 150 IBs trading about 40,000 lots a month (minutes).
        #[arg(long, default_value = "month", value_parser = ["month", "full"])]
        scale: String,
        /// Print the sync summary as JSON.
        #[arg(long)]
        json: bool,
    },
    /// A new workspace: create its owner (name, display name; passphrase from $AFFOPS_PASSPHRASE or a prompt).
    #[command(subcommand)]
    Workspace(people_cmd::WorkspaceCmd),
    /// People and their roles: list, add, update, reset or change a passphrase.
    People(people_cmd::PeopleArgs),
    /// Workspace settings (the idle lock, payout approval threshold, payee hold).
    Settings(people_cmd::SettingsArgs),
    /// The audit log: list, verify (the store, or an exported file), export.
    Audit(people_cmd::AuditArgs),
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
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
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
    /// A period split by affiliate, sub_id, country, brand, day, week or month, vs the period before.
    Breakdown(dashboards_cmd::BreakdownArgs),
    /// Players by registration month: retention, cumulative NGR per player, payback month.
    Cohorts(dashboards_cmd::CohortsArgs),
    /// Programs: list (the default; also `programs`), add, edit (name, vertical, currency, time zone, brands).
    #[command(visible_alias = "programs")]
    Program(programs_cmd::ProgramsArgs),
    /// Run the built-in sandbox on its own: serve, write files, fire postbacks, write ground truth.
    #[command(subcommand)]
    Sandbox(sandbox_cmd::SandboxCmd),
    /// Run the postback listener on 127.0.0.1 until Ctrl-C, printing one line per request.
    ServePostbacks(postback_cmd::ServeArgs),
    /// Page through the postback request log (newest first).
    PostbackLog(postback_cmd::LogArgs),
    /// Import a CSV file (clicks, registrations, activity, deposits, withdrawals, bonuses, affiliates, ip_countries, …); resumable, idempotent.
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
    /// The dated FX table: import an ECB reference-rate file, set a day's rate, list rates.
    Fx(fx_cmd::FxArgs),
    /// An affiliate's statement for a month: text, --json, --csv, --html, --pdf.
    Statement(statement_cmd::StatementArgs),
    /// A player's CPA qualification checklist.
    Qualify(statement_cmd::QualifyArgs),
    /// Approve or reject an affiliate's statement lines of a period for payment.
    Lines(payout_cmd::LinesArgs),
    /// Payee (payment) details: list, propose, approve or reject (never your own proposal).
    Payee(payout_cmd::PayeeArgs),
    /// Payout runs: list, show, prepare, approve, export payment files, mark-paid, return, cancel; the program's
    /// paying account.
    Payout(payout_cmd::PayoutArgs),
    /// Approval files between machines: export a run's request, sign it (offline), import the signed file.
    Approval(payout_cmd::ApprovalArgs),
    /// A verified online backup of the workspace (while it is in use).
    Backup(payout_cmd::BackupArgs),
    /// Replace the workspace's database with a verified backup (app closed; the replaced one is kept beside it).
    Restore {
        /// The backup file.
        from: PathBuf,
    },
    /// Dispute cases: list, show, open, assign, comment, attach, move, resolve, evidence, outcome, sla.
    Dispute(dispute_cmd::DisputeArgs),
    /// An affiliate's own report: import a claims file, list the matched claims, open cases from the unmatched.
    Claims(claims_cmd::ClaimsArgs),
    /// The raw records (as received) and status history behind a conversion, player, click or deposit.
    Show(dispute_cmd::ShowArgs),
    /// Fraud detection, the flag queue, reconciliation, and their evaluation.
    #[command(flatten)]
    Fraud(detect_cmd::FraudCmd),
}

impl Command {
    fn json(&self) -> bool {
        match self {
            Command::Demo { json, .. }
            | Command::Dashboard { json, .. }
            | Command::Coverage { json, .. }
            | Command::Sync { json, .. } => *json,
            Command::Sources {
                action: sources_cmd::SourcesAction::List { json },
            } => *json,
            Command::People(a) => a.json,
            Command::Audit(a) => a.json,
            Command::Settings(a) => a.json,
            Command::PostbackLog(a) => a.json,
            Command::Import(a) => a.json,
            Command::Quarantine(q) => q.json,
            Command::Attribution(a) => a.json,
            Command::Explain(a) => a.json,
            Command::Plan(a) => a.json,
            Command::Compute(a) => a.json,
            Command::Period(a) => a.json,
            Command::Fx(a) => a.json,
            Command::Statement(a) => a.json,
            Command::Qualify(a) => a.json,
            Command::Fraud(c) => c.json(),
            Command::Program(a) => a.json,
            Command::Breakdown(a) => a.json,
            Command::Cohorts(a) => a.json,
            Command::Lines(a) => a.json,
            Command::Payee(a) => a.json,
            Command::Payout(a) => a.json,
            Command::Approval(a) => a.json,
            Command::Dispute(a) => a.json,
            Command::Claims(a) => a.json,
            Command::Show(a) => a.json,
            Command::Backup(a) => a.json,
            Command::Restore { .. }
            | Command::Workspace(_)
            | Command::Sources { .. }
            | Command::Sandbox(_)
            | Command::ServePostbacks(_) => false,
        }
    }
}

fn main() -> ExitCode {
    pipe::exit_quietly_on_broken_pipe();
    let cli = Cli::parse();
    let json = cli.command.json();
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

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, ApiError> {
    tokio::runtime::Runtime::new().map_err(|e| {
        ApiError::new(
            ErrorCode::Internal,
            format!("cannot start the async runtime: {e}"),
        )
    })
}

fn run(cli: Cli) -> Result<(), ApiError> {
    // Commands that need no workspace, or no signed-in person.
    match cli.command {
        Command::Sandbox(cmd) => return sandbox_cmd::run(cmd),
        Command::Fraud(detect_cmd::FraudCmd::Evaluate(args)) => return evaluate_cmd::run(&args),
        Command::Audit(a) if a.is_file_verify() => return people_cmd::audit(None, a),
        Command::Restore { from } => {
            let kept = ops::workspace::restore_backup(
                &session::data_dir(cli.data_dir)?,
                &from,
                chrono::Utc::now().timestamp_millis(),
            )?;
            println!(
                "Restored {}; the replaced database is kept as {kept}",
                from.display()
            );
            return Ok(());
        }
        _ => {}
    }
    let console = session::open(cli.data_dir)?;
    let rt = runtime()?;
    let result = match cli.command {
        Command::Demo { seed, scale, json } => {
            let scale = if scale == "full" {
                affops_core::api::DemoScale::Full
            } else {
                affops_core::api::DemoScale::Month
            };
            demo::run(&console, cli.user, seed, scale, json, &rt)
        }
        Command::Workspace(cmd) => people_cmd::workspace(&console, cmd),
        command => session::sign_in(&console, cli.user, cli.program)
            .and_then(|cx| dispatch(&cx, command, &rt)),
    };
    rt.block_on(ops::workspace::close_demo(&console.ctx()));
    result
}

fn dispatch(cx: &Ctx, command: Command, rt: &tokio::runtime::Runtime) -> Result<(), ApiError> {
    match command {
        Command::Coverage { from, to, json } => {
            let r = ops::reports::coverage(cx, DashboardQuery { from, to })?;
            if json {
                print_json(&r)?;
            } else {
                print_coverage(&r);
            }
        }
        Command::Dashboard { from, to, json } => {
            let d = ops::reports::dashboard(cx, DashboardQuery { from, to })?;
            if json {
                print_json(&d)?;
            } else {
                print_dashboard(&d);
            }
        }
        Command::Breakdown(a) => dashboards_cmd::breakdown(cx, a)?,
        Command::Cohorts(a) => dashboards_cmd::cohorts(cx, a)?,
        Command::People(a) => people_cmd::people(cx, a)?,
        Command::Settings(a) => people_cmd::settings(cx, a)?,
        Command::Audit(a) => people_cmd::audit(Some(cx), a)?,
        Command::Sources { action } => rt.block_on(sources_cmd::sources(cx, action))?,
        Command::Sync { full, json } => rt.block_on(sources_cmd::sync(cx, full, json))?,
        Command::ServePostbacks(args) => rt.block_on(postback_cmd::serve(cx, args))?,
        Command::PostbackLog(args) => postback_cmd::log(cx, args)?,
        Command::Program(a) => programs_cmd::run(cx, &a)?,
        Command::Import(a) => import_cmd::run_import(cx, a, rt)?,
        Command::Quarantine(q) => import_cmd::run_quarantine(cx, q)?,
        Command::Attribution(a) => attribution_cmd::run(cx, a)?,
        Command::Explain(a) => attribution_cmd::explain(cx, a)?,
        Command::Plan(a) => commission_cmd::plan(cx, a)?,
        Command::Compute(a) => commission_cmd::compute(cx, a)?,
        Command::Period(a) => commission_cmd::period(cx, a)?,
        Command::Fx(a) => fx_cmd::run(cx, a)?,
        Command::Statement(a) => statement_cmd::statement(cx, a)?,
        Command::Qualify(a) => statement_cmd::qualify(cx, a)?,
        Command::Fraud(cmd) => detect_cmd::run(cx, cmd)?,
        Command::Lines(a) => payout_cmd::lines(cx, a)?,
        Command::Payee(a) => payout_cmd::payee(cx, a)?,
        Command::Payout(a) => payout_cmd::payout(cx, a)?,
        Command::Approval(a) => payout_cmd::approval(cx, a)?,
        Command::Dispute(a) => dispute_cmd::run(cx, a)?,
        Command::Claims(a) => claims_cmd::run(cx, a, rt)?,
        Command::Show(a) => dispute_cmd::show(cx, a)?,
        Command::Backup(a) => payout_cmd::backup(cx, a)?,
        Command::Demo { .. }
        | Command::Workspace(_)
        | Command::Sandbox(_)
        | Command::Restore { .. } => {} // handled in `run`
    }
    Ok(())
}

pub(crate) fn print_summary(summary: &affops_core::api::SyncSummary) {
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
        "{:<6} {:<26} {:>7} {:>8} {:>8} {:>8} {:>8} {:>16}",
        "ID", "Affiliate", "Total", "S2S %", "Pixel %", "Batch %", "API %", "Payout on pixel %"
    );
    for x in r.rows.iter().chain(std::iter::once(&r.totals)) {
        let name: String = x.affiliate_name.chars().take(26).collect();
        println!(
            "{:<6} {:<26} {:>7} {:>8} {:>8} {:>8} {:>8} {:>16}",
            x.affiliate_id,
            name,
            x.total,
            x.s2s_percent,
            x.pixel_percent,
            x.batch_percent,
            x.api_percent,
            x.pixel_payout_percent
        );
    }
    if let Some(w) = &r.warning {
        println!("warning: {w}");
    }
}

pub(crate) fn print_json<T: serde::Serialize>(v: &T) -> Result<(), ApiError> {
    let text = serde_json::to_string_pretty(v)
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    println!("{text}");
    Ok(())
}

/// Which rows of a list the core cuts: `flags list`, `dispute list` and `reconcile` page alike.
#[derive(clap::Args, Debug, Clone, Copy)]
pub struct Page {
    /// Skip this many rows of the ordered list
    #[arg(long)]
    pub offset: Option<u32>,
    /// Print at most this many rows (default: every row; `dispute list`: 200, at most 1000)
    #[arg(long)]
    pub limit: Option<u32>,
}

/// "Rows a–b of N" above a page the core cut from a longer list (nothing when it shows the whole list), or that
/// `--offset` went past its last row.
pub(crate) fn print_rows_of(offset: u32, shown: usize, total: u32) {
    if shown == 0 && total > 0 && offset >= total {
        println!("No rows from {}: the list has {total}", offset + 1);
    } else if shown > 0 && shown < total as usize {
        println!("Rows {}–{} of {total}", offset + 1, offset as usize + shown);
    }
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
    if let Some(w) = &d.pixel_warning {
        println!("warning: {w}");
    }
    dashboards_cmd::print_unconverted(&d.unconverted);
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
