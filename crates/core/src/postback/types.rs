//! Boundary types of the postback listener: source settings (never secrets), the request log, listener status.

use crate::postback::dialect::Dialect;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The non-secret settings of one postback source. Its token and HMAC secrets live in the OS keychain.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PostbackSourceConfig {
    /// The name in the URL: `/postback/{name}`. Letters, digits, `-`, `_`, `.`.
    pub name: String,
    /// The program whose clicks and affiliates the postbacks refer to.
    pub program: String,
    pub dialect: Dialect,
    /// IP addresses or CIDR blocks allowed to post. Empty denies everyone unless `allow_any_ip` is set.
    pub allow_ips: Vec<String>,
    /// Explicitly opens the source to every address (the token and signature still apply).
    pub allow_any_ip: bool,
    /// Refuse requests without a valid `X-Affops-Signature`.
    pub hmac_required: bool,
    /// ISO 4217 code used when a postback names no currency.
    pub default_currency: String,
}

/// What the listener did with one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PostbackOutcome {
    /// A new conversion was stored.
    Recorded,
    /// A known conversion moved to a higher status (or its payout was corrected).
    Updated,
    /// A replay of what is already stored: answered 200, nothing written but this log row.
    Duplicate,
    /// A status lower than the stored one arrived late: answered 200, the stored status is kept.
    Stale,
    /// Refused; `reason` says why and `status_code` which kind of refusal.
    Rejected,
}

impl PostbackOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Recorded => "recorded",
            Self::Updated => "updated",
            Self::Duplicate => "duplicate",
            Self::Stale => "stale",
            Self::Rejected => "rejected",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            Self::Recorded,
            Self::Updated,
            Self::Duplicate,
            Self::Stale,
            Self::Rejected,
        ]
        .into_iter()
        .find(|o| o.as_str() == text)
    }
}

/// One request as the log keeps it: token and signature values redacted, body capped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PostbackLogRow {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub received_at_ms: i64,
    pub source: String,
    pub remote_ip: String,
    pub method: String,
    pub path_query: String,
    pub body: String,
    pub status_code: u16,
    pub outcome: PostbackOutcome,
    pub reason: String,
    #[ts(type = "number | null")]
    pub conversion_id: Option<i64>,
    /// From the request's arrival to the decision, in microseconds.
    #[ts(type = "number")]
    pub latency_us: i64,
}

/// Which log rows to show. Pages are 1-based; `page_size` is capped at [`POSTBACK_LOG_PAGE_MAX`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PostbackLogFilter {
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<PostbackOutcome>,
    /// Matched against the path and query, the body and the reason.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default)]
    pub page: u32,
    #[serde(default)]
    pub page_size: u32,
}

/// Largest page of log rows one call returns.
pub const POSTBACK_LOG_PAGE_MAX: u32 = 500;

/// One page of the log, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PostbackLogPage {
    pub rows: Vec<PostbackLogRow>,
    /// Rows matching the filter, over all pages.
    pub total: u32,
    pub page: u32,
    pub page_size: u32,
}

/// A configured source as the running listener sees it: which credentials the secret store holds (never
/// their values).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PostbackSourceStatus {
    pub name: String,
    pub dialect: Dialect,
    pub has_token: bool,
    pub has_hmac_secret: bool,
    /// A previous secret is still accepted: a rotation is in progress.
    pub has_previous_hmac_secret: bool,
}

/// Whether the listener runs, where, and what it has done since it started.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ListenerStatus {
    pub running: bool,
    /// `127.0.0.1:<port>` while running.
    pub address: Option<String>,
    #[ts(type = "number | null")]
    pub started_at_ms: Option<i64>,
    pub sources: Vec<PostbackSourceStatus>,
    #[ts(type = "number")]
    pub recorded: u64,
    #[ts(type = "number")]
    pub updated: u64,
    #[ts(type = "number")]
    pub duplicates: u64,
    #[ts(type = "number")]
    pub stale: u64,
    #[ts(type = "number")]
    pub rejected: u64,
    /// Requests refused with 503 because the writer queue was full; they are not in the log.
    #[ts(type = "number")]
    pub overloaded: u64,
}

/// Secrets of a postback source as a form sends them: write-only, each optional (absent keeps the stored one).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PostbackSecretsInput {
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hmac_current: Option<String>,
    /// The secret being rotated out, still accepted until `clear_previous`.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hmac_previous: Option<String>,
    #[serde(default)]
    pub clear_previous: bool,
}
