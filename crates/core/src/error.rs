//! The error of the domain modules that have no error type of their own (reports, programs, sources, the
//! workspace, the postback listener's configuration). The front door maps it to the boundary's `{code, message}`.

use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// The request is wrong; the message names the field.
    #[error("{0}")]
    Invalid(String),
    /// What was asked for does not exist; the message names it.
    #[error("{0}")]
    NotFound(String),
    /// A remote source failed (HTTP error, malformed page, timeout).
    #[error("{0}")]
    SourceFailed(String),
    /// The environment failed (a task that could not run, a port that could not be bound): not the request's fault.
    #[error("{0}")]
    Internal(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl CoreError {
    pub fn invalid(m: impl Into<String>) -> Self {
        Self::Invalid(m.into())
    }

    pub fn not_found(m: impl Into<String>) -> Self {
        Self::NotFound(m.into())
    }

    pub fn source_failed(m: impl Into<String>) -> Self {
        Self::SourceFailed(m.into())
    }

    pub fn internal(m: impl Into<String>) -> Self {
        Self::Internal(m.into())
    }
}

impl From<rusqlite::Error> for CoreError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Store(e.into())
    }
}

pub type CoreResult<T> = Result<T, CoreError>;
