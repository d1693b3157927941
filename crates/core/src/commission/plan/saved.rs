//! Saving plans into the store and reading them back. A saved version is immutable (triggers refuse UPDATE and
//! DELETE) and content-hashed; saving a file again is a no-op for the versions already saved and appends the
//! new ones. Validation runs first and nothing is written when it fails.

use super::validate::{validate, SymbolCatalog, ValidationError};
use super::{Plan, PlanVersion};
use crate::commission::rounding::RoundingMode;
use crate::commission::{CommissionError, CommissionResult};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use sha2::{Digest, Sha256};

/// A saved version as the store holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredVersion {
    pub id: i64,
    pub version_no: u32,
    pub effective_from: String,
    pub content_hash: String,
    pub version: PlanVersion,
}

/// A saved plan with its versions in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPlan {
    pub id: i64,
    pub program_id: i64,
    pub name: String,
    pub description: String,
    pub currency: String,
    pub rounding: RoundingMode,
    pub versions: Vec<StoredVersion>,
}

impl StoredPlan {
    /// The plan as a file would hold it.
    pub fn to_plan(&self) -> Plan {
        Plan {
            name: self.name.clone(),
            description: self.description.clone(),
            currency: self.currency.clone(),
            rounding: self.rounding,
            versions: self.versions.iter().map(|v| v.version.clone()).collect(),
        }
    }
}

/// What saving did: the plan id and, per version of the file, whether it was new.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaveOutcome {
    pub plan_id: i64,
    pub created_plan: bool,
    /// (version_no, effective_from, content_hash, newly saved)
    pub versions: Vec<(u32, String, String, bool)>,
}

pub fn canonical_json(v: &PlanVersion) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

pub fn content_hash(body: &str) -> String {
    hex::encode(Sha256::digest(body.as_bytes()))
}

/// The program's symbols and groups, to validate IB rates against.
pub fn catalog(conn: &Connection, program_id: i64) -> CommissionResult<SymbolCatalog> {
    let mut c = SymbolCatalog::default();
    let mut stmt =
        conn.prepare("SELECT symbol, symbol_group FROM symbols WHERE program_id = ?1")?;
    let rows = stmt.query_map([program_id], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    for row in rows {
        let (s, g) = row?;
        c.symbols.insert(s);
        if !g.is_empty() {
            c.groups.insert(g);
        }
    }
    Ok(c)
}

/// Validates and saves a plan file: creates the plan when new, appends versions it does not hold yet, and
/// refuses (saving nothing) a version that differs from a saved one with the same effective date, a version
/// dated on or before the last saved one, or a change of currency or rounding.
pub fn save_plan(
    tx: &Transaction<'_>,
    program_id: i64,
    plan: &Plan,
    now_ms: i64,
) -> CommissionResult<SaveOutcome> {
    let catalog = catalog(tx, program_id)?;
    validate(plan, &catalog).map_err(CommissionError::Invalid)?;
    let existing = load_plan(tx, program_id, &plan.name)?;
    let mut errors = Vec::new();
    if let Some(e) = &existing {
        if e.currency != plan.currency {
            errors.push(err(
                "currency",
                format!(
                    "differs from the saved plan's {}: a plan's currency is fixed",
                    e.currency
                ),
            ));
        }
        if e.rounding != plan.rounding {
            errors.push(err(
                "rounding",
                format!(
                    "differs from the saved plan's {}: a plan's rounding is fixed",
                    e.rounding.name()
                ),
            ));
        }
    }
    let saved: Vec<StoredVersion> = existing
        .as_ref()
        .map(|e| e.versions.clone())
        .unwrap_or_default();
    let last_saved = saved.last().map(|v| v.effective_from.clone());
    let mut plan_out = Vec::new();
    let mut to_insert = Vec::new();
    for (i, v) in plan.versions.iter().enumerate() {
        let body = canonical_json(v);
        let hash = content_hash(&body);
        if let Some(s) = saved.iter().find(|s| s.effective_from == v.effective_from) {
            if s.content_hash != hash {
                errors.push(err(&format!("versions[{i}]"), format!("differs from saved version {} (effective {}): saved versions are immutable, add a new version with a later effective_from", s.version_no, s.effective_from)));
            }
            plan_out.push((s.version_no, s.effective_from.clone(), hash, false));
        } else if last_saved
            .as_deref()
            .is_some_and(|l| v.effective_from.as_str() <= l)
        {
            errors.push(err(
                &format!("versions[{i}].effective_from"),
                format!(
                    "{} is not after the last saved version's {}",
                    v.effective_from,
                    last_saved.clone().unwrap_or_default()
                ),
            ));
        } else {
            to_insert.push((v, body, hash));
        }
    }
    if !errors.is_empty() {
        return Err(CommissionError::Invalid(errors));
    }
    let (plan_id, created_plan) = match &existing {
        Some(e) => (e.id, false),
        None => {
            tx.execute(
                "INSERT INTO plans (program_id, name, description, currency, rounding, created_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![program_id, plan.name, plan.description, plan.currency, plan.rounding.name(), now_ms],
            )?;
            (tx.last_insert_rowid(), true)
        }
    };
    let first_no = saved.len() as u32 + 1;
    for (next_no, (v, body, hash)) in (first_no..).zip(to_insert) {
        tx.execute(
            "INSERT INTO plan_versions (plan_id, version_no, effective_from, body_json, content_hash, created_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![plan_id, next_no, v.effective_from, body, hash, now_ms],
        )?;
        plan_out.push((next_no, v.effective_from.clone(), hash, true));
    }
    plan_out.sort_by_key(|v| v.0);
    Ok(SaveOutcome {
        plan_id,
        created_plan,
        versions: plan_out,
    })
}

fn err(path: &str, reason: String) -> ValidationError {
    ValidationError {
        path: path.to_string(),
        reason,
    }
}

fn parse_rounding(s: &str) -> RoundingMode {
    match s {
        "half_even" => RoundingMode::HalfEven,
        "down" => RoundingMode::Down,
        _ => RoundingMode::HalfUp,
    }
}

fn versions_of(conn: &Connection, plan_id: i64) -> CommissionResult<Vec<StoredVersion>> {
    let mut stmt = conn.prepare(
        "SELECT id, version_no, effective_from, body_json, content_hash FROM plan_versions WHERE plan_id = ?1 ORDER BY version_no",
    )?;
    let rows = stmt.query_map([plan_id], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, u32>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, version_no, effective_from, body, content_hash) = row?;
        let version: PlanVersion = serde_json::from_str(&body).map_err(|e| {
            CommissionError::BadInput(format!("saved plan version {id} cannot be read: {e}"))
        })?;
        out.push(StoredVersion {
            id,
            version_no,
            effective_from,
            content_hash,
            version,
        });
    }
    Ok(out)
}

fn plan_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, i64, String, String, String, String)> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
    ))
}

fn stored(
    conn: &Connection,
    row: (i64, i64, String, String, String, String),
) -> CommissionResult<StoredPlan> {
    let (id, program_id, name, description, currency, rounding) = row;
    Ok(StoredPlan {
        id,
        program_id,
        name,
        description,
        currency,
        rounding: parse_rounding(&rounding),
        versions: versions_of(conn, id)?,
    })
}

const PLAN_COLS: &str = "id, program_id, name, description, currency, rounding";

pub fn load_plan(
    conn: &Connection,
    program_id: i64,
    name: &str,
) -> CommissionResult<Option<StoredPlan>> {
    let row = conn
        .query_row(
            &format!("SELECT {PLAN_COLS} FROM plans WHERE program_id = ?1 AND name = ?2"),
            params![program_id, name],
            plan_row,
        )
        .optional()?;
    row.map(|r| stored(conn, r)).transpose()
}

pub fn load_plan_by_id(conn: &Connection, plan_id: i64) -> CommissionResult<StoredPlan> {
    let row = conn.query_row(
        &format!("SELECT {PLAN_COLS} FROM plans WHERE id = ?1"),
        [plan_id],
        plan_row,
    )?;
    stored(conn, row)
}

pub fn list_plans(conn: &Connection, program_id: i64) -> CommissionResult<Vec<StoredPlan>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {PLAN_COLS} FROM plans WHERE program_id = ?1 ORDER BY name"
    ))?;
    let rows: Vec<_> = stmt
        .query_map([program_id], plan_row)?
        .collect::<Result<_, _>>()?;
    rows.into_iter().map(|r| stored(conn, r)).collect()
}

/// Puts an affiliate (or, with `None`, every affiliate without its own assignment) on a plan from a day on.
pub fn assign(
    tx: &Transaction<'_>,
    program_id: i64,
    affiliate_id: Option<i64>,
    plan_id: i64,
    effective_from: &str,
    actor: &str,
    now_ms: i64,
) -> CommissionResult<()> {
    crate::time::parse_day(effective_from).map_err(|e| CommissionError::BadInput(e.to_string()))?;
    tx.execute(
        "INSERT INTO plan_assignments (program_id, affiliate_id, plan_id, effective_from, created_by, created_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![program_id, affiliate_id, plan_id, effective_from, actor, now_ms],
    )?;
    Ok(())
}

/// (affiliate_id or None for the default, plan_id, effective_from), every assignment of a program.
pub fn assignments(
    conn: &Connection,
    program_id: i64,
) -> CommissionResult<Vec<(Option<i64>, i64, String)>> {
    let mut stmt = conn.prepare("SELECT affiliate_id, plan_id, effective_from FROM plan_assignments WHERE program_id = ?1 ORDER BY effective_from, id")?;
    let rows = stmt.query_map([program_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}
