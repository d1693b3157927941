// The Sources screen against a fake Backend: what is listed, the add/edit form, test connection.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import SourcesView from './SourcesView.svelte';
import type { Backend } from '../lib/api';
import type { SourceSettings } from '../lib/bindings';
import { fakeBackend } from '../test/backend';
import { deferred } from '../test/ipc';
import { NOW_MS, OPERATOR, source, sourcesOverview, TRACKER } from '../test/fixtures';

function renderView(backend: Backend = fakeBackend(), onsync = vi.fn()) {
  render(SourcesView, { backend, syncing: false, progress: null, syncGeneration: 0, onsync });
  return backend;
}

const rowOf = (name: string) =>
  screen.getAllByTestId('source-row').find((r) => r.dataset.sourceName === name)!;

const field = (name: string) =>
  within(screen.getByTestId('source-form')).getByRole(name === 'kind' ? 'combobox' : 'textbox', {
    name: new RegExp(`^${name}`, 'i'),
  });

describe('SourcesView list', () => {
  // Only Date is faked: freshness ages are computed against the fixtures' clock, timers stay real.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW_MS);
  });
  afterEach(() => vi.useRealTimers());

  it('lists each source with its program, kind, URL, enabled, key stored, freshness and last message', async () => {
    renderView(
      fakeBackend({ listSources: vi.fn(async () => sourcesOverview({ sources: [TRACKER, { ...OPERATOR, program: 'Demo Broker' }] })) }),
    );
    await screen.findByTestId('sources-table');
    expect(screen.getAllByTestId('source-row').map((r) => r.dataset.sourceName)).toEqual([
      'Demo tracker',
      'Demo operator',
    ]);

    const tracker = rowOf('Demo tracker');
    expect(within(tracker).getByTestId('source-program')).toHaveTextContent('Lucky Casino EU');
    expect(tracker).toHaveTextContent('everflow');
    expect(tracker).toHaveTextContent('http://127.0.0.1:41001');
    expect(within(tracker).getByTestId('source-enabled')).toHaveTextContent('Yes');
    expect(within(tracker).getByTestId('source-key')).toHaveTextContent('Stored');
    expect(within(tracker).getByTestId('freshness-chip')).toHaveAttribute('data-status', 'ok');
    expect(within(tracker).getByTestId('freshness-chip')).toHaveTextContent('synced 3 min ago');
    expect(within(tracker).getByTestId('source-message')).toHaveTextContent('1,234 rows');

    const operator = rowOf('Demo operator');
    expect(within(operator).getByTestId('source-program')).toHaveTextContent('Demo Broker');
    expect(within(operator).getByTestId('source-enabled')).toHaveTextContent('Paused');
    expect(within(operator).getByTestId('source-key')).toHaveTextContent('Missing');
    expect(within(operator).getByTestId('freshness-chip')).toHaveAttribute('data-status', 'failed');
    expect(within(operator).getByTestId('source-message')).toHaveTextContent('HTTP 503 from operator');

    expect(screen.getByTestId('credential-backend')).toHaveTextContent('OS keychain');
    expect(screen.queryByTestId('credential-warning')).toBeNull();
  });

  it('shows the credential warning as a banner', async () => {
    const warning = 'No OS keychain is reachable: API keys are stored in a file in the data folder.';
    renderView(
      fakeBackend({
        listSources: async () => sourcesOverview({ credential_backend: 'file', credential_warning: warning }),
      }),
    );
    expect(await screen.findByTestId('credential-warning')).toHaveTextContent(warning);
    // The banner says where the keys are; the header does not repeat it.
    expect(screen.queryByTestId('credential-backend')).toBeNull();
  });

  it('has a clear empty state', async () => {
    renderView(fakeBackend({ listSources: async () => sourcesOverview({ sources: [] }) }));
    expect(await screen.findByTestId('sources-empty')).toHaveTextContent(
      'No sources yet — add your tracker or operator API',
    );
    expect(screen.queryByTestId('sources-table')).toBeNull();
  });

  it('a failed load offers Retry', async () => {
    const user = userEvent.setup();
    const listSources = vi
      .fn<Backend['listSources']>()
      .mockRejectedValueOnce({ code: 'storage', message: 'database is locked' })
      .mockResolvedValueOnce(sourcesOverview());
    renderView(fakeBackend({ listSources }));
    expect(await screen.findByTestId('error-banner')).toHaveTextContent('database is locked');
    await user.click(screen.getByTestId('retry'));
    expect(await screen.findByTestId('sources-table')).toBeInTheDocument();
    expect(screen.queryByTestId('error-banner')).toBeNull();
  });
});

describe('SourcesView add and edit', () => {
  it('client validation blocks submit with an inline message beside the field', async () => {
    const user = userEvent.setup();
    const backend = renderView();
    await user.click(await screen.findByTestId('add-source'));
    expect(field('name')).toHaveFocus();

    await user.type(field('name'), 'New tracker');
    await user.type(field('base url'), 'tracker.example.com{Enter}');
    expect(screen.getByTestId('error-base_url')).toHaveTextContent('http:// or https://');
    expect(field('base url')).toHaveAttribute('aria-invalid', 'true');
    expect(field('base url')).toHaveAccessibleDescription(/http:\/\/ or https:\/\//);
    expect(field('base url')).toHaveFocus();
    expect(backend.saveSource).not.toHaveBeenCalled();

    await user.clear(field('page size'));
    await user.type(field('page size'), '5000{Enter}');
    expect(screen.getByTestId('error-page_size')).toHaveTextContent('1 to 2000');
    expect(backend.saveSource).not.toHaveBeenCalled();
  });

  it('adds a source with Enter, sends the key, closes the form and re-reads the list', async () => {
    const user = userEvent.setup();
    const listSources = vi
      .fn<Backend['listSources']>()
      .mockResolvedValueOnce(sourcesOverview())
      .mockResolvedValue(sourcesOverview({ sources: [TRACKER, OPERATOR, source('Affise EU', { kind: 'affise' })] }));
    const backend = renderView(fakeBackend({ listSources }));
    await user.click(await screen.findByTestId('add-source'));
    await user.type(field('name'), 'Affise EU');
    await user.selectOptions(field('kind'), 'affise');
    await user.type(field('base url'), 'https://api.affise.example');
    await user.type(screen.getByLabelText('API key'), 'sk-live-1{Enter}');

    await waitFor(() => expect(screen.queryByTestId('source-form')).toBeNull());
    expect(backend.saveSource).toHaveBeenCalledWith({
      name: 'Affise EU',
      kind: 'affise',
      base_url: 'https://api.affise.example',
      window_days: 90,
      page_size: 500,
      overlap_minutes: 60,
      enabled: true,
      api_key: 'sk-live-1',
    } satisfies SourceSettings);
    expect(await screen.findByTestId('sources-notice')).toHaveTextContent('Saved “Affise EU”');
    await waitFor(() => expect(screen.getAllByTestId('source-row')).toHaveLength(3));
    expect(screen.getByTestId('add-source')).toHaveFocus(); // focus returns to what opened the form
  });

  it('offers TUNE (HasOffers) as a kind and saves a TUNE source with its key', async () => {
    const user = userEvent.setup();
    const listSources = vi
      .fn<Backend['listSources']>()
      .mockResolvedValueOnce(sourcesOverview())
      .mockResolvedValue(sourcesOverview({ sources: [TRACKER, OPERATOR, source('TUNE network', { kind: 'tune' })] }));
    const backend = renderView(fakeBackend({ listSources }));
    await user.click(await screen.findByTestId('add-source'));
    const kinds = within(field('kind')).getAllByRole('option');
    expect(kinds.map((o) => o.textContent)).toContain('TUNE / HasOffers (tracker)');
    await user.type(field('name'), 'TUNE network');
    await user.selectOptions(field('kind'), 'tune');
    await user.type(field('base url'), 'https://demo.api.hasoffers.com');
    await user.type(screen.getByLabelText('API key'), 'ho-key-1{Enter}');

    await waitFor(() => expect(screen.queryByTestId('source-form')).toBeNull());
    expect(backend.saveSource).toHaveBeenCalledWith({
      name: 'TUNE network',
      kind: 'tune',
      base_url: 'https://demo.api.hasoffers.com',
      window_days: 90,
      page_size: 500,
      overlap_minutes: 60,
      enabled: true,
      api_key: 'ho-key-1',
    } satisfies SourceSettings);
    await waitFor(() => expect(screen.getAllByTestId('source-row')).toHaveLength(3));
    expect(rowOf('TUNE network')).toHaveTextContent('tune');
  });

  it('a server invalid_input "Base URL: …" lands beside the Base URL field and keeps the form open', async () => {
    const user = userEvent.setup();
    const backend = renderView(
      fakeBackend({
        saveSource: vi.fn(async () => {
          throw { code: 'invalid_input', message: 'Base URL: empty host' };
        }),
      }),
    );
    await user.click(await screen.findByTestId('add-source'));
    await user.type(field('name'), 'Odd');
    // Passes the client's check; the server is the authority and its word goes beside the field it names.
    await user.type(field('base url'), 'https://tracker.example.com');
    await user.click(screen.getByTestId('save-source'));
    expect(backend.saveSource).toHaveBeenCalledTimes(1);

    const form = screen.getByTestId('source-form');
    const error = await within(form).findByTestId('error-base_url');
    expect(error).toHaveTextContent('empty host');
    expect(error).not.toHaveTextContent('Base URL:');
    expect(field('base url')).toHaveAttribute('aria-invalid', 'true');
    expect(field('base url')).toHaveFocus();
    expect(within(form).queryByTestId('form-error')).toBeNull();
  });

  it('edit: name is fixed, the key placeholder says it is stored, and an empty key is not sent', async () => {
    const user = userEvent.setup();
    const backend = renderView();
    await screen.findByTestId('sources-table');
    await user.click(within(rowOf('Demo tracker')).getByTestId('edit-source'));

    const form = screen.getByTestId('source-form');
    expect(within(form).getByRole('heading')).toHaveTextContent('Edit Demo tracker');
    expect(field('name')).toHaveValue('Demo tracker');
    expect(field('name')).toHaveAttribute('readonly');
    const key = within(form).getByLabelText('API key');
    expect(key).toHaveAttribute('type', 'password');
    expect(key).toHaveValue('');
    expect(key).toHaveAttribute('placeholder', 'stored — leave empty to keep');

    await user.clear(field('window'));
    await user.type(field('window'), '30');
    await user.click(within(form).getByRole('checkbox', { name: /Enabled/ }));
    await user.click(within(form).getByTestId('save-source'));

    await waitFor(() => expect(backend.saveSource).toHaveBeenCalledTimes(1));
    const sent = vi.mocked(backend.saveSource).mock.calls[0][0];
    expect(sent).not.toHaveProperty('api_key');
    expect(sent).toEqual({
      name: 'Demo tracker',
      kind: 'everflow',
      base_url: 'http://127.0.0.1:41001',
      window_days: 30,
      page_size: 500,
      overlap_minutes: 60,
      enabled: false,
    });
  });

  it('Escape cancels without saving and returns focus to Edit', async () => {
    const user = userEvent.setup();
    const backend = renderView();
    await screen.findByTestId('sources-table');
    const edit = within(rowOf('Demo operator')).getByTestId('edit-source');
    await user.click(edit);
    expect(within(screen.getByTestId('source-form')).getByLabelText('API key')).toHaveAttribute(
      'placeholder',
      'none stored',
    );
    await user.type(field('base url'), '/changed');
    await user.keyboard('{Escape}');
    expect(screen.queryByTestId('source-form')).toBeNull();
    expect(backend.saveSource).not.toHaveBeenCalled();
    expect(edit).toHaveFocus();
  });

  it('a server error naming no field is shown for the whole form', async () => {
    const user = userEvent.setup();
    renderView(
      fakeBackend({
        saveSource: async () => {
          throw { code: 'storage', message: 'database is locked' };
        },
      }),
    );
    await user.click(await screen.findByTestId('add-source'));
    await user.type(field('name'), 'X');
    await user.type(field('base url'), 'https://x.example{Enter}');
    expect(await screen.findByTestId('form-error')).toHaveTextContent('database is locked');
    expect(screen.getByTestId('source-form')).toBeInTheDocument();
  });
});

describe('SourcesView test connection', () => {
  it('shows ok with latency and message, then failed with the reason', async () => {
    const user = userEvent.setup();
    const pending = deferred<{ ok: boolean; message: string; latency_ms: number }>();
    const testSource = vi
      .fn<Backend['testSource']>()
      .mockReturnValueOnce(pending.promise)
      .mockResolvedValueOnce({ ok: false, message: 'HTTP 401: bad API key', latency_ms: 1530 });
    renderView(fakeBackend({ testSource }));
    await screen.findByTestId('sources-table');

    const button = within(rowOf('Demo tracker')).getByTestId('test-source');
    await user.click(button);
    expect(testSource).toHaveBeenCalledWith('Demo tracker');
    expect(button).toBeDisabled();
    expect(button).toHaveTextContent('Testing…');

    pending.resolve({ ok: true, message: 'HTTP 200, 1 row', latency_ms: 42 });
    const ok = await screen.findByTestId('test-result');
    expect(ok).toHaveAttribute('data-ok', 'true');
    expect(ok).toHaveTextContent('Connection ok');
    expect(ok).toHaveTextContent('42 ms');
    expect(ok).toHaveTextContent('HTTP 200, 1 row');

    await user.click(button);
    await waitFor(() => expect(screen.getByTestId('test-result')).toHaveAttribute('data-ok', 'false'));
    expect(screen.getByTestId('test-result')).toHaveTextContent('Connection failed');
    expect(screen.getByTestId('test-result')).toHaveTextContent('1,530 ms');
    expect(screen.getByTestId('test-result')).toHaveTextContent('HTTP 401: bad API key');
  });

  it('a rejected test (no key stored) reads as failed with the message', async () => {
    const user = userEvent.setup();
    renderView(
      fakeBackend({
        testSource: async () => {
          throw { code: 'invalid_input', message: "API key: no key is stored for 'Demo operator'" };
        },
      }),
    );
    await screen.findByTestId('sources-table');
    await user.click(within(rowOf('Demo operator')).getByTestId('test-source'));
    const result = await screen.findByTestId('test-result');
    expect(result).toHaveAttribute('data-ok', 'false');
    expect(result).toHaveTextContent("no key is stored for 'Demo operator'");
  });
});
