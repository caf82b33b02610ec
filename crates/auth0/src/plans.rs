//! Auth0's Management API rate limits per subscription plan (Auth0's rate-limit policy pages, 2026).
//!
//! A request draws from its endpoint group's bucket where the plan has one, after the plan's global
//! bucket where it has one; every answer's `x-ratelimit-*` headers describe the bucket it drew from.
//! The sandbox enforces this table; the engine's estimate predicts from it until the tenant's own
//! headers say otherwise.

use serde::{Deserialize, Serialize};

use crate::scopes::Operation;

/// The endpoint groups Auth0 gives buckets of their own on some plan.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum EndpointGroup {
    /// `GET /users`, `GET /users/{id}`, `GET /users-by-email`.
    ReadUsers,
    /// `POST /users`, `PATCH /users/{id}`.
    WriteUsers,
    /// `GET /connections`.
    ReadConnections,
    /// `POST /organizations/{id}/invitations`.
    OrganizationInvitations,
    /// `GET /logs` (follow-up: who used their link, who signed in).
    ReadLogs,
    /// Everything else combined: tickets, jobs, roles and role members, deletes, organizations.
    Other,
}

impl EndpointGroup {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// How an admin reads it in an estimate.
    pub fn label(self) -> &'static str {
        match self {
            EndpointGroup::ReadUsers => "user reads",
            EndpointGroup::WriteUsers => "user writes",
            EndpointGroup::ReadConnections => "connection reads",
            EndpointGroup::OrganizationInvitations => "organization invitations",
            EndpointGroup::ReadLogs => "log reads",
            EndpointGroup::Other => "tickets, jobs and roles",
        }
    }
}

impl Operation {
    /// The endpoint group the call is counted in.
    pub fn group(self) -> EndpointGroup {
        match self {
            Operation::ReadUser | Operation::FindUsers => EndpointGroup::ReadUsers,
            Operation::CreateUser | Operation::UpdateUser => EndpointGroup::WriteUsers,
            Operation::ReadConnections => EndpointGroup::ReadConnections,
            Operation::InviteToOrganization => EndpointGroup::OrganizationInvitations,
            Operation::ReadLogs => EndpointGroup::ReadLogs,
            Operation::DeleteUser
            | Operation::CreateTicket
            | Operation::ImportUsers
            | Operation::ExportUsers
            | Operation::ReadJob
            | Operation::ReadRoles
            | Operation::AssignRoles
            | Operation::ReadUserRoles
            | Operation::ReadOrganizations => EndpointGroup::Other,
        }
    }
}

/// One token bucket: `burst` requests at once, refilled at `per_minute`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BucketLimit {
    pub burst: u32,
    pub per_minute: f64,
}

impl BucketLimit {
    pub const fn per_second(burst: u32, per_second: f64) -> BucketLimit {
        BucketLimit {
            burst,
            per_minute: per_second * 60.0,
        }
    }

    pub fn per_second_rate(self) -> f64 {
        self.per_minute / 60.0
    }

    /// The shortest time `calls` requests can take from this bucket, full at the start.
    pub fn floor_secs(self, calls: u64) -> f64 {
        calls.saturating_sub(u64::from(self.burst)) as f64 / self.per_second_rate().max(1e-6)
    }
}

/// The plans Auth0 sells, as far as their Management API limits go.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum TenantPlan {
    /// One global bucket: burst 2, 2/s.
    Free,
    /// Essentials and Professional: a bucket per endpoint group, no global one.
    Essentials,
    /// Production Enterprise: a global bucket (burst 50, 16/s) checked first, a few endpoint
    /// limits on top.
    Enterprise,
}

impl TenantPlan {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Every plan, cheapest first.
    pub fn all() -> &'static [TenantPlan] {
        <TenantPlan as strum::VariantArray>::VARIANTS
    }

    pub fn label(self) -> &'static str {
        match self {
            TenantPlan::Free => "Free",
            TenantPlan::Essentials => "Essentials/Professional",
            TenantPlan::Enterprise => "Enterprise",
        }
    }

    /// The plan's global bucket, if it has one.
    pub fn global(self) -> Option<BucketLimit> {
        match self {
            TenantPlan::Free => Some(BucketLimit::per_second(2, 2.0)),
            TenantPlan::Essentials => None,
            TenantPlan::Enterprise => Some(BucketLimit::per_second(50, 16.0)),
        }
    }

    /// The bucket of an endpoint group, where the plan gives it one.
    pub fn endpoint(self, group: EndpointGroup) -> Option<BucketLimit> {
        let per_minute = |burst, per_minute| {
            Some(BucketLimit {
                burst,
                per_minute: f64::from(per_minute),
            })
        };
        match (self, group) {
            (TenantPlan::Free, _) => None,
            (TenantPlan::Essentials, EndpointGroup::ReadUsers) => per_minute(40, 500),
            (TenantPlan::Essentials, EndpointGroup::WriteUsers) => per_minute(20, 200),
            (TenantPlan::Essentials, EndpointGroup::ReadConnections) => per_minute(5, 50),
            (TenantPlan::Essentials, EndpointGroup::OrganizationInvitations) => per_minute(10, 150),
            // Auth0's page gives Read Logs 100/min; it states no burst, so the other small buckets' 10.
            (TenantPlan::Essentials, EndpointGroup::ReadLogs) => per_minute(10, 100),
            (TenantPlan::Essentials, EndpointGroup::Other) => per_minute(10, 150),
            (TenantPlan::Enterprise, EndpointGroup::OrganizationInvitations) => per_minute(20, 200),
            (TenantPlan::Enterprise, _) => None,
        }
    }

    /// Whether two groups draw from one bucket on this plan (Essentials counts organization
    /// invitations among "all other endpoints").
    pub fn shares_bucket(self, a: EndpointGroup, b: EndpointGroup) -> bool {
        if a == b {
            return true;
        }
        match self {
            TenantPlan::Free => true,
            TenantPlan::Essentials => {
                let combined = |g| {
                    matches!(
                        g,
                        EndpointGroup::Other | EndpointGroup::OrganizationInvitations
                    )
                };
                combined(a) && combined(b)
            }
            TenantPlan::Enterprise => self.endpoint(a).is_none() && self.endpoint(b).is_none(),
        }
    }

    /// The bucket `group`'s answers describe, named by the first group (in declaration order) that
    /// shares it: groups with the same key draw from one bucket.
    pub fn bucket_key(self, group: EndpointGroup) -> EndpointGroup {
        <EndpointGroup as strum::VariantArray>::VARIANTS
            .iter()
            .copied()
            .find(|g| self.shares_bucket(*g, group))
            .unwrap_or(group)
    }

    /// The bucket whose figures an answer in `group` carries: the endpoint's where there is one,
    /// else the global one.
    pub fn reported(self, group: EndpointGroup) -> BucketLimit {
        self.endpoint(group)
            .or(self.global())
            .unwrap_or(BucketLimit::per_second(10, 2.5))
    }

    /// The plan whose buckets match the sizes a tenant reported per group, if one does: every
    /// reported `x-ratelimit-limit` must be the one the plan gives that group.
    pub fn matching(reported: &[(EndpointGroup, u64)]) -> Option<TenantPlan> {
        if reported.is_empty() {
            return None;
        }
        <TenantPlan as strum::VariantArray>::VARIANTS
            .iter()
            .copied()
            .find(|plan| {
                reported
                    .iter()
                    .all(|(group, limit)| u64::from(plan.reported(*group).burst) == *limit)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_has_a_group_and_the_table_is_auth0s() {
        for op in Operation::ALL {
            let _ = op.group();
        }
        assert_eq!(Operation::CreateTicket.group(), EndpointGroup::Other);
        assert_eq!(Operation::FindUsers.group(), EndpointGroup::ReadUsers);
        let e = TenantPlan::Essentials;
        assert_eq!(e.endpoint(EndpointGroup::Other).unwrap().per_minute, 150.0);
        assert_eq!(e.endpoint(EndpointGroup::ReadUsers).unwrap().burst, 40);
        assert!(e.global().is_none());
        assert_eq!(
            TenantPlan::Enterprise.global().unwrap().per_second_rate(),
            16.0
        );
        assert!(
            TenantPlan::Enterprise.shares_bucket(EndpointGroup::ReadUsers, EndpointGroup::Other)
        );
        assert!(!e.shares_bucket(EndpointGroup::ReadUsers, EndpointGroup::Other));
        assert!(e.shares_bucket(EndpointGroup::OrganizationInvitations, EndpointGroup::Other));
    }

    #[test]
    fn a_plan_is_recognised_by_the_bucket_sizes_it_reports() {
        use EndpointGroup::*;
        assert_eq!(
            TenantPlan::matching(&[(ReadUsers, 40), (Other, 10)]),
            Some(TenantPlan::Essentials)
        );
        assert_eq!(
            TenantPlan::matching(&[(ReadUsers, 50), (Other, 50)]),
            Some(TenantPlan::Enterprise)
        );
        assert_eq!(TenantPlan::matching(&[(Other, 2)]), Some(TenantPlan::Free));
        assert_eq!(TenantPlan::matching(&[(ReadUsers, 7)]), None);
        assert_eq!(TenantPlan::matching(&[]), None);
        assert_eq!(BucketLimit::per_second(50, 16.0).floor_secs(2050), 125.0);
    }
}
