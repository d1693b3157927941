//! Attribution rules: the built-in default and the validation of a JSON body, with errors naming the field.
//! Stored, effective-dated versions are in [`super::versions`].

use serde_json::{Map, Value};

use crate::attribution::types::{AttributionRules, ClickSelection, PriorityMode, RuleFieldError};

/// Longest post-click window accepted, in days.
pub const WINDOW_DAYS_MAX: u32 = 365;
/// Longest IP + user-agent analysis window, in hours (30 days).
pub const IP_UA_HOURS_MAX: u32 = 720;

/// The rules used when a program has stored none: every key on, the click wins over a promo code, a 30-day
/// post-click window, last click for analysis, a 24-hour IP window for analysis, the first referrer kept.
pub fn default_rules() -> AttributionRules {
    AttributionRules {
        click_id: true,
        btag: true,
        promo_code: true,
        priority: PriorityMode::ClickWins,
        post_click_window_days: 30,
        click_selection: ClickSelection::Last,
        ip_ua_window_hours: 24,
        keep_first_referrer: true,
    }
}

/// One version as used by the decision: its id (None = the default) and the day it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleVersion {
    pub id: Option<i64>,
    pub effective_from: Option<String>,
    pub rules: AttributionRules,
}

impl RuleVersion {
    pub fn builtin() -> Self {
        Self {
            id: None,
            effective_from: None,
            rules: default_rules(),
        }
    }
}

const FIELDS: &[&str] = &[
    "click_id",
    "btag",
    "promo_code",
    "priority",
    "post_click_window_days",
    "click_selection",
    "ip_ua_window_hours",
    "keep_first_referrer",
];

fn field_error(field: &str, message: impl Into<String>) -> RuleFieldError {
    RuleFieldError {
        field: field.to_owned(),
        message: message.into(),
    }
}

fn bool_field(obj: &Map<String, Value>, name: &str, errors: &mut Vec<RuleFieldError>) -> bool {
    match obj.get(name) {
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            errors.push(field_error(
                name,
                format!("must be true or false, not {other}"),
            ));
            false
        }
        None => {
            errors.push(field_error(name, "is missing"));
            false
        }
    }
}

fn number_field(
    obj: &Map<String, Value>,
    name: &str,
    range: (u32, u32),
    unit: &str,
    errors: &mut Vec<RuleFieldError>,
) -> u32 {
    let (lo, hi) = range;
    match obj.get(name) {
        Some(v) => match v.as_u64() {
            Some(n) if n >= u64::from(lo) && n <= u64::from(hi) => n as u32,
            _ => {
                errors.push(field_error(
                    name,
                    format!("must be a whole number of {unit} from {lo} to {hi}, not {v}"),
                ));
                0
            }
        },
        None => {
            errors.push(field_error(name, "is missing"));
            0
        }
    }
}

fn choice_field<T: Copy>(
    obj: &Map<String, Value>,
    name: &str,
    choices: &[(&str, T)],
    errors: &mut Vec<RuleFieldError>,
) -> Option<T> {
    let names: Vec<&str> = choices.iter().map(|c| c.0).collect();
    match obj.get(name) {
        Some(Value::String(s)) => match choices.iter().find(|c| c.0 == s) {
            Some(c) => Some(c.1),
            None => {
                errors.push(field_error(
                    name,
                    format!("must be one of {}, not \"{s}\"", names.join(", ")),
                ));
                None
            }
        },
        Some(other) => {
            errors.push(field_error(
                name,
                format!("must be one of {}, not {other}", names.join(", ")),
            ));
            None
        }
        None => {
            errors.push(field_error(name, "is missing"));
            None
        }
    }
}

/// Validates a rule body; every problem is reported, each naming its field. Nothing is defaulted silently: a
/// body must state every field (`affops-cli attribution rules show` prints a complete one to start from).
pub fn validate(body: &Value) -> Result<AttributionRules, Vec<RuleFieldError>> {
    let Some(obj) = body.as_object() else {
        return Err(vec![field_error("(body)", "must be a JSON object")]);
    };
    let mut errors = Vec::new();
    for key in obj.keys() {
        if !FIELDS.contains(&key.as_str()) {
            errors.push(field_error(
                key,
                format!("is not a rule field (known: {})", FIELDS.join(", ")),
            ));
        }
    }
    let click_id = bool_field(obj, "click_id", &mut errors);
    let btag = bool_field(obj, "btag", &mut errors);
    let promo_code = bool_field(obj, "promo_code", &mut errors);
    let priority = choice_field(
        obj,
        "priority",
        &[
            ("click_wins", PriorityMode::ClickWins),
            ("promo_wins", PriorityMode::PromoWins),
            (
                "promo_wins_except_sub_affiliate",
                PriorityMode::PromoWinsExceptSubAffiliate,
            ),
        ],
        &mut errors,
    );
    let window = number_field(
        obj,
        "post_click_window_days",
        (1, WINDOW_DAYS_MAX),
        "days",
        &mut errors,
    );
    let selection = choice_field(
        obj,
        "click_selection",
        &[
            ("first", ClickSelection::First),
            ("last", ClickSelection::Last),
        ],
        &mut errors,
    );
    let ip_ua = number_field(
        obj,
        "ip_ua_window_hours",
        (0, IP_UA_HOURS_MAX),
        "hours",
        &mut errors,
    );
    let keep_first_referrer = bool_field(obj, "keep_first_referrer", &mut errors);
    if errors.is_empty() && !(click_id || btag || promo_code) {
        errors.push(field_error(
            "click_id",
            "at least one key (click_id, btag, promo_code) must be on, or every player would be organic",
        ));
    }
    match (priority, selection) {
        (Some(priority), Some(click_selection)) if errors.is_empty() => Ok(AttributionRules {
            click_id,
            btag,
            promo_code,
            priority,
            post_click_window_days: window,
            click_selection,
            ip_ua_window_hours: ip_ua,
            keep_first_referrer,
        }),
        _ => Err(errors),
    }
}

/// Checks an effective-from day: `YYYY-MM-DD`, a real date.
pub fn validate_day(day: &str) -> Result<(), RuleFieldError> {
    chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .map(|_| ())
        .map_err(|_| {
            field_error(
                "effective_from",
                format!("must be a date YYYY-MM-DD, not \"{day}\""),
            )
        })
}
