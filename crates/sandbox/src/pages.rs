//! The pages a person sees: where a ticket link, an organization invitation and a sign-in lead.
//! Real HTML forms, so a newcomer can open a link from an outbox `.eml` or a links file, set a
//! password and watch the follow-up change, and tests can do the same as a person would. Using a
//! link changes the tenant the way Auth0 does (`last_password_reset`, `email_verified`, membership,
//! `logins_count`) and writes the log event Auth0 writes (`scp`, `sv`, `si`, `s`, and the failures
//! `fcp`, `fv`, `fp`).

use std::collections::HashMap;
use std::sync::Arc;

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::tenant::{DATABASE_CONNECTION, Tenant};
use crate::{Shared, now_iso};

type S = State<Arc<Shared>>;
type Fields = HashMap<String, String>;

/// Auth0's "good" policy on the seeded connection asks for at least 8 characters.
const MIN_PASSWORD: usize = 8;

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A whole page: `body` is already escaped HTML.
fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <meta name=\"viewport\" content=\"width=device-width\">\
         <style>body{{font-family:system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem}}\
         label{{display:block;margin:.8rem 0 .2rem}}input{{width:100%;padding:.4rem;box-sizing:border-box}}\
         button{{margin-top:1rem;padding:.5rem 1rem}}.error{{color:#a40000}}.note{{color:#555;font-size:.9rem}}</style>\
         </head><body><p class=\"note\">Sandbox tenant: nothing here reaches a real Auth0 tenant.</p>\
         <h1>{title}</h1>{body}</body></html>",
        title = escape(title),
    );
    let mut response = (status, html).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

fn message(status: StatusCode, title: &str, text: &str) -> Response {
    page(
        status,
        title,
        &format!("<p id=\"message\">{}</p>", escape(text)),
    )
}

fn continue_link(result_url: Option<&str>) -> String {
    result_url
        .map(|url| {
            format!(
                "<p><a id=\"continue\" href=\"{}\">Continue</a></p>",
                escape(url)
            )
        })
        .unwrap_or_default()
}

/// Why a ticket link cannot be used, if it cannot; its index otherwise.
fn usable_ticket(
    tenant: &Tenant,
    code: &str,
    kind: &str,
) -> Result<usize, (StatusCode, &'static str)> {
    let Some(index) = tenant
        .tickets
        .iter()
        .position(|t| t.kind == kind && !code.is_empty() && t.code() == code)
    else {
        return Err((StatusCode::NOT_FOUND, "This link is not valid."));
    };
    let ticket = &tenant.tickets[index];
    if ticket.used_at.is_some() {
        return Err((
            StatusCode::GONE,
            "This link was already used. Ask for a new one.",
        ));
    }
    if ticket.expires_at.as_str() <= now_iso().as_str() {
        return Err((
            StatusCode::GONE,
            "This link has expired. Ask for a new one.",
        ));
    }
    if !tenant.users.contains_key(&ticket.user_id) {
        return Err((
            StatusCode::NOT_FOUND,
            "The account of this link no longer exists.",
        ));
    }
    Ok(index)
}

fn password_form(code: &str, email: &str, error: Option<&str>) -> String {
    format!(
        "<p>Choose a password for <strong id=\"email\">{email}</strong>.</p>{error}\
         <form method=\"post\" action=\"/u/reset-password\">\
         <input type=\"hidden\" name=\"ticket\" value=\"{code}\">\
         <label for=\"password\">New password</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"new-password\" required>\
         <label for=\"confirm\">Type it again</label><input id=\"confirm\" name=\"confirm\" type=\"password\" autocomplete=\"new-password\" required>\
         <button id=\"submit\" type=\"submit\">Set password</button></form>",
        email = escape(email),
        code = escape(code),
        error = error
            .map(|e| format!("<p class=\"error\" id=\"error\">{}</p>", escape(e)))
            .unwrap_or_default(),
    )
}

pub(crate) async fn reset_password_page(State(shared): S, Query(query): Query<Fields>) -> Response {
    let code = query.get("ticket").map(String::as_str).unwrap_or_default();
    let tenant = shared.tenant();
    match usable_ticket(&tenant, code, "password-change") {
        Ok(index) => {
            let email = tenant.tickets[index].email.clone().unwrap_or_default();
            page(
                StatusCode::OK,
                "Set your password",
                &password_form(code, &email, None),
            )
        }
        Err((status, why)) => message(status, "Set your password", why),
    }
}

pub(crate) async fn reset_password(State(shared): S, Form(form): Form<Fields>) -> Response {
    let field = |name: &str| form.get(name).map(String::as_str).unwrap_or_default();
    let code = field("ticket");
    let mut tenant = shared.tenant();
    match set_password(&mut tenant, code, field("password"), field("confirm")) {
        Ok(done) => page(
            StatusCode::OK,
            "Password set",
            &format!(
                "<p id=\"message\">Your password is set. You can now sign in as {}.</p>{}",
                escape(&done.email),
                continue_link(done.result_url.as_deref())
            ),
        ),
        Err(Refused::Retry { email, why }) => page(
            StatusCode::BAD_REQUEST,
            "Set your password",
            &password_form(code, &email, Some(&why)),
        ),
        Err(Refused::Unusable { status, why }) => message(status, "Set your password", why),
    }
}

/// What using a link did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Used {
    pub email: String,
    pub user_id: String,
    pub result_url: Option<String>,
}

/// Why a link was not used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// The link cannot be used (unknown, used, expired, its account gone).
    Unusable {
        status: StatusCode,
        why: &'static str,
    },
    /// The link is fine; what was typed is not (too short, the two differ).
    Retry { email: String, why: String },
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refused::Unusable { why, .. } => f.write_str(why),
            Refused::Retry { why, .. } => f.write_str(why),
        }
    }
}

/// The ticket's index, or why it cannot be used, with Auth0's failure event (`failure`) in the log
/// when the link is one the tenant issued.
fn usable_or_logged(
    tenant: &mut Tenant,
    code: &str,
    kind: &str,
    failure: &str,
) -> Result<usize, Refused> {
    usable_ticket(tenant, code, kind).map_err(|(status, why)| {
        let ticket = tenant
            .tickets
            .iter()
            .find(|t| !code.is_empty() && t.code() == code);
        if let Some((id, email)) =
            ticket.map(|t| (t.user_id.clone(), t.email.clone().unwrap_or_default()))
        {
            tenant.log(failure, why, Some(&id), &email);
        }
        Refused::Unusable { status, why }
    })
}

/// Uses a password-change ticket as its page's form does: the password set (hashed),
/// `last_password_reset`, the address verified when the ticket says so, the ticket spent, `scp`
/// in the log (`fcp` for a link that cannot be used).
pub fn set_password(
    tenant: &mut Tenant,
    code: &str,
    password: &str,
    confirm: &str,
) -> Result<Used, Refused> {
    let index = usable_or_logged(tenant, code, "password-change", "fcp")?;
    let email = tenant.tickets[index].email.clone().unwrap_or_default();
    if password.chars().count() < MIN_PASSWORD {
        return Err(Refused::Retry {
            email,
            why: format!("The password must have at least {MIN_PASSWORD} characters."),
        });
    }
    if password != confirm {
        return Err(Refused::Retry {
            email,
            why: "The two passwords are not the same.".to_owned(),
        });
    }
    let now = now_iso();
    let (user_id, verify, result_url) = {
        let ticket = &mut tenant.tickets[index];
        ticket.used_at = Some(now.clone());
        (
            ticket.user_id.clone(),
            ticket.mark_email_as_verified,
            ticket.result_url.clone(),
        )
    };
    tenant.set_password(&user_id, password);
    if let Some(user) = tenant.users.get_mut(&user_id) {
        user.insert("last_password_reset".into(), json!(now));
        user.insert("updated_at".into(), json!(now));
        if verify {
            user.insert("email_verified".into(), json!(true));
        }
    }
    tenant.log_at(
        &now,
        "scp",
        "Successful change password",
        Some(&user_id),
        &email,
    );
    Ok(Used {
        email,
        user_id,
        result_url,
    })
}

/// Uses an email-verification ticket as opening its link does: the address verified, the ticket
/// spent, `sv` in the log (`fv` for a link that cannot be used).
pub fn verify_email(tenant: &mut Tenant, code: &str) -> Result<Used, Refused> {
    let index = usable_or_logged(tenant, code, "email-verification", "fv")?;
    let now = now_iso();
    let (user_id, email, result_url) = {
        let ticket = &mut tenant.tickets[index];
        ticket.used_at = Some(now.clone());
        (
            ticket.user_id.clone(),
            ticket.email.clone().unwrap_or_default(),
            ticket.result_url.clone(),
        )
    };
    if let Some(user) = tenant.users.get_mut(&user_id) {
        user.insert("email_verified".into(), json!(true));
        user.insert("updated_at".into(), json!(now));
    }
    tenant.log_at(
        &now,
        "sv",
        "Successful email verification",
        Some(&user_id),
        &email,
    );
    Ok(Used {
        email,
        user_id,
        result_url,
    })
}

pub(crate) async fn verify_email_page(State(shared): S, Query(query): Query<Fields>) -> Response {
    let code = query.get("ticket").map(String::as_str).unwrap_or_default();
    let mut tenant = shared.tenant();
    match verify_email(&mut tenant, code) {
        Ok(done) => page(
            StatusCode::OK,
            "Email verified",
            &format!(
                "<p id=\"message\">Your email address {} is verified.</p>{}",
                escape(&done.email),
                continue_link(done.result_url.as_deref())
            ),
        ),
        Err(refused) => message(StatusCode::GONE, "Verify your email", &refused.to_string()),
    }
}

/// The organization invitation still open under this ticket id, if any, and whether it expired.
fn open_invitation(tenant: &Tenant, ticket_id: &str) -> Option<(usize, bool)> {
    let index = tenant
        .invitations
        .iter()
        .position(|i| !ticket_id.is_empty() && i["ticket_id"] == ticket_id)?;
    let expired = tenant.invitations[index]["expires_at"]
        .as_str()
        .is_none_or(|at| at <= now_iso().as_str());
    Some((index, expired))
}

fn invitation_form(ticket_id: &str, email: &str, org: &str, error: Option<&str>) -> String {
    format!(
        "<p>You are invited to join <strong>{org}</strong> as <strong id=\"email\">{email}</strong>. Choose a password to accept.</p>{error}\
         <form method=\"post\" action=\"/login/invitation\">\
         <input type=\"hidden\" name=\"invitation\" value=\"{ticket}\">\
         <label for=\"password\">Password</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"new-password\" required>\
         <button id=\"submit\" type=\"submit\">Accept the invitation</button></form>",
        org = escape(org),
        email = escape(email),
        ticket = escape(ticket_id),
        error = error
            .map(|e| format!("<p class=\"error\" id=\"error\">{}</p>", escape(e)))
            .unwrap_or_default(),
    )
}

fn invitation_parts(invitation: &Value) -> (String, String, String) {
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    (
        text(&invitation["invitee"]["email"]),
        text(&invitation["organization_id"]),
        text(&invitation["ticket_id"]),
    )
}

pub(crate) async fn invitation_page(State(shared): S, Query(query): Query<Fields>) -> Response {
    let ticket_id = query
        .get("invitation")
        .map(String::as_str)
        .unwrap_or_default();
    let tenant = shared.tenant();
    match open_invitation(&tenant, ticket_id) {
        None => message(
            StatusCode::NOT_FOUND,
            "Invitation",
            "This invitation is not valid or was already accepted.",
        ),
        Some((_, true)) => message(
            StatusCode::GONE,
            "Invitation",
            "This invitation has expired. Ask for a new one.",
        ),
        Some((index, false)) => {
            let (email, org, ticket) = invitation_parts(&tenant.invitations[index]);
            page(
                StatusCode::OK,
                "Accept your invitation",
                &invitation_form(&ticket, &email, &org, None),
            )
        }
    }
}

pub(crate) async fn accept_invitation(State(shared): S, Form(form): Form<Fields>) -> Response {
    let ticket_id = form
        .get("invitation")
        .map(String::as_str)
        .unwrap_or_default();
    let password = form.get("password").map(String::as_str).unwrap_or_default();
    let mut tenant = shared.tenant();
    let open = open_invitation(&tenant, ticket_id)
        .map(|(index, _)| invitation_parts(&tenant.invitations[index]));
    match accept(&mut tenant, ticket_id, password) {
        Ok(done) => message(
            StatusCode::OK,
            "Welcome",
            &format!("You joined the organization as {}.", done.email),
        ),
        Err(Refused::Retry { email, why }) => {
            let (_, org, ticket) = open.unwrap_or_default();
            page(
                StatusCode::BAD_REQUEST,
                "Accept your invitation",
                &invitation_form(&ticket, &email, &org, Some(&why)),
            )
        }
        Err(Refused::Unusable { status, why }) => message(status, "Invitation", why),
    }
}

/// Accepts an organization invitation as its page's form does: the account made (verified) or
/// found, the password set, the membership, the invitation gone, `si` and a sign-in in the log.
pub fn accept(tenant: &mut Tenant, ticket_id: &str, password: &str) -> Result<Used, Refused> {
    let index = match open_invitation(tenant, ticket_id) {
        None => {
            return Err(Refused::Unusable {
                status: StatusCode::NOT_FOUND,
                why: "This invitation is not valid or was already accepted.",
            });
        }
        Some((_, true)) => {
            return Err(Refused::Unusable {
                status: StatusCode::GONE,
                why: "This invitation has expired. Ask for a new one.",
            });
        }
        Some((index, false)) => index,
    };
    let (email, org, _) = invitation_parts(&tenant.invitations[index]);
    if password.chars().count() < MIN_PASSWORD {
        return Err(Refused::Retry {
            email,
            why: format!("The password must have at least {MIN_PASSWORD} characters."),
        });
    }
    let now = now_iso();
    let user_id = match tenant.find_by_email(DATABASE_CONNECTION, &email) {
        Some(user) => user
            .get("user_id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        None => {
            let mut fields = serde_json::Map::new();
            fields.insert("email".into(), json!(email));
            // Accepting an invitation proves the address (Auth0 marks it verified).
            fields.insert("email_verified".into(), json!(true));
            let invitation = &tenant.invitations[index];
            for key in ["app_metadata", "user_metadata"] {
                if let Some(value) = invitation.get(key) {
                    fields.insert(key.into(), value.clone());
                }
            }
            let user = tenant.insert_user(DATABASE_CONNECTION, &fields, &now);
            user.get("user_id")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        }
    };
    tenant.set_password(&user_id, password);
    tenant
        .members
        .entry(org)
        .or_default()
        .insert(user_id.clone());
    tenant.invitations.remove(index);
    tenant.log_at(
        &now,
        "si",
        "Successfully accepted a user invitation",
        Some(&user_id),
        &email,
    );
    tenant.sign_in(&user_id);
    Ok(Used {
        email,
        user_id,
        result_url: None,
    })
}

fn sign_in_form(error: Option<&str>) -> String {
    format!(
        "{error}<form method=\"post\" action=\"/__sandbox/sign-in\">\
         <label for=\"email\">Email</label><input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"username\" required>\
         <label for=\"password\">Password</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>\
         <button id=\"submit\" type=\"submit\">Sign in</button></form>",
        error = error
            .map(|e| format!("<p class=\"error\" id=\"error\">{}</p>", escape(e)))
            .unwrap_or_default(),
    )
}

/// Where the application's login would be: signing in counts a login, as Universal Login does.
pub(crate) async fn sign_in_page() -> Response {
    page(StatusCode::OK, "Sign in", &sign_in_form(None))
}

pub(crate) async fn sign_in(State(shared): S, Form(form): Form<Fields>) -> Response {
    let email = form.get("email").map(String::as_str).unwrap_or_default();
    let password = form.get("password").map(String::as_str).unwrap_or_default();
    let mut tenant = shared.tenant();
    match sign_in_with_password(&mut tenant, email, password) {
        Ok(email) => message(
            StatusCode::OK,
            "Signed in",
            &format!("You are signed in as {email}."),
        ),
        Err(why) => page(
            StatusCode::UNAUTHORIZED,
            "Sign in",
            &sign_in_form(Some(why)),
        ),
    }
}

/// Signs in as the application's login would: `logins_count` + 1, `last_login`, `s` in the log
/// (`fp` for a wrong email or password). The address signed in with.
pub fn sign_in_with_password(
    tenant: &mut Tenant,
    email: &str,
    password: &str,
) -> Result<String, &'static str> {
    let email = email.trim().to_lowercase();
    let user_id = tenant
        .find_by_email(DATABASE_CONNECTION, &email)
        .and_then(|u| u.get("user_id").and_then(Value::as_str))
        .map(str::to_owned);
    match user_id {
        Some(id) if tenant.password_matches(&id, password) => {
            tenant.sign_in(&id);
            Ok(email)
        }
        other => {
            tenant.log("fp", "Wrong email or password.", other.as_deref(), &email);
            Err("Wrong email or password.")
        }
    }
}
