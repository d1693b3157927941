//! RELIABILITY S2 for payouts: `kill -9` at random points of `payout approve` and of `payout export`, 20 times
//! each. After every kill the database passes `integrity_check` and the audit chain verifies; an approval is
//! either wholly there (its row, its event, the run approved) or not at all, and one the CLI reported done is
//! always there; a run is marked exported only with every file on disk with the recorded hash, never half a file.
//! The kills' offsets are random within the command's measured duration (seeded; `AFFOPS_S2_SEED` to vary).

mod common;

use common::{cli, db, ok, one, prepare, setup};
use rand::{Rng, SeedableRng};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const KILLS: u32 = 20;

/// Runs `cmd`, killing it with SIGKILL after `after` (if still running); whether it finished successfully first.
fn run_killed(mut cmd: Command, after: Duration) -> bool {
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let t = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.success();
        }
        if t.elapsed() >= after {
            child.kill().unwrap();
            child.wait().unwrap();
            return false;
        }
        std::thread::sleep(Duration::from_micros(200));
    }
}

fn timed(mut cmd: Command) -> Duration {
    let t = Instant::now();
    assert!(cmd.stdout(Stdio::null()).status().unwrap().success());
    t.elapsed()
}

/// The store is intact and its audit chain verifies.
fn intact(dir: &Path) {
    assert_eq!(one::<String>(&db(dir), "PRAGMA integrity_check"), "ok");
    ok(dir, "vera", &["audit", "verify"]);
}

fn seed() -> u64 {
    std::env::var("AFFOPS_S2_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5EED_0002)
}

#[test]
fn kill_during_approval_leaves_it_whole_or_absent() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    setup(dir);
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed());
    // One approval to its end measures the window the kills fall in.
    let run = prepare(dir);
    let approve = |run: i64| {
        let mut c = cli(dir, "felix");
        c.args(["payout", "approve", &run.to_string()]);
        c
    };
    let full = timed(approve(run));
    let mut run = run;
    let (mut done, mut cut) = (0, 0);
    for _ in 0..KILLS {
        ok(
            dir,
            "fiona",
            &["payout", "cancel", &run.to_string(), "--reason", "S2 test"],
        );
        run = prepare(dir);
        let after = full.mul_f64(rng.random_range(0.0..1.2));
        let finished = run_killed(approve(run), after);
        intact(dir);
        let c = db(dir);
        let approvals: i64 = one(
            &c,
            &format!("SELECT COUNT(*) FROM payout_run_approvals WHERE run_id = {run}"),
        );
        let events: i64 = one(&c, &format!("SELECT COUNT(*) FROM payout_run_events WHERE run_id = {run} AND event = 'approval'"));
        let status: String = one(
            &c,
            &format!("SELECT status FROM payout_runs WHERE id = {run}"),
        );
        assert_eq!(approvals, events, "an approval and its event go together");
        assert_eq!(
            status == "approved",
            approvals == 1,
            "status {status} with {approvals} approvals"
        );
        if finished {
            assert_eq!(approvals, 1, "an approval reported done survives the kill");
        }
        if approvals == 1 {
            done += 1
        } else {
            cut += 1
        }
        if approvals == 0 {
            // Retrying after the kill works.
            ok(dir, "felix", &["payout", "approve", &run.to_string()]);
        }
    }
    println!("S2 approval: {KILLS} kills within {full:?}: {done} had committed, {cut} had not (each retried)");
}

fn sha256_file(p: &Path) -> String {
    hex::encode(Sha256::digest(std::fs::read(p).unwrap()))
}

#[test]
fn kill_during_export_never_leaves_half_a_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    setup(dir);
    let run = prepare(dir);
    ok(dir, "felix", &["payout", "approve", &run.to_string()]);
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed() ^ 0xE);
    let out = tmp.path().join("out");
    let export = || {
        let mut c = cli(dir, "fiona");
        c.args(["payout", "export", &run.to_string(), "--dir"])
            .arg(&out);
        c
    };
    // Measured on a copy of the workspace, so the run under test is still only approved.
    let probe = tempfile::tempdir().unwrap();
    for f in std::fs::read_dir(dir).unwrap().flatten() {
        if f.path().is_file() {
            std::fs::copy(f.path(), probe.path().join(f.file_name())).unwrap();
        }
    }
    let mut p = cli(probe.path(), "fiona");
    p.args(["payout", "export", &run.to_string(), "--dir"])
        .arg(probe.path().join("out"));
    let full = timed(p);
    let expected: Vec<(String, String)> = {
        let c = db(probe.path());
        let mut s = c
            .prepare("SELECT file_name, sha256 FROM payout_files ORDER BY id")
            .unwrap();
        let rows = s.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
        rows.collect::<Result<_, _>>().unwrap()
    };
    assert!(!expected.is_empty());
    let mut exported_at = None;
    for i in 0..KILLS {
        let after = full.mul_f64(rng.random_range(0.0..1.2));
        let finished = run_killed(export(), after);
        intact(dir);
        let c = db(dir);
        let files: i64 = one(
            &c,
            &format!("SELECT COUNT(*) FROM payout_files WHERE run_id = {run}"),
        );
        let status: String = one(
            &c,
            &format!("SELECT status FROM payout_runs WHERE id = {run}"),
        );
        assert!(
            files == 0 || files as usize == expected.len(),
            "all files recorded or none: {files}"
        );
        assert_eq!(
            status == "exported",
            files > 0,
            "status {status} with {files} files"
        );
        if finished {
            assert_eq!(status, "exported");
        }
        if status == "exported" {
            exported_at.get_or_insert(i);
            for (name, sha) in &expected {
                assert_eq!(
                    &sha256_file(&out.join(name)),
                    sha,
                    "{name}: the recorded file, whole"
                );
            }
        }
        // Whatever the kill left under the final names is a whole file: the same bytes as the probe's.
        for (name, sha) in &expected {
            let f = out.join(name);
            if f.exists() {
                assert_eq!(&sha256_file(&f), sha, "{name} is never cut short");
            }
        }
    }
    ok(
        dir,
        "fiona",
        &[
            "payout",
            "export",
            &run.to_string(),
            "--dir",
            &out.display().to_string(),
        ],
    );
    for (name, sha) in &expected {
        assert_eq!(
            &sha256_file(&out.join(name)),
            sha,
            "a retry gives the same bytes"
        );
    }
    println!("S2 export: {KILLS} kills within {full:?}; first committed at kill {exported_at:?}");
}
