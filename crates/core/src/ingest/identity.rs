//! Identity keys kept for fraud checks: the normalized-email hash stored in `players.email_hash` and
//! `affiliates.email_hash`. Both sides go through [`email_hash`], so a player and an affiliate (or an IB) with the
//! same mailbox get the same hash however either typed it.
//!
//! The convention (DOMAIN.md §5): trim, lower-case, drop a `+tag` from the local part, and for Gmail
//! (`gmail.com`, `googlemail.com`, which are one mailbox service) drop the dots of the local part and use
//! `gmail.com`; then the lower-case hex SHA-256 of `local@domain`. The clear email is never stored. This is the
//! only normalization: ingest, import, detection and the evaluation all hash through it.

use sha2::{Digest, Sha256};

/// The mailbox an email address reaches, in one canonical spelling; `None` when it is not an address.
pub fn normalize_email(email: &str) -> Option<String> {
    let email = email.trim().to_lowercase();
    let (local, domain) = email.rsplit_once('@')?;
    let local = local.split('+').next().unwrap_or_default();
    let domain = domain.trim_end_matches('.');
    let (local, domain) = match domain {
        "gmail.com" | "googlemail.com" => (local.replace('.', ""), "gmail.com"),
        _ => (local.to_string(), domain),
    };
    if local.is_empty() || domain.is_empty() || local.contains('@') || !is_mailbox(&local, domain) {
        return None;
    }
    Some(format!("{local}@{domain}"))
}

/// Whether a (lower-cased) local part and domain can be a mailbox on the Internet: no spaces, quotes, brackets or
/// control characters; a domain of at least two dot-separated labels of letters, digits and inner hyphens, the last
/// not all digits (`a@b`, `john smith@x.com`, `a@b..com`, `a@1.2.3.4` are no mailbox). Length per RFC 5321.
fn is_mailbox(local: &str, domain: &str) -> bool {
    let bad = |c: char| {
        c.is_whitespace()
            || c.is_control()
            || matches!(
                c,
                '"' | '(' | ')' | ',' | ':' | ';' | '<' | '>' | '[' | ']' | '\\' | '@'
            )
    };
    if local.len() > 64 || local.len() + domain.len() > 253 || local.chars().any(bad) {
        return false;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
        && !labels
            .last()
            .is_some_and(|l| l.chars().all(|c| c.is_ascii_digit()))
}

/// The hash stored for an email: hex SHA-256 of its normalized form; `None` when it is not an address.
pub fn email_hash(email: &str) -> Option<String> {
    normalize_email(email).map(|n| hex::encode(Sha256::digest(n.as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_mailbox_one_hash() {
        let h = email_hash("john.smith@gmail.com");
        assert!(h.is_some());
        for variant in [
            "JohnSmith@gmail.com",
            " john.smith+casino@gmail.com ",
            "j.o.h.n.smith@googlemail.com",
        ] {
            assert_eq!(email_hash(variant), h, "{variant}");
        }
        // Dots matter outside Gmail.
        assert_ne!(
            email_hash("john.smith@example.com"),
            email_hash("johnsmith@example.com")
        );
        assert_eq!(
            normalize_email("Partners+fx@Example.COM").as_deref(),
            Some("partners@example.com")
        );
    }

    #[test]
    fn not_an_address_has_no_hash() {
        for bad in [
            "",
            "no-at-sign",
            "@example.com",
            "+tag@example.com",
            "a@",
            "a@b",
            "john smith@gmail.com",
            "a@b..com",
            "a@-x.com",
            "a@1.2.3.4",
            "<a@b.com>",
        ] {
            assert_eq!(email_hash(bad), None, "{bad:?}");
        }
    }
}

#[cfg(test)]
mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Normalizing twice changes nothing, and the hash only depends on the normalized form: every variant
        /// a multi-accounting ring member could type (case, +tag, Gmail dots) lands on one hash.
        #[test]
        fn normalization_is_idempotent(local in "[a-zA-Z0-9][a-zA-Z0-9.]{0,11}", tag in "[a-z0-9]{0,5}", gmail in any::<bool>()) {
            let domain = if gmail { "Gmail.com" } else { "example.org" };
            let email = if tag.is_empty() { format!("{local}@{domain}") } else { format!("{local}+{tag}@{domain}") };
            let once = normalize_email(&email);
            prop_assume!(once.is_some()); // a Gmail local part of dots only is no mailbox
            let once = once.unwrap_or_default();
            prop_assert_eq!(normalize_email(&once), Some(once.clone()));
            prop_assert_eq!(email_hash(&email), email_hash(&once));
            prop_assert!(!once.contains('+'));
            if gmail {
                prop_assert_eq!(email_hash(&email), email_hash(&format!("{}@gmail.com", local.replace('.', "").to_uppercase())));
            }
        }
    }
}
