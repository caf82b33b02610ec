//! Who is already in the tenant, for many people at once: OR-searches of up to 40 addresses a call
//! instead of one `users-by-email` a person.
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
    let found = match ctx.client.search_by_emails(&emails).await {
        Ok(found) => found,
        Err(e) => {
            tracing::warn!(error = %e, "the batched search failed; looking people up one by one");
            return Ok(None);
        }
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
