//! Payee payment details: raw strings from a form or a file become validated details, or a list of errors that
//! each name the field and the reason in words a finance person understands.
//!
//! Parse, then validate: [`RawPayeeDetails`] holds whatever was typed; [`RawPayeeDetails::validate`] is the only
//! way to a [`PayeeDetails`] (deserialising goes through it too), so unchecked details never reach a payment
//! file. [`PayeeDetails::details_sha256`] is the "payee-details version" printed on statements and payment files:
//! a SHA-256 over a canonical JSON with a fixed key order, so the same details hash the same on every machine
//! and any change to them (the four-eyes event of DOMAIN.md §7) is visible as a new hash.

mod bic;
mod codes;
mod crypto;
mod fields;
mod iban;

pub use bic::{check_bic_country, check_bic_matches_iban, Bic, BicError, CountryMismatch};
pub use codes::{
    is_country_code, Country, CountryError, Currency, CurrencyError, COUNTRY_CODES,
    PAYOUT_CURRENCIES,
};
pub use crypto::{CryptoAddress, CryptoError, CryptoNetwork};
pub use fields::{
    AccountNumber, Email, EmailError, Name, TextError, BANK_NAME_MAX_CHARS, HOLDER_NAME_MAX_CHARS,
};
pub use iban::{iban_length, Iban, IbanError, IBAN_LENGTHS, IBAN_MAX_LEN, SEPA_COUNTRIES};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;

/// Version of the canonical form hashed by [`PayeeDetails::details_sha256`]; part of the hashed text, so a
/// future change of form can never collide with an old hash.
pub const DETAILS_CANONICAL_VERSION: u32 = 1;

/// A field of the payee details form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PayeeField {
    Holder,
    Iban,
    Bic,
    AccountNumber,
    BankName,
    BankCountry,
    Email,
    Network,
    Address,
}

impl PayeeField {
    /// The stable key (as in the serialised details), for a UI to put the message next to the field.
    pub fn key(self) -> &'static str {
        match self {
            Self::Holder => "holder",
            Self::Iban => "iban",
            Self::Bic => "bic",
            Self::AccountNumber => "account_number",
            Self::BankName => "bank_name",
            Self::BankCountry => "bank_country",
            Self::Email => "email",
            Self::Network => "network",
            Self::Address => "address",
        }
    }

    /// The field as a sentence subject.
    pub fn label(self) -> &'static str {
        match self {
            Self::Holder => "The account holder name",
            Self::Iban => "The IBAN",
            Self::Bic => "The BIC (SWIFT code)",
            Self::AccountNumber => "The account number",
            Self::BankName => "The bank name",
            Self::BankCountry => "The bank country",
            Self::Email => "The PayPal email address",
            Self::Network => "The crypto network",
            Self::Address => "The crypto address",
        }
    }
}

/// The reason a field was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldError {
    #[error(transparent)]
    Text(#[from] TextError),
    #[error(transparent)]
    Iban(#[from] IbanError),
    #[error(transparent)]
    Bic(#[from] BicError),
    #[error(transparent)]
    Country(#[from] CountryError),
    #[error(transparent)]
    Email(#[from] EmailError),
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    #[error("Accounts in {0} cannot receive SEPA credit transfers; pay this payee by international wire instead.")]
    NotSepa(String),
}

/// One refused field: "The IBAN is not valid. The IBAN checksum does not match, …".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} is not valid. {reason}", field.label())]
pub struct PayeeError {
    pub field: PayeeField,
    pub reason: FieldError,
}

/// Every refused field of one form, in form order (never empty when returned as an error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayeeErrors(pub Vec<PayeeError>);

impl fmt::Display for PayeeErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let all: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        f.write_str(&all.join(" "))
    }
}

impl std::error::Error for PayeeErrors {}

/// Payee details as typed: every field a string. An empty or absent SEPA BIC means "none" (IBAN-only SEPA).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum RawPayeeDetails {
    Sepa {
        holder: String,
        iban: String,
        #[serde(default)]
        bic: Option<String>,
    },
    Wire {
        holder: String,
        account_number: String,
        bank_name: String,
        bic: String,
        bank_country: String,
    },
    Paypal {
        email: String,
    },
    Crypto {
        network: String,
        address: String,
    },
}

/// Validated payee details. Serialises to the same shape as [`RawPayeeDetails`] (with canonical values), and
/// deserialises only through validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "method",
    rename_all = "snake_case",
    try_from = "RawPayeeDetails"
)]
pub enum PayeeDetails {
    Sepa {
        holder: Name,
        iban: Iban,
        bic: Option<Bic>,
    },
    Wire {
        holder: Name,
        account_number: AccountNumber,
        bank_name: Name,
        bic: Bic,
        bank_country: Country,
    },
    Paypal {
        email: Email,
    },
    Crypto {
        network: CryptoNetwork,
        address: CryptoAddress,
    },
}

/// Collects field errors so one pass reports every bad field.
#[derive(Default)]
struct Collect(Vec<PayeeError>);

impl Collect {
    fn take<T, E: Into<FieldError>>(&mut self, field: PayeeField, r: Result<T, E>) -> Option<T> {
        r.map_err(|e| {
            self.0.push(PayeeError {
                field,
                reason: e.into(),
            })
        })
        .ok()
    }
}

impl RawPayeeDetails {
    /// Validates every field; on failure returns all refused fields, in form order.
    pub fn validate(&self) -> Result<PayeeDetails, PayeeErrors> {
        use PayeeField as F;
        let mut c = Collect::default();
        let details = match self {
            Self::Sepa { holder, iban, bic } => {
                let holder = c.take(F::Holder, Name::parse(holder));
                let iban = c.take(
                    F::Iban,
                    Iban::parse(iban)
                        .map_err(FieldError::from)
                        .and_then(|i| match i.is_sepa() {
                            true => Ok(i),
                            false => Err(FieldError::NotSepa(i.country().to_string())),
                        }),
                );
                let bic = match bic.as_deref().map(str::trim).filter(|b| !b.is_empty()) {
                    None => Some(None),
                    Some(b) => c.take(F::Bic, Bic::parse(b)).map(Some),
                };
                match (holder, iban, bic) {
                    (Some(holder), Some(iban), Some(bic)) => {
                        Some(PayeeDetails::Sepa { holder, iban, bic })
                    }
                    _ => None,
                }
            }
            Self::Wire {
                holder,
                account_number,
                bank_name,
                bic,
                bank_country,
            } => {
                let holder = c.take(F::Holder, Name::parse(holder));
                let account_number = c.take(F::AccountNumber, AccountNumber::parse(account_number));
                let bank_name =
                    c.take(F::BankName, Name::parse_max(bank_name, BANK_NAME_MAX_CHARS));
                let bic = c.take(F::Bic, Bic::parse(bic));
                let bank_country = c.take(F::BankCountry, Country::parse(bank_country));
                match (holder, account_number, bank_name, bic, bank_country) {
                    (
                        Some(holder),
                        Some(account_number),
                        Some(bank_name),
                        Some(bic),
                        Some(bank_country),
                    ) => Some(PayeeDetails::Wire {
                        holder,
                        account_number,
                        bank_name,
                        bic,
                        bank_country,
                    }),
                    _ => None,
                }
            }
            Self::Paypal { email } => c
                .take(F::Email, Email::parse(email))
                .map(|email| PayeeDetails::Paypal { email }),
            Self::Crypto { network, address } => {
                let network = c.take(F::Network, CryptoNetwork::parse(network));
                let address =
                    network.and_then(|n| c.take(F::Address, CryptoAddress::parse(n, address)));
                match (network, address) {
                    (Some(network), Some(address)) => {
                        Some(PayeeDetails::Crypto { network, address })
                    }
                    _ => None,
                }
            }
        };
        details.ok_or(PayeeErrors(c.0))
    }
}

impl TryFrom<RawPayeeDetails> for PayeeDetails {
    type Error = PayeeErrors;
    fn try_from(raw: RawPayeeDetails) -> Result<Self, Self::Error> {
        raw.validate()
    }
}

impl PayeeDetails {
    /// "sepa", "wire", "paypal" or "crypto".
    pub fn method(&self) -> &'static str {
        match self {
            Self::Sepa { .. } => "sepa",
            Self::Wire { .. } => "wire",
            Self::Paypal { .. } => "paypal",
            Self::Crypto { .. } => "crypto",
        }
    }

    /// The canonical JSON that [`Self::details_sha256`] hashes: one object, keys in byte order, no whitespace,
    /// strings UTF-8 with only `"`, `\` and control characters escaped, absent values `null`, and the keys
    /// `method` and `v` ([`DETAILS_CANONICAL_VERSION`]). Values are the validated (canonical) forms.
    pub fn canonical_json(&self) -> String {
        let v = DETAILS_CANONICAL_VERSION.to_string();
        let mut fields: Vec<(&str, Option<&str>)> = match self {
            Self::Sepa { holder, iban, bic } => vec![
                ("holder", Some(holder.as_str())),
                ("iban", Some(iban.as_str())),
                ("bic", bic.as_ref().map(Bic::as_str)),
            ],
            Self::Wire {
                holder,
                account_number,
                bank_name,
                bic,
                bank_country,
            } => vec![
                ("holder", Some(holder.as_str())),
                ("account_number", Some(account_number.as_str())),
                ("bank_name", Some(bank_name.as_str())),
                ("bic", Some(bic.as_str())),
                ("bank_country", Some(bank_country.as_str())),
            ],
            Self::Paypal { email } => vec![("email", Some(email.as_str()))],
            Self::Crypto { network, address } => {
                vec![
                    ("network", Some(network.key())),
                    ("address", Some(address.as_str())),
                ]
            }
        };
        fields.push(("method", Some(self.method())));
        fields.sort_by(|a, b| a.0.cmp(b.0));
        let mut out = String::from("{");
        for (i, (key, value)) in fields.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            json_string(&mut out, key);
            out.push(':');
            match value {
                Some(s) => json_string(&mut out, s),
                None => out.push_str("null"),
            }
        }
        // "v" sorts after every field key (all lower-case words starting before 'v'), checked by a test.
        out.push_str(&format!(",\"v\":{v}}}"));
        out
    }

    /// SHA-256 (lower-case hex) of [`Self::canonical_json`]: the payee-details version.
    pub fn details_sha256(&self) -> String {
        hex::encode(Sha256::digest(self.canonical_json().as_bytes()))
    }

    /// The account for display, never the whole of it: "DE89 •••• 3000", "•••• 6789", "j•••@example.com",
    /// "bc1qar •••• 5mdq".
    pub fn mask(&self) -> String {
        match self {
            Self::Sepa { iban, .. } => iban.mask(),
            Self::Wire { account_number, .. } => account_number.mask(),
            Self::Paypal { email } => email.mask(),
            Self::Crypto { address, .. } => address.mask(),
        }
    }

    /// The warning-level check: does the BIC's country fit the account's (SEPA: the IBAN's; wire: the bank
    /// country)? `Ok` when there is nothing to compare.
    pub fn check_bank_country(&self) -> Result<(), CountryMismatch> {
        match self {
            Self::Sepa {
                iban,
                bic: Some(bic),
                ..
            } => check_bic_matches_iban(bic, iban),
            Self::Wire {
                bic, bank_country, ..
            } => check_bic_country(bic, bank_country.as_str()),
            _ => Ok(()),
        }
    }
}

/// Appends `s` as a JSON string (RFC 8259).
fn json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests;
