//! The Settings screen's defaults, kept in `settings.json` in the data folder.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Service;
use crate::AppError;
use crate::batch::ExistingPolicy;
use crate::template::MessageSettings;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct Settings {
    /// The profile a new batch starts with.
    pub default_profile: Option<String>,
    /// Link lifetime for new batches, as `7d`, `48h`, `3600s`.
    pub ttl: String,
    pub existing: ExistingPolicy,
    /// What new batches' messages say about the sender.
    pub message: MessageSettings,
    /// Where results and batch files are exported (default: the Downloads folder).
    pub export_dir: Option<String>,
    /// By profile: the saved template its new batches start with.
    pub default_template: std::collections::BTreeMap<String, String>,
    /// How new batches deliver.
    pub delivery: DeliveryDefault,
    /// The outbox folder of new batches (default: `outbox/` in the data folder).
    pub outbox_dir: Option<String>,
}

/// How new batches deliver, so a second wave starts as the first was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryDefault {
    /// Through the profile's mail server when it names one and a sender, else to the outbox.
    #[default]
    ProfileMailServer,
    /// Always to the outbox folder: written as `.eml` files, sent from a mail program.
    Outbox,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            default_profile: None,
            ttl: "7d".into(),
            existing: ExistingPolicy::Skip,
            message: MessageSettings::default(),
            export_dir: None,
            default_template: Default::default(),
            delivery: DeliveryDefault::default(),
            outbox_dir: None,
        }
    }
}

impl Service {
    fn settings_file(&self) -> std::path::PathBuf {
        self.paths.data_dir.join("settings.json")
    }

    pub fn settings(&self) -> Result<Settings, AppError> {
        let path = self.settings_file();
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let mut settings: Settings = serde_json::from_str(&text).map_err(|e| {
                    AppError::invalid_input(format!(
                        "{} is not valid settings ({e}); fix or delete it",
                        path.display()
                    ))
                })?;
                settings.message.forget_placeholders();
                Ok(settings)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Settings::default()),
            Err(e) => Err(AppError::io("read", &path, &e)),
        }
    }

    pub fn save_settings(&self, settings: &Settings) -> Result<Settings, AppError> {
        crate::duration::parse_duration_secs(&settings.ttl)?;
        if let Some(dir) = &settings.export_dir
            && !std::path::Path::new(dir).is_dir()
        {
            return Err(AppError::invalid_input(format!(
                "the export folder {dir} does not exist"
            )));
        }
        if let Some(name) = &settings.default_profile {
            self.profile(name)?;
        }
        if let Some(dir) = &settings.outbox_dir
            && !std::path::Path::new(dir).is_absolute()
        {
            return Err(AppError::invalid_input(format!(
                "the outbox folder {dir} is not a full path: write it from the top (/home/… or C:\\…)"
            )));
        }
        if crate::roster::language::normalize(&settings.message.language)
            .map_err(AppError::invalid_input)?
            .is_none()
        {
            return Err(AppError::invalid_input(
                "choose the language of new batches",
            ));
        }
        // The profiles' default templates are set from the Email step (`set_default_template`):
        // a Settings screen opened before keeps what it did not show.
        let mut kept = settings.clone();
        kept.default_template = self.settings()?.default_template;
        self.write_settings(&kept)?;
        Ok(kept)
    }

    pub(super) fn write_settings(&self, settings: &Settings) -> Result<(), AppError> {
        let text = serde_json::to_string_pretty(settings)
            .map_err(|e| AppError::internal(e.to_string()))?;
        crate::files::write_atomically(&self.settings_file(), text.as_bytes())
    }

    /// Where exports go: the chosen folder, else Downloads, else `exports` in the data folder.
    pub fn export_dir(&self) -> Result<std::path::PathBuf, AppError> {
        let dir = match self.settings()?.export_dir {
            Some(dir) => dir.into(),
            None => dirs::download_dir()
                .filter(|d| d.is_dir())
                .unwrap_or_else(|| self.paths.data_dir.join("exports")),
        };
        std::fs::create_dir_all(&dir).map_err(|e| AppError::io("create folder", &dir, &e))?;
        Ok(dir)
    }

    /// The folder an "Open … folder" button shows: chosen by name, never a path from the caller.
    pub fn folder(&self, folder: Folder) -> Result<std::path::PathBuf, AppError> {
        match folder {
            Folder::Data => Ok(self.paths.data_dir.clone()),
            Folder::Logs => Ok(self.paths.log_dir.clone()),
            Folder::Exports => self.export_dir(),
        }
    }
}

/// The folders the app can show in the system file manager.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Folder {
    Data,
    Logs,
    Exports,
}
