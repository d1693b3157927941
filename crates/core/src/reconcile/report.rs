//! Running a period (classify, store, keep ids stable), reading it back with totals and filters, CSV export,
//! and the timezone-shift check against the operator's daily activity.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate, Offset};
use chrono_tz::Tz;
use rusqlite::{params, Connection, OptionalExtension};

use super::matching::{classify, Discrepancy, Reason};
use super::{parse_period, Month, ReconError, ReconSettings};
use crate::import::quarantine::spreadsheet_safe;
use crate::money::format_amount;
use crate::reconcile::types::{
    ReasonCount, ReconAffiliateTotal, ReconQuery, ReconReport, ReconRow,
};
use crate::store::Store;

/// The month and the reason filter of a query; errors name the bad field.
pub fn parse_query(query: &ReconQuery) -> Result<(Month, Option<Reason>), ReconError> {
    let month = parse_period(&query.period)?;
    let reason = match query
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
    {
        Some(r) => Some(Reason::parse(r).ok_or_else(|| {
            ReconError::Invalid(format!(
                "Reason: unknown reason code '{r}' (known: {})",
                Reason::ALL.map(Reason::as_str).join(", ")
            ))
        })?),
        None => None,
    };
    Ok((month, reason))
}

/// The discrepancies of a month as the data says now (reads only).
pub fn find(
    store: &Store,
    program_id: i64,
    month: &Month,
    settings: &ReconSettings,
    now_ms: i64,
) -> Result<Vec<Discrepancy>, ReconError> {
    store.read(|conn| -> Result<_, ReconError> {
        Ok(classify(conn, program_id, month, settings, now_ms)?)
    })
}

/// Reconciles `query.period` for `program_id`: stores the discrepancies and returns the filtered report. (The
/// front door does the same in three steps, so that its audit entry shares [`save`]'s transaction.)
pub fn run(
    store: &Store,
    program_id: i64,
    query: &ReconQuery,
    settings: &ReconSettings,
    now_ms: i64,
) -> Result<ReconReport, ReconError> {
    let (month, reason) = parse_query(query)?;
    let found = find(store, program_id, &month, settings, now_ms)?;
    store.write(|tx| {
        save(tx, program_id, &month, &found, now_ms)?;
        Ok::<_, crate::store::StoreError>(record_run(
            tx,
            program_id,
            &month.label,
            "tracker_operator",
            None,
            now_ms,
            found.len(),
        )?)
    })?;
    load(store, program_id, &month, RowFilter::of(query, reason))
}

/// Stores a month's discrepancies: a re-run updates rows in place by natural key and drops the ones that no
/// longer hold, unless a dispute names them.
pub fn save(
    tx: &rusqlite::Transaction<'_>,
    program_id: i64,
    month: &Month,
    found: &[Discrepancy],
    now_ms: i64,
) -> crate::store::StoreResult<()> {
    tx.execute(
        "DELETE FROM recon_discrepancies WHERE program_id = ?1 AND period = ?2
           AND id NOT IN (SELECT discrepancy_id FROM dispute_cases WHERE discrepancy_id IS NOT NULL)",
        params![program_id, month.label],
    )?;
    let mut stmt = tx.prepare_cached(
        "INSERT INTO recon_discrepancies (program_id, period, reason, natural_key, affiliate_id, conversion_ref, transaction_id,
             player_ref, deposit_ref, tracker_micros, operator_micros, impact_micros, currency, detail, found_at_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
         ON CONFLICT (program_id, period, reason, natural_key) DO UPDATE SET tracker_micros = excluded.tracker_micros,
             operator_micros = excluded.operator_micros, impact_micros = excluded.impact_micros, detail = excluded.detail",
    )?;
    for d in found {
        stmt.execute(params![
            program_id,
            month.label,
            d.reason.as_str(),
            d.natural_key,
            d.affiliate_id,
            d.conversion_ref,
            d.transaction_id,
            d.player_ref,
            d.deposit_ref,
            d.tracker_micros,
            d.operator_micros,
            d.impact_micros,
            d.currency,
            d.detail,
            now_ms
        ])?;
    }
    Ok(())
}

/// The stored report of a period.
/// Which rows of a month to read: a reason code, an affiliate (tracker id), a page.
#[derive(Debug, Clone, Copy, Default)]
pub struct RowFilter<'a> {
    pub reason: Option<Reason>,
    pub affiliate: Option<&'a str>,
    pub offset: u32,
    pub limit: Option<u32>,
}

impl<'a> RowFilter<'a> {
    pub fn of(query: &'a ReconQuery, reason: Option<Reason>) -> Self {
        Self {
            reason,
            affiliate: query.affiliate.as_deref(),
            offset: query.offset.unwrap_or(0),
            limit: query.limit,
        }
    }
}

pub fn load(
    store: &Store,
    program_id: i64,
    month: &Month,
    filter: RowFilter<'_>,
) -> Result<ReconReport, ReconError> {
    let RowFilter {
        reason,
        affiliate,
        offset,
        limit,
    } = filter;
    Ok(store.read::<_, crate::store::StoreError>(|conn| {
        let (program, currency): (String, String) =
            conn.query_row("SELECT name, currency FROM programs WHERE id = ?1", [program_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let rows = conn
            .prepare(
                "SELECT d.id, d.reason, COALESCE(a.external_id, ''), COALESCE(a.name, ''), d.conversion_ref, d.transaction_id,
                        d.player_ref, d.deposit_ref, d.tracker_micros, d.operator_micros, d.impact_micros, d.currency, d.detail
                 FROM recon_discrepancies d LEFT JOIN affiliates a ON a.id = d.affiliate_id
                 WHERE d.program_id = ?1 AND d.period = ?2 AND (?3 IS NULL OR d.reason = ?3) AND (?4 IS NULL OR a.external_id = ?4)
                 ORDER BY d.reason, d.id LIMIT ?5 OFFSET ?6",
            )?
            .query_map(params![program_id, month.label, reason.map(Reason::as_str), affiliate, limit.map_or(-1, i64::from), offset], |r| {
                let cur: String = r.get(11)?;
                let amount = |v: Option<i64>| v.map(|m| format_amount(m, &cur));
                Ok(ReconRow {
                    id: r.get(0)?, reason: r.get(1)?, affiliate_id: r.get(2)?, affiliate_name: r.get(3)?, conversion_ref: r.get(4)?,
                    transaction_id: r.get(5)?, player_ref: r.get(6)?, deposit_ref: r.get(7)?,
                    tracker_amount: amount(r.get(8)?), operator_amount: amount(r.get(9)?),
                    impact: format_amount(r.get(10)?, &cur), detail: r.get(12)?, currency: cur,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        // Per reason over the whole month (one page shows few of them), and how many the filters match.
        let reasons: BTreeMap<String, u32> = conn
            .prepare(
                "SELECT d.reason, COUNT(*) FROM recon_discrepancies d LEFT JOIN affiliates a ON a.id = d.affiliate_id
                 WHERE d.program_id = ?1 AND d.period = ?2 AND (?3 IS NULL OR a.external_id = ?3) GROUP BY d.reason",
            )?
            .query_map(params![program_id, month.label, affiliate], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let total_rows = match reason {
            Some(r) => reasons.get(r.as_str()).copied().unwrap_or(0),
            None => reasons.values().sum(),
        };
        let totals = conn
            .prepare(
                // Each side counted once per affiliate (grouped), not once per affiliate row: the correlated
                // subqueries this replaces took 6.4 s for a month of the full-scale demo (300 affiliates), this 0.04 s.
                "WITH conv AS (SELECT affiliate_id, COUNT(*) AS n FROM conversions
                                WHERE program_id = ?1 AND day BETWEEN ?3 AND ?4 GROUP BY affiliate_id),
                      ftd AS (SELECT p.affiliate_id, COUNT(*) AS n FROM money_movements m JOIN players p ON p.id = m.player_id
                               WHERE m.program_id = ?1 AND m.is_ftd = 1 AND m.kind = 'deposit' AND m.day BETWEEN ?3 AND ?4
                               GROUP BY p.affiliate_id),
                      disc AS (SELECT affiliate_id, COUNT(*) AS n, COALESCE(SUM(impact_micros), 0) AS s FROM recon_discrepancies
                                WHERE program_id = ?1 AND period = ?2 GROUP BY affiliate_id)
                 SELECT a.external_id, a.name, COALESCE(conv.n, 0), COALESCE(ftd.n, 0), COALESCE(disc.n, 0), COALESCE(disc.s, 0)
                   FROM affiliates a LEFT JOIN conv ON conv.affiliate_id = a.id LEFT JOIN ftd ON ftd.affiliate_id = a.id
                   LEFT JOIN disc ON disc.affiliate_id = a.id
                  WHERE a.program_id = ?1 AND (?5 IS NULL OR a.external_id = ?5) ORDER BY a.id",
            )?
            .query_map(params![program_id, month.label, month.first, month.last, affiliate], |r| {
                Ok(ReconAffiliateTotal {
                    affiliate_id: r.get(0)?, affiliate_name: r.get(1)?, tracker_conversions: r.get(2)?, operator_ftds: r.get(3)?,
                    discrepancies: r.get(4)?, impact: format_amount(r.get(5)?, &currency), currency: currency.clone(),
                })
            })?
            .filter(|t| t.as_ref().map_or(true, |t| t.tracker_conversions + t.operator_ftds + t.discrepancies > 0))
            .collect::<Result<Vec<_>, _>>()?;
        let (reconciled_at_ms, reconciled_by) = last_run(conn, program_id, &month.label, "tracker_operator")?;
        Ok(ReconReport {
            reconciled_at_ms,
            reconciled_by,
            period: month.label.clone(),
            program,
            totals,
            reasons: reasons.into_iter().map(|(reason, count)| ReasonCount { reason, count }).collect(),
            rows,
            total_rows,
            offset,
        })
    })?)
}

/// The rows of a report as CSV; every text cell made spreadsheet-safe (formula injection, A3).
pub fn to_csv(report: &ReconReport) -> Result<Vec<u8>, ReconError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let io = |e: csv::Error| ReconError::Invalid(format!("cannot write CSV: {e}"));
    w.write_record([
        "id",
        "reason",
        "affiliate_id",
        "affiliate_name",
        "conversion",
        "transaction_id",
        "player",
        "deposit",
        "tracker_amount",
        "operator_amount",
        "impact",
        "currency",
        "detail",
    ])
    .map_err(io)?;
    for r in &report.rows {
        let cells = [
            r.id.to_string(),
            r.reason.clone(),
            r.affiliate_id.clone(),
            r.affiliate_name.clone(),
            r.conversion_ref.clone(),
            r.transaction_id.clone(),
            r.player_ref.clone(),
            r.deposit_ref.clone(),
            r.tracker_amount.clone().unwrap_or_default(),
            r.operator_amount.clone().unwrap_or_default(),
            r.impact.clone(),
            r.currency.clone(),
            r.detail.clone(),
        ];
        // Amounts may be negative ("-12.00"): numbers stay numbers, only text columns are neutralized.
        let safe: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if (8..=10).contains(&i) {
                    c.clone()
                } else {
                    spreadsheet_safe(c)
                }
            })
            .collect();
        w.write_record(&safe).map_err(io)?;
    }
    w.into_inner()
        .map_err(|e| ReconError::Invalid(format!("cannot write CSV: {e}")))
}

/// Deposits the operator's daily activity puts on another day than ours: the operator reports in another zone.
/// The operator's offset is estimated from the data — the whole-hour shift (−12…+14 h) under which the most
/// (player, day) deposit totals agree with its activity — and, when it explains more than no shift does, every
/// deposit of the period whose day moves under it is reported.
pub(super) fn timezone_shifts(
    conn: &Connection,
    program_id: i64,
    month: &Month,
    currency: &str,
) -> rusqlite::Result<Vec<Discrepancy>> {
    let parse = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok();
    let (Some(first), Some(last)) = (parse(&month.first), parse(&month.last)) else {
        return Ok(Vec::new());
    };
    let zone: String = conn.query_row(
        "SELECT timezone FROM programs WHERE id = ?1",
        [program_id],
        |r| r.get(0),
    )?;
    let Ok(tz) = crate::time::parse_zone(&zone) else {
        return Ok(Vec::new());
    };
    let (lo, hi) = (
        (first - Duration::days(2)).to_string(),
        (last + Duration::days(2)).to_string(),
    );
    let mut deposits = Vec::new();
    let mut stmt = conn.prepare(
        "SELECT m.player_id, m.occurred_at_ms, m.external_id, m.amount_micros, p.external_id, p.affiliate_id, m.day
         FROM money_movements m JOIN players p ON p.id = m.player_id
         WHERE m.program_id = ?1 AND m.kind = 'deposit' AND m.day BETWEEN ?2 AND ?3
           AND EXISTS (SELECT 1 FROM player_activity_daily a WHERE a.player_id = m.player_id)",
    )?;
    for r in stmt.query_map(params![program_id, lo, hi], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, i64>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, Option<i64>>(5)?,
            r.get::<_, String>(6)?,
        ))
    })? {
        deposits.push(r?);
    }
    let mut activity: DayTotals = DayTotals::default();
    let mut stmt = conn.prepare(
        "SELECT a.player_id, a.day, a.deposits_micros FROM player_activity_daily a JOIN players p ON p.id = a.player_id
         WHERE p.program_id = ?1 AND a.day BETWEEN date(?2, '-1 day') AND date(?3, '+1 day')",
    )?;
    for r in stmt.query_map(params![program_id, lo, hi], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
        ))
    })? {
        let (pid, day, amount) = r?;
        if let Some(day) = parse(&day) {
            *activity.entry((pid, day)).or_default() += amount;
        }
    }
    // 27 candidate shifts over every deposit of the month: each deposit's day under a shift is computed from its
    // zone offset, read once (see `ShiftedDays`), and the totals are hashed, not sorted.
    let days: Vec<ShiftedDays> = deposits
        .iter()
        .map(|(_, at, ..)| ShiftedDays::new(&tz, *at))
        .collect();
    let agreement = |hours: i64| {
        let mut totals = DayTotals::with_capacity_and_hasher(deposits.len(), Default::default());
        for ((pid, _, _, amount, ..), d) in deposits.iter().zip(&days) {
            *totals.entry((*pid, d.day(&tz, hours))).or_default() += amount;
        }
        totals
            .iter()
            .filter(|(k, v)| activity.get(*k) == Some(*v))
            .count()
    };
    let baseline = agreement(0);
    let (best, best_score) = (-12..=14i64)
        .filter(|h| *h != 0)
        .map(|h| (h, agreement(h)))
        .fold((0i64, baseline), |acc: (i64, usize), x| {
            if x.1 > acc.1 || (x.1 == acc.1 && x.0.abs() < acc.0.abs()) {
                x
            } else {
                acc
            }
        });
    if best == 0 || best_score <= baseline {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for ((pid, _, ext, amount, player, aff, day), shifted) in deposits.into_iter().zip(&days) {
        let Some(d) = parse(&day) else { continue };
        let theirs = shifted.day(&tz, best);
        if d < first
            || d > last
            || theirs == d
            || activity.get(&(pid, theirs)).copied().unwrap_or(0) < amount
        {
            continue;
        }
        out.push(Discrepancy {
            reason: Reason::TimezoneShift,
            natural_key: ext.clone(),
            affiliate_id: aff,
            conversion_ref: String::new(),
            transaction_id: String::new(),
            player_ref: player,
            deposit_ref: ext,
            tracker_micros: None,
            operator_micros: Some(amount),
            impact_micros: 0,
            currency: currency.to_string(),
            detail: format!("deposit on {day} here is on {theirs} in the operator's activity: its days run {best:+} h from ours ({best_score} player-days agree under that shift, {baseline} without)"),
        });
    }
    Ok(out)
}

/// Deposit totals per (player, local day), hashed with a fast non-cryptographic hasher: 27 shifts fill one each.
type DayTotals = foldhash::HashMap<(i64, NaiveDate), i64>;

/// An instant's local day under a shift of whole hours. Zone transitions are months apart, so when the offset is
/// the same 12 h before and 14 h after the instant it holds for every candidate shift, and the day is plain
/// arithmetic; otherwise (an instant near a transition) each shift asks the zone.
struct ShiftedDays {
    at_ms: i64,
    /// The zone's offset over the whole −12…+14 h span, when it does not change within it.
    offset_ms: Option<i64>,
}

impl ShiftedDays {
    const SPAN_BEFORE_MS: i64 = 12 * 3_600_000;
    const SPAN_AFTER_MS: i64 = 14 * 3_600_000;

    fn new(tz: &Tz, at_ms: i64) -> Self {
        let offset = |ms: i64| {
            chrono::DateTime::from_timestamp_millis(ms)
                .map(|t| i64::from(t.with_timezone(tz).offset().fix().local_minus_utc()) * 1000)
        };
        let before = offset(at_ms - Self::SPAN_BEFORE_MS);
        let after = offset(at_ms + Self::SPAN_AFTER_MS);
        Self {
            at_ms,
            offset_ms: before.filter(|b| Some(*b) == after),
        }
    }

    fn day(&self, tz: &Tz, hours: i64) -> NaiveDate {
        let at = self.at_ms + hours * 3_600_000;
        match self.offset_ms {
            Some(offset) => chrono::DateTime::from_timestamp_millis(at + offset)
                .map(|t| t.date_naive())
                .unwrap_or_default(),
            None => chrono::DateTime::from_timestamp_millis(at)
                .map(|t| t.with_timezone(tz).date_naive())
                .unwrap_or_default(),
        }
    }
}

/// A stored discrepancy, as a dispute case needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub program_id: i64,
    pub affiliate_id: Option<i64>,
    pub reason: String,
    pub impact_micros: i64,
    pub currency: String,
    pub conversion_ref: String,
    pub deposit_ref: String,
    pub player_ref: String,
    pub detail: String,
    /// `YYYY-MM`.
    pub period: String,
}

/// The stored discrepancy by id.
pub fn discrepancy(conn: &Connection, id: i64) -> rusqlite::Result<Option<Stored>> {
    conn.query_row(
        "SELECT program_id, affiliate_id, reason, impact_micros, currency, conversion_ref, deposit_ref, player_ref, detail,
                period
         FROM recon_discrepancies WHERE id = ?1",
        [id],
        |r| {
            Ok(Stored {
                program_id: r.get(0)?,
                affiliate_id: r.get(1)?,
                reason: r.get(2)?,
                impact_micros: r.get(3)?,
                currency: r.get(4)?,
                conversion_ref: r.get(5)?,
                deposit_ref: r.get(6)?,
                player_ref: r.get(7)?,
                detail: r.get(8)?,
                period: r.get(9)?,
            })
        },
    )
    .optional()
}

/// Records that a month was reconciled (`kind`: tracker_operator or claims), by whom and what it found.
pub fn record_run(
    tx: &rusqlite::Transaction<'_>,
    program_id: i64,
    period: &str,
    kind: &str,
    user_id: Option<i64>,
    now_ms: i64,
    findings: usize,
) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO recon_runs (program_id, period, kind, ran_by, ran_at_ms, findings) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![program_id, period, kind, user_id, now_ms, findings as i64],
    )?;
    Ok(())
}

/// When a month was last reconciled (of `kind`), and the person's name.
pub fn last_run(
    conn: &Connection,
    program_id: i64,
    period: &str,
    kind: &str,
) -> rusqlite::Result<(Option<i64>, String)> {
    Ok(conn
        .query_row(
            "SELECT r.ran_at_ms, COALESCE(u.name, '') FROM recon_runs r LEFT JOIN users u ON u.id = r.ran_by
             WHERE r.program_id = ?1 AND r.period = ?2 AND r.kind = ?3 ORDER BY r.id DESC LIMIT 1",
            params![program_id, period, kind],
            |r| Ok((Some(r.get(0)?), r.get(1)?)),
        )
        .optional()?
        .unwrap_or((None, String::new())))
}

#[cfg(test)]
mod tests {
    use super::ShiftedDays;
    use chrono_tz::Tz;

    /// The arithmetic shortcut gives the zone's own answer for every candidate shift, around the DST changes of a
    /// zone that has them (and across a whole year at a step that is not a divisor of an hour).
    #[test]
    fn shifted_days_match_the_zone_for_every_shift() {
        for zone in [
            "Europe/Berlin",
            "America/New_York",
            "Australia/Lord_Howe",
            "UTC",
        ] {
            let tz: Tz = zone.parse().unwrap();
            let start = 1_767_225_600_000i64; // 2026-01-01T00:00Z
            let mut at = start;
            while at < start + 366 * 86_400_000 {
                let days = ShiftedDays::new(&tz, at);
                for hours in -12..=14i64 {
                    let direct = chrono::DateTime::from_timestamp_millis(at + hours * 3_600_000)
                        .unwrap()
                        .with_timezone(&tz)
                        .date_naive();
                    assert_eq!(
                        days.day(&tz, hours),
                        direct,
                        "{zone} at {at} shifted {hours} h"
                    );
                }
                at += 3_599_777; // just under an hour, so every minute of the day is visited over the year
            }
        }
    }
}
