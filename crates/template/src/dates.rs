//! An expiry written in the reader's language: "8. Dezember 2026 um 14:05 UTC", "in 7 Tagen",
//! "le 8 décembre 2026", "dentro de 7 días". ICU4X's formatters and CLDR's data do the writing
//! (month names, word order, plural forms, the "at" between date and time); nothing here knows a
//! month's name.
//!
//! Times are UTC and say so: Invite Desk does not know where each reader lives.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use fixed_decimal::Decimal;
use icu_calendar::{Date, Gregorian};
use icu_datetime::FixedCalendarDateTimeFormatter;
use icu_datetime::fieldsets::{YMD, YMDT};
use icu_datetime::input::{DateTime, Time};
use icu_experimental::relativetime::{RelativeTimeFormatter, RelativeTimeFormatterOptions};
use icu_locale_core::Locale;
use time::OffsetDateTime;

/// The formatters of one language, made once and shared by every message in it.
struct Formatters {
    date_time: FixedCalendarDateTimeFormatter<Gregorian, YMDT>,
    date: FixedCalendarDateTimeFormatter<Gregorian, YMD>,
    in_days: RelativeTimeFormatter,
    in_hours: RelativeTimeFormatter,
    in_minutes: RelativeTimeFormatter,
}

impl Formatters {
    fn new(locale: &Locale) -> Option<Self> {
        let options = RelativeTimeFormatterOptions::default;
        Some(Formatters {
            date_time: FixedCalendarDateTimeFormatter::try_new(
                locale.into(),
                YMD::long().with_time_hm(),
            )
            .ok()?,
            date: FixedCalendarDateTimeFormatter::try_new(locale.into(), YMD::long()).ok()?,
            in_days: RelativeTimeFormatter::try_new_long_day(locale.into(), options()).ok()?,
            in_hours: RelativeTimeFormatter::try_new_long_hour(locale.into(), options()).ok()?,
            in_minutes: RelativeTimeFormatter::try_new_long_minute(locale.into(), options())
                .ok()?,
        })
    }
}

/// Formatters by language tag, made the first time a language is written.
#[derive(Default)]
pub struct Dates {
    by_tag: Mutex<HashMap<String, Option<Arc<Formatters>>>>,
}

impl std::fmt::Debug for Dates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Dates")
    }
}

/// A language ICU4X cannot write (it has data for every tag that parses, falling back to its root
/// data, so this is only a tag that does not parse): English.
const LAST_RESORT: &str = "en";

impl Dates {
    fn formatters(&self, tag: &str) -> Arc<Formatters> {
        let mut by_tag = self
            .by_tag
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let made = by_tag
            .entry(tag.to_owned())
            .or_insert_with(|| {
                tag.parse::<Locale>()
                    .ok()
                    .and_then(|l| Formatters::new(&l))
                    .map(Arc::new)
            })
            .clone();
        match made {
            Some(formatters) => formatters,
            None if tag != LAST_RESORT => {
                drop(by_tag);
                self.formatters(LAST_RESORT)
            }
            None => unreachable_formatters(),
        }
    }

    /// "8. Dezember 2026 um 14:05 UTC".
    pub fn date_time(&self, tag: &str, at: OffsetDateTime) -> String {
        let Some(input) = gregorian(at) else {
            return crate::DateFormat::Iso.format(at);
        };
        format!("{} UTC", self.formatters(tag).date_time.format(&input))
    }

    /// "8. Dezember 2026".
    pub fn date(&self, tag: &str, at: OffsetDateTime) -> String {
        let Some(input) = gregorian(at) else {
            return crate::DateFormat::Iso.format(at);
        };
        self.formatters(tag).date.format(&input.date).to_string()
    }

    /// "in 7 Tagen", "dans 36 heures", "tra 45 minuti": whole days from two days on, or when the
    /// lifetime is whole days; else hours, else minutes.
    pub fn expires_in(&self, tag: &str, seconds: u64) -> String {
        let formatters = self.formatters(tag);
        let (formatter, amount) = match seconds {
            s if s >= 86_400 && s % 86_400 == 0 => (&formatters.in_days, s / 86_400),
            s if s >= 2 * 86_400 => (&formatters.in_days, s / 86_400),
            s if s >= 3_600 => (&formatters.in_hours, s / 3_600),
            s => (&formatters.in_minutes, (s / 60).max(1)),
        };
        formatter.format(Decimal::from(amount)).to_string()
    }
}

/// English is compiled in; its formatters are always made. Reaching here is a broken build.
fn unreachable_formatters() -> Arc<Formatters> {
    let english: Locale = "en".parse().expect("`en` is a locale");
    Arc::new(Formatters::new(&english).expect("ICU4X's compiled data has English"))
}

fn gregorian(at: OffsetDateTime) -> Option<DateTime<Gregorian>> {
    let at = at.to_offset(time::UtcOffset::UTC);
    Some(DateTime {
        date: Date::try_new_gregorian(at.year(), u8::from(at.month()), at.day()).ok()?,
        time: Time::try_new(at.hour(), at.minute(), 0, 0).ok()?,
    })
}

/// A language's English name: "German", "French (Canada)"; the tag itself when CLDR has none.
pub fn language_name(tag: &str) -> String {
    use icu_experimental::displaynames::DisplayNamesOptions;
    use icu_experimental::displaynames::multi::LocaleDisplayNamesFormatter;
    static NAMES: std::sync::OnceLock<Option<LocaleDisplayNamesFormatter>> =
        std::sync::OnceLock::new();
    let names = NAMES.get_or_init(|| {
        let english: Locale = "en".parse().ok()?;
        LocaleDisplayNamesFormatter::try_new(english.into(), DisplayNamesOptions::default()).ok()
    });
    match (names, tag.parse::<Locale>()) {
        (Some(names), Ok(locale)) => names.of(&locale).into_owned(),
        _ => tag.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_language_writes_its_own_dates() {
        let dates = Dates::default();
        let at = time::macros::datetime!(2026-12-08 14:05 UTC);
        for (tag, date_time, date, week) in [
            (
                "en",
                "December 8, 2026 at 2:05 PM UTC",
                "December 8, 2026",
                "in 7 days",
            ),
            (
                "de",
                "8. Dezember 2026 um 14:05 UTC",
                "8. Dezember 2026",
                "in 7 Tagen",
            ),
            (
                "de-AT",
                "8. Dezember 2026 um 14:05 UTC",
                "8. Dezember 2026",
                "in 7 Tagen",
            ),
            (
                "fr",
                "8 décembre 2026 à 14:05 UTC",
                "8 décembre 2026",
                "dans 7 jours",
            ),
            (
                "es",
                "8 de diciembre de 2026 a las 14:05 UTC",
                "8 de diciembre de 2026",
                "dentro de 7 días",
            ),
            (
                "it",
                "8 dicembre 2026 alle ore 14:05 UTC",
                "8 dicembre 2026",
                "tra 7 giorni",
            ),
            (
                "nl",
                "8 december 2026 om 14:05 UTC",
                "8 december 2026",
                "over 7 dagen",
            ),
            (
                "pt-BR",
                "8 de dezembro de 2026 às 14:05 UTC",
                "8 de dezembro de 2026",
                "em 7 dias",
            ),
        ] {
            let spaced = dates
                .date_time(tag, at)
                .replace(['\u{202f}', '\u{a0}'], " ");
            assert_eq!(spaced, date_time, "{tag}");
            assert_eq!(dates.date(tag, at), date, "{tag}");
            assert_eq!(dates.expires_in(tag, 7 * 86_400), week, "{tag}");
        }
        assert_eq!(dates.expires_in("de", 86_400), "in 1 Tag");
        assert_eq!(dates.expires_in("fr", 36 * 3_600), "dans 36 heures");
        assert_eq!(dates.expires_in("en", 5), "in 1 minute");
        // A tag ICU4X has no data for is written in its root language, never a panic.
        assert!(!dates.date("tlh", at).is_empty());
    }
}
