// Follow-up in the real app, with the built-in Sandbox and an outbox: a batch is run, the invited
// people use the links in their .eml files on the sandbox's own "set your password" page (open the
// link, type a password, submit, as a person would), and the Follow-up view shows who accepted,
// reminds the rest (new .eml files beside the first ones, never over them), and still knows it all
// after the app is closed and opened again on the same data folder (the Sandbox's tenant is kept).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { launchApp, saveScreenshot, typeInto as typeIn } from './driver.mjs';

const outbox = mkdtempSync(path.join(tmpdir(), 'invite-desk-e2e-followup-outbox-'));
const dataDir = mkdtempSync(path.join(tmpdir(), 'invite-desk-e2e-followup-data-'));
const PASSWORD = 'correct-horse-battery';
let app;

after(async () => {
  await app?.close();
});

const emls = () => readdirSync(outbox).filter((f) => f.endsWith('.eml')).sort();

/** The link in a message's text part (quoted-printable, as lettre writes it). */
function linkIn(file) {
  const raw = readFileSync(path.join(outbox, file), 'utf8');
  const text = raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
  const match = /http:\/\/127\.0\.0\.1:\d+\/u\/reset-password\?ticket=[A-Za-z0-9]+#/.exec(text);
  assert.ok(match, `no link in ${file}`);
  return match[0];
}

/** What a person does with the link: opens the page, types a password twice, submits the form. */
async function setPassword(link) {
  const page = await (await fetch(link)).text();
  assert.match(page, /<form method="post" action="\/u\/reset-password">/, page);
  const ticket = /name="ticket" value="([^"]+)"/.exec(page)?.[1];
  assert.ok(ticket, page);
  const url = new URL(link);
  const answer = await fetch(`${url.origin}/u/reset-password`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ticket, password: PASSWORD, confirm: PASSWORD }).toString(),
  });
  const done = await answer.text();
  assert.equal(answer.status, 200, done);
  assert.match(done, /Your password is set/);
}

/** Waits until the Sandbox's kept tenant has been saved since `since` (ms): it is saved a moment after each change. */
async function keptSince(browser, since) {
  const file = path.join(dataDir, 'sandbox-tenant.json');
  await browser.waitUntil(async () => existsSync(file) && statSync(file).mtimeMs > since, {
    timeout: 10000,
    timeoutMsg: 'the Sandbox tenant was not kept in the data folder',
  });
}

async function statusOf(panel, email) {
  const row = await panel.$(`tr[data-person="${email}"]`);
  return row.getAttribute('data-status');
}

async function checkNow(browser, panel) {
  const checked = () => panel.$('[data-testid="checked"]').getAttribute('data-checked-at');
  const before = await checked();
  await panel.$('button=Check now').click();
  await browser.waitUntil(
    async () => {
      const now = await checked();
      return Boolean(now) && now !== before;
    },
    { timeout: 30000 },
  ).catch(async () => assert.fail(`the check did not finish; the screen shows:\n${await panel.getText()}`));
}

test('who accepted, reminders for the rest, and the same after a restart', async () => {
  app = await launchApp({ INVITE_DESK_DATA_DIR: dataDir });
  const { browser } = app;
  await browser.$('nav button[data-screen="new-batch"]').click();
  const wizard = await browser.$('[data-screen-panel="new-batch"]');
  await wizard.$('button=Start a new batch').click();
  const people = ['ann@example.com', 'bob@example.com', 'cy@example.com'];
  await wizard.$('#people-text').setValue(['email', ...people, ''].join('\uE007'));
  const summary = await wizard.$('[data-testid="roster-summary"]');
  await browser.waitUntil(async () => (await summary.isExisting()) && (await summary.getText()).startsWith('3 of 3 rows ready'), {
    timeout: 10000,
    timeoutMsg: 'the list was not read',
  });
  await wizard.$('button[data-step="email"]').click();
  const radios = await wizard.$$('input[name="delivery"]');
  await radios[1].click();
  await typeIn(browser, await wizard.$('input[name="outbox_dir"]'), outbox);
  await wizard.$('button[data-step="review"]').click();
  await wizard.$('button=Run now').click();
  const run = await browser.$('[data-screen-panel="run"]');
  const finished = await run.$('[data-testid="run-summary"]');
  await browser.waitUntil(async () => /3 written to outbox/.test(await finished.getText()), {
    timeout: 60000,
    timeoutMsg: 'the batch did not finish',
  });
  assert.equal(emls().length, 3);
  const invitations = emls();

  // Ann opens her invitation and sets her password.
  await setPassword(linkIn(invitations.find((f) => f.includes('ann@example.com'))));

  await run.$('button=Follow up: who accepted').click();
  const panel = await browser.$('[data-screen-panel="follow-up"]');
  await panel.$('[data-testid="checked"]').waitForDisplayed({ timeout: 10000 });
  await checkNow(browser, panel);
  assert.match(await panel.$('[data-testid="checked"]').getText(), /from the tenant's logs/);
  assert.equal(await statusOf(panel, 'ann@example.com'), 'accepted');
  assert.equal(await statusOf(panel, 'bob@example.com'), 'pending');
  assert.match(await panel.$('[data-testid="funnel"]').getAttribute('aria-label'), /^3 invited, 1 accepted, 0 signed in, 2 pending/);

  await panel.$('button=Remind all pending (2)').click();
  const done = await panel.$('[data-testid="followup-done"]');
  await done.waitForDisplayed({ timeout: 60000 }).catch(async () => assert.fail(`no reminder result; the screen shows:\n${await panel.getText()}`));
  assert.match(await done.getText(), /^2 reminders written to outbox\./);
  const files = emls();
  assert.equal(files.length, 5, `the first messages are kept beside the reminders: ${files}`);
  assert.ok(invitations.every((f) => files.includes(f)), 'no earlier message was replaced');
  const bobReminder = files.find((f) => f.includes('bob@example.com') && !invitations.includes(f));
  assert.ok(bobReminder, files.join(', '));
  assert.match(readFileSync(path.join(outbox, bobReminder), 'utf8'), /Subject: Reminder/);
  await saveScreenshot(browser, 'follow-up', true);

  // Bob uses the reminder's link.
  await setPassword(linkIn(bobReminder));
  const lastChange = Date.now();
  await checkNow(browser, panel);
  assert.equal(await statusOf(panel, 'bob@example.com'), 'accepted');
  assert.equal(await statusOf(panel, 'cy@example.com'), 'pending');
  const cyRow = await panel.$('tr[data-person="cy@example.com"]');
  assert.match(await cyRow.getText(), /1 \+ 0 new link/);

  // Closed and opened again: History, the follow-up and the Sandbox's tenant still agree.
  await keptSince(browser, lastChange);
  await app.close();
  app = await launchApp({ INVITE_DESK_DATA_DIR: dataDir });
  const again = app.browser;
  await again.$('nav button[data-screen="follow-up"]').click();
  const reopened = await again.$('[data-screen-panel="follow-up"]');
  await reopened.$('[data-testid="checked"]').waitForDisplayed({ timeout: 10000 });
  assert.equal(await statusOf(reopened, 'bob@example.com'), 'accepted', 'the last check is remembered');
  await checkNow(again, reopened);
  assert.equal(await statusOf(reopened, 'ann@example.com'), 'accepted', 'the kept tenant still knows');
  assert.equal(await statusOf(reopened, 'cy@example.com'), 'pending');
  // Cy's first link still opens on the kept tenant (same port).
  await setPassword(linkIn(invitations.find((f) => f.includes('cy@example.com'))));
  await checkNow(again, reopened);
  assert.equal(await statusOf(reopened, 'cy@example.com'), 'accepted');
});
