//! `invite-desk profile`: saved tenants (the non-secret part; secrets go to `invite-desk secret`).

use clap::Subcommand;
use invite_desk_engine::AppError;
use invite_desk_engine::paths::AppPaths;
use invite_desk_engine::profiles::{Profile, ProfileStore};

#[derive(Subcommand, Debug)]
pub enum ProfileCommand {
    /// Add or replace a profile.
    Set {
        name: String,
        #[arg(long, value_name = "DOMAIN")]
        domain: String,
        #[arg(long, value_name = "ID")]
        client_id: String,
        /// The database connection users are created in.
        #[arg(long, value_name = "NAME")]
        connection: Option<String>,
        #[arg(long, value_name = "URL")]
        smtp_url: Option<String>,
        /// The sender of invitations.
        #[arg(long, value_name = "ADDR")]
        from: Option<String>,
        /// Mark the profile as production (the app asks before running against it).
        #[arg(long)]
        production: bool,
        /// The most SMTP connections a run opens at once (mail providers cap them; default 8).
        #[arg(long, value_name = "N")]
        smtp_connections: Option<u32>,
    },
    /// List the profiles (`--json`: an array of profiles).
    List {
        #[arg(long)]
        json: bool,
    },
    /// Remove a profile and its keychain entries.
    Delete { name: String },
}

pub fn run(command: ProfileCommand, paths: &AppPaths) -> Result<(), AppError> {
    let store = ProfileStore::in_data_dir(&paths.data_dir);
    match command {
        ProfileCommand::Set {
            name,
            domain,
            client_id,
            connection,
            smtp_url,
            from,
            production,
            smtp_connections,
        } => {
            let forgotten = crate::tenant::service(paths)?.set_profile(Profile {
                name: name.clone(),
                domain,
                client_id,
                connection,
                smtp_url,
                from,
                production,
                smtp_connections,
            })?;
            let name = name.trim();
            println!("saved profile {name}");
            for kind in forgotten {
                println!(
                    "forgot its {}: it was kept for the tenant or mail server the profile no longer names (save it again with `invite-desk secret set {} --profile {name}`)",
                    kind.as_str(),
                    kind.as_str(),
                );
            }
        }
        ProfileCommand::List { json } => {
            let profiles = store.list()?;
            if json {
                crate::print_json(&profiles)?;
            } else {
                for p in profiles {
                    let marker = if p.production { " [production]" } else { "" };
                    println!("{}{marker}\t{}\t{}", p.name, p.domain, p.client_id);
                }
            }
        }
        ProfileCommand::Delete { name } => {
            let removed = store.delete(&name)?;
            for &kind in invite_desk_engine::secrets::SecretKind::ALL {
                invite_desk_engine::secrets::delete(&name, kind)?;
            }
            if removed {
                println!("deleted profile {name}");
            } else {
                println!("no profile named {name}; its keychain entries (if any) were removed");
            }
        }
    }
    Ok(())
}
