import { afterEach, describe, expect, it } from 'vitest';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { tauriBackend, toApiError } from './api';
import type { Progress } from './bindings';
import { channelSender } from '../test/ipc';
import { dashboard, progress } from '../test/fixtures';

afterEach(() => clearMocks());

describe('toApiError', () => {
  it('keeps a backend ApiError as is', () => {
    expect(toApiError({ code: 'source_failed', message: 'tracker down' })).toEqual({
      code: 'source_failed',
      message: 'tracker down',
    });
  });

  it('turns strings, Errors and junk into internal errors', () => {
    expect(toApiError('command not found')).toEqual({ code: 'internal', message: 'command not found' });
    expect(toApiError(new Error('boom'))).toEqual({ code: 'internal', message: 'boom' });
    expect(toApiError({ code: 'made_up', message: 'x' }).code).toBe('internal');
    expect(toApiError(undefined).code).toBe('internal');
  });
});

describe('tauriBackend speaks the Rust contract', () => {
  it('calls dashboard with the query as the request', async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      return dashboard();
    });
    await tauriBackend.dashboard({ from: '2025-06-01', to: '2025-06-02' });
    expect(calls).toEqual([['dashboard', { request: { from: '2025-06-01', to: '2025-06-02' } }]]);
  });

  it('streams progress from the onProgress channel of sync_now, open_demo_workspace and import_run', async () => {
    const mapping = { preset: 'clicks' as const, columns: [] };
    for (const [cmd, run] of [
      ['sync_now', (h: (p: Progress) => void) => tauriBackend.syncNow({ full: false }, h)],
      ['open_demo_workspace', (h: (p: Progress) => void) => tauriBackend.openDemoWorkspace({ scale: 'full' }, h)],
      ['import_run', (h: (p: Progress) => void) => tauriBackend.importRun({ path: '/d/c.csv', source: 'B', mapping }, h)],
    ] as const) {
      mockIPC((c, args) => {
        expect(c).toBe(cmd);
        const send = channelSender<Progress>((args as Record<string, unknown>).onProgress);
        send(progress({ steps_done: 1, bytes_done: 10, bytes_total: 100, rows_per_second: 5 }));
        send(progress({ steps_done: 2, bytes_done: 20, bytes_total: 100, rows_per_second: 5 }));
        return { streams: [], elapsed_ms: 5 };
      });
      const seen: [number, number | null][] = [];
      await run((p) => seen.push([p.steps_done, p.bytes_done]));
      expect(seen).toEqual([
        [1, 10],
        [2, 20],
      ]);
      clearMocks();
    }
  });

  it('rejects with an ApiError, including the session codes', async () => {
    for (const code of ['storage', 'unauthenticated', 'forbidden', 'conflict'] as const) {
      mockIPC(() => {
        throw { code, message: `${code} happened` };
      });
      await expect(tauriBackend.workspaceStatus()).rejects.toEqual({ code, message: `${code} happened` });
      clearMocks();
    }
  });

  it('passes a field-named invalid_input rejection through unchanged', async () => {
    mockIPC(() => {
      throw { code: 'invalid_input', message: 'Base URL: relative URL without a base' };
    });
    await expect(tauriBackend.testSource('x')).rejects.toEqual({
      code: 'invalid_input',
      message: 'Base URL: relative URL without a base',
    });
  });
});
