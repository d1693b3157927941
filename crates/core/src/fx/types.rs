//! The FX records the UI and the CLI's JSON see (re-exported by `api`).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One rate of the dated FX table: 1 `base` = `rate` `quote` on `day`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FxRateRow {
    /// `YYYY-MM-DD`.
    pub day: String,
    pub base: String,
    pub quote: String,
    /// Exact decimal text, as recorded (`1.0823`).
    pub rate: String,
    /// `ECB reference rate`, `manual`, …
    pub source: String,
    #[ts(type = "number")]
    pub recorded_at_ms: i64,
    pub recorded_by: String,
    /// Earlier rows of the same day and pair this one supersedes (corrections are new rows).
    pub superseded: u32,
}

/// The rates in force, newest day first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FxRateList {
    pub rows: Vec<FxRateRow>,
    /// More rows matched than a list returns ([`super::LIST_ROWS_MAX`]): narrow the days or the pair.
    pub truncated: bool,
}

/// A row or cell of an FX file that was not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FxRejectedRow {
    /// The file's line (1 = the header).
    pub row: u32,
    /// `Date`, a currency column, or `row`.
    pub field: String,
    pub value: String,
    pub reason: String,
}

/// What importing an ECB reference-rate file did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FxImportSummary {
    pub file_name: String,
    pub file_sha256: String,
    /// Data lines read.
    pub rows: u32,
    /// Days with at least one rate in the file.
    pub days: u32,
    pub first_day: Option<String>,
    pub last_day: Option<String>,
    /// The currency columns of the file.
    pub currencies: Vec<String>,
    /// New rows in the FX table (new days, or corrections of a day's rate).
    pub rates_imported: u32,
    /// Rates the table already held with the same value (a file imported again changes nothing).
    pub rates_unchanged: u32,
    /// `N/A` or empty cells: no rate that day, not an error.
    pub gaps: u32,
    /// Rows and cells quarantined, each with its reason.
    pub rejected: Vec<FxRejectedRow>,
}

/// An amount in another currency that a report left out because the FX table has no rate for its day (nor up
/// to 7 days before): shown beside the totals, never counted as zero.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct UnconvertedAmount {
    pub currency: String,
    /// Exact decimal text in `currency`.
    pub amount: String,
    pub amount_micros: String,
    /// Days with such amounts, and the first and last of them.
    pub days: u32,
    pub first_day: String,
    pub last_day: String,
}
