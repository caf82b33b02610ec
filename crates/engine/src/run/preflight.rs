//! Preflight: everything about a batch that can be checked before the first write, checked before
//! the first write. A run, a resume, a retry and a resend all go through it (the service calls it
//! before `execute`), the app's Review step shows it as a checklist, the CLI prints it (also in a
//! dry run). A failed check stops the run with nothing written to the tenant; the batch stays
//! resumable once the cause is fixed.

use std::path::Path;

use invite_desk_auth0::ManagementClient;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::deliver::Deliverer;
use crate::batch::{BatchFile, Delivery, ExistingPolicy, InviteMode};
use crate::{AppError, ErrorCode};

pub use crate::secrets::MIN_SIGNING_KEY_BYTES;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    TS,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum CheckItem {
    /// The tenant gives the client a token.
    Credentials,
    /// The token grants every scope this batch uses.
    Scopes,
    /// The connection exists and users can be created in it.
    Connection,
    Roles,
    Organization,
    /// The mail server takes a login (connect, TLS, AUTH), or the outbox / link file can be written.
    Delivery,
    SigningKey,
    /// The message renders for every person.
    Template,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Passed,
    /// Worth a look, does not stop the run.
    Warning,
    Failed,
    /// Not asked (no tenant given, or an earlier check failed), or not needed by this batch.
    Skipped,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Check {
    pub item: CheckItem,
    pub status: CheckStatus,
    /// What was seen, or what is wrong and how to fix it.
    pub detail: String,
    /// For a failure: the error code the run would stop with.
    pub code: Option<ErrorCode>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Preflight {
    pub checks: Vec<Check>,
    /// What the checks learned that the run needs too, so it does not ask the tenant again.
    #[serde(skip)]
    #[ts(skip)]
    pub found: TenantFacts,
}

/// The tenant's answers a run needs before its first write.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TenantFacts {
    /// The batch's connection, checked to be one users can be created in.
    pub connection_id: Option<String>,
    /// Every role of the tenant, by lower-case name, when the batch grants any.
    pub roles: Option<std::collections::HashMap<String, String>>,
}

impl Preflight {
    pub fn passed(&self) -> bool {
        self.checks.iter().all(|c| c.status != CheckStatus::Failed)
    }

    /// `Ok` when nothing failed; else one error naming every failed check, with the first one's code.
    pub fn into_result(self) -> Result<Preflight, AppError> {
        let failed: Vec<&Check> = self
            .checks
            .iter()
            .filter(|c| c.status == CheckStatus::Failed)
            .collect();
        let Some(first) = failed.first() else {
            return Ok(self);
        };
        let code = first.code.unwrap_or(ErrorCode::InvalidInput);
        let lines: Vec<String> = failed.iter().map(|c| c.detail.clone()).collect();
        Err(AppError::new(
            code,
            format!(
                "the batch was not started (nothing was written to the tenant): {}",
                lines.join("; ")
            ),
        ))
    }

    fn push(&mut self, item: CheckItem, status: CheckStatus, detail: impl Into<String>) {
        self.checks.push(Check {
            item,
            status,
            detail: detail.into(),
            code: None,
        });
    }

    fn fail(&mut self, item: CheckItem, error: AppError) {
        self.checks.push(Check {
            item,
            status: CheckStatus::Failed,
            detail: error.message,
            code: Some(error.code),
        });
    }
}

/// What the preflight looks at. `client` is `None` for an offline check (no tenant given).
pub struct PreflightInput<'a> {
    pub client: Option<&'a ManagementClient>,
    pub batch: &'a BatchFile,
    /// `None` when the deliverer could not even be built (its error is in `delivery_error`).
    pub deliverer: Option<&'a Deliverer>,
    pub delivery_error: Option<AppError>,
    /// Whether the mail server is to be asked (a login, nothing sent).
    pub contact_mail_server: bool,
    pub signing_key: Option<&'a SecretString>,
}

/// The scopes this batch uses, each with what for (import jobs need `create:users` too, which every
/// batch that creates users has anyway).
pub fn scopes_needed(batch: &BatchFile) -> Vec<(&'static str, &'static str)> {
    let inv = &batch.invitation;
    let mut needed = vec![("read:connections", "find the connection")];
    let any_roles = !inv.roles.is_empty() || batch.people.iter().any(|p| !p.roles.is_empty());
    match inv.mode {
        InviteMode::PasswordChange | InviteMode::EmailVerification => {
            needed.push(("read:users", "look people up"));
            needed.push(("create:users", "create the users"));
            needed.push(("create:user_tickets", "make the invitation links"));
            if inv.existing != ExistingPolicy::Skip {
                needed.push(("update:users", "stamp existing users' app_metadata"));
            }
        }
        InviteMode::Organization => {
            needed.push((
                "create:organization_invitations",
                "send organization invitations",
            ));
            needed.push(("read:organizations", "find the organization"));
            // The invitation carries the roles: granting them is Auth0's, on acceptance.
            if any_roles {
                needed.push(("read:roles", "find the roles"));
            }
            return needed;
        }
    }
    if any_roles {
        needed.push(("read:roles", "find the roles"));
        needed.push(("create:role_members", "grant the roles"));
    }
    needed
}

pub async fn preflight(input: PreflightInput<'_>) -> Preflight {
    let mut out = Preflight {
        checks: Vec::new(),
        found: TenantFacts::default(),
    };
    tenant_checks(&input, &mut out).await;
    delivery_check(&input, &mut out).await;
    signing_key_check(&input, &mut out);
    template_check(input.batch, &mut out);
    out
}

async fn tenant_checks(input: &PreflightInput<'_>, out: &mut Preflight) {
    let later = [
        CheckItem::Scopes,
        CheckItem::Connection,
        CheckItem::Roles,
        CheckItem::Organization,
    ];
    let Some(client) = input.client else {
        out.push(
            CheckItem::Credentials,
            CheckStatus::Skipped,
            "no tenant given: the tenant is checked when the batch runs",
        );
        for item in later {
            out.push(item, CheckStatus::Skipped, "no tenant given");
        }
        return;
    };
    let batch = input.batch;
    let granted = match client.granted_scopes().await {
        Ok(granted) => granted,
        Err(e) => {
            out.fail(CheckItem::Credentials, e.into());
            for item in later {
                out.push(
                    item,
                    CheckStatus::Skipped,
                    "the tenant could not be reached",
                );
            }
            return;
        }
    };
    out.push(
        CheckItem::Credentials,
        CheckStatus::Passed,
        format!("the tenant {} gave the client a token", client.tenant()),
    );
    let needed = scopes_needed(batch);
    match &granted {
        None => out.push(
            CheckItem::Scopes,
            CheckStatus::Skipped,
            "the token does not list its scopes",
        ),
        Some(granted) => {
            let missing: Vec<String> = needed
                .iter()
                .filter(|(scope, _)| !granted.iter().any(|g| g == scope))
                .map(|(scope, what)| format!("{scope} (to {what})"))
                .collect();
            if missing.is_empty() {
                out.push(
                    CheckItem::Scopes,
                    CheckStatus::Passed,
                    format!("all {} scopes this batch uses are granted", needed.len()),
                );
            } else {
                out.fail(
                    CheckItem::Scopes,
                    AppError::new(
                        ErrorCode::Auth,
                        format!(
                            "the client lacks {}: authorize them in Dashboard > Applications > APIs > Auth0 Management API > Machine to Machine Applications",
                            missing.join(", ")
                        ),
                    ),
                );
            }
        }
    }

    let inv = &batch.invitation;
    let connection = &inv.connection;
    match client.list_connections(None, Some(connection)).await {
        Err(e) => out.fail(CheckItem::Connection, e.into()),
        Ok(list) => match list
            .into_iter()
            .find(|c| c.name.as_deref() == Some(connection.as_str()))
        {
            None => out.fail(
                CheckItem::Connection,
                AppError::invalid_input(format!(
                    "the tenant has no connection named \"{connection}\""
                )),
            ),
            Some(c)
                if inv.mode != InviteMode::Organization
                    && c.strategy.as_deref() != Some("auth0") =>
            {
                out.fail(
                    CheckItem::Connection,
                    AppError::invalid_input(format!(
                        "connection \"{connection}\" is not a database connection (strategy {}): users can only be created in one",
                        c.strategy.as_deref().unwrap_or("unknown")
                    )),
                )
            }
            Some(c) => {
                if c.signup_disabled() {
                    out.push(
                        CheckItem::Connection,
                        CheckStatus::Passed,
                        format!("connection \"{connection}\" takes new users; sign-up is disabled"),
                    );
                } else {
                    out.push(
                        CheckItem::Connection,
                        CheckStatus::Warning,
                        format!(
                            "connection \"{connection}\" lets anyone sign up: turn on \"Disable Sign Ups\" if only invited people may have accounts"
                        ),
                    );
                }
                out.found.connection_id = Some(c.id);
            }
        },
    }

    let person_roles: Vec<&String> = batch.people.iter().flat_map(|p| &p.roles).collect();
    if inv.roles.is_empty() && person_roles.is_empty() {
        out.push(
            CheckItem::Roles,
            CheckStatus::Skipped,
            "the batch grants no roles",
        );
    } else {
        match client.list_roles(None).await {
            Err(e) => out.fail(CheckItem::Roles, e.into()),
            Ok(roles) => {
                out.found.roles = Some(
                    roles
                        .iter()
                        .map(|r| (r.name.to_lowercase(), r.id.clone()))
                        .collect(),
                );
                let known = |name: &str| roles.iter().any(|r| r.name.eq_ignore_ascii_case(name));
                let unknown_for_all: Vec<&str> = inv
                    .roles
                    .iter()
                    .filter(|r| !known(r))
                    .map(String::as_str)
                    .collect();
                let mut unknown_for_some: Vec<&str> = person_roles
                    .iter()
                    .filter(|r| !known(r))
                    .map(|r| r.as_str())
                    .collect();
                unknown_for_some.sort_unstable();
                unknown_for_some.dedup();
                if !unknown_for_all.is_empty() {
                    out.fail(
                        CheckItem::Roles,
                        AppError::invalid_input(format!(
                            "the tenant has no role named {} (the batch grants it to everyone)",
                            quoted(&unknown_for_all)
                        )),
                    );
                } else if !unknown_for_some.is_empty() {
                    out.push(
                        CheckItem::Roles,
                        CheckStatus::Warning,
                        format!(
                            "the tenant has no role named {}: the people given it will fail",
                            quoted(&unknown_for_some)
                        ),
                    );
                } else {
                    out.push(CheckItem::Roles, CheckStatus::Passed, "every role exists");
                }
            }
        }
    }

    match (&inv.mode, &inv.organization_id) {
        (InviteMode::Organization, Some(id)) => match client.list_organizations().await {
            Err(e) => out.fail(CheckItem::Organization, e.into()),
            Ok(list) if list.iter().any(|o| &o.id == id) => out.push(
                CheckItem::Organization,
                CheckStatus::Passed,
                format!("organization {id} exists"),
            ),
            // The first page holds 100: beyond that, absent from it is not absent.
            Ok(list) if list.len() >= 100 => out.push(
                CheckItem::Organization,
                CheckStatus::Warning,
                format!("organization {id} is not among the first 100 the tenant lists: it could not be confirmed"),
            ),
            Ok(_) => out.fail(
                CheckItem::Organization,
                AppError::invalid_input(format!("the tenant has no organization {id}")),
            ),
        },
        _ => out.push(
            CheckItem::Organization,
            CheckStatus::Skipped,
            "not an organization invitation",
        ),
    }
}

async fn delivery_check(input: &PreflightInput<'_>, out: &mut Preflight) {
    let Some(deliverer) = input.deliverer else {
        let error = input
            .delivery_error
            .clone()
            .unwrap_or_else(|| AppError::internal("no deliverer to check"));
        out.fail(CheckItem::Delivery, error);
        return;
    };
    match deliverer {
        Deliverer::Smtp { mailer, message } => {
            let target = mailer.target();
            let server = format!("{}:{}", target.host, target.port);
            if !input.contact_mail_server {
                out.push(
                    CheckItem::Delivery,
                    CheckStatus::Skipped,
                    format!("the mail server {server} is asked when the batch runs"),
                );
                return;
            }
            let from = &message.sender.from.address;
            match smtp_check(mailer, &server, from).await {
                Ok(detail) => out.push(CheckItem::Delivery, CheckStatus::Passed, detail),
                Err(error) => out.fail(CheckItem::Delivery, error),
            }
        }
        Deliverer::Outbox { dir, .. } => match writable_folder(dir) {
            Ok(()) => out.push(
                CheckItem::Delivery,
                CheckStatus::Passed,
                format!("the outbox {} can be written", dir.display()),
            ),
            Err(e) => out.fail(CheckItem::Delivery, e),
        },
        Deliverer::ExportLinks { file, .. } => {
            let folder = file
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            match writable_folder(folder) {
                Ok(()) => out.push(
                    CheckItem::Delivery,
                    CheckStatus::Passed,
                    format!("the link file {} can be written", file.display()),
                ),
                Err(e) => out.fail(CheckItem::Delivery, e),
            }
        }
        Deliverer::Auth0 => out.push(
            CheckItem::Delivery,
            CheckStatus::Passed,
            "Auth0 sends the invitations",
        ),
    }
}

/// The mail server takes the login, then the sender: what was seen, or why not (in the server's
/// words, naming it).
async fn smtp_check(
    mailer: &invite_desk_mail::smtp::SmtpMailer,
    server: &str,
    from: &str,
) -> Result<String, AppError> {
    let refused = |what: &str, e: invite_desk_mail::MailError, fix: &str| {
        let error = AppError::from(e);
        AppError::new(
            error.code,
            format!(
                "the mail server {server} refused{what}: {}{fix}",
                error.message
            ),
        )
    };
    mailer.check().await.map_err(|e| refused("", e, ""))?;
    mailer.check_sender(from).await.map_err(|e| {
        refused(
            &format!(" the sender {from}"),
            e,
            "; send from an address this server lets the account use",
        )
    })?;
    Ok(match &mailer.target().user {
        Some(user) => {
            format!("{server} took the login of {user} and the sender {from} (nothing was sent)")
        }
        None => format!("{server} answered and took the sender {from} (nothing was sent)"),
    })
}

/// Whether files can be written in `dir`, without changing anything: a probe file is written and
/// removed in `dir`, or, when `dir` does not exist yet, in the nearest folder above it that does
/// (the run creates the rest). A path through a regular file can never be a folder.
fn writable_folder(dir: &Path) -> Result<(), AppError> {
    let mut existing = dir;
    while !existing.exists() {
        match existing.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => existing = parent,
            _ => {
                existing = Path::new(".");
                break;
            }
        }
    }
    if !existing.is_dir() {
        return Err(AppError::new(
            ErrorCode::Io,
            format!(
                "{} cannot be a folder: {} is a file",
                dir.display(),
                existing.display()
            ),
        ));
    }
    tempfile::Builder::new()
        .prefix(".invite-desk-probe")
        .tempfile_in(existing)
        .map(drop)
        .map_err(|e| AppError::io("write into", existing, &e))
}

fn signing_key_check(input: &PreflightInput<'_>, out: &mut Preflight) {
    if !input.batch.invitation.sign_result_url {
        out.push(
            CheckItem::SigningKey,
            CheckStatus::Skipped,
            "the result URL is not signed",
        );
        return;
    }
    match input.signing_key {
        None => out.fail(
            CheckItem::SigningKey,
            AppError::new(
                ErrorCode::Keychain,
                "signing the result URL needs the profile's signing key, and none is stored",
            ),
        ),
        Some(key) if key.expose_secret().len() < MIN_SIGNING_KEY_BYTES => out.fail(
            CheckItem::SigningKey,
            AppError::invalid_input(format!(
                "the signing key is {} bytes; HS256 needs at least {MIN_SIGNING_KEY_BYTES}: save a longer one",
                key.expose_secret().len()
            )),
        ),
        Some(_) => out.push(
            CheckItem::SigningKey,
            CheckStatus::Passed,
            "the signing key is long enough",
        ),
    }
}

fn template_check(batch: &BatchFile, out: &mut Preflight) {
    if matches!(
        batch.delivery,
        Delivery::ExportLinks { .. } | Delivery::Auth0
    ) {
        out.push(
            CheckItem::Template,
            CheckStatus::Skipped,
            "this delivery sends no message of Invite Desk's",
        );
        return;
    }
    let templates = match batch.compiled_templates() {
        Ok(t) => t,
        Err(e) => {
            out.fail(CheckItem::Template, e);
            return;
        }
    };
    let link = crate::delivery::sample_link(batch.invitation.ttl_secs);
    let mut failures = Vec::new();
    let mut languages: std::collections::BTreeMap<String, usize> = Default::default();
    for person in &batch.people {
        match templates.render(person, &link, &batch.message) {
            Ok(content) => *languages.entry(content.language).or_default() += 1,
            Err(e) => failures.push(format!("line {}: {}", person.line, e.message)),
        }
    }
    if let Some(warning) = crate::languages::without_wording(&batch.people, &templates) {
        out.push(CheckItem::Template, CheckStatus::Warning, warning);
    }
    for warning in templates.warnings() {
        out.push(CheckItem::Template, CheckStatus::Warning, warning.clone());
    }
    if !templates.too_long().is_empty() {
        out.fail(
            CheckItem::Template,
            AppError::invalid_input(templates.too_long().join("; ")),
        );
        return;
    }
    if failures.is_empty() {
        let mut read: Vec<(String, usize)> = languages.into_iter().collect();
        read.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let in_languages = match read.as_slice() {
            [] => String::new(),
            [(tag, _)] => format!(", in {}", crate::template::dates::language_name(tag)),
            several => format!(
                ": {}",
                several
                    .iter()
                    .map(|(tag, n)| format!(
                        "{n} in {}",
                        crate::template::dates::language_name(tag)
                    ))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        out.push(
            CheckItem::Template,
            CheckStatus::Passed,
            format!(
                "the message renders for all {} people{in_languages}",
                batch.people.len()
            ),
        );
    } else {
        let shown: Vec<&str> = failures.iter().take(5).map(String::as_str).collect();
        out.fail(
            CheckItem::Template,
            AppError::invalid_input(format!(
                "the message does not render for {} people ({})",
                failures.len(),
                shown.join("; ")
            )),
        );
    }
}

fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ")
}
