//! Promo codes learned from tracker conversions, and the multi-touch report over stored decisions.

use affops_core::api::Period;
use affops_core::attribution::report;
use rusqlite::params;

use crate::attribution::{day, fixture, HOUR, REG};

#[test]
fn promo_codes_are_learned_from_unambiguous_tracker_conversions() {
    let fx = fixture();
    for (ext, code, aff) in [("x1", "SOLO-A3", 3), ("x2", "BOTH", 1), ("x3", "BOTH", 2)] {
        fx.sql(
            "INSERT INTO conversions (source_id, program_id, external_id, affiliate_id, status, payout_micros, currency,
                                      converted_at_ms, day, coupon_code, arrival, first_seen_at_ms, updated_at_ms)
             VALUES (1, 1, ?1, ?2, 'approved', 0, 'EUR', 0, '2026-09-01', ?3, 'api', 0, 0)",
            params![ext, aff, code],
        );
    }
    fx.player("P1", REG, None, None, Some("solo-a3"));
    fx.player("P2", REG, None, None, Some("BOTH"));
    assert_eq!(fx.run().promo_codes_learned, 1);
    assert_eq!(fx.decision("P1").0.as_deref(), Some("3"));
    assert_eq!(
        fx.decision("P2").0,
        None,
        "a code seen with two affiliates is ambiguous: not learned"
    );
}

/// Two touches (the carried click 2 h before the FTD, an IP + UA click 4 h before) with a 2 h half-life: decay
/// weights 1 and 1/2, so 30.00 splits 20.00 / 10.00; position-based 15.00 / 15.00; first and last all-or-none.
#[test]
fn multi_touch_report_splits_each_ftd_exactly() {
    let fx = fixture();
    let ftd_at = REG + HOUR;
    fx.click("ip", 2, ftd_at - 4 * HOUR, "10.0.0.1");
    fx.click("carried", 1, ftd_at - 2 * HOUR, "");
    let p = fx.player("P1", REG, Some("carried"), None, None);
    fx.ftd(p, ftd_at, 30_000_000);
    fx.player("P2", REG, None, None, None);
    fx.run();
    let d = day(ftd_at);
    let period = Period {
        from: d.clone(),
        to: d,
    };
    let r = fx
        .ws
        .store()
        .read::<_, affops_core::store::StoreError>(|c| {
            Ok(report::build(c, fx.program, &period, 2).unwrap())
        })
        .unwrap();
    assert_eq!(
        (r.conversions, r.untouched_conversions, r.total.as_str()),
        (1, 0, "30.00")
    );
    let row = |aff: &str| r.rows.iter().find(|x| x.affiliate == aff).unwrap().clone();
    let (a1, a2) = (row("1"), row("2"));
    assert_eq!(
        (
            a1.first.as_str(),
            a1.last.as_str(),
            a1.position.as_str(),
            a1.decay.as_str()
        ),
        ("0.00", "30.00", "15.00", "20.00")
    );
    assert_eq!(
        (
            a2.first.as_str(),
            a2.last.as_str(),
            a2.position.as_str(),
            a2.decay.as_str()
        ),
        ("30.00", "0.00", "15.00", "10.00")
    );
    assert_eq!(
        (
            a1.payout_attribution.as_str(),
            a2.payout_attribution.as_str()
        ),
        ("30.00", "0.00"),
        "payout follows the carried click only"
    );
    assert!(report::month_period("2026-13").is_err());
    assert_eq!(
        report::month_period("2024-02").unwrap(),
        Period {
            from: "2024-02-01".into(),
            to: "2024-02-29".into()
        }
    );
}
