//! Ingestion: connectors that page through tracker and operator APIs into the store.
//!
//! - [`http`]: one page over HTTP with timeouts, capped full-jitter backoff and a retry budget.
//! - [`stream`]: positions/checkpoints, windows, and the table of streams per kind of source.
//! - [`everflow`], [`affise`], [`tune`], [`operator`], [`broker`]: the wire shapes of each API (trackers, a casino's
//!   back-office, a Forex broker's), parsed into [`records`] (validated types); [`identity`] hashes emails.
//! - [`raw`]: the raw archive (every page, chunk and postback as received, large ones compressed);
//! - [`upsert`]: idempotent writes on natural keys, quarantine; [`upsert_money`] (withdrawals,
//!   daily activity) and [`upsert_forex`] (IBs, accounts, symbols, deals) for the operator side;
//!   [`upsert_batch`] writes a page's new conversions many rows per statement.
//! - [`sync`]: the loop that ties them together, one transaction per page.

pub mod affise;
pub mod broker;
pub mod everflow;
pub mod http;
pub mod identity;
#[cfg(test)]
mod item_fuzz;
pub mod operator;
pub mod raw;
pub mod records;
pub mod stream;
pub mod sync;
pub mod tune;
pub mod types;
pub mod upsert;
pub mod upsert_batch;
pub mod upsert_forex;
pub mod upsert_money;

pub use http::HttpPolicy;
pub use stream::{SourceKind, Vertical};
pub use sync::{
    sync_all, ProgressFn, Secrets, SourceConfig, StreamFailure, SyncOptions, SyncReport,
};
