// Languages in the real app: a list with a language column previewed per person in their language,
// the preview scaled to fit (never cut off) on a 1024 × 640 laptop and at phone width, and the
// advanced editor marking a template error at its line.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchApp, pasteInto, saveScreenshot } from './driver.mjs';

let app;
before(async () => {
  app = await launchApp();
});
after(async () => {
  await app?.close();
});

async function go(screen) {
  const { browser } = app;
  await browser.$(`nav button[data-screen="${screen}"]`).click();
  return browser.$(`[data-screen-panel="${screen}"]`);
}

const LIST = [
  'email,name,language',
  'anna@example.de,Anna Schmidt,de-DE',
  'luc@example.fr,Luc Martin,fr',
  'sofia@example.es,Sofia Ruiz,es',
  'zoe@example.com,Zoe Lane,',
  'kai@example.at,Kai Huber,de-AT',
  'sven@example.se,Sven Berg,sv',
  '',
].join('\n');

async function previewFor(wizard, email) {
  const { browser } = app;
  await wizard.$('select[name="preview_person"]').selectByAttribute('value', String(LINES[email]));
  await browser.waitUntil(async () => (await wizard.$('[data-testid="preview-to"]').getText()).includes(email), {
    timeout: 10000,
    timeoutMsg: `the preview did not switch to ${email}`,
  });
  return {
    subject: await wizard.$('[data-testid="preview-subject"]').getText(),
    language: await wizard.$('[data-testid="preview-language"]').getText(),
    text: await wizard.$('[data-testid="preview-text"]').getText(),
  };
}

const LINES = {
  'anna@example.de': 2,
  'luc@example.fr': 3,
  'sofia@example.es': 4,
  'zoe@example.com': 5,
  'kai@example.at': 6,
  'sven@example.se': 7,
};

/** The frame's box, the pane's, the window's width, and how wide the message inside is. */
async function measure(wizard) {
  const { browser } = app;
  const frame = await wizard.$('iframe[title="HTML preview"]');
  const boxes = await browser.execute(() => {
    const f = document.querySelector('iframe[title="HTML preview"]');
    const pane = f.parentElement;
    const a = f.getBoundingClientRect();
    const b = pane.getBoundingClientRect();
    return { frameLeft: a.left, frameRight: a.right, paneLeft: b.left, paneRight: b.right, window: window.innerWidth, logical: f.offsetWidth };
  });
  await browser.switchFrame(frame);
  let message;
  try {
    message = await browser.execute(() => document.documentElement.scrollWidth);
  } finally {
    await browser.switchFrame(null);
  }
  return { ...boxes, message };
}

test('each person is previewed in their language, and the frame fits at 1024 × 640 and at phone width', async () => {
  const { browser } = app;
  await browser.setWindowRect(0, 0, 1024, 640);
  await browser.waitUntil(async () => (await browser.getWindowRect()).width === 1024, { timeout: 5000 });
  const wizard = await go('new-batch');
  await wizard.$('button=Start a new batch').click();
  await wizard.$('select[name="profile"]').selectByAttribute('value', 'Sandbox');
  await wizard.$('#people-text').setValue(LIST.replaceAll('\n', '\uE007'));
  const summary = await wizard.$('[data-testid="roster-summary"]');
  await browser.waitUntil(async () => (await summary.isExisting()) && (await summary.getText()).startsWith('6 of 6 rows ready'), {
    timeout: 10000,
    timeoutMsg: 'the list was not read',
  });
  // Said while the list is made: who will read the batch's language instead of their own.
  const notice = await wizard.$('[data-testid="language-notice"]');
  await notice.waitForDisplayed({ timeout: 10000 });
  assert.match(await notice.getText(), /^1 person has a language the message is not written in: Swedish \(sv\) ×1; they get the batch's language, English/);
  await wizard.$('button[data-step="email"]').click();
  await wizard.$('[data-testid="preview-subject"]').waitForDisplayed({ timeout: 10000 });

  const anna = await previewFor(wizard, 'anna@example.de');
  assert.match(anna.subject, /^Ihr Konto ist bereit: Legen Sie Ihr Passwort fest$/);
  assert.match(anna.language, /^German \(de\)/);
  assert.match(anna.text, /läuft in 7 Tagen ab/);
  const kai = await previewFor(wizard, 'kai@example.at');
  assert.match(kai.language, /^German \(de\)/, 'de-AT falls back to de');
  const luc = await previewFor(wizard, 'luc@example.fr');
  assert.match(luc.subject, /^Votre compte est prêt/);
  assert.match(luc.text, /expire dans 7 jours/);
  const sofia = await previewFor(wizard, 'sofia@example.es');
  assert.match(sofia.subject, /^Su cuenta está lista/);
  const zoe = await previewFor(wizard, 'zoe@example.com');
  assert.match(zoe.subject, /^Your account is ready: set your password$/);
  const sven = await previewFor(wizard, 'sven@example.se');
  assert.match(sven.language, /^English \(en\) · their language, Swedish, has no wording here/);

  // Not cut off: the frame sits inside its pane and the window, and the message inside its frame.
  const desktop = await measure(wizard);
  assert.ok(desktop.frameLeft >= desktop.paneLeft - 1, JSON.stringify(desktop));
  assert.ok(desktop.frameRight <= desktop.paneRight + 1, JSON.stringify(desktop));
  assert.ok(desktop.frameRight <= desktop.window, JSON.stringify(desktop));
  assert.ok(desktop.message <= desktop.logical, `the message is wider than its frame: ${JSON.stringify(desktop)}`);
  await saveScreenshot(browser, 'languages-1024', true);

  await wizard.$('input[name="phone_width"]').click();
  await browser.waitUntil(async () => (await measure(wizard)).logical === 375, { timeout: 5000, timeoutMsg: 'no phone width' });
  const phone = await measure(wizard);
  assert.ok(phone.frameRight <= phone.paneRight + 1, JSON.stringify(phone));
  assert.ok(phone.message <= phone.logical, `the message is wider than a phone: ${JSON.stringify(phone)}`);
  await wizard.$('input[name="phone_width"]').click();

  // Forced into another language from the preview's own menu.
  await wizard.$('select[name="preview_language"]').selectByAttribute('value', 'it');
  await browser.waitUntil(async () => (await wizard.$('[data-testid="preview-subject"]').getText()).startsWith('Il Suo account è pronto'), {
    timeout: 10000,
    timeoutMsg: 'the preview did not switch to Italian',
  });
  await wizard.$('select[name="preview_language"]').selectByAttribute('value', '');
});

test('the advanced editor marks a template error at its line', async () => {
  const { browser } = app;
  const wizard = await browser.$('[data-screen-panel="new-batch"]');
  await wizard.$('button=Edit as HTML and text (advanced)').click();
  const html = await wizard.$('[data-testid="code-en html"] .cm-content');
  await html.waitForDisplayed({ timeout: 10000 });
  // Line 3 of the HTML part names a variable no message has.
  await pasteInto(
    browser,
    html,
    ['<p>Hello {{ greeting_name }}</p>', '<a href="{{ link }}">Set my password</a>', '<p>{{ person.frist_name }}</p>'].join('\n'),
  );
  const error = await wizard.$('[data-testid="markup-error"]');
  // While it is typed the part is wrong in other ways (no link yet): the last word is what counts.
  await browser
    .waitUntil(async () => (await error.isExisting()) && /^Line 3, column \d+: unknown variable `person.frist_name`/.test(await error.getText()), {
      timeout: 10000,
    })
    .catch(async () =>
      assert.fail(
        `no error at line 3; the editor says: ${(await error.isExisting()) ? await error.getText() : 'nothing'}; it holds:\n${await html.getText()}`,
      ),
    );
  assert.equal(await wizard.$('[data-testid="code-en html"]').getAttribute('data-error-line'), '3');
  // CodeMirror underlines the place itself.
  const underlined = await wizard.$('[data-testid="code-en html"] .cm-lintRange-error');
  await underlined.waitForExist({ timeout: 5000 });
  assert.match(await underlined.getText(), /frist_name/);
  await saveScreenshot(browser, 'languages-advanced-error', true);

  // Fixed: the mark goes, the preview comes back.
  await pasteInto(browser, html, '<a href="{{ link }}">Set my password</a>');
  await browser
    .waitUntil(async () => !(await error.isExisting()), { timeout: 10000 })
    .catch(async () =>
      assert.fail(
        `the error stayed: ${await error.getText()}; the editor holds:\n${JSON.stringify(await browser.execute((el) => el.textContent, html))}`,
      ),
    );
  assert.equal(await wizard.$('[data-testid="code-en html"]').getAttribute('data-error-line'), '');
});
