//! What the desktop shell and the CLI call beyond the rules: the program a command acts on, a run's summary
//! for the UI, and the dashboard's alerts (open flags and unreconciled payout per affiliate).

use std::collections::BTreeMap;

use super::queue::STATUS_SQL;
use super::{DetectError, RunReport, Severity};
use crate::detect::types::{DashboardAlert, DetectRunSummary, RuleRunRow};
use crate::money::format_amount;
use crate::store::Store;

/// A run as the UI shows it.
pub fn summary(report: &RunReport) -> DetectRunSummary {
    DetectRunSummary {
        run_id: report.run_id,
        flags_created: report.flags_created,
        flags_updated: report.flags_updated,
        flags_superseded: report.flags_superseded,
        flags_reopened: report.flags_reopened,
        skipped: report.skipped,
        rules: report
            .rules
            .iter()
            .map(|r| RuleRunRow {
                rule: r.rule.clone(),
                findings: r.findings,
                flags_created: r.flags_created,
                flags_updated: r.flags_updated,
                flags_superseded: r.flags_superseded,
                flags_reopened: r.flags_reopened,
                error: r
                    .failure
                    .as_ref()
                    .map(|f| format!("{} (rows: {})", f.reason, f.rows.join(", "))),
            })
            .collect(),
    }
}

/// Open flags (count, how many high, the highest severity) and unreconciled payout per program and affiliate,
/// for the dashboard.
pub fn dashboard_alerts(store: &Store) -> Result<Vec<DashboardAlert>, DetectError> {
    type Key = (String, String, String, String); // program, affiliate external id, name, currency
    Ok(store.read::<_, crate::store::StoreError>(|conn| {
        let mut per: BTreeMap<Key, (u32, u32, Option<Severity>, i64)> = BTreeMap::new();
        let sql = format!(
            "SELECT pr.name, a.external_id, a.name, pr.currency, c.severity FROM flags f JOIN flag_current c ON c.flag_id = f.id JOIN affiliates a ON a.id = c.affiliate_id
             JOIN programs pr ON pr.id = f.program_id WHERE {STATUS_SQL} = 'open'"
        );
        for r in conn.prepare(&sql)?.query_map([], |r| Ok(((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?), r.get::<_, String>(4)?)))? {
            let (key, sev) = r?;
            let sev = match sev.as_str() {
                "high" => Severity::High,
                "medium" => Severity::Medium,
                _ => Severity::Low,
            };
            let e = per.entry(key).or_default();
            e.0 += 1;
            if sev == Severity::High {
                e.1 += 1;
            }
            e.2 = e.2.max(Some(sev));
        }
        for r in conn
            .prepare("SELECT pr.name, a.external_id, a.name, d.currency, SUM(ABS(d.impact_micros)) FROM recon_discrepancies d JOIN affiliates a ON a.id = d.affiliate_id JOIN programs pr ON pr.id = a.program_id WHERE NOT EXISTS (SELECT 1 FROM dispute_cases c WHERE c.discrepancy_id = d.id) GROUP BY 1, 2, 3, 4")?
            .query_map([], |r| Ok(((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?), r.get::<_, i64>(4)?)))?
        {
            let (key, amount) = r?;
            per.entry(key).or_default().3 += amount;
        }
        Ok(per
            .into_iter()
            .map(|((program, affiliate_id, affiliate_name, currency), (open, high, highest, amount))| DashboardAlert {
                unreconciled: format_amount(amount, &currency),
                program,
                affiliate_id,
                affiliate_name,
                open_flags: open,
                high_flags: high,
                highest_severity: highest.map(|s| s.as_str().to_string()).unwrap_or_default(),
                currency,
            })
            .collect())
    })?)
}
