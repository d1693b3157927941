//! Plans, periods, statements and qualification: the Plans and Statements screens, `affops-cli plan|compute|
//! period|statement|qualify`.

use super::catalog::Op;
use super::context::Ctx;
use super::exports;
use crate::api::{
    ApiError, AssignPlanRequest, CommissionProblem, ComputeResult, CurrencyTotal, ErrorCode,
    ExportPlanRequest, ExportStatementRequest, Period, PeriodView, PlanDetail, PlanImportResult,
    PlanPreview, PlanSummary, PlanText, PlanValidationError, PlanVersionView, PreviewPlanRequest,
    QualificationChecklist, QualificationRequest, Statement, StatementFormat, StatementRequest,
};
use crate::commission::period::{self, FxRateInput, PeriodRow};
use crate::commission::plan::file::{self, PlanFormat};
use crate::commission::plan::saved::{self, StoredPlan};
use crate::commission::plan::validate::validate;
use crate::commission::plan::{kind_of, Component};
use crate::commission::{preview, statement, CommissionError, CommissionResult};
use crate::money::format_amount;
use crate::programs::Program;
use rusqlite::{Connection, OptionalExtension};
use std::collections::BTreeMap;

/// The largest plan file the editor loads.
pub const PLAN_FILE_BYTES_MAX: u64 = 1 << 20;

impl From<CommissionError> for ApiError {
    fn from(e: CommissionError) -> Self {
        let code = match &e {
            CommissionError::Invalid(_)
            | CommissionError::File(_)
            | CommissionError::BadInput(_)
            | CommissionError::Money(_) => ErrorCode::InvalidInput,
            CommissionError::Refused(_) => ErrorCode::Conflict,
            CommissionError::NotFound(_) => ErrorCode::NotFound,
            CommissionError::Store(_) => ErrorCode::Storage,
        };
        ApiError::new(code, e.to_string())
    }
}

fn errors(v: Vec<crate::commission::plan::validate::ValidationError>) -> Vec<PlanValidationError> {
    v.into_iter()
        .map(|e| PlanValidationError {
            path: e.path,
            reason: e.reason,
        })
        .collect()
}

fn rejected(reason: String) -> PlanImportResult {
    PlanImportResult {
        saved: false,
        errors: vec![PlanValidationError {
            path: String::new(),
            reason,
        }],
        plan: None,
        new_versions: vec![],
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

pub fn list_plans(cx: &Ctx) -> Result<Vec<PlanSummary>, ApiError> {
    let a = cx.allow(Op::ListPlans)?;
    let prog = a.program()?;
    Ok(cx.workspace().store().read(|c| -> CommissionResult<_> {
        saved::list_plans(c, prog.id)?
            .iter()
            .map(|p| summary(c, p))
            .collect()
    })?)
}

fn load_plan(c: &Connection, prog: &Program, name: &str) -> CommissionResult<StoredPlan> {
    saved::load_plan(c, prog.id, name.trim())?
        .ok_or_else(|| CommissionError::NotFound(format!("Plan: no plan named '{}'", name.trim())))
}

pub fn plan_detail(cx: &Ctx, name: String) -> Result<PlanDetail, ApiError> {
    let a = cx.allow(Op::PlanDetail)?;
    let prog = a.program()?;
    Ok(cx.workspace().store().read(|c| -> CommissionResult<_> {
        let p = load_plan(c, prog, &name)?;
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
    })?)
}

/// Validates a plan file against the program without saving anything.
pub fn check_plan(cx: &Ctx, req: PlanText) -> Result<PlanImportResult, ApiError> {
    let a = cx.allow(Op::CheckPlan)?;
    let prog = a.program()?;
    let plan = match file::parse(&req.text, req.format) {
        Ok(p) => p,
        Err(e) => return Ok(rejected(e.to_string())),
    };
    let catalog = cx
        .workspace()
        .store()
        .read(|c| saved::catalog(c, prog.id))?;
    Ok(PlanImportResult {
        saved: false,
        errors: validate(&plan, &catalog)
            .err()
            .map(errors)
            .unwrap_or_default(),
        plan: None,
        new_versions: vec![],
    })
}

/// Validates and saves: a new plan, or the versions of a saved plan it does not hold yet. An invalid plan comes
/// back with its errors and nothing saved (and nothing audited).
pub fn save_plan(cx: &Ctx, req: PlanText) -> Result<PlanImportResult, ApiError> {
    let a = cx.allow_request(Op::SavePlan, &req)?;
    let (prog, stamp) = (a.program()?, a.stamp()?);
    let plan = match file::parse(&req.text, req.format) {
        Ok(p) => p,
        Err(e) => return Ok(rejected(e.to_string())),
    };
    let saved = cx.workspace().store().write(|tx| -> CommissionResult<_> {
        let o = saved::save_plan(tx, prog.id, &plan, stamp.at_ms)?;
        let versions: Vec<_> = o.versions.iter().filter(|v| v.3).map(|v| serde_json::json!({"version_no": v.0, "effective_from": v.1, "content_hash": v.2})).collect();
        stamp.record(tx, "plan", &plan.name, &serde_json::json!({"created": o.created_plan, "versions": versions}))?;
        Ok(o)
    });
    let o = match saved {
        Err(CommissionError::Invalid(v)) => {
            return Ok(PlanImportResult {
                saved: false,
                errors: errors(v),
                plan: None,
                new_versions: vec![],
            })
        }
        other => other?,
    };
    let summary = cx
        .workspace()
        .store()
        .read(|c| summary(c, &saved::load_plan_by_id(c, o.plan_id)?))?;
    Ok(PlanImportResult {
        saved: true,
        errors: vec![],
        plan: Some(summary),
        new_versions: o.versions.iter().filter(|v| v.3).map(|v| v.0).collect(),
    })
}

/// Reads a plan file from disk for the editor (at most [`PLAN_FILE_BYTES_MAX`] of UTF-8).
pub fn read_plan_file(cx: &Ctx, path: String) -> Result<String, ApiError> {
    cx.allow(Op::ReadPlanFile)?;
    let bad = |m: String| ApiError::new(ErrorCode::InvalidInput, m);
    let meta =
        std::fs::metadata(&path).map_err(|e| bad(format!("Plan file: cannot open {path}: {e}")))?;
    if meta.len() > PLAN_FILE_BYTES_MAX {
        return Err(bad(format!(
            "Plan file: {path} is {} bytes, more than the {PLAN_FILE_BYTES_MAX} a plan file may hold",
            meta.len()
        )));
    }
    std::fs::read_to_string(&path)
        .map_err(|e| bad(format!("Plan file: cannot read {path} as UTF-8 text: {e}")))
}

/// The plan as a file's text.
pub fn plan_text(cx: &Ctx, name: &str, format: PlanFormat) -> Result<String, ApiError> {
    let a = cx.allow(Op::ExportPlan)?;
    let prog = a.program()?;
    let p = cx.workspace().store().read(|c| load_plan(c, prog, name))?;
    Ok(file::write(&p.to_plan(), format).map_err(CommissionError::from)?)
}

/// Writes the saved plan as a file; returns the path written.
pub fn export_plan(cx: &Ctx, req: ExportPlanRequest) -> Result<String, ApiError> {
    let text = plan_text(cx, &req.name, req.format)?;
    let ext = match req.format {
        PlanFormat::Json => "json",
        PlanFormat::Toml => "toml",
    };
    exports::write(
        cx,
        &req.path,
        &format!("{}.{ext}", req.name.trim()),
        text.as_bytes(),
    )
}

pub fn preview_plan(cx: &Ctx, req: PreviewPlanRequest) -> Result<PlanPreview, ApiError> {
    let a = cx.allow(Op::PreviewPlan)?;
    Ok(preview::preview_plan(
        cx.workspace().store(),
        a.program()?,
        req.format,
        &req.text,
        &req.period,
    )?)
}

fn affiliate_id(c: &Connection, program_id: i64, external_id: &str) -> CommissionResult<i64> {
    c.query_row(
        "SELECT id FROM affiliates WHERE program_id = ?1 AND external_id = ?2",
        rusqlite::params![program_id, external_id.trim()],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| {
        CommissionError::NotFound(format!("Affiliate: no affiliate '{}'", external_id.trim()))
    })
}

pub fn assign_plan(cx: &Ctx, req: AssignPlanRequest) -> Result<(), ApiError> {
    let a = cx.allow_request(Op::AssignPlan, &req)?;
    let (prog, stamp) = (a.program()?, a.stamp()?);
    Ok(cx.workspace().store().write(|tx| -> CommissionResult<()> {
        let plan = load_plan(tx, prog, &req.plan)?;
        let aff = req.affiliate.as_deref().map(|x| affiliate_id(tx, prog.id, x)).transpose()?;
        saved::assign(tx, prog.id, aff, plan.id, req.effective_from.trim(), &stamp.actor, stamp.at_ms)?;
        let detail = serde_json::json!({"plan": plan.name, "affiliate": req.affiliate, "effective_from": req.effective_from.trim()});
        stamp.record(tx, "plan", &plan.name, &detail)?;
        Ok(())
    })?)
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

pub fn list_periods(cx: &Ctx) -> Result<Vec<PeriodView>, ApiError> {
    let a = cx.allow(Op::ListPeriods)?;
    let prog = a.program()?;
    Ok(cx.workspace().store().read(|c| -> CommissionResult<_> {
        Ok(period::list(c, prog.id)?.iter().map(period_view).collect())
    })?)
}

/// Computes a month and posts the differences to the ledger (idempotent).
pub fn compute_period(cx: &Ctx, period_label: String) -> Result<ComputeResult, ApiError> {
    let a = cx.allow_request(Op::ComputePeriod, &period_label)?;
    let (prog, stamp) = (a.program()?, a.stamp()?);
    let started = std::time::Instant::now();
    let o = crate::commission::compute::compute_period(
        cx.workspace().store(),
        prog,
        period_label.trim(),
        stamp,
    )?;
    let elapsed_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    Ok(compute_result(prog, o, elapsed_ms))
}

/// A computation as the Statements screen and `affops-cli compute` show it.
pub fn compute_result(
    prog: &Program,
    o: crate::commission::compute::ComputeOutcome,
    elapsed_ms: i64,
) -> ComputeResult {
    let mut totals: BTreeMap<String, i64> = BTreeMap::new();
    let mut affs = std::collections::BTreeSet::new();
    for l in &o.output.lines {
        *totals.entry(l.currency.clone()).or_default() += l.amount_micros;
        affs.insert(l.affiliate_id);
    }
    ComputeResult {
        program: prog.name.clone(),
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
        elapsed_ms,
    }
}

pub fn close_period(cx: &Ctx, period_label: String) -> Result<PeriodView, ApiError> {
    let a = cx.allow_request(Op::ClosePeriod, &period_label)?;
    let (prog, stamp) = (a.program()?, a.stamp()?);
    let label = period_label.trim();
    crate::workspace::backup::automatic(
        cx.workspace().store(),
        cx.workspace().data_dir(),
        &format!(
            "before-closing-{}",
            label.replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "_")
        ),
        cx.now_ms,
    )?;
    let p = period::close_period(cx.workspace().store(), prog, label, stamp)?;
    Ok(period_view(&p))
}

pub fn set_fx_rate(cx: &Ctx, req: FxRateInput) -> Result<(), ApiError> {
    let a = cx.allow_request(Op::SetFxRate, &req)?;
    let (prog, stamp) = (a.program()?, a.stamp()?);
    Ok(period::record_fx(
        cx.workspace().store(),
        prog.id,
        &req,
        stamp,
    )?)
}

fn read_statement(cx: &Ctx, prog: &Program, req: &StatementRequest) -> Result<Statement, ApiError> {
    let label = req.period.trim();
    Ok(cx.workspace().store().read(|c| -> CommissionResult<_> {
        let p = period::find(c, prog.id, label)?.ok_or_else(|| {
            CommissionError::NotFound(format!("Period: {label} was never computed"))
        })?;
        let aff = affiliate_id(c, prog.id, &req.affiliate)?;
        statement::build(c, prog, &p, aff)
    })?)
}

/// An affiliate's statement for a month, from the ledger.
pub fn statement(cx: &Ctx, req: StatementRequest) -> Result<Statement, ApiError> {
    let a = cx.allow(Op::Statement)?;
    read_statement(cx, a.program()?, &req)
}

/// Writes the statement as CSV (formula-safe) or printable HTML; returns the path written.
pub fn export_statement(cx: &Ctx, req: ExportStatementRequest) -> Result<String, ApiError> {
    let a = cx.allow(Op::ExportStatement)?;
    let s = read_statement(
        cx,
        a.program()?,
        &StatementRequest {
            affiliate: req.affiliate.clone(),
            period: req.period.clone(),
        },
    )?;
    let (bytes, ext) = match req.format {
        StatementFormat::Csv => (statement::to_csv(&s).into_bytes(), "csv"),
        StatementFormat::Html => (statement::to_html(&s).into_bytes(), "html"),
        StatementFormat::Pdf => (
            crate::payouts::statement_pdf::to_pdf(&s)
                .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?,
            "pdf",
        ),
    };
    let default = format!("statement-{}-{}.{ext}", s.affiliate_id, s.period_label);
    exports::write(cx, &req.path, &default, &bytes)
}

/// A player's CPA checklist as of the month's last day, or as of today in the program's zone.
pub fn qualification(
    cx: &Ctx,
    req: QualificationRequest,
) -> Result<QualificationChecklist, ApiError> {
    let a = cx.allow(Op::Qualification)?;
    let prog = a.program()?;
    let day = req
        .as_of
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty());
    if let Some(d) = day {
        crate::time::parse_day(d)
            .map_err(|e| ApiError::new(ErrorCode::InvalidInput, format!("As of: {e}")))?;
    }
    let as_of = match req
        .period
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        _ if day.is_some() => day.unwrap_or_default().to_string(),
        Some(label) => period::month_bounds(label)?.1,
        None => {
            let tz = crate::time::parse_zone(&prog.timezone)
                .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
            crate::time::day_of(cx.now_ms, tz)
                .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?
        }
    };
    Ok(cx
        .workspace()
        .store()
        .read(|c| crate::commission::qualify::checklist(c, prog, req.player.trim(), &as_of))?)
}
