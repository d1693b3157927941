//! `breakdown` and `cohorts`: the dashboard's Breakdown and Cohorts tabs as tables, JSON or formula-safe CSV.

use affops_core::api::{
    ApiError, Breakdown, BreakdownQuery, CohortQuery, Cohorts, Dimension, ErrorCode,
};
use affops_core::ops::{self, Ctx};
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct BreakdownArgs {
    /// affiliate, sub_id, country, brand, day, week or month.
    #[arg(long, value_parser = parse_dimension)]
    pub by: Dimension,
    /// First day, YYYY-MM-DD (program time zone); default: the program's first day with data.
    #[arg(long)]
    pub from: Option<String>,
    /// Last day, YYYY-MM-DD, inclusive; default: the last day with data.
    #[arg(long)]
    pub to: Option<String>,
    /// Only this affiliate's rows (its tracker id).
    #[arg(long)]
    pub affiliate: Option<String>,
    /// Print exactly what the desktop app's Breakdown tab receives, as JSON.
    #[arg(long)]
    pub json: bool,
    /// Also write the rows and the totals to this CSV file (formula-safe).
    #[arg(long)]
    pub csv: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CohortsArgs {
    /// Registration months back from the last month with data (1–36; default 6).
    #[arg(long)]
    pub months: Option<u32>,
    /// Only this affiliate's players (its tracker id).
    #[arg(long)]
    pub affiliate: Option<String>,
    #[arg(long)]
    pub json: bool,
    /// Also write one line per cohort and month to this CSV file (formula-safe).
    #[arg(long)]
    pub csv: Option<PathBuf>,
}

fn parse_dimension(s: &str) -> Result<Dimension, String> {
    Dimension::parse(s).ok_or_else(|| {
        let all: Vec<&str> = Dimension::ALL.iter().map(|d| d.as_str()).collect();
        format!("'{s}' is not a dimension: use one of {}", all.join(", "))
    })
}

fn write_csv(path: &PathBuf, text: &str) -> Result<(), ApiError> {
    std::fs::write(path, text).map_err(|e| {
        ApiError::new(
            ErrorCode::Storage,
            format!("cannot write {}: {e}", path.display()),
        )
    })
}

pub fn breakdown(cx: &Ctx, a: BreakdownArgs) -> Result<(), ApiError> {
    let b = ops::reports::breakdown(
        cx,
        BreakdownQuery {
            from: a.from,
            to: a.to,
            dimension: a.by,
            affiliate: a.affiliate,
        },
    )?;
    if let Some(path) = &a.csv {
        write_csv(path, &affops_core::breakdown::to_csv(&b))?;
    }
    if a.json {
        crate::print_json(&b)
    } else {
        print_breakdown(&b);
        Ok(())
    }
}

fn print_breakdown(b: &Breakdown) {
    let forex = b.vertical.as_str() == "forex";
    println!(
        "{} by {} — {} to {} vs {} to {} ({}, amounts in {}){}",
        b.program,
        b.dimension.as_str(),
        b.period.from,
        b.period.to,
        b.previous_period.from,
        b.previous_period.to,
        b.timezone,
        b.currency,
        b.affiliate
            .as_ref()
            .map(|a| format!(", affiliate {a}"))
            .unwrap_or_default()
    );
    if forex {
        println!(
            "{:<28} {:>8} {:>8} {:>8} {:>12} {:>12} {:>12} {:>10}",
            "Row", "Clicks", "Clients", "Trading", "Lots", "Rebates", "Lots Δ", "Lots Δ %"
        );
    } else {
        println!(
            "{:<28} {:>8} {:>6} {:>6} {:>12} {:>12} {:>12} {:>9} {:>12} {:>9}",
            "Row",
            "Clicks",
            "Regs",
            "FTDs",
            "Deposits",
            "NGR",
            "Commission",
            "eCPA",
            "NGR Δ",
            "NGR Δ %"
        );
    }
    let dash = |o: &Option<String>| o.clone().unwrap_or_else(|| "—".into());
    let line = |r: &affops_core::api::BreakdownRow| {
        let label: String = r.label.chars().take(28).collect();
        if forex {
            let lots = r.change.as_ref().and_then(|c| c.lots.clone());
            println!(
                "{:<28} {:>8} {:>8} {:>8} {:>12} {:>12} {:>12} {:>10}",
                label,
                r.clicks,
                r.registrations,
                r.trading_clients.unwrap_or(0),
                dash(&r.lots),
                dash(&r.commission),
                dash(&lots.as_ref().map(|c| c.change.clone())),
                dash(&lots.and_then(|c| c.change_percent)),
            );
        } else {
            let ngr = r.change.as_ref().map(|c| c.ngr.clone());
            println!(
                "{:<28} {:>8} {:>6} {:>6} {:>12} {:>12} {:>12} {:>9} {:>12} {:>9}",
                label,
                r.clicks,
                r.registrations,
                r.ftds,
                r.deposits,
                r.ngr,
                dash(&r.commission),
                dash(&r.ecpa),
                dash(&ngr.as_ref().map(|c| c.change.clone())),
                dash(&ngr.and_then(|c| c.change_percent)),
            );
        }
    };
    b.rows.iter().for_each(line);
    if b.rows.is_empty() {
        println!("(no activity in this period)");
    }
    line(&b.totals);
    println!("{}", b.commission_note);
    print_unconverted(&b.unconverted);
}

/// Amounts in other currencies the FX table has no rate for: left out of the totals, said so.
pub fn print_unconverted(list: &[affops_core::api::UnconvertedAmount]) {
    for u in list {
        println!(
            "not converted: {} {} on {} days ({} to {}) — no FX rate for those days (affops-cli fx import|set)",
            u.amount, u.currency, u.days, u.first_day, u.last_day
        );
    }
}

pub fn cohorts(cx: &Ctx, a: CohortsArgs) -> Result<(), ApiError> {
    let c = ops::reports::cohorts(
        cx,
        CohortQuery {
            months: a.months,
            affiliate: a.affiliate,
        },
    )?;
    if let Some(path) = &a.csv {
        write_csv(path, &affops_core::cohorts::to_csv(&c))?;
    }
    if a.json {
        crate::print_json(&c)
    } else {
        print_cohorts(&c);
        Ok(())
    }
}

fn print_cohorts(c: &Cohorts) {
    println!(
        "{} cohorts by registration month (amounts in {}{}), up to {}",
        c.program,
        c.currency,
        c.affiliate
            .as_ref()
            .map(|a| format!(", affiliate {a}"))
            .unwrap_or_default(),
        c.last_month.as_deref().unwrap_or("—")
    );
    if c.cohorts.is_empty() {
        println!("(no players registered in these months)");
        return;
    }
    println!(
        "{:<8} {:>7} {:>12} {:>8}  retention % by month since registration (k = 0, 1, …)",
        "Cohort", "Players", "CPA/CPL", "Payback"
    );
    for r in &c.cohorts {
        let ret: Vec<&str> = r
            .months
            .iter()
            .map(|m| m.retention_percent.as_str())
            .collect();
        println!(
            "{:<8} {:>7} {:>12} {:>8}  {}",
            r.cohort,
            r.players,
            r.commission,
            r.payback_month
                .map(|k| format!("k={k}"))
                .unwrap_or_else(|| "—".into()),
            ret.join("  ")
        );
    }
    println!("Cumulative NGR per player by month since registration:");
    for r in &c.cohorts {
        let ltv: Vec<&str> = r
            .months
            .iter()
            .map(|m| m.cumulative_ngr_per_player.as_str())
            .collect();
        println!("{:<8} {}", r.cohort, ltv.join("  "));
    }
    print_unconverted(&c.unconverted);
}
