//! Portuguese (Brazilian usage, "você"; `pt-PT` readers fall back to it).

use super::{Known, Phrases, either};

pub(crate) fn phrases(k: Known) -> Phrases {
    let app = k.app_name;
    let em_app = either(app, " em {{ app_name }}", "");
    let para_app = either(app, " para {{ app_name }}", "");
    Phrases {
        subject_password: either(
            app,
            "Sua conta {{ app_name }} está pronta: crie sua senha",
            "Sua conta está pronta: crie sua senha",
        ),
        subject_verify: either(
            app,
            "Sua conta {{ app_name }} está pronta: confirme seu endereço de e-mail",
            "Sua conta está pronta: confirme seu endereço de e-mail",
        ),
        subject_organization: match (app, k.organization) {
            (true, _) => "Convite para {{ app_name }}".into(),
            (false, true) => "{{ organization }} enviou um convite para você".into(),
            (false, false) => "Você recebeu um convite".into(),
        },
        subject_reminder: format!("Lembrete: seu convite{para_app} está esperando por você"),
        subject_reissue: format!("Um novo link para o seu convite{para_app}"),
        greeting: "Olá, {{ greeting_name }},".into(),
        created: either(
            k.organization,
            &format!("{{{{ organization }}}} criou uma conta para você{em_app}."),
            &format!("Uma conta foi criada para você{em_app}."),
        ),
        invited: match (app, k.organization) {
            (true, true) => "{{ organization }} convidou você para {{ app_name }}.".into(),
            (false, true) => "{{ organization }} enviou um convite para você.".into(),
            (true, false) => "Você recebeu um convite para {{ app_name }}.".into(),
            (false, false) => "Você recebeu um convite para criar sua conta.".into(),
        },
        reminded: either(
            k.organization,
            &format!("Há alguns dias, {{{{ organization }}}} enviou a você um convite{para_app} que ainda não foi usado."),
            &format!("Há alguns dias, você recebeu um convite{para_app} que ainda não foi usado."),
        ),
        expired: format!(
            "O link de convite{para_app} que você recebeu expirou antes de ser usado. Aqui está um novo."
        ),
        account_kept: "Sua conta continua existindo.".into(),
        sign_in: "Seu login é o seu endereço de e-mail: {{ person.email }}.".into(),
        accept_with: "Você aceita o convite com o seu endereço de e-mail: {{ person.email }}.".into(),
        steps_password: format!(
            "Para ativar sua conta, abra o link abaixo e crie uma senha. Depois, entre{em_app} com {{{{ person.email }}}} e essa senha."
        ),
        steps_verify: format!(
            "Para ativar sua conta, abra o link abaixo para confirmar seu endereço de e-mail. Depois, entre{em_app} com {{{{ person.email }}}} da forma oferecida pela página de login (por exemplo, com sua conta corporativa)."
        ),
        steps_organization: "Para aceitar o convite, abra o link abaixo. Você poderá criar um login para {{ person.email }} ou usar um que já tenha.".into(),
        button_password: "Criar minha senha".into(),
        button_verify: "Confirmar meu e-mail".into(),
        button_organization: "Aceitar o convite".into(),
        expiry_invitation: "O link funciona uma única vez e expira {{ expires_in }} ({{ expires_at }}).".into(),
        expiry_reminder: "Este link funciona uma única vez e expira {{ expires_in }} ({{ expires_at }}). O link da nossa primeira mensagem também continua funcionando até expirar: use o que encontrar primeiro.".into(),
        expiry_reissue: "O novo link funciona uma única vez e expira {{ expires_in }} ({{ expires_at }}). O link anterior não funciona mais.".into(),
        help_account: either(
            k.support_contact,
            "Se o link expirou ou não funciona, sua conta continua existindo: peça um novo link entrando em contato com {{ support_contact }}.",
            "Se o link expirou ou não funciona, sua conta continua existindo: peça um novo link a quem enviou o convite.",
        ),
        help_organization: either(
            k.support_contact,
            "Se o link expirou ou não funciona, peça um novo entrando em contato com {{ support_contact }}.",
            "Se o link expirou ou não funciona, peça um novo a quem enviou o convite.",
        ),
        ignore_invitation: "Se você não esperava este convite, pode ignorar esta mensagem.".into(),
        ignore_password_set: "Se você já criou sua senha, pode ignorar esta mensagem.".into(),
        ignore_verified: "Se você já confirmou seu endereço de e-mail, pode ignorar esta mensagem.".into(),
        ignore_accepted: "Se você já aceitou o convite, pode ignorar esta mensagem.".into(),
        ignore_reissue: "Se você não esperava esta mensagem, pode ignorá-la.".into(),
        sign_off: either(k.organization, "Atenciosamente,\n{{ organization }}", "Atenciosamente"),
        link_hint: "Se o botão não funcionar, copie este endereço no seu navegador:".into(),
    }
}
