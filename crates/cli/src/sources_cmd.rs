//! `affops-cli sources …` and `affops-cli sync`: configure tracker/operator sources and sync them headless.

use affops_core::api::{ApiError, ErrorCode, SourceSettings, SyncRequest};
use affops_core::credentials::CredentialStore;
use affops_core::ops::{self, Ctx};
use clap::Subcommand;
use std::io::Read;

#[derive(Subcommand)]
pub enum SourcesAction {
    /// List configured sources with their freshness.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Add or update a source (matched by name).
    Add {
        #[arg(long)]
        name: String,
        /// everflow, affise, tune or operator
        #[arg(long)]
        kind: String,
        #[arg(long)]
        url: String,
        /// First day to fetch, YYYY-MM-DD (default: the last --window-days).
        #[arg(long)]
        since: Option<String>,
        #[arg(long, default_value_t = 90)]
        window_days: u32,
        #[arg(long, default_value_t = 500)]
        page_size: u32,
        #[arg(long, default_value_t = 60)]
        overlap_minutes: u32,
        /// Read the API key from this environment variable (keys are never taken as plain arguments).
        #[arg(long, value_name = "VAR", conflicts_with = "api_key_stdin")]
        api_key_env: Option<String>,
        /// Read the API key from standard input.
        #[arg(long)]
        api_key_stdin: bool,
        /// Add it disabled.
        #[arg(long)]
        disabled: bool,
    },
    /// Make one small request to the source, as a sync would.
    Test { name: String },
}

fn warn_fallback(creds: &CredentialStore) {
    if creds.backend() == affops_core::credentials::Backend::FileFallback {
        eprintln!("warning: no OS keychain is reachable; API keys are kept in a file in the data folder (mode 0600)");
    }
}

pub async fn sources(cx: &Ctx, action: SourcesAction) -> Result<(), ApiError> {
    let creds = cx.console().credentials().clone();
    match action {
        SourcesAction::List { json } => {
            let overview = ops::sources::list_sources(cx)?;
            if json {
                crate::print_json(&overview)?;
                return Ok(());
            }
            warn_fallback(&creds);
            if overview.sources.is_empty() {
                println!("No sources yet: add one with `affops-cli sources add`.");
            }
            for s in overview.sources {
                println!(
                    "{:<20} {:<9} {:<40} {:<8} key:{:<3} last:{:<6} {}",
                    s.name,
                    s.kind,
                    s.base_url,
                    if s.enabled { "enabled" } else { "disabled" },
                    if s.has_credentials { "yes" } else { "no" },
                    s.freshness.last_status,
                    s.freshness.last_message
                );
            }
        }
        SourcesAction::Add {
            name,
            kind,
            url,
            since,
            window_days,
            page_size,
            overlap_minutes,
            api_key_env,
            api_key_stdin,
            disabled,
        } => {
            let api_key = match (api_key_env, api_key_stdin) {
                (Some(var), _) => Some(std::env::var(&var).map_err(|_| {
                    ApiError::new(
                        ErrorCode::InvalidInput,
                        format!("API key: environment variable {var} is not set"),
                    )
                })?),
                (None, true) => {
                    let mut s = String::new();
                    std::io::stdin().read_to_string(&mut s).map_err(|e| {
                        ApiError::new(
                            ErrorCode::InvalidInput,
                            format!("API key: cannot read stdin: {e}"),
                        )
                    })?;
                    Some(s.trim().to_string())
                }
                (None, false) => None,
            };
            let settings = SourceSettings {
                name,
                kind,
                base_url: url,
                since,
                window_days,
                page_size,
                overlap_minutes,
                enabled: !disabled,
                api_key,
            };
            let view = ops::sources::save_source(cx, settings)?;
            warn_fallback(&creds);
            println!(
                "Saved source '{}' ({}); key stored: {}",
                view.name,
                view.kind,
                if view.has_credentials { "yes" } else { "no" }
            );
        }
        SourcesAction::Test { name } => {
            let t = ops::sources::test_source(cx, name).await?;
            println!("{} ({} ms)", t.message, t.latency_ms);
            if !t.ok {
                return Err(ApiError::new(ErrorCode::SourceFailed, t.message));
            }
        }
    }
    Ok(())
}

/// `affops-cli sync`: every enabled source, with a progress bar.
pub async fn sync(cx: &Ctx, full: bool, json: bool) -> Result<(), ApiError> {
    if !json {
        warn_fallback(cx.console().credentials());
    }
    let (bar, progress) = crate::demo::progress_bar(!json);
    let result = ops::workspace::sync_now(cx, SyncRequest { full }, progress).await;
    bar.finish_and_clear();
    let summary = result?;
    if json {
        crate::print_json(&summary)?;
    } else {
        crate::print_summary(&summary);
    }
    Ok(())
}
