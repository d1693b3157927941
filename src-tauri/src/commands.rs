//! Tauri commands: adapters of a few lines each. Long jobs report progress through a `Channel`; blocking store
//! calls run on the blocking pool.

use crate::state::AppState;
use affops_core::api::{
    ApiError, ConnectionTest, CoverageReport, Dashboard, DashboardQuery, ErrorCode, Progress,
    SourceSettings, SourceView, SourcesOverview, SyncSummary, WorkspaceStatus,
};
use std::sync::Arc;
use tauri::ipc::Channel;
use tauri::State;

fn forward(channel: Channel<Progress>) -> affops_core::ingest::ProgressFn {
    // A closed window drops the channel; the sync goes on and its result is in the store.
    Arc::new(move |p| drop(channel.send(p)))
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tauri::async_runtime::spawn_blocking(f).await.map_err(|e| {
        ApiError::new(
            ErrorCode::Internal,
            format!("a background task failed: {e}"),
        )
    })?
}

#[tauri::command]
pub async fn workspace_status(state: State<'_, AppState>) -> Result<WorkspaceStatus, ApiError> {
    let ws = state.workspace.clone();
    blocking(move || Ok(ws.status()?)).await
}

/// Starts the demo sandbox on loopback (once per run) and syncs it with the real connector.
#[tauri::command]
pub async fn open_demo_workspace(
    state: State<'_, AppState>,
    on_progress: Channel<Progress>,
) -> Result<SyncSummary, ApiError> {
    let (demo, world_end_ms) = state.demo().await?;
    // The demo world is complete at its end; a clock set earlier must not cut it short.
    state
        .workspace
        .open_demo(&demo, now_ms().max(world_end_ms), forward(on_progress))
        .await
}

/// Syncs every enabled source from its checkpoint (restarting the demo sandbox if the demo is configured).
#[tauri::command]
pub async fn sync_now(
    state: State<'_, AppState>,
    on_progress: Channel<Progress>,
) -> Result<SyncSummary, ApiError> {
    let ws = state.workspace.clone();
    let demo = if blocking(move || Ok(ws.has_demo_sources()?)).await? {
        Some(state.demo().await?)
    } else {
        None
    };
    let now = demo
        .as_ref()
        .map_or_else(now_ms, |(_, end)| now_ms().max(*end));
    let secrets = state.credentials.clone();
    state
        .workspace
        .sync_now(
            demo.as_ref().map(|(d, _)| d),
            secrets,
            now,
            forward(on_progress),
        )
        .await
}

#[tauri::command]
pub async fn dashboard(
    state: State<'_, AppState>,
    query: DashboardQuery,
) -> Result<Dashboard, ApiError> {
    let ws = state.workspace.clone();
    blocking(move || affops_core::dashboard::build(&ws, &query)).await
}

#[tauri::command]
pub async fn coverage(
    state: State<'_, AppState>,
    query: DashboardQuery,
) -> Result<CoverageReport, ApiError> {
    let ws = state.workspace.clone();
    blocking(move || affops_core::coverage::report(&ws, &query)).await
}

#[tauri::command]
pub async fn list_sources(state: State<'_, AppState>) -> Result<SourcesOverview, ApiError> {
    let (ws, creds) = (state.workspace.clone(), state.credentials.clone());
    blocking(move || affops_core::sources::list(&ws, &creds)).await
}

#[tauri::command]
pub async fn save_source(
    state: State<'_, AppState>,
    settings: SourceSettings,
) -> Result<SourceView, ApiError> {
    let (ws, creds) = (state.workspace.clone(), state.credentials.clone());
    blocking(move || affops_core::sources::save(&ws, &creds, &settings, now_ms())).await
}

#[tauri::command]
pub async fn test_source(
    state: State<'_, AppState>,
    name: String,
) -> Result<ConnectionTest, ApiError> {
    affops_core::sources::test_connection(&state.workspace, &state.credentials, &name, now_ms())
        .await
}
