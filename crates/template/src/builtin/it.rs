//! Italian (the courtesy "Lei", as business mail is written).

use super::{Known, Phrases, either};

pub(crate) fn phrases(k: Known) -> Phrases {
    let app = k.app_name;
    let su_app = either(app, " su {{ app_name }}", "");
    let a_app = either(app, " a {{ app_name }}", "");
    Phrases {
        subject_password: either(
            app,
            "Il Suo account {{ app_name }} è pronto: imposti la password",
            "Il Suo account è pronto: imposti la password",
        ),
        subject_verify: either(
            app,
            "Il Suo account {{ app_name }} è pronto: confermi il Suo indirizzo email",
            "Il Suo account è pronto: confermi il Suo indirizzo email",
        ),
        subject_organization: match (app, k.organization) {
            (true, _) => "Invito a {{ app_name }}".into(),
            (false, true) => "{{ organization }} Le ha inviato un invito".into(),
            (false, false) => "Ha ricevuto un invito".into(),
        },
        subject_reminder: format!("Promemoria: il Suo invito{a_app} La aspetta"),
        subject_reissue: format!("Un nuovo link per il Suo invito{a_app}"),
        greeting: "Buongiorno {{ greeting_name }},".into(),
        created: either(
            k.organization,
            &format!("{{{{ organization }}}} ha creato un account per Lei{su_app}."),
            &format!("È stato creato un account per Lei{su_app}."),
        ),
        invited: match (app, k.organization) {
            (true, true) => "{{ organization }} La invita a unirsi a {{ app_name }}.".into(),
            (false, true) => "{{ organization }} Le ha inviato un invito.".into(),
            (true, false) => "Ha ricevuto un invito a unirsi a {{ app_name }}.".into(),
            (false, false) => "Ha ricevuto un invito a creare il Suo account.".into(),
        },
        reminded: either(
            k.organization,
            &format!("Alcuni giorni fa {{{{ organization }}}} Le ha inviato un invito{a_app} che non è ancora stato utilizzato."),
            &format!("Alcuni giorni fa ha ricevuto un invito{a_app} che non è ancora stato utilizzato."),
        ),
        expired: format!(
            "Il link di invito{a_app} che ha ricevuto è scaduto prima di essere utilizzato. Eccone uno nuovo."
        ),
        account_kept: "Il Suo account esiste ancora.".into(),
        sign_in: "Per accedere usi il Suo indirizzo email: {{ person.email }}.".into(),
        accept_with: "Può accettarlo con il Suo indirizzo email: {{ person.email }}.".into(),
        steps_password: format!(
            "Per attivare l'account, apra il link qui sotto e scelga una password. Poi acceda{a_app} con {{{{ person.email }}}} e quella password."
        ),
        steps_verify: format!(
            "Per attivare l'account, apra il link qui sotto per confermare il Suo indirizzo email. Poi acceda{a_app} con {{{{ person.email }}}} nel modo proposto dalla pagina di accesso (ad esempio con il Suo account aziendale)."
        ),
        steps_organization: "Per accettare l'invito, apra il link qui sotto. Potrà quindi creare un accesso per {{ person.email }} oppure usarne uno che ha già.".into(),
        button_password: "Imposta la password".into(),
        button_verify: "Conferma l'indirizzo email".into(),
        button_organization: "Accetta l'invito".into(),
        expiry_invitation: "Il link funziona una sola volta e scade {{ expires_in }} ({{ expires_at }}).".into(),
        expiry_reminder: "Questo link funziona una sola volta e scade {{ expires_in }} ({{ expires_at }}). Anche il link del nostro primo messaggio funziona fino alla sua scadenza: usi quello che trova per primo.".into(),
        expiry_reissue: "Il nuovo link funziona una sola volta e scade {{ expires_in }} ({{ expires_at }}). Il link precedente non funziona più.".into(),
        help_account: either(
            k.support_contact,
            "Se il link è scaduto o non funziona, il Suo account esiste ancora: ne chieda uno nuovo contattando {{ support_contact }}.",
            "Se il link è scaduto o non funziona, il Suo account esiste ancora: ne chieda uno nuovo a chi Le ha inviato l'invito.",
        ),
        help_organization: either(
            k.support_contact,
            "Se il link è scaduto o non funziona, ne chieda uno nuovo contattando {{ support_contact }}.",
            "Se il link è scaduto o non funziona, ne chieda uno nuovo a chi Le ha inviato l'invito.",
        ),
        ignore_invitation: "Se non si aspettava questo invito, può ignorare questo messaggio.".into(),
        ignore_password_set: "Se ha già impostato la password, può ignorare questo messaggio.".into(),
        ignore_verified: "Se ha già confermato il Suo indirizzo email, può ignorare questo messaggio.".into(),
        ignore_accepted: "Se ha già accettato l'invito, può ignorare questo messaggio.".into(),
        ignore_reissue: "Se non si aspettava questo messaggio, può ignorarlo.".into(),
        sign_off: either(k.organization, "Cordiali saluti,\n{{ organization }}", "Cordiali saluti"),
        link_hint: "Se il pulsante non funziona, copi questo indirizzo nel browser:".into(),
    }
}
