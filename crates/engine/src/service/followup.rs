//! Follow-up for both adapters: a batch's statuses from the journal alone (History) or from the
//! tenant (journaled), reminders and new links as waves, and what every batch's cadence has due.

use std::collections::HashMap;

use invite_desk_auth0::models::UserPatch;
use serde_json::{Value, json};

use super::Service;
use super::runs::{RetryChoice, RunRequest};
use crate::AppError;
use crate::batch::{BatchFile, Delivery, FollowUpSettings};
use crate::followup::cadence::{self, Due};
use crate::followup::sources;
use crate::followup::{
    self, FollowUpAction, FollowUpKind, FollowUpReport, FollowUpSource, FollowUpStatus, Invited,
    PersonFollowUp,
};
use crate::journal::{BatchStatus, Check, PersonState, Seen};
use crate::run::{self, EventSink, RunTarget};
use crate::template::MessageKind;

/// Whom a reminder or re-issue goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// Everyone it may go to (the pending with reminders left; the expired).
    Everyone,
    /// These people only; one it may not go to is an error (nothing is sent).
    Only(Vec<String>),
    /// Those the batch's cadence has due, by the statuses just checked.
    Due,
}

/// The addresses a wave of `kind` goes to, by the statuses of `report`.
pub fn chosen(
    settings: &FollowUpSettings,
    report: &FollowUpReport,
    kind: FollowUpKind,
    selection: &Selection,
) -> Result<Vec<String>, AppError> {
    let may = |p: &PersonFollowUp| match kind {
        FollowUpKind::Reminder => cadence::may_remind(settings, p),
        FollowUpKind::Reissue => cadence::may_reissue(p),
    };
    let due = cadence::due(
        settings,
        &report.people,
        report.checked_at.as_deref().unwrap_or(""),
    );
    let picked: Vec<String> = match selection {
        Selection::Everyone => report
            .people
            .iter()
            .filter(|p| may(p))
            .map(|p| p.email.to_lowercase())
            .collect(),
        Selection::Due => match kind {
            FollowUpKind::Reminder => due.reminders,
            FollowUpKind::Reissue => due.reissues,
        }
        .into_iter()
        .map(|e| e.to_lowercase())
        .collect(),
        Selection::Only(only) => {
            let mut out = Vec::new();
            for wanted in only {
                let Some(person) = report
                    .people
                    .iter()
                    .find(|p| p.email.eq_ignore_ascii_case(wanted))
                else {
                    return Err(AppError::invalid_input(format!(
                        "{wanted} is not in batch {}",
                        report.batch_id
                    )));
                };
                if !may(person) {
                    return Err(AppError::invalid_input(refusal(settings, person, kind)));
                }
                out.push(person.email.to_lowercase());
            }
            out
        }
    };
    Ok(picked)
}

fn refusal(settings: &FollowUpSettings, person: &PersonFollowUp, kind: FollowUpKind) -> String {
    let status = person.status.as_str().replace('_', " ");
    match kind {
        FollowUpKind::Reminder if person.status == FollowUpStatus::Pending => format!(
            "{} has had {} reminders, the most this batch sends ({})",
            person.email, person.reminders, settings.max_reminders
        ),
        FollowUpKind::Reminder => format!(
            "{} is {status}: reminders go to people whose link still works and who have not accepted",
            person.email
        ),
        FollowUpKind::Reissue => format!(
            "{} is {status}: new links go to people whose link expired unused",
            person.email
        ),
    }
}

/// A batch with something due, for `followup --due` and the app's "4 reminders are due".
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct DueBatch {
    pub batch_id: String,
    pub batch_name: Option<String>,
    pub due: Due,
}

/// A user search that finds nobody: its answer's headers name the tenant's plan.
const PLAN_PROBE: &str = "user_id:\"invite-desk-plan-probe\"";

/// Now, to the millisecond like Auth0's own times (two checks within a second stay apart).
fn now_iso() -> String {
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    time::OffsetDateTime::now_utc()
        .format(&format)
        .unwrap_or_default()
}

fn age(created_at: &str) -> std::time::Duration {
    time::OffsetDateTime::parse(created_at, &time::format_description::well_known::Rfc3339)
        .map(|at| {
            let secs = (time::OffsetDateTime::now_utc() - at)
                .whole_seconds()
                .max(0);
            std::time::Duration::from_secs(secs as u64)
        })
        .unwrap_or(std::time::Duration::MAX)
}

impl Service {
    /// The batch a follow-up is about: an invitation batch, not a wave or a resend.
    fn followed(&self, batch_id: &str) -> Result<(BatchFile, RunTarget, String), AppError> {
        let journal = self.lock_journal();
        let (batch, target) = run::load_batch(&journal, batch_id)?;
        if batch.follows.is_some() || !batch.purpose.invites() {
            return Err(AppError::invalid_input(format!(
                "batch {batch_id} is not an invitation batch: follow up the batch that invited the people"
            )));
        }
        let created_at = journal.batch(batch_id)?.created_at;
        Ok((batch, target, created_at))
    }

    /// The follow-up settings (cadence, reminder limit) saved with a batch.
    pub fn follow_up_settings(&self, batch_id: &str) -> Result<FollowUpSettings, AppError> {
        Ok(self.followed(batch_id)?.0.follow_up)
    }

    /// Where everyone in `batch_id` stands as the journal knows it (the last check's view of the
    /// tenant, and every delivery since): no tenant is asked.
    pub fn follow_up_offline(&self, batch_id: &str) -> Result<FollowUpReport, AppError> {
        let (batch, _, _) = self.followed(batch_id)?;
        let journal = self.lock_journal();
        let people = followup::journal_people(&journal, batch_id)?;
        let seen = followup::acceptance_from_journal(&journal.seen(batch_id)?);
        let checked_at = journal.last_check(batch_id)?.map(|c| c.checked_at);
        drop(journal);
        let now = now_iso();
        let (people, counts) = followup::statuses(&people, &seen, &now);
        Ok(FollowUpReport {
            batch_id: batch_id.to_owned(),
            batch_name: batch.name.clone(),
            checked_at,
            source: FollowUpSource::Journal,
            counts,
            due: cadence::due(&batch.follow_up, &people, &now),
            people,
            actions: Vec::new(),
        })
    }

    /// Asks the tenant where everyone in `batch_id` stands (the cheapest source for its size and
    /// age), journals what it saw and, when the batch asks for it, writes acceptance back to
    /// `app_metadata.invitation`: never in a dry run, and on a production profile only with the
    /// person's go-ahead (`confirmed_production`; without it the check only reads).
    pub async fn check_follow_up(
        &self,
        batch_id: &str,
        profile: Option<&str>,
        dry_run: bool,
        confirmed_production: bool,
    ) -> Result<FollowUpReport, AppError> {
        self.check_follow_up_from(batch_id, profile, dry_run, None, confirmed_production)
            .await
    }

    /// `check_follow_up` reading the tenant from `source` (the cheapest when `None`; the log
    /// source still falls back to user reads when logs cannot be read).
    pub async fn check_follow_up_from(
        &self,
        batch_id: &str,
        profile: Option<&str>,
        dry_run: bool,
        source: Option<FollowUpSource>,
        confirmed_production: bool,
    ) -> Result<FollowUpReport, AppError> {
        let (batch, target, created_at) = self.followed(batch_id)?;
        let target = self.follow_up_target(target, profile)?;
        let write_back = batch.follow_up.mark_accepted
            && !dry_run
            && (confirmed_production || !self.is_production(&target)?);
        let people = followup::journal_people(&self.lock_journal(), batch_id)?;
        let invited: Vec<&Invited> = people.iter().filter(|p| p.invited).collect();
        let (_, client) = self.client(&target, run::batch_client_options()).await?;
        let plan = match client.detected_plan() {
            Some(plan) => plan,
            None => {
                // A new client has seen no rate-limit header yet: one small read shows the plan,
                // whose log retention decides the source. Unknown still: the shortest retention.
                let _ = client.search_users(PLAN_PROBE, 0, 1).await;
                client
                    .detected_plan()
                    .unwrap_or(invite_desk_auth0::plans::TenantPlan::Free)
            }
        };
        let source = source
            .filter(|s| *s != FollowUpSource::Journal)
            .unwrap_or_else(|| sources::choose(plan, age(&created_at), invited.len()));
        let inv = &batch.invitation;
        let (used, mut seen) = sources::read(
            &client,
            source,
            inv.mode,
            &inv.connection,
            &invited,
            &created_at,
        )
        .await?;
        let seen_before = self.lock_journal().seen(batch_id)?;
        followup::keep_accepted(&mut seen, &seen_before);
        let now = now_iso();
        let (report_people, counts) = followup::statuses(&people, &seen, &now);
        let mut marked: HashMap<String, bool> = seen_before
            .into_iter()
            .map(|s| (s.email.to_lowercase(), s.marked))
            .collect();
        if write_back {
            self.mark_accepted(
                &client,
                batch_id,
                &people,
                &seen,
                &report_people,
                &mut marked,
            )
            .await;
        }
        let journaled: Vec<Seen> = report_people
            .iter()
            .map(|p| Seen {
                email: p.email.clone(),
                status: p.status.as_str().to_owned(),
                accepted_at: p.accepted_at.clone(),
                last_login: p.last_login.clone(),
                marked: marked
                    .get(&p.email.to_lowercase())
                    .copied()
                    .unwrap_or(false),
                checked_at: now.clone(),
            })
            .collect();
        self.lock_journal().record_check(
            batch_id,
            &Check {
                checked_at: now.clone(),
                source: <&str>::from(used).to_owned(),
                counts_json: followup::counts_json(&counts),
            },
            &journaled,
        )?;
        tracing::info!(batch = %batch_id, source = <&str>::from(used), accepted = counts.accepted, pending = counts.pending, expired = counts.expired, "follow-up checked");
        Ok(FollowUpReport {
            batch_id: batch_id.to_owned(),
            batch_name: batch.name.clone(),
            checked_at: Some(now.clone()),
            source: used,
            counts,
            due: cadence::due(&batch.follow_up, &report_people, &now),
            people: report_people,
            actions: Vec::new(),
        })
    }

    /// The tenant a follow-up reads and writes: the batch's own, or the named profile's (which
    /// must be the same tenant: a batch's people live in one).
    fn follow_up_target(
        &self,
        recorded: RunTarget,
        profile: Option<&str>,
    ) -> Result<RunTarget, AppError> {
        let Some(name) = profile else {
            return Ok(recorded);
        };
        let named = self.profile_target(name)?;
        if self.builtin_named(name).is_none() && named.domain != recorded.domain {
            return Err(AppError::invalid_input(format!(
                "profile \"{name}\" is tenant {}, but the batch ran on {}: follow it up there",
                named.domain, recorded.domain
            )));
        }
        Ok(named)
    }

    /// Sets `app_metadata.invitation.status` to `accepted` for the newly accepted. A failure is
    /// logged and retried at the next check (the write is idempotent).
    async fn mark_accepted(
        &self,
        client: &invite_desk_auth0::ManagementClient,
        batch_id: &str,
        people: &[Invited],
        seen: &HashMap<String, followup::Acceptance>,
        report: &[PersonFollowUp],
        marked: &mut HashMap<String, bool>,
    ) {
        // The journal's user id, else the one the tenant showed (organization members).
        let ids: HashMap<String, &str> = people
            .iter()
            .filter_map(|p| {
                let email = p.email.to_lowercase();
                let id = p
                    .user_id
                    .as_deref()
                    .or_else(|| seen.get(&email).and_then(|a| a.user_id.as_deref()))?;
                Some((email, id))
            })
            .collect();
        for person in report
            .iter()
            .filter(|p| p.status == FollowUpStatus::Accepted)
        {
            let email = person.email.to_lowercase();
            if marked.get(&email).copied().unwrap_or(false) {
                continue;
            }
            let Some(user_id) = ids.get(&email) else {
                continue;
            };
            let mut patch = UserPatch::new();
            patch.insert(
                "app_metadata".into(),
                json!({ "invitation": {
                    "status": "accepted",
                    "batch_id": batch_id,
                    "at": person.accepted_at.clone().map_or(Value::Null, Value::String),
                }}),
            );
            match client.update_user(user_id, &patch).await {
                Ok(_) => {
                    marked.insert(email, true);
                }
                Err(e) => {
                    tracing::warn!(batch = %batch_id, error = %e, "could not mark an accepted invitation in Auth0; the next check tries again");
                }
            }
        }
    }

    /// Sends a reminder (`kind` reminder, to the pending) or a new link (`kind` reissue, to the
    /// expired) to the people `selection` names, after checking the tenant. A wave of the same kind
    /// an earlier run left unfinished is finished instead, and nothing else is sent in this call:
    /// its people were chosen when it began, and nobody is reminded twice.
    pub async fn follow_up(
        &self,
        batch_id: &str,
        kind: FollowUpKind,
        selection: &Selection,
        profile: Option<&str>,
        request: RunRequest,
        sink: EventSink,
    ) -> Result<FollowUpAction, AppError> {
        let (batch, recorded, _) = self.followed(batch_id)?;
        let target = self.follow_up_target(recorded, profile)?;
        // One follow-up of a batch at a time, across processes (the app's Remind and a scheduled
        // `followup --due`): from choosing whom to send to until the wave is done, so two never
        // pick the same people.
        crate::files::check_file_id("batch id", batch_id)?;
        let _held = crate::files::try_lock_owner(
            &self.batch_lock_path(&format!("followup-{batch_id}")),
            &format!("the follow-up of batch {batch_id}"),
        )?;
        if let Some(wave_id) = self.unfinished_wave(batch_id, kind)? {
            tracing::info!(batch = %batch_id, wave = %wave_id, "finishing the follow-up wave an earlier run left");
            let summary = self
                .resume_run(&wave_id, RetryChoice::default(), request, sink)
                .await?;
            return self.wave_action(
                kind,
                &batch.delivery,
                &summary.batch_id,
                summary.not_finished,
                true,
            );
        }
        let report = self
            .check_follow_up(batch_id, profile, false, request.confirmed_production)
            .await?;
        let emails = chosen(&batch.follow_up, &report, kind, selection)?;
        if emails.is_empty() {
            return Ok(FollowUpAction::nothing(kind, batch.delivery.delivered_as()));
        }
        let wave = wave_batch(&batch, kind, &emails, self.follow_ups_of(batch_id)? + 1);
        let summary = self.start_run(&target, wave, request, sink).await?;
        self.wave_action(
            kind,
            &batch.delivery,
            &summary.batch_id,
            summary.not_finished,
            false,
        )
    }

    /// A wave of `kind` for `batch_id` that a run left unfinished (interrupted, cancelled, killed).
    pub fn unfinished_wave(
        &self,
        batch_id: &str,
        kind: FollowUpKind,
    ) -> Result<Option<String>, AppError> {
        Ok(self
            .lock_journal()
            .follow_ups(batch_id)?
            .into_iter()
            // A wave the admin cancelled stays cancelled: its people not reached are still pending
            // and the next wave takes them.
            .find(|(_, purpose, status)| {
                purpose.as_deref() == Some(kind.purpose_str())
                    && status.is_resumable()
                    && *status != BatchStatus::Cancelled
            })
            .map(|(id, _, _)| id))
    }

    /// Writes the follow-up as the journal knows it (the last check) into the export folder, as
    /// CSV; the file's path.
    pub fn export_follow_up(&self, batch_id: &str) -> Result<String, AppError> {
        crate::files::check_file_id("batch id", batch_id)?;
        let report = self.follow_up_offline(batch_id)?;
        let path = Self::unused_path(&self.export_dir()?, &format!("follow-up-{batch_id}"), "csv");
        followup::write_csv(&path, &report.people)?;
        Ok(path.to_string_lossy().into_owned())
    }

    /// Where one person stands in the newest batch that invited them: the journal's view, with
    /// what the tenant just said of them (`accounts`, from `users-by-email`) when it was asked.
    pub fn person_follow_up(
        &self,
        email: &str,
        accounts: Option<&[invite_desk_auth0::models::User]>,
    ) -> Result<Option<(String, PersonFollowUp)>, AppError> {
        // The journal's lock is let go before `followed` takes it again.
        let batches: Vec<String> = self
            .lock_journal()
            .person_history(email)?
            .into_iter()
            .map(|h| h.batch_id)
            .collect();
        // A resend is an action on the person, not the invitation they are followed up by.
        let newest = batches.into_iter().find_map(|id| {
            self.followed(&id)
                .ok()
                .filter(|(batch, _, _)| batch.purpose == crate::batch::BatchPurpose::Invitation)
                .map(|(batch, _, created_at)| (id, batch, created_at))
        });
        let Some((batch_id, batch, created_at)) = newest else {
            return Ok(None);
        };
        let journal = self.lock_journal();
        let people = followup::journal_people(&journal, &batch_id)?;
        let Some(person) = people.iter().find(|p| p.email.eq_ignore_ascii_case(email)) else {
            return Ok(None);
        };
        let mut seen = followup::acceptance_from_journal(&journal.seen(&batch_id)?);
        drop(journal);
        if let Some(accounts) = accounts {
            let inv = &batch.invitation;
            let account = accounts
                .iter()
                .find(|u| person.user_id.as_deref() == Some(u.user_id.as_str()))
                .or_else(|| accounts.iter().find(|u| u.in_connection(&inv.connection)));
            let fresh = account
                .map(|u| sources::from_user(inv.mode, person, u, &created_at))
                .unwrap_or_default();
            seen.insert(person.email.to_lowercase(), fresh);
        }
        let (mut out, _) = followup::statuses(std::slice::from_ref(person), &seen, &now_iso());
        Ok(out.pop().map(|p| (batch_id, p)))
    }

    /// How many reminder and new-link waves followed `batch_id` (resends do not count).
    fn follow_ups_of(&self, batch_id: &str) -> Result<usize, AppError> {
        Ok(self
            .lock_journal()
            .follow_ups(batch_id)?
            .iter()
            .filter(|(_, purpose, _)| matches!(purpose.as_deref(), Some("reminder" | "reissue")))
            .count())
    }

    /// What a wave did, from its journal.
    fn wave_action(
        &self,
        kind: FollowUpKind,
        delivery: &Delivery,
        wave_id: &str,
        not_started: u64,
        resumed: bool,
    ) -> Result<FollowUpAction, AppError> {
        let records = self.lock_journal().people(wave_id)?;
        let count = |state: PersonState| records.iter().filter(|r| r.state == state).count() as u64;
        Ok(FollowUpAction {
            kind,
            batch_id: wave_id.to_owned(),
            delivered: count(PersonState::Delivered),
            delivered_as: delivery.delivered_as(),
            accepted_meanwhile: count(PersonState::Skipped),
            unconfirmed: count(PersonState::Unconfirmed),
            failed: count(PersonState::Failed),
            not_started,
            resumed,
        })
    }

    /// Every batch whose cadence has something due now, from the journal (no tenant asked).
    pub fn due_follow_ups(&self) -> Result<Vec<DueBatch>, AppError> {
        let ids = self.lock_journal().batches_with_cadence()?;
        let mut out = Vec::new();
        for id in ids {
            match self.follow_up_offline(&id) {
                Ok(report) if !report.due.is_empty() => out.push(DueBatch {
                    batch_id: id,
                    batch_name: report.batch_name,
                    due: report.due,
                }),
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(batch = %id, error = %e, "could not work out the follow-up due")
                }
            }
        }
        Ok(out)
    }
}

/// The wave for `kind` to `emails`: the batch's people and settings, a new link each with the
/// reminder's or the re-issue's wording, nothing granted again, no cadence of its own. A link export
/// goes to a file of its own beside the batch's (never over it).
pub fn wave_batch(
    batch: &BatchFile,
    kind: FollowUpKind,
    emails: &[String],
    number: usize,
) -> BatchFile {
    let mut wave = batch.clone();
    wave.id = crate::ids::new_batch_id();
    wave.created_at = now_iso();
    let base = batch.name.clone().unwrap_or_else(|| batch.id.clone());
    wave.name = Some(match kind {
        FollowUpKind::Reminder => format!("Reminder ({number}) for {base}"),
        FollowUpKind::Reissue => format!("New links ({number}) for {base}"),
    });
    wave.purpose = kind.purpose();
    wave.follows = Some(batch.id.clone());
    wave.people = batch
        .people
        .iter()
        .filter(|p| emails.iter().any(|e| e.eq_ignore_ascii_case(&p.email)))
        .cloned()
        .collect();
    wave.invitation.existing = crate::batch::ExistingPolicy::Reinvite;
    wave.template = Some(batch.template_of(match kind {
        FollowUpKind::Reminder => MessageKind::Reminder,
        FollowUpKind::Reissue => MessageKind::Reissue,
    }));
    wave.follow_up = FollowUpSettings::default();
    if let Delivery::ExportLinks { file } = &batch.delivery {
        let path = std::path::Path::new(file);
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "links".into());
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().into_owned())
            .unwrap_or_else(|| "csv".into());
        let name = format!("{stem}-{}-{}.{ext}", kind.purpose_str(), wave.id);
        wave.delivery = Delivery::ExportLinks {
            file: path.with_file_name(name).to_string_lossy().into_owned(),
        };
    }
    wave
}
