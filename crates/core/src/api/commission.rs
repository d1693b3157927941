//! Requests of the Plans and Statements screens (the records they return are `crate::commission::types`).
use super::PlanFormat;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A plan file's text and its format.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PlanText {
    pub text: String,
    pub format: PlanFormat,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ExportPlanRequest {
    pub name: String,
    pub format: PlanFormat,
    /// Where to write it; relative paths land in the workspace's `exports/` folder.
    pub path: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PreviewPlanRequest {
    pub text: String,
    pub format: PlanFormat,
    /// The month to preview, `YYYY-MM`.
    pub period: String,
}

/// Puts an affiliate (by the tracker's id) on a plan from a day on; no affiliate: the program's default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AssignPlanRequest {
    pub plan: String,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affiliate: Option<String>,
    /// `YYYY-MM-DD`.
    pub effective_from: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StatementRequest {
    /// The tracker's affiliate id.
    pub affiliate: String,
    /// `YYYY-MM`.
    pub period: String,
}

/// The file formats of a statement.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum StatementFormat {
    /// Spreadsheet-safe CSV.
    #[default]
    Csv,
    /// A printable, self-contained page without scripts.
    Html,
    /// The statement the affiliate receives: lines, totals, FX snapshot, payee details version, hash.
    Pdf,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ExportStatementRequest {
    pub affiliate: String,
    pub period: String,
    pub format: StatementFormat,
    pub path: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct QualificationRequest {
    /// The operator's player id.
    pub player: String,
    /// As of the month's last day (`YYYY-MM`); none: as of today in the program's zone.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    /// As of this day (`YYYY-MM-DD`), instead of a month's last day.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
}
