//! The commission a flag holds, from the engine (DOMAIN §5 "amount at stake"): for each open period (or, before
//! any period is computed, the latest month with data), the engine's commission lines for the affiliates
//! concerned, computed with and without the flagged players — the difference per affiliate is what the flag
//! holds. Exact i64 micros in the plan's currency, rounded as the plan rounds its lines.
//!
//! A [`StakeBook`] loads the months once and is reused for every flag of a list or a backtest; each flag only
//! recomputes the affiliate tree it touches (the affiliates of its players, with their parents and the parents'
//! other children, because a sub-affiliate override reads the children's lines).

use super::engine::{compute, EngineInput, LineKind};
use super::load::{load_inputs_for_months, program, Program};
use super::period::list;
use super::CommissionResult;
use rusqlite::{Connection, OptionalExtension};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// What the flag holds: micros per (affiliate id, currency).
pub type Held = BTreeMap<(i64, String), i64>;

struct Month {
    input: EngineInput,
    /// players.id → affiliate id (after exclusions) of the month's players.
    affiliate_of: HashMap<i64, i64>,
    /// players.id → indexes of its deposits, activity and trading in `input`.
    events_of: HashMap<i64, [Vec<usize>; 3]>,
    /// The players registered in the month or with a deposit, activity or trading in it. A player qualifies on
    /// the day its last criterion passes (a registration or an event), and NGR, deposits and lots are the
    /// month's: a player without any of them in the month changes none of the month's lines, so a flag whose
    /// players are all idle in a month holds nothing there, and the engine is not run for it.
    live: HashSet<i64>,
}

/// The months a flag's commission is looked for, loaded once.
pub struct StakeBook {
    pub program: Program,
    months: Vec<Month>,
    parent: BTreeMap<i64, i64>,
    /// Base commission per affiliate tree (its root), per month, computed once.
    base: RefCell<BTreeMap<(usize, i64), Held>>,
}

/// Every affiliate in the same tree as an affiliate of `players` (the tree's root and all below it).
fn affiliate_trees(
    conn: &Connection,
    program_id: i64,
    players: &BTreeSet<i64>,
) -> CommissionResult<HashSet<i64>> {
    let parent: BTreeMap<i64, i64> = conn
        .prepare(
            "SELECT id, parent_id FROM affiliates WHERE program_id = ?1 AND parent_id IS NOT NULL",
        )?
        .query_map([program_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let root = |mut a: i64| {
        let mut hops = 0;
        while let Some(p) = parent.get(&a) {
            a = *p;
            hops += 1;
            if hops > 64 {
                break;
            }
        }
        a
    };
    let mut stmt = conn.prepare_cached("SELECT affiliate_id FROM players WHERE id = ?1")?;
    let mut roots = BTreeSet::new();
    for p in players {
        let a: Option<Option<i64>> = stmt.query_row([p], |r| r.get(0)).optional()?;
        if let Some(Some(a)) = a {
            roots.insert(root(a));
        }
    }
    let all: Vec<i64> = conn
        .prepare("SELECT id FROM affiliates WHERE program_id = ?1")?
        .query_map([program_id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(all
        .into_iter()
        .filter(|a| roots.contains(&root(*a)))
        .collect())
}

/// The players of `input` registered in its period or with a deposit, activity or trading in it.
fn live_players(input: &EngineInput) -> HashSet<i64> {
    let inside = |day: &str| day >= input.first_day.as_str() && day <= input.last_day.as_str();
    let mut live: HashSet<i64> = input
        .players
        .iter()
        .filter(|p| inside(&p.registered_day))
        .map(|p| p.id)
        .collect();
    live.extend(
        input
            .deposits
            .iter()
            .filter(|d| inside(&d.day))
            .map(|d| d.player_id),
    );
    live.extend(
        input
            .activity
            .iter()
            .filter(|a| inside(&a.day))
            .map(|a| a.player_id),
    );
    live.extend(
        input
            .trading
            .iter()
            .filter(|t| {
                t.day.as_str() <= input.last_day.as_str()
                    && t.through_day.as_str() >= input.first_day.as_str()
            })
            .map(|t| t.player_id),
    );
    live
}

fn commission_by_affiliate(input: &EngineInput) -> Held {
    let mut out = Held::new();
    for l in compute(input)
        .lines
        .iter()
        .filter(|l| l.kind == LineKind::Commission)
    {
        *out.entry((l.affiliate_id, l.currency.clone())).or_insert(0) += l.amount_micros;
    }
    out
}

impl StakeBook {
    pub fn load(conn: &Connection, program_id: i64) -> CommissionResult<Self> {
        Self::load_for(conn, program_id, None)
    }

    /// A book for the affiliate trees of `players` only (every affiliate of a tree: a sub-affiliate override reads
    /// its children's lines): what the flags naming those players hold, without reading the rest of the program.
    pub fn load_for(
        conn: &Connection,
        program_id: i64,
        players: Option<&BTreeSet<i64>>,
    ) -> CommissionResult<Self> {
        let only = match players {
            Some(players) => Some(affiliate_trees(conn, program_id, players)?),
            None => None,
        };
        let name: String = conn.query_row(
            "SELECT name FROM programs WHERE id = ?1",
            [program_id],
            |r| r.get(0),
        )?;
        let prog = program(conn, Some(&name))?;
        let mut months: Vec<(Option<i64>, String, String)> = list(conn, program_id)?
            .into_iter()
            .filter(|p| !p.is_closed())
            .map(|p| (Some(p.id), p.start_day, p.end_day))
            .collect();
        if months.is_empty() {
            let latest: Option<String> = conn.query_row(
                "SELECT MAX(d) FROM (SELECT MAX(day) AS d FROM players WHERE program_id = ?1
                 UNION ALL SELECT MAX(day) FROM money_movements WHERE program_id = ?1
                 UNION ALL SELECT MAX(day) FROM deals WHERE program_id = ?1)",
                [program_id],
                |r| r.get(0),
            )?;
            if let Some(label) = latest.as_deref().and_then(|d| d.get(..7)) {
                let (first, last) = super::period::month_bounds(label)?;
                months.push((None, first, last));
            }
        }
        let mut loaded = Vec::new();
        for input in load_inputs_for_months(conn, &prog, &months, only.as_ref())? {
            let affiliate_of = input
                .players
                .iter()
                .filter_map(|p| p.affiliate_id.map(|a| (p.id, a)))
                .collect();
            let mut events_of: HashMap<i64, [Vec<usize>; 3]> = HashMap::new();
            for (k, d) in input.deposits.iter().enumerate() {
                events_of.entry(d.player_id).or_default()[0].push(k);
            }
            for (k, a) in input.activity.iter().enumerate() {
                events_of.entry(a.player_id).or_default()[1].push(k);
            }
            for (k, t) in input.trading.iter().enumerate() {
                events_of.entry(t.player_id).or_default()[2].push(k);
            }
            let live = live_players(&input);
            loaded.push(Month {
                input,
                affiliate_of,
                events_of,
                live,
            });
        }
        let parent = loaded
            .first()
            .map(|m| {
                m.input
                    .affiliates
                    .iter()
                    .filter_map(|a| a.parent_id.map(|p| (a.id, p)))
                    .collect()
            })
            .unwrap_or_default();
        Ok(StakeBook {
            program: prog,
            months: loaded,
            parent,
            base: RefCell::new(BTreeMap::new()),
        })
    }

    fn root(&self, mut a: i64) -> i64 {
        let mut hops = 0;
        while let Some(p) = self.parent.get(&a) {
            a = *p;
            hops += 1;
            if hops > 64 {
                break; // a cycle in bad data: stop at some member
            }
        }
        a
    }

    /// The month's input restricted to the affiliate tree of `root`, without the players in `drop`.
    fn restricted(&self, m: &Month, root: i64, drop: &BTreeSet<i64>) -> EngineInput {
        let i = &m.input;
        let tree: BTreeSet<i64> = i
            .affiliates
            .iter()
            .map(|a| a.id)
            .filter(|a| self.root(*a) == root)
            .collect();
        let players: Vec<_> = i
            .players
            .iter()
            .filter(|p| p.affiliate_id.is_some_and(|a| tree.contains(&a)) && !drop.contains(&p.id))
            .cloned()
            .collect();
        let (mut deposits, mut activity, mut trading) = (Vec::new(), Vec::new(), Vec::new());
        for p in &players {
            if let Some([d, a, t]) = m.events_of.get(&p.id) {
                deposits.extend(d.iter().map(|k| i.deposits[*k].clone()));
                activity.extend(a.iter().map(|k| i.activity[*k].clone()));
                trading.extend(t.iter().map(|k| i.trading[*k].clone()));
            }
        }
        EngineInput {
            first_day: i.first_day.clone(),
            last_day: i.last_day.clone(),
            affiliates: i
                .affiliates
                .iter()
                .filter(|a| tree.contains(&a.id))
                .cloned()
                .collect(),
            players,
            deposits,
            activity,
            trading,
            symbols: i.symbols.clone(),
            fx: i.fx.clone(),
            ..EngineInput::default()
        }
    }

    /// What the engine stops paying, per affiliate and currency, when `players` (players.id) are left out.
    pub fn held(&self, players: &BTreeSet<i64>) -> Held {
        self.held_in(players, false)
    }

    /// [`Self::held`] running the engine for every month, idle players' too: what a test compares it with.
    #[doc(hidden)]
    pub fn held_running_every_month(&self, players: &BTreeSet<i64>) -> Held {
        self.held_in(players, true)
    }

    fn held_in(&self, players: &BTreeSet<i64>, every_month: bool) -> Held {
        let mut out = Held::new();
        for (mi, m) in self.months.iter().enumerate() {
            let roots: BTreeSet<i64> = players
                .iter()
                .filter(|p| every_month || m.live.contains(p))
                .filter_map(|p| m.affiliate_of.get(p))
                .map(|a| self.root(*a))
                .collect();
            for root in roots {
                let base = self
                    .base
                    .borrow_mut()
                    .entry((mi, root))
                    .or_insert_with(|| {
                        commission_by_affiliate(&self.restricted(m, root, &BTreeSet::new()))
                    })
                    .clone();
                let without = commission_by_affiliate(&self.restricted(m, root, players));
                let mut keys: BTreeSet<&(i64, String)> = base.keys().collect();
                keys.extend(without.keys());
                for k in keys {
                    let d =
                        base.get(k).copied().unwrap_or(0) - without.get(k).copied().unwrap_or(0);
                    if d != 0 {
                        *out.entry(k.clone()).or_insert(0) += d;
                    }
                }
            }
        }
        out
    }

    /// [`Self::held`] summed in one currency: the program's, or the plans' when they all use another one.
    pub fn total(&self, players: &BTreeSet<i64>) -> (i64, String) {
        let held = self.held(players);
        let currencies: BTreeSet<&String> = held.keys().map(|(_, c)| c).collect();
        let currency = match currencies.iter().next() {
            Some(c) if currencies.len() == 1 => (*c).clone(),
            _ => self.program.currency.clone(),
        };
        let sum = held
            .iter()
            .filter(|((_, c), _)| *c == currency)
            .fold(0i64, |s, (_, v)| s.saturating_add(*v));
        (sum, currency)
    }
}
