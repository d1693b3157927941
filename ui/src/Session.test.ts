// The session through App with a fake Backend: creating a workspace (the form's checks), signing in (the demo
// people fill the form, a refusal shows the backend's one message, Enter submits), every `unauthenticated`
// answer returning to the sign-in screen, Lock, Switch user and the idle lock, and what each role may do.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import App from './App.svelte';
import type { Backend } from './lib/api';
import { fakeBackend } from './test/backend';
import { status } from './test/fixtures';
import { periodView } from './test/commission';
import { ADMIN, DEMO_PEOPLE, EMPTY_WORKSPACE, person, session } from './test/people';

const SIGN_IN_FAILED = 'Sign-in failed: that name and passphrase do not match an active person.';
const ANA = person('ana', ['analyst'], { display_name: 'Ana Analyst' });
const VERA = person('vera', ['viewer'], { display_name: 'Vera Viewer' });
const FIONA = person('fiona', ['finance'], { display_name: 'Fiona Finance' });

beforeEach(() => sessionStorage.clear());
afterEach(() => vi.useRealTimers());

describe('welcome: create a workspace', () => {
  it('refuses a short passphrase and a mismatch beside the fields, then creates the owner on Enter', async () => {
    const user = userEvent.setup();
    const owner = person('olivia', ['owner'], { display_name: 'Olivia Owner' });
    const backend = fakeBackend(
      {
        sessionStatus: vi.fn(async () => EMPTY_WORKSPACE),
        createWorkspace: vi.fn(async () => session(owner)),
        workspaceStatus: vi.fn(async () => status(false)),
      },
      { programs: [] }, // a new workspace has no program yet
    );
    render(App, { backend });
    const form = await screen.findByTestId('create-workspace');
    expect(screen.getByTestId('open-demo')).toBeInTheDocument(); // beside the demo

    await user.type(within(form).getByTestId('create-name'), 'Olivia');
    await user.type(within(form).getByTestId('create-display-name'), 'Olivia Owner');
    await user.type(within(form).getByTestId('create-passphrase'), 'short');
    await user.type(within(form).getByTestId('create-confirm'), 'short{Enter}');
    expect(within(form).getByTestId('create-error-passphrase')).toHaveTextContent('at least 10 characters (5 so far)');
    expect(within(form).getByTestId('create-passphrase')).toHaveFocus();
    expect(within(form).getByTestId('create-passphrase')).toHaveAttribute('aria-invalid', 'true');
    expect(backend.createWorkspace).not.toHaveBeenCalled();

    await user.clear(within(form).getByTestId('create-passphrase'));
    await user.type(within(form).getByTestId('create-passphrase'), 'correct horse battery');
    await user.clear(within(form).getByTestId('create-confirm'));
    await user.type(within(form).getByTestId('create-confirm'), 'correct horse batery{Enter}');
    expect(within(form).queryByTestId('create-error-passphrase')).toBeNull();
    expect(within(form).getByTestId('create-error-confirm')).toHaveTextContent('The two passphrases differ.');
    expect(backend.createWorkspace).not.toHaveBeenCalled();

    await user.clear(within(form).getByTestId('create-confirm'));
    await user.type(within(form).getByTestId('create-confirm'), 'correct horse battery{Enter}');
    await waitFor(() =>
      expect(backend.createWorkspace).toHaveBeenCalledWith({
        name: 'olivia',
        display_name: 'Olivia Owner',
        passphrase: 'correct horse battery',
      }),
    );
    // Signed in as the owner, in a workspace without a program yet: creating one comes first.
    expect(await screen.findByTestId('empty-workspace')).toHaveTextContent('No program yet');
    expect(screen.getByTestId('who-name')).toHaveTextContent('Olivia Owner');
    expect(screen.getByTestId('empty-create-program')).toBeEnabled();
    expect(backend.selectProgram).not.toHaveBeenCalled(); // nothing to choose
    expect(screen.getByTestId('empty-open-demo')).toBeDisabled(); // an owner does not ingest data
    expect(screen.getByTestId('empty-open-demo')).toHaveAttribute('title', expect.stringContaining('data.ingest'));
  });

  it('names a bad sign-in name and shows the backend’s refusal', async () => {
    const user = userEvent.setup();
    const backend = fakeBackend({
      sessionStatus: vi.fn(async () => EMPTY_WORKSPACE),
      createWorkspace: vi.fn(async () => {
        throw { code: 'forbidden', message: 'create_workspace: this workspace already has an owner; sign in instead' };
      }),
    });
    render(App, { backend });
    const form = await screen.findByTestId('create-workspace');
    await user.type(within(form).getByTestId('create-name'), '9lives');
    await user.click(within(form).getByTestId('create-submit'));
    expect(within(form).getByTestId('create-error-name')).toHaveTextContent('A letter first');
    expect(within(form).getByTestId('create-error-display_name')).toBeInTheDocument();
    expect(within(form).getByTestId('create-name')).toHaveFocus();

    await user.clear(within(form).getByTestId('create-name'));
    await user.type(within(form).getByTestId('create-name'), 'olivia');
    await user.type(within(form).getByTestId('create-display-name'), 'Olivia');
    await user.type(within(form).getByTestId('create-passphrase'), 'correct horse battery');
    await user.type(within(form).getByTestId('create-confirm'), 'correct horse battery{Enter}');
    expect(await within(form).findByTestId('create-error')).toHaveTextContent('already has an owner; sign in instead');
  });
});

describe('the sign-in screen', () => {
  it('lists the demo people; a click fills the form; a refusal shows the backend’s message as is; Enter signs in', async () => {
    const user = userEvent.setup();
    const signIn = vi
      .fn<Backend['signIn']>()
      .mockRejectedValueOnce({ code: 'unauthenticated', message: SIGN_IN_FAILED })
      .mockResolvedValue(session(VERA));
    const backend = fakeBackend({
      sessionStatus: vi.fn(async () => session(null, { demo_people: DEMO_PEOPLE })),
      signIn,
    });
    render(App, { backend });
    const name = await screen.findByTestId('signin-name');
    expect(name).toHaveFocus();
    const people = screen.getAllByTestId('demo-person');
    expect(people.map((p) => p.dataset.name)).toEqual(['olivia', 'max', 'fiona', 'felix', 'ana', 'vera']);
    expect(people[1]).toHaveTextContent('Max Manager');
    expect(people[1]).toHaveTextContent('Affiliate manager');
    expect(people[1]).toHaveTextContent('max-demo-pass');

    // A wrong passphrase: the one message the backend gives for every wrong case, word for word.
    await user.type(name, 'vera');
    await user.type(screen.getByTestId('signin-passphrase'), 'not-her-pass{Enter}');
    expect(await screen.findByTestId('signin-error')).toHaveTextContent(SIGN_IN_FAILED);
    expect(screen.getByTestId('signin-error').textContent).toBe(SIGN_IN_FAILED);
    expect(signIn).toHaveBeenLastCalledWith({ name: 'vera', passphrase: 'not-her-pass' });
    expect(screen.getByTestId('signin-passphrase')).toHaveValue('');
    expect(screen.getByTestId('signin-passphrase')).toHaveFocus();

    await user.click(within(people[5]).getByTestId('demo-person-fill'));
    expect(screen.getByTestId('signin-name')).toHaveValue('vera');
    expect(screen.getByTestId('signin-passphrase')).toHaveValue('vera-demo-pass');
    await user.click(screen.getByTestId('signin-passphrase'));
    await user.keyboard('{Enter}');
    expect(await screen.findByTestId('dashboard')).toBeInTheDocument();
    expect(signIn).toHaveBeenLastCalledWith({ name: 'vera', passphrase: 'vera-demo-pass' });
    expect(screen.getByTestId('who-name')).toHaveTextContent('Vera Viewer');
  });

  it('outside the demo lists nobody, and asks for both fields before calling the backend', async () => {
    const user = userEvent.setup();
    const backend = fakeBackend({ sessionStatus: vi.fn(async () => session(null)) });
    render(App, { backend });
    await screen.findByTestId('signin');
    expect(screen.queryByTestId('demo-people')).toBeNull();
    await user.keyboard('{Enter}');
    expect(screen.getByTestId('signin-error')).toHaveTextContent('Enter your sign-in name and passphrase.');
    expect(backend.signIn).not.toHaveBeenCalled();
  });
});

describe('leaving the session', () => {
  it('any call answered unauthenticated returns to sign-in with the message and the name filled in', async () => {
    const user = userEvent.setup();
    const locked = 'The console locked after 15 minutes without activity: sign in again.';
    const flagsList = vi
      .fn<Backend['flagsList']>()
      .mockRejectedValueOnce({ code: 'unauthenticated', message: locked })
      .mockResolvedValue({ rows: [], total: 0, offset: 0, patterns: [] });
    const backend = fakeBackend({ flagsList });
    render(App, { backend });
    await screen.findByTestId('dashboard');
    await user.click(screen.getByTestId('nav-flags'));

    expect(await screen.findByTestId('signin-notice')).toHaveTextContent(locked);
    expect(screen.queryByTestId('flags')).toBeNull();
    expect(screen.getByTestId('signin-name')).toHaveValue('sam');
    expect(screen.getByTestId('signin-passphrase')).toHaveFocus();

    await user.type(screen.getByTestId('signin-passphrase'), 'sam passphrase{Enter}');
    // Back where they were, as the same person.
    expect(await screen.findByTestId('flags')).toBeInTheDocument();
    expect(backend.signIn).toHaveBeenCalledWith({ name: 'sam', passphrase: 'sam passphrase' });
  });

  it('Lock signs out and says Locked with the name filled in; Switch user signs out to an empty form', async () => {
    const user = userEvent.setup();
    const backend = fakeBackend();
    render(App, { backend });
    await screen.findByTestId('dashboard');
    await user.click(screen.getByTestId('lock'));
    expect(await screen.findByTestId('locked-note')).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Locked' })).toBeInTheDocument();
    expect(screen.getByTestId('signin-name')).toHaveValue('sam');
    expect(backend.signOut).toHaveBeenCalledTimes(1);

    await user.type(screen.getByTestId('signin-passphrase'), 'sam passphrase{Enter}');
    await screen.findByTestId('dashboard');
    await user.click(screen.getByTestId('switch-user'));
    await screen.findByTestId('signin');
    expect(screen.queryByTestId('locked-note')).toBeNull();
    expect(screen.getByTestId('signin-name')).toHaveValue('');
    expect(backend.signOut).toHaveBeenCalledTimes(2);
  });

  it('locks after the workspace’s idle minutes without keyboard or mouse input', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const backend = fakeBackend({ sessionStatus: vi.fn(async () => session(ADMIN, {}, 1)) });
    render(App, { backend });
    await screen.findByTestId('dashboard');

    await vi.advanceTimersByTimeAsync(40_000);
    fireEvent.keyDown(window, { key: 'Shift' }); // input: still there
    await vi.advanceTimersByTimeAsync(40_000);
    expect(screen.getByTestId('dashboard')).toBeInTheDocument(); // 80 s since sign-in, 40 s since the input
    expect(backend.signOut).not.toHaveBeenCalled();

    fireEvent.mouseMove(window);
    await vi.advanceTimersByTimeAsync(59_000);
    expect(screen.queryByTestId('signin')).toBeNull();
    await vi.advanceTimersByTimeAsync(6_000); // a minute and more without input
    expect(await screen.findByTestId('locked-note')).toBeInTheDocument();
    expect(screen.getByTestId('signin-name')).toHaveValue('sam');
    expect(backend.signOut).toHaveBeenCalledTimes(1);
  });
});

describe('what each role may do', () => {
  const closable = [periodView('2025-06', { result_hash: 'a'.repeat(64) })];

  it('a viewer sees the dashboard, but Sync now, Compute, Close and the forms are disabled, naming the permission', async () => {
    const user = userEvent.setup();
    const backend = fakeBackend({
      sessionStatus: vi.fn(async () => session(VERA)),
      listPeriods: vi.fn(async () => closable),
    });
    render(App, { backend });
    await screen.findByTestId('dashboard');
    const sync = screen.getByTestId('sync-now');
    expect(sync).toBeDisabled();
    expect(sync).toHaveAttribute('title', expect.stringContaining('“data.ingest”'));
    expect(screen.getByTestId('who-roles')).toHaveTextContent('Viewer');

    await user.click(screen.getByTestId('nav-statements'));
    await screen.findByTestId('periods');
    expect(screen.getByTestId('compute')).toBeDisabled();
    expect(screen.getByTestId('recompute')).toBeDisabled();
    expect(screen.getByTestId('close-period')).toBeDisabled();
    expect(screen.getByTestId('close-period')).toHaveAttribute('title', expect.stringContaining('periods.close'));
    await user.click(screen.getByTestId('close-period'));
    expect(backend.closePeriod).not.toHaveBeenCalled();

    await user.click(screen.getByTestId('nav-sources'));
    await screen.findByTestId('sources-table');
    expect(screen.getByTestId('sync-now')).toBeDisabled();
    expect(screen.getByTestId('add-source')).toBeDisabled();
    expect(screen.getAllByTestId('test-source')[0]).toBeDisabled();

    await user.click(screen.getByTestId('nav-postbacks'));
    expect(await screen.findByTestId('add-postback-source')).toBeDisabled();

    await user.click(screen.getByTestId('nav-plans'));
    await screen.findByTestId('plan-table');
    await user.click(screen.getAllByTestId('plan-row')[0].querySelector('button')!);
    expect(await screen.findByTestId('assign-plan')).toBeDisabled();

    await user.click(screen.getByTestId('nav-people'));
    expect(await screen.findByTestId('add-submit')).toBeDisabled();
    expect(screen.getByTestId('add-person-denied')).toHaveTextContent('users.manage');

    await user.click(screen.getByTestId('nav-settings'));
    expect(await screen.findByTestId('settings-save')).toBeDisabled();
    expect(backend.syncNow).not.toHaveBeenCalled();
  });

  it('an analyst decides flags but may not compute or close a period', async () => {
    const user = userEvent.setup();
    const backend = fakeBackend({
      sessionStatus: vi.fn(async () => session(ANA)),
      listPeriods: vi.fn(async () => closable),
    });
    render(App, { backend });
    await screen.findByTestId('dashboard');
    expect(screen.getByTestId('sync-now')).toBeEnabled(); // data.ingest

    await user.click(screen.getByTestId('nav-flags'));
    await screen.findByTestId('group-table');
    expect(screen.getAllByTestId('group-decide')[0]).toBeEnabled();
    await user.click(screen.getByTestId('queue-each'));
    await screen.findByTestId('flag-table');
    expect(screen.getByTestId('run-detection')).toBeEnabled();
    await user.click(screen.getAllByTestId('flag-open')[0]);
    const panel = await screen.findByTestId('investigation');
    await within(panel).findByTestId('decision-form');
    await user.type(within(panel).getByTestId('decision-comment'), 'ring of accounts');
    expect(within(panel).getByTestId('decision-submit')).toBeEnabled();
    expect(within(panel).getByTestId('decision-by')).toHaveTextContent('Recorded as Ana Analyst (ana)');
    await user.click(within(panel).getByTestId('decision-submit'));
    await waitFor(() => expect(backend.flagDecide).toHaveBeenCalledWith({ flag_id: 1, decision: 'confirm', comment: 'ring of accounts' }));

    await user.click(screen.getByTestId('nav-statements'));
    await screen.findByTestId('periods');
    expect(screen.getByTestId('compute')).toBeDisabled();
    expect(screen.getByTestId('close-period')).toBeDisabled();
  });

  it('finance computes and closes a period but may not decide a flag', async () => {
    const user = userEvent.setup();
    const backend = fakeBackend({
      sessionStatus: vi.fn(async () => session(FIONA)),
      listPeriods: vi.fn(async () => closable),
    });
    render(App, { backend });
    await screen.findByTestId('dashboard');
    expect(screen.getByTestId('sync-now')).toBeDisabled();

    await user.click(screen.getByTestId('nav-statements'));
    await screen.findByTestId('periods');
    expect(screen.getByTestId('compute')).toBeEnabled();
    await user.click(screen.getByTestId('close-period'));
    await user.click(screen.getByTestId('close-period')); // the second press confirms
    await waitFor(() => expect(backend.closePeriod).toHaveBeenCalledWith('2025-06'));

    await user.click(screen.getByTestId('nav-flags'));
    await screen.findByTestId('group-table');
    expect(screen.getAllByTestId('group-decide')[0]).toBeDisabled(); // finance may not decide a group either
    await user.click(screen.getByTestId('queue-each'));
    await screen.findByTestId('flag-table');
    await user.click(screen.getAllByTestId('flag-open')[0]);
    const panel = await screen.findByTestId('investigation');
    await within(panel).findByTestId('decision-form');
    expect(within(panel).getByTestId('decision-submit')).toBeDisabled();
    expect(within(panel).getByTestId('decision-submit')).toHaveAttribute('title', expect.stringContaining('flags.decide'));
  });

  it('a change to one’s own roles on the People screen re-reads the session', async () => {
    const user = userEvent.setup();
    const sessionStatus = vi
      .fn<Backend['sessionStatus']>()
      .mockResolvedValueOnce(session(ADMIN))
      .mockResolvedValue(session({ ...ADMIN, roles: ['owner'] }));
    const backend = fakeBackend({ sessionStatus });
    render(App, { backend });
    await screen.findByTestId('dashboard');
    await user.click(screen.getByTestId('nav-people'));
    const row = (await screen.findAllByTestId('person-row'))[0];
    await user.click(within(row).getByTestId('person-edit'));
    await user.click(screen.getByTestId('edit-role-manager'));
    await user.click(screen.getByTestId('edit-save'));
    await waitFor(() => expect(screen.getByTestId('who-roles')).toHaveTextContent(/^Owner$/));
    await user.click(screen.getByTestId('nav-dashboard'));
    expect(screen.getByTestId('sync-now')).toBeDisabled();
  });
});
