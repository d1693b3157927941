//! People in the store: read, add, change roles, (de)activate, set passphrases and keys. Writers take the caller's
//! transaction, so the front door records the one audit entry of the operation in the same transaction; each
//! change is followed by [`ensure_an_owner`] before it commits.

use super::secret::SealedKey;
use super::{PeopleError, PeopleResult, Role};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use ts_rs::TS;

/// Sign-in names: at most this many characters.
pub const NAME_CHARS_MAX: usize = 64;
/// Display names: at most this many characters.
pub const DISPLAY_NAME_CHARS_MAX: usize = 100;

/// A person as every screen shows them. Secrets never leave the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Person {
    #[ts(type = "number")]
    pub id: i64,
    /// The sign-in name (lower case).
    pub name: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub active: bool,
    /// False for a person created before people signed in, until the owner sets a passphrase.
    pub can_sign_in: bool,
    /// The current Ed25519 verifying key (hex), which approvals are checked against.
    pub public_key: Option<String>,
    #[ts(type = "number")]
    pub created_at_ms: i64,
}

/// A person to add, secrets already derived (outside the write transaction: argon2 is slow on purpose).
#[derive(Debug, Clone)]
pub struct NewPerson {
    pub name: String,
    pub display_name: String,
    pub roles: BTreeSet<Role>,
    pub passphrase_phc: String,
    pub key: SealedKey,
}

/// What an owner may change about someone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PersonChange {
    /// The sign-in name of the person to change.
    pub name: String,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// The complete new set of roles (not a delta).
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<Role>>,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
}

/// A sign-in name: trimmed, lower case, a letter first, then letters, digits, `.`, `_` or `-`.
pub fn normalize_name(raw: &str) -> PeopleResult<String> {
    let name = raw.trim().to_lowercase();
    let ok_chars = name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    if name.is_empty()
        || name.chars().count() > NAME_CHARS_MAX
        || !ok_chars
        || !name.starts_with(|c: char| c.is_ascii_lowercase())
    {
        return Err(PeopleError::Invalid(format!(
            "Name: \"{}\" is not a sign-in name (a letter first, then letters, digits, '.', '_' or '-'; at most {NAME_CHARS_MAX})",
            raw.trim()
        )));
    }
    Ok(name)
}

pub fn check_display_name(raw: &str) -> PeopleResult<String> {
    let d = raw.trim();
    if d.is_empty() || d.chars().count() > DISPLAY_NAME_CHARS_MAX || d.chars().any(char::is_control)
    {
        return Err(PeopleError::Invalid(format!(
            "Display name: give 1 to {DISPLAY_NAME_CHARS_MAX} printable characters"
        )));
    }
    Ok(d.to_string())
}

pub fn check_roles(roles: &[Role]) -> PeopleResult<BTreeSet<Role>> {
    let set: BTreeSet<Role> = roles.iter().copied().collect();
    if set.is_empty() {
        return Err(PeopleError::Invalid(
            "Roles: a person needs at least one role (viewer sees everything and changes nothing)"
                .into(),
        ));
    }
    Ok(set)
}

fn roles_of(conn: &Connection, id: i64) -> PeopleResult<Vec<Role>> {
    let mut stmt = conn.prepare_cached("SELECT role FROM user_roles WHERE user_id = ?1")?;
    let names = stmt.query_map([id], |r| r.get::<_, String>(0))?;
    let mut roles = Vec::new();
    for n in names {
        let n = n?;
        roles.push(Role::parse(&n).ok_or_else(|| {
            PeopleError::Invalid(format!("the store holds an unknown role '{n}'"))
        })?);
    }
    roles.sort();
    Ok(roles)
}

/// The current signing key of a person, sealed as stored.
pub fn current_key(conn: &Connection, id: i64) -> PeopleResult<Option<SealedKey>> {
    Ok(conn
        .query_row(
            "SELECT public_key, kdf_salt, nonce, sealed_secret FROM user_keys WHERE user_id = ?1 ORDER BY id DESC LIMIT 1",
            [id],
            |r| {
                Ok(SealedKey {
                    public_key: r.get(0)?,
                    kdf_salt: r.get(1)?,
                    nonce: r.get(2)?,
                    sealed_secret: r.get(3)?,
                })
            },
        )
        .optional()?)
}

const PERSON_COLS: &str = "id, name, display_name, active, passphrase_phc, created_at_ms";

fn person_row(conn: &Connection, r: &rusqlite::Row<'_>) -> PeopleResult<(Person, Option<String>)> {
    let id: i64 = r.get(0)?;
    let phc: Option<String> = r.get(4)?;
    Ok((
        Person {
            id,
            name: r.get(1)?,
            display_name: r.get(2)?,
            roles: roles_of(conn, id)?,
            active: r.get::<_, i64>(3)? == 1,
            can_sign_in: phc.is_some(),
            public_key: current_key(conn, id)?.map(|k| k.public_key),
            created_at_ms: r.get(5)?,
        },
        phc,
    ))
}

/// Everyone, by name.
pub fn list(conn: &Connection) -> PeopleResult<Vec<Person>> {
    let mut stmt = conn.prepare(&format!("SELECT {PERSON_COLS} FROM users ORDER BY name"))?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(person_row(conn, r)?.0);
    }
    Ok(out)
}

/// A person and their passphrase hash, by sign-in name.
pub fn by_name(conn: &Connection, name: &str) -> PeopleResult<Option<(Person, Option<String>)>> {
    let mut stmt =
        conn.prepare_cached(&format!("SELECT {PERSON_COLS} FROM users WHERE name = ?1"))?;
    let mut rows = stmt.query([name])?;
    match rows.next()? {
        Some(r) => Ok(Some(person_row(conn, r)?)),
        None => Ok(None),
    }
}

pub fn by_id(conn: &Connection, id: i64) -> PeopleResult<Option<Person>> {
    let mut stmt =
        conn.prepare_cached(&format!("SELECT {PERSON_COLS} FROM users WHERE id = ?1"))?;
    let mut rows = stmt.query([id])?;
    match rows.next()? {
        Some(r) => Ok(Some(person_row(conn, r)?.0)),
        None => Ok(None),
    }
}

/// `by_name`, or a not-found naming the person.
pub fn require(conn: &Connection, name: &str) -> PeopleResult<Person> {
    let n = normalize_name(name)?;
    by_name(conn, &n)?
        .map(|p| p.0)
        .ok_or_else(|| PeopleError::NotFound(format!("Person: nobody is called \"{n}\"")))
}

/// How many people can sign in (0: the workspace is new, or predates people).
pub fn count_with_passphrase(conn: &Connection) -> PeopleResult<u32> {
    let n: i64 = conn.query_row(
        "SELECT COUNT(*) FROM users WHERE passphrase_phc IS NOT NULL",
        [],
        |r| r.get(0),
    )?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

pub fn insert(tx: &Transaction<'_>, p: &NewPerson, now_ms: i64) -> PeopleResult<i64> {
    let exists: Option<i64> = tx
        .query_row("SELECT id FROM users WHERE name = ?1", [&p.name], |r| {
            r.get(0)
        })
        .optional()?;
    if exists.is_some() {
        return Err(PeopleError::Invalid(format!(
            "Name: \"{}\" is taken; pick another sign-in name",
            p.name
        )));
    }
    tx.execute(
        "INSERT INTO users (name, display_name, active, passphrase_phc, created_at_ms) VALUES (?1, ?2, 1, ?3, ?4)",
        params![p.name, p.display_name, p.passphrase_phc, now_ms],
    )?;
    let id = tx.last_insert_rowid();
    set_roles(tx, id, &p.roles)?;
    add_key(tx, id, &p.key, now_ms)?;
    Ok(id)
}

pub fn set_roles(tx: &Transaction<'_>, id: i64, roles: &BTreeSet<Role>) -> PeopleResult<()> {
    tx.execute("DELETE FROM user_roles WHERE user_id = ?1", [id])?;
    for r in roles {
        tx.execute(
            "INSERT INTO user_roles (user_id, role) VALUES (?1, ?2)",
            params![id, r.as_str()],
        )?;
    }
    Ok(())
}

pub fn set_display_name(tx: &Transaction<'_>, id: i64, display_name: &str) -> PeopleResult<()> {
    tx.execute(
        "UPDATE users SET display_name = ?2 WHERE id = ?1",
        params![id, display_name],
    )?;
    Ok(())
}

pub fn set_active(tx: &Transaction<'_>, id: i64, active: bool) -> PeopleResult<()> {
    tx.execute(
        "UPDATE users SET active = ?2 WHERE id = ?1",
        params![id, i64::from(active)],
    )?;
    Ok(())
}

/// A new passphrase, with its signing key (the same key resealed, or a new one after a reset).
pub fn set_passphrase(
    tx: &Transaction<'_>,
    id: i64,
    phc: &str,
    key: &SealedKey,
    now_ms: i64,
) -> PeopleResult<()> {
    tx.execute(
        "UPDATE users SET passphrase_phc = ?2 WHERE id = ?1",
        params![id, phc],
    )?;
    add_key(tx, id, key, now_ms)
}

fn add_key(tx: &Transaction<'_>, id: i64, key: &SealedKey, now_ms: i64) -> PeopleResult<()> {
    tx.execute(
        "INSERT INTO user_keys (user_id, public_key, kdf_salt, nonce, sealed_secret, created_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, key.public_key, key.kdf_salt, key.nonce, key.sealed_secret, now_ms],
    )?;
    Ok(())
}

/// Refuses a change that leaves no active owner who can sign in (checked inside the transaction, before commit).
pub fn ensure_an_owner(tx: &Transaction<'_>) -> PeopleResult<()> {
    let owners: i64 = tx.query_row(
        "SELECT COUNT(*) FROM users u JOIN user_roles r ON r.user_id = u.id
         WHERE r.role = 'owner' AND u.active = 1 AND u.passphrase_phc IS NOT NULL",
        [],
        |r| r.get(0),
    )?;
    if owners == 0 {
        return Err(PeopleError::LastOwner);
    }
    Ok(())
}

/// What the audit log records of a person after a change, so that `audit verify` can compare the users table
/// with the chain: everything that decides what they may do, and digests of their secrets.
pub fn recorded_state(conn: &Connection, id: i64) -> PeopleResult<serde_json::Value> {
    let (name, display_name, active, phc): (String, String, i64, Option<String>) = conn.query_row(
        "SELECT name, display_name, active, passphrase_phc FROM users WHERE id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?;
    let roles: Vec<&str> = roles_of(conn, id)?.into_iter().map(Role::as_str).collect();
    let key_rows: i64 = conn.query_row(
        "SELECT COUNT(*) FROM user_keys WHERE user_id = ?1",
        [id],
        |r| r.get(0),
    )?;
    Ok(serde_json::json!({
        "id": id,
        "name": name,
        "display_name": display_name,
        "active": active == 1,
        "roles": roles,
        "passphrase_sha256": phc.map(|p| hex::encode(Sha256::digest(p.as_bytes()))),
        "public_key": current_key(conn, id)?.map(|k| k.public_key),
        "keys": key_rows,
    }))
}

/// Every person's [`recorded_state`], by id.
pub fn recorded_states(conn: &Connection) -> PeopleResult<Vec<serde_json::Value>> {
    let ids: Vec<i64> = conn
        .prepare("SELECT id FROM users ORDER BY id")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    ids.into_iter().map(|id| recorded_state(conn, id)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_normalized_and_checked() {
        assert_eq!(normalize_name("  Fiona ").unwrap(), "fiona");
        assert_eq!(normalize_name("ana.k-2").unwrap(), "ana.k-2");
        for bad in [
            "",
            "  ",
            "1abc",
            "a b",
            "ana@x",
            &"a".repeat(NAME_CHARS_MAX + 1),
        ] {
            let e = normalize_name(bad).unwrap_err().to_string();
            assert!(e.starts_with("Name:"), "{bad:?}: {e}");
        }
        assert!(check_display_name("Zoë Müller").is_ok());
        assert!(check_display_name("a\u{7}b").is_err());
        assert!(check_roles(&[]).is_err());
        assert_eq!(
            check_roles(&[Role::Finance, Role::Finance]).unwrap().len(),
            1
        );
    }
}
