//! A message in several languages: one variant per language (wording, or markup for the advanced),
//! the person's language choosing among them (`de-AT` → `de` → the batch's language), and the
//! file format templates are saved, shared and given to the CLI in.

use std::collections::BTreeMap;

use invite_desk_roster::Person;
use invite_desk_roster::language::{fallbacks, primary};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::builtin::{self, Known, LinkKind, MessageKind};
use crate::wording::{self, Style, Wording};
use crate::{AppError, CompiledSet, Content, Dates, Link, MessageSettings, TemplateSet, Writing};

/// One language's message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(untagged)]
pub enum Variant {
    /// Written as words; both parts are laid out from them.
    Wording(Wording),
    /// Written as subject, HTML and text templates (the advanced editor).
    Markup(TemplateSet),
}

/// Told apart by their keys (markup has `html` or `text`), so a mistake in either is reported by
/// the field it is in rather than as "matches no variant".
impl<'de> Deserialize<'de> for Variant {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let value = serde_json::Value::deserialize(d)?;
        let markup = value
            .as_object()
            .is_some_and(|o| o.contains_key("html") || o.contains_key("text"));
        if markup {
            serde_json::from_value(value)
                .map(Variant::Markup)
                .map_err(D::Error::custom)
        } else {
            serde_json::from_value(value)
                .map(Variant::Wording)
                .map_err(D::Error::custom)
        }
    }
}

/// A message in every language it is written in. Read also from the shape batch files had before
/// languages (a bare `subject`, `html` and `text`), as English markup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Template {
    /// By language: canonical BCP 47 tags (`de`, `de-AT`, `pt-BR`).
    pub languages: BTreeMap<String, Variant>,
    pub style: Style,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredTemplate {
    languages: BTreeMap<String, Variant>,
    #[serde(default)]
    style: Style,
}

impl<'de> Deserialize<'de> for Template {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let value = serde_json::Value::deserialize(d)?;
        let former = value
            .as_object()
            .is_some_and(|o| !o.contains_key("languages") && o.contains_key("subject"));
        if former {
            let set: TemplateSet = serde_json::from_value(value).map_err(D::Error::custom)?;
            return Ok(Template::markup(set, "en"));
        }
        let t: StoredTemplate = serde_json::from_value(value).map_err(D::Error::custom)?;
        Ok(Template {
            languages: t.languages,
            style: t.style,
        })
    }
}

/// The `format` a template file carries.
pub const TEMPLATE_FORMAT: &str = "invite-desk-template";
/// The version this build writes. Version 1 was a bare `subject`, `html` and `text`.
pub const TEMPLATE_VERSION: u32 = 2;

/// A template as a file: saved in the data folder, exported, imported, given to `--template`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct TemplateFile {
    pub format: String,
    pub version: u32,
    /// What the admin calls it ("Acme onboarding").
    #[serde(default)]
    pub name: Option<String>,
    /// Which message it is for.
    #[serde(default)]
    pub message: MessageKind,
    #[serde(default)]
    pub style: Style,
    pub languages: BTreeMap<String, Variant>,
}

impl TemplateFile {
    pub fn new(name: Option<String>, message: MessageKind, template: Template) -> Self {
        TemplateFile {
            format: TEMPLATE_FORMAT.into(),
            version: TEMPLATE_VERSION,
            name,
            message,
            style: template.style,
            languages: template.languages,
        }
    }

    pub fn template(&self) -> Template {
        Template {
            languages: self.languages.clone(),
            style: self.style.clone(),
        }
    }

    /// A template file: this version's, or version 1's bare `subject`, `html` and `text` (read as
    /// English markup).
    pub fn from_toml(text: &str) -> Result<Self, AppError> {
        let invalid = |e: toml::de::Error| {
            AppError::invalid_input(format!("the template file is not valid: {e}"))
        };
        let value: toml::Table = toml::from_str(text).map_err(invalid)?;
        if value.contains_key("subject") && !value.contains_key("languages") {
            let set: TemplateSet = toml::from_str(text).map_err(invalid)?;
            return Ok(TemplateFile::new(
                None,
                MessageKind::Invitation,
                Template::markup(set, "en"),
            ));
        }
        // The format and version first: a newer file's new fields are no reason to say less.
        let format = value
            .get("format")
            .and_then(toml::Value::as_str)
            .unwrap_or_default();
        if format != TEMPLATE_FORMAT {
            return Err(AppError::invalid_input(format!(
                "this is not an Invite Desk template (format \"{format}\")"
            )));
        }
        let version = value
            .get("version")
            .and_then(toml::Value::as_integer)
            .unwrap_or(0);
        if version > i64::from(TEMPLATE_VERSION) {
            return Err(AppError::invalid_input(format!(
                "this template is version {version}; this Invite Desk reads up to version {TEMPLATE_VERSION}: update Invite Desk"
            )));
        }
        let file: TemplateFile = toml::from_str(text).map_err(invalid)?;
        file.template().normalized()?;
        Ok(file)
    }

    pub fn to_toml(&self) -> Result<String, AppError> {
        toml::to_string(self)
            .map_err(|e| AppError::internal(format!("the template could not be written: {e}")))
    }
}

impl Template {
    /// The built-in wording of `kind` for `link`, in every built-in language.
    pub fn builtin(kind: MessageKind, link: LinkKind, known: Known) -> Self {
        Template {
            languages: builtin::LANGUAGES
                .iter()
                .filter_map(|tag| {
                    builtin::wording(tag, kind, link, known)
                        .map(|w| ((*tag).to_owned(), Variant::Wording(w)))
                })
                .collect(),
            style: Style::default(),
        }
    }

    /// Whether this is the English invitation, reminder or new link Invite Desk had built in before
    /// languages, as batch files of then carry it: such a batch follows the built-in wording now.
    pub fn is_former_builtin(&self) -> bool {
        matches!(
            self.languages.iter().collect::<Vec<_>>().as_slice(),
            [(tag, Variant::Markup(set))] if tag.as_str() == "en" && set.is_former_builtin()
        )
    }

    /// One language written as markup.
    pub fn markup(set: TemplateSet, language: &str) -> Self {
        Template {
            languages: BTreeMap::from([(language.to_owned(), Variant::Markup(set))]),
            style: Style::default(),
        }
    }

    /// The same template with its languages' tags written canonically (`de_de` → `de-DE`), or
    /// why one is not a language or two name the same.
    pub fn normalized(&self) -> Result<Template, AppError> {
        let mut languages = BTreeMap::new();
        for (tag, variant) in &self.languages {
            let canonical = match invite_desk_roster::language::normalize(tag) {
                Ok(Some(canonical)) => canonical,
                Ok(None) => {
                    return Err(AppError::invalid_input(
                        "a language of the template has no tag: name it (en, de, fr-CA…)",
                    ));
                }
                Err(why) => {
                    return Err(AppError::invalid_input(format!(
                        "the template's language {why}"
                    )));
                }
            };
            if languages
                .insert(canonical.clone(), variant.clone())
                .is_some()
            {
                return Err(AppError::invalid_input(format!(
                    "the template has two wordings for {canonical}"
                )));
            }
        }
        if languages.is_empty() {
            return Err(AppError::invalid_input(
                "the template has no language: write at least one",
            ));
        }
        Ok(Template {
            languages,
            style: self.style.clone(),
        })
    }
}

/// A language's English name for messages to the admin: "German (de)", "French (fr-CA)".
pub fn describe_language(tag: &str) -> String {
    format!("{} ({tag})", crate::dates::language_name(tag))
}

struct CompiledVariant {
    tag: String,
    set: CompiledSet,
}

// Lets `pick` choose among compiled variants without collecting their tags for each message.
impl AsRef<str> for CompiledVariant {
    fn as_ref(&self) -> &str {
        &self.tag
    }
}

/// A template compiled and checked in every language, ready to render for many people.
pub struct CompiledTemplates {
    variants: Vec<CompiledVariant>,
    /// The batch's language: its index in `variants`.
    default: usize,
    dates: Dates,
    warnings: Vec<String>,
    /// Subjects too long to send (what the preflight refuses before a run).
    too_long: Vec<String>,
}

impl std::fmt::Debug for CompiledTemplates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompiledTemplates")
            .field("languages", &self.languages())
            .finish_non_exhaustive()
    }
}

/// The variant `locale` reads: its tag, then each shorter one (`de-AT` → `de`), then another
/// variant of its language (`pt` → `pt-BR`), one in its script first (`zh-TW` reads `zh-Hant`,
/// not `zh-Hans`).
fn pick<T: AsRef<str>>(tags: &[T], locale: &str) -> Option<usize> {
    if let Some(found) = fallbacks(locale)
        .iter()
        .find_map(|candidate| tags.iter().position(|t| t.as_ref() == candidate))
    {
        return Some(found);
    }
    let same_language: Vec<usize> = (0..tags.len())
        .filter(|&i| primary(tags[i].as_ref()) == primary(locale))
        .collect();
    let script = invite_desk_roster::language::likely_script(locale);
    same_language
        .iter()
        .copied()
        .find(|&i| {
            script.is_some()
                && invite_desk_roster::language::likely_script(tags[i].as_ref()) == script
        })
        .or_else(|| same_language.first().copied())
}

impl CompiledTemplates {
    /// Compiles every language of `template`; `default_language` (the batch's) must be one of them
    /// (or fall back to one), since it is what everyone without a language of their own reads.
    pub fn compile(template: &Template, default_language: &str) -> Result<Self, AppError> {
        let settings = MessageSettings {
            language: default_language.to_owned(),
            ..MessageSettings::default()
        };
        Self::compile_with(template, &settings)
    }

    /// Compiles for a batch: checked against the batch's own names (a template that says
    /// `{{ app_name }}` alone must have one to say) and its language.
    pub fn compile_with(template: &Template, settings: &MessageSettings) -> Result<Self, AppError> {
        let default_language = settings.language.as_str();
        let template = template.normalized()?;
        template.style.check()?;
        let dates = Dates::default();
        let several = template.languages.len() > 1;
        let mut variants = Vec::with_capacity(template.languages.len());
        for (tag, variant) in &template.languages {
            let named = |e: AppError| {
                if several {
                    AppError::new(e.code, format!("{}: {}", describe_language(tag), e.message))
                } else {
                    e
                }
            };
            let set = match variant {
                Variant::Markup(set) => set.clone(),
                Variant::Wording(words) => {
                    for (field, source) in wording::fields(words) {
                        crate::check_field(&field, source).map_err(named)?;
                        crate::render_field(&field, source, settings, tag, &dates)
                            .map_err(named)?;
                    }
                    wording::layout(words, tag, &template.style)
                }
            };
            let writing = Writing {
                dates: &dates,
                language: tag,
            };
            let compiled = CompiledSet::compile(&set, writing, settings).map_err(named)?;
            variants.push(CompiledVariant {
                tag: tag.clone(),
                set: compiled,
            });
        }
        let tags: Vec<&str> = variants.iter().map(|v| v.tag.as_str()).collect();
        let default_language = match invite_desk_roster::language::normalize(default_language) {
            Ok(Some(tag)) => tag,
            Ok(None) => "en".into(),
            Err(why) => {
                return Err(AppError::invalid_input(format!(
                    "the batch's language {why}"
                )));
            }
        };
        let default = pick(&tags, &default_language).ok_or_else(|| {
            AppError::invalid_input(format!(
                "the template has no wording in the batch's language, {}: it has {}. Add it, or choose one of those as the batch's language",
                describe_language(&default_language),
                tags.iter().map(|t| describe_language(t)).collect::<Vec<_>>().join(", ")
            ))
        })?;
        let mut compiled = CompiledTemplates {
            variants,
            default,
            dates,
            warnings: Vec::new(),
            too_long: Vec::new(),
        };
        (compiled.warnings, compiled.too_long) = compiled.check_languages(&template, settings);
        Ok(compiled)
    }

    /// The languages it is written in.
    pub fn languages(&self) -> Vec<&str> {
        self.variants.iter().map(|v| v.tag.as_str()).collect()
    }

    /// The language someone with `locale` (none: the batch's) reads.
    pub fn language_for(&self, locale: Option<&str>) -> &str {
        &self.variants[self.variant_for(locale)].tag
    }

    /// Whether `locale` has wording of its own (else the person reads the batch's language).
    pub fn has_language(&self, locale: &str) -> bool {
        pick(&self.variants, locale).is_some()
    }

    fn variant_for(&self, locale: Option<&str>) -> usize {
        locale
            .and_then(|l| pick(&self.variants, l))
            .unwrap_or(self.default)
    }

    /// Things that are not wrong enough to refuse but that the admin should see: a language
    /// whose words read as another, an HTML part that reads in another language than the text.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// One person's message, in their language.
    pub fn render(
        &self,
        person: &Person,
        link: &Link,
        settings: &MessageSettings,
    ) -> Result<Content, AppError> {
        let variant = &self.variants[self.variant_for(person.locale.as_deref())];
        // Dates in the person's own form of the language (`fr-CA`: "14 h 05") when they read it.
        let language = match person.locale.as_deref() {
            Some(locale) if primary(locale) == primary(&variant.tag) => locale,
            _ => variant.tag.as_str(),
        };
        let mut content = variant.set.render(
            person,
            link,
            settings,
            Writing {
                dates: &self.dates,
                language,
            },
        )?;
        content.language = variant.tag.clone();
        Ok(content)
    }

    /// Subjects over `MAX_SUBJECT_CHARS`: a new run refuses them (its preflight); a batch already
    /// under way is not stopped by a rule it was written before.
    pub fn too_long(&self) -> &[String] {
        &self.too_long
    }

    fn check_languages(
        &self,
        template: &Template,
        settings: &MessageSettings,
    ) -> (Vec<String>, Vec<String>) {
        let sample_link = crate::sample_link();
        let mut warnings = Vec::new();
        let mut too_long = Vec::new();
        for variant in &self.variants {
            let person = Person {
                locale: Some(variant.tag.clone()),
                external_id: None,
                ..crate::sample_person()
            };
            let Ok(content) = self.render(&person, &sample_link, settings) else {
                continue;
            };
            let label = describe_language(&variant.tag);
            let subject_length = content.subject.chars().count();
            if subject_length > crate::MAX_SUBJECT_CHARS {
                too_long.push(format!(
                    "{label}: the subject is {subject_length} characters; a subject is at most {}: shorten it",
                    crate::MAX_SUBJECT_CHARS
                ));
            } else if subject_length > crate::SHOWN_SUBJECT_CHARS {
                warnings.push(format!(
                    "{label}: the subject is {subject_length} characters; mail programs show about {}, so the end may not be read",
                    crate::SHOWN_SUBJECT_CHARS
                ));
            }
            let text_language = crate::detect::language(&content.text);
            let html_language = crate::detect::language(&crate::detect::html_text(&content.html));
            let markup = matches!(
                template.languages.get(&variant.tag),
                Some(Variant::Markup(_))
            );
            if markup
                && let (Some(text), Some(html)) = (text_language, html_language)
                && text != html
            {
                warnings.push(format!(
                    "{label}: the HTML part reads as {} and the text part as {}: most mail programs show the HTML part, some only the text",
                    crate::dates::language_name(html),
                    crate::dates::language_name(text)
                ));
                continue;
            }
            if let Some(read) = text_language.or(html_language)
                && read != primary(&variant.tag)
                && crate::detect::knows(primary(&variant.tag))
            {
                warnings.push(format!(
                    "{label}: its words read as {}: people whose language is {} would get them",
                    crate::dates::language_name(read),
                    variant.tag
                ));
            }
            if markup && !crate::detect::say_the_same(&content.text, &content.html) {
                warnings.push(format!(
                    "{label}: the HTML and the text part say different things: rewrite one from the other, or write the message as wording so both come from the same words"
                ));
            }
        }
        (warnings, too_long)
    }
}
