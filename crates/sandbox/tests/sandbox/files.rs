//! Batch files: daily operator CSVs parse back with a strict reader, quirks appear only when asked for, and the
//! big clicks file streams with an exact row count.

use std::collections::BTreeMap;

use affops_sandbox::{generate, write_clicks_csv, write_operator_csvs, CsvQuirks, WorldConfig};

use crate::injection::noisy;

fn read(path: &std::path::Path) -> (Vec<String>, Vec<csv::StringRecord>) {
    let mut reader = csv::ReaderBuilder::new().from_path(path).unwrap();
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    (header, reader.records().map(Result::unwrap).collect())
}

#[test]
fn clean_daily_csvs_parse_back_to_the_world() {
    // The import path is tested against these; every row must be there once, in the documented columns.
    let world = generate(&noisy(51));
    let dir = tempfile::tempdir().unwrap();
    let written = write_operator_csvs(&world, dir.path(), CsvQuirks::default()).unwrap();
    let mut rows: BTreeMap<String, usize> = BTreeMap::new();
    for path in &written.files {
        let name = path.file_name().unwrap().to_str().unwrap();
        let kind = name.split('_').next().unwrap().to_owned();
        let bytes = std::fs::read(path).unwrap();
        assert!(!bytes.starts_with(b"\xEF\xBB\xBF"), "no BOM unless asked");
        let (header, records) = read(path);
        match kind.as_str() {
            "registrations" => assert_eq!(
                header,
                [
                    "player_id",
                    "registration_date",
                    "country",
                    "btag",
                    "promo_code",
                    "click_id"
                ]
            ),
            "activity" => assert_eq!(header.len(), 10),
            "clicks" => assert_eq!(header.join(","), affops_sandbox::files::CLICKS_HEADER),
            "trading" => assert_eq!(header, ["login", "date", "symbol", "volume_lots", "deals"]),
            other => panic!("unexpected file {other}"),
        }
        *rows.entry(kind).or_default() += records.len();
    }
    assert_eq!(rows["registrations"], world.players.len());
    assert_eq!(rows["activity"], world.activity.len());
    assert_eq!(rows["clicks"], world.clicks.len());
    assert!(rows["trading"] > 0);
    assert_eq!(written.rows as usize, rows.values().sum::<usize>());
}

#[test]
fn quirks_appear_when_asked_and_files_still_parse() {
    // RELIABILITY I9: BOMs, DD/MM/YYYY next to ISO dates, quoted commas and blank tails are what importers meet.
    let world = generate(&WorldConfig::small(52));
    let dir = tempfile::tempdir().unwrap();
    let written = write_operator_csvs(&world, dir.path(), CsvQuirks::all()).unwrap();
    let clicks = written
        .files
        .iter()
        .find(|p| p.to_str().unwrap().contains("clicks_"))
        .unwrap();
    let bytes = std::fs::read(clicks).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    assert!(bytes.ends_with(b"\n\n\n"), "trailing blank lines");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(
        text.contains("\"casino,bonus\"") || text.contains("kw=casino,bonus\""),
        "a quoted comma"
    );
    let (_, records) = read(clicks);
    assert!(
        records.iter().all(|r| r.len() == 12),
        "quoted commas do not split fields"
    );
    assert!(records.iter().any(|r| r[11].ends_with("kw=casino,bonus")));
    let activity = written
        .files
        .iter()
        .filter(|p| p.to_str().unwrap().contains("activity_"))
        .max_by_key(|p| std::fs::metadata(p).unwrap().len())
        .unwrap();
    let (_, records) = read(activity);
    let dates: Vec<&str> = records.iter().map(|r| &r[1]).collect();
    assert!(
        dates.iter().any(|d| d.contains('/')) && dates.iter().any(|d| d.contains('-')),
        "{dates:?}"
    );
}

#[test]
fn big_clicks_file_streams_an_exact_row_count_in_rfc3339() {
    // The 10 M-row benchmark uses the same writer; a smaller run pins its shape.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clicks.csv");
    let rows = write_clicks_csv(&WorldConfig::scale(7, 20_000), &path).unwrap();
    assert_eq!(rows, 20_000);
    let (header, records) = read(&path);
    assert_eq!(header.join(","), affops_sandbox::files::CLICKS_HEADER);
    assert_eq!(records.len(), 20_000);
    for r in records.iter().take(100) {
        chrono::DateTime::parse_from_rfc3339(&r[1]).unwrap();
        assert!(r[1].ends_with('Z'));
    }
}
