//! The service layer: one function per thing a person does with Invite Desk (check a tenant,
//! preview, send a test, plan, run / resume / retry / cancel / pause, history, results, look up,
//! resend, copy a new link, export), called by both adapters: the desktop app's Tauri commands and
//! the `invite-desk` command line. Each adapter deserializes, calls one of these and shows the
//! answer; they differ only in where secrets come from (`CredentialSource`), whether a built-in
//! tenant comes along (`BuiltinTenant`, the app's Sandbox) and how progress is shown.
//!
//! Secrets come in (a profile's client secret, SMTP password, signing key go straight to the OS
//! keychain) and never go back out: views say which secrets are stored, nothing more.

mod credentials;
mod destinations;
mod drafts;
mod followup;
mod preview_pages;
mod runs;
mod settings;
mod templates;
mod tenant;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use credentials::{
    BuiltinTenant, Chosen, Credential, CredentialSource, EnvironmentThenProfiles, PlanChoice,
    PlanOption, Reached, SavedProfiles,
};
pub use destinations::{Destination, DestinationKind, Destinations};
pub use drafts::batch_from_file;
pub use drafts::{Draft, DraftSummary, DroppedList, PreviewMessage, TypedFields, list_from_bytes};
pub use followup::{DueBatch, Selection, chosen, wave_batch};
pub use preview_pages::{PREVIEW_PAGE_POLICY, PREVIEW_SCHEME};
pub use runs::{Delivered, LinkCopy, RetryChoice, RunAction, RunRequest, RunSummary};
pub use settings::{DeliveryDefault, Folder, Settings};
pub use templates::{SavedTemplate, read_template_file, saved_template_in};
pub use tenant::{
    ConnectionSummary, NamedItem, OPTIONAL_SCOPES, OptionalScope, REQUIRED_SCOPES, Readiness,
    TenantReport,
};

use crate::journal::Journal;
use crate::paths::AppPaths;
use crate::profiles::{Profile, ProfileStore};
use crate::run::RunControl;
use crate::secrets::{self, Purpose, SecretKind};
use crate::{AppError, ErrorCode};

/// A profile as the Tenants screen shows it: which secrets are stored, never their values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ProfileView {
    pub profile: Profile,
    /// The built-in Sandbox profile (not editable, no keychain entries).
    pub builtin: bool,
    pub stored: Vec<SecretKind>,
    /// The built-in tenant's rate-limit plans, when it offers a choice.
    pub plan: Option<PlanChoice>,
}

/// Secrets typed into the Tenants screen. Absent or empty fields leave the stored value alone.
#[derive(Default, Deserialize, TS)]
pub struct NewSecrets {
    #[ts(optional, type = "string")]
    pub client_secret: Option<SecretString>,
    #[ts(optional, type = "string")]
    pub smtp_password: Option<SecretString>,
    #[ts(optional, type = "string")]
    pub signing_key: Option<SecretString>,
}

impl std::fmt::Debug for NewSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewSecrets { .. }")
    }
}

/// Where secrets are kept. The keychain in the app; tests of the screens' logic may use memory.
pub trait SecretStore: Send + Sync {
    fn save(&self, profile: &str, kind: SecretKind, value: &SecretString) -> Result<(), AppError>;
    fn load(&self, profile: &str, kind: SecretKind) -> Result<Option<SecretString>, AppError>;
    fn delete(&self, profile: &str, kind: SecretKind) -> Result<(), AppError>;
}

/// The OS keychain (`crate::secrets`).
pub struct Keychain;

impl SecretStore for Keychain {
    fn save(&self, profile: &str, kind: SecretKind, value: &SecretString) -> Result<(), AppError> {
        secrets::save(profile, kind, value)
    }
    fn load(&self, profile: &str, kind: SecretKind) -> Result<Option<SecretString>, AppError> {
        secrets::load(profile, kind)
    }
    fn delete(&self, profile: &str, kind: SecretKind) -> Result<(), AppError> {
        secrets::delete(profile, kind)
    }
}

pub struct Service {
    paths: AppPaths,
    profiles: ProfileStore,
    /// Where saved profiles' secrets are kept (the Tenants screen, `invite-desk secret`).
    secrets: Arc<dyn SecretStore>,
    /// Where runs, checks and send-tests take their secrets from.
    credentials: Arc<dyn CredentialSource>,
    builtin: Option<Arc<dyn BuiltinTenant>>,
    journal: Arc<parking_lot::Mutex<Journal>>,
    /// The batch running now and its control (one at a time: they would share the rate limit).
    active: parking_lot::Mutex<Option<(String, RunControl)>>,
    preview_pages: preview_pages::PreviewPages,
}

/// Why a kept secret is not given out for this use.
fn wrong_purpose(
    profile: &str,
    kind: SecretKind,
    wanted: &Purpose,
    kept_for: Option<&Purpose>,
) -> AppError {
    let kept = kept_for.map_or_else(
        || "nothing this profile names".to_owned(),
        Purpose::describe,
    );
    let message = match kind {
        SecretKind::SmtpPassword => format!(
            "mail would go through {}, but the SMTP password saved with profile \"{profile}\" is for {kept}: choose the profile's server, or save a password for this one",
            wanted.describe()
        ),
        _ => format!(
            "the {} saved with profile \"{profile}\" is for {kept}, not {}: save it again for this use (nothing was sent)",
            credentials::what(kind),
            wanted.describe()
        ),
    };
    AppError::invalid_input(message)
}

impl Service {
    /// Opens the data folder (creating it) and the journal in it. Runs take their secrets from the
    /// saved profiles in `secrets` (the app's way) unless `with_credentials` says otherwise.
    pub fn open(paths: AppPaths, secrets: Arc<dyn SecretStore>) -> Result<Service, AppError> {
        paths.ensure()?;
        let journal = Journal::open(&paths.journal_file())?;
        runs::remove_leftover_links(&paths.data_dir);
        Ok(Service {
            profiles: ProfileStore::in_data_dir(&paths.data_dir),
            paths,
            credentials: Arc::new(SavedProfiles::new(secrets.clone())),
            secrets,
            builtin: None,
            journal: Arc::new(parking_lot::Mutex::new(journal)),
            active: parking_lot::Mutex::new(None),
            preview_pages: preview_pages::PreviewPages::default(),
        })
    }

    /// Where runs take their secrets from (the CLI: the environment, then the keychain).
    pub fn with_credentials(mut self, credentials: Arc<dyn CredentialSource>) -> Service {
        self.credentials = credentials;
        self
    }

    /// A tenant the adapter brings along (the app's Sandbox), listed before the saved profiles.
    pub fn with_builtin(mut self, builtin: Arc<dyn BuiltinTenant>) -> Service {
        self.builtin = Some(builtin);
        self
    }

    /// Stops the built-in tenant, keeping its last changes: for the app's exit.
    pub fn stop_builtin(&self) {
        if let Some(builtin) = &self.builtin {
            builtin.stop();
        }
    }

    pub fn paths(&self) -> &AppPaths {
        &self.paths
    }

    /// The built-in tenant, if `name` is its profile's.
    fn builtin_named(&self, name: &str) -> Option<&Arc<dyn BuiltinTenant>> {
        self.builtin
            .as_ref()
            .filter(|b| b.profile().name.eq_ignore_ascii_case(name))
    }

    /// The name new drafts start on when nothing else is chosen.
    fn first_profile_name(&self) -> Result<String, AppError> {
        if let Some(builtin) = &self.builtin {
            return Ok(builtin.profile().name);
        }
        self.profiles
            .list()?
            .into_iter()
            .next()
            .map(|p| p.name)
            .ok_or_else(|| {
                AppError::new(
                    ErrorCode::NotFound,
                    "there is no tenant profile yet: add one",
                )
            })
    }

    fn stored(&self, name: &str) -> Result<Vec<SecretKind>, AppError> {
        let mut stored = Vec::new();
        for &kind in SecretKind::ALL {
            if self.secrets.load(name, kind)?.is_some() {
                stored.push(kind);
            }
        }
        Ok(stored)
    }

    /// The built-in tenant first (the app's Sandbox), then the saved profiles by name.
    pub fn profiles(&self) -> Result<Vec<ProfileView>, AppError> {
        let mut views: Vec<ProfileView> = self
            .builtin
            .iter()
            .map(|b| ProfileView {
                profile: b.profile(),
                builtin: true,
                stored: vec![SecretKind::ClientSecret],
                plan: b.plan_choice(),
            })
            .collect();
        for profile in self.profiles.list()? {
            views.push(ProfileView {
                stored: self.stored(&profile.name)?,
                profile,
                builtin: false,
                plan: None,
            });
        }
        Ok(views)
    }

    /// Makes the built-in tenant behave as another Auth0 plan (its users start over).
    pub async fn choose_builtin_plan(
        &self,
        name: &str,
        plan: &str,
    ) -> Result<ProfileView, AppError> {
        let builtin = self.builtin_named(name).ok_or_else(|| {
            AppError::invalid_input(format!(
                "\"{name}\" is not the built-in profile: it has no plans"
            ))
        })?;
        // A run against it would lose its tenant halfway (the new one starts empty).
        if let Some(running) = self.active_run() {
            return Err(AppError::invalid_input(format!(
                "batch {running} is running: wait for it, or cancel it, before the Sandbox changes plan"
            )));
        }
        builtin.choose_plan(plan).await?;
        Ok(ProfileView {
            profile: builtin.profile(),
            builtin: true,
            stored: vec![SecretKind::ClientSecret],
            plan: builtin.plan_choice(),
        })
    }

    pub fn profile(&self, name: &str) -> Result<Profile, AppError> {
        if let Some(builtin) = self.builtin_named(name) {
            return Ok(builtin.profile());
        }
        self.profiles.get(name)
    }

    /// Saves a profile and the secrets given with it (into the keychain first: a profile whose
    /// secret could not be stored is not saved half-way). Each secret is kept with what it is for;
    /// a secret whose purpose the change moves (another domain or client id; another SMTP server,
    /// port or user) is forgotten unless a new one comes with the change.
    pub fn save_profile(
        &self,
        profile: Profile,
        secrets: NewSecrets,
    ) -> Result<ProfileView, AppError> {
        let profile = self.store_profile(profile, secrets, true)?.0;
        Ok(ProfileView {
            stored: self.stored(&profile.name)?,
            profile,
            builtin: false,
            plan: None,
        })
    }

    /// A profile's settings without secrets (the CLI's `profile set`; secrets come with
    /// `secret set`), and the kinds of secret forgotten because the profile now points elsewhere.
    /// Needs no keychain unless there is something to forget.
    pub fn set_profile(&self, profile: Profile) -> Result<Vec<SecretKind>, AppError> {
        Ok(self.store_profile(profile, NewSecrets::default(), false)?.1)
    }

    fn store_profile(
        &self,
        profile: Profile,
        secrets: NewSecrets,
        new_needs_client_secret: bool,
    ) -> Result<(Profile, Vec<SecretKind>), AppError> {
        use secrecy::ExposeSecret;
        if let Some(builtin) = self.builtin_named(profile.name.trim()) {
            return Err(AppError::invalid_input(format!(
                "\"{}\" is the built-in profile's name: choose another",
                builtin.profile().name
            )));
        }
        let trimmed = |s: Option<String>| s.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let profile = Profile {
            name: profile.name.trim().to_owned(),
            domain: profile.domain.trim().to_owned(),
            client_id: profile.client_id.trim().to_owned(),
            connection: trimmed(profile.connection),
            smtp_url: trimmed(profile.smtp_url),
            from: trimmed(profile.from),
            production: profile.production,
            smtp_connections: profile.smtp_connections,
        };
        // Checked before anything is stored, so a bad profile leaves no keychain entry behind.
        if let Some(n) = profile.smtp_connections
            && !(1..=crate::run::deliver::MAX_SMTP_CONNECTIONS).contains(&n)
        {
            return Err(AppError::invalid_input(format!(
                "{n} SMTP connections: a profile allows 1 to {} at once",
                crate::run::deliver::MAX_SMTP_CONNECTIONS
            )));
        }
        invite_desk_auth0::TenantUrl::parse(&profile.domain)?;
        if let Some(from) = &profile.from {
            invite_desk_mail::Mailbox::parse(from)?;
        }
        let given: Vec<(SecretKind, &SecretString)> = [
            (SecretKind::ClientSecret, &secrets.client_secret),
            (SecretKind::SmtpPassword, &secrets.smtp_password),
            (SecretKind::SigningKey, &secrets.signing_key),
        ]
        .into_iter()
        .filter_map(|(kind, value)| {
            value
                .as_ref()
                .filter(|v| !v.expose_secret().is_empty())
                .map(|v| (kind, v))
        })
        .collect();
        let mut sealed = Vec::new();
        for &(kind, value) in &given {
            crate::secrets::check(kind, value)?;
            let purpose = Purpose::of_profile(kind, &profile)?.ok_or_else(|| {
                AppError::invalid_input(
                    "an SMTP password is kept for one mail server: give the profile's SMTP URL with it",
                )
            })?;
            sealed.push((kind, crate::secrets::seal(&purpose, value)?));
        }
        let previous = self.profiles.get(&profile.name).ok();
        if previous.is_none()
            && new_needs_client_secret
            && !given.iter().any(|(k, _)| *k == SecretKind::ClientSecret)
        {
            return Err(AppError::invalid_input(
                "a new profile needs the client secret of its machine-to-machine application",
            ));
        }
        for (kind, value) in &sealed {
            self.secrets.save(&profile.name, *kind, value)?;
        }
        let mut forgotten = Vec::new();
        if let Some(previous) = &previous {
            for kind in [SecretKind::ClientSecret, SecretKind::SmtpPassword] {
                let moved = Purpose::of_profile(kind, previous).ok().flatten()
                    != Purpose::of_profile(kind, &profile)?;
                if moved && !given.iter().any(|(k, _)| *k == kind) {
                    // Kept with its old purpose, the secret would be refused for the new one
                    // anyway; forgetting it says so plainly.
                    let forget =
                        self.secrets
                            .load(&profile.name, kind)
                            .and_then(|kept| match kept {
                                Some(_) => self.secrets.delete(&profile.name, kind).map(|()| true),
                                None => Ok(false),
                            });
                    match forget {
                        Ok(true) => {
                            tracing::info!(profile = %profile.name, kind = kind.as_str(), "secret forgotten: the profile now points elsewhere");
                            forgotten.push(kind);
                        }
                        Ok(false) => {}
                        Err(e) => {
                            // Unforgotten, a secret kept before purposes existed would count as
                            // kept for the new settings: the change waits for the keychain.
                            return Err(AppError::new(
                                e.code,
                                format!(
                                    "the profile was not changed: the {} kept for what it named before could not be forgotten ({}); unlock the keychain and save again",
                                    credentials::what(kind),
                                    e.message
                                ),
                            ));
                        }
                    }
                }
            }
        }
        self.profiles.save(&profile)?;
        tracing::info!(profile = %profile.name, "profile saved");
        Ok((profile, forgotten))
    }

    /// Keeps one secret of a saved profile, for what the profile uses it for (the CLI's
    /// `secret set`).
    pub fn save_secret(
        &self,
        name: &str,
        kind: SecretKind,
        value: &SecretString,
    ) -> Result<(), AppError> {
        crate::secrets::check(kind, value)?;
        let purpose = match kind {
            SecretKind::SigningKey => Purpose::InvitationTokens,
            _ => {
                let profile = self.profiles.get(name).map_err(|_| {
                    AppError::new(
                        ErrorCode::NotFound,
                        format!(
                            "there is no profile \"{name}\": a {} is kept for what its profile uses it for, so save the profile first (`invite-desk profile set {name} …`)",
                            credentials::what(kind)
                        ),
                    )
                })?;
                Purpose::of_profile(kind, &profile)?.ok_or_else(|| {
                    AppError::invalid_input(format!(
                        "profile \"{name}\" has no SMTP server: an SMTP password is kept for one, so set --smtp-url on the profile first"
                    ))
                })?
            }
        };
        self.secrets
            .save(name, kind, &crate::secrets::seal(&purpose, value)?)
    }

    /// Makes a new signing key for a profile's invitation tokens (48 characters from a CSPRNG,
    /// about 285 bits), keeps it in the keychain, and gives it back once: the customer's application
    /// needs it to check the tokens. Replaces the profile's earlier key.
    pub fn generate_signing_key(&self, name: &str) -> Result<SecretString, AppError> {
        if self.builtin_named(name).is_some() {
            return Err(AppError::invalid_input(
                "the built-in profile signs no tokens: make a signing key for a profile of your own",
            ));
        }
        self.profiles.get(name)?;
        let key = SecretString::from(crate::ids::random_text(
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
            48,
        ));
        self.save_secret(name, SecretKind::SigningKey, &key)?;
        tracing::info!(profile = %name, "a new signing key was made and stored");
        Ok(key)
    }

    /// Forgets one stored secret of a profile.
    pub fn forget_secret(&self, name: &str, kind: SecretKind) -> Result<ProfileView, AppError> {
        let profile = self.profiles.get(name)?;
        self.secrets.delete(name, kind)?;
        Ok(ProfileView {
            stored: self.stored(name)?,
            profile,
            builtin: false,
            plan: None,
        })
    }

    /// Removes a profile and its keychain entries.
    pub fn delete_profile(&self, name: &str) -> Result<(), AppError> {
        if let Some(builtin) = self.builtin_named(name) {
            return Err(AppError::invalid_input(format!(
                "the built-in profile \"{}\" cannot be deleted",
                builtin.profile().name
            )));
        }
        for &kind in SecretKind::ALL {
            self.secrets.delete(name, kind)?;
        }
        if !self.profiles.delete(name)? {
            return Err(AppError::new(
                ErrorCode::NotFound,
                format!("there is no profile \"{name}\""),
            ));
        }
        Ok(())
    }

    /// A secret for a run under `profile`, from the adapter's credential source, for `purpose`
    /// only: a kept secret whose purpose is another (another mail server, another tenant) is
    /// refused, before anything is sent anywhere. A built-in tenant has no mail server or signing
    /// key of its own.
    fn secret(
        &self,
        profile: Option<&str>,
        kind: SecretKind,
        purpose: &Purpose,
    ) -> Result<Option<SecretString>, AppError> {
        match profile {
            Some(name) if self.builtin_named(name).is_some() => Ok(None),
            _ => match self.credentials.secret(profile, kind)? {
                None => Ok(None),
                Some(Credential::Given(value)) => Ok(Some(value)),
                Some(Credential::Stored(stored)) => {
                    let (kept_for, value) = crate::secrets::unseal(stored);
                    let name = profile.unwrap_or_default();
                    // Kept before secrets had purposes: it is for what the profile says now.
                    let kept_for = match kept_for {
                        Some(kept_for) => Some(kept_for),
                        None => Purpose::of_profile(kind, &self.profiles.get(name)?)?,
                    };
                    if kept_for.as_ref() == Some(purpose) {
                        Ok(Some(value))
                    } else {
                        Err(wrong_purpose(name, kind, purpose, kept_for.as_ref()))
                    }
                }
            },
        }
    }

    /// The SMTP password for `smtp_url` under `profile`: given for this call, or the profile's when
    /// it was kept for exactly that server and user.
    pub fn mail_server_password(
        &self,
        profile: Option<&str>,
        smtp_url: &str,
    ) -> Result<Option<SecretString>, AppError> {
        self.secret(
            profile,
            SecretKind::SmtpPassword,
            &Purpose::mail_server(smtp_url)?,
        )
    }

    /// A secret that must be there.
    fn required_secret(
        &self,
        profile: Option<&str>,
        kind: SecretKind,
        purpose: &Purpose,
    ) -> Result<SecretString, AppError> {
        self.secret(profile, kind, purpose)?
            .ok_or_else(|| self.credentials.missing(profile, kind))
    }

    fn lock_journal(&self) -> parking_lot::MutexGuard<'_, Journal> {
        crate::run::lock(&self.journal)
    }

    /// A file name in `dir` that does not exist yet: `stem.ext`, else `stem-2.ext`, …
    fn unused_path(dir: &Path, stem: &str, ext: &str) -> PathBuf {
        let mut candidate = dir.join(format!("{stem}.{ext}"));
        let mut n = 2;
        while candidate.exists() {
            candidate = dir.join(format!("{stem}-{n}.{ext}"));
            n += 1;
        }
        candidate
    }
}

#[cfg(test)]
pub(crate) mod testing {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex};

    use secrecy::{ExposeSecret, SecretString};

    use super::{BuiltinTenant, Reached, SecretStore};
    use crate::AppError;
    use crate::profiles::Profile;
    use crate::secrets::SecretKind;

    pub const SANDBOX: &str = "Sandbox";

    /// The simulated tenant as the app's shell brings it: a built-in profile started on first use.
    #[derive(Default, Clone)]
    pub struct InProcessSandbox(pub Arc<invite_desk_sandbox::OnDemand>);

    impl InProcessSandbox {
        pub fn with(config: invite_desk_sandbox::SandboxConfig) -> InProcessSandbox {
            InProcessSandbox(Arc::new(invite_desk_sandbox::OnDemand::new(config)))
        }
    }

    impl BuiltinTenant for InProcessSandbox {
        fn profile(&self) -> Profile {
            Profile {
                name: SANDBOX.into(),
                domain: "sandbox (a simulated tenant inside this test)".into(),
                client_id: self.0.config().client_id.clone(),
                connection: Some(invite_desk_sandbox::tenant::DATABASE_CONNECTION.into()),
                smtp_url: None,
                from: Some("Invite Desk Sandbox <invites@sandbox.invalid>".into()),
                production: false,
                smtp_connections: None,
            }
        }
        fn reach(&self) -> Reached<'_> {
            Box::pin(async move {
                let url = self
                    .0
                    .base_url()
                    .await
                    .map_err(|e| AppError::internal(e.to_string()))?;
                Ok((url, self.0.config().client_secret.clone().into()))
            })
        }
    }

    /// Secrets in memory, for tests of the logic around the keychain (the keychain itself is tested
    /// against a real Secret Service).
    #[derive(Default)]
    pub struct MemorySecrets(Mutex<HashMap<(String, SecretKind), String>>);

    impl SecretStore for MemorySecrets {
        fn save(&self, p: &str, k: SecretKind, v: &SecretString) -> Result<(), AppError> {
            self.0
                .lock()
                .unwrap()
                .insert((p.into(), k), v.expose_secret().to_owned());
            Ok(())
        }
        fn load(&self, p: &str, k: SecretKind) -> Result<Option<SecretString>, AppError> {
            Ok(self
                .0
                .lock()
                .unwrap()
                .get(&(p.into(), k))
                .map(|v| SecretString::from(v.clone())))
        }
        fn delete(&self, p: &str, k: SecretKind) -> Result<(), AppError> {
            self.0.lock().unwrap().remove(&(p.into(), k));
            Ok(())
        }
    }
}

#[cfg(test)]
mod followup_tests;
#[cfg(test)]
mod tests;
