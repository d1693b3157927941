//! Who may post: the IP allow-list, the per-source token, and the optional HMAC-SHA256 signature.
//!
//! Signature scheme (Stripe-like): header `X-Affops-Signature: t=<unix seconds>,v1=<64 hex>` where `v1` is
//! HMAC-SHA256(secret, "<t>.<path>?<raw query>") for GET and HMAC-SHA256(secret, "<t>.<raw body>") for POST, over
//! the bytes exactly as sent (a re-serialized body or re-encoded query fails). `t` must be within
//! [`super::SIGNATURE_WINDOW_SECS`] of the listener's clock either way. During a rotation both the current and the
//! previous secret verify; every comparison is constant-time (`Mac::verify_slice`, `subtle`).

use super::{Rejection, SIGNATURE_WINDOW_SECS};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::net::IpAddr;
use subtle::ConstantTimeEq;

type HmacSha256 = Hmac<Sha256>;

/// An allow-list entry: one address or a CIDR block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpRule {
    net: IpAddr,
    prefix: u8,
}

impl IpRule {
    /// Parses `203.0.113.7`, `203.0.113.0/24` or `2001:db8::/32`. IPv4-mapped IPv6 peers match IPv4 rules.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let (addr, prefix) = text.split_once('/').unwrap_or((text, ""));
        let net: IpAddr = addr
            .parse()
            .map_err(|_| format!("'{text}' is not an IP address or CIDR block"))?;
        let max = if net.is_ipv4() { 32 } else { 128 };
        let prefix = if prefix.is_empty() {
            max
        } else {
            prefix
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("'{text}' has a bad prefix length"))?
        };
        Ok(Self { net, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
            v4 => v4,
        };
        let (a, b, bits) = match (self.net, ip) {
            (IpAddr::V4(n), IpAddr::V4(i)) => {
                (u128::from(u32::from(n)), u128::from(u32::from(i)), 32)
            }
            (IpAddr::V6(n), IpAddr::V6(i)) => (u128::from(n), u128::from(i), 128),
            _ => return false,
        };
        let shift = bits - u32::from(self.prefix);
        if shift >= 128 {
            return true;
        }
        (a >> shift) == (b >> shift)
    }
}

impl std::fmt::Display for IpRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let full = if self.net.is_ipv4() { 32 } else { 128 };
        if self.prefix == full {
            write!(f, "{}", self.net)
        } else {
            write!(f, "{}/{}", self.net, self.prefix)
        }
    }
}

/// Step 1: an empty list denies everyone; only an explicit `allow_any_ip` opens the source.
pub fn check_ip(rules: &[IpRule], allow_any_ip: bool, peer: IpAddr) -> Result<(), Rejection> {
    if allow_any_ip || rules.iter().any(|r| r.contains(peer)) {
        return Ok(());
    }
    Err(Rejection::forbidden(if rules.is_empty() {
        format!("IP {peer} denied: the allow-list is empty (open it explicitly with allow_any_ip)")
    } else {
        format!("IP {peer} is not in the allow-list")
    }))
}

/// Step 2: the token, compared as SHA-256 digests in constant time so neither content nor length leaks.
pub fn check_token(expected: Option<&str>, presented: Option<&str>) -> Result<(), Rejection> {
    let Some(expected) = expected else {
        return Ok(());
    };
    let Some(presented) = presented else {
        return Err(Rejection::unauthorized("missing token"));
    };
    let a = Sha256::digest(expected.as_bytes());
    let b = Sha256::digest(presented.as_bytes());
    if bool::from(a.ct_eq(&b)) {
        Ok(())
    } else {
        Err(Rejection::unauthorized("wrong token"))
    }
}

/// A parsed `X-Affops-Signature` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureHeader {
    pub t_secs: i64,
    pub v1: Vec<u8>,
}

/// Parses `t=<secs>,v1=<hex>`; anything else (base64, a missing part, extra parts) is malformed.
pub fn parse_signature(header: &str) -> Result<SignatureHeader, Rejection> {
    let malformed = |why: &str| Rejection::unauthorized(format!("malformed signature: {why}"));
    let (mut t, mut v1) = (None, None);
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) if t.is_none() => t = Some(v),
            Some(("v1", v)) if v1.is_none() => v1 = Some(v),
            _ => return Err(malformed("expected t=<unix seconds>,v1=<hex>")),
        }
    }
    let t_secs = t
        .filter(|t| !t.is_empty() && t.len() <= 12 && t.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|t| t.parse::<i64>().ok())
        .ok_or_else(|| malformed("t is not Unix seconds"))?;
    let v1 = v1.ok_or_else(|| malformed("v1 is missing"))?;
    if v1.len() != 64 || !v1.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(malformed("v1 must be 64 hex digits"));
    }
    let v1 = hex::decode(v1).map_err(|_| malformed("v1 is not hex"))?;
    Ok(SignatureHeader { t_secs, v1 })
}

/// What the signature covers: `"<t>.<signed>"`, where `signed` is `<path>?<raw query>` or the raw body.
pub fn signing_input(t_secs: i64, signed: &[u8]) -> Vec<u8> {
    let mut v = format!("{t_secs}.").into_bytes();
    v.extend_from_slice(signed);
    v
}

/// Hex HMAC-SHA256 of `"<t>.<signed>"`: what a sender puts in `v1` (tests, the benchmark, the sandbox).
pub fn sign(secret: &str, t_secs: i64, signed: &[u8]) -> String {
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(&signing_input(t_secs, signed));
    hex::encode(mac.finalize().into_bytes())
}

/// Step 3: verifies the header against the current and previous secrets. Both are always tried, so the time
/// taken does not reveal which one matched.
pub fn check_signature(
    header: Option<&str>,
    signed: &[u8],
    now_ms: i64,
    secrets: [Option<&str>; 2],
) -> Result<(), Rejection> {
    let header = header.ok_or_else(|| Rejection::unauthorized("missing signature"))?;
    let sig = parse_signature(header)?;
    let skew = now_ms.div_euclid(1000) - sig.t_secs;
    if skew > SIGNATURE_WINDOW_SECS {
        return Err(Rejection::unauthorized(format!(
            "signature timestamp is {skew} s old (limit {SIGNATURE_WINDOW_SECS} s)"
        )));
    }
    if -skew > SIGNATURE_WINDOW_SECS {
        return Err(Rejection::unauthorized(format!(
            "signature timestamp is {} s in the future (limit {SIGNATURE_WINDOW_SECS} s)",
            -skew
        )));
    }
    let input = signing_input(sig.t_secs, signed);
    let mut ok = false;
    for secret in secrets.into_iter().flatten() {
        let mut mac =
            HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
        mac.update(&input);
        ok |= mac.verify_slice(&sig.v1).is_ok();
    }
    if ok {
        Ok(())
    } else {
        Err(Rejection::unauthorized("signature does not match"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_and_exact_rules() {
        let r = IpRule::parse("203.0.113.0/24").unwrap();
        assert!(r.contains("203.0.113.9".parse().unwrap()));
        assert!(!r.contains("203.0.114.9".parse().unwrap()));
        assert!(
            r.contains("::ffff:203.0.113.9".parse().unwrap()),
            "IPv4-mapped peers match"
        );
        assert!(IpRule::parse("0.0.0.0/0")
            .unwrap()
            .contains("8.8.8.8".parse().unwrap()));
        assert!(IpRule::parse("::1")
            .unwrap()
            .contains("::1".parse().unwrap()));
        assert!(IpRule::parse("1.2.3.4/33").is_err());
        assert!(IpRule::parse("example.com").is_err());
        assert_eq!(
            IpRule::parse(" 10.0.0.0/8 ").unwrap().to_string(),
            "10.0.0.0/8"
        );
    }

    #[test]
    fn signature_header_is_strict() {
        let hex = "ab".repeat(32);
        assert!(parse_signature(&format!("t=1700000000,v1={hex}")).is_ok());
        let b64 = "q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s=";
        assert!(parse_signature(&format!("t=1700000000,v1={b64}"))
            .unwrap_err()
            .reason
            .contains("hex"));
        assert!(parse_signature(&format!("v1={hex}")).is_err());
        assert!(parse_signature(&format!("t=-5,v1={hex}")).is_err());
        assert!(parse_signature(&format!("t=1,v1={hex},v1={hex}")).is_err());
    }
}
