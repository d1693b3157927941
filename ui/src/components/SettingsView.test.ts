// Settings: the idle lock, checked before saving; read-only without workspace.settings.
import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import SettingsView from './SettingsView.svelte';
import { accessContext, accessOf } from '../lib/access';
import { fakeBackend } from '../test/backend';
import { permissionsOf, person } from '../test/people';

const as = (roles: Parameters<typeof person>[1]) => accessContext(accessOf(person('p', roles), permissionsOf(roles)));

describe('SettingsView', () => {
  it('saves the idle lock minutes after checking them, and tells App', async () => {
    const user = userEvent.setup();
    const backend = fakeBackend();
    const onsaved = vi.fn();
    render(SettingsView, { props: { backend, onsaved }, context: as(['owner']) });
    const minutes = await screen.findByTestId('idle-minutes');
    expect(minutes).toHaveValue('15');
    await user.clear(minutes);
    await user.type(minutes, '0{Enter}');
    expect(screen.getByTestId('idle-minutes-error')).toHaveTextContent('Give 1 to 480 minutes.');
    expect(backend.saveWorkspaceSettings).not.toHaveBeenCalled();
    await user.clear(minutes);
    await user.type(minutes, '30{Enter}');
    await waitFor(() => expect(backend.saveWorkspaceSettings).toHaveBeenCalledWith({ idle_lock_minutes: 30 }));
    expect(await screen.findByTestId('settings-notice')).toHaveTextContent('locks after 30 minutes');
    expect(onsaved).toHaveBeenCalledTimes(1);
  });

  it('is read-only without workspace.settings', async () => {
    render(SettingsView, { props: { backend: fakeBackend() }, context: as(['manager']) });
    expect(await screen.findByTestId('idle-minutes')).toHaveAttribute('readonly');
    expect(screen.getByTestId('settings-save')).toBeDisabled();
    expect(screen.getByTestId('settings-denied')).toHaveTextContent('“workspace.settings”');
  });
});
