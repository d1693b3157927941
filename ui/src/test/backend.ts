// A fake `Backend` whose every method is a vi.fn with a sensible default; override what a test is about.
import { vi } from 'vitest';
import type { Backend } from '../lib/api';
import type { Dashboard, DashboardQuery, SyncSummary } from '../lib/bindings';
import {
  CLICK_FIELDS,
  coverageReport,
  dashboard,
  flagRow,
  investigation,
  reconReport,
  importPreview,
  importRun,
  listenerStatus,
  source,
  sourcesOverview,
  status,
} from './fixtures';

export const SUMMARY: SyncSummary = { streams: [], elapsed_ms: 1234 };

export type FakeBackend = { [K in keyof Backend]: Backend[K] } & { queries: DashboardQuery[] };

export function fakeBackend(over: Partial<Backend> = {}): FakeBackend {
  const queries: DashboardQuery[] = [];
  return {
    queries,
    workspaceStatus: vi.fn(async () => status(true)),
    openDemoWorkspace: vi.fn(async () => SUMMARY),
    syncNow: vi.fn(async () => SUMMARY),
    dashboard: vi.fn(async (q: DashboardQuery): Promise<Dashboard> => {
      queries.push(q);
      return dashboard(q.from && q.to ? { period: { from: q.from, to: q.to } } : {});
    }),
    listSources: vi.fn(async () => sourcesOverview()),
    saveSource: vi.fn(async (s) => source(s.name, { kind: s.kind, base_url: s.base_url })),
    testSource: vi.fn(async () => ({ ok: true, message: 'HTTP 200, 1 row', latency_ms: 42 })),
    coverage: vi.fn(async (q: DashboardQuery) =>
      coverageReport(q.from && q.to ? { period: { from: q.from, to: q.to } } : {}),
    ),
    importFields: vi.fn(async () => CLICK_FIELDS),
    importPreview: vi.fn(async () => importPreview()),
    importRun: vi.fn(async () => importRun(9)),
    importRuns: vi.fn(async () => []),
    importQuarantine: vi.fn(async (q) => ({ run_id: q.runId, total: 0, offset: q.offset, rows: [] })),
    importQuarantineExport: vi.fn(async () => 0),
    postbackLog: vi.fn(async (f) => ({ rows: [], total: 0, page: f.page, page_size: f.page_size })),
    postbackSources: vi.fn(async () => []),
    listenerStatus: vi.fn(async () => listenerStatus()),
    listenerStart: vi.fn(async (port: number) =>
      listenerStatus({ running: true, address: `127.0.0.1:${port || 47123}`, started_at_ms: Date.UTC(2026, 9, 3, 12) }),
    ),
    listenerStop: vi.fn(async () => listenerStatus()),
    savePostbackSource: vi.fn(async (config) =>
      listenerStatus({ sources: [{ name: config.name, dialect: config.dialect, has_token: false, has_hmac_secret: false, has_previous_hmac_secret: false }] }),
    ),
    detectRun: vi.fn(async () => ({ run_id: 1, flags_created: 2, rules: [] })),
    detectBacktest: vi.fn(async () => ({ rules: [] })),
    flagsList: vi.fn(async () => [flagRow(1), flagRow(2, { severity: 'low', score: 30, pattern: 'geo_mismatch' })]),
    flagDecide: vi.fn(async (input) => flagRow(input.flag_id, { status: input.decision === 'confirm' ? 'confirmed' : 'dismissed' })),
    flagInvestigate: vi.fn(async (id: number) => investigation(flagRow(id))),
    reconcile: vi.fn(async (q) => reconReport({ period: q.period })),
    reconcileExportCsv: vi.fn(async () => 2),
    disputeOpen: vi.fn(async (input) => ({
      id: 7,
      state: 'open',
      title: `dispute of ${input.discrepancy_id}`,
      affiliate_id: '3',
      amount_claimed: '50.00',
      currency: 'EUR',
      sla_due_at_ms: Date.UTC(2026, 10, 8),
    })),
    dashboardAlerts: vi.fn(async () => []),
    ...over,
  };
}
