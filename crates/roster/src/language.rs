//! A person's language as a list gives it: a BCP 47 tag (`de`, `de-AT`, `pt-BR`), written the way
//! exports write it (`de_DE`, `DE-de`, `fr-ca`), or the language's name as HR systems export it
//! (`Deutsch`, `French`, `Português`). Normalized to the canonical tag, so `de_de` and `de-DE` pick
//! the same wording; anything else is a warning on its row and the person gets the batch's language.

use icu_locale_core::LanguageIdentifier;

/// Language names HR exports write instead of tags, in English and in the language itself, for the
/// languages Invite Desk has built-in wording in. Lower case, accents kept.
const NAMES: &[(&str, &str)] = &[
    ("english", "en"),
    ("englisch", "en"),
    ("anglais", "en"),
    ("inglés", "en"),
    ("ingles", "en"),
    ("inglese", "en"),
    ("engels", "en"),
    ("inglês", "en"),
    ("german", "de"),
    ("deutsch", "de"),
    ("allemand", "de"),
    ("alemán", "de"),
    ("aleman", "de"),
    ("tedesco", "de"),
    ("duits", "de"),
    ("alemão", "de"),
    ("french", "fr"),
    ("français", "fr"),
    ("francais", "fr"),
    ("französisch", "fr"),
    ("francés", "fr"),
    ("frances", "fr"),
    ("francese", "fr"),
    ("frans", "fr"),
    ("francês", "fr"),
    ("spanish", "es"),
    ("español", "es"),
    ("espanol", "es"),
    ("castellano", "es"),
    ("spanisch", "es"),
    ("espagnol", "es"),
    ("spagnolo", "es"),
    ("spaans", "es"),
    ("espanhol", "es"),
    ("italian", "it"),
    ("italiano", "it"),
    ("italienisch", "it"),
    ("italien", "it"),
    ("italiaans", "it"),
    ("dutch", "nl"),
    ("nederlands", "nl"),
    ("niederländisch", "nl"),
    ("néerlandais", "nl"),
    ("neerlandais", "nl"),
    ("neerlandés", "nl"),
    ("olandese", "nl"),
    ("holandês", "nl"),
    ("portuguese", "pt"),
    ("português", "pt"),
    ("portugues", "pt"),
    ("portugiesisch", "pt"),
    ("portugais", "pt"),
    ("portugués", "pt"),
    ("portoghese", "pt"),
    ("portugees", "pt"),
];

/// The canonical BCP 47 tag of `text`, `Ok(None)` for an empty cell, or why it is not a language.
pub fn normalize(text: &str) -> Result<Option<String>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let lower = text.to_lowercase();
    if let Some((_, tag)) = NAMES.iter().find(|(name, _)| *name == lower) {
        return Ok(Some((*tag).to_owned()));
    }
    // `und` (undetermined) parses but names no language; a tag is short, a sentence is not; and
    // any two or three letters parse, so the language must be one CLDR knows ("yes" and "tbd"
    // are not).
    let parsed = (text.len() <= 35)
        .then(|| LanguageIdentifier::try_from_str(&text.replace('_', "-")).ok())
        .flatten()
        .filter(|id| !id.language.is_unknown() && known_language(id));
    match parsed {
        Some(id) => Ok(Some(id.to_string())),
        None => Err(format!(
            "\"{text}\" is not a language tag Invite Desk knows (such as de, de-AT, fr-CA or pt-BR) or the name of one of its languages (such as Deutsch or French)"
        )),
    }
}

/// Whether CLDR knows the tag's language: its likely script and region can be filled in.
fn known_language(id: &LanguageIdentifier) -> bool {
    let mut bare = LanguageIdentifier::from(id.language);
    icu_locale::LocaleExpander::new_common().maximize(&mut bare)
        == icu_locale::TransformResult::Modified
}

/// The tags a person's language falls back through, most specific first: `de-CH-1996` →
/// `de-CH` → `de`.
pub fn fallbacks(tag: &str) -> Vec<String> {
    let mut chain = vec![tag.to_owned()];
    let mut rest = tag;
    while let Some(cut) = rest.rfind('-') {
        rest = &rest[..cut];
        chain.push(rest.to_owned());
    }
    chain
}

/// The script a tag is most likely written in (CLDR's likely subtags): `Hant` for `zh-TW`, `Latn`
/// for `sr-Latn` and for `de`.
pub fn likely_script(tag: &str) -> Option<String> {
    let mut id = LanguageIdentifier::try_from_str(tag).ok()?;
    icu_locale::LocaleExpander::new_common().maximize(&mut id);
    id.script.map(|s| s.to_string())
}

/// The language subtag: `pt` of `pt-BR`.
pub fn primary(tag: &str) -> &str {
    tag.split('-').next().unwrap_or(tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_as_exports_write_them() {
        for (cell, tag) in [
            ("de", "de"),
            ("de-AT", "de-AT"),
            ("de_de", "de-DE"),
            ("DE-de", "de-DE"),
            ("fr-ca", "fr-CA"),
            ("pt-BR", "pt-BR"),
            ("zh-hant-tw", "zh-Hant-TW"),
            (" Deutsch ", "de"),
            ("Français", "fr"),
            ("PORTUGUESE", "pt"),
            ("sv", "sv"),
        ] {
            assert_eq!(normalize(cell).unwrap().as_deref(), Some(tag), "{cell}");
        }
        assert_eq!(normalize("  ").unwrap(), None);
        for bad in [
            "Deutschh",
            "und",
            "x",
            "12",
            "de--AT",
            "en-US please",
            "yes",
            "tbd",
            "sql",
        ] {
            let error = normalize(bad).unwrap_err();
            assert!(
                error.contains("is not a language tag Invite Desk knows"),
                "{bad}: {error}"
            );
        }
    }

    #[test]
    fn fallback_goes_from_specific_to_general() {
        assert_eq!(fallbacks("de-CH-1996"), ["de-CH-1996", "de-CH", "de"]);
        assert_eq!(fallbacks("fr"), ["fr"]);
        assert_eq!(primary("pt-BR"), "pt");
        assert_eq!(likely_script("zh-TW").as_deref(), Some("Hant"));
        assert_eq!(likely_script("zh-CN").as_deref(), Some("Hans"));
        assert_eq!(likely_script("sr-Latn").as_deref(), Some("Latn"));
    }
}
