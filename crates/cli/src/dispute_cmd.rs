//! `affops-cli dispute … | show raw|history`: dispute cases worked headless — list, show, open from any source or
//! by hand, assign, comment, attach, move, resolve, the evidence pack and the outcome statement, the program's SLA
//! — and the raw records and status history behind a conversion, player, click or deposit.

use crate::print_json;
use affops_core::api::{
    ApiError, DisputeAssignRequest, DisputeEvidenceRequest, DisputeFiles, DisputeFilter,
    DisputeMoveRequest, DisputeNoteRequest, DisputeOpenRequest, DisputeResolveRequest, DisputeSla,
    DisputeView, OpenedFrom, RawRequest,
};
use affops_core::ops::{self, Ctx};
use clap::{Args, Subcommand, ValueEnum};

#[derive(Args)]
pub struct DisputeArgs {
    #[command(subcommand)]
    action: DisputeAction,
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum From {
    Manual,
    Discrepancy,
    Flag,
    StatementLine,
    Player,
    Conversion,
}

#[derive(Subcommand)]
enum DisputeAction {
    /// A page of the program's cases (soonest due first, 200 at a time), with their SLA state.
    List {
        #[arg(long)]
        state: Option<String>,
        #[arg(long)]
        affiliate: Option<String>,
        /// A person's sign-in name, or `-` for cases nobody owns.
        #[arg(long)]
        owner: Option<String>,
        #[arg(long)]
        reason: Option<String>,
        #[arg(long)]
        overdue: bool,
        /// Only cases whose title, affiliate name or id, owner, reason or period contains this (any case), or
        /// whose number it is (12 or #12)
        #[arg(long)]
        search: Option<String>,
        /// id, title, state, affiliate, owner, due (the default), claimed, granted, period or updated
        #[arg(long)]
        sort: Option<String>,
        /// asc or desc (default: desc for id, claimed, granted, period and updated, else asc)
        #[arg(long, value_parser = ["asc", "desc"])]
        order: Option<String>,
        #[command(flatten)]
        page: crate::Page,
    },
    /// A case: history, attachments, outcomes, its evidence (--json for every item's record).
    Show {
        case: i64,
    },
    /// Open a case from a record (--from and the record's id as --reference) or by hand.
    Open {
        #[arg(long, value_enum, default_value = "manual")]
        from: From,
        #[arg(long, default_value = "")]
        reference: String,
        /// The claimant (required by hand, from a player, from a statement line).
        #[arg(long, default_value = "")]
        affiliate: String,
        /// YYYY-MM the claim is about.
        #[arg(long, default_value = "")]
        period: String,
        #[arg(long, default_value = "")]
        title: String,
        #[arg(long, default_value = "")]
        description: String,
        /// The amount claimed, in the program's currency.
        #[arg(long, default_value = "")]
        amount: String,
        /// Shorthand for --from discrepancy --reference ID.
        #[arg(long = "from-discrepancy", conflicts_with_all = ["from", "reference"])]
        from_discrepancy: Option<i64>,
    },
    /// Give a case an owner (empty: nobody).
    Assign {
        case: i64,
        #[arg(long, default_value = "")]
        owner: String,
    },
    Comment {
        case: i64,
        text: String,
    },
    /// Attach a file (copied into the workspace and hashed).
    Attach {
        case: i64,
        file: String,
    },
    /// Move a case to investigating or awaiting_operator, or `reopen` a resolved one (with --reason).
    Move {
        case: i64,
        to: String,
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Accept, partly accept or reject; an accepted amount is booked as an adjustment in the open period.
    Resolve {
        case: i64,
        /// accepted, partly_accepted or rejected.
        decision: String,
        /// The amount granted (default: the proposed amount; with --reattribute: nothing besides).
        #[arg(long, default_value = "")]
        amount: String,
        #[arg(long)]
        reason: String,
        /// Re-attribute the case's players to its affiliate (an override); commission follows.
        #[arg(long)]
        reattribute: bool,
    },
    /// Write the evidence pack: an HTML and a PDF document, and a zip whose manifest `sha256sum -c` verifies.
    Evidence {
        case: i64,
        /// The folder (relative: the workspace's exports/).
        #[arg(long, default_value = "")]
        dir: String,
    },
    /// Write the statement of a resolved case's outcome for the affiliate (PDF and HTML).
    Outcome {
        case: i64,
        #[arg(long, default_value = "")]
        dir: String,
    },
    /// The program's SLA; with --days, set it (owner).
    Sla {
        #[arg(long)]
        days: Option<u32>,
        /// Count business days (Monday to Friday) instead of calendar days.
        #[arg(long)]
        business_days: bool,
    },
}

fn from(f: From) -> OpenedFrom {
    match f {
        From::Manual => OpenedFrom::Manual,
        From::Discrepancy => OpenedFrom::Discrepancy,
        From::Flag => OpenedFrom::Flag,
        From::StatementLine => OpenedFrom::StatementLine,
        From::Player => OpenedFrom::Player,
        From::Conversion => OpenedFrom::Conversion,
    }
}

pub fn run(cx: &Ctx, a: DisputeArgs) -> Result<(), ApiError> {
    let json = a.json;
    let view = match a.action {
        DisputeAction::List {
            state,
            affiliate,
            owner,
            reason,
            overdue,
            search,
            sort,
            order,
            page: crate::Page { offset, limit },
        } => {
            let page = ops::disputes::disputes_list(
                cx,
                DisputeFilter {
                    state,
                    affiliate,
                    owner,
                    reason,
                    overdue,
                    text: search,
                    sort,
                    descending: order.map(|o| o == "desc"),
                    offset,
                    limit,
                },
            )?;
            if json {
                return print_json(&page);
            }
            println!(
                "{} open, {} overdue; SLA {}",
                page.open, page.overdue, page.sla
            );
            crate::print_rows_of(page.offset, page.rows.len(), page.total);
            for r in &page.rows {
                println!(
                    "#{:<5} {:<18} {:<10} aff {:<6} {:>12} {} due {} ({}) owner {} — {}",
                    r.id,
                    r.state,
                    r.period,
                    r.affiliate_id,
                    r.amount_claimed,
                    r.currency,
                    day(r.due_at_ms),
                    r.due,
                    if r.owner.is_empty() { "-" } else { &r.owner },
                    r.title
                );
            }
            if page.total == 0 {
                println!("(no cases)");
            } else if page.rows.is_empty() {
                println!("{} cases match", page.total);
            }
            return Ok(());
        }
        DisputeAction::Show { case } => ops::disputes::dispute_show(cx, case)?,
        DisputeAction::Open {
            from: f,
            reference,
            affiliate,
            period,
            title,
            description,
            amount,
            from_discrepancy,
        } => {
            let (f, reference) = match from_discrepancy {
                Some(d) => (OpenedFrom::Discrepancy, d.to_string()),
                None => (from(f), reference),
            };
            ops::disputes::dispute_open(
                cx,
                DisputeOpenRequest {
                    from: f,
                    reference,
                    affiliate,
                    period,
                    title,
                    description,
                    amount,
                },
            )?
        }
        DisputeAction::Assign { case, owner } => ops::disputes::dispute_assign(
            cx,
            DisputeAssignRequest {
                case_id: case,
                owner,
            },
        )?,
        DisputeAction::Comment { case, text } => ops::disputes::dispute_comment(
            cx,
            DisputeNoteRequest {
                case_id: case,
                text,
                path: String::new(),
            },
        )?,
        DisputeAction::Attach { case, file } => ops::disputes::dispute_attach(
            cx,
            DisputeNoteRequest {
                case_id: case,
                text: String::new(),
                path: file,
            },
        )?,
        DisputeAction::Move { case, to, reason } => ops::disputes::dispute_move(
            cx,
            DisputeMoveRequest {
                case_id: case,
                to,
                reason,
            },
        )?,
        DisputeAction::Resolve {
            case,
            decision,
            amount,
            reason,
            reattribute,
        } => ops::disputes::dispute_resolve(
            cx,
            DisputeResolveRequest {
                case_id: case,
                decision,
                amount,
                reason,
                reattribute,
            },
        )?,
        DisputeAction::Evidence { case, dir } => {
            let f =
                ops::disputes::dispute_evidence(cx, DisputeEvidenceRequest { case_id: case, dir })?;
            return files(json, &f, "Evidence pack");
        }
        DisputeAction::Outcome { case, dir } => {
            let f = ops::disputes::dispute_outcome_statement(
                cx,
                DisputeEvidenceRequest { case_id: case, dir },
            )?;
            return files(json, &f, "Outcome statement");
        }
        DisputeAction::Sla {
            days,
            business_days,
        } => {
            let s = match days {
                Some(days) => ops::disputes::set_dispute_sla(
                    cx,
                    DisputeSla {
                        days,
                        business_days,
                    },
                )?,
                None => ops::disputes::dispute_sla(cx)?,
            };
            if json {
                return print_json(&s);
            }
            println!(
                "SLA: {} {}days",
                s.days,
                if s.business_days { "business " } else { "" }
            );
            return Ok(());
        }
    };
    if json {
        return print_json(&view);
    }
    print_case(&view);
    Ok(())
}

fn files(json: bool, f: &DisputeFiles, what: &str) -> Result<(), ApiError> {
    if json {
        return print_json(f);
    }
    println!("{what}: {} items, sha256 {}", f.items, f.sha256);
    for p in &f.files {
        println!("  {p}");
    }
    Ok(())
}

fn day(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

fn print_case(v: &DisputeView) {
    let c = &v.case;
    println!("Case #{} — {} — {}", c.id, c.title, c.state);
    println!(
        "  affiliate {} {} · period {} · claimed {} {} · granted {} {} · due {} ({}) · owner {}",
        c.affiliate_id,
        c.affiliate_name,
        if c.period.is_empty() { "-" } else { &c.period },
        c.amount_claimed,
        c.currency,
        c.granted,
        c.currency,
        day(c.due_at_ms),
        c.due,
        if c.owner.is_empty() { "-" } else { &c.owner }
    );
    if !v.description.is_empty() {
        println!("  {}", v.description);
    }
    println!("  about: {}", v.subjects.join(", "));
    println!(
        "  next: {} · an adjustment would land in {} · proposed {}",
        v.allowed.join(", "),
        v.adjustment_period,
        v.proposed_amount
    );
    for e in &v.events {
        let states = if e.to_state.is_empty() {
            String::new()
        } else {
            format!(" {} → {}", e.from_state, e.to_state)
        };
        println!(
            "  {} {:<8} {}{states} {}",
            day(e.at_ms),
            e.by,
            e.event,
            e.text
        );
    }
    for a in &v.attachments {
        println!(
            "  attachment {} ({} bytes) sha256 {}",
            a.file_name, a.bytes, a.sha256
        );
    }
    for o in &v.outcomes {
        println!(
            "  outcome {} granting {} {}{}: {}",
            o.decision,
            o.granted,
            c.currency,
            if o.booked_period.is_empty() {
                String::new()
            } else {
                format!(" (booked in {})", o.booked_period)
            },
            o.reason
        );
    }
    println!("  evidence: {} items", v.evidence.len());
    for (i, it) in v.evidence.iter().enumerate() {
        println!(
            "    {:>3}. [{}] {} — {} — {}",
            i + 1,
            it.kind,
            it.title,
            it.source,
            &it.sha256[..12.min(it.sha256.len())]
        );
    }
}

#[derive(Args)]
pub struct ShowArgs {
    #[command(subcommand)]
    what: ShowWhat,
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Subcommand)]
enum ShowWhat {
    /// A conversion, player, click or deposit with the raw records (as received) it was stored from.
    Raw { kind: String, reference: String },
    /// A conversion's status history (and the postbacks that changed it).
    History { kind: String, reference: String },
}

pub fn show(cx: &Ctx, a: ShowArgs) -> Result<(), ApiError> {
    let (history, kind, reference) = match a.what {
        ShowWhat::Raw { kind, reference } => (false, kind, reference),
        ShowWhat::History { kind, reference } => (true, kind, reference),
    };
    let mut items = ops::disputes::raw_record(cx, RawRequest { kind, reference })?;
    if history {
        items.retain(|i| i.kind == "status_history" || i.kind == "postback");
    }
    if a.json {
        return print_json(&items);
    }
    for it in &items {
        println!(
            "== [{}] {} — {} — sha256 {}",
            it.kind, it.title, it.source, it.sha256
        );
        println!("{}", it.body);
    }
    if items.is_empty() {
        println!("(no history recorded)");
    }
    Ok(())
}
