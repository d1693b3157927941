//! Partial mappings and the signals detection needs: a `--map` that names only some fields keeps the file's
//! same-named columns for the rest, `@const:` with no value clears one, and an import (or a dry run) lists the
//! detection rules the file cannot feed — by mapping, and by rows when a mapped column is empty in every row.

use crate::import::{clock, count, store_with_program};
use affops_core::api::{ImportPreset, MissingSignal};
use affops_core::import::{self, ImportOptions};
use std::path::{Path, PathBuf};

fn write(dir: &Path, name: &str, body: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, body).unwrap();
    p
}

fn map(preset: ImportPreset, pairs: &[&str]) -> affops_core::api::ColumnMapping {
    let pairs: Vec<String> = pairs.iter().map(|s| s.to_string()).collect();
    import::parse_pairs(preset, &pairs).unwrap()
}

fn rules(w: &[MissingSignal]) -> Vec<&str> {
    w.iter().map(|w| w.rule.as_str()).collect()
}

fn messages(w: &[MissingSignal]) -> Vec<&str> {
    w.iter().map(|w| w.message.as_str()).collect()
}

/// A tracker export whose id and time columns are named otherwise; everything else under the preset's names.
const CLICKS: &str = "id,time,affiliate_id,sub1,ip,country,landing_url\n\
    c1,2026-10-01 10:00:00,7,s1,85.0.0.1,DE,https://a.example/\n\
    c2,2026-10-01 10:05:00,7,s2,85.0.0.2,DE,https://a.example/\n";

#[test]
fn a_partial_map_keeps_same_named_columns_and_const_clears_one() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_program(&dir.path().join("db"));
    let path = write(dir.path(), "clicks.csv", CLICKS);
    let partial = map(ImportPreset::Clicks, &["id=click_id", "time=clicked_at"]);
    let s = import::import_file(
        &store,
        &path,
        &ImportOptions::new("files", partial, clock()),
    )
    .unwrap();
    assert_eq!((s.rows_ok, s.rows_quarantined), (2, 0));
    assert_eq!(
        count(
            &store,
            "SELECT COUNT(*) FROM clicks WHERE ip LIKE '85.0.0.%' AND sub1 LIKE 's_' AND country = 'DE'
               AND landing_url <> '' AND affiliate_id IS NOT NULL"
        ),
        2,
        "affiliate_id, sub1, ip, country and landing_url come from their own columns"
    );
    assert!(s.missing_signals.is_empty(), "{:?}", s.missing_signals);

    // The same rows under other ids, with ip cleared: ip stays empty although the file has it.
    let other = write(
        dir.path(),
        "clicks2.csv",
        &CLICKS.replace("c1,", "d1,").replace("c2,", "d2,"),
    );
    let cleared = map(
        ImportPreset::Clicks,
        &["id=click_id", "time=clicked_at", "@const:=ip"],
    );
    let p = import::preview_file(&other, &cleared, chrono_tz::UTC, 10).unwrap();
    assert!(p.unmapped_optional.contains(&"ip".to_string()));
    assert!(!p.resolved.iter().any(|(f, _)| f == "ip"));
    assert!(p.resolved.contains(&("sub1".into(), "sub1".into())));
    let s = import::import_file(
        &store,
        &other,
        &ImportOptions::new("files", cleared, clock()),
    )
    .unwrap();
    assert_eq!(s.rows_ok, 2);
    assert_eq!(
        count(
            &store,
            "SELECT COUNT(*) FROM clicks WHERE click_id LIKE 'd%' AND ip = '' AND sub1 <> ''"
        ),
        2
    );
    assert!(
        s.missing_signals.is_empty(),
        "sub1 still feeds click flooding"
    );
}

#[test]
fn the_summary_names_the_rules_a_file_cannot_feed() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_program(&dir.path().join("db"));
    let ids = ImportPreset::Registrations;

    // Without ip nor click_id: identity rules and click injection have nothing to read.
    let bare = write(
        dir.path(),
        "bare.csv",
        "player_id,registration_date,country\np1,2026-10-01,DE\np2,2026-10-01,FR\n",
    );
    let s = import::import_file(
        &store,
        &bare,
        &ImportOptions::new("files", map(ids, &[]), clock()),
    )
    .unwrap();
    assert_eq!(s.rows_ok, 2);
    assert_eq!(
        rules(&s.missing_signals),
        [
            "multi_accounting",
            "self_referral",
            "click_injection",
            "geo_mismatch"
        ]
    );
    assert_eq!(
        messages(&s.missing_signals)[..3],
        [
            "multi-accounting cannot run: no device_id, email or ip mapped",
            "self-referral cannot run: no device_id, email or ip mapped",
            "click injection cannot run: no click_id mapped",
        ]
    );
    assert_eq!(s.missing_signals[2].fields, ["click_id"]);
    // The dry run says the same, and so does importing the same file again (by the mapping).
    let p = import::preview_file(&bare, &map(ids, &[]), chrono_tz::UTC, 1).unwrap();
    assert_eq!(p.missing_signals, s.missing_signals);
    let again = import::import_file(
        &store,
        &bare,
        &ImportOptions::new("files", map(ids, &[]), clock()),
    )
    .unwrap();
    assert!(again.already_imported);
    assert_eq!(again.missing_signals, s.missing_signals);

    // The columns are there but blank in every row.
    let empty = write(
        dir.path(),
        "empty.csv",
        "player_id,registration_date,country,click_id,ip\np3,2026-10-01,DE,, \np4,2026-10-01,DE,,\n",
    );
    let s = import::import_file(
        &store,
        &empty,
        &ImportOptions::new("files", map(ids, &[]), clock()),
    )
    .unwrap();
    assert_eq!(
        messages(&s.missing_signals),
        [
            "multi-accounting cannot run: no device_id or email mapped; ip is empty in every row",
            "self-referral cannot run: no device_id or email mapped; ip is empty in every row",
            "click injection cannot run: click_id is empty in every row",
            "geo mismatch cannot run: click_id is empty in every row",
        ]
    );
    let p = import::preview_file(&empty, &map(ids, &[]), chrono_tz::UTC, 1).unwrap();
    assert_eq!(p.missing_signals, s.missing_signals);

    // With them (in some row, not every one): nothing to warn about.
    let full = write(
        dir.path(),
        "full.csv",
        "player_id,registration_date,country,click_id,ip\np5,2026-10-01,DE,,\np6,2026-10-01,DE,k6,85.0.0.6\n",
    );
    let p = import::preview_file(&full, &map(ids, &[]), chrono_tz::UTC, 1).unwrap();
    assert!(
        p.missing_signals.is_empty(),
        "read past the previewed row: {:?}",
        p.missing_signals
    );
    let s = import::import_file(
        &store,
        &full,
        &ImportOptions::new("files", map(ids, &[]), clock()),
    )
    .unwrap();
    assert!(s.missing_signals.is_empty(), "{:?}", s.missing_signals);

    // Clicks without ip nor sub1: click flooding cannot group bursts.
    let clicks = write(
        dir.path(),
        "k.csv",
        "click_id,clicked_at,affiliate_id,country,landing_url\nk1,2026-10-01 10:00:00,7,DE,https://a.example/\n",
    );
    let s = import::import_file(
        &store,
        &clicks,
        &ImportOptions::new("files", map(ImportPreset::Clicks, &[]), clock()),
    )
    .unwrap();
    assert_eq!(
        messages(&s.missing_signals),
        ["click flooding cannot run: no ip or sub1 mapped"]
    );
    // Past runs do not carry them (they are the importing call's answer).
    let runs = import::list_runs(&store).unwrap();
    assert!(runs.iter().all(|r| r.missing_signals.is_empty()));
}
