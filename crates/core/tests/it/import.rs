//! Batch CSV import against a real store: every input quirk ends as an imported row or a quarantined row with its
//! reason (I9), re-import is a no-op, mappings fail up front, and quarantined rows can be browsed and exported.

use affops_core::api::{ColumnMapping, ImportPreset};
use affops_core::import::quarantine::QuarantineFilter;
use affops_core::import::{self, ImportOptions};
use affops_core::store::Store;
use std::path::Path;
use std::sync::Arc;

pub fn clock() -> affops_core::import::run::Clock {
    Arc::new(|| 1_760_000_000_000)
}

pub fn preset(p: ImportPreset) -> ColumnMapping {
    ColumnMapping {
        preset: p,
        columns: vec![],
        date_format: None,
        delimiter: None,
    }
}

/// A fresh store holding one program for the files to land in (imports need one: its zone dates the rows).
pub fn store_with_program(dir: &Path) -> Store {
    let store = Store::open(dir).unwrap();
    store
        .write::<_, affops_core::store::StoreError>(|tx| {
            tx.execute(
                "INSERT INTO programs (name, vertical, currency, timezone, created_at_ms) VALUES ('Casino', 'igaming', 'USD', 'UTC', 0)",
                [],
            )?;
            Ok(())
        })
        .unwrap();
    store
}

pub fn count(store: &Store, sql: &str) -> i64 {
    store
        .read::<_, affops_core::store::StoreError>(|c| Ok(c.query_row(sql, [], |r| r.get(0))?))
        .unwrap()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

const CLICKS_HEADER: &str = "click_id,clicked_at,affiliate_id,sub1,sub2,sub3,sub4,sub5,ip,user_agent,country,landing_url\r\n";

/// Every quirk of the brief in one file: BOM, CRLF, quoted commas, a bad date, a slash date under `auto`, a wrong
/// column count, a huge field, an empty key, trailing blank lines. Exactly the bad rows are quarantined.
#[test]
fn quirky_click_file_imports_good_rows_and_quarantines_each_bad_one() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_program(&dir.path().join("db"));
    let huge = "x".repeat(10_000);
    let body = format!(
        "\u{feff}{CLICKS_HEADER}\
         c1,2026-10-03 10:00:00,7,s1,,,,,1.2.3.4,\"Mozilla/5.0 (X11, Linux)\",DE,https://a.example/?q=1\r\n\
         c2,2026-10-03T10:00:01Z,7,,,,,,,,,\r\n\
         c3,yesterday,7,,,,,,,,,\r\n\
         c4,03/10/2026,7,,,,,,,,,\r\n\
         c5,2026-10-03,7,,,\r\n\
         c6,2026-10-04,8,,,,,,,{huge},,\r\n\
         ,2026-10-04,8,,,,,,,,,\r\n\
         c8,2026-10-04 23:59:59,8,,,,,,,,,\r\n\
         \r\n\r\n"
    );
    let path = write(dir.path(), "clicks.csv", body.as_bytes());
    let s = import::import_file(
        &store,
        &path,
        &ImportOptions::new("tracker-files", preset(ImportPreset::Clicks), clock()),
    )
    .unwrap();
    assert_eq!(
        (s.status.as_str(), s.rows_ok, s.rows_quarantined),
        ("done", 3, 5)
    );
    assert_eq!(count(&store, "SELECT COUNT(*) FROM clicks"), 3);
    assert_eq!(
        count(&store, "SELECT COUNT(*) FROM affiliates"),
        2,
        "affiliates are created on the fly, once each"
    );
    let ua: String = store
        .read::<_, affops_core::store::StoreError>(|c| {
            Ok(c.query_row(
                "SELECT user_agent FROM clicks WHERE click_id = 'c1'",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(
        ua, "Mozilla/5.0 (X11, Linux)",
        "a quoted comma stays inside its field"
    );

    let page = import::list_quarantine(&store, s.id, &QuarantineFilter::default(), 0, 100).unwrap();
    let got: Vec<(i64, Option<&str>, &str)> = page
        .rows
        .iter()
        .map(|r| (r.row, r.field.as_deref(), r.reason.as_str()))
        .collect();
    assert_eq!(
        got[0],
        (
            4,
            Some("clicked_at"),
            "'yesterday' is not a date in the auto format"
        )
    );
    assert_eq!(got[1].0, 5);
    assert!(got[1].2.contains("ambiguous"), "{}", got[1].2);
    assert_eq!(got[2], (6, None, "6 fields, the header has 12"));
    assert_eq!(
        got[3],
        (
            7,
            Some("user_agent"),
            "is 10000 bytes long; the limit is 8192"
        )
    );
    assert_eq!(got[4], (8, Some("click_id"), "is empty"));
    assert_eq!(page.rows[0].locator, "row 4");
    assert!(
        page.rows[0].raw.starts_with("c3,yesterday"),
        "the raw bytes of the row are kept: {:?}",
        page.rows[0].raw
    );

    let filtered = import::list_quarantine(
        &store,
        s.id,
        &QuarantineFilter {
            field: None,
            reason_contains: Some("AMBIGUOUS".into()),
        },
        0,
        10,
    )
    .unwrap();
    assert_eq!(filtered.total, 1);
    let mut out = Vec::new();
    assert_eq!(
        import::export_quarantine_csv(&store, s.id, &QuarantineFilter::default(), &mut out)
            .unwrap(),
        5
    );
    let csv = String::from_utf8(out).unwrap();
    assert!(
        csv.starts_with("row,field,reason,raw\n4,clicked_at,"),
        "{csv}"
    );

    // The raw chunk is archived under the batch source with its byte and row range.
    let loc: String = store
        .read::<_, affops_core::store::StoreError>(|c| {
            Ok(c.query_row(
                "SELECT locator FROM raw_records WHERE stream = 'import:clicks'",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    let data_start = 3 + CLICKS_HEADER.len();
    assert!(
        loc.starts_with(&format!("bytes {data_start}-")) && loc.ends_with("rows 2-9"),
        "{loc}"
    );
}

/// Importing the same file again must change nothing; an overlapping file adds only its new keys.
#[test]
fn reimport_is_a_no_op_and_overlaps_add_only_new_keys() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_program(&dir.path().join("db"));
    let rows: String = (0..50)
        .map(|i| format!("k{i},2026-10-0{} 12:00:00,{},,,,,,,,,\n", 1 + i % 5, i % 3))
        .collect();
    let a = write(
        dir.path(),
        "a.csv",
        format!("{CLICKS_HEADER}{rows}").as_bytes(),
    );
    let opts = || {
        let mut o = ImportOptions::new("files", preset(ImportPreset::Clicks), clock());
        o.chunk_rows = 7;
        o
    };
    let first = import::import_file(&store, &a, &opts()).unwrap();
    assert_eq!((first.rows_ok, first.already_imported), (50, false));
    let snapshot = |s: &Store| {
        count(s, "SELECT COUNT(*) FROM clicks") * 1000
            + count(s, "SELECT COUNT(*) FROM raw_records") * 10
            + count(s, "SELECT COUNT(*) FROM import_runs")
    };
    let before = snapshot(&store);
    let again = import::import_file(&store, &a, &opts()).unwrap();
    assert!(again.already_imported);
    assert_eq!(again.id, first.id);
    assert_eq!(
        snapshot(&store),
        before,
        "a second import of the same file writes nothing"
    );

    let more: String = (40..60)
        .map(|i| format!("k{i},2026-10-06 12:00:00,1,,,,,,,,,\n"))
        .collect();
    let b = write(
        dir.path(),
        "b.csv",
        format!("{CLICKS_HEADER}{more}").as_bytes(),
    );
    let s = import::import_file(&store, &b, &opts()).unwrap();
    assert_eq!(s.rows_ok, 20);
    assert_eq!(
        count(&store, "SELECT COUNT(*) FROM clicks"),
        60,
        "keys k40..k49 were already there"
    );
}

#[test]
fn a_missing_required_column_fails_up_front_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_program(&dir.path().join("db"));
    let path = write(dir.path(), "c.csv", b"click_id,affiliate_id\nc1,7\n");
    let e = import::import_file(
        &store,
        &path,
        &ImportOptions::new("files", preset(ImportPreset::Clicks), clock()),
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("required field 'clicked_at' needs column 'clicked_at'"),
        "{e}"
    );
    assert_eq!(
        count(&store, "SELECT COUNT(*) FROM import_runs"),
        0,
        "nothing was started"
    );
}

/// Registrations, then deposits and daily activity that refer to them; a deposit of an unknown player is kept in
/// quarantine with the reason instead of being dropped.
#[test]
fn registrations_deposits_activity_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_program(&dir.path().join("db"));
    let clicks = write(
        dir.path(),
        "k.csv",
        format!("{CLICKS_HEADER}ck1,2026-10-01 08:00:00,42,,,,,,,,,\n").as_bytes(),
    );
    import::import_file(
        &store,
        &clicks,
        &ImportOptions::new("files", preset(ImportPreset::Clicks), clock()),
    )
    .unwrap();
    let regs = write(
        dir.path(),
        "r.csv",
        b"player_id,registration_date,country,btag,promo_code,click_id\np1,2026-10-01 09:00:00,MT,,,ck1\np2,2026-10-02,DE,a42-b1,,\np3,2026-10-02,FR,,,\n",
    );
    let r = import::import_file(
        &store,
        &regs,
        &ImportOptions::new("files", preset(ImportPreset::Registrations), clock()),
    )
    .unwrap();
    assert_eq!(r.rows_ok, 3);
    assert_eq!(
        count(
            &store,
            "SELECT COUNT(*) FROM players WHERE affiliate_id IS NOT NULL"
        ),
        2,
        "click and btag attribute; p3 is organic"
    );
    let deps = write(
        dir.path(),
        "d.csv",
        b"deposit_id,player_id,amount,currency,occurred_at,is_ftd\nd1,p1,25.50,eur,2026-10-01 10:00:00,1\nd2,p9,10,EUR,2026-10-01 10:00:00,0\nd3,p2,12.5.0,EUR,2026-10-02 10:00:00,1\n",
    );
    let d = import::import_file(
        &store,
        &deps,
        &ImportOptions::new("files", preset(ImportPreset::Deposits), clock()),
    )
    .unwrap();
    assert_eq!((d.rows_ok, d.rows_quarantined), (1, 2));
    let q = import::list_quarantine(&store, d.id, &QuarantineFilter::default(), 0, 10).unwrap();
    assert_eq!(q.rows[0].row, 3);
    assert!(
        q.rows[0].reason.contains("player 'p9' is unknown"),
        "{}",
        q.rows[0].reason
    );
    assert_eq!(
        (q.rows[1].field.as_deref(), q.rows[1].reason.as_str()),
        (Some("amount"), "'12.5.0' is not a decimal amount")
    );
    assert_eq!(
        count(
            &store,
            "SELECT amount_micros FROM money_movements WHERE external_id = 'd1'"
        ),
        25_500_000
    );
    let act = write(dir.path(), "a.csv", b"player_id,date,currency,deposits,bets,wins\np1,2026-10-01,EUR,25.50,100,80.25\np1,2026-10-01,EUR,25.50,100,80.25\n");
    let a = import::import_file(
        &store,
        &act,
        &ImportOptions::new("files", preset(ImportPreset::Activity), clock()),
    )
    .unwrap();
    assert_eq!(a.rows_ok, 2);
    assert_eq!(
        count(&store, "SELECT COUNT(*) FROM player_activity_daily"),
        1,
        "one row per (player, day)"
    );
    assert_eq!(
        count(&store, "SELECT wins_micros FROM player_activity_daily"),
        80_250_000
    );
}

#[test]
fn preview_shows_detection_and_validation_without_writing() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "p.csv",
        b"\xEF\xBB\xBF..click_id;clicked_at;affiliate_id\nc1;2026-10-01;7\nc2;nope;7\n",
    );
    let m = preset(ImportPreset::Clicks);
    let p = import::preview_file(&path, &m, chrono_tz::UTC, 10).unwrap();
    assert!(p.had_bom);
    assert_eq!((p.junk_prefix.as_str(), p.delimiter.as_str()), ("..", ";"));
    assert_eq!(p.header, ["click_id", "clicked_at", "affiliate_id"]);
    assert_eq!(p.rows.len(), 2);
    assert_eq!(p.rows[0].error, None);
    assert_eq!(
        p.rows[0].fields[0],
        ("click_id".to_string(), "c1".to_string())
    );
    assert!(p.rows[1]
        .error
        .as_deref()
        .unwrap()
        .contains("column 'clicked_at'"));
    assert!(p.unmapped_optional.contains(&"landing_url".to_string()));
}

#[test]
fn saved_mappings_are_validated_and_reused() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_program(&dir.path().join("db"));
    let pairs = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let m = import::parse_pairs(
        ImportPreset::Clicks,
        &pairs(&[
            "ip=ip",
            "channel=affiliate_id",
            "click_time=clicked_at",
            "@row=click_id",
        ]),
    )
    .unwrap();
    import::save_mapping(
        &store,
        "talkingdata",
        &m,
        &affops_core::audit::Stamp::tool("test", "save_import_mapping", 1),
    )
    .unwrap();
    assert_eq!(import::load_mapping(&store, "talkingdata").unwrap(), m);
    assert!(import::load_mapping(&store, "nope")
        .unwrap_err()
        .to_string()
        .contains("no saved mapping named 'nope'"));
}

/// An import groups chunks into long transactions, but a write that arrives meanwhile (a postback, a click in the
/// app) waits for one chunk at most: the import commits early and lets it through, and still ends complete.
#[test]
fn a_waiting_write_ends_the_import_transaction_early() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(store_with_program(&dir.path().join("db")));
    let rows: String = (0..20_000)
        .map(|i| {
            format!(
                "w{i:06},2026-10-0{} 12:00:00,{},,,,,,,,,\n",
                1 + i % 5,
                i % 3
            )
        })
        .collect();
    let path = write(
        dir.path(),
        "w.csv",
        format!("{CLICKS_HEADER}{rows}").as_bytes(),
    );
    let started = Arc::new(AtomicBool::new(false));
    let mut opts = ImportOptions::new("files", preset(ImportPreset::Clicks), clock());
    opts.chunk_rows = 200;
    opts.tx_rows = u64::MAX;
    let flag = started.clone();
    opts.progress = Some(Arc::new(move |_| flag.store(true, Ordering::SeqCst)));
    let other = {
        let (store, started) = (store.clone(), started.clone());
        std::thread::spawn(move || {
            while !started.load(Ordering::SeqCst) {
                std::thread::yield_now();
            }
            // What the import had committed when this write got its turn.
            store
                .write::<_, affops_core::store::StoreError>(|tx| {
                    tx.execute("INSERT INTO users (name, display_name, created_at_ms) VALUES ('ann', 'Ann', 0)", [])?;
                    Ok(tx.query_row("SELECT rows_ok FROM import_runs", [], |r| r.get::<_, i64>(0))?)
                })
                .unwrap()
        })
    };
    let s = import::import_file(&store, &path, &opts).unwrap();
    let committed_when_other_wrote = other.join().unwrap();
    assert_eq!(s.rows_ok, 20_000);
    assert!(
        committed_when_other_wrote < 20_000,
        "the other write got in before the import ended ({committed_when_other_wrote} rows committed then)"
    );
    assert_eq!(count(&store, "SELECT COUNT(*) FROM users"), 1);
}

/// Rollups are kept current at ingest: when an import through the front door returns, no day is left for the
/// first dashboard read to rebuild (a 10 M-click import once left that read 65 s of work).
#[test]
fn an_import_leaves_the_rollups_current() {
    use crate::front_door::{seed_people, signed_in_as};
    use affops_core::api::{ImportRunRequest, Progress};
    const NOW: i64 = 1_796_385_600_000;
    let dir = tempfile::tempdir().unwrap();
    let ws = affops_core::workspace::Workspace::open(dir.path()).unwrap();
    seed_people(&ws, NOW);
    let max = signed_in_as(&ws, "max", NOW);
    affops_core::ops::workspace::add_program(
        &max,
        affops_core::api::ProgramSettings {
            name: "Casino".into(),
            currency: "EUR".into(),
            timezone: "UTC".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let files = tempfile::tempdir().unwrap();
    let file = write(
        files.path(),
        "clicks.csv",
        b"click_id,clicked_at,affiliate_id,ip,country\nc1,2026-10-01 10:00:00,7,10.0.0.1,DE\nc2,2026-10-02 11:00:00,7,10.0.0.2,DE\nc3,2026-10-03 12:00:00,8,10.0.0.3,MT\n",
    );
    let summary = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(affops_core::ops::imports::import_run(
            &max,
            ImportRunRequest {
                path: file.display().to_string(),
                source: "clicks-file".into(),
                mapping: preset(ImportPreset::Clicks),
                chunk_rows: None,
                tx_rows: None,
            },
            Arc::new(|_: Progress| {}),
        ))
        .unwrap();
    assert_eq!(summary.rows_ok, 3);
    assert_eq!(count(ws.store(), "SELECT COUNT(*) FROM rollup_dirty"), 0);
    assert_eq!(
        count(
            ws.store(),
            "SELECT COALESCE(SUM(clicks), 0) FROM rollup_daily"
        ),
        3,
        "the three days' clicks are in the rollups"
    );
}

/// Affiliates from a file (issue 15): sub-affiliates (sub-IBs) under their parents, the email kept only as its
/// hash, country and manager; every bad row quarantined naming why — unknown parent, its own parent, a cycle, a
/// bad country, a missing name — an email that is no address ignored as a signal (the affiliate imported, the
/// value counted: issue 12), and a second file brings known affiliates up to date.
#[test]
fn an_affiliates_file_builds_the_tree_and_quarantines_what_cannot_hold() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_program(&dir.path().join("db"));
    let file = write(
        dir.path(),
        "affiliates.csv",
        "affiliate_id,name,parent_id,email,country,manager\n\
         10,Top IB,,Top.IB+fx@Gmail.com,cy,Max\n\
         11,Sub IB One,10,one@example.com,de,\n\
         12,Sub Sub IB,11,,,Max\n\
         13,Orphan,99,,,\n\
         14,Selfish,14,,,\n\
         15,Bad Mail,10,not-an-address,,\n\
         16,Bad Country,10,,Germany,\n\
         17,,10,,,\n"
            .as_bytes(),
    );
    let s = import::import_file(
        &store,
        &file,
        &ImportOptions::new("affiliates-file", preset(ImportPreset::Affiliates), clock()),
    )
    .unwrap();
    assert_eq!((s.rows_ok, s.rows_quarantined), (4, 4), "{s:?}");
    assert_eq!(
        s.ignored_signals
            .iter()
            .map(|i| (i.field.as_str(), i.reason.as_str(), i.count, i.first_row))
            .collect::<Vec<_>>(),
        [("email", "not_an_address", 1, 7)],
        "{:?}",
        s.ignored_signals
    );
    let page = import::list_quarantine(&store, s.id, &QuarantineFilter::default(), 0, 100).unwrap();
    let reasons: Vec<String> = page
        .rows
        .iter()
        .map(|r| format!("{} {}", r.row, r.reason))
        .collect();
    let expect = [
        "5 parent '99' is unknown in this program",
        "6 affiliate '14' is named as its own parent",
        "8 'GERMANY' is not a two-letter country code",
        "9 is empty: an affiliate needs a name",
    ];
    for (got, want) in reasons.iter().zip(expect) {
        assert!(got.starts_with(want), "{got} / {want}");
    }
    let tree: Vec<(String, String, String, String, bool)> = store
        .read::<_, affops_core::store::StoreError>(|c| {
            let mut q = c.prepare(
                "SELECT a.external_id, COALESCE(p.external_id, ''), a.country, a.manager, a.email_hash IS NOT NULL
                 FROM affiliates a LEFT JOIN affiliates p ON p.id = a.parent_id ORDER BY a.external_id",
            )?;
            let rows = q.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .unwrap();
    let t = |a: &str, p: &str, c: &str, m: &str, e: bool| {
        (
            a.to_string(),
            p.to_string(),
            c.to_string(),
            m.to_string(),
            e,
        )
    };
    assert_eq!(
        tree,
        [
            t("10", "", "CY", "Max", true),
            t("11", "10", "DE", "", true),
            t("12", "11", "", "Max", false),
            t("15", "10", "", "", false)
        ]
    );
    // The same normalized address hashes alike wherever it comes from (self-referral checks compare hashes).
    assert_eq!(
        count(
            &store,
            &format!(
                "SELECT COUNT(*) FROM affiliates WHERE email_hash = '{}'",
                affops_core::ingest::identity::email_hash("topib@gmail.com").unwrap()
            )
        ),
        1
    );
    assert_eq!(
        count(
            &store,
            "SELECT COUNT(*) FROM affiliates WHERE name LIKE '%@%' OR manager LIKE '%@%'"
        ),
        0
    );

    // A second file: a rename, a move under another parent, and a move that would close a cycle (10 under 12).
    let again = write(
        dir.path(),
        "affiliates-2.csv",
        b"affiliate_id,name,parent_id\n11,Sub IB One Ltd,\n12,Sub Sub IB,10\n10,Top IB,12\n",
    );
    let s2 = import::import_file(
        &store,
        &again,
        &ImportOptions::new("affiliates-file", preset(ImportPreset::Affiliates), clock()),
    )
    .unwrap();
    assert_eq!((s2.rows_ok, s2.rows_quarantined), (2, 1), "{s2:?}");
    let q = import::list_quarantine(&store, s2.id, &QuarantineFilter::default(), 0, 10).unwrap();
    assert!(
        q.rows[0]
            .reason
            .starts_with("parent '12' would make a cycle: 10 → 12 → 10"),
        "{}",
        q.rows[0].reason
    );
    assert_eq!(count(&store, "SELECT COUNT(*) FROM affiliates WHERE external_id = '11' AND name = 'Sub IB One Ltd' AND parent_id IS NULL AND country = 'DE'"), 1, "a blank country keeps the known one");
}
