// Builds the `invite-desk` command line for the installer and puts it where Tauri's `externalBin`
// looks: binaries/invite-desk-<target triple>[.exe] beside tauri.conf.json. Every installer then
// carries it: the .deb in /usr/bin, the Windows installers beside the app, the macOS app in
// Contents/MacOS. Run by `tauri build --config src-tauri/bundle-with-cli.json` (its
// beforeBuildCommand); Node, so it runs the same on the three systems.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const host = /host: (\S+)/.exec(execFileSync('rustc', ['-vV'], { encoding: 'utf8' }))[1];
// Tauri names the triple it builds for (a macOS build may target the other architecture).
const triple = process.env.TAURI_ENV_TARGET_TRIPLE || host;
const cross = triple !== host;
const args = ['build', '--release', '--locked', '-p', 'invite-desk', ...(cross ? ['--target', triple] : [])];
execFileSync('cargo', args, { cwd: root, stdio: 'inherit' });

const targetDir = process.env.CARGO_TARGET_DIR || path.join(root, 'target');
const exe = triple.includes('windows') ? '.exe' : '';
const built = path.join(targetDir, ...(cross ? [triple] : []), 'release', `invite-desk${exe}`);
mkdirSync(path.join(root, 'binaries'), { recursive: true });
const staged = path.join(root, 'binaries', `invite-desk-${triple}${exe}`);
copyFileSync(built, staged);
console.log(`staged ${built} -> ${staged}`);
