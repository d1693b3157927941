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
//! - [`affiliates`]: the affiliate profiles the UI shows.

pub mod affiliates;
pub mod decide;
pub mod explain;
pub mod facts;
pub mod multitouch;
pub mod promo;
pub mod report;
pub mod requests;
pub mod rules;
mod run;
mod touches;
pub mod versions;

#[cfg(test)]
mod decide_props;
#[cfg(test)]
mod decide_tests;
#[cfg(test)]
mod rules_tests;

pub use run::{affiliates as affiliate_refs, run};

use crate::api::RuleFieldError;
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

/// The program's id by name; without a name, the first program (the one the dashboard shows).
pub fn program_id(
    conn: &rusqlite::Connection,
    name: Option<&str>,
) -> Result<i64, AttributionError> {
    let ids: Vec<(i64, String)> = conn
        .prepare("SELECT id, name FROM programs ORDER BY id")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    match name {
        Some(n) => ids
            .iter()
            .find(|(_, name)| name == n)
            .map(|(id, _)| *id)
            .ok_or_else(|| {
                let known: Vec<&str> = ids.iter().map(|(_, n)| n.as_str()).collect();
                AttributionError::NotFound(format!(
                    "no program named \"{n}\" (known: {})",
                    known.join(", ")
                ))
            }),
        None => ids
            .first()
            .map(|(id, _)| *id)
            .ok_or_else(|| AttributionError::NotFound("the workspace has no program yet".into())),
    }
}

impl From<AttributionError> for crate::api::ApiError {
    fn from(e: AttributionError) -> Self {
        use crate::api::{ApiError, ErrorCode};
        match e {
            AttributionError::NotFound(m) => ApiError::new(ErrorCode::NotFound, m),
            e @ (AttributionError::Invalid(_) | AttributionError::Rules(_)) => {
                ApiError::new(ErrorCode::InvalidInput, e.to_string())
            }
            AttributionError::Store(s) => s.into(),
        }
    }
}
