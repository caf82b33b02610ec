//! What the app is and where it keeps things: shown on the Settings screen and by `invite-desk info`.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::paths::AppPaths;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AppInfo {
    pub name: String,
    pub version: String,
    pub data_dir: String,
    pub log_dir: String,
}

pub const PRODUCT_NAME: &str = "Invite Desk";

/// The engine's version is the product version: every crate shares the workspace version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

pub fn app_info(paths: &AppPaths) -> AppInfo {
    AppInfo {
        name: PRODUCT_NAME.to_owned(),
        version: VERSION.to_owned(),
        data_dir: paths.data_dir.display().to_string(),
        log_dir: paths.log_dir.display().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_the_folders_it_was_given() {
        let paths = AppPaths::under("/tmp/idesk-test");
        let info = app_info(&paths);
        assert_eq!(info.data_dir, "/tmp/idesk-test");
        assert_eq!(info.log_dir, "/tmp/idesk-test/logs");
        assert_eq!(info.version, env!("CARGO_PKG_VERSION"));
    }
}
