//! `affops-cli attribution …` and `affops-cli explain`: run attribution, show and set the effective-dated rules,
//! assign promo codes, an affiliate's own identifiers (self-referral), explain one player's decision, and the
//! multi-touch report (analysis only).

use crate::print_json;
use affops_core::api::{
    AffiliateIdentifier, AffiliateIdentifierRequest, AffiliateRequest, ApiError, DashboardQuery,
    ErrorCode, MultiTouchReport, MultiTouchRequest, MultiTouchRow, PromoCodeRequest,
    SaveRulesRequest, SaveRulesResult,
};
use affops_core::attribution::{report::month_period, rules};
use affops_core::ops::{self, Ctx};
use clap::{Args, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Args)]
pub struct AttributionArgs {
    #[command(subcommand)]
    action: AttributionAction,
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Subcommand)]
enum AttributionAction {
    /// (Re)decide every player not yet locked by an FTD; idempotent.
    Run,
    /// Show or set the program's attribution rules.
    Rules {
        #[command(subcommand)]
        action: RulesAction,
    },
    /// Assign an affiliate's promo code (replaces an earlier owner).
    Promo {
        /// The code as players type it (case and surrounding spaces do not matter).
        code: String,
        /// The affiliate's external id (the tracker's affiliate id).
        #[arg(long)]
        affiliate: String,
        /// First day the code earns, YYYY-MM-DD.
        #[arg(long)]
        from: Option<String>,
        /// Last day the code earns, YYYY-MM-DD (inclusive).
        #[arg(long)]
        to: Option<String>,
    },
    /// An affiliate's own identifiers (email, office IPs, payout instrument, devices) that self-referral compares
    /// their players against: list, add, remove.
    Identifiers {
        #[command(subcommand)]
        action: IdentifierAction,
    },
    /// Credit each month's FTDs to the touches before them (analysis only, never payout).
    Report {
        #[arg(long, value_enum)]
        model: Model,
        /// Half-life of the time-decay model, in hours.
        #[arg(long, default_value_t = 24)]
        half_life_hours: u32,
        /// The month, YYYY-MM.
        #[arg(long)]
        period: String,
    },
}

#[derive(Subcommand)]
enum IdentifierAction {
    /// List an affiliate's identifiers and where each came from.
    List {
        /// The affiliate's external id (the tracker's affiliate id).
        #[arg(long)]
        affiliate: String,
    },
    /// Add one: `--kind ip 85.12.0.7`, `--kind email partners@site.com` (kept only as its hash),
    /// `--kind payout_instrument DE89…` (an IBAN or card number is kept only as its hash), `--kind device_id …`.
    Add {
        #[arg(long)]
        affiliate: String,
        /// ip, email, payout_instrument or device_id.
        #[arg(long)]
        kind: String,
        value: String,
    },
    /// Remove one: the value as listed (a hash for an email), or as typed.
    Remove {
        #[arg(long)]
        affiliate: String,
        #[arg(long)]
        kind: String,
        value: String,
    },
}

/// `identifiers add|remove`: one identifier of an affiliate's own, through the front door.
fn change_identifier(
    cx: &Ctx,
    json: bool,
    add: bool,
    affiliate: String,
    kind: String,
    value: String,
) -> Result<(), ApiError> {
    let req = AffiliateIdentifierRequest {
        affiliate: affiliate.clone(),
        kind,
        value,
    };
    let (changed, said) = if add {
        (
            ops::attribution::add_affiliate_identifier(cx, req)?,
            "Added to",
        )
    } else {
        (
            ops::attribution::remove_affiliate_identifier(cx, req)?,
            "Removed from",
        )
    };
    if json {
        return print_json(&changed);
    }
    println!(
        "{said} affiliate {affiliate}: {}",
        identifier_line(&changed)
    );
    Ok(())
}

fn identifier_line(i: &AffiliateIdentifier) -> String {
    let shown = match i.kind.as_str() {
        "ip" | "device_id" => i.value.clone(),
        _ if !i.hint.is_empty() => {
            format!("{} (hash {}…)", i.hint, &i.value[..i.value.len().min(12)])
        }
        _ => format!("hash {}", i.value),
    };
    let from = match i.origin.as_str() {
        "file" => format!("file {}", i.origin_ref),
        "user" => format!("added by {}", i.origin_ref),
        "profile" => "the affiliate's profile".to_string(),
        _ => "-".to_string(),
    };
    format!(
        "{:<18} {shown:<48} {from}",
        affops_core::attribution::identifiers::label(&i.kind)
    )
}

#[derive(Subcommand)]
enum RulesAction {
    /// Print the rules in force and every stored version.
    Show,
    /// Validate and store a rule version from a JSON file (start from `rules show --json`'s `current.rules`).
    Set {
        file: PathBuf,
        /// First registration day the rules apply to, YYYY-MM-DD (default: today, UTC).
        #[arg(long)]
        effective_from: Option<String>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Model {
    First,
    Last,
    Position,
    Decay,
}

#[derive(Args)]
pub struct ExplainArgs {
    /// The operator's player id.
    #[arg(long)]
    player: String,
    #[arg(long)]
    pub json: bool,
}

pub fn explain(cx: &Ctx, a: ExplainArgs) -> Result<(), ApiError> {
    let e = ops::attribution::explain_player(cx, a.player)?;
    if a.json {
        return print_json(&e);
    }
    println!("{}", e.text);
    match e.locked_at_ms {
        Some(at) => println!("Locked at the FTD ({}); never re-attributed.", instant(at)),
        None => println!("Not locked: no FTD yet, so later data may still change it."),
    }
    Ok(())
}

fn instant(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_else(|| ms.to_string())
}

pub fn run(cx: &Ctx, a: AttributionArgs) -> Result<(), ApiError> {
    match a.action {
        AttributionAction::Run => {
            let s = ops::attribution::run_attribution(cx)?;
            if a.json {
                return print_json(&s);
            }
            println!(
                "Examined {} unlocked players: {} changed, {} locked by an FTD now; {} attributed, {} organic; {} promo codes learned from the tracker",
                s.examined, s.changed, s.locked, s.attributed, s.organic, s.promo_codes_learned
            );
        }
        AttributionAction::Rules {
            action: RulesAction::Show,
        } => {
            let v = ops::attribution::attribution_rules(cx)?;
            if a.json {
                return print_json(&v);
            }
            let from = v
                .current
                .effective_from
                .as_deref()
                .unwrap_or("always (built-in default)");
            println!(
                "{}: rules in force for new registrations (effective {from}):",
                v.program
            );
            print_json(&v.current.rules)?;
            for r in &v.versions {
                println!(
                    "version {} effective {} by {}",
                    r.id.unwrap_or_default(),
                    r.effective_from.as_deref().unwrap_or(""),
                    r.created_by
                );
            }
        }
        AttributionAction::Rules {
            action:
                RulesAction::Set {
                    file,
                    effective_from,
                },
        } => {
            let text = std::fs::read_to_string(&file).map_err(|e| {
                ApiError::new(
                    ErrorCode::InvalidInput,
                    format!("cannot read {}: {e}", file.display()),
                )
            })?;
            let body: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
                ApiError::new(
                    ErrorCode::InvalidInput,
                    format!("{} is not JSON: {e}", file.display()),
                )
            })?;
            let from =
                effective_from.unwrap_or_else(|| chrono::Utc::now().date_naive().to_string());
            // The file's own field errors first (a typo in a key name), then the front door's checks.
            let r = match rules::validate(&body) {
                Err(errors) => SaveRulesResult {
                    saved: None,
                    errors,
                },
                Ok(rules) => ops::attribution::save_attribution_rules(
                    cx,
                    SaveRulesRequest {
                        effective_from: from.clone(),
                        rules,
                    },
                )?,
            };
            if !r.errors.is_empty() {
                let lines: Vec<String> = r
                    .errors
                    .iter()
                    .map(|e| format!("{}: {}", e.field, e.message))
                    .collect();
                return Err(ApiError::new(
                    ErrorCode::InvalidInput,
                    format!(
                        "{} was not saved:\n  {}",
                        file.display(),
                        lines.join("\n  ")
                    ),
                ));
            }
            if a.json {
                return print_json(&r);
            }
            let id = r.saved.and_then(|s| s.id).unwrap_or_default();
            println!("Saved rules version {id}, effective {from}. Run `affops-cli attribution run` to apply them.");
        }
        AttributionAction::Promo {
            code,
            affiliate,
            from,
            to,
        } => {
            let req = PromoCodeRequest {
                code: code.clone(),
                affiliate: affiliate.clone(),
                valid_from: from,
                valid_to: to,
            };
            ops::attribution::set_promo_code(cx, req)?;
            println!(
                "Promo code {} now belongs to affiliate {affiliate}.",
                code.trim().to_uppercase()
            );
        }
        AttributionAction::Identifiers { action } => match action {
            IdentifierAction::List { affiliate } => {
                let d = ops::attribution::affiliate_detail(
                    cx,
                    AffiliateRequest {
                        affiliate: affiliate.clone(),
                        period: DashboardQuery::default(),
                    },
                )?;
                if a.json {
                    return print_json(&d.identifiers);
                }
                if d.identifiers.is_empty() {
                    println!("Affiliate {affiliate} has no identifiers of its own yet (add one with `affops-cli attribution identifiers add`, or import an affiliates file with email, office_ips and payout_instrument columns).");
                }
                for i in &d.identifiers {
                    println!("{}", identifier_line(i));
                }
            }
            IdentifierAction::Add {
                affiliate,
                kind,
                value,
            } => change_identifier(cx, a.json, true, affiliate, kind, value)?,
            IdentifierAction::Remove {
                affiliate,
                kind,
                value,
            } => change_identifier(cx, a.json, false, affiliate, kind, value)?,
        },
        AttributionAction::Report {
            model,
            half_life_hours,
            period,
        } => {
            let p = month_period(&period)?;
            let req = MultiTouchRequest {
                period: DashboardQuery {
                    from: Some(p.from),
                    to: Some(p.to),
                },
                half_life_hours,
            };
            let r = ops::attribution::multi_touch_report(cx, req)?;
            if a.json {
                return print_json(&r);
            }
            print_report(&r, model);
        }
    }
    Ok(())
}

fn print_report(r: &MultiTouchReport, model: Model) {
    let (name, pick): (&str, fn(&MultiTouchRow) -> &str) = match model {
        Model::First => ("First click", |x| &x.first),
        Model::Last => ("Last click", |x| &x.last),
        Model::Position => ("Position 40/20/40", |x| &x.position),
        Model::Decay => ("Time decay", |x| &x.decay),
    };
    println!(
        "Multi-touch ({name}{}), {} to {}, {} — analysis only, never payout",
        if matches!(model, Model::Decay) {
            format!(", half-life {} h", r.half_life_hours)
        } else {
            String::new()
        },
        r.period.from,
        r.period.to,
        r.currency
    );
    println!(
        "{} FTDs with touches worth {}; {} FTDs without any touch",
        r.conversions, r.total, r.untouched_conversions
    );
    println!(
        "{:<8} {:<26} {:>7} {:>14} {:>14}",
        "ID", "Affiliate", "Touches", name, "Payout attr."
    );
    for x in &r.rows {
        println!(
            "{:<8} {:<26} {:>7} {:>14} {:>14}",
            x.affiliate,
            x.name.chars().take(26).collect::<String>(),
            x.touches,
            pick(x),
            x.payout_attribution
        );
    }
}
