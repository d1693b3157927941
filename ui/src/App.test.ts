// The app's flows through the real Tauri backend module with mocked IPC (mockIPC), and with a fake Backend:
// first run (welcome → demo → sign-in → dashboard), errors, the dashboard, navigation and syncing. The session
// itself (sign-in, create workspace, locks, permissions) is in Session.test.ts.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import App from './App.svelte';
import type { Backend } from './lib/api';
import type { Progress, SessionStatus, SyncSummary } from './lib/bindings';
import { channelSender, deferred } from './test/ipc';
import { fakeBackend, PROGRAMS, SUMMARY } from './test/backend';
import { dashboard, flagRow, progress, sourcesOverview, status } from './test/fixtures';
import { DEMO_PEOPLE, EMPTY_WORKSPACE, person, session } from './test/people';

afterEach(() => clearMocks());

describe('first run through mocked IPC', () => {
  it('welcome → open demo → live progress → sign-in lists the demo people → one click and Enter → dashboard', async () => {
    const user = userEvent.setup();
    const demo = deferred<SyncSummary>();
    const ana = person('ana', ['analyst'], { display_name: 'Ana Analyst' });
    let send: ((p: Progress) => void) | undefined;
    let current: SessionStatus = EMPTY_WORKSPACE;
    const calls: string[] = [];
    mockIPC((cmd, args) => {
      calls.push(cmd);
      switch (cmd) {
        case 'session_status':
          return current;
        case 'open_demo_workspace':
          send = channelSender<Progress>((args as Record<string, unknown>).onProgress);
          return demo.promise.then((summary) => {
            current = session(null, { demo_people: DEMO_PEOPLE }); // the demo created its people; nobody signed in
            return summary;
          });
        case 'sign_in':
          expect(args).toEqual({ request: { name: 'ana', passphrase: 'ana-demo-pass' } });
          current = session(ana, { demo_people: DEMO_PEOPLE });
          return current;
        case 'workspace_status':
          return status(true);
        case 'list_programs':
          return PROGRAMS;
        case 'select_program':
          // The session's program: the workspace's default until the person picks another.
          expect(args).toEqual({ request: 'Lucky Casino EU' });
          return PROGRAMS[0];
        case 'dashboard':
          expect(args).toEqual({ request: {} }); // no program: the session holds it
          return dashboard();
        case 'dashboard_alerts':
          return [];
        case 'disputes_list':
          expect(args).toEqual({ request: { overdue: false, limit: 0 } }); // no case: the core counts them per affiliate
          return { rows: [], total: 0, offset: 0, open: 0, overdue: 0, sla: '14 days', affiliates: [], reasons: [], owners: [] };
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
    const people = await screen.findByTestId('demo-people');
    expect(screen.getByTestId('signin')).toBeInTheDocument();
    expect(screen.queryByTestId('sync-progress')).toBeNull();
    const anaRow = within(people)
      .getAllByTestId('demo-person')
      .find((r) => r.dataset.name === 'ana')!;
    expect(anaRow).toHaveTextContent('Analyst');
    expect(anaRow).toHaveTextContent('ana-demo-pass');
    await user.click(within(anaRow).getByTestId('demo-person-fill'));
    expect(screen.getByTestId('signin-submit')).toHaveFocus();
    await user.keyboard('{Enter}');

    const dash = await screen.findByTestId('dashboard');
    expect(within(dash).getAllByTestId('affiliate-row')).toHaveLength(3);
    expect(screen.getByTestId('who-name')).toHaveTextContent('Ana Analyst');
    expect(calls).toEqual([
      'session_status',
      'open_demo_workspace',
      'session_status',
      'sign_in',
      'workspace_status',
      'list_programs',
      'select_program',
      'dashboard',
      'dashboard_alerts',
      'disputes_list',
    ]);
  });

  it('goes straight to the dashboard when someone is signed in and the workspace has data', async () => {
    mockIPC((cmd) =>
      cmd === 'session_status'
        ? session(person('max', ['manager']))
        : cmd === 'workspace_status'
          ? status(true)
          : cmd === 'list_programs'
            ? PROGRAMS
            : cmd === 'select_program'
              ? PROGRAMS[0]
              : cmd === 'dashboard_alerts'
                ? []
                : cmd === 'disputes_list'
                  ? { rows: [], total: 0, offset: 0, open: 0, overdue: 0, sla: '14 days', affiliates: [], reasons: [], owners: [] }
                  : dashboard(),
    );
    render(App);
    expect(await screen.findByTestId('dashboard')).toBeInTheDocument();
    expect(screen.getByTestId('program')).toHaveTextContent('Lucky Casino EU');
    expect(screen.queryByTestId('open-demo')).toBeNull();
    expect(screen.queryByTestId('signin')).toBeNull();
  });
});

describe('errors', () => {
  it('a failed source shows its message and Retry re-runs the same sync', async () => {
    const user = userEvent.setup();
    let attempts = 0;
    const backend = fakeBackend({
      sessionStatus: vi
        .fn<Backend['sessionStatus']>()
        .mockResolvedValueOnce(EMPTY_WORKSPACE)
        .mockResolvedValue(session(null, { demo_people: DEMO_PEOPLE })),
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
    expect(await screen.findByTestId('demo-people')).toBeInTheDocument(); // the demo's people sign in next
    expect(backend.openDemoWorkspace).toHaveBeenCalledTimes(2);
    expect(screen.queryByTestId('error-banner')).toBeNull();
  });

  it('the full-scale demo is asked for when ticked, and Retry asks for the same scale', async () => {
    const user = userEvent.setup();
    let attempts = 0;
    const backend = fakeBackend({
      sessionStatus: vi
        .fn<Backend['sessionStatus']>()
        .mockResolvedValueOnce(EMPTY_WORKSPACE)
        .mockResolvedValue(session(null, { demo_people: DEMO_PEOPLE })),
      openDemoWorkspace: vi.fn(async () => {
        attempts += 1;
        if (attempts === 1) throw { code: 'source_failed', message: 'tracker returned HTTP 503' };
        return SUMMARY;
      }),
    });
    render(App, { backend });
    await user.click(await screen.findByTestId('demo-full-scale'));
    await user.click(screen.getByTestId('open-demo'));
    await user.click(within(await screen.findByTestId('error-banner')).getByTestId('retry'));
    expect(await screen.findByTestId('demo-people')).toBeInTheDocument();
    expect(vi.mocked(backend.openDemoWorkspace).mock.calls.map((c) => c[0])).toEqual([{ scale: 'full' }, { scale: 'full' }]);
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
  it("an affiliate's open flags on the dashboard open Flagged traffic filtered to it; leaving drops the filter", async () => {
    const user = userEvent.setup();
    const flags = [flagRow(1, { affiliate_id: 'aff-1' }), flagRow(2, { affiliate_id: 'aff-2' })];
    const backend = fakeBackend(
      {
        dashboardAlerts: vi.fn(async () => [
          {
            program: 'Lucky Casino EU',
            affiliate_id: 'aff-1',
            affiliate_name: 'Alpha',
            open_flags: 2,
            high_flags: 0,
            highest_severity: 'medium',
            unreconciled: '0.00',
            currency: 'EUR',
          },
        ]),
      },
      { flags },
    );
    render(App, { backend });
    await user.click(await screen.findByTestId('open-flags'));
    await screen.findByTestId('flag-table');
    expect(screen.getAllByTestId('flag-row').map((r) => r.dataset.flagId)).toEqual(['1']);
    expect(screen.getByTestId('flag-filter-affiliate')).toHaveTextContent('aff-1');
    await user.keyboard('{Alt>}1{/Alt}'); // back to the dashboard, then to the flags through the nav
    await screen.findByTestId('dashboard');
    await user.keyboard('{Alt>}9{/Alt}');
    await screen.findByTestId('group-table'); // the whole queue opens grouped, unfiltered
    expect(screen.getAllByTestId('group-row')).toHaveLength(2);
    expect(backend.flagsGroups).toHaveBeenLastCalledWith({ status: 'open' });
  });

  it('Sync now shows progress while the dashboard stays on screen', async () => {
    const user = userEvent.setup();
    const sync = deferred<SyncSummary>();
    let report: ((p: Progress) => void) | undefined;
    const backend = fakeBackend({
      syncNow: (_request, onProgress) => {
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

describe('navigation', () => {
  it('the sidebar switches screens and marks the current one with aria-current', async () => {
    const user = userEvent.setup();
    const backend = fakeBackend();
    render(App, { backend });
    await screen.findByTestId('dashboard');
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(within(nav).getByTestId('nav-dashboard')).toHaveAttribute('aria-current', 'page');
    expect(within(nav).getByTestId('nav-sources')).not.toHaveAttribute('aria-current');

    await user.click(screen.getByTestId('nav-sources'));
    expect(await screen.findByTestId('sources')).toBeInTheDocument();
    expect(screen.queryByTestId('dashboard')).toBeNull();
    expect(screen.getByTestId('nav-sources')).toHaveAttribute('aria-current', 'page');
    expect(screen.getByTestId('nav-dashboard')).not.toHaveAttribute('aria-current');
    await screen.findByTestId('sources-table');

    await user.click(screen.getByTestId('nav-coverage'));
    expect(await screen.findByTestId('coverage')).toBeInTheDocument();
    expect(screen.getByTestId('nav-coverage')).toHaveAttribute('aria-current', 'page');
    await screen.findByTestId('coverage-table');
    expect(backend.coverage).toHaveBeenCalledWith({}); // the dashboard's period (the default)

    // Keyboard: Tab reaches the nav buttons, Enter activates; Alt+1 jumps back to the dashboard.
    screen.getByTestId('nav-sources').focus();
    await user.keyboard('{Enter}');
    expect(await screen.findByTestId('sources')).toBeInTheDocument();
    await user.keyboard('{Alt>}1{/Alt}');
    expect(await screen.findByTestId('dashboard')).toBeInTheDocument();
    expect(screen.getByTestId('nav-dashboard')).toHaveAttribute('aria-current', 'page');
  });

  it('reaches the Import and Postbacks screens from the sidebar and with Alt+4 / Alt+5', async () => {
    const user = userEvent.setup();
    const backend = fakeBackend();
    render(App, { backend });
    await screen.findByTestId('dashboard');

    await user.click(screen.getByTestId('nav-import'));
    expect(await screen.findByTestId('import')).toBeInTheDocument();
    expect(screen.getByTestId('nav-import')).toHaveAttribute('aria-current', 'page');
    expect(await screen.findByTestId('import-runs-empty')).toBeInTheDocument();
    expect(backend.importFields).toHaveBeenCalledWith('clicks');

    await user.click(screen.getByTestId('nav-postbacks'));
    expect(await screen.findByTestId('postbacks')).toBeInTheDocument();
    expect(screen.queryByTestId('import')).toBeNull();
    expect(await screen.findByTestId('postbacks-empty')).toHaveTextContent('affops-cli serve-postbacks');
    expect(backend.postbackLog).toHaveBeenCalledWith({ page: 1, page_size: 50 });

    await user.keyboard('{Alt>}4{/Alt}');
    expect(await screen.findByTestId('import')).toBeInTheDocument();
    await user.keyboard('{Alt>}5{/Alt}');
    expect(await screen.findByTestId('postbacks')).toBeInTheDocument();
  });

  it('reaches the Plans and Statements screens from the sidebar and with Alt+7 / Alt+8', async () => {
    const user = userEvent.setup();
    const backend = fakeBackend();
    render(App, { backend, today: '2026-03-20' });
    await screen.findByTestId('dashboard');

    await user.click(screen.getByTestId('nav-plans'));
    expect(await screen.findByTestId('plan-table')).toBeInTheDocument();
    expect(screen.getByTestId('nav-plans')).toHaveAttribute('aria-current', 'page');

    await user.keyboard('{Alt>}8{/Alt}');
    expect(await screen.findByTestId('periods-empty')).toHaveTextContent('compute the current month');
    expect(screen.getByTestId('compute-current')).toHaveTextContent('Compute 2026-03');
    await user.keyboard('{Alt>}7{/Alt}');
    expect(await screen.findByTestId('plans')).toBeInTheDocument();
  });

  it('reaches Payouts from the sidebar: its runs, then its Payees tab', async () => {
    const user = userEvent.setup();
    const backend = fakeBackend();
    render(App, { backend, today: '2026-12-04' });
    await screen.findByTestId('dashboard');
    await user.click(screen.getByTestId('nav-payouts'));
    expect(await screen.findByTestId('payouts')).toBeInTheDocument();
    expect(screen.getByTestId('nav-payouts')).toHaveAttribute('aria-current', 'page');
    expect(backend.payoutsOverview).toHaveBeenCalledTimes(1);
    expect(await screen.findByTestId('runs-table')).toBeInTheDocument();
    expect(screen.getByTestId('prepare-no-closed')).toBeInTheDocument(); // the fake has no period
    await user.click(screen.getByTestId('tab-payees'));
    expect(await screen.findByTestId('payees')).toBeInTheDocument();
    expect(backend.payees).toHaveBeenCalledTimes(1);
  });

  it('coverage opens on the period chosen on the dashboard', async () => {
    const user = userEvent.setup();
    const backend = fakeBackend();
    render(App, { backend });
    await screen.findByTestId('dashboard');
    const from = screen.getByTestId('period-from');
    await user.clear(from);
    await user.type(from, '2025-06-10{Enter}');
    await waitFor(() => expect(screen.getByTestId('period')).toHaveTextContent('2025-06-10'));
    await user.click(screen.getByTestId('nav-coverage'));
    await screen.findByTestId('coverage-table');
    expect(backend.coverage).toHaveBeenCalledWith({ from: '2025-06-10', to: '2025-06-30' });
  });

  it('the welcome screen has no sidebar', async () => {
    render(App, { backend: fakeBackend({ sessionStatus: async () => EMPTY_WORKSPACE }) });
    await screen.findByTestId('open-demo');
    expect(screen.queryByTestId('nav-sources')).toBeNull();
  });
});

describe('Sync now on the Sources screen', () => {
  it('shows progress, then re-reads the list with the new freshness', async () => {
    const user = userEvent.setup();
    const sync = deferred<SyncSummary>();
    let report: ((p: Progress) => void) | undefined;
    const failed = sourcesOverview();
    const fixed = sourcesOverview({
      sources: failed.sources.map((s) => ({
        ...s,
        freshness: { ...s.freshness, last_status: 'ok', last_success_at_ms: Date.now(), last_message: '99 rows' },
      })),
    });
    const listSources = vi.fn<Backend['listSources']>().mockResolvedValueOnce(failed).mockResolvedValue(fixed);
    const backend = fakeBackend({
      listSources,
      syncNow: (_request, onProgress) => {
        report = onProgress;
        return sync.promise;
      },
    });
    render(App, { backend });
    await user.click(await screen.findByTestId('nav-sources'));
    await screen.findByTestId('sources-table');
    const operatorChip = () =>
      within(
        screen.getAllByTestId('source-row').find((r) => r.dataset.sourceName === 'Demo operator')!,
      ).getByTestId('freshness-chip');
    expect(operatorChip()).toHaveAttribute('data-status', 'failed');

    await user.click(screen.getByTestId('sync-now'));
    expect(screen.getByTestId('sync-now')).toBeDisabled();
    expect(screen.getByTestId('sync-progress')).toBeInTheDocument();
    report!(progress({ step: 'Demo operator/players', steps_done: 3, steps_total: 4 }));
    await waitFor(() => expect(screen.getByTestId('sync-progress')).toHaveAttribute('value', '3'));
    expect(screen.getByTestId('sync-step')).toHaveTextContent('Demo operator/players');
    expect(listSources).toHaveBeenCalledTimes(1);

    sync.resolve(SUMMARY);
    await waitFor(() => expect(screen.queryByTestId('sync-progress')).toBeNull());
    await waitFor(() => expect(operatorChip()).toHaveAttribute('data-status', 'ok'));
    expect(listSources).toHaveBeenCalledTimes(2);
    expect(screen.getAllByTestId('source-message').map((m) => m.textContent?.trim())).toEqual([
      '99 rows',
      '99 rows',
    ]);
    expect(screen.getByTestId('sources')).toBeInTheDocument(); // still on Sources
  });

  it('a failed sync still re-reads the list, so the failure shows per source', async () => {
    const user = userEvent.setup();
    const backend = fakeBackend({
      syncNow: async () => {
        throw { code: 'source_failed', message: 'Demo operator/players: page 1: timed out' };
      },
    });
    render(App, { backend });
    await user.click(await screen.findByTestId('nav-sources'));
    await screen.findByTestId('sources-table');
    await user.click(screen.getByTestId('sync-now'));
    expect(await screen.findByTestId('error-banner')).toHaveTextContent('timed out');
    await waitFor(() => expect(backend.listSources).toHaveBeenCalledTimes(2));
  });
});
