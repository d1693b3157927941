//! The records a sync reports: progress as it goes, and what each stream fetched.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A progress report from a long-running job (sync, import), forwarded to the UI as a channel message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Progress {
    /// The job step, e.g. `everflow/conversions`.
    pub step: String,
    /// Units done in this step (rows).
    pub done: u32,
    /// Units expected in this step, when the source says.
    pub total: Option<u32>,
    /// Steps finished so far and steps in the job, for an overall bar.
    pub steps_done: u32,
    pub steps_total: u32,
    /// An import's bytes read and the file's size (for a percentage), when the job reads a file.
    #[ts(type = "number | null")]
    #[serde(default)]
    pub bytes_done: Option<u64>,
    #[ts(type = "number | null")]
    #[serde(default)]
    pub bytes_total: Option<u64>,
    /// Rows per second so far, when the job measures it.
    #[serde(default)]
    pub rows_per_second: Option<u32>,
    /// The same, in words, for logs and the CLI.
    pub message: String,
}

impl Progress {
    /// A step of a job that counts steps, not rows.
    pub fn step(name: &str, steps_done: u32, steps_total: u32, message: String) -> Self {
        Self {
            step: name.to_string(),
            done: 0,
            total: None,
            steps_done,
            steps_total,
            bytes_done: None,
            bytes_total: None,
            rows_per_second: None,
            message,
        }
    }
}

/// The outcome of syncing one stream of one source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StreamSyncResult {
    pub source: String,
    pub stream: String,
    pub pages: u32,
    pub rows_fetched: u32,
    pub rows_inserted: u32,
    pub rows_updated: u32,
    pub rows_quarantined: u32,
}

/// The outcome of a whole sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SyncSummary {
    pub streams: Vec<StreamSyncResult>,
    #[ts(type = "number")]
    pub elapsed_ms: i64,
}
