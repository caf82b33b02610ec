// A batch file that travelled (prepared elsewhere, then edited by someone else): opened by starting
// the app with it, as the OS does for a double-clicked file. Its Review sets what it sends beside
// the profile's own settings (its outbox outside the data folder, an image from the internet), and
// *Run now* waits for the admin to confirm having looked; then the batch runs as the file says.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { launchApp } from './driver.mjs';

let app;
let outbox;

before(async () => {
  const work = mkdtempSync(path.join(tmpdir(), 'invite-desk-e2e-batchfile-'));
  outbox = path.join(work, 'somewhere-else');
  const people = path.join(work, 'people.csv');
  writeFileSync(people, 'email,name\nann@example.com,Ann Lee\nbob@example.com,Bob Stone\n');
  const file = path.join(work, 'travelled.json');
  // Prepared offline with the CLI, as a colleague would.
  execFileSync(
    process.env.INVITE_DESK_CLI,
    ['run', people, '--connection', 'Username-Password-Authentication', '--outbox', outbox, '--dry-run', '--save', file],
    { env: { ...process.env, INVITE_DESK_DATA_DIR: path.join(work, 'colleague') }, stdio: 'pipe' },
  );
  const batch = JSON.parse(readFileSync(file, 'utf8'));
  // Someone edits its message: an English variant with a tracking pixel.
  batch.template = {
    languages: {
      en: {
        subject: 'Your account',
        html: '<img src="https://track.attacker.example/p.gif"><a href="{{ link }}">Set my password</a>',
        text: '{{ link }}\n',
      },
    },
  };
  writeFileSync(file, JSON.stringify(batch));
  app = await launchApp({}, process.env.INVITE_DESK_APP, [file]);
});

after(async () => {
  await app?.close();
});

test('a batch file opened at start shows where it sends things and runs only once that is confirmed', async () => {
  const { browser } = app;
  const wizard = await browser.$('[data-screen-panel="new-batch"]');
  await wizard.waitForDisplayed({ timeout: 20000 });
  // The opened file names no tenant: none is chosen until the admin picks one (profiles load first).
  await wizard.$('select[name="profile"] option[value="Sandbox"]').waitForExist({ timeout: 20000 });
  assert.equal(await wizard.$('select[name="profile"]').getValue(), '');
  await wizard.$('select[name="profile"]').selectByVisibleText('Sandbox');
  const list = await wizard.$('[data-testid="destinations"]');
  await list
    .waitForDisplayed({ timeout: 20000 })
    .catch(async () => assert.fail(`no destinations; the screen shows:\n${await wizard.getText()}`));
  const text = await list.getText();
  assert.match(text, /Where travelled\.json sends things/);
  assert.match(text, /! Outbox folder/);
  assert.match(text, /somewhere-else/);
  assert.match(text, /messages holding live links are written outside the data and export folders/);
  assert.match(text, /! Loads from the internet/);
  assert.match(text, /https:\/\/track\.attacker\.example\/p\.gif/);
  const runNow = await wizard.$('button=Run now');
  assert.equal(await runNow.isEnabled(), false, 'Run now waits for the confirmation');
  await wizard.$('input[name="destinations_checked"]').click();
  assert.equal(await runNow.isEnabled(), true);
  await runNow.click();
  const run = await browser.$('[data-screen-panel="run"]');
  const finished = await run.$('[data-testid="run-summary"]');
  await browser.waitUntil(async () => /^Finished/.test(await finished.getText()), {
    timeout: 60000,
    timeoutMsg: 'the batch did not finish',
  });
  assert.equal(readdirSync(outbox).filter((f) => f.endsWith('.eml')).length, 2, 'it ran as the file says');
});
