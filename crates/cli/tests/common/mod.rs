//! What the CLI's integration tests share: a sandbox tenant served in the test process, a real SMTP
//! server on loopback, a data folder, and the CLI run against them.

#![allow(dead_code)] // each test file uses its own part of it
#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use invite_desk_sandbox::{Sandbox, SandboxConfig};
use invite_desk_testkit::{SmtpOptions, SmtpServer, recipient};
use serde_json::Value;

pub const DB: &str = "Username-Password-Authentication";

pub struct World {
    pub runtime: tokio::runtime::Runtime,
    pub sandbox: Sandbox,
    pub smtp: SmtpServer,
    pub dir: tempfile::TempDir,
}

impl World {
    pub fn new(config: SandboxConfig) -> World {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let sandbox = runtime
            .block_on(Sandbox::start(
                config,
                SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            ))
            .unwrap();
        World {
            runtime,
            sandbox,
            smtp: SmtpServer::start(SmtpOptions::default()),
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_invite-desk"));
        command
            .args(args)
            .env("INVITE_DESK_DATA_DIR", self.dir.path().join("data"))
            .env("AUTH0_DOMAIN", self.sandbox.base_url())
            .env("AUTH0_CLIENT_ID", &self.sandbox.config().client_id)
            .env("AUTH0_CLIENT_SECRET", &self.sandbox.config().client_secret)
            .env_remove("SMTP_PASSWORD");
        command
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    /// A saved profile for the sandbox, marked production.
    pub fn production_profile(&self, name: &str) {
        let out = self.run(&[
            "profile",
            "set",
            name,
            "--domain",
            self.sandbox.base_url(),
            "--client-id",
            &self.sandbox.config().client_id,
            "--connection",
            DB,
            "--production",
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn people_file(&self, n: usize, extra: &str) -> PathBuf {
        let mut text = String::from("Email;First name;Last name\n");
        for i in 0..n {
            text.push_str(&format!("person{i:03}@example.com;Given{i};Family\n"));
        }
        text.push_str(extra);
        let path = self.path("people.csv");
        std::fs::write(&path, text).unwrap();
        path
    }

    pub fn users_per_email(&self) -> HashMap<String, usize> {
        let mut out = HashMap::new();
        for u in self.sandbox.users() {
            *out.entry(u["email"].as_str().unwrap().to_owned())
                .or_default() += 1;
        }
        out
    }

    pub fn mails_per_recipient(&self) -> HashMap<String, usize> {
        let mut out = HashMap::new();
        for raw in self.smtp.messages() {
            *out.entry(recipient(&raw)).or_default() += 1;
        }
        out
    }
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

pub fn read_results(path: &Path) -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_owned(), v.to_owned()))
                .collect()
        })
        .collect()
}

/// Runs until the process ends or `after` has passed, then SIGKILLs it. `true` if it was killed.
pub fn run_then_kill(mut command: Command, after: Duration) -> (bool, Output) {
    let child = command
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let pid = child.id();
    let mut child = child;
    loop {
        if let Some(_status) = child.try_wait().unwrap() {
            return (false, child.wait_with_output().unwrap());
        }
        if started.elapsed() >= after {
            // SIGKILL: no destructor, no flush, no signal handler runs.
            Command::new("kill")
                .args(["-9", &pid.to_string()])
                .status()
                .unwrap();
            return (true, child.wait_with_output().unwrap());
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// A batch's id from `history --json` (the newest).
pub fn newest_batch(world: &World) -> String {
    let history: Value = serde_json::from_str(&stdout(&world.run(&["history", "--json"]))).unwrap();
    history[0]["id"].as_str().unwrap().to_owned()
}
