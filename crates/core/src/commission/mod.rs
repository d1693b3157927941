//! Commission: plans as versioned data, a deterministic engine from events to commission lines, the ledger
//! entries it posts, and statements.
//!
//! - [`rounding`]: named rounding modes applied once per statement line in minor units; the exact N-way split.
//! - [`plan`]: the plan model, its validation, JSON/TOML files, saved versions and assignments.
//! - [`tiers`]: the four tier semantics (band, marginal, retroactive, multi-condition).
//! - [`engine`]: the pure computation (inputs → lines + problems + hash), per component.
//! - [`load`]: reads the engine's inputs for a period from the store.
//! - [`period`]: periods, FX snapshots, closing; [`compute`]: `compute_period`, posting ledger entries.
//! - [`qualify`]: the per-player qualification checklist.
//! - [`statement`]: statements from the ledger, their hash, CSV and HTML exports.
//!
//! Nothing here reads the clock or the process time zone: instants are passed in, days are the program's.

pub mod compute;
pub mod engine;
pub mod exclusions;
pub mod load;
pub mod period;
pub mod plan;
pub mod preview;
pub mod qualify;
pub mod rounding;
pub mod stake;
pub mod statement;
pub mod tiers;
pub mod types;

use crate::money::MoneyError;
use crate::store::StoreError;
use plan::file::PlanFileError;
use plan::validate::ValidationError;

#[derive(Debug, thiserror::Error)]
pub enum CommissionError {
    #[error("the plan is invalid: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<ValidationError>),
    #[error(transparent)]
    File(#[from] PlanFileError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Money(#[from] MoneyError),
    #[error("{0}")]
    NotFound(String),
    /// The request contradicts what is recorded (a closed period, an entry already approved...).
    #[error("{0}")]
    Refused(String),
    #[error("{0}")]
    BadInput(String),
}

impl From<rusqlite::Error> for CommissionError {
    fn from(e: rusqlite::Error) -> Self {
        CommissionError::Store(StoreError::Sqlite(e))
    }
}

pub type CommissionResult<T> = Result<T, CommissionError>;
