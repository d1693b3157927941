//! `affops-cli plan | compute | period`: commission plans from files, computing and closing periods, the FX
//! snapshot. Statements and the qualification checklist are in `statement_cmd`.

use crate::now_ms;
use affops_core::api::{ApiError, ErrorCode};
use affops_core::commission::actions;
use affops_core::commission::plan::file::PlanFormat;
use affops_core::workspace::Workspace;
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::time::Instant;

pub(crate) fn print_json<T: serde::Serialize>(v: &T) -> Result<(), ApiError> {
    println!(
        "{}",
        serde_json::to_string_pretty(v)
            .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?
    );
    Ok(())
}

pub(crate) fn io(path: &std::path::Path, e: std::io::Error) -> ApiError {
    ApiError::new(ErrorCode::InvalidInput, format!("{}: {e}", path.display()))
}

#[derive(Args)]
pub struct PlanArgs {
    #[command(subcommand)]
    action: PlanAction,
    /// The program (default: the workspace's first).
    #[arg(long, global = true)]
    program: Option<String>,
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Subcommand)]
enum PlanAction {
    /// Validate and save a plan file (JSON or TOML); nothing is saved when a check fails.
    Import {
        file: PathBuf,
        /// Only validate; save nothing.
        #[arg(long)]
        check: bool,
    },
    /// Print a saved plan as a file (every version).
    Export {
        name: String,
        #[arg(long, default_value = "json")]
        format: String,
        /// Write to this file instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// The program's plans.
    List,
    /// A plan's versions with their hashes.
    Show { name: String },
    /// Put an affiliate (or, with --default, every affiliate without its own plan) on a plan from a day on.
    Assign {
        name: String,
        #[arg(long, conflicts_with = "default", required_unless_present = "default")]
        affiliate: Option<String>,
        #[arg(long)]
        default: bool,
        /// First day, YYYY-MM-DD.
        #[arg(long)]
        from: String,
    },
}

pub fn plan(ws: &Workspace, a: PlanArgs) -> Result<(), ApiError> {
    let store = ws.store();
    let program = a.program.as_deref();
    match a.action {
        PlanAction::Import { file, check } => {
            let text = std::fs::read_to_string(&file).map_err(|e| io(&file, e))?;
            let name = file
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            let r = actions::import_plan(store, program, name, &text, !check, now_ms())?;
            if a.json {
                print_json(&r)?;
            } else if !r.errors.is_empty() {
                eprintln!("{} is invalid; nothing was saved:", file.display());
                for e in &r.errors {
                    eprintln!(
                        "  {}: {}",
                        if e.path.is_empty() { "(file)" } else { &e.path },
                        e.reason
                    );
                }
            } else if let Some(p) = &r.plan {
                println!(
                    "Saved plan '{}' ({}, {}): {} new version(s) {:?}",
                    p.name,
                    p.kind,
                    p.currency,
                    r.new_versions.len(),
                    r.new_versions
                );
            } else {
                println!("{} is valid", file.display());
            }
            if !r.errors.is_empty() {
                return Err(ApiError::new(
                    ErrorCode::InvalidInput,
                    format!("{} error(s) in the plan file", r.errors.len()),
                ));
            }
        }
        PlanAction::Export { name, format, out } => {
            let f = PlanFormat::parse_name(&format).ok_or_else(|| {
                ApiError::new(
                    ErrorCode::InvalidInput,
                    format!("unknown format '{format}' (json or toml)"),
                )
            })?;
            let text = actions::export_plan(store, program, &name, f)?;
            match out {
                Some(p) => std::fs::write(&p, text).map_err(|e| io(&p, e))?,
                None => print!("{text}"),
            }
        }
        PlanAction::List => {
            let plans = actions::list_plans(store, program)?;
            if a.json {
                return print_json(&plans);
            }
            println!(
                "{:<24} {:<20} {:<4} {:<9} {:>8} {:<12} {:>10}",
                "plan", "kind", "cur", "rounding", "versions", "latest", "affiliates"
            );
            for p in plans {
                let aff = if p.is_program_default {
                    format!("{}+default", p.assigned_affiliates)
                } else {
                    p.assigned_affiliates.to_string()
                };
                println!(
                    "{:<24} {:<20} {:<4} {:<9} {:>8} {:<12} {:>10}",
                    p.name,
                    p.kind,
                    p.currency,
                    p.rounding,
                    p.version_count,
                    p.latest_effective_from,
                    aff
                );
            }
        }
        PlanAction::Show { name } => {
            let d = actions::plan_detail(store, program, &name)?;
            if a.json {
                return print_json(&d);
            }
            println!(
                "{} ({}, {}, rounding {})",
                d.summary.name, d.summary.kind, d.summary.currency, d.summary.rounding
            );
            for v in d.versions {
                println!(
                    "  v{} from {}  {}  hold {} days  sha256 {}",
                    v.version_no, v.effective_from, v.kind, v.hold_days, v.content_hash
                );
                for c in v.components {
                    println!("    - {c}");
                }
            }
        }
        PlanAction::Assign {
            name,
            affiliate,
            default: _,
            from,
        } => {
            actions::assign_plan(
                store,
                program,
                affiliate.as_deref(),
                &name,
                &from,
                "cli",
                now_ms(),
            )?;
            println!(
                "{} is on plan '{name}' from {from}",
                affiliate.map_or_else(
                    || "The program default".to_string(),
                    |a| format!("Affiliate {a}")
                )
            );
        }
    }
    Ok(())
}

#[derive(Args)]
pub struct ComputeArgs {
    /// The month, YYYY-MM (program time zone).
    #[arg(long)]
    period: String,
    #[arg(long)]
    program: Option<String>,
    #[arg(long)]
    pub json: bool,
}

pub fn compute(ws: &Workspace, a: ComputeArgs) -> Result<(), ApiError> {
    let started = Instant::now();
    let mut r = actions::compute(ws.store(), a.program.as_deref(), &a.period, now_ms())?;
    r.elapsed_ms = started.elapsed().as_millis() as i64;
    if a.json {
        return print_json(&r);
    }
    println!("{} {} ({} to {}), {}: {} affiliates, {} lines, {} entries posted ({} late corrections) in {} ms", r.program, r.period_label, r.period.from, r.period.to, r.status, r.affiliates, r.lines, r.entries_posted, r.late_corrections, r.elapsed_ms);
    for t in &r.totals {
        println!("  payable {} {}", t.amount, t.currency);
    }
    for p in &r.problems {
        println!("  problem {} {}: {}", p.kind, p.subject, p.detail);
    }
    println!("  result sha256 {}", r.result_hash);
    Ok(())
}

#[derive(Args)]
pub struct PeriodArgs {
    #[command(subcommand)]
    action: PeriodAction,
    #[arg(long, global = true)]
    program: Option<String>,
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Subcommand)]
enum PeriodAction {
    /// Every period with its status and hashes.
    List,
    /// Close a computed month: statements are persisted with their hashes; later events land in the next month.
    Close {
        #[arg(long)]
        period: String,
        #[arg(long, default_value = "cli")]
        by: String,
    },
    /// Record one rate of a month's FX snapshot: 1 FROM = RATE TO.
    Fx {
        #[arg(long)]
        period: String,
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        /// Exact decimal text, e.g. 1.0842.
        #[arg(long)]
        rate: String,
        #[arg(long)]
        source: String,
        /// The day the rate is of, YYYY-MM-DD.
        #[arg(long)]
        as_of: String,
    },
}

pub fn period(ws: &Workspace, a: PeriodArgs) -> Result<(), ApiError> {
    let program = a.program.as_deref();
    match a.action {
        PeriodAction::List => {
            let ps = actions::periods(ws.store(), program)?;
            if a.json {
                return print_json(&ps);
            }
            for p in ps {
                println!(
                    "{}  {:<6}  result {}  statements {}",
                    p.period_label,
                    p.status,
                    p.result_hash.unwrap_or_default(),
                    p.statement_hash.unwrap_or_default()
                );
            }
        }
        PeriodAction::Close { period, by } => {
            let p = actions::close(ws.store(), program, &period, &by, now_ms())?;
            if a.json {
                return print_json(&p);
            }
            println!(
                "Closed {}: statements sha256 {}",
                p.period_label,
                p.statement_hash.unwrap_or_default()
            );
        }
        PeriodAction::Fx {
            period,
            from,
            to,
            rate,
            source,
            as_of,
        } => {
            let prog = ws
                .store()
                .read(|c| Ok(affops_core::commission::load::program(c, program)))
                .map_err(ApiError::from)??;
            affops_core::commission::period::record_fx(
                ws.store(),
                prog.id,
                &period,
                &from,
                &to,
                &rate,
                &source,
                &as_of,
                now_ms(),
            )?;
            println!("{period}: 1 {from} = {rate} {to} ({source}, {as_of})");
        }
    }
    Ok(())
}
