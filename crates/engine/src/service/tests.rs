#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::sync::{Arc, Mutex};

use super::testing::{InProcessSandbox, MemorySecrets, SANDBOX};
use super::*;
use crate::batch::{BatchFile, Delivery, InvitationSettings};
use crate::journal::DeliveredAs;
use crate::roster::{ReadOptions, read_text};
use crate::run::stream::Coalescer;
use crate::run::{RunEvent, RunStatus};

fn service() -> (tempfile::TempDir, Service) {
    let (dir, service, _) = service_and_sandbox();
    (dir, service)
}

fn service_and_sandbox() -> (tempfile::TempDir, Service, InProcessSandbox) {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = InProcessSandbox::default();
    let service = Service::open(
        AppPaths::under(dir.path()),
        Arc::new(MemorySecrets::default()),
    )
    .unwrap()
    .with_builtin(Arc::new(sandbox.clone()));
    (dir, service, sandbox)
}

fn sandbox(service: &Service) -> crate::run::RunTarget {
    service.profile_target(SANDBOX).unwrap()
}

fn app() -> RunRequest {
    RunRequest::app(false)
}

fn profile(name: &str, production: bool) -> Profile {
    Profile {
        name: name.into(),
        domain: "acme.eu.auth0.com".into(),
        client_id: "client-1".into(),
        connection: Some("Username-Password-Authentication".into()),
        smtp_url: None,
        from: Some("Acme IT <it@acme.example>".into()),
        production,
        smtp_connections: None,
    }
}

fn secrets(client_secret: &str) -> NewSecrets {
    NewSecrets {
        client_secret: Some(client_secret.to_owned().into()),
        ..NewSecrets::default()
    }
}

#[test]
fn profiles_list_the_sandbox_first_and_say_which_secrets_are_stored_never_what() {
    let (_dir, service) = service();
    let err = service
        .save_profile(profile("staging", false), NewSecrets::default())
        .unwrap_err();
    assert!(err.message.contains("client secret"), "{}", err.message);
    assert!(
        service.profiles().unwrap().len() == 1,
        "nothing saved half-way"
    );

    let view = service
        .save_profile(profile("staging", false), secrets("s3cr3t-value"))
        .unwrap();
    assert_eq!(view.stored, [SecretKind::ClientSecret]);
    // Editing what the secret is not for, without retyping it, keeps it (and a password comes with
    // the server it is for).
    let mut edited = profile("staging", false);
    edited.connection = Some("Staff".into());
    edited.smtp_url = Some("smtp://mail.acme.example:587".into());
    let view = service
        .save_profile(
            edited,
            NewSecrets {
                smtp_password: Some("smtp-pw".to_owned().into()),
                ..NewSecrets::default()
            },
        )
        .unwrap();
    assert_eq!(
        view.stored,
        [SecretKind::ClientSecret, SecretKind::SmtpPassword]
    );
    let views = service.profiles().unwrap();
    assert_eq!(views[0].profile.name, SANDBOX);
    assert!(views[0].builtin);
    assert_eq!(views[1].profile.connection.as_deref(), Some("Staff"));
    let json = serde_json::to_string(&views).unwrap();
    assert!(!json.contains("s3cr3t-value") && !json.contains("smtp-pw"));

    assert!(
        service
            .save_profile(profile("Sandbox", false), secrets("x"))
            .is_err()
    );
    let mut bad = profile("bad", false);
    bad.from = Some("not an address".into());
    assert!(service.save_profile(bad, secrets("x")).is_err());
    assert!(
        service
            .secrets
            .load("bad", SecretKind::ClientSecret)
            .unwrap()
            .is_none()
    );

    let view = service
        .forget_secret("staging", SecretKind::SmtpPassword)
        .unwrap();
    assert_eq!(view.stored, [SecretKind::ClientSecret]);
    service.delete_profile("staging").unwrap();
    assert!(
        service
            .secrets
            .load("staging", SecretKind::ClientSecret)
            .unwrap()
            .is_none()
    );
    assert_eq!(service.profiles().unwrap().len(), 1);
    assert!(service.delete_profile(SANDBOX).is_err());
}

fn batch_for(text: &str, outbox: &std::path::Path) -> BatchFile {
    let report = read_text(text, &ReadOptions::default()).unwrap();
    BatchFile::new(
        report.people,
        InvitationSettings::new(invite_desk_sandbox::tenant::DATABASE_CONNECTION),
        Delivery::Outbox {
            dir: outbox.to_string_lossy().into_owned(),
            from: None,
        },
    )
}

type Groups = Arc<Mutex<Vec<Vec<RunEvent>>>>;

fn collector() -> (Groups, crate::run::EventSink, Arc<Coalescer>) {
    let groups: Groups = Arc::default();
    let out = Arc::clone(&groups);
    let coalescer = Coalescer::new(std::time::Duration::from_millis(100), move |events| {
        out.lock().unwrap().push(events)
    });
    (groups, coalescer.sink(), coalescer)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sandbox_profile_runs_the_whole_flow_in_process() {
    let (dir, service) = service();
    let report = service
        .check_tenant(&sandbox(&service), None)
        .await
        .unwrap();
    assert!(report.tenant.starts_with("http://127.0.0.1:"));
    assert!(report.missing.is_empty(), "{:?}", report.missing);
    assert_eq!(report.readiness, Readiness::Ready, "{:?}", report.advice);
    assert!(report.granted.is_some());
    let db = report
        .connections
        .iter()
        .find(|c| c.name == invite_desk_sandbox::tenant::DATABASE_CONNECTION)
        .unwrap();
    assert!(db.signup_disabled);
    assert!(!report.roles.is_empty());
    assert!(report.rate_limit.is_some());

    let outbox = dir.path().join("outbox");
    let mut batch = batch_for(
        "email,name,Personalnummer\nann@example.com,Ann Lee,P-1001\nbob@example.com,Bob Stone,P-1002\n",
        &outbox,
    );
    batch.name = Some("Wave 1: Sales".into());
    batch.invitation.roles = vec![report.roles[0].name.clone()];
    let preview = service.preview(&batch, Some(3), None, None).unwrap();
    assert_eq!(preview.to, "Bob Stone <bob@example.com>");
    assert!(preview.text.contains("PREVIEW-NOT-A-REAL-LINK"));
    let page = service
        .preview_page(&preview.page)
        .expect("the preview's page is kept");
    assert!(page.contains("Hello Bob,"), "{page}");
    assert!(service.preview(&batch, Some(9), None, None).is_err());

    let plan = service
        .plan(Some(&sandbox(&service)), &batch, &Default::default())
        .await
        .unwrap();
    assert_eq!(plan.to_create, 2);

    let (groups, sink, coalescer) = collector();
    let summary = service
        .start_run(&sandbox(&service), batch.clone(), app(), sink)
        .await
        .unwrap();
    coalescer.flush();
    assert_eq!(summary.status, RunStatus::Finished);
    assert_eq!(summary.outcomes.get("invited"), Some(&2));
    assert_eq!(std::fs::read_dir(&outbox).unwrap().count(), 2);
    let events: Vec<RunEvent> = groups.lock().unwrap().concat();
    assert!(matches!(events.first(), Some(RunEvent::Started { .. })));
    assert!(matches!(events.last(), Some(RunEvent::Finished { .. })));

    let history = service.history().unwrap();
    assert_eq!(history[0].id, summary.batch_id);
    let results = service.results(&summary.batch_id).unwrap();
    assert_eq!(results.len(), 2);
    assert!(results.iter().all(|r| r.user_id.is_some()));

    let export_dir = dir.path().join("exports-here");
    std::fs::create_dir_all(&export_dir).unwrap();
    service
        .save_settings(&Settings {
            export_dir: Some(export_dir.to_string_lossy().into_owned()),
            ..Settings::default()
        })
        .unwrap();
    // Named by the batch's name, in the export folder; for a spreadsheet (a byte-order mark),
    // with the list's own columns and the words the app uses.
    let exported = service.export_results(&summary.batch_id, None).unwrap();
    assert_eq!(
        std::path::Path::new(&exported),
        export_dir.join("results-wave-1-sales.csv")
    );
    let csv = std::fs::read_to_string(&exported).unwrap();
    let csv = csv
        .strip_prefix('\u{feff}')
        .expect("a byte-order mark for Excel");
    assert!(csv.starts_with("email,status,user_id"), "{csv}");
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    let header = rows.headers().unwrap().clone();
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let bob = rows
        .records()
        .map(Result::unwrap)
        .find(|r| &r[0] == "bob@example.com")
        .unwrap();
    assert_eq!(&bob[column("status")], "invited");
    assert_eq!(&bob[column("result")], "written to outbox");
    assert_eq!(&bob[column("external_id")], "P-1002");
    assert_eq!(&bob[column("given_name")], "Bob");
    assert_eq!(&bob[column("family_name")], "Stone");
    assert_eq!(&bob[column("name")], "Bob Stone");
    assert_eq!(
        header.iter().next_back(),
        Some("name"),
        "new columns only ever at the end"
    );
    assert!(!csv.contains("ticket="), "no links in results");
    let again = service.export_results(&summary.batch_id, None).unwrap();
    assert_ne!(again, exported, "an export never overwrites another");
    let chosen = dir.path().join("chosen.csv");
    service
        .export_results(&summary.batch_id, Some(&chosen))
        .unwrap();
    assert!(std::fs::read_to_string(&chosen).unwrap().contains("P-1001"));
    assert_eq!(service.delivery_folder(&summary.batch_id).unwrap(), outbox);
    assert_eq!(history[0].delivered_as, Some(DeliveredAs::WrittenToOutbox));
    assert_eq!(summary.delivered_as, DeliveredAs::WrittenToOutbox);

    let found = service
        .lookup(Some(&sandbox(&service)), "Bob@Example.com")
        .await
        .unwrap();
    assert_eq!(found.tenant.as_ref().unwrap().len(), 1);
    assert_eq!(found.history[0].batch_id, summary.batch_id);

    // Every message written for a person, oldest first (a later one never replaces an earlier one).
    let mails_for = |who: &str| {
        let mut paths: Vec<std::path::PathBuf> = std::fs::read_dir(&outbox)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().contains(who))
            .collect();
        paths.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
        paths
            .into_iter()
            .map(|p| std::fs::read(p).unwrap())
            .collect::<Vec<_>>()
    };
    let bob_mail = || mails_for("bob").pop().unwrap();
    let first_mail = bob_mail();
    let (_, sink, _) = collector();
    let resent = service
        .resend("bob@example.com", None, app(), sink)
        .await
        .unwrap();
    assert_eq!(resent.outcomes.get("invited"), Some(&1));
    let delivered = resent
        .delivery
        .as_ref()
        .expect("the resend says what it did");
    assert!(delivered.detail.starts_with("written to "), "{delivered:?}");
    assert!(delivered.at.starts_with("20"), "{delivered:?}");
    assert_ne!(bob_mail(), first_mail, "a new message with a new link");
    assert_eq!(
        mails_for("bob").len(),
        2,
        "the first message is kept beside it"
    );
    assert_eq!(mails_for("bob")[0], first_mail);

    let link = service
        .copy_link("ann@example.com", None, app())
        .await
        .unwrap();
    assert_eq!(link.email, "ann@example.com");
    assert!(link.url.contains("ticket="), "{}", link.url);
    assert!(!link.expires_at.is_empty());
    assert_eq!(
        std::fs::read_dir(dir.path().join("links")).unwrap().count(),
        0,
        "the link file is removed once read"
    );
    // The journal is SQLite in WAL mode: recent writes may still be in the -wal file.
    let journal = service.paths.journal_file();
    let mut stored = std::fs::read(&journal).unwrap();
    stored.extend(std::fs::read(journal.with_extension("sqlite-wal")).unwrap_or_default());
    let holds = |needle: &[u8]| stored.windows(needle.len()).any(|w| w == needle);
    assert!(
        holds(b"ann@example.com"),
        "the search sees what the journal holds"
    );
    assert!(
        !holds(link.url.as_bytes()),
        "the journal never holds a link"
    );

    // A copied link is not an invitation: a resend after it still mails, with the first batch's
    // settings, and leaves no link file behind.
    let ann_mail = || mails_for("ann").pop().unwrap();
    let before = ann_mail();
    let (_, sink, _) = collector();
    let resent = service
        .resend("ann@example.com", None, app(), sink)
        .await
        .unwrap();
    assert_eq!(resent.outcomes.get("invited"), Some(&1));
    assert!(resent.links_file.is_none(), "{resent:?}");
    assert_ne!(ann_mail(), before, "the resend wrote a new message for ann");
    assert_eq!(
        std::fs::read_dir(dir.path().join("links")).unwrap().count(),
        0
    );

    // Re-running the same batch file makes a new batch; people already there are skipped.
    let (_, sink, _) = collector();
    let rerun = service
        .start_run(&sandbox(&service), batch, app(), sink)
        .await
        .unwrap();
    assert_ne!(rerun.batch_id, summary.batch_id);
    assert_eq!(rerun.outcomes.get("skipped"), Some(&2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_asks_the_tenant_for_its_connection_and_roles_once_in_its_preflight() {
    let (dir, service, tenant) = service_and_sandbox();
    let report = service
        .check_tenant(&sandbox(&service), None)
        .await
        .unwrap();
    let mut batch = batch_for(
        "email,name\nann@example.com,Ann Lee\nbob@example.com,Bob Stone\n",
        &dir.path().join("outbox"),
    );
    batch.invitation.roles = vec![report.roles[0].name.clone()];
    let before = tenant.0.counters().await.unwrap().requests;
    let (_groups, sink, coalescer) = collector();
    let summary = service
        .start_run(&sandbox(&service), batch, app(), sink)
        .await
        .unwrap();
    coalescer.flush();
    assert_eq!(summary.outcomes.get("invited"), Some(&2));
    let made = tenant.0.counters().await.unwrap().requests - before;
    // The preflight lists the connection and the roles (2); then each person is looked up,
    // created, granted the role and given a ticket (4 each). Nothing is asked twice.
    assert_eq!(made, 2 + 2 * 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn production_runs_need_confirmation_and_one_run_at_a_time() {
    let (dir, service) = service();
    service
        .save_profile(profile("production", true), secrets("x"))
        .unwrap();
    let batch = batch_for("a@example.com\n", dir.path());
    let (_, sink, _) = collector();
    let err = service
        .start_run(
            &service.profile_target("production").unwrap(),
            batch.clone(),
            app(),
            sink,
        )
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::NeedsConfirmation);
    assert!(err.message.contains("production"));
    assert!(service.history().unwrap().is_empty(), "nothing recorded");
    assert!(service.control_run("nope", RunAction::Cancel).is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_that_panics_frees_its_slot_and_its_batch() {
    let (dir, service) = service();
    let service = Arc::new(service);
    let batch = batch_for("a@example.com\nb@example.com\n", &dir.path().join("outbox"));
    let id = batch.id.clone();
    // The event sink is the adapter's code running inside the run: a bug there panics mid-run.
    let panicking: crate::run::EventSink = Arc::new(|event| {
        if matches!(event, RunEvent::Started { .. }) {
            panic!("a bug in the adapter's progress display");
        }
    });
    let runner = {
        let service = Arc::clone(&service);
        tokio::spawn(async move {
            let target = sandbox(&service);
            service.start_run(&target, batch, app(), panicking).await
        })
    };
    assert!(runner.await.unwrap_err().is_panic());
    assert!(service.active_run().is_none(), "the slot is free again");
    // The batch is not left locked either: it resumes to the end, in this process or another.
    let (_, sink, _) = collector();
    let resumed = service
        .resume_run(&id, RetryChoice::default(), app(), sink)
        .await
        .unwrap();
    assert_eq!(resumed.outcomes.get("invited"), Some(&2));
}

/// A 40-person batch to `outbox`, started in the background and paused once it runs and is
/// recorded (its people are in the journal): its id and the task that ends with its summary.
async fn paused_run(
    service: &Arc<Service>,
    outbox: &std::path::Path,
) -> (
    String,
    tokio::task::JoinHandle<Result<RunSummary, AppError>>,
) {
    let text: String = (0..40).map(|i| format!("p{i}@example.com\n")).collect();
    let batch = batch_for(&text, outbox);
    let id = batch.id.clone();
    let (_, sink, _) = collector();
    let runner = {
        let service = Arc::clone(service);
        tokio::spawn(async move {
            service
                .start_run(&sandbox(&service), batch, app(), sink)
                .await
        })
    };
    while service.active_run().is_none() || service.history().unwrap().is_empty() {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    service.control_run(&id, RunAction::Pause).unwrap();
    (id, runner)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paused_run_can_be_cancelled_and_resumed_later() {
    let (dir, service) = service();
    let service = Arc::new(service);
    let (id, runner) = paused_run(&service, &dir.path().join("outbox")).await;
    // While it runs, a copy-link is refused before anything is journaled: no link-only batch is
    // left to become a later resend's source.
    let batches_before = service.history().unwrap().len();
    let refused = service
        .copy_link("p1@example.com", None, app())
        .await
        .unwrap_err();
    assert_eq!(refused.code, ErrorCode::Conflict, "{refused:?}");
    assert_eq!(service.history().unwrap().len(), batches_before);
    service.control_run(&id, RunAction::Cancel).unwrap();
    let summary = runner.await.unwrap().unwrap();
    assert_eq!(summary.status, RunStatus::Cancelled);
    assert!(service.active_run().is_none());
    let (_, sink, _) = collector();
    let resumed = service
        .resume_run(&id, RetryChoice::default(), app(), sink)
        .await
        .unwrap();
    assert_eq!(resumed.status, RunStatus::Finished);
    assert_eq!(resumed.outcomes.get("invited"), Some(&40));
}

/// The window closing mid-run stops it as Cancel does, but leaves it `interrupted` (what the next
/// launch offers to resume), with nobody it did not reach counted as failed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_stopped_because_the_window_closes_is_interrupted_and_resumes_once() {
    let (dir, service) = service();
    let service = Arc::new(service);
    let outbox = dir.path().join("outbox");
    let (id, runner) = paused_run(&service, &outbox).await;
    service.control_run(&id, RunAction::Interrupt).unwrap();
    let summary = runner.await.unwrap().unwrap();
    assert_eq!(summary.status, RunStatus::Interrupted);
    assert!(summary.stopped_by.is_none(), "no failure stopped it");
    let listed = service.batch_summary(&id).unwrap();
    assert_eq!(listed.status, crate::journal::BatchStatus::Interrupted);
    let results = service.results(&id).unwrap();
    let not_started = results.iter().filter(|r| r.result == "not started").count();
    assert!(not_started > 0, "a paused run had people left: {results:?}");
    assert!(
        results
            .iter()
            .all(|r| r.state != crate::journal::PersonState::Failed)
    );
    let (_, sink, _) = collector();
    let resumed = service
        .resume_run(&id, RetryChoice::default(), app(), sink)
        .await
        .unwrap();
    assert_eq!(resumed.status, RunStatus::Finished);
    assert_eq!(resumed.outcomes.get("invited"), Some(&40));
    assert_eq!(
        std::fs::read_dir(&outbox).unwrap().count(),
        40,
        "one message each"
    );
}

#[test]
fn drafts_save_at_any_step_and_come_back_as_they_were() {
    let (dir, service) = service();
    let batch = batch_for("not-an-address\nann@example.com\n", dir.path());
    let draft = Draft {
        id: "d-1".into(),
        saved_at: String::new(),
        step: "people".into(),
        profile: Some(SANDBOX.into()),
        source_text: "not-an-address\nann@example.com\n".into(),
        mapping: None,
        batch,
        opened_from: None,
        // A wrongly typed field comes back as typed, not as the last value that read.
        typed: TypedFields {
            result_url: Some("app.example.com/welcome".into()),
            ttl_days: Some("400".into()),
            ..TypedFields::default()
        },
    };
    let saved = service.save_draft(draft.clone()).unwrap();
    assert_eq!(saved.people, 1);
    let back = service.draft("d-1").unwrap();
    assert_eq!(back.source_text, draft.source_text);
    assert_eq!(back.typed, draft.typed);
    // A draft saved before typed fields were kept opens with none.
    let mut older: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("drafts/d-1.json")).unwrap())
            .unwrap();
    older.as_object_mut().unwrap().remove("typed");
    std::fs::write(dir.path().join("drafts/d-0.json"), older.to_string()).unwrap();
    assert_eq!(service.draft("d-0").unwrap().typed, TypedFields::default());
    service.delete_draft("d-0").unwrap();
    assert_eq!(service.drafts().unwrap()[0].id, "d-1");
    assert!(service.draft("../etc/passwd").is_err());
    std::fs::write(dir.path().join("drafts/broken.json"), "{").unwrap();
    assert!(
        service
            .drafts()
            .unwrap()
            .iter()
            .any(|d| d.id == "broken" && d.name.as_deref().unwrap().contains("unreadable"))
    );
    service.delete_draft("d-1").unwrap();
    assert!(service.draft("d-1").is_err());

    let path = service.export_batch(&back.batch).unwrap();
    let opened = service
        .open_batch_file(std::path::Path::new(&path))
        .unwrap();
    assert_eq!(opened.batch.people, back.batch.people);
    assert!(opened.source_text.contains("ann@example.com"));
}

#[test]
fn an_opened_batch_files_people_read_back_from_its_list_with_roles_and_metadata() {
    let (dir, service) = service();
    let list = "email,name,roles,app_metadata.department,app_metadata.teams,user_metadata.locale\n\
                ann@example.com,Ann Lee,\"Admin, Viewer\",Sales,\"[\"\"north\"\",\"\"east\"\"]\",fr\n\
                bob@example.com,Bob Stone,,,,\n";
    let batch = batch_for(list, dir.path());
    assert_eq!(batch.people[0].roles, ["Admin", "Viewer"]);
    assert_eq!(
        batch.people[0].app_metadata["teams"],
        serde_json::json!(["north", "east"])
    );
    let path = service.export_batch(&batch).unwrap();

    let opened = service
        .open_batch_file(std::path::Path::new(&path))
        .unwrap();
    let reread = read_text(&opened.source_text, &ReadOptions::default()).unwrap();
    assert!(reread.problems.is_empty(), "{:?}", reread.problems);
    let without_lines = |people: &[crate::roster::Person]| {
        people
            .iter()
            .map(|p| crate::roster::Person {
                line: 0,
                ..p.clone()
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(without_lines(&reread.people), without_lines(&batch.people));
}

#[test]
fn a_new_draft_takes_the_defaults_of_settings_and_profile() {
    let (_dir, service) = service();
    let draft = service.new_draft(None).unwrap();
    assert_eq!(draft.profile.as_deref(), Some(SANDBOX));
    assert!(matches!(draft.batch.delivery, Delivery::Outbox { .. }));
    assert_eq!(draft.batch.invitation.ttl_secs, 7 * 86_400);
    let mut with_smtp = profile("staging", false);
    with_smtp.smtp_url = Some("smtp://127.0.0.1:2525".into());
    service.save_profile(with_smtp, secrets("x")).unwrap();
    service
        .save_settings(&Settings {
            ttl: "2d".into(),
            default_profile: Some("staging".into()),
            ..Settings::default()
        })
        .unwrap();
    let draft = service.new_draft(None).unwrap();
    assert_eq!(draft.profile.as_deref(), Some("staging"));
    assert_eq!(draft.batch.invitation.ttl_secs, 2 * 86_400);
    assert!(matches!(draft.batch.delivery, Delivery::Smtp { .. }));
    assert!(draft.id.starts_with("d-"));
    // A second wave starts as the first was delivered: to a chosen outbox, whatever the profile.
    let outbox = _dir.path().join("wave-outbox");
    service
        .save_settings(&Settings {
            default_profile: Some("staging".into()),
            delivery: DeliveryDefault::Outbox,
            outbox_dir: Some(outbox.to_string_lossy().into_owned()),
            ..Settings::default()
        })
        .unwrap();
    let draft = service.new_draft(None).unwrap();
    match &draft.batch.delivery {
        Delivery::Outbox { dir, .. } => assert_eq!(std::path::Path::new(dir), outbox),
        other => panic!("{other:?}"),
    }
    let relative = service
        .save_settings(&Settings {
            outbox_dir: Some("outbox".into()),
            ..Settings::default()
        })
        .unwrap_err();
    assert!(
        relative.message.contains("not a full path"),
        "{}",
        relative.message
    );
}

#[test]
fn a_signing_key_too_short_for_hs256_is_refused_when_saved_and_nothing_is_stored() {
    let (_dir, service) = service();
    let short = NewSecrets {
        client_secret: Some("secret".to_owned().into()),
        signing_key: Some("only-twenty-one-bytes".to_owned().into()),
        ..NewSecrets::default()
    };
    let err = service
        .save_profile(profile("signed", false), short)
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(err.message.contains("at least 32"), "{}", err.message);
    assert!(
        service.profile("signed").is_err(),
        "a refused profile is not saved"
    );
    let long = NewSecrets {
        client_secret: Some("secret".to_owned().into()),
        signing_key: Some("k".repeat(32).into()),
        ..NewSecrets::default()
    };
    let view = service
        .save_profile(profile("signed", false), long)
        .unwrap();
    assert!(view.stored.contains(&SecretKind::SigningKey));
}

#[test]
fn settings_are_checked_before_they_are_kept() {
    let (_dir, service) = service();
    assert_eq!(service.settings().unwrap(), Settings::default());
    let bad = Settings {
        ttl: "forever".into(),
        ..Settings::default()
    };
    assert!(service.save_settings(&bad).is_err());
    let unknown = Settings {
        default_profile: Some("nope".into()),
        ..Settings::default()
    };
    assert!(service.save_settings(&unknown).is_err());
    let good = Settings {
        ttl: "48h".into(),
        default_profile: Some(SANDBOX.into()),
        ..Settings::default()
    };
    service.save_settings(&good).unwrap();
    assert_eq!(service.settings().unwrap(), good);
}

/// The real keychain: what the app saves is read back for a run (scripts/test.sh runs it inside a
/// desktop session with gnome-keyring).
#[test]
#[ignore = "needs a Secret Service: run through scripts/with-desktop-session.sh (scripts/test.sh does)"]
fn profile_secrets_round_trip_through_the_real_keychain() {
    let dir = tempfile::tempdir().unwrap();
    let service = Service::open(AppPaths::under(dir.path()), Arc::new(Keychain)).unwrap();
    let name = format!("service-test-{}", std::process::id());
    let view = service
        .save_profile(profile(&name, false), secrets("from-the-keychain"))
        .unwrap();
    assert_eq!(view.stored, [SecretKind::ClientSecret]);
    use secrecy::ExposeSecret;
    // Kept with what it is for, and given out for exactly that.
    let kept = crate::secrets::load(&name, SecretKind::ClientSecret)
        .unwrap()
        .unwrap();
    let (purpose, value) = crate::secrets::unseal(kept);
    assert_eq!(
        purpose,
        Some(Purpose::tenant("acme.eu.auth0.com", "client-1").unwrap())
    );
    assert_eq!(value.expose_secret(), "from-the-keychain");
    let for_the_run = service
        .secret(
            Some(&name),
            SecretKind::ClientSecret,
            &Purpose::tenant("acme.eu.auth0.com", "client-1").unwrap(),
        )
        .unwrap()
        .unwrap();
    assert_eq!(for_the_run.expose_secret(), "from-the-keychain");
    service.delete_profile(&name).unwrap();
    assert!(
        crate::secrets::load(&name, SecretKind::ClientSecret)
            .unwrap()
            .is_none()
    );
}

#[test]
fn a_link_file_left_by_a_crash_is_removed_at_the_next_start() {
    let dir = tempfile::tempdir().unwrap();
    let links = dir.path().join("links");
    std::fs::create_dir_all(&links).unwrap();
    let leftover = links.join("b-1.csv");
    std::fs::write(
        &leftover,
        "email,link\nann@example.com,https://t/ticket=secret\n",
    )
    .unwrap();
    let unrelated = links.join("notes.txt");
    std::fs::write(&unrelated, "kept").unwrap();
    let _desk = Service::open(
        AppPaths::under(dir.path()),
        Arc::new(MemorySecrets::default()),
    )
    .unwrap();
    assert!(!leftover.exists(), "the bearer-secret file is gone");
    assert!(unrelated.exists(), "nothing else is touched");
}

fn acme(smtp_url: &str) -> Profile {
    Profile {
        smtp_url: Some(smtp_url.into()),
        ..profile("acme", false)
    }
}

fn with_passwords(client_secret: &str, smtp_password: &str) -> NewSecrets {
    NewSecrets {
        smtp_password: Some(smtp_password.to_owned().into()),
        ..secrets(client_secret)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_smtp_password_goes_only_to_the_server_it_was_kept_for() {
    let (dir, service) = service();
    let ours = "smtp://it%40acme.example@localhost:2525?tls=opportunistic";
    service
        .save_profile(acme(ours), with_passwords("client-secret", "smtp-pw"))
        .unwrap();
    assert!(
        service
            .mail_server_password(Some("acme"), ours)
            .unwrap()
            .is_some()
    );
    for elsewhere in [
        "smtp://it%40acme.example@mail.attacker.example:587",
        "smtp://it%40acme.example@localhost:2526?tls=opportunistic",
        "smtp://boss%40acme.example@localhost:2525?tls=opportunistic",
    ] {
        let error = service
            .mail_server_password(Some("acme"), elsewhere)
            .unwrap_err();
        assert!(
            error
                .message
                .contains("is for localhost:2525 (user it@acme.example)")
                && error.message.contains("choose the profile's server"),
            "{elsewhere}: {}",
            error.message
        );
    }

    // A batch file that names another server: its send-test and its run are refused before any
    // connection (nothing listens there; the error is the password's, not the network's).
    let mut batch = batch_for("email\nann@example.com\n", &dir.path().join("outbox"));
    batch.delivery = Delivery::Smtp {
        url: "smtp://it%40acme.example@localhost:2526?tls=opportunistic".into(),
        from: "IT <it@acme.example>".into(),
        reply_to: None,
    };
    let error = service
        .send_test(Some("acme"), &batch, "me@acme.example", None, None)
        .await
        .unwrap_err();
    assert!(
        error
            .message
            .contains("mail would go through localhost:2526"),
        "{}",
        error.message
    );
    let checks = service
        .preflight(Some(&service.profile_target("acme").unwrap()), &batch, None)
        .await
        .unwrap();
    let delivery = checks
        .checks
        .iter()
        .find(|c| c.item == crate::run::preflight::CheckItem::Delivery)
        .unwrap();
    assert_eq!(delivery.status, crate::run::preflight::CheckStatus::Failed);
    assert!(
        delivery.detail.contains("is for localhost:2525"),
        "{}",
        delivery.detail
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_profile_pointed_elsewhere_forgets_or_withholds_its_secrets() {
    let (_dir, service) = service();
    let ours = "smtp://it%40acme.example@localhost:2525?tls=opportunistic";
    service
        .save_profile(acme(ours), with_passwords("client-secret", "smtp-pw"))
        .unwrap();
    // Same tenant, same server: both kept.
    let view = service
        .save_profile(acme(ours), NewSecrets::default())
        .unwrap();
    assert_eq!(
        view.stored,
        [SecretKind::ClientSecret, SecretKind::SmtpPassword]
    );
    // Another mail server: the password is forgotten, the client secret kept.
    let view = service
        .save_profile(
            acme("smtp://it%40acme.example@mail.acme.example:587"),
            NewSecrets::default(),
        )
        .unwrap();
    assert_eq!(view.stored, [SecretKind::ClientSecret]);
    // Another domain: the client secret is forgotten too.
    let moved = Profile {
        domain: "evil.example.com".into(),
        ..acme("smtp://it%40acme.example@mail.acme.example:587")
    };
    let view = service.save_profile(moved, NewSecrets::default()).unwrap();
    assert!(view.stored.is_empty());

    // A profile file edited behind the app's back (pointing at a listener that records visits):
    // the kept secret is for the old tenant, so Test connection refuses before any request.
    service
        .save_profile(acme(ours), with_passwords("client-secret", "smtp-pw"))
        .unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let elsewhere = format!("http://{}", listener.local_addr().unwrap());
    service
        .profiles
        .save(&Profile {
            domain: elsewhere.clone(),
            ..acme(ours)
        })
        .unwrap();
    let error = service
        .check_tenant(&service.profile_target("acme").unwrap(), None)
        .await
        .unwrap_err();
    assert!(
        error.message.contains("is for tenant acme.eu.auth0.com"),
        "{}",
        error.message
    );
    assert!(
        listener.accept().is_err(),
        "nothing connected to {elsewhere}"
    );
}

#[test]
fn a_secret_kept_before_purposes_counts_as_the_profiles_current_one() {
    let (_dir, service) = service();
    let ours = "smtp://it%40acme.example@localhost:2525?tls=opportunistic";
    service
        .save_profile(acme(ours), secrets("client-secret"))
        .unwrap();
    // As an older version stored it: the bare value.
    service
        .secrets
        .save(
            "acme",
            SecretKind::SmtpPassword,
            &"smtp-pw".to_owned().into(),
        )
        .unwrap();
    assert!(
        service
            .mail_server_password(Some("acme"), ours)
            .unwrap()
            .is_some()
    );
    assert!(
        service
            .mail_server_password(
                Some("acme"),
                "smtp://it%40acme.example@mail.attacker.example"
            )
            .is_err()
    );
}

#[test]
fn a_batch_left_running_by_a_process_that_is_gone_is_interrupted_and_one_still_running_is_not() {
    let (dir, service) = service();
    let target = sandbox(&service);
    for id in ["b-gone", "b-alive"] {
        let mut batch = batch_for("email\nann@example.com\n", &dir.path().join("outbox"));
        batch.id = id.into();
        crate::run::record_batch(&mut service.lock_journal(), &batch, &target).unwrap();
        service
            .lock_journal()
            .set_batch_status(id, crate::journal::BatchStatus::Running)
            .unwrap();
    }
    // Another process runs b-alive: it holds the batch's lock.
    let lock = crate::files::try_lock_owner(
        &service.paths().data_dir.join("locks").join("b-alive.lock"),
        "batch b-alive",
    )
    .unwrap();
    let status = |id: &str| {
        service
            .history()
            .unwrap()
            .into_iter()
            .find(|b| b.id == id)
            .unwrap()
            .status
    };
    assert_eq!(status("b-gone"), crate::journal::BatchStatus::Interrupted);
    assert_eq!(status("b-alive"), crate::journal::BatchStatus::Running);
    assert_eq!(
        service.lock_journal().batch("b-gone").unwrap().status,
        crate::journal::BatchStatus::Interrupted,
        "the journal says so too"
    );
    drop(lock);
    assert_eq!(status("b-alive"), crate::journal::BatchStatus::Interrupted);
}

/// A keychain that can be locked: while locked, reading and removing fail as a locked one does.
#[derive(Default)]
struct LockableKeychain {
    secrets: MemorySecrets,
    locked: std::sync::atomic::AtomicBool,
}

impl SecretStore for LockableKeychain {
    fn save(&self, p: &str, k: SecretKind, v: &SecretString) -> Result<(), AppError> {
        self.secrets.save(p, k, v)
    }
    fn load(&self, p: &str, k: SecretKind) -> Result<Option<SecretString>, AppError> {
        if self.locked.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(AppError::new(ErrorCode::Keychain, "the keychain is locked"));
        }
        self.secrets.load(p, k)
    }
    fn delete(&self, p: &str, k: SecretKind) -> Result<(), AppError> {
        if self.locked.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(AppError::new(ErrorCode::Keychain, "the keychain is locked"));
        }
        self.secrets.delete(p, k)
    }
}

#[test]
fn a_profile_cannot_move_while_its_old_secret_cannot_be_forgotten() {
    let dir = tempfile::tempdir().unwrap();
    let keychain = Arc::new(LockableKeychain::default());
    let service = Service::open(AppPaths::under(dir.path()), keychain.clone()).unwrap();
    service
        .save_profile(profile("acme", false), secrets("client-secret"))
        .unwrap();
    // As an older version kept it: bare, so it would count as kept for whatever the profile names.
    keychain
        .secrets
        .save(
            "acme",
            SecretKind::ClientSecret,
            &"legacy".to_owned().into(),
        )
        .unwrap();
    keychain
        .locked
        .store(true, std::sync::atomic::Ordering::SeqCst);
    let moved = Profile {
        domain: "evil.example.com".into(),
        ..profile("acme", false)
    };
    let error = service.set_profile(moved.clone()).unwrap_err();
    assert_eq!(error.code, ErrorCode::Keychain);
    assert!(
        error.message.contains("the profile was not changed"),
        "{}",
        error.message
    );
    assert_eq!(service.profile("acme").unwrap().domain, "acme.eu.auth0.com");
    // Unlocked, the move goes through and the old secret is gone with it.
    keychain
        .locked
        .store(false, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(
        service.set_profile(moved).unwrap(),
        [SecretKind::ClientSecret]
    );
    assert!(
        keychain
            .secrets
            .load("acme", SecretKind::ClientSecret)
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn the_sandbox_does_not_change_plan_under_a_running_batch() {
    let (_dir, service) = service();
    *service.active.lock() = Some(("b-running".into(), crate::run::RunControl::new()));
    let refused = service
        .choose_builtin_plan(SANDBOX, "free")
        .await
        .unwrap_err();
    assert!(
        refused.message.contains("b-running is running"),
        "{}",
        refused.message
    );
    *service.active.lock() = None;
    // Without a run the built-in tenant answers for itself (this one offers no plans).
    let unplanned = service
        .choose_builtin_plan(SANDBOX, "free")
        .await
        .unwrap_err();
    assert!(
        unplanned.message.contains("no plans"),
        "{}",
        unplanned.message
    );
}

#[test]
fn saved_templates_last_and_a_profile_can_start_its_batches_with_one() {
    use crate::template::{LinkKind, MessageKind, Template, Variant};
    let (dir, service) = service();
    assert!(service.saved_templates().unwrap().is_empty());
    let mut ours = Template::builtin(
        MessageKind::Invitation,
        LinkKind::PasswordChange,
        crate::template::MessageSettings::default().known(),
    );
    let Some(Variant::Wording(german)) = ours.languages.get_mut("de") else {
        panic!()
    };
    german.subject = "Willkommen bei Acme".into();
    let kept = service
        .save_template("Acme onboarding", MessageKind::Invitation, &ours)
        .unwrap();
    assert_eq!(kept.name, "Acme onboarding");
    assert_eq!(kept.languages.len(), 7);
    assert!(dir.path().join("templates/acme-onboarding.toml").exists());
    assert_eq!(
        service
            .saved_template("Acme onboarding")
            .unwrap()
            .template(),
        ours
    );

    // A broken one is refused before it is kept.
    let Some(Variant::Wording(german)) = ours.languages.get_mut("de") else {
        panic!()
    };
    german.subject = "{{ nope".into();
    let error = service
        .save_template("Broken", MessageKind::Invitation, &ours)
        .unwrap_err();
    assert!(
        error.message.starts_with("German (de): subject"),
        "{}",
        error.message
    );
    assert!(!dir.path().join("templates/broken.toml").exists());

    // The default of a profile: its new batches start with it; deleting it goes back to the built-in.
    service
        .set_default_template(SANDBOX, Some("Acme onboarding"))
        .unwrap();
    assert_eq!(
        service.saved_templates().unwrap()[0].default_for,
        [SANDBOX.to_owned()]
    );
    let draft = service.new_draft(Some(SANDBOX)).unwrap();
    let Some(Variant::Wording(german)) = draft.batch.template.as_ref().unwrap().languages.get("de")
    else {
        panic!()
    };
    assert_eq!(german.subject, "Willkommen bei Acme");

    // Shared as a file and brought back under its own name.
    let shared = dir.path().join("shared.toml");
    service.export_template("Acme onboarding", &shared).unwrap();
    service.delete_template("Acme onboarding").unwrap();
    assert!(
        service
            .new_draft(Some(SANDBOX))
            .unwrap()
            .batch
            .template
            .is_none()
    );
    assert!(service.settings().unwrap().default_template.is_empty());
    let back = service.import_template(&shared).unwrap();
    assert_eq!(back.name, "Acme onboarding");
    let garbage = dir.path().join("garbage.toml");
    std::fs::write(&garbage, "subject = 3").unwrap();
    let error = service.import_template(&garbage).unwrap_err();
    assert!(
        error
            .message
            .contains("garbage.toml: the template file is not valid"),
        "{}",
        error.message
    );
}

#[test]
fn the_preview_is_in_the_persons_language_or_the_one_chosen() {
    let (dir, service) = service();
    let batch = batch_for(
        "email,name,language\nanna@example.de,Anna Schmidt,de\nsven@example.se,Sven Berg,sv\n",
        &dir.path().join("outbox"),
    );
    let anna = service.preview(&batch, Some(2), None, None).unwrap();
    assert_eq!(anna.language, "de");
    assert_eq!(anna.language_name, "German");
    assert!(
        anna.subject.starts_with("Ihr Konto ist bereit"),
        "{}",
        anna.subject
    );
    let sven = service.preview(&batch, Some(3), None, None).unwrap();
    assert_eq!(
        (sven.language.as_str(), sven.person_language.as_deref()),
        ("en", Some("sv"))
    );
    let forced = service.preview(&batch, Some(3), None, Some("it")).unwrap();
    assert!(
        forced.subject.starts_with("Il Suo account è pronto"),
        "{}",
        forced.subject
    );
    let reminder = service
        .preview(
            &batch,
            Some(2),
            Some(crate::template::MessageKind::Reminder),
            None,
        )
        .unwrap();
    assert!(
        reminder.subject.starts_with("Erinnerung"),
        "{}",
        reminder.subject
    );
    assert!(service.preview(&batch, Some(2), None, Some("??")).is_err());
}
