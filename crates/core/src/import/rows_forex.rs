//! Validating the rows of a broker's files (symbols, accounts, MT5's Deals report) and of a tracker's conversions
//! file. The checks are the connector's ([`crate::ingest::broker`]) where they overlap, so a deal refused from the
//! API is refused from a file for the same reason; what only a hand-made export gets wrong is checked here: a
//! volume in units instead of lots, a cent account written down as standard.

use super::rows::{Cells, Row, RowError};
use super::values::{parse_money, DateFormat};
use crate::ingest::broker::{check_trade, one_of, DEAL_ENTRIES, DEAL_TYPES};
use crate::ingest::records::{
    AccountRecord, AffiliateRecord, Arrival, ConversionRecord, ConversionStatus, DealRecord,
    ItemError,
};
use rust_decimal::Decimal;
use std::str::FromStr;

/// The most lots one deal may carry. MT5's Deals report gives lots (1.00 = one standard lot); a file that gives
/// units instead (100000 for one lot of EURUSD) lands far above this, and is refused rather than paying rebates on
/// a hundred thousand lots.
pub const MAX_DEAL_LOTS: i64 = 1_000;

/// Currency codes brokers use for cent accounts (balances in 1/100 of the currency).
pub const CENT_CURRENCIES: &[&str] = &["USC", "EUC", "GBC"];

/// A symbol of the broker's symbols file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SymbolFileRow {
    pub symbol: String,
    /// Base units per standard lot (100000 for EURUSD, 100 for XAUUSD).
    pub contract_size: i64,
    /// Decimal places of the quote, when given.
    pub digits: Option<i64>,
    /// The group per-group rebate plans name ("FX majors", "Metals"); '' when not given.
    pub group: String,
}

/// A client account of the broker's accounts file, with its MT5 group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountFileRow {
    pub account: AccountRecord,
    pub group: String,
}

/// One row of an MT5 Deals report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DealFileRow {
    pub deal: DealRecord,
}

fn item(c: &Cells<'_, '_>, i: usize, e: ItemError) -> RowError {
    c.err(i, e.reason)
}

/// A number as MT5 reports print it: a space (or a no-break space) may group thousands ("1 234.56"). Empty is 0.
fn report_number(c: &Cells<'_, '_>, i: usize) -> Result<i64, RowError> {
    let t: String = c
        .text(i)?
        .chars()
        .filter(|ch| *ch != ' ' && *ch != '\u{a0}')
        .collect();
    parse_money(&t, true).map_err(|e| c.err(i, e))
}

/// A two-letter country code (ISO 3166-1 alpha-2), upper-cased; '' when empty.
pub(super) fn country_code(c: &Cells<'_, '_>, i: usize) -> Result<String, RowError> {
    let country = c.opt_text(i)?.to_ascii_uppercase();
    let is_code = country.len() == 2 && country.bytes().all(|b| b.is_ascii_uppercase());
    if !country.is_empty() && !is_code {
        return Err(c.err(
            i,
            format!("'{country}' is not a two-letter country code (ISO 3166-1, e.g. DE)"),
        ));
    }
    Ok(country)
}

pub(super) fn symbol(c: &Cells<'_, '_>) -> Result<Row, RowError> {
    let symbol = c.key(0)?;
    let size_text = c.opt_text(1)?;
    let contract_size = Decimal::from_str(&size_text)
        .ok()
        .filter(|d| d.fract().is_zero() && *d > Decimal::ZERO)
        .and_then(|d| i64::try_from(d).ok())
        .ok_or_else(|| {
            c.err(
                1,
                format!("'{size_text}' is not a positive whole number of units per standard lot"),
            )
        })?;
    let digits = match c.opt_text(2)? {
        t if t.is_empty() => None,
        t => Some(
            t.parse::<i64>()
                .ok()
                .filter(|d| (0..=10).contains(d))
                .ok_or_else(|| {
                    c.err(
                        2,
                        format!("'{t}' is not a number of decimal places (0 to 10)"),
                    )
                })?,
        ),
    };
    Ok(Row::Symbol(SymbolFileRow {
        symbol,
        contract_size,
        digits,
        group: c.opt_text(3)?,
    }))
}

pub(super) fn account(c: &Cells<'_, '_>, df: DateFormat) -> Result<Row, RowError> {
    let login = c.key(0)?;
    let currency = c.currency(2)?;
    let group = c.opt_text(4)?;
    let cent_currency = CENT_CURRENCIES.contains(&currency.as_str());
    let cent_group = group.to_ascii_lowercase().contains("cent");
    let is_cent = match c.opt_text(3)?.to_ascii_lowercase().as_str() {
        "" => cent_currency || cent_group,
        "cent" => true,
        "standard" => {
            if cent_currency || cent_group {
                let why = if cent_currency {
                    format!("its currency {currency} is a cent currency")
                } else {
                    format!("its group '{group}' is a cent group")
                };
                return Err(c.err(
                    3,
                    format!(
                        "says standard, but {why}: a cent account's volumes are 1/100 of a lot, so the type decides \
                         every rebate on it; correct the type or the currency"
                    ),
                ));
            }
            false
        }
        other => return Err(c.err(3, format!("'{other}' is not cent or standard"))),
    };
    Ok(Row::Account(AccountFileRow {
        account: AccountRecord {
            login,
            ib_external_id: c.opt_key(1)?,
            currency,
            is_cent,
            registered_at_ms: c.instant(5, df)?,
            country: country_code(c, 6)?,
        },
        group,
    }))
}

/// MT5 prints types and directions in words ("buy", "balance", "in/out", "out by"); the connector's codes are
/// upper case with underscores.
fn code(text: &str) -> String {
    text.trim()
        .to_ascii_uppercase()
        .replace("IN/OUT", "INOUT")
        .replace([' ', '-'], "_")
}

pub(super) fn deal(c: &Cells<'_, '_>, df: DateFormat) -> Result<Row, RowError> {
    let executed_at_ms = c.instant(0, df)?;
    let ticket = c.key(1)?;
    let login = c.key(2)?;
    let symbol = c.opt_text(3)?;
    let deal_type = one_of("type", &code(&c.text(4)?), DEAL_TYPES).map_err(|e| item(c, 4, e))?;
    let entry = match code(&c.text(5)?) {
        e if e.is_empty() => String::new(),
        e => one_of("direction", &e, DEAL_ENTRIES).map_err(|e| item(c, 5, e))?,
    };
    let lots_micros = report_number(c, 6)?;
    check_trade(&deal_type, &symbol, lots_micros).map_err(|e| {
        let i = if e.field.as_deref() == Some("symbol") {
            3
        } else {
            6
        };
        item(c, i, e)
    })?;
    if lots_micros > MAX_DEAL_LOTS * crate::money::MICROS_PER_UNIT {
        return Err(c.err(
            6,
            format!(
                "{} is more than {MAX_DEAL_LOTS} lots in one deal: MT5's Deals report gives lots (1.00 = one \
                 standard lot); this looks like units — divide by the symbol's contract size",
                c.opt_text(6)?
            ),
        ));
    }
    let price = match c.opt_text(7)? {
        t if t.is_empty() => String::new(),
        t => Decimal::from_str(&t.replace([' ', '\u{a0}'], ""))
            .map_err(|_| c.err(7, format!("'{t}' is not a decimal")))?
            .normalize()
            .to_string(),
    };
    Ok(Row::Deal(DealFileRow {
        deal: DealRecord {
            ticket,
            login,
            deal_type,
            entry,
            symbol,
            lots_micros,
            price,
            commission_micros: report_number(c, 8)?,
            swap_micros: report_number(c, 9)?,
            profit_micros: report_number(c, 10)?,
            position_id: c.opt_text(11)?,
            executed_at_ms,
        },
    }))
}

/// A tracker's conversion from a file. An empty currency is filled with the program's when written.
pub(super) fn conversion(c: &Cells<'_, '_>, df: DateFormat) -> Result<Row, RowError> {
    let affiliate = c.key(1)?;
    let status = ConversionStatus::parse(&c.text(3)?).map_err(|e| item(c, 3, e))?;
    let money = |i: usize| -> Result<i64, RowError> {
        let v = c.money(i, false)?;
        if v < 0 {
            return Err(c.err(
                i,
                "is negative: a reversal is a status change (rejected), not a negative payout",
            ));
        }
        Ok(v)
    };
    let mut subs: [String; 5] = Default::default();
    subs[0] = c.opt_text(11)?;
    Ok(Row::Conversion(Box::new(ConversionRecord {
        external_id: c.key(0)?,
        transaction_id: c.opt_text(8)?,
        affiliate: AffiliateRecord {
            name: affiliate.clone(),
            external_id: affiliate,
            status: "active".into(),
            parent_external_id: None,
            email_hash: None,
        },
        status,
        payout_micros: money(4)?,
        revenue_micros: money(5)?,
        sale_amount_micros: 0,
        currency: match c.opt_key(6)? {
            None => String::new(),
            Some(_) => c.currency(6)?,
        },
        converted_at_ms: c.instant(2, df)?,
        clicked_at_ms: None,
        subs,
        player_ref: c.opt_text(9)?,
        order_ref: c.opt_text(10)?,
        event: c.opt_text(7)?,
        coupon_code: String::new(),
        country: country_code(c, 12)?,
        ip: String::new(),
        is_scrub: false,
        arrival: Arrival::Batch,
        source_updated_at_ms: None,
    })))
}
