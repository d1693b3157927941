//! Builds the Tauri context. The app's own commands are declared here so that tauri-build generates a
//! permission per command, and the window's capability (src-tauri/capabilities/) grants exactly those.

const COMMANDS: &[&str] = &[
    "workspace_status",
    "open_demo_workspace",
    "sync_now",
    "list_programs",
    "dashboard",
    "coverage",
    "list_sources",
    "save_source",
    "test_source",
    "import_fields",
    "import_preview",
    "import_run",
    "import_runs",
    "import_quarantine",
    "import_quarantine_export",
    "postback_log",
    "postback_sources",
    "postback_save_source",
    "postback_listener_status",
    "postback_listener_start",
    "postback_listener_stop",
    "list_affiliates",
    "affiliate_detail",
    "explain_player",
    "attribution_rules",
    "save_attribution_rules",
    "multi_touch_report",
    "set_promo_code",
    "run_attribution",
    "list_plans",
    "plan_detail",
    "check_plan",
    "save_plan",
    "read_plan_file",
    "export_plan",
    "preview_plan",
    "list_periods",
    "compute_period",
    "close_period",
    "statement",
    "export_statement",
    "qualification",
    "detect_run",
    "detect_backtest",
    "flags_list",
    "flag_decide",
    "flag_investigate",
    "reconcile_period",
    "reconcile_export_csv",
    "dispute_open",
    "dashboard_alerts",
];

fn main() {
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    println!("cargo:rerun-if-changed=tauri.conf.json");
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("src-tauri/capabilities/**/*")
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("failed to build the Tauri context");
}
