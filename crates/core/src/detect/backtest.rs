//! Backtesting: a rule, or changed thresholds, over all history without saving flags — what it would flag and
//! how much commission it would hold per affiliate (see [`super::amount_at_stake`]).

use std::collections::BTreeMap;

use rusqlite::params;

use super::{amount_at_stake, rule, rules, settings, DetectError, Window};
use crate::api::{BacktestAffiliate, BacktestRequest, BacktestResult, BacktestRule};
use crate::money::format_amount;
use crate::store::Store;

pub fn backtest(
    store: &Store,
    program_id: i64,
    req: &BacktestRequest,
    now_ms: i64,
) -> Result<BacktestResult, DetectError> {
    let chosen = match &req.rule {
        Some(name) => vec![rule(name)?],
        None if req.settings.is_empty() => rules(),
        None => {
            return Err(DetectError::InvalidSetting(
                "--set needs --rule: settings belong to one rule".into(),
            ))
        }
    };
    let changes = settings::parse_pairs(&req.settings)?;
    // Validate before touching the store, so a bad setting is reported as such.
    let with_settings = store.read(|conn| {
        let mut v = Vec::new();
        for r in &chosen {
            let eff = settings::current(conn, program_id, r.name, r.settings)?;
            v.push((*r, eff));
        }
        Ok(v)
    })?;
    let mut prepared = Vec::new();
    for (r, eff) in with_settings {
        let values = settings::validate(r.name, r.settings, &eff.values, &changes)?;
        prepared.push((
            r,
            settings::Effective {
                version: eff.version,
                values,
            },
        ));
    }
    let window = Window {
        program_id,
        since_ms: 0,
        now_ms,
    };
    Ok(store
        .read(|conn| {
            let currency: String = conn.query_row(
                "SELECT currency FROM programs WHERE id = ?1",
                [program_id],
                |r| r.get(0),
            )?;
            let mut out = Vec::new();
            for (r, eff) in &prepared {
                let settings_json = serde_json::to_string(&eff.values).unwrap_or_default();
                let findings = match (r.evaluate)(conn, &window, eff) {
                    Ok(f) => f,
                    Err(e) => {
                        out.push(BacktestRule {
                            rule: r.name.into(),
                            settings_json,
                            findings: 0,
                            already_flagged: 0,
                            affiliates: Vec::new(),
                            examples: Vec::new(),
                            error: Some(format!("{} (rows: {})", e.reason, e.rows.join(", "))),
                        });
                        continue;
                    }
                };
                let mut per: BTreeMap<Option<i64>, (u32, i64)> = BTreeMap::new();
                let mut already = 0u32;
                let mut exists = conn.prepare_cached(
                    "SELECT 1 FROM flags WHERE program_id = ?1 AND rule = ?2 AND subject_key = ?3",
                )?;
                for f in &findings {
                    let e = per.entry(f.affiliate_id).or_default();
                    e.0 += 1;
                    e.1 =
                        e.1.saturating_add(amount_at_stake(conn, program_id, &f.items)?);
                    if exists.exists(params![program_id, r.name, f.subject_key])? {
                        already += 1;
                    }
                }
                let mut affiliates = Vec::new();
                for (aff, (n, amount)) in per {
                    let (id, name) = match aff {
                        Some(a) => conn.query_row(
                            "SELECT external_id, name FROM affiliates WHERE id = ?1",
                            [a],
                            |r| Ok((r.get(0)?, r.get(1)?)),
                        )?,
                        None => (String::new(), "(no affiliate)".to_string()),
                    };
                    affiliates.push(BacktestAffiliate {
                        affiliate_id: id,
                        affiliate_name: name,
                        findings: n,
                        amount_at_stake: format_amount(amount, &currency),
                        currency: currency.clone(),
                    });
                }
                out.push(BacktestRule {
                    rule: r.name.into(),
                    settings_json,
                    findings: findings.len() as u32,
                    already_flagged: already,
                    affiliates,
                    examples: findings
                        .iter()
                        .take(10)
                        .map(|f| f.summary.clone())
                        .collect(),
                    error: None,
                });
            }
            Ok(out)
        })
        .map(|rules| BacktestResult { rules })?)
}
