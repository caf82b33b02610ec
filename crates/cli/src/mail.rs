//! `invite-desk preview` and `invite-desk send-test`: what a person will receive, before any batch.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use invite_desk_engine::delivery::{self, Sender};
use invite_desk_engine::paths::AppPaths;
use invite_desk_engine::roster::{self, Person, ReadOptions};
use invite_desk_engine::template::{
    CompiledTemplates, DateFormat, LinkKind, MessageKind, MessageSettings, Template,
};
use invite_desk_engine::{AppError, ErrorCode, duration};
use invite_desk_mail::Mailbox;
use invite_desk_mail::smtp::SmtpSettings;

/// Message settings shared by the commands that render invitations.
#[derive(Args, Debug)]
pub struct MessageArgs {
    /// Template file (docs/templates.md: every language's wording; a version 1 file with subject,
    /// html and text still reads). Default: the built-in wording in seven languages, right for the
    /// mode.
    #[arg(long, value_name = "FILE", conflicts_with = "template_name")]
    pub(crate) template: Option<PathBuf>,
    /// A template saved in the app (or the data folder's templates/), by its name.
    #[arg(long, value_name = "NAME")]
    pub(crate) template_name: Option<String>,
    /// The batch's language (BCP 47 tag): for everyone whose list gives none, or one the template
    /// is not written in.
    #[arg(long, default_value = "en", value_name = "TAG")]
    pub(crate) language: String,
    /// The application people are invited to (none named by default).
    #[arg(long, default_value = "", value_name = "NAME")]
    pub(crate) app_name: String,
    /// Who invites them (shown in the message; none named by default).
    #[arg(long, default_value = "", value_name = "NAME")]
    pub(crate) organization: String,
    /// Where to ask for a new invitation when the link has expired (default: "the person who
    /// invited you").
    #[arg(long, default_value = "", value_name = "CONTACT")]
    pub(crate) support: String,
    /// How the link's expiry date is written (default: in the reader's language).
    #[arg(long, value_enum, default_value_t = DateFormatArg::Written)]
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
    Written,
    Iso,
    DayMonthYear,
    MonthDayYear,
    DayMonthNumeric,
    MonthDayNumeric,
}

impl From<DateFormatArg> for DateFormat {
    fn from(f: DateFormatArg) -> Self {
        match f {
            DateFormatArg::Written => DateFormat::Written,
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
    link: LinkKind,
}

impl Prepared {
    fn sample_link(&self) -> invite_desk_engine::template::Link {
        delivery::sample_link_for(self.link, self.ttl)
    }
}

fn mailbox(text: &str) -> Result<Mailbox, AppError> {
    Ok(Mailbox::parse(text)?)
}

/// A template file (docs/templates.md), read now so a bad one stops the command before anything
/// happens (it is compiled with the batch's language when the batch is made).
pub(crate) fn template_file(path: &std::path::Path) -> Result<Template, AppError> {
    Ok(invite_desk_engine::service::read_template_file(path)?.template())
}

impl MessageArgs {
    /// The template asked for: a file, a saved one, or `None` for the built-in wording.
    pub(crate) fn template(&self, paths: &AppPaths) -> Result<Option<Template>, AppError> {
        match (&self.template, &self.template_name) {
            (Some(path), _) => Ok(Some(template_file(path)?)),
            (None, Some(name)) => Ok(Some(
                invite_desk_engine::service::saved_template_in(&paths.data_dir, name)?.template(),
            )),
            (None, None) => Ok(None),
        }
    }

    pub(crate) fn settings(&self) -> MessageSettings {
        MessageSettings {
            app_name: self.app_name.trim().to_owned(),
            organization: self.organization.trim().to_owned(),
            support_contact: self.support.trim().to_owned(),
            date_format: self.date_format.into(),
            // Written canonically (`DE` is `de`); one that is no language is refused when the
            // message is compiled, with the reason.
            language: roster::language::normalize(&self.language)
                .ok()
                .flatten()
                .unwrap_or_else(|| self.language.clone()),
        }
    }

    fn prepare(
        &self,
        paths: &AppPaths,
        kind: MessageKind,
        link: LinkKind,
    ) -> Result<Prepared, AppError> {
        let settings = self.settings();
        let template = self
            .template(paths)?
            .unwrap_or_else(|| Template::builtin(kind, link, settings.known()));
        Ok(Prepared {
            templates: CompiledTemplates::compile_with(&template, &settings)?,
            settings,
            sender: Sender {
                from: mailbox(
                    self.from
                        .as_deref()
                        .unwrap_or(invite_desk_engine::run::deliver::PLACEHOLDER_SENDER),
                )?,
                reply_to: self.reply_to.as_deref().map(mailbox).transpose()?,
            },
            ttl: duration::parse_duration_secs(&self.ttl)?,
            link,
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
    /// Write it in this language (BCP 47 tag), whatever the person's is.
    #[arg(long, value_name = "TAG")]
    locale: Option<String>,
    #[arg(long, value_enum, default_value_t = PreviewFormat::Text)]
    format: PreviewFormat,
    #[command(flatten)]
    wording: WordingArgs,
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

/// Which built-in wording a preview or test starts from.
#[derive(Args, Debug)]
pub struct WordingArgs {
    /// What the link does (the built-in wording asks for it).
    #[arg(long, value_enum, default_value_t = crate::batch::ModeArg::PasswordChange)]
    mode: crate::batch::ModeArg,
    /// Which message: the invitation, the reminder or the new link after an expiry.
    #[arg(long, value_enum, default_value_t = MessageArg::Invitation)]
    message: MessageArg,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum MessageArg {
    Invitation,
    Reminder,
    Reissue,
}

impl WordingArgs {
    fn kinds(&self) -> (MessageKind, LinkKind) {
        let kind = match self.message {
            MessageArg::Invitation => MessageKind::Invitation,
            MessageArg::Reminder => MessageKind::Reminder,
            MessageArg::Reissue => MessageKind::Reissue,
        };
        let link = match self.mode {
            crate::batch::ModeArg::PasswordChange => LinkKind::PasswordChange,
            crate::batch::ModeArg::EmailVerification => LinkKind::EmailVerification,
            crate::batch::ModeArg::Organization => LinkKind::Organization,
        };
        (kind, link)
    }
}

/// A language given on the command line, as a tag.
fn language_arg(text: &str) -> Result<String, AppError> {
    roster::language::normalize(text)
        .map_err(AppError::invalid_input)?
        .ok_or_else(|| AppError::invalid_input("--locale needs a language (en, de, fr-CA…)"))
}

pub fn preview(args: PreviewArgs, paths: &AppPaths) -> Result<(), AppError> {
    let (kind, link) = args.wording.kinds();
    let prepared = args.message.prepare(paths, kind, link)?;
    let bytes = crate::roster_check::read_input(&args.people)?;
    let report = roster::read_bytes(
        &bytes,
        &ReadOptions {
            sheet: args.sheet.clone(),
            mapping: None,
        },
    )?;
    let mut person = choose(&report.people, args.person.as_deref(), args.line)?.clone();
    if let Some(locale) = &args.locale {
        person.locale = Some(language_arg(locale)?);
    }
    for warning in prepared.templates.warnings() {
        eprintln!("warning: {warning}");
    }
    // The same engine function as the app's preview pane.
    let preview = delivery::preview(
        &person,
        &prepared.templates,
        &prepared.settings,
        &prepared.sender,
        &prepared.sample_link(),
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
            println!(
                "Language: {}",
                invite_desk_engine::template::localized_describe(&preview.content.language)
            );
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
    /// Write it in this language (BCP 47 tag; default: the batch's language).
    #[arg(long, value_name = "TAG")]
    locale: Option<String>,
    #[command(flatten)]
    wording: WordingArgs,
    #[command(flatten)]
    message: MessageArgs,
}

pub fn send_test(args: SendTestArgs, paths: &AppPaths) -> Result<(), AppError> {
    let (kind, link) = args.wording.kinds();
    let prepared = args.message.prepare(paths, kind, link)?;
    let locale = args.locale.as_deref().map(language_arg).transpose()?;
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
        locale.as_deref(),
        &prepared.templates,
        &prepared.settings,
        &prepared.sender,
        &prepared.sample_link(),
    ))?;
    println!(
        "sent a test invitation to {}: {}",
        to.address, accepted.reply
    );
    Ok(())
}
