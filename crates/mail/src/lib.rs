//! Delivering invitations: as mail over SMTP, as `.eml` files in an outbox folder, or as a CSV of
//! links. Plain Rust (no Tauri), shared by the CLI, the engine and the desktop app.

pub mod error;
pub mod links;
pub mod message;
pub mod outbox;
pub mod smtp;

pub use error::{MailError, MailErrorKind};
pub use message::{Content, Envelope, Mailbox, build_message};
