// The post-login Action shipped in docs/: what it writes back, and that it leaves everyone else alone.
// Run by scripts/test.sh with Node's own test runner (`node --test`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const action = require('../docs/auth0-action-invitation-status.js');

async function signIn(appMetadata, timestamp = Date.parse('2026-12-02T09:30:00Z')) {
  const writes = [];
  const api = { user: { setAppMetadata: (name, value) => writes.push([name, value]) } };
  await action.onExecutePostLogin({ user: { app_metadata: appMetadata }, request: { timestamp } }, api);
  return writes;
}

test('an invited user is marked accepted at their first sign-in, batch kept', async () => {
  const writes = await signIn({
    plan: 'gold',
    invitation: { status: 'invited', batch_id: 'b-20261201-1', at: '2026-12-01T10:00:00.000Z' },
  });
  assert.deepEqual(writes, [
    ['invitation', { status: 'accepted', batch_id: 'b-20261201-1', at: '2026-12-02T09:30:00.000Z' }],
  ]);
});

test('everyone else is left alone', async () => {
  for (const metadata of [
    undefined,
    {},
    { invitation: null },
    { invitation: 'invited' },
    { invitation: { status: 'accepted', batch_id: 'b-1', at: '2026-12-01T10:00:00.000Z' } },
    { invitation: { status: 'granted', batch_id: 'b-1', at: '2026-12-01T10:00:00.000Z' } },
  ]) {
    assert.deepEqual(await signIn(metadata), [], JSON.stringify(metadata));
  }
});
