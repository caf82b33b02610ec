//! Delivery through a real SMTP server on loopback (aiosmtpd, started by the test): plain and
//! STARTTLS with a test CA, AUTH, a 550 for one recipient, a 451 retried, a server that stalls,
//! pacing, and the outbox.

#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

use std::time::{Duration, Instant};

use invite_desk_mail::smtp::{SmtpMailer, SmtpSettings};
use invite_desk_mail::{Content, Envelope, MailErrorKind, Mailbox, build_message};
use invite_desk_testkit::{SmtpOptions, SmtpServer, test_certificates};

const LINK: &str = "https://acme.eu.auth0.com/u/reset-password?ticket=vCXrmOFD88EqTjKpvxBEwG7KmlQ0QFmS#type=invite&app=Portal";

fn message(to: &str) -> lettre::Message {
    let envelope = Envelope {
        from: Mailbox::new(Some("Acme Invitations"), "invites@acme.example"),
        reply_to: None,
        to: Mailbox::new(Some("Zoë Müller"), to),
    };
    let content = Content {
        subject: "Your account is ready".into(),
        html: format!(
            "<p><a href=\"{}\">Set my password</a></p>",
            LINK.replace('&', "&amp;")
        ),
        text: format!("Open {LINK}\n"),
    };
    build_message(&envelope, &content).unwrap()
}

fn settings(url: String) -> SmtpSettings {
    SmtpSettings {
        timeout: Duration::from_secs(5),
        ..SmtpSettings::new(&url)
    }
}

#[tokio::test]
async fn delivers_to_a_loopback_server_with_the_link_unchanged() {
    let server = SmtpServer::start(SmtpOptions::default());
    let mailer = SmtpMailer::new(&settings(server.url())).unwrap();
    mailer.check().await.unwrap();
    let accepted = mailer.send(&message("zoe@example.de")).await.unwrap();
    assert_eq!(accepted.code, 250);
    assert!(accepted.reply.contains("queued as 1"), "{}", accepted.reply);
    let received = server.messages();
    assert_eq!(received.len(), 1);
    let parsed = mailparse::parse_mail(&received[0]).unwrap();
    assert_eq!(parsed.subparts.len(), 2);
    assert!(parsed.subparts[0].get_body().unwrap().contains(LINK));
}

#[tokio::test]
async fn starttls_with_a_company_ca_and_auth() {
    let certs = test_certificates();
    let server = SmtpServer::start(SmtpOptions {
        tls: Some((&certs.server_cert, &certs.server_key)),
        auth: Some(("invites@acme.example", "s3cret-smtp")),
        ..SmtpOptions::default()
    });
    let url = format!(
        "smtp://invites%40acme.example@localhost:{}?tls=required",
        server.port
    );

    // Without the CA the certificate is not trusted: a configuration error, not a retry loop.
    let untrusted = SmtpMailer::new(&SmtpSettings {
        password: Some("s3cret-smtp".to_owned().into()),
        ..settings(url.clone())
    })
    .unwrap();
    let err = untrusted.send(&message("a@example.com")).await.unwrap_err();
    assert_eq!(err.kind, MailErrorKind::Config, "{err}");

    let wrong = SmtpMailer::new(&SmtpSettings {
        password: Some("wrong".to_owned().into()),
        extra_root_pem: Some(certs.ca_pem.clone()),
        ..settings(url.clone())
    })
    .unwrap();
    let err = wrong.send(&message("a@example.com")).await.unwrap_err();
    assert_eq!(err.kind, MailErrorKind::Permanent, "{err}");
    assert_eq!(err.code, Some(535));

    let mailer = SmtpMailer::new(&SmtpSettings {
        password: Some("s3cret-smtp".to_owned().into()),
        extra_root_pem: Some(certs.ca_pem.clone()),
        ..settings(url)
    })
    .unwrap();
    mailer.send(&message("a@example.com")).await.unwrap();
    assert_eq!(server.messages().len(), 1);

    // The preflight's sender check speaks outside the pool: STARTTLS, the CA, AUTH, MAIL FROM.
    mailer.check_sender("it@acme.example").await.unwrap();
    let refused = mailer
        .check_sender("refused-sender@acme.example")
        .await
        .unwrap_err();
    assert_eq!(refused.code, Some(553), "{refused}");
    let err = wrong.check_sender("it@acme.example").await.unwrap_err();
    assert_eq!(
        err.code,
        Some(535),
        "a wrong password fails the sender check too: {err}"
    );
    let err = untrusted.check_sender("it@acme.example").await.unwrap_err();
    assert_eq!(err.kind, MailErrorKind::Config, "{err}");
    assert_eq!(server.messages().len(), 1, "nothing was sent by the checks");
}

#[tokio::test]
async fn a_550_fails_that_person_only_and_a_451_is_retried() {
    let server = SmtpServer::start(SmtpOptions::default());
    let mailer = SmtpMailer::new(&settings(server.url())).unwrap();
    let first = mailer.send(&message("one@example.com")).await.unwrap();
    assert_eq!(first.attempts, 1);
    let rejected = mailer
        .send(&message("reject-me@example.com"))
        .await
        .unwrap_err();
    assert_eq!(
        (rejected.kind, rejected.code),
        (MailErrorKind::Permanent, Some(550))
    );
    assert!(
        rejected.message.contains("mailbox unavailable"),
        "{}",
        rejected.message
    );
    let busy = mailer.send(&message("busy@example.com")).await.unwrap();
    assert_eq!(busy.attempts, 2, "451 first, accepted on the retry");
    mailer.send(&message("two@example.com")).await.unwrap();
    assert_eq!(server.messages().len(), 3);
}

#[tokio::test]
async fn a_send_whose_answer_is_lost_is_reported_as_maybe_delivered_and_never_repeated() {
    let server = SmtpServer::start(SmtpOptions::default());
    let mailer = SmtpMailer::new(&settings(server.url())).unwrap();
    let lost = mailer
        .send(&message("vanish@example.com"))
        .await
        .unwrap_err();
    assert!(lost.maybe_delivered, "{lost:?}");
    assert_eq!(
        server.messages().len(),
        1,
        "the server has it, and it was not sent a second time"
    );
    // A server that cannot be reached never had it.
    let port = invite_desk_testkit::free_port();
    let nobody = SmtpMailer::new(&settings(format!("smtp://127.0.0.1:{port}"))).unwrap();
    let refused = nobody.send(&message("one@example.com")).await.unwrap_err();
    assert!(!refused.maybe_delivered, "{refused:?}");
    assert_eq!(
        refused.message,
        format!(
            "nothing answers at 127.0.0.1:{port} (connection refused): is the mail server running, and is the port right?"
        ),
        "it names the server and what to look at, once"
    );
}

#[tokio::test]
async fn a_stalled_server_times_out_instead_of_hanging() {
    // Accepts connections and never says a word.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let _keep = std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().take(4) {
            held.push(stream);
        }
        std::thread::sleep(Duration::from_secs(30));
    });
    let mailer = SmtpMailer::new(&SmtpSettings {
        timeout: Duration::from_millis(700),
        max_retries: 1,
        ..SmtpSettings::new(&format!("smtp://127.0.0.1:{port}"))
    })
    .unwrap();
    let start = Instant::now();
    let err = mailer.send(&message("a@example.com")).await.unwrap_err();
    assert_eq!(err.kind, MailErrorKind::Temporary, "{err}");
    assert!(
        start.elapsed() < Duration::from_secs(8),
        "{:?}",
        start.elapsed()
    );
}

#[tokio::test]
async fn sending_is_paced() {
    let server = SmtpServer::start(SmtpOptions::default());
    let mailer = SmtpMailer::new(&SmtpSettings {
        messages_per_second: Some(10.0),
        ..settings(server.url())
    })
    .unwrap();
    let start = Instant::now();
    for i in 0..6 {
        mailer
            .send(&message(&format!("p{i}@example.com")))
            .await
            .unwrap();
    }
    assert!(
        start.elapsed() >= Duration::from_millis(500),
        "6 messages at 10/s: {:?}",
        start.elapsed()
    );
}

#[test]
fn the_outbox_writes_whole_eml_files() {
    let dir = tempfile_dir();
    let path = invite_desk_mail::outbox::write_eml(
        dir.path(),
        &invite_desk_mail::outbox::message_file_name("0002-zoe@example.de", "b-1"),
        &message("zoe@example.de"),
    )
    .unwrap();
    assert_eq!(path.file_name().unwrap(), "0002-zoe@example.de.b-1.eml");
    let raw = std::fs::read(&path).unwrap();
    let parsed = mailparse::parse_mail(&raw).unwrap();
    assert_eq!(parsed.ctype.mimetype, "multipart/alternative");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    assert_eq!(
        invite_desk_mail::outbox::file_name("a/b\\c:d*e"),
        "a_b_c_d_e.eml"
    );
}

fn tempfile_dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

#[tokio::test]
async fn starttls_with_a_self_signed_certificate_trusted_explicitly() {
    let cert = invite_desk_testkit::self_signed_certificate();
    let server = SmtpServer::start(SmtpOptions {
        tls: Some((&cert.server_cert, &cert.server_key)),
        auth: None,
        ..SmtpOptions::default()
    });
    let url = format!("smtp://localhost:{}?tls=required", server.port);
    let refused = SmtpMailer::new(&settings(url.clone()))
        .unwrap()
        .send(&message("a@example.com"))
        .await
        .unwrap_err();
    assert_eq!(refused.kind, MailErrorKind::Config, "{refused}");
    assert!(
        refused.message.contains("is not trusted"),
        "{}",
        refused.message
    );
    let trusted = SmtpMailer::new(&SmtpSettings {
        extra_root_pem: Some(cert.ca_pem.clone()),
        ..settings(url)
    })
    .unwrap();
    trusted.send(&message("a@example.com")).await.unwrap();
    assert_eq!(server.messages().len(), 1);
}
