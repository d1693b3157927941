import { describe, expect, it } from 'vitest';
import {
  columnsOf,
  fieldNamed,
  formatLatency,
  mappingOf,
  newestFirst,
  percentOf,
  rangeText,
  rateOf,
  selectionOf,
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

  it('lists picked columns in field order, skips unmapped fields and sends a chosen delimiter', () => {
    const selection = { sub_id: 'sub', affiliate_id: 'aff', click_id: 'id', clicked_at: '' };
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

  it('finds the field an invalid_input message names', () => {
    const names = CLICK_FIELDS.map((f) => f.name);
    expect(fieldNamed("required field 'clicked_at' is not mapped", names)).toBe('clicked_at');
    expect(fieldNamed('affiliate_id: empty', names)).toBe('affiliate_id');
    expect(fieldNamed('Export file: cannot create', names)).toBeNull();
    expect(fieldNamed("unknown field 'nope' for the clicks preset", names)).toBeNull();
  });
});

describe('progress and display', () => {
  it('reads % and rows/s from the import progress message, else done/total', () => {
    const p = progress({ done: 300, total: 1200, message: '12.5% of 1000 bytes, 3456 rows/s' });
    expect(percentOf(p)).toBe(12.5);
    expect(rateOf(p)).toBe(3456);
    expect(percentOf(progress({ done: 300, total: 1200, message: '' }))).toBe(25);
    expect(percentOf(progress({ done: 300, total: null, message: '' }))).toBeNull();
    expect(rateOf(progress({ message: '' }))).toBeNull();
  });

  it('formats latencies, ranges and orders runs newest first', () => {
    expect([formatLatency(850), formatLatency(2500), formatLatency(15_400)]).toEqual(['850 µs', '2.5 ms', '15 ms']);
    expect(rangeText(0, 50, 120)).toBe('1–50 of 120');
    expect(rangeText(100, 20, 120)).toBe('101–120 of 120');
    expect(rangeText(0, 0, 0)).toBe('0 of 0');
    expect(newestFirst([importRun(1), importRun(3), importRun(2)]).map((r) => r.id)).toEqual([3, 2, 1]);
  });
});
