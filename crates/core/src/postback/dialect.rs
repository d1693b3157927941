//! The six postback dialects (DOMAIN.md §2) and the second step of intake: decoded [`Params`] become one
//! validated [`PostbackRecord`], or a 400 [`Rejection`] naming the parameter.
//!
//! Choices made here, each one a place where trackers differ:
//! - **Status**: required where the dialect has a status parameter that trackers always fill (Keitaro `status`,
//!   Affise `status`); optional in Binom (`cnv_status`, default approved); absent from Everflow, Voluum and
//!   Prosper202, whose postbacks mean "a conversion happened" (approved).
//! - **Transaction id** (the dedupe key): Voluum `txid`, Keitaro `tid`, Affise `transactionid`, Binom `txid`,
//!   Prosper202 `txid`/`transaction_id`/`orderid`/`oid` (trimmed; blank means *no dedupe*), Everflow `order_id`,
//!   falling back to the click id (`transaction_id` is Everflow's click id, and Everflow records one
//!   conversion per click and event).
//! - **Affise** has no click-id macro (`{clickid}` does not exist): the Affops click id travels in `sub1` of the
//!   tracking link and comes back in `sub1`. A template that used `{clickid}` arrives unreplaced and is refused.

use super::params::{unreplaced_macro, Params};
use super::Rejection;
use crate::ingest::records::{currency, ConversionStatus};
use crate::money::parse_micros;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The parameter conventions of one tracker's postbacks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Dialect {
    #[default]
    Everflow,
    Voluum,
    Keitaro,
    Affise,
    Binom,
    Prosper202,
}

/// Whether a dialect's status parameter must be present.
#[derive(Clone, Copy, PartialEq, Eq)]
enum StatusRule {
    Required(&'static str),
    Optional(&'static str),
    Absent,
}

struct Keys {
    click: &'static str,
    txid: &'static [&'static str],
    status: StatusRule,
    payout: &'static str,
    currency: &'static str,
    event: &'static str,
    subs: [&'static str; 5],
    coupon: &'static str,
    ip: &'static str,
}

const NONE: &str = "";

impl Dialect {
    pub const ALL: [Dialect; 6] = [
        Self::Everflow,
        Self::Voluum,
        Self::Keitaro,
        Self::Affise,
        Self::Binom,
        Self::Prosper202,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Everflow => "everflow",
            Self::Voluum => "voluum",
            Self::Keitaro => "keitaro",
            Self::Affise => "affise",
            Self::Binom => "binom",
            Self::Prosper202 => "prosper202",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|d| d.as_str() == text.trim().to_ascii_lowercase())
    }

    /// The parameter that carries the click id, e.g. to build the postback URL a tracker must call.
    pub fn click_param(self) -> &'static str {
        self.keys().click
    }

    fn keys(self) -> Keys {
        let no_subs = [NONE; 5];
        match self {
            Self::Everflow => Keys {
                click: "transaction_id",
                txid: &["order_id"],
                status: StatusRule::Absent,
                payout: "amount",
                currency: "currency",
                event: "adv_event_id",
                subs: ["adv1", "adv2", "adv3", "adv4", "adv5"],
                coupon: "coupon_code",
                ip: NONE,
            },
            Self::Voluum => Keys {
                click: "cid",
                txid: &["txid"],
                status: StatusRule::Absent,
                payout: "payout",
                currency: "currency",
                event: "et",
                subs: no_subs,
                coupon: NONE,
                ip: NONE,
            },
            Self::Keitaro => Keys {
                click: "subid",
                txid: &["tid"],
                status: StatusRule::Required("status"),
                payout: "payout",
                currency: "currency",
                event: NONE,
                subs: no_subs,
                coupon: NONE,
                ip: NONE,
            },
            Self::Affise => Keys {
                click: "sub1",
                txid: &["transactionid"],
                status: StatusRule::Required("status"),
                payout: "sum",
                currency: "currency",
                event: "goal",
                subs: ["sub1", "sub2", "sub3", "sub4", "sub5"],
                coupon: "promo_code",
                ip: "ip",
            },
            Self::Binom => Keys {
                click: "cnv_id",
                txid: &["txid"],
                status: StatusRule::Optional("cnv_status"),
                payout: "payout",
                currency: "cnv_currency",
                event: NONE,
                subs: no_subs,
                coupon: NONE,
                ip: NONE,
            },
            Self::Prosper202 => Keys {
                click: "subid",
                txid: &["txid", "transaction_id", "orderid", "oid"],
                status: StatusRule::Absent,
                payout: "amount",
                currency: "currency",
                event: NONE,
                subs: no_subs,
                coupon: NONE,
                ip: NONE,
            },
        }
    }

    /// Maps a status as this dialect spells it. Affise sends numeric codes (1 approved, 2 pending, 3 declined,
    /// 5 hold); Keitaro says lead/sale/rejected/trash; everyone may use the plain names.
    fn status(self, text: &str) -> Option<ConversionStatus> {
        use ConversionStatus::*;
        let t = text.trim().to_ascii_lowercase();
        if self == Self::Affise {
            match t.as_str() {
                "1" => return Some(Approved),
                "2" => return Some(Pending),
                "3" => return Some(Rejected),
                "5" => return Some(Hold),
                _ => {}
            }
        }
        Some(match t.as_str() {
            "approved" | "approve" | "confirmed" | "sale" => Approved,
            "pending" | "lead" => Pending,
            "rejected" | "declined" | "reversed" | "chargeback" => Rejected,
            "invalid" | "trash" => Invalid,
            "hold" => Hold,
            _ => return None,
        })
    }
}

/// Where an out-of-order status lands. None of the six dialects carries the conversion's own timestamp, so
/// arrival order cannot be trusted (retries, parallel senders): a status only ever moves *up* this order and a
/// lower one arriving later is kept in the log as `stale`. A reversal (rejected) is final over an approval, and an
/// approval over pending/hold, which is what in-order delivery of every real lifecycle ends in.
pub fn status_rank(s: ConversionStatus) -> u8 {
    match s {
        ConversionStatus::Pending => 0,
        ConversionStatus::Hold => 1,
        ConversionStatus::Approved => 2,
        ConversionStatus::Invalid => 3,
        ConversionStatus::Rejected => 4,
    }
}

/// One postback, validated: every field checked, nothing left to parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostbackRecord {
    pub click_id: String,
    /// The dedupe key within the source; empty means this delivery is never treated as a replay.
    pub txid: String,
    pub status: ConversionStatus,
    pub payout_micros: i64,
    pub currency: String,
    pub event: String,
    pub subs: [String; 5],
    pub coupon_code: String,
    pub ip: String,
}

fn field(params: &Params, key: &str) -> String {
    if key.is_empty() {
        return String::new();
    }
    params.get(key).unwrap_or("").trim().to_string()
}

/// Validates decoded parameters into a record. `default_currency` applies when the postback names none.
pub fn validate(
    dialect: Dialect,
    params: &Params,
    default_currency: &str,
) -> Result<PostbackRecord, Rejection> {
    // Unreplaced macros first, in every parameter: one is proof the tracker's template is broken, and the
    // other fields of such a request cannot be trusted either.
    for (key, value) in params.iter() {
        if let Some(m) = unreplaced_macro(value) {
            return Err(Rejection::bad(format!(
                "parameter '{key}' holds the unreplaced macro '{m}'"
            )));
        }
    }
    let keys = dialect.keys();
    let click_id = field(params, keys.click);
    if click_id.is_empty() {
        return Err(Rejection::bad(format!(
            "missing click id parameter '{}'",
            keys.click
        )));
    }
    let status = match keys.status {
        StatusRule::Absent => ConversionStatus::Approved,
        StatusRule::Required(k) | StatusRule::Optional(k) => match params.get(k).map(str::trim) {
            None | Some("") if matches!(keys.status, StatusRule::Optional(_)) => {
                ConversionStatus::Approved
            }
            None | Some("") => {
                return Err(Rejection::bad(format!("missing status parameter '{k}'")))
            }
            Some(s) => dialect.status(s).ok_or_else(|| {
                Rejection::bad(format!("parameter '{k}' has the unknown status '{s}'"))
            })?,
        },
    };
    let payout_text = field(params, keys.payout);
    let payout_micros = if payout_text.is_empty() {
        0
    } else {
        let m = parse_micros(&payout_text)
            .map_err(|e| Rejection::bad(format!("parameter '{}': {e}", keys.payout)))?;
        if m < 0 {
            return Err(Rejection::bad(format!(
                "parameter '{}' is negative; a reversal is a status, not a negative payout",
                keys.payout
            )));
        }
        m
    };
    let currency_text = field(params, keys.currency);
    let currency = if currency_text.is_empty() {
        default_currency.to_string()
    } else {
        currency(keys.currency, &currency_text)
            .map_err(|e| Rejection::bad(format!("parameter {e}")))?
    };
    let event = field(params, keys.event);
    let mut txid = params
        .first_of(keys.txid)
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_default();
    if dialect == Dialect::Everflow && txid.is_empty() {
        txid = if event.is_empty() {
            click_id.clone()
        } else {
            format!("{click_id}:{event}")
        };
    }
    let ip = field(params, keys.ip);
    if !ip.is_empty() && ip.parse::<std::net::IpAddr>().is_err() {
        return Err(Rejection::bad(format!(
            "parameter '{}' is not an IP address",
            keys.ip
        )));
    }
    Ok(PostbackRecord {
        click_id,
        txid,
        status,
        payout_micros,
        currency,
        event,
        subs: keys.subs.map(|k| field(params, k)),
        coupon_code: field(params, keys.coupon),
        ip,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::postback::params::parse_query;

    fn v(d: Dialect, q: &str) -> Result<PostbackRecord, String> {
        validate(d, &parse_query(q).unwrap(), "EUR").map_err(|r| r.reason)
    }

    #[test]
    fn every_dialect_maps_into_one_record() {
        let k = v(
            Dialect::Keitaro,
            "subid=c1&status=sale&payout=12.5&currency=usd&tid=t1",
        )
        .unwrap();
        assert_eq!((k.click_id.as_str(), k.txid.as_str()), ("c1", "t1"));
        assert_eq!(
            (k.status, k.payout_micros),
            (ConversionStatus::Approved, 12_500_000)
        );
        assert_eq!(k.currency, "USD");
        let a = v(
            Dialect::Affise,
            "sub1=c1&status=3&sum=5&transactionid=t&goal=dep&promo_code=P&ip=1.2.3.4",
        )
        .unwrap();
        assert_eq!(
            (a.status, a.event.as_str(), a.coupon_code.as_str()),
            (ConversionStatus::Rejected, "dep", "P")
        );
        let vo = v(Dialect::Voluum, "cid=c&payout=1&txid=x&et=reg").unwrap();
        assert_eq!(
            (vo.status, vo.currency.as_str(), vo.event.as_str()),
            (ConversionStatus::Approved, "EUR", "reg")
        );
        let b = v(
            Dialect::Binom,
            "cnv_id=c&payout=2&cnv_status=hold&cnv_currency=GBP",
        )
        .unwrap();
        assert_eq!((b.status, b.txid.as_str()), (ConversionStatus::Hold, ""));
        let p = v(Dialect::Prosper202, "subid=c&amount=3&oid=%20o9%20").unwrap();
        assert_eq!(p.txid, "o9", "Prosper202 trims and accepts oid");
        let e = v(
            Dialect::Everflow,
            "nid=1&transaction_id=c&amount=4&adv1=a&coupon_code=K",
        )
        .unwrap();
        assert_eq!(
            (e.txid.as_str(), e.subs[0].as_str()),
            ("c", "a"),
            "Everflow falls back to the click id"
        );
    }

    #[test]
    fn refusals_name_the_parameter() {
        assert!(v(Dialect::Keitaro, "status=sale")
            .unwrap_err()
            .contains("'subid'"));
        assert!(v(Dialect::Keitaro, "subid=c")
            .unwrap_err()
            .contains("'status'"));
        assert!(v(Dialect::Keitaro, "subid=c&status=paid")
            .unwrap_err()
            .contains("unknown status"));
        assert!(v(Dialect::Keitaro, "subid=c&status=sale&payout=1e3")
            .unwrap_err()
            .contains("'payout'"));
        assert!(v(Dialect::Keitaro, "subid=c&status=sale&payout=-1")
            .unwrap_err()
            .contains("negative"));
        assert!(v(Dialect::Voluum, "cid=c&currency=EURO")
            .unwrap_err()
            .contains("'currency'"));
        assert!(v(Dialect::Affise, "sub1=c&status=1&sub4={subacc4}")
            .unwrap_err()
            .contains("'sub4'"));
        assert!(v(Dialect::Affise, "clickid={clickid}&status=1")
            .unwrap_err()
            .contains("'clickid'"));
        assert!(v(Dialect::Voluum, "cid=%257Bcid%257D")
            .unwrap_err()
            .contains("unreplaced"));
        assert!(v(Dialect::Affise, "sub1=c&status=1&ip=nope")
            .unwrap_err()
            .contains("'ip'"));
    }
}
