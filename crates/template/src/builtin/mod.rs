//! The built-in wording: every message (invitation, reminder, new link) for every kind of link
//! (password change, email verification, organization invitation) in every built-in language.
//!
//! Each language gives its sentences (`Phrases`), already shaped by what the batch knows: with an
//! application name or without, with an organization and a support contact or without, so no
//! message says "our application" or leaves a blank where a name would go. `compose` puts the same
//! sentences in the same order for every language, so each says what Auth0's guidance asks an
//! invitation to say: what to do next, when the link expires, and how to get a new one.

mod de;
mod en;
mod es;
mod fr;
mod it;
/// The English wording built in before languages (batch files of then carry it).
#[doc(hidden)]
pub mod legacy;
mod nl;
mod pt;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::wording::Wording;

/// Which message of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    #[default]
    Invitation,
    /// A reminder with a new link, to someone who has not used theirs.
    Reminder,
    /// A new link, to someone whose link expired unused.
    Reissue,
}

/// What the link does, which decides what the person is asked to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "kebab-case")]
pub enum LinkKind {
    /// A password-change ticket: they choose a password.
    #[default]
    PasswordChange,
    /// An email-verification ticket: they confirm the address, then sign in the way the application
    /// offers (nobody knows the random password the account was created with).
    EmailVerification,
    /// An organization invitation: they accept, creating their sign-in or using one they have.
    Organization,
}

/// What the batch has said, so the wording needs no blank filled with a placeholder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Known {
    pub app_name: bool,
    pub organization: bool,
    pub support_contact: bool,
}

/// The languages with built-in wording.
pub const LANGUAGES: [&str; 7] = ["en", "de", "fr", "es", "it", "nl", "pt"];

/// The built-in wording of `kind` for `link` in `language` (a tag from `LANGUAGES`).
pub fn wording(language: &str, kind: MessageKind, link: LinkKind, known: Known) -> Option<Wording> {
    let phrases = match language {
        "en" => en::phrases(known),
        "de" => de::phrases(known),
        "fr" => fr::phrases(known),
        "es" => es::phrases(known),
        "it" => it::phrases(known),
        "nl" => nl::phrases(known),
        "pt" => pt::phrases(known),
        _ => return None,
    };
    Some(compose(&phrases, kind, link))
}

/// One language's sentences. Each is whole (a sentence or two), so languages keep their own word
/// order; `{{ … }}` are the template's variables.
pub(crate) struct Phrases {
    pub subject_password: String,
    pub subject_verify: String,
    pub subject_organization: String,
    pub subject_reminder: String,
    pub subject_reissue: String,
    pub greeting: String,
    /// Who made the account (password-change and verification links).
    pub created: String,
    /// Who invites (organization invitations).
    pub invited: String,
    /// "A few days ago … an invitation … not used yet."
    pub reminded: String,
    /// "The link … expired before it was used. Here is a new one."
    pub expired: String,
    /// "Your account is still there."
    pub account_kept: String,
    /// "Your sign-in is your email address: …"
    pub sign_in: String,
    /// "Accept with your email address: …"
    pub accept_with: String,
    pub steps_password: String,
    pub steps_verify: String,
    pub steps_organization: String,
    pub button_password: String,
    pub button_verify: String,
    pub button_organization: String,
    pub expiry_invitation: String,
    pub expiry_reminder: String,
    pub expiry_reissue: String,
    /// How to get a new link when there is an account (it stays).
    pub help_account: String,
    /// How to get a new link for an organization invitation (no account yet).
    pub help_organization: String,
    pub ignore_invitation: String,
    pub ignore_password_set: String,
    pub ignore_verified: String,
    pub ignore_accepted: String,
    pub ignore_reissue: String,
    pub sign_off: String,
    pub link_hint: String,
}

fn compose(p: &Phrases, kind: MessageKind, link: LinkKind) -> Wording {
    let organization = link == LinkKind::Organization;
    let who = if organization {
        &p.accept_with
    } else {
        &p.sign_in
    };
    let opening = match kind {
        MessageKind::Invitation if organization => format!("{} {who}", p.invited),
        MessageKind::Invitation => format!("{} {who}", p.created),
        MessageKind::Reminder => format!("{} {who}", p.reminded),
        MessageKind::Reissue if organization => format!("{} {who}", p.expired),
        MessageKind::Reissue => format!("{} {} {who}", p.expired, p.account_kept),
    };
    let (steps, button, subject_first) = match link {
        LinkKind::PasswordChange => (&p.steps_password, &p.button_password, &p.subject_password),
        LinkKind::EmailVerification => (&p.steps_verify, &p.button_verify, &p.subject_verify),
        LinkKind::Organization => (
            &p.steps_organization,
            &p.button_organization,
            &p.subject_organization,
        ),
    };
    let subject = match kind {
        MessageKind::Invitation => subject_first,
        MessageKind::Reminder => &p.subject_reminder,
        MessageKind::Reissue => &p.subject_reissue,
    };
    let expiry = match kind {
        MessageKind::Invitation => &p.expiry_invitation,
        MessageKind::Reminder => &p.expiry_reminder,
        MessageKind::Reissue => &p.expiry_reissue,
    };
    let help = if organization {
        &p.help_organization
    } else {
        &p.help_account
    };
    let ignore = match (kind, link) {
        (MessageKind::Invitation, _) => &p.ignore_invitation,
        (MessageKind::Reissue, _) => &p.ignore_reissue,
        (MessageKind::Reminder, LinkKind::PasswordChange) => &p.ignore_password_set,
        (MessageKind::Reminder, LinkKind::EmailVerification) => &p.ignore_verified,
        (MessageKind::Reminder, LinkKind::Organization) => &p.ignore_accepted,
    };
    Wording {
        subject: subject.clone(),
        greeting: p.greeting.clone(),
        paragraphs: vec![opening, steps.clone()],
        button: button.clone(),
        notes: vec![expiry.clone(), help.clone(), ignore.clone()],
        sign_off: p.sign_off.clone(),
        link_hint: p.link_hint.clone(),
    }
}

/// `then` when `known`, else `otherwise`: the shape every language's optional phrase takes.
pub(crate) fn either(known: bool, then: &str, otherwise: &str) -> String {
    if known { then } else { otherwise }.to_owned()
}
