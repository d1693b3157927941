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

pub mod amount;
pub mod bulk_csv;
pub mod payee;
pub mod pdf;
pub mod sepa;
