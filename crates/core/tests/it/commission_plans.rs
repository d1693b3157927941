//! Plans as data: the examples of docs/plans.md parse, validate and round-trip through JSON and TOML; every
//! invalid plan is refused with the path of the offending field and the reason, and nothing is saved; saved
//! versions are immutable.

use crate::commission_fixture::store;
use affops_core::commission::plan::file::{parse, write, PlanFormat};
use affops_core::commission::plan::saved::{catalog, load_plan, save_plan};
use affops_core::commission::plan::validate::validate;
use affops_core::commission::plan::Plan;
use affops_core::commission::CommissionError;

fn doc_blocks() -> Vec<(PlanFormat, String)> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/plans.md"))
        .unwrap();
    let mut out = Vec::new();
    let mut cur: Option<(PlanFormat, String)> = None;
    for l in text.lines() {
        match (&mut cur, l.trim_end()) {
            (None, "```json") => cur = Some((PlanFormat::Json, String::new())),
            (None, "```toml") => cur = Some((PlanFormat::Toml, String::new())),
            (Some(_), "```") => out.push(cur.take().unwrap()),
            (Some((_, body)), line) => {
                body.push_str(line);
                body.push('\n');
            }
            _ => {}
        }
    }
    out
}

/// The documentation's examples are real: each parses, validates against the program's symbols, and survives
/// JSON → TOML → JSON unchanged (export, then import, gives the same plan and the same version hashes).
#[test]
fn documented_examples_validate_and_round_trip() {
    let (_d, store, program_id) = store();
    let cat = store
        .read::<_, affops_core::store::StoreError>(|c| Ok(catalog(c, program_id).unwrap()))
        .unwrap();
    let blocks = doc_blocks();
    assert!(blocks.len() >= 6, "one example per plan kind");
    let mut kinds = std::collections::BTreeSet::new();
    for (format, body) in blocks {
        let plan = parse(&body, format).unwrap_or_else(|e| panic!("{e}\n{body}"));
        validate(&plan, &cat).unwrap_or_else(|e| panic!("{}: {e:?}", plan.name));
        for v in &plan.versions {
            kinds.insert(affops_core::commission::plan::kind_of(v));
        }
        for f in [PlanFormat::Json, PlanFormat::Toml] {
            let text = write(&plan, f).unwrap();
            let back: Plan = parse(&text, f).unwrap_or_else(|e| panic!("{e}\n{text}"));
            assert_eq!(back, plan, "{} through {f:?}:\n{text}", plan.name);
        }
    }
    for k in [
        "cpa",
        "revshare",
        "hybrid",
        "cpl",
        "ib_rebate",
        "revshare+sub_affiliate",
    ] {
        assert!(
            kinds.contains(k),
            "docs/plans.md lacks a {k} example: {kinds:?}"
        );
    }
}

fn base() -> serde_json::Value {
    serde_json::json!({"name": "P", "currency": "EUR", "versions": [{"effective_from": "2026-01-01", "components": [{"kind": "cpa", "amount": "10"}]}]})
}

/// The base plan with one field set (the field is created when the base lacks it).
fn with(path: &str, value: serde_json::Value) -> serde_json::Value {
    let mut v = base();
    let (parent, key) = path.rsplit_once('/').unwrap();
    let obj = v.pointer_mut(parent).unwrap_or_else(|| panic!("{path}"));
    match obj {
        serde_json::Value::Object(m) => {
            m.insert(key.to_string(), value);
        }
        other => *other.get_mut(key.parse::<usize>().unwrap()).unwrap() = value,
    }
    v
}

/// Each invalid plan names the field path and the reason; the DOMAIN.md §8 vector "a band with from > to is
/// rejected" is the first tier case.
#[test]
fn invalid_plans_name_the_field_and_reason() {
    use serde_json::json;
    let tiers = |t: serde_json::Value| json!([{"kind": "rev_share", "tiers": {"semantic": "band", "tiers": t}}]);
    let comps = "/versions/0/components";
    let cases: Vec<(serde_json::Value, &str, &str)> = vec![
        (with("/versions", json!([])), "versions", "no version"),
        (
            with(comps, json!([])),
            "versions[0].components",
            "pays nothing",
        ),
        (
            with("/currency", json!("EUX")),
            "currency",
            "unknown currency 'EUX'",
        ),
        (with("/name", json!(" ")), "name", "must not be empty"),
        (
            with("/versions/0/effective_from", json!("2026-13-01")),
            "versions[0].effective_from",
            "not a day",
        ),
        (
            with(
                "/versions",
                json!([{"effective_from": "2026-02-01", "components": [{"kind": "cpl", "amount": "1"}]}, {"effective_from": "2026-02-01", "components": [{"kind": "cpl", "amount": "2"}]}]),
            ),
            "versions[1].effective_from",
            "effective dates must increase",
        ),
        (
            with("/versions/0/components/0/amount", json!("-1")),
            "versions[0].components[0].amount",
            "must not be negative",
        ),
        (
            with(
                comps,
                tiers(json!([{"from": "16000", "to": "15000", "percent": "20"}])),
            ),
            "versions[0].components[0].tiers.tiers[0].from",
            "from 16000 is above to 15000",
        ),
        (
            with(
                comps,
                tiers(
                    json!([{"from": "0", "to": "100", "percent": "10"}, {"from": "100", "to": "200", "percent": "20"}]),
                ),
            ),
            "versions[0].components[0].tiers.tiers[1].from",
            "overlaps",
        ),
        (
            with(
                comps,
                tiers(
                    json!([{"from": "100", "to": "200", "percent": "10"}, {"from": "0", "to": "50", "percent": "20"}]),
                ),
            ),
            "versions[0].components[0].tiers.tiers[1].from",
            "tiers descend",
        ),
        (
            with(
                comps,
                tiers(
                    json!([{"from": "0", "percent": "10"}, {"from": "100", "to": "200", "percent": "20"}]),
                ),
            ),
            "versions[0].components[0].tiers.tiers[0].to",
            "only the last tier",
        ),
        (
            with(
                comps,
                tiers(json!([{"from": "0", "to": "10", "amount": "10"}])),
            ),
            "versions[0].components[0].tiers.tiers[0].percent",
            "needs a percent",
        ),
        (
            with(comps, json!([{"kind": "rev_share", "percent": "101"}])),
            "versions[0].components[0].percent",
            "above 100",
        ),
        (
            with(comps, json!([{"kind": "rev_share", "percent": "-5"}])),
            "versions[0].components[0].percent",
            "must not be negative",
        ),
        (
            with(comps, json!([{"kind": "rev_share"}])),
            "versions[0].components[0].percent",
            "flat percent or tiers",
        ),
        (
            with(
                comps,
                json!([{"kind": "rev_share", "percent": "25", "ngr": "bets - profit"}]),
            ),
            "versions[0].components[0].ngr",
            "unknown component 'profit'",
        ),
        (
            with(
                comps,
                json!([{"kind": "cpl", "amount": "1"}, {"kind": "cpl", "amount": "2"}]),
            ),
            "versions[0].components[1].kind",
            "at most one of each kind",
        ),
        (
            with(
                comps,
                json!([{"kind": "ib_rebate", "per_lot": [{"symbol": "BTCUSD", "amount_per_lot": "1"}]}]),
            ),
            "versions[0].components[0].per_lot[0].symbol",
            "unknown symbol 'BTCUSD'",
        ),
        (
            with(
                comps,
                json!([{"kind": "ib_rebate", "per_lot": [{"group": "crypto", "amount_per_lot": "1"}]}]),
            ),
            "versions[0].components[0].per_lot[0].group",
            "unknown symbol group 'crypto'",
        ),
        (
            with(
                comps,
                json!([{"kind": "ib_rebate", "per_lot": [{"amount_per_lot": "1"}]}]),
            ),
            "versions[0].components[0].per_lot[0]",
            "exactly one of symbol or group",
        ),
        (
            with(
                comps,
                json!([{"kind": "ib_rebate", "per_lot": [{"symbol": "EURUSD", "amount_per_lot": "0.00001"}]}]),
            ),
            "versions[0].components[0].per_lot[0].amount_per_lot",
            "more than 4 decimals",
        ),
        (
            with(
                comps,
                json!([{"kind": "ib_rebate", "per_lot": [{"symbol": "EURUSD", "amount_per_lot": "1"}], "overrides": [{"level": 0, "amount_per_lot": "1"}]}]),
            ),
            "versions[0].components[0].overrides[0].level",
            "outside 1..=5",
        ),
        (
            with(
                comps,
                json!([{"kind": "sub_affiliate", "basis": "commission", "levels": []}]),
            ),
            "versions[0].components[0].levels",
            "1 to 5 level",
        ),
        (
            with("/versions/0/min_payout", json!("-10")),
            "versions[0].min_payout",
            "must not be negative",
        ),
    ];
    let (_d, store, program_id) = store();
    for (json, path, reason) in cases {
        let plan: Plan =
            serde_json::from_value(json.clone()).unwrap_or_else(|e| panic!("{e}: {json}"));
        let err = store
            .write::<_, affops_core::store::StoreError>(|tx| {
                Ok(save_plan(tx, program_id, &plan, 0))
            })
            .unwrap();
        let Err(CommissionError::Invalid(errors)) = err else {
            panic!("{json} was accepted")
        };
        assert!(
            errors
                .iter()
                .any(|e| e.path == path && e.reason.contains(reason)),
            "{json}\nexpected {path}: {reason}\ngot {errors:?}"
        );
        let saved: i64 = store
            .read::<_, affops_core::store::StoreError>(|c| {
                Ok(c.query_row(
                    "SELECT (SELECT COUNT(*) FROM plans) + (SELECT COUNT(*) FROM plan_versions)",
                    [],
                    |r| r.get(0),
                )?)
            })
            .unwrap();
        assert_eq!(saved, 0, "nothing is saved when a plan is invalid");
    }
}

/// Saved versions are immutable: saving the same file again adds nothing; a different version with the same date
/// is refused (naming it); a later version is appended; the store itself refuses UPDATE and DELETE.
#[test]
fn saved_versions_are_immutable() {
    let (_d, store, program_id) = store();
    let plan: Plan = serde_json::from_value(base()).unwrap();
    let first = store
        .write::<_, affops_core::store::StoreError>(|tx| {
            Ok(save_plan(tx, program_id, &plan, 1).unwrap())
        })
        .unwrap();
    assert!(first.created_plan && first.versions[0].3);
    let again = store
        .write::<_, affops_core::store::StoreError>(|tx| {
            Ok(save_plan(tx, program_id, &plan, 2).unwrap())
        })
        .unwrap();
    assert!(!again.versions[0].3, "identical version: no-op");
    let changed: Plan = serde_json::from_value(with(
        "/versions/0/components/0/amount",
        serde_json::json!("11"),
    ))
    .unwrap();
    let Err(CommissionError::Invalid(e)) = store
        .write::<_, affops_core::store::StoreError>(|tx| Ok(save_plan(tx, program_id, &changed, 3)))
        .unwrap()
    else {
        panic!("edit accepted")
    };
    assert_eq!(e[0].path, "versions[0]");
    assert!(e[0].reason.contains("immutable"), "{e:?}");
    let mut later = plan.clone();
    later.versions.push(changed.versions[0].clone());
    later.versions[1].effective_from = "2026-06-01".into();
    let out = store
        .write::<_, affops_core::store::StoreError>(|tx| {
            Ok(save_plan(tx, program_id, &later, 4).unwrap())
        })
        .unwrap();
    assert_eq!(out.versions.iter().filter(|v| v.3).count(), 1);
    let stored = store
        .read::<_, affops_core::store::StoreError>(|c| {
            Ok(load_plan(c, program_id, "P").unwrap().unwrap())
        })
        .unwrap();
    assert_eq!(stored.to_plan(), later);
    for sql in [
        "UPDATE plan_versions SET body_json = '{}'",
        "DELETE FROM plan_versions",
        "UPDATE plans SET currency = 'USD'",
    ] {
        let r = store.write::<_, affops_core::store::StoreError>(|tx| Ok(tx.execute(sql, [])?));
        assert!(r.is_err(), "{sql} must be refused by a trigger");
    }
}

/// The affiliate profile's plan history lists the program default and the affiliate's own assignment, so a
/// manager sees which terms applied when (the engine's choice: own assignment first, else the default).
#[test]
fn affiliate_profile_lists_its_plan_history() {
    let (_d, store, program_id) = super::commission_fixture::igaming_world();
    let name = super::commission_fixture::save_plan(
        &store,
        r#"{"name": "VIP", "currency": "EUR", "versions": [{"effective_from": "2026-06-01",
        "components": [{"kind": "rev_share", "percent": "40", "ngr": "bets - wins"}]}]}"#,
    );
    super::commission_fixture::assign_plan_by(&store, &name, Some("777"), "2026-06-01", "maria");
    let period = affops_core::api::Period {
        from: "2026-10-01".into(),
        to: "2026-10-31".into(),
    };
    let detail = |ext: &str| {
        store
            .read::<_, affops_core::store::StoreError>(|c| {
                Ok(affops_core::attribution::affiliates::detail(
                    c, program_id, ext, &period,
                ))
            })
            .unwrap()
            .unwrap()
    };
    let vip = detail("777").plan_history;
    assert_eq!(vip.len(), 2, "{vip:?}");
    assert_eq!(
        (vip[0].plan.as_str(), vip[0].program_default),
        ("Hybrid", true)
    );
    assert_eq!(
        (
            vip[1].plan.as_str(),
            vip[1].program_default,
            vip[1].assigned_by.as_str()
        ),
        ("VIP", false, "maria")
    );
    let other = detail("502").plan_history;
    assert_eq!(other.len(), 1, "another affiliate's own plan is not theirs");
}
