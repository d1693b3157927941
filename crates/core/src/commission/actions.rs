//! What clients (the CLI, the desktop shell) call: each action takes the store, does one job and answers with
//! the boundary types of `api::commission`.

use super::load::{program, ProgramInfo};
use super::period::{self, PeriodRow};
use super::plan::file::{self, PlanFormat};
use super::plan::saved::{self, StoredPlan};
use super::plan::validate::validate;
use super::plan::{kind_of, Component};
use super::{statement, CommissionError, CommissionResult};
use crate::api::{
    ApiError, CommissionProblem, ComputeResult, CurrencyTotal, ErrorCode, Period, PeriodView,
    PlanDetail, PlanImportResult, PlanSummary, PlanValidationError, PlanVersionView,
    QualificationChecklist, Statement,
};
use crate::money::format_amount;
use crate::store::Store;
use rusqlite::{Connection, OptionalExtension};
use std::collections::BTreeMap;

impl From<CommissionError> for ApiError {
    fn from(e: CommissionError) -> Self {
        let code = match &e {
            CommissionError::Invalid(_)
            | CommissionError::File(_)
            | CommissionError::BadInput(_)
            | CommissionError::Money(_)
            | CommissionError::Refused(_) => ErrorCode::InvalidInput,
            CommissionError::NotFound(_) => ErrorCode::NotFound,
            CommissionError::Store(_) => ErrorCode::Storage,
        };
        ApiError::new(code, e.to_string())
    }
}

fn program_of(store: &Store, name: Option<&str>) -> CommissionResult<ProgramInfo> {
    read(store, |c| program(c, name))
}

fn read<T>(
    store: &Store,
    f: impl FnOnce(&Connection) -> CommissionResult<T>,
) -> CommissionResult<T> {
    let mut out = None;
    store.read(|c| {
        out = Some(f(c));
        Ok(())
    })?;
    out.unwrap_or_else(|| Err(CommissionError::BadInput("nothing read".into())))
}

fn errors(v: Vec<super::plan::validate::ValidationError>) -> Vec<PlanValidationError> {
    v.into_iter()
        .map(|e| PlanValidationError {
            path: e.path,
            reason: e.reason,
        })
        .collect()
}

/// Checks (and with `save`, saves) a plan file. Invalid plans come back with their errors and nothing saved.
pub fn import_plan(
    store: &Store,
    program_name: Option<&str>,
    file_name: &str,
    text: &str,
    save: bool,
    now_ms: i64,
) -> CommissionResult<PlanImportResult> {
    let prog = program_of(store, program_name)?;
    let plan = match file::parse(text, PlanFormat::detect(file_name, text)) {
        Ok(p) => p,
        Err(e) => {
            return Ok(PlanImportResult {
                saved: false,
                errors: vec![PlanValidationError {
                    path: String::new(),
                    reason: e.to_string(),
                }],
                plan: None,
                new_versions: vec![],
            })
        }
    };
    if !save {
        let catalog = read(store, |c| saved::catalog(c, prog.id))?;
        let errs = validate(&plan, &catalog)
            .err()
            .map(errors)
            .unwrap_or_default();
        return Ok(PlanImportResult {
            saved: false,
            errors: errs,
            plan: None,
            new_versions: vec![],
        });
    }
    let mut outcome = None;
    let r = store.write(|tx| {
        outcome = Some(saved::save_plan(tx, prog.id, &plan, now_ms));
        match outcome.as_ref() {
            Some(Err(_)) => Err(crate::store::StoreError::Invalid("rolled back".into())),
            _ => Ok(()),
        }
    });
    match outcome {
        Some(Err(CommissionError::Invalid(v))) => Ok(PlanImportResult {
            saved: false,
            errors: errors(v),
            plan: None,
            new_versions: vec![],
        }),
        Some(Err(e)) => Err(e),
        Some(Ok(o)) => {
            r?;
            let summary = read(store, |c| {
                summary(c, &saved::load_plan_by_id(c, o.plan_id)?)
            })?;
            Ok(PlanImportResult {
                saved: true,
                errors: vec![],
                plan: Some(summary),
                new_versions: o.versions.iter().filter(|v| v.3).map(|v| v.0).collect(),
            })
        }
        None => Err(r
            .err()
            .map(CommissionError::Store)
            .unwrap_or_else(|| CommissionError::BadInput("nothing saved".into()))),
    }
}

fn summary(c: &Connection, p: &StoredPlan) -> CommissionResult<PlanSummary> {
    let assigned: u32 = c.query_row("SELECT COUNT(DISTINCT affiliate_id) FROM plan_assignments WHERE plan_id = ?1 AND affiliate_id IS NOT NULL", [p.id], |r| r.get(0))?;
    let default: bool = c.query_row("SELECT EXISTS (SELECT 1 FROM plan_assignments WHERE plan_id = ?1 AND affiliate_id IS NULL)", [p.id], |r| r.get(0))?;
    let latest = p.versions.last();
    Ok(PlanSummary {
        name: p.name.clone(),
        description: p.description.clone(),
        currency: p.currency.clone(),
        rounding: p.rounding.name().into(),
        kind: latest.map(|v| kind_of(&v.version)).unwrap_or_default(),
        version_count: p.versions.len() as u32,
        latest_effective_from: latest.map(|v| v.effective_from.clone()).unwrap_or_default(),
        assigned_affiliates: assigned,
        is_program_default: default,
    })
}

pub fn list_plans(store: &Store, program_name: Option<&str>) -> CommissionResult<Vec<PlanSummary>> {
    let prog = program_of(store, program_name)?;
    read(store, |c| {
        saved::list_plans(c, prog.id)?
            .iter()
            .map(|p| summary(c, p))
            .collect()
    })
}

pub fn plan_detail(
    store: &Store,
    program_name: Option<&str>,
    name: &str,
) -> CommissionResult<PlanDetail> {
    let prog = program_of(store, program_name)?;
    read(store, |c| {
        let p = saved::load_plan(c, prog.id, name)?
            .ok_or_else(|| CommissionError::NotFound(format!("no plan named '{name}'")))?;
        let versions = p
            .versions
            .iter()
            .map(|v| PlanVersionView {
                plan: p.name.clone(),
                version_no: v.version_no,
                effective_from: v.effective_from.clone(),
                content_hash: v.content_hash.clone(),
                kind: kind_of(&v.version),
                hold_days: v.version.hold_days,
                min_payout: v.version.min_payout.map(|m| m.normalize().to_string()),
                negative_carryover: v.version.negative_carryover,
                components: v
                    .version
                    .components
                    .iter()
                    .map(Component::describe)
                    .collect(),
                body_json: serde_json::to_string_pretty(&v.version).unwrap_or_default(),
            })
            .collect();
        Ok(PlanDetail {
            summary: summary(c, &p)?,
            versions,
        })
    })
}

pub fn export_plan(
    store: &Store,
    program_name: Option<&str>,
    name: &str,
    format: PlanFormat,
) -> CommissionResult<String> {
    let prog = program_of(store, program_name)?;
    let p = read(store, |c| {
        saved::load_plan(c, prog.id, name)?
            .ok_or_else(|| CommissionError::NotFound(format!("no plan named '{name}'")))
    })?;
    Ok(file::write(&p.to_plan(), format)?)
}

/// Puts an affiliate (by external id), or the whole program with `None`, on a plan from a day on.
pub fn assign_plan(
    store: &Store,
    program_name: Option<&str>,
    affiliate: Option<&str>,
    plan_name: &str,
    effective_from: &str,
    actor: &str,
    now_ms: i64,
) -> CommissionResult<()> {
    let prog = program_of(store, program_name)?;
    let (plan_id, aff_id) = read(store, |c| {
        let plan = saved::load_plan(c, prog.id, plan_name)?
            .ok_or_else(|| CommissionError::NotFound(format!("no plan named '{plan_name}'")))?;
        let aff = match affiliate {
            Some(a) => Some(affiliate_id(c, prog.id, a)?),
            None => None,
        };
        Ok((plan.id, aff))
    })?;
    let mut res = None;
    let written = store.write(|tx| {
        let r = saved::assign(tx, prog.id, aff_id, plan_id, effective_from, actor, now_ms);
        let failed = r.is_err();
        res = Some(r);
        if failed {
            Err(crate::store::StoreError::Invalid("rolled back".into()))
        } else {
            Ok(())
        }
    });
    match res {
        Some(r) => r,
        None => written.map_err(CommissionError::Store),
    }
}

pub fn affiliate_id(c: &Connection, program_id: i64, external_id: &str) -> CommissionResult<i64> {
    c.query_row(
        "SELECT id FROM affiliates WHERE program_id = ?1 AND external_id = ?2",
        rusqlite::params![program_id, external_id],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| CommissionError::NotFound(format!("no affiliate '{external_id}'")))
}

fn period_view(p: &PeriodRow) -> PeriodView {
    PeriodView {
        period_label: p.label(),
        period: Period {
            from: p.start_day.clone(),
            to: p.end_day.clone(),
        },
        status: p.status.clone(),
        result_hash: p.result_hash.clone(),
        statement_hash: p.statement_hash.clone(),
        closed_at_ms: p.closed_at_ms,
    }
}

/// Computes a month and posts the differences to the ledger. `elapsed_ms` is filled by the caller's clock.
pub fn compute(
    store: &Store,
    program_name: Option<&str>,
    label: &str,
    now_ms: i64,
) -> CommissionResult<ComputeResult> {
    let prog = program_of(store, program_name)?;
    let o = super::compute::compute_period(store, &prog, label, now_ms)?;
    let mut totals: BTreeMap<String, i64> = BTreeMap::new();
    let mut affs = std::collections::BTreeSet::new();
    for l in &o.output.lines {
        *totals.entry(l.currency.clone()).or_default() += l.amount_micros;
        affs.insert(l.affiliate_id);
    }
    Ok(ComputeResult {
        program: prog.name,
        period_label: o.period.label(),
        period: Period {
            from: o.period.start_day.clone(),
            to: o.period.end_day.clone(),
        },
        status: o.period.status.clone(),
        affiliates: affs.len() as u32,
        lines: o.output.lines.len() as u32,
        entries_posted: o.entries_posted,
        late_corrections: o.late_corrections,
        totals: totals
            .into_iter()
            .map(|(c, m)| CurrencyTotal {
                amount: format_amount(m, &c),
                amount_micros: m.to_string(),
                currency: c,
            })
            .collect(),
        problems: o
            .output
            .problems
            .iter()
            .map(|p| CommissionProblem {
                kind: p.kind.clone(),
                subject: p.subject.clone(),
                detail: p.detail.clone(),
            })
            .collect(),
        result_hash: o.output.hash,
        elapsed_ms: 0,
    })
}

pub fn close(
    store: &Store,
    program_name: Option<&str>,
    label: &str,
    actor: &str,
    now_ms: i64,
) -> CommissionResult<PeriodView> {
    let prog = program_of(store, program_name)?;
    Ok(period_view(&period::close_period(
        store, &prog, label, actor, now_ms,
    )?))
}

pub fn periods(store: &Store, program_name: Option<&str>) -> CommissionResult<Vec<PeriodView>> {
    let prog = program_of(store, program_name)?;
    read(store, |c| {
        Ok(period::list(c, prog.id)?.iter().map(period_view).collect())
    })
}

/// An affiliate's statement for a month, from the ledger.
pub fn affiliate_statement(
    store: &Store,
    program_name: Option<&str>,
    affiliate: &str,
    label: &str,
) -> CommissionResult<Statement> {
    let prog = program_of(store, program_name)?;
    read(store, |c| {
        let p = period::find(c, prog.id, label)?.ok_or_else(|| {
            CommissionError::NotFound(format!("period {label} was never computed"))
        })?;
        let a = affiliate_id(c, prog.id, affiliate)?;
        statement::build(c, &prog, &p, a)
    })
}

/// A player's qualification checklist as of a day.
pub fn qualification(
    store: &Store,
    program_name: Option<&str>,
    player: &str,
    as_of: &str,
) -> CommissionResult<QualificationChecklist> {
    let prog = program_of(store, program_name)?;
    read(store, |c| {
        super::qualify::checklist(c, &prog, player, as_of)
    })
}

/// Today in the program's zone, for callers that hold a clock (the CLI, the shell).
pub fn today(store: &Store, program_name: Option<&str>, now_ms: i64) -> CommissionResult<String> {
    let prog = program_of(store, program_name)?;
    let tz = crate::time::parse_zone(&prog.timezone)
        .map_err(|e| CommissionError::BadInput(e.to_string()))?;
    crate::time::day_of(now_ms, tz).map_err(|e| CommissionError::BadInput(e.to_string()))
}
