// The Audit log screen: filters (person and operation menus from the log itself, object text, days) sent to
// audit_list, paging 50 at a time, sorting a page, clear empty states, "Verify chain" intact or broken (with
// people mismatches), and the export with its path, rows and head hash.
import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import AuditView from './AuditView.svelte';
import type { Backend } from '../lib/api';
import type { AuditFilter } from '../lib/bindings';
import { fakeBackend } from '../test/backend';
import { auditPage, auditRow, verifyReport } from '../test/people';

const ROWS = [
  auditRow(3, { actor: 'fiona', action: 'close_period', entity: 'period', entity_id: '2026-10', detail: '{"statements":12}' }),
  auditRow(2, { actor: 'ana', action: 'flag_decide', entity: 'flag', entity_id: '17' }),
  auditRow(1, { actor: 'olivia', action: 'add_person', program: '', entity: 'person', entity_id: 'zoe' }),
];

function renderView(over: Partial<Backend> = {}) {
  const backend = fakeBackend({ auditList: vi.fn(async () => auditPage(ROWS)), ...over });
  render(AuditView, { backend });
  return backend;
}

const ids = () => screen.getAllByTestId('audit-row').map((r) => r.dataset.id);

describe('AuditView', () => {
  it('shows time, person, operation, program, object and detail, newest first; sorts a page by a column', async () => {
    const user = userEvent.setup();
    const backend = renderView();
    await screen.findByTestId('audit-table');
    expect(backend.auditList).toHaveBeenCalledWith({ offset: 0, limit: 50 });
    expect(ids()).toEqual(['3', '2', '1']);
    const first = screen.getAllByTestId('audit-row')[0];
    expect(first).toHaveTextContent('2026-11-03 10:03:00');
    expect(within(first).getByTestId('audit-actor')).toHaveTextContent('fiona');
    expect(within(first).getByTestId('audit-action')).toHaveTextContent('close_period');
    expect(within(first).getByTestId('audit-object')).toHaveTextContent('period 2026-10');
    expect(first).toHaveTextContent('Lucky Casino EU');
    expect(first).toHaveTextContent('{"statements":12}');
    expect(screen.getByTestId('audit-range')).toHaveTextContent('1–3 of 3 entries');

    await user.click(screen.getByTestId('audit-sort-actor'));
    expect(ids()).toEqual(['2', '3', '1']); // ana, fiona, olivia
    await user.click(screen.getByTestId('audit-sort-actor'));
    expect(ids()).toEqual(['1', '3', '2']);
    await user.click(screen.getByTestId('audit-sort-time'));
    expect(ids()).toEqual(['3', '2', '1']);
  });

  it('sends the filters to audit_list: person and operation from the log’s own menus, object text and days', async () => {
    const user = userEvent.setup();
    const backend = renderView();
    await screen.findByTestId('audit-table');
    const actors = within(screen.getByTestId('audit-filter-actor')).getAllByRole('option').map((o) => o.textContent);
    expect(actors).toEqual(['Everyone', 'ana', 'fiona', 'olivia']);

    await user.selectOptions(screen.getByTestId('audit-filter-actor'), 'ana');
    await waitFor(() => expect(backend.auditList).toHaveBeenLastCalledWith({ actor: 'ana', offset: 0, limit: 50 }));
    await user.selectOptions(screen.getByTestId('audit-filter-action'), 'flag_decide');
    await waitFor(() =>
      expect(backend.auditList).toHaveBeenLastCalledWith({ actor: 'ana', action: 'flag_decide', offset: 0, limit: 50 }),
    );
    await user.type(screen.getByTestId('audit-filter-object'), 'flag');
    await user.type(screen.getByTestId('audit-filter-from'), '2026-11-01');
    await user.type(screen.getByTestId('audit-filter-to'), '2026-11-30{Enter}');
    await waitFor(() =>
      expect(backend.auditList).toHaveBeenLastCalledWith({
        actor: 'ana',
        action: 'flag_decide',
        object: 'flag',
        from: '2026-11-01',
        to: '2026-11-30',
        offset: 0,
        limit: 50,
      }),
    );

    // A day written wrong is named before anything is sent.
    const calls = vi.mocked(backend.auditList).mock.calls.length;
    await user.clear(screen.getByTestId('audit-filter-to'));
    await user.type(screen.getByTestId('audit-filter-to'), '2026-10-31{Enter}');
    expect(screen.getByTestId('audit-date-error')).toHaveTextContent('The first day is after the last day.');
    expect(vi.mocked(backend.auditList).mock.calls.length).toBe(calls);

    await user.click(screen.getByTestId('audit-clear'));
    await waitFor(() => expect(backend.auditList).toHaveBeenLastCalledWith({ offset: 0, limit: 50 }));
  });

  it('pages 50 at a time', async () => {
    const user = userEvent.setup();
    const page = (f: AuditFilter) =>
      auditPage(
        Array.from({ length: Math.min(50, 120 - f.offset) }, (_, i) => auditRow(120 - f.offset - i)),
        { total: 120 },
      );
    const backend = renderView({ auditList: vi.fn(async (f: AuditFilter) => page(f)) });
    await screen.findByTestId('audit-table');
    expect(screen.getByTestId('audit-prev')).toBeDisabled();
    expect(screen.getByTestId('audit-range')).toHaveTextContent('1–50 of 120');
    await user.click(screen.getByTestId('audit-next'));
    await waitFor(() => expect(screen.getByTestId('audit-range')).toHaveTextContent('51–100 of 120'));
    await user.click(screen.getByTestId('audit-next'));
    await waitFor(() => expect(screen.getByTestId('audit-range')).toHaveTextContent('101–120 of 120'));
    expect(backend.auditList).toHaveBeenLastCalledWith({ offset: 100, limit: 50 });
    expect(screen.getByTestId('audit-next')).toBeDisabled();
    await user.click(screen.getByTestId('audit-prev'));
    await waitFor(() => expect(backend.auditList).toHaveBeenLastCalledWith({ offset: 50, limit: 50 }));
  });

  it('says when the log is empty, and when no entry matches the filters', async () => {
    const user = userEvent.setup();
    renderView({ auditList: vi.fn(async () => auditPage([], { actors: ['ana'], actions: ['sign_in'] })) });
    expect(await screen.findByTestId('audit-empty')).toHaveTextContent('The audit log is empty.');
    await user.selectOptions(screen.getByTestId('audit-filter-actor'), 'ana');
    await waitFor(() => expect(screen.getByTestId('audit-empty')).toHaveTextContent('No entries match these filters.'));
  });

  it('verifies the chain: intact with its head hash, or the first broken row and the people who differ', async () => {
    const user = userEvent.setup();
    const auditVerify = vi
      .fn<Backend['auditVerify']>()
      .mockResolvedValueOnce(verifyReport({ rows: 42, head_hash: 'f00d'.repeat(16) }))
      .mockResolvedValueOnce(
        verifyReport({
          ok: false,
          broken: { row: 17, reason: 'hash does not match its content (edited?)' },
          people_mismatches: ['ana: roles differ from the log (analyst, finance vs analyst)'],
        }),
      );
    renderView({ auditVerify });
    await screen.findByTestId('audit-table');
    await user.click(screen.getByTestId('audit-verify'));
    const ok = await screen.findByTestId('audit-verify-result');
    expect(ok).toHaveAttribute('data-ok', 'true');
    expect(within(ok).getByTestId('audit-verify-summary')).toHaveTextContent(`Intact: 42 rows, head ${'f00d'.repeat(16)}`);

    await user.click(screen.getByTestId('audit-verify'));
    await waitFor(() => expect(screen.getByTestId('audit-verify-result')).toHaveAttribute('data-ok', 'false'));
    const bad = screen.getByTestId('audit-verify-result');
    expect(within(bad).getByTestId('audit-broken')).toHaveTextContent('First broken row: 17 — hash does not match its content (edited?)');
    expect(within(bad).getByTestId('audit-people-mismatches')).toHaveTextContent('ana: roles differ from the log');
  });

  it('exports the chain to the path given and shows the path, rows and head hash', async () => {
    const user = userEvent.setup();
    const backend = renderView();
    await screen.findByTestId('audit-table');
    const path = screen.getByTestId('audit-export-path');
    await user.clear(path);
    await user.type(path, 'audit-2026-11.jsonl{Enter}');
    expect(backend.auditExport).toHaveBeenCalledWith('audit-2026-11.jsonl');
    expect(await screen.findByTestId('audit-exported')).toHaveTextContent(
      `Wrote 42 rows to /data/exports/audit-2026-11.jsonl, head hash ${'f'.repeat(64)}.`,
    );
  });
});
