//! Ingestion: connectors that page through tracker and operator APIs into the store.
//!
//! - [`http`]: one page over HTTP with timeouts, capped full-jitter backoff and a retry budget.
//! - [`stream`]: positions/checkpoints, windows, and the table of streams per kind of source.
//! - [`everflow`], [`affise`], [`operator`]: the wire shapes of each API, parsed into [`records`] (validated types).
//! - [`upsert`]: idempotent writes on natural keys, raw archive, quarantine.
//! - [`sync`]: the loop that ties them together, one transaction per page.

pub mod affise;
pub mod everflow;
pub mod http;
pub mod operator;
pub mod records;
pub mod stream;
pub mod sync;
pub mod upsert;

pub use http::HttpPolicy;
pub use stream::SourceKind;
pub use sync::{
    sync_all, ProgressFn, Secrets, SourceConfig, StreamFailure, SyncOptions, SyncReport,
};
