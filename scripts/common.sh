# Shared settings for the project's scripts. Sourced, not run.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export REPO_ROOT

# One target dir outside the clone, kept between builds and clones: a clean Tauri build costs minutes
# on two cores.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/invite-desk-target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
export PATH="$HOME/.cargo/bin:$PATH"

APP_BINARY="$CARGO_TARGET_DIR/debug/invite-desk-app"
CLI_BINARY="$CARGO_TARGET_DIR/debug/invite-desk"
export APP_BINARY CLI_BINARY

step() { printf '\n==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
