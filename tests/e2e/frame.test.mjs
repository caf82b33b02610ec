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

test('a file dropped on the People step is decoded by the engine and lands in the paste box', async () => {
  const { browser } = app;
  await browser.$('nav button[data-screen="new-batch"]').click();
  const panel = await browser.$('[data-screen-panel="new-batch"]');
  await panel.$('button=Start a new batch').click();
  await panel.$('[data-testid="dropzone"]').waitForDisplayed({ timeout: 5000 });
  // A UTF-16LE export with a byte-order mark, as Excel's "Unicode text" writes it. WebDriver cannot
  // drag from the desktop, so the page gets the same drop event a real drag would bring.
  await browser.execute(() => {
    const text = '\uFEFFemail\tname\r\nzoë@example.com\tZoë\r\n';
    const bytes = new Uint8Array(text.length * 2);
    for (let i = 0; i < text.length; i += 1) {
      bytes[2 * i] = text.charCodeAt(i) & 0xff;
      bytes[2 * i + 1] = text.charCodeAt(i) >> 8;
    }
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], 'people.txt', { type: 'text/plain' }));
    const zone = document.querySelector('[data-screen-panel="new-batch"] [data-testid="dropzone"]');
    zone.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: transfer }));
  });
  const note = await panel.$('[data-testid="file-note"]');
  await note.waitForDisplayed({ timeout: 10000 });
  assert.match(await note.getText(), /people\.txt · decoded from UTF-16LE/);
  assert.match(await panel.$('#people-text').getValue(), /^email\tname\r?\nzoë@example\.com\tZoë/);
  const summary = await panel.$('[data-testid="roster-summary"]');
  await summary.waitForDisplayed({ timeout: 5000 });
  assert.match(await summary.getText(), /^1 of 1 rows ready/);
});
