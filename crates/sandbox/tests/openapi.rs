//! Every kind of answer the sandbox gives validates against the schema the Management API's OpenAPI
//! description declares for that path, method and status. The schemas come from the repository's
//! own subset of that description, `tests/fixtures/auth0/management-api-subset.json` (the paths,
//! methods and statuses checked here and the component schemas they reference, unchanged;
//! `tests/fixtures/auth0/README.md` says where from and how).

#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};

use invite_desk_sandbox::{Sandbox, SandboxConfig};
use serde_json::{Value, json};

fn oas_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/auth0/management-api-subset.json")
}

struct Checker {
    oas: Value,
    checked: Vec<String>,
}

impl Checker {
    fn new() -> Self {
        Checker {
            oas: serde_json::from_str(
                &std::fs::read_to_string(oas_path())
                    .unwrap_or_else(|e| panic!("{}: {e}", oas_path().display())),
            )
            .unwrap(),
            checked: Vec::new(),
        }
    }

    /// Validates `body` against `paths[template][method].responses[status]`'s JSON schema.
    fn check(&mut self, template: &str, method: &str, status: u16, body: &Value) {
        let escaped = template.replace('~', "~0").replace('/', "~1");
        let pointer = format!(
            "/paths/{escaped}/{method}/responses/{status}/content/application~1json/schema"
        );
        assert!(
            self.oas.pointer(&pointer).is_some(),
            "the OpenAPI description has no schema for {method} {template} {status}"
        );
        let fragment = pointer.replace('{', "%7B").replace('}', "%7D");
        let resource = jsonschema::Resource::from_contents(self.oas.clone()).unwrap();
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .with_resource("urn:auth0-management-oas", resource)
            .build(&json!({ "$ref": format!("urn:auth0-management-oas#{fragment}") }))
            .unwrap_or_else(|e| panic!("{method} {template}: {e}"));
        let errors: Vec<String> = validator
            .iter_errors(body)
            .map(|e| format!("{} at {}", e, e.instance_path))
            .collect();
        assert!(
            errors.is_empty(),
            "{method} {template} {status}: {body}\n{}",
            errors.join("\n")
        );
        self.checked.push(format!("{method} {template} {status}"));
    }
}

struct Api {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Api {
    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut request = self
            .http
            .request(method, format!("{}/api/v2/{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        (
            status,
            if text.is_empty() {
                Value::Null
            } else {
                serde_json::from_str(&text).unwrap()
            },
        )
    }
}

#[tokio::test]
async fn sandbox_answers_validate_against_the_openapi_description() {
    let sb = Sandbox::start(
        SandboxConfig::default(),
        SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
    )
    .await
    .unwrap();
    let http = reqwest::Client::new();
    let api = Api {
        http,
        base: sb.base_url().to_owned(),
        token: sb.access_token(),
    };
    let mut c = Checker::new();
    use reqwest::Method as M;

    let (status, user) = api
        .call(M::POST, "users", Some(json!({
            "connection": "Username-Password-Authentication", "email": "oas@example.com", "password": "Long-enough-1",
            "given_name": "Oa", "family_name": "Schema", "app_metadata": {"plan": "gold"}
        })))
        .await;
    c.check("/users", "post", status, &user);
    let id = user["user_id"].as_str().unwrap().replace('|', "%7C");
    let (status, body) = api.call(M::GET, &format!("users/{id}"), None).await;
    c.check("/users/{id}", "get", status, &body);
    let (status, body) = api
        .call(
            M::PATCH,
            &format!("users/{id}"),
            Some(json!({"user_metadata": {"locale": "fr"}})),
        )
        .await;
    c.check("/users/{id}", "patch", status, &body);
    let (status, body) = api
        .call(M::GET, "users-by-email?email=oas%40example.com", None)
        .await;
    c.check("/users-by-email", "get", status, &body);
    let (status, body) = api
        .call(
            M::GET,
            "users?q=email%3A%22oas%40example.com%22&search_engine=v3&include_totals=true",
            None,
        )
        .await;
    c.check("/users", "get", status, &body);
    let (status, body) = api.call(M::GET, "users?q=*&search_engine=v3", None).await;
    c.check("/users", "get", status, &body);

    let (status, body) = api
        .call(M::POST, "tickets/password-change", Some(json!({"user_id": user["user_id"], "ttl_sec": 3600, "mark_email_as_verified": true})))
        .await;
    c.check("/tickets/password-change", "post", status, &body);
    let (status, body) = api
        .call(
            M::POST,
            "tickets/email-verification",
            Some(json!({"user_id": user["user_id"]})),
        )
        .await;
    c.check("/tickets/email-verification", "post", status, &body);

    let (status, roles) = api.call(M::GET, "roles?include_totals=true", None).await;
    c.check("/roles", "get", status, &roles);
    let (status, body) = api.call(M::GET, "roles", None).await;
    c.check("/roles", "get", status, &body);
    let role = roles["roles"][0]["id"].clone();
    let (status, _) = api
        .call(
            M::POST,
            &format!("users/{id}/roles"),
            Some(json!({"roles": [role]})),
        )
        .await;
    assert_eq!(status, 204);
    let (status, body) = api
        .call(
            M::GET,
            &format!("users/{id}/roles?include_totals=true"),
            None,
        )
        .await;
    c.check("/users/{id}/roles", "get", status, &body);

    let (status, body) = api
        .call(
            M::GET,
            "connections?strategy=auth0&include_totals=true",
            None,
        )
        .await;
    c.check("/connections", "get", status, &body);
    let (status, body) = api.call(M::GET, "connections", None).await;
    c.check("/connections", "get", status, &body);

    let (status, orgs) = api
        .call(M::GET, "organizations?include_totals=true", None)
        .await;
    c.check("/organizations", "get", status, &orgs);
    let org = orgs["organizations"][0]["id"].as_str().unwrap().to_owned();
    let (status, body) = api
        .call(M::POST, &format!("organizations/{org}/invitations"), Some(json!({
            "inviter": {"name": "Invite Desk"}, "invitee": {"email": "org@example.com"}, "client_id": "app", "roles": [role]
        })))
        .await;
    assert_eq!(status, 201, "Auth0 answers 201 (the OAS says 200)");
    c.check("/organizations/{id}/invitations", "post", 200, &body);

    let users_file = serde_json::to_vec(
        &json!([{"email": "oas@example.com"}, {"email": "new-oas@example.com"}]),
    )
    .unwrap();
    let response = api
        .http
        .post(format!("{}/api/v2/jobs/users-imports", api.base))
        .bearer_auth(&api.token)
        .multipart(
            reqwest::multipart::Form::new()
                .text("connection_id", sb.database_connection_id())
                .part(
                    "users",
                    reqwest::multipart::Part::bytes(users_file).file_name("users.json"),
                ),
        )
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let job: Value = response.json().await.unwrap();
    c.check("/jobs/users-imports", "post", status, &job);
    let job_id = job["id"].as_str().unwrap().to_owned();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let (status, body) = api.call(M::GET, &format!("jobs/{job_id}"), None).await;
    assert_eq!(body["status"], "completed");
    c.check("/jobs/{id}", "get", status, &body);
    let (status, body) = api
        .call(M::GET, &format!("jobs/{job_id}/errors"), None)
        .await;
    c.check("/jobs/{id}/errors", "get", status, &body);

    let (status, job) = api
        .call(
            M::POST,
            "jobs/users-exports",
            Some(json!({"format": "json", "fields": [{"name": "user_id"}, {"name": "email"}]})),
        )
        .await;
    c.check("/jobs/users-exports", "post", status, &job);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let (status, body) = api
        .call(
            M::GET,
            &format!("jobs/{}", job["id"].as_str().unwrap()),
            None,
        )
        .await;
    assert_eq!(body["status"], "completed");
    assert!(body["location"].is_string(), "{body}");
    c.check("/jobs/{id}", "get", status, &body);

    assert_eq!(c.checked.len(), 20, "{:?}", c.checked);
}
