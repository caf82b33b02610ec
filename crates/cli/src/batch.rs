//! `invite-desk run | resume | history | show | lookup | resend`: batches from a terminal or a script.
//!
//! Exit codes (README, "Exit codes"): 0 everyone ended well (invited, skipped or granted); 1 some
//! people failed (their rows in `--results` say why); 2 a setup error (nothing ran, or the run could
//! not go on); 3 the run was interrupted (Ctrl-C): `resume` continues it.

use std::collections::HashSet;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use clap::{Args, ValueEnum};
use invite_desk_engine::batch::{
    self, BATCH_FORMAT, BatchFile, Delivery, ExistingPolicy, InvitationSettings, InviteMode,
    RateAssumption,
};
use invite_desk_engine::journal::Journal;
use invite_desk_engine::paths::AppPaths;
use invite_desk_engine::roster::{self, Problem, ReadOptions, Severity};
use invite_desk_engine::run::deliver::{self, DeliverySecrets};
use invite_desk_engine::run::results::{self, PersonResult, ResultStatus};
use invite_desk_engine::run::{
    self, RunControl, RunEvent, RunOptions, RunOutcome, RunSetup, RunTarget,
};
use invite_desk_engine::secrets::SecretKind;
use invite_desk_engine::{AppError, ErrorCode, duration, support};
use serde::Serialize;

use crate::mail::MessageArgs;
use crate::tenant::{self, TenantArgs};

/// Some people failed.
pub const EXIT_SOME_FAILED: u8 = 1;
/// Interrupted (Ctrl-C); `resume` continues.
pub const EXIT_INTERRUPTED: u8 = 3;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ModeArg {
    PasswordChange,
    EmailVerification,
    Organization,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ExistingArg {
    Skip,
    Reinvite,
    Grant,
}

#[derive(Args, Debug)]
pub struct RunArgs {
    /// A people list (CSV, TSV, text, Outlook lines, XLSX, ODS) or a saved batch file (.json).
    input: PathBuf,
    #[command(flatten)]
    tenant: TenantArgs,
    /// The database connection users are created in (default: the profile's).
    #[arg(long, value_name = "NAME")]
    connection: Option<String>,
    #[arg(long, value_enum, default_value_t = ModeArg::PasswordChange)]
    mode: ModeArg,
    /// Where the link leads after the password is set (classic login).
    #[arg(long, value_name = "URL", conflicts_with = "app")]
    result_url: Option<String>,
    /// The application (client id) whose login follows the link (new Universal Login).
    #[arg(long = "app", value_name = "CLIENT_ID")]
    app: Option<String>,
    /// Roles granted to everyone, by name, comma-separated.
    #[arg(long, value_name = "r1,r2", value_delimiter = ',')]
    roles: Vec<String>,
    /// What to do with people who already have an account.
    #[arg(long, value_enum, default_value_t = ExistingArg::Skip)]
    existing: ExistingArg,
    /// Send the invitations through this SMTP server (password: SMTP_PASSWORD or the keychain).
    #[arg(long, value_name = "URL", conflicts_with_all = ["outbox", "export_links"])]
    smtp_url: Option<String>,
    /// Write one .eml per person into this folder instead of sending.
    #[arg(long, value_name = "DIR", conflicts_with = "export_links")]
    outbox: Option<PathBuf>,
    /// Write the links to this CSV instead of sending (the links are bearer secrets).
    #[arg(long, value_name = "FILE")]
    export_links: Option<PathBuf>,
    /// Extra trusted CA certificate (PEM) for the SMTP server.
    #[arg(long, value_name = "FILE")]
    smtp_ca: Option<PathBuf>,
    /// Write every person's result here (CSV, or JSON when the name ends in .json).
    #[arg(long, value_name = "FILE")]
    results: Option<PathBuf>,
    /// Show the plan and change nothing (no tenant is contacted unless --check-existing).
    #[arg(long)]
    dry_run: bool,
    /// With --dry-run: look everyone up (read-only) to say who already exists.
    #[arg(long, requires = "dry_run")]
    check_existing: bool,
    /// Print JSON lines (one event per line) instead of a progress bar and a summary.
    #[arg(long)]
    json: bool,
    /// Hash parameters appended after the ticket's #, e.g. type=invite.
    #[arg(long, value_name = "PARAMS")]
    hash_params: Option<String>,
    /// The organization (org_…) for --mode organization.
    #[arg(long, value_name = "ORG_ID")]
    organization_id: Option<String>,
    /// Organization mode: Auth0 mails the invitation itself.
    #[arg(long)]
    auth0_sends: bool,
    /// app_metadata stamped on every user, as a JSON object.
    #[arg(long, value_name = "JSON")]
    app_metadata: Option<String>,
    /// Do not mark the address verified when the link is used.
    #[arg(long)]
    no_mark_verified: bool,
    /// Add a signed invitation token (HS256) to the result URL; key: INVITE_DESK_SIGNING_KEY or the
    /// profile's signing key in the keychain.
    #[arg(long, requires = "result_url")]
    sign_result_url: bool,
    /// A name for the batch (shown by history).
    #[arg(long, value_name = "TEXT")]
    name: Option<String>,
    /// Save the batch file here (offline preparation: run it later with `run FILE`).
    #[arg(long, value_name = "FILE")]
    save: Option<PathBuf>,
    /// Workbook sheet of the people list.
    #[arg(long, value_name = "NAME")]
    sheet: Option<String>,
    #[command(flatten)]
    engine: EngineArgs,
    #[command(flatten)]
    message: MessageArgs,
}

#[derive(Args, Debug, Clone)]
pub struct EngineArgs {
    /// People worked on at once (the tenant's rate limit paces the requests).
    #[arg(long, default_value_t = 8, value_name = "N")]
    concurrency: usize,
    /// Create users through bulk import jobs when at least this many are new.
    #[arg(long, default_value_t = 1000, value_name = "N")]
    bulk_threshold: usize,
}

impl EngineArgs {
    fn options(&self) -> RunOptions {
        RunOptions {
            concurrency: self.concurrency.clamp(1, 64),
            bulk_threshold: self.bulk_threshold.max(1),
            ..RunOptions::default()
        }
    }
}

#[derive(Args, Debug)]
pub struct ResumeArgs {
    batch_id: String,
    #[arg(long, value_name = "FILE")]
    results: Option<PathBuf>,
    /// Put failed people back in the queue first (retry failed).
    #[arg(long)]
    retry_failed: bool,
    #[arg(long)]
    json: bool,
    #[arg(long, value_name = "FILE")]
    smtp_ca: Option<PathBuf>,
    #[command(flatten)]
    engine: EngineArgs,
}

#[derive(Args, Debug)]
pub struct ShowArgs {
    batch_id: String,
    #[arg(long)]
    json: bool,
    /// Also write the results (CSV, or JSON when the name ends in .json).
    #[arg(long, value_name = "FILE")]
    results: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct LookupArgs {
    email: String,
    #[command(flatten)]
    tenant: TenantArgs,
    #[arg(long)]
    json: bool,
}

#[derive(Args, Debug)]
pub struct ResendArgs {
    email: String,
    /// Resend with the settings of this batch (default: the last one that invited them).
    #[arg(long, value_name = "BATCH_ID")]
    batch: Option<String>,
    #[arg(long)]
    json: bool,
    #[arg(long, value_name = "FILE")]
    smtp_ca: Option<PathBuf>,
}

fn open_journal(paths: &AppPaths) -> Result<Journal, AppError> {
    Journal::open(&paths.journal_file())
}

fn runtime() -> Result<tokio::runtime::Runtime, AppError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| AppError::internal(format!("could not start the async runtime: {e}")))
}

fn is_batch_file(path: &Path, bytes: &[u8]) -> bool {
    let json_name = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    json_name
        || std::str::from_utf8(bytes)
            .is_ok_and(|t| t.trim_start().starts_with('{') && t.contains(BATCH_FORMAT))
}

/// People rows that could not become part of the batch, kept for the results.
fn rejected_results(problems: &[Problem], accepted_lines: &HashSet<u64>) -> Vec<PersonResult> {
    let mut out: Vec<PersonResult> = Vec::new();
    for problem in problems {
        if problem.severity != Severity::Error || accepted_lines.contains(&problem.line) {
            continue;
        }
        if let Some(existing) = out.iter_mut().find(|r| r.line == problem.line) {
            if let Some(error) = &mut existing.error {
                error.push_str("; ");
                error.push_str(&problem.message);
            }
            continue;
        }
        out.push(PersonResult {
            email: String::new(),
            status: ResultStatus::Failed,
            user_id: None,
            error: Some(problem.message.clone()),
            error_code: Some(ErrorCode::InvalidInput.as_str().into()),
            line: problem.line,
            state: invite_desk_engine::journal::PersonState::Failed,
            link_expires_at: None,
        });
    }
    out
}

fn build_batch(
    args: &RunArgs,
    bytes: &[u8],
    profile: Option<&invite_desk_engine::profiles::Profile>,
) -> Result<(BatchFile, Vec<Problem>, Vec<PersonResult>), AppError> {
    let report = roster::read_bytes(
        bytes,
        &ReadOptions {
            sheet: args.sheet.clone(),
            mapping: None,
        },
    )?;
    let accepted: HashSet<u64> = report.people.iter().map(|p| p.line).collect();
    let rejected = rejected_results(&report.problems, &accepted);
    let connection = args
        .connection
        .clone()
        .or_else(|| profile.and_then(|p| p.connection.clone()))
        .ok_or_else(|| {
            AppError::invalid_input("give the database connection: --connection NAME")
        })?;
    let app_metadata = match &args.app_metadata {
        Some(text) => match serde_json::from_str(text) {
            Ok(serde_json::Value::Object(map)) => map,
            _ => {
                return Err(AppError::invalid_input(
                    "--app-metadata must be a JSON object, e.g. '{\"plan\":\"gold\"}'",
                ));
            }
        },
        None => serde_json::Map::new(),
    };
    let mode = match args.mode {
        ModeArg::PasswordChange => InviteMode::PasswordChange,
        ModeArg::EmailVerification => InviteMode::EmailVerification,
        ModeArg::Organization => InviteMode::Organization,
    };
    let from = args
        .message
        .from
        .clone()
        .or_else(|| profile.and_then(|p| p.from.clone()));
    let smtp_url = args
        .smtp_url
        .clone()
        .or_else(|| profile.and_then(|p| p.smtp_url.clone()));
    let delivery = if let Some(dir) = &args.outbox {
        Delivery::Outbox {
            dir: dir.to_string_lossy().into_owned(),
            from,
        }
    } else if let Some(file) = &args.export_links {
        Delivery::ExportLinks {
            file: file.to_string_lossy().into_owned(),
        }
    } else if args.auth0_sends {
        Delivery::Auth0
    } else if let Some(url) = smtp_url {
        Delivery::Smtp {
            url,
            from: from.ok_or_else(|| {
                AppError::invalid_input("sending by SMTP needs the sender: --from ADDR")
            })?,
            reply_to: args.message.reply_to.clone(),
        }
    } else {
        return Err(AppError::invalid_input(
            "how should invitations go out? --smtp-url URL --from ADDR, --outbox DIR or --export-links FILE",
        ));
    };
    let invitation = InvitationSettings {
        mode,
        connection,
        ttl_secs: duration::parse_duration_secs(&args.message.ttl)?,
        result_url: args.result_url.clone(),
        client_id: args.app.clone(),
        organization_id: args.organization_id.clone(),
        mark_email_as_verified: !args.no_mark_verified,
        hash_params: args.hash_params.clone(),
        roles: args
            .roles
            .iter()
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty())
            .collect(),
        app_metadata,
        existing: match args.existing {
            ExistingArg::Skip => ExistingPolicy::Skip,
            ExistingArg::Reinvite => ExistingPolicy::Reinvite,
            ExistingArg::Grant => ExistingPolicy::Grant,
        },
        sign_result_url: args.sign_result_url,
    };
    let mut batch = BatchFile::new(report.people, invitation, delivery);
    batch.name = args.name.clone();
    batch.message = args.message.settings();
    batch.template = args.message.template_set()?;
    batch.validate()?;
    Ok((batch, report.problems, rejected))
}

/// How the run reports: JSON lines, a progress bar, or nothing but the summary.
#[derive(Clone)]
struct Reporter {
    json: bool,
    bar: Option<indicatif::ProgressBar>,
}

impl Reporter {
    fn new(json: bool) -> Reporter {
        let bar = (!json && std::io::stderr().is_terminal()).then(|| {
            let bar = indicatif::ProgressBar::new(0);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} people  {msg}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        });
        Reporter { json, bar }
    }

    fn line<T: Serialize>(&self, value: &T) {
        if let Ok(text) = serde_json::to_string(value) {
            println!("{text}");
        }
    }

    fn event(&self, event: &RunEvent) {
        if self.json {
            self.line(event);
            return;
        }
        let Some(bar) = &self.bar else {
            return;
        };
        match event {
            RunEvent::Started { total, .. } => bar.set_length(*total),
            RunEvent::Progress(p) => {
                bar.set_position(p.done);
                let eta = p
                    .eta_secs
                    .map(|s| format!(", about {}s left", s.round()))
                    .unwrap_or_default();
                let paused = if p.paused { " (paused)" } else { "" };
                bar.set_message(format!("{:.1}/s{eta}{paused}", p.people_per_sec));
            }
            RunEvent::Finished { .. } => bar.finish_and_clear(),
            _ => {}
        }
    }
}

pub fn run(args: RunArgs, paths: &AppPaths) -> Result<u8, AppError> {
    let bytes = crate::roster_check::read_input(&args.input)?;
    // Offline preparation (a plan without look-ups) needs no tenant.
    let offline = args.dry_run && !args.check_existing;
    let (target, profile) = match args.tenant.resolve(paths) {
        Ok(resolved) => resolved,
        Err(_) if offline && args.tenant.profile.is_none() => (
            RunTarget {
                domain: String::new(),
                client_id: String::new(),
                profile: None,
            },
            None,
        ),
        Err(e) => return Err(e),
    };
    let (mut batch, problems, rejected) = if is_batch_file(&args.input, &bytes) {
        let text = String::from_utf8(bytes)
            .map_err(|_| AppError::invalid_input("the batch file is not UTF-8 text"))?;
        (BatchFile::from_json(&text)?, Vec::new(), Vec::new())
    } else {
        build_batch(&args, &bytes, profile.as_ref())?
    };
    let reporter = Reporter::new(args.json);
    for problem in problems.iter().filter(|p| p.severity == Severity::Error) {
        if args.json {
            reporter.line(&serde_json::json!({
                "event": "rejected", "line": problem.line, "field": problem.field, "message": problem.message
            }));
        } else {
            eprintln!("line {}: {} (left out)", problem.line, problem.message);
        }
    }
    if let Some(path) = &args.save {
        batch.save(path)?;
        if !args.json {
            eprintln!("saved the batch to {}", path.display());
        }
    }

    if args.dry_run {
        let plan = if args.check_existing {
            let client = tenant::client(&target)?;
            runtime()?.block_on(batch::plan_against(&client, &batch))?
        } else {
            batch::plan(&batch, None, RateAssumption::default())
        };
        if args.json {
            reporter
                .line(&serde_json::json!({"event": "plan", "batch_id": batch.id, "plan": plan}));
        } else {
            println!(
                "Plan for {} people: {} to create, {} already there ({} skipped), {} invitations, {} API calls, about {:.0} s",
                plan.people.len(),
                plan.to_create,
                plan.existing,
                plan.skipped,
                plan.messages,
                plan.api_calls,
                plan.estimated_secs
            );
            for person in &plan.people {
                let steps: Vec<String> = person
                    .steps
                    .iter()
                    .map(|s| {
                        serde_json::to_value(s)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_owned))
                            .unwrap_or_default()
                    })
                    .collect();
                println!(
                    "  line {:>5}  {}  {}",
                    person.line,
                    person.email,
                    steps.join(" > ")
                );
            }
        }
        return Ok(if rejected.is_empty() {
            0
        } else {
            EXIT_SOME_FAILED
        });
    }

    let mut journal = open_journal(paths)?;
    // A saved batch may be run more than once (after editing it, say): each run is its own batch.
    if journal.batch(&batch.id).is_ok() {
        batch.id = run::new_batch_id();
    }
    run::record_batch(&mut journal, &batch, &target)?;
    if !args.json {
        eprintln!(
            "batch {} ({} people); if it stops, continue with: invite-desk resume {}",
            batch.id,
            batch.people.len(),
            batch.id
        );
    }
    execute(
        journal,
        batch,
        &target,
        args.engine.options(),
        args.smtp_ca.as_deref(),
        &reporter,
        args.results.as_deref(),
        rejected,
    )
}

#[allow(clippy::too_many_arguments)]
fn execute(
    journal: Journal,
    batch: BatchFile,
    target: &RunTarget,
    options: RunOptions,
    smtp_ca: Option<&Path>,
    reporter: &Reporter,
    results_path: Option<&Path>,
    rejected: Vec<PersonResult>,
) -> Result<u8, AppError> {
    // The SMTP pool spawns its tasks on creation and on drop: everything below lives in the runtime.
    let runtime = runtime()?;
    let _context = runtime.enter();
    let profile = target.profile.as_deref();
    let client = tenant::client(target)?;
    let needs_smtp = matches!(batch.delivery, Delivery::Smtp { .. });
    let secrets = DeliverySecrets {
        smtp_password: if needs_smtp {
            tenant::secret("SMTP_PASSWORD", profile, SecretKind::SmtpPassword)?
        } else {
            None
        },
        extra_root_pem: smtp_ca
            .map(|p| std::fs::read(p).map_err(|e| AppError::io("read", p, &e)))
            .transpose()?,
    };
    let signing_key = if batch.invitation.sign_result_url {
        Some(
            tenant::secret("INVITE_DESK_SIGNING_KEY", profile, SecretKind::SigningKey)?
                .ok_or_else(|| {
                    AppError::new(
                        ErrorCode::Keychain,
                        "signing the result URL needs a key: INVITE_DESK_SIGNING_KEY, or `invite-desk secret set signing-key --profile NAME`",
                    )
                })?,
        )
    } else {
        None
    };
    let deliverer = deliver::for_batch(&batch, secrets)?;
    let control = RunControl::new();
    let sink: run::EventSink = {
        let reporter = reporter.clone();
        Arc::new(move |event: RunEvent| reporter.event(&event))
    };
    let outcome: Result<RunOutcome, AppError> = runtime.block_on(async {
        let stop = control.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                eprintln!("\ninterrupted: finishing the steps under way, then stopping…");
                stop.cancel();
            }
        });
        run::execute(
            RunSetup {
                client,
                journal: Arc::new(Mutex::new(journal)),
                batch,
                deliverer,
                signing_key,
                control,
                options,
            },
            sink,
        )
        .await
    });
    let outcome = outcome?;
    let mut all = outcome.results.clone();
    all.extend(rejected);
    all.sort_by_key(|r| r.line);
    if let Some(path) = results_path {
        results::write_results(path, &all)?;
    }
    if !reporter.json {
        print_summary(&outcome, &all);
    }
    // Only Ctrl-C cancels a CLI run.
    Ok(if outcome.status == "cancelled" {
        EXIT_INTERRUPTED
    } else if all.iter().any(|r| r.status == ResultStatus::Failed) {
        EXIT_SOME_FAILED
    } else {
        0
    })
}

fn print_summary(outcome: &RunOutcome, all: &[PersonResult]) {
    let count = |s: ResultStatus| all.iter().filter(|r| r.status == s).count();
    println!(
        "batch {}: {} invited, {} skipped, {} granted, {} failed ({:.1} s)",
        outcome.batch_id,
        count(ResultStatus::Invited),
        count(ResultStatus::Skipped),
        count(ResultStatus::Granted),
        count(ResultStatus::Failed),
        outcome.elapsed.as_secs_f64()
    );
    if let Some(path) = &outcome.links_file {
        println!(
            "links written to {} (bearer secrets: share them only with their owners)",
            path.display()
        );
    }
    for r in all.iter().filter(|r| r.status == ResultStatus::Failed) {
        println!(
            "  line {:>5}  {}  {}: {}",
            r.line,
            if r.email.is_empty() {
                "(no address)"
            } else {
                &r.email
            },
            r.error_code.as_deref().unwrap_or("error"),
            r.error.as_deref().unwrap_or("")
        );
    }
    if outcome.status == "cancelled" {
        println!(
            "stopped before the end: continue with `invite-desk resume {}`",
            outcome.batch_id
        );
    }
}

pub fn resume(args: ResumeArgs, paths: &AppPaths) -> Result<u8, AppError> {
    let mut journal = open_journal(paths)?;
    let (batch, target) = run::load_batch(&journal, &args.batch_id)?;
    if args.retry_failed {
        journal.retry_failed(&batch.id)?;
    }
    let reporter = Reporter::new(args.json);
    execute(
        journal,
        batch,
        &target,
        args.engine.options(),
        args.smtp_ca.as_deref(),
        &reporter,
        args.results.as_deref(),
        Vec::new(),
    )
}

pub fn history(json: bool, paths: &AppPaths) -> Result<(), AppError> {
    let batches = open_journal(paths)?.batches()?;
    if json {
        return crate::print_json(&batches);
    }
    for b in batches {
        let counts: Vec<String> = b.counts.iter().map(|(s, n)| format!("{n} {s}")).collect();
        println!(
            "{}  {}  {:<11}  {:>6} people  {}{}",
            b.id,
            b.created_at,
            b.status,
            b.total,
            counts.join(", "),
            b.name.map(|n| format!("  \"{n}\"")).unwrap_or_default()
        );
    }
    Ok(())
}

#[derive(Serialize)]
struct ShowJson {
    batch: invite_desk_engine::journal::BatchSummary,
    results: Vec<PersonResult>,
}

pub fn show(args: ShowArgs, paths: &AppPaths) -> Result<(), AppError> {
    let journal = open_journal(paths)?;
    let summary = journal
        .batches()?
        .into_iter()
        .find(|b| b.id == args.batch_id)
        .ok_or_else(|| {
            AppError::new(
                ErrorCode::NotFound,
                format!("no batch {} in the journal", args.batch_id),
            )
        })?;
    let results: Vec<PersonResult> = journal
        .people(&args.batch_id)?
        .iter()
        .map(results::person_result)
        .collect();
    if let Some(path) = &args.results {
        results::write_results(path, &results)?;
    }
    if args.json {
        return crate::print_json(&ShowJson {
            batch: summary,
            results,
        });
    }
    println!("{}  {}  {}", summary.id, summary.created_at, summary.status);
    for r in &results {
        println!(
            "  line {:>5}  {:<40}  {:<8}  {}{}",
            r.line,
            r.email,
            r.status.as_str(),
            r.user_id.as_deref().unwrap_or("-"),
            r.error
                .as_deref()
                .map(|e| format!("  {e}"))
                .unwrap_or_default()
        );
    }
    Ok(())
}

pub fn lookup(args: LookupArgs, paths: &AppPaths) -> Result<(), AppError> {
    let journal = open_journal(paths)?;
    let client = if args.tenant.given() {
        let (target, _) = args.tenant.resolve(paths)?;
        Some(tenant::client(&target)?)
    } else {
        None
    };
    let found = runtime()?.block_on(support::lookup(client.as_deref(), &journal, &args.email))?;
    if args.json {
        return crate::print_json(&found);
    }
    match &found.tenant {
        None => println!(
            "{}: tenant not asked (give --profile or --domain/--client-id)",
            found.email
        ),
        Some(accounts) if accounts.is_empty() => {
            println!("{}: no account in the tenant", found.email)
        }
        Some(accounts) => {
            for a in accounts {
                println!(
                    "{}: {} via {}; created {}; verified {}; {} logins; last login {}",
                    found.email,
                    a.user_id,
                    a.connections.join(", "),
                    a.created_at.as_deref().unwrap_or("?"),
                    a.email_verified.map_or("?".into(), |v| v.to_string()),
                    a.logins_count.unwrap_or(0),
                    a.last_login.as_deref().unwrap_or("never")
                );
                if let Some(invitation) = &a.invitation {
                    println!("  app_metadata.invitation: {invitation}");
                }
            }
        }
    }
    if found.history.is_empty() {
        println!("never invited from this machine");
    }
    for h in &found.history {
        let r = results::person_result(&h.record);
        println!(
            "batch {} ({}): {}{}",
            h.batch_id,
            h.batch_created_at,
            r.status.as_str(),
            r.link_expires_at
                .as_deref()
                .map(|e| format!(", link expires {e}"))
                .unwrap_or_default()
        );
        for (at, kind, detail) in &h.events {
            println!("    {at}  {kind}: {detail}");
        }
    }
    Ok(())
}

pub fn resend(args: ResendArgs, paths: &AppPaths) -> Result<u8, AppError> {
    let mut journal = open_journal(paths)?;
    let (batch, target) = support::resend_batch(&journal, &args.email, args.batch.as_deref())?;
    run::record_batch(&mut journal, &batch, &target)?;
    let reporter = Reporter::new(args.json);
    execute(
        journal,
        batch,
        &target,
        RunOptions::default(),
        args.smtp_ca.as_deref(),
        &reporter,
        None,
        Vec::new(),
    )
}
