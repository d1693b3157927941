//! `affops-cli evaluate`: runs [`crate::evaluate`] over several seeds and through each path (the connectors, the
//! operator's files in two orders), prints precision and recall per pattern and reason code, the legit units
//! of each trap wrongly flagged (and the public-data figures), and fails below the targets.

use std::path::PathBuf;
use std::time::Instant;

use affops_core::api::{ApiError, ErrorCode};
use clap::{Args, ValueEnum};

use crate::evaluate::{Evaluation, Via};

#[derive(Args)]
pub struct EvalArgs {
    #[arg(long, default_value_t = 3)]
    pub seeds: u64,
    /// First seed (seeds run from here upwards).
    #[arg(long, default_value_t = 101)]
    first_seed: u64,
    /// Clicks per world (default: a two-week world of about 16,000 clicks with every trap).
    #[arg(long)]
    clicks: Option<u64>,
    /// The paths the data takes: the connectors, the operator's files (in two orders), or both.
    #[arg(long, value_enum, default_value_t = ViaArg::All)]
    via: ViaArg,
    /// Folder of the public labelled files (default: ../shared/data when present).
    #[arg(long)]
    data_dir_public: Option<PathBuf>,
    /// Also print the ids of missed and extra records per pattern, and wrongly flagged units per trap.
    #[arg(long)]
    verbose: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ViaArg {
    Connectors,
    Files,
    All,
}

impl ViaArg {
    fn paths(self) -> Vec<Via> {
        match self {
            ViaArg::Connectors => vec![Via::Connectors],
            ViaArg::Files => vec![Via::FilesClicksFirst, Via::FilesRegistrationsFirst],
            ViaArg::All => Via::ALL.to_vec(),
        }
    }
}

pub fn run(args: &EvalArgs) -> Result<(), ApiError> {
    use crate::evaluate::{evaluate_via, failures, trap_failures, TRAP_FLAGGED_MAX};
    let rt = tokio::runtime::Runtime::new()
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    let mut bad: Vec<String> = Vec::new();
    let seeds = args.first_seed..args.first_seed + args.seeds;
    for via in args.via.paths() {
        let started = Instant::now();
        let mut total = Evaluation::default();
        for seed in seeds.clone() {
            let e = rt.block_on(evaluate_via(seed, args.clicks, via))?;
            total.add(&e);
            if args.verbose {
                let missed: Vec<_> = e
                    .scores
                    .iter()
                    .filter(|(_, v)| v.fn_ + v.fp > 0)
                    .map(|(k, v)| format!("{k}: missed {:?} extra {:?}", v.missed, v.extra))
                    .collect();
                eprintln!(
                    "{} seed {seed}: {}",
                    via.label(),
                    if missed.is_empty() {
                        "all found".to_string()
                    } else {
                        missed.join("; ")
                    }
                );
            }
        }
        println!(
            "== {} (seeds {}..={}, {:.1} s)",
            via.label(),
            seeds.start,
            seeds.end - 1,
            started.elapsed().as_secs_f64()
        );
        println!(
            "{:<24} {:>5} {:>5} {:>5} {:>9} {:>7}",
            "pattern / reason", "TP", "FP", "FN", "precision", "recall"
        );
        for (label, s) in &total.scores {
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
        if via != Via::Connectors {
            println!("(the files carry no identity, money or broker data: only the click rules are scored)");
        }
        println!(
            "{:<24} {:>6} {:>8} {:>8}  wrongly flagged by",
            "trap (legit units)", "units", "flagged", "share"
        );
        for (trap, s) in &total.traps {
            let rules: Vec<String> = s.by_rule.iter().map(|(r, n)| format!("{r} {n}")).collect();
            println!(
                "{trap:<24} {:>6} {:>8} {:>7.2}%  {}",
                s.units,
                s.flagged,
                s.share() * 100.0,
                rules.join(", ")
            );
            if args.verbose && !s.examples.is_empty() {
                println!("    e.g. {:?}", s.examples);
            }
        }
        println!();
        bad.extend(
            failures(&total.scores)
                .iter()
                .map(|(l, p, r)| format!("{}: {l} (precision {p:.3}, recall {r:.3})", via.label())),
        );
        bad.extend(trap_failures(&total.traps).iter().map(|(t, share)| {
            format!(
                "{}: trap {t} ({:.2} % of its legit units flagged, target <= {:.0} %)",
                via.label(),
                share * 100.0,
                TRAP_FLAGGED_MAX * 100.0
            )
        }));
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
    if bad.is_empty() {
        println!("All targets met (precision >= 0.95, recall >= 0.90 per pattern; reconciliation 100 %; no trap above 1 % of its legit units flagged).");
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorCode::Internal,
            format!("below target: {}", bad.join(", ")),
        ))
    }
}
