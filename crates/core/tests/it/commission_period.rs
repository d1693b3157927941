//! Periods in a real store (RELIABILITY M4): recomputing posts nothing new and gives the same hash, on another
//! store and under another process time zone; a closed period is never written and late events land in the
//! next period; statements sum their lines, keep their hash, and export safely; refunds after settlement are new
//! entries (DOMAIN.md §8).

use crate::commission_fixture::{add_play, igaming_world, M};
use crate::commission_fixture::{
    affiliate_statement, close, compute_month as compute, qualification,
};
use affops_core::commission::statement::{to_csv, to_html};
use affops_core::commission::CommissionError;
use affops_core::store::Store;

fn entries(store: &Store) -> Vec<(i64, i64, String, String, i64, String)> {
    store
        .read::<_, affops_core::store::StoreError>(|c| {
            let mut s = c.prepare("SELECT period_id, origin_period_id, kind, line_key, amount_micros, basis FROM ledger_entries ORDER BY id")?;
            let rows = s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .unwrap()
}

/// M4: the same inputs give the same entries and the same hash, again, in a second store, and with the process
/// in another time zone (days come from the program's zone only).
#[test]
fn recompute_is_identical_everywhere() {
    let (_d, store, _) = igaming_world();
    let first = compute(&store, None, "2026-10", 1).unwrap();
    assert!(first.entries_posted > 0);
    assert!(first.problems.is_empty(), "{:?}", first.problems);
    let before = entries(&store);
    let again = compute(&store, None, "2026-10", 2).unwrap();
    assert_eq!(again.entries_posted, 0, "nothing changed, nothing posted");
    assert_eq!(again.result_hash, first.result_hash);
    assert_eq!(entries(&store), before);
    std::env::set_var("TZ", "Asia/Tokyo");
    let tokyo = compute(&store, None, "2026-10", 3).unwrap();
    std::env::remove_var("TZ");
    assert_eq!(tokyo.result_hash, first.result_hash);
    let (_d2, other, _) = igaming_world();
    let elsewhere = compute(&other, None, "2026-10", 99).unwrap();
    assert_eq!(elsewhere.result_hash, first.result_hash);
    assert_eq!(entries(&other), before, "same entries on another store");
}

/// The published worked numbers of this world: affiliate 502 has P0 (FTD 15: below 20, no CPA) and P3 (FTD 30:
/// CPA 30); NGR P0 = 100 + 33.333333, P3 = 151 − 39 + 33.333333 → 25 % of 278.666666 = 69.6666665 → 69.67.
#[test]
fn statement_lines_sum_to_the_payable_and_drill_down() {
    let (_d, store, _) = igaming_world();
    compute(&store, None, "2026-10", 1).unwrap();
    let s = affiliate_statement(&store, None, "502", "2026-10").unwrap();
    let amounts: Vec<(&str, &str)> = s
        .lines
        .iter()
        .map(|l| (l.line_key.as_str(), l.amount.as_str()))
        .collect();
    assert_eq!(amounts, vec![("cpa", "30.00"), ("revshare", "69.67")]);
    let sum: i64 = s
        .lines
        .iter()
        .map(|l| l.amount_micros.parse::<i64>().unwrap())
        .sum();
    assert_eq!(
        sum.to_string(),
        s.payable_micros,
        "lines sum exactly to the total"
    );
    assert_eq!(s.payable, "99.67");
    let cpa = &s.lines[0];
    assert_eq!(cpa.plan.as_deref(), Some("Hybrid"));
    assert_eq!(cpa.plan_version_no, Some(1));
    assert_eq!(cpa.drilldown.len(), 1);
    assert_eq!(cpa.drilldown[0].subject, "P3");
    assert!(cpa.drilldown[0].events.iter().any(|e| e.kind == "deposit"));
    assert_eq!(
        cpa.approvable_from, "2026-11-10",
        "hold of 10 days after the period"
    );
    let csv = to_csv(&s);
    assert!(
        csv.contains("'=HYPERLINK"),
        "a formula in the affiliate name is neutralised: {csv}"
    );
    assert!(
        !csv.lines().any(|l| l.starts_with('=') || l.contains(",=")),
        "{csv}"
    );
    let rows: Vec<csv::StringRecord> = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv.as_bytes())
        .records()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(
        rows.iter().all(|r| r.len() == 10),
        "one table of ten columns"
    );
    assert_eq!(
        rows.last().unwrap().get(7),
        Some("99.67"),
        "the payable row"
    );
    let html = to_html(&s);
    assert!(
        !html.contains("<script") && !html.contains("src=") && html.contains("=HYPERLINK(&quot;")
    );
    assert!(html.contains(&s.statement_hash));
}

/// M4 + DOMAIN.md §7: a closed period is never written again; its statement regenerates to the stored hash; a
/// late event for it lands in the next period as an adjustment naming it as origin.
#[test]
fn closed_period_is_final_and_late_events_land_next() {
    let (_d, store, program_id) = igaming_world();
    compute(&store, None, "2026-10", 1).unwrap();
    let closed = close(&store, None, "2026-10", "finance", 2).unwrap();
    assert_eq!(closed.status, "closed");
    let stored: String = store.read::<_, affops_core::store::StoreError>(|c| Ok(c.query_row("SELECT statement_hash FROM statements s JOIN affiliates a ON a.id = s.affiliate_id WHERE a.external_id = '502'", [], |r| r.get(0))?)).unwrap();
    let oct = entries(&store);
    // A late day of play for P0 (affiliate 502) in October, arriving in November.
    store
        .write::<_, affops_core::store::StoreError>(|tx| {
            let p: i64 = tx.query_row(
                "SELECT id FROM players WHERE program_id = ?1 AND external_id = 'P0'",
                [program_id],
                |r| r.get(0),
            )?;
            add_play(tx, p, "2026-10-20", 40 * M, 0);
            Ok(())
        })
        .unwrap();
    assert!(matches!(
        compute(&store, None, "2026-10", 3),
        Err(CommissionError::Refused(_))
    ));
    let nov = compute(&store, None, "2026-11", 4).unwrap();
    assert_eq!(nov.late_corrections, 1);
    let all = entries(&store);
    assert_eq!(&all[..oct.len()], &oct[..], "October's entries untouched");
    let late = &all[oct.len()..];
    assert!(
        late.iter()
            .any(|e| e.2 == "adjustment" && e.3 == "revshare" && e.4 == 10 * M && e.1 != e.0),
        "{late:?}"
    );
    let again = affiliate_statement(&store, None, "502", "2026-10").unwrap();
    assert_eq!(
        again.statement_hash, stored,
        "regenerated statement of a closed period: same hash"
    );
    let nov_st = affiliate_statement(&store, None, "502", "2026-11").unwrap();
    assert!(nov_st
        .lines
        .iter()
        .any(|l| l.origin_period == "2026-10" && l.amount == "10.00"));
    assert_eq!(
        compute(&store, None, "2026-11", 5).unwrap().entries_posted,
        0,
        "the correction is posted once"
    );
    for sql in [
        "UPDATE periods SET status = 'open', closed_at_ms = NULL, statement_hash = NULL",
        "UPDATE ledger_entries SET amount_micros = 0",
        "DELETE FROM ledger_entries",
        "DELETE FROM statements",
    ] {
        assert!(
            store
                .write::<_, affops_core::store::StoreError>(|tx| Ok(tx.execute(sql, [])?))
                .is_err(),
            "{sql} must be refused"
        );
    }
}

/// DOMAIN.md §8 refund after settlement: +100 settles, a full refund creates a second entry of −100, the
/// original is untouched, and grouped into one payout the total is 0. Approval respects the hold period and
/// happens once.
#[test]
fn refund_after_settlement_is_a_new_entry() {
    let (_d, store, _) = crate::commission_fixture::store();
    crate::commission_fixture::default_plan(
        &store,
        r#"{"name": "CPA", "currency": "EUR", "versions": [{"effective_from": "2026-01-01", "hold_days": 30, "components": [{"kind": "cpa", "amount": "100"}]}]}"#,
    );
    store
        .write::<_, affops_core::store::StoreError>(|tx| {
            let a = crate::commission_fixture::add_affiliate(tx, 1, "A1", "A", None);
            let p = crate::commission_fixture::add_player(tx, 1, "P", "2026-10-01", Some(a));
            crate::commission_fixture::add_deposit(tx, 1, "D", p, "2026-10-02", 10 * M, true);
            Ok(())
        })
        .unwrap();
    compute(&store, None, "2026-10", 1).unwrap();
    let (id, original) = store
        .read::<_, affops_core::store::StoreError>(|c| {
            Ok(c.query_row(
                "SELECT id, amount_micros FROM ledger_entries WHERE line_key = 'cpa'",
                [],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)),
            )?)
        })
        .unwrap();
    assert_eq!(original, 100 * M);
    let on_hold = store.write::<_, affops_core::store::StoreError>(|tx| {
        Ok(affops_core::ledger::approve(tx, id, "2026-11-15", "finance", 2).map(|_| ()))
    });
    assert!(
        matches!(on_hold.unwrap(), Err(CommissionError::Refused(m)) if m.contains("on hold until 2026-11-30"))
    );
    store
        .write::<_, affops_core::store::StoreError>(|tx| {
            Ok(affops_core::ledger::approve(tx, id, "2026-12-01", "finance", 3).unwrap())
        })
        .unwrap();
    let twice = store
        .write::<_, affops_core::store::StoreError>(|tx| {
            Ok(affops_core::ledger::approve(tx, id, "2026-12-01", "finance2", 4).map(|_| ()))
        })
        .unwrap();
    assert!(
        matches!(twice, Err(CommissionError::Refused(_))),
        "an entry is approved once"
    );
    close(&store, None, "2026-10", "finance", 5).unwrap();
    let nov = compute(&store, None, "2026-11", 6).unwrap();
    let nov_id: i64 = store
        .read::<_, affops_core::store::StoreError>(|c| {
            Ok(c.query_row(
                "SELECT id FROM periods WHERE start_day = '2026-11-01'",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(nov.entries_posted, 0);
    store
        .write::<_, affops_core::store::StoreError>(|tx| {
            Ok(
                affops_core::ledger::clawback(tx, id, nov_id, 100 * M, "refund", "finance", 7)
                    .unwrap(),
            )
        })
        .unwrap();
    let after: i64 = store
        .read::<_, affops_core::store::StoreError>(|c| {
            Ok(c.query_row(
                "SELECT amount_micros FROM ledger_entries WHERE id = ?1",
                [id],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(after, original, "the settled entry is never edited");
    let balance = store
        .read::<_, affops_core::store::StoreError>(|c| {
            Ok(affops_core::ledger::balances(c, 1).unwrap())
        })
        .unwrap();
    assert_eq!(
        balance,
        vec![(1, "EUR".to_string(), 0)],
        "grouped, the total is 0"
    );
}

/// "Why didn't this player qualify?": the checklist names the criterion, what was required, what happened.
#[test]
fn qualification_checklist_explains() {
    let (_d, store, _) = igaming_world();
    let c = qualification(&store, None, "P0", "2026-10-31").unwrap();
    assert_eq!(c.affiliate_id.as_deref(), Some("502"));
    assert_eq!(c.criteria.len(), 1);
    let ftd = &c.criteria[0];
    assert_eq!((ftd.name.as_str(), ftd.passed), ("first_deposit", false));
    assert_eq!(ftd.required, "first deposit ≥ 20 EUR");
    assert_eq!(ftd.actual, "15 EUR on 2026-10-03");
    let ok = qualification(&store, None, "P3", "2026-10-31").unwrap();
    assert_eq!(ok.qualified_on.as_deref(), Some("2026-10-03"));
    let organic = qualification(&store, None, "P2", "2026-10-31").unwrap();
    assert!(organic.note.contains("organic"));
}

/// The period's FX snapshot converts activity into the plan currency, is refused once the period is closed, and
/// activity in a currency without a rate is reported (and not paid) rather than converted at a guess.
#[test]
fn fx_snapshot_converts_and_is_final_after_close() {
    let (_d, store, program_id) = crate::commission_fixture::store();
    crate::commission_fixture::default_plan(
        &store,
        r#"{"name": "USD share", "currency": "USD", "versions": [{"effective_from": "2026-01-01", "components": [{"kind": "rev_share", "percent": "10", "ngr": "bets - wins"}]}]}"#,
    );
    store
        .write::<_, affops_core::store::StoreError>(|tx| {
            let a = crate::commission_fixture::add_affiliate(tx, program_id, "A", "A", None);
            let p =
                crate::commission_fixture::add_player(tx, program_id, "P", "2026-10-01", Some(a));
            add_play(tx, p, "2026-10-02", 1_000 * M, 0);
            Ok(())
        })
        .unwrap();
    let missing = compute(&store, None, "2026-10", 1).unwrap();
    assert!(
        missing
            .problems
            .iter()
            .any(|p| p.kind == "unknown_currency" && p.subject == "EUR"),
        "{:?}",
        missing.problems
    );
    assert!(missing.totals.iter().all(|t| t.amount_micros == "0"));
    use affops_core::audit::Stamp;
    use affops_core::commission::period::{record_fx, FxRateInput};
    record_fx(
        &store,
        program_id,
        &FxRateInput {
            period: "2026-10".into(),
            from: "EUR".into(),
            to: "USD".into(),
            rate: "1.0842".into(),
            source: "ECB reference rate".into(),
            as_of: "2026-10-31".into(),
        },
        &Stamp::tool("test", "set_fx_rate", 2),
    )
    .unwrap();
    assert!(
        record_fx(
            &store,
            program_id,
            &FxRateInput {
                period: "2026-10".into(),
                from: "EUR".into(),
                to: "USD".into(),
                rate: "-1".into(),
                source: "x".into(),
                as_of: "2026-10-31".into()
            },
            &Stamp::tool("test", "set_fx_rate", 2),
        )
        .is_err(),
        "a negative rate is refused"
    );
    let ok = compute(&store, None, "2026-10", 3).unwrap();
    assert_eq!(ok.totals[0].amount, "108.42", "10 % of 1,000 EUR at 1.0842");
    close(&store, None, "2026-10", "finance", 4).unwrap();
    assert!(
        record_fx(
            &store,
            program_id,
            &FxRateInput {
                period: "2026-10".into(),
                from: "EUR".into(),
                to: "USD".into(),
                rate: "1.2".into(),
                source: "x".into(),
                as_of: "2026-10-31".into()
            },
            &Stamp::tool("test", "set_fx_rate", 5),
        )
        .is_err(),
        "a closed period's snapshot is final"
    );
    let rate: String = store
        .read::<_, affops_core::store::StoreError>(|c| {
            Ok(c.query_row(
                "SELECT rate || ' ' || source || ' ' || as_of FROM fx_rates",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(rate, "1.0842 ECB reference rate 2026-10-31");
}

/// A malformed month is the caller's mistake (invalid input naming the label), refused before any transaction,
/// and posts nothing.
#[test]
fn a_malformed_period_is_refused_as_bad_input() {
    let (_d, store, _) = igaming_world();
    for label in ["abc", "2026-13", "2026-1", ""] {
        let e = compute(&store, None, label, 0).unwrap_err();
        assert!(matches!(e, CommissionError::BadInput(_)), "{label}: {e:?}");
        let api: affops_core::api::ApiError = e.into();
        assert_eq!(
            api.code,
            affops_core::api::ErrorCode::InvalidInput,
            "{label}"
        );
        assert!(api.message.contains("YYYY-MM"), "{}", api.message);
    }
    assert!(entries(&store).is_empty(), "nothing posted");
}
