//! API keys and secrets of sources live in the OS keychain (Secret Service on Linux, Keychain on macOS,
//! Credential Manager on Windows) — never in the database, logs, exports or webview storage (RELIABILITY.md A2).
//!
//! Where no keychain is reachable (a headless server, CI), the store falls back to a file beside the database,
//! readable by its owner only, and says so: [`CredentialStore::backend`] reports the fallback and the UI and CLI
//! show a warning. The fallback is explicit, never silent.

use crate::ingest::Secrets;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The keychain service name entries are filed under.
const SERVICE: &str = "dev.affops.console";
const FALLBACK_FILE: &str = "credentials.fallback.json";
/// Refuse absurd secrets rather than store them.
pub const SECRET_LEN_MAX: usize = 4096;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    OsKeychain,
    /// A 0600 file in the data folder: no keychain was reachable.
    FileFallback,
}

impl Backend {
    pub fn describe(self) -> &'static str {
        match self {
            Self::OsKeychain => "OS keychain",
            Self::FileFallback => "file in the data folder (no OS keychain was reachable: secrets are protected only by file permissions)",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CredentialError {
    #[error("the secret is empty")]
    Empty,
    #[error("the secret is longer than {SECRET_LEN_MAX} characters")]
    TooLong,
    #[error("cannot write the credentials file {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Reads and writes secrets per source name.
pub struct CredentialStore {
    backend: Backend,
    fallback_path: PathBuf,
    fallback: Mutex<BTreeMap<String, String>>,
}

impl CredentialStore {
    /// Probes the OS keychain once; falls back to the data folder's file when it is unreachable.
    pub fn open(data_dir: &Path) -> Self {
        Self::with_backend(
            data_dir,
            if keychain_reachable() {
                Backend::OsKeychain
            } else {
                Backend::FileFallback
            },
        )
    }

    /// The file fallback, explicitly (tests, and `--no-keychain` in the CLI).
    pub fn file_only(data_dir: &Path) -> Self {
        Self::with_backend(data_dir, Backend::FileFallback)
    }

    fn with_backend(data_dir: &Path, backend: Backend) -> Self {
        let fallback_path = data_dir.join(FALLBACK_FILE);
        let fallback = std::fs::read_to_string(&fallback_path)
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default();
        Self {
            backend,
            fallback_path,
            fallback: Mutex::new(fallback),
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn set(&self, source: &str, secret: &str) -> Result<(), CredentialError> {
        let secret = secret.trim();
        if secret.is_empty() {
            return Err(CredentialError::Empty);
        }
        if secret.len() > SECRET_LEN_MAX {
            return Err(CredentialError::TooLong);
        }
        if self.backend == Backend::OsKeychain {
            if let Ok(entry) = keyring::Entry::new(SERVICE, source) {
                if entry.set_password(secret).is_ok() {
                    return Ok(());
                }
            }
        }
        let mut map = self.fallback.lock().unwrap_or_else(|p| p.into_inner());
        map.insert(source.to_string(), secret.to_string());
        write_private(
            &self.fallback_path,
            &serde_json::to_string(&*map).unwrap_or_default(),
        )
    }

    pub fn get(&self, source: &str) -> Option<String> {
        if self.backend == Backend::OsKeychain {
            if let Ok(pw) = keyring::Entry::new(SERVICE, source).and_then(|e| e.get_password()) {
                return Some(pw);
            }
        }
        self.fallback
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(source)
            .cloned()
    }

    pub fn has(&self, source: &str) -> bool {
        self.get(source).is_some()
    }
}

impl Secrets for CredentialStore {
    fn api_key(&self, source_name: &str) -> Option<String> {
        self.get(source_name)
    }
}

fn keychain_reachable() -> bool {
    // Reading a missing entry answers NoEntry when the keychain works, and a platform error when it does not.
    match keyring::Entry::new(SERVICE, "__affops_probe__").and_then(|e| e.get_password()) {
        Ok(_) | Err(keyring::Error::NoEntry) => true,
        Err(_) => false,
    }
}

fn write_private(path: &Path, text: &str) -> Result<(), CredentialError> {
    let io = |source| CredentialError::Io {
        path: path.to_path_buf(),
        source,
    };
    let tmp = path.with_extension("tmp");
    {
        use std::io::Write;
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(&tmp).map_err(io)?;
        f.write_all(text.as_bytes()).map_err(io)?;
        f.sync_all().map_err(io)?;
    }
    std::fs::rename(&tmp, path).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_fallback_round_trips_and_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let store = CredentialStore::file_only(dir.path());
        assert_eq!(store.backend(), Backend::FileFallback);
        store.set("Tracker", "  s3cret ").unwrap();
        assert_eq!(store.get("Tracker").as_deref(), Some("s3cret"));
        assert!(matches!(
            store.set("Tracker", " "),
            Err(CredentialError::Empty)
        ));
        assert!(matches!(
            store.set("Tracker", &"x".repeat(SECRET_LEN_MAX + 1)),
            Err(CredentialError::TooLong)
        ));
        let reopened = CredentialStore::file_only(dir.path());
        assert_eq!(reopened.api_key("Tracker").as_deref(), Some("s3cret"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(FALLBACK_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(
                mode & 0o777,
                0o600,
                "only the owner may read the fallback file"
            );
        }
    }

    /// A2: secrets never reach the database.
    #[test]
    fn secrets_are_not_in_the_database() {
        let dir = tempfile::tempdir().unwrap();
        let ws = crate::workspace::Workspace::open(dir.path()).unwrap();
        CredentialStore::file_only(dir.path())
            .set("Tracker", "needle-4711")
            .unwrap();
        drop(ws);
        let db = std::fs::read(dir.path().join(crate::store::DB_FILE)).unwrap();
        assert!(!db.windows(11).any(|w| w == b"needle-4711"));
    }
}
