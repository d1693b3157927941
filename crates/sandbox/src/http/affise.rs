//! The Affise-shaped tracker: `GET /3.0/stats/conversions` with an `API-Key` header, `filter[date_from]` and
//! `filter[date_to]` (inclusive UTC days), 1-based `page` and `limit` ≤ 500, and the `{"status":1, …,
//! "pagination":{…}}` envelope. Statuses are numbers (1 approved, 2 pending, 3 declined); money is a JSON number
//! written digit for digit from the decimal.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::value::RawValue;

use super::paging::{check_affise_key, parse_number, PageParams, RequestError};
use super::tracker::{exact_number, TIME_FORMAT};
use super::{respond, take_fault, to_body, AppState};
use crate::faults::{FaultKind, Stream};

const LIMIT_DEFAULT: u32 = 100;
const LIMIT_MAX: u32 = 500;

#[derive(Serialize)]
struct Partner<'a> {
    id: u32,
    name: &'a str,
}

#[derive(Serialize)]
struct AffiseConversion<'a> {
    /// The conversion id.
    id: &'a str,
    /// The advertiser's order id (the operator's deposit id).
    action_id: &'a str,
    clickid: &'a str,
    status: u8,
    payouts: Box<RawValue>,
    revenue: Box<RawValue>,
    currency: &'a str,
    created_at: String,
    partner: Partner<'a>,
    sub1: &'a str,
    sub2: &'a str,
    sub3: &'a str,
    sub4: &'a str,
    sub5: &'a str,
    ip: &'a str,
    country: &'a str,
}

#[derive(Serialize)]
struct Pagination {
    page: u32,
    limit: u32,
    total_count: usize,
}

#[derive(Serialize)]
struct Envelope<'a> {
    status: u8,
    conversions: Vec<AffiseConversion<'a>>,
    pagination: Pagination,
}

fn parse_day(
    query: &HashMap<String, String>,
    param: &'static str,
) -> Result<NaiveDate, RequestError> {
    let raw = query
        .get(param)
        .ok_or_else(|| RequestError::bad(param, "missing; expected YYYY-MM-DD"))?;
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .map_err(|_| RequestError::bad(param, format!("{raw:?} is not YYYY-MM-DD")))
}

/// `GET /3.0/stats/conversions`
pub(super) async fn conversions(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let parsed = (|| {
        check_affise_key(&headers, &state.api_key)?;
        let from = parse_day(&query, "filter[date_from]")?;
        let to = parse_day(&query, "filter[date_to]")?;
        if to < from {
            return Err(RequestError::bad(
                "filter[date_to]",
                "is before filter[date_from]",
            ));
        }
        let params = PageParams {
            page: parse_number(&query, "page", 1, 1, u32::MAX)?,
            page_size: parse_number(&query, "limit", LIMIT_DEFAULT, 1, LIMIT_MAX)?,
        };
        Ok((params, from, to))
    })();
    let (params, from, to) = match parsed {
        Ok(parsed) => parsed,
        Err(e) => return e.affise(),
    };
    let fault = take_fault(&state, Stream::AffiseConversions, params.page);
    let back = FaultKind::rows_back(fault, params.page, params.page_size as usize);
    let world = &state.world;
    let matching: Vec<_> = world
        .conversions
        .iter()
        .filter(|c| (from..=to).contains(&c.converted_at.date_naive()))
        .collect();
    let currency = world.program.currency.as_str();
    let rows = params
        .slice_back(&matching, back)
        .iter()
        .map(|c| AffiseConversion {
            id: &c.conversion_id,
            action_id: &c.deposit_id,
            clickid: &c.transaction_id,
            status: c.status.affise_code(),
            payouts: exact_number(c.payout),
            revenue: exact_number(c.revenue),
            currency,
            created_at: c.converted_at.format(TIME_FORMAT).to_string(),
            partner: Partner {
                id: c.affiliate_id,
                name: world
                    .affiliate(c.affiliate_id)
                    .map_or("", |a| a.name.as_str()),
            },
            sub1: &c.sub1,
            sub2: &c.sub2,
            sub3: &c.sub3,
            sub4: &c.sub4,
            sub5: &c.sub5,
            ip: &c.conversion_user_ip,
            country: &c.country,
        })
        .collect();
    let envelope = Envelope {
        status: 1,
        conversions: rows,
        pagination: Pagination {
            page: params.page,
            limit: params.page_size,
            total_count: matching.len(),
        },
    };
    match to_body(&envelope) {
        Ok(body) => respond(&state, fault, body).await,
        Err(e) => e.affise(),
    }
}
