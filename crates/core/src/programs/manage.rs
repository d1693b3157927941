//! Creating and changing programs: a program's name, vertical, currency, reporting time zone and brands, set by a
//! person (the onboarding form, `affops-cli program add|edit`) rather than invented by the first source or file.
//!
//! What shapes stored data is fixed once the program holds data: reporting days are computed in its time zone at
//! ingest, its vertical decides which tables and plans apply, and its money is in its currency. Changing those
//! later would silently re-date or re-price history, so it is refused (create another program instead). The name
//! may change; brands are added, never removed (players refer to them).

use super::types::{ProgramSettings, ProgramSummary};
use super::{data_range_scan, Program};
use crate::error::CoreError;
use rusqlite::{params, OptionalExtension, Transaction};

pub const NAME_LEN_MAX: usize = 80;
pub const BRANDS_MAX: usize = 50;

fn invalid(field: &str, why: impl std::fmt::Display) -> CoreError {
    CoreError::invalid(format!("{field}: {why}"))
}

/// A brand's code as operator files and APIs name it: the name in lower case, runs of other characters as `-`.
pub fn brand_code(name: &str) -> String {
    let mut code = String::new();
    for c in name.trim().chars() {
        if c.is_ascii_alphanumeric() {
            code.push(c.to_ascii_lowercase());
        } else if !code.ends_with('-') && !code.is_empty() {
            code.push('-');
        }
    }
    code.trim_end_matches('-').to_string()
}

/// The settings, checked field by field (the first wrong one is named), trimmed and upper-cased where it applies.
pub fn validate(s: &ProgramSettings) -> Result<ProgramSettings, CoreError> {
    let name = s.name.trim();
    if name.is_empty() || name.chars().count() > NAME_LEN_MAX {
        return Err(invalid(
            "Name",
            format!("must be 1 to {NAME_LEN_MAX} characters"),
        ));
    }
    let currency = s.currency.trim().to_ascii_uppercase();
    if !crate::commission::plan::validate::is_known_currency(&currency) {
        return Err(invalid(
            "Currency",
            format!(
                "'{}' is not an ISO 4217 currency code (e.g. EUR, USD, GBP)",
                s.currency.trim()
            ),
        ));
    }
    let timezone = s.timezone.trim();
    crate::time::parse_zone(timezone).map_err(|_| {
        invalid(
            "Time zone",
            format!("'{timezone}' is not an IANA time zone (e.g. Europe/Malta, UTC)"),
        )
    })?;
    if s.brands.len() > BRANDS_MAX {
        return Err(invalid("Brands", format!("at most {BRANDS_MAX}")));
    }
    let mut brands: Vec<String> = Vec::new();
    for (i, b) in s.brands.iter().enumerate() {
        let b = b.trim();
        if b.is_empty() || b.chars().count() > NAME_LEN_MAX || brand_code(b).is_empty() {
            return Err(invalid(
                &format!("Brand {}", i + 1),
                format!("'{b}' must be 1 to {NAME_LEN_MAX} characters with a letter or digit"),
            ));
        }
        if brands.iter().any(|x| brand_code(x) == brand_code(b)) {
            return Err(invalid(
                &format!("Brand {}", i + 1),
                format!("'{b}' is listed twice"),
            ));
        }
        brands.push(b.to_string());
    }
    Ok(ProgramSettings {
        name: name.to_string(),
        vertical: s.vertical,
        currency,
        timezone: timezone.to_string(),
        brands,
    })
}

fn name_taken(tx: &Transaction<'_>, name: &str, except: Option<i64>) -> Result<bool, CoreError> {
    let id: Option<i64> = tx
        .query_row("SELECT id FROM programs WHERE name = ?1", [name], |r| {
            r.get(0)
        })
        .optional()
        .map_err(crate::store::StoreError::from)?;
    Ok(id.is_some_and(|id| Some(id) != except))
}

fn add_brands(
    tx: &Transaction<'_>,
    program_id: i64,
    currency: &str,
    brands: &[String],
) -> Result<(), CoreError> {
    for b in brands {
        tx.execute(
            "INSERT INTO brands (program_id, code, name, currency) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (program_id, code) DO UPDATE SET name = excluded.name",
            params![program_id, brand_code(b), b, currency],
        )
        .map_err(crate::store::StoreError::from)?;
    }
    Ok(())
}

/// Creates a program; returns its id. A taken name is refused.
pub fn create(
    tx: &Transaction<'_>,
    settings: &ProgramSettings,
    now_ms: i64,
) -> Result<i64, CoreError> {
    let s = validate(settings)?;
    if name_taken(tx, &s.name, None)? {
        return Err(invalid(
            "Name",
            format!("a program named \"{}\" exists already", s.name),
        ));
    }
    tx.execute(
        "INSERT INTO programs (name, vertical, currency, timezone, created_at_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![s.name, s.vertical, s.currency, s.timezone, now_ms],
    )
    .map_err(crate::store::StoreError::from)?;
    let id = tx.last_insert_rowid();
    add_brands(tx, id, &s.currency, &s.brands)?;
    Ok(id)
}

/// Changes the program `current` (resolved by the caller): its name and brands always; its vertical, currency and
/// time zone only while it holds no data (each refusal says which setting and why).
pub fn edit(
    tx: &Transaction<'_>,
    current: &Program,
    settings: &ProgramSettings,
) -> Result<(), CoreError> {
    let s = validate(settings)?;
    let id = current.id;
    if name_taken(tx, &s.name, Some(id))? {
        return Err(invalid(
            "Name",
            format!("a program named \"{}\" exists already", s.name),
        ));
    }
    let holds = data_range_scan(tx, id)?;
    if let Some(range) = holds {
        let fixed = |field: &str, from: &str, to: &str| {
            invalid(
                field,
                format!(
                    "cannot change from {from} to {to}: the program holds data ({} to {}) dated and priced with it; create another program instead",
                    range.from, range.to
                ),
            )
        };
        if s.vertical != current.vertical {
            return Err(fixed(
                "Vertical",
                current.vertical.as_str(),
                s.vertical.as_str(),
            ));
        }
        if s.timezone != current.timezone {
            return Err(fixed("Time zone", &current.timezone, &s.timezone));
        }
        if s.currency != current.currency {
            return Err(fixed("Currency", &current.currency, &s.currency));
        }
    }
    tx.execute(
        "UPDATE programs SET name = ?2, vertical = ?3, currency = ?4, timezone = ?5 WHERE id = ?1",
        params![id, s.name, s.vertical, s.currency, s.timezone],
    )
    .map_err(crate::store::StoreError::from)?;
    add_brands(tx, id, &s.currency, &s.brands)?;
    Ok(())
}

/// The brands of a program, by name.
pub fn brands(
    conn: &rusqlite::Connection,
    program_id: i64,
) -> crate::store::StoreResult<Vec<String>> {
    let mut stmt =
        conn.prepare_cached("SELECT name FROM brands WHERE program_id = ?1 ORDER BY name")?;
    let rows = stmt.query_map([program_id], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The summary of the program named `name` (after a create or an edit).
pub fn summary(ws: &crate::workspace::Workspace, name: &str) -> Result<ProgramSummary, CoreError> {
    super::list(ws)?
        .into_iter()
        .find(|p| p.name == name)
        .ok_or_else(|| CoreError::not_found(format!("Program: no program named \"{name}\"")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::programs::Vertical;

    fn settings(name: &str) -> ProgramSettings {
        ProgramSettings {
            name: name.into(),
            vertical: Vertical::Forex,
            currency: "usd".into(),
            timezone: "Europe/Nicosia".into(),
            brands: vec!["FX One".into()],
        }
    }

    #[test]
    fn brand_codes_are_what_operators_send() {
        assert_eq!(brand_code("Demo Casino"), "demo-casino");
        assert_eq!(brand_code("  Spin&Win 24 "), "spin-win-24");
        assert_eq!(brand_code("***"), "");
    }

    #[test]
    fn each_wrong_field_is_named() {
        let ok = validate(&settings(" Broker ")).unwrap();
        assert_eq!((ok.name.as_str(), ok.currency.as_str()), ("Broker", "USD"));
        type Spoil = fn(&mut ProgramSettings);
        let cases: [(&str, Spoil); 6] = [
            ("Name", |s| s.name = " ".into()),
            ("Currency", |s| s.currency = "EURO".into()),
            ("Currency", |s| s.currency = "XXY".into()),
            ("Time zone", |s| s.timezone = "Europe/Atlantis".into()),
            ("Brand 2", |s| s.brands.push("fx one".into())),
            ("Brand 2", |s| s.brands.push("--".into())),
        ];
        for (field, spoil) in cases {
            let mut s = settings("Broker");
            spoil(&mut s);
            let e = validate(&s).unwrap_err().to_string();
            assert!(e.starts_with(field), "{field}: {e}");
        }
    }
}
