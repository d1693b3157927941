//! What is derived from the events, kept current after every sync or import: each iGaming program's attribution
//! (who earns for which player) — and from there the dashboards and commission read `players.affiliate_id`.
//!
//! Forex programs are not re-attributed: a broker's back-office assigns each client account to its IB, and that
//! link (set at ingest, first referrer kept) is the attribution.

use super::Workspace;
use crate::api::AttributionRunSummary;
use crate::store::StoreResult;

/// What `derive` did, per program.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeriveSummary {
    pub attribution: Vec<(String, AttributionRunSummary)>,
}

impl Workspace {
    /// Runs every derivation over what the store holds now (each is incremental and idempotent: a second call
    /// with nothing new changes nothing).
    pub fn derive(&self, now_ms: i64) -> StoreResult<DeriveSummary> {
        let programs: Vec<(i64, String)> = self.store.read(|c| {
            let mut stmt =
                c.prepare("SELECT id, name FROM programs WHERE vertical = 'igaming' ORDER BY id")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })?;
        let mut summary = DeriveSummary::default();
        for (id, name) in programs {
            let run = crate::attribution::run(&self.store, id, now_ms)?;
            summary.attribution.push((name, run));
        }
        Ok(summary)
    }
}
