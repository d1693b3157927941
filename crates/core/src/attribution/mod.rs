//! Attribution you can explain (DOMAIN.md §3): which affiliate, if any, a player belongs to, and why.
//!
//! - [`rules`]: per-program, effective-dated rule versions (keys on/off, promo-vs-click priority, post-click
//!   window, first/last click for analysis, IP + user-agent analysis window, first referrer kept), validated with
//!   errors naming the field; a built-in default when a program has none.
//! - [`decide`]: the decision for one player as a pure function of the facts, with its explanation.
//! - [`run()`]: (re)decides the unlocked players of a program, idempotently; locks at the FTD; keeps
//!   `players.affiliate_id` equal to the decision (what the commission engine and the rollups read).
//! - [`promo`]: affiliates' promo codes (entered by a manager, or learned from tracker conversions).
//! - [`explain`]: the readable text of an explanation, and a player's stored decision.
//! - [`multitouch`] and [`report`]: first / last / position-based / time-decay credit in exact micros, for
//!   analysis only, never payout.
//! - [`affiliates`]: the affiliate profiles the UI shows; [`identifiers`]: an affiliate's own email, office IPs,
//!   payout instrument and devices (self-referral), from the affiliates file or added by a manager.

pub mod affiliates;
pub mod decide;
pub mod explain;
pub mod facts;
pub mod identifiers;
pub mod multitouch;
pub mod overrides;
pub mod promo;
pub mod report;
pub mod rules;
mod run;
mod touches;
pub mod types;
pub mod versions;

#[cfg(test)]
mod decide_props;
#[cfg(test)]
mod decide_tests;
#[cfg(test)]
mod rules_tests;

pub use run::{affiliates as affiliate_refs, run, run_in};

use crate::attribution::types::RuleFieldError;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AttributionError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    /// A rule body failed validation; every field's problem is listed.
    #[error("invalid attribution rules: {}", .0.iter().map(|e| format!("{} {}", e.field, e.message)).collect::<Vec<_>>().join("; "))]
    Rules(Vec<RuleFieldError>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for AttributionError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Store(StoreError::Sqlite(e))
    }
}

/// The program's id by name; without a name, the default program ([`crate::programs::pick`]: the first iGaming
/// one, as the dashboard shows).
pub fn program_id(
    conn: &rusqlite::Connection,
    name: Option<&str>,
) -> Result<i64, AttributionError> {
    crate::programs::pick(&crate::programs::all(conn)?, name)
        .map(|p| p.id)
        .map_err(|e| AttributionError::NotFound(e.to_string()))
}
