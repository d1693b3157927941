//! Tauri commands: adapters of a few lines each. Long jobs report progress through a `Channel`.

use crate::state::AppState;
use affops_core::api::{
    ApiError, Dashboard, DashboardQuery, Progress, SyncSummary, WorkspaceStatus,
};
use std::sync::Arc;
use tauri::ipc::Channel;
use tauri::State;

fn forward(channel: Channel<Progress>) -> affops_core::ingest::ProgressFn {
    // A closed window drops the channel; the sync goes on and its result is in the store.
    Arc::new(move |p| drop(channel.send(p)))
}

/// Store reads are blocking; they run on the blocking pool, never on the async runtime's threads.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tauri::async_runtime::spawn_blocking(f).await.map_err(|e| {
        ApiError::new(
            affops_core::api::ErrorCode::Internal,
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
    let now_ms = chrono_now_ms().max(world_end_ms);
    state
        .workspace
        .open_demo(&demo, now_ms, forward(on_progress))
        .await
}

/// Re-syncs the workspace's sources (the demo's, today).
#[tauri::command]
pub async fn sync_now(
    state: State<'_, AppState>,
    on_progress: Channel<Progress>,
) -> Result<SyncSummary, ApiError> {
    open_demo_workspace(state, on_progress).await
}

#[tauri::command]
pub async fn dashboard(
    state: State<'_, AppState>,
    query: DashboardQuery,
) -> Result<Dashboard, ApiError> {
    let ws = state.workspace.clone();
    blocking(move || affops_core::dashboard::build(&ws, &query)).await
}

fn chrono_now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
