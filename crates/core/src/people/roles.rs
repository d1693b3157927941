//! Roles and permissions as data: which permission each role grants. The front door (`ops`) maps every
//! operation to the one permission it needs (`ops::catalog`); this table says who has it. `docs/permissions.md`
//! is rendered from both (a test fails when it is stale).

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use ts_rs::TS;

/// What a person is in the team (`../shared/DOMAIN.md` §7). A person may hold several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages the people and the workspace's settings.
    Owner,
    /// Affiliate manager: programs, sources, plans, attribution rules, affiliates.
    Manager,
    /// Computes and closes periods, approves statements and payouts.
    Finance,
    /// Fraud rules, flag decisions, reconciliation, disputes.
    Analyst,
    /// Sees everything, changes nothing.
    Viewer,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Owner,
        Role::Manager,
        Role::Finance,
        Role::Analyst,
        Role::Viewer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Manager => "manager",
            Role::Finance => "finance",
            Role::Analyst => "analyst",
            Role::Viewer => "viewer",
        }
    }

    /// As people read it.
    pub fn label(self) -> &'static str {
        match self {
            Role::Owner => "Owner",
            Role::Manager => "Affiliate manager",
            Role::Finance => "Finance",
            Role::Analyst => "Analyst",
            Role::Viewer => "Viewer",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim().to_ascii_lowercase())
    }
}

/// One power a person may hold. Each operation needs exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
pub enum Permission {
    /// See every screen and report, export what is shown, read and verify the audit log.
    #[serde(rename = "view")]
    View,
    /// Add people, change their roles, deactivate them, reset passphrases.
    #[serde(rename = "users.manage")]
    ManageUsers,
    /// Workspace settings (idle lock, …).
    #[serde(rename = "workspace.settings")]
    ManageWorkspace,
    /// Create programs and change their settings and brands.
    #[serde(rename = "programs.manage")]
    ManagePrograms,
    /// Tracker and operator sources, postback sources, the postback listener.
    #[serde(rename = "sources.manage")]
    ManageSources,
    /// Sync sources and import files.
    #[serde(rename = "data.ingest")]
    IngestData,
    /// Attribution rules, promo codes, affiliates' own identifiers, attribution runs.
    #[serde(rename = "attribution.manage")]
    ManageAttribution,
    /// Commission plans and their assignments.
    #[serde(rename = "plans.manage")]
    ManagePlans,
    /// Compute a period's commission into the ledger.
    #[serde(rename = "commission.compute")]
    ComputeCommission,
    /// Record FX rates (the dated FX table, a period's snapshot) and close a period (its statements are locked).
    #[serde(rename = "periods.close")]
    ClosePeriods,
    /// Run fraud detection and change its rules' settings.
    #[serde(rename = "detection.run")]
    RunDetection,
    /// Confirm or dismiss flagged traffic.
    #[serde(rename = "flags.decide")]
    DecideFlags,
    /// Reconcile the tracker against the operator.
    #[serde(rename = "reconcile.run")]
    Reconcile,
    /// Open and work dispute cases.
    #[serde(rename = "disputes.work")]
    WorkDisputes,
    /// Approve or reject statement lines.
    #[serde(rename = "statements.approve")]
    ApproveStatements,
    /// Propose payee payment details and review someone else's proposal.
    #[serde(rename = "payees.manage")]
    ManagePayees,
    /// Prepare, cancel and export payout runs; record payments, failures and returns; the paying account.
    #[serde(rename = "payouts.manage")]
    ManagePayouts,
    /// Approve a payout run (never one's own).
    #[serde(rename = "payouts.approve")]
    ApprovePayouts,
    /// Take a backup of the workspace.
    #[serde(rename = "workspace.backup")]
    Backup,
}

impl Permission {
    pub const ALL: [Permission; 19] = [
        Permission::View,
        Permission::ManageUsers,
        Permission::ManageWorkspace,
        Permission::ManagePrograms,
        Permission::ManageSources,
        Permission::IngestData,
        Permission::ManageAttribution,
        Permission::ManagePlans,
        Permission::ComputeCommission,
        Permission::ClosePeriods,
        Permission::RunDetection,
        Permission::DecideFlags,
        Permission::Reconcile,
        Permission::WorkDisputes,
        Permission::ApproveStatements,
        Permission::ManagePayees,
        Permission::ManagePayouts,
        Permission::ApprovePayouts,
        Permission::Backup,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Permission::View => "view",
            Permission::ManageUsers => "users.manage",
            Permission::ManageWorkspace => "workspace.settings",
            Permission::ManagePrograms => "programs.manage",
            Permission::ManageSources => "sources.manage",
            Permission::IngestData => "data.ingest",
            Permission::ManageAttribution => "attribution.manage",
            Permission::ManagePlans => "plans.manage",
            Permission::ComputeCommission => "commission.compute",
            Permission::ClosePeriods => "periods.close",
            Permission::RunDetection => "detection.run",
            Permission::DecideFlags => "flags.decide",
            Permission::Reconcile => "reconcile.run",
            Permission::WorkDisputes => "disputes.work",
            Permission::ApproveStatements => "statements.approve",
            Permission::ManagePayees => "payees.manage",
            Permission::ManagePayouts => "payouts.manage",
            Permission::ApprovePayouts => "payouts.approve",
            Permission::Backup => "workspace.backup",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Permission::View => {
                "see every screen and report, export what is shown, read and verify the audit log"
            }
            Permission::ManageUsers => {
                "add people, change their roles, deactivate them, reset passphrases"
            }
            Permission::ManageWorkspace => "change the workspace's settings (idle lock)",
            Permission::ManagePrograms => {
                "create programs (vertical, currency, reporting time zone, brands) and change them"
            }
            Permission::ManageSources => {
                "configure tracker, operator and postback sources; run the postback listener"
            }
            Permission::IngestData => "sync sources and import files",
            Permission::ManageAttribution => {
                "attribution rules, promo codes, affiliates' own identifiers (self-referral), attribution runs"
            }
            Permission::ManagePlans => "commission plans and their assignments",
            Permission::ComputeCommission => "compute a period's commission into the ledger",
            Permission::ClosePeriods => {
                "record FX rates (the dated FX table and a period's snapshot) and close the period, locking its statements"
            }
            Permission::RunDetection => "run fraud detection and tune its rules",
            Permission::DecideFlags => "confirm or dismiss flagged traffic",
            Permission::Reconcile => "reconcile the tracker against the operator",
            Permission::WorkDisputes => "open and work dispute cases",
            Permission::ApproveStatements => "approve or reject statement lines past their hold",
            Permission::ManagePayees => {
                "propose payee payment details, and review (four-eyes) someone else's proposal"
            }
            Permission::ManagePayouts => {
                "prepare, cancel and export payout runs; record payments, failures and returns; the paying account"
            }
            Permission::ApprovePayouts => "approve a payout run someone else prepared (signed, offline)",
            Permission::Backup => "take a backup of the workspace",
        }
    }
}

/// The role matrix: what each role grants. The one place that says it.
pub fn grants(role: Role) -> &'static [Permission] {
    use Permission::*;
    match role {
        Role::Owner => &[View, ManageUsers, ManageWorkspace, ManagePrograms, Backup],
        Role::Manager => &[
            View,
            ManagePrograms,
            ManageSources,
            IngestData,
            ManageAttribution,
            ManagePlans,
            ComputeCommission,
        ],
        Role::Finance => &[
            View,
            ComputeCommission,
            ClosePeriods,
            Reconcile,
            ApproveStatements,
            ManagePayees,
            ManagePayouts,
            ApprovePayouts,
            Backup,
        ],
        Role::Analyst => &[
            View,
            IngestData,
            RunDetection,
            DecideFlags,
            Reconcile,
            WorkDisputes,
        ],
        Role::Viewer => &[View],
    }
}

/// Every permission that any of `roles` grants.
pub fn permissions_of(roles: &BTreeSet<Role>) -> BTreeSet<Permission> {
    roles
        .iter()
        .flat_map(|r| grants(*r).iter().copied())
        .collect()
}

/// The roles that grant `permission`, for refusals that say who could do it.
pub fn roles_with(permission: Permission) -> Vec<Role> {
    Role::ALL
        .into_iter()
        .filter(|r| grants(*r).contains(&permission))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_permission_is_granted_by_some_role_and_every_role_can_view() {
        for p in Permission::ALL {
            assert!(!roles_with(p).is_empty(), "{p:?} is granted by no role");
        }
        for r in Role::ALL {
            assert!(grants(r).contains(&Permission::View), "{r:?} cannot view");
        }
        assert_eq!(grants(Role::Viewer), &[Permission::View]);
    }

    #[test]
    fn names_round_trip_through_serde_and_parse() {
        for p in Permission::ALL {
            assert_eq!(
                serde_json::to_value(p).unwrap(),
                serde_json::json!(p.as_str())
            );
        }
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
            assert_eq!(
                serde_json::to_value(r).unwrap(),
                serde_json::json!(r.as_str())
            );
        }
        assert_eq!(Role::parse(" Finance "), Some(Role::Finance));
        assert_eq!(Role::parse("admin"), None);
    }

    #[test]
    fn several_roles_add_up() {
        let both = BTreeSet::from([Role::Finance, Role::Analyst]);
        let p = permissions_of(&both);
        assert!(p.contains(&Permission::ClosePeriods) && p.contains(&Permission::DecideFlags));
        assert!(!p.contains(&Permission::ManageUsers));
    }
}
