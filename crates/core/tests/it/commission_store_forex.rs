//! Forex through the store: deals as MT5 reports them (BUY/SELL with IN/OUT entries, BALANCE rows, cent
//! accounts, an account without a client) become lots per symbol, rebates, a lots-based CPA checklist, and
//! problems for what cannot be paid.

use crate::commission_fixture::{add_affiliate, add_player, default_plan, store, M};
use crate::commission_fixture::{affiliate_statement, compute_month as compute, qualification};

/// One deal: (ticket, account), (type, entry, symbol), volume in units, day.
fn deal(
    tx: &rusqlite::Transaction<'_>,
    (ticket, account): (&str, i64),
    (kind, entry, symbol): (&str, &str, &str),
    volume_units: i64,
    day: &str,
) {
    tx.execute(
        "INSERT INTO deals (program_id, ticket, account_id, deal_type, entry, symbol, volume_micros, commission_micros, currency, executed_at_ms, day)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, 'USD', 0, ?8)",
        rusqlite::params![ticket, account, kind, entry, symbol, volume_units * M, -2 * M, day],
    )
    .unwrap();
}

/// 6 USD per forex lot and 40 % of the commission: EURUSD 1 lot opened (IN) and closed (OUT) counts once;
/// GBPUSD 0.5 lot; a cent account's 100,000 units are 0.01 lot; BALANCE rows are not trades; an account linked
/// to no client is reported. Lots-based CPA (≥ 1 lot) qualifies the client on the day the lots were reached.
#[test]
fn deals_become_lots_rebates_and_checklists() {
    let (_d, store, program_id) = store();
    default_plan(
        &store,
        r#"{"name": "IB", "currency": "USD", "versions": [{"effective_from": "2026-01-01", "components": [
        {"kind": "ib_rebate", "per_lot": [{"group": "forex", "amount_per_lot": "6"}], "commission_share": [{"group": "forex", "percent": "40"}]},
        {"kind": "cpa", "amount": "100", "qualification": {"min_lots": "1", "within_days": 30}}]}]}"#,
    );
    store.write::<_, affops_core::store::StoreError>(|tx| {
        let ib = add_affiliate(tx, program_id, "IB1", "Introducer", None);
        let client = add_player(tx, program_id, "C1", "2026-10-01", Some(ib));
        let cent = add_player(tx, program_id, "C2", "2026-10-01", Some(ib));
        tx.execute("INSERT INTO forex_accounts (id, program_id, login, player_id, currency, is_cent) VALUES (1, 1, '5001', ?1, 'USD', 0), (2, 1, '5002', ?2, 'USD', 1), (3, 1, '5003', NULL, 'USD', 0)", rusqlite::params![client, cent])?;
        deal(tx, ("1", 1), ("BUY", "IN", "EURUSD"), 60_000, "2026-10-03");
        deal(tx, ("2", 1), ("SELL", "OUT", "EURUSD"), 60_000, "2026-10-03");
        deal(tx, ("3", 1), ("SELL", "IN", "EURUSD"), 40_000, "2026-10-05");
        deal(tx, ("4", 1), ("BUY", "IN", "GBPUSD"), 50_000, "2026-10-06");
        deal(tx, ("5", 1), ("BALANCE", "", ""), 0, "2026-10-02");
        deal(tx, ("6", 2), ("BUY", "IN", "EURUSD"), 100_000, "2026-10-07");
        deal(tx, ("7", 3), ("BUY", "IN", "EURUSD"), 100_000, "2026-10-07");
        Ok(())
    }).unwrap();
    let r = compute(&store, None, "2026-10", 1).unwrap();
    assert!(
        r.problems
            .iter()
            .any(|p| p.kind == "unknown_player" && p.subject == "account #3"),
        "{:?}",
        r.problems
    );
    let s = affiliate_statement(&store, None, "IB1", "2026-10").unwrap();
    let rebate = s.lines.iter().find(|l| l.line_key == "ib_rebate").unwrap();
    // Lots: C1 0.6 + 0.4 + 0.5 = 1.5, C2 0.01 → 1.51 × 6 = 9.06; commission share 40 % of 4 × 2 USD = 3.20.
    assert_eq!(rebate.amount, "12.26", "{rebate:?}");
    let cpa = s
        .lines
        .iter()
        .find(|l| l.line_key == "cpa")
        .unwrap_or_else(|| panic!("{s:#?}"));
    assert_eq!(
        cpa.amount, "100.00",
        "C1 reached 1 lot on 2026-10-05; C2 never did"
    );
    let c = qualification(&store, None, "C1", "2026-10-31").unwrap();
    let lots = c.criteria.iter().find(|k| k.name == "lots").unwrap();
    assert_eq!(
        (lots.passed, lots.passed_on.as_deref(), lots.actual.as_str()),
        (true, Some("2026-10-05"), "1.5 lots")
    );
    let c2 = qualification(&store, None, "C2", "2026-10-31").unwrap();
    assert!(c2.qualified_on.is_none() && c2.criteria.iter().any(|k| k.name == "lots" && !k.passed));
}
