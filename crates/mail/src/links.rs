//! Link export: a CSV of person, link and expiry, for admins who send invitations themselves.
//! Cells a spreadsheet would run as formulas are neutralized; the file appears whole or not at all.

use std::path::{Path, PathBuf};

use crate::error::{MailError, MailErrorKind};

/// Prefixes a cell that a spreadsheet would read as a formula with `'`, which shows as text.
pub fn neutralize(cell: &str) -> std::borrow::Cow<'_, str> {
    // Control characters (line breaks, tabs, escapes) inside a cell become spaces: they split rows
    // in careless readers and hide a formula behind what looks like a blank.
    let cell: std::borrow::Cow<'_, str> = if cell.chars().any(char::is_control) {
        std::borrow::Cow::Owned(
            cell.chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect(),
        )
    } else {
        std::borrow::Cow::Borrowed(cell)
    };
    match cell.trim_start().chars().next() {
        Some('=' | '+' | '-' | '@') => std::borrow::Cow::Owned(format!("'{cell}")),
        _ => cell,
    }
}

/// One row of the export. `Debug` leaves the link out.
#[derive(Clone, PartialEq, Eq)]
pub struct LinkRow {
    pub email: String,
    pub name: String,
    /// A bearer secret: exported only because the admin asked for this file.
    pub link: String,
    pub expires_at: String,
}

impl std::fmt::Debug for LinkRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LinkRow")
            .field("email", &self.email)
            .field("name", &self.name)
            .field("link", &"<bearer link>")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

pub const HEADER: [&str; 4] = ["email", "name", "link", "expires_at"];

/// Writes the CSV to a temporary file beside `path`, then renames it into place.
pub fn write_links(path: &Path, rows: &[LinkRow]) -> Result<PathBuf, MailError> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let io = |e: &dyn std::fmt::Display| {
        MailError::new(
            MailErrorKind::Io,
            format!("could not write {}: {e}", path.display()),
        )
    };
    let temp = tempfile::NamedTempFile::new_in(dir).map_err(|e| io(&e))?;
    let mut writer = csv::Writer::from_writer(temp);
    writer.write_record(HEADER).map_err(|e| io(&e))?;
    for row in rows {
        writer
            .write_record(
                [&row.email, &row.name, &row.link, &row.expires_at]
                    .map(|c| neutralize(c).into_owned()),
            )
            .map_err(|e| io(&e))?;
    }
    let temp = writer.into_inner().map_err(|e| io(&e))?;
    temp.as_file().sync_all().map_err(|e| io(&e))?;
    temp.persist(path).map_err(|e| io(&e.error))?;
    Ok(path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralized_and_links_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("links.csv");
        let rows = vec![
            LinkRow {
                email: "=cmd|' /C calc'!A0@x.com".into(),
                name: "+Eve, \"the\" attacker".into(),
                link: "https://t.example/u/reset-password?ticket=Q#type=invite&a=b".into(),
                expires_at: "2026-11-28T12:00:00Z".into(),
            },
            LinkRow {
                email: "ada@example.com".into(),
                name: "Ada".into(),
                link: "https://t.example/x#".into(),
                expires_at: "-".into(),
            },
        ];
        write_links(&path, &rows).unwrap();
        let mut reader = csv::Reader::from_path(&path).unwrap();
        let read: Vec<Vec<String>> = reader
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect();
        assert_eq!(read[0][0], "'=cmd|' /C calc'!A0@x.com");
        assert_eq!(read[0][1], "'+Eve, \"the\" attacker");
        assert_eq!(
            read[0][2], rows[0].link,
            "the link is exported exactly as issued"
        );
        assert_eq!(read[1][3], "'-");
        assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), HEADER);
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file left behind"
        );
    }

    #[test]
    fn control_characters_inside_cells_become_spaces_and_hidden_formulas_are_caught() {
        assert_eq!(neutralize("Ann\r\nLee"), "Ann  Lee");
        assert_eq!(neutralize("a\u{1b}[31mred"), "a [31mred");
        assert_eq!(neutralize("\t=HYPERLINK(\"x\")"), "' =HYPERLINK(\"x\")");
        assert_eq!(neutralize("  @SUM(A1)"), "'  @SUM(A1)");
        assert_eq!(neutralize("plain@example.com"), "plain@example.com");
    }

    #[test]
    fn a_rows_debug_never_shows_its_link() {
        let row = LinkRow {
            email: "ann@example.com".into(),
            name: "Ann".into(),
            link: "https://t.example/reset?ticket=SECRET".into(),
            expires_at: "-".into(),
        };
        let shown = format!("{row:?}");
        assert!(
            !shown.contains("SECRET") && shown.contains("ann@example.com"),
            "{shown}"
        );
    }
}
