//! Shared by the payout reliability tests: the CLI as a demo person, and the demo workspace made ready to pay.

#![allow(dead_code)]

use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::process::Command;

pub fn cli(dir: &Path, who: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_affops-cli"));
    c.arg("--data-dir")
        .arg(dir)
        .env("AFFOPS_USER", who)
        .env("AFFOPS_PASSPHRASE", format!("{who}-demo-pass"));
    c
}

pub fn ok(dir: &Path, who: &str, args: &[&str]) -> String {
    let out = cli(dir, who).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{who} {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A new workspace whose owner is olivia (passphrase `olivia-demo-pass`, as `cli` signs in).
pub fn create_owner(dir: &Path) {
    ok(
        dir,
        "olivia",
        &[
            "workspace",
            "create",
            "--name",
            "olivia",
            "--display-name",
            "Olivia",
        ],
    );
}

pub fn db(dir: &Path) -> Connection {
    Connection::open_with_flags(
        dir.join(affops_core::store::DB_FILE),
        OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap()
}

pub fn one<T: rusqlite::types::FromSql>(c: &Connection, sql: &str) -> T {
    c.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// The demo, October approved for three affiliates and closed, their SEPA details approved by a second person,
/// runs needing one approver.
pub fn setup(dir: &Path) {
    ok(dir, "olivia", &["demo"]);
    for a in ["1", "2", "3"] {
        ok(
            dir,
            "fiona",
            &["lines", "approve", "--affiliate", a, "--period", "2026-10"],
        );
    }
    ok(dir, "fiona", &["period", "close", "--period", "2026-10"]);
    let ibans = [
        "DE89370400440532013000",
        "FR1420041010050500013M02606",
        "NL91ABNA0417164300",
    ];
    for (i, iban) in ibans.iter().enumerate() {
        let a = (i + 1).to_string();
        ok(
            dir,
            "fiona",
            &[
                "payee",
                "propose",
                "--affiliate",
                &a,
                "--method",
                "sepa",
                "--holder",
                "Holder",
                "--iban",
                iban,
            ],
        );
        ok(dir, "felix", &["payee", "approve", &a]);
    }
    ok(
        dir,
        "olivia",
        &[
            "settings",
            "--payee-hold-days",
            "0",
            "--two-approvals-from",
            "1000000",
        ],
    );
    ok(
        dir,
        "fiona",
        &[
            "payout",
            "payer",
            "--name",
            "Demo Casino Ltd",
            "--iban",
            "MT84MALT011000012345MTLCAST001S",
            "--bic",
            "MALTMTMTXXX",
        ],
    );
}

pub fn prepare(dir: &Path) -> i64 {
    ok(
        dir,
        "fiona",
        &[
            "payout",
            "prepare",
            "--period",
            "2026-10",
            "--execution-date",
            "2026-12-09",
        ],
    );
    one(&db(dir), "SELECT MAX(id) FROM payout_runs")
}
