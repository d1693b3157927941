//! The real connector against the sandbox world over loopback HTTP.

use affops_core::api::{Dashboard, DashboardQuery, Progress};
use affops_core::ingest::{sync_all, HttpPolicy, SyncOptions, SyncReport};
use affops_core::workspace::{ProgramSpec, StaticSecrets, Workspace, DEMO_API_KEY};
use affops_sandbox::{
    generate, serve, FaultKind, FaultRule, SandboxServer, Stream, World, WorldConfig,
};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub(crate) struct Env {
    _dir: tempfile::TempDir,
    pub(crate) ws: Workspace,
    pub(crate) world: Arc<World>,
    pub(crate) server: SandboxServer,
}

pub(crate) async fn env(seed: u64) -> Env {
    env_with(WorldConfig::small(seed)).await
}

/// A workspace set up like the demo against a sandbox serving the world of `cfg` (with the Forex broker as a
/// second program when the world has one).
pub(crate) async fn env_with(cfg: WorldConfig) -> Env {
    let dir = tempfile::tempdir().unwrap();
    let world = Arc::new(generate(&cfg));
    let server = serve(
        world.clone(),
        "127.0.0.1:0".parse().unwrap(),
        DEMO_API_KEY.to_string(),
    )
    .await
    .unwrap();
    let ws = Workspace::open(dir.path()).unwrap();
    let p = &world.program;
    let spec = ProgramSpec {
        name: p.name.clone(),
        vertical: affops_core::programs::Vertical::Igaming,
        currency: p.currency.clone(),
        timezone: p.timezone.clone(),
    };
    ws.setup_demo(
        &spec,
        &server.base_url(),
        &world.config.start.to_string(),
        now_ms(&world),
    )
    .unwrap();
    if let Some(fx) = &world.forex {
        let broker = ProgramSpec {
            name: fx.program.name.clone(),
            vertical: affops_core::programs::Vertical::Forex,
            currency: fx.program.currency.clone(),
            timezone: fx.program.timezone.clone(),
        };
        ws.setup_demo_broker(
            &broker,
            &server.base_url(),
            &world.config.start.to_string(),
            now_ms(&world),
        )
        .unwrap();
    }
    Env {
        _dir: dir,
        ws,
        world,
        server,
    }
}

/// A day after the world ends: every event is in the past.
pub(crate) fn now_ms(world: &World) -> i64 {
    let end = world.config.start + chrono::Days::new(u64::from(world.config.days) + 1);
    end.and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp_millis()
}

pub(crate) async fn sync(e: &Env) -> SyncReport {
    sync_with(e, HttpPolicy::fast(), Arc::new(|_| {})).await
}

async fn sync_with(
    e: &Env,
    policy: HttpPolicy,
    progress: affops_core::ingest::ProgressFn,
) -> SyncReport {
    sync_using(e, Arc::new(StaticSecrets::demo()), policy, progress).await
}

/// One sync "as of" a day after the world ends, with the given keys.
async fn sync_using(
    e: &Env,
    secrets: Arc<dyn affops_core::ingest::Secrets>,
    policy: HttpPolicy,
    progress: affops_core::ingest::ProgressFn,
) -> SyncReport {
    let opts = SyncOptions {
        now_ms: now_ms(&e.world),
        policy,
        full: false,
    };
    sync_all(e.ws.store().clone(), secrets, &opts, progress)
        .await
        .unwrap()
}

fn dashboard(e: &Env) -> Dashboard {
    let p = affops_core::programs::resolve(e.ws.store(), None).unwrap();
    affops_core::dashboard::build(&e.ws, &p, &DashboardQuery::default()).unwrap()
}

pub(crate) fn count(e: &Env, table: &str) -> i64 {
    e.ws.store()
        .read::<_, affops_core::store::StoreError>(|c| {
            Ok(c.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))?)
        })
        .unwrap()
}

/// Every affiliate with activity shows exactly the sandbox's ground truth, once attribution has run (the
/// ground truth attributes promo-code-only players, DOMAIN.md §3).
pub(crate) fn assert_matches_ground_truth(e: &Env) {
    crate::attribution_truth::attribute(e);
    let truth = e.world.ground_truth();
    let d = dashboard(e);
    assert!(!d.rows.is_empty());
    for row in &d.rows {
        let t = &truth.per_affiliate[&row.affiliate_id];
        assert_eq!(
            (
                row.clicks,
                row.registrations,
                row.ftds,
                row.approved_conversions,
                row.ftd_amount.as_str()
            ),
            (
                t.clicks,
                t.registrations,
                t.ftds,
                t.approved_conversions,
                t.ftd_amount.as_str()
            ),
            "affiliate {}",
            row.affiliate_id
        );
    }
    let active = truth
        .per_affiliate
        .values()
        .filter(|t| t.clicks + t.registrations + t.ftds + t.approved_conversions > 0)
        .count();
    assert_eq!(d.rows.len(), active, "every active affiliate has a row");
    assert_eq!(d.totals.ftds, truth.totals.ftds);
    assert_eq!(d.totals.ftd_amount, truth.totals.ftd_amount);
}

const TABLES: [&str; 7] = [
    "affiliates",
    "clicks",
    "players",
    "money_movements",
    "conversions",
    "conversion_status_history",
    "quarantine",
];

#[tokio::test]
async fn full_sync_reproduces_ground_truth_and_a_second_sync_changes_nothing() {
    let e = env(7).await;
    let first = sync(&e).await;
    assert!(first.failures.is_empty(), "{:?}", first.failures);
    assert_matches_ground_truth(&e);
    assert_eq!(
        count(&e, "quarantine"),
        0,
        "the sandbox sends only valid records"
    );
    let p = affops_core::programs::resolve(e.ws.store(), None).unwrap();
    let coverage = affops_core::coverage::report(&e.ws, &p, &DashboardQuery::default()).unwrap();
    assert_eq!(coverage.totals.total as usize, e.world.conversions.len());
    assert_eq!(
        (coverage.totals.api, coverage.totals.api_percent.as_str()),
        (coverage.totals.total, "100.00"),
        "pulled from the tracker API"
    );
    assert!(coverage.warning.is_none());

    let before: Vec<i64> = TABLES.iter().map(|t| count(&e, t)).collect();
    let second = sync(&e).await;
    assert!(second.failures.is_empty());
    for s in &second.summary.streams {
        assert_eq!(
            (s.rows_inserted, s.rows_updated),
            (0, 0),
            "{}/{} changed on re-sync",
            s.source,
            s.stream
        );
    }
    let after: Vec<i64> = TABLES.iter().map(|t| count(&e, t)).collect();
    assert_eq!(
        before, after,
        "a second sync must not add a row anywhere ({TABLES:?})"
    );
    assert_matches_ground_truth(&e);
    // The second pass fetched new (incremental, near-empty) pages, archived raw; a third identical pass finds
    // byte-identical pages and archives nothing new.
    let raw = count(&e, "raw_records");
    assert!(sync(&e).await.failures.is_empty());
    assert_eq!(
        count(&e, "raw_records"),
        raw,
        "identical pages are archived once"
    );
    let fresh = dashboard(&e).freshness;
    assert!(
        fresh
            .iter()
            .all(|f| f.last_status == "ok" && f.last_success_at_ms.is_some()),
        "{fresh:?}"
    );
    assert_eq!(
        e.ws.store().read(affops_core::audit::verify).unwrap(),
        None,
        "the audit chain is intact"
    );
    e.server.shutdown().await;
}

/// A malformed page fails the sync with which source, which page and why; nothing of that page is written;
/// the page's bytes are kept in quarantine; the next sync resumes at that page and completes.
#[tokio::test]
async fn malformed_page_fails_cleanly_and_the_next_sync_resumes() {
    let e = env(11).await;
    assert!(
        e.world.clicks.len() > 200,
        "the world has a second page of clicks"
    );
    e.server.faults().push(FaultRule {
        stream: Stream::Clicks,
        page: 2,
        kind: FaultKind::MalformedJson,
        times: None,
    });
    let r = sync(&e).await;
    assert_eq!(r.failures.len(), 1, "{:?}", r.failures);
    let msg = &r.failures[0].message;
    assert!(
        msg.contains("Demo tracker/clicks") && msg.contains("page 2") && msg.contains("malformed"),
        "{msg}"
    );
    let stored = count(&e, "clicks");
    assert_eq!(
        stored, 200,
        "exactly page 1 (the demo page size) is stored, no half page"
    );
    let q: (String, String) =
        e.ws.store()
            .read::<_, affops_core::store::StoreError>(|c| {
                Ok(
                    c.query_row("SELECT locator, reason FROM quarantine", [], |r| {
                        Ok((r.get(0)?, r.get(1)?))
                    })?,
                )
            })
            .unwrap();
    assert_eq!(q.0, "page 2");
    let fresh = dashboard(&e).freshness;
    let tracker = fresh.iter().find(|f| f.source == "Demo tracker").unwrap();
    assert_eq!(tracker.last_status, "failed");
    assert!(tracker.last_message.contains("page 2"));

    e.server.faults().clear();
    let r = sync(&e).await;
    assert!(r.failures.is_empty(), "{:?}", r.failures);
    let clicks = r
        .summary
        .streams
        .iter()
        .find(|s| s.stream == "clicks")
        .unwrap();
    assert_eq!(
        clicks.rows_fetched as usize,
        e.world.clicks.len() - stored as usize,
        "resumed at page 2, not page 1"
    );
    assert_matches_ground_truth(&e);
    e.server.shutdown().await;
}

#[tokio::test]
async fn persistent_500_names_source_page_and_status() {
    let e = env(12).await;
    e.server.faults().push(FaultRule {
        stream: Stream::Clicks,
        page: 1,
        kind: FaultKind::Http500,
        times: None,
    });
    let r = sync(&e).await;
    let msg = &r.failures[0].message;
    assert!(
        msg.contains("Demo tracker/clicks: page 1: HTTP 500") && msg.contains("after 3 attempts"),
        "{msg}"
    );
    assert_eq!(count(&e, "clicks"), 0);
    // The other streams still synced: a failing stream does not stop the rest.
    assert!(count(&e, "players") > 0);
    e.server.faults().clear();
    assert!(sync(&e).await.failures.is_empty());
    assert_matches_ground_truth(&e);
    e.server.shutdown().await;
}

/// RELIABILITY.md I8: a stalled server is abandoned within the read budget, and the UI is never blocked.
#[tokio::test]
async fn stalled_server_is_abandoned_within_budget() {
    let e = env(13).await;
    e.server.faults().push(FaultRule {
        stream: Stream::Players,
        page: 1,
        kind: FaultKind::Stall,
        times: None,
    });
    let policy = HttpPolicy::fast();
    let budget =
        policy.total_timeout * policy.attempts_max + policy.backoff_max * policy.attempts_max;
    let started = Instant::now();
    let r = sync_with(&e, policy, Arc::new(|_| {})).await;
    assert!(
        started.elapsed() < budget + Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    let msg = &r.failures[0].message;
    assert!(
        msg.contains("Demo operator/players: page 1: timed out"),
        "{msg}"
    );
    e.server.shutdown().await;
}

/// Transient faults (one 500, one 429 with Retry-After) are retried and the sync succeeds.
#[tokio::test]
async fn transient_faults_are_retried() {
    let e = env(14).await;
    e.server.faults().push(FaultRule {
        stream: Stream::Deposits,
        page: 1,
        kind: FaultKind::Http500,
        times: Some(1),
    });
    e.server.faults().push(FaultRule {
        stream: Stream::Conversions,
        page: 1,
        kind: FaultKind::Http429 {
            retry_after_secs: 1,
        },
        times: Some(1),
    });
    let started = Instant::now();
    let r = sync(&e).await;
    assert!(r.failures.is_empty(), "{:?}", r.failures);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After was honoured"
    );
    assert_matches_ground_truth(&e);
    e.server.shutdown().await;
}

#[tokio::test]
async fn refused_key_fails_at_once_with_a_hint() {
    let e = env(15).await;
    let mut secrets = StaticSecrets::demo();
    secrets.0.insert("Demo tracker".into(), "wrong".into());
    let r = sync_using(&e, Arc::new(secrets), HttpPolicy::fast(), Arc::new(|_| {})).await;
    assert_eq!(
        r.failures.len(),
        4,
        "every tracker stream fails: {:?}",
        r.failures
    );
    assert!(
        r.failures[0].message.contains("HTTP 401")
            && r.failures[0].message.contains("after 1 attempt)"),
        "{}",
        r.failures[0].message
    );
    e.server.shutdown().await;
}

#[tokio::test]
async fn progress_reports_every_step_in_order() {
    let e = env(16).await;
    let seen: Arc<Mutex<Vec<Progress>>> = Arc::default();
    let sink = seen.clone();
    let r = sync_with(
        &e,
        HttpPolicy::fast(),
        Arc::new(move |p| sink.lock().unwrap().push(p)),
    )
    .await;
    assert!(r.failures.is_empty());
    let seen = seen.lock().unwrap().clone();
    let last = seen.last().unwrap();
    // 4 tracker streams + 4 operator streams (players, deposits, withdrawals, activity).
    assert_eq!((last.steps_done, last.steps_total), (8, 8));
    assert!(
        seen.windows(2).all(|w| w[0].steps_done <= w[1].steps_done),
        "overall progress never goes back"
    );
    let conv = seen
        .iter()
        .rev()
        .find(|p| p.step == "Demo tracker/conversions" && p.total.is_some())
        .unwrap();
    assert_eq!(conv.total, Some(e.world.conversions.len() as u32));
    e.server.shutdown().await;
}

/// Saves a user-configured source (with the sandbox's key) pointing at the test's sandbox.
fn save_source(
    e: &Env,
    creds: &affops_core::credentials::CredentialStore,
    name: &str,
    kind: &str,
    page_size: u32,
) {
    let settings = affops_core::api::SourceSettings {
        name: name.into(),
        kind: kind.into(),
        base_url: e.server.base_url(),
        since: Some(e.world.config.start.to_string()),
        window_days: 90,
        page_size,
        overlap_minutes: 60,
        enabled: true,
        api_key: Some(DEMO_API_KEY.into()),
    };
    let stamp = affops_core::audit::Stamp::tool("test", "save_source", now_ms(&e.world));
    affops_core::sources::save(&e.ws, creds, 1, &settings, &stamp).unwrap();
}

/// A source configured by a user (not the demo) is tested and synced with its key from the credential store.
#[tokio::test]
async fn configured_source_tests_and_syncs_with_stored_key() {
    use affops_core::credentials::CredentialStore;
    let e = env(17).await;
    let creds = CredentialStore::file_only(e.ws.data_dir());
    save_source(&e, &creds, "Second tracker", "everflow", 50);
    let t =
        affops_core::sources::test_connection(&e.ws, &creds, "Second tracker", now_ms(&e.world))
            .await
            .unwrap();
    assert!(t.ok, "{}", t.message);
    creds.set("Second tracker", "wrong").unwrap();
    let t =
        affops_core::sources::test_connection(&e.ws, &creds, "Second tracker", now_ms(&e.world))
            .await
            .unwrap();
    assert!(!t.ok && t.message.contains("401"), "{}", t.message);
    creds.set("Second tracker", DEMO_API_KEY).unwrap();
    // Demo sources have no stored key in this store: they fail with a clear reason; the configured one syncs.
    let r = sync_using(&e, Arc::new(creds), HttpPolicy::fast(), Arc::new(|_| {})).await;
    assert!(
        r.failures
            .iter()
            .all(|f| f.message.contains("no API key is configured")),
        "{:?}",
        r.failures
    );
    let second: u32 = r
        .summary
        .streams
        .iter()
        .filter(|s| s.source == "Second tracker")
        .map(|s| s.rows_inserted)
        .sum();
    assert!(second > 0);
    e.server.shutdown().await;
}

/// RELIABILITY.md I7: a saved cursor the source no longer accepts falls back to re-fetching the window, with no
/// duplicates and no failure.
#[tokio::test]
async fn dead_cursor_falls_back_to_refetching_the_window() {
    let e = env(18).await;
    assert!(sync(&e).await.failures.is_empty());
    let players = count(&e, "players");
    e.ws.store()
        .write::<_, affops_core::store::StoreError>(|tx| {
            tx.execute(
                "UPDATE sync_checkpoints SET cursor = 'after:expired-cursor', window_from = '0', window_to = '1'
                 WHERE stream = 'players'",
                [],
            )?;
            Ok(())
        })
        .unwrap();
    let r = sync(&e).await;
    assert!(r.failures.is_empty(), "{:?}", r.failures);
    let p = r
        .summary
        .streams
        .iter()
        .find(|s| s.stream == "players")
        .unwrap();
    assert_eq!(
        (p.rows_fetched as i64, p.rows_inserted),
        (players, 0),
        "the whole list again, nothing new"
    );
    assert_eq!(count(&e, "players"), players);
    e.server.shutdown().await;
}

/// Issue 3's bar: a full sync of a medium world with integration faults on (missing, duplicate and late
/// postbacks, wrong amounts, a shifted operator zone) reproduces the ground truth exactly; a second sync changes
/// nothing.
#[tokio::test]
async fn medium_world_with_integration_faults_matches_ground_truth() {
    let e = env_with(WorldConfig {
        faults_injected: affops_sandbox::IntegrationFaults::typical(),
        ..WorldConfig::scale(21, 20_000)
    })
    .await;
    assert!(!e.world.injected().is_empty());
    let r = sync(&e).await;
    assert!(r.failures.is_empty(), "{:?}", r.failures);
    assert_matches_ground_truth(&e);
    let before: Vec<i64> = TABLES.iter().map(|t| count(&e, t)).collect();
    assert!(sync(&e).await.failures.is_empty());
    assert_eq!(
        before,
        TABLES.iter().map(|t| count(&e, t)).collect::<Vec<_>>()
    );
    e.server.shutdown().await;
}

/// The Affise-shaped connector: numeric statuses, `payouts`, 1-based pages; every conversion arrives once.
#[tokio::test]
async fn affise_source_syncs_every_conversion() {
    use affops_core::credentials::CredentialStore;
    let e = env(19).await;
    let creds = CredentialStore::file_only(e.ws.data_dir());
    save_source(&e, &creds, "Affise", "affise", 7);
    let secrets = affops_core::workspace::LayeredSecrets(vec![
        Arc::new(StaticSecrets::demo()),
        Arc::new(creds),
    ]);
    let r = sync_using(&e, Arc::new(secrets), HttpPolicy::fast(), Arc::new(|_| {})).await;
    assert!(r.failures.is_empty(), "{:?}", r.failures);
    let af = r
        .summary
        .streams
        .iter()
        .find(|s| s.source == "Affise")
        .unwrap();
    assert_eq!(af.rows_inserted as usize, e.world.conversions.len());
    assert_eq!(
        af.pages as usize,
        e.world.conversions.len().div_ceil(7).max(1),
        "paged with limit 7"
    );
    e.server.shutdown().await;
}

/// RELIABILITY.md I6 and I8: Retry-After as an HTTP-date, a 503, a reset connection and a truncated body are
/// retried within the budget and the sync completes; a trickling server is abandoned within the read budget.
#[tokio::test]
async fn transient_transport_faults_are_retried_and_trickles_abandoned() {
    let e = env(20).await;
    for (stream, kind) in [
        (
            Stream::Clicks,
            FaultKind::Http429Date {
                retry_after_secs: 1,
            },
        ),
        (Stream::Players, FaultKind::Http503),
        (Stream::Deposits, FaultKind::ConnectionReset),
        (Stream::Conversions, FaultKind::Truncated),
    ] {
        e.server.faults().push(FaultRule {
            stream,
            page: 1,
            kind,
            times: Some(1),
        });
    }
    let r = sync(&e).await;
    assert!(r.failures.is_empty(), "{:?}", r.failures);
    assert_matches_ground_truth(&e);

    e.server.faults().push(FaultRule {
        stream: Stream::Affiliates,
        page: 1,
        kind: FaultKind::Trickle { bytes_per_sec: 1 },
        times: None,
    });
    let started = Instant::now();
    let r = sync_with(&e, HttpPolicy::fast(), Arc::new(|_| {})).await;
    let policy = HttpPolicy::fast();
    assert!(
        started.elapsed() < policy.total_timeout * policy.attempts_max + Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(r.failures.len(), 1, "{:?}", r.failures);
    assert!(
        r.failures[0].message.contains("Demo tracker/affiliates"),
        "{}",
        r.failures[0].message
    );
    e.server.shutdown().await;
}
