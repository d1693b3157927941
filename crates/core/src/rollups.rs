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
         UNION SELECT ?1, day FROM players WHERE id = ?2
         UNION SELECT ?1, day FROM player_activity_daily WHERE player_id = ?2",
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
    // Per program, the dirty days that hold clicks, players, conversions or deals: they widen its data range.
    let mut data_days: std::collections::BTreeMap<i64, Vec<&str>> = Default::default();
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
        if day_has_data(tx, *program_id, day, window)? {
            data_days.entry(*program_id).or_default().push(day.as_str());
        }
    }
    // The cohort rollup is per calendar month: each month with a dirty day is recomputed once.
    let months: std::collections::BTreeSet<(i64, &str)> = dirty
        .iter()
        .filter_map(|(p, d)| d.get(..7).map(|m| (*p, m)))
        .collect();
    for (program_id, month) in months {
        recompute_cohort_month(tx, program_id, month)?;
        recompute_key_month(tx, program_id, month)?;
    }
    tx.execute("DELETE FROM rollup_dirty", [])?;
    // The data range: widened by the days written to (data is never deleted, nor moved to another day); scanned
    // for a program without a stored one yet.
    for (program_id, days) in &data_days {
        crate::programs::widen_data_range(tx, *program_id, days)?;
    }
    let unranged: Vec<i64> = tx
        .prepare(
            "SELECT id FROM programs WHERE id NOT IN (SELECT program_id FROM program_data_range)",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for program_id in unranged {
        crate::programs::store_data_range(tx, program_id)?;
    }
    Ok(dirty.len())
}

/// Whether the program has clicks, players, conversions or deals on the day (what its data range counts).
fn day_has_data(
    tx: &Transaction<'_>,
    program_id: i64,
    day: &str,
    window: (i64, i64),
) -> StoreResult<bool> {
    Ok(tx
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM clicks WHERE program_id = ?1 AND clicked_at_ms >= ?3 AND clicked_at_ms < ?4
                                                   AND day = ?2)
                 OR EXISTS (SELECT 1 FROM players WHERE day = ?2 AND +program_id = ?1)
                 OR EXISTS (SELECT 1 FROM conversions WHERE day = ?2 AND +program_id = ?1)
                 OR EXISTS (SELECT 1 FROM deals WHERE program_id = ?1 AND day = ?2)",
        )?
        .query_row(params![program_id, day, window.0, window.1], |r| r.get(0))?)
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
    // Registrations, FTDs, deposits and NGR take the sub-ID of the player's click, when there is one.
    tx.prepare_cached(
        "INSERT INTO rollup_daily (program_id, day, affiliate_id, sub_id, country, brand_id,
                                   clicks, registrations, ftds, ftd_amount_micros, approved_conversions,
                                   deposits_micros, ngr_micros)
         SELECT ?1, ?2, affiliate_id, sub_id, country, brand_id,
                SUM(clicks), SUM(registrations), SUM(ftds), SUM(ftd_amount_micros), SUM(approved),
                SUM(deposits_micros), SUM(ngr_micros)
         FROM (
            SELECT affiliate_id, sub1 AS sub_id, country, 0 AS brand_id,
                   COUNT(*) AS clicks, 0 AS registrations, 0 AS ftds, 0 AS ftd_amount_micros, 0 AS approved,
                   0 AS deposits_micros, 0 AS ngr_micros
              FROM clicks WHERE program_id = ?1 AND clicked_at_ms >= ?3 AND clicked_at_ms < ?4 AND day = ?2
             GROUP BY affiliate_id, sub1, country
            UNION ALL
            SELECT p.affiliate_id, COALESCE(c.sub1, ''), p.country, COALESCE(p.brand_id, 0), 0, COUNT(*), 0, 0, 0,
                   0, 0
              FROM players p LEFT JOIN clicks c ON c.program_id = p.program_id AND c.click_id = p.click_id
             WHERE p.program_id = ?1 AND p.day = ?2 AND p.affiliate_id IS NOT NULL
             GROUP BY 1, 2, 3, 4
            UNION ALL
            SELECT p.affiliate_id, COALESCE(c.sub1, ''), p.country, COALESCE(p.brand_id, 0), 0, 0,
                   SUM(m.is_ftd),
                   SUM(CASE WHEN m.is_ftd = 1 AND m.currency = pr.currency THEN m.amount_micros ELSE 0 END), 0,
                   SUM(CASE WHEN m.kind = 'deposit' AND m.currency = pr.currency THEN m.amount_micros ELSE 0 END),
                   0
              FROM money_movements m
              JOIN players p ON p.id = m.player_id
              JOIN programs pr ON pr.id = m.program_id
              LEFT JOIN clicks c ON c.program_id = p.program_id AND c.click_id = p.click_id
             WHERE m.program_id = ?1 AND m.day = ?2 AND (m.is_ftd = 1 OR m.kind = 'deposit')
               AND p.affiliate_id IS NOT NULL
             GROUP BY 1, 2, 3, 4
            UNION ALL
            SELECT p.affiliate_id, COALESCE(c.sub1, ''), p.country, COALESCE(p.brand_id, 0), 0, 0, 0, 0, 0, 0,
                   SUM(CASE WHEN a.currency = pr.currency
                            THEN a.bets_micros - a.wins_micros - a.bonuses_micros - a.chargebacks_micros
                                 - a.fees_micros - a.taxes_micros
                            ELSE 0 END)
              FROM player_activity_daily a
              JOIN players p ON p.id = a.player_id
              JOIN programs pr ON pr.id = p.program_id
              LEFT JOIN clicks c ON c.program_id = p.program_id AND c.click_id = p.click_id
             WHERE a.day = ?2 AND p.program_id = ?1 AND p.affiliate_id IS NOT NULL
             GROUP BY 1, 2, 3, 4
            UNION ALL
            SELECT affiliate_id, sub1, country, 0, 0, 0, 0, 0,
                   COUNT(DISTINCT CASE WHEN transaction_id <> '' AND order_ref <> ''
                                       THEN transaction_id || char(31) || order_ref
                                       ELSE 'id' || char(31) || id END), 0, 0
              FROM conversions WHERE program_id = ?1 AND day = ?2 AND status = 'approved' AND affiliate_id IS NOT NULL
             GROUP BY 1, 2, 3
         )
         GROUP BY affiliate_id, sub_id, country, brand_id",
    )?
    .execute(params![program_id, day, window.0, window.1])?;
    recompute_day_coarse(tx, program_id, day)?;
    recompute_day_other_currencies(tx, program_id, day)
}

/// Recomputes one day of the coarser rollups (0029) from the day's `rollup_daily` rows and conversions:
/// `rollup_affiliate_daily` (the funnel per affiliate and how its conversions arrived) and `rollup_key_daily`
/// (the funnel per country, brand and sub-ID over all affiliates).
fn recompute_day_coarse(tx: &Transaction<'_>, program_id: i64, day: &str) -> StoreResult<()> {
    tx.prepare_cached("DELETE FROM rollup_affiliate_daily WHERE program_id = ?1 AND day = ?2")?
        .execute(params![program_id, day])?;
    tx.prepare_cached(
        "INSERT INTO rollup_affiliate_daily (program_id, day, affiliate_id, clicks, registrations, ftds,
                                            ftd_amount_micros, approved_conversions, deposits_micros, ngr_micros,
                                            funnel_rows)
         SELECT ?1, ?2, affiliate_id, SUM(clicks), SUM(registrations), SUM(ftds), SUM(ftd_amount_micros),
                SUM(approved_conversions), SUM(deposits_micros), SUM(ngr_micros), COUNT(*)
           FROM rollup_daily WHERE program_id = ?1 AND day = ?2 GROUP BY affiliate_id",
    )?
    .execute(params![program_id, day])?;
    // A conversion delivered by several channels (the operator's S2S postback or the pixel on Affops' listener,
    // and the tracker's API or file) counts once, under the first of S2S, pixel, batch, API: the channel the
    // conversion depended on. Identity: the click (transaction id) and the order, within the day.
    tx.prepare_cached(
        "INSERT INTO rollup_affiliate_daily (program_id, day, affiliate_id, conv_s2s, conv_pixel, conv_batch,
                                            conv_api, conv_payout_micros, conv_pixel_payout_micros)
         SELECT ?1, ?2, b.affiliate_id, SUM(b.arrival = 's2s'), SUM(b.arrival = 'pixel'), SUM(b.arrival = 'batch'),
                SUM(b.arrival = 'api'), SUM(CASE WHEN b.currency = pr.currency THEN b.payout_micros ELSE 0 END),
                SUM(CASE WHEN b.currency = pr.currency AND b.arrival = 'pixel' THEN b.payout_micros ELSE 0 END)
           FROM (SELECT cv.affiliate_id, cv.arrival, cv.currency, cv.payout_micros,
                        ROW_NUMBER() OVER (
                            PARTITION BY CASE WHEN cv.transaction_id <> ''
                                              THEN cv.transaction_id || '|' || cv.order_ref ELSE 'id:' || cv.id END
                            ORDER BY CASE cv.arrival WHEN 's2s' THEN 0 WHEN 'pixel' THEN 1 WHEN 'batch' THEN 2
                                                     ELSE 3 END, cv.id) AS n
                   FROM conversions cv WHERE cv.program_id = ?1 AND cv.day = ?2) b
           JOIN programs pr ON pr.id = ?1
          WHERE b.n = 1 AND b.affiliate_id IS NOT NULL
          GROUP BY b.affiliate_id
         ON CONFLICT (program_id, day, affiliate_id) DO UPDATE SET
             conv_s2s = excluded.conv_s2s, conv_pixel = excluded.conv_pixel, conv_batch = excluded.conv_batch,
             conv_api = excluded.conv_api, conv_payout_micros = excluded.conv_payout_micros,
             conv_pixel_payout_micros = excluded.conv_pixel_payout_micros",
    )?
    .execute(params![program_id, day])?;
    tx.prepare_cached("DELETE FROM rollup_key_daily WHERE program_id = ?1 AND day = ?2")?
        .execute(params![program_id, day])?;
    tx.prepare_cached(
        "INSERT INTO rollup_key_daily (program_id, dim, day, key, clicks, registrations, ftds, deposits_micros,
                                      ngr_micros)
         SELECT ?1, 'country', ?2, country, SUM(clicks), SUM(registrations), SUM(ftds), SUM(deposits_micros),
                SUM(ngr_micros)
           FROM rollup_daily WHERE program_id = ?1 AND day = ?2 GROUP BY country
         UNION ALL
         SELECT ?1, 'brand', ?2, CAST(brand_id AS TEXT), SUM(clicks), SUM(registrations), SUM(ftds),
                SUM(deposits_micros), SUM(ngr_micros)
           FROM rollup_daily WHERE program_id = ?1 AND day = ?2 GROUP BY brand_id
         UNION ALL
         SELECT ?1, 'sub_id', ?2, CAST(affiliate_id AS TEXT) || char(31) || sub_id, SUM(clicks), SUM(registrations),
                SUM(ftds), SUM(deposits_micros), SUM(ngr_micros)
           FROM rollup_daily WHERE program_id = ?1 AND day = ?2 GROUP BY affiliate_id, sub_id",
    )?
    .execute(params![program_id, day])?;
    Ok(())
}

/// Recomputes one day of `rollup_fx_daily` and `rollup_cohort_fx_daily`: FTD amounts, deposits and NGR in
/// currencies other than the program's, per currency (and, for the cohort view, per registration month), for the
/// dashboards to convert at read at the day's rate.
fn recompute_day_other_currencies(
    tx: &Transaction<'_>,
    program_id: i64,
    day: &str,
) -> StoreResult<()> {
    tx.prepare_cached("DELETE FROM rollup_fx_daily WHERE program_id = ?1 AND day = ?2")?
        .execute(params![program_id, day])?;
    tx.prepare_cached(
        "INSERT INTO rollup_fx_daily (program_id, day, affiliate_id, sub_id, country, brand_id, currency,
                                     ftd_amount_micros, deposits_micros, ngr_micros)
         SELECT ?1, ?2, affiliate_id, sub_id, country, brand_id, currency, SUM(ftd), SUM(dep), SUM(ngr)
         FROM (
            SELECT p.affiliate_id, COALESCE(c.sub1, '') AS sub_id, p.country, COALESCE(p.brand_id, 0) AS brand_id,
                   m.currency,
                   SUM(CASE WHEN m.is_ftd = 1 THEN m.amount_micros ELSE 0 END) AS ftd,
                   SUM(CASE WHEN m.kind = 'deposit' THEN m.amount_micros ELSE 0 END) AS dep, 0 AS ngr
              FROM money_movements m
              JOIN players p ON p.id = m.player_id
              JOIN programs pr ON pr.id = m.program_id
              LEFT JOIN clicks c ON c.program_id = p.program_id AND c.click_id = p.click_id
             WHERE m.program_id = ?1 AND m.day = ?2 AND (m.is_ftd = 1 OR m.kind = 'deposit')
               AND m.currency <> pr.currency AND p.affiliate_id IS NOT NULL
             GROUP BY 1, 2, 3, 4, 5
            UNION ALL
            SELECT p.affiliate_id, COALESCE(c.sub1, ''), p.country, COALESCE(p.brand_id, 0), a.currency, 0, 0,
                   SUM(a.bets_micros - a.wins_micros - a.bonuses_micros - a.chargebacks_micros - a.fees_micros
                       - a.taxes_micros)
              FROM player_activity_daily a
              JOIN players p ON p.id = a.player_id
              JOIN programs pr ON pr.id = p.program_id
              LEFT JOIN clicks c ON c.program_id = p.program_id AND c.click_id = p.click_id
             WHERE a.day = ?2 AND p.program_id = ?1 AND a.currency <> pr.currency AND p.affiliate_id IS NOT NULL
             GROUP BY 1, 2, 3, 4, 5
         )
         GROUP BY affiliate_id, sub_id, country, brand_id, currency",
    )?
    .execute(params![program_id, day])?;
    // The same money per registration month, for the cohort view.
    tx.prepare_cached("DELETE FROM rollup_cohort_fx_daily WHERE program_id = ?1 AND day = ?2")?
        .execute(params![program_id, day])?;
    tx.prepare_cached(
        "INSERT INTO rollup_cohort_fx_daily (program_id, day, cohort_month, affiliate_id, currency, deposits_micros,
                                            ngr_micros)
         SELECT ?1, ?2, substr(p.day, 1, 7), p.affiliate_id, x.currency, SUM(x.deposits), SUM(x.ngr)
         FROM (
            SELECT m.player_id, m.currency, m.amount_micros AS deposits, 0 AS ngr
              FROM money_movements m JOIN programs pr ON pr.id = m.program_id
             WHERE m.program_id = ?1 AND m.day = ?2 AND m.kind = 'deposit' AND m.currency <> pr.currency
            UNION ALL
            SELECT a.player_id, a.currency, 0,
                   a.bets_micros - a.wins_micros - a.bonuses_micros - a.chargebacks_micros - a.fees_micros
                   - a.taxes_micros
              FROM player_activity_daily a JOIN players q ON q.id = a.player_id JOIN programs pr ON pr.id = q.program_id
             WHERE a.day = ?2 AND q.program_id = ?1 AND a.currency <> pr.currency
         ) x JOIN players p ON p.id = x.player_id
         WHERE p.affiliate_id IS NOT NULL
         GROUP BY substr(p.day, 1, 7), p.affiliate_id, x.currency",
    )?
    .execute(params![program_id, day])?;
    Ok(())
}

/// Recomputes one calendar month (`YYYY-MM`) of `rollup_key_monthly` from its days in `rollup_key_daily`.
fn recompute_key_month(tx: &Transaction<'_>, program_id: i64, month: &str) -> StoreResult<()> {
    tx.prepare_cached("DELETE FROM rollup_key_monthly WHERE program_id = ?1 AND month = ?2")?
        .execute(params![program_id, month])?;
    tx.prepare_cached(
        "INSERT INTO rollup_key_monthly (program_id, dim, month, key, clicks, registrations, ftds, deposits_micros,
                                        ngr_micros)
         SELECT ?1, dim, ?2, key, SUM(clicks), SUM(registrations), SUM(ftds), SUM(deposits_micros), SUM(ngr_micros)
           FROM rollup_key_daily WHERE program_id = ?1 AND day BETWEEN ?3 AND ?4
          GROUP BY dim, key",
    )?
    .execute(params![
        program_id,
        month,
        format!("{month}-01"),
        format!("{month}-31")
    ])?;
    Ok(())
}

/// Recomputes one calendar month (`YYYY-MM`) of the cohort rollup: per registration month and affiliate, the
/// players active in the month (a deposit, or an activity day with deposits or bets) and their deposits and NGR
/// (program currency; NGR by the default formula, as in `rollup_daily`).
fn recompute_cohort_month(tx: &Transaction<'_>, program_id: i64, month: &str) -> StoreResult<()> {
    tx.prepare_cached("DELETE FROM rollup_cohort_monthly WHERE program_id = ?1 AND month = ?2")?
        .execute(params![program_id, month])?;
    let (first, last) = (format!("{month}-01"), format!("{month}-31"));
    tx.prepare_cached(
        "INSERT INTO rollup_cohort_monthly (program_id, month, cohort_month, affiliate_id, active_players,
                                            deposits_micros, ngr_micros)
         SELECT ?1, ?2, substr(p.day, 1, 7), p.affiliate_id,
                COUNT(DISTINCT CASE WHEN x.active THEN x.player_id END), SUM(x.deposits), SUM(x.ngr)
         FROM (
            SELECT m.player_id, m.amount_micros > 0 AS active,
                   CASE WHEN m.currency = pr.currency THEN m.amount_micros ELSE 0 END AS deposits, 0 AS ngr
              FROM money_movements m JOIN programs pr ON pr.id = m.program_id
             WHERE m.program_id = ?1 AND m.day BETWEEN ?3 AND ?4 AND m.kind = 'deposit'
            UNION ALL
            SELECT a.player_id, a.deposits_micros > 0 OR a.bets_micros > 0, 0,
                   CASE WHEN a.currency = pr.currency
                        THEN a.bets_micros - a.wins_micros - a.bonuses_micros - a.chargebacks_micros
                             - a.fees_micros - a.taxes_micros
                        ELSE 0 END
              FROM player_activity_daily a JOIN players q ON q.id = a.player_id JOIN programs pr ON pr.id = q.program_id
             WHERE a.day BETWEEN ?3 AND ?4 AND q.program_id = ?1
         ) x JOIN players p ON p.id = x.player_id
         WHERE p.affiliate_id IS NOT NULL
         GROUP BY substr(p.day, 1, 7), p.affiliate_id",
    )?
    .execute(params![program_id, month, first, last])?;
    Ok(())
}
