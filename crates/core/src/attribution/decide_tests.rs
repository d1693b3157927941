//! Table-driven tests of the decision rules, and snapshots of the explanation text for representative cases.
//! These pin the semantics of DOMAIN.md §3: who earns, who does not, and the words a manager reads.

use super::decide::{decide, AffiliateRef, BtagFact, ClickFact, PlayerFacts, PromoFact, DAY_MS};
use super::explain::text;
use super::rules::RuleVersion;
use crate::attribution::types::{ClickSelection, KeyKind, PriorityMode};

const REG: i64 = 1_790_000_000_000; // a registration instant

fn aff(id: i64) -> AffiliateRef {
    AffiliateRef {
        id,
        external_id: id.to_string(),
        parent_id: None,
    }
}

fn sub_aff(id: i64, parent: i64) -> AffiliateRef {
    AffiliateRef {
        id,
        external_id: id.to_string(),
        parent_id: Some(parent),
    }
}

fn click(id: &str, a: AffiliateRef, age_ms: i64) -> ClickFact {
    ClickFact {
        click_id: id.to_owned(),
        affiliate: a,
        clicked_at_ms: REG - age_ms,
    }
}

fn player() -> PlayerFacts {
    PlayerFacts {
        external_id: "P000042".into(),
        registered_at_ms: REG,
        day: "2026-09-21".into(),
        click: None,
        btag: None,
        promo: None,
        ip_ua_clicks: Vec::new(),
        previous: None,
    }
}

fn with_click(mut p: PlayerFacts, c: ClickFact) -> PlayerFacts {
    p.click = Some((c.click_id.clone(), Some(c)));
    p
}

fn with_promo(
    mut p: PlayerFacts,
    code: &str,
    a: Option<AffiliateRef>,
    to: Option<&str>,
) -> PlayerFacts {
    p.promo = Some((
        code.into(),
        a.map(|affiliate| PromoFact {
            affiliate,
            valid_from: None,
            valid_to: to.map(str::to_owned),
        }),
    ));
    p
}

fn version(edit: impl FnOnce(&mut crate::attribution::types::AttributionRules)) -> RuleVersion {
    let mut v = RuleVersion::builtin();
    edit(&mut v.rules);
    v
}

const CLICK: &str = "3f2a9c0d11223344556677889900aabb";

/// (case, facts, rules, expected affiliate, expected key kind, a reason that must appear among the candidates)
type Case = (
    &'static str,
    PlayerFacts,
    RuleVersion,
    Option<i64>,
    Option<KeyKind>,
    &'static str,
);

fn cases() -> Vec<Case> {
    let dflt = RuleVersion::builtin();
    let promo_wins = version(|r| r.priority = PriorityMode::PromoWins);
    let except_sub = version(|r| r.priority = PriorityMode::PromoWinsExceptSubAffiliate);
    let click_and_promo = with_promo(
        with_click(player(), click(CLICK, aff(7), 3_600_000)),
        "SPIN50-A12",
        Some(aff(12)),
        None,
    );
    let sub_click_and_promo = with_promo(
        with_click(player(), click(CLICK, sub_aff(7, 2), 3_600_000)),
        "SPIN50-A12",
        Some(aff(12)),
        None,
    );
    let mut unknown_click_btag = player();
    unknown_click_btag.click = Some((CLICK.into(), None));
    unknown_click_btag.btag = Some(("a7-b1-p0-cIE".into(), BtagFact::Known(aff(7))));
    let mut expired_click_btag = with_click(player(), click(CLICK, aff(7), 41 * DAY_MS));
    expired_click_btag.btag = Some(("a7-b1-p0-cIE".into(), BtagFact::Known(aff(7))));
    let mut unknown_btag = player();
    unknown_btag.btag = Some((
        "a999-b1-p0-cIE".into(),
        BtagFact::UnknownAffiliate("999".into()),
    ));
    let mut kept = with_click(player(), click(CLICK, aff(9), 3_600_000));
    kept.previous = Some((aff(7), KeyKind::PromoCode, "SPIN50-A7".into()));
    let no_keep = version(|r| r.keep_first_referrer = false);
    vec![
        (
            "click only",
            with_click(player(), click(CLICK, aff(7), 3_600_000)),
            dflt.clone(),
            Some(7),
            Some(KeyKind::ClickId),
            "click id is the strongest key",
        ),
        (
            "window edge: exactly 30 days earns",
            with_click(player(), click(CLICK, aff(7), 30 * DAY_MS)),
            dflt.clone(),
            Some(7),
            Some(KeyKind::ClickId),
            "strongest",
        ),
        (
            "window edge: 30 days + 1 ms does not",
            with_click(player(), click(CLICK, aff(7), 30 * DAY_MS + 1)),
            dflt.clone(),
            None,
            None,
            "30 days before registration, window 30",
        ),
        (
            "41 days, window 30",
            with_click(player(), click(CLICK, aff(7), 41 * DAY_MS)),
            dflt.clone(),
            None,
            None,
            "41 days before registration, window 30",
        ),
        (
            "window 45 lets the 41-day click earn",
            with_click(player(), click(CLICK, aff(7), 41 * DAY_MS)),
            version(|r| r.post_click_window_days = 45),
            Some(7),
            Some(KeyKind::ClickId),
            "strongest",
        ),
        (
            "click after registration",
            with_click(player(), click(CLICK, aff(7), -5_000)),
            dflt.clone(),
            None,
            None,
            "clicked 5 s after registration",
        ),
        (
            "click wins over promo",
            click_and_promo.clone(),
            dflt.clone(),
            Some(7),
            Some(KeyKind::ClickId),
            "click priority",
        ),
        (
            "promo wins over click",
            click_and_promo.clone(),
            promo_wins.clone(),
            Some(12),
            Some(KeyKind::PromoCode),
            "promo priority",
        ),
        (
            "promo wins over a normal token (except-sub mode)",
            click_and_promo,
            except_sub.clone(),
            Some(12),
            Some(KeyKind::PromoCode),
            "promo priority",
        ),
        (
            "sub-affiliate token beats promo (except-sub mode)",
            sub_click_and_promo.clone(),
            except_sub,
            Some(7),
            Some(KeyKind::ClickId),
            "does not override a sub-affiliate's token",
        ),
        (
            "promo wins even over a sub-affiliate in promo-wins mode",
            sub_click_and_promo,
            promo_wins,
            Some(12),
            Some(KeyKind::PromoCode),
            "promo priority",
        ),
        (
            "promo only",
            with_promo(player(), "SPIN50-A12", Some(aff(12)), None),
            dflt.clone(),
            Some(12),
            Some(KeyKind::PromoCode),
            "only valid key",
        ),
        (
            "expired promo",
            with_promo(player(), "SPIN50-A12", Some(aff(12)), Some("2026-09-20")),
            dflt.clone(),
            None,
            None,
            "expired on 2026-09-20 (registered 2026-09-21)",
        ),
        (
            "promo valid through the registration day",
            with_promo(player(), "SPIN50-A12", Some(aff(12)), Some("2026-09-21")),
            dflt.clone(),
            Some(12),
            Some(KeyKind::PromoCode),
            "only valid key",
        ),
        (
            "unknown promo code",
            with_promo(player(), "NOPE", None, None),
            dflt.clone(),
            None,
            None,
            "no affiliate has this code",
        ),
        (
            "promo codes off",
            with_promo(player(), "SPIN50-A12", Some(aff(12)), None),
            version(|r| r.promo_code = false),
            None,
            None,
            "promo codes are off",
        ),
        (
            "unknown click falls back to the btag",
            unknown_click_btag,
            dflt.clone(),
            Some(7),
            Some(KeyKind::Btag),
            "unknown click",
        ),
        (
            "an expired click also disqualifies its btag",
            expired_click_btag,
            dflt.clone(),
            None,
            None,
            "same referral",
        ),
        (
            "btag unknown affiliate",
            unknown_btag,
            dflt.clone(),
            None,
            None,
            "unknown affiliate 999",
        ),
        ("no key: organic", player(), dflt.clone(), None, None, ""),
        (
            "first referrer kept",
            kept.clone(),
            dflt.clone(),
            Some(7),
            Some(KeyKind::PromoCode),
            "first referrer kept (affiliate 7)",
        ),
        (
            "first referrer not kept when the rule is off",
            kept,
            no_keep,
            Some(9),
            Some(KeyKind::ClickId),
            "strongest",
        ),
    ]
}

#[test]
fn decision_table() {
    for (name, facts, version, affiliate, kind, reason) in cases() {
        let d = decide(&facts, &version);
        assert_eq!(
            d.affiliate.as_ref().map(|a| a.id),
            affiliate,
            "{name}: affiliate"
        );
        assert_eq!(d.key.as_ref().map(|k| k.0), kind, "{name}: key kind");
        assert!(
            d.explanation
                .candidates
                .iter()
                .any(|c| c.reason.contains(reason))
                || d.explanation.rule.contains(reason),
            "{name}: no candidate says \"{reason}\": {:#?}",
            d.explanation
        );
        assert_eq!(
            d.explanation.affiliate,
            affiliate.map(|a| a.to_string()),
            "{name}: explanation agrees"
        );
    }
}

/// First vs last click: the analysis credits the selected touch among the carried click and the IP + UA ones;
/// payout still follows the carried click only.
#[test]
fn first_versus_last_touch() {
    let mut p = with_click(player(), click(CLICK, aff(7), 3_600_000));
    p.ip_ua_clicks = vec![
        click("older", aff(3), 5 * 3_600_000),
        click("newer", aff(5), 600_000),
    ];
    for (selection, expected) in [(ClickSelection::First, "3"), (ClickSelection::Last, "5")] {
        let d = decide(&p, &version(|r| r.click_selection = selection));
        assert_eq!(
            d.explanation.analysis.selected_affiliate.as_deref(),
            Some(expected)
        );
        assert_eq!(d.explanation.analysis.touches.len(), 3);
        assert_eq!(
            d.affiliate.map(|a| a.id),
            Some(7),
            "IP + UA touches never decide payout"
        );
    }
    // IP + UA touches alone never attribute.
    let mut organic = player();
    organic.ip_ua_clicks = vec![click("c1", aff(3), 600_000)];
    let d = decide(&organic, &RuleVersion::builtin());
    assert_eq!(d.affiliate, None);
    assert_eq!(
        d.explanation.analysis.selected_affiliate.as_deref(),
        Some("3")
    );
}

#[test]
fn explanation_text_snapshots() {
    let rejected_promo = with_promo(
        with_click(player(), click(CLICK, aff(7), 3_600_000)),
        "SPIN50-A3",
        Some(aff(12)),
        None,
    );
    assert_eq!(
        text(&decide(&rejected_promo, &RuleVersion::builtin()).explanation),
        "Player P000042 → affiliate 7 via click 3f2a9c0d…\n\
         Rule: click priority (default rules)\n\
         ✓ click 3f2a9c0d… → affiliate 7: click priority\n\
         ✗ promo code SPIN50-A3 → affiliate 12 rejected: click priority\n\
         Analysis only (last click): 1 touch → affiliate 7"
    );
    let mut old = with_click(player(), click(CLICK, aff(7), 41 * DAY_MS));
    old.btag = Some((
        "a999-b1-p0-cIE".into(),
        BtagFact::UnknownAffiliate("999".into()),
    ));
    let mut v = RuleVersion::builtin();
    v.id = Some(4);
    v.effective_from = Some("2026-09-01".into());
    assert_eq!(
        text(&decide(&old, &v).explanation),
        "Player P000042 is organic: no valid key, earns nothing\n\
         Rule: no valid key: organic, earns nothing (rules version 4, effective 2026-09-01)\n\
         ✗ click 3f2a9c0d… → affiliate 7 rejected: 41 days before registration, window 30\n\
         ✗ btag a999-b1-p0-cIE rejected: the carried click records the same referral and was rejected\n\
         Analysis only (last click): no touches"
    );
    let mut btag = player();
    btag.btag = Some((
        "a999-b1-p0-cIE".into(),
        BtagFact::UnknownAffiliate("999".into()),
    ));
    let promo = with_promo(btag, "SPIN50-A12", Some(aff(12)), None);
    assert_eq!(
        text(&decide(&promo, &RuleVersion::builtin()).explanation),
        "Player P000042 → affiliate 12 via promo code SPIN50-A12\n\
         Rule: promo code is the only valid key (default rules)\n\
         ✓ promo code SPIN50-A12 → affiliate 12: promo code is the only valid key\n\
         ✗ btag a999-b1-p0-cIE rejected: unknown affiliate 999\n\
         Analysis only (last click): no touches"
    );
}
