//! The incremental changes feed: `POST /v1/networks/reporting/conversions/changes` with `{"changes_since":
//! <unix seconds>}` returns every conversion whose status or payout changed strictly after that instant (a new
//! conversion counts as a change), oldest change first, in the Everflow conversions envelope plus
//! `updated_unix_timestamp` per row (the conversions endpoint carries it too).

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;

use super::paging::{check_tracker_key, PageParams, RequestError};
use super::tracker::{conversions_body, tracker_page};
use super::AppState;
use crate::faults::Stream;

#[derive(Deserialize)]
struct ChangesBody {
    changes_since: Option<i64>,
}

/// `POST /v1/networks/reporting/conversions/changes`
pub(super) async fn changes(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let parse = || {
        check_tracker_key(&headers, &state.api_key)?;
        let params = PageParams::parse(&query)?;
        let since = serde_json::from_slice::<ChangesBody>(&body)
            .map_err(|e| RequestError::bad("body", format!("not a JSON object: {e}")))?
            .changes_since
            .ok_or_else(|| RequestError::bad("changes_since", "missing; expected unix seconds"))?;
        Ok((params, since))
    };
    tracker_page(
        &state,
        Stream::ConversionChanges,
        parse,
        |params, since, back| {
            let world = &state.world;
            let mut changed: Vec<_> = world
                .conversions
                .iter()
                .filter(|c| c.updated_at.timestamp() > since)
                .collect();
            changed.sort_by(|a, b| {
                (a.updated_at, &a.conversion_id).cmp(&(b.updated_at, &b.conversion_id))
            });
            conversions_body(world, params, &changed, back)
        },
    )
    .await
}
