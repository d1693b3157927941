//! Detection is a function of the data, not of the order it arrived in (issue 12). A sandbox world with every
//! fraud pattern is written as the operator's daily CSVs, then imported through the documented presets, deriving
//! after each file as the app and the CLI do: once all at once, and then in shuffled orders with the files cut
//! into chunks of random sizes. Every way ends with the same open flags (rule, subject, records) as the one
//! import of everything.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use affops_core::api::ImportPreset;
use affops_core::import::{self, ImportOptions};
use affops_core::workspace::Workspace;
use affops_sandbox::{generate, write_operator_csvs, CsvQuirks, FraudConfig, WorldConfig};
use proptest::prelude::*;

use super::import::{clock, preset};

/// (rule, subject key, its records and the affiliate it is charged to) of every open flag.
type OpenFlags = BTreeSet<(String, String, String)>;

fn world_files(dir: &Path) -> (Vec<PathBuf>, i64) {
    let world = generate(&WorldConfig {
        affiliates: 6,
        days: 6,
        clicks_per_day: 150,
        fraud: FraudConfig::typical(),
        ..WorldConfig::small(41)
    });
    let written = write_operator_csvs(&world, dir, CsvQuirks::default()).unwrap();
    let now = (world.config.end_instant() + chrono::Duration::days(1)).timestamp_millis();
    (written.files, now)
}

fn preset_of(path: &Path) -> ImportPreset {
    let name = path.file_name().unwrap().to_str().unwrap();
    match name.split('_').next().unwrap() {
        "clicks" => ImportPreset::Clicks,
        "registrations" => ImportPreset::Registrations,
        "activity" => ImportPreset::Activity,
        other => panic!("unexpected file {other}"),
    }
}

/// A workspace with the world's program, fed `files` in order, deriving (attribution, detection) after each.
fn import_all(files: &[PathBuf], now_ms: i64) -> OpenFlags {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path()).unwrap();
    ws.store()
        .write::<_, affops_core::store::StoreError>(|tx| {
            tx.execute("INSERT INTO programs (name, vertical, currency, timezone, created_at_ms) VALUES ('Casino', 'igaming', 'EUR', 'UTC', 0)", [])?;
            Ok(())
        })
        .unwrap();
    for f in files {
        let opts = ImportOptions::new("files", preset(preset_of(f)), clock());
        import::import_file(ws.store(), f, &opts).unwrap();
        ws.derive(now_ms).unwrap();
    }
    open_flags(&ws)
}

fn open_flags(ws: &Workspace) -> OpenFlags {
    ws.store()
        .read::<_, affops_core::store::StoreError>(|c| {
            let mut stmt = c.prepare(
                "SELECT f.rule, f.subject_key, c.items_json || ' charged to ' || COALESCE(a.external_id, 'nobody')
                 FROM flags f JOIN flag_current c ON c.flag_id = f.id LEFT JOIN affiliates a ON a.id = c.affiliate_id
                 WHERE c.state <> 'superseded'",
            )?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .unwrap()
}

/// `path` cut into files of `sizes` rows (cycled), each with the header, named so the preset is still known.
fn chunks(path: &Path, sizes: &[usize], out: &Path, seq: &mut usize) -> Vec<PathBuf> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let rows: Vec<&str> = lines.filter(|l| !l.is_empty()).collect();
    let stem = path.file_stem().unwrap().to_str().unwrap();
    let mut files = Vec::new();
    let mut at = 0;
    let mut i = 0;
    while at < rows.len() {
        let n = sizes[i % sizes.len()].max(1);
        let part = &rows[at..(at + n).min(rows.len())];
        *seq += 1;
        let p = out.join(format!("{stem}_part{seq}.csv"));
        std::fs::write(&p, format!("{header}\n{}\n", part.join("\n"))).unwrap();
        files.push(p);
        at += n;
        i += 1;
    }
    files
}

/// What one side has and the other lacks, by rule and subject (and whether only the records differ).
fn differences(got: &OpenFlags, expected: &OpenFlags) -> String {
    let keys = |s: &OpenFlags| -> BTreeSet<(String, String)> {
        s.iter().map(|(r, k, _)| (r.clone(), k.clone())).collect()
    };
    let (g, e) = (keys(got), keys(expected));
    let records: Vec<_> = got
        .difference(expected)
        .filter(|(r, k, _)| e.contains(&(r.clone(), k.clone())))
        .map(|(r, k, items)| format!("{r} {k}: {} bytes of records", items.len()))
        .collect();
    format!(
        "only in this order: {:?}\nonly in one import: {:?}\nother records: {:?}",
        g.difference(&e).collect::<Vec<_>>(),
        e.difference(&g).collect::<Vec<_>>(),
        records
    )
}

#[test]
fn one_import_of_everything_flags_every_pattern() {
    let dir = tempfile::tempdir().unwrap();
    let (files, now) = world_files(dir.path());
    let flags = import_all(&files, now);
    let rules: BTreeSet<&str> = flags.iter().map(|(r, _, _)| r.as_str()).collect();
    for rule in ["click_flooding", "click_injection"] {
        assert!(rules.contains(rule), "{rule} missing from {rules:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4, ..ProptestConfig::default() })]

    /// Files in any order (activity after the registrations it needs: the operator's activity of an unknown
    /// player is quarantined, not detection's business), cut into chunks of any size: the same open flags as one
    /// import of everything.
    #[test]
    fn any_order_and_chunking_ends_with_the_same_open_flags(
        order in proptest::collection::vec(any::<u64>(), 64),
        sizes in proptest::collection::vec(1usize..400, 1..4),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let (files, now) = world_files(dir.path());
        let expected = import_all(&files, now);
        let parts = dir.path().join("parts");
        std::fs::create_dir_all(&parts).unwrap();
        let mut seq = 0;
        let (activity, events): (Vec<&PathBuf>, Vec<&PathBuf>) =
            files.iter().partition(|f| preset_of(f) == ImportPreset::Activity);
        let mut shuffled: Vec<&PathBuf> = events;
        shuffled.sort_by_key(|f| {
            let i = files.iter().position(|g| g == *f).unwrap();
            order[i % order.len()] ^ (i as u64)
        });
        let mut feed = Vec::new();
        for f in shuffled.into_iter().chain(activity) {
            feed.extend(chunks(f, &sizes, &parts, &mut seq));
        }
        let got = import_all(&feed, now);
        prop_assert!(got == expected, "{}", differences(&got, &expected));
    }
}
