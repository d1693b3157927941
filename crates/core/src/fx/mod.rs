//! Exchange rates: the dated FX table (`fx_daily_rates`, migration 0022), filled from the ECB reference-rate files
//! ([`ecb`]) or by hand, and the one lookup every reader uses ([`FxTable::rate_on`]).
//!
//! The table is append-only: a correction is a new row for the same day and pair, and the latest recorded row
//! wins. A lookup takes the day's rate, else the most recent earlier day within [`FALLBACK_DAYS`] (the ECB
//! publishes nothing on weekends and TARGET holidays); a pair that is not recorded either way goes through EUR.
//! Rates recorded as such are used exactly; an inverse or cross rate is rounded once to [`DERIVED_RATE_DP`]
//! decimal places, half to even ([`derived`]). Amounts are never floats.

pub mod ecb;
pub mod types;

use crate::store::{StoreError, StoreResult};
use rusqlite::{params, Connection, Transaction};
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;
pub use types::{FxImportSummary, FxRateList, FxRateRow, FxRejectedRow, UnconvertedAmount};

/// How many days before the asked day a lookup may fall back to (a long Easter weekend is 4).
pub const FALLBACK_DAYS: i64 = 7;
/// Decimal places an inverse or cross rate keeps (rounded half to even).
pub const DERIVED_RATE_DP: u32 = 10;
/// The largest FX file imported (the full ECB history is about 2 MB).
pub const FX_FILE_BYTES_MAX: u64 = 32 << 20;
/// The most rows one list returns.
pub const LIST_ROWS_MAX: usize = 5_000;
/// The source of rates imported from an ECB file.
pub const SOURCE_ECB: &str = "ECB reference rate";
/// The source of rates entered by hand.
pub const SOURCE_MANUAL: &str = "manual";
/// The pivot of cross rates.
pub const PIVOT: &str = "EUR";

#[derive(Debug, thiserror::Error)]
pub enum FxError {
    #[error("{0}")]
    Invalid(String),
    /// The file as a whole is not an FX file (rows are quarantined, never this).
    #[error("FX file: {0}")]
    File(String),
    #[error("{0}")]
    NotFound(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for FxError {
    fn from(e: rusqlite::Error) -> Self {
        FxError::Store(StoreError::Sqlite(e))
    }
}

pub type FxResult<T> = Result<T, FxError>;

/// An inverse or cross rate, rounded: [`DERIVED_RATE_DP`] places, half to even (banker's), so a rate derived the
/// same way is the same on every machine and no direction is favoured.
pub fn derived(rate: Decimal) -> Decimal {
    rate.round_dp_with_strategy(DERIVED_RATE_DP, RoundingStrategy::MidpointNearestEven)
}

/// How a quote was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// Recorded as asked.
    Direct,
    /// Recorded the other way round: 1 / rate.
    Inverse,
    /// Through EUR: (EUR→to) / (EUR→from).
    Cross,
}

/// A rate found for a day: 1 `from` = `rate` `to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    pub rate: Decimal,
    /// The day whose rate it is (the asked day or up to [`FALLBACK_DAYS`] before; a cross rate: its older leg).
    pub day: String,
    pub source: String,
    pub via: Via,
}

fn day_minus(day: &str, days: i64) -> FxResult<String> {
    let d = crate::time::parse_day(day)
        .map_err(|_| FxError::Invalid(format!("'{day}' is not a day (YYYY-MM-DD)")))?;
    Ok((d - chrono::Duration::days(days)).to_string())
}

/// The rates in force (latest recorded per day and pair) over a span of days, in memory: a dashboard or a
/// period looks up many days from one read.
#[derive(Debug, Clone, Default)]
pub struct FxTable {
    /// (base, quote) → day → (rate, source).
    pairs: BTreeMap<(String, String), BTreeMap<String, (Decimal, String)>>,
}

impl FxTable {
    /// The rates of `first_day` − [`FALLBACK_DAYS`] through `last_day`.
    pub fn load(conn: &Connection, first_day: &str, last_day: &str) -> FxResult<FxTable> {
        let from = day_minus(first_day, FALLBACK_DAYS)?;
        let mut stmt = conn.prepare_cached(
            "SELECT day, base_currency, quote_currency, rate, source FROM fx_daily_rates
             WHERE day BETWEEN ?1 AND ?2 ORDER BY day, base_currency, quote_currency, recorded_at_ms, id",
        )?;
        let mut rows = stmt.query(params![from, last_day])?;
        let mut t = FxTable::default();
        while let Some(r) = rows.next()? {
            let (day, base, quote, rate, source): (String, String, String, String, String) =
                (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
            let rate = Decimal::from_str(&rate).map_err(|_| {
                FxError::Invalid(format!(
                    "stored rate {base}→{quote} on {day} '{rate}' is not a decimal"
                ))
            })?;
            // Later rows of the same day and pair (corrections) replace earlier ones.
            t.pairs
                .entry((base, quote))
                .or_default()
                .insert(day, (rate, source));
        }
        Ok(t)
    }

    /// A rate recorded either way for a pair, on `day` or the closest earlier day in the window; a direct
    /// rate wins over an inverse one of the same day. The inverse is exact here (rounded by the caller).
    fn leg(
        &self,
        day: &str,
        lo: &str,
        from: &str,
        to: &str,
    ) -> Option<(Decimal, String, String, Via)> {
        let latest = |a: &str, b: &str| {
            self.pairs
                .get(&(a.to_string(), b.to_string()))
                .and_then(|m| m.range(lo.to_string()..=day.to_string()).next_back())
        };
        let direct = latest(from, to);
        let inverse = latest(to, from);
        match (direct, inverse) {
            (Some((d, (r, s))), inv) if inv.is_none_or(|(di, _)| d >= di) => {
                Some((*r, d.clone(), s.clone(), Via::Direct))
            }
            (_, Some((d, (r, s)))) => Some((
                Decimal::ONE.checked_div(*r)?,
                d.clone(),
                s.clone(),
                Via::Inverse,
            )),
            _ => None,
        }
    }

    /// `micros` of `from` in `to` at `day`'s rate (see [`FxTable::rate_on`]), rounded as [`convert_micros`];
    /// `None` without a rate (or on overflow): the caller reports it, never counts it as zero.
    pub fn convert_on(&self, day: &str, from: &str, to: &str, micros: i64) -> Option<i64> {
        convert_micros(micros, self.rate_on(day, from, to).ok()?.rate)
    }

    /// 1 `from` in `to` on `day`: the day's rate or the most recent earlier one within [`FALLBACK_DAYS`],
    /// recorded either way, else a cross rate through EUR.
    pub fn rate_on(&self, day: &str, from: &str, to: &str) -> FxResult<Quote> {
        let lo = day_minus(day, FALLBACK_DAYS)?;
        if from == to {
            return Ok(Quote {
                rate: Decimal::ONE,
                day: day.to_string(),
                source: "same currency".into(),
                via: Via::Direct,
            });
        }
        if let Some((rate, d, source, via)) = self.leg(day, &lo, from, to) {
            let rate = if via == Via::Direct {
                rate
            } else {
                derived(rate)
            };
            return Ok(Quote {
                rate,
                day: d,
                source,
                via,
            });
        }
        if from != PIVOT && to != PIVOT {
            if let (Some(a), Some(b)) = (
                self.leg(day, &lo, PIVOT, from),
                self.leg(day, &lo, PIVOT, to),
            ) {
                if let Some(rate) = b.0.checked_div(a.0) {
                    let source = if a.2 == b.2 {
                        a.2
                    } else {
                        format!("{} / {}", b.2, a.2)
                    };
                    return Ok(Quote {
                        rate: derived(rate),
                        day: a.1.min(b.1),
                        source,
                        via: Via::Cross,
                    });
                }
            }
        }
        Err(FxError::NotFound(format!(
            "no {from}→{to} rate on or up to {FALLBACK_DAYS} days before {day}"
        )))
    }
}

/// 1 `from` in `to` on `day`, from the store (see [`FxTable::rate_on`]).
pub fn rate_on(conn: &Connection, day: &str, from: &str, to: &str) -> FxResult<Quote> {
    FxTable::load(conn, day, day)?.rate_on(day, from, to)
}

/// The rate in force for a day and pair, exactly as recorded.
fn current(tx: &Connection, day: &str, base: &str, quote: &str) -> StoreResult<Option<Decimal>> {
    let mut stmt = tx.prepare_cached(
        "SELECT rate FROM fx_daily_rates WHERE day = ?1 AND base_currency = ?2 AND quote_currency = ?3
         ORDER BY recorded_at_ms DESC, id DESC LIMIT 1",
    )?;
    let mut rows = stmt.query(params![day, base, quote])?;
    Ok(match rows.next()? {
        Some(r) => Decimal::from_str(&r.get::<_, String>(0)?).ok(),
        None => None,
    })
}

/// Who records and when (the front door's audit stamp, or a tool).
#[derive(Debug, Clone)]
pub struct Recorder<'a> {
    pub at_ms: i64,
    pub by: &'a str,
}

/// Records a rate unless the same value is already in force for that day and pair; returns whether a row was
/// added. A different value is a new row that supersedes the old one.
pub fn record(
    tx: &Transaction<'_>,
    day: &str,
    base: &str,
    quote: &str,
    rate: Decimal,
    source: &str,
    who: &Recorder<'_>,
) -> FxResult<bool> {
    if current(tx, day, base, quote)? == Some(rate) {
        return Ok(false);
    }
    tx.prepare_cached(
        "INSERT INTO fx_daily_rates (day, base_currency, quote_currency, rate, source, recorded_at_ms, recorded_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![day, base, quote, rate.to_string(), source, who.at_ms, who.by])?;
    Ok(true)
}

/// A manual rate, validated: a real day, two different known currencies, a positive exact decimal.
pub fn validate_manual(
    day: &str,
    from: &str,
    to: &str,
    rate: &str,
) -> FxResult<(String, String, String, Decimal)> {
    let day = crate::time::parse_day(day)
        .map_err(|_| FxError::Invalid(format!("Day: '{}' is not a day (YYYY-MM-DD)", day.trim())))?
        .to_string();
    let (from, to) = (from.trim().to_uppercase(), to.trim().to_uppercase());
    for (field, c) in [("From", &from), ("To", &to)] {
        if !crate::commission::plan::validate::is_known_currency(c) {
            return Err(FxError::Invalid(format!(
                "{field}: '{c}' is not an ISO 4217 currency code"
            )));
        }
    }
    if from == to {
        return Err(FxError::Invalid(format!(
            "To: the rate of {from} in itself is 1; pick two currencies"
        )));
    }
    let rate = ecb::parse_rate(rate).map_err(|r| FxError::Invalid(format!("Rate: {r}")))?;
    Ok((day, from, to, rate))
}

/// Imports a parsed ECB file in one transaction: each rate recorded (or found unchanged), each rejected row or
/// cell quarantined with its reason. Returns the summary; the caller records the audit entry in `tx`.
pub fn import_ecb(
    tx: &Transaction<'_>,
    file_name: &str,
    bytes: &[u8],
    who: &Recorder<'_>,
) -> FxResult<FxImportSummary> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| FxError::File(format!("{file_name} is not UTF-8 text ({e})")))?;
    let file = ecb::parse(text)?;
    let sha = crate::commission::statement::sha256_hex(bytes);
    let mut s = FxImportSummary {
        file_name: file_name.to_string(),
        file_sha256: sha.clone(),
        rows: file.rows,
        currencies: file.currencies.clone(),
        gaps: file.gaps,
        ..FxImportSummary::default()
    };
    let mut days = BTreeSet::new();
    for r in &file.rates {
        days.insert(r.day.as_str());
        if record(tx, &r.day, ecb::ECB_BASE, &r.quote, r.rate, SOURCE_ECB, who)? {
            s.rates_imported += 1;
        } else {
            s.rates_unchanged += 1;
        }
    }
    s.days = u32::try_from(days.len()).unwrap_or(u32::MAX);
    s.first_day = days.first().map(|d| d.to_string());
    s.last_day = days.last().map(|d| d.to_string());
    for q in &file.rejected {
        tx.prepare_cached(
            "INSERT OR IGNORE INTO fx_import_quarantine (file_name, file_sha256, row_no, field, value, reason, recorded_at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![file_name, sha, q.row_no, q.field, q.value, q.reason, who.at_ms])?;
        s.rejected.push(FxRejectedRow {
            row: q.row_no,
            field: q.field.clone(),
            value: q.value.clone(),
            reason: q.reason.clone(),
        });
    }
    Ok(s)
}

/// What a list shows.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub from_day: Option<String>,
    pub to_day: Option<String>,
    /// (base, quote), either way round.
    pub pair: Option<(String, String)>,
}

/// Parses a pair written `EUR/USD` (or `EURUSD`).
pub fn parse_pair(text: &str) -> FxResult<(String, String)> {
    let t = text.trim().to_uppercase().replace(['/', '-', ' '], "");
    if t.len() != 6 || !t.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(FxError::Invalid(format!(
            "Pair: '{}' is not a currency pair like EUR/USD",
            text.trim()
        )));
    }
    Ok((t[..3].to_string(), t[3..].to_string()))
}

/// The rates in force (latest recorded per day and pair), newest day first, at most [`LIST_ROWS_MAX`].
pub fn list(conn: &Connection, f: &ListFilter) -> FxResult<FxRateList> {
    for d in [&f.from_day, &f.to_day].into_iter().flatten() {
        crate::time::parse_day(d)
            .map_err(|_| FxError::Invalid(format!("'{d}' is not a day (YYYY-MM-DD)")))?;
    }
    let (a, b) = f.pair.clone().unwrap_or_default();
    let mut stmt = conn.prepare(
        "SELECT day, base_currency, quote_currency, rate, source, recorded_at_ms, recorded_by, n FROM (
            SELECT *, ROW_NUMBER() OVER w AS k, COUNT(*) OVER (PARTITION BY day, base_currency, quote_currency) - 1 AS n
              FROM fx_daily_rates
             WHERE day >= ?1 AND day <= ?2
               AND (?3 = '' OR (base_currency = ?3 AND quote_currency = ?4) OR (base_currency = ?4 AND quote_currency = ?3))
            WINDOW w AS (PARTITION BY day, base_currency, quote_currency ORDER BY recorded_at_ms DESC, id DESC))
         WHERE k = 1 ORDER BY day DESC, base_currency, quote_currency LIMIT ?5",
    )?;
    let rows = stmt.query_map(
        params![
            f.from_day.as_deref().unwrap_or("0000-00-00"),
            f.to_day.as_deref().unwrap_or("9999-99-99"),
            a,
            b,
            (LIST_ROWS_MAX + 1) as i64
        ],
        |r| {
            Ok(FxRateRow {
                day: r.get(0)?,
                base: r.get(1)?,
                quote: r.get(2)?,
                rate: r.get(3)?,
                source: r.get(4)?,
                recorded_at_ms: r.get(5)?,
                recorded_by: r.get(6)?,
                superseded: u32::try_from(r.get::<_, i64>(7)?).unwrap_or(0),
            })
        },
    )?;
    let mut rows: Vec<FxRateRow> = rows.collect::<Result<_, _>>()?;
    let truncated = rows.len() > LIST_ROWS_MAX;
    rows.truncate(LIST_ROWS_MAX);
    Ok(FxRateList { rows, truncated })
}

/// The FX table over `from..=to` for a read (a dashboard, a breakdown): its own errors become store errors.
pub fn table_for_read(c: &Connection, from: &str, to: &str) -> StoreResult<FxTable> {
    FxTable::load(c, from, to).map_err(|e| match e {
        FxError::Store(s) => s,
        other => StoreError::Invalid(other.to_string()),
    })
}

/// `micros` times `rate`, in micros of the other currency, rounded half away from zero to the micro (the
/// display rounding of money; a statement rounds its own lines).
pub fn convert_micros(micros: i64, rate: Decimal) -> Option<i64> {
    let v = Decimal::from(micros).checked_mul(rate)?;
    i64::try_from(v.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)).ok()
}

/// Sums in other currencies that a report could not convert: per currency, the amount and the days it fell on.
#[derive(Debug, Clone, Default)]
pub struct Unconverted {
    /// currency → (micros, days).
    pub by_currency: BTreeMap<String, (i64, BTreeSet<String>)>,
}

impl Unconverted {
    pub fn add(&mut self, currency: &str, day: &str, micros: i64) {
        let e = self.by_currency.entry(currency.to_string()).or_default();
        e.0 = e.0.saturating_add(micros);
        e.1.insert(day.to_string());
    }

    /// As the boundary shows it.
    pub fn rows(&self) -> Vec<types::UnconvertedAmount> {
        self.by_currency
            .iter()
            .map(|(c, (m, days))| types::UnconvertedAmount {
                currency: c.clone(),
                amount: crate::money::format_amount(*m, c),
                amount_micros: m.to_string(),
                days: u32::try_from(days.len()).unwrap_or(u32::MAX),
                first_day: days.first().cloned().unwrap_or_default(),
                last_day: days.last().cloned().unwrap_or_default(),
            })
            .collect()
    }
}
