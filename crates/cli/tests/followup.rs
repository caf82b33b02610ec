//! `invite-desk followup` as scripts and scheduled tasks use it, against the sandbox (people played
//! through its ticket pages) and a real SMTP server on loopback: the `--json` contract, reminders to
//! exactly the pending, new links to exactly the expired, each link working; a reminder wave killed
//! with SIGKILL and run again reminds nobody twice; `--due` sends what each batch's cadence has due.

#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

use std::collections::HashMap;
use std::time::Duration;

use invite_desk_sandbox::SandboxConfig;
use invite_desk_testkit::recipient;
use rand::{Rng, SeedableRng};
use serde_json::Value;

mod common;
use common::*;

const PASSWORD: &str = "correct-horse-battery";

fn quiet_sandbox() -> SandboxConfig {
    SandboxConfig {
        search_lag: Duration::ZERO,
        ..SandboxConfig::default()
    }
}

/// The link in a mail's text part, and whom the mail is for.
fn mail_link(raw: &[u8], base_url: &str) -> (String, String) {
    let parsed = mailparse::parse_mail(raw).unwrap();
    let mut texts = Vec::new();
    let mut stack = vec![&parsed];
    while let Some(part) = stack.pop() {
        if part.ctype.mimetype == "text/plain" {
            texts.push(part.get_body().unwrap());
        }
        stack.extend(part.subparts.iter());
    }
    let text = texts.join("\n");
    let start = text
        .find(&format!("{base_url}/u/"))
        .expect("a link in the text part");
    let link: String = text[start..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    (recipient(raw), link)
}

/// Every mail the server has, in order: (recipient, link, subject).
fn mails(world: &World) -> Vec<(String, String, String)> {
    world
        .smtp
        .messages()
        .iter()
        .map(|raw| {
            let (to, link) = mail_link(raw, world.sandbox.base_url());
            let subject = mailparse::parse_mail(raw)
                .unwrap()
                .headers
                .iter()
                .find(|h| h.get_key().eq_ignore_ascii_case("subject"))
                .map(|h| h.get_value())
                .unwrap_or_default();
            (to, link, subject)
        })
        .collect()
}

fn invite(world: &World, n: usize, extra: &[&str]) -> String {
    invite_as(world, "person", n, extra)
}

/// Invites `{prefix}000@example.com`… by SMTP; the batch's id.
fn invite_as(world: &World, prefix: &str, n: usize, extra: &[&str]) -> String {
    let mut text = String::from("Email;First name\n");
    for i in 0..n {
        text.push_str(&format!("{prefix}{i:03}@example.com;Given{i}\n"));
    }
    let people = world.path(&format!("{prefix}.csv"));
    std::fs::write(&people, text).unwrap();
    let smtp = world.smtp.url();
    let mut args = vec![
        "run",
        people.to_str().unwrap(),
        "--connection",
        DB,
        "--smtp-url",
        &smtp,
        "--from",
        "it@example.com",
        "--name",
        "Seats",
    ];
    args.extend_from_slice(extra);
    let out = world.run(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    newest_batch(world)
}

fn followup(world: &World, args: &[&str]) -> (Option<i32>, Value) {
    let mut all = vec!["followup"];
    all.extend_from_slice(args);
    all.push("--json");
    let out = world.run(&all);
    let text = stdout(&out);
    let json =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text} / {}", stderr(&out)));
    (out.status.code(), json)
}

fn statuses(report: &Value) -> HashMap<String, Value> {
    report["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["email"].as_str().unwrap().to_owned(), p.clone()))
        .collect()
}

fn use_link(world: &World, link: &str) {
    world.sandbox.use_link(link, PASSWORD).unwrap();
}

#[test]
fn followup_keeps_its_contract_and_reminds_exactly_the_pending_with_links_that_work() {
    let world = World::new(quiet_sandbox());
    let batch = invite(&world, 5, &[]);
    let invitations = mails(&world);
    assert_eq!(invitations.len(), 5);
    let first: HashMap<String, String> = invitations
        .iter()
        .map(|(to, link, _)| (to.clone(), link.clone()))
        .collect();
    use_link(&world, &first["person000@example.com"]);
    use_link(&world, &first["person001@example.com"]);
    world
        .sandbox
        .sign_in("person001@example.com", PASSWORD)
        .unwrap();

    let (code, report) = followup(&world, &[&batch]);
    assert_eq!(code, Some(0));
    let mut keys: Vec<&str> = report
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    for key in ["batch_id", "checked_at", "counts", "people"] {
        assert!(keys.contains(&key), "{key} in {keys:?}");
    }
    assert_eq!(report["batch_id"], batch.as_str());
    assert!(report["checked_at"].as_str().unwrap().ends_with('Z'));
    for key in ["accepted", "pending", "expired", "not_invited"] {
        assert!(report["counts"][key].is_u64(), "counts.{key}");
    }
    assert_eq!(report["counts"]["accepted"], 2);
    assert_eq!(report["counts"]["pending"], 3);
    let people = statuses(&report);
    for person in people.values() {
        for key in [
            "email",
            "status",
            "invited_at",
            "link_expires_at",
            "accepted_at",
            "last_login",
            "reminders",
        ] {
            assert!(person.get(key).is_some(), "people[].{key}: {person}");
        }
    }
    assert_eq!(people["person000@example.com"]["status"], "accepted");
    assert!(people["person000@example.com"]["accepted_at"].is_string());
    assert!(people["person000@example.com"]["last_login"].is_null());
    assert!(people["person001@example.com"]["last_login"].is_string());
    assert_eq!(people["person004@example.com"]["status"], "pending");

    // A dry run says who would get one and sends nothing.
    let (code, planned) = followup(&world, &[&batch, "--remind", "--dry-run"]);
    assert_eq!(code, Some(0));
    assert_eq!(
        planned["would_send"]["reminders"].as_array().unwrap().len(),
        3
    );
    assert_eq!(world.smtp.messages().len(), 5);

    let (code, after) = followup(&world, &[&batch, "--remind"]);
    assert_eq!(code, Some(0), "{after}");
    assert_eq!(after["actions"][0]["kind"], "reminder");
    assert_eq!(after["actions"][0]["delivered"], 3);
    assert_eq!(
        after["actions"][0]["delivered_as"], "sent",
        "SMTP: the server took them"
    );
    let all = mails(&world);
    let reminders: Vec<&(String, String, String)> = all[5..].iter().collect();
    let mut to: Vec<&str> = reminders.iter().map(|(to, _, _)| to.as_str()).collect();
    to.sort_unstable();
    assert_eq!(
        to,
        [
            "person002@example.com",
            "person003@example.com",
            "person004@example.com"
        ]
    );
    for (to, link, subject) in &reminders {
        assert!(subject.starts_with("Reminder"), "{subject}");
        assert_ne!(link, &first[to], "a new link");
    }
    assert_eq!(statuses(&after)["person002@example.com"]["reminders"], 1);
    // The reminder's link works.
    use_link(&world, &reminders[0].1);
    let (_, last) = followup(&world, &[&batch]);
    assert_eq!(statuses(&last)[&reminders[0].0]["status"], "accepted");
    assert_eq!(last["counts"]["accepted"], 3);
    // Waves are not batches of History's.
    let history: Value = serde_json::from_str(&stdout(&world.run(&["history", "--json"]))).unwrap();
    assert_eq!(history.as_array().unwrap().len(), 1);
    // Asking nobody to be reminded without --remind is a setup error.
    let out = world.run(&["followup", &batch, "--only", "person004@example.com"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn twenty_second_links_expire_and_new_links_go_to_exactly_the_expired() {
    let world = World::new(quiet_sandbox());
    let batch = invite(&world, 3, &["--ttl", "20s"]);
    let first: HashMap<String, String> = mails(&world)
        .into_iter()
        .map(|(to, link, _)| (to, link))
        .collect();
    use_link(&world, &first["person000@example.com"]);
    std::thread::sleep(Duration::from_secs(21));
    let (_, report) = followup(&world, &[&batch]);
    let people = statuses(&report);
    assert_eq!(people["person000@example.com"]["status"], "accepted");
    assert_eq!(people["person001@example.com"]["status"], "expired");
    assert_eq!(report["counts"]["expired"], 2);
    assert!(
        world
            .sandbox
            .use_link(&first["person001@example.com"], PASSWORD)
            .is_err()
    );

    let (code, after) = followup(&world, &[&batch, "--remind"]);
    assert_eq!(code, Some(0));
    assert_eq!(
        after["actions"][0]["delivered"], 0,
        "the expired are not pending"
    );
    let (code, after) = followup(&world, &[&batch, "--reissue-expired"]);
    assert_eq!(code, Some(0), "{after}");
    assert_eq!(after["actions"][0]["delivered"], 2);
    let fresh: Vec<(String, String, String)> = mails(&world).into_iter().skip(3).collect();
    let mut to: Vec<&str> = fresh.iter().map(|(to, _, _)| to.as_str()).collect();
    to.sort_unstable();
    assert_eq!(to, ["person001@example.com", "person002@example.com"]);
    assert!(
        fresh
            .iter()
            .all(|(_, _, subject)| subject.starts_with("A new link"))
    );
    let p1 = fresh
        .iter()
        .find(|(to, _, _)| to == "person001@example.com")
        .unwrap();
    use_link(&world, &p1.1);
    let (_, last) = followup(&world, &[&batch]);
    let people = statuses(&last);
    assert_eq!(people["person001@example.com"]["status"], "accepted");
    assert_eq!(
        people["person002@example.com"]["status"], "pending",
        "a new link that works"
    );
}

#[test]
fn a_reminder_wave_killed_at_random_moments_and_run_again_reminds_nobody_twice() {
    let world = World::new(SandboxConfig {
        // Slow enough that the kills land mid-wave.
        rate_limit: 15.0,
        burst: 3,
        search_lag: Duration::ZERO,
        ..SandboxConfig::default()
    });
    let n = 30;
    let batch = invite(&world, n, &[]);
    assert_eq!(world.smtp.messages().len(), n);
    let mut rng = rand::rngs::StdRng::seed_from_u64(20261201);
    let mut kills = 0;
    let mut finished = None;
    for attempt in 0..30 {
        let command = world.command(&["followup", &batch, "--remind", "--json"]);
        let budget = if attempt < 6 {
            Duration::from_millis(rng.random_range(300..1500))
        } else {
            Duration::from_secs(120)
        };
        let (killed, output) = run_then_kill(command, budget);
        if killed {
            kills += 1;
            continue;
        }
        finished = Some(output);
        break;
    }
    let finished = finished.expect("the wave finished after the kills");
    assert!(kills >= 4, "only {kills} kills landed");
    let code = finished.status.code();
    assert!(
        code == Some(0) || code == Some(1),
        "{code:?}: {}",
        stderr(&finished)
    );

    let mut received: HashMap<String, usize> = HashMap::new();
    for raw in world.smtp.messages() {
        *received.entry(recipient(&raw)).or_default() += 1;
    }
    let (_, report) = followup(&world, &[&batch]);
    for (email, person) in statuses(&report) {
        let mails = received.get(&email).copied().unwrap_or(0);
        assert!(
            mails <= 2,
            "{email}: {mails} mails: one invitation, one reminder at most"
        );
        assert_eq!(
            person["reminders"], 1,
            "{email}: reminded once (delivered, or may have been sent): {person}"
        );
    }
    // The next call starts a new wave (a second reminder is allowed): it is not the old one again.
    let (code, again) = followup(&world, &[&batch, "--remind"]);
    assert_eq!(code, Some(0));
    assert_eq!(again["actions"][0]["resumed"], false);
}

/// Moves a batch, its people's events and its checks `days` back in time, as days passing would.
fn age_batch(world: &World, batch: &str, days: u32) {
    let db = rusqlite::Connection::open(world.path("data").join("journal.sqlite")).unwrap();
    let back = format!("-{days} days");
    let shift = |table: &str, column: &str| {
        db.execute(
            &format!(
                "UPDATE {table} SET {column} = strftime('%Y-%m-%dT%H:%M:%fZ', {column}, ?2)
                 WHERE batch_id = ?1 OR batch_id IN (SELECT id FROM batches WHERE follows = ?1)"
            ),
            rusqlite::params![batch, back],
        )
        .unwrap();
    };
    shift("events", "at");
    db.execute(
        "UPDATE batches SET created_at = strftime('%Y-%m-%dT%H:%M:%fZ', created_at, ?2)
         WHERE id = ?1 OR follows = ?1",
        rusqlite::params![batch, back],
    )
    .unwrap();
}

#[test]
fn due_sends_what_each_batch_s_cadence_has_due_and_nothing_more() {
    let world = World::new(quiet_sandbox());
    let plain = invite_as(&world, "plain", 2, &[]);
    let cadenced = invite_as(
        &world,
        "person",
        3,
        &["--remind-after", "3,6", "--mark-accepted"],
    );
    let first: HashMap<String, String> = mails(&world)
        .into_iter()
        .skip(2)
        .map(|(to, link, _)| (to, link))
        .collect();
    use_link(&world, &first["person000@example.com"]);

    let (code, nothing) = followup(&world, &["--due"]);
    assert_eq!(code, Some(0));
    assert_eq!(
        nothing["batches"].as_array().unwrap().len(),
        0,
        "day 0: nothing due"
    );

    age_batch(&world, &cadenced, 4);
    age_batch(&world, &plain, 4);
    let (code, day4) = followup(&world, &["--due"]);
    assert_eq!(code, Some(0), "{day4}");
    let batches = day4["batches"].as_array().unwrap();
    assert_eq!(batches.len(), 1, "only the batch with a cadence: {day4}");
    assert_eq!(batches[0]["batch_id"], cadenced.as_str());
    assert_eq!(batches[0]["actions"][0]["delivered"], 2);
    let sent: Vec<String> = mails(&world)
        .into_iter()
        .skip(5)
        .map(|(to, _, _)| to)
        .collect();
    assert_eq!(sent.len(), 2);
    assert!(
        !sent.contains(&"person000@example.com".to_owned()),
        "the accepted get none"
    );
    // Written back to Auth0 for the accepted.
    let accepted = world
        .sandbox
        .users()
        .into_iter()
        .filter(|u| u["app_metadata"]["invitation"]["status"] == "accepted")
        .count();
    assert_eq!(accepted, 1);

    let (_, again) = followup(&world, &["--due"]);
    assert_eq!(
        again["batches"].as_array().unwrap().len(),
        0,
        "the day-3 reminder went out once"
    );
    age_batch(&world, &cadenced, 3);
    let (_, day7) = followup(&world, &["--due"]);
    assert_eq!(
        day7["batches"][0]["actions"][0]["delivered"], 2,
        "the day-6 reminder: {day7}"
    );
    let (_, report) = followup(&world, &[&cadenced]);
    assert_eq!(statuses(&report)["person002@example.com"]["reminders"], 2);
    let (_, done) = followup(&world, &["--due"]);
    assert_eq!(
        done["batches"].as_array().unwrap().len(),
        0,
        "two reminders is the cadence"
    );
}
