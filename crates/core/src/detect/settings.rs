//! Per-program rule thresholds: every rule declares its keys with a default, a range and the reason for the
//! range; [`validate`] checks a change against them with a message naming the setting; [`save`] appends a new
//! version (never edits one) and writes the audit log; [`current`] reads the version in force.

use std::collections::BTreeMap;

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::DetectError;
use crate::store::StoreResult;

/// One tunable of a rule.
#[derive(Debug, Clone, Copy)]
pub struct Setting {
    pub key: &'static str,
    pub default: i64,
    pub min: i64,
    pub max: i64,
    /// What the number means and why the range is what it is, shown in validation messages.
    pub meaning: &'static str,
}

/// The values in force for one rule: every declared key is present.
pub type Values = BTreeMap<String, i64>;

/// Settings of one rule, with the version they came from (0 = the built-in defaults).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effective {
    pub version: i64,
    pub values: Values,
}

impl Effective {
    /// The value of `key`; keys are validated against the rule's declaration, so a missing one is a bug of the
    /// rule and falls back to 0 (which every range check then makes visible in the evidence).
    pub fn get(&self, key: &str) -> i64 {
        self.values.get(key).copied().unwrap_or(0)
    }
}

pub fn defaults(decl: &[Setting]) -> Values {
    decl.iter()
        .map(|s| (s.key.to_string(), s.default))
        .collect()
}

/// Checks `changes` against the declaration of `rule` and returns the full set after applying them to `base`.
pub fn validate(
    rule: &str,
    decl: &[Setting],
    base: &Values,
    changes: &[(String, i64)],
) -> Result<Values, DetectError> {
    let mut out = base.clone();
    for s in decl {
        out.entry(s.key.to_string()).or_insert(s.default);
    }
    for (key, value) in changes {
        let Some(s) = decl.iter().find(|s| s.key == key) else {
            let known: Vec<&str> = decl.iter().map(|s| s.key).collect();
            return Err(DetectError::InvalidSetting(format!(
                "rule {rule} has no setting '{key}' (known: {})",
                known.join(", ")
            )));
        };
        if *value < s.min || *value > s.max {
            return Err(DetectError::InvalidSetting(format!(
                "setting '{key}' of rule {rule} must be between {} and {}, got {value}: {}",
                s.min, s.max, s.meaning
            )));
        }
        out.insert(key.clone(), *value);
    }
    Ok(out)
}

/// Parses `key=value` pairs as the CLI and the UI send them.
pub fn parse_pairs(pairs: &[String]) -> Result<Vec<(String, i64)>, DetectError> {
    pairs
        .iter()
        .map(|p| {
            let (k, v) = p
                .split_once('=')
                .ok_or_else(|| DetectError::InvalidSetting(format!("'{p}' is not key=value")))?;
            let value = v.trim().parse::<i64>().map_err(|_| {
                DetectError::InvalidSetting(format!(
                    "setting '{}' must be a whole number, got '{}'",
                    k.trim(),
                    v.trim()
                ))
            })?;
            Ok((k.trim().to_string(), value))
        })
        .collect()
}

/// The settings in force for `rule` in `program_id`.
pub fn current(
    conn: &Connection,
    program_id: i64,
    rule: &str,
    decl: &[Setting],
) -> StoreResult<Effective> {
    let row: Option<(i64, String)> = conn
        .query_row(
            "SELECT version, settings_json FROM rule_settings WHERE program_id = ?1 AND rule = ?2
             ORDER BY version DESC LIMIT 1",
            params![program_id, rule],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let mut values = defaults(decl);
    let version = match row {
        Some((version, json)) => {
            let stored: Values = serde_json::from_str(&json).unwrap_or_default();
            for (k, v) in stored {
                if values.contains_key(&k) {
                    values.insert(k, v);
                }
            }
            version
        }
        None => 0,
    };
    Ok(Effective { version, values })
}

/// Appends a new version of `rule`'s settings, naming who set it.
pub fn save(
    tx: &Transaction<'_>,
    program_id: i64,
    rule: &str,
    values: &Values,
    user: &str,
    at_ms: i64,
) -> StoreResult<i64> {
    let version: i64 = tx.query_row(
        "SELECT COALESCE(MAX(version), 0) + 1 FROM rule_settings WHERE program_id = ?1 AND rule = ?2",
        params![program_id, rule],
        |r| r.get(0),
    )?;
    let json = serde_json::to_string(values).unwrap_or_else(|_| "{}".into());
    tx.execute(
        "INSERT INTO rule_settings (program_id, rule, version, settings_json, set_by, set_at_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![program_id, rule, version, json, user, at_ms],
    )?;
    Ok(version)
}
