//! Bodies delivered badly on purpose: trickled a byte at a time, cut short under a full `Content-Length`, or
//! dropped before a response. Each is a stream body whose error makes hyper close the connection mid-response,
//! which is what a client meets when a real peer dies.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, StreamExt};
use tokio::sync::watch;

use crate::faults::TRICKLE_BYTES_PER_SEC_MAX;

/// How long a truncated body waits, after its half, before the connection is cut.
const TRUNCATE_FLUSH_PAUSE: Duration = Duration::from_millis(50);

fn broken(reason: &'static str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::ConnectionReset, reason)
}

fn with_json_type(body: Body) -> Response {
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

/// The body one byte per `1 / bytes_per_sec` seconds. Shutdown ends the trickle with an error so a trickled
/// request never holds up the server's exit.
pub(super) fn trickle(
    body: Vec<u8>,
    bytes_per_sec: u32,
    shutdown: watch::Receiver<bool>,
) -> Response {
    let pause = Duration::from_micros(
        1_000_000 / u64::from(bytes_per_sec.clamp(1, TRICKLE_BYTES_PER_SEC_MAX)),
    );
    let chunks = stream::unfold(
        (body, 0usize, shutdown),
        move |(body, at, mut shutdown)| async move {
            if at >= body.len() {
                return None;
            }
            let stopping = tokio::select! {
                () = tokio::time::sleep(pause) => false,
                _ = shutdown.wait_for(|stop| *stop) => true,
            };
            if stopping {
                return Some((
                    Err(broken("server shutting down")),
                    (Vec::new(), 0, shutdown),
                ));
            }
            let byte = Bytes::copy_from_slice(&body[at..=at]);
            Some((Ok::<_, std::io::Error>(byte), (body, at + 1, shutdown)))
        },
    );
    with_json_type(Body::from_stream(chunks))
}

/// `Content-Length` says the whole body; half of it is sent, then the connection closes.
pub(super) fn truncated(body: Vec<u8>) -> Response {
    let full = body.len();
    let half = Bytes::copy_from_slice(&body[..full / 2]);
    // The pause lets hyper flush the head and the half before the error aborts the connection; without it the
    // client would see no response at all, which is `ConnectionReset`, not this fault.
    let chunks = stream::iter([Some(half), None]).then(|chunk| async move {
        match chunk {
            Some(bytes) => Ok(bytes),
            None => {
                tokio::time::sleep(TRUNCATE_FLUSH_PAUSE).await;
                Err(broken("truncated (injected fault)"))
            }
        }
    });
    let mut response = with_json_type(Body::from_stream(chunks));
    response
        .headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(full));
    response
}

/// Nothing usable: the body fails before its first byte, so the connection is closed mid-response.
pub(super) fn reset() -> Response {
    let chunks = stream::iter([Err::<Bytes, _>(broken("connection reset (injected fault)"))]);
    with_json_type(Body::from_stream(chunks))
}
