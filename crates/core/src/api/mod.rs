//! The boundary types shared by every client of the core: the desktop shell (over Tauri IPC), the CLI (as JSON)
//! and the UI (as generated TypeScript, see `ui/src/lib/bindings.ts`).
//!
//! Only plain data lives here. Money crosses the boundary as exact decimal strings (never a JS number), counts as
//! `u32`, instants as Unix milliseconds.

mod attribution;
mod commission;
mod detect;
mod error;
mod import;
mod people;
mod plan_preview;
mod postback;
mod programs;
mod sources;

pub use crate::audit::query::{AuditFilter, AuditPage};
pub use crate::audit::{AuditRow, Broken, VerifyReport};
pub use crate::commission::period::FxRateInput;
pub use crate::commission::plan::file::PlanFormat;
pub use crate::people::settings::WorkspaceSettings;
pub use crate::people::{Permission, Person, PersonChange, Role};
pub use crate::postback::dialect::Dialect;
pub use crate::programs::Vertical;
pub use attribution::{
    AffiliateDetail, AffiliateProfile, AffiliateRequest, AffiliatesPage, AttributedPlayer,
    AttributionRules, AttributionRulesView, AttributionRunSummary, CandidateOutcome,
    ClickSelection, Explanation, KeyCandidate, KeyKind, MultiTouchReport, MultiTouchRequest,
    MultiTouchRow, PlanAssignmentView, PlayerExplanation, PriorityMode, PromoCodeRequest,
    RuleFieldError, RuleVersionView, SaveRulesRequest, SaveRulesResult, TouchAnalysis, TouchModel,
    TouchView,
};
pub use commission::{
    AssignPlanRequest, CommissionProblem, ComputeResult, CurrencyTotal, DrillEvent, DrillItem,
    ExportPlanRequest, ExportStatementRequest, PeriodView, PlanDetail, PlanImportResult,
    PlanSummary, PlanText, PlanValidationError, PlanVersionView, PreviewPlanRequest,
    QualificationChecklist, QualificationCriterion, QualificationRequest, Statement,
    StatementFormat, StatementLine, StatementRequest,
};
pub use detect::{
    BacktestAffiliate, BacktestRequest, BacktestResult, BacktestRule, CtitBucket, DashboardAlert,
    Decision, DetectRunSummary, DisputeCase, DisputeOpenInput, ExportedRows, FlagDecisionInput,
    FlagDecisionRow, FlagFilter, FlagRow, GeoRow, Investigation, ReasonCount, ReconAffiliateTotal,
    ReconExportRequest, ReconQuery, ReconReport, ReconRow, RuleRunRow, RuleSettingsRequest,
    RuleSettingsSaved, SharedIdentifier, TimelineEvent,
};
pub use error::{ApiError, ErrorCode};
pub use import::{
    ColumnMap, ColumnMapping, ImportFieldSpec, ImportPreset, ImportPreview, ImportPreviewRequest,
    ImportRunRequest, ImportRunSummary, PreviewRow, QuarantineExportRequest, QuarantinePage,
    QuarantineRequest, QuarantineRow, SaveMappingRequest,
};
pub use people::{
    AddPersonRequest, AuditExportResult, ChangePassphraseRequest, CreateWorkspaceRequest,
    DemoPerson, ResetPassphraseRequest, SessionStatus, SignInRequest, SignedIn,
};
pub use plan_preview::{PlanPreview, PlanPreviewRow};
pub use postback::{
    ListenerStatus, PostbackLogFilter, PostbackLogPage, PostbackLogRow, PostbackOutcome,
    PostbackSecretsInput, PostbackSourceConfig, PostbackSourceRequest, PostbackSourceStatus,
    POSTBACK_LOG_PAGE_MAX,
};
pub use programs::{ProgramSummary, TradingRow, TradingSummary};
pub use sources::{
    ConnectionTest, CoverageReport, CoverageRow, SourceSettings, SourceView, SourcesOverview,
};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A reporting period: inclusive calendar days in the program's reporting time zone, `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Period {
    pub from: String,
    pub to: String,
}

/// A period of a report: missing bounds default to the program's data range. The program is the session's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DashboardQuery {
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

/// One affiliate's funnel for a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AffiliateRow {
    /// The tracker's affiliate id (e.g. Everflow `network_affiliate_id`).
    pub affiliate_id: String,
    pub affiliate_name: String,
    pub clicks: u32,
    pub registrations: u32,
    pub ftds: u32,
    pub approved_conversions: u32,
    /// FTDs per 100 clicks, two decimals, half-up; "0.00" with no clicks.
    pub cr_percent: String,
    /// Sum of first-time deposits in the program currency, as an exact decimal string ("1234.50").
    pub ftd_amount: String,
    /// The same amount in micros (10^-6 of the currency unit), as a decimal integer string, for exact sorting.
    pub ftd_amount_micros: String,
}

/// How fresh one source's data is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SourceFreshness {
    pub source: String,
    pub kind: String,
    /// When the last successful sync finished (Unix ms), if ever.
    #[ts(type = "number | null")]
    pub last_success_at_ms: Option<i64>,
    /// When the last sync attempt finished (Unix ms), if ever.
    #[ts(type = "number | null")]
    pub last_attempt_at_ms: Option<i64>,
    /// `ok`, `failed` or `never`.
    pub last_status: String,
    /// The last attempt's message: rows synced, or the reason it failed.
    pub last_message: String,
}

/// Everything the dashboard screen shows for a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Dashboard {
    pub program: String,
    /// igaming or forex: a Forex program's funnel has no FTDs; its trading is in `trading`.
    pub vertical: crate::programs::Vertical,
    pub currency: String,
    pub timezone: String,
    pub period: Period,
    pub rows: Vec<AffiliateRow>,
    pub totals: AffiliateRow,
    /// Daily FTDs (iGaming) or opening trades (Forex) over the period, rendered by plotters as a standalone SVG.
    pub daily_ftd_svg: String,
    pub freshness: Vec<SourceFreshness>,
    /// A Forex program's accounts, trades and lots over the period; None for iGaming.
    pub trading: Option<TradingSummary>,
}

/// What the first screen needs to decide between "Open demo workspace" and the dashboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct WorkspaceStatus {
    pub data_dir: String,
    /// True once any source has synced rows into this workspace.
    pub has_data: bool,
    /// The full range of days that hold data, if any.
    pub data_range: Option<Period>,
    pub freshness: Vec<SourceFreshness>,
}

/// A progress report from a long-running job (sync, import), forwarded to the UI as a channel message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Progress {
    /// The job step, e.g. `everflow/conversions`.
    pub step: String,
    /// Units done in this step (rows).
    pub done: u32,
    /// Units expected in this step, when the source says.
    pub total: Option<u32>,
    /// Steps finished so far and steps in the job, for an overall bar.
    pub steps_done: u32,
    pub steps_total: u32,
    /// An import's bytes read and the file's size (for a percentage), when the job reads a file.
    #[ts(type = "number | null")]
    #[serde(default)]
    pub bytes_done: Option<u64>,
    #[ts(type = "number | null")]
    #[serde(default)]
    pub bytes_total: Option<u64>,
    /// Rows per second so far, when the job measures it.
    #[serde(default)]
    pub rows_per_second: Option<u32>,
    /// The same, in words, for logs and the CLI.
    pub message: String,
}

/// The outcome of syncing one stream of one source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StreamSyncResult {
    pub source: String,
    pub stream: String,
    pub pages: u32,
    pub rows_fetched: u32,
    pub rows_inserted: u32,
    pub rows_updated: u32,
    pub rows_quarantined: u32,
}

/// What a sync fetches: from every source's checkpoint, or (`full`) every window from its configured start.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SyncRequest {
    #[serde(default)]
    pub full: bool,
}

/// The outcome of a whole sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SyncSummary {
    pub streams: Vec<StreamSyncResult>,
    #[ts(type = "number")]
    pub elapsed_ms: i64,
}

/// Every type the UI sees, in declaration order, for the generated bindings.
pub fn typescript_bindings() -> String {
    let decls = [
        ErrorCode::decl(),
        ApiError::decl(),
        Period::decl(),
        DashboardQuery::decl(),
        AffiliateRow::decl(),
        SourceFreshness::decl(),
        ProgramSummary::decl(),
        TradingRow::decl(),
        TradingSummary::decl(),
        Dashboard::decl(),
        WorkspaceStatus::decl(),
        Progress::decl(),
        StreamSyncResult::decl(),
        SyncSummary::decl(),
        SourceSettings::decl(),
        SourceView::decl(),
        SourcesOverview::decl(),
        ConnectionTest::decl(),
        CoverageRow::decl(),
        CoverageReport::decl(),
        Dialect::decl(),
        PostbackSourceConfig::decl(),
        PostbackOutcome::decl(),
        PostbackLogRow::decl(),
        PostbackLogFilter::decl(),
        PostbackLogPage::decl(),
        PostbackSourceStatus::decl(),
        ListenerStatus::decl(),
        PostbackSecretsInput::decl(),
        ImportPreset::decl(),
        ColumnMap::decl(),
        ColumnMapping::decl(),
        PreviewRow::decl(),
        ImportPreview::decl(),
        ImportRunSummary::decl(),
        QuarantineRow::decl(),
        QuarantinePage::decl(),
        ImportFieldSpec::decl(),
        PriorityMode::decl(),
        ClickSelection::decl(),
        AttributionRules::decl(),
        RuleVersionView::decl(),
        AttributionRulesView::decl(),
        RuleFieldError::decl(),
        SaveRulesResult::decl(),
        KeyKind::decl(),
        CandidateOutcome::decl(),
        KeyCandidate::decl(),
        TouchView::decl(),
        TouchAnalysis::decl(),
        Explanation::decl(),
        PlayerExplanation::decl(),
        AttributionRunSummary::decl(),
        AffiliateProfile::decl(),
        AffiliatesPage::decl(),
        AttributedPlayer::decl(),
        PlanAssignmentView::decl(),
        AffiliateDetail::decl(),
        TouchModel::decl(),
        MultiTouchRow::decl(),
        MultiTouchReport::decl(),
        PlanValidationError::decl(),
        PlanSummary::decl(),
        PlanVersionView::decl(),
        PlanDetail::decl(),
        PlanImportResult::decl(),
        CommissionProblem::decl(),
        CurrencyTotal::decl(),
        ComputeResult::decl(),
        PeriodView::decl(),
        DrillEvent::decl(),
        DrillItem::decl(),
        StatementLine::decl(),
        Statement::decl(),
        QualificationCriterion::decl(),
        QualificationChecklist::decl(),
        PlanPreviewRow::decl(),
        PlanPreview::decl(),
        FlagFilter::decl(),
        FlagRow::decl(),
        FlagDecisionInput::decl(),
        FlagDecisionRow::decl(),
        TimelineEvent::decl(),
        SharedIdentifier::decl(),
        GeoRow::decl(),
        CtitBucket::decl(),
        Investigation::decl(),
        RuleRunRow::decl(),
        DetectRunSummary::decl(),
        BacktestRequest::decl(),
        BacktestAffiliate::decl(),
        BacktestRule::decl(),
        BacktestResult::decl(),
        ReconQuery::decl(),
        ReconRow::decl(),
        ReconAffiliateTotal::decl(),
        ReasonCount::decl(),
        ReconReport::decl(),
        DisputeOpenInput::decl(),
        DisputeCase::decl(),
        DashboardAlert::decl(),
        Vertical::decl(),
        Role::decl(),
        Permission::decl(),
        Person::decl(),
        PersonChange::decl(),
        WorkspaceSettings::decl(),
        DemoPerson::decl(),
        SignedIn::decl(),
        SessionStatus::decl(),
        SignInRequest::decl(),
        CreateWorkspaceRequest::decl(),
        AddPersonRequest::decl(),
        ResetPassphraseRequest::decl(),
        ChangePassphraseRequest::decl(),
        AuditRow::decl(),
        AuditFilter::decl(),
        AuditPage::decl(),
        Broken::decl(),
        VerifyReport::decl(),
        AuditExportResult::decl(),
        SyncRequest::decl(),
        PlanFormat::decl(),
        PlanText::decl(),
        ExportPlanRequest::decl(),
        PreviewPlanRequest::decl(),
        AssignPlanRequest::decl(),
        StatementRequest::decl(),
        StatementFormat::decl(),
        ExportStatementRequest::decl(),
        QualificationRequest::decl(),
        FxRateInput::decl(),
        AffiliateRequest::decl(),
        SaveRulesRequest::decl(),
        MultiTouchRequest::decl(),
        PromoCodeRequest::decl(),
        Decision::decl(),
        RuleSettingsRequest::decl(),
        RuleSettingsSaved::decl(),
        ReconExportRequest::decl(),
        ExportedRows::decl(),
        ImportPreviewRequest::decl(),
        ImportRunRequest::decl(),
        QuarantineRequest::decl(),
        QuarantineExportRequest::decl(),
        SaveMappingRequest::decl(),
        PostbackSourceRequest::decl(),
    ];
    let mut out = String::from(
        "// Generated from crates/core/src/api by `UPDATE_BINDINGS=1 cargo test -p affops-core --test it bindings`.\n\
         // Do not edit: a test fails when this file is stale.\n\n",
    );
    for d in decls {
        out.push_str("export ");
        out.push_str(&d);
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}
