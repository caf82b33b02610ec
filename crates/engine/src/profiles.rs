//! Tenant profiles (dev / staging / production): what is not secret lives in `profiles.json` in the
//! data folder; the client secret, SMTP password and signing key live in the OS keychain under the
//! profile's name (`secrets`). The file is written atomically.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{AppError, ErrorCode};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Profile {
    pub name: String,
    /// Tenant host name (`acme.eu.auth0.com`), or a loopback URL for the sandbox.
    pub domain: String,
    pub client_id: String,
    /// The database connection invitations create users in.
    #[serde(default)]
    pub connection: Option<String>,
    #[serde(default)]
    pub smtp_url: Option<String>,
    /// The sender, e.g. `Acme IT <it@acme.example>`.
    #[serde(default)]
    pub from: Option<String>,
    /// Runs against a production profile ask for confirmation.
    #[serde(default)]
    pub production: bool,
    /// The most SMTP connections a run opens at once (providers cap them); 8 when not set. A run
    /// opens one per 100 messages up to this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub smtp_connections: Option<u32>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct ProfilesFile {
    profiles: Vec<Profile>,
}

pub struct ProfileStore {
    path: PathBuf,
}

fn valid_name(name: &str) -> Result<(), AppError> {
    if name.trim().is_empty() || name.contains('/') || name != name.trim() {
        return Err(AppError::invalid_input(format!(
            "\"{name}\" is not a profile name (not empty, no slashes, no spaces at the ends)"
        )));
    }
    Ok(())
}

impl ProfileStore {
    pub fn in_data_dir(data_dir: &Path) -> Self {
        ProfileStore {
            path: data_dir.join("profiles.json"),
        }
    }

    fn read(&self) -> Result<ProfilesFile, AppError> {
        match std::fs::read_to_string(&self.path) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| {
                AppError::invalid_input(format!("{} is damaged: {e}", self.path.display()))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(ProfilesFile::default()),
            Err(e) => Err(AppError::io("read", &self.path, &e)),
        }
    }

    fn write(&self, file: &ProfilesFile) -> Result<(), AppError> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| AppError::io("create", dir, &e))?;
        let text = serde_json::to_string_pretty(file)
            .map_err(|e| AppError::internal(format!("could not encode the profiles: {e}")))?;
        crate::files::write_atomically(&self.path, text.as_bytes())
    }

    pub fn list(&self) -> Result<Vec<Profile>, AppError> {
        Ok(self.read()?.profiles)
    }

    pub fn get(&self, name: &str) -> Result<Profile, AppError> {
        self.list()?
            .into_iter()
            .find(|p| p.name == name)
            .ok_or_else(|| {
                AppError::new(
                    ErrorCode::NotFound,
                    format!(
                        "no profile named \"{name}\" (create it with `invite-desk profile set`)"
                    ),
                )
            })
    }

    /// Held around every read-modify-write, so the CLI and the app saving at once do not lose each
    /// other's change.
    fn lock(&self) -> Result<crate::files::FileLock, AppError> {
        crate::files::lock_exclusive(&self.path.with_extension("json.lock"))
    }

    /// Adds or replaces a profile.
    pub fn save(&self, profile: &Profile) -> Result<(), AppError> {
        valid_name(&profile.name)?;
        invite_desk_auth0::TenantUrl::parse(&profile.domain).map_err(AppError::from)?;
        if profile.client_id.trim().is_empty() {
            return Err(AppError::invalid_input("a profile needs the client id"));
        }
        let _lock = self.lock()?;
        let mut file = self.read()?;
        file.profiles.retain(|p| p.name != profile.name);
        file.profiles.push(profile.clone());
        file.profiles.sort_by(|a, b| a.name.cmp(&b.name));
        self.write(&file)
    }

    /// Removes a profile (its keychain entries are the caller's to delete). `false` if absent.
    pub fn delete(&self, name: &str) -> Result<bool, AppError> {
        let _lock = self.lock()?;
        let mut file = self.read()?;
        let before = file.profiles.len();
        file.profiles.retain(|p| p.name != name);
        if file.profiles.len() == before {
            return Ok(false);
        }
        self.write(&file)?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(name: &str) -> Profile {
        Profile {
            name: name.into(),
            domain: "acme.eu.auth0.com".into(),
            client_id: "abc".into(),
            connection: Some("Username-Password-Authentication".into()),
            smtp_url: None,
            from: None,
            production: name == "production",
            smtp_connections: None,
        }
    }

    #[test]
    fn saves_from_two_places_at_once_keep_each_others_profiles() {
        let dir = tempfile::tempdir().unwrap();
        let writers: Vec<_> = ["cli", "app"]
            .into_iter()
            .map(|who| {
                let data = dir.path().to_owned();
                std::thread::spawn(move || {
                    // A store of its own, as another process has.
                    let store = ProfileStore::in_data_dir(&data);
                    for i in 0..25 {
                        store.save(&profile(&format!("{who}-{i}"))).unwrap();
                    }
                })
            })
            .collect();
        for w in writers {
            w.join().unwrap();
        }
        assert_eq!(
            ProfileStore::in_data_dir(dir.path()).list().unwrap().len(),
            50
        );
    }

    #[test]
    fn profiles_are_saved_replaced_and_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let store = ProfileStore::in_data_dir(dir.path());
        assert!(store.list().unwrap().is_empty());
        store.save(&profile("staging")).unwrap();
        store.save(&profile("production")).unwrap();
        let mut changed = profile("staging");
        changed.client_id = "xyz".into();
        store.save(&changed).unwrap();
        let names: Vec<String> = store.list().unwrap().into_iter().map(|p| p.name).collect();
        assert_eq!(names, ["production", "staging"]);
        assert_eq!(store.get("staging").unwrap().client_id, "xyz");
        assert!(store.delete("staging").unwrap());
        assert!(!store.delete("staging").unwrap());
        assert_eq!(store.get("staging").unwrap_err().code, ErrorCode::NotFound);
        let mut bad = profile("x");
        bad.domain = "http://evil.example.com".into();
        assert!(store.save(&bad).is_err());
        assert!(store.save(&profile("a/b")).is_err());
    }
}
