//! Reads a period's engine inputs from the store: affiliates with the plan version in force for each, the
//! attributed players (`players.affiliate_id`, kept by attribution; NULL = organic), deposits, daily activity,
//! trading summed per account, day and symbol, symbols, and the period's FX snapshot.

use super::engine::{
    ActivityIn, AffiliateIn, AssignedPlan, DepositIn, EngineInput, FxIn, PlayerIn, Problem,
    SymbolIn, TradingIn,
};
use super::plan::formula::Activity;
use super::plan::saved::{assignments, load_plan_by_id, StoredPlan};
use super::plan::Component;
use super::{CommissionError, CommissionResult};
use rusqlite::{params, Connection, OptionalExtension};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::str::FromStr;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramInfo {
    pub id: i64,
    pub name: String,
    pub currency: String,
    pub timezone: String,
}

/// The named program, or the workspace's first one.
pub fn program(conn: &Connection, name: Option<&str>) -> CommissionResult<ProgramInfo> {
    let row = |r: &rusqlite::Row<'_>| {
        Ok(ProgramInfo {
            id: r.get(0)?,
            name: r.get(1)?,
            currency: r.get(2)?,
            timezone: r.get(3)?,
        })
    };
    let found = match name.filter(|n| !n.is_empty()) {
        Some(n) => conn
            .query_row(
                "SELECT id, name, currency, timezone FROM programs WHERE name = ?1",
                [n],
                row,
            )
            .optional()?,
        None => conn
            .query_row(
                "SELECT id, name, currency, timezone FROM programs ORDER BY id LIMIT 1",
                [],
                row,
            )
            .optional()?,
    };
    found.ok_or_else(|| {
        CommissionError::NotFound(match name {
            Some(n) => format!("no program named '{n}'"),
            None => "this workspace has no program yet".to_string(),
        })
    })
}

/// The assignment in force for a period (the latest starting on or before its first day, else the first one
/// starting inside it), per affiliate; `None` keys the program default.
fn assigned(
    all: &[(Option<i64>, i64, String)],
    first_day: &str,
    last_day: &str,
) -> BTreeMap<Option<i64>, i64> {
    let mut by_key: BTreeMap<Option<i64>, Vec<(&str, i64)>> = BTreeMap::new();
    for (aff, plan, from) in all {
        if from.as_str() <= last_day {
            by_key.entry(*aff).or_default().push((from.as_str(), *plan));
        }
    }
    by_key
        .into_iter()
        .filter_map(|(k, v)| {
            let before = v
                .iter()
                .filter(|(f, _)| *f <= first_day)
                .max_by_key(|(f, _)| *f);
            let inside = v
                .iter()
                .filter(|(f, _)| *f > first_day)
                .min_by_key(|(f, _)| *f);
            before.or(inside).map(|(_, p)| (k, *p))
        })
        .collect()
}

fn assigned_plan(p: &StoredPlan, first_day: &str, last_day: &str) -> Option<AssignedPlan> {
    let plan = p.to_plan();
    let (i, v) = plan.version_for(first_day, last_day)?;
    Some(AssignedPlan {
        plan_name: p.name.clone(),
        plan_version_id: p.versions[i].id,
        version_no: p.versions[i].version_no,
        currency: p.currency.clone(),
        rounding: p.rounding,
        version: v.clone(),
    })
}

/// Each affiliate of the program with the plan version in force for the period.
pub fn affiliates(
    conn: &Connection,
    program_id: i64,
    first_day: &str,
    last_day: &str,
) -> CommissionResult<Vec<AffiliateIn>> {
    let assigned = assigned(&assignments(conn, program_id)?, first_day, last_day);
    let mut plans: BTreeMap<i64, Option<AssignedPlan>> = BTreeMap::new();
    for plan_id in assigned.values() {
        if !plans.contains_key(plan_id) {
            let p = load_plan_by_id(conn, *plan_id)?;
            plans.insert(*plan_id, assigned_plan(&p, first_day, last_day));
        }
    }
    let default = assigned
        .get(&None)
        .and_then(|id| plans.get(id).cloned().flatten());
    let mut stmt = conn.prepare(
        "SELECT id, external_id, parent_id FROM affiliates WHERE program_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([program_id], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<i64>>(2)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, external_id, parent_id) = row?;
        let plan = match assigned.get(&Some(id)) {
            Some(pid) => plans.get(pid).cloned().flatten(),
            None => default.clone(),
        };
        out.push(AffiliateIn {
            id,
            external_id,
            parent_id,
            plan,
        });
    }
    Ok(out)
}

/// The whole input of one period. `carry_in` and `late` are left empty for the caller (they come from the
/// ledger).
pub fn load_input(
    conn: &Connection,
    program: &ProgramInfo,
    period_id: Option<i64>,
    first_day: &str,
    last_day: &str,
) -> CommissionResult<EngineInput> {
    let affiliates = affiliates(conn, program.id, first_day, last_day)?;
    // Wagering criteria look back before the period; without them, activity of the period is enough.
    let needs_history = affiliates.iter().filter_map(|a| a.plan.as_ref()).any(|p| {
        p.version
            .components
            .iter()
            .any(|c| matches!(c, Component::Cpa(c) if c.qualification.wagering_multiple.is_some()))
    });
    let activity_from = if needs_history {
        "0000-00-00"
    } else {
        first_day
    };
    let mut input = EngineInput {
        first_day: first_day.into(),
        last_day: last_day.into(),
        affiliates,
        ..EngineInput::default()
    };

    let mut stmt = conn.prepare("SELECT id, external_id, affiliate_id, day, country, currency FROM players WHERE program_id = ?1 AND day <= ?2")?;
    input.players = stmt
        .query_map(params![program.id, last_day], |r| {
            Ok(PlayerIn {
                id: r.get(0)?,
                external_id: r.get(1)?,
                affiliate_id: r.get(2)?,
                registered_day: r.get(3)?,
                country: r.get(4)?,
                currency: r.get(5)?,
            })
        })?
        .collect::<Result<_, _>>()?;

    let mut stmt = conn.prepare("SELECT id, player_id, day, amount_micros, currency, is_ftd FROM money_movements WHERE program_id = ?1 AND kind = 'deposit' AND day <= ?2")?;
    input.deposits = stmt
        .query_map(params![program.id, last_day], |r| {
            Ok(DepositIn {
                id: r.get(0)?,
                player_id: r.get(1)?,
                day: r.get(2)?,
                amount_micros: r.get(3)?,
                currency: r.get(4)?,
                is_ftd: r.get::<_, i64>(5)? == 1,
            })
        })?
        .collect::<Result<_, _>>()?;

    let mut stmt = conn.prepare(
        "SELECT a.player_id, a.day, a.currency, a.deposits_micros, a.withdrawals_micros, a.bets_micros, a.wins_micros, a.bonuses_micros,
                a.chargebacks_micros, a.adjustments_micros, a.fees_micros, a.taxes_micros
         FROM player_activity_daily a JOIN players p ON p.id = a.player_id
         WHERE p.program_id = ?1 AND a.day >= ?2 AND a.day <= ?3",
    )?;
    input.activity = stmt
        .query_map(params![program.id, activity_from, last_day], |r| {
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
        })?
        .collect::<Result<_, _>>()?;

    // Trades, one side per position: opening deals (IN, INOUT, or no entry given) of BUY/SELL, summed per account,
    // day and symbol. Closing deals (OUT, OUT_BY) would count each round turn twice.
    let mut stmt = conn.prepare(
        "SELECT f.player_id, d.account_id, d.day, d.symbol, SUM(d.volume_micros), COUNT(*), SUM(d.commission_micros), d.currency, f.is_cent
         FROM deals d JOIN forex_accounts f ON f.id = d.account_id
         WHERE d.program_id = ?1 AND d.day <= ?2 AND d.deal_type IN ('BUY', 'SELL') AND d.entry IN ('IN', 'INOUT', '') AND d.symbol <> ''
         GROUP BY d.account_id, d.day, d.symbol, d.currency",
    )?;
    let rows = stmt.query_map(params![program.id, last_day], |r| {
        Ok((
            r.get::<_, Option<i64>>(0)?,
            TradingIn {
                player_id: 0,
                account_id: r.get(1)?,
                day: r.get(2)?,
                symbol: r.get(3)?,
                volume_micros: r.get(4)?,
                trades: r.get::<_, i64>(5)? as u32,
                commission_micros: r.get(6)?,
                currency: r.get(7)?,
                is_cent: r.get::<_, i64>(8)? == 1,
            },
        ))
    })?;
    for row in rows {
        let (player, mut t) = row?;
        match player {
            Some(p) => {
                t.player_id = p;
                input.trading.push(t);
            }
            None => input.load_problems.push(Problem {
                kind: "unknown_player".into(),
                subject: format!("account #{}", t.account_id),
                detail: "trading of an account linked to no client: not paid".into(),
            }),
        }
    }

    let mut stmt = conn
        .prepare("SELECT symbol, contract_size, symbol_group FROM symbols WHERE program_id = ?1")?;
    input.symbols = stmt
        .query_map([program.id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                SymbolIn {
                    contract_size: r.get(1)?,
                    group: r.get(2)?,
                },
            ))
        })?
        .collect::<Result<_, _>>()?;

    if let Some(pid) = period_id {
        let mut stmt = conn.prepare("SELECT from_currency, to_currency, rate FROM fx_rates WHERE period_id = ?1 ORDER BY from_currency, to_currency")?;
        let rows = stmt.query_map([pid], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        for row in rows {
            let (from, to, rate) = row?;
            let rate = Decimal::from_str(&rate).map_err(|_| {
                CommissionError::BadInput(format!("FX rate {from}→{to} '{rate}' is not a decimal"))
            })?;
            input.fx.push(FxIn { from, to, rate });
        }
    }
    Ok(input)
}
