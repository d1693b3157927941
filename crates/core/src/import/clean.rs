//! Which cell values carry a fraud signal. Real files are full of values that only look like one: a device id of
//! `unknown` or all zeros shared by every player whose device was not seen, an email that is no address, an
//! office network's private IP. Kept as signals they link thousands of unrelated players (a flood of flags); here
//! each is recognised and *ignored as a signal*, with a reason the import counts ([`Ignored`]). The row itself is
//! imported all the same — only the signal is dropped.
//!
//! - IPs ([`ip`]): an address is kept in its canonical text (IPv6 compressed, lower-case; an IPv4-mapped IPv6 as
//!   IPv4; `010.001.002.003` as `10.1.2.3`) so the same address compares equal wherever it was written; one in a
//!   private or reserved range (RFC 1918, loopback, link-local, carrier-grade NAT's shared space, documentation,
//!   multicast, …) says nothing about who the person is and is ignored. A value that is no address at all — an
//!   anonymised number (`87540`), an integer-encoded IPv4 (`732758368.8`), a hash — is kept as given: it still
//!   links rows that carry the same value.
//! - Emails ([`email`]): the one normalization, [`crate::ingest::identity::email_hash`], on what parses as an
//!   address; only the hash is kept (and a hint, `j…@gmail.com`, for an affiliate's own).
//! - Device ids and payment instruments ([`device_id`], [`payment`]): placeholders ([`is_placeholder`]) are
//!   ignored; a raw card number or IBAN is never stored, only its SHA-256 (the operator's own hash or token is kept
//!   as given, so the same instrument matches across files).
//! - Countries ([`country`]): an ISO 3166-1 alpha-2 code, or a country's English name as GeoIP tables write it
//!   (`Korea Republic of`, `Virgin Islands (BRITISH)`); `EU`, `A1` (anonymous proxy) and the like are no country.

use sha2::{Digest, Sha256};
use std::net::{IpAddr, Ipv4Addr};

/// Why a value was ignored as a signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Ignored {
    /// `unknown`, `null`, `n/a`, `0000…`, the all-zero UUID, the hash of nothing…
    Placeholder,
    /// An email that does not parse as an address.
    NotAnAddress,
    /// An IP in a private or reserved range.
    PrivateIp,
    /// Not an IP address where one is required (an affiliate's office IPs).
    NotAnIp,
    /// Not a country code or a country name.
    NotACountry,
}

impl Ignored {
    pub fn as_str(self) -> &'static str {
        match self {
            Ignored::Placeholder => "placeholder",
            Ignored::NotAnAddress => "not_an_address",
            Ignored::PrivateIp => "private_ip",
            Ignored::NotAnIp => "not_an_ip",
            Ignored::NotACountry => "not_a_country",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Ignored::Placeholder,
            Ignored::NotAnAddress,
            Ignored::PrivateIp,
            Ignored::NotAnIp,
            Ignored::NotACountry,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }

    /// "N … ignored" for people: singular and plural.
    pub fn describe(self, n: i64) -> String {
        let one = n == 1;
        match self {
            Ignored::Placeholder => format!("{n} placeholder value{}", if one { "" } else { "s" }),
            Ignored::NotAnAddress => {
                format!(
                    "{n} value{} that {} not an email address",
                    if one { "" } else { "s" },
                    if one { "is" } else { "are" }
                )
            }
            Ignored::PrivateIp => format!(
                "{n} private or reserved IP address{}",
                if one { "" } else { "es" }
            ),
            Ignored::NotAnIp => {
                format!(
                    "{n} value{} that {} not an IP address",
                    if one { "" } else { "s" },
                    if one { "is" } else { "are" }
                )
            }
            Ignored::NotACountry => {
                format!(
                    "{n} value{} that {} not a country",
                    if one { "" } else { "s" },
                    if one { "is" } else { "are" }
                )
            }
        }
    }
}

/// Words files write for "no value" (compared trimmed, case-insensitively).
const PLACEHOLDER_WORDS: &[&str] = &[
    "-",
    "--",
    "?",
    "(null)",
    "<null>",
    "[null]",
    "default",
    "empty",
    "n/a",
    "n.a.",
    "na",
    "nan",
    "nil",
    "none",
    "not available",
    "not_available",
    "not set",
    "not_set",
    "notset",
    "null",
    "undefined",
    "unknown",
    "unavailable",
    "unset",
    "void",
];

/// Identifiers that many unrelated devices or instruments report: Android's buggy shared ANDROID_ID, the MAC
/// address Android reports to apps, and the hashes of nothing (MD5, SHA-1, SHA-256 of the empty string).
const PLACEHOLDER_VALUES: &[&str] = &[
    "9774d56d682e549c",
    "02:00:00:00:00:00",
    "d41d8cd98f00b204e9800998ecf8427e",
    "da39a3ee5e6b4b0d3255bfef95601890afd80709",
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
];

/// Whether a (non-empty) value stands for "no value": a word for nothing, one character repeated (`0000`,
/// `ffff-ffff`, `xxxxxxxx`, the all-zero UUID or IDFA; separators `-` `:` `_` `.` and spaces aside), or a known
/// shared identifier (see [`PLACEHOLDER_VALUES`]).
pub fn is_placeholder(value: &str) -> bool {
    let t = value.trim();
    if t.is_empty() {
        return true;
    }
    let lower = t.to_lowercase();
    if PLACEHOLDER_WORDS.contains(&lower.as_str()) || PLACEHOLDER_VALUES.contains(&lower.as_str()) {
        return true;
    }
    let mut chars = lower
        .chars()
        .filter(|c| !matches!(c, '-' | ':' | '_' | '.' | ' '));
    match chars.next() {
        None => true,
        Some(first) => chars.all(|c| c == first),
    }
}

/// A device id as a signal: trimmed; `Ok(None)` when empty; a placeholder is ignored.
pub fn device_id(text: &str) -> Result<Option<String>, Ignored> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if is_placeholder(t) || t.chars().any(char::is_control) {
        return Err(Ignored::Placeholder);
    }
    Ok(Some(t.to_string()))
}

/// Local parts files write when a person gave no address (`noemail@operator.com`, `none@none.com`).
const PLACEHOLDER_MAILBOXES: &[&str] = &[
    "donotreply",
    "do-not-reply",
    "noemail",
    "no-email",
    "no_email",
    "nomail",
    "no-mail",
    "noreply",
    "no-reply",
    "none",
    "null",
    "nil",
    "unknown",
    "na",
    "n/a",
    "empty",
    "test",
];

/// An email as a signal: `Ok(Some((hash, hint)))` — the hash of the one normalization
/// ([`crate::ingest::identity::email_hash`]) and a hint a person recognises (`j…@gmail.com`); `Ok(None)` when
/// empty. A value that does not parse as an address, or a placeholder mailbox, is ignored. The address itself is
/// never returned. A hash already made (64 hex digits, optionally `sha256:` first, as the import archives a file's
/// addresses and as operators that never send addresses deliver them) is taken as it is: it must have been made
/// with the same normalization to match.
pub fn email(text: &str) -> Result<Option<(String, String)>, Ignored> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let bare = t.strip_prefix("sha256:").unwrap_or(t);
    if bare.len() == 64 && bare.bytes().all(|b| b.is_ascii_hexdigit()) {
        if PLACEHOLDER_VALUES.contains(&bare.to_ascii_lowercase().as_str()) {
            return Err(Ignored::Placeholder);
        }
        return Ok(Some((bare.to_ascii_lowercase(), String::new())));
    }
    if is_placeholder(t) {
        return Err(Ignored::Placeholder);
    }
    let Some(normalized) = crate::ingest::identity::normalize_email(t) else {
        return Err(Ignored::NotAnAddress);
    };
    let (local, domain) = normalized.rsplit_once('@').unwrap_or(("", ""));
    if PLACEHOLDER_MAILBOXES.contains(&local) {
        return Err(Ignored::Placeholder);
    }
    let hash = crate::ingest::identity::email_hash(t).ok_or(Ignored::NotAnAddress)?;
    let first: String = local.chars().take(1).collect();
    Ok(Some((hash, format!("{first}…@{domain}"))))
}

/// An IP address in its canonical form, if the text is one: IPv4 (leading zeros allowed, `010.1.2.3`), IPv6
/// (optionally in brackets; an IPv4-mapped one is its IPv4).
pub fn parse_ip(text: &str) -> Option<IpAddr> {
    let t = text.trim();
    let t = t
        .strip_prefix('[')
        .and_then(|s| s.strip_suffix(']'))
        .unwrap_or(t);
    let addr = t.parse::<IpAddr>().ok().or_else(|| {
        // Dotted quad with leading zeros, which the standard parser refuses (`010.000.001.002`).
        let parts: Vec<&str> = t.split('.').collect();
        if parts.len() != 4 {
            return None;
        }
        let mut o = [0u8; 4];
        for (i, p) in parts.iter().enumerate() {
            if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            o[i] = p.parse::<u8>().ok()?;
        }
        Some(IpAddr::V4(Ipv4Addr::from(o)))
    })?;
    Some(match addr {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(v6),
        },
        v4 => v4,
    })
}

/// Whether an address is in a private or reserved range: one that says nothing about the person behind it
/// (IANA's special-purpose registries: not globally reachable).
pub fn is_private_or_reserved(addr: IpAddr) -> bool {
    match addr {
        IpAddr::V4(a) => {
            let [o1, o2, o3, _] = a.octets();
            o1 == 0 // "this network"
                || o1 == 10
                || o1 == 127
                || (o1 == 100 && (64..128).contains(&o2)) // carrier-grade NAT's shared space
                || (o1 == 169 && o2 == 254)
                || (o1 == 172 && (16..32).contains(&o2))
                || (o1 == 192 && o2 == 0 && o3 == 0) // IETF protocol assignments
                || (o1 == 192 && o2 == 0 && o3 == 2) // documentation
                || (o1 == 192 && o2 == 168)
                || (o1 == 198 && (o2 == 18 || o2 == 19)) // benchmarking
                || (o1 == 198 && o2 == 51 && o3 == 100) // documentation
                || (o1 == 203 && o2 == 0 && o3 == 113) // documentation
                || o1 >= 224 // multicast, reserved, broadcast
        }
        IpAddr::V6(a) => {
            let s = a.segments();
            a.is_unspecified()
                || a.is_loopback()
                || (s[0] & 0xfe00) == 0xfc00 // unique local
                || (s[0] & 0xffc0) == 0xfe80 // link-local
                || (s[0] & 0xff00) == 0xff00 // multicast
                || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
                || (s[0] == 0x0100 && s[1] == 0 && s[2] == 0 && s[3] == 0) // discard-only
                || s[..6] == [0, 0, 0, 0, 0, 0] // IPv4-compatible (deprecated), ::/96
        }
    }
}

/// An IP as a signal: an address in its canonical text, or any other value as given (an anonymised or encoded IP
/// still links rows that share it); `Ok(None)` when empty. A placeholder, or an address in a private or reserved
/// range, is ignored.
pub fn ip(text: &str) -> Result<Option<String>, Ignored> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    match parse_ip(t) {
        Some(a) if is_private_or_reserved(a) => Err(Ignored::PrivateIp),
        Some(a) => Ok(Some(a.to_string())),
        None if is_placeholder(t) || t.chars().any(char::is_control) => Err(Ignored::Placeholder),
        None => Ok(Some(t.to_string())),
    }
}

/// An IP that must be an address (an affiliate's office IP, compared with players' registration IPs): canonical;
/// not an address, a private or reserved one, or a placeholder is ignored.
pub fn address(text: &str) -> Result<Option<String>, Ignored> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    match parse_ip(t) {
        Some(a) if is_private_or_reserved(a) => Err(Ignored::PrivateIp),
        Some(a) => Ok(Some(a.to_string())),
        None if is_placeholder(t) => Err(Ignored::Placeholder),
        None => Err(Ignored::NotAnIp),
    }
}

/// The items of a list cell: `1.2.3.4; 5.6.7.8`, `1.2.3.4|5.6.7.8`, `1.2.3.4, 5.6.7.8` or spaces between.
pub fn list_items(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| matches!(c, ';' | '|' | ',') || c.is_whitespace())
        .filter(|s| !s.is_empty())
}

/// Whether a value is a raw card number (13–19 digits passing the Luhn check, spaces and dashes aside).
fn is_card_number(compact: &str) -> bool {
    let n = compact.len();
    if !(13..=19).contains(&n) || !compact.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let sum: u32 = compact
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 {
                    x - 9
                } else {
                    x
                }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// Whether a value is a raw IBAN (country code, two check digits, up to 30 letters and digits; the ISO 7064
/// mod-97 check holds).
fn is_iban(compact: &str) -> bool {
    let b = compact.as_bytes();
    if !(15..=34).contains(&b.len())
        || !b[..2].iter().all(u8::is_ascii_uppercase)
        || !b[2..4].iter().all(u8::is_ascii_digit)
        || !b.iter().all(u8::is_ascii_alphanumeric)
    {
        return false;
    }
    let mut rem: u32 = 0;
    for &c in b[4..].iter().chain(&b[..4]) {
        let v = if c.is_ascii_digit() {
            u32::from(c - b'0')
        } else {
            u32::from(c - b'A') + 10
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}

/// A payment instrument as a signal: `Ok(Some((value, hint)))`, `Ok(None)` when empty. The operator's own hash or
/// token is kept as given; a raw card number or IBAN is never stored — its SHA-256 (hex, of the digits and
/// capital letters) is, and the hint keeps its last four characters. A placeholder is ignored.
pub fn payment(text: &str) -> Result<Option<(String, String)>, Ignored> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if is_placeholder(t) || t.chars().any(char::is_control) {
        return Err(Ignored::Placeholder);
    }
    let compact: String = t
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .collect::<String>()
        .to_ascii_uppercase();
    if is_card_number(&compact) || is_iban(&compact) {
        let last4: String = compact[compact.len() - 4..].to_string();
        return Ok(Some((
            hex::encode(Sha256::digest(compact.as_bytes())),
            format!("…{last4}"),
        )));
    }
    let hint = if t.chars().count() > 12 {
        format!("{}…", t.chars().take(8).collect::<String>())
    } else {
        t.to_string()
    };
    Ok(Some((t.to_string(), hint)))
}

/// Folds the accented letters country names are written with to ASCII, and everything that is not a letter or
/// digit to a space; lower-case words separated by one space.
fn fold_name(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
            'ç' => 'c',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ñ' => 'n',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ý' | 'ÿ' => 'y',
            c => c,
        };
        if c == '&' {
            out.push_str(" and ");
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
        } else {
            out.push(' ');
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn by_name(folded: &str) -> Option<&'static str> {
    super::countries::NAMES
        .binary_search_by(|(n, _)| (*n).cmp(folded))
        .ok()
        .map(|i| super::countries::NAMES[i].1)
}

/// A country as a signal: an ISO 3166-1 alpha-2 code (any case; `UK` is GB) or an English name; `Ok(None)` when
/// empty. A code that is no country (`EU`, `A1`, `ZZ`, `--`) or a name the table does not know is ignored.
pub fn country(text: &str) -> Result<Option<String>, Ignored> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if t.len() == 2 && t.bytes().all(|b| b.is_ascii_alphabetic()) {
        let code = t.to_ascii_uppercase();
        let code = if code == "UK" { "GB".to_string() } else { code };
        return match super::countries::CODES.binary_search(&code.as_str()) {
            Ok(_) => Ok(Some(code)),
            Err(_) => Err(Ignored::NotACountry),
        };
    }
    if is_placeholder(t) {
        return Err(Ignored::Placeholder);
    }
    let folded = fold_name(t);
    let found = by_name(&folded).or_else(|| {
        // `Croatia (LOCAL Name: Hrvatska)`: the name without what is in brackets.
        let mut plain = String::new();
        let mut depth = 0;
        for c in t.chars() {
            match c {
                '(' => depth += 1,
                ')' => depth = (depth - 1).max(0),
                c if depth == 0 => plain.push(c),
                _ => {}
            }
        }
        by_name(&fold_name(&plain))
    });
    found
        .map(|c| Some(c.to_string()))
        .ok_or(Ignored::NotACountry)
}

/// Longest example kept for a count.
const EXAMPLE_CHARS: usize = 40;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct Entry {
    field: String,
    reason: String,
    count: i64,
    example: String,
    first_row: i64,
}

/// Values ignored as signals, counted per (field, reason) with the first one seen; merged across rows, chunks and
/// the resumed parts of a run, and kept with the run as JSON.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IgnoredCounts(std::collections::BTreeMap<(String, Ignored), (i64, String, i64)>);

impl IgnoredCounts {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Notes one value of `field` ignored for `why`, in file row `row`. An email is never kept as the example.
    pub fn note(&mut self, field: &str, why: Ignored, value: &str, row: u64) {
        let e = self.0.entry((field.to_string(), why)).or_insert_with(|| {
            let example = if why == Ignored::NotAnAddress || field == "email" {
                String::new()
            } else {
                value.trim().chars().take(EXAMPLE_CHARS).collect()
            };
            (0, example, row as i64)
        });
        e.0 += 1;
    }

    /// Adds another count in (its first rows come later in the file unless they are lower).
    pub fn merge(&mut self, other: &IgnoredCounts) {
        for (k, (n, example, row)) in &other.0 {
            let e = self
                .0
                .entry(k.clone())
                .or_insert_with(|| (0, example.clone(), *row));
            e.0 += n;
            if *row < e.2 {
                e.1 = example.clone();
                e.2 = *row;
            }
        }
    }

    pub fn to_json(&self) -> String {
        let v: Vec<Entry> = self
            .0
            .iter()
            .map(|((field, why), (count, example, first_row))| Entry {
                field: field.clone(),
                reason: why.as_str().into(),
                count: *count,
                example: example.clone(),
                first_row: *first_row,
            })
            .collect();
        serde_json::to_string(&v).unwrap_or_else(|_| "[]".into())
    }

    /// What [`IgnoredCounts::to_json`] wrote; anything unreadable counts as nothing.
    pub fn from_json(json: &str) -> Self {
        let v: Vec<Entry> = serde_json::from_str(json).unwrap_or_default();
        let mut out = Self::default();
        for e in v {
            if let Some(why) = Ignored::parse(&e.reason) {
                out.0
                    .insert((e.field, why), (e.count, e.example, e.first_row));
            }
        }
        out
    }

    /// As the import summary lists them, with a sentence each.
    pub fn signals(&self) -> Vec<crate::import::types::IgnoredSignal> {
        self.0
            .iter()
            .map(|((field, why), (count, example, first_row))| {
                let first = if example.is_empty() {
                    format!("first in row {first_row}")
                } else {
                    format!("first: '{example}', row {first_row}")
                };
                crate::import::types::IgnoredSignal {
                    field: field.clone(),
                    reason: why.as_str().into(),
                    count: *count,
                    example: example.clone(),
                    first_row: *first_row,
                    message: format!(
                        "{field}: {} ignored as a signal ({first}); the rows were imported",
                        why.describe(*count)
                    ),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders() {
        for p in [
            "unknown",
            "UNKNOWN",
            " null ",
            "n/a",
            "N/A",
            "-",
            "0",
            "0000",
            "00000000-0000-0000-0000-000000000000",
            "ffffffff-ffff-ffff-ffff-ffffffffffff",
            "xxxxxxxx",
            "(null)",
            "undefined",
            "9774d56d682e549c",
            "NaN",
            "d41d8cd98f00b204e9800998ecf8427e",
        ] {
            assert!(is_placeholder(p), "{p:?}");
            assert_eq!(device_id(p), Err(Ignored::Placeholder), "{p:?}");
        }
        for d in [
            "d-9",
            "QVPSPJUOCKZAR",
            "6F9619FF-8B86-D011-B42D-00C04FC964FF",
            "ab",
            "0a",
        ] {
            assert!(!is_placeholder(d), "{d:?}");
            assert_eq!(device_id(d), Ok(Some(d.to_string())));
        }
        assert_eq!(device_id("  "), Ok(None), "empty is absent, not ignored");
    }

    #[test]
    fn ips() {
        assert_eq!(ip(" 85.1.2.3 "), Ok(Some("85.1.2.3".into())));
        assert_eq!(ip("085.001.002.003"), Ok(Some("85.1.2.3".into())));
        assert_eq!(ip("::ffff:85.1.2.3"), Ok(Some("85.1.2.3".into())));
        assert_eq!(
            ip("[2A00:1450:4001:0811::200E]"),
            Ok(Some("2a00:1450:4001:811::200e".into()))
        );
        for private in [
            "10.0.0.1",
            "192.168.1.20",
            "172.16.5.4",
            "172.31.255.255",
            "127.0.0.1",
            "169.254.1.1",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "198.51.100.7",
            "::1",
            "fe80::1",
            "fd00::5",
            "2001:db8::1",
            "::",
        ] {
            assert_eq!(ip(private), Err(Ignored::PrivateIp), "{private}");
            assert_eq!(address(private), Err(Ignored::PrivateIp), "{private}");
        }
        for public in ["172.32.0.1", "100.128.0.1", "11.0.0.1", "2a00::1"] {
            assert!(ip(public).unwrap().is_some(), "{public}");
        }
        assert_eq!(
            ip("87540"),
            Ok(Some("87540".into())),
            "an anonymised IP is kept"
        );
        assert_eq!(ip("732758368.8"), Ok(Some("732758368.8".into())));
        assert_eq!(ip("unknown"), Err(Ignored::Placeholder));
        assert_eq!(address("87540"), Err(Ignored::NotAnIp));
        assert_eq!(address("office"), Err(Ignored::NotAnIp));
        assert_eq!(
            list_items("1.2.3.4; 5.6.7.8|9.9.9.9 , 8.8.8.8").collect::<Vec<_>>(),
            ["1.2.3.4", "5.6.7.8", "9.9.9.9", "8.8.8.8"]
        );
    }

    #[test]
    fn emails() {
        let (h, hint) = email(" Jo.Ann+vip@Gmail.com ").unwrap().unwrap();
        assert_eq!(
            Some(h),
            crate::ingest::identity::email_hash("joann@gmail.com")
        );
        assert_eq!(hint, "j…@gmail.com");
        for bad in [
            "not-an-email",
            "@x.com",
            "a@",
            "john smith@gmail.com",
            "a@b",
            "x@@y.com",
            "a@b..com",
        ] {
            assert_eq!(email(bad), Err(Ignored::NotAnAddress), "{bad:?}");
        }
        for p in [
            "noemail@operator.com",
            "none@none.com",
            "No-Reply@casino.example",
            "n/a",
            "unknown",
        ] {
            assert_eq!(email(p), Err(Ignored::Placeholder), "{p:?}");
        }
        assert_eq!(email(""), Ok(None));
        let h = crate::ingest::identity::email_hash("a.b@gmail.com").unwrap();
        assert_eq!(
            email(&format!("sha256:{h}")),
            Ok(Some((h.clone(), String::new()))),
            "as archived"
        );
        assert_eq!(
            email(&h.to_uppercase()),
            Ok(Some((h, String::new()))),
            "a hash delivered as such"
        );
    }

    #[test]
    fn payments() {
        let (v, hint) = payment("4111 1111 1111 1111").unwrap().unwrap();
        assert_eq!(v.len(), 64, "a card number is hashed");
        assert_eq!(hint, "…1111");
        assert_eq!(
            payment("4111-1111-1111-1111").unwrap().unwrap().0,
            v,
            "however it is written"
        );
        let (v, hint) = payment("DE89 3704 0044 0532 0130 00").unwrap().unwrap();
        assert_eq!((v.len(), hint.as_str()), (64, "…3000"), "an IBAN is hashed");
        assert_eq!(
            payment("ph-7f3a").unwrap().unwrap(),
            ("ph-7f3a".into(), "ph-7f3a".into())
        );
        assert_eq!(
            payment("4111111111111112").unwrap().unwrap().0,
            "4111111111111112",
            "not Luhn: a token"
        );
        assert_eq!(payment("0000000000000000"), Err(Ignored::Placeholder));
        assert_eq!(payment("null"), Err(Ignored::Placeholder));
    }

    #[test]
    fn countries() {
        for (text, code) in [
            ("de", "DE"),
            ("UK", "GB"),
            ("Germany", "DE"),
            ("Korea Republic of", "KR"),
            ("Iran (ISLAMIC Republic Of)", "IR"),
            ("Virgin Islands (BRITISH)", "VG"),
            ("Virgin Islands (U.S.)", "VI"),
            ("Croatia (LOCAL Name: Hrvatska)", "HR"),
            ("Cote D'ivoire", "CI"),
            ("Côte d’Ivoire", "CI"),
            ("Curaçao", "CW"),
            ("Taiwan; Republic of China (ROC)", "TW"),
            ("Bonaire; Sint Eustatius; Saba", "BQ"),
            ("United States", "US"),
        ] {
            assert_eq!(country(text), Ok(Some(code.to_string())), "{text}");
        }
        for bad in ["EU", "A1", "ZZ", "Can", "European Union", "Atlantis"] {
            assert_eq!(country(bad), Err(Ignored::NotACountry), "{bad}");
        }
        assert_eq!(country("--"), Err(Ignored::Placeholder));
        let names = super::super::countries::NAMES;
        assert!(
            names.windows(2).all(|w| w[0].0 < w[1].0),
            "sorted for binary search"
        );
        assert!(names
            .iter()
            .all(|(_, c)| super::super::countries::CODES.binary_search(c).is_ok()));
    }
}
