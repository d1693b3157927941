//! The operator (casino back-office) API: players, deposits, withdrawals and daily activity, with bearer auth and
//! cursor paging. Money is text with exactly 2 decimals, as operators send it.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::paging::{check_bearer, CursorParams, RequestError};
use super::{respond, take_fault, to_body, AppState};
use crate::faults::{FaultKind, Stream};
use crate::truth::format_amount;

const BRAND: &str = "demo-casino";

#[derive(Serialize)]
pub(super) struct CursorPage<T> {
    pub data: Vec<T>,
    pub next_cursor: Option<String>,
}

#[derive(Serialize)]
struct PlayerRow<'a> {
    player_id: &'a str,
    brand: &'a str,
    currency: &'a str,
    registered_at: String,
    country: &'a str,
    click_id: Option<&'a str>,
    btag: Option<&'a str>,
    promo_code: Option<&'a str>,
    /// The registration IP, the device fingerprint and the email as the player typed it: operators' CRMs send
    /// them so multi-accounting and self-referral can be checked downstream.
    ip: &'a str,
    /// The country the registration IP geolocates to, as the operator's own GeoIP lookup says (omitted when
    /// unknown).
    #[serde(skip_serializing_if = "str::is_empty")]
    ip_country: &'a str,
    device_id: &'a str,
    email: &'a str,
}

#[derive(Serialize)]
struct DepositRow<'a> {
    deposit_id: &'a str,
    player_id: &'a str,
    /// A string with exactly 2 decimals: operators send money as text.
    amount: String,
    currency: &'a str,
    occurred_at: String,
    is_ftd: bool,
    /// A stable hash of the payment instrument (the operator never sends the card itself).
    payment_hash: &'a str,
}

pub(super) fn rfc3339_seconds(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Auth, paging and fault handling shared by the cursor streams; `build` turns a slice into the response body.
pub(super) async fn cursor_stream<'a, T>(
    state: &AppState,
    headers: &HeaderMap,
    query: &HashMap<String, String>,
    stream: Stream,
    items: &'a [T],
    build: impl Fn(&'a [T], Option<String>) -> Result<Vec<u8>, RequestError>,
) -> Response {
    let params = match check_bearer(headers, &state.api_key)
        .and_then(|()| CursorParams::parse(query, items.len()))
    {
        Ok(params) => params,
        Err(e) => return e.operator(),
    };
    let page = params.page();
    let fault = take_fault(state, stream, page);
    let (slice, next_cursor) = params.slice(items, FaultKind::rows_back(fault, page, params.limit));
    match build(slice, next_cursor) {
        Ok(body) => respond(state, fault, body).await,
        Err(e) => e.operator(),
    }
}

/// A cursor page of `items`, each serialized as `row(item)`: the common case of [`cursor_stream`].
pub(super) async fn row_stream<'a, T, R: Serialize>(
    state: &AppState,
    headers: &HeaderMap,
    query: &HashMap<String, String>,
    stream: Stream,
    items: &'a [T],
    row: impl Fn(&'a T) -> R,
) -> Response {
    cursor_stream(
        state,
        headers,
        query,
        stream,
        items,
        |slice, next_cursor| {
            let data: Vec<R> = slice.iter().map(&row).collect();
            to_body(&CursorPage { data, next_cursor })
        },
    )
    .await
}

/// `GET /operator/v1/players`
pub(super) async fn players(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let world = &state.world;
    let currency = world.program.currency.as_str();
    row_stream(
        &state,
        &headers,
        &query,
        Stream::Players,
        &world.players,
        |p| PlayerRow {
            player_id: &p.player_id,
            brand: BRAND,
            currency,
            registered_at: rfc3339_seconds(p.registered_at),
            country: &p.country,
            click_id: p.click_id.as_deref(),
            btag: p.btag.as_deref(),
            promo_code: p.promo_code.as_deref(),
            ip: &p.ip,
            ip_country: &p.ip_country,
            device_id: &p.device_id,
            email: &p.email,
        },
    )
    .await
}

/// `GET /operator/v1/deposits`
pub(super) async fn deposits(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let world = &state.world;
    let currency = world.program.currency.as_str();
    row_stream(
        &state,
        &headers,
        &query,
        Stream::Deposits,
        &world.deposits,
        |d| DepositRow {
            deposit_id: &d.deposit_id,
            player_id: &d.player_id,
            amount: format_amount(d.amount),
            currency,
            occurred_at: rfc3339_seconds(d.occurred_at),
            is_ftd: d.is_ftd,
            payment_hash: &d.payment_hash,
        },
    )
    .await
}

#[derive(Serialize)]
struct WithdrawalRow<'a> {
    withdrawal_id: &'a str,
    player_id: &'a str,
    amount: String,
    currency: &'a str,
    occurred_at: String,
    payment_hash: &'a str,
}

/// `GET /operator/v1/withdrawals`
pub(super) async fn withdrawals(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let world = &state.world;
    let currency = world.program.currency.as_str();
    row_stream(
        &state,
        &headers,
        &query,
        Stream::Withdrawals,
        &world.withdrawals,
        |w| WithdrawalRow {
            withdrawal_id: &w.withdrawal_id,
            player_id: &w.player_id,
            amount: format_amount(w.amount),
            currency,
            occurred_at: rfc3339_seconds(w.occurred_at),
            payment_hash: &w.payment_hash,
        },
    )
    .await
}

#[derive(Serialize)]
struct ActivityRow<'a> {
    player_id: &'a str,
    day: String,
    currency: &'a str,
    deposits: String,
    withdrawals: String,
    bets: String,
    wins: String,
    bonuses: String,
    chargebacks: String,
    fees: String,
}

/// `GET /operator/v1/activity`: one row per player per operator day. GGR/NGR are not sent: they are derived.
pub(super) async fn activity(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let world = &state.world;
    let currency = world.program.currency.as_str();
    row_stream(
        &state,
        &headers,
        &query,
        Stream::Activity,
        &world.activity,
        |a| ActivityRow {
            player_id: &a.player_id,
            day: a.day.format("%Y-%m-%d").to_string(),
            currency,
            deposits: format_amount(a.deposits),
            withdrawals: format_amount(a.withdrawals),
            bets: format_amount(a.bets),
            wins: format_amount(a.wins),
            bonuses: format_amount(a.bonuses),
            chargebacks: format_amount(a.chargebacks),
            fees: format_amount(a.fees),
        },
    )
    .await
}
