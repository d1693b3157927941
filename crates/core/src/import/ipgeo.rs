//! A GeoIP table from a file (the `ip_countries` preset): ranges of addresses to a country, kept in
//! `ip_country_ranges`, never overlapping. The geo rule reads one country per player IP from `ip_countries`; the
//! ranges fill it ([`fill_ip_countries`]) for the IPs players registered from — after a table is imported, for
//! every player already known, and after registrations are imported, for theirs — so the order the files arrive
//! in does not matter.
//!
//! Bounds are read as addresses (`1.0.0.0`, `2a00::`), as the integers GeoIP exports write IPv4 addresses as
//! (`16777216`, also `16777216.0`), or as a CIDR block in `ip_from` with `ip_to` empty (`1.0.0.0/24`). A number a
//! spreadsheet rounded into scientific notation (`1.02E+09`) has lost its exact value: the row is refused rather
//! than guessed. A player IP written as an integer (`732758368.8`, as public data sets encode IPv4) is looked up
//! as that IPv4 address.

use super::clean::{self, Ignored};
use super::rows::{Cells, IpRangeRow, RowError};
use rusqlite::{params, OptionalExtension, Transaction};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The sort key of an address: its 128 bits as 32 lower-case hex digits, IPv4 as `::ffff:a.b.c.d`.
pub fn key(addr: IpAddr) -> String {
    let v6 = match addr {
        IpAddr::V4(a) => a.to_ipv6_mapped(),
        IpAddr::V6(a) => a,
    };
    format!("{:032x}", u128::from(v6))
}

fn v4_key(n: u32) -> String {
    key(IpAddr::V4(Ipv4Addr::from(n)))
}

/// A bound of a range: an address, or an IPv4 address written as a whole number. `Err` says why not.
fn bound(text: &str) -> Result<IpAddr, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("is empty".into());
    }
    if let Some(a) = clean::parse_ip(t) {
        return Ok(a);
    }
    let b = t.as_bytes();
    if b.iter().any(|c| matches!(c, b'e' | b'E'))
        && b.iter().all(|c| c.is_ascii_digit() || b"eE+-.".contains(c))
    {
        return Err(format!(
            "'{t}' is a rounded number (scientific notation): the exact address is lost; export the column as whole numbers"
        ));
    }
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    if whole.is_empty()
        || !whole.bytes().all(|c| c.is_ascii_digit())
        || !frac.bytes().all(|c| c == b'0')
    {
        return Err(format!("'{t}' is not an IP address or a whole number"));
    }
    whole
        .parse::<u32>()
        .map(|n| IpAddr::V4(Ipv4Addr::from(n)))
        .map_err(|_| format!("'{t}' is larger than any IPv4 address (4294967295)"))
}

/// The first and last address of a CIDR block (`203.0.113.0/24`).
fn cidr(text: &str) -> Result<Option<(IpAddr, IpAddr)>, String> {
    let Some((addr, len)) = text.trim().split_once('/') else {
        return Ok(None);
    };
    let a = clean::parse_ip(addr).ok_or_else(|| format!("'{addr}' is not an IP address"))?;
    let bits = if a.is_ipv4() { 32 } else { 128 };
    let len: u32 = len
        .trim()
        .parse()
        .ok()
        .filter(|l| *l <= bits)
        .ok_or_else(|| format!("'/{len}' is not a prefix length of 0 to {bits}"))?;
    Ok(Some(match a {
        IpAddr::V4(v4) => {
            let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
            let n = u32::from(v4) & mask;
            (
                IpAddr::V4(Ipv4Addr::from(n)),
                IpAddr::V4(Ipv4Addr::from(n | !mask)),
            )
        }
        IpAddr::V6(v6) => {
            let mask = if len == 0 {
                0
            } else {
                u128::MAX << (128 - len)
            };
            let n = u128::from(v6) & mask;
            (
                IpAddr::V6(Ipv6Addr::from(n)),
                IpAddr::V6(Ipv6Addr::from(n | !mask)),
            )
        }
    }))
}

/// A row of the `ip_countries` preset (fields ip_from, ip_to, country). The country is the row's whole point: one
/// that is no country refuses the row.
pub(super) fn range_row(c: &Cells<'_, '_>) -> Result<IpRangeRow, RowError> {
    let from_text = c.opt_text(0)?;
    let to_text = c.opt_text(1)?;
    let (first, last) = match cidr(&from_text).map_err(|e| c.err(0, e))? {
        Some(block) if to_text.is_empty() => block,
        Some(_) => {
            return Err(c.err(1, "must be empty when ip_from is a CIDR block (a.b.c.d/nn)"));
        }
        None => {
            let first = bound(&from_text).map_err(|e| c.err(0, e))?;
            let last = if to_text.is_empty() {
                first
            } else {
                bound(&to_text).map_err(|e| c.err(1, e))?
            };
            (first, last)
        }
    };
    if first.is_ipv4() != last.is_ipv4() {
        return Err(c.err(1, "is not of the same family (IPv4, IPv6) as ip_from"));
    }
    let (first_key, last_key) = (key(first), key(last));
    if last_key < first_key {
        return Err(c.err(1, format!("'{last}' comes before ip_from '{first}'")));
    }
    let text = c.opt_text(2)?;
    let country = match clean::country(&text) {
        Ok(Some(code)) => code,
        Ok(None) => return Err(c.err(2, "is empty: a range needs its country")),
        Err(Ignored::Placeholder) | Err(_) => {
            return Err(c.err(
                2,
                format!("'{text}' is not a country code (ISO 3166-1, e.g. DE) or a country name"),
            ))
        }
    };
    Ok(IpRangeRow {
        first_key,
        last_key,
        first_ip: first.to_string(),
        last_ip: last.to_string(),
        country,
    })
}

/// The key an IP signal is looked up by: an address, or an IPv4 address written as a number (its whole part).
pub fn lookup_key(ip: &str) -> Option<String> {
    if let Some(a) = clean::parse_ip(ip) {
        return Some(key(a));
    }
    let t = ip.trim();
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    if whole.is_empty()
        || whole.len() > 10
        || !whole.bytes().all(|c| c.is_ascii_digit())
        || !frac.bytes().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    whole.parse::<u32>().ok().map(v4_key)
}

/// The country of the range holding `key`, if one does.
pub fn country_of_key(tx: &rusqlite::Connection, key: &str) -> rusqlite::Result<Option<String>> {
    // Ranges never overlap: the one starting last at or before the key is the only candidate.
    tx.prepare_cached(
        "SELECT country, last_key FROM ip_country_ranges WHERE first_key <= ?1 ORDER BY first_key DESC LIMIT 1",
    )?
    .query_row([key], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
    .optional()
    .map(|found| found.and_then(|(country, last)| (last.as_str() >= key).then_some(country)))
}

/// The country an IP is in according to the imported GeoIP ranges, if any.
pub fn country_of(conn: &rusqlite::Connection, ip: &str) -> rusqlite::Result<Option<String>> {
    match lookup_key(ip) {
        Some(k) => country_of_key(conn, &k),
        None => Ok(None),
    }
}

/// Where a range came from, for naming it in a refusal.
pub struct RangeOrigin<'a> {
    pub run_id: i64,
    pub row: u64,
    pub file_name: &'a str,
}

/// Stores a range, unless it overlaps one already stored: then `Some(reason)` names that one (its file and row,
/// its bounds and country) and nothing is written. The same range with the same country again is no change.
pub fn insert_range(
    tx: &Transaction<'_>,
    r: &IpRangeRow,
    origin: &RangeOrigin<'_>,
) -> rusqlite::Result<Option<String>> {
    let overlapping: Option<(String, String, String, String, String, i64, String)> = tx
        .prepare_cached(
            "SELECT first_key, last_key, first_ip, last_ip, country, row_number, file_name FROM ip_country_ranges
             WHERE first_key <= ?1 ORDER BY first_key DESC LIMIT 1",
        )?
        .query_row([&r.last_key], |x| {
            Ok((x.get(0)?, x.get(1)?, x.get(2)?, x.get(3)?, x.get(4)?, x.get(5)?, x.get(6)?))
        })
        .optional()?
        .filter(|(_, last, ..)| *last >= r.first_key);
    if let Some((first_key, last_key, first_ip, last_ip, country, row, file)) = overlapping {
        if first_key == r.first_key && last_key == r.last_key && country == r.country {
            return Ok(None);
        }
        let at = if file.is_empty() {
            format!("row {row}")
        } else {
            format!("row {row} of {file}")
        };
        return Ok(Some(format!(
            "{}–{} overlaps {at} ({first_ip}–{last_ip} → {country}); ranges may not overlap, so this row is left out",
            r.first_ip, r.last_ip
        )));
    }
    tx.prepare_cached(
        "INSERT INTO ip_country_ranges (first_key, last_key, first_ip, last_ip, country, run_id, row_number, file_name)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        r.first_key,
        r.last_key,
        r.first_ip,
        r.last_ip,
        r.country,
        origin.run_id,
        origin.row as i64,
        origin.file_name
    ])?;
    Ok(None)
}

/// Records that `ip` is in `country` for the geo rule (`ip_countries`, one country per IP). An IP given two
/// countries (by the operator and a GeoIP table, or two tables) is ambiguous and becomes unknown (''), whichever
/// came first — the connectors' rule, so the order data arrives in changes nothing.
pub fn record_ip_country(tx: &Transaction<'_>, ip: &str, country: &str) -> rusqlite::Result<()> {
    if ip.is_empty() || country.is_empty() {
        return Ok(());
    }
    tx.prepare_cached(
        "INSERT INTO ip_countries (ip, country) VALUES (?1, ?2)
         ON CONFLICT (ip) DO UPDATE SET country = '' WHERE country <> excluded.country",
    )?
    .execute(params![ip, country])?;
    Ok(())
}

/// Fills `ip_countries` from the GeoIP ranges for the registration IPs of every player (`None`) or of the given
/// players' IPs: each IP inside a range gets that range's country. Returns how many IPs were looked up and found.
pub fn fill_ip_countries(tx: &Transaction<'_>, ips: Option<&[String]>) -> rusqlite::Result<u64> {
    let any: bool = tx
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM ip_country_ranges)")?
        .query_row([], |r| r.get(0))?;
    if !any {
        return Ok(0);
    }
    let all: Vec<String>;
    let ips = match ips {
        Some(v) => v,
        None => {
            all = tx
                .prepare("SELECT DISTINCT ip FROM players WHERE ip <> ''")?
                .query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            &all
        }
    };
    let mut found = 0;
    for ip in ips {
        if let Some(k) = lookup_key(ip) {
            if let Some(country) = country_of_key(tx, &k)? {
                record_ip_country(tx, ip, &country)?;
                found += 1;
            }
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_and_blocks() {
        assert_eq!(bound("16777216").unwrap().to_string(), "1.0.0.0");
        assert_eq!(bound("16777471.0").unwrap().to_string(), "1.0.0.255");
        assert!(bound("1.02E+09")
            .unwrap_err()
            .contains("scientific notation"));
        assert!(bound("4294967296").unwrap_err().contains("larger"));
        assert!(bound("12.5").is_err());
        assert_eq!(bound("2a00::").unwrap().to_string(), "2a00::");
        let (a, b) = cidr("203.0.113.77/24").unwrap().unwrap();
        assert_eq!(
            (a.to_string(), b.to_string()),
            ("203.0.113.0".into(), "203.0.113.255".into())
        );
        let (a, b) = cidr("2a00:1450::/32").unwrap().unwrap();
        assert_eq!(
            (a.to_string(), b.to_string()),
            (
                "2a00:1450::".into(),
                "2a00:1450:ffff:ffff:ffff:ffff:ffff:ffff".into()
            )
        );
        assert!(cidr("1.2.3.4/33").is_err());
        assert_eq!(cidr("1.2.3.4").unwrap(), None);
        assert_eq!(
            lookup_key("732758368.8"),
            Some(key("43.173.1.96".parse().unwrap()))
        );
        assert_eq!(lookup_key("1.0.0.7"), Some(key("1.0.0.7".parse().unwrap())));
        assert_eq!(lookup_key("abc"), None);
        assert!(key("1.0.0.0".parse().unwrap()) < key("1.0.1.0".parse().unwrap()));
        assert!(key("255.255.255.255".parse().unwrap()) < key("2a00::".parse().unwrap()));
    }
}
