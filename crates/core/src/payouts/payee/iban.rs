//! IBAN (ISO 13616): normalisation, the SWIFT registry's length per country, and the ISO 7064 mod-97 check.
//!
//! Why this matters: a payment to a mistyped IBAN either bounces days later or, worse, reaches someone else.
//! The mod-97 check catches every single-character error and almost every swap of two neighbours; the length
//! table catches a dropped or doubled character before the checksum is even computed, with a clearer message.

use super::codes::string_newtype_impls;
use serde::{Deserialize, Serialize};

/// The longest IBAN any country may define (ISO 13616).
pub const IBAN_MAX_LEN: usize = 34;
/// Country code plus check digits.
const IBAN_PREFIX_LEN: usize = 4;
/// Digits fed to the mod-97 reduction at once: a 2-digit remainder followed by 7 digits stays far below
/// `u64::MAX`, so no big-number arithmetic is needed.
const MOD97_CHUNK_DIGITS: usize = 7;
/// Characters shown at the end of a masked IBAN.
const MASK_TAIL_CHARS: usize = 4;

/// IBAN length per country, from the SWIFT IBAN registry (BBAN length + 4). Sorted by country code.
#[rustfmt::skip]
pub const IBAN_LENGTHS: &[(&str, usize)] = &[
    ("AD", 24), ("AE", 23), ("AL", 28), ("AT", 20), ("AZ", 28), ("BA", 20), ("BE", 16), ("BG", 22), ("BH", 22),
    ("BI", 27), ("BR", 29), ("BY", 28), ("CH", 21), ("CR", 22), ("CY", 28), ("CZ", 24), ("DE", 22), ("DJ", 27),
    ("DK", 18), ("DO", 28), ("EE", 20), ("EG", 29), ("ES", 24), ("FI", 18), ("FK", 18), ("FO", 18), ("FR", 27),
    ("GB", 22), ("GE", 22), ("GI", 23), ("GL", 18), ("GR", 27), ("GT", 28), ("HN", 28), ("HR", 21), ("HU", 28),
    ("IE", 22), ("IL", 23), ("IQ", 23), ("IS", 26), ("IT", 27), ("JO", 30), ("KW", 30), ("KZ", 20), ("LB", 28),
    ("LC", 32), ("LI", 21), ("LT", 20), ("LU", 20), ("LV", 21), ("LY", 25), ("MC", 27), ("MD", 24), ("ME", 22),
    ("MK", 19), ("MN", 20), ("MR", 27), ("MT", 31), ("MU", 30), ("NI", 28), ("NL", 18), ("NO", 15), ("OM", 23),
    ("PK", 24), ("PL", 28), ("PS", 29), ("PT", 25), ("QA", 29), ("RO", 24), ("RS", 22), ("RU", 33), ("SA", 24),
    ("SC", 31), ("SD", 18), ("SE", 24), ("SI", 19), ("SK", 24), ("SM", 27), ("SO", 23), ("ST", 25), ("SV", 28),
    ("TL", 23), ("TN", 24), ("TR", 26), ("UA", 29), ("VA", 22), ("VG", 24), ("XK", 20), ("YE", 30),
];

/// IBAN countries whose banks take part in the SEPA credit transfer scheme (EU, EEA, CH, GB, the micro-states,
/// and AL, MD, ME, MK admitted in 2024–2025). Territories such as Jersey or the French overseas departments use
/// their mother country's IBAN and are covered by it. Sorted.
pub const SEPA_COUNTRIES: &[&str] = &[
    "AD", "AL", "AT", "BE", "BG", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GB", "GI",
    "GR", "HR", "HU", "IE", "IS", "IT", "LI", "LT", "LU", "LV", "MC", "MD", "ME", "MK", "MT", "NL",
    "NO", "PL", "PT", "RO", "SE", "SI", "SK", "SM", "VA",
];

/// Why an IBAN was refused. Every message is a full sentence for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IbanError {
    #[error("The IBAN is empty.")]
    Empty,
    #[error("The IBAN contains '{0}'; an IBAN has only letters and digits.")]
    BadCharacter(char),
    #[error("An IBAN starts with a two-letter country code and two check digits, such as DE89.")]
    BadPrefix,
    #[error("'{0}' is not a country in the IBAN registry, so this cannot be an IBAN.")]
    UnknownCountry(String),
    #[error("An IBAN from {country} has {expected} characters, but this one has {got}; a character is missing or extra.")]
    Length {
        country: String,
        expected: usize,
        got: usize,
    },
    #[error(
        "The IBAN checksum does not match, so a character is probably mistyped or two are swapped."
    )]
    Checksum,
}

/// A validated IBAN in electronic format: upper-case, no spaces.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Iban(String);

impl Iban {
    /// Parses an IBAN typed in paper format ("DE89 3704 0044 …") or electronic format, in any case.
    pub fn parse(raw: &str) -> Result<Iban, IbanError> {
        let iban: String = raw
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_uppercase();
        if iban.is_empty() {
            return Err(IbanError::Empty);
        }
        if let Some(bad) = iban.chars().find(|c| !c.is_ascii_alphanumeric()) {
            return Err(IbanError::BadCharacter(bad));
        }
        let b = iban.as_bytes();
        if b.len() < IBAN_PREFIX_LEN
            || !b[..2].iter().all(u8::is_ascii_uppercase)
            || !b[2..IBAN_PREFIX_LEN].iter().all(u8::is_ascii_digit)
        {
            return Err(IbanError::BadPrefix);
        }
        let country = &iban[..2];
        let expected =
            iban_length(country).ok_or_else(|| IbanError::UnknownCountry(country.to_string()))?;
        if iban.len() != expected {
            return Err(IbanError::Length {
                country: country.to_string(),
                expected,
                got: iban.len(),
            });
        }
        if mod97(&iban) != 1 {
            return Err(IbanError::Checksum);
        }
        Ok(Iban(iban))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The ISO 3166 country code the IBAN starts with.
    pub fn country(&self) -> &str {
        &self.0[..2]
    }

    /// Whether the IBAN's country takes part in SEPA (see [`SEPA_COUNTRIES`]).
    pub fn is_sepa(&self) -> bool {
        SEPA_COUNTRIES.binary_search(&self.country()).is_ok()
    }

    /// Paper format: groups of four separated by spaces.
    pub fn to_paper(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        chars
            .chunks(4)
            .map(|c| c.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// For display: country, check digits and the last four characters, e.g. "DE89 •••• 3000".
    pub fn mask(&self) -> String {
        let tail = &self.0[self.0.len() - MASK_TAIL_CHARS..];
        format!("{} •••• {tail}", &self.0[..IBAN_PREFIX_LEN])
    }
}

string_newtype_impls!(Iban, IbanError);

/// The registry length of IBANs from `country`, if it has IBANs.
pub fn iban_length(country: &str) -> Option<usize> {
    IBAN_LENGTHS
        .binary_search_by(|(c, _)| (*c).cmp(country))
        .ok()
        .map(|i| IBAN_LENGTHS[i].1)
}

/// ISO 7064 MOD 97-10 of an IBAN (ASCII upper-case letters and digits): the first four characters are moved to
/// the end, letters become two digits (A = 10 … Z = 35), and the digit string is reduced in chunks.
fn mod97(iban: &str) -> u64 {
    let (head, rest) = iban.split_at(IBAN_PREFIX_LEN);
    let mut digits = String::with_capacity(2 * IBAN_MAX_LEN);
    for c in rest.chars().chain(head.chars()) {
        match c.to_digit(36) {
            Some(v) => digits.push_str(&v.to_string()),
            None => return 0, // unreachable for checked input; 0 is never a valid remainder
        }
    }
    let mut rem = 0u64;
    for chunk in digits.as_bytes().chunks(MOD97_CHUNK_DIGITS) {
        for &d in chunk {
            rem = rem * 10 + u64::from(d - b'0');
        }
        rem %= 97;
    }
    rem
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The registry's own examples (SWIFT IBAN registry, "IBAN electronic format example").
    const OFFICIAL: &[&str] = &[
        "GB82 WEST 1234 5698 7654 32",
        "DE89 3704 0044 0532 0130 00",
        "FR14 2004 1010 0505 0001 3M02 606",
        "NL91 ABNA 0417 1643 00",
        "BE68 5390 0754 7034",
        "AT61 1904 3002 3457 3201",
        "CH93 0076 2011 6238 5295 7",
        "ES91 2100 0418 4502 0005 1332",
        "IT60 X054 2811 1010 0000 0123 456",
        "NO93 8601 1117 947",
        "MT84 MALT 0110 0001 2345 MTLC AST0 01S",
        "PL61 1090 1014 0000 0712 1981 2874",
        "SE45 5000 0000 0583 9825 7466",
    ];

    #[test]
    fn official_examples_are_valid_in_paper_and_electronic_format() {
        for ex in OFFICIAL {
            let iban = Iban::parse(ex).unwrap_or_else(|e| panic!("{ex}: {e}"));
            assert_eq!(iban.to_paper(), *ex, "paper format round-trips");
            assert_eq!(
                Iban::parse(&ex.replace(' ', "").to_lowercase()),
                Ok(iban.clone()),
                "{ex} lower-case"
            );
        }
    }

    #[test]
    fn one_changed_digit_fails_the_checksum_everywhere() {
        for ex in OFFICIAL {
            let e: String = ex.replace(' ', "");
            // Change the last digit of the IBAN (every example ends in a digit or can be bumped at position 5).
            let pos = e.rfind(|c: char| c.is_ascii_digit()).unwrap_or(4);
            let mut b = e.into_bytes();
            b[pos] = if b[pos] == b'9' { b'0' } else { b[pos] + 1 };
            let changed = String::from_utf8(b).unwrap_or_default();
            assert_eq!(Iban::parse(&changed), Err(IbanError::Checksum), "{changed}");
        }
    }

    #[test]
    fn refusals_name_the_reason() {
        let de = |expected, got| IbanError::Length {
            country: "DE".into(),
            expected,
            got,
        };
        for (raw, want) in [
            ("", IbanError::Empty),
            ("   ", IbanError::Empty),
            ("DE89-3704-0044-0532-0130-00", IbanError::BadCharacter('-')),
            ("DÉ89370400440532013000", IbanError::BadCharacter('É')),
            ("8937040044", IbanError::BadPrefix),
            ("DEXX370400440532013000", IbanError::BadPrefix),
            ("DE8", IbanError::BadPrefix),
            (
                "ZZ89370400440532013000",
                IbanError::UnknownCountry("ZZ".into()),
            ),
            (
                "US89370400440532013000",
                IbanError::UnknownCountry("US".into()),
            ),
            ("DE8937040044053201300", de(22, 21)),
            ("DE893704004405320130000", de(22, 23)),
            (
                "GB82WEST123456987654",
                IbanError::Length {
                    country: "GB".into(),
                    expected: 22,
                    got: 20,
                },
            ),
            ("GB82 WEST 1234 5698 7654 23", IbanError::Checksum), // two digits swapped
            ("DE00370400440532013000", IbanError::Checksum),
        ] {
            assert_eq!(Iban::parse(raw), Err(want), "{raw:?}");
        }
    }

    #[test]
    fn length_error_message_names_expected_and_got() {
        let msg = Iban::parse("DE8937040044053201300")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert_eq!(
            msg,
            "An IBAN from DE has 22 characters, but this one has 21; a character is missing or extra."
        );
    }

    #[test]
    fn tables_are_sorted_and_sane() {
        assert!(IBAN_LENGTHS.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(IBAN_LENGTHS
            .iter()
            .all(|(c, n)| super::super::codes::is_country_code(c)
                && (IBAN_PREFIX_LEN + 1..=IBAN_MAX_LEN).contains(n)));
        assert!(SEPA_COUNTRIES.windows(2).all(|w| w[0] < w[1]));
        for c in SEPA_COUNTRIES {
            assert!(iban_length(c).is_some(), "SEPA country {c} has IBANs");
        }
    }

    #[test]
    fn country_sepa_and_mask() {
        let de = Iban::parse("DE89 3704 0044 0532 0130 00").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(de.country(), "DE");
        assert!(de.is_sepa());
        assert_eq!(de.mask(), "DE89 •••• 3000");
        let gb = Iban::parse("GB82WEST12345698765432").unwrap_or_else(|e| panic!("{e}"));
        assert!(gb.is_sepa(), "the UK stayed in SEPA");
        let br = Iban::parse("BR1800360305000010009795493C1").unwrap_or_else(|e| panic!("{e}"));
        assert!(!br.is_sepa(), "Brazil has IBANs but is not in SEPA");
    }

    #[test]
    fn deserializing_revalidates() {
        assert!(serde_json::from_str::<Iban>("\"DE89370400440532013001\"").is_err());
        let ok =
            serde_json::from_str::<Iban>("\"de89 3704 0044 0532 0130 00\"").map(|i| i.to_string());
        assert_eq!(ok.ok().as_deref(), Some("DE89370400440532013000"));
    }
}
