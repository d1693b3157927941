//! BIC (ISO 9362, "SWIFT code"): shape checks, and a separate, warning-level check that the bank's country
//! matches the account's.
//!
//! Why the country check is separate: a BIC whose country differs from the IBAN's is usually a copy-paste from
//! another payee (a known way payment details get hijacked), but a few legitimate combinations exist (a Jersey
//! bank with a GB IBAN), so the caller decides whether to block or to ask for confirmation.

use super::codes::{is_country_code, string_newtype_impls};
use super::iban::Iban;
use serde::{Deserialize, Serialize};

/// A BIC without a branch code ("DEUTDEFF").
pub const BIC_SHORT_LEN: usize = 8;
/// A BIC with a branch code ("DEUTDEFF500").
pub const BIC_LONG_LEN: usize = 11;
const BANK_CODE: std::ops::Range<usize> = 0..4;
const COUNTRY: std::ops::Range<usize> = 4..6;
const LOCATION: std::ops::Range<usize> = 6..8;
const BRANCH: std::ops::Range<usize> = 8..11;

/// IBAN country → BIC countries that are not the same code but legitimately go together: territories that use
/// their mother country's IBAN (Jersey, Guernsey, Isle of Man; French overseas; Åland), and Monaco.
const COMPATIBLE_COUNTRIES: &[(&str, &[&str])] = &[
    ("FI", &["AX"]),
    (
        "FR",
        &[
            "BL", "GF", "GP", "MC", "MF", "MQ", "NC", "PF", "PM", "RE", "WF", "YT",
        ],
    ),
    ("GB", &["GG", "IM", "JE"]),
    ("MC", &["FR"]),
];

/// Why a BIC was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BicError {
    #[error("The BIC is empty.")]
    Empty,
    #[error("A BIC has 8 or 11 letters and digits, but this one has {0}.")]
    Length(usize),
    #[error("The BIC contains '{0}'; a BIC has only letters and digits.")]
    BadCharacter(char),
    #[error("The first four characters of a BIC are the bank code and must be letters, but they are '{0}'.")]
    BankCode(String),
    #[error("Characters 5 and 6 of a BIC are the bank's country, but '{0}' is not an ISO 3166 country code.")]
    Country(String),
    #[error("Characters 7 and 8 of a BIC are the location code, and '{0}' is not a valid one.")]
    Location(String),
}

/// The bank's country (from the BIC) differs from the account's country. Warning-level: see the module doc.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("The BIC belongs to a bank in {bic_country}, but the account is in {account_country}; check that the BIC and the account belong together.")]
pub struct CountryMismatch {
    pub bic_country: String,
    pub account_country: String,
}

/// A validated BIC: upper-case, 8 or 11 characters, exactly as entered otherwise (an 11-character BIC ending in
/// "XXX" is kept as is: it names the same bank as the 8-character form, but the payee's bank gave it that way).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Bic(String);

impl Bic {
    /// Parses a BIC, ignoring spaces and case.
    pub fn parse(raw: &str) -> Result<Bic, BicError> {
        let bic: String = raw
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_uppercase();
        if bic.is_empty() {
            return Err(BicError::Empty);
        }
        if let Some(bad) = bic.chars().find(|c| !c.is_ascii_alphanumeric()) {
            return Err(BicError::BadCharacter(bad));
        }
        if bic.len() != BIC_SHORT_LEN && bic.len() != BIC_LONG_LEN {
            return Err(BicError::Length(bic.len()));
        }
        let b = bic.as_bytes();
        if !b[BANK_CODE].iter().all(u8::is_ascii_uppercase) {
            return Err(BicError::BankCode(bic[BANK_CODE].to_string()));
        }
        if !is_country_code(&bic[COUNTRY]) {
            return Err(BicError::Country(bic[COUNTRY].to_string()));
        }
        // SWIFT rules (also encoded in the pain.001.001.03 schema): the first location character is not 0 or 1,
        // and the second is not the letter O.
        let loc = &b[LOCATION];
        if matches!(loc[0], b'0' | b'1') || loc[1] == b'O' {
            return Err(BicError::Location(bic[LOCATION].to_string()));
        }
        Ok(Bic(bic))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The four-letter bank code.
    pub fn bank_code(&self) -> &str {
        &self.0[BANK_CODE]
    }

    /// The ISO 3166 country of the bank.
    pub fn country(&self) -> &str {
        &self.0[COUNTRY]
    }

    /// The two-character location code.
    pub fn location(&self) -> &str {
        &self.0[LOCATION]
    }

    /// The three-character branch code, if given.
    pub fn branch(&self) -> Option<&str> {
        self.0.get(BRANCH)
    }
}

string_newtype_impls!(Bic, BicError);

/// Checks that a bank identified by `bic` plausibly holds an account in `account_country` (ISO 3166 alpha-2).
pub fn check_bic_country(bic: &Bic, account_country: &str) -> Result<(), CountryMismatch> {
    let bic_country = bic.country();
    let compatible = bic_country == account_country
        || COMPATIBLE_COUNTRIES
            .iter()
            .any(|(acct, bics)| *acct == account_country && bics.contains(&bic_country));
    if compatible {
        Ok(())
    } else {
        Err(CountryMismatch {
            bic_country: bic_country.to_string(),
            account_country: account_country.to_string(),
        })
    }
}

/// Checks that the BIC's country matches the IBAN's (see [`check_bic_country`]).
pub fn check_bic_matches_iban(bic: &Bic, iban: &Iban) -> Result<(), CountryMismatch> {
    check_bic_country(bic, iban.country())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_bics() {
        for (raw, canonical, branch) in [
            ("DEUTDEFF", "DEUTDEFF", None),
            ("deutdeff500", "DEUTDEFF500", Some("500")),
            ("NWBK GB 2L", "NWBKGB2L", None),
            ("BNPAFRPPXXX", "BNPAFRPPXXX", Some("XXX")),
            ("ABNANL2A", "ABNANL2A", None),
            ("GEBABEBB", "GEBABEBB", None),
            ("UBSWCHZH80A", "UBSWCHZH80A", Some("80A")),
            ("CITIUS33", "CITIUS33", None),
        ] {
            let bic = Bic::parse(raw).unwrap_or_else(|e| panic!("{raw}: {e}"));
            assert_eq!(bic.as_str(), canonical);
            assert_eq!(bic.branch(), branch);
        }
        let b = Bic::parse("DEUTDEFF500").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (b.bank_code(), b.country(), b.location()),
            ("DEUT", "DE", "FF")
        );
    }

    #[test]
    fn refusals_name_the_reason() {
        for (raw, want) in [
            ("", BicError::Empty),
            ("DEUTDEF", BicError::Length(7)),
            ("DEUTDEFF5", BicError::Length(9)),
            ("DEUTDEFF5000", BicError::Length(12)),
            ("DEUT-DEFF", BicError::BadCharacter('-')),
            ("D3UTDEFF", BicError::BankCode("D3UT".into())),
            ("DEUTXXFF", BicError::Country("XX".into())),
            ("DEUTUKFF", BicError::Country("UK".into())),
            ("DEUTDE1F", BicError::Location("1F".into())),
            ("DEUTDEFO", BicError::Location("FO".into())),
        ] {
            assert_eq!(Bic::parse(raw), Err(want), "{raw:?}");
        }
    }

    #[test]
    fn country_match_against_iban() {
        let iban = |s: &str| Iban::parse(s).unwrap_or_else(|e| panic!("{e}"));
        let bic = |s: &str| Bic::parse(s).unwrap_or_else(|e| panic!("{e}"));
        let de = iban("DE89370400440532013000");
        let gb = iban("GB82WEST12345698765432");
        assert_eq!(check_bic_matches_iban(&bic("COBADEFFXXX"), &de), Ok(()));
        assert_eq!(
            check_bic_matches_iban(&bic("RBOSJESH"), &gb),
            Ok(()),
            "a Jersey bank with a GB IBAN"
        );
        let err = check_bic_matches_iban(&bic("BNPAFRPP"), &de);
        assert_eq!(
            err,
            Err(CountryMismatch {
                bic_country: "FR".into(),
                account_country: "DE".into()
            })
        );
        assert_eq!(
            err.err().map(|e| e.to_string()).unwrap_or_default(),
            "The BIC belongs to a bank in FR, but the account is in DE; check that the BIC and the account \
             belong together."
        );
        assert!(check_bic_country(&bic("CITIUS33"), "GB").is_err());
    }
}
