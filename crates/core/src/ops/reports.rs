//! The dashboard family: the per-affiliate funnel, how conversions arrived (coverage), and the alerts beside
//! them.

use super::catalog::Op;
use super::context::Ctx;
use crate::api::{ApiError, CoverageReport, Dashboard, DashboardAlert, DashboardQuery};

pub fn dashboard(cx: &Ctx, q: DashboardQuery) -> Result<Dashboard, ApiError> {
    let a = cx.allow(Op::Dashboard)?;
    Ok(crate::dashboard::build(cx.workspace(), a.program()?, &q)?)
}

pub fn coverage(cx: &Ctx, q: DashboardQuery) -> Result<CoverageReport, ApiError> {
    let a = cx.allow(Op::Coverage)?;
    Ok(crate::coverage::report(cx.workspace(), a.program()?, &q)?)
}

/// Open flags and unreconciled payout per program and affiliate.
pub fn dashboard_alerts(cx: &Ctx) -> Result<Vec<DashboardAlert>, ApiError> {
    cx.allow(Op::DashboardAlerts)?;
    Ok(crate::detect::service::dashboard_alerts(
        cx.workspace().store(),
    )?)
}
