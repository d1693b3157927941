//! Integration tests of affops-core, built as one binary. Index:
//! - `bindings`: the UI's generated TypeScript types are fresh.
//! - `detect`, `detect_rules`: every fraud rule with a positive and a negative case.
//! - `detect_flow`: validation, failing rules, idempotent/incremental runs, audited decisions, backtest.
//! - `detect_fixture`: a store with rows inserted directly, for `detect` and `reconcile`.
//! - `import`: batch CSV import: quirks, quarantine, idempotence, mappings, preview.
//! - `import_real`: the shared real files (skipped when absent) and the I9 fuzz of the import.
//! - `migrations`: shipped migrations are never edited.
//! - `postback`: the postback listener over HTTP: signatures, replay window, rotation, allow-list, token, bad
//!   query strings, the dedupe vectors of DOMAIN.md §8, the request log.
//! - `postback_order`: I5 (shuffled, repeated, concurrent deliveries end like in-order ones) and parser fuzzing.
//! - `postback_rig`: the shared set-up of the two postback modules.
//! - `reconcile`: each reason code with a worked case, CSV export, dispute creation.
//! - `sync`: the real connector against the sandbox on loopback: ground truth, idempotence, faults, resume.

mod bindings;
mod detect;
mod detect_fixture;
mod detect_flow;
mod detect_rules;
mod import;
mod import_real;
mod migrations;
mod postback;
mod postback_order;
mod postback_rig;
mod reconcile;
mod sync;
