// The program switcher: what it shows, that it is keyboard-operable, and — through App with a mocked backend —
// that the chosen program reaches every screen's backend calls, that screens re-read when it changes, that the
// choice is remembered for the session, and that screens not meant for a Forex program say so.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import App from '../App.svelte';
import AppNav from './AppNav.svelte';
import { fakeBackend, PROGRAMS } from '../test/backend';
import { periodView, statement } from '../test/commission';
import { PROGRAM_STORAGE_KEY } from '../lib/programs';

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
    expect(screen.getByTestId('program-vertical')).toHaveTextContent('Forex');
    expect(screen.getByTestId('program-currency')).toHaveTextContent('USD');
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

  it('with one program shows its name and no choice', () => {
    render(AppNav, { current: 'dashboard', program: 'Lucky Casino EU', programs: PROGRAMS.slice(0, 1), onnavigate: () => {} });
    expect(screen.queryByTestId('program-switch')).toBeNull();
    expect(screen.getByTestId('program-name')).toHaveTextContent('Lucky Casino EU');
    expect(screen.getByTestId('program-vertical')).toHaveTextContent('iGaming');
  });
});

describe('the chosen program through App', () => {
  it('re-reads the dashboard for the broker and shows its trading instead of the FTD funnel', async () => {
    const user = userEvent.setup();
    const backend = fakeBackend();
    render(App, { backend });
    await screen.findByTestId('dashboard');
    expect(screen.getByTestId('kpi-ftds')).toBeInTheDocument();

    await user.selectOptions(screen.getByTestId('program-switch'), BROKER);
    await waitFor(() => expect(screen.getByTestId('program')).toHaveTextContent(BROKER));
    expect(backend.queries.at(-1)).toEqual({ program: BROKER }); // its own data range, not the casino's period
    expect(screen.queryByTestId('kpi-ftds')).toBeNull();
    expect(screen.getByTestId('kpi-lots')).toHaveTextContent('12.50');
    expect(screen.getAllByTestId('trading-row')).toHaveLength(2);
    expect(screen.getByTestId('forex-note')).toBeInTheDocument();
    expect(sessionStorage.getItem(PROGRAM_STORAGE_KEY)).toBe(BROKER);
  });

  it('passes the program to plans, statements, flags and reconciliation, re-reading on a switch', async () => {
    const user = userEvent.setup();
    const backend = fakeBackend({
      listPeriods: vi.fn(async () => [periodView('2025-06')]),
      statement: vi.fn(async () => statement()),
    });
    render(App, { backend });
    await screen.findByTestId('dashboard');

    await user.click(screen.getByTestId('nav-plans'));
    await waitFor(() => expect(backend.listPlans).toHaveBeenLastCalledWith('Lucky Casino EU'));
    await user.selectOptions(screen.getByTestId('program-switch'), BROKER);
    await waitFor(() => expect(backend.listPlans).toHaveBeenLastCalledWith(BROKER)); // the screen re-read
    expect(backend.listPeriods).toHaveBeenLastCalledWith(BROKER);

    await user.click(screen.getByTestId('nav-statements'));
    await user.click(await screen.findByTestId('open-period'));
    // The IBs that only traded are offered too (the fake's funnel rows are the casino's ids).
    const ib = await screen.findByRole('button', { name: /Pip Club/ });
    await user.click(ib);
    await waitFor(() => expect(backend.statement).toHaveBeenLastCalledWith('102', '2025-06', BROKER));

    await user.click(screen.getByTestId('nav-affiliates'));
    await waitFor(() => expect(backend.listAffiliates).toHaveBeenLastCalledWith({ program: BROKER }));
    expect(screen.getByTestId('ib-note')).toBeInTheDocument();
    expect(screen.queryByTestId('run-attribution')).toBeNull(); // it would unlink the clients from their IBs

    await user.click(screen.getByTestId('nav-flags'));
    await waitFor(() => expect(backend.flagsList).toHaveBeenLastCalledWith({}, BROKER));
    await user.click(screen.getByTestId('nav-reconcile'));
    await waitFor(() => expect(backend.reconcile).toHaveBeenLastCalledWith({ period: '2025-06' }, BROKER));
  });

  it('Coverage says it does not apply to a Forex program instead of loading', async () => {
    const user = userEvent.setup();
    sessionStorage.setItem(PROGRAM_STORAGE_KEY, BROKER); // remembered from earlier in the session
    const backend = fakeBackend();
    render(App, { backend });
    await screen.findByTestId('dashboard');
    expect(screen.getByTestId('program-switch')).toHaveValue(BROKER);
    expect(backend.queries[0]).toEqual({ program: BROKER });

    await user.click(screen.getByTestId('nav-coverage'));
    expect(screen.getByTestId('coverage-not-applicable')).toHaveTextContent('Coverage does not apply to Demo Broker');
    expect(backend.coverage).not.toHaveBeenCalled();
    await user.click(screen.getByTestId('nav-postbacks'));
    expect(screen.getByTestId('postbacks-not-applicable')).toBeInTheDocument();

    await user.selectOptions(screen.getByTestId('program-switch'), 'Lucky Casino EU');
    await user.click(screen.getByTestId('nav-coverage'));
    await waitFor(() => expect(backend.coverage).toHaveBeenCalledWith({ program: 'Lucky Casino EU' }));
    expect(screen.queryByTestId('coverage-not-applicable')).toBeNull();
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
    expect(backend.queries[0]).toEqual({}); // the backend's default program
  });
});
