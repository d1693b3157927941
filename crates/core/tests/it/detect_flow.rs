//! Detection as a whole: threshold validation, a failing rule next to working ones, idempotent and incremental
//! runs (late data included), audited decisions, backtests and the investigation view.

use affops_core::api::{
    BacktestRequest, Decision, FlagBulkDecisionInput, FlagDecisionInput, FlagFilter,
};
use affops_core::audit::Stamp;
use affops_core::detect::{
    self, settings, Effective, Finding, Rule, RuleFailure, Setting, When, Window,
};
use rusqlite::Connection;

use crate::detect_fixture::{deal, flag_count, flagged, forex_account, Fx, DAY, HOUR, NOW, T0};

/// Settings are checked before use, and the message names the rule, the setting and why.
#[test]
fn threshold_validation_messages() {
    let decl = detect::clicks::FLOODING.settings;
    let base = settings::defaults(decl);
    let e = settings::validate("click_flooding", decl, &base, &[("min_clicks".into(), 3)])
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("'min_clicks'")
            && e.contains("click_flooding")
            && e.contains("between 10 and")
            && e.contains("ordinary repeat visits"),
        "{e}"
    );
    let e = settings::validate("click_flooding", decl, &base, &[("min_click".into(), 30)])
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("no setting 'min_click'") && e.contains("min_clicks"),
        "{e}"
    );
    let e = settings::parse_pairs(&["min_clicks=lots".into()])
        .unwrap_err()
        .to_string();
    assert!(e.contains("whole number") && e.contains("lots"), "{e}");
    assert!(settings::parse_pairs(&["min_clicks".into()]).is_err());
    // A saved version is audited and is the one in force.
    let fx = Fx::new();
    let values =
        settings::validate("click_flooding", decl, &base, &[("min_clicks".into(), 50)]).unwrap();
    let v = fx
        .store
        .write(|tx| settings::save(tx, fx.program, "click_flooding", &values, "ana", T0))
        .unwrap();
    assert_eq!(v, 1);
    let eff = fx
        .store
        .read(|c| settings::current(c, fx.program, "click_flooding", decl))
        .unwrap();
    assert_eq!((eff.version, eff.get("min_clicks")), (1, 50));
    assert_eq!(
        fx.count("SELECT COUNT(*) FROM rule_settings WHERE set_by = 'ana'"),
        1,
        "the version names who set it (the front door audits the operation)"
    );
}

static BROKEN: Rule = Rule {
    name: "broken",
    pattern: "broken",
    signal: "fails on odd data (a test rule)",
    settings: &[Setting {
        key: "x",
        default: 1,
        min: 0,
        max: 2,
        meaning: "test",
    }],
    evaluate: broken,
};

fn broken(_: &Connection, _: &Window, _: &Effective) -> Result<Vec<Finding>, RuleFailure> {
    Err(RuleFailure {
        rule: String::new(),
        rows: vec!["player p9".into()],
        reason: "odd data".into(),
    })
}

/// One rule failing on odd data is reported with its name and rows; the rules after it still flag. A real
/// rule does the same: a deal without a position id stops only forex_churning.
#[test]
fn a_failing_rule_does_not_stop_the_others() {
    let fx = Fx::new();
    let a = fx.affiliate("1");
    fx.click(
        "c1",
        a,
        T0,
        "1.1.1.1",
        "",
        "DE",
        "https://b.example/?gclid=1",
    );
    let p = fx.player("p1", Some(a), T0, None, "DE", "", "", None);
    let acc = forex_account(&fx, "77", p);
    deal(&fx, "t1", acc, "BUY", "IN", "", T0);
    let rules = [
        &BROKEN,
        &detect::forex::CHURNING,
        &detect::clicks::BRAND_BIDDING,
    ];
    let report = detect::run_rules(&fx.store, fx.program, NOW, When::Always, &rules).unwrap();
    let f = report.rules[0].failure.as_ref().unwrap();
    assert_eq!(
        (f.rule.as_str(), f.rows.clone(), f.reason.as_str()),
        ("broken", vec!["player p9".to_string()], "odd data")
    );
    let f = report.rules[1].failure.as_ref().unwrap();
    assert_eq!(
        (f.rule.as_str(), f.rows.clone()),
        ("forex_churning", vec!["deal t1".to_string()])
    );
    assert_eq!(report.rules[2].flags_created, 1);
    assert_eq!(flag_count(&fx, "brand_bidding"), 1);
    let stored: String = fx
        .store
        .read::<_, affops_core::store::StoreError>(|c| {
            Ok(c.query_row("SELECT report_json FROM detection_runs", [], |r| r.get(0))?)
        })
        .unwrap();
    assert!(stored.contains("odd data") && stored.contains("deal t1"));
}

/// Three injected clicks, each with a player who deposits 20 (FTD) and a tracker conversion paying 50; the
/// program pays CPA 35 on a first deposit of 20 or more. The commission at stake is the engine's (35 per player),
/// not the tracker's payout.
fn injection_world(fx: &Fx) -> i64 {
    crate::commission_fixture::default_plan(
        &fx.store,
        r#"{"name": "CPA", "currency": "EUR", "versions": [{"effective_from": "2026-01-01",
        "components": [{"kind": "cpa", "amount": "35", "qualification": {"min_ftd": "20"}}]}]}"#,
    );
    let a = fx.affiliate("1");
    for n in 0..3 {
        fx.click(&format!("c{n}"), a, T0 + n * HOUR, "1.1.1.1", "", "DE", "");
        let p = fx.player(
            &format!("p{n}"),
            Some(a),
            T0 + n * HOUR + 5_000,
            Some(&format!("c{n}")),
            "DE",
            "1.1.1.1",
            "dev",
            None,
        );
        fx.money(
            &format!("d{n}"),
            p,
            "deposit",
            20_000_000,
            T0 + n * HOUR + 60_000,
            true,
            Some("card"),
        );
        fx.conversion(
            &format!("cv{n}"),
            a,
            &format!("c{n}"),
            &format!("p{n}"),
            &format!("d{n}"),
            "approved",
            50_000_000,
            20_000_000,
            "EUR",
            T0 + n * HOUR + 90_000,
            Some(T0 + n * HOUR),
        );
    }
    a
}

/// Re-running over the same data creates no duplicate flags and no revisions; a run after each import does nothing
/// when nothing arrived; late data revises the flags it touches (a new player joins the spike: the others' evidence
/// grows, as new revisions).
#[test]
fn reruns_are_idempotent_and_late_data_revises() {
    let fx = Fx::new();
    injection_world(&fx);
    let first = detect::run(&fx.store, fx.program, NOW, When::Always).unwrap();
    assert!(first.flags_created >= 3);
    let total = fx.count("SELECT COUNT(*) FROM flags");
    let revisions = fx.count("SELECT COUNT(*) FROM flag_revisions");
    assert_eq!(revisions, total, "one revision per new flag");
    let again = detect::run(&fx.store, fx.program, NOW, When::Always).unwrap();
    assert_eq!(
        (
            again.flags_created,
            again.flags_updated,
            again.flags_superseded
        ),
        (0, 0, 0)
    );
    assert_eq!(fx.count("SELECT COUNT(*) FROM flags"), total);
    assert_eq!(fx.count("SELECT COUNT(*) FROM flag_revisions"), revisions);
    let idle = detect::run(&fx.store, fx.program, NOW + DAY, When::Changed).unwrap();
    assert!(idle.skipped && idle.rules.is_empty(), "{idle:?}");
    // Late data: an injected registration whose events predate the last run.
    let a: i64 = fx.count("SELECT id FROM affiliates");
    fx.click("late", a, T0 + 5 * HOUR, "1.1.1.1", "", "DE", "");
    fx.player(
        "p-late",
        Some(a),
        T0 + 5 * HOUR + 4_000,
        Some("late"),
        "DE",
        "",
        "",
        None,
    );
    let late = detect::run(&fx.store, fx.program, NOW + 2 * DAY, When::Changed).unwrap();
    assert!(!late.skipped);
    assert!(flagged(&fx, "click_injection").contains(&"p-late".to_string()));
    let injection = late
        .rules
        .iter()
        .find(|r| r.rule == "click_injection")
        .unwrap();
    assert_eq!(
        (injection.flags_created, injection.flags_updated),
        (1, 3),
        "the new player is a new flag; the spike of the other three grew from 3 to 4"
    );
    let summary: String = fx
        .store
        .read::<_, affops_core::store::StoreError>(|c| {
            Ok(c.query_row(
                "SELECT c.summary FROM flags f JOIN flag_current c ON c.flag_id = f.id WHERE f.subject_key = 'player:p0'",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert!(summary.contains("4 such players"), "{summary}");
}

/// 120 clicks from `ip` on sub1 's1', one every 5 minutes from T0 (10 hours, flat over the clock), none converting.
fn flood(fx: &Fx, affiliate: i64, ip: &str) {
    for n in 0..120 {
        fx.click(
            &format!("f{n}"),
            affiliate,
            T0 + n * 5 * 60_000,
            ip,
            "s1",
            "DE",
            "",
        );
    }
}

/// A click flood flagged before its registrations arrived is superseded once they do (kept, with why, out of
/// the open queue); a decision taken on it survives and names the revision it was taken against; the burst
/// flagged again (here because a setting is loosened) is reopened, not duplicated.
#[test]
fn late_registrations_supersede_a_flood_and_decisions_survive() {
    let fx = Fx::new();
    let a = fx.affiliate("7");
    flood(&fx, a, "9.9.9.9");
    let rules = [&detect::clicks::FLOODING];
    let first = detect::run_rules(&fx.store, fx.program, NOW, When::Changed, &rules).unwrap();
    assert_eq!(first.flags_created, 1);
    let flood = detect::queue::list(&fx.store, &FlagFilter::default()).unwrap();
    assert_eq!(
        (flood.len(), flood[0].revision, flood[0].status.as_str()),
        (1, 1, "open")
    );
    let id = flood[0].id;
    let stamp = Stamp {
        user_id: Some(1),
        actor: "ana".into(),
        ..Stamp::tool("test", "flag_decide", NOW)
    };
    detect::queue::decide(
        &fx.store,
        &FlagDecisionInput {
            flag_id: id,
            decision: Decision::Dismiss,
            comment: "looking at it".into(),
        },
        &stamp,
    )
    .unwrap();
    // The operator's registrations for 12 of those clicks arrive a day later: 100 per mille, not a flood.
    for n in 0..12 {
        fx.player(
            &format!("r{n}"),
            Some(a),
            T0 + n * 5 * 60_000 + 300_000,
            Some(&format!("f{n}")),
            "DE",
            "",
            "",
            None,
        );
    }
    let second =
        detect::run_rules(&fx.store, fx.program, NOW + DAY, When::Changed, &rules).unwrap();
    assert_eq!((second.flags_created, second.flags_superseded), (0, 1));
    let inv = detect::queue::investigate(&fx.store, id).unwrap();
    assert_eq!(inv.flag.revision, 2);
    assert_eq!(inv.flag.revision_state, "superseded");
    assert!(
        inv.flag.revision_reason.contains("no longer meet"),
        "{}",
        inv.flag.revision_reason
    );
    assert_eq!(
        inv.flag.status, "dismissed",
        "the decision survives the revision"
    );
    assert_eq!(inv.flag.decided_revision, Some(1));
    assert_eq!(inv.decisions[0].revision, 1);
    assert_eq!(
        inv.revisions
            .iter()
            .map(|r| r.state.as_str())
            .collect::<Vec<_>>(),
        ["found", "superseded"]
    );
    assert!(inv.revisions[0].summary.contains("0 registrations"));
    // Undecided, a superseded flag leaves the open queue but stays listed as superseded.
    let open = detect::queue::list(
        &fx.store,
        &FlagFilter {
            status: Some("superseded".into()),
            ..FlagFilter::default()
        },
    )
    .unwrap();
    assert!(
        open.is_empty(),
        "decided flags keep their decision as status"
    );
    // Loosen the rule so the burst counts again: the same flag is reopened, not a second one.
    fx.store
        .write::<_, affops_core::store::StoreError>(|tx| {
            let mut values = settings::defaults(detect::clicks::FLOODING.settings);
            values.insert("max_registrations_per_mille".into(), 200);
            settings::save(tx, fx.program, "click_flooding", &values, "ana", NOW)
        })
        .unwrap();
    let third =
        detect::run_rules(&fx.store, fx.program, NOW + 2 * DAY, When::Changed, &rules).unwrap();
    assert_eq!((third.flags_created, third.flags_reopened), (0, 1));
    assert_eq!(fx.count("SELECT COUNT(*) FROM flags"), 1);
    assert_eq!(fx.count("SELECT MAX(revision) FROM flag_revisions"), 3);
}

/// A decision is a new row by a named user, in the audit log (with the hold request on confirm); the evidence
/// cannot be edited; unknown users, missing comments and bad decisions are refused with a reason.
#[test]
fn decisions_are_audited_and_never_edit_evidence() {
    let fx = Fx::new();
    injection_world(&fx);
    detect::run(&fx.store, fx.program, NOW, When::Always).unwrap();
    let flags = detect::queue::list(
        &fx.store,
        &FlagFilter {
            pattern: Some("click_injection".into()),
            ..FlagFilter::default()
        },
    )
    .unwrap();
    assert_eq!(flags.len(), 3);
    assert_eq!(flags[0].amount_at_stake, "35.00", "one player's CPA");
    let id = flags[0].id;
    let input = |decision: Decision, comment: &str| FlagDecisionInput {
        flag_id: id,
        decision,
        comment: comment.into(),
    };
    let ana = |at: i64| Stamp {
        user_id: Some(1),
        actor: "ana".into(),
        ..Stamp::tool("test", "flag_decide", at)
    };
    let nobody = Stamp::tool("test", "flag_decide", NOW);
    assert!(
        detect::queue::decide(&fx.store, &input(Decision::Confirm, "x"), &nobody)
            .unwrap_err()
            .to_string()
            .contains("signed-in person")
    );
    assert!(
        detect::queue::decide(&fx.store, &input(Decision::Confirm, "  "), &ana(NOW))
            .unwrap_err()
            .to_string()
            .contains("comment")
    );
    let row = detect::queue::decide(
        &fx.store,
        &input(Decision::Confirm, "5 s CTIT, same device"),
        &ana(NOW),
    )
    .unwrap();
    assert_eq!(row.status, "confirmed");
    let row = detect::queue::decide(
        &fx.store,
        &input(Decision::Dismiss, "second look: known partner test"),
        &ana(NOW + 1),
    )
    .unwrap();
    assert_eq!(row.status, "dismissed");
    assert_eq!(fx.count("SELECT COUNT(*) FROM flag_decisions"), 2);
    // One audit entry per decision, naming who decided and what moved.
    assert_eq!(
        fx.count("SELECT COUNT(*) FROM audit_log WHERE action = 'flag_decide' AND actor = 'ana'"),
        2
    );
    assert_eq!(fx.store.read(affops_core::audit::verify).unwrap(), None);
    let open = detect::queue::list(
        &fx.store,
        &FlagFilter {
            status: Some("open".into()),
            ..FlagFilter::default()
        },
    )
    .unwrap();
    assert!(open.iter().all(|f| f.id != id));
    let edit = fx
        .store
        .write(|tx| -> affops_core::store::StoreResult<usize> {
            Ok(tx.execute("UPDATE flags SET evidence_json = '{}' WHERE id = ?1", [id])?)
        });
    assert!(edit.unwrap_err().to_string().contains("never edited"));
    let del = fx
        .store
        .write(|tx| -> affops_core::store::StoreResult<usize> {
            Ok(tx.execute("DELETE FROM flag_decisions", [])?)
        });
    assert!(del.is_err());
    assert!(detect::queue::list(
        &fx.store,
        &FlagFilter {
            severity: Some("urgent".into()),
            ..FlagFilter::default()
        }
    )
    .is_err());
}

/// A backtest saves nothing, reflects changed thresholds and totals the commission at stake per affiliate.
#[test]
fn backtest_shows_what_would_be_flagged() {
    let fx = Fx::new();
    injection_world(&fx);
    let req = BacktestRequest {
        rule: Some("click_injection".into()),
        settings: vec!["max_ctit_secs=3".into()],
    };
    let r = detect::backtest::backtest(&fx.store, fx.program, &req, NOW).unwrap();
    assert_eq!(r.rules[0].findings, 0);
    let req = BacktestRequest {
        rule: Some("click_injection".into()),
        settings: vec!["max_ctit_secs=10".into()],
    };
    let r = detect::backtest::backtest(&fx.store, fx.program, &req, NOW).unwrap();
    assert_eq!(
        (
            r.rules[0].findings,
            r.rules[0].affiliates[0].amount_at_stake.as_str()
        ),
        (3, "105.00")
    );
    assert_eq!(fx.count("SELECT COUNT(*) FROM flags"), 0);
    let bad = BacktestRequest {
        rule: Some("click_injection".into()),
        settings: vec!["max_ctit_secs=0".into()],
    };
    assert!(detect::backtest::backtest(&fx.store, fx.program, &bad, NOW)
        .unwrap_err()
        .to_string()
        .contains("max_ctit_secs"));
    assert!(detect::backtest::backtest(
        &fx.store,
        fx.program,
        &BacktestRequest {
            rule: Some("nope".into()),
            settings: vec![]
        },
        NOW
    )
    .is_err());
}

/// The investigation of a flag has its timeline, the identifiers its players share, a CTIT histogram and geo.
#[test]
fn investigation_view() {
    let fx = Fx::new();
    let a = injection_world(&fx);
    detect::run(&fx.store, fx.program, NOW, When::Always).unwrap();
    let flags = detect::queue::list(
        &fx.store,
        &FlagFilter {
            pattern: Some("click_injection".into()),
            ..FlagFilter::default()
        },
    )
    .unwrap();
    // Conversions reach a player's timeline by its player reference or by its click id as transaction id; an
    // unrelated one (another click, another player) does not.
    for n in 0..3 {
        let at = T0 + n * HOUR + 120_000;
        let (t, p) = (format!("c{n}"), format!("p{n}"));
        fx.conversion(
            &format!("cv{n}t"),
            a,
            &t,
            "",
            "",
            "pending",
            0,
            0,
            "EUR",
            at,
            None,
        );
        fx.conversion(
            &format!("cv{n}p"),
            a,
            "",
            &p,
            "",
            "pending",
            0,
            0,
            "EUR",
            at + 1,
            None,
        );
    }
    fx.conversion("cv9", a, "c9", "p9", "", "pending", 0, 0, "EUR", T0, None);
    let inv = detect::queue::investigate(&fx.store, flags[0].id).unwrap();
    let kinds: Vec<&str> = inv.timeline.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        vec![
            "click",
            "registration",
            "deposit",
            "conversion",
            "conversion",
            "conversion"
        ]
    );
    let n = inv.timeline[1]
        .reference
        .trim_start_matches('p')
        .to_string();
    let conversions: Vec<&str> = inv
        .timeline
        .iter()
        .filter(|e| e.kind == "conversion")
        .map(|e| e.reference.as_str())
        .collect();
    assert_eq!(
        conversions,
        vec![format!("cv{n}"), format!("cv{n}t"), format!("cv{n}p")]
    );
    assert!(inv
        .shared
        .iter()
        .any(|s| s.kind == "device" && s.players.len() == 3));
    assert!(inv
        .shared
        .iter()
        .any(|s| s.kind == "payment" && s.players.len() == 3));
    assert_eq!(
        inv.ctit
            .iter()
            .find(|b| b.label == "3-10s")
            .unwrap()
            .players,
        3
    );
    assert!(inv.ctit_svg.starts_with("<svg"));
    assert_eq!(inv.geo[0].players, 3);
    assert!(detect::queue::investigate(&fx.store, 999).is_err());
    let alerts = detect::service::dashboard_alerts(&fx.store).unwrap();
    assert!(alerts[0].open_flags >= 3);
    assert_eq!(alerts[0].program, "P", "alerts name their program");
    // The highest severity is the worst among the affiliate's open flags, by rank (not alphabet).
    let open = detect::queue::list(
        &fx.store,
        &FlagFilter {
            affiliate: Some(alerts[0].affiliate_id.clone()),
            status: Some("open".into()),
            ..FlagFilter::default()
        },
    )
    .unwrap();
    let rank = |s: &str| ["low", "medium", "high"].iter().position(|x| *x == s);
    let worst = open
        .iter()
        .map(|f| f.severity.as_str())
        .max_by_key(|s| rank(s))
        .unwrap();
    assert_eq!(alerts[0].highest_severity, worst);
    assert_eq!(alerts[0].open_flags as usize, open.len());
}

/// The grouped queue: three injected players of one affiliate are one group (3 flags, 6 records, the CPA of all
/// three at stake); one decision with one comment confirms all three — a decision row each, the commission moved
/// once, one audit entry; deciding again changes nothing; a flag of another program, no flags, or no comment is
/// refused and nothing is written.
#[test]
fn a_group_is_one_line_and_one_decision() {
    let fx = Fx::new();
    injection_world(&fx);
    crate::commission_fixture::compute_month(&fx.store, None, "2026-10", 1).unwrap();
    detect::run(&fx.store, fx.program, NOW, When::Always).unwrap();
    let filter = FlagFilter {
        status: Some("open".into()),
        ..FlagFilter::default()
    };
    let groups = detect::groups::groups_in(&fx.store, fx.program, &filter).unwrap();
    let injection: Vec<_> = groups
        .iter()
        .filter(|g| g.rule == "click_injection")
        .collect();
    assert_eq!(injection.len(), 1, "{groups:?}");
    let g = injection[0];
    assert_eq!((g.affiliate_id.as_str(), g.flags, g.items), ("1", 3, 6));
    assert_eq!(g.amount_at_stake, "105.00", "three players' CPA, each once");
    assert_eq!(g.highest_severity, "high");
    let ana = Stamp {
        user_id: Some(1),
        actor: "ana".into(),
        ..Stamp::tool("test", "flag_decide_bulk", NOW)
    };
    let input = |ids: Vec<i64>, comment: &str| FlagBulkDecisionInput {
        flag_ids: ids,
        decision: Decision::Confirm,
        comment: comment.into(),
    };
    let audit = || fx.count("SELECT COUNT(*) FROM audit_log");
    let before = audit();
    for (bad, why) in [
        (input(g.flag_ids.clone(), "  "), "comment"),
        (input(Vec::new(), "ring"), "at least one flag"),
        (
            input(vec![g.flag_ids[0], 999], "ring"),
            "no flag 999 in this program",
        ),
    ] {
        let e = detect::groups::decide_many(&fx.store, fx.program, &bad, &ana)
            .unwrap_err()
            .to_string();
        assert!(e.contains(why), "{e}");
    }
    assert_eq!(
        fx.count("SELECT COUNT(*) FROM flag_decisions"),
        0,
        "all or nothing"
    );
    assert_eq!(audit(), before);
    let done = detect::groups::decide_many(
        &fx.store,
        fx.program,
        &input(g.flag_ids.clone(), "one ring"),
        &ana,
    )
    .unwrap();
    assert_eq!((done.decided, done.unchanged), (3, 0));
    assert_eq!(done.moved.len(), 1, "{:?}", done.moved);
    assert!(done.moved[0].contains("-105.00"), "{:?}", done.moved);
    assert_eq!(audit(), before + 1, "one audit entry for the group");
    assert_eq!(
        fx.count("SELECT COUNT(*) FROM flag_decisions WHERE decision = 'confirmed' AND comment = 'one ring'"),
        3
    );
    assert!(detect::groups::groups_in(&fx.store, fx.program, &filter)
        .unwrap()
        .iter()
        .all(|g| g.rule != "click_injection"));
    let again = detect::groups::decide_many(
        &fx.store,
        fx.program,
        &input(g.flag_ids.clone(), "again"),
        &ana,
    )
    .unwrap();
    assert_eq!(
        (again.decided, again.unchanged, again.moved.len()),
        (0, 3, 0)
    );
    let other = fx.program + 1;
    let e = detect::groups::decide_many(&fx.store, other, &input(g.flag_ids.clone(), "x"), &ana)
        .unwrap_err()
        .to_string();
    assert!(e.contains("in this program"), "{e}");
    // Another program's session reads none of these flags either.
    let e = detect::queue::investigate_in(&fx.store, Some(other), g.flag_ids[0])
        .unwrap_err()
        .to_string();
    assert!(e.contains("in this program"), "{e}");
    assert!(detect::queue::investigate_in(&fx.store, Some(fx.program), g.flag_ids[0]).is_ok());
}

/// An allow-listed IP range is no longer read as a signal: the flood from it is superseded on the next run (the
/// reason says the rule no longer finds it), nothing is flagged from it again, and revoking the entry reopens the
/// same flag. Entries are refused with a reason when too wide, for a rule that does not read them, or unexplained.
#[test]
fn an_allow_listed_range_supersedes_its_flags_and_revoking_reopens_them() {
    use affops_core::api::AllowEntryInput;
    use affops_core::detect::allowlist;
    let fx = Fx::new();
    let a = fx.affiliate("7");
    flood(&fx, a, "84.9.9.9");
    let rules = [&detect::clicks::FLOODING];
    let first = detect::run_rules(&fx.store, fx.program, NOW, When::Changed, &rules).unwrap();
    assert_eq!(first.flags_created, 1);
    let ana = Stamp {
        user_id: Some(1),
        actor: "ana".into(),
        ..Stamp::tool("test", "allowlist_add", NOW)
    };
    let add = |input: AllowEntryInput| {
        fx.store
            .write(|tx| allowlist::add(tx, fx.program, &input, &ana))
    };
    let entry = |value: &str, rule: &str, reason: &str| AllowEntryInput {
        kind: "ip_range".into(),
        value: value.into(),
        rule: rule.into(),
        reason: reason.into(),
        flag_id: Some(1),
    };
    for (bad, why) in [
        (entry("84.0.0.0/8", "", "NAT"), "too wide"),
        (
            entry("84.9.9.0/24", "abnormal_cr", "NAT"),
            "does not read ip_range",
        ),
        (entry("84.9.9.0/24", "", " "), "needs a reason"),
        (entry("84.9.9.300", "", "NAT"), "not an IP range"),
    ] {
        let e = add(bad).unwrap_err().to_string();
        assert!(e.contains(why), "{e}");
    }
    let e = add(entry(
        "84.9.9.17/24",
        "click_flooding",
        "the operator's office NAT",
    ))
    .unwrap();
    assert_eq!(e.value, "84.9.9.0/24", "stored as its block");
    assert!(add(entry("84.9.9.0/24", "click_flooding", "again"))
        .unwrap_err()
        .to_string()
        .contains("already allow-listed"));
    let second = detect::run_rules(&fx.store, fx.program, NOW, When::Changed, &rules).unwrap();
    assert!(!second.skipped, "an allow-list change is new to detection");
    assert_eq!((second.flags_created, second.flags_superseded), (0, 1));
    fx.store
        .write(|tx| allowlist::revoke(tx, fx.program, e.id, "the office moved", &ana))
        .unwrap();
    let third = detect::run_rules(&fx.store, fx.program, NOW, When::Changed, &rules).unwrap();
    assert_eq!((third.flags_created, third.flags_reopened), (0, 1));
    let listed = fx.store.read(|c| allowlist::list(c, fx.program)).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].revoke_reason.as_deref(), Some("the office moved"));
}

/// The flat list pages in the core's query: every order, read two rows at a time, gives the whole list in that
/// order; the text search and the filters narrow the total; a sort the list does not know is refused by name.
#[test]
fn the_flat_list_pages_sorts_and_searches_in_the_core() {
    let fx = Fx::new();
    injection_world(&fx);
    let (b, c) = (fx.affiliate("20"), fx.affiliate("30"));
    flood(&fx, b, "9.9.9.9");
    for n in 0..150 {
        fx.click(
            &format!("g{n}"),
            c,
            T0 + n * 4 * 60_000,
            "8.8.4.4",
            "s2",
            "FR",
            "",
        );
    }
    crate::commission_fixture::compute_month(&fx.store, None, "2026-10", 1).unwrap();
    detect::run(&fx.store, fx.program, NOW, When::Always).unwrap();
    let read = |f: FlagFilter| detect::queue::page_in(&fx.store, Some(fx.program), &f).unwrap();
    let all = read(FlagFilter::default());
    assert!(all.total >= 5, "{:?}", all.rows);
    assert_eq!(all.rows.len(), all.total as usize);
    assert!(
        all.rows.windows(2).all(|w| w[0].score >= w[1].score),
        "score, highest first"
    );
    assert!(all.patterns.contains(&"click_injection".to_string()));
    for sort in [
        "affiliate",
        "pattern",
        "severity",
        "score",
        "status",
        "amount",
        "created",
    ] {
        for descending in [false, true] {
            let whole = read(FlagFilter {
                sort: Some(sort.into()),
                descending: Some(descending),
                ..FlagFilter::default()
            });
            let mut paged = Vec::new();
            let mut offset = 0;
            loop {
                let page = read(FlagFilter {
                    sort: Some(sort.into()),
                    descending: Some(descending),
                    offset: Some(offset),
                    limit: Some(2),
                    ..FlagFilter::default()
                });
                assert_eq!(
                    (page.total, page.offset),
                    (all.total, offset.min(all.total))
                );
                if page.rows.is_empty() {
                    break;
                }
                offset += page.rows.len() as u32;
                paged.extend(page.rows.into_iter().map(|r| r.id));
            }
            let ids: Vec<i64> = whole.rows.iter().map(|r| r.id).collect();
            assert_eq!(paged, ids, "{sort} {descending}");
        }
    }
    let amounts = read(FlagFilter {
        sort: Some("amount".into()),
        ..FlagFilter::default()
    });
    let micros = |r: &affops_core::api::FlagRow| {
        affops_core::money::parse_micros(&r.amount_at_stake).unwrap()
    };
    assert!(amounts
        .rows
        .windows(2)
        .all(|w| micros(&w[0]) >= micros(&w[1])));
    assert!(
        micros(&amounts.rows[0]) > 0,
        "the injected players' CPA is at stake"
    );
    let searched = read(FlagFilter {
        text: Some("9.9.9".into()),
        ..FlagFilter::default()
    });
    assert!(searched.total >= 1 && searched.total < all.total);
    assert!(searched.rows.iter().all(|r| r.summary.contains("9.9.9")));
    let none = read(FlagFilter {
        text: Some("100%_".into()),
        ..FlagFilter::default()
    });
    assert_eq!(none.total, 0, "% and _ are matched as themselves");
    let past = read(FlagFilter {
        offset: Some(1000),
        limit: Some(10),
        ..FlagFilter::default()
    });
    assert_eq!((past.rows.len(), past.offset), (0, all.total));
    let err = detect::queue::page_in(
        &fx.store,
        Some(fx.program),
        &FlagFilter {
            sort: Some("money".into()),
            ..FlagFilter::default()
        },
    )
    .unwrap_err();
    assert!(err.to_string().contains("'money'"), "{err}");
}

/// A run tells its progress rule by rule, then the storing of the flags: a bar can show where a long run is.
#[test]
fn a_run_reports_each_rule_as_it_starts() {
    let fx = Fx::new();
    injection_world(&fx);
    let seen = std::sync::Mutex::new(Vec::new());
    let rules = detect::rules();
    detect::run_reporting(&fx.store, fx.program, NOW, When::Always, &rules, &|p| {
        seen.lock()
            .unwrap()
            .push((p.step, p.steps_done, p.steps_total))
    })
    .unwrap();
    let seen = seen.into_inner().unwrap();
    let total = rules.len() as u32 + 1;
    assert_eq!(seen.len(), total as usize);
    for (i, (step, done, steps)) in seen.iter().enumerate() {
        assert_eq!((*done, *steps), (i as u32, total));
        let expected = rules.get(i).map_or("storing_flags", |r| r.name);
        assert_eq!(step, expected);
    }
    // Nothing new: a run after each import reports nothing (it is skipped before any rule).
    let quiet = std::sync::Mutex::new(0);
    detect::run_reporting(&fx.store, fx.program, NOW, When::Changed, &rules, &|_| {
        *quiet.lock().unwrap() += 1
    })
    .unwrap();
    assert_eq!(quiet.into_inner().unwrap(), 0);
}
