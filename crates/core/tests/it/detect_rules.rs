//! Fraud rules on rows inserted directly, continued: bonus abuse, chargebacks, geo mismatch, brand bidding,
//! abnormal conversion rate, Forex churning and wash trading.

use affops_core::detect::{self, settings};

use crate::detect_fixture::{deal, flag_count, flagged, forex_account, Fx, DAY, HOUR, T0};

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

/// Click DE, registration FR, IP in BR: all differ. A traveller (IP country = registration country) is not, nor
/// are players on a VPN exit (an IP players from several countries register from: its country is the exit's).
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
    fx.sql(
        "INSERT INTO ip_countries (ip, country) VALUES ('5.0.0.9', 'NL')",
        [],
    );
    for (n, click_c, reg_c) in [(3, "DE", "FR"), (4, "SE", "FI")] {
        fx.click(&format!("c{n}"), a, T0, "5.0.0.9", "", click_c, "");
        fx.player(
            &format!("p{n}"),
            Some(a),
            T0 + HOUR,
            Some(&format!("c{n}")),
            reg_c,
            "5.0.0.9",
            "",
            None,
        );
    }
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

/// A day with 10x the affiliate's usual conversion rate is abnormal, and the flag names that day's sign-ups; a
/// steady history is not, nor a TV day on which another affiliate's clicks and sign-ups both jump fivefold (its
/// conversion rate stays its own).
#[test]
fn abnormal_conversion_rate() {
    let fx = Fx::new();
    let (a, b) = (fx.affiliate("1"), fx.affiliate("2"));
    for d in 0..8 {
        for (aff, tag) in [(a, "a"), (b, "b")] {
            // a: 2 sign-ups per 100 clicks, 20 on day 7; b: 100 clicks and 5 sign-ups, 500 and 25 on day 7.
            let (clicks, regs) = match (tag, d) {
                ("a", 7) => (100, 20),
                ("a", _) => (100, 2),
                (_, 7) => (500, 25),
                _ => (100, 5),
            };
            for n in 0..clicks {
                let id = format!("{tag}c{d}-{n}");
                fx.click(
                    &id,
                    aff,
                    T0 + d * DAY + n * 60_000,
                    &format!("10.{d}.{}.{}", n / 256, n % 256),
                    "",
                    "DE",
                    "",
                );
                if n % (clicks / regs) == 0 {
                    fx.player(
                        &format!("{tag}p{d}-{n}"),
                        Some(aff),
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
    }
    let players = flagged(&fx, "abnormal_cr");
    let keys: Vec<String> = fx
        .store
        .read::<_, affops_core::store::StoreError>(|c| {
            Ok(c.prepare("SELECT subject_key FROM flags")?
                .query_map([], |r| r.get(0))?
                .collect::<Result<Vec<_>, _>>()?)
        })
        .unwrap();
    assert_eq!(keys, vec![format!("aff:{a}|day:2026-10-08")]);
    assert_eq!(players.len(), 20, "the day's sign-ups");
    assert!(players.iter().all(|p| p.starts_with("ap7-")));
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
        .read::<_, affops_core::store::StoreError>(|c| {
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
