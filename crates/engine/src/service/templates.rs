//! Templates that last: a message (all its languages) saved under a name in the data folder's
//! `templates/`, reused in any batch, one of them the default of a profile's new batches, exported
//! and imported as a file (`docs/templates.md`), and given to the CLI by name.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Service;
use crate::AppError;
use crate::template::{CompiledTemplates, MessageKind, Template, TemplateFile};

/// A saved template as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SavedTemplate {
    pub name: String,
    pub message: MessageKind,
    /// Its languages' tags.
    pub languages: Vec<String>,
    /// The profiles whose new batches start with it.
    pub default_for: Vec<String>,
}

/// The longest template name.
const MAX_NAME: usize = 80;

/// The file a name is kept in: letters and digits kept, the rest a dash, so any name the admin
/// types is a valid file name on every system (and two that differ only in punctuation are one).
pub(super) fn file_stem(name: &str) -> Result<String, AppError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::invalid_input("name the template"));
    }
    if name.chars().count() > MAX_NAME {
        return Err(AppError::invalid_input(format!(
            "a template's name is at most {MAX_NAME} characters"
        )));
    }
    let mut stem = String::new();
    for c in name.to_lowercase().chars() {
        if c.is_alphanumeric() {
            stem.push(c);
        } else if !stem.ends_with('-') {
            stem.push('-');
        }
    }
    let stem = stem.trim_matches('-').to_owned();
    if stem.is_empty() {
        return Err(AppError::invalid_input(format!(
            "\"{name}\" has no letter or digit to name a file by"
        )));
    }
    // Names Windows keeps for devices, whatever the extension; and a length every file system takes.
    let device = ["con", "prn", "aux", "nul"].contains(&stem.as_str())
        || ((stem.starts_with("com") || stem.starts_with("lpt"))
            && stem.len() == 4
            && stem.as_bytes()[3].is_ascii_digit());
    if device {
        return Err(AppError::invalid_input(format!(
            "\"{name}\" is a name Windows keeps for a device: choose another"
        )));
    }
    if stem.len() > 120 {
        return Err(AppError::invalid_input(
            "a template's name is too long for a file name: shorten it",
        ));
    }
    Ok(stem)
}

impl Service {
    fn templates_dir(&self) -> Result<PathBuf, AppError> {
        let dir = self.paths.data_dir.join("templates");
        std::fs::create_dir_all(&dir).map_err(|e| AppError::io("create folder", &dir, &e))?;
        Ok(dir)
    }

    fn template_path(&self, name: &str) -> Result<PathBuf, AppError> {
        Ok(self
            .templates_dir()?
            .join(format!("{}.toml", file_stem(name)?)))
    }

    /// The saved templates, by name. One that cannot be read is left out of the list with a log
    /// line, never a failure of the list.
    pub fn saved_templates(&self) -> Result<Vec<SavedTemplate>, AppError> {
        let dir = self.templates_dir()?;
        let defaults = self.settings()?.default_template;
        let mut out = Vec::new();
        let entries = std::fs::read_dir(&dir).map_err(|e| AppError::io("read", &dir, &e))?;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "toml") {
                continue;
            }
            match read_template_file(&path) {
                Ok(file) => {
                    let name = listed_name(&file, &path);
                    out.push(SavedTemplate {
                        default_for: defaults
                            .iter()
                            .filter(|(_, chosen)| **chosen == name)
                            .map(|(profile, _)| profile.clone())
                            .collect(),
                        languages: file.languages.keys().cloned().collect(),
                        message: file.message,
                        name,
                    });
                }
                Err(e) => {
                    tracing::warn!(file = %path.display(), error = %e.message, "a saved template cannot be read")
                }
            }
        }
        out.sort_by_key(|t| t.name.to_lowercase());
        Ok(out)
    }

    pub fn saved_template(&self, name: &str) -> Result<TemplateFile, AppError> {
        saved_template_in(&self.paths.data_dir, name)
    }

    /// Saves `template` under `name` (replacing one of that name), after checking it compiles in
    /// every language. A name whose file another template has ("Acme DE" and "acme-de") is refused.
    pub fn save_template(
        &self,
        name: &str,
        message: MessageKind,
        template: &Template,
    ) -> Result<SavedTemplate, AppError> {
        let name = name.trim();
        let path = self.template_path(name)?;
        if let Ok(other) = read_template_file(&path)
            && listed_name(&other, &path) != name
        {
            return Err(AppError::invalid_input(format!(
                "\"{}\" is saved in the file \"{name}\" would take: choose another name, or delete it first",
                listed_name(&other, &path)
            )));
        }
        let template = template.normalized()?;
        let first = template
            .languages
            .keys()
            .next()
            .cloned()
            .unwrap_or_default();
        CompiledTemplates::compile(&template, &first)?;
        let file = TemplateFile::new(Some(name.to_owned()), message, template);
        crate::files::write_atomically(&path, file.to_toml()?.as_bytes())?;
        Ok(self
            .saved_templates()?
            .into_iter()
            .find(|t| t.name == name)
            .unwrap_or(SavedTemplate {
                name: name.to_owned(),
                message,
                languages: file.languages.keys().cloned().collect(),
                default_for: Vec::new(),
            }))
    }

    pub fn delete_template(&self, name: &str) -> Result<(), AppError> {
        let path = find_saved(&self.paths.data_dir, name)?;
        std::fs::remove_file(&path).map_err(|e| AppError::io("delete", &path, &e))?;
        let mut settings = self.settings()?;
        settings.default_template.retain(|_, chosen| chosen != name);
        self.write_settings(&settings)?;
        Ok(())
    }

    /// Makes `name` the template `profile`'s new batches start with (`None`: the built-in wording).
    /// Only an invitation: a reminder's wording is no way to start a batch.
    pub fn set_default_template(&self, profile: &str, name: Option<&str>) -> Result<(), AppError> {
        let mut settings = self.settings()?;
        match name {
            Some(name) => {
                let file = self.saved_template(name)?;
                if file.message != MessageKind::Invitation {
                    return Err(AppError::invalid_input(format!(
                        "\"{name}\" is a {} template: a profile's new batches start with an invitation",
                        if file.message == MessageKind::Reminder {
                            "reminder"
                        } else {
                            "new-link"
                        }
                    )));
                }
                settings
                    .default_template
                    .insert(profile.to_owned(), name.to_owned());
            }
            None => {
                settings.default_template.remove(profile);
            }
        }
        self.write_settings(&settings)?;
        Ok(())
    }

    /// The template `profile`'s new batches start with, if one is chosen and still saved.
    pub fn default_template(&self, profile: &str) -> Result<Option<TemplateFile>, AppError> {
        let Some(name) = self.settings()?.default_template.get(profile).cloned() else {
            return Ok(None);
        };
        match self.saved_template(&name) {
            Ok(file) => Ok(Some(file)),
            Err(e) if e.code == crate::ErrorCode::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Writes a saved template to `path` (a `.toml` file to share or keep).
    pub fn export_template(&self, name: &str, path: &Path) -> Result<(), AppError> {
        let file = self.saved_template(name)?;
        crate::files::write_atomically(path, file.to_toml()?.as_bytes())
    }

    /// Saves the template in `path` under its own name (else the file's), and says under which.
    pub fn import_template(&self, path: &Path) -> Result<SavedTemplate, AppError> {
        let file = read_template_file(path)?;
        let name = listed_name(&file, path);
        self.save_template(&name, file.message, &file.template())
    }
}

/// The name a saved file is listed under: its own, else its file's.
fn listed_name(file: &TemplateFile, path: &Path) -> String {
    file.name
        .clone()
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| {
            path.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "Imported".into())
        })
}

/// The file of the template listed as `name`: its own file, or (a file copied in under another
/// name) whichever file says it is `name`.
fn find_saved(data_dir: &Path, name: &str) -> Result<PathBuf, AppError> {
    let dir = data_dir.join("templates");
    let own = dir.join(format!("{}.toml", file_stem(name)?));
    if own.exists() {
        return Ok(own);
    }
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for path in entries.flatten().map(|e| e.path()) {
            if path.extension().is_some_and(|e| e == "toml")
                && read_template_file(&path).is_ok_and(|f| listed_name(&f, &path) == name)
            {
                return Ok(path);
            }
        }
    }
    Err(AppError::new(
        crate::ErrorCode::NotFound,
        format!("no saved template is called \"{name}\""),
    ))
}

/// The template saved as `name` in the data folder `data_dir` (what `--template-name` reads).
pub fn saved_template_in(data_dir: &Path, name: &str) -> Result<TemplateFile, AppError> {
    read_template_file(&find_saved(data_dir, name)?)
}

/// The largest template file read: a template with seven languages and a logo is well under it.
const MAX_TEMPLATE_BYTES: u64 = 2 * 1024 * 1024;

/// A template file (this version's, or version 1's bare subject/html/text).
pub fn read_template_file(path: &Path) -> Result<TemplateFile, AppError> {
    let bytes = crate::files::read_regular_file(path, MAX_TEMPLATE_BYTES, "template file")?;
    let text = String::from_utf8(bytes)
        .map_err(|_| AppError::invalid_input(format!("{} is not UTF-8 text", path.display())))?;
    TemplateFile::from_toml(&text)
        .map_err(|e| AppError::new(e.code, format!("{}: {}", path.display(), e.message)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_file_names() {
        assert_eq!(
            file_stem("Acme onboarding (DE/FR)").unwrap(),
            "acme-onboarding-de-fr"
        );
        assert_eq!(file_stem("../../etc/passwd").unwrap(), "etc-passwd");
        assert_eq!(file_stem("Zoë's").unwrap(), "zoë-s");
        assert!(file_stem("  ").is_err());
        assert!(file_stem("///").is_err());
        assert!(file_stem(&"x".repeat(81)).is_err());
        assert!(file_stem("CON").is_err());
        assert!(file_stem("com1").is_err());
        assert!(file_stem(&"ü".repeat(70)).is_err(), "140 bytes");
    }
}
