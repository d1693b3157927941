//! `breakdown` and `cohorts` on the demo workspace, as the viewer: the totals agree with `dashboard`, the CSV
//! export is formula-safe and has one line per row plus the totals, a bad dimension names the good ones.

mod common;

use common::{cli, ok};

#[test]
fn breakdown_and_cohorts_on_the_demo() {
    let dir = tempfile::tempdir().unwrap();
    ok(dir.path(), "olivia", &["demo"]);
    let dash: serde_json::Value =
        serde_json::from_str(&ok(dir.path(), "vera", &["dashboard", "--json"])).unwrap();
    let csv = dir.path().join("by-country.csv");
    let out = ok(
        dir.path(),
        "vera",
        &[
            "breakdown",
            "--by",
            "country",
            "--json",
            "--csv",
            csv.to_str().unwrap(),
        ],
    );
    let b: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        b["totals"]["ftds"], dash["totals"]["ftds"],
        "the same FTDs as the dashboard"
    );
    assert_eq!(b["totals"]["clicks"], dash["totals"]["clicks"]);
    let rows = b["rows"].as_array().unwrap().len();
    let text = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(text.lines().count(), 1 + rows + 1, "header, rows, totals");
    assert!(
        text.lines().all(|l| !l.starts_with('=')),
        "no cell starts a formula"
    );

    let table = ok(dir.path(), "vera", &["breakdown", "--by", "month"]);
    assert!(table.contains("Total"), "{table}");
    let cohorts = ok(dir.path(), "vera", &["cohorts", "--months", "3"]);
    assert!(cohorts.contains("Cohort"), "{cohorts}");
    let c: serde_json::Value =
        serde_json::from_str(&ok(dir.path(), "vera", &["cohorts", "--json"])).unwrap();
    assert!(
        !c["cohorts"].as_array().unwrap().is_empty(),
        "the demo has cohorts: {c}"
    );

    let bad = cli(dir.path(), "vera")
        .args(["breakdown", "--by", "planet"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("sub_id"));
}
