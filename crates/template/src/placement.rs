//! Where a rendered HTML message puts the invitation link, and what it loads from elsewhere.
//!
//! A link is a bearer secret. In HTML it may appear only where a reader follows or copies it: the
//! `href` of an `<a>` and the visible text. Anywhere else (an image's `src`, a style, a form, a
//! comment, an attribute of any other element) a mail client fetches it, or someone's proxy logs it,
//! without anyone clicking. Remote resources (images, style sheets, fonts) are reported: embedded
//! `data:` and `cid:` images are the way to brand a message.
//!
//! A small tokenizer of our own: the messages are our templates' output, and all it needs is
//! tags, their attributes, text, comments and raw-text elements.

/// Where a piece of the message sits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// Text a reader sees.
    Text,
    /// An attribute's value: the element and the attribute (both lower case).
    Attribute { element: String, attribute: String },
    /// Inside `<style>`, `<script>`, `<title>` or a comment.
    Hidden(&'static str),
}

impl Place {
    /// Whether `value` (the text or attribute value holding the link's secret) is a place for the
    /// link `link`: the text, or an `<a href>` that is the link itself (not another address that
    /// carries it along).
    fn allows_link(&self, value: &str, link: &str) -> bool {
        match self {
            Place::Text => true,
            Place::Attribute { element, attribute } => {
                element == "a" && attribute == "href" && value.trim() == link
            }
            Place::Hidden(_) => false,
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Place::Text => "the text".into(),
            Place::Attribute { element, attribute } => format!("<{element} {attribute}=…>"),
            Place::Hidden(what) => what.to_string(),
        }
    }
}

/// Calls `visit` for every text run, attribute value and hidden section of `html`.
fn walk(html: &str, mut visit: impl FnMut(Place, &str)) {
    let mut rest = html;
    while !rest.is_empty() {
        let Some(open) = rest.find('<') else {
            visit(Place::Text, rest);
            return;
        };
        visit(Place::Text, &rest[..open]);
        rest = &rest[open..];
        if let Some(comment) = rest.strip_prefix("<!--") {
            let end = comment.find("-->").map_or(comment.len(), |e| e + 3);
            visit(
                Place::Hidden("a comment"),
                &comment[..end.min(comment.len())],
            );
            rest = &comment[end.min(comment.len())..];
            continue;
        }
        let tag_end = tag_end(rest);
        // Without its closing `>` (an unclosed tag at the end) the tag runs to the end.
        let tag = rest[1..tag_end]
            .strip_suffix('>')
            .unwrap_or(&rest[1..tag_end]);
        rest = &rest[tag_end..];
        let closing = tag.starts_with('/');
        let (name, attributes) = parse_tag(tag);
        for (attribute, value) in attributes {
            visit(
                Place::Attribute {
                    element: name.clone(),
                    attribute,
                },
                value,
            );
        }
        for (raw, what) in [
            ("style", "a <style> element"),
            ("script", "a <script> element"),
            ("title", "the <title>"),
        ] {
            if name == raw && !closing {
                let close = format!("</{raw}");
                let end = find_ignoring_case(rest, &close).unwrap_or(rest.len());
                visit(Place::Hidden(what), &rest[..end]);
                rest = &rest[end..];
            }
        }
    }
}

/// The index just past the `>` that ends the tag starting at `text[0]` (quotes respected).
fn tag_end(text: &str) -> usize {
    let mut quote: Option<char> = None;
    for (i, c) in text.char_indices().skip(1) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return i + 1,
            _ => {}
        }
    }
    text.len()
}

fn find_ignoring_case(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .to_ascii_lowercase()
        .find(&needle.to_ascii_lowercase())
}

/// A tag's name (lower case, without `/`) and its attributes (names lower case, values raw).
fn parse_tag(tag: &str) -> (String, Vec<(String, &str)>) {
    let tag = tag.trim_start_matches('/');
    let name_end = tag
        .find(|c: char| c.is_whitespace() || c == '/' || c == '>')
        .unwrap_or(tag.len());
    let name = tag[..name_end].to_ascii_lowercase();
    let mut attributes = Vec::new();
    let mut rest = &tag[name_end..];
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        if rest.is_empty() {
            break;
        }
        let key_end = rest
            .find(|c: char| c.is_whitespace() || c == '=' || c == '/')
            .unwrap_or(rest.len());
        let key = rest[..key_end].to_ascii_lowercase();
        rest = rest[key_end..].trim_start();
        let value = if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let body = &after[1..];
                    let end = body.find(q).unwrap_or(body.len());
                    rest = &body[(end + 1).min(body.len())..];
                    &body[..end]
                }
                _ => {
                    let end = after.find(char::is_whitespace).unwrap_or(after.len());
                    rest = &after[end..];
                    &after[..end]
                }
            }
        } else {
            ""
        };
        if key.is_empty() {
            // Not an attribute (stray characters): skip one.
            let mut chars = rest.chars();
            chars.next();
            rest = chars.as_str();
            continue;
        }
        attributes.push((key, value));
    }
    (name, attributes)
}

/// The first place where `secret` (the bearer part of `link`, both as they appear in the HTML)
/// appears but the link may not, if any.
pub fn misplaced_link(html: &str, link: &str, secret: &str) -> Option<Place> {
    let mut found = None;
    walk(html, |place, text| {
        if found.is_none() && text.contains(secret) && !place.allows_link(text, link) {
            found = Some(place);
        }
    });
    found
}

/// What the message loads from elsewhere when opened: `src`, `srcset`, `background`, `poster` of any
/// element, `href` of `<link>`, and `url(…)` / `@import` in styles, unless embedded (`data:`,
/// `cid:`) or relative.
pub fn remote_resources(html: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let mut keep = |url: &str| {
        let url = url.trim().trim_matches(['"', '\'']);
        let lower = url.to_ascii_lowercase();
        if (lower.starts_with("http:") || lower.starts_with("https:") || lower.starts_with("//"))
            && !found.iter().any(|f| f == url)
        {
            found.push(url.to_owned());
        }
    };
    let mut styles = Vec::new();
    walk(html, |place, text| match place {
        Place::Attribute { element, attribute } => match attribute.as_str() {
            "src" | "background" | "poster" | "data" => keep(text),
            "srcset" => text
                .split(',')
                .filter_map(|c| c.split_whitespace().next())
                .for_each(&mut keep),
            "href" if matches!(element.as_str(), "link" | "image" | "use" | "feimage") => {
                keep(text)
            }
            "xlink:href" => keep(text),
            "style" => styles.push(text.to_owned()),
            _ => {}
        },
        Place::Hidden("a <style> element") => styles.push(text.to_owned()),
        _ => {}
    });
    for style in styles {
        // CSS keywords are case-insensitive: found in a lower-cased copy (same byte positions),
        // taken from the original (a URL's path is not).
        let lower = style.to_ascii_lowercase();
        for keyword in ["url(", "@import"] {
            let mut from = 0;
            while let Some(at) = lower[from..].find(keyword).map(|at| from + at) {
                let mut start = at + keyword.len();
                if keyword == "@import" {
                    start += style[start..].len() - style[start..].trim_start().len();
                    if lower[start..].starts_with("url(") {
                        start += 4;
                    }
                }
                let rest = &style[start..];
                let end = rest
                    .find(|c: char| {
                        c == ')' || c == ';' || (keyword == "@import" && c.is_whitespace())
                    })
                    .unwrap_or(rest.len());
                keep(&rest[..end]);
                from = start + end;
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "TICKETabc123";
    const LINK: &str = "https://t.example/r?ticket=TICKETabc123#x";

    #[test]
    fn a_link_in_an_anchor_or_the_text_is_in_its_place() {
        let html = format!(
            r#"<p>Hello</p><a class="btn" href="https://t.example/r?ticket={SECRET}#x">Set password</a><p>Or paste https://t.example/r?ticket={SECRET}</p>"#
        );
        assert_eq!(
            misplaced_link(
                &html,
                &format!("https://t.example/r?ticket={SECRET}#x"),
                SECRET
            ),
            None
        );
    }

    #[test]
    fn a_link_anywhere_a_client_fetches_or_hides_it_is_misplaced() {
        for (html, place) in [
            (
                format!(r#"<img src="https://x/?l={SECRET}">"#),
                "<img src=…>",
            ),
            (
                format!(r##"<a href="#" data-x='{SECRET}'>x</a>"##),
                "<a data-x=…>",
            ),
            (
                format!(r#"<div style="background:url(https://x/{SECRET})">"#),
                "<div style=…>",
            ),
            (
                format!("<style>.a{{background:url(https://x/{SECRET})}}</style>"),
                "a <style> element",
            ),
            (format!("<!-- {SECRET} -->"), "a comment"),
            (
                format!(r#"<form action="https://x/{SECRET}"></form>"#),
                "<form action=…>",
            ),
            (
                format!(r#"<link rel=stylesheet href=https://x/{SECRET}>"#),
                "<link href=…>",
            ),
            (format!(r#"<title>{SECRET}</title>"#), "the <title>"),
            // An anchor to another address that carries the link along: a click (or a mail
            // scanner's pre-fetch) gives it away.
            (
                format!(r#"<a href="https://attacker.example/?t={LINK}">go</a>"#),
                "<a href=…>",
            ),
        ] {
            let found = misplaced_link(&html, LINK, SECRET).map(|p| p.describe());
            assert_eq!(found.as_deref(), Some(place), "{html}");
        }
    }

    #[test]
    fn remote_resources_are_listed_and_embedded_ones_are_not() {
        let html = r#"<img src="https://cdn.example/logo.png"><img src="data:image/png;base64,AAAA"><img src="cid:logo">
<link rel="stylesheet" href="https://fonts.example/css"><div style="background: url('//track.example/p.gif')"></div>
<style>@IMPORT url(https://x.example/A.css); .b{background:URL(https://x.example/b.png)}</style>
<svg><image href="https://x.example/i.svg"/><use xlink:href="https://x.example/u.svg#a"/></svg>
<img srcset="https://cdn.example/a.png 1x, https://cdn.example/b.png 2x"><a href="https://app.example">app</a>"#;
        assert_eq!(
            remote_resources(html),
            [
                "https://cdn.example/logo.png",
                "https://fonts.example/css",
                "https://x.example/i.svg",
                "https://x.example/u.svg#a",
                "https://cdn.example/a.png",
                "https://cdn.example/b.png",
                "//track.example/p.gif",
                "https://x.example/A.css",
                "https://x.example/b.png",
            ]
        );
    }
}

#[cfg(test)]
mod never_panics {
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_text_is_walked_without_a_panic(html in "(<|>|\"|'|=|a|href|src|style|url\\(|@import|<!--|-->|</style|€|ü| |[a-z]){0,60}") {
            let _ = super::misplaced_link(&html, "https://x/€", "€");
            let _ = super::remote_resources(&html);
        }
    }
}
