//! The S2S postback listener: trackers call `GET|POST /postback/{source}` on 127.0.0.1 when a conversion
//! happens, and each call becomes one validated conversion (or a logged refusal).
//!
//! A request goes through these steps, each with its own rejection reason, and every request — accepted or
//! not — is kept in `postback_log`:
//! 1. [`server`]: size limits, the source named in the path (404 when unknown);
//!    ([`intake`] runs steps 1–3 in order and decides what the log keeps of a request);
//! 2. [`auth`]: IP allow-list (403; empty denies), token (401), HMAC signature when required (401);
//! 3. [`params`] then [`dialect`]: raw query/body → decoded pairs → a validated [`PostbackRecord`] (400);
//! 4. [`writer`]: on the single writer thread, dedupe on (source, txid) (200, nothing written), the click must
//!    be known (404, no orphan row), then raw archive + conversion upsert + status history + log row in one
//!    batched transaction; the HTTP answer is sent once that batch has committed.
//!
//! [`config`] holds the non-secret source settings and the log queries. Secrets never touch the database: the
//! listener asks a [`PostbackSecrets`] provider (the OS keychain in the desktop app, [`MemorySecrets`] here).

pub mod auth;
pub mod config;
pub mod dialect;
mod intake;
pub mod keychain;
pub mod params;
pub mod server;
pub mod types;
pub mod writer;

pub use config::{configure_source, list_log, list_sources};
pub use dialect::{status_rank, validate, PostbackRecord};
pub use server::{start, AckMode, ListenerHandle, ListenerOptions, LogObserver};

use std::collections::HashMap;
use std::sync::RwLock;

/// Largest POST body read; a longer one is refused before parsing.
pub const BODY_MAX_BYTES: usize = 16 * 1024;
/// Longest raw query string accepted.
pub const QUERY_LEN_MAX: usize = 8 * 1024;
/// Most parameters in one postback.
pub const PARAMS_MAX: usize = 64;
/// Longest single decoded parameter value.
pub const VALUE_LEN_MAX: usize = 1024;
/// How far a signature's timestamp may be from the listener's clock, either way.
pub const SIGNATURE_WINDOW_SECS: i64 = 300;
/// Requests waiting for the writer; past this the listener answers 503 instead of queueing without bound.
pub const QUEUE_MAX: usize = 8192;
/// Most requests written in one transaction.
pub const BATCH_MAX: usize = 1024;
/// Recent (source, txid) states kept in memory so replays are answered without a database read.
pub const DEDUPE_CACHE_MAX: usize = 200_000;
/// Known clicks kept in memory (clicks never change once stored, so the cache is never stale).
pub const CLICK_CACHE_MAX: usize = 200_000;
/// How much of a request body the log keeps.
pub const LOG_BODY_MAX_BYTES: usize = 4096;

/// Why a request was refused: the HTTP status and a sentence for the log and the sender.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub status: u16,
    pub reason: String,
}

impl Rejection {
    /// 400: the request itself is wrong (missing or malformed parameter, unreplaced macro, limits).
    pub fn bad(reason: impl Into<String>) -> Self {
        Self {
            status: 400,
            reason: reason.into(),
        }
    }
    /// 401: the sender did not prove who it is (token, signature).
    pub fn unauthorized(reason: impl Into<String>) -> Self {
        Self {
            status: 401,
            reason: reason.into(),
        }
    }
    /// 403: the sender's address is not allowed to post to this source, whatever it presents.
    pub fn forbidden(reason: impl Into<String>) -> Self {
        Self {
            status: 403,
            reason: reason.into(),
        }
    }
    /// 404: unknown source or unknown click.
    pub fn not_found(reason: impl Into<String>) -> Self {
        Self {
            status: 404,
            reason: reason.into(),
        }
    }
}

/// The credentials of one source. `Debug` never prints them.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct PostbackCredentials {
    /// Presented as query parameter `token` (Everflow: `verification_token`) or header `X-Affops-Token`.
    pub token: Option<String>,
    /// The HMAC-SHA256 secret signatures are made with now.
    pub hmac_current: Option<String>,
    /// The secret being rotated out: still valid until it is removed.
    pub hmac_previous: Option<String>,
}

impl std::fmt::Debug for PostbackCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostbackCredentials")
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field(
                "hmac_current",
                &self.hmac_current.as_ref().map(|_| "<redacted>"),
            )
            .field(
                "hmac_previous",
                &self.hmac_previous.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// Where the listener gets tokens and HMAC secrets. Asked on every request, so rotations apply at once; a
/// keychain-backed implementation should cache in memory.
pub trait PostbackSecrets: Send + Sync {
    fn credentials(&self, source: &str) -> PostbackCredentials;
}

/// Secrets held in memory only: for tests and the CLI (which takes them from its command line).
#[derive(Debug, Default)]
pub struct MemorySecrets(RwLock<HashMap<String, PostbackCredentials>>);

impl MemorySecrets {
    pub fn set(&self, source: &str, creds: PostbackCredentials) {
        self.0
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(source.to_string(), creds);
    }
}

impl PostbackSecrets for MemorySecrets {
    fn credentials(&self, source: &str) -> PostbackCredentials {
        self.0
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(source)
            .cloned()
            .unwrap_or_default()
    }
}
