//! Text in SEPA files: the EPC basic Latin character set, transliteration into it, and XML escaping.
//!
//! The choice, and why: the EPC rulebook guarantees only the basic Latin set
//! (`a-z A-Z 0-9 / - ? : ( ) . , ' +` and space) end to end; a bank may accept more, but the receiving bank may
//! not, and then the payee sees mangled names. So names and remittance text are **transliterated** where the
//! mapping is unambiguous (Latin letters with diacritics lose them: é → e, ß → ss, Æ → AE, Ł → L; `&` → `+`;
//! typographic quotes → `'`; dashes and `_` → `-`; tabs, line breaks and runs of spaces → one space), and any
//! other character (Cyrillic, Greek, CJK, `<`, `>`, `@`, `;`, `€`, …) is **refused** with the field and the
//! character named, because guessing would change what the bank prints. Identifiers (message id, end-to-end
//! id) are never transliterated: they are ours, and an id outside the set is a bug to refuse.
//!
//! Everything written into XML still goes through [`xml_escape`] (the apostrophe is in the SEPA set).

/// EPC basic Latin punctuation (letters, digits and space besides).
const SEPA_PUNCTUATION: &str = "/-?:().,'+";

/// Transliteration of U+00C0..=U+00FF; "" means no safe mapping (× and ÷).
const LATIN1: [&str; 64] = [
    "A", "A", "A", "A", "A", "A", "AE", "C", "E", "E", "E", "E", "I", "I", "I", "I", //
    "D", "N", "O", "O", "O", "O", "O", "", "O", "U", "U", "U", "U", "Y", "TH", "ss", //
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i", //
    "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "y",
];

/// Transliteration of U+0100..=U+017F (Latin Extended-A), in code point order.
const LATIN_EXT_A: [&str; 128] = [
    "A", "a", "A", "a", "A", "a", "C", "c", "C", "c", "C", "c", "C", "c", "D", "d", //
    "D", "d", "E", "e", "E", "e", "E", "e", "E", "e", "E", "e", "G", "g", "G", "g", //
    "G", "g", "G", "g", "H", "h", "H", "h", "I", "i", "I", "i", "I", "i", "I", "i", //
    "I", "i", "IJ", "ij", "J", "j", "K", "k", "k", "L", "l", "L", "l", "L", "l", "L", //
    "l", "L", "l", "N", "n", "N", "n", "N", "n", "n", "N", "n", "O", "o", "O", "o", //
    "O", "o", "OE", "oe", "R", "r", "R", "r", "R", "r", "S", "s", "S", "s", "S", "s", //
    "S", "s", "T", "t", "T", "t", "T", "t", "U", "u", "U", "u", "U", "u", "U", "u", //
    "U", "u", "U", "u", "W", "w", "Y", "y", "Y", "Z", "z", "Z", "z", "Z", "z", "s",
];

/// Why a text could not be put into a SEPA file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SepaTextError {
    #[error("The {field} is empty.")]
    Empty { field: &'static str },
    #[error("The {field} has {got} characters after conversion to the SEPA character set; the most allowed is {max}.")]
    TooLong {
        field: &'static str,
        max: usize,
        got: usize,
    },
    #[error("The {field} contains '{ch}', which SEPA payments cannot carry and which has no safe replacement; remove or replace it.")]
    Unsupported { field: &'static str, ch: char },
    #[error("The {field} '{value}' may not start or end with '/' or contain '//' (EPC rule for identifiers).")]
    Slashes { field: &'static str, value: String },
}

/// Whether `c` is in the EPC basic Latin set.
pub fn is_sepa_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == ' ' || SEPA_PUNCTUATION.contains(c)
}

/// The SEPA replacement for one character, or `None` when there is no safe one.
fn transliterate_char(c: char) -> Option<&'static str> {
    let cp = u32::from(c);
    let table = match cp {
        0xC0..=0xFF => LATIN1.get((cp - 0xC0) as usize).copied(),
        0x100..=0x17F => LATIN_EXT_A.get((cp - 0x100) as usize).copied(),
        _ => None,
    };
    if let Some(t) = table {
        return (!t.is_empty()).then_some(t);
    }
    Some(match c {
        '&' => "+",
        '"' | '‘' | '’' | '‚' | '‛' | '“' | '”' | '„' | '`' | '´' => "'",
        '–' | '—' | '‐' | '‑' | '‒' | '−' | '_' => "-",
        'Ș' => "S",
        'ș' => "s",
        'Ț' => "T",
        'ț' => "t",
        _ => return None,
    })
}

/// Converts free text (a name, a remittance line) to the SEPA set: whitespace runs become one space, the ends
/// are trimmed, characters are transliterated (see the module doc), and the result must be 1..=`max` chars.
pub fn sepa_text(field: &'static str, raw: &str, max: usize) -> Result<String, SepaTextError> {
    let mut out = String::with_capacity(raw.len());
    for word in raw.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in word.chars() {
            if is_sepa_char(c) {
                out.push(c);
            } else {
                out.push_str(
                    transliterate_char(c).ok_or(SepaTextError::Unsupported { field, ch: c })?,
                );
            }
        }
    }
    let got = out.chars().count();
    if got == 0 {
        return Err(SepaTextError::Empty { field });
    }
    if got > max {
        return Err(SepaTextError::TooLong { field, max, got });
    }
    Ok(out)
}

/// Checks an identifier (message id, end-to-end id): SEPA characters only, no transliteration, 1..=`max`
/// characters, no leading or trailing '/', no "//".
pub fn sepa_id(field: &'static str, raw: &str, max: usize) -> Result<String, SepaTextError> {
    if raw.is_empty() {
        return Err(SepaTextError::Empty { field });
    }
    if let Some(ch) = raw.chars().find(|c| !is_sepa_char(*c)) {
        return Err(SepaTextError::Unsupported { field, ch });
    }
    if raw.len() > max {
        return Err(SepaTextError::TooLong {
            field,
            max,
            got: raw.len(),
        });
    }
    if raw.starts_with('/') || raw.ends_with('/') || raw.contains("//") {
        return Err(SepaTextError::Slashes {
            field,
            value: raw.to_string(),
        });
    }
    Ok(raw.to_string())
}

/// Escapes the five XML special characters, so any text is safe as element content or attribute value.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transliteration_table() {
        for (raw, want) in [
            ("Zoë Müller", "Zoe Muller"),
            ("Straße & Söhne", "Strasse + Sohne"),
            ("Łukasz Żółć", "Lukasz Zolc"),
            ("Ærøskøbing Œuvre", "AEroskobing OEuvre"),
            ("Şţ Șț Ğ ı Ő ű", "St St G i O u"),
            ("O’Brien “Ltd”", "O'Brien 'Ltd'"),
            ("a_b – c — d", "a-b - c - d"),
            ("  many \t spaces\nand lines  ", "many spaces and lines"),
            ("statement 42 2026-03", "statement 42 2026-03"),
            ("Ref: (a/b) ok? +1.5, 'x'", "Ref: (a/b) ok? +1.5, 'x'"),
        ] {
            assert_eq!(sepa_text("name", raw, 70).as_deref(), Ok(want), "{raw:?}");
        }
    }

    #[test]
    fn refusals_name_field_and_character() {
        for (raw, ch) in [
            ("Иван", 'И'),
            ("A <B>", '<'),
            ("a@b", '@'),
            ("5 €", '€'),
            ("x;y", ';'),
            ("3×4", '×'),
        ] {
            assert_eq!(
                sepa_text("creditor name", raw, 70),
                Err(SepaTextError::Unsupported {
                    field: "creditor name",
                    ch
                })
            );
        }
        assert_eq!(
            sepa_text("creditor name", " \t", 70),
            Err(SepaTextError::Empty {
                field: "creditor name"
            })
        );
        // Length is counted after transliteration (ß becomes two characters).
        assert_eq!(
            sepa_text("creditor name", &"ß".repeat(36), 70),
            Err(SepaTextError::TooLong {
                field: "creditor name",
                max: 70,
                got: 72
            })
        );
        let msg = sepa_text("creditor name", "Иван", 70)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert_eq!(
            msg,
            "The creditor name contains 'И', which SEPA payments cannot carry and which has no safe replacement; \
             remove or replace it."
        );
    }

    #[test]
    fn every_transliteration_lands_in_the_sepa_set() {
        for cp in 0xC0u32..=0x17F {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            if let Some(t) = transliterate_char(c) {
                assert!(t.chars().all(is_sepa_char), "{c} → {t}");
                assert!(!t.is_empty());
            }
        }
        assert_eq!(transliterate_char('Ł'), Some("L"));
        assert_eq!(transliterate_char('ž'), Some("z"));
        assert_eq!(transliterate_char('ő'), Some("o"));
        assert_eq!(transliterate_char('Ÿ'), Some("Y"));
        assert_eq!(transliterate_char('Ĳ'), Some("IJ"));
        assert_eq!(transliterate_char('ſ'), Some("s"));
    }

    #[test]
    fn ids_are_checked_not_converted() {
        assert_eq!(
            sepa_id("message id", "RUN-2026-03/EUR", 35).as_deref(),
            Ok("RUN-2026-03/EUR")
        );
        assert_eq!(
            sepa_id("message id", "", 35),
            Err(SepaTextError::Empty {
                field: "message id"
            })
        );
        assert_eq!(
            sepa_id("message id", "é", 35),
            Err(SepaTextError::Unsupported {
                field: "message id",
                ch: 'é'
            })
        );
        assert_eq!(
            sepa_id("message id", "a_b", 35),
            Err(SepaTextError::Unsupported {
                field: "message id",
                ch: '_'
            })
        );
        assert_eq!(
            sepa_id("message id", &"A".repeat(36), 35),
            Err(SepaTextError::TooLong {
                field: "message id",
                max: 35,
                got: 36
            })
        );
        for bad in ["/abc", "abc/", "a//b"] {
            assert!(
                matches!(
                    sepa_id("end-to-end id", bad, 35),
                    Err(SepaTextError::Slashes { .. })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn escaping() {
        assert_eq!(
            xml_escape(r#"O'Brien & <Sons> "Ltd""#),
            "O&apos;Brien &amp; &lt;Sons&gt; &quot;Ltd&quot;"
        );
    }
}
