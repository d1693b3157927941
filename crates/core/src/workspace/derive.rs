//! What is derived from the events, kept current after every sync or import: each iGaming program's attribution
//! (who earns for which player) — and from there the dashboards and commission read `players.affiliate_id` —
//! then detection over every program (iGaming and Forex: churning is a Forex rule), incremental from its last
//! run, so new flags appear without anyone asking.
//!
//! Last, the daily rollups of every day the new data (and the attribution it moved) touched are recomputed, so a
//! dashboard read after an import or sync never rebuilds them (a 10 M-click import left 65 s of it to the first
//! dashboard).
//!
//! Forex programs are not re-attributed: a broker's back-office assigns each client account to its IB, and that
//! link (set at ingest, first referrer kept) is the attribution.

use super::Workspace;
use crate::attribution::types::AttributionRunSummary;
use crate::detect::RunReport;
use crate::ingest::types::Progress;
use crate::store::StoreResult;

/// What `derive` did, per program.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeriveSummary {
    pub attribution: Vec<(String, AttributionRunSummary)>,
    /// Detection per program (every program, after attribution), with the flags each run created.
    pub detection: Vec<(String, RunReport)>,
    /// Days whose rollups were recomputed.
    pub rollup_days: usize,
}

impl DeriveSummary {
    /// New flags over all programs.
    pub fn flags_created(&self) -> u32 {
        self.detection.iter().map(|(_, r)| r.flags_created).sum()
    }
}

impl Workspace {
    /// Runs every derivation over what the store holds now (each is incremental and idempotent: a second call
    /// with nothing new changes nothing). Attribution first: detection charges findings to the attributed
    /// affiliate.
    pub fn derive(&self, now_ms: i64) -> StoreResult<DeriveSummary> {
        self.derive_reporting(now_ms, &|_| {})
    }

    /// [`Workspace::derive`], telling `progress` each step: a program's attribution, each detection rule (a run
    /// at the seed's scale takes tens of seconds), the rollups.
    pub fn derive_reporting(
        &self,
        now_ms: i64,
        progress: &dyn Fn(Progress),
    ) -> StoreResult<DeriveSummary> {
        let programs = self.store.read(crate::programs::all)?;
        let mut summary = DeriveSummary::default();
        for p in programs.iter().filter(|p| !p.is_forex()) {
            progress(Progress::step(
                "attribution",
                0,
                1,
                format!("attributing {}'s players", p.name),
            ));
            let run = crate::attribution::run(&self.store, p.id, now_ms)?;
            summary.attribution.push((p.name.clone(), run));
        }
        for p in programs {
            let rules = crate::detect::rules();
            let run = crate::detect::run_reporting(
                &self.store,
                p.id,
                now_ms,
                crate::detect::When::Changed,
                &rules,
                &|step: Progress| {
                    progress(Progress {
                        message: format!("detection in {}: {}", p.name, step.message),
                        ..step
                    })
                },
            )?;
            summary.detection.push((p.name, run));
        }
        if self.store.read(crate::rollups::has_dirty)? {
            progress(Progress::step(
                "rollups",
                0,
                1,
                "rolling up the days the new data touched".into(),
            ));
            summary.rollup_days = self.store.write(crate::rollups::refresh)?;
        }
        Ok(summary)
    }
}
