//! The app's built-in Sandbox profile: the simulated tenant started inside the app on first use, so
//! a newcomer can try the whole flow without an Auth0 account. Its tenant is kept in the data folder
//! (`sandbox-tenant.json`) and comes back on the same port at the next launch, so History, the
//! follow-up and the tenant never disagree and links in an outbox still open.
//! The engine knows it only as a `BuiltinTenant`; the simulated tenant's crate is the shell's.

use invite_desk_engine::AppError;
use invite_desk_engine::profiles::Profile;
use invite_desk_engine::service::{BuiltinTenant, Chosen, PlanChoice, PlanOption, Reached};
use invite_desk_sandbox::{OnDemand, SandboxConfig, TenantPlan, tenant::DATABASE_CONNECTION};

pub const SANDBOX_PROFILE: &str = "Sandbox";

/// Picks the Auth0 plan the Sandbox tenant behaves as: `free`, `essentials` or `enterprise`
/// (the default), or `unlimited` for one generous bucket (benchmarks of the app itself).
pub const PLAN_VARIABLE: &str = "INVITE_DESK_SANDBOX_PLAN";

pub struct SandboxTenant(OnDemand);

/// The single generous bucket, for benchmarks of the app itself.
const UNLIMITED: &str = "unlimited";

/// A plan's name as `INVITE_DESK_SANDBOX_PLAN` and the Tenants screen give it.
fn parse_plan(name: &str) -> Result<Option<TenantPlan>, AppError> {
    match name.trim() {
        UNLIMITED => Ok(None),
        name => name.parse::<TenantPlan>().map(Some).map_err(|_| {
            AppError::invalid_input(format!(
                "\"{name}\" is not a plan: free, essentials, enterprise or {UNLIMITED}"
            ))
        }),
    }
}

/// The file the Sandbox's tenant is kept in, in the data folder.
pub const STATE_FILE: &str = "sandbox-tenant.json";

impl SandboxTenant {
    /// The Sandbox with its tenant kept in `data_dir`.
    pub fn kept_in(data_dir: &std::path::Path) -> SandboxTenant {
        let SandboxTenant(on_demand) = SandboxTenant::default();
        SandboxTenant(OnDemand::new(SandboxConfig {
            state_file: Some(data_dir.join(STATE_FILE)),
            ..on_demand.config()
        }))
    }
}

impl Default for SandboxTenant {
    fn default() -> Self {
        let chosen = std::env::var(PLAN_VARIABLE).unwrap_or_default();
        let plan = match chosen.trim() {
            "" => Some(TenantPlan::Enterprise),
            name => parse_plan(name).unwrap_or_else(|e| {
                tracing::warn!("{PLAN_VARIABLE}: {}; the Sandbox is Enterprise", e.message);
                Some(TenantPlan::Enterprise)
            }),
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

    fn plan_choice(&self) -> Option<PlanChoice> {
        let mut options: Vec<PlanOption> = TenantPlan::all()
            .iter()
            .map(|plan| PlanOption {
                name: plan.as_str().to_owned(),
                label: format!("{} (Auth0's rate limits)", plan.label()),
            })
            .collect();
        options.push(PlanOption {
            name: UNLIMITED.to_owned(),
            label: "Unlimited (one bucket of 50 a second)".to_owned(),
        });
        Some(PlanChoice {
            current: self
                .0
                .config()
                .plan
                .map_or(UNLIMITED, TenantPlan::as_str)
                .to_owned(),
            options,
        })
    }

    fn choose_plan(&self, plan: &str) -> Chosen<'_> {
        let parsed = parse_plan(plan);
        Box::pin(async move {
            let config = SandboxConfig {
                plan: parsed?,
                ..self.0.config()
            };
            self.0.reconfigure(config).await;
            Ok(())
        })
    }

    fn stop(&self) {
        self.0.stop_now();
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

#[cfg(test)]
mod tests {
    use super::*;
    use invite_desk_engine::SecretString;
    use invite_desk_engine::paths::AppPaths;
    use invite_desk_engine::secrets::SecretKind;
    use invite_desk_engine::service::{SecretStore, Service};
    use std::sync::Arc;

    /// The Sandbox keeps no secret in a keychain.
    struct NoKeychain;

    impl SecretStore for NoKeychain {
        fn save(&self, _: &str, _: SecretKind, _: &SecretString) -> Result<(), AppError> {
            Err(AppError::internal("no keychain in this test"))
        }
        fn load(&self, _: &str, _: SecretKind) -> Result<Option<SecretString>, AppError> {
            Ok(None)
        }
        fn delete(&self, _: &str, _: SecretKind) -> Result<(), AppError> {
            Ok(())
        }
    }

    /// The Tenants screen's plan choice: the Sandbox starts over as the chosen plan, and *Test
    /// connection* then sees that plan's buckets in the tenant's own headers.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_sandbox_starts_over_with_the_chosen_plans_rate_limits() {
        let dir = tempfile::tempdir().unwrap();
        let tenant = SandboxTenant(OnDemand::new(SandboxConfig {
            plan: Some(TenantPlan::Enterprise),
            ..SandboxConfig::default()
        }));
        let service = Service::open(AppPaths::under(dir.path()), Arc::new(NoKeychain))
            .unwrap()
            .with_builtin(Arc::new(tenant));
        let target = service.profile_target(SANDBOX_PROFILE).unwrap();
        let listed = service.profiles().unwrap();
        assert_eq!(listed[0].plan.as_ref().unwrap().current, "enterprise");
        let before = service.check_tenant(&target, None).await.unwrap();
        assert_eq!(before.rate_limit, Some(50), "Enterprise's global bucket");

        let view = service
            .choose_builtin_plan(SANDBOX_PROFILE, "essentials")
            .await
            .unwrap();
        assert_eq!(view.plan.unwrap().current, "essentials");
        assert!(
            view.profile.domain.contains("Essentials"),
            "{}",
            view.profile.domain
        );
        let after = service.check_tenant(&target, None).await.unwrap();
        assert!(
            after.rate_limit.is_some_and(|limit| limit <= 10),
            "Essentials' small buckets: {:?}",
            after.rate_limit
        );

        let refused = service
            .choose_builtin_plan(SANDBOX_PROFILE, "platinum")
            .await
            .unwrap_err();
        assert!(
            refused.message.contains("not a plan"),
            "{}",
            refused.message
        );
        assert!(service.choose_builtin_plan("acme", "free").await.is_err());
    }
}
