//! The Forex broker's side of a sync checked against the sandbox's `World`: IBs under their masters, accounts as
//! clients of their IB, symbols per standard lot, every deal with its money, and lots per IB (raw and standard,
//! cent accounts counting 1/100) — what the IB rebate engine and the churning rule read.

use crate::sync::{count, env_with, sync, Env};
use crate::sync_operator::{micros, program_id, query_map};
use affops_core::ingest::identity::email_hash;
use affops_sandbox::{FaultKind, FaultRule, Stream, WorldConfig};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

pub(crate) fn assert_broker_side(e: &Env) {
    let fx = e.world.forex.as_ref().unwrap();
    let broker = program_id(e, "forex");
    // IBs are the broker program's affiliates, sub-IBs under their master, emails hashed like players'.
    let mut expected: Vec<(String, Option<String>, Option<String>)> = fx
        .ibs
        .iter()
        .map(|i| {
            (
                i.id.to_string(),
                i.parent_id.map(|p| p.to_string()),
                email_hash(&i.email),
            )
        })
        .collect();
    expected.sort();
    let got = query_map(
        e,
        &format!(
            "SELECT a.external_id, p.external_id, a.email_hash FROM affiliates a
             LEFT JOIN affiliates p ON p.id = a.parent_id WHERE a.program_id = {broker} ORDER BY a.external_id"
        ),
        |r| Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?)),
    );
    assert_eq!(got, expected, "IBs with their masters");
    assert!(
        fx.ibs.iter().any(|i| i.parent_id.is_some()),
        "the world has sub-IBs"
    );

    // Accounts: one forex_accounts row and one client (players) row each, attributed to the IB.
    let mut expected: Vec<(String, Option<String>, String, bool, String)> = fx
        .accounts
        .iter()
        .map(|a| {
            (
                a.login.to_string(),
                a.ib_id.map(|i| i.to_string()),
                a.currency.clone(),
                a.is_cent,
                a.country.clone(),
            )
        })
        .collect();
    expected.sort();
    let got = query_map(
        e,
        &format!(
            "SELECT f.login, a.external_id, f.currency, f.is_cent, p.country FROM forex_accounts f
             JOIN players p ON p.id = f.player_id AND p.external_id = f.login AND p.currency = f.currency
             LEFT JOIN affiliates a ON a.id = p.affiliate_id
             WHERE f.program_id = {broker} ORDER BY f.login"
        ),
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
    );
    assert_eq!(got, expected, "accounts as clients of their IB");
    assert!(fx.accounts.iter().any(|a| a.is_cent) && fx.accounts.iter().any(|a| a.ib_id.is_none()));

    // Symbols: contract sizes per standard lot (a cent symbol's is sent ÷100).
    let mut expected: Vec<(String, i64)> = fx
        .symbols
        .iter()
        .map(|s| {
            let size = if s.is_cent {
                s.contract_size * Decimal::ONE_HUNDRED
            } else {
                s.contract_size
            };
            (s.name.clone(), i64::try_from(size).unwrap())
        })
        .collect();
    expected.sort();
    let got = query_map(
        e,
        &format!(
            "SELECT symbol, contract_size FROM symbols WHERE program_id = {broker} ORDER BY symbol"
        ),
        |r| Ok((r.get(0)?, r.get(1)?)),
    );
    assert_eq!(got, expected, "symbols and contract sizes");

    // Deals: every ticket, money exact, and lots per IB = volume / contract size, raw and in standard lots.
    assert_eq!(count(e, "deals") as usize, fx.deals.len(), "deal count");
    let sum = |f: fn(&affops_sandbox::world::Deal) -> Decimal| -> i64 {
        fx.deals.iter().map(|d| micros(f(d))).sum()
    };
    let (commission, swap, profit): (i64, i64, i64) =
        e.ws.store()
            .read::<_, affops_core::store::StoreError>(|c| {
                Ok(c.query_row(
                "SELECT SUM(commission_micros), SUM(swap_micros), SUM(profit_micros) FROM deals",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?)
            })
            .unwrap();
    assert_eq!(
        (commission, swap, profit),
        (sum(|d| d.commission), sum(|d| d.swap), sum(|d| d.profit)),
        "commission, swap and profit sums"
    );
    let ib_of: BTreeMap<u64, Option<u32>> =
        fx.accounts.iter().map(|a| (a.login, a.ib_id)).collect();
    let mut raw_lots: BTreeMap<String, i64> = BTreeMap::new();
    let mut standard_lots_x100: BTreeMap<String, i64> = BTreeMap::new();
    for d in fx.deals.iter().filter(|d| !d.symbol.is_empty()) {
        let Some(ib) = ib_of[&d.login] else { continue };
        let sym = fx.symbol(&d.symbol).unwrap();
        let standard = fx.symbol(d.symbol.trim_end_matches('c')).unwrap();
        *raw_lots.entry(ib.to_string()).or_default() += micros(d.volume);
        let std_lots = d.volume * sym.contract_size / standard.contract_size;
        *standard_lots_x100.entry(ib.to_string()).or_default() +=
            micros(std_lots * Decimal::ONE_HUNDRED);
    }
    let got = query_map(
        e,
        &format!(
            "SELECT a.external_id, SUM(d.volume_micros / s.contract_size),
                    SUM(CASE WHEN f.is_cent = 1 THEN d.volume_micros / s.contract_size
                             ELSE d.volume_micros / s.contract_size * 100 END)
             FROM deals d JOIN forex_accounts f ON f.id = d.account_id
             JOIN symbols s ON s.program_id = d.program_id AND s.symbol = d.symbol
             JOIN players p ON p.id = f.player_id JOIN affiliates a ON a.id = p.affiliate_id
             WHERE d.program_id = {broker} GROUP BY a.external_id"
        ),
        |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
            ))
        },
    );
    let got_raw: BTreeMap<String, i64> = got.iter().map(|(k, v, _)| (k.clone(), *v)).collect();
    let got_std: BTreeMap<String, i64> = got.iter().map(|(k, _, v)| (k.clone(), *v)).collect();
    assert_eq!(
        got_raw, raw_lots,
        "lots per IB as MT5 reports them (volume / contract size)"
    );
    assert_eq!(
        got_std, standard_lots_x100,
        "standard lots per IB: cent accounts count 1/100"
    );
    let exact: i64 = e
        .ws
        .store()
        .read::<_, affops_core::store::StoreError>(|c| Ok(c.query_row("SELECT COUNT(*) FROM deals d JOIN symbols s ON s.symbol = d.symbol AND s.program_id = d.program_id WHERE d.volume_micros % s.contract_size <> 0", [], |r| r.get(0))?))
        .unwrap();
    assert_eq!(exact, 0, "every volume is a whole number of lot micros");
}

/// RELIABILITY.md I7 on the broker's cursor streams: a page that keeps failing stops its stream at that page (the
/// pages before it are kept, the others streams finish); the next sync resumes there and ends exactly at the world.
#[tokio::test]
async fn failed_deals_page_resumes_from_its_cursor() {
    let e = env_with(WorldConfig {
        seed: 31,
        forex: true,
        ..WorldConfig::demo()
    })
    .await;
    let fx = e.world.forex.as_ref().unwrap();
    assert!(
        fx.deals.len() > 500,
        "the deals list spans several pages of 500"
    );
    e.server.faults().push(FaultRule {
        stream: Stream::Deals,
        page: 2,
        kind: FaultKind::Http500,
        times: None,
    });
    let first = sync(&e).await;
    assert_eq!(first.failures.len(), 1, "{:?}", first.failures);
    assert!(
        first.failures[0].message.contains("Demo broker/deals")
            && first.failures[0].message.contains("page 2"),
        "{}",
        first.failures[0].message
    );
    assert_eq!(count(&e, "deals"), 500, "page 1 is kept");
    let cursor: String =
        e.ws.store()
            .read::<_, affops_core::store::StoreError>(|c| {
                Ok(c.query_row(
                    "SELECT cursor FROM sync_checkpoints WHERE stream = 'deals'",
                    [],
                    |r| r.get(0),
                )?)
            })
            .unwrap();
    assert!(
        cursor.starts_with("after:"),
        "resumes after page 1, not from the start: {cursor}"
    );

    e.server.faults().clear();
    let second = sync(&e).await;
    assert!(second.failures.is_empty(), "{:?}", second.failures);
    let deals = second
        .summary
        .streams
        .iter()
        .find(|s| s.stream == "deals")
        .unwrap();
    assert_eq!(
        deals.rows_inserted as usize,
        fx.deals.len() - 500,
        "only the pages after the checkpoint are new"
    );
    assert_broker_side(&e);
    e.server.shutdown().await;
}
