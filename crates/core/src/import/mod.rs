//! Batch CSV import: files from operators and trackers into the real schema, streamed, resumable, idempotent.
//!
//! - [`sniff`]: the header behind a BOM or stray leading bytes; the delimiter.
//! - [`mapping`]: presets (clicks, registrations, activity, deposits, withdrawals, bonuses, claims, affiliates,
//!   symbols, accounts, deals, conversions, ip_countries), column mappings checked up front, saved by name.
//! - [`values`] and [`rows`]: parse, then validate, each cell and row; a bad row becomes a reason, never a panic.
//! - [`clean`]: which cell values carry a fraud signal; a placeholder device id, an email that is no address, a
//!   private IP is ignored as a signal (counted in the summary), the row imported all the same.
//! - [`ipgeo`]: GeoIP ranges (never overlapping) and the IP countries they give players' IPs.
//!   `rows_forex`: the broker's files (symbols, accounts, MT5 deals) and a tracker's conversions file.
//! - [`write`]: one transaction per chunk: rows, raw bytes, quarantined rows and the checkpoint together.
//! - `parse`: the file's identity and header, and the parse thread that turns rows into validated chunks.
//! - [`run`]: the run itself (the parse thread feeding the writer) and its resumable record.
//! - [`preview`]: the dry run.
//! - [`quarantine`]: browsing and exporting the rows a run refused.
//! - [`signals`]: which detection rules a file can feed; the warnings for those it cannot.
//!
//! Nothing holds the file in memory: rows are read with a bounded record size and handed on in bounded chunks.

pub mod clean;
mod countries;
pub mod ipgeo;
pub mod mapping;
mod parse;
pub mod preview;
pub mod quarantine;
pub mod rows;
mod rows_forex;
pub mod run;
pub mod signals;
pub mod sniff;
pub mod types;
pub mod values;
pub mod write;
mod write_forex;

pub use mapping::{load_mapping, parse_pairs, save_mapping, CONST_PREFIX};

/// The target field names of a preset, in order.
pub fn fields_of(preset: types::ImportPreset) -> Vec<String> {
    mapping::fields(preset)
        .iter()
        .map(|f| f.name.to_string())
        .collect()
}
pub use quarantine::{export_quarantine_csv, list_quarantine, list_runs};
pub use run::{import_file, preview_file, ImportOptions};

use crate::store::StoreError;

/// Why a whole import could not run (a bad row is not an error: it is quarantined and the import goes on).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read the file: {0}")]
    Io(#[source] std::io::Error),
    #[error("{0}")]
    Header(String),
    #[error("invalid mapping: {0}")]
    Mapping(String),
    #[error("required field '{field}' needs column '{column}', which the file does not have (its header: {header})")]
    MissingColumn {
        field: String,
        column: String,
        header: String,
    },
    #[error("{0}")]
    Aborted(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Rows a preview shows in the desktop app.
pub const PREVIEW_ROWS_UI: usize = 20;
