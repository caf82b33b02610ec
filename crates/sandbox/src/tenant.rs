//! The tenant's data: users, connections, roles, organizations, tickets and import jobs, plus what
//! the inspection API reports. Everything behind one lock; the sandbox serves tests, not the world.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::{Duration, Instant};

use rand::Rng;
use rand::rngs::StdRng;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

pub const DATABASE_CONNECTION: &str = "Username-Password-Authentication";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TicketRecord {
    pub kind: String,
    pub user_id: String,
    pub email: Option<String>,
    pub url: String,
    pub ttl_sec: u64,
    /// Where the user is sent after using it (as asked for; Auth0 keeps it with the ticket).
    pub result_url: Option<String>,
    /// Auth0 marks the address verified when such a ticket is used.
    pub mark_email_as_verified: bool,
    pub created_at: String,
    /// After this instant (ISO, like `created_at`) the link no longer works.
    pub expires_at: String,
    /// When the link was used: a ticket works once.
    pub used_at: Option<String>,
}

impl TicketRecord {
    /// The ticket's code: what follows `ticket=` in its URL.
    pub fn code(&self) -> &str {
        self.url
            .split("ticket=")
            .nth(1)
            .unwrap_or_default()
            .trim_end_matches('#')
    }
}

#[derive(Debug, Clone)]
pub struct JobRecord {
    pub job: Value,
    pub errors: Vec<Value>,
    pub pending: bool,
    /// An export's file (gzip), once the job completed, and the download tokens handed out with
    /// `location`, each valid until its instant.
    pub file: Option<Vec<u8>>,
    pub downloads: Vec<(String, std::time::Instant)>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Connection {
    pub id: String,
    pub name: String,
    pub strategy: String,
    pub disable_signup: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Role {
    pub id: String,
    pub name: String,
    pub description: String,
}

#[derive(Debug)]
pub struct Tenant {
    pub rng: StdRng,
    pub users: BTreeMap<String, Map<String, Value>>,
    /// (connection name, lowercase email) → user id
    pub by_email: HashMap<(String, String), String>,
    pub connections: Vec<Connection>,
    pub roles: Vec<Role>,
    pub organizations: Vec<Value>,
    pub user_roles: HashMap<String, BTreeSet<String>>,
    pub tickets: Vec<TicketRecord>,
    pub jobs: HashMap<String, JobRecord>,
    pub invitations: Vec<Value>,
    /// How long a new user stays out of search results (Auth0's index lags behind writes).
    pub search_lag: Duration,
    /// When each user created within the lag becomes searchable.
    pub searchable_from: HashMap<String, Instant>,
    /// The tenant log, oldest first (`GET /logs`).
    pub logs: Vec<Map<String, Value>>,
    /// Passwords set through a ticket or an invitation: salted SHA-256, never the password.
    pub passwords: HashMap<String, (String, String)>,
    /// Organization id → member user ids.
    pub members: HashMap<String, BTreeSet<String>>,
}

/// What of a tenant outlives its process (`SandboxConfig::state_file`): everything a person or a
/// batch left in it. Jobs in flight and the search index's lag do not.
#[derive(Debug, Serialize, Deserialize)]
pub struct Persisted {
    /// The port it listened on: the links it issued point there.
    pub port: u16,
    pub users: BTreeMap<String, Map<String, Value>>,
    pub connections: Vec<Connection>,
    pub roles: Vec<Role>,
    pub organizations: Vec<Value>,
    pub user_roles: HashMap<String, BTreeSet<String>>,
    pub tickets: Vec<TicketRecord>,
    pub invitations: Vec<Value>,
    pub logs: Vec<Map<String, Value>>,
    pub passwords: HashMap<String, (String, String)>,
    pub members: HashMap<String, BTreeSet<String>>,
}

impl Tenant {
    pub fn persisted(&self, port: u16) -> Persisted {
        Persisted {
            port,
            users: self.users.clone(),
            connections: self.connections.clone(),
            roles: self.roles.clone(),
            organizations: self.organizations.clone(),
            user_roles: self.user_roles.clone(),
            tickets: self.tickets.clone(),
            invitations: self.invitations.clone(),
            logs: self.logs.clone(),
            passwords: self.passwords.clone(),
            members: self.members.clone(),
        }
    }

    /// Takes over what an earlier process left (its own ids and connections, its users).
    pub fn restore(&mut self, saved: Persisted) {
        self.by_email.clear();
        for (id, user) in &saved.users {
            let email = user
                .get("email")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_lowercase();
            let identities = user.get("identities").and_then(Value::as_array);
            for identity in identities.into_iter().flatten() {
                if let Some(connection) = identity.get("connection").and_then(Value::as_str) {
                    self.by_email
                        .insert((connection.to_owned(), email.clone()), id.clone());
                }
            }
        }
        self.users = saved.users;
        self.connections = saved.connections;
        self.roles = saved.roles;
        self.organizations = saved.organizations;
        self.user_roles = saved.user_roles;
        self.tickets = saved.tickets;
        self.invitations = saved.invitations;
        self.logs = saved.logs;
        self.passwords = saved.passwords;
        self.members = saved.members;
    }
}

const ALPHANUMERIC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

impl Tenant {
    pub fn new(mut rng: StdRng) -> Self {
        let mut id = |prefix: &str| format!("{prefix}_{}", random_text(&mut rng, ALPHANUMERIC, 16));
        let connections = vec![
            Connection {
                id: id("con"),
                name: DATABASE_CONNECTION.into(),
                strategy: "auth0".into(),
                disable_signup: true,
            },
            Connection {
                id: id("con"),
                name: "google-oauth2".into(),
                strategy: "google-oauth2".into(),
                disable_signup: false,
            },
        ];
        let roles = [
            ("admin", "Administers the customer's account"),
            ("editor", "Edits content"),
            ("viewer", "Reads content"),
            ("billing", "Sees invoices"),
        ]
        .into_iter()
        .map(|(name, description)| Role {
            id: id("rol"),
            name: name.into(),
            description: description.into(),
        })
        .collect();
        let organizations = vec![json!({
            "id": id("org"),
            "name": "acme",
            "display_name": "Acme Corporation",
        })];
        Tenant {
            rng,
            users: BTreeMap::new(),
            by_email: HashMap::new(),
            connections,
            roles,
            organizations,
            user_roles: HashMap::new(),
            tickets: Vec::new(),
            jobs: HashMap::new(),
            invitations: Vec::new(),
            search_lag: Duration::ZERO,
            searchable_from: HashMap::new(),
            logs: Vec::new(),
            passwords: HashMap::new(),
            members: HashMap::new(),
        }
    }

    /// Appends a log event with Auth0's shape. Log ids grow with time, as Auth0's do, so
    /// checkpoint paging (`from`) reads what came after.
    pub fn log(&mut self, kind: &str, description: &str, user_id: Option<&str>, user_name: &str) {
        self.log_at(&crate::now_iso(), kind, description, user_id, user_name);
    }

    /// `log` dated `date`: the instant the change it records carries (`last_password_reset`,
    /// `last_login`), so the log and the profile say the same.
    pub fn log_at(
        &mut self,
        date: &str,
        kind: &str,
        description: &str,
        user_id: Option<&str>,
        user_name: &str,
    ) {
        let log_id = format!("900{:0>53}", self.logs.len() + 1);
        let mut event = Map::new();
        event.insert("log_id".into(), json!(log_id));
        event.insert("date".into(), json!(date));
        event.insert("type".into(), json!(kind));
        event.insert("description".into(), json!(description));
        event.insert("connection".into(), json!(DATABASE_CONNECTION));
        event.insert("client_name".into(), json!("Sandbox sign-in page"));
        event.insert("ip".into(), json!("127.0.0.1"));
        event.insert("user_name".into(), json!(user_name.to_lowercase()));
        if let Some(id) = user_id {
            event.insert("user_id".into(), json!(id));
        }
        event.insert("strategy".into(), json!("auth0"));
        event.insert("strategy_type".into(), json!("database"));
        self.logs.push(event);
    }

    /// Stores a password (salted hash) for a user.
    pub fn set_password(&mut self, user_id: &str, password: &str) {
        let salt = self.random(ALPHANUMERIC, 16);
        let hash = password_hash(&salt, password);
        self.passwords.insert(user_id.to_owned(), (salt, hash));
    }

    pub fn password_matches(&self, user_id: &str, password: &str) -> bool {
        self.passwords
            .get(user_id)
            .is_some_and(|(salt, hash)| password_hash(salt, password) == *hash)
    }

    /// A successful sign-in: `logins_count` + 1, `last_login`, an `s` event.
    pub fn sign_in(&mut self, user_id: &str) {
        let now = crate::now_iso();
        let Some(user) = self.users.get_mut(user_id) else {
            return;
        };
        let count = user
            .get("logins_count")
            .and_then(Value::as_u64)
            .unwrap_or(0);
        user.insert("logins_count".into(), json!(count + 1));
        user.insert("last_login".into(), json!(now));
        user.insert("last_ip".into(), json!("127.0.0.1"));
        let email = user
            .get("email")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        self.log_at(&now, "s", "Success Login", Some(user_id), &email);
    }

    pub fn random(&mut self, alphabet: &[u8], len: usize) -> String {
        random_text(&mut self.rng, alphabet, len)
    }

    pub fn new_id(&mut self, prefix: &str) -> String {
        format!("{prefix}_{}", self.random(ALPHANUMERIC, 16))
    }

    pub fn connection_by_name(&self, name: &str) -> Option<&Connection> {
        self.connections.iter().find(|c| c.name == name)
    }

    pub fn connection_by_id(&self, id: &str) -> Option<&Connection> {
        self.connections.iter().find(|c| c.id == id)
    }

    pub fn connection_json(c: &Connection) -> Value {
        json!({
            "id": c.id,
            "name": c.name,
            "display_name": c.name,
            "strategy": c.strategy,
            "is_domain_connection": false,
            "realms": [c.name],
            "options": if c.strategy == "auth0" {
                json!({
                    "disable_signup": c.disable_signup,
                    "passwordPolicy": "good",
                    "password_complexity_options": {"min_length": 8},
                    "requires_username": false,
                    "import_mode": false,
                    "brute_force_protection": true
                })
            } else {
                json!({})
            },
        })
    }

    /// Inserts a user in a database connection; the caller checked it does not exist.
    pub fn insert_user(
        &mut self,
        connection: &str,
        fields: &Map<String, Value>,
        now: &str,
    ) -> Map<String, Value> {
        // Auth0 keeps a given `user_id` (POST /users and import files alike) and prefixes it with the
        // connection's strategy; otherwise it picks one.
        let hex = match fields.get("user_id").and_then(Value::as_str) {
            Some(given) if !given.is_empty() => {
                given.strip_prefix("auth0|").unwrap_or(given).to_owned()
            }
            _ => self.random(b"0123456789abcdef", 24),
        };
        let user_id = format!("auth0|{hex}");
        let email = fields
            .get("email")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_lowercase();
        let local = email.split('@').next().unwrap_or_default().to_owned();
        let mut user = Map::new();
        user.insert("created_at".into(), json!(now));
        user.insert("email".into(), json!(email));
        user.insert(
            "email_verified".into(),
            json!(
                fields
                    .get("email_verified")
                    .and_then(Value::as_bool)
                    .unwrap_or(false)
            ),
        );
        user.insert(
            "identities".into(),
            json!([{"connection": connection, "user_id": hex, "provider": "auth0", "isSocial": false}]),
        );
        user.insert(
            "name".into(),
            fields.get("name").cloned().unwrap_or_else(|| json!(email)),
        );
        user.insert(
            "nickname".into(),
            fields
                .get("nickname")
                .cloned()
                .unwrap_or_else(|| json!(local)),
        );
        let default_picture = json!(format!(
            "https://s.gravatar.com/avatar/{}?s=480&r=pg&d=https%3A%2F%2Fcdn.auth0.com%2Favatars%2F{}.png",
            self.random(b"0123456789abcdef", 32),
            local.chars().take(2).collect::<String>()
        ));
        user.insert(
            "picture".into(),
            fields.get("picture").cloned().unwrap_or(default_picture),
        );
        user.insert("updated_at".into(), json!(now));
        user.insert("user_id".into(), json!(user_id));
        for key in [
            "given_name",
            "family_name",
            "username",
            "blocked",
            "app_metadata",
            "user_metadata",
        ] {
            if let Some(value) = fields.get(key) {
                user.insert(key.into(), value.clone());
            }
        }
        self.by_email
            .insert((connection.to_owned(), email), user_id.clone());
        if !self.search_lag.is_zero() {
            self.searchable_from
                .insert(user_id.clone(), Instant::now() + self.search_lag);
        }
        self.users.insert(user_id, user.clone());
        user
    }

    pub fn remove_user(&mut self, user_id: &str) {
        if self.users.remove(user_id).is_some() {
            self.searchable_from.remove(user_id);
            self.by_email.retain(|_, id| id != user_id);
            self.user_roles.remove(user_id);
        }
    }

    pub fn find_by_email(&self, connection: &str, email: &str) -> Option<&Map<String, Value>> {
        let id = self
            .by_email
            .get(&(connection.to_owned(), email.to_lowercase()))?;
        self.users.get(id)
    }

    /// Whether a requested `user_id` already belongs to someone.
    pub fn user_id_taken(&self, fields: &Map<String, Value>) -> bool {
        fields
            .get("user_id")
            .and_then(Value::as_str)
            .filter(|id| !id.is_empty())
            .is_some_and(|id| {
                let id = id.strip_prefix("auth0|").unwrap_or(id);
                self.users.contains_key(&format!("auth0|{id}"))
            })
    }

    /// Whether search (eventually consistent) sees the user yet.
    pub fn searchable(&self, user_id: &str) -> bool {
        self.searchable_from
            .get(user_id)
            .is_none_or(|at| *at <= Instant::now())
    }

    pub fn pending_jobs(&self) -> usize {
        self.jobs.values().filter(|j| j.pending).count()
    }
}

fn password_hash(salt: &str, password: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(format!("{salt}:{password}").as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn random_text(rng: &mut StdRng, alphabet: &[u8], len: usize) -> String {
    (0..len)
        .map(|_| alphabet[rng.random_range(0..alphabet.len())] as char)
        .collect()
}
