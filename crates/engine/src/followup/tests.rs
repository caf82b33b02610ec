#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::collections::HashMap;

use invite_desk_auth0::models::{LogEvent, User};
use serde_json::json;

use super::cadence;
use super::sources;
use super::*;
use crate::batch::{FollowUpSettings, InviteMode};

const SINCE: &str = "2026-12-01T10:00:00.000Z";

fn row(
    batch: &str,
    purpose: Option<&str>,
    email: &str,
    state: PersonState,
    expiry: &str,
) -> Invitation {
    Invitation {
        batch_id: batch.into(),
        purpose: purpose.map(str::to_owned),
        email: email.into(),
        state,
        user_id: Some(format!("auth0|{}", email.split('@').next().unwrap())),
        link_expires_at: Some(expiry.into()),
        delivered_at: Some("2026-12-01T10:00:05.000Z".into()),
        created_here: true,
    }
}

fn invited(email: &str) -> Invited {
    Invited {
        email: email.into(),
        user_id: Some(format!("auth0|{}", email.split('@').next().unwrap())),
        invited: true,
        invited_at: Some("2026-12-01T10:00:05.000Z".into()),
        link_expires_at: Some("2026-12-08T10:00:00Z".into()),
        created_here: true,
        reminders: 0,
        reissues: 0,
    }
}

#[test]
fn the_journal_folds_into_one_entry_a_person_with_reminders_and_the_newest_link() {
    let rows = vec![
        row(
            "b-1",
            Some("invitation"),
            "ann@x.com",
            PersonState::Delivered,
            "2026-12-08T10:00:00Z",
        ),
        row(
            "b-1",
            Some("invitation"),
            "bob@x.com",
            PersonState::Failed,
            "2026-12-08T10:00:00Z",
        ),
        row(
            "b-1",
            None,
            "cat@x.com",
            PersonState::Unconfirmed,
            "2026-12-08T10:00:00Z",
        ),
        row(
            "b-1",
            Some("invitation"),
            "dan@x.com",
            PersonState::Skipped,
            "2026-12-08T10:00:00Z",
        ),
        row(
            "w-1",
            Some("reminder"),
            "ann@x.com",
            PersonState::Delivered,
            "2026-12-11T10:00:00Z",
        ),
        // A wave's person it never reached counts as nothing.
        row(
            "w-1",
            Some("reminder"),
            "cat@x.com",
            PersonState::Failed,
            "2026-12-11T10:00:00Z",
        ),
        row(
            "w-2",
            Some("reissue"),
            "ANN@x.com",
            PersonState::Unconfirmed,
            "2026-12-15T10:00:00Z",
        ),
        // Cat got a fresh link from support: it is her newest link, not a reminder.
        row(
            "r-1",
            Some("resend"),
            "cat@x.com",
            PersonState::Delivered,
            "2026-12-20T10:00:00Z",
        ),
        // Bob's invitation failed; support's resend reached him: he is invited after all.
        row(
            "r-2",
            Some("resend"),
            "bob@x.com",
            PersonState::Delivered,
            "2026-12-20T10:00:00Z",
        ),
    ];
    let people = invited_people("b-1", &rows);
    let by: HashMap<&str, &Invited> = people.iter().map(|p| (p.email.as_str(), p)).collect();
    assert_eq!(people.len(), 4, "one entry a person of the batch itself");
    let ann = by["ann@x.com"];
    assert!(ann.invited);
    assert_eq!((ann.reminders, ann.reissues), (1, 1));
    assert_eq!(ann.link_expires_at.as_deref(), Some("2026-12-15T10:00:00Z"));
    assert!(
        by["bob@x.com"].invited,
        "failed, then resent by support: invited"
    );
    assert!(
        by["cat@x.com"].invited,
        "may have been sent: they may have the link"
    );
    assert_eq!(by["cat@x.com"].reminders, 0, "a resend is not a reminder");
    assert_eq!(
        by["cat@x.com"].link_expires_at.as_deref(),
        Some("2026-12-20T10:00:00Z")
    );
    assert!(!by["dan@x.com"].invited, "skipped: nothing was sent");
    assert_eq!(
        by["bob@x.com"].invited_at.as_deref(),
        Some("2026-12-01T10:00:05.000Z"),
        "when the resend reached him"
    );
}

#[test]
fn one_rule_decides_every_status() {
    let ann = invited("ann@x.com");
    let before_expiry = "2026-12-05T00:00:00Z";
    let after_expiry = "2026-12-09T00:00:00Z";
    let none = Acceptance::default();
    let accepted = Acceptance {
        accepted: true,
        ..Acceptance::default()
    };
    assert_eq!(
        classify(&ann, &none, before_expiry),
        FollowUpStatus::Pending
    );
    assert_eq!(classify(&ann, &none, after_expiry), FollowUpStatus::Expired);
    assert_eq!(
        classify(&ann, &accepted, after_expiry),
        FollowUpStatus::Accepted
    );
    let never = Invited {
        invited: false,
        ..invited("bob@x.com")
    };
    assert_eq!(
        classify(&never, &accepted, before_expiry),
        FollowUpStatus::NotInvited
    );
    // Instants compare as instants, not as text (a `Z` with and without milliseconds).
    assert!(later("2026-12-08T10:00:00.5Z", "2026-12-08T10:00:00Z"));
    assert!(at_or_after(
        "2026-12-08T10:00:00.000Z",
        "2026-12-08T10:00:00Z"
    ));
    let (people, counts) = statuses(
        &[ann.clone(), never],
        &HashMap::from([(
            "ann@x.com".to_owned(),
            Acceptance {
                accepted: true,
                accepted_at: Some("2026-12-02T08:00:00Z".into()),
                last_login: Some("2026-12-02T08:01:00Z".into()),
                user_id: None,
            },
        )]),
        before_expiry,
    );
    assert_eq!(
        counts,
        FollowUpCounts {
            accepted: 1,
            pending: 0,
            expired: 0,
            not_invited: 1,
            signed_in: 1
        }
    );
    assert_eq!(
        people[0].accepted_at.as_deref(),
        Some("2026-12-02T08:00:00Z")
    );
}

fn event(kind: &str, date: &str, user: &str) -> LogEvent {
    serde_json::from_value(json!({
        "log_id": format!("9000{date}"),
        "date": date,
        "type": kind,
        "user_id": format!("auth0|{user}"),
        "user_name": format!("{user}@x.com"),
    }))
    .unwrap()
}

fn profile(value: serde_json::Value) -> User {
    serde_json::from_value(value).unwrap()
}

#[test]
fn logs_and_profiles_say_the_same_of_the_same_people() {
    let ann = invited("ann@x.com");
    let bob = invited("bob@x.com");
    let cat = invited("cat@x.com");
    let dan = invited("dan@x.com");
    let people = [&ann, &bob, &cat, &dan];
    let events = vec![
        // ann set her password and signed in twice.
        event("scp", "2026-12-02T08:00:00.000Z", "ann"),
        event("s", "2026-12-02T08:01:00.000Z", "ann"),
        event("s", "2026-12-03T09:00:00.000Z", "ann"),
        // bob only signed in (say with a password reset by mail): accepted all the same.
        event("s", "2026-12-02T11:00:00.000Z", "bob"),
        // cat's events are older than the batch: nothing to do with it.
        event("scp", "2026-11-20T08:00:00.000Z", "cat"),
        event("s", "2026-11-20T08:01:00.000Z", "cat"),
    ];
    let from_logs = sources::from_log_events(InviteMode::PasswordChange, &people, &events, SINCE);
    let users = [
        profile(
            json!({"user_id": "auth0|ann", "email": "ann@x.com", "last_password_reset": "2026-12-02T08:00:00.000Z", "logins_count": 2, "last_login": "2026-12-03T09:00:00.000Z", "identities": []}),
        ),
        profile(
            json!({"user_id": "auth0|bob", "email": "bob@x.com", "logins_count": 1, "last_login": "2026-12-02T11:00:00.000Z", "identities": []}),
        ),
        profile(
            json!({"user_id": "auth0|cat", "email": "cat@x.com", "last_password_reset": "2026-11-20T08:00:00.000Z", "logins_count": 1, "last_login": "2026-11-20T08:01:00.000Z", "identities": []}),
        ),
        profile(json!({"user_id": "auth0|dan", "email": "dan@x.com", "identities": []})),
    ];
    for (person, user) in people.iter().zip(&users) {
        let logs = from_logs.get(&person.email).cloned().unwrap_or_default();
        let read = sources::from_user(InviteMode::PasswordChange, person, user, SINCE);
        assert_eq!(logs.accepted, read.accepted, "{}", person.email);
        assert_eq!(logs.last_login, read.last_login, "{}", person.email);
        if logs.accepted {
            assert_eq!(logs.user_id, read.user_id, "{}", person.email);
        }
    }
    assert_eq!(
        from_logs["ann@x.com"].accepted_at.as_deref(),
        Some("2026-12-02T08:00:00.000Z")
    );
    assert!(
        !from_logs["cat@x.com"].accepted,
        "events before the batch say nothing"
    );
    assert!(!from_logs.contains_key("dan@x.com"));
}

#[test]
fn verification_counts_only_for_addresses_this_batch_created_unverified() {
    let created = invited("eve@x.com");
    let existing = Invited {
        created_here: false,
        ..invited("eve@x.com")
    };
    let verified = profile(
        json!({"user_id": "auth0|eve", "email": "eve@x.com", "email_verified": true, "identities": []}),
    );
    assert!(sources::from_user(InviteMode::EmailVerification, &created, &verified, SINCE).accepted);
    assert!(
        !sources::from_user(InviteMode::EmailVerification, &existing, &verified, SINCE).accepted
    );
    // An organization member is made when they accept.
    let joined = profile(
        json!({"user_id": "auth0|fay", "email": "fay@x.com", "created_at": "2026-12-02T00:00:00.000Z", "identities": []}),
    );
    let seen = sources::from_user(
        InviteMode::Organization,
        &invited("fay@x.com"),
        &joined,
        SINCE,
    );
    assert!(seen.accepted);
    assert_eq!(
        seen.accepted_at.as_deref(),
        Some("2026-12-02T00:00:00.000Z")
    );
}

#[test]
fn the_source_is_the_cheapest_for_the_batch_s_size_and_age() {
    use invite_desk_auth0::plans::TenantPlan;
    use std::time::Duration;
    let hour = Duration::from_secs(3600);
    assert_eq!(
        sources::choose(TenantPlan::Free, hour / 2, 10),
        FollowUpSource::Logs
    );
    assert_eq!(
        sources::choose(TenantPlan::Free, 24 * hour, 10),
        FollowUpSource::Users
    );
    assert_eq!(
        sources::choose(TenantPlan::Enterprise, 20 * 24 * hour, 10),
        FollowUpSource::Logs
    );
    assert_eq!(
        sources::choose(TenantPlan::Essentials, 3 * 24 * hour, 50_000),
        FollowUpSource::Export
    );
    assert_eq!(
        sources::choose(TenantPlan::Essentials, 3 * 24 * hour, 9_999),
        FollowUpSource::Users
    );
}

fn report_person(
    email: &str,
    status: FollowUpStatus,
    reminders: u32,
    reissues: u32,
) -> PersonFollowUp {
    PersonFollowUp {
        email: email.into(),
        status,
        invited_at: Some("2026-12-01T10:00:00Z".into()),
        link_expires_at: Some("2026-12-08T10:00:00Z".into()),
        accepted_at: None,
        last_login: None,
        reminders,
        reissues,
    }
}

#[test]
fn the_cadence_says_who_is_due_and_the_limit_holds_whoever_asks() {
    let settings = FollowUpSettings {
        remind_after_days: vec![3, 6],
        reissue_expired: true,
        max_reminders: 2,
        ..FollowUpSettings::default()
    };
    let people = vec![
        report_person("new@x.com", FollowUpStatus::Pending, 0, 0),
        report_person("once@x.com", FollowUpStatus::Pending, 1, 0),
        report_person("twice@x.com", FollowUpStatus::Pending, 2, 0),
        report_person("done@x.com", FollowUpStatus::Accepted, 0, 0),
        report_person("gone@x.com", FollowUpStatus::Expired, 0, 0),
        report_person("again@x.com", FollowUpStatus::Expired, 0, 1),
        report_person("never@x.com", FollowUpStatus::NotInvited, 0, 0),
    ];
    let day4 = cadence::due(&settings, &people, "2026-12-05T10:00:00Z");
    assert_eq!(day4.reminders, ["new@x.com"]);
    assert_eq!(day4.reissues, ["gone@x.com"], "a new link once");
    let day7 = cadence::due(&settings, &people, "2026-12-08T11:00:00Z");
    assert_eq!(day7.reminders, ["new@x.com", "once@x.com"]);
    let day2 = cadence::due(&settings, &people, "2026-12-03T09:00:00Z");
    assert!(day2.reminders.is_empty());
    assert!(
        !cadence::may_remind(&settings, &people[2]),
        "two is the most"
    );
    assert!(!cadence::may_remind(&settings, &people[3]));
    assert!(
        cadence::due(
            &FollowUpSettings::default(),
            &people,
            "2027-01-01T00:00:00Z"
        )
        .is_empty()
    );
}

#[test]
fn a_cadence_that_makes_no_sense_is_refused() {
    let bad = |settings: FollowUpSettings| settings.validate().unwrap_err().message;
    assert!(
        bad(FollowUpSettings {
            remind_after_days: vec![6, 3],
            ..FollowUpSettings::default()
        })
        .contains("grow")
    );
    assert!(
        bad(FollowUpSettings {
            remind_after_days: vec![0],
            ..FollowUpSettings::default()
        })
        .contains("1 to 365")
    );
    assert!(
        bad(FollowUpSettings {
            max_reminders: 50,
            ..FollowUpSettings::default()
        })
        .contains("at most")
    );
    let no_link = crate::template::TemplateSet {
        subject: "Reminder".into(),
        text: "Hello {{ greeting_name }}".into(),
        html: "<p>Hello</p>".into(),
    };
    let mut batch = crate::batch::BatchFile::new(
        Vec::new(),
        crate::batch::InvitationSettings::new("Username-Password-Authentication"),
        crate::batch::Delivery::Outbox {
            dir: "outbox".into(),
            from: None,
        },
    );
    assert!(batch.validate().is_ok(), "{:?}", batch.validate());
    batch.follow_up.reminder_template = Some(crate::template::Template::markup(no_link, "en"));
    let err = batch.validate();
    assert!(err.is_err(), "a reminder without the link is refused");
}

#[test]
fn the_built_in_reminder_and_reissue_carry_the_link_and_say_what_they_must() {
    use crate::roster::Person;
    use crate::template::{
        CompiledTemplates, Link, LinkKind, MessageKind, MessageSettings, Template,
    };
    let person = Person {
        line: 2,
        email: "ann@x.com".into(),
        given_name: None,
        family_name: None,
        name: None,
        roles: Vec::new(),
        app_metadata: serde_json::Map::new(),
        user_metadata: serde_json::Map::new(),
        locale: None,
        external_id: None,
    };
    let link = Link {
        url: "https://t.example/u/reset-password?ticket=SECRETCODE#".into(),
        expires_at: time::OffsetDateTime::now_utc() + time::Duration::days(5),
        ttl_seconds: 5 * 86_400,
    };
    for (kind, must) in [
        (MessageKind::Reminder, "also still works"),
        (MessageKind::Reissue, "expired before it was used"),
    ] {
        let set = Template::builtin(
            kind,
            LinkKind::PasswordChange,
            MessageSettings::default().known(),
        );
        let compiled = CompiledTemplates::compile(&set, "en").unwrap();
        let content = compiled
            .render(&person, &link, &MessageSettings::default())
            .unwrap();
        for part in [&content.text, &content.html] {
            assert!(part.contains("SECRETCODE"), "the link is in every part");
            assert!(part.contains(must), "{must}: {part}");
            assert!(part.contains("expires"), "says when the new link expires");
        }
    }
}

#[test]
fn acceptance_seen_once_is_kept_whatever_a_later_source_shows() {
    let before = vec![crate::journal::Seen {
        email: "Ann@x.com".into(),
        status: "accepted".into(),
        accepted_at: Some("2026-12-02T08:00:00.000Z".into()),
        last_login: Some("2026-12-02T08:01:00.000Z".into()),
        marked: false,
        checked_at: "2026-12-02T09:00:00Z".into(),
    }];
    // The later source (user reads after the logs aged out) sees nothing for her.
    let mut seen = HashMap::new();
    keep_accepted(&mut seen, &before);
    let ann = &seen["ann@x.com"];
    assert!(ann.accepted);
    assert_eq!(ann.accepted_at.as_deref(), Some("2026-12-02T08:00:00.000Z"));
    // A newer sign-in the later source does see is kept.
    let mut seen = HashMap::from([(
        "ann@x.com".to_owned(),
        Acceptance {
            accepted: false,
            accepted_at: None,
            last_login: Some("2026-12-05T10:00:00.000Z".into()),
            user_id: None,
        },
    )]);
    keep_accepted(&mut seen, &before);
    assert_eq!(
        seen["ann@x.com"].last_login.as_deref(),
        Some("2026-12-05T10:00:00.000Z")
    );
    assert!(seen["ann@x.com"].accepted);
}
