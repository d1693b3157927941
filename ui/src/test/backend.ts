// A fake `Backend` whose every method is a vi.fn with a sensible default; override what a test is about.
import { vi } from 'vitest';
import type { Backend } from '../lib/api';
import type { Dashboard, DashboardQuery, SyncSummary } from '../lib/bindings';
import { coverageReport, dashboard, source, sourcesOverview, status } from './fixtures';

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
    ...over,
  };
}
