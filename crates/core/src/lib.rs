//! What every part of Invite Desk shares and nothing else: the one error shape (a code from a closed
//! set and a message), ids and timestamps, link lifetimes, and the files helpers (atomic writes, OS
//! locks, ids safe in file names). No network, no async runtime, no database.

pub mod duration;
pub mod error;
pub mod files;
pub mod ids;

pub use error::{AppError, ErrorCode, PersonErrorCode, Unsettled};
