//! `affops-cli program list|add|edit` (`programs` lists): the workspace's programs as the desktop's program
//! switcher lists them, and creating or changing one; and the trading block a Forex program's dashboard prints.

use crate::print_json;
use affops_core::api::{
    ApiError, EditProgramRequest, ErrorCode, ProgramSettings, ProgramSummary, TradingSummary,
    Vertical,
};
use affops_core::ops::{self, Ctx};
use clap::{Args, Subcommand};

#[derive(Args)]
pub struct ProgramsArgs {
    #[command(subcommand)]
    action: Option<ProgramAction>,
    /// Print exactly what the desktop app receives, as JSON.
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Subcommand)]
enum ProgramAction {
    /// Every program (name, vertical, currency, time zone, counts, data range, brands); the default without a
    /// subcommand.
    List,
    /// Create a program; the workspace's data, plans and rules then belong to it (name it with --program).
    Add {
        /// 1 to 80 characters, unique in the workspace.
        #[arg(long)]
        name: String,
        /// igaming or forex.
        #[arg(long)]
        vertical: String,
        /// ISO 4217 code of its money, e.g. EUR.
        #[arg(long)]
        currency: String,
        /// IANA zone its reporting days are counted in, e.g. Europe/Malta.
        #[arg(long)]
        timezone: String,
        /// A brand (an operator's casino or sportsbook); repeat or separate with commas.
        #[arg(long = "brand", value_delimiter = ',')]
        brands: Vec<String>,
    },
    /// Change a program: its name and brands (added) always; vertical, currency and time zone while it holds no data.
    Edit {
        /// The program's current name.
        program: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        vertical: Option<String>,
        #[arg(long)]
        currency: Option<String>,
        #[arg(long)]
        timezone: Option<String>,
        /// A brand to add; repeat or separate with commas.
        #[arg(long = "brand", value_delimiter = ',')]
        brands: Vec<String>,
    },
}

fn vertical(s: &str) -> Result<Vertical, ApiError> {
    Vertical::parse(s).ok_or_else(|| {
        ApiError::new(
            ErrorCode::InvalidInput,
            format!("Vertical: '{s}' is not igaming or forex"),
        )
    })
}

pub fn run(cx: &Ctx, args: &ProgramsArgs) -> Result<(), ApiError> {
    match &args.action {
        None | Some(ProgramAction::List) => list(cx, args.json),
        Some(ProgramAction::Add {
            name,
            vertical: v,
            currency,
            timezone,
            brands,
        }) => {
            let settings = ProgramSettings {
                name: name.clone(),
                vertical: vertical(v)?,
                currency: currency.clone(),
                timezone: timezone.clone(),
                brands: brands.clone(),
            };
            let p = ops::workspace::add_program(cx, settings)?;
            done(&p, "Created", args.json)
        }
        Some(ProgramAction::Edit {
            program,
            name,
            vertical: v,
            currency,
            timezone,
            brands,
        }) => {
            let current = ops::workspace::list_programs(cx)?
                .into_iter()
                .find(|p| p.name == program.trim())
                .ok_or_else(|| {
                    ApiError::new(
                        ErrorCode::NotFound,
                        format!("Program: no program named \"{}\"", program.trim()),
                    )
                })?;
            let settings = ProgramSettings {
                name: name.clone().unwrap_or_else(|| current.name.clone()),
                vertical: v
                    .as_deref()
                    .map(vertical)
                    .transpose()?
                    .unwrap_or(current.vertical),
                currency: currency.clone().unwrap_or_else(|| current.currency.clone()),
                timezone: timezone.clone().unwrap_or_else(|| current.timezone.clone()),
                brands: brands.clone(),
            };
            let req = EditProgramRequest {
                program: current.name,
                settings,
            };
            let p = ops::workspace::edit_program(cx, req)?;
            done(&p, "Changed", args.json)
        }
    }
}

fn done(p: &ProgramSummary, verb: &str, json: bool) -> Result<(), ApiError> {
    if json {
        return print_json(p);
    }
    let brands = match p.brands.is_empty() {
        true => "no brands".to_string(),
        false => format!("brands: {}", p.brands.join(", ")),
    };
    println!(
        "{verb} program \"{}\": {}, {}, {} ({brands})",
        p.name,
        p.vertical.as_str(),
        p.currency,
        p.timezone
    );
    Ok(())
}

fn list(cx: &Ctx, json: bool) -> Result<(), ApiError> {
    let list = ops::workspace::list_programs(cx)?;
    if json {
        return print_json(&list);
    }
    if list.is_empty() {
        println!("(no program yet: `affops-cli program add …`, or `affops-cli demo`)");
        return Ok(());
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
            "{:<24} {:<8} {:<4} {:<18} {:>10} {:>8} {:>8}  {range}{}{}",
            p.name,
            p.vertical.as_str(),
            p.currency,
            p.timezone,
            p.affiliates,
            p.players,
            p.accounts,
            if p.is_default { "  (default)" } else { "" },
            match p.brands.is_empty() {
                true => String::new(),
                false => format!("  brands: {}", p.brands.join(", ")),
            }
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
