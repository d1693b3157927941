//! Forex IB lines: rebates on the IB's own clients' trading (an amount per lot by symbol or group, a capped
//! percent of the spread per lot, a percent of the trade commission per instrument class) and multi-level
//! overrides on the clients of sub-IBs. Lots are computed per symbol: volume / contract size.

use super::igaming::{line, Context};
use super::qualification::lots;
use super::{AffiliateIn, AssignedPlan, BasisItem, EventRef, Fx, Line, Problem, TradingIn};
use crate::commission::plan::{Component, IbRebate, Instrument};
use rust_decimal::Decimal;
use std::collections::BTreeSet;

fn best<'r, T>(
    rates: &'r [T],
    inst: impl Fn(&T) -> &Instrument,
    symbol: &str,
    group: &str,
) -> Option<&'r T> {
    rates
        .iter()
        .filter_map(|r| inst(r).rank(symbol, group).map(|k| (k, r)))
        .max_by_key(|(k, _)| *k)
        .map(|(_, r)| r)
}

/// Descendants of an affiliate exactly `depth` levels down (children are depth 1).
pub fn descendants(ctx: &Context<'_>, id: i64, depth: u32) -> Vec<i64> {
    let mut level = vec![id];
    let mut seen = BTreeSet::from([id]);
    for _ in 0..depth {
        let mut next = Vec::new();
        for a in &level {
            for c in ctx.children.get(a).map_or(&[][..], Vec::as_slice) {
                if seen.insert(*c) {
                    next.push(*c);
                }
            }
        }
        level = next;
    }
    if depth == 0 {
        Vec::new()
    } else {
        level
    }
}

/// What one client's trading in the period earns under an IB rebate, and its lots.
struct Earned {
    amount: Decimal,
    lots: Decimal,
    trades: u32,
    accounts: BTreeSet<i64>,
    first: String,
    last: String,
}

fn earn(
    ctx: &Context<'_>,
    rows: &[&TradingIn],
    ib: &IbRebate,
    currency: &str,
    fx: &Fx<'_>,
    problems: &mut Vec<Problem>,
) -> Earned {
    let mut e = Earned {
        amount: Decimal::ZERO,
        lots: Decimal::ZERO,
        trades: 0,
        accounts: BTreeSet::new(),
        first: String::new(),
        last: String::new(),
    };
    for t in rows.iter().filter(|t| ctx.in_period(&t.day)) {
        let Some(sym) = ctx.input.symbols.get(&t.symbol) else {
            continue;
        };
        let Some(l) = lots(t, &ctx.input.symbols) else {
            continue;
        };
        e.lots += l;
        e.trades += t.trades;
        e.accounts.insert(t.account_id);
        if e.first.is_empty() || t.day < e.first {
            e.first = t.day.clone();
        }
        if t.through_day > e.last {
            e.last = t.through_day.clone();
        }
        if let Some(r) = best(&ib.per_lot, |r| &r.instrument, &t.symbol, &sym.group) {
            e.amount += l * r.amount_per_lot;
        }
        if let Some(s) = &ib.spread_share {
            if let Some(r) = best(&s.spreads, |r| &r.instrument, &t.symbol, &sym.group) {
                let mut per_lot = s.percent * r.spread_per_lot / Decimal::ONE_HUNDRED;
                if let Some(cap) = s.cap_per_lot {
                    per_lot = per_lot.min(cap);
                }
                e.amount += l * per_lot;
            }
        }
        if let Some(r) = best(
            &ib.commission_share,
            |r| &r.instrument,
            &t.symbol,
            &sym.group,
        ) {
            match fx.convert_on(&t.day, t.commission_micros.abs(), &t.currency, currency) {
                Some(c) => e.amount += c * r.percent / Decimal::ONE_HUNDRED,
                None => problems.push(Problem { kind: "unknown_currency".into(), subject: t.currency.clone(), detail: format!("no FX rate {} → {currency} in the period's snapshot: that trade commission is not shared", t.currency) }),
            }
        }
    }
    e
}

fn trading_events(e: &Earned) -> Vec<EventRef> {
    e.accounts
        .iter()
        .map(|acc| EventRef {
            kind: "trading".into(),
            id: *acc,
            day: format!("{}..{}", e.first, e.last),
            detail: format!("{} deals", e.trades),
        })
        .collect()
}

/// The IB rebate and override lines of one affiliate.
pub fn lines(
    ctx: &Context<'_>,
    a: &AffiliateIn,
    plan: &AssignedPlan,
    fx: &Fx<'_>,
    problems: &mut Vec<Problem>,
) -> Vec<Line> {
    let Some(ib) = plan.version.components.iter().find_map(|c| {
        if let Component::IbRebate(ib) = c {
            Some(ib)
        } else {
            None
        }
    }) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut exact = Decimal::ZERO;
    let mut basis = Vec::new();
    let mut total_lots = Decimal::ZERO;
    for p in ctx.players(a.id) {
        let Some(rows) = ctx.trading_of.get(&p.id) else {
            continue;
        };
        let e = earn(ctx, rows, ib, &plan.currency, fx, problems);
        if e.trades == 0 && e.lots.is_zero() {
            continue;
        }
        exact += e.amount;
        total_lots += e.lots;
        basis.push(BasisItem {
            subject: p.external_id.clone(),
            amount: e.amount.normalize().to_string(),
            note: format!("{} lots in {} deals", e.lots.normalize(), e.trades),
            events: trading_events(&e),
        });
    }
    let mut parts = Vec::new();
    if !ib.per_lot.is_empty() {
        parts.push("an amount per lot by symbol/group".to_string());
    }
    if let Some(s) = &ib.spread_share {
        parts.push(format!(
            "{}% of the spread per lot{}",
            s.percent.normalize(),
            s.cap_per_lot.map_or(String::new(), |c| format!(
                " capped at {} per lot",
                c.normalize()
            ))
        ));
    }
    if !ib.commission_share.is_empty() {
        parts.push("a share of the trade commission by instrument class".to_string());
    }
    out.push(line(
        a,
        plan,
        "ib_rebate",
        format!(
            "IB rebate: {}; {} lots",
            parts.join(" + "),
            total_lots.normalize()
        ),
        exact,
        basis,
    ));
    if !ib.overrides.is_empty() {
        let mut exact = Decimal::ZERO;
        let mut basis = Vec::new();
        let mut levels = ib.overrides.clone();
        levels.sort_by_key(|o| o.level);
        for o in &levels {
            for d in descendants(ctx, a.id, o.level) {
                let sub = ctx.affiliates[&d];
                let mut lots_sum = Decimal::ZERO;
                let mut events = Vec::new();
                for p in ctx.players(d) {
                    let Some(rows) = ctx.trading_of.get(&p.id) else {
                        continue;
                    };
                    let plain = IbRebate {
                        per_lot: vec![],
                        spread_share: None,
                        commission_share: vec![],
                        overrides: vec![],
                    };
                    let e = earn(ctx, rows, &plain, &plan.currency, fx, problems);
                    lots_sum += e.lots;
                    events.extend(trading_events(&e));
                }
                if lots_sum.is_zero() {
                    continue;
                }
                let amt = lots_sum * o.amount_per_lot;
                exact += amt;
                basis.push(BasisItem {
                    subject: sub.external_id.clone(),
                    amount: amt.normalize().to_string(),
                    note: format!(
                        "level {}: {} lots × {}",
                        o.level,
                        lots_sum.normalize(),
                        o.amount_per_lot.normalize()
                    ),
                    events,
                });
            }
        }
        let rule = format!(
            "IB overrides per lot of sub-IBs' clients: {}",
            levels
                .iter()
                .map(|o| format!("level {} {} per lot", o.level, o.amount_per_lot.normalize()))
                .collect::<Vec<_>>()
                .join(", ")
        );
        out.push(line(a, plan, "ib_override", rule, exact, basis));
    }
    out
}
