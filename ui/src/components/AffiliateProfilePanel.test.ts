// The affiliate profile on its own: a person without `attribution.manage` sees the identifiers but cannot change
// them (the buttons say why).
import { describe, expect, it, vi } from 'vitest';
import { render, screen, within } from '@testing-library/svelte';
import AffiliateProfilePanel from './AffiliateProfilePanel.svelte';
import { affiliateDetail } from '../test/attribution-fixtures';

describe('AffiliateProfilePanel', () => {
  it('disables adding and removing identifiers with the reason when the person may not', () => {
    const why = 'Not allowed: needs the permission “attribution.manage”.';
    const add = vi.fn(async () => null);
    render(AffiliateProfilePanel, {
      detail: affiliateDetail('2'),
      period: { from: '2026-09-01', to: '2026-09-30' },
      currency: 'EUR',
      selectedPlayer: null,
      onplayer: () => {},
      onaffiliate: () => {},
      onpromo: async () => null,
      onidentifieradd: add,
      onidentifierremove: async () => null,
      identifiersDenied: why,
    });
    const section = screen.getByTestId('affiliate-identifiers');
    expect(within(section).getByTestId('identifier-add')).toBeDisabled();
    expect(within(section).getByTestId('identifier-add')).toHaveAttribute('title', why);
    for (const b of within(section).getAllByTestId('identifier-remove')) expect(b).toBeDisabled();
    expect(within(section).getByTitle(`hash ${'ab'.repeat(32)}`)).toHaveTextContent('j…@gmail.com');
  });
});
