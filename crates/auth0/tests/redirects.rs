//! A tenant (or something pretending to be one) that answers with a redirect: the client follows
//! none, so neither the client secret (token form) nor a bearer token reaches the other host.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use invite_desk_auth0::{ClientOptions, Credentials, ManagementClient, TenantUrl};

/// Everything a server received: method, path and body.
type Seen = Arc<Mutex<Vec<(String, String, String)>>>;

async fn record(State(seen): State<(Seen, Option<String>)>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body: Bytes = axum::body::to_bytes(body, 1 << 20).await.unwrap();
    seen.0.lock().unwrap().push((
        parts.method.to_string(),
        parts.uri.path().to_owned(),
        String::from_utf8_lossy(&body).into_owned(),
    ));
    match &seen.1 {
        Some(location) => (
            StatusCode::TEMPORARY_REDIRECT,
            [(header::LOCATION, format!("{location}{}", parts.uri.path()))],
        )
            .into_response(),
        None => (StatusCode::OK, "{}").into_response(),
    }
}

async fn server(redirect_to: Option<String>) -> (String, Seen) {
    let seen: Seen = Arc::default();
    let app = axum::Router::new()
        .fallback(record)
        .with_state((seen.clone(), redirect_to));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, seen)
}

#[tokio::test]
async fn a_redirected_token_request_is_not_followed_and_the_secret_stays_home() {
    let (elsewhere, seen_elsewhere) = server(None).await;
    let (tenant, seen_by_tenant) = server(Some(elsewhere)).await;
    let client = ManagementClient::new(
        TenantUrl::parse(&tenant).unwrap(),
        Credentials {
            client_id: "client".into(),
            client_secret: "TOP-SECRET-VALUE".to_owned().into(),
        },
        ClientOptions {
            max_retries: 0,
            ..ClientOptions::default()
        },
    )
    .unwrap();
    let error = client.granted_scopes().await.unwrap_err();
    assert!(
        error.message.contains("redirect"),
        "the error says what happened: {}",
        error.message
    );
    assert!(
        !error.message.contains("TOP-SECRET"),
        "and never repeats the secret"
    );
    assert_eq!(seen_by_tenant.lock().unwrap().len(), 1, "asked once");
    assert!(
        seen_elsewhere.lock().unwrap().is_empty(),
        "nothing reached the other host: {:?}",
        seen_elsewhere.lock().unwrap()
    );
}
