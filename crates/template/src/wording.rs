//! Wording: a message as the admin writes it (subject, greeting, paragraphs, the button's label, notes,
//! sign-off), turned into both parts of the mail by one layout. The HTML and the text part are made
//! from the same words, so they cannot drift apart: rewriting a paragraph in German rewrites it in
//! both.
//!
//! Each field is template text: literal words with `{{ variables }}` (and `{% if %}` when needed).
//! The literal words are HTML-escaped for the HTML part and kept as they are for the text part;
//! the variables are escaped by the template engine as everywhere else.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{AppError, TemplateSet};

/// One language's wording of one message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Wording {
    /// One line.
    pub subject: String,
    /// "Hello {{ greeting_name }},"
    pub greeting: String,
    /// Before the button: who invites, what to do.
    pub paragraphs: Vec<String>,
    /// The button that opens the link (the text part writes the label, then the link).
    pub button: String,
    /// After the button: when the link expires, how to get a new one.
    pub notes: Vec<String>,
    /// Its lines are kept ("Best regards,\n{{ organization }}").
    pub sign_off: String,
    /// Under the button in the HTML part, before the link written out: "If the button does not
    /// work, copy this address into your browser:".
    pub link_hint: String,
}

/// How the layout looks: the same in every language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default, deny_unknown_fields)]
pub struct Style {
    /// The button's colour, `#rrggbb`.
    pub accent: String,
    /// A logo shown above the greeting, embedded in the message (never fetched from elsewhere).
    pub logo: Option<Logo>,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            accent: DEFAULT_ACCENT.into(),
            logo: None,
        }
    }
}

pub const DEFAULT_ACCENT: &str = "#3b5bdb";

/// An image carried inside the message as a `data:` URL: no mail client fetches anything to show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Logo {
    /// `image/png`, `image/jpeg` or `image/gif`.
    pub media_type: String,
    /// The image, base64.
    pub data: String,
    /// Said instead when images are off (often the organization's name).
    #[serde(default)]
    pub alt: String,
}

/// The largest logo: a mail is a few kilobytes, a logo a few more.
pub const MAX_LOGO_BYTES: usize = 100 * 1024;

impl Logo {
    fn embeddable_type(&self) -> bool {
        ["image/png", "image/jpeg", "image/gif"].contains(&self.media_type.as_str())
    }

    fn base64(&self) -> bool {
        !self.data.is_empty()
            && self
                .data
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=')
    }
}

impl Style {
    pub fn check(&self) -> Result<(), AppError> {
        if !is_colour(&self.accent) {
            return Err(AppError::invalid_input(format!(
                "the accent colour \"{}\" is not a colour like #3b5bdb",
                self.accent
            )));
        }
        if let Some(logo) = &self.logo {
            if !logo.embeddable_type() {
                return Err(AppError::invalid_input(format!(
                    "the logo is {}; a mail shows a PNG, JPEG or GIF",
                    logo.media_type
                )));
            }
            if !logo.base64() {
                return Err(AppError::invalid_input("the logo's data is not base64"));
            }
            if logo.data.len() / 4 * 3 > MAX_LOGO_BYTES {
                return Err(AppError::invalid_input(format!(
                    "the logo is over {} KB: a mail with it would be slow to open; use a smaller image",
                    MAX_LOGO_BYTES / 1024
                )));
            }
        }
        Ok(())
    }
}

fn is_colour(text: &str) -> bool {
    text.len() == 7 && text.starts_with('#') && text[1..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// Black or white, whichever reads better on `accent` (WCAG's relative luminance).
fn text_on(accent: &str) -> &'static str {
    let channel = |i: usize| {
        let value = f64::from(u8::from_str_radix(&accent[i..i + 2], 16).unwrap_or(0)) / 255.0;
        if value <= 0.039_28 {
            value / 12.92
        } else {
            ((value + 0.055) / 1.055).powf(2.4)
        }
    };
    let luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
    if luminance > 0.179 {
        "#000000"
    } else {
        "#ffffff"
    }
}

/// A field's text split into literal words and template tags (`{{ … }}`, `{% … %}`, `{# … #}`).
fn pieces(field: &str) -> Vec<(bool, &str)> {
    let mut out = Vec::new();
    let mut rest = field;
    while let Some(open) = rest.find('{') {
        let close = match rest[open + 1..].chars().next() {
            Some('{') => "}}",
            Some('%') => "%}",
            Some('#') => "#}",
            _ => {
                // A lone brace is a word.
                out.push((false, &rest[..open + 1]));
                rest = &rest[open + 1..];
                continue;
            }
        };
        if open > 0 {
            out.push((false, &rest[..open]));
        }
        let end = rest[open + 2..]
            .find(close)
            .map_or(rest.len(), |at| open + 2 + at + 2);
        out.push((true, &rest[open..end]));
        rest = &rest[end..];
    }
    if !rest.is_empty() {
        out.push((false, rest));
    }
    out
}

/// The field as HTML template source: its words escaped, its line breaks `<br>`, its tags kept.
fn html_field(field: &str) -> String {
    let mut out = String::with_capacity(field.len() + 16);
    for (tag, piece) in pieces(field.trim()) {
        if tag {
            out.push_str(piece);
            continue;
        }
        let escaped = crate::escape_attribute(&piece.replace('\r', ""));
        out.push_str(&escaped.replace('\n', "<br>\n"));
    }
    out
}

/// The field as text template source: the words as written, one paragraph.
fn text_field(field: &str) -> String {
    field.trim().replace('\r', "")
}

/// The wording's fields with the names errors use, in order.
pub fn fields(wording: &Wording) -> Vec<(String, &str)> {
    let mut out = vec![
        ("subject".to_owned(), wording.subject.as_str()),
        ("greeting".to_owned(), wording.greeting.as_str()),
    ];
    for (i, p) in wording.paragraphs.iter().enumerate() {
        out.push((format!("paragraph {}", i + 1), p.as_str()));
    }
    out.push(("button".to_owned(), wording.button.as_str()));
    for (i, n) in wording.notes.iter().enumerate() {
        out.push((format!("note {}", i + 1), n.as_str()));
    }
    out.push(("sign-off".to_owned(), wording.sign_off.as_str()));
    out.push(("link hint".to_owned(), wording.link_hint.as_str()));
    out
}

/// The message the wording makes in `language` (the HTML part's `lang`), in Invite Desk's layout.
pub fn layout(wording: &Wording, language: &str, style: &Style) -> TemplateSet {
    let accent = if is_colour(&style.accent) {
        style.accent.as_str()
    } else {
        DEFAULT_ACCENT
    };
    let on_accent = text_on(accent);
    let paragraphs = |list: &[String]| -> Vec<String> {
        list.iter()
            .filter(|p| !p.trim().is_empty())
            .cloned()
            .collect()
    };
    let before = paragraphs(&wording.paragraphs);
    let after = paragraphs(&wording.notes);

    let mut text = String::new();
    text.push_str(&text_field(&wording.greeting));
    text.push_str("\n\n");
    for p in &before {
        text.push_str(&text_field(p));
        text.push_str("\n\n");
    }
    text.push_str(&text_field(&wording.button));
    text.push_str(": {{ link }}\n\n");
    for p in &after {
        text.push_str(&text_field(p));
        text.push_str("\n\n");
    }
    if !wording.sign_off.trim().is_empty() {
        text.push_str(&text_field(&wording.sign_off));
        text.push('\n');
    }

    let lang: String = language
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let mut html = String::new();
    html.push_str(&format!(
        "<!doctype html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n</head>\n",
        html_field(&wording.subject)
    ));
    html.push_str("<body style=\"margin:0;padding:0;background:#f4f5f8;font-family:Segoe UI,Helvetica,Arial,sans-serif;color:#1c2030;\">\n<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" style=\"background:#f4f5f8;padding:24px 0;\">\n<tr><td align=\"center\">\n<table role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\" style=\"width:100%;max-width:560px;background:#ffffff;border-radius:10px;\">\n<tr><td style=\"padding:32px;\">\n");
    // Only what `Style::check` lets through reaches the markup, whoever calls.
    if let Some(logo) = style
        .logo
        .as_ref()
        .filter(|l| l.embeddable_type() && l.base64())
    {
        html.push_str(&format!(
            "<p style=\"margin:0 0 24px;\"><img src=\"data:{};base64,{}\" alt=\"{}\" height=\"40\" style=\"height:40px;border:0;\"></p>\n",
            logo.media_type,
            logo.data,
            html_field(&logo.alt.replace(['{', '}'], ""))
        ));
    }
    html.push_str(&format!(
        "<p style=\"font-size:16px;margin:0 0 16px;\">{}</p>\n",
        html_field(&wording.greeting)
    ));
    for p in &before {
        html.push_str(&format!(
            "<p style=\"font-size:15px;line-height:1.5;margin:0 0 16px;\">{}</p>\n",
            html_field(p)
        ));
    }
    html.push_str(&format!(
        "<p style=\"margin:24px 0;\"><a href=\"{{{{ link }}}}\" style=\"background:{accent};color:{on_accent};text-decoration:none;padding:12px 22px;border-radius:6px;font-weight:600;display:inline-block;\">{}</a></p>\n",
        html_field(&wording.button)
    ));
    for p in &after {
        html.push_str(&format!(
            "<p style=\"font-size:14px;line-height:1.5;color:#5b6275;margin:0 0 16px;\">{}</p>\n",
            html_field(p)
        ));
    }
    html.push_str(&format!(
        "<p style=\"font-size:13px;line-height:1.5;color:#5b6275;margin:0 0 16px;\">{}<br><span style=\"word-break:break-all;\">{{{{ link }}}}</span></p>\n",
        html_field(&wording.link_hint)
    ));
    if !wording.sign_off.trim().is_empty() {
        html.push_str(&format!(
            "<p style=\"font-size:15px;line-height:1.5;margin:24px 0 0;\">{}</p>\n",
            html_field(&wording.sign_off)
        ));
    }
    html.push_str("</td></tr>\n</table>\n</td></tr>\n</table>\n</body>\n</html>\n");

    TemplateSet {
        subject: text_field(&wording.subject),
        html,
        text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_escaped_for_html_and_kept_for_text_tags_kept_in_both() {
        let field = "R&D <team> \"quotes\" {{ app_name }} {% if x %}y{% endif %} {lone}\nline";
        assert_eq!(
            html_field(field),
            "R&amp;D &lt;team&gt; &quot;quotes&quot; {{ app_name }} {% if x %}y{% endif %} {lone}<br>\nline"
        );
        assert_eq!(text_field(field), field);
        // An unclosed tag runs to the end (the engine then reports it where it is).
        assert_eq!(html_field("a {{ b"), "a {{ b");
    }

    #[test]
    fn the_button_reads_on_its_colour() {
        assert_eq!(text_on("#3b5bdb"), "#ffffff");
        assert_eq!(text_on("#ffd43b"), "#000000");
    }

    #[test]
    fn a_style_is_checked() {
        assert!(Style::default().check().is_ok());
        let bad = Style {
            accent: "blue".into(),
            logo: None,
        };
        assert!(bad.check().unwrap_err().message.contains("not a colour"));
        let svg = Style {
            logo: Some(Logo {
                media_type: "image/svg+xml".into(),
                data: "PHN2Zz4=".into(),
                alt: String::new(),
            }),
            ..Style::default()
        };
        assert!(
            svg.check()
                .unwrap_err()
                .message
                .contains("PNG, JPEG or GIF")
        );
    }
}
