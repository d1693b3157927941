//! `affops-cli plan | compute | period`: commission plans from files, computing and closing periods, the FX
//! snapshot. Statements and the qualification checklist are in `statement_cmd`.

use crate::print_json;
use affops_core::api::{ApiError, AssignPlanRequest, ErrorCode, FxRateInput, PlanFormat, PlanText};
use affops_core::ops::{self, Ctx};
use clap::{Args, Subcommand};
use std::path::PathBuf;

pub(crate) fn io(path: &std::path::Path, e: std::io::Error) -> ApiError {
    ApiError::new(ErrorCode::InvalidInput, format!("{}: {e}", path.display()))
}

#[derive(Args)]
pub struct PlanArgs {
    #[command(subcommand)]
    action: PlanAction,
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

pub fn plan(cx: &Ctx, a: PlanArgs) -> Result<(), ApiError> {
    match a.action {
        PlanAction::Import { file, check } => {
            let text = std::fs::read_to_string(&file).map_err(|e| io(&file, e))?;
            let name = file
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            let req = PlanText {
                text,
                format: PlanFormat::detect(name, ""),
            };
            let r = if check {
                ops::commission::check_plan(cx, req)?
            } else {
                ops::commission::save_plan(cx, req)?
            };
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
            let text = ops::commission::plan_text(cx, &name, f)?;
            match out {
                Some(p) => std::fs::write(&p, text).map_err(|e| io(&p, e))?,
                None => print!("{text}"),
            }
        }
        PlanAction::List => {
            let plans = ops::commission::list_plans(cx)?;
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
            let d = ops::commission::plan_detail(cx, name)?;
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
            let req = AssignPlanRequest {
                plan: name.clone(),
                affiliate: affiliate.clone(),
                effective_from: from.clone(),
            };
            ops::commission::assign_plan(cx, req)?;
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
    pub json: bool,
}

pub fn compute(cx: &Ctx, a: ComputeArgs) -> Result<(), ApiError> {
    let r = ops::commission::compute_period(cx, a.period)?;
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

pub fn period(cx: &Ctx, a: PeriodArgs) -> Result<(), ApiError> {
    match a.action {
        PeriodAction::List => {
            let ps = ops::commission::list_periods(cx)?;
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
        PeriodAction::Close { period } => {
            let p = ops::commission::close_period(cx, period)?;
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
            let fx = FxRateInput {
                period: period.clone(),
                from: from.clone(),
                to: to.clone(),
                rate: rate.clone(),
                source: source.clone(),
                as_of: as_of.clone(),
            };
            ops::commission::set_fx_rate(cx, fx)?;
            println!("{period}: 1 {from} = {rate} {to} ({source}, {as_of})");
        }
    }
    Ok(())
}
