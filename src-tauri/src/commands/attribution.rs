//! Tauri commands: Attribution: affiliates, explanations, rules, promo codes, runs, multi-touch.
//! Each is an adapter over one `affops_core::ops` function; who is asking is the shell's session, never the page's.

use affops_core::api::*;
use affops_core::ops::{self, Console};
use tauri::State;

#[tauri::command]
pub async fn list_affiliates(
    console: State<'_, Console>,
    request: DashboardQuery,
) -> Result<AffiliatesPage, ApiError> {
    console
        .run(move |cx| ops::attribution::list_affiliates(cx, request))
        .await
}

#[tauri::command]
pub async fn affiliate_detail(
    console: State<'_, Console>,
    request: AffiliateRequest,
) -> Result<AffiliateDetail, ApiError> {
    console
        .run(move |cx| ops::attribution::affiliate_detail(cx, request))
        .await
}

#[tauri::command]
pub async fn explain_player(
    console: State<'_, Console>,
    request: String,
) -> Result<PlayerExplanation, ApiError> {
    console
        .run(move |cx| ops::attribution::explain_player(cx, request))
        .await
}

#[tauri::command]
pub async fn attribution_rules(
    console: State<'_, Console>,
) -> Result<AttributionRulesView, ApiError> {
    console.run(ops::attribution::attribution_rules).await
}

#[tauri::command]
pub async fn save_attribution_rules(
    console: State<'_, Console>,
    request: SaveRulesRequest,
) -> Result<SaveRulesResult, ApiError> {
    console
        .run(move |cx| ops::attribution::save_attribution_rules(cx, request))
        .await
}

#[tauri::command]
pub async fn multi_touch_report(
    console: State<'_, Console>,
    request: MultiTouchRequest,
) -> Result<MultiTouchReport, ApiError> {
    console
        .run(move |cx| ops::attribution::multi_touch_report(cx, request))
        .await
}

#[tauri::command]
pub async fn set_promo_code(
    console: State<'_, Console>,
    request: PromoCodeRequest,
) -> Result<(), ApiError> {
    console
        .run(move |cx| ops::attribution::set_promo_code(cx, request))
        .await
}

#[tauri::command]
pub async fn add_affiliate_identifier(
    console: State<'_, Console>,
    request: AffiliateIdentifierRequest,
) -> Result<AffiliateIdentifier, ApiError> {
    console
        .run(move |cx| ops::attribution::add_affiliate_identifier(cx, request))
        .await
}

#[tauri::command]
pub async fn remove_affiliate_identifier(
    console: State<'_, Console>,
    request: AffiliateIdentifierRequest,
) -> Result<AffiliateIdentifier, ApiError> {
    console
        .run(move |cx| ops::attribution::remove_affiliate_identifier(cx, request))
        .await
}

#[tauri::command]
pub async fn run_attribution(
    console: State<'_, Console>,
) -> Result<AttributionRunSummary, ApiError> {
    console.run(ops::attribution::run_attribution).await
}
