//! `affops-cli fx import|set|list`: the dated FX table (ECB reference-rate files, manual rates).

use crate::print_json;
use affops_core::api::{ApiError, FxImportRequest, FxListQuery, FxSetRequest};
use affops_core::ops::{self, Ctx};
use clap::{Args, Subcommand};

#[derive(Args)]
pub struct FxArgs {
    #[command(subcommand)]
    action: FxAction,
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Subcommand)]
enum FxAction {
    /// Import an ECB reference-rate file (eurofxref-hist.csv or the one-day eurofxref.csv); bad rows and
    /// cells are quarantined with their row, field and reason, N/A cells counted as gaps.
    Import {
        /// The CSV file.
        file: String,
    },
    /// Record a day's rate by hand: 1 FROM = RATE TO (a different rate for a recorded day supersedes it).
    Set {
        /// YYYY-MM-DD.
        #[arg(long)]
        day: String,
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        /// Exact decimal text, e.g. 1.0823.
        #[arg(long)]
        rate: String,
    },
    /// The rates in force, newest day first.
    List {
        /// First day, YYYY-MM-DD.
        #[arg(long)]
        from: Option<String>,
        /// Last day, YYYY-MM-DD.
        #[arg(long)]
        to: Option<String>,
        /// A pair such as EUR/USD (either way round).
        #[arg(long)]
        pair: Option<String>,
    },
}

pub fn run(cx: &Ctx, a: FxArgs) -> Result<(), ApiError> {
    match a.action {
        FxAction::Import { file } => {
            let s = ops::fx::fx_import(cx, FxImportRequest { path: file })?;
            if a.json {
                return print_json(&s);
            }
            println!(
                "{}: {} rows, {} days ({} to {}), {} currencies; {} rates imported, {} unchanged, {} gaps (N/A), {} rejected",
                s.file_name,
                s.rows,
                s.days,
                s.first_day.as_deref().unwrap_or("-"),
                s.last_day.as_deref().unwrap_or("-"),
                s.currencies.len(),
                s.rates_imported,
                s.rates_unchanged,
                s.gaps,
                s.rejected.len()
            );
            for r in &s.rejected {
                println!("  row {} {} '{}': {}", r.row, r.field, r.value, r.reason);
            }
        }
        FxAction::Set {
            day,
            from,
            to,
            rate,
        } => {
            let r = ops::fx::fx_set(
                cx,
                FxSetRequest {
                    day,
                    from,
                    to,
                    rate,
                },
            )?;
            if a.json {
                return print_json(&r);
            }
            println!(
                "{}: 1 {} = {} {} ({}{})",
                r.day,
                r.base,
                r.rate,
                r.quote,
                r.source,
                if r.superseded > 0 {
                    format!(", supersedes {} earlier", r.superseded)
                } else {
                    String::new()
                }
            );
        }
        FxAction::List { from, to, pair } => {
            let l = ops::fx::fx_list(cx, FxListQuery { from, to, pair })?;
            if a.json {
                return print_json(&l);
            }
            if l.rows.is_empty() {
                println!("No FX rates: import an ECB file (affops-cli fx import FILE) or set one.");
            }
            for r in &l.rows {
                println!(
                    "{}  {}/{}  {:>14}  {}  by {}",
                    r.day, r.base, r.quote, r.rate, r.source, r.recorded_by
                );
            }
            if l.truncated {
                println!("(more rates match: narrow --from/--to or --pair)");
            }
        }
    }
    Ok(())
}
