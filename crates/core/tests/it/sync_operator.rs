//! The operator side of ingestion against the sandbox: withdrawals, daily activity, identity keys, and the Forex
//! broker (IBs, accounts as clients, symbols, deals; its checks are in `sync_broker`). The commission engine (RevShare on NGR, IB rebates per lot)
//! and the fraud rules (shared instruments and devices, bonus abuse, churning) read exactly these tables, so every
//! expectation is computed from the sandbox's `World` and compared exactly.

use crate::sync::{count, env_with, sync, Env};
use affops_core::ingest::identity::email_hash;
use affops_core::money::decimal_to_micros;
use affops_sandbox::{FaultKind, FaultRule, FraudConfig, IntegrationFaults, Stream, WorldConfig};
use rusqlite::types::ValueRef;
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

pub(crate) fn micros(d: Decimal) -> i64 {
    decimal_to_micros(d).unwrap()
}

/// Rows of a query, each as one line of text (every column, NULLs included).
fn rows(e: &Env, sql: &str) -> Vec<String> {
    e.ws.store()
        .read::<_, affops_core::store::StoreError>(|c| {
            let mut stmt = c.prepare(sql)?;
            let n = stmt.column_count();
            let out = stmt
                .query_map([], |r| {
                    let cols: Vec<String> = (0..n)
                        .map(|i| match r.get_ref(i) {
                            Ok(ValueRef::Null) => "NULL".to_string(),
                            Ok(ValueRef::Integer(v)) => v.to_string(),
                            Ok(ValueRef::Real(v)) => format!("{v:?}"),
                            Ok(ValueRef::Text(t)) => format!("{:?}", String::from_utf8_lossy(t)),
                            Ok(ValueRef::Blob(b)) => hex::encode(b),
                            Err(e) => panic!("{e}"),
                        })
                        .collect();
                    Ok(cols.join("|"))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(out)
        })
        .unwrap()
}

/// The tables the operator side writes (and the tracker side), by content: a re-sync must leave every byte.
const CONTENT: [&str; 10] = [
    "affiliates",
    "players",
    "money_movements",
    "player_activity_daily",
    "symbols",
    "forex_accounts",
    "deals",
    "clicks",
    "conversions",
    "quarantine",
];

fn content_hash(e: &Env) -> String {
    let mut h = Sha256::new();
    for t in CONTENT {
        for line in rows(e, &format!("SELECT * FROM {t} ORDER BY 1, 2")) {
            h.update(line.as_bytes());
            h.update(b"\n");
        }
    }
    hex::encode(h.finalize())
}

pub(crate) fn program_id(e: &Env, vertical: &str) -> i64 {
    e.ws.store()
        .read::<_, affops_core::store::StoreError>(|c| {
            Ok(c.query_row(
                "SELECT id FROM programs WHERE vertical = ?1",
                [vertical],
                |r| r.get(0),
            )?)
        })
        .unwrap()
}

fn assert_casino_side(e: &Env) {
    let w = &e.world;
    let casino = program_id(e, "igaming");
    // Withdrawals: every one, exact amounts, with the instrument hash the fraud rules link players by.
    let expected: Vec<String> = {
        let mut v: Vec<String> = w
            .withdrawals
            .iter()
            .map(|x| {
                format!(
                    "{}|{}|{}|{}",
                    x.withdrawal_id,
                    x.player_id,
                    micros(x.amount),
                    x.payment_hash
                )
            })
            .collect();
        v.sort();
        v
    };
    let got: Vec<String> = query_map(
        e,
        &format!(
            "SELECT m.external_id, p.external_id, m.amount_micros, m.payment_hash, m.currency FROM money_movements m
             JOIN players p ON p.id = m.player_id WHERE m.kind = 'withdrawal' AND m.program_id = {casino}
             ORDER BY m.external_id"
        ),
        |r| {
            let currency: String = r.get(4)?;
            assert_eq!(currency, w.program.currency);
            Ok(format!(
                "{}|{}|{}|{}",
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?
            ))
        },
    );
    assert_eq!(got.len(), w.withdrawals.len(), "withdrawal count");
    assert_eq!(got, expected, "withdrawals, amounts and payment hashes");
    let total: i64 = w.withdrawals.iter().map(|x| micros(x.amount)).sum();
    let stored: i64 =
        e.ws.store()
            .read::<_, affops_core::store::StoreError>(|c| {
                Ok(c.query_row(
                    "SELECT SUM(amount_micros) FROM money_movements WHERE kind = 'withdrawal'",
                    [],
                    |r| r.get(0),
                )?)
            })
            .unwrap();
    assert_eq!(stored, total, "withdrawal sum");

    // Deposits keep their instrument hash too.
    let deposit_hashes: BTreeMap<String, String> = w
        .deposits
        .iter()
        .map(|d| (d.deposit_id.clone(), d.payment_hash.clone()))
        .collect();
    let stored_hashes: BTreeMap<String, String> = query_map(
        e,
        "SELECT external_id, payment_hash FROM money_movements WHERE kind = 'deposit'",
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .into_iter()
    .collect();
    assert_eq!(stored_hashes, deposit_hashes, "deposit payment hashes");

    // Players keep IP, device and the normalized-email hash (never the email).
    let identity: BTreeMap<String, String> = w
        .players
        .iter()
        .map(|p| {
            let h = email_hash(&p.email).expect("sandbox emails are addresses");
            (p.player_id.clone(), format!("{}|{}|{h}", p.ip, p.device_id))
        })
        .collect();
    let stored_identity: BTreeMap<String, String> = query_map(
        e,
        &format!("SELECT external_id, ip, device_id, email_hash FROM players WHERE program_id = {casino}"),
        |r| {
            Ok((
                r.get::<_, String>(0)?,
                format!(
                    "{}|{}|{}",
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?
                ),
            ))
        },
    )
    .into_iter()
    .collect();
    assert_eq!(stored_identity, identity, "player identity keys");

    // Affiliates keep their email hash too, computed the same way: self-referral is a hash comparison.
    let expected: BTreeMap<String, Option<String>> = w
        .affiliates
        .iter()
        .map(|a| (a.id.to_string(), email_hash(&a.email)))
        .collect();
    let stored: BTreeMap<String, Option<String>> = query_map(
        e,
        &format!("SELECT external_id, email_hash FROM affiliates WHERE program_id = {casino}"),
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .into_iter()
    .collect();
    assert_eq!(stored, expected, "affiliate email hashes");

    // Daily activity: one row per player and operator day, every component exact.
    let expected: BTreeMap<(String, String), [i64; 9]> = w
        .activity
        .iter()
        .map(|a| {
            (
                (a.player_id.clone(), a.day.format("%Y-%m-%d").to_string()),
                [
                    micros(a.deposits),
                    micros(a.withdrawals),
                    micros(a.bets),
                    micros(a.wins),
                    micros(a.bonuses),
                    micros(a.chargebacks),
                    0,
                    micros(a.fees),
                    0,
                ],
            )
        })
        .collect();
    assert_eq!(
        expected.len(),
        w.activity.len(),
        "the world has one row per player-day"
    );
    let stored: BTreeMap<(String, String), [i64; 9]> = e
        .ws
        .store()
        .read::<_, affops_core::store::StoreError>(|c| {
            let mut stmt = c.prepare(
                "SELECT p.external_id, a.day, a.currency, a.deposits_micros, a.withdrawals_micros, a.bets_micros,
                        a.wins_micros, a.bonuses_micros, a.chargebacks_micros, a.adjustments_micros, a.fees_micros,
                        a.taxes_micros
                 FROM player_activity_daily a JOIN players p ON p.id = a.player_id",
            )?;
            let out = stmt
                .query_map([], |r| {
                    let currency: String = r.get(2)?;
                    assert_eq!(currency, w.program.currency);
                    let mut v = [0i64; 9];
                    for (i, slot) in v.iter_mut().enumerate() {
                        *slot = r.get(3 + i)?;
                    }
                    Ok(((r.get(0)?, r.get(1)?), v))
                })?
                .collect::<Result<BTreeMap<_, _>, _>>()?;
            Ok(out)
        })
        .unwrap();
    assert_eq!(stored.len(), w.activity.len(), "activity rows");
    let sums = |m: &BTreeMap<(String, String), [i64; 9]>| {
        m.values().fold([0i64; 9], |mut acc, v| {
            for (a, x) in acc.iter_mut().zip(v) {
                *a += x;
            }
            acc
        })
    };
    assert_eq!(sums(&stored), sums(&expected), "per-component sums");
    assert!(stored == expected, "every activity row, every component");
}

pub(crate) fn query_map<T>(
    e: &Env,
    sql: &str,
    f: impl Fn(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Vec<T> {
    e.ws.store()
        .read::<_, affops_core::store::StoreError>(|c| {
            let mut stmt = c.prepare(sql)?;
            let out = stmt
                .query_map([], |r| f(r))?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(out)
        })
        .unwrap()
}

/// Issue 3's bar for the operator side: a medium world with the Forex broker, fraud patterns, integration faults
/// and transport faults on every new stream syncs to exactly the world; a second sync changes no byte.
#[tokio::test]
async fn medium_world_operator_and_broker_streams_match_the_world_exactly() {
    let e = env_with(WorldConfig {
        forex: true,
        fraud: FraudConfig::typical(),
        faults_injected: IntegrationFaults::typical(),
        ..WorldConfig::scale(23, 20_000)
    })
    .await;
    let fx = e.world.forex.as_ref().unwrap();
    eprintln!(
        "withdrawals {}, activity {}, IBs {}, accounts {}, deals {}",
        e.world.withdrawals.len(),
        e.world.activity.len(),
        fx.ibs.len(),
        fx.accounts.len(),
        fx.deals.len()
    );
    // One transient failure on a page of every new stream: retried within the budget, nothing lost.
    let faulted = [
        (Stream::Withdrawals, "withdrawals", 1, FaultKind::Http503),
        (Stream::Activity, "activity", 2, FaultKind::Http500),
        (Stream::Ibs, "ibs", 1, FaultKind::ConnectionReset),
        (Stream::Accounts, "accounts", 1, FaultKind::Truncated),
        (Stream::Symbols, "symbols", 1, FaultKind::Http503),
        (Stream::Deals, "deals", 3, FaultKind::Http500),
    ];
    for (stream, _, page, kind) in faulted {
        e.server.faults().push(FaultRule {
            stream,
            page,
            kind,
            times: Some(1),
        });
    }
    let first = sync(&e).await;
    assert!(first.failures.is_empty(), "{:?}", first.failures);
    for (_, name, page, _) in faulted {
        let r = first
            .summary
            .streams
            .iter()
            .find(|r| r.stream == name)
            .unwrap();
        assert!(
            r.pages >= page,
            "{name}: the faulted page {page} exists ({} pages)",
            r.pages
        );
        assert_eq!(
            r.rows_quarantined, 0,
            "{name}: the sandbox sends only valid records"
        );
        assert!(r.rows_inserted > 0, "{name} landed rows");
    }
    crate::sync::assert_matches_ground_truth(&e);
    assert_casino_side(&e);
    crate::sync_broker::assert_broker_side(&e);

    let before = content_hash(&e);
    let counts: Vec<i64> = CONTENT.iter().map(|t| count(&e, t)).collect();
    let second = sync(&e).await;
    assert!(second.failures.is_empty(), "{:?}", second.failures);
    for s in &second.summary.streams {
        assert_eq!(
            (s.rows_inserted, s.rows_updated),
            (0, 0),
            "{}/{} changed on re-sync",
            s.source,
            s.stream
        );
    }
    assert_eq!(
        counts,
        CONTENT.iter().map(|t| count(&e, t)).collect::<Vec<_>>(),
        "row counts"
    );
    assert_eq!(
        content_hash(&e),
        before,
        "a second sync changes no byte of {CONTENT:?}"
    );
    e.server.shutdown().await;
}
