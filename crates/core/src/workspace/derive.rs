//! What is derived from the events, kept current after every sync or import: each iGaming program's attribution
//! (who earns for which player) — and from there the dashboards and commission read `players.affiliate_id` —
//! then detection over every program (iGaming and Forex: churning is a Forex rule), incremental from its last
//! run, so new flags appear without anyone asking.
//!
//! Forex programs are not re-attributed: a broker's back-office assigns each client account to its IB, and that
//! link (set at ingest, first referrer kept) is the attribution.

use super::Workspace;
use crate::attribution::types::AttributionRunSummary;
use crate::detect::RunReport;
use crate::store::StoreResult;

/// What `derive` did, per program.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeriveSummary {
    pub attribution: Vec<(String, AttributionRunSummary)>,
    /// Detection per program (every program, after attribution), with the flags each run created.
    pub detection: Vec<(String, RunReport)>,
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
        let programs: Vec<(i64, String, String)> =
            self.store.read::<_, crate::store::StoreError>(|c| {
                let mut stmt = c.prepare("SELECT id, name, vertical FROM programs ORDER BY id")?;
                let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
                Ok(rows.collect::<Result<Vec<_>, _>>()?)
            })?;
        let mut summary = DeriveSummary::default();
        for (id, name, vertical) in &programs {
            if vertical == "igaming" {
                let run = crate::attribution::run(&self.store, *id, now_ms)?;
                summary.attribution.push((name.clone(), run));
            }
        }
        for (id, name, _) in programs {
            let run = crate::detect::run(&self.store, id, None, now_ms)?;
            summary.detection.push((name, run));
        }
        Ok(summary)
    }
}
