//! The desktop app's engine side: one function per thing a screen does, so the Tauri commands stay
//! thin adapters (deserialize, call one of these, map the error) and everything here is tested
//! without a webview.
//!
//! Secrets come in (a profile's client secret, SMTP password, signing key go straight to the OS
//! keychain) and never go back out: views say which secrets are stored, nothing more.

mod drafts;
mod preview_pages;
mod runs;
mod settings;
mod tenant;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use invite_desk_sandbox::Sandbox;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use drafts::{Draft, DraftSummary, DroppedList, PreviewMessage, list_from_bytes};
pub use preview_pages::{PREVIEW_PAGE_POLICY, PREVIEW_SCHEME};
pub use runs::{LinkCopy, RunAction, RunSummary};
pub use settings::Settings;
pub use tenant::{ConnectionSummary, NamedItem, TenantReport};

use crate::journal::Journal;
use crate::paths::AppPaths;
use crate::profiles::{Profile, ProfileStore};
use crate::run::RunControl;
use crate::secrets::{self, SecretKind};
use crate::{AppError, ErrorCode};

/// The built-in profile: a simulated tenant started inside the app, so a newcomer can try the whole
/// flow without an Auth0 account. Its users live as long as the app runs.
pub const SANDBOX_PROFILE: &str = "Sandbox";

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

pub struct Desk {
    paths: AppPaths,
    profiles: ProfileStore,
    secrets: Box<dyn SecretStore>,
    journal: Arc<Mutex<Journal>>,
    sandbox: tokio::sync::Mutex<Option<Sandbox>>,
    /// The batch running now and its control (one at a time: they would share the rate limit).
    active: Mutex<Option<(String, RunControl)>>,
    preview_pages: preview_pages::PreviewPages,
}

impl Desk {
    /// Opens the data folder (creating it) and the journal in it.
    pub fn open(paths: AppPaths, secrets: Box<dyn SecretStore>) -> Result<Desk, AppError> {
        paths.ensure()?;
        let journal = Journal::open(&paths.journal_file())?;
        runs::remove_leftover_links(&paths.data_dir);
        Ok(Desk {
            profiles: ProfileStore::in_data_dir(&paths.data_dir),
            paths,
            secrets,
            journal: Arc::new(Mutex::new(journal)),
            sandbox: tokio::sync::Mutex::new(None),
            active: Mutex::new(None),
            preview_pages: preview_pages::PreviewPages::default(),
        })
    }

    pub fn paths(&self) -> &AppPaths {
        &self.paths
    }

    fn sandbox_profile() -> Profile {
        Profile {
            name: SANDBOX_PROFILE.into(),
            domain: "sandbox (a simulated tenant inside this app)".into(),
            client_id: invite_desk_sandbox::SandboxConfig::default().client_id,
            connection: Some(invite_desk_sandbox::tenant::DATABASE_CONNECTION.into()),
            smtp_url: None,
            from: Some("Invite Desk Sandbox <invites@sandbox.invalid>".into()),
            production: false,
        }
    }

    fn stored(&self, name: &str) -> Result<Vec<SecretKind>, AppError> {
        let mut stored = Vec::new();
        for kind in SecretKind::ALL {
            if self.secrets.load(name, kind)?.is_some() {
                stored.push(kind);
            }
        }
        Ok(stored)
    }

    /// The Sandbox first, then the saved profiles by name.
    pub fn profiles(&self) -> Result<Vec<ProfileView>, AppError> {
        let mut views = vec![ProfileView {
            profile: Self::sandbox_profile(),
            builtin: true,
            stored: vec![SecretKind::ClientSecret],
        }];
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
        if name == SANDBOX_PROFILE {
            return Ok(Self::sandbox_profile());
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
        if profile.name.eq_ignore_ascii_case(SANDBOX_PROFILE) {
            return Err(AppError::invalid_input(
                "\"Sandbox\" is the built-in profile's name: choose another",
            ));
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
        if name == SANDBOX_PROFILE {
            return Err(AppError::invalid_input(
                "the built-in Sandbox profile cannot be deleted",
            ));
        }
        for kind in SecretKind::ALL {
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

    fn secret(
        &self,
        profile: Option<&str>,
        kind: SecretKind,
    ) -> Result<Option<SecretString>, AppError> {
        match profile {
            Some(name) if name != SANDBOX_PROFILE => self.secrets.load(name, kind),
            _ => Ok(None),
        }
    }

    /// Starts the in-process sandbox tenant if it is not running; its base URL.
    async fn sandbox_url(&self) -> Result<(String, String), AppError> {
        let mut sandbox = self.sandbox.lock().await;
        if sandbox.is_none() {
            let config = invite_desk_sandbox::SandboxConfig::default();
            let started = Sandbox::start(config, ([127, 0, 0, 1], 0).into())
                .await
                .map_err(|e| {
                    AppError::internal(format!("the sandbox tenant could not start: {e}"))
                })?;
            tracing::info!(url = %started.base_url(), "sandbox tenant started");
            *sandbox = Some(started);
        }
        let running = sandbox
            .as_ref()
            .ok_or_else(|| AppError::internal("the sandbox tenant is not running"))?;
        Ok((
            running.base_url().to_owned(),
            running.config().client_secret.clone(),
        ))
    }

    fn lock_journal(&self) -> std::sync::MutexGuard<'_, Journal> {
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
