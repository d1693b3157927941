//! iGaming lines: CPA (qualified players), CPL (registrations) and RevShare (a share of NGR).

pub use super::context::Context;
use super::{AffiliateIn, AssignedPlan, BasisItem, EventRef, Fx, Line, LineKind, Problem};
use crate::commission::plan::formula::Formula;
use crate::commission::plan::{Component, Cpa, Cpl, RevShare, TierMetric};
use crate::commission::tiers::{apply_amount, apply_percent};
use rust_decimal::Decimal;

pub(super) fn line(
    a: &AffiliateIn,
    plan: &AssignedPlan,
    key: &str,
    rule: String,
    exact: Decimal,
    basis: Vec<BasisItem>,
) -> Line {
    Line {
        affiliate_id: a.id,
        affiliate: a.external_id.clone(),
        line_key: key.into(),
        origin_first_day: String::new(), // set in finish
        kind: LineKind::Commission,
        plan_version_id: Some(plan.plan_version_id),
        rule,
        exact: exact.normalize().to_string(),
        amount_micros: 0, // rounded in finish
        currency: plan.currency.clone(),
        basis,
    }
}

fn pct_text(d: &Decimal) -> String {
    format!("{}%", d.normalize())
}

/// The CPA, CPL and RevShare lines of one affiliate.
pub fn lines(
    ctx: &Context<'_>,
    a: &AffiliateIn,
    plan: &AssignedPlan,
    fx: &Fx<'_>,
    problems: &mut Vec<Problem>,
) -> Vec<Line> {
    let mut out = Vec::new();
    for c in &plan.version.components {
        match c {
            Component::Cpa(cpa) => out.push(cpa_line(ctx, a, plan, cpa, fx)),
            Component::Cpl(cpl) => out.push(cpl_line(ctx, a, plan, cpl)),
            Component::RevShare(r) => out.push(revshare_line(ctx, a, plan, r, fx, problems)),
            _ => {}
        }
    }
    out
}

fn cpa_line(
    ctx: &Context<'_>,
    a: &AffiliateIn,
    plan: &AssignedPlan,
    cpa: &Cpa,
    fx: &Fx<'_>,
) -> Line {
    let qualified = ctx.qualified(a.id, &cpa.qualification, &plan.currency, fx);
    let cap = plan
        .version
        .caps
        .max_qualified_players
        .map_or(usize::MAX, |c| c as usize);
    let paid = qualified.len().min(cap);
    let amounts: Vec<(Decimal, Option<usize>)> = match &cpa.tiers {
        Some(t) => apply_amount(&t.tiers, t.semantic, paid as u32, ctx.active_players(a.id)),
        None => qualified
            .iter()
            .take(paid)
            .map(|(_, p)| {
                (
                    cpa.geo_amounts
                        .get(&p.country)
                        .copied()
                        .unwrap_or(cpa.amount),
                    None,
                )
            })
            .collect(),
    };
    let mut exact = Decimal::ZERO;
    let mut basis = Vec::new();
    for (i, (day, p)) in qualified.iter().enumerate() {
        let ftd = ctx
            .deposits_of
            .get(&p.id)
            .and_then(|v| v.iter().filter(|d| d.is_ftd).min_by_key(|d| (&d.day, d.id)));
        let mut events = vec![EventRef {
            kind: "registration".into(),
            id: p.id,
            day: p.registered_day.clone(),
            detail: p.country.clone(),
        }];
        if let Some(d) = ftd {
            events.push(EventRef {
                kind: "deposit".into(),
                id: d.id,
                day: d.day.clone(),
                detail: "first deposit".into(),
            });
        }
        let (amount, note) = match amounts.get(i) {
            Some((amt, tier)) => {
                exact += amt;
                (
                    amt.normalize().to_string(),
                    format!(
                        "qualified on {day}{}",
                        tier.map_or(String::new(), |t| format!(", tier {}", t + 1))
                    ),
                )
            }
            None => (
                "0".into(),
                format!("qualified on {day}, over the cap of {cap} players: not paid"),
            ),
        };
        basis.push(BasisItem {
            subject: p.external_id.clone(),
            amount,
            note,
            events,
        });
    }
    let mut rule = match &cpa.tiers {
        Some(t) => format!(
            "CPA per qualified player, {:?} tiers over qualified players",
            t.semantic
        )
        .to_lowercase(),
        None => format!(
            "CPA {} {} per qualified player{}",
            cpa.amount.normalize(),
            plan.currency,
            if cpa.geo_amounts.is_empty() {
                ""
            } else {
                " (per-geo amounts)"
            }
        ),
    };
    if cap != usize::MAX {
        rule.push_str(&format!(", at most {cap} players"));
    }
    line(a, plan, "cpa", rule, exact, basis)
}

fn cpl_line(ctx: &Context<'_>, a: &AffiliateIn, plan: &AssignedPlan, cpl: &Cpl) -> Line {
    let mut exact = Decimal::ZERO;
    let mut basis = Vec::new();
    for p in ctx
        .players(a.id)
        .iter()
        .filter(|p| ctx.in_period(&p.registered_day))
    {
        let amt = cpl
            .geo_amounts
            .get(&p.country)
            .copied()
            .unwrap_or(cpl.amount);
        exact += amt;
        basis.push(BasisItem {
            subject: p.external_id.clone(),
            amount: amt.normalize().to_string(),
            note: format!("registered on {}", p.registered_day),
            events: vec![EventRef {
                kind: "registration".into(),
                id: p.id,
                day: p.registered_day.clone(),
                detail: p.country.clone(),
            }],
        });
    }
    line(
        a,
        plan,
        "cpl",
        format!(
            "CPL {} {} per registration",
            cpl.amount.normalize(),
            plan.currency
        ),
        exact,
        basis,
    )
}

fn revshare_line(
    ctx: &Context<'_>,
    a: &AffiliateIn,
    plan: &AssignedPlan,
    r: &RevShare,
    fx: &Fx<'_>,
    problems: &mut Vec<Problem>,
) -> Line {
    // Validation guarantees the formula parses; an unparsable saved one pays nothing rather than guessing.
    let Ok(formula) = Formula::parse(&r.ngr) else {
        return line(
            a,
            plan,
            "revshare",
            format!("NGR formula '{}' does not parse", r.ngr),
            Decimal::ZERO,
            vec![],
        );
    };
    let (ngr, basis) = ctx.ngr(a.id, &formula, &plan.currency, fx, problems);
    let fee = if ngr > Decimal::ZERO {
        ngr * r.admin_fee_percent / Decimal::ONE_HUNDRED
    } else {
        Decimal::ZERO
    };
    let base = ngr - fee;
    let formula_text = format!(
        "NGR = {}{}",
        r.ngr,
        if fee.is_zero() && r.admin_fee_percent.is_zero() {
            String::new()
        } else {
            format!(", less an admin fee of {}", pct_text(&r.admin_fee_percent))
        }
    );
    let (exact, rule) = match (&r.percent, &r.tiers) {
        (Some(pct), _) => (
            base * pct / Decimal::ONE_HUNDRED,
            format!(
                "{} of {formula_text}; base {}",
                pct_text(pct),
                base.normalize()
            ),
        ),
        (None, Some(t)) => {
            let metric = match t.metric.unwrap_or(TierMetric::Ngr) {
                TierMetric::Ngr => base,
                TierMetric::QualifiedPlayers => {
                    let q = plan
                        .version
                        .components
                        .iter()
                        .find_map(|c| {
                            if let Component::Cpa(c) = c {
                                Some(c.qualification.clone())
                            } else {
                                None
                            }
                        })
                        .unwrap_or_default();
                    Decimal::from(ctx.qualified(a.id, &q, &plan.currency, fx).len())
                }
                TierMetric::ActivePlayers => Decimal::from(ctx.active_players(a.id)),
            };
            let o = apply_percent(&t.tiers, t.semantic, base, metric, ctx.active_players(a.id));
            let which = if o.tiers.is_empty() {
                "no tier applies".to_string()
            } else {
                o.tiers
                    .iter()
                    .map(|i| {
                        format!(
                            "tier {} ({})",
                            i + 1,
                            pct_text(&t.tiers[*i].percent.unwrap_or_default())
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            (
                o.amount,
                format!(
                    "{} tiers of {formula_text}; base {}, metric {}: {which}",
                    format!("{:?}", t.semantic).to_lowercase(),
                    base.normalize(),
                    metric.normalize()
                ),
            )
        }
        (None, None) => (Decimal::ZERO, "no rate".into()),
    };
    line(a, plan, "revshare", rule, exact, basis)
}
