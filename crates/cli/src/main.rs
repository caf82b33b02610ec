//! `invite-desk`: the engine's functions for scripts and scheduled tasks.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use invite_desk_engine::{AppError, about, paths::AppPaths};

mod batch;
mod followup;
mod mail;
mod profile;
mod roster_check;
mod sandbox;
mod secret;
mod signals;
mod tenant;

/// Exit code for setup errors: bad flags, unreadable input, missing credentials.
pub(crate) const EXIT_SETUP_ERROR: u8 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "invite-desk",
    version,
    about = "Invite people into an Auth0 tenant that does not allow self sign-up",
    long_about = None
)]
struct Cli {
    /// Folder for the journal, saved batches and logs (default: the OS data folder).
    #[arg(long, global = true, env = invite_desk_engine::paths::DATA_DIR_ENV, value_name = "DIR")]
    data_dir: Option<PathBuf>,

    /// Also print the log to stderr.
    #[arg(long, short, global = true)]
    verbose: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Invite the people of a list (or a saved batch file) into a tenant: create, ticket, grant,
    /// deliver, every step journaled. Exit 0 all well, 1 some failed, 2 setup error, 3 interrupted.
    Run(Box<batch::RunArgs>),
    /// Continue a batch that stopped (crash, Ctrl-C, closed laptop) without repeating anything done.
    Resume(batch::ResumeArgs),
    /// The batches in the journal, newest first (`--json`: an array of objects with "id" and "status").
    History {
        #[arg(long)]
        json: bool,
    },
    /// One batch and every person's result.
    Show(batch::ShowArgs),
    /// Where one person stands: their account in the tenant and every invitation from this machine.
    Lookup(batch::LookupArgs),
    /// A new link and a new invitation for one person, with the settings of their last batch.
    Resend(batch::ResendArgs),
    /// Who accepted a batch's invitation, who has not, whose link expired; reminders for the pending
    /// and new links for the expired (`--due`: every batch whose cadence has something due).
    Followup(followup::FollowUpArgs),
    /// A new link for one person, printed once instead of delivered (for a support ticket). It is a
    /// bearer secret: it goes to standard output only.
    Link(batch::LinkArgs),
    /// Check a tenant before a batch (the app's Test connection): scopes, the connection, sign-up,
    /// the rate-limit bucket. Exit 0 ready, 1 usable with warnings, 2 not usable.
    Check(tenant::CheckArgs),
    /// Saved tenants (domain, client id, defaults); their secrets are kept by `secret`.
    #[command(subcommand)]
    Profile(profile::ProfileCommand),
    /// Serve the sandbox tenant: a simulated Auth0 tenant on loopback, for trying Invite Desk and for
    /// tests. Prints its base URL and credentials, then serves until interrupted.
    Sandbox(sandbox::SandboxArgs),
    /// Show the invitation one person of a list will receive (headers and text, HTML, or the whole
    /// message). Nothing is sent and no tenant is contacted; the link is a visible placeholder.
    Preview(mail::PreviewArgs),
    /// Send the invitation to yourself through an SMTP server, with a placeholder link, to check the
    /// server settings and the look of the message before a batch.
    SendTest(mail::SendTestArgs),
    /// Keep a profile's secrets (client secret, SMTP password, signing key) in the OS keychain.
    #[command(subcommand)]
    Secret(secret::SecretCommand),
    /// People lists: read and validate a list without touching any tenant.
    #[command(subcommand)]
    Roster(RosterCommand),
    /// Show the version and where Invite Desk keeps its data and logs.
    Info {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
enum RosterCommand {
    /// Read a list (CSV, TSV, text, Outlook address lines, XLSX, ODS) and report every problem by line.
    /// Exits 0 even when rows have problems; 2 when the input cannot be read at all.
    Check {
        /// The file to read, or `-` for standard input.
        file: PathBuf,
        /// The workbook sheet to read (default: the first).
        #[arg(long, value_name = "NAME")]
        sheet: Option<String>,
        /// Print the stable JSON report instead of text.
        #[arg(long)]
        json: bool,
        /// The template people's languages are checked against (default: the built-in wording).
        #[arg(long, value_name = "FILE", conflicts_with = "template_name")]
        template: Option<PathBuf>,
        /// A saved template, by name, to check people's languages against.
        #[arg(long, value_name = "NAME")]
        template_name: Option<String>,
        /// The batch's language: what people whose language has no wording get.
        #[arg(long, default_value = "en", value_name = "TAG")]
        language: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("invite-desk: {} ({})", err.message, err.code.as_str());
            ExitCode::from(EXIT_SETUP_ERROR)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, AppError> {
    let paths = AppPaths::resolve(cli.data_dir.as_deref())?;
    let _log = invite_desk_engine::logging::init(&paths.log_dir, "invite-desk-cli", cli.verbose)?;
    match cli.command {
        Command::Info { json } => {
            let info = about::app_info(&paths);
            if json {
                print_json(&info)?;
            } else {
                println!("{} {}", info.name, info.version);
                println!("data folder: {}", info.data_dir);
                println!("log folder:  {}", info.log_dir);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Preview(args) => {
            mail::preview(args, &paths)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::SendTest(args) => {
            mail::send_test(args, &paths)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Secret(command) => {
            secret::run(command, &paths)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Sandbox(args) => {
            sandbox::run(args)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Run(args) => Ok(ExitCode::from(batch::run(*args, &paths)?)),
        Command::Resume(args) => Ok(ExitCode::from(batch::resume(args, &paths)?)),
        Command::History { json } => {
            batch::history(json, &paths)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Show(args) => {
            batch::show(args, &paths)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Lookup(args) => {
            batch::lookup(args, &paths)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Resend(args) => Ok(ExitCode::from(batch::resend(args, &paths)?)),
        Command::Followup(args) => Ok(ExitCode::from(followup::followup(args, &paths)?)),
        Command::Link(args) => {
            batch::link(args, &paths)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Check(args) => tenant::check(args, &paths),
        Command::Profile(command) => {
            profile::run(command, &paths)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Roster(RosterCommand::Check {
            file,
            sheet,
            json,
            template,
            template_name,
            language,
        }) => {
            let wording = roster_check::Wording {
                template,
                template_name,
                language,
            };
            roster_check::run(&file, sheet, json, &wording, &paths)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

pub(crate) fn print_json<T: serde::Serialize>(value: &T) -> Result<(), AppError> {
    let text = serde_json::to_string(value)
        .map_err(|e| AppError::internal(format!("could not encode JSON output: {e}")))?;
    println!("{text}");
    Ok(())
}
