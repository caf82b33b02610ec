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
}

impl MailError {
    pub fn new(kind: MailErrorKind, message: impl Into<String>) -> Self {
        MailError {
            kind,
            code: None,
            message: message.into(),
        }
    }

    pub fn config(message: impl Into<String>) -> Self {
        Self::new(MailErrorKind::Config, message)
    }
}
