//! `affops-cli demo`: the desktop app's "Open demo workspace", headless, with a progress bar.

use affops_core::api::{ApiError, ErrorCode, Progress, SyncSummary};
use affops_core::workspace::{DemoEndpoint, ProgramSpec, Workspace, DEMO_API_KEY};
use affops_sandbox::{generate, serve, WorldConfig};
use indicatif::{ProgressBar, ProgressStyle};
use std::sync::Arc;

pub async fn run(ws: &Workspace, seed: u64, show_progress: bool) -> Result<SyncSummary, ApiError> {
    let world = Arc::new(generate(&WorldConfig::demo_workspace(seed)));
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
    let demo = DemoEndpoint {
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
    let bar = if show_progress {
        ProgressBar::new(1)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} steps  {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let b = bar.clone();
    let progress = Arc::new(move |p: Progress| {
        b.set_length(u64::from(p.steps_total));
        b.set_position(u64::from(p.steps_done));
        let rows = match p.total {
            Some(t) => format!("{} / {} rows", p.done, t),
            None => format!("{} rows", p.done),
        };
        b.set_message(format!("{}  {rows}", p.step));
    });
    // The demo world is complete at its last day; syncing "as of" a clock earlier than that would cut it short.
    let now_ms = chrono::Utc::now()
        .timestamp_millis()
        .max(world.config.end_instant().timestamp_millis());
    let result = ws.open_demo(&demo, now_ms, progress).await;
    bar.finish_and_clear();
    server.shutdown().await;
    result
}

/// The sync progress bar: overall steps, with the current step and its rows as the message.
pub fn progress_bar(visible: bool) -> ProgressBar {
    let bar = if visible {
        ProgressBar::new(1)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} steps  {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar
}

pub fn show(bar: &ProgressBar, p: &Progress) {
    bar.set_length(u64::from(p.steps_total));
    bar.set_position(u64::from(p.steps_done));
    let rows = match p.total {
        Some(t) => format!("{} / {} rows", p.done, t),
        None => format!("{} rows", p.done),
    };
    bar.set_message(format!("{}  {rows}", p.step));
}
