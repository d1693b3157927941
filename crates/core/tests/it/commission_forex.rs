//! Forex IB rebates and the engine's honesty: lots from volume per symbol, per-lot rebates, capped spread
//! shares, commission shares per instrument class, multi-level overrides; unpayable activity reported; the
//! result hash independent of input order.

use crate::commission_fixture::{assigned, eur, line, version, World, M};
use affops_core::commission::engine::{AssignedPlan, FxIn};
use affops_core::commission::rounding::RoundingMode;

fn usd(components: &str) -> AssignedPlan {
    assigned(version("", components), "USD", RoundingMode::HalfUp)
}

/// DOMAIN.md §8: EUR/USD volume 100 with contract size 10,000 → 0.01 lots; per-account daily lots are summed
/// over symbols (0.01 + 0.5 GBPUSD lots = 0.51). At 6 USD per lot (mionto.net "Forex rebate per lot":
/// 0.10 lot = $0.60, 0.50 lot = $3.00, 5.00 lots = $30.00) 0.51 lots earn 3.06.
#[test]
fn lots_from_volume_and_per_lot_rebates() {
    let plan =
        usd(r#"{"kind": "ib_rebate", "per_lot": [{"group": "forex", "amount_per_lot": "6"}]}"#);
    let mut w = World::new();
    w.symbol("EURUSD", 10_000, "forex")
        .symbol("GBPUSD", 100_000, "forex")
        .affiliate(1, None, Some(plan.clone()))
        .player(1, Some(1), "2026-09-01", "DE")
        .trade(1, "2026-10-05", "EURUSD", 100 * M, 1, 0)
        .trade(1, "2026-10-05", "GBPUSD", 50_000 * M, 1, 0);
    let out = w.run();
    assert_eq!(line(&out, 1, "ib_rebate"), 3_060_000);
    assert!(
        out.lines[0].basis[0].note.starts_with("0.51 lots"),
        "{}",
        out.lines[0].basis[0].note
    );
    for (volume_units, expected) in [(10_000, 600_000), (50_000, 3 * M), (500_000, 30 * M)] {
        let mut w = World::new();
        w.symbol("EURUSD", 100_000, "forex")
            .affiliate(1, None, Some(plan.clone()))
            .player(1, Some(1), "2026-09-01", "DE")
            .trade(1, "2026-10-05", "EURUSD", volume_units * M, 1, 0);
        assert_eq!(line(&w.run(), 1, "ib_rebate"), expected);
    }
}

/// FBS IB help "How is the IB commission calculated": 30 % of the spread, 5 lots of GBPUSD with a spread of
/// 13.6 → 5 × 13.6 × 30 % = 20.40. With a cap of 3 per lot (DOMAIN.md §4 "spread cap") → 15.00.
#[test]
fn spread_share_as_published_and_capped() {
    for (cap, expected) in [("", 20_400_000), (r#", "cap_per_lot": "3""#, 15 * M)] {
        let plan = usd(&format!(
            r#"{{"kind": "ib_rebate", "spread_share": {{"percent": "30", "spreads": [{{"symbol": "GBPUSD", "spread_per_lot": "13.6"}}]{cap}}}}}"#
        ));
        let mut w = World::new();
        w.symbol("GBPUSD", 100_000, "forex")
            .affiliate(1, None, Some(plan))
            .player(1, Some(1), "2026-09-01", "DE")
            .trade(1, "2026-10-07", "GBPUSD", 500_000 * M, 3, 0);
        assert_eq!(line(&w.run(), 1, "ib_rebate"), expected);
    }
}

/// DOMAIN.md §8 per-instrument-class share: 40 % on synthetic indices, 30 % on forex; trade commissions 400
/// synthetic + 400 forex → 160 + 120 = 280.00. A client with no affiliate produces no row (and no problem:
/// organic activity is expected, not an error).
#[test]
fn commission_share_per_instrument_class() {
    let plan = usd(
        r#"{"kind": "ib_rebate", "commission_share": [{"group": "synthetic", "percent": "40"}, {"group": "forex", "percent": "30"}]}"#,
    );
    let mut w = World::new();
    w.symbol("Volatility 75", 1, "synthetic")
        .symbol("EURUSD", 100_000, "forex")
        .affiliate(1, None, Some(plan))
        .player(1, Some(1), "2026-09-01", "DE")
        .trade(1, "2026-10-05", "Volatility 75", M, 1, -400 * M)
        .trade(1, "2026-10-05", "EURUSD", M, 1, -400 * M)
        .player(2, None, "2026-09-01", "DE")
        .trade(2, "2026-10-05", "EURUSD", M, 1, -400 * M);
    let out = w.run();
    assert_eq!(line(&out, 1, "ib_rebate"), 280 * M);
    assert!(
        out.lines.iter().all(|l| l.affiliate_id == 1),
        "the organic client earns nobody anything"
    );
    assert!(out.problems.is_empty(), "{:?}", out.problems);
}

/// Multi-level IB overrides (DOMAIN.md §4, constructed): IB 1 earns 1 per lot on its sub-IB's clients (level 1,
/// 10 lots) and 0.5 per lot two levels down (4 lots) = 12; the sub-IB earns its own 5 per lot = 50.
#[test]
fn ib_overrides_per_level() {
    let top = usd(
        r#"{"kind": "ib_rebate", "per_lot": [{"symbol": "EURUSD", "amount_per_lot": "5"}], "overrides": [{"level": 1, "amount_per_lot": "1"}, {"level": 2, "amount_per_lot": "0.5"}]}"#,
    );
    let own =
        usd(r#"{"kind": "ib_rebate", "per_lot": [{"symbol": "EURUSD", "amount_per_lot": "5"}]}"#);
    let mut w = World::new();
    w.symbol("EURUSD", 100_000, "forex")
        .affiliate(1, None, Some(top))
        .affiliate(2, Some(1), Some(own.clone()))
        .affiliate(3, Some(2), Some(own))
        .player(1, Some(2), "2026-09-01", "DE")
        .trade(1, "2026-10-05", "EURUSD", 1_000_000 * M, 10, 0)
        .player(2, Some(3), "2026-09-01", "DE")
        .trade(2, "2026-10-06", "EURUSD", 400_000 * M, 4, 0);
    let out = w.run();
    assert_eq!(line(&out, 1, "ib_override"), 12 * M);
    assert_eq!(line(&out, 2, "ib_rebate"), 50 * M);
    assert_eq!(line(&out, 1, "ib_rebate"), 0, "no clients of its own");
}

/// Activity that cannot be paid correctly is reported and not paid: a symbol without a contract size, a currency
/// without an FX rate, an affiliate without a plan, a player attributed to an affiliate the program lacks.
#[test]
fn unpayable_activity_is_reported_not_dropped() {
    let mut w = World::new();
    w.symbol("EURUSD", 100_000, "forex")
        .affiliate(
            1,
            None,
            Some(usd(
                r#"{"kind": "ib_rebate", "per_lot": [{"group": "forex", "amount_per_lot": "5"}]}"#,
            )),
        )
        .affiliate(2, None, None)
        .affiliate(
            3,
            None,
            Some(eur(r#"{"kind": "rev_share", "percent": "25"}"#)),
        )
        .player(1, Some(1), "2026-09-01", "DE")
        .trade(1, "2026-10-05", "XAUUSD", 100 * M, 1, 0)
        .player(2, Some(2), "2026-09-01", "DE")
        .play(2, "2026-10-05", 100 * M, 0)
        .player(3, Some(3), "2026-09-01", "GB")
        .player(4, Some(99), "2026-09-01", "DE")
        .play(4, "2026-10-05", 100 * M, 0);
    w.input
        .activity
        .push(affops_core::commission::engine::ActivityIn {
            player_id: 3,
            day: "2026-10-06".into(),
            currency: "GBP".into(),
            activity: affops_core::commission::plan::formula::Activity {
                bets: 100 * M,
                ..Default::default()
            },
        });
    let out = w.run();
    let kinds: Vec<(&str, &str)> = out
        .problems
        .iter()
        .map(|p| (p.kind.as_str(), p.subject.as_str()))
        .collect();
    assert!(kinds.contains(&("unknown_symbol", "XAUUSD")), "{kinds:?}");
    assert!(kinds.contains(&("no_plan", "aff2")), "{kinds:?}");
    assert!(kinds.contains(&("unknown_currency", "GBP")), "{kinds:?}");
    assert!(
        kinds.contains(&("unknown_affiliate", "affiliate #99")),
        "{kinds:?}"
    );
    assert_eq!(line(&out, 1, "ib_rebate"), 0);
    assert_eq!(line(&out, 3, "revshare"), 0);
    w.input.fx.push(FxIn {
        from: "GBP".into(),
        to: "EUR".into(),
        rate: "1.15".parse().unwrap(),
    });
    assert_eq!(
        line(&w.run(), 3, "revshare"),
        28_750_000,
        "with a rate, 25 % of 115 EUR"
    );
}

/// M4: the result depends on the inputs only, not on their order (the loader's row order is not guaranteed).
#[test]
fn hash_ignores_input_order() {
    let mut w = World::new();
    w.symbol("EURUSD", 100_000, "forex").affiliate(
        1,
        None,
        Some(eur(
            r#"{"kind": "cpa", "amount": "30"}, {"kind": "rev_share", "percent": "25"}"#,
        )),
    );
    for p in 0..40 {
        w.player(p, Some(1), "2026-10-01", "DE")
            .deposit(p, p, "2026-10-02", (p + 5) * M, true)
            .play(p, "2026-10-03", (p * 37 % 11) * M, (p % 3) * M);
    }
    let a = w.run();
    let b = w.run();
    assert_eq!(a, b);
    w.input.players.reverse();
    w.input.deposits.reverse();
    w.input.activity.reverse();
    let c = w.run();
    assert_eq!(a.hash, c.hash);
    assert_eq!(a.hash.len(), 64);
}
