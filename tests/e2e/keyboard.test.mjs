// The wizard walked with the keyboard alone, in the real app: every control on the way is reached with
// Tab, shows where the focus is, and is worked with Enter or typing; the batch runs to its end.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchApp } from './driver.mjs';

let app;

before(async () => {
  app = await launchApp();
});

after(async () => {
  await app?.close();
});

/** What the focused element is and whether it shows a focus ring (outline or box shadow). */
function focused() {
  return app.browser.execute(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    const ring =
      (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';
    const label = `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} "${(el.textContent || el.getAttribute('name') || '').trim().slice(0, 40)}"`;
    return { label, ring };
  });
}

/**
 * Presses Tab until the element matching `selector` (and reading `text`, when given) has the focus:
 * it must be reachable, and show that it has the focus.
 */
async function tabTo(selector, text = null, maxTabs = 60) {
  const { browser } = app;
  const seen = [];
  for (let i = 0; i < maxTabs; i += 1) {
    await browser.keys('Tab');
    const here = await browser.execute(
      (s, t) => {
        const el = document.activeElement;
        return Boolean(el?.matches(s) && (t === null || el.textContent.trim() === t));
      },
      selector,
      text,
    );
    const info = await focused();
    if (info) seen.push(info.label);
    if (here) {
      assert.ok(info.ring, `${info.label} has the focus but shows no focus ring`);
      return;
    }
  }
  assert.fail(`${selector} ${text ?? ''} was not reached with Tab; the focus went through:\n${seen.join('\n')}`);
}

test('a batch is prepared and run with the keyboard alone', async () => {
  const { browser } = app;
  await browser.$('nav').waitForDisplayed({ timeout: 10000 });

  await tabTo('nav button[data-screen="new-batch"]');
  await browser.keys('Enter');
  const wizard = await browser.$('[data-screen-panel="new-batch"]');
  await wizard.waitForDisplayed({ timeout: 5000 });

  await tabTo('[data-screen-panel="new-batch"] button', 'Start a new batch');
  await browser.keys('Enter');

  await tabTo('#people-text');
  await browser.keys('ann@example.com'.split(''));
  const summary = await wizard.$('[data-testid="roster-summary"]');
  await browser.waitUntil(async () => (await summary.isExisting()) && (await summary.getText()).startsWith('1 of 1 rows ready'), {
    timeout: 10000,
    timeoutMsg: 'the typed list was not read',
  });

  for (const step of ['invitation', 'email', 'review']) {
    await tabTo('[data-screen-panel="new-batch"] button[data-next]');
    await browser.keys('Enter');
    await browser.waitUntil(
      async () => (await wizard.$(`button[data-step="${step}"]`).getAttribute('aria-selected')) === 'true',
      { timeout: 5000, timeoutMsg: `Next did not lead to the ${step} step` },
    );
  }

  await tabTo('[data-screen-panel="new-batch"] button', 'Dry run');
  await browser.keys('Enter');
  await wizard.$('[data-testid="plan"]').waitForDisplayed({ timeout: 15000 });
  assert.match(await wizard.$('[data-testid="plan"]').getText(), /1 to create/);

  await tabTo('[data-screen-panel="new-batch"] button', 'Run now');
  await browser.keys('Enter');
  const finished = await browser.$('[data-screen-panel="run"] [data-testid="run-summary"]');
  await finished.waitForDisplayed({ timeout: 30000 });
  assert.match(await finished.getText(), /1 written to outbox/);
});
