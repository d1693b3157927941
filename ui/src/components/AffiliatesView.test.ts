// The Affiliates screen against a fake Backend: the table, an affiliate's profile and players, a player's
// explanation (matched key, winning rule, rejected keys with reasons), the rules form's inline and server-side
// validation, and the multi-touch comparison.
import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import AffiliatesView from './AffiliatesView.svelte';
import App from '../App.svelte';
import type { Backend } from '../lib/api';
import { fakeBackend } from '../test/backend';
import { affiliatesPage } from '../test/attribution-fixtures';

function renderView(backend: Backend = fakeBackend()) {
  render(AffiliatesView, { backend, initialQuery: { from: '2026-09-01', to: '2026-09-30' }, currency: 'EUR', syncGeneration: 0 });
  return backend;
}

const rowIds = () => screen.getAllByTestId('affiliate-row').map((r) => r.dataset.affiliateId);

describe('AffiliatesView', () => {
  it('lists affiliates for the period, sorted by players, and filters them', async () => {
    const backend = renderView();
    await screen.findByTestId('affiliates-table');
    expect(backend.listAffiliates).toHaveBeenCalledWith({ from: '2026-09-01', to: '2026-09-30' });
    expect(rowIds()).toEqual(['2', '3', '10']);
    await userEvent.click(screen.getByTestId('sort-ftd_amount'));
    expect(rowIds()).toEqual(['3', '2', '10']);
    await userEvent.type(screen.getByTestId('affiliates-filter'), 'SPIN50');
    expect(rowIds()).toEqual(['2']);
    expect(screen.getByTestId('affiliates-count')).toHaveTextContent('1 of 3 affiliates');
  });

  it('shows an empty state when there are no affiliates', async () => {
    renderView(fakeBackend({ listAffiliates: vi.fn(async () => affiliatesPage({ rows: [] })) }));
    expect(await screen.findByTestId('affiliates-empty')).toHaveTextContent('No affiliates yet');
  });

  it('opens a profile with its players and the plan-history slot, then explains a player', async () => {
    const backend = renderView();
    await screen.findByTestId('affiliates-table');
    const row = screen.getAllByTestId('affiliate-row').find((r) => r.dataset.affiliateId === '2')!;
    await userEvent.click(within(row).getByTestId('open-affiliate'));
    const profile = await screen.findByTestId('affiliate-profile');
    expect(backend.affiliateDetail).toHaveBeenCalledWith({ affiliate: '2', period: { from: '2026-09-01', to: '2026-09-30' } });
    expect(within(profile).getByTestId('profile-promo')).toHaveTextContent('SPIN50-A2');
    expect(within(profile).getByTestId('profile-subs')).toHaveTextContent('#10');
    const assignments = within(profile).getAllByTestId('plan-assignment');
    expect(assignments).toHaveLength(2);
    expect(assignments[0]).toHaveTextContent('Casino default');
    expect(assignments[0]).toHaveTextContent('Program default');
    expect(assignments[1]).toHaveTextContent('VIP hybrid');
    expect(assignments[1]).toHaveTextContent('Own assignment');
    const players = within(profile).getAllByTestId('profile-player');
    expect(players[1]).toHaveTextContent('Promo code');
    await userEvent.click(within(players[0]).getByTestId('explain-player'));
    const panel = await screen.findByTestId('explanation');
    expect(backend.explainPlayer).toHaveBeenCalledWith('P000042');
    expect(within(panel).getByTestId('explanation-key')).toHaveTextContent('Click id 3f2a9c0d11223344');
    expect(within(panel).getByTestId('explanation-rule')).toHaveTextContent('click priority');
    const rejected = within(panel).getAllByTestId('candidate').filter((c) => c.dataset.outcome === 'rejected');
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toHaveTextContent('SPIN50-A3');
    expect(rejected[0]).toHaveTextContent('#3');
    expect(within(panel).getByTestId('explanation-lock')).toHaveTextContent('Locked at the first-time deposit');
    // Beside the explanation: a dispute for an affiliate claiming the player, this affiliate to start with.
    expect(within(screen.getByTestId('player-case-tools')).getByTestId('player-claimant')).toHaveValue('2');
  });

  it('a player looked up by id starts a dispute for the affiliate they are attributed to', async () => {
    const backend = renderView();
    await screen.findByTestId('affiliates-table');
    await userEvent.type(screen.getByTestId('explain-lookup'), 'P000042{Enter}');
    const tools = await screen.findByTestId('player-case-tools');
    expect(within(tools).getByTestId('player-claimant')).toHaveValue('2');
    await userEvent.click(within(tools).getByTestId('player-dispute'));
    await waitFor(() =>
      expect(backend.disputeOpen).toHaveBeenCalledWith({ from: 'player', reference: 'P000042', affiliate: '2', period: '', title: '', description: '', amount: '' }),
    );
    expect(await screen.findByTestId('player-dispute-notice')).toHaveTextContent('Opened dispute case #7');
  });

  it('explains any player by id and shows a not-found error', async () => {
    const explainPlayer = vi.fn(async () => Promise.reject({ code: 'not_found', message: 'no player NOPE in this program' }));
    renderView(fakeBackend({ explainPlayer }));
    await screen.findByTestId('affiliates-table');
    await userEvent.type(screen.getByTestId('explain-lookup'), 'NOPE{Enter}');
    expect(await screen.findByText(/no player NOPE in this program/)).toBeInTheDocument();
    expect(explainPlayer).toHaveBeenCalledWith('NOPE');
  });

  it('validates the rules form inline and shows the backend’s field errors beside the inputs', async () => {
    const saveAttributionRules = vi.fn(async () => ({
      saved: null,
      errors: [{ field: 'priority', message: 'must be one of click_wins, promo_wins, promo_wins_except_sub_affiliate' }],
    }));
    const backend = renderView(fakeBackend({ saveAttributionRules }));
    await userEvent.click(screen.getByTestId('tab-rules'));
    const form = await screen.findByTestId('rules-form');
    await within(form).findByTestId('rules-current');
    const days = within(form).getByRole('textbox', { name: /Post-click window/ });
    await userEvent.clear(days);
    await userEvent.type(days, '0');
    expect(within(form).getByTestId('rules-error-post_click_window_days')).toHaveTextContent('from 1 to 365');
    expect(days).toHaveAttribute('aria-invalid', 'true');
    await userEvent.click(within(form).getByTestId('save-rules'));
    expect(saveAttributionRules).not.toHaveBeenCalled();
    await userEvent.clear(days);
    await userEvent.type(days, '45');
    const from = within(form).getByRole('textbox', { name: /Effective from/ });
    await userEvent.clear(from);
    await userEvent.type(from, '2026-10-01');
    await userEvent.selectOptions(within(form).getByRole('combobox', { name: /Promo code vs click/ }), 'promo_wins');
    await userEvent.click(within(form).getByTestId('save-rules'));
    await waitFor(() => expect(saveAttributionRules).toHaveBeenCalled());
    expect(saveAttributionRules).toHaveBeenCalledWith({
      effective_from: '2026-10-01',
      rules: expect.objectContaining({ post_click_window_days: 45, priority: 'promo_wins' }),
    });
    expect(await within(form).findByTestId('rules-error-priority')).toHaveTextContent('must be one of');
    expect(backend.attributionRules).toHaveBeenCalledTimes(1);
  });

  it('saves a rules version and reloads the rules in force', async () => {
    const backend = renderView();
    await userEvent.click(screen.getByTestId('tab-rules'));
    const form = await screen.findByTestId('rules-form');
    await within(form).findByTestId('rules-current');
    const from = within(form).getByRole('textbox', { name: /Effective from/ });
    await userEvent.clear(from);
    await userEvent.type(from, '2026-10-01');
    await userEvent.click(within(form).getByTestId('save-rules'));
    expect(await within(form).findByTestId('rules-saved')).toHaveTextContent('Saved version 1, effective 2026-10-01');
    expect(backend.attributionRules).toHaveBeenCalledTimes(2);
  });

  it('compares multi-touch models for the month of the period', async () => {
    const backend = renderView();
    await screen.findByTestId('affiliates-table');
    await userEvent.click(screen.getByTestId('tab-multi-touch'));
    const table = await screen.findByTestId('mt-table');
    expect(backend.multiTouchReport).toHaveBeenCalledWith({ period: { from: '2026-09-01', to: '2026-09-30' }, half_life_hours: 24 });
    const rows = within(table).getAllByTestId('mt-row');
    expect(rows.map((r) => r.dataset.affiliateId)).toEqual(['2', '1']);
    expect(rows[0]).toHaveTextContent('30.00');
    expect(screen.getByTestId('mt-summary')).toHaveTextContent('1 FTDs with touches worth 35.00 EUR; 3 without any touch');
    const month = screen.getByRole('textbox', { name: 'Month' });
    await userEvent.clear(month);
    await userEvent.type(month, '2026-13{Enter}');
    expect(screen.getByTestId('mt-error')).toHaveTextContent('Enter a month as YYYY-MM.');
  });

  it('is in the sidebar and reached with Alt+6, on the dashboard’s period', async () => {
    const user = userEvent.setup();
    const backend = fakeBackend();
    render(App, { backend });
    await screen.findByTestId('dashboard');
    await user.keyboard('{Alt>}6{/Alt}');
    expect(await screen.findByTestId('affiliates')).toBeInTheDocument();
    expect(screen.getByTestId('nav-affiliates')).toHaveAttribute('aria-current', 'page');
    expect(backend.listAffiliates).toHaveBeenCalledWith({}); // the dashboard's period: the whole range
  });

  it('assigns a promo code to the selected affiliate, with field errors from the backend', async () => {
    const setPromoCode = vi
      .fn()
      .mockRejectedValueOnce({ code: 'invalid_input', message: 'valid_to: must be a date YYYY-MM-DD, not "2026-02-30"' })
      .mockResolvedValue(undefined);
    const backend = renderView(fakeBackend({ setPromoCode }));
    await screen.findByTestId('affiliates-table');
    await userEvent.click(screen.getAllByTestId('open-affiliate')[0]);
    const form = await screen.findByTestId('promo-form');
    await userEvent.click(within(form).getByRole('button', { name: 'Assign' }));
    expect(within(form).getByTestId('promo-error')).toHaveTextContent('Enter the code players type.');
    expect(setPromoCode).not.toHaveBeenCalled();
    await userEvent.type(within(form).getByRole('textbox', { name: /Add a promo code/ }), 'spin50-a9');
    await userEvent.type(within(form).getByRole('textbox', { name: /Valid until/ }), '2026-02-30');
    await userEvent.click(within(form).getByRole('button', { name: 'Assign' }));
    expect(await within(form).findByTestId('promo-error')).toHaveTextContent('valid_to: must be a date');
    await userEvent.clear(within(form).getByRole('textbox', { name: /Valid until/ }));
    await userEvent.click(within(form).getByRole('button', { name: 'Assign' }));
    expect(await within(form).findByTestId('promo-saved')).toHaveTextContent('SPIN50-A9 now belongs to #2');
    expect(setPromoCode).toHaveBeenLastCalledWith({ code: 'spin50-a9', affiliate: '2' });
    expect(backend.affiliateDetail).toHaveBeenCalledTimes(2);
  });

  it('lists an affiliate’s own identifiers and adds and removes one, naming errors beside the field', async () => {
    const addAffiliateIdentifier = vi
      .fn()
      .mockRejectedValueOnce({ code: 'invalid_input', message: "Value: '10.0.0.7' is a private or reserved address: players are never seen coming from it, so it would match nothing" })
      .mockResolvedValue({ kind: 'ip', value: '85.12.0.9', hint: '85.12.0.9', origin: 'user', origin_ref: 'sam', added_at_ms: 0 });
    const backend = renderView(fakeBackend({ addAffiliateIdentifier }));
    await screen.findByTestId('affiliates-table');
    await userEvent.click(screen.getAllByTestId('open-affiliate')[0]);
    const section = await screen.findByTestId('affiliate-identifiers');
    const rows = within(section).getAllByTestId('identifier');
    expect(rows.map((r) => r.textContent)).toEqual([
      expect.stringContaining('Office IP85.12.0.7file affiliates.csv'),
      expect.stringContaining('Emailj…@gmail.comadded by sam'),
    ]);
    const form = within(section).getByTestId('identifier-form');
    const value = within(form).getByRole('textbox', { name: 'Office IP' });
    // Keyboard only: Enter in the field submits; the form's own check first.
    await userEvent.type(value, '{Enter}');
    expect(within(form).getByTestId('identifier-error')).toHaveTextContent('Enter the office IP.');
    expect(value).toHaveAttribute('aria-invalid', 'true');
    expect(value).toHaveFocus();
    expect(addAffiliateIdentifier).not.toHaveBeenCalled();
    await userEvent.type(value, '10.0.0.7{Enter}');
    expect(await within(form).findByTestId('identifier-error')).toHaveTextContent('is a private or reserved address');
    await userEvent.clear(value);
    await userEvent.type(value, '85.12.0.9{Enter}');
    expect(await within(form).findByTestId('identifier-saved')).toHaveTextContent('Added the office IP to #2');
    expect(addAffiliateIdentifier).toHaveBeenLastCalledWith({ affiliate: '2', kind: 'ip', value: '85.12.0.9' });
    expect(value).toHaveValue('');
    // Another kind: the label and the request follow it.
    await userEvent.selectOptions(within(form).getByRole('combobox', { name: 'Kind' }), 'email');
    await userEvent.type(within(form).getByRole('textbox', { name: 'Email' }), 'not-an-email{Enter}');
    expect(within(form).getByTestId('identifier-error')).toHaveTextContent('Enter an email address');
    await userEvent.click(within(section).getByRole('button', { name: 'Remove email j…@gmail.com' }));
    expect(backend.removeAffiliateIdentifier).toHaveBeenCalledWith({ affiliate: '2', kind: 'email_hash', value: 'ab'.repeat(32) });
    expect(await within(section).findByTestId('identifier-saved')).toHaveTextContent('Removed email j…@gmail.com.');
    expect(backend.affiliateDetail).toHaveBeenCalledTimes(3);
  });

  it('says how to add identifiers when an affiliate has none', async () => {
    const detail = (await import('../test/attribution-fixtures')).affiliateDetail('2');
    renderView(fakeBackend({ affiliateDetail: vi.fn(async () => ({ ...detail, identifiers: [] })) }));
    await screen.findByTestId('affiliates-table');
    await userEvent.click(screen.getAllByTestId('open-affiliate')[0]);
    expect(await screen.findByTestId('identifiers-empty')).toHaveTextContent('None known');
    expect(screen.queryByTestId('identifiers-table')).toBeNull();
  });

  it('runs attribution on demand and re-reads the affiliates', async () => {
    const backend = renderView();
    await screen.findByTestId('affiliates-table');
    await userEvent.click(screen.getByTestId('run-attribution'));
    expect(await screen.findByTestId('run-notice')).toHaveTextContent('553 unlocked players examined, 12 changed');
    expect(backend.listAffiliates).toHaveBeenCalledTimes(2);
  });
});
