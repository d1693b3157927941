//! Validation at save: every failure names the field path (`versions[1].components[0].tiers.tiers[2].to`) and
//! the reason. A plan with any failure is not saved at all.

use super::formula::Formula;
use super::{Component, Instrument, Plan, PlanVersion, TierSemantic, Tiers};
use crate::commission::rounding::REBATE_RATE_DP_MAX;
use crate::time::parse_day;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeSet;

/// Active ISO 4217 codes a plan may be in.
const ISO_4217: &str = "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN \
BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF \
GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL \
LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG \
QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS \
UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWL";

/// Percentages above this are refused (a share of more than the whole base).
const PERCENT_MAX: u32 = 100;
/// Hold periods longer than this are refused as typos.
const HOLD_DAYS_MAX: u32 = 366;
/// Sub-affiliate levels beyond this are refused.
const SUB_LEVELS_MAX: usize = 5;

pub fn is_known_currency(code: &str) -> bool {
    code.len() == 3 && ISO_4217.split_whitespace().any(|c| c == code)
}

/// One reason a plan cannot be saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValidationError {
    /// Where, as a path into the plan file: `versions[0].components[1].percent`.
    pub path: String,
    pub reason: String,
}

impl std::fmt::Display for ValidationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.reason)
    }
}

/// The symbols and symbol groups a program knows (from the `symbols` table), to check IB rates against.
#[derive(Debug, Clone, Default)]
pub struct SymbolCatalog {
    pub symbols: BTreeSet<String>,
    pub groups: BTreeSet<String>,
}

struct Check {
    errors: Vec<ValidationError>,
}

impl Check {
    fn fail(&mut self, path: impl Into<String>, reason: impl Into<String>) {
        self.errors.push(ValidationError {
            path: path.into(),
            reason: reason.into(),
        });
    }

    fn non_negative(&mut self, path: String, d: &Decimal) {
        if d.is_sign_negative() && !d.is_zero() {
            self.fail(path, format!("must not be negative (got {d})"));
        }
    }

    fn percent(&mut self, path: String, d: &Decimal) {
        if d.is_sign_negative() && !d.is_zero() {
            self.fail(path, format!("must not be negative (got {d})"));
        } else if *d > Decimal::from(PERCENT_MAX) {
            self.fail(path, format!("a percent above {PERCENT_MAX} (got {d})"));
        }
    }

    fn instrument(&mut self, path: &str, i: &Instrument, catalog: &SymbolCatalog) {
        match (&i.symbol, &i.group) {
            (Some(s), None) => {
                if !catalog.symbols.contains(s) {
                    self.fail(
                        format!("{path}.symbol"),
                        format!("unknown symbol '{s}' (not in the program's symbols)"),
                    );
                }
            }
            (None, Some(g)) => {
                if !catalog.groups.contains(g) {
                    self.fail(
                        format!("{path}.group"),
                        format!("unknown symbol group '{g}' (no symbol of the program is in it)"),
                    );
                }
            }
            _ => self.fail(path, "name exactly one of symbol or group"),
        }
    }
}

/// Checks a plan; `Ok(())` or every failure found.
pub fn validate(plan: &Plan, catalog: &SymbolCatalog) -> Result<(), Vec<ValidationError>> {
    let mut c = Check { errors: Vec::new() };
    if plan.name.trim().is_empty() {
        c.fail("name", "must not be empty");
    }
    if !is_known_currency(&plan.currency) {
        c.fail(
            "currency",
            format!(
                "unknown currency '{}' (expected an ISO 4217 code such as EUR)",
                plan.currency
            ),
        );
    }
    if plan.versions.is_empty() {
        c.fail(
            "versions",
            "the plan has no version: add at least one with its effective_from and components",
        );
    }
    let mut previous: Option<&str> = None;
    for (vi, v) in plan.versions.iter().enumerate() {
        let p = format!("versions[{vi}]");
        match parse_day(&v.effective_from) {
            Err(_) => c.fail(
                format!("{p}.effective_from"),
                format!("'{}' is not a day (YYYY-MM-DD)", v.effective_from),
            ),
            Ok(_) => {
                if let Some(prev) = previous {
                    if v.effective_from.as_str() <= prev {
                        c.fail(format!("{p}.effective_from"), format!("{} does not come after the previous version's {prev}: effective dates must increase", v.effective_from));
                    }
                }
                previous = Some(&v.effective_from);
            }
        }
        version(&mut c, &p, v, catalog);
    }
    if c.errors.is_empty() {
        Ok(())
    } else {
        Err(c.errors)
    }
}

fn version(c: &mut Check, p: &str, v: &PlanVersion, catalog: &SymbolCatalog) {
    if v.hold_days > HOLD_DAYS_MAX {
        c.fail(
            format!("{p}.hold_days"),
            format!("{} days is longer than {HOLD_DAYS_MAX}", v.hold_days),
        );
    }
    if let Some(m) = &v.min_payout {
        c.non_negative(format!("{p}.min_payout"), m);
    }
    if let Some(m) = &v.caps.max_amount {
        c.non_negative(format!("{p}.caps.max_amount"), m);
    }
    if v.components.is_empty() {
        c.fail(
            format!("{p}.components"),
            "the version pays nothing: add at least one component",
        );
    }
    let mut seen = BTreeSet::new();
    for (ci, comp) in v.components.iter().enumerate() {
        let cp = format!("{p}.components[{ci}]");
        if !seen.insert(comp.key()) {
            c.fail(
                format!("{cp}.kind"),
                format!(
                    "a second '{}' component: a version has at most one of each kind",
                    comp.key()
                ),
            );
        }
        component(c, &cp, comp, catalog);
    }
}

fn component(c: &mut Check, cp: &str, comp: &Component, catalog: &SymbolCatalog) {
    match comp {
        Component::Cpa(cpa) => {
            c.non_negative(format!("{cp}.amount"), &cpa.amount);
            for (geo, a) in &cpa.geo_amounts {
                c.non_negative(format!("{cp}.geo_amounts.{geo}"), a);
            }
            let q = &cpa.qualification;
            for (name, d) in [
                ("min_ftd", &q.min_ftd),
                ("wagering_multiple", &q.wagering_multiple),
                ("min_lots", &q.min_lots),
            ] {
                if let Some(d) = d {
                    c.non_negative(format!("{cp}.qualification.{name}"), d);
                }
            }
            if let Some(b) = &q.baseline {
                c.non_negative(
                    format!("{cp}.qualification.baseline.min_deposits"),
                    &b.min_deposits,
                );
                if b.window_days == 0 {
                    c.fail(
                        format!("{cp}.qualification.baseline.window_days"),
                        "must be at least 1 day",
                    );
                }
            }
            if let Some(t) = &cpa.tiers {
                tiers(c, &format!("{cp}.tiers"), t, false);
            }
        }
        Component::RevShare(r) => {
            match (&r.percent, &r.tiers) {
                (Some(pct), None) => c.percent(format!("{cp}.percent"), pct),
                (None, Some(t)) => tiers(c, &format!("{cp}.tiers"), t, true),
                (Some(_), Some(_)) => c.fail(
                    format!("{cp}.percent"),
                    "give either a flat percent or tiers, not both",
                ),
                (None, None) => c.fail(
                    format!("{cp}.percent"),
                    "missing: give a flat percent or tiers",
                ),
            }
            if let Err(e) = Formula::parse(&r.ngr) {
                c.fail(format!("{cp}.ngr"), e);
            }
            c.percent(format!("{cp}.admin_fee_percent"), &r.admin_fee_percent);
        }
        Component::Cpl(cpl) => {
            c.non_negative(format!("{cp}.amount"), &cpl.amount);
            for (geo, a) in &cpl.geo_amounts {
                c.non_negative(format!("{cp}.geo_amounts.{geo}"), a);
            }
        }
        Component::IbRebate(ib) => {
            if ib.per_lot.is_empty() && ib.spread_share.is_none() && ib.commission_share.is_empty()
            {
                c.fail(
                    cp.to_string(),
                    "an IB rebate needs per_lot rates, a spread_share or a commission_share",
                );
            }
            for (i, r) in ib.per_lot.iter().enumerate() {
                let rp = format!("{cp}.per_lot[{i}]");
                c.instrument(&rp, &r.instrument, catalog);
                rebate_rate(c, format!("{rp}.amount_per_lot"), &r.amount_per_lot);
            }
            if let Some(s) = &ib.spread_share {
                c.percent(format!("{cp}.spread_share.percent"), &s.percent);
                if let Some(cap) = &s.cap_per_lot {
                    rebate_rate(c, format!("{cp}.spread_share.cap_per_lot"), cap);
                }
                if s.spreads.is_empty() {
                    c.fail(
                        format!("{cp}.spread_share.spreads"),
                        "name the spread per lot of at least one symbol or group",
                    );
                }
                for (i, r) in s.spreads.iter().enumerate() {
                    let rp = format!("{cp}.spread_share.spreads[{i}]");
                    c.instrument(&rp, &r.instrument, catalog);
                    c.non_negative(format!("{rp}.spread_per_lot"), &r.spread_per_lot);
                }
            }
            for (i, r) in ib.commission_share.iter().enumerate() {
                let rp = format!("{cp}.commission_share[{i}]");
                c.instrument(&rp, &r.instrument, catalog);
                c.percent(format!("{rp}.percent"), &r.percent);
            }
            let mut levels = BTreeSet::new();
            for (i, o) in ib.overrides.iter().enumerate() {
                let op = format!("{cp}.overrides[{i}]");
                if o.level == 0 || o.level as usize > SUB_LEVELS_MAX {
                    c.fail(
                        format!("{op}.level"),
                        format!("level {} is outside 1..={SUB_LEVELS_MAX}", o.level),
                    );
                }
                if !levels.insert(o.level) {
                    c.fail(
                        format!("{op}.level"),
                        format!("level {} appears twice", o.level),
                    );
                }
                rebate_rate(c, format!("{op}.amount_per_lot"), &o.amount_per_lot);
            }
        }
        Component::SubAffiliate(s) => {
            if s.levels.is_empty() || s.levels.len() > SUB_LEVELS_MAX {
                c.fail(
                    format!("{cp}.levels"),
                    format!(
                        "give 1 to {SUB_LEVELS_MAX} level percents (got {})",
                        s.levels.len()
                    ),
                );
            }
            for (i, pct) in s.levels.iter().enumerate() {
                c.percent(format!("{cp}.levels[{i}]"), pct);
            }
        }
    }
}

fn rebate_rate(c: &mut Check, path: String, d: &Decimal) {
    c.non_negative(path.clone(), d);
    if d.normalize().scale() > REBATE_RATE_DP_MAX {
        c.fail(
            path,
            format!("{d} has more than {REBATE_RATE_DP_MAX} decimals"),
        );
    }
}

fn tiers(c: &mut Check, tp: &str, t: &Tiers, percent: bool) {
    if t.tiers.is_empty() {
        c.fail(format!("{tp}.tiers"), "no tiers");
    }
    let n = t.tiers.len();
    for (i, tier) in t.tiers.iter().enumerate() {
        let p = format!("{tp}.tiers[{i}]");
        c.non_negative(format!("{p}.from"), &tier.from);
        match tier.to {
            Some(to) if tier.from > to => c.fail(
                format!("{p}.from"),
                format!("from {} is above to {to}", tier.from),
            ),
            None if i + 1 < n => c.fail(format!("{p}.to"), "only the last tier may be open-ended"),
            _ => {}
        }
        if percent {
            match &tier.percent {
                Some(pct) => c.percent(format!("{p}.percent"), pct),
                None => c.fail(
                    format!("{p}.percent"),
                    "missing: a RevShare tier needs a percent",
                ),
            }
        } else {
            match &tier.amount {
                Some(a) => c.non_negative(format!("{p}.amount"), a),
                None => c.fail(format!("{p}.amount"), "missing: a CPA tier needs an amount"),
            }
        }
        if tier.min_active_players.is_some() && t.semantic != TierSemantic::MultiCondition {
            c.fail(
                format!("{p}.min_active_players"),
                "only multi_condition tiers take a second condition",
            );
        }
        if i > 0 {
            let prev = &t.tiers[i - 1];
            if tier.from < prev.from {
                c.fail(
                    format!("{p}.from"),
                    format!(
                        "tiers descend: {} is below the previous tier's from {}",
                        tier.from, prev.from
                    ),
                );
            } else if let Some(prev_to) = prev.to {
                // Band bounds are inclusive, so touching bands would overlap; marginal slices may touch.
                let overlaps = match t.semantic {
                    TierSemantic::Band => tier.from <= prev_to,
                    _ => tier.from < prev_to,
                };
                if overlaps {
                    c.fail(
                        format!("{p}.from"),
                        format!("overlaps the previous tier (which ends at {prev_to})"),
                    );
                }
            }
        }
    }
}
