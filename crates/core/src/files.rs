//! Writing the engine's own files: whole or not at all; and the OS file locks that keep two
//! processes (the app and a script, two terminals) from working on the same thing at once.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use crate::{AppError, ErrorCode};

/// Reads at most `limit` bytes of a regular file: a FIFO, a device or a folder is refused before
/// it is opened for reading (a FIFO would block, a device never end), and a file larger than the
/// limit is refused from its size, without reading it.
pub fn read_regular_file(path: &Path, limit: u64, what: &str) -> Result<Vec<u8>, AppError> {
    // Opened without blocking (a FIFO would wait for a writer), then judged by what was opened, not
    // by a second look at the path, which could have been swapped in between.
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options
        .open(path)
        .map_err(|e| AppError::io("read", path, &e))?;
    let metadata = file
        .metadata()
        .map_err(|e| AppError::io("read", path, &e))?;
    if !metadata.is_file() {
        return Err(AppError::invalid_input(format!(
            "{} is not a regular file (a folder, device or pipe): give the {what} itself",
            path.display()
        )));
    }
    if metadata.len() > limit {
        return Err(too_large(what, metadata.len(), limit));
    }
    read_limited(file, limit, what).map_err(|e| match e.code {
        ErrorCode::Io => AppError::new(ErrorCode::Io, format!("{}: {}", path.display(), e.message)),
        _ => e,
    })
}

/// Reads a stream to its end, refusing it once it passes `limit` bytes (a file that grew while
/// read, standard input).
pub fn read_limited(reader: impl Read, limit: u64, what: &str) -> Result<Vec<u8>, AppError> {
    let mut bytes = Vec::new();
    reader
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| AppError::new(ErrorCode::Io, format!("could not read the {what}: {e}")))?;
    if bytes.len() as u64 > limit {
        return Err(too_large(what, bytes.len() as u64, limit));
    }
    Ok(bytes)
}

fn too_large(what: &str, size: u64, limit: u64) -> AppError {
    const MB: u64 = 1024 * 1024;
    AppError::invalid_input(format!(
        "this {what} is over {} MB ({} MB or more): that is more than Invite Desk reads",
        limit / MB,
        size.div_ceil(MB)
    ))
}

/// Creates a folder only its owner may enter (0700 on Unix; on Windows the folders live in the
/// user's profile, whose ACL already admits only that user and the system). An existing folder is
/// narrowed to the owner too: it holds the names and addresses of everyone invited.
pub fn create_private_dir(dir: &Path) -> Result<(), AppError> {
    std::fs::create_dir_all(dir).map_err(|e| AppError::io("create folder", dir, &e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| AppError::io("restrict the permissions of", dir, &e))?;
    }
    Ok(())
}

/// Writes a temporary file beside `path`, syncs it, renames it into place and syncs the folder: a
/// crash or a power cut leaves the old file or the new one, never half of one, and never loses a
/// rename that already returned.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), AppError> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let io = |e: std::io::Error| AppError::io("write", path, &e);
    let mut temp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    temp.write_all(bytes).map_err(io)?;
    temp.as_file().sync_all().map_err(io)?;
    temp.persist(path).map_err(|e| io(e.error))?;
    sync_dir(dir).map_err(|e| AppError::io("sync the folder of", path, &e))
}

/// The rename is durable only once the folder's entry is on disk (POSIX). Windows has no handle to
/// a folder to sync: NTFS journals the rename itself.
#[cfg(unix)]
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}

fn open_lock_file(path: &Path) -> Result<File, AppError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| AppError::io("create", dir, &e))?;
    }
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(|e| AppError::io("open the lock file", path, &e))
}

/// Held while a read-modify-write of a shared file happens (`profiles.json` from the CLI and the
/// app at once): released when dropped.
pub struct FileLock {
    _file: File,
}

/// Waits for the exclusive lock on `path` (created if need be).
pub fn lock_exclusive(path: &Path) -> Result<FileLock, AppError> {
    let file = open_lock_file(path)?;
    file.lock().map_err(|e| AppError::io("lock", path, &e))?;
    Ok(FileLock { _file: file })
}

/// The lock of one thing a single process may work on at a time (a batch's run), with the process
/// id of its holder written inside for the message the others get.
pub struct OwnerLock {
    file: File,
    path: PathBuf,
}

impl OwnerLock {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for OwnerLock {
    fn drop(&mut self) {
        // Emptied so a stale pid is never reported; the lock itself goes with the handle.
        let _ = self.file.set_len(0);
    }
}

/// The pid a lock's holder wrote. It writes it just after taking the lock, so a reader may come in
/// between: a few short tries. Windows forbids reading a locked file: then there is none.
fn holder_pid(path: &Path) -> Option<u32> {
    for _ in 0..20 {
        let mut text = String::new();
        if File::open(path)
            .and_then(|mut f| f.read_to_string(&mut text))
            .is_err()
        {
            return None;
        }
        if let Ok(pid) = text.trim().parse::<u32>() {
            return Some(pid);
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    None
}

/// Takes the lock on `path` at once, or says who holds it: `what` names the thing in the error
/// ("batch b-1 is being run by another Invite Desk (pid 4242)").
pub fn try_lock_owner(path: &Path, what: &str) -> Result<OwnerLock, AppError> {
    let mut file = open_lock_file(path)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            let holder = holder_pid(path)
                .map(|pid| format!(" (pid {pid})"))
                .unwrap_or_default();
            return Err(AppError::new(
                ErrorCode::Conflict,
                format!(
                    "{what} is being run by another Invite Desk{holder}: wait for it to end, or stop it first"
                ),
            ));
        }
        Err(TryLockError::Error(e)) => return Err(AppError::io("lock", path, &e)),
    }
    let io = |e: std::io::Error| AppError::io("write", path, &e);
    file.set_len(0).map_err(io)?;
    file.rewind().map_err(io)?;
    write!(file, "{}", std::process::id()).map_err(io)?;
    file.flush().map_err(io)?;
    Ok(OwnerLock {
        file,
        path: path.to_owned(),
    })
}

/// Whether `id` may become part of a file name: letters, digits, `-` and `_` only, so an id read
/// from a batch file can never point outside its folder.
pub fn check_file_id(what: &str, id: &str) -> Result<(), AppError> {
    let ok = !id.is_empty()
        && id.len() <= 100
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(AppError::invalid_input(format!(
            "{what} \"{id}\" may hold only letters, digits, - and _ (at most 100)"
        )))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn only_regular_files_within_the_limit_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("list.csv");
        std::fs::write(&file, b"email\na@example.com\n").unwrap();
        assert_eq!(read_regular_file(&file, 100, "list").unwrap().len(), 20);
        let error = read_regular_file(&file, 10, "list").unwrap_err();
        assert_eq!(error.code, ErrorCode::InvalidInput);
        assert!(
            error.message.contains("over 0 MB") || error.message.contains("is over"),
            "{}",
            error.message
        );
        let error = read_regular_file(dir.path(), 100, "list").unwrap_err();
        assert!(
            error.message.contains("not a regular file"),
            "{}",
            error.message
        );
        #[cfg(unix)]
        {
            let error = read_regular_file(Path::new("/dev/zero"), 100, "list").unwrap_err();
            assert!(
                error.message.contains("not a regular file"),
                "{}",
                error.message
            );
        }
        let endless = std::io::repeat(b'x');
        assert!(read_limited(endless, 1000, "list").is_err());
    }

    #[cfg(unix)]
    #[test]
    fn private_folders_are_the_owners_alone_even_when_they_existed() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let made = dir.path().join("a/b");
        create_private_dir(&made).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&made), 0o700);
        let open = dir.path().join("open");
        std::fs::create_dir(&open).unwrap();
        std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o755)).unwrap();
        create_private_dir(&open).unwrap();
        assert_eq!(mode(&open), 0o700);
    }

    #[test]
    fn a_second_holder_is_refused_with_the_first_ones_pid_until_it_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("locks/b-1.lock");
        let first = try_lock_owner(&path, "batch b-1").unwrap();
        let err = try_lock_owner(&path, "batch b-1").err().unwrap();
        assert_eq!(err.code, ErrorCode::Conflict);
        assert!(
            err.message
                .contains(&format!("(pid {})", std::process::id())),
            "{}",
            err.message
        );
        drop(first);
        let again = try_lock_owner(&path, "batch b-1").unwrap();
        assert_eq!(again.path(), path);
    }

    #[test]
    fn ids_that_would_leave_their_folder_are_refused() {
        for bad in [
            "../x",
            "a/b",
            "a\\b",
            "",
            "b 1",
            "b\u{0}1",
            &"x".repeat(101),
        ] {
            assert!(check_file_id("batch id", bad).is_err(), "{bad:?}");
        }
        check_file_id("batch id", "b-20261201-081733-a1b2c3").unwrap();
        check_file_id("batch id", "resend-20261201_x").unwrap();
    }
}
