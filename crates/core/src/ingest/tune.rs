//! The TUNE (HasOffers) Network API v3 shape: `GET /Apiv3/json?Target=Conversion&Method=findAll` with the key in
//! the `api_key` query parameter, `filters[datetime][GREATER_THAN_OR_EQUAL_TO]` / `[LESS_THAN_OR_EQUAL_TO]`
//! (`YYYY-MM-DD HH:MM:SS`, the network's zone, read as UTC like Affise), 1-based `page` + `limit` (≤ 1000),
//! `sort[datetime]=asc`, and `fields[]` for what is read.
//!
//! The envelope is `{"request":{…},"response":{"status":1,"data":{"page","current","count","pageCount",
//! "data":{"<id>":{"Conversion":{…}},…}},"errors":[]}}`: `data.data` is an object keyed by conversion id, or `[]`
//! when there are no rows. A refused call still answers HTTP 200, with `status` ≠ 1 and
//! `errors:[{"publicMessage":…}]`. Every Conversion field is a string; statuses are `approved`, `pending`,
//! `rejected`. TUNE sends no idempotency key; the conversion `id` is the natural key.
//!
//! Because the key travels in the URL, and HasOffers echoes the request (key included) in `request`, the sync
//! archives pages with the key replaced ([`super::sync`]) and transport errors drop the URL ([`super::http`]).

use super::records::{
    currency, money, optional_money, AffiliateRecord, Arrival, ConversionRecord, ConversionStatus,
    ItemError, ItemResult,
};
use super::stream::{Envelope, Position, Window};
use chrono::NaiveDateTime;
use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

/// Rows per page Affops asks for at most (the sandbox caps `limit` at the same number).
pub const LIMIT_MAX: u32 = 1000;
/// The query parameter that carries the key.
pub const API_KEY_PARAM: &str = "api_key";
/// The Conversion fields Affops reads, requested with `fields[]`.
pub const FIELDS: [&str; 19] = [
    "id",
    "affiliate_id",
    "offer_id",
    "status",
    "payout",
    "revenue",
    "sale_amount",
    "currency",
    "datetime",
    "ad_id",
    "advertiser_info",
    "affiliate_info1",
    "affiliate_info2",
    "affiliate_info3",
    "affiliate_info4",
    "affiliate_info5",
    "ip",
    "country_code",
    "is_adjustment",
];
/// HasOffers' time format, for the filters and `datetime`.
const TIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

/// A count HasOffers may send as a number or a numeric string.
#[derive(Deserialize)]
#[serde(untagged)]
enum Count {
    Number(u64),
    Text(String),
}

impl Count {
    fn value(&self, field: &str) -> Result<u32, String> {
        let n = match self {
            Self::Number(n) => Some(*n),
            Self::Text(t) => t.trim().parse().ok(),
        };
        n.and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| format!("response.data.{field} is not a count"))
    }
}

/// `data.data`: the rows in the order sent, from an object keyed by id or an array (`[]` when empty).
struct Rows(Vec<Box<RawValue>>);

impl<'de> Deserialize<'de> for Rows {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct RowsVisitor;
        impl<'de> Visitor<'de> for RowsVisitor {
            type Value = Rows;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object of conversions keyed by id, or an empty array")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Rows, A::Error> {
                let mut rows = Vec::new();
                while let Some((_id, row)) = map.next_entry::<String, Box<RawValue>>()? {
                    rows.push(row);
                }
                Ok(Rows(rows))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Rows, A::Error> {
                let mut rows = Vec::new();
                while let Some(row) = seq.next_element::<Box<RawValue>>()? {
                    rows.push(row);
                }
                Ok(Rows(rows))
            }
        }
        d.deserialize_any(RowsVisitor)
    }
}

#[derive(Deserialize)]
struct TuneData {
    page: Count,
    count: Count,
    #[serde(rename = "pageCount")]
    page_count: Count,
    data: Rows,
}

#[derive(Deserialize)]
struct TuneResponse {
    status: i64,
    #[serde(default)]
    data: Option<Box<RawValue>>,
    #[serde(default)]
    errors: Option<serde_json::Value>,
    #[serde(default, rename = "errorMessage")]
    error_message: Option<String>,
}

#[derive(Deserialize)]
struct TuneReply {
    response: TuneResponse,
}

/// What a refused call says: every `publicMessage` (or `errorMessage`), joined.
fn refusal(r: &TuneResponse) -> String {
    let mut messages: Vec<String> = Vec::new();
    let items = match &r.errors {
        Some(serde_json::Value::Array(items)) => items.iter().collect(),
        Some(serde_json::Value::Object(_)) => r.errors.iter().collect(),
        _ => Vec::new(),
    };
    for e in items {
        if let Some(m) = e
            .get("publicMessage")
            .or_else(|| e.get("message"))
            .and_then(|m| m.as_str())
        {
            messages.push(m.trim().to_string());
        }
    }
    if messages.is_empty() {
        if let Some(m) = r.error_message.as_deref().filter(|m| !m.trim().is_empty()) {
            messages.push(m.trim().to_string());
        }
    }
    if messages.is_empty() {
        "no message".to_string()
    } else {
        messages.join("; ")
    }
}

pub fn parse_envelope(body: &[u8]) -> Result<Envelope, String> {
    let reply: TuneReply = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    let r = reply.response;
    if r.status != 1 {
        return Err(format!(
            "TUNE refused the call (status {}): {}",
            r.status,
            refusal(&r)
        ));
    }
    let raw = r
        .data
        .ok_or_else(|| "response.data is missing".to_string())?;
    let data: TuneData =
        serde_json::from_str(raw.get()).map_err(|e| format!("response.data: {e}"))?;
    let page = data.page.value("page")?;
    let page_count = data.page_count.value("pageCount")?;
    let total = data.count.value("count")?;
    let next = if data.data.0.is_empty() || page >= page_count {
        None
    } else {
        Some(Position::Page(page + 1))
    };
    Ok(Envelope {
        items: data.data.0,
        total: Some(total),
        next,
    })
}

pub fn list_request(
    client: &reqwest::Client,
    base_url: &str,
    api_key: &str,
    page: u32,
    limit: u32,
    window: &Window,
) -> reqwest::RequestBuilder {
    let mut query: Vec<(&str, String)> = vec![
        ("Target", "Conversion".into()),
        ("Method", "findAll".into()),
        (API_KEY_PARAM, api_key.into()),
        (
            "filters[datetime][GREATER_THAN_OR_EQUAL_TO]",
            window.from_text(),
        ),
        ("filters[datetime][LESS_THAN_OR_EQUAL_TO]", window.to_text()),
        ("sort[datetime]", "asc".into()),
        ("page", page.to_string()),
        ("limit", limit.clamp(1, LIMIT_MAX).to_string()),
    ];
    query.extend(FIELDS.iter().map(|f| ("fields[]", (*f).to_string())));
    client
        .get(format!("{}/Apiv3/json", base_url.trim_end_matches('/')))
        .query(&query)
}

#[derive(Deserialize)]
struct Wrapped {
    #[serde(rename = "Conversion")]
    conversion: TuneConversion,
}

/// Every field is a string in HasOffers JSON; optional ones may be `null`.
#[derive(Deserialize)]
struct TuneConversion {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    affiliate_id: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    payout: Option<Box<RawValue>>,
    #[serde(default)]
    revenue: Option<Box<RawValue>>,
    #[serde(default)]
    sale_amount: Option<Box<RawValue>>,
    #[serde(default)]
    currency: Option<String>,
    #[serde(default)]
    datetime: Option<String>,
    #[serde(default)]
    ad_id: Option<String>,
    #[serde(default)]
    advertiser_info: Option<String>,
    #[serde(default)]
    affiliate_info1: Option<String>,
    #[serde(default)]
    affiliate_info2: Option<String>,
    #[serde(default)]
    affiliate_info3: Option<String>,
    #[serde(default)]
    affiliate_info4: Option<String>,
    #[serde(default)]
    affiliate_info5: Option<String>,
    #[serde(default)]
    ip: Option<String>,
    #[serde(default)]
    country_code: Option<String>,
    #[serde(default)]
    is_adjustment: Option<String>,
}

fn text(v: Option<String>) -> String {
    v.map(|s| s.trim().to_string()).unwrap_or_default()
}

fn status(text: &str) -> ItemResult<ConversionStatus> {
    Ok(match text.trim() {
        "approved" => ConversionStatus::Approved,
        "pending" => ConversionStatus::Pending,
        "rejected" => ConversionStatus::Rejected,
        other => {
            return Err(ItemError::field(
                "status",
                format!("unknown TUNE status '{other}' (approved, pending or rejected)"),
            ))
        }
    })
}

/// One `{"Conversion":{…}}` row of `data.data`.
pub fn conversion(item: &RawValue) -> ItemResult<ConversionRecord> {
    let Wrapped { conversion: c } =
        serde_json::from_str(item.get()).map_err(|e| ItemError::shape(&e))?;
    let external_id = text(c.id);
    if external_id.is_empty() {
        return Err(ItemError::field("id", "is missing"));
    }
    let datetime = text(c.datetime);
    let at = NaiveDateTime::parse_from_str(&datetime, TIME_FORMAT).map_err(|_| {
        ItemError::field(
            "datetime",
            format!("'{datetime}' is not 'YYYY-MM-DD HH:MM:SS'"),
        )
    })?;
    let affiliate = text(c.affiliate_id);
    if !affiliate.parse::<i64>().is_ok_and(|id| id > 0) {
        return Err(ItemError::field(
            "affiliate_id",
            format!("'{affiliate}' is not a positive id"),
        ));
    }
    let payout = c
        .payout
        .as_deref()
        .ok_or_else(|| ItemError::field("payout", "is missing"))?;
    Ok(ConversionRecord {
        external_id,
        transaction_id: text(c.ad_id),
        affiliate: AffiliateRecord {
            // A conversion carries only the affiliate's id; the name is a placeholder until someone renames it.
            name: format!("Affiliate {affiliate}"),
            external_id: affiliate,
            status: "active".into(),
            parent_external_id: None,
            email_hash: None,
        },
        status: status(&text(c.status))?,
        payout_micros: money("payout", payout)?,
        revenue_micros: optional_money("revenue", c.revenue.as_deref())?,
        sale_amount_micros: optional_money("sale_amount", c.sale_amount.as_deref())?,
        currency: currency("currency", &text(c.currency))?,
        converted_at_ms: at.and_utc().timestamp_millis(),
        clicked_at_ms: None,
        subs: [
            text(c.affiliate_info1),
            text(c.affiliate_info2),
            text(c.affiliate_info3),
            text(c.affiliate_info4),
            text(c.affiliate_info5),
        ],
        player_ref: String::new(),
        order_ref: text(c.advertiser_info),
        // HasOffers marks a manual adjustment row; it is kept as the conversion's event so a reviewer can tell.
        event: if text(c.is_adjustment) == "1" {
            "adjustment".into()
        } else {
            String::new()
        },
        coupon_code: String::new(),
        country: text(c.country_code).to_ascii_uppercase(),
        ip: text(c.ip),
        is_scrub: false,
        arrival: Arrival::Api,
        source_updated_at_ms: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ITEM: &str = r#"{"Conversion":{"id":"981","affiliate_id":"7","offer_id":"12","status":"approved",
        "payout":"12.50000","revenue":"20.00000","sale_amount":"150.00","currency":"usd",
        "datetime":"2026-10-03 14:22:05","ad_id":"102abc","advertiser_info":"D-1","affiliate_info1":"x",
        "affiliate_info2":null,"ip":"10.0.0.1","country_code":"de","is_adjustment":"0"}}"#;

    fn parse(text: &str) -> ItemResult<ConversionRecord> {
        conversion(&RawValue::from_string(text.into()).unwrap())
    }

    fn blamed(text: String) -> Option<String> {
        parse(&text).unwrap_err().field
    }

    #[test]
    fn parses_a_tune_conversion() {
        let c = parse(ITEM).unwrap();
        assert_eq!(c.external_id, "981");
        assert_eq!(
            (c.payout_micros, c.revenue_micros, c.sale_amount_micros),
            (12_500_000, 20_000_000, 150_000_000),
            "string money parsed exactly"
        );
        assert_eq!(c.status, ConversionStatus::Approved);
        assert_eq!(c.affiliate.external_id, "7");
        assert_eq!(c.affiliate.name, "Affiliate 7");
        assert_eq!((c.currency.as_str(), c.country.as_str()), ("USD", "DE"));
        assert_eq!(c.converted_at_ms, 1791037325000, "datetime is read as UTC");
        assert_eq!(
            (c.transaction_id.as_str(), c.order_ref.as_str()),
            ("102abc", "D-1")
        );
        assert_eq!(c.subs[0], "x");
        assert_eq!(c.subs[1], "", "null is empty");
        assert_eq!((c.arrival, c.event.as_str()), (Arrival::Api, ""));
        let adj = parse(&ITEM.replace(r#""is_adjustment":"0""#, r#""is_adjustment":"1""#)).unwrap();
        assert_eq!(adj.event, "adjustment");
    }

    #[test]
    fn statuses_and_bad_fields() {
        for (text, expect) in [
            ("approved", ConversionStatus::Approved),
            ("pending", ConversionStatus::Pending),
            ("rejected", ConversionStatus::Rejected),
        ] {
            assert_eq!(status(text), Ok(expect));
        }
        let cases = [
            (r#""status":"approved""#, r#""status":"deleted""#, "status"),
            (r#""2026-10-03 14:22:05""#, r#""03/10/2026""#, "datetime"),
            (r#""payout":"12.50000""#, r#""payout":"12,50""#, "payout"),
            (r#""revenue":"20.00000""#, r#""revenue":"abc""#, "revenue"),
            (
                r#""affiliate_id":"7""#,
                r#""affiliate_id":"0""#,
                "affiliate_id",
            ),
            (
                r#""affiliate_id":"7""#,
                r#""affiliate_id":"-3""#,
                "affiliate_id",
            ),
            (r#""id":"981","#, "", "id"),
            (r#""id":"981""#, r#""id":null"#, "id"),
            (r#""currency":"usd""#, r#""currency":"dollars""#, "currency"),
        ];
        for (from, to, field) in cases {
            assert_eq!(
                blamed(ITEM.replace(from, to)).as_deref(),
                Some(field),
                "{to}"
            );
        }
        assert!(
            parse(r#"{"id":"1"}"#).is_err(),
            "an unwrapped row is refused"
        );
    }

    #[test]
    fn envelope_with_object_data() {
        let body = format!(
            r#"{{"request":{{"Target":"Conversion","api_key":"k"}},"response":{{"status":1,"httpStatus":200,
            "data":{{"page":"1","current":2,"count":5,"pageCount":3,"data":{{"981":{ITEM},"982":{ITEM}}}}},
            "errors":[],"errorMessage":null}}}}"#
        );
        let env = parse_envelope(body.as_bytes()).unwrap();
        assert_eq!(env.items.len(), 2);
        assert_eq!(env.total, Some(5));
        assert_eq!(env.next, Some(Position::Page(2)));
        let last = body.replace(r#""page":"1""#, r#""page":3"#);
        assert_eq!(
            parse_envelope(last.as_bytes()).unwrap().next,
            None,
            "page 3 of 3 is the last"
        );
    }

    #[test]
    fn envelope_with_empty_array_data() {
        let env = parse_envelope(
            br#"{"request":{},"response":{"status":1,"httpStatus":200,"data":{"page":1,"current":0,"count":0,
            "pageCount":0,"data":[]},"errors":[],"errorMessage":null}}"#,
        )
        .unwrap();
        assert!(env.items.is_empty());
        assert_eq!((env.total, env.next), (Some(0), None));
    }

    #[test]
    fn error_envelope_names_the_public_message() {
        let err = parse_envelope(
            br#"{"request":{},"response":{"status":-1,"httpStatus":200,"data":"","errors":[{"publicMessage":"Invalid API key","err_code":1}],"errorMessage":null}}"#,
        )
        .unwrap_err();
        assert!(
            err.contains("Invalid API key") && err.contains("-1"),
            "{err}"
        );
        let err = parse_envelope(
            br#"{"response":{"status":0,"data":null,"errors":[],"errorMessage":"Method not allowed"}}"#,
        )
        .unwrap_err();
        assert!(err.contains("Method not allowed"), "{err}");
        assert!(parse_envelope(br#"{"response":{"status":1,"data":{"page":1}}}"#).is_err());
    }
}
