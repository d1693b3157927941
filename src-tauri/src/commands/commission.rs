//! Tauri commands: Commission: plans, periods, FX (period snapshots and the dated FX table), statements, qualification.
//! Each is an adapter over one `affops_core::ops` function; who is asking is the shell's session, never the page's.

use affops_core::api::*;
use affops_core::ops::{self, Console};
use tauri::State;

#[tauri::command]
pub async fn list_plans(console: State<'_, Console>) -> Result<Vec<PlanSummary>, ApiError> {
    console.run(ops::commission::list_plans).await
}

#[tauri::command]
pub async fn plan_detail(
    console: State<'_, Console>,
    request: String,
) -> Result<PlanDetail, ApiError> {
    console
        .run(move |cx| ops::commission::plan_detail(cx, request))
        .await
}

#[tauri::command]
pub async fn check_plan(
    console: State<'_, Console>,
    request: PlanText,
) -> Result<PlanImportResult, ApiError> {
    console
        .run(move |cx| ops::commission::check_plan(cx, request))
        .await
}

#[tauri::command]
pub async fn save_plan(
    console: State<'_, Console>,
    request: PlanText,
) -> Result<PlanImportResult, ApiError> {
    console
        .run(move |cx| ops::commission::save_plan(cx, request))
        .await
}

#[tauri::command]
pub async fn read_plan_file(
    console: State<'_, Console>,
    request: String,
) -> Result<String, ApiError> {
    console
        .run(move |cx| ops::commission::read_plan_file(cx, request))
        .await
}

#[tauri::command]
pub async fn export_plan(
    console: State<'_, Console>,
    request: ExportPlanRequest,
) -> Result<String, ApiError> {
    console
        .run(move |cx| ops::commission::export_plan(cx, request))
        .await
}

#[tauri::command]
pub async fn preview_plan(
    console: State<'_, Console>,
    request: PreviewPlanRequest,
) -> Result<PlanPreview, ApiError> {
    console
        .run(move |cx| ops::commission::preview_plan(cx, request))
        .await
}

#[tauri::command]
pub async fn assign_plan(
    console: State<'_, Console>,
    request: AssignPlanRequest,
) -> Result<(), ApiError> {
    console
        .run(move |cx| ops::commission::assign_plan(cx, request))
        .await
}

#[tauri::command]
pub async fn list_periods(console: State<'_, Console>) -> Result<Vec<PeriodView>, ApiError> {
    console.run(ops::commission::list_periods).await
}

#[tauri::command]
pub async fn compute_period(
    console: State<'_, Console>,
    request: String,
) -> Result<ComputeResult, ApiError> {
    console
        .run(move |cx| ops::commission::compute_period(cx, request))
        .await
}

#[tauri::command]
pub async fn close_period(
    console: State<'_, Console>,
    request: String,
) -> Result<PeriodView, ApiError> {
    console
        .run(move |cx| ops::commission::close_period(cx, request))
        .await
}

#[tauri::command]
pub async fn set_fx_rate(
    console: State<'_, Console>,
    request: FxRateInput,
) -> Result<(), ApiError> {
    console
        .run(move |cx| ops::commission::set_fx_rate(cx, request))
        .await
}

#[tauri::command]
pub async fn fx_import(
    console: State<'_, Console>,
    request: FxImportRequest,
) -> Result<FxImportSummary, ApiError> {
    console.run(move |cx| ops::fx::fx_import(cx, request)).await
}

#[tauri::command]
pub async fn fx_set(
    console: State<'_, Console>,
    request: FxSetRequest,
) -> Result<FxRateRow, ApiError> {
    console.run(move |cx| ops::fx::fx_set(cx, request)).await
}

#[tauri::command]
pub async fn fx_list(
    console: State<'_, Console>,
    request: FxListQuery,
) -> Result<FxRateList, ApiError> {
    console.run(move |cx| ops::fx::fx_list(cx, request)).await
}

#[tauri::command]
pub async fn statement(
    console: State<'_, Console>,
    request: StatementRequest,
) -> Result<Statement, ApiError> {
    console
        .run(move |cx| ops::commission::statement(cx, request))
        .await
}

#[tauri::command]
pub async fn export_statement(
    console: State<'_, Console>,
    request: ExportStatementRequest,
) -> Result<String, ApiError> {
    console
        .run(move |cx| ops::commission::export_statement(cx, request))
        .await
}

#[tauri::command]
pub async fn qualification(
    console: State<'_, Console>,
    request: QualificationRequest,
) -> Result<QualificationChecklist, ApiError> {
    console
        .run(move |cx| ops::commission::qualification(cx, request))
        .await
}
