//! The Auth0 client against the sandbox tenant: every endpoint, the error classes, token refresh,
//! scope checks, the rate governor, and writes under injected faults.

#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use invite_desk_auth0::models::*;
use invite_desk_auth0::{ClientOptions, Credentials, ErrorKind, ManagementClient, TenantUrl};
use invite_desk_sandbox::{FaultSpec, Sandbox, SandboxConfig};
use serde_json::json;

const DB: &str = "Username-Password-Authentication";

async fn sandbox(config: SandboxConfig) -> Sandbox {
    Sandbox::start(config, SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
        .await
        .unwrap()
}

fn client_for(sandbox: &Sandbox) -> ManagementClient {
    client_with(
        sandbox,
        &sandbox.config().client_secret.clone(),
        ClientOptions::default(),
    )
}

fn client_with(sandbox: &Sandbox, secret: &str, options: ClientOptions) -> ManagementClient {
    ManagementClient::new(
        TenantUrl::parse(sandbox.base_url()).unwrap(),
        Credentials {
            client_id: sandbox.config().client_id.clone(),
            client_secret: secret.to_owned().into(),
        },
        options,
    )
    .unwrap()
}

fn new_user(email: &str) -> CreateUser {
    CreateUser {
        connection: DB.into(),
        email: email.into(),
        password: Some("Correct-Horse-9".to_owned().into()),
        email_verified: Some(false),
        verify_email: Some(false),
        given_name: Some("Chuck".into()),
        family_name: Some("Sanchez".into()),
        ..CreateUser::default()
    }
}

#[tokio::test]
async fn users_lifecycle_with_recorded_shapes_and_errors() {
    let sb = sandbox(SandboxConfig {
        search_lag: Duration::from_millis(400),
        ..SandboxConfig::default()
    })
    .await;
    let client = client_for(&sb);

    let created = client
        .create_user(&new_user("Chuck@Example.com"))
        .await
        .unwrap();
    assert!(!created.reconciled);
    let user = created.value;
    assert!(user.user_id.starts_with("auth0|"), "{}", user.user_id);
    assert_eq!(
        user.email.as_deref(),
        Some("chuck@example.com"),
        "stored lower case"
    );
    assert_eq!(user.identities[0].connection, DB);
    assert_eq!(user.identities[0].provider, "auth0");
    assert_eq!(
        user.name.as_deref(),
        Some("chuck@example.com"),
        "name defaults to the email"
    );
    assert_eq!(user.nickname.as_deref(), Some("chuck"));

    let again = client
        .create_user(&new_user("chuck@example.com"))
        .await
        .unwrap_err();
    assert_eq!(
        (again.kind, again.status, again.error_code.as_deref()),
        (ErrorKind::Conflict, Some(409), Some("auth0_idp_error"))
    );

    assert_eq!(
        client.get_user(&user.user_id).await.unwrap().user_id,
        user.user_id
    );
    let found = client.users_by_email("CHUCK@example.com").await.unwrap();
    assert_eq!(found.len(), 1);
    // Search lags behind writes (users-by-email does not): the new user is not there yet…
    let query = r#"email:("chuck@example.com" OR "nobody@example.com")"#;
    let page = client.search_users(query, 0, 50).await.unwrap();
    assert_eq!((page.users.len(), page.total), (0, Some(0)));
    // …and is once the index has caught up.
    tokio::time::sleep(Duration::from_millis(450)).await;
    let page = client.search_users(query, 0, 50).await.unwrap();
    assert_eq!((page.users.len(), page.total), (1, Some(1)));

    let mut patch = UserPatch::new();
    patch.insert(
        "app_metadata".into(),
        json!({"invited_by": "invite-desk", "batch": "b1"}),
    );
    client.update_user(&user.user_id, &patch).await.unwrap();
    let mut patch = UserPatch::new();
    patch.insert(
        "app_metadata".into(),
        json!({"batch": null, "status": "invited"}),
    );
    let patched = client.update_user(&user.user_id, &patch).await.unwrap();
    assert_eq!(
        patched.app_metadata.unwrap(),
        json!({"invited_by": "invite-desk", "status": "invited"})
            .as_object()
            .unwrap()
            .clone(),
        "merged at the first level; null removes"
    );

    client.delete_user(&user.user_id).await.unwrap();
    let gone = client.get_user(&user.user_id).await.unwrap_err();
    assert_eq!(
        (gone.kind, gone.error_code.as_deref()),
        (ErrorKind::NotFound, Some("inexistent_user"))
    );
    assert_eq!(gone.message, "The user does not exist.");
    client.delete_user(&user.user_id).await.unwrap();

    let weak = client
        .create_user(&CreateUser {
            password: Some("short".to_owned().into()),
            ..new_user("w@example.com")
        })
        .await
        .unwrap_err();
    assert_eq!(weak.kind, ErrorKind::Invalid);
    assert!(
        weak.message.contains("PasswordStrengthError"),
        "{}",
        weak.message
    );
}

#[tokio::test]
async fn tickets_roles_connections_and_organizations() {
    let sb = sandbox(SandboxConfig::default()).await;
    let client = client_for(&sb);
    let user = client
        .create_user(&new_user("t@example.com"))
        .await
        .unwrap()
        .value;

    let ticket = client
        .password_change_ticket(&PasswordChangeTicket {
            user_id: Some(user.user_id.clone()),
            result_url: Some("https://app.example.com/welcome".into()),
            ttl_sec: Some(7 * 86_400),
            mark_email_as_verified: Some(true),
            ..PasswordChangeTicket::default()
        })
        .await
        .unwrap();
    assert!(
        ticket.ticket.contains("/u/reset-password?ticket=") && ticket.ticket.ends_with('#'),
        "{}",
        ticket.ticket
    );
    assert!(
        !format!("{ticket:?}").contains("ticket="),
        "Debug never shows the URL"
    );
    let verify = client
        .email_verification_ticket(&EmailVerificationTicket {
            user_id: user.user_id.clone(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(
        verify.ticket.contains("/u/email-verification?ticket=") && verify.ticket.ends_with('#')
    );
    let issued = sb.tickets();
    assert_eq!(issued.len(), 2);
    assert_eq!(issued[0].ttl_sec, 7 * 86_400);
    assert_eq!(issued[1].ttl_sec, 432_000, "the API's default of 5 days");
    assert!(issued[0].mark_email_as_verified && !issued[1].mark_email_as_verified);
    let missing = client
        .password_change_ticket(&PasswordChangeTicket {
            user_id: Some("auth0|nobody".into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(missing.kind, ErrorKind::NotFound);

    let roles = client.list_roles(None).await.unwrap();
    assert!(roles.len() >= 3);
    let viewer = client.list_roles(Some("VIEW")).await.unwrap();
    assert_eq!(
        viewer.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
        ["viewer"]
    );
    client
        .assign_roles(&user.user_id, &[viewer[0].id.clone()])
        .await
        .unwrap();
    client
        .assign_roles(&user.user_id, &[viewer[0].id.clone()])
        .await
        .unwrap();
    assert_eq!(client.user_roles(&user.user_id).await.unwrap(), viewer);

    let databases = client.list_connections(Some("auth0"), None).await.unwrap();
    assert_eq!(databases.len(), 1);
    assert_eq!(databases[0].name.as_deref(), Some(DB));
    assert!(databases[0].id.starts_with("con_"));
    assert!(databases[0].is_database() && databases[0].signup_disabled());

    let orgs = client.list_organizations().await.unwrap();
    let invitation = client
        .invite_to_organization(
            &orgs[0].id,
            &CreateOrganizationInvitation {
                inviter: Inviter {
                    name: "Invite Desk".into(),
                },
                invitee: Invitee {
                    email: "new@example.com".into(),
                },
                client_id: "app-client".into(),
                connection_id: Some(databases[0].id.clone()),
                app_metadata: None,
                user_metadata: None,
                ttl_sec: None,
                roles: None,
                send_invitation_email: Some(false),
            },
        )
        .await
        .unwrap();
    assert!(invitation.id.starts_with("uinv_"));
    let url = invitation.invitation_url.unwrap();
    assert!(
        url.contains(&format!("invitation={}", invitation.ticket_id.unwrap()))
            && url.contains(&orgs[0].id)
    );
    let no_org = client
        .invite_to_organization(
            "org_nope",
            &CreateOrganizationInvitation {
                inviter: Inviter { name: "x".into() },
                invitee: Invitee {
                    email: "x@example.com".into(),
                },
                client_id: "c".into(),
                connection_id: None,
                app_metadata: None,
                user_metadata: None,
                ttl_sec: None,
                roles: None,
                send_invitation_email: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(no_org.message, "No organization found by that id");
}

#[tokio::test]
async fn import_jobs_complete_asynchronously_and_report_duplicates() {
    let sb = sandbox(SandboxConfig::default()).await;
    let client = client_for(&sb);
    client
        .create_user(&new_user("existing@example.com"))
        .await
        .unwrap();
    let file = serde_json::to_vec(&json!([
        {"email": "imp1@example.com", "email_verified": false, "given_name": "Imp"},
        {"email": "existing@example.com"},
        {"email": "imp2@example.com"},
    ]))
    .unwrap();
    let form = ImportUsers {
        connection_id: sb.database_connection_id(),
        ..ImportUsers::default()
    };
    let job = client.import_users(&form, file).await.unwrap();
    assert_eq!(
        (job.job_type.as_str(), job.status.as_str()),
        ("users_import", "pending")
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    let done = loop {
        let job = client.job(&job.id).await.unwrap();
        if job.is_finished() {
            break job;
        }
        assert!(Instant::now() < deadline, "the job never finished");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(
        done.summary.unwrap(),
        JobSummary {
            failed: 1,
            updated: 0,
            inserted: 2,
            total: 3
        }
    );
    let errors = client.job_errors(&job.id).await.unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].user["email"], "existing@example.com");
    assert_eq!(errors[0].errors[0].code, "DUPLICATED_USER");
    assert_eq!(
        client
            .users_by_email("imp2@example.com")
            .await
            .unwrap()
            .len(),
        1
    );

    let clean = client
        .import_users(
            &form,
            serde_json::to_vec(&json!([{"email": "imp3@example.com"}])).unwrap(),
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        client.job_errors(&clean.id).await.unwrap().is_empty(),
        "204: no errors"
    );

    let too_big = client
        .import_users(&form, vec![b' '; 512_001])
        .await
        .unwrap_err();
    assert_eq!(too_big.kind, ErrorKind::Invalid);
    // The tenant itself refuses it too, with Auth0's 413.
    let raw = reqwest::Client::new()
        .post(format!("{}/api/v2/jobs/users-imports", sb.base_url()))
        .bearer_auth(sb.access_token())
        .multipart(
            reqwest::multipart::Form::new()
                .text("connection_id", sb.database_connection_id())
                .part(
                    "users",
                    reqwest::multipart::Part::bytes(vec![b' '; 512_001]).file_name("users.json"),
                ),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status().as_u16(), 413);
    let body: serde_json::Value = raw.json().await.unwrap();
    assert_eq!(
        body["message"],
        "Payload content length greater than maximum allowed: 512000"
    );
}

#[tokio::test]
async fn at_most_two_import_jobs_run_at_once() {
    let sb = sandbox(SandboxConfig {
        import_time_per_user: Duration::from_millis(400),
        ..SandboxConfig::default()
    })
    .await;
    let http = reqwest::Client::new();
    let bearer = sb.access_token();
    let mut statuses = Vec::new();
    for i in 0..3 {
        let file = serde_json::to_vec(&json!([{"email": format!("j{i}@example.com")}])).unwrap();
        let response = http
            .post(format!("{}/api/v2/jobs/users-imports", sb.base_url()))
            .bearer_auth(&bearer)
            .multipart(
                reqwest::multipart::Form::new()
                    .text("connection_id", sb.database_connection_id())
                    .part(
                        "users",
                        reqwest::multipart::Part::bytes(file).file_name("users.json"),
                    ),
            )
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
    }
    assert_eq!(statuses, [202, 202, 429]);
}

#[tokio::test]
async fn wrong_secret_missing_scope_and_token_refresh() {
    let sb = sandbox(SandboxConfig {
        scopes: vec!["read:users".into(), "create:users".into()],
        ..SandboxConfig::default()
    })
    .await;
    let wrong = client_with(&sb, "not-the-secret", ClientOptions::default());
    let err = wrong.users_by_email("a@example.com").await.unwrap_err();
    assert_eq!((err.kind, err.status), (ErrorKind::Auth, Some(401)));
    assert!(
        err.message.contains("refused the client credentials"),
        "{}",
        err.message
    );

    let client = client_for(&sb);
    let user = client
        .create_user(&new_user("s@example.com"))
        .await
        .unwrap()
        .value;
    let before = sb.counters().requests;
    let err = client
        .password_change_ticket(&PasswordChangeTicket {
            user_id: Some(user.user_id),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(err.missing_scope.as_deref(), Some("create:user_tickets"));
    assert!(
        err.message
            .starts_with("this client lacks create:user_tickets; authorize it in Dashboard"),
        "{}",
        err.message
    );
    assert_eq!(
        sb.counters().requests,
        before,
        "refused before sending anything"
    );
    assert_eq!(
        client.granted_scopes().await.unwrap().unwrap(),
        ["create:users", "read:users"]
    );

    // Every token issued so far becomes invalid: the next call gets a 401, fetches a new token once,
    // and succeeds.
    let tokens_before = client.stats.token_requests.load(Ordering::Relaxed);
    sb.revoke_tokens();
    assert_eq!(
        client.users_by_email("s@example.com").await.unwrap().len(),
        1
    );
    assert_eq!(
        client.stats.token_requests.load(Ordering::Relaxed),
        tokens_before + 1
    );
}

#[tokio::test]
async fn short_lived_tokens_are_renewed_before_they_expire() {
    let sb = sandbox(SandboxConfig {
        token_ttl: Duration::from_secs(2),
        ..SandboxConfig::default()
    })
    .await;
    let client = client_for(&sb);
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(5) {
        client.list_roles(None).await.unwrap();
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let tokens = client.stats.token_requests.load(Ordering::Relaxed);
    assert!(
        (3..=5).contains(&tokens),
        "a 2 s token over 5 s: {tokens} token requests"
    );
}

#[tokio::test]
async fn an_always_expiring_tenant_fails_after_a_few_refreshes() {
    let sb = sandbox(SandboxConfig {
        faults: FaultSpec::parse("expire=1").unwrap(),
        ..SandboxConfig::default()
    })
    .await;
    let client = client_for(&sb);
    let err = client.list_roles(None).await.unwrap_err();
    assert_eq!((err.kind, err.status), (ErrorKind::Auth, Some(401)));
    assert_eq!(
        client.stats.token_requests.load(Ordering::Relaxed),
        4,
        "the first token and three refreshes, not a loop"
    );
}

/// Writes under 503s, dropped answers and slow replies: every person created exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn creates_under_faults_make_each_user_exactly_once() {
    let sb = sandbox(SandboxConfig {
        faults: FaultSpec::parse("503=0.1,drop=0.1,slow=0.05@100ms").unwrap(),
        seed: 42,
        rate_limit: 500.0,
        burst: 100,
        ..SandboxConfig::default()
    })
    .await;
    let options = ClientOptions {
        min_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(50),
        ..ClientOptions::default()
    };
    let client = Arc::new(client_with(
        &sb,
        &sb.config().client_secret.clone(),
        options,
    ));
    let mut tasks = Vec::new();
    for worker in 0..8 {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            let mut outcomes = Vec::new();
            for i in 0..25 {
                let email = format!("w{worker}-{i}@example.com");
                outcomes.push((email.clone(), client.create_user(&new_user(&email)).await));
            }
            outcomes
        }));
    }
    let mut reconciled = 0;
    for task in tasks {
        for (email, outcome) in task.await.unwrap() {
            let created = outcome.unwrap_or_else(|e| panic!("{email}: {e}"));
            assert_eq!(created.value.email.as_deref(), Some(email.as_str()));
            reconciled += usize::from(created.reconciled);
        }
    }
    let users = sb.users();
    assert_eq!(users.len(), 200, "exactly one user per person");
    let counters = sb.counters();
    assert!(
        counters.faults_dropped > 0 && counters.faults_503 > 0,
        "{counters:?}"
    );
    assert!(reconciled > 0, "some answers were lost and reconciled");
    assert_eq!(
        client.stats.reconciled.load(Ordering::Relaxed) as usize,
        reconciled
    );
}

/// The governor keeps a fast client under the tenant's limit: few 429s, and the run takes as long
/// as the bucket allows (not less, which would mean the limit was not applied).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_governor_paces_to_the_tenant_limit() {
    let sb = sandbox(SandboxConfig {
        rate_limit: 20.0,
        burst: 5,
        ..SandboxConfig::default()
    })
    .await;
    let client = Arc::new(client_for(&sb));
    client.list_roles(None).await.unwrap();
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            for _ in 0..10 {
                client.list_connections(None, None).await.unwrap();
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let elapsed = start.elapsed();
    let limited = sb.counters().rate_limited;
    assert!(
        elapsed >= Duration::from_millis(3500),
        "80 calls at 20/s after a burst of 5: {elapsed:?}"
    );
    assert!(limited <= 4, "{limited} answers were 429");
    let rate = client.rate();
    assert_eq!(rate.limit, Some(5));
}

/// On Essentials each endpoint group has its own bucket: tickets (150/min, burst 10) wait for
/// theirs while reads (500/min, burst 40) keep going, the client learns the buckets from the
/// headers, names the plan, and hardly any request is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn essentials_buckets_keep_reads_going_while_tickets_wait() {
    let sb = sandbox(SandboxConfig {
        plan: Some(invite_desk_sandbox::TenantPlan::Essentials),
        ..SandboxConfig::default()
    })
    .await;
    let client = Arc::new(client_for(&sb));
    let user = client
        .create_user(&new_user("buckets@example.com"))
        .await
        .unwrap()
        .value;
    client.list_roles(None).await.unwrap();
    let start = Instant::now();
    let mut tickets = tokio::task::JoinSet::new();
    for _ in 0..14 {
        let client = client.clone();
        let user_id = user.user_id.clone();
        tickets.spawn(async move {
            client
                .password_change_ticket(&PasswordChangeTicket {
                    user_id: Some(user_id),
                    ..PasswordChangeTicket::default()
                })
                .await
                .unwrap();
        });
    }
    let mut reads = tokio::task::JoinSet::new();
    for _ in 0..4 {
        let client = client.clone();
        reads.spawn(async move {
            for _ in 0..8 {
                client.users_by_email("buckets@example.com").await.unwrap();
            }
        });
    }
    reads.join_all().await;
    let reads_took = start.elapsed();
    tickets.join_all().await;
    let tickets_took = start.elapsed();
    // 14 tickets from a bucket of 10 at 2.5/s: the last 4 need about 1.6 s…
    assert!(
        tickets_took >= Duration::from_millis(1200),
        "{tickets_took:?}"
    );
    // …and the 32 reads (under their burst of 40) were all done before them: they did not wait.
    assert!(
        reads_took < tickets_took,
        "{reads_took:?} / {tickets_took:?}"
    );
    assert_eq!(
        client.detected_plan(),
        Some(invite_desk_sandbox::TenantPlan::Essentials)
    );
    assert!(client.buckets().len() >= 3, "{:?}", client.buckets());
    let limited = sb.counters().rate_limited;
    assert!(limited <= 1, "{limited} answers were 429");
}

/// Search as Auth0 answers it: OR-lists, only the fields asked for, at most 100 a page and 1,000
/// in all, 414 for an over-long URL; `search_by_emails` splits and pages so nobody is missed.
#[tokio::test]
async fn batched_search_finds_everyone_within_the_limits_of_search() {
    let sb = sandbox(SandboxConfig {
        rate_limit: 5000.0,
        burst: 5000,
        search_lag: Duration::ZERO,
        ..SandboxConfig::default()
    })
    .await;
    let client = client_for(&sb);
    let emails: Vec<String> = (0..130).map(|i| format!("p{i}@search.example")).collect();
    for email in emails.iter().step_by(2) {
        client.create_user(&new_user(email)).await.unwrap();
    }
    let before = client.stats.requests.load(Ordering::Relaxed);
    let mut asked: Vec<String> = emails.iter().map(|e| e.to_uppercase()).collect();
    asked.push("nobody@search.example".into());
    let found = client.search_by_emails(&asked).await.unwrap();
    let calls = client.stats.requests.load(Ordering::Relaxed) - before;
    let mut got: Vec<String> = found.iter().filter_map(|u| u.email.clone()).collect();
    got.sort();
    let mut want: Vec<String> = emails.iter().step_by(2).cloned().collect();
    want.sort();
    assert_eq!(got, want);
    assert!(calls <= 4, "131 addresses took {calls} searches");
    assert!(!found[0].identities.is_empty(), "identities asked for");
    assert!(found[0].given_name.is_none(), "only the fields asked for");

    let http = reqwest::Client::new();
    let token = sb.access_token();
    let get = |query: String| {
        let request = http
            .get(format!("{}/api/v2/users?{query}", sb.base_url()))
            .bearer_auth(&token);
        async move { request.send().await.unwrap() }
    };
    let long = format!("q=email:(\"{}\")&search_engine=v3", "a".repeat(9000));
    assert_eq!(get(long).await.status(), 414);
    assert_eq!(get("q=*&per_page=101".into()).await.status(), 400);
    let beyond = get("q=*&per_page=100&page=10".into()).await;
    assert_eq!(beyond.status(), 400);
    let body: serde_json::Value = beyond.json().await.unwrap();
    assert_eq!(body["errorCode"], "invalid_paging");
    let bad = get("q=email:(a%20OR".into()).await;
    assert_eq!(bad.status(), 400);
}

/// An export job as Auth0 runs it: the job completes on its own, `GET /jobs/{id}` hands out a fresh
/// link each time, the file (gzip NDJSON) holds the fields asked for, users still within the search
/// lag are not in it yet, and a link with a wrong token is refused.
#[tokio::test]
async fn an_export_job_gives_the_users_through_a_short_lived_link() {
    let sb = sandbox(SandboxConfig {
        search_lag: Duration::from_millis(500),
        ..SandboxConfig::default()
    })
    .await;
    let client = client_for(&sb);
    client
        .create_user(&new_user("old@export.example"))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(600)).await;
    client
        .create_user(&new_user("fresh@export.example"))
        .await
        .unwrap();
    let field = |name: &str| ExportField {
        name: name.into(),
        export_as: None,
    };
    let job = client
        .export_users(&ExportUsers {
            connection_id: None,
            format: "json".into(),
            fields: vec![field("user_id"), field("email"), field("identities")],
        })
        .await
        .unwrap();
    assert_eq!(
        (job.job_type.as_str(), job.status.as_str()),
        ("users_export", "pending")
    );
    let mut done = client.job(&job.id).await.unwrap();
    for _ in 0..50 {
        if done.status == "completed" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        done = client.job(&job.id).await.unwrap();
    }
    let location = done
        .location
        .clone()
        .expect("a completed export has a location");
    let rows = client
        .download_export(&location, 1 << 20, |_| true)
        .await
        .unwrap();
    let emails: Vec<&str> = rows.iter().filter_map(|r| r["email"].as_str()).collect();
    assert_eq!(
        emails,
        ["old@export.example"],
        "the fresh user is not indexed yet"
    );
    assert!(rows[0]["identities"].is_array());
    assert!(
        rows[0].get("given_name").is_none(),
        "only the fields asked for"
    );
    // Another GET, another link; a forged one is refused, and nothing is fetched over plain HTTP
    // from anywhere but loopback.
    let again = client.job(&job.id).await.unwrap().location.unwrap();
    assert_ne!(again, location);
    let forged = format!("{}x", again);
    let refused = client
        .download_export(&forged, 1 << 20, |_| true)
        .await
        .unwrap_err();
    assert!(refused.message.contains("403"), "{}", refused.message);
    let plain = client
        .download_export("http://files.example.com/export.json.gz", 1 << 20, |_| true)
        .await
        .unwrap_err();
    assert!(plain.message.contains("not HTTPS"), "{}", plain.message);
    // A file above the limit is refused, not read to the end.
    let large = client
        .download_export(&again, 10, |_| true)
        .await
        .unwrap_err();
    assert!(
        large.message.contains("larger than 10 bytes"),
        "{}",
        large.message
    );
    // Only the rows asked for are kept.
    let none = client
        .download_export(&again, 1 << 20, |row| {
            row["email"] == "nobody@export.example"
        })
        .await
        .unwrap();
    assert!(none.is_empty());
}
