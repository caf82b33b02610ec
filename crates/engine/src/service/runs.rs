//! Runs from the app: start (with the production confirmation), pause/resume/cancel, resume an
//! interrupted batch, retry failed, history, results export, look-up, resend and "copy link".

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Desk;
use crate::batch::{BatchFile, Delivery};
use crate::journal::BatchSummary;
use crate::run::deliver::{self, DeliverySecrets};
use crate::run::results::{self, PersonResult, ResultStatus};
use crate::run::{self, EventSink, RunControl, RunOptions, RunSetup, RunTarget};
use crate::secrets::SecretKind;
use crate::support::{self, Lookup};
use crate::{AppError, ErrorCode};

/// How a run ended, for the summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RunSummary {
    pub batch_id: String,
    /// `finished` or `cancelled`.
    pub status: String,
    /// People per result status (`invited`, `skipped`, `granted`, `failed`).
    #[ts(type = "Partial<Record<ResultStatus, number>>")]
    pub outcomes: BTreeMap<String, u64>,
    pub elapsed_secs: f64,
    /// The link export this run wrote, if its delivery was "export links".
    pub links_file: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RunAction {
    Pause,
    Resume,
    Cancel,
}

/// A new link for one person, for support to paste into a ticket (a bearer secret, shown because
/// the agent asked for it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct LinkCopy {
    pub email: String,
    pub url: String,
    pub expires_at: String,
    pub batch_id: String,
}

/// The app's run pace: progress ten times a second (the coalescer sends at that rate).
fn app_run_options() -> RunOptions {
    RunOptions {
        progress_every: std::time::Duration::from_millis(100),
        ..RunOptions::default()
    }
}

impl Desk {
    /// Records `batch` against `profile` and runs it to the end (or until cancelled). A production
    /// profile's run needs `confirmed_production`: the screen asks first, and this checks again.
    pub async fn start_run(
        &self,
        profile: &str,
        mut batch: BatchFile,
        confirmed_production: bool,
        sink: EventSink,
    ) -> Result<RunSummary, AppError> {
        let saved = self.profile(profile)?;
        if saved.production && !confirmed_production {
            return Err(AppError::new(
                ErrorCode::Conflict,
                format!("\"{profile}\" is a production tenant: confirm the run first"),
            ));
        }
        batch.validate()?;
        let target = self.target(profile).await?;
        {
            let mut journal = self.lock_journal();
            // A saved batch may be run more than once: each run is its own batch.
            if journal.batch(&batch.id).is_ok() {
                batch.id = run::new_batch_id();
            }
            run::record_batch(&mut journal, &batch, &target)?;
        }
        self.execute(batch, target, sink).await
    }

    /// Continues an interrupted (or cancelled, or failed-to-start) batch; with `retry_failed`,
    /// failed people are put back in the queue first.
    pub async fn resume_run(
        &self,
        batch_id: &str,
        retry_failed: bool,
        sink: EventSink,
    ) -> Result<RunSummary, AppError> {
        let (batch, target) = {
            let mut journal = self.lock_journal();
            let loaded = run::load_batch(&journal, batch_id)?;
            if retry_failed {
                journal.retry_failed(batch_id)?;
            }
            loaded
        };
        self.execute(batch, target, sink).await
    }

    async fn execute(
        &self,
        batch: BatchFile,
        target: RunTarget,
        sink: EventSink,
    ) -> Result<RunSummary, AppError> {
        let control = RunControl::new();
        {
            let mut active = self
                .active
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Some((running, _)) = active.as_ref() {
                return Err(AppError::new(
                    ErrorCode::Conflict,
                    format!("batch {running} is running: wait for it, or cancel it, first"),
                ));
            }
            *active = Some((batch.id.clone(), control.clone()));
        }
        let result = self.execute_registered(batch, target, control, sink).await;
        *self
            .active
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = None;
        result
    }

    async fn execute_registered(
        &self,
        batch: BatchFile,
        target: RunTarget,
        control: RunControl,
        sink: EventSink,
    ) -> Result<RunSummary, AppError> {
        let (target, client) = self.client(&target, run::batch_client_options()).await?;
        let profile = target.profile.as_deref();
        let secrets = DeliverySecrets {
            smtp_password: if matches!(batch.delivery, Delivery::Smtp { .. }) {
                self.secret(profile, SecretKind::SmtpPassword)?
            } else {
                None
            },
            extra_root_pem: None,
        };
        let signing_key = if batch.invitation.sign_result_url {
            Some(self.secret(profile, SecretKind::SigningKey)?.ok_or_else(|| {
                AppError::new(
                    ErrorCode::Keychain,
                    "signing the result URL needs the profile's signing key: add it on the Tenants screen",
                )
            })?)
        } else {
            None
        };
        let deliverer = deliver::for_batch(&batch, secrets)?;
        let outcome = run::execute(
            RunSetup {
                client,
                journal: self.journal.clone(),
                batch,
                deliverer,
                signing_key,
                control,
                options: app_run_options(),
            },
            sink,
        )
        .await?;
        let mut outcomes = BTreeMap::new();
        for result in &outcome.results {
            *outcomes
                .entry(result.status.as_str().to_owned())
                .or_insert(0) += 1;
        }
        Ok(RunSummary {
            batch_id: outcome.batch_id,
            status: outcome.status,
            outcomes,
            elapsed_secs: outcome.elapsed.as_secs_f64(),
            links_file: outcome.links_file.map(|p| p.to_string_lossy().into_owned()),
        })
    }

    /// Pause, resume or cancel the running batch.
    pub fn control_run(&self, batch_id: &str, action: RunAction) -> Result<(), AppError> {
        let active = self
            .active
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
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
        }
        Ok(())
    }

    /// The batch running now, if any (the Run screen re-attaches to it).
    pub fn active_run(&self) -> Option<String> {
        self.active
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .as_ref()
            .map(|(id, _)| id.clone())
    }

    pub fn history(&self) -> Result<Vec<BatchSummary>, AppError> {
        self.lock_journal().batches()
    }

    /// Everyone's result in a batch, by line.
    pub fn results(&self, batch_id: &str) -> Result<Vec<PersonResult>, AppError> {
        let journal = self.lock_journal();
        journal.batch(batch_id)?;
        let mut out: Vec<PersonResult> = journal
            .people(batch_id)?
            .iter()
            .map(results::person_result)
            .collect();
        out.sort_by_key(|r| r.line);
        Ok(out)
    }

    /// Writes the batch's results (CSV, no links) into the export folder; the file's path.
    pub fn export_results(&self, batch_id: &str) -> Result<String, AppError> {
        let results = self.results(batch_id)?;
        let path = Self::unused_path(&self.export_dir()?, &format!("results-{batch_id}"), "csv");
        results::write_results(&path, &results)?;
        Ok(path.to_string_lossy().into_owned())
    }

    /// Where one person stands: the tenant's accounts (when a profile is given) and the journal.
    pub async fn lookup(&self, profile: Option<&str>, email: &str) -> Result<Lookup, AppError> {
        let client = match profile {
            Some(profile) => Some(self.profile_client(profile).await?.1),
            None => None,
        };
        let tenant = match client {
            Some(client) => Some(support::tenant_accounts(&client, email).await?),
            None => None,
        };
        support::with_history(tenant, &self.lock_journal(), email)
    }

    /// Sends `email` a new invitation with the settings of the batch that last invited them.
    pub async fn resend(&self, email: &str, sink: EventSink) -> Result<RunSummary, AppError> {
        let (batch, target) = {
            let mut journal = self.lock_journal();
            let (batch, target) = support::resend_batch(&journal, email, None)?;
            run::record_batch(&mut journal, &batch, &target)?;
            (batch, target)
        };
        self.execute(batch, target, sink).await
    }

    /// A new ticket for `email` (with the settings of the batch that last invited them), handed to
    /// the agent instead of mailed. Journaled as a one-person batch like any resend.
    pub async fn copy_link(&self, email: &str) -> Result<LinkCopy, AppError> {
        let links_dir = links_dir(&self.paths.data_dir);
        std::fs::create_dir_all(&links_dir)
            .map_err(|e| AppError::io("create folder", &links_dir, &e))?;
        let (batch, target, file) = {
            let mut journal = self.lock_journal();
            let (mut batch, target) = support::resend_batch(&journal, email, None)?;
            batch.name = Some(format!("Link copied for {email}"));
            let file = links_dir.join(format!("{}.csv", batch.id));
            batch.delivery = Delivery::ExportLinks {
                file: file.to_string_lossy().into_owned(),
            };
            run::record_batch(&mut journal, &batch, &target)?;
            (batch, target, file)
        };
        let batch_id = batch.id.clone();
        let summary = self
            .execute(batch, target, std::sync::Arc::new(|_| {}))
            .await;
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
