//! One CSV file being written: header, quoting, and the quirks that make real operator files awkward.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

use super::CsvQuirks;

pub const CLICKS_HEADER: &str =
    "click_id,clicked_at,affiliate_id,sub1,sub2,sub3,sub4,sub5,ip,user_agent,country,landing_url";
const BOM: &[u8] = b"\xEF\xBB\xBF";

pub(crate) struct CsvFile<W: Write = BufWriter<File>> {
    out: W,
    pub(super) quirks: CsvQuirks,
    rows: u64,
}

impl CsvFile {
    pub(super) fn create(path: &Path, header: &str, quirks: CsvQuirks) -> std::io::Result<Self> {
        Self::new(BufWriter::new(File::create(path)?), header, quirks)
    }
}

impl<W: Write> CsvFile<W> {
    pub(crate) fn new(mut out: W, header: &str, quirks: CsvQuirks) -> std::io::Result<Self> {
        if quirks.bom {
            out.write_all(BOM)?;
        }
        out.write_all(header.as_bytes())?;
        out.write_all(b"\n")?;
        Ok(Self {
            out,
            quirks,
            rows: 0,
        })
    }

    /// With mixed dates, odd rows use the European form: parsers must accept both in one file.
    fn european(&self) -> bool {
        self.quirks.mixed_dates && self.rows % 2 == 1
    }

    pub(super) fn date(&self, day: NaiveDate) -> String {
        if self.european() {
            day.format("%d/%m/%Y").to_string()
        } else {
            day.format("%Y-%m-%d").to_string()
        }
    }

    /// A local date-time (already shifted to the operator's zone), no zone suffix.
    pub(super) fn datetime(&self, at: DateTime<Utc>) -> String {
        let local: NaiveDateTime = at.naive_utc();
        if self.european() {
            local.format("%d/%m/%Y %H:%M:%S").to_string()
        } else {
            local.format("%Y-%m-%d %H:%M:%S").to_string()
        }
    }

    /// An instant in RFC 3339 UTC (or DD/MM/YYYY hh:mm:ss on a mixed-dates row).
    pub(super) fn instant(&self, at: DateTime<Utc>) -> String {
        if self.european() {
            at.format("%d/%m/%Y %H:%M:%S").to_string()
        } else {
            at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
        }
    }

    pub(crate) fn row(&mut self, fields: &[&str]) -> std::io::Result<()> {
        for (i, field) in fields.iter().enumerate() {
            if i > 0 {
                self.out.write_all(b",")?;
            }
            let needs_quotes = self.quirks.quoted_commas || field.contains([',', '"', '\n', '\r']);
            if needs_quotes {
                self.out.write_all(b"\"")?;
                if field.contains('"') {
                    self.out.write_all(field.replace('"', "\"\"").as_bytes())?;
                } else {
                    self.out.write_all(field.as_bytes())?;
                }
                self.out.write_all(b"\"")?;
            } else {
                self.out.write_all(field.as_bytes())?;
            }
        }
        self.out.write_all(b"\n")?;
        self.rows += 1;
        Ok(())
    }

    /// Flushes (with trailing blank lines if asked) and returns the data row count.
    pub(crate) fn finish(mut self) -> std::io::Result<u64> {
        if self.quirks.trailing_blank_lines {
            self.out.write_all(b"\n\n")?;
        }
        self.out.flush()?;
        Ok(self.rows)
    }
}
