#!/usr/bin/env bash
# The Linux installer as an admin gets it: builds the .deb (release, with the CLI), installs it on
# this machine, runs `invite-desk --version` and the app's binary from where the package put them,
# and removes the package again. Called by test.sh (as root, or through sudo).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_ROOT"

step "installer: build the .deb with the CLI inside (release)"
npx tauri build --config src-tauri/bundle-with-cli.json --bundles deb

deb=$(ls -t "$CARGO_TARGET_DIR"/release/bundle/deb/*.deb | head -1)
[[ -f $deb ]] || die "no .deb was built"
echo "built $deb"

step "installer: the package holds the app and the CLI on the PATH"
contents=$(dpkg-deb --contents "$deb")
grep -q -E ' (\./)?usr/bin/invite-desk$' <<<"$contents" || die "the .deb has no /usr/bin/invite-desk"
grep -q -E ' (\./)?usr/bin/invite-desk-app$' <<<"$contents" || die "the .deb has no /usr/bin/invite-desk-app"
package=$(dpkg-deb --field "$deb" Package)

sudo_cmd=()
[[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
if dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
  die "$package is already installed on this machine: remove it first (this test installs and removes it)"
fi
cleanup() { "${sudo_cmd[@]}" dpkg --remove "$package" >/dev/null 2>&1 || true; }
trap cleanup EXIT

step "installer: install it, and run what it installed"
"${sudo_cmd[@]}" dpkg --install "$deb"
expected=$(cargo metadata --no-deps --format-version 1 | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const p=JSON.parse(s).packages.find(p=>p.name==="invite-desk");console.log(p.version)})')
got=$(env -i PATH=/usr/local/bin:/usr/bin:/bin invite-desk --version)
echo "installed: $(command -v invite-desk) -> $got"
[[ $got == "invite-desk $expected" ]] || die "the installed CLI says \"$got\", not \"invite-desk $expected\""
[[ $(command -v invite-desk) == /usr/bin/invite-desk ]] || die "invite-desk is not the package's /usr/bin/invite-desk"
data=$(mktemp -d)
INVITE_DESK_DATA_DIR="$data" /usr/bin/invite-desk info --json | grep -q '"name":"Invite Desk"' \
  || die "the installed CLI cannot report about itself"
rm -rf "$data"

step "installer: remove it again"
cleanup
trap - EXIT
[[ ! -e /usr/bin/invite-desk ]] || die "removing the package left /usr/bin/invite-desk behind"
echo "the .deb installs the app and the CLI, and removes both"
