//! The state file of a sandbox that outlives its process (`SandboxConfig::state_file`): loaded at
//! start, saved (atomically: a temporary file, then a rename) a fifth of a second after the last
//! change, at least every 2 s while changes keep coming, and when the sandbox stops. A file that cannot be
//! read is moved aside with a warning, never silently replaced.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use crate::Shared;
use crate::tenant::Persisted;

/// How often the keeper looks for changes.
const TICK: Duration = Duration::from_millis(100);
/// A change is saved once the tenant has been quiet this long…
const QUIET: Duration = Duration::from_millis(200);
/// …or, while changes keep coming, at least this often (longer for a tenant slow to encode: ten
/// times its last save, so a large one does not spend its time saving).
const AT_LEAST_EVERY: Duration = Duration::from_secs(2);

pub(crate) fn load(path: &Path) -> Option<Persisted> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => {
            tracing::warn!(file = %path.display(), error = %e, "the sandbox's kept tenant cannot be read; starting an empty one");
            return None;
        }
    };
    match serde_json::from_slice(&bytes) {
        Ok(saved) => Some(saved),
        Err(e) => {
            tracing::warn!(file = %path.display(), error = %e, "the sandbox's kept tenant is not readable; it is moved aside and an empty one starts");
            retire(path, "unreadable");
            None
        }
    }
}

/// Moves the file aside (`<name>.<why>-<unix time>`), keeping it for whoever wants to look.
pub(crate) fn retire(path: &Path, why: &str) {
    if !path.exists() {
        return;
    }
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let mut aside = path.as_os_str().to_owned();
    aside.push(format!(".{why}-{stamp}"));
    if let Err(e) = std::fs::rename(path, &aside) {
        tracing::warn!(file = %path.display(), error = %e, "could not move the sandbox's kept tenant aside");
    }
}

pub(crate) fn save(shared: &Shared, path: &Path, port: u16) {
    let _one_at_a_time = shared.saving.lock();
    if shared.stopped.load(Ordering::SeqCst) {
        // The last save is done (and the file may have been moved aside since): nothing more.
        return;
    }
    write(shared, path, port);
}

/// The save when the sandbox stops: after it, nothing writes the file again.
pub(crate) fn save_last(shared: &Shared, path: &Path, port: u16) {
    let _one_at_a_time = shared.saving.lock();
    if !shared.stopped.swap(true, Ordering::SeqCst) {
        write(shared, path, port);
    }
}

fn write(shared: &Shared, path: &Path, port: u16) {
    let persisted = shared.tenant().persisted(port);
    let text = match serde_json::to_vec(&persisted) {
        Ok(text) => text,
        Err(e) => {
            tracing::warn!(error = %e, "could not encode the sandbox's tenant");
            return;
        }
    };
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".tmp");
    let written = path
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| write_private(Path::new(&temporary), &text))
        .and_then(|()| std::fs::rename(&temporary, path));
    if let Err(e) = written {
        tracing::warn!(file = %path.display(), error = %e, "could not keep the sandbox's tenant");
    }
}

/// Writes `text` to a file only its owner can read (the tenant holds the sandbox's own links and
/// password hashes, and the people of every batch tried).
fn write_private(path: &Path, text: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(text)?;
    file.sync_all()
}

/// Saves the tenant as it changes, for as long as the sandbox serves. A process killed outright
/// (no exit handler runs) loses at most the last fraction of a second.
pub(crate) async fn keep(shared: Arc<Shared>, path: std::path::PathBuf, port: u16) {
    let mut saved_at = shared.changes.load(Ordering::Relaxed);
    let mut seen = saved_at;
    let mut quiet_since = Instant::now();
    let mut last_save = Instant::now();
    let mut every = AT_LEAST_EVERY;
    loop {
        tokio::time::sleep(TICK).await;
        if Arc::strong_count(&shared) == 1 || shared.stopped.load(Ordering::SeqCst) {
            return;
        }
        let now = shared.changes.load(Ordering::Relaxed);
        if now != seen {
            seen = now;
            quiet_since = Instant::now();
        }
        let quiet = quiet_since.elapsed() >= QUIET;
        if now != saved_at && (quiet || last_save.elapsed() >= every) {
            let started = Instant::now();
            let (shared, path) = (shared.clone(), path.clone());
            // Encoding a large tenant takes a moment: not on the server's threads.
            let _ = tokio::task::spawn_blocking(move || save(&shared, &path, port)).await;
            every = AT_LEAST_EVERY.max(started.elapsed() * 10);
            saved_at = now;
            last_save = Instant::now();
        }
    }
}
