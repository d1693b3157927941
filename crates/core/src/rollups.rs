//! Daily rollups maintained at ingest. Writers call [`mark_dirty`] for every (program, day) they touch, in the
//! same transaction as the rows; [`refresh`] recomputes exactly the dirty days from the raw tables. Recomputing a
//! day (rather than adding deltas) keeps the rollup equal to a raw scan whatever order the events arrived in —
//! late clicks that attribute earlier players, status changes, re-syncs — which a test checks.
//!
//! A tracker that records one conversion twice (a duplicate postback: a second conversion id for the same click
//! and order) still counts once: approved conversions are counted distinct on (click/transaction id, order).

use crate::store::{StoreError, StoreResult};
use crate::time::{day_start_ms, parse_day, parse_zone};
use chrono_tz::Tz;
use rusqlite::{params, Connection, Transaction};
use std::collections::HashMap;

/// Marks a reporting day of a program for recomputation.
pub fn mark_dirty(tx: &Transaction<'_>, program_id: i64, day: &str) -> StoreResult<()> {
    tx.prepare_cached("INSERT OR IGNORE INTO rollup_dirty (program_id, day) VALUES (?1, ?2)")?
        .execute(params![program_id, day])?;
    Ok(())
}

/// Marks every day on which a player has money movements (when the player's attribution changes).
pub fn mark_player_days(tx: &Transaction<'_>, program_id: i64, player_id: i64) -> StoreResult<()> {
    tx.prepare_cached(
        "INSERT OR IGNORE INTO rollup_dirty (program_id, day)
         SELECT ?1, day FROM money_movements WHERE player_id = ?2
         UNION SELECT ?1, day FROM players WHERE id = ?2",
    )?
    .execute(params![program_id, player_id])?;
    Ok(())
}

pub fn has_dirty(conn: &Connection) -> StoreResult<bool> {
    Ok(
        conn.query_row("SELECT EXISTS (SELECT 1 FROM rollup_dirty)", [], |r| {
            r.get(0)
        })?,
    )
}

/// Recomputes every dirty day; returns how many days were refreshed.
pub fn refresh(tx: &Transaction<'_>) -> StoreResult<usize> {
    let dirty: Vec<(i64, String)> = tx
        .prepare("SELECT program_id, day FROM rollup_dirty ORDER BY program_id, day")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut zones: HashMap<i64, Tz> = HashMap::new();
    for (program_id, day) in &dirty {
        let tz = match zones.get(program_id) {
            Some(tz) => *tz,
            None => {
                let name: String = tx.query_row(
                    "SELECT timezone FROM programs WHERE id = ?1",
                    [program_id],
                    |r| r.get(0),
                )?;
                let tz = parse_zone(&name).map_err(|e| StoreError::Invalid(e.to_string()))?;
                zones.insert(*program_id, tz);
                tz
            }
        };
        let date = parse_day(day).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let window = (
            day_start_ms(date, tz),
            date.succ_opt().map_or(i64::MAX, |d| day_start_ms(d, tz)),
        );
        recompute_day(tx, *program_id, day, window)?;
    }
    tx.execute("DELETE FROM rollup_dirty", [])?;
    Ok(dirty.len())
}

/// Recomputes one day; `window` is the day's instants in the program's zone (clicks are found by time).
fn recompute_day(
    tx: &Transaction<'_>,
    program_id: i64,
    day: &str,
    window: (i64, i64),
) -> StoreResult<()> {
    tx.prepare_cached("DELETE FROM rollup_daily WHERE program_id = ?1 AND day = ?2")?
        .execute(params![program_id, day])?;
    // Registrations and FTDs take the sub-ID of the player's click, when there is one.
    tx.prepare_cached(
        "INSERT INTO rollup_daily (program_id, day, affiliate_id, sub_id, country, brand_id,
                                   clicks, registrations, ftds, ftd_amount_micros, approved_conversions)
         SELECT ?1, ?2, affiliate_id, sub_id, country, brand_id,
                SUM(clicks), SUM(registrations), SUM(ftds), SUM(ftd_amount_micros), SUM(approved)
         FROM (
            SELECT affiliate_id, sub1 AS sub_id, country, 0 AS brand_id,
                   COUNT(*) AS clicks, 0 AS registrations, 0 AS ftds, 0 AS ftd_amount_micros, 0 AS approved
              FROM clicks WHERE program_id = ?1 AND clicked_at_ms >= ?3 AND clicked_at_ms < ?4 AND day = ?2
             GROUP BY affiliate_id, sub1, country
            UNION ALL
            SELECT p.affiliate_id, COALESCE(c.sub1, ''), p.country, COALESCE(p.brand_id, 0), 0, COUNT(*), 0, 0, 0
              FROM players p LEFT JOIN clicks c ON c.program_id = p.program_id AND c.click_id = p.click_id
             WHERE p.program_id = ?1 AND p.day = ?2 AND p.affiliate_id IS NOT NULL
             GROUP BY 1, 2, 3, 4
            UNION ALL
            SELECT p.affiliate_id, COALESCE(c.sub1, ''), p.country, COALESCE(p.brand_id, 0), 0, 0, COUNT(*),
                   SUM(CASE WHEN m.currency = pr.currency THEN m.amount_micros ELSE 0 END), 0
              FROM money_movements m
              JOIN players p ON p.id = m.player_id
              JOIN programs pr ON pr.id = m.program_id
              LEFT JOIN clicks c ON c.program_id = p.program_id AND c.click_id = p.click_id
             WHERE m.program_id = ?1 AND m.day = ?2 AND m.is_ftd = 1 AND p.affiliate_id IS NOT NULL
             GROUP BY 1, 2, 3, 4
            UNION ALL
            SELECT affiliate_id, sub1, country, 0, 0, 0, 0, 0,
                   COUNT(DISTINCT CASE WHEN transaction_id <> '' AND order_ref <> ''
                                       THEN transaction_id || char(31) || order_ref
                                       ELSE 'id' || char(31) || id END)
              FROM conversions WHERE program_id = ?1 AND day = ?2 AND status = 'approved' AND affiliate_id IS NOT NULL
             GROUP BY 1, 2, 3
         )
         GROUP BY affiliate_id, sub_id, country, brand_id",
    )?
    .execute(params![program_id, day, window.0, window.1])?;
    Ok(())
}
