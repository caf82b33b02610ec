//! Delivery errors, classified like the SMTP replies behind them.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailErrorKind {
    /// 5xx or an address the server will never take: this person only, do not retry.
    Permanent,
    /// 4xx, a timeout or a broken connection: worth another try.
    Temporary,
    /// The settings are unusable (bad URL, plain text to a remote server, bad certificate file).
    Config,
    /// Writing a file failed.
    Io,
    /// The message could not be built (an address that is not an address).
    Invalid,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct MailError {
    pub kind: MailErrorKind,
    /// The SMTP reply code, when a server answered.
    pub code: Option<u16>,
    pub message: String,
    /// The connection broke while the message was on its way: the server may have taken it (its
    /// answer was lost). Such a send is never repeated silently.
    pub maybe_delivered: bool,
}

impl MailError {
    pub fn new(kind: MailErrorKind, message: impl Into<String>) -> Self {
        MailError {
            kind,
            code: None,
            message: message.into(),
            maybe_delivered: false,
        }
    }

    pub fn config(message: impl Into<String>) -> Self {
        Self::new(MailErrorKind::Config, message)
    }
}

/// How the rest of Invite Desk sees a delivery failure: a wrong login is `auth`, a 5xx or an unusable
/// setting is the input's, a 4xx or a broken connection is the network's, a file that cannot be
/// written is `io`.
impl From<MailError> for invite_desk_core::AppError {
    fn from(e: MailError) -> Self {
        use invite_desk_core::{AppError, ErrorCode};
        let code = match (e.kind, e.code) {
            (_, Some(530 | 534 | 535 | 538)) => ErrorCode::Auth,
            (MailErrorKind::Permanent | MailErrorKind::Invalid | MailErrorKind::Config, _) => {
                ErrorCode::InvalidInput
            }
            (MailErrorKind::Temporary, _) => ErrorCode::Network,
            (MailErrorKind::Io, _) => ErrorCode::Io,
        };
        AppError::new(code, e.message)
    }
}
