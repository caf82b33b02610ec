// A new IT admin's whole journey in the real app, at a 1024 × 640 laptop's size and at 1280 × 800:
// the first-run card, a German HR export (Windows-1252, semicolons) dropped on the window, a
// department column sent to app_metadata, a bad row fixed and a duplicate removed, Review read,
// a run to the outbox paused, the window closed mid-run and the batch resumed from the relaunch
// prompt, a cancel confirmed and resumed, the Run table read, one person opened in Find person
// (name, roles, metadata, a new link read back from the clipboard), and the results exported with
// the list's employee numbers. What the screen says is asserted at each step.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { instanceRunning, launchApp, saveScreenshot, typeInto } from './driver.mjs';
import { acceptSaveDialog } from './native/dialog.mjs';
import { dragFileOnto } from './native/drag.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const pause = (ms) => new Promise((r) => setTimeout(r, ms));

const PEOPLE = [
  ['anna.schmidt@example.com', 'Anna', 'Schmidt', 'Vertrieb', 'P-1001', 'de'],
  ['juergen.mueller@example.com', 'Jürgen', 'Müller', 'Einkauf', 'P-1002', 'de'],
  ['claire.martin@example.com', 'Claire', 'Martin', 'Vertrieb', 'P-1003', 'fr'],
  ['jonas.weber(at)example.com', 'Jonas', 'Weber', 'IT', 'P-1004', 'de'],
  ['lena.fischer@example.com', 'Lena', 'Fischer', 'Personal', 'P-1005', 'de'],
  ['tom.becker@example.com', 'Tom', 'Becker', 'IT', 'P-1006', 'de'],
  ['sofia.rossi@example.com', 'Sofia', 'Rossi', 'Marketing', 'P-1007', 'it'],
  ['anna.schmidt@example.com', 'Anna', 'Schmidt', 'Vertrieb', 'P-1001', 'de'],
  ['max.wolf@example.com', 'Max', 'Wolf', 'Einkauf', 'P-1008', 'de'],
  ['eva.koch@example.com', 'Eva', 'Koch', 'Personal', 'P-1009', 'de'],
  ['paul.richter@example.com', 'Paul', 'Richter', 'IT', 'P-1010', 'de'],
  ['marie.klein@example.com', 'Marie', 'Klein', 'Vertrieb', 'P-1011', 'de'],
];
const BAD_LINE = 5; // jonas.weber(at)…
const DUPLICATE_LINE = 9; // anna again
const INVITED = PEOPLE.length - 1;

/** The export as Excel saves "CSV" on a German Windows: Windows-1252 (ü is 0xFC), semicolons, CRLF. */
function writeExport(file) {
  const text = ['E-Mail;Vorname;Nachname;Abteilung;Personalnummer;Sprache', ...PEOPLE.map((p) => p.join(';'))].join('\r\n') + '\r\n';
  writeFileSync(file, Buffer.from([...text].map((c) => c.charCodeAt(0))));
}

function xWindowOfApp() {
  const ids = execFileSync('xdotool', ['search', '--onlyvisible', '--name', '^Invite Desk$']).toString().trim().split('\n');
  return ids.at(-1);
}

async function go(browser, screen) {
  await browser.$(`nav button[data-screen="${screen}"]`).click();
  return browser.$(`[data-screen-panel="${screen}"]`);
}

async function textOf(element) {
  return (await element.getText()).replace(/\s+/g, ' ');
}

/** Waits for `element` to say `pattern`; a timeout says what it said last (and `detail`, then read). */
async function waitForText(browser, element, pattern, what, timeout = 60000, detail = async () => '') {
  let last = '(nothing)';
  try {
    await browser.waitUntil(
      async () => {
        last = (await element.isExisting()) ? await textOf(element) : '(nothing)';
        return pattern.test(last);
      },
      { timeout },
    );
  } catch (reason) {
    throw new Error(`${what}; it says: ${last} ${await detail()}`, { cause: reason });
  }
}

/** What the People step holds, for a failure to say: the list's lines, the problems, any error. */
function listState(browser) {
  return browser.execute(() => {
    const panel = document.querySelector('[data-screen-panel="new-batch"]');
    const lines = panel?.querySelector('textarea')?.value.split(/\r?\n/) ?? [];
    const problems = panel?.querySelector('[aria-label="Problems"]')?.textContent ?? 'no problems';
    const errors = [...(panel?.querySelectorAll('[role="alert"]') ?? [])].map((e) => e.textContent);
    return JSON.stringify({ lines, problems, errors });
  });
}

async function journey(width, height) {
  const size = `${width}x${height}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), `invite-desk-e2e-journey-${size}-`));
  const exportDir = path.join(dataDir, 'exports');
  mkdirSync(exportDir);
  const list = path.join(mkdtempSync(path.join(tmpdir(), 'invite-desk-e2e-hr-')), 'Mitarbeiter.csv');
  writeExport(list);
  // The Free plan's 2 requests a second keep the run going long enough to pause and close it.
  const env = { INVITE_DESK_DATA_DIR: dataDir, INVITE_DESK_SANDBOX_PLAN: 'free' };
  let app = await launchApp(env);
  let { browser } = app;
  let closed = false;
  try {
    await browser.setWindowRect(0, 0, width, height);

    // First run: what the Sandbox is, and the way to try it.
    const card = await browser.$('[data-testid="first-run"]');
    await card.waitForDisplayed({ timeout: 10000 });
    assert.match(await textOf(card), /simulated Auth0 tenant/);
    assert.equal(await browser.execute((el) => el.querySelectorAll('li').length, card), 3);
    await saveScreenshot(browser, `journey-${size}-first-run`, true);

    // Results go to a folder of this test's.
    const settings = await go(browser, 'settings');
    await typeInto(browser, await settings.$('input[name="export_dir"]'), exportDir);
    await settings.$('button=Save settings').click();
    await settings.$('span=Saved.').waitForDisplayed({ timeout: 5000 });
    await saveScreenshot(browser, `journey-${size}-settings`, true);

    // The HR export, dropped on the window.
    const wizard = await go(browser, 'new-batch');
    await wizard.$('button=Start a new batch').click();
    await wizard.$('[data-testid="dropzone"]').waitForDisplayed({ timeout: 5000 });
    await dragFileOnto(browser, '[data-screen-panel="new-batch"] [data-testid="dropzone"]', list);
    const summary = await wizard.$('[data-testid="roster-summary"]');
    await waitForText(browser, summary, /^10 of 12 rows ready, 2 left out/, 'the dropped export was not read', 15000);
    assert.match(await wizard.$('[data-testid="file-note"]').getText(), /Mitarbeiter\.csv · decoded from windows-125\d/i);

    // The department column reaches app_metadata, renamed; the employee number is the external id.
    const department = await wizard.$('label*=Abteilung').$('select');
    await department.selectByVisibleText('app_metadata: Abteilung');
    const key = await wizard.$('input[aria-label="app_metadata key for Abteilung"]');
    await key.waitForDisplayed({ timeout: 5000 });
    await typeInto(browser, key, 'department');
    await browser.keys('Enter');
    assert.equal(await (await wizard.$('label*=Personalnummer').$('select')).getValue(), 'external_id');

    // The bad address, fixed in place: its cell is focused and marked.
    const problems = await wizard.$('[aria-label="Problems"]');
    await problems.$(`button[data-fix-line="${BAD_LINE}"]`).click();
    const fix = await wizard.$(`form[aria-label="Fix line ${BAD_LINE}"]`);
    await fix.waitForDisplayed({ timeout: 5000 });
    const focused = await browser.execute(() => document.activeElement?.getAttribute('data-cell'));
    assert.equal(focused, '0', 'the address cell has the focus');
    const cell = await fix.$('input[data-cell="0"]');
    assert.equal(await cell.getAttribute('aria-invalid'), 'true');
    assert.ok((await fix.getLocation('y')) > (await problems.$(`button[data-fix-line="${BAD_LINE}"]`).getLocation('y')), 'under its problem');
    await typeInto(browser, cell, 'jonas.weber@example.com');
    await fix.$('button=Apply fix').click();
    await waitForText(browser, summary, /^11 of 12 rows ready, 1 left out/, 'the fixed row was not read');

    // The duplicate, removed from its problem.
    await problems.$(`button[data-fix-line="${DUPLICATE_LINE}"]`).click();
    const duplicate = await wizard.$(`form[aria-label="Fix line ${DUPLICATE_LINE}"]`);
    await duplicate.waitForDisplayed({ timeout: 5000 });
    await duplicate.$('button=Remove row').click();
    await duplicate.waitForExist({ reverse: true, timeout: 10000, timeoutMsg: 'Remove row left its form open' });
    await waitForText(browser, summary, /^11 of 11 rows ready/, 'the duplicate was not removed', 60000, () => listState(browser));
    const people = await wizard.$('table[aria-label="People as read"]');
    await waitForText(browser, people, /app_metadata\.department/, 'the people table has no department');
    const tableRows = await browser.execute(
      (el) => [...el.querySelectorAll('tr')].map((tr) => [...tr.children].map((c) => c.textContent).join('|')),
      people,
    );
    assert.equal(tableRows[0], 'Line|Email|Given name|Family name|Language|External id|Roles|app_metadata.department');
    assert.ok(tableRows.includes('3|juergen.mueller@example.com|Jürgen|Müller|de|P-1002||Einkauf'), tableRows.join('\n'));
    assert.equal(tableRows.length, 12, 'a header and the 11 people');
    await saveScreenshot(browser, `journey-${size}-people`, true);

    // The invitation: a result URL typed without https:// is said wrong beside the field.
    await wizard.$('button[data-step="invitation"]').click();
    const resultUrl = await wizard.$('input[name="result_url"]');
    await typeInto(browser, resultUrl, 'app.example.com/welcome');
    const urlProblem = await wizard.$('#result-url-problem');
    await urlProblem.waitForDisplayed({ timeout: 5000 });
    assert.match(await textOf(urlProblem), /Write the whole address, starting with https:\/\//);
    await saveScreenshot(browser, `journey-${size}-invitation`, true);
    await typeInto(browser, resultUrl, 'https://app.example.com/welcome');
    await browser.waitUntil(async () => !(await urlProblem.isExisting()), { timeout: 5000, timeoutMsg: 'the fixed URL is still refused' });

    // Each person's email, in their language.
    await wizard.$('button[data-step="email"]').click();
    await wizard.$('[data-testid="preview-subject"]').waitForDisplayed({ timeout: 10000 });
    await saveScreenshot(browser, `journey-${size}-email`, true);

    // Review: a summary of what will happen.
    await wizard.$('button[data-step="review"]').click();
    await typeInto(browser, await wizard.$('input[name="batch_name"]'), 'Welle 1: Vertrieb');
    const review = await wizard.$('[data-testid="review-summary"]');
    await review.waitForDisplayed({ timeout: 5000 });
    const reviewed = await textOf(review);
    assert.match(reviewed, /Sandbox\s*not production/);
    assert.match(reviewed, /People\s*11 people/);
    assert.match(reviewed, /Link works for\s*7 days/);
    assert.match(reviewed, /department from the list/);
    assert.match(reviewed, /https:\/\/app\.example\.com\/welcome/);
    assert.match(reviewed, /written as \.eml files to .*outbox: nothing is sent/);
    await waitForText(browser, await wizard.$('[data-testid="review-estimate"]'), /API calls, about/, 'no estimate');
    // The checks before the first write ran on their own: the Sandbox's token, and the outbox.
    const checks = await wizard.$('[data-testid="preflight"]');
    await checks.waitForDisplayed({ timeout: 30000 });
    const checkStates = await browser.execute(
      (el) => [...el.querySelectorAll('li[data-status]')].map((li) => `${li.dataset.status} ${li.textContent}`),
      checks,
    );
    assert.ok(checkStates.some((c) => /^passed .*Tenant credentials/.test(c)), checkStates.join('\n'));
    assert.ok(checkStates.some((c) => /^passed .*Delivery/.test(c)), checkStates.join('\n'));
    assert.ok(!checkStates.some((c) => c.startsWith('failed')), checkStates.join('\n'));
    await saveScreenshot(browser, `journey-${size}-review`, true);

    // Run, pause, and close the window mid-run: it asks, and stops safely.
    await wizard.$('button=Run now').click();
    const run = await browser.$('[data-screen-panel="run"]');
    // Pause waits for the engine to take the run up (the Sandbox starts, the batch is locked).
    await waitForText(browser, await run.$('[data-testid="run-status"]'), /^running$/, 'the run did not start', 30000);
    await run.$('button=Pause').waitForEnabled({ timeout: 5000 });
    await run.$('button=Pause').click();
    await waitForText(browser, await run.$('[data-testid="run-status"]'), /^paused$/, 'the run did not pause', 10000);
    assert.equal(await run.$('[data-testid="batch-name"]').getText(), 'Welle 1: Vertrieb');
    execFileSync('/usr/bin/python3', [path.join(here, 'native', 'close_window.py'), xWindowOfApp()]);
    const guard = await browser.$('[data-testid="close-guard"]');
    await guard.waitForDisplayed({ timeout: 10000 });
    assert.match(await textOf(guard), /A batch is still running/);
    await saveScreenshot(browser, `journey-${size}-close-guard`, true);
    await guard.$('button=Stop safely and close').click();
    await browser.waitUntil(async () => !instanceRunning(), { timeout: 30000, timeoutMsg: 'the app did not close' });
    closed = true;
    await app.close().catch(() => {});
    // The run stopped itself and said so (a killed app would leave no such line: its batch would
    // only be found abandoned at the next launch).
    const logs = readdirSync(path.join(dataDir, 'logs')).map((f) => readFileSync(path.join(dataDir, 'logs', f), 'utf8')).join('');
    assert.match(logs, /close held: a batch is running/);
    assert.match(logs, /batch run ended batch=\S+ status="interrupted"/);

    // Relaunched: the interrupted batch is offered.
    app = await launchApp(env);
    browser = app.browser;
    closed = false;
    await browser.setWindowRect(0, 0, width, height);
    const notice = await browser.$('[data-testid="interrupted-notice"]');
    await notice.waitForDisplayed({ timeout: 10000 });
    assert.match(await textOf(notice), /“Welle 1: Vertrieb” stopped before the end: \d+ of 11 people are done/);
    await saveScreenshot(browser, `journey-${size}-resume-prompt`, true);
    await notice.$('button=Resume').click();

    // A cancel asks first; those it did not reach are "not started", not failed.
    const again = await browser.$('[data-screen-panel="run"]');
    await waitForText(browser, await again.$('[data-testid="run-status"]'), /^running$/, 'the resume did not start', 30000);
    await again.$('button=Pause').waitForEnabled({ timeout: 5000 });
    await again.$('button=Pause').click();
    // Paused first: the run is held while the question is asked.
    await waitForText(browser, await again.$('[data-testid="run-status"]'), /^paused$/, 'the resumed run did not pause', 10000);
    await again.$('button=Cancel').click();
    const asked = await again.$('[data-testid="cancel-confirm"]');
    await asked.waitForDisplayed({ timeout: 5000 });
    assert.match(await textOf(asked), /^Stop this run\?/);
    await asked.$('button=Stop the run').click();
    const finished = await again.$('[data-testid="run-summary"]');
    await waitForText(browser, finished, /^Stopped before the end/, 'the cancel did not stop the run', 30000);
    const stopped = await textOf(again.$('[data-testid="summary-counts"]'));
    assert.doesNotMatch(stopped, /failed/);
    assert.match(stopped, /not started|link issued|account created/);
    await again.$('button=Resume').click();
    await waitForText(browser, finished, /^Finished/, 'the resumed run did not finish', 90000);
    assert.match(await textOf(again.$('[data-testid="summary-counts"]')), /^11 written to outbox in/);
    assert.match(await textOf(again.$('[data-testid="delivered-where"]')), /Nothing was sent: each message is an \.eml file in the outbox folder/);
    assert.equal(await again.$('[data-testid="outbox-dir"]').getText(), path.join(dataDir, 'outbox'));
    const emls = readdirSync(path.join(dataDir, 'outbox')).filter((f) => f.endsWith('.eml'));
    assert.equal(emls.length, INVITED, `one message each, whatever was stopped and resumed: ${emls.join(', ')}`);

    // The Run table: email and name first, at least 8 rows in view.
    const table = await again.$('[data-testid="people-table"]');
    await table.scrollIntoView();
    const rowsShown = await browser.execute((el) => Math.floor(el.clientHeight / 32), table);
    assert.ok(rowsShown >= 8, `${rowsShown} rows fit at ${size}`);
    const first = await table.$('[role="row"]');
    const cells = await browser.execute((row) => [...row.querySelectorAll('[role="cell"]')].map((c) => c.textContent), first);
    assert.deepEqual(cells.slice(0, 3), ['anna.schmidt@example.com', 'Anna Schmidt', 'written to outbox']);
    assert.ok(await first.isDisplayed({ withinViewport: true }), 'the table is in view');
    await saveScreenshot(browser, `journey-${size}-run`, true);

    // Results, with the list's employee numbers, UTF-8 with a byte-order mark.
    await again.$('button=Export results').click();
    await acceptSaveDialog('Export the results');
    const exported = await again.$('[data-testid="exported"]');
    await exported.waitForDisplayed({ timeout: 10000 });
    const csvFile = await exported.$('code').getText();
    assert.equal(path.basename(csvFile), 'results-welle-1-vertrieb.csv');
    const csv = readFileSync(csvFile, 'utf8');
    assert.ok(csv.startsWith('\uFEFF'));
    assert.match(csv, /juergen\.mueller@example\.com,invited,.*,written to outbox,P-1002,Jürgen,Müller/);
    assert.equal(csv.trim().split('\n').length, INVITED + 1);

    // One person, opened from the table: name and metadata as Auth0 has them.
    await first.click();
    const find = await browser.$('[data-screen-panel="find-person"]');
    const name = await find.$('[data-testid="account-name"]');
    await name.waitForDisplayed({ timeout: 15000 });
    assert.equal(await name.getText(), 'Anna Schmidt');
    assert.match(await textOf(find.$('[data-testid="account"]')), /department: Vertrieb/);
    assert.match(await textOf(find.$('[data-testid="history"]')), /Invitation, written to outbox in “Welle 1: Vertrieb”/);
    await find.$('button=Copy a new link').click();
    const link = await find.$('[data-testid="link"]');
    await link.waitForDisplayed({ timeout: 30000 });
    const pasted = execFileSync('/usr/bin/python3', [
      '-c',
      "import gi; gi.require_version('Gtk', '3.0'); from gi.repository import Gtk, Gdk; print(Gtk.Clipboard.get(Gdk.SELECTION_CLIPBOARD).wait_for_text() or '', end='')",
    ]).toString();
    assert.equal(pasted, await link.getText(), 'the clipboard holds the link shown');
    await saveScreenshot(browser, `journey-${size}-find-person`, true);

    // History: by name, in the same words; the copied link is not a batch.
    const history = await go(browser, 'history');
    // Read in one go: History reloads its list as runs end, and elements found before go stale.
    const listed = () =>
      browser.execute(() =>
        [...document.querySelectorAll('[data-screen-panel="history"] table[aria-label="Batches"] tbody tr')].map((tr) => ({
          text: tr.textContent,
          outcome: tr.querySelector('[data-testid="outcome"]')?.textContent,
        })),
      );
    await browser.waitUntil(async () => (await listed()).length > 0, { timeout: 10000, timeoutMsg: 'History lists nothing' });
    const rows = await listed();
    assert.equal(rows.length, 1, 'the copied link is an action on a person, not a batch');
    assert.match(rows[0].text, /Welle 1: Vertrieb/);
    assert.equal(rows[0].outcome, '11 written to outbox');
    await saveScreenshot(browser, `journey-${size}-history`, true);
    await history.$('table[aria-label="Batches"] tbody tr').$('button=Follow up').click();
    const followUp = await browser.$('[data-screen-panel="follow-up"]');
    await followUp.$('[data-testid="funnel"]').waitForDisplayed({ timeout: 15000 });
    await saveScreenshot(browser, `journey-${size}-follow-up`, true);
  } finally {
    if (!closed) await app.close();
  }
  await pause(0);
}

test('the admin journey at 1024 × 640', () => journey(1024, 640));
test('the admin journey at 1280 × 800', () => journey(1280, 800));
