//! The journal: every batch, every person's state and every step's intent, in one SQLite file in the
//! data folder. A run writes an *intent* before each external write (creating a user, sending a mail)
//! and the resulting *transition* after it, each committed before the next side effect. After a crash
//! (even `kill -9`) the journal says exactly which writes may have happened: those are reconciled
//! (a user is looked up by email) or shown to the admin ("may have been sent"), never guessed.
//!
//! Bearer secrets never enter the journal: it keeps a link's expiry, not the link.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub(crate) use invite_desk_core::{AppError, ErrorCode};
pub use invite_desk_core::{PersonErrorCode, Unsettled};

/// Where a person stands. `pending → (skipped | existing | created) → roles_granted → ticketed →
/// delivered`, `existing → roles_granted → granted` for grant-only, or `failed` from any step.
/// `unconfirmed` is where a mail whose sending was interrupted ends: it may have been sent, so it is
/// never re-sent silently; the admin decides (resend).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    TS,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum PersonState {
    Pending,
    /// Already in the tenant and the policy says skip: nothing was done.
    Skipped,
    /// Already in the tenant; the run goes on with them (re-invite or grant).
    Existing,
    Created,
    RolesGranted,
    Ticketed,
    Delivered,
    /// Existing user given roles/metadata only (policy `grant`): done, no mail.
    Granted,
    /// The mail may or may not have been sent (the run stopped while sending).
    Unconfirmed,
    Failed,
}

impl PersonState {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    fn parse(text: &str) -> Result<Self, AppError> {
        text.parse().map_err(|_| {
            AppError::internal(format!("the journal holds an unknown state \"{text}\""))
        })
    }

    /// Whether nothing more will happen to this person in this batch.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            PersonState::Skipped
                | PersonState::Delivered
                | PersonState::Granted
                | PersonState::Unconfirmed
                | PersonState::Failed
        )
    }

    /// Every state, in the order of the state machine (for counts and displays).
    pub const ALL: &[PersonState] = <PersonState as strum::VariantArray>::VARIANTS;

    /// The transitions the state machine allows.
    pub fn may_become(self, next: PersonState) -> bool {
        use PersonState::*;
        match (self, next) {
            (_, Failed) => !self.is_final(),
            (Pending, Skipped | Existing | Created) => true,
            // Organization invitations: no user is created; the invitation is the ticket.
            (Pending, Ticketed) => true,
            // Existing users may be granted only (roles/metadata, no mail) or re-invited.
            (Existing, RolesGranted | Ticketed | Granted) => true,
            (Created, RolesGranted | Ticketed) => true,
            (RolesGranted, Ticketed | Granted) => true,
            // Links are never stored: after a restart an undelivered ticket is replaced by a new one.
            (Ticketed, Ticketed | Delivered | Unconfirmed) => true,
            // A failed person is retried from the step that failed.
            (Failed, Pending | Existing | Created | RolesGranted | Ticketed) => true,
            // "May have been sent": a new link and a new mail, when the admin asks for them.
            (Unconfirmed, Ticketed) => true,
            // A follow-up wave resumed days later finds that someone accepted meanwhile: nothing
            // more is sent (a ticket issued and never delivered is simply unused).
            (Existing | RolesGranted | Ticketed, Skipped) => true,
            _ => false,
        }
    }
}

/// How a batch delivers, in the words every screen, the CLI and the exports use for it: only
/// `sent` left the machine through a mail server.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
pub enum DeliveredAs {
    Sent,
    WrittenToOutbox,
    LinkExported,
    SentByAuth0,
}

impl DeliveredAs {
    /// From the batch file's `delivery.kind`.
    pub fn from_kind(kind: &str) -> Option<DeliveredAs> {
        match kind {
            "smtp" => Some(DeliveredAs::Sent),
            "outbox" => Some(DeliveredAs::WrittenToOutbox),
            "export-links" => Some(DeliveredAs::LinkExported),
            "auth0" => Some(DeliveredAs::SentByAuth0),
            _ => None,
        }
    }

    /// "sent", "written to outbox", "link exported", "sent by Auth0".
    pub fn words(self) -> &'static str {
        match self {
            DeliveredAs::Sent => "sent",
            DeliveredAs::WrittenToOutbox => "written to outbox",
            DeliveredAs::LinkExported => "link exported",
            DeliveredAs::SentByAuth0 => "sent by Auth0",
        }
    }

    pub const ALL: &[DeliveredAs] = <DeliveredAs as strum::VariantArray>::VARIANTS;
}

impl PersonState {
    /// What happened to the person, in the words the app, the CLI, History and the exports share:
    /// `delivered` says how (`None`: a batch of unknown delivery, "delivered"), and nobody the
    /// run did not reach reads as failed.
    pub fn words(self, delivered: Option<DeliveredAs>) -> &'static str {
        match self {
            PersonState::Pending => "not started",
            PersonState::Skipped => "skipped",
            PersonState::Existing => "account found",
            PersonState::Created => "account created",
            PersonState::RolesGranted => "roles granted",
            PersonState::Ticketed => "link issued",
            PersonState::Delivered => delivered.map_or("delivered", DeliveredAs::words),
            PersonState::Granted => "granted, no invitation",
            PersonState::Unconfirmed => "unconfirmed",
            PersonState::Failed => "failed",
        }
    }
}

/// The external writes that are journaled as intents before they happen.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    TS,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Step {
    CreateUser,
    GrantRoles,
    IssueTicket,
    SendMail,
}

impl Step {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    fn parse(text: &str) -> Result<Self, AppError> {
        text.parse().map_err(|_| {
            AppError::internal(format!("the journal holds an unknown step \"{text}\""))
        })
    }
}

/// One person's row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PersonRecord {
    pub line: u64,
    pub email: String,
    pub state: PersonState,
    pub user_id: Option<String>,
    pub link_expires_at: Option<String>,
    /// A step begun and not finished when the run stopped: it may or may not have happened.
    pub open_intent: Option<Step>,
    /// The user id chosen before a create (so a restart can look for exactly that user); the user
    /// exists only once `user_id` is set.
    #[serde(skip)]
    #[ts(skip)]
    pub planned_user_id: Option<String>,
    pub error_code: Option<PersonErrorCode>,
    pub error_message: Option<String>,
}

/// What changed, to record with a transition.
#[derive(Debug, Clone, Default)]
pub struct Outcome<'a> {
    pub user_id: Option<&'a str>,
    pub link_expires_at: Option<&'a str>,
    pub error_code: Option<PersonErrorCode>,
    pub error_message: Option<&'a str>,
}

pub struct Journal {
    db: Connection,
}

fn db_error(what: &str, e: rusqlite::Error) -> AppError {
    AppError::new(ErrorCode::Io, format!("journal: could not {what}: {e}"))
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS batches (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    status TEXT NOT NULL,
    settings TEXT NOT NULL,
    target TEXT NOT NULL DEFAULT '{}',
    name TEXT
);
CREATE TABLE IF NOT EXISTS people (
    batch_id TEXT NOT NULL REFERENCES batches(id),
    email TEXT NOT NULL,
    line INTEGER NOT NULL,
    state TEXT NOT NULL,
    user_id TEXT,
    planned_user_id TEXT,
    link_expires_at TEXT,
    open_intent TEXT,
    error_code TEXT,
    error_message TEXT,
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (batch_id, email)
);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    batch_id TEXT NOT NULL,
    email TEXT NOT NULL,
    at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    kind TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS followup_checks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    batch_id TEXT NOT NULL,
    checked_at TEXT NOT NULL,
    source TEXT NOT NULL,
    counts TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS followup_seen (
    batch_id TEXT NOT NULL,
    email TEXT NOT NULL,
    status TEXT NOT NULL,
    accepted_at TEXT,
    last_login TEXT,
    marked INTEGER NOT NULL DEFAULT 0,
    checked_at TEXT NOT NULL,
    PRIMARY KEY (batch_id, email)
);
CREATE INDEX IF NOT EXISTS people_by_email ON people(email);
CREATE INDEX IF NOT EXISTS events_by_person ON events(batch_id, email);
";

/// Brings a journal written by an earlier version up to the current schema (`PRAGMA user_version`).
fn migrate(db: &Connection) -> Result<(), AppError> {
    let version: i64 = db
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| db_error("read the schema version", e))?;
    if version < 1 {
        // 1: the batch's name in its own column. History used to read it out of the settings JSON
        // (the whole batch file, megabytes for a large batch) once per person, which took minutes
        // and gigabytes for a 10,000-person batch.
        let has_name: bool = db
            .query_row(
                "SELECT COUNT(*) FROM pragma_table_info('batches') WHERE name = 'name'",
                [],
                |r| r.get::<_, i64>(0),
            )
            .map_err(|e| db_error("read the schema", e))?
            > 0;
        let mut steps = String::from("BEGIN;");
        if !has_name {
            steps.push_str("ALTER TABLE batches ADD COLUMN name TEXT;");
        }
        steps.push_str(
            "UPDATE batches SET name = json_extract(settings, '$.name') WHERE name IS NULL;
             PRAGMA user_version = 1;
             COMMIT;",
        );
        db.execute_batch(&steps)
            .map_err(|e| db_error("update the journal's schema", e))?;
    }
    if version < 2 {
        // 2: what a batch was for and which batch a follow-up wave (reminders, new links) follows,
        // in their own columns, so History and the follow-up read them without the settings JSON.
        let mut steps = String::from("BEGIN;");
        for column in ["purpose", "follows"] {
            let has: bool = db
                .query_row(
                    "SELECT COUNT(*) FROM pragma_table_info('batches') WHERE name = ?1",
                    [column],
                    |r| r.get::<_, i64>(0),
                )
                .map_err(|e| db_error("read the schema", e))?
                > 0;
            if !has {
                steps.push_str(&format!("ALTER TABLE batches ADD COLUMN {column} TEXT;"));
            }
        }
        steps.push_str(
            "UPDATE batches SET purpose = json_extract(settings, '$.purpose'),
                                follows = json_extract(settings, '$.follows');
             CREATE INDEX IF NOT EXISTS batches_by_follows ON batches(follows);
             PRAGMA user_version = 2;
             COMMIT;",
        );
        db.execute_batch(&steps)
            .map_err(|e| db_error("update the journal's schema", e))?;
    }
    Ok(())
}

/// One person's invitation in a batch or in one of its follow-up waves, as the follow-up reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    pub batch_id: String,
    /// The batch's `purpose` (`None`: an invitation written before purposes were kept).
    pub purpose: Option<String>,
    pub email: String,
    pub state: PersonState,
    pub user_id: Option<String>,
    pub link_expires_at: Option<String>,
    /// When their mail was delivered (or began to be sent, for "may have been sent").
    pub delivered_at: Option<String>,
    /// Whether this batch created their account.
    pub created_here: bool,
}

/// What a follow-up check saw of one person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub email: String,
    pub status: String,
    pub accepted_at: Option<String>,
    pub last_login: Option<String>,
    /// Whether `app_metadata.invitation.status` was set to accepted for them.
    pub marked: bool,
    pub checked_at: String,
}

/// A follow-up check of a batch: when, from which source, and its counts (JSON).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub checked_at: String,
    pub source: String,
    pub counts_json: String,
}

/// Where a batch stands as a whole.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    TS,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum BatchStatus {
    /// Recorded, not started.
    Prepared,
    /// A check before the first write failed: nothing was written to the tenant.
    FailedToStart,
    /// Running now, or the process running it was killed.
    Running,
    /// Stopped by an error or by the circuit breaker.
    Interrupted,
    Cancelled,
    Finished,
}

impl BatchStatus {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    fn parse(text: &str) -> Result<Self, AppError> {
        text.parse().map_err(|_| {
            AppError::internal(format!(
                "the journal holds an unknown batch status \"{text}\""
            ))
        })
    }

    /// Whether `resume` has something to continue (the screens offer it for these).
    pub fn is_resumable(self) -> bool {
        matches!(
            self,
            BatchStatus::FailedToStart
                | BatchStatus::Running
                | BatchStatus::Interrupted
                | BatchStatus::Cancelled
        )
    }

    pub const ALL: &[BatchStatus] = <BatchStatus as strum::VariantArray>::VARIANTS;
}

/// A batch as the journal lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BatchSummary {
    pub id: String,
    pub created_at: String,
    pub status: BatchStatus,
    pub name: Option<String>,
    pub total: u64,
    /// People per state (states with nobody are left out).
    #[ts(type = "Partial<Record<PersonState, number>>")]
    pub counts: std::collections::BTreeMap<String, u64>,
    /// How it delivers (`None` for a batch file of an unknown kind).
    pub delivered_as: Option<DeliveredAs>,
    /// The tenant profile it ran on (`None`: run without a saved profile, or recorded before
    /// targets were kept): whom to look its people up in.
    pub profile: Option<String>,
    /// What the last follow-up check saw (`None` before one): History's funnel without asking
    /// the tenant again.
    pub follow_up: Option<CheckedCounts>,
}

/// The counts of a follow-up check, and when it was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CheckedCounts {
    pub checked_at: String,
    pub accepted: u64,
    pub pending: u64,
    pub expired: u64,
    pub not_invited: u64,
    pub signed_in: u64,
}

/// What the journal keeps of a batch to resume it: the batch file and where it runs (no secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchRecord {
    pub id: String,
    pub created_at: String,
    pub status: BatchStatus,
    pub settings_json: String,
    pub target_json: String,
}

/// One past invitation of a person, for look-ups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PersonHistory {
    pub batch_id: String,
    pub batch_created_at: String,
    /// The name the admin gave the batch (a resend's or a copied link's says so).
    pub batch_name: Option<String>,
    /// What the batch was: `invitation`, `resend`, `link_copy`, `reminder`, `reissue` (`None`: an
    /// invitation recorded before purposes were kept).
    pub purpose: Option<String>,
    /// What "delivered" was in that batch.
    pub delivered_as: Option<DeliveredAs>,
    pub record: PersonRecord,
    /// `(at, kind, detail)`, oldest first.
    pub events: Vec<(String, String, String)>,
}

impl Journal {
    /// Opens (creating if needed) the journal file.
    pub fn open(path: &Path) -> Result<Self, AppError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| AppError::io("create the folder of", path, &e))?;
        }
        let db =
            Connection::open(path).map_err(|e| db_error(&format!("open {}", path.display()), e))?;
        // WAL: a reader never blocks the run, and a committed transaction survives the process being
        // killed at any instant. synchronous=NORMAL does not sync the WAL at each commit, so a power
        // cut could drop the last ones: fine for transitions (the step is done again, or found by its
        // planned id), not for an intent, whose loss would hide an external write that happened.
        // So an intent's commit is synced (`begin_many`), which also syncs every commit before it.
        // Read-then-write transactions start IMMEDIATE (they take the write lock first, so two
        // processes never both read and then fail to upgrade), and wait up to 10 s for it.
        db.execute_batch("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000;")
            .map_err(|e| db_error("configure SQLite", e))?;
        db.execute_batch(SCHEMA)
            .map_err(|e| db_error("create the tables", e))?;
        migrate(&db)?;
        Ok(Journal { db })
    }

    /// Records a new batch and its people, all `pending`, in one transaction.
    pub fn create_batch(
        &mut self,
        id: &str,
        settings_json: &str,
        people: &[(u64, &str)],
    ) -> Result<(), AppError> {
        self.create_batch_for(id, settings_json, "{}", people)
    }

    /// Like `create_batch`, also recording where the batch runs (`target_json`: tenant, client id,
    /// profile; never a secret), so `resume` needs nothing but the batch id.
    pub fn create_batch_for(
        &mut self,
        id: &str,
        settings_json: &str,
        target_json: &str,
        people: &[(u64, &str)],
    ) -> Result<(), AppError> {
        let tx = self
            .db
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| db_error("start a transaction", e))?;
        tx.execute(
            "INSERT INTO batches (id, status, settings, target, name, purpose, follows)
             VALUES (?1, 'prepared', ?2, ?3, json_extract(?2, '$.name'),
                     json_extract(?2, '$.purpose'), json_extract(?2, '$.follows'))",
            params![id, settings_json, target_json],
        )
        .map_err(|e| {
            if matches!(e.sqlite_error_code(), Some(rusqlite::ErrorCode::ConstraintViolation)) {
                AppError::new(
                    ErrorCode::Conflict,
                    format!("batch {id} is already in the journal: resume it, or give the new batch another id"),
                )
            } else {
                db_error("record the batch", e)
            }
        })?;
        {
            let mut insert = tx
                .prepare("INSERT INTO people (batch_id, email, line, state) VALUES (?1, ?2, ?3, 'pending')")
                .map_err(|e| db_error("prepare", e))?;
            for (line, email) in people {
                insert
                    .execute(params![id, email, *line as i64])
                    .map_err(|e| db_error("record a person", e))?;
            }
        }
        tx.commit().map_err(|e| db_error("commit the batch", e))
    }

    /// Moves a batch from `from` to `to` only if it is still at `from` (compare-and-set): a run
    /// takes its batch this way, so two processes that both read "interrupted" cannot both go on.
    /// The batch's OS lock is what keeps them apart in the first place (it also tells a live run
    /// from a killed one, which a status cannot); this catches what slips past it.
    pub fn claim_batch(
        &self,
        id: &str,
        from: BatchStatus,
        to: BatchStatus,
    ) -> Result<(), AppError> {
        let changed = self
            .db
            .execute(
                "UPDATE batches SET status = ?3 WHERE id = ?1 AND status = ?2",
                params![id, from.as_str(), to.as_str()],
            )
            .map_err(|e| db_error("update the batch", e))?;
        if changed == 0 {
            let now = self.batch(id)?.status;
            return Err(AppError::new(
                ErrorCode::Conflict,
                format!(
                    "batch {id} changed from {} to {} while this run started: another Invite Desk is running it",
                    from.as_str(),
                    now.as_str()
                ),
            ));
        }
        Ok(())
    }

    pub fn set_batch_status(&self, id: &str, status: BatchStatus) -> Result<(), AppError> {
        let changed = self
            .db
            .execute(
                "UPDATE batches SET status = ?2 WHERE id = ?1",
                params![id, status.as_str()],
            )
            .map_err(|e| db_error("update the batch", e))?;
        if changed == 0 {
            return Err(AppError::new(
                ErrorCode::NotFound,
                format!("no batch {id} in the journal"),
            ));
        }
        Ok(())
    }

    /// Writes that `step` is about to happen for this person: the open intent and its event, in one
    /// transaction, committed before the call returns.
    pub fn begin(&mut self, batch: &str, email: &str, step: Step) -> Result<(), AppError> {
        self.begin_many(batch, &[(email, None)], step)
    }

    /// Intents for several people in one transaction (an import job's file). A planned user id is
    /// recorded with the intent, so a restart can look for exactly that user.
    pub fn begin_many(
        &mut self,
        batch: &str,
        people: &[(&str, Option<&str>)],
        step: Step,
    ) -> Result<(), AppError> {
        // The external write follows this commit: it must survive a power cut (see `open`).
        self.db
            .pragma_update(None, "synchronous", "FULL")
            .map_err(|e| db_error("configure SQLite", e))?;
        let written = self.write_intents(batch, people, step);
        self.db
            .pragma_update(None, "synchronous", "NORMAL")
            .map_err(|e| db_error("configure SQLite", e))?;
        written
    }

    fn write_intents(
        &mut self,
        batch: &str,
        people: &[(&str, Option<&str>)],
        step: Step,
    ) -> Result<(), AppError> {
        let tx = self
            .db
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| db_error("start a transaction", e))?;
        for (email, planned_user_id) in people {
            let changed = tx
                .execute(
                    "UPDATE people SET open_intent = ?3, planned_user_id = COALESCE(?4, planned_user_id), updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE batch_id = ?1 AND email = ?2",
                    params![batch, email, step.as_str(), planned_user_id],
                )
                .map_err(|e| db_error("record an intent", e))?;
            if changed == 0 {
                return Err(AppError::new(
                    ErrorCode::NotFound,
                    format!("{email} is not in batch {batch}"),
                ));
            }
            tx.execute(
                "INSERT INTO events (batch_id, email, kind, detail) VALUES (?1, ?2, 'intent', ?3)",
                params![batch, email, step.as_str()],
            )
            .map_err(|e| db_error("record an event", e))?;
        }
        tx.commit().map_err(|e| db_error("commit an intent", e))
    }

    /// Records something that happened to a person without changing their state (a reconciliation,
    /// a delivery detail).
    pub fn note(&self, batch: &str, email: &str, detail: &str) -> Result<(), AppError> {
        self.event(batch, email, "note", detail)
    }

    /// Records how an invitation was delivered ("accepted by the mail server: 250 …", "written to
    /// …"), as its own kind of event so a resend can say what it did, and when.
    pub fn note_delivery(&self, batch: &str, email: &str, detail: &str) -> Result<(), AppError> {
        self.event(batch, email, "delivery", detail)
    }

    /// The last delivery of a person in a batch: `(at, detail)`.
    pub fn last_delivery(
        &self,
        batch: &str,
        email: &str,
    ) -> Result<Option<(String, String)>, AppError> {
        self.db
            .query_row(
                "SELECT at, detail FROM events WHERE batch_id = ?1 AND email = ?2 AND kind = 'delivery'
                 ORDER BY id DESC LIMIT 1",
                params![batch, email],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(|e| db_error("read events", e))
    }

    fn event(&self, batch: &str, email: &str, kind: &str, detail: &str) -> Result<(), AppError> {
        self.db
            .execute(
                "INSERT INTO events (batch_id, email, kind, detail) VALUES (?1, ?2, ?3, ?4)",
                params![batch, email, kind, detail],
            )
            .map_err(|e| db_error("record an event", e))?;
        Ok(())
    }

    /// Closes an open intent that turned out not to have happened, leaving the state as it is.
    pub fn abandon(&self, batch: &str, email: &str, why: &str) -> Result<(), AppError> {
        self.db
            .execute(
                "UPDATE people SET open_intent = NULL WHERE batch_id = ?1 AND email = ?2",
                params![batch, email],
            )
            .map_err(|e| db_error("close an intent", e))?;
        self.note(batch, email, why)
    }

    /// The batches, newest first: an admin's batches, not the actions on one person that follow
    /// one (a reminder or new-link wave, a resend, a copied link: the person's timeline lists those).
    pub fn batches(&self) -> Result<Vec<BatchSummary>, AppError> {
        self.summaries(
            "b.follows IS NULL
             OR COALESCE(b.purpose, '') NOT IN ('reminder', 'reissue', 'resend', 'link_copy')",
            &[],
        )
    }

    /// One batch as History would list it, whatever it was for.
    pub fn batch_summary(&self, id: &str) -> Result<BatchSummary, AppError> {
        self.summaries("b.id = ?1", &[&id])?.pop().ok_or_else(|| {
            AppError::new(ErrorCode::NotFound, format!("no batch {id} in the journal"))
        })
    }

    /// The batches `condition` (an SQL condition on `b`, its parameters `params`) picks, newest
    /// first.
    fn summaries(
        &self,
        condition: &str,
        params: &[&dyn rusqlite::ToSql],
    ) -> Result<Vec<BatchSummary>, AppError> {
        let mut query = self
            .db
            .prepare(&format!(
                // The delivery kind is read out of each batch's settings once, not once per state.
                "WITH counts AS (SELECT batch_id, state, COUNT(*) AS n FROM people GROUP BY batch_id, state),
                      picked AS (SELECT b.id, b.created_at, b.status, b.name, b.rowid AS row_order,
                                        json_extract(b.settings, '$.delivery.kind') AS kind,
                                        json_extract(b.target, '$.profile') AS profile
                                 FROM batches b WHERE {condition})
                 SELECT b.id, b.created_at, b.status, b.name, c.state, c.n, b.kind, b.profile
                 FROM picked b LEFT JOIN counts c ON c.batch_id = b.id
                 ORDER BY b.created_at DESC, b.row_order DESC, b.id"
            ))
            .map_err(|e| db_error("prepare", e))?;
        let rows = query
            .query_map(params, |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, Option<i64>>(5)?,
                    r.get::<_, Option<String>>(6)?,
                    r.get::<_, Option<String>>(7)?,
                ))
            })
            .map_err(|e| db_error("read the batches", e))?;
        let mut out: Vec<BatchSummary> = Vec::new();
        for row in rows {
            let (id, created_at, status, name, state, count, delivery, profile) =
                row.map_err(|e| db_error("read a batch", e))?;
            if out.last().is_none_or(|b| b.id != id) {
                out.push(BatchSummary {
                    id,
                    created_at,
                    status: BatchStatus::parse(&status)?,
                    name,
                    total: 0,
                    counts: Default::default(),
                    delivered_as: delivery.as_deref().and_then(DeliveredAs::from_kind),
                    profile,
                    follow_up: None,
                });
            }
            if let (Some(last), Some(state), Some(count)) = (out.last_mut(), state, count) {
                last.total += count as u64;
                last.counts.insert(state, count as u64);
            }
        }
        let checks = self.last_checks()?;
        for batch in &mut out {
            batch.follow_up = checks.get(&batch.id).cloned();
        }
        Ok(out)
    }

    pub fn batch(&self, id: &str) -> Result<BatchRecord, AppError> {
        self.db
            .query_row(
                "SELECT id, created_at, status, settings, target FROM batches WHERE id = ?1",
                params![id],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                    ))
                },
            )
            .optional()
            .map_err(|e| db_error("read a batch", e))?
            .ok_or_else(|| {
                AppError::new(ErrorCode::NotFound, format!("no batch {id} in the journal"))
            })
            .and_then(|(id, created_at, status, settings_json, target_json)| {
                Ok(BatchRecord {
                    id,
                    created_at,
                    status: BatchStatus::parse(&status)?,
                    settings_json,
                    target_json,
                })
            })
    }

    /// Every invitation of `batch` and of the waves that follow it up, by batch then line.
    pub fn invitations(&self, batch: &str) -> Result<Vec<Invitation>, AppError> {
        let mut query = self
            .db
            .prepare(
                "SELECT p.batch_id, b.purpose, p.email, p.state, p.user_id, p.link_expires_at,
                   (SELECT MIN(e.at) FROM events e WHERE e.batch_id = p.batch_id AND e.email = p.email
                      AND e.kind = 'transition'
                      AND (e.detail LIKE '% -> delivered' OR e.detail LIKE '% -> unconfirmed')),
                   EXISTS (SELECT 1 FROM events e WHERE e.batch_id = p.batch_id AND e.email = p.email
                      AND e.kind = 'transition' AND e.detail = 'pending -> created')
                 FROM people p JOIN batches b ON b.id = p.batch_id
                 WHERE b.id = ?1 OR b.follows = ?1
                 ORDER BY b.created_at, b.rowid, p.line",
            )
            .map_err(|e| db_error("prepare", e))?;
        let rows = query
            .query_map(params![batch], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, Option<String>>(6)?,
                    r.get::<_, bool>(7)?,
                ))
            })
            .map_err(|e| db_error("read invitations", e))?;
        let mut out = Vec::new();
        for row in rows {
            let (
                batch_id,
                purpose,
                email,
                state,
                user_id,
                link_expires_at,
                delivered_at,
                created_here,
            ) = row.map_err(|e| db_error("read an invitation", e))?;
            out.push(Invitation {
                batch_id,
                purpose,
                email,
                state: PersonState::parse(&state)?,
                user_id,
                link_expires_at,
                delivered_at,
                created_here,
            });
        }
        Ok(out)
    }

    /// The waves that follow `batch` up (reminders, new links), oldest first: id, purpose, status.
    pub fn follow_ups(
        &self,
        batch: &str,
    ) -> Result<Vec<(String, Option<String>, BatchStatus)>, AppError> {
        let mut query = self
            .db
            .prepare("SELECT id, purpose, status FROM batches WHERE follows = ?1 ORDER BY created_at, rowid")
            .map_err(|e| db_error("prepare", e))?;
        let rows = query
            .query_map(params![batch], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })
            .map_err(|e| db_error("read follow-ups", e))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, purpose, status) = row.map_err(|e| db_error("read a follow-up", e))?;
            out.push((id, purpose, BatchStatus::parse(&status)?));
        }
        Ok(out)
    }

    /// Records a follow-up check: what was seen of each person (replacing the previous check's
    /// view of them) and the counts, in one transaction.
    pub fn record_check(
        &mut self,
        batch: &str,
        check: &Check,
        seen: &[Seen],
    ) -> Result<(), AppError> {
        let tx = self
            .db
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| db_error("start a transaction", e))?;
        tx.execute(
            "INSERT INTO followup_checks (batch_id, checked_at, source, counts) VALUES (?1, ?2, ?3, ?4)",
            params![batch, check.checked_at, check.source, check.counts_json],
        )
        .map_err(|e| db_error("record a check", e))?;
        {
            let mut upsert = tx
                .prepare(
                    "INSERT INTO followup_seen (batch_id, email, status, accepted_at, last_login, marked, checked_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                     ON CONFLICT (batch_id, email) DO UPDATE SET status = excluded.status,
                       accepted_at = COALESCE(excluded.accepted_at, followup_seen.accepted_at),
                       last_login = COALESCE(excluded.last_login, followup_seen.last_login),
                       marked = MAX(excluded.marked, followup_seen.marked),
                       checked_at = excluded.checked_at",
                )
                .map_err(|e| db_error("prepare", e))?;
            for one in seen {
                upsert
                    .execute(params![
                        batch,
                        one.email,
                        one.status,
                        one.accepted_at,
                        one.last_login,
                        one.marked,
                        one.checked_at
                    ])
                    .map_err(|e| db_error("record what a check saw", e))?;
            }
        }
        tx.commit().map_err(|e| db_error("commit a check", e))
    }

    /// Every batch's last follow-up check, by batch id.
    fn last_checks(&self) -> Result<std::collections::HashMap<String, CheckedCounts>, AppError> {
        let mut query = self
            .db
            .prepare(
                "SELECT c.batch_id, c.checked_at,
                        json_extract(c.counts, '$.accepted'), json_extract(c.counts, '$.pending'),
                        json_extract(c.counts, '$.expired'), json_extract(c.counts, '$.not_invited'),
                        json_extract(c.counts, '$.signed_in')
                 FROM followup_checks c
                 JOIN (SELECT batch_id, MAX(id) AS id FROM followup_checks GROUP BY batch_id) last
                   ON last.id = c.id",
            )
            .map_err(|e| db_error("prepare", e))?;
        let rows = query
            .query_map([], |r| {
                let n = |i: usize| -> rusqlite::Result<u64> {
                    Ok(r.get::<_, Option<i64>>(i)?.unwrap_or(0).max(0) as u64)
                };
                Ok((
                    r.get::<_, String>(0)?,
                    CheckedCounts {
                        checked_at: r.get(1)?,
                        accepted: n(2)?,
                        pending: n(3)?,
                        expired: n(4)?,
                        not_invited: n(5)?,
                        signed_in: n(6)?,
                    },
                ))
            })
            .map_err(|e| db_error("read checks", e))?;
        rows.collect::<Result<_, _>>()
            .map_err(|e| db_error("read a check", e))
    }

    /// The last follow-up check of `batch`, if there was one.
    pub fn last_check(&self, batch: &str) -> Result<Option<Check>, AppError> {
        self.db
            .query_row(
                "SELECT checked_at, source, counts FROM followup_checks WHERE batch_id = ?1 ORDER BY id DESC LIMIT 1",
                params![batch],
                |r| {
                    Ok(Check {
                        checked_at: r.get(0)?,
                        source: r.get(1)?,
                        counts_json: r.get(2)?,
                    })
                },
            )
            .optional()
            .map_err(|e| db_error("read a check", e))
    }

    /// What the checks of `batch` saw of each person (the latest view of each).
    pub fn seen(&self, batch: &str) -> Result<Vec<Seen>, AppError> {
        let mut query = self
            .db
            .prepare(
                "SELECT email, status, accepted_at, last_login, marked, checked_at FROM followup_seen WHERE batch_id = ?1",
            )
            .map_err(|e| db_error("prepare", e))?;
        let rows = query
            .query_map(params![batch], |r| {
                Ok(Seen {
                    email: r.get(0)?,
                    status: r.get(1)?,
                    accepted_at: r.get(2)?,
                    last_login: r.get(3)?,
                    marked: r.get(4)?,
                    checked_at: r.get(5)?,
                })
            })
            .map_err(|e| db_error("read what checks saw", e))?;
        rows.collect::<Result<_, _>>()
            .map_err(|e| db_error("read what a check saw", e))
    }

    /// Every batch with a follow-up cadence saved (settings `follow_up.remind_after_days` not empty
    /// or `follow_up.reissue_expired` true), newest first.
    pub fn batches_with_cadence(&self) -> Result<Vec<String>, AppError> {
        let mut query = self
            .db
            .prepare(
                "SELECT id FROM batches WHERE follows IS NULL
                   AND (json_array_length(settings, '$.follow_up.remind_after_days') > 0
                        OR json_extract(settings, '$.follow_up.reissue_expired') = 1)
                 ORDER BY created_at DESC, rowid DESC",
            )
            .map_err(|e| db_error("prepare", e))?;
        let rows = query
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(|e| db_error("read the batches", e))?;
        rows.collect::<Result<_, _>>()
            .map_err(|e| db_error("read a batch", e))
    }

    /// Everything the journal knows about one address, newest batch first.
    pub fn person_history(&self, email: &str) -> Result<Vec<PersonHistory>, AppError> {
        let mut query = self
            .db
            .prepare(
                "SELECT p.batch_id, b.created_at, b.name, b.purpose,
                        json_extract(b.settings, '$.delivery.kind')
                 FROM people p JOIN batches b ON b.id = p.batch_id
                 WHERE p.email = ?1 COLLATE NOCASE ORDER BY b.created_at DESC, b.rowid DESC",
            )
            .map_err(|e| db_error("prepare", e))?;
        type Row = (
            String,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let batches: Vec<Row> = query
            .query_map(params![email], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .map_err(|e| db_error("read a person", e))?
            .collect::<Result<_, _>>()
            .map_err(|e| db_error("read a person", e))?;
        let mut out = Vec::new();
        for (batch_id, batch_created_at, batch_name, purpose, delivery) in batches {
            let Some(record) = self.person(&batch_id, email)? else {
                continue;
            };
            let mut events_query = self
                .db
                .prepare("SELECT at, kind, detail FROM events WHERE batch_id = ?1 AND email = ?2 ORDER BY id")
                .map_err(|e| db_error("prepare", e))?;
            let events = events_query
                .query_map(params![batch_id, record.email], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })
                .map_err(|e| db_error("read events", e))?
                .collect::<Result<_, _>>()
                .map_err(|e| db_error("read an event", e))?;
            out.push(PersonHistory {
                batch_id,
                batch_created_at,
                batch_name,
                purpose,
                delivered_as: delivery.as_deref().and_then(DeliveredAs::from_kind),
                record,
                events,
            });
        }
        Ok(out)
    }

    /// Puts failed people back to the step that failed (retry failed): someone whose account this
    /// batch created goes on from `created` (or a later step), never through the look-up and the
    /// existing-user policy again, which would find the account the batch itself made and skip them.
    /// Returns how many.
    pub fn retry_failed(&mut self, batch: &str) -> Result<u64, AppError> {
        let failed: Vec<String> = self
            .people(batch)?
            .into_iter()
            .filter(|p| p.state == PersonState::Failed)
            .map(|p| p.email)
            .collect();
        for email in &failed {
            let back = self.state_before_failure(batch, email)?;
            self.transition(batch, email, back, &Outcome::default())?;
        }
        Ok(failed.len() as u64)
    }

    /// Puts people whose mail "may have been sent" back to `ticketed`, so they get a new link and a
    /// new mail (only when the admin asks: they may have the first one). Returns how many.
    pub fn retry_unconfirmed(&mut self, batch: &str) -> Result<u64, AppError> {
        let unconfirmed: Vec<String> = self
            .people(batch)?
            .into_iter()
            .filter(|p| p.state == PersonState::Unconfirmed)
            .map(|p| p.email)
            .collect();
        for email in &unconfirmed {
            self.transition(batch, email, PersonState::Ticketed, &Outcome::default())?;
        }
        Ok(unconfirmed.len() as u64)
    }

    /// The state a failed person was in when their step failed (`pending` if the journal does not
    /// say: an old journal, or a failure before any step).
    fn state_before_failure(&self, batch: &str, email: &str) -> Result<PersonState, AppError> {
        let last: Option<String> = self
            .db
            .query_row(
                "SELECT detail FROM events WHERE batch_id = ?1 AND email = ?2 AND kind = 'transition'
                   AND detail LIKE '% -> failed' ORDER BY id DESC LIMIT 1",
                params![batch, email],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| db_error("read events", e))?;
        let before = match last.as_deref().and_then(|d| d.strip_suffix(" -> failed")) {
            Some(state) => PersonState::parse(state)?,
            None => PersonState::Pending,
        };
        Ok(if PersonState::Failed.may_become(before) {
            before
        } else {
            PersonState::Pending
        })
    }

    /// Moves a person to `next` (closing any open intent), if the state machine allows it.
    pub fn transition(
        &mut self,
        batch: &str,
        email: &str,
        next: PersonState,
        outcome: &Outcome<'_>,
    ) -> Result<(), AppError> {
        let tx = self
            .db
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| db_error("start a transaction", e))?;
        let current: Option<String> = tx
            .query_row(
                "SELECT state FROM people WHERE batch_id = ?1 AND email = ?2",
                params![batch, email],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| db_error("read a person", e))?;
        let current = current.ok_or_else(|| {
            AppError::new(
                ErrorCode::NotFound,
                format!("{email} is not in batch {batch}"),
            )
        })?;
        let current = PersonState::parse(&current)?;
        if !current.may_become(next) {
            return Err(AppError::internal(format!(
                "{email}: {} cannot become {}",
                current.as_str(),
                next.as_str()
            )));
        }
        tx.execute(
            "UPDATE people SET state = ?3, open_intent = NULL,
                 user_id = COALESCE(?4, user_id), link_expires_at = COALESCE(?5, link_expires_at),
                 error_code = ?6, error_message = ?7, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
             WHERE batch_id = ?1 AND email = ?2",
            params![batch, email, next.as_str(), outcome.user_id, outcome.link_expires_at, outcome.error_code.map(PersonErrorCode::as_str), outcome.error_message],
        )
        .map_err(|e| db_error("record a transition", e))?;
        tx.execute(
            "INSERT INTO events (batch_id, email, kind, detail) VALUES (?1, ?2, 'transition', ?3)",
            params![
                batch,
                email,
                format!("{} -> {}", current.as_str(), next.as_str())
            ],
        )
        .map_err(|e| db_error("record an event", e))?;
        tx.commit().map_err(|e| db_error("commit a transition", e))
    }

    /// Every person of a batch, in input order.
    pub fn people(&self, batch: &str) -> Result<Vec<PersonRecord>, AppError> {
        self.select_people(batch, None)
    }

    /// One person of a batch (the address compared without regard to case).
    pub fn person(&self, batch: &str, email: &str) -> Result<Option<PersonRecord>, AppError> {
        Ok(self.select_people(batch, Some(email))?.into_iter().next())
    }

    fn select_people(
        &self,
        batch: &str,
        email: Option<&str>,
    ) -> Result<Vec<PersonRecord>, AppError> {
        let mut query = self
            .db
            .prepare(
                "SELECT line, email, state, user_id, link_expires_at, open_intent, error_code, error_message, planned_user_id
                 FROM people WHERE batch_id = ?1 AND (?2 IS NULL OR email = ?2 COLLATE NOCASE)
                 ORDER BY line, email",
            )
            .map_err(|e| db_error("prepare", e))?;
        let rows = query
            .query_map(params![batch, email], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, Option<String>>(6)?,
                    r.get::<_, Option<String>>(7)?,
                    r.get::<_, Option<String>>(8)?,
                ))
            })
            .map_err(|e| db_error("read the people", e))?;
        let mut people = Vec::new();
        for row in rows {
            let (
                line,
                email,
                state,
                user_id,
                link_expires_at,
                intent,
                error_code,
                error_message,
                planned_user_id,
            ) = row.map_err(|e| db_error("read a person", e))?;
            people.push(PersonRecord {
                line: line as u64,
                email,
                state: PersonState::parse(&state)?,
                user_id,
                link_expires_at,
                open_intent: intent.as_deref().map(Step::parse).transpose()?,
                planned_user_id,
                error_code: error_code
                    .map(|code| {
                        code.parse().map_err(|_| {
                            AppError::internal(format!(
                                "the journal holds an unknown error code \"{code}\""
                            ))
                        })
                    })
                    .transpose()?,
                error_message,
            });
        }
        Ok(people)
    }

    /// The history of one person, oldest first: `(kind, detail)`.
    pub fn events(&self, batch: &str, email: &str) -> Result<Vec<(String, String)>, AppError> {
        let mut query = self
            .db
            .prepare(
                "SELECT kind, detail FROM events WHERE batch_id = ?1 AND email = ?2 ORDER BY id",
            )
            .map_err(|e| db_error("prepare", e))?;
        let rows = query
            .query_map(params![batch, email], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(|e| db_error("read events", e))?;
        rows.collect::<Result<_, _>>()
            .map_err(|e| db_error("read an event", e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn journal() -> (tempfile::TempDir, Journal) {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::open(&dir.path().join("journal.sqlite")).unwrap();
        (dir, journal)
    }

    fn created(j: &mut Journal, batch: &str, email: &str, user_id: &str) {
        j.transition(
            batch,
            email,
            PersonState::Created,
            &Outcome {
                user_id: Some(user_id),
                ..Outcome::default()
            },
        )
        .unwrap();
    }

    #[test]
    fn a_batch_is_claimed_only_from_the_status_it_was_read_at() {
        let (_dir, mut j) = journal();
        j.create_batch("b-1", "{}", &[(2, "a@example.com")])
            .unwrap();
        j.claim_batch("b-1", BatchStatus::Prepared, BatchStatus::Running)
            .unwrap();
        let err = j
            .claim_batch("b-1", BatchStatus::Prepared, BatchStatus::Running)
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::Conflict);
        assert!(
            err.message.contains("from prepared to running"),
            "{}",
            err.message
        );
    }

    #[test]
    fn a_person_walks_the_state_machine_with_intents() {
        let (_dir, mut j) = journal();
        j.create_batch("b1", "{}", &[(2, "a@example.com"), (3, "b@example.com")])
            .unwrap();
        j.begin("b1", "a@example.com", Step::CreateUser).unwrap();
        let open = &j.people("b1").unwrap()[0];
        assert_eq!(
            (open.state, open.open_intent),
            (PersonState::Pending, Some(Step::CreateUser))
        );
        created(&mut j, "b1", "a@example.com", "auth0|1");
        j.begin("b1", "a@example.com", Step::IssueTicket).unwrap();
        j.transition(
            "b1",
            "a@example.com",
            PersonState::Ticketed,
            &Outcome {
                link_expires_at: Some("2026-11-28T00:00:00Z"),
                ..Outcome::default()
            },
        )
        .unwrap();
        j.begin("b1", "a@example.com", Step::SendMail).unwrap();
        j.transition(
            "b1",
            "a@example.com",
            PersonState::Delivered,
            &Outcome::default(),
        )
        .unwrap();
        let a = &j.people("b1").unwrap()[0];
        assert_eq!(a.state, PersonState::Delivered);
        assert_eq!(
            a.user_id.as_deref(),
            Some("auth0|1"),
            "kept across later transitions"
        );
        assert_eq!(a.open_intent, None);
        let events: Vec<String> = j
            .events("b1", "a@example.com")
            .unwrap()
            .into_iter()
            .map(|(k, d)| format!("{k}:{d}"))
            .collect();
        assert_eq!(
            events,
            [
                "intent:create_user",
                "transition:pending -> created",
                "intent:issue_ticket",
                "transition:created -> ticketed",
                "intent:send_mail",
                "transition:ticketed -> delivered"
            ]
        );
    }

    #[test]
    fn forbidden_transitions_are_refused() {
        let (_dir, mut j) = journal();
        j.create_batch("b1", "{}", &[(2, "a@example.com")]).unwrap();
        let err = j
            .transition(
                "b1",
                "a@example.com",
                PersonState::Delivered,
                &Outcome::default(),
            )
            .unwrap_err();
        assert!(
            err.message.contains("pending cannot become delivered"),
            "{}",
            err.message
        );
        j.transition(
            "b1",
            "a@example.com",
            PersonState::Skipped,
            &Outcome::default(),
        )
        .unwrap();
        assert!(
            j.transition(
                "b1",
                "a@example.com",
                PersonState::Failed,
                &Outcome::default()
            )
            .is_err(),
            "final stays final"
        );
        assert_eq!(
            j.begin("b1", "nobody@example.com", Step::SendMail)
                .unwrap_err()
                .code,
            ErrorCode::NotFound
        );
    }

    #[test]
    fn batches_list_names_and_counts_per_state_and_empty_batches() {
        let (_dir, mut j) = journal();
        j.create_batch(
            "b1",
            r#"{"name":"Spring intake","people":[]}"#,
            &[
                (2, "a@example.com"),
                (3, "b@example.com"),
                (4, "c@example.com"),
            ],
        )
        .unwrap();
        j.create_batch("b2", "{}", &[]).unwrap();
        j.create_batch_for(
            "b3",
            "{}",
            r#"{"domain":"acme.eu.auth0.com","client_id":"c","profile":"acme-prod"}"#,
            &[],
        )
        .unwrap();
        j.begin("b1", "a@example.com", Step::CreateUser).unwrap();
        created(&mut j, "b1", "a@example.com", "auth0|1");

        let batches = j.batches().unwrap();
        let b1 = batches.iter().find(|b| b.id == "b1").unwrap();
        assert_eq!(b1.name.as_deref(), Some("Spring intake"));
        // The profile it ran on, where its people are looked up; none when it was not kept.
        assert_eq!(b1.profile, None);
        let b3 = batches.iter().find(|b| b.id == "b3").unwrap();
        assert_eq!(b3.profile.as_deref(), Some("acme-prod"));
        assert_eq!(b1.total, 3);
        assert_eq!(b1.counts.get("pending"), Some(&2));
        assert_eq!(b1.counts.get("created"), Some(&1));
        let b2 = batches.iter().find(|b| b.id == "b2").unwrap();
        assert_eq!((b2.name.as_deref(), b2.total), (None, 0));
        assert!(b2.counts.is_empty());
    }

    #[test]
    fn a_journal_from_before_the_name_column_is_migrated_and_keeps_its_names() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.sqlite");
        {
            // The schema as version 0 wrote it.
            let db = Connection::open(&path).unwrap();
            db.execute_batch(
                "CREATE TABLE batches (id TEXT PRIMARY KEY,
                     created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
                     status TEXT NOT NULL, settings TEXT NOT NULL, target TEXT NOT NULL DEFAULT '{}');
                 INSERT INTO batches (id, status, settings) VALUES ('old', 'finished', '{\"name\":\"Legacy\"}');
                 INSERT INTO batches (id, status, settings) VALUES ('wave', 'finished', '{\"purpose\":\"reminder\",\"follows\":\"old\"}');",
            )
            .unwrap();
        }
        let j = Journal::open(&path).unwrap();
        let batches = j.batches().unwrap();
        assert_eq!(batches[0].name.as_deref(), Some("Legacy"));
        // Version 2 keeps what a batch was for and whom a wave follows in their own columns: a
        // follow-up wave is not a batch of History's.
        assert_eq!(batches.len(), 1, "{batches:?}");
        let waves = j.follow_ups("old").unwrap();
        assert_eq!(
            waves,
            [(
                "wave".to_owned(),
                Some("reminder".to_owned()),
                BatchStatus::Finished
            )]
        );
        let version: i64 =
            j.db.query_row("PRAGMA user_version", [], |r| r.get(0))
                .unwrap();
        assert_eq!(version, 2);
        drop(j);
        // Opening again changes nothing.
        assert_eq!(
            Journal::open(&path).unwrap().batches().unwrap()[0]
                .name
                .as_deref(),
            Some("Legacy")
        );
    }
}
