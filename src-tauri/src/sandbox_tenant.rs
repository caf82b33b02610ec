//! The app's built-in Sandbox profile: the simulated tenant started inside the app on first use, so
//! a newcomer can try the whole flow without an Auth0 account. Its users live as long as the app runs.
//! The engine knows it only as a `BuiltinTenant`; the simulated tenant's crate is the shell's.

use invite_desk_engine::AppError;
use invite_desk_engine::profiles::Profile;
use invite_desk_engine::service::{BuiltinTenant, Reached};
use invite_desk_sandbox::{OnDemand, SandboxConfig, TenantPlan, tenant::DATABASE_CONNECTION};

pub const SANDBOX_PROFILE: &str = "Sandbox";

/// Picks the Auth0 plan the Sandbox tenant behaves as: `free`, `essentials` or `enterprise`
/// (the default), or `unlimited` for one generous bucket (benchmarks of the app itself).
pub const PLAN_VARIABLE: &str = "INVITE_DESK_SANDBOX_PLAN";

pub struct SandboxTenant(OnDemand);

impl Default for SandboxTenant {
    fn default() -> Self {
        let chosen = std::env::var(PLAN_VARIABLE).unwrap_or_default();
        let plan = match chosen.trim() {
            "" => Some(TenantPlan::Enterprise),
            "unlimited" => None,
            name => match name.parse::<TenantPlan>() {
                Ok(plan) => Some(plan),
                Err(_) => {
                    tracing::warn!(value = %name, "{PLAN_VARIABLE} names no plan (free, essentials, enterprise, unlimited); the Sandbox is Enterprise");
                    Some(TenantPlan::Enterprise)
                }
            },
        };
        SandboxTenant(OnDemand::new(SandboxConfig {
            plan,
            ..SandboxConfig::default()
        }))
    }
}

impl BuiltinTenant for SandboxTenant {
    fn profile(&self) -> Profile {
        Profile {
            name: SANDBOX_PROFILE.into(),
            domain: match self.0.config().plan {
                Some(plan) => format!(
                    "sandbox (a simulated {} tenant inside this app)",
                    plan.label()
                ),
                None => "sandbox (a simulated tenant inside this app)".into(),
            },
            client_id: self.0.config().client_id.clone(),
            connection: Some(DATABASE_CONNECTION.into()),
            smtp_url: None,
            from: Some("Invite Desk Sandbox <invites@sandbox.invalid>".into()),
            production: false,
            smtp_connections: None,
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
