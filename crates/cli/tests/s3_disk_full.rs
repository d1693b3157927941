//! RELIABILITY S3 for payouts: the disk fills up during `payout approve` and `payout export`. The workspace lives
//! on a size-limited tmpfs (mounted in a private mount namespace: `unshare -rm`, no root needed where user
//! namespaces are allowed); before each attempt a filler file leaves exactly N bytes free, N swept from nothing to
//! enough. Every attempt either succeeds or fails with the `storage` error saying the disk is full; after a failure
//! nothing is partial (no approval, no file record, no file under its final name, an intact store whose audit
//! chain verifies) and, once the filler is gone, the retry works.
//!
//! `AFFOPS_SKIP_S3=1` skips it where mounting is impossible (the test fails and says so otherwise).

mod common;

use common::{cli, db, ok, one, prepare, setup};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

const INNER: &str = "AFFOPS_S3_INNER";
const SKIP: &str = "AFFOPS_SKIP_S3";
const TEST: &str = "disk_full_during_approval_and_export";

/// Fills the file system of `dir` with `filler`, then gives back `free` bytes.
fn leave_free(filler: &Path, free: u64) {
    let mut f = std::fs::File::create(filler).unwrap();
    let mega = vec![0u8; 1 << 20];
    let page = vec![0u8; 4096];
    while f.write_all(&mega).is_ok() {}
    while f.write_all(&page).is_ok() {}
    let _ = f.flush();
    let len = f.metadata().unwrap().len();
    f.set_len(len.saturating_sub(free)).unwrap();
    f.sync_all().unwrap();
}

struct Attempt {
    free: u64,
    outcome: String,
}

/// Runs `args` as `who` with `free` bytes left; the outcome ("ok" or the error), after the filler is removed.
fn attempt(dir: &Path, filler: &Path, free: u64, who: &str, args: &[&str]) -> (bool, Attempt) {
    leave_free(filler, free);
    let out = cli(dir, who).args(args).output().unwrap();
    std::fs::remove_file(filler).unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).trim().to_string();
    if !out.status.success() {
        assert!(
            stderr.starts_with("error (storage): ")
                && (stderr.contains("disk is full") || stderr.contains("disk write failed")),
            "{args:?} with {free} bytes free failed otherwise: {stderr}"
        );
    }
    let outcome = if out.status.success() {
        "ok".into()
    } else {
        stderr
    };
    (out.status.success(), Attempt { free, outcome })
}

fn intact(dir: &Path) {
    assert_eq!(one::<String>(&db(dir), "PRAGMA integrity_check"), "ok");
    ok(dir, "vera", &["audit", "verify"]);
}

fn sweep(db_bytes: u64) -> Vec<u64> {
    let mut v = vec![0, 4 << 10, 64 << 10, db_bytes / 2];
    v.extend(
        [-(64i64 << 10), 8 << 10, 64 << 10, 512 << 10, 4 << 20]
            .map(|d| (db_bytes as i64 + d) as u64),
    );
    v
}

fn scenario(mount: &Path) {
    let dir = mount.join("ws");
    let filler = mount.join("filler");
    setup(&dir);
    let run = prepare(&dir);
    let run_s = run.to_string();
    let db_bytes = std::fs::metadata(dir.join(affops_core::store::DB_FILE))
        .unwrap()
        .len();
    let mut log = Vec::new();

    let mut approved = false;
    for free in sweep(db_bytes) {
        let (done, a) = attempt(&dir, &filler, free, "felix", &["payout", "approve", &run_s]);
        log.push(("approve", a));
        intact(&dir);
        let c = db(&dir);
        let approvals: i64 = one(
            &c,
            &format!("SELECT COUNT(*) FROM payout_run_approvals WHERE run_id = {run}"),
        );
        let status: String = one(
            &c,
            &format!("SELECT status FROM payout_runs WHERE id = {run}"),
        );
        assert_eq!(
            approvals,
            i64::from(done),
            "an approval exactly when the command succeeded"
        );
        assert_eq!(status == "approved", done);
        let partial = std::fs::read_dir(dir.join("backups"))
            .unwrap()
            .flatten()
            .any(|e| e.file_name().to_string_lossy().ends_with(".partial"));
        assert!(!partial, "a failed backup leaves no partial copy");
        if done {
            approved = true;
            break;
        }
    }
    if !approved {
        ok(&dir, "felix", &["payout", "approve", &run_s]);
    }

    let out = mount.join("out");
    let out_s = out.display().to_string();
    let mut exported = false;
    for free in [
        0,
        1 << 10,
        4 << 10,
        8 << 10,
        16 << 10,
        64 << 10,
        256 << 10,
        1 << 20,
    ] {
        let (done, a) = attempt(
            &dir,
            &filler,
            free,
            "fiona",
            &["payout", "export", &run_s, "--dir", &out_s],
        );
        log.push(("export", a));
        intact(&dir);
        let c = db(&dir);
        let files: i64 = one(
            &c,
            &format!("SELECT COUNT(*) FROM payout_files WHERE run_id = {run}"),
        );
        let status: String = one(
            &c,
            &format!("SELECT status FROM payout_runs WHERE id = {run}"),
        );
        assert_eq!(
            files > 0,
            done,
            "files recorded exactly when the export succeeded"
        );
        assert_eq!(status == "exported", done);
        let names: Vec<String> = std::fs::read_dir(&out)
            .map(|d| {
                d.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        if !done {
            assert!(
                names
                    .iter()
                    .all(|n| !n.ends_with(".xml") && !n.ends_with(".partial")),
                "a failed export leaves no file: {names:?}"
            );
        }
        if done {
            exported = true;
            break;
        }
    }
    if !exported {
        ok(
            &dir,
            "fiona",
            &["payout", "export", &run_s, "--dir", &out_s],
        );
    }
    println!("S3 (database {db_bytes} bytes):");
    for (what, a) in &log {
        println!("  {what:<8} {:>10} bytes free: {}", a.free, a.outcome);
    }
    let failures = log.iter().filter(|(_, a)| a.outcome != "ok").count();
    assert!(
        failures >= 2,
        "the sweep reached the disk-full path: {failures} failures"
    );
}

#[test]
fn disk_full_during_approval_and_export() {
    if std::env::var(SKIP).as_deref() == Ok("1") {
        println!("SKIPPED: {SKIP}=1");
        return;
    }
    if let Ok(mount) = std::env::var(INNER) {
        let mount = PathBuf::from(mount);
        let st = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=96m", "tmpfs"])
            .arg(&mount)
            .status()
            .unwrap();
        assert!(st.success(), "mount tmpfs inside the namespace");
        scenario(&mount);
        return;
    }
    let mount = tempfile::tempdir().unwrap();
    let out = Command::new("unshare")
        .args(["-rm"])
        .arg(std::env::current_exe().unwrap())
        .args(["--exact", TEST, "--nocapture", "--test-threads", "1"])
        .env(INNER, mount.path())
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run unshare ({e}): set {SKIP}=1 where mounting is impossible")
        });
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "the disk-full scenario failed (set {SKIP}=1 where user namespaces are not allowed):\n{stdout}\n{stderr}"
    );
}
