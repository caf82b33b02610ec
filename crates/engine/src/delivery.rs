//! From a person and a link to a message, and the "send a test to myself" check.

use invite_desk_mail::smtp::{Accepted, SmtpMailer, SmtpSettings};
use invite_desk_mail::{Envelope, Mailbox};
use lettre::Message;

use crate::AppError;
use crate::roster::Person;
use crate::template::{CompiledTemplates, Content, Link, MessageSettings};

/// Who invitations come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sender {
    pub from: Mailbox,
    pub reply_to: Option<Mailbox>,
}

/// The recipient's mailbox: their name as the roster gives it.
pub fn recipient(person: &Person) -> Mailbox {
    let name = person
        .name
        .clone()
        .or_else(|| match (&person.given_name, &person.family_name) {
            (Some(g), Some(f)) => Some(format!("{g} {f}")),
            (Some(g), None) => Some(g.clone()),
            (None, Some(f)) => Some(f.clone()),
            (None, None) => None,
        });
    Mailbox::new(name.as_deref(), &person.email)
}

/// The invitation for one person, ready to send or to save as `.eml`.
pub fn invitation(
    person: &Person,
    link: &Link,
    templates: &CompiledTemplates,
    settings: &MessageSettings,
    sender: &Sender,
) -> Result<Message, AppError> {
    let content = templates.render(person, link, settings)?;
    let envelope = Envelope {
        from: sender.from.clone(),
        reply_to: sender.reply_to.clone(),
        to: recipient(person),
    };
    let content = invite_desk_mail::Content {
        subject: content.subject,
        html: content.html,
        text: content.text,
    };
    Ok(invite_desk_mail::build_message(&envelope, &content)?)
}

/// What one person will receive, with a link that is visibly not a real one: the app's preview
/// pane and `invite-desk preview` both show this.
pub struct Preview {
    pub to: Mailbox,
    pub sender: Sender,
    pub content: Content,
    /// The whole message as it would be sent (`invite-desk preview --format eml`).
    pub message: Message,
}

pub fn preview(
    person: &Person,
    templates: &CompiledTemplates,
    settings: &MessageSettings,
    sender: &Sender,
    link: &Link,
) -> Result<Preview, AppError> {
    Ok(Preview {
        to: recipient(person),
        sender: sender.clone(),
        content: templates.render(person, link, settings)?,
        message: invitation(person, link, templates, settings, sender)?,
    })
}

/// A sample link shaped like the real one of `kind` (a verification ticket's page, an organization
/// invitation's login), visibly not a real one.
pub fn sample_link_for(kind: crate::template::LinkKind, ttl_seconds: u64) -> Link {
    use crate::template::LinkKind;
    let url = match kind {
        LinkKind::PasswordChange => return sample_link(ttl_seconds),
        LinkKind::EmailVerification => {
            "https://tenant.example/u/email-verification?ticket=PREVIEW-NOT-A-REAL-LINK"
        }
        LinkKind::Organization => {
            "https://app.example/login?invitation=PREVIEW-NOT-A-REAL-LINK&organization=org_preview"
        }
    };
    Link {
        url: url.into(),
        ..sample_link(ttl_seconds)
    }
}

/// A link that is visibly not a real one, for previews and test messages.
pub fn sample_link(ttl_seconds: u64) -> Link {
    Link {
        url: "https://tenant.example/u/reset-password?ticket=PREVIEW-NOT-A-REAL-LINK#type=invite"
            .into(),
        expires_at: crate::duration::after(time::OffsetDateTime::now_utc(), ttl_seconds),
        ttl_seconds,
    }
}

/// "Send a test email to me": the invitation as the recipient would get it, with a sample link.
pub async fn send_test(
    smtp: &SmtpSettings,
    to: &Mailbox,
    language: Option<&str>,
    templates: &CompiledTemplates,
    settings: &MessageSettings,
    sender: &Sender,
    link: &Link,
) -> Result<Accepted, AppError> {
    let person = Person {
        line: 0,
        email: to.address.clone(),
        given_name: None,
        family_name: None,
        name: to.name.clone(),
        roles: Vec::new(),
        app_metadata: serde_json::Map::new(),
        user_metadata: serde_json::Map::new(),
        locale: language.map(str::to_owned),
        external_id: None,
    };
    let message = invitation(&person, link, templates, settings, sender)?;
    let mailer = SmtpMailer::new(smtp)?;
    Ok(mailer.send(&message).await?)
}
