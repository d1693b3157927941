//! The loopback HTTP server: the tracker (Everflow-shaped) and operator APIs over one [`World`], plus a small
//! `/sandbox/*` control surface for tests and tools.
//!
//! Handlers are read-only over an `Arc<World>`; the only mutable state is the fault rule list. Every paged
//! handler takes its fault first ([`take_fault`]: some faults change which rows a page holds), builds the page,
//! and answers through [`respond`], which is where injected faults replace or spoil the real answer.
//!
//! APIs: Everflow-shaped tracker (`tracker`, `changes`), Affise-shaped tracker (`affise`), TUNE (HasOffers)-shaped
//! tracker (`tune`), casino operator (`operator`), Forex broker back-office (`forex`); `delivery` holds the slow
//! and broken body senders.

mod affise;
mod changes;
mod delivery;
mod forex;
mod operator;
mod paging;
mod tracker;
mod tune;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::faults::{FaultKind, FaultRule, Faults, Stream};
use crate::world::World;
use paging::RequestError;

/// How long `shutdown()` waits for in-flight requests before aborting the server task.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

struct AppState {
    world: Arc<World>,
    api_key: String,
    faults: Faults,
    /// Serialised once: the world never changes while served.
    ground_truth_json: Vec<u8>,
    /// Flips to `true` on shutdown; stalled requests wait on it so graceful shutdown can finish.
    shutdown: watch::Receiver<bool>,
}

type Shared = State<Arc<AppState>>;

/// A running sandbox. Dropping it also stops the server (without waiting); prefer [`SandboxServer::shutdown`].
#[derive(Debug)]
pub struct SandboxServer {
    addr: SocketAddr,
    faults: Faults,
    shutdown: watch::Sender<bool>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

/// Binds `bind` (port 0 picks a free port) and serves `world` until shutdown.
pub async fn serve(
    world: Arc<World>,
    bind: SocketAddr,
    api_key: String,
) -> std::io::Result<SandboxServer> {
    let listener = tokio::net::TcpListener::bind(bind).await?;
    let addr = listener.local_addr()?;
    let (shutdown_tx, shutdown_rx) = watch::channel(false);
    let faults = Faults::default();
    let ground_truth_json =
        serde_json::to_vec(&world.ground_truth()).map_err(std::io::Error::other)?;
    let state = Arc::new(AppState {
        world,
        api_key,
        faults: faults.clone(),
        ground_truth_json,
        shutdown: shutdown_rx.clone(),
    });
    let mut signal = shutdown_rx;
    let task = tokio::spawn(async move {
        axum::serve(listener, router(state))
            .with_graceful_shutdown(async move {
                // An error means the sender is gone, which also means "stop".
                let _ = signal.wait_for(|stop| *stop).await;
            })
            .await
    });
    Ok(SandboxServer {
        addr,
        faults,
        shutdown: shutdown_tx,
        task: Some(task),
    })
}

impl SandboxServer {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT` (a wildcard bind address is reported as loopback, the address clients can use).
    pub fn base_url(&self) -> String {
        let mut addr = self.addr;
        if addr.ip().is_unspecified() {
            addr.set_ip(match addr {
                SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
                SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
            });
        }
        format!("http://{addr}")
    }

    pub fn faults(&self) -> Faults {
        self.faults.clone()
    }

    /// Stops accepting, releases stalled requests, and waits (bounded) for in-flight ones to finish.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(task) = self.task.take() {
            let abort = task.abort_handle();
            if tokio::time::timeout(SHUTDOWN_GRACE, task).await.is_err() {
                abort.abort();
            }
        }
    }
}

impl Drop for SandboxServer {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/v1/networks/affiliates", get(tracker::affiliates))
        .route(
            "/v1/networks/reporting/clicks/stream",
            post(tracker::clicks),
        )
        .route(
            "/v1/networks/reporting/conversions",
            post(tracker::conversions),
        )
        .route("/operator/v1/players", get(operator::players))
        .route("/operator/v1/deposits", get(operator::deposits))
        .route("/operator/v1/withdrawals", get(operator::withdrawals))
        .route("/operator/v1/activity", get(operator::activity))
        .route("/operator/v1/ibs", get(forex::ibs))
        .route("/operator/v1/accounts", get(forex::accounts))
        .route("/operator/v1/symbols", get(forex::symbols))
        .route("/operator/v1/deals", get(forex::deals))
        .route("/3.0/stats/conversions", get(affise::conversions))
        .route("/Apiv3/json", get(tune::api))
        .route(
            "/v1/networks/reporting/conversions/changes",
            post(changes::changes),
        )
        .route("/sandbox/injected", get(injected))
        .route("/sandbox/ground-truth", get(ground_truth))
        .route("/sandbox/faults", post(set_faults))
        .with_state(state)
}

async fn ground_truth(State(state): Shared) -> Response {
    json_response(StatusCode::OK, state.ground_truth_json.clone())
}

/// The answer key of injected items (an empty array for clean worlds).
async fn injected(State(state): Shared) -> Response {
    match serde_json::to_vec(&state.world.injected) {
        Ok(body) => json_response(StatusCode::OK, body),
        Err(e) => RequestError::Internal(e.to_string()).operator(),
    }
}

/// Replaces the fault set with the posted JSON array of rules. No auth: it is a loopback test control.
async fn set_faults(State(state): Shared, body: Bytes) -> Response {
    match serde_json::from_slice::<Vec<FaultRule>>(&body) {
        Ok(rules) => {
            let count = rules.len();
            state.faults.replace(rules);
            json_value(StatusCode::OK, &serde_json::json!({ "rules": count }))
        }
        Err(e) => json_value(
            StatusCode::BAD_REQUEST,
            &serde_json::json!({ "error": format!("invalid body: {e}"), "param": "body" }),
        ),
    }
}

/// The fault rule that applies to this request of `page` of `stream`, consuming one use. Taken before the page
/// is built, because some faults change which rows it holds ([`FaultKind::rows_back`]).
fn take_fault(state: &AppState, stream: Stream, page: u32) -> Option<FaultKind> {
    state.faults.take(stream, page)
}

/// The real answer, unless `fault` says to deliver it badly (or not at all).
async fn respond(state: &AppState, fault: Option<FaultKind>, body: Vec<u8>) -> Response {
    match fault {
        None | Some(FaultKind::DuplicatePage | FaultKind::PageDrift) => {
            json_response(StatusCode::OK, body)
        }
        Some(FaultKind::MalformedJson) => {
            let mut body = body;
            body.truncate(body.len() / 2);
            json_response(StatusCode::OK, body)
        }
        Some(FaultKind::Http500) => json_value(
            StatusCode::INTERNAL_SERVER_ERROR,
            &serde_json::json!({ "Error": "internal server error (injected fault)" }),
        ),
        Some(FaultKind::Http503) => json_value(
            StatusCode::SERVICE_UNAVAILABLE,
            &serde_json::json!({ "Error": "service unavailable (injected fault)" }),
        ),
        Some(FaultKind::Http429 { retry_after_secs }) => {
            too_many_requests(HeaderValue::from(retry_after_secs))
        }
        Some(FaultKind::Http429Date { retry_after_secs }) => {
            let at = chrono::Utc::now() + chrono::Duration::seconds(i64::from(retry_after_secs));
            let date = at.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
            too_many_requests(
                HeaderValue::from_str(&date).unwrap_or(HeaderValue::from(retry_after_secs)),
            )
        }
        Some(FaultKind::Stall) => {
            let mut shutdown = state.shutdown.clone();
            let _ = shutdown.wait_for(|stop| *stop).await;
            json_value(
                StatusCode::SERVICE_UNAVAILABLE,
                &serde_json::json!({ "Error": "server shutting down" }),
            )
        }
        Some(FaultKind::Trickle { bytes_per_sec }) => {
            delivery::trickle(body, bytes_per_sec, state.shutdown.clone())
        }
        Some(FaultKind::Truncated) => delivery::truncated(body),
        Some(FaultKind::ConnectionReset) => delivery::reset(),
    }
}

fn too_many_requests(retry_after: HeaderValue) -> Response {
    let mut response = json_value(
        StatusCode::TOO_MANY_REQUESTS,
        &serde_json::json!({ "Error": "rate limit exceeded (injected fault)" }),
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, retry_after);
    response
}

fn json_response(status: StatusCode, body: Vec<u8>) -> Response {
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        Body::from(body),
    )
        .into_response()
}

fn json_value(status: StatusCode, value: &serde_json::Value) -> Response {
    json_response(status, value.to_string().into_bytes())
}

/// Serialises a response page; failure here is a bug in a row type.
fn to_body<T: serde::Serialize>(value: &T) -> Result<Vec<u8>, RequestError> {
    serde_json::to_vec(value)
        .map_err(|e| RequestError::Internal(format!("serialisation failed: {e}")))
}
