//! `affops-cli demo`: the desktop app's "Open demo workspace", headless, with a progress bar. A new workspace
//! gets the demo's people (one per role); syncing an existing demo again needs a person who may sync.

use affops_core::api::{ApiError, Progress};
use affops_core::ingest::ProgressFn;
use affops_core::ops::{self, Console};
use indicatif::{ProgressBar, ProgressStyle};
use std::sync::Arc;

pub fn run(
    console: &Console,
    user: Option<String>,
    seed: u64,
    scale: affops_core::api::DemoScale,
    json: bool,
    rt: &tokio::runtime::Runtime,
) -> Result<(), ApiError> {
    let status = ops::people::session_status(&console.ctx())?;
    let cx = if status.has_people {
        crate::session::sign_in(console, user, None)?
    } else {
        console.ctx()
    };
    let (bar, progress) = progress_bar(!json);
    let result = rt.block_on(ops::workspace::open_demo_workspace(
        &cx,
        affops_core::api::OpenDemoRequest {
            seed: Some(seed),
            scale,
        },
        progress,
    ));
    bar.finish_and_clear();
    let summary = result?;
    if json {
        return crate::print_json(&summary);
    }
    println!("Synced the demo workspace into {}", status.data_dir);
    crate::print_summary(&summary);
    if !status.has_people {
        println!("The demo's people (sign in with --user NAME and AFFOPS_PASSPHRASE):");
        for p in ops::people::demo_people() {
            let roles: Vec<&str> = p.roles.iter().map(|r| r.as_str()).collect();
            println!(
                "  {:<8} {:<16} {:<10} passphrase {}",
                p.name,
                p.display_name,
                roles.join(","),
                p.passphrase
            );
        }
    }
    Ok(())
}

/// A long job's progress bar (overall steps, with the current step and its rows as the message) and the channel
/// that draws on it, for a front-door job; `finish_and_clear` the bar when the job returns.
pub fn progress_bar(visible: bool) -> (ProgressBar, ProgressFn) {
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
    let b = bar.clone();
    (bar, Arc::new(move |p: Progress| show(&b, &p)))
}

fn show(bar: &ProgressBar, p: &Progress) {
    bar.set_length(u64::from(p.steps_total));
    bar.set_position(u64::from(p.steps_done));
    let rows = match p.total {
        Some(t) => format!("{} / {} rows", p.done, t),
        // A step that counts no rows (a detection rule, the rollups) says what it does instead.
        None if p.done == 0 => p.message.clone(),
        None => format!("{} rows", p.done),
    };
    bar.set_message(format!("{}  {rows}", p.step));
}
