//! Parse, then validate: a raw CSV record (bytes, any shape) becomes a typed row of its preset, or a [`RowError`]
//! naming the column and the reason. Nothing else reaches the writer.

use super::clean::{self, IgnoredCounts};
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
    /// Registration IP, canonical ('' when absent or ignored: see [`super::clean`]).
    pub ip: String,
    /// The hash of the normalized email; the address itself is never kept.
    pub email_hash: Option<String>,
    pub device_id: String,
    /// The country the registration IP is in (ISO 3166-1 alpha-2, '' when not given).
    pub ip_country: String,
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
    /// The payment instrument's hash (see [`clean::payment`]).
    pub payment_hash: Option<String>,
}

/// A withdrawal or a bonus grant: a money movement of that kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoneyRow {
    /// `withdrawal` or `bonus`.
    pub kind: &'static str,
    pub id: String,
    pub player_id: String,
    /// Positive: the kind says which way the money went.
    pub amount_micros: i64,
    pub currency: String,
    pub occurred_at_ms: i64,
    pub payment_hash: Option<String>,
}

/// One range of a GeoIP table: every address from `first` to `last` (keys that sort like the addresses: see
/// [`super::ipgeo`]) is in `country`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IpRangeRow {
    pub first_key: String,
    pub last_key: String,
    pub first_ip: String,
    pub last_ip: String,
    pub country: String,
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
    /// How a person recognises the email without it (`j…@gmail.com`).
    pub email_hint: String,
    pub country: String,
    pub manager: String,
    /// The affiliate's own office IPs (canonical, public).
    pub office_ips: Vec<String>,
    /// The payout instrument as stored (a raw card or IBAN hashed) and its hint.
    pub payout: Option<(String, String)>,
}

pub use super::rows_forex::{AccountFileRow, DealFileRow, SymbolFileRow};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Row {
    Click(ClickRow),
    Player(PlayerRow),
    Activity(ActivityRow),
    Deposit(DepositRow),
    Money(MoneyRow),
    IpRange(IpRangeRow),
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
    /// Signal values this row ignored (kept only if the row is valid).
    ignored: std::cell::RefCell<IgnoredCounts>,
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

    /// Field `i` read as a signal by `read` (see [`clean`]): a value it ignores is counted and reads as absent.
    pub(super) fn signal<T>(
        &self,
        i: usize,
        read: impl Fn(&str) -> Result<Option<T>, clean::Ignored>,
    ) -> Result<Option<T>, RowError> {
        let t = self.text(i)?;
        Ok(match read(&t) {
            Ok(v) => v,
            Err(why) => {
                let field = fields(self.ctx.resolved.preset)[i].name;
                self.ignored.borrow_mut().note(field, why, &t, self.row);
                None
            }
        })
    }

    /// Notes a value of field `i` ignored for `why` (a list cell's items are judged one by one).
    pub(super) fn ignore(&self, i: usize, why: clean::Ignored, value: &str) {
        let field = fields(self.ctx.resolved.preset)[i].name;
        self.ignored.borrow_mut().note(field, why, value, self.row);
    }

    pub(super) fn currency(&self, i: usize) -> Result<String, RowError> {
        let t = self.text(i)?;
        crate::ingest::records::currency("currency", &t).map_err(|e| self.err(i, e.reason))
    }
}

/// Checks the row's shape (column count, field sizes), then each field of the preset in order.
/// `row` is the spreadsheet row number (the header is row 1).
pub fn validate(rec: &ByteRecord, row: u64, ctx: &RowContext<'_>) -> Result<Row, RowError> {
    validate_counting(rec, row, ctx, &mut IgnoredCounts::default())
}

/// [`validate`], adding the signal values a valid row ignored to `ignored` (a refused row adds nothing).
pub fn validate_counting(
    rec: &ByteRecord,
    row: u64,
    ctx: &RowContext<'_>,
    ignored: &mut IgnoredCounts,
) -> Result<Row, RowError> {
    let c = Cells {
        rec,
        ctx,
        row,
        ignored: Default::default(),
    };
    let r = checked(&c)?;
    let mine = c.ignored.into_inner();
    if !mine.is_empty() {
        ignored.merge(&mine);
    }
    Ok(r)
}

fn checked(c: &Cells<'_, '_>) -> Result<Row, RowError> {
    let (rec, ctx) = (c.rec, c.ctx);
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
    let df = ctx.resolved.date_format;
    Ok(match ctx.resolved.preset {
        ImportPreset::Clicks => {
            let click_id = c.key(0)?;
            let clicked_at_ms = c.instant(1, df)?;
            let affiliate = c.key(2)?;
            let mut texts: [String; 9] = Default::default();
            for (k, t) in texts.iter_mut().enumerate() {
                // The IP (index 5) groups click bursts: a private or placeholder one would group unrelated clicks.
                *t = if k == 5 {
                    c.signal(3 + k, clean::ip)?.unwrap_or_default()
                } else {
                    c.opt_text(3 + k)?
                };
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
            ip: c.signal(7, clean::ip)?.unwrap_or_default(),
            email_hash: c.signal(8, clean::email)?.map(|(hash, _)| hash),
            device_id: c.signal(9, clean::device_id)?.unwrap_or_default(),
            ip_country: c.signal(10, clean::country)?.unwrap_or_default(),
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
            payment_hash: c.signal(6, clean::payment)?.map(|(v, _)| v),
        }),
        ImportPreset::Withdrawals | ImportPreset::Bonuses => {
            let withdrawal = ctx.resolved.preset == ImportPreset::Withdrawals;
            let amount = c.money(2, true)?;
            let amount_micros = if withdrawal {
                amount.saturating_abs()
            } else {
                amount
            };
            if amount_micros <= 0 {
                return Err(c.err(
                    2,
                    if withdrawal {
                        "is zero: a withdrawal moves money".to_string()
                    } else {
                        format!("'{}' is not a positive bonus amount", c.opt_text(2)?)
                    },
                ));
            }
            Row::Money(MoneyRow {
                kind: if withdrawal { "withdrawal" } else { "bonus" },
                id: c.key(0)?,
                player_id: c.key(1)?,
                amount_micros,
                currency: c.currency(3)?,
                occurred_at_ms: c.instant(4, df)?,
                payment_hash: if withdrawal {
                    c.signal(5, clean::payment)?.map(|(v, _)| v)
                } else {
                    None
                },
            })
        }
        ImportPreset::IpCountries => Row::IpRange(super::ipgeo::range_row(c)?),
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
            // An email that is no address, a private office IP, a placeholder instrument: the affiliate is imported,
            // the value is ignored (and counted), never a refused row.
            let email = c.signal(3, clean::email)?;
            let country = super::rows_forex::country_code(c, 4)?;
            let mut office_ips: Vec<String> = Vec::new();
            let cell = c.opt_text(6)?;
            for item in clean::list_items(&cell) {
                match clean::address(item) {
                    Ok(Some(ip)) if !office_ips.contains(&ip) => office_ips.push(ip),
                    Ok(_) => {}
                    Err(why) => c.ignore(6, why, item),
                }
            }
            Row::Affiliate(AffiliateFileRow {
                id: c.key(0)?,
                name,
                parent: c.opt_text(2)?,
                email_hint: email.as_ref().map(|(_, h)| h.clone()).unwrap_or_default(),
                email_hash: email.map(|(h, _)| h),
                country,
                manager: c.opt_text(5)?,
                office_ips,
                payout: c.signal(7, clean::payment)?,
            })
        }
        ImportPreset::Symbols => super::rows_forex::symbol(c)?,
        ImportPreset::Accounts => super::rows_forex::account(c, df)?,
        ImportPreset::Deals => super::rows_forex::deal(c, df)?,
        ImportPreset::Conversions => super::rows_forex::conversion(c, df)?,
    })
}

/// The target fields of a row as text, for a preview (whether or not the row is valid).
pub fn preview_fields(rec: &ByteRecord, row: u64, ctx: &RowContext<'_>) -> Vec<(String, String)> {
    let c = Cells {
        rec,
        ctx,
        row,
        ignored: Default::default(),
    };
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
