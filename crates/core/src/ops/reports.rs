//! The dashboard family: the per-affiliate funnel, how conversions arrived (coverage), the alerts beside them,
//! the breakdown of a period by one dimension and the registration cohorts.

use super::catalog::Op;
use super::context::Ctx;
use crate::api::{
    ApiError, Breakdown, BreakdownQuery, CohortQuery, Cohorts, CoverageReport, Dashboard,
    DashboardAlert, DashboardQuery,
};

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

pub fn breakdown(cx: &Ctx, q: BreakdownQuery) -> Result<Breakdown, ApiError> {
    let a = cx.allow(Op::Breakdown)?;
    Ok(crate::breakdown::build(cx.workspace(), a.program()?, &q)?)
}

pub fn cohorts(cx: &Ctx, q: CohortQuery) -> Result<Cohorts, ApiError> {
    let a = cx.allow(Op::Cohorts)?;
    Ok(crate::cohorts::build(cx.workspace(), a.program()?, &q)?)
}
