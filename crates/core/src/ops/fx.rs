//! The dated FX table: import an ECB reference-rate file, enter a rate by hand, list the rates in force — the
//! FX screen and `affops-cli fx import|set|list`. Workspace-wide (rates are not a program's); changing them is
//! finance's (`periods.close`, the permission that already records a period's FX snapshot).

use super::catalog::Op;
use super::context::Ctx;
use crate::api::{
    ApiError, ErrorCode, FxImportRequest, FxImportSummary, FxListQuery, FxRateList, FxRateRow,
    FxSetRequest,
};
use crate::fx::{self, FxError, Recorder};

impl From<FxError> for ApiError {
    fn from(e: FxError) -> Self {
        let code = match &e {
            FxError::Invalid(_) | FxError::File(_) => ErrorCode::InvalidInput,
            FxError::NotFound(_) => ErrorCode::NotFound,
            FxError::Store(_) => ErrorCode::Storage,
        };
        ApiError::new(code, e.to_string())
    }
}

/// Imports an ECB reference-rate file: every rate recorded (or found unchanged), every bad row or cell
/// quarantined with its row, field and reason, in one transaction with one audit entry.
pub fn fx_import(cx: &Ctx, req: FxImportRequest) -> Result<FxImportSummary, ApiError> {
    let a = cx.allow_request(Op::FxImport, &req)?;
    let stamp = a.stamp()?;
    let path = req.path.trim();
    let bad = |m: String| ApiError::new(ErrorCode::InvalidInput, m);
    let meta =
        std::fs::metadata(path).map_err(|e| bad(format!("FX file: cannot open {path}: {e}")))?;
    if meta.len() > fx::FX_FILE_BYTES_MAX {
        return Err(bad(format!(
            "FX file: {path} is {} bytes, more than the {} an FX file may hold",
            meta.len(),
            fx::FX_FILE_BYTES_MAX
        )));
    }
    let bytes =
        std::fs::read(path).map_err(|e| bad(format!("FX file: cannot read {path}: {e}")))?;
    let file_name = std::path::Path::new(path)
        .file_name()
        .map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned());
    let who = Recorder {
        at_ms: stamp.at_ms,
        by: &stamp.actor,
    };
    Ok(cx.workspace().store().write(|tx| -> Result<_, FxError> {
        let s = fx::import_ecb(tx, &file_name, &bytes, &who)?;
        let detail = serde_json::json!({
            "file": s.file_name, "sha256": s.file_sha256, "rows": s.rows, "days": s.days,
            "rates_imported": s.rates_imported, "rates_unchanged": s.rates_unchanged, "gaps": s.gaps,
            "rejected": s.rejected.len(),
        });
        stamp.record(tx, "fx_file", &s.file_name, &detail)?;
        Ok(s)
    })?)
}

/// Records a day's rate by hand; a different rate for a day and pair already recorded supersedes it.
pub fn fx_set(cx: &Ctx, req: FxSetRequest) -> Result<FxRateRow, ApiError> {
    let a = cx.allow_request(Op::FxSet, &req)?;
    let stamp = a.stamp()?;
    let (day, from, to, rate) = fx::validate_manual(&req.day, &req.from, &req.to, &req.rate)?;
    let who = Recorder {
        at_ms: stamp.at_ms,
        by: &stamp.actor,
    };
    Ok(cx.workspace().store().write(|tx| -> Result<_, FxError> {
        let added = fx::record(tx, &day, &from, &to, rate, fx::SOURCE_MANUAL, &who)?;
        let detail = serde_json::json!({"day": day, "from": from, "to": to, "rate": rate.to_string(), "added": added});
        stamp.record(tx, "fx_rate", &format!("{day} {from}/{to}"), &detail)?;
        let filter = fx::ListFilter {
            from_day: Some(day.clone()),
            to_day: Some(day.clone()),
            pair: Some((from.clone(), to.clone())),
        };
        fx::list(tx, &filter)?
            .rows
            .into_iter()
            .find(|r| r.base == from && r.quote == to)
            .ok_or_else(|| FxError::NotFound(format!("{day} {from}/{to} was not recorded")))
    })?)
}

/// The rates in force, newest day first.
pub fn fx_list(cx: &Ctx, req: FxListQuery) -> Result<FxRateList, ApiError> {
    cx.allow(Op::FxList)?;
    let clean = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
    };
    let filter = fx::ListFilter {
        from_day: clean(&req.from),
        to_day: clean(&req.to),
        pair: clean(&req.pair).map(|p| fx::parse_pair(&p)).transpose()?,
    };
    Ok(cx.workspace().store().read(|c| fx::list(c, &filter))?)
}
