//! The outbox: one RFC 5322 `.eml` file per message in a folder, for offline preparation; any mail
//! client opens them. Each file is written to a temporary name and renamed, so a crash never leaves
//! half a message.

use std::io::Write;
use std::path::{Path, PathBuf};

use lettre::Message;

use crate::error::{MailError, MailErrorKind};

/// A file name made from a hint (e.g. `0042-jane.doe@example.com`): safe on every OS.
pub fn file_name(hint: &str) -> String {
    let safe: String = hint
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | '@' | '+') {
                c
            } else {
                '_'
            }
        })
        .take(120)
        .collect();
    format!("{safe}.eml")
}

/// Writes the message as `<dir>/<hint>.eml` atomically and returns the path.
pub fn write_eml(dir: &Path, hint: &str, message: &Message) -> Result<PathBuf, MailError> {
    std::fs::create_dir_all(dir).map_err(|e| {
        MailError::new(
            MailErrorKind::Io,
            format!("could not create the outbox folder {}: {e}", dir.display()),
        )
    })?;
    let path = dir.join(file_name(hint));
    let io = |e: std::io::Error| {
        MailError::new(
            MailErrorKind::Io,
            format!("could not write {}: {e}", path.display()),
        )
    };
    let mut temp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    temp.write_all(&message.formatted()).map_err(io)?;
    temp.as_file().sync_all().map_err(io)?;
    temp.persist(&path).map_err(|e| io(e.error))?;
    Ok(path)
}
