//! The signed invitation token: an HS256 JWT appended to a ticket's `result_url`, so the application
//! the invitee lands on can check who they are and that the invitation has not expired. The key is
//! the profile's signing key from the keychain; the token carries no secret of its own.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::AppError;

/// The query parameter the token travels in.
pub const PARAMETER: &str = "invitation";
/// The `iss` claim.
pub const ISSUER: &str = "invite-desk";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationClaims {
    /// The Auth0 user id.
    pub sub: String,
    pub email: String,
    pub iss: String,
    /// The batch that sent the invitation.
    pub batch: String,
    pub iat: u64,
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

/// Checks a token as the receiving application would (signature, expiry, issuer).
pub fn verify(token: &str, key: &SecretString) -> Result<InvitationClaims, AppError> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_issuer(&[ISSUER]);
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

    fn claims(exp_offset: i64) -> InvitationClaims {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        InvitationClaims {
            sub: "auth0|abc".into(),
            email: "a@example.com".into(),
            iss: ISSUER.into(),
            batch: "b1".into(),
            iat: now as u64,
            exp: (now + exp_offset) as u64,
        }
    }

    #[test]
    fn a_token_verifies_with_its_key_only_and_expires() {
        let token = sign(&claims(3600), &key()).unwrap();
        assert_eq!(verify(&token, &key()).unwrap(), claims(3600));
        assert!(verify(&token, &SecretString::from("x".repeat(40))).is_err());
        let expired = sign(&claims(-3600), &key()).unwrap();
        assert!(verify(&expired, &key()).is_err());
        assert!(sign(&claims(60), &SecretString::from("short")).is_err());
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
