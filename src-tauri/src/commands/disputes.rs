//! Tauri commands: Disputes: cases from intake to outcome, evidence packs, the SLA, raw records.
//! Each is an adapter over one `affops_core::ops` function; who is asking is the shell's session, never the page's.

use affops_core::api::*;
use affops_core::ops::{self, Console};
use tauri::State;

#[tauri::command]
pub async fn dispute_open(
    console: State<'_, Console>,
    request: DisputeOpenRequest,
) -> Result<DisputeView, ApiError> {
    console
        .run(move |cx| ops::disputes::dispute_open(cx, request))
        .await
}

#[tauri::command]
pub async fn disputes_list(
    console: State<'_, Console>,
    request: DisputeFilter,
) -> Result<DisputesPage, ApiError> {
    console
        .run(move |cx| ops::disputes::disputes_list(cx, request))
        .await
}

#[tauri::command]
pub async fn dispute_show(
    console: State<'_, Console>,
    request: i64,
) -> Result<DisputeView, ApiError> {
    console
        .run(move |cx| ops::disputes::dispute_show(cx, request))
        .await
}

#[tauri::command]
pub async fn dispute_move(
    console: State<'_, Console>,
    request: DisputeMoveRequest,
) -> Result<DisputeView, ApiError> {
    console
        .run(move |cx| ops::disputes::dispute_move(cx, request))
        .await
}

#[tauri::command]
pub async fn dispute_assign(
    console: State<'_, Console>,
    request: DisputeAssignRequest,
) -> Result<DisputeView, ApiError> {
    console
        .run(move |cx| ops::disputes::dispute_assign(cx, request))
        .await
}

#[tauri::command]
pub async fn dispute_comment(
    console: State<'_, Console>,
    request: DisputeNoteRequest,
) -> Result<DisputeView, ApiError> {
    console
        .run(move |cx| ops::disputes::dispute_comment(cx, request))
        .await
}

#[tauri::command]
pub async fn dispute_attach(
    console: State<'_, Console>,
    request: DisputeNoteRequest,
) -> Result<DisputeView, ApiError> {
    console
        .run(move |cx| ops::disputes::dispute_attach(cx, request))
        .await
}

#[tauri::command]
pub async fn dispute_resolve(
    console: State<'_, Console>,
    request: DisputeResolveRequest,
) -> Result<DisputeView, ApiError> {
    console
        .run(move |cx| ops::disputes::dispute_resolve(cx, request))
        .await
}

#[tauri::command]
pub async fn dispute_evidence(
    console: State<'_, Console>,
    request: DisputeEvidenceRequest,
) -> Result<DisputeFiles, ApiError> {
    console
        .run(move |cx| ops::disputes::dispute_evidence(cx, request))
        .await
}

#[tauri::command]
pub async fn dispute_outcome_statement(
    console: State<'_, Console>,
    request: DisputeEvidenceRequest,
) -> Result<DisputeFiles, ApiError> {
    console
        .run(move |cx| ops::disputes::dispute_outcome_statement(cx, request))
        .await
}

#[tauri::command]
pub async fn dispute_sla(console: State<'_, Console>) -> Result<DisputeSla, ApiError> {
    console.run(ops::disputes::dispute_sla).await
}

#[tauri::command]
pub async fn set_dispute_sla(
    console: State<'_, Console>,
    request: DisputeSla,
) -> Result<DisputeSla, ApiError> {
    console
        .run(move |cx| ops::disputes::set_dispute_sla(cx, request))
        .await
}

#[tauri::command]
pub async fn raw_record(
    console: State<'_, Console>,
    request: RawRequest,
) -> Result<Vec<EvidenceItem>, ApiError> {
    console
        .run(move |cx| ops::disputes::raw_record(cx, request))
        .await
}

#[tauri::command]
pub async fn claims_reconcile(
    console: State<'_, Console>,
    request: ClaimsQuery,
) -> Result<ClaimsReport, ApiError> {
    console
        .run(move |cx| ops::disputes::claims_reconcile(cx, request))
        .await
}

#[tauri::command]
pub async fn claims_report(
    console: State<'_, Console>,
    request: ClaimsQuery,
) -> Result<ClaimsReport, ApiError> {
    console
        .run(move |cx| ops::disputes::claims_report(cx, request))
        .await
}

#[tauri::command]
pub async fn claims_open_cases(
    console: State<'_, Console>,
    request: ClaimCasesRequest,
) -> Result<Vec<i64>, ApiError> {
    console
        .run(move |cx| ops::disputes::claims_open_cases(cx, request))
        .await
}
