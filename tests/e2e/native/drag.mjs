// Drags a file from another application's window onto the app with the X pointer: the desktop's own
// drag and drop (XDND), as from a file manager. Needs xdotool and the system Python with PyGObject
// (scripts/setup.sh installs both).
import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const pause = (ms) => new Promise((r) => setTimeout(r, ms));
const xdotool = (...args) => execFileSync('xdotool', args.map(String));

/** Starts the drag source window at (x, y); resolves with it and its item's centre on the screen. */
function startDragSource(file, x, y) {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/python3', [path.join(here, 'drag_source.py'), file, String(x), String(y)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`the drag source did not start: ${seen}`)), 15000);
    child.stdout.on('data', (d) => {
      seen += String(d);
      const m = /ready (\d+) (\d+)/.exec(seen);
      if (m) {
        clearTimeout(timer);
        resolve({ child, x: Number(m[1]), y: Number(m[2]) });
      }
    });
    child.once('exit', (code) => reject(new Error(`the drag source exited with ${code}: ${seen}`)));
  });
}

/**
 * Drags `file` from a source window beside the app onto the element `selector` of the app's page.
 * The app's window must leave room on the right of the screen (x ≥ 1040) for the source.
 */
export async function dragFileOnto(browser, selector, file) {
  const centre = await browser.execute((s) => {
    const r = document.querySelector(s).getBoundingClientRect();
    return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
  }, selector);
  const win = await browser.getWindowRect();
  const target = { x: Math.round(win.x + centre.x), y: Math.round(win.y + centre.y) };
  const source = await startDragSource(file, 1050, 100);
  try {
    // Press on the item, move past GTK's drag threshold, travel to the target, release.
    xdotool('mousemove', source.x, source.y);
    xdotool('mousedown', 1);
    for (let step = 1; step <= 4; step += 1) {
      xdotool('mousemove', source.x - 8 * step, source.y + 4 * step);
      await pause(50);
    }
    for (let step = 1; step <= 10; step += 1) {
      xdotool(
        'mousemove',
        Math.round(source.x + ((target.x - source.x) * step) / 10),
        Math.round(source.y + ((target.y - source.y) * step) / 10),
      );
      await pause(50);
    }
    await pause(300);
    xdotool('mouseup', 1);
    await pause(300);
  } finally {
    source.child.kill('SIGTERM');
  }
}
