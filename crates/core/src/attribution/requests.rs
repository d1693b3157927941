//! The attribution requests the CLI and the desktop shell make, on a [`Workspace`]: each resolves the program
//! (by name, or the first one as on the dashboard), refreshes the rollups when a read needs them, and returns boundary types.

use rusqlite::OptionalExtension;
use serde_json::Value;

use super::{affiliates, explain, program_id, promo, report, versions, AttributionError};
use crate::api::{
    AffiliateDetail, AffiliatesPage, ApiError, AttributionRulesView, AttributionRunSummary,
    DashboardQuery, MultiTouchReport, Period, PlayerExplanation, SaveRulesResult,
};
use crate::workspace::Workspace;

fn program(ws: &Workspace, name: Option<&str>) -> Result<i64, ApiError> {
    Ok(ws.store().read(|c| Ok(program_id(c, name)))??)
}

/// The program's id, refusing a Forex program: a broker's clients come attributed to their IB by the broker, and
/// running click/btag attribution over them would overwrite those links (every client organic).
fn igaming_program(ws: &Workspace, name: Option<&str>, what: &str) -> Result<i64, ApiError> {
    let id = program(ws, name)?;
    let (program_name, vertical): (String, String) = ws.store().read(|c| {
        Ok(c.query_row(
            "SELECT name, vertical FROM programs WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?)
    })?;
    if vertical != "igaming" {
        return Err(AttributionError::Invalid(format!(
            "{what} applies to iGaming programs; {program_name} is a {vertical} program whose clients the broker attributes to their IB"
        ))
        .into());
    }
    Ok(id)
}

fn refresh_rollups(ws: &Workspace) -> Result<(), ApiError> {
    if ws.store().read(crate::rollups::has_dirty)? {
        ws.store().write(crate::rollups::refresh)?;
    }
    Ok(())
}

/// Runs attribution for the program as of `now_ms`.
pub fn run(
    ws: &Workspace,
    program_name: Option<&str>,
    now_ms: i64,
) -> Result<AttributionRunSummary, ApiError> {
    let id = igaming_program(ws, program_name, "Attribution")?;
    Ok(super::run(ws.store(), id, now_ms)?)
}

/// A player's stored decision, by the operator's player id.
pub fn explain_player(
    ws: &Workspace,
    program_name: Option<&str>,
    external_id: &str,
) -> Result<PlayerExplanation, ApiError> {
    let id = program(ws, program_name)?;
    Ok(ws
        .store()
        .read(|c| Ok(explain::player(c, id, external_id.trim())))??)
}

pub fn rules(ws: &Workspace, program_name: Option<&str>) -> Result<AttributionRulesView, ApiError> {
    let id = program(ws, program_name)?;
    Ok(ws.store().read(|c| versions::view(c, id))?)
}

/// Validates and saves a rule version; field errors come back in the result.
pub fn save_rules(
    ws: &Workspace,
    program_name: Option<&str>,
    effective_from: &str,
    body: &Value,
    actor: &str,
    now_ms: i64,
) -> Result<SaveRulesResult, ApiError> {
    let id = igaming_program(ws, program_name, "Attribution rules")?;
    Ok(versions::save_body(
        ws.store(),
        id,
        effective_from.trim(),
        body,
        actor,
        now_ms,
    )?)
}

/// Assigns a promo code to an affiliate (replacing an earlier owner); audited.
#[allow(clippy::too_many_arguments)]
pub fn set_promo_code(
    ws: &Workspace,
    program_name: Option<&str>,
    code: &str,
    affiliate: &str,
    valid_from: Option<&str>,
    valid_to: Option<&str>,
    actor: &str,
    now_ms: i64,
) -> Result<(), ApiError> {
    let id = igaming_program(ws, program_name, "A promo code")?;
    let mut outcome = Ok(());
    ws.store().write(|tx| {
        outcome = promo::set(tx, id, code, affiliate, valid_from, valid_to, actor, now_ms);
        Ok(())
    })?;
    Ok(outcome?)
}

/// Every affiliate's profile over a period (missing bounds: the workspace's data range).
pub fn list_affiliates(
    ws: &Workspace,
    program_name: Option<&str>,
    q: &DashboardQuery,
) -> Result<AffiliatesPage, ApiError> {
    let id = program(ws, program_name)?;
    let period = crate::dashboard::resolve_period(ws, q)?;
    refresh_rollups(ws)?;
    Ok(ws
        .store()
        .read(|c| Ok(affiliates::list(c, id, &period)))??)
}

pub fn affiliate_detail(
    ws: &Workspace,
    program_name: Option<&str>,
    external_id: &str,
    q: &DashboardQuery,
) -> Result<AffiliateDetail, ApiError> {
    let id = program(ws, program_name)?;
    let period = crate::dashboard::resolve_period(ws, q)?;
    refresh_rollups(ws)?;
    Ok(ws
        .store()
        .read(|c| Ok(affiliates::detail(c, id, external_id.trim(), &period)))??)
}

/// The multi-touch report for a month `YYYY-MM`, or for a period of days.
pub fn multi_touch(
    ws: &Workspace,
    program_name: Option<&str>,
    period: &Period,
    half_life_hours: u32,
) -> Result<MultiTouchReport, ApiError> {
    let id = program(ws, program_name)?;
    let q = DashboardQuery {
        from: Some(period.from.clone()),
        to: Some(period.to.clone()),
        program: None,
    };
    let period = crate::dashboard::resolve_period(ws, &q)?;
    Ok(ws
        .store()
        .read(|c| Ok(report::build(c, id, &period, half_life_hours)))??)
}

/// The program's name, for headings.
pub fn program_name(ws: &Workspace, program_name: Option<&str>) -> Result<String, ApiError> {
    let id = program(ws, program_name)?;
    let name: Option<String> = ws.store().read(|c| {
        Ok(
            c.query_row("SELECT name FROM programs WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?,
        )
    })?;
    name.ok_or_else(|| AttributionError::NotFound("program vanished".into()).into())
}
