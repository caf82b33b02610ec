#!/usr/bin/env bash
# Quick start, second command: every check and test the project has, in the order CI runs them.
# Builds the UI once and the Rust workspace once; the end-to-end tests drive the binary just built.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bash "$REPO_ROOT/scripts/setup.sh"
cd "$REPO_ROOT"
start=$SECONDS

step "UI: lint, type-check, unit tests, build"
npm run --silent lint --workspace ui
npm run --silent typecheck --workspace ui
npm run --silent test --workspace ui
# The Rust build embeds ui/dist, so the UI is built before any cargo step.
npm run --silent build --workspace ui

step "Rust: format"
cargo fmt --all -- --check

step "Rust: the CLI and the engine build without Tauri"
if cargo tree -p invite-desk --edges normal,build | grep -q -E '^.*\btauri\b'; then
  cargo tree -p invite-desk -i tauri || true
  die "the invite-desk CLI depends on tauri; the engine crates must stay Tauri-free"
fi

step "Rust: clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "Rust: build and test (inside a desktop session: display, D-Bus, keychain)"
cargo build --workspace --locked
bash scripts/with-desktop-session.sh cargo test --workspace --locked -- --include-ignored

step "End to end: the real app through tauri-driver + WebKitWebDriver"
INVITE_DESK_APP="$APP_BINARY" INVITE_DESK_CLI="$CLI_BINARY" bash scripts/with-desktop-session.sh npm run --silent test --workspace tests/e2e

step "all checks passed in $((SECONDS - start)) s"
