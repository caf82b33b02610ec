//! Follow-up through the service, against the in-process sandbox with a person played through its
//! ticket pages: statuses from every source agree, reminders go to exactly the pending (never to
//! someone who accepted meanwhile) and their links work, expired links get new ones.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::collections::HashMap;
use std::sync::Arc;

use super::testing::{InProcessSandbox, MemorySecrets, SANDBOX};
use super::*;
use crate::batch::{BatchFile, Delivery, FollowUpSettings, InvitationSettings, InviteMode};
use crate::followup::{FollowUpKind, FollowUpSource, FollowUpStatus};
use crate::roster::{ReadOptions, read_text};
use crate::run::{RunEvent, RunTarget};
use crate::service::Selection;

const PASSWORD: &str = "correct-horse-battery";

struct World {
    dir: tempfile::TempDir,
    service: Service,
    sandbox: InProcessSandbox,
}

fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    // Search that keeps up with writes, so the user-read source sees the batch at once (its lag
    // is the run's concern, tested there).
    let sandbox = InProcessSandbox::with(invite_desk_sandbox::SandboxConfig {
        search_lag: std::time::Duration::ZERO,
        ..invite_desk_sandbox::SandboxConfig::default()
    });
    let service = Service::open(
        AppPaths::under(dir.path()),
        Arc::new(MemorySecrets::default()),
    )
    .unwrap()
    .with_builtin(Arc::new(sandbox.clone()));
    World {
        dir,
        service,
        sandbox,
    }
}

impl World {
    /// A wave of `kind` to `selection`, as the app's buttons send it.
    async fn wave(
        &self,
        batch_id: &str,
        kind: FollowUpKind,
        selection: Selection,
    ) -> Result<crate::followup::FollowUpAction, AppError> {
        self.service
            .follow_up(
                batch_id,
                kind,
                &selection,
                None,
                RunRequest::app(false),
                Arc::new(|_| {}),
            )
            .await
    }

    fn target(&self) -> RunTarget {
        self.service.profile_target(SANDBOX).unwrap()
    }

    fn links_file(&self) -> std::path::PathBuf {
        self.dir.path().join("links.csv")
    }

    fn batch(&self, n: usize, mode: InviteMode, ttl_secs: u64) -> BatchFile {
        let mut text = String::from("email,given_name\n");
        for i in 0..n {
            text.push_str(&format!("p{i}@example.com,P{i}\n"));
        }
        let report = read_text(&text, &ReadOptions::default()).unwrap();
        let mut invitation =
            InvitationSettings::new(invite_desk_sandbox::tenant::DATABASE_CONNECTION);
        invitation.mode = mode;
        invitation.ttl_secs = ttl_secs;
        let mut batch = BatchFile::new(
            report.people,
            invitation,
            Delivery::ExportLinks {
                file: self.links_file().to_string_lossy().into_owned(),
            },
        );
        batch.name = Some("Follow-up trial".into());
        batch.follow_up = FollowUpSettings {
            remind_after_days: vec![3],
            ..FollowUpSettings::default()
        };
        batch
    }

    async fn run(&self, batch: BatchFile) -> String {
        let summary = self
            .service
            .start_run(
                &self.target(),
                batch,
                RunRequest::app(false),
                Arc::new(|_| {}),
            )
            .await
            .unwrap();
        summary.batch_id
    }

    /// The links of a link export, by address.
    fn links(&self, file: &std::path::Path) -> HashMap<String, String> {
        let mut reader = csv::Reader::from_path(file).unwrap();
        let headers = reader.headers().unwrap().clone();
        let at = |name: &str| headers.iter().position(|h| h == name).unwrap();
        reader
            .records()
            .map(|r| {
                let r = r.unwrap();
                (r[at("email")].to_owned(), r[at("link")].to_owned())
            })
            .collect()
    }

    /// Every reminder or new-link file the waves wrote beside the batch's.
    fn wave_links(&self, kind: &str) -> HashMap<String, String> {
        let mut out = HashMap::new();
        for entry in std::fs::read_dir(self.dir.path()).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with(&format!("links-{kind}-")) {
                out.extend(self.links(&path));
            }
        }
        out
    }

    async fn sandbox<R>(&self, f: impl FnOnce(&invite_desk_sandbox::Sandbox) -> R) -> R {
        self.sandbox.0.with_running(f).await.unwrap()
    }

    async fn accept(&self, link: &str) {
        let link = link.to_owned();
        self.sandbox(move |sb| sb.use_link(&link, PASSWORD).unwrap())
            .await;
    }

    async fn sign_in(&self, email: &str) {
        let email = email.to_owned();
        self.sandbox(move |sb| sb.sign_in(&email, PASSWORD).unwrap())
            .await;
    }
}

fn by_email(
    report: &crate::followup::FollowUpReport,
) -> HashMap<&str, &crate::followup::PersonFollowUp> {
    report
        .people
        .iter()
        .map(|p| (p.email.as_str(), p))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_user_reads_and_an_export_agree_on_who_accepted_and_signed_in() {
    let w = world();
    let batch_id = w.run(w.batch(6, InviteMode::PasswordChange, 3600)).await;
    let links = w.links(&w.links_file());
    w.accept(&links["p0@example.com"]).await;
    w.accept(&links["p1@example.com"]).await;
    w.sign_in("p1@example.com").await;

    // Each source read on its own (the journal's earlier checks would otherwise carry acceptance
    // over from one to the next), then put through the one rule.
    let (_, client) = w
        .service
        .client(&w.target(), crate::run::batch_client_options())
        .await
        .unwrap();
    let people = crate::followup::journal_people(&w.service.lock_journal(), &batch_id).unwrap();
    let invited: Vec<&crate::followup::Invited> = people.iter().filter(|p| p.invited).collect();
    let since = w
        .service
        .lock_journal()
        .batch(&batch_id)
        .unwrap()
        .created_at;
    let now = crate::ids::iso(time::OffsetDateTime::now_utc());
    let mut reports = Vec::new();
    for source in [
        FollowUpSource::Logs,
        FollowUpSource::Users,
        FollowUpSource::Export,
    ] {
        let (used, seen) = crate::followup::sources::read(
            &client,
            source,
            InviteMode::PasswordChange,
            invite_desk_sandbox::tenant::DATABASE_CONNECTION,
            &invited,
            &since,
        )
        .await
        .unwrap();
        assert_eq!(used, source, "read from {source:?}");
        let (people, counts) = crate::followup::statuses(&people, &seen, &now);
        reports.push(crate::followup::FollowUpReport {
            batch_id: batch_id.clone(),
            batch_name: None,
            checked_at: Some(now.clone()),
            source,
            counts,
            people,
            actions: Vec::new(),
            due: Default::default(),
        });
    }
    let logs = &reports[0];
    let people = by_email(logs);
    assert_eq!(people["p0@example.com"].status, FollowUpStatus::Accepted);
    assert!(people["p0@example.com"].accepted_at.is_some());
    assert_eq!(
        people["p0@example.com"].last_login, None,
        "accepted, never signed in"
    );
    assert_eq!(people["p1@example.com"].status, FollowUpStatus::Accepted);
    assert!(people["p1@example.com"].last_login.is_some());
    for p in [
        "p2@example.com",
        "p3@example.com",
        "p4@example.com",
        "p5@example.com",
    ] {
        assert_eq!(people[p].status, FollowUpStatus::Pending, "{p}");
        assert!(people[p].invited_at.is_some() && people[p].link_expires_at.is_some());
    }
    assert_eq!(
        (
            logs.counts.accepted,
            logs.counts.signed_in,
            logs.counts.pending
        ),
        (2, 1, 4)
    );
    for other in &reports[1..] {
        assert_eq!(
            other.counts, logs.counts,
            "{:?} counts like the logs",
            other.source
        );
        for (a, b) in logs.people.iter().zip(&other.people) {
            assert_eq!(
                (&a.email, a.status, &a.accepted_at, &a.last_login),
                (&b.email, b.status, &b.accepted_at, &b.last_login),
                "{:?} says the same of {}",
                other.source,
                a.email
            );
        }
    }
    // The service's check reads the cheapest source (the logs, for a batch this young) and
    // journals it: History's view needs no tenant.
    let checked = w
        .service
        .check_follow_up(&batch_id, None, false, false)
        .await
        .unwrap();
    assert_eq!(checked.source, FollowUpSource::Logs);
    assert_eq!(checked.counts, logs.counts);
    let listed = w.service.history().unwrap();
    let counted = listed[0]
        .follow_up
        .as_ref()
        .expect("History has the last check's counts");
    assert_eq!(
        (counted.accepted, counted.signed_in, counted.pending),
        (2, 1, 4)
    );
    let offline = w.service.follow_up_offline(&batch_id).unwrap();
    assert_eq!(offline.source, FollowUpSource::Journal);
    assert_eq!(offline.counts, logs.counts);
    assert!(offline.checked_at.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reminders_go_to_exactly_the_pending_their_links_work_and_the_limit_holds() {
    let w = world();
    let batch_id = w.run(w.batch(4, InviteMode::PasswordChange, 3600)).await;
    let links = w.links(&w.links_file());
    w.accept(&links["p0@example.com"]).await;

    let action = w
        .wave(&batch_id, FollowUpKind::Reminder, Selection::Everyone)
        .await
        .unwrap();
    assert_eq!(
        (action.delivered, action.accepted_meanwhile, action.failed),
        (3, 0, 0)
    );
    let reminded = w.wave_links("reminder");
    let mut who: Vec<&str> = reminded.keys().map(String::as_str).collect();
    who.sort_unstable();
    assert_eq!(who, ["p1@example.com", "p2@example.com", "p3@example.com"]);
    for (email, link) in &reminded {
        assert_ne!(
            Some(link),
            links.get(email),
            "{email}: a reminder carries a new link"
        );
    }
    // The reminder's link works; so does the first one, until it expires.
    w.accept(&reminded["p1@example.com"]).await;
    w.accept(&links["p2@example.com"]).await;
    let report = w
        .service
        .check_follow_up(&batch_id, None, false, false)
        .await
        .unwrap();
    let people = by_email(&report);
    assert_eq!(people["p1@example.com"].status, FollowUpStatus::Accepted);
    assert_eq!(people["p2@example.com"].status, FollowUpStatus::Accepted);
    assert_eq!(people["p3@example.com"].status, FollowUpStatus::Pending);
    assert_eq!(people["p3@example.com"].reminders, 1);
    assert_eq!(people["p0@example.com"].reminders, 0);
    // The wave is an action on people, not a batch of History's.
    let history = w.service.history().unwrap();
    assert_eq!(history.len(), 1, "{history:?}");

    // A second reminder, then the limit (2) holds whoever asks.
    w.wave(&batch_id, FollowUpKind::Reminder, Selection::Everyone)
        .await
        .unwrap();
    let refused = w
        .wave(
            &batch_id,
            FollowUpKind::Reminder,
            Selection::Only(vec!["p3@example.com".into()]),
        )
        .await
        .unwrap_err();
    assert!(
        refused.message.contains("the most this batch sends"),
        "{}",
        refused.message
    );
    let nobody = w
        .wave(&batch_id, FollowUpKind::Reminder, Selection::Everyone)
        .await
        .unwrap();
    assert_eq!(nobody.delivered, 0);
    assert!(nobody.batch_id.is_empty(), "no wave for nobody");
    let refused = w
        .wave(
            &batch_id,
            FollowUpKind::Reminder,
            Selection::Only(vec!["p0@example.com".into()]),
        )
        .await
        .unwrap_err();
    assert!(
        refused.message.contains("is accepted"),
        "{}",
        refused.message
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn someone_who_accepts_between_the_check_and_the_send_gets_no_reminder() {
    let w = world();
    let batch_id = w.run(w.batch(3, InviteMode::PasswordChange, 3600)).await;
    let links = w.links(&w.links_file());
    let late = links["p1@example.com"].clone();
    let tickets_before = w
        .sandbox(|sb| {
            sb.tickets()
                .iter()
                .filter(|t| t.email.as_deref() == Some("p1@example.com"))
                .count()
        })
        .await;
    // When the wave starts (after its check chose whom to remind), p1 uses the first link.
    let on_demand = w.sandbox.0.clone();
    let sink: crate::run::EventSink = Arc::new(move |event| {
        if matches!(event, RunEvent::Started { .. }) {
            on_demand
                .try_with_running(|sb| sb.use_link(&late, PASSWORD).unwrap())
                .unwrap();
        }
    });
    let action = w
        .service
        .follow_up(
            &batch_id,
            FollowUpKind::Reminder,
            &Selection::Everyone,
            None,
            RunRequest::app(false),
            sink,
        )
        .await
        .unwrap();
    assert_eq!((action.delivered, action.accepted_meanwhile), (2, 1));
    let reminded = w.wave_links("reminder");
    assert!(
        !reminded.contains_key("p1@example.com"),
        "no reminder for who accepted meanwhile"
    );
    let tickets_after = w
        .sandbox(|sb| {
            sb.tickets()
                .iter()
                .filter(|t| t.email.as_deref() == Some("p1@example.com"))
                .count()
        })
        .await;
    assert_eq!(tickets_after, tickets_before, "not even a new ticket");
    let report = w
        .service
        .check_follow_up(&batch_id, None, false, false)
        .await
        .unwrap();
    assert_eq!(by_email(&report)["p1@example.com"].reminders, 0);
    assert_eq!(
        by_email(&report)["p1@example.com"].status,
        FollowUpStatus::Accepted
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_links_get_new_ones_that_work_and_reminders_skip_them() {
    let w = world();
    let batch_id = w.run(w.batch(3, InviteMode::PasswordChange, 2)).await;
    let links = w.links(&w.links_file());
    w.accept(&links["p0@example.com"]).await;
    tokio::time::sleep(std::time::Duration::from_millis(2300)).await;
    let report = w
        .service
        .check_follow_up(&batch_id, None, false, false)
        .await
        .unwrap();
    let people = by_email(&report);
    assert_eq!(people["p0@example.com"].status, FollowUpStatus::Accepted);
    assert_eq!(people["p1@example.com"].status, FollowUpStatus::Expired);
    assert_eq!(report.counts.expired, 2);
    let refused = w
        .sandbox(|sb| sb.use_link(&links["p1@example.com"], PASSWORD))
        .await;
    assert!(refused.is_err(), "the sandbox refuses an expired link");

    let reminders = w
        .wave(&batch_id, FollowUpKind::Reminder, Selection::Everyone)
        .await
        .unwrap();
    assert_eq!(reminders.delivered, 0, "the expired are not pending");
    let reissued = w
        .wave(&batch_id, FollowUpKind::Reissue, Selection::Everyone)
        .await
        .unwrap();
    assert_eq!(reissued.delivered, 2);
    let fresh = w.wave_links("reissue");
    assert_eq!(fresh.len(), 2);
    w.accept(&fresh["p1@example.com"]).await;
    let report = w
        .service
        .check_follow_up(&batch_id, None, false, false)
        .await
        .unwrap();
    let people = by_email(&report);
    assert_eq!(people["p1@example.com"].status, FollowUpStatus::Accepted);
    assert_eq!(people["p1@example.com"].reissues, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn email_verification_batches_follow_up_from_logs_and_reads_alike() {
    let w = world();
    let batch_id = w.run(w.batch(3, InviteMode::EmailVerification, 3600)).await;
    let links = w.links(&w.links_file());
    assert!(links["p0@example.com"].contains("/u/email-verification"));
    w.accept(&links["p0@example.com"]).await;
    for source in [FollowUpSource::Logs, FollowUpSource::Users] {
        let report = w
            .service
            .check_follow_up_from(&batch_id, None, false, Some(source), false)
            .await
            .unwrap();
        let people = by_email(&report);
        assert_eq!(
            people["p0@example.com"].status,
            FollowUpStatus::Accepted,
            "{source:?}"
        );
        assert_eq!(
            people["p1@example.com"].status,
            FollowUpStatus::Pending,
            "{source:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acceptance_is_written_back_to_app_metadata_when_the_batch_asks() {
    let w = world();
    let mut batch = w.batch(2, InviteMode::PasswordChange, 3600);
    batch.follow_up.mark_accepted = true;
    let batch_id = w.run(batch).await;
    let links = w.links(&w.links_file());
    w.accept(&links["p0@example.com"]).await;
    // A dry run writes nothing.
    w.service
        .check_follow_up(&batch_id, None, true, false)
        .await
        .unwrap();
    let status = |users: Vec<serde_json::Value>, email: &str| {
        users
            .into_iter()
            .find(|u| u["email"] == email)
            .map(|u| u["app_metadata"]["invitation"]["status"].clone())
            .unwrap()
    };
    assert_eq!(
        status(w.sandbox(|sb| sb.users()).await, "p0@example.com"),
        "invited"
    );
    w.service
        .check_follow_up(&batch_id, None, false, false)
        .await
        .unwrap();
    let users = w.sandbox(|sb| sb.users()).await;
    assert_eq!(status(users.clone(), "p0@example.com"), "accepted");
    assert_eq!(status(users, "p1@example.com"), "invited");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn organization_invitations_are_accepted_when_the_member_joins_by_logs_and_by_reads() {
    let w = world();
    // The sandbox's organization, through the tenant check the Invitation step makes.
    let report = w.service.check_tenant(&w.target(), None).await.unwrap();
    let org = report.organizations[0].id.clone();
    let mut batch = w.batch(3, InviteMode::Organization, 3600);
    batch.invitation.organization_id = Some(org);
    batch.invitation.client_id = Some("app-1".into());
    let batch_id = w.run(batch).await;
    let links = w.links(&w.links_file());
    assert!(links["p0@example.com"].contains("/login?invitation="));
    let link = links["p0@example.com"].clone();
    w.sandbox(move |sb| sb.accept_invitation(&link, PASSWORD).unwrap())
        .await;
    for source in [FollowUpSource::Logs, FollowUpSource::Users] {
        let report = w
            .service
            .check_follow_up_from(&batch_id, None, false, Some(source), false)
            .await
            .unwrap();
        let people = by_email(&report);
        assert_eq!(
            people["p0@example.com"].status,
            FollowUpStatus::Accepted,
            "{source:?}"
        );
        assert!(
            people["p0@example.com"].last_login.is_some(),
            "{source:?}: joining signs in"
        );
        assert_eq!(
            people["p1@example.com"].status,
            FollowUpStatus::Pending,
            "{source:?}"
        );
    }
    // A reminder is a new invitation to the pending only.
    let action = w
        .wave(&batch_id, FollowUpKind::Reminder, Selection::Everyone)
        .await
        .unwrap();
    assert_eq!((action.delivered, action.accepted_meanwhile), (2, 0));
    let fresh = w.wave_links("reminder");
    let link = fresh["p1@example.com"].clone();
    w.sandbox(move |sb| sb.accept_invitation(&link, PASSWORD).unwrap())
        .await;
    let report = w
        .service
        .check_follow_up(&batch_id, None, false, false)
        .await
        .unwrap();
    assert_eq!(
        by_email(&report)["p1@example.com"].status,
        FollowUpStatus::Accepted
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wave_stopped_midway_and_resumed_later_looks_again_before_each_new_link() {
    let w = world();
    let batch_id = w.run(w.batch(3, InviteMode::PasswordChange, 3600)).await;
    let links = w.links(&w.links_file());
    let request = RunRequest::app(false);
    let control = request.control.clone();
    // The wave stops (cancelled) right after p1 was looked up, before their new link.
    let sink: crate::run::EventSink = Arc::new(move |event| {
        if let RunEvent::Person { email, state, .. } = &event
            && email == "p1@example.com"
            && *state == crate::journal::PersonState::Existing
        {
            control.cancel();
        }
    });
    let stopped = w
        .service
        .follow_up(
            &batch_id,
            FollowUpKind::Reminder,
            &Selection::Everyone,
            None,
            request,
            sink,
        )
        .await
        .unwrap();
    assert!(stopped.not_started > 0, "{stopped:?}");
    let wave = stopped.batch_id.clone();
    let p1 = |w: &World| {
        w.service
            .lock_journal()
            .person(&wave, "p1@example.com")
            .unwrap()
            .unwrap()
            .state
    };
    assert_eq!(p1(&w), crate::journal::PersonState::Existing);
    assert_eq!(
        w.service
            .unfinished_wave(&batch_id, FollowUpKind::Reminder)
            .unwrap(),
        None,
        "a wave the admin cancelled is not taken up again by the next Remind on its own"
    );
    let tickets = w
        .sandbox(|sb| {
            sb.tickets()
                .iter()
                .filter(|t| t.email.as_deref() == Some("p1@example.com"))
                .count()
        })
        .await;
    // Days later p1 uses the first link; the wave is then resumed (History, `invite-desk resume`).
    w.accept(&links["p1@example.com"]).await;
    w.service
        .resume_run(
            &wave,
            RetryChoice::default(),
            RunRequest::app(false),
            Arc::new(|_| {}),
        )
        .await
        .unwrap();
    assert_eq!(
        p1(&w),
        crate::journal::PersonState::Skipped,
        "accepted meanwhile: no new link"
    );
    let after = w
        .sandbox(|sb| {
            sb.tickets()
                .iter()
                .filter(|t| t.email.as_deref() == Some("p1@example.com"))
                .count()
        })
        .await;
    assert_eq!(after, tickets, "no ticket made for p1");
}
