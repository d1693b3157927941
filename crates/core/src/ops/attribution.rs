//! Attribution: affiliates and their players, a player's explanation, the rule versions, promo codes, runs and
//! the multi-touch report (analysis only).

use super::catalog::Op;
use super::context::Ctx;
use crate::api::{
    AffiliateDetail, AffiliateIdentifier, AffiliateIdentifierRequest, AffiliateRequest,
    AffiliatesPage, ApiError, AttributionRulesView, AttributionRunSummary, DashboardQuery,
    ErrorCode, MultiTouchReport, MultiTouchRequest, Period, PlayerExplanation, PromoCodeRequest,
    SaveRulesRequest, SaveRulesResult,
};
use crate::attribution::{
    affiliates, explain, identifiers, promo, report, versions, AttributionError,
};
use crate::dashboard::resolve_period;
use crate::programs::Program;

impl From<AttributionError> for ApiError {
    fn from(e: AttributionError) -> Self {
        match e {
            AttributionError::NotFound(m) => ApiError::new(ErrorCode::NotFound, m),
            e @ (AttributionError::Invalid(_) | AttributionError::Rules(_)) => {
                ApiError::new(ErrorCode::InvalidInput, e.to_string())
            }
            AttributionError::Store(s) => s.into(),
        }
    }
}

/// Refuses a Forex program: a broker's clients come attributed to their IB by the broker, and running click/btag
/// attribution over them would overwrite those links (every client organic).
fn igaming(p: &Program, what: &str) -> Result<(), ApiError> {
    if p.is_forex() {
        return Err(ApiError::new(
            ErrorCode::InvalidInput,
            format!(
                "{what} applies to iGaming programs; {} is a forex program whose clients the broker attributes to their IB",
                p.name
            ),
        ));
    }
    Ok(())
}

pub fn list_affiliates(cx: &Ctx, q: DashboardQuery) -> Result<AffiliatesPage, ApiError> {
    let a = cx.allow(Op::ListAffiliates)?;
    let p = a.program()?;
    let period = resolve_period(cx.workspace(), p, &q)?;
    Ok(cx
        .workspace()
        .store()
        .read(|c| affiliates::list(c, p.id, &period))?)
}

pub fn affiliate_detail(cx: &Ctx, req: AffiliateRequest) -> Result<AffiliateDetail, ApiError> {
    let a = cx.allow(Op::AffiliateDetail)?;
    let p = a.program()?;
    let period = resolve_period(cx.workspace(), p, &req.period)?;
    Ok(cx
        .workspace()
        .store()
        .read(|c| affiliates::detail(c, p.id, req.affiliate.trim(), &period))?)
}

/// A player's stored decision, by the operator's player id.
pub fn explain_player(cx: &Ctx, player: String) -> Result<PlayerExplanation, ApiError> {
    let a = cx.allow(Op::ExplainPlayer)?;
    let p = a.program()?;
    Ok(cx
        .workspace()
        .store()
        .read(|c| explain::player(c, p.id, player.trim()))?)
}

pub fn attribution_rules(cx: &Ctx) -> Result<AttributionRulesView, ApiError> {
    let a = cx.allow(Op::AttributionRules)?;
    let p = a.program()?;
    Ok(cx.workspace().store().read(|c| versions::view(c, p.id))?)
}

/// Validates and stores a rule version; field errors come back in the result and nothing is stored.
pub fn save_attribution_rules(
    cx: &Ctx,
    req: SaveRulesRequest,
) -> Result<SaveRulesResult, ApiError> {
    let a = cx.allow_request(Op::SaveAttributionRules, &req)?;
    let p = a.program()?;
    igaming(p, "Attribution rules")?;
    Ok(versions::save_rules(
        cx.workspace().store(),
        p.id,
        req.effective_from.trim(),
        &req.rules,
        a.stamp()?,
    )?)
}

pub fn multi_touch_report(cx: &Ctx, req: MultiTouchRequest) -> Result<MultiTouchReport, ApiError> {
    let a = cx.allow(Op::MultiTouchReport)?;
    let p = a.program()?;
    let period: Period = resolve_period(cx.workspace(), p, &req.period)?;
    Ok(cx
        .workspace()
        .store()
        .read(|c| report::build(c, p.id, &period, req.half_life_hours))?)
}

/// Assigns a promo code to an affiliate (replacing an earlier owner); applies at the next attribution run.
pub fn set_promo_code(cx: &Ctx, req: PromoCodeRequest) -> Result<(), ApiError> {
    let a = cx.allow_request(Op::SetPromoCode, &req)?;
    let (p, stamp) = (a.program()?, a.stamp()?);
    igaming(p, "A promo code")?;
    Ok(cx.workspace().store().write(|tx| -> Result<(), AttributionError> {
        promo::set(tx, p.id, &req.code, &req.affiliate, req.valid_from.as_deref(), req.valid_to.as_deref(), stamp.at_ms)?;
        stamp.record(tx, "promo_code", &crate::attribution::facts::normalize_promo(&req.code), &serde_json::json!({"affiliate": req.affiliate.trim(), "valid_from": req.valid_from, "valid_to": req.valid_to}))?;
        Ok(())
    })?)
}

/// Adds one of an affiliate's own identifiers (self-referral); one audit entry naming the affiliate, the kind and
/// the value as stored (a hash for an email or a raw instrument, never what was typed).
pub fn add_affiliate_identifier(
    cx: &Ctx,
    req: AffiliateIdentifierRequest,
) -> Result<AffiliateIdentifier, ApiError> {
    let a = cx.allow_request(Op::AddAffiliateIdentifier, &req)?;
    let (p, stamp) = (a.program()?, a.stamp()?);
    Ok(cx.workspace().store().write(|tx| -> Result<AffiliateIdentifier, AttributionError> {
        let added = identifiers::add(tx, p.id, &req.affiliate, &req.kind, &req.value, &stamp.actor, stamp.at_ms)?;
        stamp.record(tx, "affiliate", req.affiliate.trim(), &serde_json::json!({"added": {"kind": added.kind, "value": added.value, "hint": added.hint}}))?;
        Ok(added)
    })?)
}

/// Removes one of an affiliate's own identifiers; one audit entry naming what was removed.
pub fn remove_affiliate_identifier(
    cx: &Ctx,
    req: AffiliateIdentifierRequest,
) -> Result<AffiliateIdentifier, ApiError> {
    let a = cx.allow_request(Op::RemoveAffiliateIdentifier, &req)?;
    let (p, stamp) = (a.program()?, a.stamp()?);
    Ok(cx.workspace().store().write(|tx| -> Result<AffiliateIdentifier, AttributionError> {
        let removed = identifiers::remove(tx, p.id, &req.affiliate, &req.kind, &req.value)?;
        stamp.record(tx, "affiliate", req.affiliate.trim(), &serde_json::json!({"removed": {"kind": removed.kind, "value": removed.value, "hint": removed.hint, "origin": removed.origin}}))?;
        Ok(removed)
    })?)
}

/// (Re)decides every player not yet locked by an FTD; idempotent.
pub fn run_attribution(cx: &Ctx) -> Result<AttributionRunSummary, ApiError> {
    let a = cx.allow(Op::RunAttribution)?;
    let (p, stamp) = (a.program()?, a.stamp()?);
    igaming(p, "Attribution")?;
    Ok(cx.workspace().store().write(|tx| {
        let summary = crate::attribution::run_in(tx, p.id, cx.now_ms)?;
        stamp.record(
            tx,
            "program",
            &p.name,
            &serde_json::to_value(&summary).unwrap_or_default(),
        )?;
        Ok::<_, crate::store::StoreError>(summary)
    })?)
}
