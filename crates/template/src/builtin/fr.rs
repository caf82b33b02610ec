//! French ("vous"; a no-break space before a colon, as French typography sets it).

use super::{Known, Phrases, either};

pub(crate) fn phrases(k: Known) -> Phrases {
    let app = k.app_name;
    let dans_app = either(app, " dans {{ app_name }}", "");
    let a_app = either(app, " à {{ app_name }}", "");
    let rejoindre_app = either(app, " à rejoindre {{ app_name }}", "");
    Phrases {
        subject_password: either(
            app,
            "Votre compte {{ app_name }} est prêt\u{a0}: choisissez votre mot de passe",
            "Votre compte est prêt\u{a0}: choisissez votre mot de passe",
        ),
        subject_verify: either(
            app,
            "Votre compte {{ app_name }} est prêt\u{a0}: confirmez votre adresse e-mail",
            "Votre compte est prêt\u{a0}: confirmez votre adresse e-mail",
        ),
        subject_organization: match (app, k.organization) {
            (true, _) => "Invitation à rejoindre {{ app_name }}".into(),
            (false, true) => "{{ organization }} vous invite".into(),
            (false, false) => "Vous avez reçu une invitation".into(),
        },
        subject_reminder: format!("Rappel\u{a0}: votre invitation{rejoindre_app} vous attend"),
        subject_reissue: format!("Un nouveau lien pour votre invitation{rejoindre_app}"),
        greeting: "Bonjour {{ greeting_name }},".into(),
        created: either(
            k.organization,
            &format!("{{{{ organization }}}} a créé un compte pour vous{dans_app}."),
            &format!("Un compte a été créé pour vous{dans_app}."),
        ),
        invited: match (app, k.organization) {
            (true, true) => "{{ organization }} vous invite à rejoindre {{ app_name }}.".into(),
            (false, true) => "{{ organization }} vous a envoyé une invitation.".into(),
            (true, false) => "Une invitation à rejoindre {{ app_name }} vous a été envoyée.".into(),
            (false, false) => "Une invitation à créer votre compte vous a été envoyée.".into(),
        },
        reminded: either(
            k.organization,
            &format!("Il y a quelques jours, {{{{ organization }}}} vous a envoyé une invitation{rejoindre_app}, qui n'a pas encore été utilisée."),
            &format!("Il y a quelques jours, une invitation{rejoindre_app} vous a été envoyée, et elle n'a pas encore été utilisée."),
        ),
        expired: format!(
            "Le lien d'invitation{a_app} que vous avez reçu a expiré avant d'être utilisé. En voici un nouveau."
        ),
        account_kept: "Votre compte existe toujours.".into(),
        sign_in: "Votre identifiant est votre adresse e-mail\u{a0}: {{ person.email }}.".into(),
        accept_with: "Vous l'acceptez avec votre adresse e-mail\u{a0}: {{ person.email }}.".into(),
        steps_password: format!(
            "Pour activer votre compte, ouvrez le lien ci-dessous et choisissez un mot de passe. Connectez-vous ensuite{a_app} avec {{{{ person.email }}}} et ce mot de passe."
        ),
        steps_verify: format!(
            "Pour activer votre compte, ouvrez le lien ci-dessous afin de confirmer votre adresse e-mail. Connectez-vous ensuite{a_app} avec {{{{ person.email }}}} de la manière proposée par la page de connexion (par exemple avec votre compte professionnel)."
        ),
        steps_organization: "Pour accepter l'invitation, ouvrez le lien ci-dessous. Vous pourrez alors créer un identifiant pour {{ person.email }} ou utiliser un identifiant existant.".into(),
        button_password: "Choisir mon mot de passe".into(),
        button_verify: "Confirmer mon adresse e-mail".into(),
        button_organization: "Accepter l'invitation".into(),
        expiry_invitation: "Le lien ne fonctionne qu'une fois et expire {{ expires_in }} ({{ expires_at }}).".into(),
        expiry_reminder: "Ce lien ne fonctionne qu'une fois et expire {{ expires_in }} ({{ expires_at }}). Le lien de notre premier message reste valable jusqu'à son expiration\u{a0}: utilisez celui que vous trouvez en premier.".into(),
        expiry_reissue: "Le nouveau lien ne fonctionne qu'une fois et expire {{ expires_in }} ({{ expires_at }}). L'ancien lien ne fonctionne plus.".into(),
        help_account: either(
            k.support_contact,
            "Si le lien a expiré ou ne fonctionne pas, votre compte existe toujours\u{a0}: demandez un nouveau lien en contactant {{ support_contact }}.",
            "Si le lien a expiré ou ne fonctionne pas, votre compte existe toujours\u{a0}: demandez un nouveau lien à la personne qui vous a invité.",
        ),
        help_organization: either(
            k.support_contact,
            "Si le lien a expiré ou ne fonctionne pas, demandez-en un nouveau en contactant {{ support_contact }}.",
            "Si le lien a expiré ou ne fonctionne pas, demandez-en un nouveau à la personne qui vous a invité.",
        ),
        ignore_invitation: "Si vous n'attendiez pas cette invitation, vous pouvez ignorer ce message.".into(),
        ignore_password_set: "Si vous avez déjà choisi votre mot de passe, vous pouvez ignorer ce message.".into(),
        ignore_verified: "Si vous avez déjà confirmé votre adresse e-mail, vous pouvez ignorer ce message.".into(),
        ignore_accepted: "Si vous avez déjà accepté l'invitation, vous pouvez ignorer ce message.".into(),
        ignore_reissue: "Si vous n'attendiez pas ce message, vous pouvez l'ignorer.".into(),
        sign_off: either(k.organization, "Cordialement,\n{{ organization }}", "Cordialement"),
        link_hint: "Si le bouton ne fonctionne pas, copiez cette adresse dans votre navigateur\u{a0}:".into(),
    }
}
