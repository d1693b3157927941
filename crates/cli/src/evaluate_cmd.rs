//! `affops-cli evaluate`: runs [`crate::evaluate`] over several seeds, prints precision and recall per pattern and
//! reason code (and the public-data figures), and fails below the targets.

use std::path::PathBuf;

use affops_core::api::{ApiError, ErrorCode};
use clap::Args;

#[derive(Args)]
pub struct EvalArgs {
    #[arg(long, default_value_t = 3)]
    pub seeds: u64,
    /// First seed (seeds run from here upwards).
    #[arg(long, default_value_t = 101)]
    first_seed: u64,
    /// Clicks per world (default: a 10-day world of ~1,500 clicks).
    #[arg(long)]
    clicks: Option<u64>,
    /// Folder of the public labelled files (default: ../shared/data when present).
    #[arg(long)]
    data_dir_public: Option<PathBuf>,
    /// Also print the ids of missed and extra records per pattern.
    #[arg(long)]
    verbose: bool,
}

pub fn run(args: &EvalArgs) -> Result<(), ApiError> {
    use crate::evaluate::{add, evaluate_seed, failures, Scores};
    let rt = tokio::runtime::Runtime::new()
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    let mut total = Scores::new();
    for seed in args.first_seed..args.first_seed + args.seeds {
        let s = rt.block_on(evaluate_seed(seed, args.clicks))?;
        add(&mut total, &s);
        if args.verbose {
            let missed: Vec<_> = s
                .iter()
                .filter(|(_, v)| v.fn_ + v.fp > 0)
                .map(|(k, v)| format!("{k}: missed {:?} extra {:?}", v.missed, v.extra))
                .collect();
            eprintln!(
                "seed {seed}: {}",
                if missed.is_empty() {
                    "all found".to_string()
                } else {
                    missed.join("; ")
                }
            );
        }
    }
    println!(
        "{:<24} {:>5} {:>5} {:>5} {:>9} {:>7}",
        "pattern / reason", "TP", "FP", "FN", "precision", "recall"
    );
    for (label, s) in &total {
        println!(
            "{label:<24} {:>5} {:>5} {:>5} {:>9.3} {:>7.3}",
            s.tp,
            s.fp,
            s.fn_,
            s.precision(),
            s.recall()
        );
        if args.verbose && (!s.missed.is_empty() || !s.extra.is_empty()) {
            println!("    missed {:?}\n    extra  {:?}", s.missed, s.extra);
        }
    }
    let public = args
        .data_dir_public
        .clone()
        .unwrap_or_else(|| PathBuf::from("../shared/data"));
    if public.is_dir() {
        crate::evaluate_public::run(&public)?;
    } else {
        println!("public data: {} not found, skipped", public.display());
    }
    let bad = failures(&total);
    if bad.is_empty() {
        println!("All targets met (precision >= 0.95, recall >= 0.90 per pattern; reconciliation 100 %).");
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorCode::Internal,
            format!(
                "below target: {}",
                bad.iter()
                    .map(|(l, p, r)| format!("{l} (precision {p:.3}, recall {r:.3})"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ))
    }
}
