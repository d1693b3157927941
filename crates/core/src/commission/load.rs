//! Reads a period's engine inputs from the store: affiliates with the plan version in force for each, the
//! attributed players (`players.affiliate_id`, kept by attribution; NULL = organic; detached when a confirmed
//! fraud flag excludes them, see [`super::exclusions`]), deposits, daily activity,
//! trading summed per account, day and symbol, symbols, and the period's FX snapshot.

use super::engine::{
    ActivityIn, AffiliateIn, AssignedPlan, DepositIn, EngineInput, FxDayIn, FxIn, PlayerIn,
    Problem, SymbolIn, TradingIn,
};
use super::plan::formula::Activity;
use super::plan::saved::{assignments, load_plan_by_id, StoredPlan};
use super::plan::{Component, FxMode};
use super::{CommissionError, CommissionResult};
use rusqlite::{params, Connection};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::str::FromStr;

pub use crate::programs::Program;

/// The named program, or the default one ([`crate::programs::pick`]: the first iGaming program, else the first).
pub fn program(conn: &Connection, name: Option<&str>) -> CommissionResult<Program> {
    crate::programs::pick(&crate::programs::all(conn)?, name)
        .map_err(|e| CommissionError::NotFound(e.to_string()))
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
    program: &Program,
    period_id: Option<i64>,
    first_day: &str,
    last_day: &str,
) -> CommissionResult<EngineInput> {
    load_input_for(conn, program, period_id, first_day, last_day, None)
}

/// [`load_input`] keeping only the players of the affiliates in `only` (with their deposits and activity), when
/// given: what the commission of those affiliates needs, read by player instead of over the whole program. Every
/// affiliate and its plan stay in the input; a Forex program's trading is read whole.
pub fn load_input_for(
    conn: &Connection,
    program: &Program,
    period_id: Option<i64>,
    first_day: &str,
    last_day: &str,
    only: Option<&HashSet<i64>>,
) -> CommissionResult<EngineInput> {
    let affiliates = affiliates(conn, program.id, first_day, last_day)?;
    let activity_from = if needs_history(&affiliates) {
        "0000-00-00"
    } else {
        first_day
    };
    let people = load_people(conn, program, activity_from, last_day, only)?;
    let mut input = EngineInput {
        first_day: first_day.into(),
        last_day: last_day.into(),
        affiliates,
        players: people.players,
        deposits: people.deposits,
        activity: people.activity,
        ..EngineInput::default()
    };
    super::exclusions::apply(conn, program.id, &mut input)?;
    load_rest(conn, program, period_id, &mut input)?;
    Ok(input)
}

/// [`load_input_for`] for several months at once — `months` are (period id, first day, last day) — reading the
/// players, deposits and activity once, up to the last month's end, and giving each month its own slice of them:
/// the same inputs, in the same order, as one [`load_input_for`] per month (a test checks), for a fraction of the
/// reads. What the stake book loads.
pub fn load_inputs_for_months(
    conn: &Connection,
    program: &Program,
    months: &[(Option<i64>, String, String)],
    only: Option<&HashSet<i64>>,
) -> CommissionResult<Vec<EngineInput>> {
    let mut plans = Vec::with_capacity(months.len());
    for (_, first, last) in months {
        let affiliates = affiliates(conn, program.id, first, last)?;
        let from = if needs_history(&affiliates) {
            "0000-00-00".to_string()
        } else {
            first.clone()
        };
        plans.push((affiliates, from));
    }
    let (Some(from), Some(last)) = (
        plans.iter().map(|(_, f)| f.as_str()).min(),
        months.iter().map(|(_, _, l)| l.as_str()).max(),
    ) else {
        return Ok(Vec::new());
    };
    let people = load_people(conn, program, from, last, only)?;
    let excluded = super::exclusions::in_force(conn, program.id)?;
    let mut inputs = Vec::with_capacity(months.len());
    for ((period_id, first, last), (affiliates, from)) in months.iter().zip(plans) {
        let (first, last) = (first.as_str(), last.as_str());
        let mut input = EngineInput {
            first_day: first.into(),
            last_day: last.into(),
            affiliates,
            players: people
                .players
                .iter()
                .filter(|p| p.registered_day.as_str() <= last)
                .cloned()
                .collect(),
            deposits: people
                .deposits
                .iter()
                .filter(|d| d.day.as_str() <= last)
                .cloned()
                .collect(),
            activity: people
                .activity
                .iter()
                .filter(|a| a.day >= from && a.day.as_str() <= last)
                .cloned()
                .collect(),
            ..EngineInput::default()
        };
        if !excluded.is_empty() {
            super::exclusions::detach(&excluded, &mut input);
        }
        // As one month's read: activity (and, in scope, deposits) of the month's players only.
        let ours: HashSet<i64> = input.players.iter().map(|p| p.id).collect();
        if only.is_some() {
            input.deposits.retain(|d| ours.contains(&d.player_id));
        }
        input.activity.retain(|a| ours.contains(&a.player_id));
        load_rest(conn, program, *period_id, &mut input)?;
        inputs.push(input);
    }
    Ok(inputs)
}

/// Wagering criteria look back before the period; without them, activity of the period is enough.
fn needs_history(affiliates: &[AffiliateIn]) -> bool {
    affiliates.iter().filter_map(|a| a.plan.as_ref()).any(|p| {
        p.version
            .components
            .iter()
            .any(|c| matches!(c, Component::Cpa(c) if c.qualification.wagering_multiple.is_some()))
    })
}

/// Players registered up to `last_day` (of the affiliates in `only`, when given), their deposits up to it, and
/// their daily activity from `activity_from` to it.
struct People {
    players: Vec<PlayerIn>,
    deposits: Vec<DepositIn>,
    activity: Vec<ActivityIn>,
}

fn load_people(
    conn: &Connection,
    program: &Program,
    activity_from: &str,
    last_day: &str,
    only: Option<&HashSet<i64>>,
) -> CommissionResult<People> {
    let json = |ids: &mut dyn Iterator<Item = i64>| {
        format!(
            "[{}]",
            ids.map(|i| i.to_string()).collect::<Vec<_>>().join(",")
        )
    };
    let scope = only.map(|a| json(&mut a.iter().copied()));
    let mut stmt = conn.prepare("SELECT id, external_id, affiliate_id, day, country, currency FROM players WHERE program_id = ?1 AND day <= ?2
                                   AND (?3 IS NULL OR affiliate_id IN (SELECT value FROM json_each(?3)))")?;
    let players: Vec<PlayerIn> = stmt
        .query_map(params![program.id, last_day, scope], |r| {
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

    // In scope, by player (their index) rather than over the program's days; in the order the whole-program scan
    // gives (day, then row).
    let by_player = only.map(|_| json(&mut players.iter().map(|p| p.id)));
    let mut stmt = conn.prepare(if by_player.is_some() {
        "SELECT id, player_id, day, amount_micros, currency, is_ftd FROM money_movements
          WHERE player_id IN (SELECT value FROM json_each(?3)) AND program_id = ?1 AND kind = 'deposit' AND day <= ?2
          ORDER BY day, id"
    } else {
        "SELECT id, player_id, day, amount_micros, currency, is_ftd FROM money_movements
          WHERE program_id = ?1 AND kind = 'deposit' AND day <= ?2 AND ?3 IS NULL"
    })?;
    let deposits = stmt
        .query_map(params![program.id, last_day, by_player], |r| {
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

    // Activity has no program column: scan the days and keep the program's players (a join would look each row up).
    let ours: HashSet<i64> = players.iter().map(|p| p.id).collect();
    let mut stmt = conn.prepare(if by_player.is_some() {
        "SELECT player_id, day, currency, deposits_micros, withdrawals_micros, bets_micros, wins_micros, bonuses_micros,
                chargebacks_micros, adjustments_micros, fees_micros, taxes_micros
         FROM player_activity_daily WHERE player_id IN (SELECT value FROM json_each(?3)) AND day >= ?1 AND day <= ?2
         ORDER BY day, rowid"
    } else {
        "SELECT player_id, day, currency, deposits_micros, withdrawals_micros, bets_micros, wins_micros, bonuses_micros,
                chargebacks_micros, adjustments_micros, fees_micros, taxes_micros
         FROM player_activity_daily WHERE day >= ?1 AND day <= ?2 AND ?3 IS NULL"
    })?;
    let mut activity = Vec::new();
    let mut rows = stmt.query(params![activity_from, last_day, by_player])?;
    while let Some(r) = rows.next()? {
        let player_id: i64 = r.get(0)?;
        if !ours.contains(&player_id) {
            continue;
        }
        activity.push(ActivityIn {
            player_id,
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
        });
    }
    Ok(People {
        players,
        deposits,
        activity,
    })
}

/// The rest of a month's input once its affiliates and people are in: trading, symbols and the period's FX.
fn load_rest(
    conn: &Connection,
    program: &Program,
    period_id: Option<i64>,
    input: &mut EngineInput,
) -> CommissionResult<()> {
    // Lots and trades criteria pass on a day, and a plan converting at each day's rate converts each day's trade
    // commission: only then is trading kept per day (and looked back on).
    let trading_per_day = input.affiliates.iter().filter_map(|a| a.plan.as_ref()).any(|p| {
        p.version.fx == FxMode::PerDay
            || p.version.components.iter().any(|c| {
                matches!(c, Component::Cpa(c) if c.qualification.min_lots.is_some() || c.qualification.min_trades.is_some())
            })
    });
    let (trading, problems) = load_trading(
        conn,
        program.id,
        &input.first_day,
        &input.last_day,
        trading_per_day,
    )?;
    input.trading = trading;
    input.load_problems.extend(problems);

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
        input.fx = load_fx(conn, pid)?;
        input.fx_daily = load_fx_daily(conn, pid)?;
    }
    Ok(())
}

/// A period's per-day FX snapshot (for plans converting at each day's rate), ordered by day and pair.
pub fn load_fx_daily(conn: &Connection, period_id: i64) -> CommissionResult<Vec<FxDayIn>> {
    let mut stmt = conn.prepare(
        "SELECT day, from_currency, to_currency, rate FROM period_fx_daily WHERE period_id = ?1
         ORDER BY day, from_currency, to_currency",
    )?;
    let rows = stmt.query_map([period_id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (day, from, to, rate) = row?;
        let rate = Decimal::from_str(&rate).map_err(|_| {
            CommissionError::BadInput(format!(
                "FX rate {from}→{to} on {day} '{rate}' is not a decimal"
            ))
        })?;
        out.push(FxDayIn {
            day,
            from,
            to,
            rate,
        });
    }
    Ok(out)
}

/// A period's FX snapshot.
pub fn load_fx(conn: &Connection, period_id: i64) -> CommissionResult<Vec<FxIn>> {
    let mut stmt = conn.prepare("SELECT from_currency, to_currency, rate FROM fx_rates WHERE period_id = ?1 ORDER BY from_currency, to_currency")?;
    let rows = stmt.query_map([period_id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (from, to, rate) = row?;
        let rate = Decimal::from_str(&rate).map_err(|_| {
            CommissionError::BadInput(format!("FX rate {from}→{to} '{rate}' is not a decimal"))
        })?;
        out.push(FxIn { from, to, rate });
    }
    Ok(out)
}

/// Interns the few distinct symbols and currencies of millions of deals by linear search (a handful of names:
/// cheaper than hashing each one), so a scan allocates nothing per row.
#[derive(Default)]
struct Names(Vec<Box<str>>);

impl Names {
    fn id(&mut self, s: &str) -> u32 {
        match self.0.iter().position(|n| &**n == s) {
            Some(i) => i as u32,
            None => {
                self.0.push(s.into());
                (self.0.len() - 1) as u32
            }
        }
    }
}

/// `YYYY-MM-DD` as the integer YYYYMMDD (ordered like the text), and back.
fn day_number(day: &str) -> u32 {
    day.bytes().filter(u8::is_ascii_digit).fold(0u32, |n, b| {
        n.wrapping_mul(10).wrapping_add(u32::from(b - b'0'))
    })
}

fn day_text(n: u32) -> String {
    format!("{:04}-{:02}-{:02}", n / 10_000, n / 100 % 100, n % 100)
}

/// A multiply-rotate hasher for the aggregation's integer keys (SipHash's DoS resistance buys nothing here: the
/// keys come from the store, and it costs a third of the scan).
#[derive(Default)]
struct IntHasher(u64);

impl std::hash::Hasher for IntHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(u64::from(*b));
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
    fn write_i64(&mut self, n: i64) {
        self.write_u64(n as u64);
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7C_C1_B7_27_22_0A_95);
    }
}

/// (account, day YYYYMMDD or 0, symbol, currency) → (volume micros, deals, commission micros, first and last day).
type TradingSums = HashMap<
    (i64, u32, u32, u32),
    (i64, u32, i64, u32, u32),
    std::hash::BuildHasherDefault<IntHasher>,
>;

fn text<'r>(r: &'r rusqlite::Row<'_>, i: usize) -> rusqlite::Result<&'r str> {
    r.get_ref(i)?.as_str().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// Trades, one side per position: opening deals (IN, INOUT, or no entry given) of BUY/SELL (closing deals, OUT
/// and OUT_BY, would count each round turn twice), summed per account, symbol and currency over the period — or,
/// with `per_day` (a plan qualifies players on lots or trades), per day too and since the first deal. One scan of
/// the deals in storage order, summed in memory: no sort, no per-row allocation.
fn load_trading(
    conn: &Connection,
    program_id: i64,
    first_day: &str,
    last_day: &str,
    per_day: bool,
) -> CommissionResult<(Vec<TradingIn>, Vec<Problem>)> {
    let mut accounts: HashMap<i64, (Option<i64>, bool)> = HashMap::new();
    let mut stmt =
        conn.prepare("SELECT id, player_id, is_cent FROM forex_accounts WHERE program_id = ?1")?;
    let mut rows = stmt.query([program_id])?;
    while let Some(r) = rows.next()? {
        accounts.insert(r.get(0)?, (r.get(1)?, r.get::<_, i64>(2)? == 1));
    }
    let mut names = Names::default();
    let mut sums: TradingSums = HashMap::default();
    let mut stmt = conn.prepare(
        "SELECT account_id, day, symbol, currency, volume_micros, commission_micros FROM deals
         WHERE program_id = ?1 AND day >= ?2 AND day <= ?3 AND deal_type IN ('BUY', 'SELL') AND entry IN ('IN', 'INOUT', '') AND symbol <> ''",
    )?;
    let from = if per_day { "0000-00-00" } else { first_day };
    let mut rows = stmt.query(params![program_id, from, last_day])?;
    while let Some(r) = rows.next()? {
        let day = day_number(text(r, 1)?);
        let key = (
            r.get::<_, i64>(0)?,
            if per_day { day } else { 0 },
            names.id(text(r, 2)?),
            names.id(text(r, 3)?),
        );
        let e = sums.entry(key).or_insert((0, 0, 0, u32::MAX, 0));
        e.0 += r.get::<_, i64>(4)?;
        e.1 += 1;
        e.2 += r.get::<_, i64>(5)?;
        e.3 = e.3.min(day);
        e.4 = e.4.max(day);
    }
    let mut keys: Vec<_> = sums.keys().copied().collect();
    keys.sort_unstable();
    let (mut trading, mut problems) = (Vec::with_capacity(keys.len()), Vec::new());
    for k in keys {
        let (volume_micros, trades, commission_micros, from_day, to_day) = sums[&k];
        let name = |i: u32| names.0[i as usize].to_string();
        match accounts.get(&k.0) {
            Some((Some(player_id), is_cent)) => trading.push(TradingIn {
                player_id: *player_id,
                account_id: k.0,
                day: day_text(from_day),
                through_day: day_text(to_day),
                symbol: name(k.2),
                volume_micros,
                trades,
                commission_micros,
                currency: name(k.3),
                is_cent: *is_cent,
            }),
            _ => problems.push(Problem {
                kind: "unknown_player".into(),
                subject: format!("account #{}", k.0),
                detail: "trading of an account linked to no client: not paid".into(),
            }),
        }
    }
    Ok((trading, problems))
}
