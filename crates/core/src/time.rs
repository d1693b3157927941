//! Instants and reporting days. Instants are Unix milliseconds UTC; a reporting day is the calendar date of an
//! instant in a program's IANA time zone. Nothing here reads the clock.

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    #[error("unknown time zone '{0}' (expected an IANA name such as Europe/Malta)")]
    UnknownZone(String),
    #[error("'{0}' is not a date (expected YYYY-MM-DD)")]
    BadDate(String),
    #[error("'{0}' is not an RFC 3339 instant (expected e.g. 2026-10-03T14:22:05Z)")]
    BadInstant(String),
    #[error("{0} is outside the supported range of instants")]
    OutOfRange(i64),
}

pub fn parse_zone(name: &str) -> Result<Tz, TimeError> {
    name.parse::<Tz>()
        .map_err(|_| TimeError::UnknownZone(name.to_string()))
}

pub fn parse_day(text: &str) -> Result<NaiveDate, TimeError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| TimeError::BadDate(text.to_string()))
}

/// Days from 0001-01-01 (chrono's day 1) to 1970-01-01.
const UNIX_EPOCH_FROM_CE: i64 = 719_163;

/// A day as a number (days since 1970-01-01), for arithmetic on many days without dates.
pub fn day_number(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce()) - UNIX_EPOCH_FROM_CE
}

/// The date of a day number.
pub fn date_of_number(day: i64) -> Option<NaiveDate> {
    i32::try_from(day + UNIX_EPOCH_FROM_CE)
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
}

/// A stored `YYYY-MM-DD` day as a day number, read without allocating (none when it is not a date). For hot
/// loops over stored days; [`parse_day`] for what people type.
pub fn day_number_of(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let number = |digits: &[u8]| {
        digits.iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let year = i32::try_from(number(&b[0..4])?).ok()?;
    NaiveDate::from_ymd_opt(year, number(&b[5..7])?, number(&b[8..10])?).map(day_number)
}

pub fn parse_rfc3339_ms(text: &str) -> Result<i64, TimeError> {
    DateTime::parse_from_rfc3339(text.trim())
        .map(|d| d.timestamp_millis())
        .map_err(|_| TimeError::BadInstant(text.to_string()))
}

/// Unix seconds to milliseconds, refusing values no tracker could mean (before 2000 or after 2100).
pub fn unix_secs_to_ms(secs: i64) -> Result<i64, TimeError> {
    const Y2000: i64 = 946_684_800;
    const Y2100: i64 = 4_102_444_800;
    if !(Y2000..Y2100).contains(&secs) {
        return Err(TimeError::OutOfRange(secs));
    }
    Ok(secs * 1000)
}

/// The reporting day (`YYYY-MM-DD`) of an instant in a zone.
pub fn day_of(ms: i64, tz: Tz) -> Result<String, TimeError> {
    let utc = Utc
        .timestamp_millis_opt(ms)
        .single()
        .ok_or(TimeError::OutOfRange(ms))?;
    Ok(utc.with_timezone(&tz).format("%Y-%m-%d").to_string())
}

/// The first instant (Unix ms) of a day in a zone. On a day that starts inside a DST gap, the earliest valid time.
pub fn day_start_ms(day: NaiveDate, tz: Tz) -> i64 {
    let midnight = day.and_hms_opt(0, 0, 0).expect("midnight exists");
    match tz.from_local_datetime(&midnight) {
        chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => {
            t.timestamp_millis()
        }
        chrono::LocalResult::None => tz
            .from_local_datetime(&(midnight + chrono::Duration::hours(1)))
            .earliest()
            .map(|t| t.timestamp_millis())
            .unwrap_or_else(|| midnight.and_utc().timestamp_millis()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_round_trip_and_parse_only_dates() {
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
        for text in [
            "1970-01-01",
            "2026-10-31",
            "2024-02-29",
            "1867-10-18",
            "9999-12-31",
        ] {
            let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap();
            let day = day_number_of(text).unwrap();
            assert_eq!(day, (date - epoch).num_days(), "{text}");
            assert_eq!(day, day_number(date));
            assert_eq!(date_of_number(day).unwrap().to_string(), text);
        }
        for bad in [
            "2026-02-30",
            "2026-13-01",
            "2026-1-01",
            "2026/10/01",
            "20261001xx",
            "",
            "2026-10-0a",
        ] {
            assert_eq!(day_number_of(bad), None, "{bad}");
        }
    }

    /// The same instant belongs to different days in different zones; dashboards must bucket by the program's.
    #[test]
    fn day_depends_on_zone() {
        let ms = parse_rfc3339_ms("2026-10-03T23:30:00Z").unwrap();
        assert_eq!(day_of(ms, chrono_tz::UTC).unwrap(), "2026-10-03");
        assert_eq!(
            day_of(ms, parse_zone("Europe/Malta").unwrap()).unwrap(),
            "2026-10-04"
        );
        assert_eq!(
            day_of(ms, parse_zone("America/New_York").unwrap()).unwrap(),
            "2026-10-03"
        );
    }

    #[test]
    fn rejects_bad_input_with_the_value() {
        assert_eq!(
            parse_zone("Mars/Base").unwrap_err().to_string(),
            "unknown time zone 'Mars/Base' (expected an IANA name such as Europe/Malta)"
        );
        assert!(parse_day("2026-13-01").is_err());
        assert!(parse_rfc3339_ms("yesterday").is_err());
        assert!(unix_secs_to_ms(12).is_err());
        assert_eq!(unix_secs_to_ms(1_759_276_800), Ok(1_759_276_800_000));
    }

    #[test]
    fn day_start_in_zone() {
        let tz = parse_zone("Europe/Malta").unwrap();
        let d = parse_day("2026-10-04").unwrap();
        assert_eq!(
            day_start_ms(d, tz),
            parse_rfc3339_ms("2026-10-03T22:00:00Z").unwrap()
        );
    }
}

/// A reporting period: inclusive calendar days in the program's reporting time zone, `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Period {
    pub from: String,
    pub to: String,
}
