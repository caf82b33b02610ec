// The whole flow in the real app, against a sandbox tenant and a real SMTP server on loopback, with
// the keychain being the desktop session's gnome-keyring: create a profile (its secret goes to the
// keychain and is read back by the run), paste a list with a bad row, fix it, preview, run, watch it
// finish, export the results, find one person and resend. Screenshots go to docs/screenshots.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { freePort, launchApp, pasteInto, repoRoot, saveScreenshot, typeInto as typeIn } from './driver.mjs';
import { acceptSaveDialog } from './native/dialog.mjs';


/** Starts a child and resolves once its stdout has printed `ready` (or a line matching it). */
function startUntil(command, args, ready) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`${command} did not start: ${seen}`)), 15000);
    child.stdout.on('data', (d) => {
      seen += String(d);
      if (ready.test(seen)) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code) => reject(new Error(`${command} exited with ${code}: ${seen}`)));
  });
}

const mails = () => readdirSync(smtpOut).filter((f) => f.endsWith('.eml'));

let app;
let smtp;
let sandbox;
let smtpOut;
let sandboxPort;
let smtpPort;
let exportDir;

before(async () => {
  const cli = process.env.INVITE_DESK_CLI;
  assert.ok(cli, 'set INVITE_DESK_CLI to the built invite-desk binary');
  smtpOut = mkdtempSync(path.join(tmpdir(), 'invite-desk-e2e-mail-'));
  exportDir = mkdtempSync(path.join(tmpdir(), 'invite-desk-e2e-exports-'));
  smtpPort = await freePort();
  smtp = await startUntil(
    'python3',
    [path.join(repoRoot, 'tests/smtp/smtp_server.py'), '--port', String(smtpPort), '--out', smtpOut],
    /ready/,
  );
  sandboxPort = await freePort();
  sandbox = await startUntil(cli, ['sandbox', '--port', String(sandboxPort)], /127\.0\.0\.1/);
  app = await launchApp();
});

after(async () => {
  await app?.close();
  smtp?.kill('SIGTERM');
  sandbox?.kill('SIGTERM');
});

async function go(screen) {
  const { browser } = app;
  await browser.$(`nav button[data-screen="${screen}"]`).click();
  return browser.$(`[data-screen-panel="${screen}"]`);
}


test('a profile is created with its secret in the keychain, and Test connection reaches the tenant', async () => {
  const { browser } = app;
  const tenants = await go('tenants');
  await tenants.$('button=Add a profile').click();
  const form = await tenants.$('form[aria-label="Profile"]');
  await form.$('input[name="name"]').setValue('e2e');
  await form.$('input[name="domain"]').setValue(`http://127.0.0.1:${sandboxPort}`);
  await form.$('input[name="client_id"]').setValue('sandbox-client');
  await form.$('input[name="client_secret"]').setValue('sandbox-secret');
  await form.$('input[name="smtp_url"]').setValue(`smtp://127.0.0.1:${smtpPort}`);
  await form.$('input[name="from"]').setValue('E2E IT <it@e2e.example>');
  await form.$('button=Save profile').click();
  const card = await tenants.$('li[data-profile="e2e"]');
  await card.waitForDisplayed({ timeout: 10000 });
  assert.equal(await card.$('[data-testid="stored"]').getText(), 'client secret stored');
  // The secret never comes back to the page.
  assert.ok(!(await browser.getPageSource()).includes('sandbox-secret'));
  await card.$('button=Test connection').click();
  await card.$('[data-testid="scopes-ok"]').waitForDisplayed({ timeout: 15000 });
  assert.match(await card.$('[data-testid="connections"]').getText(), /Username-Password-Authentication: sign-up disabled/);
  await saveScreenshot(browser, 'tenants', true);

  // Where exports land, so the test can read them.
  const settings = await go('settings');
  const dir = await settings.$('input[name="export_dir"]');
  await dir.waitForDisplayed({ timeout: 5000 });
  await typeIn(app.browser, dir, exportDir);
  await settings.$('button=Save settings').click();
  await settings.$('span=Saved.').waitForDisplayed({ timeout: 5000 });
  await saveScreenshot(browser, 'settings', true);
});

test('a pasted list with a bad row is fixed in place, previewed, run, and its results exported', async () => {
  const { browser } = app;
  const wizard = await go('new-batch');
  await wizard.$('button=Start a new batch').click();
  await wizard.$('select[name="profile"]').selectByAttribute('value', 'e2e');
  const box = await wizard.$('#people-text');
  // WebKitWebDriver drops "\n" from typed text: line breaks are typed as the Enter key.
  const list = 'email,name\nann@example.com,Ann Lee\nbob(at)example.com,Bob Stone\ncy@example.com,Cy Young\n';
  await box.setValue(list.replaceAll('\n', '\uE007'));
  const summary = await wizard.$('[data-testid="roster-summary"]');
  await browser
    .waitUntil(async () => (await summary.isExisting()) && (await summary.getText()).startsWith('2 of 3 rows ready'), {
      timeout: 10000,
    })
    .catch(async () => assert.fail(`the list was not read; the screen shows:\n${await wizard.getText()}`));
  const fix = await wizard.$('button[data-fix-line="3"]');
  await saveScreenshot(browser, 'new-batch', true);
  await fix.click();
  const cell = await wizard.$('form[aria-label="Fix line 3"] input[data-cell="0"]');
  await cell.waitForDisplayed({ timeout: 5000 });
  await typeIn(app.browser, cell, 'bob@example.com');
  await wizard.$('button=Apply fix').click();
  await browser.waitUntil(async () => (await summary.getText()).startsWith('3 of 3 rows ready'), {
    timeout: 10000,
    timeoutMsg: 'the fixed row was not accepted',
  });
  assert.match(await box.getValue(), /^bob@example.com,Bob Stone$/m);

  await wizard.$('button[data-step="email"]').click();
  assert.equal(await wizard.$('input[name="smtp_url"]').getValue(), `smtp://127.0.0.1:${smtpPort}`);
  const subject = await wizard.$('[data-testid="preview-subject"]');
  await subject.waitForDisplayed({ timeout: 10000 });
  assert.equal(await wizard.$('[data-testid="preview-to"]').getText(), 'Ann Lee <ann@example.com>');
  assert.match(await wizard.$('[data-testid="preview-text"]').getText(), /PREVIEW-NOT-A-REAL-LINK/);
  await wizard.$('select[name="preview_person"]').selectByVisibleText('bob@example.com');
  await browser.waitUntil(async () => (await wizard.$('[data-testid="preview-to"]').getText()).includes('bob@example.com'), {
    timeout: 5000,
  });
  await saveScreenshot(browser, 'new-batch-email', true);

  await wizard.$('button[data-step="review"]').click();
  await wizard.$('button=Dry run').click();
  await wizard.$('[data-testid="plan"]').waitForDisplayed({ timeout: 10000 });
  assert.match(await wizard.$('[data-testid="plan"]').getText(), /3 to create/);
  await saveScreenshot(browser, 'new-batch-review', true);
  await wizard.$('button=Run now').click();

  const run = await browser.$('[data-screen-panel="run"]');
  const finished = await run.$('[data-testid="run-summary"]');
  await finished.waitForDisplayed({ timeout: 60000 });
  // The mail server took them: "sent", the word History and the export use too.
  assert.match(await finished.getText(), /3 sent in/);
  assert.doesNotMatch(await finished.getText(), /delivered|invited/);
  assert.equal(mails().length, 3, 'three invitations reached the SMTP server');
  const ann = readFileSync(path.join(smtpOut, mails().sort()[0]), 'utf8');
  assert.match(ann, /ticket=/);
  assert.equal(await run.$('[role="progressbar"]').getAttribute('aria-valuenow'), '3');
  await saveScreenshot(browser, 'run', true);

  // Export asks where, in the native dialog, offering the export folder and the batch's name.
  await run.$('button=Export results').click();
  await acceptSaveDialog('Export the results');
  const exported = await run.$('[data-testid="exported"]');
  await exported.waitForDisplayed({ timeout: 10000 });
  const file = await exported.$('code').getText();
  assert.match(path.basename(file), /^results-.*\.csv$/);
  assert.ok(file.startsWith(exportDir), file);
  assert.ok(existsSync(file));
  const text = readFileSync(file, 'utf8');
  assert.ok(text.startsWith('\uFEFF'), 'a byte-order mark, so Excel reads UTF-8');
  const csv = text.slice(1).trim().split('\n');
  assert.equal(
    csv[0],
    'email,status,user_id,error,error_code,state,line,link_expires_at,result,external_id,given_name,family_name,name',
  );
  assert.equal(csv.length, 4);
  assert.ok(csv.slice(1).every((row) => row.includes(',invited,') && row.includes(',sent,')), csv.join('\n'));
  assert.ok(!csv.join('\n').includes('ticket='), 'no links in the results');

  const history = await go('history');
  await history.$('table[aria-label="Batches"] tbody tr').waitForDisplayed({ timeout: 5000 });
  assert.match(await history.$('table[aria-label="Batches"]').getText(), /finished/);
  await saveScreenshot(browser, 'history', true);
});

test('support finds one person and resends their invitation', async () => {
  const { browser } = app;
  const find = await go('find-person');
  await find.$('select[name="profile"]').selectByAttribute('value', 'e2e');
  await find.$('input[name="email"]').setValue('bob@example.com');
  await find.$('button=Look up').click();
  const account = await find.$('[data-testid="account"]');
  await account
    .waitForDisplayed({ timeout: 10000 })
    .catch(async () => assert.fail(`no account shown; the screen shows:\n${await find.getText()}`));
  assert.match(await account.getText(), /Username-Password-Authentication/);
  assert.match(await find.$('[data-testid="history"]').getText(), /Invitation, sent in “/);
  const before = mails().length;
  await find.$('button=Resend invitation').click();
  await find.$('[data-testid="resent"]').waitForDisplayed({ timeout: 30000 });
  // It says what happened: the mail server took the message, with its answer and the time.
  assert.match(await find.$('[data-testid="resent"]').getText(), /^Sent again: accepted by the mail server: 250 /);
  await browser.waitUntil(() => mails().length === before + 1, { timeout: 10000, timeoutMsg: 'no new mail for bob' });
  const newest = mails().sort().at(-1);
  assert.match(readFileSync(path.join(smtpOut, newest), 'utf8'), /bob@example.com/);

  // A new link goes to the system clipboard from Rust (the webview has no clipboard permission),
  // read back here by another program on the same display.
  await find.$('button=Copy a new link').click();
  const field = await find.$('[data-testid="link"]');
  await field.waitForDisplayed({ timeout: 30000 });
  const shown = await field.getText();
  assert.match(shown, /\/u\/reset-password\?ticket=/);
  assert.equal(await find.$('[data-testid="link-copied"]').getText(), 'Copied to the clipboard.');
  // The system Python, which has GTK's bindings (as the drag test's source window does).
  const pasted = execFileSync('/usr/bin/python3', [
    '-c',
    "import gi; gi.require_version('Gtk', '3.0'); from gi.repository import Gtk, Gdk; print(Gtk.Clipboard.get(Gdk.SELECTION_CLIPBOARD).wait_for_text() or '', end='')",
  ]).toString();
  assert.equal(pasted, shown, 'the clipboard holds the link shown');
  await saveScreenshot(browser, 'find-person', true);
});

/** Runs `inside` with the preview frame as the current browsing context; false if there is no frame yet. */
async function inPreview(wizard, inside) {
  const { browser } = app;
  // While a template is half-typed the preview shows an error instead of the frame.
  const frame = await wizard.$('iframe[title="HTML preview"]');
  if (!(await frame.isExisting())) return false;
  await browser.switchFrame(frame);
  try {
    return await inside();
  } finally {
    await browser.switchFrame(null);
  }
}

test('the preview shows the email with its own styles and loads nothing from the internet', async () => {
  const { browser } = app;
  // A stand-in for a remote image host: the preview must never ask it for anything.
  const requests = [];
  const imageHost = http.createServer((req, res) => {
    requests.push(req.url);
    res.writeHead(404).end();
  });
  await new Promise((resolve) => imageHost.listen(0, '127.0.0.1', resolve));
  const imageUrl = `http://127.0.0.1:${imageHost.address().port}/logo.png`;
  try {
    const wizard = await go('new-batch');
    await wizard.$('button=Start a new batch').click();
    await wizard.$('select[name="profile"]').selectByAttribute('value', 'Sandbox');
    await wizard.$('#people-text').setValue('dee@example.com');
    await wizard.$('button[data-step="email"]').click();

    // The built-in template is styled inline: its button keeps its colours in the preview.
    const button = () => browser.$('a=Set my password');
    await browser.waitUntil(() => inPreview(wizard, async () => (await button()).isExisting()), {
      timeout: 10000,
      timeoutMsg: 'the preview frame did not show the built-in invitation',
    });
    await inPreview(wizard, async () => {
      assert.equal((await (await button()).getCSSProperty('background-color')).parsed.hex, '#3b5bdb');
      assert.equal((await (await button()).getCSSProperty('color')).parsed.hex, '#ffffff');
    });

    // The advanced editor: the English wording as HTML and text, the HTML part replaced.
    await wizard.$('button=Edit as HTML and text (advanced)').click();
    const code = await wizard.$('[data-testid="code-en html"] .cm-content');
    await code.waitForExist({ timeout: 10000 });
    await pasteInto(
      browser,
      code,
      `<p id="styled" style="color:rgb(200,10,20)">Hello {{ greeting_name }}</p><img src="${imageUrl}" alt="logo"><a href="{{ link }}">Set my password</a>`,
    );
    const styled = () => browser.$('#styled');
    await browser.waitUntil(
      () => inPreview(wizard, async () => (await (await styled()).isExisting()) && (await (await styled()).getText()) === 'Hello dee'),
      { timeout: 10000, timeoutMsg: 'the edited template did not reach the preview' },
    );
    await inPreview(wizard, async () => {
      assert.equal((await (await styled()).getCSSProperty('color')).parsed.hex, '#c80a14');
      assert.equal(await browser.execute(() => document.querySelector('img').naturalWidth), 0);
    });
    // The host answers when asked directly, so silence from the preview means it was never asked.
    await fetch(`${imageUrl}?control`);
    assert.deepEqual(requests, ['/logo.png?control']);
  } finally {
    imageHost.closeAllConnections();
    imageHost.close();
  }
});
