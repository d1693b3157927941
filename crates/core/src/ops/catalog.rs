//! The one list of operations. Each has a name (the Tauri command, the TypeScript client's call, the audit log's
//! `action`), who may call it ([`Access`]), whether it changes state (and so writes one audit entry), and whether
//! it acts on one program. The desktop shell's handler list, its capability file, the build script's command list
//! and the UI client are checked against this list by a test; `docs/permissions.md` is rendered from it.

use crate::people::Permission;

/// Who may call an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not (the sign-in screen's own calls).
    Public,
    /// Only while the workspace has nobody who can sign in (creating the owner).
    Bootstrap,
    /// While the workspace has nobody who can sign in, anyone; afterwards a person with the permission.
    BootstrapOr(Permission),
    /// Any signed-in person, acting on their own session or account.
    SignedIn,
    /// A signed-in person holding the permission.
    Needs(Permission),
}

impl Access {
    /// The permission the operation needs from a signed-in person, if any.
    pub fn permission(self) -> Option<Permission> {
        match self {
            Access::Needs(p) | Access::BootstrapOr(p) => Some(p),
            _ => None,
        }
    }
}

/// Whether an operation changes what the workspace holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Reads, or changes only the caller's session: no audit entry.
    Read,
    /// Changes the workspace: exactly one audit entry, in the operation's transaction.
    Write,
}

macro_rules! operations {
    ($( $(#[doc = $doc:literal])* $variant:ident = $name:literal, $access:expr, $effect:ident, $scoped:literal; )*) => {
        /// Every operation of the front door.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Op { $( $(#[doc = $doc])* $variant, )* }

        impl Op {
            /// In the order of this list (the order of `docs/permissions.md`).
            pub const ALL: &'static [Op] = &[ $( Op::$variant, )* ];

            /// The command name: snake_case, as the Tauri command, the UI client and the audit log say it.
            pub fn name(self) -> &'static str {
                match self { $( Op::$variant => $name, )* }
            }

            pub fn access(self) -> Access {
                use crate::people::Permission::*;
                match self { $( Op::$variant => $access, )* }
            }

            pub fn effect(self) -> Effect {
                match self { $( Op::$variant => Effect::$effect, )* }
            }

            /// Whether it acts on one program (the session's chosen one, or the CLI's `--program`).
            pub fn program_scoped(self) -> bool {
                match self { $( Op::$variant => $scoped, )* }
            }

            /// One line on what it does.
            pub fn summary(self) -> &'static str {
                match self { $( Op::$variant => concat!($($doc, )* ""), )* }
            }

            pub fn from_name(name: &str) -> Option<Op> {
                Op::ALL.iter().copied().find(|o| o.name() == name)
            }
        }
    };
}

operations! {
    // ---- Session and people -------------------------------------------------------------------------------
    /// Who is signed in, and what the sign-in screen needs to know about the workspace.
    SessionStatus = "session_status", Access::Public, Read, false;
    /// Sign in with a name and a passphrase.
    SignIn = "sign_in", Access::Public, Write, false;
    /// Sign out (or lock: the next action asks for the passphrase again).
    SignOut = "sign_out", Access::SignedIn, Read, false;
    /// Create a workspace's first person, its owner.
    CreateWorkspace = "create_workspace", Access::Bootstrap, Write, false;
    /// Change one's own passphrase (the signing key is resealed, not replaced).
    ChangePassphrase = "change_passphrase", Access::SignedIn, Write, false;
    /// Everyone in the workspace, with their roles.
    ListPeople = "list_people", Access::Needs(View), Read, false;
    /// Add a person with roles and a first passphrase.
    AddPerson = "add_person", Access::Needs(ManageUsers), Write, false;
    /// Change a person's display name, roles or whether they are active.
    UpdatePerson = "update_person", Access::Needs(ManageUsers), Write, false;
    /// Set a new passphrase for someone who lost theirs (they get a new signing key).
    ResetPassphrase = "reset_passphrase", Access::Needs(ManageUsers), Write, false;
    /// The workspace's settings (idle lock).
    WorkspaceSettings = "workspace_settings", Access::Needs(View), Read, false;
    /// Change the workspace's settings.
    SaveWorkspaceSettings = "save_workspace_settings", Access::Needs(ManageWorkspace), Write, false;
    // ---- Audit ---------------------------------------------------------------------------------------------
    /// A filtered page of the audit log.
    AuditList = "audit_list", Access::Needs(View), Read, false;
    /// Verify the chain, and the people against it.
    AuditVerify = "audit_verify", Access::Needs(View), Read, false;
    /// Write the chain with its head hash to a file, for an auditor.
    AuditExport = "audit_export", Access::Needs(View), Read, false;
    // ---- Workspace -----------------------------------------------------------------------------------------
    /// The workspace's data range and the freshness of its sources.
    WorkspaceStatus = "workspace_status", Access::Needs(View), Read, false;
    /// Start the demo world on loopback and sync it (creates the demo's people in an empty workspace).
    OpenDemoWorkspace = "open_demo_workspace", Access::BootstrapOr(IngestData), Write, false;
    /// Sync every enabled source from its checkpoint.
    SyncNow = "sync_now", Access::Needs(IngestData), Write, false;
    /// The workspace's programs.
    ListPrograms = "list_programs", Access::Needs(View), Read, false;
    /// Choose the program the session acts on.
    SelectProgram = "select_program", Access::SignedIn, Read, false;
    /// Create a program: name, vertical, currency, reporting time zone, brands.
    AddProgram = "add_program", Access::Needs(ManagePrograms), Write, false;
    /// Change a program (its vertical, currency and time zone only while it holds no data).
    EditProgram = "edit_program", Access::Needs(ManagePrograms), Write, false;
    // ---- Dashboards ----------------------------------------------------------------------------------------
    /// The per-affiliate funnel of a period.
    Dashboard = "dashboard", Access::Needs(View), Read, true;
    /// How conversions arrived (S2S, pixel, batch, API) per affiliate.
    Coverage = "coverage", Access::Needs(View), Read, true;
    /// Open flags and unreconciled payout per affiliate.
    DashboardAlerts = "dashboard_alerts", Access::Needs(View), Read, false;
    /// A period split by affiliate, sub-ID, country, brand, day, week or month, against the previous period.
    Breakdown = "breakdown", Access::Needs(View), Read, true;
    /// Players by registration month: retention, LTV curves, payback month.
    Cohorts = "cohorts", Access::Needs(View), Read, true;
    // ---- Sources and postbacks -----------------------------------------------------------------------------
    /// Tracker and operator sources with their state.
    ListSources = "list_sources", Access::Needs(View), Read, false;
    /// Add or change a source (its key goes to the OS keychain).
    SaveSource = "save_source", Access::Needs(ManageSources), Write, true;
    /// Try a source's connection and credentials.
    TestSource = "test_source", Access::Needs(ManageSources), Read, false;
    /// The postback request log.
    PostbackLog = "postback_log", Access::Needs(View), Read, false;
    /// Postback sources and their settings.
    PostbackSources = "postback_sources", Access::Needs(View), Read, false;
    /// Add or change a postback source (token and secrets go to the OS keychain).
    PostbackSaveSource = "postback_save_source", Access::Needs(ManageSources), Write, true;
    /// Whether the postback listener runs, and its counters.
    PostbackListenerStatus = "postback_listener_status", Access::Needs(View), Read, false;
    /// Start the postback listener on loopback.
    PostbackListenerStart = "postback_listener_start", Access::Needs(ManageSources), Write, false;
    /// Stop the postback listener.
    PostbackListenerStop = "postback_listener_stop", Access::Needs(ManageSources), Write, false;
    // ---- Imports -------------------------------------------------------------------------------------------
    /// The fields of an import preset.
    ImportFields = "import_fields", Access::Needs(View), Read, false;
    /// A column mapping saved under a name.
    ImportMapping = "import_mapping", Access::Needs(View), Read, false;
    /// Save a column mapping under a name for later imports.
    SaveImportMapping = "save_import_mapping", Access::Needs(IngestData), Write, false;
    /// A dry run of a file: detection and the first rows validated.
    ImportPreview = "import_preview", Access::Needs(IngestData), Read, false;
    /// Import a file (resumable, idempotent) into the session's program (a new workspace's first import makes
    /// one), then attribution and detection over what landed.
    ImportRun = "import_run", Access::Needs(IngestData), Write, true;
    /// Import runs with their counts.
    ImportRuns = "import_runs", Access::Needs(View), Read, false;
    /// A page of a run's quarantined rows.
    ImportQuarantine = "import_quarantine", Access::Needs(View), Read, false;
    /// Write a run's quarantined rows as CSV.
    ImportQuarantineExport = "import_quarantine_export", Access::Needs(View), Read, false;
    // ---- Attribution ---------------------------------------------------------------------------------------
    /// Every affiliate's profile and performance.
    ListAffiliates = "list_affiliates", Access::Needs(View), Read, true;
    /// One affiliate: profile, players, plan assignments.
    AffiliateDetail = "affiliate_detail", Access::Needs(View), Read, true;
    /// Why a player is attributed the way they are.
    ExplainPlayer = "explain_player", Access::Needs(View), Read, true;
    /// The attribution rule versions.
    AttributionRules = "attribution_rules", Access::Needs(View), Read, true;
    /// Save a new attribution rule version.
    SaveAttributionRules = "save_attribution_rules", Access::Needs(ManageAttribution), Write, true;
    /// Multi-touch credit over a period (analysis only).
    MultiTouchReport = "multi_touch_report", Access::Needs(View), Read, true;
    /// Assign a promo code to an affiliate.
    SetPromoCode = "set_promo_code", Access::Needs(ManageAttribution), Write, true;
    /// Add one of an affiliate's own identifiers (email, office IP, payout instrument, device) that self-referral
    /// compares their players against; an email or a raw instrument is kept only as its hash.
    AddAffiliateIdentifier = "add_affiliate_identifier", Access::Needs(ManageAttribution), Write, true;
    /// Remove one of an affiliate's own identifiers.
    RemoveAffiliateIdentifier = "remove_affiliate_identifier", Access::Needs(ManageAttribution), Write, true;
    /// Re-decide every player not yet locked by an FTD.
    RunAttribution = "run_attribution", Access::Needs(ManageAttribution), Write, true;
    // ---- Commission ----------------------------------------------------------------------------------------
    /// The program's commission plans.
    ListPlans = "list_plans", Access::Needs(View), Read, true;
    /// A plan with its versions and assignments.
    PlanDetail = "plan_detail", Access::Needs(View), Read, true;
    /// Validate a plan file without saving it.
    CheckPlan = "check_plan", Access::Needs(View), Read, true;
    /// Save a plan (new plan or new versions).
    SavePlan = "save_plan", Access::Needs(ManagePlans), Write, true;
    /// Read a plan file from disk for the editor.
    ReadPlanFile = "read_plan_file", Access::Needs(View), Read, false;
    /// Write a saved plan as a file.
    ExportPlan = "export_plan", Access::Needs(View), Read, true;
    /// What a plan file would have paid over a period, beside the current plans.
    PreviewPlan = "preview_plan", Access::Needs(View), Read, true;
    /// Assign a plan to an affiliate, or make it the program's default, from a date.
    AssignPlan = "assign_plan", Access::Needs(ManagePlans), Write, true;
    /// The program's periods.
    ListPeriods = "list_periods", Access::Needs(View), Read, true;
    /// Compute a month's commission into the ledger.
    ComputePeriod = "compute_period", Access::Needs(ComputeCommission), Write, true;
    /// Close a computed period, locking its statements.
    ClosePeriod = "close_period", Access::Needs(ClosePeriods), Write, true;
    /// Record a rate of a period's FX snapshot.
    SetFxRate = "set_fx_rate", Access::Needs(ClosePeriods), Write, true;
    /// Import an ECB reference-rate file into the dated FX table (bad rows quarantined with their reason).
    FxImport = "fx_import", Access::Needs(ClosePeriods), Write, false;
    /// Record a day's rate in the dated FX table by hand (a correction is a new row that supersedes).
    FxSet = "fx_set", Access::Needs(ClosePeriods), Write, false;
    /// The dated FX table's rates in force, by day and pair.
    FxList = "fx_list", Access::Needs(View), Read, false;
    /// An affiliate's statement for a period.
    Statement = "statement", Access::Needs(View), Read, true;
    /// Write a statement as CSV or HTML.
    ExportStatement = "export_statement", Access::Needs(View), Read, true;
    /// A player's CPA qualification checklist.
    Qualification = "qualification", Access::Needs(View), Read, true;
    // ---- Fraud ---------------------------------------------------------------------------------------------
    /// Run every fraud rule over all the data, revising the flags.
    DetectRun = "detect_run", Access::Needs(RunDetection), Write, true;
    /// A rule (or all) over history with settings overrides, saving nothing.
    DetectBacktest = "detect_backtest", Access::Needs(RunDetection), Read, true;
    /// Save a rule's settings (a new version).
    SaveRuleSettings = "save_rule_settings", Access::Needs(RunDetection), Write, true;
    /// The flag queue.
    FlagsList = "flags_list", Access::Needs(View), Read, true;
    /// Confirm or dismiss a flag.
    FlagDecide = "flag_decide", Access::Needs(DecideFlags), Write, true;
    /// The flag queue grouped by affiliate and rule, with counts and money at stake.
    FlagsGroups = "flags_groups", Access::Needs(View), Read, true;
    /// One decision and comment for several flags (a group).
    FlagDecideBulk = "flag_decide_bulk", Access::Needs(DecideFlags), Write, true;
    /// The detection allow-list (IP ranges, sub-IDs established as legit), revoked entries included.
    AllowlistList = "allowlist_list", Access::Needs(View), Read, true;
    /// Allow-list an IP range or a sub-ID (usually from a dismissed flag): the rules stop reading it as a signal.
    AllowlistAdd = "allowlist_add", Access::Needs(DecideFlags), Write, true;
    /// Revoke an allow-list entry, saying why.
    AllowlistRevoke = "allowlist_revoke", Access::Needs(DecideFlags), Write, true;
    /// A flag's evidence: timeline, shared identifiers, CTIT, conversions.
    FlagInvestigate = "flag_investigate", Access::Needs(View), Read, true;
    // ---- Reconciliation and disputes -----------------------------------------------------------------------
    /// Reconcile a month: tracker against operator.
    ReconcilePeriod = "reconcile_period", Access::Needs(Reconcile), Write, true;
    /// Write a month's discrepancies as CSV.
    ReconcileExportCsv = "reconcile_export_csv", Access::Needs(Reconcile), Write, true;
    /// A month's stored reconciliation (as it was last run), without running it again.
    ReconcileReport = "reconcile_report", Access::Needs(View), Read, true;
    // ---- Disputes --------------------------------------------------------------------------------------------
    /// Open a dispute case: from a discrepancy, a flag, a statement line, a player, a conversion, or by hand.
    DisputeOpen = "dispute_open", Access::Needs(WorkDisputes), Write, true;
    /// A page of the program's cases (filtered, searched and ordered in the query), with their SLA state.
    DisputesList = "disputes_list", Access::Needs(View), Read, true;
    /// One case: history, attachments, outcomes, evidence, what may happen next.
    DisputeShow = "dispute_show", Access::Needs(View), Read, true;
    /// Move a case (investigating, awaiting operator) or reopen a resolved one with a reason.
    DisputeMove = "dispute_move", Access::Needs(WorkDisputes), Write, true;
    /// Give a case an owner (or none).
    DisputeAssign = "dispute_assign", Access::Needs(WorkDisputes), Write, true;
    /// Comment on a case.
    DisputeComment = "dispute_comment", Access::Needs(WorkDisputes), Write, true;
    /// Attach a file to a case (copied into the workspace, hashed).
    DisputeAttach = "dispute_attach", Access::Needs(WorkDisputes), Write, true;
    /// Accept, partly accept or reject a case; an accepted amount is a new adjustment entry.
    DisputeResolve = "dispute_resolve", Access::Needs(WorkDisputes), Write, true;
    /// Write a case's evidence pack (HTML, PDF, a verifiable archive) and record its hash.
    DisputeEvidence = "dispute_evidence", Access::Needs(WorkDisputes), Write, true;
    /// Write the statement of a resolved case's outcome for the affiliate.
    DisputeOutcomeStatement = "dispute_outcome_statement", Access::Needs(View), Read, true;
    /// The program's SLA for answering cases.
    DisputeSla = "dispute_sla", Access::Needs(View), Read, true;
    /// Set the program's SLA (days, calendar or business).
    SetDisputeSla = "set_dispute_sla", Access::Needs(ManageWorkspace), Write, true;
    /// A conversion, player, click or deposit with the raw records it was stored from and its status history.
    RawRecord = "raw_record", Access::Needs(View), Read, true;
    /// Match the month's claims (affiliates' own reports) against the tracker and the operator.
    ClaimsReconcile = "claims_reconcile", Access::Needs(Reconcile), Write, true;
    /// The month's claims as last matched.
    ClaimsReport = "claims_report", Access::Needs(View), Read, true;
    /// Open a case for each unmatched claim (or every one of the month without a case).
    ClaimsOpenCases = "claims_open_cases", Access::Needs(WorkDisputes), Write, true;
    // ---- Payouts -------------------------------------------------------------------------------------------
    /// Approve (or reject, with a reason) an affiliate's statement lines past their hold.
    StatementLines = "statement_lines", Access::Needs(ApproveStatements), Write, true;
    /// Every affiliate's payee details, with pending proposals.
    Payees = "payees", Access::Needs(View), Read, true;
    /// Propose new payment details for an affiliate (paid to only after a second person approves).
    ProposePayee = "propose_payee", Access::Needs(ManagePayees), Write, true;
    /// Approve or reject someone else's proposed payment details.
    ReviewPayee = "review_payee", Access::Needs(ManagePayees), Write, true;
    /// Set the program's paying account (the debtor of its SEPA files).
    SetPayer = "set_payer", Access::Needs(ManagePayouts), Write, true;
    /// The program's payout runs, paying account and payout rules.
    PayoutsOverview = "payouts_overview", Access::Needs(View), Read, true;
    /// One payout run with its items, approvals, files, history and changes since the previous run.
    PayoutRun = "payout_run", Access::Needs(View), Read, true;
    /// Prepare a payout run for a closed period and its arrears.
    PreparePayoutRun = "prepare_payout_run", Access::Needs(ManagePayouts), Write, true;
    /// Approve a payout run: sign its content with one's key (never one's own run).
    ApprovePayoutRun = "approve_payout_run", Access::Needs(ApprovePayouts), Write, true;
    /// Write a run's approval request file for an approver on another machine.
    ExportApprovalRequest = "export_approval_request", Access::Needs(ManagePayouts), Read, false;
    /// Sign an approval request file with one's key (on any copy of the workspace).
    SignApprovalRequest = "sign_approval_request", Access::Needs(ApprovePayouts), Read, false;
    /// Import a signed approval file (exactly once per approver).
    ImportApproval = "import_approval", Access::Needs(ManagePayouts), Write, false;
    /// Cancel a run not exported yet.
    CancelPayoutRun = "cancel_payout_run", Access::Needs(ManagePayouts), Write, true;
    /// Make an approved run's payment files (SEPA and bulk CSV) and record their hashes.
    ExportPaymentFiles = "export_payment_files", Access::Needs(ManagePayouts), Write, true;
    /// Mark an exported run paid, with the bank's reference and the day.
    MarkPayoutPaid = "mark_payout_paid", Access::Needs(ManagePayouts), Write, true;
    /// Record a failed or returned payment: its amount goes back to the balance as a new entry.
    RecordBankReturn = "record_bank_return", Access::Needs(ManagePayouts), Write, true;
    /// Take a verified online backup of the workspace.
    BackupWorkspace = "backup_workspace", Access::Needs(Backup), Write, false;
}

/// `docs/permissions.md`: the role matrix and every operation with what it needs, rendered from this list and
/// [`crate::people::grants`] (a test fails when the committed file differs).
pub fn permissions_markdown() -> String {
    use crate::people::{grants, Permission, Role};
    let mut out = String::from(
        "# Roles and permissions\n\n\
Generated from the code (`affops_core::ops::catalog` and `affops_core::people::roles`); a test fails when this \
file is stale. Regenerate with `UPDATE_DOCS=1 cargo test -p affops-core --test it permissions_doc`.\n\n\
Every operation of the desktop app and the CLI goes through the front door (`crates/core/src/ops`), which checks \
the signed-in person's roles *as the store holds them at that moment* against the one permission the operation \
needs, and refuses with `forbidden` naming it. A person may hold several roles; their permissions add up.\n\n\
## What each role grants\n\n| permission | what it allows |",
    );
    for r in Role::ALL {
        out.push_str(&format!(" {} |", r.label()));
    }
    out.push_str("\n|---|---|");
    for _ in Role::ALL {
        out.push_str(":-:|");
    }
    out.push('\n');
    for p in Permission::ALL {
        out.push_str(&format!("| `{}` | {} |", p.as_str(), p.describe()));
        for r in Role::ALL {
            out.push_str(if grants(r).contains(&p) {
                " ✓ |"
            } else {
                " |"
            });
        }
        out.push('\n');
    }
    out.push_str(
        "\n## Every operation\n\n\
*Access*: `public` answers without a session (the sign-in screen); `first run` only while nobody can sign in; \
`signed in` any signed-in person, on their own session or account; otherwise the permission needed. *Changes*: \
yes means exactly one audit entry, written in the operation's transaction. *Program*: acts on the session's \
program (the desktop's switcher, the CLI's `--program`).\n\n\
| operation | access | changes | program | what it does |\n|---|---|:-:|:-:|---|\n",
    );
    for op in Op::ALL {
        let access = match op.access() {
            Access::Public => "public".to_string(),
            Access::Bootstrap => "first run".to_string(),
            Access::BootstrapOr(p) => format!("first run, then `{}`", p.as_str()),
            Access::SignedIn => "signed in".to_string(),
            Access::Needs(p) => format!("`{}`", p.as_str()),
        };
        out.push_str(&format!(
            "| `{}` | {access} | {} | {} | {} |\n",
            op.name(),
            if op.effect() == Effect::Write {
                "yes"
            } else {
                ""
            },
            if op.program_scoped() { "yes" } else { "" },
            op.summary().trim()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_snake_case_and_every_operation_is_described() {
        let mut seen = std::collections::BTreeSet::new();
        for op in Op::ALL {
            assert!(seen.insert(op.name()), "{} twice", op.name());
            assert!(
                op.name()
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_'),
                "{}",
                op.name()
            );
            assert!(
                !op.summary().trim().is_empty(),
                "{} has no summary",
                op.name()
            );
            assert_eq!(Op::from_name(op.name()), Some(*op));
        }
    }

    /// A read that needs no sign-in can leak nothing but the sign-in screen's facts; keep that list short.
    #[test]
    fn only_the_sign_in_screen_is_public() {
        let public: Vec<&str> = Op::ALL
            .iter()
            .filter(|o| o.access() == Access::Public)
            .map(|o| o.name())
            .collect();
        assert_eq!(public, ["session_status", "sign_in"]);
    }
}
