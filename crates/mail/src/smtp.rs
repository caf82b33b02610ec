//! SMTP delivery with lettre (async, tokio), configured by URL as lettre understands it:
//! `smtp://host:587?tls=required`, `smtps://user@host:465`. TLS is required except to a server on this
//! machine. The password never sits in the URL: it comes from the keychain or `SMTP_PASSWORD`.
//! Connections are pooled; sending is paced to a messages/second limit; temporary failures (4xx,
//! timeouts, dropped connections) are retried; permanent ones (5xx) are reported for that person.

use std::net::IpAddr;
use std::time::{Duration, Instant};

use backon::BackoffBuilder;
use lettre::transport::smtp::PoolConfig;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::Mutex;

use crate::error::{MailError, MailErrorKind};

/// How to reach the mail server.
#[derive(Clone)]
pub struct SmtpSettings {
    pub url: String,
    pub password: Option<SecretString>,
    /// Extra trusted root certificates (PEM), for a company CA or a test server's self-signed one.
    pub extra_root_pem: Option<Vec<u8>>,
    pub timeout: Duration,
    /// At most this many messages per second (providers limit senders); `None` for no pacing.
    pub messages_per_second: Option<f64>,
    pub pool_size: u32,
    /// Retries after the first attempt, for temporary failures.
    pub max_retries: usize,
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("url", &self.url)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("messages_per_second", &self.messages_per_second)
            .finish_non_exhaustive()
    }
}

impl SmtpSettings {
    pub fn new(url: &str) -> Self {
        SmtpSettings {
            url: url.to_owned(),
            password: None,
            extra_root_pem: None,
            timeout: Duration::from_secs(30),
            messages_per_second: None,
            pool_size: 4,
            max_retries: 3,
        }
    }
}

/// What the server said when it took a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    pub code: u16,
    pub reply: String,
    /// Attempts it took (1 when the first one was accepted).
    pub attempts: usize,
}

/// The parts of the URL that decide the connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpTarget {
    pub host: String,
    pub port: u16,
    pub user: Option<String>,
    pub tls: TlsMode,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsMode {
    /// TLS from the first byte (`smtps://`).
    Wrapper,
    /// STARTTLS, and refuse to go on without it.
    Required,
    /// STARTTLS if offered (loopback only).
    Opportunistic,
    /// Plain text (loopback only).
    None,
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_matches(['[', ']'])
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Parses and checks an SMTP URL.
pub fn parse_url(text: &str) -> Result<SmtpTarget, MailError> {
    let url = url::Url::parse(text.trim()).map_err(|e| {
        MailError::config(format!(
            "\"{text}\" is not an SMTP URL ({e}); use e.g. smtp://mail.example.com:587?tls=required"
        ))
    })?;
    if url.password().is_some() {
        return Err(MailError::config(
            "the SMTP URL holds a password; remove it and give the password through the keychain or SMTP_PASSWORD",
        ));
    }
    let host = url
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| MailError::config("the SMTP URL has no host"))?
        .to_owned();
    let loopback = is_loopback(&host);
    let tls_param = url
        .query_pairs()
        .find(|(k, _)| k == "tls")
        .map(|(_, v)| v.into_owned());
    let (tls, default_port) = match (url.scheme(), tls_param.as_deref()) {
        ("smtps", _) => (TlsMode::Wrapper, 465),
        ("smtp", Some("required")) => (TlsMode::Required, 587),
        ("smtp", Some("opportunistic")) if loopback => (TlsMode::Opportunistic, 25),
        ("smtp", Some("none") | None) if loopback => (TlsMode::None, 25),
        ("smtp", None) => (TlsMode::Required, 587),
        ("smtp", Some("opportunistic" | "none")) => {
            return Err(MailError::config(format!(
                "mail to {host} must be encrypted: use smtps:// or ?tls=required (plain or opportunistic TLS is only accepted for a server on this machine)"
            )));
        }
        ("smtp", Some(other)) => {
            return Err(MailError::config(format!(
                "unknown tls={other}; use required, opportunistic or none"
            )));
        }
        (other, _) => {
            return Err(MailError::config(format!(
                "unsupported scheme {other}://; use smtp:// or smtps://"
            )));
        }
    };
    let user = (!url.username().is_empty()).then(|| {
        url::form_urlencoded::parse(format!("u={}", url.username()).as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    });
    Ok(SmtpTarget {
        port: url.port().unwrap_or(default_port),
        host,
        user,
        tls,
    })
}

/// Sends mail through one pooled transport, paced and retried.
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    target: SmtpTarget,
    /// For the sender check, which speaks to the server outside the pool.
    tls_parameters: Option<TlsParameters>,
    credentials: Option<Credentials>,
    timeout: Duration,
    interval: Option<Duration>,
    next_slot: Mutex<Instant>,
    max_retries: usize,
    /// Our own bound on one attempt: lettre's timeout does not cover every stage (a server that
    /// accepts the connection and never greets would hold a send forever).
    attempt_deadline: Duration,
}

impl std::fmt::Debug for SmtpMailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpMailer")
            .field("target", &self.target)
            .finish_non_exhaustive()
    }
}

impl SmtpMailer {
    pub fn new(settings: &SmtpSettings) -> Result<Self, MailError> {
        let target = parse_url(&settings.url)?;
        let tls_parameters = || -> Result<TlsParameters, MailError> {
            let mut builder = TlsParameters::builder(target.host.clone());
            if let Some(pem) = &settings.extra_root_pem {
                let certificate = Certificate::from_pem(pem).map_err(|e| {
                    MailError::config(format!("the extra root certificate is not usable PEM: {e}"))
                })?;
                builder = builder.add_root_certificate(certificate);
            }
            builder
                .build()
                .map_err(|e| MailError::config(format!("TLS could not be set up: {e}")))
        };
        let parameters = match target.tls {
            TlsMode::None => None,
            _ => Some(tls_parameters()?),
        };
        let tls = match (target.tls, parameters.clone()) {
            (TlsMode::Wrapper, Some(p)) => Tls::Wrapper(p),
            (TlsMode::Required, Some(p)) => Tls::Required(p),
            (TlsMode::Opportunistic, Some(p)) => Tls::Opportunistic(p),
            _ => Tls::None,
        };
        let mut credentials = None;
        let mut builder =
            AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(target.host.clone())
                .port(target.port)
                .tls(tls)
                .timeout(Some(settings.timeout))
                .pool_config(PoolConfig::new().max_size(settings.pool_size.max(1)));
        match (&target.user, &settings.password) {
            (Some(user), Some(password)) => {
                let given = Credentials::new(user.clone(), password.expose_secret().to_owned());
                builder = builder.credentials(given.clone());
                credentials = Some(given);
            }
            (Some(user), None) => {
                return Err(MailError::config(format!(
                    "the SMTP URL names user {user} but no password was given (keychain or SMTP_PASSWORD)"
                )));
            }
            _ => {}
        }
        let interval = settings
            .messages_per_second
            .filter(|r| *r > 0.0)
            .map(|r| Duration::from_secs_f64(1.0 / r));
        Ok(SmtpMailer {
            transport: builder.build(),
            target,
            tls_parameters: parameters,
            credentials,
            timeout: settings.timeout,
            interval,
            next_slot: Mutex::new(Instant::now()),
            max_retries: settings.max_retries,
            attempt_deadline: settings.timeout * 4,
        })
    }

    pub fn target(&self) -> &SmtpTarget {
        &self.target
    }

    /// Checks that the server answers (and, with TLS required, that TLS works).
    pub async fn check(&self) -> Result<(), MailError> {
        match tokio::time::timeout(self.attempt_deadline, self.transport.test_connection()).await {
            Ok(Ok(true)) => Ok(()),
            Ok(Ok(false)) | Err(_) => Err(self.timed_out()),
            Ok(Err(e)) => Err(classify(&e, &self.target)),
        }
    }

    /// Whether the server takes `from` as the sender: connect, TLS as the URL says, AUTH, then
    /// `MAIL FROM` and `RSET`, `QUIT`. Nothing is sent. A server that checks senders (most that
    /// require a login do) refuses a wrong one here, before a batch, rather than at every person.
    pub async fn check_sender(&self, from: &str) -> Result<(), MailError> {
        match tokio::time::timeout(self.attempt_deadline, self.try_sender(from)).await {
            Ok(result) => result.map_err(|e| classify(&e, &self.target)),
            Err(_) => Err(self.timed_out()),
        }
    }

    async fn try_sender(&self, from: &str) -> Result<(), lettre::transport::smtp::Error> {
        use lettre::transport::smtp::authentication::Mechanism;
        use lettre::transport::smtp::client::AsyncSmtpConnection;
        use lettre::transport::smtp::commands::{Mail, Rset};
        use lettre::transport::smtp::extension::ClientId;
        let hello = ClientId::default();
        let wrapped = matches!(self.target.tls, TlsMode::Wrapper);
        let mut connection = AsyncSmtpConnection::connect_tokio1(
            (self.target.host.as_str(), self.target.port),
            Some(self.timeout),
            &hello,
            self.tls_parameters.clone().filter(|_| wrapped),
            None,
        )
        .await?;
        if let Some(parameters) = self.tls_parameters.clone().filter(|_| !wrapped) {
            let required = matches!(self.target.tls, TlsMode::Required);
            if required || connection.can_starttls() {
                connection.starttls(parameters, &hello).await?;
            }
        }
        if let Some(credentials) = &self.credentials {
            connection
                .auth(&[Mechanism::Plain, Mechanism::Login], credentials)
                .await?;
        }
        let sender = from.parse().ok();
        let answer = connection.command(Mail::new(sender, Vec::new())).await;
        let _ = connection.command(Rset).await;
        let _ = connection.quit().await;
        answer.map(|_| ())
    }

    fn timed_out(&self) -> MailError {
        MailError::new(
            MailErrorKind::Temporary,
            format!(
                "{}:{} did not answer in time",
                self.target.host, self.target.port
            ),
        )
    }

    async fn pace(&self) {
        let Some(interval) = self.interval else {
            return;
        };
        let wait = {
            let mut next = self.next_slot.lock().await;
            let now = Instant::now();
            let slot = (*next).max(now);
            *next = slot + interval;
            slot - now
        };
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }

    /// Sends one message; retries temporary failures with jittered backoff.
    pub async fn send(&self, message: &Message) -> Result<Accepted, MailError> {
        let mut delays = backon::ExponentialBuilder::default()
            .with_jitter()
            .with_min_delay(Duration::from_millis(200))
            .with_max_delay(Duration::from_secs(10))
            .with_max_times(self.max_retries)
            .build();
        let mut attempts = 0;
        loop {
            self.pace().await;
            attempts += 1;
            let outcome = match tokio::time::timeout(
                self.attempt_deadline,
                self.transport.send(message.clone()),
            )
            .await
            {
                Ok(outcome) => outcome.map_err(|e| classify(&e, &self.target)),
                Err(_) => Err(self.timed_out()),
            };
            match outcome {
                Ok(response) => {
                    return Ok(Accepted {
                        code: u16::from(response.code()),
                        reply: format!(
                            "{} {}",
                            response.code(),
                            response.message().collect::<Vec<_>>().join(" ")
                        ),
                        attempts,
                    });
                }
                // A send whose answer was lost is never tried again here: it may have arrived.
                Err(error) if error.maybe_delivered => return Err(error),
                Err(error) => match (error.kind, delays.next()) {
                    (MailErrorKind::Temporary, Some(delay)) => {
                        tracing::warn!(reason = %error, attempt = attempts, wait_ms = delay.as_millis() as u64, "mail: temporary failure, retrying");
                        tokio::time::sleep(delay).await;
                    }
                    _ => return Err(error),
                },
            }
        }
    }
}

fn classify(e: &lettre::transport::smtp::Error, target: &SmtpTarget) -> MailError {
    let code = e.status().map(u16::from);
    // lettre's Display already ends with its own source: the chain goes on from the one after it
    // (else every cause was written twice, "refused (os error 111): refused (os error 111)").
    let mut chain = e.to_string();
    let mut source = std::error::Error::source(e).and_then(|s| s.source());
    while let Some(inner) = source {
        chain = format!("{chain}: {inner}");
        source = inner.source();
    }
    // A handshake refused over the certificate comes back as a connection error; retrying cannot help.
    if chain.contains("invalid peer certificate") {
        let why = chain
            .rsplit("invalid peer certificate: ")
            .next()
            .unwrap_or(&chain)
            .to_owned();
        return MailError {
            kind: MailErrorKind::Config,
            code,
            message: format!(
                "the certificate of {}:{} is not trusted ({why}); if it comes from a company CA, add that CA's certificate",
                target.host, target.port
            ),
            maybe_delivered: false,
        };
    }
    let kind = if e.is_permanent() {
        MailErrorKind::Permanent
    } else if e.is_tls() {
        MailErrorKind::Config
    } else {
        // 4xx, timeouts, refused or dropped connections.
        MailErrorKind::Temporary
    };
    // Each message names the server and, where the cause is plain, what to look at next.
    let server = format!("{}:{}", target.host, target.port);
    let message = if e.is_timeout() {
        format!("{server} timed out")
    } else if chain.contains("Connection refused") || chain.contains("os error 111") {
        format!(
            "nothing answers at {server} (connection refused): is the mail server running, and is the port right?"
        )
    } else if chain.contains("failed to lookup address")
        || chain.contains("Name or service not known")
    {
        format!(
            "the mail server {} could not be found (no such host name): check the SMTP URL",
            target.host
        )
    } else if chain.contains(&target.host) {
        chain
    } else {
        format!("{server}: {chain}")
    };
    // An answer that never came whole (the connection closed while lettre read it: a "response"
    // error) or an I/O failure on a connection already open (lettre's "network error", as opposed
    // to "Connection error" for one that never opened) may have followed the message: the server
    // may have it. lettre's error kinds are not public beyond is_response; the words are its
    // Display, pinned by the vanishing-answer test.
    let maybe_delivered = e.is_response() || e.to_string().starts_with("network error");
    MailError {
        kind,
        code,
        message,
        maybe_delivered,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_is_required_except_on_loopback() {
        let t = parse_url("smtp://mail.example.com:587?tls=required").unwrap();
        assert_eq!((t.tls, t.port), (TlsMode::Required, 587));
        assert_eq!(
            parse_url("smtp://mail.example.com").unwrap().tls,
            TlsMode::Required,
            "TLS unless told otherwise"
        );
        let t = parse_url("smtps://invites%40acme.example@smtp.example.com").unwrap();
        assert_eq!(
            (t.tls, t.port, t.user.as_deref()),
            (TlsMode::Wrapper, 465, Some("invites@acme.example"))
        );
        assert_eq!(
            parse_url("smtp://127.0.0.1:2525").unwrap().tls,
            TlsMode::None
        );
        assert_eq!(
            parse_url("smtp://localhost:2525?tls=opportunistic")
                .unwrap()
                .tls,
            TlsMode::Opportunistic
        );
        let plain = parse_url("smtp://mail.example.com:25?tls=none").unwrap_err();
        assert!(
            plain.message.contains("must be encrypted"),
            "{}",
            plain.message
        );
        assert!(parse_url("smtp://mail.example.com?tls=opportunistic").is_err());
        assert!(parse_url("http://mail.example.com").is_err());
    }

    #[test]
    fn a_password_in_the_url_is_refused() {
        let err = parse_url("smtps://user:hunter2@smtp.example.com").unwrap_err();
        assert!(err.message.contains("holds a password"));
        assert!(!err.message.contains("hunter2"));
    }

    #[test]
    fn a_user_without_a_password_is_a_clear_error() {
        let err =
            SmtpMailer::new(&SmtpSettings::new("smtps://invites@smtp.example.com")).unwrap_err();
        assert!(
            err.message.contains("no password was given"),
            "{}",
            err.message
        );
    }
}
