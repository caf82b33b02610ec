//! English.

use super::{Known, Phrases, either};

pub(crate) fn phrases(k: Known) -> Phrases {
    let app = k.app_name;
    let in_app = either(app, " in {{ app_name }}", "");
    let to_app = either(app, " to {{ app_name }}", "");
    let for_app = either(app, " for {{ app_name }}", "");
    Phrases {
        subject_password: either(
            app,
            "Your {{ app_name }} account is ready: set your password",
            "Your account is ready: set your password",
        ),
        subject_verify: either(
            app,
            "Your {{ app_name }} account is ready: confirm your email address",
            "Your account is ready: confirm your email address",
        ),
        subject_organization: match (app, k.organization) {
            (true, _) => "You are invited to {{ app_name }}".into(),
            (false, true) => "{{ organization }} has invited you".into(),
            (false, false) => "You have been invited".into(),
        },
        subject_reminder: format!("Reminder: your invitation{to_app} is waiting for you"),
        subject_reissue: format!("A new link for your invitation{to_app}"),
        greeting: "Hello {{ greeting_name }},".into(),
        created: either(
            k.organization,
            &format!("{{{{ organization }}}} has created an account for you{in_app}."),
            &format!("An account has been created for you{in_app}."),
        ),
        invited: match (app, k.organization) {
            (true, true) => "{{ organization }} has invited you to {{ app_name }}.".into(),
            (false, true) => "{{ organization }} has sent you an invitation.".into(),
            (true, false) => "You have been invited to {{ app_name }}.".into(),
            (false, false) => "You have been invited to create an account.".into(),
        },
        reminded: either(
            k.organization,
            &format!("A few days ago {{{{ organization }}}} sent you an invitation{to_app}, and it has not been used yet."),
            &format!("A few days ago you were sent an invitation{to_app}, and it has not been used yet."),
        ),
        expired: format!(
            "The invitation link you were sent{for_app} expired before it was used. Here is a new one."
        ),
        account_kept: "Your account is still there.".into(),
        sign_in: "Your sign-in is your email address: {{ person.email }}.".into(),
        accept_with: "You accept it with your email address: {{ person.email }}.".into(),
        steps_password: format!(
            "To claim your account, open the link below and choose a password. Then sign in{to_app} with {{{{ person.email }}}} and that password."
        ),
        steps_verify: format!(
            "To claim your account, open the link below to confirm your email address. Then sign in{to_app} with {{{{ person.email }}}} the way the sign-in page offers (for example with your work account)."
        ),
        steps_organization: "To accept, open the link below. You can then create a sign-in for {{ person.email }}, or use one you already have.".into(),
        button_password: "Set my password".into(),
        button_verify: "Confirm my email address".into(),
        button_organization: "Accept the invitation".into(),
        expiry_invitation: "The link works once and expires {{ expires_in }} ({{ expires_at }}).".into(),
        expiry_reminder: "This link works once and expires {{ expires_in }} ({{ expires_at }}). The link in our first message also still works until it expires: use whichever you find first.".into(),
        expiry_reissue: "The new link works once and expires {{ expires_in }} ({{ expires_at }}). The earlier link no longer works.".into(),
        help_account: either(
            k.support_contact,
            "If the link has expired or does not work, your account is still there: ask for a new link by contacting {{ support_contact }}.",
            "If the link has expired or does not work, your account is still there: ask the person who invited you for a new link.",
        ),
        help_organization: either(
            k.support_contact,
            "If the link has expired or does not work, ask for a new one by contacting {{ support_contact }}.",
            "If the link has expired or does not work, ask the person who invited you for a new one.",
        ),
        ignore_invitation: "If you were not expecting this invitation, you can ignore this message.".into(),
        ignore_password_set: "If you have already set your password, you can ignore this message.".into(),
        ignore_verified: "If you have already confirmed your email address, you can ignore this message.".into(),
        ignore_accepted: "If you have already accepted the invitation, you can ignore this message.".into(),
        ignore_reissue: "If you were not expecting this message, you can ignore it.".into(),
        sign_off: either(k.organization, "Best regards,\n{{ organization }}", "Best regards"),
        link_hint: "If the button does not work, copy this address into your browser:".into(),
    }
}
