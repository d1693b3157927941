// The Programs screen: the table and its order; creating a program (values trimmed, the list read again, the
// program chosen for the session) and the core's refusals beside the field they name; editing, with the settings
// that date and price stored data fixed once a program holds some; what someone without programs.manage sees.
// Through App: a new workspace leads its owner from the empty workspace to the New program form.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import App from '../App.svelte';
import ProgramsView from './ProgramsView.svelte';
import type { Backend, ProgramSummary } from '../lib/api';
import { accessContext, accessOf } from '../lib/access';
import { PROGRAM_STORAGE_KEY } from '../lib/programs';
import { fakeBackend, program, PROGRAMS } from '../test/backend';
import { status } from '../test/fixtures';
import { permissionsOf, person, session } from '../test/people';

const MAX = person('max', ['manager'], { display_name: 'Max Manager' });
const OLIVIA = person('olivia', ['owner'], { display_name: 'Olivia Owner' });
const VERA = person('vera', ['viewer'], { display_name: 'Vera Viewer' });
const as = (who: typeof MAX) => accessContext(accessOf(who, permissionsOf(who.roles)));

/** The demo's two programs and one created but not fed yet. */
const SPIN = program('Spin Palace', { currency: 'GBP', timezone: 'Europe/London', brands: ['Spin Palace'] });
const THREE: ProgramSummary[] = [...PROGRAMS, SPIN];

function renderView({ who = MAX, over = {}, programs = THREE, current = 'Demo Broker' as string | null } = {}) {
  const backend = fakeBackend(over, { programs });
  const onsaved = vi.fn();
  render(ProgramsView, { props: { backend, current, onsaved }, context: as(who) });
  return { backend, onsaved };
}

const names = () => screen.getAllByTestId('program-row').map((r) => r.dataset.name);
const row = (name: string) => screen.getAllByTestId('program-row').find((r) => r.dataset.name === name)!;
const form = () => screen.getByTestId('program-form');
const field = (id: string) => within(form()).getByTestId(id);

beforeEach(() => sessionStorage.clear());

describe('ProgramsView', () => {
  it('lists every program with its settings, what it holds, the default and the current one; sorts by a column', async () => {
    const user = userEvent.setup();
    renderView();
    await screen.findByTestId('programs-table');
    expect(names()).toEqual(['Demo Broker', 'Lucky Casino EU', 'Spin Palace']);

    const casino = row('Lucky Casino EU');
    expect(within(casino).getByTestId('program-row-vertical')).toHaveTextContent('iGaming');
    expect(within(casino).getByTestId('program-row-currency')).toHaveTextContent('EUR');
    expect(within(casino).getByTestId('program-row-timezone')).toHaveTextContent('Europe/Malta');
    expect(within(casino).getByTestId('program-row-brands')).toHaveTextContent('Lucky Casino, Lucky Sports');
    expect(within(casino).getByTestId('program-row-people')).toHaveTextContent('553 players');
    expect(within(casino).getByTestId('program-row-range')).toHaveTextContent('2025-06-01 – 2025-06-30');
    expect(within(casino).getByTestId('program-default')).toBeInTheDocument();
    expect(within(casino).queryByTestId('program-current')).toBeNull();

    const broker = row('Demo Broker');
    expect(within(broker).getByTestId('program-current')).toBeInTheDocument();
    expect(broker).toHaveAttribute('aria-current', 'true');
    expect(within(broker).getByTestId('program-row-people')).toHaveTextContent('120 accounts');
    expect(within(row('Spin Palace')).getByTestId('program-row-range')).toHaveTextContent('No data yet');

    await user.click(screen.getByTestId('programs-sort-affiliates')); // largest first
    expect(names()).toEqual(['Lucky Casino EU', 'Demo Broker', 'Spin Palace']);
    await user.click(screen.getByTestId('programs-sort-affiliates'));
    expect(names()).toEqual(['Spin Palace', 'Demo Broker', 'Lucky Casino EU']);
    await user.click(screen.getByTestId('programs-sort-currency')); // A→Z
    expect(names()).toEqual(['Lucky Casino EU', 'Spin Palace', 'Demo Broker']);
    await user.click(screen.getByTestId('programs-sort-data_range')); // with data first
    expect(names().at(-1)).toBe('Spin Palace');
  });

  it('says how to start when there is no program yet', async () => {
    renderView({ programs: [], current: null });
    expect(await screen.findByTestId('programs-empty')).toHaveTextContent(
      'No program yet — create the first one: its vertical, currency and reporting time zone decide how data is dated and priced.',
    );
    expect(screen.getByTestId('program-new')).toBeEnabled();
  });

  it('a manager creates a program: trimmed values, the currency upper-cased, Enter saves, the list is read again', async () => {
    const user = userEvent.setup();
    const { backend, onsaved } = renderView();
    await screen.findByTestId('programs-table');
    await user.click(screen.getByTestId('program-new'));
    expect(field('program-name')).toHaveFocus();
    expect(field('program-timezone')).toHaveValue(Intl.DateTimeFormat().resolvedOptions().timeZone); // this computer's
    expect(field('program-currency')).toHaveAttribute('list', 'program-currencies');
    expect(form().querySelectorAll('#program-currencies option')).toHaveLength(10);
    const zones = [...form().querySelectorAll<HTMLOptionElement>('#program-timezones option')].map((o) => o.value);
    expect(zones).toContain('UTC');
    expect(zones).toContain('Europe/Malta');

    await user.type(field('program-name'), '  FX Prime  ');
    await user.selectOptions(field('program-vertical'), 'forex');
    await user.clear(field('program-currency'));
    await user.type(field('program-currency'), 'usd');
    expect(field('program-currency')).toHaveValue('USD');
    await user.clear(field('program-timezone'));
    await user.type(field('program-timezone'), ' Europe/Nicosia ');
    await user.type(field('program-brands'), ' FX One , FX Pro, {Enter}');

    await waitFor(() =>
      expect(backend.addProgram).toHaveBeenCalledWith({
        name: 'FX Prime',
        vertical: 'forex',
        currency: 'USD',
        timezone: 'Europe/Nicosia',
        brands: ['FX One', 'FX Pro'],
      }),
    );
    expect(await screen.findByTestId('programs-notice')).toHaveTextContent('Created FX Prime');
    expect(screen.queryByTestId('program-form')).toBeNull();
    expect(screen.getByTestId('program-new')).toHaveFocus();
    expect(backend.listPrograms).toHaveBeenCalledTimes(2);
    expect(within(row('FX Prime')).getByTestId('program-row-brands')).toHaveTextContent('FX One, FX Pro');
    expect(onsaved).toHaveBeenCalledWith(expect.objectContaining({ name: 'FX Prime', vertical: 'forex' }), null);
  });

  it('shows the core’s refusal beside the form, naming the field, which is marked and focused', async () => {
    const user = userEvent.setup();
    const { backend } = renderView();
    await screen.findByTestId('programs-table');
    await user.click(screen.getByTestId('program-new'));

    await user.keyboard('{Enter}'); // nothing typed: the form names the field before asking the core
    expect(field('program-error')).toHaveTextContent(/^Name: enter the program’s name/);
    expect(field('program-name')).toHaveAttribute('aria-invalid', 'true');
    expect(backend.addProgram).not.toHaveBeenCalled();

    await user.type(field('program-name'), 'Spin Palace');
    await user.clear(field('program-currency'));
    await user.type(field('program-currency'), 'xyz{Enter}');
    expect(await within(form()).findByText(/^Currency: 'XYZ' is not an ISO 4217 currency code/)).toHaveAttribute(
      'data-testid',
      'program-error',
    );
    expect(field('program-currency')).toHaveAttribute('aria-invalid', 'true');
    expect(field('program-currency')).toHaveAttribute('aria-describedby', expect.stringContaining('program-error'));
    expect(field('program-currency')).toHaveFocus();
    expect(field('program-name')).not.toHaveAttribute('aria-invalid');

    await user.clear(field('program-currency'));
    await user.type(field('program-currency'), 'GBP{Enter}');
    await waitFor(() => expect(field('program-error')).toHaveTextContent('Name: a program named "Spin Palace" exists already'));
    expect(field('program-name')).toHaveFocus();

    await user.clear(field('program-name'));
    await user.type(field('program-name'), 'Spin Palace II');
    await user.type(field('program-brands'), 'Spin, spin{Enter}');
    await waitFor(() => expect(field('program-error')).toHaveTextContent("Brand 2: 'spin' is listed twice"));
    expect(field('program-brands')).toHaveAttribute('aria-invalid', 'true');

    await user.clear(field('program-brands'));
    await user.clear(field('program-timezone'));
    await user.type(field('program-timezone'), 'Europe/Atlantis{Enter}');
    await waitFor(() => expect(field('program-error')).toHaveTextContent(/^Time zone: 'Europe\/Atlantis' is not an IANA time zone/));
    expect(field('program-timezone')).toHaveFocus();
    expect(field('program-brands')).not.toHaveAttribute('aria-invalid');
    expect(backend.addProgram).toHaveBeenCalledTimes(4);

    await user.keyboard('{Escape}');
    expect(screen.queryByTestId('program-form')).toBeNull();
  });

  it('edits a program that holds data: vertical, currency and time zone fixed and explained; brands kept and added', async () => {
    const user = userEvent.setup();
    const { backend, onsaved } = renderView();
    await screen.findByTestId('programs-table');
    await user.click(within(row('Lucky Casino EU')).getByTestId('program-edit'));

    expect(field('program-name')).toHaveValue('Lucky Casino EU');
    for (const id of ['program-vertical', 'program-currency', 'program-timezone']) expect(field(id)).toBeDisabled();
    expect(field('program-currency')).toHaveValue('EUR');
    expect(field('program-timezone')).toHaveValue('Europe/Malta');
    expect(within(form()).getByTestId('program-fixed-note')).toHaveTextContent(
      'Vertical, currency and time zone are fixed: Lucky Casino EU holds data (2025-06-01 to 2025-06-30)',
    );
    expect(within(form()).getByTestId('program-brands-kept')).toHaveTextContent('Kept: Lucky Casino Lucky Sports');
    expect(screen.getByTestId('program-new')).toBeDisabled(); // one form at a time

    await user.clear(field('program-name'));
    await user.type(field('program-name'), 'Lucky Casino Europe');
    await user.type(field('program-brands'), 'Lucky Poker');
    await user.click(field('program-save'));
    await waitFor(() =>
      expect(backend.editProgram).toHaveBeenCalledWith({
        program: 'Lucky Casino EU',
        settings: { name: 'Lucky Casino Europe', vertical: 'igaming', currency: 'EUR', timezone: 'Europe/Malta', brands: ['Lucky Poker'] },
      }),
    );
    expect(await screen.findByTestId('programs-notice')).toHaveTextContent('Saved Lucky Casino Europe.');
    expect(within(row('Lucky Casino Europe')).getByTestId('program-row-brands')).toHaveTextContent(
      'Lucky Casino, Lucky Poker, Lucky Sports',
    );
    expect(onsaved).toHaveBeenCalledWith(expect.objectContaining({ name: 'Lucky Casino Europe' }), 'Lucky Casino EU');

    // A program without data yet may still change all of it.
    await user.click(within(row('Spin Palace')).getByTestId('program-edit'));
    for (const id of ['program-vertical', 'program-currency', 'program-timezone']) expect(field(id)).toBeEnabled();
    expect(within(form()).queryByTestId('program-fixed-note')).toBeNull();
    await user.clear(field('program-currency'));
    await user.type(field('program-currency'), 'eur{Enter}');
    await waitFor(() =>
      expect(backend.editProgram).toHaveBeenLastCalledWith({
        program: 'Spin Palace',
        settings: { name: 'Spin Palace', vertical: 'igaming', currency: 'EUR', timezone: 'Europe/London', brands: [] },
      }),
    );
    await waitFor(() => expect(within(row('Spin Palace')).getByTestId('program-row-currency')).toHaveTextContent('EUR'));
  });

  it('without programs.manage New program and Edit are disabled, naming the permission', async () => {
    const user = userEvent.setup();
    const { backend } = renderView({ who: VERA });
    await screen.findByTestId('programs-table');
    const buttons = [screen.getByTestId('program-new'), ...screen.getAllByTestId('program-edit')];
    expect(buttons).toHaveLength(4);
    for (const b of buttons) {
      expect(b).toBeDisabled();
      expect(b).toHaveAttribute('title', expect.stringContaining('“programs.manage”'));
    }
    expect(screen.getByTestId('program-new')).toHaveAttribute('title', expect.stringContaining('Vera Viewer is Viewer'));
    await user.click(screen.getByTestId('program-new'));
    expect(screen.queryByTestId('program-form')).toBeNull();
    expect(backend.addProgram).not.toHaveBeenCalled();
  });
});

describe('programs through App', () => {
  it('a manager creates a program: the switcher lists and chooses it, and its screens say it has no data yet', async () => {
    const user = userEvent.setup();
    const backend = fakeBackend({ sessionStatus: vi.fn(async () => session(MAX)) });
    render(App, { backend });
    await screen.findByTestId('dashboard');
    await user.click(screen.getByTestId('nav-programs'));
    expect(screen.getByTestId('nav-programs')).toHaveAttribute('aria-current', 'page');
    await screen.findByTestId('programs-table');
    expect(within(row('Lucky Casino EU')).getByTestId('program-current')).toBeInTheDocument();

    await user.click(screen.getByTestId('program-new'));
    await user.type(field('program-name'), ' Spin Palace ');
    await user.clear(field('program-currency'));
    await user.type(field('program-currency'), 'gbp');
    await user.clear(field('program-timezone'));
    await user.type(field('program-timezone'), 'Europe/London{Enter}');
    await waitFor(() => expect(screen.getByTestId('program-switch')).toHaveValue('Spin Palace'));
    expect(backend.addProgram).toHaveBeenCalledWith({
      name: 'Spin Palace',
      vertical: 'igaming',
      currency: 'GBP',
      timezone: 'Europe/London',
      brands: [],
    });
    expect(within(screen.getByTestId('program-switch')).getAllByRole('option')).toHaveLength(3);
    expect(backend.selectProgram).toHaveBeenLastCalledWith('Spin Palace');
    expect(backend.program()).toBe('Spin Palace');
    expect(sessionStorage.getItem(PROGRAM_STORAGE_KEY)).toBe('Spin Palace');
    await waitFor(() => expect(within(row('Spin Palace')).getByTestId('program-current')).toBeInTheDocument());
    expect(screen.getByTestId('programs-notice')).toHaveTextContent('Created Spin Palace'); // the screen stayed

    // No data yet: the dashboard is not asked for; the program screens say where data comes from.
    const dashboards = vi.mocked(backend.dashboard).mock.calls.length;
    await user.click(screen.getByTestId('nav-dashboard'));
    expect(await screen.findByTestId('empty-workspace')).toHaveTextContent('Spin Palace has no data yet');
    expect(screen.queryByTestId('empty-create-program')).toBeNull();
    expect(backend.dashboard).toHaveBeenCalledTimes(dashboards);

    // Back to a program with data: its dashboard again.
    await user.selectOptions(screen.getByTestId('program-switch'), 'Lucky Casino EU');
    expect(await screen.findByTestId('dashboard')).toBeInTheDocument();
  });

  it('a new workspace: its owner goes from “Create a program” to the form, creates it, and it is chosen', async () => {
    const user = userEvent.setup();
    const backend = fakeBackend(
      { sessionStatus: vi.fn(async () => session(OLIVIA)), workspaceStatus: vi.fn(async () => status(false)) },
      { programs: [] },
    );
    render(App, { backend });
    const empty = await screen.findByTestId('empty-workspace');
    expect(empty).toHaveTextContent('No program yet');
    const create = within(empty).getByTestId('empty-create-program');
    expect(create).toHaveClass('primary');
    expect(within(empty).getByTestId('empty-open-demo')).not.toHaveClass('primary');
    expect(within(empty).getByTestId('empty-sources')).toBeInTheDocument(); // the other ways in stay

    await user.click(create);
    expect(await screen.findByTestId('programs')).toBeInTheDocument();
    expect(screen.getByTestId('nav-programs')).toHaveAttribute('aria-current', 'page');
    expect(field('program-name')).toHaveFocus();
    expect(await screen.findByTestId('programs-empty')).toBeInTheDocument();

    await user.type(field('program-name'), 'Lucky Casino EU');
    await user.clear(field('program-timezone'));
    await user.type(field('program-timezone'), 'Europe/Malta{Enter}');
    await waitFor(() => expect(screen.getAllByTestId('program-row').map((r) => r.dataset.name)).toEqual(['Lucky Casino EU']));
    await waitFor(() => expect(screen.getByTestId('nav-program-name')).toHaveTextContent('Lucky Casino EU')); // the sidebar
    expect(backend.selectProgram).toHaveBeenLastCalledWith('Lucky Casino EU');
    expect(row('Lucky Casino EU')).toHaveAttribute('aria-current', 'true');

    // Leaving and coming back does not reopen the form.
    await user.click(screen.getByTestId('nav-dashboard'));
    expect(await screen.findByTestId('empty-workspace')).toHaveTextContent('Lucky Casino EU has no data yet');
    await user.click(screen.getByTestId('nav-programs'));
    await screen.findByTestId('programs-table');
    expect(screen.queryByTestId('program-form')).toBeNull();
  });

  it('in a new workspace a viewer cannot create a program: the action says which permission it needs', async () => {
    const backend = fakeBackend(
      { sessionStatus: vi.fn(async () => session(VERA)), workspaceStatus: vi.fn(async () => status(false)) },
      { programs: [] },
    );
    render(App, { backend });
    const create = await screen.findByTestId('empty-create-program');
    expect(create).toBeDisabled();
    expect(create).toHaveAttribute('title', expect.stringContaining('“programs.manage”'));
  });

  it('a session on a program without data opens on the empty workspace; its first import brings the dashboard', async () => {
    const user = userEvent.setup();
    const fed: ProgramSummary = { ...SPIN, data_range: { from: '2025-06-01', to: '2025-06-30' }, settings_fixed: true };
    const backend: Backend = fakeBackend(
      { listPrograms: vi.fn<Backend['listPrograms']>().mockResolvedValueOnce([SPIN]).mockResolvedValue([fed]) },
      { programs: [SPIN] },
    );
    render(App, { backend });
    expect(await screen.findByTestId('empty-workspace')).toHaveTextContent('Spin Palace has no data yet');
    expect(backend.dashboard).not.toHaveBeenCalled();

    await user.click(screen.getByTestId('empty-import'));
    await user.type(await screen.findByLabelText(/^CSV file/), '/data/clicks.csv{Enter}');
    await user.click(await screen.findByTestId('import-run-button'));
    await screen.findByTestId('import-summary');
    await waitFor(() => expect(backend.dashboard).toHaveBeenCalledTimes(1)); // the program holds data now
    await user.click(screen.getByTestId('nav-dashboard'));
    expect(await screen.findByTestId('dashboard')).toBeInTheDocument();
  });
});
