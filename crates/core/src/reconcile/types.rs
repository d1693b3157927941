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
    pub reasons: Vec<ReasonCount>,
    pub rows: Vec<ReconRow>,
    /// When the month was last reconciled (none: never, so no rows says nothing yet), and by whom.
    #[ts(type = "number | null")]
    pub reconciled_at_ms: Option<i64>,
    pub reconciled_by: String,
}
