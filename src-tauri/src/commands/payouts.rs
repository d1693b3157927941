//! Tauri commands: Payouts: statement lines, payee details, runs, signed approvals, payment files, outcomes, backups.
//! Each is an adapter over one `affops_core::ops` function; who is asking is the shell's session, never the page's.

use affops_core::api::*;
use affops_core::ops::{self, Console};
use tauri::State;

#[tauri::command]
pub async fn statement_lines(
    console: State<'_, Console>,
    request: StatementLinesRequest,
) -> Result<LinesDecision, ApiError> {
    console
        .run(move |cx| ops::payouts::statement_lines(cx, request))
        .await
}

#[tauri::command]
pub async fn payees(console: State<'_, Console>) -> Result<PayeesPage, ApiError> {
    console.run(ops::payouts::payees).await
}

#[tauri::command]
pub async fn propose_payee(
    console: State<'_, Console>,
    request: ProposePayeeRequest,
) -> Result<PayeesPage, ApiError> {
    console
        .run(move |cx| ops::payouts::propose_payee(cx, request))
        .await
}

#[tauri::command]
pub async fn review_payee(
    console: State<'_, Console>,
    request: ReviewPayeeRequest,
) -> Result<PayeesPage, ApiError> {
    console
        .run(move |cx| ops::payouts::review_payee(cx, request))
        .await
}

#[tauri::command]
pub async fn set_payer(
    console: State<'_, Console>,
    request: PayerRequest,
) -> Result<PayoutsOverview, ApiError> {
    console
        .run(move |cx| ops::payouts::set_payer(cx, request))
        .await
}

#[tauri::command]
pub async fn payouts_overview(console: State<'_, Console>) -> Result<PayoutsOverview, ApiError> {
    console.run(ops::payouts::payouts_overview).await
}

#[tauri::command]
pub async fn payout_run(
    console: State<'_, Console>,
    request: i64,
) -> Result<PayoutRunView, ApiError> {
    console
        .run(move |cx| ops::payouts::payout_run(cx, request))
        .await
}

#[tauri::command]
pub async fn prepare_payout_run(
    console: State<'_, Console>,
    request: PrepareRunRequest,
) -> Result<PayoutRunView, ApiError> {
    console
        .run(move |cx| ops::payouts::prepare_payout_run(cx, request))
        .await
}

#[tauri::command]
pub async fn approve_payout_run(
    console: State<'_, Console>,
    request: ApproveRunRequest,
) -> Result<ApprovalOutcome, ApiError> {
    console
        .run(move |cx| ops::payouts::approve_payout_run(cx, request))
        .await
}

#[tauri::command]
pub async fn export_approval_request(
    console: State<'_, Console>,
    request: RunRequest,
) -> Result<String, ApiError> {
    console
        .run(move |cx| ops::payouts::export_approval_request(cx, request))
        .await
}

#[tauri::command]
pub async fn sign_approval_request(
    console: State<'_, Console>,
    request: SignApprovalRequest,
) -> Result<String, ApiError> {
    console
        .run(move |cx| ops::payouts::sign_approval_request(cx, request))
        .await
}

#[tauri::command]
pub async fn import_approval(
    console: State<'_, Console>,
    request: String,
) -> Result<ApprovalOutcome, ApiError> {
    console
        .run(move |cx| ops::payouts::import_approval(cx, request))
        .await
}

#[tauri::command]
pub async fn cancel_payout_run(
    console: State<'_, Console>,
    request: RunRequest,
) -> Result<PayoutRunView, ApiError> {
    console
        .run(move |cx| ops::payouts::cancel_payout_run(cx, request))
        .await
}

#[tauri::command]
pub async fn export_payment_files(
    console: State<'_, Console>,
    request: ExportFilesRequest,
) -> Result<Vec<WrittenFile>, ApiError> {
    console
        .run(move |cx| ops::payouts::export_payment_files(cx, request))
        .await
}

#[tauri::command]
pub async fn mark_payout_paid(
    console: State<'_, Console>,
    request: MarkPaidRequest,
) -> Result<PayoutRunView, ApiError> {
    console
        .run(move |cx| ops::payouts::mark_payout_paid(cx, request))
        .await
}

#[tauri::command]
pub async fn record_bank_return(
    console: State<'_, Console>,
    request: BankReturnRequest,
) -> Result<PayoutRunView, ApiError> {
    console
        .run(move |cx| ops::payouts::record_bank_return(cx, request))
        .await
}

#[tauri::command]
pub async fn backup_workspace(
    console: State<'_, Console>,
    request: String,
) -> Result<BackupResult, ApiError> {
    console
        .run(move |cx| ops::payouts::backup_workspace(cx, request))
        .await
}
