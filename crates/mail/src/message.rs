//! One invitation as an RFC 5322 message: multipart/alternative (text, then HTML), Message-ID, Date,
//! From with a display name, optional Reply-To; non-ASCII names encoded by lettre (RFC 2047).

use lettre::Message;
use lettre::message::{Mailbox as LettreMailbox, MultiPart};
use serde::{Deserialize, Serialize};

use crate::error::{MailError, MailErrorKind};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mailbox {
    pub name: Option<String>,
    pub address: String,
}

/// `Name <address>`, or the bare address: as an admin reads and types a mailbox.
impl std::fmt::Display for Mailbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.name {
            Some(name) => write!(f, "{name} <{}>", self.address),
            None => f.write_str(&self.address),
        }
    }
}

impl Mailbox {
    pub fn new(name: Option<&str>, address: &str) -> Self {
        Mailbox {
            name: name.map(str::to_owned).filter(|n| !n.trim().is_empty()),
            address: address.to_owned(),
        }
    }

    /// `Name <address>` or a bare address, as an admin types a sender.
    pub fn parse(text: &str) -> Result<Self, MailError> {
        let mailbox: LettreMailbox = text.trim().parse().map_err(|e| {
            MailError::new(
                MailErrorKind::Invalid,
                format!("\"{text}\" is not a mail address: {e}"),
            )
        })?;
        Ok(Mailbox {
            name: mailbox.name.filter(|n| !n.is_empty()),
            address: mailbox.email.to_string(),
        })
    }

    fn to_lettre(&self) -> Result<LettreMailbox, MailError> {
        let address = self.address.parse().map_err(|e| {
            MailError::new(
                MailErrorKind::Invalid,
                format!("\"{}\" is not a mail address: {e}", self.address),
            )
        })?;
        // Control characters in a display name are data, not header structure.
        let name = self.name.as_ref().map(|n| {
            n.chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect()
        });
        Ok(LettreMailbox::new(name, address))
    }
}

/// Who the message is from and to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    pub from: Mailbox,
    pub reply_to: Option<Mailbox>,
    pub to: Mailbox,
}

/// What the message says, rendered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Content {
    pub subject: String,
    pub html: String,
    pub text: String,
}

pub fn build_message(envelope: &Envelope, content: &Content) -> Result<Message, MailError> {
    let domain = envelope
        .from
        .address
        .rsplit('@')
        .next()
        .unwrap_or("invite-desk.local");
    let id: String = (0..24)
        .map(|_| char::from(b"abcdefghijklmnopqrstuvwxyz0123456789"[rand::random_range(0..36)]))
        .collect();
    let mut builder = Message::builder()
        .from(envelope.from.to_lettre()?)
        .to(envelope.to.to_lettre()?)
        .subject(content.subject.replace(['\r', '\n'], " "))
        .message_id(Some(format!("<{id}@{domain}>")))
        .date_now();
    if let Some(reply_to) = &envelope.reply_to {
        builder = builder.reply_to(reply_to.to_lettre()?);
    }
    builder
        .multipart(MultiPart::alternative_plain_html(
            content.text.clone(),
            content.html.clone(),
        ))
        .map_err(|e| {
            MailError::new(
                MailErrorKind::Invalid,
                format!("the message could not be built: {e}"),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_has_both_parts_and_the_headers() {
        let envelope = Envelope {
            from: Mailbox::parse("Zoë from Acme <invites@acme.example>").unwrap(),
            reply_to: Some(Mailbox::new(Some("Support"), "help@acme.example")),
            to: Mailbox::new(Some("Jürgen \"JJ\" Müßig"), "jj@example.de"),
        };
        let link = "https://t.example/u/reset-password?ticket=AbC123#type=invite&app=Portal";
        let content = Content {
            subject: "Welcome, Jürgen".into(),
            html: format!(
                "<p><a href=\"{}\">Accept</a></p>",
                link.replace('&', "&amp;")
            ),
            text: format!("Open {link}\n"),
        };
        let raw = build_message(&envelope, &content).unwrap().formatted();
        let parsed = mailparse::parse_mail(&raw).unwrap();
        let header = |name: &str| {
            parsed
                .headers
                .iter()
                .find(|h| h.get_key_ref().eq_ignore_ascii_case(name))
                .map(|h| h.get_value())
        };
        assert_eq!(
            header("From").unwrap(),
            "Zoë from Acme <invites@acme.example>"
        );
        assert!(
            header("To").unwrap().contains("Jürgen")
                && header("To").unwrap().contains("jj@example.de")
        );
        assert_eq!(header("Subject").unwrap(), "Welcome, Jürgen");
        assert!(header("Message-ID").unwrap().ends_with("@acme.example>"));
        assert!(header("Date").is_some());
        assert_eq!(header("Reply-To").unwrap(), "Support <help@acme.example>");
        assert_eq!(parsed.ctype.mimetype, "multipart/alternative");
        assert_eq!(parsed.subparts.len(), 2);
        assert_eq!(parsed.subparts[0].ctype.mimetype, "text/plain");
        assert_eq!(parsed.subparts[1].ctype.mimetype, "text/html");
        assert!(
            parsed.subparts[0].get_body().unwrap().contains(link),
            "the text part carries the link as issued"
        );
        // Non-ASCII names travel encoded, never as raw 8-bit header bytes.
        let head =
            String::from_utf8_lossy(&raw[..raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap()])
                .into_owned();
        assert!(head.is_ascii(), "{head}");
    }

    #[test]
    fn a_subject_cannot_carry_a_header_break() {
        let envelope = Envelope {
            from: Mailbox::new(None, "a@example.com"),
            reply_to: None,
            to: Mailbox::new(Some("X\r\nBcc: evil@example.com"), "b@example.com"),
        };
        let content = Content {
            subject: "Hi\r\nBcc: evil@example.com".into(),
            html: String::new(),
            text: String::new(),
        };
        let raw = build_message(&envelope, &content).unwrap().formatted();
        let parsed = mailparse::parse_mail(&raw).unwrap();
        assert!(
            parsed
                .headers
                .iter()
                .all(|h| !h.get_key_ref().eq_ignore_ascii_case("Bcc"))
        );
    }
}
