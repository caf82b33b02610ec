//! Batch wall time against its floor (the fewest Management API calls the batch needs, at the
//! tenant's rate limit) and against a naive loop (look up, create, ticket, mail; one person at a
//! time, as a hand-written script does). The sandbox adds a fixed latency to every answer so the
//! comparison includes the network, as a real tenant would.
//!
//! cargo bench -p invite-desk-engine --bench batch_run -- [--people N] [--rate R] [--latency-ms L]
//!     [--naive-sample M] [--faults SPEC] [--bulk] [--plan free|essentials|enterprise]
//!
//! With `--plan` the sandbox enforces that Auth0 plan's buckets (instead of one bucket of R/s) and the
//! engine chooses its strategy as it would on such a tenant (`--bulk` then only allows import jobs);
//! the floor is the plan's: the slowest bucket at the fewest calls the strategy needs.
//!
//! Figures and the commands that produced them: docs/benchmarks.md.

#![allow(clippy::unwrap_used)] // a benchmark: a failed unwrap is a failed run

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use invite_desk_auth0::models::{CreateUser, PasswordChangeTicket};
use invite_desk_auth0::{ClientOptions, Credentials, ManagementClient, TenantUrl};
use invite_desk_engine::batch::{BatchFile, Delivery, InvitationSettings};
use invite_desk_engine::delivery::{self, Sender};
use invite_desk_engine::journal::Journal;
use invite_desk_engine::roster::Person;
use invite_desk_engine::run::{self, RunControl, RunOptions, RunSetup, RunTarget};
use invite_desk_engine::run::{Creation, RunEvent};
use invite_desk_engine::template::{
    CompiledTemplates, Link, LinkKind, MessageKind, MessageSettings, Template,
};
use invite_desk_mail::Mailbox;
use invite_desk_mail::smtp::{SmtpMailer, SmtpSettings};
use invite_desk_sandbox::{FaultSpec, Sandbox, SandboxConfig, TenantPlan};
use invite_desk_testkit::{SmtpOptions, SmtpServer};

const DB: &str = "Username-Password-Authentication";

struct Args {
    people: usize,
    rate: f64,
    latency: Duration,
    naive_sample: usize,
    faults: String,
    bulk: bool,
    plan: Option<TenantPlan>,
}

fn args() -> Args {
    let mut out = Args {
        people: 2000,
        rate: 20.0,
        latency: Duration::from_millis(150),
        naive_sample: 100,
        faults: String::new(),
        bulk: false,
        plan: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--people" => out.people = it.next().unwrap().parse().unwrap(),
            "--rate" => out.rate = it.next().unwrap().parse().unwrap(),
            "--latency-ms" => {
                out.latency = Duration::from_millis(it.next().unwrap().parse().unwrap())
            }
            "--naive-sample" => out.naive_sample = it.next().unwrap().parse().unwrap(),
            "--faults" => out.faults = it.next().unwrap(),
            "--bulk" => out.bulk = true,
            "--plan" => out.plan = Some(it.next().unwrap().parse().unwrap()),
            _ => {} // cargo bench passes --bench
        }
    }
    out
}

fn people(prefix: &str, n: usize) -> Vec<Person> {
    (0..n)
        .map(|i| Person {
            line: i as u64 + 2,
            email: format!("{prefix}{i:06}@example.com"),
            given_name: Some(format!("Given{i}")),
            family_name: Some("Person".into()),
            name: None,
            roles: Vec::new(),
            app_metadata: serde_json::Map::new(),
            user_metadata: serde_json::Map::new(),
            locale: None,
            external_id: None,
        })
        .collect()
}

fn client(sb: &Sandbox) -> Arc<ManagementClient> {
    Arc::new(
        ManagementClient::new(
            TenantUrl::parse(sb.base_url()).unwrap(),
            Credentials {
                client_id: sb.config().client_id.clone(),
                client_secret: sb.config().client_secret.clone().into(),
            },
            ClientOptions::default(),
        )
        .unwrap(),
    )
}

fn sender() -> Sender {
    Sender {
        from: Mailbox::parse("IT <it@example.com>").unwrap(),
        reply_to: None,
    }
}

async fn sandbox(a: &Args, faults: &str) -> Sandbox {
    Sandbox::start(
        SandboxConfig {
            plan: a.plan,
            rate_limit: a.rate,
            burst: a.rate as u32,
            latency: a.latency,
            faults: FaultSpec::parse(faults).unwrap(),
            import_time_per_user: Duration::from_micros(100),
            ..SandboxConfig::default()
        },
        SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
    )
    .await
    .unwrap()
}

/// Runs the engine; returns (wall seconds, API calls, 429s, how users were created).
async fn engine_run(a: &Args, faults: &str, smtp: &SmtpServer) -> (f64, u64, u64, Creation) {
    let sb = sandbox(a, faults).await;
    let dir = tempfile::tempdir().unwrap();
    let journal = Arc::new(parking_lot::Mutex::new(
        Journal::open(&dir.path().join("journal.sqlite")).unwrap(),
    ));
    let mut invitation = InvitationSettings::new(DB);
    invitation.hash_params = Some("type=invite".into());
    let delivery = if a.bulk {
        Delivery::ExportLinks {
            file: dir.path().join("links.csv").to_string_lossy().into_owned(),
        }
    } else {
        Delivery::Smtp {
            url: smtp.url(),
            from: "it@example.com".into(),
            reply_to: None,
        }
    };
    let batch = BatchFile::new(people("p", a.people), invitation, delivery);
    run::record_batch(
        &mut run::lock(&journal),
        &batch,
        &RunTarget {
            domain: sb.base_url().into(),
            client_id: sb.config().client_id.clone(),
            profile: None,
        },
    )
    .unwrap();
    let deliverer = run::deliver::for_batch(&batch, Default::default()).unwrap();
    let client = client(&sb);
    // The preflight's first calls, as a run from the app or the CLI makes them: the tenant's
    // headers name its plan before the planner chooses.
    client.list_connections(None, Some(DB)).await.unwrap();
    let creation = Arc::new(parking_lot::Mutex::new(Creation::Individual));
    let seen = creation.clone();
    let started = Instant::now();
    let outcome = run::execute(
        RunSetup {
            client: client.clone(),
            journal,
            batch,
            deliverer,
            signing_key: None,
            token_issuer: "invite-desk:bench".into(),
            control: RunControl::new(),
            options: RunOptions {
                concurrency: 16,
                bulk_threshold: if a.bulk { 1 } else { usize::MAX },
                job_poll: Duration::from_millis(500),
                ..RunOptions::default()
            },
            known: Default::default(),
        },
        Arc::new(move |event| {
            if let RunEvent::Started { creation, .. } = event {
                *seen.lock() = creation;
            }
        }),
    )
    .await
    .unwrap();
    let wall = started.elapsed().as_secs_f64();
    assert_eq!(outcome.failed(), 0, "every person invited");
    let counters = sb.counters();
    let creation = *creation.lock();
    (wall, counters.requests, counters.rate_limited, creation)
}

/// The naive loop on `sample` people: seconds per person.
async fn naive_per_person(a: &Args, smtp: &SmtpServer) -> f64 {
    let sb = sandbox(a, "").await;
    let client = client(&sb);
    let templates = CompiledTemplates::compile(
        &Template::builtin(
            MessageKind::Invitation,
            LinkKind::PasswordChange,
            MessageSettings::default().known(),
        ),
        "en",
    )
    .unwrap();
    let settings = MessageSettings::default();
    let started = Instant::now();
    for person in people("n", a.naive_sample) {
        let _ = client.users_by_email(&person.email).await.unwrap();
        let user = client
            .create_user(&CreateUser {
                connection: DB.into(),
                email: person.email.clone(),
                password: Some("Correct-Horse-9-long!".to_owned().into()),
                ..CreateUser::default()
            })
            .await
            .unwrap()
            .value;
        let ticket = client
            .password_change_ticket(&PasswordChangeTicket {
                user_id: Some(user.user_id),
                ttl_sec: Some(604_800),
                ..PasswordChangeTicket::default()
            })
            .await
            .unwrap();
        let link = Link {
            url: ticket.ticket,
            expires_at: time::OffsetDateTime::now_utc(),
            ttl_seconds: 604_800,
        };
        let message =
            delivery::invitation(&person, &link, &templates, &settings, &sender()).unwrap();
        // One connection per mail, as a script that sends and forgets does.
        let mailer = SmtpMailer::new(&SmtpSettings::new(&smtp.url())).unwrap();
        mailer.send(&message).await.unwrap();
    }
    started.elapsed().as_secs_f64() / a.naive_sample as f64
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let a = args();
    let smtp = SmtpServer::start(SmtpOptions::default());
    let n = a.people as f64;
    let floor = match a.plan {
        // The fewest calls a person can cost: a create and a ticket one by one (the look-ups are
        // batched), the ticket alone with import jobs; from the global bucket of 50 at 16/s.
        Some(TenantPlan::Enterprise) if a.bulk => n / 16.0,
        Some(TenantPlan::Enterprise) => (2.0 * n - 50.0) / 16.0,
        // The tickets' bucket (10, then 150/min) is the slowest; nothing else waits for it.
        Some(TenantPlan::Essentials) => (n - 10.0) / 2.5,
        Some(TenantPlan::Free) if a.bulk => (n - 2.0) / 2.0,
        Some(TenantPlan::Free) => (2.0 * n - 2.0) / 2.0,
        // One bucket of R/s: look-up, create and ticket one by one; with import jobs, look-ups
        // and tickets.
        None if a.bulk => (2.0 * n - a.rate) / a.rate,
        None => (3.0 * n - a.rate) / a.rate,
    };
    match a.plan {
        Some(plan) => println!(
            "{} people, Auth0 {} plan, latency {} ms, import jobs {}",
            a.people,
            plan.label(),
            a.latency.as_millis(),
            if a.bulk { "allowed" } else { "off" }
        ),
        None => println!(
            "{} people, rate limit {}/s (burst {}), latency {} ms, creation {}",
            a.people,
            a.rate,
            a.rate,
            a.latency.as_millis(),
            if a.bulk { "bulk import" } else { "one by one" }
        ),
    }
    println!("floor: {floor:.1} s");
    let (wall, calls, limited, creation) = engine_run(&a, &a.faults, &smtp).await;
    println!("users created {creation:?}");
    println!(
        "engine{}: {wall:.1} s = {:.3} x floor; {calls} requests, {limited} answered 429 ({:.2}%)",
        if a.faults.is_empty() {
            String::new()
        } else {
            format!(" with faults {}", a.faults)
        },
        wall / floor,
        100.0 * limited as f64 / calls.max(1) as f64
    );
    if a.naive_sample > 0 && !a.bulk {
        let per_person = naive_per_person(&a, &smtp).await;
        let naive = per_person * a.people as f64;
        println!(
            "naive loop: {:.3} s per person (measured on {}), {naive:.0} s for {} = {:.1} x the engine",
            per_person,
            a.naive_sample,
            a.people,
            naive / wall
        );
    }
}
