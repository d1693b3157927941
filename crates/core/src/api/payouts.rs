//! Requests of the Payouts screen and the payout commands of the CLI (the records they return are
//! `crate::payouts::types`).

use super::RawPayeeDetails;
use crate::payouts::settle::BankOutcome;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Approve (or reject, with a reason) an affiliate's statement lines of a period: one line or all.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StatementLinesRequest {
    pub affiliate: String,
    /// `YYYY-MM`.
    pub period: String,
    /// The line's key (`cpa`, `revshare`…); none: every line of the statement.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line_key: Option<String>,
    pub approve: bool,
    /// Required to reject: it goes on the statement.
    #[serde(default)]
    pub reason: String,
}

/// New payment details for an affiliate; paid to only after another person approves them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ProposePayeeRequest {
    pub affiliate: String,
    pub details: RawPayeeDetails,
    /// ISO 4217: what the affiliate is paid in (SEPA: EUR).
    pub currency: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReviewPayeeRequest {
    #[ts(type = "number")]
    pub version_id: i64,
    pub approve: bool,
    /// Required to reject.
    #[serde(default)]
    pub reason: String,
}

/// The program's paying account (the debtor of its SEPA files).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PayerRequest {
    pub name: String,
    pub iban: String,
    pub bic: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PrepareRunRequest {
    /// The closed period it pays, `YYYY-MM` (with the arrears of earlier closed periods).
    pub period: String,
    /// The requested execution day, `YYYY-MM-DD`.
    pub execution_date: String,
}

/// Approve a run in the app: the passphrase opens the approver's signing key (it is not stored or logged).
#[derive(Clone, Default, Serialize, Deserialize, TS)]
pub struct ApproveRunRequest {
    #[ts(type = "number")]
    pub run_id: i64,
    pub passphrase: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RunRequest {
    #[ts(type = "number")]
    pub run_id: i64,
    /// Why (cancel), or where a file goes (export): see each operation.
    #[serde(default)]
    pub text: String,
}

/// Sign an approval request file that came from another machine, writing the signed file.
#[derive(Clone, Default, Serialize, Deserialize, TS)]
pub struct SignApprovalRequest {
    /// The request file.
    pub path: String,
    /// Where the signed file goes (default: beside it, `.signed.json`).
    #[serde(default)]
    pub out: String,
    pub passphrase: String,
}

/// The SEPA format of an export.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub enum SepaFormat {
    #[default]
    #[serde(rename = "pain.001.001.09")]
    Pain00100109,
    #[serde(rename = "pain.001.001.03")]
    Pain00100103,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ExportFilesRequest {
    #[ts(type = "number")]
    pub run_id: i64,
    pub sepa_format: SepaFormat,
    /// The folder the files go to (relative: the workspace's `exports/`).
    #[serde(default)]
    pub dir: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MarkPaidRequest {
    #[ts(type = "number")]
    pub run_id: i64,
    pub bank_reference: String,
    /// `YYYY-MM-DD`.
    pub paid_on: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BankReturnRequest {
    #[ts(type = "number")]
    pub run_id: i64,
    pub affiliate: String,
    pub outcome: BankOutcome,
    pub reason: String,
}

/// A file written, with its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct WrittenFile {
    pub path: String,
    pub sha256: String,
    pub currency: String,
    pub format: String,
    pub payments: u32,
}

/// The program's paying account as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PayerView {
    pub name: String,
    pub iban_masked: String,
    pub bic: String,
}

/// The Payouts screen's overview: runs, the paying account, the rules in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PayoutsOverview {
    pub runs: Vec<super::PayoutRunSummary>,
    pub payer: Option<PayerView>,
    /// Runs paying this much or more (program currency) need two approvers.
    pub two_approvals_from: String,
    pub payee_hold_days: u32,
    /// Payee proposals waiting for a second person.
    pub pending_payees: u32,
    pub currency: String,
}
