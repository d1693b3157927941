// Settings: the idle lock and the payout rules (two-approver threshold, payee hold), each checked before saving
// with the error beside its field; a refusal of the core naming a field lands beside it; read-only without
// workspace.settings.
import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import SettingsView from './SettingsView.svelte';
import { accessContext, accessOf } from '../lib/access';
import { fakeBackend } from '../test/backend';
import { permissionsOf, person } from '../test/people';

const as = (roles: Parameters<typeof person>[1]) => accessContext(accessOf(person('p', roles), permissionsOf(roles)));

describe('SettingsView', () => {
  it('saves the idle lock minutes after checking them, keeps the payout rules, and tells App', async () => {
    const user = userEvent.setup();
    const backend = fakeBackend();
    const onsaved = vi.fn();
    render(SettingsView, { props: { backend, onsaved }, context: as(['owner']) });
    const minutes = await screen.findByTestId('idle-minutes');
    expect(minutes).toHaveValue('15');
    await user.clear(minutes);
    await user.type(minutes, '0{Enter}');
    expect(screen.getByTestId('idle-minutes-error')).toHaveTextContent('Give 1 to 480 minutes.');
    expect(minutes).toHaveFocus();
    expect(backend.saveWorkspaceSettings).not.toHaveBeenCalled();
    await user.clear(minutes);
    await user.type(minutes, '30{Enter}');
    await waitFor(() =>
      expect(backend.saveWorkspaceSettings).toHaveBeenCalledWith({ idle_lock_minutes: 30, two_approvals_from: '10000', payee_hold_days: 3 }),
    );
    expect(await screen.findByTestId('settings-notice')).toHaveTextContent('locks after 30 minutes');
    expect(screen.getByTestId('settings-notice')).toHaveTextContent('runs from 10,000 need two approvers');
    expect(onsaved).toHaveBeenCalledTimes(1);
  });

  it('checks the two-approver amount and the hold days, each beside its field, then saves them', async () => {
    const user = userEvent.setup();
    const backend = fakeBackend();
    render(SettingsView, { props: { backend }, context: as(['owner']) });
    const two = await screen.findByTestId('two-approvals-from');
    const hold = screen.getByTestId('payee-hold-days');
    expect(two).toHaveValue('10000');
    expect(hold).toHaveValue('3');
    expect(screen.getByTestId('payout-rules')).toHaveTextContent('never approves their own run');
    await user.clear(two);
    await user.type(two, '-5');
    await user.clear(hold);
    await user.type(hold, '61{Enter}');
    expect(screen.getByTestId('two-approvals-from-error')).toHaveTextContent('Give an amount of 0 or more');
    expect(screen.getByTestId('payee-hold-days-error')).toHaveTextContent('Give 0 to 60 days.');
    expect(two).toHaveFocus(); // the first wrong field
    expect(two).toHaveAttribute('aria-invalid', 'true');
    expect(backend.saveWorkspaceSettings).not.toHaveBeenCalled();
    await user.clear(two);
    await user.type(two, '2500.50');
    await user.clear(hold);
    await user.type(hold, '0{Enter}');
    await waitFor(() =>
      expect(backend.saveWorkspaceSettings).toHaveBeenCalledWith({ idle_lock_minutes: 15, two_approvals_from: '2500.50', payee_hold_days: 0 }),
    );
    expect(await screen.findByTestId('settings-notice')).toHaveTextContent('held 0 days');
  });

  it('puts a refusal of the core that names a field beside that field', async () => {
    const user = userEvent.setup();
    const backend = fakeBackend({
      saveWorkspaceSettings: vi.fn(async () => Promise.reject({ code: 'invalid_input', message: "Two approvers from: give an amount of 0 or more, got '1e9'" })),
    });
    render(SettingsView, { props: { backend }, context: as(['owner']) });
    await user.click(await screen.findByTestId('settings-save'));
    expect(await screen.findByTestId('two-approvals-from-error')).toHaveTextContent("give an amount of 0 or more, got '1e9'");
    expect(screen.queryByTestId('error-banner')).toBeNull();
    await user.type(screen.getByTestId('two-approvals-from'), '0');
    expect(screen.queryByTestId('two-approvals-from-error')).toBeNull();
  });

  it('takes a verified backup on demand, for the owner and finance', async () => {
    const user = userEvent.setup();
    const backend = fakeBackend();
    render(SettingsView, { props: { backend }, context: as(['finance']) });
    await user.type(await screen.findByTestId('backup-path'), 'before-year-end.sqlite');
    await user.click(screen.getByTestId('backup-now'));
    expect(backend.backupWorkspace).toHaveBeenCalledWith('before-year-end.sqlite');
    expect(await screen.findByTestId('backup-done')).toHaveTextContent('Backed up 1,048,576 bytes to before-year-end.sqlite; integrity check: ok.');
  });

  it('shows the core’s refusal of a backup', async () => {
    const user = userEvent.setup();
    const backend = fakeBackend({
      backupWorkspace: vi.fn(async () => Promise.reject({ code: 'invalid_input', message: 'Backup file: /b/x.sqlite: exists already; choose another name' })),
    });
    render(SettingsView, { props: { backend }, context: as(['owner']) });
    await user.click(await screen.findByTestId('backup-now'));
    expect(await screen.findByTestId('backup-error')).toHaveTextContent('exists already; choose another name');
  });

  it('a viewer may not take a backup', async () => {
    render(SettingsView, { props: { backend: fakeBackend() }, context: as(['viewer']) });
    expect(await screen.findByTestId('backup-now')).toBeDisabled();
    expect(screen.getByTestId('backup-now')).toHaveAttribute('title', expect.stringContaining('“workspace.backup”'));
  });

  it('is read-only without workspace.settings', async () => {
    render(SettingsView, { props: { backend: fakeBackend() }, context: as(['manager']) });
    expect(await screen.findByTestId('idle-minutes')).toHaveAttribute('readonly');
    expect(screen.getByTestId('two-approvals-from')).toHaveAttribute('readonly');
    expect(screen.getByTestId('payee-hold-days')).toHaveAttribute('readonly');
    expect(screen.getByTestId('settings-save')).toBeDisabled();
    expect(screen.getByTestId('settings-denied')).toHaveTextContent('“workspace.settings”');
  });
});
