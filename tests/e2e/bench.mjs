// Figures for docs/benchmarks.md ("Desktop app"), measured in the real app through WebDriver:
//   1. start-up: from launching the binary to the page's navigation start, its first contentful paint
//      (WebKit reports no separate first-paint entry), and the Tenants screen's profile list (the first
//      screen with data from the engine);
//   2. frame times while a Sandbox run of N people streams its progress into the Run screen;
//   3. with BENCH_PEOPLE_STEP=N: the People step given an N-row list (dropped as a file): the time until
//      its summary is on screen, the frames meanwhile, and the frames while the list is scrolled.
// Run it through scripts/bench-desktop.sh, which builds the release app and provides the desktop session.
// Options (environment): BENCH_LAUNCHES (default 7), BENCH_PEOPLE (default 10000), BENCH_SKIP_RUN=1,
// BENCH_PEOPLE_STEP (rows; off by default).
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { launchApp } from './driver.mjs';
import { dragFileOnto } from './native/drag.mjs';

const application = process.env.INVITE_DESK_APP;
if (!application) throw new Error('set INVITE_DESK_APP to the release invite-desk-app binary');
const launches = Number(process.env.BENCH_LAUNCHES ?? 7);
const people = Number(process.env.BENCH_PEOPLE ?? 10000);

const median = (xs) => quantile(xs, 0.5);
function quantile(xs, q) {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}
const ms = (x) => `${Math.round(x)} ms`;

/**
 * A stand-in binary that writes the wall-clock time (ms) it was started at, then becomes the app:
 * WebDriver starts the app itself, so this is the one way to know the launch instant.
 */
function launchWrapper() {
  const dir = mkdtempSync(path.join(tmpdir(), 'invite-desk-bench-'));
  const stamp = path.join(dir, 'launched-at');
  const wrapper = path.join(dir, 'invite-desk-app');
  writeFileSync(wrapper, `#!/bin/sh\ndate +%s%3N > '${stamp}'\nexec '${application}' "$@"\n`);
  chmodSync(wrapper, 0o755);
  return { wrapper, launchedAt: () => Number(readFileSync(stamp, 'utf8').trim()) };
}

/** One launch: milliseconds from launch to navigation start, first contentful paint, profiles listed. */
async function measureLaunch() {
  const { wrapper, launchedAt } = launchWrapper();
  const app = await launchApp({}, wrapper);
  try {
    const page = await app.browser.executeAsync((done) => {
      const wanted = ['first-contentful-paint', 'invite-desk:profiles-listed'];
      const found = {};
      const collect = () => {
        for (const entry of performance.getEntries()) {
          if (wanted.includes(entry.name) && !(entry.name in found)) found[entry.name] = entry.startTime;
        }
        if (wanted.every((name) => name in found)) {
          done({ timeOrigin: performance.timeOrigin, ...found });
          return true;
        }
        return false;
      };
      if (collect()) return;
      const timer = setInterval(() => collect() && clearInterval(timer), 5);
    });
    const start = launchedAt();
    const since = (t) => page.timeOrigin + t - start;
    return {
      navigation: since(0),
      contentfulPaint: since(page['first-contentful-paint']),
      profilesListed: since(page['invite-desk:profiles-listed']),
    };
  } finally {
    await app.close();
  }
}

async function startUp() {
  const rows = [];
  for (let i = 0; i < launches; i += 1) {
    const row = await measureLaunch();
    rows.push(row);
    console.log(
      `launch ${i + 1}: navigation ${ms(row.navigation)}, first contentful paint ${ms(row.contentfulPaint)}, profiles listed ${ms(row.profilesListed)}`,
    );
  }
  const pick = (key) => rows.map((r) => r[key]);
  const summary = {};
  for (const key of ['navigation', 'contentfulPaint', 'profilesListed']) {
    summary[key] = { first: rows[0][key], median: median(pick(key)), max: Math.max(...pick(key)) };
  }
  return summary;
}

/**
 * In the page: records every animation frame's interval until `window.__stopFrames()` is called, and
 * when each frame longer than 100 ms ended (ms since recording began).
 */
function recordFrames() {
  const intervals = [];
  const long = [];
  const began = performance.now();
  let last = began;
  let running = true;
  const tick = (now) => {
    intervals.push(now - last);
    if (now - last > 100) long.push([Math.round(now - began), Math.round(now - last)]);
    last = now;
    if (running) requestAnimationFrame(tick);
  };
  requestAnimationFrame((now) => {
    last = now;
    requestAnimationFrame(tick);
  });
  window.__stopFrames = () => {
    running = false;
    return { intervals, long };
  };
}

function frameStats(intervals) {
  const total = intervals.reduce((a, b) => a + b, 0);
  return {
    frames: intervals.length,
    seconds: total / 1000,
    fps: intervals.length / (total / 1000),
    median: median(intervals),
    p95: quantile(intervals, 0.95),
    p99: quantile(intervals, 0.99),
    max: Math.max(...intervals),
    over33: intervals.filter((x) => x > 33.4).length,
    over50: intervals.filter((x) => x > 50).length,
  };
}

function describeFrames(label, s) {
  return (
    `${label}: ${s.frames} frames in ${s.seconds.toFixed(1)} s = ${s.fps.toFixed(1)} fps; interval median ` +
    `${s.median.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms, max ${s.max.toFixed(0)} ms; ` +
    `${s.over33} over 33 ms (${((100 * s.over33) / s.frames).toFixed(2)}%), ${s.over50} over 50 ms`
  );
}

async function runFrames() {
  const app = await launchApp({ INVITE_DESK_SANDBOX_PLAN: 'unlimited' });
  const { browser } = app;
  try {
    await browser.$('nav button[data-screen="new-batch"]').click();
    const wizard = await browser.$('[data-screen-panel="new-batch"]');
    await wizard.$('button=Start a new batch').click();
    await wizard.$('select[name="profile"]').selectByAttribute('value', 'Sandbox');
    await wizard.$('[data-testid="dropzone"]').waitForDisplayed({ timeout: 10000 });
    // The list arrives as a file dragged onto the window (typing 10,000 lines through WebDriver
    // would take far too long).
    const lines = ['email,name'];
    for (let i = 0; i < people; i += 1) lines.push(`person${i}@bench.example,Person ${i}`);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'invite-desk-bench-list-')), 'people.csv');
    writeFileSync(file, lines.join('\r\n'));
    await browser.setWindowRect(0, 0, 1000, 720);
    await dragFileOnto(browser, '[data-screen-panel="new-batch"] [data-testid="dropzone"]', file);
    const summary = await wizard.$('[data-testid="roster-summary"]');
    await browser.waitUntil(
      async () => (await summary.isExisting()) && (await summary.getText()).startsWith(`${people} of ${people} rows ready`),
      { timeout: 120000, interval: 500, timeoutMsg: 'the list was not read' },
    );
    await wizard.$('button[data-step="review"]').click();
    await wizard.$('button=Run now').waitForDisplayed({ timeout: 10000 });

    await browser.execute(recordFrames);
    await browser.pause(5000);
    const idle = frameStats((await browser.execute(() => window.__stopFrames())).intervals);
    console.log(describeFrames('idle, before the run', idle));

    await browser.execute(recordFrames);
    const started = Date.now();
    await wizard.$('button=Run now').click();
    const run = await browser.$('[data-screen-panel="run"]');
    await run.$('[data-testid="run-summary"]').waitForDisplayed({ timeout: 3600000, interval: 2000 });
    const seconds = (Date.now() - started) / 1000;
    const recorded = await browser.execute(() => window.__stopFrames());
    const during = frameStats(recorded.intervals);
    if (recorded.long.length > 0) {
      console.log(`frames over 100 ms (ended at ms after Run now, lasted ms): ${JSON.stringify(recorded.long)}`);
    }
    const outcome = await run.$('[data-testid="run-summary"]').getText();
    console.log(`run: ${people} people in ${seconds.toFixed(1)} s; summary: ${outcome.replace(/\s+/g, ' ')}`);
    console.log(describeFrames('during the run', during));
    return { idle, during, seconds, outcome };
  } finally {
    await app.close();
  }
}

/** The People step with a long list: reading it, and scrolling what it shows. */
async function peopleStep(rows) {
  const app = await launchApp();
  const { browser } = app;
  try {
    await browser.$('nav button[data-screen="new-batch"]').click();
    const wizard = await browser.$('[data-screen-panel="new-batch"]');
    await wizard.$('button=Start a new batch').click();
    await wizard.$('[data-testid="dropzone"]').waitForDisplayed({ timeout: 10000 });
    const lines = ['email,first name,last name,roles,department'];
    for (let i = 0; i < rows; i += 1) lines.push(`person${i}@bench.example,Given${i},Family${i},viewer,Dept ${i % 50}`);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'invite-desk-bench-list-')), 'people.csv');
    writeFileSync(file, lines.join('\r\n'));
    await browser.setWindowRect(0, 0, 1280, 800);
    await browser.execute(recordFrames);
    const dropped = Date.now();
    await dragFileOnto(browser, '[data-screen-panel="new-batch"] [data-testid="dropzone"]', file);
    const area = await wizard.$('#people-text');
    await browser.waitUntil(async () => (await browser.execute((el) => el.value.length, area)) > 1000, {
      timeout: 300000,
      interval: 50,
      timeoutMsg: 'the text never arrived',
    });
    const textIn = (Date.now() - dropped) / 1000;
    const summary = await wizard.$('[data-testid="roster-summary"]');
    await browser.waitUntil(
      async () => (await summary.isExisting()) && (await summary.getText()).startsWith(`${rows} of ${rows} rows ready`),
      { timeout: 300000, interval: 100, timeoutMsg: 'the list was not read' },
    );
    const readIn = (Date.now() - dropped) / 1000;
    const recorded = await browser.execute(() => window.__stopFrames());
    const reading = frameStats(recorded.intervals);
    console.log(`people step: the text was in the paste box after ${textIn.toFixed(2)} s`);
    if (recorded.long.length > 0) {
      console.log(`frames over 100 ms (ended at ms after the drop, lasted ms): ${JSON.stringify(recorded.long)}`);
    }
    console.log(`people step: ${rows} rows read and shown in ${readIn.toFixed(2)} s (from the drop)`);
    console.log(describeFrames('while the list was read', reading));
    // Scroll whatever scrolls on the step for 5 s, a screenful at a time.
    await browser.execute(recordFrames);
    await browser.execute(() => {
      const scrollers = [...document.querySelectorAll('[data-screen-panel="new-batch"] *')].filter(
        (el) => el.scrollHeight > el.clientHeight + 10 && getComputedStyle(el).overflowY !== 'visible',
      );
      const started = performance.now();
      const tick = () => {
        for (const el of scrollers) el.scrollTop += el.clientHeight;
        if (performance.now() - started < 5000) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    await browser.pause(5200);
    const scrolling = frameStats((await browser.execute(() => window.__stopFrames())).intervals);
    console.log(describeFrames('while scrolling it', scrolling));
    return { rows, readIn, reading, scrolling };
  } finally {
    await app.close();
  }
}

const result = { startUp: await startUp() };
const s = result.startUp;
console.log(
  `start-up over ${launches} launches (first / median / max): navigation ${ms(s.navigation.first)} / ` +
    `${ms(s.navigation.median)} / ${ms(s.navigation.max)}; first contentful paint ${ms(s.contentfulPaint.first)} / ` +
    `${ms(s.contentfulPaint.median)} / ${ms(s.contentfulPaint.max)}; profiles listed ` +
    `${ms(s.profilesListed.first)} / ${ms(s.profilesListed.median)} / ${ms(s.profilesListed.max)}`,
);
if (!process.env.BENCH_SKIP_RUN) result.run = await runFrames();
if (process.env.BENCH_PEOPLE_STEP) result.peopleStep = await peopleStep(Number(process.env.BENCH_PEOPLE_STEP));
console.log(JSON.stringify(result));
