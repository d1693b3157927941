//! Configuring sources: validated settings in the database, keys in the [`CredentialStore`], and a
//! "test connection" that makes one small request the way a sync would.

use crate::credentials::{Backend, CredentialStore};
use crate::error::CoreError;
use crate::ingest::http::{fetch_page, HttpPolicy};
use crate::ingest::stream::{SourceKind, Window};
use crate::ingest::SourceConfig;
use crate::sources::types::{ConnectionTest, SourceSettings, SourceView, SourcesOverview};
use crate::workspace::SourceFreshness;
use crate::workspace::Workspace;
use rusqlite::params;
use std::time::Instant;
pub mod types;

pub const NAME_LEN_MAX: usize = 80;
pub const PAGE_SIZE_MAX: u32 = 2000;
pub const WINDOW_DAYS_MAX: u32 = 365;
pub const OVERLAP_MINUTES_MAX: u32 = 7 * 24 * 60;

fn invalid(field: &str, why: impl std::fmt::Display) -> CoreError {
    CoreError::invalid(format!("{field}: {why}"))
}

/// Checks every field and names the first that is wrong.
pub fn validate(s: &SourceSettings) -> Result<(SourceKind, SourceConfig), CoreError> {
    let name = s.name.trim();
    if name.is_empty() || name.chars().count() > NAME_LEN_MAX {
        return Err(invalid(
            "Name",
            format!("must be 1 to {NAME_LEN_MAX} characters"),
        ));
    }
    let kind = SourceKind::parse(&s.kind).ok_or_else(|| {
        invalid(
            "Kind",
            format!(
                "'{}' is not one of everflow, affise, tune, operator",
                s.kind
            ),
        )
    })?;
    let url = reqwest::Url::parse(s.base_url.trim()).map_err(|e| invalid("Base URL", e))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(invalid(
            "Base URL",
            "must be an http:// or https:// address",
        ));
    }
    if let Some(day) = &s.since {
        crate::time::parse_day(day).map_err(|e| invalid("Since", e))?;
    }
    if !(1..=WINDOW_DAYS_MAX).contains(&s.window_days) {
        return Err(invalid(
            "Window",
            format!("must be 1 to {WINDOW_DAYS_MAX} days (trackers refuse longer)"),
        ));
    }
    if !(1..=PAGE_SIZE_MAX).contains(&s.page_size) {
        return Err(invalid(
            "Page size",
            format!("must be 1 to {PAGE_SIZE_MAX}"),
        ));
    }
    if s.overlap_minutes > OVERLAP_MINUTES_MAX {
        return Err(invalid(
            "Overlap",
            format!("must be at most {OVERLAP_MINUTES_MAX} minutes"),
        ));
    }
    if let Some(key) = &s.api_key {
        if key.trim().is_empty() {
            return Err(invalid(
                "API key",
                "is empty; leave it out to keep the stored key",
            ));
        }
    }
    Ok((
        kind,
        SourceConfig {
            since: s.since.clone(),
            window_days: s.window_days,
            page_size: s.page_size,
            overlap_minutes: s.overlap_minutes,
        },
    ))
}

/// Adds a source to `program_id` or updates the one of that name (which stays in its own program). Nothing is
/// saved when any field is invalid.
pub fn save(
    ws: &Workspace,
    creds: &CredentialStore,
    program_id: i64,
    s: &SourceSettings,
    stamp: &crate::audit::Stamp,
) -> Result<SourceView, CoreError> {
    let now_ms = stamp.at_ms;
    let (kind, config) = validate(s)?;
    let name = s.name.trim();
    if let Some(key) = &s.api_key {
        creds.set(name, key).map_err(|e| invalid("API key", e))?;
    }
    ws.ensure_source(program_id, name, kind, s.base_url.trim(), &config, now_ms)?;
    ws.store().write::<_, crate::store::StoreError>(|tx| {
        tx.execute("UPDATE sources SET enabled = ?2 WHERE name = ?1", params![name, s.enabled])?;
        stamp.record(tx, "source", name, &serde_json::json!({"kind": kind.as_str(), "base_url": s.base_url.trim(), "enabled": s.enabled}))?;
        Ok(())
    })?;
    list(ws, creds)?
        .sources
        .into_iter()
        .find(|v| v.name == name)
        .ok_or_else(|| CoreError::internal("the saved source could not be read back"))
}

pub fn list(ws: &Workspace, creds: &CredentialStore) -> Result<SourcesOverview, CoreError> {
    let freshness = ws.freshness()?;
    let rows: Vec<(String, String, String, String, bool, String)> =
        ws.store().read::<_, crate::store::StoreError>(|c| {
            let mut stmt = c.prepare(
                "SELECT s.name, s.kind, COALESCE(s.base_url, ''), s.config_json, s.enabled, p.name
             FROM sources s JOIN programs p ON p.id = s.program_id ORDER BY s.id",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })?;
    let sources = rows
        .into_iter()
        .map(|(name, kind, base_url, config, enabled, program)| {
            let config: SourceConfig = serde_json::from_str(&config).unwrap_or_default();
            let fresh = freshness
                .iter()
                .find(|f| f.source == name)
                .cloned()
                .unwrap_or(SourceFreshness {
                    source: name.clone(),
                    kind: kind.clone(),
                    last_success_at_ms: None,
                    last_attempt_at_ms: None,
                    last_status: "never".into(),
                    last_message: String::new(),
                });
            SourceView {
                // The demo's sources use the sandbox's built-in key, which needs no storing.
                has_credentials: creds.has(&name) || crate::workspace::is_demo_source(&name),
                name,
                program,
                kind,
                base_url,
                since: config.since,
                window_days: config.window_days,
                page_size: config.page_size,
                overlap_minutes: config.overlap_minutes,
                enabled,
                freshness: fresh,
            }
        })
        .collect();
    Ok(SourcesOverview {
        sources,
        credential_backend: creds.backend().describe().to_string(),
        credential_warning: (creds.backend() == Backend::FileFallback).then(|| {
            "No OS keychain is reachable: API keys are stored in a file in the data folder, readable only by your user.".to_string()
        }),
    })
}

/// One request for the first page (size 1) of the source's first stream.
pub async fn test_connection(
    ws: &Workspace,
    creds: &CredentialStore,
    name: &str,
    now_ms: i64,
) -> Result<ConnectionTest, CoreError> {
    let overview = list(ws, creds)?;
    let source = overview
        .sources
        .iter()
        .find(|s| s.name == name)
        .ok_or_else(|| CoreError::not_found(format!("no source named '{name}'")))?;
    let key = creds
        .get(name)
        .ok_or_else(|| invalid("API key", format!("no key is stored for '{name}'")))?;
    let kind = SourceKind::parse(&source.kind).ok_or_else(|| invalid("Kind", &source.kind))?;
    let vertical: String = ws.store().read::<_, crate::store::StoreError>(|c| {
        Ok(c.query_row(
            "SELECT p.vertical FROM sources s JOIN programs p ON p.id = s.program_id WHERE s.name = ?1",
            [name],
            |r| r.get(0),
        )?)
    })?;
    let vertical =
        crate::ingest::Vertical::parse(&vertical).unwrap_or(crate::ingest::Vertical::Igaming);
    let stream = kind.streams(vertical)[0];
    let policy = HttpPolicy {
        attempts_max: 1,
        ..HttpPolicy::default()
    };
    let client = policy
        .client()
        .map_err(|e| CoreError::internal(e.to_string()))?;
    let window = Window {
        from_ms: now_ms - 86_400_000,
        to_ms: now_ms,
    };
    let started = Instant::now();
    let outcome = fetch_page(
        &policy,
        || {
            stream.request(
                &client,
                &source.base_url,
                &key,
                &stream.first_position(),
                1,
                &window,
            )
        },
        |b| stream.parse_envelope(b),
    )
    .await;
    let latency_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    Ok(match outcome {
        Ok((_, env)) => ConnectionTest {
            ok: true,
            message: match env.total {
                Some(t) => format!(
                    "Connected: {} answered with {t} records in its {} list.",
                    source.name,
                    stream.as_str()
                ),
                None => format!(
                    "Connected: {} answered its {} list.",
                    source.name,
                    stream.as_str()
                ),
            },
            latency_ms,
        },
        Err(e) => ConnectionTest {
            ok: false,
            message: crate::ingest::raw::redact_text(
                &format!("{}/{}: {e}", source.name, stream.as_str()),
                &key,
            ),
            latency_ms,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> SourceSettings {
        SourceSettings {
            name: "Main tracker".into(),
            kind: "everflow".into(),
            base_url: "https://api.eflow.example".into(),
            since: None,
            window_days: 90,
            page_size: 500,
            overlap_minutes: 60,
            enabled: true,
            api_key: Some("k".into()),
        }
    }

    /// Each bad field is named, so the form can show the message beside it.
    #[test]
    fn validation_names_the_field() {
        type Breaker = Box<dyn Fn(&mut SourceSettings)>;
        let cases: Vec<(Breaker, &str)> = vec![
            (Box::new(|s| s.name = " ".into()), "Name:"),
            (Box::new(|s| s.kind = "cake".into()), "Kind:"),
            (Box::new(|s| s.base_url = "ftp://x".into()), "Base URL:"),
            (Box::new(|s| s.base_url = "not a url".into()), "Base URL:"),
            (Box::new(|s| s.since = Some("2026-02-30".into())), "Since:"),
            (Box::new(|s| s.window_days = 400), "Window:"),
            (Box::new(|s| s.page_size = 0), "Page size:"),
            (Box::new(|s| s.overlap_minutes = 100_000), "Overlap:"),
            (Box::new(|s| s.api_key = Some("  ".into())), "API key:"),
        ];
        for (break_it, field) in cases {
            let mut s = settings();
            break_it(&mut s);
            let CoreError::Invalid(m) = validate(&s).unwrap_err() else {
                panic!("{field}: not an invalid-input error");
            };
            assert!(m.starts_with(field), "{m} should name {field}");
        }
        assert!(validate(&settings()).is_ok());
    }

    #[test]
    fn save_keeps_the_key_out_of_the_database_and_lists_the_source() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::open(dir.path()).unwrap();
        let creds = CredentialStore::file_only(dir.path());
        let stamp = |t| crate::audit::Stamp::tool("test", "save_source", t);
        let spec = crate::workspace::ProgramSpec {
            name: "Casino".into(),
            vertical: crate::programs::Vertical::Igaming,
            currency: "EUR".into(),
            timezone: "UTC".into(),
        };
        let program = ws.ensure_program(&spec, 0).unwrap();
        let view = save(&ws, &creds, program, &settings(), &stamp(1)).unwrap();
        assert!(view.has_credentials);
        assert_eq!(view.program, "Casino");
        assert_eq!(view.freshness.last_status, "never");
        let overview = list(&ws, &creds).unwrap();
        assert_eq!(overview.sources.len(), 1);
        assert!(
            overview.credential_warning.is_some(),
            "the file fallback is always announced"
        );
        let in_db: i64 = ws
            .store()
            .read::<_, crate::store::StoreError>(|c| {
                Ok(c.query_row(
                    "SELECT COUNT(*) FROM sources WHERE config_json LIKE '%\"k\"%'",
                    [],
                    |r| r.get(0),
                )?)
            })
            .unwrap();
        assert_eq!(in_db, 0);
        // An invalid edit saves nothing.
        let mut bad = settings();
        bad.page_size = 0;
        assert!(save(&ws, &creds, program, &bad, &stamp(2)).is_err());
        assert_eq!(list(&ws, &creds).unwrap().sources[0].page_size, 500);
    }
}
