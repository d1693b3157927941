//! Query parameters shared by the paged endpoints, parsed and validated before any data is touched, and the two
//! error dialects (tracker: `{"Error":..}`, operator: `{"error":..}`).

use std::collections::HashMap;

use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;

use super::json_value;

pub(super) const PAGE_SIZE_DEFAULT: u32 = 50;
pub(super) const PAGE_SIZE_MAX: u32 = 2000;
pub(super) const LIMIT_DEFAULT: usize = 100;
pub(super) const LIMIT_MAX: usize = 1000;
const CURSOR_PREFIX: &str = "off_";

#[derive(Debug, thiserror::Error)]
pub(super) enum RequestError {
    #[error("invalid api key")]
    Unauthorized,
    #[error("invalid {param}: {reason}")]
    BadParam { param: &'static str, reason: String },
    /// The world has no such program (e.g. Forex endpoints of an iGaming-only world).
    #[error("not found: {0}")]
    NotFound(&'static str),
    /// A bug on our side (a row that fails to serialise), reported as a 500 rather than a panic.
    #[error("internal error: {0}")]
    Internal(String),
}

impl RequestError {
    pub(super) fn bad(param: &'static str, reason: impl Into<String>) -> Self {
        Self::BadParam {
            param,
            reason: reason.into(),
        }
    }

    pub(super) fn status_and_param(&self) -> (StatusCode, Option<&'static str>) {
        match self {
            Self::Unauthorized => (StatusCode::UNAUTHORIZED, None),
            Self::BadParam { param, .. } => (StatusCode::BAD_REQUEST, Some(param)),
            Self::NotFound(_) => (StatusCode::NOT_FOUND, None),
            Self::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, None),
        }
    }

    /// Everflow's shape: `{"Error":"..."}`, plus the offending parameter.
    pub(super) fn tracker(&self) -> Response {
        let (status, param) = self.status_and_param();
        let mut body = serde_json::json!({ "Error": self.to_string() });
        if let Some(param) = param {
            body["param"] = param.into();
        }
        json_value(status, &body)
    }

    /// Affise's shape: `{"status":2,"error":"..."}`.
    pub(super) fn affise(&self) -> Response {
        let (status, param) = self.status_and_param();
        let mut body = serde_json::json!({ "status": 2, "error": self.to_string() });
        if let Some(param) = param {
            body["param"] = param.into();
        }
        json_value(status, &body)
    }

    pub(super) fn operator(&self) -> Response {
        let (status, param) = self.status_and_param();
        let mut body = serde_json::json!({ "error": self.to_string() });
        if let Some(param) = param {
            body["param"] = param.into();
        }
        json_value(status, &body)
    }
}

pub(super) fn check_tracker_key(headers: &HeaderMap, api_key: &str) -> Result<(), RequestError> {
    match headers.get("x-eflow-api-key").map(|v| v.as_bytes()) {
        Some(given) if given == api_key.as_bytes() => Ok(()),
        _ => Err(RequestError::Unauthorized),
    }
}

/// Affise: the key in an `API-Key` header.
pub(super) fn check_affise_key(headers: &HeaderMap, api_key: &str) -> Result<(), RequestError> {
    match headers.get("api-key").map(|v| v.as_bytes()) {
        Some(given) if given == api_key.as_bytes() => Ok(()),
        _ => Err(RequestError::Unauthorized),
    }
}

pub(super) fn check_bearer(headers: &HeaderMap, api_key: &str) -> Result<(), RequestError> {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    match given {
        Some(token) if token == api_key => Ok(()),
        _ => Err(RequestError::Unauthorized),
    }
}

/// Everflow paging: `page` is 1-based, `page_size` is 1..=2000.
#[derive(Debug, Clone, Copy)]
pub(super) struct PageParams {
    pub page: u32,
    pub page_size: u32,
}

impl PageParams {
    pub(super) fn parse(query: &HashMap<String, String>) -> Result<Self, RequestError> {
        let page = parse_number(query, "page", 1, 1, u32::MAX)?;
        let page_size = parse_number(query, "page_size", PAGE_SIZE_DEFAULT, 1, PAGE_SIZE_MAX)?;
        Ok(Self { page, page_size })
    }

    /// This page's slice, started `back` rows early by a paging fault (0 normally); past the end it is empty.
    pub(super) fn slice_back<'a, T>(&self, items: &'a [T], back: usize) -> &'a [T] {
        let size = self.page_size as usize;
        let start = (self.page as usize - 1)
            .saturating_mul(size)
            .saturating_sub(back)
            .min(items.len());
        let end = start.saturating_add(size).min(items.len());
        &items[start..end]
    }
}

/// Operator paging: an opaque `cursor` (it encodes an offset) and a `limit` of 1..=1000.
#[derive(Debug, Clone, Copy)]
pub(super) struct CursorParams {
    pub offset: usize,
    pub limit: usize,
}

impl CursorParams {
    pub(super) fn parse(
        query: &HashMap<String, String>,
        total: usize,
    ) -> Result<Self, RequestError> {
        let limit =
            parse_number(query, "limit", LIMIT_DEFAULT as u32, 1, LIMIT_MAX as u32)? as usize;
        let offset = match query.get("cursor") {
            None => 0,
            Some(cursor) => cursor
                .strip_prefix(CURSOR_PREFIX)
                .and_then(|n| n.parse::<usize>().ok())
                .filter(|&offset| offset <= total)
                .ok_or_else(|| RequestError::bad("cursor", "unknown cursor"))?,
        };
        Ok(Self { offset, limit })
    }

    /// The 1-based page number fault rules refer to: 1 for the first page, 2 for the next, …
    pub(super) fn page(&self) -> u32 {
        u32::try_from(self.offset / self.limit + 1).unwrap_or(u32::MAX)
    }

    /// This page's slice started `back` rows early (a paging fault); the next cursor is the unshifted one, as a
    /// server that paged by offset would hand out.
    pub(super) fn slice<'a, T>(&self, items: &'a [T], back: usize) -> (&'a [T], Option<String>) {
        let start = self.offset.saturating_sub(back).min(items.len());
        let end = start.saturating_add(self.limit).min(items.len());
        let next_offset = self.offset.saturating_add(self.limit).min(items.len());
        let next = (next_offset < items.len()).then(|| format!("{CURSOR_PREFIX}{next_offset}"));
        (&items[start..end], next)
    }
}

pub(super) fn parse_number(
    query: &HashMap<String, String>,
    param: &'static str,
    default: u32,
    min: u32,
    max: u32,
) -> Result<u32, RequestError> {
    let Some(raw) = query.get(param) else {
        return Ok(default);
    };
    match raw.trim().parse::<u32>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        Ok(n) => Err(RequestError::bad(
            param,
            format!("{n} is out of range {min}..={max}"),
        )),
        Err(_) => Err(RequestError::bad(param, format!("{raw:?} is not a number"))),
    }
}
