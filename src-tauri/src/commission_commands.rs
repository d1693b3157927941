//! Tauri commands of commission (plans, preview, periods, statements, qualification): adapters of a few lines
//! over `affops_core::commission`, on the blocking pool, for the workspace's program. Exports are written to the
//! path the user gave; a relative path lands in the workspace's `exports/` folder.

use crate::commands::{blocking, now_ms};
use crate::state::AppState;
use affops_core::api::{
    ApiError, ComputeResult, ErrorCode, PeriodView, PlanDetail, PlanImportResult, PlanPreview,
    PlanSummary, QualificationChecklist, Statement,
};
use affops_core::commission::plan::file::PlanFormat;
use affops_core::commission::{actions, period, preview, statement};
use std::path::{Path, PathBuf};
use tauri::State;

/// The largest plan file the editor loads.
const PLAN_FILE_MAX_BYTES: u64 = 1 << 20;

fn bad(message: String) -> ApiError {
    ApiError::new(ErrorCode::InvalidInput, message)
}

fn plan_format(format: &str) -> Result<PlanFormat, ApiError> {
    PlanFormat::parse_name(format)
        .ok_or_else(|| bad(format!("format: '{format}' is not json or toml")))
}

/// A file name whose extension tells the core the text's format.
fn file_name(format: &str) -> Result<String, ApiError> {
    plan_format(format).map(|_| format!("plan.{format}"))
}

/// Writes `text` to `path` (relative → under the data dir's `exports/`), creating folders; returns the path.
fn write_export(data_dir: &Path, path: &str, text: &str) -> Result<String, ApiError> {
    if path.trim().is_empty() {
        return Err(bad("Export file: a path is required".into()));
    }
    let given = PathBuf::from(path.trim());
    let target = if given.is_absolute() {
        given
    } else {
        data_dir.join("exports").join(given)
    };
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent).map_err(|e| {
            bad(format!(
                "Export file: cannot create {}: {e}",
                parent.display()
            ))
        })?;
    }
    std::fs::write(&target, text).map_err(|e| {
        bad(format!(
            "Export file: cannot write {}: {e}",
            target.display()
        ))
    })?;
    Ok(target.display().to_string())
}

#[tauri::command]
pub async fn list_plans(
    state: State<'_, AppState>,
    program: Option<String>,
) -> Result<Vec<PlanSummary>, ApiError> {
    let store = state.workspace.store().clone();
    blocking(move || Ok(actions::list_plans(&store, program.as_deref())?)).await
}

#[tauri::command]
pub async fn plan_detail(
    state: State<'_, AppState>,
    name: String,
    program: Option<String>,
) -> Result<PlanDetail, ApiError> {
    let store = state.workspace.store().clone();
    blocking(move || Ok(actions::plan_detail(&store, program.as_deref(), &name)?)).await
}

/// Validates a plan file's text without saving: the errors come back with their field paths.
#[tauri::command]
pub async fn check_plan(
    state: State<'_, AppState>,
    text: String,
    format: String,
    program: Option<String>,
) -> Result<PlanImportResult, ApiError> {
    let (store, name) = (state.workspace.store().clone(), file_name(&format)?);
    blocking(move || {
        Ok(actions::import_plan(
            &store,
            program.as_deref(),
            &name,
            &text,
            false,
            now_ms(),
        )?)
    })
    .await
}

/// Validates and saves: a new plan, or the versions of a saved plan it does not hold yet.
#[tauri::command]
pub async fn save_plan(
    state: State<'_, AppState>,
    text: String,
    format: String,
    program: Option<String>,
) -> Result<PlanImportResult, ApiError> {
    let (store, name) = (state.workspace.store().clone(), file_name(&format)?);
    blocking(move || {
        Ok(actions::import_plan(
            &store,
            program.as_deref(),
            &name,
            &text,
            true,
            now_ms(),
        )?)
    })
    .await
}

/// Reads a plan file for the editor (at most 1 MB of UTF-8).
#[tauri::command]
pub async fn read_plan_file(path: String) -> Result<String, ApiError> {
    blocking(move || {
        let meta = std::fs::metadata(&path)
            .map_err(|e| bad(format!("Plan file: cannot open {path}: {e}")))?;
        if meta.len() > PLAN_FILE_MAX_BYTES {
            return Err(bad(format!(
                "Plan file: {path} is {} bytes, more than the {PLAN_FILE_MAX_BYTES} a plan file may hold",
                meta.len()
            )));
        }
        std::fs::read_to_string(&path)
            .map_err(|e| bad(format!("Plan file: cannot read {path} as UTF-8 text: {e}")))
    })
    .await
}

#[tauri::command]
pub async fn export_plan(
    state: State<'_, AppState>,
    name: String,
    format: String,
    path: String,
    program: Option<String>,
) -> Result<String, ApiError> {
    let fmt = plan_format(&format)?;
    let (store, dir) = (
        state.workspace.store().clone(),
        state.workspace.data_dir().to_path_buf(),
    );
    blocking(move || {
        write_export(
            &dir,
            &path,
            &actions::export_plan(&store, program.as_deref(), &name, fmt)?,
        )
    })
    .await
}

/// What the file's last version would have paid each affiliate in the month, next to the current plans.
#[tauri::command]
pub async fn preview_plan(
    state: State<'_, AppState>,
    text: String,
    format: String,
    period_label: String,
    program: Option<String>,
) -> Result<PlanPreview, ApiError> {
    let (store, name) = (state.workspace.store().clone(), file_name(&format)?);
    blocking(move || {
        Ok(preview::preview_plan(
            &store,
            program.as_deref(),
            &name,
            &text,
            &period_label,
        )?)
    })
    .await
}

#[tauri::command]
pub async fn list_periods(
    state: State<'_, AppState>,
    program: Option<String>,
) -> Result<Vec<PeriodView>, ApiError> {
    let store = state.workspace.store().clone();
    blocking(move || Ok(actions::periods(&store, program.as_deref())?)).await
}

/// Computes a month and posts what changed; `elapsed_ms` is measured here, where the clock is.
#[tauri::command]
pub async fn compute_period(
    state: State<'_, AppState>,
    period_label: String,
    program: Option<String>,
) -> Result<ComputeResult, ApiError> {
    let store = state.workspace.store().clone();
    blocking(move || {
        let started = now_ms();
        let mut result = actions::compute(&store, program.as_deref(), &period_label, started)?;
        result.elapsed_ms = now_ms() - started;
        Ok(result)
    })
    .await
}

/// Closes a computed month: statements and their hashes are recorded and the period is locked.
#[tauri::command]
pub async fn close_period(
    state: State<'_, AppState>,
    period_label: String,
    program: Option<String>,
) -> Result<PeriodView, ApiError> {
    let store = state.workspace.store().clone();
    blocking(move || {
        Ok(actions::close(
            &store,
            program.as_deref(),
            &period_label,
            "desktop",
            now_ms(),
        )?)
    })
    .await
}

#[tauri::command]
pub async fn statement(
    state: State<'_, AppState>,
    affiliate_id: String,
    period_label: String,
    program: Option<String>,
) -> Result<Statement, ApiError> {
    let store = state.workspace.store().clone();
    blocking(move || {
        Ok(actions::affiliate_statement(
            &store,
            program.as_deref(),
            &affiliate_id,
            &period_label,
        )?)
    })
    .await
}

/// Writes the statement as CSV (formula-safe) or printable HTML; returns the path written.
#[tauri::command]
pub async fn export_statement(
    state: State<'_, AppState>,
    affiliate_id: String,
    period_label: String,
    format: String,
    path: String,
    program: Option<String>,
) -> Result<String, ApiError> {
    let (store, dir) = (
        state.workspace.store().clone(),
        state.workspace.data_dir().to_path_buf(),
    );
    blocking(move || {
        let s =
            actions::affiliate_statement(&store, program.as_deref(), &affiliate_id, &period_label)?;
        let text = match format.as_str() {
            "csv" => statement::to_csv(&s),
            "html" => statement::to_html(&s),
            other => return Err(bad(format!("format: '{other}' is not csv or html"))),
        };
        write_export(&dir, &path, &text)
    })
    .await
}

/// A player's checklist as of the month's last day, or as of today (the program's zone) without a month.
#[tauri::command]
pub async fn qualification(
    state: State<'_, AppState>,
    player_id: String,
    period_label: Option<String>,
    program: Option<String>,
) -> Result<QualificationChecklist, ApiError> {
    let store = state.workspace.store().clone();
    blocking(move || {
        let as_of = match period_label {
            Some(label) => period::month_bounds(&label)?.1,
            None => actions::today(&store, program.as_deref(), now_ms())?,
        };
        Ok(actions::qualification(
            &store,
            program.as_deref(),
            &player_id,
            &as_of,
        )?)
    })
    .await
}
