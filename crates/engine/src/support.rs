//! Support: where one person stands (tenant and journal) and a one-person batch to resend their
//! invitation.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

use invite_desk_auth0::ManagementClient;

use crate::batch::{BatchFile, BatchPurpose, ExistingPolicy};
use crate::ids::new_batch_id;
use crate::journal::{Journal, PersonHistory};
use crate::run::{RunTarget, load_batch};
use crate::{AppError, ErrorCode};

/// One account with this address in the tenant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TenantAccount {
    pub user_id: String,
    pub connections: Vec<String>,
    pub created_at: Option<String>,
    pub email_verified: Option<bool>,
    pub logins_count: Option<u64>,
    pub last_login: Option<String>,
    pub blocked: Option<bool>,
    /// "Ann Lee": given and family name, else the name the tenant has.
    pub name: Option<String>,
    /// The roles the user has, by name; `None` when the tenant did not say (a missing
    /// `read:roles` scope, or too many accounts to ask about).
    pub roles: Option<Vec<String>>,
    #[ts(type = "Record<string, unknown>")]
    pub app_metadata: Map<String, Value>,
    #[ts(type = "Record<string, unknown>")]
    pub user_metadata: Map<String, Value>,
    /// `app_metadata.invitation` as the last invitation stamped it (status, batch_id, at).
    #[ts(type = "unknown")]
    pub invitation: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Lookup {
    pub email: String,
    /// `None` when the tenant was not asked (no credentials).
    pub tenant: Option<Vec<TenantAccount>>,
    /// Past invitations from the journal, newest first.
    pub history: Vec<PersonHistory>,
    /// Where they stand in the newest batch that invited them (follow-up), if one did.
    pub follow_up: Option<crate::followup::PersonFollowUp>,
    /// That batch.
    pub follow_up_batch: Option<String>,
}

pub fn checked(email: &str) -> Result<&str, AppError> {
    let email = email.trim();
    if !email.contains('@') {
        return Err(AppError::invalid_input(format!(
            "\"{email}\" is not an email address"
        )));
    }
    Ok(email)
}

/// The tenant's users as Find person shows them.
pub fn accounts(users: Vec<invite_desk_auth0::models::User>) -> Vec<TenantAccount> {
    users
        .into_iter()
        .map(|u| TenantAccount {
            name: match (&u.given_name, &u.family_name) {
                (None, None) => u.name.clone(),
                (given, family) => Some(
                    [given.as_deref(), family.as_deref()]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(" "),
                ),
            },
            roles: None,
            user_metadata: u.user_metadata.clone().unwrap_or_default(),
            connections: u.identities.iter().map(|i| i.connection.clone()).collect(),
            invitation: u
                .app_metadata
                .as_ref()
                .and_then(|m| m.get("invitation").cloned()),
            app_metadata: u.app_metadata.unwrap_or_default(),
            user_id: u.user_id,
            created_at: u.created_at,
            email_verified: u.email_verified,
            logins_count: u.logins_count,
            last_login: u.last_login,
            blocked: u.blocked,
        })
        .collect()
}

/// The most accounts one address is asked the roles of: a look-up stays a few calls.
const ROLE_LOOKUPS: usize = 5;

/// Fills in each account's roles (one read each); an account whose roles the tenant refuses
/// (no `read:roles`) keeps `None`, which the screen says.
pub async fn with_roles(client: &ManagementClient, accounts: &mut [TenantAccount]) {
    for account in accounts.iter_mut().take(ROLE_LOOKUPS) {
        match client.user_roles(&account.user_id).await {
            Ok(roles) => account.roles = Some(roles.into_iter().map(|r| r.name).collect()),
            Err(e) => {
                tracing::info!(error = %e, "the roles of an account could not be read");
            }
        }
    }
}

/// What the tenant said (if asked) with the journal's history of the person.
pub fn with_history(
    tenant: Option<Vec<TenantAccount>>,
    journal: &Journal,
    email: &str,
) -> Result<Lookup, AppError> {
    let email = checked(email)?;
    Ok(Lookup {
        email: email.to_lowercase(),
        tenant,
        history: journal.person_history(email)?,
        follow_up: None,
        follow_up_batch: None,
    })
}

/// The batch whose settings a resend (or a new link) for `email` copies: `from_batch`, else the
/// newest batch that invited them. A copied link is never the source: it was shown to an agent,
/// not delivered, so copying it would deliver nothing.
pub fn resend_source(
    journal: &Journal,
    email: &str,
    from_batch: Option<&str>,
) -> Result<(BatchFile, RunTarget), AppError> {
    if let Some(id) = from_batch {
        let (batch, target) = load_batch(journal, id)?;
        if !batch.purpose.invites() {
            return Err(AppError::invalid_input(format!(
                "batch {id} only copied a link for support or followed a batch up; give the batch that invited {email}"
            )));
        }
        return Ok((batch, target));
    }
    for past in journal.person_history(email)? {
        let (batch, target) = load_batch(journal, &past.batch_id)?;
        if batch.purpose.invites() {
            return Ok((batch, target));
        }
    }
    Err(AppError::new(
        ErrorCode::NotFound,
        format!(
            "{email} was never invited from this machine: run a batch for them, or give --batch"
        ),
    ))
}

/// A new one-person batch that re-invites `email` with the settings of the batch that last invited
/// them (or `from_batch`): a new ticket and a new delivery, journaled like any batch.
pub fn resend_batch(
    journal: &Journal,
    email: &str,
    from_batch: Option<&str>,
) -> Result<(BatchFile, RunTarget), AppError> {
    let (mut batch, target) = resend_source(journal, email, from_batch)?;
    let source = batch.id.clone();
    let person = batch
        .people
        .iter()
        .find(|p| p.email.eq_ignore_ascii_case(email))
        .cloned()
        .ok_or_else(|| {
            AppError::new(
                ErrorCode::NotFound,
                format!("{email} is not in batch {source}"),
            )
        })?;
    batch.id = format!("resend-{}", new_batch_id().trim_start_matches("b-"));
    batch.created_at = crate::ids::iso(time::OffsetDateTime::now_utc());
    batch.name = Some(format!("Resend to {} (from {source})", person.email));
    batch.people = vec![person];
    batch.purpose = BatchPurpose::Resend;
    // A resend is an action on one person of the batch that invited them: it schedules no
    // follow-up of its own, is not a batch of History's, and its new link counts in that batch's
    // follow-up (someone support sent a fresh link is no longer "expired").
    batch.follow_up = crate::batch::FollowUpSettings::default();
    batch.follows = Some(batch.follows.clone().unwrap_or_else(|| source.clone()));
    // They exist now (or should): a new ticket and a new mail, whatever the first batch's policy.
    batch.invitation.existing = ExistingPolicy::Reinvite;
    Ok((batch, target))
}
