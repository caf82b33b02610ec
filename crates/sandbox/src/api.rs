//! The HTTP surface: `/oauth/token`, the Management API endpoints Invite Desk uses, and the
//! inspection API under `/__sandbox/`.

// Helpers return the finished HTTP answer as their error, built once per request: its size is no cost.
#![allow(clippy::result_large_err)]

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::faults::Fault;
use crate::tenant::{JobRecord, Tenant, TicketRecord};
use crate::{Shared, iso_in, now_iso};

type S = State<Arc<Shared>>;
type Query_ = Query<HashMap<String, String>>;

const MAX_IMPORT_BYTES: usize = 512_000;
const MAX_CONCURRENT_IMPORTS: usize = 2;
const DEFAULT_TICKET_TTL: u64 = 432_000;

pub fn router(shared: Arc<Shared>) -> Router {
    let api = Router::new()
        .route("/users", get(search_users).post(create_user))
        .route(
            "/users/{id}",
            get(get_user).patch(update_user).delete(delete_user),
        )
        .route("/users-by-email", get(users_by_email))
        .route("/users/{id}/roles", get(user_roles).post(assign_roles))
        .route("/tickets/password-change", post(password_change_ticket))
        .route(
            "/tickets/email-verification",
            post(email_verification_ticket),
        )
        .route("/jobs/users-imports", post(import_users))
        .route("/jobs/users-exports", post(export_users))
        .route("/jobs/{id}", get(get_job))
        .route("/jobs/{id}/errors", get(job_errors))
        .route("/roles", get(list_roles))
        .route("/connections", get(list_connections))
        .route("/organizations", get(list_organizations))
        .route("/organizations/{id}/invitations", post(create_invitation))
        .route("/logs", get(list_logs))
        .fallback(not_found_route)
        .layer(middleware::from_fn_with_state(shared.clone(), gate))
        // Above Auth0's import limit, so the handler can answer 413 the way Auth0 does.
        .layer(DefaultBodyLimit::max(4 * 1024 * 1024));
    Router::new()
        .nest("/api/v2", api)
        .route("/oauth/token", post(token))
        // Where an export's `location` points: outside the API (Auth0 hands out a storage URL),
        // no token, no rate limit; each link works for 60 s.
        .route("/__sandbox/exports/{id}", get(download_export))
        // What a person opens: ticket links, organization invitations, the application's sign-in.
        .merge(pages(shared.clone()))
        .route("/__sandbox/stats", get(inspect_stats))
        .route("/__sandbox/users", get(inspect_users))
        .route("/__sandbox/tickets", get(inspect_tickets))
        .with_state(shared)
}

/// The pages a person opens. Each may change the tenant (a password set, an address verified, a
/// sign-in): the state file's change count moves once the page is done.
fn pages(shared: Arc<Shared>) -> Router<Arc<Shared>> {
    Router::new()
        .route(
            "/u/reset-password",
            get(crate::pages::reset_password_page).post(crate::pages::reset_password),
        )
        .route(
            "/u/email-verification",
            get(crate::pages::verify_email_page),
        )
        .route("/login", get(crate::pages::invitation_page))
        .route("/login/invitation", post(crate::pages::accept_invitation))
        .route(
            "/__sandbox/sign-in",
            get(crate::pages::sign_in_page).post(crate::pages::sign_in),
        )
        .layer(middleware::from_fn_with_state(shared, touch_after))
}

async fn touch_after(State(shared): S, request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    shared.touch();
    response
}

// ---- answers ----

fn json_response(status: StatusCode, body: &Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
}

/// The Management API's error body.
fn api_error(status: StatusCode, message: &str, error_code: Option<&str>) -> Response {
    let mut body = json!({
        "statusCode": status.as_u16(),
        "error": status.canonical_reason().unwrap_or("Error"),
        "message": message,
    });
    if let Some(code) = error_code {
        body["errorCode"] = json!(code);
    }
    json_response(status, &body)
}

fn invalid_body(message: &str) -> Response {
    api_error(
        StatusCode::BAD_REQUEST,
        &format!("Payload validation error: '{message}'."),
        Some("invalid_body"),
    )
}

fn no_user() -> Response {
    api_error(
        StatusCode::NOT_FOUND,
        "The user does not exist.",
        Some("inexistent_user"),
    )
}

async fn not_found_route() -> Response {
    api_error(StatusCode::NOT_FOUND, "Not Found", None)
}

fn parse_object(body: &Bytes) -> Result<Map<String, Value>, Response> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(invalid_body("Expected type object but found type array")),
        Err(_) => Err(api_error(
            StatusCode::BAD_REQUEST,
            "Invalid request payload JSON format",
            Some("invalid_body"),
        )),
    }
}

fn only_allowed(body: &Map<String, Value>, allowed: &[&str]) -> Result<(), Response> {
    let extra: Vec<&str> = body
        .keys()
        .map(String::as_str)
        .filter(|k| !allowed.contains(k))
        .collect();
    if extra.is_empty() {
        Ok(())
    } else {
        Err(invalid_body(&format!(
            "Additional properties not allowed: {}",
            extra.join(",")
        )))
    }
}

fn str_field<'a>(body: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    body.get(key).and_then(Value::as_str)
}

fn looks_like_email(email: &str) -> bool {
    let Some((local, domain)) = email.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.contains(char::is_whitespace)
}

fn paged(items: Vec<Value>, key: &str, query: &HashMap<String, String>) -> Value {
    let per_page: usize = query
        .get("per_page")
        .and_then(|v| v.parse().ok())
        .unwrap_or(50)
        .clamp(1, 100);
    let page: usize = query.get("page").and_then(|v| v.parse().ok()).unwrap_or(0);
    let total = items.len();
    let slice: Vec<Value> = items
        .into_iter()
        .skip(page * per_page)
        .take(per_page)
        .collect();
    if query.get("include_totals").is_some_and(|v| v == "true") {
        let mut body = json!({ "start": page * per_page, "limit": per_page, "total": total });
        if key == "users" {
            body["length"] = json!(slice.len());
        }
        body[key] = Value::Array(slice);
        body
    } else {
        Value::Array(slice)
    }
}

// ---- the gate: rate limit, faults, authentication, scopes ----

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    iss: String,
    sub: String,
    aud: String,
    iat: u64,
    exp: u64,
    scope: String,
    gty: String,
    azp: String,
}

fn required_scopes(method: &Method, path: &str) -> &'static [&'static str] {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    match (method.as_str(), parts.as_slice()) {
        ("POST", ["users"]) | ("POST", ["jobs", "users-imports"]) => &["create:users"],
        ("POST", ["jobs", "users-exports"]) => &["read:users"],
        ("GET", ["users", ..]) | ("GET", ["users-by-email"]) => &["read:users"],
        ("PATCH", ["users", _]) => &["update:users"],
        ("DELETE", ["users", _]) => &["delete:users"],
        ("POST", ["users", _, "roles"]) => &["create:role_members", "update:users"],
        ("POST", ["tickets", _]) => &["create:user_tickets"],
        ("GET", ["jobs", ..]) => &["create:users", "read:users"],
        ("GET", ["roles"]) => &["read:roles"],
        ("GET", ["connections"]) => &["read:connections"],
        ("GET", ["organizations"]) => &["read:organizations"],
        ("POST", ["organizations", _, "invitations"]) => &["create:organization_invitations"],
        ("GET", ["logs", ..]) => &["read:logs"],
        _ => &[],
    }
}

fn with_limits(mut response: Response, verdict: crate::ratelimit::Verdict) -> Response {
    let headers = response.headers_mut();
    for (name, value) in [
        ("x-ratelimit-limit", verdict.limit),
        ("x-ratelimit-remaining", verdict.remaining),
        ("x-ratelimit-reset", verdict.reset_epoch),
    ] {
        if let Ok(value) = HeaderValue::from_str(&value.to_string()) {
            headers.insert(name, value);
        }
    }
    response
}

async fn gate(State(shared): S, request: Request, next: Next) -> Response {
    shared.counters().requests += 1;
    let target = request
        .uri()
        .path_and_query()
        .map_or(0, |p| p.as_str().len());
    if target > MAX_URI_BYTES {
        // Refused in front of the API: no bucket is spent and no rate-limit headers come back.
        return api_error(StatusCode::URI_TOO_LONG, "URI Too Long", None);
    }
    if !shared.config.latency.is_zero() {
        // The round trip to a real tenant, for benchmarks that compare strategies fairly.
        tokio::time::sleep(shared.config.latency).await;
    }
    let writes = request.method() != Method::GET;
    let group = crate::ratelimit::endpoint_group(request.method(), request.uri().path());
    let drawn = crate::lock(&shared.limits).take(group);
    let verdict = drawn.verdict;
    if let Some(refusal) = drawn.refusal {
        shared.counters().rate_limited += 1;
        let body = api_error(
            StatusCode::TOO_MANY_REQUESTS,
            &refusal,
            Some("too_many_requests"),
        );
        return with_limits(body, verdict);
    }
    let fault = crate::lock(&shared.dice).roll();
    match fault {
        Some(Fault::Unavailable) => {
            shared.counters().faults_503 += 1;
            let body = api_error(
                StatusCode::SERVICE_UNAVAILABLE,
                "Service Unavailable",
                Some("temporarily_unavailable"),
            );
            return with_limits(body, verdict);
        }
        Some(Fault::Slow(wait)) => {
            shared.counters().faults_slow += 1;
            tokio::time::sleep(wait).await;
        }
        _ => {}
    }
    if let Err(refusal) = authenticate(
        &shared,
        request.headers(),
        request.method(),
        request.uri().path(),
        fault,
    ) {
        return with_limits(refusal, verdict);
    }
    let response = with_limits(next.run(request).await, verdict);
    if writes {
        // A write may have changed the tenant (it is done now): the state file, if any, follows.
        shared.touch();
    }
    if fault == Some(Fault::Drop) {
        // The work is done; the answer never arrives whole.
        shared.counters().faults_dropped += 1;
        let (parts, _) = response.into_parts();
        let broken = futures_util::stream::once(async {
            Err::<Bytes, std::io::Error>(std::io::Error::other("dropped by the sandbox"))
        });
        return Response::from_parts(parts, Body::from_stream(broken));
    }
    response
}

fn authenticate(
    shared: &Shared,
    headers: &HeaderMap,
    method: &Method,
    path: &str,
    fault: Option<Fault>,
) -> Result<(), Response> {
    let unauthorized =
        |message: &str| api_error(StatusCode::UNAUTHORIZED, message, Some("invalid_token"));
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .ok_or_else(|| api_error(StatusCode::UNAUTHORIZED, "Missing authentication", None))?;
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_audience(&[format!("{}/api/v2/", shared.base_url)]);
    validation.leeway = 0;
    let claims = match jsonwebtoken::decode::<Claims>(
        token,
        &DecodingKey::from_secret(&crate::lock(&shared.signing_key).clone()),
        &validation,
    ) {
        Ok(data) => data.claims,
        Err(e) if matches!(e.kind(), jsonwebtoken::errors::ErrorKind::ExpiredSignature) => {
            return Err(unauthorized(
                "Expired token received for JSON Web Token validation",
            ));
        }
        Err(_) => return Err(unauthorized("Invalid token")),
    };
    if fault == Some(Fault::Expire) {
        shared.counters().faults_expired += 1;
        return Err(unauthorized(
            "Expired token received for JSON Web Token validation",
        ));
    }
    let needed = required_scopes(method, path);
    let granted: Vec<&str> = claims.scope.split_whitespace().collect();
    if !needed.is_empty() && !needed.iter().any(|s| granted.contains(s)) {
        return Err(api_error(
            StatusCode::FORBIDDEN,
            &format!("Insufficient scope, expected any of: {}", needed.join(",")),
            Some("insufficient_scope"),
        ));
    }
    Ok(())
}

// ---- /oauth/token ----

async fn token(State(shared): S, headers: HeaderMap, body: Bytes) -> Response {
    shared.counters().token_requests += 1;
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let fields: HashMap<String, String> = if is_json {
        serde_json::from_slice::<Map<String, Value>>(&body)
            .map(|m| {
                m.into_iter()
                    .filter_map(|(k, v)| v.as_str().map(|s| (k, s.to_owned())))
                    .collect()
            })
            .unwrap_or_default()
    } else {
        serde_urlencoded::from_bytes(&body).unwrap_or_default()
    };
    let oauth_error = |status: StatusCode, error: &str, description: &str| {
        json_response(
            status,
            &json!({"error": error, "error_description": description}),
        )
    };
    if fields.get("grant_type").map(String::as_str) != Some("client_credentials") {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "Unsupported grant type",
        );
    }
    let config = &shared.config;
    if fields.get("client_id") != Some(&config.client_id)
        || fields.get("client_secret") != Some(&config.client_secret)
    {
        // Auth0 answers the same for a wrong secret and an unknown client.
        return oauth_error(StatusCode::UNAUTHORIZED, "access_denied", "Unauthorized");
    }
    let audience = format!("{}/api/v2/", shared.base_url);
    if let Some(asked) = fields.get("audience")
        && asked != &audience
    {
        return oauth_error(
            StatusCode::FORBIDDEN,
            "access_denied",
            &format!("Service not found: {asked}"),
        );
    }
    match mint_token(&shared) {
        Ok((jwt, ttl, scope)) => json_response(
            StatusCode::OK,
            &json!({"access_token": jwt, "expires_in": ttl, "scope": scope, "token_type": "Bearer"}),
        ),
        Err(e) => oauth_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            &e.to_string(),
        ),
    }
}

/// A signed access token for the configured client: `(jwt, lifetime in seconds, scope)`.
pub(crate) fn mint_token(
    shared: &Shared,
) -> Result<(String, u64, String), jsonwebtoken::errors::Error> {
    let config = &shared.config;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let ttl = config.token_ttl.as_secs().max(1);
    let scope = config.scopes.join(" ");
    let claims = Claims {
        iss: format!("{}/", shared.base_url),
        sub: format!("{}@clients", config.client_id),
        aud: format!("{}/api/v2/", shared.base_url),
        iat: now,
        exp: now + ttl,
        scope: scope.clone(),
        gty: "client-credentials".into(),
        azp: config.client_id.clone(),
    };
    let key = crate::lock(&shared.signing_key).clone();
    let jwt = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(&key),
    )?;
    Ok((jwt, ttl, scope))
}

// ---- users ----

const CREATE_USER_FIELDS: &[&str] = &[
    "connection",
    "email",
    "phone_number",
    "user_metadata",
    "app_metadata",
    "blocked",
    "email_verified",
    "verify_email",
    "phone_verified",
    "given_name",
    "family_name",
    "name",
    "nickname",
    "picture",
    "user_id",
    "password",
    "username",
];

async fn create_user(State(shared): S, body: Bytes) -> Response {
    let body = match parse_object(&body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    if let Err(r) = only_allowed(&body, CREATE_USER_FIELDS) {
        return r;
    }
    let Some(connection) = str_field(&body, "connection") else {
        return invalid_body("Missing required property: connection");
    };
    let mut tenant = shared.tenant();
    let Some(conn) = tenant.connection_by_name(connection).cloned() else {
        return api_error(
            StatusCode::BAD_REQUEST,
            "The connection does not exist.",
            Some("inexistent_connection"),
        );
    };
    if conn.strategy != "auth0" {
        return api_error(
            StatusCode::BAD_REQUEST,
            "Connection is not supported for this operation.",
            Some("operation_not_supported"),
        );
    }
    let Some(email) = str_field(&body, "email") else {
        return invalid_body("Missing required property: email");
    };
    if !looks_like_email(email) {
        return invalid_body(&format!(
            "Object didn't pass validation for format email: {email}' on property email (The user's email"
        ));
    }
    for (key, max) in [
        ("given_name", 150),
        ("family_name", 150),
        ("name", 300),
        ("nickname", 300),
    ] {
        if let Some(v) = str_field(&body, key)
            && (v.is_empty() || v.chars().count() > max)
        {
            return invalid_body(&format!(
                "String is too long ({} chars), maximum {max}' on property {key}",
                v.chars().count()
            ));
        }
    }
    if let Some(password) = str_field(&body, "password")
        && password.chars().count() < 8
    {
        return api_error(
            StatusCode::BAD_REQUEST,
            "PasswordStrengthError: Password is too weak",
            Some("invalid_password"),
        );
    }
    if tenant.find_by_email(connection, email).is_some() || tenant.user_id_taken(&body) {
        return api_error(
            StatusCode::CONFLICT,
            "The user already exists.",
            Some("auth0_idp_error"),
        );
    }
    let user = tenant.insert_user(connection, &body, &now_iso());
    drop(tenant);
    shared.counters().users_created += 1;
    json_response(StatusCode::CREATED, &Value::Object(user))
}

async fn get_user(State(shared): S, Path(id): Path<String>) -> Response {
    match shared.tenant().users.get(&id) {
        Some(user) => json_response(StatusCode::OK, &Value::Object(user.clone())),
        None => no_user(),
    }
}

async fn update_user(State(shared): S, Path(id): Path<String>, body: Bytes) -> Response {
    let patch = match parse_object(&body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let mut tenant = shared.tenant();
    let Some(user) = tenant.users.get_mut(&id) else {
        return no_user();
    };
    for (key, value) in patch {
        match (key.as_str(), value) {
            ("password" | "connection" | "client_id" | "verify_email", _) => {}
            ("app_metadata" | "user_metadata", Value::Object(changes)) => {
                // Merged at the first level; null removes a key.
                let target = user.entry(key.clone()).or_insert_with(|| json!({}));
                if let Value::Object(existing) = target {
                    for (k, v) in changes {
                        if v.is_null() {
                            existing.remove(&k);
                        } else {
                            existing.insert(k, v);
                        }
                    }
                }
            }
            (_, Value::Null) => {
                user.remove(&key);
            }
            (_, value) => {
                user.insert(key, value);
            }
        }
    }
    user.insert("updated_at".into(), json!(now_iso()));
    json_response(StatusCode::OK, &Value::Object(user.clone()))
}

async fn delete_user(State(shared): S, Path(id): Path<String>) -> Response {
    shared.tenant().remove_user(&id);
    StatusCode::NO_CONTENT.into_response()
}

async fn users_by_email(State(shared): S, Query(query): Query_) -> Response {
    let Some(email) = query.get("email") else {
        return api_error(
            StatusCode::BAD_REQUEST,
            "Query validation error: 'Missing required property: email' on property email.",
            Some("invalid_query_string"),
        );
    };
    // Case-sensitive, like Auth0's: addresses are stored in lower case.
    let users: Vec<Value> = shared
        .tenant()
        .users
        .values()
        .filter(|u| u.get("email").and_then(Value::as_str) == Some(email.as_str()))
        .map(|u| Value::Object(u.clone()))
        .collect();
    json_response(StatusCode::OK, &Value::Array(users))
}

/// Auth0 pages through at most the first 1,000 results of a search.
const MAX_SEARCH_RESULTS: usize = 1000;
/// Longer request targets are refused with 414 before anything else (Auth0's front end does).
pub(crate) const MAX_URI_BYTES: usize = 8192;

/// A search's `page` and `per_page` (at most 100, 50 by default), within the first 1,000 results
/// Auth0 lets a search page through (users and logs alike).
fn search_page(query: &HashMap<String, String>) -> Result<(usize, usize), Response> {
    let per_page: usize = match query.get("per_page").map(|v| v.parse::<usize>()) {
        None => 50,
        Some(Ok(n)) if (1..=100).contains(&n) => n,
        Some(_) => {
            return Err(api_error(
                StatusCode::BAD_REQUEST,
                "Query validation error: 'Invalid value' on property per_page (Number of results per page. Defaults to 50.).",
                Some("invalid_query_string"),
            ));
        }
    };
    let page: usize = query.get("page").and_then(|v| v.parse().ok()).unwrap_or(0);
    if page
        .checked_add(1)
        .and_then(|p| p.checked_mul(per_page))
        .is_none_or(|seen| seen > MAX_SEARCH_RESULTS)
    {
        return Err(api_error(
            StatusCode::BAD_REQUEST,
            "You can only page through the first 1000 records. See https://auth0.com/docs/users/search/v3/view-search-results-by-page#limitation",
            Some("invalid_paging"),
        ));
    }
    Ok((page, per_page))
}

async fn search_users(State(shared): S, Query(query): Query_) -> Response {
    let q = query.get("q").cloned().unwrap_or_default();
    let parsed = match crate::search::parse(&q) {
        Ok(parsed) => parsed,
        Err(reason) => {
            return api_error(
                StatusCode::BAD_REQUEST,
                &format!("Invalid query: {reason}"),
                Some("invalid_query"),
            );
        }
    };
    // Checked here; `paged` reads the same parameters for the answer.
    if let Err(refused) = search_page(&query) {
        return refused;
    }
    let fields: Option<Vec<String>> = query
        .get("fields")
        .filter(|f| !f.is_empty())
        .map(|f| f.split(',').map(|x| x.trim().to_owned()).collect());
    let include = query.get("include_fields").is_none_or(|v| v != "false");
    let tenant = shared.tenant();
    let users: Vec<Value> = tenant
        .users
        .iter()
        .filter(|(id, _)| tenant.searchable(id))
        .filter(|(_, u)| crate::search::matches(&parsed, u))
        .map(|(_, u)| match &fields {
            Some(fields) => Value::Object(
                u.iter()
                    .filter(|(k, _)| fields.iter().any(|f| f == *k) == include)
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            ),
            None => Value::Object(u.clone()),
        })
        .collect();
    drop(tenant);
    let total = users.len();
    let mut body = paged(users, "users", &query);
    // The total counts every match, but only the first 1,000 can be read.
    if let Some(t) = body.get_mut("total") {
        *t = json!(total);
    }
    json_response(StatusCode::OK, &body)
}

async fn user_roles(State(shared): S, Path(id): Path<String>, Query(query): Query_) -> Response {
    let tenant = shared.tenant();
    if !tenant.users.contains_key(&id) {
        return no_user();
    }
    let granted = tenant.user_roles.get(&id).cloned().unwrap_or_default();
    let roles: Vec<Value> = tenant
        .roles
        .iter()
        .filter(|r| granted.contains(&r.id))
        .map(|r| json!({"id": r.id, "name": r.name, "description": r.description}))
        .collect();
    json_response(StatusCode::OK, &paged(roles, "roles", &query))
}

async fn assign_roles(State(shared): S, Path(id): Path<String>, body: Bytes) -> Response {
    let body = match parse_object(&body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let Some(roles) = body.get("roles").and_then(Value::as_array) else {
        return invalid_body("Missing required property: roles");
    };
    if roles.is_empty() {
        return invalid_body("Array is too short (0), minimum 1' on property roles");
    }
    let mut tenant = shared.tenant();
    if !tenant.users.contains_key(&id) {
        return no_user();
    }
    let ids: Vec<String> = roles
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect();
    if let Some(unknown) = ids
        .iter()
        .find(|r| !tenant.roles.iter().any(|known| &known.id == *r))
    {
        return api_error(
            StatusCode::NOT_FOUND,
            &format!("Role {unknown} does not exist"),
            Some("inexistent_role"),
        );
    }
    tenant.user_roles.entry(id).or_default().extend(ids);
    StatusCode::NO_CONTENT.into_response()
}

// ---- tickets ----

const PASSWORD_TICKET_FIELDS: &[&str] = &[
    "result_url",
    "user_id",
    "client_id",
    "organization_id",
    "connection_id",
    "email",
    "ttl_sec",
    "mark_email_as_verified",
    "includeEmailInRedirect",
    "identity",
];
const VERIFY_TICKET_FIELDS: &[&str] = &[
    "result_url",
    "user_id",
    "client_id",
    "organization_id",
    "ttl_sec",
    "includeEmailInRedirect",
    "identity",
];

/// Issues a ticket for an existing user (404 like Auth0 when there is none) and records it.
fn issue_ticket(
    shared: &Shared,
    tenant: &mut Tenant,
    kind: &'static str,
    user_id: String,
    ttl: u64,
    mark_email_as_verified: bool,
    result_url: Option<String>,
) -> Response {
    let Some(email) = tenant
        .users
        .get(&user_id)
        .map(|u| u.get("email").and_then(Value::as_str).map(str::to_owned))
    else {
        return api_error(
            StatusCode::NOT_FOUND,
            "User not found",
            Some("inexistent_user"),
        );
    };
    let code = tenant.random(
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        32,
    );
    let page = if kind == "password-change" {
        "reset-password"
    } else {
        "email-verification"
    };
    let url = format!("{}/u/{page}?ticket={code}#", shared.base_url);
    tenant.tickets.push(TicketRecord {
        kind: kind.to_owned(),
        user_id,
        email,
        url: url.clone(),
        ttl_sec: ttl,
        result_url,
        mark_email_as_verified,
        created_at: now_iso(),
        expires_at: iso_in(ttl),
        used_at: None,
    });
    json_response(StatusCode::CREATED, &json!({ "ticket": url }))
}

fn ticket_ttl(body: &Map<String, Value>) -> Result<u64, Response> {
    match body.get("ttl_sec") {
        None => Ok(DEFAULT_TICKET_TTL),
        Some(v) => match v.as_u64() {
            Some(0) => Ok(DEFAULT_TICKET_TTL),
            Some(n) => Ok(n),
            None => Err(invalid_body(
                "Expected type integer but found type string' on property ttl_sec",
            )),
        },
    }
}

/// A ticket request's body: an object with only the allowed fields, and its lifetime.
fn ticket_request(body: &Bytes, allowed: &[&str]) -> Result<(Map<String, Value>, u64), Response> {
    let body = parse_object(body)?;
    only_allowed(&body, allowed)?;
    let ttl = ticket_ttl(&body)?;
    Ok((body, ttl))
}

async fn password_change_ticket(State(shared): S, body: Bytes) -> Response {
    let (body, ttl) = match ticket_request(&body, PASSWORD_TICKET_FIELDS) {
        Ok(parsed) => parsed,
        Err(r) => return r,
    };
    if body.contains_key("result_url") && body.contains_key("organization_id") {
        return api_error(
            StatusCode::BAD_REQUEST,
            "The result_url parameter cannot be specified when using organization_id",
            Some("invalid_body"),
        );
    }
    let mut tenant = shared.tenant();
    let user_id = match (str_field(&body, "user_id"), str_field(&body, "email")) {
        (Some(_), Some(_)) => {
            return invalid_body("Cannot use user_id together with email and connection_id");
        }
        (Some(id), None) => id.to_owned(),
        (None, Some(email)) => {
            let Some(connection_id) = str_field(&body, "connection_id") else {
                return invalid_body("Missing required property: connection_id");
            };
            let Some(connection) = tenant
                .connection_by_id(connection_id)
                .map(|c| c.name.clone())
            else {
                return api_error(
                    StatusCode::NOT_FOUND,
                    "Connection not found",
                    Some("inexistent_connection"),
                );
            };
            match tenant.find_by_email(&connection, email) {
                Some(user) => user
                    .get("user_id")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                None => {
                    return api_error(
                        StatusCode::NOT_FOUND,
                        "User not found",
                        Some("inexistent_user"),
                    );
                }
            }
        }
        (None, None) => return invalid_body("Missing required property: user_id"),
    };
    let mark_verified = body.get("mark_email_as_verified").and_then(Value::as_bool) == Some(true);
    issue_ticket(
        &shared,
        &mut tenant,
        "password-change",
        user_id,
        ttl,
        mark_verified,
        str_field(&body, "result_url").map(str::to_owned),
    )
}

async fn email_verification_ticket(State(shared): S, body: Bytes) -> Response {
    let (body, ttl) = match ticket_request(&body, VERIFY_TICKET_FIELDS) {
        Ok(parsed) => parsed,
        Err(r) => return r,
    };
    if body.contains_key("result_url")
        && (body.contains_key("client_id") || body.contains_key("organization_id"))
    {
        return api_error(
            StatusCode::BAD_REQUEST,
            "The result_url parameter cannot be used with client_id or organization_id",
            Some("invalid_body"),
        );
    }
    let Some(user_id) = str_field(&body, "user_id").map(str::to_owned) else {
        return invalid_body("Missing required property: user_id");
    };
    let mut tenant = shared.tenant();
    issue_ticket(
        &shared,
        &mut tenant,
        "email-verification",
        user_id,
        ttl,
        false,
        str_field(&body, "result_url").map(str::to_owned),
    )
}

// ---- jobs ----

async fn import_users(State(shared): S, headers: HeaderMap, mut multipart: Multipart) -> Response {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_IMPORT_BYTES + 4096) {
        return api_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Payload content length greater than maximum allowed: 512000",
            None,
        );
    }
    let mut fields: HashMap<String, String> = HashMap::new();
    let mut file: Option<Bytes> = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_owned();
                let Ok(data) = field.bytes().await else {
                    return api_error(
                        StatusCode::BAD_REQUEST,
                        "Invalid multipart payload",
                        Some("invalid_body"),
                    );
                };
                if name == "users" {
                    file = Some(data);
                } else {
                    fields.insert(name, String::from_utf8_lossy(&data).into_owned());
                }
            }
            Ok(None) => break,
            Err(_) => {
                return api_error(
                    StatusCode::BAD_REQUEST,
                    "Invalid multipart payload",
                    Some("invalid_body"),
                );
            }
        }
    }
    let Some(file) = file else {
        return invalid_body("Missing required property: users");
    };
    if file.len() > MAX_IMPORT_BYTES {
        return api_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Payload content length greater than maximum allowed: 512000",
            None,
        );
    }
    let Some(connection_id) = fields.get("connection_id").cloned() else {
        return invalid_body("Missing required property: connection_id");
    };
    let users: Vec<Value> = match serde_json::from_slice::<Value>(&file) {
        Ok(Value::Array(users)) => users,
        _ => {
            return api_error(
                StatusCode::BAD_REQUEST,
                "Users file must be an array",
                Some("invalid_body"),
            );
        }
    };
    let upsert = fields.get("upsert").is_some_and(|v| v == "true");
    let mut tenant = shared.tenant();
    let Some(connection) = tenant
        .connection_by_id(&connection_id)
        .map(|c| c.name.clone())
    else {
        return api_error(
            StatusCode::BAD_REQUEST,
            "connection not found",
            Some("inexistent_connection"),
        );
    };
    if tenant.pending_jobs() >= MAX_CONCURRENT_IMPORTS {
        return api_error(
            StatusCode::TOO_MANY_REQUESTS,
            "There are already 2 active import users jobs; wait until one of them is completed",
            Some("too_many_requests"),
        );
    }
    let id = tenant.new_id("job");
    let mut job = json!({
        "type": "users_import",
        "status": "pending",
        "connection_id": connection_id,
        "connection": connection,
        "created_at": now_iso(),
        "id": id,
    });
    if let Some(external) = fields.get("external_id").filter(|e| !e.is_empty()) {
        job["external_id"] = json!(external);
    }
    tenant.jobs.insert(
        id.clone(),
        JobRecord {
            job: job.clone(),
            errors: Vec::new(),
            pending: true,
            file: None,
            downloads: Vec::new(),
        },
    );
    drop(tenant);
    let delay = shared.config.import_time_per_user * users.len() as u32;
    let worker = shared.clone();
    tokio::spawn(async move {
        tokio::time::sleep(delay.max(std::time::Duration::from_millis(50))).await;
        run_import(&worker, &id, &connection, users, upsert);
    });
    json_response(StatusCode::ACCEPTED, &job)
}

fn run_import(shared: &Shared, job_id: &str, connection: &str, users: Vec<Value>, upsert: bool) {
    shared.touch();
    let mut tenant = shared.tenant();
    let (mut inserted, mut updated, mut failed) = (0u64, 0u64, 0u64);
    let mut errors = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let now = now_iso();
    for user in &users {
        let fail = |code: &str, message: &str| json!({"user": user, "errors": [{"code": code, "message": message}]});
        let Some(fields) = user.as_object() else {
            errors.push(fail("INVALID_TYPE", "Expected type object"));
            failed += 1;
            continue;
        };
        let Some(email) = str_field(fields, "email").filter(|e| looks_like_email(e)) else {
            errors.push(fail(
                "FORMAT",
                "Object didn't pass validation for format email",
            ));
            failed += 1;
            continue;
        };
        if !seen.insert(email.to_lowercase()) {
            errors.push(fail(
                "DUPLICATED_USER",
                "The user is duplicated in the file",
            ));
            failed += 1;
            continue;
        }
        let existing = tenant
            .find_by_email(connection, email)
            .and_then(|u| u.get("user_id"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        if existing.is_none() && tenant.user_id_taken(fields) {
            errors.push(fail("DUPLICATED_USER", "The user_id is already in use"));
            failed += 1;
            continue;
        }
        match (existing, upsert) {
            (Some(_), false) => {
                errors.push(fail(
                    "DUPLICATED_USER",
                    "The user already exist and upsert parameter is false",
                ));
                failed += 1;
            }
            (Some(id), true) => {
                if let Some(stored) = tenant.users.get_mut(&id) {
                    for (k, v) in fields {
                        stored.insert(k.clone(), v.clone());
                    }
                    stored.insert("updated_at".into(), json!(now));
                }
                updated += 1;
            }
            (None, _) => {
                tenant.insert_user(connection, fields, &now);
                inserted += 1;
            }
        }
    }
    if let Some(record) = tenant.jobs.get_mut(job_id) {
        record.pending = false;
        record.job["status"] = json!("completed");
        record.job["summary"] = json!({"failed": failed, "updated": updated, "inserted": inserted, "total": users.len()});
        record.errors = errors;
    }
    drop(tenant);
    shared.counters().users_created += inserted;
}

async fn get_job(State(shared): S, Path(id): Path<String>) -> Response {
    // Not from the tenant's seeded generator: how often a job is polled must not change the ids and
    // tickets a seed replays.
    let token: String = (0..32)
        .map(|_| ALPHANUMERIC_TOKEN[rand::random_range(0..ALPHANUMERIC_TOKEN.len())] as char)
        .collect();
    let mut tenant = shared.tenant();
    match tenant.jobs.get_mut(&id) {
        Some(record) if record.file.is_some() => {
            // Each answer hands out a fresh link, valid for 60 s.
            let now = std::time::Instant::now();
            record.downloads.retain(|(_, until)| *until > now);
            record
                .downloads
                .push((token.clone(), now + EXPORT_LINK_LIFETIME));
            let mut job = record.job.clone();
            job["location"] = json!(format!(
                "{}/__sandbox/exports/{id}?token={token}",
                shared.base_url
            ));
            json_response(StatusCode::OK, &job)
        }
        Some(record) => json_response(StatusCode::OK, &record.job),
        None => api_error(
            StatusCode::NOT_FOUND,
            "The job does not exist.",
            Some("inexistent_job"),
        ),
    }
}

const ALPHANUMERIC_TOKEN: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const EXPORT_LINK_LIFETIME: std::time::Duration = std::time::Duration::from_secs(60);
/// Fields an export carries when the request names none (a subset of Auth0's default set).
const DEFAULT_EXPORT_FIELDS: &[&str] = &[
    "user_id",
    "email",
    "email_verified",
    "name",
    "given_name",
    "family_name",
    "created_at",
    "updated_at",
    "last_login",
    "logins_count",
];

/// `POST /jobs/users-exports`: a job that writes a connection's users (as its search index holds
/// them: users created within the search lag are not in it yet) to a gzip file, NDJSON or CSV.
async fn export_users(State(shared): S, body: Bytes) -> Response {
    let body = match parse_object(&body) {
        Ok(body) => body,
        Err(r) => return r,
    };
    if let Err(r) = only_allowed(&body, &["connection_id", "format", "limit", "fields"]) {
        return r;
    }
    let format = match body.get("format").map(Value::as_str) {
        None => "csv",
        Some(Some(f @ ("json" | "csv"))) => f,
        Some(_) => return invalid_body("format must be one of json, csv"),
    };
    let limit = match body.get("limit") {
        None => None,
        Some(v) => match v.as_u64().filter(|n| *n >= 1) {
            Some(n) => Some(n as usize),
            None => return invalid_body("limit must be an integer of at least 1"),
        },
    };
    let mut fields: Vec<(String, String)> = Vec::new();
    match body.get("fields") {
        None => fields.extend(
            DEFAULT_EXPORT_FIELDS
                .iter()
                .map(|f| ((*f).to_owned(), (*f).to_owned())),
        ),
        Some(Value::Array(items)) => {
            for item in items {
                let Some(name) = item.get("name").and_then(Value::as_str) else {
                    return invalid_body("every field needs a name");
                };
                let export_as = item
                    .get("export_as")
                    .and_then(Value::as_str)
                    .unwrap_or(name);
                fields.push((name.to_owned(), export_as.to_owned()));
            }
        }
        Some(_) => return invalid_body("fields must be an array"),
    }
    let mut tenant = shared.tenant();
    let connection = match str_field(&body, "connection_id") {
        Some(id) => match tenant.connection_by_id(id) {
            Some(c) => Some(c.name.clone()),
            None => {
                return api_error(
                    StatusCode::BAD_REQUEST,
                    "The connection does not exist.",
                    Some("inexistent_connection"),
                );
            }
        },
        None => None,
    };
    let id = tenant.new_id("job");
    let mut job = json!({
        "type": "users_export",
        "status": "pending",
        "created_at": now_iso(),
        "id": id,
        "format": format,
        "fields": fields.iter().map(|(name, export_as)| json!({"name": name, "export_as": export_as})).collect::<Vec<_>>(),
    });
    if let Some(c) = str_field(&body, "connection_id") {
        job["connection_id"] = json!(c);
        job["connection"] = json!(connection.clone().unwrap_or_default());
    } else {
        job["connection"] = json!("");
    }
    if let Some(limit) = limit {
        job["limit"] = json!(limit);
    }
    tenant.jobs.insert(
        id.clone(),
        JobRecord {
            job: job.clone(),
            errors: Vec::new(),
            pending: true,
            file: None,
            downloads: Vec::new(),
        },
    );
    let users = tenant.users.len();
    drop(tenant);
    let delay = shared.config.import_time_per_user * users.min(100_000) as u32;
    let worker = shared.clone();
    let format = format.to_owned();
    tokio::spawn(async move {
        tokio::time::sleep(delay.max(std::time::Duration::from_millis(50))).await;
        run_export(&worker, &id, connection.as_deref(), &format, &fields, limit);
    });
    json_response(StatusCode::OK, &job)
}

fn run_export(
    shared: &Shared,
    job_id: &str,
    connection: Option<&str>,
    format: &str,
    fields: &[(String, String)],
    limit: Option<usize>,
) {
    use std::io::Write;
    let mut tenant = shared.tenant();
    let value_at = |user: &Map<String, Value>, path: &str| -> Value {
        let mut parts = path.split('.');
        let mut at = parts.next().and_then(|first| user.get(first));
        for part in parts {
            at = at.and_then(|v| v.get(part));
        }
        at.cloned().unwrap_or(Value::Null)
    };
    let mut out = Vec::new();
    if format == "csv" {
        let header: Vec<&str> = fields.iter().map(|(_, e)| e.as_str()).collect();
        out.extend_from_slice(header.join(",").as_bytes());
        out.push(b'\n');
    }
    let users = tenant
        .users
        .iter()
        .filter(|(id, _)| tenant.searchable(id))
        .filter(|(_, u)| {
            connection.is_none_or(|c| {
                u.get("identities")
                    .and_then(Value::as_array)
                    .is_some_and(|ids| {
                        ids.iter()
                            .any(|i| i.get("connection").and_then(Value::as_str) == Some(c))
                    })
            })
        })
        .take(limit.unwrap_or(usize::MAX));
    for (_, user) in users {
        if format == "json" {
            let line: Map<String, Value> = fields
                .iter()
                .map(|(name, export_as)| (export_as.clone(), value_at(user, name)))
                .collect();
            out.extend_from_slice(Value::Object(line).to_string().as_bytes());
        } else {
            // Auth0 prefixes string values with ' against spreadsheet formulas.
            let cells: Vec<String> = fields
                .iter()
                .map(|(name, _)| match value_at(user, name) {
                    Value::String(s) => format!("\"'{}\"", s.replace('"', "\"\"")),
                    Value::Null => String::new(),
                    other => other.to_string(),
                })
                .collect();
            out.extend_from_slice(cells.join(",").as_bytes());
        }
        out.push(b'\n');
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let file = gz.write_all(&out).and_then(|()| gz.finish()).ok();
    if let Some(record) = tenant.jobs.get_mut(job_id) {
        record.pending = false;
        record.job["status"] = json!(if file.is_some() {
            "completed"
        } else {
            "failed"
        });
        record.file = file;
    }
}

/// The export file behind a `location`, while its link is valid (storage, not the API: no token).
async fn download_export(
    State(shared): S,
    Path(id): Path<String>,
    Query(query): Query_,
) -> Response {
    let tenant = shared.tenant();
    let now = std::time::Instant::now();
    let Some(record) = tenant.jobs.get(&id) else {
        return (StatusCode::NOT_FOUND, "NoSuchKey").into_response();
    };
    let valid = query.get("token").is_some_and(|t| {
        record
            .downloads
            .iter()
            .any(|(token, until)| token == t && *until > now)
    });
    match (&record.file, valid) {
        (Some(file), true) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/gzip")],
            file.clone(),
        )
            .into_response(),
        _ => (StatusCode::FORBIDDEN, "AccessDenied: Request has expired").into_response(),
    }
}

async fn job_errors(State(shared): S, Path(id): Path<String>) -> Response {
    match shared.tenant().jobs.get(&id) {
        Some(record) if record.errors.is_empty() => StatusCode::NO_CONTENT.into_response(),
        Some(record) => json_response(StatusCode::OK, &Value::Array(record.errors.clone())),
        None => api_error(
            StatusCode::NOT_FOUND,
            "The job does not exist.",
            Some("inexistent_job"),
        ),
    }
}

// ---- roles, connections, organizations ----

async fn list_roles(State(shared): S, Query(query): Query_) -> Response {
    let filter = query.get("name_filter").map(|f| f.to_lowercase());
    let roles: Vec<Value> = shared
        .tenant()
        .roles
        .iter()
        .filter(|r| {
            filter
                .as_ref()
                .is_none_or(|f| r.name.to_lowercase().contains(f))
        })
        .map(|r| json!({"id": r.id, "name": r.name, "description": r.description}))
        .collect();
    json_response(StatusCode::OK, &paged(roles, "roles", &query))
}

async fn list_connections(State(shared): S, Query(query): Query_) -> Response {
    let connections: Vec<Value> = shared
        .tenant()
        .connections
        .iter()
        .filter(|c| query.get("strategy").is_none_or(|s| &c.strategy == s))
        .filter(|c| query.get("name").is_none_or(|n| &c.name == n))
        .map(Tenant::connection_json)
        .collect();
    json_response(StatusCode::OK, &paged(connections, "connections", &query))
}

async fn list_organizations(State(shared): S, Query(query): Query_) -> Response {
    let organizations = shared.tenant().organizations.clone();
    json_response(
        StatusCode::OK,
        &paged(organizations, "organizations", &query),
    )
}

async fn create_invitation(State(shared): S, Path(org_id): Path<String>, body: Bytes) -> Response {
    let body = match parse_object(&body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let inviter = body
        .get("inviter")
        .and_then(|i| i.get("name"))
        .and_then(Value::as_str);
    let invitee = body
        .get("invitee")
        .and_then(|i| i.get("email"))
        .and_then(Value::as_str);
    let (Some(inviter), Some(invitee), Some(client_id)) =
        (inviter, invitee, str_field(&body, "client_id"))
    else {
        return invalid_body("Missing required property: inviter, invitee or client_id");
    };
    let ttl = body
        .get("ttl_sec")
        .and_then(Value::as_u64)
        .filter(|t| *t > 0)
        .unwrap_or(604_800);
    let mut tenant = shared.tenant();
    let Some(org_name) = tenant
        .organizations
        .iter()
        .find(|o| o["id"] == org_id.as_str())
        .and_then(|o| o["name"].as_str())
        .map(str::to_owned)
    else {
        return api_error(
            StatusCode::NOT_FOUND,
            "No organization found by that id",
            Some("inexistent_organization"),
        );
    };
    let ticket_id = tenant.random(
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        32,
    );
    let id = format!(
        "uinv_{}",
        tenant.random(
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
            16
        )
    );
    let mut invitation = json!({
        "id": id,
        "organization_id": org_id,
        "inviter": {"name": inviter},
        "invitee": {"email": invitee},
        "invitation_url": format!("{}/login?invitation={ticket_id}&organization={org_id}&organization_name={org_name}", shared.base_url),
        "ticket_id": ticket_id,
        "created_at": now_iso(),
        "expires_at": iso_in(ttl),
        "client_id": client_id,
    });
    for key in ["connection_id", "app_metadata", "user_metadata", "roles"] {
        if let Some(value) = body.get(key) {
            invitation[key] = value.clone();
        }
    }
    tenant.invitations.push(invitation.clone());
    json_response(StatusCode::CREATED, &invitation)
}

// ---- logs ----

/// `GET /logs`, in Auth0's two modes. By checkpoint (`from` a log id, `take` ≤ 100): the events
/// after it in log-id order, every other parameter ignored, and a `Link` to the next page. By search
/// criteria (`q`, `sort` `date:1`/`date:-1`, `page`, `per_page` ≤ 100): only the first 1,000 events
/// can be read, as Auth0 allows.
async fn list_logs(State(shared): S, Query(query): Query_) -> Response {
    let tenant = shared.tenant();
    if let Some(from) = query.get("from") {
        let take = match query.get("take").map(|t| t.parse::<usize>()) {
            None => 50,
            Some(Ok(n)) if (1..=100).contains(&n) => n,
            Some(_) => {
                return api_error(
                    StatusCode::BAD_REQUEST,
                    "Query validation error: 'Invalid value' on property take.",
                    Some("invalid_query_string"),
                );
            }
        };
        let events: Vec<Value> = tenant
            .logs
            .iter()
            .filter(|e| e["log_id"].as_str().is_some_and(|id| id > from.as_str()))
            .take(take)
            .map(|e| Value::Object(e.clone()))
            .collect();
        let next = events
            .last()
            .and_then(|e| e["log_id"].as_str())
            .unwrap_or(from.as_str())
            .to_owned();
        drop(tenant);
        let mut response = json_response(StatusCode::OK, &Value::Array(events));
        let link = format!(
            "<{}/api/v2/logs?from={next}&take={take}>; rel=\"next\"",
            shared.base_url
        );
        if let Ok(value) = HeaderValue::from_str(&link) {
            response.headers_mut().insert(header::LINK, value);
        }
        return response;
    }
    let parsed = match crate::search::parse(query.get("q").map(String::as_str).unwrap_or("")) {
        Ok(parsed) => parsed,
        Err(reason) => {
            return api_error(
                StatusCode::BAD_REQUEST,
                &format!("Invalid query: {reason}"),
                Some("invalid_query"),
            );
        }
    };
    let (page, per_page) = match search_page(&query) {
        Ok(paging) => paging,
        Err(refused) => return refused,
    };
    let mut events: Vec<&Map<String, Value>> = tenant
        .logs
        .iter()
        .filter(|e| crate::search::matches(&parsed, e))
        .collect();
    match query.get("sort").map(String::as_str) {
        Some("date:1") => {}
        None | Some("date:-1") => events.reverse(),
        Some(other) => {
            return api_error(
                StatusCode::BAD_REQUEST,
                &format!("Query validation error: sort \"{other}\" is not supported."),
                Some("invalid_query_string"),
            );
        }
    }
    let events: Vec<Value> = events
        .into_iter()
        .skip(page * per_page)
        .take(per_page)
        .map(|e| Value::Object(e.clone()))
        .collect();
    json_response(StatusCode::OK, &Value::Array(events))
}

// ---- inspection (tests and benchmarks; no auth, no rate limit) ----

async fn inspect_stats(State(shared): S) -> Response {
    let counters = shared.counters().clone();
    let tenant = shared.tenant();
    let mut body = serde_json::to_value(&counters).unwrap_or_default();
    body["users"] = json!(tenant.users.len());
    body["tickets"] = json!(tenant.tickets.len());
    body["jobs"] = json!(tenant.jobs.len());
    body["invitations"] = json!(tenant.invitations.len());
    json_response(StatusCode::OK, &body)
}

async fn inspect_users(State(shared): S) -> Response {
    let tenant = shared.tenant();
    let users: Vec<Value> = tenant
        .users
        .values()
        .map(|u| {
            let id = u.get("user_id").and_then(Value::as_str).unwrap_or_default();
            let mut entry = Value::Object(u.clone());
            entry["tickets_issued"] =
                json!(tenant.tickets.iter().filter(|t| t.user_id == id).count());
            entry["roles"] = json!(tenant.user_roles.get(id).cloned().unwrap_or_default());
            entry
        })
        .collect();
    json_response(StatusCode::OK, &Value::Array(users))
}

async fn inspect_tickets(State(shared): S, Query(query): Query_) -> Response {
    let tenant = shared.tenant();
    let tickets: Vec<Value> = tenant
        .tickets
        .iter()
        .filter(|t| {
            query
                .get("email")
                .is_none_or(|e| t.email.as_deref() == Some(e.as_str()))
        })
        .map(|t| serde_json::to_value(t).unwrap_or_default())
        .collect();
    json_response(StatusCode::OK, &Value::Array(tickets))
}
