//! The Affops desktop shell: window, state and thin command adapters over `affops-core`.
//! No SQL and no business rule lives here; each command parses its input, calls the core and maps the error.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod state;

use std::path::PathBuf;
use tauri::Manager;

/// `--data-dir DIR` on the command line, else `$AFFOPS_DATA_DIR`, else the platform's app-data folder.
fn data_dir_override() -> Option<PathBuf> {
    let mut args = std::env::args_os().skip(1);
    while let Some(a) = args.next() {
        if a == "--data-dir" {
            return args.next().map(PathBuf::from);
        }
    }
    std::env::var_os(affops_core::workspace::DATA_DIR_ENV).map(PathBuf::from)
}

fn main() {
    tauri::Builder::default()
        .setup(|app| {
            let dir = match data_dir_override() {
                Some(d) => d,
                None => app.path().app_data_dir()?,
            };
            app.manage(state::AppState::open(&dir)?);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::workspace_status,
            commands::open_demo_workspace,
            commands::sync_now,
            commands::dashboard,
            commands::coverage,
            commands::list_sources,
            commands::save_source,
            commands::test_source,
            commands::import_fields,
            commands::import_preview,
            commands::import_run,
            commands::import_runs,
            commands::import_quarantine,
            commands::import_quarantine_export,
            commands::postback_log,
            commands::postback_sources,
            commands::postback_save_source,
            commands::postback_listener_status,
            commands::postback_listener_start,
            commands::postback_listener_stop,
            commands::detect_run,
            commands::detect_backtest,
            commands::flags_list,
            commands::flag_decide,
            commands::flag_investigate,
            commands::reconcile_period,
            commands::reconcile_export_csv,
            commands::dispute_open,
            commands::dashboard_alerts,
        ])
        .run(tauri::generate_context!())
        .expect("error while running the Affops window");
}
