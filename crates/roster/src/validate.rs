//! One row to one person, or to problems on that row's line. Values are normalized the way Auth0
//! stores them (trimmed, address lowercased) and checked against Auth0's limits; odd but usable
//! content becomes a warning. Hostile content (formulas, HTML, control characters) stays verbatim:
//! it is data, escaped wherever it is shown or exported.

use std::collections::HashMap;

use email_address::{EmailAddress, Options};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

use super::mapping::ColumnRole;

/// A valid person, ready for a batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Person {
    /// 1-based physical line where the person's record starts.
    pub line: u64,
    pub email: String,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub name: Option<String>,
    pub roles: Vec<String>,
    #[ts(type = "Record<string, unknown>")]
    pub app_metadata: Map<String, Value>,
    #[ts(type = "Record<string, unknown>")]
    pub user_metadata: Map<String, Value>,
    /// Their language, a canonical BCP 47 tag (`de-AT`); `None`: the batch's language. Absent in
    /// batch files written before languages.
    #[serde(default)]
    pub locale: Option<String>,
    /// The list's own id for them (an employee number), for the results; absent in batch files
    /// written before it.
    #[serde(default)]
    pub external_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

/// Something wrong (error: the row is left out) or odd (warning: the row is kept) on a line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Problem {
    pub line: u64,
    pub severity: Severity,
    pub field: Option<String>,
    pub message: String,
}

/// Auth0's length limits (Management API: given/family name 1–150, name 1–300 characters).
const MAX_GIVEN_FAMILY: usize = 150;
const MAX_NAME: usize = 300;
/// An employee number is short; a longer cell is a mapped wrong column.
const MAX_EXTERNAL_ID: usize = 100;

/// Characters copy-paste brings along at the ends of a cell that `trim` does not remove.
const INVISIBLE: &[char] = &['\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}'];

/// The cells of one row, already assigned to fields.
#[derive(Debug, Default)]
pub struct RowFields<'r, 'a> {
    pub email: Option<&'a str>,
    pub given_name: Option<&'a str>,
    pub family_name: Option<&'a str>,
    pub name: Option<&'a str>,
    pub roles: Option<&'a str>,
    pub locale: Option<&'a str>,
    pub external_id: Option<&'a str>,
    /// (role, its label such as `app_metadata.dept`, cell)
    pub metadata: Vec<(&'r ColumnRole, &'r str, &'a str)>,
}

/// One row checked on its own: everything but whether its address came earlier in the list. Rows
/// are checked independently (in parallel for long lists) and then accepted in order by a
/// `Validator`, which alone decides duplicates, so the outcome is the same either way.
#[derive(Debug)]
pub struct Checked {
    line: u64,
    problems: Vec<Problem>,
    /// How many of `problems` came from the address: a duplicate's error goes right after them.
    address_problems: usize,
    outcome: RowOutcome,
}

#[derive(Debug)]
enum RowOutcome {
    /// Boxed: checked rows travel between threads, and the address alone is most of what is read.
    Valid(Box<Person>),
    /// Valid, counted but not kept (a check that only reports): the address, for duplicates.
    Counted(String),
    /// Left out; the address, if it was a valid one (a later row with it is still a duplicate).
    Invalid(Option<String>),
}

/// How many metadata entries each person gets, so their maps are allocated at their size.
#[derive(Debug, Clone, Copy, Default)]
pub struct MetadataSizes {
    pub app: usize,
    pub user: usize,
}

pub fn check_row(
    split_names: bool,
    sizes: MetadataSizes,
    line: u64,
    fields: RowFields<'_, '_>,
    keep_person: bool,
) -> Checked {
    let mut row = RowProblems {
        line,
        problems: Vec::new(),
    };
    let email = email(&mut row, fields.email);
    let address_problems = row.problems.len();
    // Checked as borrowed text; copied into a person only when the person is kept.
    let given_name = limited(&mut row, "given_name", fields.given_name, MAX_GIVEN_FAMILY);
    let family_name = limited(
        &mut row,
        "family_name",
        fields.family_name,
        MAX_GIVEN_FAMILY,
    );
    let name = limited(&mut row, "name", fields.name, MAX_NAME);
    let external_id = limited(&mut row, "external_id", fields.external_id, MAX_EXTERNAL_ID);
    let locale = fields
        .locale
        .and_then(|cell| match crate::language::normalize(clean(cell)) {
            Ok(tag) => tag,
            Err(why) => {
                row.warning(
                    "locale",
                    format!("{why}: this person gets the batch's language"),
                );
                None
            }
        });
    let mut metadata: Vec<(&ColumnRole, MetadataValue<'_>)> = Vec::new();
    for (role, label, cell) in fields.metadata {
        if let Some(value) = metadata_value(&mut row, label, cell) {
            metadata.push((role, value));
        }
    }
    let has_error = row.problems.iter().any(|p| p.severity == Severity::Error);
    let outcome = match email {
        Some(email) if !has_error && !keep_person => RowOutcome::Counted(email),
        Some(email) if !has_error => {
            let (given_name, family_name) = match (name, split_names) {
                (Some(full), true) if given_name.is_none() && family_name.is_none() => {
                    split_full_name(full)
                }
                _ => (
                    given_name.map(str::to_owned),
                    family_name.map(str::to_owned),
                ),
            };
            let mut app_metadata = Map::with_capacity(sizes.app);
            let mut user_metadata = Map::with_capacity(sizes.user);
            for (role, value) in metadata {
                let (target, key) = match role {
                    ColumnRole::AppMetadata(key) => (&mut app_metadata, key),
                    ColumnRole::UserMetadata(key) => (&mut user_metadata, key),
                    _ => continue,
                };
                target.insert(key.clone(), value.into_value());
            }
            RowOutcome::Valid(Box::new(Person {
                line,
                email,
                given_name,
                family_name,
                name: name.map(str::to_owned),
                roles: fields.roles.map(split_roles).unwrap_or_default(),
                app_metadata,
                user_metadata,
                locale,
                external_id: external_id.map(str::to_owned),
            }))
        }
        address => RowOutcome::Invalid(address),
    };
    Checked {
        line,
        problems: row.problems,
        address_problems,
        outcome,
    }
}

/// A metadata cell as checked: JSON parsed already, text still borrowed from the list.
enum MetadataValue<'a> {
    Json(Value),
    Text(&'a str),
}

impl MetadataValue<'_> {
    fn into_value(self) -> Value {
        match self {
            MetadataValue::Json(value) => value,
            MetadataValue::Text(text) => Value::String(text.to_owned()),
        }
    }
}

/// Accepts checked rows in order, remembering addresses to report duplicates.
pub struct Validator {
    /// When the list has no given/family columns, a full name is split into them.
    split_names: bool,
    sizes: MetadataSizes,
    /// Address → the line it first appeared on. foldhash: SipHash was a fifth of a long list's time,
    /// and foldhash's per-process seed still keeps a crafted list from colliding on purpose.
    seen: HashMap<String, u64, foldhash::fast::RandomState>,
    /// False: valid people are counted, not kept (`roster check` without `--json`).
    keep_people: bool,
    pub valid: u64,
    pub people: Vec<Person>,
    pub problems: Vec<Problem>,
    pub rows: u64,
    pub rows_with_errors: u64,
    pub warnings: u64,
}

impl Validator {
    pub fn new(split_names: bool) -> Self {
        Self::with_sizes(split_names, MetadataSizes::default(), 0, true)
    }

    /// `expected_rows`: room made at once, so a long list's people are not copied as they grow.
    pub fn with_sizes(
        split_names: bool,
        sizes: MetadataSizes,
        expected_rows: usize,
        keep_people: bool,
    ) -> Self {
        Validator {
            split_names,
            sizes,
            seen: HashMap::with_capacity_and_hasher(expected_rows, Default::default()),
            keep_people,
            valid: 0,
            people: Vec::with_capacity(if keep_people { expected_rows } else { 0 }),
            problems: Vec::new(),
            rows: 0,
            rows_with_errors: 0,
            warnings: 0,
        }
    }

    /// Room for `rows` more people (and their addresses), when they are kept.
    pub fn make_room(&mut self, rows: usize) {
        if self.keep_people {
            self.people.reserve(rows);
            self.seen.reserve(rows);
        }
    }

    /// A row that is not an entry (e.g. a title above the header), reported so nothing vanishes.
    pub fn skipped(&mut self, line: u64, message: &str) {
        self.warnings += 1;
        self.problems.push(Problem {
            line,
            severity: Severity::Warning,
            field: None,
            message: message.to_owned(),
        });
    }

    pub fn row(&mut self, line: u64, fields: RowFields<'_, '_>) {
        let checked = check_row(self.split_names, self.sizes, line, fields, self.keep_people);
        self.accept(checked);
    }

    /// Takes a checked row, the next in the list's order, deciding here whether its address came
    /// earlier.
    pub fn accept(&mut self, checked: Checked) {
        let line = checked.line;
        // One probe of the table a row; an address that is only counted moves into it.
        let key = match &checked.outcome {
            RowOutcome::Valid(person) => Some(person.email.clone()),
            RowOutcome::Counted(address) => Some(address.clone()),
            RowOutcome::Invalid(address) => address.clone(),
        };
        let first = key.and_then(|key| match self.seen.entry(key) {
            std::collections::hash_map::Entry::Occupied(first) => Some(*first.get()),
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(line);
                None
            }
        });
        self.settle(checked, first);
    }

    /// Takes a checked row, the next in the list's order, whose duplicate status was decided
    /// already (`duplicates`): `first` is the line its address first appeared on, if earlier.
    pub fn accept_decided(&mut self, checked: Checked, first: Option<u64>) {
        self.settle(checked, first);
    }

    fn settle(&mut self, checked: Checked, duplicate_of: Option<u64>) {
        self.rows += 1;
        let Checked {
            line,
            mut problems,
            address_problems,
            outcome,
        } = checked;
        if let Some(first) = duplicate_of {
            let address = match &outcome {
                RowOutcome::Valid(person) => person.email.as_str(),
                RowOutcome::Counted(address) => address.as_str(),
                RowOutcome::Invalid(address) => address.as_deref().unwrap_or_default(),
            };
            problems.insert(
                address_problems,
                Problem {
                    line,
                    severity: Severity::Error,
                    field: Some("email".to_owned()),
                    message: format!("duplicate of line {first} ({address})"),
                },
            );
        }
        self.warnings += problems
            .iter()
            .filter(|p| p.severity == Severity::Warning)
            .count() as u64;
        self.problems.append(&mut problems);
        match outcome {
            RowOutcome::Valid(person) if duplicate_of.is_none() => {
                self.valid += 1;
                if self.keep_people {
                    self.people.push(*person);
                }
            }
            RowOutcome::Counted(_) if duplicate_of.is_none() => self.valid += 1,
            _ => self.rows_with_errors += 1,
        }
    }
}

impl Checked {
    /// The row's address, if it was a valid one.
    pub fn address(&self) -> Option<&str> {
        match &self.outcome {
            RowOutcome::Valid(person) => Some(&person.email),
            RowOutcome::Counted(address) => Some(address),
            RowOutcome::Invalid(address) => address.as_deref(),
        }
    }

    pub fn line(&self) -> u64 {
        self.line
    }
}

/// For every row (in the list's order, `None` for rows without a valid address), the index of the
/// earlier row whose address it repeats. By sorting (hash, row) pairs instead of probing a table
/// row after row: a million rows take a few tens of milliseconds and no lock, and equal hashes are
/// compared by their text, so a collision (even a crafted one) only costs a comparison.
pub fn duplicates(addresses: &[Option<&str>]) -> Vec<Option<u32>> {
    use std::hash::BuildHasher;
    let hasher = foldhash::fast::FixedState::default();
    let mut keys: Vec<(u64, u32)> = addresses
        .iter()
        .enumerate()
        .filter_map(|(row, address)| address.map(|a| (hasher.hash_one(a), row as u32)))
        .collect();
    keys.sort_unstable();
    let mut first_of = vec![None; addresses.len()];
    let mut run = Vec::new();
    let mut at = 0;
    while at < keys.len() {
        let mut end = at + 1;
        while end < keys.len() && keys[end].0 == keys[at].0 {
            end += 1;
        }
        if end - at > 1 {
            run.clear();
            run.extend(
                keys[at..end]
                    .iter()
                    .map(|(_, row)| (addresses[*row as usize].unwrap_or_default(), *row)),
            );
            // By text, then by row: the first row of each address is the original.
            run.sort_unstable();
            let mut i = 0;
            while i < run.len() {
                let mut j = i + 1;
                while j < run.len() && run[j].0 == run[i].0 {
                    first_of[run[j].1 as usize] = Some(run[i].1);
                    j += 1;
                }
                i = j;
            }
        }
        at = end;
    }
    first_of
}

fn email(row: &mut RowProblems, cell: Option<&str>) -> Option<String> {
    let raw = clean(cell.unwrap_or(""));
    if raw.is_empty() {
        row.error("email", "missing email address".into());
        return None;
    }
    let (address, note) = strip_decoration(raw);
    if let Some(note) = note {
        row.warning("email", note);
    }
    let address = if address.is_ascii() {
        address.to_ascii_lowercase()
    } else {
        address.to_lowercase()
    };
    if let Err(why) = check_address(&address) {
        row.error(
            "email",
            format!("invalid email address \"{}\": {why}", printable(raw)),
        );
        return None;
    }
    if !address.split('@').next().unwrap_or("").is_ascii() {
        row.warning(
            "email",
            "the part before @ has non-ASCII characters; some mail systems cannot deliver to it"
                .into(),
        );
    }
    Some(address)
}

struct RowProblems {
    line: u64,
    problems: Vec<Problem>,
}

impl RowProblems {
    fn push(&mut self, severity: Severity, field: &str, message: String) {
        self.problems.push(Problem {
            line: self.line,
            severity,
            field: Some(field.to_owned()),
            message,
        });
    }
    fn error(&mut self, field: &str, message: String) {
        self.push(Severity::Error, field, message);
    }
    fn warning(&mut self, field: &str, message: String) {
        self.push(Severity::Warning, field, message);
    }
}

fn clean(cell: &str) -> &str {
    if cell.is_ascii() {
        // No invisible character is ASCII.
        return cell.trim();
    }
    cell.trim().trim_matches(INVISIBLE).trim()
}

/// Control characters shown as escapes, so a message never carries them to a terminal or the UI.
fn printable(s: &str) -> String {
    s.chars()
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}

/// `mailto:a@b`, `<a@b>` and `Name <a@b>` in an email cell become `a@b`.
fn strip_decoration(raw: &str) -> (&str, Option<String>) {
    let mut address = raw;
    if address.len() >= 7
        && address.is_char_boundary(7)
        && address[..7].eq_ignore_ascii_case("mailto:")
    {
        address = address[7..].trim();
        if let Some(query) = address.find('?') {
            address = &address[..query];
        }
    }
    match (address.rfind('<'), address.ends_with('>')) {
        (Some(open), true) => {
            let inner = address[open + 1..address.len() - 1].trim();
            let note = (open > 0).then(|| {
                format!(
                    "the email cell also holds a name (\"{}\"); only the address is used",
                    printable(address[..open].trim().trim_matches('"'))
                )
            });
            (inner, note)
        }
        _ => (address, None),
    }
}

/// `chars().any(char::is_control)`, byte by byte for ASCII text (most of a list).
fn has_control(value: &str) -> bool {
    if value.is_ascii() {
        value.bytes().any(|b| b.is_ascii_control())
    } else {
        value.chars().any(char::is_control)
    }
}

fn check_address(address: &str) -> Result<(), String> {
    let space = if address.is_ascii() {
        // `is_ascii_whitespace` leaves out vertical tab, which `char::is_whitespace` counts.
        address
            .bytes()
            .find(|b| b.is_ascii_whitespace() || *b == 0x0B)
            .map(char::from)
    } else {
        address.chars().find(|c| c.is_whitespace())
    };
    if let Some(c) = space {
        return Err(if c == ' ' {
            "it contains a space".into()
        } else {
            "it contains white space".into()
        });
    }
    if has_control(address) {
        return Err("it contains a control character".into());
    }
    let Some(at) = address.rfind('@') else {
        return Err("there is no @".into());
    };
    let (local, domain) = (&address[..at], &address[at + 1..]);
    if domain.is_empty() {
        return Err("nothing after the @".into());
    }
    // Internationalized domains are valid; check their ASCII (punycode) form.
    let ascii_form;
    let checked = if domain.is_ascii() {
        address
    } else {
        let ascii_domain = idna::domain_to_ascii(domain)
            .map_err(|_| format!("\"{domain}\" is not a valid domain name"))?;
        ascii_form = format!("{local}@{ascii_domain}");
        ascii_form.as_str()
    };
    let options = Options {
        minimum_sub_domains: 2,
        allow_domain_literal: false,
        allow_display_text: false,
    };
    EmailAddress::parse_with_options(checked, options)
        .map(|_| ())
        .map_err(|e| explain(&e, domain))
}

fn explain(error: &email_address::Error, domain: &str) -> String {
    use email_address::Error as E;
    match error {
        E::InvalidCharacter => "it contains a character addresses cannot have".into(),
        E::MissingSeparator => "there is no @".into(),
        E::LocalPartEmpty => "nothing before the @".into(),
        E::LocalPartTooLong => "the part before the @ is longer than 64 characters".into(),
        E::DomainEmpty => "nothing after the @".into(),
        E::DomainTooLong => "the domain is longer than 254 characters".into(),
        E::SubDomainEmpty => format!(
            "the domain \"{domain}\" has an empty part (two dots in a row, or a dot at an end)"
        ),
        E::SubDomainTooLong => {
            format!("a part of the domain \"{domain}\" is longer than 63 characters")
        }
        E::DomainTooFew => format!("the domain \"{domain}\" has no dot (like example.com)"),
        E::DomainInvalidSeparator => format!("the domain \"{domain}\" has a misplaced dot"),
        E::UnbalancedQuotes => "its quotes are unbalanced".into(),
        E::InvalidComment => "it has a malformed comment".into(),
        E::InvalidIPAddress | E::UnsupportedDomainLiteral => {
            "IP-address domains are not accepted".into()
        }
        E::UnsupportedDisplayName | E::MissingDisplayName | E::MissingEndBracket => {
            "it is not a plain address".into()
        }
    }
}

/// Trims, checks Auth0's length limit, and warns about content a spreadsheet would misread.
fn limited<'a>(
    row: &mut RowProblems,
    field: &str,
    cell: Option<&'a str>,
    max: usize,
) -> Option<&'a str> {
    let value = clean(cell?);
    if value.is_empty() {
        return None;
    }
    // Only a value longer in bytes than the limit can be longer in characters.
    let length = if value.len() > max {
        value.chars().count()
    } else {
        value.len()
    };
    if length > max {
        row.error(
            field,
            format!("{field} is {length} characters long; Auth0 accepts at most {max}"),
        );
    }
    warn_odd_text(row, field, value);
    Some(value)
}

fn warn_odd_text(row: &mut RowProblems, field: &str, value: &str) {
    if let Some(first @ ('=' | '+' | '-' | '@')) = value.chars().next() {
        row.warning(
            field,
            format!(
                "starts with '{first}': kept as text, but a spreadsheet would treat it as a formula"
            ),
        );
    }
    if has_control(value) {
        row.warning(field, "contains control characters (kept as typed)".into());
    }
}

/// "Last, First" or "First Middle Last" to given and family names.
fn split_full_name(full: &str) -> (Option<String>, Option<String>) {
    if let Some((last, first)) = full.split_once(',') {
        let (first, last) = (first.trim(), last.trim());
        if !first.is_empty() && !last.is_empty() {
            return (Some(first.to_owned()), Some(last.to_owned()));
        }
    }
    match full.trim().rsplit_once(char::is_whitespace) {
        Some((given, family)) if !given.trim().is_empty() => {
            (Some(given.trim().to_owned()), Some(family.to_owned()))
        }
        _ => (Some(full.trim().to_owned()), None),
    }
}

fn split_roles(cell: &str) -> Vec<String> {
    let mut roles: Vec<String> = Vec::new();
    for role in cell
        .split([',', ';', '|'])
        .map(clean)
        .filter(|r| !r.is_empty())
    {
        if !roles.iter().any(|r| r == role) {
            roles.push(role.to_owned());
        }
    }
    roles
}

/// Text stays text; a cell that starts like JSON (`{` or `[`) must be valid JSON.
fn metadata_value<'a>(
    row: &mut RowProblems,
    field: &str,
    cell: &'a str,
) -> Option<MetadataValue<'a>> {
    let value = clean(cell);
    if value.is_empty() {
        return None;
    }
    if value.starts_with(['{', '[']) {
        return match serde_json::from_str(value) {
            Ok(json) => Some(MetadataValue::Json(json)),
            Err(err) => {
                row.error(
                    field,
                    format!("invalid metadata: looks like JSON but is not valid JSON ({err})"),
                );
                None
            }
        };
    }
    warn_odd_text(row, field, value);
    Some(MetadataValue::Text(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(cell: &str) -> Result<String, String> {
        let mut v = Validator::new(true);
        v.row(
            7,
            RowFields {
                email: Some(cell),
                ..RowFields::default()
            },
        );
        match v.people.pop() {
            Some(p) => Ok(p.email),
            None => Err(v.problems.pop().map(|p| p.message).unwrap_or_default()),
        }
    }

    #[test]
    fn addresses_are_trimmed_unwrapped_and_lowercased() {
        assert_eq!(
            check("  Jane.Doe@Example.COM \u{200B}").unwrap(),
            "jane.doe@example.com"
        );
        assert_eq!(
            check("mailto:Jane@Example.com").unwrap(),
            "jane@example.com"
        );
        assert_eq!(
            check("MAILTO:jane@example.com?subject=hi").unwrap(),
            "jane@example.com"
        );
        assert_eq!(
            check("Jane Doe <jane@example.com>").unwrap(),
            "jane@example.com"
        );
        assert_eq!(check("jörg@bücher.de").unwrap(), "jörg@bücher.de");
        assert_eq!(check("user@例え.jp").unwrap(), "user@例え.jp");
    }

    #[test]
    fn invalid_addresses_say_why() {
        assert!(check("").unwrap_err().contains("missing email"));
        assert!(check("jane.example.com").unwrap_err().contains("no @"));
        assert!(check("jane@localhost").unwrap_err().contains("has no dot"));
        assert!(check("jane doe@example.com").unwrap_err().contains("space"));
        assert!(
            check("@example.com")
                .unwrap_err()
                .contains("nothing before the @")
        );
        assert!(check("jane@").unwrap_err().contains("nothing after the @"));
        assert!(
            check("jane@example..com")
                .unwrap_err()
                .contains("empty part")
        );
        assert!(
            check("jane@[127.0.0.1]")
                .unwrap_err()
                .contains("IP-address")
        );
    }

    #[test]
    fn duplicates_are_case_insensitive_and_name_the_first_line() {
        let mut v = Validator::new(true);
        v.row(
            2,
            RowFields {
                email: Some("a@b.co"),
                ..RowFields::default()
            },
        );
        v.row(
            5,
            RowFields {
                email: Some("A@B.CO"),
                ..RowFields::default()
            },
        );
        assert_eq!(v.people.len(), 1);
        assert_eq!(v.problems[0].line, 5);
        assert_eq!(v.problems[0].message, "duplicate of line 2 (a@b.co)");
        assert_eq!((v.rows, v.rows_with_errors), (2, 1));
    }

    #[test]
    fn full_names_are_split_when_there_are_no_name_columns() {
        assert_eq!(
            split_full_name("Doe, Jane"),
            (Some("Jane".into()), Some("Doe".into()))
        );
        assert_eq!(
            split_full_name("Mary Ann Smith"),
            (Some("Mary Ann".into()), Some("Smith".into()))
        );
        assert_eq!(split_full_name("Cher"), (Some("Cher".into()), None));
    }

    #[test]
    fn limits_metadata_and_hostile_content() {
        let long = "x".repeat(151);
        let mut v = Validator::new(false);
        v.row(
            3,
            RowFields {
                email: Some("a@b.co"),
                given_name: Some(&long),
                ..RowFields::default()
            },
        );
        assert!(v.people.is_empty());
        assert!(v.problems[0].message.contains("151 characters"));

        let dept = ColumnRole::AppMetadata("dept".into());
        let tags = ColumnRole::UserMetadata("tags".into());
        let bad = ColumnRole::UserMetadata("bad".into());
        let mut v = Validator::new(false);
        v.row(
            4,
            RowFields {
                email: Some("c@d.co"),
                family_name: Some("=HYPERLINK(\"http://x\")"),
                name: Some("<b>Bold</b>"),
                metadata: vec![
                    (&dept, "app_metadata.dept", "Sales"),
                    (&tags, "user_metadata.tags", "[\"a\",1]"),
                ],
                ..RowFields::default()
            },
        );
        let person = &v.people[0];
        assert_eq!(
            person.family_name.as_deref(),
            Some("=HYPERLINK(\"http://x\")")
        );
        assert_eq!(person.name.as_deref(), Some("<b>Bold</b>"));
        assert_eq!(person.app_metadata["dept"], "Sales");
        assert_eq!(person.user_metadata["tags"], serde_json::json!(["a", 1]));
        assert_eq!(v.warnings, 1, "{:?}", v.problems);

        let mut v = Validator::new(false);
        v.row(
            9,
            RowFields {
                email: Some("e@f.co"),
                metadata: vec![(&bad, "user_metadata.bad", "{oops")],
                ..RowFields::default()
            },
        );
        assert!(v.people.is_empty());
        assert!(
            v.problems[0].message.starts_with("invalid metadata"),
            "{:?}",
            v.problems
        );
        assert_eq!(v.problems[0].field.as_deref(), Some("user_metadata.bad"));
    }

    #[test]
    fn roles_split_and_dedupe() {
        assert_eq!(
            split_roles("admin, editor;admin | viewer,"),
            vec!["admin", "editor", "viewer"]
        );
    }
}
