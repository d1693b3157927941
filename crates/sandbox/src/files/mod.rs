//! Batch files in the MyAffiliates tradition: daily operator CSVs ([`write_operator_csvs`]) with optional real-world
//! quirks ([`CsvQuirks`]), and one big streamed `clicks.csv` for the import benchmark ([`write_clicks_csv`]).
//!
//! Daily files use the operator's day (UTC, or shifted when the world injects a timezone shift), so they disagree
//! with the tracker exactly where the answer key says. Fields are written by hand (quoted when they hold a comma,
//! quote or newline): the writer must be able to produce the malformed-but-real shapes a strict library won't.

pub mod claims;
pub(crate) mod csv_out;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::truth::format_amount;
use crate::world::{click_stream, Click, DealType, World, WorldConfig};
use csv_out::CsvFile;

pub use csv_out::CLICKS_HEADER;

/// The quirks real operator files have; all off by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CsvQuirks {
    /// A UTF-8 byte-order mark before the header.
    pub bom: bool,
    /// Every other row writes dates as DD/MM/YYYY instead of YYYY-MM-DD.
    pub mixed_dates: bool,
    /// Every field quoted, and landing URLs carry a comma (`&kw=casino,bonus`).
    pub quoted_commas: bool,
    /// Two empty lines after the last row.
    pub trailing_blank_lines: bool,
}

impl CsvQuirks {
    pub fn all() -> Self {
        Self {
            bom: true,
            mixed_dates: true,
            quoted_commas: true,
            trailing_blank_lines: true,
        }
    }
}

/// What [`write_operator_csvs`] wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FilesWritten {
    pub files: Vec<PathBuf>,
    pub rows: u64,
}

/// Writes `registrations_`, `activity_`, `clicks_` (and, for Forex worlds, `trading_`) `YYYY-MM-DD.csv` per operator
/// day into `dir` (created if missing).
pub fn write_operator_csvs(
    world: &World,
    dir: &Path,
    quirks: CsvQuirks,
) -> std::io::Result<FilesWritten> {
    std::fs::create_dir_all(dir)?;
    let shift = Duration::hours(i64::from(world.config.faults_injected.timezone_shift_hours));
    let day_of = |t: DateTime<Utc>| (t + shift).date_naive();
    let mut out = FilesWritten {
        files: Vec::new(),
        rows: 0,
    };
    let mut files: OpenFiles = BTreeMap::new();
    for p in &world.players {
        let day = day_of(p.registered_at);
        let f = open(
            &mut files,
            dir,
            quirks,
            "registrations",
            day,
            "player_id,registration_date,country,btag,promo_code,click_id",
        )?;
        let date = f.datetime(p.registered_at + shift);
        f.row(&[
            &p.player_id,
            &date,
            &p.country,
            p.btag.as_deref().unwrap_or(""),
            p.promo_code.as_deref().unwrap_or(""),
            p.click_id.as_deref().unwrap_or(""),
        ])?;
    }
    let currency = world.program.currency.as_str();
    for a in &world.activity {
        let f = open(
            &mut files,
            dir,
            quirks,
            "activity",
            a.day,
            "player_id,date,currency,deposits,withdrawals,bets,wins,bonuses,chargebacks,fees",
        )?;
        let date = f.date(a.day);
        let amounts = [
            a.deposits,
            a.withdrawals,
            a.bets,
            a.wins,
            a.bonuses,
            a.chargebacks,
            a.fees,
        ]
        .map(format_amount);
        let mut fields: Vec<&str> = vec![&a.player_id, &date, currency];
        fields.extend(amounts.iter().map(String::as_str));
        f.row(&fields)?;
    }
    for c in &world.clicks {
        let f = open(
            &mut files,
            dir,
            quirks,
            "clicks",
            day_of(c.at),
            CLICKS_HEADER,
        )?;
        f.click(c)?;
    }
    if let Some(fx) = &world.forex {
        // (day, login, symbol) → (lots, deals): volume as the account reports it, per symbol.
        let mut trading: BTreeMap<(NaiveDate, u64, &str), (rust_decimal::Decimal, u32)> =
            BTreeMap::new();
        for d in fx
            .deals
            .iter()
            .filter(|d| matches!(d.kind, DealType::Buy | DealType::Sell))
        {
            let entry = trading
                .entry((day_of(d.time), d.login, &d.symbol))
                .or_default();
            entry.0 += d.volume;
            entry.1 += 1;
        }
        for ((day, login, symbol), (lots, deals)) in trading {
            let f = open(
                &mut files,
                dir,
                quirks,
                "trading",
                day,
                "login,date,symbol,volume_lots,deals",
            )?;
            let date = f.date(day);
            f.row(&[
                &login.to_string(),
                &date,
                symbol,
                &format_amount(lots),
                &deals.to_string(),
            ])?;
        }
    }
    for ((kind, day), f) in files {
        out.rows += f.finish()?;
        out.files
            .push(dir.join(format!("{kind}_{}.csv", day.format("%Y-%m-%d"))));
    }
    Ok(out)
}

type OpenFiles = BTreeMap<(String, NaiveDate), CsvFile>;

/// The file of `kind` for `day`, created with its header on first use.
fn open<'a>(
    files: &'a mut OpenFiles,
    dir: &Path,
    quirks: CsvQuirks,
    kind: &str,
    day: NaiveDate,
    header: &str,
) -> std::io::Result<&'a mut CsvFile> {
    use std::collections::btree_map::Entry;
    Ok(match files.entry((kind.to_owned(), day)) {
        Entry::Occupied(e) => e.into_mut(),
        Entry::Vacant(e) => {
            let path = dir.join(format!("{kind}_{}.csv", day.format("%Y-%m-%d")));
            e.insert(CsvFile::create(&path, header, quirks)?)
        }
    })
}

/// Streams every click of the world `cfg` describes to `path` as one CSV ([`CLICKS_HEADER`], `clicked_at` in
/// RFC 3339 UTC), holding one day of clicks in memory. Returns the row count. For an exact row count use
/// [`WorldConfig::scale`].
pub fn write_clicks_csv(cfg: &WorldConfig, path: &Path) -> std::io::Result<u64> {
    let file = BufWriter::with_capacity(1 << 20, File::create(path)?);
    write_clicks(cfg, file)
}

/// [`write_clicks_csv`] to any writer.
pub fn write_clicks<W: Write>(cfg: &WorldConfig, out: W) -> std::io::Result<u64> {
    let mut f = CsvFile::new(out, CLICKS_HEADER, CsvQuirks::default())?;
    for click in click_stream(cfg) {
        f.click(&click)?;
    }
    f.finish()
}

impl<W: Write> CsvFile<W> {
    fn click(&mut self, c: &Click) -> std::io::Result<()> {
        let at = self.instant(c.at);
        let url = if self.quirks.quoted_commas {
            format!("{}&kw=casino,bonus", c.url)
        } else {
            c.url.clone()
        };
        self.row(&[
            &c.transaction_id,
            &at,
            &c.affiliate_id.to_string(),
            &c.sub1,
            &c.sub2,
            &c.sub3,
            &c.sub4,
            &c.sub5,
            &c.ip,
            &c.user_agent,
            &c.country,
            &url,
        ])
    }
}
