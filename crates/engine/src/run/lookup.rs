//! Who is already in the tenant, for many people at once: OR-searches of up to 40 addresses a call
//! instead of one `users-by-email` a person, or, for very large batches, one export job of the whole
//! tenant's users (a handful of calls whatever the size).
//!
//! Search lags behind writes, so it may miss someone created moments ago; it never decides alone
//! that a person is new. Someone it did not find is created straight away with their planned id, and
//! a 409 ("the user already exists") sends them to `users-by-email`, which is immediate, and on to
//! the existing-user policy. Someone it found is treated as existing (search does not invent users).

use std::collections::HashSet;

use super::*;

/// Fewer people than this are looked up one by one: a search would save no call.
pub const SEARCH_FROM: usize = 3;

/// Whom the batched look-up covers: people still to be looked up (no create begun for them).
pub(super) fn to_look_up(record: &PersonRecord) -> bool {
    record.state == PersonState::Pending
        && record.open_intent.is_none()
        && record.planned_user_id.is_none()
}

/// Looks up everyone `to_look_up` with batched searches: people found go through the existing-user
/// policy (journaled); the addresses (lowercase) not found are returned, for a create without a
/// look-up of its own. `None` when search is not used (too few people, or it failed: then everyone
/// is looked up by address as before).
pub(super) async fn look_up_many(
    ctx: &Ctx,
    records: &[PersonRecord],
) -> Result<Option<HashSet<String>>, AppError> {
    let people: Vec<&Person> = records
        .iter()
        .filter(|r| to_look_up(r))
        .filter_map(|r| ctx.people.get(&r.email.to_lowercase()))
        .collect();
    if people.len() < SEARCH_FROM || ctx.control.is_cancelled() {
        return Ok(None);
    }
    let emails: Vec<String> = people.iter().map(|p| p.email.to_lowercase()).collect();
    let exported = if people.len() >= ctx.options.export_from {
        match export(ctx).await {
            Ok(users) => Some(users),
            Err(e) => {
                tracing::warn!(error = %e, "the export job did not give the tenant's users; searching instead");
                None
            }
        }
    } else {
        None
    };
    let found = match exported {
        Some(users) => users,
        None => match ctx.client.search_by_emails(&emails).await {
            Ok(found) => found,
            Err(e) => {
                tracing::warn!(error = %e, "the batched search failed; looking people up one by one");
                return Ok(None);
            }
        },
    };
    let mut by_email: HashMap<String, Vec<User>> = HashMap::new();
    for user in found {
        if let Some(email) = user.email.clone() {
            by_email.entry(email.to_lowercase()).or_default().push(user);
        }
    }
    let mut absent = HashSet::new();
    for person in people {
        let email = person.email.to_lowercase();
        let Some(users) = by_email.remove(&email) else {
            absent.insert(email);
            continue;
        };
        let Some(user) = pick_existing(users, &ctx.batch.invitation.connection) else {
            absent.insert(email);
            continue;
        };
        let mut current = Current::at(PersonState::Pending);
        match existing_user(ctx, person, &mut current, &user) {
            Ok(()) | Err(Stop::Cancelled) => {}
            Err(Stop::Failed(e)) => match ctx.fail(person, &mut current, &e) {
                Ok(()) | Err(Stop::Cancelled) => {}
                Err(Stop::Fatal(e) | Stop::Failed(e)) => return Err(e),
            },
            Err(Stop::Fatal(e)) => return Err(e),
        }
    }
    Ok(Some(absent))
}

/// The longest an export job is waited for before the run searches instead.
const EXPORT_WAIT: Duration = Duration::from_secs(600);
/// The most an export file may hold once decompressed (about 10 million users).
const MAX_EXPORT_BYTES: u64 = 2 << 30;

/// Every user of the tenant (all connections, as `users-by-email` sees them): user id, address and
/// identities, from one export job.
async fn export(ctx: &Ctx) -> Result<Vec<User>, AppError> {
    use invite_desk_auth0::models::{ExportField, ExportUsers};
    let field = |name: &str| ExportField {
        name: name.to_owned(),
        export_as: None,
    };
    let mut job = ctx
        .client
        .export_users(&ExportUsers {
            connection_id: None,
            format: "json".into(),
            fields: vec![field("user_id"), field("email"), field("identities")],
        })
        .await?;
    let started = Instant::now();
    let location = loop {
        match (job.status.as_str(), &job.location) {
            ("completed", Some(location)) => break location.clone(),
            ("failed", _) => return Err(AppError::internal("the export job failed")),
            _ => {}
        }
        if ctx.control.is_cancelled() || started.elapsed() > EXPORT_WAIT {
            return Err(AppError::internal("the export job took too long"));
        }
        tokio::time::sleep(ctx.options.job_poll).await;
        job = ctx.client.job(&job.id).await?;
    };
    let rows = ctx
        .client
        .download_export(&location, MAX_EXPORT_BYTES)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| serde_json::from_value::<User>(Value::Object(row)).ok())
        .collect())
}
