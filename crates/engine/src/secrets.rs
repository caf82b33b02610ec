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
    fn secrets_never_print() {
        let s: SecretString = "hunter2".to_owned().into();
        assert!(!format!("{s:?}").contains("hunter2"));
    }
}
