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
  it('calls dashboard with the query under the `query` key', async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      return dashboard();
    });
    await tauriBackend.dashboard({ from: '2025-06-01', to: '2025-06-02' });
    expect(calls).toEqual([['dashboard', { query: { from: '2025-06-01', to: '2025-06-02' } }]]);
  });

  it('streams progress from the onProgress channel of sync_now and open_demo_workspace', async () => {
    for (const [cmd, run] of [
      ['sync_now', tauriBackend.syncNow],
      ['open_demo_workspace', tauriBackend.openDemoWorkspace],
    ] as const) {
      mockIPC((c, args) => {
        expect(c).toBe(cmd);
        const send = channelSender<Progress>((args as Record<string, unknown>).onProgress);
        send(progress({ steps_done: 1 }));
        send(progress({ steps_done: 2 }));
        return { streams: [], elapsed_ms: 5 };
      });
      const seen: number[] = [];
      const summary = await run((p) => seen.push(p.steps_done));
      expect(summary.elapsed_ms).toBe(5);
      expect(seen).toEqual([1, 2]);
      clearMocks();
    }
  });

  it('rejects with an ApiError', async () => {
    mockIPC(() => {
      throw { code: 'storage', message: 'disk full' };
    });
    await expect(tauriBackend.workspaceStatus()).rejects.toEqual({ code: 'storage', message: 'disk full' });
  });
});

describe('tauriBackend speaks the sources and coverage contract', () => {
  // The argument keys must match the Rust command parameters exactly, or Tauri rejects the call.
  it.each([
    ['list_sources', () => tauriBackend.listSources(), undefined],
    [
      'save_source',
      () =>
        tauriBackend.saveSource({
          name: 'Tracker',
          kind: 'everflow',
          base_url: 'https://t.example',
          window_days: 30,
          page_size: 100,
          overlap_minutes: 0,
          enabled: true,
        }),
      {
        settings: {
          name: 'Tracker',
          kind: 'everflow',
          base_url: 'https://t.example',
          window_days: 30,
          page_size: 100,
          overlap_minutes: 0,
          enabled: true,
        },
      },
    ],
    ['test_source', () => tauriBackend.testSource('Tracker'), { name: 'Tracker' }],
    ['coverage', () => tauriBackend.coverage({ from: '2025-06-01', to: '2025-06-30' }), {
      query: { from: '2025-06-01', to: '2025-06-30' },
    }],
  ] as const)('%s', async (cmd, run, expectedArgs) => {
    const calls: [string, unknown][] = [];
    mockIPC((c, args) => {
      calls.push([c, args]);
      return {};
    });
    await run();
    expect(calls).toHaveLength(1);
    expect(calls[0][0]).toBe(cmd);
    if (expectedArgs === undefined) expect(calls[0][1] ?? {}).toEqual({});
    else expect(calls[0][1]).toEqual(expectedArgs);
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

describe('tauriBackend speaks the import, postback, detection and reconciliation contract', () => {
  const mapping = { preset: 'clicks' as const, columns: [{ column: 'aff', field: 'affiliate_id' }], date_format: 'dmy' };
  it.each([
    ['import_fields', () => tauriBackend.importFields('deposits'), { preset: 'deposits' }],
    ['import_preview', () => tauriBackend.importPreview('/d/c.csv', mapping), { path: '/d/c.csv', mapping }],
    ['import_runs', () => tauriBackend.importRuns(), undefined],
    [
      'import_quarantine',
      () => tauriBackend.importQuarantine({ runId: 7, field: null, reason: 'date', offset: 50, limit: 50 }),
      { runId: 7, field: null, reason: 'date', offset: 50, limit: 50 },
    ],
    ['import_quarantine_export', () => tauriBackend.importQuarantineExport(7, '/tmp/q.csv'), { runId: 7, path: '/tmp/q.csv' }],
    [
      'postback_log',
      () => tauriBackend.postbackLog({ source: 'v', outcome: 'rejected', text: 'cid', page: 2, page_size: 50 }),
      { filter: { source: 'v', outcome: 'rejected', text: 'cid', page: 2, page_size: 50 } },
    ],
    ['postback_sources', () => tauriBackend.postbackSources(), undefined],
    ['detect_run', () => tauriBackend.detectRun(), { program: null }],
    ['detect_run', () => tauriBackend.detectRun('Demo Broker'), { program: 'Demo Broker' }],
    [
      'detect_backtest',
      () => tauriBackend.detectBacktest({ rule: 'click_flooding', settings: ['min_clicks=50'] }),
      { request: { rule: 'click_flooding', settings: ['min_clicks=50'] }, program: null },
    ],
    ['flags_list', () => tauriBackend.flagsList({ status: 'open' }), { filter: { status: 'open' }, program: null }],
    [
      'flags_list',
      () => tauriBackend.flagsList({}, 'Demo Broker'),
      { filter: {}, program: 'Demo Broker' },
    ],
    [
      'flag_decide',
      () => tauriBackend.flagDecide({ flag_id: 3, decision: 'dismiss', user: 'ana', comment: 'ok' }),
      { input: { flag_id: 3, decision: 'dismiss', user: 'ana', comment: 'ok' } },
    ],
    ['flag_investigate', () => tauriBackend.flagInvestigate(3), { flagId: 3 }],
    ['reconcile_period', () => tauriBackend.reconcile({ period: '2026-10' }), { query: { period: '2026-10' }, program: null }],
    ['list_programs', () => tauriBackend.listPrograms(), undefined],
    [
      'reconcile_export_csv',
      () => tauriBackend.reconcileExportCsv({ period: '2026-10' }, '/tmp/r.csv'),
      { query: { period: '2026-10' }, path: '/tmp/r.csv', program: null },
    ],
    ['dispute_open', () => tauriBackend.disputeOpen({ discrepancy_id: 4, user: 'ana' }), { input: { discrepancy_id: 4, user: 'ana' } }],
    ['dashboard_alerts', () => tauriBackend.dashboardAlerts(), undefined],
    ['postback_listener_status', () => tauriBackend.listenerStatus(), undefined],
    ['postback_listener_start', () => tauriBackend.listenerStart(0), { port: 0 }],
    ['postback_listener_stop', () => tauriBackend.listenerStop(), undefined],
    [
      'postback_save_source',
      () =>
        tauriBackend.savePostbackSource(
          {
            name: 'v',
            program: '',
            dialect: 'voluum',
            allow_ips: ['203.0.113.0/24'],
            allow_any_ip: false,
            hmac_required: true,
            default_currency: 'EUR',
          },
          { token: 't', clear_previous: false },
        ),
      {
        config: {
          name: 'v',
          program: '',
          dialect: 'voluum',
          allow_ips: ['203.0.113.0/24'],
          allow_any_ip: false,
          hmac_required: true,
          default_currency: 'EUR',
        },
        secrets: { token: 't', clear_previous: false },
      },
    ],
  ] as const)('%s', async (cmd, run, expectedArgs) => {
    const calls: [string, unknown][] = [];
    mockIPC((c, args) => {
      calls.push([c, args]);
      return [];
    });
    await run();
    expect(calls).toHaveLength(1);
    expect(calls[0][0]).toBe(cmd);
    if (expectedArgs === undefined) expect(calls[0][1] ?? {}).toEqual({});
    else expect(calls[0][1]).toEqual(expectedArgs);
  });

  it('import_run sends path, source, mapping and a progress channel', async () => {
    mockIPC((c, args) => {
      expect(c).toBe('import_run');
      const a = args as Record<string, unknown>;
      expect(Object.keys(a).sort()).toEqual(['mapping', 'onProgress', 'path', 'source']);
      expect([a.path, a.source, a.mapping]).toEqual(['/d/c.csv', 'Batch import', mapping]);
      const send = channelSender<Progress>(a.onProgress);
      send(progress({ done: 10, message: '10.0% of 100 bytes, 5 rows/s' }));
      send(progress({ done: 20, message: '20.0% of 100 bytes, 5 rows/s' }));
      return { id: 1 };
    });
    const seen: number[] = [];
    const summary = await tauriBackend.importRun('/d/c.csv', 'Batch import', mapping, (p) => seen.push(p.done));
    expect(summary.id).toBe(1);
    expect(seen).toEqual([10, 20]);
  });
});
