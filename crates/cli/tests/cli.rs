//! The `invite-desk` binary as scripts use it: flags, exit codes and the `--json` contracts.

#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

struct Cli {
    data_dir: tempfile::TempDir,
}

impl Cli {
    fn new() -> Self {
        Cli {
            data_dir: tempfile::tempdir().unwrap(),
        }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_invite-desk"));
        command
            .args(args)
            .env("INVITE_DESK_DATA_DIR", self.data_dir.path());
        command
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    fn run_with_stdin(&self, args: &[&str], stdin: &[u8]) -> Output {
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(stdin).unwrap();
        child.wait_with_output().unwrap()
    }
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    keys
}

#[test]
fn version_and_help() {
    let cli = Cli::new();
    let version = cli.run(&["--version"]);
    assert!(version.status.success());
    assert_eq!(
        stdout(&version).trim(),
        format!("invite-desk {}", env!("CARGO_PKG_VERSION"))
    );
    let help = cli.run(&["--help"]);
    assert!(help.status.success());
    let text = stdout(&help);
    assert!(text.contains("roster") && text.contains("info"), "{text}");
}

#[test]
fn info_json_reports_the_data_dir_in_use() {
    let cli = Cli::new();
    let output = cli.run(&["info", "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(keys(&json), ["data_dir", "log_dir", "name", "version"]);
    assert_eq!(json["data_dir"], cli.data_dir.path().display().to_string());
}

#[test]
fn roster_check_json_contract_and_exit_zero_with_row_errors() {
    let cli = Cli::new();
    let file = cli.data_dir.path().join("people.csv");
    std::fs::write(
        &file,
        "Email,First name,Last name,Roles,app_metadata.plan\nJane@Example.com,Jane,Doe,\"a,b\",gold\nnot-an-address,X,Y,,\n",
    )
    .unwrap();
    let output = cli.run(&["roster", "check", file.to_str().unwrap(), "--json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let json: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(keys(&json), ["people", "problems", "summary"]);
    assert_eq!(
        json["summary"],
        serde_json::json!({"rows": 2, "valid": 1, "errors": 1, "warnings": 0})
    );
    let person = &json["people"][0];
    assert_eq!(
        keys(person),
        [
            "app_metadata",
            "email",
            "external_id",
            "family_name",
            "given_name",
            "line",
            "locale",
            "name",
            "roles",
            "user_metadata"
        ]
    );
    assert_eq!(person["locale"], Value::Null, "no language column: null");
    assert_eq!(person["line"], 2);
    assert_eq!(person["email"], "jane@example.com");
    assert_eq!(person["name"], Value::Null);
    assert_eq!(person["roles"], serde_json::json!(["a", "b"]));
    assert_eq!(person["app_metadata"], serde_json::json!({"plan": "gold"}));
    let problem = &json["problems"][0];
    assert_eq!(keys(problem), ["field", "line", "message", "severity"]);
    assert_eq!(
        (problem["line"].as_u64(), problem["severity"].as_str()),
        (Some(3), Some("error"))
    );
    assert_eq!(problem["field"], "email");
}

#[test]
fn roster_check_reads_standard_input_and_prints_text() {
    let cli = Cli::new();
    let output = cli.run_with_stdin(
        &["roster", "check", "-"],
        b"Jane Doe <jane@example.com>; \"Smith, John\" <john@example.org>; nope\n",
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.starts_with("standard input: 3 entries, 2 valid, 1 left out"),
        "{text}"
    );
    assert!(text.contains("line 1"), "{text}");
}

#[test]
fn unreadable_input_exits_two_with_a_clear_message() {
    let cli = Cli::new();
    let missing = cli.run(&["roster", "check", "/definitely/not/here.csv"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("could not read /definitely/not/here.csv"),
        "{}",
        stderr(&missing)
    );
    assert!(stdout(&missing).is_empty());

    let junk = cli.run_with_stdin(
        &["roster", "check", "-", "--json"],
        &[0u8, 159, 146, 150, 0, 1, 2, 3, 255, 254, 0, 0],
    );
    assert_eq!(junk.status.code(), Some(2));
    assert!(
        stderr(&junk).contains("does not look like a list of people"),
        "{}",
        stderr(&junk)
    );

    let sheet_on_text =
        cli.run_with_stdin(&["roster", "check", "-", "--sheet", "People"], b"a@b.co\n");
    assert_eq!(sheet_on_text.status.code(), Some(2));
    assert!(
        stderr(&sheet_on_text).contains("--sheet applies to workbooks"),
        "{}",
        stderr(&sheet_on_text)
    );
}

#[test]
fn a_signing_key_too_short_for_hs256_is_refused_before_the_keychain() {
    let cli = Cli::new();
    let out = cli.run_with_stdin(
        &["secret", "set", "signing-key", "--profile", "p"],
        b"too-short\n",
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("at least 32"), "{}", stderr(&out));
}

#[test]
fn bad_flags_are_a_usage_error() {
    let cli = Cli::new();
    let output = cli.run(&["roster", "check"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("Usage"), "{}", stderr(&output));
}

const PREVIEW_LINK: &str =
    "https://tenant.example/u/reset-password?ticket=PREVIEW-NOT-A-REAL-LINK#type=invite";

fn people_file(cli: &Cli) -> std::path::PathBuf {
    let file = cli.data_dir.path().join("people.csv");
    std::fs::write(
        &file,
        "Email,First name,Last name\nada@example.com,Ada,Lovelace\n\"eve@example.com\",\"<script>x</script>\",Evil\n",
    )
    .unwrap();
    file
}

#[test]
fn preview_shows_headers_and_text_for_the_chosen_person() {
    let cli = Cli::new();
    let file = people_file(&cli);
    let path = file.to_str().unwrap();
    let out = cli.run(&[
        "preview",
        path,
        "--app-name",
        "Portal",
        "--from",
        "Acme IT <it@acme.example>",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("From: Acme IT <it@acme.example>\nTo: Ada Lovelace <ada@example.com>\nSubject: Your Portal account is ready"), "{text}");
    assert!(text.contains(PREVIEW_LINK));

    let html = stdout(&cli.run(&["preview", path, "--line", "3", "--format", "html"]));
    assert!(
        html.contains("Hello &lt;script&gt;x&lt;&#x2f;script&gt;,"),
        "person data is escaped in HTML"
    );

    let eml = cli
        .run(&[
            "preview",
            path,
            "--person",
            "EVE@example.com",
            "--format",
            "eml",
        ])
        .stdout;
    let parsed = mailparse::parse_mail(&eml).unwrap();
    assert_eq!(parsed.subparts.len(), 2);
    assert!(
        parsed.subparts[0]
            .get_body()
            .unwrap()
            .contains(PREVIEW_LINK)
    );

    let missing = cli.run(&["preview", path, "--person", "nobody@example.com"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("no valid person with the address nobody@example.com"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn a_broken_template_is_refused_with_its_line() {
    let cli = Cli::new();
    let file = people_file(&cli);
    let template = cli.data_dir.path().join("t.toml");
    std::fs::write(&template, "subject = \"Hi\"\nhtml = \"<p>{{ link }}</p>\"\ntext = \"\"\"\nHello\n{{ person.frist_name }}\n\"\"\"\n").unwrap();
    let out = cli.run(&[
        "preview",
        file.to_str().unwrap(),
        "--template",
        template.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out)
            .contains("text template, line 2, column 11: unknown variable `person.frist_name`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn send_test_delivers_through_a_real_smtp_server() {
    let cli = Cli::new();
    let server =
        invite_desk_testkit::SmtpServer::start(invite_desk_testkit::SmtpOptions::default());
    let out = cli.run(&[
        "send-test",
        "--smtp-url",
        &server.url(),
        "--to",
        "\"<b>Me</b>, Admin\" <me@example.com>",
        "--from",
        "Acme IT <it@acme.example>",
        "--app-name",
        "Portal",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("sent a test invitation to me@example.com: 250"),
        "{}",
        stdout(&out)
    );
    let received = server.messages();
    assert_eq!(received.len(), 1);
    let parsed = mailparse::parse_mail(&received[0]).unwrap();
    let text = parsed.subparts[0].get_body().unwrap();
    let html = parsed.subparts[1].get_body().unwrap();
    assert!(text.contains(PREVIEW_LINK), "{text}");
    assert!(
        html.contains("Hello &lt;b&gt;Me&lt;&#x2f;b&gt;, Admin,"),
        "{html}"
    );
    assert!(!html.contains("<b>Me</b>"));

    let refused = cli.run(&[
        "send-test",
        "--smtp-url",
        "smtp://mail.example.com:25?tls=none",
        "--to",
        "me@example.com",
    ]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("must be encrypted"),
        "{}",
        stderr(&refused)
    );
}

#[test]
fn sandbox_serves_a_tenant_the_client_can_use() {
    use std::io::{BufRead, BufReader};
    let cli = Cli::new();
    let mut child = cli
        .command(&[
            "sandbox",
            "--port",
            "0",
            "--json",
            "--rate-limit",
            "5",
            "--burst",
            "3",
            "--client-secret",
            "s3cret",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let details: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(
        keys(&details),
        [
            "base_url",
            "client_id",
            "client_secret",
            "connection",
            "connection_id"
        ]
    );
    assert!(
        details["base_url"]
            .as_str()
            .unwrap()
            .starts_with("http://127.0.0.1:")
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let connections = runtime.block_on(async {
        let client = invite_desk_auth0::ManagementClient::new(
            invite_desk_auth0::TenantUrl::parse(details["base_url"].as_str().unwrap()).unwrap(),
            invite_desk_auth0::Credentials {
                client_id: details["client_id"].as_str().unwrap().to_owned(),
                client_secret: "s3cret".to_owned().into(),
            },
            invite_desk_auth0::ClientOptions::default(),
        )
        .unwrap();
        let connections = client.list_connections(Some("auth0"), None).await.unwrap();
        // The limits given on the command line are the ones served.
        assert_eq!(client.rate().limit, Some(3));
        connections
    });
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(
        connections[0].id,
        details["connection_id"].as_str().unwrap()
    );
    assert!(connections[0].signup_disabled());

    let bad = cli.run(&["sandbox", "--port", "0", "--faults", "boom=1"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("unknown fault \"boom\""),
        "{}",
        stderr(&bad)
    );
}

#[test]
#[ignore = "needs a Secret Service: run through scripts/with-desktop-session.sh (scripts/test.sh does)"]
fn secrets_go_to_the_keychain_and_send_test_uses_them() {
    let cli = Cli::new();
    let profile = format!("cli-test-{}", std::process::id());
    let certs = invite_desk_testkit::test_certificates();
    let server = invite_desk_testkit::SmtpServer::start(invite_desk_testkit::SmtpOptions {
        tls: Some((&certs.server_cert, &certs.server_key)),
        auth: Some(("it@acme.example", "s3cret-smtp")),
        ..invite_desk_testkit::SmtpOptions::default()
    });
    let url = format!(
        "smtp://it%40acme.example@localhost:{}?tls=required",
        server.port
    );
    // A password is kept for one mail server: the profile's.
    let orphan = cli.run_with_stdin(
        &["secret", "set", "smtp-password", "--profile", &profile],
        b"s3cret-smtp\n",
    );
    assert_eq!(orphan.status.code(), Some(2), "{}", stderr(&orphan));
    assert!(
        stderr(&orphan).contains("save the profile first"),
        "{}",
        stderr(&orphan)
    );
    let made = cli.run(&[
        "profile",
        "set",
        &profile,
        "--domain",
        "acme.eu.auth0.com",
        "--client-id",
        "abc",
        "--smtp-url",
        &url,
    ]);
    assert_eq!(made.status.code(), Some(0), "{}", stderr(&made));
    let set = cli.run_with_stdin(
        &["secret", "set", "smtp-password", "--profile", &profile],
        b"s3cret-smtp\n",
    );
    assert_eq!(set.status.code(), Some(0), "{}", stderr(&set));
    assert!(
        !stdout(&set).contains("s3cret"),
        "the value is never echoed"
    );
    let status = cli.run(&["secret", "status", "--profile", &profile, "--json"]);
    let json: Value = serde_json::from_str(&stdout(&status)).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"client-secret": false, "smtp-password": true, "signing-key": false})
    );

    // A signing key made here: stored, and printed once (the only line on stdout).
    let made = cli.run(&["secret", "generate", "signing-key", "--profile", &profile]);
    assert_eq!(made.status.code(), Some(0), "{}", stderr(&made));
    let key = stdout(&made).trim().to_owned();
    assert_eq!(key.len(), 48);
    assert!(key.chars().all(|c| c.is_ascii_alphanumeric()));
    let again = cli.run(&["secret", "generate", "signing-key", "--profile", &profile]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert_eq!(stdout(&again).trim().len(), 48);
    assert_ne!(stdout(&again).trim(), key, "each key is new");
    let status = cli.run(&["secret", "status", "--profile", &profile, "--json"]);
    let json: Value = serde_json::from_str(&stdout(&status)).unwrap();
    assert_eq!(json["signing-key"], true);
    let refused = cli.run(&["secret", "generate", "client-secret", "--profile", &profile]);
    assert_eq!(refused.status.code(), Some(2));
    let deleted = cli.run(&["secret", "delete", "signing-key", "--profile", &profile]);
    assert_eq!(deleted.status.code(), Some(0));

    // send-test finds the password in the keychain: the server requires AUTH over STARTTLS.
    let ca = cli.data_dir.path().join("ca.pem");
    std::fs::write(&ca, &certs.ca_pem).unwrap();
    // Another user on the same server is another purpose: the kept password is not sent.
    let elsewhere = cli
        .command(&[
            "send-test",
            "--smtp-url",
            &url.replace("it%40acme.example", "other%40acme.example"),
            "--smtp-ca",
            ca.to_str().unwrap(),
            "--to",
            "me@example.com",
            "--profile",
            &profile,
        ])
        .env_remove("SMTP_PASSWORD")
        .output()
        .unwrap();
    assert_eq!(elsewhere.status.code(), Some(2), "{}", stderr(&elsewhere));
    assert!(
        stderr(&elsewhere).contains("is for localhost:"),
        "{}",
        stderr(&elsewhere)
    );
    assert!(server.messages().is_empty());
    let sent = cli
        .command(&[
            "send-test",
            "--smtp-url",
            &url,
            "--smtp-ca",
            ca.to_str().unwrap(),
            "--to",
            "me@example.com",
            "--profile",
            &profile,
        ])
        .env_remove("SMTP_PASSWORD")
        .output()
        .unwrap();
    assert_eq!(sent.status.code(), Some(0), "{}", stderr(&sent));
    assert_eq!(server.messages().len(), 1);

    let deleted = cli.run(&["secret", "delete", "smtp-password", "--profile", &profile]);
    assert_eq!(deleted.status.code(), Some(0));
    let status = cli.run(&["secret", "status", "--profile", &profile, "--json"]);
    assert_eq!(
        serde_json::from_str::<Value>(&stdout(&status)).unwrap()["smtp-password"],
        false
    );
}

#[test]
fn without_a_keychain_service_the_error_says_so() {
    let cli = Cli::new();
    let out = cli
        .command(&["secret", "status", "--profile", "p"])
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("(keychain)"), "{}", stderr(&out));
}

#[test]
fn the_log_goes_to_a_daily_file_in_the_log_folder_without_secrets() {
    let cli = Cli::new();
    let file = people_file(&cli);
    assert_eq!(
        cli.run(&["roster", "check", file.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    // A send that fails after the password was read: nothing of the password may reach the log.
    let refused = cli
        .command(&[
            "send-test",
            "--smtp-url",
            "smtp://it%40acme.example@127.0.0.1:1?tls=none",
            "--to",
            "me@example.com",
        ])
        .env("SMTP_PASSWORD", "pw-must-not-be-logged")
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    let logs: Vec<std::path::PathBuf> = std::fs::read_dir(cli.data_dir.path().join("logs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(!logs.is_empty(), "no log file was written");
    assert!(
        logs.iter().all(|p| p
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("invite-desk-cli.")),
        "{logs:?}"
    );
    let text: String = logs
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    assert!(text.contains("roster checked"), "{text}");
    assert!(!text.contains("pw-must-not-be-logged"));
    assert!(!stderr(&refused).contains("pw-must-not-be-logged"));
}

/// Each hostile workbook given to `roster check`: a clear error and exit 2, within 10 s (the
/// process is killed after that) and 500 MB of memory, never an abort; a FIFO or a device in its
/// place is refused without being read.
#[cfg(unix)]
#[test]
fn hostile_workbooks_and_special_files_exit_two_with_a_reason_in_bounded_time_and_memory() {
    use nix::sys::resource::{UsageWho, getrusage};
    let cli = Cli::new();
    for (name, extension, bytes) in invite_desk_testkit::workbooks::hostile() {
        let file = cli.data_dir.path().join(format!("{name}.{extension}"));
        std::fs::write(&file, bytes).unwrap();
        let mut child = cli
            .command(&["roster", "check", file.to_str().unwrap()])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let started = std::time::Instant::now();
        while child.try_wait().unwrap().is_none() {
            if started.elapsed() > std::time::Duration::from_secs(10) {
                child.kill().unwrap();
                panic!("{name}: still reading after 10 s");
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{name}: {stderr}");
        assert!(
            stderr.contains("this workbook is not read"),
            "{name}: {stderr}"
        );
    }
    // The largest resident size of any child so far (kilobytes on Linux).
    let peak_kb = getrusage(UsageWho::RUSAGE_CHILDREN).unwrap().max_rss();
    assert!(peak_kb < 500 * 1024, "a reader took {peak_kb} KB");

    let fifo = cli.data_dir.path().join("list.csv");
    nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::S_IRWXU).unwrap();
    for special in [fifo.to_str().unwrap(), "/dev/zero"] {
        let output = cli.run(&["roster", "check", special]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{special}: {stderr}");
        assert!(stderr.contains("not a regular file"), "{special}: {stderr}");
    }
}

fn languages_file(cli: &Cli) -> std::path::PathBuf {
    let file = cli.data_dir.path().join("languages.csv");
    std::fs::write(
        &file,
        "Email,Name,Sprache\nanna@example.de,Anna Schmidt,de-DE\nluc@example.fr,Luc Martin,fr\nkai@example.at,Kai Huber,de_AT\nzoe@example.com,Zoe Lane,\nsven@example.se,Sven Berg,sv\nbad@example.com,Bad Tag,Deutschh\n",
    )
    .unwrap();
    file
}

#[test]
fn preview_writes_in_the_persons_language_or_the_one_asked_for() {
    let cli = Cli::new();
    let file = languages_file(&cli);
    let path = file.to_str().unwrap();
    let preview = |extra: &[&str]| {
        let mut args = vec!["preview", path, "--app-name", "Portal"];
        args.extend_from_slice(extra);
        let out = cli.run(&args);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        stdout(&out)
    };
    let anna = preview(&["--person", "anna@example.de"]);
    assert!(
        anna.contains("Subject: Ihr Portal-Konto ist bereit: Legen Sie Ihr Passwort fest"),
        "{anna}"
    );
    assert!(anna.contains("Language: German (de)"), "{anna}");
    assert!(anna.contains("läuft in 7 Tagen ab"), "{anna}");
    let kai = preview(&["--person", "kai@example.at"]);
    assert!(
        kai.contains("Language: German (de)"),
        "de-AT falls back to de: {kai}"
    );
    let sven = preview(&["--person", "sven@example.se"]);
    assert!(
        sven.contains("Language: English (en)"),
        "no Swedish: the batch's language: {sven}"
    );
    let forced = preview(&["--person", "anna@example.de", "--locale", "fr"]);
    assert!(
        forced.contains("Subject: Votre compte Portal est prêt"),
        "{forced}"
    );
    let batch_language = preview(&["--person", "zoe@example.com", "--language", "es"]);
    assert!(
        batch_language.contains("Subject: Su cuenta de Portal está lista"),
        "{batch_language}"
    );
    let verification = preview(&[
        "--person",
        "zoe@example.com",
        "--mode",
        "email-verification",
    ]);
    assert!(
        verification.contains("confirm your email address"),
        "{verification}"
    );
    assert!(
        !verification.contains("choose a password"),
        "{verification}"
    );
    let reminder = preview(&["--person", "anna@example.de", "--message", "reminder"]);
    assert!(reminder.contains("Subject: Erinnerung"), "{reminder}");
    let nothing_named = stdout(&cli.run(&["preview", path, "--person", "zoe@example.com"]));
    assert!(
        nothing_named.contains("Subject: Your account is ready: set your password"),
        "{nothing_named}"
    );
    assert!(!nothing_named.contains("our application"));

    let bad = cli.run(&["preview", path, "--locale", "Klingon!"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("is not a language"),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn roster_check_reports_each_persons_language_and_the_ones_without_wording() {
    let cli = Cli::new();
    let file = languages_file(&cli);
    let out = cli.run(&["roster", "check", file.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let locales: Vec<Value> = json["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["locale"].clone())
        .collect();
    assert_eq!(
        locales,
        [
            serde_json::json!("de-DE"),
            serde_json::json!("fr"),
            serde_json::json!("de-AT"),
            Value::Null,
            serde_json::json!("sv"),
            Value::Null
        ]
    );
    let problems = json["problems"].as_array().unwrap();
    let on = |line: u64| problems.iter().find(|p| p["line"] == line).unwrap();
    assert!(
        on(6)["message"]
            .as_str()
            .unwrap()
            .contains("Swedish (sv) has no wording"),
        "{problems:?}"
    );
    assert_eq!(on(6)["severity"], "warning");
    assert!(
        on(7)["message"]
            .as_str()
            .unwrap()
            .contains("\"Deutschh\" is not a language"),
        "{problems:?}"
    );

    let text = stdout(&cli.run(&["roster", "check", file.to_str().unwrap()]));
    assert!(text.contains("Swedish (sv) has no wording"), "{text}");
}

#[test]
fn templates_are_files_and_saved_ones_are_used_by_name() {
    let cli = Cli::new();
    let file = languages_file(&cli);
    let template = cli.data_dir.path().join("acme.toml");
    std::fs::write(
        &template,
        r#"format = "invite-desk-template"
version = 2
name = "Acme onboarding"

[languages.en]
subject = "Welcome to Acme"
greeting = "Hi {{ greeting_name }},"
paragraphs = ["Acme has an account for you."]
button = "Start"
notes = ["It expires {{ expires_in }}."]
sign_off = "Acme IT"
link_hint = "Or copy this:"

[languages.de]
subject = "Willkommen bei Acme"
greeting = "Hallo {{ greeting_name }},"
paragraphs = ["Acme hat ein Konto für Sie."]
button = "Los geht's"
notes = ["Er läuft {{ expires_in }} ab."]
sign_off = "Acme IT"
link_hint = "Oder kopieren Sie:"
"#,
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let out = cli.run(&[
        "preview",
        path,
        "--person",
        "kai@example.at",
        "--template",
        template.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Subject: Willkommen bei Acme"),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains("Los geht's: https://"),
        "the button line carries the link"
    );
    let out = cli.run(&[
        "preview",
        path,
        "--person",
        "luc@example.fr",
        "--template",
        template.to_str().unwrap(),
    ]);
    assert!(
        stdout(&out).contains("Subject: Welcome to Acme"),
        "no French: the batch's English"
    );

    // Saved in the data folder (as the app saves them), used by name.
    let saved = cli.data_dir.path().join("templates");
    std::fs::create_dir_all(&saved).unwrap();
    std::fs::copy(&template, saved.join("acme-onboarding.toml")).unwrap();
    let out = cli.run(&[
        "preview",
        path,
        "--person",
        "anna@example.de",
        "--template-name",
        "Acme onboarding",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Subject: Willkommen bei Acme"),
        "{}",
        stdout(&out)
    );
    let missing = cli.run(&["preview", path, "--template-name", "Nope"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("no saved template is called \"Nope\""),
        "{}",
        stderr(&missing)
    );

    // The batch's language must have wording.
    let out = cli.run(&[
        "preview",
        path,
        "--template",
        template.to_str().unwrap(),
        "--language",
        "fr",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no wording in the batch's language, French (fr)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn send_test_writes_in_the_language_asked_for() {
    let cli = Cli::new();
    let server =
        invite_desk_testkit::SmtpServer::start(invite_desk_testkit::SmtpOptions::default());
    let out = cli.run(&[
        "send-test",
        "--smtp-url",
        &server.url(),
        "--to",
        "me@example.com",
        "--app-name",
        "Portal",
        "--locale",
        "nl",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let received = server.messages();
    assert_eq!(received.len(), 1);
    let parsed = mailparse::parse_mail(&received[0]).unwrap();
    let subject = parsed
        .headers
        .iter()
        .find(|h| h.get_key() == "Subject")
        .map(|h| h.get_value())
        .unwrap();
    assert_eq!(
        subject,
        "Uw Portal-account staat klaar: stel uw wachtwoord in"
    );
    let text = parsed.subparts[0].get_body().unwrap();
    let html = parsed.subparts[1].get_body().unwrap();
    for part in [&text, &html] {
        assert!(part.contains("verloopt over 7 dagen"), "{part}");
        assert!(
            part.contains(PREVIEW_LINK) || part.contains("PREVIEW-NOT-A-REAL-LINK"),
            "{part}"
        );
    }
    assert!(html.contains("<html lang=\"nl\">"), "{html}");
}
