//! The facts a decision looks at and its outcome: plain data, filled from the store by [`super::run`] and by
//! hand in tests; plus how a btag and a promo code are read.

use crate::attribution::types::{Explanation, KeyKind};

pub const DAY_MS: i64 = 86_400_000;

/// An affiliate as attribution needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AffiliateRef {
    pub id: i64,
    pub external_id: String,
    /// Set for a sub-affiliate.
    pub parent_id: Option<i64>,
}

/// A click from the tracker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClickFact {
    pub click_id: String,
    pub affiliate: AffiliateRef,
    pub clicked_at_ms: i64,
}

/// What a promo code resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromoFact {
    pub affiliate: AffiliateRef,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
}

/// How the btag resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BtagFact {
    /// Names a known affiliate.
    Known(AffiliateRef),
    /// Names an affiliate id the program does not have.
    UnknownAffiliate(String),
    /// Does not follow `a<affiliate>-…`.
    Unparsable,
}

/// Everything the decision looks at for one player.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlayerFacts {
    pub external_id: String,
    pub registered_at_ms: i64,
    /// Registration day in the program zone.
    pub day: String,
    /// The carried click id and, when the tracker knows it, the click.
    pub click: Option<(String, Option<ClickFact>)>,
    pub btag: Option<(String, BtagFact)>,
    /// The code as entered and, when it is an affiliate's code, the mapping.
    pub promo: Option<(String, Option<PromoFact>)>,
    /// Clicks from the player's IP (+ user agent) before registration: analysis only.
    pub ip_ua_clicks: Vec<ClickFact>,
    /// The affiliate of the previous (unlocked) decision, if it named one.
    pub previous: Option<(AffiliateRef, KeyKind, String)>,
}

/// The outcome: the affiliate (None = organic), the key, and the explanation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub affiliate: Option<AffiliateRef>,
    pub key: Option<(KeyKind, String)>,
    pub explanation: Explanation,
}

/// The affiliate id a btag names: `a<digits>` before the first `-` (`a502-b1-p0-cIE` → "502").
pub fn btag_affiliate(btag: &str) -> Option<&str> {
    let head = btag.split('-').next()?;
    let digits = head.strip_prefix('a').or_else(|| head.strip_prefix('A'))?;
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

/// A promo code as stored and compared: trimmed, upper-case.
pub fn normalize_promo(code: &str) -> String {
    code.trim().to_uppercase()
}
