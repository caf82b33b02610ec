//! The New batch wizard's side: drafts saved at any step (offline), batch files, previews and the
//! "send a test to myself" check.

use std::path::Path;

use invite_desk_mail::Mailbox;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

use super::Service;
use crate::batch::{BatchFile, Delivery, InvitationSettings};
use crate::roster::mapping::role_label;
use crate::roster::{ColumnRole, ListText, MappingOverride, Person};
use crate::run::deliver;
use crate::secrets::SecretKind;
use crate::template::{CompiledTemplates, MessageKind};
use crate::{AppError, ErrorCode, delivery};

/// The wizard as the admin left it: the list as typed (with its fixes), the mapping chosen, the
/// batch settings so far, and the step they were on. No secrets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Draft {
    pub id: String,
    pub saved_at: String,
    /// `people`, `invitation`, `email` or `review`.
    pub step: String,
    pub profile: Option<String>,
    pub source_text: String,
    pub mapping: Option<MappingOverride>,
    pub batch: BatchFile,
    /// The batch file this draft was opened from (its name): its destinations are shown and, where
    /// they differ from the profile, confirmed before it runs.
    #[serde(default)]
    pub opened_from: Option<String>,
    /// The Invitation step's fields as typed, once typed in (right or wrong): what the form shows.
    #[serde(default)]
    pub typed: TypedFields,
}

/// The Invitation step's fields as the admin typed them, right or wrong (a URL without
/// `https://`, 400 days, half a JSON object): a saved draft opens with what was written, not with
/// the last value that read, and Review waits until it reads. `None`: never typed, the field shows
/// the batch's value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TypedFields {
    #[serde(default)]
    pub ttl_days: Option<String>,
    #[serde(default)]
    pub result_url: Option<String>,
    #[serde(default)]
    pub app_metadata: Option<String>,
    #[serde(default)]
    pub remind_after_days: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DraftSummary {
    pub id: String,
    pub saved_at: String,
    pub name: Option<String>,
    pub step: String,
    pub people: u64,
}

/// What the window hears of a file dragged from the desktop onto it: the pointer coming over and
/// leaving (to highlight the drop zone), and the dropped file read as editable text, or why it could
/// not be. The path stays in Rust; the webview only gets the text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DroppedList {
    Over,
    Left,
    Read { list: ListText },
    Failed { error: AppError },
}

/// One person's invitation exactly as it will be sent, with a sample link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PreviewMessage {
    pub line: u64,
    /// The language it is written in (a BCP 47 tag) and that language's name ("German").
    pub language: String,
    pub language_name: String,
    /// The person's own language, when the list gives one.
    pub person_language: Option<String>,
    /// Whether the message is written in the person's language (or the nearest form of it:
    /// `de` for `de-AT`); false: they read the batch's language instead.
    pub person_language_has_wording: bool,
    /// Not wrong enough to refuse, worth fixing: a language whose words read as another, parts
    /// that say different things, a subject too long to be read whole.
    pub warnings: Vec<String>,
    pub to: String,
    pub from: String,
    pub subject: String,
    /// The id the HTML body is kept under for the preview frame (`Service::preview_page`).
    pub page: String,
    pub text: String,
    /// What the message loads from the internet when opened (images, style sheets, fonts): the
    /// preview blocks them, a mail client may not. Embedded `data:`/`cid:` images are not listed.
    pub remote_resources: Vec<String>,
}

fn valid_id(id: &str) -> Result<(), AppError> {
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(AppError::invalid_input(format!(
            "\"{id}\" is not a draft id"
        )));
    }
    Ok(())
}

impl Service {
    /// A new, empty batch with the defaults of Settings and of `profile`: its connection, and its
    /// SMTP server and sender when it has them (else an outbox folder in the data folder).
    pub fn new_draft(&self, profile: Option<&str>) -> Result<Draft, AppError> {
        let settings = self.settings()?;
        let profile_name = match profile
            .map(str::to_owned)
            .or(settings.default_profile.clone())
        {
            Some(name) => name,
            None => self.first_profile_name()?,
        };
        let saved = self.profile(&profile_name)?;
        let mut invitation = InvitationSettings::new(saved.connection.clone().unwrap_or_default());
        invitation.ttl_secs = crate::duration::parse_duration_secs(&settings.ttl)?;
        invitation.existing = settings.existing;
        let delivery = match (settings.delivery, &saved.smtp_url, &saved.from) {
            (super::DeliveryDefault::ProfileMailServer, Some(url), Some(from)) => Delivery::Smtp {
                url: url.clone(),
                from: from.clone(),
                reply_to: None,
            },
            _ => Delivery::Outbox {
                dir: settings.outbox_dir.clone().unwrap_or_else(|| {
                    self.paths
                        .data_dir
                        .join("outbox")
                        .to_string_lossy()
                        .into_owned()
                }),
                from: saved.from.clone(),
            },
        };
        let mut batch = BatchFile::new(Vec::new(), invitation, delivery);
        batch.message = settings.message;
        if let Some(file) = self.default_template(&profile_name)? {
            batch.template = Some(file.template());
        }
        Ok(Draft {
            id: format!("d-{}", batch.id.trim_start_matches("b-")),
            saved_at: String::new(),
            step: "people".into(),
            profile: Some(profile_name),
            source_text: String::new(),
            mapping: None,
            batch,
            opened_from: None,
            typed: TypedFields::default(),
        })
    }

    fn drafts_dir(&self) -> Result<std::path::PathBuf, AppError> {
        let dir = self.paths.data_dir.join("drafts");
        std::fs::create_dir_all(&dir).map_err(|e| AppError::io("create folder", &dir, &e))?;
        Ok(dir)
    }

    /// Saves the wizard as it is (any step, any state: nothing is validated but the id).
    pub fn save_draft(&self, mut draft: Draft) -> Result<DraftSummary, AppError> {
        valid_id(&draft.id)?;
        draft.saved_at = crate::ids::iso(time::OffsetDateTime::now_utc());
        let text = serde_json::to_string(&draft).map_err(|e| AppError::internal(e.to_string()))?;
        crate::files::write_atomically(
            &self.drafts_dir()?.join(format!("{}.json", draft.id)),
            text.as_bytes(),
        )?;
        Ok(summary(&draft))
    }

    /// Saved drafts, newest first. A draft that cannot be read is listed by its id so it can be
    /// deleted, never silently dropped.
    pub fn drafts(&self) -> Result<Vec<DraftSummary>, AppError> {
        let dir = self.drafts_dir()?;
        let mut out = Vec::new();
        let entries = std::fs::read_dir(&dir).map_err(|e| AppError::io("read", &dir, &e))?;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "json") {
                continue;
            }
            let id = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            match self.draft(&id) {
                Ok(draft) => out.push(summary(&draft)),
                Err(e) => out.push(DraftSummary {
                    id,
                    saved_at: String::new(),
                    name: Some(format!("unreadable: {}", e.message)),
                    step: "people".into(),
                    people: 0,
                }),
            }
        }
        out.sort_by(|a, b| b.saved_at.cmp(&a.saved_at));
        Ok(out)
    }

    pub fn draft(&self, id: &str) -> Result<Draft, AppError> {
        valid_id(id)?;
        let path = self.drafts_dir()?.join(format!("{id}.json"));
        let text = std::fs::read_to_string(&path).map_err(|e| AppError::io("read", &path, &e))?;
        let mut draft: Draft = serde_json::from_str(&text).map_err(|e| {
            AppError::invalid_input(format!("the draft {} is damaged: {e}", path.display()))
        })?;
        draft.batch.upgrade();
        Ok(draft)
    }

    pub fn delete_draft(&self, id: &str) -> Result<(), AppError> {
        valid_id(id)?;
        let path = self.drafts_dir()?.join(format!("{id}.json"));
        std::fs::remove_file(&path).map_err(|e| AppError::io("delete", &path, &e))
    }

    /// Writes the batch file (validated: it is meant to be run) into the export folder.
    pub fn export_batch(&self, batch: &BatchFile) -> Result<String, AppError> {
        batch.validate()?;
        let path = Self::unused_path(&self.export_dir()?, &format!("batch-{}", batch.id), "json");
        batch.save(&path)?;
        Ok(path.to_string_lossy().into_owned())
    }

    /// A batch file opened from disk, as a draft to review or run.
    pub fn open_batch_file(&self, path: &Path) -> Result<Draft, AppError> {
        let bytes =
            crate::files::read_regular_file(path, crate::roster::MAX_LIST_BYTES, "batch file")?;
        let text = String::from_utf8(bytes)
            .map_err(|_| AppError::invalid_input("the batch file is not UTF-8 text"))?;
        let batch = batch_from_file(&text)?;
        Ok(Draft {
            id: crate::ids::new_batch_id(),
            saved_at: String::new(),
            step: "review".into(),
            profile: None,
            source_text: people_as_text(&batch.people),
            mapping: None,
            batch,
            opened_from: Some(path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            )),
            typed: TypedFields::default(),
        })
    }

    /// A people list from a file the user chose (or dropped), as editable text.
    pub fn list_from_file(&self, path: &Path) -> Result<ListText, AppError> {
        let bytes =
            crate::files::read_regular_file(path, crate::roster::MAX_LIST_BYTES, "people list")?;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        list_from_bytes(&bytes, name.as_deref())
    }

    /// What `person` (by line; the first person when `None`) will receive: the batch's message, or
    /// its reminder or new link (`kind`), in the person's language or in `language`.
    pub fn preview(
        &self,
        batch: &BatchFile,
        line: Option<u64>,
        kind: Option<MessageKind>,
        language: Option<&str>,
    ) -> Result<PreviewMessage, AppError> {
        let person = match line {
            Some(line) => batch
                .people
                .iter()
                .find(|p| p.line == line)
                .ok_or_else(|| {
                    AppError::new(ErrorCode::NotFound, format!("nobody on line {line}"))
                })?,
            None => batch.people.first().ok_or_else(|| {
                AppError::invalid_input("the batch has nobody in it yet: add people first")
            })?,
        };
        let mut person = person.clone();
        let person_language = person.locale.clone();
        if let Some(language) = language {
            person.locale = Some(forced_language(language)?);
        }
        let templates = CompiledTemplates::compile_with(
            &batch.template_of(kind.unwrap_or(batch.message_kind())),
            &batch.message,
        )?;
        let preview = delivery::preview(
            &person,
            &templates,
            &batch.message,
            &deliver::sender(&batch.delivery)?,
            &delivery::sample_link_for(batch.link_kind(), batch.invitation.ttl_secs),
        )?;
        Ok(PreviewMessage {
            line: person.line,
            language_name: crate::template::dates::language_name(&preview.content.language),
            language: preview.content.language.clone(),
            person_language_has_wording: person_language
                .as_deref()
                .is_none_or(|l| templates.has_language(l)),
            person_language,
            warnings: templates
                .warnings()
                .iter()
                .chain(templates.too_long())
                .cloned()
                .collect(),
            to: preview.to.to_string(),
            from: preview.sender.from.to_string(),
            subject: preview.content.subject,
            remote_resources: crate::template::placement::remote_resources(&preview.content.html),
            page: self.preview_pages.keep(preview.content.html),
            text: preview.content.text,
        })
    }

    /// A recent preview's HTML, for the preview frame to load (see `PREVIEW_PAGE_POLICY`).
    pub fn preview_page(&self, page: &str) -> Option<String> {
        self.preview_pages.page(page)
    }

    /// Sends the batch's invitation, with a sample link, to `to` through the batch's SMTP server
    /// (its password from the profile's keychain entry).
    pub async fn send_test(
        &self,
        profile: Option<&str>,
        batch: &BatchFile,
        to: &str,
        kind: Option<MessageKind>,
        language: Option<&str>,
    ) -> Result<String, AppError> {
        let Delivery::Smtp { url, .. } = &batch.delivery else {
            return Err(AppError::invalid_input(
                "a test message goes out by SMTP: choose SMTP delivery first",
            ));
        };
        let to = Mailbox::parse(to)?;
        let mut settings = invite_desk_mail::smtp::SmtpSettings::new(url);
        settings.password = self.secret(
            profile,
            SecretKind::SmtpPassword,
            &crate::secrets::Purpose::mail_server(url)?,
        )?;
        let templates = CompiledTemplates::compile_with(
            &batch.template_of(kind.unwrap_or(batch.message_kind())),
            &batch.message,
        )?;
        let language = language.map(forced_language).transpose()?;
        let accepted = delivery::send_test(
            &settings,
            &to,
            language.as_deref(),
            &templates,
            &batch.message,
            &deliver::sender(&batch.delivery)?,
            &delivery::sample_link_for(batch.link_kind(), batch.invitation.ttl_secs),
        )
        .await?;
        let written_in =
            templates.language_for(language.as_deref().or(Some(&batch.message.language)));
        Ok(format!(
            "sent to {} in {}: the server answered {} {}",
            to.address,
            crate::template::dates::language_name(written_in),
            accepted.code,
            accepted.reply
        ))
    }
}

/// A language asked for by name (`--locale`, the preview's language menu), as a tag.
fn forced_language(text: &str) -> Result<String, AppError> {
    crate::roster::language::normalize(text)
        .map_err(AppError::invalid_input)?
        .ok_or_else(|| AppError::invalid_input("name a language (en, de, fr-CA…)"))
}

/// A batch file someone else may have written: its settings checked as always, and its people read
/// again as a fresh list would be (addresses, names, roles, metadata), since nothing but the file
/// vouches for them.
pub fn batch_from_file(text: &str) -> Result<BatchFile, AppError> {
    let batch = BatchFile::from_json(text)?;
    let report = crate::roster::read_text(
        &people_as_text(&batch.people),
        &crate::roster::ReadOptions::default(),
    );
    let problems: Vec<String> = match &report {
        Ok(report) => report
            .problems
            .iter()
            .filter(|p| p.severity == crate::roster::Severity::Error)
            .take(5)
            .map(|p| p.message.clone())
            .collect(),
        Err(e) => vec![e.message.clone()],
    };
    if !problems.is_empty() {
        return Err(AppError::invalid_input(format!(
            "the batch file's people do not read as a valid list: {}",
            problems.join("; ")
        )));
    }
    if report.is_ok_and(|r| r.people.len() != batch.people.len()) {
        return Err(AppError::invalid_input(
            "the batch file's people do not read back as the same people (a duplicate or an empty row?)",
        ));
    }
    Ok(batch)
}

/// A people list from a file's bytes, as editable text.
pub fn list_from_bytes(bytes: &[u8], file_name: Option<&str>) -> Result<ListText, AppError> {
    if bytes.len() as u64 > crate::roster::MAX_LIST_BYTES {
        return Err(AppError::invalid_input(format!(
            "this file is {} MB: a people list over {} MB is not something to read into a batch",
            bytes.len() / (1024 * 1024),
            crate::roster::MAX_LIST_BYTES / (1024 * 1024)
        )));
    }
    let mut list = crate::roster::list_text(bytes, None)?;
    list.file_name = file_name.map(str::to_owned);
    Ok(list)
}

fn summary(draft: &Draft) -> DraftSummary {
    DraftSummary {
        id: draft.id.clone(),
        saved_at: draft.saved_at.clone(),
        name: draft.batch.name.clone(),
        step: draft.step.clone(),
        people: draft.batch.people.len() as u64,
    }
}

/// A batch file's people as a list the wizard can show and edit, and read back into the same people:
/// roles and every metadata key get their own columns, named as the reader names them. A metadata
/// value that is not text (an object or a list) is written as JSON, which the reader parses back; a
/// number or a true/false written by hand in a batch file comes back as text.
fn people_as_text(people: &[Person]) -> String {
    fn keys<'a>(maps: impl Iterator<Item = &'a Map<String, Value>>) -> Vec<String> {
        let mut keys: Vec<String> = Vec::new();
        for key in maps.flat_map(|m| m.keys()) {
            if !keys.contains(key) {
                keys.push(key.clone());
            }
        }
        keys
    }
    fn metadata(value: Option<&Value>) -> String {
        match value {
            None => String::new(),
            Some(Value::String(text)) => text.clone(),
            Some(other) => other.to_string(),
        }
    }
    fn cell(p: &Person, column: &ColumnRole) -> String {
        match column {
            ColumnRole::Email => p.email.clone(),
            ColumnRole::GivenName => p.given_name.clone().unwrap_or_default(),
            ColumnRole::FamilyName => p.family_name.clone().unwrap_or_default(),
            ColumnRole::Name => p.name.clone().unwrap_or_default(),
            ColumnRole::Roles => p.roles.join(", "),
            ColumnRole::AppMetadata(key) => metadata(p.app_metadata.get(key)),
            ColumnRole::UserMetadata(key) => metadata(p.user_metadata.get(key)),
            ColumnRole::Locale => p.locale.clone().unwrap_or_default(),
            ColumnRole::ExternalId => p.external_id.clone().unwrap_or_default(),
            ColumnRole::Ignore => String::new(),
        }
    }
    fn line(cells: impl Iterator<Item = String>) -> String {
        let cells: Vec<String> = cells.map(|c| c.replace(['\t', '\r', '\n'], " ")).collect();
        cells.join("\t") + "\n"
    }

    let mut columns = vec![
        ColumnRole::Email,
        ColumnRole::GivenName,
        ColumnRole::FamilyName,
        ColumnRole::Name,
    ];
    if people.iter().any(|p| !p.roles.is_empty()) {
        columns.push(ColumnRole::Roles);
    }
    if people.iter().any(|p| p.locale.is_some()) {
        columns.push(ColumnRole::Locale);
    }
    if people.iter().any(|p| p.external_id.is_some()) {
        columns.push(ColumnRole::ExternalId);
    }
    columns.extend(
        keys(people.iter().map(|p| &p.app_metadata))
            .into_iter()
            .map(ColumnRole::AppMetadata),
    );
    columns.extend(
        keys(people.iter().map(|p| &p.user_metadata))
            .into_iter()
            .map(ColumnRole::UserMetadata),
    );

    let mut out = line(columns.iter().map(role_label));
    for p in people {
        out.push_str(&line(columns.iter().map(|c| cell(p, c))));
    }
    out
}
