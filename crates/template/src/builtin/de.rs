//! German (formal "Sie", as business mail is written).

use super::{Known, Phrases, either};

pub(crate) fn phrases(k: Known) -> Phrases {
    let app = k.app_name;
    let bei_app = either(app, " bei {{ app_name }}", "");
    let zu_app = either(app, " zu {{ app_name }}", "");
    let fuer_app = either(app, " für {{ app_name }}", "");
    Phrases {
        subject_password: either(
            app,
            "Ihr {{ app_name }}-Konto ist bereit: Legen Sie Ihr Passwort fest",
            "Ihr Konto ist bereit: Legen Sie Ihr Passwort fest",
        ),
        subject_verify: either(
            app,
            "Ihr {{ app_name }}-Konto ist bereit: Bestätigen Sie Ihre E-Mail-Adresse",
            "Ihr Konto ist bereit: Bestätigen Sie Ihre E-Mail-Adresse",
        ),
        subject_organization: match (app, k.organization) {
            (true, _) => "Ihre Einladung zu {{ app_name }}".into(),
            (false, true) => "{{ organization }} hat Sie eingeladen".into(),
            (false, false) => "Sie wurden eingeladen".into(),
        },
        subject_reminder: format!("Erinnerung: Ihre Einladung{zu_app} wartet auf Sie"),
        subject_reissue: format!("Ein neuer Link für Ihre Einladung{zu_app}"),
        greeting: "Guten Tag {{ greeting_name }},".into(),
        created: either(
            k.organization,
            &format!("{{{{ organization }}}} hat für Sie ein Konto{bei_app} angelegt."),
            &format!("Für Sie wurde ein Konto{bei_app} angelegt."),
        ),
        invited: match (app, k.organization) {
            (true, true) => "{{ organization }} hat Sie zu {{ app_name }} eingeladen.".into(),
            (false, true) => "{{ organization }} hat Ihnen eine Einladung geschickt.".into(),
            (true, false) => "Sie wurden zu {{ app_name }} eingeladen.".into(),
            (false, false) => "Sie wurden eingeladen, ein Konto anzulegen.".into(),
        },
        reminded: either(
            k.organization,
            &format!("Vor einigen Tagen hat {{{{ organization }}}} Ihnen eine Einladung{zu_app} geschickt, die noch nicht genutzt wurde."),
            &format!("Vor einigen Tagen haben Sie eine Einladung{zu_app} erhalten, die noch nicht genutzt wurde."),
        ),
        expired: format!(
            "Der Einladungslink{fuer_app}, den Sie erhalten haben, ist abgelaufen, bevor er genutzt wurde. Hier ist ein neuer."
        ),
        account_kept: "Ihr Konto besteht weiterhin.".into(),
        sign_in: "Sie melden sich mit Ihrer E-Mail-Adresse an: {{ person.email }}.".into(),
        accept_with: "Sie nehmen die Einladung mit Ihrer E-Mail-Adresse an: {{ person.email }}.".into(),
        steps_password: format!(
            "Um Ihr Konto zu aktivieren, öffnen Sie den Link unten und legen Sie ein Passwort fest. Melden Sie sich danach{bei_app} mit {{{{ person.email }}}} und diesem Passwort an."
        ),
        steps_verify: format!(
            "Um Ihr Konto zu aktivieren, öffnen Sie den Link unten und bestätigen Sie damit Ihre E-Mail-Adresse. Melden Sie sich danach{bei_app} mit {{{{ person.email }}}} so an, wie es die Anmeldeseite anbietet (zum Beispiel mit Ihrem Firmenkonto)."
        ),
        steps_organization: "Um die Einladung anzunehmen, öffnen Sie den Link unten. Sie können dann eine Anmeldung für {{ person.email }} einrichten oder eine bestehende verwenden.".into(),
        button_password: "Passwort festlegen".into(),
        button_verify: "E-Mail-Adresse bestätigen".into(),
        button_organization: "Einladung annehmen".into(),
        expiry_invitation: "Der Link funktioniert einmal und läuft {{ expires_in }} ab ({{ expires_at }}).".into(),
        expiry_reminder: "Dieser Link funktioniert einmal und läuft {{ expires_in }} ab ({{ expires_at }}). Der Link aus unserer ersten Nachricht funktioniert ebenfalls, bis er abläuft: Verwenden Sie einfach den, den Sie zuerst finden.".into(),
        expiry_reissue: "Der neue Link funktioniert einmal und läuft {{ expires_in }} ab ({{ expires_at }}). Der frühere Link funktioniert nicht mehr.".into(),
        help_account: either(
            k.support_contact,
            "Falls der Link abgelaufen ist oder nicht funktioniert, bleibt Ihr Konto bestehen: Einen neuen Link erhalten Sie über {{ support_contact }}.",
            "Falls der Link abgelaufen ist oder nicht funktioniert, bleibt Ihr Konto bestehen: Einen neuen Link erhalten Sie von der Person, die Sie eingeladen hat.",
        ),
        help_organization: either(
            k.support_contact,
            "Falls der Link abgelaufen ist oder nicht funktioniert, erhalten Sie einen neuen über {{ support_contact }}.",
            "Falls der Link abgelaufen ist oder nicht funktioniert, erhalten Sie einen neuen von der Person, die Sie eingeladen hat.",
        ),
        ignore_invitation: "Falls Sie diese Einladung nicht erwartet haben, können Sie diese Nachricht ignorieren.".into(),
        ignore_password_set: "Falls Sie Ihr Passwort bereits festgelegt haben, können Sie diese Nachricht ignorieren.".into(),
        ignore_verified: "Falls Sie Ihre E-Mail-Adresse bereits bestätigt haben, können Sie diese Nachricht ignorieren.".into(),
        ignore_accepted: "Falls Sie die Einladung bereits angenommen haben, können Sie diese Nachricht ignorieren.".into(),
        ignore_reissue: "Falls Sie diese Nachricht nicht erwartet haben, können Sie sie ignorieren.".into(),
        sign_off: either(k.organization, "Viele Grüße\n{{ organization }}", "Viele Grüße"),
        link_hint: "Falls die Schaltfläche nicht funktioniert, kopieren Sie diese Adresse in Ihren Browser:".into(),
    }
}
