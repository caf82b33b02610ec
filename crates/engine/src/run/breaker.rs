//! The circuit breaker: a failure that is everyone's stops the run instead of failing everyone.

use super::*;

/// How many people in a row may fail the same systemic way before the run stops itself.
pub const BREAKER_THRESHOLD: usize = 3;

/// The circuit breaker: when the mail server or the tenant refuses everyone (a wrong password, a
/// server that went away, a revoked client, a full disk), failing each remaining person would only
/// bury the cause under hundreds of identical failures and leave the whole list to retry. Such
/// failures are held back instead; a few in a row stop the run with one message, and `resume`
/// continues everyone once the cause is fixed.
#[derive(Default)]
pub(super) struct Breaker {
    /// Systemic failures since the last person who got through.
    pub(super) in_a_row: usize,
    /// Set when the run stopped itself: the error that did it.
    pub(super) tripped: Option<AppError>,
    /// People whose step failed systemically, left where they stood (their intent closed). Failed
    /// for real at the end if the breaker never trips (the failure was not everyone's).
    pub(super) held: Vec<(String, AppError)>,
}

/// Whether a failure says something about every person rather than this one: the tenant refusing
/// the client (401/403), rate limits or servers that stay down after the retries, the mail server
/// refusing the login or the connection, the disk.
pub(super) fn is_systemic(error: &AppError) -> bool {
    matches!(
        error.code,
        ErrorCode::Auth
            | ErrorCode::Network
            | ErrorCode::RateLimited
            | ErrorCode::Io
            | ErrorCode::Keychain
    )
}

pub(super) fn lock_breaker(breaker: &Mutex<Breaker>) -> MutexGuard<'_, Breaker> {
    breaker.lock()
}

/// People held back by systemic failures that never added up to a stopped run: the failure was
/// theirs after all, so they end `failed` like any other (retry failed takes them up again).
pub(super) fn fail_held(ctx: &Ctx) -> Result<(), AppError> {
    let held = std::mem::take(&mut lock_breaker(&ctx.breaker).held);
    for (email, error) in held {
        let Some(person) = ctx.people.get(&email.to_lowercase()) else {
            continue;
        };
        let Some(record) = lock(&ctx.journal).person(ctx.id(), &email)? else {
            continue;
        };
        if record.state.is_final() {
            continue;
        }
        let mut current = Current::at(record.state);
        match ctx.fail(person, &mut current, &error) {
            Ok(()) | Err(Stop::Cancelled) => {}
            Err(Stop::Failed(e) | Stop::Fatal(e)) => return Err(e),
        }
    }
    Ok(())
}

impl Ctx {
    /// A systemic failure: the person stays where they stood (the step that failed is done again on
    /// resume), and the breaker counts it; a few in a row stop the run.
    pub(super) fn hold(&self, person: &Person, error: AppError) -> Result<(), Stop> {
        tracing::warn!(line = person.line, code = error.code.as_str(), message = %error.message, "a systemic failure: held back");
        lock(&self.journal)
            .abandon(
                self.id(),
                &person.email,
                &format!("not done: {} ({})", error.message, error.code.as_str()),
            )
            .map_err(Stop::Fatal)?;
        let mut breaker = lock_breaker(&self.breaker);
        breaker.in_a_row += 1;
        breaker.held.push((person.email.clone(), error.clone()));
        if breaker.in_a_row >= self.options.breaker_threshold.max(1) && breaker.tripped.is_none() {
            tracing::error!(code = error.code.as_str(), message = %error.message, in_a_row = breaker.in_a_row, "people in a row failed the same way: the run stops itself");
            breaker.tripped = Some(error);
            drop(breaker);
            self.control.cancel();
        }
        Ok(())
    }
}
