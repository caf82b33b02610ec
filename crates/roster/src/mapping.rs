//! Which column is what: detected from a header row (common names in any case, spacing or
//! punctuation, in English, German, French and Spanish exports) or, with no header, from the content;
//! and overridable by the admin.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::table::Record;
use crate::AppError;

/// What a column holds.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(tag = "role", content = "key", rename_all = "snake_case")]
pub enum ColumnRole {
    Email,
    GivenName,
    FamilyName,
    /// Full or display name; split into given/family names when no such columns exist.
    Name,
    /// Role names separated by `,`, `;` or `|`.
    Roles,
    /// `app_metadata.<key>`
    AppMetadata(String),
    /// `user_metadata.<key>`
    UserMetadata(String),
    /// The person's language (a BCP 47 tag or a language's name): picks their wording.
    Locale,
    /// The list's own id for the person (an employee number): kept with them in the journal and
    /// the results export, so HR can match results back; not sent to Auth0.
    ExternalId,
    Ignore,
}

/// The admin's corrections to what was detected.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MappingOverride {
    /// Whether the list has a header row; detected when absent. `true` when none was detected takes
    /// the first non-blank row.
    #[ts(optional)]
    pub has_header: Option<bool>,
    /// One role per column, replacing the detected ones; columns beyond the list are ignored.
    #[ts(optional)]
    pub roles: Option<Vec<ColumnRole>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    /// Index (among the non-blank records) of the header row. Rows above it are a preamble (a
    /// title, an export date) and are skipped.
    pub header: Option<usize>,
    pub roles: Vec<ColumnRole>,
}

/// How far down a header row is looked for.
const HEADER_SEARCH_ROWS: usize = 10;

/// Keys Auth0 reserves in `app_metadata` (a user import with these fails).
const RESERVED_APP_METADATA: &[&str] = &[
    "__tenant",
    "_id",
    "blocked",
    "clientID",
    "created_at",
    "email_verified",
    "email",
    "globalClientID",
    "global_client_id",
    "identities",
    "lastIP",
    "lastLogin",
    "loginsCount",
    "metadata",
    "multifactor_last_modified",
    "multifactor",
    "updated_at",
    "user_id",
];

/// Header names, lowercased with everything but letters and digits removed.
const EMAIL_HEADERS: &[&str] = &[
    "email",
    "emails",
    "mail",
    "emailaddress",
    "emailaddresses",
    "mailaddress",
    "emailid",
    "primaryemail",
    "workemail",
    "businessemail",
    "email1value",
    "email1",
    "emailadresse",
    "mailadresse",
    "adresseemail",
    "adressemail",
    "courriel",
    "adressecourriel",
    "correo",
    "correoelectronico",
    "useremail",
];
const GIVEN_HEADERS: &[&str] = &[
    "firstname",
    "givenname",
    "first",
    "forename",
    "vorname",
    "prénom",
    "prenom",
    "nombre",
    "given",
];
const FAMILY_HEADERS: &[&str] = &[
    "lastname",
    "surname",
    "familyname",
    "last",
    "nachname",
    "familienname",
    "nom",
    "nomdefamille",
    "apellido",
    "apellidos",
    "family",
];
const NAME_HEADERS: &[&str] = &[
    "name",
    "fullname",
    "displayname",
    "contactname",
    "nomcomplet",
    "vollständigername",
    "nombrecompleto",
];
const ROLE_HEADERS: &[&str] = &["roles", "role", "rollen", "rolle", "rôles", "rôle"];
const EXTERNAL_ID_HEADERS: &[&str] = &[
    "externalid",
    "employeeid",
    "employeenumber",
    "employeeno",
    "staffid",
    "staffnumber",
    "personnelnumber",
    "personalnummer",
    "personalnr",
    "mitarbeiternummer",
    "mitarbeiterid",
    "matricule",
    "numeroemploye",
    "numérodemployé",
    "numeroempleado",
    "númerodeempleado",
    "hrid",
];
const LOCALE_HEADERS: &[&str] = &[
    "locale",
    "language",
    "lang",
    "preferredlanguage",
    "languagecode",
    "sprache",
    "bevorzugtesprache",
    "langue",
    "languepréférée",
    "languepreferee",
    "idioma",
    "idiomapreferido",
    "lingua",
    "taal",
    "língua",
];

fn normalized_header(header: &str) -> String {
    header
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The role a header names, or `None` for a header we do not know.
pub fn role_for_header(header: &str) -> Option<ColumnRole> {
    let trimmed = header.trim();
    for (prefix, make) in [
        (
            "app_metadata",
            ColumnRole::AppMetadata as fn(String) -> ColumnRole,
        ),
        (
            "user_metadata",
            ColumnRole::UserMetadata as fn(String) -> ColumnRole,
        ),
    ] {
        if trimmed.len() > prefix.len()
            && trimmed.is_char_boundary(prefix.len())
            && trimmed[..prefix.len()].eq_ignore_ascii_case(prefix)
            && let Some(key) = trimmed[prefix.len()..].strip_prefix(['.', ':'])
        {
            return Some(make(key.trim().to_owned()));
        }
    }
    let n = normalized_header(trimmed);
    let role = if EMAIL_HEADERS.contains(&n.as_str()) {
        ColumnRole::Email
    } else if GIVEN_HEADERS.contains(&n.as_str()) {
        ColumnRole::GivenName
    } else if FAMILY_HEADERS.contains(&n.as_str()) {
        ColumnRole::FamilyName
    } else if NAME_HEADERS.contains(&n.as_str()) {
        ColumnRole::Name
    } else if ROLE_HEADERS.contains(&n.as_str()) {
        ColumnRole::Roles
    } else if LOCALE_HEADERS.contains(&n.as_str()) {
        ColumnRole::Locale
    } else if EXTERNAL_ID_HEADERS.contains(&n.as_str()) {
        ColumnRole::ExternalId
    } else {
        return None;
    };
    Some(role)
}

fn looks_like_address(cell: &str) -> bool {
    let cell = cell.trim();
    cell.find('@')
        .is_some_and(|at| at > 0 && cell[at..].contains('.'))
}

fn header_roles(record: &Record) -> Vec<ColumnRole> {
    let mut roles: Vec<ColumnRole> = record
        .cells
        .iter()
        .map(|c| role_for_header(c).unwrap_or(ColumnRole::Ignore))
        .collect();
    // Two columns claiming the same role (e.g. "Email" and "Work email"): the first one wins.
    for i in 0..roles.len() {
        if roles[i] != ColumnRole::Ignore && roles[..i].contains(&roles[i]) {
            roles[i] = ColumnRole::Ignore;
        }
    }
    roles
}

/// The first of the top rows that names a known column and holds no address; the search stops at
/// the first row with an address, where the data has begun.
fn find_header(records: &[Record]) -> Option<usize> {
    for (i, record) in records.iter().take(HEADER_SEARCH_ROWS).enumerate() {
        if record.cells.iter().any(|c| looks_like_address(c)) {
            return None;
        }
        if record.cells.iter().any(|c| role_for_header(c).is_some()) {
            return Some(i);
        }
    }
    None
}

/// Detects the mapping of a table of non-blank records.
pub fn detect(records: &[Record]) -> Mapping {
    match find_header(records) {
        Some(index) => Mapping {
            header: Some(index),
            roles: header_roles(&records[index]),
        },
        None => content_mapping(records),
    }
}

/// No header: the email column is the one where most cells hold an `@`; the others are ignored.
fn content_mapping(records: &[Record]) -> Mapping {
    let sample = &records[..records.len().min(200)];
    let width = sample.iter().map(|r| r.cells.len()).max().unwrap_or(0);
    let mut roles = vec![ColumnRole::Ignore; width];
    let mut best: Option<(usize, usize)> = None;
    for column in 0..width {
        let hits = sample
            .iter()
            .filter(|r| r.cells.get(column).is_some_and(|c| c.contains('@')))
            .count();
        if hits > 0 && best.is_none_or(|(_, h)| hits > h) {
            best = Some((column, hits));
        }
    }
    if let Some((column, _)) = best {
        roles[column] = ColumnRole::Email;
    }
    Mapping {
        header: None,
        roles,
    }
}

/// Applies the admin's override on top of what was detected, then checks the result.
pub fn resolve(records: &[Record], over: Option<&MappingOverride>) -> Result<Mapping, AppError> {
    let mut mapping = detect(records);
    if let Some(over) = over {
        match (over.has_header, mapping.header) {
            (Some(false), Some(_)) => mapping = content_mapping(records),
            (Some(true), None) if !records.is_empty() => {
                mapping = Mapping {
                    header: Some(0),
                    roles: header_roles(&records[0]),
                };
            }
            _ => {}
        }
        if let Some(roles) = &over.roles {
            mapping.roles = roles.clone();
        }
    }
    check(&mapping, mapping.header.map(|i| &records[i]))?;
    Ok(mapping)
}

fn check(mapping: &Mapping, header: Option<&Record>) -> Result<(), AppError> {
    if !mapping.roles.contains(&ColumnRole::Email) {
        let seen = header
            .map(|h| format!(" (its columns: {})", h.cells.join(", ")))
            .unwrap_or_default();
        return Err(AppError::invalid_input(format!(
            "no column of this list holds email addresses{seen}; choose which column is the email"
        )));
    }
    for (i, role) in mapping.roles.iter().enumerate() {
        if *role == ColumnRole::Ignore {
            continue;
        }
        if mapping.roles[..i].contains(role) {
            return Err(AppError::invalid_input(format!(
                "columns {} and {} are both mapped to {}; map each to a different field",
                mapping.roles[..i]
                    .iter()
                    .position(|r| r == role)
                    .unwrap_or(0)
                    + 1,
                i + 1,
                role_label(role)
            )));
        }
        match role {
            ColumnRole::AppMetadata(key) | ColumnRole::UserMetadata(key) if key.is_empty() => {
                return Err(AppError::invalid_input(format!(
                    "column {} is mapped to {} with no key; name it like app_metadata.department",
                    i + 1,
                    role_label(role)
                )));
            }
            ColumnRole::AppMetadata(key) if RESERVED_APP_METADATA.contains(&key.as_str()) => {
                return Err(AppError::invalid_input(format!(
                    "column {}: app_metadata.{key} is reserved by Auth0; choose another key",
                    i + 1
                )));
            }
            _ => {}
        }
    }
    Ok(())
}

/// The field a role fills, as named in problems and in the `--json` output.
pub fn role_label(role: &ColumnRole) -> String {
    match role {
        ColumnRole::Email => "email".into(),
        ColumnRole::GivenName => "given_name".into(),
        ColumnRole::FamilyName => "family_name".into(),
        ColumnRole::Name => "name".into(),
        ColumnRole::Roles => "roles".into(),
        ColumnRole::AppMetadata(key) => format!("app_metadata.{key}"),
        ColumnRole::UserMetadata(key) => format!("user_metadata.{key}"),
        ColumnRole::Locale => "locale".into(),
        ColumnRole::ExternalId => "external_id".into(),
        ColumnRole::Ignore => "ignored".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(line: u64, cells: &[&str]) -> Record {
        Record {
            line,
            cells: cells.iter().map(|c| (*c).to_owned()).collect(),
        }
    }

    #[test]
    fn header_names_in_any_case_spacing_or_punctuation() {
        for h in [
            "email",
            "E-mail",
            "Email Address",
            "E-Mail-Adresse",
            "MAIL",
            "Adresse e-mail",
            "Courriel",
        ] {
            assert_eq!(role_for_header(h), Some(ColumnRole::Email), "{h}");
        }
        for h in [
            "First Name",
            "first_name",
            "Given name",
            "Vorname",
            "Prénom",
        ] {
            assert_eq!(role_for_header(h), Some(ColumnRole::GivenName), "{h}");
        }
        for h in ["Last Name", "Surname", "family-name", "Nachname", "Nom"] {
            assert_eq!(role_for_header(h), Some(ColumnRole::FamilyName), "{h}");
        }
        for h in ["Name", "Full Name", "Display name"] {
            assert_eq!(role_for_header(h), Some(ColumnRole::Name), "{h}");
        }
        assert_eq!(role_for_header("Roles"), Some(ColumnRole::Roles));
        assert_eq!(
            role_for_header("app_metadata.Department"),
            Some(ColumnRole::AppMetadata("Department".into()))
        );
        assert_eq!(
            role_for_header("User_Metadata:locale"),
            Some(ColumnRole::UserMetadata("locale".into()))
        );
        assert_eq!(role_for_header("Phone"), None);
    }

    #[test]
    fn headerless_list_finds_the_email_column_by_content() {
        let records = vec![
            rec(1, &["Jane", "jane@x.com", "Admin"]),
            rec(2, &["Joe", "joe@x.com", ""]),
        ];
        let mapping = detect(&records);
        assert_eq!(mapping.header, None);
        assert_eq!(
            mapping.roles,
            vec![ColumnRole::Ignore, ColumnRole::Email, ColumnRole::Ignore]
        );
    }

    #[test]
    fn a_row_of_addresses_is_not_a_header_even_with_known_words() {
        let records = vec![rec(1, &["name", "jane@x.com"])];
        assert_eq!(detect(&records).header, None);
    }

    #[test]
    fn a_title_row_above_the_header_is_passed_over() {
        let records = vec![
            rec(1, &["Seat list, Q3", ""]),
            rec(2, &["Email", "Last name"]),
            rec(3, &["a@b.co", "B"]),
        ];
        let mapping = detect(&records);
        assert_eq!(mapping.header, Some(1));
        assert_eq!(
            mapping.roles,
            vec![ColumnRole::Email, ColumnRole::FamilyName]
        );
        // Once data has begun, a later row with a known word is data, not a header.
        let records = vec![rec(1, &["a@b.co", "x"]), rec(2, &["Email", "Name"])];
        assert_eq!(detect(&records).header, None);
    }

    #[test]
    fn overrides_are_checked() {
        let records = vec![rec(1, &["Mail", "Dept"]), rec(2, &["a@b.co", "Sales"])];
        let over = MappingOverride {
            has_header: None,
            roles: Some(vec![
                ColumnRole::Email,
                ColumnRole::AppMetadata("dept".into()),
            ]),
        };
        let mapping = resolve(&records, Some(&over)).unwrap();
        assert_eq!(mapping.roles[1], ColumnRole::AppMetadata("dept".into()));

        let reserved = MappingOverride {
            has_header: None,
            roles: Some(vec![
                ColumnRole::Email,
                ColumnRole::AppMetadata("user_id".into()),
            ]),
        };
        assert!(
            resolve(&records, Some(&reserved))
                .unwrap_err()
                .message
                .contains("reserved")
        );
        let twice = MappingOverride {
            has_header: None,
            roles: Some(vec![ColumnRole::Email, ColumnRole::Email]),
        };
        assert!(
            resolve(&records, Some(&twice))
                .unwrap_err()
                .message
                .contains("both mapped")
        );
        let none = MappingOverride {
            has_header: None,
            roles: Some(vec![ColumnRole::Ignore, ColumnRole::Name]),
        };
        let err = resolve(&records, Some(&none)).unwrap_err();
        assert!(
            err.message
                .contains("no column of this list holds email addresses (its columns: Mail, Dept)"),
            "{}",
            err.message
        );
    }
}
