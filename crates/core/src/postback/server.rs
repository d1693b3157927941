//! The HTTP side: an axum server on 127.0.0.1, off until [`start`]ed, stopped gracefully by
//! [`ListenerHandle::stop`]. Handlers run the cheap checks (limits, source, IP, token, signature, parsing) on
//! the async runtime and hand validated records to the writer thread; they never touch SQLite themselves.
//!
//! Answers: 200 recorded/updated/duplicate/stale · 400 malformed request · 401 missing or wrong token or
//! signature · 403 address not allowed · 404 unknown source or click · 500 storage error · 503 writer queue
//! full (not logged: logging it would need the very queue that is full). Bodies are JSON
//! `{"outcome", "reason", "conversion_id"}`. Proxy headers (`X-Forwarded-For`) are not trusted: the listener
//! binds to loopback, and a tunnel in front of it must do its own filtering.

use super::auth::{check_ip, check_signature, check_token};
use super::config::{load_runtime, SourceRuntime};
use super::dialect::validate;
use super::params::{parse_json, parse_query};
use super::writer::{self, Decision, Delivery, Job, LogEntry};
use super::{
    PostbackSecrets, Rejection, BODY_MAX_BYTES, LOG_BODY_MAX_BYTES, QUERY_LEN_MAX, QUEUE_MAX,
};
use crate::api::{ApiError, ErrorCode, ListenerStatus, PostbackOutcome, PostbackSourceStatus};
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

/// Parameter and header names whose values never reach the log or the raw archive.
const REDACTED_PARAMS: &[&str] = &["token", "verification_token", "signature", "sig", "secret"];
const TOKEN_HEADER: &str = "x-affops-token";
const SIGNATURE_HEADER: &str = "x-affops-signature";

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

fn internal(msg: String) -> ApiError {
    ApiError::new(ErrorCode::Internal, msg)
}

/// Starts the listener on 127.0.0.1:`port` with the sources configured in `store`.
pub async fn start(
    store: Arc<Store>,
    secrets: Arc<dyn PostbackSecrets>,
    opts: ListenerOptions,
) -> Result<ListenerHandle, ApiError> {
    let s = store.clone();
    let sources = tokio::task::spawn_blocking(move || load_runtime(&s))
        .await
        .map_err(|e| internal(e.to_string()))??;
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, opts.port))
        .await
        .map_err(|e| {
            ApiError::new(
                ErrorCode::InvalidInput,
                format!("cannot listen on 127.0.0.1:{}: {e}", opts.port),
            )
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
    pub async fn reload_sources(&self) -> Result<(), ApiError> {
        let s = self.store.clone();
        let sources = tokio::task::spawn_blocking(move || load_runtime(&s))
            .await
            .map_err(|e| internal(e.to_string()))??;
        *self.app.sources.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(sources);
        Ok(())
    }

    pub fn status(&self) -> ListenerStatus {
        status_of(&self.app, Some(self.addr), Some(self.started_at_ms))
    }

    /// Stops accepting, lets in-flight requests finish, writes what is queued, and returns the final counts.
    pub async fn stop(self) -> Result<ListenerStatus, ApiError> {
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

/// Replaces the values of secret-bearing parameters in a query or form text, and any literal occurrence of
/// the source's secrets (a sender may have put them somewhere unexpected).
fn redact(text: &str, secrets: &[&str]) -> String {
    let mut out = text
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _)) if REDACTED_PARAMS.contains(&k.to_ascii_lowercase().as_str()) => {
                format!("{k}=REDACTED")
            }
            _ => pair.to_string(),
        })
        .collect::<Vec<_>>()
        .join("&");
    for s in secrets.iter().filter(|s| s.len() >= 4) {
        out = out.replace(s, "REDACTED");
    }
    out
}

fn cap(mut s: String, max: usize) -> String {
    if s.len() > max {
        let mut end = max;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
        s.push_str("…[truncated]");
    }
    s
}

/// The value of one parameter, found without parsing the rest (which may be malformed, and is reported
/// only after authentication).
fn raw_param(query: &str, key: &str) -> Option<String> {
    let pair = query
        .split('&')
        .find(|p| p.split_once('=').map(|(k, _)| k) == Some(key))?;
    parse_query(pair).ok()?.get(key).map(str::to_string)
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
    resp
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
    let started = Instant::now();
    let received_at_ms = (app.clock)();
    let query = uri.query().unwrap_or("");
    let body = to_bytes(body, BODY_MAX_BYTES).await;
    let src = app
        .sources
        .read()
        .unwrap_or_else(|p| p.into_inner())
        .get(&source)
        .cloned();
    let creds = src
        .as_ref()
        .map(|s| app.secrets.credentials(&s.name))
        .unwrap_or_default();
    let secrets: Vec<&str> = [&creds.token, &creds.hmac_current, &creds.hmac_previous]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
    let body_text = match &body {
        Ok(b) => cap(
            redact(&String::from_utf8_lossy(b), &secrets),
            LOG_BODY_MAX_BYTES,
        ),
        Err(_) => String::new(),
    };
    let log = LogEntry {
        received_at_ms,
        started,
        source: cap(source.clone(), 128),
        remote_ip: peer.ip().to_string(),
        method: method.as_str().to_string(),
        path_query: cap(
            format!("{}?{}", uri.path(), redact(query, &secrets)),
            LOG_BODY_MAX_BYTES,
        ),
        body: body_text,
    };
    let checked = (|| {
        if query.len() > QUERY_LEN_MAX {
            return Err(Rejection::bad(format!(
                "the query is longer than {QUERY_LEN_MAX} bytes"
            )));
        }
        let body = body.map_err(|_| {
            Rejection::bad(format!("the body is larger than {BODY_MAX_BYTES} bytes"))
        })?;
        let src =
            src.ok_or_else(|| Rejection::not_found(format!("unknown source '{}'", log.source)))?;
        check_ip(&src.rules, src.allow_any_ip, peer.ip())?;
        if creds.token.is_none() && creds.hmac_current.is_none() && creds.hmac_previous.is_none() {
            return Err(Rejection::unauthorized(
                "no token or HMAC secret is configured for this source",
            ));
        }
        let presented = headers
            .get(TOKEN_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .or_else(|| raw_param(query, "token"))
            .or_else(|| raw_param(query, "verification_token"));
        check_token(creds.token.as_deref(), presented.as_deref())?;
        let signature = headers
            .get(SIGNATURE_HEADER)
            .map(|v| v.to_str().unwrap_or("<not text>"));
        let has_secret = creds.hmac_current.is_some() || creds.hmac_previous.is_some();
        if src.hmac_required && !has_secret {
            return Err(Rejection::unauthorized(
                "HMAC is required but no secret is configured",
            ));
        }
        // A signature that is present is always checked, required or not: a bad one never passes silently.
        if src.hmac_required || (signature.is_some() && has_secret) {
            let signed = if method == Method::POST {
                body.to_vec()
            } else {
                format!("{}?{}", uri.path(), query).into_bytes()
            };
            check_signature(
                signature,
                &signed,
                received_at_ms,
                [
                    creds.hmac_current.as_deref(),
                    creds.hmac_previous.as_deref(),
                ],
            )?;
        }
        let params = if method == Method::POST {
            let is_json = headers
                .get(axum::http::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|t| t.contains("json"));
            if is_json {
                parse_json(&body)?
            } else {
                let text = std::str::from_utf8(&body)
                    .map_err(|_| Rejection::bad("the form body is not UTF-8"))?;
                parse_query(text)?
            }
        } else {
            parse_query(query)?
        };
        let record = validate(src.dialect, &params, &src.default_currency)?;
        Ok((src, record))
    })();
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
            return respond(&app, &d);
        }
    };
    let raw = format!("{}\n{}\n{}", log.method, log.path_query, log.body).into_bytes();
    let (reply, answer) = tokio::sync::oneshot::channel();
    let job = Job::Deliver(Box::new(Delivery {
        source: src,
        record,
        raw,
        log,
        reply,
    }));
    if let Err(e) = app.queue.try_send(job) {
        app.counters.overloaded.fetch_add(1, Ordering::Relaxed);
        let reason = match e {
            TrySendError::Full(_) => "the listener is overloaded; retry later",
            TrySendError::Disconnected(_) => "the listener is stopping",
        };
        let mut resp = respond(
            &app,
            &Decision {
                status_code: 503,
                outcome: PostbackOutcome::Rejected,
                reason: reason.into(),
                conversion_id: None,
            },
        );
        resp.headers_mut()
            .insert("retry-after", HeaderValue::from_static("1"));
        return resp;
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
    respond(&app, &decision)
}
