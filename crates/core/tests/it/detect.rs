//! Fraud rules on rows inserted directly, each with its positive and negative case: click flooding and
//! injection, multi-accounting and self-referral (see `detect_rules` and `detect_flow` for the rest).

use affops_core::ingest::identity::email_hash;

use crate::detect_fixture::{day, flagged, Fx, DAY, HOUR, T0};

/// People's daily rhythm: relative clicks per UTC hour, quiet at night, busy in the evening.
const RHYTHM: [i64; 24] = [
    3, 2, 1, 1, 1, 1, 2, 3, 4, 5, 5, 6, 6, 6, 6, 7, 8, 9, 11, 12, 12, 11, 8, 5,
];

/// Many clicks in one transaction: (id, affiliate, at, ip, sub1).
fn clicks(fx: &Fx, rows: &[(String, i64, i64, String, String)]) {
    fx.store
        .write::<_, affops_core::store::StoreError>(|tx| {
            let mut st = tx.prepare(
                "INSERT INTO clicks (program_id, click_id, affiliate_id, clicked_at_ms, day, sub1, ip, country, landing_url)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'DE', '')",
            )?;
            for (id, aff, at, ip, sub1) in rows {
                st.execute(rusqlite::params![fx.program, id, aff, at, day(*at), sub1, ip])?;
            }
            Ok(())
        })
        .unwrap();
}

/// Many players in one transaction: (id, affiliate, registered at, click id).
fn players(fx: &Fx, rows: &[(String, i64, i64, String)]) {
    fx.store
        .write::<_, affops_core::store::StoreError>(|tx| {
            let mut st = tx.prepare(
                "INSERT INTO players (program_id, external_id, currency, registered_at_ms, day, country, click_id, ip, device_id, affiliate_id)
                 VALUES (?1, ?2, 'EUR', ?3, ?4, 'DE', ?5, '', '', ?6)",
            )?;
            for (id, aff, at, click) in rows {
                st.execute(rusqlite::params![fx.program, id, at, day(*at), click, aff])?;
            }
            Ok(())
        })
        .unwrap();
}

/// `per_day` clicks a day for `days` days in people's rhythm (hour by hour, spread inside the hour), each from its
/// own IP unless `ip` names one; every `convert_every`-th click (0: none) brings a sign-up 10 minutes later.
#[allow(clippy::too_many_arguments)]
fn people(
    fx: &Fx,
    aff: i64,
    tag: &str,
    sub1: &str,
    ip: Option<&str>,
    days: i64,
    per_day: i64,
    convert_every: usize,
) -> Vec<String> {
    let total: i64 = RHYTHM.iter().sum();
    let mut rows = Vec::new();
    for d in 0..days {
        for (h, w) in RHYTHM.iter().enumerate() {
            let n = per_day * w / total;
            for k in 0..n {
                let at = T0 + d * DAY + h as i64 * HOUR + k * HOUR / n.max(1);
                let i = rows.len();
                let ip = ip.map_or(
                    format!("10.{}.{}.{}", i / 65_536, i / 256 % 256, i % 256),
                    str::to_string,
                );
                rows.push((format!("{tag}{i}"), aff, at, ip, sub1.to_string()));
            }
        }
    }
    clicks(fx, &rows);
    let signups: Vec<_> = rows
        .iter()
        .enumerate()
        .filter(|(i, _)| convert_every > 0 && i % convert_every == convert_every - 1)
        .map(|(_, (id, aff, at, _, _))| (format!("p-{id}"), *aff, at + 600_000, id.clone()))
        .collect();
    players(fx, &signups);
    rows.into_iter().map(|r| r.0).collect()
}

fn text(fx: &Fx, sql: &str) -> String {
    fx.store
        .read::<_, affops_core::store::StoreError>(|c| Ok(c.query_row(sql, [], |r| r.get(0))?))
        .unwrap()
}

fn flag_keys(fx: &Fx) -> Vec<String> {
    fx.store
        .read::<_, affops_core::store::StoreError>(|c| {
            Ok(
                c.prepare("SELECT subject_key FROM flags ORDER BY subject_key")?
                    .query_map([], |r| r.get(0))?
                    .collect::<Result<Vec<_>, _>>()?,
            )
        })
        .unwrap()
}

/// Against a program whose traffic follows people's daily rhythm: 150 clicks from one IP/sub-ID spread flat over
/// 30 h without a registration is a flood, and so is the same over 150 rotating IPs (caught per sub-ID); the same
/// volume converting like normal traffic (5 %) is not, nor a burst inside one hour. Pop traffic converting at
/// 2 per mille from a thousand IPs, and a carrier NAT IP sending 200 pop clicks without a sign-up, follow people's
/// rhythm: no flood.
#[test]
fn click_flooding() {
    let fx = Fx::new();
    let a = fx.affiliate("1");
    people(&fx, a, "bg", "review-site", None, 10, 200, 20);
    let flat = |tag: &str, ip: &dyn Fn(i64) -> String, sub1: &str, step: i64| {
        (0..150)
            .map(|n| {
                (
                    format!("{tag}{n}"),
                    a,
                    T0 + 2 * DAY + n * step,
                    ip(n),
                    sub1.to_string(),
                )
            })
            .collect::<Vec<_>>()
    };
    clicks(&fx, &flat("f", &|_| "6.6.6.6".into(), "pop", 720_000));
    clicks(&fx, &flat("g", &|_| "7.7.7.7".into(), "review", 720_000));
    clicks(&fx, &flat("h", &|_| "8.8.8.8".into(), "burst", 1_000));
    clicks(
        &fx,
        &flat("r", &|n| format!("11.0.0.{n}"), "rotating", 720_000),
    );
    let converting: Vec<_> = (0..150)
        .step_by(20)
        .map(|n| {
            (
                format!("pg{n}"),
                a,
                T0 + 2 * DAY + n * 720_000 + 600_000,
                format!("g{n}"),
            )
        })
        .collect();
    players(&fx, &converting);
    let pop = people(&fx, a, "pu", "popunder", None, 10, 100, 400);
    assert_eq!(pop.len(), 860, "2 sign-ups: 2.3 per mille");
    people(&fx, a, "nat", "popunder-nat", Some("46.1.1.1"), 10, 20, 0);
    flagged(&fx, "click_flooding");
    assert_eq!(
        flag_keys(&fx),
        vec![
            "aff:1|ip:*|sub1:rotating".to_string(),
            "aff:1|ip:6.6.6.6|sub1:pop".to_string()
        ]
    );
    // Each flag lists exactly its own burst's clicks, and says which evidence made it.
    for (key, prefix) in [
        ("aff:1|ip:6.6.6.6|sub1:pop", "f"),
        ("aff:1|ip:*|sub1:rotating", "r"),
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
    let evidence: serde_json::Value = serde_json::from_str(&text(
        &fx,
        "SELECT evidence_json FROM flags WHERE subject_key = 'aff:1|ip:6.6.6.6|sub1:pop'",
    ))
    .unwrap();
    let kinds: Vec<&str> = evidence["signals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["no_conversions", "flat_over_hours", "one_ip"]);
    assert!(evidence["signals"][1]["weight"].as_u64().unwrap() >= 20);
}

/// Without the rest of the program to know its rhythm, a one-IP burst is still judged on volume and conversion
/// alone; a burst over many IPs is not (pop traffic looks the same without a rhythm to compare with).
#[test]
fn click_flooding_without_a_baseline() {
    let fx = Fx::new();
    let a = fx.affiliate("1");
    let rows: Vec<_> = (0..150)
        .flat_map(|n| {
            [
                (
                    format!("f{n}"),
                    a,
                    T0 + n * 720_000,
                    "6.6.6.6".to_string(),
                    "pop".to_string(),
                ),
                (
                    format!("r{n}"),
                    a,
                    T0 + n * 720_000,
                    format!("11.0.0.{n}"),
                    "rotating".to_string(),
                ),
            ]
        })
        .collect();
    clicks(&fx, &rows);
    flagged(&fx, "click_flooding");
    assert_eq!(
        flag_keys(&fx),
        vec!["aff:1|ip:6.6.6.6|sub1:pop".to_string()]
    );
}

/// A program of 400 sign-ups, 3 % of them one-click or social sign-ups seconds after the click, spread over
/// affiliates and sub-IDs: none is injection, nor is a mobile sub-ID with twice the program's share. A
/// sub-publisher whose six sign-ups all come 3–9 s after their click is a spike: exactly its players are flagged,
/// and the evidence compares its share with the program's.
#[test]
fn click_injection() {
    let fx = Fx::new();
    let affs = [fx.affiliate("1"), fx.affiliate("2"), fx.affiliate("3")];
    let mut cs = Vec::new();
    let mut ps = Vec::new();
    for n in 0..400i64 {
        let aff = affs[(n % 3) as usize];
        let sub1 = ["welcome", "reviews", "mobile"][(n % 7 % 3) as usize];
        let at = T0 + n * 1_800_000;
        // Every 33rd sign-up is one-click (about 3 %), the rest take minutes to hours.
        let ctit = if n % 33 == 5 {
            3_000 + (n % 17) * 1_000
        } else {
            120_000 + (n % 50) * 60_000
        };
        cs.push((
            format!("c{n}"),
            aff,
            at,
            format!("10.0.{}.{}", n / 256, n % 256),
            sub1.to_string(),
        ));
        ps.push((format!("p{n}"), aff, at + ctit, format!("c{n}")));
    }
    // The mobile sub-ID of affiliate 2: 3 more one-click sign-ups among 50 (about twice the program's share).
    for n in 0..3i64 {
        let at = T0 + n * DAY + 7 * HOUR;
        cs.push((
            format!("m{n}"),
            affs[1],
            at,
            format!("10.9.0.{n}"),
            "mobile".to_string(),
        ));
        ps.push((format!("pm{n}"), affs[1], at + 8_000, format!("m{n}")));
    }
    // A sub-publisher of affiliate 1 firing clicks seconds before sign-ups it did not bring.
    for n in 0..6i64 {
        let at = T0 + n * DAY + 13 * HOUR;
        cs.push((
            format!("x{n}"),
            affs[0],
            at,
            format!("10.8.0.{n}"),
            "sp-42".to_string(),
        ));
        ps.push((
            format!("inj{n}"),
            affs[0],
            at + (3 + n) * 1_000,
            format!("x{n}"),
        ));
    }
    clicks(&fx, &cs);
    players(&fx, &ps);
    assert_eq!(
        flagged(&fx, "click_injection"),
        (0..6).map(|n| format!("inj{n}")).collect::<Vec<_>>()
    );
    let evidence: serde_json::Value = serde_json::from_str(&text(
        &fx,
        "SELECT evidence_json FROM flags WHERE subject_key = 'player:inj0'",
    ))
    .unwrap();
    let spike = &evidence["signals"][0];
    assert_eq!(spike["kind"], "ctit_spike");
    assert_eq!(spike["group_fast_share_per_mille"], 1000);
    let program = spike["program_fast_share_per_mille"].as_i64().unwrap();
    assert!((20..=50).contains(&program), "{spike}");
    // A tiny sub-ID with two fast sign-ups of two is below min_players: chance, not a spike.
    let fx = Fx::new();
    let a = fx.affiliate("1");
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
    assert!(flagged(&fx, "click_injection").is_empty());
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

/// A shared identifier weighs by its kind and by how rare it is: 30 unrelated players behind one carrier NAT IP,
/// a household of two on one IP, a couple sharing a tablet at home and a placeholder device id on 25 accounts link
/// nobody; three accounts on one device, or two on one device and one card, are linked. The evidence names
/// each shared identifier with the accounts sharing it and its weight.
#[test]
fn multi_accounting_weighs_identifiers_by_rarity() {
    let fx = Fx::new();
    let a = fx.affiliate("1");
    let mut n = 0;
    let mut player = |ip: &str, device: &str, card: Option<&str>| {
        n += 1;
        let id = format!("p{n:02}");
        let p = fx.player(&id, Some(a), T0 + n * HOUR, None, "DE", ip, device, None);
        fx.money(
            &format!("d{n}"),
            p,
            "deposit",
            10_000_000,
            T0 + n * HOUR + 60_000,
            true,
            card,
        );
        id
    };
    for i in 0..30 {
        player(
            "46.1.1.1",
            &format!("nat-dev{i}"),
            Some(&format!("nat-card{i}")),
        );
    }
    player("84.2.2.2", "home-a", Some("home-card-a"));
    player("84.2.2.2", "home-b", Some("home-card-b"));
    player("84.3.3.3", "tablet", Some("couple-a"));
    player("84.3.3.3", "tablet", Some("couple-b"));
    for i in 0..25 {
        player(
            &format!("31.0.0.{i}"),
            "unknown",
            Some(&format!("ph-card{i}")),
        );
    }
    let ring: Vec<String> = (0..3)
        .map(|i| {
            player(
                &format!("85.0.0.{i}"),
                "ring-dev",
                Some(&format!("ring-card{i}")),
            )
        })
        .collect();
    let pair = [
        player("86.0.0.1", "pair-dev", Some("pair-card")),
        player("86.0.0.2", "pair-dev", Some("pair-card")),
    ];
    let mut expected: Vec<String> = ring.iter().chain(&pair).cloned().collect();
    expected.sort();
    assert_eq!(flagged(&fx, "multi_accounting"), expected);
    let evidence: serde_json::Value = serde_json::from_str(&text(
        &fx,
        &format!(
            "SELECT evidence_json FROM flags WHERE subject_key = 'player:{}'",
            pair[0]
        ),
    ))
    .unwrap();
    let link = &evidence["links"][0];
    assert_eq!(link["weight"], 100);
    let signals = link["signals"].as_array().unwrap();
    assert!(signals
        .iter()
        .any(|s| s["kind"] == "device" && s["accounts_sharing"] == 2 && s["weight"] == 50));
    assert!(signals
        .iter()
        .any(|s| s["kind"] == "payment" && s["weight"] == 50));
}
