//! `invite-desk run | resume | history | show | lookup | resend`: batches from a terminal or a script.
//!
//! Exit codes (README, "Exit codes"): 0 everyone ended well (invited, skipped or granted); 1 some
//! people failed (their rows in `--results` say why); 2 a setup error (nothing ran, or the run could
//! not go on); 3 the run was interrupted (Ctrl-C): `resume` continues it.

use std::collections::HashSet;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::{Args, ValueEnum};
use invite_desk_engine::batch::{
    BATCH_FORMAT, BatchFile, Delivery, ExistingPolicy, FollowUpSettings, InvitationSettings,
    InviteMode, Plan,
};
use invite_desk_engine::journal::PersonErrorCode;
use invite_desk_engine::paths::AppPaths;
use invite_desk_engine::roster::{self, Problem, ReadOptions, Severity};
use invite_desk_engine::run::preflight::{CheckStatus, Preflight};
use invite_desk_engine::run::results::{self, PersonResult, ResultStatus};
use invite_desk_engine::run::{
    self, EventSink, RunControl, RunEvent, RunOptions, RunStatus, RunTarget,
};
use invite_desk_engine::service::{RetryChoice, RunRequest, RunSummary, Service};
use invite_desk_engine::{AppError, ErrorCode, duration};
use serde::Serialize;

use crate::mail::MessageArgs;
use crate::tenant::{self, TenantArgs};

/// Some people failed.
pub const EXIT_SOME_FAILED: u8 = 1;
/// Interrupted (Ctrl-C); `resume` continues.
pub const EXIT_INTERRUPTED: u8 = 3;
/// A setup error (here: a preflight check of a dry run failed).
const EXIT_SETUP_ERROR: u8 = 2;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum ModeArg {
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
    /// With --dry-run: look everyone up (read-only) to say who already exists, and run the tenant
    /// and mail server checks (a login, nothing sent).
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
    /// Go ahead on a production profile without asking (needed when standard input is not a terminal).
    #[arg(long)]
    yes: bool,
    /// Remind people who have not accepted this many days after their invitation (comma-separated,
    /// e.g. 3,6); saved with the batch, sent by `followup --due`.
    #[arg(long, value_name = "DAYS", value_delimiter = ',')]
    remind_after: Vec<u32>,
    /// When a link expires unused, send a new one, once (saved with the batch, sent by `followup --due`).
    #[arg(long)]
    reissue_when_expired: bool,
    /// At most this many reminders a person (default 2).
    #[arg(long, value_name = "N")]
    max_reminders: Option<u32>,
    /// Set app_metadata.invitation.status to "accepted" when a follow-up check sees acceptance.
    #[arg(long)]
    mark_accepted: bool,
    /// The reminder's wording: a template file like --template (default: the built-in reminder).
    #[arg(long, value_name = "FILE")]
    reminder_template: Option<PathBuf>,
    /// The new link's wording after an expiry (default: the built-in one).
    #[arg(long, value_name = "FILE")]
    reissue_template: Option<PathBuf>,
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
    /// Retry failed people from the step that failed (people this batch created are not looked
    /// up again).
    #[arg(long)]
    retry_failed: bool,
    /// Send a new link to people whose invitation "may have been sent" (the run stopped while
    /// sending): only when you know they did not get it.
    #[arg(long)]
    resend_unconfirmed: bool,
    #[arg(long)]
    json: bool,
    /// Go ahead on a production profile without asking.
    #[arg(long)]
    yes: bool,
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
    /// Go ahead on a production profile without asking.
    #[arg(long)]
    yes: bool,
}

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, AppError> {
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
            error_code: Some(ErrorCode::InvalidInput.into()),
            line: problem.line,
            state: invite_desk_engine::journal::PersonState::Failed,
            link_expires_at: None,
            result: invite_desk_engine::journal::PersonState::Failed
                .words(None)
                .to_owned(),
            external_id: None,
            given_name: None,
            family_name: None,
            name: None,
        });
    }
    out
}

fn build_batch(
    args: &RunArgs,
    bytes: &[u8],
    profile: Option<&invite_desk_engine::profiles::Profile>,
    paths: &AppPaths,
) -> Result<(BatchFile, Vec<Problem>, Vec<PersonResult>), AppError> {
    let mut report = roster::read_bytes(
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
    batch.template = args.message.template(paths)?;
    batch.follow_up = FollowUpSettings {
        remind_after_days: args.remind_after.clone(),
        reissue_expired: args.reissue_when_expired,
        max_reminders: args
            .max_reminders
            .unwrap_or(invite_desk_engine::batch::DEFAULT_MAX_REMINDERS),
        mark_accepted: args.mark_accepted,
        reminder_template: args
            .reminder_template
            .as_deref()
            .map(crate::mail::template_file)
            .transpose()?,
        reissue_template: args
            .reissue_template
            .as_deref()
            .map(crate::mail::template_file)
            .transpose()?,
    };
    batch.validate()?;
    let languages =
        invite_desk_engine::languages::row_warnings(&batch.people, &batch.compiled_templates()?);
    report.problems.extend(languages);
    report.problems.sort_by_key(|p| p.line);
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
    let from_file = is_batch_file(&args.input, &bytes);
    let (mut batch, problems, rejected) = if from_file {
        let text = String::from_utf8(bytes)
            .map_err(|_| AppError::invalid_input("the batch file is not UTF-8 text"))?;
        (
            invite_desk_engine::service::batch_from_file(&text)?,
            Vec::new(),
            Vec::new(),
        )
    } else {
        build_batch(&args, &bytes, profile.as_ref(), paths)?
    };
    let reporter = Reporter::new(args.json);
    // A batch file chose its own mail server, result page, folders and template: shown before it
    // runs, and what differs from the profile needs a go-ahead.
    let destinations = if from_file {
        let destinations = tenant::service(paths)?.destinations(&target, &batch)?;
        if args.json {
            reporter
                .line(&serde_json::json!({"event": "destinations", "destinations": destinations}));
        } else {
            print_destinations(&destinations);
        }
        Some(destinations)
    } else {
        None
    };
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
    let service = tenant::service(paths)?;

    if args.dry_run {
        let asked = args.check_existing.then_some(&target);
        let runtime = runtime()?;
        let _context = runtime.enter();
        let plan = runtime.block_on(service.plan(asked, &batch, &args.engine.options()))?;
        let smtp_ca = read_ca(args.smtp_ca.as_deref())?;
        // A batch file's own mail server hears nothing (no login with a given password) before
        // the go-ahead.
        let unconfirmed = destinations
            .as_ref()
            .is_some_and(|d| d.needs_confirmation && !args.yes);
        if unconfirmed && asked.is_some() && !args.json {
            eprintln!(
                "(the batch file's mail server is not contacted before the go-ahead: add --yes to check it too)"
            );
        }
        let preflight = runtime.block_on(service.preflight_with(
            asked,
            &batch,
            smtp_ca,
            asked.is_some() && !unconfirmed,
        ))?;
        if args.json {
            reporter.line(&serde_json::json!({
                "event": "plan", "batch_id": batch.id, "plan": plan, "preflight": preflight
            }));
        } else {
            print_plan(&plan);
            print_preflight(&preflight);
        }
        return Ok(if !preflight.passed() {
            EXIT_SETUP_ERROR
        } else if rejected.is_empty() {
            0
        } else {
            EXIT_SOME_FAILED
        });
    }

    if let Some(destinations) = &destinations {
        tenant::destinations_go_ahead(destinations, args.yes)?;
    }
    let confirmed = tenant::production_go_ahead(&service, &target, args.yes, "run this batch")?;
    service.give_own_id(&mut batch);
    if !args.json {
        eprintln!(
            "batch {} ({} people); if it stops, continue with: invite-desk resume {}",
            batch.id,
            batch.people.len(),
            batch.id
        );
    }
    let request = run_request(args.engine.options(), args.smtp_ca.as_deref(), confirmed)?;
    let summary = drive(
        &request,
        |request, sink| service.start_run(&target, batch, request, sink),
        &reporter,
    )?;
    finish(
        &service,
        &summary,
        &reporter,
        args.results.as_deref(),
        rejected,
    )
}

fn print_destinations(destinations: &invite_desk_engine::service::Destinations) {
    eprintln!(
        "Where this batch file sends things (! = differs from the profile, or worth a look):"
    );
    for d in &destinations.items {
        let what: &str = d.what.into();
        let mark = if d.attention { "!" } else { " " };
        let profile = d
            .profile_value
            .as_deref()
            .map(|p| format!("  (the profile's: {p})"))
            .unwrap_or_default();
        let why = d
            .why
            .as_deref()
            .map(|w| format!("  - {w}"))
            .unwrap_or_default();
        eprintln!(
            "{mark} {:<16} {}{profile}{why}",
            what.replace('_', " "),
            d.value
        );
    }
}

fn print_preflight(preflight: &Preflight) {
    println!("Checks before the first write:");
    for check in &preflight.checks {
        let mark = match check.status {
            CheckStatus::Passed => "ok  ",
            CheckStatus::Warning => "warn",
            CheckStatus::Failed => "FAIL",
            CheckStatus::Skipped => "skip",
        };
        let name: &str = check.item.into();
        println!("  {mark}  {name}: {}", check.detail);
    }
}

fn read_ca(path: Option<&Path>) -> Result<Option<Vec<u8>>, AppError> {
    path.map(|p| std::fs::read(p).map_err(|e| AppError::io("read", p, &e)))
        .transpose()
}

fn print_plan(plan: &Plan) {
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
    let rate = &plan.rate;
    println!(
        "  {}'s rate limits ({}): {}",
        rate.plan,
        if rate.plan_detected {
            "as the tenant reports them"
        } else {
            "assumed: no tenant was asked"
        },
        rate.summary
    );
    for bucket in &rate.buckets {
        println!(
            "    {:>7} calls  {:<26} burst {:>3}, {:>7}  {}",
            bucket.calls,
            bucket.bucket,
            bucket.burst,
            invite_desk_engine::run::strategy::rate_label(bucket.per_minute),
            invite_desk_engine::run::strategy::duration_words(bucket.secs)
        );
    }
    println!(
        "  look-ups: {}; users created {}",
        match rate.lookup {
            invite_desk_engine::run::strategy::LookupStrategy::BatchedSearch => {
                "batched searches (40 addresses a call)"
            }
            invite_desk_engine::run::strategy::LookupStrategy::OneByOne => "one by one",
            invite_desk_engine::run::strategy::LookupStrategy::Export => {
                "one export job of the tenant's users"
            }
        },
        match rate.creation {
            invite_desk_engine::run::Creation::Bulk => "through import jobs",
            invite_desk_engine::run::Creation::Individual => "one by one",
        }
    );
    for person in &plan.people {
        let steps: Vec<&str> = person.steps.iter().map(|&s| s.into()).collect();
        println!(
            "  line {:>5}  {}  {}",
            person.line,
            person.email,
            steps.join(" > ")
        );
    }
}

/// The run as the CLI asks for it: its concurrency and thresholds, the extra CA, the go-ahead.
pub(crate) fn run_request(
    options: RunOptions,
    smtp_ca: Option<&Path>,
    confirmed_production: bool,
) -> Result<RunRequest, AppError> {
    Ok(RunRequest {
        options,
        smtp_ca: read_ca(smtp_ca)?,
        confirmed_production,
        control: RunControl::new(),
    })
}

/// Runs one service call that carries out a batch, with the terminal's controls on its
/// `RunControl`: Ctrl-C cancels at the next step boundary (exit 3, `resume` continues); on Unix
/// `SIGUSR1` pauses between steps and `SIGUSR2` continues.
fn drive<'s, F, Fut>(
    request: &RunRequest,
    call: F,
    reporter: &Reporter,
) -> Result<RunSummary, AppError>
where
    F: FnOnce(RunRequest, EventSink) -> Fut,
    Fut: std::future::Future<Output = Result<RunSummary, AppError>> + 's,
{
    drive_reporting(request, call, reporter)
}

/// `drive` for a call answering something else than a run's summary (a follow-up wave), with the
/// progress bar on a terminal.
pub(crate) fn drive_with<'s, T, F, Fut>(request: &RunRequest, call: F) -> Result<T, AppError>
where
    F: FnOnce(RunRequest, EventSink) -> Fut,
    Fut: std::future::Future<Output = Result<T, AppError>> + 's,
{
    drive_reporting(request, call, &Reporter::new(false))
}

fn drive_reporting<'s, T, F, Fut>(
    request: &RunRequest,
    call: F,
    reporter: &Reporter,
) -> Result<T, AppError>
where
    F: FnOnce(RunRequest, EventSink) -> Fut,
    Fut: std::future::Future<Output = Result<T, AppError>> + 's,
{
    // The SMTP pool spawns its tasks on creation and on drop: everything below lives in the runtime.
    let runtime = runtime()?;
    let _context = runtime.enter();
    let control = request.control.clone();
    let sink: EventSink = {
        let reporter = reporter.clone();
        Arc::new(move |event: RunEvent| reporter.event(&event))
    };
    runtime.block_on(async {
        let stop = control.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                eprintln!("\ninterrupted: finishing the steps under way, then stopping…");
                stop.cancel();
            }
        });
        crate::signals::pause_on_signals(control.clone(), reporter.json);
        call(request.clone(), sink).await
    })
}

/// Writes the results, prints the summary and chooses the exit code.
fn finish(
    service: &Service,
    summary: &RunSummary,
    reporter: &Reporter,
    results_path: Option<&Path>,
    rejected: Vec<PersonResult>,
) -> Result<u8, AppError> {
    let mut all = service.results(&summary.batch_id)?;
    all.extend(rejected);
    all.sort_by_key(|r| r.line);
    if let Some(path) = results_path {
        results::write_results(path, &all)?;
    }
    if !reporter.json {
        print_summary(summary, &all);
    }
    // Ctrl-C cancels a CLI run; the circuit breaker interrupts it. Either way `resume` continues.
    Ok(
        if matches!(
            summary.status,
            RunStatus::Cancelled | RunStatus::Interrupted
        ) {
            EXIT_INTERRUPTED
        } else if all.iter().any(|r| r.status == ResultStatus::Failed) {
            EXIT_SOME_FAILED
        } else {
            0
        },
    )
}

fn print_summary(summary: &RunSummary, all: &[PersonResult]) {
    // People the run stopped before the end for are not failed: resume takes them up.
    let ended = || all.iter().filter(|r| r.state.is_final());
    let count = |s: ResultStatus| ended().filter(|r| r.status == s).count();
    let not_finished = if summary.not_finished > 0 {
        format!(", {} not finished", summary.not_finished)
    } else {
        String::new()
    };
    // "Invited" is said as what delivering was: only `sent` left the machine.
    println!(
        "batch {}: {} {}, {} skipped, {} granted, {} failed{not_finished} ({:.1} s)",
        summary.batch_id,
        count(ResultStatus::Invited),
        summary.delivered_as.words(),
        count(ResultStatus::Skipped),
        count(ResultStatus::Granted),
        count(ResultStatus::Failed),
        summary.elapsed_secs
    );
    if let Some(path) = &summary.links_file {
        println!("links written to {path} (bearer secrets: share them only with their owners)");
    }
    for r in ended().filter(|r| r.status == ResultStatus::Failed) {
        println!(
            "  line {:>5}  {}  {}: {}",
            r.line,
            if r.email.is_empty() {
                "(no address)"
            } else {
                &r.email
            },
            r.error_code.map_or("error", PersonErrorCode::as_str),
            r.error.as_deref().unwrap_or("")
        );
    }
    let unconfirmed = all
        .iter()
        .filter(|r| r.state == invite_desk_engine::journal::PersonState::Unconfirmed)
        .count();
    if unconfirmed > 0 {
        println!(
            "{unconfirmed} invitation(s) may have been sent (the run stopped while sending): ask the people, or send new links with `invite-desk resume {} --resend-unconfirmed`",
            summary.batch_id
        );
    }
    if let Some(cause) = &summary.stopped_by {
        println!(
            "the run stopped itself: {} people in a row failed the same way: {} ({}). No one new was started (those already under way finished their step); fix it, then continue with `invite-desk resume {}`",
            run::BREAKER_THRESHOLD,
            cause.message,
            cause.code.as_str(),
            summary.batch_id
        );
    } else if summary.status == RunStatus::Cancelled {
        println!(
            "stopped before the end: continue with `invite-desk resume {}`",
            summary.batch_id
        );
    }
}

pub fn resume(args: ResumeArgs, paths: &AppPaths) -> Result<u8, AppError> {
    let service = tenant::service(paths)?;
    let target = service.batch_target(&args.batch_id)?;
    let confirmed =
        tenant::production_go_ahead(&service, &target, args.yes, "continue this batch")?;
    let reporter = Reporter::new(args.json);
    let request = run_request(args.engine.options(), args.smtp_ca.as_deref(), confirmed)?;
    let retry = RetryChoice {
        failed: args.retry_failed,
        unconfirmed: args.resend_unconfirmed,
    };
    let summary = drive(
        &request,
        |request, sink| service.resume_run(&args.batch_id, retry, request, sink),
        &reporter,
    )?;
    finish(
        &service,
        &summary,
        &reporter,
        args.results.as_deref(),
        Vec::new(),
    )
}

pub fn history(json: bool, paths: &AppPaths) -> Result<(), AppError> {
    let batches = tenant::service(paths)?.history()?;
    if json {
        return crate::print_json(&batches);
    }
    for b in batches {
        // In the state machine's order and the app's words ("12 written to outbox, 28 not started").
        let counts: Vec<String> = invite_desk_engine::journal::PersonState::ALL
            .iter()
            .filter_map(|state| {
                let n = b.counts.get(state.as_str())?;
                Some(format!("{n} {}", state.words(b.delivered_as)))
            })
            .collect();
        println!(
            "{}  {}  {:<11}  {:>6} people  {}{}",
            b.id,
            b.created_at,
            b.status.as_str(),
            b.total,
            counts.join(", "),
            b.name.map(|n| format!("  \"{n}\"")).unwrap_or_default()
        );
        if let Some(f) = &b.follow_up {
            println!(
                "    follow-up (checked {}): {} accepted ({} signed in), {} pending, {} expired, {} not invited",
                f.checked_at, f.accepted, f.signed_in, f.pending, f.expired, f.not_invited
            );
        }
    }
    Ok(())
}

#[derive(Serialize)]
struct ShowJson {
    batch: invite_desk_engine::journal::BatchSummary,
    results: Vec<PersonResult>,
}

pub fn show(args: ShowArgs, paths: &AppPaths) -> Result<(), AppError> {
    let service = tenant::service(paths)?;
    let summary = service.batch_summary(&args.batch_id)?;
    let results = service.results(&args.batch_id)?;
    if let Some(path) = &args.results {
        results::write_results(path, &results)?;
    }
    if args.json {
        return crate::print_json(&ShowJson {
            batch: summary,
            results,
        });
    }
    println!(
        "{}  {}  {}",
        summary.id,
        summary.created_at,
        summary.status.as_str()
    );
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
    let service = tenant::service(paths)?;
    let target = if args.tenant.given() {
        Some(args.tenant.resolve(paths)?.0)
    } else {
        None
    };
    let found = runtime()?.block_on(service.lookup(target.as_ref(), &args.email))?;
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
    if let (Some(f), Some(batch)) = (&found.follow_up, &found.follow_up_batch) {
        println!(
            "follow-up in batch {batch}: {}{}{}, {} reminders",
            f.status.as_str().replace('_', " "),
            f.accepted_at
                .as_deref()
                .map(|at| format!(" on {at}"))
                .unwrap_or_default(),
            f.last_login
                .as_deref()
                .map(|at| format!(", last sign-in {at}"))
                .unwrap_or_default(),
            f.reminders
        );
    }
    if found.history.is_empty() {
        println!("never invited from this machine");
    }
    for h in &found.history {
        let r = results::person_result(&h.record, None, h.delivered_as);
        println!(
            "batch {}{} ({}): {} ({}){}",
            h.batch_id,
            h.batch_name
                .as_deref()
                .map(|n| format!(" \"{n}\""))
                .unwrap_or_default(),
            h.batch_created_at,
            r.status.as_str(),
            r.result,
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
    let service = tenant::service(paths)?;
    let target = service.resend_target(&args.email, args.batch.as_deref())?;
    let confirmed = tenant::production_go_ahead(&service, &target, args.yes, "resend")?;
    let reporter = Reporter::new(args.json);
    let request = run_request(RunOptions::default(), args.smtp_ca.as_deref(), confirmed)?;
    let summary = drive(
        &request,
        |request, sink| service.resend(&args.email, args.batch.as_deref(), request, sink),
        &reporter,
    )?;
    if let (Some(delivered), false) = (&summary.delivery, args.json) {
        println!("{}: {} at {}", args.email, delivered.detail, delivered.at);
    }
    finish(&service, &summary, &reporter, None, Vec::new())
}

#[derive(Args, Debug)]
pub struct LinkArgs {
    email: String,
    /// Make it with the settings of this batch (default: the last one that invited them).
    #[arg(long, value_name = "BATCH_ID")]
    batch: Option<String>,
    /// Print `{"email", "url", "expires_at", "batch_id"}` instead of the link alone.
    #[arg(long)]
    json: bool,
    /// Go ahead on a production profile without asking.
    #[arg(long)]
    yes: bool,
}

/// `invite-desk link`: a new link for one person, printed once (a bearer secret: it is in no file,
/// log or journal), journaled as a copied link, never the source of a resend.
pub fn link(args: LinkArgs, paths: &AppPaths) -> Result<(), AppError> {
    let service = tenant::service(paths)?;
    let target = service.resend_target(&args.email, args.batch.as_deref())?;
    let confirmed = tenant::production_go_ahead(&service, &target, args.yes, "make a new link")?;
    let request = run_request(RunOptions::default(), None, confirmed)?;
    let runtime = runtime()?;
    let _context = runtime.enter();
    let link = runtime.block_on(service.copy_link(&args.email, args.batch.as_deref(), request))?;
    if args.json {
        // The documented shape: `copied` is the app's (whether it reached the clipboard).
        return crate::print_json(&serde_json::json!({
            "email": link.email,
            "url": link.url,
            "expires_at": link.expires_at,
            "batch_id": link.batch_id,
        }));
    }
    println!("{}", link.url);
    eprintln!(
        "a new link for {} (expires {}): a bearer secret, give it only to them",
        link.email, link.expires_at
    );
    Ok(())
}
