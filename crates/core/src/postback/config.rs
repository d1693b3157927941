//! Postback sources (the non-secret settings) and the request log, read and written through the store. All
//! functions block: async callers wrap them in `spawn_blocking`.

use super::auth::IpRule;
use super::dialect::Dialect;
use crate::error::CoreError;
use crate::postback::types::{
    PostbackLogFilter, PostbackLogPage, PostbackLogRow, PostbackOutcome, PostbackSourceConfig,
    POSTBACK_LOG_PAGE_MAX,
};
use crate::store::{Store, StoreError, StoreResult};
use chrono_tz::Tz;
use rusqlite::{params, OptionalExtension};
use std::collections::HashMap;
use std::sync::Arc;

/// Longest source name (it is a URL path segment).
const SOURCE_NAME_MAX: usize = 64;
/// Log page size when the caller gives none.
const LOG_PAGE_DEFAULT: u32 = 100;

/// A source as the listener uses it: parsed once at start (or reload), shared by every request.
#[derive(Debug, Clone)]
pub struct SourceRuntime {
    pub id: i64,
    pub program_id: i64,
    pub tz: Tz,
    pub name: String,
    pub dialect: Dialect,
    pub rules: Vec<IpRule>,
    pub allow_any_ip: bool,
    pub hmac_required: bool,
    pub default_currency: String,
}

fn invalid(msg: impl Into<String>) -> CoreError {
    CoreError::invalid(msg)
}

/// Creates or updates a postback source. Validated in full before anything is written.
pub fn configure_source(
    store: &Store,
    cfg: &PostbackSourceConfig,
    stamp: &crate::audit::Stamp,
) -> Result<i64, CoreError> {
    let now_ms = stamp.at_ms;
    let name = cfg.name.trim();
    if name.is_empty()
        || name.len() > SOURCE_NAME_MAX
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        return Err(invalid(format!(
            "source name '{}' must be 1–{SOURCE_NAME_MAX} letters, digits, '-', '_' or '.'",
            cfg.name
        )));
    }
    let currency = crate::ingest::records::currency("default_currency", &cfg.default_currency)
        .map_err(|e| invalid(e.to_string()))?;
    let rules = cfg
        .allow_ips
        .iter()
        .map(|r| IpRule::parse(r).map(|r| r.to_string()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(invalid)?;
    let rules_json = serde_json::to_string(&rules).map_err(|e| invalid(e.to_string()))?;
    let id = store.write(|tx| {
        let program: Option<i64> = tx
            .query_row(
                // An empty program name means the workspace's first program (the desktop form sends none).
                "SELECT id FROM programs WHERE name = ?1 OR (?1 = '' AND id = (SELECT MIN(id) FROM programs))",
                [&cfg.program],
                |r| r.get(0),
            )
            .optional()?;
        let program = program.ok_or_else(|| {
            StoreError::Invalid(format!("program '{}' does not exist", cfg.program))
        })?;
        let existing: Option<(i64, String)> = tx
            .query_row("SELECT id, kind FROM sources WHERE name = ?1", [name], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        let id = match existing {
            Some((_, kind)) if kind != "postback" => {
                return Err(StoreError::Invalid(format!(
                    "source '{name}' already exists as a {kind} source"
                )))
            }
            Some((id, _)) => {
                tx.execute(
                    "UPDATE sources SET program_id = ?2 WHERE id = ?1",
                    params![id, program],
                )?;
                id
            }
            None => {
                tx.execute(
                    "INSERT INTO sources (program_id, name, kind, created_at_ms) VALUES (?1, ?2, 'postback', ?3)",
                    params![program, name, now_ms],
                )?;
                tx.last_insert_rowid()
            }
        };
        tx.execute(
            "INSERT INTO postback_sources (source_id, dialect, allow_ips_json, allow_any_ip, hmac_required,
                                           default_currency, updated_at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (source_id) DO UPDATE SET dialect = ?2, allow_ips_json = ?3, allow_any_ip = ?4,
                 hmac_required = ?5, default_currency = ?6, updated_at_ms = ?7",
            params![id, cfg.dialect.as_str(), rules_json, cfg.allow_any_ip, cfg.hmac_required, currency, now_ms],
        )?;
        stamp.record(tx, "postback_source", name, &serde_json::json!({"dialect": cfg.dialect.as_str(), "allow_ips": rules, "allow_any_ip": cfg.allow_any_ip, "hmac_required": cfg.hmac_required, "default_currency": currency}))?;
        Ok(id)
    });
    id.map_err(|e| match e {
        StoreError::Invalid(m) => invalid(m),
        other => other.into(),
    })
}

/// Every configured postback source with its settings.
pub fn list_sources(store: &Store) -> StoreResult<Vec<PostbackSourceConfig>> {
    Ok(load(store)?
        .into_iter()
        .map(|(program, s)| PostbackSourceConfig {
            name: s.name,
            program,
            dialect: s.dialect,
            allow_ips: s.rules.iter().map(ToString::to_string).collect(),
            allow_any_ip: s.allow_any_ip,
            hmac_required: s.hmac_required,
            default_currency: s.default_currency,
        })
        .collect())
}

/// The sources the listener serves, by name.
pub fn load_runtime(store: &Store) -> StoreResult<HashMap<String, Arc<SourceRuntime>>> {
    Ok(load(store)?
        .into_iter()
        .map(|(_, s)| (s.name.clone(), Arc::new(s)))
        .collect())
}

fn load(store: &Store) -> StoreResult<Vec<(String, SourceRuntime)>> {
    store.read(|c| {
        let mut stmt = c.prepare(
            "SELECT s.id, s.program_id, p.timezone, s.name, ps.dialect, ps.allow_ips_json, ps.allow_any_ip,
                    ps.hmac_required, ps.default_currency, p.name
             FROM postback_sources ps JOIN sources s ON s.id = ps.source_id JOIN programs p ON p.id = s.program_id
             ORDER BY s.name",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                (r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?),
                (r.get::<_, String>(3)?, r.get::<_, String>(4)?, r.get::<_, String>(5)?),
                (r.get::<_, bool>(6)?, r.get::<_, bool>(7)?, r.get::<_, String>(8)?),
                r.get::<_, String>(9)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let ((id, program_id, tz), (name, dialect, ips), (allow_any_ip, hmac_required, cur), program) =
                row?;
            let bad = |what: String| StoreError::Invalid(format!("postback source '{name}': {what}"));
            let tz = crate::time::parse_zone(&tz).map_err(|e| bad(e.to_string()))?;
            let dialect =
                Dialect::parse(&dialect).ok_or_else(|| bad(format!("unknown dialect '{dialect}'")))?;
            let texts: Vec<String> = serde_json::from_str(&ips).map_err(|e| bad(e.to_string()))?;
            let rules = texts
                .iter()
                .map(|t| IpRule::parse(t))
                .collect::<Result<Vec<_>, _>>()
                .map_err(bad)?;
            out.push((
                program,
                SourceRuntime {
                    id,
                    program_id,
                    tz,
                    name,
                    dialect,
                    rules,
                    allow_any_ip,
                    hmac_required,
                    default_currency: cur,
                },
            ));
        }
        Ok(out)
    })
}

/// One page of the request log, newest first.
pub fn list_log(store: &Store, filter: &PostbackLogFilter) -> StoreResult<PostbackLogPage> {
    let page = filter.page.max(1);
    let page_size = match filter.page_size {
        0 => LOG_PAGE_DEFAULT,
        n => n.min(POSTBACK_LOG_PAGE_MAX),
    };
    let text = filter.text.as_deref().map(|t| {
        // LIKE with the user's text taken literally.
        let escaped = t
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        format!("%{escaped}%")
    });
    let cond = "(?1 IS NULL OR source = ?1) AND (?2 IS NULL OR outcome = ?2)
                AND (?3 IS NULL OR path_query LIKE ?3 ESCAPE '\\' OR body LIKE ?3 ESCAPE '\\' OR reason LIKE ?3 ESCAPE '\\')";
    let outcome = filter.outcome.map(PostbackOutcome::as_str);
    store.read(|c| {
        let total: i64 = c.query_row(
            &format!("SELECT COUNT(*) FROM postback_log WHERE {cond}"),
            params![filter.source, outcome, text],
            |r| r.get(0),
        )?;
        let mut stmt = c.prepare(&format!(
            "SELECT id, received_at_ms, source, remote_ip, method, path_query, body, status_code, outcome, reason,
                    conversion_id, latency_us
             FROM postback_log WHERE {cond} ORDER BY id DESC LIMIT ?4 OFFSET ?5"
        ))?;
        let offset = i64::from(page - 1) * i64::from(page_size);
        let rows = stmt
            .query_map(params![filter.source, outcome, text, page_size, offset], |r| {
                let outcome: String = r.get(8)?;
                Ok(PostbackLogRow {
                    id: r.get(0)?,
                    received_at_ms: r.get(1)?,
                    source: r.get(2)?,
                    remote_ip: r.get(3)?,
                    method: r.get(4)?,
                    path_query: r.get(5)?,
                    body: r.get(6)?,
                    status_code: r.get(7)?,
                    outcome: PostbackOutcome::parse(&outcome).unwrap_or(PostbackOutcome::Rejected),
                    reason: r.get(9)?,
                    conversion_id: r.get(10)?,
                    latency_us: r.get(11)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(PostbackLogPage {
            rows,
            total: u32::try_from(total).unwrap_or(u32::MAX),
            page,
            page_size,
        })
    })
}
