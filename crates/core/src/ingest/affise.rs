//! The Affise-shaped tracker API: `GET /3.0/stats/conversions` with an `API-Key` header, `filter[date_from]` /
//! `filter[date_to]` (days), 1-based `page` + `limit` (≤ 500), envelope `{"status":1,"conversions":[...],
//! "pagination":{page,limit,total_count}}`, numeric statuses (1 approved, 2 pending, 3 declined, 5 hold).
//! Affise sends no idempotency key and no rate-limit header; the conversion `id` is the natural key.

use super::records::{
    currency, money, optional_money, required, AffiliateRecord, Arrival, ConversionRecord,
    ConversionStatus, ItemError, ItemResult,
};
use super::stream::{Envelope, Position, Window};
use chrono::{NaiveDateTime, TimeZone, Utc};
use serde::Deserialize;
use serde_json::value::RawValue;

pub const LIMIT_MAX: u32 = 500;
pub const API_KEY_HEADER: &str = "API-Key";

#[derive(Deserialize)]
struct Pagination {
    page: u32,
    limit: u32,
    #[serde(alias = "total")]
    total_count: u32,
}

#[derive(Deserialize)]
struct AfEnvelope {
    status: i64,
    conversions: Vec<Box<RawValue>>,
    pagination: Pagination,
}

pub fn parse_envelope(body: &[u8]) -> Result<Envelope, String> {
    let env: AfEnvelope = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    if env.status != 1 {
        return Err(format!(
            "Affise answered status {} (expected 1)",
            env.status
        ));
    }
    let Pagination {
        page,
        limit,
        total_count,
    } = env.pagination;
    let through = u64::from(page) * u64::from(limit);
    let next = if env.conversions.is_empty() || through >= u64::from(total_count) {
        None
    } else {
        Some(Position::Page(page + 1))
    };
    Ok(Envelope {
        items: env.conversions,
        total: Some(total_count),
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
    let day = |ms: i64| {
        Utc.timestamp_millis_opt(ms)
            .single()
            .map(|t| t.format("%Y-%m-%d").to_string())
            .unwrap_or_default()
    };
    client
        .get(format!(
            "{}/3.0/stats/conversions",
            base_url.trim_end_matches('/')
        ))
        .query(&[
            ("filter[date_from]", day(window.from_ms)),
            ("filter[date_to]", day(window.to_ms)),
        ])
        .query(&[("page", page), ("limit", limit.clamp(1, LIMIT_MAX))])
        .header(API_KEY_HEADER, api_key)
}

#[derive(Deserialize)]
struct AfPartner {
    id: i64,
    #[serde(default)]
    name: String,
}

#[derive(Deserialize)]
struct AfConversion<'a> {
    id: String,
    #[serde(default)]
    action_id: String,
    #[serde(default)]
    clickid: String,
    status: i64,
    #[serde(borrow)]
    payouts: &'a RawValue,
    #[serde(default, borrow)]
    revenue: Option<&'a RawValue>,
    currency: String,
    created_at: String,
    partner: AfPartner,
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
    ip: String,
    #[serde(default)]
    country: String,
}

fn status(code: i64) -> ItemResult<ConversionStatus> {
    Ok(match code {
        1 => ConversionStatus::Approved,
        2 => ConversionStatus::Pending,
        3 => ConversionStatus::Rejected,
        5 => ConversionStatus::Hold,
        other => {
            return Err(ItemError::field(
                "status",
                format!("unknown Affise status {other} (1, 2, 3 or 5)"),
            ))
        }
    })
}

pub fn conversion(item: &RawValue) -> ItemResult<ConversionRecord> {
    let c: AfConversion<'_> = serde_json::from_str(item.get()).map_err(|e| ItemError::shape(&e))?;
    let at =
        NaiveDateTime::parse_from_str(c.created_at.trim(), "%Y-%m-%d %H:%M:%S").map_err(|_| {
            ItemError::field(
                "created_at",
                format!("'{}' is not 'YYYY-MM-DD HH:MM:SS'", c.created_at),
            )
        })?;
    if c.partner.id <= 0 {
        return Err(ItemError::field("partner.id", "must be a positive id"));
    }
    let partner = c.partner.id.to_string();
    Ok(ConversionRecord {
        external_id: required("id", &c.id)?,
        transaction_id: c.clickid.trim().to_string(),
        affiliate: AffiliateRecord {
            name: if c.partner.name.trim().is_empty() {
                format!("Partner {partner}")
            } else {
                c.partner.name.trim().to_string()
            },
            external_id: partner,
            status: "active".into(),
            parent_external_id: None,
            email_hash: None,
        },
        status: status(c.status)?,
        payout_micros: money("payouts", c.payouts)?,
        revenue_micros: optional_money("revenue", c.revenue)?,
        sale_amount_micros: 0,
        currency: currency("currency", &c.currency)?,
        converted_at_ms: at.and_utc().timestamp_millis(),
        clicked_at_ms: None,
        subs: [c.sub1, c.sub2, c.sub3, c.sub4, c.sub5],
        player_ref: String::new(),
        order_ref: c.action_id,
        event: String::new(),
        coupon_code: String::new(),
        country: c.country.trim().to_ascii_uppercase(),
        ip: c.ip,
        is_scrub: false,
        arrival: Arrival::Api,
        source_updated_at_ms: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ITEM: &str = r#"{"id":"5f1","action_id":"a1","clickid":"abc","status":1,"payouts":"12.50","revenue":20,
        "currency":"usd","created_at":"2026-10-03 14:22:05","partner":{"id":7,"name":"P7"},"sub1":"x","country":"de"}"#;

    #[test]
    fn parses_an_affise_conversion() {
        let c = conversion(&RawValue::from_string(ITEM.into()).unwrap()).unwrap();
        assert_eq!(
            (c.payout_micros, c.revenue_micros),
            (12_500_000, 20_000_000)
        );
        assert_eq!(c.status, ConversionStatus::Approved);
        assert_eq!(c.affiliate.external_id, "7");
        assert_eq!(c.currency, "USD");
        assert_eq!(c.converted_at_ms, 1791037325000, "created_at is UTC");
    }

    #[test]
    fn statuses_and_bad_fields() {
        for (code, expect) in [
            (2, ConversionStatus::Pending),
            (3, ConversionStatus::Rejected),
            (5, ConversionStatus::Hold),
        ] {
            assert_eq!(status(code), Ok(expect));
        }
        let bad = ITEM.replace(r#""status":1"#, r#""status":4"#);
        assert_eq!(
            conversion(&RawValue::from_string(bad).unwrap())
                .unwrap_err()
                .field
                .as_deref(),
            Some("status")
        );
        let bad = ITEM.replace("2026-10-03 14:22:05", "03/10/2026");
        assert_eq!(
            conversion(&RawValue::from_string(bad).unwrap())
                .unwrap_err()
                .field
                .as_deref(),
            Some("created_at")
        );
    }

    #[test]
    fn envelope() {
        let env = parse_envelope(
            br#"{"status":1,"conversions":[{}],"pagination":{"page":1,"limit":1,"total_count":2}}"#,
        )
        .unwrap();
        assert_eq!(env.next, Some(Position::Page(2)));
        assert!(parse_envelope(
            br#"{"status":0,"conversions":[],"pagination":{"page":1,"limit":1,"total_count":0}}"#
        )
        .is_err());
    }
}
