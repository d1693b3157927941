//! The demo world, started once per console: the seeded sandbox serving tracker- and operator-shaped APIs on a
//! loopback port. The front door only starts it; the domain reaches it over HTTP like any real tracker.

use crate::api::{ApiError, ErrorCode};
use crate::programs::Vertical;
use crate::workspace::{DemoDeliveries, DemoEndpoint, ProgramSpec, DEMO_API_KEY, DEMO_POSTBACKS};
use affops_sandbox::{generate, serve, split_channels, SandboxServer, WorldConfig};
use std::sync::Arc;

/// A running demo world and what the console needs to sync it.
pub struct RunningDemo {
    pub server: SandboxServer,
    pub endpoint: DemoEndpoint,
    /// The instant the world's last day ends: a sync "as of" an earlier clock would cut it short.
    pub end_ms: i64,
    /// The scale it was generated at (asking for another one restarts it).
    pub scale: crate::api::DemoScale,
}

/// The demo's default seed (the desktop's demo; the CLI may pass another).
pub fn default_seed() -> u64 {
    WorldConfig::demo().seed
}

/// Generates the demo world for `seed` at `scale` and serves it on 127.0.0.1 (any free port).
pub async fn start(seed: u64, scale: crate::api::DemoScale) -> Result<RunningDemo, ApiError> {
    let config = match scale {
        crate::api::DemoScale::Month => WorldConfig::demo_workspace(seed),
        crate::api::DemoScale::Full => WorldConfig::full_demo(seed),
    };
    // A full-scale world takes a while to generate: off the async threads.
    // Its conversions come by four channels: the tracker's API serves the API ones; S2S postbacks, pixels and
    // the batch file carry the rest (the front door delivers them after the sync).
    let (world, deliveries) = tokio::task::spawn_blocking(move || {
        let mut world = generate(&config);
        let d = split_channels(&mut world, DEMO_POSTBACKS, DEMO_API_KEY);
        let deliveries = DemoDeliveries {
            http: d
                .http
                .into_iter()
                .map(|h| (h.at_ms, h.path_query))
                .collect(),
            batch_csv: d.batch_csv,
        };
        (Arc::new(world), Arc::new(deliveries))
    })
    .await
    .map_err(|e| ApiError::new(ErrorCode::Internal, format!("the demo world: {e}")))?;
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
    let spec = |name: &str, vertical: Vertical, currency: &str, timezone: &str| ProgramSpec {
        name: name.to_string(),
        vertical,
        currency: currency.to_string(),
        timezone: timezone.to_string(),
    };
    let p = &world.program;
    let endpoint = DemoEndpoint {
        base_url: server.base_url(),
        program: spec(&p.name, Vertical::Igaming, &p.currency, &p.timezone),
        broker: world.forex.as_ref().map(|fx| {
            let b = &fx.program;
            spec(&b.name, Vertical::Forex, &b.currency, &b.timezone)
        }),
        since_day: world.config.start.to_string(),
        deliveries,
    };
    Ok(RunningDemo {
        server,
        end_ms: world.config.end_instant().timestamp_millis(),
        endpoint,
        scale,
    })
}
