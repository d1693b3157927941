//! `affops-cli evaluate`: detection and reconciliation measured against the sandbox's answer key.
//!
//! For each seed a fraud- and fault-injected world (casino and Forex broker) is served on loopback and synced
//! through the real connectors into a temporary workspace set up like the demo: identity keys, payment hashes,
//! the operator's IP countries, withdrawals, daily activity and the broker's IBs, accounts and deals all arrive
//! through ingestion, and the sync itself derives attribution and runs detection. Reconciliation runs per month;
//! precision and recall are computed per pattern and per reason code against `World::injected()` — the answer
//! key is the only thing read from the world.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use affops_core::api::{ApiError, ColumnMap, ColumnMapping, ErrorCode, ImportPreset, ReconQuery};
use affops_core::ingest::{HttpPolicy, SyncOptions};
use affops_core::reconcile::{self, ReconSettings};
use affops_core::store::Store;
use affops_core::workspace::{ProgramSpec, StaticSecrets, Workspace, DEMO_API_KEY};
use affops_sandbox::{
    generate, serve, FraudConfig, IntegrationFaults, Pattern, World, WorldConfig,
};
use rusqlite::params;

/// Targets per pattern (precision, recall) and for reconciliation.
pub const PRECISION_MIN: f64 = 0.95;
pub const RECALL_MIN: f64 = 0.90;

/// How each answer-key pattern is scored: the flag pattern or reason code, and the record kind compared.
pub const SCORED: [(Pattern, &str, &str); 12] = [
    (Pattern::ClickFlooding, "click_flooding", "click"),
    (Pattern::ClickInjection, "click_injection", "player"),
    (Pattern::MultiAccounting, "multi_accounting", "player"),
    (Pattern::SelfReferral, "self_referral", "player"),
    (Pattern::BonusAbuse, "bonus_abuse", "player"),
    (Pattern::GeoMismatch, "geo_mismatch", "player"),
    (Pattern::ForexChurning, "forex_churning", "account"),
    (Pattern::MissingPostback, "missing_postback", "deposit"),
    (Pattern::DuplicatePostback, "duplicate", "conversion"),
    (Pattern::WrongAmount, "amount_mismatch", "conversion"),
    (Pattern::TimezoneShift, "timezone_shift", "deposit"),
    // Status lag: the changes feed's update time of an approved conversion, later than the threshold after it.
    (Pattern::LateStatusChange, "status_mismatch", "conversion"),
];

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Score {
    pub tp: u32,
    pub fp: u32,
    pub fn_: u32,
    /// A few of the injected records not found and of the records found but not injected, for `--verbose`.
    pub missed: Vec<String>,
    pub extra: Vec<String>,
}

impl Score {
    pub fn precision(&self) -> f64 {
        if self.tp + self.fp == 0 {
            1.0
        } else {
            f64::from(self.tp) / f64::from(self.tp + self.fp)
        }
    }
    pub fn recall(&self) -> f64 {
        if self.tp + self.fn_ == 0 {
            1.0
        } else {
            f64::from(self.tp) / f64::from(self.tp + self.fn_)
        }
    }
}

/// Scores per scored label (flag pattern / reason code), summed over seeds.
pub type Scores = BTreeMap<&'static str, Score>;

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::new(ErrorCode::Internal, e.to_string())
}

fn world_config(seed: u64, clicks: Option<u64>) -> WorldConfig {
    let base = match clicks {
        Some(n) => WorldConfig::scale(seed, n),
        None => WorldConfig {
            days: 10,
            clicks_per_day: 150,
            ..WorldConfig::small(seed)
        },
    };
    WorldConfig {
        fraud: FraudConfig::typical(),
        faults_injected: IntegrationFaults::typical(),
        forex: true,
        ..base
    }
}

/// One seed: set the workspace up like the demo (the casino and, with Forex, the broker), sync every source
/// through the real connectors — the sync derives attribution and runs detection by itself — reconcile each
/// month, and score against the answer key (the only thing read from the world).
pub async fn evaluate_seed(seed: u64, clicks: Option<u64>) -> Result<Scores, ApiError> {
    let world = Arc::new(generate(&world_config(seed, clicks)));
    let dir = tempfile::tempdir().map_err(internal)?;
    let server = serve(
        world.clone(),
        ([127, 0, 0, 1], 0).into(),
        DEMO_API_KEY.to_string(),
    )
    .await
    .map_err(internal)?;
    let ws = Workspace::open(dir.path())?;
    let p = &world.program;
    let spec = ProgramSpec {
        name: p.name.clone(),
        vertical: affops_core::programs::Vertical::Igaming,
        currency: p.currency.clone(),
        timezone: p.timezone.clone(),
    };
    let now_ms = (world.config.end_instant() + chrono::Duration::days(1)).timestamp_millis();
    let start = world.config.start.to_string();
    ws.setup_demo(&spec, &server.base_url(), &start, now_ms)?;
    if let Some(fx) = &world.forex {
        let broker = ProgramSpec {
            name: fx.program.name.clone(),
            vertical: affops_core::programs::Vertical::Forex,
            currency: fx.program.currency.clone(),
            timezone: fx.program.timezone.clone(),
        };
        ws.setup_demo_broker(&broker, &server.base_url(), &start, now_ms)?;
    }
    let opts = SyncOptions {
        now_ms,
        policy: HttpPolicy::fast(),
        full: false,
    };
    let synced = ws
        .sync(Arc::new(StaticSecrets::demo()), opts, Arc::new(|_| {}))
        .await;
    server.shutdown().await;
    synced?;
    let store = ws.store();
    let program_id: i64 = store.read::<_, affops_core::store::StoreError>(|c| {
        Ok(
            c.query_row("SELECT id FROM programs WHERE name = ?1", [&p.name], |r| {
                r.get(0)
            })?,
        )
    })?;
    let mut months = BTreeSet::new();
    let mut day = world.config.start;
    while day < world.config.start + chrono::Days::new(u64::from(world.config.days)) {
        months.insert(day.format("%Y-%m").to_string());
        day = day + chrono::Days::new(1);
    }
    for m in &months {
        let q = ReconQuery {
            period: m.clone(),
            ..ReconQuery::default()
        };
        reconcile::report::run(store, program_id, &q, &ReconSettings::default(), now_ms)?;
    }
    let mut scores = score(store, program_id, &world)?;
    for m in &months {
        scores.extend(score_claims(store, &p.name, &world, m, dir.path(), now_ms)?);
    }
    let scores: Result<Scores, ApiError> = Ok(scores);
    if let Some(keep) = std::env::var_os("AFFOPS_EVAL_KEEP") {
        // Debugging aid: keep this seed's workspace to inspect with sqlite3.
        let to = std::path::PathBuf::from(keep).join(format!("seed-{seed}"));
        let _ = std::fs::create_dir_all(&to);
        store.checkpoint()?;
        let _ = std::fs::copy(store.path(), to.join(affops_core::store::DB_FILE));
    }
    scores
}

fn score(store: &Store, program_id: i64, world: &World) -> Result<Scores, ApiError> {
    let mut truth: BTreeMap<&'static str, BTreeSet<String>> = BTreeMap::new();
    for (pattern, label, kind) in SCORED {
        let set = truth.entry(label).or_default();
        for item in world.injected().iter().filter(|i| i.pattern == pattern) {
            let ids: Vec<String> = match (kind, pattern) {
                ("click", _) => item.clicks.clone(),
                ("player", _) => item.players.clone(),
                ("deposit", _) => item.deposits.clone(),
                ("account", _) => item.logins.iter().map(u64::to_string).collect(),
                // A duplicate's answer is the second conversion; a wrong amount's its only one.
                (_, Pattern::DuplicatePostback) => {
                    item.conversions.iter().skip(1).cloned().collect()
                }
                _ => item.conversions.clone(),
            };
            set.extend(ids);
        }
    }
    let found: BTreeMap<&'static str, BTreeSet<String>> = store.read::<_, affops_core::store::StoreError>(|c| {
        let mut out = BTreeMap::new();
        for (_, label, kind) in SCORED {
            let flagged = c
                .prepare("SELECT DISTINCT i.ref FROM flags f JOIN flag_current c ON c.flag_id = f.id JOIN flag_items i ON i.flag_id = f.id
                          WHERE f.pattern = ?1 AND i.kind = ?2 AND c.state <> 'superseded'")?
                .query_map(params![label, kind], |r| r.get::<_, String>(0))?
                .collect::<Result<BTreeSet<_>, _>>()?;
            let col = match kind { "deposit" => "deposit_ref", _ => "conversion_ref" };
            let recon = c
                .prepare(&format!("SELECT DISTINCT {col} FROM recon_discrepancies WHERE program_id = ?1 AND reason = ?2"))?
                .query_map(params![program_id, label], |r| r.get::<_, String>(0))?
                .collect::<Result<BTreeSet<_>, _>>()?;
            out.insert(label, flagged.union(&recon).cloned().collect());
        }
        Ok(out)
    })?;
    Ok(SCORED
        .iter()
        .map(|(_, label, _)| {
            let (t, f) = (&truth[label], &found[label]);
            (
                *label,
                Score {
                    tp: t.intersection(f).count() as u32,
                    fp: f.difference(t).count() as u32,
                    fn_: t.difference(f).count() as u32,
                    missed: t.difference(f).take(10).cloned().collect(),
                    extra: f.difference(t).take(10).cloned().collect(),
                },
            )
        })
        .collect())
}

/// The claims leg: the month's claims file of the affiliate with the most missing postbacks, imported through the
/// `claims` preset and matched three ways; each reason code scored against the file's answer key (by claim id),
/// and the quarantine against the rows the file plants as bad.
fn score_claims(
    store: &Store,
    program: &str,
    world: &World,
    month: &str,
    dir: &std::path::Path,
    now_ms: i64,
) -> Result<Scores, ApiError> {
    let Some(aff) = affops_sandbox::claims_affiliate(world, month) else {
        return Ok(Scores::new());
    };
    let file = affops_sandbox::claims_file(world, aff, month);
    let path = dir.join(format!("claims-{aff}-{month}.csv"));
    std::fs::write(&path, &file.csv).map_err(internal)?;
    let mut columns: Vec<ColumnMap> = affops_core::import::fields_of(ImportPreset::Claims)
        .into_iter()
        .filter(|f| f != "affiliate_id")
        .map(|f| ColumnMap {
            column: f.clone(),
            field: f,
        })
        .collect();
    columns.push(ColumnMap {
        column: format!("{}{aff}", affops_core::import::CONST_PREFIX),
        field: "affiliate_id".into(),
    });
    let mut opts = affops_core::import::ImportOptions::new(
        "claims",
        ColumnMapping {
            preset: ImportPreset::Claims,
            columns,
            ..Default::default()
        },
        Arc::new(move || now_ms),
    );
    opts.program = Some(program.to_string());
    let run = affops_core::import::import_file(store, &path, &opts).map_err(internal)?;
    let prog = store
        .read(affops_core::programs::all)?
        .into_iter()
        .find(|x| x.name == program)
        .ok_or_else(|| internal("the program is gone"))?;
    let q = affops_core::api::ClaimsQuery {
        period: month.to_string(),
        affiliate: Some(aff.to_string()),
        reason: None,
    };
    let report = store
        .write(|tx| affops_core::disputes::claims::reconcile(tx, &prog, &q, None, now_ms))
        .map_err(internal)?;
    let mut out = Scores::new();
    for label in CLAIM_LABELS {
        let reason = &label["claims:".len()..];
        let truth: BTreeSet<&str> = file
            .key
            .iter()
            .filter(|(_, r)| r.as_str() == reason)
            .map(|(k, _)| k.as_str())
            .collect();
        let found: BTreeSet<&str> = report
            .rows
            .iter()
            .filter(|r| r.reason == reason)
            .map(|r| r.claim.as_str())
            .collect();
        let s = out.entry(label).or_default();
        s.tp += truth.intersection(&found).count() as u32;
        s.fp += found.difference(&truth).count() as u32;
        s.fn_ += truth.difference(&found).count() as u32;
        s.missed
            .extend(truth.difference(&found).take(10).map(|x| x.to_string()));
        s.extra
            .extend(found.difference(&truth).take(10).map(|x| x.to_string()));
    }
    // The bad rows the file plants (and its repeated claim id) are quarantined, no more and no fewer.
    let planted = file.key.values().filter(|r| *r == "quarantined").count() as i64 + 1;
    let q = out.entry("claims:quarantined").or_default();
    q.tp += planted.min(run.rows_quarantined) as u32;
    q.fp += (run.rows_quarantined - planted).max(0) as u32;
    q.fn_ += (planted - run.rows_quarantined).max(0) as u32;
    Ok(out)
}

/// The claims leg's reason codes, scored like the other labels.
pub const CLAIM_LABELS: [&str; 7] = [
    "claims:confirmed",
    "claims:amount_mismatch",
    "claims:missing_postback",
    "claims:other_affiliate",
    "claims:unknown",
    "claims:no_deposit",
    "claims:outside_window",
];

/// Sums per-seed scores.
pub fn add(total: &mut Scores, s: &Scores) {
    for (k, v) in s {
        let e = total.entry(k).or_default();
        e.tp += v.tp;
        e.fp += v.fp;
        e.fn_ += v.fn_;
        e.missed.extend(v.missed.iter().cloned());
        e.extra.extend(v.extra.iter().cloned());
    }
}

/// Labels below target: (label, precision, recall).
pub fn failures(total: &Scores) -> Vec<(&'static str, f64, f64)> {
    total
        .iter()
        .filter(|(label, s)| {
            let recon = [
                "missing_postback",
                "duplicate",
                "amount_mismatch",
                "timezone_shift",
            ]
            .contains(label)
                || label.starts_with("claims:");
            if recon {
                s.precision() < 1.0 || s.recall() < 1.0
            } else {
                s.precision() < PRECISION_MIN || s.recall() < RECALL_MIN
            }
        })
        .map(|(l, s)| (*l, s.precision(), s.recall()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The quality bar on worlds the thresholds were not tuned on (seeds 901, 902): every scored pattern and
    /// reason code meets its target, and every pattern has something to find (recall is not vacuous).
    #[test]
    fn evaluate_meets_targets_on_untuned_seeds() {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let mut total = Scores::new();
        for seed in [901, 902] {
            let s = rt.block_on(evaluate_seed(seed, None)).unwrap();
            add(&mut total, &s);
        }
        for (label, s) in &total {
            assert!(s.tp > 0, "{label}: nothing injected was found ({s:?})");
        }
        assert!(
            failures(&total).is_empty(),
            "below target: {:?}\n{total:?}",
            failures(&total)
        );
    }
}
