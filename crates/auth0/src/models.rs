//! Request and response types, shaped after the recorded interactions and the OpenAPI description.
//! Responses keep fields we do not model in `other`, so nothing the tenant says is lost.

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

fn expose<S: Serializer>(secret: &Option<SecretString>, s: S) -> Result<S::Ok, S::Error> {
    match secret {
        Some(secret) => s.serialize_str(secret.expose_secret()),
        None => s.serialize_none(),
    }
}

/// `identities[]` of a user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Identity {
    pub connection: String,
    /// A string for database users; some providers use numbers, kept as JSON.
    pub user_id: Value,
    pub provider: String,
    #[serde(rename = "isSocial", default)]
    pub is_social: bool,
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// A user as the Management API returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub user_id: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub email_verified: Option<bool>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub given_name: Option<String>,
    #[serde(default)]
    pub family_name: Option<String>,
    #[serde(default)]
    pub nickname: Option<String>,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
    #[serde(default)]
    pub last_login: Option<String>,
    #[serde(default)]
    pub logins_count: Option<u64>,
    /// Set when a password-change ticket was used (database users); readable, not searchable.
    #[serde(default)]
    pub last_password_reset: Option<String>,
    #[serde(default)]
    pub blocked: Option<bool>,
    #[serde(default)]
    pub identities: Vec<Identity>,
    #[serde(default)]
    pub app_metadata: Option<Map<String, Value>>,
    #[serde(default)]
    pub user_metadata: Option<Map<String, Value>>,
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl User {
    /// Whether the user has an identity in the named connection.
    pub fn in_connection(&self, connection: &str) -> bool {
        self.identities.iter().any(|i| i.connection == connection)
    }
}

/// `POST /api/v2/users`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CreateUser {
    pub connection: String,
    pub email: String,
    #[serde(serialize_with = "expose", skip_serializing_if = "Option::is_none")]
    pub password: Option<SecretString>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_verified: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verify_email: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nickname: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blocked: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub picture: Option<String>,
    /// `^\+[0-9]{1,15}$`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_verified: Option<bool>,
    /// The id within the connection (without the `auth0|` prefix); Auth0 picks one when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_metadata: Option<Map<String, Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_metadata: Option<Map<String, Value>>,
}

/// `PATCH /api/v2/users/{id}`: only the fields set are sent; `Value::Null` unsets a field.
/// Metadata is merged by Auth0 at the first level.
pub type UserPatch = Map<String, Value>;

/// `GET /api/v2/users?q=…&include_totals=true`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UsersPage {
    #[serde(default)]
    pub start: u64,
    #[serde(default)]
    pub limit: u64,
    #[serde(default)]
    pub length: u64,
    #[serde(default)]
    pub total: Option<u64>,
    pub users: Vec<User>,
}

/// One tenant log event (`GET /logs`): `type` is Auth0's event code (`scp` password changed, `sv`
/// email verified, `si` organization invitation accepted, `s` signed in, …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogEvent {
    pub log_id: String,
    pub date: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub user_id: Option<String>,
    #[serde(default)]
    pub user_name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// `identity` of a ticket request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketIdentity {
    pub user_id: String,
    pub provider: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connection_id: Option<String>,
}

/// `POST /api/v2/tickets/password-change`. The API allows no other properties.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PasswordChangeTicket {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connection_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ttl_sec: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mark_email_as_verified: Option<bool>,
    #[serde(
        rename = "includeEmailInRedirect",
        skip_serializing_if = "Option::is_none"
    )]
    pub include_email_in_redirect: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity: Option<TicketIdentity>,
}

/// `POST /api/v2/tickets/email-verification`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EmailVerificationTicket {
    pub user_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ttl_sec: Option<u64>,
    #[serde(
        rename = "includeEmailInRedirect",
        skip_serializing_if = "Option::is_none"
    )]
    pub include_email_in_redirect: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity: Option<TicketIdentity>,
}

/// A ticket: `{"ticket": "https://…#"}`. The URL is a bearer secret: whoever has it can set the
/// password. It never reaches a log; it is shown or exported only where the user asks.
#[derive(Clone, Deserialize)]
pub struct TicketResponse {
    pub ticket: String,
}

impl std::fmt::Debug for TicketResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TicketResponse { ticket: <redacted> }")
    }
}

/// `POST /api/v2/jobs/users-exports`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ExportUsers {
    /// Without it, every connection's users.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connection_id: Option<String>,
    /// `json` (NDJSON) or `csv`.
    pub format: String,
    pub fields: Vec<ExportField>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportField {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub export_as: Option<String>,
}

/// `POST /api/v2/jobs/users-imports` form fields (the file is given separately).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportUsers {
    pub connection_id: String,
    pub upsert: bool,
    pub external_id: Option<String>,
    /// Auth0 emails every tenant owner when a job completes unless this is false.
    pub send_completion_email: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobSummary {
    #[serde(default)]
    pub failed: u64,
    #[serde(default)]
    pub updated: u64,
    #[serde(default)]
    pub inserted: u64,
    #[serde(default)]
    pub total: u64,
}

/// A job (`users_import`, `verification_email`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Job {
    pub id: String,
    #[serde(rename = "type")]
    pub job_type: String,
    pub status: String,
    #[serde(default)]
    pub connection_id: Option<String>,
    #[serde(default)]
    pub connection: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub external_id: Option<String>,
    #[serde(default)]
    pub percentage_done: Option<u64>,
    #[serde(default)]
    pub time_left_seconds: Option<u64>,
    #[serde(default)]
    pub summary: Option<JobSummary>,
    /// An export's file, once it is ready: a link valid for 60 s (ask the job again for another).
    #[serde(default)]
    pub location: Option<String>,
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl Job {
    pub fn is_finished(&self) -> bool {
        matches!(self.status.as_str(), "completed" | "failed")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobErrorDetail {
    pub code: String,
    pub message: String,
    #[serde(default)]
    pub path: Option<String>,
}

/// One entry of `GET /api/v2/jobs/{id}/errors`: the user as it was in the file, and why it failed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobError {
    pub user: Map<String, Value>,
    pub errors: Vec<JobErrorDetail>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Role {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RolesPage {
    pub roles: Vec<Role>,
    #[serde(default)]
    pub start: u64,
    #[serde(default)]
    pub limit: u64,
    #[serde(default)]
    pub total: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Connection {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub strategy: Option<String>,
    #[serde(default)]
    pub options: Option<Map<String, Value>>,
    #[serde(default)]
    pub enabled_clients: Option<Vec<String>>,
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl Connection {
    /// `options.disable_signup`: true for invite-only connections.
    pub fn signup_disabled(&self) -> bool {
        self.options
            .as_ref()
            .and_then(|o| o.get("disable_signup"))
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }

    /// A database connection (the only kind users can be created in and tickets issued for).
    pub fn is_database(&self) -> bool {
        self.strategy.as_deref() == Some("auth0")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectionsPage {
    pub connections: Vec<Connection>,
    #[serde(default)]
    pub start: u64,
    #[serde(default)]
    pub limit: u64,
    #[serde(default)]
    pub total: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Organization {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganizationsPage {
    pub organizations: Vec<Organization>,
    #[serde(default)]
    pub start: u64,
    #[serde(default)]
    pub limit: u64,
    #[serde(default)]
    pub total: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inviter {
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Invitee {
    pub email: String,
}

/// `POST /api/v2/organizations/{id}/invitations`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreateOrganizationInvitation {
    pub inviter: Inviter,
    pub invitee: Invitee,
    pub client_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connection_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_metadata: Option<Map<String, Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_metadata: Option<Map<String, Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ttl_sec: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub send_invitation_email: Option<bool>,
}

#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganizationInvitation {
    pub id: String,
    #[serde(default)]
    pub organization_id: Option<String>,
    pub inviter: Inviter,
    pub invitee: Invitee,
    /// Bearer secret, like a ticket URL.
    #[serde(default)]
    pub invitation_url: Option<String>,
    #[serde(default)]
    pub ticket_id: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub expires_at: Option<String>,
    #[serde(default)]
    pub client_id: Option<String>,
    #[serde(default)]
    pub connection_id: Option<String>,
    #[serde(default)]
    pub roles: Option<Vec<String>>,
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl std::fmt::Debug for OrganizationInvitation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OrganizationInvitation")
            .field("id", &self.id)
            .field("invitee", &self.invitee)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}
