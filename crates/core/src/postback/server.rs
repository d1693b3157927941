//! The HTTP side: an axum server on 127.0.0.1, off until [`start`]ed, stopped gracefully by
//! [`ListenerHandle::stop`]. Handlers run the cheap checks (limits, source, IP, token, signature, parsing) on
//! the async runtime and hand validated records to the writer thread; they never touch SQLite themselves.
//!
//! `GET /pixel/{source}.gif` takes the same parameters from a browser (token in the query, no IP allow-list, no
//! signature), records the conversion with arrival `pixel`, and always answers 200 with a 1×1 GIF (503 only when
//! the writer's queue is full).
//!
//! Postback answers: 200 recorded/updated/duplicate/stale · 400 malformed request · 401 missing or wrong token or
//! signature · 403 address not allowed · 404 unknown source or click · 500 storage error · 503 writer queue
//! full (not logged: logging it would need the very queue that is full). Bodies are JSON
//! `{"outcome", "reason", "conversion_id"}`. Proxy headers (`X-Forwarded-For`) are not trusted: the listener
//! binds to loopback, and a tunnel in front of it must do its own filtering.

use super::config::{load_runtime, SourceRuntime};
use super::intake::{self, Request};
use super::writer::{self, Decision, Delivery, Job};
use super::{PostbackSecrets, BODY_MAX_BYTES, QUEUE_MAX};
use crate::error::CoreError;
use crate::ingest::records::Arrival;
use crate::postback::types::{ListenerStatus, PostbackOutcome, PostbackSourceStatus};
use crate::store::{Durability, Store};
use axum::body::{to_bytes, Body};
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, SyncSender, TrySendError};
use std::sync::{Arc, RwLock};
use std::time::Instant;

pub use super::writer::Observer as LogObserver;

/// When a 200 is sent. Both wait for the commit of the batch holding the request; they differ in what the
/// commit survives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AckMode {
    /// WAL with `synchronous=NORMAL`: survives a crash of the app; a power loss may drop the last commits.
    Committed,
    /// `synchronous=FULL`: every batch is fsynced before anyone hears 200; survives a power loss.
    Synced,
}

pub struct ListenerOptions {
    /// 0 picks any free port; the handle tells which.
    pub port: u16,
    pub ack: AckMode,
    /// Called with every committed log row (on the writer thread: keep it short).
    pub observer: Option<LogObserver>,
    /// The clock, in Unix ms. Tests pass a fixed one to check the signature window.
    pub clock: Arc<dyn Fn() -> i64 + Send + Sync>,
}

impl ListenerOptions {
    pub fn new(port: u16) -> Self {
        Self {
            port,
            ack: AckMode::Committed,
            observer: None,
            // The listener is an edge: it stamps what arrives with the wall clock (tests pass their own clock).
            #[allow(clippy::disallowed_methods)]
            clock: Arc::new(|| chrono::Utc::now().timestamp_millis()),
        }
    }
}

#[derive(Default)]
struct Counters {
    rejected: AtomicU64,
    overloaded: AtomicU64,
    by_outcome: [AtomicU64; 4],
}

struct App {
    sources: RwLock<Arc<HashMap<String, Arc<SourceRuntime>>>>,
    secrets: Arc<dyn PostbackSecrets>,
    queue: SyncSender<Job>,
    clock: Arc<dyn Fn() -> i64 + Send + Sync>,
    durability_header: HeaderValue,
    counters: Counters,
}

/// A running listener. Dropping it without [`ListenerHandle::stop`] leaves the server running until the runtime ends.
pub struct ListenerHandle {
    addr: SocketAddr,
    started_at_ms: i64,
    app: Arc<App>,
    store: Arc<Store>,
    shutdown: tokio::sync::oneshot::Sender<()>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
    writer: std::thread::JoinHandle<()>,
}

fn internal(msg: String) -> CoreError {
    CoreError::internal(msg)
}

/// Starts the listener on 127.0.0.1:`port` with the sources configured in `store`.
pub async fn start(
    store: Arc<Store>,
    secrets: Arc<dyn PostbackSecrets>,
    opts: ListenerOptions,
) -> Result<ListenerHandle, CoreError> {
    let s = store.clone();
    let sources = crate::workspace::off_thread(move || load_runtime(&s)).await?;
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, opts.port))
        .await
        .map_err(|e| {
            CoreError::invalid(format!("cannot listen on 127.0.0.1:{}: {e}", opts.port))
        })?;
    let addr = listener.local_addr().map_err(|e| internal(e.to_string()))?;
    let (queue, rx) = sync_channel(QUEUE_MAX);
    let durability = match opts.ack {
        AckMode::Committed => Durability::Normal,
        AckMode::Synced => Durability::Full,
    };
    let writer_store = store.clone();
    let observer = opts.observer.clone();
    let writer = std::thread::Builder::new()
        .name("postback-writer".into())
        .spawn(move || writer::run(writer_store, rx, durability, observer))
        .map_err(|e| internal(format!("cannot start the postback writer: {e}")))?;
    let app = Arc::new(App {
        sources: RwLock::new(Arc::new(sources)),
        secrets,
        queue,
        clock: opts.clock.clone(),
        durability_header: HeaderValue::from_static(match opts.ack {
            AckMode::Committed => "committed",
            AckMode::Synced => "synced",
        }),
        counters: Counters::default(),
    });
    let router = Router::new()
        .route("/postback/{source}", get(handle).post(handle))
        .route("/pixel/{file}", get(pixel))
        .with_state(app.clone());
    let (shutdown, stop) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async {
            let _ = stop.await;
        })
        .await
    });
    Ok(ListenerHandle {
        addr,
        started_at_ms: (opts.clock)(),
        app,
        store,
        shutdown,
        server,
        writer,
    })
}

impl ListenerHandle {
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Re-reads the source settings (after [`super::configure_source`]) without dropping connections.
    pub async fn reload_sources(&self) -> Result<(), CoreError> {
        let s = self.store.clone();
        let sources = crate::workspace::off_thread(move || load_runtime(&s)).await?;
        *self.app.sources.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(sources);
        Ok(())
    }

    pub fn status(&self) -> ListenerStatus {
        status_of(&self.app, Some(self.addr), Some(self.started_at_ms))
    }

    /// Stops accepting, lets in-flight requests finish, writes what is queued, and returns the final counts.
    pub async fn stop(self) -> Result<ListenerStatus, CoreError> {
        let _ = self.shutdown.send(());
        self.server
            .await
            .map_err(|e| internal(e.to_string()))?
            .map_err(|e| internal(format!("the postback server failed: {e}")))?;
        let status = status_of(&self.app, None, None);
        // The router is gone; dropping the last queue sender lets the writer drain and return.
        drop(self.app);
        let writer = self.writer;
        tokio::task::spawn_blocking(move || writer.join())
            .await
            .map_err(|e| internal(e.to_string()))?
            .map_err(|_| internal("the postback writer panicked".into()))?;
        Ok(status)
    }
}

fn status_of(app: &App, addr: Option<SocketAddr>, started: Option<i64>) -> ListenerStatus {
    let sources = app
        .sources
        .read()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    let mut list: Vec<_> = sources
        .values()
        .map(|s| {
            let c = app.secrets.credentials(&s.name);
            PostbackSourceStatus {
                name: s.name.clone(),
                dialect: s.dialect,
                has_token: c.token.is_some(),
                has_hmac_secret: c.hmac_current.is_some(),
                has_previous_hmac_secret: c.hmac_previous.is_some(),
            }
        })
        .collect();
    list.sort_by(|a, b| a.name.cmp(&b.name));
    let n = |a: &AtomicU64| a.load(Ordering::Relaxed);
    let o = &app.counters.by_outcome;
    ListenerStatus {
        running: addr.is_some(),
        address: addr.map(|a| a.to_string()),
        started_at_ms: started,
        sources: list,
        recorded: n(&o[0]),
        updated: n(&o[1]),
        duplicates: n(&o[2]),
        stale: n(&o[3]),
        rejected: n(&app.counters.rejected),
        overloaded: n(&app.counters.overloaded),
    }
}

fn respond(app: &App, d: &Decision) -> Response {
    let code = StatusCode::from_u16(d.status_code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::json!({
        "outcome": d.outcome.as_str(), "reason": d.reason, "conversion_id": d.conversion_id,
    });
    let mut resp = (code, axum::Json(body)).into_response();
    if d.status_code == 200 {
        resp.headers_mut()
            .insert("x-affops-durability", app.durability_header.clone());
    }
    if d.status_code == 503 {
        resp.headers_mut()
            .insert("retry-after", HeaderValue::from_static("1"));
    }
    resp
}

/// A 1×1 transparent GIF: what every pixel hit gets back, whatever became of it (the log says).
const PIXEL_GIF: &[u8] = &[
    0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xff, 0xff, 0xff, 0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b,
];

/// How a request came in: the S2S postback endpoint or the browser pixel.
#[derive(Clone, Copy)]
enum Channel {
    Postback,
    Pixel,
}

async fn handle(
    State(app): State<Arc<App>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(source): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let body = to_bytes(body, BODY_MAX_BYTES).await.ok();
    let decision = receive(
        &app,
        peer,
        &source,
        &method,
        &uri,
        &headers,
        body,
        Channel::Postback,
    )
    .await;
    respond(&app, &decision)
}

/// `GET /pixel/{source}.gif`: always a 200 with a 1×1 GIF (a browser shows nothing either way; the reason of a
/// refusal is in the postback log). The conversion is recorded with arrival `pixel`.
async fn pixel(
    State(app): State<Arc<App>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(file): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let source = file.strip_suffix(".gif").unwrap_or(&file);
    let empty = Some(axum::body::Bytes::new());
    let decision = receive(
        &app,
        peer,
        source,
        &method,
        &uri,
        &headers,
        empty,
        Channel::Pixel,
    )
    .await;
    if decision.status_code == 503 {
        return respond(&app, &decision);
    }
    let mut resp = (StatusCode::OK, PIXEL_GIF).into_response();
    let h = resp.headers_mut();
    h.insert(
        axum::http::header::CONTENT_TYPE,
        HeaderValue::from_static("image/gif"),
    );
    h.insert(
        axum::http::header::CACHE_CONTROL,
        HeaderValue::from_static("no-store, max-age=0"),
    );
    resp
}

/// Checks a request as its channel requires, hands a valid record to the writer and waits for its decision; a
/// refusal is logged. Counts every outcome.
#[allow(clippy::too_many_arguments)]
async fn receive(
    app: &Arc<App>,
    peer: SocketAddr,
    source: &str,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: Option<axum::body::Bytes>,
    channel: Channel,
) -> Decision {
    let started = Instant::now();
    let req = Request {
        peer: peer.ip(),
        method,
        path: uri.path(),
        query: uri.query().unwrap_or(""),
        headers,
        body: body.as_ref(),
        received_at_ms: (app.clock)(),
    };
    let src = app
        .sources
        .read()
        .unwrap_or_else(|p| p.into_inner())
        .get(source)
        .cloned();
    let creds = src
        .as_ref()
        .map(|s| app.secrets.credentials(&s.name))
        .unwrap_or_default();
    let log = intake::log_entry(&req, source, &creds, started);
    let (checked, arrival) = match channel {
        Channel::Postback => (intake::check(&req, src, source, &creds), Arrival::S2s),
        Channel::Pixel => (
            intake::check_pixel(&req, src, source, &creds),
            Arrival::Pixel,
        ),
    };
    let (src, record) = match checked {
        Ok(v) => v,
        Err(r) => {
            let d = Decision {
                status_code: r.status,
                outcome: PostbackOutcome::Rejected,
                reason: r.reason,
                conversion_id: None,
            };
            app.counters.rejected.fetch_add(1, Ordering::Relaxed);
            if app.queue.try_send(Job::Log(log, d.clone())).is_err() {
                app.counters.overloaded.fetch_add(1, Ordering::Relaxed);
            }
            return d;
        }
    };
    // One JSON line: the writer archives a batch's requests of a source together, as a sync archives a page.
    let raw = serde_json::json!({
        "received_at_ms": log.received_at_ms,
        "remote_ip": log.remote_ip,
        "method": log.method,
        "path_query": log.path_query,
        "body": log.body,
    })
    .to_string()
    .into_bytes();
    let (reply, answer) = tokio::sync::oneshot::channel();
    let job = Job::Deliver(Box::new(Delivery {
        source: src,
        record,
        raw,
        log,
        arrival,
        reply,
    }));
    if let Err(e) = app.queue.try_send(job) {
        app.counters.overloaded.fetch_add(1, Ordering::Relaxed);
        let reason = match e {
            TrySendError::Full(_) => "the listener is overloaded; retry later",
            TrySendError::Disconnected(_) => "the listener is stopping",
        };
        return Decision {
            status_code: 503,
            outcome: PostbackOutcome::Rejected,
            reason: reason.into(),
            conversion_id: None,
        };
    }
    let decision = answer.await.unwrap_or_else(|_| Decision {
        status_code: 500,
        outcome: PostbackOutcome::Rejected,
        reason: "the postback writer stopped".into(),
        conversion_id: None,
    });
    let slot = match decision.outcome {
        PostbackOutcome::Recorded => Some(0),
        PostbackOutcome::Updated => Some(1),
        PostbackOutcome::Duplicate => Some(2),
        PostbackOutcome::Stale => Some(3),
        PostbackOutcome::Rejected => None,
    };
    match slot {
        Some(i) => app.counters.by_outcome[i].fetch_add(1, Ordering::Relaxed),
        None => app.counters.rejected.fetch_add(1, Ordering::Relaxed),
    };
    decision
}
