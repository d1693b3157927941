//! `affops-cli programs`: the workspace's programs, as the desktop's program switcher lists them; and the
//! trading block a Forex program's dashboard prints.

use affops_core::api::{ApiError, ErrorCode, TradingSummary};
use affops_core::ops::{self, Ctx};
use clap::Args;

#[derive(Args)]
pub struct ProgramsArgs {
    /// Print exactly what the desktop app's program switcher receives, as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(cx: &Ctx, args: &ProgramsArgs) -> Result<(), ApiError> {
    let list = ops::workspace::list_programs(cx)?;
    if args.json {
        let text = serde_json::to_string_pretty(&list)
            .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
        println!("{text}");
        return Ok(());
    }
    if list.is_empty() {
        println!("(no program yet: run `affops-cli demo` or sync a source)");
    }
    println!(
        "{:<24} {:<8} {:<4} {:<18} {:>10} {:>8} {:>8}  Data",
        "Program", "Vertical", "Cur", "Time zone", "Affiliates", "Players", "Accounts"
    );
    for p in &list {
        let range = p
            .data_range
            .as_ref()
            .map_or_else(|| "none".to_string(), |r| format!("{} to {}", r.from, r.to));
        println!(
            "{:<24} {:<8} {:<4} {:<18} {:>10} {:>8} {:>8}  {range}{}",
            p.name,
            p.vertical.as_str(),
            p.currency,
            p.timezone,
            p.affiliates,
            p.players,
            p.accounts,
            if p.is_default { "  (default)" } else { "" }
        );
    }
    Ok(())
}

pub fn print_trading(t: &TradingSummary) {
    println!(
        "Trading: {} accounts opened, {} traded, {} opening trades, {} lots",
        t.accounts_opened, t.active_accounts, t.trades, t.lots
    );
    println!(
        "{:<6} {:<26} {:>8} {:>8} {:>8} {:>12}",
        "ID", "IB", "Opened", "Traded", "Trades", "Lots"
    );
    for r in &t.rows {
        println!(
            "{:<6} {:<26} {:>8} {:>8} {:>8} {:>12}",
            r.affiliate_id,
            r.affiliate_name.chars().take(26).collect::<String>(),
            r.accounts_opened,
            r.active_accounts,
            r.trades,
            r.lots
        );
    }
}
