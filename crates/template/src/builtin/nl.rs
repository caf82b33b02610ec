//! Dutch (the polite "u").

use super::{Known, Phrases, either};

pub(crate) fn phrases(k: Known) -> Phrases {
    let app = k.app_name;
    let in_app = either(app, " in {{ app_name }}", "");
    let voor_app = either(app, " voor {{ app_name }}", "");
    let bij_app = either(app, " bij {{ app_name }}", "");
    Phrases {
        subject_password: either(
            app,
            "Uw {{ app_name }}-account staat klaar: stel uw wachtwoord in",
            "Uw account staat klaar: stel uw wachtwoord in",
        ),
        subject_verify: either(
            app,
            "Uw {{ app_name }}-account staat klaar: bevestig uw e-mailadres",
            "Uw account staat klaar: bevestig uw e-mailadres",
        ),
        subject_organization: match (app, k.organization) {
            (true, _) => "Uitnodiging voor {{ app_name }}".into(),
            (false, true) => "{{ organization }} heeft u uitgenodigd".into(),
            (false, false) => "U bent uitgenodigd".into(),
        },
        subject_reminder: format!("Herinnering: uw uitnodiging{voor_app} wacht op u"),
        subject_reissue: format!("Een nieuwe link voor uw uitnodiging{voor_app}"),
        greeting: "Beste {{ greeting_name }},".into(),
        created: either(
            k.organization,
            &format!("{{{{ organization }}}} heeft voor u een account{in_app} aangemaakt."),
            &format!("Er is voor u een account{in_app} aangemaakt."),
        ),
        invited: match (app, k.organization) {
            (true, true) => "{{ organization }} nodigt u uit voor {{ app_name }}.".into(),
            (false, true) => "{{ organization }} heeft u een uitnodiging gestuurd.".into(),
            (true, false) => "U bent uitgenodigd voor {{ app_name }}.".into(),
            (false, false) => "U bent uitgenodigd om een account aan te maken.".into(),
        },
        reminded: either(
            k.organization,
            &format!("Een paar dagen geleden heeft {{{{ organization }}}} u een uitnodiging{voor_app} gestuurd, die nog niet is gebruikt."),
            &format!("Een paar dagen geleden hebt u een uitnodiging{voor_app} ontvangen, die nog niet is gebruikt."),
        ),
        expired: format!(
            "De uitnodigingslink{voor_app} die u hebt ontvangen, is verlopen voordat hij werd gebruikt. Hier is een nieuwe."
        ),
        account_kept: "Uw account bestaat nog steeds.".into(),
        sign_in: "U meldt zich aan met uw e-mailadres: {{ person.email }}.".into(),
        accept_with: "U accepteert de uitnodiging met uw e-mailadres: {{ person.email }}.".into(),
        steps_password: format!(
            "Open de link hieronder en kies een wachtwoord om uw account te activeren. Meld u daarna{bij_app} aan met {{{{ person.email }}}} en dat wachtwoord."
        ),
        steps_verify: format!(
            "Open de link hieronder om uw e-mailadres te bevestigen en uw account te activeren. Meld u daarna{bij_app} aan met {{{{ person.email }}}} op de manier die de aanmeldpagina aanbiedt (bijvoorbeeld met uw werkaccount)."
        ),
        steps_organization: "Open de link hieronder om de uitnodiging te accepteren. U kunt dan een aanmelding voor {{ person.email }} aanmaken of een bestaande gebruiken.".into(),
        button_password: "Wachtwoord instellen".into(),
        button_verify: "E-mailadres bevestigen".into(),
        button_organization: "Uitnodiging accepteren".into(),
        expiry_invitation: "De link werkt één keer en verloopt {{ expires_in }} ({{ expires_at }}).".into(),
        expiry_reminder: "Deze link werkt één keer en verloopt {{ expires_in }} ({{ expires_at }}). De link uit ons eerste bericht werkt ook nog tot hij verloopt: gebruik de link die u het eerst vindt.".into(),
        expiry_reissue: "De nieuwe link werkt één keer en verloopt {{ expires_in }} ({{ expires_at }}). De vorige link werkt niet meer.".into(),
        help_account: either(
            k.support_contact,
            "Is de link verlopen of werkt hij niet? Uw account bestaat nog steeds: vraag een nieuwe link aan via {{ support_contact }}.",
            "Is de link verlopen of werkt hij niet? Uw account bestaat nog steeds: vraag een nieuwe link aan bij degene die u heeft uitgenodigd.",
        ),
        help_organization: either(
            k.support_contact,
            "Is de link verlopen of werkt hij niet? Vraag dan een nieuwe link aan via {{ support_contact }}.",
            "Is de link verlopen of werkt hij niet? Vraag dan een nieuwe link aan bij degene die u heeft uitgenodigd.",
        ),
        ignore_invitation: "Als u deze uitnodiging niet verwachtte, kunt u dit bericht negeren.".into(),
        ignore_password_set: "Als u uw wachtwoord al hebt ingesteld, kunt u dit bericht negeren.".into(),
        ignore_verified: "Als u uw e-mailadres al hebt bevestigd, kunt u dit bericht negeren.".into(),
        ignore_accepted: "Als u de uitnodiging al hebt geaccepteerd, kunt u dit bericht negeren.".into(),
        ignore_reissue: "Als u dit bericht niet verwachtte, kunt u het negeren.".into(),
        sign_off: either(k.organization, "Met vriendelijke groet,\n{{ organization }}", "Met vriendelijke groet"),
        link_hint: "Werkt de knop niet? Kopieer dan dit adres naar uw browser:".into(),
    }
}
