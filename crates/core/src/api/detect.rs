//! Requests and results of the fraud and reconciliation screens that only the front door uses.
use super::ReconQuery;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// New settings for one rule: `key=value` pairs over its current ones (a new, audited version).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RuleSettingsRequest {
    pub rule: String,
    pub settings: Vec<String>,
}

/// The version saved and the rule's whole settings after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RuleSettingsSaved {
    pub rule: String,
    #[ts(type = "number")]
    pub version: i64,
    pub settings_json: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReconExportRequest {
    pub query: ReconQuery,
    /// Where to write the CSV; relative paths land in the workspace's `exports/` folder.
    pub path: String,
}

/// Where an export went and how many rows it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ExportedRows {
    pub path: String,
    pub rows: u32,
}
