//! Which detection rules a file can feed. [`NEEDS`] is the one table of what each rule reads from each preset;
//! an import (and a dry run) warns about every rule whose fields are all unmapped, cleared, or empty in every row
//! of the file, so an analyst knows which rules had nothing to work with instead of reading silence as "clean".

use super::mapping::{fields, Resolved, Slot};
use crate::import::types::{ImportPreset, MissingSignal};

/// A detection rule and the fields of one preset it reads: any one of them filled lets it run on that file's rows.
#[derive(Debug, Clone, Copy)]
pub struct RuleNeed {
    pub preset: ImportPreset,
    /// The rule's name in `crate::detect` (and in the fraud settings).
    pub rule: &'static str,
    /// How messages name the rule.
    pub label: &'static str,
    pub any_of: &'static [&'static str],
}

const fn need(
    preset: ImportPreset,
    rule: &'static str,
    label: &'static str,
    any_of: &'static [&'static str],
) -> RuleNeed {
    RuleNeed {
        preset,
        rule,
        label,
        any_of,
    }
}

use ImportPreset::{Activity, Affiliates, Clicks, Deposits, Registrations, Withdrawals};

/// What each rule reads from each preset (crates/core/src/detect): a rule needing two fields of one preset (geo
/// mismatch on registrations joins the click by `click_id` and compares `country`) has a row per field. A rule
/// fed by several presets has a row per preset: multi-accounting links players by the registration's device,
/// email and IP, and by the payment instrument of their deposits and withdrawals, so a deposits file without
/// instrument hashes is named for what it cannot give ("multi-accounting by payment instrument").
pub const NEEDS: &[RuleNeed] = &[
    // Bursts are grouped per IP and per sub-ID; without either there is nothing to group.
    need(Clicks, "click_flooding", "click flooding", &["ip", "sub1"]),
    need(Clicks, "brand_bidding", "brand bidding", &["landing_url"]),
    need(Clicks, "geo_mismatch", "geo mismatch", &["country"]),
    // Players are linked by device, IP, payment instrument and email; registrations carry all but the instrument.
    need(
        Registrations,
        "multi_accounting",
        "multi-accounting",
        &["device_id", "email", "ip"],
    ),
    need(
        Registrations,
        "self_referral",
        "self-referral",
        &["device_id", "email", "ip"],
    ),
    // The click-to-registration time needs the registration's click.
    need(
        Registrations,
        "click_injection",
        "click injection",
        &["click_id"],
    ),
    need(Registrations, "geo_mismatch", "geo mismatch", &["click_id"]),
    need(Registrations, "geo_mismatch", "geo mismatch", &["country"]),
    // Shared payment instruments link players' accounts; an affiliate's own instrument is self-referral.
    need(
        Deposits,
        "multi_accounting",
        "multi-accounting by payment instrument",
        &["payment_hash"],
    ),
    need(
        Withdrawals,
        "multi_accounting",
        "multi-accounting by payment instrument",
        &["payment_hash"],
    ),
    // Bonus abuse starts from the FTD and reads the FTD day's bets.
    need(Deposits, "bonus_abuse", "bonus abuse", &["is_ftd"]),
    need(Activity, "bonus_abuse", "bonus abuse", &["bets"]),
    need(Activity, "chargebacks", "chargeback rate", &["chargebacks"]),
    // An affiliate's own address, office IPs and payout instrument, compared with their players'.
    need(
        Affiliates,
        "self_referral",
        "self-referral",
        &["email", "office_ips", "payout_instrument"],
    ),
];

/// The rows of [`NEEDS`] for a preset.
pub fn needs(preset: ImportPreset) -> impl Iterator<Item = &'static RuleNeed> {
    NEEDS.iter().filter(move |n| n.preset == preset)
}

fn field_index(preset: ImportPreset, name: &str) -> Option<usize> {
    fields(preset).iter().position(|f| f.name == name)
}

/// Watches the file columns behind the fields [`NEEDS`] names, row by row, until each has held a value once:
/// after the first rows it usually has nothing left to look at.
#[derive(Debug, Clone)]
pub struct FilledFields {
    /// (field index in the preset, file column index) not seen filled yet.
    watch: Vec<(usize, usize)>,
    header_len: usize,
    preset: ImportPreset,
    /// Bit `i`: field `i` of the preset held a usable value in some row.
    pub filled: u64,
}

impl FilledFields {
    pub fn new(resolved: &Resolved, header_len: usize) -> Self {
        let mut watch = Vec::new();
        for n in needs(resolved.preset) {
            for f in n.any_of {
                if let Some(i) = field_index(resolved.preset, f) {
                    if let Slot::Column { index, .. } = resolved.slots[i] {
                        if !watch.contains(&(i, index)) {
                            watch.push((i, index));
                        }
                    }
                }
            }
        }
        Self {
            watch,
            header_len,
            preset: resolved.preset,
            filled: 0,
        }
    }

    /// Nothing left to look for.
    pub fn done(&self) -> bool {
        self.watch.is_empty()
    }

    /// Notes the watched fields a row fills with a usable value (rows of the wrong shape are skipped: their cells
    /// mean nothing). A value [`super::clean`] ignores — a placeholder device id, a private IP — does not count.
    pub fn see(&mut self, rec: &csv::ByteRecord) {
        if self.watch.is_empty() || rec.len() != self.header_len {
            return;
        }
        let filled = &mut self.filled;
        let preset = self.preset;
        self.watch.retain(|&(field, column)| {
            let cell = rec.get(column).unwrap_or(b"");
            let usable = usable(fields(preset)[field].name, cell);
            if usable {
                *filled |= 1 << field;
            }
            !usable
        });
    }
}

/// Whether a cell of `field` carries a value detection can use.
fn usable(field: &str, cell: &[u8]) -> bool {
    let Ok(t) = std::str::from_utf8(cell) else {
        return false;
    };
    if t.trim().is_empty() {
        return false;
    }
    use super::clean;
    match field {
        "ip" => matches!(clean::ip(t), Ok(Some(_))),
        "email" => matches!(clean::email(t), Ok(Some(_))),
        "device_id" => matches!(clean::device_id(t), Ok(Some(_))),
        "payment_hash" | "payout_instrument" => matches!(clean::payment(t), Ok(Some(_))),
        "ip_country" => matches!(clean::country(t), Ok(Some(_))),
        "office_ips" => clean::list_items(t).any(|i| matches!(clean::address(i), Ok(Some(_)))),
        _ => true,
    }
}

/// "a", "a or b", "a, b or c".
fn any_of_text(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// "a", "a and b", "a, b and c".
fn all_of_text(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The rules this file cannot feed. `filled`: the fields seen filled (bit per preset field) when every row of the
/// file was read; `None` judges by the mapping alone (a mapped column counts as filled).
pub fn missing_signals(resolved: &Resolved, filled: Option<u64>) -> Vec<MissingSignal> {
    missing_signals_ignoring(resolved, filled, &[])
}

/// [`missing_signals`], knowing the fields some of whose values were ignored as signals ([`super::clean`]): such a
/// field left with nothing usable is said to be so, not "empty".
pub fn missing_signals_ignoring(
    resolved: &Resolved,
    filled: Option<u64>,
    ignored_fields: &[String],
) -> Vec<MissingSignal> {
    let mut out = Vec::new();
    for n in needs(resolved.preset) {
        let mut unmapped = Vec::new();
        let mut empty = Vec::new();
        let mut fed = false;
        for f in n.any_of {
            match field_index(resolved.preset, f).map(|i| (i, &resolved.slots[i])) {
                None | Some((_, Slot::Absent)) => unmapped.push(*f),
                Some((i, Slot::Column { .. })) => match filled {
                    Some(bits) if bits & (1 << i) == 0 => empty.push(*f),
                    _ => fed = true,
                },
                Some((_, Slot::Const(v))) if v.trim().is_empty() => unmapped.push(*f),
                Some((_, Slot::Const(_) | Slot::RowKey)) => fed = true,
            }
        }
        if fed {
            continue;
        }
        let mut why = Vec::new();
        if !unmapped.is_empty() {
            why.push(format!("no {} mapped", any_of_text(&unmapped)));
        }
        let (unusable, empty): (Vec<&str>, Vec<&str>) = empty
            .into_iter()
            .partition(|f| ignored_fields.iter().any(|i| i == f));
        if !empty.is_empty() {
            let verb = if empty.len() == 1 { "is" } else { "are" };
            why.push(format!("{} {verb} empty in every row", all_of_text(&empty)));
        }
        if !unusable.is_empty() {
            let verb = if unusable.len() == 1 { "has" } else { "have" };
            why.push(format!(
                "{} {verb} no usable value (every one was ignored: see the ignored signals)",
                all_of_text(&unusable)
            ));
        }
        out.push(MissingSignal {
            rule: n.rule.to_string(),
            fields: n.any_of.iter().map(|f| f.to_string()).collect(),
            message: format!("{} cannot run: {}", n.label, why.join("; ")),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::mapping::{parse_pairs, resolve};

    #[test]
    fn the_table_names_real_rules_and_fields() {
        for n in NEEDS {
            assert!(
                crate::detect::rule(n.rule).is_ok(),
                "{} is not a detection rule",
                n.rule
            );
            assert!(!n.any_of.is_empty());
            for f in n.any_of {
                assert!(
                    field_index(n.preset, f).is_some(),
                    "{f} is not a field of the {} preset",
                    n.preset.as_str()
                );
            }
        }
        assert!(
            NEEDS.len() < 64 && fields(ImportPreset::Clicks).len() < 64,
            "bit masks"
        );
    }

    fn header(cols: &[&str]) -> Vec<String> {
        cols.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn messages_say_what_is_unmapped_and_what_is_empty() {
        let h = header(&["click_id", "clicked_at", "affiliate_id", "sub1", "country"]);
        let m = parse_pairs(ImportPreset::Clicks, &[]).unwrap();
        let r = resolve(&m, &h).unwrap();
        let by_mapping: Vec<String> = missing_signals(&r, None)
            .into_iter()
            .map(|w| w.message)
            .collect();
        assert_eq!(
            by_mapping,
            ["brand bidding cannot run: no landing_url mapped"]
        );
        let mut seen = FilledFields::new(&r, h.len());
        let row = |cells: &[&str]| csv::ByteRecord::from(cells.to_vec());
        seen.see(&row(&["c1", "2026-10-01", "7", " ", "DE"]));
        seen.see(&row(&["c2", "2026-10-01", "7", "", "DE", "extra"]));
        assert!(!seen.done(), "sub1 is still watched: blank so far");
        let by_rows: Vec<String> = missing_signals(&r, Some(seen.filled))
            .into_iter()
            .map(|w| w.message)
            .collect();
        assert_eq!(
            by_rows,
            [
                "click flooding cannot run: no ip mapped; sub1 is empty in every row",
                "brand bidding cannot run: no landing_url mapped"
            ]
        );
        let cleared = parse_pairs(
            ImportPreset::Clicks,
            &["@const:=country".into(), "@const:x=landing_url".into()],
        )
        .unwrap();
        let r = resolve(&cleared, &h).unwrap();
        let w = missing_signals(&r, None);
        assert_eq!(
            w.iter().map(|w| w.rule.as_str()).collect::<Vec<_>>(),
            ["geo_mismatch"]
        );
        assert_eq!(w[0].fields, ["country"]);
        assert_eq!(any_of_text(&["a", "b", "c"]), "a, b or c");
    }
}
