//! Parsing one cell: dates and instants in declared formats, money, flags, bounded text.
//!
//! Ambiguous forms are never guessed: `03/04/2026` is the 3rd of April or the 4th of March depending on the file,
//! so slash dates are accepted only when the mapping declares `dmy` or `mdy_hm`. The automatic format takes only
//! the forms that read one way (ISO dates, ISO date-times, RFC 3339).

use crate::money::parse_micros;
use chrono::{NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;

/// How the dates of a file are written. Naive forms (without an offset) are read in the source's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateFormat {
    /// `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS]`, `YYYY-MM-DDTHH:MM:SS`, or RFC 3339: the forms that read one way.
    Auto,
    /// `YYYY-MM-DD`.
    Ymd,
    /// `YYYY-MM-DD HH:MM:SS`.
    YmdHms,
    /// RFC 3339 with an offset: `2026-10-03T14:22:05Z`.
    Rfc3339,
    /// `DD/MM/YYYY` (day first), optionally followed by ` HH:MM[:SS]`.
    Dmy,
    /// `M/D/YYYY H:MM` (month first, US), optionally without the time.
    MdyHm,
    /// Unix seconds.
    UnixS,
    /// Unix milliseconds.
    UnixMs,
}

impl DateFormat {
    pub const NAMES: &'static [&'static str] = &[
        "auto", "ymd", "ymd_hms", "rfc3339", "dmy", "mdy_hm", "unix_s", "unix_ms",
    ];

    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "auto" => Self::Auto,
            "ymd" => Self::Ymd,
            "ymd_hms" => Self::YmdHms,
            "rfc3339" => Self::Rfc3339,
            "dmy" => Self::Dmy,
            "mdy_hm" => Self::MdyHm,
            "unix_s" => Self::UnixS,
            "unix_ms" => Self::UnixMs,
            _ => return None,
        })
    }
}

/// Instants before 2000 or after 2100 are typos or wrong units, not affiliate traffic.
const MIN_MS: i64 = 946_684_800_000;
const MAX_MS: i64 = 4_102_444_800_000;

fn digits(b: &[u8]) -> Option<u32> {
    if b.is_empty() || b.len() > 9 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0')))
}

/// `YYYY-MM-DD` (or `YYYY.MM.DD`, as MT5 writes it) followed by nothing, or by ` `/`T` and `HH:MM[:SS[.fff]]`.
/// Fixed positions: fast on the hot path.
fn iso_naive(t: &[u8]) -> Option<NaiveDateTime> {
    // `2026-03-15`, or MT5's `2026.03.15`.
    let sep = *t.get(4)?;
    if t.len() < 10 || !(sep == b'-' || sep == b'.') || t[7] != sep {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(
        digits(&t[0..4])? as i32,
        digits(&t[5..7])?,
        digits(&t[8..10])?,
    )?;
    if t.len() == 10 {
        return date.and_hms_opt(0, 0, 0);
    }
    if t[10] != b' ' && t[10] != b'T' {
        return None;
    }
    hms(date, &t[11..])
}

/// `H:MM`, `HH:MM`, `HH:MM:SS`, `HH:MM:SS.fff`.
fn hms(date: NaiveDate, t: &[u8]) -> Option<NaiveDateTime> {
    let mut parts = t.splitn(3, |&b| b == b':');
    let h = digits(parts.next()?)?;
    let m = parts.next()?;
    if m.len() != 2 {
        return None;
    }
    let m = digits(m)?;
    let (s, milli) = match parts.next() {
        None => (0, 0),
        Some(sec) => {
            let (whole, frac) = match sec.iter().position(|&b| b == b'.') {
                Some(i) => (&sec[..i], &sec[i + 1..]),
                None => (sec, &b""[..]),
            };
            if whole.len() != 2 || frac.len() > 3 || (!frac.is_empty() && digits(frac).is_none()) {
                return None;
            }
            let ms = frac
                .iter()
                .chain(std::iter::repeat(&b'0'))
                .take(3)
                .fold(0, |n, d| n * 10 + u32::from(d - b'0'));
            (digits(whole)?, ms)
        }
    };
    date.and_hms_milli_opt(h, m, s, milli)
}

/// `A/B/YYYY[ time]` with A and B of one or two digits; which of A, B is the day is the caller's declaration.
fn slash_naive(t: &[u8], day_first: bool) -> Option<NaiveDateTime> {
    let (date_part, time_part) = match t.iter().position(|&b| b == b' ') {
        Some(i) => (&t[..i], Some(&t[i + 1..])),
        None => (t, None),
    };
    let mut it = date_part.split(|&b| b == b'/');
    let (a, b, y) = (it.next()?, it.next()?, it.next()?);
    if it.next().is_some() || a.len() > 2 || b.len() > 2 || y.len() != 4 {
        return None;
    }
    let (a, b, y) = (digits(a)?, digits(b)?, digits(y)? as i32);
    let (d, m) = if day_first { (a, b) } else { (b, a) };
    let date = NaiveDate::from_ymd_opt(y, m, d)?;
    match time_part {
        None => date.and_hms_opt(0, 0, 0),
        Some(tp) => hms(date, tp),
    }
}

fn local_to_ms(naive: NaiveDateTime, tz: Tz) -> Option<i64> {
    if tz == chrono_tz::UTC {
        return Some(naive.and_utc().timestamp_millis());
    }
    // In a DST overlap the earlier instant is taken; a time inside a DST gap does not exist and is refused.
    tz.from_local_datetime(&naive)
        .earliest()
        .map(|t| t.timestamp_millis())
}

/// Parses an instant in the declared format; naive forms are read in `tz`. The error is a sentence for a person.
pub fn parse_instant(text: &str, format: DateFormat, tz: Tz) -> Result<i64, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("is empty".into());
    }
    let b = t.as_bytes();
    let rfc = || {
        chrono::DateTime::parse_from_rfc3339(t)
            .ok()
            .map(|d| d.timestamp_millis())
    };
    let ms = match format {
        DateFormat::Auto => iso_naive(b).and_then(|n| local_to_ms(n, tz)).or_else(rfc),
        DateFormat::Ymd => (b.len() == 10)
            .then(|| iso_naive(b))
            .flatten()
            .and_then(|n| local_to_ms(n, tz)),
        DateFormat::YmdHms => (b.len() == 19)
            .then(|| iso_naive(b))
            .flatten()
            .and_then(|n| local_to_ms(n, tz)),
        DateFormat::Rfc3339 => rfc(),
        DateFormat::Dmy => slash_naive(b, true).and_then(|n| local_to_ms(n, tz)),
        DateFormat::MdyHm => slash_naive(b, false).and_then(|n| local_to_ms(n, tz)),
        DateFormat::UnixS => t.parse::<i64>().ok().and_then(|s| s.checked_mul(1000)),
        DateFormat::UnixMs => t.parse::<i64>().ok(),
    };
    let Some(ms) = ms else {
        if format == DateFormat::Auto && b.contains(&b'/') {
            return Err(format!(
                "'{t}' is ambiguous (day or month first?): declare the date format (dmy or mdy_hm)"
            ));
        }
        return Err(format!(
            "'{t}' is not a date in the {} format",
            format_name(format)
        ));
    };
    if !(MIN_MS..MAX_MS).contains(&ms) {
        return Err(format!("'{t}' is outside 2000–2100"));
    }
    Ok(ms)
}

fn format_name(f: DateFormat) -> &'static str {
    let i = [
        DateFormat::Auto,
        DateFormat::Ymd,
        DateFormat::YmdHms,
        DateFormat::Rfc3339,
        DateFormat::Dmy,
        DateFormat::MdyHm,
        DateFormat::UnixS,
        DateFormat::UnixMs,
    ]
    .iter()
    .position(|x| *x == f)
    .unwrap_or(0);
    DateFormat::NAMES[i]
}

/// A calendar day (`YYYY-MM-DD` out) written in the declared format; a time part, if any, is ignored because an
/// operator's daily row already names its reporting day.
pub fn parse_day(text: &str, format: DateFormat) -> Result<String, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("is empty".into());
    }
    let b = t.as_bytes();
    let naive = match format {
        DateFormat::Dmy => slash_naive(b, true),
        DateFormat::MdyHm => slash_naive(b, false),
        _ => iso_naive(b),
    };
    match naive {
        Some(n) => Ok(n.date().format("%Y-%m-%d").to_string()),
        None if format == DateFormat::Auto && b.contains(&b'/') => Err(format!(
            "'{t}' is ambiguous (day or month first?): declare the date format (dmy or mdy_hm)"
        )),
        None => Err(format!(
            "'{t}' is not a day in the {} format",
            format_name(format)
        )),
    }
}

/// A money amount, exactly (see [`parse_micros`]); empty reads as zero only where the caller allows it.
pub fn parse_money(text: &str, empty_is_zero: bool) -> Result<i64, String> {
    if text.trim().is_empty() {
        return if empty_is_zero {
            Ok(0)
        } else {
            Err("is empty".into())
        };
    }
    parse_micros(text).map_err(|e| e.to_string())
}

pub fn parse_flag(text: &str) -> Result<bool, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "" | "0" | "false" | "no" | "n" | "f" => Ok(false),
        "1" | "true" | "yes" | "y" | "t" => Ok(true),
        other => Err(format!(
            "'{other}' is not a yes/no flag (1/0, true/false, yes/no)"
        )),
    }
}

/// A key such as a click id or a player id: trimmed, non-empty, printable, one line.
pub fn parse_key(text: &str) -> Result<&str, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("is empty".into());
    }
    if t.chars().any(char::is_control) {
        return Err("contains control characters".into());
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::UTC;

    fn ms(t: &str) -> i64 {
        crate::time::parse_rfc3339_ms(t).unwrap()
    }

    #[test]
    fn instants_in_every_declared_format() {
        let cases = [
            (
                "2017-11-07 09:30:38",
                DateFormat::Auto,
                "2017-11-07T09:30:38Z",
            ),
            ("2017-11-07", DateFormat::Auto, "2017-11-07T00:00:00Z"),
            (
                "2017-11-07T09:30:38.250",
                DateFormat::Auto,
                "2017-11-07T09:30:38.250Z",
            ),
            (
                "2026-10-03T14:22:05+02:00",
                DateFormat::Auto,
                "2026-10-03T12:22:05Z",
            ),
            (
                "2026-10-03T14:22:05Z",
                DateFormat::Rfc3339,
                "2026-10-03T14:22:05Z",
            ),
            (
                "2017-11-07 09:30:38",
                DateFormat::YmdHms,
                "2017-11-07T09:30:38Z",
            ),
            ("03/04/2026", DateFormat::Dmy, "2026-04-03T00:00:00Z"),
            ("2/24/2015 22:55", DateFormat::MdyHm, "2015-02-24T22:55:00Z"),
            ("4/8/2015 2:47", DateFormat::MdyHm, "2015-04-08T02:47:00Z"),
            ("1759276800", DateFormat::UnixS, "2025-10-01T00:00:00Z"),
        ];
        for (text, f, want) in cases {
            assert_eq!(parse_instant(text, f, UTC), Ok(ms(want)), "{text} as {f:?}");
        }
    }

    /// Guessing day-first or month-first silently shifts dates by months; the user must declare it.
    #[test]
    fn slash_dates_must_be_declared() {
        let e = parse_instant("03/04/2026", DateFormat::Auto, UTC).unwrap_err();
        assert!(e.contains("ambiguous"), "{e}");
        assert!(parse_instant("13/24/2015 1:00", DateFormat::MdyHm, UTC).is_err());
        assert!(parse_instant("2015-02-30", DateFormat::Auto, UTC).is_err());
        assert!(parse_instant("2017-11-07 9:30:38", DateFormat::YmdHms, UTC).is_err());
        assert_eq!(
            parse_instant("", DateFormat::Auto, UTC).unwrap_err(),
            "is empty"
        );
        assert!(parse_instant("1899-01-01", DateFormat::Auto, UTC)
            .unwrap_err()
            .contains("2000"));
        assert!(parse_instant("12", DateFormat::UnixS, UTC).is_err());
    }

    #[test]
    fn naive_times_are_read_in_the_source_zone() {
        let malta = crate::time::parse_zone("Europe/Malta").unwrap();
        assert_eq!(
            parse_instant("2026-10-04 00:30:00", DateFormat::Auto, malta),
            Ok(ms("2026-10-03T22:30:00Z"))
        );
    }

    #[test]
    fn days_numbers_flags_keys() {
        assert_eq!(
            parse_day("2026-10-03", DateFormat::Auto).unwrap(),
            "2026-10-03"
        );
        assert_eq!(
            parse_day("3/10/2026", DateFormat::Dmy).unwrap(),
            "2026-10-03"
        );
        assert!(parse_day("3/10/2026", DateFormat::Auto)
            .unwrap_err()
            .contains("ambiguous"));
        assert_eq!(parse_money("12.50", false), Ok(12_500_000));
        assert_eq!(parse_money(" ", true), Ok(0));
        assert!(parse_money("", false).is_err());
        assert!(parse_money("12,50", false).is_err());
        assert!(parse_money("1e3", false).is_err());
        assert!(parse_money("0.0000001", false)
            .unwrap_err()
            .contains("6 decimal"));
        assert_eq!(parse_flag("Yes"), Ok(true));
        assert_eq!(parse_flag(""), Ok(false));
        assert!(parse_flag("maybe").is_err());
        assert_eq!(parse_key(" c1 "), Ok("c1"));
        assert!(parse_key("a\u{0}b").is_err());
    }
}
