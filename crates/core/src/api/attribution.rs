//! Requests of the attribution screens (the records they return are `crate::attribution::types`).
use super::{AttributionRules, DashboardQuery};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AffiliateRequest {
    /// The tracker's affiliate id.
    pub affiliate: String,
    #[serde(default)]
    pub period: DashboardQuery,
}

/// A rule version to save, in force for registrations from `effective_from` (`YYYY-MM-DD`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SaveRulesRequest {
    pub effective_from: String,
    pub rules: AttributionRules,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MultiTouchRequest {
    pub period: DashboardQuery,
    /// Half-life of the time-decay model, in hours.
    pub half_life_hours: u32,
}

/// A promo code and the affiliate it belongs to, optionally for a span of days.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PromoCodeRequest {
    pub code: String,
    pub affiliate: String,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<String>,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<String>,
}

/// Adds or removes one of an affiliate's identifiers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AffiliateIdentifierRequest {
    /// The affiliate's id in the tracker.
    pub affiliate: String,
    /// `ip`, `email`, `payout_instrument` or `device_id` (the stored kinds `email_hash`, `payment_hash` too).
    pub kind: String,
    /// To add: the address, email, IBAN/card number or instrument hash, or device id as typed (an email or a raw
    /// instrument is kept only as its hash). To remove: the value as listed, or as typed.
    pub value: String,
}
