//! Link export: a CSV of person, link and expiry, for admins who send invitations themselves.
//! Cells a spreadsheet would run as formulas are neutralized; the file appears whole or not at all.

use std::path::{Path, PathBuf};

use crate::error::{MailError, MailErrorKind};

/// Prefixes a cell that a spreadsheet would read as a formula with `'`, which shows as text.
pub fn neutralize(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => std::borrow::Cow::Owned(format!("'{cell}")),
        _ => std::borrow::Cow::Borrowed(cell),
    }
}

/// One row of the export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRow {
    pub email: String,
    pub name: String,
    /// A bearer secret: exported only because the admin asked for this file.
    pub link: String,
    pub expires_at: String,
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
}
