#!/usr/bin/env bash
# The desktop app's figures for docs/benchmarks.md: start-up to first paint, and frame times while a
# Sandbox run streams progress. Builds the release app the way it ships (`tauri build`: the UI, then
# the binary with its assets embedded), then measures it through WebDriver in a desktop session.
#   BENCH_LAUNCHES=7 BENCH_PEOPLE=10000 ./scripts/bench-desktop.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bash "$REPO_ROOT/scripts/setup.sh"
cd "$REPO_ROOT"

step "release build (tauri build --no-bundle)"
npx tauri build --no-bundle

step "measuring"
INVITE_DESK_APP="$CARGO_TARGET_DIR/release/invite-desk-app" \
  bash scripts/with-desktop-session.sh node tests/e2e/bench.mjs
