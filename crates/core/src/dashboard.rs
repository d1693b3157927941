//! The dashboard: per affiliate for a period, clicks → registrations → FTDs → approved conversions, CR and the
//! FTD amount, plus the daily FTD chart and each source's freshness. Days are the program's reporting days.

use crate::api::{AffiliateRow, ApiError, Dashboard, DashboardQuery, ErrorCode, Period};
use crate::charts::{render_bar_chart, BarChart};
use crate::money::{format_amount, percent};
use crate::time::parse_day;
use crate::workspace::Workspace;
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::BTreeMap;

/// The longest period the dashboard shows at once.
pub const PERIOD_DAYS_MAX: i64 = 3 * 366;

#[derive(Default)]
struct Acc {
    name: String,
    clicks: u64,
    registrations: u64,
    ftds: u64,
    approved: u64,
    ftd_micros: i64,
}

fn row(id: String, a: &Acc, currency: &str) -> AffiliateRow {
    AffiliateRow {
        affiliate_id: id,
        affiliate_name: a.name.clone(),
        clicks: a.clicks as u32,
        registrations: a.registrations as u32,
        ftds: a.ftds as u32,
        approved_conversions: a.approved as u32,
        cr_percent: percent(a.ftds, a.clicks),
        ftd_amount: format_amount(a.ftd_micros, currency),
        ftd_amount_micros: a.ftd_micros.to_string(),
    }
}

fn invalid(msg: String) -> ApiError {
    ApiError::new(ErrorCode::InvalidInput, msg)
}

/// Resolves the period: given bounds are validated; missing ones default to the workspace's data range.
fn resolve_period(ws: &Workspace, q: &DashboardQuery) -> Result<Period, ApiError> {
    let range = ws.status()?.data_range;
    let from = q
        .from
        .clone()
        .or_else(|| range.as_ref().map(|r| r.from.clone()));
    let to =
        q.to.clone()
            .or_else(|| range.as_ref().map(|r| r.to.clone()));
    let (Some(from), Some(to)) = (from, to) else {
        return Err(ApiError::new(
            ErrorCode::NotFound,
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

pub fn build(ws: &Workspace, q: &DashboardQuery) -> Result<Dashboard, ApiError> {
    let period = resolve_period(ws, q)?;
    let freshness = ws.freshness()?;
    let (program, currency, timezone, rows, totals, daily) = ws
        .store()
        .read(|c| {
            let program: Option<(i64, String, String, String)> = c
                .query_row(
                    "SELECT id, name, currency, timezone FROM programs ORDER BY id LIMIT 1",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .optional()?;
            let Some((program_id, name, currency, tz)) = program else {
                return Ok(None);
            };
            let accs = aggregate(c, program_id, &currency, &period)?;
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
                .map(|(id, a)| row(id.clone(), a, &currency))
                .collect();
            let totals = row(String::new(), &totals, &currency);
            let daily = daily_ftds(c, program_id, &period)?;
            Ok(Some((name, currency, tz, rows, totals, daily)))
        })?
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::NotFound,
                "This workspace has no program yet: open the demo workspace.",
            )
        })?;
    let svg = render_bar_chart(&BarChart {
        title: format!("Daily FTDs, {} to {} ({timezone})", period.from, period.to),
        y_label: "FTDs".into(),
        labels: daily.iter().map(|(d, _)| d.clone()).collect(),
        values: daily.iter().map(|(_, n)| *n).collect(),
    });
    Ok(Dashboard {
        program,
        currency,
        timezone,
        period,
        rows,
        totals,
        daily_ftd_svg: svg,
        freshness,
    })
}

/// A grouped query (affiliate, count, amount) and where its numbers go.
type Measure = (&'static str, fn(&mut Acc, i64, i64));

/// One pass per measure, each grouped by affiliate; affiliates with no activity in the period are left out.
fn aggregate(
    c: &Connection,
    program_id: i64,
    currency: &str,
    p: &Period,
) -> crate::store::StoreResult<BTreeMap<String, Acc>> {
    let mut accs: BTreeMap<i64, Acc> = BTreeMap::new();
    let measures: [Measure; 4] = [
        ("SELECT affiliate_id, COUNT(*), 0 FROM clicks WHERE program_id = ?1 AND day BETWEEN ?2 AND ?3 GROUP BY affiliate_id",
            |a, n, _| a.clicks = n as u64),
        ("SELECT affiliate_id, COUNT(*), 0 FROM players WHERE program_id = ?1 AND day BETWEEN ?2 AND ?3 AND affiliate_id IS NOT NULL GROUP BY affiliate_id",
            |a, n, _| a.registrations = n as u64),
        // FTD amounts are summed in the program currency only; other currencies need the FX snapshot of a period.
        ("SELECT p.affiliate_id, COUNT(*), COALESCE(SUM(CASE WHEN m.currency = ?4 THEN m.amount_micros ELSE 0 END), 0)
            FROM money_movements m JOIN players p ON p.id = m.player_id
            WHERE m.program_id = ?1 AND m.is_ftd = 1 AND m.day BETWEEN ?2 AND ?3 AND p.affiliate_id IS NOT NULL
            GROUP BY p.affiliate_id",
            |a, n, amount| { a.ftds = n as u64; a.ftd_micros = amount }),
        ("SELECT affiliate_id, COUNT(*), 0 FROM conversions WHERE program_id = ?1 AND day BETWEEN ?2 AND ?3 AND status = 'approved' AND affiliate_id IS NOT NULL GROUP BY affiliate_id",
            |a, n, _| a.approved = n as u64),
    ];
    for (sql, set) in measures {
        let mut stmt = c.prepare_cached(sql)?;
        let with_currency = sql.contains("?4");
        let mut rows = if with_currency {
            stmt.query(params![program_id, p.from, p.to, currency])?
        } else {
            stmt.query(params![program_id, p.from, p.to])?
        };
        while let Some(r) = rows.next()? {
            set(accs.entry(r.get(0)?).or_default(), r.get(1)?, r.get(2)?);
        }
    }
    let mut out = BTreeMap::new();
    let mut names = c.prepare_cached("SELECT external_id, name FROM affiliates WHERE id = ?1")?;
    for (id, mut acc) in accs {
        let (ext, name): (String, String) =
            names.query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        acc.name = name;
        out.insert(ext, acc);
    }
    Ok(out)
}

/// FTDs of affiliate players per day, every day of the period present (zeros included).
fn daily_ftds(
    c: &Connection,
    program_id: i64,
    p: &Period,
) -> crate::store::StoreResult<Vec<(String, u32)>> {
    let mut stmt = c.prepare_cached(
        "SELECT m.day, COUNT(*) FROM money_movements m JOIN players pl ON pl.id = m.player_id
         WHERE m.program_id = ?1 AND m.is_ftd = 1 AND m.day BETWEEN ?2 AND ?3 AND pl.affiliate_id IS NOT NULL
         GROUP BY m.day",
    )?;
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
