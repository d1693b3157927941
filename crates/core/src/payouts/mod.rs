//! Payouts: the pure building blocks between an approved statement and the money leaving the bank
//! (DOMAIN.md §7). No store, no clock, no network: every function maps its input to a value or a refusal.
//!
//! - [`payee`]: payee payment details (SEPA IBAN + BIC, international wire, PayPal, crypto) parsed from raw
//!   strings into validated types, with errors naming the field; a stable SHA-256 "payee-details version";
//!   masking for display.

pub mod payee;
