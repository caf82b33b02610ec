//! A batch file given to the app when it starts (`invite-desk-app batch.json`, which is also how
//! the OS opens a double-clicked file): kept here until the New batch screen asks for it once, then
//! opened through the engine like *Open a batch file…*.

use std::path::PathBuf;

use parking_lot::Mutex;

#[derive(Default)]
pub struct OpenedAtStart(Mutex<Option<PathBuf>>);

impl OpenedAtStart {
    /// The first argument that names an existing `.json` file (flags and anything else ignored).
    pub fn from_args(args: impl Iterator<Item = String>) -> Self {
        let file = args.skip(1).map(PathBuf::from).find(|p| {
            p.extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("json"))
                && p.is_file()
        });
        if let Some(file) = &file {
            tracing::info!(file = %file.display(), "started with a batch file");
        }
        OpenedAtStart(Mutex::new(file))
    }

    /// The file, once.
    pub fn take(&self) -> Option<PathBuf> {
        self.0.lock().take()
    }
}
