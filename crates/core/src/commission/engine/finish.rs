//! The last steps of a computation, in a fixed order: sub-affiliate lines (they read the children's own
//! lines), rounding once per line, the amount cap, carry-in and carry-out (negative carryover, minimum payout),
//! then ordering and the hash.

use super::forex::descendants;
use super::igaming::{line, Context};
use super::{BasisItem, EngineInput, EngineOutput, EventRef, Line, LineKind, Problem};
use crate::commission::plan::formula::{default_ngr, Formula};
use crate::commission::plan::{Component, SubBasis};
use rust_decimal::Decimal;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// Statement order of line keys.
pub const LINE_ORDER: [&str; 10] = [
    "cpa",
    "cpl",
    "revshare",
    "ib_rebate",
    "ib_override",
    "sub_affiliate",
    "cap",
    "carry_in",
    "carry_out",
    "waiver",
];

fn order(key: &str) -> usize {
    LINE_ORDER
        .iter()
        .position(|k| *k == key)
        .unwrap_or(LINE_ORDER.len())
}

/// A line that is not a component's (cap, carries, late corrections): `who` is (affiliate id, external id).
fn plain_line(
    (affiliate_id, affiliate): (i64, &str),
    key: &str,
    kind: LineKind,
    plan_version_id: Option<i64>,
    rule: String,
    micros: i64,
    currency: &str,
) -> Line {
    Line {
        affiliate_id,
        affiliate: affiliate.to_string(),
        line_key: key.into(),
        origin_first_day: String::new(),
        kind,
        plan_version_id,
        rule,
        exact: Decimal::new(micros, crate::money::MICROS_SCALE)
            .normalize()
            .to_string(),
        amount_micros: micros,
        currency: currency.to_string(),
        basis: Vec::new(),
    }
}

pub fn finish(
    input: &EngineInput,
    ctx: &Context<'_>,
    mut lines: Vec<Line>,
    mut problems: Vec<Problem>,
) -> EngineOutput {
    let fx = super::Fx::new(&input.fx);
    // Each affiliate's own commission, exact, before any sub-affiliate line.
    let mut own: BTreeMap<i64, Decimal> = BTreeMap::new();
    for l in &lines {
        *own.entry(l.affiliate_id).or_default() += l.exact.parse::<Decimal>().unwrap_or_default();
    }
    for a in &input.affiliates {
        let Some(plan) = &a.plan else { continue };
        let Some(sub) = plan.version.components.iter().find_map(|c| {
            if let Component::SubAffiliate(s) = c {
                Some(s)
            } else {
                None
            }
        }) else {
            continue;
        };
        let mut exact = Decimal::ZERO;
        let mut basis = Vec::new();
        for (i, pct) in sub.levels.iter().enumerate() {
            for d in descendants(ctx, a.id, i as u32 + 1) {
                let child = ctx.affiliates[&d];
                let child_base = match sub.basis {
                    SubBasis::Commission => own.get(&d).copied().unwrap_or_default(),
                    SubBasis::Base => {
                        let text = child
                            .plan
                            .as_ref()
                            .and_then(|p| {
                                p.version.components.iter().find_map(|c| {
                                    if let Component::RevShare(r) = c {
                                        Some(r.ngr.clone())
                                    } else {
                                        None
                                    }
                                })
                            })
                            .unwrap_or_else(default_ngr);
                        let f = Formula::parse(&text).unwrap_or_else(|_| {
                            Formula::parse(&default_ngr()).expect("the default formula parses")
                        });
                        ctx.ngr(d, &f, &plan.currency, &fx, &mut problems).0
                    }
                };
                if child_base.is_zero() {
                    continue;
                }
                let amt = child_base * pct / Decimal::ONE_HUNDRED;
                exact += amt;
                basis.push(BasisItem {
                    subject: child.external_id.clone(),
                    amount: amt.normalize().to_string(),
                    note: format!(
                        "level {}: {}% of {} {}",
                        i + 1,
                        pct.normalize(),
                        if sub.basis == SubBasis::Commission {
                            "commission"
                        } else {
                            "NGR"
                        },
                        child_base.normalize()
                    ),
                    events: vec![EventRef {
                        kind: "affiliate".into(),
                        id: d,
                        day: format!("{}..{}", input.first_day, input.last_day),
                        detail: format!("{:?}", sub.basis).to_lowercase(),
                    }],
                });
            }
        }
        let levels = sub
            .levels
            .iter()
            .enumerate()
            .map(|(i, p)| format!("level {} {}%", i + 1, p.normalize()))
            .collect::<Vec<_>>()
            .join(", ");
        let rule = format!(
            "sub-affiliate share of the {}: {levels}",
            if sub.basis == SubBasis::Commission {
                "children's commission"
            } else {
                "children's NGR"
            }
        );
        lines.push(line(a, plan, "sub_affiliate", rule, exact, basis));
    }
    // Round each line once, in its plan's mode and currency.
    let plans: BTreeMap<i64, &super::AssignedPlan> = input
        .affiliates
        .iter()
        .filter_map(|a| a.plan.as_ref().map(|p| (a.id, p)))
        .collect();
    for l in &mut lines {
        let mode = plans
            .get(&l.affiliate_id)
            .map(|p| p.rounding)
            .unwrap_or_default();
        let exact = l.exact.parse::<Decimal>().unwrap_or_default();
        l.amount_micros = mode.round_to_minor(exact, &l.currency).unwrap_or_else(|e| {
            problems.push(Problem {
                kind: "overflow".into(),
                subject: l.affiliate.clone(),
                detail: format!("{} line {e}: not paid", l.line_key),
            });
            0
        });
    }
    // Caps, then late corrections, then carries, per affiliate.
    let mut extra = Vec::new();
    for l in &input.late {
        let name = ctx
            .affiliates
            .get(&l.affiliate_id)
            .map_or_else(|| format!("#{}", l.affiliate_id), |a| a.external_id.clone());
        let mut line = plain_line(
            (l.affiliate_id, &name),
            &l.line_key,
            LineKind::Adjustment,
            l.plan_version_id,
            format!(
                "late correction of the closed period from {}",
                l.origin_first_day
            ),
            l.amount_micros,
            &l.currency,
        );
        line.origin_first_day = l.origin_first_day.clone();
        extra.push(line);
    }
    for a in &input.affiliates {
        let plan = a.plan.as_ref();
        let currency = plan.map_or_else(String::new, |p| p.currency.clone());
        let pv = plan.map(|p| p.plan_version_id);
        let mut total: i64 = lines
            .iter()
            .filter(|l| l.affiliate_id == a.id)
            .map(|l| l.amount_micros)
            .sum();
        if let Some(cap) = plan.and_then(|p| p.version.caps.max_amount) {
            let cap_micros = crate::money::decimal_to_micros(cap).unwrap_or(i64::MAX);
            if total > cap_micros {
                extra.push(plain_line(
                    (a.id, &a.external_id),
                    "cap",
                    LineKind::Commission,
                    pv,
                    format!("capped at {} {currency} per period", cap.normalize()),
                    cap_micros - total,
                    &currency,
                ));
                total = cap_micros;
            }
        }
        total += input
            .late
            .iter()
            .filter(|l| l.affiliate_id == a.id)
            .map(|l| l.amount_micros)
            .sum::<i64>();
        let carried = input.carry_in.get(&a.id).copied().unwrap_or(0);
        if carried != 0 {
            let currency = if currency.is_empty() {
                "XXX".to_string()
            } else {
                currency.clone()
            };
            extra.push(plain_line(
                (a.id, &a.external_id),
                "carry_in",
                LineKind::Carryover,
                pv,
                "balance carried from the previous period".into(),
                carried,
                &currency,
            ));
            total += carried;
        }
        let Some(plan) = plan else { continue };
        let nco = plan.version.negative_carryover;
        let min_payout = plan
            .version
            .min_payout
            .and_then(|m| crate::money::decimal_to_micros(m).ok())
            .unwrap_or(0);
        if total < 0 && nco {
            extra.push(plain_line(
                (a.id, &a.external_id),
                "carry_out",
                LineKind::Carryover,
                pv,
                "negative balance carried forward (negative carryover on)".into(),
                -total,
                &currency,
            ));
        } else if total < 0 {
            extra.push(plain_line(
                (a.id, &a.external_id),
                "waiver",
                LineKind::Waiver,
                pv,
                "negative balance dropped (negative carryover off: each period starts at zero)"
                    .into(),
                -total,
                &currency,
            ));
        } else if total > 0 && total < min_payout {
            extra.push(plain_line(
                (a.id, &a.external_id),
                "carry_out",
                LineKind::Carryover,
                pv,
                format!(
                    "below the minimum payout of {}: carried forward",
                    plan.version.min_payout.unwrap_or_default().normalize()
                ),
                -total,
                &currency,
            ));
        }
    }
    lines.extend(extra);
    for l in &mut lines {
        if l.origin_first_day.is_empty() {
            l.origin_first_day = input.first_day.clone();
        }
        l.basis.sort();
    }
    lines.sort_by(|a, b| {
        (&a.affiliate, &a.origin_first_day, order(&a.line_key)).cmp(&(
            &b.affiliate,
            &b.origin_first_day,
            order(&b.line_key),
        ))
    });
    problems.sort();
    problems.dedup();
    let hash = result_hash(&input.first_day, &input.last_day, &lines, &problems);
    EngineOutput {
        first_day: input.first_day.clone(),
        last_day: input.last_day.clone(),
        lines,
        problems,
        hash,
    }
}

#[derive(Serialize)]
struct Canonical<'a> {
    first_day: &'a str,
    last_day: &'a str,
    lines: &'a [Line],
    problems: &'a [Problem],
}

/// SHA-256 over the canonical JSON (struct field order, sorted lines, no floats, no local times).
pub fn result_hash(
    first_day: &str,
    last_day: &str,
    lines: &[Line],
    problems: &[Problem],
) -> String {
    let body = serde_json::to_vec(&Canonical {
        first_day,
        last_day,
        lines,
        problems,
    })
    .unwrap_or_default();
    hex::encode(Sha256::digest(&body))
}
