//! `invite-desk sandbox`: serve the simulated tenant until interrupted.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use clap::Args;
use invite_desk_engine::AppError;
use invite_desk_sandbox::{FaultSpec, Sandbox, SandboxConfig, TenantPlan};

#[derive(Args, Debug)]
pub struct SandboxArgs {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8787)]
    port: u16,
    /// The client id the sandbox accepts.
    #[arg(long, default_value = "sandbox-client")]
    client_id: String,
    /// The client secret the sandbox accepts (a sandbox value, not a real secret).
    #[arg(long, default_value = "sandbox-secret")]
    client_secret: String,
    /// Enforce the rate limits of an Auth0 plan: `free` (one bucket, 2/s), `essentials` (a bucket per
    /// endpoint group: user reads 500/min, user writes 200/min, everything else 150/min) or
    /// `enterprise` (a global bucket of 50 at 16/s). Without it, one bucket of --rate-limit/--burst.
    #[arg(long, value_name = "PLAN", conflicts_with_all = ["rate_limit", "burst"])]
    plan: Option<String>,
    /// Sustained Management API requests per second (the single bucket, without --plan).
    #[arg(long, default_value_t = 50.0, value_name = "N")]
    rate_limit: f64,
    /// Requests allowed at once (the single bucket's size, without --plan).
    #[arg(long, default_value_t = 50, value_name = "B")]
    burst: u32,
    /// How long a new user stays missing from search results, in milliseconds (Auth0's search lags
    /// behind writes).
    #[arg(long, default_value_t = 2000, value_name = "MS")]
    search_lag_ms: u64,
    /// Keep the tenant in this file: loaded at start, saved as it changes and at Ctrl-C, so the
    /// next `sandbox --state-file` has the same users, tickets and log.
    #[arg(long, value_name = "FILE")]
    state_file: Option<std::path::PathBuf>,
    /// Lifetime of issued access tokens, in seconds.
    #[arg(long, default_value_t = 86_400, value_name = "SECS")]
    token_ttl: u64,
    /// Seed for ids, tickets and faults (the same seed replays the same run).
    #[arg(long, default_value_t = 1, value_name = "N")]
    seed: u64,
    /// Faults to inject, e.g. `503=0.05,drop=0.02,slow=0.05@800ms,expire=0.01`.
    #[arg(long, default_value = "", value_name = "SPEC")]
    faults: String,
    /// Print the connection details as one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

pub fn run(args: SandboxArgs) -> Result<(), AppError> {
    let faults = FaultSpec::parse(&args.faults).map_err(AppError::invalid_input)?;
    if args.rate_limit <= 0.0 || args.burst == 0 {
        return Err(AppError::invalid_input(
            "--rate-limit and --burst must be above zero",
        ));
    }
    let plan = match args.plan.as_deref() {
        None => None,
        Some(name) => Some(name.parse::<TenantPlan>().map_err(|_| {
            AppError::invalid_input(format!(
                "--plan {name}: the plans are free, essentials and enterprise"
            ))
        })?),
    };
    let config = SandboxConfig {
        plan,
        search_lag: Duration::from_millis(args.search_lag_ms),
        state_file: args.state_file,
        client_id: args.client_id,
        client_secret: args.client_secret,
        rate_limit: args.rate_limit,
        burst: args.burst,
        token_ttl: Duration::from_secs(args.token_ttl.max(1)),
        seed: args.seed,
        faults,
        ..SandboxConfig::default()
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| AppError::internal(format!("could not start the async runtime: {e}")))?;
    runtime.block_on(async {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, args.port));
        let sandbox = Sandbox::start(config, addr)
            .await
            .map_err(|e| AppError::new(invite_desk_engine::ErrorCode::Io, e.to_string()))?;
        let c = sandbox.config();
        if args.json {
            let details = serde_json::json!({
                "base_url": sandbox.base_url(),
                "client_id": c.client_id,
                "client_secret": c.client_secret,
                "connection": invite_desk_sandbox::tenant::DATABASE_CONNECTION,
                "connection_id": sandbox.database_connection_id(),
            });
            println!("{details}");
        } else {
            println!("Sandbox tenant listening on {}", sandbox.base_url());
            println!("  AUTH0_DOMAIN={}", sandbox.base_url());
            println!("  AUTH0_CLIENT_ID={}", c.client_id);
            println!("  AUTH0_CLIENT_SECRET={}", c.client_secret);
            println!(
                "  database connection: {} ({})",
                invite_desk_sandbox::tenant::DATABASE_CONNECTION,
                sandbox.database_connection_id()
            );
            match c.plan {
                Some(plan) => println!("  rate limits: Auth0's {} plan", plan.label()),
                None => println!(
                    "  rate limit: {} requests/s, burst {}",
                    c.rate_limit, c.burst
                ),
            }
            println!("Press Ctrl-C to stop.");
        }
        use std::io::Write;
        let _ = std::io::stdout().flush();
        tokio::signal::ctrl_c()
            .await
            .map_err(|e| AppError::internal(format!("could not wait for Ctrl-C: {e}")))?;
        sandbox.shutdown();
        Ok(())
    })
}
