//! `affops-cli import` and `affops-cli quarantine`: batch CSV files into the workspace, with a progress bar, a
//! dry run, saved mappings, and the rows a run refused (listed, or exported as spreadsheet-safe CSV).

use affops_core::api::{
    ApiError, ColumnMapping, ErrorCode, IgnoredSignal, ImportPreset, ImportPreviewRequest,
    ImportRunRequest, ImportRunSummary, MissingSignal, QuarantineExportRequest, QuarantineRequest,
    SaveMappingRequest,
};
use affops_core::import;
use affops_core::ops::{self, Ctx};
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Args)]
pub struct ImportArgs {
    /// The CSV file.
    file: PathBuf,
    /// What the file holds: clicks, registrations, activity, deposits, withdrawals, bonuses, claims, affiliates,
    /// symbols, accounts, deals (MT5's Deals report), conversions or ip_countries (a GeoIP table of ranges).
    #[arg(long)]
    preset: String,
    /// A mapping saved earlier with --save-mapping.
    #[arg(long, conflicts_with = "map")]
    mapping: Option<String>,
    /// column=field (repeat), for what differs from the file's own names: a field not mentioned reads the column
    /// of its own name. `@row=click_id` keys rows by file and row; `@const:USD=currency` sets a value; `@const:=ip`
    /// leaves an optional field empty.
    #[arg(long = "map", value_name = "COLUMN=FIELD")]
    map: Vec<String>,
    /// Save the mapping given with --map under this name for later imports.
    #[arg(long, value_name = "NAME")]
    save_mapping: Option<String>,
    /// How dates are written: auto, ymd, ymd_hms, rfc3339, dmy, mdy_hm, unix_s, unix_ms.
    #[arg(long)]
    date_format: Option<String>,
    /// , ; | or \t (default: detected from the header).
    #[arg(long)]
    delimiter: Option<String>,
    /// The batch source the file comes from.
    #[arg(long, default_value = "import")]
    source: String,
    /// Show the detected header and the first rows as they would be imported; write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Rows shown by --dry-run.
    #[arg(long, default_value_t = 10)]
    rows: u32,
    /// Rows per parsed chunk (tests use small chunks to crash between them).
    #[arg(long, hide = true)]
    chunk_rows: Option<u32>,
    /// Rows per committed transaction at most (tests use small ones to crash between them).
    #[arg(long, hide = true)]
    tx_rows: Option<u64>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct QuarantineArgs {
    #[command(subcommand)]
    action: QuarantineAction,
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Subcommand)]
enum QuarantineAction {
    /// List the import runs, newest first.
    Runs,
    /// List a run's quarantined rows (paged, filterable).
    List {
        #[arg(long)]
        run: i64,
        #[arg(long)]
        field: Option<String>,
        /// Only reasons containing this text (case-insensitive).
        #[arg(long)]
        reason: Option<String>,
        #[arg(long, default_value_t = 0)]
        offset: u32,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Export a run's quarantined rows as CSV (formula-safe), to a file or stdout.
    Export {
        #[arg(long)]
        run: i64,
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

fn mapping_for(cx: &Ctx, a: &ImportArgs) -> Result<ColumnMapping, ApiError> {
    let preset = ImportPreset::parse(&a.preset).ok_or_else(|| {
        ApiError::new(
            ErrorCode::InvalidInput,
            format!(
                "unknown preset '{}' (expected one of: {})",
                a.preset,
                ImportPreset::ALL.map(ImportPreset::as_str).join(", ")
            ),
        )
    })?;
    let mut m = match &a.mapping {
        Some(name) => ops::imports::import_mapping(cx, name.clone())?,
        None => import::parse_pairs(preset, &a.map)?,
    };
    if m.preset != preset {
        return Err(ApiError::new(
            ErrorCode::InvalidInput,
            format!(
                "mapping '{}' is for the {} preset, not {}",
                a.mapping.as_deref().unwrap_or(""),
                m.preset.as_str(),
                preset.as_str()
            ),
        ));
    }
    if a.date_format.is_some() {
        m.date_format = a.date_format.clone();
    }
    if a.delimiter.is_some() {
        m.delimiter = a.delimiter.clone();
    }
    if let Some(name) = &a.save_mapping {
        let req = SaveMappingRequest {
            name: name.clone(),
            mapping: m.clone(),
        };
        ops::imports::save_import_mapping(cx, req)?;
    }
    Ok(m)
}

pub fn run_import(cx: &Ctx, a: ImportArgs, rt: &tokio::runtime::Runtime) -> Result<(), ApiError> {
    let m = mapping_for(cx, &a)?;
    let path = a.file.display().to_string();
    if a.dry_run {
        let req = ImportPreviewRequest {
            path,
            mapping: m,
            rows: Some(a.rows),
        };
        let p = ops::imports::import_preview(cx, req)?;
        if a.json {
            return crate::print_json(&p);
        }
        println!(
            "header ({} columns, delimiter {:?}, BOM {}, stray leading bytes {:?}):",
            p.header.len(),
            p.delimiter,
            p.had_bom,
            p.junk_prefix
        );
        println!("  {}", p.header.join(" | "));
        for (field, column) in &p.resolved {
            println!("  {field:<18} <- {column}");
        }
        if !p.unmapped_optional.is_empty() {
            println!("  (left empty: {})", p.unmapped_optional.join(", "));
        }
        print_ignored_signals(&p.ignored_signals, "in the rows shown");
        print_missing_signals(&p.missing_signals);
        for r in &p.rows {
            let cells: Vec<String> = r
                .fields
                .iter()
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            match &r.error {
                None => println!("row {:>6} ok   {}", r.row, cells.join(" ")),
                Some(e) => println!("row {:>6} BAD  {e}", r.row),
            }
        }
        return Ok(());
    }
    let req = ImportRunRequest {
        path,
        source: a.source.clone(),
        mapping: m,
        chunk_rows: a.chunk_rows,
        tx_rows: a.tx_rows,
    };
    let bar = (!a.json).then(|| {
        let b = ProgressBar::new(0);
        b.set_style(
            ProgressStyle::with_template("{spinner} {bar:30} {human_pos} rows ({per_sec}) {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        b
    });
    let b = bar.clone();
    let progress = Arc::new(move |p: affops_core::api::Progress| {
        if let Some(b) = &b {
            if let Some(t) = p.total {
                b.set_length(u64::from(t));
            }
            b.set_position(u64::from(p.done));
            b.set_message(p.message);
        }
    });
    let s = rt.block_on(ops::imports::import_run(cx, req, progress))?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    if a.json {
        return crate::print_json(&s);
    }
    print_run(&s);
    Ok(())
}

fn print_run(s: &ImportRunSummary) {
    if s.already_imported {
        println!(
            "{} was already imported as run {} (nothing written).",
            s.file_name, s.id
        );
    }
    println!(
        "run {}  {}  {}  {} bytes  sha256 {}  source {}\n  status {}  {} rows imported, {} quarantined{}",
        s.id,
        s.preset.as_str(),
        s.file_name,
        s.file_size,
        &s.sha256[..16],
        s.source,
        s.status,
        s.rows_ok,
        s.rows_quarantined,
        if s.rows_quarantined > 0 { format!(" (see: affops-cli quarantine list --run {})", s.id) } else { String::new() }
    );
    print_ignored_signals(&s.ignored_signals, "");
    print_missing_signals(&s.missing_signals);
}

/// Values that carried no signal (placeholders, private IPs, emails that are not addresses): the rows were
/// imported; detection will not read these values.
fn print_ignored_signals(signals: &[IgnoredSignal], scope: &str) {
    for s in signals {
        if scope.is_empty() {
            println!("  ignored: {}", s.message);
        } else {
            println!("  ignored ({scope}): {}", s.message);
        }
    }
}

/// The detection rules the file cannot feed: warnings, the rows were imported (or would be) all the same.
fn print_missing_signals(signals: &[MissingSignal]) {
    for w in signals {
        println!("  warning: {}", w.message);
    }
}

pub fn run_quarantine(cx: &Ctx, q: QuarantineArgs) -> Result<(), ApiError> {
    match q.action {
        QuarantineAction::Runs => {
            let runs = ops::imports::import_runs(cx)?;
            if q.json {
                return crate::print_json(&runs);
            }
            runs.iter().for_each(print_run);
        }
        QuarantineAction::List {
            run,
            field,
            reason,
            offset,
            limit,
        } => {
            let req = QuarantineRequest {
                run_id: run,
                field,
                reason,
                offset,
                limit,
            };
            let page = ops::imports::import_quarantine(cx, req)?;
            if q.json {
                return crate::print_json(&page);
            }
            println!(
                "run {}: {} quarantined rows match; showing from {}",
                page.run_id, page.total, page.offset
            );
            for r in &page.rows {
                println!(
                    "{:<10} {:<16} {}\n           {}",
                    r.locator,
                    r.field.as_deref().unwrap_or("-"),
                    r.reason,
                    r.raw.chars().take(160).collect::<String>()
                );
            }
        }
        QuarantineAction::Export { run, out } => match out {
            Some(path) => {
                let req = QuarantineExportRequest {
                    run_id: run,
                    path: path.display().to_string(),
                };
                let r = ops::imports::import_quarantine_export(cx, req)?;
                eprintln!("exported {} rows to {}", r.rows, r.path);
            }
            None => {
                ops::imports::import_quarantine_write(cx, run, std::io::stdout().lock())?;
            }
        },
    }
    Ok(())
}
