//! `affops-cli fx import|set|list` on a workspace made from nothing: finance imports an ECB file (bad cells named
//! with their row, column and reason), corrects a day's rate, lists the pair as JSON; the owner, who does not
//! hold `periods.close`, is refused naming it.

mod common;

use common::{cli, create_owner, ok};

const HIST: &str = "Date,USD,JPY,GBP,
2026-10-05,1.0823,158.22,0.8543,
2026-10-02,1.0800,N/A,0.8500,
2026-10-01,0,157.10,0.8490,
";

#[test]
fn finance_imports_corrects_and_lists_fx_rates() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    create_owner(dir);
    let add = cli(dir, "olivia")
        .args([
            "people",
            "add",
            "fiona",
            "--display-name",
            "Fiona",
            "--role",
            "finance",
        ])
        .env("AFFOPS_NEW_PASSPHRASE", "fiona-demo-pass")
        .output()
        .unwrap();
    assert!(
        add.status.success(),
        "{}",
        String::from_utf8_lossy(&add.stderr)
    );
    let file = dir.join("eurofxref-hist.csv");
    std::fs::write(&file, HIST).unwrap();
    let file = file.display().to_string();

    let out = ok(dir, "fiona", &["fx", "import", &file]);
    assert!(
        out.contains("7 rates imported, 0 unchanged, 1 gaps (N/A), 1 rejected"),
        "{out}"
    );
    assert!(out.contains("row 4 USD '0': zero rate"), "{out}");

    let out = ok(
        dir,
        "fiona",
        &[
            "fx",
            "set",
            "--day",
            "2026-10-05",
            "--from",
            "EUR",
            "--to",
            "USD",
            "--rate",
            "1.0830",
        ],
    );
    assert!(
        out.contains("1 EUR = 1.0830 USD (manual, supersedes 1 earlier)"),
        "{out}"
    );

    let out = ok(dir, "fiona", &["fx", "list", "--pair", "EUR/USD", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let rates: Vec<&str> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["rate"].as_str().unwrap())
        .collect();
    assert_eq!(rates, vec!["1.0830", "1.0800"]);

    let refused = cli(dir, "olivia")
        .args([
            "fx",
            "set",
            "--day",
            "2026-10-06",
            "--from",
            "EUR",
            "--to",
            "USD",
            "--rate",
            "1.1",
        ])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("periods.close"));
}
