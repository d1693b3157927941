//! `affops-cli … | grep -q x` closes the pipe as soon as grep has its match. The CLI must then end quietly
//! with the shell's SIGPIPE status (141), as `cat` does: no panic, no backtrace, and the workspace reads as before.

use std::process::{Command, Stdio};

fn cli(data_dir: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_affops-cli"));
    // The demo's viewer: every command but `demo` runs as a signed-in person.
    c.arg("--data-dir")
        .arg(data_dir)
        .env("AFFOPS_USER", "vera")
        .env("AFFOPS_PASSPHRASE", "vera-demo-pass");
    c
}

#[test]
fn a_reader_that_closed_early_ends_the_run_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let demo = cli(dir.path())
        .arg("demo")
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(demo.success(), "demo failed: {demo}");

    // A pipe whose only reader is gone before the CLI writes a byte: its first write gets EPIPE.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = cli(dir.path())
        .args(["dashboard", "--json"])
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(141), "stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "stderr: {stderr}");

    // The same command with a reader still gives the whole dashboard.
    let ok = cli(dir.path())
        .args(["dashboard", "--json"])
        .output()
        .unwrap();
    assert!(ok.status.success());
    let v: serde_json::Value = serde_json::from_slice(&ok.stdout).unwrap();
    assert_eq!(v["totals"]["ftds"], 340, "the demo world's FTDs: {v}");
}
