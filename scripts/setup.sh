#!/usr/bin/env bash
# Installs everything Invite Desk needs to build, run and test on Debian/Ubuntu, skipping what is
# already there. Safe to run again; the launch and test commands call it first.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

SYSTEM_PACKAGES=(
  # build the desktop app (Tauri 2 on WebKitGTK 4.1)
  build-essential pkg-config libwebkit2gtk-4.1-dev
  # run it headless and drive it through WebDriver
  xvfb xauth webkit2gtk-driver
  # a real Secret Service for the keychain tests
  dbus dbus-x11 gnome-keyring libsecret-1-0 libsecret-tools
  # screenshots of the root window
  imagemagick
  # a real drag from another window (a GTK drag source moved with the X pointer) in the drag test
  xdotool python3-gi gir1.2-gtk-3.0
)

missing=()
for pkg in "${SYSTEM_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  step "installing system packages: ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

command -v cargo >/dev/null || die "cargo is missing: install Rust with rustup (https://rustup.rs) first"
command -v node >/dev/null || die "node is missing: install Node.js 20.19 or newer first"
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
  || die "Node.js $(node --version) is too old: Vite 8 needs 20.19 or newer"
cargo fmt --version >/dev/null 2>&1 || rustup component add rustfmt
cargo clippy --version >/dev/null 2>&1 || rustup component add clippy

# A real SMTP server for the mail tests (aiosmtpd, from PyPI).
if ! python3 -c 'import aiosmtpd' >/dev/null 2>&1; then
  step "installing aiosmtpd (the mail tests' SMTP server)"
  python3 -m pip install --quiet --disable-pip-version-check 'aiosmtpd==1.4.6' \
    || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages 'aiosmtpd==1.4.6'
fi

if ! tauri-driver --help >/dev/null 2>&1; then
  step "installing tauri-driver (WebDriver bridge for the end-to-end tests)"
  cargo install tauri-driver --version '^2' --locked
fi

# npm ci only when the lock file changed since the last install, so repeated runs stay fast.
stamp="$REPO_ROOT/node_modules/.invite-desk-lock"
if [[ ! -f "$stamp" ]] || ! cmp -s "$REPO_ROOT/package-lock.json" "$stamp"; then
  step "installing npm packages"
  # `npm ci`: exactly the lock, which lists every platform's Tauri CLI binary (so installing never
  # rewrites it); npm skips the optional packages of other platforms without fetching them.
  (cd "$REPO_ROOT" && npm ci --no-audit --no-fund)
  cp "$REPO_ROOT/package-lock.json" "$stamp"
fi
