//! Engine invariants under random inputs: caps are never exceeded, carryovers conserve money across periods
//! (what was paid plus what is still carried equals what was earned plus what was waived), payables are never
//! negative and never below the minimum payout.

use crate::commission_fixture::{assigned, line, payable, version, World, M};
use affops_core::commission::rounding::RoundingMode;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Caps: the commission lines of a period never sum above `max_amount`, and no more than
    /// `max_qualified_players` players are paid CPA.
    #[test]
    fn caps_are_never_exceeded(ngr in prop::collection::vec(-1_000i64..5_000, 1..20), ftds in prop::collection::vec(0i64..60, 1..20), cap in 0i64..3_000, max_players in 0u32..8) {
        let plan = assigned(version(&format!(r#""caps": {{"max_amount": "{cap}", "max_qualified_players": {max_players}}},"#),
            r#"{"kind": "cpa", "amount": "50", "qualification": {"min_ftd": "20"}}, {"kind": "rev_share", "percent": "30", "ngr": "bets - wins"}"#), "EUR", RoundingMode::HalfUp);
        let mut w = World::new();
        w.affiliate(1, None, Some(plan));
        for (i, n) in ngr.iter().enumerate() {
            let p = i as i64;
            w.player(p, Some(1), "2026-10-01", "DE").play(p, "2026-10-09", n.max(&0) * M + 123_457, (-n).max(0) * M);
            if let Some(f) = ftds.get(i) {
                w.deposit(p, p, "2026-10-02", f * M, true);
            }
        }
        let out = w.run();
        let commission: i64 = ["cpa", "revshare", "cap"].iter().map(|k| line(&out, 1, k)).sum();
        prop_assert!(commission <= cap * M, "commission {commission} above cap {cap}");
        prop_assert!(line(&out, 1, "cpa") <= i64::from(max_players) * 50 * M);
        let paid = out.lines.iter().find(|l| l.line_key == "cpa").map_or(0, |l| l.basis.iter().filter(|b| !b.note.contains("over the cap")).count());
        prop_assert!(paid <= max_players as usize);
    }

    /// Carryover conserves money over a run of periods: Σ payable − balance still carried = Σ commission
    /// + Σ waived; each payable is ≥ 0 and, when positive, ≥ the minimum payout.
    #[test]
    fn carryover_conserves_money(ngr in prop::collection::vec(-3_000i64..3_000, 2..8), nco in any::<bool>(), min_payout in 0i64..500) {
        let plan = assigned(version(&format!(r#""negative_carryover": {nco}, "min_payout": "{min_payout}","#), r#"{"kind": "rev_share", "percent": "33", "ngr": "bets - wins"}"#), "EUR", RoundingMode::HalfUp);
        let (mut paid, mut earned, mut waived, mut carried_out) = (0i64, 0i64, 0i64, 0i64);
        for (k, n) in ngr.iter().enumerate() {
            let month = format!("2026-{:02}", k + 1);
            let mut w = World::new();
            w.input.first_day = format!("{month}-01");
            w.input.last_day = format!("{month}-28");
            w.affiliate(1, None, Some(plan.clone())).player(1, Some(1), "2025-12-01", "DE").play(1, &format!("{month}-10"), n.max(&0) * M + 7_777, (-n).max(0) * M);
            if carried_out != 0 {
                w.input.carry_in.insert(1, -carried_out);
            }
            let out = w.run();
            let p = payable(&out, 1);
            prop_assert!(p >= 0, "payable {p} negative in {month}");
            prop_assert!(p == 0 || p >= min_payout * M, "payable {p} below the minimum {min_payout}");
            paid += p;
            earned += line(&out, 1, "revshare");
            waived += line(&out, 1, "waiver");
            carried_out = line(&out, 1, "carry_out");
            if !nco {
                prop_assert!(carried_out <= 0, "without NCO only a positive balance below the minimum is carried (a carry_out line takes it off)");
            }
        }
        prop_assert_eq!(paid - carried_out, earned + waived);
    }
}
