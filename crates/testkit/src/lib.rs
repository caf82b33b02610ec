//! Helpers for tests: a real SMTP server (aiosmtpd, `tests/smtp/smtp_server.py`) on loopback, and a
//! test CA with a server certificate for STARTTLS. Test-only code: failures panic with what to do.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A free port on 127.0.0.1 (free when asked; the server binds it right after).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
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
        let mut command = Command::new("python3");
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

/// A test CA and a server certificate for `localhost` / `127.0.0.1` signed by it (openssl CLI).
pub struct TestCertificates {
    pub dir: tempfile::TempDir,
    pub ca_pem: Vec<u8>,
    pub server_cert: PathBuf,
    pub server_key: PathBuf,
}

fn openssl(dir: &Path, args: &[&str]) {
    let status = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .stderr(Stdio::null())
        .status()
        .expect("openssl");
    assert!(status.success(), "openssl {args:?} failed");
}

pub fn test_certificates() -> TestCertificates {
    let dir = tempfile::tempdir().unwrap();
    let p = |name: &str| dir.path().join(name);
    let run = |args: &[&str]| openssl(dir.path(), args);
    run(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=Invite Desk Test CA",
    ]);
    run(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=localhost",
    ]);
    std::fs::write(
        p("server.ext"),
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    run(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.pem",
        "-days",
        "2",
        "-extfile",
        "server.ext",
    ]);
    TestCertificates {
        ca_pem: std::fs::read(p("ca.pem")).unwrap(),
        server_cert: p("server.pem"),
        server_key: p("server.key"),
        dir,
    }
}

/// A self-signed server certificate for `localhost` / `127.0.0.1` (no CA): the certificate itself is
/// what the client must be told to trust.
pub fn self_signed_certificate() -> TestCertificates {
    let dir = tempfile::tempdir().unwrap();
    openssl(
        dir.path(),
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.pem",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-addext",
            "basicConstraints=critical,CA:FALSE",
            "-addext",
            "extendedKeyUsage=serverAuth",
        ],
    );
    let server_cert = dir.path().join("server.pem");
    TestCertificates {
        ca_pem: std::fs::read(&server_cert).unwrap(),
        server_key: dir.path().join("server.key"),
        server_cert,
        dir,
    }
}
