//! The runner end to end against the sandbox tenant and a real SMTP server on loopback: faults on,
//! policies for existing users, cancel and resume, bulk import jobs. Every check goes through the
//! sandbox's inspection API and the mail the server received, never through the runner's own word.

#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

use std::collections::{HashMap, HashSet};
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use invite_desk_auth0::models::CreateUser;
use invite_desk_auth0::{ClientOptions, Credentials, ManagementClient, TenantUrl};
use invite_desk_engine::batch::{
    BatchFile, Delivery, ExistingPolicy, InvitationSettings, InviteMode,
};
use invite_desk_engine::journal::{Journal, PersonState};
use invite_desk_engine::roster::Person;
use invite_desk_engine::run::RunStatus;
use invite_desk_engine::run::{
    self, ResultStatus, RunControl, RunEvent, RunOptions, RunOutcome, RunSetup, RunTarget,
};
use invite_desk_sandbox::{FaultSpec, Sandbox, SandboxConfig};
use invite_desk_testkit::{SmtpOptions, SmtpServer, recipient};
use serde_json::Value;

const DB: &str = "Username-Password-Authentication";

async fn sandbox(config: SandboxConfig) -> Sandbox {
    Sandbox::start(config, SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
        .await
        .unwrap()
}

fn client_for(sandbox: &Sandbox) -> Arc<ManagementClient> {
    Arc::new(
        ManagementClient::new(
            TenantUrl::parse(sandbox.base_url()).unwrap(),
            Credentials {
                client_id: sandbox.config().client_id.clone(),
                client_secret: sandbox.config().client_secret.clone().into(),
            },
            ClientOptions {
                min_backoff: Duration::from_millis(20),
                max_backoff: Duration::from_millis(400),
                max_retries: 10,
                ..ClientOptions::default()
            },
        )
        .unwrap(),
    )
}

fn person(line: u64, email: &str) -> Person {
    Person {
        line,
        email: email.into(),
        given_name: Some(format!("Given{line}")),
        family_name: Some("Person".into()),
        name: None,
        roles: Vec::new(),
        app_metadata: serde_json::Map::new(),
        user_metadata: serde_json::Map::new(),
        locale: None,
        external_id: None,
    }
}

fn people(n: u64) -> Vec<Person> {
    (0..n)
        .map(|i| person(i + 2, &format!("person{i:05}@example.com")))
        .collect()
}

fn batch(id: &str, people: Vec<Person>, delivery: Delivery) -> BatchFile {
    let mut invitation = InvitationSettings::new(DB);
    invitation.result_url = Some("https://app.example.com/welcome".into());
    invitation.hash_params = Some("type=invite".into());
    let mut batch = BatchFile::new(people, invitation, delivery);
    batch.id = id.into();
    batch
}

fn smtp_delivery(server: &SmtpServer) -> Delivery {
    Delivery::Smtp {
        url: server.url(),
        from: "it@example.com".into(),
        reply_to: None,
    }
}

struct Harness {
    journal: Arc<parking_lot::Mutex<Journal>>,
    _dir: tempfile::TempDir,
}

impl Harness {
    fn new() -> Harness {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::open(&dir.path().join("journal.sqlite")).unwrap();
        Harness {
            journal: Arc::new(parking_lot::Mutex::new(journal)),
            _dir: dir,
        }
    }

    fn record(&self, batch: &BatchFile, sandbox: &Sandbox) {
        run::record_batch(
            &mut run::lock(&self.journal),
            batch,
            &RunTarget {
                domain: sandbox.base_url().into(),
                client_id: sandbox.config().client_id.clone(),
                profile: None,
            },
        )
        .unwrap();
    }

    async fn execute(
        &self,
        batch: &BatchFile,
        client: Arc<ManagementClient>,
        control: RunControl,
        options: RunOptions,
        events: Arc<Mutex<Vec<RunEvent>>>,
    ) -> RunOutcome {
        run::execute(
            RunSetup {
                client,
                journal: self.journal.clone(),
                batch: batch.clone(),
                deliverer: run::deliver::for_batch(batch, Default::default()).unwrap(),
                signing_key: None,
                token_issuer: "invite-desk:test".into(),
                control,
                options,
                known: Default::default(),
            },
            Arc::new(move |e| events.lock().unwrap().push(e)),
        )
        .await
        .unwrap()
    }

    /// A plain run: a fresh control, the fast options, events not kept.
    async fn run(&self, batch: &BatchFile, client: Arc<ManagementClient>) -> RunOutcome {
        self.execute(
            batch,
            client,
            RunControl::new(),
            fast_options(),
            Arc::new(Mutex::new(Vec::new())),
        )
        .await
    }
}

fn fast_options() -> RunOptions {
    RunOptions {
        job_poll: Duration::from_millis(50),
        ..RunOptions::default()
    }
}

/// Users per email in the sandbox (every one must be 1), and the tickets per user id.
fn tenant_view(sandbox: &Sandbox) -> (HashMap<String, usize>, HashMap<String, usize>) {
    let mut users = HashMap::new();
    for user in sandbox.users() {
        let email = user["email"].as_str().unwrap().to_owned();
        *users.entry(email).or_default() += 1;
    }
    let mut tickets = HashMap::new();
    for t in sandbox.tickets() {
        *tickets.entry(t.user_id).or_default() += 1;
    }
    (users, tickets)
}

/// Recipient address → the links found in the messages they got.
fn mail_view(server: &SmtpServer) -> HashMap<String, Vec<String>> {
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for raw in server.messages() {
        let address = recipient(&raw);
        let parsed = mailparse::parse_mail(&raw).unwrap();
        let text = parsed
            .subparts
            .iter()
            .find(|p| p.ctype.mimetype == "text/plain")
            .map(|p| p.get_body().unwrap())
            .unwrap_or_else(|| parsed.get_body().unwrap());
        let links: Vec<String> = text
            .split_whitespace()
            .filter(|w| w.contains("ticket="))
            .map(str::to_owned)
            .collect();
        out.entry(address).or_default().extend(links);
    }
    out
}

fn assert_invited_exactly_once(
    sandbox: &Sandbox,
    server: &SmtpServer,
    emails: &[String],
    outcome_results: &[run::PersonResult],
) {
    let (users, tickets) = tenant_view(sandbox);
    let mails = mail_view(server);
    let by_email: HashMap<String, Value> = sandbox
        .users()
        .into_iter()
        .map(|u| (u["email"].as_str().unwrap().to_owned(), u))
        .collect();
    let issued: HashSet<String> = sandbox.tickets().into_iter().map(|t| t.url).collect();
    for email in emails {
        let result = outcome_results.iter().find(|r| &r.email == email).unwrap();
        assert_eq!(result.status, ResultStatus::Invited, "{result:?}");
        assert_eq!(users.get(email), Some(&1), "{email}: users in the tenant");
        let links = mails.get(email).cloned().unwrap_or_default();
        assert_eq!(links.len(), 1, "{email}: mails received: {links:?}");
        let link = &links[0];
        assert!(link.ends_with("#type=invite"), "{link}");
        let ticket = link.trim_end_matches("type=invite");
        assert!(
            issued.contains(ticket),
            "{email}: the mailed link is a ticket the tenant issued"
        );
        let user = &by_email[email];
        let id = user["user_id"].as_str().unwrap();
        assert!(tickets.get(id).copied().unwrap_or(0) >= 1);
        assert_eq!(
            user["app_metadata"]["invitation"]["status"], "invited",
            "{email}: {user}"
        );
        assert_eq!(result.user_id.as_deref(), Some(id));
    }
    assert_eq!(mails.len(), emails.len(), "nobody else got mail");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_under_faults_invites_everyone_exactly_once() {
    let sb = sandbox(SandboxConfig {
        rate_limit: 40.0,
        burst: 10,
        token_ttl: Duration::from_secs(30),
        faults: FaultSpec::parse("503=0.05,drop=0.05,slow=0.02@300ms,expire=0.01").unwrap(),
        seed: 7,
        ..SandboxConfig::default()
    })
    .await;
    let server = SmtpServer::start(SmtpOptions::default());
    let harness = Harness::new();
    let list = people(60);
    let b = batch("faults", list.clone(), smtp_delivery(&server));
    harness.record(&b, &sb);
    let events = Arc::new(Mutex::new(Vec::new()));
    let outcome = harness
        .execute(
            &b,
            client_for(&sb),
            RunControl::new(),
            fast_options(),
            events.clone(),
        )
        .await;
    assert_eq!(outcome.status, RunStatus::Finished);
    let emails: Vec<String> = list.iter().map(|p| p.email.clone()).collect();
    assert_invited_exactly_once(&sb, &server, &emails, &outcome.results);
    let counters = sb.counters();
    assert!(
        counters.faults_503 + counters.faults_dropped > 5,
        "the faults really happened: {counters:?}"
    );
    assert!(
        counters.rate_limited > 0 || counters.token_requests > 1,
        "{counters:?}"
    );
    let events = events.lock().unwrap();
    assert!(matches!(
        events.first(),
        Some(RunEvent::Started { total: 60, .. })
    ));
    assert!(matches!(
        events.last(),
        Some(RunEvent::Finished { failed: 0, .. })
    ));
    let delivered_events = events
        .iter()
        .filter(|e| {
            matches!(
                e,
                RunEvent::Person {
                    state: PersonState::Delivered,
                    ..
                }
            )
        })
        .count();
    assert_eq!(delivered_events, 60);
    assert!(events.iter().any(|e| matches!(e, RunEvent::Progress(_))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn existing_users_follow_the_policy_and_bad_rows_fail_alone() {
    let sb = sandbox(SandboxConfig::default()).await;
    let server = SmtpServer::start(SmtpOptions::default());
    let client = client_for(&sb);
    for email in ["old1@example.com", "old2@example.com"] {
        client
            .create_user(&CreateUser {
                connection: DB.into(),
                email: email.into(),
                password: Some("Correct-Horse-9".to_owned().into()),
                ..CreateUser::default()
            })
            .await
            .unwrap();
    }
    let mut list = vec![
        person(2, "old1@example.com"),
        person(3, "new1@example.com"),
        person(4, "old2@example.com"),
    ];
    let mut with_bad_role = person(5, "new2@example.com");
    with_bad_role.roles = vec!["no-such-role".into()];
    list.push(with_bad_role);

    for (policy, expected_old, old_mail) in [
        (ExistingPolicy::Skip, ResultStatus::Skipped, false),
        (ExistingPolicy::Grant, ResultStatus::Granted, false),
        (ExistingPolicy::Reinvite, ResultStatus::Invited, true),
    ] {
        let harness = Harness::new();
        let server = SmtpServer::start(SmtpOptions::default());
        let mut b = batch(&format!("{policy:?}"), list.clone(), smtp_delivery(&server));
        b.invitation.existing = policy;
        // New people of later rounds already exist: only the first round creates them.
        harness.record(&b, &sb);
        let outcome = harness.run(&b, client.clone()).await;
        let status = |email: &str| {
            outcome
                .results
                .iter()
                .find(|r| r.email == email)
                .unwrap()
                .clone()
        };
        assert_eq!(
            status("old1@example.com").status,
            expected_old,
            "{policy:?}"
        );
        let bad = status("new2@example.com");
        assert_eq!(bad.status, ResultStatus::Failed);
        assert!(
            bad.error.as_deref().unwrap().contains("no-such-role"),
            "{bad:?}"
        );
        let mails = mail_view(&server);
        assert_eq!(
            mails.contains_key("old1@example.com"),
            old_mail,
            "{policy:?}"
        );
        let old = sb
            .users()
            .into_iter()
            .find(|u| u["email"] == "old1@example.com")
            .unwrap();
        if policy == ExistingPolicy::Skip {
            assert!(old["app_metadata"]["invitation"].is_null());
        } else {
            let expected = if policy == ExistingPolicy::Grant {
                "granted"
            } else {
                "invited"
            };
            assert_eq!(old["app_metadata"]["invitation"]["status"], expected);
        }
        if policy == ExistingPolicy::Skip {
            assert_eq!(status("new1@example.com").status, ResultStatus::Invited);
        }
    }
    drop(server);
    let (users, _) = tenant_view(&sb);
    assert!(users.values().all(|n| *n == 1), "{users:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_run_resumes_without_doing_anything_twice() {
    let sb = sandbox(SandboxConfig {
        rate_limit: 30.0,
        burst: 5,
        ..SandboxConfig::default()
    })
    .await;
    let server = SmtpServer::start(SmtpOptions::default());
    let harness = Harness::new();
    let list = people(40);
    let b = batch("cancel", list.clone(), smtp_delivery(&server));
    harness.record(&b, &sb);
    let control = RunControl::new();
    let events = Arc::new(Mutex::new(Vec::new()));
    let stopper = {
        let control = control.clone();
        let events = events.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(20)).await;
                let delivered = events
                    .lock()
                    .unwrap()
                    .iter()
                    .filter(|e: &&RunEvent| {
                        matches!(
                            e,
                            RunEvent::Person {
                                state: PersonState::Delivered,
                                ..
                            }
                        )
                    })
                    .count();
                if delivered >= 10 {
                    control.cancel();
                    return;
                }
            }
        })
    };
    let first = harness
        .execute(&b, client_for(&sb), control, fast_options(), events)
        .await;
    stopper.await.unwrap();
    assert_eq!(first.status, RunStatus::Cancelled);
    let unfinished = first
        .results
        .iter()
        .filter(|r| r.status == ResultStatus::Failed)
        .count();
    assert!(unfinished > 0, "the cancel came before the end");
    assert_eq!(
        run::lock(&harness.journal).batches().unwrap()[0].status,
        invite_desk_engine::journal::BatchStatus::Cancelled
    );

    let second = harness.run(&b, client_for(&sb)).await;
    assert_eq!(second.status, RunStatus::Finished);
    let emails: Vec<String> = list.iter().map(|p| p.email.clone()).collect();
    assert_invited_exactly_once(&sb, &server, &emails, &second.results);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_import_jobs_create_5000_people_once_and_map_errors_back() {
    let sb = sandbox(SandboxConfig {
        rate_limit: 2000.0,
        burst: 200,
        import_time_per_user: Duration::from_micros(20),
        ..SandboxConfig::default()
    })
    .await;
    let client = client_for(&sb);
    // Someone already in the tenant, found by the look-ups and skipped.
    client
        .create_user(&CreateUser {
            connection: DB.into(),
            email: "person00007@example.com".into(),
            password: Some("Correct-Horse-9".to_owned().into()),
            ..CreateUser::default()
        })
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let links = dir.path().join("links.csv");
    let harness = Harness::new();
    let list = people(5000);
    let b = batch(
        "bulk",
        list.clone(),
        Delivery::ExportLinks {
            file: links.to_string_lossy().into_owned(),
        },
    );
    harness.record(&b, &sb);
    let events = Arc::new(Mutex::new(Vec::new()));
    let outcome = harness
        .execute(
            &b,
            client.clone(),
            RunControl::new(),
            RunOptions {
                concurrency: 16,
                bulk_threshold: 100,
                import_file_bytes: 120_000,
                ..fast_options()
            },
            events.clone(),
        )
        .await;
    assert_eq!(outcome.status, RunStatus::Finished);
    assert_eq!(outcome.failed(), 0);
    let events = events.lock().unwrap();
    assert!(matches!(
        &events[0],
        RunEvent::Started {
            creation: invite_desk_engine::run::Creation::Bulk,
            ..
        }
    ));
    let jobs: HashSet<&str> = events
        .iter()
        .filter_map(|e| match e {
            RunEvent::Job { job_id, .. } => Some(job_id.as_str()),
            _ => None,
        })
        .collect();
    assert!(
        jobs.len() >= 5,
        "several files under the size limit: {}",
        jobs.len()
    );
    let (users, tickets) = tenant_view(&sb);
    assert_eq!(users.len(), 5000);
    assert!(users.values().all(|n| *n == 1));
    assert_eq!(
        sb.counters().users_created,
        5000,
        "4999 by import jobs, 1 before the batch"
    );
    let skipped = outcome
        .results
        .iter()
        .filter(|r| r.status == ResultStatus::Skipped)
        .count();
    assert_eq!(skipped, 1);
    assert_eq!(tickets.len(), 4999);
    let written = std::fs::read_to_string(outcome.links_file.unwrap()).unwrap();
    assert_eq!(written.lines().count(), 5000, "header + 4999 links");
    assert!(!written.contains("person00007@example.com"));
    check_links_are_issued(&sb, &written);
}

fn check_links_are_issued(sb: &Sandbox, csv_text: &str) {
    let issued: HashSet<String> = sb.tickets().into_iter().map(|t| t.url).collect();
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    for row in reader.records() {
        let row = row.unwrap();
        let link = row.get(2).unwrap();
        assert!(
            issued.contains(link.trim_end_matches("type=invite")),
            "{link}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_errors_are_mapped_back_to_their_people() {
    let sb = sandbox(SandboxConfig::default()).await;
    let harness = Harness::new();
    let dir = tempfile::tempdir().unwrap();
    let mut list = people(30);
    // The sandbox refuses this address in an import file (as Auth0's schema check does) while the
    // roster accepted it: that person must fail alone, with the job's reason.
    list[3].email = "no-at-sign.example.com".into();
    let b = batch(
        "import-errors",
        list,
        Delivery::Outbox {
            dir: dir.path().join("outbox").to_string_lossy().into_owned(),
            from: None,
        },
    );
    harness.record(&b, &sb);
    let outcome = harness
        .execute(
            &b,
            client_for(&sb),
            RunControl::new(),
            RunOptions {
                bulk_threshold: 10,
                ..fast_options()
            },
            Arc::new(Mutex::new(Vec::new())),
        )
        .await;
    let failed: Vec<_> = outcome
        .results
        .iter()
        .filter(|r| r.status == ResultStatus::Failed)
        .collect();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert!(
        failed[0].error.as_deref().unwrap().contains("FORMAT"),
        "{failed:?}"
    );
    assert_eq!(
        std::fs::read_dir(dir.path().join("outbox"))
            .unwrap()
            .count(),
        29
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn organization_invitations_are_created_once_and_mailed_or_left_to_auth0() {
    let sb = sandbox(SandboxConfig::default()).await;
    let client = client_for(&sb);
    let organization = client.list_organizations().await.unwrap()[0].id.clone();
    let server = SmtpServer::start(SmtpOptions::default());
    for (id, delivery) in [
        ("org-smtp", smtp_delivery(&server)),
        ("org-auth0", Delivery::Auth0),
    ] {
        let harness = Harness::new();
        let prefix = id.trim_start_matches("org-");
        let list: Vec<Person> = (0..5)
            .map(|i| person(i + 2, &format!("{prefix}{i}@example.com")))
            .collect();
        let mut b = batch(id, list.clone(), delivery);
        b.invitation.mode = InviteMode::Organization;
        b.invitation.result_url = None;
        b.invitation.organization_id = Some(organization.clone());
        b.invitation.client_id = Some("portal-app".into());
        b.invitation.ttl_secs = 3 * 86_400;
        harness.record(&b, &sb);
        let outcome = harness.run(&b, client.clone()).await;
        assert_eq!(outcome.failed(), 0, "{:?}", outcome.results);
        assert!(
            outcome
                .results
                .iter()
                .all(|r| r.status == ResultStatus::Invited && r.user_id.is_none())
        );
    }
    assert!(sb.users().is_empty(), "invitations create no user");
    // Mail only for the batch Invite Desk delivers, one per person, with the invitation link.
    let mut per_recipient: HashMap<String, usize> = HashMap::new();
    for raw in server.messages() {
        let text = String::from_utf8_lossy(&raw).into_owned();
        assert!(
            text.contains("invitation="),
            "the organization link is in the mail"
        );
        *per_recipient.entry(recipient(&raw)).or_default() += 1;
    }
    assert_eq!(per_recipient.len(), 5, "{per_recipient:?}");
    assert!(per_recipient.keys().all(|a| a.starts_with("smtp")));
    assert!(per_recipient.values().all(|n| *n == 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_failed_takes_people_back_to_the_step_that_failed_not_to_the_look_up() {
    let sb = sandbox(SandboxConfig::default()).await;
    let server = SmtpServer::start(SmtpOptions {
        down: true,
        ..SmtpOptions::default()
    });
    let harness = Harness::new();
    let people = people(10);
    let emails: Vec<String> = people.iter().map(|p| p.email.clone()).collect();
    let batch = batch("b-retry", people, smtp_delivery(&server));
    harness.record(&batch, &sb);
    // The breaker off: every person fails on their own, after their account was created.
    let no_breaker = RunOptions {
        breaker_threshold: usize::MAX,
        ..fast_options()
    };
    let events = Arc::new(Mutex::new(Vec::new()));
    let first = harness
        .execute(
            &batch,
            client_for(&sb),
            RunControl::new(),
            no_breaker.clone(),
            events,
        )
        .await;
    assert_eq!(first.status, RunStatus::Finished);
    assert_eq!(first.failed(), 10);
    assert!(first.results.iter().all(|r| r.user_id.is_some()));
    assert_eq!(tenant_view(&sb).0.len(), 10, "the accounts were created");

    server.come_back();
    let retried = run::lock(&harness.journal).retry_failed("b-retry").unwrap();
    assert_eq!(retried, 10);
    let states: Vec<PersonState> = run::lock(&harness.journal)
        .people("b-retry")
        .unwrap()
        .iter()
        .map(|p| p.state)
        .collect();
    assert!(
        states.iter().all(|s| *s == PersonState::Ticketed),
        "back to the step that failed: {states:?}"
    );
    let second = harness.run(&batch, client_for(&sb)).await;
    assert_invited_exactly_once(&sb, &server, &emails, &second.results);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mail_server_refusing_everyone_stops_the_run_after_a_few_and_resume_finishes_it() {
    let sb = sandbox(SandboxConfig::default()).await;
    let server = SmtpServer::start(SmtpOptions {
        down: true,
        ..SmtpOptions::default()
    });
    let harness = Harness::new();
    let people = people(60);
    let emails: Vec<String> = people.iter().map(|p| p.email.clone()).collect();
    let batch = batch("b-breaker", people, smtp_delivery(&server));
    harness.record(&batch, &sb);
    let events = Arc::new(Mutex::new(Vec::new()));
    let options = RunOptions {
        concurrency: 2,
        ..fast_options()
    };
    let stopped = harness
        .execute(
            &batch,
            client_for(&sb),
            RunControl::new(),
            options,
            events.clone(),
        )
        .await;
    assert_eq!(stopped.status, RunStatus::Interrupted);
    let cause = stopped
        .stopped_by
        .clone()
        .expect("the run says why it stopped");
    assert_eq!(
        cause.code,
        invite_desk_engine::ErrorCode::Network,
        "{cause:?}"
    );
    let failed = stopped
        .results
        .iter()
        .filter(|r| r.state == PersonState::Failed)
        .count();
    assert_eq!(failed, 0, "nobody is failed for the server's fault");
    let touched = tenant_view(&sb).0.len();
    assert!(
        touched < 10,
        "the run stopped after a few people, not all 60: {touched} created"
    );
    assert!(matches!(
        events.lock().unwrap().last(),
        Some(RunEvent::Finished {
            stopped_by: Some(_),
            ..
        })
    ));
    assert_eq!(
        run::lock(&harness.journal)
            .batch("b-breaker")
            .unwrap()
            .status,
        invite_desk_engine::journal::BatchStatus::Interrupted
    );

    server.come_back();
    let resumed = harness.run(&batch, client_for(&sb)).await;
    assert_eq!(resumed.status, RunStatus::Finished);
    assert_invited_exactly_once(&sb, &server, &emails, &resumed.results);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mail_whose_answer_is_lost_ends_unconfirmed_and_is_not_sent_again() {
    let sb = sandbox(SandboxConfig::default()).await;
    let server = SmtpServer::start(SmtpOptions::default());
    let harness = Harness::new();
    let mut everyone = people(6);
    everyone[1].email = "vanish@example.com".into();
    let batch = batch("b-vanish", everyone, smtp_delivery(&server));
    harness.record(&batch, &sb);
    // One at a time, so the people after the lost answer go through the same pooled connections.
    let options = RunOptions {
        concurrency: 1,
        ..fast_options()
    };
    let events = Arc::new(Mutex::new(Vec::new()));
    let outcome = harness
        .execute(&batch, client_for(&sb), RunControl::new(), options, events)
        .await;
    assert_eq!(outcome.status, RunStatus::Finished);
    let vanished = outcome
        .results
        .iter()
        .find(|r| r.email == "vanish@example.com")
        .unwrap();
    assert_eq!(vanished.state, PersonState::Unconfirmed, "{vanished:?}");
    assert_eq!(
        vanished.error_code.map(|c| c.as_str()),
        Some("delivery_unconfirmed")
    );
    let mails = mail_view(&server);
    assert_eq!(
        mails["vanish@example.com"].len(),
        1,
        "the server has it, once"
    );
    for r in outcome
        .results
        .iter()
        .filter(|r| r.email != "vanish@example.com")
    {
        assert_eq!(r.state, PersonState::Delivered, "{r:?}");
        assert_eq!(mails[&r.email].len(), 1);
    }

    // Only when the admin says so (--resend-unconfirmed) does that person get a new link and mail.
    let again = harness.run(&batch, client_for(&sb)).await;
    assert_eq!(again.status, RunStatus::Finished);
    assert_eq!(
        mail_view(&server)["vanish@example.com"].len(),
        1,
        "a plain resume leaves them"
    );
    let moved = run::lock(&harness.journal)
        .retry_unconfirmed("b-vanish")
        .unwrap();
    assert_eq!(moved, 1);
    let first_link = mail_view(&server)["vanish@example.com"][0].clone();
    let resent = harness.run(&batch, client_for(&sb)).await;
    let links = mail_view(&server)["vanish@example.com"].clone();
    // The server still drops its answer for this address, so they are unconfirmed again; but a
    // second mail with a new link went out, and nobody else was touched.
    assert_eq!(links.len(), 2, "{links:?}");
    assert_ne!(links[1], first_link, "with a new link");
    assert_eq!(mail_view(&server).values().map(Vec::len).sum::<usize>(), 7);
    assert!(
        resent
            .results
            .iter()
            .filter(|r| r.email != "vanish@example.com")
            .all(|r| r.state == PersonState::Delivered)
    );
}

/// The signed result URL as the customer's application receives it: the token verifies with the
/// profile's key, issuer and the result page's origin; it names the user the ticket is for, lives no
/// longer than the link, and each token has its own id.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signed_result_urls_carry_a_token_the_application_can_check() {
    use invite_desk_engine::run::invitation_token;
    let sb = sandbox(SandboxConfig::default()).await;
    let harness = Harness::new();
    let dir = tempfile::tempdir().unwrap();
    let mut b = batch(
        "b-signed",
        people(3),
        Delivery::Outbox {
            dir: dir.path().join("outbox").to_string_lossy().into_owned(),
            from: None,
        },
    );
    b.invitation.sign_result_url = true;
    b.invitation.ttl_secs = 2 * 86_400;
    harness.record(&b, &sb);
    let key = invite_desk_auth0::SecretString::from("k".repeat(48));
    let issuer = invitation_token::issuer("acme.eu.auth0.com", Some("production"));
    let outcome = run::execute(
        RunSetup {
            client: client_for(&sb),
            journal: harness.journal.clone(),
            batch: b.clone(),
            deliverer: run::deliver::for_batch(&b, Default::default()).unwrap(),
            signing_key: Some(key.clone()),
            token_issuer: issuer.clone(),
            control: RunControl::new(),
            options: fast_options(),
            known: Default::default(),
        },
        Arc::new(|_| {}),
    )
    .await
    .unwrap();
    assert_eq!(outcome.failed(), 0, "{:?}", outcome.results);
    let tickets = sb.tickets();
    assert_eq!(tickets.len(), 3);
    let mut ids = HashSet::new();
    for ticket in &tickets {
        let result_url = url::Url::parse(ticket.result_url.as_deref().unwrap()).unwrap();
        assert_eq!(result_url.path(), "/welcome");
        let token = result_url
            .query_pairs()
            .find(|(k, _)| k == invitation_token::PARAMETER)
            .map(|(_, v)| v.into_owned())
            .unwrap();
        let claims =
            invitation_token::verify(&token, &key, &issuer, "https://app.example.com").unwrap();
        assert_eq!(claims.sub, ticket.user_id);
        assert_eq!(Some(claims.email.as_str()), ticket.email.as_deref());
        assert_eq!(claims.batch, "b-signed");
        assert!(
            claims.exp - claims.iat <= ticket.ttl_sec,
            "the token outlives the link"
        );
        assert!(ids.insert(claims.jti), "each token has its own id");
        assert!(
            invitation_token::verify(&token, &key, &issuer, "https://elsewhere.example").is_err(),
            "another page's audience is refused"
        );
    }
}

/// A tenant with 10 users the search index knows, 10 created just now (search and exports lag behind
/// them), and a batch of those 20 plus 40 new people, re-inviting existing users.
async fn lagging_tenant_and_batch(
    sb: &Sandbox,
    id: &str,
    server: &SmtpServer,
) -> (Vec<String>, BatchFile) {
    let client = client_for(sb);
    let create = |email: String| {
        let client = client.clone();
        async move {
            client
                .create_user(&CreateUser {
                    connection: DB.into(),
                    email,
                    password: Some("Correct-Horse-9".to_owned().into()),
                    ..CreateUser::default()
                })
                .await
                .unwrap();
        }
    };
    let old: Vec<String> = (0..10).map(|i| format!("old{i}@example.com")).collect();
    let fresh: Vec<String> = (0..10).map(|i| format!("fresh{i}@example.com")).collect();
    let new: Vec<String> = (0..40).map(|i| format!("new{i}@example.com")).collect();
    for email in &old {
        create(email.clone()).await;
    }
    tokio::time::sleep(sb.config().search_lag + Duration::from_millis(100)).await;
    for email in &fresh {
        create(email.clone()).await;
    }
    let everyone: Vec<String> = old.iter().chain(&fresh).chain(&new).cloned().collect();
    let list: Vec<Person> = everyone
        .iter()
        .enumerate()
        .map(|(i, e)| person(i as u64 + 2, e))
        .collect();
    let mut b = batch(id, list, smtp_delivery(server));
    b.invitation.existing = ExistingPolicy::Reinvite;
    (everyone, b)
}

/// The same batch with the tenant failing on top of its lag (503s, dropped answers, slow answers,
/// expired tokens), once through batched searches and once through an export job and imports:
/// still everyone invited exactly once and nobody created twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batched_look_ups_and_exports_under_faults_invite_everyone_once() {
    for (round, options) in [
        ("search", fast_options()),
        (
            "export",
            RunOptions {
                export_from: 3,
                bulk_threshold: 10,
                ..fast_options()
            },
        ),
    ] {
        let sb = sandbox(SandboxConfig {
            search_lag: Duration::from_millis(600),
            faults: FaultSpec::parse("503=0.05,drop=0.04,slow=0.02@300ms,expire=0.01").unwrap(),
            seed: 11,
            ..SandboxConfig::default()
        })
        .await;
        let server = SmtpServer::start(SmtpOptions::default());
        let (everyone, b) = lagging_tenant_and_batch(&sb, round, &server).await;
        let harness = Harness::new();
        harness.record(&b, &sb);
        let outcome = harness
            .execute(
                &b,
                client_for(&sb),
                RunControl::new(),
                options,
                Arc::new(Mutex::new(Vec::new())),
            )
            .await;
        assert_eq!(outcome.status, RunStatus::Finished, "{round}");
        assert_invited_exactly_once(&sb, &server, &everyone, &outcome.results);
        assert_eq!(sb.users().len(), 60, "{round}: nobody created twice");
        let counters = sb.counters();
        assert!(
            counters.faults_503 + counters.faults_dropped > 3,
            "{round}: the faults really happened: {counters:?}"
        );
    }
}

/// Look-ups by batched search, against a tenant whose search lags behind writes: people search
/// finds are existing users, people it misses are created straight away, and those it missed only
/// because of the lag (created moments before the run) answer 409 and are treated as existing —
/// each invited once, nobody created twice, and the calls counted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batched_look_ups_trust_search_only_for_whom_it_finds() {
    let sb = sandbox(SandboxConfig {
        search_lag: Duration::from_millis(600),
        ..SandboxConfig::default()
    })
    .await;
    let client = client_for(&sb);
    let server = SmtpServer::start(SmtpOptions::default());
    let (everyone, b) = lagging_tenant_and_batch(&sb, "lagging-search", &server).await;
    let harness = Harness::new();
    harness.record(&b, &sb);
    let (before, refused_before) = (sb.counters().requests, sb.counters().rate_limited);
    let outcome = harness.run(&b, client.clone()).await;
    // A request the rate limit refused is made again: counted once.
    let refused = sb.counters().rate_limited - refused_before;
    let made = sb.counters().requests - before - refused;
    assert!(refused <= 2, "{refused} requests refused");
    assert_invited_exactly_once(&sb, &server, &everyone, &outcome.results);
    // The tenant still holds the old and fresh users as they were (found, not re-created).
    assert_eq!(sb.users().len(), 60);
    // 2 searches for 60 people; 40 creates and tickets; 10 found: a stamp and a ticket each;
    // 10 missed by search: a create answered 409, a look-up by address, a stamp, a ticket; and
    // the connection check. One by one it would have been 60 look-ups instead of 2 searches.
    assert_eq!(made, 2 + 40 * 2 + 10 * 2 + 10 * 4 + 1, "requests made");
}

/// A large batch looked up through one export job (the threshold lowered here), users created by
/// import jobs: the export does not hold users created moments before (like search, it lags), so
/// the import finds them duplicated and the per-person pass treats them as existing — everyone
/// invited once, nobody created twice, and no look-up one by one for the rest.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_job_looks_a_large_batch_up_and_imports_catch_what_it_missed() {
    let sb = sandbox(SandboxConfig {
        search_lag: Duration::from_millis(600),
        ..SandboxConfig::default()
    })
    .await;
    let client = client_for(&sb);
    let server = SmtpServer::start(SmtpOptions::default());
    let (everyone, b) = lagging_tenant_and_batch(&sb, "export-lookup", &server).await;
    let harness = Harness::new();
    harness.record(&b, &sb);
    let before = sb.counters().requests;
    let events = Arc::new(Mutex::new(Vec::new()));
    let outcome = harness
        .execute(
            &b,
            client.clone(),
            RunControl::new(),
            RunOptions {
                export_from: 3,
                bulk_threshold: 10,
                ..fast_options()
            },
            events.clone(),
        )
        .await;
    let made = sb.counters().requests - before;
    assert_invited_exactly_once(&sb, &server, &everyone, &outcome.results);
    assert_eq!(sb.users().len(), 60);
    let bulk = events.lock().unwrap().iter().any(
        |e| matches!(e, RunEvent::Started { creation, .. } if *creation == run::Creation::Bulk),
    );
    assert!(bulk, "users were created by import jobs");
    // 60 tickets, 20 stamps, the 10 missed ones' reconciliation, a few job calls: no look-up per
    // person (that alone would be 60 more).
    assert!(made < 150, "{made} requests");
}

/// Subject, text part and visible HTML of a received message, decoded.
fn mail_parts(raw: &[u8]) -> (String, String, String) {
    let parsed = mailparse::parse_mail(raw).unwrap();
    let subject = parsed
        .headers
        .iter()
        .find(|h| h.get_key().eq_ignore_ascii_case("subject"))
        .map(|h| h.get_value())
        .unwrap_or_default();
    let part = |mime: &str| {
        parsed
            .subparts
            .iter()
            .find(|p| p.ctype.mimetype == mime)
            .map(|p| p.get_body().unwrap())
            .unwrap()
    };
    (subject, part("text/plain"), part("text/html"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn everyone_gets_their_invitation_in_their_language() {
    let sb = sandbox(SandboxConfig::default()).await;
    let server = SmtpServer::start(SmtpOptions::default());
    let list = invite_desk_engine::roster::read_text(
        "email,name,language\n\
         anna@example.de,Anna Schmidt,de-DE\n\
         luc@example.fr,Luc Martin,fr\n\
         sofia@example.es,Sofia Ruiz,es\n\
         zoe@example.com,Zoe Lane,\n\
         kai@example.at,Kai Huber,de-AT\n\
         sven@example.se,Sven Berg,sv\n",
        &Default::default(),
    )
    .unwrap();
    assert_eq!(list.people.len(), 6);
    let mut b = batch("b-languages", list.people, smtp_delivery(&server));
    b.message.app_name = "Portal".into();
    b.message.organization = "Acme".into();
    let templates = b.compiled_templates().unwrap();
    let warnings = invite_desk_engine::languages::row_warnings(&b.people, &templates);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].message.contains("Swedish (sv) has no wording"),
        "{}",
        warnings[0].message
    );
    assert_eq!(warnings[0].line, 7);

    let harness = Harness::new();
    harness.record(&b, &sb);
    let outcome = harness.run(&b, client_for(&sb)).await;
    assert_eq!(outcome.status, RunStatus::Finished, "{outcome:?}");

    let mut seen = HashMap::new();
    for raw in server.messages() {
        seen.insert(recipient(&raw), mail_parts(&raw));
    }
    assert_eq!(seen.len(), 6);
    for (address, subject, words) in [
        (
            "anna@example.de",
            "Ihr Portal-Konto ist bereit",
            [
                "Guten Tag Anna",
                "läuft in 7 Tagen ab",
                "Passwort festlegen",
            ],
        ),
        (
            "kai@example.at",
            "Ihr Portal-Konto ist bereit",
            ["Guten Tag Kai", "läuft in 7 Tagen ab", "Passwort festlegen"],
        ),
        (
            "luc@example.fr",
            "Votre compte Portal est prêt",
            [
                "Bonjour Luc",
                "expire dans 7 jours",
                "Choisir mon mot de passe",
            ],
        ),
        (
            "sofia@example.es",
            "Su cuenta de Portal está lista",
            [
                "Hola, Sofia:",
                "caduca dentro de 7 días",
                "Crear mi contraseña",
            ],
        ),
        (
            "zoe@example.com",
            "Your Portal account is ready",
            ["Hello Zoe", "expires in 7 days", "Set my password"],
        ),
        (
            "sven@example.se",
            "Your Portal account is ready",
            ["Hello Sven", "expires in 7 days", "Set my password"],
        ),
    ] {
        let (got_subject, text, html) = &seen[address];
        assert!(got_subject.starts_with(subject), "{address}: {got_subject}");
        for word in words {
            assert!(text.contains(word), "{address} text part: {word}\n{text}");
            assert!(html.contains(word), "{address} HTML part: {word}\n{html}");
        }
    }
    // Auth0 is told each person's language, for what it sends them itself.
    let anna = sb
        .users()
        .into_iter()
        .find(|u| u["email"] == "anna@example.de")
        .unwrap();
    assert_eq!(anna["user_metadata"]["locale"], "de-DE");
}
