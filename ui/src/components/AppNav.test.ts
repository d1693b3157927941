// The sidebar: the program switcher (what it shows, keyboard-operable), who is signed in with Lock and Switch
// user; and — through App with a fake backend — that the chosen program becomes the session's (`selectProgram`)
// before the screens re-read, that the choice is remembered and chosen again after the next sign-in, and that
// screens not meant for a Forex program say so.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import App from '../App.svelte';
import AppNav from './AppNav.svelte';
import { fakeBackend, PROGRAMS } from '../test/backend';
import { periodView, statement } from '../test/commission';
import { PROGRAM_STORAGE_KEY } from '../lib/programs';
import { person } from '../test/people';
import { RECON_PAGE } from '../lib/flags';

const BROKER = 'Demo Broker';

beforeEach(() => sessionStorage.clear());
afterEach(() => sessionStorage.clear());

describe('AppNav program switcher', () => {
  it('lists every program with its vertical and currency, and marks the chosen one', () => {
    render(AppNav, { current: 'dashboard', program: BROKER, programs: PROGRAMS, onnavigate: () => {} });
    const select = screen.getByRole('combobox', { name: 'Program' });
    expect(select).toHaveValue(BROKER);
    const options = within(select).getAllByRole('option').map((o) => o.textContent);
    expect(options).toEqual(['Lucky Casino EU · iGaming · EUR', 'Demo Broker · Forex · USD']);
    expect(screen.getByTestId('nav-program-vertical')).toHaveTextContent('Forex');
    expect(screen.getByTestId('nav-program-currency')).toHaveTextContent('USD');
  });

  it('is operated from the keyboard', async () => {
    const user = userEvent.setup();
    const onprogram = vi.fn();
    render(AppNav, { current: 'dashboard', program: 'Lucky Casino EU', programs: PROGRAMS, onnavigate: () => {}, onprogram });
    await user.tab();
    expect(screen.getByTestId('program-switch')).toHaveFocus();
    await user.selectOptions(screen.getByTestId('program-switch'), BROKER);
    expect(onprogram).toHaveBeenCalledWith(BROKER);
  });

  it('shows who is signed in, with their roles, and Lock and Switch user', async () => {
    const user = userEvent.setup();
    const onlock = vi.fn();
    const onswitchuser = vi.fn();
    const ana = person('ana', ['analyst', 'finance'], { display_name: 'Ana Analyst' });
    render(AppNav, { current: 'dashboard', program: BROKER, programs: PROGRAMS, person: ana, onnavigate: () => {}, onlock, onswitchuser });
    expect(screen.getByTestId('who-name')).toHaveTextContent('Ana Analyst');
    expect(screen.getByTestId('who-roles')).toHaveTextContent('Analyst, Finance');
    await user.click(screen.getByTestId('lock'));
    await user.click(screen.getByTestId('switch-user'));
    expect(onlock).toHaveBeenCalledTimes(1);
    expect(onswitchuser).toHaveBeenCalledTimes(1);
    // The workspace's own screens are listed too, without a digit shortcut.
    expect(screen.getByTestId('nav-programs')).toHaveTextContent('Programs');
    expect(screen.getByTestId('nav-programs')).not.toHaveAttribute('aria-keyshortcuts');
    expect(screen.getByTestId('nav-people')).not.toHaveAttribute('aria-keyshortcuts');
    expect(screen.getByTestId('nav-audit')).toHaveTextContent('Audit log');
    expect(screen.getByTestId('nav-settings')).toBeInTheDocument();
  });

  it('with one program shows its name and no choice', () => {
    render(AppNav, { current: 'dashboard', program: 'Lucky Casino EU', programs: PROGRAMS.slice(0, 1), onnavigate: () => {} });
    expect(screen.queryByTestId('program-switch')).toBeNull();
    expect(screen.getByTestId('nav-program-name')).toHaveTextContent('Lucky Casino EU');
    expect(screen.getByTestId('nav-program-vertical')).toHaveTextContent('iGaming');
  });
});

describe('the chosen program through App', () => {
  it('selects the broker for the session, then re-reads the dashboard and shows its trading', async () => {
    const user = userEvent.setup();
    const backend = fakeBackend();
    render(App, { backend });
    await screen.findByTestId('dashboard');
    expect(backend.selectProgram).toHaveBeenCalledWith('Lucky Casino EU'); // the default, chosen after sign-in
    expect(screen.getByTestId('kpi-ftds')).toBeInTheDocument();

    await user.selectOptions(screen.getByTestId('program-switch'), BROKER);
    await waitFor(() => expect(screen.getByTestId('program')).toHaveTextContent(BROKER));
    expect(backend.selectProgram).toHaveBeenLastCalledWith(BROKER);
    expect(backend.queries.at(-1)).toEqual({}); // its own data range, not the casino's period
    const selected = vi.mocked(backend.selectProgram).mock.invocationCallOrder.at(-1)!;
    expect(vi.mocked(backend.dashboard).mock.invocationCallOrder.at(-1)!).toBeGreaterThan(selected);
    expect(screen.queryByTestId('kpi-ftds')).toBeNull();
    expect(screen.getByTestId('kpi-lots')).toHaveTextContent('12.50');
    expect(screen.getAllByTestId('trading-row')).toHaveLength(2);
    expect(screen.getByTestId('forex-note')).toBeInTheDocument();
    expect(sessionStorage.getItem(PROGRAM_STORAGE_KEY)).toBe(BROKER);
  });

  it('no command carries the program: screens re-read after the session switched, for plans, statements, flags, reconciliation', async () => {
    const user = userEvent.setup();
    const backend = fakeBackend({
      listPeriods: vi.fn(async () => [periodView('2025-06')]),
      statement: vi.fn(async () => statement()),
    });
    /** Which program the session held when each method was last called. */
    const programAt: Record<string, string | null> = {};
    const track = <K extends keyof typeof backend>(name: K) => {
      const inner = backend[name] as (...a: unknown[]) => Promise<unknown>;
      (backend as Record<string, unknown>)[name] = vi.fn((...a: unknown[]) => {
        programAt[name] = backend.program();
        return inner(...a);
      });
    };
    for (const m of ['listPlans', 'listPeriods', 'statement', 'flagsList', 'reconcilePeriod', 'listAffiliates'] as const) track(m);
    render(App, { backend });
    await screen.findByTestId('dashboard');

    await user.click(screen.getByTestId('nav-plans'));
    await waitFor(() => expect(programAt.listPlans).toBe('Lucky Casino EU'));
    await user.selectOptions(screen.getByTestId('program-switch'), BROKER);
    await waitFor(() => expect(programAt.listPlans).toBe(BROKER)); // the screen re-read for the broker
    expect(programAt.listPeriods).toBe(BROKER);

    await user.click(screen.getByTestId('nav-statements'));
    await user.click(await screen.findByTestId('open-period'));
    // The IBs that only traded are offered too (the fake's funnel rows are the casino's ids).
    const ib = await screen.findByRole('button', { name: /Pip Club/ });
    await user.click(ib);
    await waitFor(() => expect(backend.statement).toHaveBeenLastCalledWith({ affiliate: '102', period: '2025-06' }));
    expect(programAt.statement).toBe(BROKER);

    await user.click(screen.getByTestId('nav-affiliates'));
    await waitFor(() => expect(programAt.listAffiliates).toBe(BROKER));
    expect(screen.getByTestId('ib-note')).toBeInTheDocument();
    expect(screen.queryByTestId('run-attribution')).toBeNull(); // it would unlink the clients from their IBs

    await user.click(screen.getByTestId('nav-flags'));
    await waitFor(() => expect(backend.flagsList).toHaveBeenLastCalledWith({ limit: 0 })); // grouped: no flag rows
    expect(programAt.flagsList).toBe(BROKER);
    await user.click(screen.getByTestId('nav-reconcile'));
    await user.click(await screen.findByTestId('recon-apply'));
    await waitFor(() => expect(backend.reconcilePeriod).toHaveBeenLastCalledWith({ period: '2025-06', offset: 0, limit: RECON_PAGE }, expect.any(Function)));
    expect(programAt.reconcilePeriod).toBe(BROKER);
  });

  it('Coverage says it does not apply to a Forex program instead of loading', async () => {
    const user = userEvent.setup();
    sessionStorage.setItem(PROGRAM_STORAGE_KEY, BROKER); // remembered from earlier in the session
    const backend = fakeBackend();
    render(App, { backend });
    await screen.findByTestId('dashboard');
    expect(screen.getByTestId('program-switch')).toHaveValue(BROKER);
    expect(backend.selectProgram).toHaveBeenCalledWith(BROKER); // chosen again after sign-in
    expect(backend.program()).toBe(BROKER);

    await user.click(screen.getByTestId('nav-coverage'));
    expect(screen.getByTestId('coverage-not-applicable')).toHaveTextContent('Coverage does not apply to Demo Broker');
    expect(backend.coverage).not.toHaveBeenCalled();
    await user.click(screen.getByTestId('nav-postbacks'));
    expect(screen.getByTestId('postbacks-not-applicable')).toBeInTheDocument();

    await user.selectOptions(screen.getByTestId('program-switch'), 'Lucky Casino EU');
    await user.click(screen.getByTestId('nav-coverage'));
    await waitFor(() => expect(backend.coverage).toHaveBeenCalledWith({}));
    expect(backend.program()).toBe('Lucky Casino EU');
    expect(screen.queryByTestId('coverage-not-applicable')).toBeNull();
  });

  it('a remembered program that is gone falls back to the default', async () => {
    sessionStorage.setItem(PROGRAM_STORAGE_KEY, 'Closed Casino');
    const backend = fakeBackend();
    render(App, { backend });
    await screen.findByTestId('dashboard');
    expect(backend.selectProgram).toHaveBeenCalledWith('Lucky Casino EU');
    expect(screen.getByTestId('program-switch')).toHaveValue('Lucky Casino EU');
  });

  it('a failed program list keeps the app usable on the default program', async () => {
    const backend = fakeBackend({
      listPrograms: vi.fn(async () => {
        throw { code: 'storage', message: 'database is locked' };
      }),
    });
    render(App, { backend });
    await screen.findByTestId('dashboard');
    expect(screen.getByTestId('error-banner')).toHaveTextContent('database is locked');
    expect(backend.queries[0]).toEqual({});
    expect(backend.program()).toBeNull(); // the backend's default program
  });
});
