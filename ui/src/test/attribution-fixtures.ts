// Attribution fixtures: affiliate profiles, a detail with players, explanations, rules and a multi-touch report.
import type {
  AffiliateDetail,
  AffiliateProfile,
  AffiliatesPage,
  AttributionRules,
  AttributionRulesView,
  MultiTouchReport,
  MultiTouchRow,
  PlayerExplanation,
} from '../lib/bindings';

export function profile(id: string, name: string, over: Partial<AffiliateProfile> = {}): AffiliateProfile {
  return {
    external_id: id,
    name,
    parent: null,
    status: 'active',
    sub_affiliates: [],
    promo_codes: [],
    attributed_players: 0,
    registrations: 0,
    ftds: 0,
    approved_conversions: 0,
    ftd_amount: '0.00',
    ...over,
  };
}

export const PERIOD = { from: '2026-09-01', to: '2026-09-30' };

export function affiliatesPage(over: Partial<AffiliatesPage> = {}): AffiliatesPage {
  return {
    period: PERIOD,
    rows: [
      profile('2', 'Nordic Spin Reviews', {
        attributed_players: 40,
        registrations: 38,
        ftds: 20,
        approved_conversions: 18,
        ftd_amount: '4644.79',
        promo_codes: ['SPIN50-A2'],
        sub_affiliates: ['10'],
      }),
      profile('10', 'Free Spins Daily', {
        parent: '2',
        attributed_players: 12,
        registrations: 12,
        ftds: 9,
        approved_conversions: 9,
        ftd_amount: '1722.47',
      }),
      profile('3', 'Casino Guru Partners', {
        status: 'inactive',
        attributed_players: 25,
        registrations: 25,
        ftds: 15,
        approved_conversions: 11,
        ftd_amount: '13282.23',
      }),
    ],
    ...over,
  };
}

export function affiliateDetail(id = '2'): AffiliateDetail {
  const p = affiliatesPage().rows.find((r) => r.external_id === id) ?? profile(id, `Affiliate ${id}`);
  return {
    profile: p,
    players: [
      { external_id: 'P000042', registered_day: '2026-09-21', key_kind: 'click_id', key_value: '3f2a9c0d11223344', locked: true },
      { external_id: 'P000051', registered_day: '2026-09-20', key_kind: 'promo_code', key_value: 'SPIN50-A2', locked: false },
    ],
    players_total: p.attributed_players,
    plan_history: [
      { plan: 'Casino default', effective_from: '2026-01-01', program_default: true, assigned_by: 'system', assigned_at_ms: 0 },
      { plan: 'VIP hybrid', effective_from: '2026-06-01', program_default: false, assigned_by: 'maria', assigned_at_ms: 0 },
    ],
    identifiers: [
      { kind: 'ip', value: '85.12.0.7', hint: '85.12.0.7', origin: 'file', origin_ref: 'affiliates.csv', added_at_ms: 0 },
      { kind: 'email_hash', value: 'ab'.repeat(32), hint: 'j…@gmail.com', origin: 'user', origin_ref: 'sam', added_at_ms: 0 },
    ],
  };
}

export function explanation(player = 'P000042'): PlayerExplanation {
  return {
    explanation: {
      player,
      affiliate: '2',
      matched_kind: 'click_id',
      matched_value: '3f2a9c0d11223344',
      rule: 'click priority',
      rule_version_id: null,
      rules_effective_from: null,
      first_referrer_kept: false,
      candidates: [
        { kind: 'click_id', value: '3f2a9c0d11223344', affiliate: '2', outcome: 'won', reason: 'click priority' },
        { kind: 'promo_code', value: 'SPIN50-A3', affiliate: '3', outcome: 'rejected', reason: 'click priority' },
      ],
      analysis: {
        selection: 'last',
        touches: [{ click_id: '3f2a9c0d11223344', affiliate: '2', clicked_at_ms: Date.UTC(2026, 8, 21, 10), matched_by: 'carried' }],
        selected_affiliate: '2',
      },
    },
    text: `Player ${player} → affiliate 2 via click 3f2a9c0d…`,
    decided_at_ms: Date.UTC(2026, 8, 22),
    locked_at_ms: Date.UTC(2026, 8, 21, 12),
  };
}

export const RULES: AttributionRules = {
  click_id: true,
  btag: true,
  promo_code: true,
  priority: 'click_wins',
  post_click_window_days: 30,
  click_selection: 'last',
  ip_ua_window_hours: 24,
  keep_first_referrer: true,
};

export function rulesView(over: Partial<AttributionRulesView> = {}): AttributionRulesView {
  return {
    program: 'Demo Casino',
    current: { id: null, effective_from: null, created_by: 'built-in default', created_at_ms: null, rules: RULES },
    versions: [],
    ...over,
  };
}

export function touchRow(affiliate: string, over: Partial<MultiTouchRow> = {}): MultiTouchRow {
  return {
    affiliate,
    name: `Affiliate ${affiliate}`,
    touches: 1,
    first: '0.00',
    last: '0.00',
    position: '0.00',
    decay: '0.00',
    payout_attribution: '0.00',
    ...over,
  };
}

export function multiTouch(over: Partial<MultiTouchReport> = {}): MultiTouchReport {
  return {
    period: PERIOD,
    currency: 'EUR',
    half_life_hours: 24,
    conversions: 1,
    untouched_conversions: 3,
    total: '35.00',
    rows: [
      touchRow('1', { touches: 1, first: '35.00', position: '14.00', decay: '5.00' }),
      touchRow('2', { touches: 2, last: '35.00', position: '21.00', decay: '30.00', payout_attribution: '35.00' }),
    ],
    ...over,
  };
}
