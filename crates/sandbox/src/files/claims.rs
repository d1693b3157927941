//! An affiliate's own report of "their" players for a month — the claims file of a dispute — with an answer key.
//!
//! The claims are planted from the world's truth, one group per outcome a three-way reconciliation must find:
//! players that are the affiliate's and paid (`confirmed`), the same with a wrong first-deposit amount
//! (`amount_mismatch`), the affiliate's first deposits whose conversion the tracker never recorded
//! (`missing_postback`), players of other affiliates (`other_affiliate`), invented ids (`unknown`), the affiliate's
//! players who never deposited (`no_deposit`) and ones whose first deposit falls in another month
//! (`outside_window`). The file has the shapes real reports have — a byte-order mark, a decimal comma, a claim by
//! click id alone — and three bad rows the import must quarantine (no player or click, an impossible date, a
//! repeated claim id), listed in the key as `quarantined`.

use chrono::{DateTime, Datelike, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

use crate::truth::format_amount;
use crate::world::{Pattern, World};

/// A claims file and what each of its claims is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimsFile {
    pub affiliate_id: u32,
    /// `YYYY-MM`.
    pub month: String,
    /// The CSV's bytes (UTF-8 with a BOM).
    pub csv: String,
    /// claim id → the reason code a correct reconciliation gives it (`quarantined` for rows the import refuses).
    pub key: BTreeMap<String, String>,
}

const PER_GROUP: usize = 3;

fn month(t: &DateTime<Utc>) -> String {
    t.format("%Y-%m").to_string()
}

/// Mid-month only: a claim near a month's edge could fall on either side in the program's zone.
fn mid_month(t: &DateTime<Utc>) -> bool {
    (3..=26).contains(&t.day())
}

/// The affiliate with the most missing postbacks among first deposits of `month` (the interesting one to claim
/// for), if any.
pub fn claims_affiliate(world: &World, month_label: &str) -> Option<u32> {
    let deposits: BTreeMap<&str, &DateTime<Utc>> = world
        .deposits
        .iter()
        .map(|d| (d.deposit_id.as_str(), &d.occurred_at))
        .collect();
    let mut count: BTreeMap<u32, usize> = BTreeMap::new();
    for i in world
        .injected()
        .iter()
        .filter(|i| i.pattern == Pattern::MissingPostback)
    {
        let in_month = i.deposits.iter().any(|d| {
            deposits
                .get(d.as_str())
                .is_some_and(|t| month(t) == month_label && mid_month(t))
        });
        if let (Some(a), true) = (i.affiliate_id, in_month) {
            *count.entry(a).or_default() += 1;
        }
    }
    count
        .into_iter()
        .max_by_key(|(a, n)| (*n, std::cmp::Reverse(*a)))
        .map(|(a, _)| a)
}

/// The claims file of affiliate `affiliate_id` for `month_label` (`YYYY-MM`).
pub fn claims_file(world: &World, affiliate_id: u32, month_label: &str) -> ClaimsFile {
    // The first first-deposit of each player (deposits are in time order), as the operator's back-office has it.
    let mut ftd: BTreeMap<&str, (&DateTime<Utc>, Decimal)> = BTreeMap::new();
    for d in world.deposits.iter().filter(|d| d.is_ftd) {
        ftd.entry(d.player_id.as_str())
            .or_insert((&d.occurred_at, d.amount));
    }
    let any_deposit: BTreeSet<&str> = world
        .deposits
        .iter()
        .map(|d| d.player_id.as_str())
        .collect();
    // A conversion the tracker did not reject (a rejected one pays nothing: the claim would be a missing postback).
    let converted: BTreeSet<(&str, u32)> = world
        .conversions
        .iter()
        .filter(|c| c.status != crate::world::ConversionStatus::Rejected)
        .map(|c| (c.player_id.as_str(), c.affiliate_id))
        .collect();
    let touched: BTreeSet<&str> = world
        .injected()
        .iter()
        .filter(|i| i.pattern != Pattern::MissingPostback)
        .flat_map(|i| i.players.iter().map(String::as_str))
        .collect();
    let promo: BTreeMap<&str, u32> = world
        .affiliates
        .iter()
        .map(|a| (a.promo_code.as_str(), a.id))
        .collect();
    // Players whose attribution is plain: a click, no promo code of another affiliate, no planted trouble.
    let plain = world.players.iter().filter(|p| {
        p.click_id.is_some()
            && p.promo_code
                .as_deref()
                .is_none_or(|c| promo.get(c).copied() == p.affiliate_id)
            && !p.player_id.starts_with("PX")
            && !touched.contains(p.player_id.as_str())
    });
    let (mut mine, mut others, mut no_deposit, mut elsewhere) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for p in plain {
        let own = p.affiliate_id == Some(affiliate_id);
        match ftd.get(p.player_id.as_str()) {
            Some((t, amount)) if month(t) == month_label && mid_month(t) => {
                let paid = own && converted.contains(&(p.player_id.as_str(), affiliate_id));
                if paid && mine.len() >= 2 * PER_GROUP && elsewhere.len() < 2 {
                    // Claimed ten days off the operator's first deposit (still in the month): the report's dates
                    // are wrong.
                    let shift = chrono::Duration::days(if t.day() >= 13 { -10 } else { 10 });
                    elsewhere.push((p, Some(**t + shift)));
                } else if paid {
                    mine.push((p, **t, *amount));
                } else if !own && p.affiliate_id.is_some() {
                    others.push((p, **t, *amount));
                }
            }
            Some((t, _)) if own && month(t) != month_label => elsewhere.push((p, None)),
            None if own
                && !any_deposit.contains(p.player_id.as_str())
                && month(&p.registered_at) == month_label
                && mid_month(&p.registered_at) =>
            {
                no_deposit.push(p)
            }
            _ => {}
        }
    }
    let missing: Vec<(&str, DateTime<Utc>, Decimal)> = world
        .injected()
        .iter()
        .filter(|i| i.pattern == Pattern::MissingPostback && i.affiliate_id == Some(affiliate_id))
        .flat_map(|i| i.deposits.iter())
        .filter_map(|d| world.deposits.iter().find(|x| &x.deposit_id == d))
        .filter(|d| d.is_ftd && month(&d.occurred_at) == month_label && mid_month(&d.occurred_at))
        .map(|d| (d.player_id.as_str(), d.occurred_at, d.amount))
        .collect();

    let mut rows: Vec<[String; 7]> = Vec::new();
    let mut key = BTreeMap::new();
    let mut n = 0;
    let mut claim = |rows: &mut Vec<[String; 7]>, reason: &str, cells: [String; 6]| {
        n += 1;
        let id = format!("CL{n:03}");
        key.insert(id.clone(), reason.to_string());
        let [player, click, reg, day, amount, cur] = cells;
        rows.push([id, player, click, reg, day, amount, cur]);
    };
    let day = |t: &DateTime<Utc>| t.format("%Y-%m-%d").to_string();
    let amount = |a: Decimal| format_amount(a);
    let cur = || world.program.currency.clone();
    for (i, (p, t, a)) in mine.iter().take(PER_GROUP).enumerate() {
        // One claim names the click only; one writes the amount with a decimal comma.
        let (player, click) = if i == 0 {
            (String::new(), p.click_id.clone().unwrap_or_default())
        } else {
            (p.player_id.clone(), String::new())
        };
        let a = if i == 1 {
            amount(*a).replace('.', ",")
        } else {
            amount(*a)
        };
        claim(
            &mut rows,
            "confirmed",
            [player, click, day(&p.registered_at), day(t), a, cur()],
        );
    }
    for (p, t, a) in mine.iter().skip(PER_GROUP).take(PER_GROUP) {
        claim(
            &mut rows,
            "amount_mismatch",
            [
                p.player_id.clone(),
                String::new(),
                day(&p.registered_at),
                day(t),
                amount(*a + Decimal::new(700, 2)),
                cur(),
            ],
        );
    }
    for (p, t, a) in missing.iter().take(PER_GROUP) {
        claim(
            &mut rows,
            "missing_postback",
            [
                p.to_string(),
                String::new(),
                String::new(),
                day(t),
                amount(*a),
                cur(),
            ],
        );
    }
    for (p, t, a) in others.iter().take(PER_GROUP) {
        claim(
            &mut rows,
            "other_affiliate",
            [
                p.player_id.clone(),
                String::new(),
                day(&p.registered_at),
                day(t),
                amount(*a),
                cur(),
            ],
        );
    }
    for k in 0..2 {
        claim(
            &mut rows,
            "unknown",
            [
                format!("PZ9{k:04}"),
                String::new(),
                String::new(),
                format!("{month_label}-1{k}"),
                "50.00".into(),
                cur(),
            ],
        );
    }
    for p in no_deposit.iter().take(2) {
        claim(
            &mut rows,
            "no_deposit",
            [
                p.player_id.clone(),
                String::new(),
                day(&p.registered_at),
                String::new(),
                String::new(),
                String::new(),
            ],
        );
    }
    for (p, early) in elsewhere.iter().take(2) {
        // The affiliate dates the claim in this month: the operator's first deposit is in another month, or two
        // weeks from the day claimed.
        let claimed = early
            .map(|t| day(&t))
            .unwrap_or_else(|| format!("{month_label}-15"));
        claim(
            &mut rows,
            "outside_window",
            [
                p.player_id.clone(),
                String::new(),
                String::new(),
                claimed,
                "20.00".into(),
                cur(),
            ],
        );
    }
    // Rows the import must refuse, each with its reason.
    let bad = [
        (
            "CLX01",
            ["", "", "", &format!("{month_label}-12"), "30.00", "EUR"],
        ),
        ("CLX02", ["P000001", "", "", "2026-13-45", "30.00", "EUR"]),
    ];
    for (id, cells) in bad {
        key.insert(id.to_string(), "quarantined".into());
        rows.push([
            id.to_string(),
            cells[0].into(),
            cells[1].into(),
            cells[2].into(),
            cells[3].into(),
            cells[4].into(),
            cells[5].into(),
        ]);
    }
    if let Some(first) = rows.first().cloned() {
        // The same claim id again, with another player: refused, the first one kept.
        let mut dup = first.clone();
        dup[1] = "PZ80000".into();
        rows.push(dup);
    }
    let mut csv = String::from(
        "\u{feff}claim_id,player_id,click_id,registration_date,ftd_date,ftd_amount,currency\n",
    );
    for r in &rows {
        let cells: Vec<String> = r
            .iter()
            .map(|c| {
                if c.contains(',') {
                    format!("\"{c}\"")
                } else {
                    c.clone()
                }
            })
            .collect();
        csv.push_str(&cells.join(","));
        csv.push('\n');
    }
    ClaimsFile {
        affiliate_id,
        month: month_label.to_string(),
        csv,
        key,
    }
}
