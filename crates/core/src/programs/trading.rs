//! A Forex program's trading over a period, for the dashboard: accounts opened, accounts that traded, opening
//! trades and lots per IB. Lots are volume / contract size (a cent account trades 1/100 of it), the same
//! arithmetic as the commission engine's, summed exactly and rounded half-up to 2 places for display.

use crate::money::MICROS_SCALE;
use crate::programs::types::{TradingRow, TradingSummary};
use crate::store::StoreResult;
use crate::time::Period;
use rusqlite::{params, Connection};
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::{BTreeMap, HashMap};

/// The row of clients who came without an IB.
const NO_IB: &str = "(no IB)";

#[derive(Default)]
struct Acc {
    name: String,
    opened: i64,
    active: i64,
    trades: i64,
    lots: Decimal,
}

fn count(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

/// Always 2 places ("0.00", "12.50"), so the UI can compare lots as fixed-point text.
fn lots_text(d: Decimal) -> String {
    let mut r = d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(2);
    r.to_string()
}

/// Lots of `volume_micros` base units of a symbol of `contract_size` (None: unknown symbol or bad size).
pub fn lots(volume_micros: i64, contract_size: Option<i64>, is_cent: bool) -> Option<Decimal> {
    let size = contract_size.filter(|s| *s > 0)?;
    let mut units = Decimal::new(volume_micros, MICROS_SCALE);
    if is_cent {
        units /= Decimal::ONE_HUNDRED;
    }
    Some(units / Decimal::from(size))
}

/// The program's trading over the period, per IB (largest lots first) and in total.
pub fn summary(conn: &Connection, program_id: i64, p: &Period) -> StoreResult<TradingSummary> {
    let mut per: BTreeMap<String, Acc> = BTreeMap::new();
    let key = |id: Option<String>, name: Option<String>| {
        (id.unwrap_or_default(), name.unwrap_or_else(|| NO_IB.into()))
    };
    let mut stmt = conn.prepare_cached(
        "SELECT a.external_id, a.name, COUNT(*) FROM forex_accounts fa JOIN players p ON p.id = fa.player_id
         LEFT JOIN affiliates a ON a.id = p.affiliate_id
         WHERE fa.program_id = ?1 AND p.day BETWEEN ?2 AND ?3 GROUP BY p.affiliate_id",
    )?;
    let mut rows = stmt.query(params![program_id, p.from, p.to])?;
    while let Some(r) = rows.next()? {
        let (id, name) = key(r.get(0)?, r.get(1)?);
        let e = per.entry(id).or_default();
        e.name = name;
        e.opened += r.get::<_, i64>(2)?;
    }
    let sizes: HashMap<String, i64> = conn
        .prepare_cached("SELECT symbol, contract_size FROM symbols WHERE program_id = ?1")?
        .query_map([program_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    // Opening trades only (as the commission engine counts them): a round trip is one trade, not two.
    let mut stmt = conn.prepare_cached(
        "SELECT a.external_id, a.name, d.symbol, fa.is_cent, COUNT(*), SUM(d.volume_micros),
                COUNT(DISTINCT d.account_id)
         FROM deals d JOIN forex_accounts fa ON fa.id = d.account_id
         LEFT JOIN players p ON p.id = fa.player_id LEFT JOIN affiliates a ON a.id = p.affiliate_id
         WHERE d.program_id = ?1 AND d.day BETWEEN ?2 AND ?3 AND d.deal_type IN ('BUY', 'SELL')
           AND d.entry IN ('IN', 'INOUT', '') AND d.symbol <> ''
         GROUP BY p.affiliate_id, d.symbol, fa.is_cent",
    )?;
    let mut rows = stmt.query(params![program_id, p.from, p.to])?;
    while let Some(r) = rows.next()? {
        let (id, name) = key(r.get(0)?, r.get(1)?);
        let symbol: String = r.get(2)?;
        let e = per.entry(id).or_default();
        e.name = name;
        e.trades += r.get::<_, i64>(4)?;
        if let Some(l) = lots(
            r.get(5)?,
            sizes.get(&symbol).copied(),
            r.get::<_, i64>(3)? != 0,
        ) {
            e.lots += l;
        }
    }
    // An account belongs to one client and so to one IB: per-IB distinct counts add up to the total.
    let mut stmt = conn.prepare_cached(
        "SELECT a.external_id, COUNT(DISTINCT d.account_id)
         FROM deals d JOIN forex_accounts fa ON fa.id = d.account_id
         LEFT JOIN players p ON p.id = fa.player_id LEFT JOIN affiliates a ON a.id = p.affiliate_id
         WHERE d.program_id = ?1 AND d.day BETWEEN ?2 AND ?3 AND d.deal_type IN ('BUY', 'SELL')
           AND d.entry IN ('IN', 'INOUT', '') AND d.symbol <> ''
         GROUP BY p.affiliate_id",
    )?;
    let mut rows = stmt.query(params![program_id, p.from, p.to])?;
    while let Some(r) = rows.next()? {
        let id: Option<String> = r.get(0)?;
        per.entry(id.unwrap_or_default()).or_default().active += r.get::<_, i64>(1)?;
    }
    let mut total = Acc::default();
    for a in per.values() {
        total.opened += a.opened;
        total.active += a.active;
        total.trades += a.trades;
        total.lots += a.lots;
    }
    let mut list: Vec<(String, Acc)> = per.into_iter().collect();
    list.sort_by(|x, y| y.1.lots.cmp(&x.1.lots).then_with(|| x.0.cmp(&y.0)));
    Ok(TradingSummary {
        accounts_opened: count(total.opened),
        active_accounts: count(total.active),
        trades: count(total.trades),
        lots: lots_text(total.lots),
        rows: list
            .into_iter()
            .map(|(id, a)| TradingRow {
                affiliate_id: id,
                affiliate_name: a.name,
                accounts_opened: count(a.opened),
                active_accounts: count(a.active),
                trades: count(a.trades),
                lots: lots_text(a.lots),
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn lots_divide_volume_by_contract_size_and_cent_accounts_by_100() {
        // 1 standard lot of EURUSD = 100 000 units.
        assert_eq!(
            lots(100_000_000_000, Some(100_000), false),
            Some(Decimal::ONE)
        );
        assert_eq!(
            lots(100_000_000_000, Some(100_000), true),
            Some(Decimal::new(1, 2))
        );
        assert_eq!(lots(1, None, false), None);
        assert_eq!(lots(1, Some(0), false), None);
        assert_eq!(lots_text(Decimal::new(125, 3)), "0.13");
        assert_eq!(lots_text(Decimal::ZERO), "0.00");
        assert_eq!(lots_text(Decimal::new(125, 1)), "12.50");
    }

    proptest! {
        /// Summing per symbol then dividing never loses a lot to rounding: the total is exact.
        #[test]
        fn lots_are_additive(a in 0i64..1_000_000_000_000, b in 0i64..1_000_000_000_000, size in 1i64..1_000_000) {
            let sum = lots(a + b, Some(size), false).unwrap();
            let parts = lots(a, Some(size), false).unwrap() + lots(b, Some(size), false).unwrap();
            prop_assert!((sum - parts).abs() < Decimal::new(1, 20));
        }
    }
}
