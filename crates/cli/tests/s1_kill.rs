//! RELIABILITY S1: `kill -9` at random points of a click import, repeatedly. After every kill the database passes
//! `integrity_check`, holds exactly the rows its checkpoint says (0 lost, 0 duplicated), and the resumed import
//! ends with the same checksum as a clean run.
//!
//! Default: 100,000 rows, 20 kills (a few seconds in debug). The full scenario:
//! `AFFOPS_S1_ROWS=1000000 AFFOPS_S1_KILLS=20 cargo test -p affops-cli --test s1_kill -- --nocapture`.

use affops_core::store::Store;
use rand::{Rng, SeedableRng};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A click file with a bad row every 997 rows, so quarantine is crash-tested too.
fn write_clicks(path: &Path, rows: u64) {
    let mut w = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(w, "click_id,clicked_at,affiliate_id,sub1,sub2,sub3,sub4,sub5,ip,user_agent,country,landing_url").unwrap();
    for i in 0..rows {
        let when = if i % 997 == 500 {
            "not-a-date".to_string()
        } else {
            format!(
                "2026-10-{:02} {:02}:{:02}:{:02}",
                1 + i % 28,
                i % 24,
                i % 60,
                (i / 7) % 60
            )
        };
        writeln!(
            w,
            "clk{i:09},{when},{},s{},,,,,10.0.{}.{},Mozilla/5.0,DE,https://lp.example/{}",
            i % 50,
            i % 9,
            i % 256,
            (i / 256) % 256,
            i % 100
        )
        .unwrap();
    }
}

/// The CLI on `data_dir`, with no person chosen.
fn cli(data_dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_affops-cli"));
    c.arg("--data-dir")
        .arg(data_dir)
        .env_remove("AFFOPS_USER")
        .env_remove("AFFOPS_PASSPHRASE");
    c
}

/// A new workspace with its owner, a program the owner creates, and an affiliate manager, who imports.
fn prepare(data_dir: &Path) {
    let owner = cli(data_dir)
        .args([
            "workspace",
            "create",
            "--name",
            "olivia",
            "--display-name",
            "Olivia",
        ])
        .env("AFFOPS_PASSPHRASE", "olivia-passphrase")
        .status()
        .unwrap();
    assert!(owner.success());
    let manager = cli(data_dir)
        .args([
            "--user",
            "olivia",
            "people",
            "add",
            "max",
            "--display-name",
            "Max",
            "--role",
            "manager",
        ])
        .env("AFFOPS_PASSPHRASE", "olivia-passphrase")
        .env("AFFOPS_NEW_PASSPHRASE", "max-passphrase")
        .status()
        .unwrap();
    assert!(manager.success());
    let program = cli(data_dir)
        .args([
            "--user",
            "olivia",
            "program",
            "add",
            "--name",
            "Casino",
            "--vertical",
            "igaming",
            "--currency",
            "EUR",
            "--timezone",
            "UTC",
        ])
        .env("AFFOPS_PASSPHRASE", "olivia-passphrase")
        .status()
        .unwrap();
    assert!(program.success());
}

/// Imports `file` in chunks of `chunk_rows`, committing every two chunks (grouped transactions are crash-tested).
fn import_cmd(data_dir: &Path, file: &Path, chunk_rows: u64) -> Command {
    let mut c = cli(data_dir);
    c.args(["--user", "max"])
        .env("AFFOPS_PASSPHRASE", "max-passphrase")
        .arg("import")
        .arg(file)
        .args(["--preset", "clicks", "--json", "--chunk-rows"])
        .arg(chunk_rows.to_string())
        .arg("--tx-rows")
        .arg((chunk_rows * 2).to_string());
    c.stdout(Stdio::null()).stderr(Stdio::null());
    c
}

/// An ordered hash of everything imported: the clicks and the quarantined rows.
fn checksum(store: &Store) -> (i64, i64, String) {
    store
        .read::<_, affops_core::store::StoreError>(|c| {
            let mut h = Sha256::new();
            let mut stmt = c.prepare(
                "SELECT k.click_id, k.clicked_at_ms, a.external_id, k.day, k.sub1, k.ip, k.landing_url, k.raw_id
                 FROM clicks k JOIN affiliates a ON a.id = k.affiliate_id ORDER BY k.click_id",
            )?;
            let mut rows = stmt.query([])?;
            let mut n = 0;
            while let Some(r) = rows.next()? {
                let line = format!(
                    "{}|{}|{}|{}|{}|{}|{}|{}\n",
                    r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?, r.get::<_, String>(5)?, r.get::<_, String>(6)?, r.get::<_, i64>(7)?
                );
                h.update(line.as_bytes());
                n += 1;
            }
            let mut q = c.prepare("SELECT locator, field, reason, payload FROM quarantine ORDER BY id")?;
            let mut qrows = q.query([])?;
            let mut nq = 0;
            while let Some(r) = qrows.next()? {
                h.update(format!("{}|{:?}|{}|", r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, String>(2)?).as_bytes());
                h.update(r.get::<_, Vec<u8>>(3)?);
                nq += 1;
            }
            Ok((n, nq, hex::encode(h.finalize())))
        })
        .unwrap()
}

/// After a kill: what the run's checkpoint claims must be exactly what the tables hold.
fn assert_consistent(store: &Store) -> (i64, i64) {
    assert_eq!(store.integrity_check().unwrap(), "ok");
    store
        .read::<_, affops_core::store::StoreError>(|c| {
            let (clicks, distinct): (i64, i64) = c.query_row("SELECT COUNT(*), COUNT(DISTINCT click_id) FROM clicks", [], |r| Ok((r.get(0)?, r.get(1)?)))?;
            assert_eq!(clicks, distinct, "no duplicate click");
            let run: Option<(i64, i64, i64, i64)> = c
                .query_row("SELECT rows_ok, rows_quarantined, checkpoint_row, checkpoint_offset FROM import_runs", [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
                .ok();
            let quarantined: i64 = c.query_row("SELECT COUNT(*) FROM quarantine", [], |r| r.get(0))?;
            if let Some((ok, q, next_row, offset)) = run {
                assert_eq!(ok, clicks, "every row the checkpoint counts is in the table, and no other");
                assert_eq!(q, quarantined);
                if offset > 0 {
                    assert_eq!(ok + q, next_row - 2, "rows before the checkpoint are all accounted for");
                }
                return Ok((offset, clicks));
            }
            assert_eq!(clicks, 0);
            Ok((0, 0))
        })
        .unwrap()
}

#[test]
fn kill_9_during_import_resumes_without_loss_or_duplicates() {
    let rows = env_or("AFFOPS_S1_ROWS", 100_000);
    let kills = env_or("AFFOPS_S1_KILLS", 20);
    let chunk_rows = (rows / 50).max(100);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("clicks.csv");
    write_clicks(&file, rows);
    let size = std::fs::metadata(&file).unwrap().len() as i64;

    let clean_dir = dir.path().join("clean");
    prepare(&clean_dir);
    let started = Instant::now();
    assert!(import_cmd(&clean_dir, &file, chunk_rows)
        .status()
        .unwrap()
        .success());
    let clean_time = started.elapsed();
    let clean = checksum(&Store::open(&clean_dir).unwrap());
    assert_eq!(
        clean.0 + clean.1,
        rows as i64,
        "clean run: every row imported or quarantined"
    );

    let crash_dir = dir.path().join("crash");
    prepare(&crash_dir);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(env_or("AFFOPS_S1_SEED", 1));
    // Spread the kills so that, on average, the import needs about all of them to get through.
    let window_ms = (clean_time.as_millis() as u64 * 2 / kills.max(1)).max(20);
    let (mut interrupted, mut mid_run) = (0, 0);
    for _ in 0..kills {
        let mut child = import_cmd(&crash_dir, &file, chunk_rows).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(rng.random_range(0..window_ms)));
        if child.try_wait().unwrap().is_none() {
            interrupted += 1;
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let (offset, _) = assert_consistent(&Store::open(&crash_dir).unwrap());
        if offset > 0 && offset < size {
            mid_run += 1;
        }
    }
    assert!(
        import_cmd(&crash_dir, &file, chunk_rows)
            .status()
            .unwrap()
            .success(),
        "the last run finishes"
    );
    let store = Store::open(&crash_dir).unwrap();
    assert_consistent(&store);
    let status: String = store
        .read::<_, affops_core::store::StoreError>(|c| {
            Ok(c.query_row("SELECT status FROM import_runs", [], |r| r.get(0))?)
        })
        .unwrap();
    assert_eq!(status, "done");
    assert_eq!(
        checksum(&store),
        clean,
        "same rows, same quarantine, same checksum as the clean run"
    );
    println!("S1: {rows} rows, {kills} kills ({interrupted} while running, {mid_run} left a partial checkpoint), clean run {clean_time:?}");
    assert!(
        mid_run > 0,
        "at least one kill landed between two chunks of the import"
    );
}
