//! Fraud rules on rows inserted directly: each rule's positive and negative case, threshold validation, a failing
//! rule next to working ones, idempotent re-runs, audited decisions, backtests and the investigation view.

use affops_core::api::{BacktestRequest, FlagDecisionInput, FlagFilter};
use affops_core::detect::{
    self, identity::email_hash, settings, Effective, Finding, Rule, RuleFailure, Setting, Window,
};
use rusqlite::Connection;

use crate::detect_fixture::{Fx, DAY, HOUR, T0};

const NOW: i64 = T0 + 30 * DAY;

/// Runs one rule over all history and returns the flagged player/click/account refs of its findings.
fn flagged(fx: &Fx, rule: &str) -> Vec<String> {
    let r = detect::rule(rule).unwrap();
    let report = detect::run_rules(&fx.store, fx.program, Some(0), NOW, &[r]).unwrap();
    assert!(
        report.rules[0].failure.is_none(),
        "{:?}",
        report.rules[0].failure
    );
    fx.store
        .read(|c| {
            let mut s = c.prepare("SELECT i.ref FROM flags f JOIN flag_items i ON i.flag_id = f.id WHERE f.rule = ?1 AND i.kind IN ('player', 'account') ORDER BY 1")?;
            let v = s.query_map([rule], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
            Ok(v)
        })
        .unwrap()
}

fn flag_count(fx: &Fx, rule: &str) -> i64 {
    fx.count(&format!("SELECT COUNT(*) FROM flags WHERE rule = '{rule}'"))
}

/// 150 clicks from one IP/sub-ID spread over 30 h without a registration is a flood; the same volume that
/// converts like normal traffic (5 %) is not, nor is a burst inside a single hour.
#[test]
fn click_flooding() {
    let fx = Fx::new();
    let a = fx.affiliate("1");
    for n in 0..150 {
        fx.click(
            &format!("f{n}"),
            a,
            T0 + n * 720_000,
            "6.6.6.6",
            "pop",
            "DE",
            "",
        );
        fx.click(
            &format!("g{n}"),
            a,
            T0 + n * 720_000,
            "7.7.7.7",
            "review",
            "DE",
            "",
        );
        fx.click(
            &format!("h{n}"),
            a,
            T0 + n * 1_000,
            "8.8.8.8",
            "burst",
            "DE",
            "",
        );
        if n % 20 == 0 {
            fx.player(
                &format!("pg{n}"),
                Some(a),
                T0 + n * 720_000 + 600_000,
                Some(&format!("g{n}")),
                "DE",
                "",
                "",
                None,
            );
        }
    }
    flagged(&fx, "click_flooding");
    let keys: Vec<String> = fx
        .store
        .read(|c| {
            Ok(c.prepare("SELECT subject_key FROM flags")?
                .query_map([], |r| r.get(0))?
                .collect::<Result<Vec<_>, _>>()?)
        })
        .unwrap();
    assert_eq!(keys, vec![format!("aff:{a}|ip:6.6.6.6|sub1:pop")]);
    assert_eq!(
        fx.count("SELECT COUNT(*) FROM flag_items WHERE kind = 'click'"),
        150
    );
}

/// Registrations 3–10 s after the click are injected; two per affiliate make a spike; 2 minutes is a person.
#[test]
fn click_injection() {
    let fx = Fx::new();
    let (a, b) = (fx.affiliate("1"), fx.affiliate("2"));
    for (n, secs) in [(1, 4), (2, 9)] {
        fx.click(&format!("c{n}"), a, T0 + n * HOUR, "1.1.1.1", "", "DE", "");
        fx.player(
            &format!("p{n}"),
            Some(a),
            T0 + n * HOUR + secs * 1000,
            Some(&format!("c{n}")),
            "DE",
            "",
            "",
            None,
        );
    }
    fx.click("c3", b, T0, "1.1.1.2", "", "DE", "");
    fx.player("p3", Some(b), T0 + 120_000, Some("c3"), "DE", "", "", None);
    fx.click("c4", b, T0, "1.1.1.3", "", "DE", "");
    fx.player("p4", Some(b), T0 + 5_000, Some("c4"), "DE", "", "", None); // alone: no spike
    assert_eq!(flagged(&fx, "click_injection"), vec!["p1", "p2"]);
}

/// Players sharing two kinds of identifier are linked (device + payment here, emails equal once normalized);
/// a household sharing only an IP is not.
#[test]
fn multi_accounting() {
    let fx = Fx::new();
    let a = fx.affiliate("1");
    let p1 = fx.player(
        "p1",
        Some(a),
        T0,
        None,
        "DE",
        "9.9.9.9",
        "devA",
        Some(&email_hash("max.power@gmail.com")),
    );
    let p2 = fx.player(
        "p2",
        Some(a),
        T0 + HOUR,
        None,
        "DE",
        "9.9.9.8",
        "devA",
        None,
    );
    let _p3 = fx.player(
        "p3",
        Some(a),
        T0 + 2 * HOUR,
        None,
        "DE",
        "5.5.5.5",
        "devC",
        Some(&email_hash("MaxPower+x@gmail.com")),
    );
    let p4 = fx.player("p4", Some(a), T0, None, "DE", "4.4.4.4", "devD", None);
    let p5 = fx.player("p5", Some(a), T0, None, "DE", "4.4.4.4", "devE", None);
    fx.money(
        "d1",
        p1,
        "deposit",
        10_000_000,
        T0 + HOUR,
        true,
        Some("card1"),
    );
    fx.money(
        "d2",
        p2,
        "deposit",
        10_000_000,
        T0 + 2 * HOUR,
        true,
        Some("card1"),
    );
    fx.money(
        "d3",
        _p3,
        "deposit",
        10_000_000,
        T0 + 3 * HOUR,
        true,
        Some("card1"),
    );
    fx.money(
        "d4",
        p4,
        "deposit",
        10_000_000,
        T0 + HOUR,
        true,
        Some("card4"),
    );
    fx.money(
        "d5",
        p5,
        "deposit",
        10_000_000,
        T0 + HOUR,
        true,
        Some("card5"),
    );
    assert_eq!(flagged(&fx, "multi_accounting"), vec!["p1", "p2", "p3"]);
}

/// A player with the affiliate's own (normalized) email or IP is self-referred; another affiliate's player
/// with the same IP is not (the IP is only the first affiliate's).
#[test]
fn self_referral() {
    let fx = Fx::new();
    let (a, b) = (fx.affiliate("1"), fx.affiliate("2"));
    fx.sql(
        "UPDATE affiliates SET email_hash = ?1 WHERE id = ?2",
        rusqlite::params![email_hash("partners@site.example"), a],
    );
    fx.sql("INSERT INTO affiliate_identifiers (affiliate_id, kind, value) VALUES (?1, 'ip', '3.3.3.3')", [a]);
    fx.player(
        "p1",
        Some(a),
        T0,
        None,
        "DE",
        "2.2.2.2",
        "d1",
        Some(&email_hash("Partners+abc@site.example")),
    );
    fx.player("p2", Some(a), T0, None, "DE", "3.3.3.3", "d2", None);
    fx.player("p3", Some(b), T0, None, "DE", "3.3.3.3", "d3", None);
    fx.player(
        "p4",
        Some(a),
        T0,
        None,
        "DE",
        "2.2.2.9",
        "d4",
        Some(&email_hash("someone@site.example")),
    );
    assert_eq!(flagged(&fx, "self_referral"), vec!["p1", "p2"]);
}

/// FTD at the bonus minimum, bets 1.2x, withdrawal 2 h later, two such players: abuse. The same with 5x
/// wagering, a withdrawal 10 days later, or no activity row at all is not judged abuse.
#[test]
fn bonus_abuse() {
    let fx = Fx::new();
    let a = fx.affiliate("1");
    let min = 20_000_000;
    let mk = |n: i64, bets: i64, withdraw_after: Option<i64>, activity: bool| {
        let p = fx.player(
            &format!("p{n}"),
            Some(a),
            T0 + n * DAY,
            None,
            "DE",
            "",
            "",
            None,
        );
        let at = T0 + n * DAY + HOUR;
        fx.money(&format!("d{n}"), p, "deposit", min, at, true, None);
        if let Some(w) = withdraw_after {
            fx.money(
                &format!("w{n}"),
                p,
                "withdrawal",
                38_000_000,
                at + w,
                false,
                None,
            );
        }
        if activity {
            fx.activity(p, &crate::detect_fixture::day(at), min, bets);
        }
    };
    mk(1, 24_000_000, Some(2 * HOUR), true);
    mk(2, 21_000_000, Some(3 * HOUR), true);
    mk(3, 100_000_000, Some(2 * HOUR), true);
    mk(4, 24_000_000, Some(10 * DAY), true);
    mk(5, 0, Some(HOUR), false);
    assert_eq!(flagged(&fx, "bonus_abuse"), vec!["p1", "p2"]);
}

/// 3 of 20 depositors charging back (150 ‰) trips the 50 ‰ default; 1 of 20 does not; activity counts too.
#[test]
fn chargebacks() {
    let fx = Fx::new();
    let (a, b) = (fx.affiliate("1"), fx.affiliate("2"));
    for (aff, tag, charged) in [(a, "a", 3), (b, "b", 1)] {
        for n in 0..20 {
            let p = fx.player(
                &format!("{tag}{n}"),
                Some(aff),
                T0,
                None,
                "DE",
                "",
                "",
                None,
            );
            fx.money(
                &format!("{tag}d{n}"),
                p,
                "deposit",
                50_000_000,
                T0 + DAY,
                true,
                None,
            );
            if n < charged {
                fx.money(
                    &format!("{tag}c{n}"),
                    p,
                    "chargeback",
                    50_000_000,
                    T0 + 5 * DAY,
                    false,
                    None,
                );
            }
        }
    }
    // The same through the daily activity's chargeback column (operators that send no chargeback records).
    let c = fx.affiliate("3");
    for n in 0..20 {
        let p = fx.player(&format!("c{n}"), Some(c), T0, None, "DE", "", "", None);
        fx.money(
            &format!("cd{n}"),
            p,
            "deposit",
            50_000_000,
            T0 + DAY,
            true,
            None,
        );
        if n < 2 {
            fx.sql(
                "INSERT INTO player_activity_daily (player_id, day, currency, chargebacks_micros) VALUES (?1, '2026-10-04', 'EUR', 50000000)",
                [p],
            );
        }
    }
    assert_eq!(
        flagged(&fx, "chargebacks"),
        vec!["a0", "a1", "a2", "c0", "c1"]
    );
}

/// Click DE, registration FR, IP in BR: all differ. A traveller (IP country = registration country) is not.
#[test]
fn geo_mismatch() {
    let fx = Fx::new();
    let a = fx.affiliate("1");
    fx.sql(
        "INSERT INTO ip_countries (ip, country) VALUES ('1.0.0.1', 'BR'), ('1.0.0.2', 'FR')",
        [],
    );
    fx.click("c1", a, T0, "1.0.0.1", "", "DE", "");
    fx.player(
        "p1",
        Some(a),
        T0 + HOUR,
        Some("c1"),
        "FR",
        "1.0.0.1",
        "",
        None,
    );
    fx.click("c2", a, T0, "1.0.0.2", "", "DE", "");
    fx.player(
        "p2",
        Some(a),
        T0 + HOUR,
        Some("c2"),
        "FR",
        "1.0.0.2",
        "",
        None,
    );
    assert_eq!(flagged(&fx, "geo_mismatch"), vec!["p1"]);
}

/// A gclid in the landing URL is brand bidding unless the program allows paid search; `xgclid` is not.
#[test]
fn brand_bidding() {
    let fx = Fx::new();
    let (a, b) = (fx.affiliate("1"), fx.affiliate("2"));
    fx.click(
        "c1",
        a,
        T0,
        "1.1.1.1",
        "",
        "DE",
        "https://brand.example/?gclid=abc",
    );
    fx.click(
        "c2",
        b,
        T0,
        "1.1.1.2",
        "",
        "DE",
        "https://brand.example/?xgclid=abc",
    );
    flagged(&fx, "brand_bidding");
    assert_eq!(
        fx.count(&format!(
            "SELECT COUNT(*) FROM flags WHERE rule = 'brand_bidding' AND affiliate_id = {a}"
        )),
        1
    );
    assert_eq!(flag_count(&fx, "brand_bidding"), 1);
    let fx2 = Fx::new();
    let a2 = fx2.affiliate("1");
    fx2.click(
        "c1",
        a2,
        T0,
        "1.1.1.1",
        "",
        "DE",
        "https://brand.example/?gclid=abc",
    );
    let values = settings::validate(
        "brand_bidding",
        detect::clicks::BRAND_BIDDING.settings,
        &settings::defaults(detect::clicks::BRAND_BIDDING.settings),
        &[("paid_search_allowed".into(), 1)],
    )
    .unwrap();
    fx2.store
        .write(|tx| settings::save(tx, fx2.program, "brand_bidding", &values, "ana", T0))
        .unwrap();
    assert!(flagged(&fx2, "brand_bidding").is_empty());
}

/// A day with 10x the affiliate's usual conversion rate is abnormal; a steady history is not.
#[test]
fn abnormal_conversion_rate() {
    let fx = Fx::new();
    let a = fx.affiliate("1");
    for d in 0..8 {
        let regs = if d == 7 { 20 } else { 2 };
        for n in 0..100 {
            let id = format!("c{d}-{n}");
            fx.click(
                &id,
                a,
                T0 + d * DAY + n * 60_000,
                &format!("10.0.{d}.{n}"),
                "",
                "DE",
                "",
            );
            if n < regs {
                fx.player(
                    &format!("p{d}-{n}"),
                    Some(a),
                    T0 + d * DAY + n * 60_000 + 600_000,
                    Some(&id),
                    "DE",
                    "",
                    "",
                    None,
                );
            }
        }
    }
    flagged(&fx, "abnormal_cr");
    let keys: Vec<String> = fx
        .store
        .read(|c| {
            Ok(c.prepare("SELECT subject_key FROM flags")?
                .query_map([], |r| r.get(0))?
                .collect::<Result<Vec<_>, _>>()?)
        })
        .unwrap();
    assert_eq!(keys, vec![format!("aff:{a}|day:2026-10-08")]);
}

fn forex_account(fx: &Fx, login: &str, player: i64) -> i64 {
    fx.store.write(|tx| {
        tx.execute("INSERT INTO forex_accounts (program_id, login, player_id, currency) VALUES (?1, ?2, ?3, 'USD')", rusqlite::params![fx.program, login, player])?;
        Ok(tx.last_insert_rowid())
    }).unwrap()
}

fn deal(fx: &Fx, ticket: &str, account: i64, side: &str, entry: &str, position: &str, at: i64) {
    fx.sql(
        "INSERT INTO deals (program_id, ticket, account_id, deal_type, entry, symbol, volume_micros, currency, position_id, executed_at_ms, day)
         VALUES (?1, ?2, ?3, ?4, ?5, 'EURUSD', 100000000000, 'USD', ?6, ?7, ?8)",
        rusqlite::params![fx.program, ticket, account, side, entry, position, at, crate::detect_fixture::day(at)],
    );
}

/// 25 round trips of 30 s by one IB client is churning; 25 trips held for hours is trading. Two accounts of
/// players on one device opening opposite sides within seconds are wash trading.
#[test]
fn forex_churning_and_opposite_positions() {
    let fx = Fx::new();
    let ib = fx.affiliate("ib1");
    let (p1, p2, p3) = (
        fx.player("c1", Some(ib), T0, None, "DE", "", "devX", None),
        fx.player("c2", Some(ib), T0, None, "DE", "", "devY", None),
        fx.player("c3", Some(ib), T0, None, "DE", "", "devY", None),
    );
    let (a1, a2, a3) = (
        forex_account(&fx, "1001", p1),
        forex_account(&fx, "1002", p2),
        forex_account(&fx, "1003", p3),
    );
    for n in 0..25 {
        let t = T0 + n * HOUR;
        deal(
            &fx,
            &format!("a{n}i"),
            a1,
            "BUY",
            "IN",
            &format!("pa{n}"),
            t,
        );
        deal(
            &fx,
            &format!("a{n}o"),
            a1,
            "SELL",
            "OUT",
            &format!("pa{n}"),
            t + 30_000,
        );
        deal(
            &fx,
            &format!("b{n}i"),
            a2,
            "BUY",
            "IN",
            &format!("pb{n}"),
            t,
        );
        deal(
            &fx,
            &format!("b{n}o"),
            a2,
            "SELL",
            "OUT",
            &format!("pb{n}"),
            t + 3 * HOUR,
        );
        if n < 6 {
            deal(
                &fx,
                &format!("c{n}i"),
                a3,
                "SELL",
                "IN",
                &format!("pc{n}"),
                t + 5_000,
            );
            deal(
                &fx,
                &format!("c{n}o"),
                a3,
                "BUY",
                "OUT",
                &format!("pc{n}"),
                t + 3 * HOUR,
            );
        }
    }
    assert_eq!(flagged(&fx, "forex_churning"), vec!["1001", "1002", "1003"]);
    let keys: Vec<String> = fx
        .store
        .read(|c| {
            Ok(c.prepare("SELECT subject_key FROM flags ORDER BY 1")?
                .query_map([], |r| r.get(0))?
                .collect::<Result<Vec<_>, _>>()?)
        })
        .unwrap();
    assert_eq!(
        keys,
        vec!["account:1001|churn", "accounts:1002+1003|opposite"]
    );
}

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
        fx.count("SELECT COUNT(*) FROM audit_log WHERE action = 'detect.settings'"),
        1
    );
}

static BROKEN: Rule = Rule {
    name: "broken",
    pattern: "broken",
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
        "https://b.example/?fbclid=1",
    );
    let p = fx.player("p1", Some(a), T0, None, "DE", "", "", None);
    let acc = forex_account(&fx, "77", p);
    deal(&fx, "t1", acc, "BUY", "IN", "", T0);
    let rules = [
        &BROKEN,
        &detect::forex::CHURNING,
        &detect::clicks::BRAND_BIDDING,
    ];
    let report = detect::run_rules(&fx.store, fx.program, Some(0), NOW, &rules).unwrap();
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
        .read(|c| Ok(c.query_row("SELECT report_json FROM detection_runs", [], |r| r.get(0))?))
        .unwrap();
    assert!(stored.contains("odd data") && stored.contains("deal t1"));
}

fn injection_world(fx: &Fx) -> i64 {
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

/// Re-running over the same data creates no duplicate flags; the next run starts where the last ended.
#[test]
fn reruns_are_idempotent_and_incremental() {
    let fx = Fx::new();
    injection_world(&fx);
    let first = detect::run(&fx.store, fx.program, None, NOW).unwrap();
    assert!(first.flags_created >= 3);
    let total = fx.count("SELECT COUNT(*) FROM flags");
    let again = detect::run(&fx.store, fx.program, Some(0), NOW).unwrap();
    assert_eq!(again.flags_created, 0);
    assert_eq!(fx.count("SELECT COUNT(*) FROM flags"), total);
    let next = detect::run(&fx.store, fx.program, None, NOW + DAY).unwrap();
    assert_eq!((next.since_ms, next.flags_created), (NOW, 0));
    // Late data: an injected registration whose events predate the last run still gets judged.
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
    let late = detect::run(&fx.store, fx.program, None, NOW + 2 * DAY).unwrap();
    assert_eq!(late.since_ms, T0 + 5 * HOUR);
    assert!(flagged(&fx, "click_injection").contains(&"p-late".to_string()));
    assert!(late.flags_created >= 1);
}

/// A decision is a new row by a named user, in the audit log (with the hold request on confirm); the evidence
/// cannot be edited; unknown users, missing comments and bad decisions are refused with a reason.
#[test]
fn decisions_are_audited_and_never_edit_evidence() {
    let fx = Fx::new();
    injection_world(&fx);
    detect::run(&fx.store, fx.program, None, NOW).unwrap();
    let flags = detect::queue::list(
        &fx.store,
        &FlagFilter {
            pattern: Some("click_injection".into()),
            ..FlagFilter::default()
        },
    )
    .unwrap();
    assert_eq!(flags.len(), 3);
    assert_eq!(flags[0].amount_at_stake, "50.00");
    let id = flags[0].id;
    let input = |decision: &str, user: &str, comment: &str| FlagDecisionInput {
        flag_id: id,
        decision: decision.into(),
        user: user.into(),
        comment: comment.into(),
    };
    assert!(
        detect::queue::decide(&fx.store, &input("confirm", "nobody", "x"), NOW)
            .unwrap_err()
            .to_string()
            .contains("no user named 'nobody'")
    );
    assert!(
        detect::queue::decide(&fx.store, &input("confirm", "ana", "  "), NOW)
            .unwrap_err()
            .to_string()
            .contains("comment")
    );
    assert!(
        detect::queue::decide(&fx.store, &input("maybe", "ana", "x"), NOW)
            .unwrap_err()
            .to_string()
            .contains("confirm or dismiss")
    );
    let row = detect::queue::decide(
        &fx.store,
        &input("confirm", "ana", "5 s CTIT, same device"),
        NOW,
    )
    .unwrap();
    assert_eq!(row.status, "confirmed");
    let row = detect::queue::decide(
        &fx.store,
        &input("dismiss", "ana", "second look: known partner test"),
        NOW + 1,
    )
    .unwrap();
    assert_eq!(row.status, "dismissed");
    assert_eq!(fx.count("SELECT COUNT(*) FROM flag_decisions"), 2);
    assert_eq!(fx.count("SELECT COUNT(*) FROM audit_log WHERE action IN ('flag.confirm', 'flag.dismiss', 'flag.hold_requested')"), 3);
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
        .write(|tx| Ok(tx.execute("UPDATE flags SET evidence_json = '{}' WHERE id = ?1", [id])?));
    assert!(edit.unwrap_err().to_string().contains("never edited"));
    let del = fx
        .store
        .write(|tx| Ok(tx.execute("DELETE FROM flag_decisions", [])?));
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
        (3, "150.00")
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
    injection_world(&fx);
    detect::run(&fx.store, fx.program, None, NOW).unwrap();
    let flags = detect::queue::list(
        &fx.store,
        &FlagFilter {
            pattern: Some("click_injection".into()),
            ..FlagFilter::default()
        },
    )
    .unwrap();
    let inv = detect::queue::investigate(&fx.store, flags[0].id).unwrap();
    let kinds: Vec<&str> = inv.timeline.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        vec!["click", "registration", "deposit", "conversion"]
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
}
