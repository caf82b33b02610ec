//! The one error shape that crosses every boundary (webview, CLI `--json`): a code from a closed set
//! plus a human message. Callers branch on the code; the message is for people.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The closed set of error codes. Adding one is a contract change: the UI switches on these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
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
        match self {
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Io => "io",
            ErrorCode::Keychain => "keychain",
            ErrorCode::Auth => "auth",
            ErrorCode::Network => "network",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::Conflict => "conflict",
            ErrorCode::Cancelled => "cancelled",
            ErrorCode::NeedsConfirmation => "needs_confirmation",
            ErrorCode::Internal => "internal",
        }
    }

    /// Every code, for the generated TypeScript list the UI checks rejections against.
    pub const ALL: [ErrorCode; 11] = [
        ErrorCode::InvalidInput,
        ErrorCode::NotFound,
        ErrorCode::Io,
        ErrorCode::Keychain,
        ErrorCode::Auth,
        ErrorCode::Network,
        ErrorCode::RateLimited,
        ErrorCode::Conflict,
        ErrorCode::Cancelled,
        ErrorCode::NeedsConfirmation,
        ErrorCode::Internal,
    ];
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
        for code in ErrorCode::ALL {
            let json = serde_json::to_value(code).unwrap();
            assert_eq!(json, serde_json::Value::String(code.as_str().to_owned()));
        }
    }

    #[test]
    fn io_error_not_found_maps_to_not_found() {
        let err = std::io::Error::from(std::io::ErrorKind::NotFound);
        let app = AppError::io("read", std::path::Path::new("/nope"), &err);
        assert_eq!(app.code, ErrorCode::NotFound);
        assert!(app.message.contains("/nope"), "{}", app.message);
    }
}
