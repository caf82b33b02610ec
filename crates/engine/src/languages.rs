//! Who reads which language: the people whose list gives a language the batch's wording is not
//! written in, said once for the list (Review, preflight, `roster check`) and on their rows.

use crate::roster::{Person, Problem, Severity};
use crate::template::CompiledTemplates;
use crate::template::dates::language_name;

/// "3 people's language has no wording: Swedish (sv) ×2, Japanese (ja) ×1; they get English", or
/// `None` when every language has its wording.
pub fn without_wording(people: &[Person], templates: &CompiledTemplates) -> Option<String> {
    let mut missing: std::collections::BTreeMap<&str, usize> = Default::default();
    for person in people {
        if let Some(locale) = person.locale.as_deref()
            && !templates.has_language(locale)
        {
            *missing.entry(locale).or_default() += 1;
        }
    }
    if missing.is_empty() {
        return None;
    }
    let count: usize = missing.values().sum();
    let named = missing
        .iter()
        .map(|(tag, n)| format!("{} ({tag}) ×{n}", language_name(tag)))
        .collect::<Vec<_>>()
        .join(", ");
    Some(format!(
        "{count} {} a language the message is not written in: {named}; they get the batch's language, {}",
        if count == 1 {
            "person has"
        } else {
            "people have"
        },
        language_name(templates.language_for(None))
    ))
}

/// A warning on each row whose language has no wording, naming the language the person gets.
pub fn row_warnings(people: &[Person], templates: &CompiledTemplates) -> Vec<Problem> {
    people
        .iter()
        .filter_map(|person| {
            let locale = person.locale.as_deref()?;
            (!templates.has_language(locale)).then(|| Problem {
                line: person.line,
                severity: Severity::Warning,
                field: Some("locale".into()),
                message: format!(
                    "{} ({locale}) has no wording in this message: {} gets {}",
                    language_name(locale),
                    person.email,
                    language_name(templates.language_for(None))
                ),
            })
        })
        .collect()
}
