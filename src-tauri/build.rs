//! Declares one permission per app command, so a capability must grant each explicitly: nothing is
//! callable from the webview by default. The command list is read from the main window's capability,
//! which is generated from `src-tauri/src/commands.rs` (a test there fails when it drifts).

const CAPABILITY: &str = "src-tauri/capabilities/main-window.json";

fn commands() -> &'static [&'static str] {
    let text = std::fs::read_to_string(CAPABILITY)
        .unwrap_or_else(|e| panic!("cannot read {CAPABILITY}: {e}"));
    let capability: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{CAPABILITY} is not JSON: {e}"));
    let permissions = capability["permissions"]
        .as_array()
        .unwrap_or_else(|| panic!("{CAPABILITY} has no permission list"));
    permissions
        .iter()
        .map(|p| {
            let permission = p.as_str().unwrap_or_default();
            let command = permission
                .strip_prefix("allow-")
                .unwrap_or_else(|| panic!("{CAPABILITY}: \"{permission}\" is not an app command"))
                .replace('-', "_");
            // tauri-build wants &'static names; a build script lives for one run.
            &*Box::leak(command.into_boxed_str())
        })
        .collect::<Vec<_>>()
        .leak()
}

fn main() {
    // Capabilities live under src-tauri/ while tauri.conf.json sits at the root.
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    let commands = commands();
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("src-tauri/capabilities/**/*")
        .app_manifest(tauri_build::AppManifest::new().commands(commands));
    if let Err(err) = tauri_build::try_build(attributes) {
        panic!("tauri-build failed: {err:#}");
    }
}
