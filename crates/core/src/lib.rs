//! Affops core: everything the desktop app and the CLI do, without Tauri.
//!
//! - [`attribution`]: which affiliate a player belongs to, by effective-dated rules, with an explanation.
//! - [`store`]: SQLite with one writer, readers, immutable migrations; the schema of the whole lifecycle.
//! - [`ingest`]: connectors that page through tracker and operator APIs into the store, idempotently.
//! - [`import`]: batch CSV files (clicks, registrations, activity, deposits), streamed, resumable, idempotent.
//! - [`dashboard`]: the per-affiliate funnel for a period, read from the daily [`rollups`].
//! - [`charts`]: plotters charts rendered to SVG strings from data-only specs.
//! - [`postback`]: the S2S postback listener on loopback: auth, dialects, dedupe, batched writes, request log.
//! - [`workspace`]: a data folder with its store; setting up the demo workspace.
//! - [`api`]: the plain types every client sees (IPC, CLI JSON, generated TypeScript).
//! - [`money`]: exact integer money; [`fx`]: the dated FX table (ECB files, manual rates) and its one lookup.
//! - [`commission`]: plans, the commission engine, periods and statements; [`ledger`]: the append-only ledger.
//! - [`detect`]: fraud rules, the analyst queue, backtests; [`reconcile`]: tracker vs operator, disputes.
//! - [`people`]: who may act (roles, passphrases, signing keys); [`audit`]: the hash-chained log of every change.
//! - [`ops`]: the front door. Every operation of the desktop shell and the CLI is one function there that checks
//!   who is asking, whether they may, for which program, does the work and records one audit entry.
//! - [`payouts`]: payee details validation, SEPA pain.001 and bulk-CSV payment files, deterministic PDFs.
//!
//! Domain code never reads the clock: "now" is passed in.

// Money is integers and decimals: a float anywhere in the domain is a bug unless it is a rate shown to people.
#![deny(clippy::float_arithmetic)]

pub mod api;
pub mod attribution;
pub mod audit;
pub mod breakdown;
pub mod charts;
pub mod cohorts;
pub mod commission;
pub mod coverage;
pub mod credentials;
pub mod dashboard;
pub mod detect;
pub mod disputes;
pub mod error;
pub mod fx;
pub mod import;
pub mod ingest;
pub mod iso3166;
pub mod ledger;
pub mod money;
pub mod ops;
pub mod payouts;
pub mod people;
pub mod postback;
pub mod programs;
pub mod reconcile;
pub mod rollups;
pub mod sources;
pub mod store;
pub mod time;
pub mod workspace;
