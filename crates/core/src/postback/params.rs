//! The first, untrusted step: a raw query string, form body or JSON body becomes a list of decoded
//! `(key, value)` pairs, or a [`Rejection`] that says what was wrong. Nothing here knows dialects; it only
//! guarantees valid UTF-8, bounded sizes, no ambiguous repeats, and no tracker macro left unreplaced.

use super::{Rejection, PARAMS_MAX, QUERY_LEN_MAX, VALUE_LEN_MAX};

/// Decoded parameters in the order received. Keys are compared case-sensitively, as trackers send them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params(Vec<(String, String)>);

impl Params {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The first of `keys` that is present, with its name (dialects accept aliases, e.g. Prosper202's txid).
    pub fn first_of<'a>(&'a self, keys: &[&'a str]) -> Option<(&'a str, &'a str)> {
        keys.iter().find_map(|k| self.get(k).map(|v| (*k, v)))
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    fn push(&mut self, key: String, value: String) -> Result<(), Rejection> {
        if self.0.len() >= PARAMS_MAX {
            return Err(Rejection::bad(format!("more than {PARAMS_MAX} parameters")));
        }
        if value.len() > VALUE_LEN_MAX {
            return Err(Rejection::bad(format!(
                "parameter '{key}' is longer than {VALUE_LEN_MAX} bytes"
            )));
        }
        // A key given twice is ambiguous (which payout counts?): refuse rather than pick one.
        if self.get(&key).is_some() {
            return Err(Rejection::bad(format!("parameter '{key}' is given twice")));
        }
        self.0.push((key, value));
        Ok(())
    }
}

/// Parses `a=1&b=x%20y` (also a form body). `+` is a space, as in HTML forms.
pub fn parse_query(raw: &str) -> Result<Params, Rejection> {
    if raw.len() > QUERY_LEN_MAX {
        return Err(Rejection::bad(format!(
            "the query is longer than {QUERY_LEN_MAX} bytes"
        )));
    }
    let mut params = Params::default();
    for pair in raw.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let key = decode(k).map_err(|e| Rejection::bad(format!("a parameter name {e}")))?;
        let value = decode(v).map_err(|e| Rejection::bad(format!("parameter '{key}' {e}")))?;
        if key.is_empty() {
            return Err(Rejection::bad("a parameter has an empty name"));
        }
        params.push(key, value)?;
    }
    Ok(params)
}

/// Parses a flat JSON object whose values are strings, numbers or null (null = absent). Numbers keep their
/// exact text, so `12.50` reaches the money parser as written, never as a float.
pub fn parse_json(body: &[u8]) -> Result<Params, Rejection> {
    use serde_json::value::RawValue;
    let map: std::collections::BTreeMap<String, &RawValue> = serde_json::from_slice(body)
        .map_err(|e| Rejection::bad(format!("the JSON body is not a flat object: {e}")))?;
    let mut params = Params::default();
    for (key, raw) in map {
        let text = raw.get();
        let value = match text.as_bytes().first() {
            Some(b'"') => serde_json::from_str::<String>(text)
                .map_err(|e| Rejection::bad(format!("parameter '{key}': {e}")))?,
            Some(b'-' | b'0'..=b'9') => text.to_string(),
            _ if text == "null" => continue,
            _ => {
                return Err(Rejection::bad(format!(
                    "parameter '{key}' must be a string or a number"
                )))
            }
        };
        params.push(key, value)?;
    }
    Ok(params)
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Percent-decoding that refuses what a lenient decoder would silently pass through (`%zz`, a lone `%`,
/// bytes that are not UTF-8).
fn decode(text: &str) -> Result<String, &'static str> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hi = bytes.get(i + 1).copied().and_then(hex_val);
                let lo = bytes.get(i + 2).copied().and_then(hex_val);
                match (hi, lo) {
                    (Some(h), Some(l)) => out.push(h << 4 | l),
                    _ => return Err("has a bad percent-escape"),
                }
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| "is not valid UTF-8")
}

/// A tracker macro that was never substituted: `{clickid}`, `{{sub1}}`, `%7Bsub1%7D` (encoded twice, so still
/// encoded after one decode), `[sub1]` or `#sub1#`. Returns the macro text.
pub fn unreplaced_macro(value: &str) -> Option<&str> {
    fn is_name(s: &str) -> bool {
        !s.is_empty()
            && s.len() <= 64
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-' | b':'))
    }
    // Curly braces anywhere in the value: trackers splice macros into longer values too (`user-{sub2}`).
    if let Some(start) = value.find('{') {
        let rest = &value[start..];
        if let Some(end) = rest.find('}') {
            let inner = rest[1..end].trim_start_matches('{');
            if is_name(inner) {
                let close = rest[end..].bytes().take_while(|b| *b == b'}').count();
                return Some(&rest[..end + close]);
            }
        }
    }
    let lower = value.to_ascii_lowercase();
    if let Some(start) = lower.find("%7b") {
        if let Some(end) = lower[start + 3..].find("%7d") {
            if is_name(&value[start + 3..start + 3 + end]) {
                return Some(&value[start..start + 3 + end + 3]);
            }
        }
    }
    // Square brackets and hashes only as the whole value: inside text they are too often legitimate.
    for (open, close) in [('[', ']'), ('#', '#')] {
        if let Some(inner) = value.strip_prefix(open).and_then(|v| v.strip_suffix(close)) {
            if is_name(inner) {
                return Some(value);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_pairs_exactly() {
        let p = parse_query("subid=abc&payout=12.50&x=a+b%21&empty=&flag").unwrap();
        assert_eq!(p.get("subid"), Some("abc"));
        assert_eq!(p.get("payout"), Some("12.50"));
        assert_eq!(p.get("x"), Some("a b!"));
        assert_eq!(p.get("empty"), Some(""));
        assert_eq!(p.get("flag"), Some(""));
    }

    #[test]
    fn refuses_what_a_lenient_decoder_would_guess() {
        for bad in ["a=%zz", "a=%4", "a=%ff%fe", "a=1&a=2", "=x"] {
            assert!(parse_query(bad).is_err(), "{bad} must be refused");
        }
        assert!(parse_query(&"a".repeat(QUERY_LEN_MAX + 1)).is_err());
    }

    #[test]
    fn json_keeps_number_text() {
        let p = parse_json(br#"{"sum": 12.50, "status": "1", "ip": null}"#).unwrap();
        assert_eq!(p.get("sum"), Some("12.50"));
        assert_eq!(p.get("ip"), None);
        assert!(parse_json(br#"{"sum": [1]}"#).is_err());
        assert!(parse_json(br#"{"sum": 1"#).is_err());
    }

    #[test]
    fn finds_unreplaced_macros() {
        for (v, m) in [
            ("{subacc4}", "{subacc4}"),
            ("{clickid}", "{clickid}"),
            ("{{sub1}}", "{{sub1}}"),
            ("user-{sub2}-x", "{sub2}"),
            ("%7Bsub1%7D", "%7Bsub1%7D"),
            ("[sub1]", "[sub1]"),
            ("#transaction_id#", "#transaction_id#"),
        ] {
            assert_eq!(unreplaced_macro(v), Some(m), "{v}");
        }
        for ok in ["abc", "12.50", "{}", "a{b c}", "#1 fan", "[x y]", ""] {
            assert_eq!(unreplaced_macro(ok), None, "{ok}");
        }
    }
}
