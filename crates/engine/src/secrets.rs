//! Secrets in the OS keychain (keyring: Secret Service on Linux, Keychain on macOS, Credential Manager
//! on Windows), one entry per profile and kind, under the app's identifier. Values travel as
//! `SecretString`, which never prints, logs or serializes. There is no fallback to a file: without a
//! keychain the caller gets a clear error.

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{AppError, ErrorCode};

/// The keychain "service" all entries live under (the app's bundle identifier).
pub const SERVICE: &str = "app.invitedesk.desktop";

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    TS,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantArray,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum SecretKind {
    /// The M2M application's client secret.
    ClientSecret,
    SmtpPassword,
    /// The HS256 key that signs invitation tokens.
    SigningKey,
}

impl SecretKind {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub const ALL: &[SecretKind] = <SecretKind as strum::VariantArray>::VARIANTS;
}

fn account(profile: &str, kind: SecretKind) -> Result<String, AppError> {
    let profile = profile.trim();
    if profile.is_empty() || profile.contains('/') {
        return Err(AppError::invalid_input(format!(
            "\"{profile}\" is not a profile name (no slashes, not empty)"
        )));
    }
    Ok(format!("{profile}/{}", kind.as_str()))
}

fn keychain_error(what: &str, e: keyring::Error) -> AppError {
    let message = match e {
        keyring::Error::NoDefaultStore => {
            "no keychain service is available (on Linux a Secret Service such as GNOME Keyring or KWallet must be running in the session)".to_owned()
        }
        keyring::Error::NoStorageAccess(inner) => format!("the keychain refused access (is it locked?): {inner}"),
        keyring::Error::PlatformFailure(inner) => format!("the keychain failed: {inner}"),
        other => format!("the keychain failed: {other}"),
    };
    AppError::new(ErrorCode::Keychain, format!("could not {what}: {message}"))
}

fn entry(profile: &str, kind: SecretKind) -> Result<keyring::Entry, AppError> {
    keyring::Entry::new(SERVICE, &account(profile, kind)?)
        .map_err(|e| keychain_error("open the keychain", e))
}

/// What a stored secret is for. A secret is kept with its purpose (`seal`) and given out only for
/// exactly that (`Purpose::admits`): a batch file naming another mail server, or a profile pointed
/// at another tenant, cannot make the app send a saved password or client secret there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "for", rename_all = "snake_case")]
pub enum Purpose {
    /// A client secret: the tenant (host, and port for loopback) and the application's client id.
    Tenant { tenant: String, client_id: String },
    /// An SMTP password: the server and the user it logs in as.
    MailServer {
        host: String,
        port: u16,
        user: Option<String>,
    },
    /// A signing key: the profile's invitation tokens.
    InvitationTokens,
}

impl Purpose {
    pub fn tenant(domain: &str, client_id: &str) -> Result<Purpose, AppError> {
        let url = invite_desk_auth0::TenantUrl::parse(domain)?;
        let base = url.base();
        let host = base.host_str().unwrap_or_default().to_lowercase();
        let tenant = match base.port() {
            Some(port) => format!("{host}:{port}"),
            None => host,
        };
        Ok(Purpose::Tenant {
            tenant,
            client_id: client_id.trim().to_owned(),
        })
    }

    pub fn mail_server(smtp_url: &str) -> Result<Purpose, AppError> {
        let target = invite_desk_mail::smtp::parse_url(smtp_url)?;
        Ok(Purpose::MailServer {
            host: target.host.to_lowercase(),
            port: target.port,
            user: target.user,
        })
    }

    /// The purpose a kind of secret has under a profile's settings (`None`: the profile gives it
    /// none, e.g. an SMTP password without an SMTP server).
    pub fn of_profile(
        kind: SecretKind,
        profile: &crate::profiles::Profile,
    ) -> Result<Option<Purpose>, AppError> {
        Ok(match kind {
            SecretKind::ClientSecret => Some(Purpose::tenant(&profile.domain, &profile.client_id)?),
            SecretKind::SmtpPassword => profile
                .smtp_url
                .as_deref()
                .map(Purpose::mail_server)
                .transpose()?,
            SecretKind::SigningKey => Some(Purpose::InvitationTokens),
        })
    }

    /// How the purpose reads in a message.
    pub fn describe(&self) -> String {
        match self {
            Purpose::Tenant { tenant, client_id } => {
                format!("tenant {tenant} (client id {client_id})")
            }
            Purpose::MailServer { host, port, user } => match user {
                Some(user) => format!("{host}:{port} (user {user})"),
                None => format!("{host}:{port}"),
            },
            Purpose::InvitationTokens => "invitation tokens".to_owned(),
        }
    }
}

/// How a secret is kept in the keychain: the value with what it is for.
#[derive(Serialize, Deserialize)]
struct Sealed {
    invite_desk_secret: u8,
    purpose: Purpose,
    value: String,
}

/// The keychain value for `secret` kept for `purpose`.
pub fn seal(purpose: &Purpose, secret: &SecretString) -> Result<SecretString, AppError> {
    let sealed = Sealed {
        invite_desk_secret: 1,
        purpose: purpose.clone(),
        value: secret.expose_secret().to_owned(),
    };
    serde_json::to_string(&sealed)
        .map(SecretString::from)
        .map_err(|e| AppError::internal(format!("could not keep a secret's purpose: {e}")))
}

/// A keychain value and what it was kept for; `None` for a value stored before secrets had
/// purposes (or by hand), which the caller holds to the profile's current settings.
pub fn unseal(stored: SecretString) -> (Option<Purpose>, SecretString) {
    match serde_json::from_str::<Sealed>(stored.expose_secret()) {
        Ok(sealed) if sealed.invite_desk_secret == 1 => {
            (Some(sealed.purpose), SecretString::from(sealed.value))
        }
        _ => (None, stored),
    }
}

/// The shortest signing key accepted: HS256 wants at least the hash's 256 bits.
pub const MIN_SIGNING_KEY_BYTES: usize = 32;

/// Whether a value can be what `kind` is for, checked before it is stored (and again before a run
/// uses it): a signing key too short for HS256 is refused when saved, not at the first batch.
pub fn check(kind: SecretKind, value: &SecretString) -> Result<(), AppError> {
    let length = value.expose_secret().len();
    if kind == SecretKind::SigningKey && length < MIN_SIGNING_KEY_BYTES {
        return Err(AppError::invalid_input(format!(
            "the signing key is {length} bytes; HS256 needs at least {MIN_SIGNING_KEY_BYTES}"
        )));
    }
    Ok(())
}

pub fn save(profile: &str, kind: SecretKind, value: &SecretString) -> Result<(), AppError> {
    check(kind, value)?;
    if value.expose_secret().is_empty() {
        return Err(AppError::invalid_input(format!(
            "the {} is empty",
            kind.as_str()
        )));
    }
    entry(profile, kind)?
        .set_password(value.expose_secret())
        .map_err(|e| keychain_error(&format!("save the {} of {profile}", kind.as_str()), e))
}

/// The secret, or `None` when none is stored.
pub fn load(profile: &str, kind: SecretKind) -> Result<Option<SecretString>, AppError> {
    match entry(profile, kind)?.get_password() {
        Ok(value) => Ok(Some(value.into())),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(e) => Err(keychain_error(
            &format!("read the {} of {profile}", kind.as_str()),
            e,
        )),
    }
}

/// Removes the secret; removing one that is not there is not an error.
pub fn delete(profile: &str, kind: SecretKind) -> Result<(), AppError> {
    match entry(profile, kind)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(keychain_error(
            &format!("delete the {} of {profile}", kind.as_str()),
            e,
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_names_are_checked_before_touching_the_keychain() {
        assert_eq!(
            account("production", SecretKind::SmtpPassword).unwrap(),
            "production/smtp-password"
        );
        assert!(account("a/b", SecretKind::ClientSecret).is_err());
        assert!(account("  ", SecretKind::ClientSecret).is_err());
    }

    #[test]
    fn a_sealed_secret_opens_with_its_purpose_and_a_plain_one_without() {
        let purpose = Purpose::mail_server("smtp://it%40acme.example@Mail.Acme.example").unwrap();
        assert_eq!(
            purpose,
            Purpose::MailServer {
                host: "mail.acme.example".into(),
                port: 587,
                user: Some("it@acme.example".into())
            }
        );
        let sealed = seal(&purpose, &SecretString::from("hunter2")).unwrap();
        let (opened, value) = unseal(sealed);
        assert_eq!(opened, Some(purpose));
        assert_eq!(value.expose_secret(), "hunter2");
        let (opened, value) = unseal(SecretString::from("plain-old-value"));
        assert_eq!(opened, None);
        assert_eq!(value.expose_secret(), "plain-old-value");
        assert_eq!(
            Purpose::tenant("https://ACME.eu.auth0.com/", " abc ").unwrap(),
            Purpose::tenant("acme.eu.auth0.com", "abc").unwrap()
        );
        assert_ne!(
            Purpose::tenant("http://127.0.0.1:4001", "abc").unwrap(),
            Purpose::tenant("http://127.0.0.1:4002", "abc").unwrap()
        );
    }

    #[test]
    fn secrets_never_print() {
        let s: SecretString = "hunter2".to_owned().into();
        assert!(!format!("{s:?}").contains("hunter2"));
    }
}
