//! `affops-cli lines | payee | payout | approval | backup`: finance from statement to payment file. Approving statement
//! lines, payee details (proposed by one person, reviewed by another), payout runs (prepare, approve in place or
//! by signed file from another machine, export SEPA/CSV, paid, failed or returned), and verified backups.

use crate::print_json;
use crate::session::{secret, PASSPHRASE_ENV};
use affops_core::api::{
    ApiError, ApproveRunRequest, BankOutcome, BankReturnRequest, ExportFilesRequest,
    MarkPaidRequest, PayeesPage, PayerRequest, PayoutRunView, PrepareRunRequest,
    ProposePayeeRequest, RawPayeeDetails, ReviewPayeeRequest, RunRequest, SepaFormat,
    SignApprovalRequest, StatementLinesRequest,
};
use affops_core::ops::{self, Ctx};
use clap::{Args, Subcommand, ValueEnum};

#[derive(Args)]
pub struct LinesArgs {
    #[command(subcommand)]
    action: LinesAction,
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Subcommand)]
enum LinesAction {
    /// Approve an affiliate's statement lines of a period for payment (one line with --line, else all).
    Approve {
        #[arg(long)]
        affiliate: String,
        #[arg(long)]
        period: String,
        /// The line's key (cpa, revshare, …).
        #[arg(long)]
        line: Option<String>,
    },
    /// Reject (void) an affiliate's statement lines of a period, with the reason the statement shows.
    Reject {
        #[arg(long)]
        affiliate: String,
        #[arg(long)]
        period: String,
        #[arg(long)]
        line: Option<String>,
        #[arg(long)]
        reason: String,
    },
}

pub fn lines(cx: &Ctx, a: LinesArgs) -> Result<(), ApiError> {
    let req = match a.action {
        LinesAction::Approve {
            affiliate,
            period,
            line,
        } => StatementLinesRequest {
            affiliate,
            period,
            line_key: line,
            approve: true,
            reason: String::new(),
        },
        LinesAction::Reject {
            affiliate,
            period,
            line,
            reason,
        } => StatementLinesRequest {
            affiliate,
            period,
            line_key: line,
            approve: false,
            reason,
        },
    };
    let approve = req.approve;
    let d = ops::payouts::statement_lines(cx, req)?;
    if a.json {
        return print_json(&d);
    }
    println!(
        "{} {} ledger entries of affiliate {} for {}",
        if approve { "Approved" } else { "Rejected" },
        d.entries_changed,
        d.affiliate_id,
        d.period
    );
    for s in &d.skipped {
        println!("  skipped: {s}");
    }
    Ok(())
}

#[derive(Args)]
pub struct PayeeArgs {
    #[command(subcommand)]
    action: PayeeAction,
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Method {
    Sepa,
    Wire,
    Paypal,
    Crypto,
}

#[derive(Subcommand)]
enum PayeeAction {
    /// Every affiliate's payment details, newest version first, with pending proposals.
    List,
    /// Propose new payment details for an affiliate; they are used once another person approves them.
    Propose(Box<ProposeArgs>),
    /// Approve a proposed version (not your own proposal).
    Approve { version: i64 },
    /// Reject a proposed version, with a reason.
    Reject {
        version: i64,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Args)]
struct ProposeArgs {
    #[arg(long)]
    affiliate: String,
    #[arg(long, value_enum)]
    method: Method,
    /// The account holder (sepa, wire).
    #[arg(long, default_value = "")]
    holder: String,
    #[arg(long, default_value = "")]
    iban: String,
    /// The BIC (sepa: optional; wire: required).
    #[arg(long)]
    bic: Option<String>,
    /// The account number, bank name and bank country (wire).
    #[arg(long, default_value = "")]
    account_number: String,
    #[arg(long, default_value = "")]
    bank_name: String,
    #[arg(long, default_value = "")]
    bank_country: String,
    /// The PayPal e-mail.
    #[arg(long, default_value = "")]
    email: String,
    /// The crypto network and address.
    #[arg(long, default_value = "")]
    network: String,
    #[arg(long, default_value = "")]
    address: String,
    /// What the affiliate is paid in (ISO 4217; SEPA: EUR).
    #[arg(long, default_value = "EUR")]
    currency: String,
    #[arg(long, default_value = "")]
    note: String,
}

fn details(a: &ProposeArgs) -> RawPayeeDetails {
    match a.method {
        Method::Sepa => RawPayeeDetails::Sepa {
            holder: a.holder.clone(),
            iban: a.iban.clone(),
            bic: a.bic.clone(),
        },
        Method::Wire => RawPayeeDetails::Wire {
            holder: a.holder.clone(),
            account_number: a.account_number.clone(),
            bank_name: a.bank_name.clone(),
            bic: a.bic.clone().unwrap_or_default(),
            bank_country: a.bank_country.clone(),
        },
        Method::Paypal => RawPayeeDetails::Paypal {
            email: a.email.clone(),
        },
        Method::Crypto => RawPayeeDetails::Crypto {
            network: a.network.clone(),
            address: a.address.clone(),
        },
    }
}

pub fn payee(cx: &Ctx, a: PayeeArgs) -> Result<(), ApiError> {
    let page = match &a.action {
        PayeeAction::List => ops::payouts::payees(cx)?,
        PayeeAction::Propose(p) => ops::payouts::propose_payee(
            cx,
            ProposePayeeRequest {
                affiliate: p.affiliate.clone(),
                details: details(p),
                currency: p.currency.clone(),
                note: p.note.clone(),
            },
        )?,
        PayeeAction::Approve { version } => ops::payouts::review_payee(
            cx,
            ReviewPayeeRequest {
                version_id: *version,
                approve: true,
                reason: String::new(),
            },
        )?,
        PayeeAction::Reject { version, reason } => ops::payouts::review_payee(
            cx,
            ReviewPayeeRequest {
                version_id: *version,
                approve: false,
                reason: reason.clone(),
            },
        )?,
    };
    if a.json {
        return print_json(&page);
    }
    print_payees(&page);
    Ok(())
}

fn print_payees(p: &PayeesPage) {
    println!(
        "{:<6} {:<10} {:<22} {:<8} {:<34} {:<4} {:<11} Proposed / reviewed by",
        "Ver", "Affiliate", "Name", "Method", "Details", "Cur", "Status"
    );
    for v in &p.versions {
        println!(
            "{:<6} {:<10} {:<22} {:<8} {:<34} {:<4} {:<11} {} / {}{}",
            v.id,
            v.affiliate_id,
            v.affiliate_name.chars().take(22).collect::<String>(),
            v.method,
            v.masked.chars().take(34).collect::<String>(),
            v.currency,
            v.status,
            v.proposed_by,
            v.reviewed_by.as_deref().unwrap_or("-"),
            if v.reason.is_empty() {
                String::new()
            } else {
                format!(" ({})", v.reason)
            }
        );
    }
    if p.versions.is_empty() {
        println!("(no payee details yet: propose some with `payee propose`)");
    }
    println!(
        "{} waiting for review; first payments to new details are held {} days",
        p.pending, p.hold_days
    );
}

#[derive(Args)]
pub struct PayoutArgs {
    #[command(subcommand)]
    action: PayoutAction,
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    #[value(name = "pain.001.001.09")]
    Pain09,
    #[value(name = "pain.001.001.03")]
    Pain03,
}

#[derive(Clone, Copy, ValueEnum)]
enum OutcomeArg {
    Failed,
    Returned,
}

#[derive(Subcommand)]
enum PayoutAction {
    /// The program's runs, its paying account and the approval rules.
    List,
    /// A run: items, totals, approvals, files and history.
    Show { run: i64 },
    /// Prepare a run from the approved, unpaid lines of closed periods up to --period.
    Prepare {
        #[arg(long)]
        period: String,
        /// The requested execution day, YYYY-MM-DD.
        #[arg(long)]
        execution_date: String,
    },
    /// Approve a run here, signing with your key (the passphrase: $AFFOPS_PASSPHRASE, else a prompt).
    Approve { run: i64 },
    /// Write the payment files of an approved run (SEPA per currency for SEPA payees, CSV for the rest).
    Export {
        run: i64,
        #[arg(long, value_enum, default_value = "pain.001.001.09")]
        format: FormatArg,
        /// The folder (relative: the workspace's exports/ folder).
        #[arg(long, default_value = "")]
        dir: String,
    },
    /// Record that the bank executed an exported run.
    MarkPaid {
        run: i64,
        #[arg(long)]
        reference: String,
        /// The day it was paid, YYYY-MM-DD.
        #[arg(long)]
        on: String,
    },
    /// Record that one payment of a run failed or came back; the amount is owed again.
    Return {
        run: i64,
        #[arg(long)]
        affiliate: String,
        #[arg(long, value_enum)]
        outcome: OutcomeArg,
        #[arg(long)]
        reason: String,
    },
    /// Cancel a run that is not exported yet; its lines can go in another run.
    Cancel {
        run: i64,
        #[arg(long)]
        reason: String,
    },
    /// Set the program's paying account (the debtor of its SEPA files).
    Payer {
        #[arg(long)]
        name: String,
        #[arg(long)]
        iban: String,
        #[arg(long)]
        bic: String,
    },
}

fn run_req(run_id: i64, text: String) -> RunRequest {
    RunRequest { run_id, text }
}

pub fn payout(cx: &Ctx, a: PayoutArgs) -> Result<(), ApiError> {
    let json = a.json;
    let run = match a.action {
        PayoutAction::List => {
            let o = ops::payouts::payouts_overview(cx)?;
            if json {
                return print_json(&o);
            }
            match &o.payer {
                Some(p) => println!("Paying account: {} {} {}", p.name, p.iban_masked, p.bic),
                None => println!("Paying account: none (set it with `payout payer`)"),
            }
            println!(
                "Two approvers from {} {}; {} payee proposals waiting",
                o.two_approvals_from, o.currency, o.pending_payees
            );
            for r in &o.runs {
                let totals: Vec<String> = r
                    .totals
                    .iter()
                    .map(|t| format!("{} {}", t.amount, t.currency))
                    .collect();
                println!(
                    "  run {:<4} {:<8} {:<18} {}/{} approvals  {:>4} payments  {}",
                    r.id,
                    r.period,
                    r.status,
                    r.approvals,
                    r.approvals_required,
                    r.payments,
                    totals.join(", ")
                );
            }
            if o.runs.is_empty() {
                println!("  (no runs yet: `payout prepare --period YYYY-MM --execution-date YYYY-MM-DD`)");
            }
            return Ok(());
        }
        PayoutAction::Show { run } => ops::payouts::payout_run(cx, run)?,
        PayoutAction::Prepare {
            period,
            execution_date,
        } => ops::payouts::prepare_payout_run(
            cx,
            PrepareRunRequest {
                period,
                execution_date,
            },
        )?,
        PayoutAction::Approve { run } => {
            let passphrase = secret(PASSPHRASE_ENV, "Your passphrase (signs the approval): ")?;
            let o = ops::payouts::approve_payout_run(
                cx,
                ApproveRunRequest {
                    run_id: run,
                    passphrase,
                },
            )?;
            if json {
                return print_json(&o);
            }
            println!(
                "Run {} approved by {}: {} of {} approvals, {}",
                o.run_id, o.approver, o.approvals, o.approvals_required, o.status
            );
            return Ok(());
        }
        PayoutAction::Export { run, format, dir } => {
            let files = ops::payouts::export_payment_files(
                cx,
                ExportFilesRequest {
                    run_id: run,
                    sepa_format: match format {
                        FormatArg::Pain09 => SepaFormat::Pain00100109,
                        FormatArg::Pain03 => SepaFormat::Pain00100103,
                    },
                    dir,
                },
            )?;
            if json {
                return print_json(&files);
            }
            for f in &files {
                println!(
                    "{} {:<16} {:>4} payments  {}  sha256 {}",
                    f.currency, f.format, f.payments, f.path, f.sha256
                );
            }
            return Ok(());
        }
        PayoutAction::MarkPaid { run, reference, on } => ops::payouts::mark_payout_paid(
            cx,
            MarkPaidRequest {
                run_id: run,
                bank_reference: reference,
                paid_on: on,
            },
        )?,
        PayoutAction::Return {
            run,
            affiliate,
            outcome,
            reason,
        } => ops::payouts::record_bank_return(
            cx,
            BankReturnRequest {
                run_id: run,
                affiliate,
                outcome: match outcome {
                    OutcomeArg::Failed => BankOutcome::Failed,
                    OutcomeArg::Returned => BankOutcome::Returned,
                },
                reason,
            },
        )?,
        PayoutAction::Cancel { run, reason } => {
            ops::payouts::cancel_payout_run(cx, run_req(run, reason))?
        }
        PayoutAction::Payer { name, iban, bic } => {
            let o = ops::payouts::set_payer(cx, PayerRequest { name, iban, bic })?;
            if json {
                return print_json(&o.payer);
            }
            if let Some(p) = o.payer {
                println!("Paying account: {} {} {}", p.name, p.iban_masked, p.bic);
            }
            return Ok(());
        }
    };
    if json {
        return print_json(&run);
    }
    print_run(&run);
    Ok(())
}

#[derive(Args)]
pub struct ApprovalArgs {
    #[command(subcommand)]
    action: ApprovalAction,
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Subcommand)]
enum ApprovalAction {
    /// Write a run's approval request file for an approver on another machine.
    Export {
        run: i64,
        /// Where (relative: the workspace's exports/ folder).
        #[arg(long, default_value = "")]
        out: String,
    },
    /// Sign an approval request file with your key, writing the signed file (any copy of the workspace, offline).
    Sign {
        file: String,
        #[arg(long, default_value = "")]
        out: String,
    },
    /// Import a signed approval file: applied once, whatever the copies and their order.
    Import { file: String },
}

/// Approval files between machines: export a request, sign it elsewhere, import the signed file.
pub fn approval(cx: &Ctx, a: ApprovalArgs) -> Result<(), ApiError> {
    let json = a.json;
    match a.action {
        ApprovalAction::Export { run, out } => {
            let path = ops::payouts::export_approval_request(cx, run_req(run, out))?;
            done(json, &path, "Wrote the approval request")
        }
        ApprovalAction::Sign { file, out } => {
            let passphrase = secret(PASSPHRASE_ENV, "Your passphrase (signs the approval): ")?;
            let path = ops::payouts::sign_approval_request(
                cx,
                SignApprovalRequest {
                    path: file,
                    out,
                    passphrase,
                },
            )?;
            done(json, &path, "Wrote the signed approval")
        }
        ApprovalAction::Import { file } => {
            let o = ops::payouts::import_approval(cx, file)?;
            if json {
                return print_json(&o);
            }
            println!(
                "Run {}: {}'s approval {}; {} of {} approvals, {}",
                o.run_id,
                o.approver,
                if o.applied {
                    "recorded"
                } else {
                    "was already recorded (nothing changed)"
                },
                o.approvals,
                o.approvals_required,
                o.status
            );
            Ok(())
        }
    }
}

fn done(json: bool, path: &str, what: &str) -> Result<(), ApiError> {
    if json {
        return print_json(&serde_json::json!({ "path": path }));
    }
    println!("{what}: {path}");
    Ok(())
}

fn print_run(r: &PayoutRunView) {
    println!(
        "Run {} — {} {} — {} — execution {} — prepared by {}",
        r.id, r.program, r.period, r.status, r.execution_date, r.prepared_by
    );
    println!(
        "  content sha256 {}  approvals {}/{}",
        r.content_hash,
        r.approvals.len(),
        r.approvals_required
    );
    for a in &r.approvals {
        println!("    approved by {} ({})", a.approver, a.via);
    }
    println!(
        "  {:<10} {:<22} {:<9} {:>14} {:<4} {:<28} {:<9} Change / note",
        "Affiliate", "Name", "State", "Amount", "Cur", "Payee", "Outcome"
    );
    for i in &r.items {
        let mut note = i.change.clone();
        if !i.note.is_empty() {
            note = if note.is_empty() {
                i.note.clone()
            } else {
                format!("{note}; {}", i.note)
            };
        }
        println!(
            "  {:<10} {:<22} {:<9} {:>14} {:<4} {:<28} {:<9} {}",
            i.affiliate_id,
            i.affiliate_name.chars().take(22).collect::<String>(),
            i.state,
            i.amount,
            i.currency,
            i.payee_masked.chars().take(28).collect::<String>(),
            i.outcome,
            note
        );
    }
    for t in &r.totals {
        println!(
            "  total {} {} in {} payments",
            t.amount, t.currency, t.payments
        );
    }
    for f in &r.files {
        println!("  file {} sha256 {}", f.file_name, f.sha256);
    }
    if !r.bank_reference.is_empty() {
        println!(
            "  paid on {} (bank reference {})",
            r.paid_on, r.bank_reference
        );
    }
}

#[derive(Args)]
pub struct BackupArgs {
    /// The backup file (relative: the workspace's backups/ folder; default: a timestamped name there).
    #[arg(long, default_value = "")]
    out: String,
    #[arg(long)]
    pub json: bool,
}

pub fn backup(cx: &Ctx, a: BackupArgs) -> Result<(), ApiError> {
    let r = ops::payouts::backup_workspace(cx, a.out)?;
    if a.json {
        return print_json(&r);
    }
    println!(
        "Backed up {} bytes to {} (integrity {})",
        r.bytes, r.path, r.integrity
    );
    Ok(())
}
