//! `invite-desk preview` and `invite-desk send-test`: what a person will receive, before any batch.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use invite_desk_engine::delivery::{self, Sender};
use invite_desk_engine::paths::AppPaths;
use invite_desk_engine::roster::{self, Person, ReadOptions};
use invite_desk_engine::template::{CompiledTemplates, DateFormat, MessageSettings, TemplateSet};
use invite_desk_engine::{AppError, ErrorCode, duration};
use invite_desk_mail::Mailbox;
use invite_desk_mail::smtp::SmtpSettings;

/// Message settings shared by the commands that render invitations.
#[derive(Args, Debug)]
pub struct MessageArgs {
    /// Template file (TOML with subject, html and text); the built-in invitation by default.
    #[arg(long, value_name = "FILE")]
    pub(crate) template: Option<PathBuf>,
    /// The application people are invited to.
    #[arg(long, default_value = "our application", value_name = "NAME")]
    pub(crate) app_name: String,
    /// Who invites them (shown in the message).
    #[arg(long, default_value = "Your administrator", value_name = "NAME")]
    pub(crate) organization: String,
    /// Where to ask for a new invitation when the link has expired.
    #[arg(long, default_value = "your administrator", value_name = "CONTACT")]
    pub(crate) support: String,
    /// How the link's expiry date is written.
    #[arg(long, value_enum, default_value_t = DateFormatArg::Iso)]
    pub(crate) date_format: DateFormatArg,
    /// How long the link stays valid (7d, 48h, …).
    #[arg(long, default_value = "7d", value_name = "DURATION")]
    pub(crate) ttl: String,
    /// The sender, e.g. "Acme IT <it@acme.example>" (default: the profile's sender, else a
    /// placeholder address).
    #[arg(long, value_name = "ADDR")]
    pub(crate) from: Option<String>,
    /// Optional Reply-To address.
    #[arg(long, value_name = "ADDR")]
    pub(crate) reply_to: Option<String>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum DateFormatArg {
    Iso,
    DayMonthYear,
    MonthDayYear,
    DayMonthNumeric,
    MonthDayNumeric,
}

impl From<DateFormatArg> for DateFormat {
    fn from(f: DateFormatArg) -> Self {
        match f {
            DateFormatArg::Iso => DateFormat::Iso,
            DateFormatArg::DayMonthYear => DateFormat::DayMonthYear,
            DateFormatArg::MonthDayYear => DateFormat::MonthDayYear,
            DateFormatArg::DayMonthNumeric => DateFormat::DayMonthNumeric,
            DateFormatArg::MonthDayNumeric => DateFormat::MonthDayNumeric,
        }
    }
}

struct Prepared {
    templates: CompiledTemplates,
    settings: MessageSettings,
    sender: Sender,
    ttl: u64,
}

fn mailbox(text: &str) -> Result<Mailbox, AppError> {
    Ok(Mailbox::parse(text)?)
}

/// A template file (TOML: `subject`, `html`, `text`), compiled now so a bad one stops the command
/// before anything happens.
pub(crate) fn template_file(path: &std::path::Path) -> Result<TemplateSet, AppError> {
    let text = std::fs::read_to_string(path).map_err(|e| AppError::io("read", path, &e))?;
    let set = TemplateSet::from_toml(&text)?;
    CompiledTemplates::compile(&set)?;
    Ok(set)
}

impl MessageArgs {
    pub(crate) fn template_set(&self) -> Result<TemplateSet, AppError> {
        match &self.template {
            Some(path) => template_file(path),
            None => Ok(TemplateSet::builtin()),
        }
    }

    pub(crate) fn settings(&self) -> MessageSettings {
        MessageSettings {
            app_name: self.app_name.clone(),
            organization: self.organization.clone(),
            support_contact: self.support.clone(),
            date_format: self.date_format.into(),
        }
    }

    fn prepare(&self) -> Result<Prepared, AppError> {
        let set = self.template_set()?;
        Ok(Prepared {
            templates: CompiledTemplates::compile(&set)?,
            settings: self.settings(),
            sender: Sender {
                from: mailbox(
                    self.from
                        .as_deref()
                        .unwrap_or(invite_desk_engine::run::deliver::PLACEHOLDER_SENDER),
                )?,
                reply_to: self.reply_to.as_deref().map(mailbox).transpose()?,
            },
            ttl: duration::parse_duration_secs(&self.ttl)?,
        })
    }
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum PreviewFormat {
    /// Headers and the plain-text part.
    Text,
    /// The HTML part.
    Html,
    /// The whole message (RFC 5322), as it would be sent.
    Eml,
}

#[derive(Args, Debug)]
pub struct PreviewArgs {
    /// The people list (any format `roster check` reads), or `-` for standard input.
    people: PathBuf,
    /// Preview for this person (by email).
    #[arg(long, value_name = "EMAIL", conflicts_with = "line")]
    person: Option<String>,
    /// Preview for the person on this line.
    #[arg(long, value_name = "N")]
    line: Option<u64>,
    #[arg(long, value_enum, default_value_t = PreviewFormat::Text)]
    format: PreviewFormat,
    /// The workbook sheet to read.
    #[arg(long, value_name = "NAME")]
    sheet: Option<String>,
    #[command(flatten)]
    message: MessageArgs,
}

fn choose<'a>(
    people: &'a [Person],
    email: Option<&str>,
    line: Option<u64>,
) -> Result<&'a Person, AppError> {
    let found = match (email, line) {
        (Some(email), _) => people
            .iter()
            .find(|p| p.email.eq_ignore_ascii_case(email.trim())),
        (None, Some(line)) => people.iter().find(|p| p.line == line),
        (None, None) => people.first(),
    };
    found.ok_or_else(|| {
        let which = match (email, line) {
            (Some(e), _) => format!("no valid person with the address {e}"),
            (None, Some(l)) => format!("no valid person on line {l}"),
            (None, None) => "the list has no valid person".to_owned(),
        };
        AppError::new(
            ErrorCode::NotFound,
            format!("{which} (run `invite-desk roster check` to see the problems)"),
        )
    })
}

pub fn preview(args: PreviewArgs) -> Result<(), AppError> {
    let prepared = args.message.prepare()?;
    let bytes = crate::roster_check::read_input(&args.people)?;
    let report = roster::read_bytes(
        &bytes,
        &ReadOptions {
            sheet: args.sheet.clone(),
            mapping: None,
        },
    )?;
    let person = choose(&report.people, args.person.as_deref(), args.line)?;
    // The same engine function as the app's preview pane.
    let preview = delivery::preview(
        person,
        &prepared.templates,
        &prepared.settings,
        &prepared.sender,
        prepared.ttl,
    )?;
    match args.format {
        PreviewFormat::Eml => {
            use std::io::Write;
            std::io::stdout()
                .write_all(&preview.message.formatted())
                .map_err(|e| AppError::io("write", Path::new("standard output"), &e))?;
        }
        PreviewFormat::Html => print!("{}", preview.content.html),
        PreviewFormat::Text => {
            println!("From: {}", preview.sender.from);
            if let Some(reply_to) = &preview.sender.reply_to {
                println!("Reply-To: {reply_to}");
            }
            println!("To: {}", preview.to);
            println!("Subject: {}", preview.content.subject);
            println!();
            print!("{}", preview.content.text);
        }
    }
    Ok(())
}

#[derive(Args, Debug)]
pub struct SendTestArgs {
    /// SMTP server URL, e.g. smtp://mail.example.com:587?tls=required or smtps://user@host:465.
    /// The password comes from SMTP_PASSWORD or the keychain (--profile), never from the URL.
    #[arg(long, value_name = "URL")]
    smtp_url: String,
    /// Where to send the test (yourself).
    #[arg(long, value_name = "ADDR")]
    to: String,
    /// Extra trusted CA certificate (PEM) for a server with a company or self-signed certificate.
    #[arg(long, value_name = "FILE")]
    smtp_ca: Option<PathBuf>,
    /// Take the SMTP password from this profile's keychain entry when SMTP_PASSWORD is not set.
    #[arg(long, value_name = "NAME")]
    profile: Option<String>,
    #[command(flatten)]
    message: MessageArgs,
}

pub fn send_test(args: SendTestArgs, paths: &AppPaths) -> Result<(), AppError> {
    let prepared = args.message.prepare()?;
    let mut smtp = SmtpSettings::new(&args.smtp_url);
    // The same source as a run's: SMTP_PASSWORD, else the profile's keychain entry, which goes
    // only to the server it was kept for.
    smtp.password = crate::tenant::service(paths)?
        .mail_server_password(args.profile.as_deref(), &args.smtp_url)?;
    if let Some(ca) = &args.smtp_ca {
        smtp.extra_root_pem = Some(std::fs::read(ca).map_err(|e| AppError::io("read", ca, &e))?);
    }
    let to = mailbox(&args.to)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| AppError::internal(format!("could not start the async runtime: {e}")))?;
    let accepted = runtime.block_on(delivery::send_test(
        &smtp,
        &to,
        &prepared.templates,
        &prepared.settings,
        &prepared.sender,
        prepared.ttl,
    ))?;
    println!(
        "sent a test invitation to {}: {}",
        to.address, accepted.reply
    );
    Ok(())
}
