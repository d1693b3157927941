//! The ledger's acquisition lines (CPA, CPL) by the registration month of the players they paid for. Each such
//! entry's basis names its players with the exact amount earned for each (before the line's one rounding); this
//! index keeps those amounts summed per registration month, written with the entry, so the cohort view reads a
//! few sums instead of expanding every entry's JSON basis on each read (0.3 s on the full-scale demo).
//!
//! A player counts for the entry's affiliate only (as the statement paid it); an amount finer than a micro is
//! rounded half away from zero to the micro.

use crate::money::decimal_to_micros;
use crate::store::StoreResult;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::BTreeMap;
use std::str::FromStr;

/// The line keys whose basis names the players acquired.
pub const ACQUISITION_LINES: [&str; 2] = ["cpa", "cpl"];

/// An entry as the index needs it.
pub struct Indexed<'a> {
    pub id: i64,
    pub program_id: i64,
    pub affiliate_id: i64,
    pub line_key: &'a str,
    pub is_status: bool,
    pub currency: &'a str,
    pub basis: &'a str,
}

/// Indexes one new entry (nothing for other lines, status transitions, or a basis that is not JSON).
pub fn index(tx: &Transaction<'_>, e: &Indexed<'_>) -> StoreResult<()> {
    if e.is_status || !ACQUISITION_LINES.contains(&e.line_key) {
        return Ok(());
    }
    let Ok(basis) = serde_json::from_str::<serde_json::Value>(e.basis) else {
        return Ok(());
    };
    let Some(items) = basis.get("items").and_then(|i| i.as_array()) else {
        return Ok(());
    };
    let mut player = tx.prepare_cached(
        "SELECT substr(day, 1, 7) FROM players WHERE program_id = ?1 AND external_id = ?2 AND affiliate_id = ?3",
    )?;
    let mut by_month: BTreeMap<String, i64> = BTreeMap::new();
    for item in items {
        let Some(subject) = item.get("subject").and_then(|s| s.as_str()) else {
            continue;
        };
        let Some(month) = player
            .query_row(params![e.program_id, subject, e.affiliate_id], |r| {
                r.get::<_, String>(0)
            })
            .optional()?
        else {
            continue;
        };
        *by_month.entry(month).or_default() += item.get("amount").map_or(0, amount_micros);
    }
    let mut insert = tx.prepare_cached(
        "INSERT INTO ledger_cohort_amounts (entry_id, cohort_month, program_id, affiliate_id, currency,
                                            amount_micros)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (month, micros) in by_month {
        insert.execute(params![
            e.id,
            month,
            e.program_id,
            e.affiliate_id,
            e.currency,
            micros
        ])?;
    }
    Ok(())
}

/// An item's amount (a decimal string, or a JSON number) in micros; 0 when it is not a number.
fn amount_micros(v: &serde_json::Value) -> i64 {
    let text = match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => n.to_string(),
        _ => return 0,
    };
    Decimal::from_str(&text)
        .ok()
        .map(|d| d.round_dp_with_strategy(6, RoundingStrategy::MidpointAwayFromZero))
        .and_then(|d| decimal_to_micros(d).ok())
        .unwrap_or(0)
}

/// Whether entries written before the index existed are still to be indexed (once, after the upgrade).
pub fn needs_backfill(c: &Connection) -> StoreResult<bool> {
    Ok(c.query_row(
        "SELECT EXISTS (SELECT 1 FROM ledger_cohort_backfill)",
        [],
        |r| r.get(0),
    )?)
}

/// Indexes the entries written before the index existed; returns how many entries were read.
pub fn backfill(tx: &Transaction<'_>) -> StoreResult<usize> {
    let Some(upto): Option<i64> = tx
        .query_row("SELECT MAX(upto) FROM ledger_cohort_backfill", [], |r| {
            r.get(0)
        })
        .optional()?
        .flatten()
    else {
        return Ok(0);
    };
    let entries: Vec<(i64, i64, i64, String, String, String)> = tx
        .prepare(
            "SELECT id, program_id, affiliate_id, line_key, currency, basis FROM ledger_entries
              WHERE id <= ?1 AND line_key IN ('cpa', 'cpl') AND kind <> 'status'
                AND NOT EXISTS (SELECT 1 FROM ledger_cohort_amounts x WHERE x.entry_id = ledger_entries.id)",
        )?
        .query_map([upto], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
        })?
        .collect::<Result<_, _>>()?;
    for (id, program_id, affiliate_id, line_key, currency, basis) in &entries {
        index(
            tx,
            &Indexed {
                id: *id,
                program_id: *program_id,
                affiliate_id: *affiliate_id,
                line_key,
                is_status: false,
                currency,
                basis,
            },
        )?;
    }
    tx.execute("DELETE FROM ledger_cohort_backfill", [])?;
    Ok(entries.len())
}

#[cfg(test)]
mod tests {
    use super::amount_micros;
    use serde_json::json;

    #[test]
    fn amounts_are_exact_and_finer_ones_round_half_away_from_zero() {
        assert_eq!(amount_micros(&json!("25")), 25_000_000);
        assert_eq!(amount_micros(&json!("8.333333")), 8_333_333);
        assert_eq!(amount_micros(&json!("0.0000005")), 1);
        assert_eq!(amount_micros(&json!("-0.0000005")), -1);
        assert_eq!(amount_micros(&json!("0.00000049")), 0);
        assert_eq!(amount_micros(&json!(40)), 40_000_000);
        assert_eq!(amount_micros(&json!("abc")), 0);
        assert_eq!(amount_micros(&json!(null)), 0);
    }
}
