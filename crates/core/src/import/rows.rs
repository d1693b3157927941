//! Parse, then validate: a raw CSV record (bytes, any shape) becomes a typed row of its preset, or a [`RowError`]
//! naming the column and the reason. Nothing else reaches the writer.

use super::mapping::{fields, Resolved, Slot};
use super::values::{parse_day, parse_flag, parse_instant, parse_key, parse_money, DateFormat};
use crate::import::types::ImportPreset;
use chrono_tz::Tz;
use csv::ByteRecord;
use std::borrow::Cow;

/// A cell longer than this is refused (the row is quarantined): no real id, date or URL is this long.
pub const FIELD_BYTES_MAX: usize = 8 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClickRow {
    pub click_id: String,
    pub clicked_at_ms: i64,
    pub affiliate: String,
    /// sub1..sub5, ip, user_agent, country, landing_url, in that order.
    pub texts: [String; 9],
    /// The reporting day in the program's zone; filled in by the parse thread (empty until then).
    pub day: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlayerRow {
    pub player_id: String,
    pub registered_at_ms: i64,
    pub country: String,
    pub btag: Option<String>,
    pub promo_code: Option<String>,
    pub click_id: Option<String>,
    /// `None`: the program's currency.
    pub currency: Option<String>,
    pub ip: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityRow {
    pub player_id: String,
    pub day: String,
    pub currency: String,
    /// deposits, withdrawals, bets, wins, bonuses, chargebacks, fees (micros).
    pub amounts: [i64; 7],
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepositRow {
    pub deposit_id: String,
    pub player_id: String,
    pub amount_micros: i64,
    pub currency: String,
    pub occurred_at_ms: i64,
    pub is_ftd: bool,
}

/// One claim of an affiliate's own report: a player or a click they say is theirs, with what they saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimRow {
    pub claim_id: String,
    pub affiliate: String,
    pub player_id: String,
    pub click_id: String,
    pub registration_day: String,
    pub ftd_day: String,
    pub ftd_amount_micros: Option<i64>,
    pub currency: String,
}

/// One affiliate of the program's list: who they are, who referred them (a sub-affiliate's or sub-IB's parent),
/// how to recognise them (email, kept as its hash only), where they are and who manages them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AffiliateFileRow {
    pub id: String,
    pub name: String,
    pub parent: String,
    pub email_hash: Option<String>,
    pub country: String,
    pub manager: String,
}

pub use super::rows_forex::{AccountFileRow, DealFileRow, SymbolFileRow};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Row {
    Click(ClickRow),
    Player(PlayerRow),
    Activity(ActivityRow),
    Deposit(DepositRow),
    Claim(ClaimRow),
    Affiliate(AffiliateFileRow),
    Symbol(SymbolFileRow),
    Account(AccountFileRow),
    Deal(DealFileRow),
    Conversion(Box<crate::ingest::records::ConversionRecord>),
}

/// Why a row was refused: the file column to blame (if one is) and a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub column: Option<String>,
    pub reason: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.column {
            Some(c) => write!(f, "column '{c}': {}", self.reason),
            None => f.write_str(&self.reason),
        }
    }
}

/// What validating a row needs besides the row.
pub struct RowContext<'a> {
    pub resolved: &'a Resolved,
    pub header_len: usize,
    /// The zone naive times are read in (the source's).
    pub tz: Tz,
    /// Prefix of `@row` keys: the start of the file's SHA-256, so keys differ between files.
    pub row_key_prefix: &'a str,
}

pub(super) struct Cells<'r, 'c> {
    rec: &'r ByteRecord,
    pub(super) ctx: &'c RowContext<'c>,
    row: u64,
}

impl<'r> Cells<'r, '_> {
    pub(super) fn err(&self, i: usize, reason: impl Into<String>) -> RowError {
        RowError {
            column: Some(self.ctx.resolved.column_name(i)),
            reason: reason.into(),
        }
    }

    /// The raw text of field `i` (empty when absent).
    pub(super) fn text(&self, i: usize) -> Result<Cow<'r, str>, RowError> {
        Ok(match &self.ctx.resolved.slots[i] {
            Slot::Column { index, .. } => {
                let b = self.rec.get(*index).unwrap_or(b"");
                Cow::Borrowed(
                    std::str::from_utf8(b).map_err(|_| self.err(i, "is not valid UTF-8"))?,
                )
            }
            Slot::RowKey => Cow::Owned(format!("{}:{}", self.ctx.row_key_prefix, self.row)),
            Slot::Const(v) => Cow::Owned(v.clone()),
            Slot::Absent => Cow::Borrowed(""),
        })
    }

    pub(super) fn key(&self, i: usize) -> Result<String, RowError> {
        parse_key(&self.text(i)?)
            .map(str::to_string)
            .map_err(|e| self.err(i, e))
    }

    pub(super) fn opt_text(&self, i: usize) -> Result<String, RowError> {
        Ok(self.text(i)?.trim().to_string())
    }

    pub(super) fn opt_key(&self, i: usize) -> Result<Option<String>, RowError> {
        let t = self.opt_text(i)?;
        Ok((!t.is_empty()).then_some(t))
    }

    pub(super) fn instant(&self, i: usize, f: DateFormat) -> Result<i64, RowError> {
        parse_instant(&self.text(i)?, f, self.ctx.tz).map_err(|e| self.err(i, e))
    }

    pub(super) fn money(&self, i: usize, required: bool) -> Result<i64, RowError> {
        parse_money(&self.text(i)?, !required).map_err(|e| self.err(i, e))
    }

    pub(super) fn currency(&self, i: usize) -> Result<String, RowError> {
        let t = self.text(i)?;
        crate::ingest::records::currency("currency", &t).map_err(|e| self.err(i, e.reason))
    }
}

/// Checks the row's shape (column count, field sizes), then each field of the preset in order.
/// `row` is the spreadsheet row number (the header is row 1).
pub fn validate(rec: &ByteRecord, row: u64, ctx: &RowContext<'_>) -> Result<Row, RowError> {
    if rec.len() != ctx.header_len {
        return Err(RowError {
            column: None,
            reason: format!("{} fields, the header has {}", rec.len(), ctx.header_len),
        });
    }
    if let Some((i, f)) = rec
        .iter()
        .enumerate()
        .find(|(_, f)| f.len() > FIELD_BYTES_MAX)
    {
        let column = (0..ctx.resolved.slots.len())
            .find(|&k| matches!(&ctx.resolved.slots[k], Slot::Column { index, .. } if *index == i))
            .map(|k| ctx.resolved.column_name(k))
            .unwrap_or_else(|| format!("#{}", i + 1));
        return Err(RowError {
            column: Some(column),
            reason: format!("is {} bytes long; the limit is {FIELD_BYTES_MAX}", f.len()),
        });
    }
    let c = Cells { rec, ctx, row };
    let df = ctx.resolved.date_format;
    Ok(match ctx.resolved.preset {
        ImportPreset::Clicks => {
            let click_id = c.key(0)?;
            let clicked_at_ms = c.instant(1, df)?;
            let affiliate = c.key(2)?;
            let mut texts: [String; 9] = Default::default();
            for (k, t) in texts.iter_mut().enumerate() {
                *t = c.opt_text(3 + k)?;
            }
            Row::Click(ClickRow {
                click_id,
                clicked_at_ms,
                affiliate,
                texts,
                day: String::new(),
            })
        }
        ImportPreset::Registrations => Row::Player(PlayerRow {
            player_id: c.key(0)?,
            registered_at_ms: c.instant(1, df)?,
            country: c.opt_text(2)?,
            btag: c.opt_key(3)?,
            promo_code: c.opt_key(4)?,
            click_id: c.opt_key(5)?,
            currency: match c.opt_key(6)? {
                None => None,
                Some(_) => Some(c.currency(6)?),
            },
            ip: c.opt_text(7)?,
        }),
        ImportPreset::Activity => {
            let player_id = c.key(0)?;
            let day = parse_day(&c.text(1)?, df).map_err(|e| c.err(1, e))?;
            let currency = c.currency(2)?;
            let mut amounts = [0i64; 7];
            for (k, a) in amounts.iter_mut().enumerate() {
                *a = c.money(3 + k, false)?;
            }
            Row::Activity(ActivityRow {
                player_id,
                day,
                currency,
                amounts,
            })
        }
        ImportPreset::Deposits => Row::Deposit(DepositRow {
            deposit_id: c.key(0)?,
            player_id: c.key(1)?,
            amount_micros: c.money(2, true)?,
            currency: c.currency(3)?,
            occurred_at_ms: c.instant(4, df)?,
            is_ftd: parse_flag(&c.text(5)?).map_err(|e| c.err(5, e))?,
        }),
        ImportPreset::Claims => {
            let day = |i: usize| -> Result<String, RowError> {
                let t = c.text(i)?;
                if t.trim().is_empty() {
                    return Ok(String::new());
                }
                // A date, or a date and time whose day counts (affiliates export either).
                parse_day(&t, df)
                    .or_else(|_| {
                        parse_instant(&t, df, ctx.tz)
                            .map(|ms| crate::time::day_of(ms, ctx.tz).unwrap_or_default())
                    })
                    .map_err(|e| c.err(i, e))
            };
            let amount = {
                let t = c.text(6)?;
                let t = t.trim();
                // A decimal comma ("12,50") is read as a point when the amount has no point of its own.
                let t = if !t.contains('.') && t.matches(',').count() == 1 {
                    t.replace(',', ".")
                } else {
                    t.to_string()
                };
                (!t.is_empty())
                    .then(|| parse_money(&t, false).map_err(|e| c.err(6, e)))
                    .transpose()?
            };
            let row = ClaimRow {
                claim_id: c.key(0)?,
                affiliate: c.key(1)?,
                player_id: c.opt_text(2)?,
                click_id: c.opt_text(3)?,
                registration_day: day(4)?,
                ftd_day: day(5)?,
                ftd_amount_micros: amount,
                currency: match c.opt_key(7)? {
                    None => String::new(),
                    Some(_) => c.currency(7)?,
                },
            };
            if row.player_id.is_empty() && row.click_id.is_empty() {
                return Err(RowError {
                    column: None,
                    reason: "names neither a player nor a click: a claim needs one of them".into(),
                });
            }
            Row::Claim(row)
        }
        ImportPreset::Affiliates => {
            let name = c.opt_text(1)?;
            if name.is_empty() {
                return Err(c.err(1, "is empty: an affiliate needs a name"));
            }
            let email = c.opt_text(3)?;
            let email_hash = match email.is_empty() {
                true => None,
                false => Some(
                    crate::ingest::identity::email_hash(&email)
                        .ok_or_else(|| c.err(3, format!("'{email}' is not an email address")))?,
                ),
            };
            let country = super::rows_forex::country_code(&c, 4)?;
            Row::Affiliate(AffiliateFileRow {
                id: c.key(0)?,
                name,
                parent: c.opt_text(2)?,
                email_hash,
                country,
                manager: c.opt_text(5)?,
            })
        }
        ImportPreset::Symbols => super::rows_forex::symbol(&c)?,
        ImportPreset::Accounts => super::rows_forex::account(&c, df)?,
        ImportPreset::Deals => super::rows_forex::deal(&c, df)?,
        ImportPreset::Conversions => super::rows_forex::conversion(&c, df)?,
    })
}

/// The target fields of a row as text, for a preview (whether or not the row is valid).
pub fn preview_fields(rec: &ByteRecord, row: u64, ctx: &RowContext<'_>) -> Vec<(String, String)> {
    let c = Cells { rec, ctx, row };
    fields(ctx.resolved.preset)
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let t = c
                .text(i)
                .map(|t| t.into_owned())
                .unwrap_or_else(|_| "(not UTF-8)".into());
            (s.name.to_string(), t)
        })
        .collect()
}
