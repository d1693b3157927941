// The People screen: the table, adding a person with roles and a first passphrase (checked first), editing roles,
// deactivating and reactivating, resetting a passphrase, changing one's own; and what someone without
// users.manage sees.
import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import PeopleView from './PeopleView.svelte';
import type { Backend } from '../lib/api';
import { accessContext, accessOf } from '../lib/access';
import { fakeBackend } from '../test/backend';
import { permissionsOf, person } from '../test/people';

const SIGN_IN_FAILED = 'Sign-in failed: that name and passphrase do not match an active person.';
const OLIVIA = person('olivia', ['owner'], { display_name: 'Olivia Owner' });
const ANA = person('ana', ['analyst'], { display_name: 'Ana Analyst' });
const VERA = person('vera', ['viewer'], { display_name: 'Vera Viewer', active: false });
const as = (who: typeof OLIVIA) => accessContext(accessOf(who, permissionsOf(who.roles)));

function renderView(over: Partial<Backend> = {}, who = OLIVIA) {
  const backend = fakeBackend({ listPeople: vi.fn(async () => [VERA, OLIVIA, ANA]), ...over });
  const onsessionchange = vi.fn();
  render(PeopleView, { props: { backend, onsessionchange }, context: as(who) });
  return { backend, onsessionchange };
}

const row = (name: string) => screen.getAllByTestId('person-row').find((r) => r.dataset.name === name)!;

describe('PeopleView', () => {
  it('lists people with roles, activity and whether they can sign in; sorts by a column', async () => {
    const user = userEvent.setup();
    renderView();
    await screen.findByTestId('people-table');
    expect(screen.getAllByTestId('person-row').map((r) => r.dataset.name)).toEqual(['ana', 'olivia', 'vera']);
    expect(within(row('olivia')).getByTestId('person-roles')).toHaveTextContent('Owner');
    expect(row('olivia')).toHaveTextContent('you');
    expect(within(row('vera')).getByTestId('person-active')).toHaveTextContent('Deactivated');
    expect(within(row('vera')).getByTestId('person-can-sign-in')).toHaveTextContent('Yes');
    await user.click(screen.getByTestId('people-sort-roles'));
    expect(screen.getAllByTestId('person-row').map((r) => r.dataset.name)).toEqual(['ana', 'olivia', 'vera']);
    await user.click(screen.getByTestId('people-sort-roles'));
    expect(screen.getAllByTestId('person-row').map((r) => r.dataset.name)).toEqual(['vera', 'olivia', 'ana']);
  });

  it('adds a person with the roles ticked and a first passphrase, after checking the form', async () => {
    const user = userEvent.setup();
    const { backend } = renderView();
    const form = await screen.findByTestId('add-person-form');
    await user.type(within(form).getByTestId('add-name'), 'Zoe');
    await user.type(within(form).getByTestId('add-display-name'), 'Zoe Numbers');
    await user.click(within(form).getByTestId('add-role-viewer')); // off: no role left
    await user.type(within(form).getByTestId('add-passphrase'), 'too short');
    await user.type(within(form).getByTestId('add-confirm'), 'too short{Enter}');
    expect(within(form).getByTestId('add-roles-error')).toHaveTextContent('at least one role');
    expect(within(form).getByTestId('add-passphrase-error')).toHaveTextContent('at least 10');
    expect(backend.addPerson).not.toHaveBeenCalled();

    await user.click(within(form).getByTestId('add-role-finance'));
    await user.click(within(form).getByTestId('add-role-analyst'));
    await user.clear(within(form).getByTestId('add-passphrase'));
    await user.type(within(form).getByTestId('add-passphrase'), 'zoe first passphrase');
    await user.clear(within(form).getByTestId('add-confirm'));
    await user.type(within(form).getByTestId('add-confirm'), 'zoe first passphrase{Enter}');
    await waitFor(() =>
      expect(backend.addPerson).toHaveBeenCalledWith({
        name: 'zoe',
        display_name: 'Zoe Numbers',
        roles: ['finance', 'analyst'],
        passphrase: 'zoe first passphrase',
      }),
    );
    expect(await screen.findByTestId('people-notice')).toHaveTextContent('Added Zoe Numbers (zoe) as Finance, Analyst');
    expect(backend.listPeople).toHaveBeenCalledTimes(2);
    expect(within(form).getByTestId('add-name')).toHaveValue('');
  });

  it('deactivates and reactivates a person; the core’s refusal (the last owner) shows in the banner', async () => {
    const user = userEvent.setup();
    const updatePerson = vi
      .fn<Backend['updatePerson']>()
      .mockImplementationOnce(async (r) => ({ ...ANA, active: r.active ?? true }))
      .mockRejectedValueOnce({
        code: 'conflict',
        message: 'A workspace must keep at least one active owner with a passphrase: make someone else owner first.',
      })
      .mockImplementationOnce(async (r) => ({ ...VERA, active: r.active ?? false }));
    renderView({ updatePerson });
    await screen.findByTestId('people-table');
    await user.click(within(row('ana')).getByTestId('person-toggle-active'));
    expect(updatePerson).toHaveBeenLastCalledWith({ name: 'ana', active: false });
    expect(await screen.findByTestId('people-notice')).toHaveTextContent('Ana Analyst is deactivated');

    await user.click(within(row('olivia')).getByTestId('person-toggle-active'));
    expect(await screen.findByTestId('error-banner')).toHaveTextContent('at least one active owner');

    expect(within(row('vera')).getByTestId('person-toggle-active')).toHaveTextContent('Activate');
    await user.click(within(row('vera')).getByTestId('person-toggle-active'));
    expect(updatePerson).toHaveBeenLastCalledWith({ name: 'vera', active: true });
  });

  it('edits a person’s roles in the row (Escape cancels) and resets a passphrase', async () => {
    const user = userEvent.setup();
    const { backend, onsessionchange } = renderView();
    await screen.findByTestId('people-table');
    await user.click(within(row('ana')).getByTestId('person-edit'));
    let form = screen.getByTestId('person-form');
    expect(within(form).getByTestId('edit-display-name')).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(screen.queryByTestId('person-form')).toBeNull();

    await user.click(within(row('ana')).getByTestId('person-edit'));
    form = screen.getByTestId('person-form');
    expect(within(form).getByTestId('edit-role-analyst')).toBeChecked();
    await user.click(within(form).getByTestId('edit-role-finance'));
    await user.click(within(form).getByTestId('edit-save'));
    await waitFor(() =>
      expect(backend.updatePerson).toHaveBeenCalledWith({ name: 'ana', display_name: 'Ana Analyst', roles: ['analyst', 'finance'] }),
    );
    expect(onsessionchange).not.toHaveBeenCalled(); // someone else

    await user.click(within(row('vera')).getByTestId('person-reset'));
    form = screen.getByTestId('person-form');
    await user.type(within(form).getByTestId('reset-passphrase'), 'vera new passphrase');
    await user.type(within(form).getByTestId('reset-confirm'), 'vera new passphrase{Enter}');
    await waitFor(() => expect(backend.resetPassphrase).toHaveBeenCalledWith({ name: 'vera', passphrase: 'vera new passphrase' }));
  });

  it('without users.manage every change is disabled, naming the permission; one’s own passphrase still changes', async () => {
    const user = userEvent.setup();
    const { backend } = renderView(
      {
        changePassphrase: vi
          .fn<Backend['changePassphrase']>()
          .mockRejectedValueOnce({ code: 'unauthenticated', message: SIGN_IN_FAILED })
          .mockResolvedValue(ANA),
      },
      ANA,
    );
    await screen.findByTestId('people-table');
    for (const id of ['person-edit', 'person-toggle-active', 'person-reset']) {
      expect(within(row('vera')).getByTestId(id)).toBeDisabled();
      expect(within(row('vera')).getByTestId(id)).toHaveAttribute('title', expect.stringContaining('“users.manage”'));
    }
    expect(screen.getByTestId('add-submit')).toBeDisabled();
    expect(screen.getByTestId('add-name')).toBeDisabled();

    const own = screen.getByTestId('change-passphrase-form');
    await user.type(within(own).getByTestId('change-current'), 'ana-demo-pass');
    await user.type(within(own).getByTestId('change-new'), 'ana better passphrase');
    await user.type(within(own).getByTestId('change-confirm'), 'ana better passphrase{Enter}');
    expect(await within(own).findByTestId('change-error')).toHaveTextContent(SIGN_IN_FAILED);
    await user.type(within(own).getByTestId('change-current'), '{Enter}');
    expect(await within(own).findByTestId('change-notice')).toHaveTextContent('Passphrase changed');
    expect(backend.changePassphrase).toHaveBeenLastCalledWith({ current: 'ana-demo-pass', new: 'ana better passphrase' });
    expect(backend.addPerson).not.toHaveBeenCalled();
  });
});
