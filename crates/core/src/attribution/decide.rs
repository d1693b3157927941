//! The decision for one player, as a pure function of the facts (no store, no clock), so every rule is
//! table-tested. Keys, strongest first: the carried click id, the btag (a fallback when no known click is
//! carried), the promo code. The IP + user-agent touches are analysis only and never decide payout.
//!
//! Order of reasoning:
//! 1. The token: the carried click when the tracker knows it and it is inside the post-click window (exactly N
//!    days still earns); otherwise, when no known click is carried, the btag's affiliate.
//!    A known click that fails the window also disqualifies the btag: both record the same referral.
//! 2. The promo code: the affiliate's code, valid on the registration day.
//! 3. Token vs promo naming different affiliates: the program's priority mode.
//! 4. First referrer kept: a player already attributed to A stays with A when the keys now name B.
//! 5. No valid key: organic, earns nothing.

use crate::attribution::types::{
    AttributionRules, CandidateOutcome, Explanation, KeyCandidate, KeyKind, PriorityMode,
};

use super::rules::RuleVersion;
use super::touches::analysis;

pub use super::facts::{
    btag_affiliate, normalize_promo, AffiliateRef, BtagFact, ClickFact, Decision, PlayerFacts,
    PromoFact, DAY_MS,
};

struct Valid {
    kind: KeyKind,
    value: String,
    affiliate: AffiliateRef,
}

fn candidate(
    kind: KeyKind,
    value: &str,
    affiliate: Option<&AffiliateRef>,
    outcome: CandidateOutcome,
    reason: String,
) -> KeyCandidate {
    KeyCandidate {
        kind,
        value: value.to_owned(),
        affiliate: affiliate.map(|a| a.external_id.clone()),
        outcome,
        reason,
    }
}

/// Whole days between click and registration, for the message ("41 days before registration").
fn days_before(age_ms: i64) -> i64 {
    age_ms / DAY_MS
}

fn token(
    facts: &PlayerFacts,
    rules: &AttributionRules,
    out: &mut Vec<KeyCandidate>,
) -> Option<Valid> {
    let mut known_click_failed = false;
    let mut valid = None;
    if let Some((id, click)) = &facts.click {
        let click = click.as_ref();
        let affiliate = click.map(|c| &c.affiliate);
        if !rules.click_id {
            out.push(candidate(
                KeyKind::ClickId,
                id,
                affiliate,
                CandidateOutcome::Rejected,
                "click ids are off in the rules".into(),
            ));
        } else if let Some(c) = click {
            let age = facts.registered_at_ms - c.clicked_at_ms;
            let window_ms = i64::from(rules.post_click_window_days) * DAY_MS;
            if age < 0 {
                known_click_failed = true;
                out.push(candidate(
                    KeyKind::ClickId,
                    id,
                    affiliate,
                    CandidateOutcome::Rejected,
                    format!("clicked {} s after registration", -age / 1000),
                ));
            } else if age > window_ms {
                known_click_failed = true;
                out.push(candidate(
                    KeyKind::ClickId,
                    id,
                    affiliate,
                    CandidateOutcome::Rejected,
                    format!(
                        "{} days before registration, window {}",
                        days_before(age),
                        rules.post_click_window_days
                    ),
                ));
            } else {
                valid = Some(Valid {
                    kind: KeyKind::ClickId,
                    value: id.clone(),
                    affiliate: c.affiliate.clone(),
                });
            }
        } else {
            out.push(candidate(
                KeyKind::ClickId,
                id,
                None,
                CandidateOutcome::Rejected,
                "unknown click: the tracker has not reported it".into(),
            ));
        }
    }
    if let Some((value, btag)) = &facts.btag {
        let affiliate = match btag {
            BtagFact::Known(a) => Some(a),
            _ => None,
        };
        let rejected = |reason: String| {
            candidate(
                KeyKind::Btag,
                value,
                affiliate,
                CandidateOutcome::Rejected,
                reason,
            )
        };
        if !rules.btag {
            out.push(rejected("btags are off in the rules".into()));
        } else if known_click_failed {
            out.push(rejected(
                "the carried click records the same referral and was rejected".into(),
            ));
        } else {
            match btag {
                BtagFact::Unparsable => out.push(rejected(
                    "names no affiliate (expected a<affiliate>-…)".into(),
                )),
                BtagFact::UnknownAffiliate(ext) => {
                    out.push(rejected(format!("unknown affiliate {ext}")))
                }
                BtagFact::Known(a) => match &valid {
                    Some(v) if v.affiliate.id == a.id => out.push(candidate(
                        KeyKind::Btag,
                        value,
                        affiliate,
                        CandidateOutcome::Agrees,
                        "same affiliate as the click".into(),
                    )),
                    Some(_) => out.push(rejected("the click id is the stronger key".into())),
                    None => {
                        valid = Some(Valid {
                            kind: KeyKind::Btag,
                            value: value.clone(),
                            affiliate: a.clone(),
                        })
                    }
                },
            }
        }
    }
    valid
}

fn promo(
    facts: &PlayerFacts,
    rules: &AttributionRules,
    out: &mut Vec<KeyCandidate>,
) -> Option<Valid> {
    let (code, fact) = facts.promo.as_ref()?;
    let affiliate = fact.as_ref().map(|f| &f.affiliate);
    let rejected = |reason: String| {
        candidate(
            KeyKind::PromoCode,
            code,
            affiliate,
            CandidateOutcome::Rejected,
            reason,
        )
    };
    if !rules.promo_code {
        out.push(rejected("promo codes are off in the rules".into()));
        return None;
    }
    let Some(f) = fact else {
        out.push(rejected("no affiliate has this code".into()));
        return None;
    };
    if let Some(from) = f
        .valid_from
        .as_deref()
        .filter(|from| facts.day.as_str() < *from)
    {
        out.push(rejected(format!(
            "not valid before {from} (registered {})",
            facts.day
        )));
        return None;
    }
    if let Some(to) = f.valid_to.as_deref().filter(|to| facts.day.as_str() > *to) {
        out.push(rejected(format!(
            "expired on {to} (registered {})",
            facts.day
        )));
        return None;
    }
    Some(Valid {
        kind: KeyKind::PromoCode,
        value: code.clone(),
        affiliate: f.affiliate.clone(),
    })
}

fn reject_valid(v: &Valid, reason: &str) -> KeyCandidate {
    candidate(
        v.kind,
        &v.value,
        Some(&v.affiliate),
        CandidateOutcome::Rejected,
        reason.to_owned(),
    )
}

/// Token vs promo: the winner, the rule in words, and the loser's record.
fn settle(
    token: Option<Valid>,
    promo: Option<Valid>,
    mode: PriorityMode,
    out: &mut Vec<KeyCandidate>,
) -> Option<(Valid, String)> {
    match (token, promo) {
        (None, None) => None,
        (Some(t), None) => {
            let rule = if t.kind == KeyKind::ClickId {
                "click id is the strongest key"
            } else {
                "btag (no known click carried)"
            };
            Some((t, rule.to_owned()))
        }
        (None, Some(p)) => Some((p, "promo code is the only valid key".to_owned())),
        (Some(t), Some(p)) if t.affiliate.id == p.affiliate.id => {
            out.push(candidate(
                p.kind,
                &p.value,
                Some(&p.affiliate),
                CandidateOutcome::Agrees,
                "same affiliate as the token".into(),
            ));
            let rule = if t.kind == KeyKind::ClickId {
                "click id is the strongest key"
            } else {
                "btag (no known click carried)"
            };
            Some((t, rule.to_owned()))
        }
        (Some(t), Some(p)) => {
            let promo_wins = match mode {
                PriorityMode::ClickWins => false,
                PriorityMode::PromoWins => true,
                PriorityMode::PromoWinsExceptSubAffiliate => t.affiliate.parent_id.is_none(),
            };
            if promo_wins {
                out.push(reject_valid(&t, "promo priority"));
                Some((p, "promo priority".to_owned()))
            } else if mode == PriorityMode::PromoWinsExceptSubAffiliate {
                out.push(reject_valid(
                    &p,
                    "a promo code does not override a sub-affiliate's token",
                ));
                Some((t, "sub-affiliate token beats promo code".to_owned()))
            } else {
                out.push(reject_valid(&p, "click priority"));
                Some((t, "click priority".to_owned()))
            }
        }
    }
}

/// Decides one player under one rule version.
pub fn decide(facts: &PlayerFacts, version: &RuleVersion) -> Decision {
    let rules = &version.rules;
    let mut rejected = Vec::new();
    let token = token(facts, rules, &mut rejected);
    let promo = promo(facts, rules, &mut rejected);
    let settled = settle(token, promo, rules.priority, &mut rejected);
    let mut first_referrer_kept = false;
    let (affiliate, key, rule) = match settled {
        None => (
            None,
            None,
            "no valid key: organic, earns nothing".to_owned(),
        ),
        Some((winner, rule)) => match &facts.previous {
            Some((prev, kind, value))
                if rules.keep_first_referrer && prev.id != winner.affiliate.id =>
            {
                first_referrer_kept = true;
                rejected.push(reject_valid(
                    &winner,
                    &format!("first referrer kept (affiliate {})", prev.external_id),
                ));
                (
                    Some(prev.clone()),
                    Some((*kind, value.clone())),
                    "first referrer kept".to_owned(),
                )
            }
            _ => {
                rejected.insert(
                    0,
                    candidate(
                        winner.kind,
                        &winner.value,
                        Some(&winner.affiliate),
                        CandidateOutcome::Won,
                        rule.clone(),
                    ),
                );
                (
                    Some(winner.affiliate),
                    Some((winner.kind, winner.value)),
                    rule,
                )
            }
        },
    };
    let mut candidates = rejected;
    candidates.sort_by_key(|c| (c.outcome != CandidateOutcome::Won, c.kind));
    Decision {
        explanation: Explanation {
            player: facts.external_id.clone(),
            affiliate: affiliate.as_ref().map(|a| a.external_id.clone()),
            matched_kind: key.as_ref().map(|k| k.0),
            matched_value: key.as_ref().map(|k| k.1.clone()),
            rule,
            rule_version_id: version.id,
            rules_effective_from: version.effective_from.clone(),
            candidates,
            first_referrer_kept,
            analysis: analysis(facts, rules),
            overridden_by: None,
        },
        affiliate,
        key,
    }
}
