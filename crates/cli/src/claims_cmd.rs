//! `affops-cli claims import|list|cases`: an affiliate's own report of their players, imported like any batch file
//! (bad rows quarantined with their reason), matched against the tracker and the operator (`reconcile --claims`),
//! and its unmatched claims turned into dispute cases.

use crate::print_json;
use affops_core::api::{
    ApiError, ClaimCasesRequest, ClaimsQuery, ClaimsReport, ColumnMap, ColumnMapping, ImportPreset,
    ImportRunRequest,
};
use affops_core::import;
use affops_core::ops::{self, Ctx};
use clap::{Args, Subcommand};

#[derive(Args)]
pub struct ClaimsArgs {
    #[command(subcommand)]
    action: ClaimsAction,
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Subcommand)]
enum ClaimsAction {
    /// Import an affiliate's claims file (CSV: claim_id, player_id, click_id, registration_date, ftd_date,
    /// ftd_amount, currency — any of player_id/click_id, the rest optional).
    Import {
        file: String,
        /// The affiliate whose report it is (when the file has no affiliate_id column).
        #[arg(long)]
        affiliate: Option<String>,
        /// column=field (repeat) for columns named otherwise; `@row=claim_id` when the file has no claim ids.
        #[arg(long = "map", value_name = "COLUMN=FIELD")]
        map: Vec<String>,
        /// How dates are written: auto, ymd, ymd_hms, rfc3339, dmy, mdy_hm, unix_s, unix_ms.
        #[arg(long)]
        date_format: Option<String>,
        #[arg(long)]
        delimiter: Option<String>,
    },
    /// The month's claims as last matched (run `reconcile --claims` to match them).
    List {
        #[arg(long)]
        period: String,
        #[arg(long)]
        affiliate: Option<String>,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Open a dispute case for each unmatched claim given (default: every one of the month without a case).
    Cases {
        #[arg(long)]
        period: String,
        #[arg(long)]
        affiliate: Option<String>,
        #[arg(long = "claim")]
        claims: Vec<i64>,
    },
}

/// Every claims field from its same-named column, the affiliate from `--affiliate`, and the user's own pairs.
fn mapping(affiliate: Option<&str>, map: &[String]) -> Result<ColumnMapping, ApiError> {
    let given = import::parse_pairs(ImportPreset::Claims, map)?;
    let mut columns: Vec<ColumnMap> = import::fields_of(ImportPreset::Claims)
        .into_iter()
        .filter(|f| !given.columns.iter().any(|c| &c.field == f))
        .map(|f| ColumnMap {
            column: f.clone(),
            field: f,
        })
        .collect();
    if let Some(a) = affiliate {
        columns.retain(|c| c.field != "affiliate_id");
        columns.push(ColumnMap {
            column: format!("{}{}", import::CONST_PREFIX, a.trim()),
            field: "affiliate_id".into(),
        });
    }
    columns.extend(given.columns);
    Ok(ColumnMapping {
        preset: ImportPreset::Claims,
        columns,
        date_format: None,
        delimiter: None,
    })
}

pub fn print_report(r: &ClaimsReport) {
    let counts: Vec<String> = r
        .reasons
        .iter()
        .map(|c| format!("{} {}", c.count, c.reason))
        .collect();
    println!(
        "Claims {}: {}",
        r.period,
        if counts.is_empty() {
            "none matched".to_string()
        } else {
            counts.join(", ")
        }
    );
    for c in &r.rows {
        println!(
            "  #{:<5} {:<10} aff {:<5} {:<10} {:<16} {:>10} {}{}",
            c.id,
            c.claim,
            c.affiliate_id,
            if c.player.is_empty() {
                &c.click
            } else {
                &c.player
            },
            c.reason,
            c.impact,
            c.detail,
            c.case_id
                .map(|k| format!(" (case #{k})"))
                .unwrap_or_default()
        );
    }
}

pub fn run(cx: &Ctx, a: ClaimsArgs, rt: &tokio::runtime::Runtime) -> Result<(), ApiError> {
    match a.action {
        ClaimsAction::Import {
            file,
            affiliate,
            map,
            date_format,
            delimiter,
        } => {
            let mut m = mapping(affiliate.as_deref(), &map)?;
            m.date_format = date_format;
            m.delimiter = delimiter;
            let req = ImportRunRequest {
                path: file,
                source: "claims".into(),
                mapping: m,
                chunk_rows: None,
                tx_rows: None,
            };
            let s = rt.block_on(ops::imports::import_run(
                cx,
                req,
                std::sync::Arc::new(|_| {}),
            ))?;
            if a.json {
                return print_json(&s);
            }
            println!(
                "Imported {} claims from {} ({} rows quarantined{}); run {}",
                s.rows_ok,
                s.file_name,
                s.rows_quarantined,
                if s.rows_quarantined > 0 {
                    format!(": `quarantine list --run {}`", s.id)
                } else {
                    String::new()
                },
                s.id
            );
            if s.already_imported {
                println!("(this file was imported before: nothing changed)");
            }
        }
        ClaimsAction::List {
            period,
            affiliate,
            reason,
        } => {
            let r = ops::disputes::claims_report(
                cx,
                ClaimsQuery {
                    period,
                    affiliate,
                    reason,
                },
            )?;
            if a.json {
                return print_json(&r);
            }
            print_report(&r);
        }
        ClaimsAction::Cases {
            period,
            affiliate,
            claims,
        } => {
            let ids = ops::disputes::claims_open_cases(
                cx,
                ClaimCasesRequest {
                    period,
                    affiliate,
                    claims,
                },
            )?;
            if a.json {
                return print_json(&ids);
            }
            println!(
                "Opened {} dispute cases{}",
                ids.len(),
                if ids.is_empty() {
                    String::new()
                } else {
                    format!(
                        ": {}",
                        ids.iter()
                            .map(|i| format!("#{i}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }
            );
        }
    }
    Ok(())
}
