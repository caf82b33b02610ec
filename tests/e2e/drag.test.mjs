// A file dragged from another application's window (a stand-in for a file manager, offering it as a
// file:// URI the way Nautilus does) and dropped on the People step with the X pointer: the desktop's
// own drag and drop, through the window, read by the engine, shown in the paste box.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { launchApp } from './driver.mjs';
import { dragFileOnto } from './native/drag.mjs';

test('a file dragged from another window onto the People step lands in the paste box', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'invite-desk-e2e-drag-'));
  const file = path.join(dir, 'dragged-people.csv');
  // Windows-1252 with semicolons, as Excel saves "CSV" on a Western European Windows: é is 0xE9.
  writeFileSync(file, Buffer.concat([Buffer.from('email;name\r\nrene@example.com;Ren'), Buffer.from([0xe9]), Buffer.from('\r\n')]));

  const app = await launchApp();
  const { browser } = app;
  try {
    await browser.setWindowRect(0, 0, 1000, 720);
    await browser.$('nav button[data-screen="new-batch"]').click();
    const panel = await browser.$('[data-screen-panel="new-batch"]');
    await panel.$('button=Start a new batch').click();
    await panel.$('[data-testid="dropzone"]').waitForDisplayed({ timeout: 5000 });

    await dragFileOnto(browser, '[data-screen-panel="new-batch"] [data-testid="dropzone"]', file);

    const note = await panel.$('[data-testid="file-note"]');
    await note.waitForDisplayed({ timeout: 10000 }).catch(async () => {
      assert.fail(`nothing was dropped; the People step shows:\n${await panel.getText()}`);
    });
    // Which single-byte code page a two-line sample is in is a guess; that é came through is not.
    assert.match(await note.getText(), /^dragged-people\.csv · decoded from windows-125\d/i);
    assert.match(await panel.$('#people-text').getValue(), /^email;name\r?\nrene@example\.com;René/);
    const summary = await panel.$('[data-testid="roster-summary"]');
    await browser.waitUntil(async () => (await summary.isExisting()) && (await summary.getText()).startsWith('1 of 1 rows ready'), {
      timeout: 5000,
      timeoutMsg: 'the dropped list was not read',
    });
  } finally {
    await app.close();
  }
});
