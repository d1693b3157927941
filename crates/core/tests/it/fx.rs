//! The dated FX table (issue 15): ECB files imported or quarantined cell by cell, the lookup's fallback, inverse
//! and cross rates with their named rounding, a period's snapshot filled from the table and frozen at close, the
//! dashboard converting other currencies at the day's rate (and saying what it could not), and who may change it.

use crate::commission_fixture::{
    add_affiliate, close, compute_month, default_plan, store as commission_store, M,
};
use crate::front_door::as_role;
use affops_core::api::{ErrorCode, FxImportRequest, FxListQuery, FxRateInput, FxSetRequest, Role};
use affops_core::fx::{self, ecb, FxTable, Via};
use affops_core::ops;
use affops_core::store::{Store, StoreError};
use affops_core::workspace::Workspace;
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::str::FromStr;

const NOW: i64 = 1_790_000_000_000;

/// A small `eurofxref-hist.csv`: newest day first, a weekend (10-03, 10-04) missing as the ECB leaves it, an N/A,
/// a zero rate, a bad date, a negative and an unparseable rate.
const HIST: &str = "Date,USD,JPY,GBP,
2026-10-05,1.0823,158.22,0.8543,
2026-10-02,1.0800,N/A,0.8500,
2026-10-01,0,157.10,0.8490,
2026-13-01,1.07,157.00,0.85,
2026-09-30,1.0790,-3,abc,
";

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn workspace() -> (tempfile::TempDir, Workspace) {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path()).unwrap();
    (dir, ws)
}

fn write_file(dir: &std::path::Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

fn quarantined(store: &Store) -> i64 {
    store
        .read::<_, StoreError>(|c| {
            Ok(
                c.query_row("SELECT COUNT(*) FROM fx_import_quarantine", [], |r| {
                    r.get(0)
                })?,
            )
        })
        .unwrap()
}

/// Every good cell lands, every bad one is quarantined naming row, field and reason, an N/A is a counted gap —
/// and importing the same file again changes nothing.
#[test]
fn ecb_hist_file_imports_good_cells_and_quarantines_bad_ones_with_reasons() {
    let (dir, ws) = workspace();
    let cx = as_role(&ws, Role::Finance, NOW);
    let path = write_file(dir.path(), "eurofxref-hist.csv", HIST);
    let s = ops::fx::fx_import(&cx, FxImportRequest { path: path.clone() }).unwrap();
    assert_eq!(s.file_name, "eurofxref-hist.csv");
    assert_eq!(s.rows, 5, "data lines read");
    assert_eq!(s.currencies, vec!["USD", "JPY", "GBP"]);
    assert_eq!(s.rates_imported, 8, "3 + 2 + 2 + 0 + 1 good cells");
    assert_eq!(s.gaps, 1, "the N/A is a gap, not an error");
    assert_eq!(s.days, 4);
    assert_eq!(
        (s.first_day.as_deref(), s.last_day.as_deref()),
        (Some("2026-09-30"), Some("2026-10-05"))
    );
    let why: Vec<(u32, &str, &str)> = s
        .rejected
        .iter()
        .map(|r| (r.row, r.field.as_str(), r.value.as_str()))
        .collect();
    assert_eq!(
        why,
        vec![
            (4, "USD", "0"),
            (5, "Date", "2026-13-01"),
            (6, "JPY", "-3"),
            (6, "GBP", "abc")
        ]
    );
    assert!(
        s.rejected[0].reason.contains("zero rate"),
        "{}",
        s.rejected[0].reason
    );
    assert!(s.rejected[1].reason.contains("not a date"));
    assert!(s.rejected[2].reason.contains("negative rate"));
    assert!(s.rejected[3].reason.contains("not a decimal"));
    assert_eq!(
        quarantined(ws.store()),
        4,
        "each rejection is kept, not only reported"
    );

    let again = ops::fx::fx_import(&cx, FxImportRequest { path }).unwrap();
    assert_eq!(
        (again.rates_imported, again.rates_unchanged),
        (0, 8),
        "a re-import is a no-op"
    );
    assert_eq!(quarantined(ws.store()), 4);

    let list = ops::fx::fx_list(
        &cx,
        FxListQuery {
            pair: Some("eur/usd".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let usd: Vec<(&str, &str)> = list
        .rows
        .iter()
        .map(|r| (r.day.as_str(), r.rate.as_str()))
        .collect();
    assert_eq!(
        usd,
        vec![
            ("2026-10-05", "1.0823"),
            ("2026-10-02", "1.0800"),
            ("2026-09-30", "1.0790")
        ],
        "exact text kept"
    );
    assert_eq!(list.rows[0].source, fx::SOURCE_ECB);
    assert_eq!(
        list.rows[0].recorded_by,
        crate::front_door::name_of(Role::Finance)
    );
}

/// The one-day `eurofxref.csv`: spaces after the commas and the date written out.
#[test]
fn ecb_daily_file_with_a_written_date_parses() {
    let f = ecb::parse("Date, USD, JPY, \n04 December 2026, 1.0517, 158.22, \n").unwrap();
    assert!(f.rejected.is_empty(), "{:?}", f.rejected);
    let got: Vec<(&str, &str, String)> = f
        .rates
        .iter()
        .map(|r| (r.day.as_str(), r.quote.as_str(), r.rate.to_string()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("2026-12-04", "USD", "1.0517".into()),
            ("2026-12-04", "JPY", "158.22".into())
        ]
    );
    assert!(
        ecb::parse("Day,USD\n2026-01-01,1\n").is_err(),
        "not an ECB header: the file is refused as a whole"
    );
    let short = ecb::parse("Date,USD,JPY,\n2026-10-05,1.08\n").unwrap();
    assert_eq!(
        short.rejected[0].field, "row",
        "a short row is quarantined as a row"
    );
}

/// Weekend fallback, inverse and cross rates with their exact values, corrections superseding, and the error that
/// names the day and the pair.
#[test]
fn lookup_falls_back_up_to_seven_days_and_derives_inverse_and_cross_rates() {
    let (dir, ws) = workspace();
    let cx = as_role(&ws, Role::Finance, NOW);
    ops::fx::fx_import(
        &cx,
        FxImportRequest {
            path: write_file(dir.path(), "h.csv", HIST),
        },
    )
    .unwrap();
    let rate = |day: &str, from: &str, to: &str| ws.store().read(|c| fx::rate_on(c, day, from, to));
    let sat = rate("2026-10-04", "EUR", "USD").unwrap();
    assert_eq!(
        (sat.rate, sat.day.as_str(), sat.via),
        (d("1.0800"), "2026-10-02", Via::Direct),
        "Saturday takes Friday's rate"
    );
    let inv = rate("2026-10-05", "USD", "EUR").unwrap();
    assert_eq!(
        (inv.rate, inv.via),
        (d("0.9239582371"), Via::Inverse),
        "1 / 1.0823 to 10 places"
    );
    let cross = rate("2026-10-05", "USD", "GBP").unwrap();
    assert_eq!(
        (cross.rate, cross.via),
        (d("0.7893375219"), Via::Cross),
        "0.8543 / 1.0823 to 10 places"
    );
    let cross_sun = rate("2026-10-04", "USD", "GBP").unwrap();
    assert_eq!(
        (cross_sun.rate, cross_sun.day.as_str()),
        (d("0.7870370370"), "2026-10-02")
    );
    let e = rate("2026-10-20", "USD", "EUR").unwrap_err().to_string();
    assert_eq!(e, "no USD→EUR rate on or up to 7 days before 2026-10-20");
    assert!(
        rate("2026-10-09", "EUR", "USD").is_ok(),
        "seven days back still counts"
    );
    assert!(
        rate("2026-10-13", "EUR", "USD").is_err(),
        "eight days back does not"
    );

    // A correction is a new row that supersedes; the old one is kept and never edited.
    let row = ops::fx::fx_set(
        &cx,
        FxSetRequest {
            day: "2026-10-05".into(),
            from: "eur".into(),
            to: "USD".into(),
            rate: "1.0830".into(),
        },
    )
    .unwrap();
    assert_eq!(
        (row.rate.as_str(), row.source.as_str(), row.superseded),
        ("1.0830", "manual", 1)
    );
    assert_eq!(rate("2026-10-05", "EUR", "USD").unwrap().rate, d("1.0830"));
    let edit = ws
        .store()
        .write::<_, StoreError>(|tx| Ok(tx.execute("UPDATE fx_daily_rates SET rate = '2'", [])?));
    assert!(edit.unwrap_err().to_string().contains("append-only"));
    let del = ws
        .store()
        .write::<_, StoreError>(|tx| Ok(tx.execute("DELETE FROM fx_daily_rates", [])?));
    assert!(del.unwrap_err().to_string().contains("append-only"));

    for (req, field) in [
        (
            FxSetRequest {
                day: "2026-10-32".into(),
                from: "EUR".into(),
                to: "USD".into(),
                rate: "1".into(),
            },
            "Day",
        ),
        (
            FxSetRequest {
                day: "2026-10-05".into(),
                from: "EUR".into(),
                to: "XXY".into(),
                rate: "1".into(),
            },
            "To",
        ),
        (
            FxSetRequest {
                day: "2026-10-05".into(),
                from: "EUR".into(),
                to: "USD".into(),
                rate: "0".into(),
            },
            "Rate",
        ),
        (
            FxSetRequest {
                day: "2026-10-05".into(),
                from: "EUR".into(),
                to: "USD".into(),
                rate: "1e3".into(),
            },
            "Rate",
        ),
    ] {
        let e = ops::fx::fx_set(&cx, req).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput);
        assert!(e.message.starts_with(field), "{}", e.message);
    }
}

/// The rounding of derived rates is named and pinned: half to even at the tenth place.
#[test]
fn derived_rates_round_half_to_even_at_ten_places() {
    assert_eq!(fx::derived(d("0.12345678905")), d("0.1234567890"));
    assert_eq!(fx::derived(d("0.12345678915")), d("0.1234567892"));
    assert_eq!(fx::derived(d("0.123456789051")), d("0.1234567891"));
    let mut t = FxTable::default();
    assert!(t
        .rate_on("2026-10-05", "EUR", "EUR")
        .is_ok_and(|q| q.rate == Decimal::ONE));
    t = FxTable::default();
    assert!(t.rate_on("not a day", "EUR", "USD").is_err());
}

fn add_usd_player_with_play(store: &Store, program_id: i64, affiliate: &str) {
    store
        .write::<_, StoreError>(|tx| {
            let a = add_affiliate(tx, program_id, affiliate, "USD Media", None);
            tx.execute("INSERT INTO players (program_id, external_id, currency, registered_at_ms, day, country, affiliate_id) VALUES (?1, 'U1', 'USD', 0, '2026-10-02', 'US', ?2)", rusqlite::params![program_id, a])?;
            let p = tx.last_insert_rowid();
            tx.execute("INSERT INTO player_activity_daily (player_id, day, currency, bets_micros, wins_micros) VALUES (?1, '2026-10-06', 'USD', ?2, 0)", rusqlite::params![p, 108_230_000i64])?;
            Ok(())
        })
        .unwrap();
}

fn record_table_rate(store: &Store, day: &str, rate: &str) {
    store
        .write(|tx| {
            fx::record(
                tx,
                day,
                "EUR",
                "USD",
                d(rate),
                fx::SOURCE_ECB,
                &fx::Recorder {
                    at_ms: 1,
                    by: "test",
                },
            )
        })
        .unwrap();
}

fn snapshot(store: &Store) -> Vec<(String, String, String, String, String)> {
    store
        .read::<_, StoreError>(|c| {
            let mut s = c.prepare(
                "SELECT from_currency, to_currency, rate, source, as_of FROM fx_rates ORDER BY id",
            )?;
            let rows = s.query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .unwrap()
}

/// per_period: computing October copies the rate in force on its last day (Saturday 10-31 → Friday 10-30) into
/// the snapshot, exactly as recorded; 108.23 USD of NGR at 1.0823 is 100 EUR, 25 % = 25.00. After close the
/// snapshot is frozen: a later table rate changes nothing and an insert is refused.
#[test]
fn period_snapshot_is_filled_from_the_table_at_compute_and_frozen_at_close() {
    let (_d, store, program_id) = commission_store();
    default_plan(
        &store,
        r#"{"name": "RS", "currency": "EUR", "versions": [{"effective_from": "2026-01-01",
        "components": [{"kind": "rev_share", "percent": "25", "ngr": "bets - wins"}]}]}"#,
    );
    add_usd_player_with_play(&store, program_id, "900");
    let without = compute_month(&store, None, "2026-10", 1).unwrap();
    assert!(
        without
            .problems
            .iter()
            .any(|p| p.kind == "unknown_currency"),
        "no rate: said, not paid as zero silently"
    );
    assert!(snapshot(&store).is_empty());

    record_table_rate(&store, "2026-10-30", "1.0823");
    record_table_rate(&store, "2026-10-20", "1.5");
    let with = compute_month(&store, None, "2026-10", 2).unwrap();
    assert!(with.problems.is_empty(), "{:?}", with.problems);
    assert_eq!(
        snapshot(&store),
        vec![(
            "EUR".into(),
            "USD".into(),
            "1.0823".into(),
            "ECB reference rate (FX table)".into(),
            "2026-10-30".into()
        )]
    );
    let s = crate::commission_fixture::affiliate_statement(&store, None, "900", "2026-10").unwrap();
    assert_eq!(s.payable, "25.00");
    assert!(
        s.fx_snapshot.iter().any(|l| l.contains("1.0823")),
        "{:?}",
        s.fx_snapshot
    );

    close(&store, None, "2026-10", "fiona", 3).unwrap();
    record_table_rate(&store, "2026-10-30", "1.2");
    assert!(
        compute_month(&store, None, "2026-10", 4).is_err(),
        "a closed period is never recomputed"
    );
    assert_eq!(
        snapshot(&store)[0].2,
        "1.0823",
        "the snapshot kept its rate"
    );
    let insert = store.write::<_, StoreError>(|tx| {
        Ok(tx.execute("INSERT INTO fx_rates (period_id, from_currency, to_currency, rate, source, as_of, recorded_at_ms) SELECT id, 'GBP', 'EUR', '1.1', 'x', '2026-10-31', 5 FROM periods", [])?)
    });
    assert!(insert.unwrap_err().to_string().contains("never changed"));
}

/// per_day: each day's activity converts at that day's rate from the table (up to 7 days before), copied into
/// the period's per-day snapshot; the statement says so; a rate entered for the period by hand still wins every
/// day; at close the per-day snapshot freezes.
#[test]
fn a_per_day_plan_converts_each_days_activity_at_that_days_rate() {
    let (_d, store, program_id) = commission_store();
    default_plan(
        &store,
        r#"{"name": "RS daily", "currency": "EUR", "versions": [{"effective_from": "2026-01-01", "fx": "per_day",
        "components": [{"kind": "rev_share", "percent": "25", "ngr": "bets - wins"}]}]}"#,
    );
    add_usd_player_with_play(&store, program_id, "900"); // 108.23 USD on 10-06
    store
        .write::<_, StoreError>(|tx| {
            tx.execute("INSERT INTO player_activity_daily (player_id, day, currency, bets_micros, wins_micros) SELECT id, '2026-10-25', 'USD', ?1, 0 FROM players WHERE external_id = 'U1'", [150_000_000i64])?;
            Ok(())
        })
        .unwrap();
    record_table_rate(&store, "2026-10-05", "1.0823"); // serves 10-05..10-12
    record_table_rate(&store, "2026-10-24", "1.5"); // serves 10-24..10-31
    let out = compute_month(&store, None, "2026-10", 1).unwrap();
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    let s = crate::commission_fixture::affiliate_statement(&store, None, "900", "2026-10").unwrap();
    assert_eq!(
        s.payable, "50.00",
        "108.23 / 1.0823 + 150 / 1.5 = 200 EUR of NGR, 25 %; at the period's one rate (1.5) it would be 43.04"
    );
    let days: Vec<(String, String)> = store
        .read::<_, StoreError>(|c| {
            let mut q = c.prepare("SELECT day, rate FROM period_fx_daily ORDER BY day")?;
            let rows = q.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .unwrap();
    assert_eq!(
        days.len(),
        16,
        "10-05..10-12 and 10-24..10-31 have a rate within 7 days: {days:?}"
    );
    assert_eq!(days[1], ("2026-10-06".to_string(), "1.0823".to_string()));
    assert!(
        s.fx_snapshot.iter().any(
            |l| l.contains("at each day's rate: 16 days 2026-10-05..2026-10-31, 1.0823 to 1.5")
        ),
        "{:?}",
        s.fx_snapshot
    );

    // A rate entered for the period by hand wins over every day's.
    let stamp = affops_core::audit::Stamp::tool("test", "set_fx_rate", 2);
    let manual = FxRateInput {
        period: "2026-10".into(),
        from: "USD".into(),
        to: "EUR".into(),
        rate: "0.5".into(),
        source: "treasury".into(),
        as_of: "2026-10-31".into(),
    };
    affops_core::commission::period::record_fx(&store, program_id, &manual, &stamp).unwrap();
    compute_month(&store, None, "2026-10", 3).unwrap();
    let s = crate::commission_fixture::affiliate_statement(&store, None, "900", "2026-10").unwrap();
    assert_eq!(s.payable, "32.28", "258.23 × 0.5 × 25 % = 32.27875 → 32.28");
    affops_core::commission::period::record_fx(
        &store,
        program_id,
        &FxRateInput {
            from: "EUR".into(),
            to: "GBP".into(),
            ..manual
        },
        &stamp,
    )
    .unwrap();
    let count = |store: &Store| {
        store
            .read::<_, StoreError>(|c| {
                Ok(
                    c.query_row("SELECT COUNT(*) FROM period_fx_daily", [], |r| {
                        r.get::<_, i64>(0)
                    })?,
                )
            })
            .unwrap()
    };
    assert_eq!(
        count(&store),
        0,
        "the hand-entered rate replaced the per-day copies"
    );

    close(&store, None, "2026-10", "fiona", 4).unwrap();
    let insert = store.write::<_, StoreError>(|tx| {
        Ok(tx.execute("INSERT INTO period_fx_daily (period_id, day, from_currency, to_currency, rate, source, as_of, recorded_at_ms) SELECT id, '2026-10-06', 'EUR', 'USD', '1.1', 'x', '2026-10-06', 5 FROM periods", [])?)
    });
    assert!(insert.unwrap_err().to_string().contains("never changed"));
}

/// A rate entered for the period by hand wins over the table, and replaces an earlier copy from it.
#[test]
fn a_manual_period_rate_wins_over_the_table() {
    let (_d, store, program_id) = commission_store();
    default_plan(
        &store,
        r#"{"name": "RS", "currency": "EUR", "versions": [{"effective_from": "2026-01-01",
        "components": [{"kind": "rev_share", "percent": "25", "ngr": "bets - wins"}]}]}"#,
    );
    add_usd_player_with_play(&store, program_id, "900");
    record_table_rate(&store, "2026-10-30", "1.0823");
    compute_month(&store, None, "2026-10", 1).unwrap();
    let stamp = affops_core::audit::Stamp::tool("test", "set_fx_rate", 2);
    let manual = FxRateInput {
        period: "2026-10".into(),
        from: "USD".into(),
        to: "EUR".into(),
        rate: "0.5".into(),
        source: "treasury".into(),
        as_of: "2026-10-31".into(),
    };
    affops_core::commission::period::record_fx(&store, program_id, &manual, &stamp).unwrap();
    compute_month(&store, None, "2026-10", 3).unwrap();
    let snap = snapshot(&store);
    assert_eq!(snap.len(), 1, "the table's copy went: {snap:?}");
    assert_eq!(
        (snap[0].2.as_str(), snap[0].3.as_str()),
        ("0.5", "treasury")
    );
    let s = crate::commission_fixture::affiliate_statement(&store, None, "900", "2026-10").unwrap();
    assert_eq!(s.payable, "13.53", "108.23 × 0.5 × 25 % = 13.52875 → 13.53");
}

/// The dashboard converts a USD deposit in a EUR program at its day's rate; a GBP one with no rate is left out
/// and reported, never counted as zero; a rate that arrives later applies on the next read.
#[test]
fn dashboard_converts_other_currencies_at_the_days_rate_and_names_what_it_cannot() {
    let (_dir, ws) = workspace();
    let program_id = ws
        .store()
        .write::<_, StoreError>(|tx| {
            tx.execute("INSERT INTO programs (name, vertical, currency, timezone, created_at_ms) VALUES ('P', 'igaming', 'EUR', 'UTC', 0)", [])?;
            let pid = tx.last_insert_rowid();
            let a = add_affiliate(tx, pid, "A1", "Alpha", None);
            for (i, (cur, amount, day)) in [("EUR", 10 * M, "2026-10-05"), ("USD", 108_230_000, "2026-10-05"), ("GBP", 50 * M, "2026-10-06")].iter().enumerate() {
                tx.execute("INSERT INTO players (program_id, external_id, currency, registered_at_ms, day, country, affiliate_id) VALUES (?1, ?2, ?3, 0, ?4, 'DE', ?5)", rusqlite::params![pid, format!("p{i}"), cur, day, a])?;
                let p = tx.last_insert_rowid();
                tx.execute("INSERT INTO money_movements (program_id, external_id, player_id, kind, amount_micros, currency, occurred_at_ms, day, is_ftd) VALUES (?1, ?2, ?3, 'deposit', ?4, ?5, 0, ?6, 1)", rusqlite::params![pid, format!("d{i}"), p, amount, cur, day])?;
                affops_core::rollups::mark_dirty(tx, pid, day)?;
            }
            Ok(pid)
        })
        .unwrap();
    let program = ws
        .store()
        .read(affops_core::programs::all)
        .unwrap()
        .into_iter()
        .find(|p| p.id == program_id)
        .unwrap();
    let q = affops_core::api::DashboardQuery {
        from: Some("2026-10-01".into()),
        to: Some("2026-10-31".into()),
    };
    let by_country = affops_core::api::BreakdownQuery {
        from: q.from.clone(),
        to: q.to.clone(),
        dimension: affops_core::api::Dimension::Country,
        affiliate: None,
    };
    let breakdown = |ws: &Workspace| {
        let b = affops_core::breakdown::build(ws, &program, &by_country).unwrap();
        let left: Vec<(String, String)> = b
            .unconverted
            .iter()
            .map(|u| (u.currency.clone(), u.amount.clone()))
            .collect();
        (b.totals.deposits, b.rows[0].deposits.clone(), left)
    };
    let before = affops_core::dashboard::build(&ws, &program, &q).unwrap();
    assert_eq!(
        before.totals.ftd_amount, "10.00",
        "only EUR until a rate exists"
    );
    let cohorts = |ws: &Workspace| {
        let c =
            affops_core::cohorts::build(ws, &program, &affops_core::api::CohortQuery::default())
                .unwrap();
        let left: Vec<String> = c
            .unconverted
            .iter()
            .map(|u| format!("{} {}", u.amount, u.currency))
            .collect();
        let october = &c.cohorts[0];
        (
            october.players,
            october.months[0].cumulative_deposits_per_player.clone(),
            left,
        )
    };
    assert_eq!(
        cohorts(&ws),
        (
            3,
            "3.33".to_string(),
            vec!["50.00 GBP".to_string(), "108.23 USD".to_string()]
        ),
        "10 EUR over 3 players; the cohorts name what they cannot convert"
    );
    let (total, de, left) = breakdown(&ws);
    assert_eq!((total.as_str(), de.as_str()), ("10.00", "10.00"));
    assert_eq!(
        left,
        vec![
            ("GBP".to_string(), "50.00".to_string()),
            ("USD".to_string(), "108.23".to_string())
        ],
        "the breakdown names what it cannot convert, as the dashboard does"
    );
    let left: Vec<(&str, &str, u32)> = before
        .unconverted
        .iter()
        .map(|u| (u.currency.as_str(), u.amount.as_str(), u.days))
        .collect();
    assert_eq!(left, vec![("GBP", "50.00", 1), ("USD", "108.23", 1)]);

    record_table_rate(ws.store(), "2026-10-02", "1.0823"); // serves 10-05: within 7 days
    let after = affops_core::dashboard::build(&ws, &program, &q).unwrap();
    assert_eq!(
        after.totals.ftd_amount, "110.00",
        "108.23 USD at 1.0823 = 100 EUR, plus 10 EUR"
    );
    assert_eq!(after.rows[0].ftd_amount, "110.00");
    assert_eq!(after.rows[0].ftds, 3);
    let (total, de, left) = breakdown(&ws);
    assert_eq!(
        (total.as_str(), de.as_str()),
        ("110.00", "110.00"),
        "the breakdown's deposits convert at the day's rate too"
    );
    assert_eq!(left, vec![("GBP".to_string(), "50.00".to_string())]);
    assert_eq!(
        cohorts(&ws),
        (3, "36.67".to_string(), vec!["50.00 GBP".to_string()]),
        "110 EUR over 3 players, the USD at its day's rate"
    );
    let left: Vec<&str> = after
        .unconverted
        .iter()
        .map(|u| u.currency.as_str())
        .collect();
    assert_eq!(
        left,
        vec!["GBP"],
        "GBP still has no rate and is still named"
    );
}

/// FX changes are finance's: a viewer and an analyst are refused naming the permission, and nothing is written;
/// anyone who can see may list.
#[test]
fn only_finance_changes_the_fx_table() {
    let (dir, ws) = workspace();
    let path = write_file(dir.path(), "h.csv", HIST);
    for role in [Role::Viewer, Role::Analyst] {
        let cx = as_role(&ws, role, NOW);
        let e = ops::fx::fx_import(&cx, FxImportRequest { path: path.clone() }).unwrap_err();
        assert_eq!(e.code, ErrorCode::Forbidden);
        assert!(e.message.contains("periods.close"), "{}", e.message);
        let e = ops::fx::fx_set(
            &cx,
            FxSetRequest {
                day: "2026-10-05".into(),
                from: "EUR".into(),
                to: "USD".into(),
                rate: "1.1".into(),
            },
        )
        .unwrap_err();
        assert_eq!(e.code, ErrorCode::Forbidden);
        assert!(ops::fx::fx_list(&cx, FxListQuery::default())
            .unwrap()
            .rows
            .is_empty());
    }
    let cx = as_role(&ws, Role::Finance, NOW);
    ops::fx::fx_import(&cx, FxImportRequest { path }).unwrap();
    let audited: i64 = ws
        .store()
        .read::<_, StoreError>(|c| {
            Ok(c.query_row(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'fx_import'",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(audited, 1, "one audit entry per import");
}

fn hist_file(days: &[String], currencies: &[&str], rates: &[Vec<String>]) -> String {
    let mut s = format!("Date,{},\n", currencies.join(","));
    for (day, row) in days.iter().zip(rates) {
        s.push_str(&format!("{day},{},\n", row.join(",")));
    }
    s
}

fn rate_text() -> impl Strategy<Value = String> {
    (1u64..=99_999_999_999, 0u32..=8)
        .prop_map(|(m, scale)| Decimal::from_i128_with_scale(i128::from(m), scale).to_string())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Any ECB file of random rates round-trips exactly: decimal text in, the same decimal text out of the
    /// parser and out of the store.
    #[test]
    fn any_ecb_file_round_trips_exactly(
        n_days in 1usize..6,
        rates in proptest::collection::vec(proptest::collection::vec(rate_text(), 3), 6),
    ) {
        let currencies = ["USD", "JPY", "CHF"];
        let days: Vec<String> = (0..n_days).map(|i| format!("2026-03-{:02}", 20 - i)).collect();
        let rates = &rates[..n_days];
        let text = hist_file(&days, &currencies, rates);
        let parsed = ecb::parse(&text).unwrap();
        prop_assert!(parsed.rejected.is_empty());
        let got: Vec<String> = parsed.rates.iter().map(|r| r.rate.to_string()).collect();
        let want: Vec<String> = rates.iter().flatten().cloned().collect();
        prop_assert_eq!(&got, &want);

        let (_dir, ws) = workspace();
        let s = ws.store().write(|tx| fx::import_ecb(tx, "r.csv", text.as_bytes(), &fx::Recorder { at_ms: 1, by: "test" })).unwrap();
        prop_assert_eq!(s.rates_imported as usize, want.len());
        let listed = ws.store().read(|c| fx::list(c, &fx::ListFilter::default())).unwrap();
        for (day, row) in days.iter().zip(rates) {
            for (cur, text) in currencies.iter().zip(row) {
                let r = listed.rows.iter().find(|r| &r.day == day && r.quote == *cur).unwrap();
                prop_assert_eq!(&r.rate, text);
            }
        }
    }
}
