//! Invitation benchmarks. Run: `cargo bench -p invite-desk-engine --bench mail`
//! 1. Rendering: the built-in template (subject, HTML, text) for 100,000 people.
//! 2. SMTP into a real server on loopback (aiosmtpd): one pooled transport vs a new connection per
//!    message (MAIL_BENCH_MESSAGES, default 1000; MAIL_BENCH_POOL connections, default 16).

use std::time::Instant;

use invite_desk_engine::delivery::{self, Sender};
use invite_desk_engine::roster::Person;
use invite_desk_engine::template::{
    CompiledTemplates, LinkKind, MessageKind, MessageSettings, Template,
};
use invite_desk_mail::Mailbox;
use invite_desk_mail::smtp::{SmtpMailer, SmtpSettings};
use invite_desk_testkit::{SmtpOptions, SmtpServer};

fn person(i: usize) -> Person {
    Person {
        line: i as u64 + 2,
        email: format!("person.{i}@example.com"),
        given_name: Some(format!("Given{i}")),
        family_name: Some(format!("Family <{i}> & Co")),
        name: None,
        roles: vec!["viewer".into()],
        app_metadata: serde_json::Map::new(),
        user_metadata: serde_json::Map::new(),
        locale: None,
        external_id: None,
    }
}

fn main() {
    let templates = CompiledTemplates::compile(
        &Template::builtin(
            MessageKind::Invitation,
            LinkKind::PasswordChange,
            MessageSettings::default().known(),
        ),
        "en",
    )
    .expect("built-in templates compile");
    let settings = MessageSettings::default();
    let link = delivery::sample_link(7 * 86_400);
    let people: Vec<Person> = (0..100_000).map(person).collect();

    let start = Instant::now();
    let mut bytes = 0usize;
    for p in &people {
        let content = templates.render(p, &link, &settings).expect("render");
        bytes += content.html.len() + content.text.len();
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "render: {} messages in {:.2} s = {:.0} messages/s ({:.0} MiB of HTML+text)",
        people.len(),
        secs,
        people.len() as f64 / secs,
        bytes as f64 / 1048576.0
    );

    let sender = Sender {
        from: Mailbox::new(Some("Bench"), "bench@example.com"),
        reply_to: None,
    };
    let start = Instant::now();
    let messages: Vec<lettre::Message> = people[..20_000]
        .iter()
        .map(|p| delivery::invitation(p, &link, &templates, &settings, &sender).expect("message"))
        .collect();
    let secs = start.elapsed().as_secs_f64();
    println!(
        "render + MIME build: {} messages in {:.2} s = {:.0} messages/s",
        messages.len(),
        secs,
        messages.len() as f64 / secs
    );

    let count: usize = std::env::var("MAIL_BENCH_MESSAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let server = SmtpServer::start(SmtpOptions::default());
        let connections: usize = std::env::var("MAIL_BENCH_POOL").ok().and_then(|v| v.parse().ok()).unwrap_or(16);
        let pooled = std::sync::Arc::new(
            SmtpMailer::new(&SmtpSettings { pool_size: connections as u32, ..SmtpSettings::new(&server.url()) }).expect("mailer"),
        );
        let start = Instant::now();
        let mut tasks = Vec::new();
        for worker in 0..connections {
            let (pooled, chunk) =
                (pooled.clone(), messages[..count].iter().skip(worker).step_by(connections).cloned().collect::<Vec<_>>());
            tasks.push(tokio::spawn(async move {
                for m in chunk {
                    pooled.send(&m).await.expect("pooled send");
                }
            }));
        }
        for t in tasks {
            t.await.expect("worker");
        }
        let secs = start.elapsed().as_secs_f64();
        println!("smtp pooled ({connections} connections, {connections} senders): {count} messages in {secs:.2} s = {:.0} messages/s", count as f64 / secs);

        let fresh_count = count / 4;
        let start = Instant::now();
        for m in &messages[..fresh_count] {
            // A new transport per message: a new connection, greeting and QUIT every time.
            let mailer = SmtpMailer::new(&SmtpSettings { pool_size: 1, ..SmtpSettings::new(&server.url()) }).expect("mailer");
            mailer.send(m).await.expect("fresh send");
        }
        let secs = start.elapsed().as_secs_f64();
        println!("smtp one connection per message: {fresh_count} messages in {secs:.2} s = {:.0} messages/s", fresh_count as f64 / secs);
        assert_eq!(server.messages().len(), count + fresh_count, "every message arrived");
    });
}
