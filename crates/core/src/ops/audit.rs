//! The audit log screen and `affops-cli audit`: filtered pages, verification of the chain and of the people
//! against it, and an export of the chain with its head hash for an auditor.

use super::catalog::Op;
use super::context::Ctx;
use crate::api::{ApiError, AuditExportResult, ErrorCode};
use crate::audit::query::{self, AuditFilter, AuditPage};
use crate::audit::{AuditError, VerifyReport};

impl From<AuditError> for ApiError {
    fn from(e: AuditError) -> Self {
        match e {
            AuditError::Invalid(m) => ApiError::new(ErrorCode::InvalidInput, m),
            AuditError::Store(s) => s.into(),
        }
    }
}

pub fn audit_list(cx: &Ctx, filter: AuditFilter) -> Result<AuditPage, ApiError> {
    cx.allow(Op::AuditList)?;
    Ok(cx.workspace().store().read(|c| query::list(c, &filter))?)
}

pub fn audit_verify(cx: &Ctx) -> Result<VerifyReport, ApiError> {
    cx.allow(Op::AuditVerify)?;
    Ok(cx.workspace().store().read(crate::audit::verify_store)?)
}

/// Writes the chain as JSON Lines to `path` (a relative path lands in the workspace's exports folder).
pub fn audit_export(cx: &Ctx, path: String) -> Result<AuditExportResult, ApiError> {
    cx.allow(Op::AuditExport)?;
    let path = super::exports::resolve(cx, &path, "audit-log.jsonl")?;
    let file = super::exports::create(&path)?;
    let mut out = std::io::BufWriter::new(file);
    let ws = cx.workspace().data_dir().display().to_string();
    let t = cx
        .workspace()
        .store()
        .read(|c| query::export(c, &ws, &mut out))?;
    Ok(AuditExportResult {
        path: path.display().to_string(),
        rows: t.rows,
        head_hash: t.head_hash,
    })
}

/// Verifies an exported chain file on its own (no workspace needed: what an auditor runs).
pub fn verify_export_file(path: &std::path::Path) -> Result<VerifyReport, ApiError> {
    let file = std::fs::File::open(path).map_err(|e| {
        ApiError::new(
            ErrorCode::InvalidInput,
            format!("Audit export: cannot open {}: {e}", path.display()),
        )
    })?;
    query::verify_export(&mut std::io::BufReader::new(file))
        .map_err(|m| ApiError::new(ErrorCode::InvalidInput, m))
}
