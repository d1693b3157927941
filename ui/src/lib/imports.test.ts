import { describe, expect, it } from 'vitest';
import {
  columnsOf,
  fieldNamed,
  ignoredReason,
  isCleared,
  formatLatency,
  mappingOf,
  newestFirst,
  percentOf,
  rangeText,
  rateOf,
  selectionOf,
  selectionOfColumns,
} from './imports';
import { CLICK_FIELDS, importRun, progress } from '../test/fixtures';

describe('mapping', () => {
  it('uses the preset names (no columns) until the user picks a column', () => {
    expect(mappingOf({ preset: 'clicks', selection: null, dateFormat: 'auto', delimiter: '' }, CLICK_FIELDS)).toEqual({
      preset: 'clicks',
      columns: [],
      date_format: 'auto',
    });
  });

  it('lists picked columns in field order, leaves unmentioned fields out and sends a chosen delimiter', () => {
    const selection = { sub_id: 'sub', affiliate_id: 'aff', click_id: 'id' };
    expect(columnsOf(CLICK_FIELDS, selection)).toEqual([
      { column: 'id', field: 'click_id' },
      { column: 'aff', field: 'affiliate_id' },
      { column: 'sub', field: 'sub_id' },
    ]);
    expect(mappingOf({ preset: 'clicks', selection, dateFormat: 'dmy', delimiter: ';' }, CLICK_FIELDS)).toMatchObject({
      date_format: 'dmy',
      delimiter: ';',
    });
    expect(selectionOf([['click_id', 'id']])).toEqual({ click_id: 'id' });
  });

  it('sends a field set to "leave empty" as an explicit clear, so the backend does not map its same-named column', () => {
    const selection = { click_id: 'id', clicked_at: 'time', sub_id: '' };
    const columns = columnsOf(CLICK_FIELDS, selection);
    expect(columns).toEqual([
      { column: 'id', field: 'click_id' },
      { column: 'time', field: 'clicked_at' },
      { column: '@const:', field: 'sub_id' },
    ]);
    expect(columns.map((c) => c.field)).not.toContain('affiliate_id'); // not mentioned: its own column
    expect(mappingOf({ preset: 'clicks', selection, dateFormat: 'auto', delimiter: '' }, CLICK_FIELDS).columns).toEqual(columns);
    // A saved mapping reads back the same way: the clear shows as "leave empty", and is sent as a clear again.
    const back = selectionOfColumns(columns);
    expect(back).toEqual(selection);
    expect(columnsOf(CLICK_FIELDS, back)).toEqual(columns);
    expect(selectionOfColumns([{ column: '@const:USD', field: 'currency' }])).toEqual({ currency: '@const:USD' });
    expect([isCleared('@const:'), isCleared('@const: '), isCleared('@const:0'), isCleared('ip')]).toEqual([true, true, false, false]);
  });

  it('finds the field an invalid_input message names', () => {
    const names = CLICK_FIELDS.map((f) => f.name);
    expect(fieldNamed("required field 'clicked_at' is not mapped", names)).toBe('clicked_at');
    expect(fieldNamed('affiliate_id: empty', names)).toBe('affiliate_id');
    expect(fieldNamed('Export file: cannot create', names)).toBeNull();
    expect(fieldNamed("unknown field 'nope' for the clicks preset", names)).toBeNull();
  });
});

describe('progress and display', () => {
  it('reads % from the bytes read and rows/s from the typed fields, never from the message', () => {
    const p = progress({ done: 300, total: 1200, bytes_done: 125, bytes_total: 1000, rows_per_second: 3456, message: '99% junk, 1 rows/s' });
    expect(percentOf(p)).toBe(12.5);
    expect(rateOf(p)).toBe(3456);
    expect(percentOf(progress({ done: 300, total: 1200, message: '50.0% of 10 bytes' }))).toBe(25); // rows, not the text
    expect(percentOf(progress({ done: 300, total: null, bytes_done: 5, bytes_total: 0 }))).toBeNull(); // empty file
    expect(percentOf(progress({ done: 300, total: null }))).toBeNull();
    expect(percentOf(progress({ bytes_done: 2000, bytes_total: 1000 }))).toBe(100); // capped
    expect(rateOf(progress({ message: '3456 rows/s' }))).toBeNull();
  });

  it('formats latencies, ranges and orders runs newest first', () => {
    expect([formatLatency(850), formatLatency(2500), formatLatency(15_400)]).toEqual(['850 µs', '2.5 ms', '15 ms']);
    expect(rangeText(0, 50, 120)).toBe('1–50 of 120');
    expect(rangeText(100, 20, 120)).toBe('101–120 of 120');
    expect(rangeText(0, 0, 0)).toBe('0 of 0');
    expect(newestFirst([importRun(1), importRun(3), importRun(2)]).map((r) => r.id)).toEqual([3, 2, 1]);
  });
});

describe('ignored signals', () => {
  it('names why a value carried no signal', () => {
    expect(ignoredReason('placeholder')).toBe('placeholder (unknown, null, all zeros…)');
    expect(ignoredReason('private_ip')).toBe('private or reserved IP');
    expect(ignoredReason('something_new')).toBe('something new');
  });
});
