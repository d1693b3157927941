//! The qualification checklist of one player under a CPA plan: each criterion with what is required, what the
//! player did, whether it passed and on which day. The player qualifies on the day the last criterion passed,
//! provided that day is within the plan's window after registration. Only events up to `as_of` count.

use super::{ActivityIn, DepositIn, Fx, PlayerIn, SymbolIn, TradingIn};
use crate::commission::plan::Qualification;
use crate::time::parse_day;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Criterion {
    /// `first_deposit`, `wagering`, `lots`, `trades`, `baseline`, `window`.
    pub name: String,
    pub required: String,
    pub actual: String,
    pub passed: bool,
    /// The day (program zone) the criterion first held.
    pub passed_on: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Checklist {
    pub criteria: Vec<Criterion>,
    pub qualified_on: Option<String>,
}

/// Lots of one trading row: volume / contract size (a cent account trades 1/100 of it). None for an unknown
/// symbol.
pub fn lots(t: &TradingIn, symbols: &BTreeMap<String, SymbolIn>) -> Option<Decimal> {
    let s = symbols.get(&t.symbol)?;
    let mut units = Decimal::new(t.volume_micros, crate::money::MICROS_SCALE);
    if t.is_cent {
        units /= Decimal::ONE_HUNDRED;
    }
    Some(units / Decimal::from(s.contract_size))
}

/// `day` plus `n` days, as `YYYY-MM-DD`; the input when it is not a day.
pub fn add_days(day: &str, n: u32) -> String {
    parse_day(day)
        .ok()
        .and_then(|d| d.checked_add_days(chrono::Days::new(u64::from(n))))
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| day.to_string())
}

/// Everything a checklist reads about one player.
pub struct PlayerEvents<'a> {
    pub player: &'a PlayerIn,
    pub deposits: &'a [&'a DepositIn],
    pub activity: &'a [&'a ActivityIn],
    pub trading: &'a [&'a TradingIn],
}

fn fmt(d: Decimal) -> String {
    d.normalize().to_string()
}

/// Cumulative series: the first day a running sum of (day, value) reaches `required`.
fn first_day_reaching(
    mut rows: Vec<(&str, Decimal)>,
    required: Decimal,
) -> (Decimal, Option<&str>) {
    rows.sort_by(|a, b| a.0.cmp(b.0));
    let mut total = Decimal::ZERO;
    let mut passed = None;
    for (day, v) in rows {
        total += v;
        if passed.is_none() && total >= required {
            passed = Some(day);
        }
    }
    (total, passed)
}

pub fn checklist(
    q: &Qualification,
    currency: &str,
    ev: &PlayerEvents<'_>,
    symbols: &BTreeMap<String, SymbolIn>,
    fx: &Fx<'_>,
    as_of: &str,
) -> Checklist {
    let mut out = Vec::new();
    let conv = |micros: i64, cur: &str, day: &str| fx.convert_on(day, micros, cur, currency);
    let deposits: Vec<&DepositIn> = ev
        .deposits
        .iter()
        .copied()
        .filter(|d| d.day.as_str() <= as_of)
        .collect();
    // The first deposit counts on its own day only: later deposits never make a small FTD qualify.
    let ftd = deposits
        .iter()
        .copied()
        .filter(|d| d.is_ftd)
        .min_by(|a, b| (&a.day, a.id).cmp(&(&b.day, b.id)))
        .or_else(|| {
            deposits
                .iter()
                .copied()
                .min_by(|a, b| (&a.day, a.id).cmp(&(&b.day, b.id)))
        });
    let ftd_amount = ftd.and_then(|d| conv(d.amount_micros, &d.currency, &d.day));
    let min_ftd = q.min_ftd.unwrap_or(Decimal::ZERO);
    let ftd_ok = ftd.is_some() && ftd_amount.is_some_and(|a| a >= min_ftd && a > Decimal::ZERO);
    // The first deposit is a criterion when the plan sets a minimum, or when it sets nothing else (a plain CPA
    // pays per first-time depositor); a lots-only Forex CPA does not ask for one.
    let only_ftd = q.wagering_multiple.is_none()
        && q.min_lots.is_none()
        && q.min_trades.is_none()
        && q.baseline.is_none();
    if q.min_ftd.is_some() || only_ftd {
        out.push(Criterion {
            name: "first_deposit".into(),
            required: if q.min_ftd.is_some() {
                format!("first deposit ≥ {} {currency}", fmt(min_ftd))
            } else {
                "a first deposit".into()
            },
            actual: match (ftd, ftd_amount) {
                (Some(d), Some(a)) => format!("{} {currency} on {}", fmt(a), d.day),
                (Some(d), None) => format!(
                    "{} in {} (no FX rate to {currency})",
                    fmt(Decimal::new(d.amount_micros, 6)),
                    d.currency
                ),
                (None, _) => "no deposit".into(),
            },
            passed: ftd_ok,
            passed_on: if ftd_ok {
                ftd.map(|d| d.day.clone())
            } else {
                None
            },
        });
    }
    if let Some(k) = q.wagering_multiple {
        // Bets (activity) against deposits (movements), day by day; passes on the first day bets ≥ k × deposits.
        let mut days: BTreeMap<&str, (Decimal, Decimal)> = BTreeMap::new();
        for d in &deposits {
            days.entry(d.day.as_str()).or_default().1 +=
                conv(d.amount_micros, &d.currency, &d.day).unwrap_or_default();
        }
        for a in ev.activity.iter().filter(|a| a.day.as_str() <= as_of) {
            days.entry(a.day.as_str()).or_default().0 +=
                conv(a.activity.bets, &a.currency, &a.day).unwrap_or_default();
        }
        let (mut bets, mut deps, mut passed_on) = (Decimal::ZERO, Decimal::ZERO, None);
        for (day, (b, d)) in &days {
            bets += b;
            deps += d;
            if passed_on.is_none() && deps > Decimal::ZERO && bets >= k * deps {
                passed_on = Some(day.to_string());
            }
        }
        out.push(Criterion {
            name: "wagering".into(),
            required: format!("bets ≥ {}× deposits", fmt(k)),
            actual: format!("bets {} vs deposits {} {currency}", fmt(bets), fmt(deps)),
            passed: passed_on.is_some(),
            passed_on,
        });
    }
    let trading: Vec<&TradingIn> = ev
        .trading
        .iter()
        .copied()
        .filter(|t| t.day.as_str() <= as_of)
        .collect();
    if let Some(min) = q.min_lots {
        let rows = trading
            .iter()
            .filter_map(|t| lots(t, symbols).map(|l| (t.day.as_str(), l)))
            .collect();
        let (total, day) = first_day_reaching(rows, min);
        out.push(Criterion {
            name: "lots".into(),
            required: format!("≥ {} lots", fmt(min)),
            actual: format!("{} lots", fmt(total)),
            passed: day.is_some(),
            passed_on: day.map(str::to_string),
        });
    }
    if let Some(min) = q.min_trades {
        let rows = trading
            .iter()
            .map(|t| (t.day.as_str(), Decimal::from(t.trades)))
            .collect();
        let (total, day) = first_day_reaching(rows, Decimal::from(min));
        out.push(Criterion {
            name: "trades".into(),
            required: format!("≥ {min} trades"),
            actual: format!("{total} trades"),
            passed: day.is_some(),
            passed_on: day.map(str::to_string),
        });
    }
    if let Some(b) = &q.baseline {
        let window_end = add_days(&ev.player.registered_day, b.window_days);
        let rows = deposits
            .iter()
            .filter(|d| d.day <= window_end)
            .map(|d| {
                (
                    d.day.as_str(),
                    conv(d.amount_micros, &d.currency, &d.day).unwrap_or_default(),
                )
            })
            .collect();
        let (total, day) = first_day_reaching(rows, b.min_deposits);
        out.push(Criterion {
            name: "baseline".into(),
            required: format!(
                "deposits ≥ {} {currency} by {window_end}",
                fmt(b.min_deposits)
            ),
            actual: format!("{} {currency}", fmt(total)),
            passed: day.is_some(),
            passed_on: day.map(str::to_string),
        });
    }
    let all_passed = out.iter().all(|c| c.passed);
    let last_pass = out.iter().filter_map(|c| c.passed_on.clone()).max();
    let mut qualified_on = if all_passed { last_pass.clone() } else { None };
    if let Some(n) = q.within_days {
        let deadline = add_days(&ev.player.registered_day, n);
        let in_time = qualified_on.as_ref().is_some_and(|d| *d <= deadline);
        out.push(Criterion {
            name: "window".into(),
            required: format!(
                "all of the above by {deadline} ({n} days after registration on {})",
                ev.player.registered_day
            ),
            actual: match (&qualified_on, &last_pass) {
                (Some(d), _) => format!("all passed on {d}"),
                (None, _) => "not all passed yet".into(),
            },
            passed: in_time,
            passed_on: if in_time { qualified_on.clone() } else { None },
        });
        if !in_time {
            qualified_on = None;
        }
    }
    Checklist {
        criteria: out,
        qualified_on,
    }
}
