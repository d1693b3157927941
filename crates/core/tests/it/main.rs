//! Integration tests of affops-core, built as one binary. Index:
//! - `bindings`: the UI's generated TypeScript types are fresh.
//! - `import`: batch CSV import: quirks, quarantine, idempotence, mappings, preview.
//! - `import_real`: the shared real files (skipped when absent) and the I9 fuzz of the import.
//! - `migrations`: shipped migrations are never edited.
//! - `sync`: the real connector against the sandbox on loopback: ground truth, idempotence, faults, resume.

mod bindings;
mod import;
mod import_real;
mod migrations;
mod sync;
