//! Talking to a profile's tenant: the client (secret from the keychain, or the in-process sandbox),
//! the Tenants screen's *Test connection*, the Review step's plan.

use std::sync::Arc;
use std::time::Duration;

use invite_desk_auth0::{ClientOptions, Credentials, ManagementClient, TenantUrl};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Service;
use crate::AppError;
use crate::batch::{self, BatchFile, Plan, RateAssumption};
use crate::run::RunTarget;
use crate::secrets::SecretKind;

/// A database connection as *Test connection* shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ConnectionSummary {
    pub name: String,
    /// Invite-only: users cannot sign themselves up.
    pub signup_disabled: bool,
    /// Whether this profile's client is among the connection's enabled clients (`null`: not said).
    pub enabled_for_client: Option<bool>,
}

/// A role or an organization: what pickers show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct NamedItem {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
}

/// A scope that only some batches need, and whether the client has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct OptionalScope {
    pub scope: String,
    /// What a batch can do only with it ("grant roles", "organization invitations").
    pub needed_for: String,
    /// `null` when the token does not say.
    pub granted: Option<bool>,
}

/// Whether the tenant can take a batch: `invite-desk check` exits 0, 1 or 2 by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Readiness {
    Ready,
    /// Usable, but something deserves a look (an optional scope, sign-up left open).
    UsableWithWarnings,
    NotUsable,
}

/// Scopes every invitation run uses: look people up, create them, stamp metadata on existing
/// users, issue tickets, find the connection.
pub const REQUIRED_SCOPES: &[&str] = &[
    "read:users",
    "create:users",
    "update:users",
    "create:user_tickets",
    "read:connections",
];

/// Scopes only some batches use, with what for.
pub const OPTIONAL_SCOPES: &[(&str, &str)] = &[
    ("read:roles", "grant roles"),
    ("create:role_members", "grant roles"),
    ("read:organizations", "organization invitations"),
    (
        "create:organization_invitations",
        "organization invitations",
    ),
    (
        "read:logs",
        "follow-up (who used their link; user reads without it)",
    ),
];

/// *Test connection*: what the client may do, where users can go, the rate limit seen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TenantReport {
    /// The saved profile checked (`null`: a tenant given by domain and client id).
    pub profile: Option<String>,
    /// The tenant as reached (host name, or the sandbox's loopback URL).
    pub tenant: String,
    /// Scopes the access token grants (`null` when the token does not say).
    pub granted: Option<Vec<String>>,
    /// The scopes every run needs (`REQUIRED_SCOPES`).
    pub needed: Vec<String>,
    /// Needed scopes the client lacks.
    pub missing: Vec<String>,
    pub optional: Vec<OptionalScope>,
    pub connections: Vec<ConnectionSummary>,
    pub roles: Vec<NamedItem>,
    pub organizations: Vec<NamedItem>,
    /// Sections that could not be read (a missing scope, say): `[section, message]`.
    pub warnings: Vec<(String, String)>,
    /// The size of the rate-limit bucket the last answer drew from (requests allowed at once, not
    /// requests a second), and what was left in it.
    pub rate_limit: Option<u64>,
    pub rate_remaining: Option<i64>,
    /// The connection asked about (`--connection`, else the profile's), if any.
    pub connection: Option<String>,
    pub readiness: Readiness,
    /// Why it is not `ready`, one sentence each, with the fix.
    pub advice: Vec<String>,
}

/// How long an interactive call (a screen waiting) retries before saying why it failed.
fn interactive_options() -> ClientOptions {
    ClientOptions {
        max_retries: 2,
        max_backoff: Duration::from_secs(4),
        ..ClientOptions::default()
    }
}

impl Service {
    /// Where a saved (or built-in) profile's batches run: journaled with them, no secret in it. A
    /// built-in tenant's address changes each time it starts, so it is looked up again by `client`.
    pub fn profile_target(&self, profile: &str) -> Result<RunTarget, AppError> {
        let saved = self.profile(profile)?;
        Ok(RunTarget {
            domain: saved.domain,
            client_id: saved.client_id,
            profile: Some(saved.name),
        })
    }

    /// A Management API client for a target, with the secret from the adapter's credential source
    /// (or the built-in tenant, started if need be).
    pub(super) async fn client(
        &self,
        target: &RunTarget,
        options: ClientOptions,
    ) -> Result<(RunTarget, Arc<ManagementClient>), AppError> {
        let builtin = target
            .profile
            .as_deref()
            .and_then(|name| self.builtin_named(name));
        let (target, secret) = match builtin {
            Some(builtin) => {
                let (url, secret) = builtin.reach().await?;
                (
                    RunTarget {
                        domain: url,
                        ..target.clone()
                    },
                    secret,
                )
            }
            None => {
                let purpose = crate::secrets::Purpose::tenant(&target.domain, &target.client_id)?;
                let secret = self.required_secret(
                    target.profile.as_deref(),
                    SecretKind::ClientSecret,
                    &purpose,
                )?;
                (target.clone(), secret)
            }
        };
        let tenant = TenantUrl::parse(&target.domain)?;
        let client = ManagementClient::new(
            tenant,
            Credentials {
                client_id: target.client_id.clone(),
                client_secret: secret,
            },
            options,
        )?;
        Ok((target, Arc::new(client)))
    }

    /// A client for someone waiting on the answer (few retries).
    pub(super) async fn interactive_client(
        &self,
        target: &RunTarget,
    ) -> Result<(RunTarget, Arc<ManagementClient>), AppError> {
        self.client(target, interactive_options()).await
    }

    /// *Test connection* (the app) and `invite-desk check`: `connection` is the one batches will
    /// use (else the profile's).
    pub async fn check_tenant(
        &self,
        target: &RunTarget,
        connection: Option<&str>,
    ) -> Result<TenantReport, AppError> {
        let connection = match connection {
            Some(c) => Some(c.to_owned()),
            None => target
                .profile
                .as_deref()
                .and_then(|p| self.profile(p).ok())
                .and_then(|p| p.connection),
        };
        let (reached, client) = self.interactive_client(target).await?;
        let granted = client.granted_scopes().await?;
        let needed: Vec<String> = REQUIRED_SCOPES.iter().map(|s| (*s).to_owned()).collect();
        let optional: Vec<OptionalScope> = OPTIONAL_SCOPES
            .iter()
            .map(|(scope, needed_for)| OptionalScope {
                scope: (*scope).to_owned(),
                needed_for: (*needed_for).to_owned(),
                granted: granted.as_ref().map(|g| g.iter().any(|s| s == scope)),
            })
            .collect();
        let missing = match &granted {
            Some(granted) => needed
                .iter()
                .filter(|s| !granted.contains(s))
                .cloned()
                .collect(),
            None => Vec::new(),
        };
        let mut warnings = Vec::new();
        let connections = match client.list_connections(Some("auth0"), None).await {
            Ok(list) => list
                .into_iter()
                .map(|c| ConnectionSummary {
                    signup_disabled: c.signup_disabled(),
                    enabled_for_client: c
                        .enabled_clients
                        .as_ref()
                        .map(|ids| ids.contains(&target.client_id)),
                    name: c.name.unwrap_or(c.id),
                })
                .collect(),
            Err(e) => {
                warnings.push(("connections".to_owned(), AppError::from(e).message));
                Vec::new()
            }
        };
        let roles = match client.list_roles(None).await {
            Ok(list) => list
                .into_iter()
                .map(|r| NamedItem {
                    id: r.id,
                    name: r.name,
                    description: r.description,
                })
                .collect(),
            Err(e) => {
                warnings.push(("roles".to_owned(), AppError::from(e).message));
                Vec::new()
            }
        };
        let organizations = match client.list_organizations().await {
            Ok(list) => list
                .into_iter()
                .map(|o| NamedItem {
                    id: o.id,
                    description: o.display_name,
                    name: o.name,
                })
                .collect(),
            Err(e) => {
                warnings.push(("organizations".to_owned(), AppError::from(e).message));
                Vec::new()
            }
        };
        let rate = client.rate();
        let mut report = TenantReport {
            profile: target.profile.clone(),
            tenant: reached.domain,
            granted,
            needed,
            missing,
            optional,
            connections,
            roles,
            organizations,
            warnings,
            rate_limit: rate.limit,
            rate_remaining: rate.remaining,
            connection,
            readiness: Readiness::Ready,
            advice: Vec::new(),
        };
        judge(&mut report);
        Ok(report)
    }

    /// The dry run: what will happen to each person. With a profile, everyone is looked up
    /// (read-only) to say who already has an account, and the estimate uses the tenant's limit.
    pub async fn plan(
        &self,
        target: Option<&RunTarget>,
        batch: &BatchFile,
        options: &crate::run::RunOptions,
    ) -> Result<Plan, AppError> {
        batch.validate()?;
        let Some(target) = target else {
            return Ok(batch::plan(
                batch,
                None,
                RateAssumption {
                    options: options.clone(),
                    ..RateAssumption::default()
                },
            ));
        };
        let (_, client) = self.interactive_client(target).await?;
        batch::plan_against(&client, batch, options).await
    }
}

/// Sets `readiness` and `advice` from what the check saw.
fn judge(report: &mut TenantReport) {
    let mut blocking = Vec::new();
    let mut warnings = Vec::new();
    if !report.missing.is_empty() {
        blocking.push(format!(
            "the client lacks {}: authorize them in Dashboard > Applications > APIs > Auth0 Management API > Machine to Machine Applications",
            report.missing.join(", ")
        ));
    }
    let lacking: Vec<&OptionalScope> = report
        .optional
        .iter()
        .filter(|o| o.granted == Some(false))
        .collect();
    for o in &lacking {
        warnings.push(format!(
            "without {} batches cannot {}",
            o.scope, o.needed_for
        ));
    }
    for (section, message) in &report.warnings {
        warnings.push(format!("{section} could not be read: {message}"));
    }
    match &report.connection {
        None => warnings.push(
            "no connection chosen: give one (--connection NAME, or the profile's connection)"
                .to_owned(),
        ),
        Some(name) => match report.connections.iter().find(|c| &c.name == name) {
            None => blocking.push(format!(
                "the tenant has no database connection named \"{name}\": users can only be created in one"
            )),
            Some(c) => {
                if !c.signup_disabled {
                    warnings.push(format!(
                        "connection \"{name}\" lets anyone sign up: turn on \"Disable Sign Ups\" if only invited people may have accounts"
                    ));
                }
                if c.enabled_for_client == Some(false) {
                    warnings.push(format!(
                        "connection \"{name}\" is not enabled for this application"
                    ));
                }
            }
        },
    }
    report.readiness = if !blocking.is_empty() {
        Readiness::NotUsable
    } else if !warnings.is_empty() {
        Readiness::UsableWithWarnings
    } else {
        Readiness::Ready
    };
    blocking.extend(warnings);
    report.advice = blocking;
}
