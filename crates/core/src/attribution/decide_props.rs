//! Properties of the decision over random facts and rules: IP + user-agent touches never change who earns (they
//! are analysis only); a player is organic exactly when no key matched; an attributed player's affiliate is the
//! winning key's, or the kept first referrer's; a key the rules turn off never wins.

use proptest::prelude::*;

use super::decide::{decide, AffiliateRef, BtagFact, ClickFact, PlayerFacts, PromoFact, DAY_MS};
use super::rules::RuleVersion;
use crate::attribution::types::{CandidateOutcome, ClickSelection, KeyKind, PriorityMode};

const REG: i64 = 1_790_000_000_000;

fn aff(id: i64, sub: bool) -> AffiliateRef {
    AffiliateRef {
        id,
        external_id: id.to_string(),
        parent_id: sub.then_some(1),
    }
}

fn arb_aff() -> impl Strategy<Value = AffiliateRef> {
    (1i64..6, any::<bool>()).prop_map(|(id, sub)| aff(id, sub && id > 1))
}

fn arb_facts() -> impl Strategy<Value = PlayerFacts> {
    let click = prop::option::of((any::<bool>(), arb_aff(), -DAY_MS..60 * DAY_MS));
    let btag = prop::option::of(prop_oneof![
        arb_aff().prop_map(BtagFact::Known),
        Just(BtagFact::UnknownAffiliate("999".into())),
        Just(BtagFact::Unparsable),
    ]);
    let promo = prop::option::of((any::<bool>(), arb_aff(), prop::option::of(0i64..3)));
    let ip = prop::collection::vec((arb_aff(), 0i64..DAY_MS), 0..4);
    let previous = prop::option::of((arb_aff(), 0usize..3));
    (click, btag, promo, ip, previous).prop_map(|(click, btag, promo, ip, previous)| PlayerFacts {
        external_id: "P1".into(),
        registered_at_ms: REG,
        day: "2026-09-21".into(),
        click: click.map(|(known, a, age)| {
            let fact = known.then(|| ClickFact {
                click_id: "c".into(),
                affiliate: a,
                clicked_at_ms: REG - age,
            });
            ("c".to_owned(), fact)
        }),
        btag: btag.map(|b| ("a1-b1".to_owned(), b)),
        promo: promo.map(|(known, a, to)| {
            let valid_to = to.map(|d| format!("2026-09-{}", 20 + d));
            let fact = known.then_some(PromoFact {
                affiliate: a,
                valid_from: None,
                valid_to,
            });
            ("CODE".to_owned(), fact)
        }),
        ip_ua_clicks: ip
            .into_iter()
            .enumerate()
            .map(|(i, (a, age))| ClickFact {
                click_id: format!("ip{i}"),
                affiliate: a,
                clicked_at_ms: REG - age,
            })
            .collect(),
        previous: previous.map(|(a, k)| {
            (
                a,
                [KeyKind::ClickId, KeyKind::Btag, KeyKind::PromoCode][k],
                "v".into(),
            )
        }),
    })
}

fn arb_version() -> impl Strategy<Value = RuleVersion> {
    (any::<[bool; 4]>(), 0usize..3, 1u32..60, any::<bool>()).prop_map(
        |(flags, mode, window, first)| {
            let mut v = RuleVersion::builtin();
            v.rules.click_id = flags[0];
            v.rules.btag = flags[1];
            v.rules.promo_code = flags[2];
            v.rules.keep_first_referrer = flags[3];
            v.rules.priority = [
                PriorityMode::ClickWins,
                PriorityMode::PromoWins,
                PriorityMode::PromoWinsExceptSubAffiliate,
            ][mode];
            v.rules.post_click_window_days = window;
            v.rules.click_selection = if first {
                ClickSelection::First
            } else {
                ClickSelection::Last
            };
            v
        },
    )
}

proptest! {
    #[test]
    fn decisions_obey_the_invariants(facts in arb_facts(), version in arb_version()) {
        let d = decide(&facts, &version);
        let e = &d.explanation;
        // Analysis-only touches never change who earns.
        let mut without = facts.clone();
        without.ip_ua_clicks.clear();
        let plain = decide(&without, &version);
        prop_assert_eq!(&plain.affiliate, &d.affiliate);
        prop_assert_eq!(&plain.key, &d.key);
        // Organic exactly when nothing matched, and the explanation agrees with the decision.
        prop_assert_eq!(d.affiliate.is_none(), d.key.is_none());
        prop_assert_eq!(e.affiliate.clone(), d.affiliate.as_ref().map(|a| a.external_id.clone()));
        let winners: Vec<_> = e.candidates.iter().filter(|c| c.outcome == CandidateOutcome::Won).collect();
        prop_assert!(winners.len() <= 1);
        match &d.affiliate {
            None => prop_assert!(winners.is_empty()),
            Some(a) if e.first_referrer_kept => {
                prop_assert!(winners.is_empty());
                prop_assert_eq!(Some(a), facts.previous.as_ref().map(|p| &p.0));
            }
            Some(a) => {
                prop_assert_eq!(winners.len(), 1);
                prop_assert_eq!(winners[0].affiliate.as_ref(), Some(&a.external_id));
                let kind = winners[0].kind;
                let on = match kind {
                    KeyKind::ClickId => version.rules.click_id,
                    KeyKind::Btag => version.rules.btag,
                    KeyKind::PromoCode => version.rules.promo_code,
                };
                prop_assert!(on, "a key turned off won: {:?}", kind);
            }
        }
        // A winning click is inside the window.
        if let (Some((KeyKind::ClickId, _)), false) = (&d.key, e.first_referrer_kept) {
            let (_, click) = facts.click.as_ref().unwrap();
            let age = REG - click.as_ref().unwrap().clicked_at_ms;
            prop_assert!((0..=i64::from(version.rules.post_click_window_days) * DAY_MS).contains(&age));
        }
    }
}
