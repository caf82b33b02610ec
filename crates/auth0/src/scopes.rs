//! Which Management API scopes each operation needs (any one of the listed ones), per the OpenAPI
//! description's `security` entries.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    CreateUser,
    ReadUser,
    UpdateUser,
    DeleteUser,
    FindUsers,
    CreateTicket,
    ImportUsers,
    ExportUsers,
    ReadJob,
    ReadRoles,
    AssignRoles,
    ReadUserRoles,
    ReadConnections,
    ReadOrganizations,
    InviteToOrganization,
    ReadLogs,
}

impl Operation {
    /// The scopes that allow the operation: any one of them is enough.
    pub fn scopes(self) -> &'static [&'static str] {
        match self {
            Operation::CreateUser | Operation::ImportUsers => &["create:users"],
            Operation::ExportUsers => &["read:users"],
            Operation::ReadUser | Operation::FindUsers | Operation::ReadUserRoles => {
                &["read:users"]
            }
            Operation::UpdateUser => &["update:users"],
            Operation::DeleteUser => &["delete:users"],
            Operation::CreateTicket => &["create:user_tickets"],
            Operation::ReadJob => &["create:users", "read:users"],
            Operation::ReadRoles => &["read:roles"],
            Operation::AssignRoles => &["create:role_members", "update:users"],
            Operation::ReadConnections => &["read:connections"],
            Operation::ReadOrganizations => &["read:organizations"],
            Operation::InviteToOrganization => &["create:organization_invitations"],
            Operation::ReadLogs => &["read:logs"],
        }
    }

    pub const ALL: [Operation; 16] = [
        Operation::CreateUser,
        Operation::ReadUser,
        Operation::UpdateUser,
        Operation::DeleteUser,
        Operation::FindUsers,
        Operation::CreateTicket,
        Operation::ImportUsers,
        Operation::ExportUsers,
        Operation::ReadJob,
        Operation::ReadRoles,
        Operation::AssignRoles,
        Operation::ReadUserRoles,
        Operation::ReadConnections,
        Operation::ReadOrganizations,
        Operation::InviteToOrganization,
        Operation::ReadLogs,
    ];
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// Every scope an invitation run may need, for "Test connection" and the sandbox's default grant.
pub const INVITE_DESK_SCOPES: &[&str] = &[
    "read:users",
    "create:users",
    "update:users",
    "delete:users",
    "create:user_tickets",
    "read:roles",
    "create:role_members",
    "read:connections",
    "read:organizations",
    "create:organization_invitations",
    // Follow-up reads the tenant's logs to see who used their link (it falls back to user reads
    // without this scope).
    "read:logs",
];
