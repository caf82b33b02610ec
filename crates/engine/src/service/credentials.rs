//! Where the service gets the secrets of a tenant, a mail server and a signing key. The desktop app
//! and the command line differ here and in how they show progress, nowhere else: the app reads only
//! a saved profile's keychain entries, the CLI reads the environment first (Auth0's own variable
//! names, so existing scripts work) and then the named profile's keychain entries.
//!
//! A built-in tenant (the app's Sandbox) is the other thing an adapter may bring: the engine knows it
//! only through `BuiltinTenant`, so it never depends on the simulated tenant's crate.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use secrecy::SecretString;

use super::SecretStore;
use crate::profiles::Profile;
use crate::secrets::SecretKind;
use crate::{AppError, ErrorCode};

/// A secret as a credential source hands it over.
pub enum Credential {
    /// Given for this call by whoever started it (an environment variable): used as given.
    Given(SecretString),
    /// A profile's keychain value, kept with what it is for (`secrets::seal`): the service gives it
    /// out only for that purpose.
    Stored(SecretString),
}

/// The secrets a run, a check or a send-test needs, for the profile it runs under (`None`: no saved
/// profile, credentials only from the adapter's own source).
pub trait CredentialSource: Send + Sync {
    fn secret(
        &self,
        profile: Option<&str>,
        kind: SecretKind,
    ) -> Result<Option<Credential>, AppError>;

    /// The error for a secret that is needed and absent, naming where this adapter would take it from.
    fn missing(&self, profile: Option<&str>, kind: SecretKind) -> AppError;
}

pub(super) fn what(kind: SecretKind) -> &'static str {
    match kind {
        SecretKind::ClientSecret => "client secret",
        SecretKind::SmtpPassword => "SMTP password",
        SecretKind::SigningKey => "signing key",
    }
}

/// Missing client secrets are a tenant refusal (`auth`); the others are the keychain's.
fn missing_code(kind: SecretKind) -> ErrorCode {
    match kind {
        SecretKind::ClientSecret => ErrorCode::Auth,
        SecretKind::SmtpPassword | SecretKind::SigningKey => ErrorCode::Keychain,
    }
}

/// The desktop app: a saved profile's keychain entries and nothing else.
pub struct SavedProfiles {
    store: Arc<dyn SecretStore>,
}

impl SavedProfiles {
    pub fn new(store: Arc<dyn SecretStore>) -> Self {
        SavedProfiles { store }
    }
}

impl CredentialSource for SavedProfiles {
    fn secret(
        &self,
        profile: Option<&str>,
        kind: SecretKind,
    ) -> Result<Option<Credential>, AppError> {
        match profile {
            Some(name) => Ok(self.store.load(name, kind)?.map(Credential::Stored)),
            None => Ok(None),
        }
    }

    fn missing(&self, profile: Option<&str>, kind: SecretKind) -> AppError {
        let message = match profile {
            Some(name) => format!(
                "no {} is stored for the profile \"{name}\": add it on the Tenants screen",
                what(kind)
            ),
            None => "this batch was run with credentials from the environment (the CLI): continue it with `invite-desk resume`".to_owned(),
        };
        AppError::new(missing_code(kind), message)
    }
}

/// The command line: the environment variable first, else the named profile's keychain entry.
/// Secrets are never taken from flags (they would sit in shell history and `ps`).
pub struct EnvironmentThenProfiles {
    store: Arc<dyn SecretStore>,
}

impl EnvironmentThenProfiles {
    pub fn new(store: Arc<dyn SecretStore>) -> Self {
        EnvironmentThenProfiles { store }
    }

    /// The variable each secret is read from.
    pub fn variable(kind: SecretKind) -> &'static str {
        match kind {
            SecretKind::ClientSecret => "AUTH0_CLIENT_SECRET",
            SecretKind::SmtpPassword => "SMTP_PASSWORD",
            SecretKind::SigningKey => "INVITE_DESK_SIGNING_KEY",
        }
    }
}

impl CredentialSource for EnvironmentThenProfiles {
    fn secret(
        &self,
        profile: Option<&str>,
        kind: SecretKind,
    ) -> Result<Option<Credential>, AppError> {
        if let Some(value) = std::env::var(Self::variable(kind))
            .ok()
            .filter(|v| !v.is_empty())
        {
            return Ok(Some(Credential::Given(SecretString::from(value))));
        }
        match profile {
            Some(name) => Ok(self.store.load(name, kind)?.map(Credential::Stored)),
            None => Ok(None),
        }
    }

    fn missing(&self, profile: Option<&str>, kind: SecretKind) -> AppError {
        let variable = Self::variable(kind);
        let message = match profile {
            Some(name) => format!(
                "no {}: set {variable}, or save it with `invite-desk secret set {} --profile {name}`",
                what(kind),
                kind.as_str()
            ),
            None => format!(
                "no {}: set {variable} (or use a saved --profile)",
                what(kind)
            ),
        };
        AppError::new(missing_code(kind), message)
    }
}

/// The future a built-in tenant answers with: its base URL and client secret once it is running.
pub type Reached<'a> =
    Pin<Box<dyn Future<Output = Result<(String, SecretString), AppError>> + Send + 'a>>;

/// The future a built-in tenant answers a change of plan with.
pub type Chosen<'a> = Pin<Box<dyn Future<Output = Result<(), AppError>> + Send + 'a>>;

/// A tenant that comes with the adapter (the app's in-process Sandbox): listed first as a profile,
/// started on first use, never stored.
pub trait BuiltinTenant: Send + Sync {
    /// The profile as listed: its name, connection and sender (its domain only describes it).
    fn profile(&self) -> Profile;
    /// Starts the tenant if it is not running.
    fn reach(&self) -> Reached<'_>;
    /// The Auth0 plans whose rate limits the tenant can behave as, and the one it does now; `None`
    /// when it has no choice.
    fn plan_choice(&self) -> Option<PlanChoice> {
        None
    }
    /// Behaves as `plan` from now on (a running tenant restarts empty).
    fn choose_plan(&self, plan: &str) -> Chosen<'_> {
        let refusal =
            AppError::invalid_input(format!("this tenant has no plans to choose from ({plan})"));
        Box::pin(async move { Err(refusal) })
    }
    /// Stops it as the app exits, keeping what it holds (a process exit runs no destructor).
    fn stop(&self) {}
}

/// The rate-limit plans a built-in tenant offers.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct PlanChoice {
    pub current: String,
    /// Each plan's name (as `choose_plan` takes it) and label.
    pub options: Vec<PlanOption>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct PlanOption {
    pub name: String,
    pub label: String,
}
