// The app frame in the real binary: navigation to every screen, and one real engine call shown.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { launchApp, repoRoot, saveScreenshot } from './driver.mjs';

// Each screen and something only that screen shows on a fresh data folder.
const SCREENS = [
  ['tenants', 'Tenants', 'li[data-profile="Sandbox"]'],
  ['new-batch', 'New batch', 'button=Start a new batch'],
  ['run', 'Run', 'h2=Nothing is running'],
  ['history', 'History', 'h2=No batches yet'],
  ['follow-up', 'Follow-up', 'h2=Nothing to follow up yet'],
  ['find-person', 'Find person', 'input[name="email"]'],
];

function workspaceVersion() {
  const manifest = readFileSync(path.join(repoRoot, 'Cargo.toml'), 'utf8');
  const match = /\[workspace\.package\][^[]*?version\s*=\s*"([^"]+)"/s.exec(manifest);
  assert.ok(match, 'workspace version not found in Cargo.toml');
  return match[1];
}

let app;
before(async () => {
  app = await launchApp();
});
after(async () => {
  await app?.close();
});

test('the window is titled Invite Desk and opens on Tenants', async () => {
  const { browser } = app;
  assert.equal(await browser.getTitle(), 'Invite Desk');
  const heading = await browser.$('h1#screen-title');
  await heading.waitForDisplayed({ timeout: 10000 });
  assert.equal(await heading.getText(), 'Tenants');
});

test('every screen is reachable from the navigation and shows its first state', async () => {
  const { browser } = app;
  for (const [id, title, selector] of SCREENS) {
    await browser.$(`nav button[data-screen="${id}"]`).click();
    const heading = await browser.$('h1#screen-title');
    await browser.waitUntil(async () => (await heading.getText()) === title, {
      timeout: 5000,
      timeoutMsg: `heading did not become ${title}`,
    });
    const current = await browser.$(`nav button[data-screen="${id}"]`).getAttribute('aria-current');
    assert.equal(current, 'page');
    const panel = await browser.$(`[data-screen-panel="${id}"]`);
    await panel.$(selector).waitForDisplayed({ timeout: 5000 });
    await saveScreenshot(browser, `frame-${id}`);
  }
});

test('Settings shows what the Rust engine reports through the typed command', async () => {
  const { browser, dataDir } = app;
  await browser.$('nav button[data-screen="settings"]').click();
  const version = await browser.$('[data-testid="app-version"]');
  await version.waitForDisplayed({ timeout: 10000 });
  assert.equal(await version.getText(), `Invite Desk ${workspaceVersion()}`);
  // The data folder comes from INVITE_DESK_DATA_DIR given to the app process: proof the value
  // travelled from Rust, not from the UI bundle.
  assert.equal(await browser.$('[data-testid="data-dir"]').getText(), dataDir);
  assert.equal(await browser.$('[data-testid="log-dir"]').getText(), path.join(dataDir, 'logs'));
  await saveScreenshot(browser, 'frame-settings');
});
