//! Writing a run: the run row, and each rule's findings reconciled with the flags it raised before. A flag is one
//! rule's word on one subject (`(program, rule, subject_key)`); a run judges every subject on all the data stored,
//! so what it finds replaces what earlier runs found on less data, as new revisions (0023):
//! - a subject found for the first time is a new flag (revision 1, `found`);
//! - a flag found again with other evidence (score, summary, evidence, records) gets an `updated` revision;
//! - a flag the run no longer finds is `superseded`, with why; found again later it is `reopened`;
//! - a flag found again unchanged gets nothing, so a re-run over the same data adds nothing.
//!
//! A rule that failed leaves its flags as they are. Decisions are never touched: they name the revision they
//! were taken against.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::{Finding, ItemKind, RuleFailure, RuleOutcome, RunReport};
use crate::store::StoreResult;

/// Tables whose new rows can change what a rule finds: the events, the attribution that charges them to an
/// affiliate, the identifiers rules compare, the raw archive every received record passes through, and the
/// allow-list.
const WATCHED: [&str; 12] = [
    "clicks",
    "players",
    "money_movements",
    "deals",
    "player_activity_daily",
    "forex_accounts",
    "player_attribution",
    "affiliate_identifiers",
    "ip_countries",
    "raw_records",
    "detect_allowlist",
    "detect_allowlist_revocations",
];

/// What a run saw: the highest row id of each watched table, and each rule's settings version
/// (`settings:<rule>`). Two runs with the same state judged the same data with the same settings.
pub(super) fn data_state(
    conn: &Connection,
    versions: &[(&'static str, i64)],
) -> StoreResult<BTreeMap<String, i64>> {
    let mut out = BTreeMap::new();
    for table in WATCHED {
        let max: Option<i64> =
            conn.query_row(&format!("SELECT MAX(rowid) FROM {table}"), [], |r| r.get(0))?;
        out.insert(table.to_string(), max.unwrap_or(0));
    }
    for (rule, version) in versions {
        out.insert(format!("settings:{rule}"), *version);
    }
    Ok(out)
}

/// The previous run of the program, when it saw exactly `state` (nothing new since: no need to run again).
pub(super) fn run_with_state(
    conn: &Connection,
    program_id: i64,
    state: &BTreeMap<String, i64>,
) -> StoreResult<Option<(i64, i64)>> {
    let last: Option<(i64, i64, String)> = conn
        .query_row(
            "SELECT id, now_ms, watermarks_json FROM detection_runs WHERE program_id = ?1 ORDER BY id DESC LIMIT 1",
            [program_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    Ok(last.and_then(|(id, now, json)| {
        let seen: BTreeMap<String, i64> = serde_json::from_str(&json).ok()?;
        (&seen == state).then_some((id, now))
    }))
}

pub struct StoredRun {
    pub program_id: i64,
    pub now_ms: i64,
    /// (rule, pattern) in run order.
    pub rules: Vec<(&'static str, &'static str)>,
    /// (rule, settings version) in run order.
    pub versions: Vec<(&'static str, i64)>,
    /// What the run saw (see [`data_state`]).
    pub state: BTreeMap<String, i64>,
}

type Results = [(String, Result<Vec<Finding>, RuleFailure>)];

/// A flag as its latest revision states it.
struct Current {
    flag_id: i64,
    revision: i64,
    state: String,
    score: i64,
    summary: String,
    evidence_json: String,
    items: Vec<(String, String)>,
    settings_version: i64,
    affiliate_id: Option<i64>,
}

/// A finding as a revision would store it.
struct Revision<'a> {
    finding: &'a Finding,
    evidence_json: String,
    items: Vec<(String, String)>,
}

impl<'a> Revision<'a> {
    fn of(finding: &'a Finding) -> Self {
        let items: BTreeSet<(String, String)> = finding
            .items
            .iter()
            .map(|(k, r)| (k.as_str().to_string(), r.clone()))
            .collect();
        Self {
            finding,
            evidence_json: serde_json::to_string(&finding.evidence).unwrap_or_else(|_| "{}".into()),
            items: items.into_iter().collect(),
        }
    }

    fn same_as(&self, c: &Current) -> bool {
        i64::from(self.finding.score.min(100)) == c.score
            && self.finding.summary == c.summary
            && self.evidence_json == c.evidence_json
            && self.items == c.items
            && self.finding.affiliate_id == c.affiliate_id
    }
}

impl StoredRun {
    pub(super) fn save(&self, tx: &Transaction<'_>, results: &Results) -> StoreResult<RunReport> {
        tx.execute(
            "INSERT INTO detection_runs (program_id, since_ms, now_ms, watermarks_json) VALUES (?1, 0, ?2, ?3)",
            params![
                self.program_id,
                self.now_ms,
                serde_json::to_string(&self.state).unwrap_or_else(|_| "{}".into())
            ],
        )?;
        let run_id = tx.last_insert_rowid();
        let mut outcomes = Vec::new();
        for (rule, result) in results {
            let pattern = self
                .rules
                .iter()
                .find(|(r, _)| r == rule)
                .map_or("", |(_, p)| *p);
            let version = self
                .versions
                .iter()
                .find(|(r, _)| r == rule)
                .map_or(0, |(_, v)| *v);
            let mut outcome = RuleOutcome {
                rule: rule.clone(),
                ..RuleOutcome::default()
            };
            match result {
                Ok(findings) => {
                    let writer = Writer {
                        tx,
                        program_id: self.program_id,
                        rule,
                        version,
                        run_id,
                        now_ms: self.now_ms,
                    };
                    writer.reconcile(pattern, findings, &mut outcome)?;
                }
                Err(failure) => outcome.failure = Some(failure.clone()),
            }
            outcomes.push(outcome);
        }
        let report = RunReport {
            run_id,
            program_id: self.program_id,
            now_ms: self.now_ms,
            skipped: false,
            flags_created: outcomes.iter().map(|o| o.flags_created).sum(),
            flags_updated: outcomes.iter().map(|o| o.flags_updated).sum(),
            flags_superseded: outcomes.iter().map(|o| o.flags_superseded).sum(),
            flags_reopened: outcomes.iter().map(|o| o.flags_reopened).sum(),
            rules: outcomes,
        };
        let report_json = serde_json::to_string(&report.rules).unwrap_or_else(|_| "[]".into());
        tx.execute(
            "UPDATE detection_runs SET flags_created = ?2, report_json = ?3 WHERE id = ?1",
            params![run_id, report.flags_created, report_json],
        )?;
        Ok(report)
    }
}

/// One rule's findings against its flags, in one run.
struct Writer<'t, 'c> {
    tx: &'t Transaction<'c>,
    program_id: i64,
    rule: &'t str,
    version: i64,
    run_id: i64,
    now_ms: i64,
}

impl Writer<'_, '_> {
    fn reconcile(
        &self,
        pattern: &str,
        findings: &[Finding],
        outcome: &mut RuleOutcome,
    ) -> StoreResult<()> {
        outcome.findings = findings.len() as u32;
        let mut current = self.current_flags()?;
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        for f in findings {
            // A rule naming one subject twice in a run: the first finding stands.
            if !seen.insert(f.subject_key.as_str()) {
                continue;
            }
            let rev = Revision::of(f);
            match current.remove(&f.subject_key) {
                None => {
                    self.insert_flag(pattern, &rev)?;
                    outcome.flags_created += 1;
                }
                Some(c) if c.state == "superseded" => {
                    self.revise(&c, "reopened", &rev, "found again on the data stored now")?;
                    outcome.flags_reopened += 1;
                }
                Some(c) if !rev.same_as(&c) => {
                    self.revise(&c, "updated", &rev, "")?;
                    outcome.flags_updated += 1;
                }
                Some(_) => {}
            }
        }
        // What is left was not found on all the data: superseded, unless it already is.
        for c in current.into_values().filter(|c| c.state != "superseded") {
            let reason = if c.settings_version != self.version {
                format!(
                    "not found after the rule's settings changed (version {} to {})",
                    c.settings_version, self.version
                )
            } else {
                "not found on the data stored now: records that arrived later no longer meet the rule".into()
            };
            self.supersede(&c, &reason)?;
            outcome.flags_superseded += 1;
        }
        Ok(())
    }

    /// The rule's flags in this program by subject, as their latest revisions state them.
    fn current_flags(&self) -> StoreResult<HashMap<String, Current>> {
        let mut stmt = self.tx.prepare(
            "SELECT f.subject_key, c.flag_id, c.revision, c.state, c.score, c.summary, c.evidence_json,
                    c.items_json, c.settings_version, c.affiliate_id
             FROM flags f JOIN flag_current c ON c.flag_id = f.id
             WHERE f.program_id = ?1 AND f.rule = ?2",
        )?;
        let rows = stmt.query_map(params![self.program_id, self.rule], |r| {
            let items_json: String = r.get(7)?;
            Ok((
                r.get::<_, String>(0)?,
                Current {
                    flag_id: r.get(1)?,
                    revision: r.get(2)?,
                    state: r.get(3)?,
                    score: r.get(4)?,
                    summary: r.get(5)?,
                    evidence_json: r.get(6)?,
                    items: serde_json::from_str(&items_json).unwrap_or_default(),
                    settings_version: r.get(8)?,
                    affiliate_id: r.get(9)?,
                },
            ))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn insert_flag(&self, pattern: &str, rev: &Revision<'_>) -> StoreResult<()> {
        let f = rev.finding;
        self.tx.execute(
            "INSERT INTO flags (program_id, affiliate_id, rule, pattern, subject_key, severity, score, summary,
                 evidence_json, settings_version, run_id, created_at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![
                self.program_id,
                f.affiliate_id,
                self.rule,
                pattern,
                f.subject_key,
                f.severity().as_str(),
                i64::from(f.score.min(100)),
                f.summary,
                rev.evidence_json,
                self.version,
                self.run_id,
                self.now_ms
            ],
        )?;
        let flag_id = self.tx.last_insert_rowid();
        self.add_revision(flag_id, 1, "found", rev, "")?;
        self.write_items(flag_id, &rev.items, false)
    }

    fn revise(
        &self,
        c: &Current,
        state: &str,
        rev: &Revision<'_>,
        reason: &str,
    ) -> StoreResult<()> {
        self.add_revision(c.flag_id, c.revision + 1, state, rev, reason)?;
        if rev.items != c.items {
            self.write_items(c.flag_id, &rev.items, true)?;
        }
        Ok(())
    }

    fn add_revision(
        &self,
        flag_id: i64,
        revision: i64,
        state: &str,
        rev: &Revision<'_>,
        reason: &str,
    ) -> StoreResult<()> {
        let f = rev.finding;
        self.tx.execute(
            "INSERT INTO flag_revisions (flag_id, revision, state, severity, score, summary, evidence_json,
                 items_json, settings_version, run_id, reason, at_ms, affiliate_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            params![
                flag_id,
                revision,
                state,
                f.severity().as_str(),
                i64::from(f.score.min(100)),
                f.summary,
                rev.evidence_json,
                serde_json::to_string(&rev.items).unwrap_or_else(|_| "[]".into()),
                self.version,
                self.run_id,
                reason,
                self.now_ms,
                f.affiliate_id
            ],
        )?;
        Ok(())
    }

    /// The superseded revision repeats the last evidence and records (what the flag said), with why it no
    /// longer holds.
    fn supersede(&self, c: &Current, reason: &str) -> StoreResult<()> {
        self.tx.execute(
            "INSERT INTO flag_revisions (flag_id, revision, state, severity, score, summary, evidence_json,
                 items_json, settings_version, run_id, reason, at_ms, affiliate_id)
             SELECT flag_id, revision + 1, 'superseded', severity, score, summary, evidence_json, items_json,
                    ?2, ?3, ?4, ?5, ?7
             FROM flag_revisions WHERE flag_id = ?1 AND revision = ?6",
            params![
                c.flag_id,
                self.version,
                self.run_id,
                reason,
                self.now_ms,
                c.revision,
                c.affiliate_id
            ],
        )?;
        Ok(())
    }

    /// `flag_items` holds the latest revision's records (an index; each revision keeps its own list).
    fn write_items(
        &self,
        flag_id: i64,
        items: &[(String, String)],
        replace: bool,
    ) -> StoreResult<()> {
        if replace {
            self.tx
                .execute("DELETE FROM flag_items WHERE flag_id = ?1", [flag_id])?;
        }
        let mut stmt = self.tx.prepare_cached(
            "INSERT OR IGNORE INTO flag_items (flag_id, kind, ref) VALUES (?1, ?2, ?3)",
        )?;
        for (kind, r) in items {
            debug_assert!(ItemKind::parse(kind).is_some());
            stmt.execute(params![flag_id, kind, r])?;
        }
        Ok(())
    }
}
