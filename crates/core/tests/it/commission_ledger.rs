//! RELIABILITY M1 and M5 on the real ledger tables. A long random sequence of ledger operations (post, approve,
//! void, claw back, and attempts to UPDATE or DELETE posted entries) runs against the store and a model: after
//! every chunk, the balances SQL sums, the balances and statuses a replay of the entries rebuilds, and the
//! model's agree; every UPDATE/DELETE is refused by a trigger; corrections are new entries.
//! The normal run does ~2·10^4 operations; `AFFOPS_M1_OPS=1000000` runs 10^6 more in one seeded sequence.
//! M5: one approval per approver and run; the preparer cannot approve (four-eyes).

use crate::commission_fixture::{add_affiliate, store};
use affops_core::commission::CommissionError;
use affops_core::ledger::{
    approve, balances, clawback, entries_of, post, replay::replay, void, EntryKind, EntryStatus,
    NewEntry,
};
use affops_core::store::Store;
use proptest::prelude::*;
use std::collections::BTreeMap;

const AFFILIATES: i64 = 3;
const CHUNK: usize = 500;

struct Model {
    balances: BTreeMap<i64, i64>,
    /// Money entries: id → (affiliate, amount, status).
    entries: Vec<(i64, i64, i64, EntryStatus)>,
}

fn next(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn setup() -> (tempfile::TempDir, Store, Vec<i64>, i64, i64) {
    let (d, store, program_id) = store();
    let (affs, oct, nov) = store
        .write::<_, affops_core::store::StoreError>(|tx| {
            let affs: Vec<i64> = (0..AFFILIATES).map(|i| add_affiliate(tx, program_id, &format!("A{i}"), "A", None)).collect();
            tx.execute("INSERT INTO periods (program_id, start_day, end_day) VALUES (?1, '2026-10-01', '2026-10-31'), (?1, '2026-11-01', '2026-11-30')", [program_id])?;
            Ok((affs, 1, 2))
        })
        .unwrap();
    (d, store, affs, oct, nov)
}

fn new_entry(aff: i64, period: i64, kind: EntryKind, amount: i64) -> NewEntry {
    NewEntry {
        program_id: 1,
        period_id: period,
        origin_period_id: period,
        affiliate_id: aff,
        kind,
        status: EntryStatus::Pending,
        line_key: "test".into(),
        amount_micros: amount,
        currency: "EUR".into(),
        plan_version_id: None,
        rule: String::new(),
        reason: "computed".into(),
        corrects_entry_id: None,
        basis: "{}".into(),
        approvable_from_day: "2026-11-10".into(),
        created_by: "test".into(),
    }
}

fn check(store: &Store, model: &Model, affs: &[i64]) {
    let sql: BTreeMap<i64, i64> = store
        .read::<_, affops_core::store::StoreError>(|c| Ok(balances(c, 1).unwrap()))
        .unwrap()
        .into_iter()
        .map(|(a, _, b)| (a, b))
        .collect();
    let want: BTreeMap<i64, i64> = model
        .balances
        .iter()
        .filter(|(_, b)| **b != 0)
        .map(|(a, b)| (*a, *b))
        .collect();
    assert_eq!(
        sql.into_iter()
            .filter(|(_, b)| *b != 0)
            .collect::<BTreeMap<_, _>>(),
        want,
        "SQL sums = model"
    );
    let mut all = Vec::new();
    for a in affs {
        all.extend(
            store
                .read::<_, affops_core::store::StoreError>(|c| Ok(entries_of(c, *a).unwrap()))
                .unwrap(),
        );
    }
    all.sort_by_key(|e| e.id);
    let r = replay(&all);
    let replayed: BTreeMap<i64, i64> = r.balances.iter().map(|((a, _), b)| (*a, *b)).collect();
    assert_eq!(replayed, want, "replay = model");
    for (id, _, _, status) in &model.entries {
        assert_eq!(r.status.get(id), Some(status), "status of entry {id}");
    }
}

/// Runs `n` random operations from `seed`, checking every `check_every` chunks.
fn run_ops(seed: u64, n: usize, check_every: usize) {
    let (_d, store, affs, oct, nov) = setup();
    let mut model = Model {
        balances: BTreeMap::new(),
        entries: Vec::new(),
    };
    let mut rng = seed;
    let mut done = 0;
    let mut chunk_no = 0;
    while done < n {
        let todo = CHUNK.min(n - done);
        store
            .write::<_, affops_core::store::StoreError>(|tx| {
                for _ in 0..todo {
                    let r = next(&mut rng);
                    let pick = |m: &Model, r: u64| m.entries.get((r >> 8) as usize % m.entries.len().max(1)).cloned();
                    match r % 8 {
                        0..=2 => {
                            let aff = affs[(r >> 16) as usize % affs.len()];
                            let amount = ((r >> 24) % 2_000_000_000) as i64 - 500_000_000;
                            let kind = [EntryKind::Commission, EntryKind::Adjustment, EntryKind::Carryover][(r >> 4) as usize % 3];
                            let id = post(tx, &new_entry(aff, if r & 1 == 0 { oct } else { nov }, kind, amount), 0).unwrap();
                            *model.balances.entry(aff).or_default() += amount;
                            model.entries.push((id, aff, amount, EntryStatus::Pending));
                        }
                        3 => if let Some((id, _, _, status)) = pick(&model, r) {
                            let res = approve(tx, id, "2099-01-01", "finance", 0);
                            if status == EntryStatus::Pending {
                                res.unwrap();
                                model.entries.iter_mut().find(|e| e.0 == id).unwrap().3 = EntryStatus::Approved;
                            } else {
                                assert!(matches!(res, Err(CommissionError::Refused(_))), "second transition of {id} refused");
                            }
                        },
                        4 => if let Some((id, aff, amount, status)) = pick(&model, r) {
                            let res = void(tx, id, nov, "manual", "finance", 0);
                            if status == EntryStatus::Pending {
                                let rid = res.unwrap();
                                model.entries.iter_mut().find(|e| e.0 == id).unwrap().3 = EntryStatus::Void;
                                *model.balances.entry(aff).or_default() -= amount;
                                model.entries.push((rid, aff, -amount, EntryStatus::Void));
                            } else {
                                assert!(res.is_err());
                            }
                        },
                        5 => if let Some((id, aff, amount, status)) = pick(&model, r) {
                            let part = 1 + ((r >> 20) as i64 % amount.max(1));
                            let res = clawback(tx, id, nov, part, "refund", "finance", 0);
                            if status == EntryStatus::Void {
                                assert!(matches!(res, Err(CommissionError::Refused(_))), "a voided entry is not clawed back");
                            } else if amount > 0 {
                                let cid = res.unwrap();
                                *model.balances.entry(aff).or_default() -= part;
                                model.entries.push((cid, aff, -part, EntryStatus::Pending));
                            } else {
                                assert!(matches!(res, Err(CommissionError::BadInput(_))));
                            }
                        },
                        6 => if let Some((id, ..)) = pick(&model, r) {
                            assert!(tx.execute("UPDATE ledger_entries SET amount_micros = amount_micros + 1 WHERE id = ?1", [id]).is_err(), "UPDATE refused");
                            assert!(tx.execute("UPDATE ledger_entries SET status = 'approved' WHERE id = ?1", [id]).is_err(), "UPDATE refused");
                        },
                        _ => if let Some((id, ..)) = pick(&model, r) {
                            assert!(tx.execute("DELETE FROM ledger_entries WHERE id = ?1", [id]).is_err(), "DELETE refused");
                        },
                    }
                }
                Ok(())
            })
            .unwrap();
        done += todo;
        chunk_no += 1;
        if chunk_no % check_every == 0 || done == n {
            check(&store, &model, &affs);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]
    /// M1, ~2·10^4 operations over 12 random sequences.
    #[test]
    fn ledger_balances_equal_replay(seed in any::<u64>(), n in 1_000usize..2_500) {
        run_ops(seed, n, 1);
    }
}

/// M1 at full size on demand: `AFFOPS_M1_OPS=1000000 cargo test -p affops-core --test it ledger_million`.
#[test]
fn ledger_million_operations_on_demand() {
    let Some(n) = std::env::var("AFFOPS_M1_OPS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    else {
        return;
    };
    run_ops(0xA11_0F5, n, 100);
}

/// M5 and four-eyes, enforced by the schema: the preparer cannot approve a run; a signature over other content
/// cannot be recorded; of two approvals of one run by the same person (two copies of the workspace), exactly one
/// takes effect. The payout tests drive the same through the front door.
#[test]
fn payout_approvals_are_four_eyes_and_unique() {
    let (_d, store, _affs, oct, _) = setup();
    let hash = "a".repeat(64);
    store
        .write::<_, affops_core::store::StoreError>(|tx| {
            for (i, n) in ["prep", "fin1", "fin2"].iter().enumerate() {
                tx.execute("INSERT INTO users (id, name, display_name, created_at_ms) VALUES (?1, ?2, ?2, 0)", rusqlite::params![i as i64 + 1, n])?;
            }
            tx.execute("INSERT INTO payout_runs (id, program_id, period_id, status, content_json, content_hash, approvals_required, execution_date, prepared_by, prepared_at_ms) VALUES (1, (SELECT program_id FROM periods WHERE id = ?1), ?1, 'awaiting_approval', '{}', ?2, 2, '2025-11-05', 1, 0)", rusqlite::params![oct, hash])?;
            Ok(())
        })
        .unwrap();
    let approve_as = |user: i64, h: &str| {
        store.write::<_, affops_core::store::StoreError>(|tx| Ok(tx.execute("INSERT INTO payout_run_approvals (run_id, approver_id, public_key, signature, content_hash, signed_at_ms, recorded_at_ms, via) VALUES (1, ?1, ?2, ?3, ?4, 0, 0, 'file')", rusqlite::params![user, "k".repeat(64), "s".repeat(128), h])?))
    };
    let e = approve_as(1, &hash).unwrap_err().to_string();
    assert!(e.contains("four-eyes"), "{e}");
    let e = approve_as(2, &"b".repeat(64)).unwrap_err().to_string();
    assert!(e.contains("run changed"), "{e}");
    approve_as(2, &hash).unwrap();
    let e = approve_as(2, &hash).unwrap_err().to_string();
    assert!(
        e.contains("UNIQUE"),
        "the same approver's second approval conflicts: {e}"
    );
    approve_as(3, &hash).unwrap();
    let e = store
        .write::<_, affops_core::store::StoreError>(|tx| {
            Ok(tx.execute("DELETE FROM payout_run_approvals", [])?)
        })
        .unwrap_err()
        .to_string();
    assert!(e.contains("append-only"), "{e}");
    let n: i64 = store
        .read::<_, affops_core::store::StoreError>(|c| {
            Ok(
                c.query_row("SELECT COUNT(*) FROM payout_run_approvals", [], |r| {
                    r.get(0)
                })?,
            )
        })
        .unwrap();
    assert_eq!(n, 2);
}
