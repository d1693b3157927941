//! The Forex broker back-office API: IBs, client accounts, symbols and MT5-shaped deals, with the operator's bearer
//! auth and cursor paging. A world generated without `forex` answers 404 on all four.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Serialize;

use super::operator::{rfc3339_seconds, row_stream};
use super::paging::RequestError;
use super::AppState;
use crate::faults::Stream;
use crate::truth::format_amount;
use crate::world::ForexWorld;

type Params = Query<HashMap<String, String>>;

fn forex_or_404(state: &AppState) -> Result<&ForexWorld, RequestError> {
    state
        .world
        .forex
        .as_ref()
        .ok_or(RequestError::NotFound("this world has no forex program"))
}

#[derive(Serialize)]
struct IbRow<'a> {
    ib_id: u32,
    name: &'a str,
    parent_ib_id: Option<u32>,
    email: &'a str,
    rebate_per_lot: String,
}

/// `GET /operator/v1/ibs`
pub(super) async fn ibs(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Params,
) -> Response {
    let fx = match forex_or_404(&state) {
        Ok(fx) => fx,
        Err(e) => return e.operator(),
    };
    row_stream(&state, &headers, &q, Stream::Ibs, &fx.ibs, |i| IbRow {
        ib_id: i.id,
        name: &i.name,
        parent_ib_id: i.parent_id,
        email: &i.email,
        rebate_per_lot: format_amount(i.rebate_per_lot),
    })
    .await
}

#[derive(Serialize)]
struct AccountRow<'a> {
    login: u64,
    ib_id: Option<u32>,
    currency: &'a str,
    is_cent: bool,
    separate_commission: bool,
    registered_at: String,
    country: &'a str,
}

/// `GET /operator/v1/accounts`
pub(super) async fn accounts(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Params,
) -> Response {
    let fx = match forex_or_404(&state) {
        Ok(fx) => fx,
        Err(e) => return e.operator(),
    };
    row_stream(&state, &headers, &q, Stream::Accounts, &fx.accounts, |a| {
        AccountRow {
            login: a.login,
            ib_id: a.ib_id,
            currency: &a.currency,
            is_cent: a.is_cent,
            separate_commission: a.separate_commission,
            registered_at: rfc3339_seconds(a.registered_at),
            country: &a.country,
        }
    })
    .await
}

#[derive(Serialize)]
struct SymbolRow<'a> {
    symbol: &'a str,
    /// Units of the base per lot, as text ("100000", "1000", "0.01").
    contract_size: String,
    digits: u32,
    is_cent: bool,
}

/// `GET /operator/v1/symbols`
pub(super) async fn symbols(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Params,
) -> Response {
    let fx = match forex_or_404(&state) {
        Ok(fx) => fx,
        Err(e) => return e.operator(),
    };
    row_stream(&state, &headers, &q, Stream::Symbols, &fx.symbols, |s| {
        SymbolRow {
            symbol: &s.name,
            contract_size: s.contract_size.normalize().to_string(),
            digits: s.digits,
            is_cent: s.is_cent,
        }
    })
    .await
}

#[derive(Serialize)]
struct DealRow<'a> {
    ticket: u64,
    login: u64,
    #[serde(rename = "type")]
    kind: crate::world::DealType,
    entry: crate::world::DealEntry,
    symbol: &'a str,
    /// Lots, 2 dp, as text.
    volume: String,
    price: String,
    commission: String,
    swap: String,
    profit: String,
    position_id: u64,
    time: String,
}

/// `GET /operator/v1/deals`
pub(super) async fn deals(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Params,
) -> Response {
    let fx = match forex_or_404(&state) {
        Ok(fx) => fx,
        Err(e) => return e.operator(),
    };
    row_stream(&state, &headers, &q, Stream::Deals, &fx.deals, |d| {
        DealRow {
            ticket: d.ticket,
            login: d.login,
            kind: d.kind,
            entry: d.entry,
            symbol: &d.symbol,
            volume: format_amount(d.volume),
            price: d.price.to_string(),
            commission: format_amount(d.commission),
            swap: format_amount(d.swap),
            profit: format_amount(d.profit),
            position_id: d.position_id,
            time: rfc3339_seconds(d.time),
        }
    })
    .await
}
