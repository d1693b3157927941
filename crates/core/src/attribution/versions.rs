//! Stored rule versions (`attribution_rule_versions`): effective-dated per program. A version applies to players
//! who registered on or after its `effective_from` day; for one day only the newest version counts (a
//! correction); players registered before every version use the built-in default. Saving validates the body,
//! stores it and records it in the audit log with the version it follows.

use rusqlite::{params, Connection, Transaction};
use serde_json::Value;

use super::rules::{default_rules, validate, validate_day, RuleVersion};
use crate::attribution::types::{
    AttributionRules, AttributionRulesView, RuleVersionView, SaveRulesResult,
};
use crate::store::{Store, StoreResult};

fn parse_stored(id: i64, body: &str) -> StoreResult<AttributionRules> {
    let value: Value = serde_json::from_str(body).map_err(|e| {
        crate::store::StoreError::Invalid(format!("attribution rule version {id}: {e}"))
    })?;
    validate(&value).map_err(|errs| {
        let text: Vec<String> = errs
            .iter()
            .map(|e| format!("{} {}", e.field, e.message))
            .collect();
        crate::store::StoreError::Invalid(format!(
            "attribution rule version {id} is invalid: {}",
            text.join("; ")
        ))
    })
}

/// Every stored version of a program, oldest effective day first (ties: older id first), as views.
pub fn versions(conn: &Connection, program_id: i64) -> StoreResult<Vec<RuleVersionView>> {
    let mut stmt = conn.prepare(
        "SELECT id, effective_from, body_json, created_by, created_at_ms FROM attribution_rule_versions
          WHERE program_id = ?1 ORDER BY effective_from, id",
    )?;
    let rows = stmt
        .query_map([program_id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|(id, from, body, by, at)| {
            Ok(RuleVersionView {
                id: Some(id),
                effective_from: Some(from),
                created_by: by,
                created_at_ms: Some(at),
                rules: parse_stored(id, &body)?,
            })
        })
        .collect()
}

/// The versions in force, ordered by effective day; for each day only the newest version counts.
pub fn timeline(conn: &Connection, program_id: i64) -> StoreResult<Vec<RuleVersion>> {
    let mut out: Vec<RuleVersion> = Vec::new();
    for v in versions(conn, program_id)? {
        let version = RuleVersion {
            id: v.id,
            effective_from: v.effective_from,
            rules: v.rules,
        };
        match out.last_mut() {
            Some(last) if last.effective_from == version.effective_from => *last = version,
            _ => out.push(version),
        }
    }
    Ok(out)
}

/// The version that applies to a player registered on `day` (program zone).
pub fn for_day<'a>(
    timeline: &'a [RuleVersion],
    day: &str,
    builtin: &'a RuleVersion,
) -> &'a RuleVersion {
    timeline
        .iter()
        .rev()
        .find(|v| v.effective_from.as_deref().is_some_and(|from| from <= day))
        .unwrap_or(builtin)
}

/// Stores a validated version and records it in the audit log. Returns its id.
pub fn save(
    tx: &Transaction<'_>,
    program_id: i64,
    effective_from: &str,
    rules: &AttributionRules,
    created_by: &str,
    now_ms: i64,
) -> StoreResult<i64> {
    let body = serde_json::to_string(rules).expect("rules serialize");
    tx.execute(
        "INSERT INTO attribution_rule_versions (program_id, effective_from, body_json, created_by, created_at_ms)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![program_id, effective_from, body, created_by, now_ms],
    )?;
    Ok(tx.last_insert_rowid())
}

/// The rules of a program: the version for new registrations (the latest by effective day) and all versions.
pub fn view(conn: &Connection, program_id: i64) -> StoreResult<AttributionRulesView> {
    let program: String = conn.query_row(
        "SELECT name FROM programs WHERE id = ?1",
        [program_id],
        |r| r.get(0),
    )?;
    let mut versions = versions(conn, program_id)?;
    versions.reverse();
    let current = versions
        .first()
        .cloned()
        .unwrap_or_else(|| RuleVersionView {
            id: None,
            effective_from: None,
            created_by: "built-in default".to_owned(),
            created_at_ms: None,
            rules: default_rules(),
        });
    Ok(AttributionRulesView {
        program,
        current,
        versions,
    })
}

/// Validates and saves a rule version (from a file or the UI's form) with its one audit entry; field errors come
/// back in the result and nothing is stored. The rules are checked as the JSON body they serialize to, so a typed
/// request and a hand-written file meet the same checks.
pub fn save_rules(
    store: &Store,
    program_id: i64,
    effective_from: &str,
    rules: &AttributionRules,
    stamp: &crate::audit::Stamp,
) -> StoreResult<SaveRulesResult> {
    let body = serde_json::to_value(rules).unwrap_or(Value::Null);
    let mut errors = Vec::new();
    if let Err(e) = validate_day(effective_from) {
        errors.push(e);
    }
    let rules = match validate(&body) {
        Ok(r) => Some(r),
        Err(mut e) => {
            errors.append(&mut e);
            None
        }
    };
    let Some(rules) = rules.filter(|_| errors.is_empty()) else {
        return Ok(SaveRulesResult {
            saved: None,
            errors,
        });
    };
    let id = store.write(|tx| {
        let id = save(
            tx,
            program_id,
            effective_from,
            &rules,
            &stamp.actor,
            stamp.at_ms,
        )?;
        stamp.record(
            tx,
            "attribution_rules",
            &id.to_string(),
            &serde_json::json!({"effective_from": effective_from, "rules": body}),
        )?;
        Ok::<_, crate::store::StoreError>(id)
    })?;
    let saved = store.read::<_, crate::store::StoreError>(|conn| {
        Ok(versions(conn, program_id)?
            .into_iter()
            .find(|v| v.id == Some(id)))
    })?;
    Ok(SaveRulesResult {
        saved,
        errors: Vec::new(),
    })
}
