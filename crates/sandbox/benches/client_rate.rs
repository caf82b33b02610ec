//! Client against the sandbox at a fixed limit: how close to the limit does the governor run, and
//! how many answers are 429? Run: `cargo bench -p invite-desk-sandbox --bench client_rate`
//! (BENCH_CALLS, BENCH_RATE, BENCH_BURST, BENCH_WORKERS override the defaults 2000, 20, 20, 8).

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use invite_desk_auth0::models::{CreateUser, PasswordChangeTicket};
use invite_desk_auth0::{ClientOptions, Credentials, ManagementClient, TenantUrl};
use invite_desk_sandbox::{Sandbox, SandboxConfig};

fn setting(name: &str, default: f64) -> f64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let calls = setting("BENCH_CALLS", 2000.0) as usize;
    let rate = setting("BENCH_RATE", 20.0);
    let burst = setting("BENCH_BURST", 20.0) as u32;
    let workers = setting("BENCH_WORKERS", 8.0) as usize;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async move {
        let config = SandboxConfig { rate_limit: rate, burst, ..SandboxConfig::default() };
        let sandbox = Sandbox::start(config, SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await.expect("sandbox");
        let client = Arc::new(
            ManagementClient::new(
                TenantUrl::parse(sandbox.base_url()).expect("url"),
                Credentials { client_id: "sandbox-client".into(), client_secret: "sandbox-secret".to_owned().into() },
                ClientOptions::default(),
            )
            .expect("client"),
        );
        let roles: Vec<String> = client.list_roles(Some("viewer")).await.expect("roles").into_iter().map(|r| r.id).collect();
        // Let the bucket fill again so the measured run starts from a full burst, as a fresh run would.
        tokio::time::sleep(Duration::from_secs_f64(f64::from(burst) / rate + 0.5)).await;
        let requests_before = client.stats.requests.load(Ordering::Relaxed);
        let limited_before = sandbox.counters().rate_limited;
        let next = Arc::new(AtomicUsize::new(0));
        let start = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..workers {
            let (client, next, roles) = (client.clone(), next.clone(), roles.clone());
            tasks.push(tokio::spawn(async move {
                // A person's invitation as four calls: look up, create, grant, ticket.
                let mut user_id = String::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= calls {
                        break;
                    }
                    let email = format!("bench-{}@example.com", i / 4);
                    match i % 4 {
                        0 => {
                            client.users_by_email(&email).await.expect("lookup");
                        }
                        1 => {
                            let request = CreateUser {
                                connection: "Username-Password-Authentication".into(),
                                email: format!("bench-{i}@example.com"),
                                password: Some("Bench-password-1".to_owned().into()),
                                ..CreateUser::default()
                            };
                            user_id = client.create_user(&request).await.expect("create").value.user_id;
                        }
                        2 if !user_id.is_empty() => client.assign_roles(&user_id, &roles).await.expect("roles"),
                        3 if !user_id.is_empty() => {
                            let ticket = PasswordChangeTicket { user_id: Some(user_id.clone()), ..Default::default() };
                            client.password_change_ticket(&ticket).await.expect("ticket");
                        }
                        _ => {
                            client.list_connections(Some("auth0"), None).await.expect("connections");
                        }
                    }
                }
            }));
        }
        for task in tasks {
            task.await.expect("worker");
        }
        let elapsed = start.elapsed().as_secs_f64();
        let sent = client.stats.requests.load(Ordering::Relaxed) - requests_before;
        let limited = sandbox.counters().rate_limited - limited_before;
        let achieved = calls as f64 / elapsed;
        let floor = (calls as f64 - f64::from(burst)).max(0.0) / rate;
        println!("client vs sandbox: {calls} calls, {workers} workers, limit {rate}/s burst {burst}");
        println!("  wall time {elapsed:.1} s (floor {floor:.1} s: the first {burst} from the burst, the rest at {rate}/s)");
        println!(
            "  achieved {achieved:.2} calls/s = {:.1}% of the limit ({:.1}% of the floor's rate)",
            100.0 * achieved / rate,
            100.0 * floor / elapsed
        );
        println!(
            "  429 answers: {limited} of {sent} requests sent ({:.2}%)",
            100.0 * limited as f64 / sent.max(1) as f64
        );
    });
}
