//! What is common to every paged stream: where it resumes ([`Position`]), the time window it covers, one parsed
//! page ([`Envelope`]), and the table of streams each kind of source offers, in the order they sync.

use super::records::{
    AccountRecord, ActivityRecord, AffiliateRecord, ClickRecord, ConversionRecord, DealRecord,
    DepositRecord, IbRecord, ItemResult, PlayerRecord, SymbolRecord, WithdrawalRecord,
};
use super::{affise, broker, everflow, operator, tune};
use chrono::{TimeZone, Utc};
use serde_json::value::RawValue;

/// Where a stream resumes. Persisted in `sync_checkpoints.cursor` as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Position {
    /// 1-based page number (Everflow).
    Page(u32),
    /// An opaque cursor; `None` is the first page (operator API).
    Cursor(Option<String>),
}

impl Position {
    pub fn to_checkpoint(&self) -> String {
        match self {
            Self::Page(n) => format!("page:{n}"),
            Self::Cursor(None) => "begin".to_string(),
            Self::Cursor(Some(c)) => format!("after:{c}"),
        }
    }

    /// `None` for a checkpoint that marks the stream complete ('') or that cannot be read.
    pub fn from_checkpoint(text: &str) -> Option<Self> {
        if text == "begin" {
            return Some(Self::Cursor(None));
        }
        if let Some(c) = text.strip_prefix("after:") {
            return Some(Self::Cursor(Some(c.to_string())));
        }
        text.strip_prefix("page:")?
            .parse()
            .ok()
            .filter(|n| *n >= 1)
            .map(Self::Page)
    }

    /// A short label for messages: "page 3", "cursor abc".
    pub fn label(&self, page_seq: u32) -> String {
        match self {
            Self::Page(n) => format!("page {n}"),
            Self::Cursor(_) => format!("page {page_seq}"),
        }
    }
}

/// The instants a windowed stream covers, inclusive, as Unix ms UTC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    pub from_ms: i64,
    pub to_ms: i64,
}

impl Window {
    fn text(ms: i64) -> String {
        Utc.timestamp_millis_opt(ms)
            .single()
            .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
            .unwrap_or_default()
    }
    pub fn from_text(&self) -> String {
        Self::text(self.from_ms)
    }
    pub fn to_text(&self) -> String {
        Self::text(self.to_ms)
    }
}

/// One page as received: its items still raw (each is validated on its own), the total if the source says,
/// and where the next page is (`None` at the end).
#[derive(Debug)]
pub struct Envelope {
    pub items: Vec<Box<RawValue>>,
    pub total: Option<u32>,
    pub next: Option<Position>,
}

/// A validated record of any stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    Affiliate(AffiliateRecord),
    Click(ClickRecord),
    Conversion(ConversionRecord),
    Player(PlayerRecord),
    Deposit(DepositRecord),
    Withdrawal(WithdrawalRecord),
    Activity(ActivityRecord),
    Ib(IbRecord),
    Account(AccountRecord),
    Symbol(SymbolRecord),
    Deal(DealRecord),
}

/// The business a program is in (`programs.vertical`). An operator source serves its program's vertical: a
/// casino back-office (players, money, daily activity) or a Forex broker's (IBs, accounts, symbols, deals).
pub use crate::programs::Vertical;

/// The kinds of source the connector speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    Everflow,
    Affise,
    /// TUNE (HasOffers) Network API v3.
    Tune,
    Operator,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Everflow => "everflow",
            Self::Affise => "affise",
            Self::Tune => "tune",
            Self::Operator => "operator",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "everflow" => Some(Self::Everflow),
            "affise" => Some(Self::Affise),
            "tune" => Some(Self::Tune),
            "operator" => Some(Self::Operator),
            _ => None,
        }
    }

    pub const ALL: [SourceKind; 4] = [Self::Everflow, Self::Affise, Self::Tune, Self::Operator];

    /// The streams a source of this kind offers for a program of `vertical`. Trackers are the same for both
    /// verticals; an operator source is a casino back-office or a broker's, after its program.
    pub fn streams(self, vertical: Vertical) -> &'static [StreamKind] {
        match (self, vertical) {
            (Self::Everflow, _) => &[
                StreamKind::Affiliates,
                StreamKind::Clicks,
                StreamKind::Conversions,
                StreamKind::ConversionChanges,
            ],
            (Self::Affise, _) => &[StreamKind::AffiseConversions],
            (Self::Tune, _) => &[StreamKind::TuneConversions],
            (Self::Operator, Vertical::Igaming) => &[
                StreamKind::Players,
                StreamKind::Deposits,
                StreamKind::Withdrawals,
                StreamKind::Activity,
            ],
            (Self::Operator, Vertical::Forex) => &[
                StreamKind::Ibs,
                StreamKind::Accounts,
                StreamKind::Symbols,
                StreamKind::Deals,
            ],
        }
    }
}

/// One stream of one kind of source. The order is the sync order (every source's stream of one kind, then the
/// next kind): what a record refers to is synced before it — affiliates and clicks before players, players before
/// their money and activity, IBs before accounts, accounts and symbols before deals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum StreamKind {
    Affiliates,
    Clicks,
    Players,
    Deposits,
    Withdrawals,
    Activity,
    Ibs,
    Accounts,
    Symbols,
    Deals,
    Conversions,
    AffiseConversions,
    TuneConversions,
    /// Everflow's incremental feed of late status and payout changes (`changes_since`).
    ConversionChanges,
}

impl StreamKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Affiliates => "affiliates",
            Self::Clicks => "clicks",
            Self::Players => "players",
            Self::Deposits => "deposits",
            Self::Withdrawals => "withdrawals",
            Self::Activity => "activity",
            Self::Ibs => "ibs",
            Self::Accounts => "accounts",
            Self::Symbols => "symbols",
            Self::Deals => "deals",
            Self::Conversions => "conversions",
            Self::AffiseConversions => "affise-conversions",
            Self::TuneConversions => "tune-conversions",
            Self::ConversionChanges => "conversion-changes",
        }
    }

    /// Windowed streams are filtered by time at the source; the others are full lists.
    pub fn windowed(self) -> bool {
        matches!(
            self,
            Self::Clicks
                | Self::Conversions
                | Self::AffiseConversions
                | Self::TuneConversions
                | Self::ConversionChanges
        )
    }

    pub fn first_position(self) -> Position {
        match self {
            Self::Affiliates
            | Self::Clicks
            | Self::Conversions
            | Self::AffiseConversions
            | Self::TuneConversions
            | Self::ConversionChanges => Position::Page(1),
            _ => Position::Cursor(None),
        }
    }

    pub fn request(
        self,
        client: &reqwest::Client,
        base_url: &str,
        api_key: &str,
        position: &Position,
        page_size: u32,
        window: &Window,
    ) -> reqwest::RequestBuilder {
        let cursor = match position {
            Position::Cursor(c) => c.as_deref(),
            Position::Page(_) => None,
        };
        let page = match position {
            Position::Page(n) => *n,
            Position::Cursor(_) => 1,
        };
        match self {
            Self::Affiliates => everflow::list_request(
                client,
                base_url,
                api_key,
                "/v1/networks/affiliates",
                page,
                page_size,
                None,
            ),
            Self::Clicks => everflow::list_request(
                client,
                base_url,
                api_key,
                "/v1/networks/reporting/clicks/stream",
                page,
                page_size,
                Some(window),
            ),
            Self::Conversions => everflow::list_request(
                client,
                base_url,
                api_key,
                "/v1/networks/reporting/conversions",
                page,
                page_size,
                Some(window),
            ),
            Self::Players
            | Self::Deposits
            | Self::Withdrawals
            | Self::Activity
            | Self::Ibs
            | Self::Accounts
            | Self::Symbols
            | Self::Deals => operator::list_request(
                client,
                base_url,
                api_key,
                &format!("/operator/v1/{}", self.as_str()),
                cursor,
                page_size,
            ),
            Self::AffiseConversions => {
                affise::list_request(client, base_url, api_key, page, page_size, window)
            }
            Self::TuneConversions => {
                tune::list_request(client, base_url, api_key, page, page_size, window)
            }
            Self::ConversionChanges => {
                everflow::changes_request(client, base_url, api_key, page, page_size, window)
            }
        }
    }

    pub fn parse_envelope(self, body: &[u8]) -> Result<Envelope, String> {
        match self {
            Self::Affiliates | Self::Clicks | Self::Conversions => {
                everflow::parse_envelope(body, self.as_str())
            }
            Self::ConversionChanges => everflow::parse_envelope(body, "conversions"),
            Self::AffiseConversions => affise::parse_envelope(body),
            Self::TuneConversions => tune::parse_envelope(body),
            _ => operator::parse_envelope(body),
        }
    }

    pub fn parse_item(self, item: &RawValue) -> ItemResult<Record> {
        Ok(match self {
            Self::Affiliates => Record::Affiliate(everflow::affiliate(item)?),
            Self::Clicks => Record::Click(everflow::click(item)?),
            Self::Conversions | Self::ConversionChanges => {
                Record::Conversion(everflow::conversion(item)?)
            }
            Self::AffiseConversions => Record::Conversion(affise::conversion(item)?),
            Self::TuneConversions => Record::Conversion(tune::conversion(item)?),
            Self::Players => Record::Player(operator::player(item)?),
            Self::Deposits => Record::Deposit(operator::deposit(item)?),
            Self::Withdrawals => Record::Withdrawal(operator::withdrawal(item)?),
            Self::Activity => Record::Activity(operator::activity(item)?),
            Self::Ibs => Record::Ib(broker::ib(item)?),
            Self::Accounts => Record::Account(broker::account(item)?),
            Self::Symbols => Record::Symbol(broker::symbol(item)?),
            Self::Deals => Record::Deal(broker::deal(item)?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkpoint_round_trip() {
        for p in [
            Position::Page(3),
            Position::Cursor(None),
            Position::Cursor(Some("a:b".into())),
        ] {
            assert_eq!(Position::from_checkpoint(&p.to_checkpoint()), Some(p));
        }
        assert_eq!(Position::from_checkpoint(""), None);
        assert_eq!(Position::from_checkpoint("page:0"), None);
        assert_eq!(Position::from_checkpoint("junk"), None);
    }

    #[test]
    fn window_text_is_everflow_format() {
        let w = Window {
            from_ms: 1_759_276_800_000,
            to_ms: 1_759_363_199_000,
        };
        assert_eq!(w.from_text(), "2025-10-01 00:00:00");
        assert_eq!(w.to_text(), "2025-10-01 23:59:59");
    }
}

#[cfg(test)]
mod fuzz {
    use super::*;
    use proptest::prelude::*;

    const STREAMS: [StreamKind; 14] = [
        StreamKind::Affiliates,
        StreamKind::Clicks,
        StreamKind::Players,
        StreamKind::Deposits,
        StreamKind::Withdrawals,
        StreamKind::Activity,
        StreamKind::Ibs,
        StreamKind::Accounts,
        StreamKind::Symbols,
        StreamKind::Deals,
        StreamKind::Conversions,
        StreamKind::AffiseConversions,
        StreamKind::TuneConversions,
        StreamKind::ConversionChanges,
    ];

    fn value() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("null".to_string()),
            Just(r#""""#.to_string()),
            Just("-1".to_string()),
            Just("1e400".to_string()),
            Just(r#""{sub1}""#.to_string()),
            "[0-9]{1,20}(\\.[0-9]{1,9})?",
            "[a-zA-Z0-9 :./-]{0,16}".prop_map(|s| format!("\"{s}\"")),
            Just(r#"{"affiliate":{"network_affiliate_id":3,"name":"x"}}"#.to_string()),
        ]
    }

    proptest! {
        /// RELIABILITY.md I9: any bytes as a page give a page or an error with a reason, never a panic.
        #[test]
        fn page_parsers_never_panic(body in proptest::collection::vec(any::<u8>(), 0..512), k in 0usize..14) {
            let _ = STREAMS[k].parse_envelope(&body);
        }

        /// Any object of plausible keys and odd values is a record or an error naming why — never a panic.
        #[test]
        fn item_parsers_name_a_reason(
            keys in proptest::collection::vec(prop_oneof![
                Just("conversion_id"), Just("transaction_id"), Just("status"), Just("payout"), Just("payouts"),
                Just("currency_id"), Just("currency"), Just("conversion_unix_timestamp"), Just("unix_timestamp"),
                Just("relationship"), Just("partner"), Just("player_id"), Just("amount"), Just("occurred_at"),
                Just("registered_at"), Just("created_at"), Just("id"), Just("name"), Just("network_affiliate_id"),
                Just("Conversion"), Just("datetime"), Just("affiliate_id"),
            ], 0..10),
            vals in proptest::collection::vec(value(), 10),
            k in 0usize..14,
        ) {
            let body: Vec<String> = keys.iter().zip(vals.iter()).map(|(k, v)| format!("\"{k}\":{v}")).collect();
            let text = format!("{{{}}}", body.join(","));
            if let Ok(raw) = RawValue::from_string(text) {
                if let Err(e) = STREAMS[k].parse_item(&raw) {
                    prop_assert!(!e.reason.is_empty());
                }
            }
        }
    }
}
