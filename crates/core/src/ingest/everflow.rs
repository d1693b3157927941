//! The Everflow-shaped tracker API: affiliates, the click stream and conversions.
//!
//! `X-Eflow-API-Key` auth; `page`/`page_size` paging with `paging.total_count`; Unix-second timestamps; money as
//! JSON numbers, read exactly through `RawValue` (never through f64). Affiliates are embedded in clicks and
//! conversions (`relationship.affiliate`), so those streams do not depend on the affiliates stream's order.

use super::records::{
    currency, money, optional_money, required, AffiliateRecord, Arrival, ClickRecord,
    ConversionRecord, ConversionStatus, ItemError, ItemResult,
};
use super::stream::{Envelope, Position, Window};
use crate::time::unix_secs_to_ms;
use serde::Deserialize;
use serde_json::value::RawValue;

/// Everflow's documented maximum page size.
pub const PAGE_SIZE_MAX: u32 = 2000;
pub const API_KEY_HEADER: &str = "X-Eflow-API-Key";

#[derive(Deserialize)]
struct Paging {
    page: u32,
    page_size: u32,
    total_count: u32,
}

/// The three list envelopes in one shape: exactly one list is expected, named by the stream.
#[derive(Deserialize)]
struct EfEnvelope {
    #[serde(default)]
    affiliates: Option<Vec<Box<RawValue>>>,
    #[serde(default)]
    clicks: Option<Vec<Box<RawValue>>>,
    #[serde(default)]
    conversions: Option<Vec<Box<RawValue>>>,
    paging: Paging,
}

/// Parses an Everflow list envelope (any of the three streams) and decides the next page. Items stay raw: each is
/// validated on its own, so one bad item is quarantined without losing the page.
pub fn parse_envelope(body: &[u8], list_key: &str) -> Result<Envelope, String> {
    let env: EfEnvelope = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    let items = match list_key {
        "affiliates" => env.affiliates,
        "clicks" => env.clicks,
        _ => env.conversions,
    }
    .ok_or_else(|| format!("the response has no '{list_key}' list"))?;
    let Paging {
        page,
        page_size,
        total_count,
    } = env.paging;
    let fetched_through = u64::from(page) * u64::from(page_size);
    let next = if items.is_empty() || fetched_through >= u64::from(total_count) {
        None
    } else {
        Some(Position::Page(page + 1))
    };
    Ok(Envelope {
        items,
        total: Some(total_count),
        next,
    })
}

pub fn list_request(
    client: &reqwest::Client,
    base_url: &str,
    api_key: &str,
    path: &str,
    page: u32,
    page_size: u32,
    window: Option<&Window>,
) -> reqwest::RequestBuilder {
    let url = format!("{}{path}", base_url.trim_end_matches('/'));
    let query = [("page", page), ("page_size", page_size.min(PAGE_SIZE_MAX))];
    match window {
        None => client.get(url).query(&query),
        Some(w) => client.post(url).query(&query).json(&serde_json::json!({
            "from": w.from_text(),
            "to": w.to_text(),
            "timezone_id": 67,
        })),
    }
    .header(API_KEY_HEADER, api_key)
}

/// The incremental feed: conversions whose status or payout changed after `window.from_ms`.
pub fn changes_request(
    client: &reqwest::Client,
    base_url: &str,
    api_key: &str,
    page: u32,
    page_size: u32,
    window: &Window,
) -> reqwest::RequestBuilder {
    client
        .post(format!(
            "{}/v1/networks/reporting/conversions/changes",
            base_url.trim_end_matches('/')
        ))
        .query(&[("page", page), ("page_size", page_size.min(PAGE_SIZE_MAX))])
        .json(&serde_json::json!({ "changes_since": window.from_ms.div_euclid(1000) }))
        .header(API_KEY_HEADER, api_key)
}

#[derive(Deserialize)]
struct EfAffiliateRef {
    network_affiliate_id: i64,
    #[serde(default)]
    name: String,
}

#[derive(Deserialize)]
struct EfRelationship {
    affiliate: EfAffiliateRef,
}

fn affiliate_ref(r: EfAffiliateRef) -> ItemResult<AffiliateRecord> {
    if r.network_affiliate_id <= 0 {
        return Err(ItemError::field(
            "relationship.affiliate.network_affiliate_id",
            "must be a positive id",
        ));
    }
    let id = r.network_affiliate_id.to_string();
    Ok(AffiliateRecord {
        name: if r.name.trim().is_empty() {
            format!("Affiliate {id}")
        } else {
            r.name.trim().to_string()
        },
        external_id: id,
        status: "active".to_string(),
        parent_external_id: None,
        email_hash: None,
    })
}

#[derive(Deserialize)]
struct EfAffiliate {
    network_affiliate_id: i64,
    name: String,
    #[serde(default)]
    account_status: Option<String>,
    #[serde(default)]
    network_affiliate_parent_id: Option<i64>,
    #[serde(default)]
    email: Option<String>,
}

pub fn affiliate(item: &RawValue) -> ItemResult<AffiliateRecord> {
    let a: EfAffiliate = serde_json::from_str(item.get()).map_err(|e| ItemError::shape(&e))?;
    let mut rec = affiliate_ref(EfAffiliateRef {
        network_affiliate_id: a.network_affiliate_id,
        name: a.name,
    })?;
    rec.status = a.account_status.unwrap_or_else(|| "active".into());
    rec.parent_external_id = a
        .network_affiliate_parent_id
        .filter(|p| *p > 0)
        .map(|p| p.to_string());
    rec.email_hash = a.email.as_deref().and_then(super::identity::email_hash);
    Ok(rec)
}

#[derive(Deserialize)]
struct EfClick {
    transaction_id: String,
    unix_timestamp: i64,
    // Sub-IDs are plain fields, not a `#[serde(flatten)]` struct: flatten buffers every field of the item into an
    // owned map first, which cost more than the rest of the parse.
    #[serde(default)]
    sub1: String,
    #[serde(default)]
    sub2: String,
    #[serde(default)]
    sub3: String,
    #[serde(default)]
    sub4: String,
    #[serde(default)]
    sub5: String,
    #[serde(default)]
    user_ip: String,
    #[serde(default)]
    user_agent: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    url: String,
    relationship: EfRelationship,
}

pub fn click(item: &RawValue) -> ItemResult<ClickRecord> {
    let c: EfClick = serde_json::from_str(item.get()).map_err(|e| ItemError::shape(&e))?;
    Ok(ClickRecord {
        click_id: required("transaction_id", &c.transaction_id)?,
        affiliate: affiliate_ref(c.relationship.affiliate)?,
        clicked_at_ms: unix_secs_to_ms(c.unix_timestamp)
            .map_err(|e| ItemError::field("unix_timestamp", e.to_string()))?,
        subs: [c.sub1, c.sub2, c.sub3, c.sub4, c.sub5],
        ip: c.user_ip,
        user_agent: c.user_agent,
        country: c.country.trim().to_ascii_uppercase(),
        landing_url: c.url,
    })
}

#[derive(Deserialize)]
struct EfConversion<'a> {
    conversion_id: String,
    #[serde(default)]
    transaction_id: String,
    status: String,
    #[serde(borrow)]
    payout: &'a RawValue,
    #[serde(default, borrow)]
    revenue: Option<&'a RawValue>,
    #[serde(default, borrow)]
    sale_amount: Option<&'a RawValue>,
    currency_id: String,
    conversion_unix_timestamp: i64,
    #[serde(default)]
    click_unix_timestamp: Option<i64>,
    /// Only in the changes feed: when the status or payout last changed at the tracker.
    #[serde(default)]
    updated_unix_timestamp: Option<i64>,
    // Sub-IDs are plain fields, not a `#[serde(flatten)]` struct: flatten buffers every field of the item into an
    // owned map first, which cost more than the rest of the parse.
    #[serde(default)]
    sub1: String,
    #[serde(default)]
    sub2: String,
    #[serde(default)]
    sub3: String,
    #[serde(default)]
    sub4: String,
    #[serde(default)]
    sub5: String,
    #[serde(default)]
    adv1: String,
    #[serde(default)]
    order_id: String,
    #[serde(default)]
    event: String,
    #[serde(default)]
    coupon_code: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    conversion_user_ip: String,
    #[serde(default)]
    is_scrub: bool,
    relationship: EfRelationship,
}

pub fn conversion(item: &RawValue) -> ItemResult<ConversionRecord> {
    let c: EfConversion<'_> = serde_json::from_str(item.get()).map_err(|e| ItemError::shape(&e))?;
    let clicked_at_ms = match c.click_unix_timestamp {
        None | Some(0) => None,
        Some(s) => Some(
            unix_secs_to_ms(s)
                .map_err(|e| ItemError::field("click_unix_timestamp", e.to_string()))?,
        ),
    };
    let source_updated_at_ms = match c.updated_unix_timestamp {
        None | Some(0) => None,
        Some(s) => Some(
            unix_secs_to_ms(s)
                .map_err(|e| ItemError::field("updated_unix_timestamp", e.to_string()))?,
        ),
    };
    Ok(ConversionRecord {
        external_id: required("conversion_id", &c.conversion_id)?,
        transaction_id: c.transaction_id.trim().to_string(),
        affiliate: affiliate_ref(c.relationship.affiliate)?,
        status: ConversionStatus::parse(&c.status)?,
        payout_micros: money("payout", c.payout)?,
        revenue_micros: optional_money("revenue", c.revenue)?,
        sale_amount_micros: optional_money("sale_amount", c.sale_amount)?,
        currency: currency("currency_id", &c.currency_id)?,
        converted_at_ms: unix_secs_to_ms(c.conversion_unix_timestamp)
            .map_err(|e| ItemError::field("conversion_unix_timestamp", e.to_string()))?,
        clicked_at_ms,
        subs: [c.sub1, c.sub2, c.sub3, c.sub4, c.sub5],
        player_ref: c.adv1.trim().to_string(),
        order_ref: c.order_id.trim().to_string(),
        event: c.event,
        coupon_code: c.coupon_code,
        country: c.country.trim().to_ascii_uppercase(),
        ip: c.conversion_user_ip,
        is_scrub: c.is_scrub,
        arrival: Arrival::Api,
        source_updated_at_ms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(s: &str) -> Box<RawValue> {
        RawValue::from_string(s.to_string()).unwrap()
    }

    const CONVERSION: &str = r#"{"conversion_id":"c1","transaction_id":"abc","status":"approved","payout":100,
        "revenue":150.0,"sale_amount":25.5,"currency_id":"EUR","conversion_unix_timestamp":1759301234,
        "click_unix_timestamp":1759300000,"sub1":"s","adv1":"P1","order_id":"D1","country":"mt","is_scrub":false,
        "relationship":{"affiliate":{"network_affiliate_id":12,"name":"Slots Hub"}}}"#;

    /// The changes feed's `updated_unix_timestamp` is kept as the source's update time (seconds → ms); the plain
    /// conversions report has none, and 0 means "not said".
    #[test]
    fn changes_feed_update_time_is_kept() {
        assert_eq!(
            conversion(&raw(CONVERSION)).unwrap().source_updated_at_ms,
            None
        );
        let changed = CONVERSION.replace(
            r#""is_scrub":false"#,
            r#""is_scrub":false,"updated_unix_timestamp":1759488434"#,
        );
        let c = conversion(&raw(&changed)).unwrap();
        assert_eq!(c.source_updated_at_ms, Some(1_759_488_434_000));
        assert_eq!(
            c.source_updated_at_ms.unwrap() - c.converted_at_ms,
            52 * 3_600_000
        );
        let zero = CONVERSION.replace(
            r#""is_scrub":false"#,
            r#""is_scrub":false,"updated_unix_timestamp":0"#,
        );
        assert_eq!(conversion(&raw(&zero)).unwrap().source_updated_at_ms, None);
        let bad = CONVERSION.replace(
            r#""is_scrub":false"#,
            r#""is_scrub":false,"updated_unix_timestamp":"soon""#,
        );
        assert!(conversion(&raw(&bad)).is_err());
    }

    #[test]
    fn conversion_is_parsed_exactly() {
        let c = conversion(&raw(CONVERSION)).unwrap();
        assert_eq!(c.payout_micros, 100_000_000);
        assert_eq!(c.sale_amount_micros, 25_500_000);
        assert_eq!(c.affiliate.external_id, "12");
        assert_eq!(c.country, "MT");
        assert_eq!(c.converted_at_ms, 1_759_301_234_000);
        assert_eq!(c.subs[0], "s");
    }

    /// Each bad field is named, so the quarantine tells the user what to fix at the tracker.
    #[test]
    fn bad_items_name_the_field() {
        let cases = [
            (
                CONVERSION.replace(r#""payout":100"#, r#""payout":"ten""#),
                "payout",
            ),
            (
                CONVERSION.replace(r#""status":"approved""#, r#""status":"paid""#),
                "status",
            ),
            (
                CONVERSION.replace(r#""currency_id":"EUR""#, r#""currency_id":"E""#),
                "currency_id",
            ),
            (
                CONVERSION.replace("1759301234", "12"),
                "conversion_unix_timestamp",
            ),
            (
                CONVERSION.replace(r#""conversion_id":"c1","#, ""),
                "conversion_id",
            ),
            (
                CONVERSION.replace(
                    r#""network_affiliate_id":12"#,
                    r#""network_affiliate_id":0"#,
                ),
                "relationship.affiliate.network_affiliate_id",
            ),
        ];
        for (text, field) in cases {
            let e = conversion(&raw(&text)).unwrap_err();
            assert_eq!(e.field.as_deref(), Some(field), "{e}");
        }
        let wrong_type = CONVERSION.replace(
            r#""conversion_unix_timestamp":1759301234"#,
            r#""conversion_unix_timestamp":"x""#,
        );
        assert!(conversion(&raw(&wrong_type))
            .unwrap_err()
            .reason
            .contains("invalid type"));
    }

    #[test]
    fn envelope_paging() {
        let body = br#"{"conversions":[{"a":1},{"a":2}],"paging":{"page":1,"page_size":2,"total_count":3}}"#;
        let env = parse_envelope(body, "conversions").unwrap();
        assert_eq!(env.items.len(), 2);
        assert_eq!(env.next, Some(Position::Page(2)));
        let last =
            br#"{"conversions":[{"a":3}],"paging":{"page":2,"page_size":2,"total_count":3}}"#;
        assert_eq!(parse_envelope(last, "conversions").unwrap().next, None);
        assert!(parse_envelope(br#"{"conversions":[{"a":1}"#, "conversions").is_err());
        assert!(parse_envelope(
            br#"{"clicks":[],"paging":{"page":1,"page_size":2,"total_count":0}}"#,
            "conversions"
        )
        .unwrap_err()
        .contains("no 'conversions' list"));
    }
}
