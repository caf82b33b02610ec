//! Runs, for both adapters: start (with the production confirmation), pause/resume/cancel, resume an
//! interrupted batch, retry failed, history, results export, look-up, resend and "copy a new link".

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Service;
use crate::batch::{BatchFile, BatchPurpose, Delivery};
use crate::journal::{BatchStatus, BatchSummary, DeliveredAs};
use crate::run::deliver::{self, DeliverySecrets};
use crate::run::preflight::{self, Preflight, PreflightInput};
use crate::run::results::{self, PersonResult, ResultStatus};
use crate::run::{self, EventSink, RunControl, RunOptions, RunSetup, RunStatus, RunTarget};
use crate::secrets::SecretKind;
use crate::support::{self, Lookup};
use crate::{AppError, ErrorCode};

/// How a run ended, for the summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RunSummary {
    pub batch_id: String,
    pub status: RunStatus,
    /// People who reached the end, per result status (`invited`, `skipped`, `granted`, `failed`).
    #[ts(type = "Partial<Record<ResultStatus, number>>")]
    pub outcomes: BTreeMap<String, u64>,
    /// People the run stopped before the end for (cancelled, or stopped by the breaker): not
    /// failed, not started or halfway; `resume` takes them up.
    pub not_finished: u64,
    pub elapsed_secs: f64,
    /// The link export this run wrote, if its delivery was "export links".
    pub links_file: Option<String>,
    /// The folder its messages were written to, if its delivery was the outbox.
    pub outbox_dir: Option<String>,
    /// The failure several people in a row met, which stopped the run.
    pub stopped_by: Option<AppError>,
    /// What "delivered" was for this batch (sent, written to outbox, link exported, sent by
    /// Auth0): the words its counts are told in.
    pub delivered_as: DeliveredAs,
    /// For a one-person resend: what the delivery was ("accepted by the mail server: 250 …") and
    /// when (RFC 3339, UTC).
    pub delivery: Option<Delivered>,
}

/// What a delivery was, in the words of whoever took it, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Delivered {
    pub at: String,
    pub detail: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RunAction {
    Pause,
    Resume,
    Cancel,
    /// Stop as `cancel` does because the window is closing: the batch is left `interrupted`, and
    /// the next launch offers to resume it.
    Interrupt,
}

/// A new link for one person, for support to paste into a ticket (a bearer secret, shown because
/// the agent asked for it). `Debug` leaves the link out.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct LinkCopy {
    pub email: String,
    pub url: String,
    pub expires_at: String,
    pub batch_id: String,
    /// Whether the adapter put the link on the system clipboard (the app does; the CLI prints it).
    #[serde(default)]
    pub copied: bool,
}

impl std::fmt::Debug for LinkCopy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LinkCopy")
            .field("email", &self.email)
            .field("url", &"<bearer link>")
            .field("expires_at", &self.expires_at)
            .field("batch_id", &self.batch_id)
            .field("copied", &self.copied)
            .finish()
    }
}

/// How an adapter wants a run carried out: its pace, its extras, the person's go-ahead and the
/// handle it pauses, resumes and cancels with (the Run screen's buttons, a terminal's Ctrl-C).
#[derive(Debug, Clone, Default)]
pub struct RunRequest {
    pub options: RunOptions,
    /// An extra trusted CA certificate (PEM) for the SMTP server (`--smtp-ca`).
    pub smtp_ca: Option<Vec<u8>>,
    /// The person confirmed acting on a production tenant (the app asks, the CLI asks or takes `--yes`).
    pub confirmed_production: bool,
    pub control: RunControl,
}

impl RunRequest {
    /// The app's: progress ten times a second (the window's coalescer sends at that rate).
    pub fn app(confirmed_production: bool) -> RunRequest {
        RunRequest {
            options: RunOptions {
                progress_every: std::time::Duration::from_millis(100),
                ..RunOptions::default()
            },
            confirmed_production,
            ..RunRequest::default()
        }
    }
}

/// Which people a resumed batch takes up again besides those it had not finished.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RetryChoice {
    /// Failed people go back to the step that failed (never through the existing-user policy again
    /// when this batch created them).
    pub failed: bool,
    /// People whose mail "may have been sent" get a new link and a new mail.
    pub unconfirmed: bool,
}

/// The slot of the run this service is carrying out, and the batch's lock across processes; both
/// freed when dropped, whatever ends the run (an error, a cancelled future, a panic unwinding
/// through it).
struct ActiveRun<'a> {
    service: &'a Service,
    batch_lock: Option<crate::files::OwnerLock>,
}

impl Drop for ActiveRun<'_> {
    fn drop(&mut self) {
        self.batch_lock = None;
        *self.service.active.lock() = None;
    }
}

impl Service {
    /// Whether `target` is a profile marked production.
    /// Whether `target` is a profile marked production. A profile file that cannot be read is an
    /// error, never "not production"; a profile deleted since the batch ran has no flag left.
    pub fn is_production(&self, target: &RunTarget) -> Result<bool, AppError> {
        let Some(name) = target.profile.as_deref() else {
            return Ok(false);
        };
        match self.profile(name) {
            Ok(profile) => Ok(profile.production),
            Err(e) if e.code == ErrorCode::NotFound => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// A production profile's runs, resumes, resends and links need the person's go-ahead: the
    /// adapters ask first, and this checks again.
    fn check_production(
        &self,
        target: &RunTarget,
        request: &RunRequest,
        action: &str,
    ) -> Result<(), AppError> {
        if self.is_production(target)? && !request.confirmed_production {
            return Err(AppError::new(
                ErrorCode::NeedsConfirmation,
                format!(
                    "\"{}\" is a production tenant: confirm the {action} first",
                    target.profile.as_deref().unwrap_or_default()
                ),
            ));
        }
        Ok(())
    }

    /// Takes the run slot for `batch_id` before anything is journaled, so a refused run leaves no
    /// trace: this service's one slot (runs share the tenant's rate limit), then the batch's OS lock,
    /// which another process (the app and a script, two terminals) holds while it runs the batch.
    fn take_slot(&self, batch_id: &str, control: &RunControl) -> Result<ActiveRun<'_>, AppError> {
        crate::files::check_file_id("batch id", batch_id)?;
        {
            let mut active = self.active.lock();
            if let Some((running, _)) = active.as_ref() {
                return Err(AppError::new(
                    ErrorCode::Conflict,
                    format!("batch {running} is running: wait for it, or cancel it, first"),
                ));
            }
            *active = Some((batch_id.to_owned(), control.clone()));
        }
        let mut slot = ActiveRun {
            service: self,
            batch_lock: None,
        };
        let path = self.batch_lock_path(batch_id);
        slot.batch_lock = Some(crate::files::try_lock_owner(
            &path,
            &format!("batch {batch_id}"),
        )?);
        Ok(slot)
    }

    /// Records `batch` against `target` and runs it to the end (or until cancelled).
    pub async fn start_run(
        &self,
        target: &RunTarget,
        mut batch: BatchFile,
        request: RunRequest,
        sink: EventSink,
    ) -> Result<RunSummary, AppError> {
        self.check_production(target, &request, "run")?;
        batch.validate()?;
        self.give_own_id(&mut batch);
        let _slot = self.take_slot(&batch.id, &request.control)?;
        run::record_batch(&mut self.lock_journal(), &batch, target)?;
        self.execute(batch, target.clone(), RetryChoice::default(), request, sink)
            .await
    }

    /// A saved batch may be run more than once (after editing it, say): each run is its own batch,
    /// so one whose id the journal already has gets a new one. The CLI calls it first to print the
    /// id the run will have.
    pub fn give_own_id(&self, batch: &mut BatchFile) {
        if self.lock_journal().batch(&batch.id).is_ok() {
            batch.id = run::new_batch_id();
        }
    }

    /// The tenant a journaled batch runs against (to ask for the production go-ahead first).
    pub fn batch_target(&self, batch_id: &str) -> Result<RunTarget, AppError> {
        Ok(run::load_batch(&self.lock_journal(), batch_id)?.1)
    }

    /// Continues an interrupted (or cancelled, or failed-to-start) batch; `retry` puts failed or
    /// unconfirmed people back in the queue first.
    pub async fn resume_run(
        &self,
        batch_id: &str,
        retry: RetryChoice,
        request: RunRequest,
        sink: EventSink,
    ) -> Result<RunSummary, AppError> {
        let (batch, target) = run::load_batch(&self.lock_journal(), batch_id)?;
        self.check_production(&target, &request, "resume")?;
        let _slot = self.take_slot(&batch.id, &request.control)?;
        self.execute(batch, target, retry, request, sink).await
    }

    /// Runs a recorded batch; the caller holds the run slot.
    async fn execute(
        &self,
        batch: BatchFile,
        target: RunTarget,
        retry: RetryChoice,
        request: RunRequest,
        sink: EventSink,
    ) -> Result<RunSummary, AppError> {
        let ready = async {
            let (target, client) = self.client(&target, run::batch_client_options()).await?;
            let (deliverer, signing_key) = self.delivery_parts(&target, &batch, request.smtp_ca)?;
            let checked = preflight::preflight(PreflightInput {
                client: Some(&client),
                batch: &batch,
                deliverer: deliverer.as_ref().ok(),
                delivery_error: deliverer.as_ref().err().cloned(),
                contact_mail_server: true,
                signing_key: signing_key.as_ref(),
            })
            .await;
            tracing::info!(batch = %batch.id, passed = checked.passed(), "preflight");
            let checked = checked.into_result()?;
            Ok::<_, AppError>((client, deliverer?, signing_key, checked.found))
        }
        .await;
        let (client, deliverer, signing_key, known) = match ready {
            Ok(parts) => parts,
            Err(error) => {
                let journal = self.lock_journal();
                // A batch nothing was done for says so; one stopped midway keeps its own status.
                if journal.batch(&batch.id)?.status == BatchStatus::Prepared {
                    journal.set_batch_status(&batch.id, BatchStatus::FailedToStart)?;
                }
                return Err(error);
            }
        };
        // Only now, with every check passed: a refused retry leaves the batch as it was.
        {
            let mut journal = self.lock_journal();
            if retry.failed {
                journal.retry_failed(&batch.id)?;
            }
            if retry.unconfirmed {
                journal.retry_unconfirmed(&batch.id)?;
            }
        }
        let delivered_as = batch.delivery.delivered_as();
        let outbox_dir = match &batch.delivery {
            Delivery::Outbox { dir, .. } => Some(dir.clone()),
            _ => None,
        };
        let outcome = run::execute(
            RunSetup {
                client,
                journal: self.journal.clone(),
                batch,
                deliverer,
                signing_key,
                token_issuer: crate::run::invitation_token::issuer(
                    &target.domain,
                    target.profile.as_deref(),
                ),
                control: request.control,
                options: request.options,
                known,
            },
            sink,
        )
        .await?;
        let mut outcomes = BTreeMap::new();
        let mut not_finished = 0;
        for result in &outcome.results {
            if result.state.is_final() {
                *outcomes
                    .entry(result.status.as_str().to_owned())
                    .or_insert(0) += 1;
            } else {
                not_finished += 1;
            }
        }
        Ok(RunSummary {
            batch_id: outcome.batch_id,
            status: outcome.status,
            outcomes,
            not_finished,
            elapsed_secs: outcome.elapsed.as_secs_f64(),
            links_file: outcome.links_file.map(|p| p.to_string_lossy().into_owned()),
            stopped_by: outcome.stopped_by,
            delivered_as,
            outbox_dir,
            delivery: None,
        })
    }

    /// The deliverer (or why it cannot be built) and the signing key of a batch run under `target`.
    fn delivery_parts(
        &self,
        target: &RunTarget,
        batch: &BatchFile,
        smtp_ca: Option<Vec<u8>>,
    ) -> Result<(Result<deliver::Deliverer, AppError>, Option<SecretString>), AppError> {
        let profile = target.profile.as_deref();
        // The batch names its mail server; the profile's password goes only to the one it was
        // kept for. A refusal is the delivery check's failure, reported before the first write.
        let smtp_password = match &batch.delivery {
            Delivery::Smtp { url, .. } => match crate::secrets::Purpose::mail_server(url) {
                Ok(purpose) => self.secret(profile, SecretKind::SmtpPassword, &purpose),
                Err(_) => Ok(None),
            },
            _ => Ok(None),
        };
        let signing_key = if batch.invitation.sign_result_url {
            self.secret(
                profile,
                SecretKind::SigningKey,
                &crate::secrets::Purpose::InvitationTokens,
            )?
        } else {
            None
        };
        let deliverer = smtp_password.and_then(|smtp_password| {
            deliver::for_batch(
                batch,
                DeliverySecrets {
                    smtp_password,
                    extra_root_pem: smtp_ca,
                    smtp_connections: profile
                        .and_then(|name| self.profile(name).ok())
                        .and_then(|p| p.smtp_connections),
                },
            )
        });
        Ok((deliverer, signing_key))
    }

    /// The checks a run makes before its first write, without running: the Review step's checklist
    /// and the dry run's. With no tenant, only what can be checked here (the tenant and the mail
    /// server are not asked).
    pub async fn preflight(
        &self,
        target: Option<&RunTarget>,
        batch: &BatchFile,
        smtp_ca: Option<Vec<u8>>,
    ) -> Result<Preflight, AppError> {
        self.preflight_with(target, batch, smtp_ca, target.is_some())
            .await
    }

    /// `preflight`, saying whether the mail server may be contacted (logged in to): not for a batch
    /// file whose destinations are not confirmed yet, which would hand a given password to its
    /// server.
    pub async fn preflight_with(
        &self,
        target: Option<&RunTarget>,
        batch: &BatchFile,
        smtp_ca: Option<Vec<u8>>,
        contact_mail_server: bool,
    ) -> Result<Preflight, AppError> {
        batch.validate()?;
        let client = match target {
            Some(target) => Some(self.interactive_client(target).await?.1),
            None => None,
        };
        let no_tenant = RunTarget {
            domain: String::new(),
            client_id: String::new(),
            profile: None,
        };
        let (deliverer, signing_key) =
            self.delivery_parts(target.unwrap_or(&no_tenant), batch, smtp_ca)?;
        Ok(preflight::preflight(PreflightInput {
            client: client.as_deref(),
            batch,
            deliverer: deliverer.as_ref().ok(),
            delivery_error: deliverer.as_ref().err().cloned(),
            contact_mail_server,
            signing_key: signing_key.as_ref(),
        })
        .await)
    }

    /// Pause, resume or cancel the running batch.
    pub fn control_run(&self, batch_id: &str, action: RunAction) -> Result<(), AppError> {
        let active = self.active.lock();
        let Some((running, control)) = active.as_ref().filter(|(id, _)| id == batch_id) else {
            return Err(AppError::new(
                ErrorCode::NotFound,
                format!("batch {batch_id} is not running"),
            ));
        };
        tracing::info!(batch = %running, ?action, "run control");
        match action {
            RunAction::Pause => control.pause(),
            RunAction::Resume => control.resume(),
            RunAction::Cancel => control.cancel(),
            RunAction::Interrupt => control.interrupt(),
        }
        Ok(())
    }

    /// The batch running now, if any (the Run screen re-attaches to it).
    pub fn active_run(&self) -> Option<String> {
        self.active.lock().as_ref().map(|(id, _)| id.clone())
    }

    /// Every batch, newest first. A batch left `running` by a process that is gone (the app
    /// closed or killed mid-run, a terminal closed) is `interrupted`: nobody holds its lock.
    pub fn history(&self) -> Result<Vec<BatchSummary>, AppError> {
        let mut batches = self.lock_journal().batches()?;
        for batch in batches
            .iter_mut()
            .filter(|b| b.status == BatchStatus::Running)
        {
            // A journal that cannot be written now leaves the batch `running`, not History empty.
            match self.settle_abandoned(&batch.id) {
                Ok(true) => batch.status = BatchStatus::Interrupted,
                Ok(false) => {}
                Err(e) => {
                    tracing::warn!(batch = %batch.id, error = %e.message, "could not mark an abandoned batch interrupted")
                }
            }
        }
        Ok(batches)
    }

    /// The file whoever runs a batch holds locked (the run, and History's check that nobody does).
    pub(super) fn batch_lock_path(&self, batch_id: &str) -> std::path::PathBuf {
        self.paths
            .data_dir
            .join("locks")
            .join(format!("{batch_id}.lock"))
    }

    /// Marks a `running` batch `interrupted` when no process runs it; whether it did.
    fn settle_abandoned(&self, batch_id: &str) -> Result<bool, AppError> {
        if crate::files::check_file_id("batch id", batch_id).is_err() {
            return Ok(false);
        }
        let path = self.batch_lock_path(batch_id);
        // Held by whoever runs it, this process included (a second open of the file conflicts).
        let Ok(_nobody_runs_it) = crate::files::try_lock_owner(&path, "batch") else {
            return Ok(false);
        };
        let journal = self.lock_journal();
        if journal.batch(batch_id)?.status != BatchStatus::Running {
            return Ok(false);
        }
        journal.set_batch_status(batch_id, BatchStatus::Interrupted)?;
        tracing::info!(batch = %batch_id, "a batch left running by a process that is gone is now interrupted");
        Ok(true)
    }

    /// One batch as History lists it.
    pub fn batch_summary(&self, batch_id: &str) -> Result<BatchSummary, AppError> {
        let mut summary = self.lock_journal().batch_summary(batch_id)?;
        if summary.status == BatchStatus::Running {
            // As History: a journal that cannot be written now leaves it `running`, not an error.
            match self.settle_abandoned(batch_id) {
                Ok(true) => summary.status = BatchStatus::Interrupted,
                Ok(false) => {}
                Err(e) => {
                    tracing::warn!(batch = %batch_id, error = %e.message, "could not mark an abandoned batch interrupted")
                }
            }
        }
        Ok(summary)
    }

    /// Everyone's result in a batch, by line.
    pub fn results(&self, batch_id: &str) -> Result<Vec<PersonResult>, AppError> {
        let (record, people) = {
            let journal = self.lock_journal();
            (journal.batch(batch_id)?, journal.people(batch_id)?)
        };
        // Read with the journal free (a running batch writes to it), and never depending on the
        // settings still reading: without them, no list columns, the same words.
        Ok(match BatchFile::recorded(&record.settings_json) {
            Ok(batch) => results::batch_results(&people, &batch),
            Err(_) => {
                // The words still come from the journal's own reading of the delivery kind.
                let delivered = self.lock_journal().batch_summary(batch_id)?.delivered_as;
                let mut out: Vec<PersonResult> = people
                    .iter()
                    .map(|r| results::person_result(r, None, delivered))
                    .collect();
                out.sort_by_key(|r| r.line);
                out
            }
        })
    }

    /// The folder a batch delivered into: its outbox, or the folder of its link export.
    pub fn delivery_folder(&self, batch_id: &str) -> Result<PathBuf, AppError> {
        let record = self.lock_journal().batch(batch_id)?;
        let batch = BatchFile::recorded(&record.settings_json)?;
        let folder = match &batch.delivery {
            Delivery::Outbox { dir, .. } => PathBuf::from(dir),
            Delivery::ExportLinks { file } => Path::new(file)
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default(),
            Delivery::Smtp { .. } | Delivery::Auth0 => {
                return Err(AppError::invalid_input(format!(
                    "batch {batch_id} {} its messages: there is no folder of them",
                    batch.delivery.delivered_as().words()
                )));
            }
        };
        if !folder.is_dir() {
            return Err(AppError::new(
                ErrorCode::NotFound,
                format!(
                    "{} is not there any more (moved or deleted)",
                    folder.display()
                ),
            ));
        }
        Ok(folder)
    }

    /// Where the batch's results would go in the export folder: named by the batch's name (its id
    /// when it has none), never an existing file.
    pub fn results_export_path(&self, batch_id: &str) -> Result<PathBuf, AppError> {
        // It becomes part of a file name.
        crate::files::check_file_id("batch id", batch_id)?;
        let named = self
            .batch_summary(batch_id)?
            .name
            .and_then(|name| super::templates::file_stem(&name).ok());
        let stem = format!("results-{}", named.as_deref().unwrap_or(batch_id));
        Ok(Self::unused_path(&self.export_dir()?, &stem, "csv"))
    }

    /// Writes the batch's results (no links) for a spreadsheet, with the list's own columns, to
    /// `to` (`None`: [`Self::results_export_path`]); the file's path.
    pub fn export_results(&self, batch_id: &str, to: Option<&Path>) -> Result<String, AppError> {
        let path = match to {
            Some(path) => path.to_owned(),
            None => self.results_export_path(batch_id)?,
        };
        let results = self.results(batch_id)?;
        results::write_results_for(&path, &results, results::CsvReader::Spreadsheet)?;
        Ok(path.to_string_lossy().into_owned())
    }

    /// Where one person stands: the tenant's accounts (when a tenant is given) and the journal.
    pub async fn lookup(
        &self,
        target: Option<&RunTarget>,
        email: &str,
    ) -> Result<Lookup, AppError> {
        let (users, accounts) = match target {
            Some(target) => {
                let (_, client) = self.interactive_client(target).await?;
                let users = client.users_by_email(support::checked(email)?).await?;
                let mut accounts = support::accounts(users.clone());
                support::with_roles(&client, &mut accounts).await;
                (Some(users), Some(accounts))
            }
            None => (None, None),
        };
        let mut found = support::with_history(accounts, &self.lock_journal(), email)?;
        if let Some((batch, person)) = self.person_follow_up(email, users.as_deref())? {
            found.follow_up = Some(person);
            found.follow_up_batch = Some(batch);
        }
        Ok(found)
    }

    /// The tenant a resend or a new link for `email` goes to (to ask for the production go-ahead).
    pub fn resend_target(
        &self,
        email: &str,
        from_batch: Option<&str>,
    ) -> Result<RunTarget, AppError> {
        Ok(support::resend_source(&self.lock_journal(), email, from_batch)?.1)
    }

    /// Sends `email` a new invitation with the settings of the batch that last invited them (or
    /// `from_batch`): a new ticket and a new delivery, journaled as a one-person batch.
    pub async fn resend(
        &self,
        email: &str,
        from_batch: Option<&str>,
        request: RunRequest,
        sink: EventSink,
    ) -> Result<RunSummary, AppError> {
        let (batch, target) = support::resend_batch(&self.lock_journal(), email, from_batch)?;
        self.check_production(&target, &request, "resend")?;
        let _slot = self.take_slot(&batch.id, &request.control)?;
        run::record_batch(&mut self.lock_journal(), &batch, &target)?;
        let person = batch.people.first().map(|p| p.email.clone());
        let mut summary = self
            .execute(batch, target, RetryChoice::default(), request, sink)
            .await?;
        if let Some(email) = person {
            summary.delivery = self
                .lock_journal()
                .last_delivery(&summary.batch_id, &email)?
                .map(|(at, detail)| Delivered { at, detail });
        }
        Ok(summary)
    }

    /// A new ticket for `email` (with the settings of the batch that last invited them, or
    /// `from_batch`), handed to the agent instead of mailed. Journaled as a link copy, which is never
    /// the source of a resend.
    pub async fn copy_link(
        &self,
        email: &str,
        from_batch: Option<&str>,
        request: RunRequest,
    ) -> Result<LinkCopy, AppError> {
        let links_dir = links_dir(&self.paths.data_dir);
        std::fs::create_dir_all(&links_dir)
            .map_err(|e| AppError::io("create folder", &links_dir, &e))?;
        let (mut batch, target) = support::resend_batch(&self.lock_journal(), email, from_batch)?;
        self.check_production(&target, &request, "new link")?;
        batch.name = Some(format!("Link copied for {email}"));
        batch.purpose = BatchPurpose::LinkCopy;
        let file = links_dir.join(format!("{}.csv", batch.id));
        batch.delivery = Delivery::ExportLinks {
            file: file.to_string_lossy().into_owned(),
        };
        let batch_id = batch.id.clone();
        let summary = {
            let _slot = self.take_slot(&batch.id, &request.control)?;
            run::record_batch(&mut self.lock_journal(), &batch, &target)?;
            self.execute(
                batch,
                target,
                RetryChoice::default(),
                request,
                std::sync::Arc::new(|_| {}),
            )
            .await
        };
        // The file holds a bearer secret: read it and remove it whatever happened.
        let read = std::fs::read(&file);
        let _ = std::fs::remove_file(&file);
        let summary = summary?;
        if summary
            .outcomes
            .get(ResultStatus::Failed.as_str())
            .copied()
            .unwrap_or(0)
            > 0
        {
            let why = self
                .results(&batch_id)?
                .into_iter()
                .find_map(|r| r.error)
                .unwrap_or_else(|| "the new link could not be made".into());
            return Err(AppError::new(ErrorCode::Conflict, why));
        }
        let bytes = read.map_err(|e| AppError::io("read", &file, &e))?;
        let mut reader = csv::Reader::from_reader(bytes.as_slice());
        let row = reader
            .records()
            .next()
            .and_then(Result::ok)
            .ok_or_else(|| AppError::internal("the new link was not written"))?;
        // Columns by name, as the link export writes them (invite_desk_mail::links::HEADER).
        let cell = |name: &str| {
            invite_desk_mail::links::HEADER
                .iter()
                .position(|h| *h == name)
                .and_then(|i| row.get(i))
                .unwrap_or_default()
                .to_owned()
        };
        Ok(LinkCopy {
            email: cell("email"),
            url: cell("link"),
            expires_at: cell("expires_at"),
            batch_id,
            copied: false,
        })
    }
}

/// Where *Copy a new link* has its one-person link export written, read and removed at once.
fn links_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("links")
}

/// A link file left by a crash between its writing and its removal holds a bearer secret: removed
/// at the next start.
pub(super) fn remove_leftover_links(data_dir: &Path) {
    let Ok(entries) = std::fs::read_dir(links_dir(data_dir)) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "csv") {
            match std::fs::remove_file(&path) {
                Ok(()) => {
                    tracing::info!(file = %path.display(), "removed a link file left by an interrupted Copy link")
                }
                Err(e) => {
                    tracing::warn!(file = %path.display(), error = %e, "could not remove a leftover link file")
                }
            }
        }
    }
}
