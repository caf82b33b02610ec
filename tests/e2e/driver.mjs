// Starts tauri-driver, opens a WebDriver session on the real Invite Desk binary, and tears both down.
// Each test file gets its own app process with its own data folder.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { remote } from 'webdriverio';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../..');

/** A free port on 127.0.0.1 (for the servers the tests start). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port, child, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`tauri-driver exited early with code ${child.exitCode}`);
    const open = await new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listened on port ${port} within ${timeoutMs} ms (tauri-driver or its WebKitWebDriver)`);
}

/**
 * Launches the app and returns { browser, dataDir, close }. `application` defaults to INVITE_DESK_APP
 * (the benchmark passes a wrapper that notes the launch time, then runs the app); `args` are given to
 * the app (a batch file to open).
 */
export async function launchApp(extraEnv = {}, application = process.env.INVITE_DESK_APP, args = []) {
  if (!application) throw new Error('set INVITE_DESK_APP to the path of the built invite-desk-app binary');
  // A new app would only hand over to one still running (single instance) and the session would
  // never open: say so at once instead.
  await waitUntilNoInstance();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'invite-desk-e2e-'));
  const port = await freePort();
  const nativePort = await freePort();
  const driverLog = [];
  const driver = spawn(
    'tauri-driver',
    ['--port', String(port), '--native-port', String(nativePort), '--native-driver', '/usr/bin/WebKitWebDriver'],
    {
      // The window-state file lives in the config folder: a throw-away one, so tests that resize the
      // window never change how the app opens for the person at this machine.
      env: { ...process.env, INVITE_DESK_DATA_DIR: dataDir, XDG_CONFIG_HOME: path.join(dataDir, 'config'), ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  driver.stdout.on('data', (d) => driverLog.push(String(d)));
  driver.stderr.on('data', (d) => driverLog.push(String(d)));
  let browser;
  try {
    await waitForPort(port, driver);
    // tauri-driver answers before the WebKitWebDriver it started listens; a session asked for in
    // between fails with "tcp connect error".
    await waitForPort(nativePort, driver);
    browser = await remote({
      hostname: '127.0.0.1',
      port,
      logLevel: 'warn',
      connectionRetryCount: 0,
      capabilities: {
        browserName: 'wry',
        'wdio:enforceWebDriverClassic': true,
        'tauri:options': { application, args },
      },
    });
  } catch (err) {
    driver.kill('SIGTERM');
    throw new Error(`${err.message}\n--- tauri-driver output ---\n${driverLog.join('')}`);
  }
  const close = async () => {
    try {
      await browser.deleteSession();
    } finally {
      driver.kill('SIGTERM');
      // The app is single-instance: the next test's app would only focus this one and exit while
      // it still holds its name on the session bus.
      await stopLeftoverInstance();
    }
  };
  return { browser, dataDir, close };
}

/** The name a running Invite Desk holds on the D-Bus session bus (tauri-plugin-single-instance). */
export const INSTANCE_NAME = 'app.invitedesk.desktop.SingleInstance';

/** Whether an Invite Desk is running in this session (its single-instance name is taken). */
export function instanceRunning() {
  const answer = spawnSync('dbus-send', [
    '--session',
    '--print-reply',
    '--dest=org.freedesktop.DBus',
    '/org/freedesktop/DBus',
    'org.freedesktop.DBus.NameHasOwner',
    `string:${INSTANCE_NAME}`,
  ]);
  return String(answer.stdout).includes('boolean true');
}

/** The pid of the process holding the single-instance name, or null. */
function instancePid() {
  const answer = spawnSync('dbus-send', [
    '--session',
    '--print-reply',
    '--dest=org.freedesktop.DBus',
    '/org/freedesktop/DBus',
    'org.freedesktop.DBus.GetConnectionUnixProcessID',
    `string:${INSTANCE_NAME}`,
  ]);
  const pid = /uint32 (\d+)/.exec(String(answer.stdout))?.[1];
  return pid ? Number(pid) : null;
}

/** Which process holds the single-instance name, with its children (for a failure's message). */
function instanceOwner() {
  const pid = instancePid();
  if (pid === null) return 'no owner found';
  const ps = spawnSync('ps', ['-o', 'pid,stat,etime,args', '--ppid', String(pid), '-p', String(pid)]);
  return `pid ${pid}\n${String(ps.stdout)}`;
}

/**
 * Waits for the app of a closed session to exit. WebKitWebDriver, killed with tauri-driver under
 * load before it handed the app its close, can leave the app running with nobody to close it (it
 * then held the bus name until the session ended, failing every later test): such an orphan is
 * stopped here, and said so on stderr.
 */
async function stopLeftoverInstance() {
  try {
    await waitUntilNoInstance();
    return;
  } catch (err) {
    const pid = instancePid();
    const command = pid === null ? '' : String(spawnSync('ps', ['-o', 'args=', '-p', String(pid)]).stdout);
    if (pid === null || !command.includes('invite-desk')) throw err;
    process.stderr.write(`warning: stopping an Invite Desk left running after its session closed: ${instanceOwner()}\n`);
    process.kill(pid, 'SIGTERM');
    try {
      await waitUntilNoInstance(5000);
    } catch {
      process.kill(pid, 'SIGKILL');
      await waitUntilNoInstance(5000);
    }
  }
}

async function waitUntilNoInstance(timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  while (instanceRunning()) {
    if (Date.now() > deadline) {
      throw new Error(`an Invite Desk still runs ${timeoutMs} ms after its session closed: ${instanceOwner()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Saves a screenshot (PNG): the README's (`forDocs`) into docs/screenshots only when
 * UPDATE_SCREENSHOTS=1 (a test run leaves the checkout as it found it), every other one into
 * E2E_SCREENSHOT_DIR or tests/e2e/artifacts. Waits two animation frames first, so the capture
 * shows the state just asserted rather than the frame before it.
 */
export async function saveScreenshot(browser, name, forDocs = false) {
  await browser.executeAsync((done) => requestAnimationFrame(() => requestAnimationFrame(() => done())));
  const dir = forDocs && process.env.UPDATE_SCREENSHOTS === '1'
    ? path.join(repoRoot, 'docs', 'screenshots')
    : process.env.E2E_SCREENSHOT_DIR || path.join(here, 'artifacts');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  writeFileSync(file, Buffer.from(await browser.takeScreenshot(), 'base64'));
  return file;
}

/** Types into a React-controlled field: select everything, then type over it. */
export async function typeInto(browser, element, text) {
  await element.click();
  await browser.keys(['Control', 'a']);
  await browser.keys('Backspace');
  await element.addValue(text);
}

/**
 * Pastes `text` into a code editor (CodeMirror) as the clipboard would, replacing its content.
 * Typed into a contenteditable through WebKitWebDriver, spaces arrive as no-break spaces and
 * repeated characters as one; a paste is how templates get there anyway.
 */
export async function pasteInto(browser, element, text) {
  await browser.execute(
    (el, value) => {
      el.focus();
      document.execCommand('selectAll');
      const data = new DataTransfer();
      data.setData('text/plain', value);
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    },
    element,
    text,
  );
}
