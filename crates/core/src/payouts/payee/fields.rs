//! The plain fields of payee details: names, non-IBAN account numbers and PayPal email addresses.
//!
//! Why strict here: these values end up in bank files and on statements, where a stray control character or a
//! 300-character name is refused by the bank long after the payee has left the form.

use super::codes::string_newtype_impls;
use serde::{Deserialize, Serialize};

/// Longest account holder name: the SEPA (EPC) limit for party names, which wire forms share in practice.
pub const HOLDER_NAME_MAX_CHARS: usize = 70;
/// Longest bank name.
pub const BANK_NAME_MAX_CHARS: usize = 140;
/// Longest account number (the IBAN maximum, which international account numbers stay within).
pub const ACCOUNT_NUMBER_MAX_CHARS: usize = 34;
/// RFC 5321 limits: whole address, part before '@', one domain label.
pub const EMAIL_MAX_CHARS: usize = 254;
pub const EMAIL_LOCAL_MAX_CHARS: usize = 64;
pub const EMAIL_LABEL_MAX_CHARS: usize = 63;
/// Characters RFC 5322 allows in an unquoted local part besides letters, digits and dots.
const EMAIL_LOCAL_SPECIALS: &str = "!#$%&'*+/=?^_`{|}~-";
/// Characters shown before the '@' of a masked email address.
const MASK_EMAIL_HEAD_CHARS: usize = 1;
/// Characters shown at the end of a masked account number.
const MASK_TAIL_CHARS: usize = 4;

/// Why a name or account number was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("It is empty.")]
    Empty,
    #[error("It has {got} characters; the most allowed is {max}.")]
    TooLong { max: usize, got: usize },
    #[error("It contains an invisible control character; retype it instead of pasting.")]
    Control,
    #[error("It contains '{0}'; only letters A–Z and digits are allowed.")]
    NotAlphanumeric(char),
}

/// Why an email address was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("The email address is empty.")]
    Empty,
    #[error("The email address has {got} characters; the most allowed is {max}.")]
    TooLong { max: usize, got: usize },
    #[error("An email address has exactly one '@', such as name@example.com.")]
    At,
    #[error("The part before '@' is not valid near '{0}': it must be 1 to 64 letters, digits or symbols such as . _ + -, with no dot at either end and no two dots in a row.")]
    Local(String),
    #[error("The domain '{0}' is not valid: it needs a dot, and each part must be letters, digits or hyphens (not at either end of a part).")]
    Domain(String),
    #[error(
        "The domain '{0}' must end in a top-level domain of at least two letters, such as .com."
    )]
    TopLevel(String),
}

/// A person's or a bank's name: trimmed, inner runs of whitespace collapsed to one space, no control characters.
/// Any script is kept (SEPA files transliterate at export, see `sepa`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Name(String);

impl Name {
    /// A name of at most `max_chars` characters (Unicode scalar values).
    pub fn parse_max(raw: &str, max_chars: usize) -> Result<Name, TextError> {
        if raw.chars().any(|c| c.is_control() && !c.is_whitespace()) {
            return Err(TextError::Control);
        }
        let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        let got = name.chars().count();
        if got == 0 {
            return Err(TextError::Empty);
        }
        if got > max_chars {
            return Err(TextError::TooLong {
                max: max_chars,
                got,
            });
        }
        Ok(Name(name))
    }

    /// An account holder name (at most [`HOLDER_NAME_MAX_CHARS`]).
    pub fn parse(raw: &str) -> Result<Name, TextError> {
        Name::parse_max(raw, HOLDER_NAME_MAX_CHARS)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Deserialising accepts names up to the longer (bank name) limit; the stricter holder limit is applied by
/// `RawPayeeDetails::validate`, which is how payee details are deserialised.
impl TryFrom<String> for Name {
    type Error = TextError;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Name::parse_max(&raw, BANK_NAME_MAX_CHARS)
    }
}

impl From<Name> for String {
    fn from(v: Name) -> String {
        v.0
    }
}

impl std::fmt::Display for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A non-IBAN account number for international wires: spaces removed, upper-case, 1 to 34 letters and digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AccountNumber(String);

impl AccountNumber {
    pub fn parse(raw: &str) -> Result<AccountNumber, TextError> {
        let n: String = raw
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_uppercase();
        if n.is_empty() {
            return Err(TextError::Empty);
        }
        if let Some(bad) = n.chars().find(|c| !c.is_ascii_alphanumeric()) {
            return Err(if bad.is_control() {
                TextError::Control
            } else {
                TextError::NotAlphanumeric(bad)
            });
        }
        if n.len() > ACCOUNT_NUMBER_MAX_CHARS {
            return Err(TextError::TooLong {
                max: ACCOUNT_NUMBER_MAX_CHARS,
                got: n.len(),
            });
        }
        Ok(AccountNumber(n))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// For display: the last four characters only, e.g. "•••• 6789".
    pub fn mask(&self) -> String {
        let tail = self.0.len().saturating_sub(MASK_TAIL_CHARS);
        format!("•••• {}", &self.0[tail..])
    }
}

string_newtype_impls!(AccountNumber, TextError);

/// A PayPal email address: a simple but strict syntax (no quoted local parts, no IP-literal domains, no
/// comments), the domain lower-cased. The local part keeps its case (it may be case-sensitive).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Email, EmailError> {
        let e = raw.trim();
        if e.is_empty() {
            return Err(EmailError::Empty);
        }
        let got = e.chars().count();
        if got > EMAIL_MAX_CHARS {
            return Err(EmailError::TooLong {
                max: EMAIL_MAX_CHARS,
                got,
            });
        }
        let (local, domain) = match e.split_once('@') {
            Some((l, d)) if !d.contains('@') => (l, d.to_ascii_lowercase()),
            _ => return Err(EmailError::At),
        };
        let local_ok = !local.is_empty()
            && local.len() <= EMAIL_LOCAL_MAX_CHARS
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..");
        if let Some(bad) = local
            .chars()
            .find(|c| !c.is_ascii_alphanumeric() && *c != '.' && !EMAIL_LOCAL_SPECIALS.contains(*c))
        {
            return Err(EmailError::Local(bad.to_string()));
        }
        if !local_ok {
            return Err(EmailError::Local(local.to_string()));
        }
        let labels: Vec<&str> = domain.split('.').collect();
        let label_ok = |l: &&str| {
            !l.is_empty()
                && l.len() <= EMAIL_LABEL_MAX_CHARS
                && l.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        };
        if labels.len() < 2 || !labels.iter().all(label_ok) {
            return Err(EmailError::Domain(domain));
        }
        let tld = labels.last().copied().unwrap_or_default();
        if tld.len() < 2
            || !(tld.bytes().all(|b| b.is_ascii_lowercase()) || tld.starts_with("xn--"))
        {
            return Err(EmailError::TopLevel(domain));
        }
        Ok(Email(format!("{local}@{domain}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// For display: the first character before '@', then the domain, e.g. "j•••@example.com".
    pub fn mask(&self) -> String {
        let (local, domain) = self.0.split_once('@').unwrap_or((&self.0, ""));
        let head: String = local.chars().take(MASK_EMAIL_HEAD_CHARS).collect();
        format!("{head}•••@{domain}")
    }
}

string_newtype_impls!(Email, EmailError);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(
            Name::parse("  Zoë   van\tDijk ").map(|n| n.to_string()),
            Ok("Zoë van Dijk".to_string())
        );
        assert_eq!(Name::parse(" \n "), Err(TextError::Empty));
        assert_eq!(Name::parse("Bad\u{0}Name"), Err(TextError::Control));
        let long = "x".repeat(HOLDER_NAME_MAX_CHARS + 1);
        assert_eq!(
            Name::parse(&long),
            Err(TextError::TooLong { max: 70, got: 71 })
        );
        assert!(Name::parse_max(&long, BANK_NAME_MAX_CHARS).is_ok());
        // Accented characters count as one character each.
        assert!(Name::parse(&"é".repeat(HOLDER_NAME_MAX_CHARS)).is_ok());
    }

    #[test]
    fn account_numbers() {
        for (raw, want) in [
            ("1234 5678 90", Ok("1234567890")),
            ("abc123", Ok("ABC123")),
            ("", Err(TextError::Empty)),
            ("12-34", Err(TextError::NotAlphanumeric('-'))),
            (
                "1234567890123456789012345678901234",
                Ok("1234567890123456789012345678901234"),
            ),
            (
                "12345678901234567890123456789012345",
                Err(TextError::TooLong { max: 34, got: 35 }),
            ),
        ] {
            let got = AccountNumber::parse(raw).map(|a| a.as_str().to_string());
            assert_eq!(got, want.map(String::from), "{raw:?}");
        }
        assert_eq!(
            AccountNumber::parse("123456789").map(|a| a.mask()),
            Ok("•••• 6789".to_string())
        );
        assert_eq!(
            AccountNumber::parse("12").map(|a| a.mask()),
            Ok("•••• 12".to_string())
        );
    }

    #[test]
    fn emails() {
        let local = |s: &str| Err(EmailError::Local(s.into()));
        let domain = |s: &str| Err(EmailError::Domain(s.into()));
        for (raw, want) in [
            ("jane.doe@Example.COM", Ok("jane.doe@example.com")),
            (
                " Jane+payouts@mail.example.co.uk ",
                Ok("Jane+payouts@mail.example.co.uk"),
            ),
            ("o'brien@example.ie", Ok("o'brien@example.ie")),
            ("x@xn--mnchen-3ya.de", Ok("x@xn--mnchen-3ya.de")),
            ("", Err(EmailError::Empty)),
            ("jane.example.com", Err(EmailError::At)),
            ("jane@@example.com", Err(EmailError::At)),
            ("a@b@example.com", Err(EmailError::At)),
            ("@example.com", local("")),
            (".jane@example.com", local(".jane")),
            ("jane.@example.com", local("jane.")),
            ("ja..ne@example.com", local("ja..ne")),
            ("ja ne@example.com", local(" ")),
            ("jané@example.com", local("é")),
            ("jane@localhost", domain("localhost")),
            ("jane@-example.com", domain("-example.com")),
            ("jane@example..com", domain("example..com")),
            ("jane@exa_mple.com", domain("exa_mple.com")),
            ("jane@[127.0.0.1]", domain("[127.0.0.1]")),
            (
                "jane@example.c",
                Err(EmailError::TopLevel("example.c".into())),
            ),
            (
                "jane@example.123",
                Err(EmailError::TopLevel("example.123".into())),
            ),
        ] {
            let got = Email::parse(raw).map(|e| e.as_str().to_string());
            assert_eq!(got, want.map(String::from), "{raw:?}");
        }
        let long_local = format!("{}@example.com", "a".repeat(EMAIL_LOCAL_MAX_CHARS + 1));
        assert!(matches!(
            Email::parse(&long_local),
            Err(EmailError::Local(_))
        ));
        assert_eq!(
            Email::parse("jane@example.com").map(|e| e.mask()),
            Ok("j•••@example.com".to_string())
        );
    }
}
