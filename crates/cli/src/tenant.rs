//! Which tenant a command talks to, and with which credentials: flags, then Auth0's own environment
//! variables (`AUTH0_DOMAIN`, `AUTH0_CLIENT_ID`, `AUTH0_CLIENT_SECRET`), then a saved profile whose
//! secrets are in the OS keychain. Secrets are never taken from the command line.

use std::sync::Arc;

use clap::Args;
use invite_desk_auth0::{Credentials, ManagementClient, SecretString, TenantUrl};
use invite_desk_engine::paths::AppPaths;
use invite_desk_engine::profiles::{Profile, ProfileStore};
use invite_desk_engine::run::RunTarget;
use invite_desk_engine::secrets::{self, SecretKind};
use invite_desk_engine::{AppError, ErrorCode};

#[derive(Args, Debug, Clone, Default)]
pub struct TenantArgs {
    /// A saved profile (`invite-desk profile set`): its tenant, client id and defaults; its secrets
    /// come from the OS keychain.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Tenant domain (acme.eu.auth0.com); a loopback http:// URL for the sandbox.
    #[arg(long, env = "AUTH0_DOMAIN", value_name = "DOMAIN")]
    pub domain: Option<String>,
    /// The machine-to-machine application's client id.
    #[arg(long, env = "AUTH0_CLIENT_ID", value_name = "ID")]
    pub client_id: Option<String>,
}

pub fn env_secret(name: &str) -> Option<SecretString> {
    std::env::var(name)
        .ok()
        .filter(|v| !v.is_empty())
        .map(SecretString::from)
}

impl TenantArgs {
    /// The profile (if named) and the target the flags and environment describe.
    pub fn resolve(&self, paths: &AppPaths) -> Result<(RunTarget, Option<Profile>), AppError> {
        let profile = match &self.profile {
            Some(name) => Some(ProfileStore::in_data_dir(&paths.data_dir).get(name)?),
            None => None,
        };
        let domain = self
            .domain
            .clone()
            .or_else(|| profile.as_ref().map(|p| p.domain.clone()))
            .ok_or_else(|| {
                AppError::invalid_input(
                    "which tenant? give --profile NAME, or --domain and --client-id (or AUTH0_DOMAIN and AUTH0_CLIENT_ID)",
                )
            })?;
        let client_id = self
            .client_id
            .clone()
            .or_else(|| profile.as_ref().map(|p| p.client_id.clone()))
            .ok_or_else(|| {
                AppError::invalid_input("give the client id: --client-id or AUTH0_CLIENT_ID")
            })?;
        Ok((
            RunTarget {
                domain,
                client_id,
                profile: profile.as_ref().map(|p| p.name.clone()),
            },
            profile,
        ))
    }

    /// Whether any tenant was named at all (look-ups may go without one).
    pub fn given(&self) -> bool {
        self.profile.is_some() || self.domain.is_some()
    }
}

/// A secret from its environment variable, else the profile's keychain entry.
pub fn secret(
    env: &str,
    profile: Option<&str>,
    kind: SecretKind,
) -> Result<Option<SecretString>, AppError> {
    if let Some(value) = env_secret(env) {
        return Ok(Some(value));
    }
    match profile {
        Some(profile) => secrets::load(profile, kind),
        None => Ok(None),
    }
}

pub fn client(target: &RunTarget) -> Result<Arc<ManagementClient>, AppError> {
    let tenant = TenantUrl::parse(&target.domain)?;
    let client_secret = secret(
        "AUTH0_CLIENT_SECRET",
        target.profile.as_deref(),
        SecretKind::ClientSecret,
    )?
    .ok_or_else(|| {
        AppError::new(
            ErrorCode::Auth,
            match &target.profile {
                Some(p) => format!(
                    "no client secret: set AUTH0_CLIENT_SECRET, or save it with `invite-desk secret set client-secret --profile {p}`"
                ),
                None => "no client secret: set AUTH0_CLIENT_SECRET (or use a saved --profile)".into(),
            },
        )
    })?;
    Ok(Arc::new(ManagementClient::new(
        tenant,
        Credentials {
            client_id: target.client_id.clone(),
            client_secret,
        },
        invite_desk_engine::run::batch_client_options(),
    )?))
}
