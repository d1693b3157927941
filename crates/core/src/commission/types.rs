//! Boundary types of commission: plans and their versions, validation errors with field paths, compute
//! results with their hash, statements with lines and drill-down, the qualification checklist.
//!
//! Money is an exact decimal string in the line's currency (`"1234.50"`, JPY `"1235"`, KWD `"1.235"`) plus the
//! same amount in micros as a decimal integer string for exact sorting; days are `YYYY-MM-DD` in the program zone.

use crate::time::Period;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One reason a plan cannot be saved: where (a path into the plan file) and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PlanValidationError {
    /// e.g. `versions[0].components[1].tiers.tiers[2].from`.
    pub path: String,
    pub reason: String,
}

/// A plan as the plan list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PlanSummary {
    pub name: String,
    pub description: String,
    pub currency: String,
    /// `half_up`, `half_even` or `down`.
    pub rounding: String,
    /// Of the latest version: `cpa`, `revshare`, `hybrid`, `cpl`, `ib_rebate`, `sub_affiliate`, or a `+` list.
    pub kind: String,
    pub version_count: u32,
    pub latest_effective_from: String,
    /// Affiliates with an assignment to this plan (any date).
    pub assigned_affiliates: u32,
    /// Whether the plan is (or was) the program default for affiliates without their own assignment.
    pub is_program_default: bool,
}

/// One saved, immutable version of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PlanVersionView {
    pub plan: String,
    pub version_no: u32,
    pub effective_from: String,
    /// SHA-256 of the version's canonical JSON.
    pub content_hash: String,
    pub kind: String,
    pub hold_days: u32,
    pub min_payout: Option<String>,
    pub negative_carryover: bool,
    /// One sentence per component, e.g. "RevShare 25% of NGR = bets - wins - bonuses".
    pub components: Vec<String>,
    /// The version as the plan file holds it (pretty JSON), for a read-only view.
    pub body_json: String,
}

/// A plan with every version, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PlanDetail {
    pub summary: PlanSummary,
    pub versions: Vec<PlanVersionView>,
}

/// What importing (or only checking) a plan file did. When `errors` is not empty nothing was saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PlanImportResult {
    pub saved: bool,
    pub errors: Vec<PlanValidationError>,
    pub plan: Option<PlanSummary>,
    /// Versions newly saved by this import (already saved identical versions are skipped).
    pub new_versions: Vec<u32>,
}

/// Something the engine could not pay correctly and did not pay: shown, never silently dropped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CommissionProblem {
    /// `no_plan`, `unknown_affiliate`, `unknown_player`, `unknown_symbol`, `unknown_currency`, `overflow`.
    pub kind: String,
    pub subject: String,
    pub detail: String,
}

/// A total in one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CurrencyTotal {
    pub currency: String,
    pub amount: String,
    pub amount_micros: String,
}

/// The outcome of computing a period: what was posted to the ledger and the result hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ComputeResult {
    pub program: String,
    /// `YYYY-MM`.
    pub period_label: String,
    pub period: Period,
    /// `open` or `closed`.
    pub status: String,
    pub affiliates: u32,
    pub lines: u32,
    /// Ledger entries written by this run (0 when nothing changed since the last run).
    pub entries_posted: u32,
    /// Of those, corrections of closed periods (late events) booked into this one.
    pub late_corrections: u32,
    /// Payable per currency (after carryovers).
    pub totals: Vec<CurrencyTotal>,
    pub problems: Vec<CommissionProblem>,
    /// SHA-256 of the canonical result: identical inputs give the identical hash, on any machine or zone.
    pub result_hash: String,
    #[ts(type = "number")]
    pub elapsed_ms: i64,
}

/// A period as the period list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PeriodView {
    pub period_label: String,
    pub period: Period,
    pub status: String,
    pub result_hash: Option<String>,
    pub statement_hash: Option<String>,
    #[ts(type = "number | null")]
    pub closed_at_ms: Option<i64>,
}

/// One event behind a drill-down item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DrillEvent {
    /// `registration` (a player), `deposit` (a money movement), `activity` (a player's daily rows over a day
    /// range), `trading` (an account's deals over a day range), `affiliate` (a sub-affiliate's lines).
    pub kind: String,
    /// The row id of that kind (players.id, money_movements.id, forex_accounts.id, affiliates.id).
    pub id: String,
    /// A day or a `from..to` range.
    pub day: String,
    pub detail: String,
}

/// One player's (or sub-affiliate's) share of a line, before rounding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DrillItem {
    /// A player's or sub-affiliate's external id.
    pub subject: String,
    pub amount: String,
    pub note: String,
    pub events: Vec<DrillEvent>,
}

/// One line of a statement, traced to its plan version, rule and events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StatementLine {
    /// `cpa`, `cpl`, `revshare`, `ib_rebate`, `ib_override`, `sub_affiliate`, `cap`, `carry_in`, `carry_out`,
    /// `waiver`, `adjustment`, `clawback`…
    pub line_key: String,
    /// For people: "CPA", "Negative balance carried forward"…
    pub label: String,
    /// Ledger kind: `commission`, `adjustment`, `reversal`, `clawback`, `carryover`, `waiver`.
    pub kind: String,
    pub rule: String,
    pub plan: Option<String>,
    pub plan_version_no: Option<u32>,
    /// `pending`, `approved` or `void`.
    pub status: String,
    /// The reason code of the entry: `computed`, `recomputed`, `late_event`, `manual`…
    pub reason: String,
    /// The period whose activity the line is about (differs from the statement's for late events).
    pub origin_period: String,
    pub amount: String,
    pub amount_micros: String,
    /// The ledger entries summed into this line.
    pub entry_ids: Vec<String>,
    /// Until this day the line is on hold (not approvable).
    pub approvable_from: String,
    pub drilldown: Vec<DrillItem>,
    /// Where its money stands in payouts: "" (not in a run), "run 7" (in a run not paid yet), "paid (run 7)",
    /// "returned (run 7)".
    #[serde(default)]
    pub payout: String,
}

/// An affiliate's statement for a period, built from the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Statement {
    pub program: String,
    pub affiliate_id: String,
    pub affiliate_name: String,
    pub period_label: String,
    pub period: Period,
    pub period_status: String,
    pub currency: String,
    pub lines: Vec<StatementLine>,
    /// Commission lines (incl. cap and late corrections) before carryovers.
    pub subtotal: String,
    pub carried_in: String,
    pub carried_out: String,
    /// What is owed for this period: subtotal + carried_in + carried_out (+ waiver).
    pub payable: String,
    pub payable_micros: String,
    /// SHA-256 of the statement's canonical JSON (this struct without the hash, the statuses, the FX snapshot
    /// and the payee: what is owed, not how it is paid).
    pub statement_hash: String,
    /// The period's FX snapshot, each rate with its source and date ("1 EUR = 1.0842 USD (ECB, 2026-10-31)").
    #[serde(default)]
    pub fx_snapshot: Vec<String>,
    /// The payee details in use: method, masked account and details version ("SEPA DE89 •••• 3000, details
    /// 3f2a…"); none when no details are approved.
    #[serde(default)]
    pub payee: Option<String>,
}

/// One qualification criterion of a player.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct QualificationCriterion {
    /// `first_deposit`, `wagering`, `lots`, `trades`, `baseline`, `window`.
    pub name: String,
    pub required: String,
    pub actual: String,
    pub passed: bool,
    pub passed_on: Option<String>,
}

/// "Why didn't this player qualify?": each CPA criterion with the day it passed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct QualificationChecklist {
    pub player_id: String,
    pub affiliate_id: Option<String>,
    pub plan: Option<String>,
    pub plan_version_no: Option<u32>,
    pub as_of: String,
    pub criteria: Vec<QualificationCriterion>,
    pub qualified_on: Option<String>,
    /// Why there is no checklist (organic player, no plan, no CPA component), when so.
    pub note: String,
}

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
