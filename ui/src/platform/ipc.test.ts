import { clearMocks, mockConvertFileSrc, mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { commands, toAppError } from './ipc';

describe('platform ipc', () => {
  afterEach(() => clearMocks());

  it('calls the app_info command and returns its result', async () => {
    const calls: string[] = [];
    mockIPC((cmd) => {
      calls.push(cmd);
      if (cmd === 'app_info') {
        return { name: 'Invite Desk', version: '0.1.0', data_dir: '/d', log_dir: '/d/logs' };
      }
      throw new Error(`unexpected command ${cmd}`);
    });
    await expect(commands.appInfo()).resolves.toEqual({
      name: 'Invite Desk',
      version: '0.1.0',
      data_dir: '/d',
      log_dir: '/d/logs',
    });
    expect(calls).toEqual(['app_info']);
  });

  it('passes a structured error from Rust through unchanged', async () => {
    mockIPC(() => {
      throw { code: 'not_found', message: 'no such batch' };
    });
    await expect(commands.appInfo()).rejects.toEqual({ code: 'not_found', message: 'no such batch' });
  });

  it('starts a run with its arguments and a channel, and hands channel messages on', async () => {
    let seen: Record<string, unknown> | undefined;
    mockIPC((cmd, args) => {
      if (cmd !== 'run_start') throw new Error(`unexpected command ${cmd}`);
      seen = args as Record<string, unknown>;
      return { batch_id: 'b-1', status: 'finished', outcomes: { invited: 1 }, elapsed_secs: 1, links_file: null, not_finished: 0, stopped_by: null, delivery: null };
    });
    const groups: unknown[] = [];
    const summary = await commands.startRun('Sandbox', { id: 'b-1' } as never, true, (events) => groups.push(events));
    expect(summary.status).toBe('finished');
    expect(seen).toMatchObject({ profile: 'Sandbox', batch: { id: 'b-1' }, confirmedProduction: true });
    const channel = seen?.onEvent as { onmessage: (events: unknown) => void };
    channel.onmessage([{ event: 'started' }]);
    expect(groups).toEqual([[{ event: 'started' }]]);
  });

  it('asks before acting on a production tenant, and calls again confirmed only after a yes', async () => {
    const seen: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd !== 'copy_link') throw new Error(`unexpected command ${cmd}`);
      const confirmed = (args as { confirmedProduction: boolean }).confirmedProduction;
      seen.push(confirmed);
      if (!confirmed) throw { code: 'needs_confirmation', message: '"prod" is a production tenant: confirm the new link first' };
      return { email: 'a@x.io', url: 'https://t/ticket=1', expires_at: 'later', batch_id: 'b-1' };
    });
    const confirm = vi.spyOn(window, 'confirm').mockReturnValueOnce(false);
    await expect(commands.copyLink('a@x.io')).rejects.toMatchObject({ code: 'needs_confirmation' });
    expect(seen).toEqual([false]);
    confirm.mockReturnValueOnce(true);
    await expect(commands.copyLink('a@x.io')).resolves.toMatchObject({ batch_id: 'b-1' });
    expect(seen).toEqual([false, false, true]);
    expect(confirm).toHaveBeenCalledWith(expect.stringContaining('production tenant'));
    confirm.mockRestore();
  });

  it('subscribes to dropped files with a channel and hands its messages on', async () => {
    let seen: Record<string, unknown> | undefined;
    mockIPC((cmd, args) => {
      if (cmd !== 'list_drops') throw new Error(`unexpected command ${cmd}`);
      seen = args as Record<string, unknown>;
      return null;
    });
    const heard: unknown[] = [];
    await commands.listDrops((message) => heard.push(message));
    const channel = seen?.onDrop as { onmessage: (message: unknown) => void };
    channel.onmessage({ kind: 'over' });
    expect(heard).toEqual([{ kind: 'over' }]);
  });

  it('addresses preview pages under the preview scheme, as each platform spells custom schemes', () => {
    mockConvertFileSrc('linux');
    expect(commands.previewPageUrl('p3')).toBe('invite-preview://localhost/p3');
    mockConvertFileSrc('windows');
    expect(commands.previewPageUrl('p3')).toBe('http://invite-preview.localhost/p3');
  });

  it('turns anything else into an internal error with a message', () => {
    expect(toAppError('command app_info not allowed')).toEqual({
      code: 'internal',
      message: 'command app_info not allowed',
    });
    expect(toAppError(new Error('boom'))).toEqual({ code: 'internal', message: 'boom' });
    expect(toAppError({ code: 'made_up', message: 'x' })).toEqual({ code: 'internal', message: 'x' });
    expect(toAppError(undefined)).toEqual({ code: 'internal', message: 'unknown failure' });
  });
});
