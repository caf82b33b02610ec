//! Who is already in the tenant, for many people at once: OR-searches of up to 40 addresses a call
//! instead of one `users-by-email` a person, or, for very large batches created by import jobs, one
//! export job of the tenant's users (a handful of calls whatever the size). A one-by-one pass
//! searches each stretch of the list just before it reaches it, so what search said is seconds old
//! when someone is created (someone who signed in with Google in those seconds is the window left:
//! a 409 only catches the same connection).
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

/// What a batched look-up learned.
#[derive(Debug, Default)]
pub(super) struct LookedUp {
    /// Addresses (lowercase) it did not find: created without a look-up of their own.
    pub absent: HashSet<String>,
    /// People it settled (found: the existing-user policy applied, journaled): address → state and
    /// user id, for the records the run holds.
    pub settled: HashMap<String, (PersonState, Option<String>)>,
}

impl LookedUp {
    /// Brings the records the run holds up to what the look-up journaled.
    pub fn apply(&self, records: &mut [PersonRecord]) {
        for record in records {
            if let Some((state, user_id)) = self.settled.get(&record.email.to_lowercase()) {
                record.state = *state;
                record.user_id.clone_from(user_id);
            }
        }
    }
}

/// Looks `people` up (all `to_look_up`) with batched searches, or one export job when `export` is
/// allowed and there are enough of them; people found go through the existing-user policy. `None`
/// when nothing batched was used (too few people, or search failed: they are looked up by address).
/// Between searches the run's pause and cancel apply: a cancelled look-up returns what it learned.
pub(super) async fn look_up(
    ctx: &Ctx,
    people: &[&Person],
    export: bool,
) -> Result<Option<LookedUp>, AppError> {
    if people.len() < SEARCH_FROM || ctx.control.is_cancelled() {
        return Ok(None);
    }
    let emails: Vec<String> = people.iter().map(|p| p.email.to_lowercase()).collect();
    let wanted: HashSet<&str> = emails.iter().map(String::as_str).collect();
    let exported = if export && people.len() >= ctx.options.export_from {
        match export_users(ctx, &wanted).await {
            Ok(users) => Some(users),
            Err(e) if e.code == ErrorCode::Cancelled => return Ok(None),
            Err(e) => {
                tracing::warn!(error = %e, "the export job did not give the tenant's users; searching instead");
                None
            }
        }
    } else {
        None
    };
    // The addresses a search or the export answered for (a search cut short leaves the rest).
    let mut searched: HashSet<String> = HashSet::new();
    let found = match exported {
        Some(users) => {
            searched.extend(emails.iter().cloned());
            users
        }
        None => {
            let mut found = Vec::new();
            for query in invite_desk_auth0::client::email_queries(&emails) {
                if !ctx.control.proceed().await {
                    break;
                }
                match ctx.client.search_by_emails(&query).await {
                    Ok(users) => found.extend(users),
                    Err(e) if searched.is_empty() => {
                        tracing::warn!(error = %e, "the batched search failed; looking people up one by one");
                        return Ok(None);
                    }
                    // Those searched already keep what was found; the rest are looked up by address.
                    Err(e) => {
                        tracing::warn!(error = %e, "a batched search failed; the rest are looked up one by one");
                        break;
                    }
                }
                searched.extend(query);
            }
            found
        }
    };
    let mut by_email: HashMap<String, Vec<User>> = HashMap::new();
    for user in found {
        if let Some(email) = user.email.clone() {
            by_email.entry(email.to_lowercase()).or_default().push(user);
        }
    }
    let mut out = LookedUp::default();
    for person in people {
        let email = person.email.to_lowercase();
        if !searched.contains(&email) {
            continue;
        }
        let found = by_email
            .remove(&email)
            .and_then(|users| pick_existing(users, &ctx.batch.invitation.connection));
        let Some(user) = found else {
            out.absent.insert(email);
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
        if current.state != PersonState::Pending {
            out.settled.insert(email, (current.state, current.user_id));
        }
    }
    Ok(Some(out))
}

/// For the per-person pass: looks up the next people to look up from `from` on (as many as one
/// search carries), just before the pass reaches them, so what search said is seconds old when
/// they are created. Returns the index after the last one looked up.
pub(super) async fn search_ahead(
    ctx: &Ctx,
    records: &mut [PersonRecord],
    from: usize,
) -> Result<usize, AppError> {
    let mut picked = Vec::new();
    let mut end = from;
    for (at, record) in records.iter().enumerate().skip(from) {
        if picked.len() == invite_desk_auth0::client::EMAILS_PER_SEARCH {
            break;
        }
        end = at + 1;
        if to_look_up(record) {
            picked.push(at);
        }
    }
    let people: Vec<&Person> = picked
        .iter()
        .filter_map(|at| ctx.people.get(&records[*at].email.to_lowercase()))
        .collect();
    if let Some(looked_up) = look_up(ctx, &people, false).await? {
        looked_up.apply(&mut records[from..end]);
        ctx.not_found_by_search.lock().extend(looked_up.absent);
    }
    Ok(end)
}

/// The longest an export job is waited for before the run searches instead.
const EXPORT_WAIT: Duration = Duration::from_secs(600);
/// The most an export file may hold once decompressed (about 10 million users).
const MAX_EXPORT_BYTES: u64 = 2 << 30;

/// The users of the tenant (all connections, as `users-by-email` sees them) whose address is one
/// of `wanted`: user id, address and connections, from one export job. A row that does not read as a
/// user fails the whole export (the run then searches): a misread row must not make someone look new.
async fn export_users(ctx: &Ctx, wanted: &HashSet<&str>) -> Result<Vec<User>, AppError> {
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
        if !ctx.control.proceed().await {
            return Err(AppError::new(ErrorCode::Cancelled, "cancelled"));
        }
        if started.elapsed() > EXPORT_WAIT {
            return Err(AppError::internal("the export job took too long"));
        }
        tokio::time::sleep(ctx.options.job_poll).await;
        job = ctx.client.job(&job.id).await?;
    };
    let rows = ctx
        .client
        .download_export(&location, MAX_EXPORT_BYTES, |row| {
            row.get("email")
                .and_then(Value::as_str)
                .is_some_and(|e| wanted.contains(e.to_lowercase().as_str()))
        })
        .await?;
    rows.into_iter().map(exported_user).collect()
}

/// A user as an export row gives it: `user_id`, `email` and the connection of each identity.
fn exported_user(row: Map<String, Value>) -> Result<User, AppError> {
    let unreadable = || AppError::internal("an export row does not read as a user");
    let user_id = row
        .get("user_id")
        .and_then(Value::as_str)
        .ok_or_else(unreadable)?
        .to_owned();
    let identities = match row.get("identities") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| {
                let connection = i
                    .get("connection")
                    .and_then(Value::as_str)
                    .ok_or_else(unreadable)?;
                Ok(json!({
                    "connection": connection,
                    "user_id": i.get("user_id").and_then(Value::as_str).unwrap_or_default(),
                    "provider": i.get("provider").and_then(Value::as_str).unwrap_or_default(),
                    "isSocial": i.get("isSocial").and_then(Value::as_bool).unwrap_or(false),
                }))
            })
            .collect::<Result<Vec<Value>, AppError>>()?,
        Some(_) => return Err(unreadable()),
    };
    serde_json::from_value(json!({
        "user_id": user_id,
        "email": row.get("email").cloned().unwrap_or(Value::Null),
        "identities": identities,
    }))
    .map_err(|_| unreadable())
}
