//! Boundary types of a plan preview: what a plan version not yet saved would have paid each affiliate for a
//! period, next to what the affiliate's current plan paid, computed by the engine without posting anything.

use super::{CommissionProblem, Period, PlanValidationError};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One affiliate of a preview: the proposed version's amount and the current plan's, in the plan currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PlanPreviewRow {
    pub affiliate_id: String,
    pub affiliate_name: String,
    /// The plan the affiliate is on for the period (its own assignment or the program default), if any.
    pub current_plan: Option<String>,
    pub current_version_no: Option<u32>,
    /// What the current plan paid (computed the same way, before carryovers).
    pub current: String,
    pub current_micros: String,
    /// What the previewed version would have paid.
    pub proposed: String,
    pub proposed_micros: String,
    /// proposed - current.
    pub difference: String,
    pub difference_micros: String,
}

/// What a plan version would have paid for a period. When `errors` is not empty the plan did not validate and
/// nothing was computed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PlanPreview {
    pub plan: String,
    /// The previewed version's effective date (the file's last version).
    pub effective_from: String,
    pub period_label: String,
    pub period: Period,
    pub currency: String,
    pub errors: Vec<PlanValidationError>,
    pub rows: Vec<PlanPreviewRow>,
    pub total_current: String,
    pub total_proposed: String,
    pub problems: Vec<CommissionProblem>,
}
