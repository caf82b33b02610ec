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
# The post-login Action shipped for admins (docs/auth0-action-invitation-status.js).
node --test tests/auth0-action.test.mjs
# The Rust build embeds ui/dist, so the UI is built before any cargo step.
npm run --silent build --workspace ui

step "Rust: format"
cargo fmt --all -- --check

step "Rust: the CLI and the engine build without Tauri"
if cargo tree -p invite-desk --edges normal,build | grep -q -E '^.*\btauri\b'; then
  cargo tree -p invite-desk -i tauri || true
  die "the invite-desk CLI depends on tauri; the engine crates must stay Tauri-free"
fi

step "Rust: each part depends only on what it may (docs/architecture.md)"
for part in invite-desk-core invite-desk-roster invite-desk-template invite-desk-journal; do
  forbidden='reqwest|hyper|tokio|lettre|tauri|invite-desk-sandbox'
  # Only the journal may use SQLite.
  [[ $part == invite-desk-journal ]] || forbidden="$forbidden|rusqlite"
  if cargo tree -p "$part" --edges normal | grep -q -E " ($forbidden) v"; then
    cargo tree -p "$part" --edges normal | grep -E " ($forbidden) v" || true
    die "$part depends on something it must not ($forbidden)"
  fi
done
if cargo tree -p invite-desk-engine --edges normal | grep -q 'invite-desk-sandbox v'; then
  die "the engine depends on the sandbox crate: the built-in Sandbox belongs to the shell"
fi

step "Rust: clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "Rust: build and test (inside a desktop session: display, D-Bus, keychain)"
cargo build --workspace --locked
bash scripts/with-desktop-session.sh cargo test --workspace --locked -- --include-ignored

step "End to end: the real app through tauri-driver + WebKitWebDriver"
INVITE_DESK_APP="$APP_BINARY" INVITE_DESK_CLI="$CLI_BINARY" bash scripts/with-desktop-session.sh npm run --silent test --workspace tests/e2e

bash scripts/test-installer.sh

step "all checks passed in $((SECONDS - start)) s"
