//! Reconciliation on rows inserted directly: each DOMAIN §6 reason code with a worked case, the totals, the
//! spreadsheet-safe CSV export and opening a dispute case from a discrepancy.

use affops_core::api::{DisputeOpenRequest, OpenedFrom, ReconQuery, ReconReport};
use affops_core::reconcile::{self, ReconSettings};
use rusqlite::params;
use std::collections::BTreeMap;

use crate::detect_fixture::{Fx, DAY, HOUR, T0};

const NOW: i64 = T0 + 40 * DAY;

fn run(fx: &Fx, reason: Option<&str>) -> ReconReport {
    let q = ReconQuery {
        period: "2026-10".into(),
        reason: reason.map(Into::into),
        ..ReconQuery::default()
    };
    reconcile::report::run(&fx.store, fx.program, &q, &ReconSettings::default(), NOW).unwrap()
}

/// A click-referred player with an FTD and a clean conversion: the control every case is built around.
fn journey(fx: &Fx, aff: i64, n: i64, sale: i64, currency: &str) -> (String, String) {
    let (click, player, dep) = (format!("k{n}"), format!("p{n}"), format!("d{n}"));
    let at = T0 + n * DAY + 10 * HOUR;
    fx.click(&click, aff, at - HOUR, "1.1.1.1", "", "DE", "");
    let pid = fx.player(
        &player,
        Some(aff),
        at - HOUR / 2,
        Some(&click),
        "DE",
        "",
        "",
        None,
    );
    fx.money(&dep, pid, "deposit", 20_000_000, at, true, None);
    fx.conversion(
        &format!("cv{n}"),
        aff,
        &click,
        &player,
        &dep,
        "approved",
        50_000_000,
        sale,
        currency,
        at + 60_000,
        Some(at - HOUR),
    );
    (click, dep)
}

fn reasons(r: &ReconReport) -> Vec<(String, String)> {
    r.rows
        .iter()
        .map(|x| {
            (
                x.reason.clone(),
                if x.conversion_ref.is_empty() {
                    x.deposit_ref.clone()
                } else {
                    x.conversion_ref.clone()
                },
            )
        })
        .collect()
}

/// One affiliate's worked case of every reason code, beside a clean journey, a promo-code player and a sale
/// amount the tracker never reported; returns the affiliate.
fn worked_cases(fx: &Fx) -> i64 {
    let a = fx.affiliate("1");
    journey(fx, a, 1, 20_000_000, "EUR"); // clean
                                          // missing postback: the operator has the FTD of a click-referred player, the tracker nothing.
    fx.click("k2", a, T0 + 2 * DAY, "1.1.1.1", "", "DE", "");
    let p2 = fx.player(
        "p2",
        Some(a),
        T0 + 2 * DAY + HOUR,
        Some("k2"),
        "DE",
        "",
        "",
        None,
    );
    fx.money(
        "d2",
        p2,
        "deposit",
        20_000_000,
        T0 + 2 * DAY + 2 * HOUR,
        true,
        None,
    );
    // ...but a promo-code-only player's FTD is not expected at the tracker.
    let p2b = fx.player("p2b", Some(a), T0 + 2 * DAY, None, "DE", "", "", None);
    fx.money(
        "d2b",
        p2b,
        "deposit",
        20_000_000,
        T0 + 2 * DAY + HOUR,
        true,
        None,
    );
    // unmatched conversion: the tracker has it, the operator has no such FTD or player.
    fx.conversion(
        "cv3",
        a,
        "k-ghost",
        "p-ghost",
        "d-ghost",
        "approved",
        50_000_000,
        20_000_000,
        "EUR",
        T0 + 3 * DAY,
        Some(T0 + 3 * DAY),
    );
    // amount mismatch, FX difference.
    journey(fx, a, 4, 22_000_000, "EUR");
    journey(fx, a, 5, 21_500_000, "USD");
    // No sale amount reported (an S2S postback or a pixel carries the payout only): nothing to compare, no
    // discrepancy.
    journey(fx, a, 10, 0, "EUR");
    // duplicate: the same FTD a second time, 40 s later.
    journey(fx, a, 6, 20_000_000, "EUR");
    fx.conversion(
        "cv6-2",
        a,
        "k6",
        "p6",
        "d6",
        "approved",
        50_000_000,
        20_000_000,
        "EUR",
        T0 + 6 * DAY + 10 * HOUR + 100_000,
        Some(T0 + 6 * DAY + 9 * HOUR),
    );
    // status lag: seen pending, approved five days later.
    journey(fx, a, 7, 20_000_000, "EUR");
    let cv7: i64 = fx
        .store
        .read::<_, affops_core::store::StoreError>(|c| {
            Ok(c.query_row(
                "SELECT id FROM conversions WHERE external_id = 'cv7'",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    fx.sql("INSERT INTO conversion_status_history (conversion_id, status, payout_micros, observed_at_ms) VALUES (?1, 'pending', 50000000, ?2), (?1, 'approved', 50000000, ?3)", params![cv7, T0 + 7 * DAY, T0 + 12 * DAY]);
    // outside window: the FTD comes 40 days after the click.
    fx.click("k8", a, T0 + 8 * DAY - 40 * DAY, "1.1.1.1", "", "DE", "");
    let p8 = fx.player(
        "p8",
        Some(a),
        T0 + 8 * DAY - 39 * DAY,
        Some("k8"),
        "DE",
        "",
        "",
        None,
    );
    fx.money("d8", p8, "deposit", 20_000_000, T0 + 8 * DAY, true, None);
    fx.conversion(
        "cv8",
        a,
        "k8",
        "p8",
        "d8",
        "approved",
        50_000_000,
        20_000_000,
        "EUR",
        T0 + 8 * DAY + 60_000,
        Some(T0 + 8 * DAY - 40 * DAY),
    );
    // timezone shift: late-evening UTC deposits sit on the next day in the operator's activity (UTC+2).
    let p9 = fx.player("p9", None, T0, None, "DE", "", "", None);
    for (dep, at, act_day) in [
        ("t1", T0 + 2 * DAY + 23 * HOUR, "2026-10-04"),
        ("t2", T0 + 4 * DAY + 23 * HOUR, "2026-10-06"),
        ("t3", T0 + 7 * DAY + 10 * HOUR, "2026-10-08"),
    ] {
        fx.money(dep, p9, "deposit", 30_000_000, at, false, None);
        fx.activity(p9, act_day, 30_000_000, 10_000_000);
    }
    a
}

/// A clean journey reconciles to nothing; every other worked case produces exactly its reason code.
#[test]
fn each_reason_code_has_a_worked_case() {
    let fx = Fx::new();
    worked_cases(&fx);
    let r = run(&fx, None);
    let mut got = reasons(&r);
    got.sort();
    let mut want: Vec<(String, String)> = [
        ("amount_mismatch", "cv4"),
        ("duplicate", "cv6-2"),
        ("fx_difference", "cv5"),
        ("missing_postback", "d2"),
        ("outside_window", "cv8"),
        ("status_mismatch", "cv7"),
        ("timezone_shift", "t1"),
        ("timezone_shift", "t2"),
        ("unmatched_conversion", "cv3"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    want.sort();
    assert_eq!(got, want);
    // Money at stake: the missing postback is owed (the affiliate's usual 50.00), duplicate/unmatched/outside
    // window were over-paid.
    let impact = |reason: &str| {
        r.rows
            .iter()
            .find(|x| x.reason == reason)
            .unwrap()
            .impact
            .clone()
    };
    assert_eq!(impact("missing_postback"), "50.00");
    assert_eq!(
        (
            impact("duplicate").as_str(),
            impact("unmatched_conversion").as_str(),
            impact("outside_window").as_str()
        ),
        ("-50.00", "-50.00", "-50.00")
    );
    let t = &r.totals[0];
    assert_eq!(
        (
            t.tracker_conversions,
            t.operator_ftds,
            t.discrepancies,
            t.impact.as_str()
        ),
        // cv10 (no sale amount) is counted on both sides and is no discrepancy.
        (9, 9, 7, "-100.00")
    );
    // Filters.
    let only = run(&fx, Some("duplicate"));
    assert_eq!(only.rows.len(), 1);
    assert_eq!(only.total_rows, 1);
    // The reason counts are the month's whatever the filter; pages of the stored rows, in order.
    assert_eq!(only.reasons.iter().map(|c| c.count).sum::<u32>(), 9);
    let all = run(&fx, None);
    assert_eq!((all.total_rows, all.rows.len()), (9, 9));
    let page = |offset, limit, reason: Option<&str>| {
        reconcile::report::load(
            &fx.store,
            fx.program,
            &reconcile::report::parse_query(&ReconQuery {
                period: "2026-10".into(),
                ..ReconQuery::default()
            })
            .unwrap()
            .0,
            reconcile::report::RowFilter {
                reason: reason.and_then(affops_core::reconcile::Reason::parse),
                affiliate: None,
                offset,
                limit: Some(limit),
            },
        )
        .unwrap()
    };
    let second = page(3, 3, None);
    assert_eq!((second.total_rows, second.offset), (9, 3));
    assert_eq!(
        second.rows.iter().map(|r| r.id).collect::<Vec<_>>(),
        all.rows[3..6].iter().map(|r| r.id).collect::<Vec<_>>()
    );
    assert_eq!(page(8, 3, None).rows.len(), 1);
    let shifts = page(0, 1, Some("timezone_shift"));
    assert_eq!((shifts.total_rows, shifts.rows.len()), (2, 1));
    let q = ReconQuery {
        period: "2026-10".into(),
        reason: Some("late".into()),
        ..ReconQuery::default()
    };
    assert!(
        reconcile::report::run(&fx.store, fx.program, &q, &ReconSettings::default(), NOW)
            .unwrap_err()
            .to_string()
            .contains("unknown reason code 'late'")
    );
    let q = ReconQuery {
        period: "Oct".into(),
        ..ReconQuery::default()
    };
    assert!(
        reconcile::report::run(&fx.store, fx.program, &q, &ReconSettings::default(), NOW)
            .unwrap_err()
            .to_string()
            .contains("YYYY-MM")
    );
}

/// Every column of a discrepancy but its id, as one comparable text.
type Columns = String;

/// The month's stored rows by (reason, natural key): their id and their columns.
fn stored(fx: &Fx) -> BTreeMap<(String, String), (i64, Columns)> {
    fx.store
        .read::<_, affops_core::store::StoreError>(|c| {
            let mut stmt = c.prepare(
                "SELECT reason, natural_key, id, affiliate_id, conversion_ref, transaction_id, player_ref, deposit_ref,
                        tracker_micros, operator_micros, impact_micros, currency, detail
                 FROM recon_discrepancies WHERE period = '2026-10'",
            )?;
            let rows = stmt.query_map([], |r| {
                let columns: (Option<i64>, String, String, String, String) =
                    (r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?);
                let figures: (Option<i64>, Option<i64>, i64, String, String) =
                    (r.get(8)?, r.get(9)?, r.get(10)?, r.get(11)?, r.get(12)?);
                Ok(((r.get(0)?, r.get(1)?), (r.get(2)?, format!("{columns:?} {figures:?}"))))
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .unwrap()
}

/// What matching finds for the month now, in the same form (without ids).
fn findings(fx: &Fx) -> BTreeMap<(String, String), Columns> {
    let month = reconcile::parse_period("2026-10").unwrap();
    let found = fx
        .store
        .read::<_, affops_core::store::StoreError>(|c| {
            Ok(reconcile::matching::classify(
                c,
                fx.program,
                &month,
                &ReconSettings::default(),
                NOW,
                &|_| {},
            )?)
        })
        .unwrap();
    found
        .into_iter()
        .map(|d| {
            let columns = (
                d.affiliate_id,
                d.conversion_ref,
                d.transaction_id,
                d.player_ref,
                d.deposit_ref,
            );
            let figures = (
                d.tracker_micros,
                d.operator_micros,
                d.impact_micros,
                d.currency,
                d.detail,
            );
            (
                (d.reason.as_str().to_string(), d.natural_key),
                format!("{columns:?} {figures:?}"),
            )
        })
        .collect()
}

/// A re-run writes only what changed: a row that still holds keeps its id and columns, changed figures are
/// updated in place, a row that no longer holds goes unless a dispute names it, a new one is added. After each
/// run the stored rows are exactly what matching finds, column for column.
#[test]
fn a_rerun_stores_exactly_the_findings_and_keeps_what_still_holds() {
    let fx = Fx::new();
    let a = worked_cases(&fx);
    run(&fx, None);
    let before = stored(&fx);
    let without_ids = |rows: &BTreeMap<(String, String), (i64, Columns)>| {
        rows.iter()
            .map(|(k, (_, c))| (k.clone(), c.clone()))
            .collect::<BTreeMap<_, _>>()
    };
    assert_eq!(without_ids(&before), findings(&fx));
    let key = |reason: &str, natural: &str| (reason.to_string(), natural.to_string());
    // A dispute names the unmatched conversion; then the tracker rejects it (it no longer holds).
    let program = fx.store.read(affops_core::programs::all).unwrap().remove(0);
    let disputed = before[&key("unmatched_conversion", "cv3")].0;
    fx.store
        .write(|tx| {
            affops_core::disputes::intake::open(
                tx,
                &program,
                &DisputeOpenRequest {
                    from: OpenedFrom::Discrepancy,
                    reference: disputed.to_string(),
                    ..Default::default()
                },
                &ana(NOW),
            )
        })
        .unwrap();
    fx.sql(
        "UPDATE conversions SET status = 'rejected' WHERE external_id = 'cv3'",
        [],
    );
    // The missing postback arrives; the tracker corrects a sale amount; a new FTD has no postback.
    fx.conversion(
        "cv2",
        a,
        "k2",
        "p2",
        "d2",
        "approved",
        50_000_000,
        20_000_000,
        "EUR",
        T0 + 2 * DAY + 2 * HOUR + 60_000,
        Some(T0 + 2 * DAY),
    );
    fx.sql(
        "UPDATE conversions SET sale_amount_micros = 23000000 WHERE external_id = 'cv4'",
        [],
    );
    fx.click("k11", a, T0 + 11 * DAY, "1.1.1.1", "", "DE", "");
    let p11 = fx.player(
        "p11",
        Some(a),
        T0 + 11 * DAY,
        Some("k11"),
        "DE",
        "",
        "",
        None,
    );
    fx.money(
        "d11",
        p11,
        "deposit",
        20_000_000,
        T0 + 11 * DAY + HOUR,
        true,
        None,
    );
    run(&fx, None);
    let after = stored(&fx);
    let mut want = findings(&fx);
    assert!(!want.contains_key(&key("unmatched_conversion", "cv3")));
    want.insert(
        key("unmatched_conversion", "cv3"),
        before[&key("unmatched_conversion", "cv3")].1.clone(),
    );
    assert_eq!(
        without_ids(&after),
        want,
        "the findings, and the disputed row as it was"
    );
    assert!(!after.contains_key(&key("missing_postback", "d2")));
    let changed = key("amount_mismatch", "cv4");
    assert_eq!(after[&changed].0, before[&changed].0, "updated in place");
    assert!(after[&changed].1.contains("23.00"), "{}", after[&changed].1);
    let newest = before.values().map(|(id, _)| *id).max().unwrap();
    assert!(after[&key("missing_postback", "d11")].0 > newest);
    for (k, (id, columns)) in &before {
        if let Some((id_after, columns_after)) = after.get(k).filter(|_| *k != changed) {
            assert_eq!(
                (id_after, columns_after),
                (id, columns),
                "{k:?} still holds"
            );
        }
    }
    assert_eq!(
        after.len(),
        before.len(),
        "d11 in, d2 out, cv3 kept by its dispute"
    );
}

/// A3: text from affiliates cannot become a formula in a spreadsheet; negative amounts stay numbers.
#[test]
fn csv_export_is_formula_safe() {
    let fx = Fx::new();
    let a = fx.affiliate("1");
    fx.sql(
        "UPDATE affiliates SET name = '=HYPERLINK(\"http://x\")' WHERE id = ?1",
        [a],
    );
    fx.conversion(
        "@cv",
        a,
        "+k",
        "-p",
        "d",
        "approved",
        50_000_000,
        1,
        "EUR",
        T0 + DAY,
        None,
    );
    let r = run(&fx, None);
    let csv = String::from_utf8(reconcile::report::to_csv(&r).unwrap()).unwrap();
    let line = csv.lines().nth(1).unwrap();
    assert!(
        line.contains("'=HYPERLINK")
            && line.contains("'@cv")
            && line.contains("'+k")
            && line.contains("'-p"),
        "{line}"
    );
    assert!(line.contains(",-50.00,"), "{line}");
}

/// A discrepancy opens one dispute case: open, SLA 14 days, claim = the amount at stake, evidence refs, an
/// `opened` event and an audit entry; a second case for it, an unknown user or id are refused. Re-running the
/// period keeps the disputed row.
#[test]
fn dispute_from_a_discrepancy() {
    let fx = Fx::new();
    let a = fx.affiliate("1");
    journey(&fx, a, 1, 20_000_000, "EUR");
    fx.click("k2", a, T0 + 2 * DAY, "1.1.1.1", "", "DE", "");
    let p2 = fx.player(
        "p2",
        Some(a),
        T0 + 2 * DAY + HOUR,
        Some("k2"),
        "DE",
        "",
        "",
        None,
    );
    fx.money(
        "d2",
        p2,
        "deposit",
        20_000_000,
        T0 + 2 * DAY + 2 * HOUR,
        true,
        None,
    );
    let r = run(&fx, None);
    let id = r.rows[0].id;
    let program = fx
        .store
        .read(affops_core::programs::all)
        .unwrap()
        .into_iter()
        .next()
        .unwrap();
    let open = |stamp: &affops_core::audit::Stamp, discrepancy: i64| {
        fx.store.write(|tx| {
            affops_core::disputes::intake::open(
                tx,
                &program,
                &DisputeOpenRequest {
                    from: OpenedFrom::Discrepancy,
                    reference: discrepancy.to_string(),
                    ..Default::default()
                },
                stamp,
            )
        })
    };
    let case_id = open(&ana(NOW), id).unwrap();
    let (state, claimed, due): (String, i64, i64) = fx
        .store
        .read::<_, affops_core::store::StoreError>(|c| {
            Ok(c.query_row(
                "SELECT state, amount_claimed_micros, sla_due_at_ms FROM dispute_cases WHERE id = ?1",
                [case_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?)
        })
        .unwrap();
    assert_eq!((state.as_str(), claimed), ("open", 50_000_000));
    assert!(
        due > NOW + 14 * DAY - DAY && due <= NOW + 15 * DAY,
        "14 calendar days, to the end of the day"
    );
    assert_eq!(
        fx.count("SELECT COUNT(*) FROM dispute_subjects WHERE ref IN ('d2', 'p2')"),
        2
    );
    assert_eq!(
        fx.count("SELECT COUNT(*) FROM dispute_events WHERE event = 'opened'"),
        1
    );
    let again = open(&ana(NOW), id).unwrap_err();
    assert!(
        again.to_string().contains("already has dispute case"),
        "{again}"
    );
    // Nobody signed in: refused (the front door never gets here without a person, but the domain checks too).
    assert!(open(
        &affops_core::audit::Stamp::tool("test", "dispute_open", NOW),
        id
    )
    .is_err());
    assert!(open(&ana(NOW), 999).is_err());
    let r2 = run(&fx, None);
    assert_eq!(r2.rows[0].id, id);
    assert!(fx
        .store
        .write::<_, affops_core::store::StoreError>(|tx| Ok(
            tx.execute("UPDATE dispute_events SET event = 'x'", [])?
        ))
        .is_err());
}

/// Ana (users row 1) acting at `at`.
fn ana(at: i64) -> affops_core::audit::Stamp {
    affops_core::audit::Stamp {
        user_id: Some(1),
        actor: "ana".into(),
        ..affops_core::audit::Stamp::tool("test", "dispute_open", at)
    }
}
