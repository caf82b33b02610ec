//! The sandbox tenant: a simulated Auth0 tenant on loopback for the app's Sandbox profile, the CLI,
//! the tests and the benchmarks. Its answers have the shapes, status codes and error bodies recorded
//! from a real tenant (`tests/fixtures/auth0/recordings`), with Auth0's rate-limit headers on every answer and
//! seeded faults on request.

mod api;
pub mod faults;
pub mod pages;
pub mod ratelimit;
pub mod search;
mod state;
pub mod tenant;

use std::net::SocketAddr;
use std::sync::Arc;

use parking_lot::{Mutex, MutexGuard};
use std::time::Duration;

use rand::SeedableRng;
use rand::rngs::StdRng;

pub use faults::{Fault, FaultSpec};
pub use invite_desk_auth0::plans::TenantPlan;
use ratelimit::Limits;
use tenant::Tenant;

/// How the sandbox behaves.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    pub client_id: String,
    pub client_secret: String,
    /// The Auth0 plan whose buckets the sandbox enforces; `None`: one bucket of `rate_limit` and
    /// `burst` for every endpoint.
    pub plan: Option<TenantPlan>,
    /// Sustained requests per second of the single bucket (without a plan).
    pub rate_limit: f64,
    /// The single bucket's size: requests allowed at once (without a plan).
    pub burst: u32,
    /// Lifetime of issued access tokens.
    pub token_ttl: Duration,
    /// Seeds ids, tickets and faults, so a run can be replayed.
    pub seed: u64,
    pub faults: FaultSpec,
    /// The scopes granted to the client (default: everything Invite Desk uses).
    pub scopes: Vec<String>,
    /// How long an import job takes per user (it completes asynchronously, like Auth0's).
    pub import_time_per_user: Duration,
    /// Added to every answer, as the network and the tenant would (0 by default).
    pub latency: Duration,
    /// How long a user just created (or imported) stays missing from search results: Auth0's
    /// search is eventually consistent, `users-by-email` and `users/{id}` are not.
    pub search_lag: Duration,
    /// Where the tenant is kept between runs (the app's Sandbox profile: its data folder), so
    /// History and the tenant never disagree after a restart. It listens on the same port again
    /// when it can, so links it issued keep working. `None`: it lives as long as the process.
    pub state_file: Option<std::path::PathBuf>,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            client_id: "sandbox-client".into(),
            client_secret: "sandbox-secret".into(),
            plan: None,
            rate_limit: 50.0,
            burst: 50,
            token_ttl: Duration::from_secs(86_400),
            seed: 1,
            faults: FaultSpec::none(),
            scopes: DEFAULT_SCOPES.iter().map(|s| (*s).to_owned()).collect(),
            import_time_per_user: Duration::from_micros(200),
            latency: Duration::ZERO,
            search_lag: Duration::from_secs(2),
            state_file: None,
        }
    }
}

/// Everything Invite Desk asks of a tenant: the sandbox grants it unless told otherwise.
pub const DEFAULT_SCOPES: &[&str] = invite_desk_auth0::scopes::INVITE_DESK_SCOPES;

/// Counters the inspection API reports.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Counters {
    pub requests: u64,
    pub rate_limited: u64,
    pub token_requests: u64,
    pub faults_503: u64,
    pub faults_dropped: u64,
    pub faults_slow: u64,
    pub faults_expired: u64,
    /// Successful user creations (through the API or import jobs).
    pub users_created: u64,
}

pub(crate) struct Shared {
    pub config: SandboxConfig,
    pub base_url: String,
    /// Rotating it invalidates every token issued so far.
    pub signing_key: Mutex<Vec<u8>>,
    pub tenant: Mutex<Tenant>,
    pub limits: Mutex<Limits>,
    pub dice: Mutex<faults::FaultDice>,
    pub counters: Mutex<Counters>,
    /// Bumped by everything that may change the tenant; the state file is saved when it moved.
    pub changes: std::sync::atomic::AtomicU64,
    /// One save of the state file at a time (the periodic one and the last one share a temp file).
    pub saving: Mutex<()>,
    /// Set when the sandbox stops: its state file is no longer written after the last save.
    pub stopped: std::sync::atomic::AtomicBool,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock()
}

impl Shared {
    pub fn tenant(&self) -> MutexGuard<'_, Tenant> {
        lock(&self.tenant)
    }
    pub fn counters(&self) -> MutexGuard<'_, Counters> {
        lock(&self.counters)
    }
    pub fn touch(&self) {
        self.changes
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
}

/// A running sandbox. Dropping it stops the server.
pub struct Sandbox {
    shared: Arc<Shared>,
    addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error("could not listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("the sandbox only listens on loopback addresses, not {0}")]
    NotLoopback(SocketAddr),
}

impl Sandbox {
    /// Starts serving on `addr` (port 0 picks a free port). Loopback only.
    pub async fn start(config: SandboxConfig, addr: SocketAddr) -> Result<Sandbox, SandboxError> {
        if !addr.ip().is_loopback() {
            return Err(SandboxError::NotLoopback(addr));
        }
        let saved = config.state_file.as_deref().and_then(state::load);
        // The port its links point to, when it is free; any other when it is not.
        let listener = match saved
            .as_ref()
            .map(|s| s.port)
            .filter(|p| *p != 0 && addr.port() == 0)
        {
            Some(port) => {
                match tokio::net::TcpListener::bind(SocketAddr::new(addr.ip(), port)).await {
                    Ok(listener) => Some(listener),
                    Err(e) => {
                        tracing::warn!(port, error = %e, "the sandbox's earlier port is taken: links it issued before point elsewhere");
                        None
                    }
                }
            }
            None => None,
        };
        let listener = match listener {
            Some(listener) => listener,
            None => tokio::net::TcpListener::bind(addr)
                .await
                .map_err(|source| SandboxError::Bind { addr, source })?,
        };
        let addr = listener
            .local_addr()
            .map_err(|source| SandboxError::Bind { addr, source })?;
        let mut rng = StdRng::seed_from_u64(config.seed);
        let signing_key: Vec<u8> = (0..32).map(|_| rand::Rng::random::<u8>(&mut rng)).collect();
        let shared = Arc::new(Shared {
            base_url: format!("http://{addr}"),
            signing_key: Mutex::new(signing_key),
            tenant: Mutex::new({
                let mut tenant = Tenant::new(StdRng::seed_from_u64(config.seed.wrapping_add(1)));
                tenant.search_lag = config.search_lag;
                if let Some(saved) = saved {
                    // New ids must not repeat the earlier run's (same seed): a fresh stream.
                    tenant.rng = StdRng::from_os_rng();
                    tenant.restore(saved);
                }
                tenant
            }),
            changes: std::sync::atomic::AtomicU64::new(0),
            saving: Mutex::new(()),
            stopped: std::sync::atomic::AtomicBool::new(false),
            limits: Mutex::new(Limits::new(config.plan, config.rate_limit, config.burst)),
            dice: Mutex::new(faults::FaultDice::new(
                config.faults,
                config.seed.wrapping_add(2),
            )),
            counters: Mutex::new(Counters::default()),
            config,
        });
        if let Some(path) = shared.config.state_file.clone() {
            tokio::spawn(state::keep(shared.clone(), path, addr.port()));
        }
        let app = api::router(shared.clone());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
            if let Err(e) = served {
                tracing::error!(error = %e, "sandbox server stopped");
            }
        });
        tracing::info!(base_url = %shared.base_url, "sandbox tenant listening");
        Ok(Sandbox {
            shared,
            addr,
            shutdown: Some(tx),
        })
    }

    /// `http://127.0.0.1:PORT`: what to give the client as the tenant domain.
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn config(&self) -> &SandboxConfig {
        &self.shared.config
    }

    pub fn counters(&self) -> Counters {
        self.shared.counters().clone()
    }

    /// Users in the tenant (as the API would return them).
    pub fn users(&self) -> Vec<serde_json::Value> {
        self.shared
            .tenant()
            .users
            .values()
            .map(|u| serde_json::Value::Object(u.clone()))
            .collect()
    }

    /// Tickets issued, oldest first. Includes the URLs: this is a test inspection API.
    pub fn tickets(&self) -> Vec<tenant::TicketRecord> {
        self.shared.tenant().tickets.clone()
    }

    /// Uses a ticket link (its URL as mailed) the way its page does: a password-change link sets
    /// `password`, an email-verification link verifies the address. For tests that play the person.
    pub fn use_link(&self, url: &str, password: &str) -> Result<pages::Used, pages::Refused> {
        let code = url
            .split("ticket=")
            .nth(1)
            .unwrap_or_default()
            .split('#')
            .next()
            .unwrap_or_default()
            .to_owned();
        let used = {
            let mut tenant = self.shared.tenant();
            if url.contains("/u/email-verification") {
                pages::verify_email(&mut tenant, &code)
            } else {
                pages::set_password(&mut tenant, &code, password, password)
            }
        };
        self.shared.touch();
        used
    }

    /// Accepts an organization invitation (its `invitation_url`) with `password`.
    pub fn accept_invitation(
        &self,
        url: &str,
        password: &str,
    ) -> Result<pages::Used, pages::Refused> {
        let ticket = url
            .split("invitation=")
            .nth(1)
            .unwrap_or_default()
            .split('&')
            .next()
            .unwrap_or_default()
            .to_owned();
        let accepted = pages::accept(&mut self.shared.tenant(), &ticket, password);
        self.shared.touch();
        accepted
    }

    /// Signs in as the application's login would.
    pub fn sign_in(&self, email: &str, password: &str) -> Result<String, &'static str> {
        let signed = pages::sign_in_with_password(&mut self.shared.tenant(), email, password);
        self.shared.touch();
        signed
    }

    /// The tenant's log, oldest first.
    pub fn logs(&self) -> Vec<serde_json::Value> {
        self.shared
            .tenant()
            .logs
            .iter()
            .map(|e| serde_json::Value::Object(e.clone()))
            .collect()
    }

    /// An access token for the configured client, as `/oauth/token` would issue it (for tests that
    /// call the API directly).
    pub fn access_token(&self) -> String {
        api::mint_token(&self.shared)
            .map(|(jwt, _, _)| jwt)
            .unwrap_or_default()
    }

    /// Invalidates every access token issued so far (as if the tenant's signing key rotated): the
    /// next API call with an old token gets 401.
    pub fn revoke_tokens(&self) {
        let fresh: Vec<u8> = (0..32).map(|_| rand::random::<u8>()).collect();
        *lock(&self.shared.signing_key) = fresh;
    }

    /// The id of the seeded database connection (`con_…`).
    pub fn database_connection_id(&self) -> String {
        let tenant = self.shared.tenant();
        tenant
            .connection_by_name(tenant::DATABASE_CONNECTION)
            .map(|c| c.id.clone())
            .unwrap_or_default()
    }

    pub fn shutdown(mut self) {
        self.stop();
    }

    /// Stops serving; the state file (if any) gets the last changes first.
    fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
            if let Some(path) = &self.shared.config.state_file {
                state::save_last(&self.shared, path, self.addr.port());
            }
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.stop();
    }
}

/// ISO 8601 with milliseconds, as Auth0 writes dates.
pub(crate) fn now_iso() -> String {
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    time::OffsetDateTime::now_utc()
        .format(&format)
        .unwrap_or_default()
}

pub(crate) fn iso_in(seconds: u64) -> String {
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    (time::OffsetDateTime::now_utc() + time::Duration::seconds(seconds as i64))
        .format(&format)
        .unwrap_or_default()
}

/// A sandbox on a free loopback port, started on first use and kept as long as this value lives:
/// the app's built-in Sandbox profile (and the tests that stand in for the app). Its configuration
/// can change (another plan): the running sandbox then stops, and the next use starts a new, empty one.
#[derive(Default)]
pub struct OnDemand {
    config: Mutex<SandboxConfig>,
    running: tokio::sync::Mutex<Option<Sandbox>>,
}

impl OnDemand {
    pub fn new(config: SandboxConfig) -> OnDemand {
        OnDemand {
            config: Mutex::new(config),
            running: tokio::sync::Mutex::new(None),
        }
    }

    pub fn config(&self) -> SandboxConfig {
        self.config.lock().clone()
    }

    /// Stops a running sandbox now, its state file given the last changes (when it is not being
    /// started or reconfigured this very moment).
    pub fn stop_now(&self) {
        if let Ok(mut running) = self.running.try_lock()
            && let Some(sandbox) = running.take()
        {
            sandbox.shutdown();
        }
    }

    /// From now on, sandboxes start with `config`; a running one stops (its users with it).
    pub async fn reconfigure(&self, config: SandboxConfig) {
        let mut running = self.running.lock().await;
        *self.config.lock() = config;
        if let Some(sandbox) = running.take() {
            sandbox.shutdown();
        }
        // Another tenant: the kept one is put aside, not loaded into it.
        if let Some(path) = self.config().state_file {
            state::retire(&path, "replaced");
        }
    }

    /// Starts the sandbox if it is not running; its base URL.
    pub async fn base_url(&self) -> Result<String, SandboxError> {
        let mut running = self.running.lock().await;
        if let Some(sandbox) = running.as_ref() {
            return Ok(sandbox.base_url().to_owned());
        }
        let started = Sandbox::start(self.config(), ([127, 0, 0, 1], 0).into()).await?;
        tracing::info!(url = %started.base_url(), "sandbox tenant started");
        let url = started.base_url().to_owned();
        *running = Some(started);
        Ok(url)
    }

    /// Calls `f` with the running sandbox (tests that play the invited person); `None` before its
    /// first use.
    pub async fn with_running<R>(&self, f: impl FnOnce(&Sandbox) -> R) -> Option<R> {
        self.running.lock().await.as_ref().map(f)
    }

    /// `with_running` from code that cannot wait (a progress callback): `None` when the sandbox is
    /// not running or is being started or stopped at this instant.
    pub fn try_with_running<R>(&self, f: impl FnOnce(&Sandbox) -> R) -> Option<R> {
        self.running.try_lock().ok()?.as_ref().map(f)
    }

    /// What the running sandbox has counted; `None` before its first use.
    pub async fn counters(&self) -> Option<Counters> {
        self.running.lock().await.as_ref().map(Sandbox::counters)
    }
}
