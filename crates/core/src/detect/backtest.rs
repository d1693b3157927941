//! Backtesting: a rule, or changed thresholds, over all history without saving flags — what it would flag and
//! how much commission it would hold per affiliate: what the engine pays for the findings' players in the open
//! periods, computed with and without them (see [`super::stake`]).

use std::collections::BTreeMap;

use rusqlite::params;

use super::stake::Stakes;
use super::{rule, rules, settings, DetectError, Window};
use crate::detect::types::{BacktestAffiliate, BacktestRequest, BacktestResult, BacktestRule};
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
    let with_settings = store.read::<_, crate::store::StoreError>(|conn| {
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
    let window = Window::new(program_id, 0, now_ms);
    Ok(store
        .read::<_, crate::store::StoreError>(|conn| {
            let currency: String = conn.query_row(
                "SELECT currency FROM programs WHERE id = ?1",
                [program_id],
                |r| r.get(0),
            )?;
            let mut out = Vec::new();
            let mut stakes = Stakes::default();
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
                // Findings per flagged affiliate; commission held per affiliate the engine pays (a finding's
                // players can earn a parent an override too), all findings' players left out together.
                let mut per: BTreeMap<Option<i64>, (u32, i64)> = BTreeMap::new();
                let mut already = 0u32;
                let all_items: Vec<_> = findings
                    .iter()
                    .flat_map(|f| f.items.iter().cloned())
                    .collect();
                for ((aff, cur), held) in stakes.per_affiliate(conn, program_id, &all_items)? {
                    if cur == currency {
                        per.entry(Some(aff)).or_default().1 += held;
                    }
                }
                let mut exists = conn.prepare_cached(
                    "SELECT 1 FROM flags WHERE program_id = ?1 AND rule = ?2 AND subject_key = ?3",
                )?;
                for f in &findings {
                    let e = per.entry(f.affiliate_id).or_default();
                    e.0 += 1;
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
