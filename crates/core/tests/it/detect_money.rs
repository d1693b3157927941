//! Confirmed fraud reaches the money (DOMAIN §5): confirming a flag excludes its players from commission and the
//! reversal is posted as new ledger entries (the original entries untouched); after close it lands in the next
//! open period naming the closed one; dismissing moves nothing; dismissing a confirmed flag gives it back.
//!
//! Worked numbers (the `igaming_world` of the commission tests): affiliate 502 has P0 (FTD 15, below the 20 of
//! the CPA: no CPA; NGR 133.333333) and P3 (FTD 30: CPA 30; NGR 145.333333). October pays 502 CPA 30.00 and
//! RevShare 25 % × 278.666666 = 69.67. Excluding P3 leaves RevShare 25 % × 133.333333 = 33.33 and no CPA:
//! the reversal is −30.00 CPA and −36.34 RevShare, −66.34 in all.

use crate::commission_fixture::{affiliate_statement, close, compute_month as compute};
use crate::commission_fixture::{igaming_world, M};
use affops_core::api::{Decision, FlagDecisionInput};
use affops_core::audit::Stamp;
use affops_core::detect::queue::decide;
use affops_core::store::Store;

type Entry = (i64, i64, String, String, String, i64);

fn entries(store: &Store) -> Vec<Entry> {
    store
        .read::<_, affops_core::store::StoreError>(|c| {
            let mut s = c.prepare("SELECT id, period_id, kind, line_key, reason, amount_micros FROM ledger_entries e WHERE affiliate_id = (SELECT id FROM affiliates WHERE external_id = '502') ORDER BY id")?;
            let rows = s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .unwrap()
}

/// A flag (as a detection run stores it) naming player `player`, and an analyst to decide it.
fn flag_on(store: &Store, program_id: i64, player: &str) -> i64 {
    store
        .write::<_, affops_core::store::StoreError>(|tx| {
            tx.execute("INSERT INTO users (name, display_name, created_at_ms) VALUES ('ana', 'Ana', 0)", [])?;
            tx.execute("INSERT INTO detection_runs (program_id, since_ms, now_ms) VALUES (?1, 0, 0)", [program_id])?;
            let run = tx.last_insert_rowid();
            tx.execute(
                "INSERT INTO flags (program_id, affiliate_id, rule, pattern, subject_key, severity, score, summary, evidence_json, settings_version, run_id, created_at_ms)
                 VALUES (?1, (SELECT affiliate_id FROM players WHERE external_id = ?2), 'multi_accounting', 'multi_accounting', ?2, 'high', 90, 'ring', '{}', 1, ?3, 0)",
                rusqlite::params![program_id, player, run],
            )?;
            let flag = tx.last_insert_rowid();
            tx.execute("INSERT INTO flag_items (flag_id, kind, ref) VALUES (?1, 'player', ?2)", rusqlite::params![flag, player])?;
            tx.execute(
                "INSERT INTO flag_revisions (flag_id, revision, state, severity, score, summary, evidence_json, items_json, settings_version, run_id, at_ms)
                 SELECT id, 1, 'found', severity, score, summary, evidence_json, json_array(json_array('player', ?2)), settings_version, run_id, 0
                 FROM flags WHERE id = ?1",
                rusqlite::params![flag, player],
            )?;
            Ok(flag)
        })
        .unwrap()
}

fn decision(flag_id: i64, d: &str) -> FlagDecisionInput {
    FlagDecisionInput {
        flag_id,
        decision: if d == "confirm" {
            Decision::Confirm
        } else {
            Decision::Dismiss
        },
        comment: "shared device and card with three other players".into(),
    }
}

/// Ana (users row 1), deciding at `at`.
fn ana(at: i64) -> Stamp {
    Stamp {
        user_id: Some(1),
        actor: "ana".into(),
        ..Stamp::tool("test", "flag_decide", at)
    }
}

fn lines(store: &Store, period: &str) -> Vec<(String, String)> {
    affiliate_statement(store, None, "502", period)
        .unwrap()
        .lines
        .iter()
        .map(|l| (l.line_key.clone(), l.amount.clone()))
        .collect()
}

fn payable(store: &Store, period: &str) -> i64 {
    affiliate_statement(store, None, "502", period)
        .unwrap()
        .payable_micros
        .parse()
        .unwrap()
}

fn audit_moved(store: &Store) -> Vec<String> {
    store
        .read::<_, affops_core::store::StoreError>(|c| {
            let mut s = c.prepare(
                "SELECT detail FROM audit_log WHERE action = 'flag_decide' AND detail NOT LIKE '%\"moved\":[]%' ORDER BY id",
            )?;
            let rows = s.query_map([], |r| r.get::<_, String>(0))?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .unwrap()
}

#[test]
fn confirming_reverses_open_period_commission_with_new_entries() {
    let (_d, store, program_id) = igaming_world();
    compute(&store, None, "2026-10", 1).unwrap();
    assert_eq!(payable(&store, "2026-10"), 99_670_000);
    let before = entries(&store);
    let flag = flag_on(&store, program_id, "P3");
    decide(&store, &decision(flag, "confirm"), &ana(10)).unwrap();
    let after = entries(&store);
    assert_eq!(
        &after[..before.len()],
        &before[..],
        "the original entries are untouched"
    );
    let new: Vec<(String, String, i64)> = after[before.len()..]
        .iter()
        .map(|e| (e.2.clone(), e.3.clone(), e.5))
        .collect();
    assert_eq!(
        new,
        vec![
            ("adjustment".into(), "cpa".into(), -30 * M),
            ("adjustment".into(), "revshare".into(), -36_340_000),
        ]
    );
    assert_eq!(payable(&store, "2026-10"), 33_330_000, "30 + 69.67 − 66.34");
    let moved = audit_moved(&store);
    assert_eq!(moved.len(), 1);
    assert!(
        moved[0].contains("\"amount_micros\":-66340000") && moved[0].contains("2026-10"),
        "{moved:?}"
    );
    // The exclusion is said where the computation reports its problems.
    let again = compute(&store, None, "2026-10", 11).unwrap();
    assert_eq!(again.entries_posted, 0, "the reversal is already booked");
    assert!(
        again
            .problems
            .iter()
            .any(|p| p.kind == "excluded"
                && p.detail.contains(&format!("fraud confirmed, flag {flag}"))),
        "{:?}",
        again.problems
    );
    // The table is append-only.
    let edit = store.write::<_, affops_core::store::StoreError>(|tx| {
        Ok(tx.execute("UPDATE fraud_exclusions SET excluded = 0", [])?)
    });
    assert!(edit.is_err(), "fraud_exclusions must refuse updates");
}

#[test]
fn confirming_after_close_claws_back_in_the_next_period() {
    let (_d, store, program_id) = igaming_world();
    compute(&store, None, "2026-10", 1).unwrap();
    close(&store, None, "2026-10", "finance", 2).unwrap();
    compute(&store, None, "2026-11", 3).unwrap();
    let oct = lines(&store, "2026-10");
    let before = entries(&store);
    let flag = flag_on(&store, program_id, "P3");
    decide(&store, &decision(flag, "confirm"), &ana(10)).unwrap();
    assert_eq!(
        lines(&store, "2026-10"),
        oct,
        "the closed period's statement does not change"
    );
    let after = entries(&store);
    assert_eq!(&after[..before.len()], &before[..]);
    let new: Vec<(String, String, i64)> = after[before.len()..]
        .iter()
        .map(|e| (e.2.clone(), e.4.clone(), e.5))
        .collect();
    // The clawback: two late corrections naming October; this plan has no negative carryover, so the negative
    // November balance it leaves is waived (the plan's own rule), and the waiver is an entry too.
    assert_eq!(
        new,
        vec![
            ("adjustment".into(), "late_event".into(), -30 * M),
            ("adjustment".into(), "late_event".into(), -36_340_000),
            ("waiver".into(), "computed".into(), 66_340_000),
        ]
    );
    let nov_period: i64 = after[before.len()].1;
    assert!(after[before.len()..].iter().all(|e| e.1 == nov_period));
    let oct_period: i64 = before[0].1;
    assert_ne!(nov_period, oct_period, "booked in November");
    let origins: Vec<i64> = store
        .read::<_, affops_core::store::StoreError>(|c| {
            let mut s = c.prepare(
                "SELECT origin_period_id FROM ledger_entries WHERE reason = 'late_event'",
            )?;
            let rows = s.query_map([], |r| r.get::<_, i64>(0))?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .unwrap();
    assert!(
        origins.iter().all(|o| *o == oct_period),
        "naming October as origin"
    );
    let nov = lines(&store, "2026-11");
    assert!(
        nov.iter().any(|(k, a)| k == "cpa" && a == "-30.00"),
        "{nov:?}"
    );
    assert!(
        nov.iter().any(|(k, a)| k == "revshare" && a == "-36.34"),
        "{nov:?}"
    );
    assert_eq!(payable(&store, "2026-11"), 0, "waived under this plan");
}

#[test]
fn dismissing_moves_nothing_and_undoing_a_confirmation_gives_it_back() {
    let (_d, store, program_id) = igaming_world();
    compute(&store, None, "2026-10", 1).unwrap();
    let before = entries(&store);
    let flag = flag_on(&store, program_id, "P3");
    decide(&store, &decision(flag, "dismiss"), &ana(10)).unwrap();
    assert_eq!(entries(&store), before, "a dismissed flag moves no money");
    assert!(audit_moved(&store).is_empty());
    decide(&store, &decision(flag, "confirm"), &ana(11)).unwrap();
    assert_eq!(payable(&store, "2026-10"), 33_330_000);
    decide(&store, &decision(flag, "dismiss"), &ana(12)).unwrap();
    assert_eq!(
        payable(&store, "2026-10"),
        99_670_000,
        "lifting the exclusion restores the commission"
    );
    let moved = audit_moved(&store);
    assert_eq!(moved.len(), 2);
    assert!(moved[1].contains("\"amount_micros\":66340000"), "{moved:?}");
    let rows: i64 = store
        .read::<_, affops_core::store::StoreError>(|c| {
            Ok(c.query_row("SELECT COUNT(*) FROM fraud_exclusions", [], |r| r.get(0))?)
        })
        .unwrap();
    assert_eq!(rows, 2, "the lifting is a new row");
}

/// The commission at stake is the engine's: what affiliate 502 stops earning without P3 in the open October —
/// CPA 30.00 plus RevShare 69.67 − 33.33 = 36.34, 66.34 in all (the tracker payout plays no part). Once the flag
/// is confirmed the amount is reversed, so nothing is held any more.
#[test]
fn amount_at_stake_is_what_the_engine_pays_for_the_flagged_players() {
    use affops_core::api::FlagFilter;
    let (_d, store, program_id) = igaming_world();
    compute(&store, None, "2026-10", 1).unwrap();
    let flag = flag_on(&store, program_id, "P3");
    let rows = affops_core::detect::queue::list(&store, &FlagFilter::default()).unwrap();
    assert_eq!(
        (rows[0].amount_at_stake.as_str(), rows[0].currency.as_str()),
        ("66.34", "EUR")
    );
    // P0 alone: no CPA (FTD 15 < 20), RevShare 69.67 − 25 % × 145.333333 (36.33333325 → 36.33) = 33.34.
    let p0 = flag_on_more(&store, program_id, "P0");
    let rows = affops_core::detect::queue::list(&store, &FlagFilter::default()).unwrap();
    let of = |id: i64| {
        rows.iter()
            .find(|r| r.id == id)
            .unwrap()
            .amount_at_stake
            .clone()
    };
    assert_eq!(of(p0), "33.34");
    decide(&store, &decision(flag, "confirm"), &ana(10)).unwrap();
    let rows = affops_core::detect::queue::list(&store, &FlagFilter::default()).unwrap();
    let of = |id: i64| {
        rows.iter()
            .find(|r| r.id == id)
            .unwrap()
            .amount_at_stake
            .clone()
    };
    assert_eq!(of(flag), "0.00", "already reversed");
    assert_eq!(
        of(p0),
        "33.33",
        "P0 now holds all that is left: 25 % × 133.333333"
    );
}

/// A second flag in a store that already has the analyst and a run.
fn flag_on_more(store: &Store, program_id: i64, player: &str) -> i64 {
    store
        .write::<_, affops_core::store::StoreError>(|tx| {
            tx.execute(
                "INSERT INTO flags (program_id, affiliate_id, rule, pattern, subject_key, severity, score, summary, evidence_json, settings_version, run_id, created_at_ms)
                 VALUES (?1, (SELECT affiliate_id FROM players WHERE external_id = ?2), 'bonus_abuse', 'bonus_abuse', ?2, 'medium', 50, 'bonus', '{}', 1, 1, 0)",
                rusqlite::params![program_id, player],
            )?;
            let flag = tx.last_insert_rowid();
            tx.execute("INSERT INTO flag_items (flag_id, kind, ref) VALUES (?1, 'player', ?2)", rusqlite::params![flag, player])?;
            tx.execute(
                "INSERT INTO flag_revisions (flag_id, revision, state, severity, score, summary, evidence_json, items_json, settings_version, run_id, at_ms)
                 SELECT id, 1, 'found', severity, score, summary, evidence_json, json_array(json_array('player', ?2)), settings_version, run_id, 0
                 FROM flags WHERE id = ?1",
                rusqlite::params![flag, player],
            )?;
            Ok(flag)
        })
        .unwrap()
}

/// A flag naming a click reaches the player behind it: confirming it reverses that player's commission too.
#[test]
fn a_flag_on_a_click_excludes_the_player_behind_it() {
    let (_d, store, program_id) = igaming_world();
    store
        .write::<_, affops_core::store::StoreError>(|tx| {
            Ok(tx.execute(
                "UPDATE players SET click_id = 'CLK-3' WHERE external_id = 'P3'",
                [],
            )?)
        })
        .unwrap();
    compute(&store, None, "2026-10", 1).unwrap();
    let flag = flag_on(&store, program_id, "P3");
    store
        .write::<_, affops_core::store::StoreError>(|tx| {
            tx.execute("DELETE FROM flag_items WHERE flag_id = ?1", [flag])?;
            tx.execute(
                "INSERT INTO flag_items (flag_id, kind, ref) VALUES (?1, 'click', 'CLK-3')",
                [flag],
            )?;
            Ok(())
        })
        .unwrap();
    decide(&store, &decision(flag, "confirm"), &ana(10)).unwrap();
    assert_eq!(payable(&store, "2026-10"), 33_330_000);
}

mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
        /// What a flag holds is exactly what confirming it reverses: for any set of flagged players, the amount
        /// at stake equals the fall of the affiliates' open-period payable once the flag is confirmed.
        #[test]
        fn at_stake_is_what_confirming_reverses(flagged in proptest::collection::btree_set(0..6u8, 1..4)) {
            let (_d, store, program_id) = igaming_world();
            compute(&store, None, "2026-10", 1).unwrap();
            let total = |s: &Store| payable(s, "2026-10") + {
                affiliate_statement(s, None, "777", "2026-10").unwrap().payable_micros.parse::<i64>().unwrap()
            };
            let before = total(&store);
            let flag = flag_on(&store, program_id, &format!("P{}", flagged.iter().next().unwrap()));
            store
                .write::<_, affops_core::store::StoreError>(|tx| {
                    for p in flagged.iter().skip(1) {
                        tx.execute("INSERT INTO flag_items (flag_id, kind, ref) VALUES (?1, 'player', ?2)", rusqlite::params![flag, format!("P{p}")])?;
                    }
                    Ok(())
                })
                .unwrap();
            let row = affops_core::detect::queue::list(&store, &affops_core::api::FlagFilter::default()).unwrap();
            let at_stake = affops_core::money::parse_micros(&row[0].amount_at_stake).unwrap();
            decide(&store, &decision(flag, "confirm"), &ana(10)).unwrap();
            prop_assert_eq!(before - total(&store), at_stake, "flagged {:?}", flagged);
        }
    }
}

/// Three open months (August to October) of a world built to catch a mistake in reading or skipping them:
/// players registered in August who qualify for CPA by wagering in October (Gamma, from September) or on a later
/// first deposit, count tiers, a cap on qualified players, CPL, RevShare and a sub-affiliate share; each player's
/// months idle, with a deposit, play or both. Returns the store, the program and its players.
fn three_month_world() -> (tempfile::TempDir, Store, i64, Vec<i64>) {
    use crate::commission_fixture::{
        add_affiliate, add_deposit, add_play, add_player, default_plan, store,
    };
    let (_d, store, program_id) = store();
    default_plan(
        &store,
        r#"{"name": "Mixed", "currency": "EUR", "versions": [{"effective_from": "2026-01-01",
            "caps": {"max_qualified_players": 6},
            "components": [
              {"kind": "cpa", "amount": "0", "qualification": {"min_ftd": "20", "within_days": 60},
               "tiers": {"semantic": "retroactive", "tiers": [{"from": "1", "to": "3", "amount": "25"},
                                                              {"from": "4", "amount": "40"}]}},
              {"kind": "cpl", "amount": "2"},
              {"kind": "rev_share", "percent": "30", "ngr": "bets - wins"},
              {"kind": "sub_affiliate", "basis": "commission", "levels": ["10"]}]}]}"#,
    );
    // Gamma's players qualify by wagering: twice their deposits in bets, often months after registering.
    let wagering = crate::commission_fixture::save_plan(
        &store,
        r#"{"name": "Wagering", "currency": "EUR", "versions": [{"effective_from": "2026-01-01", "components": [
              {"kind": "cpa", "amount": "30", "qualification": {"min_ftd": "20", "wagering_multiple": "2"}},
              {"kind": "rev_share", "percent": "20", "ngr": "bets - wins"}]}]}"#,
    );
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let day = |month: u64, d: u64| format!("2026-{:02}-{:02}", 8 + month, 1 + d % 28);
    let players: Vec<i64> = store
        .write::<_, affops_core::store::StoreError>(|tx| {
            let a = add_affiliate(tx, program_id, "A", "Alpha", None);
            let b = add_affiliate(tx, program_id, "B", "Beta (under Alpha)", Some(a));
            let c = add_affiliate(tx, program_id, "C", "Gamma", None);
            let mut ids = Vec::new();
            for i in 0..45u64 {
                let aff = [a, b, c][(i % 3) as usize];
                let registered = next(3);
                let p = add_player(
                    tx,
                    program_id,
                    &format!("P{i}"),
                    &day(registered, next(28)),
                    Some(aff),
                );
                // From registration on, each month idle, a deposit, play, or both (on their own days).
                let mut first = true;
                for month in registered..3 {
                    let what = next(4);
                    if what & 1 == 1 {
                        let on = day(month, 10 + next(18));
                        add_deposit(
                            tx,
                            program_id,
                            &format!("D{i}-{month}"),
                            p,
                            &on,
                            (10 + 10 * next(4) as i64) * M,
                            first,
                        );
                        first = false;
                    }
                    if what & 2 == 2 {
                        add_play(
                            tx,
                            p,
                            &day(month, next(28)),
                            (20 + 30 * next(5) as i64) * M,
                            (5 * next(8) as i64) * M,
                        );
                    }
                }
                ids.push(p);
            }
            // And players whose only event of September is their first deposit: they qualify for CPA there.
            for i in 0..6i64 {
                let p = add_player(
                    tx,
                    program_id,
                    &format!("F{i}"),
                    "2026-08-05",
                    Some([a, b][(i % 2) as usize]),
                );
                add_play(tx, p, "2026-08-20", 40 * M, 0);
                add_deposit(
                    tx,
                    program_id,
                    &format!("FD{i}"),
                    p,
                    "2026-09-15",
                    30 * M,
                    true,
                );
                add_play(tx, p, "2026-10-02", 60 * M, 10 * M);
                ids.push(p);
            }
            Ok(ids)
        })
        .unwrap();
    crate::commission_fixture::assign_plan(&store, &wagering, Some("C"), "2026-09-01");
    for month in ["2026-08", "2026-09", "2026-10"] {
        compute(&store, None, month, 1).unwrap();
    }
    (_d, store, program_id, players)
}

/// The stake book runs the engine only for the months in which some of a flag's players registered or had a
/// deposit or activity: over [`three_month_world`] that gives exactly what running the engine for every month
/// gives, for random sets of players, many of them idle in some of the months.
#[test]
fn the_stake_book_skips_only_months_that_change_nothing() {
    use affops_core::commission::stake::StakeBook;
    use std::collections::BTreeSet;
    let (_d, store, program_id, players) = three_month_world();
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let book = store
        .read(|c| Ok::<_, affops_core::store::StoreError>(StakeBook::load(c, program_id).unwrap()))
        .unwrap();
    let mut nonzero = 0;
    for _ in 0..200 {
        let flagged: BTreeSet<i64> = (0..1 + next(4))
            .map(|_| players[next(players.len() as u64) as usize])
            .collect();
        let held = book.held(&flagged);
        assert_eq!(held, book.held_running_every_month(&flagged), "{flagged:?}");
        nonzero += usize::from(!held.is_empty());
    }
    assert!(
        nonzero > 30,
        "the sets compared hold commission ({nonzero})"
    );
}

/// Reading several months at once gives each month the input one read per month gives, in the same order: over
/// [`three_month_world`] (history read back for wagering from September only), for the whole program and for
/// each affiliate tree, with one player excluded by a confirmed flag.
#[test]
fn months_read_at_once_equal_one_read_per_month() {
    use affops_core::commission::load::{load_input_for, load_inputs_for_months, program};
    use std::collections::HashSet;
    let (_d, store, program_id, _players) = three_month_world();
    let flag = flag_on(&store, program_id, "P4");
    decide(&store, &decision(flag, "confirm"), &ana(10)).unwrap();
    store
        .read(|c| {
            let prog = program(c, None).unwrap();
            let months: Vec<(Option<i64>, String, String)> = c
                .prepare("SELECT id, start_day, end_day FROM periods WHERE program_id = ?1 ORDER BY start_day")?
                .query_map([program_id], |r| Ok((Some(r.get(0)?), r.get(1)?, r.get(2)?)))?
                .collect::<Result<_, _>>()?;
            assert_eq!(months.len(), 3);
            let ids = |sql: &str| -> HashSet<i64> {
                c.prepare(sql)
                    .unwrap()
                    .query_map([], |r| r.get(0))
                    .unwrap()
                    .collect::<Result<_, _>>()
                    .unwrap()
            };
            let scopes = [
                None,
                Some(ids("SELECT id FROM affiliates WHERE external_id IN ('A', 'B')")),
                Some(ids("SELECT id FROM affiliates WHERE external_id = 'C'")),
            ];
            for only in &scopes {
                let together = load_inputs_for_months(c, &prog, &months, only.as_ref()).unwrap();
                assert_eq!(together.len(), 3);
                for ((pid, first, last), input) in months.iter().zip(&together) {
                    let alone = load_input_for(c, &prog, *pid, first, last, only.as_ref()).unwrap();
                    assert!(!alone.players.is_empty() && !alone.activity.is_empty());
                    assert_eq!(input, &alone, "{first}, scope {only:?}");
                }
            }
            let excluded = together_problems(c, &prog, &months);
            assert!(excluded > 0, "the confirmed flag's player is detached");
            Ok::<_, affops_core::store::StoreError>(())
        })
        .unwrap();
}

fn together_problems(
    c: &rusqlite::Connection,
    prog: &affops_core::commission::load::Program,
    months: &[(Option<i64>, String, String)],
) -> usize {
    affops_core::commission::load::load_inputs_for_months(c, prog, months, None)
        .unwrap()
        .iter()
        .flat_map(|i| &i.load_problems)
        .filter(|p| p.kind == "excluded")
        .count()
}
