//! The v1 endpoints over HTTP: each pages every record exactly once, in the documented shape.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::common::{drain_cursor, operator_get, start_with, KEY};
use crate::injection::noisy;

#[tokio::test]
async fn operator_and_forex_streams_page_every_record_exactly_once() {
    // An odd page size makes page boundaries fall everywhere; a lost or repeated row would break reconciliation.
    let (world, server) = start_with(&noisy(31)).await;
    let client = reqwest::Client::new();
    let fx = world.forex.as_ref().unwrap();
    let activity = drain_cursor(&client, &server, "/operator/v1/activity", 7).await;
    assert_eq!(activity.len(), world.activity.len());
    let keys: BTreeSet<(String, String)> = activity
        .iter()
        .map(|a| {
            (
                a["player_id"].as_str().unwrap().to_owned(),
                a["day"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(keys.len(), activity.len(), "one row per player per day");
    let first = &activity[0];
    for field in [
        "deposits",
        "withdrawals",
        "bets",
        "wins",
        "bonuses",
        "chargebacks",
        "fees",
    ] {
        let text = first[field].as_str().unwrap();
        assert_eq!(text.split_once('.').unwrap().1.len(), 2, "{field} = {text}");
    }
    assert_eq!(first["currency"], "EUR");
    let withdrawals = drain_cursor(&client, &server, "/operator/v1/withdrawals", 7).await;
    assert_eq!(withdrawals.len(), world.withdrawals.len());
    let deals = drain_cursor(&client, &server, "/operator/v1/deals", 13).await;
    let tickets: BTreeSet<u64> = deals
        .iter()
        .map(|d| d["ticket"].as_u64().unwrap())
        .collect();
    assert_eq!(tickets.len(), fx.deals.len());
    assert!(
        deals.iter().any(|d| d["type"] == "BALANCE") && deals.iter().any(|d| d["entry"] == "OUT")
    );
    assert_eq!(
        drain_cursor(&client, &server, "/operator/v1/accounts", 7)
            .await
            .len(),
        fx.accounts.len()
    );
    let symbols = drain_cursor(&client, &server, "/operator/v1/symbols", 3).await;
    assert!(symbols
        .iter()
        .any(|s| s["symbol"] == "EURUSD" && s["contract_size"] == "100000"));
    assert_eq!(
        drain_cursor(&client, &server, "/operator/v1/ibs", 2)
            .await
            .len(),
        fx.ibs.len()
    );
    server.shutdown().await;
}

#[tokio::test]
async fn forex_endpoints_are_404_in_an_igaming_only_world() {
    // A connector configured for the wrong vertical must get a clear answer, not an empty success.
    let (_world, server) = start_with(&affops_sandbox::WorldConfig::small(2)).await;
    let client = reqwest::Client::new();
    let r = operator_get(&client, &server, "/operator/v1/deals", "")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    server.shutdown().await;
}

#[tokio::test]
async fn affise_conversions_page_once_with_numeric_statuses() {
    let (world, server) = start_with(&noisy(32)).await;
    let client = reqwest::Client::new();
    let from = world.config.start.format("%Y-%m-%d").to_string();
    let to = (world.config.end_instant() - chrono::Duration::seconds(1))
        .format("%Y-%m-%d")
        .to_string();
    let url = format!("{}/3.0/stats/conversions", server.base_url());
    let mut ids = Vec::new();
    for page in 1.. {
        let body: Value = client
            .get(&url)
            .header("API-Key", KEY)
            .query(&[
                ("filter[date_from]", from.as_str()),
                ("filter[date_to]", to.as_str()),
                ("limit", "9"),
                ("page", &page.to_string()),
            ])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(body["status"], 1);
        assert_eq!(
            body["pagination"]["total_count"].as_u64().unwrap() as usize,
            world.conversions.len()
        );
        let rows = body["conversions"].as_array().unwrap();
        if rows.is_empty() {
            break;
        }
        for r in rows {
            assert!([1, 2, 3].contains(&r["status"].as_u64().unwrap()));
            assert_eq!(
                r["created_at"].as_str().unwrap().len(),
                19,
                "YYYY-MM-DD HH:MM:SS"
            );
            assert!(r["partner"]["id"].is_u64() && r["payouts"].is_number());
            ids.push(r["id"].as_str().unwrap().to_owned());
        }
    }
    assert_eq!(ids.len(), world.conversions.len());
    assert_eq!(ids.iter().collect::<BTreeSet<_>>().len(), ids.len());
    // Affise's limit cap and its key header are enforced.
    let too_big = client
        .get(&url)
        .header("API-Key", KEY)
        .query(&[
            ("filter[date_from]", from.as_str()),
            ("filter[date_to]", to.as_str()),
            ("limit", "501"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(too_big.status(), 400);
    let no_key = client
        .get(&url)
        .query(&[
            ("filter[date_from]", from.as_str()),
            ("filter[date_to]", to.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(no_key.status(), 401);
    server.shutdown().await;
}

#[tokio::test]
async fn changes_feed_surfaces_late_status_changes() {
    // Late approvals are invisible in a window pull that already passed; the changes feed is how they arrive.
    let (world, server) = start_with(&noisy(33)).await;
    let client = reqwest::Client::new();
    let url = format!(
        "{}/v1/networks/reporting/conversions/changes",
        server.base_url()
    );
    let since = world
        .conversions
        .iter()
        .map(|c| c.converted_at)
        .max()
        .unwrap()
        .timestamp();
    let body: Value = client
        .post(format!("{url}?page=1&page_size=50"))
        .header("X-Eflow-API-Key", KEY)
        .json(&serde_json::json!({ "changes_since": since }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let got: BTreeSet<&str> = body["conversions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["conversion_id"].as_str().unwrap())
        .collect();
    let late: BTreeSet<&str> = world
        .conversions
        .iter()
        .filter(|c| c.updated_at.timestamp() > since)
        .map(|c| c.conversion_id.as_str())
        .collect();
    assert!(!late.is_empty());
    assert_eq!(got, late);
    assert!(
        body["conversions"][0]["updated_unix_timestamp"]
            .as_i64()
            .unwrap()
            > since
    );
    // From before the world, every conversion is a change: the feed pages them all exactly once.
    let mut all = BTreeSet::new();
    for page in 1..100 {
        let body: Value = client
            .post(format!("{url}?page={page}&page_size=11"))
            .header("X-Eflow-API-Key", KEY)
            .json(&serde_json::json!({ "changes_since": 0 }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let rows = body["conversions"].as_array().unwrap();
        if rows.is_empty() {
            break;
        }
        for r in rows {
            assert!(all.insert(r["conversion_id"].as_str().unwrap().to_owned()));
        }
    }
    assert_eq!(all.len(), world.conversions.len());
    server.shutdown().await;
}

#[tokio::test]
async fn affiliates_carry_their_parent_and_answer_key_is_served() {
    // The core reads network_affiliate_parent_id for sub-affiliate plans; tools read /sandbox/injected.
    let (world, server) = start_with(&noisy(34)).await;
    let client = reqwest::Client::new();
    let body: Value = client
        .get(format!(
            "{}/v1/networks/affiliates?page_size=100",
            server.base_url()
        ))
        .header("X-Eflow-API-Key", KEY)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for (row, a) in body["affiliates"]
        .as_array()
        .unwrap()
        .iter()
        .zip(&world.affiliates)
    {
        assert_eq!(
            row["network_affiliate_parent_id"]
                .as_u64()
                .map(|p| p as u32),
            a.parent_id
        );
        assert!(
            row.as_object()
                .unwrap()
                .contains_key("network_affiliate_parent_id"),
            "null, not absent"
        );
    }
    let injected: Value = client
        .get(format!("{}/sandbox/injected", server.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(injected.as_array().unwrap().len(), world.injected().len());
    server.shutdown().await;
}
