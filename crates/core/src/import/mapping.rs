//! Presets and column mappings: which target fields a preset has, which are required, and how a mapping is
//! checked (at save time and again against each file's header) so that a wrong mapping fails up front with a
//! message naming the field, instead of quarantining every row.
//!
//! A mapping lists only what differs from the file's own names: a field it does not mention reads the column of
//! its own name (as with no mapping at all), and `@const:` with no value clears an optional field.

use super::values::DateFormat;
use super::ImportError;
use crate::import::types::{ColumnMap, ColumnMapping, ImportPreset};
use crate::store::{Store, StoreError};
use rusqlite::{params, OptionalExtension};

/// The pseudo-column that keys a row by the file's hash and its row number (files without an id column).
pub const ROW_KEY: &str = "@row";
/// The prefix of a pseudo-column holding the same value on every row (`@const:USD`). With no value (`@const:=ip`)
/// it clears an optional field: the field stays empty even when the file has a column of its name.
pub const CONST_PREFIX: &str = "@const:";

/// Whether a mapped column is `@const:` with no value: the field is cleared.
pub fn is_cleared(column: &str) -> bool {
    column
        .strip_prefix(CONST_PREFIX)
        .is_some_and(|v| v.trim().is_empty())
}
/// Longest mapping name kept.
const MAPPING_NAME_MAX: usize = 100;

/// A target field of a preset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    pub name: &'static str,
    pub required: bool,
}

const fn req(name: &'static str) -> FieldSpec {
    FieldSpec {
        name,
        required: true,
    }
}
const fn opt(name: &'static str) -> FieldSpec {
    FieldSpec {
        name,
        required: false,
    }
}

const CLICKS: &[FieldSpec] = &[
    req("click_id"),
    req("clicked_at"),
    req("affiliate_id"),
    opt("sub1"),
    opt("sub2"),
    opt("sub3"),
    opt("sub4"),
    opt("sub5"),
    opt("ip"),
    opt("user_agent"),
    opt("country"),
    opt("landing_url"),
];
const REGISTRATIONS: &[FieldSpec] = &[
    req("player_id"),
    req("registration_date"),
    opt("country"),
    opt("btag"),
    opt("promo_code"),
    opt("click_id"),
    opt("currency"),
    opt("ip"),
    opt("email"),
    opt("device_id"),
    opt("ip_country"),
];
const ACTIVITY: &[FieldSpec] = &[
    req("player_id"),
    req("date"),
    req("currency"),
    opt("deposits"),
    opt("withdrawals"),
    opt("bets"),
    opt("wins"),
    opt("bonuses"),
    opt("chargebacks"),
    opt("fees"),
];
const DEPOSITS: &[FieldSpec] = &[
    req("deposit_id"),
    req("player_id"),
    req("amount"),
    req("currency"),
    req("occurred_at"),
    opt("is_ftd"),
    opt("payment_hash"),
];

const WITHDRAWALS: &[FieldSpec] = &[
    req("withdrawal_id"),
    req("player_id"),
    req("amount"),
    req("currency"),
    req("occurred_at"),
    opt("payment_hash"),
];

const BONUSES: &[FieldSpec] = &[
    req("bonus_id"),
    req("player_id"),
    req("amount"),
    req("currency"),
    req("occurred_at"),
];

/// A GeoIP table: `ip_to` empty reads `ip_from` as one address or a CIDR block.
const IP_COUNTRIES: &[FieldSpec] = &[req("ip_from"), opt("ip_to"), req("country")];

const CLAIMS: &[FieldSpec] = &[
    req("claim_id"),
    req("affiliate_id"),
    opt("player_id"),
    opt("click_id"),
    opt("registration_date"),
    opt("ftd_date"),
    opt("ftd_amount"),
    opt("currency"),
];

const AFFILIATES: &[FieldSpec] = &[
    req("affiliate_id"),
    req("name"),
    opt("parent_id"),
    opt("email"),
    opt("country"),
    opt("manager"),
    opt("office_ips"),
    opt("payout_instrument"),
];

const SYMBOLS: &[FieldSpec] = &[
    req("symbol"),
    req("contract_size"),
    opt("digits"),
    opt("group"),
];

const ACCOUNTS: &[FieldSpec] = &[
    req("login"),
    opt("ib_id"),
    req("currency"),
    opt("account_type"),
    opt("group"),
    req("registered_at"),
    opt("country"),
];

/// MT5's Deals report (header names match whatever their case: `Time`, `Deal`, `Symbol`...).
const DEALS: &[FieldSpec] = &[
    req("time"),
    req("deal"),
    req("login"),
    opt("symbol"),
    req("type"),
    opt("direction"),
    opt("volume"),
    opt("price"),
    opt("commission"),
    opt("swap"),
    opt("profit"),
    opt("position"),
];

const CONVERSIONS: &[FieldSpec] = &[
    req("conversion_id"),
    req("affiliate_id"),
    req("converted_at"),
    req("status"),
    opt("payout"),
    opt("revenue"),
    opt("currency"),
    opt("event"),
    opt("click_id"),
    opt("player_id"),
    opt("order_id"),
    opt("sub1"),
    opt("country"),
];

/// The fields of a preset, in the order rows are validated and previews show them.
pub fn fields(preset: ImportPreset) -> &'static [FieldSpec] {
    match preset {
        ImportPreset::Clicks => CLICKS,
        ImportPreset::Registrations => REGISTRATIONS,
        ImportPreset::Activity => ACTIVITY,
        ImportPreset::Deposits => DEPOSITS,
        ImportPreset::Claims => CLAIMS,
        ImportPreset::Affiliates => AFFILIATES,
        ImportPreset::Symbols => SYMBOLS,
        ImportPreset::Accounts => ACCOUNTS,
        ImportPreset::Deals => DEALS,
        ImportPreset::Conversions => CONVERSIONS,
        ImportPreset::Withdrawals => WITHDRAWALS,
        ImportPreset::Bonuses => BONUSES,
        ImportPreset::IpCountries => IP_COUNTRIES,
    }
}

/// Where one target field's value comes from in a given file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Slot {
    Column {
        index: usize,
        name: String,
    },
    RowKey,
    Const(String),
    /// An optional field left empty: neither mapped nor in the file under its own name, or cleared (`@const:`).
    Absent,
}

/// A mapping checked against one file's header: one slot per preset field, in [`fields`] order.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub preset: ImportPreset,
    pub slots: Vec<Slot>,
    pub date_format: DateFormat,
}

impl Resolved {
    /// The file column a field reads, for messages and quarantine rows.
    pub fn column_name(&self, field_index: usize) -> String {
        match &self.slots[field_index] {
            Slot::Column { name, .. } => name.clone(),
            Slot::RowKey => ROW_KEY.into(),
            Slot::Const(v) => format!("{CONST_PREFIX}{v}"),
            Slot::Absent => fields(self.preset)[field_index].name.into(),
        }
    }
}

/// Checks a mapping on its own: known fields, no field fed twice, no required field cleared, a known date format
/// and delimiter. A field the mapping does not mention reads the column of its own name, so an empty column list
/// (the preset's identity mapping) is always valid, and a required field left out is checked against the file's
/// header by [`resolve`].
pub fn validate(m: &ColumnMapping) -> Result<(), ImportError> {
    let specs = fields(m.preset);
    let bad = |msg: String| Err(ImportError::Mapping(msg));
    if let Some(f) = &m.date_format {
        if DateFormat::parse(f).is_none() {
            return bad(format!(
                "unknown date format '{f}' (expected one of {})",
                DateFormat::NAMES.join(", ")
            ));
        }
    }
    if let Some(d) = &m.delimiter {
        if delimiter_byte(d).is_none() {
            return bad(format!("unknown delimiter '{d}' (expected , ; | or \\t)"));
        }
    }
    if m.columns.is_empty() {
        return Ok(());
    }
    let mut seen: Vec<&str> = Vec::new();
    for c in &m.columns {
        if !specs.iter().any(|s| s.name == c.field) {
            let names: Vec<_> = specs.iter().map(|s| s.name).collect();
            return bad(format!(
                "unknown field '{}' for the {} preset (its fields: {})",
                c.field,
                m.preset.as_str(),
                names.join(", ")
            ));
        }
        if seen.contains(&c.field.as_str()) {
            return bad(format!("field '{}' is mapped twice", c.field));
        }
        if c.column.trim().is_empty() {
            return bad(format!(
                "field '{}' is mapped from an empty column name",
                c.field
            ));
        }
        if c.column.starts_with('@') && c.column != ROW_KEY && !c.column.starts_with(CONST_PREFIX) {
            return bad(format!(
                "unknown pseudo-column '{}' (use {ROW_KEY} or {CONST_PREFIX}VALUE)",
                c.column
            ));
        }
        if is_cleared(&c.column) && specs.iter().any(|s| s.required && s.name == c.field) {
            return bad(format!(
                "required field '{}' is not mapped ({CONST_PREFIX} with no value clears optional fields only)",
                c.field
            ));
        }
        seen.push(&c.field);
    }
    Ok(())
}

pub fn delimiter_byte(d: &str) -> Option<u8> {
    match d {
        "," => Some(b','),
        ";" => Some(b';'),
        "|" => Some(b'|'),
        "\t" | "\\t" | "tab" => Some(b'\t'),
        _ => None,
    }
}

/// The file column names a mapping expects, for finding the header behind stray leading bytes: the columns it
/// names, and the own names of the fields it does not mention.
pub fn expected_columns(m: &ColumnMapping) -> Vec<String> {
    let named = m
        .columns
        .iter()
        .filter(|c| !c.column.starts_with('@'))
        .map(|c| c.column.clone());
    let own = fields(m.preset)
        .iter()
        .filter(|s| !m.columns.iter().any(|c| c.field == s.name))
        .map(|s| s.name.to_string());
    named.chain(own).collect()
}

/// Resolves a (validated) mapping against a header. A field the mapping does not mention reads the column of its
/// own name (the exact name, else the same name in another case), as the identity mapping does; one cleared with
/// an empty `@const:` stays empty. A required field whose column is missing fails the whole import here, naming the
/// field and the column; an optional one is left [`Slot::Absent`].
pub fn resolve(m: &ColumnMapping, header: &[String]) -> Result<Resolved, ImportError> {
    validate(m)?;
    // The exact name first; otherwise the same name in another case (MT5 writes `Time`, `Deal`, `Symbol`).
    let find = |col: &str| {
        header.iter().position(|h| h.trim() == col).or_else(|| {
            let mut same = header
                .iter()
                .enumerate()
                .filter(|(_, h)| h.trim().eq_ignore_ascii_case(col));
            match (same.next(), same.next()) {
                (Some((i, _)), None) => Some(i),
                _ => None,
            }
        })
    };
    let mut slots = Vec::new();
    for spec in fields(m.preset) {
        // Not mentioned: the column of the field's own name.
        let own = ColumnMap {
            column: spec.name.into(),
            field: spec.name.into(),
        };
        let c = m
            .columns
            .iter()
            .find(|c| c.field == spec.name)
            .unwrap_or(&own);
        let slot = match c {
            c if is_cleared(&c.column) => Slot::Absent,
            c if c.column == ROW_KEY => Slot::RowKey,
            c if c.column.starts_with(CONST_PREFIX) => {
                Slot::Const(c.column[CONST_PREFIX.len()..].to_string())
            }
            c => match find(&c.column) {
                Some(index) => Slot::Column {
                    index,
                    // As the file writes it (the match may ignore case).
                    name: header[index].trim().to_string(),
                },
                None if spec.required => {
                    return Err(ImportError::MissingColumn {
                        field: spec.name.into(),
                        column: c.column.clone(),
                        header: header.join(","),
                    })
                }
                None => Slot::Absent,
            },
        };
        slots.push(slot);
    }
    let date_format = m
        .date_format
        .as_deref()
        .and_then(DateFormat::parse)
        .unwrap_or(DateFormat::Auto);
    Ok(Resolved {
        preset: m.preset,
        slots,
        date_format,
    })
}

/// Parses `column=field` pairs as the CLI takes them (split at the last `=`, so `@const:a=b=field` works).
pub fn parse_pairs(preset: ImportPreset, pairs: &[String]) -> Result<ColumnMapping, ImportError> {
    let mut columns = Vec::new();
    for p in pairs {
        let Some((col, field)) = p.rsplit_once('=') else {
            return Err(ImportError::Mapping(format!("'{p}' is not column=field")));
        };
        columns.push(ColumnMap {
            column: col.trim().into(),
            field: field.trim().into(),
        });
    }
    let m = ColumnMapping {
        preset,
        columns,
        date_format: None,
        delimiter: None,
    };
    validate(&m)?;
    Ok(m)
}

/// Saves (or replaces) a named mapping after validating it.
pub fn save_mapping(
    store: &Store,
    name: &str,
    m: &ColumnMapping,
    stamp: &crate::audit::Stamp,
) -> Result<(), ImportError> {
    let now_ms = stamp.at_ms;
    let name = name.trim();
    if name.is_empty() || name.len() > MAPPING_NAME_MAX {
        return Err(ImportError::Mapping(format!(
            "a mapping name is 1 to {MAPPING_NAME_MAX} characters"
        )));
    }
    validate(m)?;
    let json = serde_json::to_string(m).map_err(|e| ImportError::Mapping(e.to_string()))?;
    store.write::<_, crate::store::StoreError>(|tx| {
        tx.execute(
            "INSERT INTO import_mappings (name, preset, mapping_json, created_at_ms, updated_at_ms)
             VALUES (?1, ?2, ?3, ?4, ?4)
             ON CONFLICT (name) DO UPDATE SET preset = ?2, mapping_json = ?3, updated_at_ms = ?4",
            params![name, m.preset.as_str(), json, now_ms],
        )?;
        stamp.record(
            tx,
            "import_mapping",
            name,
            &serde_json::json!({"preset": m.preset.as_str(), "mapping": m}),
        )?;
        Ok(())
    })?;
    Ok(())
}

pub fn load_mapping(store: &Store, name: &str) -> Result<ColumnMapping, ImportError> {
    let json: Option<String> = store.read::<_, crate::store::StoreError>(|c| {
        Ok(c.query_row(
            "SELECT mapping_json FROM import_mappings WHERE name = ?1",
            [name],
            |r| r.get(0),
        )
        .optional()?)
    })?;
    let json =
        json.ok_or_else(|| ImportError::Mapping(format!("no saved mapping named '{name}'")))?;
    serde_json::from_str(&json)
        .map_err(|e| ImportError::Store(StoreError::Invalid(format!("mapping '{name}': {e}"))))
}

/// The target fields of a preset as the UI's mapping editor lists them.
pub fn field_specs(preset: ImportPreset) -> Vec<crate::import::types::ImportFieldSpec> {
    fields(preset)
        .iter()
        .map(|f| crate::import::types::ImportFieldSpec {
            name: f.name.to_string(),
            required: f.required,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(preset: ImportPreset, pairs: &[&str]) -> Result<ColumnMapping, ImportError> {
        parse_pairs(
            preset,
            &pairs.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
        )
    }

    #[test]
    fn mapping_errors_name_the_field() {
        let e = m(
            ImportPreset::Clicks,
            &[
                "ip=ip",
                "channel=affiliate",
                "click_time=clicked_at",
                "@row=click_id",
            ],
        );
        assert!(e
            .unwrap_err()
            .to_string()
            .contains("unknown field 'affiliate'"));
        let e = m(ImportPreset::Clicks, &["a=click_id", "b=click_id"])
            .unwrap_err()
            .to_string();
        assert!(e.contains("'click_id' is mapped twice"), "{e}");
        // A required field left out is looked for under its own name in the file (see `resolve`); one cleared
        // with an empty constant can never be fed.
        assert!(m(
            ImportPreset::Clicks,
            &["channel=affiliate_id", "click_time=clicked_at"]
        )
        .is_ok());
        let e = m(ImportPreset::Clicks, &["@const:=click_id"])
            .unwrap_err()
            .to_string();
        assert!(e.contains("required field 'click_id' is not mapped"), "{e}");
        assert!(m(ImportPreset::Clicks, &["@const: =ip"]).is_ok());
        let e = m(ImportPreset::Deposits, &["@now=deposit_id"])
            .unwrap_err()
            .to_string();
        assert!(e.contains("pseudo-column"), "{e}");
        assert!(m(
            ImportPreset::Clicks,
            &[
                "ip=ip",
                "channel=affiliate_id",
                "click_time=clicked_at",
                "@row=click_id"
            ]
        )
        .is_ok());
    }

    #[test]
    fn resolve_against_header() {
        let header: Vec<String> = ["click_id", "clicked_at", "affiliate_id", "ip"]
            .map(String::from)
            .to_vec();
        let identity = ColumnMapping {
            preset: ImportPreset::Clicks,
            columns: vec![],
            date_format: None,
            delimiter: None,
        };
        let r = resolve(&identity, &header).unwrap();
        assert_eq!(
            r.slots[0],
            Slot::Column {
                index: 0,
                name: "click_id".into()
            }
        );
        assert_eq!(
            r.slots[3],
            Slot::Absent,
            "an optional column may be missing"
        );
        let e = resolve(&identity, &header[1..]).unwrap_err().to_string();
        assert!(
            e.contains("click_id"),
            "a missing required column is named: {e}"
        );
        let consts = m(
            ImportPreset::Deposits,
            &[
                "id=deposit_id",
                "p=player_id",
                "v=amount",
                "@const:USD=currency",
                "t=occurred_at",
            ],
        )
        .unwrap();
        let r = resolve(&consts, &["id", "p", "v", "t"].map(String::from)).unwrap();
        assert_eq!(r.slots[3], Slot::Const("USD".into()));
    }

    #[test]
    fn a_partial_mapping_keeps_same_named_columns_unless_cleared() {
        let header: Vec<String> = ["id", "time", "Affiliate_ID", "sub1", "ip", "country"]
            .map(String::from)
            .to_vec();
        let at = |name: &str| {
            fields(ImportPreset::Clicks)
                .iter()
                .position(|f| f.name == name)
                .unwrap()
        };
        let partial = m(ImportPreset::Clicks, &["id=click_id", "time=clicked_at"]).unwrap();
        let r = resolve(&partial, &header).unwrap();
        let col = |index: usize, name: &str| Slot::Column {
            index,
            name: name.into(),
        };
        assert_eq!(
            r.slots[at("affiliate_id")],
            col(2, "Affiliate_ID"),
            "a required field too, in any case"
        );
        assert_eq!(r.slots[at("sub1")], col(3, "sub1"));
        assert_eq!(r.slots[at("ip")], col(4, "ip"));
        assert_eq!(r.slots[at("landing_url")], Slot::Absent, "no such column");
        let cleared = m(
            ImportPreset::Clicks,
            &["id=click_id", "time=clicked_at", "@const:=ip", "sub1=sub2"],
        )
        .unwrap();
        let r = resolve(&cleared, &header).unwrap();
        assert_eq!(r.slots[at("ip")], Slot::Absent, "cleared");
        assert_eq!(r.slots[at("sub2")], col(3, "sub1"));
        assert_eq!(
            r.slots[at("sub1")],
            col(3, "sub1"),
            "not mentioned: its own column still"
        );
        assert_eq!(r.slots[at("country")], col(5, "country"));
        let e = resolve(&partial, &header[1..]).unwrap_err().to_string();
        assert!(
            e.contains("required field 'click_id' needs column 'id'"),
            "{e}"
        );
        let e = resolve(
            &m(ImportPreset::Clicks, &["time=clicked_at"]).unwrap(),
            &header,
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("required field 'click_id' needs column 'click_id'"),
            "{e}"
        );
    }
}
