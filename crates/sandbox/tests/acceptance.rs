//! What a person does with an invitation, against the sandbox over HTTP as a browser would: the
//! ticket pages (set a password, verify an address), the organization invitation page, the sign-in
//! page; and what Auth0 shows of it afterwards: the profile's fields and `GET /logs` in both of its
//! modes (search criteria, checkpoint).

#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use invite_desk_auth0::models::*;
use invite_desk_auth0::{ClientOptions, Credentials, ManagementClient, TenantUrl};
use invite_desk_sandbox::{Sandbox, SandboxConfig};
use serde_json::Value;

const DB: &str = "Username-Password-Authentication";

async fn sandbox(config: SandboxConfig) -> Sandbox {
    Sandbox::start(config, SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
        .await
        .unwrap()
}

fn client_for(sandbox: &Sandbox) -> ManagementClient {
    ManagementClient::new(
        TenantUrl::parse(sandbox.base_url()).unwrap(),
        Credentials {
            client_id: sandbox.config().client_id.clone(),
            client_secret: sandbox.config().client_secret.clone().into(),
        },
        ClientOptions::default(),
    )
    .unwrap()
}

async fn user(client: &ManagementClient, email: &str) -> User {
    client
        .create_user(&CreateUser {
            connection: DB.into(),
            email: email.into(),
            password: Some("Throwaway-Secret-1".to_owned().into()),
            email_verified: Some(false),
            verify_email: Some(false),
            ..CreateUser::default()
        })
        .await
        .unwrap()
        .value
}

async fn ticket(client: &ManagementClient, user_id: &str, ttl: u64) -> String {
    client
        .password_change_ticket(&PasswordChangeTicket {
            user_id: Some(user_id.into()),
            ttl_sec: Some(ttl),
            mark_email_as_verified: Some(true),
            ..PasswordChangeTicket::default()
        })
        .await
        .unwrap()
        .ticket
}

fn code(url: &str) -> String {
    url.split("ticket=")
        .nth(1)
        .unwrap()
        .trim_end_matches('#')
        .to_owned()
}

async fn text(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

async fn events(sb: &Sandbox, query: &[(&str, &str)]) -> (u16, Value) {
    let response = reqwest::Client::new()
        .get(format!("{}/api/v2/logs", sb.base_url()))
        .bearer_auth(sb.access_token())
        .query(query)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn a_ticket_link_opens_a_real_password_form_that_sets_the_password_once() {
    let sb = sandbox(SandboxConfig::default()).await;
    let client = client_for(&sb);
    let ann = user(&client, "ann@example.com").await;
    let link = ticket(&client, &ann.user_id, 3600).await;
    let http = reqwest::Client::new();

    let (status, page) = text(http.get(&link).send().await.unwrap()).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("<form method=\"post\" action=\"/u/reset-password\">"),
        "{page}"
    );
    assert!(page.contains("ann@example.com"));
    assert!(page.contains(&format!("value=\"{}\"", code(&link))));

    let form = |password: &str, confirm: &str| {
        vec![
            ("ticket", code(&link)),
            ("password", password.to_owned()),
            ("confirm", confirm.to_owned()),
        ]
    };
    let post = |fields: Vec<(&'static str, String)>| {
        http.post(format!("{}/u/reset-password", sb.base_url()))
            .form(&fields)
            .send()
    };
    // Typing mistakes keep the link usable and say what is wrong.
    let (status, page) = text(post(form("short", "short")).await.unwrap()).await;
    assert_eq!(status, 400);
    assert!(page.contains("at least 8 characters"), "{page}");
    let (status, page) = text(post(form("long-enough-1", "long-enough-2")).await.unwrap()).await;
    assert_eq!(status, 400);
    assert!(page.contains("not the same"), "{page}");
    let before = client.get_user(&ann.user_id).await.unwrap();
    assert_eq!(before.last_password_reset, None);

    let (status, page) = text(post(form("correct-horse", "correct-horse")).await.unwrap()).await;
    assert_eq!(status, 200, "{page}");
    let after = client.get_user(&ann.user_id).await.unwrap();
    let reset = after
        .last_password_reset
        .clone()
        .expect("last_password_reset is set");
    assert_eq!(
        after.email_verified,
        Some(true),
        "the ticket marks the address verified"
    );
    assert_eq!(
        after.logins_count.unwrap_or(0),
        0,
        "setting a password is not a sign-in"
    );

    // A ticket works once.
    let (status, page) = text(post(form("another-one", "another-one")).await.unwrap()).await;
    assert_eq!(status, 410);
    assert!(page.contains("already used"), "{page}");

    // Signing in with it counts a login; a wrong password does not.
    let sign_in = |password: &str| {
        http.post(format!("{}/__sandbox/sign-in", sb.base_url()))
            .form(&[("email", "Ann@Example.com"), ("password", password)])
            .send()
    };
    let (status, _) = text(sign_in("wrong-password").await.unwrap()).await;
    assert_eq!(status, 401);
    let (status, _) = text(sign_in("correct-horse").await.unwrap()).await;
    assert_eq!(status, 200);
    let signed = client.get_user(&ann.user_id).await.unwrap();
    assert_eq!(signed.logins_count, Some(1));
    let last_login = signed.last_login.clone().unwrap();

    // The log says the same, with the same instants, in Auth0's shape.
    let seen = client
        .search_logs(
            &["scp", "s"],
            "user_id",
            std::slice::from_ref(&ann.user_id),
            None,
        )
        .await
        .unwrap();
    let kinds: Vec<&str> = seen.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["scp", "s"]);
    assert_eq!(seen[0].date, reset);
    assert_eq!(seen[1].date, last_login);
    assert_eq!(seen[0].user_name.as_deref(), Some("ann@example.com"));
    let all: Vec<String> = sb
        .logs()
        .iter()
        .map(|e| e["type"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        all,
        ["scp", "fcp", "fp", "s"],
        "the failures are logged too"
    );
}

#[tokio::test]
async fn expired_links_and_unknown_links_are_refused_and_logged() {
    let sb = sandbox(SandboxConfig::default()).await;
    let client = client_for(&sb);
    let bob = user(&client, "bob@example.com").await;
    let link = ticket(&client, &bob.user_id, 1).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let http = reqwest::Client::new();
    let (status, page) = text(http.get(&link).send().await.unwrap()).await;
    assert_eq!(status, 410);
    assert!(page.contains("expired"), "{page}");
    let refused = sb.use_link(&link, "correct-horse").unwrap_err();
    assert!(refused.to_string().contains("expired"));
    assert_eq!(
        client
            .get_user(&bob.user_id)
            .await
            .unwrap()
            .last_password_reset,
        None
    );
    let (status, _) = text(
        http.get(format!("{}/u/reset-password?ticket=nope", sb.base_url()))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(sb.logs()[0]["type"], "fcp");
}

#[tokio::test]
async fn verification_links_and_organization_invitations_are_accepted_as_auth0_records_them() {
    let sb = sandbox(SandboxConfig::default()).await;
    let client = client_for(&sb);
    let cat = user(&client, "cat@example.com").await;
    let link = client
        .email_verification_ticket(&EmailVerificationTicket {
            user_id: cat.user_id.clone(),
            result_url: None,
            client_id: None,
            organization_id: None,
            ttl_sec: Some(600),
            include_email_in_redirect: None,
            identity: None,
        })
        .await
        .unwrap()
        .ticket;
    let (status, page) = text(reqwest::get(&link).await.unwrap()).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(
        client.get_user(&cat.user_id).await.unwrap().email_verified,
        Some(true)
    );
    assert_eq!(sb.logs().last().unwrap()["type"], "sv");

    let org = client.list_organizations().await.unwrap().remove(0);
    let invitation = client
        .invite_to_organization(
            &org.id,
            &CreateOrganizationInvitation {
                inviter: Inviter { name: "IT".into() },
                invitee: Invitee {
                    email: "dan@example.com".into(),
                },
                client_id: "app-1".into(),
                connection_id: None,
                app_metadata: None,
                user_metadata: None,
                ttl_sec: None,
                roles: None,
                send_invitation_email: Some(false),
            },
        )
        .await
        .unwrap();
    let url = invitation.invitation_url.unwrap();
    let (status, page) = text(reqwest::get(&url).await.unwrap()).await;
    assert_eq!(status, 200);
    assert!(page.contains("dan@example.com"), "{page}");
    let ticket = url
        .split("invitation=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();
    let (status, page) = text(
        reqwest::Client::new()
            .post(format!("{}/login/invitation", sb.base_url()))
            .form(&[("invitation", ticket), ("password", "correct-horse")])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{page}");
    let dan = client
        .users_by_email("dan@example.com")
        .await
        .unwrap()
        .remove(0);
    assert_eq!(dan.email_verified, Some(true));
    assert_eq!(dan.logins_count, Some(1), "accepting signs the person in");
    let kinds: Vec<String> = client
        .search_logs(
            &["si", "s"],
            "user_name",
            &["dan@example.com".into()],
            Some("2026-01-01"),
        )
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(kinds, ["si", "s"]);
    // Accepted once: the invitation is gone.
    let (status, _) = text(reqwest::get(&url).await.unwrap()).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn logs_page_by_search_with_the_1000_limit_and_by_checkpoint_ignoring_the_rest() {
    let sb = sandbox(SandboxConfig::default()).await;
    let client = client_for(&sb);
    let eve = user(&client, "eve@example.com").await;
    let link = ticket(&client, &eve.user_id, 600).await;
    sb.use_link(&link, "correct-horse").unwrap();
    for _ in 0..5 {
        sb.sign_in("eve@example.com", "correct-horse").unwrap();
    }
    // Search: newest first unless sorted, paged, 1,000 at most.
    let (status, body) = events(&sb, &[("q", "type:\"s\""), ("per_page", "2")]).await;
    assert_eq!(status, 200);
    let page: Vec<&str> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["log_id"].as_str().unwrap())
        .collect();
    assert_eq!(page.len(), 2);
    assert!(page[0] > page[1], "newest first by default");
    let (status, body) = events(
        &sb,
        &[("q", "type:\"s\""), ("per_page", "100"), ("page", "10")],
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["errorCode"], "invalid_paging");
    let (status, _) = events(&sb, &[("q", "type:(")]).await;
    assert_eq!(status, 400);
    // Checkpoint: after a log id, in log-id order; q is ignored, as Auth0 says.
    let all = sb.logs();
    let first = all[0]["log_id"].as_str().unwrap();
    let (status, body) = events(
        &sb,
        &[("from", first), ("take", "3"), ("q", "type:\"nothing\"")],
    )
    .await;
    assert_eq!(status, 200);
    let ids: Vec<&str> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["log_id"].as_str().unwrap())
        .collect();
    let expected: Vec<&str> = all[1..4]
        .iter()
        .map(|e| e["log_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, expected);
}

#[tokio::test]
async fn without_read_logs_the_logs_answer_403_and_they_have_their_own_bucket() {
    let sb = sandbox(SandboxConfig {
        scopes: invite_desk_sandbox::DEFAULT_SCOPES
            .iter()
            .filter(|s| **s != "read:logs")
            .map(|s| (*s).to_owned())
            .collect(),
        ..SandboxConfig::default()
    })
    .await;
    let client = client_for(&sb);
    let refused = client
        .search_logs(&["scp"], "user_id", &["auth0|x".into()], None)
        .await
        .unwrap_err();
    assert_eq!(
        refused.missing_scope.as_deref(),
        Some("read:logs"),
        "the client knows the scope is missing before it asks: {refused:?}"
    );
    assert_eq!(
        invite_desk_auth0::scopes::Operation::ReadLogs.group(),
        invite_desk_auth0::plans::EndpointGroup::ReadLogs
    );
    let essentials = invite_desk_auth0::plans::TenantPlan::Essentials;
    let logs = essentials
        .endpoint(invite_desk_auth0::plans::EndpointGroup::ReadLogs)
        .unwrap();
    assert_eq!(logs.per_minute, 100.0);
    assert!(!essentials.shares_bucket(
        invite_desk_auth0::plans::EndpointGroup::ReadLogs,
        invite_desk_auth0::plans::EndpointGroup::ReadUsers
    ));
}

/// The app stops its on-demand Sandbox as it exits (a process exit runs no destructor): a user
/// created a moment before is in the kept file, not lost in the quiet wait before a save.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stopping_an_on_demand_sandbox_keeps_the_change_just_made() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sandbox-tenant.json");
    let on_demand = invite_desk_sandbox::OnDemand::new(SandboxConfig {
        state_file: Some(file.clone()),
        ..SandboxConfig::default()
    });
    on_demand.base_url().await.unwrap();
    let client = on_demand
        .with_running(client_for)
        .await
        .expect("it runs once reached");
    user(&client, "ivy@example.com").await;
    on_demand.stop_now();
    let kept = std::fs::read_to_string(&file).expect("saved as it stopped");
    assert!(kept.contains("ivy@example.com"), "{kept}");
    assert!(on_demand.with_running(|_| ()).await.is_none(), "it stopped");
}

#[tokio::test]
async fn a_kept_tenant_outlives_its_process_on_the_same_port_and_its_links_still_work() {
    let dir = tempfile::tempdir().unwrap();
    let config = SandboxConfig {
        state_file: Some(dir.path().join("sandbox-tenant.json")),
        ..SandboxConfig::default()
    };
    let first = sandbox(config.clone()).await;
    let client = client_for(&first);
    let gus = user(&client, "gus@example.com").await;
    let used = ticket(&client, &gus.user_id, 3600).await;
    let unused = ticket(&client, &gus.user_id, 3600).await;
    first.use_link(&used, "correct-horse").unwrap();
    let base = first.base_url().to_owned();
    first.shutdown();
    tokio::time::sleep(Duration::from_millis(100)).await;

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("sandbox-tenant.json"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o077,
            0,
            "only its owner reads the kept tenant: {mode:o}"
        );
    }
    let second = sandbox(config.clone()).await;
    assert_eq!(
        second.base_url(),
        base,
        "the same port, so the links it issued still lead here"
    );
    let client = client_for(&second);
    let again = client.users_by_email("gus@example.com").await.unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].user_id, gus.user_id);
    assert!(again[0].last_password_reset.is_some());
    assert!(
        second.sign_in("gus@example.com", "correct-horse").is_ok(),
        "the password was kept"
    );
    assert!(
        second.use_link(&used, "another-one-1").is_err(),
        "a used link stays used"
    );
    second.use_link(&unused, "another-one-1").unwrap();
    let kinds: Vec<String> = second
        .logs()
        .iter()
        .map(|e| e["type"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(kinds, ["scp", "s", "fcp", "scp"], "the log carries on");
    // A new user gets a new id, not one of the earlier run's.
    let hal = user(&client, "hal@example.com").await;
    assert_ne!(hal.user_id, gus.user_id);
    drop(second);

    // A kept file that cannot be read is put aside, not loaded and not lost.
    std::fs::write(dir.path().join("sandbox-tenant.json"), b"{ not json").unwrap();
    let third = sandbox(config).await;
    assert!(third.users().is_empty());
    let aside = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains("unreadable")
        })
        .count();
    assert_eq!(aside, 1);
}

#[tokio::test]
async fn log_reads_past_search_s_1000_limit_split_the_query_and_keep_the_newest_sign_in() {
    let sb = sandbox(SandboxConfig::default()).await;
    let client = client_for(&sb);
    let mut ids = Vec::new();
    for email in ["ivy@example.com", "jon@example.com"] {
        let person = user(&client, email).await;
        let link = ticket(&client, &person.user_id, 600).await;
        sb.use_link(&link, "correct-horse").unwrap();
        ids.push(person.user_id);
    }
    // 600 sign-ins each: 1,200 events for one query of both, over search's 1,000.
    for _ in 0..600 {
        sb.sign_in("ivy@example.com", "correct-horse").unwrap();
        sb.sign_in("jon@example.com", "correct-horse").unwrap();
    }
    let both = client
        .search_logs(&["scp", "s"], "user_id", &ids, Some("2026-01-01"))
        .await
        .unwrap();
    assert_eq!(both.len(), 1202, "split in two, nothing lost or repeated");
    // One person past the limit: the oldest 1,000 (with the password set) and the newest sign-in.
    for _ in 0..500 {
        sb.sign_in("ivy@example.com", "correct-horse").unwrap();
    }
    let ivy = client
        .search_logs(&["scp", "s"], "user_id", &ids[..1], None)
        .await
        .unwrap();
    assert_eq!(ivy.len(), 1001);
    assert_eq!(ivy[0].kind, "scp");
    let last_login = client.get_user(&ids[0]).await.unwrap().last_login.unwrap();
    assert_eq!(ivy.last().unwrap().date, last_login);
    // A day bound leaves out what came before it.
    let none = client
        .search_logs(&["scp", "s"], "user_id", &ids, Some("2999-01-01"))
        .await
        .unwrap();
    assert!(none.is_empty());
}
