//! The journal: every batch, every person's state and every step's intent, in one SQLite file in the
//! data folder. A run writes an *intent* before each external write (creating a user, sending a mail)
//! and the resulting *transition* after it, each committed before the next side effect. After a crash
//! (even `kill -9`) the journal says exactly which writes may have happened: those are reconciled
//! (a user is looked up by email) or shown to the admin ("may have been sent"), never guessed.
//!
//! Bearer secrets never enter the journal: it keeps a link's expiry, not the link.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{AppError, ErrorCode};

/// Where a person stands. `pending → (skipped | existing | created) → roles_granted → ticketed →
/// delivered`, or `failed` from any step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
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
    Failed,
}

impl PersonState {
    pub fn as_str(self) -> &'static str {
        match self {
            PersonState::Pending => "pending",
            PersonState::Skipped => "skipped",
            PersonState::Existing => "existing",
            PersonState::Created => "created",
            PersonState::RolesGranted => "roles_granted",
            PersonState::Ticketed => "ticketed",
            PersonState::Delivered => "delivered",
            PersonState::Failed => "failed",
        }
    }

    fn parse(text: &str) -> Result<Self, AppError> {
        Ok(match text {
            "pending" => PersonState::Pending,
            "skipped" => PersonState::Skipped,
            "existing" => PersonState::Existing,
            "created" => PersonState::Created,
            "roles_granted" => PersonState::RolesGranted,
            "ticketed" => PersonState::Ticketed,
            "delivered" => PersonState::Delivered,
            "failed" => PersonState::Failed,
            other => {
                return Err(AppError::internal(format!(
                    "the journal holds an unknown state \"{other}\""
                )));
            }
        })
    }

    /// Whether nothing more will happen to this person in this batch.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            PersonState::Skipped | PersonState::Delivered | PersonState::Failed
        )
    }

    /// The transitions the state machine allows.
    pub fn may_become(self, next: PersonState) -> bool {
        use PersonState::*;
        match (self, next) {
            (_, Failed) => !self.is_final(),
            (Pending, Skipped | Existing | Created) => true,
            // Existing users may be granted only (roles/metadata, no mail) or re-invited.
            (Existing, RolesGranted | Ticketed | Delivered) => true,
            (Created, RolesGranted | Ticketed) => true,
            (RolesGranted, Ticketed | Delivered) => true,
            (Ticketed, Delivered) => true,
            // A failed person can be retried from the start.
            (Failed, Pending) => true,
            _ => false,
        }
    }
}

/// The external writes that are journaled as intents before they happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    CreateUser,
    GrantRoles,
    IssueTicket,
    SendMail,
}

impl Step {
    pub fn as_str(self) -> &'static str {
        match self {
            Step::CreateUser => "create_user",
            Step::GrantRoles => "grant_roles",
            Step::IssueTicket => "issue_ticket",
            Step::SendMail => "send_mail",
        }
    }

    fn parse(text: &str) -> Result<Self, AppError> {
        Ok(match text {
            "create_user" => Step::CreateUser,
            "grant_roles" => Step::GrantRoles,
            "issue_ticket" => Step::IssueTicket,
            "send_mail" => Step::SendMail,
            other => {
                return Err(AppError::internal(format!(
                    "the journal holds an unknown step \"{other}\""
                )));
            }
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
    pub error_code: Option<String>,
    pub error_message: Option<String>,
}

/// What changed, to record with a transition.
#[derive(Debug, Clone, Default)]
pub struct Outcome<'a> {
    pub user_id: Option<&'a str>,
    pub link_expires_at: Option<&'a str>,
    pub error_code: Option<&'a str>,
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
    settings TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS people (
    batch_id TEXT NOT NULL REFERENCES batches(id),
    email TEXT NOT NULL,
    line INTEGER NOT NULL,
    state TEXT NOT NULL,
    user_id TEXT,
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
";

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
        // killed at any instant (synchronous=NORMAL loses nothing on a process crash; only a power cut
        // can drop the last commits, which the intent rows make visible on resume).
        db.execute_batch("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;")
            .map_err(|e| db_error("configure SQLite", e))?;
        db.execute_batch(SCHEMA)
            .map_err(|e| db_error("create the tables", e))?;
        Ok(Journal { db })
    }

    /// Records a new batch and its people, all `pending`, in one transaction.
    pub fn create_batch(
        &mut self,
        id: &str,
        settings_json: &str,
        people: &[(u64, &str)],
    ) -> Result<(), AppError> {
        let tx = self
            .db
            .transaction()
            .map_err(|e| db_error("start a transaction", e))?;
        tx.execute(
            "INSERT INTO batches (id, status, settings) VALUES (?1, 'prepared', ?2)",
            params![id, settings_json],
        )
        .map_err(|e| db_error("record the batch", e))?;
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

    pub fn set_batch_status(&self, id: &str, status: &str) -> Result<(), AppError> {
        let changed = self
            .db
            .execute(
                "UPDATE batches SET status = ?2 WHERE id = ?1",
                params![id, status],
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
        let tx = self
            .db
            .transaction()
            .map_err(|e| db_error("start a transaction", e))?;
        let changed = tx
            .execute(
                "UPDATE people SET open_intent = ?3, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE batch_id = ?1 AND email = ?2",
                params![batch, email, step.as_str()],
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
        tx.commit().map_err(|e| db_error("commit an intent", e))
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
            .transaction()
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
            params![batch, email, next.as_str(), outcome.user_id, outcome.link_expires_at, outcome.error_code, outcome.error_message],
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
        let mut query = self
            .db
            .prepare(
                "SELECT line, email, state, user_id, link_expires_at, open_intent, error_code, error_message
                 FROM people WHERE batch_id = ?1 ORDER BY line, email",
            )
            .map_err(|e| db_error("prepare", e))?;
        let rows = query
            .query_map(params![batch], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, Option<String>>(6)?,
                    r.get::<_, Option<String>>(7)?,
                ))
            })
            .map_err(|e| db_error("read the people", e))?;
        let mut people = Vec::new();
        for row in rows {
            let (line, email, state, user_id, link_expires_at, intent, error_code, error_message) =
                row.map_err(|e| db_error("read a person", e))?;
            people.push(PersonRecord {
                line: line as u64,
                email,
                state: PersonState::parse(&state)?,
                user_id,
                link_expires_at,
                open_intent: intent.as_deref().map(Step::parse).transpose()?,
                error_code,
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
        j.transition(
            "b1",
            "a@example.com",
            PersonState::Created,
            &Outcome {
                user_id: Some("auth0|1"),
                ..Outcome::default()
            },
        )
        .unwrap();
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
}
