//! Payouts: the pure building blocks between an approved statement and the money leaving the bank
//! (DOMAIN.md §7). No store, no clock, no network: every function maps its input to a value or a refusal.
//!
//! - [`payee`]: payee payment details (SEPA IBAN + BIC, international wire, PayPal, crypto) parsed from raw
//!   strings into validated types, with errors naming the field; a stable SHA-256 "payee-details version";
//!   masking for display.
//! - [`sepa`]: ISO 20022 SEPA credit transfer files (`pain.001.001.09` and `.03`), euro only, exact amounts,
//!   SEPA character set, byte-deterministic; checked against the official XSDs in the `sepa_xsd` test.
//! - [`bulk_csv`]: the bulk-payment CSV, full account details, formula-injection safe.
//! - [`pdf`]: a dependency-free, byte-deterministic PDF writer for statements and other text documents.
//! - [`amount`]: amounts written exactly in the currency's minor units, refused rather than rounded.
//!
//! Every payment file is one currency and is generated from its input alone, so its hash can be recorded with
//! the payout run and the file regenerated anywhere to the same bytes.
//!
//! The workflow in the store, each step a finance person's (the front door checks who and records it):
//! - [`lines`]: approving (or rejecting) statement lines past their hold.
//! - [`payees`]: payee details in append-only versions, each reviewed by a second person; a waiting time before the
//!   first payment to new details.
//! - [`runs`]: preparing a run for a closed period and its arrears; its canonical content and hash.
//! - [`approvals`]: signed approvals, in the app or as files between machines, exactly once per approver.
//! - [`files`]: the payment files of an approved run, their hashes recorded.
//! - [`settle`]: paid, failed, returned — a returned amount goes back to the balance as a new ledger entry.

pub mod amount;
pub mod approvals;
pub mod bulk_csv;
pub mod files;
pub mod lines;
pub mod payee;
pub mod payees;
pub mod pdf;
pub mod runs;
pub mod sepa;
pub mod settle;
pub mod statement_pdf;
pub mod types;

use crate::commission::CommissionError;
use crate::store::StoreError;

/// Why a payout step was refused; the front door maps each to the boundary's code.
#[derive(Debug, thiserror::Error)]
pub enum PayoutError {
    /// A field of the request is wrong; the message names it.
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    NotFound(String),
    /// The step contradicts the workflow (four-eyes, a closed period, a run already exported…).
    #[error("{0}")]
    Refused(String),
    /// Lost a race or the run changed: reload and look again.
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for PayoutError {
    fn from(e: rusqlite::Error) -> Self {
        PayoutError::Store(e.into())
    }
}

impl From<CommissionError> for PayoutError {
    fn from(e: CommissionError) -> Self {
        match e {
            CommissionError::NotFound(m) => PayoutError::NotFound(m),
            CommissionError::Refused(m) => PayoutError::Refused(m),
            CommissionError::Store(s) => PayoutError::Store(s),
            other => PayoutError::Invalid(other.to_string()),
        }
    }
}

impl From<crate::money::MoneyError> for PayoutError {
    fn from(e: crate::money::MoneyError) -> Self {
        PayoutError::Invalid(e.to_string())
    }
}

pub type PayoutResult<T> = Result<T, PayoutError>;
