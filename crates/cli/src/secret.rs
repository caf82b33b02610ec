//! `invite-desk secret set|delete|status`: keep a profile's secrets in the OS keychain. Values are read
//! from standard input, never from the command line (where shells and process lists keep them).

use std::io::Read;

use clap::{Subcommand, ValueEnum};
use invite_desk_engine::AppError;
use invite_desk_engine::paths::AppPaths;
use invite_desk_engine::secrets::{self, SecretKind};

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum KindArg {
    ClientSecret,
    SmtpPassword,
    SigningKey,
}

impl From<KindArg> for SecretKind {
    fn from(k: KindArg) -> Self {
        match k {
            KindArg::ClientSecret => SecretKind::ClientSecret,
            KindArg::SmtpPassword => SecretKind::SmtpPassword,
            KindArg::SigningKey => SecretKind::SigningKey,
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum SecretCommand {
    /// Store a secret, read from standard input (one line; the trailing newline is dropped).
    Set {
        kind: KindArg,
        #[arg(long, value_name = "NAME")]
        profile: String,
    },
    /// Make a new random signing key, keep it in the keychain and print it once on standard
    /// output (give it to the application that checks the tokens). Only `signing-key`.
    Generate {
        kind: KindArg,
        #[arg(long, value_name = "NAME")]
        profile: String,
    },
    /// Remove a secret (no error when there is none).
    Delete {
        kind: KindArg,
        #[arg(long, value_name = "NAME")]
        profile: String,
    },
    /// Show which secrets a profile has stored (never their values).
    Status {
        #[arg(long, value_name = "NAME")]
        profile: String,
        /// Print {"client-secret":bool,"smtp-password":bool,"signing-key":bool}.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(command: SecretCommand, paths: &AppPaths) -> Result<(), AppError> {
    match command {
        SecretCommand::Set { kind, profile } => {
            let mut value = String::new();
            std::io::stdin()
                .read_to_string(&mut value)
                .map_err(|e| AppError::io("read", std::path::Path::new("standard input"), &e))?;
            let value = value
                .strip_suffix('\n')
                .map(|v| v.strip_suffix('\r').unwrap_or(v))
                .unwrap_or(&value)
                .to_owned();
            let value = value.into();
            // Length and shape first: a bad value is refused before anything else is looked at.
            secrets::check(kind.into(), &value)?;
            crate::tenant::service(paths)?.save_secret(&profile, kind.into(), &value)?;
            println!(
                "stored the {} of profile {profile} in the keychain",
                SecretKind::from(kind).as_str()
            );
        }
        SecretCommand::Generate { kind, profile } => {
            if !matches!(kind, KindArg::SigningKey) {
                return Err(AppError::invalid_input(
                    "only a signing key is made here: a client secret comes from Auth0, an SMTP password from the mail provider",
                ));
            }
            use invite_desk_engine::ExposeSecret;
            let key = crate::tenant::service(paths)?.generate_signing_key(&profile)?;
            eprintln!(
                "stored a new signing key for profile {profile}; it is shown once, below: give it to the application that checks the invitation tokens (docs/invitation-token.md)"
            );
            println!("{}", key.expose_secret());
        }
        SecretCommand::Delete { kind, profile } => {
            secrets::delete(&profile, kind.into())?;
            println!(
                "removed the {} of profile {profile} from the keychain",
                SecretKind::from(kind).as_str()
            );
        }
        SecretCommand::Status { profile, json } => {
            let mut stored = serde_json::Map::new();
            for &kind in SecretKind::ALL {
                stored.insert(
                    kind.as_str().to_owned(),
                    secrets::load(&profile, kind)?.is_some().into(),
                );
            }
            if json {
                crate::print_json(&stored)?;
            } else {
                for (kind, present) in &stored {
                    println!(
                        "{kind}: {}",
                        if present.as_bool() == Some(true) {
                            "stored"
                        } else {
                            "not stored"
                        }
                    );
                }
            }
        }
    }
    Ok(())
}
