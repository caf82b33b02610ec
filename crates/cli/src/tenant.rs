//! Which tenant a command talks to: flags, then Auth0's own environment variables (`AUTH0_DOMAIN`,
//! `AUTH0_CLIENT_ID`), then a saved profile. The secrets come from the service's credential source
//! for the CLI: `AUTH0_CLIENT_SECRET` / `SMTP_PASSWORD` / `INVITE_DESK_SIGNING_KEY`, else the
//! profile's keychain entries. Secrets are never taken from the command line.
//!
//! Also `invite-desk check` (the app's *Test connection*) and the production go-ahead every
//! run-like command asks for.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;

use clap::Args;
use invite_desk_engine::paths::AppPaths;
use invite_desk_engine::profiles::ProfileStore;
use invite_desk_engine::run::RunTarget;
use invite_desk_engine::service::{
    EnvironmentThenProfiles, Keychain, Readiness, Service, TenantReport,
};
use invite_desk_engine::{AppError, ErrorCode};

#[derive(Args, Debug, Clone, Default)]
pub struct TenantArgs {
    /// A saved profile (`invite-desk profile set`): its tenant, client id and defaults; its secrets
    /// come from the OS keychain.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Tenant domain (acme.eu.auth0.com); a loopback http:// URL for the sandbox.
    #[arg(long, env = "AUTH0_DOMAIN", value_name = "DOMAIN")]
    pub domain: Option<String>,
    /// The machine-to-machine application's client id.
    #[arg(long, env = "AUTH0_CLIENT_ID", value_name = "ID")]
    pub client_id: Option<String>,
}

impl TenantArgs {
    /// The profile (if named) and the target the flags and environment describe.
    pub fn resolve(
        &self,
        paths: &AppPaths,
    ) -> Result<(RunTarget, Option<invite_desk_engine::profiles::Profile>), AppError> {
        let profile = match &self.profile {
            Some(name) => Some(ProfileStore::in_data_dir(&paths.data_dir).get(name)?),
            None => None,
        };
        let domain = self
            .domain
            .clone()
            .or_else(|| profile.as_ref().map(|p| p.domain.clone()))
            .ok_or_else(|| {
                AppError::invalid_input(
                    "which tenant? give --profile NAME, or --domain and --client-id (or AUTH0_DOMAIN and AUTH0_CLIENT_ID)",
                )
            })?;
        let client_id = self
            .client_id
            .clone()
            .or_else(|| profile.as_ref().map(|p| p.client_id.clone()))
            .ok_or_else(|| {
                AppError::invalid_input("give the client id: --client-id or AUTH0_CLIENT_ID")
            })?;
        Ok((
            RunTarget {
                domain,
                client_id,
                profile: profile.as_ref().map(|p| p.name.clone()),
            },
            profile,
        ))
    }

    /// Whether any tenant was named at all (look-ups may go without one).
    pub fn given(&self) -> bool {
        self.profile.is_some() || self.domain.is_some()
    }
}

/// The service as the CLI uses it: the journal and profiles in the data folder, secrets from the
/// environment first, then the keychain.
pub fn service(paths: &AppPaths) -> Result<Service, AppError> {
    let keychain = Arc::new(Keychain);
    Ok(Service::open(paths.clone(), keychain.clone())?
        .with_credentials(Arc::new(EnvironmentThenProfiles::new(keychain))))
}

/// One line typed on the terminal after `question` (trimmed); without a terminal, the
/// `needs_confirmation` error `without_terminal`, and nothing asked.
fn ask_on_terminal(question: &str, without_terminal: &str) -> Result<String, AppError> {
    if !std::io::stdin().is_terminal() {
        return Err(AppError::new(
            ErrorCode::NeedsConfirmation,
            without_terminal,
        ));
    }
    eprint!("{question}");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| AppError::internal(format!("could not read the answer: {e}")))?;
    Ok(answer.trim().to_owned())
}

/// The go-ahead for a batch file that sends things elsewhere than its profile: `--yes`, or `yes`
/// typed on a terminal; else the run stops before anything is done (exit 2).
pub fn destinations_go_ahead(
    destinations: &invite_desk_engine::service::Destinations,
    yes: bool,
) -> Result<(), AppError> {
    if !destinations.needs_confirmation || yes {
        return Ok(());
    }
    let answer = ask_on_terminal(
        "Check the lines marked ! above. Type yes to run this batch file: ",
        "this batch file sends things elsewhere than the profile (marked ! above): check them, then give --yes to run it (standard input is not a terminal)",
    )?;
    if answer.eq_ignore_ascii_case("yes") {
        Ok(())
    } else {
        Err(AppError::new(
            ErrorCode::Cancelled,
            "not confirmed: nothing was done",
        ))
    }
}

/// The go-ahead for acting on a production profile: `--yes`, or an answer typed on a terminal.
/// Without either the command stops before anything is done (exit 2).
pub fn production_go_ahead(
    service: &Service,
    target: &RunTarget,
    yes: bool,
    action: &str,
) -> Result<bool, AppError> {
    if !service.is_production(target)? || yes {
        return Ok(yes);
    }
    let name = target.profile.as_deref().unwrap_or_default();
    let answer = ask_on_terminal(
        &format!(
            "\"{name}\" is a production tenant ({}). Type the profile's name to {action}: ",
            target.domain
        ),
        &format!(
            "\"{name}\" is a production tenant ({}): give --yes to {action} without a question (standard input is not a terminal)",
            target.domain
        ),
    )?;
    if answer == name {
        Ok(true)
    } else {
        Err(AppError::new(
            ErrorCode::Cancelled,
            format!("not confirmed: nothing was done on \"{name}\""),
        ))
    }
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    tenant: TenantArgs,
    /// The database connection batches will use (default: the profile's).
    #[arg(long, value_name = "NAME")]
    connection: Option<String>,
    #[arg(long)]
    json: bool,
}

/// `invite-desk check`: exit 0 ready, 1 usable with warnings, 2 not usable (or unreachable).
pub fn check(args: CheckArgs, paths: &AppPaths) -> Result<ExitCode, AppError> {
    let (target, _) = args.tenant.resolve(paths)?;
    let service = service(paths)?;
    let report = crate::batch::runtime()?
        .block_on(service.check_tenant(&target, args.connection.as_deref()))?;
    if args.json {
        crate::print_json(&report)?;
    } else {
        print_report(&report);
    }
    Ok(ExitCode::from(match report.readiness {
        Readiness::Ready => 0,
        Readiness::UsableWithWarnings => 1,
        Readiness::NotUsable => 2,
    }))
}

fn print_report(report: &TenantReport) {
    println!(
        "tenant {}{}",
        report.tenant,
        report
            .profile
            .as_deref()
            .map(|p| format!(" (profile {p})"))
            .unwrap_or_default()
    );
    match &report.granted {
        Some(_) if report.missing.is_empty() => println!(
            "scopes: all {} that every batch needs are granted",
            report.needed.len()
        ),
        Some(_) => println!("scopes: MISSING {}", report.missing.join(", ")),
        None => println!("scopes: the token does not list them"),
    }
    for o in &report.optional {
        let state = match o.granted {
            Some(true) => "granted",
            Some(false) => "not granted",
            None => "unknown",
        };
        println!("  {} ({}): {state}", o.scope, o.needed_for);
    }
    for c in &report.connections {
        println!(
            "connection {}: sign-up {}",
            c.name,
            if c.signup_disabled {
                "disabled"
            } else {
                "OPEN"
            }
        );
    }
    if let Some(limit) = report.rate_limit {
        println!(
            "rate limit: a bucket of {limit} requests{}",
            report
                .rate_remaining
                .map(|r| format!(", {r} left after the check"))
                .unwrap_or_default()
        );
    }
    let verdict = match report.readiness {
        Readiness::Ready => "ready",
        Readiness::UsableWithWarnings => "usable, with warnings",
        Readiness::NotUsable => "NOT usable",
    };
    println!("{verdict}");
    for advice in &report.advice {
        println!("  - {advice}");
    }
}
