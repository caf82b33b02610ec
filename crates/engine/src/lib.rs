//! The Invite Desk engine: the parts the desktop shell, the CLI and the tests share.
//!
//! Nothing here depends on Tauri, so the CLI and the engine's tests build without WebKit.

pub mod about;
pub mod batch;
pub mod bindings;
pub mod delivery;
pub mod duration;
pub mod error;
pub mod files;
pub mod journal;
pub mod logging;
pub mod paths;
pub mod profiles;
pub mod roster;
pub mod run;
pub mod secrets;
pub mod service;
pub mod support;
pub mod template;

pub use error::{AppError, ErrorCode};
