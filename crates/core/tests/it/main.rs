//! Integration tests of affops-core, built as one binary. Index:
//! - `bindings`: the UI's generated TypeScript types are fresh.
//! - `import`: batch CSV import: quirks, quarantine, idempotence, mappings, preview.
//! - `import_real`: the shared real files (skipped when absent) and the I9 fuzz of the import.
//! - `migrations`: shipped migrations are never edited.
//! - `postback`: the postback listener over HTTP: signatures, replay window, rotation, allow-list, token, bad
//!   query strings, the dedupe vectors of DOMAIN.md §8, the request log.
//! - `postback_order`: I5 (shuffled, repeated, concurrent deliveries end like in-order ones) and parser fuzzing.
//! - `postback_rig`: the shared set-up of the two postback modules.
//! - `sync`: the real connector against the sandbox on loopback: ground truth, idempotence, faults, resume.
//! - `sync_broker`: the Forex broker's tables checked against the world; a failed deals page resumes from its cursor.
//! - `sync_operator`: the operator side (withdrawals, daily activity, the Forex broker's IBs, accounts, symbols
//!   and deals) against the sandbox's world, exactly, with faults on.
//! - `sync_quarantine`: bad operator and broker items over HTTP are quarantined one by one; the rest lands.

mod bindings;
mod import;
mod import_real;
mod migrations;
mod postback;
mod postback_order;
mod postback_rig;
mod sync;
mod sync_broker;
mod sync_operator;
mod sync_quarantine;
