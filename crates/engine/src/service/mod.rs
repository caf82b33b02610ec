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
mod drafts;
mod preview_pages;
mod runs;
mod settings;
mod tenant;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use credentials::{
    BuiltinTenant, CredentialSource, EnvironmentThenProfiles, Reached, SavedProfiles,
};
pub use drafts::{Draft, DraftSummary, DroppedList, PreviewMessage, list_from_bytes};
pub use preview_pages::{PREVIEW_PAGE_POLICY, PREVIEW_SCHEME};
pub use runs::{Delivered, LinkCopy, RetryChoice, RunAction, RunRequest, RunSummary};
pub use settings::{Folder, Settings};
pub use tenant::{
    ConnectionSummary, NamedItem, OPTIONAL_SCOPES, OptionalScope, REQUIRED_SCOPES, Readiness,
    TenantReport,
};

use crate::journal::Journal;
use crate::paths::AppPaths;
use crate::profiles::{Profile, ProfileStore};
use crate::run::RunControl;
use crate::secrets::{self, SecretKind};
use crate::{AppError, ErrorCode};

/// A profile as the Tenants screen shows it: which secrets are stored, never their values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ProfileView {
    pub profile: Profile,
    /// The built-in Sandbox profile (not editable, no keychain entries).
    pub builtin: bool,
    pub stored: Vec<SecretKind>,
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
            })
            .collect();
        for profile in self.profiles.list()? {
            views.push(ProfileView {
                stored: self.stored(&profile.name)?,
                profile,
                builtin: false,
            });
        }
        Ok(views)
    }

    pub fn profile(&self, name: &str) -> Result<Profile, AppError> {
        if let Some(builtin) = self.builtin_named(name) {
            return Ok(builtin.profile());
        }
        self.profiles.get(name)
    }

    /// Saves a profile and the secrets given with it (into the keychain first: a profile whose
    /// secret could not be stored is not saved half-way).
    pub fn save_profile(
        &self,
        profile: Profile,
        secrets: NewSecrets,
    ) -> Result<ProfileView, AppError> {
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
        };
        // Checked before anything is stored, so a bad profile leaves no keychain entry behind.
        invite_desk_auth0::TenantUrl::parse(&profile.domain)?;
        if let Some(from) = &profile.from {
            invite_desk_mail::Mailbox::parse(from)?;
        }
        for (kind, value) in [
            (SecretKind::ClientSecret, &secrets.client_secret),
            (SecretKind::SmtpPassword, &secrets.smtp_password),
            (SecretKind::SigningKey, &secrets.signing_key),
        ] {
            if let Some(value) = value.as_ref().filter(|v| !v.expose_secret().is_empty()) {
                crate::secrets::check(kind, value)?;
            }
        }
        let is_new = self.profiles.get(&profile.name).is_err();
        if is_new && secrets.client_secret.is_none() {
            return Err(AppError::invalid_input(
                "a new profile needs the client secret of its machine-to-machine application",
            ));
        }
        for (kind, value) in [
            (SecretKind::ClientSecret, &secrets.client_secret),
            (SecretKind::SmtpPassword, &secrets.smtp_password),
            (SecretKind::SigningKey, &secrets.signing_key),
        ] {
            if let Some(value) = value.as_ref().filter(|v| !v.expose_secret().is_empty()) {
                self.secrets.save(&profile.name, kind, value)?;
            }
        }
        self.profiles.save(&profile)?;
        tracing::info!(profile = %profile.name, "profile saved");
        Ok(ProfileView {
            stored: self.stored(&profile.name)?,
            profile,
            builtin: false,
        })
    }

    /// Forgets one stored secret of a profile.
    pub fn forget_secret(&self, name: &str, kind: SecretKind) -> Result<ProfileView, AppError> {
        let profile = self.profiles.get(name)?;
        self.secrets.delete(name, kind)?;
        Ok(ProfileView {
            stored: self.stored(name)?,
            profile,
            builtin: false,
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

    /// A secret for a run under `profile`, from the adapter's credential source (a built-in tenant
    /// has no mail server or signing key of its own).
    fn secret(
        &self,
        profile: Option<&str>,
        kind: SecretKind,
    ) -> Result<Option<SecretString>, AppError> {
        match profile {
            Some(name) if self.builtin_named(name).is_some() => Ok(None),
            _ => self.credentials.secret(profile, kind),
        }
    }

    /// A secret that must be there.
    fn required_secret(
        &self,
        profile: Option<&str>,
        kind: SecretKind,
    ) -> Result<SecretString, AppError> {
        self.secret(profile, kind)?
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
    use std::sync::Mutex;

    use secrecy::{ExposeSecret, SecretString};

    use super::SecretStore;
    use crate::AppError;
    use crate::secrets::SecretKind;

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
mod tests;
