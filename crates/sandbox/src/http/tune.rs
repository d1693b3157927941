//! The TUNE (HasOffers)-shaped tracker: `GET /Apiv3/json?Target=Conversion&Method=findAll` with the key in the
//! `api_key` query parameter, `filters[datetime][GREATER_THAN_OR_EQUAL_TO]` / `[LESS_THAN_OR_EQUAL_TO]`
//! (`YYYY-MM-DD HH:MM:SS`, UTC here; both optional), 1-based `page` and `limit` (default 50, at most
//! [`LIMIT_MAX`] — our cap; a refused larger one names it), rows in `datetime` order.
//!
//! The envelope is HasOffers': `{"request":{…},"response":{"status":1,"httpStatus":200,"data":{"page",
//! "current","count","pageCount","data":{"<id>":{"Conversion":{…}}}},"errors":[],"errorMessage":null}}`, with
//! `data.data` an empty array when no row matches. Like HasOffers, `request` echoes the parameters — the key
//! included, which is what a client must keep out of its archive — and a refused call (wrong key, bad parameter)
//! is still HTTP 200, with `status:-1` and `errors:[{"publicMessage":…}]`. Every Conversion field is a string;
//! money has five decimals (`"12.50000"`). `fields[]` is accepted and ignored: every field is always sent.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, NaiveDateTime, Utc};
use rust_decimal::Decimal;
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use super::paging::{parse_number, PageParams, RequestError};
use super::tracker::TIME_FORMAT;
use super::{json_value, respond, take_fault, to_body, AppState};
use crate::faults::{FaultKind, Stream};

const LIMIT_DEFAULT: u32 = 50;
/// The largest page served. HasOffers allows larger pages on some networks; 1000 keeps a page's body bounded.
pub const LIMIT_MAX: u32 = 1000;
/// The world has one offer.
const OFFER_ID: &str = "1";
const FROM_PARAM: &str = "filters[datetime][GREATER_THAN_OR_EQUAL_TO]";
const TO_PARAM: &str = "filters[datetime][LESS_THAN_OR_EQUAL_TO]";

#[derive(Serialize)]
struct TuneConversion<'a> {
    id: &'a str,
    affiliate_id: String,
    offer_id: &'a str,
    status: &'a str,
    payout: String,
    revenue: String,
    sale_amount: String,
    currency: &'a str,
    datetime: String,
    /// The click's transaction id.
    ad_id: &'a str,
    /// The advertiser's reference: the operator's deposit id.
    advertiser_info: &'a str,
    affiliate_info1: &'a str,
    affiliate_info2: &'a str,
    affiliate_info3: &'a str,
    affiliate_info4: &'a str,
    affiliate_info5: &'a str,
    ip: &'a str,
    country_code: &'a str,
    is_adjustment: &'a str,
}

#[derive(Serialize)]
struct Row<'a> {
    #[serde(rename = "Conversion")]
    conversion: TuneConversion<'a>,
}

/// `data.data`: an object keyed by id in the order given, or `[]` when empty (as HasOffers sends it).
struct RowsById<'a>(Vec<Row<'a>>);

impl Serialize for RowsById<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0.is_empty() {
            return s.serialize_seq(Some(0))?.end();
        }
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for row in &self.0 {
            map.serialize_entry(row.conversion.id, row)?;
        }
        map.end()
    }
}

#[derive(Serialize)]
struct Data<'a> {
    page: u32,
    current: usize,
    count: usize,
    #[serde(rename = "pageCount")]
    page_count: usize,
    data: RowsById<'a>,
}

#[derive(Serialize)]
struct Reply<'a, D: Serialize> {
    request: &'a HashMap<String, String>,
    response: Answer<D>,
}

#[derive(Serialize)]
struct Answer<D: Serialize> {
    status: i8,
    #[serde(rename = "httpStatus")]
    http_status: u16,
    data: D,
    errors: Vec<PublicError>,
    #[serde(rename = "errorMessage")]
    error_message: Option<String>,
}

#[derive(Serialize)]
struct PublicError {
    #[serde(rename = "publicMessage")]
    public_message: String,
}

/// Five decimals, as HasOffers writes money: `12.5` → `"12.50000"`.
fn money(amount: Decimal) -> String {
    let mut d = amount;
    d.rescale(5);
    d.to_string()
}

fn parse_time(
    query: &HashMap<String, String>,
    param: &'static str,
) -> Result<Option<DateTime<Utc>>, RequestError> {
    query
        .get(param)
        .map(|raw| {
            NaiveDateTime::parse_from_str(raw.trim(), TIME_FORMAT)
                .map(|t| t.and_utc())
                .map_err(|_| {
                    RequestError::bad(param, format!("{raw:?} is not YYYY-MM-DD HH:MM:SS"))
                })
        })
        .transpose()
}

/// HasOffers refuses with HTTP 200, `status:-1` and a public message (a bug of ours is still a 500).
fn refused(request: &HashMap<String, String>, e: &RequestError) -> Response {
    let (http, _) = e.status_and_param();
    let message = match e {
        RequestError::Unauthorized => "Invalid API key".to_string(),
        other => other.to_string(),
    };
    let reply = Reply {
        request,
        response: Answer {
            status: -1,
            http_status: 200,
            data: "",
            errors: vec![PublicError {
                public_message: message,
            }],
            error_message: None,
        },
    };
    let body = serde_json::to_value(&reply).unwrap_or_default();
    let status = if http == StatusCode::INTERNAL_SERVER_ERROR {
        http
    } else {
        StatusCode::OK
    };
    json_value(status, &body)
}

/// A checked request: the page and the inclusive datetime window (either bound may be absent).
struct Checked {
    params: PageParams,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
}

fn validate(query: &HashMap<String, String>, api_key: &str) -> Result<Checked, RequestError> {
    if query.get("api_key").map(String::as_str) != Some(api_key) {
        return Err(RequestError::Unauthorized);
    }
    if query.get("Target").map(String::as_str) != Some("Conversion") {
        return Err(RequestError::bad("Target", "only Conversion is served"));
    }
    if query.get("Method").map(String::as_str) != Some("findAll") {
        return Err(RequestError::bad("Method", "only findAll is served"));
    }
    let from = parse_time(query, FROM_PARAM)?;
    let to = parse_time(query, TO_PARAM)?;
    if let (Some(from), Some(to)) = (from, to) {
        if to < from {
            return Err(RequestError::bad(
                TO_PARAM,
                format!("is before {FROM_PARAM}"),
            ));
        }
    }
    let params = PageParams {
        page: parse_number(query, "page", 1, 1, u32::MAX)?,
        page_size: parse_number(query, "limit", LIMIT_DEFAULT, 1, LIMIT_MAX)?,
    };
    Ok(Checked { params, from, to })
}

/// `GET /Apiv3/json`
pub(super) async fn api(
    State(state): State<Arc<AppState>>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Response {
    // The echo and the parameters: one value per name (`fields[]` repeats and is ignored).
    let query: HashMap<String, String> =
        pairs.into_iter().filter(|(k, _)| k != "fields[]").collect();
    let Checked { params, from, to } = match validate(&query, &state.api_key) {
        Ok(parsed) => parsed,
        Err(e) => return refused(&query, &e),
    };
    let fault = take_fault(&state, Stream::TuneConversions, params.page);
    let back = FaultKind::rows_back(fault, params.page, params.page_size as usize);
    let world = &state.world;
    let mut matching: Vec<_> = world
        .conversions
        .iter()
        .filter(|c| {
            from.is_none_or(|f| c.converted_at >= f) && to.is_none_or(|t| c.converted_at <= t)
        })
        .collect();
    // `sort[datetime]=asc`, ties by id so pages are stable.
    matching.sort_by(|a, b| {
        (a.converted_at, &a.conversion_id).cmp(&(b.converted_at, &b.conversion_id))
    });
    let currency = world.program.currency.as_str();
    let rows: Vec<Row<'_>> = params
        .slice_back(&matching, back)
        .iter()
        .map(|c| Row {
            conversion: TuneConversion {
                id: &c.conversion_id,
                affiliate_id: c.affiliate_id.to_string(),
                offer_id: OFFER_ID,
                status: c.status.as_str(),
                payout: money(c.payout),
                revenue: money(c.revenue),
                sale_amount: money(c.sale_amount),
                currency,
                datetime: c.converted_at.format(TIME_FORMAT).to_string(),
                ad_id: &c.transaction_id,
                advertiser_info: &c.deposit_id,
                affiliate_info1: &c.sub1,
                affiliate_info2: &c.sub2,
                affiliate_info3: &c.sub3,
                affiliate_info4: &c.sub4,
                affiliate_info5: &c.sub5,
                ip: &c.conversion_user_ip,
                country_code: &c.country,
                is_adjustment: "0",
            },
        })
        .collect();
    let reply = Reply {
        request: &query,
        response: Answer {
            status: 1,
            http_status: 200,
            data: Data {
                page: params.page,
                current: rows.len(),
                count: matching.len(),
                page_count: matching.len().div_ceil(params.page_size as usize),
                data: RowsById(rows),
            },
            errors: Vec::new(),
            error_message: None,
        },
    };
    match to_body(&reply) {
        Ok(body) => respond(&state, fault, body).await,
        Err(e) => refused(&query, &e),
    }
}
