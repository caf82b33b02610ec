//! Where a batch sends things, set beside the profile it would run under. A batch file travels
//! ("prepare offline, mail it to a colleague, run it later") and chooses the mail server that gets
//! every live link, the page the signed token is sent to, the folders links are written to and the
//! template's remote images: before it runs, the person running it sees all of that, and confirms
//! what differs from the profile's own settings. The CLI prints the same list (`run FILE`).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Service;
use crate::AppError;
use crate::batch::{BatchFile, Delivery, InviteMode};
use crate::run::RunTarget;

/// One thing a batch sends somewhere, or decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, strum::IntoStaticStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum DestinationKind {
    Tenant,
    Connection,
    Mode,
    MailServer,
    From,
    ReplyTo,
    /// Where the invitee lands after setting a password (with the signed token, if any).
    ResultUrl,
    /// The application the invitee is sent to instead of a result URL.
    ResultApp,
    HashParameters,
    Roles,
    MetadataKeys,
    OutboxFolder,
    LinksFile,
    /// Something the message loads from the internet when opened.
    RemoteResource,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Destination {
    pub what: DestinationKind,
    pub value: String,
    /// The profile's own setting, when the batch's is different.
    pub profile_value: Option<String>,
    /// Whether the person running the batch must confirm this one (it differs from the profile, or
    /// sends links, tokens or reads somewhere the profile does not name).
    pub attention: bool,
    /// Why it needs attention, in words.
    pub why: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Destinations {
    pub items: Vec<Destination>,
    /// Any item needs the person's confirmation.
    pub needs_confirmation: bool,
}

fn item(what: DestinationKind, value: impl Into<String>) -> Destination {
    Destination {
        what,
        value: value.into(),
        profile_value: None,
        attention: false,
        why: None,
    }
}

fn attention(mut d: Destination, why: impl Into<String>) -> Destination {
    d.attention = true;
    d.why = Some(why.into());
    d
}

/// `host:port (user)` of an SMTP URL, or the URL itself when it does not parse.
fn mail_server(url: &str) -> String {
    crate::secrets::Purpose::mail_server(url)
        .map(|p| p.describe())
        .unwrap_or_else(|_| url.to_owned())
}

/// Whether `path` lies inside one of `roots` (compared without resolving links: a path that does
/// not exist yet is judged by its text, made absolute against the current folder).
fn inside(path: &str, roots: &[PathBuf]) -> bool {
    let path = Path::new(path);
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let normal: PathBuf = absolute.components().collect();
    if normal
        .components()
        .any(|c| matches!(c, std::path::Component::ParentDir))
    {
        return false;
    }
    roots.iter().any(|root| normal.starts_with(root))
}

/// What the batch's messages load from the internet: what the template names outright, and what
/// its messages for the first people name once rendered (a URL made from their data).
fn remote_resources(batch: &BatchFile) -> Vec<String> {
    use crate::template::placement;
    let mut found = Vec::new();
    for variant in batch.template_of(batch.message_kind()).languages.values() {
        if let crate::template::Variant::Markup(set) = variant {
            for url in placement::remote_resources(&set.html) {
                if !found.contains(&url) {
                    found.push(url);
                }
            }
        }
    }
    if let Ok(compiled) = batch.compiled_templates() {
        let link = crate::delivery::sample_link(batch.invitation.ttl_secs);
        for person in batch.people.iter().take(50) {
            if let Ok(content) = compiled.render(person, &link, &batch.message) {
                for url in placement::remote_resources(&content.html) {
                    if !found.contains(&url) {
                        found.push(url);
                    }
                }
            }
        }
    }
    found
}

impl Service {
    /// Everything `batch` sends somewhere, against the profile of `target`.
    pub fn destinations(
        &self,
        target: &RunTarget,
        batch: &BatchFile,
    ) -> Result<Destinations, AppError> {
        use DestinationKind as K;
        let profile = match &target.profile {
            Some(name) => Some(self.profile(name)?),
            None => None,
        };
        let builtin = target
            .profile
            .as_deref()
            .is_some_and(|name| self.builtin_named(name).is_some());
        let inv = &batch.invitation;
        let mut items = vec![item(
            K::Tenant,
            match &profile {
                Some(p) => format!("{} (profile {})", p.domain, p.name),
                None => target.domain.clone(),
            },
        )];

        let mut connection = item(K::Connection, inv.connection.clone());
        if let Some(own) = profile.as_ref().and_then(|p| p.connection.clone())
            && own != inv.connection
        {
            connection.profile_value = Some(own);
            connection = attention(connection, "not the profile's connection");
        }
        items.push(connection);
        items.push(item(
            K::Mode,
            match inv.mode {
                InviteMode::PasswordChange => "password-change ticket",
                InviteMode::EmailVerification => "email-verification ticket",
                InviteMode::Organization => "organization invitation",
            },
        ));

        let roots = self.output_roots();
        match &batch.delivery {
            Delivery::Smtp {
                url,
                from,
                reply_to,
            } => {
                let mut server = item(K::MailServer, mail_server(url));
                let own = profile.as_ref().and_then(|p| p.smtp_url.clone());
                match own {
                    Some(own) if mail_server(&own) != server.value => {
                        server.profile_value = Some(mail_server(&own));
                        server = attention(
                            server,
                            "every invitation link goes through this server, not the profile's",
                        );
                    }
                    None if !builtin => {
                        server = attention(
                            server,
                            "every invitation link goes through this server; the profile names none",
                        );
                    }
                    _ => {}
                }
                items.push(server);
                let mut sender = item(K::From, from.clone());
                if let Some(own) = profile.as_ref().and_then(|p| p.from.clone())
                    && own.trim() != from.trim()
                {
                    sender.profile_value = Some(own);
                    sender = attention(sender, "not the profile's sender");
                }
                items.push(sender);
                if let Some(reply_to) = reply_to {
                    items.push(attention(
                        item(K::ReplyTo, reply_to.clone()),
                        "answers to the invitation go here",
                    ));
                }
            }
            Delivery::Outbox { dir, from } => {
                let mut folder = item(K::OutboxFolder, dir.clone());
                if !inside(dir, &roots) {
                    folder = attention(
                        folder,
                        "messages holding live links are written outside the data and export folders",
                    );
                }
                items.push(folder);
                if let Some(from) = from {
                    items.push(item(K::From, from.clone()));
                }
            }
            Delivery::ExportLinks { file } => {
                let mut links = item(K::LinksFile, file.clone());
                if !inside(file, &roots) {
                    links = attention(
                        links,
                        "live links are written outside the data and export folders",
                    );
                }
                items.push(links);
            }
            Delivery::Auth0 => {}
        }

        if let Some(url) = &inv.result_url {
            let why = if inv.sign_result_url {
                "invitees land here, with a token signed by the profile's key"
            } else {
                "invitees land here after setting a password"
            };
            items.push(attention(item(K::ResultUrl, url.clone()), why));
        }
        if let Some(app) = &inv.client_id {
            items.push(item(K::ResultApp, app.clone()));
        }
        if let Some(hash) = &inv.hash_params {
            items.push(item(K::HashParameters, hash.clone()));
        }
        let mut roles: Vec<String> = inv.roles.clone();
        for person in &batch.people {
            for role in &person.roles {
                if !roles.contains(role) {
                    roles.push(role.clone());
                }
            }
        }
        if !roles.is_empty() {
            items.push(attention(
                item(K::Roles, roles.join(", ")),
                "the file grants these roles",
            ));
        }
        let mut keys: Vec<String> = inv.app_metadata.keys().cloned().collect();
        for person in &batch.people {
            for key in person.app_metadata.keys() {
                let key = format!("app_metadata.{key}");
                if !keys.contains(&key) {
                    keys.push(key);
                }
            }
        }
        if !keys.is_empty() {
            items.push(attention(
                item(K::MetadataKeys, keys.join(", ")),
                "the file sets these app_metadata keys (applications may read them as permissions)",
            ));
        }
        for resource in remote_resources(batch) {
            items.push(attention(
                item(K::RemoteResource, resource),
                "mail clients fetch it when the invitation is opened",
            ));
        }
        let needs_confirmation = items.iter().any(|d| d.attention);
        Ok(Destinations {
            items,
            needs_confirmation,
        })
    }

    /// Where a batch's output files may go without a second look: the data folder and the export
    /// folder.
    fn output_roots(&self) -> Vec<PathBuf> {
        let mut roots = vec![self.paths.data_dir.clone()];
        if let Ok(settings) = self.settings()
            && let Some(dir) = settings.export_dir
        {
            roots.push(dir.into());
        } else if let Some(downloads) = dirs::download_dir() {
            roots.push(downloads);
        }
        roots
    }
}
