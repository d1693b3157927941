//! `affops-cli statement | qualify`: an affiliate's statement for a month (text, JSON, spreadsheet-safe CSV,
//! printable HTML, PDF) and a player's CPA qualification checklist.

use crate::commission_cmd::io;
use crate::print_json;
use affops_core::api::{
    ApiError, ExportStatementRequest, QualificationRequest, Statement, StatementFormat,
    StatementRequest,
};
use affops_core::commission::statement::{to_csv, to_html};
use affops_core::ops::{self, Ctx};
use clap::Args;
use std::path::PathBuf;

#[derive(Args)]
pub struct StatementArgs {
    /// The affiliate's external id.
    #[arg(long)]
    affiliate: String,
    #[arg(long)]
    period: String,
    #[arg(long)]
    pub json: bool,
    /// Write the statement as spreadsheet-safe CSV to this file (`-` for stdout).
    #[arg(long, value_name = "OUT")]
    csv: Option<PathBuf>,
    /// Write a printable, self-contained HTML statement to this file (`-` for stdout).
    #[arg(long, value_name = "OUT")]
    html: Option<PathBuf>,
    /// Write the statement the affiliate receives as a PDF to this file.
    #[arg(long, value_name = "OUT")]
    pdf: Option<PathBuf>,
}

fn write_out(path: &PathBuf, text: &str) -> Result<(), ApiError> {
    if path.as_os_str() == "-" {
        print!("{text}");
        Ok(())
    } else {
        std::fs::write(path, text).map_err(|e| io(path, e))
    }
}

pub fn statement(cx: &Ctx, a: StatementArgs) -> Result<(), ApiError> {
    let s = ops::commission::statement(
        cx,
        StatementRequest {
            affiliate: a.affiliate.clone(),
            period: a.period.clone(),
        },
    )?;
    if let Some(p) = &a.csv {
        write_out(p, &to_csv(&s))?;
    }
    if let Some(p) = &a.html {
        write_out(p, &to_html(&s))?;
    }
    if let Some(p) = &a.pdf {
        ops::commission::export_statement(
            cx,
            ExportStatementRequest {
                affiliate: a.affiliate.clone(),
                period: a.period.clone(),
                format: StatementFormat::Pdf,
                path: p.display().to_string(),
            },
        )?;
    }
    if a.json {
        return print_json(&s);
    }
    if a.csv.is_none() && a.html.is_none() && a.pdf.is_none() {
        print_statement(&s);
    }
    Ok(())
}

fn print_statement(s: &Statement) {
    println!(
        "{} — affiliate {} ({}) — {} ({} to {}), {}, {}",
        s.program,
        s.affiliate_id,
        s.affiliate_name,
        s.period_label,
        s.period.from,
        s.period.to,
        s.period_status,
        s.currency
    );
    for l in &s.lines {
        let plan = match (&l.plan, l.plan_version_no) {
            (Some(p), Some(v)) => format!("{p} v{v}"),
            _ => String::new(),
        };
        let origin = if l.origin_period != s.period_label {
            format!(" (for {})", l.origin_period)
        } else {
            String::new()
        };
        println!(
            "  {:<34} {:>14}  {:<8} {:<14} {plan}",
            format!("{}{origin}", l.label),
            l.amount,
            l.status,
            l.payout
        );
        println!("      {}", l.rule);
        for d in l.drilldown.iter().take(5) {
            println!("      · {} {}: {}", d.subject, d.amount, d.note);
        }
        if l.drilldown.len() > 5 {
            println!("      · … {} more (--json for all)", l.drilldown.len() - 5);
        }
    }
    println!(
        "  subtotal {}  carried in {}  carried out {}  payable {} {}",
        s.subtotal, s.carried_in, s.carried_out, s.payable, s.currency
    );
    if !s.fx_snapshot.is_empty() {
        println!("  FX snapshot: {}", s.fx_snapshot.join("; "));
    }
    if let Some(p) = &s.payee {
        println!("  paid to: {p}");
    }
    println!("  statement sha256 {}", s.statement_hash);
}

#[derive(Args)]
pub struct QualifyArgs {
    /// The player's external id.
    #[arg(long)]
    player: String,
    /// As of this day, YYYY-MM-DD (default: today in the program's zone).
    #[arg(long)]
    as_of: Option<String>,
    #[arg(long)]
    pub json: bool,
}

pub fn qualify(cx: &Ctx, a: QualifyArgs) -> Result<(), ApiError> {
    let req = QualificationRequest {
        player: a.player,
        period: None,
        as_of: a.as_of,
    };
    let c = ops::commission::qualification(cx, req)?;
    if a.json {
        return print_json(&c);
    }
    println!(
        "Player {} as of {}: affiliate {}, plan {}",
        c.player_id,
        c.as_of,
        c.affiliate_id.as_deref().unwrap_or("none"),
        c.plan.as_deref().map_or_else(
            || "none".to_string(),
            |p| format!("{p} v{}", c.plan_version_no.unwrap_or(0))
        )
    );
    if !c.note.is_empty() {
        println!("  {}", c.note);
    }
    for k in &c.criteria {
        println!(
            "  [{}] {:<14} required: {}; actual: {}{}",
            if k.passed { "x" } else { " " },
            k.name,
            k.required,
            k.actual,
            k.passed_on
                .as_ref()
                .map_or(String::new(), |d| format!(" (passed {d})"))
        );
    }
    match &c.qualified_on {
        Some(d) => println!("  qualified on {d}"),
        None if c.note.is_empty() => println!("  not qualified"),
        None => {}
    }
    Ok(())
}
