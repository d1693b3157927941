//! The operator API (iGaming side): players, deposits, withdrawals and daily activity, `Authorization: Bearer`
//! auth, cursor paging (`?cursor=&limit=`, `{"data":[...],"next_cursor":...}`), RFC 3339 instants, amounts as
//! decimal strings. The Forex broker's streams share the envelope and paging; their items are in [`super::broker`].

use super::identity::email_hash;
use super::records::{
    currency, optional_money, required, ActivityRecord, DepositRecord, ItemError, ItemResult,
    PlayerRecord, WithdrawalRecord,
};
use super::stream::{Envelope, Position};
use crate::money::parse_micros;
use crate::time::parse_rfc3339_ms;
use serde::Deserialize;
use serde_json::value::RawValue;

pub const LIMIT_MAX: u32 = 1000;

#[derive(Deserialize)]
struct OpEnvelope {
    data: Vec<Box<RawValue>>,
    next_cursor: Option<String>,
}

pub fn parse_envelope(body: &[u8]) -> Result<Envelope, String> {
    let env: OpEnvelope = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    let next = match env.next_cursor {
        Some(c) if !c.is_empty() && !env.data.is_empty() => Some(Position::Cursor(Some(c))),
        _ => None,
    };
    Ok(Envelope {
        items: env.data,
        total: None,
        next,
    })
}

pub fn list_request(
    client: &reqwest::Client,
    base_url: &str,
    api_key: &str,
    path: &str,
    cursor: Option<&str>,
    limit: u32,
) -> reqwest::RequestBuilder {
    let url = format!("{}{path}", base_url.trim_end_matches('/'));
    let mut req = client.get(url).query(&[("limit", limit.min(LIMIT_MAX))]);
    if let Some(c) = cursor {
        req = req.query(&[("cursor", c)]);
    }
    req.bearer_auth(api_key)
}

pub(super) fn instant(field: &str, text: &str) -> ItemResult<i64> {
    parse_rfc3339_ms(text).map_err(|e| ItemError::field(field, e.to_string()))
}

pub(super) fn non_empty(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

#[derive(Deserialize)]
struct OpPlayer {
    player_id: String,
    #[serde(default)]
    brand: String,
    currency: String,
    registered_at: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    click_id: Option<String>,
    #[serde(default)]
    btag: Option<String>,
    #[serde(default)]
    promo_code: Option<String>,
    #[serde(default)]
    ip: Option<String>,
    #[serde(default)]
    ip_country: Option<String>,
    #[serde(default)]
    device_id: Option<String>,
    #[serde(default)]
    email: Option<String>,
}

pub fn player(item: &RawValue) -> ItemResult<PlayerRecord> {
    let p: OpPlayer = serde_json::from_str(item.get()).map_err(|e| ItemError::shape(&e))?;
    Ok(PlayerRecord {
        external_id: required("player_id", &p.player_id)?,
        brand: p.brand.trim().to_string(),
        currency: currency("currency", &p.currency)?,
        registered_at_ms: instant("registered_at", &p.registered_at)?,
        country: p.country.trim().to_ascii_uppercase(),
        click_id: non_empty(p.click_id),
        btag: non_empty(p.btag),
        promo_code: non_empty(p.promo_code),
        ip: p.ip.unwrap_or_default().trim().to_string(),
        ip_country: p.ip_country.unwrap_or_default().trim().to_ascii_uppercase(),
        device_id: p.device_id.unwrap_or_default().trim().to_string(),
        // An email that is not an address carries no identity: no hash rather than a refused player.
        email_hash: p.email.as_deref().and_then(email_hash),
    })
}

#[derive(Deserialize)]
struct OpDeposit {
    deposit_id: String,
    player_id: String,
    amount: String,
    currency: String,
    occurred_at: String,
    #[serde(default)]
    is_ftd: bool,
    #[serde(default)]
    payment_hash: Option<String>,
}

fn positive_amount(what: &str, text: &str) -> ItemResult<i64> {
    let micros = parse_micros(text).map_err(|e| ItemError::field("amount", e.to_string()))?;
    if micros <= 0 {
        return Err(ItemError::field(
            "amount",
            format!("a {what} must be positive, got '{text}'"),
        ));
    }
    Ok(micros)
}

pub fn deposit(item: &RawValue) -> ItemResult<DepositRecord> {
    let d: OpDeposit = serde_json::from_str(item.get()).map_err(|e| ItemError::shape(&e))?;
    Ok(DepositRecord {
        external_id: required("deposit_id", &d.deposit_id)?,
        player_external_id: required("player_id", &d.player_id)?,
        amount_micros: positive_amount("deposit", &d.amount)?,
        currency: currency("currency", &d.currency)?,
        occurred_at_ms: instant("occurred_at", &d.occurred_at)?,
        is_ftd: d.is_ftd,
        payment_hash: non_empty(d.payment_hash),
    })
}

#[derive(Deserialize)]
struct OpWithdrawal {
    withdrawal_id: String,
    player_id: String,
    amount: String,
    currency: String,
    occurred_at: String,
    #[serde(default)]
    payment_hash: Option<String>,
}

pub fn withdrawal(item: &RawValue) -> ItemResult<WithdrawalRecord> {
    let w: OpWithdrawal = serde_json::from_str(item.get()).map_err(|e| ItemError::shape(&e))?;
    Ok(WithdrawalRecord {
        external_id: required("withdrawal_id", &w.withdrawal_id)?,
        player_external_id: required("player_id", &w.player_id)?,
        amount_micros: positive_amount("withdrawal", &w.amount)?,
        currency: currency("currency", &w.currency)?,
        occurred_at_ms: instant("occurred_at", &w.occurred_at)?,
        payment_hash: non_empty(w.payment_hash),
    })
}

/// Activity components are amounts as strings or numbers; absent ones are 0 (operators send what they track).
#[derive(Deserialize)]
struct OpActivity<'a> {
    player_id: String,
    day: String,
    currency: String,
    #[serde(borrow, default)]
    deposits: Option<&'a RawValue>,
    #[serde(borrow, default)]
    withdrawals: Option<&'a RawValue>,
    #[serde(borrow, default)]
    bets: Option<&'a RawValue>,
    #[serde(borrow, default)]
    wins: Option<&'a RawValue>,
    #[serde(borrow, default)]
    bonuses: Option<&'a RawValue>,
    #[serde(borrow, default)]
    chargebacks: Option<&'a RawValue>,
    #[serde(borrow, default)]
    adjustments: Option<&'a RawValue>,
    #[serde(borrow, default)]
    fees: Option<&'a RawValue>,
    #[serde(borrow, default)]
    taxes: Option<&'a RawValue>,
}

pub fn activity(item: &RawValue) -> ItemResult<ActivityRecord> {
    let a: OpActivity = serde_json::from_str(item.get()).map_err(|e| ItemError::shape(&e))?;
    let day = crate::time::parse_day(&a.day)
        .map_err(|e| ItemError::field("day", e.to_string()))?
        .format("%Y-%m-%d")
        .to_string();
    Ok(ActivityRecord {
        player_external_id: required("player_id", &a.player_id)?,
        day,
        currency: currency("currency", &a.currency)?,
        deposits_micros: optional_money("deposits", a.deposits)?,
        withdrawals_micros: optional_money("withdrawals", a.withdrawals)?,
        bets_micros: optional_money("bets", a.bets)?,
        wins_micros: optional_money("wins", a.wins)?,
        bonuses_micros: optional_money("bonuses", a.bonuses)?,
        chargebacks_micros: optional_money("chargebacks", a.chargebacks)?,
        adjustments_micros: optional_money("adjustments", a.adjustments)?,
        fees_micros: optional_money("fees", a.fees)?,
        taxes_micros: optional_money("taxes", a.taxes)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(s: &str) -> Box<RawValue> {
        RawValue::from_string(s.to_string()).unwrap()
    }

    #[test]
    fn player_and_deposit() {
        let p = player(&raw(r#"{"player_id":"P1","brand":"b","currency":"eur","registered_at":"2026-10-03T14:22:05Z","country":"mt","click_id":"","btag":"a12-b1","promo_code":null}"#)).unwrap();
        assert_eq!(p.click_id, None, "an empty click id is no click id");
        assert_eq!(p.btag.as_deref(), Some("a12-b1"));
        assert_eq!(p.currency, "EUR");
        let d = deposit(&raw(r#"{"deposit_id":"D1","player_id":"P1","amount":"25.50","currency":"EUR","occurred_at":"2026-10-03T15:01:00Z","is_ftd":true}"#)).unwrap();
        assert_eq!(d.amount_micros, 25_500_000);
    }

    #[test]
    fn bad_fields_are_named() {
        let e = deposit(&raw(r#"{"deposit_id":"D1","player_id":"P1","amount":"2,5","currency":"EUR","occurred_at":"2026-10-03T15:01:00Z"}"#)).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("amount"));
        let e = deposit(&raw(r#"{"deposit_id":"D1","player_id":"P1","amount":"-5","currency":"EUR","occurred_at":"2026-10-03T15:01:00Z"}"#)).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("amount"));
        let e = player(&raw(
            r#"{"player_id":"P1","currency":"EUR","registered_at":"03/10/2026"}"#,
        ))
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("registered_at"));
        let e = player(&raw(
            r#"{"currency":"EUR","registered_at":"2026-10-03T14:22:05Z"}"#,
        ))
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("player_id"));
    }

    #[test]
    fn withdrawal_and_activity() {
        let w = withdrawal(&raw(r#"{"withdrawal_id":"W1","player_id":"P1","amount":"40.10","currency":"EUR","occurred_at":"2026-10-03T15:01:00Z","payment_hash":" ph "}"#)).unwrap();
        assert_eq!(
            (w.amount_micros, w.payment_hash.as_deref()),
            (40_100_000, Some("ph"))
        );
        let e = withdrawal(&raw(r#"{"withdrawal_id":"W1","player_id":"P1","amount":"0","currency":"EUR","occurred_at":"2026-10-03T15:01:00Z"}"#)).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("amount"));
        // Components absent from the feed are 0; numbers and strings are both exact.
        let a = activity(&raw(
            r#"{"player_id":"P1","day":"2026-10-03","currency":"eur","bets":12.5,"wins":"3.25"}"#,
        ))
        .unwrap();
        assert_eq!(
            (
                a.bets_micros,
                a.wins_micros,
                a.taxes_micros,
                a.currency.as_str()
            ),
            (12_500_000, 3_250_000, 0, "EUR")
        );
        let e = activity(&raw(
            r#"{"player_id":"P1","day":"03/10/2026","currency":"EUR"}"#,
        ))
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("day"));
        let e = activity(&raw(
            r#"{"player_id":"P1","day":"2026-10-03","currency":"EUR","fees":"n/a"}"#,
        ))
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("fees"));
    }

    #[test]
    fn player_identity_keys() {
        let p = player(&raw(r#"{"player_id":"P1","currency":"EUR","registered_at":"2026-10-03T14:22:05Z","ip":"10.1.2.3","device_id":"d-9","email":"Jo.Ann+vip@Gmail.com"}"#)).unwrap();
        assert_eq!((p.ip.as_str(), p.device_id.as_str()), ("10.1.2.3", "d-9"));
        assert_eq!(p.email_hash, email_hash("joann@gmail.com"));
        assert_eq!(p.ip_country, "", "no ip_country sent: unknown");
        let p = player(&raw(r#"{"player_id":"P1","currency":"EUR","registered_at":"2026-10-03T14:22:05Z","ip":"10.1.2.3","ip_country":" br "}"#)).unwrap();
        assert_eq!(
            p.ip_country, "BR",
            "the operator's GeoIP country, normalized"
        );
        let p = player(&raw(r#"{"player_id":"P1","currency":"EUR","registered_at":"2026-10-03T14:22:05Z","email":"not-an-email"}"#)).unwrap();
        assert_eq!(
            p.email_hash, None,
            "no address, no identity — the player still lands"
        );
    }

    #[test]
    fn cursor_envelope() {
        let env = parse_envelope(br#"{"data":[{"x":1}],"next_cursor":"abc"}"#).unwrap();
        assert_eq!(env.next, Some(Position::Cursor(Some("abc".into()))));
        assert_eq!(
            parse_envelope(br#"{"data":[],"next_cursor":"abc"}"#)
                .unwrap()
                .next,
            None
        );
        assert_eq!(
            parse_envelope(br#"{"data":[{"x":1}],"next_cursor":null}"#)
                .unwrap()
                .next,
            None
        );
        assert!(parse_envelope(br#"{"data":[{"x":1}"#).is_err());
    }
}
