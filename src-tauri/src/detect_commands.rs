//! Tauri commands of detection and reconciliation: thin adapters over `affops_core::detect` and
//! `affops_core::reconcile`, on the blocking pool, for the named program (none: the first iGaming program).

use crate::commands::{blocking, now_ms};
use crate::state::AppState;
use affops_core::api::{
    ApiError, BacktestRequest, BacktestResult, DashboardAlert, DetectRunSummary, DisputeCase,
    DisputeOpenInput, ErrorCode, FlagDecisionInput, FlagFilter, FlagRow, Investigation, ReconQuery,
    ReconReport,
};
use affops_core::detect;
use affops_core::programs;
use affops_core::reconcile::{self, ReconSettings};
use tauri::State;

/// Runs every fraud rule over the data new since the last run.
#[tauri::command]
pub async fn detect_run(
    state: State<'_, AppState>,
    program: Option<String>,
) -> Result<DetectRunSummary, ApiError> {
    let store = state.workspace.store().clone();
    blocking(move || {
        let program = programs::resolve(&store, program.as_deref())?.id;
        let report = detect::run(&store, program, None, now_ms())?;
        Ok(detect::service::summary(&report))
    })
    .await
}

#[tauri::command]
pub async fn detect_backtest(
    state: State<'_, AppState>,
    request: BacktestRequest,
    program: Option<String>,
) -> Result<BacktestResult, ApiError> {
    let store = state.workspace.store().clone();
    blocking(move || {
        let program = programs::resolve(&store, program.as_deref())?.id;
        Ok(detect::backtest::backtest(
            &store,
            program,
            &request,
            now_ms(),
        )?)
    })
    .await
}

#[tauri::command]
pub async fn flags_list(
    state: State<'_, AppState>,
    filter: FlagFilter,
    program: Option<String>,
) -> Result<Vec<FlagRow>, ApiError> {
    let store = state.workspace.store().clone();
    blocking(move || {
        // Without a program: every program's flags; with one: that program's only.
        let program_id = match program.as_deref() {
            Some(name) => Some(programs::resolve(&store, Some(name))?.id),
            None => None,
        };
        Ok(detect::queue::list_in(&store, program_id, &filter)?)
    })
    .await
}

#[tauri::command]
pub async fn flag_decide(
    state: State<'_, AppState>,
    input: FlagDecisionInput,
) -> Result<FlagRow, ApiError> {
    let store = state.workspace.store().clone();
    blocking(move || Ok(detect::queue::decide(&store, &input, now_ms())?)).await
}

#[tauri::command]
pub async fn flag_investigate(
    state: State<'_, AppState>,
    flag_id: i64,
) -> Result<Investigation, ApiError> {
    let store = state.workspace.store().clone();
    blocking(move || Ok(detect::queue::investigate(&store, flag_id)?)).await
}

#[tauri::command]
pub async fn reconcile_period(
    state: State<'_, AppState>,
    query: ReconQuery,
    program: Option<String>,
) -> Result<ReconReport, ApiError> {
    let store = state.workspace.store().clone();
    blocking(move || {
        let program = programs::resolve(&store, program.as_deref())?.id;
        Ok(reconcile::report::run(
            &store,
            program,
            &query,
            &ReconSettings::default(),
            now_ms(),
        )?)
    })
    .await
}

/// Writes a period's discrepancies as CSV (formula-injection safe) to `path`; returns the rows written.
#[tauri::command]
pub async fn reconcile_export_csv(
    state: State<'_, AppState>,
    query: ReconQuery,
    path: String,
    program: Option<String>,
) -> Result<u32, ApiError> {
    let store = state.workspace.store().clone();
    blocking(move || {
        let program = programs::resolve(&store, program.as_deref())?.id;
        let report =
            reconcile::report::run(&store, program, &query, &ReconSettings::default(), now_ms())?;
        let bytes = reconcile::report::to_csv(&report)?;
        std::fs::write(&path, bytes).map_err(|e| {
            ApiError::new(
                ErrorCode::InvalidInput,
                format!("Export file: cannot write {path}: {e}"),
            )
        })?;
        Ok(u32::try_from(report.rows.len()).unwrap_or(u32::MAX))
    })
    .await
}

#[tauri::command]
pub async fn dispute_open(
    state: State<'_, AppState>,
    input: DisputeOpenInput,
) -> Result<DisputeCase, ApiError> {
    let store = state.workspace.store().clone();
    blocking(move || {
        Ok(reconcile::dispute::open_from_discrepancy(
            &store,
            &input,
            now_ms(),
        )?)
    })
    .await
}

/// Open flags and unreconciled payout per affiliate, for the dashboard.
#[tauri::command]
pub async fn dashboard_alerts(state: State<'_, AppState>) -> Result<Vec<DashboardAlert>, ApiError> {
    let store = state.workspace.store().clone();
    blocking(move || Ok(detect::service::dashboard_alerts(&store)?)).await
}
