//! The Forex broker's back-office API: introducing brokers, client accounts, symbols and MT5-shaped deals. Same
//! bearer auth, cursor paging and envelope as the operator API ([`super::operator`]); ids may be JSON numbers or
//! strings (MT5 logins and tickets are 64-bit integers, some back-offices quote them).

use super::identity::email_hash;
use super::operator::{instant, non_empty};
use super::records::{
    currency, optional_money, required, AccountRecord, DealRecord, IbRecord, ItemError, ItemResult,
    SymbolRecord,
};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::str::FromStr;

/// A cent symbol's contract is this fraction of the standard one (and a cent account's currency is cents).
pub const CENT_SCALE: i64 = 100;

/// MT5 deal types (`ENUM_DEAL_TYPE`, without the `DEAL_TYPE_` prefix), plus the `AGENT_COMMISSION` some
/// back-offices report for IB payouts.
pub(crate) const DEAL_TYPES: &[&str] = &[
    "BUY",
    "SELL",
    "BALANCE",
    "CREDIT",
    "CHARGE",
    "CORRECTION",
    "BONUS",
    "COMMISSION",
    "COMMISSION_DAILY",
    "COMMISSION_MONTHLY",
    "COMMISSION_AGENT_DAILY",
    "COMMISSION_AGENT_MONTHLY",
    "AGENT_COMMISSION",
    "INTEREST",
    "BUY_CANCELED",
    "SELL_CANCELED",
    "DIVIDEND",
    "DIVIDEND_FRANKED",
    "TAX",
];
/// MT5 deal entries (`ENUM_DEAL_ENTRY`).
pub(crate) const DEAL_ENTRIES: &[&str] = &["IN", "OUT", "INOUT", "OUT_BY"];

/// An id given as a JSON integer or a non-empty string, as text.
fn id_text(field: &str, raw: Option<&RawValue>) -> ItemResult<String> {
    let Some(raw) = raw.filter(|r| r.get() != "null") else {
        return Err(ItemError::field(field, "is missing"));
    };
    let text = raw.get().trim();
    if let Some(s) = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        let s = s.trim();
        if s.is_empty() || s.contains(['"', '\\']) {
            return Err(ItemError::field(field, format!("'{s}' is not an id")));
        }
        return Ok(s.to_string());
    }
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(text.to_string());
    }
    Err(ItemError::field(
        field,
        format!("{text} is not an id (an integer or a string)"),
    ))
}

fn optional_id(field: &str, raw: Option<&RawValue>) -> ItemResult<Option<String>> {
    match raw {
        None => Ok(None),
        Some(r) if r.get() == "null" => Ok(None),
        Some(r) => id_text(field, Some(r)).map(Some),
    }
}

/// A decimal given as a JSON number or string, exactly (no float).
fn decimal(field: &str, raw: &RawValue) -> ItemResult<Decimal> {
    let text = raw.get().trim();
    let text = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(text)
        .trim();
    if text.is_empty() || text.contains(['e', 'E']) {
        return Err(ItemError::field(
            field,
            format!("'{text}' is not a decimal"),
        ));
    }
    Decimal::from_str(text)
        .map_err(|_| ItemError::field(field, format!("'{text}' is not a decimal")))
}

#[derive(Deserialize)]
struct WireIb<'a> {
    #[serde(borrow, default)]
    ib_id: Option<&'a RawValue>,
    #[serde(default)]
    name: String,
    #[serde(borrow, default)]
    parent_ib_id: Option<&'a RawValue>,
    #[serde(default)]
    email: Option<String>,
}

/// An IB. Its default `rebate_per_lot` is not kept: plans live with the commission engine, and the schema has no
/// affiliate settings (the raw page keeps it).
pub fn ib(item: &RawValue) -> ItemResult<IbRecord> {
    let w: WireIb = serde_json::from_str(item.get()).map_err(|e| ItemError::shape(&e))?;
    let external_id = id_text("ib_id", w.ib_id)?;
    let parent_external_id = optional_id("parent_ib_id", w.parent_ib_id)?;
    if parent_external_id.as_deref() == Some(external_id.as_str()) {
        return Err(ItemError::field(
            "parent_ib_id",
            "an IB cannot be its own parent",
        ));
    }
    let name = w.name.trim();
    Ok(IbRecord {
        name: if name.is_empty() {
            external_id.clone()
        } else {
            name.to_string()
        },
        external_id,
        parent_external_id,
        email_hash: w.email.as_deref().and_then(email_hash),
    })
}

#[derive(Deserialize)]
struct WireAccount<'a> {
    #[serde(borrow, default)]
    login: Option<&'a RawValue>,
    #[serde(borrow, default)]
    ib_id: Option<&'a RawValue>,
    currency: String,
    #[serde(default)]
    is_cent: bool,
    registered_at: String,
    #[serde(default)]
    country: String,
}

/// A client account. `separate_commission` (commission charged as its own deal) is not kept: the deals show it.
pub fn account(item: &RawValue) -> ItemResult<AccountRecord> {
    let w: WireAccount = serde_json::from_str(item.get()).map_err(|e| ItemError::shape(&e))?;
    Ok(AccountRecord {
        login: id_text("login", w.login)?,
        ib_external_id: optional_id("ib_id", w.ib_id)?,
        currency: currency("currency", &w.currency)?,
        is_cent: w.is_cent,
        registered_at_ms: instant("registered_at", &w.registered_at)?,
        country: w.country.trim().to_ascii_uppercase(),
    })
}

#[derive(Deserialize)]
struct WireSymbol<'a> {
    symbol: String,
    #[serde(borrow)]
    contract_size: &'a RawValue,
    #[serde(default)]
    is_cent: bool,
}

pub fn symbol(item: &RawValue) -> ItemResult<SymbolRecord> {
    let w: WireSymbol = serde_json::from_str(item.get()).map_err(|e| ItemError::shape(&e))?;
    let symbol = required("symbol", &w.symbol)?;
    let sent = decimal("contract_size", w.contract_size)?;
    let standard = if w.is_cent {
        sent.checked_mul(Decimal::from(CENT_SCALE))
    } else {
        Some(sent)
    };
    let contract_size = standard
        .filter(|d| d.fract().is_zero() && *d > Decimal::ZERO)
        .and_then(|d| i64::try_from(d).ok())
        .ok_or_else(|| {
            ItemError::field(
                "contract_size",
                format!(
                    "'{sent}'{} is not a positive whole number of units per standard lot",
                    if w.is_cent {
                        " × 100 (cent symbol)"
                    } else {
                        ""
                    }
                ),
            )
        })?;
    Ok(SymbolRecord {
        symbol,
        contract_size,
    })
}

#[derive(Deserialize)]
struct WireDeal<'a> {
    #[serde(borrow, default)]
    ticket: Option<&'a RawValue>,
    #[serde(borrow, default)]
    login: Option<&'a RawValue>,
    #[serde(rename = "type")]
    deal_type: String,
    #[serde(default)]
    entry: Option<String>,
    #[serde(default)]
    symbol: Option<String>,
    #[serde(borrow, default)]
    volume: Option<&'a RawValue>,
    #[serde(borrow, default)]
    price: Option<&'a RawValue>,
    #[serde(borrow, default)]
    commission: Option<&'a RawValue>,
    #[serde(borrow, default)]
    swap: Option<&'a RawValue>,
    #[serde(borrow, default)]
    profit: Option<&'a RawValue>,
    #[serde(borrow, default)]
    position_id: Option<&'a RawValue>,
    time: String,
}

pub(crate) fn one_of(field: &str, text: &str, allowed: &[&str]) -> ItemResult<String> {
    let t = text.trim().to_ascii_uppercase();
    if allowed.contains(&t.as_str()) {
        return Ok(t);
    }
    Err(ItemError::field(
        field,
        format!("'{text}' is not one of {}", allowed.join(", ")),
    ))
}

pub fn deal(item: &RawValue) -> ItemResult<DealRecord> {
    let w: WireDeal = serde_json::from_str(item.get()).map_err(|e| ItemError::shape(&e))?;
    let ticket = id_text("ticket", w.ticket)?;
    let login = id_text("login", w.login)?;
    let deal_type = one_of("type", &w.deal_type, DEAL_TYPES)?;
    let entry = match non_empty(w.entry) {
        Some(e) => one_of("entry", &e, DEAL_ENTRIES)?,
        None => String::new(),
    };
    let symbol = non_empty(w.symbol).unwrap_or_default();
    let lots_micros = optional_money("volume", w.volume)?;
    check_trade(&deal_type, &symbol, lots_micros)?;
    let price = match w.price.filter(|p| p.get() != "null") {
        None => String::new(),
        Some(p) => decimal("price", p)?.to_string(),
    };
    Ok(DealRecord {
        ticket,
        login,
        deal_type,
        entry,
        symbol,
        lots_micros,
        price,
        commission_micros: optional_money("commission", w.commission)?,
        swap_micros: optional_money("swap", w.swap)?,
        profit_micros: optional_money("profit", w.profit)?,
        position_id: optional_id("position_id", w.position_id)?.unwrap_or_default(),
        executed_at_ms: instant("time", &w.time)?,
    })
}

/// What every deal must hold together, whichever way it came in: a trade (BUY/SELL) has a symbol and a volume, a
/// volume is never negative and never without a symbol.
pub(crate) fn check_trade(deal_type: &str, symbol: &str, lots_micros: i64) -> ItemResult<()> {
    if lots_micros < 0 {
        return Err(ItemError::field("volume", "a volume cannot be negative"));
    }
    let trade = deal_type == "BUY" || deal_type == "SELL";
    if trade && symbol.is_empty() {
        return Err(ItemError::field(
            "symbol",
            format!("a {deal_type} deal needs a symbol"),
        ));
    }
    if trade && lots_micros == 0 {
        return Err(ItemError::field(
            "volume",
            format!("a {deal_type} deal needs a volume"),
        ));
    }
    if lots_micros > 0 && symbol.is_empty() {
        return Err(ItemError::field(
            "symbol",
            "a deal with a volume needs a symbol",
        ));
    }
    Ok(())
}

/// Lots (in micros of a lot) × contract size = volume in base units × 10^6; `None` when it overflows.
pub fn volume_micros(lots_micros: i64, contract_size: i64) -> Option<i64> {
    lots_micros.checked_mul(contract_size)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lots(text: &str) -> i64 {
        crate::money::parse_micros(text).unwrap()
    }

    fn raw(s: &str) -> Box<RawValue> {
        RawValue::from_string(s.to_string()).unwrap()
    }

    #[test]
    fn sandbox_shapes_parse() {
        let i = ib(&raw(r#"{"ib_id":3,"name":"IB Partner 003","parent_ib_id":1,"email":"IB3@fx-partners.example","rebate_per_lot":"4.00"}"#)).unwrap();
        assert_eq!(
            (i.external_id.as_str(), i.parent_external_id.as_deref()),
            ("3", Some("1"))
        );
        assert_eq!(i.email_hash, email_hash("ib3@fx-partners.example"));
        let a = account(&raw(r#"{"login":5000001,"ib_id":null,"currency":"USC","is_cent":true,"separate_commission":false,"registered_at":"2026-10-02T10:00:00Z","country":"de"}"#)).unwrap();
        assert_eq!(
            (a.login.as_str(), a.ib_external_id, a.is_cent),
            ("5000001", None, true)
        );
        let s = symbol(&raw(
            r#"{"symbol":"US30c","contract_size":"0.01","digits":1,"is_cent":true}"#,
        ))
        .unwrap();
        assert_eq!(
            s.contract_size, 1,
            "a cent symbol is stored per standard lot"
        );
        let d = deal(&raw(r#"{"ticket":1000001,"login":5000001,"type":"BUY","entry":"IN","symbol":"EURUSD","volume":"1.25","price":"1.08000","commission":"-4.37","swap":"0.00","profit":"0.00","position_id":7000001,"time":"2026-10-02T11:00:00Z"}"#)).unwrap();
        assert_eq!(
            (d.lots_micros, d.price.as_str(), d.commission_micros),
            (lots("1.25"), "1.08000", -4_370_000)
        );
        assert_eq!(
            volume_micros(d.lots_micros, 100_000),
            Some(125_000 * 1_000_000)
        );
        let b = deal(&raw(r#"{"ticket":"9","login":"5","type":"balance","entry":"IN","symbol":"","volume":"0.00","price":"0","commission":"0","swap":"0","profit":"500.00","position_id":0,"time":"2026-10-02T11:00:00Z"}"#)).unwrap();
        assert_eq!(
            (b.deal_type.as_str(), b.symbol.as_str(), b.profit_micros),
            ("BALANCE", "", 500_000_000)
        );
    }

    #[test]
    fn bad_fields_are_named() {
        let field = |r: ItemResult<SymbolRecord>| r.unwrap_err().field;
        assert_eq!(
            field(symbol(&raw(r#"{"symbol":"X","contract_size":"0.5"}"#))).as_deref(),
            Some("contract_size")
        );
        assert_eq!(
            field(symbol(&raw(
                r#"{"symbol":"X","contract_size":"0.001","is_cent":true}"#
            )))
            .as_deref(),
            Some("contract_size")
        );
        assert_eq!(
            field(symbol(&raw(r#"{"symbol":"X","contract_size":"-100"}"#))).as_deref(),
            Some("contract_size")
        );
        let deal_field = |s: &str| deal(&raw(s)).unwrap_err().field;
        assert_eq!(deal_field(r#"{"ticket":1,"type":"BUY","symbol":"EURUSD","volume":"1","time":"2026-10-02T11:00:00Z"}"#).as_deref(), Some("login"));
        assert_eq!(
            deal_field(
                r#"{"ticket":1,"login":2,"type":"BUY","volume":"1","time":"2026-10-02T11:00:00Z"}"#
            )
            .as_deref(),
            Some("symbol")
        );
        assert_eq!(deal_field(r#"{"ticket":1,"login":2,"type":"BUY","symbol":"EURUSD","volume":"1","entry":"SIDEWAYS","time":"2026-10-02T11:00:00Z"}"#).as_deref(), Some("entry"));
        assert_eq!(deal_field(r#"{"ticket":1,"login":2,"type":"BUY","symbol":"EURUSD","volume":"1","price":"1.2.3","time":"2026-10-02T11:00:00Z"}"#).as_deref(), Some("price"));
        assert_eq!(deal_field(r#"{"ticket":1.5,"login":2,"type":"BUY","symbol":"EURUSD","volume":"1","time":"2026-10-02T11:00:00Z"}"#).as_deref(), Some("ticket"));
        assert_eq!(
            ib(&raw(r#"{"ib_id":4,"parent_ib_id":"4"}"#))
                .unwrap_err()
                .field
                .as_deref(),
            Some("parent_ib_id")
        );
    }
}
