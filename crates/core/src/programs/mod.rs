//! The programs of a workspace: the list the desktop's program switcher shows, and the one resolver every
//! program-scoped request can use to turn an optional program name into a program (none named: the first
//! iGaming program, else the first program — the one the dashboard has always shown).

pub mod manage;
pub mod trading;
pub mod types;

use crate::error::CoreError;
use crate::programs::types::ProgramSummary;
use crate::store::{Store, StoreResult};
use crate::time::Period;
use crate::workspace::Workspace;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What kind of business a program is: the plans, presets and dashboards differ.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Vertical {
    /// A casino or sportsbook operator: players, deposits, NGR.
    #[default]
    Igaming,
    /// A Forex/CFD broker: accounts, deals, lots, IBs.
    Forex,
}

impl Vertical {
    pub fn as_str(self) -> &'static str {
        match self {
            Vertical::Igaming => "igaming",
            Vertical::Forex => "forex",
        }
    }

    pub fn parse(s: &str) -> Option<Vertical> {
        match s.trim().to_ascii_lowercase().as_str() {
            "igaming" => Some(Vertical::Igaming),
            "forex" => Some(Vertical::Forex),
            _ => None,
        }
    }
}

impl rusqlite::types::FromSql for Vertical {
    fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        let s = v.as_str()?;
        Vertical::parse(s).ok_or_else(|| {
            rusqlite::types::FromSqlError::Other(format!("unknown vertical '{s}'").into())
        })
    }
}

impl rusqlite::types::ToSql for Vertical {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(self.as_str().into())
    }
}

/// A program's identity and settings: the one type every program-scoped request resolves to, once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Program {
    pub id: i64,
    pub name: String,
    pub vertical: Vertical,
    pub currency: String,
    pub timezone: String,
}

impl Program {
    pub fn is_forex(&self) -> bool {
        self.vertical == Vertical::Forex
    }
}

/// Every program, by id.
pub fn all(conn: &Connection) -> StoreResult<Vec<Program>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, vertical, currency, timezone FROM programs ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Program {
            id: r.get(0)?,
            name: r.get(1)?,
            vertical: r.get(2)?,
            currency: r.get(3)?,
            timezone: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The program named `name` (surrounding blanks ignored; blank = none named), else the default one: the first
/// iGaming program, else the first program. An unknown name is an error listing the known ones.
pub fn pick(programs: &[Program], name: Option<&str>) -> Result<Program, CoreError> {
    if programs.is_empty() {
        return Err(CoreError::not_found(
            "This workspace has no program yet: create one (Programs, or affops-cli program add) or open the demo workspace.",
        ));
    }
    match name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => programs
            .iter()
            .find(|p| p.name == n)
            .cloned()
            .ok_or_else(|| {
                let known: Vec<&str> = programs.iter().map(|p| p.name.as_str()).collect();
                CoreError::not_found(format!(
                    "Program: no program named \"{n}\" (known: {})",
                    known.join(", ")
                ))
            }),
        None => Ok(programs
            .iter()
            .find(|p| p.vertical == Vertical::Igaming)
            .unwrap_or(&programs[0])
            .clone()),
    }
}

/// [`pick`] over the store's programs.
pub fn resolve(store: &Store, name: Option<&str>) -> Result<Program, CoreError> {
    let programs = store.read(all)?;
    pick(&programs, name)
}

/// The days that hold the program's clicks, players, conversions or deals: as the rollup refresh keeps them
/// (`program_data_range`: widened by each refresh's days that hold data, see [`crate::rollups::refresh`]), or scanned ([`data_range_scan`]) while the program
/// has days written since (still in `rollup_dirty`) or no stored range yet. The scan can take a fifth of a second
/// on a 10 M-click workspace (a program whose rows sort last in the shared day indexes); the app reads every
/// program's range before its first screen.
pub fn data_range(conn: &Connection, program_id: i64) -> StoreResult<Option<Period>> {
    let stored: Option<(Option<String>, Option<String>)> = conn
        .query_row(
            "SELECT first_day, last_day FROM program_data_range WHERE program_id = ?1
                AND NOT EXISTS (SELECT 1 FROM rollup_dirty WHERE program_id = ?1)",
            [program_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match stored {
        Some((Some(from), Some(to))) => Ok(Some(Period { from, to })),
        Some(_) => Ok(None),
        None => data_range_scan(conn, program_id),
    }
}

/// Stores the program's [`data_range_scan`] as its range (the rollup refresh, for a program without one).
pub fn store_data_range(conn: &Connection, program_id: i64) -> StoreResult<()> {
    let range = data_range_scan(conn, program_id)?;
    conn.prepare_cached(
        "INSERT INTO program_data_range (program_id, first_day, last_day) VALUES (?1, ?2, ?3)
         ON CONFLICT (program_id) DO UPDATE SET first_day = excluded.first_day, last_day = excluded.last_day",
    )?
    .execute(rusqlite::params![
        program_id,
        range.as_ref().map(|r| r.from.as_str()),
        range.as_ref().map(|r| r.to.as_str())
    ])?;
    Ok(())
}

/// Widens the program's stored data range to `days` (days that hold data); a program without one is scanned.
pub fn widen_data_range(conn: &Connection, program_id: i64, days: &[&str]) -> StoreResult<()> {
    let (Some(first), Some(last)) = (days.iter().min(), days.iter().max()) else {
        return Ok(());
    };
    let stored = conn
        .query_row(
            "SELECT 1 FROM program_data_range WHERE program_id = ?1",
            [program_id],
            |_| Ok(()),
        )
        .optional()?;
    if stored.is_none() {
        return store_data_range(conn, program_id);
    }
    conn.prepare_cached(
        "UPDATE program_data_range
            SET first_day = CASE WHEN first_day IS NULL OR ?2 < first_day THEN ?2 ELSE first_day END,
                last_day = CASE WHEN last_day IS NULL OR ?3 > last_day THEN ?3 ELSE last_day END
          WHERE program_id = ?1",
    )?
    .execute(rusqlite::params![program_id, first, last])?;
    Ok(())
}

/// The days that hold the program's clicks, players, conversions or deals, read from those tables.
// Players and conversions are read through their (day, affiliate) index in day order (`+program_id` keeps the
// planner off the (program, external id) key, which would sort the whole program); clicks by their time index,
// deals by (program, day).
pub fn data_range_scan(conn: &Connection, program_id: i64) -> StoreResult<Option<Period>> {
    let range: Option<(String, String)> = conn
        .query_row(
            "SELECT MIN(d), MAX(d) FROM (
                SELECT (SELECT day FROM clicks WHERE program_id = ?1 ORDER BY clicked_at_ms LIMIT 1) AS d
                UNION ALL SELECT (SELECT day FROM clicks WHERE program_id = ?1 ORDER BY clicked_at_ms DESC LIMIT 1)
                UNION ALL SELECT (SELECT day FROM players WHERE +program_id = ?1 ORDER BY day LIMIT 1)
                UNION ALL SELECT (SELECT day FROM players WHERE +program_id = ?1 ORDER BY day DESC LIMIT 1)
                UNION ALL SELECT (SELECT day FROM conversions WHERE +program_id = ?1 ORDER BY day LIMIT 1)
                UNION ALL SELECT (SELECT day FROM conversions WHERE +program_id = ?1 ORDER BY day DESC LIMIT 1)
                UNION ALL SELECT (SELECT day FROM deals WHERE program_id = ?1 ORDER BY day LIMIT 1)
                UNION ALL SELECT (SELECT day FROM deals WHERE program_id = ?1 ORDER BY day DESC LIMIT 1))
             WHERE d IS NOT NULL HAVING COUNT(*) > 0",
            [program_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(range.map(|(from, to)| Period { from, to }))
}

fn count(conn: &Connection, table: &str, program_id: i64) -> StoreResult<u32> {
    let n: i64 = conn.query_row(
        &format!("SELECT COUNT(*) FROM {table} WHERE program_id = ?1"),
        [program_id],
        |r| r.get(0),
    )?;
    Ok(u32::try_from(n.max(0)).unwrap_or(u32::MAX))
}

/// Every program with its counts and data range, by id; the default one is marked.
pub fn list(ws: &Workspace) -> Result<Vec<ProgramSummary>, CoreError> {
    let rows = ws.store().read::<_, crate::store::StoreError>(|c| {
        let programs = all(c)?;
        let mut out = Vec::with_capacity(programs.len());
        for p in &programs {
            out.push((
                p.clone(),
                count(c, "affiliates", p.id)?,
                count(c, "players", p.id)?,
                count(c, "forex_accounts", p.id)?,
                data_range(c, p.id)?,
                manage::brands(c, p.id)?,
            ));
        }
        Ok(out)
    })?;
    let refs: Vec<Program> = rows.iter().map(|r| r.0.clone()).collect();
    let default_id = pick(&refs, None).ok().map(|p| p.id);
    Ok(rows
        .into_iter()
        .map(
            |(p, affiliates, players, accounts, data_range, brands)| ProgramSummary {
                is_default: Some(p.id) == default_id,
                settings_fixed: data_range.is_some(),
                brands,
                name: p.name,
                vertical: p.vertical,
                currency: p.currency,
                timezone: p.timezone,
                affiliates,
                players,
                accounts,
                data_range,
            },
        )
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(id: i64, name: &str, vertical: &str) -> Program {
        Program {
            id,
            name: name.into(),
            vertical: Vertical::parse(vertical).unwrap(),
            currency: "EUR".into(),
            timezone: "UTC".into(),
        }
    }

    /// The default must stay what the dashboard always showed, so callers that pass no program see no change.
    #[test]
    fn default_is_the_first_igaming_program_even_after_a_broker() {
        let ps = [
            p(1, "Broker", "forex"),
            p(2, "Casino", "igaming"),
            p(3, "Casino 2", "igaming"),
        ];
        assert_eq!(pick(&ps, None).unwrap().name, "Casino");
        assert_eq!(pick(&ps, Some("  ")).unwrap().name, "Casino");
        assert_eq!(pick(&ps[..1], None).unwrap().name, "Broker");
    }

    #[test]
    fn a_named_program_is_found_and_an_unknown_name_lists_the_known_ones() {
        let ps = [p(1, "Demo Casino", "igaming"), p(2, "Demo Broker", "forex")];
        assert_eq!(pick(&ps, Some("Demo Broker")).unwrap().id, 2);
        assert_eq!(pick(&ps, Some(" Demo Broker ")).unwrap().id, 2);
        let CoreError::NotFound(m) = pick(&ps, Some("Nope")).unwrap_err() else {
            panic!("not a not-found");
        };
        assert!(m.contains("\"Nope\""), "{m}");
        assert!(m.contains("Demo Casino, Demo Broker"), "{m}");
    }

    #[test]
    fn no_program_is_a_clear_not_found() {
        let CoreError::NotFound(m) = pick(&[], None).unwrap_err() else {
            panic!("not a not-found");
        };
        assert!(m.contains("no program"));
    }
}
