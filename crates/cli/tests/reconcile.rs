//! `reconcile --period` on the demo: it matches and stores the month, prints which rows of how many it shows
//! (`--offset --limit`), a second run keeps every row that still holds under the same id, and `--csv` writes
//! every row.

mod common;

use common::{cli, ok};

#[test]
fn reconcile_pages_its_rows_and_a_rerun_keeps_their_ids() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, "olivia", &["demo"]);
    let page = |offset: &str| -> serde_json::Value {
        serde_json::from_str(&ok(
            d,
            "ana",
            &[
                "reconcile",
                "--period",
                "2026-10",
                "--offset",
                offset,
                "--limit",
                "2",
                "--json",
            ],
        ))
        .unwrap()
    };
    let ids = |v: &serde_json::Value| -> Vec<i64> {
        v["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_i64().unwrap())
            .collect()
    };
    let first = page("0");
    let total = first["total_rows"].as_u64().unwrap();
    assert!(total > 4, "the demo's October has discrepancies: {total}");
    assert_eq!(ids(&first).len(), 2);
    let second = page("2");
    assert_eq!(second["offset"], 2);
    assert!(ids(&second).iter().all(|id| !ids(&first).contains(id)));

    // Text: which rows of how many; every row of the month again, under the same ids.
    let text = ok(
        d,
        "ana",
        &["reconcile", "--period", "2026-10", "--limit", "2"],
    );
    assert!(text.contains(&format!("Rows 1–2 of {total}")), "{text}");
    assert_eq!(ids(&page("0")), ids(&first));

    // The CSV holds every row of the month, whatever the page.
    let out = d.join("october.csv");
    let wrote = ok(
        d,
        "ana",
        &[
            "reconcile",
            "--period",
            "2026-10",
            "--csv",
            out.to_str().unwrap(),
        ],
    );
    assert!(wrote.contains(&format!("Wrote {total} rows")), "{wrote}");
    let csv = std::fs::read_to_string(&out).unwrap();
    assert_eq!(
        csv.lines().count() as u64,
        total + 1,
        "a header and every row"
    );

    // Past the last row: said, not an empty page.
    let past = ok(
        d,
        "ana",
        &["reconcile", "--period", "2026-10", "--offset", "100000"],
    );
    assert!(
        past.contains(&format!("No rows from 100001: the list has {total}")),
        "{past}"
    );

    // Bad input names the field.
    let bad = cli(d, "ana")
        .args(["reconcile", "--period", "2026-10", "--reason", "late"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("unknown reason code 'late'"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
}
