//! Where Invite Desk keeps its files. One place decides, so the CLI and the app agree and tests can
//! isolate themselves with `INVITE_DESK_DATA_DIR`.

use std::path::{Path, PathBuf};

use crate::AppError;

/// Environment variable that overrides the data folder (tests, scripts, portable installs).
pub const DATA_DIR_ENV: &str = "INVITE_DESK_DATA_DIR";

/// The folder name under the OS data directory.
const APP_DIR_NAME: &str = "invite-desk";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppPaths {
    /// Journal, saved batches, outbox defaults.
    pub data_dir: PathBuf,
    /// Rotated log files.
    pub log_dir: PathBuf,
}

impl AppPaths {
    /// Paths under an explicit data folder: logs live inside it so one folder holds everything.
    pub fn under(data_dir: impl Into<PathBuf>) -> Self {
        let data_dir = data_dir.into();
        AppPaths {
            log_dir: data_dir.join("logs"),
            data_dir,
        }
    }

    /// The explicit folder if given, else `INVITE_DESK_DATA_DIR`, else the OS convention
    /// (`~/.local/share/invite-desk` on Linux, `~/Library/Application Support/invite-desk` on
    /// macOS, `%APPDATA%\invite-desk` on Windows; logs in the OS log location where there is one).
    pub fn resolve(explicit: Option<&Path>) -> Result<Self, AppError> {
        if let Some(dir) = explicit {
            return Ok(Self::under(dir));
        }
        if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|v| !v.is_empty()) {
            return Ok(Self::under(PathBuf::from(dir)));
        }
        let data_dir = dirs::data_dir()
            .ok_or_else(|| {
                AppError::internal(format!(
                    "this system has no user data folder; set {DATA_DIR_ENV} to choose one"
                ))
            })?
            .join(APP_DIR_NAME);
        let log_dir = os_log_dir().unwrap_or_else(|| data_dir.join("logs"));
        Ok(AppPaths { data_dir, log_dir })
    }

    /// The journal (SQLite) every run, resume and look-up shares.
    pub fn journal_file(&self) -> PathBuf {
        self.data_dir.join("journal.sqlite")
    }

    /// Create the folders if they are missing, for their owner only.
    pub fn ensure(&self) -> Result<(), AppError> {
        for dir in [&self.data_dir, &self.log_dir] {
            crate::files::create_private_dir(dir)?;
        }
        Ok(())
    }
}

#[cfg(target_os = "macos")]
fn os_log_dir() -> Option<PathBuf> {
    dirs::home_dir().map(|h| h.join("Library/Logs").join(APP_DIR_NAME))
}

#[cfg(target_os = "linux")]
fn os_log_dir() -> Option<PathBuf> {
    // XDG puts logs under the state directory.
    dirs::state_dir().map(|d| d.join(APP_DIR_NAME).join("logs"))
}

#[cfg(not(any(target_os = "macos", target_os = "linux")))]
fn os_log_dir() -> Option<PathBuf> {
    dirs::data_local_dir().map(|d| d.join(APP_DIR_NAME).join("logs"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_folder_wins_and_holds_the_logs() {
        let tmp = tempfile::tempdir().unwrap();
        let paths = AppPaths::resolve(Some(tmp.path())).unwrap();
        assert_eq!(paths.data_dir, tmp.path());
        assert_eq!(paths.log_dir, tmp.path().join("logs"));
        paths.ensure().unwrap();
        assert!(paths.log_dir.is_dir());
    }
}
