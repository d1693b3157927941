//! Fraud: running the rules, backtesting and tuning them, the flag queue, decisions and investigations.

use super::catalog::Op;
use super::context::Ctx;
use crate::api::{
    AllowEntry, AllowEntryInput, AllowRevokeInput, ApiError, BacktestRequest, BacktestResult,
    DetectRunSummary, ErrorCode, FlagBulkDecisionInput, FlagBulkDecisionResult, FlagDecisionInput,
    FlagFilter, FlagGroup, FlagPage, FlagRow, Investigation, RuleSettingsRequest,
    RuleSettingsSaved,
};
use crate::detect::{self, DetectError};
use crate::ingest::ProgressFn;

impl From<DetectError> for ApiError {
    fn from(e: DetectError) -> Self {
        let code = match &e {
            DetectError::InvalidSetting(_)
            | DetectError::UnknownRule(_)
            | DetectError::Invalid(_) => ErrorCode::InvalidInput,
            DetectError::NotFound(_) => ErrorCode::NotFound,
            DetectError::Store(_) => ErrorCode::Storage,
        };
        ApiError::new(code, e.to_string())
    }
}

/// Runs every fraud rule over all the data; flags are created, revised or superseded (never duplicated).
/// `progress` hears each rule as it starts (a run at the seed's scale takes tens of seconds).
pub fn detect_run(cx: &Ctx, progress: ProgressFn) -> Result<DetectRunSummary, ApiError> {
    let a = cx.allow(Op::DetectRun)?;
    let (p, stamp) = (a.program()?, a.stamp()?);
    let report = detect::run_reporting(
        cx.workspace().store(),
        p.id,
        cx.now_ms,
        detect::When::Always,
        &detect::rules(),
        &*progress,
    )?;
    let summary = detect::service::summary(&report);
    let detail = serde_json::json!({
        "run_id": summary.run_id, "flags_created": summary.flags_created, "flags_updated": summary.flags_updated,
        "flags_superseded": summary.flags_superseded, "flags_reopened": summary.flags_reopened,
    });
    cx.workspace()
        .store()
        .write(|tx| stamp.record(tx, "detection_run", &summary.run_id.to_string(), &detail))?;
    Ok(summary)
}

/// A rule (or all) over history with `key=value` overrides, saving nothing.
pub fn detect_backtest(cx: &Ctx, req: BacktestRequest) -> Result<BacktestResult, ApiError> {
    let a = cx.allow(Op::DetectBacktest)?;
    Ok(detect::backtest::backtest(
        cx.workspace().store(),
        a.program()?.id,
        &req,
        cx.now_ms,
    )?)
}

pub fn save_rule_settings(
    cx: &Ctx,
    req: RuleSettingsRequest,
) -> Result<RuleSettingsSaved, ApiError> {
    let a = cx.allow_request(Op::SaveRuleSettings, &req)?;
    let (p, stamp) = (a.program()?, a.stamp()?);
    let rule = detect::rule(req.rule.trim())?;
    let changes = detect::settings::parse_pairs(&req.settings)?;
    Ok(cx
        .workspace()
        .store()
        .write(|tx| -> Result<_, DetectError> {
            let saved = detect::settings::current(tx, p.id, rule.name, rule.settings)?;
            let values =
                detect::settings::validate(rule.name, rule.settings, &saved.values, &changes)?;
            let version =
                detect::settings::save(tx, p.id, rule.name, &values, &stamp.actor, stamp.at_ms)?;
            stamp.record(
                tx,
                "rule_settings",
                &format!("{}/{version}", rule.name),
                &serde_json::json!({"rule": rule.name, "version": version, "values": values}),
            )?;
            Ok(RuleSettingsSaved {
                rule: rule.name.to_string(),
                version,
                settings_json: serde_json::to_string(&values).unwrap_or_default(),
            })
        })?)
}

/// A page of the session's program's flags matching the filter, in the order it asks (highest score first).
pub fn flags_list(cx: &Ctx, filter: FlagFilter) -> Result<FlagPage, ApiError> {
    let a = cx.allow(Op::FlagsList)?;
    Ok(detect::queue::page_in(
        cx.workspace().store(),
        Some(a.program()?.id),
        &filter,
    )?)
}

/// Confirms or dismisses a flag as the signed-in person (the request cannot name anyone else).
pub fn flag_decide(cx: &Ctx, input: FlagDecisionInput) -> Result<FlagRow, ApiError> {
    let a = cx.allow_request(Op::FlagDecide, &input)?;
    let program_id = a.program()?.id;
    Ok(detect::queue::decide_in(
        cx.workspace().store(),
        Some(program_id),
        &input,
        a.stamp()?,
    )?)
}

/// The session program's flags matching the filter, grouped by affiliate and rule (most money at stake first).
pub fn flags_groups(cx: &Ctx, filter: FlagFilter) -> Result<Vec<FlagGroup>, ApiError> {
    let a = cx.allow(Op::FlagsGroups)?;
    Ok(detect::groups::groups_in(
        cx.workspace().store(),
        a.program()?.id,
        &filter,
    )?)
}

/// One decision and comment for several flags of the session's program, as the signed-in person.
pub fn flag_decide_bulk(
    cx: &Ctx,
    input: FlagBulkDecisionInput,
) -> Result<FlagBulkDecisionResult, ApiError> {
    let a = cx.allow_request(Op::FlagDecideBulk, &input)?;
    let (p, stamp) = (a.program()?, a.stamp()?);
    Ok(detect::groups::decide_many(
        cx.workspace().store(),
        p.id,
        &input,
        stamp,
    )?)
}

/// The session program's allow-list, active entries first.
pub fn allowlist_list(cx: &Ctx) -> Result<Vec<AllowEntry>, ApiError> {
    let a = cx.allow(Op::AllowlistList)?;
    let program_id = a.program()?.id;
    Ok(cx
        .workspace()
        .store()
        .read(|conn| detect::allowlist::list(conn, program_id))?)
}

/// Allow-lists an IP range or a sub-ID in the session's program, as the signed-in person (audited).
pub fn allowlist_add(cx: &Ctx, input: AllowEntryInput) -> Result<AllowEntry, ApiError> {
    let a = cx.allow_request(Op::AllowlistAdd, &input)?;
    let (p, stamp) = (a.program()?, a.stamp()?);
    Ok(cx
        .workspace()
        .store()
        .write(|tx| -> Result<_, DetectError> {
            let e = detect::allowlist::add(tx, p.id, &input, stamp)?;
            stamp.record(
                tx,
                "allowlist",
                &e.id.to_string(),
                &serde_json::to_value(&e).unwrap_or_default(),
            )?;
            Ok(e)
        })?)
}

/// Revokes an allow-list entry of the session's program, saying why (audited).
pub fn allowlist_revoke(cx: &Ctx, input: AllowRevokeInput) -> Result<AllowEntry, ApiError> {
    let a = cx.allow_request(Op::AllowlistRevoke, &input)?;
    let (p, stamp) = (a.program()?, a.stamp()?);
    Ok(cx
        .workspace()
        .store()
        .write(|tx| -> Result<_, DetectError> {
            let e = detect::allowlist::revoke(tx, p.id, input.id, &input.reason, stamp)?;
            stamp.record(
                tx,
                "allowlist",
                &e.id.to_string(),
                &serde_json::json!({"revoked": e.id, "reason": input.reason.trim()}),
            )?;
            Ok(e)
        })?)
}

pub fn flag_investigate(cx: &Ctx, flag_id: i64) -> Result<Investigation, ApiError> {
    let a = cx.allow(Op::FlagInvestigate)?;
    let program_id = a.program()?.id;
    Ok(detect::queue::investigate_in(
        cx.workspace().store(),
        Some(program_id),
        flag_id,
    )?)
}
