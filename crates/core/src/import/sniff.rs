//! Finding the header: a UTF-8 BOM, stray bytes before the first column name, the delimiter.
//!
//! Real files start with junk (the TalkingData sample begins `..ip,app,...`). Junk is stripped only when it is
//! short, has no letters or digits, and what follows it is a column name the mapping expects; anything else is
//! left as is, so a wrong header fails with the missing column named rather than being mapped by position.

use super::ImportError;
use std::io::Read;

/// How much of the file is read to find the header; a header longer than this is refused.
pub const HEADER_BYTES_MAX: usize = 64 * 1024;
/// At most this many stray bytes are skipped before the header.
pub const JUNK_BYTES_MAX: usize = 16;
const BOM: &[u8] = b"\xEF\xBB\xBF";
const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sniffed {
    pub had_bom: bool,
    /// Stray bytes skipped before the header.
    pub junk: Vec<u8>,
    pub delimiter: u8,
    pub header: Vec<String>,
    /// Byte offset of the first data row.
    pub data_offset: u64,
}

impl Sniffed {
    /// The skipped bytes, printable: `..` or `\xff\x00`.
    pub fn junk_escaped(&self) -> String {
        self.junk
            .iter()
            .flat_map(|b| std::ascii::escape_default(*b))
            .map(char::from)
            .collect()
    }
}

/// Reads the start of `r` and finds the header. `delimiter` overrides detection.
pub fn sniff(
    r: &mut impl Read,
    expected: &[String],
    delimiter: Option<u8>,
) -> Result<Sniffed, ImportError> {
    let mut buf = Vec::with_capacity(4096);
    r.take(HEADER_BYTES_MAX as u64)
        .read_to_end(&mut buf)
        .map_err(ImportError::Io)?;
    sniff_bytes(&buf, expected, delimiter)
}

pub fn sniff_bytes(
    buf: &[u8],
    expected: &[String],
    delimiter: Option<u8>,
) -> Result<Sniffed, ImportError> {
    let had_bom = buf.starts_with(BOM);
    let start = if had_bom { BOM.len() } else { 0 };
    let Some(nl) = buf[start..].iter().position(|&b| b == b'\n') else {
        return Err(if buf.len() >= HEADER_BYTES_MAX {
            ImportError::Header(format!(
                "no header line within the first {HEADER_BYTES_MAX} bytes"
            ))
        } else if buf[start..].iter().all(u8::is_ascii_whitespace) {
            ImportError::Header("the file is empty".into())
        } else {
            ImportError::Header(
                "the file has a header but no line end after it (no data rows)".into(),
            )
        });
    };
    let line_end = start + nl + 1;
    let mut line = &buf[start..start + nl];
    if line.last() == Some(&b'\r') {
        line = &line[..line.len() - 1];
    }
    let delimiter = delimiter.unwrap_or_else(|| detect_delimiter(line));
    let junk_len = junk_before_header(line, expected, delimiter);
    let line = &line[junk_len..];
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(delimiter)
        .from_reader(line);
    let mut rec = csv::ByteRecord::new();
    let ok = rdr
        .read_byte_record(&mut rec)
        .map_err(|e| ImportError::Header(format!("the header does not parse: {e}")))?;
    if !ok || rec.iter().all(|c| c.iter().all(u8::is_ascii_whitespace)) {
        return Err(ImportError::Header(
            "the first line is blank; expected a header of column names".into(),
        ));
    }
    let header: Vec<String> = rec
        .iter()
        .map(|c| String::from_utf8_lossy(c).trim().to_string())
        .collect();
    Ok(Sniffed {
        had_bom,
        junk: buf[start..start + junk_len].to_vec(),
        delimiter,
        header,
        data_offset: line_end as u64,
    })
}

/// The candidate that occurs most often outside quotes; a comma on a tie (or when none occurs).
fn detect_delimiter(line: &[u8]) -> u8 {
    let mut counts = [0usize; DELIMITERS.len()];
    let mut quoted = false;
    for &b in line {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            if let Some(i) = DELIMITERS.iter().position(|&d| d == b) {
                counts[i] += 1;
            }
        }
    }
    let mut best = 0;
    for i in 1..DELIMITERS.len() {
        if counts[i] > counts[best] {
            best = i;
        }
    }
    DELIMITERS[best]
}

/// How many stray bytes precede the first expected column name (0 when the line already starts with one).
fn junk_before_header(line: &[u8], expected: &[String], delimiter: u8) -> usize {
    let is_column_at = |i: usize| {
        expected.iter().any(|name| {
            let rest = &line[i..];
            let quoted = rest.first() == Some(&b'"');
            let rest = if quoted { &rest[1..] } else { rest };
            rest.starts_with(name.as_bytes()) && {
                let after = &rest[name.len()..];
                let after = if quoted {
                    after.strip_prefix(b"\"").unwrap_or(b"x")
                } else {
                    after
                };
                after.is_empty() || after[0] == delimiter
            }
        })
    };
    if is_column_at(0) {
        return 0;
    }
    for i in 1..=JUNK_BYTES_MAX.min(line.len()) {
        if line[i - 1].is_ascii_alphanumeric() || line[i - 1] == delimiter {
            return 0;
        }
        if i < line.len() && is_column_at(i) {
            return i;
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exp(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn strips_bom_and_stray_bytes_before_a_known_column() {
        let s = sniff_bytes(b"..ip,app,channel\n1,2,3\n", &exp(&["ip", "channel"]), None).unwrap();
        assert_eq!(s.header, ["ip", "app", "channel"]);
        assert_eq!(s.junk_escaped(), "..");
        assert_eq!(s.data_offset, 17);
        let s = sniff_bytes(
            b"\xEF\xBB\xBFuser_id;signup\r\n1;2\r\n",
            &exp(&["user_id"]),
            None,
        )
        .unwrap();
        assert!(s.had_bom);
        assert_eq!((s.delimiter, s.header.len()), (b';', 2));
        assert!(s.junk.is_empty());
        let s = sniff_bytes(b"\xff\x00\"click_id\",x\n", &exp(&["click_id"]), None).unwrap();
        assert_eq!(s.header, ["click_id", "x"]);
        assert_eq!(s.junk_escaped(), "\\xff\\x00");
    }

    /// Letters before a column name may be part of a real name ("xip"): never stripped, so the mapping fails
    /// naming the column instead of reading the wrong one.
    #[test]
    fn never_strips_what_could_be_a_name() {
        let s = sniff_bytes(b"xxip,app\n1,2\n", &exp(&["ip"]), None).unwrap();
        assert_eq!(s.header[0], "xxip");
        assert!(s.junk.is_empty());
        let s = sniff_bytes(b"..unknown,app\n", &exp(&["ip"]), None).unwrap();
        assert_eq!(
            s.header[0], "..unknown",
            "junk is only stripped before a recognised column name"
        );
    }

    #[test]
    fn empty_and_headerless_files_are_reported() {
        assert!(sniff_bytes(b"", &exp(&["ip"]), None)
            .unwrap_err()
            .to_string()
            .contains("empty"));
        assert!(sniff_bytes(b"\n\n", &exp(&["ip"]), None)
            .unwrap_err()
            .to_string()
            .contains("blank"));
        assert!(sniff_bytes(b"ip,app", &exp(&["ip"]), None)
            .unwrap_err()
            .to_string()
            .contains("no data"));
        assert_eq!(detect_delimiter(b"a\tb\tc"), b'\t');
        assert_eq!(detect_delimiter(b"\"a,b\";c"), b';');
    }
}
