//! Running a batch: every person walked through the journal's state machine against the tenant, under
//! its rate limit, with each external write preceded by a journaled intent and followed by a journaled
//! transition. A run that stops for any reason (cancel, crash, `kill -9`, power cut) is continued by
//! `execute` on the same batch id: open intents are reconciled first (a user that may have been created
//! is looked for by its planned id and email; a mail that may have been sent is marked `unconfirmed`,
//! never re-sent silently), then everyone not final goes on from where they stand.
//!
//! Users are created one by one (`POST /users`) for small batches and through bulk import jobs above
//! `RunOptions::bulk_threshold` (files under 500 KB, at most two jobs at once, polled, each job's
//! errors mapped back to its people). Either way every user gets an id chosen here and journaled with
//! the intent, so a restart can tell "created" from "not created" without guessing.

mod breaker;
mod bulk;
pub mod control;
pub mod deliver;
pub mod events;
pub mod invitation_token;
pub mod lookup;
pub mod preflight;
mod progress;
pub mod results;
pub mod strategy;
pub mod stream;

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;

// Locks a panicking worker cannot poison: no recovery by hand at every use.
use parking_lot::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use invite_desk_auth0::models::{
    CreateOrganizationInvitation, CreateUser, EmailVerificationTicket, ImportUsers, Invitee,
    Inviter, PasswordChangeTicket, User, UserPatch,
};
use invite_desk_auth0::{ApiError, ErrorKind, ManagementClient, SecretString};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use ts_rs::TS;

use crate::batch::{BatchFile, ExistingPolicy, InviteMode};
use crate::journal::{BatchStatus, Journal, Outcome, PersonRecord, PersonState, Step, Unsettled};
use crate::roster::Person;
use crate::template::Link;
use crate::{AppError, ErrorCode};
pub use breaker::BREAKER_THRESHOLD;
use breaker::{Breaker, fail_held, is_systemic, lock_breaker};
use bulk::bulk_create;
pub use control::RunControl;
pub use deliver::{Deliverer, Message};
pub use events::{Creation, Progress, RunEvent};
use invite_desk_core::ids::random_text;
pub use invite_desk_core::ids::{iso, new_batch_id};
use progress::{emit_progress, progress_ticker};
pub use results::{PersonResult, ResultStatus};

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    /// Everyone is in a final state.
    Finished,
    /// Stopped by the person (Ctrl-C, Cancel); `resume` continues.
    Cancelled,
    /// Stopped itself (the circuit breaker: `stopped_by` says why); `resume` continues.
    Interrupted,
}

impl RunStatus {
    pub fn batch_status(self) -> BatchStatus {
        match self {
            RunStatus::Finished => BatchStatus::Finished,
            RunStatus::Cancelled => BatchStatus::Cancelled,
            RunStatus::Interrupted => BatchStatus::Interrupted,
        }
    }
}

/// Where a batch runs. Journaled with the batch (no secret in it), so `resume` needs only the id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunTarget {
    /// Tenant host name, or a loopback base URL for the sandbox.
    pub domain: String,
    pub client_id: String,
    /// The saved profile whose keychain entries hold the secrets, if one was used.
    pub profile: Option<String>,
}

#[derive(Debug, Clone)]
pub struct RunOptions {
    /// People worked on at once. The rate governor paces the requests; this only has to be large
    /// enough to keep the tenant's limit busy while some requests wait on the network.
    pub concurrency: usize,
    /// Create users through import jobs when at least this many are to be created.
    pub bulk_threshold: usize,
    /// How often an import job is polled.
    pub job_poll: Duration,
    /// Largest import file (Auth0 refuses more than 512000 bytes; 500 KB leaves room).
    pub import_file_bytes: usize,
    /// How often a `progress` event is emitted.
    pub progress_every: Duration,
    /// Systemic failures in a row that stop the run (`BREAKER_THRESHOLD`).
    pub breaker_threshold: usize,
    /// People to look up from which one export job of the tenant's users replaces the batched
    /// searches.
    pub export_from: usize,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            concurrency: 8,
            bulk_threshold: 1000,
            job_poll: Duration::from_secs(2),
            import_file_bytes: 500_000,
            progress_every: Duration::from_millis(200),
            breaker_threshold: BREAKER_THRESHOLD,
            export_from: 10_000,
        }
    }
}

/// How a batch's client retries: it waits out longer outages than a screen would.
pub fn batch_client_options() -> invite_desk_auth0::ClientOptions {
    invite_desk_auth0::ClientOptions {
        max_retries: 8,
        max_backoff: Duration::from_secs(20),
        ..invite_desk_auth0::ClientOptions::default()
    }
}

/// Everything a run needs. The secrets are inside the client and the mailer, never in the journal.
pub struct RunSetup {
    pub client: Arc<ManagementClient>,
    pub journal: Arc<Mutex<Journal>>,
    pub batch: BatchFile,
    pub deliverer: Deliverer,
    /// For `sign_result_url`.
    pub signing_key: Option<SecretString>,
    /// The invitation tokens' `iss` (`invitation_token::issuer`).
    pub token_issuer: String,
    pub control: RunControl,
    pub options: RunOptions,
    /// What a preflight just learned from the tenant (the connection's id, the roles), so the run
    /// does not ask again; anything left out is asked for.
    pub known: preflight::TenantFacts,
}

pub type EventSink = Arc<dyn Fn(RunEvent) + Send + Sync>;

#[derive(Debug, Clone)]
pub struct RunOutcome {
    pub batch_id: String,
    pub status: RunStatus,
    pub results: Vec<PersonResult>,
    /// The link export written by this run, if any.
    pub links_file: Option<PathBuf>,
    pub elapsed: Duration,
    /// The failure that stopped the run (the same for several people in a row).
    pub stopped_by: Option<AppError>,
}

impl RunOutcome {
    pub fn failed(&self) -> usize {
        self.results
            .iter()
            .filter(|r| r.status == ResultStatus::Failed)
            .count()
    }
}

pub fn lock(journal: &Mutex<Journal>) -> MutexGuard<'_, Journal> {
    journal.lock()
}

/// Records a new batch in the journal, everyone `pending`. Refuses an id already there.
pub fn record_batch(
    journal: &mut Journal,
    batch: &BatchFile,
    target: &RunTarget,
) -> Result<(), AppError> {
    batch.validate()?;
    let target_json = serde_json::to_string(target)
        .map_err(|e| AppError::internal(format!("could not encode the target: {e}")))?;
    let people: Vec<(u64, &str)> = batch
        .people
        .iter()
        .map(|p| (p.line, p.email.as_str()))
        .collect();
    journal.create_batch_for(&batch.id, &batch.to_json()?, &target_json, &people)
}

/// The batch file and target a journaled batch was started with.
pub fn load_batch(journal: &Journal, id: &str) -> Result<(BatchFile, RunTarget), AppError> {
    let record = journal.batch(id)?;
    let batch = BatchFile::from_json(&record.settings_json)?;
    let target: RunTarget = serde_json::from_str(&record.target_json).map_err(|e| {
        AppError::new(
            ErrorCode::NotFound,
            format!("batch {id} was recorded without its tenant ({e}); it cannot be resumed here"),
        )
    })?;
    Ok((batch, target))
}

/// A user id chosen before the user is created, so a restart can look for exactly this user.
fn planned_user_id() -> String {
    random_text(b"0123456789abcdef", 24)
}

/// A strong random password nobody will ever know: the invitee sets their own through the ticket.
fn throwaway_password() -> SecretString {
    let body = random_text(
        b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789",
        28,
    );
    // One of each class whatever the tenant's password policy demands.
    SecretString::from(format!("{body}Aa7!"))
}

fn now_iso() -> String {
    iso(time::OffsetDateTime::now_utc())
}

/// The shared state of one run.
struct Ctx {
    client: Arc<ManagementClient>,
    journal: Arc<Mutex<Journal>>,
    batch: BatchFile,
    people: HashMap<String, Person>,
    deliverer: Deliverer,
    signing_key: Option<SecretString>,
    token_issuer: String,
    control: RunControl,
    options: RunOptions,
    /// Role name (lowercase) → id.
    roles: HashMap<String, String>,
    connection_id: Option<String>,
    sink: EventSink,
    counts: Mutex<HashMap<PersonState, u64>>,
    /// The first error that stopped the run (the journal could not be written).
    fatal: Mutex<Option<AppError>>,
    breaker: Mutex<Breaker>,
    /// Addresses (lowercase) the batched search did not find: created without a look-up of their
    /// own (a 409 says they exist after all).
    not_found_by_search: Mutex<std::collections::HashSet<String>>,
    /// For a follow-up wave: what it re-checks each person against right before their send.
    follow_up: Option<FollowUpCheck>,
}

/// A follow-up wave never reminds someone who accepted meanwhile: each person is looked up (the
/// immediate `users-by-email`, never search) right before their new link, and judged by the same
/// rule as the follow-up check, against the batch the wave follows.
struct FollowUpCheck {
    /// When the followed batch was recorded: acceptance is what happened after it.
    since: String,
    people: HashMap<String, crate::followup::Invited>,
    /// Addresses (lowercase) an earlier check saw accept: acceptance does not go back.
    accepted_before: std::collections::HashSet<String>,
}

/// A person as a worker holds them: the state the journal says, and what the run learned.
#[derive(Debug, Clone)]
struct Current {
    state: PersonState,
    user_id: Option<String>,
    /// Already in the tenant before this batch (decides the grant/re-invite policy).
    existing: bool,
    link: Option<Link>,
    /// A follow-up wave looked them up in this run (right before their new link).
    rechecked: bool,
}

impl Current {
    /// A person known only by their state (no user id, no link yet).
    fn at(state: PersonState) -> Current {
        Current {
            state,
            user_id: None,
            existing: false,
            link: None,
            rechecked: false,
        }
    }
}

/// A failure that ends one person's run (the others go on).
struct PersonFailure(AppError);

impl From<AppError> for PersonFailure {
    fn from(e: AppError) -> Self {
        PersonFailure(e)
    }
}

impl From<ApiError> for PersonFailure {
    fn from(e: ApiError) -> Self {
        PersonFailure(e.into())
    }
}

/// Why a worker stopped before the person was final.
enum Stop {
    Failed(AppError),
    Cancelled,
    /// The journal could not be written: nothing may continue.
    Fatal(AppError),
}

impl From<PersonFailure> for Stop {
    fn from(f: PersonFailure) -> Self {
        Stop::Failed(f.0)
    }
}

impl From<ApiError> for Stop {
    fn from(e: ApiError) -> Self {
        Stop::Failed(e.into())
    }
}

impl Ctx {
    fn id(&self) -> &str {
        &self.batch.id
    }

    fn emit(&self, event: RunEvent) {
        (self.sink)(event);
    }

    fn begin(&self, email: &str, step: Step, planned: Option<&str>) -> Result<(), Stop> {
        lock(&self.journal)
            .begin_many(self.id(), &[(email, planned)], step)
            .map_err(Stop::Fatal)
    }

    fn note(&self, email: &str, detail: &str) -> Result<(), Stop> {
        lock(&self.journal)
            .note(self.id(), email, detail)
            .map_err(Stop::Fatal)
    }

    fn set(
        &self,
        person: &Person,
        current: &mut Current,
        next: PersonState,
        outcome: &Outcome<'_>,
    ) -> Result<(), Stop> {
        lock(&self.journal)
            .transition(self.id(), &person.email, next, outcome)
            .map_err(Stop::Fatal)?;
        {
            let mut counts = self.counts.lock();
            if let Some(n) = counts.get_mut(&current.state) {
                *n = n.saturating_sub(1);
            }
            *counts.entry(next).or_default() += 1;
        }
        current.state = next;
        // "In a row" counts people, not steps: only someone who got through resets it.
        if next.is_final() && !matches!(next, PersonState::Failed | PersonState::Unconfirmed) {
            lock_breaker(&self.breaker).in_a_row = 0;
        }
        if let Some(id) = outcome.user_id {
            current.user_id = Some(id.to_owned());
        }
        self.emit(RunEvent::Person {
            batch_id: self.id().to_owned(),
            line: person.line,
            email: person.email.clone(),
            state: next,
            user_id: current.user_id.clone(),
            error_code: outcome.error_code,
            error_message: outcome.error_message.map(str::to_owned),
        });
        Ok(())
    }

    fn fail(&self, person: &Person, current: &mut Current, error: &AppError) -> Result<(), Stop> {
        tracing::warn!(line = person.line, code = error.code.as_str(), message = %error.message, "a person failed");
        self.set(
            person,
            current,
            PersonState::Failed,
            &Outcome {
                error_code: Some(error.code.into()),
                error_message: Some(&error.message),
                ..Outcome::default()
            },
        )
    }

    fn counts_by_name(&self) -> BTreeMap<String, u64> {
        self.counts
            .lock()
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(s, n)| (s.as_str().to_owned(), *n))
            .collect()
    }

    fn done(&self) -> u64 {
        self.counts
            .lock()
            .iter()
            .filter(|(s, _)| s.is_final())
            .map(|(_, n)| *n)
            .sum()
    }

    /// The app_metadata every invited user carries: the batch's own keys, the person's, and the
    /// invitation stamp.
    fn metadata(&self, person: &Person, status: &str) -> Map<String, Value> {
        let mut metadata = self.batch.invitation.app_metadata.clone();
        for (k, v) in &person.app_metadata {
            metadata.insert(k.clone(), v.clone());
        }
        metadata.insert(
            "invitation".into(),
            json!({ "status": status, "batch_id": self.id(), "at": now_iso() }),
        );
        metadata
    }

    /// Role ids for a person: the batch's roles plus their own. An unknown name fails the person.
    fn role_ids(&self, person: &Person) -> Result<Vec<String>, PersonFailure> {
        let mut ids = Vec::new();
        for name in self.batch.invitation.roles.iter().chain(&person.roles) {
            let id = self.roles.get(&name.to_lowercase()).ok_or_else(|| {
                AppError::invalid_input(format!("the tenant has no role named \"{name}\""))
            })?;
            if !ids.contains(id) {
                ids.push(id.clone());
            }
        }
        Ok(ids)
    }
}

/// Runs (or continues) a recorded batch until everyone is final or the run is cancelled.
pub async fn execute(setup: RunSetup, sink: EventSink) -> Result<RunOutcome, AppError> {
    let started = Instant::now();
    let RunSetup {
        client,
        journal,
        batch,
        deliverer,
        signing_key,
        token_issuer,
        control,
        options,
        known,
    } = setup;
    batch.validate()?;
    if batch.invitation.sign_result_url && signing_key.is_none() {
        return Err(AppError::new(
            ErrorCode::Keychain,
            "this batch signs its result URL but no signing key was found: save one with `invite-desk secret set signing-key`",
        ));
    }
    let (records, status_at_start) = {
        let journal = lock(&journal);
        (journal.people(&batch.id)?, journal.batch(&batch.id)?.status)
    };
    let resumed = records
        .iter()
        .any(|r| r.state != PersonState::Pending || r.open_intent.is_some());
    let people: HashMap<String, Person> = batch
        .people
        .iter()
        .map(|p| (p.email.to_lowercase(), p.clone()))
        .collect();
    let mut counts: HashMap<PersonState, u64> = HashMap::new();
    for r in &records {
        *counts.entry(r.state).or_default() += 1;
    }
    // Only reminders and new links are follow-up waves; a resend or a copied link (which also
    // name the batch they come from) is an invitation like any other.
    let wave = matches!(
        batch.purpose,
        crate::batch::BatchPurpose::Reminder | crate::batch::BatchPurpose::Reissue
    );
    let follow_up = match batch.follows.as_ref().filter(|_| wave) {
        Some(parent) => {
            let journal = lock(&journal);
            Some(FollowUpCheck {
                since: journal.batch(parent)?.created_at,
                people: crate::followup::journal_people(&journal, parent)?
                    .into_iter()
                    .map(|p| (p.email.to_lowercase(), p))
                    .collect(),
                accepted_before: journal
                    .seen(parent)?
                    .into_iter()
                    .filter(|s| s.status == crate::followup::FollowUpStatus::Accepted.as_str())
                    .map(|s| s.email.to_lowercase())
                    .collect(),
            })
        }
        None => None,
    };
    let mut ctx = Ctx {
        follow_up,
        client,
        journal,
        people,
        deliverer,
        signing_key,
        token_issuer,
        control,
        options,
        roles: HashMap::new(),
        connection_id: None,
        sink,
        counts: Mutex::new(counts),
        fatal: Mutex::new(None),
        breaker: Mutex::new(Breaker::default()),
        not_found_by_search: Mutex::new(std::collections::HashSet::new()),
        batch,
    };
    if let Err(error) = prepare_tenant(&mut ctx, &records, known).await {
        // Nothing was written to the tenant by this run; the batch stays resumable once the cause
        // is fixed (and says "failed to start" only if nothing was ever done for it).
        let status = if resumed {
            BatchStatus::Interrupted
        } else {
            BatchStatus::FailedToStart
        };
        let _ = lock(&ctx.journal).set_batch_status(ctx.id(), status);
        return Err(error);
    }
    let ctx = Arc::new(ctx);
    lock(&ctx.journal).claim_batch(ctx.id(), status_at_start, BatchStatus::Running)?;

    let pending_to_create = records
        .iter()
        .filter(|r| {
            r.state == PersonState::Pending
                && r.open_intent.is_none()
                && r.planned_user_id.is_none()
        })
        .count();
    // A follow-up wave creates nobody: one person at a time, each re-checked.
    let bulk = ctx.follow_up.is_none()
        && strategy::creation(
            ctx.batch.invitation.mode,
            pending_to_create,
            ctx.options.bulk_threshold,
            ctx.client.detected_plan(),
        ) == Creation::Bulk;
    tracing::info!(batch = %ctx.id(), total = records.len(), bulk, resumed, "batch run started");
    ctx.emit(RunEvent::Started {
        batch_id: ctx.id().to_owned(),
        name: ctx.batch.name.clone(),
        total: records.len() as u64,
        creation: if bulk {
            Creation::Bulk
        } else {
            Creation::Individual
        },
        resumed,
        delivered_as: ctx.batch.delivery.delivered_as(),
    });
    let ticker = tokio::spawn(progress_ticker(ctx.clone(), records.len() as u64));

    let work = async {
        let mut records = reconcile(&ctx, records).await?;
        // Import files need everyone's look-up first (an export job for the largest batches);
        // one-by-one creates get theirs just before the pass reaches them (`run_people`).
        let records = if bulk {
            let people: Vec<&Person> = records
                .iter()
                .filter(|r| lookup::to_look_up(r))
                .filter_map(|r| ctx.people.get(&r.email.to_lowercase()))
                .collect();
            let looked_up = lookup::look_up(&ctx, &people, true).await?;
            if let Some(looked_up) = &looked_up {
                looked_up.apply(&mut records);
            }
            bulk_create(&ctx, records, looked_up.map(|l| l.absent)).await?
        } else {
            records
        };
        run_people(&ctx, records).await
    };
    let worked = work.await;
    ticker.abort();
    let links_file = finish_links(&ctx);
    let fatal = ctx.fatal.lock().take();
    if let Some(error) = fatal.or(worked.err()) {
        let _ = lock(&ctx.journal).set_batch_status(ctx.id(), BatchStatus::Interrupted);
        return Err(error);
    }
    let links_file = match links_file {
        Ok(file) => file,
        Err(error) => {
            let _ = lock(&ctx.journal).set_batch_status(ctx.id(), BatchStatus::Interrupted);
            return Err(error);
        }
    };
    let stopped_by = lock_breaker(&ctx.breaker).tripped.clone();
    if stopped_by.is_none() && !ctx.control.is_cancelled() {
        fail_held(&ctx)?;
    }
    let status = if stopped_by.is_some() || ctx.control.is_interrupted() {
        RunStatus::Interrupted
    } else if ctx.control.is_cancelled() {
        RunStatus::Cancelled
    } else {
        RunStatus::Finished
    };
    lock(&ctx.journal).set_batch_status(ctx.id(), status.batch_status())?;
    let results: Vec<PersonResult> =
        results::batch_results(&lock(&ctx.journal).people(ctx.id())?, &ctx.batch);
    emit_progress(&ctx, results.len() as u64, &mut VecDeque::new());
    let failed = results
        .iter()
        .filter(|r| r.status == ResultStatus::Failed)
        .count() as u64;
    tracing::info!(batch = %ctx.id(), status = status.batch_status().as_str(), failed, counts = ?ctx.counts_by_name(), "batch run ended");
    ctx.emit(RunEvent::Finished {
        batch_id: ctx.id().to_owned(),
        status,
        counts: ctx.counts_by_name(),
        failed,
        elapsed_secs: started.elapsed().as_secs_f64(),
        stopped_by: stopped_by.clone(),
    });
    Ok(RunOutcome {
        batch_id: ctx.id().to_owned(),
        status,
        results,
        links_file,
        elapsed: started.elapsed(),
        stopped_by,
    })
}

/// Checks the tenant before anything is written: the connection exists (its id is needed for
/// imports and invitations) and every role the batch grants to everyone exists. What the preflight
/// already found is taken as it is.
async fn prepare_tenant(
    ctx: &mut Ctx,
    records: &[PersonRecord],
    known: preflight::TenantFacts,
) -> Result<(), AppError> {
    let unfinished: Vec<&Person> = records
        .iter()
        .filter(|r| !r.state.is_final())
        .filter_map(|r| ctx.people.get(&r.email.to_lowercase()))
        .collect();
    let connection = &ctx.batch.invitation.connection;
    ctx.connection_id = match known.connection_id {
        Some(id) => Some(id),
        None => {
            let found = ctx
                .client
                .list_connections(None, Some(connection))
                .await?
                .into_iter()
                .find(|c| c.name.as_deref() == Some(connection.as_str()));
            let Some(c) = found else {
                return Err(AppError::invalid_input(format!(
                    "the tenant has no connection named \"{connection}\""
                )));
            };
            if ctx.batch.invitation.mode != InviteMode::Organization
                && c.strategy.as_deref() != Some("auth0")
            {
                return Err(AppError::invalid_input(format!(
                    "connection \"{connection}\" is not a database connection (strategy {}): users can only be created in one",
                    c.strategy.as_deref().unwrap_or("unknown")
                )));
            }
            Some(c.id)
        }
    };
    let wanted = ctx
        .batch
        .invitation
        .roles
        .iter()
        .chain(unfinished.iter().flat_map(|p| &p.roles))
        .next()
        .is_some();
    if wanted {
        ctx.roles = match known.roles {
            Some(roles) => roles.into_iter().collect(),
            None => ctx
                .client
                .list_roles(None)
                .await?
                .into_iter()
                .map(|r| (r.name.to_lowercase(), r.id))
                .collect(),
        };
        for name in &ctx.batch.invitation.roles {
            if !ctx.roles.contains_key(&name.to_lowercase()) {
                return Err(AppError::invalid_input(format!(
                    "the tenant has no role named \"{name}\" (the batch grants it to everyone)"
                )));
            }
        }
    }
    Ok(())
}

/// Settles every open intent left by a run that stopped mid-step, before anything else happens.
async fn reconcile(ctx: &Ctx, records: Vec<PersonRecord>) -> Result<Vec<PersonRecord>, AppError> {
    let mut out = Vec::with_capacity(records.len());
    for mut record in records {
        let Some(step) = record.open_intent else {
            out.push(record);
            continue;
        };
        let Some(person) = ctx.people.get(&record.email.to_lowercase()).cloned() else {
            out.push(record);
            continue;
        };
        let mut current = Current {
            state: record.state,
            user_id: record.user_id.clone(),
            existing: false,
            link: None,
            rechecked: false,
        };
        let settled = match step {
            // Looked for by its planned id (and email) when the pipeline reaches it.
            Step::CreateUser => Ok(()),
            Step::SendMail if ctx.deliverer.repeat_is_visible() => ctx.set(
                &person,
                &mut current,
                PersonState::Unconfirmed,
                &Outcome {
                    error_code: Some(Unsettled::DeliveryUnconfirmed.into()),
                    error_message: Some(
                        "the run stopped while this invitation was being sent: it may have been sent. Ask the person, or resend it",
                    ),
                    ..Outcome::default()
                },
            ),
            // Granting again is harmless; a lost ticket is replaced; a file is rewritten.
            Step::GrantRoles | Step::IssueTicket | Step::SendMail => lock(&ctx.journal)
                .abandon(
                    ctx.id(),
                    &person.email,
                    &format!(
                        "{} was interrupted; it is done again (harmless to repeat)",
                        step.as_str()
                    ),
                )
                .map_err(Stop::Fatal),
        };
        match settled {
            Ok(()) => {}
            Err(Stop::Fatal(e) | Stop::Failed(e)) => return Err(e),
            Err(Stop::Cancelled) => {}
        }
        record.state = current.state;
        if step != Step::CreateUser {
            record.open_intent = None;
        }
        out.push(record);
    }
    Ok(out)
}

/// Whether the user was created by this batch (its planned id exists), checked after an interruption.
async fn find_planned(ctx: &Ctx, planned: &str, email: &str) -> Result<Option<User>, ApiError> {
    match ctx.client.get_user(&format!("auth0|{planned}")).await {
        Ok(user) => return Ok(Some(user)),
        Err(e) if e.kind == ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    // Created under another id (a tenant that ignores requested ids): same connection, same email.
    let connection = &ctx.batch.invitation.connection;
    Ok(ctx
        .client
        .users_by_email(email)
        .await?
        .into_iter()
        .find(|u| u.in_connection(connection) && u.user_id.ends_with(planned)))
}

/// The user to treat as "already there" among those with this address: the one in the batch's
/// connection if any (a password can be set there), else any (e.g. signed in with Google).
fn pick_existing(users: Vec<User>, connection: &str) -> Option<User> {
    let mut users = users;
    let pos = users.iter().position(|u| u.in_connection(connection));
    match pos {
        Some(i) => Some(users.swap_remove(i)),
        None => users.into_iter().next(),
    }
}

/// Waits for a free worker slot (and while the run is paused). `None` once the run is cancelled.
async fn slot(
    ctx: &Ctx,
    pool: &Arc<Semaphore>,
) -> Result<Option<tokio::sync::OwnedSemaphorePermit>, AppError> {
    if !ctx.control.proceed().await {
        return Ok(None);
    }
    let permit = pool
        .clone()
        .acquire_owned()
        .await
        .map_err(|_| AppError::internal("the worker pool closed"))?;
    Ok((!ctx.control.is_cancelled()).then_some(permit))
}

async fn run_people(ctx: &Arc<Ctx>, mut records: Vec<PersonRecord>) -> Result<(), AppError> {
    let semaphore = Arc::new(Semaphore::new(ctx.options.concurrency.max(1)));
    let mut tasks = JoinSet::new();
    let batched = ctx.batch.invitation.mode != InviteMode::Organization
        && ctx.follow_up.is_none()
        && records.iter().filter(|r| lookup::to_look_up(r)).count() >= lookup::SEARCH_FROM;
    // Records before this index had their batched look-up (or need none).
    let mut searched_to = 0;
    for at in 0..records.len() {
        if batched && at >= searched_to && lookup::to_look_up(&records[at]) {
            searched_to = lookup::search_ahead(ctx, &mut records, at).await?;
        }
        let record = records[at].clone();
        if record.state.is_final() {
            continue;
        }
        let Some(permit) = slot(ctx, &semaphore).await? else {
            break;
        };
        let worker = ctx.clone();
        tasks.spawn(async move {
            let _permit = permit;
            advance_person(&worker, record).await;
        });
        while let Some(joined) = tasks.try_join_next() {
            joined.map_err(|e| AppError::internal(format!("a worker stopped: {e}")))?;
        }
        if ctx.fatal.lock().is_some() {
            break;
        }
    }
    while let Some(joined) = tasks.join_next().await {
        joined.map_err(|e| AppError::internal(format!("a worker stopped: {e}")))?;
    }
    Ok(())
}

async fn advance_person(ctx: &Ctx, record: PersonRecord) {
    let Some(person) = ctx.people.get(&record.email.to_lowercase()).cloned() else {
        return;
    };
    let existing = match record.state {
        PersonState::Existing => true,
        // Only a resumed run gets here: the journal remembers how the person started.
        PersonState::RolesGranted | PersonState::Ticketed => lock(&ctx.journal)
            .events(ctx.id(), &person.email)
            .map(|events| events.iter().any(|(_, d)| d == "pending -> existing"))
            .unwrap_or(false),
        _ => false,
    };
    let mut current = Current {
        state: record.state,
        user_id: record.user_id.clone(),
        existing,
        link: None,
        rechecked: false,
    };
    // A create that began in this batch (interrupted, or failed and now retried) may have made the
    // user: that exact user is looked for before anything else, so it is never mistaken for
    // someone who was already there.
    let planned = record
        .planned_user_id
        .clone()
        .filter(|_| record.state == PersonState::Pending);
    let result = walk(ctx, &person, &mut current, planned).await;
    let stop = match result {
        Ok(()) | Err(Stop::Cancelled) => return,
        Err(stop) => stop,
    };
    let outcome = match stop {
        Stop::Failed(error) if is_systemic(&error) => ctx.hold(&person, error),
        Stop::Failed(error) => ctx.fail(&person, &mut current, &error),
        Stop::Fatal(error) => Err(Stop::Fatal(error)),
        Stop::Cancelled => Ok(()),
    };
    if let Err(Stop::Fatal(error) | Stop::Failed(error)) = outcome {
        tracing::error!(message = %error.message, "the journal could not be written; stopping the run");
        ctx.control.cancel();
        ctx.fatal.lock().get_or_insert(error);
    }
}

/// One person, from wherever they stand to a final state.
/// `interrupted_create`: the planned id of a create that began and may not have finished.
async fn walk(
    ctx: &Ctx,
    person: &Person,
    current: &mut Current,
    mut interrupted_create: Option<String>,
) -> Result<(), Stop> {
    let mode = ctx.batch.invitation.mode;
    let policy = ctx.batch.invitation.existing;
    loop {
        if current.state.is_final() {
            return Ok(());
        }
        if !ctx.control.proceed().await {
            return Err(Stop::Cancelled);
        }
        match current.state {
            PersonState::Pending if ctx.follow_up.is_some() => {
                if recheck(ctx, person, current).await? {
                    invite_to_organization(ctx, person, current).await?;
                }
            }
            PersonState::Pending if mode == InviteMode::Organization => {
                invite_to_organization(ctx, person, current).await?;
            }
            PersonState::Pending => {
                // A create that began before an interruption: is the user there?
                if let Some(planned) = interrupted_create.take() {
                    if let Some(user) = find_planned(ctx, &planned, &person.email).await? {
                        ctx.note(
                            &person.email,
                            "reconciled: the interrupted create had succeeded",
                        )?;
                        ctx.set(
                            person,
                            current,
                            PersonState::Created,
                            &Outcome {
                                user_id: Some(&user.user_id),
                                ..Outcome::default()
                            },
                        )?;
                        continue;
                    }
                    ctx.note(
                        &person.email,
                        "reconciled: the interrupted create had not happened",
                    )?;
                    create_user(ctx, person, current, Some(planned)).await?;
                    continue;
                }
                let searched_absent = ctx
                    .not_found_by_search
                    .lock()
                    .remove(&person.email.to_lowercase());
                if searched_absent {
                    create_user(ctx, person, current, None).await?;
                    continue;
                }
                let found = ctx.client.users_by_email(&person.email).await?;
                match pick_existing(found, &ctx.batch.invitation.connection) {
                    Some(user) => existing_user(ctx, person, current, &user)?,
                    None => create_user(ctx, person, current, None).await?,
                }
            }
            // A follow-up wave only sends a new link: roles and metadata were the invitation's. A
            // person a resumed wave takes up again is looked up again first.
            PersonState::Existing | PersonState::RolesGranted if ctx.follow_up.is_some() => {
                if !current.rechecked && accepted_meanwhile(ctx, person, current).await? {
                    return Ok(());
                }
                issue_ticket(ctx, person, current).await?;
            }
            PersonState::Ticketed
                if ctx.follow_up.is_some() && current.link.is_none() && !current.rechecked =>
            {
                if accepted_meanwhile(ctx, person, current).await? {
                    return Ok(());
                }
            }
            PersonState::Existing | PersonState::Created => {
                let roles = ctx.role_ids(person)?;
                if current.existing || !roles.is_empty() {
                    grant(ctx, person, current, &roles).await?;
                } else {
                    issue_ticket(ctx, person, current).await?;
                }
            }
            PersonState::RolesGranted => {
                if current.existing && policy == ExistingPolicy::Grant {
                    ctx.set(person, current, PersonState::Granted, &Outcome::default())?;
                } else {
                    issue_ticket(ctx, person, current).await?;
                }
            }
            PersonState::Ticketed => {
                if current.link.is_none() {
                    // Links are never stored: after a restart, a new one replaces the lost one.
                    if mode == InviteMode::Organization {
                        invite_to_organization(ctx, person, current).await?;
                    } else {
                        issue_ticket(ctx, person, current).await?;
                    }
                    continue;
                }
                deliver(ctx, person, current).await?;
                if current.state == PersonState::Ticketed {
                    // Deferred (link export): delivered when the file is written.
                    return Ok(());
                }
            }
            PersonState::Skipped
            | PersonState::Delivered
            | PersonState::Granted
            | PersonState::Unconfirmed
            | PersonState::Failed => return Ok(()),
        }
    }
}

/// What the tenant shows of a wave's person now (`users-by-email`, immediate): their account (the
/// one `ours` names, else the one in the batch's connection) and whether they accepted since the
/// followed batch, by the follow-up's own rule (or an earlier check saw them accept).
async fn seen_now(
    ctx: &Ctx,
    check: &FollowUpCheck,
    person: &Person,
    ours: Option<&str>,
) -> Result<(Option<User>, bool), Stop> {
    let email = person.email.to_lowercase();
    let found = ctx.client.users_by_email(&person.email).await?;
    let user = match found.iter().position(|u| Some(u.user_id.as_str()) == ours) {
        Some(at) => found.into_iter().nth(at),
        None => pick_existing(found, &ctx.batch.invitation.connection),
    };
    let accepted = check.accepted_before.contains(&email)
        || match (&user, check.people.get(&email)) {
            (Some(user), Some(invited)) => {
                crate::followup::sources::from_user(
                    ctx.batch.invitation.mode,
                    invited,
                    user,
                    &check.since,
                )
                .accepted
            }
            _ => false,
        };
    Ok((user, accepted))
}

/// A follow-up wave's look-up of one person right before their new link: someone who accepted
/// since the batch is skipped (journaled, nothing sent); someone whose account is gone fails
/// (a reminder never creates anyone). `true`: go on with an organization invitation (whose
/// account is made when it is accepted); `false`: the person's state is set.
async fn recheck(ctx: &Ctx, person: &Person, current: &mut Current) -> Result<bool, Stop> {
    let Some(check) = &ctx.follow_up else {
        return Ok(true);
    };
    let inv = &ctx.batch.invitation;
    let ours = check
        .people
        .get(&person.email.to_lowercase())
        .and_then(|p| p.user_id.clone());
    let (user, accepted) = seen_now(ctx, check, person, ours.as_deref()).await?;
    current.rechecked = true;
    let Some(user) = user else {
        if inv.mode == InviteMode::Organization {
            return Ok(true);
        }
        return Err(Stop::Failed(AppError::new(
            ErrorCode::NotFound,
            format!(
                "{} has no account in \"{}\" any more: nothing was sent",
                person.email, inv.connection
            ),
        )));
    };
    let outcome = Outcome {
        user_id: Some(&user.user_id),
        ..Outcome::default()
    };
    if accepted {
        ctx.note(
            &person.email,
            "accepted since the invitation (re-checked right before sending): nothing was sent",
        )?;
        ctx.set(person, current, PersonState::Skipped, &outcome)?;
        return Ok(false);
    }
    if inv.mode == InviteMode::Organization {
        return Ok(true);
    }
    current.existing = true;
    ctx.set(person, current, PersonState::Existing, &outcome)?;
    Ok(false)
}

/// `recheck` for someone a resumed wave takes up past the look-up: `true` (and skipped, journaled)
/// when they accepted meanwhile.
async fn accepted_meanwhile(
    ctx: &Ctx,
    person: &Person,
    current: &mut Current,
) -> Result<bool, Stop> {
    let Some(check) = &ctx.follow_up else {
        return Ok(false);
    };
    let ours = current.user_id.clone();
    let (_, accepted) = seen_now(ctx, check, person, ours.as_deref()).await?;
    current.rechecked = true;
    if accepted {
        ctx.note(
            &person.email,
            "accepted since the invitation (re-checked when the wave went on): nothing was sent",
        )?;
        ctx.set(person, current, PersonState::Skipped, &Outcome::default())?;
    }
    Ok(accepted)
}

fn existing_user(
    ctx: &Ctx,
    person: &Person,
    current: &mut Current,
    user: &User,
) -> Result<(), Stop> {
    let inv = &ctx.batch.invitation;
    let outcome = Outcome {
        user_id: Some(&user.user_id),
        ..Outcome::default()
    };
    if inv.existing == ExistingPolicy::Skip {
        return ctx.set(person, current, PersonState::Skipped, &outcome);
    }
    if inv.existing == ExistingPolicy::Reinvite
        && inv.mode == InviteMode::PasswordChange
        && !user.in_connection(&inv.connection)
    {
        let via: Vec<&str> = user
            .identities
            .iter()
            .map(|i| i.connection.as_str())
            .collect();
        return Err(Stop::Failed(AppError::invalid_input(format!(
            "{} already signs in through {} and has no password in \"{}\": a password-change link cannot invite them. Grant them access instead (existing-user policy `grant`)",
            person.email,
            via.join(", "),
            inv.connection
        ))));
    }
    current.existing = true;
    ctx.set(person, current, PersonState::Existing, &outcome)
}

fn display_name(person: &Person) -> Option<String> {
    crate::delivery::recipient(person).name
}

async fn create_user(
    ctx: &Ctx,
    person: &Person,
    current: &mut Current,
    planned: Option<String>,
) -> Result<(), Stop> {
    let planned = planned.unwrap_or_else(planned_user_id);
    ctx.begin(&person.email, Step::CreateUser, Some(&planned))?;
    let request = CreateUser {
        connection: ctx.batch.invitation.connection.clone(),
        email: person.email.clone(),
        password: Some(throwaway_password()),
        email_verified: Some(false),
        verify_email: Some(false),
        given_name: person.given_name.clone(),
        family_name: person.family_name.clone(),
        name: display_name(person),
        user_id: Some(planned.clone()),
        app_metadata: Some(ctx.metadata(person, "invited")),
        user_metadata: user_metadata(person),
        ..CreateUser::default()
    };
    match ctx.client.create_user(&request).await {
        Ok(created) => {
            if created.reconciled {
                ctx.note(
                    &person.email,
                    "the answer was lost; found the user by email",
                )?;
            }
            ctx.set(
                person,
                current,
                PersonState::Created,
                &Outcome {
                    user_id: Some(&created.value.user_id),
                    ..Outcome::default()
                },
            )
        }
        Err(e) if e.kind == ErrorKind::Conflict => {
            // Someone created them since the look-up: they are an existing user now.
            let found = ctx.client.users_by_email(&person.email).await?;
            let Some(user) = pick_existing(found, &ctx.batch.invitation.connection) else {
                return Err(Stop::Failed(e.into()));
            };
            lock(&ctx.journal)
                .abandon(ctx.id(), &person.email, "already created by someone else")
                .map_err(Stop::Fatal)?;
            existing_user(ctx, person, current, &user)
        }
        Err(e) => Err(Stop::Failed(e.into())),
    }
}

async fn grant(
    ctx: &Ctx,
    person: &Person,
    current: &mut Current,
    roles: &[String],
) -> Result<(), Stop> {
    let user_id = current
        .user_id
        .clone()
        .ok_or_else(|| Stop::Failed(AppError::internal("no user id to grant roles to")))?;
    ctx.begin(&person.email, Step::GrantRoles, None)?;
    if current.existing {
        let status = match ctx.batch.invitation.existing {
            ExistingPolicy::Grant => "granted",
            _ => "invited",
        };
        let mut patch = UserPatch::new();
        patch.insert(
            "app_metadata".into(),
            Value::Object(ctx.metadata(person, status)),
        );
        ctx.client.update_user(&user_id, &patch).await?;
    }
    ctx.client.assign_roles(&user_id, roles).await?;
    ctx.set(
        person,
        current,
        PersonState::RolesGranted,
        &Outcome::default(),
    )
}

fn with_hash(ticket: &str, hash: Option<&str>) -> String {
    match hash
        .map(|h| h.trim_start_matches('#'))
        .filter(|h| !h.is_empty())
    {
        None => ticket.to_owned(),
        Some(hash) => match ticket.strip_suffix('#') {
            Some(base) => format!("{base}#{hash}"),
            None if ticket.contains('#') => format!("{ticket}&{hash}"),
            None => format!("{ticket}#{hash}"),
        },
    }
}

fn result_url(ctx: &Ctx, person: &Person, user_id: &str) -> Result<Option<String>, PersonFailure> {
    let inv = &ctx.batch.invitation;
    let Some(url) = &inv.result_url else {
        return Ok(None);
    };
    if !inv.sign_result_url {
        return Ok(Some(url.clone()));
    }
    let key = ctx
        .signing_key
        .as_ref()
        .ok_or_else(|| AppError::new(ErrorCode::Keychain, "no signing key"))?;
    let now = time::OffsetDateTime::now_utc().unix_timestamp().max(0) as u64;
    // Signed before the ticket is asked for, with the ticket's lifetime: the token never outlives
    // the link it travels with.
    let claims = invitation_token::InvitationClaims {
        iss: ctx.token_issuer.clone(),
        sub: user_id.to_owned(),
        aud: invitation_token::audience(url)?,
        email: person.email.to_lowercase(),
        batch: ctx.id().to_owned(),
        jti: invitation_token::new_id(),
        iat: now,
        exp: now + inv.ttl_secs,
    };
    let token = invitation_token::sign(&claims, key)?;
    Ok(Some(invitation_token::with_token(url, &token)?))
}

async fn issue_ticket(ctx: &Ctx, person: &Person, current: &mut Current) -> Result<(), Stop> {
    let inv = &ctx.batch.invitation;
    let user_id = current
        .user_id
        .clone()
        .ok_or_else(|| Stop::Failed(AppError::internal("no user id to issue a ticket for")))?;
    let result_url = result_url(ctx, person, &user_id)?;
    ctx.begin(&person.email, Step::IssueTicket, None)?;
    let issued_at = time::OffsetDateTime::now_utc();
    let ticket = match inv.mode {
        InviteMode::EmailVerification => {
            ctx.client
                .email_verification_ticket(&EmailVerificationTicket {
                    user_id: user_id.clone(),
                    result_url,
                    client_id: inv.client_id.clone(),
                    ttl_sec: Some(inv.ttl_secs),
                    ..EmailVerificationTicket::default()
                })
                .await?
        }
        _ => {
            ctx.client
                .password_change_ticket(&PasswordChangeTicket {
                    user_id: Some(user_id.clone()),
                    result_url,
                    client_id: inv.client_id.clone(),
                    ttl_sec: Some(inv.ttl_secs),
                    mark_email_as_verified: Some(inv.mark_email_as_verified),
                    ..PasswordChangeTicket::default()
                })
                .await?
        }
    };
    let expires_at = crate::duration::after(issued_at, inv.ttl_secs);
    let url = with_hash(&ticket.ticket, inv.hash_params.as_deref());
    ticketed(ctx, person, current, expires_at, Some(url))
}

/// Records a new link's expiry (the link itself is a bearer secret and stays in memory, kept for
/// the delivery that follows).
fn ticketed(
    ctx: &Ctx,
    person: &Person,
    current: &mut Current,
    expires_at: time::OffsetDateTime,
    url: Option<String>,
) -> Result<(), Stop> {
    let expires_text = iso(expires_at);
    ctx.set(
        person,
        current,
        PersonState::Ticketed,
        &Outcome {
            link_expires_at: Some(&expires_text),
            ..Outcome::default()
        },
    )?;
    current.link = url.map(|url| Link {
        url,
        expires_at,
        ttl_seconds: ctx.batch.invitation.ttl_secs,
    });
    Ok(())
}

async fn invite_to_organization(
    ctx: &Ctx,
    person: &Person,
    current: &mut Current,
) -> Result<(), Stop> {
    let inv = &ctx.batch.invitation;
    let (Some(organization), Some(client_id)) = (&inv.organization_id, &inv.client_id) else {
        return Err(Stop::Failed(AppError::invalid_input(
            "organization invitations need the organization id and the application's client id",
        )));
    };
    let roles = ctx.role_ids(person)?;
    let auth0_sends = matches!(ctx.deliverer, Deliverer::Auth0);
    ctx.begin(&person.email, Step::IssueTicket, None)?;
    let invitation = ctx
        .client
        .invite_to_organization(
            organization,
            &CreateOrganizationInvitation {
                inviter: Inviter {
                    name: inviter_name(&ctx.batch.message),
                },
                invitee: Invitee {
                    email: person.email.clone(),
                },
                client_id: client_id.clone(),
                connection_id: ctx.connection_id.clone(),
                app_metadata: Some(ctx.metadata(person, "invited")),
                user_metadata: user_metadata(person),
                ttl_sec: Some(inv.ttl_secs),
                roles: (!roles.is_empty()).then_some(roles),
                send_invitation_email: Some(auth0_sends),
            },
        )
        .await?;
    let expires_at = invitation
        .expires_at
        .as_deref()
        .and_then(|t| {
            time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).ok()
        })
        .unwrap_or_else(|| crate::duration::after(time::OffsetDateTime::now_utc(), inv.ttl_secs));
    ticketed(ctx, person, current, expires_at, invitation.invitation_url)?;
    if auth0_sends {
        return ctx.set(person, current, PersonState::Delivered, &Outcome::default());
    }
    if current.link.is_none() {
        return Err(Stop::Failed(AppError::internal(
            "the tenant returned an invitation without its URL",
        )));
    }
    Ok(())
}

async fn deliver(ctx: &Ctx, person: &Person, current: &mut Current) -> Result<(), Stop> {
    let Some(link) = current.link.clone() else {
        return Err(Stop::Failed(AppError::internal("no link to deliver")));
    };
    ctx.begin(&person.email, Step::SendMail, None)?;
    match ctx.deliverer.deliver(person, &link).await {
        Ok(deliver::Delivered::Now(detail)) => {
            lock(&ctx.journal)
                .note_delivery(ctx.id(), &person.email, &detail)
                .map_err(Stop::Fatal)?;
            ctx.set(person, current, PersonState::Delivered, &Outcome::default())
        }
        Ok(deliver::Delivered::MaybeSent(why)) => ctx.set(
            person,
            current,
            PersonState::Unconfirmed,
            &Outcome {
                error_code: Some(Unsettled::DeliveryUnconfirmed.into()),
                error_message: Some(&format!(
                    "the connection broke while this invitation was being sent ({why}): it may have been sent. Ask the person, or send a new link (resume --resend-unconfirmed)"
                )),
                ..Outcome::default()
            },
        ),
        Ok(deliver::Delivered::Deferred) => {
            // Got through its last step before the link file is written: it counts as a success.
            lock_breaker(&ctx.breaker).in_a_row = 0;
            Ok(())
        }
        Err(e) => Err(Stop::Failed(e)),
    }
}

/// Writes the link export (if that is the delivery) and marks its people delivered.
fn finish_links(ctx: &Ctx) -> Result<Option<PathBuf>, AppError> {
    let written = match ctx.deliverer.flush() {
        Ok(written) => written,
        Err(error) => {
            // Their links are lost with the file: they stay ticketed, and a resume issues new ones.
            tracing::error!(message = %error.message, "could not write the link export");
            return Err(error);
        }
    };
    let Some((path, emails)) = written else {
        return Ok(None);
    };
    for email in emails {
        let Some(person) = ctx.people.get(&email.to_lowercase()) else {
            continue;
        };
        let mut current = Current::at(PersonState::Ticketed);
        ctx.note(&email, &format!("link written to {}", path.display()))
            .and_then(|()| {
                ctx.set(
                    person,
                    &mut current,
                    PersonState::Delivered,
                    &Outcome::default(),
                )
            })
            .map_err(|stop| match stop {
                Stop::Failed(e) | Stop::Fatal(e) => e,
                Stop::Cancelled => AppError::new(ErrorCode::Cancelled, "cancelled"),
            })?;
    }
    Ok(Some(path))
}

/// A person's `user_metadata` as Auth0 gets it: the list's, with their language as `locale` unless
/// the list set one, so mail Auth0 sends itself can be written in it (Auth0's email templates read
/// `user.user_metadata.locale` in their Liquid).
pub(crate) fn user_metadata(person: &Person) -> Option<serde_json::Map<String, serde_json::Value>> {
    let mut metadata = person.user_metadata.clone();
    if let Some(locale) = &person.locale {
        metadata
            .entry("locale")
            .or_insert_with(|| serde_json::Value::String(locale.clone()));
    }
    (!metadata.is_empty()).then_some(metadata)
}

/// Who an organization invitation names as inviting (Auth0 requires a name): the organization the
/// batch names, else its application, else the administrator.
fn inviter_name(message: &crate::template::MessageSettings) -> String {
    [&message.organization, &message.app_name]
        .into_iter()
        .map(|name| name.trim())
        .find(|name| !name.is_empty())
        .unwrap_or("Your administrator")
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_parameters_go_after_the_tickets_hash() {
        let t = "https://t.example/u/reset-password?ticket=abc#";
        assert_eq!(with_hash(t, None), t);
        assert_eq!(
            with_hash(t, Some("type=invite")),
            "https://t.example/u/reset-password?ticket=abc#type=invite"
        );
        assert_eq!(
            with_hash("https://t.example/x?ticket=abc", Some("#type=invite")),
            "https://t.example/x?ticket=abc#type=invite"
        );
        assert_eq!(
            with_hash("https://t.example/x?ticket=abc#a=1", Some("type=invite")),
            "https://t.example/x?ticket=abc#a=1&type=invite"
        );
    }

    #[test]
    fn batch_ids_sort_by_time_and_differ() {
        let a = new_batch_id();
        let b = new_batch_id();
        assert_ne!(a, b);
        assert!(a.starts_with("b-20"), "{a}");
        assert_eq!(throwaway_password().expose_len(), 32);
    }

    trait ExposeLen {
        fn expose_len(&self) -> usize;
    }
    impl ExposeLen for SecretString {
        fn expose_len(&self) -> usize {
            use invite_desk_auth0::ExposeSecret;
            self.expose_secret().len()
        }
    }
}
