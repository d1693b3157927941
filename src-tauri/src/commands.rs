//! Tauri commands: adapters of a few lines each. Long jobs report progress through a `Channel`; blocking store
//! calls run on the blocking pool.

use crate::state::AppState;
use affops_core::api::{
    AffiliateDetail, AffiliatesPage, AttributionRulesView, AttributionRunSummary, MultiTouchReport,
    Period, PlayerExplanation, SaveRulesResult,
};
use affops_core::api::{
    ApiError, ColumnMapping, ConnectionTest, CoverageReport, Dashboard, DashboardQuery, ErrorCode,
    ImportFieldSpec, ImportPreset, ImportPreview, ImportRunSummary, ListenerStatus,
    PostbackLogFilter, PostbackLogPage, PostbackSecretsInput, PostbackSourceConfig, ProgramSummary,
    Progress, QuarantinePage, SourceSettings, SourceView, SourcesOverview, SyncSummary,
    WorkspaceStatus,
};
use affops_core::attribution::requests;
use affops_core::import::quarantine::QuarantineFilter;
use affops_core::import::run::ImportOptions;
use std::sync::Arc;
use tauri::ipc::Channel;
use tauri::State;

fn forward(channel: Channel<Progress>) -> affops_core::ingest::ProgressFn {
    // A closed window drops the channel; the sync goes on and its result is in the store.
    Arc::new(move |p| drop(channel.send(p)))
}

pub(crate) fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

pub(crate) async fn blocking<T: Send + 'static>(
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

/// The workspace's programs for the program switcher (the default one marked).
#[tauri::command]
pub async fn list_programs(state: State<'_, AppState>) -> Result<Vec<ProgramSummary>, ApiError> {
    let ws = state.workspace.clone();
    blocking(move || affops_core::programs::list(&ws)).await
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

#[tauri::command]
pub async fn import_fields(preset: ImportPreset) -> Result<Vec<ImportFieldSpec>, ApiError> {
    Ok(affops_core::import::mapping::field_specs(preset))
}

/// A dry run of a file: detection results and the first rows mapped and validated; writes nothing.
#[tauri::command]
pub async fn import_preview(
    path: String,
    mapping: ColumnMapping,
) -> Result<ImportPreview, ApiError> {
    blocking(move || {
        Ok(affops_core::import::preview_for_ui(
            std::path::Path::new(&path),
            &mapping,
        )?)
    })
    .await
}

/// Imports a file (resumable, idempotent), reporting rows, rows/s and % through the channel.
#[tauri::command]
pub async fn import_run(
    state: State<'_, AppState>,
    path: String,
    source: String,
    mapping: ColumnMapping,
    on_progress: Channel<Progress>,
) -> Result<ImportRunSummary, ApiError> {
    let (store, ws) = (state.workspace.store().clone(), state.workspace.clone());
    let mut opts = ImportOptions::new(&source, mapping, Arc::new(now_ms));
    opts.progress = Some(forward(on_progress));
    blocking(move || {
        let s = affops_core::import::run::import_file(&store, std::path::Path::new(&path), &opts)?;
        ws.derive(now_ms())?; // attribution and detection over what landed
        Ok(s)
    })
    .await
}

#[tauri::command]
pub async fn import_runs(state: State<'_, AppState>) -> Result<Vec<ImportRunSummary>, ApiError> {
    let store = state.workspace.store().clone();
    blocking(move || Ok(affops_core::import::list_runs(&store)?)).await
}

#[tauri::command]
pub async fn import_quarantine(
    state: State<'_, AppState>,
    run_id: i64,
    field: Option<String>,
    reason: Option<String>,
    offset: u32,
    limit: u32,
) -> Result<QuarantinePage, ApiError> {
    let store = state.workspace.store().clone();
    let filter = QuarantineFilter {
        field,
        reason_contains: reason,
    };
    blocking(move || {
        Ok(affops_core::import::list_quarantine(
            &store, run_id, &filter, offset, limit,
        )?)
    })
    .await
}

/// Writes a run's quarantined rows as CSV (formula-injection safe) to `path`; returns the rows written.
#[tauri::command]
pub async fn import_quarantine_export(
    state: State<'_, AppState>,
    run_id: i64,
    path: String,
) -> Result<u32, ApiError> {
    let store = state.workspace.store().clone();
    blocking(move || {
        let file = std::fs::File::create(&path).map_err(|e| {
            ApiError::new(
                ErrorCode::InvalidInput,
                format!("Export file: cannot create {path}: {e}"),
            )
        })?;
        let n = affops_core::import::export_quarantine_csv(
            &store,
            run_id,
            &QuarantineFilter::default(),
            file,
        )?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    })
    .await
}

#[tauri::command]
pub async fn postback_log(
    state: State<'_, AppState>,
    filter: PostbackLogFilter,
) -> Result<PostbackLogPage, ApiError> {
    let store = state.workspace.store().clone();
    blocking(move || Ok(affops_core::postback::config::list_log(&store, &filter)?)).await
}

#[tauri::command]
pub async fn postback_sources(
    state: State<'_, AppState>,
) -> Result<Vec<PostbackSourceConfig>, ApiError> {
    let store = state.workspace.store().clone();
    blocking(move || Ok(affops_core::postback::config::list_sources(&store)?)).await
}

/// Adds or updates a postback source; its token and HMAC secrets go to the keychain, never the database.
#[tauri::command]
pub async fn postback_save_source(
    state: State<'_, AppState>,
    config: PostbackSourceConfig,
    secrets: PostbackSecretsInput,
) -> Result<ListenerStatus, ApiError> {
    let store = state.workspace.store().clone();
    let cfg = config.clone();
    blocking(move || {
        affops_core::postback::config::configure_source(&store, &cfg, now_ms()).map(|_| ())
    })
    .await?;
    state.postback_secrets.set(&config.name, &secrets)?;
    if let Some(l) = state.listener.lock().await.as_ref() {
        l.reload_sources().await?;
    }
    postback_listener_status(state).await
}

#[tauri::command]
pub async fn postback_listener_status(
    state: State<'_, AppState>,
) -> Result<ListenerStatus, ApiError> {
    if let Some(l) = state.listener.lock().await.as_ref() {
        return Ok(l.status());
    }
    let (store, secrets) = (
        state.workspace.store().clone(),
        state.postback_secrets.clone(),
    );
    blocking(move || affops_core::postback::keychain::idle_status(&store, &secrets)).await
}

/// Starts the listener on 127.0.0.1:`port` (0 = any free port). Off until the user starts it.
#[tauri::command]
pub async fn postback_listener_start(
    state: State<'_, AppState>,
    port: u16,
) -> Result<ListenerStatus, ApiError> {
    let mut guard = state.listener.lock().await;
    if let Some(l) = guard.as_ref() {
        return Ok(l.status());
    }
    let handle = affops_core::postback::server::start(
        state.workspace.store().clone(),
        state.postback_secrets.clone(),
        affops_core::postback::server::ListenerOptions::new(port),
    )
    .await?;
    let status = handle.status();
    *guard = Some(handle);
    Ok(status)
}

#[tauri::command]
pub async fn postback_listener_stop(
    state: State<'_, AppState>,
) -> Result<ListenerStatus, ApiError> {
    let handle = state.listener.lock().await.take();
    if let Some(h) = handle {
        h.stop().await?;
    }
    postback_listener_status(state).await
}

/// Every affiliate's profile and performance over the period (missing bounds: all the data).
#[tauri::command]
pub async fn list_affiliates(
    state: State<'_, AppState>,
    query: DashboardQuery,
) -> Result<AffiliatesPage, ApiError> {
    let ws = state.workspace.clone();
    blocking(move || requests::list_affiliates(&ws, query.program.as_deref(), &query)).await
}

#[tauri::command]
pub async fn affiliate_detail(
    state: State<'_, AppState>,
    affiliate: String,
    query: DashboardQuery,
) -> Result<AffiliateDetail, ApiError> {
    let ws = state.workspace.clone();
    blocking(move || requests::affiliate_detail(&ws, query.program.as_deref(), &affiliate, &query))
        .await
}

#[tauri::command]
pub async fn explain_player(
    state: State<'_, AppState>,
    player: String,
    program: Option<String>,
) -> Result<PlayerExplanation, ApiError> {
    let ws = state.workspace.clone();
    blocking(move || requests::explain_player(&ws, program.as_deref(), &player)).await
}

#[tauri::command]
pub async fn attribution_rules(
    state: State<'_, AppState>,
    program: Option<String>,
) -> Result<AttributionRulesView, ApiError> {
    let ws = state.workspace.clone();
    blocking(move || requests::rules(&ws, program.as_deref())).await
}

/// Validates and stores a rule version; field errors come back in the result (nothing stored).
#[tauri::command]
pub async fn save_attribution_rules(
    state: State<'_, AppState>,
    effective_from: String,
    rules: serde_json::Value,
    program: Option<String>,
) -> Result<SaveRulesResult, ApiError> {
    let ws = state.workspace.clone();
    blocking(move || {
        requests::save_rules(
            &ws,
            program.as_deref(),
            &effective_from,
            &rules,
            "desktop",
            now_ms(),
        )
    })
    .await
}

/// Multi-touch credit over a period (analysis only, never payout).
#[tauri::command]
pub async fn multi_touch_report(
    state: State<'_, AppState>,
    period: Period,
    half_life_hours: u32,
    program: Option<String>,
) -> Result<MultiTouchReport, ApiError> {
    let ws = state.workspace.clone();
    blocking(move || requests::multi_touch(&ws, program.as_deref(), &period, half_life_hours)).await
}

/// Assigns a promo code to an affiliate (replacing an earlier owner); audited. Applies at the next run.
#[tauri::command]
pub async fn set_promo_code(
    state: State<'_, AppState>,
    code: String,
    affiliate: String,
    valid_from: Option<String>,
    valid_to: Option<String>,
    program: Option<String>,
) -> Result<(), ApiError> {
    let ws = state.workspace.clone();
    blocking(move || {
        requests::set_promo_code(
            &ws,
            program.as_deref(),
            &code,
            &affiliate,
            valid_from.as_deref(),
            valid_to.as_deref(),
            "desktop",
            now_ms(),
        )
    })
    .await
}

/// (Re)decides every player not yet locked by an FTD; idempotent.
#[tauri::command]
pub async fn run_attribution(
    state: State<'_, AppState>,
    program: Option<String>,
) -> Result<AttributionRunSummary, ApiError> {
    let ws = state.workspace.clone();
    blocking(move || requests::run(&ws, program.as_deref(), now_ms())).await
}
