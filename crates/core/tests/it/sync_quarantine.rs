//! Bad items of the operator and broker streams over real HTTP (a tiny server with hand-written pages, since the
//! sandbox only sends valid records): each bad item is quarantined with its locator, the field to blame and the
//! reason; every other item of the same page lands.

use affops_core::ingest::{sync_all, HttpPolicy, SourceConfig, SourceKind, SyncOptions};
use affops_core::workspace::{ProgramSpec, StaticSecrets, Workspace};
use axum::extract::{Path, State};
use axum::routing::get;
use std::collections::HashMap;
use std::sync::Arc;

const KEY: &str = "test-key";
const AT: &str = "2026-10-03T12:00:00Z";

/// One page per stream, `{"data":[...],"next_cursor":null}`.
fn pages() -> HashMap<&'static str, Vec<String>> {
    let deal = |ticket: u32, login: &str, symbol: &str| {
        format!(
            r#"{{"ticket":{ticket},{login}"type":"BUY","entry":"IN","symbol":"{symbol}","volume":"1.50","price":"1.08000","commission":"-5.25","swap":"0.00","profit":"0.00","position_id":70,"time":"{AT}"}}"#
        )
    };
    HashMap::from([
        ("players", vec![
            format!(r#"{{"player_id":"P1","currency":"EUR","registered_at":"{AT}","email":"A.B+x@gmail.com","device_id":"dev-1","ip":"10.0.0.1"}}"#),
            format!(r#"{{"player_id":"P2","currency":"EUR","registered_at":"{AT}"}}"#),
        ]),
        ("deposits", vec![]),
        ("withdrawals", vec![
            format!(r#"{{"withdrawal_id":"W1","player_id":"P1","amount":"40.00","currency":"EUR","occurred_at":"{AT}","payment_hash":"ph-1"}}"#),
            format!(r#"{{"withdrawal_id":"W2","player_id":"P1","amount":"abc","currency":"EUR","occurred_at":"{AT}"}}"#),
        ]),
        ("activity", vec![
            r#"{"player_id":"P1","day":"2026-10-03","currency":"EUR","bets":"100.00","wins":"60.50","bonuses":"5.00"}"#.to_string(),
            r#"{"player_id":"P2","day":"2026-10-03","currency":"EUR","bets":"12,50","wins":"0.00"}"#.to_string(),
            r#"{"player_id":"P9","day":"2026-10-03","currency":"EUR","bets":"1.00"}"#.to_string(),
            r#"{"player_id":"P2","day":"2026-10-04","currency":"EUR","bets":"7.25","fees":"0.10"}"#.to_string(),
        ]),
        ("ibs", vec![
            r#"{"ib_id":1,"name":"Master","parent_ib_id":null,"email":"m@fx.example","rebate_per_lot":"5.00"}"#.to_string(),
            r#"{"ib_id":2,"name":"Sub","parent_ib_id":1,"email":"s@fx.example","rebate_per_lot":"3.00"}"#.to_string(),
        ]),
        ("accounts", vec![
            format!(r#"{{"login":5001,"ib_id":1,"currency":"USC","is_cent":true,"registered_at":"{AT}","country":"DE"}}"#),
            format!(r#"{{"login":5002,"ib_id":2,"currency":"USD","is_cent":false,"registered_at":"{AT}","country":"FR"}}"#),
            format!(r#"{{"login":5003,"ib_id":99,"currency":"USD","is_cent":false,"registered_at":"{AT}","country":"FR"}}"#),
        ]),
        ("symbols", vec![
            r#"{"symbol":"EURUSD","contract_size":"100000","digits":5,"is_cent":false}"#.to_string(),
            r#"{"symbol":"EURUSDc","contract_size":"1000","digits":5,"is_cent":true}"#.to_string(),
            r#"{"symbol":"XAUUSD","contract_size":"100.5","digits":2,"is_cent":false}"#.to_string(),
        ]),
        ("deals", vec![
            deal(1, r#""login":5002,"#, "EURUSD"),
            deal(2, r#""login":5002,"#, "XAUUSD"),
            deal(3, "", "EURUSD"),
            deal(4, r#""login":9999,"#, "EURUSD"),
            deal(5, r#""login":5001,"#, "EURUSDc"),
            format!(r#"{{"ticket":6,"login":5001,"type":"BALANCE","entry":"IN","symbol":"","volume":"0.00","price":"0","commission":"0","swap":"0","profit":"1000.00","position_id":0,"time":"{AT}"}}"#),
        ]),
    ])
}

async fn page(
    State(pages): State<Arc<HashMap<&'static str, Vec<String>>>>,
    Path(stream): Path<String>,
) -> axum::response::Response {
    let items = pages.get(stream.as_str()).cloned().unwrap_or_default();
    let body = format!(r#"{{"data":[{}],"next_cursor":null}}"#, items.join(","));
    axum::response::Response::builder()
        .header("content-type", "application/json")
        .body(axum::body::Body::from(body))
        .unwrap()
}

fn program(name: &str, vertical: &str, currency: &str) -> ProgramSpec {
    ProgramSpec {
        name: name.into(),
        vertical: affops_core::programs::Vertical::parse(vertical).unwrap(),
        currency: currency.into(),
        timezone: "UTC".into(),
    }
}

#[tokio::test]
async fn bad_operator_and_broker_items_are_quarantined_one_by_one() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let app = axum::Router::new()
        .route("/operator/v1/{stream}", get(page))
        .with_state(Arc::new(pages()));
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path()).unwrap();
    let config = SourceConfig::default();
    let casino = ws
        .ensure_program(&program("Casino", "igaming", "EUR"), 0)
        .unwrap();
    let broker = ws
        .ensure_program(&program("Broker", "forex", "USD"), 0)
        .unwrap();
    ws.ensure_source(casino, "Casino BO", SourceKind::Operator, &url, &config, 0)
        .unwrap();
    ws.ensure_source(broker, "Broker BO", SourceKind::Operator, &url, &config, 0)
        .unwrap();
    let secrets = StaticSecrets(HashMap::from([
        ("Casino BO".to_string(), KEY.to_string()),
        ("Broker BO".to_string(), KEY.to_string()),
    ]));
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

    // Every bad item, where it was, which field, and why — with its own bytes kept.
    let quarantined: Vec<(String, String, Option<String>, String, String)> = ws
        .store()
        .read::<_, affops_core::store::StoreError>(|c| {
            let mut stmt = c.prepare(
                "SELECT q.stream, q.locator, q.field, q.reason, CAST(q.payload AS TEXT) FROM quarantine q
                 JOIN raw_records r ON r.id = q.raw_id ORDER BY q.id",
            )?;
            let rows = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
        .unwrap();
    let expected: [(&str, &str, &str, &str); 8] = [
        (
            "withdrawals",
            "page 1 item 2",
            "amount",
            "'abc' is not a decimal amount",
        ),
        (
            "activity",
            "page 1 item 2",
            "bets",
            "'12,50' is not a decimal amount",
        ),
        (
            "activity",
            "page 1 item 3",
            "player_id",
            "player 'P9' is unknown",
        ),
        ("accounts", "page 1 item 3", "ib_id", "IB '99' is unknown"),
        (
            "symbols",
            "page 1 item 3",
            "contract_size",
            "'100.5' is not a positive whole number",
        ),
        (
            "deals",
            "page 1 item 2",
            "symbol",
            "symbol 'XAUUSD' is unknown",
        ),
        ("deals", "page 1 item 3", "login", "is missing"),
        (
            "deals",
            "page 1 item 4",
            "login",
            "account '9999' is unknown",
        ),
    ];
    assert_eq!(quarantined.len(), expected.len(), "{quarantined:#?}");
    let all = pages();
    for ((stream, locator, field, reason, payload), want) in quarantined.iter().zip(expected) {
        assert_eq!(
            (stream.as_str(), locator.as_str(), field.as_deref()),
            (want.0, want.1, Some(want.2)),
            "{reason}"
        );
        assert!(reason.contains(want.3), "{stream} {locator}: {reason}");
        let n: usize = locator.rsplit(' ').next().unwrap().parse().unwrap();
        assert_eq!(
            payload,
            &all[stream.as_str()][n - 1],
            "the item's own bytes are kept"
        );
    }

    // The rest of each page landed.
    let count = |sql: &str| -> i64 {
        ws.store()
            .read::<_, affops_core::store::StoreError>(|c| Ok(c.query_row(sql, [], |r| r.get(0))?))
            .unwrap()
    };
    assert_eq!(
        count("SELECT COUNT(*) FROM money_movements WHERE kind = 'withdrawal'"),
        1
    );
    assert_eq!(count("SELECT COUNT(*) FROM player_activity_daily"), 2);
    assert_eq!(
        count("SELECT SUM(bets_micros - wins_micros - bonuses_micros - fees_micros) FROM player_activity_daily"),
        100_000_000 - 60_500_000 - 5_000_000 + 7_250_000 - 100_000,
        "components are exact micros"
    );
    assert_eq!(count("SELECT COUNT(*) FROM symbols"), 2);
    assert_eq!(
        count("SELECT contract_size FROM symbols WHERE symbol = 'EURUSDc'"),
        100_000
    );
    assert_eq!(count("SELECT COUNT(*) FROM forex_accounts"), 2);
    assert_eq!(
        count(&format!(
            "SELECT COUNT(*) FROM players WHERE program_id = {broker} AND affiliate_id IS NOT NULL"
        )),
        2,
        "each account is a client of its IB"
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM affiliates s JOIN affiliates m ON m.id = s.parent_id WHERE s.external_id = '2' AND m.external_id = '1'"),
        1,
        "the sub-IB is under its master"
    );
    assert_eq!(count("SELECT COUNT(*) FROM deals"), 3);
    assert_eq!(
        count("SELECT volume_micros FROM deals WHERE ticket = '1'"),
        150_000 * 1_000_000,
        "1.50 lots of EURUSD = 150,000 units"
    );
    assert_eq!(
        count("SELECT d.volume_micros / s.contract_size FROM deals d JOIN symbols s ON s.symbol = d.symbol WHERE ticket = '5'"),
        1_500_000,
        "a cent deal keeps its raw 1.50 lots; the account's is_cent scales it"
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM players WHERE email_hash IS NOT NULL AND device_id = 'dev-1' AND ip = '10.0.0.1'"),
        1
    );
    server.abort();
}
