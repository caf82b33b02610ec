//! The Invite Desk engine: the parts the desktop shell, the CLI and the tests share.
//!
//! Nothing here depends on Tauri, so the CLI and the engine's tests build without WebKit.

pub mod about;
pub mod batch;
pub mod bindings;
pub mod delivery;
pub mod followup;
pub mod languages;
pub mod logging;
pub mod paths;
pub mod profiles;
pub mod run;
pub mod secrets;
pub mod service;
pub mod support;

pub use invite_desk_core::{AppError, ErrorCode, duration, error, files, ids};
pub use invite_desk_journal as journal;
pub use invite_desk_roster as roster;
pub use invite_desk_template as template;
/// Secrets cross the engine's API as `SecretString` (never printed, logged or serialized).
pub use secrecy::{ExposeSecret, SecretString};
