// The admin's bad day in the real app: the mail server refuses every message (it answers 421 to
// every recipient, as a server that is down or overloaded does). The checks before the run pass
// (the server takes a connection and the sender), the run stops itself after a few people instead of failing the whole
// list, the Run screen says so, and once the server is back *Resume* invites everyone exactly once.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { freePort, launchApp, repoRoot, typeInto as typeIn } from './driver.mjs';


let app;
let smtp;
let smtpOut;
let smtpPort;
let downFile;

const mails = () => readdirSync(smtpOut).filter((f) => f.endsWith('.eml'));

before(async () => {
  smtpOut = mkdtempSync(path.join(tmpdir(), 'invite-desk-e2e-badday-mail-'));
  downFile = path.join(mkdtempSync(path.join(tmpdir(), 'invite-desk-e2e-badday-')), 'down');
  writeFileSync(downFile, 'down');
  smtpPort = await freePort();
  smtp = spawn(
    process.env.PYTHON || 'python3',
    [
      path.join(repoRoot, 'tests/smtp/smtp_server.py'),
      '--port',
      String(smtpPort),
      '--out',
      smtpOut,
      '--down-when',
      downFile,
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the test SMTP server did not start')), 15000);
    smtp.stdout.on('data', (d) => {
      if (String(d).includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  app = await launchApp();
});

after(async () => {
  await app?.close();
  smtp?.kill('SIGTERM');
});


test('a mail server refusing everyone stops the run after a few people; Resume finishes it once it is back', async () => {
  const { browser } = app;
  await browser.$('nav button[data-screen="new-batch"]').click();
  const wizard = await browser.$('[data-screen-panel="new-batch"]');
  await wizard.$('button=Start a new batch').click();
  const people = Array.from({ length: 12 }, (_, i) => `person${i}@example.com`);
  await wizard.$('#people-text').setValue(['email', ...people, ''].join('\uE007'));
  const summary = await wizard.$('[data-testid="roster-summary"]');
  await browser.waitUntil(async () => (await summary.isExisting()) && (await summary.getText()).startsWith('12 of 12 rows ready'), {
    timeout: 10000,
    timeoutMsg: 'the list was not read',
  });

  await wizard.$('button[data-step="email"]').click();
  await wizard.$('input[name="delivery"]').click();
  await typeIn(app.browser, await wizard.$('input[name="smtp_url"]'), `smtp://127.0.0.1:${smtpPort}`);
  await typeIn(app.browser, await wizard.$('input[name="from"]'), 'IT <it@example.com>');

  // The checks before the first write run on entering Review, and pass: the server answers,
  // and takes no login.
  await wizard.$('button[data-step="review"]').click();
  const checks = await wizard.$('[data-testid="preflight"]');
  await checks.waitForDisplayed({ timeout: 20000 });
  let delivery;
  for (const item of await checks.$$('li[data-status]')) {
    if ((await item.getText()).includes('Delivery:')) delivery = item;
  }
  assert.ok(delivery, `no delivery check; the list shows:\n${await checks.getText()}`);
  assert.equal(await delivery.getAttribute('data-status'), 'passed', await checks.getText());
  assert.match(await delivery.getText(), new RegExp(`127\\.0\\.0\\.1:${smtpPort} answered and took the sender it@example.com`));

  await wizard.$('button=Run now').click();
  const run = await browser.$('[data-screen-panel="run"]');
  const stopped = await run.$('[data-testid="stopped-by"]');
  await stopped
    .waitForDisplayed({ timeout: 90000 })
    .catch(async () => assert.fail(`the run did not stop itself; the screen shows:\n${await run.getText()}`));
  assert.match(await stopped.getText(), /The run stopped itself: several people in a row failed the same way/);
  assert.match(await stopped.getText(), /421/);
  assert.equal(mails().length, 0, 'nothing was delivered while the server refused');
  const counts = await run.getText();
  assert.doesNotMatch(counts, /\b12 failed\b/, 'the list was not failed person by person');

  rmSync(downFile);
  await run.$('button=Resume').click();
  const finished = await run.$('[data-testid="run-summary"]');
  await browser.waitUntil(async () => /^Finished/.test(await finished.getText()), {
    timeout: 90000,
    timeoutMsg: 'the resumed run did not finish',
  });
  assert.match(await finished.getText(), /12 sent in/);
  assert.equal(mails().length, 12, 'everyone got exactly one invitation');
});
