//! The boundary types shared by every client of the core: the desktop shell (over Tauri IPC), the CLI (as JSON)
//! and the UI (as generated TypeScript, see `ui/src/lib/bindings.ts`).
//!
//! The requests the front door takes are defined here; the records it returns are defined by the domain module
//! that computes them and re-exported here, so this module is the one catalogue of what crosses the boundary and
//! no domain module depends on it. Only plain data lives here. Money crosses the boundary as exact decimal strings (never a JS number), counts as
//! `u32`, instants as Unix milliseconds.

mod attribution;
mod commission;
mod detect;
mod error;
mod fx;
mod import;
mod payouts;
mod people;
mod postback;

// The front door's own requests and results.
pub use attribution::{
    AffiliateIdentifierRequest, AffiliateRequest, MultiTouchRequest, PromoCodeRequest,
    SaveRulesRequest,
};
pub use commission::{
    AssignPlanRequest, ExportPlanRequest, ExportStatementRequest, PlanText, PreviewPlanRequest,
    QualificationRequest, StatementFormat, StatementRequest,
};
pub use detect::{ExportedRows, ReconExportRequest, RuleSettingsRequest, RuleSettingsSaved};
pub use error::{ApiError, ErrorCode};
pub use fx::{FxImportRequest, FxListQuery, FxSetRequest};
pub use import::{
    ImportPreviewRequest, ImportRunRequest, QuarantineExportRequest, QuarantineRequest,
    SaveMappingRequest,
};
pub use payouts::{
    ApproveRunRequest, BankReturnRequest, ExportFilesRequest, MarkPaidRequest, PayerRequest,
    PayerView, PayoutsOverview, PrepareRunRequest, ProposePayeeRequest, ReviewPayeeRequest,
    RunRequest, SepaFormat, SignApprovalRequest, StatementLinesRequest, WrittenFile,
};
pub use people::{
    AddPersonRequest, AuditExportResult, ChangePassphraseRequest, CreateWorkspaceRequest,
    DemoPerson, ResetPassphraseRequest, SessionStatus, SignInRequest, SignedIn,
};
pub use postback::PostbackSourceRequest;

// The domain's records, as the UI and the CLI's JSON see them (defined where they are computed).
pub use crate::attribution::types::*;
pub use crate::audit::query::{AuditFilter, AuditPage};
pub use crate::audit::{AuditRow, Broken, VerifyReport};
pub use crate::breakdown::{Breakdown, BreakdownQuery, BreakdownRow, Change, Dimension, RowChange};
pub use crate::cohorts::{CohortMonth, CohortQuery, CohortRow, Cohorts};
pub use crate::commission::period::FxRateInput;
pub use crate::commission::plan::file::PlanFormat;
pub use crate::commission::types::*;
pub use crate::coverage::{CoverageReport, CoverageRow};
pub use crate::dashboard::{AffiliateRow, Dashboard, DashboardQuery};
pub use crate::detect::types::*;
pub use crate::disputes::types::*;
pub use crate::fx::types::{
    FxImportSummary, FxRateList, FxRateRow, FxRejectedRow, UnconvertedAmount,
};
pub use crate::import::types::*;
pub use crate::ingest::types::{Progress, StreamSyncResult, SyncSummary};
pub use crate::payouts::approvals::ApprovalOutcome;
pub use crate::payouts::payee::RawPayeeDetails;
pub use crate::payouts::settle::BankOutcome;
pub use crate::payouts::types::*;
pub use crate::people::settings::WorkspaceSettings;
pub use crate::people::{Permission, Person, PersonChange, Role};
pub use crate::postback::dialect::Dialect;
pub use crate::postback::types::*;
pub use crate::programs::types::*;
pub use crate::programs::Vertical;
pub use crate::reconcile::types::*;
pub use crate::sources::types::*;
pub use crate::time::Period;
pub use crate::workspace::backup::BackupResult;
pub use crate::workspace::DemoScale;
pub use crate::workspace::{SourceFreshness, WorkspaceStatus};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What a sync fetches: from every source's checkpoint, or (`full`) every window from its configured start.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SyncRequest {
    #[serde(default)]
    pub full: bool,
}

/// Opening the demo workspace: which world.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct OpenDemoRequest {
    /// The world's seed (default: the demo's).
    #[ts(optional, type = "number")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    #[serde(default)]
    pub scale: DemoScale,
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
        ProgramSettings::decl(),
        EditProgramRequest::decl(),
        TradingRow::decl(),
        TradingSummary::decl(),
        Dashboard::decl(),
        Dimension::decl(),
        BreakdownQuery::decl(),
        Change::decl(),
        RowChange::decl(),
        BreakdownRow::decl(),
        Breakdown::decl(),
        CohortQuery::decl(),
        CohortMonth::decl(),
        CohortRow::decl(),
        Cohorts::decl(),
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
        MissingSignal::decl(),
        IgnoredSignal::decl(),
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
        AffiliateIdentifier::decl(),
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
        FlagPage::decl(),
        FlagDecisionInput::decl(),
        FlagDecisionRow::decl(),
        FlagRevisionRow::decl(),
        FlagGroup::decl(),
        FlagBulkDecisionInput::decl(),
        FlagBulkDecisionResult::decl(),
        AllowEntry::decl(),
        AllowEntryInput::decl(),
        AllowRevokeInput::decl(),
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
        OpenedFrom::decl(),
        DisputeOpenRequest::decl(),
        DisputeFilter::decl(),
        DisputeRow::decl(),
        DisputeAffiliate::decl(),
        DisputesPage::decl(),
        DisputeEventView::decl(),
        DisputeAttachmentView::decl(),
        DisputeOutcomeView::decl(),
        EvidenceItem::decl(),
        EvidencePackView::decl(),
        DisputeView::decl(),
        DisputeMoveRequest::decl(),
        DisputeResolveRequest::decl(),
        DisputeAssignRequest::decl(),
        DisputeNoteRequest::decl(),
        DisputeEvidenceRequest::decl(),
        DisputeFiles::decl(),
        DisputeSla::decl(),
        RawRequest::decl(),
        ClaimsQuery::decl(),
        ClaimRowView::decl(),
        ClaimReasonCount::decl(),
        ClaimsReport::decl(),
        ClaimCasesRequest::decl(),
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
        DemoScale::decl(),
        OpenDemoRequest::decl(),
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
        FxImportRequest::decl(),
        FxSetRequest::decl(),
        FxListQuery::decl(),
        FxImportSummary::decl(),
        FxRejectedRow::decl(),
        FxRateRow::decl(),
        FxRateList::decl(),
        UnconvertedAmount::decl(),
        AffiliateRequest::decl(),
        SaveRulesRequest::decl(),
        MultiTouchRequest::decl(),
        PromoCodeRequest::decl(),
        AffiliateIdentifierRequest::decl(),
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
        StatementLinesRequest::decl(),
        LinesDecision::decl(),
        RawPayeeDetails::decl(),
        ProposePayeeRequest::decl(),
        ReviewPayeeRequest::decl(),
        PayeeVersionView::decl(),
        PayeesPage::decl(),
        PayerRequest::decl(),
        PayerView::decl(),
        PrepareRunRequest::decl(),
        ApproveRunRequest::decl(),
        RunRequest::decl(),
        SignApprovalRequest::decl(),
        SepaFormat::decl(),
        ExportFilesRequest::decl(),
        MarkPaidRequest::decl(),
        BankOutcome::decl(),
        BankReturnRequest::decl(),
        WrittenFile::decl(),
        ApprovalOutcome::decl(),
        PayoutItemView::decl(),
        PayoutTotal::decl(),
        PayoutApprovalView::decl(),
        PayoutFileView::decl(),
        PayoutEventView::decl(),
        PayoutRunView::decl(),
        PayoutRunSummary::decl(),
        PayoutsOverview::decl(),
        BackupResult::decl(),
        crate::detect::allowlist::kinds_typescript(),
        crate::disputes::list::sorts_typescript(),
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
