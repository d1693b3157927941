//! Tauri commands: Sources, postbacks and the listener, file imports.
//! Each is an adapter over one `affops_core::ops` function; who is asking is the shell's session, never the page's.

use super::forward;
use affops_core::api::*;
use affops_core::ops::{self, Console};
use tauri::ipc::Channel;
use tauri::State;

#[tauri::command]
pub async fn list_sources(console: State<'_, Console>) -> Result<SourcesOverview, ApiError> {
    console.run(ops::sources::list_sources).await
}

#[tauri::command]
pub async fn save_source(
    console: State<'_, Console>,
    request: SourceSettings,
) -> Result<SourceView, ApiError> {
    console
        .run(move |cx| ops::sources::save_source(cx, request))
        .await
}

#[tauri::command]
pub async fn test_source(
    console: State<'_, Console>,
    request: String,
) -> Result<ConnectionTest, ApiError> {
    ops::sources::test_source(&console.ctx(), request).await
}

#[tauri::command]
pub async fn postback_log(
    console: State<'_, Console>,
    request: PostbackLogFilter,
) -> Result<PostbackLogPage, ApiError> {
    console
        .run(move |cx| ops::sources::postback_log(cx, request))
        .await
}

#[tauri::command]
pub async fn postback_sources(
    console: State<'_, Console>,
) -> Result<Vec<PostbackSourceConfig>, ApiError> {
    console.run(ops::sources::postback_sources).await
}

#[tauri::command]
pub async fn postback_save_source(
    console: State<'_, Console>,
    request: PostbackSourceRequest,
) -> Result<ListenerStatus, ApiError> {
    ops::sources::postback_save_source(&console.ctx(), request).await
}

#[tauri::command]
pub async fn postback_listener_status(
    console: State<'_, Console>,
) -> Result<ListenerStatus, ApiError> {
    ops::sources::postback_listener_status(&console.ctx()).await
}

#[tauri::command]
pub async fn postback_listener_start(
    console: State<'_, Console>,
    request: u16,
) -> Result<ListenerStatus, ApiError> {
    ops::sources::postback_listener_start(&console.ctx(), request).await
}

#[tauri::command]
pub async fn postback_listener_stop(
    console: State<'_, Console>,
) -> Result<ListenerStatus, ApiError> {
    ops::sources::postback_listener_stop(&console.ctx()).await
}

#[tauri::command]
pub async fn import_fields(
    console: State<'_, Console>,
    request: ImportPreset,
) -> Result<Vec<ImportFieldSpec>, ApiError> {
    console
        .run(move |cx| ops::imports::import_fields(cx, request))
        .await
}

#[tauri::command]
pub async fn import_mapping(
    console: State<'_, Console>,
    request: String,
) -> Result<ColumnMapping, ApiError> {
    console
        .run(move |cx| ops::imports::import_mapping(cx, request))
        .await
}

#[tauri::command]
pub async fn save_import_mapping(
    console: State<'_, Console>,
    request: SaveMappingRequest,
) -> Result<(), ApiError> {
    console
        .run(move |cx| ops::imports::save_import_mapping(cx, request))
        .await
}

#[tauri::command]
pub async fn import_preview(
    console: State<'_, Console>,
    request: ImportPreviewRequest,
) -> Result<ImportPreview, ApiError> {
    console
        .run(move |cx| ops::imports::import_preview(cx, request))
        .await
}

#[tauri::command]
pub async fn import_run(
    console: State<'_, Console>,
    request: ImportRunRequest,
    on_progress: Channel<Progress>,
) -> Result<ImportRunSummary, ApiError> {
    ops::imports::import_run(&console.ctx(), request, forward(on_progress)).await
}

#[tauri::command]
pub async fn import_runs(console: State<'_, Console>) -> Result<Vec<ImportRunSummary>, ApiError> {
    console.run(ops::imports::import_runs).await
}

#[tauri::command]
pub async fn import_quarantine(
    console: State<'_, Console>,
    request: QuarantineRequest,
) -> Result<QuarantinePage, ApiError> {
    console
        .run(move |cx| ops::imports::import_quarantine(cx, request))
        .await
}

#[tauri::command]
pub async fn import_quarantine_export(
    console: State<'_, Console>,
    request: QuarantineExportRequest,
) -> Result<ExportedRows, ApiError> {
    console
        .run(move |cx| ops::imports::import_quarantine_export(cx, request))
        .await
}
