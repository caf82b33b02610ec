//! Talking to a profile's tenant: the client (secret from the keychain, or the in-process sandbox),
//! the Tenants screen's *Test connection*, the Review step's plan.

use std::sync::Arc;
use std::time::Duration;

use invite_desk_auth0::{ClientOptions, Credentials, ManagementClient, TenantUrl};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Desk, SANDBOX_PROFILE};
use crate::batch::{self, BatchFile, Plan, RateAssumption};
use crate::run::RunTarget;
use crate::secrets::SecretKind;
use crate::{AppError, ErrorCode};

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

/// *Test connection*: what the client may do, where users can go, the rate limit seen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TenantReport {
    pub profile: String,
    /// The tenant as reached (host name, or the sandbox's loopback URL).
    pub tenant: String,
    /// Scopes the access token grants (`null` when the token does not say).
    pub granted: Option<Vec<String>>,
    pub needed: Vec<String>,
    pub missing: Vec<String>,
    pub connections: Vec<ConnectionSummary>,
    pub roles: Vec<NamedItem>,
    pub organizations: Vec<NamedItem>,
    /// Sections that could not be read (a missing scope, say): `[section, message]`.
    pub warnings: Vec<(String, String)>,
    pub rate_limit: Option<u64>,
    pub rate_remaining: Option<i64>,
}

/// How long an interactive call (a screen waiting) retries before saying why it failed.
fn interactive_options() -> ClientOptions {
    ClientOptions {
        max_retries: 2,
        max_backoff: Duration::from_secs(4),
        ..ClientOptions::default()
    }
}

impl Desk {
    /// Where a profile's batches run (journaled with them; no secret in it).
    pub(super) async fn target(&self, profile: &str) -> Result<RunTarget, AppError> {
        let saved = self.profile(profile)?;
        let domain = if profile == SANDBOX_PROFILE {
            self.sandbox_url().await?.0
        } else {
            saved.domain
        };
        Ok(RunTarget {
            domain,
            client_id: saved.client_id,
            profile: Some(profile.to_owned()),
        })
    }

    /// A Management API client for a target. The Sandbox profile's target is re-resolved (its port
    /// changes each time the app starts).
    pub(super) async fn client(
        &self,
        target: &RunTarget,
        options: ClientOptions,
    ) -> Result<(RunTarget, Arc<ManagementClient>), AppError> {
        let (target, secret) = match target.profile.as_deref() {
            Some(SANDBOX_PROFILE) => {
                let (url, secret) = self.sandbox_url().await?;
                (
                    RunTarget {
                        domain: url,
                        ..target.clone()
                    },
                    secret.into(),
                )
            }
            Some(name) => {
                let secret = self
                    .secrets
                    .load(name, SecretKind::ClientSecret)?
                    .ok_or_else(|| {
                        AppError::new(
                            ErrorCode::Auth,
                            format!(
                                "no client secret is stored for the profile \"{name}\": add it on the Tenants screen"
                            ),
                        )
                    })?;
                (target.clone(), secret)
            }
            None => {
                return Err(AppError::new(
                    ErrorCode::Auth,
                    "this batch was run with credentials from the environment (the CLI): continue it with `invite-desk resume`",
                ));
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

    /// A client for a screen that waits on the answer (few retries).
    pub(super) async fn profile_client(
        &self,
        profile: &str,
    ) -> Result<(RunTarget, Arc<ManagementClient>), AppError> {
        let target = self.target(profile).await?;
        self.client(&target, interactive_options()).await
    }

    /// *Test connection*.
    pub async fn check_tenant(&self, profile: &str) -> Result<TenantReport, AppError> {
        let saved = self.profile(profile)?;
        let (target, client) = self.profile_client(profile).await?;
        let granted = client.granted_scopes().await?;
        let needed: Vec<String> = invite_desk_auth0::scopes::INVITE_DESK_SCOPES
            .iter()
            .map(|s| (*s).to_owned())
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
                        .map(|ids| ids.contains(&saved.client_id)),
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
        Ok(TenantReport {
            profile: profile.to_owned(),
            tenant: target.domain,
            granted,
            needed,
            missing,
            connections,
            roles,
            organizations,
            warnings,
            rate_limit: rate.limit,
            rate_remaining: rate.remaining,
        })
    }

    /// The dry run: what will happen to each person. With a profile, everyone is looked up
    /// (read-only) to say who already has an account, and the estimate uses the tenant's limit.
    pub async fn plan(&self, profile: Option<&str>, batch: &BatchFile) -> Result<Plan, AppError> {
        batch.validate()?;
        let Some(profile) = profile else {
            return Ok(batch::plan(batch, None, RateAssumption::default()));
        };
        let (_, client) = self.profile_client(profile).await?;
        batch::plan_against(&client, batch).await
    }
}
