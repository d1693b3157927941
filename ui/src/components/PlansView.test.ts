// The Plans screen with the fake backend: the sortable, filterable list, the version history, the empty state,
// exports, and the editor opened for a new plan or a new version.
import { describe, expect, it } from 'vitest';
import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import PlansView from './PlansView.svelte';
import { fakeBackend } from '../test/backend';
import { importResult } from '../test/commission';

const TODAY = '2026-04-15';
const planNames = () => screen.getAllByTestId('plan-row').map((r) => r.dataset.plan);

describe('PlansView', () => {
  it('lists plans A→Z and sorts by a column when its header is clicked', async () => {
    const user = userEvent.setup();
    render(PlansView, { backend: fakeBackend(), today: TODAY });
    await screen.findByTestId('plan-table');
    expect(planNames()).toEqual(['CPA Germany', 'IB gold', 'Standard RevShare']);
    await user.click(screen.getByTestId('plan-sort-assigned_affiliates'));
    expect(planNames()).toEqual(['Standard RevShare', 'IB gold', 'CPA Germany']);
    await user.click(screen.getByTestId('plan-sort-assigned_affiliates'));
    expect(planNames()).toEqual(['CPA Germany', 'IB gold', 'Standard RevShare']);
    const row = screen.getAllByTestId('plan-row').find((r) => r.dataset.plan === 'Standard RevShare')!;
    expect(row).toHaveTextContent('revshare');
    expect(row).toHaveTextContent('Default');
  });

  it('filters the list and says when nothing matches', async () => {
    const user = userEvent.setup();
    render(PlansView, { backend: fakeBackend(), today: TODAY });
    await user.type(await screen.findByTestId('plan-filter'), 'usd');
    expect(planNames()).toEqual(['IB gold']);
    expect(screen.getByTestId('plan-count')).toHaveTextContent('1 of 3 plans');
    await user.clear(screen.getByTestId('plan-filter'));
    await user.type(screen.getByTestId('plan-filter'), 'nothing like it');
    expect(screen.getByTestId('plan-filter-empty')).toHaveTextContent('No plan matches');
  });

  it('says how to start when there are no plans', async () => {
    render(PlansView, { backend: fakeBackend({ listPlans: async () => [] }), today: TODAY });
    expect(await screen.findByTestId('plans-empty')).toHaveTextContent('No plans yet');
    expect(screen.getByTestId('plans-empty')).toHaveTextContent('New plan');
  });

  it('shows every version newest first with its terms in words, hash and read-only body', async () => {
    const user = userEvent.setup();
    const backend = fakeBackend();
    render(PlansView, { backend, today: TODAY });
    await user.click(await screen.findByRole('button', { name: 'Standard RevShare' }));
    const detail = await screen.findByTestId('plan-detail');
    expect(backend.planDetail).toHaveBeenCalledWith('Standard RevShare');
    const versions = within(detail).getAllByTestId('plan-version');
    expect(versions.map((v) => v.dataset.version)).toEqual(['2', '1']);
    expect(versions[0]).toHaveTextContent('effective from 2026-03-01');
    expect(versions[0]).toHaveTextContent('RevShare 30% of NGR = bets - wins - bonuses');
    expect(versions[0]).toHaveTextContent('100.00 EUR');
    expect(versions[1]).toHaveTextContent('Minimum payoutnone');
    expect(within(versions[0]).getByTitle('b'.repeat(64))).toBeInTheDocument();
    expect(within(versions[0]).getByTestId('version-body').tagName).toBe('PRE');
  });

  it('exports the plan to the path given, in the format chosen', async () => {
    const user = userEvent.setup();
    const backend = fakeBackend();
    render(PlansView, { backend, today: TODAY });
    await user.click(await screen.findByRole('button', { name: 'IB gold' }));
    await screen.findByTestId('plan-detail');
    await user.selectOptions(screen.getByTestId('export-format'), 'toml');
    expect(screen.getByTestId('export-path')).toHaveValue('IB_gold.toml');
    await user.click(screen.getByTestId('export-plan'));
    expect(backend.exportPlan).toHaveBeenCalledWith({ name: 'IB gold', format: 'toml', path: 'IB_gold.toml' });
    expect(await screen.findByTestId('exported')).toHaveTextContent('/data/exports/IB_gold.toml');
  });

  it('opens the editor on a new version that keeps the latest terms, from the next month', async () => {
    const user = userEvent.setup();
    const backend = fakeBackend();
    render(PlansView, { backend, today: TODAY });
    await user.click(await screen.findByRole('button', { name: 'Standard RevShare' }));
    await user.click(await screen.findByTestId('new-version'));
    const text = (screen.getByTestId('plan-text') as HTMLTextAreaElement).value;
    const plan = JSON.parse(text);
    expect(plan.versions[0].effective_from).toBe('2026-05-01');
    expect(plan.versions[0].components[0].percent).toBe('30');
    // A starting text is checked at once.
    expect(backend.checkPlan).toHaveBeenCalledWith({ text, format: 'json' });
    expect(screen.queryByTestId('template-kind')).not.toBeInTheDocument();
  });

  it('reloads the list and opens the plan once the editor saved it', async () => {
    const user = userEvent.setup();
    const backend = fakeBackend({ savePlan: async () => importResult({ saved: true, new_versions: [1], plan: { ...importResult().plan!, name: 'CPA Germany' } }) });
    render(PlansView, { backend, today: TODAY });
    await user.click(await screen.findByTestId('new-plan'));
    await user.click(screen.getByTestId('use-template'));
    await screen.findByTestId('plan-valid');
    await user.click(screen.getByTestId('save-plan'));
    expect(await screen.findByTestId('plan-detail')).toHaveTextContent('CPA Germany');
    expect(screen.queryByTestId('plan-editor')).not.toBeInTheDocument();
    expect(backend.listPlans).toHaveBeenCalledTimes(2);
  });
});

describe('PlansView editor', () => {
  it('starts afresh when "New plan" is pressed while a new version is open', async () => {
    const user = userEvent.setup();
    render(PlansView, { backend: fakeBackend(), today: TODAY });
    await user.click(await screen.findByRole('button', { name: 'Standard RevShare' }));
    await user.click(await screen.findByTestId('new-version'));
    expect((screen.getByTestId('plan-text') as HTMLTextAreaElement).value).toContain('Standard RevShare');
    await user.click(screen.getByTestId('new-plan'));
    expect(screen.getByTestId('plan-text')).toHaveValue('');
    expect(screen.getByTestId('template-kind')).toBeInTheDocument();
    await user.keyboard('{Escape}');
    expect(screen.queryByTestId('plan-editor')).not.toBeInTheDocument();
  });
});
