// The listener panel on the Postbacks screen against a fake Backend: start/stop and the address, the port
// check, the sources table, and the add-source form (config + only the typed secrets, server errors by field).
import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import PostbacksView from './PostbacksView.svelte';
import type { Backend } from '../lib/api';
import { fakeBackend } from '../test/backend';
import { listenerSource, listenerStatus, postbackSource } from '../test/fixtures';

function renderView(backend: Backend) {
  render(PostbacksView, { backend });
  return backend;
}

describe('ListenerPanel', () => {
  it('starts on the typed port, shows the address and tracker URL, and stops', async () => {
    const user = userEvent.setup();
    const backend = renderView(
      fakeBackend({
        postbackListenerStatus: vi.fn(async () => listenerStatus({ sources: [listenerSource('voluum-main')] })),
        postbackListenerStart: vi.fn(async (port: number) =>
          listenerStatus({
            running: true,
            address: `127.0.0.1:${port}`,
            started_at_ms: Date.UTC(2026, 9, 3, 12),
            sources: [listenerSource('voluum-main')],
            recorded: 12,
            duplicates: 3,
            rejected: 2,
          }),
        ),
        postbackListenerStop: vi.fn(async () => listenerStatus({ sources: [listenerSource('voluum-main')] })),
      }),
    );
    const panel = await screen.findByTestId('listener');
    await waitFor(() => expect(within(panel).getByTestId('listener-status')).toHaveTextContent('Off'));
    const toggle = within(panel).getByTestId('listener-toggle');
    expect(toggle).toHaveTextContent('Start');
    expect(within(panel).queryByTestId('listener-url')).toBeNull();

    const port = within(panel).getByTestId('listener-port');
    await user.clear(port);
    await user.type(port, '70000');
    await user.click(toggle);
    expect(within(panel).getByTestId('listener-port-error')).toHaveTextContent('1–65535');
    expect(backend.postbackListenerStart).not.toHaveBeenCalled();

    await user.clear(port);
    await user.type(port, '8787');
    await user.click(toggle);
    await waitFor(() => expect(within(panel).getByTestId('listener-status')).toHaveTextContent('Listening on 127.0.0.1:8787 since'));
    expect(backend.postbackListenerStart).toHaveBeenCalledWith(8787);
    expect(within(panel).getByTestId('listener-counters')).toHaveTextContent('12 recorded');
    expect(within(panel).getByTestId('listener-counters')).toHaveTextContent('3 duplicates');
    expect(within(panel).getByTestId('listener-counters')).toHaveTextContent('2 rejected');
    expect(within(panel).getByTestId('listener-url')).toHaveValue('http://127.0.0.1:8787/postback/voluum-main');
    expect(toggle).toHaveTextContent('Stop');

    await user.click(toggle);
    await waitFor(() => expect(within(panel).getByTestId('listener-status')).toHaveTextContent('Off'));
    expect(backend.postbackListenerStop).toHaveBeenCalledTimes(1);
    expect(within(panel).queryByTestId('listener-url')).toBeNull();
  });

  it('lists sources with dialect and secret flags, and warns about an empty allow-list', async () => {
    renderView(
      fakeBackend({
        postbackListenerStatus: vi.fn(async () =>
          listenerStatus({
            sources: [
              listenerSource('voluum-main', { has_token: true, has_hmac_secret: true, has_previous_hmac_secret: true }),
              listenerSource('closed', { dialect: 'keitaro', has_token: false }),
            ],
          }),
        ),
        postbackSources: vi.fn(async () => [postbackSource('voluum-main'), postbackSource('closed', { dialect: 'keitaro', allow_ips: [] })]),
      }),
    );
    await waitFor(() => expect(screen.getAllByTestId('listener-source')).toHaveLength(2));
    const [open, closed] = screen.getAllByTestId('listener-source');
    expect(open).toHaveTextContent('voluum');
    expect(open).toHaveTextContent('token ✓');
    expect(open).toHaveTextContent('HMAC ✓');
    expect(open).toHaveTextContent('rotating');
    expect(open).toHaveTextContent('203.0.113.0/24');
    expect(within(open).queryByTestId('listener-deny-all')).toBeNull();
    expect(closed).toHaveTextContent('keitaro');
    expect(closed).not.toHaveTextContent('token ✓');
    await waitFor(() =>
      expect(within(closed).getByTestId('listener-deny-all')).toHaveTextContent('denies every request until you add an IP'),
    );
  });

  it('gives each running source its pixel URL when it has a token, and says why not when it has none', async () => {
    renderView(
      fakeBackend({
        postbackListenerStatus: vi.fn(async () =>
          listenerStatus({
            running: true,
            address: '127.0.0.1:8787',
            started_at_ms: 1_760_000_000_000,
            sources: [listenerSource('voluum-main', { has_token: true }), listenerSource('signed-only', { has_token: false, has_hmac_secret: true })],
          }),
        ),
        postbackSources: vi.fn(async () => [postbackSource('voluum-main'), postbackSource('signed-only')]),
      }),
    );
    await waitFor(() => expect(screen.getAllByTestId('listener-source')).toHaveLength(2));
    const [withToken, signedOnly] = screen.getAllByTestId('listener-source');
    expect(within(withToken).getByTestId('listener-pixel-url')).toHaveValue('http://127.0.0.1:8787/pixel/voluum-main.gif?token=<token>');
    expect(within(signedOnly).queryByTestId('listener-pixel-url')).toBeNull();
    expect(within(signedOnly).getByTestId('listener-pixel-none')).toHaveTextContent('Pixels need a token');
  });

  it('saves the config and only the secrets typed, then re-reads the sources', async () => {
    const user = userEvent.setup();
    const backend = renderView(fakeBackend());
    await user.click(await screen.findByTestId('add-postback-source'));
    const form = screen.getByTestId('postback-source-form');
    expect(within(form).getByTestId('pb-deny-all-warning')).toHaveTextContent('denies every request until you add an IP');
    await user.type(within(form).getByLabelText(/^Name/), 'kt-1');
    await user.selectOptions(within(form).getByLabelText(/^Dialect/), 'keitaro');
    await user.type(within(form).getByLabelText(/^Allowed IPs/), '203.0.113.7{Enter}{Enter} 198.51.100.0/24 ');
    expect(within(form).queryByTestId('pb-deny-all-warning')).toBeNull();
    await user.clear(within(form).getByLabelText(/^Currency/));
    await user.type(within(form).getByLabelText(/^Currency/), 'eur');
    await user.click(within(form).getByLabelText(/^HMAC signature required/));
    await user.type(within(form).getByLabelText(/^HMAC secret/), 's3cret');
    expect(within(form).getByLabelText(/^Token/)).toHaveAttribute('type', 'password');
    await user.click(within(form).getByTestId('save-postback-source'));

    await waitFor(() => expect(screen.queryByTestId('postback-source-form')).toBeNull());
    expect(backend.postbackSaveSource).toHaveBeenCalledWith({
      config: {
        name: 'kt-1',
        program: '',
        dialect: 'keitaro',
        allow_ips: ['203.0.113.7', '198.51.100.0/24'],
        allow_any_ip: false,
        hmac_required: true,
        default_currency: 'EUR',
      },
      secrets: { hmac_current: 's3cret', clear_previous: false },
    });
    expect(backend.postbackSources).toHaveBeenCalledTimes(2);
    expect(screen.getAllByTestId('listener-source')[0]).toHaveTextContent('kt-1');
  });

  it('warns that allow-any-IP accepts everyone, and puts a server error beside the named field', async () => {
    const user = userEvent.setup();
    const save = vi.fn().mockRejectedValue({ code: 'invalid_input', message: 'Allowed IPs: 300.1.1.1 is not an IP or CIDR' });
    renderView(fakeBackend({ postbackSaveSource: save }));
    await user.click(await screen.findByTestId('add-postback-source'));
    const form = screen.getByTestId('postback-source-form');
    await user.type(within(form).getByLabelText(/^Name/), 'v');
    await user.click(within(form).getByLabelText(/^Allow any IP/));
    expect(within(form).getByTestId('pb-any-ip-warning')).toHaveTextContent('accepts requests from everyone');
    await user.click(within(form).getByLabelText(/^Allow any IP/));
    await user.type(within(form).getByLabelText(/^Allowed IPs/), '300.1.1.1');
    await user.type(within(form).getByLabelText(/^Token/), 'tok{Enter}');
    await waitFor(() => expect(within(form).getByTestId('pb-error-allow_ips')).toHaveTextContent('300.1.1.1 is not an IP or CIDR'));
    expect(within(form).getByLabelText(/^Allowed IPs/)).toHaveAttribute('aria-invalid', 'true');
    expect(within(form).getByLabelText(/^Allowed IPs/)).toHaveFocus();
    expect(save.mock.calls[0][0].secrets).toEqual({ token: 'tok', clear_previous: false });

    await user.keyboard('{Escape}');
    expect(screen.queryByTestId('postback-source-form')).toBeNull();
  });

  it('checks the name and currency before calling the backend', async () => {
    const user = userEvent.setup();
    const backend = renderView(fakeBackend());
    await user.click(await screen.findByTestId('add-postback-source'));
    const form = screen.getByTestId('postback-source-form');
    await user.type(within(form).getByLabelText(/^Name/), 'bad name');
    await user.clear(within(form).getByLabelText(/^Currency/));
    await user.click(within(form).getByTestId('save-postback-source'));
    expect(within(form).getByTestId('pb-error-name')).toHaveTextContent('letters, digits');
    expect(within(form).getByTestId('pb-error-default_currency')).toHaveTextContent('ISO 4217');
    expect(backend.postbackSaveSource).not.toHaveBeenCalled();
  });
});
