//! The operator (casino back-office) API: players and deposits, with bearer auth and cursor paging.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::paging::{check_bearer, CursorParams, RequestError};
use super::{respond_page, to_body, AppState};
use crate::faults::Stream;
use crate::truth::format_amount;

const BRAND: &str = "demo-casino";

#[derive(Serialize)]
struct CursorPage<T> {
    data: Vec<T>,
    next_cursor: Option<String>,
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
}

fn rfc3339_seconds(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Auth, paging and fault handling shared by both streams; `build` turns a slice into the response body.
async fn cursor_stream<T>(
    state: &AppState,
    headers: &HeaderMap,
    query: &HashMap<String, String>,
    stream: Stream,
    items: &[T],
    build: impl Fn(&[T], Option<String>) -> Result<Vec<u8>, RequestError>,
) -> Response {
    let page = check_bearer(headers, &state.api_key)
        .and_then(|()| CursorParams::parse(query, items.len()))
        .and_then(|params| {
            let (slice, next_cursor) = params.slice(items);
            Ok((params.page(), build(slice, next_cursor)?))
        });
    match page {
        Ok((page, body)) => respond_page(state, stream, page, body).await,
        Err(e) => e.operator(),
    }
}

/// `GET /operator/v1/players`
pub(super) async fn players(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let world = &state.world;
    let currency = world.program.currency.as_str();
    cursor_stream(
        &state,
        &headers,
        &query,
        Stream::Players,
        &world.players,
        |slice, next_cursor| {
            let data = slice
                .iter()
                .map(|p| PlayerRow {
                    player_id: &p.player_id,
                    brand: BRAND,
                    currency,
                    registered_at: rfc3339_seconds(p.registered_at),
                    country: &p.country,
                    click_id: p.click_id.as_deref(),
                    btag: p.btag.as_deref(),
                    promo_code: None,
                })
                .collect();
            to_body(&CursorPage { data, next_cursor })
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
    cursor_stream(
        &state,
        &headers,
        &query,
        Stream::Deposits,
        &world.deposits,
        |slice, next_cursor| {
            let data = slice
                .iter()
                .map(|d| DepositRow {
                    deposit_id: &d.deposit_id,
                    player_id: &d.player_id,
                    amount: format_amount(d.amount),
                    currency,
                    occurred_at: rfc3339_seconds(d.occurred_at),
                    is_ftd: d.is_ftd,
                })
                .collect();
            to_body(&CursorPage { data, next_cursor })
        },
    )
    .await
}
