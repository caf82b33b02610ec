//! The built-in wording in every language, for every message and kind of link, and wording laid out
//! into both parts: what a person receives, read back from the rendered message.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use invite_desk_roster::Person;
use invite_desk_template::builtin::LANGUAGES;
use invite_desk_template::{
    CompiledTemplates, Dates, Known, Link, LinkKind, MessageKind, MessageSettings, Style, Template,
    Variant, Wording, link_secret,
};
use proptest::prelude::*;
use time::OffsetDateTime;

const KINDS: [MessageKind; 3] = [
    MessageKind::Invitation,
    MessageKind::Reminder,
    MessageKind::Reissue,
];
const LINKS: [LinkKind; 3] = [
    LinkKind::PasswordChange,
    LinkKind::EmailVerification,
    LinkKind::Organization,
];

fn link() -> Link {
    Link {
        url: "https://acme.eu.auth0.com/u/reset-password?ticket=vCXrmOFD88EqTjKpvxBEwG7KmlQ0QFmS#type=invite&app=Portal".into(),
        expires_at: OffsetDateTime::from_unix_timestamp(1_795_000_000).unwrap(),
        ttl_seconds: 7 * 86_400,
    }
}

fn person(locale: &str, given: Option<&str>, name: Option<&str>) -> Person {
    Person {
        line: 2,
        email: "p.o'neil+x@example.com".into(),
        given_name: given.map(str::to_owned),
        family_name: None,
        name: name.map(str::to_owned),
        roles: Vec::new(),
        app_metadata: serde_json::Map::new(),
        user_metadata: serde_json::Map::new(),
        locale: Some(locale.into()),
        external_id: None,
    }
}

fn settings(known: Known) -> MessageSettings {
    let pick = |on: bool, value: &str| if on { value.to_owned() } else { String::new() };
    MessageSettings {
        app_name: pick(known.app_name, "Portal <b>"),
        organization: pick(known.organization, "Acme & Co"),
        support_contact: pick(known.support_contact, "help@acme.example"),
        ..MessageSettings::default()
    }
}

/// The HTML part's visible words, entities decoded (a different reading from the engine's own).
fn visible(html: &str) -> String {
    let body = &html[html.find("<body").unwrap()..];
    let mut out = String::new();
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let mut decoded = String::new();
    let mut rest = out.as_str();
    while let Some(amp) = rest.find('&') {
        decoded.push_str(&rest[..amp]);
        let end = rest[amp..].find(';').map(|e| amp + e);
        let entity = end.map(|e| &rest[amp + 1..e]);
        let character = match entity {
            Some("amp") => Some('&'),
            Some("lt") => Some('<'),
            Some("gt") => Some('>'),
            Some("quot") => Some('"'),
            Some(e) if e.starts_with("#x") => u32::from_str_radix(&e[2..], 16)
                .ok()
                .and_then(char::from_u32),
            Some(e) if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match (character, end) {
            (Some(c), Some(e)) => {
                decoded.push(c);
                rest = &rest[e + 1..];
            }
            _ => {
                decoded.push('&');
                rest = &rest[amp + 1..];
            }
        }
    }
    decoded.push_str(rest);
    squeeze(&decoded)
}

fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn every_known() -> Vec<Known> {
    let mut all = Vec::new();
    for bits in 0..8u8 {
        all.push(Known {
            app_name: bits & 1 != 0,
            organization: bits & 2 != 0,
            support_contact: bits & 4 != 0,
        });
    }
    all
}

#[test]
fn every_builtin_message_says_what_to_do_when_it_expires_and_how_to_get_a_new_one() {
    let dates = Dates::default();
    let secret = link_secret(&link().url);
    let mut rendered = 0;
    for kind in KINDS {
        for link_kind in LINKS {
            for known in every_known() {
                let template = Template::builtin(kind, link_kind, known);
                assert_eq!(template.languages.len(), LANGUAGES.len());
                let compiled = CompiledTemplates::compile(&template, "en").unwrap();
                assert!(
                    compiled.warnings().is_empty(),
                    "{kind:?} {link_kind:?} {known:?}: {:?}",
                    compiled.warnings()
                );
                let settings = settings(known);
                for language in LANGUAGES {
                    let Some(Variant::Wording(words)) = template.languages.get(language) else {
                        panic!("{language}")
                    };
                    for someone in [
                        person(language, None, None),
                        person(
                            language,
                            Some("<script>alert(1)</script>"),
                            Some("Zoë \"Z\" O'Brien"),
                        ),
                        person(language, Some("Eve\r\nBcc: x@y.example"), None),
                    ] {
                        let content = compiled.render(&someone, &link(), &settings).unwrap();
                        let context = format!("{kind:?} {link_kind:?} {known:?} {language}");
                        assert_eq!(content.language, language, "{context}");
                        assert!(!content.subject.contains('\n'), "{context}");
                        let html_words = visible(&content.html);
                        let text_words = squeeze(&content.text);
                        for (part, words_of_part) in [("text", &text_words), ("html", &html_words)]
                        {
                            assert!(
                                content.text.contains(&link().url),
                                "{context}: the text part holds the link exactly"
                            );
                            assert!(
                                words_of_part.contains(&secret),
                                "{context}: the {part} part carries the link"
                            );
                            let expires_in = dates.expires_in(language, 7 * 86_400);
                            let expires_at = dates.date_time(language, link().expires_at);
                            assert!(
                                words_of_part.contains(&squeeze(&expires_in)),
                                "{context} {part}: {expires_in}"
                            );
                            assert!(
                                words_of_part.contains(&squeeze(&expires_at)),
                                "{context} {part}: {expires_at}"
                            );
                            if known.support_contact {
                                assert!(
                                    words_of_part.contains("help@acme.example"),
                                    "{context} {part}"
                                );
                            }
                            if known.app_name {
                                assert!(
                                    words_of_part.contains("Portal <b>"),
                                    "{context} {part}: names the application"
                                );
                            }
                            assert!(!words_of_part.contains("our application"), "{context}");
                            // The note on a new link is there, whatever was known.
                            let help = &words.notes[1];
                            let opening: String =
                                help.chars().take_while(|c| *c != '{').take(30).collect();
                            assert!(
                                words_of_part.contains(squeeze(&opening).as_str()),
                                "{context} {part}: {opening}"
                            );
                        }
                        assert!(!content.html.contains("<script>"), "{context}");
                        assert!(
                            !content.html.contains("Portal <b>"),
                            "{context}: names are escaped in HTML"
                        );
                        rendered += 1;
                    }
                }
            }
        }
    }
    assert_eq!(rendered, 3 * 3 * 8 * LANGUAGES.len() * 3);
}

#[test]
fn the_wording_asks_for_what_the_link_does() {
    let known = Known {
        app_name: true,
        organization: true,
        support_contact: true,
    };
    let words = |kind, link_kind| {
        let Some(Variant::Wording(w)) = Template::builtin(kind, link_kind, known)
            .languages
            .remove("en")
        else {
            panic!()
        };
        w.paragraphs.join(" ") + " " + &w.button
    };
    let password = words(MessageKind::Invitation, LinkKind::PasswordChange);
    assert!(password.contains("choose a password"), "{password}");
    let verify = words(MessageKind::Invitation, LinkKind::EmailVerification);
    assert!(verify.contains("confirm your email address"), "{verify}");
    assert!(
        !verify.contains("password"),
        "nobody knows a verification account's password: {verify}"
    );
    let organization = words(MessageKind::Reminder, LinkKind::Organization);
    assert!(organization.contains("accept"), "{organization}");
    assert!(!organization.contains("password"), "{organization}");
}

#[test]
fn a_person_reads_their_language_or_the_nearest_one() {
    let template = Template::builtin(
        MessageKind::Invitation,
        LinkKind::PasswordChange,
        MessageSettings::default().known(),
    );
    let compiled = CompiledTemplates::compile(&template, "fr").unwrap();
    let read = |locale: Option<&str>| {
        let mut someone = person("en", Some("Ann"), None);
        someone.locale = locale.map(str::to_owned);
        compiled
            .render(&someone, &link(), &MessageSettings::default())
            .unwrap()
    };
    assert_eq!(read(Some("de-AT")).language, "de");
    assert!(
        read(Some("de-AT"))
            .subject
            .starts_with("Ihr Konto ist bereit")
    );
    assert_eq!(read(Some("pt-BR")).language, "pt");
    assert_eq!(
        read(Some("sv")).language,
        "fr",
        "no Swedish: the batch's language"
    );
    assert_eq!(read(None).language, "fr");
    // French as Canada writes its times.
    assert!(
        read(Some("fr-CA")).text.contains("h 06 UTC"),
        "{}",
        read(Some("fr-CA")).text
    );
    assert!(compiled.has_language("de-CH"));
    assert!(!compiled.has_language("sv"));

    let german_only = Template {
        languages: template
            .languages
            .into_iter()
            .filter(|(tag, _)| tag == "de")
            .collect(),
        style: Style::default(),
    };
    let error = CompiledTemplates::compile(&german_only, "en").unwrap_err();
    assert!(
        error
            .message
            .contains("no wording in the batch's language, English (en)"),
        "{}",
        error.message
    );
}

#[test]
fn a_wording_error_is_placed_in_its_language_and_field() {
    let mut template = Template::builtin(
        MessageKind::Invitation,
        LinkKind::PasswordChange,
        MessageSettings::default().known(),
    );
    let Some(Variant::Wording(german)) = template.languages.get_mut("de") else {
        panic!()
    };
    german.paragraphs[1] = "Öffnen Sie {{ person.frist_name }} den Link.".into();
    let error = CompiledTemplates::compile(&template, "en").unwrap_err();
    assert!(
        error.message.starts_with(
            "German (de): paragraph 2, column 22: unknown variable `person.frist_name`"
        ),
        "{}",
        error.message
    );
    let Some(Variant::Wording(german)) = template.languages.get_mut("de") else {
        panic!()
    };
    german.paragraphs[1] = "Zeile eins\n{% if %}".into();
    let error = CompiledTemplates::compile(&template, "en").unwrap_err();
    assert!(
        error
            .message
            .starts_with("German (de): paragraph 2, line 2, column"),
        "{}",
        error.message
    );
}

#[test]
fn english_words_under_a_french_tag_are_pointed_out() {
    let mut template = Template::builtin(
        MessageKind::Invitation,
        LinkKind::PasswordChange,
        MessageSettings::default().known(),
    );
    let english = template.languages["en"].clone();
    template.languages.insert("fr".into(), english);
    let compiled = CompiledTemplates::compile(&template, "en").unwrap();
    assert!(
        compiled
            .warnings()
            .iter()
            .any(|w| w.starts_with("French (fr): its words read as English")),
        "{:?}",
        compiled.warnings()
    );
}

fn words_strategy() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[A-Za-zÀ-ÿ0-9 ,.!?;:'\"&<>/()-]{1,24}",
        Just("{{ person.email }}".to_owned()),
        Just("{{ app_name }}".to_owned()),
        Just("{{ greeting_name }}".to_owned()),
        Just("{{ expires_in }}".to_owned()),
        Just("{".to_owned()),
        Just("}".to_owned()),
    ];
    proptest::collection::vec(piece, 1..6).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]
    /// Whatever the admin writes, both parts carry the same words, in the same order.
    #[test]
    fn both_parts_carry_the_same_words(
        subject in "[A-Za-z ]{1,30}",
        greeting in words_strategy(),
        paragraphs in proptest::collection::vec(words_strategy(), 0..4),
        button in "[A-Za-zÀ-ÿ &<>]{1,20}",
        notes in proptest::collection::vec(words_strategy(), 0..3),
        sign_off in words_strategy(),
    ) {
        let wording = Wording {
            subject,
            greeting,
            paragraphs,
            button,
            notes,
            sign_off,
            link_hint: "Copy this address:".into(),
        };
        let template = Template {
            languages: [("en".to_owned(), Variant::Wording(wording))].into(),
            style: Style::default(),
        };
        // Fields that are only spaces, or a tag the engine refuses, make no message: nothing to compare.
        let Ok(compiled) = CompiledTemplates::compile(&template, "en") else { return Ok(()); };
        let settings = MessageSettings { app_name: "Portal & <Co>".into(), ..MessageSettings::default() };
        let content = compiled.render(&person("en", Some("Ann"), None), &link(), &settings).unwrap();
        let html_words = visible(&content.html);
        let mut from = 0;
        for paragraph in content.text.split("\n\n").map(squeeze).filter(|p| !p.is_empty()) {
            // The button line is "label: link": the HTML has the label on the button, the link under it.
            let paragraph = match paragraph.strip_suffix(&format!(": {}", link().url)) {
                Some(label) => label.to_owned(),
                None => paragraph,
            };
            let found = html_words[from..].find(&paragraph);
            prop_assert!(found.is_some(), "{paragraph:?} not in the HTML part after {from}: {html_words:?}");
            from += found.unwrap_or(0) + paragraph.len();
        }
    }
}

#[test]
fn runtime_errors_escapes_and_missing_fields_are_named_where_they_are() {
    let mut template = Template::builtin(
        MessageKind::Invitation,
        LinkKind::PasswordChange,
        MessageSettings::default().known(),
    );
    // What fails only when it runs is placed at its field too, not at a line of the layout.
    let Some(Variant::Wording(german)) = template.languages.get_mut("de") else {
        panic!()
    };
    german.paragraphs[1] = "Teilen: {{ 1 // 0 }}".into();
    let error = CompiledTemplates::compile(&template, "en").unwrap_err();
    assert!(
        error
            .message
            .starts_with("German (de): paragraph 2, column"),
        "{}",
        error.message
    );

    // Words are always escaped: no way around it in wording.
    let Some(Variant::Wording(german)) = template.languages.get_mut("de") else {
        panic!()
    };
    german.paragraphs[1] = "{{ person.user_metadata.bio | safe }}".into();
    let error = CompiledTemplates::compile(&template, "en").unwrap_err();
    assert!(
        error.message.contains("`safe` is not for wording"),
        "{}",
        error.message
    );

    // A field left out of a file is named; a newer file says to update, whatever it holds.
    let file = "format = \"invite-desk-template\"\nversion = 2\n[languages.en]\nsubject = \"a\"\ngreeting = \"b\"\nparagraphs = []\nbutton = \"c\"\nnotes = []\nsign_off = \"d\"\n";
    let error = invite_desk_template::TemplateFile::from_toml(file).unwrap_err();
    assert!(
        error.message.contains("missing field `link_hint`"),
        "{}",
        error.message
    );
    let newer = "format = \"invite-desk-template\"\nversion = 3\nsomething_new = 1\n[languages.en]\nsubject = \"a\"\n";
    let error = invite_desk_template::TemplateFile::from_toml(newer).unwrap_err();
    assert!(
        error.message.contains("update Invite Desk"),
        "{}",
        error.message
    );
    // A version 1 file with a key of its own still reads.
    let old = "subject = \"Hi\"\nhtml = \"<a href='{{ link }}'>x</a>\"\ntext = \"{{ link }}\"\nauthor = \"IT\"\n";
    assert!(invite_desk_template::TemplateFile::from_toml(old).is_ok());
}

#[test]
fn a_language_written_in_two_scripts_reads_its_own() {
    let english = Template::builtin(
        MessageKind::Invitation,
        LinkKind::PasswordChange,
        MessageSettings::default().known(),
    )
    .languages["en"]
        .clone();
    let mut template = Template {
        languages: [("en".to_owned(), english.clone())].into(),
        style: Style::default(),
    };
    for (tag, subject) in [("zh-Hans", "简体"), ("zh-Hant", "繁體")] {
        let Variant::Wording(mut words) = english.clone() else {
            panic!()
        };
        words.subject = subject.into();
        template
            .languages
            .insert(tag.into(), Variant::Wording(words));
    }
    let compiled = CompiledTemplates::compile(&template, "en").unwrap();
    let subject = |locale: &str| {
        let mut someone = person(locale, Some("Li"), None);
        someone.locale = Some(locale.into());
        compiled
            .render(&someone, &link(), &MessageSettings::default())
            .unwrap()
            .subject
    };
    assert_eq!(subject("zh-TW"), "繁體");
    assert_eq!(subject("zh-CN"), "简体");
    assert_eq!(subject("zh"), "简体");
}
