#!/usr/bin/env bash
# Runs a command inside what a desktop session provides: an X display (Xvfb when there is none), a
# D-Bus session bus, and an unlocked gnome-keyring as the Secret Service. Keychain data goes to a
# throw-away XDG_DATA_HOME so tests never touch a real login keyring.
set -euo pipefail
(($#)) || { echo "usage: $0 COMMAND [ARGS...]" >&2; exit 2; }

if [[ -z "${INVITE_DESK_IN_SESSION:-}" ]]; then
  export INVITE_DESK_IN_SESSION=1
  export XDG_DATA_HOME; XDG_DATA_HOME="$(mktemp -d)"
  if [[ -z "${DISPLAY:-}" ]]; then
    exec xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- "$0" "$@"
  fi
  exec dbus-run-session -- "$0" "$@"
fi

# Inside the session bus: start and unlock the keyring, then run the command.
eval "$(printf 'test-keyring-password' | gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)" || true
export GNOME_KEYRING_CONTROL SSH_AUTH_SOCK 2>/dev/null || true
exec "$@"
