//! A batch: the people, how to invite them, the message and how to deliver it, saved as one versioned
//! JSON file that holds no secret (there is no field for one), so it can be prepared offline, reviewed,
//! mailed to a colleague and run later. `plan` says what a run will do without touching anything.

use std::collections::HashSet;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

use crate::AppError;
use crate::roster::Person;
use crate::run::RunOptions;
use crate::run::strategy::{self, RateEstimate, Workload};
use crate::template::{CompiledTemplates, LinkKind, MessageKind, MessageSettings, Template};
use invite_desk_auth0::plans::TenantPlan;

/// The `format` every batch file carries.
pub const BATCH_FORMAT: &str = "invite-desk-batch";
/// The newest version this build writes and reads. Version 2 gave templates languages (version 1
/// files still read: their template is English markup, or the built-in wording if it was the
/// built-in one).
pub const BATCH_VERSION: u32 = 2;
/// Organization invitations may live 30 days at most (Auth0's limit).
const MAX_ORGANIZATION_TTL: u64 = 30 * 86_400;
/// The longest ticket link Invite Desk makes (`duration::MAX_LINK_LIFETIME_SECS`).
pub const MAX_TICKET_TTL_SECS: u64 = crate::duration::MAX_LINK_LIFETIME_SECS;

/// What a journaled batch was for. Only `invitation` and `resend` batches can be the source of a
/// resend: a copied link was handed to a support agent, not mailed, so copying its settings would
/// "resend" nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum BatchPurpose {
    #[default]
    Invitation,
    /// One person invited again (Find person's *Resend*, `invite-desk resend`).
    Resend,
    /// A new link for one person, shown once instead of delivered (*Copy a new link*, `invite-desk link`).
    LinkCopy,
    /// A follow-up wave: a reminder with a new link to people who have not used theirs yet.
    Reminder,
    /// A follow-up wave: a new link to people whose link expired unused.
    Reissue,
}

impl BatchPurpose {
    /// Whether the batch carried an invitation (its settings are what a resend copies): not a
    /// copied link, not a reminder or a new link with their own wording.
    pub fn invites(self) -> bool {
        matches!(self, BatchPurpose::Invitation | BatchPurpose::Resend)
    }
}

/// How a batch is followed up: a cadence `invite-desk followup --due` (and the app when it opens)
/// carries out, the limit on reminders, and whether acceptance is written back to Auth0.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct FollowUpSettings {
    /// Days after the invitation at which people who have not accepted get a reminder, e.g.
    /// `[3, 6]`. Empty: no reminder is scheduled (`followup --remind` still sends one).
    pub remind_after_days: Vec<u32>,
    /// People whose link expired unused get a new one, once, when the cadence runs.
    pub reissue_expired: bool,
    /// At most this many reminders a person, however they are asked for.
    pub max_reminders: u32,
    /// Sets `app_metadata.invitation.status` to `accepted` when a check sees acceptance.
    pub mark_accepted: bool,
    /// The reminder's wording (the built-in one, right for the batch's mode, when absent).
    pub reminder_template: Option<Template>,
    /// The new link's wording (the built-in one when absent).
    pub reissue_template: Option<Template>,
}

/// Two reminders at most, unless the batch says otherwise.
pub const DEFAULT_MAX_REMINDERS: u32 = 2;

impl Default for FollowUpSettings {
    fn default() -> Self {
        FollowUpSettings {
            remind_after_days: Vec::new(),
            reissue_expired: false,
            max_reminders: DEFAULT_MAX_REMINDERS,
            mark_accepted: false,
            reminder_template: None,
            reissue_template: None,
        }
    }
}

/// Reminders a person may get at most, whatever a batch says.
const MOST_REMINDERS: u32 = 10;

impl FollowUpSettings {
    pub fn validate(&self) -> Result<(), AppError> {
        if self.max_reminders > MOST_REMINDERS {
            return Err(invalid(format!(
                "at most {MOST_REMINDERS} reminders a person: {} would be spam",
                self.max_reminders
            )));
        }
        let mut last = 0;
        for &day in &self.remind_after_days {
            if day == 0 || day > 365 {
                return Err(invalid(format!(
                    "a reminder comes 1 to 365 days after the invitation, not {day}"
                )));
            }
            if day <= last {
                return Err(invalid(
                    "the reminder days must grow, e.g. 3,6 (each counted from the invitation)",
                ));
            }
            last = day;
        }
        Ok(())
    }

    /// Whether a cadence is saved (`followup --due` looks at the batch).
    pub fn has_cadence(&self) -> bool {
        !self.remind_after_days.is_empty() || self.reissue_expired
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum InviteMode {
    /// Create the user, then a password-change ticket (the recommended invitation).
    PasswordChange,
    /// Create the user, then an email-verification ticket.
    EmailVerification,
    /// An organization invitation (the user is created when they accept).
    Organization,
}

/// What happens to people who already have an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum ExistingPolicy {
    Skip,
    /// New ticket and mail.
    Reinvite,
    /// Roles and metadata only, no mail.
    Grant,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Delivery {
    /// Send over SMTP. The password is not here: it comes from the keychain or SMTP_PASSWORD.
    Smtp {
        url: String,
        from: String,
        reply_to: Option<String>,
    },
    /// Write one `.eml` per person into a folder.
    Outbox {
        dir: String,
        /// The sender written in each message (a placeholder address when absent).
        #[serde(default)]
        from: Option<String>,
    },
    /// Write a CSV of links (bearer secrets: only where the admin asks for it).
    ExportLinks { file: String },
    /// Auth0 sends the organization invitation itself.
    Auth0,
}

impl Delivery {
    /// What delivering is for this kind, in the words the screens use.
    pub fn delivered_as(&self) -> crate::journal::DeliveredAs {
        use crate::journal::DeliveredAs;
        match self {
            Delivery::Smtp { .. } => DeliveredAs::Sent,
            Delivery::Outbox { .. } => DeliveredAs::WrittenToOutbox,
            Delivery::ExportLinks { .. } => DeliveredAs::LinkExported,
            Delivery::Auth0 => DeliveredAs::SentByAuth0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct InvitationSettings {
    pub mode: InviteMode,
    /// The database connection's name.
    pub connection: String,
    pub ttl_secs: u64,
    /// Where the ticket leads after use (classic login); exclusive with `client_id`.
    pub result_url: Option<String>,
    /// The application whose login follows the ticket (new Universal Login).
    pub client_id: Option<String>,
    pub organization_id: Option<String>,
    pub mark_email_as_verified: bool,
    /// Appended after the ticket's `#`, e.g. `type=invite&app=Portal`.
    pub hash_params: Option<String>,
    /// Role names, granted to everyone (on top of each person's own roles).
    pub roles: Vec<String>,
    /// Stamped on every user's app_metadata.
    #[ts(type = "Record<string, unknown>")]
    pub app_metadata: Map<String, Value>,
    pub existing: ExistingPolicy,
    /// Append a signed invitation token (HS256 JWT: user id, email, expiry) to `result_url`, so the
    /// application the link leads to can check who arrives. The key is the profile's signing key in
    /// the keychain, never in this file.
    #[serde(default)]
    pub sign_result_url: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct BatchFile {
    pub format: String,
    pub version: u32,
    pub id: String,
    pub created_at: String,
    pub name: Option<String>,
    pub people: Vec<Person>,
    pub invitation: InvitationSettings,
    pub message: MessageSettings,
    /// The invitation's wording in every language; absent: the built-in wording, right for the
    /// mode (and for the purpose: a reminder wave's is the reminder's).
    #[serde(default)]
    pub template: Option<Template>,
    pub delivery: Delivery,
    /// Absent in files written before resends and copied links were told apart: an invitation.
    #[serde(default)]
    pub purpose: BatchPurpose,
    /// Reminders, new links for the expired, writing acceptance back (absent: none scheduled).
    #[serde(default)]
    pub follow_up: FollowUpSettings,
    /// For a follow-up wave (reminder, re-issue): the batch it follows up.
    #[serde(default)]
    pub follows: Option<String>,
}

/// The link lifetime when none is chosen: one week.
pub const DEFAULT_TTL_SECS: u64 = 7 * 86_400;

impl InvitationSettings {
    /// The defaults: a password-change ticket valid a week that marks the address verified,
    /// existing users skipped, no roles, no metadata, no result URL.
    pub fn new(connection: impl Into<String>) -> Self {
        InvitationSettings {
            mode: InviteMode::PasswordChange,
            connection: connection.into(),
            ttl_secs: DEFAULT_TTL_SECS,
            result_url: None,
            client_id: None,
            organization_id: None,
            mark_email_as_verified: true,
            hash_params: None,
            roles: Vec::new(),
            app_metadata: Map::new(),
            existing: ExistingPolicy::Skip,
            sign_result_url: false,
        }
    }
}

impl BatchFile {
    /// A new batch: a fresh id, created now, the built-in template, default message settings.
    pub fn new(people: Vec<Person>, invitation: InvitationSettings, delivery: Delivery) -> Self {
        BatchFile {
            format: BATCH_FORMAT.into(),
            version: BATCH_VERSION,
            id: crate::ids::new_batch_id(),
            created_at: crate::ids::iso(time::OffsetDateTime::now_utc()),
            name: None,
            people,
            invitation,
            message: MessageSettings::default(),
            template: None,
            delivery,
            purpose: BatchPurpose::Invitation,
            follow_up: FollowUpSettings::default(),
            follows: None,
        }
    }
}

fn invalid(message: impl Into<String>) -> AppError {
    AppError::invalid_input(message)
}

fn check_url(what: &str, url: &str) -> Result<(), AppError> {
    let parsed =
        url::Url::parse(url).map_err(|e| invalid(format!("{what} \"{url}\" is not a URL: {e}")))?;
    let loopback = matches!(parsed.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        _ => Err(invalid(format!(
            "{what} must be an https URL (http only for this machine): {url}"
        ))),
    }
}

impl BatchFile {
    /// Checks everything that can be checked offline.
    pub fn validate(&self) -> Result<(), AppError> {
        if self.format != BATCH_FORMAT {
            return Err(invalid(format!(
                "this is not an Invite Desk batch file (format \"{}\")",
                self.format
            )));
        }
        if self.version > BATCH_VERSION {
            return Err(invalid(format!(
                "this batch file is version {}; this Invite Desk reads up to version {BATCH_VERSION}: update Invite Desk",
                self.version
            )));
        }
        if crate::roster::language::normalize(&self.message.language)
            .ok()
            .flatten()
            .is_none()
        {
            return Err(invalid(format!(
                "the batch's language \"{}\" is not a language tag (en, de, fr-CA…)",
                self.message.language
            )));
        }
        self.compiled_templates()?;
        // A follow-up message is checked now, its own or the built-in one, whenever it may be
        // sent: a reminder that cannot be written in the batch's language would otherwise fail on
        // the day it is due.
        if self.message_kind() == MessageKind::Invitation {
            let scheduled = self.follow_up.has_cadence();
            for (kind, own, name) in [
                (
                    MessageKind::Reminder,
                    &self.follow_up.reminder_template,
                    "reminder",
                ),
                (
                    MessageKind::Reissue,
                    &self.follow_up.reissue_template,
                    "new link",
                ),
            ] {
                if own.is_some() || scheduled {
                    CompiledTemplates::compile_with(&self.template_of(kind), &self.message)
                        .map_err(|e| {
                            AppError::new(e.code, format!("the {name} message: {}", e.message))
                        })?;
                }
            }
        }
        // The id names the batch's lock and link files.
        crate::files::check_file_id("the batch id", &self.id)?;
        if let Delivery::Smtp { url, .. } = &self.delivery
            && url::Url::parse(url).is_ok_and(|u| u.password().is_some())
        {
            // Never journaled, saved or shown: the password lives in the keychain or SMTP_PASSWORD.
            return Err(invalid(
                "the SMTP URL holds a password: take it out (the password comes from the keychain or SMTP_PASSWORD)",
            ));
        }
        let inv = &self.invitation;
        if inv.connection.trim().is_empty() {
            return Err(invalid("the batch names no database connection"));
        }
        if inv.ttl_secs == 0 {
            return Err(invalid("the link lifetime must be above zero"));
        }
        if inv.ttl_secs > MAX_TICKET_TTL_SECS {
            return Err(invalid(format!(
                "the link lifetime is {} days; Invite Desk makes links that last at most 365 days",
                inv.ttl_secs / 86_400
            )));
        }
        if let Some(url) = &inv.result_url {
            check_url("result_url", url)?;
        }
        if inv.sign_result_url && inv.result_url.is_none() {
            return Err(invalid(
                "a signed invitation token travels in the result URL: give a result URL or turn signing off",
            ));
        }
        if let Some(hash) = &inv.hash_params
            && hash.contains('#')
        {
            return Err(invalid(
                "the hash parameters go after the ticket's # and must not contain another #",
            ));
        }
        match inv.mode {
            InviteMode::PasswordChange | InviteMode::EmailVerification => {
                if inv.result_url.is_some() && inv.client_id.is_some() {
                    return Err(invalid(
                        "give either a result URL or an application (client id), not both: Auth0 refuses both",
                    ));
                }
                if matches!(self.delivery, Delivery::Auth0) {
                    return Err(invalid(
                        "Auth0 only sends organization invitations itself; choose SMTP, an outbox or a link export",
                    ));
                }
            }
            InviteMode::Organization => {
                if inv.organization_id.is_none() || inv.client_id.is_none() {
                    return Err(invalid(
                        "organization invitations need the organization id and the application's client id",
                    ));
                }
                if inv.ttl_secs > MAX_ORGANIZATION_TTL {
                    return Err(invalid("organization invitations last at most 30 days"));
                }
                if inv.result_url.is_some() {
                    return Err(invalid("organization invitations take no result URL"));
                }
            }
        }
        self.follow_up.validate()?;
        let mut seen = HashSet::new();
        for person in &self.people {
            if !seen.insert(person.email.to_lowercase()) {
                return Err(invalid(format!("{} is in the batch twice", person.email)));
            }
        }
        Ok(())
    }

    pub fn to_json(&self) -> Result<String, AppError> {
        serde_json::to_string_pretty(self)
            .map_err(|e| AppError::internal(format!("could not encode the batch: {e}")))
    }

    pub fn from_json(text: &str) -> Result<Self, AppError> {
        let batch = Self::recorded(text)?;
        batch.validate()?;
        Ok(batch)
    }

    /// A batch as the journal recorded it, read without checking it again (a batch that ran under
    /// older rules still has people and a delivery to report on).
    pub fn recorded(text: &str) -> Result<Self, AppError> {
        let mut batch: BatchFile = serde_json::from_str(text)
            .map_err(|e| invalid(format!("the batch file is not valid: {e}")))?;
        batch.upgrade();
        Ok(batch)
    }

    /// What an older file meant, said the way this version says it: the built-in English wording it
    /// carried as its own is the built-in wording again (every language, right for the mode), and
    /// the placeholders it filled names with are nothing said. Written as version 2 from then on.
    pub fn upgrade(&mut self) {
        for template in [
            &mut self.template,
            &mut self.follow_up.reminder_template,
            &mut self.follow_up.reissue_template,
        ] {
            if template.as_ref().is_some_and(Template::is_former_builtin) {
                *template = None;
            }
        }
        // A template of the admin's own may say "{{ organization }} has invited you" counting on
        // the placeholder: only the built-in wording, which needs no name, lets them go.
        if self.template.is_none() {
            self.message.forget_placeholders();
        }
        // A hand-edited file's `de_DE` is the `de-DE` the list reader would have made; anything
        // else is no language (the batch's is used), as a list's cell would be.
        for person in &mut self.people {
            if let Some(locale) = &person.locale {
                person.locale = crate::roster::language::normalize(locale).ok().flatten();
            }
        }
        self.version = self.version.max(BATCH_VERSION);
    }

    /// Which message the batch sends.
    pub fn message_kind(&self) -> MessageKind {
        match self.purpose {
            BatchPurpose::Reminder => MessageKind::Reminder,
            BatchPurpose::Reissue => MessageKind::Reissue,
            BatchPurpose::Invitation | BatchPurpose::Resend | BatchPurpose::LinkCopy => {
                MessageKind::Invitation
            }
        }
    }

    /// What the link asks the person to do.
    pub fn link_kind(&self) -> LinkKind {
        match self.invitation.mode {
            InviteMode::PasswordChange => LinkKind::PasswordChange,
            InviteMode::EmailVerification => LinkKind::EmailVerification,
            InviteMode::Organization => LinkKind::Organization,
        }
    }

    /// The wording of `kind` this batch uses: its own, else the built-in one for its mode.
    pub fn template_of(&self, kind: MessageKind) -> Template {
        let own = match (kind, self.message_kind()) {
            (MessageKind::Reminder, MessageKind::Invitation) => &self.follow_up.reminder_template,
            (MessageKind::Reissue, MessageKind::Invitation) => &self.follow_up.reissue_template,
            (asked, sent) if asked == sent => &self.template,
            _ => &None,
        };
        own.clone()
            .unwrap_or_else(|| Template::builtin(kind, self.link_kind(), self.message.known()))
    }

    /// The message this batch sends, compiled in every language.
    pub fn compiled_templates(&self) -> Result<CompiledTemplates, AppError> {
        CompiledTemplates::compile_with(&self.template_of(self.message_kind()), &self.message)
    }

    /// Writes the file atomically (temporary file, then rename): never half a batch on disk.
    pub fn save(&self, path: &Path) -> Result<(), AppError> {
        self.validate()?;
        crate::files::write_atomically(path, self.to_json()?.as_bytes())
    }

    pub fn load(path: &Path) -> Result<Self, AppError> {
        Self::from_json(&std::fs::read_to_string(path).map_err(|e| AppError::io("read", path, &e))?)
    }
}

/// One step of a person's plan.
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
pub enum PlannedStep {
    LookUp,
    Skip,
    CreateUser,
    UpdateMetadata,
    GrantRoles,
    IssueTicket,
    InviteToOrganization,
    SendMail,
    WriteEml,
    ExportLink,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PersonPlan {
    pub line: u64,
    pub email: String,
    pub existing: bool,
    pub steps: Vec<PlannedStep>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Plan {
    pub people: Vec<PersonPlan>,
    pub to_create: u64,
    pub existing: u64,
    pub skipped: u64,
    pub messages: u64,
    /// As the run will make them (batched look-ups included), from `rate`.
    pub api_calls: u64,
    /// The slowest bucket's time: `rate.secs`.
    pub estimated_secs: f64,
    /// Per bucket of the tenant's plan: the calls, their time, the limit, and the choices made.
    pub rate: RateEstimate,
}

/// The tenant's plan as far as it is known (named by its headers, or assumed: `ASSUMED_PLAN`), and
/// the options the run will have (its bulk threshold decides how users are created).
#[derive(Debug, Clone)]
pub struct RateAssumption {
    pub plan: TenantPlan,
    pub detected: bool,
    pub options: RunOptions,
}

impl Default for RateAssumption {
    fn default() -> Self {
        RateAssumption {
            plan: crate::run::strategy::ASSUMED_PLAN,
            detected: false,
            options: RunOptions::default(),
        }
    }
}

/// The dry run against a tenant: everyone looked up (read-only) to say who already has an account,
/// and the estimate at the rate limit the tenant reports (Auth0's defaults until it has said).
pub async fn plan_against(
    client: &invite_desk_auth0::ManagementClient,
    batch: &BatchFile,
    options: &RunOptions,
) -> Result<Plan, AppError> {
    // Batched searches, as the run makes them. Search lags behind writes: someone created moments
    // ago may show as "to create" here; the run's create then finds them (409) and treats them as
    // existing.
    let emails: Vec<String> = batch
        .people
        .iter()
        .map(|p| p.email.to_lowercase())
        .collect();
    let known: HashSet<String> = client
        .search_by_emails(&emails)
        .await?
        .into_iter()
        .filter_map(|u| u.email.map(|e| e.to_lowercase()))
        .collect();
    let rate = match client.detected_plan() {
        Some(plan) => RateAssumption {
            plan,
            detected: true,
            options: options.clone(),
        },
        None => RateAssumption {
            options: options.clone(),
            ..RateAssumption::default()
        },
    };
    Ok(plan(batch, Some(&known), rate))
}

/// What a run of `batch` will do. `known_existing` holds the addresses (lowercase) found in the tenant
/// by read-only look-ups, if any were made; without them every person gets a look-up step.
pub fn plan(
    batch: &BatchFile,
    known_existing: Option<&HashSet<String>>,
    rate: RateAssumption,
) -> Plan {
    let inv = &batch.invitation;
    let delivery_step = match batch.delivery {
        Delivery::Smtp { .. } => Some(PlannedStep::SendMail),
        Delivery::Outbox { .. } => Some(PlannedStep::WriteEml),
        Delivery::ExportLinks { .. } => Some(PlannedStep::ExportLink),
        Delivery::Auth0 => None,
    };
    let mut result = Plan {
        people: Vec::new(),
        to_create: 0,
        existing: 0,
        skipped: 0,
        messages: 0,
        api_calls: 0,
        estimated_secs: 0.0,
        rate: strategy::estimate(
            &Workload::default(),
            inv.mode,
            &rate.options,
            rate.plan,
            rate.detected,
        ),
    };
    let mut work = Workload::default();
    for person in &batch.people {
        let has_roles = !inv.roles.is_empty() || !person.roles.is_empty();
        let mut steps = Vec::new();
        let existing = match known_existing {
            Some(known) => known.contains(&person.email.to_lowercase()),
            None => {
                steps.push(PlannedStep::LookUp);
                false
            }
        };
        if inv.mode == InviteMode::Organization {
            steps.push(PlannedStep::InviteToOrganization);
            steps.extend(delivery_step);
        } else if existing {
            result.existing += 1;
            match inv.existing {
                ExistingPolicy::Skip => {
                    result.skipped += 1;
                    steps.push(PlannedStep::Skip);
                }
                ExistingPolicy::Reinvite | ExistingPolicy::Grant => {
                    // Always: the invitation stamp (status, time, batch) goes on their app_metadata.
                    steps.push(PlannedStep::UpdateMetadata);
                    if has_roles {
                        steps.push(PlannedStep::GrantRoles);
                    }
                    if inv.existing == ExistingPolicy::Reinvite {
                        steps.push(PlannedStep::IssueTicket);
                        steps.extend(delivery_step);
                    }
                }
            }
        } else {
            result.to_create += 1;
            // Metadata travels with the creation; no separate update.
            steps.push(PlannedStep::CreateUser);
            if has_roles {
                steps.push(PlannedStep::GrantRoles);
            }
            steps.push(PlannedStep::IssueTicket);
            steps.extend(delivery_step);
        }
        if steps.iter().any(|s| {
            matches!(
                s,
                PlannedStep::SendMail | PlannedStep::WriteEml | PlannedStep::ExportLink
            )
        }) {
            result.messages += 1;
        }
        if inv.mode != InviteMode::Organization {
            work.look_ups += 1;
        }
        for step in &steps {
            match step {
                PlannedStep::CreateUser => work.creates += 1,
                PlannedStep::UpdateMetadata => work.updates += 1,
                PlannedStep::GrantRoles => work.role_grants += 1,
                PlannedStep::IssueTicket => work.tickets += 1,
                PlannedStep::InviteToOrganization => work.organization_invitations += 1,
                PlannedStep::LookUp
                | PlannedStep::Skip
                | PlannedStep::SendMail
                | PlannedStep::WriteEml
                | PlannedStep::ExportLink => {}
            }
        }
        result.people.push(PersonPlan {
            line: person.line,
            email: person.email.clone(),
            existing,
            steps,
        });
    }
    result.rate = strategy::estimate(&work, inv.mode, &rate.options, rate.plan, rate.detected);
    result.api_calls = result.rate.api_calls;
    result.estimated_secs = result.rate.secs;
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    /// History reads the kind out of a batch's stored settings (`DeliveredAs::from_kind`, in SQL);
    /// a running batch asks its `Delivery`. Both must say the same words for every kind.
    #[test]
    fn a_delivery_and_its_stored_kind_say_the_same_words() {
        let all = [
            Delivery::Smtp {
                url: "smtp://mail.example.com:587".into(),
                from: "it@example.com".into(),
                reply_to: None,
            },
            Delivery::Outbox {
                dir: "/tmp/outbox".into(),
                from: None,
            },
            Delivery::ExportLinks {
                file: "/tmp/links.csv".into(),
            },
            Delivery::Auth0,
        ];
        // A new kind stops this match compiling: give it the next slot and put one in `all`.
        let slot = |d: &Delivery| match d {
            Delivery::Smtp { .. } => 0,
            Delivery::Outbox { .. } => 1,
            Delivery::ExportLinks { .. } => 2,
            Delivery::Auth0 => 3,
        };
        let slots: std::collections::BTreeSet<usize> = all.iter().map(slot).collect();
        assert_eq!(slots, (0..4).collect(), "one of every kind of delivery");
        for delivery in all {
            let stored = serde_json::to_value(&delivery).unwrap();
            let kind = stored["kind"].as_str().unwrap();
            assert_eq!(
                crate::journal::DeliveredAs::from_kind(kind),
                Some(delivery.delivered_as()),
                "{kind}"
            );
        }
    }

    fn person(line: u64, email: &str, roles: &[&str]) -> Person {
        Person {
            line,
            email: email.into(),
            given_name: None,
            family_name: None,
            name: None,
            roles: roles.iter().map(|r| (*r).to_owned()).collect(),
            app_metadata: Map::new(),
            user_metadata: Map::new(),
            locale: None,
            external_id: None,
        }
    }

    fn batch() -> BatchFile {
        BatchFile {
            format: BATCH_FORMAT.into(),
            version: BATCH_VERSION,
            id: "b-1".into(),
            created_at: "2026-11-21T12:00:00Z".into(),
            name: Some("Q3 seats".into()),
            people: vec![
                person(2, "a@example.com", &["admin"]),
                person(3, "b@example.com", &[]),
                person(4, "c@example.com", &[]),
            ],
            invitation: InvitationSettings {
                mode: InviteMode::PasswordChange,
                connection: "Username-Password-Authentication".into(),
                ttl_secs: 7 * 86_400,
                result_url: Some("https://app.example.com/welcome".into()),
                client_id: None,
                organization_id: None,
                mark_email_as_verified: true,
                hash_params: Some("type=invite".into()),
                roles: Vec::new(),
                app_metadata: serde_json::json!({"invited_by": "invite-desk"})
                    .as_object()
                    .unwrap()
                    .clone(),
                existing: ExistingPolicy::Skip,
                sign_result_url: false,
            },
            message: MessageSettings::default(),
            template: None,
            delivery: Delivery::Smtp {
                url: "smtp://mail.example.com:587?tls=required".into(),
                from: "it@example.com".into(),
                reply_to: None,
            },
            purpose: BatchPurpose::Invitation,
            follow_up: FollowUpSettings::default(),
            follows: None,
        }
    }

    fn free() -> RateAssumption {
        RateAssumption {
            plan: TenantPlan::Free,
            detected: true,
            options: RunOptions::default(),
        }
    }

    #[test]
    fn a_version_1_file_reads_as_it_meant() {
        // The built-in English wording it carried is the built-in wording again; the placeholders
        // are nothing said; a template of its own is English markup.
        let mut old = serde_json::to_value(batch()).unwrap();
        old["version"] = 1.into();
        old["message"] = serde_json::json!({"app_name": "our application", "organization": "Your administrator", "support_contact": "your administrator", "date_format": "iso"});
        old["template"] = serde_json::json!({
            "subject": crate::template::builtin::legacy::SUBJECT,
            "html": crate::template::builtin::legacy::HTML,
            "text": crate::template::builtin::legacy::TEXT,
        });
        old["follow_up"] = serde_json::json!({"reminder_template": {
            "subject": crate::template::builtin::legacy::reminder::SUBJECT,
            "html": crate::template::builtin::legacy::reminder::HTML,
            "text": crate::template::builtin::legacy::reminder::TEXT,
        }});
        let read = BatchFile::from_json(&old.to_string()).unwrap();
        assert_eq!(read.template, None);
        assert_eq!(read.follow_up.reminder_template, None);
        assert_eq!(read.message.app_name, "");
        assert_eq!(read.message.organization, "");
        assert_eq!(read.message.language, "en");
        assert_eq!(read.version, BATCH_VERSION);
        assert_eq!(
            read.people[0].locale, None,
            "people written before languages have none"
        );

        old["template"] = serde_json::json!({"subject": "Willkommen", "html": "<a href=\"{{ link }}\">Los</a>", "text": "{{ link }}\n"});
        let read = BatchFile::from_json(&old.to_string()).unwrap();
        let own = read.template.expect("its own template is kept");
        assert!(matches!(
            own.languages.get("en"),
            Some(crate::template::Variant::Markup(set)) if set.subject == "Willkommen"
        ));
    }

    #[test]
    fn a_template_without_the_batch_language_or_the_link_is_refused() {
        let mut b = batch();
        b.message.language = "de".into();
        assert!(b.validate().is_ok(), "the built-in wording has German");
        b.message.language = "sv".into();
        assert!(
            b.validate()
                .unwrap_err()
                .message
                .contains("no wording in the batch's language, Swedish (sv)")
        );
        b.message.language = "Klingon!".into();
        assert!(
            b.validate()
                .unwrap_err()
                .message
                .contains("not a language tag")
        );
        let mut b = batch();
        b.template = Some(Template::markup(
            crate::template::TemplateSet {
                subject: "Hi".into(),
                html: "<p>Hello</p>".into(),
                text: "{{ link }}\n".into(),
            },
            "en",
        ));
        assert!(
            b.validate()
                .unwrap_err()
                .message
                .contains("has no {{ link }}")
        );
    }

    #[test]
    fn the_file_round_trips_atomically_and_holds_no_secret_field() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("q3.invite-desk.json");
        batch().save(&path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains("\"format\": \"invite-desk-batch\"") && text.contains("\"version\": 2")
        );
        fn keys(value: &Value, out: &mut Vec<String>) {
            match value {
                Value::Object(map) => {
                    for (k, v) in map {
                        out.push(k.to_lowercase());
                        keys(v, out);
                    }
                }
                Value::Array(items) => items.iter().for_each(|v| keys(v, out)),
                _ => {}
            }
        }
        let mut all = Vec::new();
        keys(&serde_json::from_str(&text).unwrap(), &mut all);
        assert!(all.len() > 30, "{all:?}");
        for word in ["password", "secret", "token", "key"] {
            assert!(
                all.iter().all(|k| !k.contains(word)),
                "a field named like a secret: {word} in {all:?}"
            );
        }
        assert_eq!(BatchFile::load(&path).unwrap(), batch());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn offline_validation_says_what_is_wrong() {
        let mut b = batch();
        b.invitation.client_id = Some("app".into());
        assert!(b.validate().unwrap_err().message.contains("not both"));
        let mut b = batch();
        b.invitation.result_url = Some("http://app.example.com".into());
        assert!(b.validate().unwrap_err().message.contains("https"));
        let mut b = batch();
        b.invitation.hash_params = Some("#type=invite".into());
        assert!(b.validate().is_err());
        let mut b = batch();
        b.version = 3;
        assert!(
            b.validate()
                .unwrap_err()
                .message
                .contains("update Invite Desk")
        );
        let mut b = batch();
        b.people.push(person(9, "A@example.com", &[]));
        assert!(b.validate().unwrap_err().message.contains("twice"));
        let mut b = batch();
        b.invitation.mode = InviteMode::Organization;
        b.invitation.result_url = None;
        assert!(
            b.validate()
                .unwrap_err()
                .message
                .contains("organization id")
        );
    }

    #[test]
    fn the_plan_counts_steps_calls_and_time() {
        let b = batch();
        let offline = plan(&b, None, free());
        assert_eq!(
            offline.people[0].steps,
            [
                PlannedStep::LookUp,
                PlannedStep::CreateUser,
                PlannedStep::GrantRoles,
                PlannedStep::IssueTicket,
                PlannedStep::SendMail
            ]
        );
        assert_eq!(
            offline.people[1].steps,
            [
                PlannedStep::LookUp,
                PlannedStep::CreateUser,
                PlannedStep::IssueTicket,
                PlannedStep::SendMail
            ]
        );
        assert_eq!(
            (offline.to_create, offline.messages, offline.api_calls),
            (3, 3, 8),
            "one search for the three, three creates, a grant, three tickets"
        );
        assert_eq!(
            offline.estimated_secs, 3.0,
            "8 calls on Free: 2 from the burst, 6 at 2/s"
        );
        assert_eq!(offline.rate.limiting.as_deref(), Some("all calls"));

        let known: HashSet<String> = ["b@example.com".to_owned()].into();
        let looked_up = plan(&b, Some(&known), free());
        assert_eq!(looked_up.people[1].steps, [PlannedStep::Skip]);
        assert_eq!((looked_up.skipped, looked_up.messages), (1, 2));

        let mut grant = b.clone();
        grant.invitation.existing = ExistingPolicy::Grant;
        grant.invitation.roles = vec!["viewer".into()];
        assert_eq!(
            plan(&grant, Some(&known), free()).people[1].steps,
            [PlannedStep::UpdateMetadata, PlannedStep::GrantRoles]
        );
        let mut reinvite = b;
        reinvite.invitation.existing = ExistingPolicy::Reinvite;
        reinvite.delivery = Delivery::Outbox {
            dir: "out".into(),
            from: None,
        };
        assert_eq!(
            plan(&reinvite, Some(&known), free()).people[1].steps,
            [
                PlannedStep::UpdateMetadata,
                PlannedStep::IssueTicket,
                PlannedStep::WriteEml
            ]
        );
    }
}
