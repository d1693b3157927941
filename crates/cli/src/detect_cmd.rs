//! `affops-cli detect | flags | reconcile | dispute | evaluate`: fraud detection, the analyst queue,
//! reconciliation and disputes headless, and the quality evaluation against the sandbox's answer key.

use std::path::PathBuf;

use crate::now_ms;
use affops_core::api::{
    ApiError, BacktestRequest, DisputeOpenInput, ErrorCode, FlagDecisionInput, FlagFilter,
    ReconQuery,
};
use affops_core::detect;
use affops_core::reconcile::{self, ReconSettings};
use affops_core::workspace::Workspace;
use clap::Subcommand;

#[derive(Subcommand)]
pub enum FraudCmd {
    /// Run every fraud rule over the data new since the last run (or backtest one rule without saving).
    Detect {
        /// Run over all history without saving flags: what would be flagged and the commission at stake.
        #[arg(long)]
        backtest: bool,
        #[arg(long)]
        rule: Option<String>,
        /// Threshold override, key=value (repeatable; with --backtest, or saved as a new settings version).
        #[arg(long = "set", value_name = "KEY=VALUE")]
        set: Vec<String>,
        /// Who changes the settings (saved settings are audited).
        #[arg(long, default_value = "system")]
        user: String,
        #[arg(long)]
        json: bool,
    },
    /// The analyst queue.
    #[command(subcommand)]
    Flags(FlagsCmd),
    /// Reconcile tracker conversions with operator FTDs for a month.
    Reconcile {
        /// YYYY-MM in the program's zone.
        #[arg(long)]
        period: String,
        #[arg(long)]
        reason: Option<String>,
        #[arg(long)]
        affiliate: Option<String>,
        #[arg(long)]
        json: bool,
        /// Write the rows as CSV (spreadsheet-safe) to this file.
        #[arg(long, value_name = "OUT")]
        csv: Option<PathBuf>,
    },
    /// Dispute cases.
    #[command(subcommand)]
    Dispute(DisputeCmd),
    /// Measure detection and reconciliation against sandbox worlds' answer keys (and public labelled data).
    Evaluate(crate::evaluate_cmd::EvalArgs),
    /// Add a named user (who decides flags and opens disputes).
    UserAdd {
        name: String,
        /// manager, finance, analyst or admin.
        #[arg(long, default_value = "analyst")]
        role: String,
    },
}

#[derive(Subcommand)]
pub enum FlagsCmd {
    List {
        #[arg(long)]
        affiliate: Option<String>,
        #[arg(long)]
        pattern: Option<String>,
        #[arg(long)]
        severity: Option<String>,
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Confirm or dismiss a flag, with a comment, as a named user.
    Decide {
        id: i64,
        /// confirm or dismiss
        decision: String,
        #[arg(long)]
        user: String,
        #[arg(long)]
        comment: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum DisputeCmd {
    Open {
        #[arg(long = "from-discrepancy")]
        from_discrepancy: i64,
        #[arg(long)]
        user: String,
        #[arg(long)]
        json: bool,
    },
}

impl FraudCmd {
    pub fn json(&self) -> bool {
        match self {
            Self::Detect { json, .. } | Self::Reconcile { json, .. } => *json,
            Self::Flags(FlagsCmd::List { json, .. } | FlagsCmd::Decide { json, .. }) => *json,
            Self::Dispute(DisputeCmd::Open { json, .. }) => *json,
            Self::Evaluate(_) | Self::UserAdd { .. } => false,
        }
    }
}

fn print_json<T: serde::Serialize>(v: &T) -> Result<(), ApiError> {
    println!(
        "{}",
        serde_json::to_string_pretty(v)
            .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?
    );
    Ok(())
}

/// The program commands act on (see `detect::service::default_program`).
pub fn default_program(ws: &Workspace) -> Result<i64, ApiError> {
    Ok(detect::service::default_program(ws.store())?)
}

pub fn run(
    cmd: FraudCmd,
    open: impl FnOnce() -> Result<Workspace, ApiError>,
) -> Result<(), ApiError> {
    if let FraudCmd::Evaluate(args) = cmd {
        return crate::evaluate_cmd::run(&args);
    }
    let ws = open()?;
    let now = now_ms();
    match cmd {
        FraudCmd::Evaluate(_) => {}
        FraudCmd::UserAdd { name, role } => {
            let id = detect::service::add_user(ws.store(), &name, &role, now)?;
            println!("User #{id} '{}' ({role})", name.trim());
        }
        FraudCmd::Detect {
            backtest,
            rule,
            set,
            user,
            json,
        } => {
            let program = default_program(&ws)?;
            if backtest {
                let r = detect::backtest::backtest(
                    ws.store(),
                    program,
                    &BacktestRequest {
                        rule,
                        settings: set,
                    },
                    now,
                )?;
                if json {
                    return print_json(&r);
                }
                for r in &r.rules {
                    println!(
                        "{}: {} findings ({} already flagged) with {}",
                        r.rule, r.findings, r.already_flagged, r.settings_json
                    );
                    if let Some(e) = &r.error {
                        println!("  ERROR {e}");
                    }
                    for a in &r.affiliates {
                        println!(
                            "  affiliate {:>6} {:<24} {:>4} findings, {} {} at stake",
                            a.affiliate_id,
                            a.affiliate_name,
                            a.findings,
                            a.amount_at_stake,
                            a.currency
                        );
                    }
                    for e in &r.examples {
                        println!("  e.g. {e}");
                    }
                }
                return Ok(());
            }
            if !set.is_empty() {
                let name = rule
                    .ok_or_else(|| ApiError::new(ErrorCode::InvalidInput, "--set needs --rule"))?;
                let r = detect::rule(&name)?;
                let changes = detect::settings::parse_pairs(&set)?;
                let saved = ws
                    .store()
                    .read(|c| detect::settings::current(c, program, r.name, r.settings))?;
                let values =
                    detect::settings::validate(r.name, r.settings, &saved.values, &changes)?;
                let v = ws
                    .store()
                    .write(|tx| detect::settings::save(tx, program, r.name, &values, &user, now))?;
                println!(
                    "{} settings version {v}: {}",
                    r.name,
                    serde_json::to_string(&values).unwrap_or_default()
                );
            }
            let report = detect::run(ws.store(), program, None, now)?;
            if json {
                return print_json(&report);
            }
            println!(
                "Detection run {}: {} new flags",
                report.run_id, report.flags_created
            );
            for r in &report.rules {
                match &r.failure {
                    Some(f) => println!(
                        "  {:<18} FAILED: {} (rows: {})",
                        r.rule,
                        f.reason,
                        f.rows.join(", ")
                    ),
                    None => println!(
                        "  {:<18} {:>5} findings, {:>5} new flags",
                        r.rule, r.findings, r.flags_created
                    ),
                }
            }
        }
        FraudCmd::Flags(FlagsCmd::List {
            affiliate,
            pattern,
            severity,
            status,
            json,
        }) => {
            let rows = detect::queue::list(
                ws.store(),
                &FlagFilter {
                    affiliate,
                    pattern,
                    severity,
                    status,
                },
            )?;
            if json {
                return print_json(&rows);
            }
            if rows.is_empty() {
                println!("No flags match.");
            }
            for f in rows {
                println!(
                    "#{:<5} {:<9} {:<6} {:>3} aff {:<6} {:<18} {} ({} {} at stake)",
                    f.id,
                    f.status,
                    f.severity,
                    f.score,
                    f.affiliate_id,
                    f.pattern,
                    f.summary,
                    f.amount_at_stake,
                    f.currency
                );
            }
        }
        FraudCmd::Flags(FlagsCmd::Decide {
            id,
            decision,
            user,
            comment,
            json,
        }) => {
            let row = detect::queue::decide(
                ws.store(),
                &FlagDecisionInput {
                    flag_id: id,
                    decision,
                    user,
                    comment,
                },
                now,
            )?;
            if json {
                return print_json(&row);
            }
            println!("Flag #{} is now {}", row.id, row.status);
        }
        FraudCmd::Reconcile {
            period,
            reason,
            affiliate,
            json,
            csv,
        } => {
            let program = default_program(&ws)?;
            let report = reconcile::report::run(
                ws.store(),
                program,
                &ReconQuery {
                    period,
                    reason,
                    affiliate,
                },
                &ReconSettings::default(),
                now,
            )?;
            if let Some(path) = csv {
                let bytes = reconcile::report::to_csv(&report)?;
                std::fs::write(&path, bytes).map_err(|e| {
                    ApiError::new(
                        ErrorCode::Storage,
                        format!("cannot write {}: {e}", path.display()),
                    )
                })?;
                println!("Wrote {} rows to {}", report.rows.len(), path.display());
                return Ok(());
            }
            if json {
                return print_json(&report);
            }
            println!("Reconciliation {} of {}", report.period, report.program);
            for t in &report.totals {
                println!("  affiliate {:>6} {:<24} tracker {:>4}  operator {:>4}  discrepancies {:>3}  impact {} {}", t.affiliate_id, t.affiliate_name, t.tracker_conversions, t.operator_ftds, t.discrepancies, t.impact, t.currency);
            }
            for r in &report.rows {
                println!(
                    "  #{:<5} {:<20} aff {:<6} {}",
                    r.id, r.reason, r.affiliate_id, r.detail
                );
            }
        }
        FraudCmd::Dispute(DisputeCmd::Open {
            from_discrepancy,
            user,
            json,
        }) => {
            let case = reconcile::dispute::open_from_discrepancy(
                ws.store(),
                &DisputeOpenInput {
                    discrepancy_id: from_discrepancy,
                    user,
                },
                now,
            )?;
            if json {
                return print_json(&case);
            }
            println!(
                "Opened dispute case #{} '{}' claiming {} {}",
                case.id, case.title, case.amount_claimed, case.currency
            );
        }
    }
    Ok(())
}
