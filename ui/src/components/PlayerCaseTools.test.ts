// Beside a player: a dispute for the affiliate claiming them (checked first, the core's refusal of the claimant
// beside the field, the case shown after) and the player's raw records.
import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import PlayerCaseTools from './PlayerCaseTools.svelte';
import type { Backend } from '../lib/api';
import { accessContext, accessOf } from '../lib/access';
import { fakeBackend } from '../test/backend';
import { permissionsOf, person } from '../test/people';
import { disputeRow, disputeView, evidenceItem } from '../test/disputes';

const ANA = person('ana', ['analyst']);
const VERA = person('vera', ['viewer']);
const as = (who: typeof ANA) => accessContext(accessOf(who, permissionsOf(who.roles)));

function renderTools(over: Partial<Backend> = {}, who = ANA, affiliate = '') {
  const backend = fakeBackend(over);
  const onopencase = vi.fn();
  render(PlayerCaseTools, { props: { backend, player: 'P000073', affiliate, onopencase }, context: as(who) });
  return { backend, onopencase };
}

describe('PlayerCaseTools', () => {
  it('opens a dispute for the claimant chosen, after checking it; the core’s refusal is shown', async () => {
    const user = userEvent.setup();
    const disputeOpen = vi
      .fn<Backend['disputeOpen']>()
      .mockRejectedValueOnce({ code: 'not_found', message: "Affiliate: no affiliate '44'" })
      .mockImplementationOnce(async () => disputeView(disputeRow(15, { reason: 'player_claim', opened_from: 'player' })));
    const { onopencase } = renderTools({ disputeOpen });
    await user.click(screen.getByTestId('player-dispute'));
    expect(screen.getByTestId('player-dispute-error')).toHaveTextContent('Which affiliate claims the player?');
    expect(disputeOpen).not.toHaveBeenCalled();
    await user.type(screen.getByTestId('player-claimant'), '44{Enter}');
    expect(disputeOpen).toHaveBeenCalledWith({ from: 'player', reference: 'P000073', affiliate: '44', period: '', title: '', description: '', amount: '' });
    expect(await screen.findByTestId('player-dispute-error')).toHaveTextContent("no affiliate '44'");
    expect(screen.getByTestId('player-claimant')).toHaveAttribute('aria-invalid', 'true');
    await user.clear(screen.getByTestId('player-claimant'));
    await user.type(screen.getByTestId('player-claimant'), '4{Enter}');
    await waitFor(() => expect(onopencase).toHaveBeenCalledWith(15));
  });

  it('shows the player’s raw records', async () => {
    const user = userEvent.setup();
    const { backend } = renderTools({ rawRecord: vi.fn(async () => [evidenceItem('player', 'Operator player P000073', { external_id: 'P000073' })]) }, VERA, '4');
    expect(screen.getByTestId('player-dispute')).toBeDisabled();
    expect(screen.getByTestId('player-claimant')).toHaveValue('4');
    await user.click(screen.getByTestId('player-raw'));
    expect(backend.rawRecord).toHaveBeenCalledWith({ kind: 'player', reference: 'P000073' });
    const panel = await screen.findByTestId('raw-record');
    expect(await within(panel).findByTestId('evidence-title')).toHaveTextContent('Operator player P000073');
  });
});
