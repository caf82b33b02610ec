//! Spanish ("usted", neutral for Spain and Latin America).

use super::{Known, Phrases, either};

pub(crate) fn phrases(k: Known) -> Phrases {
    let app = k.app_name;
    let en_app = either(app, " en {{ app_name }}", "");
    let a_app = either(app, " a {{ app_name }}", "");
    Phrases {
        subject_password: either(
            app,
            "Su cuenta de {{ app_name }} está lista: cree su contraseña",
            "Su cuenta está lista: cree su contraseña",
        ),
        subject_verify: either(
            app,
            "Su cuenta de {{ app_name }} está lista: confirme su dirección de correo electrónico",
            "Su cuenta está lista: confirme su dirección de correo electrónico",
        ),
        subject_organization: match (app, k.organization) {
            (true, _) => "Invitación a {{ app_name }}".into(),
            (false, true) => "{{ organization }} le ha enviado una invitación".into(),
            (false, false) => "Ha recibido una invitación".into(),
        },
        subject_reminder: format!("Recordatorio: su invitación{a_app} le está esperando"),
        subject_reissue: format!("Un nuevo enlace para su invitación{a_app}"),
        greeting: "Hola, {{ greeting_name }}:".into(),
        created: either(
            k.organization,
            &format!("{{{{ organization }}}} ha creado una cuenta para usted{en_app}."),
            &format!("Se ha creado una cuenta para usted{en_app}."),
        ),
        invited: match (app, k.organization) {
            (true, true) => "{{ organization }} le ha invitado a unirse a {{ app_name }}.".into(),
            (false, true) => "{{ organization }} le ha enviado una invitación.".into(),
            (true, false) => "Ha recibido una invitación para unirse a {{ app_name }}.".into(),
            (false, false) => "Ha recibido una invitación para crear su cuenta.".into(),
        },
        reminded: either(
            k.organization,
            &format!("Hace unos días, {{{{ organization }}}} le envió una invitación{a_app} que aún no se ha utilizado."),
            &format!("Hace unos días recibió una invitación{a_app} que aún no se ha utilizado."),
        ),
        expired: format!(
            "El enlace de invitación{a_app} que recibió caducó antes de utilizarse. Aquí tiene uno nuevo."
        ),
        account_kept: "Su cuenta sigue existiendo.".into(),
        sign_in: "Para iniciar sesión, use su dirección de correo electrónico: {{ person.email }}.".into(),
        accept_with: "La acepta con su dirección de correo electrónico: {{ person.email }}.".into(),
        steps_password: format!(
            "Para activar su cuenta, abra el enlace de abajo y cree una contraseña. Después, inicie sesión{en_app} con {{{{ person.email }}}} y esa contraseña."
        ),
        steps_verify: format!(
            "Para activar su cuenta, abra el enlace de abajo y confirme así su dirección de correo electrónico. Después, inicie sesión{en_app} con {{{{ person.email }}}} de la forma que ofrezca la página de inicio de sesión (por ejemplo, con su cuenta de empresa)."
        ),
        steps_organization: "Para aceptar la invitación, abra el enlace de abajo. Después podrá crear un acceso para {{ person.email }} o usar uno que ya tenga.".into(),
        button_password: "Crear mi contraseña".into(),
        button_verify: "Confirmar mi dirección".into(),
        button_organization: "Aceptar la invitación".into(),
        expiry_invitation: "El enlace solo funciona una vez y caduca {{ expires_in }} ({{ expires_at }}).".into(),
        expiry_reminder: "Este enlace solo funciona una vez y caduca {{ expires_in }} ({{ expires_at }}). El enlace de nuestro primer mensaje también sigue funcionando hasta que caduque: use el que encuentre primero.".into(),
        expiry_reissue: "El nuevo enlace solo funciona una vez y caduca {{ expires_in }} ({{ expires_at }}). El enlace anterior ya no funciona.".into(),
        help_account: either(
            k.support_contact,
            "Si el enlace ha caducado o no funciona, su cuenta sigue existiendo: pida un enlace nuevo a través de {{ support_contact }}.",
            "Si el enlace ha caducado o no funciona, su cuenta sigue existiendo: pida un enlace nuevo a la persona que le invitó.",
        ),
        help_organization: either(
            k.support_contact,
            "Si el enlace ha caducado o no funciona, pida uno nuevo a través de {{ support_contact }}.",
            "Si el enlace ha caducado o no funciona, pida uno nuevo a la persona que le invitó.",
        ),
        ignore_invitation: "Si no esperaba esta invitación, puede ignorar este mensaje.".into(),
        ignore_password_set: "Si ya ha creado su contraseña, puede ignorar este mensaje.".into(),
        ignore_verified: "Si ya ha confirmado su dirección de correo electrónico, puede ignorar este mensaje.".into(),
        ignore_accepted: "Si ya ha aceptado la invitación, puede ignorar este mensaje.".into(),
        ignore_reissue: "Si no esperaba este mensaje, puede ignorarlo.".into(),
        sign_off: either(k.organization, "Saludos cordiales,\n{{ organization }}", "Saludos cordiales"),
        link_hint: "Si el botón no funciona, copie esta dirección en su navegador:".into(),
    }
}
