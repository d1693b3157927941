//! `affops-cli sandbox …`: the sandbox on its own, for tools and benchmarks — serve a world until Ctrl-C, write
//! its daily CSVs, stream a big clicks.csv, fire its conversions as postbacks, write its ground truth. No
//! workspace is opened: nothing here touches the user's data.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use affops_core::api::{ApiError, ErrorCode};
use affops_sandbox::{
    fire_postbacks, generate, serve, write_clicks_csv, write_ground_truth, write_operator_csvs,
    CsvQuirks, Dialect, FraudConfig, IntegrationFaults, PostbackOptions, TrapConfig, World,
    WorldConfig,
};
use clap::{Args, Subcommand};

/// The key `sandbox serve` accepts unless `--key` says otherwise (printed at start).
const DEFAULT_KEY: &str = "sandbox-key";

#[derive(Args, Clone)]
pub struct WorldArgs {
    #[arg(long, default_value_t = WorldConfig::demo().seed)]
    seed: u64,
    /// Exactly this many clicks over a month (default: the demo world).
    #[arg(long, value_name = "N")]
    clicks: Option<u64>,
    /// Add the Forex broker program.
    #[arg(long)]
    forex: bool,
    /// Plant a few of every fraud pattern.
    #[arg(long)]
    fraud: bool,
    /// Inject a few of every integration fault (missing/duplicate postbacks, late statuses, wrong amounts, TZ shift).
    #[arg(long)]
    faults: bool,
    /// Add legit traffic that looks like fraud (fast sign-ups, carrier NAT, households, a TV spike, pop traffic,
    /// fbclid, VPN users, heavy-tailed affiliates; listed under `traps` in the ground truth), and plant fraud in
    /// varying shapes rather than one exact shape per pattern.
    #[arg(long)]
    traps: bool,
}

impl WorldArgs {
    fn config(&self) -> WorldConfig {
        let base = match self.clicks {
            Some(n) => WorldConfig::scale(self.seed, n),
            None => WorldConfig {
                seed: self.seed,
                ..WorldConfig::demo()
            },
        };
        WorldConfig {
            forex: self.forex,
            fraud: if self.fraud {
                FraudConfig {
                    jitter: self.traps,
                    ..FraudConfig::typical()
                }
            } else {
                FraudConfig::default()
            },
            traps: if self.traps {
                TrapConfig::typical()
            } else {
                TrapConfig::default()
            },
            faults_injected: if self.faults {
                IntegrationFaults::typical()
            } else {
                IntegrationFaults::default()
            },
            ..base
        }
    }

    fn world(&self) -> World {
        generate(&self.config())
    }
}

#[derive(Subcommand)]
pub enum SandboxCmd {
    /// Serve a world on loopback until Ctrl-C; prints the base URL and API key.
    Serve {
        #[command(flatten)]
        world: WorldArgs,
        #[arg(long, default_value_t = 0)]
        port: u16,
        #[arg(long, default_value = DEFAULT_KEY)]
        key: String,
    },
    /// Write the daily operator CSVs (registrations, activity, clicks, trading) into a folder.
    WriteCsv {
        #[command(flatten)]
        world: WorldArgs,
        #[arg(long)]
        dir: PathBuf,
        /// BOM, mixed date formats, quoted commas, trailing blank lines.
        #[arg(long)]
        quirks: bool,
    },
    /// Stream one big clicks.csv of exactly N rows (the import benchmark file).
    ClicksCsv {
        #[arg(long, default_value_t = WorldConfig::demo().seed)]
        seed: u64,
        #[arg(long)]
        rows: u64,
        #[arg(long)]
        out: PathBuf,
    },
    /// Fire the world's conversions as postbacks at TARGET/postback/DIALECT.
    FirePostbacks {
        #[command(flatten)]
        world: WorldArgs,
        #[arg(long)]
        target: String,
        /// everflow, voluum, keitaro or affise.
        #[arg(long)]
        dialect: String,
        #[arg(long, default_value_t = 1)]
        duplicates: u8,
        #[arg(long)]
        shuffle: bool,
        #[arg(long, default_value_t = 8)]
        concurrency: usize,
        /// Sign with HMAC-SHA256 (X-Affops-Signature).
        #[arg(long)]
        secret: Option<String>,
        #[arg(long)]
        token: Option<String>,
        /// This many deliveries carry an unreplaced macro literal.
        #[arg(long, default_value_t = 0)]
        macros: u32,
    },
    /// Write an affiliate's claims file for a month of the demo world (`affops-cli demo --seed`), with planted
    /// outcomes, and its answer key (claim id → reason code) as JSON.
    Claims {
        #[arg(long, default_value_t = WorldConfig::demo().seed)]
        seed: u64,
        /// YYYY-MM.
        #[arg(long)]
        month: String,
        /// The claimant (default: the affiliate with the most missing postbacks that month).
        #[arg(long)]
        affiliate: Option<u32>,
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        key: PathBuf,
    },
    /// Write ground_truth.json: per-affiliate counts and every injected item.
    GroundTruth {
        #[command(flatten)]
        world: WorldArgs,
        #[arg(long)]
        out: PathBuf,
    },
}

fn io_error(what: &str, e: std::io::Error) -> ApiError {
    ApiError::new(ErrorCode::Internal, format!("{what}: {e}"))
}

fn runtime() -> Result<tokio::runtime::Runtime, ApiError> {
    tokio::runtime::Runtime::new().map_err(|e| {
        ApiError::new(
            ErrorCode::Internal,
            format!("cannot start the async runtime: {e}"),
        )
    })
}

pub fn run(cmd: SandboxCmd) -> Result<(), ApiError> {
    match cmd {
        SandboxCmd::Serve { world, port, key } => {
            let world = Arc::new(world.world());
            runtime()?.block_on(async move {
                let bind = SocketAddr::from(([127, 0, 0, 1], port));
                let server = serve(world.clone(), bind, key.clone())
                    .await
                    .map_err(|e| io_error("cannot bind the sandbox", e))?;
                println!(
                    "sandbox serving {} clicks at {}",
                    world.clicks.len(),
                    server.base_url()
                );
                println!(
                    "API key: {key}  (X-Eflow-API-Key, API-Key, api_key=… for TUNE, or Authorization: Bearer)"
                );
                println!("Ctrl-C to stop");
                let _ = tokio::signal::ctrl_c().await;
                server.shutdown().await;
                println!("stopped");
                Ok(())
            })
        }
        SandboxCmd::WriteCsv { world, dir, quirks } => {
            let quirks = if quirks {
                CsvQuirks::all()
            } else {
                CsvQuirks::default()
            };
            let written = write_operator_csvs(&world.world(), &dir, quirks)
                .map_err(|e| io_error("cannot write the CSVs", e))?;
            println!(
                "wrote {} files, {} rows into {}",
                written.files.len(),
                written.rows,
                dir.display()
            );
            Ok(())
        }
        SandboxCmd::ClicksCsv { seed, rows, out } => {
            let started = Instant::now();
            let written = write_clicks_csv(&WorldConfig::scale(seed, rows), &out)
                .map_err(|e| io_error("cannot write clicks.csv", e))?;
            let secs = started.elapsed().as_secs_f64();
            let bytes = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
            println!(
                "wrote {written} clicks ({:.1} MB) to {} in {secs:.1} s: {:.0} clicks/s",
                bytes as f64 / 1e6,
                out.display(),
                written as f64 / secs.max(1e-9)
            );
            Ok(())
        }
        SandboxCmd::FirePostbacks {
            world,
            target,
            dialect,
            duplicates,
            shuffle,
            concurrency,
            secret,
            token,
            macros,
        } => {
            let dialect = Dialect::parse(&dialect).ok_or_else(|| {
                ApiError::new(
                    ErrorCode::InvalidInput,
                    format!("unknown dialect {dialect:?}: everflow, voluum, keitaro or affise"),
                )
            })?;
            let options = PostbackOptions {
                duplicates,
                shuffle,
                shuffle_seed: world.seed,
                concurrency,
                token,
                secret,
                unreplaced_macros: macros,
            };
            let world = world.world();
            let report = runtime()?.block_on(fire_postbacks(&world, &target, dialect, &options));
            println!(
                "{}",
                serde_json::to_string_pretty(&report).unwrap_or_default()
            );
            Ok(())
        }
        SandboxCmd::Claims {
            seed,
            month,
            affiliate,
            out,
            key,
        } => {
            let world = affops_sandbox::generate(&WorldConfig::demo_workspace(seed));
            let aff = affiliate
                .or_else(|| affops_sandbox::claims_affiliate(&world, &month))
                .ok_or_else(|| ApiError::new(ErrorCode::InvalidInput, format!("Month: no affiliate has a missing postback in {month}; pass --affiliate")))?;
            let file = affops_sandbox::claims_file(&world, aff, &month);
            std::fs::write(&out, &file.csv)
                .map_err(|e| io_error("cannot write the claims file", e))?;
            let text = serde_json::to_string_pretty(&file.key)
                .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
            std::fs::write(&key, text).map_err(|e| io_error("cannot write the answer key", e))?;
            println!(
                "wrote {} claims of affiliate {aff} for {month} to {} (answer key {})",
                file.key.len(),
                out.display(),
                key.display()
            );
            Ok(())
        }
        SandboxCmd::GroundTruth { world, out } => {
            write_ground_truth(&world.world(), &out)
                .map_err(|e| io_error("cannot write ground truth", e))?;
            println!("wrote {}", out.display());
            Ok(())
        }
    }
}
