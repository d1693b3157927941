//! Real public files (see shared/data/PROVENANCE.md), read in place and never copied into the repository; each
//! test skips with a message when the folder is absent. Plus the I9 fuzz: arbitrary bytes never panic the import
//! and every data row ends imported or quarantined.

use super::import::{clock, count, preset};
use affops_core::api::ImportPreset;
use affops_core::import::quarantine::QuarantineFilter;
use affops_core::import::{self, ImportOptions};
use proptest::prelude::*;
use std::path::PathBuf;

/// `$AFFOPS_SHARED_DATA`, else `../../shared/data` from the crate (`../shared/data` from the repository root).
fn shared_file(name: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("AFFOPS_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    let candidates = [
        dir.join(name),
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/data")
            .join(name),
    ];
    let found = candidates.into_iter().find(|p| p.is_file());
    if found.is_none() {
        println!("SKIPPED: {name} not found (set AFFOPS_SHARED_DATA to the folder holding the shared data files)");
    }
    found
}

fn pairs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// TalkingData: stray `..` before the header, no click id column (keyed by `@row`); 100,000 clicks, none bad.
#[test]
fn talkingdata_sample_imports_as_clicks() {
    let Some(path) = shared_file("talkingdata_train_sample.csv") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let store = crate::import::store_with_program(dir.path());
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
    let preview = import::preview_file(&path, &m, chrono_tz::UTC, 3).unwrap();
    assert_eq!(
        preview.junk_prefix, "..",
        "the stray bytes are detected and reported, not mapped"
    );
    assert_eq!(preview.header[0], "ip");
    let s = import::import_file(
        &store,
        &path,
        &ImportOptions::new("talkingdata", m, clock()),
    )
    .unwrap();
    assert_eq!(
        (s.status.as_str(), s.rows_ok, s.rows_quarantined),
        ("done", 100_000, 0)
    );
    assert_eq!(count(&store, "SELECT COUNT(*) FROM clicks"), 100_000);
    assert_eq!(
        count(&store, "SELECT COUNT(*) FROM affiliates"),
        count(&store, "SELECT COUNT(DISTINCT affiliate_id) FROM clicks")
    );
    assert_eq!(
        count(
            &store,
            "SELECT COUNT(*) FROM clicks WHERE ip = '87540' AND clicked_at_ms = 1510047038000"
        ),
        1,
        "row 2 as in the file"
    );
}

/// E-commerce fraud subset: BOM, `M/D/YYYY H:MM` times (declared), float-encoded IPs, one row with empty
/// purchase fields. Signups become players; purchases become first deposits.
#[test]
fn ecommerce_fraud_subset_imports_as_registrations_and_deposits() {
    let Some(path) = shared_file("ecommerce_fraud_data_subset.csv") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let store = crate::import::store_with_program(dir.path());
    let mut regs = import::parse_pairs(
        ImportPreset::Registrations,
        &pairs(&[
            "user_id=player_id",
            "signup_time=registration_date",
            "ip_address=ip",
        ]),
    )
    .unwrap();
    regs.date_format = Some("mdy_hm".into());
    let r = import::import_file(
        &store,
        &path,
        &ImportOptions::new("shop", regs.clone(), clock()),
    )
    .unwrap();
    assert_eq!(
        (r.rows_ok, r.rows_quarantined),
        (30_190, 0),
        "every row has a user and a signup time"
    );
    let p = import::preview_file(&path, &regs, chrono_tz::UTC, 1).unwrap();
    assert!(p.had_bom);
    assert_eq!(
        count(
            &store,
            "SELECT registered_at_ms FROM players WHERE external_id = '22058'"
        ),
        1_424_818_500_000,
        "2/24/2015 22:55 UTC"
    );

    // One purchase per user in this file, so the user id is also the deposit's natural key.
    let deps = import::parse_pairs(
        ImportPreset::Deposits,
        &pairs(&[
            "user_id=deposit_id",
            "user_id=player_id",
            "purchase_value=amount",
            "@const:USD=currency",
            "purchase_time=occurred_at",
            "@const:1=is_ftd",
        ]),
    );
    let mut deps = deps.unwrap();
    deps.date_format = Some("mdy_hm".into());
    let d = import::import_file(&store, &path, &ImportOptions::new("shop", deps, clock())).unwrap();
    assert_eq!((d.rows_ok, d.rows_quarantined), (30_189, 1));
    let q = import::list_quarantine(&store, d.id, &QuarantineFilter::default(), 0, 10).unwrap();
    assert_eq!(q.rows[0].locator, "row 30191");
    assert_eq!(
        (q.rows[0].field.as_deref(), q.rows[0].reason.as_str()),
        (Some("purchase_value"), "is empty")
    );
    assert_eq!(q.rows[0].raw, "393385,8/11/2015 19:00,,,,,,,,,");
    assert_eq!(
        count(
            &store,
            "SELECT COUNT(*) FROM money_movements WHERE is_ftd = 1"
        ),
        30_189
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// I9: whatever follows a valid header (binary junk, quotes, wrong widths), the import never panics, and
    /// every record the CSV reader sees is either imported or quarantined.
    #[test]
    fn arbitrary_rows_are_imported_or_quarantined(body in proptest::collection::vec(any::<u8>(), 0..2000), rows in proptest::collection::vec("[a-z0-9,\"/: .=-]{0,40}", 0..30)) {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::import::store_with_program(dir.path());
        let mut bytes = b"click_id,clicked_at,affiliate_id\n".to_vec();
        for r in &rows {
            bytes.extend_from_slice(r.as_bytes());
            bytes.push(b'\n');
        }
        bytes.extend_from_slice(&body);
        let path = dir.path().join("f.csv");
        std::fs::write(&path, &bytes).unwrap();
        let mut expected = 0u64;
        let mut rdr = csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(&bytes[..]);
        let mut rec = csv::ByteRecord::new();
        while rdr.read_byte_record(&mut rec).unwrap_or(false) {
            expected += 1;
        }
        let mut opts = ImportOptions::new("fuzz", preset(ImportPreset::Clicks), clock());
        opts.chunk_rows = 7;
        match import::import_file(&store, &path, &opts) {
            Ok(s) => prop_assert_eq!((s.rows_ok + s.rows_quarantined) as u64, expected),
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
        prop_assert_eq!(store.integrity_check().unwrap(), "ok");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Affiliates files in any order and shape of parent links (issue 15): every row is imported or quarantined,
    /// and whatever the rows say, the stored tree never holds a cycle (each chain of parents ends).
    #[test]
    fn affiliates_files_never_leave_a_cycle(rows in proptest::collection::vec((0u8..12, 0u8..14, "[a-z@. ]{0,12}", "[A-Za-z]{0,3}"), 0..40)) {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::import::store_with_program(dir.path());
        let mut text = String::from("affiliate_id,name,parent_id,email,country\n");
        for (id, parent, email, country) in &rows {
            // parent 12 and 13 are never listed (unknown); the same id may come several times.
            let parent = if *parent == 0 { String::new() } else { parent.to_string() };
            text.push_str(&format!("{id},Aff {id},{parent},{email},{country}\n"));
        }
        let path = dir.path().join("affiliates.csv");
        std::fs::write(&path, &text).unwrap();
        let mut opts = ImportOptions::new("aff", preset(ImportPreset::Affiliates), clock());
        opts.chunk_rows = 5;
        let s = import::import_file(&store, &path, &opts).unwrap();
        prop_assert_eq!((s.rows_ok + s.rows_quarantined) as usize, rows.len());
        let links: Vec<(i64, Option<i64>)> = store
            .read::<_, affops_core::store::StoreError>(|c| {
                let mut q = c.prepare("SELECT id, parent_id FROM affiliates")?;
                let r = q.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
                Ok(r.collect::<Result<_, _>>()?)
            })
            .unwrap();
        let parent: std::collections::HashMap<i64, Option<i64>> = links.iter().copied().collect();
        for (id, _) in &links {
            let (mut at, mut steps) = (Some(*id), 0);
            while let Some(a) = at {
                steps += 1;
                prop_assert!(steps <= links.len() + 1, "a cycle through affiliate {}", id);
                at = parent.get(&a).copied().flatten();
            }
        }
    }
}

/// The public GeoIP table (ranges of integer-encoded IPv4 addresses to country names) through the `ip_countries`
/// preset: spreadsheet-rounded bounds (`1.02E+09`, which also made ranges overlap and two run backwards), region
/// rows (`European Union`) and a truncated name (`Can`) are quarantined with their reason; every other range is
/// stored, none overlapping; the e-commerce file's signup IPs (integer-encoded, `732758368.8`) then get their
/// countries for the geo rule.
#[test]
fn the_public_geoip_table_imports_as_ranges() {
    let (Some(table), Some(shop)) = (
        shared_file("IpAddress_to_Country.csv"),
        shared_file("ecommerce_fraud_data_subset.csv"),
    ) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let store = crate::import::store_with_program(dir.path());
    let m = import::parse_pairs(
        ImportPreset::IpCountries,
        &pairs(&[
            "lower_bound_ip_address=ip_from",
            "upper_bound_ip_address=ip_to",
        ]),
    )
    .unwrap();
    let s = import::import_file(&store, &table, &ImportOptions::new("geoip", m, clock())).unwrap();
    assert_eq!(
        (s.rows_ok, s.rows_quarantined),
        (103_895 - 8 - 283 - 1, 8 + 283 + 1),
        "{s:?}"
    );
    let q = import::list_quarantine(&store, s.id, &QuarantineFilter::default(), 0, 1000).unwrap();
    let why = |needle: &str| q.rows.iter().filter(|r| r.reason.contains(needle)).count();
    assert_eq!(why("scientific notation"), 8);
    assert_eq!(why("'European Union' is not a country"), 283);
    assert_eq!(why("'Can' is not a country"), 1);
    assert_eq!(
        why("overlaps"),
        0,
        "the rounded rows were the ones that overlapped"
    );
    assert_eq!(
        count(&store, "SELECT COUNT(*) FROM ip_country_ranges WHERE country = 'AU' AND first_ip = '1.0.0.0' AND last_ip = '1.0.0.255'"),
        1
    );
    let mut regs = import::parse_pairs(
        ImportPreset::Registrations,
        &pairs(&[
            "user_id=player_id",
            "signup_time=registration_date",
            "ip_address=ip",
            "device_id=device_id",
        ]),
    )
    .unwrap();
    regs.date_format = Some("mdy_hm".into());
    let r = import::import_file(&store, &shop, &ImportOptions::new("shop", regs, clock())).unwrap();
    assert_eq!((r.rows_ok, r.rows_quarantined), (30_190, 0));
    let located = count(
        &store,
        "SELECT COUNT(*) FROM players p JOIN ip_countries g ON g.ip = p.ip AND g.country <> ''",
    );
    assert!(located > 20_000, "{located} of 30,190 signup IPs located");
    assert!(
        r.ignored_signals.is_empty(),
        "real device ids and integer-encoded IPs are signals: {:?}",
        r.ignored_signals
    );
}
