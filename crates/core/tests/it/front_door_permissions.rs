//! RELIABILITY A4, table-driven over the whole operation list: every operation called by a person whose roles
//! lack its permission is refused in the core with `forbidden` naming the permission, and nothing is written.
//! The call table is an exhaustive `match` over `Op`, so a new operation cannot be added without a row here.
//! A second pass calls each operation as someone who holds its permission and checks the refusal is gone — which
//! catches an operation that checks the wrong permission.

use crate::front_door::{seed_people, signed_in_as};
use affops_core::api::*;
use affops_core::ops::{self, Access, Ctx, Op};
use affops_core::people::{grants, Role};
use affops_core::workspace::Workspace;
use std::sync::Arc;

const NOW: i64 = 1_790_000_000_000;

/// Calls `op` with a harmless default request; only whether it is refused matters here.
fn call(op: Op, cx: &Ctx, rt: &tokio::runtime::Runtime) -> Result<(), ApiError> {
    let progress: affops_core::ingest::ProgressFn = Arc::new(|_| {});
    let tmp = std::env::temp_dir().join("affops-permissions-test-export");
    let path = tmp.display().to_string();
    match op {
        Op::SessionStatus => ops::people::session_status(cx).map(drop),
        Op::SignIn => ops::people::sign_in(cx, SignInRequest::default()).map(drop),
        Op::SignOut => Ok(()), // ends the session the rest of the table needs; covered by the session tests
        Op::CreateWorkspace => {
            ops::people::create_workspace(cx, CreateWorkspaceRequest::default()).map(drop)
        }
        Op::ChangePassphrase => {
            ops::people::change_passphrase(cx, ChangePassphraseRequest::default()).map(drop)
        }
        Op::ListPeople => ops::people::list_people(cx).map(drop),
        Op::AddPerson => ops::people::add_person(cx, AddPersonRequest::default()).map(drop),
        Op::UpdatePerson => ops::people::update_person(cx, PersonChange::default()).map(drop),
        Op::ResetPassphrase => {
            ops::people::reset_passphrase(cx, ResetPassphraseRequest::default()).map(drop)
        }
        Op::WorkspaceSettings => ops::people::workspace_settings(cx).map(drop),
        Op::SaveWorkspaceSettings => ops::people::save_workspace_settings(
            cx,
            WorkspaceSettings {
                idle_lock_minutes: 0,
                ..Default::default()
            },
        )
        .map(drop),
        Op::AuditList => ops::audit::audit_list(cx, AuditFilter::default()).map(drop),
        Op::AuditVerify => ops::audit::audit_verify(cx).map(drop),
        Op::AuditExport => ops::audit::audit_export(cx, path).map(drop),
        Op::WorkspaceStatus => ops::workspace::workspace_status(cx).map(drop),
        Op::OpenDemoWorkspace => rt
            .block_on(ops::workspace::open_demo_workspace(
                cx,
                affops_core::api::OpenDemoRequest {
                    seed: Some(1),
                    ..Default::default()
                },
                progress,
            ))
            .map(drop),
        Op::SyncNow => rt
            .block_on(ops::workspace::sync_now(
                cx,
                SyncRequest::default(),
                progress,
            ))
            .map(drop),
        Op::ListPrograms => ops::workspace::list_programs(cx).map(drop),
        Op::SelectProgram => ops::workspace::select_program(cx, None).map(drop),
        Op::AddProgram => ops::workspace::add_program(cx, ProgramSettings::default()).map(drop),
        Op::EditProgram => {
            ops::workspace::edit_program(cx, EditProgramRequest::default()).map(drop)
        }
        Op::Dashboard => ops::reports::dashboard(cx, DashboardQuery::default()).map(drop),
        Op::Coverage => ops::reports::coverage(cx, DashboardQuery::default()).map(drop),
        Op::DashboardAlerts => ops::reports::dashboard_alerts(cx).map(drop),
        Op::Breakdown => ops::reports::breakdown(cx, BreakdownQuery::default()).map(drop),
        Op::Cohorts => ops::reports::cohorts(cx, CohortQuery::default()).map(drop),
        Op::ListSources => ops::sources::list_sources(cx).map(drop),
        Op::SaveSource => ops::sources::save_source(cx, SourceSettings::default()).map(drop),
        Op::TestSource => rt
            .block_on(ops::sources::test_source(cx, "none".into()))
            .map(drop),
        Op::PostbackLog => ops::sources::postback_log(cx, PostbackLogFilter::default()).map(drop),
        Op::PostbackSources => ops::sources::postback_sources(cx).map(drop),
        Op::PostbackSaveSource => rt
            .block_on(ops::sources::postback_save_source(
                cx,
                PostbackSourceRequest::default(),
            ))
            .map(drop),
        Op::PostbackListenerStatus => rt
            .block_on(ops::sources::postback_listener_status(cx))
            .map(drop),
        Op::PostbackListenerStart => rt
            .block_on(ops::sources::postback_listener_start(cx, 0))
            .map(drop),
        Op::PostbackListenerStop => rt
            .block_on(ops::sources::postback_listener_stop(cx))
            .map(drop),
        Op::ImportFields => ops::imports::import_fields(cx, ImportPreset::Clicks).map(drop),
        Op::ImportMapping => ops::imports::import_mapping(cx, "none".into()).map(drop),
        Op::SaveImportMapping => {
            ops::imports::save_import_mapping(cx, SaveMappingRequest::default()).map(drop)
        }
        Op::ImportPreview => {
            ops::imports::import_preview(cx, ImportPreviewRequest::default()).map(drop)
        }
        Op::ImportRun => rt
            .block_on(ops::imports::import_run(
                cx,
                ImportRunRequest::default(),
                progress,
            ))
            .map(drop),
        Op::ImportRuns => ops::imports::import_runs(cx).map(drop),
        Op::ImportQuarantine => {
            ops::imports::import_quarantine(cx, QuarantineRequest::default()).map(drop)
        }
        Op::ImportQuarantineExport => {
            ops::imports::import_quarantine_export(cx, QuarantineExportRequest { run_id: 0, path })
                .map(drop)
        }
        Op::ListAffiliates => {
            ops::attribution::list_affiliates(cx, DashboardQuery::default()).map(drop)
        }
        Op::AffiliateDetail => {
            ops::attribution::affiliate_detail(cx, AffiliateRequest::default()).map(drop)
        }
        Op::ExplainPlayer => ops::attribution::explain_player(cx, "none".into()).map(drop),
        Op::AttributionRules => ops::attribution::attribution_rules(cx).map(drop),
        Op::SaveAttributionRules => ops::attribution::save_attribution_rules(
            cx,
            SaveRulesRequest {
                effective_from: String::new(),
                rules: affops_core::attribution::rules::default_rules(),
            },
        )
        .map(drop),
        Op::MultiTouchReport => {
            ops::attribution::multi_touch_report(cx, MultiTouchRequest::default()).map(drop)
        }
        Op::SetPromoCode => {
            ops::attribution::set_promo_code(cx, PromoCodeRequest::default()).map(drop)
        }
        Op::AddAffiliateIdentifier => ops::attribution::add_affiliate_identifier(
            cx,
            affops_core::api::AffiliateIdentifierRequest::default(),
        )
        .map(drop),
        Op::RemoveAffiliateIdentifier => ops::attribution::remove_affiliate_identifier(
            cx,
            affops_core::api::AffiliateIdentifierRequest::default(),
        )
        .map(drop),
        Op::RunAttribution => ops::attribution::run_attribution(cx).map(drop),
        Op::ListPlans => ops::commission::list_plans(cx).map(drop),
        Op::PlanDetail => ops::commission::plan_detail(cx, "none".into()).map(drop),
        Op::CheckPlan => ops::commission::check_plan(cx, PlanText::default()).map(drop),
        Op::SavePlan => ops::commission::save_plan(cx, PlanText::default()).map(drop),
        Op::ReadPlanFile => {
            ops::commission::read_plan_file(cx, "/nonexistent/plan.json".into()).map(drop)
        }
        Op::ExportPlan => ops::commission::export_plan(cx, ExportPlanRequest::default()).map(drop),
        Op::PreviewPlan => {
            ops::commission::preview_plan(cx, PreviewPlanRequest::default()).map(drop)
        }
        Op::AssignPlan => ops::commission::assign_plan(cx, AssignPlanRequest::default()).map(drop),
        Op::ListPeriods => ops::commission::list_periods(cx).map(drop),
        Op::ComputePeriod => ops::commission::compute_period(cx, "bad".into()).map(drop),
        Op::ClosePeriod => ops::commission::close_period(cx, "bad".into()).map(drop),
        Op::SetFxRate => ops::commission::set_fx_rate(cx, FxRateInput::default()).map(drop),
        Op::FxImport => ops::fx::fx_import(cx, FxImportRequest::default()).map(drop),
        Op::FxSet => ops::fx::fx_set(cx, FxSetRequest::default()).map(drop),
        Op::FxList => ops::fx::fx_list(cx, FxListQuery::default()).map(drop),
        Op::Statement => ops::commission::statement(cx, StatementRequest::default()).map(drop),
        Op::ExportStatement => {
            ops::commission::export_statement(cx, ExportStatementRequest::default()).map(drop)
        }
        Op::Qualification => {
            ops::commission::qualification(cx, QualificationRequest::default()).map(drop)
        }
        Op::DetectRun => ops::detect::detect_run(cx, std::sync::Arc::new(|_| {})).map(drop),
        Op::DetectBacktest => {
            ops::detect::detect_backtest(cx, BacktestRequest::default()).map(drop)
        }
        Op::SaveRuleSettings => {
            ops::detect::save_rule_settings(cx, RuleSettingsRequest::default()).map(drop)
        }
        Op::FlagsList => ops::detect::flags_list(cx, FlagFilter::default()).map(drop),
        Op::FlagDecide => ops::detect::flag_decide(cx, FlagDecisionInput::default()).map(drop),
        Op::FlagsGroups => ops::detect::flags_groups(cx, FlagFilter::default()).map(drop),
        Op::FlagDecideBulk => {
            ops::detect::flag_decide_bulk(cx, FlagBulkDecisionInput::default()).map(drop)
        }
        Op::AllowlistList => ops::detect::allowlist_list(cx).map(drop),
        Op::AllowlistAdd => ops::detect::allowlist_add(cx, AllowEntryInput::default()).map(drop),
        Op::AllowlistRevoke => {
            ops::detect::allowlist_revoke(cx, AllowRevokeInput::default()).map(drop)
        }
        Op::FlagInvestigate => ops::detect::flag_investigate(cx, 0).map(drop),
        Op::ReconcilePeriod => {
            ops::reconcile::reconcile_period(cx, ReconQuery::default(), progress).map(drop)
        }
        Op::ReconcileExportCsv => {
            ops::reconcile::reconcile_export_csv(cx, ReconExportRequest::default(), progress)
                .map(drop)
        }
        Op::DisputeOpen => ops::disputes::dispute_open(cx, DisputeOpenRequest::default()).map(drop),
        Op::DisputesList => ops::disputes::disputes_list(cx, DisputeFilter::default()).map(drop),
        Op::DisputeShow => ops::disputes::dispute_show(cx, 0).map(drop),
        Op::DisputeMove => ops::disputes::dispute_move(cx, DisputeMoveRequest::default()).map(drop),
        Op::DisputeAssign => {
            ops::disputes::dispute_assign(cx, DisputeAssignRequest::default()).map(drop)
        }
        Op::DisputeComment => {
            ops::disputes::dispute_comment(cx, DisputeNoteRequest::default()).map(drop)
        }
        Op::DisputeAttach => {
            ops::disputes::dispute_attach(cx, DisputeNoteRequest::default()).map(drop)
        }
        Op::DisputeResolve => {
            ops::disputes::dispute_resolve(cx, DisputeResolveRequest::default()).map(drop)
        }
        Op::DisputeEvidence => {
            ops::disputes::dispute_evidence(cx, DisputeEvidenceRequest::default()).map(drop)
        }
        Op::DisputeOutcomeStatement => {
            ops::disputes::dispute_outcome_statement(cx, DisputeEvidenceRequest::default())
                .map(drop)
        }
        Op::DisputeSla => ops::disputes::dispute_sla(cx).map(drop),
        Op::SetDisputeSla => ops::disputes::set_dispute_sla(cx, DisputeSla::default()).map(drop),
        Op::RawRecord => ops::disputes::raw_record(cx, RawRequest::default()).map(drop),
        Op::ClaimsReconcile => {
            ops::disputes::claims_reconcile(cx, ClaimsQuery::default()).map(drop)
        }
        Op::ClaimsReport => ops::disputes::claims_report(cx, ClaimsQuery::default()).map(drop),
        Op::ClaimsOpenCases => {
            ops::disputes::claims_open_cases(cx, ClaimCasesRequest::default()).map(drop)
        }
        Op::ReconcileReport => {
            ops::reconcile::reconcile_report(cx, ReconQuery::default()).map(drop)
        }
        Op::StatementLines => {
            ops::payouts::statement_lines(cx, StatementLinesRequest::default()).map(drop)
        }
        Op::Payees => ops::payouts::payees(cx).map(drop),
        Op::ProposePayee => ops::payouts::propose_payee(
            cx,
            ProposePayeeRequest {
                affiliate: "none".into(),
                details: RawPayeeDetails::Paypal {
                    email: "x@example.com".into(),
                },
                currency: "EUR".into(),
                note: String::new(),
            },
        )
        .map(drop),
        Op::ReviewPayee => ops::payouts::review_payee(cx, ReviewPayeeRequest::default()).map(drop),
        Op::SetPayer => ops::payouts::set_payer(cx, PayerRequest::default()).map(drop),
        Op::PayoutsOverview => ops::payouts::payouts_overview(cx).map(drop),
        Op::PayoutRun => ops::payouts::payout_run(cx, 0).map(drop),
        Op::PreparePayoutRun => {
            ops::payouts::prepare_payout_run(cx, PrepareRunRequest::default()).map(drop)
        }
        Op::ApprovePayoutRun => {
            ops::payouts::approve_payout_run(cx, ApproveRunRequest::default()).map(drop)
        }
        Op::ExportApprovalRequest => {
            ops::payouts::export_approval_request(cx, RunRequest::default()).map(drop)
        }
        Op::SignApprovalRequest => {
            ops::payouts::sign_approval_request(cx, SignApprovalRequest::default()).map(drop)
        }
        Op::ImportApproval => ops::payouts::import_approval(cx, path).map(drop),
        Op::CancelPayoutRun => ops::payouts::cancel_payout_run(cx, RunRequest::default()).map(drop),
        Op::ExportPaymentFiles => {
            ops::payouts::export_payment_files(cx, ExportFilesRequest::default()).map(drop)
        }
        Op::MarkPayoutPaid => {
            ops::payouts::mark_payout_paid(cx, MarkPaidRequest::default()).map(drop)
        }
        Op::RecordBankReturn => {
            ops::payouts::record_bank_return(cx, BankReturnRequest::default()).map(drop)
        }
        Op::BackupWorkspace => ops::payouts::backup_workspace(cx, String::new()).map(drop),
    }
}

/// Rows in every table: a refused operation leaves all of them as they were.
fn fingerprint(ws: &Workspace) -> Vec<(String, i64)> {
    ws.store()
        .read::<_, affops_core::store::StoreError>(|c| {
            let tables: Vec<String> = c
                .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")?
                .query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            let mut out = Vec::new();
            for t in tables {
                let n: i64 = c.query_row(&format!("SELECT COUNT(*) FROM \"{t}\""), [], |r| r.get(0))?;
                out.push((t, n));
            }
            Ok(out)
        })
        .unwrap()
}

fn workspace() -> (tempfile::TempDir, Workspace) {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path()).unwrap();
    seed_people(&ws, NOW);
    (dir, ws)
}

#[test]
fn every_operation_refuses_a_person_without_its_permission_and_writes_nothing() {
    let (_d, ws) = workspace();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let signed: Vec<(Role, Ctx)> = Role::ALL
        .iter()
        .map(|r| (*r, signed_in_as(&ws, crate::front_door::name_of(*r), NOW)))
        .collect();
    let before = fingerprint(&ws);
    let mut checked = 0;
    for op in Op::ALL {
        let Some(needed) = op.access().permission() else {
            continue;
        };
        for (role, cx) in signed.iter().filter(|(r, _)| !grants(*r).contains(&needed)) {
            let e = call(*op, cx, &rt).expect_err(&format!("{} ran for a {role:?}", op.name()));
            assert_eq!(
                e.code,
                ErrorCode::Forbidden,
                "{} as {role:?}: {}",
                op.name(),
                e.message
            );
            assert!(
                e.message.contains(needed.as_str()) && e.message.contains(op.name()),
                "the refusal names the operation and the permission: {}",
                e.message
            );
            checked += 1;
        }
    }
    assert_eq!(fingerprint(&ws), before, "refused operations wrote nothing");
    let expected: usize = Op::ALL
        .iter()
        .filter_map(|o| o.access().permission())
        .map(|p| Role::ALL.len() - affops_core::people::roles_with(p).len())
        .sum();
    assert_eq!(
        checked, expected,
        "every (operation, role without it) pair was tried"
    );
    assert!(checked >= 100, "{checked}");
}

/// Each operation, called by someone who holds its permission, gets past the check (whatever its default request
/// then meets: a not-found, an invalid field). Long jobs that would start the demo world are left to their tests.
#[test]
fn every_operation_lets_a_person_with_its_permission_through() {
    let (_d, ws) = workspace();
    let rt = tokio::runtime::Runtime::new().unwrap();
    for op in Op::ALL {
        if matches!(
            op,
            Op::OpenDemoWorkspace | Op::SyncNow | Op::CreateWorkspace | Op::SignIn
        ) {
            continue; // the demo world, the first owner and sign-in have tests of their own
        }
        let role = match op.access() {
            Access::Needs(p) | Access::BootstrapOr(p) => {
                *Role::ALL.iter().find(|r| grants(**r).contains(&p)).unwrap()
            }
            _ => Role::Viewer,
        };
        let cx = signed_in_as(&ws, crate::front_door::name_of(role), NOW);
        if let Err(e) = call(*op, &cx, &rt) {
            assert_ne!(
                e.code,
                ErrorCode::Forbidden,
                "{} as {role:?}: {}",
                op.name(),
                e.message
            );
            assert_ne!(
                e.code,
                ErrorCode::Unauthenticated,
                "{} as {role:?}: {}",
                op.name(),
                e.message
            );
        }
    }
    rt.block_on(ops::workspace::close_demo(
        &crate::front_door::console(&ws, NOW).ctx(),
    ));
}

/// Nobody signed in: every operation but the sign-in screen's own is refused as unauthenticated.
#[test]
fn without_a_session_only_the_sign_in_screen_answers() {
    let (_d, ws) = workspace();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let cx = crate::front_door::console(&ws, NOW).ctx();
    for op in Op::ALL {
        let r = call(*op, &cx, &rt);
        match op.access() {
            Access::Public => {}
            Access::Bootstrap => {
                assert_eq!(r.unwrap_err().code, ErrorCode::Forbidden, "{}", op.name())
            }
            _ if *op == Op::SignOut => {}
            _ => assert_eq!(
                r.expect_err(op.name()).code,
                ErrorCode::Unauthenticated,
                "{}",
                op.name()
            ),
        }
    }
}
