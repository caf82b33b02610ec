//! Errors from the tenant, classified by what the caller should do about them.

use std::fmt;

use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// 429: the tenant's rate limit. Wait until the reset and try again.
    RateLimited,
    /// 5xx: the tenant failed. Try again after a backoff.
    Server,
    /// The request never reached the tenant (connection refused, DNS, TLS). Safe to try again.
    Unreachable,
    /// The connection broke or timed out after the request was sent: the tenant may have acted on it.
    /// Idempotent requests are retried; writes are reconciled first.
    Interrupted,
    /// 409: what we tried to create exists.
    Conflict,
    /// 404.
    NotFound,
    /// 401/403: bad credentials, expired token, or a missing scope.
    Auth,
    /// 400/413/other 4xx, or a bad argument caught before sending.
    Invalid,
    /// The tenant answered something we could not understand.
    Protocol,
}

impl ErrorKind {
    /// Whether trying the same request again can succeed (for an idempotent request).
    pub fn is_retryable(self) -> bool {
        matches!(
            self,
            ErrorKind::RateLimited
                | ErrorKind::Server
                | ErrorKind::Unreachable
                | ErrorKind::Interrupted
        )
    }
}

/// An error with everything the tenant said: HTTP status, Auth0's `errorCode`, its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub kind: ErrorKind,
    pub status: Option<u16>,
    /// Auth0's `errorCode` (`inexistent_user`, `auth0_idp_error`, …) or OAuth `error`.
    pub error_code: Option<String>,
    pub message: String,
    /// For 403s: the scope the API said it expected, when it said so.
    pub missing_scope: Option<String>,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        match (self.status, &self.error_code) {
            (Some(status), Some(code)) => write!(f, " (HTTP {status}, {code})"),
            (Some(status), None) => write!(f, " (HTTP {status})"),
            _ => Ok(()),
        }
    }
}

impl std::error::Error for ApiError {}

/// The Management API's error body, and the token endpoint's OAuth one.
#[derive(Debug, Deserialize, Default)]
struct ErrorBody {
    message: Option<String>,
    #[serde(rename = "errorCode")]
    error_code: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

const SCOPE_DASHBOARD_HINT: &str = "authorize it in Dashboard > Applications > APIs > Auth0 Management API > Machine to Machine Applications";

impl ApiError {
    pub fn local(kind: ErrorKind, message: &str) -> Self {
        ApiError {
            kind,
            status: None,
            error_code: None,
            message: message.to_owned(),
            missing_scope: None,
        }
    }

    /// The client lacks a scope the operation needs (checked before sending, from the token).
    pub fn missing_scope(scope: &str) -> Self {
        ApiError {
            kind: ErrorKind::Auth,
            status: None,
            error_code: Some("insufficient_scope".into()),
            message: format!("this client lacks {scope}; {SCOPE_DASHBOARD_HINT}"),
            missing_scope: Some(scope.to_owned()),
        }
    }

    /// Classifies an HTTP error response.
    pub fn from_response(status: u16, body: &[u8]) -> Self {
        let parsed: ErrorBody = serde_json::from_slice(body).unwrap_or_default();
        let tenant_message = parsed
            .message
            .or(parsed.error_description)
            .unwrap_or_else(|| {
                String::from_utf8_lossy(body)
                    .trim()
                    .chars()
                    .take(300)
                    .collect()
            });
        let error_code = parsed.error_code.or(parsed.error);
        let kind = match status {
            429 => ErrorKind::RateLimited,
            500..=599 => ErrorKind::Server,
            409 => ErrorKind::Conflict,
            404 => ErrorKind::NotFound,
            401 | 403 => ErrorKind::Auth,
            _ => ErrorKind::Invalid,
        };
        let missing_scope = (status == 403)
            .then(|| tenant_message.split("expected any of:").nth(1))
            .flatten()
            .and_then(|rest| {
                rest.split([',', ' '])
                    .map(str::trim)
                    .find(|s| !s.is_empty())
            })
            .map(|s| s.trim_end_matches('.').to_owned());
        let message = match (&missing_scope, kind) {
            (Some(scope), _) => format!("this client lacks {scope}; {SCOPE_DASHBOARD_HINT}"),
            (None, ErrorKind::RateLimited) => {
                format!("the tenant's rate limit was reached: {tenant_message}")
            }
            (None, _) if (300..400).contains(&status) => format!(
                "the tenant answered HTTP {status}, a redirect: Invite Desk follows none (it would carry the credentials elsewhere), so nothing was sent on; check the tenant's domain"
            ),
            (None, _) if tenant_message.is_empty() => format!("the tenant answered HTTP {status}"),
            (None, _) => tenant_message,
        };
        ApiError {
            kind,
            status: Some(status),
            error_code,
            message,
            missing_scope,
        }
    }

    /// Classifies a transport failure: before sending is safe to retry; after may have taken effect.
    pub fn from_transport(err: &reqwest::Error, what: &str) -> Self {
        let kind = if err.is_connect() || err.is_builder() {
            ErrorKind::Unreachable
        } else if err.is_decode() {
            ErrorKind::Protocol
        } else {
            ErrorKind::Interrupted
        };
        let why = if err.is_timeout() {
            "timed out".to_owned()
        } else {
            // reqwest errors carry the URL, which holds no secret; the source chain says what broke.
            let mut chain = err.to_string();
            let mut source = std::error::Error::source(err);
            while let Some(inner) = source {
                chain = format!("{chain}: {inner}");
                source = inner.source();
            }
            chain
        };
        ApiError::local(kind, &format!("{what}: {why}"))
    }
}

/// How the rest of Invite Desk sees a Management API failure: the code callers branch on.
impl From<ApiError> for invite_desk_core::AppError {
    fn from(e: ApiError) -> Self {
        use invite_desk_core::{AppError, ErrorCode};
        let code = match e.kind {
            ErrorKind::RateLimited => ErrorCode::RateLimited,
            ErrorKind::Server | ErrorKind::Unreachable | ErrorKind::Interrupted => {
                ErrorCode::Network
            }
            ErrorKind::Conflict => ErrorCode::Conflict,
            ErrorKind::NotFound => ErrorCode::NotFound,
            ErrorKind::Auth => ErrorCode::Auth,
            ErrorKind::Invalid => ErrorCode::InvalidInput,
            ErrorKind::Protocol => ErrorCode::Internal,
        };
        // The Display form keeps the tenant's status and errorCode for support.
        AppError::new(code, e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_404_body() {
        let e = ApiError::from_response(
            404,
            br#"{"statusCode":404,"error":"Not Found","message":"The user does not exist.","errorCode":"inexistent_user"}"#,
        );
        assert_eq!(e.kind, ErrorKind::NotFound);
        assert_eq!(e.error_code.as_deref(), Some("inexistent_user"));
        assert_eq!(
            e.to_string(),
            "The user does not exist. (HTTP 404, inexistent_user)"
        );
    }

    #[test]
    fn conflict_rate_limit_server_and_invalid() {
        let conflict = ApiError::from_response(
            409,
            br#"{"statusCode":409,"error":"Conflict","message":"The user already exists.","errorCode":"auth0_idp_error"}"#,
        );
        assert_eq!(
            (conflict.kind, conflict.error_code.as_deref()),
            (ErrorKind::Conflict, Some("auth0_idp_error"))
        );
        let limited = ApiError::from_response(
            429,
            br#"{"statusCode":429,"error":"Too Many Requests","message":"Global limit has been reached","errorCode":"too_many_requests"}"#,
        );
        assert!(limited.kind.is_retryable());
        assert!(ApiError::from_response(503, b"").kind.is_retryable());
        let weak = ApiError::from_response(400, br#"{"statusCode":400,"error":"Bad Request","message":"PasswordStrengthError: Password is too weak"}"#);
        assert_eq!(weak.kind, ErrorKind::Invalid);
        assert_eq!(weak.message, "PasswordStrengthError: Password is too weak");
        assert_eq!(
            ApiError::from_response(502, b"<html>bad gateway</html>").message,
            "<html>bad gateway</html>"
        );
    }

    #[test]
    fn missing_scope_is_named_with_where_to_fix_it() {
        let e = ApiError::from_response(
            403,
            br#"{"statusCode":403,"error":"Forbidden","message":"Insufficient scope, expected any of: create:user_tickets","errorCode":"insufficient_scope"}"#,
        );
        assert_eq!(e.missing_scope.as_deref(), Some("create:user_tickets"));
        assert!(
            e.message
                .starts_with("this client lacks create:user_tickets; authorize it in Dashboard"),
            "{}",
            e.message
        );
    }

    #[test]
    fn oauth_token_errors() {
        let e = ApiError::from_response(
            401,
            br#"{"error":"access_denied","error_description":"Unauthorized"}"#,
        );
        assert_eq!(
            (e.kind, e.error_code.as_deref(), e.message.as_str()),
            (ErrorKind::Auth, Some("access_denied"), "Unauthorized")
        );
    }
}
