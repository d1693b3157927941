//! Reconciliation (tracker against operator); its rows become dispute cases in `ops::disputes`.

use super::catalog::Op;
use super::context::Ctx;
use super::exports;
use crate::api::{ApiError, ErrorCode, ExportedRows, ReconExportRequest, ReconQuery, ReconReport};
use crate::ingest::types::Progress;
use crate::ingest::ProgressFn;
use crate::reconcile::{report, step, ReconError, ReconSettings, Step};

impl From<ReconError> for ApiError {
    fn from(e: ReconError) -> Self {
        let code = match &e {
            ReconError::Invalid(_) => ErrorCode::InvalidInput,
            ReconError::NotFound(_) => ErrorCode::NotFound,
            ReconError::Store(_) => ErrorCode::Storage,
        };
        ApiError::new(code, e.to_string())
    }
}

fn reconcile(
    cx: &Ctx,
    op: Op,
    q: &ReconQuery,
    progress: &dyn Fn(Progress),
) -> Result<ReconReport, ApiError> {
    let a = cx.allow_request(op, q)?;
    let (p, stamp) = (a.program()?, a.stamp()?);
    let store = cx.workspace().store();
    let (month, reason) = report::parse_query(q)?;
    let settings = ReconSettings::default();
    let found = report::find(store, p.id, &month, &settings, cx.now_ms, progress)?;
    progress(step(Step::Storing, 0, None));
    store.write(|tx| -> Result<(), ReconError> {
        report::save(tx, p.id, &month, &found, cx.now_ms)?;
        report::record_run(
            tx,
            p.id,
            &month.label,
            "tracker_operator",
            stamp.user_id,
            cx.now_ms,
            found.len(),
        )?;
        stamp.record(
            tx,
            "period",
            &month.label,
            &serde_json::json!({"discrepancies": found.len()}),
        )?;
        Ok(())
    })?;
    progress(step(Step::Report, 0, None));
    Ok(report::load(
        store,
        p.id,
        &month,
        report::RowFilter::of(q, reason),
    )?)
}

/// Reconciles a month and returns its totals and (filtered) discrepancy rows. `progress` hears each step and the
/// matching's count of FTDs (a month at 10 M clicks has 150,000 of them).
pub fn reconcile_period(
    cx: &Ctx,
    q: ReconQuery,
    progress: ProgressFn,
) -> Result<ReconReport, ApiError> {
    reconcile(cx, Op::ReconcilePeriod, &q, &*progress)
}

/// Reconciles a month and writes its rows as spreadsheet-safe CSV; `progress` hears the reconciliation's steps.
pub fn reconcile_export_csv(
    cx: &Ctx,
    req: ReconExportRequest,
    progress: ProgressFn,
) -> Result<ExportedRows, ApiError> {
    // The file holds every row the filters match, whatever page the screen shows.
    let query = ReconQuery {
        offset: None,
        limit: None,
        ..req.query.clone()
    };
    let r = reconcile(cx, Op::ReconcileExportCsv, &query, &*progress)?;
    let bytes = report::to_csv(&r)?;
    let path = exports::write(
        cx,
        &req.path,
        &format!("reconciliation-{}.csv", r.period),
        &bytes,
    )?;
    Ok(ExportedRows {
        path,
        rows: u32::try_from(r.rows.len()).unwrap_or(u32::MAX),
    })
}

/// A month's stored reconciliation, as it was last run (reads only).
pub fn reconcile_report(cx: &Ctx, q: ReconQuery) -> Result<ReconReport, ApiError> {
    let a = cx.allow(Op::ReconcileReport)?;
    let (month, reason) = report::parse_query(&q)?;
    Ok(report::load(
        cx.workspace().store(),
        a.program()?.id,
        &month,
        report::RowFilter::of(&q, reason),
    )?)
}
