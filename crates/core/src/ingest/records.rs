//! Validated records: what a parsed page item becomes once every field has been checked. Nothing reaches the
//! store in any other form. A record that fails becomes an [`ItemError`] naming the field and the reason, and is
//! quarantined with its raw text.

use crate::money::parse_micros;
use serde_json::value::RawValue;

/// Why one item of a page was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemError {
    /// The field to blame, when there is one.
    pub field: Option<String>,
    pub reason: String,
}

impl ItemError {
    pub fn field(field: &str, reason: impl Into<String>) -> Self {
        Self {
            field: Some(field.to_string()),
            reason: reason.into(),
        }
    }

    /// A serde error on the whole item: serde names the field in its message ("missing field `status`").
    pub fn shape(e: &serde_json::Error) -> Self {
        let msg = e.to_string();
        let field = msg
            .split('`')
            .nth(1)
            .filter(|_| msg.starts_with("missing field") || msg.starts_with("unknown field"))
            .map(str::to_string);
        Self { field, reason: msg }
    }
}

impl std::fmt::Display for ItemError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.field {
            Some(field) => write!(f, "field '{field}': {}", self.reason),
            None => f.write_str(&self.reason),
        }
    }
}

pub type ItemResult<T> = Result<T, ItemError>;

pub fn required(field: &str, value: &str) -> ItemResult<String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(ItemError::field(field, "is empty"));
    }
    Ok(v.to_string())
}

/// A money amount given as a JSON number (`12.5`) or string (`"12.50"`), parsed exactly to micros.
pub fn money(field: &str, raw: &RawValue) -> ItemResult<i64> {
    let text = raw.get().trim();
    let text = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(text);
    parse_micros(text).map_err(|e| ItemError::field(field, e.to_string()))
}

pub fn optional_money(field: &str, raw: Option<&RawValue>) -> ItemResult<i64> {
    match raw {
        None => Ok(0),
        Some(r) if r.get() == "null" => Ok(0),
        Some(r) => money(field, r),
    }
}

pub fn currency(field: &str, value: &str) -> ItemResult<String> {
    let v = value.trim().to_ascii_uppercase();
    if v.len() != 3 || !v.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(ItemError::field(
            field,
            format!("'{value}' is not an ISO 4217 currency code"),
        ));
    }
    Ok(v)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AffiliateRecord {
    pub external_id: String,
    pub name: String,
    pub status: String,
    pub parent_external_id: Option<String>,
    /// The normalized-email hash ([`super::identity`]) when the affiliates list gives an email; references
    /// embedded in clicks and conversions carry none.
    pub email_hash: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClickRecord {
    pub click_id: String,
    pub affiliate: AffiliateRecord,
    pub clicked_at_ms: i64,
    pub subs: [String; 5],
    pub ip: String,
    pub user_agent: String,
    pub country: String,
    pub landing_url: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConversionStatus {
    Approved,
    Pending,
    Rejected,
    Invalid,
    Hold,
}

impl ConversionStatus {
    pub fn parse(text: &str) -> ItemResult<Self> {
        Ok(match text.trim().to_ascii_lowercase().as_str() {
            "approved" => Self::Approved,
            "pending" => Self::Pending,
            "rejected" | "declined" => Self::Rejected,
            "invalid" => Self::Invalid,
            "hold" => Self::Hold,
            other => {
                return Err(ItemError::field(
                    "status",
                    format!("unknown status '{other}'"),
                ))
            }
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Approved => "approved",
            Self::Pending => "pending",
            Self::Rejected => "rejected",
            Self::Invalid => "invalid",
            Self::Hold => "hold",
        }
    }
}

/// How a conversion reached Affops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrival {
    S2s,
    Pixel,
    Batch,
    Api,
}

impl Arrival {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::S2s => "s2s",
            Self::Pixel => "pixel",
            Self::Batch => "batch",
            Self::Api => "api",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversionRecord {
    pub external_id: String,
    pub transaction_id: String,
    pub affiliate: AffiliateRecord,
    pub status: ConversionStatus,
    pub payout_micros: i64,
    pub revenue_micros: i64,
    pub sale_amount_micros: i64,
    pub currency: String,
    pub converted_at_ms: i64,
    pub clicked_at_ms: Option<i64>,
    pub subs: [String; 5],
    pub player_ref: String,
    pub order_ref: String,
    pub event: String,
    pub coupon_code: String,
    pub country: String,
    pub ip: String,
    pub is_scrub: bool,
    pub arrival: Arrival,
    /// The source's own time of the last status/payout change (Everflow's changes feed), when it says.
    pub source_updated_at_ms: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlayerRecord {
    pub external_id: String,
    pub brand: String,
    pub currency: String,
    pub registered_at_ms: i64,
    pub country: String,
    pub click_id: Option<String>,
    pub btag: Option<String>,
    pub promo_code: Option<String>,
    /// Registration IP and device fingerprint ('' when the operator does not say).
    pub ip: String,
    /// The country the operator geolocates `ip` to ('' when not sent): fills `ip_countries` for the geo rule.
    pub ip_country: String,
    pub device_id: String,
    /// See [`super::identity`]: the normalized-email hash, never the email.
    pub email_hash: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepositRecord {
    pub external_id: String,
    pub player_external_id: String,
    pub amount_micros: i64,
    pub currency: String,
    pub occurred_at_ms: i64,
    pub is_ftd: bool,
    /// The operator's hash of the payment instrument, for shared-instrument checks.
    pub payment_hash: Option<String>,
}

/// A withdrawal: stored as a `money_movements` row of kind 'withdrawal' with a positive amount (the kind says
/// which way the money went).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WithdrawalRecord {
    pub external_id: String,
    pub player_external_id: String,
    pub amount_micros: i64,
    pub currency: String,
    pub occurred_at_ms: i64,
    pub payment_hash: Option<String>,
}

/// One player's PnL components on one operator day, exact, in the operator's currency. GGR and NGR are not
/// stored: they are derived by a formula the commission engine names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityRecord {
    pub player_external_id: String,
    /// 'YYYY-MM-DD' as the operator reports it (the operator's day).
    pub day: String,
    pub currency: String,
    pub deposits_micros: i64,
    pub withdrawals_micros: i64,
    pub bets_micros: i64,
    pub wins_micros: i64,
    pub bonuses_micros: i64,
    pub chargebacks_micros: i64,
    pub adjustments_micros: i64,
    pub fees_micros: i64,
    pub taxes_micros: i64,
}

/// An introducing broker: an affiliate of the Forex program (a sub-IB names its master in `parent_external_id`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IbRecord {
    pub external_id: String,
    pub name: String,
    pub parent_external_id: Option<String>,
    pub email_hash: Option<String>,
}

/// A client's trading account: becomes a `forex_accounts` row and a `players` row (external id = login), so
/// attribution and commissions treat Forex clients like players.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRecord {
    pub login: String,
    /// The IB the client came through; `None` is a direct client (organic: no IB earns on it).
    pub ib_external_id: Option<String>,
    pub currency: String,
    pub is_cent: bool,
    pub registered_at_ms: i64,
    pub country: String,
}

/// A symbol with its contract size per *standard* lot, a whole number of base units. A cent symbol ("EURUSDc")
/// is sent with 1/100 of the standard contract; it is stored with the standard one, because its deals keep their
/// raw volume and the account's `is_cent` flag applies the 1/100 (see the `forex_accounts` schema).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SymbolRecord {
    pub symbol: String,
    pub contract_size: i64,
}

/// An MT5 deal as reported. Its volume in base units needs the symbol's contract size, so it is computed when
/// the deal is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DealRecord {
    pub ticket: String,
    pub login: String,
    /// BUY, SELL, BALANCE, CREDIT, COMMISSION, AGENT_COMMISSION... (upper case).
    pub deal_type: String,
    /// IN, OUT, INOUT or OUT_BY.
    pub entry: String,
    /// Empty for non-trading deals.
    pub symbol: String,
    /// Lots as reported, in micros of a lot (1.00 lot = 1_000_000).
    pub lots_micros: i64,
    /// The price as exact decimal text (scale kept: "1.08000"); '' when absent.
    pub price: String,
    pub commission_micros: i64,
    pub swap_micros: i64,
    pub profit_micros: i64,
    pub position_id: String,
    pub executed_at_ms: i64,
}

/// The affiliate a btag names, if it follows the `a{affiliate}-b{banner}-...` convention.
pub fn affiliate_from_btag(btag: &str) -> Option<String> {
    let first = btag.trim().split('-').next()?;
    let id = first.strip_prefix('a')?;
    (!id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())).then(|| id.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_accepts_numbers_and_strings_exactly() {
        let n = RawValue::from_string("12.5".into()).unwrap();
        assert_eq!(money("payout", &n), Ok(12_500_000));
        let s = RawValue::from_string("\"0.10\"".into()).unwrap();
        assert_eq!(money("payout", &s), Ok(100_000));
        // 0.1 + 0.2 style inputs stay exact: no float is involved.
        let t = RawValue::from_string("0.30000000000000004".into()).unwrap();
        assert_eq!(
            money("payout", &t).unwrap_err().field.as_deref(),
            Some("payout")
        );
    }

    #[test]
    fn btag_names_the_affiliate() {
        assert_eq!(affiliate_from_btag("a502-b1-p0-cIE"), Some("502".into()));
        assert_eq!(affiliate_from_btag("b1-a502"), None);
        assert_eq!(affiliate_from_btag("a-b1"), None);
        assert_eq!(affiliate_from_btag(""), None);
    }

    #[test]
    fn status_values() {
        assert_eq!(
            ConversionStatus::parse("Approved"),
            Ok(ConversionStatus::Approved)
        );
        assert_eq!(
            ConversionStatus::parse("declined"),
            Ok(ConversionStatus::Rejected)
        );
        assert_eq!(
            ConversionStatus::parse("paid")
                .unwrap_err()
                .field
                .as_deref(),
            Some("status")
        );
    }

    #[test]
    fn currency_codes() {
        assert_eq!(currency("currency", "eur"), Ok("EUR".into()));
        assert!(currency("currency", "EURO").is_err());
        assert!(currency("currency", "").is_err());
    }
}
