//! `affops-cli detect | flags | reconcile | evaluate`: fraud detection, the analyst queue,
//! reconciliation headless, and the quality evaluation against the sandbox's answer key.

use crate::print_json;
use std::path::PathBuf;

use affops_core::api::{
    AllowEntry, AllowEntryInput, AllowRevokeInput, ApiError, BacktestRequest, Decision, ErrorCode,
    FlagBulkDecisionInput, FlagDecisionInput, FlagFilter, ReconExportRequest, ReconQuery,
    RuleSettingsRequest,
};
use affops_core::ops::{self, Ctx};
use clap::{Subcommand, ValueEnum};

#[derive(Subcommand)]
pub enum FraudCmd {
    /// Run every fraud rule over all the data, revising the flags (or backtest one rule without saving).
    Detect {
        /// Run over all history without saving flags: what would be flagged and the commission at stake.
        #[arg(long)]
        backtest: bool,
        #[arg(long)]
        rule: Option<String>,
        /// Threshold override, key=value (repeatable; with --backtest, or saved as a new settings version).
        #[arg(long = "set", value_name = "KEY=VALUE")]
        set: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// The analyst queue.
    #[command(subcommand)]
    Flags(FlagsCmd),
    /// The detection allow-list: IP ranges and sub-IDs established as legit (list, add, revoke)
    #[command(subcommand)]
    Allowlist(AllowlistCmd),
    /// Reconcile tracker conversions with operator FTDs for a month.
    Reconcile {
        /// YYYY-MM in the program's zone.
        #[arg(long)]
        period: String,
        /// Match the affiliates' own claims (imported with `claims import`) instead: the third leg.
        #[arg(long)]
        claims: bool,
        /// Only rows of this reason code (missing_postback, unmatched_conversion, amount_mismatch, …)
        #[arg(long)]
        reason: Option<String>,
        /// Only this affiliate's rows (its tracker id)
        #[arg(long)]
        affiliate: Option<String>,
        #[command(flatten)]
        page: crate::Page,
        #[arg(long)]
        json: bool,
        /// Write the rows as CSV (spreadsheet-safe) to this file.
        #[arg(long, value_name = "OUT")]
        csv: Option<PathBuf>,
    },
    /// Measure detection and reconciliation against sandbox worlds' answer keys (and public labelled data).
    Evaluate(crate::evaluate_cmd::EvalArgs),
}

/// What an analyst decides.
#[derive(Clone, Copy, ValueEnum)]
pub enum DecisionArg {
    Confirm,
    Dismiss,
}

#[derive(Subcommand)]
pub enum FlagsCmd {
    List {
        #[arg(long)]
        affiliate: Option<String>,
        #[arg(long)]
        pattern: Option<String>,
        /// low, medium or high
        #[arg(long)]
        severity: Option<String>,
        /// open, confirmed, dismissed or superseded (no longer found on all the data)
        #[arg(long)]
        status: Option<String>,
        /// Only flags whose affiliate name or id, or summary, contains this (any case)
        #[arg(long)]
        search: Option<String>,
        /// affiliate, pattern, severity, score (the default), status, amount or created
        #[arg(long)]
        sort: Option<String>,
        /// asc or desc (default: desc for score, severity, amount and created, else asc)
        #[arg(long, value_parser = ["asc", "desc"])]
        order: Option<String>,
        #[command(flatten)]
        page: crate::Page,
        #[arg(long)]
        json: bool,
    },
    /// The queue grouped by affiliate and rule: flags, records and money at stake per group (most at stake first).
    Groups {
        #[arg(long)]
        affiliate: Option<String>,
        #[arg(long)]
        pattern: Option<String>,
        /// low, medium or high
        #[arg(long)]
        severity: Option<String>,
        /// open (the default), confirmed, dismissed or superseded
        #[arg(long, default_value = "open")]
        status: String,
        #[arg(long)]
        json: bool,
    },
    /// Confirm or dismiss a flag — or several, `ID,ID,…` (a group's ids from `flags groups`) — with one comment,
    /// as the signed-in person.
    Decide {
        #[arg(
            value_delimiter = ',',
            num_args = 1,
            required = true,
            value_name = "ID[,ID…]"
        )]
        ids: Vec<i64>,
        #[arg(value_enum)]
        decision: DecisionArg,
        #[arg(long)]
        comment: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum AllowKindArg {
    /// A CIDR block (100.64.0.0/16) or one address.
    IpRange,
    /// `AFFILIATE|SUB1`: the affiliate's tracker id and the sub-ID.
    SubId,
}

#[derive(Subcommand)]
pub enum AllowlistCmd {
    /// Every entry, active first.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Allow-list an IP range or a sub-ID, for one rule (`--rule`) or every rule that reads it.
    Add {
        #[arg(value_enum)]
        kind: AllowKindArg,
        value: String,
        #[arg(long, default_value = "")]
        rule: String,
        #[arg(long)]
        reason: String,
        /// The (dismissed) flag the entry is made from.
        #[arg(long)]
        flag: Option<i64>,
        #[arg(long)]
        json: bool,
    },
    /// Revoke an entry, saying why (it stays listed, revoked).
    Revoke {
        id: i64,
        #[arg(long)]
        reason: String,
    },
}

impl FraudCmd {
    pub fn json(&self) -> bool {
        match self {
            Self::Detect { json, .. } | Self::Reconcile { json, .. } => *json,
            Self::Flags(
                FlagsCmd::List { json, .. }
                | FlagsCmd::Groups { json, .. }
                | FlagsCmd::Decide { json, .. },
            ) => *json,
            Self::Allowlist(AllowlistCmd::List { json } | AllowlistCmd::Add { json, .. }) => *json,
            Self::Allowlist(AllowlistCmd::Revoke { .. }) | Self::Evaluate(_) => false,
        }
    }
}

pub fn run(cx: &Ctx, cmd: FraudCmd) -> Result<(), ApiError> {
    match cmd {
        FraudCmd::Evaluate(_) => {} // needs no workspace: handled by main
        FraudCmd::Detect {
            backtest,
            rule,
            set,
            json,
        } => {
            if backtest {
                let r = ops::detect::detect_backtest(
                    cx,
                    BacktestRequest {
                        rule,
                        settings: set,
                    },
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
                let rule = rule
                    .ok_or_else(|| ApiError::new(ErrorCode::InvalidInput, "--set needs --rule"))?;
                let saved = ops::detect::save_rule_settings(
                    cx,
                    RuleSettingsRequest {
                        rule,
                        settings: set,
                    },
                )?;
                println!(
                    "{} settings version {}: {}",
                    saved.rule, saved.version, saved.settings_json
                );
            }
            let (bar, progress) = crate::demo::progress_bar(!json);
            let report = ops::detect::detect_run(cx, progress);
            bar.finish_and_clear();
            let report = report?;
            if json {
                return print_json(&report);
            }
            println!(
                "Detection run {} over all the data: {} new, {} updated, {} superseded, {} reopened flags",
                report.run_id,
                report.flags_created,
                report.flags_updated,
                report.flags_superseded,
                report.flags_reopened
            );
            for r in &report.rules {
                match &r.error {
                    Some(e) => println!("  {:<18} FAILED: {e}", r.rule),
                    None => println!(
                        "  {:<18} {:>5} findings: {:>5} new, {:>5} updated, {:>5} superseded, {:>5} reopened",
                        r.rule,
                        r.findings,
                        r.flags_created,
                        r.flags_updated,
                        r.flags_superseded,
                        r.flags_reopened
                    ),
                }
            }
        }
        FraudCmd::Flags(FlagsCmd::List {
            affiliate,
            pattern,
            severity,
            status,
            search,
            sort,
            order,
            page: crate::Page { offset, limit },
            json,
        }) => {
            let page = ops::detect::flags_list(
                cx,
                FlagFilter {
                    affiliate,
                    pattern,
                    severity,
                    status,
                    text: search,
                    sort,
                    descending: order.map(|o| o == "desc"),
                    offset,
                    limit,
                },
            )?;
            if json {
                return print_json(&page.rows);
            }
            if page.total == 0 {
                println!("No flags match.");
            }
            crate::print_rows_of(page.offset, page.rows.len(), page.total);
            for f in page.rows {
                // "r3" when the evidence was revised; "r3, decided on r1" when it changed after the decision.
                let revision = match f.decided_revision {
                    Some(d) if d < f.revision => format!(" [r{}, decided on r{d}]", f.revision),
                    _ if f.revision > 1 => format!(" [r{}]", f.revision),
                    _ => String::new(),
                };
                println!(
                    "#{:<5} {:<10} {:<6} {:>3} aff {:<6} {:<18} {}{revision} ({} {} at stake)",
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
                if f.revision_state == "superseded" {
                    println!("       superseded: {}", f.revision_reason);
                }
            }
        }
        FraudCmd::Flags(FlagsCmd::Groups {
            affiliate,
            pattern,
            severity,
            status,
            json,
        }) => {
            let groups = ops::detect::flags_groups(
                cx,
                FlagFilter {
                    affiliate,
                    pattern,
                    severity,
                    status: Some(status),
                    ..FlagFilter::default()
                },
            )?;
            if json {
                return print_json(&groups);
            }
            if groups.is_empty() {
                println!("No flags match.");
            }
            for g in groups {
                println!(
                    "aff {:<6} {:<24} {:<18} {:>5} flags {:>6} records  {:<6} max {:>3}  {} {} at stake",
                    g.affiliate_id,
                    g.affiliate_name,
                    g.pattern,
                    g.flags,
                    g.items,
                    g.highest_severity,
                    g.max_score,
                    g.amount_at_stake,
                    g.currency
                );
                println!("       e.g. {}", g.example);
                let ids: Vec<String> = g.flag_ids.iter().map(i64::to_string).collect();
                println!("       ids {}", ids.join(","));
            }
        }
        FraudCmd::Flags(FlagsCmd::Decide {
            ids,
            decision,
            comment,
            json,
        }) => {
            let decision = match decision {
                DecisionArg::Confirm => Decision::Confirm,
                DecisionArg::Dismiss => Decision::Dismiss,
            };
            if let [id] = ids[..] {
                let row = ops::detect::flag_decide(
                    cx,
                    FlagDecisionInput {
                        flag_id: id,
                        decision,
                        comment,
                    },
                )?;
                if json {
                    return print_json(&row);
                }
                println!("Flag #{} is now {}", row.id, row.status);
            } else {
                let done = ops::detect::flag_decide_bulk(
                    cx,
                    FlagBulkDecisionInput {
                        flag_ids: ids,
                        decision,
                        comment,
                    },
                )?;
                if json {
                    return print_json(&done);
                }
                println!(
                    "{} flags decided, {} already were",
                    done.decided, done.unchanged
                );
                for m in done.moved {
                    println!("  commission moved {m}");
                }
            }
        }
        FraudCmd::Allowlist(cmd) => allowlist(cx, cmd)?,
        FraudCmd::Reconcile {
            period,
            claims,
            reason,
            affiliate,
            page: crate::Page { offset, limit },
            json,
            csv,
        } => {
            if claims {
                let r = ops::disputes::claims_reconcile(
                    cx,
                    affops_core::api::ClaimsQuery {
                        period,
                        affiliate,
                        reason,
                    },
                )?;
                if json {
                    return print_json(&r);
                }
                crate::claims_cmd::print_report(&r);
                return Ok(());
            }
            let query = ReconQuery {
                period,
                reason,
                affiliate,
                offset,
                limit,
            };
            let (bar, progress) = crate::demo::progress_bar(!json);
            if let Some(path) = csv {
                let path = path.display().to_string();
                let r = ops::reconcile::reconcile_export_csv(
                    cx,
                    ReconExportRequest { query, path },
                    progress,
                );
                bar.finish_and_clear();
                let r = r?;
                println!("Wrote {} rows to {}", r.rows, r.path);
                return Ok(());
            }
            let report = ops::reconcile::reconcile_period(cx, query, progress);
            bar.finish_and_clear();
            let report = report?;
            if json {
                return print_json(&report);
            }
            println!("Reconciliation {} of {}", report.period, report.program);
            crate::print_rows_of(report.offset, report.rows.len(), report.total_rows);
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
    }
    Ok(())
}

fn allowlist(cx: &Ctx, cmd: AllowlistCmd) -> Result<(), ApiError> {
    let print = |e: &AllowEntry| {
        let state = match (&e.revoked_by, e.revoked_at_ms) {
            (Some(by), Some(at)) => format!(
                "revoked by {by} on {}: {}",
                day(at),
                e.revoke_reason.as_deref().unwrap_or("")
            ),
            _ => "active".to_string(),
        };
        let rule = if e.rule.is_empty() {
            "every rule"
        } else {
            e.rule.as_str()
        };
        let flag = e
            .flag_id
            .map(|f| format!(" (flag #{f})"))
            .unwrap_or_default();
        println!(
            "#{:<4} {:<8} {:<22} {:<18} {}{flag} — {} on {}; {state}",
            e.id,
            e.kind,
            e.value,
            rule,
            e.reason,
            e.created_by,
            day(e.created_at_ms)
        );
    };
    match cmd {
        AllowlistCmd::List { json } => {
            let entries = ops::detect::allowlist_list(cx)?;
            if json {
                return print_json(&entries);
            }
            if entries.is_empty() {
                println!("Nothing is allow-listed.");
            }
            entries.iter().for_each(print);
        }
        AllowlistCmd::Add {
            kind,
            value,
            rule,
            reason,
            flag,
            json,
        } => {
            let kind = match kind {
                AllowKindArg::IpRange => "ip_range",
                AllowKindArg::SubId => "sub_id",
            };
            let e = ops::detect::allowlist_add(
                cx,
                AllowEntryInput {
                    kind: kind.into(),
                    value,
                    rule,
                    reason,
                    flag_id: flag,
                },
            )?;
            if json {
                return print_json(&e);
            }
            print(&e);
            println!("The next detection run re-judges the flags it explains.");
        }
        AllowlistCmd::Revoke { id, reason } => {
            let e = ops::detect::allowlist_revoke(cx, AllowRevokeInput { id, reason })?;
            print(&e);
        }
    }
    Ok(())
}

fn day(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|d| d.date_naive().to_string())
        .unwrap_or_default()
}
