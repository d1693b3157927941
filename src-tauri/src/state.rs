//! What the window shares across commands: the open workspace, its credential store and, once started, the
//! demo sandbox.

use affops_core::api::{ApiError, ErrorCode};
use affops_core::credentials::CredentialStore;
use affops_core::postback::keychain::KeychainSecrets;
use affops_core::postback::server::ListenerHandle;
use affops_core::workspace::{DemoEndpoint, ProgramSpec, Workspace, DEMO_API_KEY};
use affops_sandbox::{generate, serve, SandboxServer, WorldConfig};
use std::path::Path;
use std::sync::Arc;
use tokio::sync::Mutex;

pub struct AppState {
    pub workspace: Workspace,
    pub credentials: Arc<CredentialStore>,
    /// Postback tokens and HMAC secrets, from the same credential store, cached for the listener.
    pub postback_secrets: Arc<KeychainSecrets>,
    /// The postback listener, when the user has started it (off until then).
    pub listener: Mutex<Option<ListenerHandle>>,
    /// The demo tracker/operator, started on first use and kept for the life of the window.
    demo: Mutex<Option<(SandboxServer, DemoEndpoint, i64)>>,
}

impl AppState {
    pub fn open(data_dir: &Path) -> Result<Self, ApiError> {
        let credentials = Arc::new(CredentialStore::open(data_dir));
        Ok(Self {
            workspace: Workspace::open(data_dir)?,
            postback_secrets: Arc::new(KeychainSecrets::new(credentials.clone())),
            credentials,
            listener: Mutex::new(None),
            demo: Mutex::new(None),
        })
    }

    /// The running demo sandbox's endpoint and the instant its world is complete, starting it if needed.
    pub async fn demo(&self) -> Result<(DemoEndpoint, i64), ApiError> {
        let mut guard = self.demo.lock().await;
        if let Some((_, endpoint, end_ms)) = guard.as_ref() {
            return Ok((endpoint.clone(), *end_ms));
        }
        let world = Arc::new(generate(&WorldConfig::demo_workspace(
            WorldConfig::demo().seed,
        )));
        let server = serve(
            world.clone(),
            ([127, 0, 0, 1], 0).into(),
            DEMO_API_KEY.to_string(),
        )
        .await
        .map_err(|e| {
            ApiError::new(
                ErrorCode::Internal,
                format!("cannot start the demo sandbox on loopback: {e}"),
            )
        })?;
        let endpoint = DemoEndpoint {
            base_url: server.base_url(),
            program: ProgramSpec {
                name: world.program.name.clone(),
                vertical: "igaming".into(),
                currency: world.program.currency.clone(),
                timezone: world.program.timezone.clone(),
            },
            broker: world.forex.as_ref().map(|fx| ProgramSpec {
                name: fx.program.name.clone(),
                vertical: "forex".into(),
                currency: fx.program.currency.clone(),
                timezone: fx.program.timezone.clone(),
            }),
            since_day: world.config.start.to_string(),
        };
        let end_ms = world.config.end_instant().timestamp_millis();
        *guard = Some((server, endpoint.clone(), end_ms));
        Ok((endpoint, end_ms))
    }
}
