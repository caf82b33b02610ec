//! The Management API client. One per tenant, shared by every worker of a run (it is `Send + Sync`
//! and cheap to share behind an `Arc`).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use backon::BackoffBuilder;
use reqwest::{Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::sync::Mutex;
use url::Url;

use crate::buckets::{BucketView, RateBuckets};
use crate::domain::TenantUrl;
use crate::error::{ApiError, ErrorKind};
use crate::governor::RateSnapshot;
use crate::models::*;
use crate::plans::TenantPlan;
use crate::scopes::Operation;
use crate::token::{Token, TokenResponse};
use serde_json::{Map, Value};

/// The machine-to-machine application's credentials.
#[derive(Clone)]
pub struct Credentials {
    pub client_id: String,
    pub client_secret: SecretString,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .finish()
    }
}

#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Retries after the first attempt, for retryable failures.
    pub max_retries: usize,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    pub min_backoff: Duration,
    pub max_backoff: Duration,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            max_retries: 6,
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            min_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(10),
        }
    }
}

/// Counters for progress displays, tests and benchmarks.
#[derive(Debug, Default)]
pub struct ClientStats {
    pub requests: AtomicU64,
    pub rate_limited: AtomicU64,
    pub retries: AtomicU64,
    pub token_requests: AtomicU64,
    pub reconciled: AtomicU64,
}

/// Whether a request may simply be sent again after a failure that may have taken effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Replay {
    /// Reads, PATCH, role grants, tickets (a second ticket is harmless): retried on any retryable error.
    Safe,
    /// Creates: retried only when the tenant surely did not act (429, never reached); otherwise the
    /// error goes to the caller, which reconciles.
    WriteOnce,
}

enum Body {
    None,
    Json(serde_json::Value),
    /// Rebuilt for every attempt (a multipart form is consumed by sending).
    Multipart(Arc<dyn Fn() -> reqwest::multipart::Form + Send + Sync>),
}

struct Call<'a> {
    op: Operation,
    method: Method,
    /// Relative to `/api/v2/`, already percent-encoded where it holds ids.
    path: String,
    query: &'a [(&'a str, String)],
    body: Body,
    replay: Replay,
}

/// The result of a create that may have been reconciled after an ambiguous failure.
#[derive(Debug, Clone)]
pub struct Created<T> {
    pub value: T,
    /// True when the response was lost and the user was found by email instead.
    pub reconciled: bool,
}

pub struct ManagementClient {
    tenant: TenantUrl,
    credentials: Credentials,
    http: reqwest::Client,
    token: Mutex<Option<Token>>,
    buckets: RateBuckets,
    options: ClientOptions,
    pub stats: ClientStats,
}

impl std::fmt::Debug for ManagementClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ManagementClient")
            .field("tenant", &self.tenant.to_string())
            .finish_non_exhaustive()
    }
}

/// How long an export file may take to download (a whole tenant's users).
const EXPORT_DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(600);
/// Results per search page (Auth0's maximum).
const SEARCH_PAGE: u32 = 100;
/// Auth0 pages through at most this many results of one search.
const MAX_SEARCH_RESULTS: u64 = 1000;
/// A search's `q`, percent-encoded, stays under this (Auth0 answers 414 for an over-long URL; the
/// figure leaves room for the rest of the URL under the 4 KB many proxies allow).
const MAX_QUERY_BYTES: usize = 3000;
/// Addresses per search: one page of answers holds them even if some have two accounts.
pub const EMAILS_PER_SEARCH: usize = 40;

/// `email:("a" OR "b" …)`, with Lucene's quoted-string escapes.
fn or_query(emails: &[String]) -> String {
    let lower: Vec<String> = emails.iter().map(|e| e.to_lowercase()).collect();
    or_terms("email", &lower)
}

/// `field:("a" OR "b" …)`, each value quoted and escaped as Lucene wants.
fn or_terms(field: &str, values: &[String]) -> String {
    let quoted: Vec<String> = values
        .iter()
        .map(|v| format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\"")))
        .collect();
    format!("{field}:({})", quoted.join(" OR "))
}

/// The addresses (lowercased) split into queries that fit the URL budget, in order: each is one
/// `search_by_emails` call.
pub fn email_queries(emails: &[String]) -> Vec<Vec<String>> {
    let encoded = |q: &str| url::form_urlencoded::byte_serialize(q.as_bytes()).count();
    let mut queries: Vec<Vec<String>> = Vec::new();
    let mut current: Vec<String> = Vec::new();
    for email in emails {
        current.push(email.to_lowercase());
        if current.len() > 1
            && (current.len() > EMAILS_PER_SEARCH || encoded(&or_query(&current)) > MAX_QUERY_BYTES)
        {
            let last = current.pop().unwrap_or_default();
            queries.push(std::mem::replace(&mut current, vec![last]));
        }
    }
    if !current.is_empty() {
        queries.push(current);
    }
    queries
}

/// New tokens fetched for one call after 401 answers before giving up.
const MAX_TOKEN_REFRESHES: u32 = 3;

/// Percent-encodes one path segment (user ids hold `|`).
pub fn segment(id: &str) -> String {
    url::form_urlencoded::byte_serialize(id.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

impl ManagementClient {
    pub fn new(
        tenant: TenantUrl,
        credentials: Credentials,
        options: ClientOptions,
    ) -> Result<Self, ApiError> {
        let http = reqwest::Client::builder()
            .connect_timeout(options.connect_timeout)
            .timeout(options.request_timeout)
            // A redirect would re-send the token form (with the client secret) or the bearer token
            // to wherever it points: the tenant answers at its own address or not at all.
            .redirect(reqwest::redirect::Policy::none())
            // Plain HTTP only to loopback (the sandbox), so nothing can downgrade a real tenant.
            .https_only(tenant.base().scheme() == "https")
            .user_agent(concat!("InviteDesk/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| {
                ApiError::local(ErrorKind::Invalid, &format!("could not set up HTTP: {e}"))
            })?;
        Ok(ManagementClient {
            tenant,
            credentials,
            http,
            token: Mutex::new(None),
            buckets: RateBuckets::new(),
            options,
            stats: ClientStats::default(),
        })
    }

    pub fn tenant(&self) -> &TenantUrl {
        &self.tenant
    }

    /// The bucket closest to empty.
    pub fn rate(&self) -> RateSnapshot {
        self.buckets.tightest()
    }

    /// Every bucket the tenant has shown, with the endpoint groups drawing from it.
    pub fn buckets(&self) -> Vec<BucketView> {
        self.buckets.buckets()
    }

    /// The Auth0 plan the tenant's bucket sizes match, once it has answered.
    pub fn detected_plan(&self) -> Option<TenantPlan> {
        self.buckets.detected_plan()
    }

    /// The scopes the current token grants (fetching a token if needed); `None` when unknown.
    pub async fn granted_scopes(&self) -> Result<Option<Vec<String>>, ApiError> {
        let guard = self.fresh_token().await?;
        Ok(guard
            .as_ref()
            .and_then(|t| t.scopes.as_ref())
            .map(|s| s.iter().cloned().collect()))
    }

    fn backoff(&self) -> impl Iterator<Item = Duration> {
        backon::ExponentialBuilder::default()
            .with_jitter()
            .with_min_delay(self.options.min_backoff)
            .with_max_delay(self.options.max_backoff)
            .with_max_times(self.options.max_retries)
            .build()
    }

    async fn fresh_token(&self) -> Result<tokio::sync::MutexGuard<'_, Option<Token>>, ApiError> {
        let mut guard = self.token.lock().await;
        if !guard.as_ref().is_some_and(Token::is_fresh) {
            *guard = Some(self.request_token().await?);
        }
        Ok(guard)
    }

    async fn request_token(&self) -> Result<Token, ApiError> {
        let audience = self.tenant.audience();
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", self.credentials.client_id.as_str()),
            (
                "client_secret",
                self.credentials.client_secret.expose_secret(),
            ),
            ("audience", audience.as_str()),
        ];
        let mut delays = self.backoff();
        loop {
            self.stats.token_requests.fetch_add(1, Ordering::Relaxed);
            let outcome = self
                .http
                .post(self.tenant.token_url())
                .form(&form)
                .send()
                .await;
            let error = match outcome {
                Ok(response) if response.status().is_success() => {
                    let body = response
                        .bytes()
                        .await
                        .map_err(|e| ApiError::from_transport(&e, "reading the token"))?;
                    let parsed: TokenResponse = serde_json::from_slice(&body).map_err(|e| {
                        ApiError::local(
                            ErrorKind::Protocol,
                            &format!("the token endpoint answered something unexpected: {e}"),
                        )
                    })?;
                    tracing::debug!(tenant = %self.tenant, "obtained a Management API token");
                    return Ok(Token::from_response(parsed));
                }
                Ok(response) => {
                    let status = response.status().as_u16();
                    let body = response.bytes().await.unwrap_or_default();
                    let mut error = ApiError::from_response(status, &body);
                    if error.kind == ErrorKind::Auth {
                        error.message = format!(
                            "the tenant refused the client credentials: {} (check the client id and secret, and that the application is authorized for the Management API)",
                            error.message
                        );
                    }
                    error
                }
                Err(e) => ApiError::from_transport(&e, &format!("could not reach {}", self.tenant)),
            };
            // Asking for a token has no side effect: every retryable failure may be retried.
            match (error.kind.is_retryable(), delays.next()) {
                (true, Some(delay)) => {
                    self.stats.retries.fetch_add(1, Ordering::Relaxed);
                    tracing::warn!(reason = %error, wait_ms = delay.as_millis() as u64, "retrying the token request");
                    tokio::time::sleep(delay).await;
                }
                _ => return Err(error),
            }
        }
    }

    fn url(&self, path: &str) -> Result<Url, ApiError> {
        self.tenant
            .api_base()
            .join(path)
            .map_err(|e| ApiError::local(ErrorKind::Invalid, &format!("bad API path {path}: {e}")))
    }

    /// Sends one call with the token, the governor and the retry policy. Returns the status and body.
    async fn send(&self, call: Call<'_>) -> Result<(StatusCode, bytes::Bytes), ApiError> {
        let url = self.url(&call.path)?;
        let mut delays = self.backoff();
        let mut refreshes_after_401 = 0u32;
        loop {
            // The slot first, the token second: a token read before a long wait for the rate limit
            // could expire on the way.
            let permit = self.buckets.acquire(call.op.group()).await;
            let access = {
                let guard = self.fresh_token().await?;
                let token = guard
                    .as_ref()
                    .ok_or_else(|| ApiError::local(ErrorKind::Auth, "no token"))?;
                if let Some(scope) = token.lacks(call.op.scopes()) {
                    return Err(ApiError::missing_scope(&scope));
                }
                token.access.clone()
            };
            let mut request = self
                .http
                .request(call.method.clone(), url.clone())
                .bearer_auth(access.expose_secret())
                .query(call.query);
            request = match &call.body {
                Body::None => request,
                Body::Json(value) => request.json(value),
                Body::Multipart(build) => request.multipart(build()),
            };
            self.stats.requests.fetch_add(1, Ordering::Relaxed);
            let outcome = request.send().await;
            let error = match outcome {
                Ok(response) => {
                    let status = response.status();
                    permit.observe(status.as_u16(), response.headers());
                    let body = match response.bytes().await {
                        Ok(body) => body,
                        Err(e) => {
                            let err = ApiError::from_transport(
                                &e,
                                &format!("{} {}", call.method, call.path),
                            );
                            if call.replay == Replay::WriteOnce {
                                return Err(err);
                            }
                            self.retry_or_fail(&mut delays, err, &call).await?;
                            continue;
                        }
                    };
                    if status.is_success() {
                        return Ok((status, body));
                    }
                    let error = ApiError::from_response(status.as_u16(), &body);
                    if status == StatusCode::TOO_MANY_REQUESTS {
                        self.stats.rate_limited.fetch_add(1, Ordering::Relaxed);
                    }
                    if status == StatusCode::UNAUTHORIZED
                        && refreshes_after_401 < MAX_TOKEN_REFRESHES
                    {
                        // An expired or revoked token: get a new one (a few times at most: a
                        // client whose credentials were revoked must fail, not loop).
                        refreshes_after_401 += 1;
                        *self.token.lock().await = None;
                        tracing::info!(op = %call.op, "token refused ({}); fetching a new one", error.message);
                        continue;
                    }
                    error
                }
                Err(e) => {
                    drop(permit);
                    ApiError::from_transport(&e, &format!("{} {}", call.method, call.path))
                }
            };
            let ambiguous = matches!(error.kind, ErrorKind::Interrupted | ErrorKind::Server);
            if call.replay == Replay::WriteOnce && ambiguous {
                return Err(error);
            }
            self.retry_or_fail(&mut delays, error, &call).await?;
        }
    }

    async fn retry_or_fail(
        &self,
        delays: &mut impl Iterator<Item = Duration>,
        error: ApiError,
        call: &Call<'_>,
    ) -> Result<(), ApiError> {
        if !error.kind.is_retryable() {
            return Err(error);
        }
        let Some(delay) = delays.next() else {
            return Err(error);
        };
        self.stats.retries.fetch_add(1, Ordering::Relaxed);
        // After a 429 the governor holds everyone until the reset; the backoff only adds jitter.
        let delay = if error.kind == ErrorKind::RateLimited {
            delay.min(Duration::from_millis(250))
        } else {
            delay
        };
        tracing::warn!(
            op = %call.op,
            path = %call.path,
            reason = %error,
            wait_ms = delay.as_millis() as u64,
            "retrying"
        );
        tokio::time::sleep(delay).await;
        Ok(())
    }

    async fn json<T: DeserializeOwned>(&self, call: Call<'_>) -> Result<T, ApiError> {
        let (_, body) = self.send(call).await?;
        serde_json::from_slice(&body).map_err(|e| {
            ApiError::local(
                ErrorKind::Protocol,
                &format!("the tenant answered something unexpected: {e}"),
            )
        })
    }

    fn call<'a>(
        op: Operation,
        method: Method,
        path: String,
        query: &'a [(&'a str, String)],
    ) -> Call<'a> {
        let replay = if method == Method::POST {
            Replay::WriteOnce
        } else {
            Replay::Safe
        };
        Call {
            op,
            method,
            path,
            query,
            body: Body::None,
            replay,
        }
    }

    fn with_json<'a, T: Serialize>(mut call: Call<'a>, body: &T) -> Result<Call<'a>, ApiError> {
        call.body = Body::Json(serde_json::to_value(body).map_err(|e| {
            ApiError::local(
                ErrorKind::Invalid,
                &format!("could not encode the request: {e}"),
            )
        })?);
        Ok(call)
    }

    // ---- users ----

    /// `POST /users`. Sent once; if the answer is lost (or a 5xx leaves it unclear) the user is
    /// looked up by email before anything is retried, so no duplicate and no spurious 409.
    pub async fn create_user(&self, request: &CreateUser) -> Result<Created<User>, ApiError> {
        let mut delays = self.backoff();
        let mut uncertain = false;
        loop {
            let call = Self::with_json(
                Self::call(Operation::CreateUser, Method::POST, "users".into(), &[]),
                request,
            )?;
            match self.json::<User>(call).await {
                Ok(user) => {
                    return Ok(Created {
                        value: user,
                        reconciled: false,
                    });
                }
                Err(error) => {
                    let ambiguous =
                        matches!(error.kind, ErrorKind::Interrupted | ErrorKind::Server);
                    let conflict_after_doubt = error.kind == ErrorKind::Conflict && uncertain;
                    if !ambiguous && !conflict_after_doubt {
                        return Err(error);
                    }
                    let found = self
                        .users_by_email(&request.email)
                        .await?
                        .into_iter()
                        .find(|u| u.in_connection(&request.connection));
                    // Someone with the address who is not the user asked for (a requested id
                    // that differs) was there before this create: the answer to give is Auth0's
                    // "already exists", not "created".
                    let someone_else = |user: &User| {
                        request
                            .user_id
                            .as_deref()
                            .filter(|id| !id.is_empty())
                            .is_some_and(|id| {
                                user.user_id.strip_prefix("auth0|").unwrap_or(&user.user_id)
                                    != id.strip_prefix("auth0|").unwrap_or(id)
                            })
                    };
                    if let Some(user) = found.as_ref().filter(|u| someone_else(u)) {
                        tracing::info!(user_id = %user.user_id, "create_user: the address was already taken by another user");
                        return Err(ApiError::local(
                            ErrorKind::Conflict,
                            "The user already exists.",
                        ));
                    }
                    if let Some(user) = found {
                        self.stats.reconciled.fetch_add(1, Ordering::Relaxed);
                        tracing::info!(user_id = %user.user_id, "create_user answer was lost; found the user by email");
                        return Ok(Created {
                            value: user,
                            reconciled: true,
                        });
                    }
                    if conflict_after_doubt {
                        return Err(error);
                    }
                    uncertain = true;
                    let Some(delay) = delays.next() else {
                        return Err(error);
                    };
                    self.stats.retries.fetch_add(1, Ordering::Relaxed);
                    tracing::warn!(reason = %error, wait_ms = delay.as_millis() as u64, "create_user: not created; retrying");
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }

    pub async fn get_user(&self, user_id: &str) -> Result<User, ApiError> {
        self.json(Self::call(
            Operation::ReadUser,
            Method::GET,
            format!("users/{}", segment(user_id)),
            &[],
        ))
        .await
    }

    pub async fn update_user(&self, user_id: &str, patch: &UserPatch) -> Result<User, ApiError> {
        let call = Self::call(
            Operation::UpdateUser,
            Method::PATCH,
            format!("users/{}", segment(user_id)),
            &[],
        );
        self.json(Self::with_json(call, patch)?).await
    }

    pub async fn delete_user(&self, user_id: &str) -> Result<(), ApiError> {
        let call = Self::call(
            Operation::DeleteUser,
            Method::DELETE,
            format!("users/{}", segment(user_id)),
            &[],
        );
        self.send(call).await.map(|_| ())
    }

    /// `GET /users-by-email`: immediately consistent (unlike search). Auth0 stores addresses in
    /// lower case, so the address is lowercased here.
    pub async fn users_by_email(&self, email: &str) -> Result<Vec<User>, ApiError> {
        let query = [("email", email.to_lowercase())];
        self.json(Self::call(
            Operation::FindUsers,
            Method::GET,
            "users-by-email".into(),
            &query,
        ))
        .await
    }

    /// `GET /users?q=…&search_engine=v3` (eventually consistent; at most 1000 results per query).
    pub async fn search_users(
        &self,
        q: &str,
        page: u32,
        per_page: u32,
    ) -> Result<UsersPage, ApiError> {
        let query = [
            ("q", q.to_owned()),
            ("search_engine", "v3".to_owned()),
            ("page", page.to_string()),
            ("per_page", per_page.to_string()),
            ("include_totals", "true".to_owned()),
        ];
        self.json(Self::call(
            Operation::FindUsers,
            Method::GET,
            "users".into(),
            &query,
        ))
        .await
    }

    /// Looks many people up with few calls: `email:("a" OR "b" …)` searches of as many addresses as
    /// fit a safe URL, answering only `user_id`, `email` and `identities`. Search is **eventually
    /// consistent**: a user created moments ago may be missing, so an address not found here is
    /// "not found by search", never "does not exist" (a create's 409 or `users_by_email` settles it).
    /// Addresses are lowercased; the answer holds every user found, in no particular order.
    pub async fn search_by_emails(&self, emails: &[String]) -> Result<Vec<User>, ApiError> {
        self.search_by_emails_with(emails, "user_id,email,identities")
            .await
    }

    /// `search_by_emails` answering `fields` (comma-separated) instead.
    pub async fn search_by_emails_with(
        &self,
        emails: &[String],
        fields: &str,
    ) -> Result<Vec<User>, ApiError> {
        let mut found = Vec::new();
        for chunk in email_queries(emails) {
            self.search_all(&chunk, fields, &mut found).await?;
        }
        Ok(found)
    }

    /// One OR-query, paged to its end; halved when the tenant finds the URL too long.
    async fn search_all(
        &self,
        emails: &[String],
        fields: &str,
        found: &mut Vec<User>,
    ) -> Result<(), ApiError> {
        let q = or_query(emails);
        let mut page = 0u32;
        loop {
            let query = [
                ("q", q.clone()),
                ("search_engine", "v3".to_owned()),
                ("fields", fields.to_owned()),
                ("page", page.to_string()),
                ("per_page", SEARCH_PAGE.to_string()),
                ("include_totals", "true".to_owned()),
            ];
            let call = Self::call(Operation::FindUsers, Method::GET, "users".into(), &query);
            let answer = match self.json::<UsersPage>(call).await {
                Err(e) if e.status == Some(414) && emails.len() > 1 => {
                    let (a, b) = emails.split_at(emails.len() / 2);
                    Box::pin(self.search_all(a, fields, found)).await?;
                    return Box::pin(self.search_all(b, fields, found)).await;
                }
                other => other?,
            };
            let got = answer.users.len() as u64;
            found.extend(answer.users);
            let seen = (u64::from(page) + 1) * u64::from(SEARCH_PAGE);
            let more = answer.total.is_some_and(|t| t > seen) && got == u64::from(SEARCH_PAGE);
            if !more {
                return Ok(());
            }
            if seen + u64::from(SEARCH_PAGE) > MAX_SEARCH_RESULTS {
                // Beyond what search can page through: look the rest up by address.
                for email in emails {
                    if !found.iter().any(|u| {
                        u.email
                            .as_deref()
                            .is_some_and(|e| e.eq_ignore_ascii_case(email))
                    }) {
                        found.extend(self.users_by_email(email).await?);
                    }
                }
                return Ok(());
            }
            page += 1;
        }
    }

    // ---- logs ----

    /// The tenant's log events of `types` for the people named by `field` (`user_id` or
    /// `user_name`) among `values`, from the day `since_day` (`2026-12-01`) on when given, oldest
    /// first: `GET /logs?q=type:(…) AND field:(…) AND date:[day TO *]`, 40 people a query, paged to
    /// its end. Search mode reads at most the first 1,000 events of a query, so a query that reaches
    /// it is split in two; one person past it gets their newest event asked for apart.
    pub async fn search_logs(
        &self,
        types: &[&str],
        field: &str,
        values: &[String],
        since_day: Option<&str>,
    ) -> Result<Vec<LogEvent>, ApiError> {
        let types: Vec<String> = types.iter().map(|t| (*t).to_owned()).collect();
        let mut found = Vec::new();
        for chunk in values.chunks(EMAILS_PER_SEARCH) {
            self.logs_all(&types, field, chunk, since_day, &mut found)
                .await?;
        }
        found.sort_by(|a, b| a.date.cmp(&b.date).then_with(|| a.log_id.cmp(&b.log_id)));
        found.dedup_by(|a, b| a.log_id == b.log_id);
        Ok(found)
    }

    async fn logs_all(
        &self,
        types: &[String],
        field: &str,
        values: &[String],
        since_day: Option<&str>,
        found: &mut Vec<LogEvent>,
    ) -> Result<(), ApiError> {
        let mut q = format!(
            "{} AND {}",
            or_terms("type", types),
            or_terms(field, values)
        );
        if let Some(day) = since_day {
            // Whole days, as Auth0's log search writes dates; the caller keeps the exact cut.
            q.push_str(&format!(" AND date:[{day} TO *]"));
        }
        let mut page = 0u32;
        let mut this_query = Vec::new();
        loop {
            let query = [
                ("q", q.clone()),
                ("sort", "date:1".to_owned()),
                ("page", page.to_string()),
                ("per_page", SEARCH_PAGE.to_string()),
            ];
            let call = Self::call(Operation::ReadLogs, Method::GET, "logs".into(), &query);
            let answer: Vec<LogEvent> = match self.json(call).await {
                Err(e) if e.status == Some(414) && values.len() > 1 => {
                    let (a, b) = values.split_at(values.len() / 2);
                    Box::pin(self.logs_all(types, field, a, since_day, found)).await?;
                    return Box::pin(self.logs_all(types, field, b, since_day, found)).await;
                }
                other => other?,
            };
            let full = answer.len() as u64 == u64::from(SEARCH_PAGE);
            this_query.extend(answer);
            if !full {
                found.extend(this_query);
                return Ok(());
            }
            let seen = (u64::from(page) + 1) * u64::from(SEARCH_PAGE);
            if seen + u64::from(SEARCH_PAGE) > MAX_SEARCH_RESULTS {
                if values.len() == 1 {
                    // One person with over 1,000 such events since then (a script signing in): the
                    // oldest 1,000 say when they accepted, the newest one when they last signed in.
                    found.extend(this_query);
                    let newest = [
                        ("q", q.clone()),
                        ("sort", "date:-1".to_owned()),
                        ("page", "0".to_owned()),
                        ("per_page", "1".to_owned()),
                    ];
                    let call = Self::call(Operation::ReadLogs, Method::GET, "logs".into(), &newest);
                    found.extend(self.json::<Vec<LogEvent>>(call).await?);
                    return Ok(());
                }
                let (a, b) = values.split_at(values.len() / 2);
                Box::pin(self.logs_all(types, field, a, since_day, found)).await?;
                return Box::pin(self.logs_all(types, field, b, since_day, found)).await;
            }
            page += 1;
        }
    }

    // ---- tickets ----

    fn ticket_call<T: Serialize>(&self, path: &str, body: &T) -> Result<Call<'static>, ApiError> {
        let mut call = Self::with_json(
            Self::call(Operation::CreateTicket, Method::POST, path.into(), &[]),
            body,
        )?;
        // A repeated ticket request only issues another link for the same person: safe to replay.
        call.replay = Replay::Safe;
        Ok(call)
    }

    pub async fn password_change_ticket(
        &self,
        request: &PasswordChangeTicket,
    ) -> Result<TicketResponse, ApiError> {
        self.json(self.ticket_call("tickets/password-change", request)?)
            .await
    }

    pub async fn email_verification_ticket(
        &self,
        request: &EmailVerificationTicket,
    ) -> Result<TicketResponse, ApiError> {
        self.json(self.ticket_call("tickets/email-verification", request)?)
            .await
    }

    // ---- jobs ----

    /// `POST /jobs/users-imports` with `users` as a JSON file (at most 500 KB: Auth0 answers 413 above
    /// 512000 bytes, so larger sets must be split by the caller).
    pub async fn import_users(
        &self,
        form: &ImportUsers,
        users_json: Vec<u8>,
    ) -> Result<Job, ApiError> {
        const MAX: usize = 512_000;
        if users_json.len() > MAX {
            return Err(ApiError::local(
                ErrorKind::Invalid,
                &format!(
                    "an import file may hold at most {MAX} bytes; this one has {}",
                    users_json.len()
                ),
            ));
        }
        let fields = form.clone();
        let file = Arc::new(users_json);
        let build = move || {
            let part = reqwest::multipart::Part::bytes(file.as_ref().clone())
                .file_name("users.json")
                .mime_str("application/json")
                .unwrap_or_else(|_| reqwest::multipart::Part::bytes(file.as_ref().clone()));
            let mut multipart = reqwest::multipart::Form::new()
                .text("connection_id", fields.connection_id.clone())
                .text("upsert", fields.upsert.to_string())
                .text(
                    "send_completion_email",
                    fields.send_completion_email.to_string(),
                );
            if let Some(external_id) = &fields.external_id {
                multipart = multipart.text("external_id", external_id.clone());
            }
            multipart.part("users", part)
        };
        let mut call = Self::call(
            Operation::ImportUsers,
            Method::POST,
            "jobs/users-imports".into(),
            &[],
        );
        call.body = Body::Multipart(Arc::new(build));
        self.json(call).await
    }

    /// `POST /jobs/users-exports`: a job writing users to a file. A second request only makes a
    /// second job: safe to repeat.
    pub async fn export_users(&self, request: &ExportUsers) -> Result<Job, ApiError> {
        let mut call = Self::with_json(
            Self::call(
                Operation::ExportUsers,
                Method::POST,
                "jobs/users-exports".into(),
                &[],
            ),
            request,
        )?;
        call.replay = Replay::Safe;
        self.json(call).await
    }

    /// An export's NDJSON file from its job's `location` (gzip), one object a line, keeping the rows
    /// `keep` accepts (a whole tenant's file is read through, not held). The link is a storage URL:
    /// it gets no token, must be HTTPS like the tenant (plain HTTP only for a loopback sandbox), and
    /// is itself a bearer credential, so no error message carries it; the
    /// compressed file and the text are each bounded by `max_bytes`, and the download has minutes,
    /// not an API call's seconds.
    pub async fn download_export(
        &self,
        location: &str,
        max_bytes: u64,
        keep: impl Fn(&Map<String, Value>) -> bool,
    ) -> Result<Vec<Map<String, Value>>, ApiError> {
        use std::io::BufRead;
        let url = url::Url::parse(location).map_err(|e| {
            ApiError::local(
                ErrorKind::Protocol,
                &format!("the export's link is not a URL: {e}"),
            )
        })?;
        let loopback = url
            .host_str()
            .is_some_and(|h| h == "127.0.0.1" || h == "localhost" || h == "[::1]");
        if url.scheme() != "https" && !(url.scheme() == "http" && loopback) {
            return Err(ApiError::local(
                ErrorKind::Protocol,
                "the export's link is not HTTPS: it was not followed",
            ));
        }
        let too_large = || {
            ApiError::local(
                ErrorKind::Protocol,
                &format!("the export file is larger than {max_bytes} bytes"),
            )
        };
        let mut response = self
            .http
            .get(url)
            .timeout(EXPORT_DOWNLOAD_TIMEOUT)
            .send()
            .await
            .map_err(|e| ApiError::from_transport(&e.without_url(), "GET export file"))?;
        let status = response.status();
        if !status.is_success() {
            return Err(ApiError::local(
                ErrorKind::Protocol,
                &format!(
                    "the export file could not be fetched ({status}): its link may have expired"
                ),
            ));
        }
        let mut compressed = Vec::new();
        while let Some(piece) = response
            .chunk()
            .await
            .map_err(|e| ApiError::from_transport(&e.without_url(), "GET export file"))?
        {
            if (compressed.len() + piece.len()) as u64 > max_bytes {
                return Err(too_large());
            }
            compressed.extend_from_slice(&piece);
        }
        let damaged = |e: &dyn std::fmt::Display| {
            ApiError::local(
                ErrorKind::Protocol,
                &format!("the export file is damaged: {e}"),
            )
        };
        let mut reader = std::io::BufReader::new(flate2::read::GzDecoder::new(&compressed[..]));
        let (mut kept, mut read, mut line) = (Vec::new(), 0u64, Vec::new());
        loop {
            line.clear();
            let n = reader
                .read_until(b'\n', &mut line)
                .map_err(|e| damaged(&e))?;
            if n == 0 {
                return Ok(kept);
            }
            read += n as u64;
            if read > max_bytes {
                return Err(too_large());
            }
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let row: Map<String, Value> = serde_json::from_slice(&line).map_err(|e| {
                ApiError::local(
                    ErrorKind::Protocol,
                    &format!("the export file has a line that is not a JSON object: {e}"),
                )
            })?;
            if keep(&row) {
                kept.push(row);
            }
        }
    }

    pub async fn job(&self, job_id: &str) -> Result<Job, ApiError> {
        self.json(Self::call(
            Operation::ReadJob,
            Method::GET,
            format!("jobs/{}", segment(job_id)),
            &[],
        ))
        .await
    }

    /// `GET /jobs/{id}/errors`: 200 with the failed users, or 204 when there were none.
    pub async fn job_errors(&self, job_id: &str) -> Result<Vec<JobError>, ApiError> {
        let call = Self::call(
            Operation::ReadJob,
            Method::GET,
            format!("jobs/{}/errors", segment(job_id)),
            &[],
        );
        let (status, body) = self.send(call).await?;
        if status == StatusCode::NO_CONTENT || body.is_empty() {
            return Ok(Vec::new());
        }
        // The API may also answer with a job object when there is nothing to list.
        match serde_json::from_slice::<Vec<JobError>>(&body) {
            Ok(errors) => Ok(errors),
            Err(_) if serde_json::from_slice::<Job>(&body).is_ok() => Ok(Vec::new()),
            Err(e) => Err(ApiError::local(
                ErrorKind::Protocol,
                &format!("unexpected job errors answer: {e}"),
            )),
        }
    }

    // ---- roles, connections, organizations ----

    /// Every role (all pages), optionally filtered by name (case-insensitive, as Auth0 does).
    pub async fn list_roles(&self, name_filter: Option<&str>) -> Result<Vec<Role>, ApiError> {
        let mut roles = Vec::new();
        for page in 0u32.. {
            let mut query = vec![
                ("per_page", "100".to_owned()),
                ("page", page.to_string()),
                ("include_totals", "true".to_owned()),
            ];
            if let Some(filter) = name_filter {
                query.push(("name_filter", filter.to_owned()));
            }
            let batch: RolesPage = self
                .json(Self::call(
                    Operation::ReadRoles,
                    Method::GET,
                    "roles".into(),
                    &query,
                ))
                .await?;
            let done = batch.roles.len() < 100
                || roles.len() as u64 + batch.roles.len() as u64 >= batch.total;
            roles.extend(batch.roles);
            if done {
                break;
            }
        }
        Ok(roles)
    }

    pub async fn assign_roles(&self, user_id: &str, role_ids: &[String]) -> Result<(), ApiError> {
        if role_ids.is_empty() {
            return Ok(());
        }
        let mut call = Self::call(
            Operation::AssignRoles,
            Method::POST,
            format!("users/{}/roles", segment(user_id)),
            &[],
        );
        call = Self::with_json(call, &serde_json::json!({ "roles": role_ids }))?;
        // Granting a role twice is harmless.
        call.replay = Replay::Safe;
        self.send(call).await.map(|_| ())
    }

    pub async fn user_roles(&self, user_id: &str) -> Result<Vec<Role>, ApiError> {
        let query = [
            ("per_page", "100".to_owned()),
            ("include_totals", "true".to_owned()),
        ];
        let call = Self::call(
            Operation::ReadUserRoles,
            Method::GET,
            format!("users/{}/roles", segment(user_id)),
            &query,
        );
        let page: RolesPage = self.json(call).await?;
        Ok(page.roles)
    }

    /// Connections, optionally only one strategy (`auth0` for databases) or one name.
    pub async fn list_connections(
        &self,
        strategy: Option<&str>,
        name: Option<&str>,
    ) -> Result<Vec<Connection>, ApiError> {
        let mut query = vec![
            ("per_page", "100".to_owned()),
            ("include_totals", "true".to_owned()),
        ];
        if let Some(strategy) = strategy {
            query.push(("strategy", strategy.to_owned()));
        }
        if let Some(name) = name {
            query.push(("name", name.to_owned()));
        }
        let page: ConnectionsPage = self
            .json(Self::call(
                Operation::ReadConnections,
                Method::GET,
                "connections".into(),
                &query,
            ))
            .await?;
        Ok(page.connections)
    }

    pub async fn list_organizations(&self) -> Result<Vec<Organization>, ApiError> {
        let query = [
            ("per_page", "100".to_owned()),
            ("include_totals", "true".to_owned()),
        ];
        let page: OrganizationsPage = self
            .json(Self::call(
                Operation::ReadOrganizations,
                Method::GET,
                "organizations".into(),
                &query,
            ))
            .await?;
        Ok(page.organizations)
    }

    pub async fn invite_to_organization(
        &self,
        organization_id: &str,
        request: &CreateOrganizationInvitation,
    ) -> Result<OrganizationInvitation, ApiError> {
        let path = format!("organizations/{}/invitations", segment(organization_id));
        let call = Self::with_json(
            Self::call(Operation::InviteToOrganization, Method::POST, path, &[]),
            request,
        )?;
        self.json(call).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_grouped_into_queries_that_fit_and_are_escaped() {
        let emails: Vec<String> = (0..1000)
            .map(|i| format!("Person.{i}+tag@Example.com"))
            .collect();
        let queries = email_queries(&emails);
        let flat: Vec<&String> = queries.iter().flatten().collect();
        assert_eq!(flat.len(), 1000, "every address once");
        assert_eq!(flat[0], "person.0+tag@example.com");
        for q in &queries {
            assert!(q.len() <= EMAILS_PER_SEARCH);
            let encoded = url::form_urlencoded::byte_serialize(or_query(q).as_bytes()).count();
            assert!(encoded <= MAX_QUERY_BYTES, "{encoded}");
        }
        assert_eq!(queries.len(), 25);
        assert_eq!(
            or_query(&[r#"a"b\c@x.com"#.to_owned(), "d@x.com".to_owned()]),
            r#"email:("a\"b\\c@x.com" OR "d@x.com")"#
        );
        // One address longer than the budget still gets its query (the tenant decides).
        let long = vec!["x".repeat(5000) + "@x.com"];
        assert_eq!(email_queries(&long).len(), 1);
    }
}
