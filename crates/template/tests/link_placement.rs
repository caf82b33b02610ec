//! Property: whatever a person's data and however a template combines its pieces, a message that
//! renders has its link only in an `<a href>` or in visible text. Checked here by a different
//! reading of the HTML than the one the renderer uses (positions of `<`, `>` and raw-text tags).

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use invite_desk_roster::Person;
use invite_desk_template::{
    CompiledTemplates, Link, MessageSettings, Template, TemplateSet, link_secret,
};
use proptest::prelude::*;

const PIECES: &[&str] = &[
    r#"<a href="{{ link }}">Set your password</a>"#,
    "<p>{{ link }}</p>",
    "<p>Hello {{ greeting_name }}</p>",
    r#"<img src="https://x.example/?l={{ link }}">"#,
    r#"<img alt="{{ person.name }}" src="cid:logo">"#,
    r#"<a href="{{ link }}" title="{{ link }}">x</a>"#,
    r#"<a href="https://x.example/?t={{ link }}">x</a>"#,
    "<style>.b{color:red}</style>",
    "<!-- {{ person.email }} -->",
    "{% if person.given_name %}<b>{{ person.given_name }}</b>{% endif %}",
    r#"{% if person.given_name == "Zed" %}<div data-l="{{ link }}"></div>{% endif %}"#,
    "<title>{{ app_name }}</title>",
    r#"<td style="color:#333">{{ person.family_name }}</td>"#,
];

/// Where the text at `at` sits, read from what comes before it.
fn allowed_at(html: &str, at: usize) -> bool {
    let before = &html[..at];
    let lower = before.to_ascii_lowercase();
    let inside_tag = before
        .rfind('<')
        .is_some_and(|lt| before.rfind('>').is_none_or(|gt| gt < lt));
    if inside_tag {
        let tag_start = before.rfind('<').unwrap();
        let tag = &lower[tag_start..];
        return tag.starts_with("<a ") && tag.ends_with("href=\"");
    }
    let open_after = |open: &str, close: &str| {
        lower
            .rfind(open)
            .is_some_and(|o| lower.rfind(close).is_none_or(|c| c < o))
    };
    !(open_after("<style", "</style")
        || open_after("<title", "</title")
        || open_after("<!--", "-->"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn a_rendered_message_has_its_link_only_where_it_belongs(
        pieces in proptest::collection::vec(0..PIECES.len(), 1..6),
        given in proptest::option::of("[A-Za-z<>\"'=/ -]{0,12}|Zed"),
        family in "[A-Za-z<>\"'&;= -]{0,12}",
    ) {
        let html: String = pieces.iter().map(|&i| PIECES[i]).collect();
        let set = TemplateSet {
            subject: "Hello".into(),
            html,
            text: "{{ link }}\n".into(),
        };
        let Ok(compiled) = CompiledTemplates::compile(&Template::markup(set, "en"), "en") else { return Ok(()); };
        let person = Person {
            line: 2,
            email: "ann@example.com".into(),
            given_name: given,
            family_name: Some(family),
            name: None,
            roles: Vec::new(),
            app_metadata: serde_json::Map::new(),
            user_metadata: serde_json::Map::new(),
            locale: None,
            external_id: None,
        };
        let link = Link {
            url: "https://acme.example/u/reset-password?ticket=Q7xWv2LpZr9KmT3b#type=invite".into(),
            expires_at: time::OffsetDateTime::now_utc(),
            ttl_seconds: 86_400,
        };
        let Ok(content) = compiled.render(&person, &link, &MessageSettings::default()) else { return Ok(()); };
        let secret = link_secret(&link.url);
        for (at, _) in content.html.match_indices(&secret) {
            // Back to the start of the link itself.
            let start = content.html[..at].rfind("https://acme.example").unwrap_or(at);
            prop_assert!(allowed_at(&content.html, start), "{}", content.html);
        }
        prop_assert!(!content.subject.contains(&secret));
    }
}
