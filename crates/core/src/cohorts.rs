//! Cohorts: an affiliate program's players grouped by registration month (whole program or one affiliate),
//! followed month by month since registration: how many were active (retention), cumulative deposits and NGR per
//! player (the LTV curves), and the month the cohort's NGR paid back the acquisition commission booked for its
//! players. Read from `rollup_cohort_monthly` and `rollup_affiliate_daily` (kept up to date at ingest) and the ledger.
//! Definitions: docs/dashboards.md.

use crate::charts::{render_line_chart, LineChart};
use crate::dashboard::refresh_rollups;
use crate::error::CoreError;
use crate::fx::types::UnconvertedAmount;
use crate::money::{currency_exponent, format_amount, percent, MICROS_SCALE};
use crate::programs::{self, Program, Vertical};
use crate::store::StoreResult;
use rusqlite::{params, Connection, OptionalExtension};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

/// How many registration months a cohort view shows when the request names none.
pub const MONTHS_DEFAULT: u32 = 6;
/// The most registration months one view shows (and so the longest curve: months 0..=35).
pub const MONTHS_MAX: u32 = 36;
/// Ledger lines whose basis names each player with the amount earned for them: the acquisition cost a cohort
/// pays back. RevShare is a share of the very NGR the curve shows, not a cost to recover.
pub const ACQUISITION_LINES: [&str; 2] = ["cpa", "cpl"];

/// A cohort request: how many registration months back from the program's last month with data, and optionally
/// one affiliate (the tracker's id).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CohortQuery {
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub months: Option<u32>,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affiliate: Option<String>,
}

/// Month k since registration of one cohort. Per-player amounts are the cohort's total divided by its size,
/// rounded half-up to the currency's minor units (micros: half-up to the micro).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CohortMonth {
    pub k: u32,
    /// YYYY-MM.
    pub month: String,
    /// Players of the cohort with a deposit, or a day with deposits or bets, in the month.
    pub active_players: u32,
    /// active_players per 100 of the cohort, 2 places half-up.
    pub retention_percent: String,
    pub cumulative_deposits_per_player: String,
    pub cumulative_deposits_per_player_micros: String,
    pub cumulative_ngr_per_player: String,
    pub cumulative_ngr_per_player_micros: String,
    /// The cohort's cumulative NGR (not per player), exact.
    pub cumulative_ngr: String,
    pub cumulative_ngr_micros: String,
}

/// One registration month's players.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CohortRow {
    /// YYYY-MM of registration (the program's reporting days).
    pub cohort: String,
    pub players: u32,
    /// CPA and CPL booked for these players (see [`ACQUISITION_LINES`]), program currency.
    pub commission: String,
    pub commission_micros: String,
    /// k = 0 up to the months elapsed until the program's last month with data (at most the view's months − 1).
    pub months: Vec<CohortMonth>,
    /// The first k where the cohort's cumulative NGR ≥ its commission; null when not yet, or nothing was booked.
    pub payback_month: Option<u32>,
}

/// The cohort view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Cohorts {
    pub program: String,
    pub vertical: Vertical,
    pub currency: String,
    pub affiliate: Option<String>,
    /// The program's last month with data (YYYY-MM); cohorts and curves end there. Null when there is no data.
    pub last_month: Option<String>,
    /// Newest registration month first.
    pub cohorts: Vec<CohortRow>,
    /// Cumulative NGR per player by months since registration, one line per cohort.
    pub ltv_svg: String,
    /// Deposits in other currencies the FX table has no rate for on their day (up to 7 days before): left out of
    /// the cohorts' deposits and NGR, never counted as zero. Those with a rate convert at their day's rate.
    pub unconverted: Vec<UnconvertedAmount>,
}

/// "2026-03" + k months.
fn add_months(month: &str, k: u32) -> Option<String> {
    let (y, m) = month.split_once('-')?;
    let (y, m): (i64, i64) = (y.parse().ok()?, m.parse().ok()?);
    let n = y * 12 + (m - 1) + i64::from(k);
    Some(format!("{:04}-{:02}", n / 12, n % 12 + 1))
}

/// Months from `a` to `b` (b later), or None if b is earlier.
fn months_between(a: &str, b: &str) -> Option<u32> {
    let idx = |s: &str| -> Option<i64> {
        let (y, m) = s.split_once('-')?;
        Some(y.parse::<i64>().ok()? * 12 + m.parse::<i64>().ok()?)
    };
    u32::try_from(idx(b)? - idx(a)?).ok()
}

/// total / n, half-up to micros.
fn per_player_micros(total_micros: i64, n: i64) -> i64 {
    if n == 0 {
        return 0;
    }
    let d = (Decimal::from(total_micros) / Decimal::from(n))
        .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
    i64::try_from(d).unwrap_or(0)
}

struct Raw {
    sizes: BTreeMap<String, i64>,
    activity: BTreeMap<(String, String), (i64, i64, i64)>,
    commission: BTreeMap<String, i64>,
    /// Deposits in other currencies with no rate for their day: left out, never counted as zero.
    unconverted: Vec<UnconvertedAmount>,
}

/// Adds deposits and NGR in other currencies (`rollup_cohort_fx_daily`) to their cohort's months, each day
/// converted at that day's rate from the FX table (or up to 7 days before); returns what has no rate.
fn add_other_currencies(
    c: &Connection,
    program: &Program,
    affiliate: Option<i64>,
    first: &str,
    last: &str,
    activity: &mut BTreeMap<(String, String), (i64, i64, i64)>,
) -> StoreResult<Vec<UnconvertedAmount>> {
    let (from, to) = (format!("{first}-01"), format!("{last}-31"));
    let rows: Vec<(String, String, String, i64, i64)> = c
        .prepare_cached(
            "SELECT day, cohort_month, currency, SUM(deposits_micros), SUM(ngr_micros) FROM rollup_cohort_fx_daily
             WHERE program_id = ?1 AND day BETWEEN ?2 AND ?3 AND cohort_month BETWEEN ?4 AND ?5
               AND (?6 IS NULL OR affiliate_id = ?6)
             GROUP BY day, cohort_month, currency",
        )?
        .query_map(params![program.id, from, to, first, last, affiliate], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .collect::<Result<_, _>>()?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let table = crate::fx::table_for_read(c, &from, &to)?;
    let mut left_out = crate::fx::Unconverted::default();
    for (day, cohort, currency, deposits, ngr) in rows {
        let to = program.currency.as_str();
        let converted = table
            .convert_on(&day, &currency, to, deposits)
            .zip(table.convert_on(&day, &currency, to, ngr));
        match converted {
            Some((d, n)) => {
                let month = day.get(..7).unwrap_or_default().to_string();
                let e = activity.entry((cohort, month)).or_default();
                e.1 = e.1.saturating_add(d);
                e.2 = e.2.saturating_add(n);
            }
            None => left_out.add(&currency, &day, deposits),
        }
    }
    Ok(left_out.rows())
}

fn read(
    c: &Connection,
    program: &Program,
    affiliate: Option<i64>,
    first: &str,
    last: &str,
) -> StoreResult<Raw> {
    let sizes = c
        .prepare_cached(
            "SELECT substr(day, 1, 7) AS m, SUM(registrations) FROM rollup_affiliate_daily
             WHERE program_id = ?1 AND day BETWEEN ?2 AND ?3 AND (?4 IS NULL OR affiliate_id = ?4)
             GROUP BY m HAVING SUM(registrations) > 0",
        )?
        .query_map(
            params![
                program.id,
                format!("{first}-01"),
                format!("{last}-31"),
                affiliate
            ],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?
        .collect::<Result<_, _>>()?;
    let activity = c
        .prepare_cached(
            "SELECT cohort_month, month, SUM(active_players), SUM(deposits_micros), SUM(ngr_micros)
             FROM rollup_cohort_monthly
             WHERE program_id = ?1 AND month BETWEEN ?2 AND ?3 AND cohort_month BETWEEN ?2 AND ?3
               AND (?4 IS NULL OR affiliate_id = ?4)
             GROUP BY cohort_month, month",
        )?
        .query_map(params![program.id, first, last, affiliate], |r| {
            Ok(((r.get(0)?, r.get(1)?), (r.get(2)?, r.get(3)?, r.get(4)?)))
        })?
        .collect::<Result<_, _>>()?;
    // The latest entry of each acquisition line holds the line as last computed; the ledger's cohort index holds
    // its players' exact amounts per registration month (crate::ledger::cohorts).
    let commission: BTreeMap<String, i64> = c
        .prepare_cached(
            "SELECT x.cohort_month, SUM(x.amount_micros) FROM ledger_cohort_amounts x
              WHERE x.entry_id IN (SELECT MAX(id) FROM ledger_entries
                                    WHERE program_id = ?1 AND line_key IN ('cpa', 'cpl') AND kind <> 'status'
                                    GROUP BY origin_period_id, affiliate_id, line_key)
                AND x.currency = ?2 AND x.cohort_month BETWEEN ?3 AND ?4 AND (?5 IS NULL OR x.affiliate_id = ?5)
              GROUP BY x.cohort_month",
        )?
        .query_map(
            params![program.id, program.currency, first, last, affiliate],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?
        .collect::<Result<_, _>>()?;
    let mut activity = activity;
    let unconverted = add_other_currencies(c, program, affiliate, first, last, &mut activity)?;
    Ok(Raw {
        sizes,
        activity,
        commission,
        unconverted,
    })
}

/// The cohort view over the last `months` registration months up to the program's last month with data.
pub fn build(
    ws: &crate::workspace::Workspace,
    program: &Program,
    q: &CohortQuery,
) -> Result<Cohorts, CoreError> {
    let months = q.months.unwrap_or(MONTHS_DEFAULT);
    if months == 0 || months > MONTHS_MAX {
        return Err(CoreError::invalid(format!(
            "Months must be 1 to {MONTHS_MAX} (got {months})."
        )));
    }
    let affiliate_ext = q.affiliate.clone().filter(|a| !a.is_empty());
    let affiliate = match &affiliate_ext {
        Some(ext) => Some(
            ws.store()
                .read(|c| {
                    c.query_row(
                        "SELECT id FROM affiliates WHERE program_id = ?1 AND external_id = ?2",
                        params![program.id, ext],
                        |r| r.get::<_, i64>(0),
                    )
                    .optional()
                    .map_err(crate::store::StoreError::from)
                })?
                .ok_or_else(|| {
                    CoreError::not_found(format!(
                        "No affiliate '{ext}' in the program {}.",
                        program.name
                    ))
                })?,
        ),
        None => None,
    };
    refresh_rollups(ws)?;
    if ws.store().read(crate::ledger::cohorts::needs_backfill)? {
        ws.store().write(crate::ledger::cohorts::backfill)?;
    }
    let range = ws.store().read(|c| programs::data_range(c, program.id))?;
    let currency = program.currency.clone();
    let empty = |last_month| Cohorts {
        program: program.name.clone(),
        vertical: program.vertical,
        currency: currency.clone(),
        affiliate: affiliate_ext.clone(),
        last_month,
        cohorts: Vec::new(),
        ltv_svg: ltv_chart(&[], &currency),
        unconverted: Vec::new(),
    };
    let Some(last) = range.and_then(|r| r.to.get(..7).map(str::to_string)) else {
        return Ok(empty(None));
    };
    let first = {
        let idx = |s: &str| -> Option<i64> {
            let (y, m) = s.split_once('-')?;
            Some(y.parse::<i64>().ok()? * 12 + m.parse::<i64>().ok()? - 1)
        };
        let n = idx(&last).unwrap_or(0) - i64::from(months - 1);
        format!("{:04}-{:02}", n / 12, n % 12 + 1)
    };
    let raw = ws
        .store()
        .read(|c| read(c, program, affiliate, &first, &last))?;
    let mut cohorts: Vec<CohortRow> = raw
        .sizes
        .iter()
        .map(|(cohort, size)| cohort_row(cohort, *size, &raw, &last, &currency))
        .collect();
    cohorts.reverse();
    let ltv_svg = ltv_chart(&cohorts, &currency);
    Ok(Cohorts {
        ltv_svg,
        cohorts,
        unconverted: raw.unconverted,
        ..empty(Some(last))
    })
}

fn cohort_row(cohort: &str, size: i64, raw: &Raw, last: &str, currency: &str) -> CohortRow {
    let commission = raw.commission.get(cohort).copied().unwrap_or(0);
    let span = months_between(cohort, last).unwrap_or(0);
    let (mut deposits, mut ngr) = (0i64, 0i64);
    let mut payback = None;
    let mut out = Vec::new();
    for k in 0..=span {
        let Some(month) = add_months(cohort, k) else {
            break;
        };
        let (active, d, n) = raw
            .activity
            .get(&(cohort.to_string(), month.clone()))
            .copied()
            .unwrap_or((0, 0, 0));
        deposits += d;
        ngr += n;
        if payback.is_none() && commission > 0 && ngr >= commission {
            payback = Some(k);
        }
        let dpp = per_player_micros(deposits, size);
        let npp = per_player_micros(ngr, size);
        out.push(CohortMonth {
            k,
            month,
            active_players: u32::try_from(active.max(0)).unwrap_or(u32::MAX),
            retention_percent: percent(active.max(0) as u64, size.max(0) as u64),
            cumulative_deposits_per_player: format_amount(dpp, currency),
            cumulative_deposits_per_player_micros: dpp.to_string(),
            cumulative_ngr_per_player: format_amount(npp, currency),
            cumulative_ngr_per_player_micros: npp.to_string(),
            cumulative_ngr: format_amount(ngr, currency),
            cumulative_ngr_micros: ngr.to_string(),
        });
    }
    CohortRow {
        cohort: cohort.to_string(),
        players: u32::try_from(size.max(0)).unwrap_or(u32::MAX),
        commission: format_amount(commission, currency),
        commission_micros: commission.to_string(),
        months: out,
        payback_month: payback,
    }
}

/// Cumulative NGR per player, in minor units (display only), one line per cohort, oldest first.
fn ltv_chart(cohorts: &[CohortRow], currency: &str) -> String {
    let exponent = currency_exponent(currency);
    let unit = 10i64.pow(MICROS_SCALE - exponent.min(MICROS_SCALE));
    render_line_chart(&LineChart {
        title: format!("Cumulative NGR per player ({currency}) by months since registration"),
        x_label: "Months since registration".into(),
        y_label: format!("NGR per player, {currency}"),
        exponent,
        series: cohorts
            .iter()
            .rev()
            .map(|c| {
                (
                    c.cohort.clone(),
                    c.months
                        .iter()
                        .map(|m| {
                            m.cumulative_ngr_per_player_micros
                                .parse::<i64>()
                                .unwrap_or(0)
                                / unit
                        })
                        .collect(),
                )
            })
            .collect(),
    })
}

/// The cohorts as CSV: one line per cohort and month k; text cells spreadsheet-safe.
pub fn to_csv(c: &Cohorts) -> String {
    use crate::breakdown::csv_cell;
    use crate::import::quarantine::spreadsheet_safe as safe;
    let mut out = String::from(
        "cohort,players,commission,payback_month,k,month,active_players,retention_percent,cumulative_deposits_per_player,cumulative_ngr_per_player,cumulative_ngr\n",
    );
    for row in &c.cohorts {
        for m in &row.months {
            let cells = [
                safe(&row.cohort),
                row.players.to_string(),
                row.commission.clone(),
                row.payback_month.map(|k| k.to_string()).unwrap_or_default(),
                m.k.to_string(),
                safe(&m.month),
                m.active_players.to_string(),
                m.retention_percent.clone(),
                m.cumulative_deposits_per_player.clone(),
                m.cumulative_ngr_per_player.clone(),
                m.cumulative_ngr.clone(),
            ];
            let line: Vec<String> = cells.iter().map(|s| csv_cell(s)).collect();
            out.push_str(&line.join(","));
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_arithmetic() {
        assert_eq!(add_months("2026-11", 3).as_deref(), Some("2027-02"));
        assert_eq!(add_months("2026-01", 0).as_deref(), Some("2026-01"));
        assert_eq!(months_between("2026-11", "2027-02"), Some(3));
        assert_eq!(months_between("2027-02", "2026-11"), None);
    }

    #[test]
    fn per_player_rounds_half_up_to_the_micro() {
        assert_eq!(per_player_micros(10, 4), 3); // 2.5 → 3
        assert_eq!(per_player_micros(-10, 4), -3);
        assert_eq!(per_player_micros(10, 0), 0);
    }
}
