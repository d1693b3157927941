//! Tauri commands: The workspace: status, the demo, syncing, programs, dashboards.
//! Each is an adapter over one `affops_core::ops` function; who is asking is the shell's session, never the page's.

use super::forward;
use affops_core::api::*;
use affops_core::ops::{self, Console};
use tauri::ipc::Channel;
use tauri::State;

#[tauri::command]
pub async fn workspace_status(console: State<'_, Console>) -> Result<WorkspaceStatus, ApiError> {
    console.run(ops::workspace::workspace_status).await
}

#[tauri::command]
pub async fn open_demo_workspace(
    console: State<'_, Console>,
    request: OpenDemoRequest,
    on_progress: Channel<Progress>,
) -> Result<SyncSummary, ApiError> {
    ops::workspace::open_demo_workspace(&console.ctx(), request, forward(on_progress)).await
}

#[tauri::command]
pub async fn sync_now(
    console: State<'_, Console>,
    request: SyncRequest,
    on_progress: Channel<Progress>,
) -> Result<SyncSummary, ApiError> {
    ops::workspace::sync_now(&console.ctx(), request, forward(on_progress)).await
}

#[tauri::command]
pub async fn list_programs(console: State<'_, Console>) -> Result<Vec<ProgramSummary>, ApiError> {
    console.run(ops::workspace::list_programs).await
}

#[tauri::command]
pub async fn select_program(
    console: State<'_, Console>,
    request: Option<String>,
) -> Result<ProgramSummary, ApiError> {
    console
        .run(move |cx| ops::workspace::select_program(cx, request))
        .await
}

#[tauri::command]
pub async fn add_program(
    console: State<'_, Console>,
    request: ProgramSettings,
) -> Result<ProgramSummary, ApiError> {
    console
        .run(move |cx| ops::workspace::add_program(cx, request))
        .await
}

#[tauri::command]
pub async fn edit_program(
    console: State<'_, Console>,
    request: EditProgramRequest,
) -> Result<ProgramSummary, ApiError> {
    console
        .run(move |cx| ops::workspace::edit_program(cx, request))
        .await
}

#[tauri::command]
pub async fn dashboard(
    console: State<'_, Console>,
    request: DashboardQuery,
) -> Result<Dashboard, ApiError> {
    console
        .run(move |cx| ops::reports::dashboard(cx, request))
        .await
}

#[tauri::command]
pub async fn coverage(
    console: State<'_, Console>,
    request: DashboardQuery,
) -> Result<CoverageReport, ApiError> {
    console
        .run(move |cx| ops::reports::coverage(cx, request))
        .await
}

#[tauri::command]
pub async fn dashboard_alerts(
    console: State<'_, Console>,
) -> Result<Vec<DashboardAlert>, ApiError> {
    console.run(ops::reports::dashboard_alerts).await
}

#[tauri::command]
pub async fn breakdown(
    console: State<'_, Console>,
    request: BreakdownQuery,
) -> Result<Breakdown, ApiError> {
    console
        .run(move |cx| ops::reports::breakdown(cx, request))
        .await
}

#[tauri::command]
pub async fn cohorts(
    console: State<'_, Console>,
    request: CohortQuery,
) -> Result<Cohorts, ApiError> {
    console
        .run(move |cx| ops::reports::cohorts(cx, request))
        .await
}
