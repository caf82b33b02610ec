//! A client for the parts of the Auth0 Management API v2 that Invite Desk uses.
//!
//! Built against Auth0's recorded answers and OpenAPI description (distilled into
//! `tests/fixtures/auth0/`): request and response shapes follow the recordings; errors are classified so callers know what to retry.

pub mod buckets;
pub mod client;
pub mod domain;
pub mod error;
pub mod governor;
pub mod models;
pub mod plans;
pub mod scopes;
pub mod token;

pub use client::{ClientOptions, Credentials, ManagementClient};
pub use domain::TenantUrl;
pub use error::{ApiError, ErrorKind};
pub use secrecy::{ExposeSecret, SecretString};
