//! `invite-desk run | resume | history | show | lookup | resend` as scripts use them, against the
//! sandbox tenant (served in this test process, checked through its inspection API) and a real SMTP
//! server on loopback; and the crash test: the CLI killed with SIGKILL at random moments and resumed
//! until the batch is done, with nobody created twice, mailed twice, or left without a final state.

#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use invite_desk_sandbox::{FaultSpec, SandboxConfig};
use invite_desk_testkit::{SmtpOptions, SmtpServer};
use rand::{Rng, SeedableRng};
use serde_json::Value;

mod common;
use common::*;

#[test]
fn run_invites_a_list_and_keeps_the_contract() {
    let world = World::new(SandboxConfig::default());
    let people = world.people_file(5, "not-an-address;Bad;Row\n");
    let results = world.path("results.csv");
    let smtp_url = world.smtp.url();
    let out = world.run(&[
        "run",
        people.to_str().unwrap(),
        "--connection",
        DB,
        "--smtp-url",
        &smtp_url,
        "--from",
        "IT <it@example.com>",
        "--results",
        results.to_str().unwrap(),
        "--hash-params",
        "type=invite",
        "--json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "one row failed: {}",
        stderr(&out)
    );
    let events: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let kinds: Vec<&str> = events
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.first(), Some(&"rejected"));
    assert!(kinds.contains(&"started") && kinds.contains(&"person") && kinds.contains(&"progress"));
    assert_eq!(kinds.last(), Some(&"finished"));
    let finished = events.last().unwrap();
    assert_eq!(finished["counts"]["delivered"], 5);
    let batch_id = finished["batch_id"].as_str().unwrap().to_owned();

    let rows = read_results(&results);
    assert_eq!(rows.len(), 6);
    let statuses: Vec<&str> = rows.iter().map(|r| r["status"].as_str()).collect();
    assert_eq!(
        statuses,
        [
            "invited", "invited", "invited", "invited", "invited", "failed"
        ]
    );
    assert!(rows[5]["error"].contains("not-an-address"), "{:?}", rows[5]);
    for row in &rows[..5] {
        assert!(row["user_id"].starts_with("auth0|"));
    }
    assert!(world.users_per_email().values().all(|n| *n == 1));
    let mails = world.mails_per_recipient();
    assert_eq!(mails.len(), 5);
    assert!(mails.values().all(|n| *n == 1));

    // history --json: newest first, objects with "id" and "status".
    let out = world.run(&["history", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let history: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(history[0]["id"], batch_id.as_str());
    assert_eq!(history[0]["status"], "finished");
    assert_eq!(
        history[0]["profile"],
        Value::Null,
        "run without a saved profile"
    );

    let out = world.run(&["show", &batch_id, "--json"]);
    let shown: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(shown["results"].as_array().unwrap().len(), 5);

    // Support: look the person up, resend, and the second mail arrives with a new link.
    let out = world.run(&["lookup", "person001@example.com", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let found: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(found["tenant"].as_array().unwrap().len(), 1);
    assert_eq!(found["tenant"][0]["invitation"]["status"], "invited");
    assert_eq!(found["history"][0]["batch_id"], batch_id.as_str());
    let out = world.run(&["resend", "person001@example.com"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(world.mails_per_recipient()["person001@example.com"], 2);
    assert_eq!(world.users_per_email()["person001@example.com"], 1);
    let out = world.run(&["lookup", "person001@example.com", "--json"]);
    let found: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(found["history"].as_array().unwrap().len(), 2);

    // Links never reach the journal or the results.
    let journal = std::fs::read(world.path("data/journal.sqlite")).unwrap();
    assert!(!String::from_utf8_lossy(&journal).contains("ticket="));
    assert!(
        !std::fs::read_to_string(&results)
            .unwrap()
            .contains("ticket=")
    );
    // Nor the log; and the client secret never reaches it either.
    let mut log = String::new();
    for entry in std::fs::read_dir(world.path("data/logs")).unwrap() {
        log.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    assert!(log.contains("INFO"), "the runs were logged");
    assert!(!log.contains("ticket="), "a link reached the log");
    assert!(
        !log.contains(&world.sandbox.config().client_secret),
        "the client secret reached the log"
    );
}

#[test]
fn setup_errors_exit_two_and_dry_runs_change_nothing() {
    let world = World::new(SandboxConfig::default());
    let people = world.people_file(3, "");
    let p = people.to_str().unwrap();
    let smtp_url = world.smtp.url();

    let out = world.run(&["run", p, "--connection", DB]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("how should invitations go out"),
        "{}",
        stderr(&out)
    );

    let out = world.run(&[
        "run",
        p,
        "--connection",
        "No-Such-DB",
        "--smtp-url",
        &smtp_url,
        "--from",
        "it@example.com",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("No-Such-DB"), "{}", stderr(&out));

    let out = world
        .command(&["run", p, "--connection", DB, "--outbox", "o"])
        .env_remove("AUTH0_CLIENT_SECRET")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("AUTH0_CLIENT_SECRET"),
        "{}",
        stderr(&out)
    );

    let out = world.run(&[
        "run",
        p,
        "--connection",
        DB,
        "--outbox",
        "o",
        "--roles",
        "no-such-role",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no-such-role"), "{}", stderr(&out));

    let batch_file = world.path("saved.json");
    let requests_before = world.sandbox.counters().requests;
    let out = world
        .command(&[
            "run",
            p,
            "--connection",
            DB,
            "--outbox",
            "o",
            "--dry-run",
            "--json",
            "--save",
            batch_file.to_str().unwrap(),
        ])
        .env_remove("AUTH0_DOMAIN")
        .env_remove("AUTH0_CLIENT_ID")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let plan: Value = serde_json::from_str(stdout(&out).lines().last().unwrap()).unwrap();
    assert_eq!(plan["event"], "plan");
    assert_eq!(plan["plan"]["to_create"], 3);
    assert_eq!(plan["plan"]["people"][0]["steps"][0], "look_up");
    assert!(world.sandbox.users().is_empty(), "a dry run creates nobody");
    assert_eq!(
        world.sandbox.counters().requests,
        requests_before,
        "and asks the tenant nothing"
    );

    // The saved batch runs later, with the tenant given then. Its outbox lies outside the data
    // folder, so the file's destinations are shown and the run needs a go-ahead.
    let outbox = world.path("o");
    let out = world
        .command(&["run", batch_file.to_str().unwrap()])
        .current_dir(world.dir.path())
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("! outbox folder"), "{}", stderr(&out));
    assert!(world.sandbox.users().is_empty());
    let out = world
        .command(&["run", batch_file.to_str().unwrap(), "--yes"])
        .current_dir(world.dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(std::fs::read_dir(outbox).unwrap().count(), 3);
    assert_eq!(world.users_per_email().len(), 3);
}

#[test]
fn killed_at_random_moments_and_resumed_nobody_is_created_or_mailed_twice() {
    let world = World::new(SandboxConfig {
        // Slow enough that each kill lands mid-batch; dropped answers and 503s on top.
        rate_limit: 25.0,
        burst: 5,
        faults: FaultSpec::parse("503=0.03,drop=0.03").unwrap(),
        ..SandboxConfig::default()
    });
    // ~270 calls at 25/s: about 11 s of work, far more than a dozen kills of at most 0.7 s each.
    let n = 90;
    let people = world.people_file(n, "");
    let smtp_url = world.smtp.url();
    let mut rng = rand::rngs::StdRng::seed_from_u64(20261122);
    let results = world.path("results.csv");
    let first = world.command(&[
        "run",
        people.to_str().unwrap(),
        "--connection",
        DB,
        "--smtp-url",
        &smtp_url,
        "--from",
        "it@example.com",
        "--results",
        results.to_str().unwrap(),
        "--json",
    ]);
    let (mut killed, _) = run_then_kill(first, Duration::from_millis(rng.random_range(150..900)));
    assert!(killed, "the first run was killed before the end");
    let mut kills = 1;
    let history: Value = serde_json::from_str(&stdout(&world.run(&["history", "--json"]))).unwrap();
    let batch_id = history[0]["id"].as_str().unwrap().to_owned();
    let mut last = None;
    for _ in 0..40 {
        let resume = world.command(&["resume", &batch_id, "--results", results.to_str().unwrap()]);
        let budget = if kills < 12 {
            Duration::from_millis(rng.random_range(100..700))
        } else {
            Duration::from_secs(120)
        };
        let (was_killed, output) = run_then_kill(resume, budget);
        killed = was_killed;
        if killed {
            kills += 1;
            continue;
        }
        last = Some(output);
        break;
    }
    let last = last.expect("the batch finished after the kills");
    assert!(kills >= 10, "only {kills} kills landed");
    let code = last.status.code();
    assert!(
        code == Some(0) || code == Some(1),
        "{code:?}: {}",
        stderr(&last)
    );

    let rows = read_results(&results);
    assert_eq!(rows.len(), n);
    let users = world.users_per_email();
    let mails = world.mails_per_recipient();
    for row in &rows {
        let email = &row["email"];
        assert_eq!(users.get(email), Some(&1), "{email} created exactly once");
        let received = mails.get(email).copied().unwrap_or(0);
        assert!(received <= 1, "{email} mailed {received} times");
        match row["status"].as_str() {
            "invited" => assert_eq!(received, 1, "{email}: invited means one mail"),
            "failed" => assert_eq!(
                row["error_code"], "delivery_unconfirmed",
                "{email}: the only failure a kill may leave is an unconfirmed mail: {row:?}"
            ),
            other => panic!("{email}: unexpected status {other}"),
        }
        assert!(
            ["delivered", "unconfirmed"].contains(&row["state"].as_str()),
            "{email} ended in a final state: {row:?}"
        );
    }
    world.runtime.block_on(async {});
}

#[test]
fn a_mail_server_that_goes_away_stops_the_run_and_resume_invites_everyone_exactly_once() {
    let world = World::new(SandboxConfig {
        // Slow enough that the server goes down with most people still to mail.
        latency: Duration::from_millis(10),
        ..SandboxConfig::default()
    });
    let n = 41;
    let people = world.people_file(n, "");
    let results = world.path("results.csv");
    let smtp_url = world.smtp.url();
    let mut run = world
        .command(&[
            "run",
            people.to_str().unwrap(),
            "--connection",
            DB,
            "--smtp-url",
            &smtp_url,
            "--from",
            "it@example.com",
            "--results",
            results.to_str().unwrap(),
            "--concurrency",
            "2",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    while world.smtp.messages().len() < 5 {
        assert!(
            run.try_wait().unwrap().is_none(),
            "the run ended before 5 mails"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    world.smtp.go_down();
    let out = run.wait_with_output().unwrap();
    // The circuit breaker: a few people in a row refused, the run stops itself (exit 3, resumable)
    // with one message instead of failing everyone left.
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("the run stopped itself"),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains(" 0 failed, "),
        "people the run never got to are not counted as failed: {}",
        stdout(&out)
    );
    assert!(stdout(&out).contains(" not finished "), "{}", stdout(&out));
    let mailed_before = world.mails_per_recipient().len();
    assert!(mailed_before < n, "the server went down mid-batch");
    let rows = read_results(&results);
    let failed_for_real = rows.iter().filter(|r| r["state"] == "failed").count();
    assert_eq!(
        failed_for_real, 0,
        "nobody failed for the server's fault: {rows:?}"
    );
    assert!(
        world.users_per_email().len() < n,
        "the run stopped before working through the whole list"
    );

    world.smtp.come_back();
    let batch_id = newest_batch(&world);
    let out = world.run(&[
        "resume",
        &batch_id,
        "--retry-failed",
        "--results",
        results.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rows = read_results(&results);
    assert_eq!(rows.len(), n);
    assert!(
        rows.iter().all(|r| r["status"] == "invited"),
        "once the server is back everyone is invited (nobody skipped over the account the batch made): {rows:?}"
    );
    let mails = world.mails_per_recipient();
    assert_eq!(mails.len(), n);
    assert!(mails.values().all(|m| *m == 1), "{mails:?}");
    assert!(world.users_per_email().values().all(|u| *u == 1));
}

#[test]
fn check_reports_readiness_and_exits_by_it() {
    let world = World::new(SandboxConfig::default());
    let out = world.run(&["check", "--connection", DB, "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["readiness"], "ready");
    assert_eq!(report["missing"].as_array().unwrap().len(), 0);
    assert!(report["rate_limit"].as_u64().is_some());

    let out = world.run(&["check", "--connection", "No-Such-DB"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(stdout(&out).contains("No-Such-DB"), "{}", stdout(&out));
    assert!(stdout(&out).contains("bucket of"), "{}", stdout(&out));

    // A client without the ticket scope cannot invite anyone; one without roles only warns.
    let scopes = |without: &[&str]| -> Vec<String> {
        invite_desk_sandbox::DEFAULT_SCOPES
            .iter()
            .filter(|s| !without.contains(s))
            .map(|s| (*s).to_owned())
            .collect()
    };
    let narrow = World::new(SandboxConfig {
        scopes: scopes(&["create:user_tickets"]),
        ..SandboxConfig::default()
    });
    let out = narrow.run(&["check", "--connection", DB]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stdout(&out).contains("create:user_tickets"),
        "{}",
        stdout(&out)
    );
    let no_roles = World::new(SandboxConfig {
        scopes: scopes(&["create:role_members"]),
        ..SandboxConfig::default()
    });
    let out = no_roles.run(&["check", "--connection", DB, "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["readiness"], "usable_with_warnings");

    let out = world
        .command(&["check"])
        .env("AUTH0_CLIENT_SECRET", "wrong")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("(auth)"), "{}", stderr(&out));
}

#[test]
fn a_new_link_is_printed_once_and_a_resend_after_it_still_mails() {
    let world = World::new(SandboxConfig::default());
    let people = world.people_file(2, "");
    let smtp_url = world.smtp.url();
    let out = world.run(&[
        "run",
        people.to_str().unwrap(),
        "--connection",
        DB,
        "--smtp-url",
        &smtp_url,
        "--from",
        "it@example.com",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let first = newest_batch(&world);

    let out = world.run(&["link", "person000@example.com"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let link = stdout(&out);
    assert!(link.trim().contains("ticket="), "{link}");
    assert_eq!(link.lines().count(), 1, "the link alone on stdout");
    assert!(
        !stderr(&out).contains("ticket="),
        "the link is printed once"
    );
    assert_eq!(
        world.mails_per_recipient()["person000@example.com"],
        1,
        "a copied link is not mailed"
    );
    let out = world.run(&["link", "person000@example.com", "--json"]);
    let copied: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(copied["url"].as_str().unwrap().contains("ticket="));
    assert!(!copied["expires_at"].as_str().unwrap().is_empty());
    let mut keys: Vec<&str> = copied
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["batch_id", "email", "expires_at", "url"],
        "the documented shape"
    );

    // The newest batch for this person is a copied link: the resend still takes the invitation's
    // settings and mails.
    let out = world.run(&["resend", "person000@example.com"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("person000@example.com: accepted by the mail server: 250"),
        "the resend says what it did: {}",
        stdout(&out)
    );
    assert_eq!(world.mails_per_recipient()["person000@example.com"], 2);
    assert!(
        std::fs::read_dir(world.path("data/links"))
            .map(|d| d.count())
            .unwrap_or(0)
            == 0,
        "no link file is left behind"
    );
    let out = world.run(&["link", "person000@example.com", "--batch", &first]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let journal_and_log = |dir: &str| -> String {
        let mut text = String::new();
        for entry in std::fs::read_dir(world.path(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                text.push_str(&String::from_utf8_lossy(&std::fs::read(path).unwrap()));
            }
        }
        text
    };
    let kept = journal_and_log("data") + &journal_and_log("data/logs");
    assert!(!kept.contains(link.trim()), "the link is in no file");
}

#[test]
fn production_profiles_need_a_go_ahead_before_anything_is_done() {
    let world = World::new(SandboxConfig::default());
    world.production_profile("prod");
    let people = world.people_file(3, "");
    let outbox = world.path("outbox");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "run",
            people.to_str().unwrap(),
            "--profile",
            "prod",
            "--outbox",
            outbox.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        world
            .command(&args)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap()
    };
    let out = run(&[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--yes"), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("(needs_confirmation)"),
        "{}",
        stderr(&out)
    );
    assert!(world.sandbox.users().is_empty(), "nothing was created");
    let history: Value = serde_json::from_str(&stdout(&world.run(&["history", "--json"]))).unwrap();
    assert_eq!(
        history.as_array().unwrap().len(),
        0,
        "nothing was journaled"
    );

    let out = run(&["--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(world.users_per_email().len(), 3);
    // History names the profile it ran on: where its people are looked up.
    let history: Value = serde_json::from_str(&stdout(&world.run(&["history", "--json"]))).unwrap();
    assert_eq!(history[0]["profile"], "prod");

    for args in [
        vec!["resend", "person001@example.com"],
        vec!["link", "person001@example.com"],
    ] {
        let out = world
            .command(&args)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("--yes"), "{}", stderr(&out));
    }
    let batch_id = newest_batch(&world);
    let out = world
        .command(&["resume", &batch_id])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = world.run(&["resend", "person001@example.com", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn one_run_per_batch_across_processes_and_different_batches_side_by_side() {
    // Slow enough (about 3 calls of 40 ms per person, 8 at a time) that the first run is still
    // going when it is killed, and that a resume holds the batch while the other one starts.
    let world = World::new(SandboxConfig {
        latency: Duration::from_millis(40),
        ..SandboxConfig::default()
    });
    let n = 80;
    let people = world.people_file(n, "");
    let outbox = world.path("outbox");
    let run_args = |list: &Path, outbox: &Path| {
        vec![
            "run".to_owned(),
            list.to_str().unwrap().to_owned(),
            "--connection".to_owned(),
            DB.to_owned(),
            "--outbox".to_owned(),
            outbox.to_str().unwrap().to_owned(),
        ]
    };
    let args = run_args(&people, &outbox);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (killed, _) = run_then_kill(world.command(&args), Duration::from_millis(400));
    assert!(killed, "the first run was killed mid-batch");
    let batch_id = newest_batch(&world);

    // Two resumes of the same batch at once: one runs it, the other refuses at once.
    let spawn = |args: &[&str]| {
        world
            .command(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let first = spawn(&["resume", &batch_id]);
    let second = spawn(&["resume", &batch_id]);
    let outputs = [
        first.wait_with_output().unwrap(),
        second.wait_with_output().unwrap(),
    ];
    let mut codes: Vec<Option<i32>> = outputs.iter().map(|o| o.status.code()).collect();
    codes.sort();
    assert_eq!(
        codes,
        [Some(0), Some(2)],
        "{}\n{}",
        stderr(&outputs[0]),
        stderr(&outputs[1])
    );
    let refused = outputs.iter().find(|o| o.status.code() == Some(2)).unwrap();
    assert!(
        stderr(refused).contains(&format!(
            "batch {batch_id} is being run by another Invite Desk (pid"
        )),
        "{}",
        stderr(refused)
    );
    // Messages, not the hidden half-written file a killed write may leave behind.
    let messages = |dir: &Path| {
        std::fs::read_dir(dir)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .path()
                    .extension()
                    .is_some_and(|x| x == "eml")
            })
            .count()
    };
    assert_eq!(messages(&outbox), n);
    assert!(world.users_per_email().values().all(|u| *u == 1));

    // Two different batches in two processes at once, on one journal: both finish.
    let lists: Vec<PathBuf> = ["a", "b"]
        .iter()
        .map(|tag| {
            let path = world.path(&format!("{tag}.csv"));
            let text: String = (0..15).map(|i| format!("{tag}{i}@example.com\n")).collect();
            std::fs::write(&path, text).unwrap();
            path
        })
        .collect();
    let children: Vec<_> = lists
        .iter()
        .map(|list| {
            let args = run_args(list, &world.path("outbox-side-by-side"));
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            spawn(&args)
        })
        .collect();
    let outs: Vec<Output> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    for out in &outs {
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}\n---\n{}",
            stderr(&outs[0]),
            stderr(&outs[1])
        );
    }
    assert_eq!(messages(&world.path("outbox-side-by-side")), 30);
    assert_eq!(world.users_per_email().len(), n + 30);
}

#[test]
fn preflight_stops_a_doomed_batch_before_anyone_is_created() {
    let world = World::new(SandboxConfig::default());
    let people = world.people_file(20, "");
    let p = people.to_str().unwrap();
    let assert_refused = |out: &Output, cause: &str| {
        assert_eq!(out.status.code(), Some(2), "{}", stderr(out));
        assert!(stderr(out).contains(cause), "{cause}: {}", stderr(out));
        assert!(
            stderr(out).contains("nothing was written to the tenant"),
            "{}",
            stderr(out)
        );
        assert!(world.sandbox.users().is_empty(), "nobody was created");
    };

    // A wrong SMTP password: the login is tried (and refused) before the first account.
    let guarded = SmtpServer::start(SmtpOptions {
        auth: Some(("it@example.com", "right-password")),
        ..SmtpOptions::default()
    });
    let url = format!("smtp://it%40example.com@127.0.0.1:{}", guarded.port);
    let args = [
        "run",
        p,
        "--connection",
        DB,
        "--smtp-url",
        &url,
        "--from",
        "it@example.com",
    ];
    let out = world
        .command(&args)
        .env("SMTP_PASSWORD", "wrong-password")
        .output()
        .unwrap();
    assert_refused(&out, "refused");
    assert!(stderr(&out).contains(&format!("127.0.0.1:{}", guarded.port)));

    // A sender the server will not take (it checks senders at MAIL FROM).
    let out = world
        .command(&[
            "run",
            p,
            "--connection",
            DB,
            "--smtp-url",
            &url,
            "--from",
            "refused-sender@example.com",
        ])
        .env("SMTP_PASSWORD", "right-password")
        .output()
        .unwrap();
    assert_refused(&out, "refused the sender refused-sender@example.com");
    assert!(stderr(&out).contains("553"), "{}", stderr(&out));

    // A client without the ticket scope.
    let narrow = World::new(SandboxConfig {
        scopes: invite_desk_sandbox::DEFAULT_SCOPES
            .iter()
            .filter(|s| **s != "create:user_tickets")
            .map(|s| (*s).to_owned())
            .collect(),
        ..SandboxConfig::default()
    });
    let out = narrow.run(&["run", p, "--connection", DB, "--outbox", "o"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("create:user_tickets"),
        "{}",
        stderr(&out)
    );
    assert!(narrow.sandbox.users().is_empty());

    // A signing key too short for HS256.
    let outbox = world.path("outbox");
    let out = world
        .command(&[
            "run",
            p,
            "--connection",
            DB,
            "--outbox",
            outbox.to_str().unwrap(),
            "--result-url",
            "https://app.example.com/welcome",
            "--sign-result-url",
        ])
        .env("INVITE_DESK_SIGNING_KEY", "too-short")
        .output()
        .unwrap();
    assert_refused(&out, "at least 32");

    // An outbox that cannot be a folder (its parent is a file).
    let file = world.path("a-file");
    std::fs::write(&file, "x").unwrap();
    let blocked = file.join("outbox");
    let out = world.run(&[
        "run",
        p,
        "--connection",
        DB,
        "--outbox",
        blocked.to_str().unwrap(),
    ]);
    assert_refused(&out, "is a file");

    // The dry run prints the same checks (offline: no tenant, no mail server asked) and exits 2.
    let out = world.run(&[
        "run",
        p,
        "--connection",
        DB,
        "--outbox",
        blocked.to_str().unwrap(),
        "--dry-run",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let plan: Value = serde_json::from_str(stdout(&out).lines().last().unwrap()).unwrap();
    let checks = plan["preflight"]["checks"].as_array().unwrap();
    let status = |item: &str| {
        checks
            .iter()
            .find(|c| c["item"] == item)
            .map(|c| c["status"].as_str().unwrap().to_owned())
            .unwrap()
    };
    assert_eq!(status("delivery"), "failed");
    assert_eq!(status("credentials"), "skipped");
    assert_eq!(status("template"), "passed");
    assert!(world.sandbox.users().is_empty());

    // With the right password the same batch goes through.
    let out = world
        .command(&args)
        .env("SMTP_PASSWORD", "right-password")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(guarded.messages().len(), 20);
}

#[test]
fn a_mail_server_down_from_the_start_stops_the_run_and_a_resume_once_it_is_up_invites_everyone() {
    let world = World::new(SandboxConfig::default());
    let people = world.people_file(12, "");
    let port = invite_desk_testkit::free_port();
    let url = format!("smtp://127.0.0.1:{port}");
    let out = world.run(&[
        "run",
        people.to_str().unwrap(),
        "--connection",
        DB,
        "--smtp-url",
        &url,
        "--from",
        "it@example.com",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("127.0.0.1:{port}")),
        "{}",
        stderr(&out)
    );
    assert!(world.sandbox.users().is_empty(), "nobody was created");
    let batch_id = newest_batch(&world);
    let history: Value = serde_json::from_str(&stdout(&world.run(&["history", "--json"]))).unwrap();
    assert_eq!(history[0]["status"], "failed_to_start");

    let server = SmtpServer::start(SmtpOptions {
        port: Some(port),
        ..SmtpOptions::default()
    });
    let out = world.run(&["resume", &batch_id]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(server.messages().len(), 12);
    assert!(world.users_per_email().values().all(|u| *u == 1));
}

/// The app's side of the journal, as the desktop shell opens it: the engine's service in this
/// process, with the sandbox's secret as its only credential.
struct SandboxSecret(String);

impl invite_desk_engine::service::CredentialSource for SandboxSecret {
    fn secret(
        &self,
        _profile: Option<&str>,
        kind: invite_desk_engine::secrets::SecretKind,
    ) -> Result<Option<invite_desk_engine::service::Credential>, invite_desk_engine::AppError> {
        Ok(
            (kind == invite_desk_engine::secrets::SecretKind::ClientSecret)
                .then(|| invite_desk_engine::service::Credential::Given(self.0.clone().into())),
        )
    }

    fn missing(
        &self,
        _profile: Option<&str>,
        _kind: invite_desk_engine::secrets::SecretKind,
    ) -> invite_desk_engine::AppError {
        invite_desk_engine::AppError::internal("only the client secret is known here")
    }
}

#[test]
fn the_app_and_a_script_run_two_batches_on_one_journal_at_once() {
    use invite_desk_engine::batch::{BatchFile, Delivery, InvitationSettings};
    use invite_desk_engine::service::{RunRequest, Service};
    let world = World::new(SandboxConfig {
        latency: Duration::from_millis(20),
        ..SandboxConfig::default()
    });
    let script_list = world.path("script.csv");
    std::fs::write(
        &script_list,
        (0..25)
            .map(|i| format!("script{i}@example.com\n"))
            .collect::<String>(),
    )
    .unwrap();
    let script_outbox = world.path("script-outbox");
    let script = world
        .command(&[
            "run",
            script_list.to_str().unwrap(),
            "--connection",
            DB,
            "--outbox",
            script_outbox.to_str().unwrap(),
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();

    let service = Service::open(
        invite_desk_engine::paths::AppPaths::under(world.path("data")),
        std::sync::Arc::new(invite_desk_engine::service::Keychain),
    )
    .unwrap()
    .with_credentials(std::sync::Arc::new(SandboxSecret(
        world.sandbox.config().client_secret.clone(),
    )));
    let app_outbox = world.path("app-outbox");
    let people = invite_desk_engine::roster::read_text(
        &(0..25)
            .map(|i| format!("app{i}@example.com\n"))
            .collect::<String>(),
        &invite_desk_engine::roster::ReadOptions::default(),
    )
    .unwrap()
    .people;
    let batch = BatchFile::new(
        people,
        InvitationSettings::new(DB),
        Delivery::Outbox {
            dir: app_outbox.to_string_lossy().into_owned(),
            from: None,
        },
    );
    let target = invite_desk_engine::run::RunTarget {
        domain: world.sandbox.base_url().to_owned(),
        client_id: world.sandbox.config().client_id.clone(),
        profile: None,
    };
    let summary = world
        .runtime
        .block_on(service.start_run(
            &target,
            batch,
            RunRequest::app(false),
            std::sync::Arc::new(|_| {}),
        ))
        .unwrap();
    assert_eq!(summary.outcomes.get("invited"), Some(&25), "{summary:?}");

    let out = script.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(std::fs::read_dir(&app_outbox).unwrap().count(), 25);
    assert_eq!(std::fs::read_dir(&script_outbox).unwrap().count(), 25);
    let history: Value = serde_json::from_str(&stdout(&world.run(&["history", "--json"]))).unwrap();
    let statuses: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["finished", "finished"]);
    assert!(world.users_per_email().values().all(|u| *u == 1));
    assert_eq!(world.users_per_email().len(), 50);
}

/// Outbox messages written so far (a message being written has a temporary name).
#[cfg(unix)]
fn outbox_messages(outbox: &Path) -> usize {
    std::fs::read_dir(outbox)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.file_name().to_string_lossy().ends_with(".eml"))
                .count()
        })
        .unwrap_or(0)
}

/// What the process wrote on stderr so far, collected by a thread.
#[cfg(unix)]
fn collect(stream: impl std::io::Read + Send + 'static) -> std::sync::Arc<shared::Text> {
    let text = std::sync::Arc::new(shared::Text::default());
    let sink = text.clone();
    std::thread::spawn(move || {
        let mut stream = stream;
        let mut buffer = [0u8; 512];
        while let Ok(n) = std::io::Read::read(&mut stream, &mut buffer) {
            if n == 0 {
                break;
            }
            sink.push(&buffer[..n]);
        }
    });
    text
}

#[cfg(unix)]
mod shared {
    /// Text appended by one thread and read by another.
    #[derive(Default)]
    pub struct Text(std::sync::Mutex<String>);

    impl Text {
        pub fn push(&self, bytes: &[u8]) {
            self.0
                .lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(bytes));
        }

        pub fn get(&self) -> String {
            self.0.lock().unwrap().clone()
        }
    }
}

#[cfg(unix)]
fn wait_for(what: &str, timeout: Duration, mut done: impl FnMut() -> bool) {
    let started = std::time::Instant::now();
    while !done() {
        assert!(started.elapsed() < timeout, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[cfg(unix)]
#[test]
fn sigusr1_pauses_a_run_between_steps_and_sigusr2_lets_it_finish() {
    use nix::sys::signal::{Signal, kill};
    use nix::unistd::Pid;

    // 40 people, three calls each, at 20 requests a second: several seconds of run to pause.
    let world = World::new(SandboxConfig {
        rate_limit: 20.0,
        burst: 5,
        ..SandboxConfig::default()
    });
    let people = world.people_file(40, "");
    let outbox = world.path("outbox");
    let mut child = world
        .command(&[
            "run",
            people.to_str().unwrap(),
            "--connection",
            DB,
            "--outbox",
            outbox.to_str().unwrap(),
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = Pid::from_raw(i32::try_from(child.id()).unwrap());
    let stderr_text = collect(child.stderr.take().unwrap());

    wait_for("the first invitations", Duration::from_secs(30), || {
        let exited = child.try_wait().unwrap();
        assert!(exited.is_none(), "{exited:?}: {}", stderr_text.get());
        outbox_messages(&outbox) >= 3
    });
    let progress = || (world.sandbox.users().len(), outbox_messages(&outbox));
    let at_signal = progress();
    kill(pid, Signal::SIGUSR1).unwrap();
    wait_for(
        "the pause to be acknowledged",
        Duration::from_secs(10),
        || stderr_text.get().contains("paused (SIGUSR1)"),
    );
    // The steps under way finish (each waits its turn at the rate limit); then nothing moves.
    // Settled means 3 s without a change: with the other tests of this file running beside it on
    // two cores, a step under way was once still finishing after 1 s of quiet.
    let mut settled = progress();
    let mut quiet_since = std::time::Instant::now();
    wait_for(
        "the steps under way to finish",
        Duration::from_secs(40),
        || {
            let now = progress();
            if now != settled {
                settled = now;
                quiet_since = std::time::Instant::now();
            }
            quiet_since.elapsed() >= Duration::from_secs(3)
        },
    );
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(
        progress(),
        settled,
        "nothing is created or written while paused"
    );
    // Only the people under way (the CLI's default concurrency, 8) got further after the signal.
    assert!(
        settled.0 <= at_signal.0 + 8 && settled.1 <= at_signal.0 + 8,
        "paused at {at_signal:?}, settled at {settled:?}"
    );
    assert!(settled.1 < 40, "the pause came before the end: {settled:?}");
    assert!(
        child.try_wait().unwrap().is_none(),
        "a paused run keeps running"
    );

    kill(pid, Signal::SIGUSR2).unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{}", stderr_text.get());
    assert!(stderr_text.get().contains("continuing (SIGUSR2)"));
    assert_eq!(outbox_messages(&outbox), 40);
    let users = world.users_per_email();
    assert_eq!(users.len(), 40);
    assert!(users.values().all(|&n| n == 1), "nobody created twice");
}

#[cfg(unix)]
#[test]
fn on_a_terminal_a_production_run_asks_and_goes_ahead_only_for_the_profile_name() {
    use std::io::Write;

    let world = World::new(SandboxConfig::default());
    world.production_profile("prod");
    let people = world.people_file(3, "");
    let outbox = world.path("outbox");
    // Standard input is a real terminal (a pseudo-terminal); the answer is typed into it.
    let run_answering = |answer: &str| {
        let pty = nix::pty::openpty(None, None).unwrap();
        let mut command = world.command(&[
            "run",
            people.to_str().unwrap(),
            "--profile",
            "prod",
            "--outbox",
            outbox.to_str().unwrap(),
        ]);
        command
            .stdin(std::process::Stdio::from(pty.slave))
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let child = command.spawn().unwrap();
        drop(command);
        let mut keyboard = std::fs::File::from(pty.master);
        keyboard.write_all(answer.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        drop(keyboard);
        out
    };

    let out = run_answering("production\n");
    assert!(
        stderr(&out).contains("is a production tenant")
            && stderr(&out).contains("Type the profile's name"),
        "{}",
        stderr(&out)
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("not confirmed"), "{}", stderr(&out));
    assert!(
        world.sandbox.users().is_empty(),
        "a wrong answer does nothing"
    );

    let out = run_answering("prod\n");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(world.users_per_email().len(), 3);
    assert_eq!(outbox_messages(&outbox), 3);
}

#[test]
fn a_batch_file_that_sends_elsewhere_is_shown_and_needs_a_go_ahead() {
    let world = World::new(SandboxConfig::default());
    let ours = format!("smtp://localhost:{}?tls=opportunistic", world.smtp.port);
    let theirs = SmtpServer::start(SmtpOptions::default());
    let out = world.run(&[
        "profile",
        "set",
        "acme",
        "--domain",
        world.sandbox.base_url(),
        "--client-id",
        &world.sandbox.config().client_id,
        "--connection",
        DB,
        "--smtp-url",
        &ours,
        "--from",
        "Acme IT <it@acme.example>",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Prepared with the profile's own settings, then edited by someone else.
    let people = world.people_file(3, "");
    let file = world.path("travelled.json");
    let out = world.run(&[
        "run",
        people.to_str().unwrap(),
        "--profile",
        "acme",
        "--dry-run",
        "--save",
        file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut batch: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(batch["delivery"]["url"], ours.as_str());
    batch["delivery"]["url"] = format!("smtp://localhost:{}?tls=opportunistic", theirs.port).into();
    batch["invitation"]["result_url"] = "https://landing.attacker.example/welcome".into();
    assert!(
        batch["template"].is_null(),
        "the built-in wording is named, not copied"
    );
    batch["template"] = serde_json::json!({"languages": {"en": {
        "subject": "Your account",
        "html": "<img src=\"https://track.attacker.example/p.gif\"><a href=\"{{ link }}\">Set your password</a>",
        "text": "{{ link }}\n",
    }}});
    std::fs::write(&file, serde_json::to_string(&batch).unwrap()).unwrap();

    let run = |extra: &[&str]| {
        let mut args = vec!["run", file.to_str().unwrap(), "--profile", "acme"];
        args.extend_from_slice(extra);
        world
            .command(&args)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap()
    };
    let out = run(&[]);
    let text = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    for expected in [
        format!("! mail server      localhost:{}", theirs.port),
        format!("(the profile's: localhost:{})", world.smtp.port),
        "! result url       https://landing.attacker.example/welcome".to_owned(),
        "! remote resource  https://track.attacker.example/p.gif".to_owned(),
        "  connection       Username-Password-Authentication".to_owned(),
        "(needs_confirmation)".to_owned(),
    ] {
        assert!(text.contains(&expected), "missing {expected:?} in:\n{text}");
    }
    assert!(world.sandbox.users().is_empty(), "nothing was created");
    assert!(theirs.messages().is_empty() && world.smtp.messages().is_empty());

    // The same list as JSON for scripts.
    let out = run(&["--json"]);
    assert_eq!(out.status.code(), Some(2));
    let first: Value = serde_json::from_str(stdout(&out).lines().next().unwrap()).unwrap();
    assert_eq!(first["event"], "destinations");
    assert_eq!(first["destinations"]["needs_confirmation"], true);

    // A dry run that checks the tenant does not log in to the file's mail server with a given
    // password before the go-ahead (the delivery check is left for later).
    let out = world
        .command(&[
            "run",
            file.to_str().unwrap(),
            "--profile",
            "acme",
            "--dry-run",
            "--check-existing",
            "--json",
        ])
        .env("SMTP_PASSWORD", "the-admins-password")
        .output()
        .unwrap();
    let plan: Value = serde_json::from_str(stdout(&out).lines().last().unwrap()).unwrap();
    let delivery = plan["preflight"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["item"] == "delivery")
        .unwrap()
        .clone();
    assert_eq!(delivery["status"], "skipped", "{delivery}");

    // A batch file whose people are not a valid list is refused like a bad list.
    let mut broken = batch.clone();
    broken["people"][0]["email"] = "not-an-address".into();
    let bad = world.path("broken.json");
    std::fs::write(&bad, serde_json::to_string(&broken).unwrap()).unwrap();
    let out = world.run(&["run", bad.to_str().unwrap(), "--profile", "acme", "--yes"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("do not read as a valid list"),
        "{}",
        stderr(&out)
    );

    // Confirmed: it runs as written (the mail goes to the file's server, which needs no password;
    // the tenant from the environment, so no keychain is asked for the profile's password).
    let out = world
        .command(&["run", file.to_str().unwrap(), "--yes"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(theirs.messages().len(), 3);
    assert!(world.smtp.messages().is_empty());
}
