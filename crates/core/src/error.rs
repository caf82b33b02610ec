//! The one error shape that crosses every boundary (webview, CLI `--json`): a code from a closed set
//! plus a human message. Callers branch on the code; the message is for people.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The closed set of error codes. Adding one is a contract change: the UI switches on these.
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
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ErrorCode {
    /// The caller gave something unusable (bad file, bad flag, bad template).
    InvalidInput,
    /// The thing asked for does not exist (a batch, a profile, a person).
    NotFound,
    /// Reading or writing a local file or folder failed.
    Io,
    /// The OS keychain is missing, locked or refused the operation.
    Keychain,
    /// The tenant refused our credentials or they lack a scope.
    Auth,
    /// The tenant or mail server could not be reached, or answered with a server error.
    Network,
    /// The tenant's rate limit stopped us for longer than we were willing to wait.
    RateLimited,
    /// The tenant already has what we tried to create.
    Conflict,
    /// The user cancelled the operation.
    Cancelled,
    /// The action needs the person's go-ahead first (a production tenant): ask, then call again
    /// confirmed. Nothing was done.
    NeedsConfirmation,
    /// A bug: something that should not happen did. The message says what.
    Internal,
}

impl ErrorCode {
    /// The stable string form (as serialized), for logs and plain-text output.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Every code, for the generated TypeScript list the UI checks rejections against.
    pub const ALL: &[ErrorCode] = <ErrorCode as strum::VariantArray>::VARIANTS;
}

/// Why one person of a batch is not done: the code of the error that stopped them, or one of the
/// two outcomes that are no request's error (a mail that may have been sent; a run that stopped
/// before reaching them). Serialized as the bare code, so `--results` CSV/JSON keep their strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(untagged)]
pub enum PersonErrorCode {
    Error(ErrorCode),
    Unsettled(Unsettled),
}

/// A person's outcome that is not known to be a failure.
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
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Unsettled {
    /// The connection broke while the invitation was being sent: it may have arrived.
    DeliveryUnconfirmed,
    /// The run stopped before this person was finished: resume continues them.
    NotFinished,
}

impl PersonErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            PersonErrorCode::Error(code) => code.as_str(),
            PersonErrorCode::Unsettled(unsettled) => unsettled.into(),
        }
    }
}

impl From<ErrorCode> for PersonErrorCode {
    fn from(code: ErrorCode) -> Self {
        PersonErrorCode::Error(code)
    }
}

impl From<Unsettled> for PersonErrorCode {
    fn from(unsettled: Unsettled) -> Self {
        PersonErrorCode::Unsettled(unsettled)
    }
}

impl std::str::FromStr for PersonErrorCode {
    type Err = strum::ParseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        text.parse::<ErrorCode>()
            .map(PersonErrorCode::Error)
            .or_else(|_| text.parse::<Unsettled>().map(PersonErrorCode::Unsettled))
    }
}

/// An error as the user sees it: `{ "code": "...", "message": "..." }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, thiserror::Error)]
#[error("{message}")]
pub struct AppError {
    pub code: ErrorCode,
    pub message: String,
}

impl AppError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        AppError {
            code,
            message: message.into(),
        }
    }

    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidInput, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Internal, message)
    }

    /// An I/O failure, naming what we were doing and on which path.
    pub fn io(action: &str, path: &std::path::Path, err: &std::io::Error) -> Self {
        let code = if err.kind() == std::io::ErrorKind::NotFound {
            ErrorCode::NotFound
        } else {
            ErrorCode::Io
        };
        Self::new(
            code,
            format!("could not {action} {}: {err}", path.display()),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_as_code_and_message() {
        let err = AppError::new(ErrorCode::RateLimited, "slow down");
        let json = serde_json::to_value(&err).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"code": "rate_limited", "message": "slow down"})
        );
    }

    #[test]
    fn as_str_matches_serde_for_every_code() {
        for &code in ErrorCode::ALL {
            let json = serde_json::to_value(code).unwrap();
            assert_eq!(json, serde_json::Value::String(code.as_str().to_owned()));
            assert_eq!(code.as_str().parse::<ErrorCode>(), Ok(code));
        }
    }

    #[test]
    fn person_codes_are_the_bare_strings_both_ways() {
        let every = ErrorCode::ALL
            .iter()
            .map(|&c| PersonErrorCode::from(c))
            .chain(
                <Unsettled as strum::VariantArray>::VARIANTS
                    .iter()
                    .map(|&u| PersonErrorCode::from(u)),
            );
        for code in every {
            let json = serde_json::to_value(code).unwrap();
            assert_eq!(json, serde_json::Value::String(code.as_str().to_owned()));
            assert_eq!(
                serde_json::from_value::<PersonErrorCode>(json).unwrap(),
                code
            );
            assert_eq!(code.as_str().parse::<PersonErrorCode>(), Ok(code));
        }
        assert!("DUPLICATED_USER".parse::<PersonErrorCode>().is_err());
    }

    #[test]
    fn io_error_not_found_maps_to_not_found() {
        let err = std::io::Error::from(std::io::ErrorKind::NotFound);
        let app = AppError::io("read", std::path::Path::new("/nope"), &err);
        assert_eq!(app.code, ErrorCode::NotFound);
        assert!(app.message.contains("/nope"), "{}", app.message);
    }
}
