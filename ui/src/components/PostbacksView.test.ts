// The postback log against a fake Backend: filters sent, rows and outcome badges, paging, empty states,
// auto-refresh.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import PostbacksView from './PostbacksView.svelte';
import type { Backend } from '../lib/api';
import type { PostbackLogFilter } from '../lib/bindings';
import { fakeBackend } from '../test/backend';
import { listenerStatus, postbackRow, postbackSource } from '../test/fixtures';

function renderView(backend: Backend, props: { pageSize?: number; refreshMs?: number } = {}) {
  render(PostbacksView, { backend, ...props });
  return backend;
}

const ROWS = [
  postbackRow(5, { outcome: 'rejected', status_code: 403, reason: 'ip 198.51.100.9 not allowed', latency_us: 120 }),
  postbackRow(4, { outcome: 'duplicate', reason: 'already recorded', latency_us: 2500 }),
  postbackRow(3, { outcome: 'stale', reason: 'older than the stored status' }),
  postbackRow(2, { outcome: 'updated', method: 'POST', latency_us: 15_400 }),
  postbackRow(1, { outcome: 'recorded' }),
];

afterEach(() => vi.useRealTimers());

describe('PostbacksView', () => {
  it('renders rows newest first with outcome badges, status, reason and latency', async () => {
    renderView(fakeBackend({ postbackLog: vi.fn(async (f: PostbackLogFilter) => ({ rows: ROWS, total: 5, page: f.page, page_size: f.page_size })) }));
    await screen.findByTestId('postbacks-table');
    const rows = screen.getAllByTestId('postback-row');
    expect(rows.map((r) => r.dataset.outcome)).toEqual(['rejected', 'duplicate', 'stale', 'updated', 'recorded']);
    const badge = (i: number) => within(rows[i]).getByTestId('outcome-badge');
    expect(badge(0)).toHaveClass('outcome-rejected');
    expect(badge(0)).toHaveTextContent('rejected');
    expect(badge(1)).toHaveClass('outcome-duplicate');
    expect(badge(2)).toHaveClass('outcome-stale');
    expect(rows[0]).toHaveTextContent('403');
    expect(rows[0]).toHaveTextContent('ip 198.51.100.9 not allowed');
    expect(rows[0]).toHaveTextContent('120 µs');
    expect(rows[0]).toHaveTextContent('voluum-main');
    expect(rows[0]).toHaveTextContent('203.0.113.7');
    expect(rows[1]).toHaveTextContent('2.5 ms');
    expect(rows[3]).toHaveTextContent('POST');
    expect(rows[3]).toHaveTextContent('15 ms');
    expect(rows[4]).toHaveTextContent('/postback/voluum-main?cid=c-1&payout=10&token=***');
    expect(screen.getByTestId('postbacks-range')).toHaveTextContent('1–5 of 5');
  });

  it('sends source, outcome and text filters, going back to page 1, and pages', async () => {
    const user = userEvent.setup();
    const log = vi.fn(async (f: PostbackLogFilter) => ({
      rows: [postbackRow(f.page * 10), postbackRow(f.page * 10 + 1)],
      total: 5,
      page: f.page,
      page_size: f.page_size,
    }));
    const backend = renderView(
      fakeBackend({ postbackLog: log, postbackSources: vi.fn(async () => [postbackSource('voluum-main'), postbackSource('keitaro', { dialect: 'keitaro' })]) }),
      { pageSize: 2 },
    );
    await screen.findByTestId('postbacks-table');
    expect(backend.postbackLog).toHaveBeenLastCalledWith({ page: 1, page_size: 2 });
    expect(screen.getByTestId('postbacks-range')).toHaveTextContent('1–2 of 5');

    await user.click(screen.getByTestId('postbacks-next'));
    await waitFor(() => expect(screen.getByTestId('postbacks-range')).toHaveTextContent('3–4 of 5'));
    expect(log).toHaveBeenLastCalledWith({ page: 2, page_size: 2 });

    await waitFor(() => expect(screen.getByTestId('postbacks-source')).toHaveTextContent('keitaro (keitaro)'));
    await user.selectOptions(screen.getByLabelText('Source'), 'keitaro');
    await waitFor(() => expect(log).toHaveBeenLastCalledWith({ source: 'keitaro', page: 1, page_size: 2 }));
    await user.selectOptions(screen.getByLabelText('Outcome'), 'rejected');
    await waitFor(() =>
      expect(log).toHaveBeenLastCalledWith({ source: 'keitaro', outcome: 'rejected', page: 1, page_size: 2 }),
    );
    await user.type(screen.getByLabelText('Text'), ' cid=c-9 {Enter}');
    await waitFor(() =>
      expect(log).toHaveBeenLastCalledWith({ source: 'keitaro', outcome: 'rejected', text: 'cid=c-9', page: 1, page_size: 2 }),
    );
    await user.selectOptions(screen.getByLabelText('Outcome'), '');
    await waitFor(() =>
      expect(log).toHaveBeenLastCalledWith({ source: 'keitaro', text: 'cid=c-9', page: 1, page_size: 2 }),
    );
  });

  it('explains how to start the listener when the log is empty, and says when filters match nothing', async () => {
    const user = userEvent.setup();
    renderView(fakeBackend());
    const empty = await screen.findByTestId('postbacks-empty');
    expect(empty).toHaveTextContent(
      'Start the listener with the Start button above (or run affops-cli serve-postbacks); requests appear here.',
    );
    expect(screen.queryByTestId('postbacks-range')).toBeNull();
    await user.selectOptions(screen.getByTestId('postbacks-outcome'), 'stale');
    await waitFor(() => expect(screen.getByTestId('postbacks-empty')).toHaveTextContent('No postbacks match these filters.'));
  });

  it('re-reads the log on Refresh and on a timer while auto-refresh is on', async () => {
    const user = userEvent.setup();
    const log = vi.fn(async (f: PostbackLogFilter) => ({ rows: [], total: 0, page: f.page, page_size: f.page_size }));
    renderView(fakeBackend({ postbackLog: log }), { refreshMs: 50 });
    await screen.findByTestId('postbacks-empty');
    expect(log).toHaveBeenCalledTimes(1);
    await user.click(screen.getByTestId('postbacks-refresh'));
    await waitFor(() => expect(log).toHaveBeenCalledTimes(2));

    const toggle = screen.getByTestId('postbacks-auto-refresh');
    expect(toggle).toHaveAttribute('aria-pressed', 'false');
    await user.click(toggle);
    expect(toggle).toHaveAttribute('aria-pressed', 'true');
    await waitFor(() => expect(log.mock.calls.length).toBeGreaterThanOrEqual(4));
    await user.click(toggle);
    const after = log.mock.calls.length;
    await new Promise((r) => setTimeout(r, 150));
    expect(log.mock.calls.length).toBe(after);
  });

  it('re-reads the listener counters with the log, so they match the rows', async () => {
    const user = userEvent.setup();
    let recorded = 0;
    const status = vi.fn(async () => listenerStatus({ running: true, recorded }));
    renderView(fakeBackend({ postbackListenerStatus: status }));
    await waitFor(() => expect(screen.getByTestId('listener-counters')).toHaveTextContent('0 recorded'));
    recorded = 3;
    await user.click(screen.getByTestId('postbacks-refresh'));
    await waitFor(() => expect(screen.getByTestId('listener-counters')).toHaveTextContent('3 recorded'));
  });

  it('shows a backend error as a banner with retry', async () => {
    const user = userEvent.setup();
    const log = vi
      .fn()
      .mockRejectedValueOnce({ code: 'storage', message: 'database is locked' })
      .mockResolvedValue({ rows: [postbackRow(1)], total: 1, page: 1, page_size: 50 });
    renderView(fakeBackend({ postbackLog: log }));
    expect(await screen.findByTestId('error-message')).toHaveTextContent('database is locked');
    await user.click(screen.getByTestId('retry'));
    expect(await screen.findByTestId('postback-row')).toBeInTheDocument();
    expect(screen.queryByTestId('error-banner')).toBeNull();
  });
});
