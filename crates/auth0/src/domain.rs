//! Where the tenant is. A tenant host name (`acme.eu.auth0.com`) means HTTPS; a full
//! `http://127.0.0.1:PORT` or `http://localhost:PORT` is accepted only for loopback (the sandbox and
//! tests); anything else over plain HTTP is refused, because the credentials would cross in clear.

use std::fmt;
use std::net::IpAddr;

use url::Url;

use crate::error::{ApiError, ErrorKind};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantUrl {
    base: Url,
}

impl TenantUrl {
    pub fn parse(input: &str) -> Result<Self, ApiError> {
        let input = input.trim().trim_end_matches('/');
        if input.is_empty() {
            return Err(invalid(
                "the tenant domain is empty; give a host name like acme.eu.auth0.com",
            ));
        }
        let with_scheme = if input.contains("://") {
            input.to_owned()
        } else {
            format!("https://{input}")
        };
        let url = Url::parse(&with_scheme).map_err(|e| {
            invalid(&format!(
                "\"{input}\" is not a tenant domain ({e}); give a host name like acme.eu.auth0.com"
            ))
        })?;
        let host = url.host_str().unwrap_or_default().to_owned();
        if host.is_empty() {
            return Err(invalid(&format!("\"{input}\" has no host name")));
        }
        if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
            return Err(invalid(&format!(
                "\"{input}\" has a path; give only the tenant's host name (the API path is added for you)"
            )));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(invalid(
                "the tenant domain must not carry a user name or password",
            ));
        }
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&host) => {}
            "http" => {
                return Err(invalid(&format!(
                    "plain HTTP is only accepted for loopback (the sandbox); use https://{host} or just {host}"
                )));
            }
            other => {
                return Err(invalid(&format!(
                    "unsupported scheme \"{other}\"; use https"
                )));
            }
        }
        let mut base = url;
        base.set_path("/");
        Ok(TenantUrl { base })
    }

    /// The tenant's origin, ending in `/`.
    pub fn base(&self) -> &Url {
        &self.base
    }

    /// `https://{domain}/api/v2/`: the token audience and the API's base.
    pub fn api_base(&self) -> Url {
        self.base
            .join("api/v2/")
            .unwrap_or_else(|_| self.base.clone())
    }

    pub fn audience(&self) -> String {
        self.api_base().to_string()
    }

    pub fn token_url(&self) -> Url {
        self.base
            .join("oauth/token")
            .unwrap_or_else(|_| self.base.clone())
    }

    pub fn is_loopback(&self) -> bool {
        self.base.host_str().is_some_and(is_loopback)
    }
}

impl fmt::Display for TenantUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.base.as_str().trim_end_matches('/'))
    }
}

fn is_loopback(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
        .is_ok_and(|ip| ip.is_loopback())
}

fn invalid(message: &str) -> ApiError {
    ApiError::local(ErrorKind::Invalid, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names_mean_https() {
        let t = TenantUrl::parse("acme.eu.auth0.com").unwrap();
        assert_eq!(t.audience(), "https://acme.eu.auth0.com/api/v2/");
        assert_eq!(
            t.token_url().as_str(),
            "https://acme.eu.auth0.com/oauth/token"
        );
        assert_eq!(
            TenantUrl::parse("https://acme.auth0.com/")
                .unwrap()
                .to_string(),
            "https://acme.auth0.com"
        );
    }

    #[test]
    fn loopback_may_use_plain_http() {
        for ok in [
            "http://127.0.0.1:8787",
            "http://localhost:3000",
            "http://[::1]:9000",
        ] {
            let t = TenantUrl::parse(ok).unwrap();
            assert!(t.is_loopback(), "{ok}");
        }
        assert_eq!(
            TenantUrl::parse("http://127.0.0.1:8787")
                .unwrap()
                .audience(),
            "http://127.0.0.1:8787/api/v2/"
        );
    }

    #[test]
    fn plain_http_elsewhere_and_odd_inputs_are_refused() {
        let err = TenantUrl::parse("http://acme.auth0.com").unwrap_err();
        assert!(
            err.message.contains("only accepted for loopback"),
            "{}",
            err.message
        );
        assert!(TenantUrl::parse("http://10.0.0.5:80").is_err());
        assert!(TenantUrl::parse("ftp://acme.auth0.com").is_err());
        assert!(
            TenantUrl::parse("acme.auth0.com/api/v2")
                .unwrap_err()
                .message
                .contains("path")
        );
        assert!(TenantUrl::parse("").is_err());
        assert!(TenantUrl::parse("https://user:pw@acme.auth0.com").is_err());
    }
}
