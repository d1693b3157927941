//! The allow-list: what an analyst has established is legit, so the rules stop reading it as a signal — "this IP
//! range is a carrier NAT", "this sub-ID is push traffic". An entry is usually made from a dismissed flag (it names
//! the flag), applies to one rule or to every rule that reads its kind, and is append-only: revoking is a new row.
//! Adding and revoking go through the front door (one audit entry each), and a change makes the next detection run
//! re-judge everything (the tables are watched), so flags the entry explains are superseded with the reason.
//!
//! Kinds and the rules that honour them:
//! - `ip_range` (a CIDR block or one address): click flooding (bursts from that IP), multi-accounting and
//!   self-referral (an IP in the range links nobody), geo mismatch (the IP's country is not evidence).
//! - `sub_id` (`<affiliate tracker id>|<sub1>`): click flooding (no burst on it is a flood) and click injection
//!   (its fast sign-ups are no spike: a one-click sign-up flow).

use std::net::IpAddr;
use std::str::FromStr;

use ipnet::IpNet;
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::DetectError;
use crate::audit::Stamp;
use crate::detect::types::{AllowEntry, AllowEntryInput};
use crate::store::StoreResult;

/// The allow-list's kinds, their labels, and the rules that honour each: the one table the validation below and
/// the app's form (generated into `ui/src/lib/bindings.ts` as `ALLOW_KINDS`) read.
pub const KINDS: &[(&str, &str, &[&str])] = &[
    (
        "ip_range",
        "IP range",
        &[
            "click_flooding",
            "multi_accounting",
            "self_referral",
            "geo_mismatch",
        ],
    ),
    ("sub_id", "Sub-ID", &["click_flooding", "click_injection"]),
];

/// `KINDS` as a TypeScript constant, for the bindings.
pub fn kinds_typescript() -> String {
    let kinds: Vec<serde_json::Value> = KINDS
        .iter()
        .map(|(kind, label, rules)| serde_json::json!({"kind": kind, "label": label, "rules": rules}))
        .collect();
    format!(
        "const ALLOW_KINDS = {} as const;",
        serde_json::to_string(&kinds).unwrap_or_else(|_| "[]".into())
    )
}

/// The narrowest blocks the allow-list accepts: a wider one would switch a rule off for a large part of the
/// internet.
pub const MIN_PREFIX_V4: u8 = 12;
pub const MIN_PREFIX_V6: u8 = 32;

/// A program's active entries, as the rules read them.
#[derive(Debug, Clone, Default)]
pub struct Allowlist {
    ranges: Vec<(String, IpNet)>,
    sub_ids: Vec<(String, String, String)>,
}

impl Allowlist {
    pub fn load(conn: &Connection, program_id: i64) -> rusqlite::Result<Self> {
        let mut out = Self::default();
        let mut stmt = conn.prepare(
            "SELECT e.kind, e.value, e.rule FROM detect_allowlist e
             WHERE e.program_id = ?1 AND NOT EXISTS (SELECT 1 FROM detect_allowlist_revocations r WHERE r.entry_id = e.id)",
        )?;
        let rows = stmt.query_map([program_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        for row in rows {
            let (kind, value, rule) = row?;
            match kind.as_str() {
                "ip_range" => {
                    if let Ok(net) = parse_range(&value) {
                        out.ranges.push((rule, net));
                    }
                }
                "sub_id" => {
                    if let Some((aff, sub1)) = value.split_once('|') {
                        out.sub_ids.push((rule, aff.to_string(), sub1.to_string()));
                    }
                }
                _ => {}
            }
        }
        Ok(out)
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty() && self.sub_ids.is_empty()
    }

    /// Whether `ip` is in a range allow-listed for `rule` (or for every rule). An unparseable IP is not.
    pub fn allows_ip(&self, rule: &str, ip: &str) -> bool {
        let Ok(addr) = IpAddr::from_str(ip.trim()) else {
            return false;
        };
        self.ranges
            .iter()
            .any(|(r, net)| (r.is_empty() || r == rule) && net.contains(&addr))
    }

    /// Whether the affiliate's (tracker id) sub-ID is allow-listed for `rule` (or for every rule).
    pub fn allows_sub_id(&self, rule: &str, affiliate: &str, sub1: &str) -> bool {
        self.sub_ids
            .iter()
            .any(|(r, a, s)| (r.is_empty() || r == rule) && a == affiliate && s == sub1)
    }
}

/// A CIDR block or one address (as a /32 or /128), within the accepted width.
pub fn parse_range(value: &str) -> Result<IpNet, String> {
    let v = value.trim();
    let net = match IpNet::from_str(v) {
        Ok(n) => n,
        Err(_) => match IpAddr::from_str(v) {
            Ok(a) => IpNet::from(a),
            Err(_) => {
                return Err(format!(
                    "'{v}' is not an IP range: write a CIDR block (100.64.0.0/10) or one address"
                ))
            }
        },
    };
    let (prefix, min) = match net {
        IpNet::V4(n) => (n.prefix_len(), MIN_PREFIX_V4),
        IpNet::V6(n) => (n.prefix_len(), MIN_PREFIX_V6),
    };
    if prefix < min {
        return Err(format!(
            "'{v}' is too wide (/{prefix}): the allow-list takes blocks of /{min} or narrower, so one entry cannot switch a rule off for a large part of the internet"
        ));
    }
    Ok(net.trunc())
}

/// Checks an entry before it is stored: its kind, a value that parses, a rule that exists and reads the kind, a
/// reason. Returns the value as stored (a range in its canonical form).
fn validate(input: &AllowEntryInput) -> Result<String, DetectError> {
    if input.reason.trim().is_empty() {
        return Err(DetectError::Invalid(
            "an allow-list entry needs a reason (e.g. 'carrier NAT of Vodafone DE, checked with the operator')".into(),
        ));
    }
    let rule = input.rule.trim();
    let Some(&(_, _, honoured_by)) = KINDS.iter().find(|(k, _, _)| *k == input.kind) else {
        return Err(DetectError::Invalid(format!(
            "kind must be ip_range or sub_id, got '{}'",
            input.kind
        )));
    };
    if !rule.is_empty() && !honoured_by.contains(&rule) {
        super::rule(rule)?;
        return Err(DetectError::Invalid(format!(
            "rule {rule} does not read {}: it honours no such entry (rules that do: {})",
            input.kind,
            honoured_by.join(", ")
        )));
    }
    match input.kind.as_str() {
        "ip_range" => parse_range(&input.value)
            .map(|n| n.to_string())
            .map_err(DetectError::Invalid),
        _ => {
            let (aff, sub1) = input.value.split_once('|').unwrap_or(("", ""));
            if aff.trim().is_empty() || sub1.trim().is_empty() {
                return Err(DetectError::Invalid(format!(
                    "a sub_id entry is '<affiliate id>|<sub1>', got '{}'",
                    input.value
                )));
            }
            Ok(format!("{}|{}", aff.trim(), sub1.trim()))
        }
    }
}

/// Adds an entry to the program's allow-list (in the caller's transaction, which records the audit entry).
pub fn add(
    tx: &Transaction<'_>,
    program_id: i64,
    input: &AllowEntryInput,
    stamp: &Stamp,
) -> Result<AllowEntry, DetectError> {
    let value = validate(input)?;
    if let Some(flag) = input.flag_id {
        let found: Option<i64> = tx
            .query_row(
                "SELECT id FROM flags WHERE id = ?1 AND program_id = ?2",
                params![flag, program_id],
                |r| r.get(0),
            )
            .optional()?;
        found.ok_or_else(|| DetectError::NotFound(format!("no flag {flag} in this program")))?;
    }
    let duplicate: Option<i64> = tx
        .query_row(
            "SELECT e.id FROM detect_allowlist e WHERE e.program_id = ?1 AND e.kind = ?2 AND e.value = ?3 AND e.rule = ?4
               AND NOT EXISTS (SELECT 1 FROM detect_allowlist_revocations r WHERE r.entry_id = e.id)",
            params![program_id, input.kind, value, input.rule.trim()],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(id) = duplicate {
        return Err(DetectError::Invalid(format!(
            "{} {value} is already allow-listed (entry {id})",
            input.kind
        )));
    }
    tx.execute(
        "INSERT INTO detect_allowlist (program_id, kind, value, rule, reason, flag_id, created_by, created_at_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            program_id,
            input.kind,
            value,
            input.rule.trim(),
            input.reason.trim(),
            input.flag_id,
            stamp.actor,
            stamp.at_ms
        ],
    )?;
    let id = tx.last_insert_rowid();
    entry(tx, program_id, id)?
        .ok_or_else(|| DetectError::NotFound(format!("allow-list entry {id} vanished")))
}

/// Revokes an entry (a new row; the entry stays listed, revoked, with who and why).
pub fn revoke(
    tx: &Transaction<'_>,
    program_id: i64,
    id: i64,
    reason: &str,
    stamp: &Stamp,
) -> Result<AllowEntry, DetectError> {
    let e = entry(tx, program_id, id)?.ok_or_else(|| {
        DetectError::NotFound(format!("no allow-list entry {id} in this program"))
    })?;
    if e.revoked_at_ms.is_some() {
        return Err(DetectError::Invalid(format!(
            "allow-list entry {id} is already revoked"
        )));
    }
    if reason.trim().is_empty() {
        return Err(DetectError::Invalid(
            "revoking an allow-list entry needs a reason".into(),
        ));
    }
    tx.execute(
        "INSERT INTO detect_allowlist_revocations (entry_id, reason, revoked_by, at_ms) VALUES (?1, ?2, ?3, ?4)",
        params![id, reason.trim(), stamp.actor, stamp.at_ms],
    )?;
    entry(tx, program_id, id)?
        .ok_or_else(|| DetectError::NotFound(format!("no allow-list entry {id} in this program")))
}

const ENTRY_SQL: &str =
    "SELECT e.id, e.kind, e.value, e.rule, e.reason, e.flag_id, e.created_by, e.created_at_ms,
        r.revoked_by, r.at_ms, r.reason
   FROM detect_allowlist e LEFT JOIN detect_allowlist_revocations r ON r.entry_id = e.id
  WHERE e.program_id = ?1";

fn entry_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<AllowEntry> {
    Ok(AllowEntry {
        id: r.get(0)?,
        kind: r.get(1)?,
        value: r.get(2)?,
        rule: r.get(3)?,
        reason: r.get(4)?,
        flag_id: r.get(5)?,
        created_by: r.get(6)?,
        created_at_ms: r.get(7)?,
        revoked_by: r.get(8)?,
        revoked_at_ms: r.get(9)?,
        revoke_reason: r.get(10)?,
    })
}

fn entry(conn: &Connection, program_id: i64, id: i64) -> StoreResult<Option<AllowEntry>> {
    Ok(conn
        .query_row(
            &format!("{ENTRY_SQL} AND e.id = ?2"),
            params![program_id, id],
            entry_of,
        )
        .optional()?)
}

/// Every entry of the program, active first, newest first.
pub fn list(conn: &Connection, program_id: i64) -> StoreResult<Vec<AllowEntry>> {
    let mut stmt = conn.prepare(&format!(
        "{ENTRY_SQL} ORDER BY r.at_ms IS NOT NULL, e.id DESC"
    ))?;
    let rows = stmt.query_map([program_id], entry_of)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_parse_canonically_and_refuse_what_is_too_wide() {
        assert_eq!(
            parse_range("100.64.200.7/18").unwrap().to_string(),
            "100.64.192.0/18"
        );
        assert_eq!(
            parse_range(" 10.1.2.3 ").unwrap().to_string(),
            "10.1.2.3/32"
        );
        assert_eq!(
            parse_range("2a00:1450::/32").unwrap().to_string(),
            "2a00:1450::/32"
        );
        assert!(parse_range("0.0.0.0/0").unwrap_err().contains("too wide"));
        assert!(parse_range("10.0.0.0/8")
            .unwrap_err()
            .contains("/12 or narrower"));
        assert!(parse_range("2a00::/16").unwrap_err().contains("too wide"));
        assert!(parse_range("carrier")
            .unwrap_err()
            .contains("not an IP range"));
        assert!(parse_range("1.2.3.4/33").is_err());
    }

    #[test]
    fn entries_apply_to_their_rule_or_to_every_rule() {
        let list = Allowlist {
            ranges: vec![
                (String::new(), parse_range("100.64.0.0/16").unwrap()),
                ("geo_mismatch".into(), parse_range("5.6.7.0/24").unwrap()),
            ],
            sub_ids: vec![("click_flooding".into(), "7".into(), "push".into())],
        };
        assert!(list.allows_ip("click_flooding", "100.64.200.1"));
        assert!(!list.allows_ip("click_flooding", "100.65.0.1"));
        assert!(list.allows_ip("geo_mismatch", "5.6.7.8"));
        assert!(!list.allows_ip("multi_accounting", "5.6.7.8"));
        assert!(!list.allows_ip("click_flooding", "not an ip"));
        assert!(list.allows_sub_id("click_flooding", "7", "push"));
        assert!(!list.allows_sub_id("abnormal_cr", "7", "push"));
        assert!(!list.allows_sub_id("click_flooding", "8", "push"));
    }
}
