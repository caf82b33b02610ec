//! Which language a message reads as, and whether its two parts say the same: the advanced
//! editor's parts are written separately, and a German text part under an English HTML part (the
//! one most mail programs show) is the mistake this catches. whatlang's trigram models, limited to
//! the built-in languages, decide; a part too short to tell says nothing.

use whatlang::{Detector, Lang};

const LANGUAGES: [(Lang, &str); 7] = [
    (Lang::Eng, "en"),
    (Lang::Deu, "de"),
    (Lang::Fra, "fr"),
    (Lang::Spa, "es"),
    (Lang::Ita, "it"),
    (Lang::Nld, "nl"),
    (Lang::Por, "pt"),
];

/// Whether `primary` (a language subtag) is one `language` can recognise.
pub fn knows(primary: &str) -> bool {
    LANGUAGES.iter().any(|(_, tag)| *tag == primary)
}

/// The language subtag `text` reads as, when it is clear.
pub fn language(text: &str) -> Option<&'static str> {
    let words = prose(text);
    if words.split_whitespace().count() < 8 {
        return None;
    }
    let detector = Detector::with_allowlist(LANGUAGES.iter().map(|(l, _)| *l).collect());
    let info = detector.detect(&words)?;
    if !info.is_reliable() {
        return None;
    }
    LANGUAGES
        .iter()
        .find(|(l, _)| *l == info.lang())
        .map(|(_, tag)| *tag)
}

/// The words of a text, without addresses and links (which read as no language).
fn prose(text: &str) -> String {
    text.split_whitespace()
        .filter(|w| !w.contains('@') && !w.contains("://"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// What an HTML part says: its text, tags and the head left out, the common entities decoded.
pub fn html_text(html: &str) -> String {
    let body = html.find("<body").map_or(html, |at| &html[at..]);
    let mut out = String::with_capacity(body.len() / 2);
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
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&#x2f;", "/")
        .replace("&nbsp;", " ")
}

fn words(text: &str) -> std::collections::BTreeSet<String> {
    prose(text)
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| w.chars().count() >= 3)
        .map(str::to_lowercase)
        .collect()
}

/// Whether the text part and the HTML part share most of their words (the smaller part's, so a
/// hint under a button does not count against them).
pub fn say_the_same(text: &str, html: &str) -> bool {
    let (a, b) = (words(text), words(&html_text(html)));
    let smaller = a.len().min(b.len());
    if smaller < 8 {
        return true;
    }
    let shared = a.intersection(&b).count();
    shared * 10 >= smaller * 6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_are_told_apart_and_short_text_says_nothing() {
        assert_eq!(
            language(
                "Ihr Konto ist bereit. Öffnen Sie den Link unten und legen Sie ein Passwort fest, danach melden Sie sich an."
            ),
            Some("de")
        );
        assert_eq!(
            language(
                "Your account is ready. Open the link below and choose a password, then sign in with your email address."
            ),
            Some("en")
        );
        assert_eq!(language("Hello Jane"), None);
    }

    #[test]
    fn parts_that_say_different_things_are_told() {
        let text = "Your account is ready. Open the link below and choose a password, then sign in with your address.";
        let same = format!(
            "<html><body><p>{text}</p><p>If the button does not work, copy this</p></body></html>"
        );
        assert!(say_the_same(text, &same));
        let other = "<html><body><p>Welcome to the spring newsletter: twelve recipes for asparagus season and gardening tips.</p></body></html>";
        assert!(!say_the_same(text, other));
    }
}
