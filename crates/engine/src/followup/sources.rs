//! Reading acceptance from the tenant, by the cheapest source for the batch's size and age:
//! - **logs** while the batch is younger than the plan keeps logs: `scp`/`sv`/`si` and `s` events
//!   of the batch's people, 40 people a query, from their own bucket (user reads stay free);
//! - else, for very large batches, **one export job** of the tenant's users;
//! - else **user reads**: address searches of 40 a call with the fields acceptance shows in.
//!
//! Logs fall back to user reads when the client may not read them (`read:logs` missing) or they
//! cannot be read. All of them judge acceptance against `since`, when the batch was recorded: a
//! sign-in or a password set before it says nothing about this invitation.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use serde_json::{Map, Value};

use invite_desk_auth0::models::{ExportField, ExportUsers, LogEvent, User};
use invite_desk_auth0::plans::TenantPlan;
use invite_desk_auth0::{ApiError, ManagementClient};

use super::{Acceptance, FollowUpSource, Invited, at_or_after, later};
use crate::batch::InviteMode;
use crate::{AppError, ErrorCode};

/// Batches this large that are too old for logs are read by one export job.
pub const EXPORT_FROM: usize = 10_000;
/// A margin under the plan's log retention: a batch this close to the edge has lost its first events.
const RETENTION_MARGIN: Duration = Duration::from_secs(3600);
const EXPORT_WAIT: Duration = Duration::from_secs(600);
const MAX_EXPORT_BYTES: u64 = 2 << 30;
/// What a user read asks for: enough to see acceptance, nothing else.
const USER_FIELDS: &str = "user_id,email,email_verified,logins_count,last_login,last_password_reset,created_at,identities";

/// How long each plan keeps tenant logs (Auth0's log retention: Free 1 day, Essentials 2,
/// Professional 10, Enterprise 30). Essentials and Professional are one plan here: the shorter.
pub fn log_retention(plan: TenantPlan) -> Duration {
    let days = match plan {
        TenantPlan::Free => 1,
        TenantPlan::Essentials => 2,
        TenantPlan::Enterprise => 30,
    };
    Duration::from_secs(days * 86_400)
}

/// The source for a batch recorded `age` ago with `invited` people on `plan`.
pub fn choose(plan: TenantPlan, age: Duration, invited: usize) -> FollowUpSource {
    if age + RETENTION_MARGIN < log_retention(plan) {
        FollowUpSource::Logs
    } else if invited >= EXPORT_FROM {
        FollowUpSource::Export
    } else {
        FollowUpSource::Users
    }
}

/// The log events that show acceptance in each mode.
fn acceptance_events(mode: InviteMode) -> &'static str {
    match mode {
        InviteMode::PasswordChange => "scp",
        InviteMode::EmailVerification => "sv",
        InviteMode::Organization => "si",
    }
}

/// Acceptance from log events: the first acceptance event since the batch (else the first
/// sign-in since it), and the last sign-in.
pub fn from_log_events(
    mode: InviteMode,
    people: &[&Invited],
    events: &[LogEvent],
    since: &str,
) -> HashMap<String, Acceptance> {
    let by_id: HashMap<&str, String> = people
        .iter()
        .filter_map(|p| p.user_id.as_deref().map(|id| (id, p.email.to_lowercase())))
        .collect();
    let wanted: HashSet<String> = people.iter().map(|p| p.email.to_lowercase()).collect();
    let accept = acceptance_events(mode);
    let mut out: HashMap<String, Acceptance> = HashMap::new();
    let mut first_sign_in: HashMap<String, String> = HashMap::new();
    for event in events {
        let email = event
            .user_id
            .as_deref()
            .and_then(|id| by_id.get(id).cloned())
            .or_else(|| {
                event
                    .user_name
                    .as_deref()
                    .map(str::to_lowercase)
                    .filter(|e| wanted.contains(e))
            });
        let Some(email) = email else { continue };
        let entry = out.entry(email.clone()).or_default();
        if entry.user_id.is_none() {
            entry.user_id.clone_from(&event.user_id);
        }
        let recent = at_or_after(&event.date, since);
        if event.kind == accept && recent {
            if entry
                .accepted_at
                .as_deref()
                .is_none_or(|known| later(known, &event.date))
            {
                entry.accepted_at = Some(event.date.clone());
            }
            entry.accepted = true;
        } else if event.kind == "s" {
            if entry
                .last_login
                .as_deref()
                .is_none_or(|known| later(&event.date, known))
            {
                entry.last_login = Some(event.date.clone());
            }
            if recent {
                entry.accepted = true;
                first_sign_in
                    .entry(email)
                    .and_modify(|at| {
                        if later(at, &event.date) {
                            *at = event.date.clone();
                        }
                    })
                    .or_insert_with(|| event.date.clone());
            }
        }
    }
    for (email, at) in first_sign_in {
        if let Some(entry) = out.get_mut(&email)
            && entry.accepted_at.is_none()
        {
            entry.accepted_at = Some(at);
        }
    }
    out
}

/// Acceptance from a user profile.
pub fn from_user(mode: InviteMode, person: &Invited, user: &User, since: &str) -> Acceptance {
    let signed_in_since = user.logins_count.unwrap_or(0) > 0
        && user
            .last_login
            .as_deref()
            .is_some_and(|at| at_or_after(at, since));
    let (accepted, accepted_at) = match mode {
        InviteMode::PasswordChange => match user.last_password_reset.as_deref() {
            Some(at) if at_or_after(at, since) => (true, Some(at.to_owned())),
            _ => (false, None),
        },
        // No time comes with a verified address; only an address this batch created unverified says
        // the link was used (an existing user may have been verified all along).
        InviteMode::EmailVerification => (
            person.created_here && user.email_verified == Some(true),
            None,
        ),
        // The user is created when they accept.
        InviteMode::Organization => match user.created_at.as_deref() {
            Some(at) if at_or_after(at, since) => (true, Some(at.to_owned())),
            _ => (false, None),
        },
    };
    Acceptance {
        accepted: accepted || signed_in_since,
        accepted_at,
        last_login: user
            .last_login
            .clone()
            .filter(|_| user.logins_count.unwrap_or(0) > 0),
        user_id: Some(user.user_id.clone()),
    }
}

fn user_acceptance(
    mode: InviteMode,
    connection: &str,
    people: &[&Invited],
    users: Vec<User>,
    since: &str,
) -> HashMap<String, Acceptance> {
    let by_email: HashMap<String, &Invited> = people
        .iter()
        .map(|p| (p.email.to_lowercase(), *p))
        .collect();
    let mut out = HashMap::new();
    for user in users {
        // The account in the batch's connection, or the one this batch made.
        let Some(email) = user.email.as_deref().map(str::to_lowercase) else {
            continue;
        };
        let Some(person) = by_email.get(&email) else {
            continue;
        };
        let ours = person.user_id.as_deref() == Some(user.user_id.as_str());
        if !ours && !user.in_connection(connection) {
            continue;
        }
        let seen = from_user(mode, person, &user, since);
        let keep = out
            .get(&email)
            .is_none_or(|known: &Acceptance| !known.accepted && seen.accepted);
        if keep {
            out.insert(email, seen);
        }
    }
    out
}

/// Reads the acceptance of `people` (the invited) from `source`; the source actually used (logs
/// fall back to user reads).
pub async fn read(
    client: &ManagementClient,
    source: FollowUpSource,
    mode: InviteMode,
    connection: &str,
    people: &[&Invited],
    since: &str,
) -> Result<(FollowUpSource, HashMap<String, Acceptance>), AppError> {
    if people.is_empty() {
        return Ok((source, HashMap::new()));
    }
    match source {
        FollowUpSource::Logs => match from_logs(client, mode, people, since).await {
            Ok(seen) => return Ok((FollowUpSource::Logs, seen)),
            // Without `read:logs` (refused before the call, or by the tenant), or a query the
            // tenant would not take: user reads see the same.
            Err(e) if e.missing_scope.is_some() || matches!(e.status, Some(400 | 403)) => {
                tracing::warn!(error = %e, "the tenant's logs cannot be read; reading users instead");
            }
            Err(e) => return Err(e.into()),
        },
        FollowUpSource::Export => {
            match from_export(client, mode, connection, people, since).await {
                Ok(seen) => return Ok((FollowUpSource::Export, seen)),
                Err(e) if e.code == ErrorCode::Cancelled => return Err(e),
                Err(e) => {
                    tracing::warn!(error = %e, "the export job did not give the users; reading users instead");
                }
            }
        }
        FollowUpSource::Users | FollowUpSource::Journal => {}
    }
    let emails: Vec<String> = people.iter().map(|p| p.email.to_lowercase()).collect();
    let users = client.search_by_emails_with(&emails, USER_FIELDS).await?;
    Ok((
        FollowUpSource::Users,
        user_acceptance(mode, connection, people, users, since),
    ))
}

async fn from_logs(
    client: &ManagementClient,
    mode: InviteMode,
    people: &[&Invited],
    since: &str,
) -> Result<HashMap<String, Acceptance>, ApiError> {
    let types = [acceptance_events(mode), "s"];
    let mut events = Vec::new();
    // People with a known user id are asked by id; the rest (organization invitations, whose
    // account is made when they accept) by the address the log names them with.
    let ids: Vec<String> = people.iter().filter_map(|p| p.user_id.clone()).collect();
    let names: Vec<String> = people
        .iter()
        .filter(|p| p.user_id.is_none())
        .map(|p| p.email.to_lowercase())
        .collect();
    // Events from the batch's day on (the exact cut is `since`, applied below).
    let day = since.get(..10);
    if !ids.is_empty() {
        events.extend(client.search_logs(&types, "user_id", &ids, day).await?);
    }
    if !names.is_empty() {
        events.extend(client.search_logs(&types, "user_name", &names, day).await?);
    }
    Ok(from_log_events(mode, people, &events, since))
}

async fn from_export(
    client: &ManagementClient,
    mode: InviteMode,
    connection: &str,
    people: &[&Invited],
    since: &str,
) -> Result<HashMap<String, Acceptance>, AppError> {
    let field = |name: &str| ExportField {
        name: name.to_owned(),
        export_as: None,
    };
    let mut job = client
        .export_users(&ExportUsers {
            connection_id: None,
            format: "json".into(),
            fields: USER_FIELDS.split(',').map(field).collect(),
        })
        .await?;
    let started = Instant::now();
    let location = loop {
        match (job.status.as_str(), &job.location) {
            ("completed", Some(location)) => break location.clone(),
            ("failed", _) => return Err(AppError::internal("the export job failed")),
            _ => {}
        }
        if started.elapsed() > EXPORT_WAIT {
            return Err(AppError::internal("the export job took too long"));
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
        job = client.job(&job.id).await?;
    };
    let wanted: HashSet<String> = people.iter().map(|p| p.email.to_lowercase()).collect();
    let rows = client
        .download_export(&location, MAX_EXPORT_BYTES, |row| {
            row.get("email")
                .and_then(Value::as_str)
                .is_some_and(|e| wanted.contains(&e.to_lowercase()))
        })
        .await?;
    let users = rows
        .into_iter()
        .map(exported_user)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(user_acceptance(mode, connection, people, users, since))
}

/// An export row as a user; a row that does not read as one fails the export (user reads follow).
fn exported_user(row: Map<String, Value>) -> Result<User, AppError> {
    serde_json::from_value(Value::Object(row))
        .map_err(|_| AppError::internal("an export row does not read as a user"))
}
