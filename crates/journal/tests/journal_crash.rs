//! kill -9 at seeded random moments while a process writes the journal: after each kill the file opens,
//! passes SQLite's integrity check, and every person is in a state their own event history explains,
//! with any step begun-but-unfinished visible as an open intent (never silently lost).

#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use invite_desk_journal::{Journal, PersonState, Step};

/// In the child process: walk every person through the journal as fast as possible (intent, then
/// transition, for each step) until killed or done.
fn write_until_killed(path: &std::path::Path) {
    use invite_desk_journal::Outcome;
    let mut journal = Journal::open(path).unwrap();
    println!("started");
    for person in journal.people("b").unwrap() {
        let email = &person.email;
        journal.begin("b", email, Step::CreateUser).unwrap();
        let user_id = format!("auth0|{}", person.line);
        journal
            .transition(
                "b",
                email,
                PersonState::Created,
                &Outcome {
                    user_id: Some(&user_id),
                    ..Outcome::default()
                },
            )
            .unwrap();
        journal.begin("b", email, Step::IssueTicket).unwrap();
        let expiry = Outcome {
            link_expires_at: Some("2026-11-28T00:00:00Z"),
            ..Outcome::default()
        };
        journal
            .transition("b", email, PersonState::Ticketed, &expiry)
            .unwrap();
        journal.begin("b", email, Step::SendMail).unwrap();
        journal
            .transition("b", email, PersonState::Delivered, &Outcome::default())
            .unwrap();
    }
}

const CHILD_ENV: &str = "INVITE_DESK_JOURNAL_CRASH_CHILD";

/// The step a person's next intent would be for, given their state.
fn next_step(state: PersonState) -> Option<Step> {
    match state {
        PersonState::Pending => Some(Step::CreateUser),
        PersonState::Created => Some(Step::IssueTicket),
        PersonState::Ticketed => Some(Step::SendMail),
        _ => None,
    }
}

#[test]
fn kill_minus_nine_never_corrupts_or_loses_an_intent() {
    // The same test binary, started again with CHILD_ENV, is the process that gets killed.
    if let Some(path) = std::env::var_os(CHILD_ENV) {
        write_until_killed(&PathBuf::from(path));
        return;
    }
    let this_test = std::env::current_exe().unwrap();
    let mut seed: u64 = 0x1D_E5_C0_DE;
    let mut progress_seen = Vec::new();
    for round in 0..12 {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.sqlite");
        let emails: Vec<String> = (0..400).map(|i| format!("p{i}@example.com")).collect();
        let people: Vec<(u64, &str)> = emails
            .iter()
            .enumerate()
            .map(|(i, e)| (i as u64 + 2, e.as_str()))
            .collect();
        Journal::open(&path)
            .unwrap()
            .create_batch("b", "{}", &people)
            .unwrap();

        let mut child = Command::new(&this_test)
            .args([
                "--exact",
                "kill_minus_nine_never_corrupts_or_loses_an_intent",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, &path)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        // The harness prints its own lines first; wait for the writer's.
        let mut reader = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        while reader.read_line(&mut line).unwrap() > 0 && !line.contains("started") {
            line.clear();
        }
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let wait = Duration::from_millis(5 + (seed >> 33) % 250);
        std::thread::sleep(wait);
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();

        let journal = Journal::open(&path).unwrap();
        let check: String = rusqlite::Connection::open(&path)
            .unwrap()
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok", "round {round}");
        let records = journal.people("b").unwrap();
        assert_eq!(records.len(), 400, "round {round}: nobody vanished");
        for person in &records {
            let events = journal.events("b", &person.email).unwrap();
            // The state is what the last transition says (or pending when there was none).
            let last_transition = events
                .iter()
                .rev()
                .find(|(k, _)| k == "transition")
                .map(|(_, d)| d.rsplit(" -> ").next().unwrap().to_owned());
            assert_eq!(
                last_transition.as_deref().unwrap_or("pending"),
                person.state.as_str(),
                "round {round}: {}",
                person.email
            );
            // An intent written after the last transition is still open, and it is the right step.
            let pending_intent = events
                .last()
                .filter(|(k, _)| k == "intent")
                .map(|(_, d)| d.clone());
            assert_eq!(
                pending_intent.as_deref(),
                person.open_intent.map(|s| s.as_str()),
                "round {round}: {}",
                person.email
            );
            if let Some(step) = person.open_intent {
                assert_eq!(
                    Some(step),
                    next_step(person.state),
                    "round {round}: {}",
                    person.email
                );
            }
            if person.state != PersonState::Pending {
                assert_eq!(
                    person.user_id.as_deref(),
                    Some(format!("auth0|{}", person.line).as_str())
                );
            }
        }
        progress_seen.push(
            records
                .iter()
                .filter(|p| p.state == PersonState::Delivered)
                .count(),
        );
    }
    // The kills landed at different moments of the run, not all before it began or after it ended.
    assert!(
        progress_seen.iter().any(|d| *d > 0 && *d < 400),
        "{progress_seen:?}"
    );
    assert!(
        progress_seen.windows(2).any(|w| w[0] != w[1]),
        "{progress_seen:?}"
    );
}
