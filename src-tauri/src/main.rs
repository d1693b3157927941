//! The Affops desktop shell: window, state and thin command adapters over `affops-core`.
//! No SQL and no business rule lives here; each command parses its input, calls the core and maps the error.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod commission_commands;
mod detect_commands;
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
            commands::list_programs,
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
            commands::list_affiliates,
            commands::affiliate_detail,
            commands::explain_player,
            commands::attribution_rules,
            commands::save_attribution_rules,
            commands::multi_touch_report,
            commands::set_promo_code,
            commands::run_attribution,
            commission_commands::list_plans,
            commission_commands::plan_detail,
            commission_commands::check_plan,
            commission_commands::save_plan,
            commission_commands::read_plan_file,
            commission_commands::export_plan,
            commission_commands::preview_plan,
            commission_commands::list_periods,
            commission_commands::compute_period,
            commission_commands::close_period,
            commission_commands::statement,
            commission_commands::export_statement,
            commission_commands::qualification,
            detect_commands::detect_run,
            detect_commands::detect_backtest,
            detect_commands::flags_list,
            detect_commands::flag_decide,
            detect_commands::flag_investigate,
            detect_commands::reconcile_period,
            detect_commands::reconcile_export_csv,
            detect_commands::dispute_open,
            detect_commands::dashboard_alerts,
        ])
        .run(tauri::generate_context!())
        .expect("error while running the Affops window");
}
