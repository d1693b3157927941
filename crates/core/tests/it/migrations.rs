//! Shipped migrations are immutable: a database in the field has already run them, so editing one would leave
//! old and new installs with different schemas. Add a new numbered migration instead.

use sha2::{Digest, Sha256};

/// (file name, SHA-256 of its text). Append a line when you add a migration; never change an existing line.
const SHIPPED: &[(&str, &str)] = &[
    (
        "0001_lifecycle.sql",
        "36fe2888afab751c164f75999b0b130bd51b83a44eeccffd1a8b029da81a25fe",
    ),
    (
        "0002_rollups.sql",
        "2bef82e4f48a9c72f66762434eebfc2834aba95910cd4306c13e1ec970f00676",
    ),
    (
        "0003_postbacks.sql",
        "16cc494cda6fc2a4ae23f1d0db1bf45ca39c5700ad1123b3340bc677427c1d2e",
    ),
    (
        "0004_import.sql",
        "8f4e7af5692870cadf7539881e59cc73c58c5ec8a1dde33af7da5507331878f1",
    ),
    (
        "0005_commission.sql",
        "88f8151bd74214e68f639f2aa91649b1f91080402bbcae752cccc7f4d635beaa",
    ),
    (
        "0006_attribution.sql",
        "2239aa5e383de72eee00f8204ea814a8e2db0290a6c59af0e3bcfb16908ea372",
    ),
    (
        "0007_detection.sql",
        "270d6553784bc2f5464d8d407d8babb5c0cd42a40727ad06219cc9ff879e285a",
    ),
    (
        "0008_fraud_exclusions.sql",
        "fb2313250197277911f76390f41191128dac6acdcef50b09490821ab32b9be58",
    ),
    (
        "0009_source_update_time.sql",
        "390a30a272562f027dc29647e29a82b0187360f383be04ddab2dfd4d0402388b",
    ),
    (
        "0010_raw_encoding.sql",
        "6477e0dd142f9a1846dbd4c6627114209117531a9b021385d7158d2a79cdb48b",
    ),
    (
        "0011_conversions_txn_index.sql",
        "0bd9eb270d87956166e2bbb5980f8cdf52bda9ef8ed33105767c9a84a4902e60",
    ),
    (
        "0012_enum_checks.sql",
        "2e89a667c64bd9b08b199806e3f782b8e9135c7ba0bfd19333848e95143f4dc8",
    ),
    (
        "0013_clicks_time_index.sql",
        "16b7456822a60f2801fcead6461aea8b27f8f7c380186e06ca88aa00bb82cfba",
    ),
    (
        "0014_people.sql",
        "338327702d23d934b31dbefbe1b16ea700355c3d1199b624a287aeed0dcb606e",
    ),
    (
        "0015_payouts.sql",
        "8ace41da3849b8c1f70d4092503cc7b7e1c82e1dfbe9ba08639d2836e2383069",
    ),
    (
        "0016_disputes.sql",
        "c12be72207ad301255d379c750f243c838844b1145f8ef69a654f93c7fea86da",
    ),
    (
        "0017_claims.sql",
        "abb45116e903e25cafb1aa7f56ec472dd6a5e9ecc3bbf04c904812ed4a3ba428",
    ),
    (
        "0018_attribution_overrides.sql",
        "8641d3c420b0e38a8696fe40fcc2eedb651e19cc6f9dafbef8533af997ca475c",
    ),
    (
        "0019_affiliates_file.sql",
        "d5876972fd17ab9ea0bbe1a3010cef0c1551891ae60db7700853372e31dcc70e",
    ),
    (
        "0020_forex_files.sql",
        "766a4589aa3ed2a39fb00a695a58aaeae945e438a33ff3134d852deb4c0ec9c7",
    ),
    (
        "0021_dashboard_rollups.sql",
        "86d3b860346678c6c5bdd9a14a41f2147c372e35a759be76dfb3d647778c3d45",
    ),
    (
        "0022_fx_daily.sql",
        "672e7b487e2d0b5461ec65479af2a67219b3805de088b30b4c949d7c86cd891d",
    ),
    (
        "0023_flag_revisions.sql",
        "3ed01c45f0bec9e18a2edb5b4f1ecab6636c29d49c6ecaeb54eaa4dc469ece45",
    ),
    (
        "0024_signal_imports.sql",
        "62880d8e6bd0e65b67e584c868080ee75ff1f5e7e98ec98ff6c23ee93bfe6a99",
    ),
    (
        "0025_detect_allowlist.sql",
        "7c58145709b89b2830b4702a8a7227dce1be6072cbd39f75495f9dcf516d9e0d",
    ),
    (
        "0026_flag_revision_affiliate.sql",
        "d201ee336fe92b4a628cb84b95ebd07da070256abe7a00502e364bd32d7389c9",
    ),
    (
        "0027_fx_daily_snapshot.sql",
        "b5f09ab0df1361f63786e949bcbeabb1665a0fbaf74069c96fcdb493d2c386e0",
    ),
    (
        "0028_cohort_fx_daily.sql",
        "69a459cf6d2d9b98da5ab8482b9c6dd052d3ab40ea9f0622b2597225f7386c62",
    ),
    (
        "0029_affiliate_rollups.sql",
        "265123342550300b8a2ebe34771c1ce857fc5f002a4210edefdad6e482062e1f",
    ),
    (
        "0030_ledger_cohort_amounts.sql",
        "c968ea718fd32e2e5eae38008714c84d615d5fbd3a30a5e172e1df6dbb8c244e",
    ),
    (
        "0031_program_data_range.sql",
        "a0806e645f82ac3a57577a952857e20876507c4284ec53846e7375c34247d32f",
    ),
    (
        "0032_key_monthly.sql",
        "2e899df68e963a1e67658d039b76a5cf8e52bd5d9ac4eb4b09e1fb692697e1f8",
    ),
    (
        "0033_recon_reason_index.sql",
        "530517932a5164a327ebc74cd882aa89d3f08e8942352d08f734015a8924215b",
    ),
];

#[test]
fn shipped_migrations_are_never_edited() {
    let all = affops_core::store::MIGRATIONS;
    assert!(
        all.len() >= SHIPPED.len(),
        "a shipped migration was removed"
    );
    for (m, (name, sha)) in all.iter().zip(SHIPPED) {
        assert_eq!(m.name, *name, "migrations were renamed or reordered");
        let actual = hex::encode(Sha256::digest(m.sql.as_bytes()));
        assert_eq!(
            &actual, sha,
            "shipped migration {name} was edited; add a new migration instead"
        );
    }
}

/// Numbers run 0001, 0002, … without gaps: `user_version` is the count of applied migrations.
#[test]
fn migrations_are_numbered_in_order() {
    for (i, m) in affops_core::store::MIGRATIONS.iter().enumerate() {
        assert!(
            m.name.starts_with(&format!("{:04}_", i + 1)),
            "{} is out of order",
            m.name
        );
    }
}

/// A workspace from before 0012 (its enum CHECKs written with IN) upgrades in place: every row of the rebuilt
/// tables keeps its id and values, the rows that reference them still resolve, and the constraints still refuse
/// what they refused.
#[test]
fn table_rebuild_keeps_every_row_and_every_reference() {
    use rusqlite::Connection;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(affops_core::store::DB_FILE);
    {
        let mut conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "foreign_keys", "ON").unwrap();
        let tx = conn.transaction().unwrap();
        for (i, m) in affops_core::store::MIGRATIONS.iter().enumerate().take(11) {
            tx.execute_batch(m.sql).unwrap();
            tx.pragma_update(None, "user_version", (i + 1) as u32)
                .unwrap();
        }
        tx.execute_batch(
            "INSERT INTO programs (name, vertical, currency, timezone, created_at_ms) VALUES ('P', 'igaming', 'EUR', 'UTC', 0);
             INSERT INTO sources (program_id, name, kind, created_at_ms) VALUES (1, 'S', 'everflow', 0);
             INSERT INTO affiliates (program_id, external_id, name, created_at_ms) VALUES (1, 'a', 'A', 0);
             INSERT INTO players (program_id, external_id, currency, registered_at_ms, day) VALUES (1, 'p1', 'EUR', 0, '2026-10-01');
             INSERT INTO conversions (id, source_id, program_id, external_id, affiliate_id, status, payout_micros, currency,
                                      converted_at_ms, day, arrival, first_seen_at_ms, updated_at_ms, source_updated_at_ms)
                 VALUES (7, 1, 1, 'c7', 1, 'hold', 5000000, 'EUR', 1, '2026-10-01', 's2s', 1, 2, 3),
                        (9, 1, 1, 'c9', 1, 'approved', 1, 'EUR', 1, '2026-10-02', 'api', 1, 2, NULL);
             INSERT INTO conversion_status_history (conversion_id, status, payout_micros, observed_at_ms) VALUES (7, 'hold', 5000000, 1);
             INSERT INTO money_movements (id, program_id, external_id, player_id, kind, amount_micros, currency, occurred_at_ms, day, is_ftd)
                 VALUES (3, 1, 'd1', 1, 'deposit', 25000000, 'EUR', 1, '2026-10-01', 1);
             INSERT INTO postback_log (id, received_at_ms, source, remote_ip, method, path_query, status_code, outcome, conversion_id, latency_us)
                 VALUES (4, 1, 'S', '127.0.0.1', 'GET', '/postback/S?x=1', 200, 'recorded', 7, 10);",
        )
        .unwrap();
        tx.commit().unwrap();
    }
    let store = affops_core::store::Store::open(dir.path()).unwrap();
    store
        .read::<_, affops_core::store::StoreError>(|c| {
            let version: u32 = c.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            assert_eq!(version as usize, affops_core::store::MIGRATIONS.len());
            let conv: Vec<(i64, String, String, Option<i64>)> = c
                .prepare("SELECT id, status, arrival, source_updated_at_ms FROM conversions ORDER BY id")?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                .collect::<Result<_, _>>()?;
            assert_eq!(
                conv,
                vec![(7, "hold".into(), "s2s".into(), Some(3)), (9, "approved".into(), "api".into(), None)]
            );
            let joined: i64 = c.query_row(
                "SELECT COUNT(*) FROM conversion_status_history h JOIN conversions c ON c.id = h.conversion_id
                 JOIN postback_log l ON l.conversion_id = c.id JOIN money_movements m ON m.id = 3 AND m.kind = 'deposit'",
                [],
                |r| r.get(0),
            )?;
            assert_eq!(joined, 1);
            let dangling: i64 = c.query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |r| r.get(0))?;
            assert_eq!(dangling, 0);
            Ok(())
        })
        .unwrap();
    let refused = |sql: &str| {
        store
            .write::<_, affops_core::store::StoreError>(|tx| Ok(tx.execute(sql, [])?))
            .unwrap_err()
            .to_string()
    };
    assert!(refused("UPDATE conversions SET status = 'paid' WHERE id = 7").contains("CHECK"));
    assert!(refused("UPDATE conversions SET arrival = 'fax' WHERE id = 7").contains("CHECK"));
    assert!(refused("UPDATE money_movements SET kind = 'gift' WHERE id = 3").contains("CHECK"));
    assert!(refused("UPDATE postback_log SET reason = 'x' WHERE id = 4").contains("append-only"));
    assert!(refused("DELETE FROM conversions WHERE id = 7").contains("FOREIGN KEY"));
}

/// A workspace of the last release (schema 0013) upgrades through this release's rebuilds (0014 people, 0016
/// dispute cases, 0017 import tables, 0018 attribution decisions): a case keeps its state and its references
/// become subjects, import runs and mappings keep their rows, attribution decisions keep theirs, and the rows that
/// point at them still resolve.
#[test]
fn upgrade_from_the_last_release_keeps_cases_imports_and_decisions() {
    use rusqlite::Connection;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(affops_core::store::DB_FILE);
    {
        let mut conn = Connection::open(&path).unwrap();
        let tx = conn.transaction().unwrap();
        for (i, m) in affops_core::store::MIGRATIONS.iter().enumerate().take(13) {
            tx.execute_batch(m.sql).unwrap();
            tx.pragma_update(None, "user_version", (i + 1) as u32)
                .unwrap();
        }
        tx.execute_batch(
            "INSERT INTO programs (name, vertical, currency, timezone, created_at_ms) VALUES ('P', 'igaming', 'EUR', 'UTC', 0);
             INSERT INTO sources (id, program_id, name, kind, created_at_ms) VALUES (1, 1, 'S', 'everflow', 0), (2, 1, 'files', 'batch', 0);
             INSERT INTO affiliates (program_id, external_id, name, created_at_ms) VALUES (1, 'a', 'A', 0);
             INSERT INTO players (program_id, external_id, currency, registered_at_ms, day, affiliate_id) VALUES (1, 'p1', 'EUR', 0, '2026-10-01', 1);
             INSERT INTO player_attribution (player_id, program_id, affiliate_id, key_kind, key_value, decided_at_ms, explanation_json)
                 VALUES (1, 1, 1, 'click_id', 'k1', 5, '{}');
             INSERT INTO users (id, name, role, created_at_ms) VALUES (1, 'ana', 'analyst', 0);
             INSERT INTO recon_discrepancies (id, program_id, period, reason, natural_key, affiliate_id, player_ref, deposit_ref,
                                              impact_micros, currency, detail, found_at_ms)
                 VALUES (3, 1, '2026-10', 'missing_postback', 'd1', 1, 'p1', 'd1', 25000000, 'EUR', 'x', 0);
             INSERT INTO dispute_cases (id, program_id, affiliate_id, state, title, amount_claimed_micros, currency, sla_due_at_ms,
                                        discrepancy_id, evidence_refs_json, created_by, created_at_ms)
                 VALUES (9, 1, 1, 'investigating', 'missing_postback: d1', 25000000, 'EUR', 100, 3,
                         '[{\"kind\":\"player\",\"ref\":\"p1\"},{\"kind\":\"discrepancy\",\"ref\":\"3\"}]', 1, 0);
             INSERT INTO dispute_events (dispute_id, at_ms, user_id, event, to_state) VALUES (9, 0, 1, 'opened', 'open');
             INSERT INTO import_runs (id, source_id, file_name, file_size, sha256, preset, mapping_json, started_at_ms, status, rows_ok)
                 VALUES (4, 2, 'clicks.csv', 10, printf('%064d', 0), 'clicks', '{}', 0, 'done', 7);
             INSERT INTO quarantine (id, source_id, stream, locator, reason, payload, created_at_ms) VALUES (5, 2, 'import:clicks.csv', 'row 2', 'bad', X'00', 0);
             INSERT INTO import_quarantine (quarantine_id, run_id, row_number) VALUES (5, 4, 2);
             INSERT INTO import_mappings (name, preset, mapping_json, created_at_ms, updated_at_ms) VALUES ('m', 'deposits', '{}', 0, 0);",
        )
        .unwrap();
        tx.commit().unwrap();
    }
    let store = affops_core::store::Store::open(dir.path()).unwrap();
    store
        .read::<_, affops_core::store::StoreError>(|c| {
            let one = |sql: &str| -> rusqlite::Result<String> { c.query_row(sql, [], |r| r.get(0)) };
            assert_eq!(one("SELECT state || ' ' || opened_from || ' ' || discrepancy_id FROM dispute_cases WHERE id = 9")?, "investigating discrepancy 3");
            assert_eq!(one("SELECT group_concat(kind || ':' || ref, ',') FROM dispute_subjects WHERE case_id = 9")?, "discrepancy:3,player:p1");
            assert_eq!(one("SELECT '' || COUNT(*) FROM dispute_events e JOIN dispute_cases c ON c.id = e.dispute_id")?, "1");
            assert_eq!(one("SELECT preset || ' ' || rows_ok FROM import_runs WHERE id = 4")?, "clicks 7");
            assert_eq!(one("SELECT '' || COUNT(*) FROM import_quarantine q JOIN import_runs r ON r.id = q.run_id")?, "1");
            assert_eq!(one("SELECT preset FROM import_mappings WHERE name = 'm'")?, "deposits");
            assert_eq!(one("SELECT key_kind || ' ' || key_value FROM player_attribution WHERE player_id = 1")?, "click_id k1");
            let dangling: i64 = c.query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |r| r.get(0))?;
            assert_eq!(dangling, 0);
            Ok(())
        })
        .unwrap();
}
