//! Plan preview: what a plan version that is not saved yet would have paid each affiliate for a past period,
//! next to what the affiliate's current plan paid — the engine run twice over the same inputs, nothing posted.
//!
//! Who is previewed: the affiliates whose current plan has the previewed plan's name (a new version of a plan
//! in use); when no affiliate is on that plan (a new plan), every affiliate, as if the plan were everyone's.
//! Amounts are before carryovers (`carry_in`, `carry_out` and `waiver` lines are left out): the question is what
//! the terms pay, not what a balance carries. A current amount in another currency converts at the period's FX
//! snapshot; without a rate it is reported as a problem and counted as zero.

use super::engine::{compute, ActivityIn, AssignedPlan, EngineInput, EngineOutput, Fx, Problem};
use super::load::{load_input, Program};
use super::plan::file::{self, PlanFormat};
use super::plan::formula::Activity;
use super::plan::saved::{self, catalog};
use super::plan::validate::validate;
use super::plan::Component;
use super::{period, CommissionResult};
use crate::commission::types::{
    CommissionProblem, PlanPreview, PlanPreviewRow, PlanValidationError,
};
use crate::money::format_amount;
use crate::store::Store;
use crate::time::Period;
use rusqlite::{params, Connection};
use std::collections::{BTreeMap, BTreeSet};

/// Line keys that move balances between periods rather than pay terms.
const CARRY_KEYS: [&str; 3] = ["carry_in", "carry_out", "waiver"];

/// One previewed affiliate, amounts in the proposed plan's currency (micros, rounded to its minor units).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compared {
    pub affiliate_id: i64,
    pub external_id: String,
    pub current_plan: Option<(String, u32)>,
    pub current_micros: i64,
    pub proposed_micros: i64,
}

/// The affiliates a proposed plan is previewed for: those on a plan of the same name, else all of them.
pub fn targets(input: &EngineInput, proposed: &AssignedPlan) -> BTreeSet<i64> {
    let on_plan: BTreeSet<i64> = input
        .affiliates
        .iter()
        .filter(|a| {
            a.plan
                .as_ref()
                .is_some_and(|p| p.plan_name == proposed.plan_name)
        })
        .map(|a| a.id)
        .collect();
    if on_plan.is_empty() {
        input.affiliates.iter().map(|a| a.id).collect()
    } else {
        on_plan
    }
}

fn paid(out: &EngineOutput, affiliate_id: i64) -> Vec<(i64, &str)> {
    out.lines
        .iter()
        .filter(|l| l.affiliate_id == affiliate_id && !CARRY_KEYS.contains(&l.line_key.as_str()))
        .map(|l| (l.amount_micros, l.currency.as_str()))
        .collect()
}

/// Runs the engine on `input` as it is and with `proposed` in force for the targeted affiliates; returns the
/// affiliates where either run pays something, and the proposed run's problems (plus conversions that failed).
pub fn compare(input: &EngineInput, proposed: &AssignedPlan) -> (Vec<Compared>, Vec<Problem>) {
    let targets = targets(input, proposed);
    let current = compute(input);
    let mut changed = input.clone();
    for a in changed
        .affiliates
        .iter_mut()
        .filter(|a| targets.contains(&a.id))
    {
        a.plan = Some(proposed.clone());
    }
    let next = compute(&changed);
    let mut problems = next.problems.clone();
    let fx = Fx::new(&input.fx);
    let currency = proposed.currency.as_str();
    let mut rows = Vec::new();
    for a in input.affiliates.iter().filter(|a| targets.contains(&a.id)) {
        let mut current_micros = 0i64;
        for (micros, cur) in paid(&current, a.id) {
            let converted = if cur == currency {
                Some(micros)
            } else {
                fx.convert(micros, cur, currency)
                    .and_then(|d| proposed.rounding.round_to_minor(d, currency).ok())
            };
            match converted {
                Some(m) => current_micros = current_micros.saturating_add(m),
                None => problems.push(Problem {
                    kind: "unknown_currency".into(),
                    subject: a.external_id.clone(),
                    detail: format!("no FX rate {cur}→{currency} in the period's snapshot: the current amount in {cur} is left out of the comparison"),
                }),
            }
        }
        let proposed_micros = paid(&next, a.id)
            .iter()
            .fold(0i64, |s, (m, _)| s.saturating_add(*m));
        if current_micros == 0 && proposed_micros == 0 {
            continue;
        }
        let current_plan = a.plan.as_ref().map(|p| (p.plan_name.clone(), p.version_no));
        rows.push(Compared {
            affiliate_id: a.id,
            external_id: a.external_id.clone(),
            current_plan,
            current_micros,
            proposed_micros,
        });
    }
    problems.sort();
    problems.dedup();
    (rows, problems)
}

/// Wagering criteria count bets since registration: activity before the period is needed when a plan has one.
fn needs_history(p: &AssignedPlan) -> bool {
    p.version
        .components
        .iter()
        .any(|c| matches!(c, Component::Cpa(c) if c.qualification.wagering_multiple.is_some()))
}

/// Daily activity before `first_day` (the loader reads it only when a plan in force needs it).
fn activity_before(
    conn: &Connection,
    program_id: i64,
    first_day: &str,
) -> CommissionResult<Vec<ActivityIn>> {
    let mut stmt = conn.prepare(
        "SELECT a.player_id, a.day, a.currency, a.deposits_micros, a.withdrawals_micros, a.bets_micros, a.wins_micros, a.bonuses_micros,
                a.chargebacks_micros, a.adjustments_micros, a.fees_micros, a.taxes_micros
         FROM player_activity_daily a JOIN players p ON p.id = a.player_id
         WHERE p.program_id = ?1 AND a.day < ?2",
    )?;
    let rows = stmt.query_map(params![program_id, first_day], |r| {
        Ok(ActivityIn {
            player_id: r.get(0)?,
            day: r.get(1)?,
            currency: r.get(2)?,
            activity: Activity {
                deposits: r.get(3)?,
                withdrawals: r.get(4)?,
                bets: r.get(5)?,
                wins: r.get(6)?,
                bonuses: r.get(7)?,
                chargebacks: r.get(8)?,
                adjustments: r.get(9)?,
                fees: r.get(10)?,
                taxes: r.get(11)?,
            },
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn empty(
    plan: &str,
    effective_from: &str,
    label: &str,
    period: Period,
    currency: &str,
    errors: Vec<PlanValidationError>,
) -> PlanPreview {
    PlanPreview {
        plan: plan.into(),
        effective_from: effective_from.into(),
        period_label: label.into(),
        period,
        currency: currency.into(),
        errors,
        rows: vec![],
        total_current: format_amount(0, currency),
        total_proposed: format_amount(0, currency),
        problems: vec![],
    }
}

/// Previews the last version of a plan file (JSON or TOML) over the month `label` of the program. An invalid file
/// comes back with its errors and nothing computed.
pub fn preview_plan(
    store: &Store,
    prog: &Program,
    format: PlanFormat,
    text: &str,
    label: &str,
) -> CommissionResult<PlanPreview> {
    let (first_day, last_day) = period::month_bounds(label)?;
    let span = Period {
        from: first_day.clone(),
        to: last_day.clone(),
    };
    store.read(|c| preview_in(c, prog, format, text, label, span.clone()))
}

fn preview_in(
    c: &Connection,
    prog: &Program,
    format: PlanFormat,
    text: &str,
    label: &str,
    span: Period,
) -> CommissionResult<PlanPreview> {
    let plan = match file::parse(text, format) {
        Ok(p) => p,
        Err(e) => {
            return Ok(empty(
                "",
                "",
                label,
                span,
                &prog.currency,
                vec![PlanValidationError {
                    path: String::new(),
                    reason: e.to_string(),
                }],
            ))
        }
    };
    if let Err(errs) = validate(&plan, &catalog(c, prog.id)?) {
        let errors = errs
            .into_iter()
            .map(|e| PlanValidationError {
                path: e.path,
                reason: e.reason,
            })
            .collect();
        return Ok(empty(&plan.name, "", label, span, &plan.currency, errors));
    }
    let Some(version) = plan.versions.last().cloned() else {
        let errors = vec![PlanValidationError {
            path: "versions".into(),
            reason: "the plan has no version to preview".into(),
        }];
        return Ok(empty(&plan.name, "", label, span, &plan.currency, errors));
    };
    let saved = saved::load_plan(c, prog.id, &plan.name)?;
    let version_no = saved
        .as_ref()
        .map(|s| {
            s.versions
                .iter()
                .find(|v| v.effective_from == version.effective_from)
                .map_or(s.versions.len() as u32 + 1, |v| v.version_no)
        })
        .unwrap_or(plan.versions.len() as u32);
    let proposed = AssignedPlan {
        plan_name: plan.name.clone(),
        plan_version_id: 0,
        version_no,
        currency: plan.currency.clone(),
        rounding: plan.rounding,
        version: version.clone(),
    };

    let period_id = period::find(c, prog.id, label)?.map(|p| p.id);
    let mut input = load_input(c, prog, period_id, &span.from, &span.to)?;
    let loaded_history = input
        .affiliates
        .iter()
        .filter_map(|a| a.plan.as_ref())
        .any(needs_history);
    if needs_history(&proposed) && !loaded_history {
        let mut before = activity_before(c, prog.id, &span.from)?;
        before.append(&mut input.activity);
        input.activity = before;
    }
    let (compared, problems) = compare(&input, &proposed);

    let names: BTreeMap<i64, String> = {
        let mut stmt = c.prepare("SELECT id, name FROM affiliates WHERE program_id = ?1")?;
        let rows = stmt.query_map([prog.id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    let cur = plan.currency.as_str();
    let (mut total_current, mut total_proposed) = (0i64, 0i64);
    let rows = compared
        .into_iter()
        .map(|r| {
            total_current = total_current.saturating_add(r.current_micros);
            total_proposed = total_proposed.saturating_add(r.proposed_micros);
            let diff = r.proposed_micros.saturating_sub(r.current_micros);
            PlanPreviewRow {
                affiliate_name: names
                    .get(&r.affiliate_id)
                    .cloned()
                    .unwrap_or_else(|| r.external_id.clone()),
                affiliate_id: r.external_id,
                current_plan: r.current_plan.as_ref().map(|p| p.0.clone()),
                current_version_no: r.current_plan.map(|p| p.1),
                current: format_amount(r.current_micros, cur),
                current_micros: r.current_micros.to_string(),
                proposed: format_amount(r.proposed_micros, cur),
                proposed_micros: r.proposed_micros.to_string(),
                difference: format_amount(diff, cur),
                difference_micros: diff.to_string(),
            }
        })
        .collect();
    Ok(PlanPreview {
        plan: plan.name.clone(),
        effective_from: version.effective_from.clone(),
        period_label: label.into(),
        period: span,
        currency: plan.currency.clone(),
        errors: vec![],
        rows,
        total_current: format_amount(total_current, cur),
        total_proposed: format_amount(total_proposed, cur),
        problems: problems
            .into_iter()
            .map(|p| CommissionProblem {
                kind: p.kind,
                subject: p.subject,
                detail: p.detail,
            })
            .collect(),
    })
}
