//! `affops-cli audit verify` on the demo: intact after the demo and a few people's actions; after someone edits one
//! row of the audit log (or grants themselves a role) with a SQLite tool, it fails naming exactly that row (that
//! person). An export verifies on its own and names an edited line.

use std::path::Path;
use std::process::{Command, Output};

fn cli(data_dir: &Path, user: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_affops-cli"));
    c.arg("--data-dir")
        .arg(data_dir)
        .env("AFFOPS_USER", user)
        .env("AFFOPS_PASSPHRASE", format!("{user}-demo-pass"));
    c
}

fn run(c: &mut Command) -> Output {
    c.output().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn audit_verify_passes_on_the_demo_and_fails_at_the_edited_row() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(run(cli(d, "max").arg("demo")).status.success());
    assert!(
        run(cli(d, "fiona").args(["compute", "--period", "2026-10"]))
            .status
            .success()
    );
    let refused = run(cli(d, "vera").args(["period", "close", "--period", "2026-10"]));
    assert!(!refused.status.success());
    assert!(
        text(&refused).contains("forbidden") && text(&refused).contains("periods.close"),
        "{}",
        text(&refused)
    );

    let ok = run(cli(d, "vera").args(["audit", "verify"]));
    assert!(ok.status.success(), "{}", text(&ok));
    assert!(text(&ok).contains("chain intact"));

    let list = run(cli(d, "vera").args(["audit", "list", "--actor", "fiona", "--json"]));
    let page: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let actions: Vec<&str> = page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["compute_period", "sign_in"],
        "fiona's own entries, newest first"
    );
    assert!(
        !actions.contains(&"close_period"),
        "a refused operation is not recorded"
    );

    let export = d.join("audit.jsonl");
    assert!(run(cli(d, "vera")
        .args(["audit", "export", "--out"])
        .arg(&export))
    .status
    .success());
    let offline = Command::new(env!("CARGO_BIN_EXE_affops-cli"))
        .args(["audit", "verify", "--file"])
        .arg(&export)
        .env_remove("AFFOPS_USER")
        .output()
        .unwrap();
    assert!(
        offline.status.success(),
        "an export verifies without any workspace: {}",
        text(&offline)
    );

    // Someone with the file and a SQLite tool edits row 3 (whatever it holds) behind the application's back.
    let db = rusqlite::Connection::open(d.join("affops.sqlite")).unwrap();
    db.execute_batch("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET detail = '{\"edited\":true}' WHERE id = 3;")
        .unwrap();
    let bad = run(cli(d, "vera").args(["audit", "verify", "--json"]));
    assert!(!bad.status.success());
    let report: serde_json::Value = serde_json::from_slice(&bad.stdout).unwrap();
    assert_eq!(report["broken"]["row"], 3, "{report}");

    // The export taken before is unaffected; editing one of its lines is named by its line number.
    let lines = std::fs::read_to_string(&export).unwrap();
    let edited: Vec<String> = lines
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 1 {
                l.replacen("\"at_ms\":", "\"at_ms\":1", 1)
            } else {
                l.to_string()
            }
        })
        .collect();
    std::fs::write(&export, edited.join("\n") + "\n").unwrap();
    let named = Command::new(env!("CARGO_BIN_EXE_affops-cli"))
        .args(["audit", "verify", "--json", "--file"])
        .arg(&export)
        .output()
        .unwrap();
    assert!(!named.status.success());
    let r: serde_json::Value = serde_json::from_slice(&named.stdout).unwrap();
    assert_eq!(r["broken"]["row"], 2, "the second line was edited: {r}");
}
