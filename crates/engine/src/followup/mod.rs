//! Follow-up: where each invited person stands after the mail left (accepted, pending, expired, or
//! never invited), from the journal and the tenant; reminders for the pending and new links for the
//! expired, as waves run by the ordinary runner (intent before every write, exactly once); and the
//! cadence saved with a batch, which says when those are due.
//!
//! A status is computed by one function (`classify`) from what the journal knows (who was
//! delivered an invitation, when, and until when their newest link works) and what the tenant
//! showed (`Acceptance`), whichever source the tenant was read from.

pub mod cadence;
pub mod sources;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::AppError;
use crate::batch::BatchPurpose;
use crate::journal::{Invitation, Journal, PersonState, Seen};

/// Where a person stands. The CLI's `--json`, the app and History use these words.
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
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum FollowUpStatus {
    /// They used their link (set a password, verified the address, joined the organization) or
    /// signed in since the batch.
    Accepted,
    /// Invited, their newest link still works, not used yet.
    Pending,
    /// Invited, every link they were sent has expired unused.
    Expired,
    /// The batch did not deliver them an invitation (failed, skipped, not started, granted only).
    NotInvited,
}

impl FollowUpStatus {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// Where the statuses came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, strum::IntoStaticStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum FollowUpSource {
    /// The tenant's logs (`scp`, `sv`, `si`, `s` events since the batch).
    Logs,
    /// User reads (search by address, 40 a call).
    Users,
    /// One export job of the tenant's users.
    Export,
    /// The journal's last check: the tenant was not asked.
    Journal,
}

/// One person's follow-up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PersonFollowUp {
    pub email: String,
    pub status: FollowUpStatus,
    /// When their first invitation of this batch was delivered.
    pub invited_at: Option<String>,
    /// When the newest link they were sent stops working.
    pub link_expires_at: Option<String>,
    /// When they used a link (or joined), when the tenant says.
    pub accepted_at: Option<String>,
    /// Their last sign-in, if they have signed in.
    pub last_login: Option<String>,
    /// Reminders delivered so far.
    pub reminders: u32,
    /// New links delivered after an expiry so far.
    pub reissues: u32,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FollowUpCounts {
    pub accepted: u64,
    pub pending: u64,
    pub expired: u64,
    pub not_invited: u64,
    /// Of the accepted, those who have signed in.
    pub signed_in: u64,
}

/// What a reminder or re-issue wave did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FollowUpAction {
    /// `reminder` or `reissue`.
    pub kind: FollowUpKind,
    /// The wave's own batch id (its journal entry; not listed in History).
    pub batch_id: String,
    /// People the wave delivered a new link to, the way `delivered_as` says.
    pub delivered: u64,
    /// What "delivered" was for this batch: sent through the mail server, written to the outbox,
    /// or put in the link export (nothing left the machine for the last two).
    pub delivered_as: DeliveredAs,
    /// People found to have accepted right before their send: nothing sent.
    pub accepted_meanwhile: u64,
    /// People whose mail may have been sent (the run stopped while sending).
    pub unconfirmed: u64,
    pub failed: u64,
    /// People the wave did not reach (cancelled, or stopped by the breaker).
    pub not_started: u64,
    /// Whether this wave was one an earlier run left unfinished, finished now.
    pub resumed: bool,
}

pub use crate::journal::DeliveredAs;

impl FollowUpAction {
    /// A wave that had nobody to go to.
    pub fn nothing(kind: FollowUpKind, delivered_as: DeliveredAs) -> FollowUpAction {
        FollowUpAction {
            kind,
            batch_id: String::new(),
            delivered: 0,
            delivered_as,
            accepted_meanwhile: 0,
            unconfirmed: 0,
            failed: 0,
            not_started: 0,
            resumed: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum FollowUpKind {
    Reminder,
    Reissue,
}

impl FollowUpKind {
    pub fn purpose(self) -> BatchPurpose {
        match self {
            FollowUpKind::Reminder => BatchPurpose::Reminder,
            FollowUpKind::Reissue => BatchPurpose::Reissue,
        }
    }

    pub fn purpose_str(self) -> &'static str {
        match self {
            FollowUpKind::Reminder => "reminder",
            FollowUpKind::Reissue => "reissue",
        }
    }
}

/// A batch's follow-up: the contract of `invite-desk followup --json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FollowUpReport {
    pub batch_id: String,
    pub batch_name: Option<String>,
    /// When the tenant was asked (`None`: never, the statuses are the journal's alone).
    pub checked_at: Option<String>,
    pub source: FollowUpSource,
    pub counts: FollowUpCounts,
    pub people: Vec<PersonFollowUp>,
    /// Reminders and new links sent by this call.
    pub actions: Vec<FollowUpAction>,
    /// What is due by the batch's cadence now (none without a cadence).
    pub due: cadence::Due,
}

/// What the tenant showed of one person.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Acceptance {
    pub accepted: bool,
    pub accepted_at: Option<String>,
    pub last_login: Option<String>,
    /// The account the tenant showed (an organization member's is only known once they join).
    pub user_id: Option<String>,
}

/// What the journal knows of one person in a batch and its waves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invited {
    pub email: String,
    pub user_id: Option<String>,
    /// Whether the batch delivered them an invitation (or may have: "may have been sent").
    pub invited: bool,
    pub invited_at: Option<String>,
    /// The newest link's expiry among the invitation and the waves' deliveries.
    pub link_expires_at: Option<String>,
    pub created_here: bool,
    pub reminders: u32,
    pub reissues: u32,
}

fn reached(state: PersonState) -> bool {
    matches!(state, PersonState::Delivered | PersonState::Unconfirmed)
}

/// Folds the journal's rows for a batch and its waves into one entry a person, in list order.
pub fn invited_people(batch_id: &str, rows: &[Invitation]) -> Vec<Invited> {
    let mut people: Vec<Invited> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for row in rows.iter().filter(|r| r.batch_id == batch_id) {
        index.insert(row.email.to_lowercase(), people.len());
        people.push(Invited {
            email: row.email.clone(),
            user_id: row.user_id.clone(),
            invited: reached(row.state),
            invited_at: row.delivered_at.clone().filter(|_| reached(row.state)),
            link_expires_at: row.link_expires_at.clone().filter(|_| reached(row.state)),
            created_here: row.created_here,
            reminders: 0,
            reissues: 0,
        });
    }
    for row in rows.iter().filter(|r| r.batch_id != batch_id) {
        let Some(&at) = index.get(&row.email.to_lowercase()) else {
            continue;
        };
        if !reached(row.state) {
            continue;
        }
        let person = &mut people[at];
        match row.purpose.as_deref() {
            Some("reminder") => person.reminders += 1,
            Some("reissue") => person.reissues += 1,
            // Support's resend: an invitation that reached them (perhaps the first one did not).
            Some("resend") => {
                person.invited = true;
                if person.invited_at.is_none() {
                    person.invited_at.clone_from(&row.delivered_at);
                }
            }
            // A copied link: a newer link they may have, not a delivery.
            Some("link_copy") => {}
            _ => continue,
        }
        if person.user_id.is_none() {
            person.user_id.clone_from(&row.user_id);
        }
        if let Some(expiry) = &row.link_expires_at
            && person
                .link_expires_at
                .as_ref()
                .is_none_or(|known| later(expiry, known))
        {
            person.link_expires_at = Some(expiry.clone());
        }
    }
    people
}

fn parse(at: &str) -> Option<time::OffsetDateTime> {
    time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339).ok()
}

/// Whether `a` is strictly after `b` (RFC 3339 instants; text order when either does not parse).
pub fn later(a: &str, b: &str) -> bool {
    match (parse(a), parse(b)) {
        (Some(a), Some(b)) => a > b,
        _ => a > b,
    }
}

/// Whether `a` is at or after `b`.
pub fn at_or_after(a: &str, b: &str) -> bool {
    !later(b, a)
}

/// The one rule for a person's status.
pub fn classify(person: &Invited, seen: &Acceptance, now: &str) -> FollowUpStatus {
    if !person.invited {
        FollowUpStatus::NotInvited
    } else if seen.accepted {
        FollowUpStatus::Accepted
    } else if person
        .link_expires_at
        .as_deref()
        .is_some_and(|expiry| at_or_after(now, expiry))
    {
        FollowUpStatus::Expired
    } else {
        FollowUpStatus::Pending
    }
}

/// The statuses of everyone in `people` given what the tenant showed, and the counts.
pub fn statuses(
    people: &[Invited],
    seen: &HashMap<String, Acceptance>,
    now: &str,
) -> (Vec<PersonFollowUp>, FollowUpCounts) {
    let mut counts = FollowUpCounts::default();
    let none = Acceptance::default();
    let out = people
        .iter()
        .map(|person| {
            let acceptance = seen.get(&person.email.to_lowercase()).unwrap_or(&none);
            let status = classify(person, acceptance, now);
            match status {
                FollowUpStatus::Accepted => {
                    counts.accepted += 1;
                    if acceptance.last_login.is_some() {
                        counts.signed_in += 1;
                    }
                }
                FollowUpStatus::Pending => counts.pending += 1,
                FollowUpStatus::Expired => counts.expired += 1,
                FollowUpStatus::NotInvited => counts.not_invited += 1,
            }
            let accepted = status == FollowUpStatus::Accepted;
            PersonFollowUp {
                email: person.email.clone(),
                status,
                invited_at: person.invited_at.clone(),
                link_expires_at: person.link_expires_at.clone(),
                accepted_at: acceptance.accepted_at.clone().filter(|_| accepted),
                last_login: acceptance.last_login.clone(),
                reminders: person.reminders,
                reissues: person.reissues,
            }
        })
        .collect();
    (out, counts)
}

/// What the journal's checks saw, as acceptance (for a report that does not ask the tenant).
pub fn acceptance_from_journal(seen: &[Seen]) -> HashMap<String, Acceptance> {
    seen.iter()
        .map(|s| {
            (
                s.email.to_lowercase(),
                Acceptance {
                    accepted: s.status == FollowUpStatus::Accepted.as_str(),
                    accepted_at: s.accepted_at.clone(),
                    last_login: s.last_login.clone(),
                    user_id: None,
                },
            )
        })
        .collect()
}

/// Acceptance does not go back: someone an earlier check saw accept stays accepted, whatever a
/// later source shows (logs age out, and a profile does not say everything a log event did).
pub fn keep_accepted(seen: &mut HashMap<String, Acceptance>, before: &[Seen]) {
    for earlier in before
        .iter()
        .filter(|s| s.status == FollowUpStatus::Accepted.as_str())
    {
        let now = seen.entry(earlier.email.to_lowercase()).or_default();
        now.accepted = true;
        if now.accepted_at.is_none() {
            now.accepted_at.clone_from(&earlier.accepted_at);
        }
        if let Some(login) = &earlier.last_login
            && now.last_login.as_deref().is_none_or(|l| later(login, l))
        {
            now.last_login = Some(login.clone());
        }
    }
}

/// The counts as the journal keeps them with a check.
pub fn counts_json(counts: &FollowUpCounts) -> String {
    serde_json::to_string(counts).unwrap_or_default()
}

/// A batch's people as the journal knows them (its rows and its waves').
pub fn journal_people(journal: &Journal, batch_id: &str) -> Result<Vec<Invited>, AppError> {
    Ok(invited_people(batch_id, &journal.invitations(batch_id)?))
}

#[cfg(test)]
mod tests;

/// The columns of a follow-up export, in order.
pub const CSV_HEADER: [&str; 8] = [
    "email",
    "status",
    "invited_at",
    "link_expires_at",
    "accepted_at",
    "last_login",
    "reminders",
    "reissues",
];

/// Writes `people` as CSV to `path` atomically (a temporary file beside it, then a rename); cells
/// are made formula-safe like every export's. No link: links are never stored.
pub fn write_csv(path: &std::path::Path, people: &[PersonFollowUp]) -> Result<(), AppError> {
    use std::io::Write;
    let io = |e: &dyn std::fmt::Display| {
        AppError::new(
            crate::ErrorCode::Io,
            format!("could not write the follow-up to {}: {e}", path.display()),
        )
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let mut temp = tempfile::NamedTempFile::new_in(dir).map_err(|e| io(&e))?;
    {
        let mut writer = csv::Writer::from_writer(&mut temp);
        writer.write_record(CSV_HEADER).map_err(|e| io(&e))?;
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        for p in people {
            writer
                .write_record([
                    invite_desk_mail::links::neutralize(&p.email).into_owned(),
                    p.status.as_str().to_owned(),
                    text(&p.invited_at),
                    text(&p.link_expires_at),
                    text(&p.accepted_at),
                    text(&p.last_login),
                    p.reminders.to_string(),
                    p.reissues.to_string(),
                ])
                .map_err(|e| io(&e))?;
        }
        writer.flush().map_err(|e| io(&e))?;
    }
    temp.flush().map_err(|e| io(&e))?;
    temp.as_file().sync_all().map_err(|e| io(&e))?;
    temp.persist(path).map_err(|e| io(&e.error))?;
    Ok(())
}
