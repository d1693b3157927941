//! Plan files: JSON or TOML, the same fields (see `docs/plans.md`). Amounts and percents are quoted decimal
//! strings ("25.00", "0.0125") so no file format's floating point ever touches them.

use super::Plan;

/// The text format of a plan file.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS,
)]
#[serde(rename_all = "lowercase")]
pub enum PlanFormat {
    #[default]
    Json,
    Toml,
}

impl PlanFormat {
    /// From a file name's extension (`.json`, `.toml`), else by sniffing the text (JSON starts with `{`).
    pub fn detect(file_name: &str, text: &str) -> PlanFormat {
        let lower = file_name.to_ascii_lowercase();
        if lower.ends_with(".toml") {
            PlanFormat::Toml
        } else if lower.ends_with(".json") || text.trim_start().starts_with('{') {
            PlanFormat::Json
        } else {
            PlanFormat::Toml
        }
    }

    pub fn parse_name(name: &str) -> Option<PlanFormat> {
        match name {
            "json" => Some(PlanFormat::Json),
            "toml" => Some(PlanFormat::Toml),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanFileError {
    #[error("the plan file is not valid JSON for a plan: {0}")]
    Json(String),
    #[error("the plan file is not valid TOML for a plan: {0}")]
    Toml(String),
    #[error("cannot write the plan as {format}: {message}")]
    Write {
        format: &'static str,
        message: String,
    },
}

pub fn parse(text: &str, format: PlanFormat) -> Result<Plan, PlanFileError> {
    match format {
        PlanFormat::Json => {
            serde_json::from_str(text).map_err(|e| PlanFileError::Json(e.to_string()))
        }
        PlanFormat::Toml => toml::from_str(text).map_err(|e| PlanFileError::Toml(e.to_string())),
    }
}

pub fn write(plan: &Plan, format: PlanFormat) -> Result<String, PlanFileError> {
    match format {
        PlanFormat::Json => serde_json::to_string_pretty(plan)
            .map(|s| s + "\n")
            .map_err(|e| PlanFileError::Write {
                format: "JSON",
                message: e.to_string(),
            }),
        PlanFormat::Toml => toml::to_string_pretty(plan).map_err(|e| PlanFileError::Write {
            format: "TOML",
            message: e.to_string(),
        }),
    }
}
