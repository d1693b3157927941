// The program scoping every screen relies on: `withProgram` must pass the chosen program on every call whose
// Rust command takes one (read from the shell's sources, so a new scoped command cannot be forgotten), and
// leave the others alone; `choose` picks the remembered program, else the default.
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { tauriBackend, type Backend } from './api';
import { choose, PROGRAM_SCOPED, readRemembered, remember, statementAffiliates, withProgram } from './programs';
import { PROGRAMS } from '../test/backend';
import { dashboard, tradingSummary } from '../test/fixtures';

afterEach(() => clearMocks());

const shell = (file: string) => readFileSync(`../src-tauri/${file}`, 'utf8');

/** Commands whose adapter takes `program: Option<String>` or a `DashboardQuery` (which carries `program`). */
function scopedCommands(): Set<string> {
  const out = new Set<string>();
  const re = /#\[tauri::command\]\s*pub async fn (\w+)\(([^)]*)\)/g;
  for (const file of ['src/commands.rs', 'src/commission_commands.rs', 'src/detect_commands.rs']) {
    for (const m of shell(file).matchAll(re)) {
      if (/\bprogram\s*:\s*Option<String>/.test(m[2]) || /:\s*DashboardQuery\b/.test(m[2])) out.add(m[1]);
    }
  }
  return out;
}

const PERIOD = { from: '2026-09-01', to: '2026-09-30' };
/** One call of every program-scoped Backend method, with plausible arguments. */
const CALLS: Record<(typeof PROGRAM_SCOPED)[number], (b: Backend) => Promise<unknown>> = {
  dashboard: (b) => b.dashboard(PERIOD),
  coverage: (b) => b.coverage({}),
  listAffiliates: (b) => b.listAffiliates({}),
  affiliateDetail: (b) => b.affiliateDetail('7', PERIOD),
  explainPlayer: (b) => b.explainPlayer('P1'),
  attributionRules: (b) => b.attributionRules(),
  saveAttributionRules: (b) => b.saveAttributionRules('2026-10-01', {} as never),
  multiTouchReport: (b) => b.multiTouchReport(PERIOD, 24),
  setPromoCode: (b) => b.setPromoCode('SPIN', '7', null, null),
  runAttribution: (b) => b.runAttribution(),
  listPlans: (b) => b.listPlans(),
  planDetail: (b) => b.planDetail('IB'),
  checkPlan: (b) => b.checkPlan('{}', 'json'),
  savePlan: (b) => b.savePlan('{}', 'json'),
  exportPlan: (b) => b.exportPlan('IB', 'toml', 'ib.toml'),
  previewPlan: (b) => b.previewPlan('{}', 'json', '2026-09'),
  listPeriods: (b) => b.listPeriods(),
  computePeriod: (b) => b.computePeriod('2026-09'),
  closePeriod: (b) => b.closePeriod('2026-09'),
  statement: (b) => b.statement('7', '2026-09'),
  exportStatement: (b) => b.exportStatement('7', '2026-09', 'csv', 's.csv'),
  qualification: (b) => b.qualification('P1', null),
  detectRun: (b) => b.detectRun(),
  detectBacktest: (b) => b.detectBacktest({ rule: 'churning', settings: [] }),
  flagsList: (b) => b.flagsList({}),
  reconcile: (b) => b.reconcile({ period: '2026-09' }),
  reconcileExportCsv: (b) => b.reconcileExportCsv({ period: '2026-09' }, 'r.csv'),
};

describe('withProgram', () => {
  it('passes the program on every command the Rust shell scopes, through the real tauriBackend', async () => {
    const seen = new Map<string, Record<string, unknown>>();
    mockIPC((cmd, args) => {
      seen.set(cmd, (args ?? {}) as Record<string, unknown>);
      return null;
    });
    const scoped = withProgram(tauriBackend, 'Demo Broker');
    for (const call of Object.values(CALLS)) await call(scoped);
    const expected = scopedCommands();
    expect(expected.size).toBeGreaterThanOrEqual(PROGRAM_SCOPED.length); // the parse found them
    expect([...seen.keys()].sort()).toEqual([...expected].sort()); // one call per scoped command, no more
    for (const [cmd, args] of seen) {
      const query = args.query as { program?: string } | undefined;
      const program = 'program' in args ? args.program : query?.program;
      expect(program, cmd).toBe('Demo Broker');
    }
  });

  it('keeps a program named in the query, and leaves unscoped methods untouched', async () => {
    const seen: unknown[] = [];
    mockIPC((_cmd, args) => {
      seen.push(args);
      return null;
    });
    const scoped = withProgram(tauriBackend, 'Demo Broker');
    await scoped.dashboard({ program: 'Demo Casino' });
    expect(seen).toEqual([{ query: { program: 'Demo Casino' } }]);
    expect(scoped.listSources).toBe(tauriBackend.listSources);
    expect(scoped.flagDecide).toBe(tauriBackend.flagDecide);
    expect(scoped.listPrograms).toBe(tauriBackend.listPrograms);
  });

  it('without a program is the backend itself (its default program)', () => {
    expect(withProgram(tauriBackend, null)).toBe(tauriBackend);
  });
});

describe('choose and remember', () => {
  it('prefers the remembered program, then the default, then the first', () => {
    expect(choose(PROGRAMS, 'Demo Broker')?.name).toBe('Demo Broker');
    expect(choose(PROGRAMS, 'Gone')?.name).toBe('Lucky Casino EU');
    expect(choose(PROGRAMS, null)?.name).toBe('Lucky Casino EU');
    expect(choose([{ ...PROGRAMS[1] }], null)?.name).toBe('Demo Broker');
    expect(choose([], 'Demo Broker')).toBeNull();
  });

  it('survives storage that throws', () => {
    const broken = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
    };
    expect(readRemembered(broken)).toBeNull();
    expect(() => remember(broken, 'Demo Broker')).not.toThrow();
  });
});

it('statementAffiliates adds the IBs that only traded, once', () => {
  const d = dashboard({ rows: [], trading: tradingSummary() });
  expect(statementAffiliates(d).map((r) => r.affiliate_id)).toEqual(['101', '102']);
  const withRow = dashboard({ trading: tradingSummary() });
  const ids = statementAffiliates(withRow).map((r) => r.affiliate_id);
  expect(new Set(ids).size).toBe(ids.length);
});
