//! Boundary types of attribution: the rules a program uses, each player's decision with its explanation, the
//! affiliate profiles and the multi-touch (analysis-only) report.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::time::Period;

/// Which key wins when a tracking token (click id or btag) and a promo code name different affiliates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PriorityMode {
    /// The token wins; the promo code is rejected.
    ClickWins,
    /// The promo code wins over any token.
    PromoWins,
    /// The promo code wins over a normal token, but not over a sub-affiliate's token.
    PromoWinsExceptSubAffiliate,
}

/// Which touch the analysis credits when a player has several candidate clicks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ClickSelection {
    First,
    Last,
}

/// One program's attribution rules (the JSON body of a rule version).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AttributionRules {
    /// Use the click id carried from click to registration (the strongest key).
    pub click_id: bool,
    /// Use the operator's btag (`a<affiliate>-…`) when no known click is carried.
    pub btag: bool,
    /// Use the affiliate's promo code entered at sign-up.
    pub promo_code: bool,
    pub priority: PriorityMode,
    /// Clicks more than this many days before registration do not earn (exactly N days still earns). 1..=365.
    pub post_click_window_days: u32,
    /// First or last touch among a player's candidate clicks (analysis only).
    pub click_selection: ClickSelection,
    /// Clicks from the player's IP (and the carried click's user agent) this many hours before registration are
    /// candidate touches for analysis only, never for payout. 0 turns the fallback off; at most 720.
    pub ip_ua_window_hours: u32,
    /// Once a player is attributed, a later decision naming another affiliate keeps the first.
    pub keep_first_referrer: bool,
}

/// A stored rule version, or the built-in default (`id` null).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RuleVersionView {
    #[ts(type = "number | null")]
    pub id: Option<i64>,
    /// First registration day the version applies to; null for the built-in default.
    pub effective_from: Option<String>,
    pub created_by: String,
    #[ts(type = "number | null")]
    pub created_at_ms: Option<i64>,
    pub rules: AttributionRules,
}

/// The rules of a program: the version in force for new registrations, and every stored version (newest first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AttributionRulesView {
    pub program: String,
    pub current: RuleVersionView,
    pub versions: Vec<RuleVersionView>,
}

/// A rejected rule body: which field, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RuleFieldError {
    pub field: String,
    pub message: String,
}

/// The outcome of saving a rule version: the stored version, or the field errors (nothing stored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SaveRulesResult {
    pub saved: Option<RuleVersionView>,
    pub errors: Vec<RuleFieldError>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum KeyKind {
    ClickId,
    Btag,
    PromoCode,
}

impl KeyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ClickId => "click_id",
            Self::Btag => "btag",
            Self::PromoCode => "promo_code",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "click_id" => Some(Self::ClickId),
            "btag" => Some(Self::Btag),
            "promo_code" => Some(Self::PromoCode),
            _ => None,
        }
    }

    /// How a person reads the key: "click", "btag", "promo code".
    pub fn label(self) -> &'static str {
        match self {
            Self::ClickId => "click",
            Self::Btag => "btag",
            Self::PromoCode => "promo code",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CandidateOutcome {
    /// This key decided the attribution.
    Won,
    /// Valid and naming the same affiliate as the winner.
    Agrees,
    Rejected,
}

/// One key the player carried, what it pointed at and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct KeyCandidate {
    pub kind: KeyKind,
    pub value: String,
    /// The affiliate the key names, when it names a known one.
    pub affiliate: Option<String>,
    pub outcome: CandidateOutcome,
    /// Why, in a sentence fragment: "click priority", "41 days before registration, window 30".
    pub reason: String,
}

/// A touch considered by the analysis (never by payout).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TouchView {
    pub click_id: String,
    pub affiliate: String,
    #[ts(type = "number")]
    pub clicked_at_ms: i64,
    /// `carried` (the player's own click id) or `ip_ua` (same IP and user agent before registration).
    pub matched_by: String,
}

/// What first/last-click analysis over the candidate touches says; informative only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TouchAnalysis {
    pub selection: ClickSelection,
    pub touches: Vec<TouchView>,
    /// The affiliate the selected touch belongs to, if any touch exists.
    pub selected_affiliate: Option<String>,
}

/// Why a player is attributed the way they are. Stored with the decision (`player_attribution.explanation_json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Explanation {
    pub player: String,
    /// The attributed affiliate's external id; null = organic.
    pub affiliate: Option<String>,
    pub matched_kind: Option<KeyKind>,
    pub matched_value: Option<String>,
    /// The rule that decided, in words: "click id is the strongest key", "promo priority", "no valid key".
    pub rule: String,
    #[ts(type = "number | null")]
    pub rule_version_id: Option<i64>,
    pub rules_effective_from: Option<String>,
    pub candidates: Vec<KeyCandidate>,
    /// The earlier affiliate kept although the keys now name another.
    pub first_referrer_kept: bool,
    pub analysis: TouchAnalysis,
    /// Set when a dispute re-attributed the player: "case #7: …, by ana"; the keys above are what the rules saw.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overridden_by: Option<String>,
}

/// A player's stored decision as the UI and `affops-cli explain` show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PlayerExplanation {
    pub explanation: Explanation,
    /// The same, as readable text (one line per fact).
    pub text: String,
    #[ts(type = "number")]
    pub decided_at_ms: i64,
    /// The FTD instant that locked the decision; null while it may still change.
    #[ts(type = "number | null")]
    pub locked_at_ms: Option<i64>,
}

/// What one `attribution::run` did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AttributionRunSummary {
    /// Unlocked players examined.
    pub examined: u32,
    /// Decisions written because something changed (0 on a repeated run).
    pub changed: u32,
    /// Decisions locked by an FTD in this run.
    pub locked: u32,
    pub attributed: u32,
    pub organic: u32,
    /// Promo codes learned from tracker conversions in this run.
    pub promo_codes_learned: u32,
}

/// An affiliate's profile and performance over a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AffiliateProfile {
    pub external_id: String,
    pub name: String,
    pub parent: Option<String>,
    pub status: String,
    pub sub_affiliates: Vec<String>,
    pub promo_codes: Vec<String>,
    /// Players attributed to the affiliate (all time).
    pub attributed_players: u32,
    /// Over the period, from the daily rollups.
    pub registrations: u32,
    pub ftds: u32,
    pub approved_conversions: u32,
    pub ftd_amount: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AffiliatesPage {
    pub period: Period,
    pub rows: Vec<AffiliateProfile>,
}

/// A player attributed to an affiliate, with the key that matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AttributedPlayer {
    pub external_id: String,
    pub registered_day: String,
    pub key_kind: KeyKind,
    pub key_value: String,
    pub locked: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AffiliateDetail {
    pub profile: AffiliateProfile,
    /// The most recent players (at most `PLAYERS_MAX`), newest first.
    pub players: Vec<AttributedPlayer>,
    pub players_total: u32,
    /// Every commission plan assignment that applies to the affiliate, oldest first: its own and the program
    /// default's (the engine uses the affiliate's own latest assignment on a day, else the default's).
    pub plan_history: Vec<PlanAssignmentView>,
    /// The affiliate's own identifiers, which self-referral compares their players against.
    pub identifiers: Vec<AffiliateIdentifier>,
}

/// One of an affiliate's own identifiers (see [`crate::attribution::identifiers`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AffiliateIdentifier {
    /// `ip`, `email_hash`, `payment_hash` or `device_id`.
    pub kind: String,
    /// As stored: the IP or device id itself; for an email or a raw instrument, its hash.
    pub value: String,
    /// What a person recognises it by: `j…@gmail.com`, `…3000`, the IP.
    pub hint: String,
    /// `file` (an affiliates file), `user` (added in the app or the CLI), `profile` (the affiliate's contact email
    /// from the tracker or the file), or '' (stored before origins were kept).
    pub origin: String,
    /// The file's name, or the person who added it.
    pub origin_ref: String,
    #[ts(type = "number")]
    pub added_at_ms: i64,
}

/// One plan assignment as the affiliate profile lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PlanAssignmentView {
    pub plan: String,
    pub effective_from: String,
    /// True for a program-wide default assignment, false for the affiliate's own.
    pub program_default: bool,
    pub assigned_by: String,
    #[ts(type = "number")]
    pub assigned_at_ms: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TouchModel {
    First,
    Last,
    Position,
    Decay,
}

/// One affiliate's credit under each model (exact decimal strings in the program currency).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MultiTouchRow {
    pub affiliate: String,
    pub name: String,
    pub touches: u32,
    pub first: String,
    pub last: String,
    pub position: String,
    pub decay: String,
    /// What the payout attribution (the stored decisions) gives the affiliate, for comparison.
    pub payout_attribution: String,
}

/// Analysis only, never payout: FTD value credited to the touches before it under four models.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MultiTouchReport {
    pub period: Period,
    pub currency: String,
    pub half_life_hours: u32,
    /// FTDs in the period (program currency) with at least one touch.
    pub conversions: u32,
    /// FTDs without any touch (organic or promo/btag only): their value is credited to nobody.
    pub untouched_conversions: u32,
    pub total: String,
    pub rows: Vec<MultiTouchRow>,
}
