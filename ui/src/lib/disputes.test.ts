// The disputes logic: the state machine in words and as steps, what the allowed moves split into, SLA words, the
// list's query, its exact sort, search and paging (the fake core's, as the core's), the core's field-named refusals,
// exact money differences, the timeline in words, evidence helpers and the dashboard's counts.
import { describe, expect, it } from 'vitest';
import {
  casesByAffiliate,
  decimalDiff,
  dueInWords,
  eventWords,
  existingCaseOf,
  filterRequest,
  caseQuery,
  CASE_PAGE,
  firstCaseDir,
  filterText,
  flowOf,
  formatBytes,
  isZero,
  mayWorkDisputes,
  DISPUTE_ROLES,
  moveLabel,
  NO_FILTER,
  openFieldOf,
  playersOf,
  prettyJson,
  rawRefOf,
  reasonBesideTitle,
  reasonLabel,
  resolveFieldOf,
  slaDaysError,
  slaText,
  splitAllowed,
  subjectsOf,
} from './disputes';
import { disputeRow, evidenceItem, workedView } from '../test/disputes';
import { disputePage } from '../test/backend';
import { person, ROLE_PERMISSIONS } from '../test/people';
import type { Role } from './bindings';

const DAY = 86_400_000;

describe('the state machine', () => {
  it('splits the allowed moves into moves, decisions and reopening', () => {
    expect(splitAllowed(['investigating', 'awaiting_operator', 'accepted', 'partly_accepted', 'rejected'])).toEqual({
      moves: ['investigating', 'awaiting_operator'],
      decisions: ['accepted', 'partly_accepted', 'rejected'],
      reopen: false,
    });
    expect(splitAllowed(['reopen'])).toEqual({ moves: [], decisions: [], reopen: true });
  });

  it('names a move from where the case is', () => {
    expect(moveLabel('investigating', 'open')).toBe('Start investigating');
    expect(moveLabel('investigating', 'awaiting_operator')).toBe('Back to investigating');
    expect(moveLabel('awaiting_operator', 'investigating')).toBe('Wait for the operator');
  });

  it('marks the current step, the ones allowed next and the ones been through', () => {
    const v = workedView();
    expect(flowOf(v.case.state, v.allowed, v.events).map((s) => `${s.step}:${s.state}`)).toEqual([
      'open:done',
      'investigating:next',
      'awaiting_operator:current',
      'decision:next',
    ]);
    const decided = flowOf('partly_accepted', ['reopen'], [...v.events, { to_state: 'partly_accepted' }]);
    expect(decided.map((s) => `${s.step}:${s.state}`)).toEqual(['open:done', 'investigating:next', 'awaiting_operator:done', 'decision:current']);
    expect(decided[3].label).toBe('Partly accepted');
  });
});

describe('SLA', () => {
  it('says how far the due date is, late or not, and nothing once resolved', () => {
    const now = Date.UTC(2026, 10, 1);
    expect(dueInWords(now + 13 * DAY + 5, 'on_time', now)).toBe('in 13 days');
    expect(dueInWords(now + 20 * 3_600_000, 'near_due', now)).toBe('in 20 h');
    expect(dueInWords(now - 2 * DAY - 1, 'overdue', now)).toBe('2 days late');
    expect(dueInWords(now - DAY, 'resolved', now)).toBe('');
  });

  it('checks the SLA days and says it as the core does', () => {
    expect(slaDaysError('10')).toBeNull();
    expect(slaDaysError('0')).toMatch(/Between 1 and 365/);
    expect(slaDaysError('ten')).toMatch(/whole number/);
    expect(slaText({ days: 10, business_days: true })).toBe('10 business days');
    expect(slaText({ days: 1, business_days: false })).toBe('1 day');
  });
});

describe('the list', () => {
  it('sends only the filters set; "-" asks for unowned cases', () => {
    expect(filterRequest(NO_FILTER)).toEqual({ overdue: false });
    expect(filterRequest({ state: 'open', affiliate: ' 4 ', owner: '-', reason: 'missing_postback', overdue: true })).toEqual({
      state: 'open',
      affiliate: '4',
      owner: '-',
      reason: 'missing_postback',
      overdue: true,
    });
    expect(filterText({ state: 'open', affiliate: '4', owner: '-', reason: 'flag:click_flooding', overdue: true })).toBe(
      'open, overdue, affiliate 4, unowned, flag: click flooding',
    );
  });

  it('says the reason beside a title only when the title does not already', () => {
    expect(reasonBesideTitle('claim:outside_window', 'Claim CL016: outside window')).toBe('');
    expect(reasonBesideTitle('missing_postback', 'missing_postback: D000060')).toBe('');
    expect(reasonBesideTitle('flag:click_flooding', 'Flag 3: 40 clicks in 2 minutes')).toBe('Flag: click flooding');
    expect(reasonBesideTitle('manual', 'October is short')).toBe('');
  });

  it('words reason codes', () => {
    expect(reasonLabel('missing_postback')).toBe('Missing postback');
    expect(reasonLabel('flag:click_flooding')).toBe('Flag: click flooding');
    expect(reasonLabel('claim:other_affiliate')).toBe('Claim: other affiliate');
    expect(reasonLabel('manual')).toBe('By hand');
    expect(reasonLabel('player_claim')).toBe('Player claimed');
  });

  it('asks the core for the first page: the filters set, the search trimmed, the order spelled out', () => {
    expect(caseQuery(NO_FILTER, '', { key: 'due', dir: 'asc' })).toEqual({ overdue: false, sort: 'due', descending: false, offset: 0, limit: CASE_PAGE });
    expect(caseQuery({ ...NO_FILTER, owner: '-', overdue: true }, '  short ', { key: 'claimed', dir: 'desc' }, 400)).toEqual({
      overdue: true,
      owner: '-',
      text: 'short',
      sort: 'claimed',
      descending: true,
      offset: 400,
      limit: CASE_PAGE,
    });
    expect(firstCaseDir('claimed')).toBe('desc');
    expect(firstCaseDir('owner')).toBe('asc');
  });
});

// The core orders and searches the list (crates/core/src/disputes/list.rs); the fake core mirrors it exactly.
describe('the case list as the core reads it (the fake core)', () => {
  const order = (rows: ReturnType<typeof disputeRow>[], sort: string, descending: boolean) =>
    disputePage(rows, { sort, descending }).rows.map((r) => r.id);
  const search = (rows: ReturnType<typeof disputeRow>[], text: string) => disputePage(rows, { text }).rows.map((r) => r.id);

  it('sorts working cases by due date before resolved ones, amounts exactly, unowned first', () => {
    const rows = [
      disputeRow(1, { due_at_ms: 300, due: 'resolved', state: 'accepted', amount_claimed: '9.50', owner: 'ana' }),
      disputeRow(2, { due_at_ms: 200, amount_claimed: '100.00', owner: '' }),
      disputeRow(3, { due_at_ms: 100, due: 'overdue', amount_claimed: '99.99', owner: 'bob' }),
    ];
    expect(order(rows, 'due', false)).toEqual([3, 2, 1]);
    expect(order(rows, 'claimed', true)).toEqual([2, 3, 1]);
    expect(order(rows, 'owner', false)).toEqual([2, 1, 3]);
    expect(order(rows, 'state', false)).toEqual([2, 3, 1]); // ties: oldest first
    expect(order(rows, 'state', true)).toEqual([1, 2, 3]); // …in either direction
    expect(() => order(rows, 'amount', false)).toThrow(
      expect.objectContaining({ message: "Sort: 'amount' is not a column (id, title, state, affiliate, owner, due, claimed, granted, period, updated)" }),
    );
  });

  it('searches by number, title, affiliate, owner, reason and period', () => {
    const rows = [disputeRow(7, { title: 'October is short', owner: 'ana' }), disputeRow(12, { affiliate_name: 'Kiwi Casino Club', reason: 'flag:geo_mismatch', period: '2026-09' })];
    expect(search(rows, '#12')).toEqual([12]);
    expect(search(rows, 'short')).toEqual([7]);
    expect(search(rows, 'kiwi')).toEqual([12]);
    expect(search(rows, 'geo')).toEqual([12]);
    expect(search(rows, 'geo mismatch')).toEqual([12]);
    expect(search(rows, 'ANA')).toEqual([7]);
    expect(search(rows, '2026-09')).toEqual([12]);
    expect(search(rows, '%')).toEqual([]);
  });

  it('pages: the total, the offset, a limit of at most 1000, and no page past the last case', () => {
    const rows = Array.from({ length: 5 }, (_, i) => disputeRow(i + 1));
    expect(disputePage(rows, { sort: 'id', descending: false, offset: 3, limit: 2 })).toMatchObject({ total: 5, offset: 3 });
    expect(disputePage(rows, { sort: 'id', descending: false, offset: 3, limit: 2 }).rows.map((r) => r.id)).toEqual([4, 5]);
    expect(disputePage(rows, { limit: 0 }).rows).toEqual([]);
    expect(() => disputePage(rows, { offset: 5 })).toThrow(expect.objectContaining({ message: 'Offset: 5 is past the last of the 5 matching cases' }));
    expect(() => disputePage(rows, { limit: 1001 })).toThrow(expect.objectContaining({ message: 'Limit: 1001 is more than a page holds (0 to 1000 cases)' }));
  });
});

describe('people and refusals', () => {
  it('only people holding disputes.work own cases (the roles mirror crates/core/src/people/roles.rs)', () => {
    const granting = (Object.keys(ROLE_PERMISSIONS) as Role[]).filter((r) => ROLE_PERMISSIONS[r].includes('disputes.work'));
    expect([...DISPUTE_ROLES]).toEqual(granting);
    expect(mayWorkDisputes(person('ana', ['analyst']))).toBe(true);
    expect(mayWorkDisputes(person('fiona', ['finance']))).toBe(false);
    expect(mayWorkDisputes(person('old', ['analyst'], { active: false }))).toBe(false);
  });

  it('maps the core’s messages onto fields, and finds the case a discrepancy already has', () => {
    expect(openFieldOf("Affiliate: no affiliate '99'")).toEqual({ field: 'affiliate', reason: "no affiliate '99'" });
    expect(openFieldOf('Title: say what the affiliate claims')).toEqual({ field: 'title', reason: 'say what the affiliate claims' });
    expect(resolveFieldOf('Amount: a partial acceptance grants less than the 90.00 claimed')).toEqual({
      field: 'amount',
      reason: 'a partial acceptance grants less than the 90.00 claimed',
    });
    expect(resolveFieldOf('case 7 is investigating: reopen it before deciding again')).toBeNull();
    expect(existingCaseOf('discrepancy 4 already has dispute case 9')).toBe(9);
    expect(existingCaseOf('no discrepancy 4')).toBeNull();
  });
});

describe('money', () => {
  it('subtracts decimals exactly', () => {
    expect(decimalDiff('90.00', '0.00')).toBe('90.00');
    expect(decimalDiff('25', '90.00')).toBe('-65.00');
    expect(decimalDiff('0.1', '0.3')).toBe('-0.2');
    expect(decimalDiff('9007199254740993.01', '0.01')).toBe('9007199254740993.00');
    expect(decimalDiff('abc', '1')).toBeNull();
    expect(isZero('0.00')).toBe(true);
    expect(isZero('-0.0')).toBe(true);
    expect(isZero('0.01')).toBe(false);
  });
});

describe('timeline and evidence', () => {
  it('says each event in words', () => {
    const e = (event: string, over: object = {}) => ({ at_ms: 0, by: 'ana', event, from_state: '', to_state: '', text: '', ...over });
    expect(eventWords(e('moved', { from_state: 'open', to_state: 'awaiting_operator' })).action).toBe('moved it from Open to Awaiting operator');
    expect(eventWords(e('assigned', { text: 'owner: ana' })).action).toBe('assigned it to ana');
    expect(eventWords(e('assigned', { text: '' })).action).toBe('left it unowned');
    expect(eventWords(e('resolved', { to_state: 'accepted', text: 'operator confirms' }))).toEqual({ action: 'decided: Accepted', detail: 'operator confirms' });
    expect(eventWords(e('comment', { text: 'asked' }))).toEqual({ action: 'commented', detail: 'asked' });
  });

  it('finds the raw view of players, deposits, clicks and conversions from their bodies', () => {
    expect(rawRefOf(evidenceItem('player', 'p', { external_id: 'P000073' }))).toEqual({ kind: 'player', reference: 'P000073' });
    expect(rawRefOf(evidenceItem('click', 'c', { click_id: 'cda5', external_id: 'x' }))).toEqual({ kind: 'click', reference: 'cda5' });
    expect(rawRefOf(evidenceItem('attribution', 'a', { external_id: 'P1' }))).toBeNull();
    expect(rawRefOf({ kind: 'player', title: '', source: '', sha256: '', body: 'not json' })).toBeNull();
  });

  it('reads subjects (a statement line keeps its colons) and the players a case names', () => {
    const v = { subjects: ['player:P000073', 'statement_line:4:2026-10:cpa', 'discrepancy:1'] };
    expect(subjectsOf(v)).toEqual([
      { kind: 'player', ref: 'P000073' },
      { kind: 'statement_line', ref: '4:2026-10:cpa' },
      { kind: 'discrepancy', ref: '1' },
    ]);
    expect(playersOf(v)).toEqual(['P000073']);
  });

  it('pretty-prints JSON only, and sizes files', () => {
    expect(prettyJson('{"a":1}')).toBe('{\n  "a": 1\n}');
    expect(prettyJson('a,b\n1,2')).toBeNull();
    expect(formatBytes(1)).toBe('1 byte');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MiB');
  });
});

describe('the dashboard', () => {
  it('counts working cases per affiliate and their overdue ones; decided cases do not count', () => {
    // The core counts them (the page's `affiliates`, whatever the filter); the fake core as the core does.
    const { affiliates } = disputePage(
      [
        disputeRow(1, { affiliate_id: '4' }),
        disputeRow(2, { affiliate_id: '4', due: 'overdue' }),
        disputeRow(3, { affiliate_id: '4', state: 'accepted', due: 'resolved' }),
        disputeRow(4, { affiliate_id: '9', state: 'investigating' }),
        disputeRow(5, { affiliate_id: '' }),
        disputeRow(6, { affiliate_id: '11', state: 'rejected', due: 'resolved' }),
      ],
      { limit: 0 },
    );
    const counts = casesByAffiliate(affiliates);
    expect([...counts]).toEqual([
      ['4', { open: 2, overdue: 1 }],
      ['9', { open: 1, overdue: 0 }],
    ]);
  });
});
