//! The app's built-in Sandbox profile: the simulated tenant started inside the app on first use, so
//! a newcomer can try the whole flow without an Auth0 account. Its users live as long as the app runs.
//! The engine knows it only as a `BuiltinTenant`; the simulated tenant's crate is the shell's.

use invite_desk_engine::AppError;
use invite_desk_engine::profiles::Profile;
use invite_desk_engine::service::{BuiltinTenant, Reached};
use invite_desk_sandbox::{OnDemand, tenant::DATABASE_CONNECTION};

pub const SANDBOX_PROFILE: &str = "Sandbox";

#[derive(Default)]
pub struct SandboxTenant(OnDemand);

impl BuiltinTenant for SandboxTenant {
    fn profile(&self) -> Profile {
        Profile {
            name: SANDBOX_PROFILE.into(),
            domain: "sandbox (a simulated tenant inside this app)".into(),
            client_id: self.0.config().client_id.clone(),
            connection: Some(DATABASE_CONNECTION.into()),
            smtp_url: None,
            from: Some("Invite Desk Sandbox <invites@sandbox.invalid>".into()),
            production: false,
        }
    }

    fn reach(&self) -> Reached<'_> {
        Box::pin(async move {
            let url = self.0.base_url().await.map_err(|e| {
                AppError::internal(format!("the sandbox tenant could not start: {e}"))
            })?;
            Ok((url, self.0.config().client_secret.clone().into()))
        })
    }
}
