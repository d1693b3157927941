//! Tauri commands: Fraud detection, the flag queue and reconciliation.
//! Each is an adapter over one `affops_core::ops` function; who is asking is the shell's session, never the page's.

use affops_core::api::*;
use affops_core::ops::{self, Console};
use tauri::ipc::Channel;
use tauri::State;

#[tauri::command]
pub async fn detect_run(
    console: State<'_, Console>,
    on_progress: Channel<Progress>,
) -> Result<DetectRunSummary, ApiError> {
    let progress = super::forward(on_progress);
    console
        .run(move |cx| ops::detect::detect_run(cx, progress))
        .await
}

#[tauri::command]
pub async fn detect_backtest(
    console: State<'_, Console>,
    request: BacktestRequest,
) -> Result<BacktestResult, ApiError> {
    console
        .run(move |cx| ops::detect::detect_backtest(cx, request))
        .await
}

#[tauri::command]
pub async fn save_rule_settings(
    console: State<'_, Console>,
    request: RuleSettingsRequest,
) -> Result<RuleSettingsSaved, ApiError> {
    console
        .run(move |cx| ops::detect::save_rule_settings(cx, request))
        .await
}

#[tauri::command]
pub async fn flags_list(
    console: State<'_, Console>,
    request: FlagFilter,
) -> Result<FlagPage, ApiError> {
    console
        .run(move |cx| ops::detect::flags_list(cx, request))
        .await
}

#[tauri::command]
pub async fn flag_decide(
    console: State<'_, Console>,
    request: FlagDecisionInput,
) -> Result<FlagRow, ApiError> {
    console
        .run(move |cx| ops::detect::flag_decide(cx, request))
        .await
}

#[tauri::command]
pub async fn flags_groups(
    console: State<'_, Console>,
    request: FlagFilter,
) -> Result<Vec<FlagGroup>, ApiError> {
    console
        .run(move |cx| ops::detect::flags_groups(cx, request))
        .await
}

#[tauri::command]
pub async fn flag_decide_bulk(
    console: State<'_, Console>,
    request: FlagBulkDecisionInput,
) -> Result<FlagBulkDecisionResult, ApiError> {
    console
        .run(move |cx| ops::detect::flag_decide_bulk(cx, request))
        .await
}

#[tauri::command]
pub async fn allowlist_list(console: State<'_, Console>) -> Result<Vec<AllowEntry>, ApiError> {
    console.run(ops::detect::allowlist_list).await
}

#[tauri::command]
pub async fn allowlist_add(
    console: State<'_, Console>,
    request: AllowEntryInput,
) -> Result<AllowEntry, ApiError> {
    console
        .run(move |cx| ops::detect::allowlist_add(cx, request))
        .await
}

#[tauri::command]
pub async fn allowlist_revoke(
    console: State<'_, Console>,
    request: AllowRevokeInput,
) -> Result<AllowEntry, ApiError> {
    console
        .run(move |cx| ops::detect::allowlist_revoke(cx, request))
        .await
}

#[tauri::command]
pub async fn flag_investigate(
    console: State<'_, Console>,
    request: i64,
) -> Result<Investigation, ApiError> {
    console
        .run(move |cx| ops::detect::flag_investigate(cx, request))
        .await
}

#[tauri::command]
pub async fn reconcile_period(
    console: State<'_, Console>,
    request: ReconQuery,
    on_progress: Channel<Progress>,
) -> Result<ReconReport, ApiError> {
    let progress = super::forward(on_progress);
    console
        .run(move |cx| ops::reconcile::reconcile_period(cx, request, progress))
        .await
}

#[tauri::command]
pub async fn reconcile_export_csv(
    console: State<'_, Console>,
    request: ReconExportRequest,
    on_progress: Channel<Progress>,
) -> Result<ExportedRows, ApiError> {
    let progress = super::forward(on_progress);
    console
        .run(move |cx| ops::reconcile::reconcile_export_csv(cx, request, progress))
        .await
}

#[tauri::command]
pub async fn reconcile_report(
    console: State<'_, Console>,
    request: ReconQuery,
) -> Result<ReconReport, ApiError> {
    console
        .run(move |cx| ops::reconcile::reconcile_report(cx, request))
        .await
}
