//! Batch files: a preset's fields, a dry run, the import itself (then attribution and detection over what
//! landed), its runs and the rows each run quarantined.

use super::catalog::Op;
use super::context::Ctx;
use super::exports;
use super::reconcile::ExportedRows;
use crate::api::{
    ApiError, ColumnMapping, ErrorCode, ImportFieldSpec, ImportPreset, ImportPreview,
    ImportRunSummary, QuarantinePage,
};
use crate::import::quarantine::QuarantineFilter;
use crate::import::{self, ImportError, ImportOptions};
use crate::ingest::ProgressFn;
use crate::workspace::off_thread;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use ts_rs::TS;

impl From<ImportError> for ApiError {
    fn from(e: ImportError) -> Self {
        let code = match &e {
            ImportError::Store(_) => ErrorCode::Storage,
            ImportError::Io(io) if io.kind() == std::io::ErrorKind::NotFound => ErrorCode::NotFound,
            _ => ErrorCode::InvalidInput,
        };
        ApiError::new(code, e.to_string())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ImportPreviewRequest {
    pub path: String,
    pub mapping: ColumnMapping,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ImportRunRequest {
    pub path: String,
    /// The batch source the file comes from (created in the session's program on first use).
    pub source: String,
    pub mapping: ColumnMapping,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct QuarantineRequest {
    #[ts(type = "number")]
    pub run_id: i64,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Text the reason contains.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default)]
    pub offset: u32,
    /// At most 500.
    #[serde(default)]
    pub limit: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct QuarantineExportRequest {
    #[ts(type = "number")]
    pub run_id: i64,
    pub path: String,
}

pub fn import_fields(cx: &Ctx, preset: ImportPreset) -> Result<Vec<ImportFieldSpec>, ApiError> {
    cx.allow(Op::ImportFields)?;
    Ok(import::mapping::field_specs(preset))
}

/// A dry run of a file: detection results and the first rows mapped and validated; writes nothing.
pub fn import_preview(cx: &Ctx, req: ImportPreviewRequest) -> Result<ImportPreview, ApiError> {
    cx.allow(Op::ImportPreview)?;
    Ok(import::preview_for_ui(
        std::path::Path::new(&req.path),
        &req.mapping,
    )?)
}

/// Imports a file (resumable, idempotent) into the session's program, then derives attribution and detection
/// from what landed; one audit entry when the run ends.
pub async fn import_run(
    cx: &Ctx,
    req: ImportRunRequest,
    progress: ProgressFn,
) -> Result<ImportRunSummary, ApiError> {
    let cx = cx.clone();
    off_thread(move || -> Result<ImportRunSummary, ApiError> {
        let a = cx.allow_request(Op::ImportRun, &req)?;
        let (p, stamp) = (a.program()?, a.stamp()?);
        let console = cx.console().clone();
        let mut opts = ImportOptions::new(&req.source, req.mapping.clone(), Arc::new(move || console.now_ms()));
        opts.program = Some(p.name.clone());
        opts.progress = Some(progress);
        let ws = cx.workspace();
        let result = import::import_file(ws.store(), std::path::Path::new(&req.path), &opts);
        let derived = match &result {
            Ok(_) => Some(ws.derive(cx.now_ms)?),
            Err(_) => None,
        };
        let detail = match &result {
            Ok(s) => serde_json::json!({"run_id": s.id, "file": s.file_name, "rows_imported": s.rows_ok, "rows_quarantined": s.rows_quarantined, "already_imported": s.already_imported, "flags_created": derived.map(|d| d.flags_created())}),
            Err(e) => serde_json::json!({"error": e.to_string()}),
        };
        ws.store().write(|tx| -> Result<i64, ApiError> { Ok(stamp.record(tx, "file", &req.path, &detail)?) })?;
        Ok(result?)
    })
    .await
}

pub fn import_runs(cx: &Ctx) -> Result<Vec<ImportRunSummary>, ApiError> {
    cx.allow(Op::ImportRuns)?;
    Ok(import::list_runs(cx.workspace().store())?)
}

/// One page of a run's quarantined rows.
pub fn import_quarantine(cx: &Ctx, req: QuarantineRequest) -> Result<QuarantinePage, ApiError> {
    cx.allow(Op::ImportQuarantine)?;
    let filter = QuarantineFilter {
        field: req.field,
        reason_contains: req.reason,
    };
    Ok(import::list_quarantine(
        cx.workspace().store(),
        req.run_id,
        &filter,
        req.offset,
        req.limit,
    )?)
}

/// Writes all of a run's quarantined rows as CSV (formula-injection safe).
pub fn import_quarantine_export(
    cx: &Ctx,
    req: QuarantineExportRequest,
) -> Result<ExportedRows, ApiError> {
    cx.allow(Op::ImportQuarantineExport)?;
    let path = exports::resolve(cx, &req.path, &format!("quarantine-run-{}.csv", req.run_id))?;
    let file = exports::create(&path)?;
    let n = import::export_quarantine_csv(
        cx.workspace().store(),
        req.run_id,
        &QuarantineFilter::default(),
        file,
    )?;
    Ok(ExportedRows {
        path: path.display().to_string(),
        rows: u32::try_from(n).unwrap_or(u32::MAX),
    })
}
