// Answers the app's native save dialog (GTK's file chooser, shown by Rust through rfd) the way a
// person would: the window is found by its title on the X display, given the keyboard, and
// Return accepts the folder and name the app suggested. Needs xdotool (scripts/setup.sh).
import { execFileSync } from 'node:child_process';

const pause = (ms) => new Promise((r) => setTimeout(r, ms));

function windowsNamed(title) {
  try {
    return execFileSync('xdotool', ['search', '--onlyvisible', '--name', `^${title}$`]).toString().trim().split('\n').filter(Boolean);
  } catch {
    return []; // xdotool exits 1 when nothing matches
  }
}

/** Waits for the dialog titled `title`, then accepts its suggestion; resolves once it has closed. */
export async function acceptSaveDialog(title, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  let found = [];
  while ((found = windowsNamed(title)).length === 0) {
    if (Date.now() > deadline) throw new Error(`no "${title}" dialog appeared within ${timeoutMs} ms`);
    await pause(100);
  }
  const id = found[0];
  // The name field has the focus once the dialog has drawn; there is no window manager to hand
  // the dialog the keyboard, so it is given the X input focus directly.
  await pause(500);
  execFileSync('xdotool', ['windowfocus', '--sync', id]);
  execFileSync('xdotool', ['key', '--clearmodifiers', 'Return']);
  while (windowsNamed(title).length > 0) {
    if (Date.now() > deadline) throw new Error(`the "${title}" dialog did not close on Return`);
    await pause(100);
  }
}
