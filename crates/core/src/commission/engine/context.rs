//! The inputs indexed by affiliate and player ([`Context`]), built once per computation, with the queries every
//! component shares: a player's checklist, the qualified and active players of an affiliate, its NGR.
//! Building it reports activity it cannot attribute (unknown player, affiliate or symbol; no plan).

use super::qualification::{checklist, Checklist, PlayerEvents};
use super::{
    ActivityIn, AffiliateIn, BasisItem, DepositIn, EngineInput, EventRef, Fx, PlayerIn, Problem,
    TradingIn,
};
use crate::commission::plan::formula::Formula;
use crate::commission::plan::Qualification;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The inputs indexed by affiliate and player, built once per computation.
pub struct Context<'a> {
    pub input: &'a EngineInput,
    pub affiliates: BTreeMap<i64, &'a AffiliateIn>,
    pub children: BTreeMap<i64, Vec<i64>>,
    pub players_of: BTreeMap<i64, Vec<&'a PlayerIn>>,
    pub deposits_of: HashMap<i64, Vec<&'a DepositIn>>,
    pub activity_of: HashMap<i64, Vec<&'a ActivityIn>>,
    pub trading_of: HashMap<i64, Vec<&'a TradingIn>>,
}

fn problem(kind: &str, subject: String, detail: String) -> Problem {
    Problem {
        kind: kind.into(),
        subject,
        detail,
    }
}

impl<'a> Context<'a> {
    pub fn new(input: &'a EngineInput, problems: &mut Vec<Problem>) -> Self {
        let affiliates: BTreeMap<i64, &AffiliateIn> =
            input.affiliates.iter().map(|a| (a.id, a)).collect();
        let mut children: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
        for a in &input.affiliates {
            if let Some(p) = a.parent_id {
                children.entry(p).or_default().push(a.id);
            }
        }
        let mut players_of: BTreeMap<i64, Vec<&PlayerIn>> = BTreeMap::new();
        let mut known = BTreeSet::new();
        for p in &input.players {
            known.insert(p.id);
            match p.affiliate_id {
                Some(a) if affiliates.contains_key(&a) => players_of.entry(a).or_default().push(p),
                Some(a) => problems.push(problem("unknown_affiliate", format!("affiliate #{a}"), "players are attributed to an affiliate the program does not have; their activity is not paid".into())),
                None => {}
            }
        }
        for v in players_of.values_mut() {
            v.sort_by_key(|p| p.id);
        }
        let mut deposits_of: HashMap<i64, Vec<&DepositIn>> = HashMap::new();
        for d in &input.deposits {
            if known.contains(&d.player_id) {
                deposits_of.entry(d.player_id).or_default().push(d);
            } else {
                problems.push(problem(
                    "unknown_player",
                    format!("player #{}", d.player_id),
                    "deposits of a player the program does not have are not paid".into(),
                ));
            }
        }
        let mut activity_of: HashMap<i64, Vec<&ActivityIn>> = HashMap::new();
        for a in &input.activity {
            if known.contains(&a.player_id) {
                activity_of.entry(a.player_id).or_default().push(a);
            } else {
                problems.push(problem(
                    "unknown_player",
                    format!("player #{}", a.player_id),
                    "activity of a player the program does not have is not paid".into(),
                ));
            }
        }
        let mut trading_of: HashMap<i64, Vec<&TradingIn>> = HashMap::new();
        for t in &input.trading {
            if !input.symbols.contains_key(&t.symbol) {
                problems.push(problem("unknown_symbol", t.symbol.clone(), "trading in a symbol missing from the program's symbols (no contract size): not paid".into()));
            } else if known.contains(&t.player_id) {
                trading_of.entry(t.player_id).or_default().push(t);
            } else {
                problems.push(problem(
                    "unknown_player",
                    format!("player #{}", t.player_id),
                    "trading of an account without a known client is not paid".into(),
                ));
            }
        }
        let in_period =
            |day: &str| day >= input.first_day.as_str() && day <= input.last_day.as_str();
        for (aff, players) in &players_of {
            if affiliates[aff].plan.is_some() {
                continue;
            }
            let active = players.iter().any(|p| {
                activity_of
                    .get(&p.id)
                    .is_some_and(|v| v.iter().any(|a| in_period(&a.day)))
                    || deposits_of
                        .get(&p.id)
                        .is_some_and(|v| v.iter().any(|d| in_period(&d.day)))
                    || trading_of
                        .get(&p.id)
                        .is_some_and(|v| v.iter().any(|t| in_period(&t.day)))
                    || in_period(&p.registered_day)
            });
            if active {
                problems.push(problem("no_plan", affiliates[aff].external_id.clone(), "the affiliate's players have activity in the period but no plan is assigned (nor a program default): nothing is paid".into()));
            }
        }
        Context {
            input,
            affiliates,
            children,
            players_of,
            deposits_of,
            activity_of,
            trading_of,
        }
    }

    pub fn in_period(&self, day: &str) -> bool {
        day >= self.input.first_day.as_str() && day <= self.input.last_day.as_str()
    }

    pub fn players(&self, affiliate_id: i64) -> &[&'a PlayerIn] {
        self.players_of
            .get(&affiliate_id)
            .map_or(&[], Vec::as_slice)
    }

    pub fn events(
        &self,
        p: &'a PlayerIn,
    ) -> (Vec<&'a DepositIn>, Vec<&'a ActivityIn>, Vec<&'a TradingIn>) {
        (
            self.deposits_of.get(&p.id).cloned().unwrap_or_default(),
            self.activity_of.get(&p.id).cloned().unwrap_or_default(),
            self.trading_of.get(&p.id).cloned().unwrap_or_default(),
        )
    }

    /// The checklist of a player as of the period's last day.
    pub fn checklist(
        &self,
        p: &'a PlayerIn,
        q: &Qualification,
        currency: &str,
        fx: &Fx<'_>,
    ) -> Checklist {
        let (d, a, t) = self.events(p);
        let ev = PlayerEvents {
            player: p,
            deposits: &d,
            activity: &a,
            trading: &t,
        };
        checklist(
            q,
            currency,
            &ev,
            &self.input.symbols,
            fx,
            &self.input.last_day,
        )
    }

    /// Players of an affiliate who qualified inside the period, in qualification order (day, then player id).
    pub fn qualified(
        &self,
        affiliate_id: i64,
        q: &Qualification,
        currency: &str,
        fx: &Fx<'_>,
    ) -> Vec<(String, &'a PlayerIn)> {
        let mut out: Vec<(String, &PlayerIn)> = self
            .players(affiliate_id)
            .iter()
            .filter_map(|p| {
                self.checklist(p, q, currency, fx)
                    .qualified_on
                    .filter(|d| self.in_period(d))
                    .map(|d| (d, *p))
            })
            .collect();
        out.sort_by(|a, b| (&a.0, a.1.id).cmp(&(&b.0, b.1.id)));
        out
    }

    /// Players with activity in the period.
    pub fn active_players(&self, affiliate_id: i64) -> u32 {
        self.players(affiliate_id)
            .iter()
            .filter(|p| {
                self.activity_of
                    .get(&p.id)
                    .is_some_and(|v| v.iter().any(|a| self.in_period(&a.day)))
            })
            .count() as u32
    }

    /// The NGR of an affiliate's players over the period in `currency`, per player (exact), by `formula`.
    pub fn ngr(
        &self,
        affiliate_id: i64,
        formula: &Formula,
        currency: &str,
        fx: &Fx<'_>,
        problems: &mut Vec<Problem>,
    ) -> (Decimal, Vec<BasisItem>) {
        let mut total = Decimal::ZERO;
        let mut basis = Vec::new();
        for p in self.players(affiliate_id) {
            let Some(rows) = self.activity_of.get(&p.id) else {
                continue;
            };
            let mut ngr = Decimal::ZERO;
            let (mut first, mut last, mut days) = (None::<&str>, None::<&str>, 0u32);
            for a in rows.iter().filter(|a| self.in_period(&a.day)) {
                match fx.convert_on(&a.day, formula.eval(&a.activity), &a.currency, currency) {
                    Some(v) => ngr += v,
                    None => {
                        problems.push(problem("unknown_currency", a.currency.clone(), format!("no FX rate {} → {currency} in the period's snapshot: that activity is not paid", a.currency)));
                        continue;
                    }
                }
                days += 1;
                first = Some(first.map_or(a.day.as_str(), |f| f.min(a.day.as_str())));
                last = Some(last.map_or(a.day.as_str(), |l| l.max(a.day.as_str())));
            }
            if days == 0 {
                continue;
            }
            total += ngr;
            basis.push(BasisItem {
                subject: p.external_id.clone(),
                amount: ngr.normalize().to_string(),
                note: format!("NGR over {days} activity days"),
                events: vec![EventRef {
                    kind: "activity".into(),
                    id: p.id,
                    day: format!(
                        "{}..{}",
                        first.unwrap_or_default(),
                        last.unwrap_or_default()
                    ),
                    detail: format!("{days} days"),
                }],
            });
        }
        (total, basis)
    }
}
