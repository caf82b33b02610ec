// A file dragged from another application's window (a stand-in for a file manager, offering it as a
// file:// URI the way Nautilus does) and dropped on the People step with the X pointer: the desktop's
// own drag and drop, through the window, read by the engine, shown in the paste box.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
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

// Two workbooks of 1–2 KB that claim the impossible (a shared-string table of 4·10¹² entries; one
// cell at XFD1048576): before the workbook limits, either aborted the whole app. Dropped on the
// People step, each is refused with its reason, and the app goes on taking lists.
const HOSTILE_XLSX = String.raw`
import sys, zipfile
out, kind = sys.argv[1], sys.argv[2]
sheet_rows = '<row r="1"><c r="A1" t="inlineStr"><is><t>Email</t></is></c></row>'
count = '0'
if kind == 'strings':
    count = '4000000000000'
else:
    sheet_rows += '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
parts = {
    '[Content_Types].xml': '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>',
    '_rels/.rels': '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    'xl/workbook.xml': '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="People" sheetId="1" r:id="rId1"/></sheets></workbook>',
    'xl/_rels/workbook.xml.rels': '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    'xl/worksheets/sheet1.xml': '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' + sheet_rows + '</sheetData></worksheet>',
    'xl/sharedStrings.xml': '<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="' + count + '" uniqueCount="' + count + '"></sst>',
}
with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as z:
    for name, text in parts.items():
        z.writestr(name, text)
`;

test('hostile workbooks dropped on the People step are refused with a reason and the app goes on', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'invite-desk-e2e-hostile-'));
  const files = [
    ['strings', /this workbook is not read: its shared-string table declares 4000000000000 strings/],
    ['corner', /this workbook is not read: sheet "People" has data in row 1048576, column 16384/],
  ].map(([kind, reason]) => {
    const file = path.join(dir, `${kind}.xlsx`);
    execFileSync(process.env.PYTHON || 'python3', ['-c', HOSTILE_XLSX, file, kind]);
    return { file, reason };
  });
  const good = path.join(dir, 'good.csv');
  writeFileSync(good, 'email\nann@example.com\n');

  const app = await launchApp();
  const { browser } = app;
  try {
    await browser.setWindowRect(0, 0, 1000, 720);
    await browser.$('nav button[data-screen="new-batch"]').click();
    const panel = await browser.$('[data-screen-panel="new-batch"]');
    await panel.$('button=Start a new batch').click();
    const zone = '[data-screen-panel="new-batch"] [data-testid="dropzone"]';
    await panel.$('[data-testid="dropzone"]').waitForDisplayed({ timeout: 5000 });
    for (const { file, reason } of files) {
      await dragFileOnto(browser, zone, file);
      await browser.waitUntil(async () => reason.test(await panel.getText()), {
        timeout: 15000,
        timeoutMsg: `${path.basename(file)} was not refused; the People step shows:\n${await panel.getText()}`,
      });
    }
    // Still the same app, still reading lists.
    await dragFileOnto(browser, zone, good);
    const summary = await panel.$('[data-testid="roster-summary"]');
    await browser.waitUntil(async () => (await summary.isExisting()) && (await summary.getText()).startsWith('1 of 1 rows ready'), {
      timeout: 10000,
      timeoutMsg: 'the app did not read a good list after the hostile ones',
    });
  } finally {
    await app.close();
  }
});
