// The app's command names: one list for the permissions here and the handler in commands.rs.
include!("src/command_names.rs");

fn main() {
    // Capabilities live under src-tauri/ while tauri.conf.json sits at the root.
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("src-tauri/capabilities/**/*")
        // Declaring the app's commands makes each one a permission, so a capability must grant it
        // explicitly: nothing is callable from the webview by default.
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(err) = tauri_build::try_build(attributes) {
        panic!("tauri-build failed: {err:#}");
    }
}
