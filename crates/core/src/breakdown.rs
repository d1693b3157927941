//! The breakdown: any period of a program split by one dimension (affiliate, sub-ID, country, brand, day, week,
//! month), with clicks → registrations → FTDs, deposits, NGR, the commission the ledger holds where it can be
//! attributed exactly, eCPA, and the change against the same-length period just before. Read from the daily
//! rollups (kept up to date at ingest, see [`read_rollup`]); a Forex program adds lots and trading clients from its
//! deals. What each column means and how commission is attributed: docs/dashboards.md.

use crate::charts::{render_movers_chart, MoversChart};
use crate::dashboard::{resolve_period, DashboardQuery};
use crate::error::CoreError;
use crate::fx::types::UnconvertedAmount;
use crate::money::{currency_exponent, format_amount, MICROS_SCALE};
use crate::programs::{trading, Program, Vertical};
use crate::store::{StoreError, StoreResult};
use crate::time::{parse_day, Period};
use crate::workspace::Workspace;
use chrono::{Datelike, Duration, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use ts_rs::TS;

/// How many rows the movers chart shows.
pub const MOVERS_MAX: usize = 10;

/// What a breakdown splits the period by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    #[default]
    Affiliate,
    /// Sub1 of the click the player came through (clicks: their own sub1), per affiliate.
    SubId,
    /// The player's country (clicks: the click's).
    Country,
    /// The player's brand (clicks name no brand).
    Brand,
    Day,
    /// ISO weeks, Monday first; a row's key is its Monday.
    Week,
    Month,
}

impl Dimension {
    pub const ALL: [Dimension; 7] = [
        Dimension::Affiliate,
        Dimension::SubId,
        Dimension::Country,
        Dimension::Brand,
        Dimension::Day,
        Dimension::Week,
        Dimension::Month,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Affiliate => "affiliate",
            Dimension::SubId => "sub_id",
            Dimension::Country => "country",
            Dimension::Brand => "brand",
            Dimension::Day => "day",
            Dimension::Week => "week",
            Dimension::Month => "month",
        }
    }

    pub fn parse(s: &str) -> Option<Dimension> {
        Self::ALL.into_iter().find(|d| d.as_str() == s)
    }

    pub fn is_time(self) -> bool {
        matches!(self, Dimension::Day | Dimension::Week | Dimension::Month)
    }

    /// The SQL grouping key over columns named day, affiliate_id, sub_id, country, brand_id (as text).
    fn key_sql(self) -> &'static str {
        match self {
            Dimension::Affiliate => "CAST(affiliate_id AS TEXT)",
            Dimension::SubId => "CAST(affiliate_id AS TEXT) || char(31) || sub_id",
            Dimension::Country => "country",
            Dimension::Brand => "CAST(brand_id AS TEXT)",
            Dimension::Day => "day",
            Dimension::Week => {
                "date(day, '-' || ((CAST(strftime('%w', day) AS INTEGER) + 6) % 7) || ' days')"
            }
            Dimension::Month => "substr(day, 1, 7)",
        }
    }
}

/// A breakdown request: the period (missing bounds: the program's data range), the dimension, and optionally one
/// affiliate (the tracker's id) to look inside.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BreakdownQuery {
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(default)]
    pub dimension: Dimension,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affiliate: Option<String>,
}

/// One number now and in the previous period: values as the row shows them (exact decimal text), the change
/// (signed) and the change in percent of the previous value (2 places, half-up; null when it was zero).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Change {
    pub previous: String,
    pub change: String,
    pub change_percent: Option<String>,
}

/// The changes of a row against its previous period (time rows: against the bucket before them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RowChange {
    pub clicks: Change,
    pub registrations: Change,
    pub ftds: Change,
    pub deposits: Change,
    pub ngr: Change,
    /// Null when the row's commission or the previous one's cannot be attributed (see `commission`).
    pub commission: Option<Change>,
    /// Forex only.
    pub lots: Option<Change>,
}

/// One row of a breakdown. Amounts are in the program currency: exact decimal text plus micros (10^-6) as
/// integer text, for exact sorting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BreakdownRow {
    /// Unique within the breakdown: the affiliate's id, "affiliate/sub", the country or brand code, the day, the
    /// week's Monday, or the month (YYYY-MM). Empty for the totals.
    pub key: String,
    /// What the table shows: the affiliate's name, the sub-ID ("(none)"), the country ("(unknown)"), the brand
    /// ("(no brand)"), the day, "week of …" or the month.
    pub label: String,
    /// The affiliate of an affiliate or sub-ID row.
    pub affiliate_id: Option<String>,
    pub affiliate_name: Option<String>,
    pub clicks: u32,
    pub registrations: u32,
    pub ftds: u32,
    /// Deposits (every deposit, FTDs included) of attributed players.
    pub deposits: String,
    pub deposits_micros: String,
    /// NGR = bets − wins − bonuses − chargebacks − fees − taxes of attributed players' daily activity.
    pub ngr: String,
    pub ngr_micros: String,
    /// Commission the ledger holds for the commission periods lying wholly inside the row's span (affiliate and
    /// time rows, and the totals); null where it cannot be attributed exactly (sub-ID, country, brand rows; a
    /// time row shorter than a commission period).
    pub commission: Option<String>,
    pub commission_micros: Option<String>,
    /// commission / FTDs rounded half-up to the currency's minor units; null without FTDs or commission.
    pub ecpa: Option<String>,
    pub ecpa_micros: Option<String>,
    /// Forex: lots traded (opening trades; 2 places, half-up); null for iGaming.
    pub lots: Option<String>,
    /// Forex: client accounts that opened a trade; null for iGaming.
    pub trading_clients: Option<u32>,
    /// Against the previous period; null for the first time row when the previous period holds nothing.
    pub change: Option<RowChange>,
}

/// A program's period split by one dimension.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Breakdown {
    pub program: String,
    pub vertical: Vertical,
    pub currency: String,
    pub timezone: String,
    pub dimension: Dimension,
    /// The affiliate looked inside, if any.
    pub affiliate: Option<String>,
    pub period: Period,
    /// The same number of days just before `period`.
    pub previous_period: Period,
    pub rows: Vec<BreakdownRow>,
    pub totals: BreakdownRow,
    /// The commission periods whose ledger entries the totals count (those wholly inside the period).
    pub commission_periods: Vec<Period>,
    /// How this breakdown attributes commission, in a sentence.
    pub commission_note: String,
    /// The largest changes (NGR; Forex: lots) as horizontal bars, rendered by plotters as a standalone SVG.
    pub movers_svg: String,
    /// Deposits in other currencies the FX table has no rate for on their day (up to 7 days before): left out of
    /// the period's deposits and NGR, never counted as zero. Amounts in other currencies that have a rate are
    /// converted at their day's rate.
    pub unconverted: Vec<UnconvertedAmount>,
}

/// Additive numbers of one row and one side (current or previous).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Acc {
    clicks: i64,
    registrations: i64,
    ftds: i64,
    deposits: i64,
    ngr: i64,
    lots: Decimal,
    trading_clients: i64,
}

impl Acc {
    fn add(&mut self, o: &Acc) {
        self.clicks += o.clicks;
        self.registrations += o.registrations;
        self.ftds += o.ftds;
        self.deposits += o.deposits;
        self.ngr += o.ngr;
        self.lots += o.lots;
        self.trading_clients += o.trading_clients;
    }
}

fn count(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

fn lots_text(d: Decimal) -> String {
    let mut r = d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(2);
    r.to_string()
}

/// eCPA: commission / FTDs, rounded half-up (away from zero) to the currency's minor units; the micros are of
/// that rounded amount. None without FTDs.
pub fn ecpa_micros(commission_micros: i64, ftds: u32, currency: &str) -> Option<i64> {
    if ftds == 0 {
        return None;
    }
    let per = Decimal::new(commission_micros, MICROS_SCALE) / Decimal::from(ftds);
    let rounded = per.round_dp_with_strategy(
        currency_exponent(currency),
        RoundingStrategy::MidpointAwayFromZero,
    );
    crate::money::decimal_to_micros(rounded).ok()
}

/// `(now − before) / |before|` in percent, 2 places half-up; None when `before` is zero.
pub fn change_percent(now: Decimal, before: Decimal) -> Option<String> {
    if before.is_zero() {
        return None;
    }
    let p = ((now - before) * Decimal::ONE_HUNDRED / before.abs())
        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    Some(format!("{p:.2}"))
}

fn change_count(now: i64, before: i64) -> Change {
    Change {
        previous: before.to_string(),
        change: (now - before).to_string(),
        change_percent: change_percent(Decimal::from(now), Decimal::from(before)),
    }
}

fn change_money(now: i64, before: i64, currency: &str) -> Change {
    Change {
        previous: format_amount(before, currency),
        change: format_amount(now - before, currency),
        change_percent: change_percent(Decimal::from(now), Decimal::from(before)),
    }
}

fn change_lots(now: Decimal, before: Decimal) -> Change {
    Change {
        previous: lots_text(before),
        change: lots_text(now - before),
        change_percent: change_percent(now, before),
    }
}

/// A commission period: its bounds and the program-currency amount booked for it per affiliate.
struct CommissionPeriod {
    from: String,
    to: String,
    per_affiliate: HashMap<i64, i64>,
}

/// The ledger's earnings per commission period (origin period) and affiliate, in the program currency: commission
/// lines and their corrections (adjustments, reversals, clawbacks); carry-overs and waivers move balances between
/// periods and are not earnings of any.
fn commission_periods(
    c: &Connection,
    program: &Program,
    affiliate: Option<i64>,
) -> StoreResult<Vec<CommissionPeriod>> {
    let mut periods: BTreeMap<i64, CommissionPeriod> = c
        .prepare_cached("SELECT id, start_day, end_day FROM periods WHERE program_id = ?1")?
        .query_map([program.id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                CommissionPeriod {
                    from: r.get(1)?,
                    to: r.get(2)?,
                    per_affiliate: HashMap::new(),
                },
            ))
        })?
        .collect::<Result<_, _>>()?;
    let mut stmt = c.prepare_cached(
        "SELECT origin_period_id, affiliate_id, SUM(amount_micros) FROM ledger_entries
         WHERE program_id = ?1 AND currency = ?2
           AND kind IN ('commission', 'adjustment', 'reversal', 'clawback')
           AND (?3 IS NULL OR affiliate_id = ?3)
         GROUP BY origin_period_id, affiliate_id",
    )?;
    let mut rows = stmt.query(params![program.id, program.currency, affiliate])?;
    while let Some(r) = rows.next()? {
        if let Some(p) = periods.get_mut(&r.get::<_, i64>(0)?) {
            p.per_affiliate.insert(r.get(1)?, r.get(2)?);
        }
    }
    Ok(periods.into_values().collect())
}

/// The commission of the periods wholly inside [from, to] (for one affiliate, or all); None when no commission
/// period lies wholly inside.
fn commission_in(
    periods: &[CommissionPeriod],
    from: &str,
    to: &str,
    affiliate: Option<i64>,
) -> Option<i64> {
    let inside: Vec<&CommissionPeriod> = periods
        .iter()
        .filter(|p| p.from.as_str() >= from && p.to.as_str() <= to)
        .collect();
    if inside.is_empty() {
        return None;
    }
    Some(
        inside
            .iter()
            .map(|p| match affiliate {
                Some(a) => p.per_affiliate.get(&a).copied().unwrap_or(0),
                None => p.per_affiliate.values().sum(),
            })
            .sum(),
    )
}

fn day_shift(day: &str, days: i64) -> Result<String, CoreError> {
    let d = parse_day(day).map_err(|e| CoreError::invalid(e.to_string()))?;
    Ok((d + Duration::days(days)).to_string())
}

/// The same number of days just before `p`.
pub fn previous_period(p: &Period) -> Result<Period, CoreError> {
    let from = parse_day(&p.from).map_err(|e| CoreError::invalid(e.to_string()))?;
    let to = parse_day(&p.to).map_err(|e| CoreError::invalid(e.to_string()))?;
    let len = (to - from).num_days() + 1;
    Ok(Period {
        from: day_shift(&p.from, -len)?,
        to: day_shift(&p.from, -1)?,
    })
}

/// The first and last day of a time bucket key (day, week's Monday, or YYYY-MM).
fn bucket_span(dim: Dimension, key: &str) -> Option<(String, String)> {
    match dim {
        Dimension::Day => Some((key.to_string(), key.to_string())),
        Dimension::Week => {
            let d = parse_day(key).ok()?;
            Some((key.to_string(), (d + Duration::days(6)).to_string()))
        }
        Dimension::Month => {
            let d = NaiveDate::parse_from_str(&format!("{key}-01"), "%Y-%m-%d").ok()?;
            let next = if d.month() == 12 {
                NaiveDate::from_ymd_opt(d.year() + 1, 1, 1)?
            } else {
                NaiveDate::from_ymd_opt(d.year(), d.month() + 1, 1)?
            };
            Some((d.to_string(), (next - Duration::days(1)).to_string()))
        }
        _ => None,
    }
}

type Sides = BTreeMap<String, (Acc, Acc)>;

/// Rollup numbers per dimension key, split into (current, previous). Each read takes the coarsest rollup that
/// holds its key: per affiliate and day for the affiliate and time dimensions, per key over all affiliates for
/// country, brand and sub-ID, and one affiliate's own rows of `rollup_daily` when the breakdown looks inside it.
fn read_rollup(
    c: &Connection,
    program_id: i64,
    dim: Dimension,
    cur: &Period,
    prev: &Period,
    affiliate: Option<i64>,
) -> StoreResult<Sides> {
    const SUMS: &str =
        "SUM(clicks), SUM(registrations), SUM(ftds), SUM(deposits_micros), SUM(ngr_micros)";
    let sql = match (dim, affiliate) {
        (Dimension::Affiliate | Dimension::Day | Dimension::Week | Dimension::Month, _) => format!(
            "SELECT {key} AS k, day >= ?3 AS cur, {SUMS} FROM rollup_affiliate_daily
             WHERE program_id = ?1 AND day BETWEEN ?2 AND ?4 AND (?5 IS NULL OR affiliate_id = ?5)
               AND funnel_rows > 0
             GROUP BY k, cur",
            key = dim.key_sql()
        ),
        (_, None) => return read_keys(c, program_id, dim, cur, prev),
        (_, Some(_)) => format!(
            "SELECT {key} AS k, day >= ?3 AS cur, {SUMS} FROM rollup_daily
             WHERE program_id = ?1 AND affiliate_id = ?5 AND day BETWEEN ?2 AND ?4
             GROUP BY k, cur",
            key = dim.key_sql()
        ),
    };
    let mut sums: HashMap<String, (Acc, Acc)> = HashMap::new();
    let mut stmt = c.prepare_cached(&sql)?;
    let rows = stmt.query(params![program_id, prev.from, cur.from, cur.to, affiliate])?;
    add_rows(rows, &mut sums, |_| true)?;
    Ok(sums.into_iter().collect())
}

/// Sums rows of (key, is current, clicks, registrations, ftds, deposits, NGR) into `sums` by key and side, the
/// rows `keep` accepts (given the row).
fn add_rows(
    mut rows: rusqlite::Rows<'_>,
    sums: &mut HashMap<String, (Acc, Acc)>,
    keep: impl Fn(&rusqlite::Row<'_>) -> bool,
) -> StoreResult<()> {
    while let Some(r) = rows.next()? {
        if !keep(r) {
            continue;
        }
        let key = r
            .get_ref(0)?
            .as_str()
            .map_err(|e| StoreError::Invalid(format!("breakdown key: {e}")))?;
        let e = match sums.get_mut(key) {
            Some(e) => e,
            None => sums.entry(key.to_string()).or_default(),
        };
        let a = Acc {
            clicks: r.get(2)?,
            registrations: r.get(3)?,
            ftds: r.get(4)?,
            deposits: r.get(5)?,
            ngr: r.get(6)?,
            ..Acc::default()
        };
        if r.get::<_, bool>(1)? {
            e.0.add(&a);
        } else {
            e.1.add(&a);
        }
    }
    Ok(())
}

/// Country, brand or sub-ID over all affiliates: the whole calendar months of the two periods from
/// `rollup_key_monthly`, the days left over from `rollup_key_daily`; summed by key in a hash (it beats SQLite's
/// sort on the sub-ID's many keys).
fn read_keys(
    c: &Connection,
    program_id: i64,
    dim: Dimension,
    cur: &Period,
    prev: &Period,
) -> StoreResult<Sides> {
    let (months, days) = months_and_days(&prev.from, &cur.to, &cur.from)
        .map_err(|e| StoreError::Invalid(e.to_string()))?;
    let mut sums: HashMap<String, (Acc, Acc)> = HashMap::new();
    if let (Some(first), Some(last)) = (months.first(), months.last()) {
        let mut stmt = c.prepare_cached(
            "SELECT key, month || '-01' >= ?4, clicks, registrations, ftds, deposits_micros, ngr_micros, month
             FROM rollup_key_monthly WHERE program_id = ?1 AND dim = ?5 AND month BETWEEN ?2 AND ?3",
        )?;
        let rows = stmt.query(params![program_id, first, last, cur.from, dim.as_str()])?;
        // A month between them that is not whole (the one the current period starts in) is read by day.
        add_rows(rows, &mut sums, |r| {
            r.get_ref(7)
                .ok()
                .and_then(|m| m.as_str().ok())
                .is_some_and(|m| months.binary_search_by(|x| x.as_str().cmp(m)).is_ok())
        })?;
    }
    let mut stmt = c.prepare_cached(
        "SELECT key, day >= ?4, clicks, registrations, ftds, deposits_micros, ngr_micros
         FROM rollup_key_daily WHERE program_id = ?1 AND dim = ?5 AND day BETWEEN ?2 AND ?3",
    )?;
    for (from, to) in &days {
        let rows = stmt.query(params![program_id, from, to, cur.from, dim.as_str()])?;
        add_rows(rows, &mut sums, |_| true)?;
    }
    Ok(sums.into_iter().collect())
}

/// Whole calendar months (`YYYY-MM`, ascending) and the runs of days (first, last) left over.
type MonthsAndDays = (Vec<String>, Vec<(String, String)>);

/// Days `from` to `to` as the whole calendar months inside them (none that `split`, the first day of the current
/// period, falls inside after its first day) and the runs of days left over.
fn months_and_days(from: &str, to: &str, split: &str) -> Result<MonthsAndDays, CoreError> {
    let day = |s: &str| parse_day(s).map_err(|e| CoreError::invalid(e.to_string()));
    let (mut d, to, split) = (day(from)?, day(to)?, day(split)?);
    let (mut months, mut days): MonthsAndDays = (Vec::new(), Vec::new());
    while d <= to {
        let start = d.with_day(1).unwrap_or(d);
        let end = start
            .checked_add_months(chrono::Months::new(1))
            .and_then(|n| n.pred_opt())
            .unwrap_or(d);
        let straddles = start < split && split <= end;
        if d == start && end <= to && !straddles {
            months.push(d.format("%Y-%m").to_string());
        } else {
            let last = end.min(to);
            match days.last_mut() {
                Some((_, t)) if day(t)?.succ_opt() == Some(d) => *t = last.to_string(),
                _ => days.push((d.to_string(), last.to_string())),
            }
        }
        match end.succ_opt() {
            Some(next) => d = next,
            None => break,
        }
    }
    Ok((months, days))
}

/// Deposits and NGR in other currencies (`rollup_fx_daily`), converted into the program currency at each day's
/// rate from the FX table (or up to 7 days before) and added to their rows, current or previous. What has no rate
/// is left out, never counted as zero; the current period's is returned so the screen can say so.
fn add_other_currencies(
    c: &Connection,
    program: &Program,
    dim: Dimension,
    cur: &Period,
    prev: &Period,
    affiliate: Option<i64>,
    sides: &mut Sides,
) -> StoreResult<Vec<UnconvertedAmount>> {
    let sql = format!(
        "SELECT {key} AS k, day, currency, SUM(deposits_micros), SUM(ngr_micros) FROM rollup_fx_daily
         WHERE program_id = ?1 AND day BETWEEN ?2 AND ?3 AND (?4 IS NULL OR affiliate_id = ?4)
           AND (deposits_micros <> 0 OR ngr_micros <> 0)
         GROUP BY k, day, currency",
        key = dim.key_sql()
    );
    let rows: Vec<(String, String, String, i64, i64)> = c
        .prepare_cached(&sql)?
        .query_map(params![program.id, prev.from, cur.to, affiliate], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .collect::<Result<_, _>>()?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let table = crate::fx::table_for_read(c, &prev.from, &cur.to)?;
    let mut left_out = crate::fx::Unconverted::default();
    for (key, day, currency, deposits, ngr) in rows {
        let current = day >= cur.from;
        let to = program.currency.as_str();
        let converted = table
            .convert_on(&day, &currency, to, deposits)
            .zip(table.convert_on(&day, &currency, to, ngr));
        match converted {
            Some((deposits, ngr)) => {
                let e = sides.entry(key).or_default();
                let side = if current { &mut e.0 } else { &mut e.1 };
                side.deposits = side.deposits.saturating_add(deposits);
                side.ngr = side.ngr.saturating_add(ngr);
            }
            None if current => left_out.add(&currency, &day, deposits),
            None => {}
        }
    }
    Ok(left_out.rows())
}

/// Forex: lots of opening trades and the accounts that made them, per dimension key, (current, previous). An
/// account's client has one affiliate, sub-ID, country and brand, so distinct accounts add up across those keys;
/// across days they do not (a client trading on two days of a week counts once in the week).
fn read_trading(
    c: &Connection,
    program_id: i64,
    dim: Dimension,
    cur: &Period,
    prev: &Period,
    affiliate: Option<i64>,
    sides: &mut Sides,
) -> StoreResult<()> {
    let sizes: HashMap<String, i64> = c
        .prepare_cached("SELECT symbol, contract_size FROM symbols WHERE program_id = ?1")?
        .query_map([program_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let source = "SELECT d.day AS day, d.symbol AS symbol, d.volume_micros AS volume_micros,
                         d.account_id AS account_id, fa.is_cent AS is_cent,
                         p.affiliate_id AS affiliate_id, COALESCE(c.sub1, '') AS sub_id, p.country AS country,
                         COALESCE(p.brand_id, 0) AS brand_id
                  FROM deals d JOIN forex_accounts fa ON fa.id = d.account_id
                  JOIN players p ON p.id = fa.player_id
                  LEFT JOIN clicks c ON c.program_id = p.program_id AND c.click_id = p.click_id
                  WHERE d.program_id = ?1 AND d.day BETWEEN ?2 AND ?4 AND d.deal_type IN ('BUY', 'SELL')
                    AND d.entry IN ('IN', 'INOUT', '') AND d.symbol <> '' AND p.affiliate_id IS NOT NULL
                    AND (?5 IS NULL OR p.affiliate_id = ?5)";
    let key = dim.key_sql();
    let lots_sql = format!(
        "SELECT {key} AS k, day >= ?3 AS cur, symbol, is_cent, SUM(volume_micros) FROM ({source})
         GROUP BY k, cur, symbol, is_cent"
    );
    let mut stmt = c.prepare_cached(&lots_sql)?;
    let mut rows = stmt.query(params![program_id, prev.from, cur.from, cur.to, affiliate])?;
    while let Some(r) = rows.next()? {
        let symbol: String = r.get(2)?;
        let Some(l) = trading::lots(
            r.get(4)?,
            sizes.get(&symbol).copied(),
            r.get::<_, i64>(3)? != 0,
        ) else {
            continue;
        };
        let e = sides.entry(r.get(0)?).or_default();
        if r.get::<_, bool>(1)? {
            e.0.lots += l;
        } else {
            e.1.lots += l;
        }
    }
    let clients_sql = format!(
        "SELECT {key} AS k, day >= ?3 AS cur, COUNT(DISTINCT account_id) FROM ({source}) GROUP BY k, cur"
    );
    let mut stmt = c.prepare_cached(&clients_sql)?;
    let mut rows = stmt.query(params![program_id, prev.from, cur.from, cur.to, affiliate])?;
    while let Some(r) = rows.next()? {
        let e = sides.entry(r.get(0)?).or_default();
        if r.get::<_, bool>(1)? {
            e.0.trading_clients += r.get::<_, i64>(2)?;
        } else {
            e.1.trading_clients += r.get::<_, i64>(2)?;
        }
    }
    Ok(())
}

/// Distinct trading accounts over a whole period (the totals: accounts are not additive across days).
fn trading_clients_total(
    c: &Connection,
    program_id: i64,
    p: &Period,
    affiliate: Option<i64>,
) -> StoreResult<i64> {
    Ok(c.query_row(
        "SELECT COUNT(DISTINCT d.account_id) FROM deals d JOIN forex_accounts fa ON fa.id = d.account_id
         JOIN players p ON p.id = fa.player_id
         WHERE d.program_id = ?1 AND d.day BETWEEN ?2 AND ?3 AND d.deal_type IN ('BUY', 'SELL')
           AND d.entry IN ('IN', 'INOUT', '') AND d.symbol <> '' AND p.affiliate_id IS NOT NULL
           AND (?4 IS NULL OR p.affiliate_id = ?4)",
        params![program_id, p.from, p.to, affiliate],
        |r| r.get(0),
    )?)
}

struct Names {
    affiliates: HashMap<i64, (String, String)>,
    brands: HashMap<i64, (String, String)>,
}

fn names(c: &Connection, program_id: i64) -> StoreResult<Names> {
    let affiliates = c
        .prepare_cached("SELECT id, external_id, name FROM affiliates WHERE program_id = ?1")?
        .query_map([program_id], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?
        .collect::<Result<_, _>>()?;
    let brands = c
        .prepare_cached("SELECT id, code, name FROM brands WHERE program_id = ?1")?
        .query_map([program_id], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?
        .collect::<Result<_, _>>()?;
    Ok(Names { affiliates, brands })
}

/// A row's identity as shown: (key, label, affiliate id, affiliate name, internal affiliate id).
type Identity = (String, String, Option<String>, Option<String>, Option<i64>);

fn identity(dim: Dimension, raw: &str, n: &Names) -> Identity {
    let affiliate = |id: &str| {
        let internal = id.parse::<i64>().ok();
        let (ext, name) = internal
            .and_then(|i| n.affiliates.get(&i).cloned())
            .unwrap_or_else(|| (id.to_string(), id.to_string()));
        (ext, name, internal)
    };
    match dim {
        Dimension::Affiliate => {
            let (ext, name, internal) = affiliate(raw);
            (ext.clone(), name.clone(), Some(ext), Some(name), internal)
        }
        Dimension::SubId => {
            let (aff, sub) = raw.split_once('\u{1f}').unwrap_or((raw, ""));
            let (ext, name, internal) = affiliate(aff);
            let label = if sub.is_empty() { "(none)" } else { sub };
            (
                format!("{ext}/{sub}"),
                label.to_string(),
                Some(ext),
                Some(name),
                internal,
            )
        }
        Dimension::Country => {
            let label = if raw.is_empty() { "(unknown)" } else { raw };
            (raw.to_string(), label.to_string(), None, None, None)
        }
        Dimension::Brand => {
            let brand = raw.parse::<i64>().ok().and_then(|i| n.brands.get(&i));
            match brand {
                Some((code, name)) => (code.clone(), name.clone(), None, None, None),
                None => (String::new(), "(no brand)".into(), None, None, None),
            }
        }
        Dimension::Week => (raw.to_string(), format!("week of {raw}"), None, None, None),
        Dimension::Day | Dimension::Month => (raw.to_string(), raw.to_string(), None, None, None),
    }
}

struct RowInput<'a> {
    id: Identity,
    now: Acc,
    before: Acc,
    commission: Option<i64>,
    commission_before: Option<i64>,
    has_previous: bool,
    forex: bool,
    currency: &'a str,
}

fn make_row(i: RowInput<'_>) -> BreakdownRow {
    let cur = i.currency;
    let ftds = count(i.now.ftds);
    let ecpa = i.commission.and_then(|c| ecpa_micros(c, ftds, cur));
    let change = i.has_previous.then(|| RowChange {
        clicks: change_count(i.now.clicks, i.before.clicks),
        registrations: change_count(i.now.registrations, i.before.registrations),
        ftds: change_count(i.now.ftds, i.before.ftds),
        deposits: change_money(i.now.deposits, i.before.deposits, cur),
        ngr: change_money(i.now.ngr, i.before.ngr, cur),
        commission: i
            .commission
            .zip(i.commission_before)
            .map(|(n, b)| change_money(n, b, cur)),
        lots: i.forex.then(|| change_lots(i.now.lots, i.before.lots)),
    });
    BreakdownRow {
        key: i.id.0,
        label: i.id.1,
        affiliate_id: i.id.2,
        affiliate_name: i.id.3,
        clicks: count(i.now.clicks),
        registrations: count(i.now.registrations),
        ftds,
        deposits: format_amount(i.now.deposits, cur),
        deposits_micros: i.now.deposits.to_string(),
        ngr: format_amount(i.now.ngr, cur),
        ngr_micros: i.now.ngr.to_string(),
        commission: i.commission.map(|c| format_amount(c, cur)),
        commission_micros: i.commission.map(|c| c.to_string()),
        ecpa: ecpa.map(|e| format_amount(e, cur)),
        ecpa_micros: ecpa.map(|e| e.to_string()),
        lots: i.forex.then(|| lots_text(i.now.lots)),
        trading_clients: i.forex.then(|| count(i.now.trading_clients)),
        change,
    }
}

fn commission_note(dim: Dimension) -> String {
    match dim {
        Dimension::Affiliate => "Commission per affiliate: the ledger's entries for the commission periods lying wholly inside the period.".into(),
        Dimension::Day | Dimension::Week | Dimension::Month => "Commission per row: the ledger's entries for the commission periods lying wholly inside the row's days; a row shorter than a commission period shows none (a period's commission is never split by day).".into(),
        Dimension::SubId | Dimension::Country | Dimension::Brand => "Commission is shown in the totals only: a RevShare line is computed and rounded per affiliate, so it cannot be split exactly by sub-ID, country or brand.".into(),
    }
}

/// The affiliate's internal id from its tracker id.
fn affiliate_internal(ws: &Workspace, program: &Program, ext: &str) -> Result<i64, CoreError> {
    ws.store()
        .read(|c| {
            c.query_row(
                "SELECT id FROM affiliates WHERE program_id = ?1 AND external_id = ?2",
                params![program.id, ext],
                |r| r.get::<_, i64>(0),
            )
            .optional()
            .map_err(StoreError::from)
        })?
        .ok_or_else(|| {
            CoreError::not_found(format!(
                "No affiliate '{ext}' in the program {}.",
                program.name
            ))
        })
}

/// The breakdown of the period by the query's dimension.
pub fn build(
    ws: &Workspace,
    program: &Program,
    q: &BreakdownQuery,
) -> Result<Breakdown, CoreError> {
    let period = resolve_period(
        ws,
        program,
        &DashboardQuery {
            from: q.from.clone(),
            to: q.to.clone(),
        },
    )?;
    let previous = previous_period(&period)?;
    let affiliate = match q.affiliate.as_deref().filter(|a| !a.is_empty()) {
        Some(ext) => Some(affiliate_internal(ws, program, ext)?),
        None => None,
    };
    let dim = q.dimension;
    let forex = program.is_forex();
    let currency = program.currency.as_str();
    let (sides, names, periods, clients, unconverted) = ws.store().read::<_, StoreError>(|c| {
        let mut sides = read_rollup(c, program.id, dim, &period, &previous, affiliate)?;
        let unconverted =
            add_other_currencies(c, program, dim, &period, &previous, affiliate, &mut sides)?;
        let mut clients = (0, 0);
        if forex {
            read_trading(
                c, program.id, dim, &period, &previous, affiliate, &mut sides,
            )?;
            clients = (
                trading_clients_total(c, program.id, &period, affiliate)?,
                trading_clients_total(c, program.id, &previous, affiliate)?,
            );
        }
        Ok((
            sides,
            names(c, program.id)?,
            commission_periods(c, program, affiliate)?,
            clients,
            unconverted,
        ))
    })?;
    let mut total = (Acc::default(), Acc::default());
    for (now, before) in sides.values() {
        total.0.add(now);
        total.1.add(before);
    }
    total.0.trading_clients = clients.0;
    total.1.trading_clients = clients.1;
    let mut rows = Vec::new();
    if dim.is_time() {
        // Each bucket of the period against the bucket before it (the first: the previous period's last). A
        // bucket's commission counts the commission periods inside its days, clipped to its side's period.
        let clip = |key: &str, p: &Period| {
            let (f, t) = bucket_span(dim, key).unwrap_or_else(|| (key.into(), key.into()));
            (f.max(p.from.clone()), t.min(p.to.clone()))
        };
        let mut before: Option<(Acc, Option<i64>)> = sides
            .iter()
            .rfind(|(_, (_, b))| *b != Acc::default())
            .map(|(k, (_, b))| {
                let (f, t) = clip(k, &previous);
                (*b, commission_in(&periods, &f, &t, affiliate))
            });
        for (key, (now, _)) in sides.iter().filter(|(_, (n, _))| *n != Acc::default()) {
            let (f, t) = clip(key, &period);
            let commission = commission_in(&periods, &f, &t, affiliate);
            let (before_acc, commission_before) = before.unwrap_or((Acc::default(), None));
            rows.push(make_row(RowInput {
                id: identity(dim, key, &names),
                now: *now,
                before: before_acc,
                commission,
                commission_before,
                has_previous: before.is_some(),
                forex,
                currency,
            }));
            before = Some((*now, commission));
        }
    } else {
        for (key, (now, before)) in &sides {
            let id = identity(dim, key, &names);
            let (commission, commission_before) = if dim == Dimension::Affiliate {
                let a = id.4;
                (
                    a.and_then(|a| commission_in(&periods, &period.from, &period.to, Some(a))),
                    a.and_then(|a| commission_in(&periods, &previous.from, &previous.to, Some(a))),
                )
            } else {
                (None, None)
            };
            rows.push(make_row(RowInput {
                id,
                now: *now,
                before: *before,
                commission,
                commission_before,
                has_previous: true,
                forex,
                currency,
            }));
        }
        // Largest first by FTDs (Forex: lots), then by key, so the default order answers "who brings depositors".
        rows.sort_by(|a, b| {
            let (x, y) = (sides_key(a, forex), sides_key(b, forex));
            y.cmp(&x).then_with(|| a.key.cmp(&b.key))
        });
    }
    let totals = make_row(RowInput {
        id: (String::new(), "Total".into(), None, None, None),
        now: total.0,
        before: total.1,
        commission: commission_in(&periods, &period.from, &period.to, affiliate),
        commission_before: commission_in(&periods, &previous.from, &previous.to, affiliate),
        has_previous: true,
        forex,
        currency,
    });
    let commission_periods = periods
        .iter()
        .filter(|p| p.from >= period.from && p.to <= period.to)
        .map(|p| Period {
            from: p.from.clone(),
            to: p.to.clone(),
        })
        .collect();
    let movers_svg = movers_chart(&rows, forex, currency, &period, dim);
    Ok(Breakdown {
        program: program.name.clone(),
        vertical: program.vertical,
        currency: program.currency.clone(),
        timezone: program.timezone.clone(),
        dimension: dim,
        affiliate: q.affiliate.clone().filter(|a| !a.is_empty()),
        period,
        previous_period: previous,
        rows,
        totals,
        commission_periods,
        commission_note: commission_note(dim),
        movers_svg,
        unconverted,
    })
}

/// The default order of non-time rows: FTDs (Forex: lots, as exact decimal text made comparable).
fn sides_key(r: &BreakdownRow, forex: bool) -> Decimal {
    if forex {
        r.lots
            .as_deref()
            .and_then(|l| l.parse::<Decimal>().ok())
            .unwrap_or_default()
    } else {
        Decimal::from(r.ftds)
    }
}

/// The rows with the largest changes (NGR; Forex: lots) as horizontal bars. Bar lengths are in the currency's
/// minor units (lots: hundredths), integers; each bar's label is the exact change.
fn movers_chart(
    rows: &[BreakdownRow],
    forex: bool,
    currency: &str,
    period: &Period,
    dim: Dimension,
) -> String {
    let mut movers: Vec<(String, i64, String)> = rows
        .iter()
        .filter_map(|r| {
            let ch = r.change.as_ref()?;
            let (text, units) = if forex {
                let l = ch.lots.as_ref()?;
                let d: Decimal = l.change.parse().ok()?;
                (l.change.clone(), (d * Decimal::ONE_HUNDRED).trunc())
            } else {
                let d: Decimal = ch.ngr.change.parse().ok()?;
                let scale = Decimal::from(10i64.pow(currency_exponent(currency)));
                (ch.ngr.change.clone(), (d * scale).trunc())
            };
            let units = i64::try_from(units).ok()?;
            (units != 0).then(|| (r.label.clone(), units, text))
        })
        .collect();
    movers.sort_by(|a, b| b.1.abs().cmp(&a.1.abs()).then_with(|| a.0.cmp(&b.0)));
    movers.truncate(MOVERS_MAX);
    let what = if forex { "lots" } else { "NGR" };
    render_movers_chart(&MoversChart {
        title: format!(
            "Largest changes in {what} by {}, {} to {} vs the previous period",
            dim.as_str().replace('_', "-"),
            period.from,
            period.to
        ),
        labels: movers.iter().map(|m| m.0.clone()).collect(),
        values: movers.iter().map(|m| m.1).collect(),
        value_labels: movers.iter().map(|m| m.2.clone()).collect(),
    })
}

/// The breakdown as CSV: one line per row, then the totals; every text cell spreadsheet-safe.
pub fn to_csv(b: &Breakdown) -> String {
    use crate::import::quarantine::spreadsheet_safe as safe;
    let mut out = String::from(
        "key,label,affiliate_id,affiliate_name,clicks,registrations,ftds,deposits,ngr,commission,ecpa,lots,trading_clients,ngr_change,ngr_change_percent\n",
    );
    let opt = |o: &Option<String>| o.clone().unwrap_or_default();
    for r in b.rows.iter().chain(std::iter::once(&b.totals)) {
        let cells = [
            safe(&r.key),
            safe(&r.label),
            safe(&opt(&r.affiliate_id)),
            safe(&opt(&r.affiliate_name)),
            r.clicks.to_string(),
            r.registrations.to_string(),
            r.ftds.to_string(),
            r.deposits.clone(),
            r.ngr.clone(),
            opt(&r.commission),
            opt(&r.ecpa),
            opt(&r.lots),
            r.trading_clients.map(|n| n.to_string()).unwrap_or_default(),
            r.change
                .as_ref()
                .map(|c| c.ngr.change.clone())
                .unwrap_or_default(),
            r.change
                .as_ref()
                .and_then(|c| c.ngr.change_percent.clone())
                .unwrap_or_default(),
        ];
        let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out
}

/// Quotes a cell when it holds a comma, a quote or a line break.
pub(crate) fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecpa_rounds_half_up_to_minor_units() {
        // 100.00 / 3 = 33.333… → 33.33; 0.05 / 2 = 0.025 → 0.03 (banker's would give 0.02).
        assert_eq!(ecpa_micros(100_000_000, 3, "EUR"), Some(33_330_000));
        assert_eq!(ecpa_micros(50_000, 2, "EUR"), Some(30_000));
        assert_eq!(ecpa_micros(1_000_000, 3, "JPY"), Some(0));
        assert_eq!(ecpa_micros(100_000_000, 0, "EUR"), None);
    }

    #[test]
    fn change_percent_is_relative_to_the_previous_magnitude() {
        assert_eq!(
            change_percent(Decimal::from(15), Decimal::from(10)).as_deref(),
            Some("50.00")
        );
        assert_eq!(
            change_percent(Decimal::from(5), Decimal::from(-10)).as_deref(),
            Some("150.00")
        );
        assert_eq!(change_percent(Decimal::from(5), Decimal::ZERO), None);
    }

    #[test]
    fn previous_period_has_the_same_length() {
        let p = previous_period(&Period {
            from: "2026-03-01".into(),
            to: "2026-03-31".into(),
        })
        .unwrap();
        assert_eq!(
            (p.from.as_str(), p.to.as_str()),
            ("2026-01-29", "2026-02-28")
        );
    }

    #[test]
    fn month_and_week_spans() {
        assert_eq!(
            bucket_span(Dimension::Month, "2024-02"),
            Some(("2024-02-01".into(), "2024-02-29".into()))
        );
        assert_eq!(
            bucket_span(Dimension::Week, "2026-03-02"),
            Some(("2026-03-02".into(), "2026-03-08".into()))
        );
    }

    #[test]
    fn csv_cells_are_quoted_and_formula_safe() {
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(crate::import::quarantine::spreadsheet_safe("=1+1"), "'=1+1");
    }
}

#[cfg(test)]
mod month_split_tests {
    use super::months_and_days;

    fn split(from: &str, to: &str, at: &str) -> super::MonthsAndDays {
        months_and_days(from, to, at).unwrap()
    }

    #[test]
    fn whole_months_and_the_days_left_over() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let d = |v: &[(&str, &str)]| {
            v.iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect::<Vec<_>>()
        };
        // The previous quarter's days and the current one's: whole months on both sides of the split.
        assert_eq!(
            split("2026-05-06", "2026-10-31", "2026-08-03"),
            (
                s(&["2026-06", "2026-07", "2026-09", "2026-10"]),
                d(&[("2026-05-06", "2026-05-31"), ("2026-08-01", "2026-08-31")])
            )
        );
        // A month: the month before and the month itself, whole.
        assert_eq!(
            split("2026-09-01", "2026-10-31", "2026-10-01"),
            (s(&["2026-09", "2026-10"]), d(&[]))
        );
        // Within one month: days only, one run.
        assert_eq!(
            split("2026-10-05", "2026-10-20", "2026-10-13"),
            (s(&[]), d(&[("2026-10-05", "2026-10-20")]))
        );
        // Across a year's end, February of a leap year whole.
        assert_eq!(
            split("2027-12-15", "2028-02-29", "2028-01-22"),
            (s(&["2028-02"]), d(&[("2027-12-15", "2028-01-31")]))
        );
    }

    /// Over many periods, every day is covered once: by a whole month or by a run of days.
    #[test]
    fn every_day_is_covered_once() {
        let start = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..500 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let a = start + chrono::Duration::days((seed >> 33) as i64 % 400);
            let b = a + chrono::Duration::days((seed >> 13) as i64 % 200);
            let at = a + chrono::Duration::days((seed >> 40) as i64 % ((b - a).num_days() + 1));
            let (months, runs) = split(&a.to_string(), &b.to_string(), &at.to_string());
            let mut covered = Vec::new();
            for m in &months {
                let first =
                    chrono::NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").unwrap();
                let mut d = first;
                while d.format("%Y-%m").to_string() == *m {
                    assert!(!(first < at && at <= d), "{m} straddles {at}");
                    covered.push(d);
                    d = d.succ_opt().unwrap();
                }
            }
            for (f, t) in &runs {
                let mut d = chrono::NaiveDate::parse_from_str(f, "%Y-%m-%d").unwrap();
                let t = chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d").unwrap();
                while d <= t {
                    covered.push(d);
                    d = d.succ_opt().unwrap();
                }
            }
            covered.sort();
            let expected: Vec<_> = a.iter_days().take_while(|d| *d <= b).collect();
            assert_eq!(covered, expected, "{a}..{b} split at {at}");
        }
    }
}
