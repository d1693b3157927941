//! The one error that crosses the IPC boundary and the CLI's `--json` output: `{code, message}`.
//!
//! The codes are a small closed set, and each exists because a client branches on it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Why a request failed, as the UI needs to know it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The request itself was wrong (a bad date, an unknown field): the UI shows it beside the form.
    InvalidInput,
    /// The thing asked for does not exist (no workspace yet, unknown affiliate): the UI offers to create it.
    NotFound,
    /// Nobody is signed in, the session locked after idle time, or a sign-in failed: the UI shows the sign-in
    /// screen.
    Unauthenticated,
    /// The signed-in person lacks the permission the operation needs (the message names it): the UI says so
    /// and offers nothing to retry.
    Forbidden,
    /// The request lost a race or contradicts the current state (an approval already given, a run that changed):
    /// the UI reloads what it shows.
    Conflict,
    /// A remote source failed (HTTP error, malformed page, timeout): the UI offers "retry".
    SourceFailed,
    /// The local store failed (I/O, corruption, disk full): the UI offers no retry loop, only the message.
    Storage,
    /// Anything else: a bug. The message is shown as is.
    Internal,
}

/// `{code, message}`: the message is a full sentence for a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The UI's error handling parses exactly this shape; changing it breaks every screen's error display.
    #[test]
    fn api_error_json_shape_is_pinned() {
        let e = ApiError::new(
            ErrorCode::SourceFailed,
            "everflow/conversions page 3: HTTP 500",
        );
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"code":"source_failed","message":"everflow/conversions page 3: HTTP 500"}"#
        );
        for (code, s) in [
            (ErrorCode::InvalidInput, "invalid_input"),
            (ErrorCode::NotFound, "not_found"),
            (ErrorCode::Unauthenticated, "unauthenticated"),
            (ErrorCode::Forbidden, "forbidden"),
            (ErrorCode::Conflict, "conflict"),
            (ErrorCode::SourceFailed, "source_failed"),
            (ErrorCode::Storage, "storage"),
            (ErrorCode::Internal, "internal"),
        ] {
            assert_eq!(serde_json::to_value(code).unwrap(), serde_json::json!(s));
        }
    }
}
