//! The Everflow-shaped tracker API: affiliates, the click stream and conversions, with `page`/`page_size` paging.
//!
//! Money fields (`payout`, `revenue`, `sale_amount`) are JSON numbers written digit for digit from decimals via
//! `RawValue`, so no amount ever passes through f64 on its way out.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::{DateTime, NaiveDateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::paging::{check_tracker_key, PageParams, RequestError};
use super::{respond, take_fault, to_body, AppState};
use crate::faults::{FaultKind, Stream};
use crate::world::{Affiliate, Conversion, World};

pub(super) const TIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

#[derive(Serialize)]
struct Paging {
    page: u32,
    page_size: u32,
    total_count: usize,
}

impl Paging {
    fn new(params: PageParams, total_count: usize) -> Self {
        Self {
            page: params.page,
            page_size: params.page_size,
            total_count,
        }
    }
}

#[derive(Serialize)]
struct AffiliateRow<'a> {
    network_affiliate_id: u32,
    name: &'a str,
    account_status: &'a str,
    /// The master affiliate of a sub-affiliate, or null.
    network_affiliate_parent_id: Option<u32>,
    /// The affiliate's contact email: self-referral checks compare players' emails against it.
    email: &'a str,
}

#[derive(Serialize)]
struct Relationship<'a> {
    affiliate: AffiliateRef<'a>,
}

#[derive(Serialize)]
struct AffiliateRef<'a> {
    network_affiliate_id: u32,
    name: &'a str,
}

fn relationship(world: &World, affiliate_id: u32) -> Relationship<'_> {
    Relationship {
        affiliate: AffiliateRef {
            network_affiliate_id: affiliate_id,
            name: world
                .affiliate(affiliate_id)
                .map_or("", |a| a.name.as_str()),
        },
    }
}

type Params = HashMap<String, String>;

/// Auth, paging and fault handling shared by the tracker endpoints: `parse` validates the request (and yields
/// whatever else the page needs), the fault for that page is taken, and `build` makes the body starting `back`
/// rows early if the fault says so.
pub(super) async fn tracker_page<P>(
    state: &AppState,
    stream: Stream,
    parse: impl FnOnce() -> Result<(PageParams, P), RequestError>,
    build: impl FnOnce(PageParams, P, usize) -> Result<Vec<u8>, RequestError>,
) -> Response {
    let (params, extra) = match parse() {
        Ok(parsed) => parsed,
        Err(e) => return e.tracker(),
    };
    let fault = take_fault(state, stream, params.page);
    let back = FaultKind::rows_back(fault, params.page, params.page_size as usize);
    match build(params, extra, back) {
        Ok(body) => respond(state, fault, body).await,
        Err(e) => e.tracker(),
    }
}

/// `GET /v1/networks/affiliates`
pub(super) async fn affiliates(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(query): Query<Params>,
) -> Response {
    let parse = || {
        check_tracker_key(&headers, &state.api_key)?;
        Ok((PageParams::parse(&query)?, ()))
    };
    tracker_page(&state, Stream::Affiliates, parse, |params, (), back| {
        let rows: Vec<AffiliateRow> = params
            .slice_back(&state.world.affiliates, back)
            .iter()
            .map(|a: &Affiliate| AffiliateRow {
                network_affiliate_id: a.id,
                name: &a.name,
                account_status: &a.account_status,
                network_affiliate_parent_id: a.parent_id,
                email: &a.email,
            })
            .collect();
        let paging = Paging::new(params, state.world.affiliates.len());
        to_body(&AffiliatesPage {
            affiliates: rows,
            paging,
        })
    })
    .await
}

#[derive(Deserialize)]
struct RangeBody {
    from: Option<serde_json::Value>,
    to: Option<serde_json::Value>,
}

/// The inclusive UTC window of a reporting request. `timezone_id` is accepted and ignored: v0 worlds are UTC.
fn parse_range(body: &[u8]) -> Result<(DateTime<Utc>, DateTime<Utc>), RequestError> {
    let range: RangeBody = serde_json::from_slice(body)
        .map_err(|e| RequestError::bad("body", format!("not a JSON object: {e}")))?;
    let from = parse_time(range.from.as_ref(), "from")?;
    let to = parse_time(range.to.as_ref(), "to")?;
    if to < from {
        return Err(RequestError::bad("to", "is before from"));
    }
    Ok((from, to))
}

fn parse_time(
    value: Option<&serde_json::Value>,
    field: &'static str,
) -> Result<DateTime<Utc>, RequestError> {
    let text = value
        .and_then(|v| v.as_str())
        .ok_or_else(|| RequestError::bad(field, "missing; expected \"YYYY-MM-DD hh:mm:ss\""))?;
    NaiveDateTime::parse_from_str(text, TIME_FORMAT)
        .map(|t| t.and_utc())
        .map_err(|_| RequestError::bad(field, format!("{text:?} is not \"YYYY-MM-DD hh:mm:ss\"")))
}

#[derive(Serialize)]
struct ClickRow<'a> {
    transaction_id: &'a str,
    unix_timestamp: i64,
    sub1: &'a str,
    sub2: &'a str,
    sub3: &'a str,
    sub4: &'a str,
    sub5: &'a str,
    user_ip: &'a str,
    user_agent: &'a str,
    country: &'a str,
    url: &'a str,
    relationship: Relationship<'a>,
}

/// `POST /v1/networks/reporting/clicks/stream`, filtered on click time.
pub(super) async fn clicks(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(query): Query<Params>,
    body: Bytes,
) -> Response {
    let parse = || {
        check_tracker_key(&headers, &state.api_key)?;
        Ok((PageParams::parse(&query)?, parse_range(&body)?))
    };
    tracker_page(&state, Stream::Clicks, parse, |params, (from, to), back| {
        let world = &state.world;
        let matching = in_range(&world.clicks, |c| c.at, from, to);
        let rows: Vec<ClickRow> = params
            .slice_back(matching, back)
            .iter()
            .map(|c| ClickRow {
                transaction_id: &c.transaction_id,
                unix_timestamp: c.at.timestamp(),
                sub1: &c.sub1,
                sub2: &c.sub2,
                sub3: &c.sub3,
                sub4: &c.sub4,
                sub5: &c.sub5,
                user_ip: &c.ip,
                user_agent: &c.user_agent,
                country: &c.country,
                url: &c.url,
                relationship: relationship(world, c.affiliate_id),
            })
            .collect();
        let paging = Paging::new(params, matching.len());
        to_body(&ClicksPage {
            clicks: rows,
            paging,
        })
    })
    .await
}

#[derive(Serialize)]
struct ConversionRow<'a> {
    conversion_id: &'a str,
    transaction_id: &'a str,
    status: &'a str,
    payout: Box<RawValue>,
    revenue: Box<RawValue>,
    sale_amount: Box<RawValue>,
    currency_id: &'a str,
    conversion_unix_timestamp: i64,
    click_unix_timestamp: i64,
    sub1: &'a str,
    sub2: &'a str,
    sub3: &'a str,
    sub4: &'a str,
    sub5: &'a str,
    adv1: &'a str,
    adv2: &'a str,
    adv3: &'a str,
    adv4: &'a str,
    adv5: &'a str,
    coupon_code: &'a str,
    order_id: &'a str,
    session_user_ip: &'a str,
    conversion_user_ip: &'a str,
    country: &'a str,
    is_scrub: bool,
    event: &'a str,
    relationship: Relationship<'a>,
    /// Only in the changes feed: when the status or payout last changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    updated_unix_timestamp: Option<i64>,
}

/// A decimal as a JSON number, digit for digit: `25.50` → `25.5`, `100.00` → `100`.
pub(super) fn exact_number(amount: Decimal) -> Box<RawValue> {
    RawValue::from_string(amount.normalize().to_string()).unwrap_or_default()
}

/// `POST /v1/networks/reporting/conversions`, filtered on conversion time.
pub(super) async fn conversions(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(query): Query<Params>,
    body: Bytes,
) -> Response {
    let parse = || {
        check_tracker_key(&headers, &state.api_key)?;
        Ok((PageParams::parse(&query)?, parse_range(&body)?))
    };
    tracker_page(
        &state,
        Stream::Conversions,
        parse,
        |params, (from, to), back| {
            let world = &state.world;
            let matching = in_range(&world.conversions, |c| c.converted_at, from, to);
            conversions_body(world, params, matching, back)
        },
    )
    .await
}

/// A conversions page in the Everflow envelope; every row carries `updated_unix_timestamp`, the instant of its last
/// status or payout change, so a late approval is visible even to a one-shot historical sync.
/// The sub-slice of `items` (sorted by `at`, as every world vector is) whose instant lies in `[from, to]`:
/// two binary searches per page instead of a scan of the whole world.
fn in_range<T>(
    items: &[T],
    at: impl Fn(&T) -> chrono::DateTime<chrono::Utc>,
    from: chrono::DateTime<chrono::Utc>,
    to: chrono::DateTime<chrono::Utc>,
) -> &[T] {
    debug_assert!(
        items.windows(2).all(|w| at(&w[0]) <= at(&w[1])),
        "world vectors are sorted by time"
    );
    let lo = items.partition_point(|x| at(x) < from);
    let hi = items.partition_point(|x| at(x) <= to).max(lo);
    &items[lo..hi]
}

pub(super) fn conversions_body<C: std::borrow::Borrow<Conversion>>(
    world: &World,
    params: PageParams,
    matching: &[C],
    back: usize,
) -> Result<Vec<u8>, RequestError> {
    {
        let currency = world.program.currency.as_str();
        let rows: Vec<ConversionRow> = params
            .slice_back(matching, back)
            .iter()
            .map(|c| c.borrow())
            .map(|c| ConversionRow {
                conversion_id: &c.conversion_id,
                transaction_id: &c.transaction_id,
                status: c.status.as_str(),
                payout: exact_number(c.payout),
                revenue: exact_number(c.revenue),
                sale_amount: exact_number(c.sale_amount),
                currency_id: currency,
                conversion_unix_timestamp: c.converted_at.timestamp(),
                click_unix_timestamp: c.click_at.timestamp(),
                sub1: &c.sub1,
                sub2: &c.sub2,
                sub3: &c.sub3,
                sub4: &c.sub4,
                sub5: &c.sub5,
                adv1: &c.player_id,
                adv2: "",
                adv3: "",
                adv4: "",
                adv5: "",
                coupon_code: &c.coupon_code,
                order_id: &c.deposit_id,
                session_user_ip: &c.session_user_ip,
                conversion_user_ip: &c.conversion_user_ip,
                country: &c.country,
                is_scrub: false,
                event: "FTD",
                relationship: relationship(world, c.affiliate_id),
                updated_unix_timestamp: Some(c.updated_at.timestamp()),
            })
            .collect();
        let envelope = ConversionsPage {
            conversions: rows,
            paging: Paging::new(params, matching.len()),
        };
        to_body(&envelope)
    }
}

// Envelopes are typed rather than `json!`: `RawValue` fields only keep their exact text when serialised
// directly, and typed rows keep the field order of the documented shape.
#[derive(Serialize)]
struct AffiliatesPage<'a> {
    affiliates: Vec<AffiliateRow<'a>>,
    paging: Paging,
}

#[derive(Serialize)]
struct ClicksPage<'a> {
    clicks: Vec<ClickRow<'a>>,
    paging: Paging,
}

#[derive(Serialize)]
struct ConversionsPage<'a> {
    conversions: Vec<ConversionRow<'a>>,
    paging: Paging,
}
