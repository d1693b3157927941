//! Country (ISO 3166-1 alpha-2) and payout currency (ISO 4217 alpha-3) codes as closed lists.
//!
//! Why closed lists rather than "two or three letters": a typo such as "GE" for Germany or "EUD" for euro would
//! pass a shape check and only fail at the bank, days later. Both lists are sorted so lookups are a binary
//! search, and a test keeps them sorted and free of duplicates.

use serde::{Deserialize, Serialize};

pub use crate::iso3166::COUNTRY_CODES;

/// Active ISO 4217 currency codes a payout can be made in (funds, precious metals, test and SDR codes left out;
/// withdrawn codes such as HRK, SLL and ANG left out). Sorted. Minor units come from [`crate::money`].
pub const PAYOUT_CURRENCIES: &[&str] = &[
    "AED", "AFN", "ALL", "AMD", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN",
    "BHD", "BIF", "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF",
    "CHF", "CLP", "CNY", "COP", "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP",
    "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD",
    "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD", "JPY",
    "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD",
    "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK",
    "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK",
    "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG",
    "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS",
    "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS", "VED",
    "VES", "VND", "VUV", "WST", "XAF", "XCD", "XCG", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWG",
];

/// Why a country code was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CountryError {
    #[error("The country code is empty; enter two letters such as DE, FR or GB.")]
    Empty,
    #[error("'{0}' is not an ISO 3166 country code; enter two letters such as DE, FR or GB.")]
    Unknown(String),
}

/// Why a currency code was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CurrencyError {
    #[error("The currency code is empty; enter three letters such as EUR, USD or GBP.")]
    Empty,
    #[error("'{0}' is not an active ISO 4217 currency code; enter three letters such as EUR, USD or GBP.")]
    Unknown(String),
}

/// A validated ISO 3166-1 alpha-2 country code, upper-case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Country(String);

impl Country {
    /// Trims, upper-cases and looks the code up in [`COUNTRY_CODES`].
    pub fn parse(raw: &str) -> Result<Country, CountryError> {
        let code = raw.trim().to_ascii_uppercase();
        if code.is_empty() {
            return Err(CountryError::Empty);
        }
        if COUNTRY_CODES.binary_search(&code.as_str()).is_err() {
            return Err(CountryError::Unknown(raw.trim().to_string()));
        }
        Ok(Country(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whether `code` (already upper-case) is in [`COUNTRY_CODES`].
pub fn is_country_code(code: &str) -> bool {
    COUNTRY_CODES.binary_search(&code).is_ok()
}

/// A validated payout currency (ISO 4217 alpha-3, upper-case, from [`PAYOUT_CURRENCIES`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency(String);

impl Currency {
    /// Trims, upper-cases and looks the code up in [`PAYOUT_CURRENCIES`].
    pub fn parse(raw: &str) -> Result<Currency, CurrencyError> {
        let code = raw.trim().to_ascii_uppercase();
        if code.is_empty() {
            return Err(CurrencyError::Empty);
        }
        if PAYOUT_CURRENCIES.binary_search(&code.as_str()).is_err() {
            return Err(CurrencyError::Unknown(raw.trim().to_string()));
        }
        Ok(Currency(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Decimal places of the currency's minor unit (EUR 2, JPY 0, KWD 3).
    pub fn minor_units(&self) -> u32 {
        crate::money::currency_exponent(&self.0)
    }
}

macro_rules! string_newtype_impls {
    ($t:ty, $err:ty) => {
        impl TryFrom<String> for $t {
            type Error = $err;
            fn try_from(raw: String) -> Result<Self, Self::Error> {
                <$t>::parse(&raw)
            }
        }
        impl From<$t> for String {
            fn from(v: $t) -> String {
                v.0
            }
        }
        impl ::std::fmt::Display for $t {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl std::str::FromStr for $t {
            type Err = $err;
            fn from_str(raw: &str) -> Result<Self, Self::Err> {
                <$t>::parse(raw)
            }
        }
    };
}
pub(crate) use string_newtype_impls;

string_newtype_impls!(Country, CountryError);
string_newtype_impls!(Currency, CurrencyError);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_sorted_and_unique_so_binary_search_works() {
        for list in [COUNTRY_CODES, PAYOUT_CURRENCIES] {
            assert!(
                list.windows(2).all(|w| w[0] < w[1]),
                "unsorted or duplicate near {list:?}"
            );
        }
        // 249 officially assigned ISO 3166-1 codes plus XK.
        assert_eq!(COUNTRY_CODES.len(), 250);
        assert!(COUNTRY_CODES
            .iter()
            .all(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase())));
        assert!(PAYOUT_CURRENCIES
            .iter()
            .all(|c| c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase())));
    }

    #[test]
    fn currencies_table() {
        for (raw, want) in [
            ("EUR", Ok("EUR")),
            (" usd ", Ok("USD")),
            ("gbp", Ok("GBP")),
            ("ABC", Err(CurrencyError::Unknown("ABC".into()))),
            ("HRK", Err(CurrencyError::Unknown("HRK".into()))),
            ("XAU", Err(CurrencyError::Unknown("XAU".into()))),
            ("EURO", Err(CurrencyError::Unknown("EURO".into()))),
            ("", Err(CurrencyError::Empty)),
        ] {
            let got = Currency::parse(raw).map(|c| c.as_str().to_string());
            assert_eq!(got, want.map(String::from), "{raw}");
        }
        let required =
            "EUR USD GBP CHF SEK NOK DKK PLN CZK HUF RON BGN JPY CAD AUD NZD KWD BHD JOD";
        for code in required.split(' ') {
            assert!(
                Currency::parse(code).is_ok(),
                "{code} must be a payout currency"
            );
        }
    }

    #[test]
    fn minor_units_follow_iso_4217() {
        for (code, dp) in [
            ("EUR", 2),
            ("JPY", 0),
            ("KWD", 3),
            ("BHD", 3),
            ("JOD", 3),
            ("HUF", 2),
            ("ISK", 0),
        ] {
            assert_eq!(
                Currency::parse(code).map(|c| c.minor_units()),
                Ok(dp),
                "{code}"
            );
        }
    }

    #[test]
    fn countries_table() {
        for (raw, ok) in [
            ("DE", true),
            ("de", true),
            (" gb ", true),
            ("XK", true),
            ("UK", false),
            ("EU", false),
        ] {
            assert_eq!(Country::parse(raw).is_ok(), ok, "{raw}");
        }
        assert_eq!(Country::parse(" "), Err(CountryError::Empty));
    }

    #[test]
    fn deserializing_revalidates() {
        assert!(serde_json::from_str::<Currency>("\"ABC\"").is_err());
        let eur = serde_json::from_str::<Currency>("\"eur\"")
            .ok()
            .map(|c| c.to_string());
        assert_eq!(eur.as_deref(), Some("EUR"));
    }
}
