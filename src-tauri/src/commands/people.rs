//! Tauri commands: Session, people and the audit log.
//! Each is an adapter over one `affops_core::ops` function; who is asking is the shell's session, never the page's.

use affops_core::api::*;
use affops_core::ops::{self, Console};
use tauri::State;

#[tauri::command]
pub async fn session_status(console: State<'_, Console>) -> Result<SessionStatus, ApiError> {
    console.run(ops::people::session_status).await
}

#[tauri::command]
pub async fn sign_in(
    console: State<'_, Console>,
    request: SignInRequest,
) -> Result<SessionStatus, ApiError> {
    console
        .run(move |cx| ops::people::sign_in(cx, request))
        .await
}

#[tauri::command]
pub async fn sign_out(console: State<'_, Console>) -> Result<SessionStatus, ApiError> {
    console.run(ops::people::sign_out).await
}

#[tauri::command]
pub async fn create_workspace(
    console: State<'_, Console>,
    request: CreateWorkspaceRequest,
) -> Result<SessionStatus, ApiError> {
    console
        .run(move |cx| ops::people::create_workspace(cx, request))
        .await
}

#[tauri::command]
pub async fn change_passphrase(
    console: State<'_, Console>,
    request: ChangePassphraseRequest,
) -> Result<Person, ApiError> {
    console
        .run(move |cx| ops::people::change_passphrase(cx, request))
        .await
}

#[tauri::command]
pub async fn list_people(console: State<'_, Console>) -> Result<Vec<Person>, ApiError> {
    console.run(ops::people::list_people).await
}

#[tauri::command]
pub async fn add_person(
    console: State<'_, Console>,
    request: AddPersonRequest,
) -> Result<Person, ApiError> {
    console
        .run(move |cx| ops::people::add_person(cx, request))
        .await
}

#[tauri::command]
pub async fn update_person(
    console: State<'_, Console>,
    request: PersonChange,
) -> Result<Person, ApiError> {
    console
        .run(move |cx| ops::people::update_person(cx, request))
        .await
}

#[tauri::command]
pub async fn reset_passphrase(
    console: State<'_, Console>,
    request: ResetPassphraseRequest,
) -> Result<Person, ApiError> {
    console
        .run(move |cx| ops::people::reset_passphrase(cx, request))
        .await
}

#[tauri::command]
pub async fn workspace_settings(
    console: State<'_, Console>,
) -> Result<WorkspaceSettings, ApiError> {
    console.run(ops::people::workspace_settings).await
}

#[tauri::command]
pub async fn save_workspace_settings(
    console: State<'_, Console>,
    request: WorkspaceSettings,
) -> Result<WorkspaceSettings, ApiError> {
    console
        .run(move |cx| ops::people::save_workspace_settings(cx, request))
        .await
}

#[tauri::command]
pub async fn audit_list(
    console: State<'_, Console>,
    request: AuditFilter,
) -> Result<AuditPage, ApiError> {
    console
        .run(move |cx| ops::audit::audit_list(cx, request))
        .await
}

#[tauri::command]
pub async fn audit_verify(console: State<'_, Console>) -> Result<VerifyReport, ApiError> {
    console.run(ops::audit::audit_verify).await
}

#[tauri::command]
pub async fn audit_export(
    console: State<'_, Console>,
    request: String,
) -> Result<AuditExportResult, ApiError> {
    console
        .run(move |cx| ops::audit::audit_export(cx, request))
        .await
}
