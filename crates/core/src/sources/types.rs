//! Boundary types of the Sources screen and `affops-cli sources`.

use super::SourceFreshness;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What a user enters to add or edit a source. `api_key`, when given, goes to the OS keychain, never the database.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SourceSettings {
    pub name: String,
    /// `everflow`, `affise`, `tune` or `operator`.
    pub kind: String,
    pub base_url: String,
    /// First day to fetch (`YYYY-MM-DD`); otherwise the last `window_days`.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    pub window_days: u32,
    pub page_size: u32,
    pub overlap_minutes: u32,
    pub enabled: bool,
    /// Write-only: set to store a new key; never sent back.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key: Option<String>,
}

/// A configured source as the Sources screen lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SourceView {
    pub name: String,
    /// The program it feeds (set when it was added: the program the session was on).
    pub program: String,
    pub kind: String,
    pub base_url: String,
    pub since: Option<String>,
    pub window_days: u32,
    pub page_size: u32,
    pub overlap_minutes: u32,
    pub enabled: bool,
    /// Whether a key is stored for it (the key itself is never shown).
    pub has_credentials: bool,
    pub freshness: SourceFreshness,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SourcesOverview {
    pub sources: Vec<SourceView>,
    /// Where secrets are kept: "OS keychain" or the file fallback.
    pub credential_backend: String,
    /// Set when secrets are not in an OS keychain: shown as a warning.
    pub credential_warning: Option<String>,
}

/// The result of "Test connection": one small request to the source's first stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ConnectionTest {
    pub ok: bool,
    pub message: String,
    #[ts(type = "number")]
    pub latency_ms: i64,
}
