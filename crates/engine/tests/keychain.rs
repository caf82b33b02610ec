//! Against the real OS keychain: on Linux a gnome-keyring Secret Service in a private D-Bus session
//! (scripts/with-desktop-session.sh sets it up; scripts/test.sh runs these with --include-ignored).

#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

use invite_desk_engine::secrets::{self, SecretKind};
use secrecy::ExposeSecret;

#[test]
#[ignore = "needs a Secret Service: run through scripts/with-desktop-session.sh (scripts/test.sh does)"]
fn secrets_round_trip_through_the_real_keychain() {
    let profile = format!("test-{}", std::process::id());
    assert!(
        secrets::load(&profile, SecretKind::SmtpPassword)
            .unwrap()
            .is_none()
    );
    secrets::save(
        &profile,
        SecretKind::SmtpPassword,
        &"smtp-pässword".to_owned().into(),
    )
    .unwrap();
    secrets::save(
        &profile,
        SecretKind::ClientSecret,
        &"client-secret-1".to_owned().into(),
    )
    .unwrap();
    assert_eq!(
        secrets::load(&profile, SecretKind::SmtpPassword)
            .unwrap()
            .unwrap()
            .expose_secret(),
        "smtp-pässword"
    );
    secrets::save(
        &profile,
        SecretKind::ClientSecret,
        &"client-secret-2".to_owned().into(),
    )
    .unwrap();
    assert_eq!(
        secrets::load(&profile, SecretKind::ClientSecret)
            .unwrap()
            .unwrap()
            .expose_secret(),
        "client-secret-2"
    );
    // Profiles do not see each other's secrets.
    assert!(
        secrets::load(&format!("{profile}-other"), SecretKind::ClientSecret)
            .unwrap()
            .is_none()
    );
    secrets::delete(&profile, SecretKind::SmtpPassword).unwrap();
    secrets::delete(&profile, SecretKind::SmtpPassword).unwrap();
    assert!(
        secrets::load(&profile, SecretKind::SmtpPassword)
            .unwrap()
            .is_none()
    );
    secrets::delete(&profile, SecretKind::ClientSecret).unwrap();
}
