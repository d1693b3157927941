// The app's flows through the real Tauri backend module with mocked IPC (mockIPC), and with a fake Backend.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import App from './App.svelte';
import type { Backend } from './lib/api';
import type { Progress, SyncSummary } from './lib/bindings';
import { channelSender, deferred } from './test/ipc';
import { fakeBackend, SUMMARY } from './test/backend';
import { dashboard, progress, status } from './test/fixtures';

afterEach(() => clearMocks());


describe('first run through mocked IPC', () => {
  it('welcome → open demo → live progress → dashboard with rows', async () => {
    const user = userEvent.setup();
    const demo = deferred<SyncSummary>();
    let send: ((p: Progress) => void) | undefined;
    const calls: string[] = [];
    mockIPC((cmd, args) => {
      calls.push(cmd);
      switch (cmd) {
        case 'workspace_status':
          return status(false);
        case 'open_demo_workspace':
          send = channelSender<Progress>((args as Record<string, unknown>).onProgress);
          return demo.promise;
        case 'dashboard':
          expect(args).toEqual({ query: {} });
          return dashboard();
        default:
          throw { code: 'internal', message: `unexpected ${cmd}` };
      }
    });

    render(App);
    const open = await screen.findByTestId('open-demo');
    expect(open).toHaveFocus();
    expect(screen.getByTestId('data-dir')).toHaveTextContent('/tmp/affops-test/data');

    await user.keyboard('{Enter}'); // autofocused, so Enter starts the demo
    const bar = await screen.findByTestId('sync-progress');
    expect(bar).not.toHaveAttribute('value'); // indeterminate until the first message

    send!(progress({ step: 'everflow/conversions', done: 1500, total: 4000, steps_done: 2, steps_total: 5 }));
    await waitFor(() => expect(screen.getByTestId('sync-progress')).toHaveAttribute('value', '2'));
    expect(screen.getByTestId('sync-progress')).toHaveAttribute('max', '5');
    expect(screen.getByTestId('sync-step')).toHaveTextContent('everflow/conversions');
    expect(screen.getByText('1,500 of 4,000 rows')).toBeInTheDocument();
    expect(screen.queryByTestId('dashboard')).toBeNull();

    demo.resolve(SUMMARY);
    const dash = await screen.findByTestId('dashboard');
    expect(within(dash).getAllByTestId('affiliate-row')).toHaveLength(3);
    expect(screen.queryByTestId('sync-progress')).toBeNull();
    expect(calls).toEqual(['workspace_status', 'open_demo_workspace', 'dashboard']);
  });

  it('goes straight to the dashboard when the workspace has data', async () => {
    mockIPC((cmd) => (cmd === 'workspace_status' ? status(true) : dashboard()));
    render(App);
    expect(await screen.findByTestId('dashboard')).toBeInTheDocument();
    expect(screen.getByTestId('program')).toHaveTextContent('Lucky Casino EU');
    expect(screen.queryByTestId('open-demo')).toBeNull();
  });
});

describe('errors', () => {
  it('a failed source shows its message and Retry re-runs the same sync', async () => {
    const user = userEvent.setup();
    let attempts = 0;
    const backend = fakeBackend({
      workspaceStatus: async () => status(false),
      openDemoWorkspace: vi.fn(async () => {
        attempts += 1;
        if (attempts === 1) throw { code: 'source_failed', message: 'tracker returned HTTP 503' };
        return SUMMARY;
      }),
    });
    render(App, { backend });
    await user.click(await screen.findByTestId('open-demo'));

    const banner = await screen.findByTestId('error-banner');
    expect(banner).toHaveTextContent('tracker returned HTTP 503');
    expect(screen.getByTestId('open-demo')).toBeInTheDocument(); // still usable

    await user.click(within(banner).getByTestId('retry'));
    expect(await screen.findByTestId('dashboard')).toBeInTheDocument();
    expect(backend.openDemoWorkspace).toHaveBeenCalledTimes(2);
    expect(screen.queryByTestId('error-banner')).toBeNull();
  });

  it('a failed "Sync now" keeps the dashboard and retries sync_now', async () => {
    const user = userEvent.setup();
    const syncNow = vi
      .fn<Backend['syncNow']>()
      .mockRejectedValueOnce({ code: 'source_failed', message: 'operator API timed out' })
      .mockResolvedValueOnce(SUMMARY);
    const backend = fakeBackend({ syncNow });
    render(App, { backend });
    await user.click(await screen.findByTestId('sync-now'));
    expect(await screen.findByTestId('error-banner')).toHaveTextContent('operator API timed out');
    expect(screen.getByTestId('dashboard')).toBeInTheDocument();

    await user.click(screen.getByTestId('retry'));
    await waitFor(() => expect(screen.queryByTestId('error-banner')).toBeNull());
    expect(syncNow).toHaveBeenCalledTimes(2);
    expect(backend.queries).toHaveLength(2); // initial load + reload after the successful sync
  });

  it('other errors show the message without Retry, and can be dismissed', async () => {
    const user = userEvent.setup();
    const backend = fakeBackend({
      dashboard: async () => {
        throw { code: 'invalid_input', message: 'period too long' };
      },
    });
    render(App, { backend });
    const banner = await screen.findByTestId('error-banner');
    expect(banner).toHaveTextContent('period too long');
    expect(within(banner).queryByTestId('retry')).toBeNull();
    await user.click(within(banner).getByRole('button', { name: 'Dismiss error' }));
    expect(screen.queryByTestId('error-banner')).toBeNull();
  });
});

describe('dashboard interactions through App', () => {
  it('Sync now shows progress while the dashboard stays on screen', async () => {
    const user = userEvent.setup();
    const sync = deferred<SyncSummary>();
    let report: ((p: Progress) => void) | undefined;
    const backend = fakeBackend({
      syncNow: (onProgress) => {
        report = onProgress;
        return sync.promise;
      },
    });
    render(App, { backend });
    await user.click(await screen.findByTestId('sync-now'));
    expect(screen.getByTestId('sync-now')).toBeDisabled();
    report!(progress({ steps_done: 4, steps_total: 5, total: null, done: 77 }));
    await waitFor(() => expect(screen.getByTestId('sync-progress')).toHaveAttribute('value', '4'));
    expect(screen.getByText('77 rows')).toBeInTheDocument();
    expect(screen.getAllByTestId('affiliate-row')).toHaveLength(3); // not blocked

    sync.resolve(SUMMARY);
    await waitFor(() => expect(screen.queryByTestId('sync-progress')).toBeNull());
    expect(screen.getByTestId('sync-now')).toBeEnabled();
  });

  it('applies a valid period with Enter and refuses from > to', async () => {
    const user = userEvent.setup();
    const backend = fakeBackend();
    render(App, { backend });
    await screen.findByTestId('dashboard');

    const from = screen.getByTestId('period-from') as HTMLInputElement;
    const to = screen.getByTestId('period-to') as HTMLInputElement;
    expect(from.value).toBe('2025-06-01');

    await user.clear(from);
    await user.type(from, '2025-07-10');
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    expect(screen.getByTestId('period-error')).toHaveTextContent('after the end date');
    expect(backend.queries).toEqual([{}]);

    await user.clear(from);
    await user.type(from, '2025-06-10{Enter}');
    await waitFor(() => expect(backend.queries).toEqual([{}, { from: '2025-06-10', to: '2025-06-30' }]));
    expect(screen.queryByTestId('period-error')).toBeNull();
    expect(screen.getByTestId('period')).toHaveTextContent('2025-06-10 – 2025-06-30');
    expect(to.value).toBe('2025-06-30');
  });
});
