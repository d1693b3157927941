//! The records of the payout screens: payees with their details versions, runs with their items, approvals and
//! files, and the outcome of approving statement lines.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One version of an affiliate's payment details, and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PayeeVersionView {
    #[ts(type = "number")]
    pub id: i64,
    /// The tracker's affiliate id and name.
    pub affiliate_id: String,
    pub affiliate_name: String,
    /// sepa, wire, paypal or crypto.
    pub method: String,
    /// The details with account numbers masked ("DE89 •••• 3000").
    pub masked: String,
    /// The "payee-details version": SHA-256 of the canonical details.
    pub details_sha256: String,
    pub currency: String,
    pub proposed_by: String,
    #[ts(type = "number")]
    pub proposed_at_ms: i64,
    /// pending (waiting for a second person), approved, rejected, superseded (a later version was approved).
    pub status: String,
    pub reviewed_by: Option<String>,
    #[ts(type = "number | null")]
    pub reviewed_at_ms: Option<i64>,
    pub reason: String,
    /// What the proposer wrote for the reviewer ("new bank after the merger, confirmed by phone").
    pub note: String,
    /// For the approved version in use: the first payment to it waits until this instant (new details).
    #[ts(type = "number | null")]
    pub held_until_ms: Option<i64>,
}

/// Every affiliate's payee details, newest version first per affiliate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PayeesPage {
    pub versions: Vec<PayeeVersionView>,
    /// Proposals waiting for a second person.
    pub pending: u32,
    /// Days the first payment to newly approved details is held.
    pub hold_days: u32,
}

/// What approving (or rejecting) statement lines did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct LinesDecision {
    pub affiliate_id: String,
    pub period: String,
    /// Ledger entries approved (or voided, on reject).
    pub entries_changed: u32,
    /// Entries left as they were, with why (on hold until a day, already approved or voided).
    pub skipped: Vec<String>,
}

/// One affiliate of a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PayoutItemView {
    pub affiliate_id: String,
    pub affiliate_name: String,
    /// pay, carried (nothing or too little to pay), held (new payee details waiting, or no FX rate), no_payee.
    pub state: String,
    /// What is paid, in the payee's currency.
    pub amount: String,
    pub currency: String,
    /// The ledger's amount it comes from, and the FX snapshot rate that converted it (empty: same currency).
    pub source_amount: String,
    pub source_currency: String,
    pub fx_rate: String,
    pub fx_source: String,
    pub fx_as_of: String,
    pub payee_method: String,
    pub payee_masked: String,
    pub payee_details_sha256: String,
    pub note: String,
    /// open, paid, failed or returned.
    pub outcome: String,
    /// The statements (period and hash) whose lines it pays.
    pub statements: Vec<String>,
    /// What changed since the program's previous run: "new", "+12.50", "new payee details", "".
    pub change: String,
}

/// A currency's total in a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PayoutTotal {
    pub currency: String,
    pub amount: String,
    pub payments: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PayoutApprovalView {
    pub approver: String,
    #[ts(type = "number")]
    pub signed_at_ms: i64,
    /// app (signed in the app) or file (a signed approval file from another machine).
    pub via: String,
    pub public_key: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PayoutFileView {
    pub currency: String,
    pub format: String,
    pub file_name: String,
    pub sha256: String,
    pub payments: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PayoutEventView {
    pub event: String,
    pub by: String,
    #[ts(type = "number")]
    pub at_ms: i64,
    pub detail: String,
}

/// A payout run as the Payouts screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PayoutRunView {
    #[ts(type = "number")]
    pub id: i64,
    pub program: String,
    pub period: String,
    /// awaiting_approval, approved, exported, paid or cancelled.
    pub status: String,
    pub execution_date: String,
    pub prepared_by: String,
    #[ts(type = "number")]
    pub prepared_at_ms: i64,
    pub content_hash: String,
    pub approvals_required: u32,
    pub approvals: Vec<PayoutApprovalView>,
    pub items: Vec<PayoutItemView>,
    pub totals: Vec<PayoutTotal>,
    pub files: Vec<PayoutFileView>,
    pub events: Vec<PayoutEventView>,
    pub bank_reference: String,
    pub paid_on: String,
    /// The run this one is compared with (the program's previous run that was not cancelled).
    #[ts(type = "number | null")]
    pub previous_run: Option<i64>,
}

/// A run in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PayoutRunSummary {
    #[ts(type = "number")]
    pub id: i64,
    pub period: String,
    pub status: String,
    pub prepared_by: String,
    #[ts(type = "number")]
    pub prepared_at_ms: i64,
    pub approvals: u32,
    pub approvals_required: u32,
    pub payments: u32,
    pub totals: Vec<PayoutTotal>,
    /// The requested execution day, `YYYY-MM-DD`.
    pub execution_date: String,
}
