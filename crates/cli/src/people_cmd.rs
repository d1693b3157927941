//! `affops-cli workspace create | people … | settings … | audit …`: the first owner, people and their roles, the
//! idle lock, and the audit log (list, verify the store or an exported file, export for an auditor).

use crate::print_json;
use crate::session::{secret, NEW_PASSPHRASE_ENV, PASSPHRASE_ENV};
use affops_core::api::{
    AddPersonRequest, ApiError, AuditFilter, ChangePassphraseRequest, CreateWorkspaceRequest,
    ErrorCode, Person, PersonChange, ResetPassphraseRequest, Role, VerifyReport,
};
use affops_core::ops::{self, Console, Ctx};
use clap::{Args, Subcommand};
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum WorkspaceCmd {
    /// Create the owner of a new workspace (the passphrase: $AFFOPS_PASSPHRASE, else a prompt).
    Create {
        /// The owner's sign-in name.
        #[arg(long)]
        name: String,
        #[arg(long)]
        display_name: String,
    },
}

#[derive(Args)]
pub struct PeopleArgs {
    #[command(subcommand)]
    action: PeopleAction,
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Subcommand)]
enum PeopleAction {
    /// Everyone with their roles.
    List,
    /// Add a person (their first passphrase: $AFFOPS_NEW_PASSPHRASE, else a prompt).
    Add {
        name: String,
        #[arg(long)]
        display_name: String,
        /// owner, manager, finance, analyst or viewer; repeat or separate with commas.
        #[arg(long = "role", value_delimiter = ',', required = true)]
        roles: Vec<String>,
    },
    /// Change a person's display name, roles (the whole new set) or whether they are active.
    Update {
        name: String,
        #[arg(long)]
        display_name: Option<String>,
        #[arg(long = "role", value_delimiter = ',')]
        roles: Vec<String>,
        #[arg(long, conflicts_with = "activate")]
        deactivate: bool,
        #[arg(long)]
        activate: bool,
    },
    /// Set a new passphrase for someone who lost theirs ($AFFOPS_NEW_PASSPHRASE, else a prompt).
    ResetPassphrase { name: String },
    /// Change your own passphrase (the new one: $AFFOPS_NEW_PASSPHRASE, else a prompt).
    Passphrase,
}

#[derive(Args)]
pub struct SettingsArgs {
    /// Set the minutes without activity after which the app locks (1-480).
    #[arg(long)]
    idle_lock_minutes: Option<u32>,
    /// Set the run total (program currency) from which a payout run needs two approvers.
    #[arg(long)]
    two_approvals_from: Option<String>,
    /// Set the days the first payment to newly approved payee details is held.
    #[arg(long)]
    payee_hold_days: Option<u32>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct AuditArgs {
    #[command(subcommand)]
    action: AuditAction,
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Subcommand)]
enum AuditAction {
    /// Entries, newest first.
    List {
        /// A person's sign-in name.
        #[arg(long)]
        actor: Option<String>,
        /// An operation, e.g. close_period.
        #[arg(long)]
        action: Option<String>,
        /// Text of the object (kind or id), e.g. 2026-10.
        #[arg(long)]
        object: Option<String>,
        /// First day, YYYY-MM-DD (UTC).
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: u32,
        #[arg(long, default_value_t = 0)]
        offset: u32,
    },
    /// Verify the chain and the people against it; with --file, an exported chain on its own (no sign-in).
    Verify {
        #[arg(long, value_name = "FILE")]
        file: Option<PathBuf>,
    },
    /// Write the whole chain (JSON Lines, then a trailer with the head hash) for an auditor.
    Export {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

impl AuditArgs {
    pub fn is_file_verify(&self) -> bool {
        matches!(self.action, AuditAction::Verify { file: Some(_) })
    }
}

fn roles(names: &[String]) -> Result<Vec<Role>, ApiError> {
    names
        .iter()
        .map(|n| {
            Role::parse(n).ok_or_else(|| {
                ApiError::new(
                    ErrorCode::InvalidInput,
                    format!("Role: '{n}' is not a role (owner, manager, finance, analyst, viewer)"),
                )
            })
        })
        .collect()
}

fn print_person(p: &Person) {
    let roles: Vec<&str> = p.roles.iter().map(|r| r.as_str()).collect();
    println!(
        "{:<16} {:<24} {:<28} {}{}",
        p.name,
        p.display_name,
        roles.join(","),
        if p.active { "active" } else { "deactivated" },
        if p.can_sign_in {
            ""
        } else {
            " (no passphrase yet)"
        }
    );
}

pub fn workspace(console: &Console, cmd: WorkspaceCmd) -> Result<(), ApiError> {
    let WorkspaceCmd::Create { name, display_name } = cmd;
    let passphrase = secret(
        PASSPHRASE_ENV,
        &format!("New passphrase for {}: ", name.trim()),
    )?;
    let s = ops::people::create_workspace(
        &console.ctx(),
        CreateWorkspaceRequest {
            name,
            display_name,
            passphrase,
        },
    )?;
    let who = s.signed_in.map(|s| s.person.name).unwrap_or_default();
    println!(
        "Created the workspace in {} with its owner {who}",
        s.data_dir
    );
    Ok(())
}

pub fn people(cx: &Ctx, a: PeopleArgs) -> Result<(), ApiError> {
    let person = match a.action {
        PeopleAction::List => {
            let all = ops::people::list_people(cx)?;
            if a.json {
                return print_json(&all);
            }
            all.iter().for_each(print_person);
            return Ok(());
        }
        PeopleAction::Add {
            name,
            display_name,
            roles: r,
        } => {
            let passphrase = secret(
                NEW_PASSPHRASE_ENV,
                &format!("First passphrase for {}: ", name.trim()),
            )?;
            ops::people::add_person(
                cx,
                AddPersonRequest {
                    name,
                    display_name,
                    roles: roles(&r)?,
                    passphrase,
                },
            )?
        }
        PeopleAction::Update {
            name,
            display_name,
            roles: r,
            deactivate,
            activate,
        } => {
            let change = PersonChange {
                name,
                display_name,
                roles: if r.is_empty() { None } else { Some(roles(&r)?) },
                active: if deactivate {
                    Some(false)
                } else if activate {
                    Some(true)
                } else {
                    None
                },
            };
            ops::people::update_person(cx, change)?
        }
        PeopleAction::ResetPassphrase { name } => {
            let passphrase = secret(
                NEW_PASSPHRASE_ENV,
                &format!("New passphrase for {}: ", name.trim()),
            )?;
            ops::people::reset_passphrase(cx, ResetPassphraseRequest { name, passphrase })?
        }
        PeopleAction::Passphrase => {
            let current = secret(PASSPHRASE_ENV, "Current passphrase: ")?;
            let new = secret(NEW_PASSPHRASE_ENV, "New passphrase: ")?;
            ops::people::change_passphrase(cx, ChangePassphraseRequest { current, new })?
        }
    };
    if a.json {
        return print_json(&person);
    }
    print_person(&person);
    Ok(())
}

pub fn settings(cx: &Ctx, a: SettingsArgs) -> Result<(), ApiError> {
    let mut s = ops::people::workspace_settings(cx)?;
    if a.idle_lock_minutes.is_some()
        || a.two_approvals_from.is_some()
        || a.payee_hold_days.is_some()
    {
        s.idle_lock_minutes = a.idle_lock_minutes.unwrap_or(s.idle_lock_minutes);
        s.two_approvals_from = a.two_approvals_from.unwrap_or(s.two_approvals_from);
        s.payee_hold_days = a.payee_hold_days.unwrap_or(s.payee_hold_days);
        s = ops::people::save_workspace_settings(cx, s)?;
    }
    if a.json {
        return print_json(&s);
    }
    println!("idle lock: {} minutes", s.idle_lock_minutes);
    println!("two approvers for runs from: {}", s.two_approvals_from);
    println!(
        "first payment to new payee details held: {} days",
        s.payee_hold_days
    );
    Ok(())
}

fn print_report(r: &VerifyReport) {
    match &r.broken {
        Some(b) => println!("BROKEN at row {}: {}", b.row, b.reason),
        None => println!("chain intact: {} rows, head {}", r.rows, r.head_hash),
    }
    for m in &r.people_mismatches {
        println!("MISMATCH {m}");
    }
}

/// `cx` is none only for `audit verify --file`, which needs no workspace.
pub fn audit(cx: Option<&Ctx>, a: AuditArgs) -> Result<(), ApiError> {
    let report = match (a.action, cx) {
        (AuditAction::Verify { file: Some(f) }, _) => ops::audit::verify_export_file(&f)?,
        (AuditAction::Verify { file: None }, Some(cx)) => ops::audit::audit_verify(cx)?,
        (
            AuditAction::List {
                actor,
                action,
                object,
                from,
                to,
                limit,
                offset,
            },
            Some(cx),
        ) => {
            let page = ops::audit::audit_list(
                cx,
                AuditFilter {
                    actor,
                    action,
                    object,
                    from,
                    to,
                    offset,
                    limit,
                },
            )?;
            if a.json {
                return print_json(&page);
            }
            for r in &page.rows {
                let at = chrono::DateTime::from_timestamp_millis(r.at_ms)
                    .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
                    .unwrap_or_default();
                println!(
                    "#{:<6} {at} {:<12} {:<24} {:<14} {:<20} {}",
                    r.id,
                    r.actor,
                    r.action,
                    r.program,
                    format!("{} {}", r.entity, r.entity_id),
                    r.detail
                );
            }
            println!("{} of {} entries", page.rows.len(), page.total);
            return Ok(());
        }
        (AuditAction::Export { out }, Some(cx)) => {
            let r = ops::audit::audit_export(cx, out.display().to_string())?;
            if a.json {
                return print_json(&r);
            }
            println!(
                "Wrote {} entries to {} (head {})",
                r.rows, r.path, r.head_hash
            );
            return Ok(());
        }
        (_, None) => return Err(ApiError::new(ErrorCode::Internal, "no workspace")),
    };
    if a.json {
        print_json(&report)?;
    } else {
        print_report(&report);
    }
    if !report.ok {
        // The report above says what failed; exit non-zero without a second (error) document on stdout.
        use std::io::Write;
        let _ = std::io::stdout().flush();
        std::process::exit(1);
    }
    Ok(())
}
