//! Getting an invitation to a person: SMTP, an `.eml` in the outbox folder, a row in the link export,
//! or nothing (Auth0 mails organization invitations itself).

use parking_lot::Mutex;
use std::path::{Path, PathBuf};

use invite_desk_mail::links::LinkRow;
use invite_desk_mail::smtp::SmtpMailer;

use crate::AppError;
use crate::delivery::{self, Sender};
use crate::roster::Person;
use crate::template::{CompiledTemplates, Link, MessageSettings};

pub struct Message {
    pub templates: CompiledTemplates,
    pub settings: MessageSettings,
    pub sender: Sender,
}

impl Message {
    fn invitation(&self, person: &Person, link: &Link) -> Result<lettre::Message, AppError> {
        delivery::invitation(person, link, &self.templates, &self.settings, &self.sender)
    }
}

pub enum Deliverer {
    Smtp {
        /// Boxed: the mailer (pool, TLS settings, credentials) dwarfs the other variants.
        mailer: Box<SmtpMailer>,
        message: Message,
    },
    Outbox {
        dir: PathBuf,
        message: Message,
        /// Names each file with the person: a later batch's message goes beside, never over it.
        batch_id: String,
    },
    /// Links are collected and written in one file at the end of the run (or when it stops).
    ExportLinks {
        file: PathBuf,
        rows: Mutex<Vec<(String, LinkRow)>>,
    },
    Auth0,
}

pub enum Delivered {
    /// Done (sent, written).
    Now(String),
    /// The connection broke while the mail was on its way: it may have arrived. Never re-sent
    /// silently: the person ends `unconfirmed`, and the admin decides.
    MaybeSent(String),
    /// Waiting for the link file to be written.
    Deferred,
}

impl Deliverer {
    /// Whether an interrupted delivery may have reached the person (so it must not be repeated
    /// silently). Writing a file again only replaces it.
    pub fn repeat_is_visible(&self) -> bool {
        matches!(self, Deliverer::Smtp { .. })
    }

    pub async fn deliver(&self, person: &Person, link: &Link) -> Result<Delivered, AppError> {
        match self {
            Deliverer::Smtp { mailer, message } => {
                let mail = message.invitation(person, link)?;
                match mailer.send(&mail).await {
                    Ok(accepted) => Ok(Delivered::Now(format!(
                        "accepted by the mail server: {} {}",
                        accepted.code, accepted.reply
                    ))),
                    Err(e) if e.maybe_delivered => Ok(Delivered::MaybeSent(e.message)),
                    Err(e) => Err(e.into()),
                }
            }
            Deliverer::Outbox {
                dir,
                message,
                batch_id,
            } => {
                let mail = message.invitation(person, link)?;
                let path = invite_desk_mail::outbox::write_eml(
                    dir,
                    &invite_desk_mail::outbox::message_file_name(
                        &format!("{:05}-{}", person.line, person.email),
                        batch_id,
                    ),
                    &mail,
                )?;
                Ok(Delivered::Now(format!("written to {}", path.display())))
            }
            Deliverer::ExportLinks { rows, .. } => {
                let name = delivery::recipient(person).name.unwrap_or_default();
                let row = LinkRow {
                    email: person.email.clone(),
                    name,
                    link: link.url.clone(),
                    expires_at: super::iso(link.expires_at),
                };
                rows.lock().push((person.email.clone(), row));
                Ok(Delivered::Deferred)
            }
            Deliverer::Auth0 => Ok(Delivered::Now("sent by Auth0".into())),
        }
    }

    /// Writes the collected links (if this deliverer collects them) and returns whose they are.
    /// A file already there (from an earlier part of the same batch) is kept: the new links go to
    /// `<name>-2.csv`, `<name>-3.csv`, ….
    pub fn flush(&self) -> Result<Option<(PathBuf, Vec<String>)>, AppError> {
        let Deliverer::ExportLinks { file, rows } = self else {
            return Ok(None);
        };
        let taken: Vec<(String, LinkRow)> = std::mem::take(&mut *rows.lock());
        if taken.is_empty() {
            return Ok(None);
        }
        let path = free_name(file);
        let (emails, rows): (Vec<String>, Vec<LinkRow>) = taken.into_iter().unzip();
        invite_desk_mail::links::write_links(&path, &rows)?;
        Ok(Some((path, emails)))
    }
}

fn free_name(file: &Path) -> PathBuf {
    if !file.exists() {
        return file.to_path_buf();
    }
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "links".into());
    let ext = file
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    (2u32..)
        .map(|n| file.with_file_name(format!("{stem}-{n}{ext}")))
        .find(|candidate| !candidate.exists())
        .unwrap_or_else(|| file.to_path_buf())
}

/// The sender used when a batch names none (outbox files the admin sends on).
pub const PLACEHOLDER_SENDER: &str = "Invite Desk <invites@invite-desk.invalid>";

/// What the secrets-free batch file needs from outside to deliver: the SMTP password and any extra
/// trusted CA certificate.
#[derive(Default)]
pub struct DeliverySecrets {
    pub smtp_password: Option<secrecy::SecretString>,
    pub extra_root_pem: Option<Vec<u8>>,
    /// The profile's cap on SMTP connections (`Profile::smtp_connections`).
    pub smtp_connections: Option<u32>,
}

/// SMTP connections when the profile does not say.
pub const DEFAULT_SMTP_CONNECTIONS: u32 = 8;
/// The most a profile may ask for.
pub const MAX_SMTP_CONNECTIONS: u32 = 32;
/// Messages that justify one more connection.
const MESSAGES_PER_CONNECTION: usize = 100;

/// Connections for a batch of `messages`: one per 100, at least one, at most the cap. lettre
/// 0.11.23 leaves Nagle's algorithm on, so one connection carries about 23 messages/s
/// (docs/benchmarks.md); a small batch needs no more than one, a large one as many as the
/// provider allows.
pub fn smtp_pool_size(messages: usize, cap: Option<u32>) -> u32 {
    let cap = cap
        .unwrap_or(DEFAULT_SMTP_CONNECTIONS)
        .clamp(1, MAX_SMTP_CONNECTIONS);
    (messages.div_ceil(MESSAGES_PER_CONNECTION) as u32).clamp(1, cap)
}

/// Who a batch's messages come from: the delivery's sender, else the placeholder.
pub fn sender(delivery: &crate::batch::Delivery) -> Result<Sender, AppError> {
    use crate::batch::Delivery;
    use invite_desk_mail::Mailbox;
    let (from, reply_to) = match delivery {
        Delivery::Smtp { from, reply_to, .. } => (Some(from.as_str()), reply_to.as_deref()),
        Delivery::Outbox { from, .. } => (from.as_deref(), None),
        Delivery::ExportLinks { .. } | Delivery::Auth0 => (None, None),
    };
    Ok(Sender {
        from: Mailbox::parse(from.unwrap_or(PLACEHOLDER_SENDER))?,
        reply_to: reply_to.map(Mailbox::parse).transpose()?,
    })
}

/// The deliverer a batch file describes.
pub fn for_batch(
    batch: &crate::batch::BatchFile,
    secrets: DeliverySecrets,
) -> Result<Deliverer, AppError> {
    use crate::batch::Delivery;
    let message = || -> Result<Message, AppError> {
        Ok(Message {
            templates: batch.compiled_templates()?,
            settings: batch.message.clone(),
            sender: sender(&batch.delivery)?,
        })
    };
    Ok(match &batch.delivery {
        Delivery::Smtp { url, .. } => {
            let mut settings = invite_desk_mail::smtp::SmtpSettings::new(url);
            settings.password = secrets.smtp_password;
            settings.extra_root_pem = secrets.extra_root_pem;
            settings.pool_size = smtp_pool_size(batch.people.len(), secrets.smtp_connections);
            Deliverer::Smtp {
                mailer: Box::new(SmtpMailer::new(&settings)?),
                message: message()?,
            }
        }
        Delivery::Outbox { dir, .. } => {
            invite_desk_mail::outbox::sweep_partials(Path::new(dir));
            Deliverer::Outbox {
                dir: dir.into(),
                message: message()?,
                batch_id: batch.id.clone(),
            }
        }
        Delivery::ExportLinks { file } => Deliverer::ExportLinks {
            file: file.into(),
            rows: Mutex::new(Vec::new()),
        },
        Delivery::Auth0 => Deliverer::Auth0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pool_follows_the_batch_up_to_the_profiles_cap() {
        assert_eq!(smtp_pool_size(0, None), 1);
        assert_eq!(smtp_pool_size(40, None), 1);
        assert_eq!(smtp_pool_size(250, None), 3);
        assert_eq!(smtp_pool_size(10_000, None), DEFAULT_SMTP_CONNECTIONS);
        assert_eq!(smtp_pool_size(10_000, Some(2)), 2);
        assert_eq!(smtp_pool_size(10_000, Some(500)), MAX_SMTP_CONNECTIONS);
        assert_eq!(smtp_pool_size(10, Some(0)), 1);
    }
}
