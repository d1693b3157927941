//! Fraud rules on rows inserted directly, each with its positive and negative case: click flooding and
//! injection, multi-accounting and self-referral (see `detect_rules` and `detect_flow` for the rest).

use affops_core::ingest::identity::email_hash;

use crate::detect_fixture::{flagged, Fx, HOUR, T0};

/// 150 clicks from one IP/sub-ID spread over 30 h without a registration is a flood; the same volume that
/// converts like normal traffic (5 %) is not, nor is a burst inside a single hour; a flood over many IPs is
/// caught per sub-ID.
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
        .read::<_, affops_core::store::StoreError>(|c| {
            Ok(c.prepare("SELECT subject_key FROM flags")?
                .query_map([], |r| r.get(0))?
                .collect::<Result<Vec<_>, _>>()?)
        })
        .unwrap();
    assert_eq!(keys, vec!["aff:1|ip:6.6.6.6|sub1:pop".to_string()]);
    assert_eq!(
        fx.count("SELECT COUNT(*) FROM flag_items WHERE kind = 'click'"),
        150
    );
    // A flood rotating its IPs is caught per sub-ID.
    for n in 0..150 {
        fx.click(
            &format!("r{n}"),
            a,
            T0 + n * 720_000,
            &format!("11.0.0.{n}"),
            "rotating",
            "DE",
            "",
        );
    }
    flagged(&fx, "click_flooding");
    let rotating = "aff:1|ip:*|sub1:rotating".to_string();
    assert_eq!(
        fx.count(&format!(
            "SELECT COUNT(*) FROM flags WHERE subject_key = '{rotating}'"
        )),
        1
    );
    assert_eq!(fx.count("SELECT COUNT(*) FROM flags"), 2);
    // Each flag lists exactly its own burst's clicks: the per-IP flood's 150, the rotating flood's 150.
    for (key, prefix) in [
        ("aff:1|ip:6.6.6.6|sub1:pop".to_string(), "f"),
        (rotating, "r"),
    ] {
        let sql = format!(
            "SELECT COUNT(*), SUM(substr(i.ref, 1, 1) = '{prefix}') FROM flag_items i
               JOIN flags f ON f.id = i.flag_id WHERE f.subject_key = '{key}' AND i.kind = 'click'"
        );
        let (n, own): (i64, i64) = fx
            .store
            .read::<_, affops_core::store::StoreError>(|c| {
                Ok(c.query_row(&sql, [], |r| Ok((r.get(0)?, r.get(1)?)))?)
            })
            .unwrap();
        assert_eq!((n, own), (150, 150), "{key}");
    }
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
        email_hash("max.power@gmail.com").as_deref(),
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
        email_hash("MaxPower+x@gmail.com").as_deref(),
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
        email_hash("Partners+abc@site.example").as_deref(),
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
        email_hash("someone@site.example").as_deref(),
    );
    assert_eq!(flagged(&fx, "self_referral"), vec!["p1", "p2"]);
}
