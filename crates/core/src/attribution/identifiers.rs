//! An affiliate's own identifiers — contact email, office IPs, payout instrument, devices — that self-referral
//! compares their players against (`affiliate_identifiers`, DOMAIN.md §5). They come from the affiliates file
//! (origin `file`) or are added by a manager in the app or the CLI (origin `user`); the profile's contact email
//! hash (`affiliates.email_hash`, from a tracker or the file) is listed with them (origin `profile`).
//!
//! Values go through the import's signal reading ([`crate::import::clean`]): an email is kept only as the hash of
//! the one normalization, a raw card number or IBAN only as its SHA-256, an IP in its canonical form; a value that
//! could never match a player (a private IP, a placeholder, no address) is refused with the reason. Each keeps a
//! hint a person recognises it by (`j…@gmail.com`, `…3000`).

use super::types::AffiliateIdentifier;
use super::AttributionError;
use crate::import::clean::{self, Ignored};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

/// The kinds stored (`affiliate_identifiers.kind`).
pub const KINDS: [&str; 4] = ["ip", "email_hash", "payment_hash", "device_id"];

/// The stored kind a request names: `ip`, `email` (or `email_hash`), `payout_instrument` (or `payment_hash`,
/// `payment`), `device_id` (or `device`).
pub fn kind_of(input: &str) -> Option<&'static str> {
    Some(match input.trim().to_ascii_lowercase().as_str() {
        "ip" | "office_ip" => "ip",
        "email" | "email_hash" => "email_hash",
        "payout_instrument" | "payment_hash" | "payment" | "payout" => "payment_hash",
        "device_id" | "device" => "device_id",
        _ => return None,
    })
}

/// Stores one identifier; `false` when the affiliate already has it (the first origin is kept).
pub fn insert(
    tx: &Transaction<'_>,
    affiliate_id: i64,
    kind: &str,
    value: &str,
    hint: &str,
    (origin, origin_ref): (&str, &str),
    now_ms: i64,
) -> rusqlite::Result<bool> {
    Ok(tx
        .prepare_cached(
            "INSERT INTO affiliate_identifiers (affiliate_id, kind, value, origin, origin_ref, hint, added_at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (affiliate_id, kind, value) DO NOTHING",
        )?
        .execute(params![affiliate_id, kind, value, origin, origin_ref, hint, now_ms])?
        > 0)
}

/// An affiliate's identifiers: IPs, then email hashes, instruments and devices, oldest first; the profile's contact
/// email hash among them when no row holds it.
pub fn list(conn: &Connection, affiliate_id: i64) -> rusqlite::Result<Vec<AffiliateIdentifier>> {
    let mut out: Vec<AffiliateIdentifier> = conn
        .prepare_cached(
            "SELECT kind, value, hint, origin, origin_ref, added_at_ms FROM affiliate_identifiers
              WHERE affiliate_id = ?1
              ORDER BY CASE kind WHEN 'ip' THEN 0 WHEN 'email_hash' THEN 1 WHEN 'payment_hash' THEN 2 ELSE 3 END,
                       added_at_ms, value",
        )?
        .query_map([affiliate_id], |r| {
            Ok(AffiliateIdentifier {
                kind: r.get(0)?,
                value: r.get(1)?,
                hint: r.get(2)?,
                origin: r.get(3)?,
                origin_ref: r.get(4)?,
                added_at_ms: r.get(5)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    let profile: Option<String> = conn
        .prepare_cached("SELECT email_hash FROM affiliates WHERE id = ?1 AND email_hash IS NOT NULL AND email_hash <> ''")?
        .query_row([affiliate_id], |r| r.get(0))
        .optional()?;
    if let Some(h) = profile {
        if !out.iter().any(|i| i.kind == "email_hash" && i.value == h) {
            let at = out.iter().position(|i| i.kind != "ip").unwrap_or(out.len());
            out.insert(
                at,
                AffiliateIdentifier {
                    kind: "email_hash".into(),
                    value: h,
                    hint: String::new(),
                    origin: "profile".into(),
                    origin_ref: String::new(),
                    added_at_ms: 0,
                },
            );
        }
    }
    Ok(out)
}

fn affiliate_id(
    conn: &Connection,
    program_id: i64,
    external_id: &str,
) -> Result<i64, AttributionError> {
    conn.query_row(
        "SELECT id FROM affiliates WHERE program_id = ?1 AND external_id = ?2",
        params![program_id, external_id],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| {
        AttributionError::NotFound(format!("no affiliate {external_id} in this program"))
    })
}

fn refusal(kind: &str, why: Ignored) -> String {
    match (kind, why) {
        ("ip", Ignored::PrivateIp) => "is a private or reserved address: players are never seen coming from it, so it would match nothing".into(),
        ("ip", _) => "is not an IP address (one address, e.g. 85.12.0.7 or 2a00:1450::1)".into(),
        ("email_hash", Ignored::Placeholder) => "is a placeholder address, not the affiliate's own".into(),
        ("email_hash", _) => "is not an email address".into(),
        (_, _) => "is a placeholder (unknown, null, all zeros…), not an identifier".into(),
    }
}

/// The stored value and hint of what a person typed, or why it cannot be one.
pub fn read_value(kind: &str, value: &str) -> Result<(String, String), String> {
    let got = match kind {
        "ip" => clean::address(value).map(|v| v.map(|ip| (ip.clone(), ip))),
        // A hash typed as such (64 hex digits) is taken as one: files and trackers deliver hashes only.
        "email_hash" if is_sha256_hex(value) => {
            Ok(Some((value.trim().to_ascii_lowercase(), String::new())))
        }
        "email_hash" => clean::email(value),
        "payment_hash" => clean::payment(value),
        _ => clean::device_id(value).map(|v| v.map(|d| (d.clone(), d))),
    };
    match got {
        Ok(Some(v)) => Ok(v),
        Ok(None) => Err("is empty".into()),
        Err(why) => Err(refusal(kind, why)),
    }
}

fn is_sha256_hex(v: &str) -> bool {
    let t = v.trim();
    t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Adds an identifier to an affiliate of the program, as `user` at `now_ms`; refused (naming why) when the value
/// cannot be one or the affiliate already has it.
pub fn add(
    tx: &Transaction<'_>,
    program_id: i64,
    affiliate: &str,
    kind_input: &str,
    value: &str,
    user: &str,
    now_ms: i64,
) -> Result<AffiliateIdentifier, AttributionError> {
    let kind = kind_of(kind_input).ok_or_else(|| {
        AttributionError::Invalid(format!(
            "Kind: '{kind_input}' is not a kind of identifier (ip, email, payout_instrument or device_id)"
        ))
    })?;
    let id = affiliate_id(tx, program_id, affiliate.trim())?;
    let (stored, hint) = read_value(kind, value)
        .map_err(|why| AttributionError::Invalid(format!("Value: '{}' {why}", value.trim())))?;
    let profile: Option<String> = tx
        .query_row(
            "SELECT email_hash FROM affiliates WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    if (kind == "email_hash" && profile.as_deref() == Some(stored.as_str()))
        || !insert(tx, id, kind, &stored, &hint, ("user", user), now_ms)?
    {
        return Err(AttributionError::Invalid(format!(
            "Value: affiliate {} already has this {}",
            affiliate.trim(),
            label(kind)
        )));
    }
    Ok(AffiliateIdentifier {
        kind: kind.into(),
        value: stored,
        hint,
        origin: "user".into(),
        origin_ref: user.into(),
        added_at_ms: now_ms,
    })
}

/// As people name a kind.
pub fn label(kind: &str) -> &'static str {
    match kind {
        "ip" => "office IP",
        "email_hash" => "email",
        "payment_hash" => "payout instrument",
        _ => "device id",
    }
}

/// Removes an identifier: `value` as listed (the stored value), or as typed (an address or IBAN is read the same
/// way as when it was added). The profile's contact email hash is cleared from the profile. Returns what was
/// removed.
pub fn remove(
    tx: &Transaction<'_>,
    program_id: i64,
    affiliate: &str,
    kind_input: &str,
    value: &str,
) -> Result<AffiliateIdentifier, AttributionError> {
    let kind = kind_of(kind_input).ok_or_else(|| {
        AttributionError::Invalid(format!(
            "Kind: '{kind_input}' is not a kind of identifier (ip, email, payout_instrument or device_id)"
        ))
    })?;
    let id = affiliate_id(tx, program_id, affiliate.trim())?;
    let listed = list(tx, id)?;
    let typed = read_value(kind, value).ok().map(|(v, _)| v);
    let found = listed
        .into_iter()
        .find(|i| i.kind == kind && (i.value == value.trim() || Some(&i.value) == typed.as_ref()))
        .ok_or_else(|| {
            AttributionError::NotFound(format!(
                "affiliate {} has no {} '{}'",
                affiliate.trim(),
                label(kind),
                value.trim()
            ))
        })?;
    tx.execute(
        "DELETE FROM affiliate_identifiers WHERE affiliate_id = ?1 AND kind = ?2 AND value = ?3",
        params![id, kind, found.value],
    )?;
    if kind == "email_hash" {
        tx.execute(
            "UPDATE affiliates SET email_hash = NULL WHERE id = ?1 AND email_hash = ?2",
            params![id, found.value],
        )?;
    }
    Ok(found)
}
