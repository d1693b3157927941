//! Plan preview: a version not saved yet is run over a past period next to the current plans, and nothing is
//! posted. These pin who is previewed, that carryovers stay out, that a missing FX rate is reported rather than
//! silently counted, and (through a real store) that a file's errors come back with their paths.

use crate::commission_fixture::{assigned, eur, version, World, M};
use affops_core::commission::engine::FxIn;
use affops_core::commission::preview::{compare, preview_plan, targets};
use affops_core::commission::rounding::RoundingMode;
use affops_core::workspace::{ProgramSpec, Workspace};
use rusqlite::params;

fn named(name: &str, components: &str) -> affops_core::commission::engine::AssignedPlan {
    let mut p = eur(components);
    p.plan_name = name.into();
    p
}

/// Two affiliates on "RS" (25%), one on "CPA": the new RS version (30%) is previewed for the RS affiliates only,
/// with exact amounts, and the CPA affiliate is left alone.
#[test]
fn a_new_version_is_previewed_for_the_affiliates_on_that_plan() {
    let rs = r#"{"kind": "rev_share", "percent": "25"}"#;
    let mut w = World::new();
    w.affiliate(1, None, Some(named("RS", rs)))
        .affiliate(2, None, Some(named("RS", rs)))
        .affiliate(
            3,
            None,
            Some(named("CPA", r#"{"kind": "cpa", "amount": "50"}"#)),
        );
    w.player(10, Some(1), "2026-10-02", "DE")
        .play(10, "2026-10-03", 1000 * M, 600 * M); // NGR 400
    w.player(11, Some(2), "2026-10-02", "DE")
        .play(11, "2026-10-04", 333 * M, 0); // NGR 333
    w.player(12, Some(3), "2026-10-02", "DE")
        .deposit(1, 12, "2026-10-02", 100 * M, true);
    let proposed = named("RS", r#"{"kind": "rev_share", "percent": "30"}"#);

    assert_eq!(
        targets(&w.input, &proposed).into_iter().collect::<Vec<_>>(),
        vec![1, 2]
    );
    let (rows, problems) = compare(&w.input, &proposed);
    assert!(problems.is_empty(), "{problems:?}");
    let got: Vec<(i64, i64, i64)> = rows
        .iter()
        .map(|r| (r.affiliate_id, r.current_micros, r.proposed_micros))
        .collect();
    // 25% and 30% of 400 and of 333 (99.90, half-up to the cent).
    assert_eq!(
        got,
        vec![(1, 100 * M, 120 * M), (2, 83_250_000, 99_900_000)]
    );
    assert_eq!(rows[0].current_plan, Some(("RS".to_string(), 1)));
}

/// A plan nobody is on yet is previewed as if every affiliate were on it.
#[test]
fn a_new_plan_is_previewed_for_every_affiliate() {
    let mut w = World::new();
    w.affiliate(
        1,
        None,
        Some(named("RS", r#"{"kind": "rev_share", "percent": "25"}"#)),
    )
    .affiliate(2, None, None);
    w.player(10, Some(1), "2026-10-02", "DE")
        .play(10, "2026-10-03", 100 * M, 0);
    w.player(11, Some(2), "2026-10-05", "DE");
    let proposed = named("CPL", r#"{"kind": "cpl", "amount": "5"}"#);
    let (rows, _) = compare(&w.input, &proposed);
    let got: Vec<(i64, i64, i64)> = rows
        .iter()
        .map(|r| (r.affiliate_id, r.current_micros, r.proposed_micros))
        .collect();
    assert_eq!(got, vec![(1, 25 * M, 5 * M), (2, 0, 5 * M)]);
    assert_eq!(rows[1].current_plan, None);
}

/// A balance carried in is not what the terms pay: the preview compares the terms alone.
#[test]
fn carried_balances_stay_out_of_the_comparison() {
    let v = version(
        r#""negative_carryover": true,"#,
        r#"{"kind": "rev_share", "percent": "25"}"#,
    );
    let mut cur = assigned(v.clone(), "EUR", RoundingMode::HalfUp);
    cur.plan_name = "RS".into();
    let mut w = World::new();
    w.affiliate(1, None, Some(cur.clone()));
    w.player(10, Some(1), "2026-10-02", "DE")
        .play(10, "2026-10-03", 200 * M, 0);
    w.input.carry_in.insert(1, -30 * M);
    let (rows, _) = compare(&w.input, &cur);
    assert_eq!(
        (rows[0].current_micros, rows[0].proposed_micros),
        (50 * M, 50 * M)
    );
}

/// A current plan in USD against a proposed EUR plan converts at the snapshot; without a rate it is a problem.
#[test]
fn another_currency_converts_at_the_snapshot_or_is_reported() {
    let mut usd = assigned(
        version("", r#"{"kind": "cpl", "amount": "10"}"#),
        "USD",
        RoundingMode::HalfUp,
    );
    usd.plan_name = "LEADS".into();
    let mut w = World::new();
    w.affiliate(1, None, Some(usd));
    w.player(10, Some(1), "2026-10-02", "DE");
    let proposed = named("LEADS", r#"{"kind": "cpl", "amount": "8"}"#);
    let (_, problems) = compare(&w.input, &proposed);
    assert!(
        problems
            .iter()
            .any(|p| p.kind == "unknown_currency" && p.subject == "aff1"),
        "{problems:?}"
    );

    w.input.fx.push(FxIn {
        from: "USD".into(),
        to: "EUR".into(),
        rate: "0.9".parse().unwrap(),
    });
    let (rows, problems) = compare(&w.input, &proposed);
    assert!(
        problems.iter().all(|p| p.kind != "unknown_currency"),
        "{problems:?}"
    );
    assert_eq!(
        (rows[0].current_micros, rows[0].proposed_micros),
        (9 * M, 8 * M)
    );
}

/// Through a store: a saved 25% default plan, one affiliate with NGR 200 in October; the new 30% version would
/// have paid 60.00 instead of 50.00; nothing is posted; a broken file answers with its field path.
#[test]
fn preview_through_the_store_posts_nothing_and_reports_paths() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path()).unwrap();
    let spec = ProgramSpec {
        name: "Casino".into(),
        vertical: affops_core::programs::Vertical::Igaming,
        currency: "EUR".into(),
        timezone: "UTC".into(),
    };
    let program_id = ws.ensure_program(&spec, 0).unwrap();
    ws.store()
        .write::<_, affops_core::store::StoreError>(|tx| {
            tx.execute("INSERT INTO affiliates (id, program_id, external_id, name, created_at_ms) VALUES (1, ?1, 'a-1', 'Alpha', 0)", [program_id])?;
            tx.execute(
                "INSERT INTO players (id, program_id, external_id, currency, registered_at_ms, day, affiliate_id) VALUES (10, ?1, 'p-10', 'EUR', 0, '2026-10-02', 1)",
                [program_id],
            )?;
            tx.execute("INSERT INTO player_activity_daily (player_id, day, currency, bets_micros) VALUES (10, '2026-10-03', 'EUR', ?1)", params![200 * M])?;
            Ok(())
        })
        .unwrap();
    let file = |pct: &str, from: &str| {
        format!(
            r#"{{"name": "RS", "currency": "EUR", "versions": [{{"effective_from": "{from}", "components": [{{"kind": "rev_share", "percent": "{pct}", "ngr": "bets - wins"}}]}}]}}"#
        )
    };
    let name = crate::commission_fixture::save_plan(ws.store(), &file("25", "2026-01-01"));
    crate::commission_fixture::assign_plan(ws.store(), &name, None, "2026-01-01");
    let prog = ws
        .store()
        .read(|c| affops_core::commission::load::program(c, None))
        .unwrap();
    let json = affops_core::commission::plan::file::PlanFormat::Json;
    let p = preview_plan(
        ws.store(),
        &prog,
        json,
        &file("30", "2026-11-01"),
        "2026-10",
    )
    .unwrap();
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(
        (p.period.from.as_str(), p.period.to.as_str()),
        ("2026-10-01", "2026-10-31")
    );
    let row = &p.rows[0];
    assert_eq!(
        (row.affiliate_id.as_str(), row.affiliate_name.as_str()),
        ("a-1", "Alpha")
    );
    assert_eq!(
        (
            row.current.as_str(),
            row.proposed.as_str(),
            row.difference.as_str()
        ),
        ("50.00", "60.00", "10.00")
    );
    assert_eq!(
        (row.current_plan.as_deref(), row.current_version_no),
        (Some("RS"), Some(1))
    );
    let posted: i64 = ws
        .store()
        .read::<_, affops_core::store::StoreError>(|c| {
            Ok(c.query_row("SELECT COUNT(*) FROM ledger_entries", [], |r| r.get(0))?)
        })
        .unwrap();
    assert_eq!(posted, 0, "a preview never posts");

    let bad = preview_plan(
        ws.store(),
        &prog,
        json,
        &file("-5", "2026-11-01"),
        "2026-10",
    )
    .unwrap();
    assert!(bad.rows.is_empty());
    assert!(
        bad.errors
            .iter()
            .any(|e| e.path.starts_with("versions[0].components[0]")),
        "{:?}",
        bad.errors
    );
    assert!(
        preview_plan(
            ws.store(),
            &prog,
            json,
            &file("30", "2026-11-01"),
            "2026-13"
        )
        .is_err(),
        "a bad period label is refused"
    );
}

/// The plan editor's templates (`ui/src/lib/plan-templates.json`, one plan per kind) are valid plans: a user who
/// picks one starts from a file that checks clean, and a change to the plan format that breaks one fails here.
#[test]
fn the_editors_templates_are_valid_plans() {
    use affops_core::commission::plan::file::{parse, PlanFormat};
    use affops_core::commission::plan::validate::{validate, SymbolCatalog};
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../ui/src/lib/plan-templates.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let all: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&text).unwrap();
    let kinds: Vec<&str> = all.keys().map(String::as_str).collect();
    assert_eq!(
        kinds,
        [
            "cpa",
            "cpa_geo",
            "cpl",
            "hybrid",
            "ib_rebate",
            "revshare",
            "sub_affiliate"
        ]
    );
    let catalog = SymbolCatalog {
        symbols: ["XAUUSD".to_string()].into(),
        groups: ["forex".to_string()].into(),
    };
    for (kind, plan) in &all {
        let plan = parse(&plan.to_string(), PlanFormat::Json)
            .unwrap_or_else(|e| panic!("template {kind}: {e}"));
        if let Err(errors) = validate(&plan, &catalog) {
            panic!("template {kind} does not validate: {errors:?}");
        }
    }
}
