// The window comes back the size and place it was left at (tauri-plugin-window-state, written shortly
// after every move or resize), in the real app.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { launchApp } from './driver.mjs';

function savedState(file) {
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')).main ?? null;
  } catch {
    return null;
  }
}

test('the window reopens at the size and position it was left at', async () => {
  // The plugin keeps its file in the app's config folder: a throw-away one for this test.
  const configHome = mkdtempSync(path.join(tmpdir(), 'invite-desk-e2e-config-'));
  const stateFile = path.join(configHome, 'app.invitedesk.desktop', '.window-state.json');
  const env = { XDG_CONFIG_HOME: configHome };

  const first = await launchApp(env);
  let left;
  try {
    const opened = await first.browser.getWindowRect();
    // Not the configured default (1100 × 720), so a window opened at its default cannot pass.
    assert.deepEqual([opened.width, opened.height], [1100, 720]);
    await first.browser.setWindowRect(40, 30, 930, 610);
    await first.browser.waitUntil(async () => (await first.browser.getWindowRect()).width === 930, {
      timeout: 5000,
      timeoutMsg: 'the window was not resized',
    });
    left = await first.browser.getWindowRect();
    await first.browser.waitUntil(() => savedState(stateFile)?.width === left.width, {
      timeout: 5000,
      timeoutMsg: `the new size was not written to ${stateFile}`,
    });
  } finally {
    // WebKitWebDriver ends the app with a kill, not a clean exit: what was written before is all there is.
    await first.close();
  }

  const second = await launchApp(env);
  try {
    const reopened = await second.browser.getWindowRect();
    assert.deepEqual(reopened, left);
  } finally {
    await second.close();
  }
});
