//! Requests of the Import screen (the records it shows are `crate::import::types`).
use super::ColumnMapping;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ImportPreviewRequest {
    pub path: String,
    pub mapping: ColumnMapping,
    /// Rows to show (default 20, at most 200).
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows: Option<u32>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ImportRunRequest {
    pub path: String,
    /// The batch source the file comes from (created in the session's program on first use).
    pub source: String,
    pub mapping: ColumnMapping,
    /// Rows per parsed chunk and per transaction (tests use small ones to crash between them).
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chunk_rows: Option<u32>,
    #[ts(optional, type = "number")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tx_rows: Option<u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct QuarantineRequest {
    #[ts(type = "number")]
    pub run_id: i64,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Text the reason contains.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default)]
    pub offset: u32,
    /// At most 500.
    #[serde(default)]
    pub limit: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct QuarantineExportRequest {
    #[ts(type = "number")]
    pub run_id: i64,
    pub path: String,
}

/// A column mapping saved under a name, for later imports of the same layout.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SaveMappingRequest {
    pub name: String,
    pub mapping: ColumnMapping,
}
