// The Import screen against a fake Backend: preview (detection, mapping, row errors), the mapping that is
// sent, progress and the summary, past runs and the quarantine browser.
import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import ImportView from './ImportView.svelte';
import type { Backend, ProgressHandler, QuarantineRequest } from '../lib/api';
import type { ColumnMapping, ImportPreviewRequest, ImportRunRequest, ImportRunSummary } from '../lib/bindings';
import { fakeBackend } from '../test/backend';
import { deferred } from '../test/ipc';
import { importPreview, importRun, progress, quarantineRow } from '../test/fixtures';

function renderView(backend: Backend = fakeBackend(), quarantinePageSize = 50) {
  render(ImportView, { backend, quarantinePageSize });
  return backend;
}

async function previewFile(user: ReturnType<typeof userEvent.setup>, path = '/data/clicks.csv') {
  await user.type(screen.getByLabelText(/^CSV file/), `${path}{Enter}`);
  return screen.findByTestId('import-preview-panel');
}

describe('ImportView preview', () => {
  it('labels every input and previews on Enter with the preset names, then shows detection and row errors', async () => {
    const user = userEvent.setup();
    const backend = renderView(
      fakeBackend({ importPreview: vi.fn(async () => importPreview({ junk_prefix: '\\xef\\xbb', had_bom: true })) }),
    );
    expect(screen.getByTestId('import-path')).toHaveAccessibleName(/CSV file/);
    expect(screen.getByTestId('import-path')).toHaveAccessibleDescription(/Path of a CSV file on this computer/);
    expect(screen.getByTestId('import-preset')).toHaveAccessibleName('Preset');
    expect(screen.getByTestId('import-source')).toHaveValue('Batch import');
    expect(screen.getByTestId('import-date-format')).toHaveAccessibleName('Date format');
    expect(screen.getByTestId('import-preview-button')).toBeDisabled();

    await user.selectOptions(screen.getByTestId('import-preset'), 'clicks');
    await user.selectOptions(screen.getByTestId('import-date-format'), 'dmy');
    await previewFile(user);

    expect(backend.importPreview).toHaveBeenCalledTimes(1);
    expect(backend.importPreview).toHaveBeenLastCalledWith({
      path: '/data/clicks.csv',
      mapping: { preset: 'clicks', columns: [], date_format: 'dmy' },
    });
    expect(screen.getByTestId('import-detected-delimiter')).toHaveTextContent('Comma');
    expect(screen.getByTestId('import-detection')).toHaveTextContent('byte order mark removed');
    expect(screen.getByTestId('import-junk-warning')).toHaveTextContent('\\xef\\xbb');

    const rows = screen.getAllByTestId('preview-row');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveAttribute('data-error', 'false');
    expect(rows[1]).toHaveAttribute('data-error', 'true');
    expect(rows[1]).toHaveClass('bad');
    expect(within(rows[1]).getByTestId('preview-error')).toHaveTextContent("clicked_at: '03/10/2026' is not a date");

    // Required fields are marked; the selects start at what the backend resolved.
    const mapping = screen.getAllByTestId('mapping-row');
    expect(mapping.map((r) => r.dataset.field)).toEqual(['click_id', 'clicked_at', 'affiliate_id', 'sub_id']);
    expect(within(mapping[0]).getByTestId('mapping-required')).toBeInTheDocument();
    expect(within(mapping[3]).queryByTestId('mapping-required')).toBeNull();
    expect(within(mapping[2]).getByTestId('mapping-column')).toHaveValue('affiliate_id');
    expect(within(mapping[3]).getByTestId('mapping-column')).toHaveValue('');
    expect(within(mapping[0]).getByTestId('mapping-column')).toHaveAccessibleName('File column for click_id (required)');
  });

  it('shows no junk warning for a clean file; a refused mapping edit can be fixed in place', async () => {
    const user = userEvent.setup();
    const preview = vi
      .fn()
      .mockResolvedValueOnce(importPreview())
      .mockRejectedValueOnce({ code: 'invalid_input', message: "required field 'clicked_at' is not mapped" })
      .mockResolvedValue(importPreview());
    renderView(fakeBackend({ importPreview: preview }));
    await previewFile(user);
    expect(screen.queryByTestId('import-junk-warning')).toBeNull();

    // A refused mapping edit keeps the mapping on screen, marks the field, and blocks Import until fixed.
    await user.selectOptions(within(screen.getAllByTestId('mapping-row')[1]).getByTestId('mapping-column'), '');
    expect(await screen.findByTestId('error-message')).toHaveTextContent("required field 'clicked_at' is not mapped");
    expect(screen.getByTestId('import-preview-panel')).toBeInTheDocument();
    const select = within(screen.getAllByTestId('mapping-row')[1]).getByTestId('mapping-column');
    expect(select).toHaveAttribute('aria-invalid', 'true');
    expect(select).toHaveAccessibleDescription(/required field 'clicked_at' is not mapped/);
    expect(screen.queryAllByTestId('preview-row')).toHaveLength(0);
    expect(screen.getByTestId('import-run-button')).toBeDisabled();

    await user.selectOptions(select, 'clicked_at');
    await waitFor(() => expect(screen.getAllByTestId('preview-row')).toHaveLength(2));
    expect(screen.getByTestId('import-run-button')).toBeEnabled();
    expect(within(screen.getAllByTestId('mapping-row')[1]).getByTestId('mapping-column')).not.toHaveAttribute('aria-invalid');
  });

  it('"leave empty" is sent as an explicit clear; the rules the file cannot feed are warnings, not errors', async () => {
    const user = userEvent.setup();
    const flooding = {
      rule: 'click_flooding',
      fields: ['ip', 'sub_id'],
      message: 'click flooding cannot run: no ip or sub_id mapped',
    };
    const preview = vi
      .fn()
      // The backend mapped sub_id from the file's same-named column without being asked.
      .mockResolvedValueOnce(
        importPreview({
          resolved: [['click_id', 'click_id'], ['clicked_at', 'clicked_at'], ['affiliate_id', 'affiliate_id'], ['sub_id', 'sub']],
          unmapped_optional: [],
        }),
      )
      .mockResolvedValue(importPreview({ missing_signals: [flooding] }));
    const run = vi.fn(async () => importRun(5, { missing_signals: [flooding] }));
    const backend = renderView(fakeBackend({ importPreview: preview, importRun: run }));
    await previewFile(user);
    expect(screen.queryByTestId('preview-missing-signals')).toBeNull();
    expect(screen.getByTestId('import-mapping-hint')).toHaveTextContent('column of the same name');
    const subRow = () => screen.getAllByTestId('mapping-row')[3];
    expect(within(subRow()).getByTestId('mapping-column')).toHaveValue('sub');

    await user.selectOptions(within(subRow()).getByTestId('mapping-column'), '');
    await waitFor(() => expect(backend.importPreview).toHaveBeenCalledTimes(2));
    const cleared: ColumnMapping = {
      preset: 'clicks',
      columns: [
        { column: 'click_id', field: 'click_id' },
        { column: 'clicked_at', field: 'clicked_at' },
        { column: 'affiliate_id', field: 'affiliate_id' },
        { column: '@const:', field: 'sub_id' },
      ],
      date_format: 'auto',
    };
    expect(backend.importPreview).toHaveBeenLastCalledWith({ path: '/data/clicks.csv', mapping: cleared });
    const warning = await screen.findByTestId('preview-missing-signals');
    expect(within(warning).getByTestId('missing-signal')).toHaveTextContent('click flooding cannot run: no ip or sub_id mapped');
    expect(within(warning).getByTestId('missing-signal')).toHaveAttribute('data-rule', 'click_flooding');
    expect(within(subRow()).getByTestId('mapping-column')).toHaveValue('');
    expect(screen.queryByTestId('error-message')).toBeNull();
    expect(screen.getByTestId('import-run-button')).toBeEnabled();

    await user.click(screen.getByTestId('import-run-button'));
    expect(backend.importRun).toHaveBeenCalledWith(expect.objectContaining({ mapping: cleared }), expect.any(Function));
    const summary = await screen.findByTestId('import-summary');
    expect(within(summary).getByTestId('summary-missing-signals')).toHaveTextContent('Imported; these fraud rules had nothing to read');
    expect(within(summary).getByTestId('missing-signal')).toHaveTextContent('click flooding cannot run');
    expect(within(summary).getByTestId('summary-status')).toHaveTextContent('done');
  });

  it('lists the signal values the rows carry none of — placeholder devices, private IPs — in the preview and the result', async () => {
    const user = userEvent.setup();
    const device = {
      field: 'device_id',
      reason: 'placeholder',
      count: 1204,
      example: 'unknown',
      first_row: 3,
      message: "device_id: 1204 placeholder values ignored as a signal (first: 'unknown', row 3); the rows were imported",
    };
    const ip = { ...device, field: 'ip', reason: 'private_ip', count: 2, example: '10.0.0.1', first_row: 2 };
    const email = { ...device, field: 'email', reason: 'not_an_address', count: 1, example: '', first_row: 9 };
    const backend = renderView(
      fakeBackend({
        importPreview: vi.fn(async () => importPreview({ ignored_signals: [ip] })),
        importRun: vi.fn(async () => importRun(6, { preset: 'registrations', ignored_signals: [device, ip, email] })),
      }),
    );
    await previewFile(user);
    const previewed = screen.getByTestId('preview-ignored-signals');
    expect(previewed).toHaveTextContent('will be ignored by fraud detection (the rows import all the same)');
    expect(within(previewed).getByTestId('ignored-signal')).toHaveTextContent('ipprivate or reserved IP210.0.0.1, row 2');
    await user.click(screen.getByTestId('import-run-button'));
    expect(backend.importRun).toHaveBeenCalled();
    const summary = await screen.findByTestId('import-summary');
    const rows = within(within(summary).getByTestId('summary-ignored-signals')).getAllByTestId('ignored-signal');
    expect(rows.map((r) => [r.dataset.field, r.dataset.reason, within(r).getByTestId('ignored-count').textContent])).toEqual([
      ['device_id', 'placeholder', '1,204'],
      ['ip', 'private_ip', '2'],
      ['email', 'not_an_address', '1'],
    ]);
    expect(rows[0]).toHaveTextContent('placeholder (unknown, null, all zeros…)');
    expect(rows[2]).toHaveTextContent('emailnot an email address1 row 9');
    expect(rows[0]).toHaveAttribute('title', device.message);
  });

  it('a loaded mapping that clears a field shows it as "leave empty" and sends the clear again', async () => {
    const user = userEvent.setup();
    const saved: ColumnMapping = {
      preset: 'clicks',
      columns: [
        { column: 'id', field: 'click_id' },
        { column: '@const:', field: 'sub_id' },
      ],
      date_format: 'auto',
    };
    const backend = renderView(fakeBackend({ importMapping: vi.fn(async () => saved) }));
    await user.type(screen.getByTestId('import-path'), '/data/clicks.csv');
    await user.type(screen.getByTestId('mapping-name'), 'tracker{Enter}');
    await waitFor(() => expect(backend.importPreview).toHaveBeenLastCalledWith({ path: '/data/clicks.csv', mapping: saved }));
    await screen.findByTestId('import-preview-panel');
    expect(within(screen.getAllByTestId('mapping-row')[3]).getByTestId('mapping-column')).toHaveValue('');
  });

  it('a file the backend cannot read shows the error and no preview', async () => {
    const user = userEvent.setup();
    renderView(
      fakeBackend({
        importPreview: vi.fn(async () => {
          throw { code: 'invalid_input', message: 'path: /data/clicks.csv: No such file or directory' };
        }),
      }),
    );
    await user.type(screen.getByTestId('import-path'), '/data/clicks.csv{Enter}');
    expect(await screen.findByTestId('error-message')).toHaveTextContent('No such file or directory');
    expect(screen.queryByTestId('import-preview-panel')).toBeNull();
  });

  it('a file with a header only says so', async () => {
    const user = userEvent.setup();
    renderView(fakeBackend({ importPreview: vi.fn(async () => importPreview({ rows: [] })) }));
    await previewFile(user);
    expect(screen.getByTestId('preview-empty')).toHaveTextContent('no rows');
  });
});

describe('ImportView run', () => {
  it('sends the edited mapping, shows real progress, then the summary and the refreshed runs', async () => {
    const user = userEvent.setup();
    const done = deferred<ImportRunSummary>();
    let report: ProgressHandler = () => {};
    const importRun_ = vi.fn((_r: ImportRunRequest, onProgress: ProgressHandler) => {
      report = onProgress;
      return done.promise;
    });
    const runs = vi.fn().mockResolvedValueOnce([]).mockResolvedValue([importRun(1), importRun(9)]);
    const backend = renderView(fakeBackend({ importRun: importRun_, importRuns: runs }));
    expect(await screen.findByTestId('import-runs-empty')).toHaveTextContent('No imports yet');

    await previewFile(user);
    // Map affiliate_id from the "aff" column and sub_id from "sub": the mapping becomes explicit.
    const mapping = screen.getAllByTestId('mapping-row');
    await user.selectOptions(within(mapping[2]).getByTestId('mapping-column'), 'aff');
    await waitFor(() => expect(backend.importPreview).toHaveBeenCalledTimes(2));
    await user.selectOptions(within(screen.getAllByTestId('mapping-row')[3]).getByTestId('mapping-column'), 'sub');
    await waitFor(() => expect(backend.importPreview).toHaveBeenCalledTimes(3));
    await user.clear(screen.getByTestId('import-source'));
    await user.type(screen.getByTestId('import-source'), 'October export');

    await user.click(await screen.findByTestId('import-run-button'));
    const expected: ColumnMapping = {
      preset: 'clicks',
      columns: [
        { column: 'click_id', field: 'click_id' },
        { column: 'clicked_at', field: 'clicked_at' },
        { column: 'aff', field: 'affiliate_id' },
        { column: 'sub', field: 'sub_id' },
      ],
      date_format: 'auto',
    };
    expect(backend.importRun).toHaveBeenCalledWith(
      { path: '/data/clicks.csv', source: 'October export', mapping: expected },
      expect.any(Function),
    );
    expect(backend.importPreview).toHaveBeenLastCalledWith({ path: '/data/clicks.csv', mapping: expected });
    expect(screen.getByTestId('import-run-button')).toBeDisabled();
    expect(screen.getByText('Starting import…')).toBeInTheDocument();

    report(progress({ step: 'import/clicks', done: 1200, total: 4800, steps_done: 0, steps_total: 1, bytes_done: 250, bytes_total: 1000, rows_per_second: 3500, message: '' }));
    await waitFor(() => expect(screen.getByTestId('import-progress')).toHaveAttribute('value', '25'));
    expect(screen.getByTestId('import-progress')).toHaveAttribute('max', '100');
    expect(screen.getByTestId('import-progress-rows')).toHaveTextContent('1,200 rows of ~4,800');
    expect(screen.getByTestId('import-progress-rate')).toHaveTextContent('3,500 rows/s');
    expect(screen.getByTestId('import-progress-percent')).toHaveTextContent('25.0%');
    // The file is in; what is derived from it reports its steps by name.
    report(progress({ step: 'click_flooding', done: 0, total: null, steps_done: 2, steps_total: 11, bytes_done: null, bytes_total: null, rows_per_second: null, message: 'detection in Demo Casino: click flooding (3 of 11)' }));
    await waitFor(() => expect(screen.getByTestId('import-progress-step')).toHaveTextContent('detection in Demo Casino: click flooding (3 of 11)'));
    expect(screen.getByTestId('import-progress')).toHaveAttribute('max', '11');

    done.resolve(importRun(9, { rows_ok: 4790, rows_quarantined: 10, status: 'done' }));
    const summary = await screen.findByTestId('import-summary');
    expect(screen.queryByTestId('import-progress')).toBeNull();
    expect(within(summary).getByTestId('summary-ok')).toHaveTextContent('4,790');
    expect(within(summary).getByTestId('summary-quarantined')).toHaveTextContent('10');
    expect(within(summary).getByTestId('summary-status')).toHaveTextContent('done');
    expect(within(summary).queryByTestId('import-already')).toBeNull();

    // The runs list was re-read, newest first.
    await waitFor(() =>
      expect(screen.getAllByTestId('import-run-row').map((r) => r.dataset.runId)).toEqual(['9', '1']),
    );
  });

  it('says when the file was already imported, and shows a failed run as an error', async () => {
    const user = userEvent.setup();
    const run = vi
      .fn()
      .mockResolvedValueOnce(importRun(3, { already_imported: true, rows_ok: 0, rows_quarantined: 0 }))
      .mockRejectedValueOnce({ code: 'storage', message: 'disk full' });
    renderView(fakeBackend({ importRun: run }));
    await previewFile(user);
    await user.click(screen.getByTestId('import-run-button'));
    expect(await screen.findByTestId('import-already')).toHaveTextContent('already imported');
    expect(screen.queryByTestId('summary-quarantine')).toBeNull();

    await user.click(screen.getByTestId('import-run-button'));
    expect(await screen.findByTestId('error-message')).toHaveTextContent('disk full');
    expect(screen.queryByTestId('import-summary')).toBeNull();
  });

  it('editing the path makes the preview stale', async () => {
    const user = userEvent.setup();
    renderView();
    await previewFile(user);
    await user.type(screen.getByTestId('import-path'), 'x');
    expect(screen.queryByTestId('import-preview-panel')).toBeNull();
    expect(screen.queryByTestId('import-run-button')).toBeNull();
  });
});

describe('quarantine browser', () => {
  const page = (q: QuarantineRequest, total: number) => {
    const rows = [];
    for (let i = q.offset; i < Math.min(total, q.offset + q.limit); i++) rows.push(quarantineRow(i + 2));
    return { run_id: q.run_id, total, offset: q.offset, rows };
  };

  it('opens from the runs table, filters by field and reason, pages, and exports', async () => {
    const user = userEvent.setup();
    const quarantine = vi.fn(async (q: QuarantineRequest) =>
      page(q, q.field === 'affiliate_id' ? 1 : q.reason ? 3 : 5),
    );
    const exportCsv = vi.fn(async (r: { path: string }) => ({ path: r.path, rows: 5 }));
    const backend = renderView(
      fakeBackend({
        importRuns: vi.fn(async () => [importRun(1), importRun(2, { file_name: 'regs.csv' })]),
        importQuarantine: quarantine,
        importQuarantineExport: exportCsv,
      }),
      2,
    );
    const runs = await screen.findByTestId('import-runs');
    const rows = within(runs).getAllByTestId('import-run-row');
    expect(rows.map((r) => r.dataset.runId)).toEqual(['2', '1']);
    expect(rows[0]).toHaveTextContent('regs.csv');
    expect(rows[0]).toHaveTextContent('clicks');
    expect(rows[0]).toHaveTextContent('done');
    await user.click(within(rows[0]).getByTestId('open-quarantine'));

    const browser = await screen.findByTestId('quarantine');
    expect(browser).toHaveAttribute('data-run-id', '2');
    expect(browser).toHaveFocus();
    await waitFor(() => expect(within(browser).getAllByTestId('quarantine-row')).toHaveLength(2));
    expect(quarantine).toHaveBeenLastCalledWith({ run_id: 2, offset: 0, limit: 2 });
    expect(within(browser).getByTestId('quarantine-range')).toHaveTextContent('1–2 of 5');
    const first = within(browser).getAllByTestId('quarantine-row')[0];
    expect(first).toHaveTextContent('2');
    expect(first).toHaveTextContent('clicked_at');
    expect(first).toHaveTextContent("'bad-2' is not a date");
    expect(first.querySelector('code.raw')).toHaveTextContent('c-2,bad-2,aff-1');
    expect(within(browser).getByTestId('quarantine-prev')).toBeDisabled();

    await user.click(within(browser).getByTestId('quarantine-next'));
    await waitFor(() => expect(within(browser).getByTestId('quarantine-range')).toHaveTextContent('3–4 of 5'));
    expect(quarantine).toHaveBeenLastCalledWith({ run_id: 2, offset: 2, limit: 2 });
    await user.click(within(browser).getByTestId('quarantine-next'));
    await waitFor(() => expect(within(browser).getByTestId('quarantine-range')).toHaveTextContent('5–5 of 5'));
    expect(within(browser).getByTestId('quarantine-next')).toBeDisabled();

    // A reason filter goes back to the first page.
    await user.type(within(browser).getByTestId('quarantine-reason'), 'date{Enter}');
    await waitFor(() =>
      expect(quarantine).toHaveBeenLastCalledWith({ run_id: 2, reason: 'date', offset: 0, limit: 2 }),
    );
    await waitFor(() => expect(within(browser).getByTestId('quarantine-range')).toHaveTextContent('1–2 of 3'));

    // Field choices come from the run's preset.
    await user.selectOptions(within(browser).getByTestId('quarantine-field'), 'affiliate_id');
    await waitFor(() =>
      expect(quarantine).toHaveBeenLastCalledWith({ run_id: 2, field: 'affiliate_id', reason: 'date', offset: 0, limit: 2 }),
    );
    await waitFor(() => expect(within(browser).getByTestId('quarantine-range')).toHaveTextContent('1–1 of 1'));

    expect(within(browser).getByTestId('quarantine-export-button')).toBeDisabled();
    await user.type(within(browser).getByLabelText(/Export as CSV to/), '/tmp/q.csv{Enter}');
    expect(await within(browser).findByTestId('quarantine-export-result')).toHaveTextContent('Wrote 5 rows to /tmp/q.csv.');
    expect(backend.importQuarantineExport).toHaveBeenCalledWith({ run_id: 2, path: '/tmp/q.csv' });

    await user.keyboard('{Escape}');
    expect(screen.queryByTestId('quarantine')).toBeNull();
  });

  it('shows raw text as text, an empty run, and export errors', async () => {
    const user = userEvent.setup();
    const quarantine = vi
      .fn()
      .mockResolvedValueOnce({ run_id: 1, total: 1, offset: 0, rows: [quarantineRow(7, { raw: '<img src=x onerror=alert(1)>', field: null })] })
      .mockResolvedValue({ run_id: 1, total: 0, offset: 0, rows: [] });
    renderView(
      fakeBackend({
        importRuns: vi.fn(async () => [importRun(1)]),
        importQuarantine: quarantine,
        importQuarantineExport: vi.fn(async () => {
          throw { code: 'invalid_input', message: 'Export file: cannot create /nope/q.csv' };
        }),
      }),
    );
    await user.click(await screen.findByTestId('open-quarantine'));
    const browser = await screen.findByTestId('quarantine');
    const row = await within(browser).findByTestId('quarantine-row');
    expect(row.querySelector('code.raw')?.textContent).toBe('<img src=x onerror=alert(1)>');
    expect(browser.querySelector('img')).toBeNull();

    await user.type(within(browser).getByTestId('quarantine-reason'), 'zzz{Enter}');
    expect(await within(browser).findByTestId('quarantine-empty')).toHaveTextContent('No quarantined rows match');
    expect(within(browser).getByTestId('quarantine-range')).toHaveTextContent('0 of 0');

    await user.type(within(browser).getByTestId('quarantine-export-path'), '/nope/q.csv');
    await user.click(within(browser).getByTestId('quarantine-export-button'));
    expect(await within(browser).findByTestId('quarantine-export-error')).toHaveTextContent('cannot create /nope/q.csv');

    await user.click(within(browser).getByTestId('quarantine-close'));
    expect(screen.queryByTestId('quarantine')).toBeNull();
  });

  it('says when a run quarantined nothing, and opens from the import summary', async () => {
    const user = userEvent.setup();
    const backend = renderView(fakeBackend({ importRun: vi.fn(async () => importRun(4, { rows_quarantined: 2 })) }));
    await previewFile(user);
    await user.click(screen.getByTestId('import-run-button'));
    await user.click(await screen.findByTestId('summary-quarantine'));
    const browser = await screen.findByTestId('quarantine');
    expect(browser).toHaveAttribute('data-run-id', '4');
    expect(await within(browser).findByTestId('quarantine-empty')).toHaveTextContent('This run quarantined no rows.');
    expect(backend.importQuarantine).toHaveBeenCalledWith({ run_id: 4, offset: 0, limit: 50 });
  });
});

const CLAIM_FIELDS = ['claim_id', 'affiliate_id', 'player_id', 'click_id', 'registration_date', 'ftd_date', 'ftd_amount', 'currency'].map((name) => ({
  name,
  required: name === 'claim_id' || name === 'affiliate_id',
}));

describe('ImportView claims', () => {
  it('offers the claims preset; its Affiliate field fills affiliate_id on every row (@const), the rest by name', async () => {
    const user = userEvent.setup();
    const backend = fakeBackend({
      importFields: vi.fn(async (preset) => (preset === 'claims' ? CLAIM_FIELDS : [])),
      importPreview: vi.fn(async (r: ImportPreviewRequest) =>
        importPreview({
          preset: 'claims',
          header: ['claim_id', 'player_id', 'click_id', 'registration_date', 'ftd_date', 'ftd_amount', 'currency'],
          resolved: r.mapping.columns.map((c) => [c.field, c.column] as [string, string]),
          rows: [],
        }),
      ),
      importRun: vi.fn(async () => importRun(4, { preset: 'claims', file_name: 'claims-oct.csv', rows_ok: 16, rows_quarantined: 2 })),
    });
    renderView(backend);
    const presets = [...screen.getByTestId('import-preset').querySelectorAll('option')].map((o) => o.value);
    expect(presets).toEqual([
      'clicks',
      'registrations',
      'activity',
      'deposits',
      'withdrawals',
      'bonuses',
      'claims',
      'affiliates',
      'conversions',
      'ip_countries',
      'symbols',
      'accounts',
      'deals',
    ]);
    expect(screen.queryByTestId('import-claimant')).toBeNull();
    await user.selectOptions(screen.getByTestId('import-preset'), 'claims');
    expect(screen.getByTestId('import-claimant')).toHaveAccessibleName(/Affiliate/);
    await waitFor(() => expect(backend.importFields).toHaveBeenLastCalledWith('claims'));
    await user.type(screen.getByTestId('import-claimant'), '4');
    await previewFile(user, '/in/claims-oct.csv');
    const sent = vi.mocked(backend.importPreview).mock.calls[0][0].mapping;
    expect(sent.preset).toBe('claims');
    expect(sent.columns).toEqual([
      { column: 'claim_id', field: 'claim_id' },
      { column: '@const:4', field: 'affiliate_id' },
      { column: 'player_id', field: 'player_id' },
      { column: 'click_id', field: 'click_id' },
      { column: 'registration_date', field: 'registration_date' },
      { column: 'ftd_date', field: 'ftd_date' },
      { column: 'ftd_amount', field: 'ftd_amount' },
      { column: 'currency', field: 'currency' },
    ]);
    const affiliateRow = screen.getAllByTestId('mapping-row').find((r) => r.dataset.field === 'affiliate_id')!;
    expect(within(affiliateRow).getByTestId('mapping-column')).toBeDisabled();
    expect(within(affiliateRow).getByTestId('mapping-column')).toHaveTextContent('@const:4 (the Affiliate field)');
    // Another column for a field keeps the claimant.
    const playerRow = screen.getAllByTestId('mapping-row').find((r) => r.dataset.field === 'player_id')!;
    await user.selectOptions(within(playerRow).getByTestId('mapping-column'), 'click_id');
    await waitFor(() => expect(backend.importPreview).toHaveBeenCalledTimes(2));
    const edited = vi.mocked(backend.importPreview).mock.calls[1][0].mapping.columns;
    expect(edited).toContainEqual({ column: '@const:4', field: 'affiliate_id' });
    expect(edited).toContainEqual({ column: 'click_id', field: 'player_id' });
    await user.click(screen.getByTestId('import-run-button'));
    expect(await screen.findByTestId('import-claims-next')).toHaveTextContent('Reconciliation → Claims');
  });

  it('without an Affiliate, a claims file maps its own affiliate_id column', async () => {
    const user = userEvent.setup();
    const backend = fakeBackend({ importFields: vi.fn(async () => CLAIM_FIELDS) });
    renderView(backend);
    await user.selectOptions(screen.getByTestId('import-preset'), 'claims');
    await previewFile(user, '/in/claims-many.csv');
    expect(backend.importPreview).toHaveBeenLastCalledWith({ path: '/in/claims-many.csv', mapping: { preset: 'claims', columns: [], date_format: 'auto' } });
  });
});
