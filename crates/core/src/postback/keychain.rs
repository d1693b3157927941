//! Postback tokens and HMAC secrets for the desktop app: kept in the [`CredentialStore`] (OS keychain, or its
//! warned file fallback), cached in memory because the listener asks on every request.

use super::{PostbackCredentials, PostbackSecrets};
use crate::credentials::CredentialStore;
use crate::error::CoreError;
use crate::postback::types::{PostbackSecretsInput, PostbackSourceStatus};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

pub struct KeychainSecrets {
    store: Arc<CredentialStore>,
    cache: RwLock<HashMap<String, PostbackCredentials>>,
}

fn key(source: &str, what: &str) -> String {
    format!("postback/{source}/{what}")
}

impl KeychainSecrets {
    pub fn new(store: Arc<CredentialStore>) -> Self {
        Self {
            store,
            cache: RwLock::default(),
        }
    }

    /// Stores the secrets given (absent ones keep their stored value). Rotating: pass the new `hmac_current` and
    /// the old one as `hmac_previous`; later pass `clear_previous` to end the overlap.
    pub fn set(&self, source: &str, input: &PostbackSecretsInput) -> Result<(), CoreError> {
        let put = |what: &str, v: &Option<String>| -> Result<(), CoreError> {
            match v {
                Some(v) => self
                    .store
                    .set(&key(source, what), v)
                    .map_err(|e| CoreError::invalid(format!("{what}: {e}"))),
                None => Ok(()),
            }
        };
        put("token", &input.token)?;
        put("hmac", &input.hmac_current)?;
        put("hmac-previous", &input.hmac_previous)?;
        if input.clear_previous {
            // The credential store cannot delete; an explicit marker ends the overlap.
            self.store
                .set(&key(source, "hmac-previous"), "-")
                .map_err(|e| CoreError::internal(e.to_string()))?;
        }
        self.cache
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .remove(source);
        Ok(())
    }

    fn load(&self, source: &str) -> PostbackCredentials {
        let get = |what: &str| self.store.get(&key(source, what)).filter(|v| v != "-");
        PostbackCredentials {
            token: get("token"),
            hmac_current: get("hmac"),
            hmac_previous: get("hmac-previous"),
        }
    }

    /// What is stored for a source, without the values.
    pub fn status(
        &self,
        name: &str,
        dialect: crate::postback::dialect::Dialect,
    ) -> PostbackSourceStatus {
        let c = self.credentials(name);
        PostbackSourceStatus {
            name: name.to_string(),
            dialect,
            has_token: c.token.is_some(),
            has_hmac_secret: c.hmac_current.is_some(),
            has_previous_hmac_secret: c.hmac_previous.is_some(),
        }
    }
}

impl PostbackSecrets for KeychainSecrets {
    fn credentials(&self, source: &str) -> PostbackCredentials {
        if let Some(c) = self
            .cache
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(source)
        {
            return c.clone();
        }
        let c = self.load(source);
        self.cache
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(source.to_string(), c.clone());
        c
    }
}

/// The listener's status while it is off: the configured sources and what is stored for each.
pub fn idle_status(
    store: &crate::store::Store,
    secrets: &KeychainSecrets,
) -> Result<crate::postback::types::ListenerStatus, CoreError> {
    let sources = super::config::list_sources(store)?;
    Ok(crate::postback::types::ListenerStatus {
        running: false,
        address: None,
        started_at_ms: None,
        sources: sources
            .iter()
            .map(|s| secrets.status(&s.name, s.dialect))
            .collect(),
        recorded: 0,
        updated: 0,
        duplicates: 0,
        stale: 0,
        rejected: 0,
        overloaded: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotation_and_redaction() {
        let dir = tempfile::tempdir().unwrap();
        let s = KeychainSecrets::new(Arc::new(CredentialStore::file_only(dir.path())));
        s.set(
            "ef",
            &PostbackSecretsInput {
                token: Some("t".into()),
                hmac_current: Some("old".into()),
                hmac_previous: None,
                clear_previous: false,
            },
        )
        .unwrap();
        assert_eq!(s.credentials("ef").hmac_current.as_deref(), Some("old"));
        s.set(
            "ef",
            &PostbackSecretsInput {
                token: None,
                hmac_current: Some("new".into()),
                hmac_previous: Some("old".into()),
                clear_previous: false,
            },
        )
        .unwrap();
        let c = s.credentials("ef");
        assert_eq!(
            (
                c.token.as_deref(),
                c.hmac_current.as_deref(),
                c.hmac_previous.as_deref()
            ),
            (Some("t"), Some("new"), Some("old"))
        );
        s.set(
            "ef",
            &PostbackSecretsInput {
                clear_previous: true,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(s.credentials("ef").hmac_previous, None, "the overlap ended");
        assert!(
            !format!("{:?}", s.credentials("ef")).contains("new"),
            "Debug never prints a secret"
        );
    }
}
