//! The records reconciliation and disputes return: a month's report, its rows and totals, dispute cases.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReconQuery {
    /// YYYY-MM in the program's zone.
    pub period: String,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affiliate: Option<String>,
    /// The first row to return (0-based) of the filtered rows.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u32>,
    /// At most this many rows: one page (none: every row — the CLI and the CSV export).
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// One discrepancy between tracker and operator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReconRow {
    #[ts(type = "number")]
    pub id: i64,
    pub reason: String,
    pub affiliate_id: String,
    pub affiliate_name: String,
    pub conversion_ref: String,
    pub transaction_id: String,
    pub player_ref: String,
    pub deposit_ref: String,
    pub tracker_amount: Option<String>,
    pub operator_amount: Option<String>,
    /// Payout at stake: positive = owed to the affiliate, negative = over-paid.
    pub impact: String,
    pub currency: String,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReconAffiliateTotal {
    pub affiliate_id: String,
    pub affiliate_name: String,
    pub tracker_conversions: u32,
    pub operator_ftds: u32,
    pub discrepancies: u32,
    pub impact: String,
    pub currency: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReasonCount {
    pub reason: String,
    pub count: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReconReport {
    pub period: String,
    pub program: String,
    pub totals: Vec<ReconAffiliateTotal>,
    /// Rows per reason code, of the whole month (the affiliate filter applies, the reason filter and the page do
    /// not).
    pub reasons: Vec<ReasonCount>,
    /// The rows of the page asked for (all of them without `limit`), by reason then id.
    pub rows: Vec<ReconRow>,
    /// How many rows match the reason and affiliate filters, and where `rows` start among them.
    pub total_rows: u32,
    pub offset: u32,
    /// When the month was last reconciled (none: never, so no rows says nothing yet), and by whom.
    #[ts(type = "number | null")]
    pub reconciled_at_ms: Option<i64>,
    pub reconciled_by: String,
}
