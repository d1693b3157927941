//! The commission engine on hand-built inputs: worked examples per plan kind and tier semantic (with their
//! published source, or DOMAIN.md §8 where the vector comes from the peer suites), determinism of the result
//! hash, and that unpayable activity is reported rather than dropped or paid.

use crate::commission_fixture::{assigned, eur, line, payable, version, World, M};
use affops_core::commission::rounding::RoundingMode;

/// DOMAIN.md §8 band vectors: band [15000, 16000] at 20 %, base 15100 → 3020.00; band [1, 100] at 10 %:
/// base 100 → 10.00 (upper bound inclusive), base 150 → 0 (no fallback). NGR = bets − wins is the base.
#[test]
fn band_tiers_domain_vectors() {
    let tiers = r#"{"kind": "rev_share", "ngr": "bets - wins", "tiers": {"semantic": "band", "tiers": [
        {"from": "1", "to": "100", "percent": "10"}, {"from": "15000", "to": "16000", "percent": "20"}]}}"#;
    for (base, expected) in [(15_100, 3_020 * M), (100, 10 * M), (150, 0)] {
        let mut w = World::new();
        w.affiliate(1, None, Some(eur(tiers)))
            .player(1, Some(1), "2026-09-01", "DE")
            .play(1, "2026-10-05", base * M, 0);
        assert_eq!(line(&w.run(), 1, "revshare"), expected, "base {base}");
    }
}

/// pureodds.io "Understanding Tiered Commission Structures" (2026): tiers 0–5,000 25 %, 5,001–20,000 30 %,
/// 20,001–50,000 35 %; NGR 25,000 → retroactive 35 % of everything = 8,750.00; incremental (marginal) =
/// 5,000×25 % + 15,000×30 % + 5,000×35 % = 7,500.00. Band reads the whole base at its band: 8,750.00 too,
/// but a base falling between two bands (5,000.50) earns nothing under band and 25 % under retroactive.
#[test]
fn marginal_retroactive_and_band_differ_as_published() {
    let table = |semantic: &str| {
        format!(
            r#"{{"kind": "rev_share", "ngr": "bets - wins", "tiers": {{"semantic": "{semantic}", "tiers": [
            {{"from": "0", "to": "5000", "percent": "25"}}, {{"from": "{b}", "to": "20000", "percent": "30"}},
            {{"from": "{c}", "to": "50000", "percent": "35"}}]}}}}"#,
            b = if semantic == "band" { "5001" } else { "5000" },
            c = if semantic == "band" { "20001" } else { "20000" }
        )
    };
    let run = |semantic: &str, ngr_micros: i64| {
        let mut w = World::new();
        w.affiliate(1, None, Some(eur(&table(semantic))))
            .player(1, Some(1), "2026-09-01", "DE")
            .play(1, "2026-10-05", ngr_micros, 0);
        line(&w.run(), 1, "revshare")
    };
    assert_eq!(run("retroactive", 25_000 * M), 8_750 * M);
    assert_eq!(run("marginal", 25_000 * M), 7_500 * M);
    assert_eq!(run("band", 25_000 * M), 8_750 * M);
    assert_eq!(
        run("band", 5_000_500_000),
        0,
        "between bands: no band, no fallback"
    );
    assert_eq!(
        run("retroactive", 5_000_500_000),
        1_500_150_000,
        "5,000.50 reached tier 2: 30 % of all = 1,500.15"
    );
}

/// Multi-condition tiers (DOMAIN.md §4: "a tier needs e.g. both NGR and active-player thresholds"; constructed
/// from DOMAIN.md, no published numbers found): 30 % needs NGR ≥ 10,000 AND ≥ 5 active players, else 20 %.
#[test]
fn multi_condition_tier_needs_every_condition() {
    let plan = r#"{"kind": "rev_share", "ngr": "bets - wins", "tiers": {"semantic": "multi_condition", "tiers": [
        {"from": "0", "to": "10000", "percent": "20"}, {"from": "10000", "percent": "30", "min_active_players": 5}]}}"#;
    for (players, expected) in [(4, 2_400 * M), (5, 3_600 * M)] {
        let mut w = World::new();
        w.affiliate(1, None, Some(eur(plan)));
        for p in 0..players {
            w.player(p, Some(1), "2026-09-01", "DE")
                .play(p, "2026-10-02", 12_000 * M / players, 0);
        }
        assert_eq!(
            line(&w.run(), 1, "revshare"),
            expected,
            "{players} active players, NGR 12,000"
        );
    }
}

/// Track360 "How Negative Carryover Works in iGaming Affiliate Programs": 30 % RevShare, NGR −10,000 in March,
/// +15,000 in April: with carryover the affiliate earns 30 % of the remaining 5,000 = 1,500; without, 30 % of
/// 15,000 = 4,500 and March is dropped. Affops carries the commission balance (−3,000), which is the same money.
#[test]
fn negative_carryover_as_published() {
    for (nco, april_payable) in [(true, 1_500 * M), (false, 4_500 * M)] {
        let plan = assigned(
            version(
                &format!(r#""negative_carryover": {nco},"#),
                r#"{"kind": "rev_share", "percent": "30", "ngr": "bets - wins"}"#,
            ),
            "EUR",
            RoundingMode::HalfUp,
        );
        let mut march = World::new();
        march.input.first_day = "2026-03-01".into();
        march.input.last_day = "2026-03-31".into();
        march
            .affiliate(1, None, Some(plan.clone()))
            .player(1, Some(1), "2026-02-01", "DE")
            .play(1, "2026-03-10", 0, 10_000 * M);
        let m = march.run();
        assert_eq!(line(&m, 1, "revshare"), -3_000 * M);
        assert_eq!(
            payable(&m, 1),
            0,
            "a negative month pays nothing either way"
        );
        assert_eq!(
            line(&m, 1, if nco { "carry_out" } else { "waiver" }),
            3_000 * M
        );
        let mut april = World::new();
        april.input.first_day = "2026-04-01".into();
        april.input.last_day = "2026-04-30".into();
        april
            .affiliate(1, None, Some(plan))
            .player(1, Some(1), "2026-02-01", "DE")
            .play(1, "2026-04-10", 15_000 * M, 0);
        if nco {
            april.input.carry_in.insert(1, -line(&m, 1, "carry_out"));
        }
        assert_eq!(
            payable(&april.run(), 1),
            april_payable,
            "negative carryover {nco}"
        );
    }
}

/// DOMAIN.md §1/§4: a first deposit counts only on its own date, so a 10 EUR FTD followed by 50 EUR the next day
/// does not meet a 20 EUR minimum FTD; the checklist says which criterion failed.
#[test]
fn first_deposit_counts_only_on_its_own_date() {
    let plan = r#"{"kind": "cpa", "amount": "25", "qualification": {"min_ftd": "20"}}"#;
    let mut w = World::new();
    w.affiliate(1, None, Some(eur(plan)))
        .player(1, Some(1), "2026-10-01", "DE")
        .deposit(1, 1, "2026-10-02", 10 * M, true)
        .deposit(2, 1, "2026-10-03", 50 * M, false)
        .player(2, Some(1), "2026-10-01", "DE")
        .deposit(3, 2, "2026-10-04", 25 * M, true);
    let out = w.run();
    assert_eq!(line(&out, 1, "cpa"), 25 * M, "only player 2 qualifies");
    let cpa = out.lines.iter().find(|l| l.line_key == "cpa").unwrap();
    assert_eq!(cpa.basis.len(), 1);
    assert_eq!(cpa.basis[0].subject, "p2");
    assert!(
        cpa.basis[0]
            .events
            .iter()
            .any(|e| e.kind == "deposit" && e.id == 3),
        "drill-down names the FTD"
    );
}

/// CPA with per-geo amounts and a cap of 2 qualified players (DOMAIN.md §4 caps; constructed): three players
/// qualify (DE, FR, DE in that order); the first two earn 80 + 50, the third is listed as over the cap.
#[test]
fn cpa_geo_amounts_and_player_cap() {
    let plan = assigned(
        version(
            r#""caps": {"max_qualified_players": 2},"#,
            r#"{"kind": "cpa", "amount": "50", "geo_amounts": {"DE": "80"}}"#,
        ),
        "EUR",
        RoundingMode::HalfUp,
    );
    let mut w = World::new();
    w.affiliate(1, None, Some(plan));
    for (p, c) in [(1, "DE"), (2, "FR"), (3, "DE")] {
        w.player(p, Some(1), "2026-10-01", c).deposit(
            p,
            p,
            &format!("2026-10-0{}", p + 2),
            30 * M,
            true,
        );
    }
    let out = w.run();
    assert_eq!(line(&out, 1, "cpa"), 130 * M);
    let cpa = out.lines.iter().find(|l| l.line_key == "cpa").unwrap();
    assert!(cpa
        .basis
        .iter()
        .any(|b| b.subject == "p3" && b.note.contains("over the cap")));
}

/// Everflow helpdesk "Tiered Partner Commissions": a standard rate on the first 100 conversions, a higher one
/// after the milestone. As CPA amount tiers over qualified players: 10 EUR for players 1–100, 20 EUR from 101:
/// 102 players → marginal 100×10 + 2×20 = 1,040; retroactive re-rates all 102 at 20 = 2,040.
#[test]
fn cpa_count_tiers_marginal_vs_retroactive() {
    for (semantic, expected) in [("marginal", 1_040 * M), ("retroactive", 2_040 * M)] {
        let plan = format!(
            r#"{{"kind": "cpa", "amount": "0", "tiers": {{"semantic": "{semantic}", "tiers": [
            {{"from": "1", "to": "100", "amount": "10"}}, {{"from": "101", "amount": "20"}}]}}}}"#
        );
        let mut w = World::new();
        w.affiliate(1, None, Some(eur(&plan)));
        for p in 0..102 {
            w.player(p, Some(1), "2026-10-01", "DE")
                .deposit(p, p, "2026-10-02", 10 * M, true);
        }
        assert_eq!(line(&w.run(), 1, "cpa"), expected, "{semantic}");
    }
}

/// CPL: 2 EUR per registration in the period (3 in October, 1 in September does not count), 5 EUR for SE.
#[test]
fn cpl_pays_registrations_of_the_period() {
    let mut w = World::new();
    w.affiliate(
        1,
        None,
        Some(eur(
            r#"{"kind": "cpl", "amount": "2", "geo_amounts": {"SE": "5"}}"#,
        )),
    )
    .player(1, Some(1), "2026-10-01", "DE")
    .player(2, Some(1), "2026-10-31", "SE")
    .player(3, Some(1), "2026-10-15", "DE")
    .player(4, Some(1), "2026-09-30", "DE");
    assert_eq!(line(&w.run(), 1, "cpl"), 9 * M);
}

/// Hybrid = CPA + RevShare (DOMAIN.md §4): 100 per qualified player + 20 % of NGR 1,000 = 300.
#[test]
fn hybrid_pays_both_components() {
    let mut w = World::new();
    w.affiliate(1, None, Some(eur(r#"{"kind": "cpa", "amount": "100"}, {"kind": "rev_share", "percent": "20", "ngr": "bets - wins"}"#)))
        .player(1, Some(1), "2026-10-01", "DE").deposit(1, 1, "2026-10-01", 20 * M, true).play(1, "2026-10-02", 1_500 * M, 500 * M);
    let out = w.run();
    assert_eq!(
        (
            line(&out, 1, "cpa"),
            line(&out, 1, "revshare"),
            payable(&out, 1)
        ),
        (100 * M, 200 * M, 300 * M)
    );
}

/// Sub-affiliate to two levels, of the children's commission (10 % of 250 + 5 % of 500 = 50) or of their base
/// (2 % of the child's NGR 1,000 = 20; one level). Constructed from DOMAIN.md §4 (iDevAffiliate's tier
/// commission, "Bob earns when Jane earns", is the commission variant).
#[test]
fn sub_affiliate_of_commission_or_base() {
    for (sub, expected) in [
        (
            r#"{"kind": "sub_affiliate", "basis": "commission", "levels": ["10", "5"]}"#,
            50 * M,
        ),
        (
            r#"{"kind": "sub_affiliate", "basis": "base", "levels": ["2"]}"#,
            20 * M,
        ),
    ] {
        let rs = r#"{"kind": "rev_share", "percent": "25", "ngr": "bets - wins"}"#;
        let mut w = World::new();
        w.affiliate(1, None, Some(eur(sub)))
            .affiliate(2, Some(1), Some(eur(rs)))
            .affiliate(3, Some(2), Some(eur(rs)))
            .player(1, Some(2), "2026-09-01", "DE")
            .play(1, "2026-10-03", 1_000 * M, 0)
            .player(2, Some(3), "2026-09-01", "DE")
            .play(2, "2026-10-03", 2_000 * M, 0);
        let out = w.run();
        assert_eq!(line(&out, 2, "revshare"), 250 * M);
        assert_eq!(line(&out, 1, "sub_affiliate"), expected, "{sub}");
    }
}

/// M3: the rounding mode is pinned per plan. 50 % of NGR 0.01 = 0.005: half_up 0.01, half_even 0.00, down 0.00;
/// a JPY plan rounds to whole yen (NGR 10 EUR at 160 JPY/EUR × 7.7 % = 123.2 → 123).
#[test]
fn rounding_mode_is_the_plans() {
    for (mode, expected) in [
        (RoundingMode::HalfUp, 10_000),
        (RoundingMode::HalfEven, 0),
        (RoundingMode::Down, 0),
    ] {
        let mut w = World::new();
        w.affiliate(
            1,
            None,
            Some(assigned(
                version(
                    "",
                    r#"{"kind": "rev_share", "percent": "50", "ngr": "bets - wins"}"#,
                ),
                "EUR",
                mode,
            )),
        )
        .player(1, Some(1), "2026-09-01", "DE")
        .play(1, "2026-10-03", 10_000, 0);
        assert_eq!(line(&w.run(), 1, "revshare"), expected, "{mode:?}");
    }
    let mut w = World::new();
    w.affiliate(
        1,
        None,
        Some(assigned(
            version(
                "",
                r#"{"kind": "rev_share", "percent": "7.7", "ngr": "bets - wins"}"#,
            ),
            "JPY",
            RoundingMode::HalfUp,
        )),
    )
    .player(1, Some(1), "2026-09-01", "DE")
    .play(1, "2026-10-03", 10 * M, 0);
    w.input.fx.push(affops_core::commission::engine::FxIn {
        from: "EUR".into(),
        to: "JPY".into(),
        rate: "160".parse().unwrap(),
    });
    let out = w.run();
    assert_eq!(line(&out, 1, "revshare"), 123 * M);
    assert_eq!(
        out.lines
            .iter()
            .find(|l| l.line_key == "revshare")
            .unwrap()
            .exact,
        "123.2"
    );
}
