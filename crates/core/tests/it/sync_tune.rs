//! The TUNE (HasOffers) connector over HTTP: against the sandbox a TUNE source ends with exactly the world's
//! conversions and a second sync changes nothing; the key the sandbox echoes never reaches the archive; against a
//! tiny server with a hand-written page (the sandbox only sends valid rows) each bad row is quarantined naming its
//! field while the good ones land.

use crate::sync::{count, env, now_ms, Env};
use affops_core::credentials::CredentialStore;
use affops_core::ingest::{
    sync_all, HttpPolicy, SourceConfig, SourceKind, SyncOptions, SyncReport,
};
use affops_core::store::StoreError;
use affops_core::workspace::{LayeredSecrets, ProgramSpec, StaticSecrets, Workspace, DEMO_API_KEY};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

const SOURCE: &str = "TUNE";

fn save_tune_source(e: &Env, creds: &CredentialStore, page_size: u32) {
    let settings = affops_core::api::SourceSettings {
        name: SOURCE.into(),
        kind: "tune".into(),
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

/// The demo's sources with the demo key, the TUNE source with its key from the credential store.
async fn sync(e: &Env) -> SyncReport {
    let creds = CredentialStore::file_only(e.ws.data_dir());
    let secrets = LayeredSecrets(vec![Arc::new(StaticSecrets::demo()), Arc::new(creds)]);
    let opts = SyncOptions {
        now_ms: now_ms(&e.world),
        policy: HttpPolicy::fast(),
        full: false,
    };
    sync_all(
        e.ws.store().clone(),
        Arc::new(secrets),
        &opts,
        Arc::new(|_| {}),
    )
    .await
    .unwrap()
}

type Row = (String, i64, String, String);

/// (conversion id, payout micros, status, affiliate id) of every conversion the TUNE source holds.
fn tune_conversions(e: &Env) -> BTreeSet<Row> {
    e.ws.store()
        .read::<_, StoreError>(|c| {
            let mut stmt = c.prepare(
                "SELECT c.external_id, c.payout_micros, c.status, a.external_id
                 FROM conversions c JOIN sources s ON s.id = c.source_id JOIN affiliates a ON a.id = c.affiliate_id
                 WHERE s.name = ?1",
            )?;
            let rows = stmt
                .query_map([SOURCE], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                .collect::<Result<_, _>>()?;
            Ok(rows)
        })
        .unwrap()
}

#[tokio::test]
async fn tune_source_ends_with_the_worlds_conversions_and_a_second_sync_changes_nothing() {
    let e = env(23).await;
    let creds = CredentialStore::file_only(e.ws.data_dir());
    save_tune_source(&e, &creds, 7);
    let r = sync(&e).await;
    assert!(r.failures.is_empty(), "{:?}", r.failures);
    let tune = r
        .summary
        .streams
        .iter()
        .find(|s| s.source == SOURCE)
        .unwrap();
    assert_eq!(tune.stream, "tune-conversions");
    assert_eq!(tune.rows_quarantined, 0);
    assert_eq!(
        tune.pages as usize,
        e.world.conversions.len().div_ceil(7).max(1),
        "paged with limit 7 until pageCount"
    );

    // The truth: every conversion of the world, with its exact payout, status and affiliate.
    let truth: BTreeSet<Row> = e
        .world
        .conversions
        .iter()
        .map(|c| {
            (
                c.conversion_id.clone(),
                affops_core::money::decimal_to_micros(c.payout).unwrap(),
                c.status.as_str().to_string(),
                c.affiliate_id.to_string(),
            )
        })
        .collect();
    assert_eq!(tune_conversions(&e), truth);

    // HasOffers echoes `api_key` in every page; the archive (in the database) must not keep it.
    let pages: Vec<Vec<u8>> = e
        .ws
        .store()
        .read::<_, StoreError>(|c| {
            let ids: Vec<i64> = c
                .prepare("SELECT r.id FROM raw_records r JOIN sources s ON s.id = r.source_id WHERE s.name = ?1")?
                .query_map([SOURCE], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            Ok(ids
                .into_iter()
                .map(|id| affops_core::ingest::raw::read(c, id).unwrap().unwrap())
                .collect())
        })
        .unwrap();
    assert_eq!(pages.len(), tune.pages as usize);
    for page in &pages {
        let text = String::from_utf8_lossy(page);
        assert!(!text.contains(DEMO_API_KEY), "the key is not archived");
        assert!(
            text.contains(r#""api_key":"[redacted]""#),
            "the echo is kept, redacted"
        );
    }

    const TABLES: [&str; 4] = [
        "conversions",
        "affiliates",
        "conversion_status_history",
        "quarantine",
    ];
    let before: Vec<i64> = TABLES.iter().map(|t| count(&e, t)).collect();
    let again = sync(&e).await;
    assert!(again.failures.is_empty(), "{:?}", again.failures);
    let tune = again
        .summary
        .streams
        .iter()
        .find(|s| s.source == SOURCE)
        .unwrap();
    assert_eq!(
        (tune.rows_inserted, tune.rows_updated),
        (0, 0),
        "re-ingest is a no-op"
    );
    assert_eq!(
        TABLES.iter().map(|t| count(&e, t)).collect::<Vec<_>>(),
        before
    );
    assert_eq!(tune_conversions(&e), truth);
    e.server.shutdown().await;
}

/// One page of three rows: a good one, an unknown status, a payout that is not a number.
const PAGE: &str = r#"{"request":{"api_key":"tune-test-key"},"response":{"status":1,"httpStatus":200,"data":{
  "page":1,"current":3,"count":3,"pageCount":1,"data":{
  "101":{"Conversion":{"id":"101","affiliate_id":"4","status":"approved","payout":"10.00000","revenue":"15.00000",
    "sale_amount":"0.00000","currency":"EUR","datetime":"2026-10-02 09:00:00","ad_id":"t1","advertiser_info":"D1"}},
  "102":{"Conversion":{"id":"102","affiliate_id":"4","status":"deleted","payout":"10.00000","revenue":"15.00000",
    "currency":"EUR","datetime":"2026-10-02 10:00:00","ad_id":"t2"}},
  "103":{"Conversion":{"id":"103","affiliate_id":"5","status":"pending","payout":"ten","revenue":"15.00000",
    "currency":"EUR","datetime":"2026-10-02 11:00:00","ad_id":"t3"}}}},
  "errors":[],"errorMessage":null}}"#;

#[tokio::test]
async fn a_bad_tune_row_is_quarantined_naming_its_field() {
    const KEY: &str = "tune-test-key";
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let app = axum::Router::new().route(
        "/Apiv3/json",
        axum::routing::get(|| async {
            axum::response::Response::builder()
                .header("content-type", "application/json")
                .body(axum::body::Body::from(PAGE))
                .unwrap()
        }),
    );
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path()).unwrap();
    let spec = ProgramSpec {
        name: "Casino".into(),
        vertical: affops_core::programs::Vertical::Igaming,
        currency: "EUR".into(),
        timezone: "UTC".into(),
    };
    let program = ws.ensure_program(&spec, 0).unwrap();
    ws.ensure_source(
        program,
        SOURCE,
        SourceKind::Tune,
        &url,
        &SourceConfig::default(),
        0,
    )
    .unwrap();
    let secrets = StaticSecrets(HashMap::from([(SOURCE.to_string(), KEY.to_string())]));
    let opts = SyncOptions {
        now_ms: 1_791_000_000_000,
        policy: HttpPolicy::fast(),
        full: false,
    };
    let r = sync_all(
        ws.store().clone(),
        Arc::new(secrets),
        &opts,
        Arc::new(|_| {}),
    )
    .await
    .unwrap();
    assert!(r.failures.is_empty(), "{:?}", r.failures);

    let quarantined: Vec<(String, Option<String>, String, String)> = ws
        .store()
        .read::<_, StoreError>(|c| {
            let mut stmt = c.prepare(
                "SELECT locator, field, reason, CAST(payload AS TEXT) FROM quarantine ORDER BY id",
            )?;
            let rows = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                .collect::<Result<_, _>>()?;
            Ok(rows)
        })
        .unwrap();
    assert_eq!(quarantined.len(), 2, "{quarantined:#?}");
    let (locator, field, reason, payload) = &quarantined[0];
    assert_eq!(
        (locator.as_str(), field.as_deref()),
        ("page 1 item 2", Some("status"))
    );
    assert!(reason.contains("'deleted'"), "{reason}");
    assert!(
        payload.contains(r#""id":"102""#),
        "the row's own bytes are kept"
    );
    let (locator, field, reason, _) = &quarantined[1];
    assert_eq!(
        (locator.as_str(), field.as_deref()),
        ("page 1 item 3", Some("payout"))
    );
    assert!(reason.contains("ten"), "{reason}");

    let landed: (String, i64, i64, String) = ws
        .store()
        .read::<_, StoreError>(|c| {
            Ok(c.query_row(
                "SELECT external_id, payout_micros, revenue_micros, order_ref FROM conversions",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )?)
        })
        .unwrap();
    assert_eq!(
        landed,
        ("101".into(), 10_000_000, 15_000_000, "D1".into()),
        "the good row lands"
    );
    let archived: i64 = ws
        .store()
        .read::<_, StoreError>(|c| {
            Ok(c.query_row(
                "SELECT COUNT(*) FROM raw_records WHERE CAST(payload AS TEXT) LIKE '%' || ?1 || '%'",
                [KEY],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(archived, 0, "the echoed key is not archived");
    server.abort();
}
