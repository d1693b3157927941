//! The Affops desktop shell: the window, the console (the workspace behind the front door, with the signed-in
//! session) and one thin command per operation. No SQL and no business rule lives here.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;

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
            app.manage(affops_core::ops::Console::open(&dir)?);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::people::session_status,
            commands::people::sign_in,
            commands::people::sign_out,
            commands::people::create_workspace,
            commands::people::change_passphrase,
            commands::people::list_people,
            commands::people::add_person,
            commands::people::update_person,
            commands::people::reset_passphrase,
            commands::people::workspace_settings,
            commands::people::save_workspace_settings,
            commands::people::audit_list,
            commands::people::audit_verify,
            commands::people::audit_export,
            commands::workspace::workspace_status,
            commands::workspace::open_demo_workspace,
            commands::workspace::sync_now,
            commands::workspace::list_programs,
            commands::workspace::select_program,
            commands::workspace::add_program,
            commands::workspace::edit_program,
            commands::workspace::dashboard,
            commands::workspace::coverage,
            commands::workspace::dashboard_alerts,
            commands::workspace::breakdown,
            commands::workspace::cohorts,
            commands::sources::list_sources,
            commands::sources::save_source,
            commands::sources::test_source,
            commands::sources::postback_log,
            commands::sources::postback_sources,
            commands::sources::postback_save_source,
            commands::sources::postback_listener_status,
            commands::sources::postback_listener_start,
            commands::sources::postback_listener_stop,
            commands::sources::import_fields,
            commands::sources::import_mapping,
            commands::sources::save_import_mapping,
            commands::sources::import_preview,
            commands::sources::import_run,
            commands::sources::import_runs,
            commands::sources::import_quarantine,
            commands::sources::import_quarantine_export,
            commands::attribution::list_affiliates,
            commands::attribution::affiliate_detail,
            commands::attribution::explain_player,
            commands::attribution::attribution_rules,
            commands::attribution::save_attribution_rules,
            commands::attribution::multi_touch_report,
            commands::attribution::set_promo_code,
            commands::attribution::add_affiliate_identifier,
            commands::attribution::remove_affiliate_identifier,
            commands::attribution::run_attribution,
            commands::commission::list_plans,
            commands::commission::plan_detail,
            commands::commission::check_plan,
            commands::commission::save_plan,
            commands::commission::read_plan_file,
            commands::commission::export_plan,
            commands::commission::preview_plan,
            commands::commission::assign_plan,
            commands::commission::list_periods,
            commands::commission::compute_period,
            commands::commission::close_period,
            commands::commission::set_fx_rate,
            commands::commission::fx_import,
            commands::commission::fx_set,
            commands::commission::fx_list,
            commands::commission::statement,
            commands::commission::export_statement,
            commands::commission::qualification,
            commands::detect::detect_run,
            commands::detect::detect_backtest,
            commands::detect::save_rule_settings,
            commands::detect::flags_list,
            commands::detect::flag_decide,
            commands::detect::flags_groups,
            commands::detect::flag_decide_bulk,
            commands::detect::allowlist_list,
            commands::detect::allowlist_add,
            commands::detect::allowlist_revoke,
            commands::detect::flag_investigate,
            commands::detect::reconcile_period,
            commands::detect::reconcile_export_csv,
            commands::detect::reconcile_report,
            commands::payouts::statement_lines,
            commands::payouts::payees,
            commands::payouts::propose_payee,
            commands::payouts::review_payee,
            commands::payouts::set_payer,
            commands::payouts::payouts_overview,
            commands::payouts::payout_run,
            commands::payouts::prepare_payout_run,
            commands::payouts::approve_payout_run,
            commands::payouts::export_approval_request,
            commands::payouts::sign_approval_request,
            commands::payouts::import_approval,
            commands::payouts::cancel_payout_run,
            commands::payouts::export_payment_files,
            commands::payouts::mark_payout_paid,
            commands::payouts::record_bank_return,
            commands::payouts::backup_workspace,
            commands::disputes::dispute_open,
            commands::disputes::disputes_list,
            commands::disputes::dispute_show,
            commands::disputes::dispute_move,
            commands::disputes::dispute_assign,
            commands::disputes::dispute_comment,
            commands::disputes::dispute_attach,
            commands::disputes::dispute_resolve,
            commands::disputes::dispute_evidence,
            commands::disputes::dispute_outcome_statement,
            commands::disputes::dispute_sla,
            commands::disputes::set_dispute_sla,
            commands::disputes::raw_record,
            commands::disputes::claims_reconcile,
            commands::disputes::claims_report,
            commands::disputes::claims_open_cases,
        ])
        .run(tauri::generate_context!())
        .expect("error while running the Affops window");
}
