//! "Why didn't this player qualify?": the CPA checklist of one player as of a day, under the plan version in
//! force for the player's affiliate in that day's month.

use super::engine::igaming::Context;
use super::engine::{EngineInput, Fx};
use super::load::{affiliates, load_input, Program};
use super::period::{find, month_bounds};
use super::plan::Component;
use super::{CommissionError, CommissionResult};
use crate::commission::types::{QualificationChecklist, QualificationCriterion};
use rusqlite::{Connection, OptionalExtension};

pub fn checklist(
    conn: &Connection,
    program: &Program,
    player_external_id: &str,
    as_of: &str,
) -> CommissionResult<QualificationChecklist> {
    crate::time::parse_day(as_of).map_err(|e| CommissionError::BadInput(e.to_string()))?;
    let (player_id, affiliate_id): (i64, Option<i64>) = conn
        .query_row(
            "SELECT id, affiliate_id FROM players WHERE program_id = ?1 AND external_id = ?2",
            rusqlite::params![program.id, player_external_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .ok_or_else(|| {
            CommissionError::NotFound(format!(
                "no player '{player_external_id}' in program {}",
                program.name
            ))
        })?;
    let label = &as_of[..7];
    let (first, _) = month_bounds(label)?;
    let mut out = QualificationChecklist {
        player_id: player_external_id.to_string(),
        affiliate_id: None,
        plan: None,
        plan_version_no: None,
        as_of: as_of.to_string(),
        criteria: vec![],
        qualified_on: None,
        note: String::new(),
    };
    let Some(aff_id) = affiliate_id else {
        out.note =
            "organic player (no attributed affiliate): no commission is earned on this player"
                .into();
        return Ok(out);
    };
    let affs = affiliates(conn, program.id, &first, as_of)?;
    let Some(aff) = affs.iter().find(|a| a.id == aff_id) else {
        out.note = format!(
            "the player is attributed to affiliate #{aff_id}, which the program does not have"
        );
        return Ok(out);
    };
    out.affiliate_id = Some(aff.external_id.clone());
    let Some(plan) = &aff.plan else {
        out.note = "the affiliate has no plan in force (nor a program default)".into();
        return Ok(out);
    };
    out.plan = Some(plan.plan_name.clone());
    out.plan_version_no = Some(plan.version_no);
    let Some(q) = plan.version.components.iter().find_map(|c| {
        if let Component::Cpa(c) = c {
            Some(c.qualification.clone())
        } else {
            None
        }
    }) else {
        out.note = "the plan version has no CPA component: players do not need to qualify".into();
        return Ok(out);
    };
    let period_id = find(conn, program.id, label)?.map(|p| p.id);
    let full = load_input(conn, program, period_id, &first, as_of)?;
    // Only this player's events matter; keep the input small.
    let input = EngineInput {
        first_day: first.clone(),
        last_day: as_of.to_string(),
        affiliates: vec![aff.clone()],
        players: full
            .players
            .iter()
            .filter(|p| p.id == player_id)
            .cloned()
            .collect(),
        deposits: full
            .deposits
            .iter()
            .filter(|d| d.player_id == player_id)
            .cloned()
            .collect(),
        activity: full
            .activity
            .iter()
            .filter(|a| a.player_id == player_id)
            .cloned()
            .collect(),
        trading: full
            .trading
            .iter()
            .filter(|t| t.player_id == player_id)
            .cloned()
            .collect(),
        symbols: full.symbols.clone(),
        fx: full.fx.clone(),
        fx_daily: full.fx_daily.clone(),
        ..EngineInput::default()
    };
    let mut problems = Vec::new();
    let ctx = Context::new(&input, &mut problems);
    let Some(p) = input.players.first() else {
        out.note = "the player registered after the as-of day".into();
        return Ok(out);
    };
    let c = ctx.checklist(p, &q, &plan.currency, &Fx::for_plan(&input, plan));
    out.criteria = c
        .criteria
        .into_iter()
        .map(|c| QualificationCriterion {
            name: c.name,
            required: c.required,
            actual: c.actual,
            passed: c.passed,
            passed_on: c.passed_on,
        })
        .collect();
    out.qualified_on = c.qualified_on;
    Ok(out)
}
