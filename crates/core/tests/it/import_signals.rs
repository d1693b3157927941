//! Every fraud signal has a way in from files (issue 12): registrations carry the player's email (kept only as the
//! hash of the one normalization), device id, registration IP and its country; deposits and withdrawals carry the
//! payment instrument; bonus grants are a preset; the affiliates file carries an affiliate's own email, office IPs
//! and payout instrument; a GeoIP table of ranges fills the IP countries. And bad input is handled: an email that
//! is no address, a placeholder device id, a private IP, overlapping GeoIP ranges — the value ignored as a signal
//! and counted in the summary (the row imported), or the range quarantined naming the row it overlaps; never a
//! crash, never a flood of flags.

use crate::front_door::as_role;
use crate::import::{clock, count, preset, store_with_program};
use affops_core::api::{AffiliateIdentifierRequest, ErrorCode, ImportPreset, Role};
use affops_core::import::quarantine::QuarantineFilter;
use affops_core::import::{self, ImportOptions};
use affops_core::ingest::identity::email_hash;
use affops_core::ops;
use affops_core::store::Store;
use affops_core::workspace::Workspace;
use proptest::prelude::*;
use std::path::{Path, PathBuf};

const NOW: i64 = 1_796_083_200_000; // 2026-12-01, after every row of the files

fn write(dir: &Path, name: &str, body: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, body).unwrap();
    p
}

fn run(store: &Store, path: &Path, p: ImportPreset) -> affops_core::api::ImportRunSummary {
    import::import_file(
        store,
        path,
        &ImportOptions::new("files", preset(p), clock()),
    )
    .unwrap()
}

fn text(store: &Store, sql: &str) -> String {
    store
        .read::<_, affops_core::store::StoreError>(|c| Ok(c.query_row(sql, [], |r| r.get(0))?))
        .unwrap()
}

fn strings(store: &Store, sql: &str) -> Vec<String> {
    store
        .read::<_, affops_core::store::StoreError>(|c| {
            let mut q = c.prepare(sql)?;
            let rows = q.query_map([], |r| r.get(0))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .unwrap()
}

/// (field, reason, count, first row) of a summary's ignored signals.
fn ignored(s: &affops_core::api::ImportRunSummary) -> Vec<(String, String, i64, i64)> {
    s.ignored_signals
        .iter()
        .map(|i| (i.field.clone(), i.reason.clone(), i.count, i.first_row))
        .collect()
}

fn quarantined(store: &Store, run: i64) -> Vec<String> {
    import::list_quarantine(store, run, &QuarantineFilter::default(), 0, 100)
        .unwrap()
        .rows
        .into_iter()
        .map(|r| format!("{} {}: {}", r.row, r.field.unwrap_or_default(), r.reason))
        .collect()
}

fn ig(field: &str, reason: &str, n: i64, row: i64) -> (String, String, i64, i64) {
    (field.into(), reason.into(), n, row)
}

const REGISTRATIONS: &str = "player_id,registration_date,country,click_id,ip,email,device_id,ip_country\n\
    p1,2026-10-01 10:00:00,DE,,85.1.2.3,Jo.Ann+vip@Gmail.com,dev-A,de\n\
    p2,2026-10-01 11:00:00,DE,,085.001.002.003,joann@googlemail.com,dev-A,Germany\n\
    p3,2026-10-01 12:00:00,FR,,2A00:1450:4001:0811::200E,m.x@shop.example,6F9619FF-8B86-D011-B42D-00C04FC964FF,\n";

#[test]
fn registrations_carry_email_device_ip_and_ip_country() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_program(&dir.path().join("db"));
    let f = write(dir.path(), "regs.csv", REGISTRATIONS);
    let s = run(&store, &f, ImportPreset::Registrations);
    assert_eq!((s.rows_ok, s.rows_quarantined), (3, 0), "{s:?}");
    assert!(s.ignored_signals.is_empty(), "{:?}", s.ignored_signals);
    assert!(
        s.missing_signals
            .iter()
            .all(|m| m.rule != "multi_accounting"),
        "{:?}",
        s.missing_signals
    );
    let h = email_hash("joann@gmail.com").unwrap();
    assert_eq!(
        strings(&store, "SELECT external_id || ' ' || ip || ' ' || device_id || ' ' || COALESCE(email_hash, '-') FROM players ORDER BY external_id"),
        [
            format!("p1 85.1.2.3 dev-A {h}"),
            format!("p2 85.1.2.3 dev-A {h}"),
            format!(
                "p3 2a00:1450:4001:811::200e 6F9619FF-8B86-D011-B42D-00C04FC964FF {}",
                email_hash("m.x@shop.example").unwrap()
            ),
        ],
        "one mailbox, one hash however it was typed; IPs in one canonical form"
    );
    assert_eq!(
        text(
            &store,
            "SELECT country FROM ip_countries WHERE ip = '85.1.2.3'"
        ),
        "DE",
        "a code or a name"
    );
    // The address is kept nowhere: not in the players, not in the raw archive of the file.
    assert_eq!(
        count(&store, "SELECT COUNT(*) FROM raw_records WHERE instr(lower(CAST(payload AS TEXT)), 'gmail') > 0 OR instr(CAST(payload AS TEXT), 'shop.example') > 0"),
        0
    );
    assert_eq!(
        count(&store, &format!("SELECT COUNT(*) FROM raw_records WHERE instr(CAST(payload AS TEXT), 'sha256:{h}') > 0")),
        1,
        "the archive holds the hash in the address's place"
    );
    // A second file for the same players fills in only what is unknown, never replacing another source's values.
    let more = write(
        dir.path(),
        "regs-2.csv",
        "player_id,registration_date,device_id,email\np1,2026-10-01 10:00:00,dev-OTHER,other@x.com\np4,2026-10-02 09:00:00,dev-B,\n",
    );
    run(&store, &more, ImportPreset::Registrations);
    assert_eq!(
        text(
            &store,
            "SELECT device_id FROM players WHERE external_id = 'p1'"
        ),
        "dev-A"
    );
    assert_eq!(
        text(
            &store,
            "SELECT email_hash FROM players WHERE external_id = 'p1'"
        ),
        h
    );
    assert_eq!(
        text(
            &store,
            "SELECT device_id FROM players WHERE external_id = 'p4'"
        ),
        "dev-B"
    );
}

/// A world's worth of what real operator exports are full of: every player "registered" from the office
/// network's private IP, with the device id the SDK reports when it has none, and junk in the email column.
fn bad_registrations(n: usize) -> String {
    let placeholders = [
        "unknown",
        "0000000000000000",
        "00000000-0000-0000-0000-000000000000",
        "",
        "null",
        "n/a",
        "N/A",
        "(null)",
    ];
    let emails = [
        "not-an-email",
        "john smith@gmail.com",
        "a@b",
        "noemail@casino.com",
        "",
    ];
    let mut body =
        String::from("player_id,registration_date,country,ip,email,device_id,ip_country\n");
    for i in 0..n {
        body.push_str(&format!(
            "b{i},2026-10-01 10:{:02}:00,DE,{},{},{},{}\n",
            i % 60,
            [
                "10.0.0.1",
                "192.168.1.20",
                "172.16.0.9",
                "127.0.0.1",
                "100.64.3.3"
            ][i % 5],
            emails[i % emails.len()],
            placeholders[i % placeholders.len()],
            ["EU", "A1", "DE"][i % 3],
        ));
    }
    body
}

#[test]
fn bad_signal_values_are_ignored_and_counted_never_a_flood_of_flags() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(&dir.path().join("ws")).unwrap();
    ws.store()
        .write::<_, affops_core::store::StoreError>(|tx| {
            tx.execute("INSERT INTO programs (name, vertical, currency, timezone, created_at_ms) VALUES ('Casino', 'igaming', 'USD', 'UTC', 0)", [])?;
            Ok(())
        })
        .unwrap();
    let n = 120;
    let f = write(dir.path(), "bad.csv", &bad_registrations(n));
    let s = run(ws.store(), &f, ImportPreset::Registrations);
    assert_eq!(
        (s.rows_ok, s.rows_quarantined),
        (n as i64, 0),
        "rows stay imported"
    );
    assert_eq!(
        ignored(&s),
        [
            ig("device_id", "placeholder", 105, 2), // 7 of every 8 (the 8th is empty: absent, not ignored)
            ig("email", "placeholder", 24, 5),
            ig("email", "not_an_address", 72, 2),
            ig("ip", "private_ip", 120, 2),
            ig("ip_country", "not_a_country", 80, 2),
        ]
    );
    let device = &s.ignored_signals[0];
    assert_eq!(device.example, "unknown");
    assert_eq!(
        device.message,
        "device_id: 105 placeholder values ignored as a signal (first: 'unknown', row 2); the rows were imported"
    );
    assert_eq!(
        s.ignored_signals[1].example, "",
        "an address is never repeated back"
    );
    assert_eq!(
        s.ignored_signals[3].message,
        "ip: 120 private or reserved IP addresses ignored as a signal (first: '10.0.0.1', row 2); the rows were imported"
    );
    // Nothing of it was stored as a signal, so nothing links these players…
    assert_eq!(
        count(ws.store(), "SELECT COUNT(*) FROM players WHERE ip <> '' OR device_id <> '' OR email_hash IS NOT NULL"),
        0
    );
    // …and the summary says the identity rules have nothing usable, rather than that the columns are empty.
    let multi = s
        .missing_signals
        .iter()
        .find(|m| m.rule == "multi_accounting")
        .unwrap();
    assert_eq!(
        multi.message,
        "multi-accounting cannot run: device_id, email and ip have no usable value (every one was ignored: see the ignored signals)"
    );
    // The list of past runs keeps the counts.
    let past = import::list_runs(ws.store()).unwrap();
    assert_eq!(ignored(&past[0]), ignored(&s));

    // A real ring beside them — three accounts on one device and one card — is still found, and nothing else.
    let ring = write(
        dir.path(),
        "ring.csv",
        "player_id,registration_date,ip,email,device_id\n\
         r1,2026-10-02 10:00:00,85.9.9.1,ring.one@gmail.com,dev-RING\n\
         r2,2026-10-02 10:05:00,85.9.9.2,ring.two@gmail.com,dev-RING\n\
         r3,2026-10-02 10:09:00,85.9.9.3,ring.three@gmail.com,dev-RING\n",
    );
    run(ws.store(), &ring, ImportPreset::Registrations);
    let deposits = write(
        dir.path(),
        "ring-deposits.csv",
        "deposit_id,player_id,amount,currency,occurred_at,is_ftd,payment_hash\n\
         d1,r1,20.00,USD,2026-10-02 11:00:00,1,4111 1111 1111 1111\n\
         d2,r2,20.00,USD,2026-10-02 11:05:00,1,4111-1111-1111-1111\n\
         d3,r3,20.00,USD,2026-10-02 11:09:00,1,4111111111111111\n\
         d4,b0,20.00,USD,2026-10-02 11:10:00,1,0000000000000000\n\
         d5,b1,20.00,USD,2026-10-02 11:11:00,1,unknown\n",
    );
    let d = run(ws.store(), &deposits, ImportPreset::Deposits);
    assert_eq!((d.rows_ok, d.rows_quarantined), (5, 0));
    assert_eq!(ignored(&d), [ig("payment_hash", "placeholder", 2, 5)]);
    assert_eq!(
        count(ws.store(), "SELECT COUNT(DISTINCT payment_hash) FROM money_movements WHERE payment_hash IS NOT NULL"),
        1,
        "one card however it was written, stored only as a hash"
    );
    assert_eq!(
        count(
            ws.store(),
            "SELECT COUNT(*) FROM money_movements WHERE payment_hash LIKE '4111%'"
        ),
        0
    );
    ws.derive(NOW).unwrap();
    let flagged = strings(
        ws.store(),
        "SELECT f.subject_key FROM flags f JOIN flag_current c ON c.flag_id = f.id
          WHERE f.rule = 'multi_accounting' AND c.state <> 'superseded' ORDER BY 1",
    );
    assert_eq!(
        flagged,
        ["player:r1", "player:r2", "player:r3"],
        "the ring, and none of the {n} others"
    );
}

#[test]
fn withdrawals_and_bonus_grants_are_money_movements() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_program(&dir.path().join("db"));
    run(
        &store,
        &write(dir.path(), "r.csv", REGISTRATIONS),
        ImportPreset::Registrations,
    );
    run(
        &store,
        &write(
            dir.path(),
            "d.csv",
            "deposit_id,player_id,amount,currency,occurred_at,is_ftd,payment_hash\nd1,p1,20.00,USD,2026-10-01 11:00:00,1,ph-7f3a\n",
        ),
        ImportPreset::Deposits,
    );
    let w = write(
        dir.path(),
        "w.csv",
        "withdrawal_id,player_id,amount,currency,occurred_at,payment_hash\n\
         w1,p1,-40.10,USD,2026-10-01 13:00:00,ph-7f3a\n\
         w2,p2,15,USD,2026-10-01 14:00:00,DE89 3704 0044 0532 0130 00\n\
         w3,p9,15,USD,2026-10-01 14:00:00,\n\
         d1,p1,15,USD,2026-10-01 14:00:00,\n\
         w4,p1,0,USD,2026-10-01 14:00:00,\n\
         w5,p3,12,USD,2026-10-01 15:00:00,n/a\n",
    );
    let s = run(&store, &w, ImportPreset::Withdrawals);
    assert_eq!((s.rows_ok, s.rows_quarantined), (3, 3), "{s:?}");
    let q = quarantined(&store, s.id);
    assert!(
        q[0].starts_with("4 player_id: player 'p9' is unknown; import the registrations first"),
        "{q:?}"
    );
    assert!(
        q[1].starts_with("5 withdrawal_id: id 'd1' is already a deposit of this program"),
        "{q:?}"
    );
    assert!(q[2].starts_with("6 amount: is zero"), "{q:?}");
    assert_eq!(ignored(&s), [ig("payment_hash", "placeholder", 1, 7)]);
    assert_eq!(
        strings(&store, "SELECT external_id || ' ' || kind || ' ' || amount_micros || ' ' || COALESCE(length(payment_hash), 0) FROM money_movements ORDER BY external_id"),
        ["d1 deposit 20000000 7", "w1 withdrawal 40100000 7", "w2 withdrawal 15000000 64", "w5 withdrawal 12000000 0"],
        "a withdrawal is positive whatever sign the file writes; an IBAN is kept only as its hash"
    );
    let b = write(
        dir.path(),
        "b.csv",
        "bonus_id,player_id,amount,currency,occurred_at\nb1,p1,20,USD,2026-10-01 11:00:01\nb2,p2,-5,USD,2026-10-01 11:00:01\n",
    );
    let s = run(&store, &b, ImportPreset::Bonuses);
    assert_eq!((s.rows_ok, s.rows_quarantined), (1, 1));
    assert!(quarantined(&store, s.id)[0].contains("is not a positive bonus amount"));
    assert_eq!(count(&store, "SELECT COUNT(*) FROM money_movements WHERE kind = 'bonus' AND amount_micros = 20000000"), 1);
    // The same files again change nothing.
    assert!(run(&store, &w, ImportPreset::Withdrawals).already_imported);
    // A deposits or withdrawals file without instruments says what multi-accounting misses.
    let bare = write(
        dir.path(),
        "w2.csv",
        "withdrawal_id,player_id,amount,currency,occurred_at\nw9,p1,1,USD,2026-10-02 10:00:00\n",
    );
    let s = run(&store, &bare, ImportPreset::Withdrawals);
    assert_eq!(
        s.missing_signals
            .iter()
            .map(|m| m.message.as_str())
            .collect::<Vec<_>>(),
        ["multi-accounting by payment instrument cannot run: no payment_hash mapped"]
    );
}

#[test]
fn the_affiliates_file_brings_their_own_identifiers_and_self_referral_uses_them() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(&dir.path().join("ws")).unwrap();
    ws.store()
        .write::<_, affops_core::store::StoreError>(|tx| {
            tx.execute("INSERT INTO programs (name, vertical, currency, timezone, created_at_ms) VALUES ('Casino', 'igaming', 'USD', 'UTC', 0)", [])?;
            Ok(())
        })
        .unwrap();
    let affiliates = write(
        dir.path(),
        "affiliates.csv",
        "affiliate_id,name,email,office_ips,payout_instrument\n\
         7,Seven Media,Partners+fx@Seven.example,\"85.7.7.7; 10.1.1.1 | 2a00:7::1, office\",DE89 3704 0044 0532 0130 00\n\
         8,Eight,not-an-address,,unknown\n",
    );
    let s = run(ws.store(), &affiliates, ImportPreset::Affiliates);
    assert_eq!((s.rows_ok, s.rows_quarantined), (2, 0), "{s:?}");
    assert_eq!(
        ignored(&s),
        [
            ig("email", "not_an_address", 1, 3),
            ig("office_ips", "private_ip", 1, 2),
            ig("office_ips", "not_an_ip", 1, 2),
            ig("payout_instrument", "placeholder", 1, 3),
        ]
    );
    assert_eq!(
        strings(ws.store(), "SELECT kind || ' ' || hint || ' ' || origin || ':' || origin_ref FROM affiliate_identifiers ORDER BY kind, value"),
        [
            "email_hash p…@seven.example file:affiliates.csv",
            "ip 2a00:7::1 file:affiliates.csv",
            "ip 85.7.7.7 file:affiliates.csv",
            "payment_hash …3000 file:affiliates.csv",
        ]
    );
    assert_eq!(
        text(
            ws.store(),
            "SELECT value FROM affiliate_identifiers WHERE kind = 'email_hash'"
        ),
        email_hash("partners@seven.example").unwrap()
    );
    // A player of affiliate 7 registering from its office is self-referral; one from elsewhere is not.
    let clicks = write(
        dir.path(),
        "clicks.csv",
        "click_id,clicked_at,affiliate_id,ip\nk1,2026-10-01 09:00:00,7,85.7.7.7\nk2,2026-10-01 09:00:00,7,85.0.0.2\n",
    );
    run(ws.store(), &clicks, ImportPreset::Clicks);
    let regs = write(
        dir.path(),
        "regs.csv",
        "player_id,registration_date,click_id,ip\nown,2026-10-01 10:00:00,k1,85.7.7.7\nfar,2026-10-01 10:00:00,k2,85.0.0.2\n",
    );
    run(ws.store(), &regs, ImportPreset::Registrations);
    ws.derive(NOW).unwrap();
    assert_eq!(
        strings(
            ws.store(),
            "SELECT subject_key FROM flags WHERE rule = 'self_referral'"
        ),
        ["player:own"]
    );
}

#[test]
fn identifiers_are_added_and_removed_through_the_front_door_audited() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path()).unwrap();
    ws.store()
        .write::<_, affops_core::store::StoreError>(|tx| {
            tx.execute("INSERT INTO programs (name, vertical, currency, timezone, created_at_ms) VALUES ('Casino', 'igaming', 'USD', 'UTC', 0)", [])?;
            tx.execute("INSERT INTO affiliates (program_id, external_id, name, email_hash, created_at_ms) VALUES (1, '7', 'Seven', ?1, 0)", [email_hash("boss@seven.example").unwrap()])?;
            // Some traffic, so the workspace has a data range for the profile's period.
            tx.execute("INSERT INTO clicks (program_id, click_id, affiliate_id, clicked_at_ms, day) VALUES (1, 'k1', 1, 1790000000000, '2026-09-21')", [])?;
            Ok(())
        })
        .unwrap();
    let cx = as_role(&ws, Role::Manager, NOW);
    let audit = || {
        count(
            ws.store(),
            "SELECT COUNT(*) FROM audit_log WHERE action LIKE '%affiliate_identifier'",
        )
    };
    let req = |kind: &str, value: &str| AffiliateIdentifierRequest {
        affiliate: "7".into(),
        kind: kind.into(),
        value: value.into(),
    };
    let added =
        ops::attribution::add_affiliate_identifier(&cx, req("email", " Ops+x@Seven.example "))
            .unwrap();
    assert_eq!(
        (
            added.kind.as_str(),
            added.hint.as_str(),
            added.origin.as_str()
        ),
        ("email_hash", "o…@seven.example", "user")
    );
    assert_eq!(added.value, email_hash("ops@seven.example").unwrap());
    assert_eq!(added.origin_ref, crate::front_door::name_of(Role::Manager));
    ops::attribution::add_affiliate_identifier(&cx, req("ip", "085.7.7.7")).unwrap();
    ops::attribution::add_affiliate_identifier(
        &cx,
        req("payout_instrument", "4111 1111 1111 1111"),
    )
    .unwrap();
    assert_eq!(audit(), 3, "one audit entry per write");
    // Refusals name the field and why; nothing is written.
    for (kind, value, why) in [
        (
            "ip",
            "10.0.0.1",
            "Value: '10.0.0.1' is a private or reserved address",
        ),
        ("ip", "office", "Value: 'office' is not an IP address"),
        ("email", "n/a", "Value: 'n/a' is a placeholder address"),
        (
            "device_id",
            "00000000-0000-0000-0000-000000000000",
            "is a placeholder",
        ),
        ("fax", "1", "Kind: 'fax' is not a kind of identifier"),
        (
            "ip",
            "85.7.7.7",
            "Value: affiliate 7 already has this office IP",
        ),
        ("email", "BOSS@seven.example", "already has this email"),
    ] {
        let e = ops::attribution::add_affiliate_identifier(&cx, req(kind, value)).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput, "{kind} {value}");
        assert!(e.message.contains(why), "{kind} {value}: {}", e.message);
    }
    assert_eq!(audit(), 3);
    let detail = ops::attribution::affiliate_detail(
        &cx,
        affops_core::api::AffiliateRequest {
            affiliate: "7".into(),
            period: Default::default(),
        },
    )
    .unwrap();
    assert_eq!(
        detail
            .identifiers
            .iter()
            .map(|i| format!("{} {}", i.kind, i.origin))
            .collect::<Vec<_>>(),
        [
            "ip user",
            "email_hash profile",
            "email_hash user",
            "payment_hash user"
        ],
        "the profile's contact email is listed with them"
    );
    // Removed by the value as listed, or as typed; the profile's email too.
    ops::attribution::remove_affiliate_identifier(&cx, req("ip", "85.7.7.7")).unwrap();
    ops::attribution::remove_affiliate_identifier(
        &cx,
        req("payout_instrument", "4111-1111-1111-1111"),
    )
    .unwrap();
    ops::attribution::remove_affiliate_identifier(
        &cx,
        req("email_hash", &email_hash("boss@seven.example").unwrap()),
    )
    .unwrap();
    let e = ops::attribution::remove_affiliate_identifier(&cx, req("ip", "85.7.7.7")).unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    assert_eq!(audit(), 6);
    assert_eq!(
        count(
            ws.store(),
            "SELECT COUNT(*) FROM affiliates WHERE email_hash IS NOT NULL"
        ),
        0
    );
    assert_eq!(
        count(ws.store(), "SELECT COUNT(*) FROM affiliate_identifiers"),
        1
    );
    // No address or card number is in the audit log: only hashes and hints.
    assert_eq!(
        count(ws.store(), "SELECT COUNT(*) FROM audit_log WHERE instr(lower(detail), 'ops@') > 0 OR instr(detail, '4111 1111') > 0 OR instr(detail, '41111111') > 0"),
        0
    );
    // A viewer may not.
    let viewer = as_role(&ws, Role::Viewer, NOW);
    let e = ops::attribution::add_affiliate_identifier(&viewer, req("ip", "85.7.7.8")).unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
}

#[test]
fn a_geoip_table_of_ranges_fills_ip_countries_in_any_order_and_refuses_overlaps() {
    let table = "lower_bound_ip_address,upper_bound_ip_address,country\n\
        16777216,16777471,Australia\n\
        1.0.1.0,1.0.1.255,CN\n\
        2a00:1450::/32,,Ireland\n\
        85.1.2.3,,de\n\
        16777300,16777310,Japan\n\
        1.02E+09,1024032767,Philippines\n\
        16778240.0,16779263,Can\n\
        16779264,16779000,US\n\
        1.0.1.0/24,,CN\n";
    let map = |pairs: &[&str]| {
        let pairs: Vec<String> = pairs.iter().map(|s| s.to_string()).collect();
        import::parse_pairs(ImportPreset::IpCountries, &pairs).unwrap()
    };
    let m = map(&[
        "lower_bound_ip_address=ip_from",
        "upper_bound_ip_address=ip_to",
    ]);
    let regs = "player_id,registration_date,ip\na,2026-10-01,1.0.0.7\nb,2026-10-01,16777472\nc,2026-10-01,2a00:1450:4001::1\nd,2026-10-01,85.1.2.3\ne,2026-10-01,9.9.9.9\n";

    let mut seen = Vec::new();
    for ranges_first in [true, false] {
        let dir = tempfile::tempdir().unwrap();
        let store = store_with_program(&dir.path().join("db"));
        let t = write(dir.path(), "geo.csv", table);
        let r = write(dir.path(), "regs.csv", regs);
        let import_table = || {
            import::import_file(&store, &t, &ImportOptions::new("files", m.clone(), clock()))
                .unwrap()
        };
        let s = if ranges_first {
            let s = import_table();
            run(&store, &r, ImportPreset::Registrations);
            s
        } else {
            run(&store, &r, ImportPreset::Registrations);
            import_table()
        };
        assert_eq!((s.rows_ok, s.rows_quarantined), (5, 4), "{s:?}");
        let q = quarantined(&store, s.id);
        assert_eq!(
            q,
            [
                "6 ip_from: 1.0.0.84–1.0.0.94 overlaps row 2 of geo.csv (1.0.0.0–1.0.0.255 → AU); ranges may not overlap, so this row is left out",
                "7 lower_bound_ip_address: '1.02E+09' is a rounded number (scientific notation): the exact address is lost; export the column as whole numbers",
                "8 country: 'Can' is not a country code (ISO 3166-1, e.g. DE) or a country name",
                "9 upper_bound_ip_address: '1.0.6.248' comes before ip_from '1.0.8.0'",
            ]
        );
        // The same range again (as a CIDR block this time) is no change.
        assert_eq!(count(&store, "SELECT COUNT(*) FROM ip_country_ranges"), 4);
        let countries = strings(
            &store,
            "SELECT ip || '=' || country FROM ip_countries ORDER BY ip",
        );
        assert_eq!(
            countries,
            [
                "1.0.0.7=AU",
                "16777472=CN",
                "2a00:1450:4001::1=IE",
                "85.1.2.3=DE"
            ],
            "an IPv4 address written as a number is looked up as one"
        );
        seen.push(countries);
        let cn = store
            .read::<_, affops_core::store::StoreError>(|c| {
                Ok(affops_core::import::ipgeo::country_of(c, "1.0.1.9")?)
            })
            .unwrap();
        assert_eq!(cn.as_deref(), Some("CN"));
    }
    assert_eq!(
        seen[0], seen[1],
        "the same countries whichever file came first"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    /// Whatever the new signal columns hold — junk, quotes, control bytes, near-addresses, placeholders — every row
    /// is imported or quarantined, nothing panics, what is stored as a signal is clean (no private IP, no placeholder
    /// device, an email only as a 64-hex hash, a country code of two letters), no address reaches the archive, and
    /// each ignored count fits the rows.
    #[test]
    fn any_cell_contents_in_the_signal_columns(
        cells in proptest::collection::vec((
            prop_oneof!["[a-zA-Z0-9@.+ _-]{0,24}", Just("unknown".to_string()), Just("10.0.0.1".to_string()), Just("a@b.co".to_string()), "[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}", any::<String>()],
            prop_oneof!["[a-zA-Z0-9@.+ _\"-]{0,24}", Just("x.y+z@Gmail.com".to_string()), Just("bad@".to_string()), any::<String>()],
            prop_oneof!["[0-9a-fA-F-]{0,36}", Just("0000".to_string()), Just("null".to_string()), any::<String>()],
            prop_oneof!["[A-Za-z ()']{0,20}", Just("de".to_string()), Just("EU".to_string())],
        ), 1..25),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let store = store_with_program(&dir.path().join("db"));
        let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
        w.write_record(["player_id", "registration_date", "ip", "email", "device_id", "ip_country"]).unwrap();
        for (i, (ip, email, device, country)) in cells.iter().enumerate() {
            w.write_record([format!("p{i}"), "2026-10-01".into(), ip.clone(), email.clone(), device.clone(), country.clone()]).unwrap();
        }
        let path = dir.path().join("f.csv");
        std::fs::write(&path, w.into_inner().unwrap()).unwrap();
        let s = match import::import_file(&store, &path, &ImportOptions::new("fuzz", preset(ImportPreset::Registrations), clock())) {
            Ok(s) => s,
            Err(e) => { prop_assert!(!e.to_string().is_empty()); return Ok(()); }
        };
        prop_assert_eq!((s.rows_ok + s.rows_quarantined) as usize, cells.len());
        for i in &s.ignored_signals {
            prop_assert!(i.count >= 1 && i.count <= s.rows_ok, "{:?}", i);
        }
        for ip in strings(&store, "SELECT ip FROM players WHERE ip <> ''") {
            if let Ok(a) = ip.parse::<std::net::IpAddr>() {
                prop_assert!(!affops_core::import::clean::is_private_or_reserved(a), "{}", ip);
            }
            prop_assert!(!affops_core::import::clean::is_placeholder(&ip), "{}", ip);
        }
        for d in strings(&store, "SELECT device_id FROM players WHERE device_id <> ''") {
            prop_assert!(!affops_core::import::clean::is_placeholder(&d), "{}", d);
        }
        for h in strings(&store, "SELECT email_hash FROM players WHERE email_hash IS NOT NULL") {
            prop_assert!(h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()), "{}", h);
        }
        for c in strings(&store, "SELECT country FROM ip_countries") {
            prop_assert!(c.is_empty() || (c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase())), "{}", c);
        }
        for (_, email, _, _) in &cells {
            if email_hash(email).is_some() {
                let raw = count(&store, &format!(
                    "SELECT COUNT(*) FROM raw_records WHERE instr(CAST(payload AS TEXT), '{}') > 0",
                    email.trim().replace('\'', "''")
                ));
                prop_assert_eq!(raw, 0, "{} is in the archive", email);
            }
        }
        prop_assert_eq!(store.integrity_check().unwrap(), "ok");
    }

    /// GeoIP tables of arbitrary ranges, in any order: whatever is stored never overlaps, and every row is either
    /// stored, the same as one stored, or quarantined.
    #[test]
    fn geoip_ranges_never_overlap(rows in proptest::collection::vec((0u32..4000, 0u32..300, prop_oneof![Just("DE"), Just("FR"), Just("Atlantis")]), 1..40)) {
        let dir = tempfile::tempdir().unwrap();
        let store = store_with_program(&dir.path().join("db"));
        let mut body = String::from("ip_from,ip_to,country\n");
        for (start, len, c) in &rows {
            body.push_str(&format!("{},{},{c}\n", 16_777_216 + start, 16_777_216 + start + len));
        }
        let path = write(dir.path(), "g.csv", &body);
        let s = run(&store, &path, ImportPreset::IpCountries);
        prop_assert_eq!((s.rows_ok + s.rows_quarantined) as usize, rows.len());
        let overlapping = count(&store, "SELECT COUNT(*) FROM ip_country_ranges a JOIN ip_country_ranges b ON a.id < b.id AND a.first_key <= b.last_key AND b.first_key <= a.last_key");
        prop_assert_eq!(overlapping, 0);
        prop_assert!(count(&store, "SELECT COUNT(*) FROM ip_country_ranges") <= s.rows_ok);
    }
}
