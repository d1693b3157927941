//! The records and requests of the Disputes screen and the `dispute` commands of the CLI.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Where a case was opened from; `reference` of the request names the record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum OpenedFrom {
    /// By hand ("March is short by 400 EUR"): no reference.
    #[default]
    Manual,
    /// A reconciliation discrepancy: its id.
    Discrepancy,
    /// A fraud flag: its id.
    Flag,
    /// A statement line: its line key (`cpa`, `revshare`…), with the request's affiliate and period.
    StatementLine,
    /// A player: the operator's player id (the claimant is the request's affiliate).
    Player,
    /// A tracker conversion: its id.
    Conversion,
    /// An unmatched claim of an affiliate's claims file: the claim's id.
    Claim,
}

impl OpenedFrom {
    pub fn as_str(self) -> &'static str {
        match self {
            OpenedFrom::Manual => "manual",
            OpenedFrom::Discrepancy => "discrepancy",
            OpenedFrom::Flag => "flag",
            OpenedFrom::StatementLine => "statement_line",
            OpenedFrom::Player => "player",
            OpenedFrom::Conversion => "conversion",
            OpenedFrom::Claim => "claim",
        }
    }
}

/// Open a case. What the source record says (affiliate, period, amount) fills what the request leaves empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DisputeOpenRequest {
    pub from: OpenedFrom,
    /// The source record (see [`OpenedFrom`]); empty for a case opened by hand.
    #[serde(default)]
    pub reference: String,
    /// The claimant's affiliate id (required by hand, from a player, from a statement line).
    #[serde(default)]
    pub affiliate: String,
    /// `YYYY-MM` the claim is about.
    #[serde(default)]
    pub period: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// The amount the affiliate claims, in the program's currency (a decimal).
    #[serde(default)]
    pub amount: String,
}

/// The list's filters, search, order and page; all optional. The core's query does all of it: a page of any
/// program's cases is read without reading the others.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DisputeFilter {
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affiliate: Option<String>,
    /// A person's sign-in name; `-` for cases nobody owns.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Only cases past their due date that are not resolved.
    #[serde(default)]
    pub overdue: bool,
    /// Words the case's title, affiliate name or id, owner, reason or period contain (any case); a number (`12`
    /// or `#12`) also finds that case.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The order (`CASE_SORTS`): id, title, state, affiliate, owner (unowned first), due (the default: soonest
    /// first, resolved cases last), claimed, granted (amounts exactly), period or updated; ties by case id,
    /// oldest first.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort: Option<String>,
    /// Largest or newest first (the default for id, claimed, granted, period and updated).
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub descending: Option<bool>,
    /// Cases skipped (0 when none; past the last matching case is refused).
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u32>,
    /// Cases read: 200 when none, at most 1000; 0 reads only the counts.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// A case in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DisputeRow {
    #[ts(type = "number")]
    pub id: i64,
    pub title: String,
    /// open, investigating, awaiting_operator, accepted, partly_accepted or rejected.
    pub state: String,
    pub affiliate_id: String,
    pub affiliate_name: String,
    /// The owner's sign-in name; empty when nobody owns it.
    pub owner: String,
    pub reason: String,
    pub period: String,
    pub opened_from: String,
    pub amount_claimed: String,
    /// What the case has granted so far.
    pub granted: String,
    pub currency: String,
    #[ts(type = "number")]
    pub due_at_ms: i64,
    /// on_time, near_due (under two days left), overdue, or resolved.
    pub due: String,
    #[ts(type = "number")]
    pub created_at_ms: i64,
    #[ts(type = "number")]
    pub updated_at_ms: i64,
}

/// One page of the Disputes screen's list, read in the core's query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DisputesPage {
    pub rows: Vec<DisputeRow>,
    /// Cases matching the filter and the search, in all; the page starts at `offset` of them.
    pub total: u32,
    pub offset: u32,
    /// Cases not resolved, and those of them overdue (whatever the filter).
    pub open: u32,
    pub overdue: u32,
    /// The program's SLA as people read it ("10 business days").
    pub sla: String,
    /// Every affiliate with a case in the program, by name (whatever the filter): the filter's choices and the
    /// dashboard's counts.
    pub affiliates: Vec<DisputeAffiliate>,
    /// The reasons and the owners (sign-in names) the program's cases have (whatever the filter), sorted.
    pub reasons: Vec<String>,
    pub owners: Vec<String>,
}

/// An affiliate's cases in the program: all of them, those not resolved, and those of them overdue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DisputeAffiliate {
    pub affiliate_id: String,
    pub affiliate_name: String,
    pub cases: u32,
    pub open: u32,
    pub overdue: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DisputeEventView {
    #[ts(type = "number")]
    pub at_ms: i64,
    pub by: String,
    /// opened, moved, assigned, comment, attached, resolved, reopened, evidence.
    pub event: String,
    pub from_state: String,
    pub to_state: String,
    /// The comment, the reason, the file: what the timeline shows.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DisputeAttachmentView {
    #[ts(type = "number")]
    pub id: i64,
    pub file_name: String,
    pub sha256: String,
    #[ts(type = "number")]
    pub bytes: i64,
    pub added_by: String,
    #[ts(type = "number")]
    pub added_at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DisputeOutcomeView {
    pub decision: String,
    /// The case's total grant after this decision.
    pub granted: String,
    pub reason: String,
    /// The period whose statement shows the adjustment (empty for a rejection or no change).
    pub booked_period: String,
    #[ts(type = "number | null")]
    pub ledger_entry: Option<i64>,
    pub decided_by: String,
    #[ts(type = "number")]
    pub decided_at_ms: i64,
}

/// One piece of evidence: a record with where it came from and the SHA-256 of its canonical JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EvidenceItem {
    /// click, player, deposit, conversion, status_history, postback, attribution, qualification, flag,
    /// discrepancy, statement_line, raw.
    pub kind: String,
    pub title: String,
    /// Where the record came from: "sync everflow/conversions page 3", "file clicks.csv row 17", "postback #42".
    pub source: String,
    pub sha256: String,
    /// The record as canonical, pretty JSON.
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EvidencePackView {
    pub sha256: String,
    pub items: u32,
    pub path: String,
    pub made_by: String,
    #[ts(type = "number")]
    pub made_at_ms: i64,
}

/// A case with everything the detail view shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DisputeView {
    pub case: DisputeRow,
    pub description: String,
    /// `kind:ref` of what the case is about.
    pub subjects: Vec<String>,
    pub events: Vec<DisputeEventView>,
    pub attachments: Vec<DisputeAttachmentView>,
    pub outcomes: Vec<DisputeOutcomeView>,
    pub evidence: Vec<EvidenceItem>,
    pub packs: Vec<EvidencePackView>,
    /// The states it may move to now (resolving ones included); `reopen` when resolved.
    pub allowed: Vec<String>,
    /// What accepting would grant, from the evidence (the amount claimed when nothing better is known).
    pub proposed_amount: String,
    /// Where an adjustment would land now ("2026-11"; it differs from the case's period when that is closed).
    pub adjustment_period: String,
}

/// Move a case to another state (not a resolution): investigating, awaiting_operator, or reopen it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DisputeMoveRequest {
    #[ts(type = "number")]
    pub case_id: i64,
    /// investigating, awaiting_operator, or `reopen`.
    pub to: String,
    /// Required to reopen.
    #[serde(default)]
    pub reason: String,
}

/// Resolve a case: accepted (the amount), partly_accepted (a smaller amount), rejected (nothing).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DisputeResolveRequest {
    #[ts(type = "number")]
    pub case_id: i64,
    pub decision: String,
    /// The amount granted, program currency (ignored for a rejection); empty: the proposed amount.
    #[serde(default)]
    pub amount: String,
    /// Required: it goes back to the affiliate.
    pub reason: String,
    /// Accepting: re-attribute the case's players to the case's affiliate (an audited override shown in each
    /// player's explanation); commission follows by recomputing the open periods. With no amount, nothing else is
    /// booked.
    #[serde(default)]
    pub reattribute: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DisputeAssignRequest {
    #[ts(type = "number")]
    pub case_id: i64,
    /// A person's sign-in name; empty to leave it unowned.
    pub owner: String,
}

/// A comment, or a file to attach (`path`), on a case.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DisputeNoteRequest {
    #[ts(type = "number")]
    pub case_id: i64,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub path: String,
}

/// Write a case's evidence pack (HTML, PDF, the zip with its manifest) into `dir` (relative: `exports/`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DisputeEvidenceRequest {
    #[ts(type = "number")]
    pub case_id: i64,
    #[serde(default)]
    pub dir: String,
}

/// The files of an evidence pack or an outcome statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DisputeFiles {
    pub files: Vec<String>,
    /// The zip's SHA-256 (evidence packs) or the PDF's (outcome statements).
    pub sha256: String,
    pub items: u32,
}

/// A program's SLA for answering cases.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DisputeSla {
    pub days: u32,
    pub business_days: bool,
}

/// A record and what it was stored from: `kind` is conversion, player, click or deposit; `reference` its id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RawRequest {
    pub kind: String,
    pub reference: String,
}

/// Match an affiliate's claims (or every affiliate's) for a month against the tracker and the operator.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ClaimsQuery {
    /// `YYYY-MM`: claims dated in it (by their first deposit, else their registration), and undated claims.
    pub period: String,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affiliate: Option<String>,
    /// Only rows with this reason (the counts are of every claim).
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// One claim and what matching found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ClaimRowView {
    #[ts(type = "number")]
    pub id: i64,
    pub claim: String,
    pub affiliate_id: String,
    pub player: String,
    pub click: String,
    pub ftd_day: String,
    pub ftd_amount: String,
    /// confirmed, unknown, tracker_only, other_affiliate, no_deposit, missing_postback, amount_mismatch,
    /// outside_window.
    pub reason: String,
    pub detail: String,
    /// What the claim is worth to the affiliate if it holds (an estimate for missing postbacks).
    pub impact: String,
    /// The case opened from it, if any.
    #[ts(type = "number | null")]
    pub case_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ClaimReasonCount {
    pub reason: String,
    pub count: u32,
}

/// The third leg of reconciliation: an affiliate's claims against the tracker and the operator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ClaimsReport {
    pub period: String,
    pub currency: String,
    /// When the month's claims were last matched (none: never), and by whom.
    #[ts(type = "number | null")]
    pub matched_at_ms: Option<i64>,
    pub matched_by: String,
    pub reasons: Vec<ClaimReasonCount>,
    pub rows: Vec<ClaimRowView>,
}

/// Open a case for each unmatched claim given (or every unmatched claim of the report without a case).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ClaimCasesRequest {
    pub period: String,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affiliate: Option<String>,
    /// Claim ids; empty: every unmatched claim of the period (and affiliate) that has no case yet.
    #[ts(type = "Array<number>")]
    #[serde(default)]
    pub claims: Vec<i64>,
}
