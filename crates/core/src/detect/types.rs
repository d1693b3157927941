//! Boundary types of fraud detection, the analyst queue, reconciliation and disputes.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Filters of the flagged-traffic queue; every field optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FlagFilter {
    /// The tracker's affiliate id.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affiliate: Option<String>,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// low, medium or high.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<String>,
    /// open, confirmed, dismissed or superseded.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Words the affiliate's name or id, or the flag's summary, contain (any case). The flat list only.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The order of the flat list: affiliate, pattern, severity, score (the default), status, amount or
    /// created; ties by flag id.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort: Option<String>,
    /// Largest first (the default for score, severity, amount and created).
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub descending: Option<bool>,
    /// The page of the flat list: rows skipped, rows read (none: every row).
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u32>,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// One page of the flat flag list, read in the core's query: the rows, how many match the filter in all, and the
/// patterns the program's flags have (for the filter's options).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FlagPage {
    pub rows: Vec<FlagRow>,
    pub total: u32,
    pub offset: u32,
    pub patterns: Vec<String>,
}

/// The flags of one affiliate under one rule, as the grouped queue shows them: 500 flagged clicks are one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FlagGroup {
    /// The tracker's affiliate id ("" when no affiliate is involved).
    pub affiliate_id: String,
    pub affiliate_name: String,
    pub rule: String,
    pub pattern: String,
    /// Flags in the group (those matching the filter).
    pub flags: u32,
    /// Records they name, counted once.
    pub items: u32,
    pub highest_severity: String,
    pub max_score: u32,
    /// What the engine pays for all the group's players in the open periods (each player once), exact decimal.
    pub amount_at_stake: String,
    pub currency: String,
    /// The highest-scored flag's summary.
    pub example: String,
    #[ts(type = "number")]
    pub newest_at_ms: i64,
    /// The group's flags, highest score first: what a bulk decision on the group decides.
    #[ts(type = "Array<number>")]
    pub flag_ids: Vec<i64>,
}

/// One decision for several flags (a group): the same decision and comment on each, by the signed-in person.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FlagBulkDecisionInput {
    #[ts(type = "Array<number>")]
    pub flag_ids: Vec<i64>,
    pub decision: Decision,
    pub comment: String,
}

/// What a bulk decision did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FlagBulkDecisionResult {
    /// Flags that got the decision.
    pub decided: u32,
    /// Flags that already had it (nothing recorded for them).
    pub unchanged: u32,
    /// Commission moved by confirming or lifting exclusions, per period ("2026-10: -35.00 EUR").
    pub moved: Vec<String>,
}

/// One flag of the queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FlagRow {
    #[ts(type = "number")]
    pub id: i64,
    pub program: String,
    /// The tracker's affiliate id ("" when no affiliate is involved).
    pub affiliate_id: String,
    pub affiliate_name: String,
    pub rule: String,
    pub pattern: String,
    pub severity: String,
    pub score: u32,
    /// confirmed or dismissed (the latest decision; decisions survive revisions), else superseded (the latest
    /// revision no longer holds), else open.
    pub status: String,
    pub summary: String,
    #[ts(type = "number")]
    pub created_at_ms: i64,
    /// The rows and numbers that tripped the rule, as JSON text.
    pub evidence_json: String,
    /// Records the flag names.
    pub items: u32,
    /// Commission the engine pays for the flagged players in the open periods (see `detect::stake`), exact decimal.
    pub amount_at_stake: String,
    pub currency: String,
    /// The latest revision (1 = as first found); severity, score, summary, evidence and items are its.
    pub revision: u32,
    /// found, updated, superseded or reopened: what the latest revision did.
    pub revision_state: String,
    /// Why the latest revision superseded the flag ("" otherwise).
    pub revision_reason: String,
    #[ts(type = "number")]
    pub revised_at_ms: i64,
    /// The revision the latest decision was taken against (None: undecided). Below `revision`: the evidence
    /// changed after the decision.
    pub decided_revision: Option<u32>,
}

/// One revision of a flag, as the investigation shows its history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FlagRevisionRow {
    pub revision: u32,
    /// found, updated, superseded or reopened.
    pub state: String,
    pub severity: String,
    pub score: u32,
    pub summary: String,
    pub evidence_json: String,
    /// Records this revision names.
    pub items: u32,
    pub reason: String,
    #[ts(type = "number")]
    pub at_ms: i64,
}

/// What an analyst decides about a flag.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// The traffic is fraud: its players are excluded from commission and pending commission is reversed.
    #[serde(alias = "confirmed")]
    Confirm,
    /// The traffic is fine: the flag closes (a confirmed flag's exclusions are lifted).
    #[default]
    #[serde(alias = "dismissed")]
    Dismiss,
}

/// An analyst's decision on a flag. The decider is the signed-in person, never a name in the request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FlagDecisionInput {
    #[ts(type = "number")]
    pub flag_id: i64,
    pub decision: Decision,
    pub comment: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FlagDecisionRow {
    pub decision: String,
    pub comment: String,
    pub user: String,
    #[ts(type = "number")]
    pub decided_at_ms: i64,
    /// The revision of the flag the decision was taken against.
    pub revision: u32,
}

/// One event of an investigation timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TimelineEvent {
    #[ts(type = "number")]
    pub at_ms: i64,
    /// click, registration, deposit, withdrawal, chargeback, conversion or trade.
    pub kind: String,
    pub reference: String,
    pub detail: String,
}

/// An identifier several players share.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SharedIdentifier {
    /// ip, device, payment or email.
    pub kind: String,
    pub value: String,
    pub players: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct GeoRow {
    pub click_country: String,
    pub registration_country: String,
    pub ip_country: String,
    pub players: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CtitBucket {
    pub label: String,
    pub players: u32,
}

/// Everything the Investigation screen shows for one flag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Investigation {
    pub flag: FlagRow,
    pub decisions: Vec<FlagDecisionRow>,
    /// Every revision of the flag, first first.
    pub revisions: Vec<FlagRevisionRow>,
    pub timeline: Vec<TimelineEvent>,
    pub shared: Vec<SharedIdentifier>,
    /// The affiliate's click-to-registration times.
    pub ctit: Vec<CtitBucket>,
    /// The CTIT histogram as a standalone SVG document (show it as an `<img>`).
    pub ctit_svg: String,
    pub geo: Vec<GeoRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RuleRunRow {
    pub rule: String,
    pub findings: u32,
    pub flags_created: u32,
    /// Flags whose evidence changed (a new revision).
    pub flags_updated: u32,
    /// Flags the rule no longer finds on all the data (out of the open queue, kept with why).
    pub flags_superseded: u32,
    pub flags_reopened: u32,
    /// Why the rule failed and on which rows; the other rules still ran.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DetectRunSummary {
    #[ts(type = "number")]
    pub run_id: i64,
    pub flags_created: u32,
    pub flags_updated: u32,
    pub flags_superseded: u32,
    pub flags_reopened: u32,
    /// Nothing had arrived and no setting had changed since the previous run: no rule ran.
    pub skipped: bool,
    pub rules: Vec<RuleRunRow>,
}

/// Run a rule (or all) over history with changed thresholds, without saving flags.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BacktestRequest {
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// `key=value` threshold overrides.
    #[serde(default)]
    pub settings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BacktestAffiliate {
    pub affiliate_id: String,
    pub affiliate_name: String,
    pub findings: u32,
    /// Commission the engine pays this affiliate for the findings' players in the open periods, exact decimal.
    pub amount_at_stake: String,
    pub currency: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BacktestRule {
    pub rule: String,
    pub settings_json: String,
    pub findings: u32,
    /// Findings that are already stored flags.
    pub already_flagged: u32,
    pub affiliates: Vec<BacktestAffiliate>,
    pub examples: Vec<String>,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BacktestResult {
    pub rules: Vec<BacktestRule>,
}

/// For the dashboard: what needs attention per affiliate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DashboardAlert {
    /// The program's name (an affiliate id is unique within its program only).
    pub program: String,
    pub affiliate_id: String,
    pub affiliate_name: String,
    pub open_flags: u32,
    pub high_flags: u32,
    /// `high`, `medium` or `low` among the open flags; '' when none is open.
    pub highest_severity: String,
    /// Payout impact of discrepancies without a dispute, exact decimal.
    pub unreconciled: String,
    pub currency: String,
}

/// An entry of the detection allow-list: something established as legit, so the rules stop reading it as a signal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AllowEntry {
    #[ts(type = "number")]
    pub id: i64,
    /// ip_range or sub_id.
    pub kind: String,
    /// A CIDR block (canonical: `100.64.0.0/10`, one address as `/32`), or `<affiliate id>|<sub1>`.
    pub value: String,
    /// The rule it applies to; "" for every rule that reads its kind.
    pub rule: String,
    pub reason: String,
    /// The flag it was made from.
    #[ts(type = "number | null")]
    pub flag_id: Option<i64>,
    pub created_by: String,
    #[ts(type = "number")]
    pub created_at_ms: i64,
    pub revoked_by: Option<String>,
    #[ts(type = "number | null")]
    pub revoked_at_ms: Option<i64>,
    pub revoke_reason: Option<String>,
}

/// A new allow-list entry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AllowEntryInput {
    /// ip_range or sub_id.
    pub kind: String,
    pub value: String,
    /// "" for every rule that reads the kind.
    #[serde(default)]
    pub rule: String,
    pub reason: String,
    /// The (dismissed) flag the entry is made from, if any.
    #[ts(type = "number | null")]
    #[serde(default)]
    pub flag_id: Option<i64>,
}

/// Revoke an allow-list entry, saying why.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AllowRevokeInput {
    #[ts(type = "number")]
    pub id: i64,
    pub reason: String,
}
