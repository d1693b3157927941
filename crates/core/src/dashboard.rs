//! The dashboard: per affiliate for a period, clicks → registrations → FTDs → approved conversions, CR and the
//! FTD amount, plus the daily FTD chart and each source's freshness. Days are the program's reporting days.

use crate::charts::{render_bar_chart, BarChart};
use crate::error::CoreError;
use crate::money::{format_amount, percent};
use crate::programs::types::TradingSummary;
use crate::programs::{self, trading, Program};
use crate::time::parse_day;
use crate::time::Period;
use crate::workspace::SourceFreshness;
use crate::workspace::Workspace;
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

/// The longest period the dashboard shows at once.
pub const PERIOD_DAYS_MAX: i64 = 3 * 366;

#[derive(Default)]
struct Acc {
    name: String,
    clicks: i64,
    registrations: i64,
    ftds: i64,
    approved: i64,
    ftd_micros: i64,
}

/// Counts from SQL SUMs are never negative and fit a u32 for any real program; clamp rather than wrap.
fn count(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

fn row(id: String, a: &Acc, currency: &str) -> AffiliateRow {
    AffiliateRow {
        affiliate_id: id,
        affiliate_name: a.name.clone(),
        clicks: count(a.clicks),
        registrations: count(a.registrations),
        ftds: count(a.ftds),
        approved_conversions: count(a.approved),
        cr_percent: percent(a.ftds.max(0) as u64, a.clicks.max(0) as u64),
        ftd_amount: format_amount(a.ftd_micros, currency),
        ftd_amount_micros: a.ftd_micros.to_string(),
        pixel_percent: None,
    }
}

/// Brings the daily rollups up to date before a read that uses them.
pub fn refresh_rollups(ws: &Workspace) -> Result<(), CoreError> {
    if ws.store().read(crate::rollups::has_dirty)? {
        ws.store().write(crate::rollups::refresh)?;
    }
    Ok(())
}

fn invalid(msg: String) -> CoreError {
    CoreError::invalid(msg)
}

/// Resolves the period of a read of the rollups: brings them up to date first (so the program's stored data range
/// is current too), then validates the given bounds; missing ones default to the program's data range.
pub fn resolve_period(
    ws: &Workspace,
    program: &Program,
    q: &DashboardQuery,
) -> Result<Period, CoreError> {
    refresh_rollups(ws)?;
    // The data range only fills a missing bound: a period given in full never reads it.
    let range = match (&q.from, &q.to) {
        (Some(_), Some(_)) => None,
        _ => ws.store().read(|c| programs::data_range(c, program.id))?,
    };
    let from = q
        .from
        .clone()
        .or_else(|| range.as_ref().map(|r| r.from.clone()));
    let to =
        q.to.clone()
            .or_else(|| range.as_ref().map(|r| r.to.clone()));
    let (Some(from), Some(to)) = (from, to) else {
        return Err(CoreError::not_found(
            "This workspace has no data yet: open the demo workspace or sync a source.",
        ));
    };
    let f = parse_day(&from).map_err(|e| invalid(format!("From: {e}")))?;
    let t = parse_day(&to).map_err(|e| invalid(format!("To: {e}")))?;
    if f > t {
        return Err(invalid(format!("From ({from}) is after To ({to}).")));
    }
    if (t - f).num_days() > PERIOD_DAYS_MAX {
        return Err(invalid(format!(
            "The period is longer than {PERIOD_DAYS_MAX} days; choose a shorter one."
        )));
    }
    Ok(Period {
        from: f.to_string(),
        to: t.to_string(),
    })
}

/// The program's dashboard over the period (missing bounds: the program's data range). A Forex program's funnel
/// has no FTDs: its dashboard adds the trading summary and charts daily opening trades.
pub fn build(
    ws: &Workspace,
    program: &Program,
    q: &DashboardQuery,
) -> Result<Dashboard, CoreError> {
    let period = resolve_period(ws, program, q)?;
    let freshness = ws.freshness()?;
    let currency = program.currency.clone();
    let (rows, totals, daily, trading, pixel_warning, unconverted) =
        ws.store().read::<_, crate::store::StoreError>(|c| {
            let (mut accs, channels) = aggregate(c, program.id, &period)?;
            let unconverted = convert_other_currencies(c, program, &period, &mut accs)?;
            // iGaming: how much of each affiliate's conversions rests on pixels (Forex programs have no conversions).
            let (shares, pixel_warning) = if program.is_forex() {
                Default::default()
            } else {
                crate::coverage::pixel_shares(&channels)
            };
            let mut totals = Acc {
                name: "All affiliates".into(),
                ..Acc::default()
            };
            for a in accs.values() {
                totals.clicks += a.clicks;
                totals.registrations += a.registrations;
                totals.ftds += a.ftds;
                totals.approved += a.approved;
                totals.ftd_micros += a.ftd_micros;
            }
            let rows: Vec<AffiliateRow> = accs
                .iter()
                .map(|(id, a)| AffiliateRow {
                    pixel_percent: shares.get(id).cloned(),
                    ..row(id.clone(), a, &currency)
                })
                .collect();
            let totals = row(String::new(), &totals, &currency);
            if program.is_forex() {
                let daily = daily_counts(c, DAILY_TRADES_SQL, program.id, &period)?;
                Ok((
                    rows,
                    totals,
                    daily,
                    Some(trading::summary(c, program.id, &period)?),
                    pixel_warning,
                    unconverted,
                ))
            } else {
                let daily = daily_counts(c, DAILY_FTDS_SQL, program.id, &period)?;
                Ok((rows, totals, daily, None, pixel_warning, unconverted))
            }
        })?;
    let (title, y_label) = if program.is_forex() {
        ("Daily opening trades", "Trades")
    } else {
        ("Daily FTDs", "FTDs")
    };
    let svg = render_bar_chart(&BarChart {
        title: format!(
            "{title}, {} to {} ({})",
            period.from, period.to, program.timezone
        ),
        y_label: y_label.into(),
        labels: daily.iter().map(|(d, _)| d.clone()).collect(),
        values: daily.iter().map(|(_, n)| *n).collect(),
    });
    Ok(Dashboard {
        program: program.name.clone(),
        vertical: program.vertical,
        currency,
        timezone: program.timezone.clone(),
        period,
        rows,
        totals,
        daily_ftd_svg: svg,
        freshness,
        trading,
        pixel_warning,
        unconverted,
    })
}

/// Adds first-time deposits made in other currencies (`rollup_fx_daily`) to each affiliate's FTD amount,
/// converted per day at that day's rate from the FX table (or up to 7 days before). What has no rate is left
/// out and returned, so the screen says so instead of counting it as zero.
fn convert_other_currencies(
    c: &Connection,
    program: &Program,
    p: &Period,
    accs: &mut BTreeMap<String, Acc>,
) -> crate::store::StoreResult<Vec<crate::fx::types::UnconvertedAmount>> {
    let mut stmt = c.prepare_cached(
        "SELECT a.external_id, a.name, r.day, r.currency, SUM(r.ftd_amount_micros)
         FROM rollup_fx_daily r JOIN affiliates a ON a.id = r.affiliate_id
         WHERE r.program_id = ?1 AND r.day BETWEEN ?2 AND ?3 AND r.ftd_amount_micros <> 0
         GROUP BY r.affiliate_id, r.day, r.currency",
    )?;
    let rows: Vec<(String, String, String, String, i64)> = stmt
        .query_map(params![program.id, p.from, p.to], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .collect::<Result<_, _>>()?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let table = crate::fx::table_for_read(c, &p.from, &p.to)?;
    let mut left_out = crate::fx::Unconverted::default();
    for (ext, name, day, currency, micros) in rows {
        let converted = table.convert_on(&day, &currency, &program.currency, micros);
        match converted {
            Some(m) => {
                let a = accs.entry(ext).or_insert_with(|| Acc {
                    name,
                    ..Acc::default()
                });
                a.ftd_micros = a.ftd_micros.saturating_add(m);
            }
            None => left_out.add(&currency, &day, micros),
        }
    }
    Ok(left_out.rows())
}

/// Per affiliate from the daily rollups, in one read: the funnel (affiliates with no activity in the period left
/// out) and how its conversions arrived (affiliates with conversions).
fn aggregate(
    c: &Connection,
    program_id: i64,
    p: &Period,
) -> crate::store::StoreResult<(
    BTreeMap<String, Acc>,
    BTreeMap<String, crate::coverage::Counts>,
)> {
    let mut stmt = c.prepare_cached(
        "SELECT a.external_id, a.name, SUM(r.clicks), SUM(r.registrations), SUM(r.ftds), SUM(r.ftd_amount_micros),
                SUM(r.approved_conversions), SUM(r.conv_s2s), SUM(r.conv_pixel), SUM(r.conv_batch), SUM(r.conv_api)
         FROM rollup_affiliate_daily r JOIN affiliates a ON a.id = r.affiliate_id
         WHERE r.program_id = ?1 AND r.day BETWEEN ?2 AND ?3
         GROUP BY r.affiliate_id",
    )?;
    let mut rows = stmt.query(params![program_id, p.from, p.to])?;
    let (mut accs, mut channels) = (BTreeMap::new(), BTreeMap::new());
    let n = |v: i64| u64::try_from(v).unwrap_or(0);
    while let Some(r) = rows.next()? {
        let (id, name): (String, String) = (r.get(0)?, r.get(1)?);
        let a = Acc {
            name: name.clone(),
            clicks: r.get(2)?,
            registrations: r.get(3)?,
            ftds: r.get(4)?,
            ftd_micros: r.get(5)?,
            approved: r.get(6)?,
        };
        let ch = crate::coverage::Counts {
            name,
            s2s: n(r.get(7)?),
            pixel: n(r.get(8)?),
            batch: n(r.get(9)?),
            api: n(r.get(10)?),
            ..Default::default()
        };
        if ch.total() > 0 {
            channels.insert(id.clone(), ch);
        }
        if a.clicks + a.registrations + a.ftds + a.approved > 0 {
            accs.insert(id, a);
        }
    }
    Ok((accs, channels))
}

/// FTDs of affiliate players per day.
const DAILY_FTDS_SQL: &str =
    "SELECT day, SUM(ftds) FROM rollup_affiliate_daily WHERE program_id = ?1 AND day BETWEEN ?2 AND ?3 GROUP BY day";

/// Opening trades per day (a round trip counts once, as in the trading summary).
const DAILY_TRADES_SQL: &str = "SELECT day, COUNT(*) FROM deals WHERE program_id = ?1 AND day BETWEEN ?2 AND ?3
     AND deal_type IN ('BUY', 'SELL') AND entry IN ('IN', 'INOUT', '') AND symbol <> '' GROUP BY day";

/// A count per day from `sql` (day, count), every day of the period present (zeros included).
fn daily_counts(
    c: &Connection,
    sql: &str,
    program_id: i64,
    p: &Period,
) -> crate::store::StoreResult<Vec<(String, u32)>> {
    let mut stmt = c.prepare_cached(sql)?;
    let counts: BTreeMap<String, u32> = stmt
        .query_map(params![program_id, p.from, p.to], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?
        .collect::<Result<_, _>>()?;
    let (Ok(from), Ok(to)) = (parse_day(&p.from), parse_day(&p.to)) else {
        return Ok(Vec::new());
    };
    Ok(from
        .iter_days()
        .take_while(|d| *d <= to)
        .map(|d| {
            let key = d.to_string();
            let n = counts.get(&key).copied().unwrap_or(0);
            (key, n)
        })
        .collect())
}

/// A period of a report: missing bounds default to the program's data range. The program is the session's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DashboardQuery {
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

/// One affiliate's funnel for a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AffiliateRow {
    /// The tracker's affiliate id (e.g. Everflow `network_affiliate_id`).
    pub affiliate_id: String,
    pub affiliate_name: String,
    pub clicks: u32,
    pub registrations: u32,
    pub ftds: u32,
    pub approved_conversions: u32,
    /// FTDs per 100 clicks, two decimals, half-up; "0.00" with no clicks.
    pub cr_percent: String,
    /// Sum of first-time deposits in the program currency, as an exact decimal string ("1234.50"); deposits in
    /// other currencies are converted at their day's rate from the FX table (see `Dashboard::unconverted`).
    pub ftd_amount: String,
    /// The same amount in micros (10^-6 of the currency unit), as a decimal integer string, for exact sorting.
    pub ftd_amount_micros: String,
    /// The share of the affiliate's conversions in the period that arrived by pixel (see `coverage`), two
    /// decimals, half-up; absent when it had no conversion (and on totals and Forex rows).
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pixel_percent: Option<String>,
}

/// Everything the dashboard screen shows for a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Dashboard {
    pub program: String,
    /// igaming or forex: a Forex program's funnel has no FTDs; its trading is in `trading`.
    pub vertical: crate::programs::Vertical,
    pub currency: String,
    pub timezone: String,
    pub period: Period,
    pub rows: Vec<AffiliateRow>,
    pub totals: AffiliateRow,
    /// Daily FTDs (iGaming) or opening trades (Forex) over the period, rendered by plotters as a standalone SVG.
    pub daily_ftd_svg: String,
    pub freshness: Vec<SourceFreshness>,
    /// A Forex program's accounts, trades and lots over the period; None for iGaming.
    pub trading: Option<TradingSummary>,
    /// Set when some affiliates' conversions arrive mostly by pixel (the Coverage screen's warning).
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pixel_warning: Option<String>,
    /// FTD amounts in other currencies with no rate in the FX table for their day: left out of the amounts above.
    pub unconverted: Vec<crate::fx::types::UnconvertedAmount>,
}
