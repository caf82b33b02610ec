// One Invite Desk per user session: a second launch hands over to the running app (which brings its
// window forward) and exits, instead of opening a second window on the same journal and Sandbox.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { instanceRunning, launchApp } from './driver.mjs';

test('a second launch exits and leaves the first window running', async () => {
  const { browser, dataDir, close } = await launchApp();
  try {
    await browser.$('nav').waitForDisplayed({ timeout: 30000 });
    assert.ok(instanceRunning(), 'the running app holds its single-instance name');
    const second = spawn(process.env.INVITE_DESK_APP, [], {
      env: { ...process.env, INVITE_DESK_DATA_DIR: dataDir },
      stdio: 'ignore',
    });
    const code = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        second.kill('SIGKILL');
        reject(new Error('the second launch was still running after 20 s: it opened a second app'));
      }, 20000);
      second.once('exit', (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });
    assert.equal(code, 0, 'the second launch hands over and exits cleanly');
    // The first app still answers, and is still the one holding the name.
    assert.ok(await browser.$('nav').isDisplayed());
    assert.ok(instanceRunning());
  } finally {
    await close();
  }
  assert.equal(instanceRunning(), false, 'closing the app releases its name');
});
