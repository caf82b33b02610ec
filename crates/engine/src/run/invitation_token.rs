//! The signed invitation token: an HS256 JWT appended to a ticket's `result_url`, so the application
//! the invitee lands on can check who they are and that the invitation has not expired. The key is
//! the profile's signing key from the keychain; the token carries no secret of its own. How the
//! application checks it: docs/invitation-token.md.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::AppError;

/// The query parameter the token travels in.
pub const PARAMETER: &str = "invitation";
/// How every issuer starts.
pub const ISSUER_PREFIX: &str = "invite-desk";

/// The `iss` claim of a run's tokens: one per tenant and profile, so an application that trusts one
/// profile's tokens does not take another's (`invite-desk:acme.eu.auth0.com:production`).
pub fn issuer(tenant: &str, profile: Option<&str>) -> String {
    // The tenant's host (and a loopback port) in lower case, however the profile spells it.
    let tenant = match invite_desk_auth0::TenantUrl::parse(tenant) {
        Ok(url) => {
            let host = url
                .base()
                .host_str()
                .unwrap_or_default()
                .to_ascii_lowercase();
            match url.base().port() {
                Some(port) => format!("{host}:{port}"),
                None => host,
            }
        }
        Err(_) => tenant.trim().to_ascii_lowercase(),
    };
    match profile {
        Some(profile) => format!("{ISSUER_PREFIX}:{tenant}:{profile}"),
        None => format!("{ISSUER_PREFIX}:{tenant}"),
    }
}

/// The `aud` claim: the origin of the page the token is sent to (`https://app.example.com`).
pub fn audience(result_url: &str) -> Result<String, AppError> {
    let url = url::Url::parse(result_url)
        .map_err(|e| AppError::invalid_input(format!("result_url is not a URL: {e}")))?;
    Ok(url.origin().ascii_serialization())
}

/// A random token id (128 bits, hex): the application may refuse a token it has seen (`jti`).
pub fn new_id() -> String {
    crate::ids::random_text(b"0123456789abcdef", 32)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationClaims {
    /// Who signed it: `invite-desk:<tenant>:<profile>`.
    pub iss: String,
    /// The Auth0 user id.
    pub sub: String,
    /// The result URL's origin.
    pub aud: String,
    pub email: String,
    /// The batch that sent the invitation.
    pub batch: String,
    /// Unique per token.
    pub jti: String,
    pub iat: u64,
    /// No later than the link's own expiry.
    pub exp: u64,
}

/// The shortest key accepted: HS256 keys below 256 bits are guessable.
const MIN_KEY_BYTES: usize = 32;

pub fn sign(claims: &InvitationClaims, key: &SecretString) -> Result<String, AppError> {
    if key.expose_secret().len() < MIN_KEY_BYTES {
        return Err(AppError::invalid_input(format!(
            "the signing key must be at least {MIN_KEY_BYTES} characters long"
        )));
    }
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(key.expose_secret().as_bytes()),
    )
    .map_err(|e| AppError::internal(format!("could not sign the invitation token: {e}")))
}

/// Checks a token as the receiving application would (signature, expiry, issuer, audience; replay
/// by `jti` is the application's own record).
pub fn verify(
    token: &str,
    key: &SecretString,
    issuer: &str,
    audience: &str,
) -> Result<InvitationClaims, AppError> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_issuer(&[issuer]);
    validation.set_audience(&[audience]);
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    validation.leeway = 60;
    jsonwebtoken::decode::<InvitationClaims>(
        token,
        &DecodingKey::from_secret(key.expose_secret().as_bytes()),
        &validation,
    )
    .map(|data| data.claims)
    .map_err(|e| AppError::invalid_input(format!("the invitation token is not valid: {e}")))
}

/// `result_url` with the token added as a query parameter (keeping any query it has).
pub fn with_token(result_url: &str, token: &str) -> Result<String, AppError> {
    let mut url = url::Url::parse(result_url)
        .map_err(|e| AppError::invalid_input(format!("result_url is not a URL: {e}")))?;
    url.query_pairs_mut().append_pair(PARAMETER, token);
    Ok(url.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SecretString {
        SecretString::from("k".repeat(40))
    }

    const ISS: &str = "invite-desk:acme.eu.auth0.com:production";
    const AUD: &str = "https://app.example.com";

    fn claims(exp_offset: i64) -> InvitationClaims {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        InvitationClaims {
            iss: ISS.into(),
            sub: "auth0|abc".into(),
            aud: AUD.into(),
            email: "a@example.com".into(),
            batch: "b1".into(),
            jti: "00112233445566778899aabbccddeeff".into(),
            iat: now as u64,
            exp: (now + exp_offset) as u64,
        }
    }

    #[test]
    fn a_token_verifies_with_its_key_issuer_and_audience_only_and_expires() {
        let token = sign(&claims(3600), &key()).unwrap();
        assert_eq!(verify(&token, &key(), ISS, AUD).unwrap(), claims(3600));
        assert!(verify(&token, &SecretString::from("x".repeat(40)), ISS, AUD).is_err());
        assert!(verify(&token, &key(), "invite-desk:acme.eu.auth0.com:staging", AUD).is_err());
        assert!(verify(&token, &key(), ISS, "https://evil.example").is_err());
        let expired = sign(&claims(-3600), &key()).unwrap();
        assert!(verify(&expired, &key(), ISS, AUD).is_err());
        assert!(sign(&claims(60), &SecretString::from("short")).is_err());
    }

    #[test]
    fn issuers_audiences_and_ids() {
        assert_eq!(issuer("acme.eu.auth0.com", Some("production")), ISS);
        assert_eq!(
            issuer("https://ACME.eu.auth0.com/", Some("production")),
            ISS
        );
        assert_eq!(
            issuer("http://127.0.0.1:4001/", None),
            "invite-desk:127.0.0.1:4001"
        );
        assert_eq!(
            audience("https://app.example.com/welcome?x=1").unwrap(),
            AUD
        );
        assert_eq!(new_id().len(), 32);
        assert_ne!(new_id(), new_id());
    }

    #[test]
    fn the_token_is_added_to_the_result_url_query() {
        let url = with_token("https://app.example.com/welcome?from=mail", "a.b.c").unwrap();
        assert_eq!(
            url,
            "https://app.example.com/welcome?from=mail&invitation=a.b.c"
        );
    }
}
