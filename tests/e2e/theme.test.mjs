// Readable in the light and the dark theme, in the real app: the window follows the desktop's theme
// (GTK_THEME here), and on every screen the text the user reads keeps WCAG AA contrast (4.5:1) against
// what is actually behind it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { launchApp, saveScreenshot } from './driver.mjs';

const SCREENS = ['tenants', 'new-batch', 'run', 'history', 'find-person', 'settings'];

/** In the page: every visible element with its own text, and its contrast against its background. */
function contrasts(panelSelector) {
  const parse = (color) => {
    const m = /rgba?\(([^)]+)\)/.exec(color);
    if (!m) return null;
    const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return { r, g, b, a };
  };
  const luminance = ({ r, g, b }) => {
    const lin = (c) => {
      const s = c / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  };
  const background = (el) => {
    for (let node = el; node; node = node.parentElement) {
      const color = parse(getComputedStyle(node).backgroundColor);
      if (color && color.a > 0.5) return color;
    }
    return parse(getComputedStyle(document.documentElement).backgroundColor) ?? { r: 255, g: 255, b: 255, a: 1 };
  };
  const roots = [document.querySelector('nav'), document.querySelector(panelSelector)].filter(Boolean);
  const out = [];
  for (const root of roots) {
    for (const el of root.querySelectorAll('*')) {
      const ownText = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
      if (!ownText || el.closest('[hidden]') || el.getClientRects().length === 0) continue;
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || Number(style.opacity) === 0) continue;
      // Disabled controls are exempt from the contrast rule (WCAG 1.4.3).
      if (el.closest('button:disabled, input:disabled, select:disabled, textarea:disabled')) continue;
      const fg = parse(style.color);
      const bg = background(el);
      const [hi, lo] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
      out.push({ text: el.textContent.trim().slice(0, 40), ratio: Math.round(((hi + 0.05) / (lo + 0.05)) * 100) / 100 });
    }
  }
  return { texts: out, pageIsDark: luminance(background(document.querySelector(panelSelector))) < 0.2 };
}

for (const [theme, gtkTheme, dark] of [
  ['light', 'Adwaita', false],
  ['dark', 'Adwaita:dark', true],
]) {
  test(`every screen is readable in the ${theme} theme`, async () => {
    const app = await launchApp({ GTK_THEME: gtkTheme });
    const { browser } = app;
    try {
      await browser.$('nav').waitForDisplayed({ timeout: 10000 });
      assert.equal(await browser.execute(() => matchMedia('(prefers-color-scheme: dark)').matches), dark);
      for (const screen of SCREENS) {
        await browser.$(`nav button[data-screen="${screen}"]`).click();
        const panel = `[data-screen-panel="${screen}"]`;
        await browser.$(panel).waitForDisplayed({ timeout: 5000 });
        const { texts, pageIsDark } = await browser.execute(contrasts, panel);
        // The screen really is in the theme asked for.
        assert.equal(pageIsDark, dark, `${screen} is not in the ${theme} theme`);
        assert.ok(texts.length > 0, `no text measured on ${screen}`);
        const low = texts.filter((m) => m.ratio < 4.5);
        assert.deepEqual(low, [], `text under 4.5:1 on ${screen} (${theme})`);
      }
      await saveScreenshot(browser, `theme-${theme}`);
    } finally {
      await app.close();
    }
  });
}
