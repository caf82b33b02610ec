//! The Management API access token: obtained with the client-credentials grant, cached until shortly
//! before it expires, its granted scopes read from its `scope` claim.

use std::collections::BTreeSet;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use secrecy::SecretString;
use serde::Deserialize;

/// The longest token lifetime believed: Auth0's maximum for Management API tokens is 30 days.
const MAX_TOKEN_LIFETIME_SECS: u64 = 30 * 86_400;

/// `POST /oauth/token` → 200.
#[derive(Debug, Deserialize)]
pub struct TokenResponse {
    pub access_token: SecretString,
    pub expires_in: Option<u64>,
    pub scope: Option<String>,
    #[allow(dead_code)]
    pub token_type: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Claims {
    exp: Option<u64>,
    scope: Option<String>,
}

/// A token in the cache.
#[derive(Debug)]
pub struct Token {
    pub access: SecretString,
    /// When to stop using it: a margin before the real expiry, so no request carries a token that
    /// expires in flight.
    pub refresh_at: Instant,
    /// `None` when neither the token nor the response said (then nothing is checked up front).
    pub scopes: Option<BTreeSet<String>>,
}

impl Token {
    pub fn from_response(response: TokenResponse) -> Token {
        use secrecy::ExposeSecret;
        let claims: Option<Claims> =
            jsonwebtoken::dangerous::insecure_decode_claims(response.access_token.expose_secret())
                .ok();
        let now_epoch = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let lifetime_from_claim = claims
            .as_ref()
            .and_then(|c| c.exp)
            .map(|exp| exp.saturating_sub(now_epoch));
        // The shorter of what the response and the token say; a day when neither does (Auth0's default).
        let lifetime = match (response.expires_in, lifetime_from_claim) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) | (None, Some(a)) => a,
            (None, None) => 86_400,
        };
        // Auth0 issues tokens for at most 30 days; a larger answer is not believed (and could
        // overflow the clock).
        let lifetime = Duration::from_secs(lifetime.min(MAX_TOKEN_LIFETIME_SECS));
        let margin = (lifetime / 10).min(Duration::from_secs(60));
        let scope_text = claims.and_then(|c| c.scope).or(response.scope);
        Token {
            access: response.access_token,
            refresh_at: Instant::now()
                .checked_add(lifetime.saturating_sub(margin))
                .unwrap_or_else(Instant::now),
            scopes: scope_text.map(|s| s.split_whitespace().map(str::to_owned).collect()),
        }
    }

    pub fn is_fresh(&self) -> bool {
        Instant::now() < self.refresh_at
    }

    /// The first of `needed` the token lacks entirely (none of them granted), if the scopes are known.
    pub fn lacks(&self, any_of: &[&str]) -> Option<String> {
        let scopes = self.scopes.as_ref()?;
        if any_of.iter().any(|s| scopes.contains(*s)) {
            None
        } else {
            any_of.first().map(|s| (*s).to_owned())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(claims: &serde_json::Value) -> String {
        jsonwebtoken::encode(
            &jsonwebtoken::Header::default(),
            claims,
            &jsonwebtoken::EncodingKey::from_secret(b"test"),
        )
        .unwrap()
    }

    #[test]
    fn scopes_come_from_the_scope_claim() {
        let exp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs()
            + 3600;
        let token = Token::from_response(TokenResponse {
            access_token: jwt(&serde_json::json!({"exp": exp, "scope": "read:users create:users"}))
                .into(),
            expires_in: Some(86_400),
            scope: Some("ignored:when-the-claim-is-there".into()),
            token_type: Some("Bearer".into()),
        });
        assert!(token.is_fresh());
        assert_eq!(token.lacks(&["create:users"]), None);
        assert_eq!(
            token
                .lacks(&["create:role_members", "update:users"])
                .as_deref(),
            Some("create:role_members")
        );
        // The claim's exp (1 h) wins over expires_in (1 day); refresh a minute early.
        let left = token.refresh_at.duration_since(Instant::now());
        assert!(
            left <= Duration::from_secs(3540) && left > Duration::from_secs(3500),
            "{left:?}"
        );
    }

    #[test]
    fn opaque_tokens_fall_back_to_the_response() {
        let token = Token::from_response(TokenResponse {
            access_token: "opaque".to_owned().into(),
            expires_in: Some(30),
            scope: Some("read:users".into()),
            token_type: None,
        });
        assert_eq!(
            token.lacks(&["create:user_tickets"]).as_deref(),
            Some("create:user_tickets")
        );
        let left = token.refresh_at.duration_since(Instant::now());
        assert!(
            left <= Duration::from_secs(27),
            "30 s token refreshed 3 s early: {left:?}"
        );
        let unknown = Token::from_response(TokenResponse {
            access_token: "opaque".to_owned().into(),
            expires_in: None,
            scope: None,
            token_type: None,
        });
        assert_eq!(
            unknown.lacks(&["anything"]),
            None,
            "unknown scopes are not guessed"
        );
    }

    #[test]
    fn a_huge_lifetime_is_capped_not_a_panic() {
        let token = Token::from_response(TokenResponse {
            access_token: "opaque".to_owned().into(),
            expires_in: Some(u64::MAX),
            scope: None,
            token_type: None,
        });
        let left = token.refresh_at.duration_since(Instant::now());
        assert!(
            left <= Duration::from_secs(MAX_TOKEN_LIFETIME_SECS),
            "{left:?}"
        );
    }
}
