//! Helpers for tests: a real SMTP server (aiosmtpd, `tests/smtp/smtp_server.py`) on loopback, and a
//! test CA with a server certificate for STARTTLS. Test-only code: failures panic with what to do.

#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod workbooks;

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A free port on 127.0.0.1 (free when asked; the server binds it right after), never the same
/// one twice in a test process: tests run in parallel threads, and a port handed to one test as
/// "nothing listens here" must not become another test's mail server a moment later.
pub fn free_port() -> u16 {
    static GIVEN: parking_lot::Mutex<Vec<u16>> = parking_lot::Mutex::new(Vec::new());
    loop {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut given = GIVEN.lock();
        if !given.contains(&port) {
            given.push(port);
            return port;
        }
    }
}

/// An aiosmtpd server writing every accepted message to a folder. Stopped when dropped.
pub struct SmtpServer {
    child: Child,
    pub port: u16,
    out: tempfile::TempDir,
    /// While this file exists the server refuses every message with 421.
    down_when: PathBuf,
}

/// Options for [`SmtpServer::start`].
#[derive(Default)]
pub struct SmtpOptions<'a> {
    /// Offer and require STARTTLS with this certificate and key.
    pub tls: Option<(&'a Path, &'a Path)>,
    /// Require AUTH with this user and password.
    pub auth: Option<(&'a str, &'a str)>,
    /// Start with the server "down" (`SmtpServer::go_down`).
    pub down: bool,
    /// Listen on this port (a test that had nothing listening there first); else a free one.
    pub port: Option<u16>,
}

impl SmtpServer {
    pub fn start(options: SmtpOptions<'_>) -> SmtpServer {
        let out = tempfile::tempdir().unwrap();
        let port = options.port.unwrap_or_else(free_port);
        let script = repo_root().join("tests/smtp/smtp_server.py");
        // Beside the messages' folder, not in it (`messages` reads every .eml there).
        let down_when = out.path().with_extension("down");
        if options.down {
            std::fs::write(&down_when, b"down").unwrap();
        }
        // `PYTHON` where the interpreter has another name (Windows: `python`).
        let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
        let mut command = Command::new(python);
        command
            .arg(&script)
            .arg("--port")
            .arg(port.to_string())
            .arg("--out")
            .arg(out.path())
            .arg("--down-when")
            .arg(&down_when);
        if let Some((cert, key)) = options.tls {
            command.arg("--tls").arg(cert).arg(key);
        }
        if let Some((user, password)) = options.auth {
            command.arg("--auth").arg(format!("{user}:{password}"));
        }
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect(
                "python3 runs the test SMTP server (scripts/setup.sh installs it and aiosmtpd)",
            );
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(
            line.trim(),
            "ready",
            "the test SMTP server did not start: is aiosmtpd installed? (scripts/setup.sh)"
        );
        SmtpServer {
            child,
            port,
            out,
            down_when,
        }
    }

    /// From now on every message is refused with 421 (nothing is stored), as a mail server that is
    /// down or overloaded answers.
    pub fn go_down(&self) {
        std::fs::write(&self.down_when, b"down").unwrap();
    }

    /// Takes messages again.
    pub fn come_back(&self) {
        let _ = std::fs::remove_file(&self.down_when);
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received so far, oldest first, as the raw bytes the server got.
    pub fn messages(&self) -> Vec<Vec<u8>> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.out.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .collect();
        files.sort();
        files
            .into_iter()
            .map(|p| std::fs::read(p).unwrap())
            .collect()
    }
}

/// The address a received message was sent to (its `To:` header), lower-cased.
pub fn recipient(raw: &[u8]) -> String {
    let parsed = mailparse::parse_mail(raw).unwrap();
    let to = parsed
        .headers
        .iter()
        .find(|h| h.get_key().eq_ignore_ascii_case("to"))
        .expect("the message has a To header")
        .get_value();
    to.rsplit('<')
        .next()
        .unwrap()
        .trim_end_matches('>')
        .trim()
        .to_lowercase()
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.down_when);
    }
}

/// A test CA and a server certificate for `localhost` / `127.0.0.1` signed by it (rcgen, so no
/// `openssl` command is needed on any OS).
pub struct TestCertificates {
    pub dir: tempfile::TempDir,
    pub ca_pem: Vec<u8>,
    pub server_cert: PathBuf,
    pub server_key: PathBuf,
}

/// A server certificate's parameters: `localhost` and `127.0.0.1`, for TLS servers only.
fn server_params() -> rcgen::CertificateParams {
    let mut params =
        rcgen::CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
            .unwrap();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "localhost");
    params.is_ca = rcgen::IsCa::ExplicitNoCa;
    params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
    params.key_usages = vec![
        rcgen::KeyUsagePurpose::DigitalSignature,
        rcgen::KeyUsagePurpose::KeyEncipherment,
    ];
    params
}

fn write_pair(
    dir: tempfile::TempDir,
    cert_pem: &str,
    key_pem: &str,
    ca_pem: &str,
) -> TestCertificates {
    let server_cert = dir.path().join("server.pem");
    let server_key = dir.path().join("server.key");
    std::fs::write(&server_cert, cert_pem).unwrap();
    std::fs::write(&server_key, key_pem).unwrap();
    TestCertificates {
        ca_pem: ca_pem.as_bytes().to_vec(),
        server_cert,
        server_key,
        dir,
    }
}

pub fn test_certificates() -> TestCertificates {
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "Invite Desk Test CA");
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![
        rcgen::KeyUsagePurpose::KeyCertSign,
        rcgen::KeyUsagePurpose::CrlSign,
    ];
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = rcgen::Issuer::new(ca_params, ca_key);
    let server_key = rcgen::KeyPair::generate().unwrap();
    let server_cert = server_params().signed_by(&server_key, &issuer).unwrap();
    write_pair(
        tempfile::tempdir().unwrap(),
        &server_cert.pem(),
        &server_key.serialize_pem(),
        &ca_cert.pem(),
    )
}

/// A self-signed server certificate for `localhost` / `127.0.0.1` (no CA): the certificate itself is
/// what the client must be told to trust.
pub fn self_signed_certificate() -> TestCertificates {
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = server_params().self_signed(&key).unwrap();
    write_pair(
        tempfile::tempdir().unwrap(),
        &cert.pem(),
        &key.serialize_pem(),
        &cert.pem(),
    )
}
