//! Batch files: a preset's fields, a dry run, the import itself (then attribution and detection over what
//! landed), its runs and the rows each run quarantined.

use super::catalog::Op;
use super::context::off_thread;
use super::context::Ctx;
use super::exports;
use crate::api::{
    ApiError, ColumnMapping, ErrorCode, ExportedRows, ImportFieldSpec, ImportPreset, ImportPreview,
    ImportPreviewRequest, ImportRunRequest, ImportRunSummary, QuarantineExportRequest,
    QuarantinePage, QuarantineRequest, SaveMappingRequest,
};
use crate::import::quarantine::QuarantineFilter;
use crate::import::{self, ImportError, ImportOptions};
use crate::ingest::ProgressFn;
use std::sync::Arc;

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

pub fn import_fields(cx: &Ctx, preset: ImportPreset) -> Result<Vec<ImportFieldSpec>, ApiError> {
    cx.allow(Op::ImportFields)?;
    Ok(import::mapping::field_specs(preset))
}

/// Rows a preview shows at most.
pub const PREVIEW_ROWS_MAX: u32 = 200;

/// A dry run of a file: detection results and the first rows mapped and validated (naive times read as UTC);
/// writes nothing.
pub fn import_preview(cx: &Ctx, req: ImportPreviewRequest) -> Result<ImportPreview, ApiError> {
    cx.allow(Op::ImportPreview)?;
    let rows = req
        .rows
        .unwrap_or(import::PREVIEW_ROWS_UI as u32)
        .clamp(1, PREVIEW_ROWS_MAX);
    let path = std::path::Path::new(&req.path);
    Ok(import::preview_file(
        path,
        &req.mapping,
        chrono_tz::UTC,
        rows as usize,
    )?)
}

pub fn import_mapping(cx: &Ctx, name: String) -> Result<ColumnMapping, ApiError> {
    cx.allow(Op::ImportMapping)?;
    Ok(import::load_mapping(cx.workspace().store(), name.trim())?)
}

pub fn save_import_mapping(cx: &Ctx, req: SaveMappingRequest) -> Result<(), ApiError> {
    let a = cx.allow_request(Op::SaveImportMapping, &req)?;
    let store = cx.workspace().store();
    Ok(import::save_mapping(
        store,
        &req.name,
        &req.mapping,
        a.stamp()?,
    )?)
}

/// Imports a file (resumable, idempotent) into the session's program (a new batch source joins it; an existing one
/// must already feed it), then derives attribution, detection and rollups from what landed; one audit entry when
/// the run ends.
pub async fn import_run(
    cx: &Ctx,
    req: ImportRunRequest,
    progress: ProgressFn,
) -> Result<ImportRunSummary, ApiError> {
    let cx = cx.clone();
    off_thread(move || -> Result<ImportRunSummary, ApiError> {
        let a = cx.allow_request(Op::ImportRun, &req)?;
        let stamp = a.stamp()?;
        let console = cx.console().clone();
        let mut opts = ImportOptions::new(&req.source, req.mapping.clone(), Arc::new(move || console.now_ms()));
        opts.program = Some(a.program()?.name.clone());
        if let Some(n) = req.chunk_rows {
            opts.chunk_rows = n as usize;
        }
        if let Some(n) = req.tx_rows {
            opts.tx_rows = n;
        }
        opts.progress = Some(progress.clone());
        let ws = cx.workspace();
        let result = import::import_file(ws.store(), std::path::Path::new(&req.path), &opts);
        let derived = match &result {
            Ok(_) => Some(ws.derive_reporting(cx.now_ms, &*progress)?),
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

/// Writes all of a run's quarantined rows as CSV (formula-injection safe) to `out` (the CLI's stdout).
pub fn import_quarantine_write(
    cx: &Ctx,
    run_id: i64,
    out: impl std::io::Write,
) -> Result<u64, ApiError> {
    cx.allow(Op::ImportQuarantineExport)?;
    let filter = QuarantineFilter::default();
    Ok(import::export_quarantine_csv(
        cx.workspace().store(),
        run_id,
        &filter,
        out,
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
