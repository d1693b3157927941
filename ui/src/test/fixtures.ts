// Test data shaped exactly like the generated bindings.
import type {
  AllowEntry,
  AffiliateRow,
  TradingSummary,
  FlagGroup,
  FlagRow,
  Investigation,
  ReconReport,
  ReconRow,
  CoverageReport,
  CoverageRow,
  Dashboard,
  ImportFieldSpec,
  ImportPreview,
  ImportRunSummary,
  PostbackLogRow,
  PostbackSourceConfig,
  ListenerStatus,
  PostbackSourceStatus,
  Progress,
  QuarantineRow,
  SourceFreshness,
  SourcesOverview,
  SourceView,
  WorkspaceStatus,
} from '../lib/bindings';

export function row(id: string, name: string, over: Partial<AffiliateRow> = {}): AffiliateRow {
  return {
    affiliate_id: id,
    affiliate_name: name,
    clicks: 0,
    registrations: 0,
    ftds: 0,
    approved_conversions: 0,
    cr_percent: '0.00',
    ftd_amount: '0.00',
    ftd_amount_micros: '0',
    ...over,
  };
}

/** Three affiliates whose orders differ for every column, so each sort is observable. */
export const ROWS: AffiliateRow[] = [
  row('aff-1', 'Alpha Media', {
    clicks: 12000,
    registrations: 300,
    ftds: 40,
    approved_conversions: 35,
    cr_percent: '0.33',
    ftd_amount: '9007199254.740992',
    ftd_amount_micros: '9007199254740992',
  }),
  row('aff-2', 'bravo partners', {
    clicks: 900,
    registrations: 1200,
    ftds: 1500,
    approved_conversions: 2,
    cr_percent: '166.67',
    ftd_amount: '9007199254.740993',
    ftd_amount_micros: '9007199254740993',
  }),
  row('aff-3', 'Charlie Traffic', {
    clicks: 5000,
    registrations: 50,
    ftds: 10,
    approved_conversions: 9,
    cr_percent: '10.20',
    ftd_amount: '1234.50',
    ftd_amount_micros: '1234500000',
  }),
];

export const TOTALS: AffiliateRow = row('', 'Total', {
  clicks: 17900,
  registrations: 1550,
  ftds: 1550,
  approved_conversions: 46,
  cr_percent: '8.66',
  ftd_amount: '18014399743.981485',
  ftd_amount_micros: '18014399743981485',
});

export const NOW_MS = Date.UTC(2025, 5, 30, 12, 0, 0);
const MIN = 60_000;

export const FRESHNESS: SourceFreshness[] = [
  {
    source: 'everflow',
    kind: 'tracker',
    last_success_at_ms: NOW_MS - 3 * MIN,
    last_attempt_at_ms: NOW_MS - 3 * MIN,
    last_status: 'ok',
    last_message: '1,234 rows',
  },
  {
    source: 'operator-api',
    kind: 'operator',
    last_success_at_ms: NOW_MS - 30 * 60 * MIN,
    last_attempt_at_ms: NOW_MS - MIN,
    last_status: 'failed',
    last_message: 'HTTP 503 from operator after 5 retries',
  },
  {
    source: 'batch-csv',
    kind: 'operator',
    last_success_at_ms: null,
    last_attempt_at_ms: null,
    last_status: 'never',
    last_message: '',
  },
];

export const SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>A &amp; B</text></svg>';

export function dashboard(over: Partial<Dashboard> = {}): Dashboard {
  return {
    program: 'Lucky Casino EU',
    currency: 'EUR',
    timezone: 'Europe/Malta',
    period: { from: '2025-06-01', to: '2025-06-30' },
    rows: ROWS,
    totals: TOTALS,
    daily_ftd_svg: SVG,
    freshness: FRESHNESS,
    vertical: 'igaming',
    trading: null,
    unconverted: [],
    ...over,
  };
}

/** A Forex program's trading: two IBs, one of whom only traded (no funnel row). */
export function tradingSummary(over: Partial<TradingSummary> = {}): TradingSummary {
  return {
    accounts_opened: 5,
    active_accounts: 4,
    trades: 37,
    lots: '12.50',
    rows: [
      { affiliate_id: '101', affiliate_name: 'FX Partners', accounts_opened: 3, active_accounts: 3, trades: 30, lots: '10.25' },
      { affiliate_id: '102', affiliate_name: 'Pip Club', accounts_opened: 2, active_accounts: 1, trades: 7, lots: '2.25' },
    ],
    ...over,
  };
}

export function status(hasData: boolean): WorkspaceStatus {
  return {
    data_dir: '/tmp/affops-test/data',
    has_data: hasData,
    data_range: hasData ? { from: '2025-06-01', to: '2025-06-30' } : null,
    freshness: [],
  };
}

export function progress(over: Partial<Progress> = {}): Progress {
  return {
    step: 'everflow/conversions',
    done: 1500,
    total: 4000,
    steps_done: 2,
    steps_total: 5,
    bytes_done: null,
    bytes_total: null,
    rows_per_second: null,
    message: 'page 3',
    ...over,
  };
}

export function source(name: string, over: Partial<SourceView> = {}): SourceView {
  return {
    name,
    program: 'Lucky Casino EU',
    kind: 'everflow',
    base_url: 'https://tracker.example.com',
    since: null,
    window_days: 90,
    page_size: 500,
    overlap_minutes: 60,
    enabled: true,
    has_credentials: true,
    freshness: {
      source: name,
      kind: 'everflow',
      last_success_at_ms: NOW_MS - 3 * MIN,
      last_attempt_at_ms: NOW_MS - 3 * MIN,
      last_status: 'ok',
      last_message: '1,234 rows',
    },
    ...over,
  };
}

export const TRACKER = source('Demo tracker', { base_url: 'http://127.0.0.1:41001' });
export const OPERATOR = source('Demo operator', {
  kind: 'operator',
  base_url: 'http://127.0.0.1:41002',
  has_credentials: false,
  enabled: false,
  freshness: {
    source: 'Demo operator',
    kind: 'operator',
    last_success_at_ms: null,
    last_attempt_at_ms: NOW_MS - MIN,
    last_status: 'failed',
    last_message: 'HTTP 503 from operator after 5 retries',
  },
});

export function sourcesOverview(over: Partial<SourcesOverview> = {}): SourcesOverview {
  return {
    sources: [TRACKER, OPERATOR],
    credential_backend: 'OS keychain',
    credential_warning: null,
    ...over,
  };
}

export function coverageRow(id: string, name: string, over: Partial<CoverageRow> = {}): CoverageRow {
  return {
    affiliate_id: id,
    affiliate_name: name,
    total: 0,
    s2s: 0,
    pixel: 0,
    batch: 0,
    api: 0,
    s2s_percent: '0.00',
    pixel_percent: '0.00',
    batch_percent: '0.00',
    api_percent: '0.00',
    pixel_payout_percent: '0.00',
    ...over,
  };
}

/** Shares chosen so every channel column orders the rows differently. */
export const COVERAGE_ROWS: CoverageRow[] = [
  coverageRow('aff-1', 'Alpha Media', {
    total: 8,
    s2s: 1,
    pixel: 7,
    s2s_percent: '12.50',
    pixel_percent: '87.50',
    pixel_payout_percent: '91.20',
  }),
  coverageRow('aff-2', 'bravo partners', {
    total: 1200,
    s2s: 1200,
    s2s_percent: '100.00',
  }),
  coverageRow('aff-3', 'Charlie Traffic', {
    total: 300,
    s2s: 75,
    pixel: 25,
    batch: 100,
    api: 100,
    s2s_percent: '25.00',
    pixel_percent: '8.33',
    batch_percent: '33.33',
    api_percent: '33.34',
    pixel_payout_percent: '6.05',
  }),
];

export const COVERAGE_TOTALS: CoverageRow = coverageRow('', 'Total', {
  total: 1508,
  s2s: 1276,
  pixel: 32,
  batch: 100,
  api: 100,
  s2s_percent: '84.62',
  pixel_percent: '2.12',
  batch_percent: '6.63',
  api_percent: '6.63',
  pixel_payout_percent: '3.10',
});

export function coverageReport(over: Partial<CoverageReport> = {}): CoverageReport {
  return {
    period: { from: '2025-06-01', to: '2025-06-30' },
    rows: COVERAGE_ROWS,
    totals: COVERAGE_TOTALS,
    warning: null,
    ...over,
  };
}

// Import and postbacks.

export const CLICK_FIELDS: ImportFieldSpec[] = [
  { name: 'click_id', required: true },
  { name: 'clicked_at', required: true },
  { name: 'affiliate_id', required: true },
  { name: 'sub_id', required: false },
];

export function importPreview(over: Partial<ImportPreview> = {}): ImportPreview {
  return {
    preset: 'clicks',
    header: ['click_id', 'clicked_at', 'affiliate_id', 'aff', 'sub'],
    delimiter: ',',
    had_bom: false,
    junk_prefix: '',
    resolved: [
      ['click_id', 'click_id'],
      ['clicked_at', 'clicked_at'],
      ['affiliate_id', 'affiliate_id'],
    ],
    unmapped_optional: ['sub_id'],
    rows: [
      {
        row: 2,
        fields: [
          ['click_id', 'c-1'],
          ['clicked_at', '2026-10-03 14:22:05'],
          ['affiliate_id', 'aff-1'],
          ['sub_id', ''],
        ],
        error: null,
      },
      {
        row: 3,
        fields: [
          ['click_id', 'c-2'],
          ['clicked_at', '03/10/2026'],
          ['affiliate_id', 'aff-2'],
          ['sub_id', ''],
        ],
        error: "clicked_at: '03/10/2026' is not a date in the auto format",
      },
    ],
    missing_signals: [],
    ignored_signals: [],
    ...over,
  };
}

export function importRun(id: number, over: Partial<ImportRunSummary> = {}): ImportRunSummary {
  return {
    id,
    source: 'Batch import',
    file_name: `clicks-${id}.csv`,
    file_size: 1000,
    sha256: 'ab'.repeat(32),
    preset: 'clicks',
    started_at_ms: Date.UTC(2026, 9, id, 12, 0, 0),
    finished_at_ms: Date.UTC(2026, 9, id, 12, 0, 5),
    status: 'done',
    rows_ok: 100 * id,
    rows_quarantined: id,
    checkpoint_offset: 1000,
    message: '',
    already_imported: false,
    missing_signals: [],
    ignored_signals: [],
    ...over,
  };
}

export function quarantineRow(row: number, over: Partial<QuarantineRow> = {}): QuarantineRow {
  return {
    id: row,
    locator: `row ${row}`,
    row,
    field: 'clicked_at',
    reason: `'bad-${row}' is not a date`,
    raw: `c-${row},bad-${row},aff-1`,
    ...over,
  };
}

export function postbackRow(id: number, over: Partial<PostbackLogRow> = {}): PostbackLogRow {
  return {
    id,
    received_at_ms: Date.UTC(2026, 9, 3, 12, 0, id),
    source: 'voluum-main',
    remote_ip: '203.0.113.7',
    method: 'GET',
    path_query: `/postback/voluum-main?cid=c-${id}&payout=10&token=***`,
    body: '',
    status_code: 200,
    outcome: 'recorded',
    reason: '',
    conversion_id: id,
    latency_us: 850,
    ...over,
  };
}

export function postbackSource(name: string, over: Partial<PostbackSourceConfig> = {}): PostbackSourceConfig {
  return {
    name,
    program: 'Demo Casino',
    dialect: 'voluum',
    allow_ips: ['203.0.113.0/24'],
    allow_any_ip: false,
    hmac_required: false,
    default_currency: 'EUR',
    ...over,
  };
}

export function listenerSource(name: string, over: Partial<PostbackSourceStatus> = {}): PostbackSourceStatus {
  return { name, dialect: 'voluum', has_token: true, has_hmac_secret: false, has_previous_hmac_secret: false, ...over };
}

export function listenerStatus(over: Partial<ListenerStatus> = {}): ListenerStatus {
  return {
    running: false,
    address: null,
    started_at_ms: null,
    sources: [],
    recorded: 0,
    updated: 0,
    duplicates: 0,
    stale: 0,
    rejected: 0,
    overloaded: 0,
    ...over,
  };
}

export function flagRow(id: number, over: Partial<FlagRow> = {}): FlagRow {
  return {
    id,
    program: 'Demo Casino',
    affiliate_id: `${id}`,
    affiliate_name: `Affiliate ${id}`,
    rule: 'click_injection',
    pattern: 'click_injection',
    severity: 'high',
    score: 75,
    status: 'open',
    summary: `player PX${id} registered 5 s after its click`,
    created_at_ms: Date.UTC(2026, 9, 5, 12),
    evidence_json: '{"ctit_secs":5}',
    items: 2,
    amount_at_stake: '50.00',
    currency: 'EUR',
    revision: 1,
    revision_state: 'found',
    revision_reason: '',
    revised_at_ms: Date.UTC(2026, 9, 5, 12),
    decided_revision: null,
    ...over,
  };
}

export function allowEntry(id: number, over: Partial<AllowEntry> = {}): AllowEntry {
  return {
    id,
    kind: 'ip_range',
    value: '100.64.0.0/16',
    rule: '',
    reason: 'carrier NAT',
    flag_id: null,
    created_by: 'ana',
    created_at_ms: Date.UTC(2026, 9, 6),
    revoked_by: null,
    revoked_at_ms: null,
    revoke_reason: null,
    ...over,
  };
}

export function flagGroup(affiliate: string, rule: string, ids: number[], over: Partial<FlagGroup> = {}): FlagGroup {
  return {
    affiliate_id: affiliate,
    affiliate_name: `Affiliate ${affiliate}`,
    rule,
    pattern: rule,
    flags: ids.length,
    items: ids.length * 2,
    highest_severity: 'high',
    max_score: 75,
    amount_at_stake: '50.00',
    currency: 'EUR',
    example: `player PX${affiliate} registered 5 s after its click`,
    newest_at_ms: Date.UTC(2026, 9, 5, 12),
    flag_ids: ids,
    ...over,
  };
}

export function investigation(flag: FlagRow, over: Partial<Investigation> = {}): Investigation {
  return {
    flag,
    decisions: [],
    revisions: [
      {
        revision: 1,
        state: 'found',
        severity: flag.severity,
        score: flag.score,
        summary: flag.summary,
        evidence_json: flag.evidence_json,
        items: flag.items,
        reason: '',
        at_ms: flag.created_at_ms,
      },
    ],
    timeline: [
      { at_ms: Date.UTC(2026, 9, 5, 12), kind: 'click', reference: 'c1', detail: 'IP 1.1.1.1, sub1 x, DE' },
      { at_ms: Date.UTC(2026, 9, 5, 12, 0, 5), kind: 'registration', reference: 'PX1', detail: 'country DE' },
    ],
    shared: [{ kind: 'device', value: 'dev-1', players: ['PX1', 'PX2'] }],
    ctit: [
      { label: '3-10s', players: 3 },
      { label: '1-10m', players: 40 },
    ],
    ctit_svg: SVG,
    geo: [{ click_country: 'DE', registration_country: 'DE', ip_country: 'DE', players: 43 }],
    ...over,
  };
}

export function reconRow(id: number, reason: string, over: Partial<ReconRow> = {}): ReconRow {
  return {
    id,
    reason,
    affiliate_id: '3',
    affiliate_name: 'Affiliate 3',
    conversion_ref: `cv${id}`,
    transaction_id: `k${id}`,
    player_ref: `p${id}`,
    deposit_ref: `d${id}`,
    tracker_amount: '22.00',
    operator_amount: '20.00',
    impact: '-50.00',
    currency: 'EUR',
    detail: `detail of ${id}`,
    ...over,
  };
}

export function reconReport(over: Partial<ReconReport> = {}): ReconReport {
  const rows = over.rows ?? [reconRow(1, 'amount_mismatch'), reconRow(2, 'missing_postback', { impact: '50.00', conversion_ref: '' })];
  return {
    period: '2026-10',
    program: 'Demo Casino',
    reconciled_at_ms: Date.UTC(2026, 10, 5, 9, 0),
    reconciled_by: 'ana',
    totals: [
      {
        affiliate_id: '3',
        affiliate_name: 'Affiliate 3',
        tracker_conversions: 10,
        operator_ftds: 11,
        discrepancies: 2,
        impact: '0.00',
        currency: 'EUR',
      },
    ],
    reasons: [
      { reason: 'amount_mismatch', count: 1 },
      { reason: 'missing_postback', count: 1 },
    ],
    rows,
    total_rows: rows.length,
    offset: 0,
    ...over,
  };
}
