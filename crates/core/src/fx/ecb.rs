//! The ECB reference-rate CSV files, parsed into rates of 1 EUR = rate X. Two layouts, told apart by nothing but
//! their rows (both start with a `Date` column):
//! - `eurofxref-hist.csv`: `Date,USD,JPY,…,` then one line per day, newest first, `2026-12-04,1.0823,158.22,…,`;
//!   `N/A` where a currency has no rate that day (it did not exist yet, or was dropped); a trailing empty column.
//! - `eurofxref.csv` (one day): `Date, USD, JPY, …` and `04 December 2026, 1.0823, 158.22, …` (spaces after
//!   the commas, the date written out).
//!
//! Parse, then validate: every cell becomes a rate, a gap (`N/A` or empty: counted, not an error) or a rejected
//! cell naming its row, column and reason. A bad date rejects its row; a bad rate rejects only its cell, so the
//! other currencies of that day still land. A header that is not an ECB header refuses the whole file.

use super::FxError;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

/// The base of every ECB reference rate.
pub const ECB_BASE: &str = "EUR";
/// The most currency columns a file may name (the ECB publishes about 30, history 42).
pub const COLUMNS_MAX: usize = 200;
/// The most digits a rate may carry (rust_decimal holds 28).
pub const RATE_DIGITS_MAX: usize = 20;

/// One rate of the file: 1 EUR = `rate` `quote` on `day`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EcbRate {
    /// The file's line (1 = the header).
    pub row_no: u32,
    pub day: String,
    pub quote: String,
    pub rate: Decimal,
}

/// A row or cell the file could not give: where, the text found, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EcbRejected {
    pub row_no: u32,
    /// `Date`, a currency column, or `row` for the row as a whole.
    pub field: String,
    pub value: String,
    pub reason: String,
}

/// A parsed file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EcbFile {
    /// The currency columns, in the file's order.
    pub currencies: Vec<String>,
    pub rates: Vec<EcbRate>,
    /// Cells with `N/A` or nothing: no rate that day, which is normal.
    pub gaps: u32,
    pub rejected: Vec<EcbRejected>,
    /// Data lines read (blank lines not counted).
    pub rows: u32,
}

/// A day as the ECB writes it: `2026-12-04` (history) or `04 December 2026` (the daily file).
pub fn parse_ecb_day(text: &str) -> Option<String> {
    let t = text.trim();
    chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .or_else(|_| chrono::NaiveDate::parse_from_str(t, "%d %B %Y"))
        .ok()
        .map(|d| d.format("%Y-%m-%d").to_string())
}

/// A rate as text → an exact positive decimal, or the reason it is not one. Only digits and one point are taken
/// (no sign, exponent, grouping or `_`), so what is stored is what the file said.
pub fn parse_rate(text: &str) -> Result<Decimal, String> {
    let t = text.trim();
    let body = t.strip_prefix('-').unwrap_or(t);
    let digits = body.chars().filter(char::is_ascii_digit).count();
    let plain = digits > 0
        && body.chars().all(|c| c.is_ascii_digit() || c == '.')
        && body.matches('.').count() <= 1;
    if !plain {
        return Err(format!("'{t}' is not a decimal rate"));
    }
    if digits > RATE_DIGITS_MAX {
        return Err(format!("'{t}' has more than {RATE_DIGITS_MAX} digits"));
    }
    let d = Decimal::from_str(body).map_err(|_| format!("'{t}' is not a decimal rate"))?;
    if t.starts_with('-') && !d.is_zero() {
        return Err(format!("negative rate {t}: a rate is positive"));
    }
    if d.is_zero() {
        return Err(format!(
            "zero rate '{t}': a rate is positive (a day without a rate is written N/A)"
        ));
    }
    Ok(d)
}

fn is_currency_code(c: &str) -> bool {
    c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase())
}

/// Parses an ECB reference-rate file (either layout). Errors only when the file is not one.
pub fn parse(text: &str) -> Result<EcbFile, FxError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let Some((header_idx, header)) = lines.next() else {
        return Err(FxError::File("the file is empty".into()));
    };
    let mut cols: Vec<&str> = header.split(',').map(str::trim).collect();
    if cols.last().is_some_and(|c| c.is_empty()) {
        cols.pop();
    }
    if !cols.first().is_some_and(|c| c.eq_ignore_ascii_case("Date")) {
        return Err(FxError::File(format!(
            "row {}: the header does not start with Date: this is not an ECB reference-rate file",
            header_idx + 1
        )));
    }
    let currencies: Vec<String> = cols[1..].iter().map(|c| c.to_string()).collect();
    if currencies.is_empty() || currencies.len() > COLUMNS_MAX {
        return Err(FxError::File(format!(
            "row {}: the header names {} currencies (1 to {COLUMNS_MAX} expected)",
            header_idx + 1,
            currencies.len()
        )));
    }
    let mut seen = BTreeSet::new();
    for c in &currencies {
        if !is_currency_code(c) || c == ECB_BASE {
            return Err(FxError::File(format!(
                "row {}: column '{c}' is not a currency code quoted against EUR",
                header_idx + 1
            )));
        }
        if !seen.insert(c.as_str()) {
            return Err(FxError::File(format!(
                "row {}: column {c} appears twice",
                header_idx + 1
            )));
        }
    }
    let mut out = EcbFile {
        currencies: currencies.clone(),
        ..EcbFile::default()
    };
    let mut days: BTreeMap<String, u32> = BTreeMap::new();
    for (idx, line) in lines {
        let row_no = u32::try_from(idx + 1).unwrap_or(u32::MAX);
        out.rows += 1;
        let mut cells: Vec<&str> = line.split(',').map(str::trim).collect();
        while cells.len() > currencies.len() + 1 && cells.last().is_some_and(|c| c.is_empty()) {
            cells.pop();
        }
        let reject = |field: &str, value: &str, reason: String| EcbRejected {
            row_no,
            field: field.to_string(),
            value: value.to_string(),
            reason,
        };
        if cells.len() != currencies.len() + 1 {
            out.rejected.push(reject(
                "row",
                line.trim(),
                format!(
                    "{} values where the header names {} columns",
                    cells.len(),
                    currencies.len() + 1
                ),
            ));
            continue;
        }
        let Some(day) = parse_ecb_day(cells[0]) else {
            out.rejected.push(reject(
                "Date",
                cells[0],
                format!(
                    "'{}' is not a date (YYYY-MM-DD or e.g. 04 December 2026)",
                    cells[0]
                ),
            ));
            continue;
        };
        if let Some(first) = days.get(&day) {
            out.rejected.push(reject(
                "Date",
                cells[0],
                format!("{day} is already given at row {first}"),
            ));
            continue;
        }
        days.insert(day.clone(), row_no);
        for (cur, cell) in currencies.iter().zip(&cells[1..]) {
            if cell.is_empty() || cell.eq_ignore_ascii_case("N/A") {
                out.gaps += 1;
                continue;
            }
            match parse_rate(cell) {
                Ok(rate) => out.rates.push(EcbRate {
                    row_no,
                    day: day.clone(),
                    quote: cur.clone(),
                    rate,
                }),
                Err(reason) => out.rejected.push(reject(cur, cell, reason)),
            }
        }
    }
    Ok(out)
}
