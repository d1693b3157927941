// The plan editor: errors listed with their field paths, Save disabled while there are errors, the keyboard
// (Ctrl+Enter checks, Ctrl+S saves, Escape closes), the debounced check while typing, templates, file import and
// the preview of what the version would have paid.
import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import PlanEditor from './PlanEditor.svelte';
import type { Backend } from '../lib/api';
import { fakeBackend } from '../test/backend';
import { importResult, planPreview } from '../test/commission';

const ERRORS = importResult({
  plan: null,
  errors: [
    { path: 'versions[0].components[0].percent', reason: 'must be between 0 and 100, got 150' },
    { path: 'currency', reason: "'EUX' is not an ISO 4217 code" },
  ],
});

function renderEditor(backend: Backend = fakeBackend(), over: Record<string, unknown> = {}) {
  const onclose = vi.fn();
  const onsaved = vi.fn();
  render(PlanEditor, {
    backend,
    title: 'New plan',
    initialText: '',
    showTemplates: true,
    today: '2026-04-15',
    periods: ['2026-03', '2026-02'],
    onclose,
    onsaved,
    ...over,
  });
  return { backend, onclose, onsaved };
}

const text = () => screen.getByTestId('plan-text') as HTMLTextAreaElement;

describe('PlanEditor', () => {
  it('lists each validation error with its path next to the editor and keeps Save disabled', async () => {
    const user = userEvent.setup();
    const { backend } = renderEditor(fakeBackend({ checkPlan: vi.fn(async () => ERRORS) }));
    expect(screen.getByTestId('save-plan')).toBeDisabled(); // nothing to save yet
    await user.click(screen.getByTestId('use-template'));
    const items = await screen.findAllByTestId('plan-error');
    // Ordered by path, each path shown as code next to its reason.
    expect(items.map((li) => li.querySelector('code')?.textContent)).toEqual(['currency', 'versions[0].components[0].percent']);
    expect(items[1]).toHaveTextContent('must be between 0 and 100, got 150');
    expect(text()).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByTestId('save-plan')).toBeDisabled();
    await user.keyboard('{Control>}s{/Control}');
    expect(backend.savePlan).not.toHaveBeenCalled();
  });

  it('fills a template per kind and checks it', async () => {
    const user = userEvent.setup();
    const { backend } = renderEditor();
    await user.selectOptions(screen.getByTestId('template-kind'), 'ib_rebate');
    await user.click(screen.getByTestId('use-template'));
    const plan = JSON.parse(text().value);
    expect(plan.versions[0].components[0].kind).toBe('ib_rebate');
    expect(plan.versions[0].effective_from).toBe('2026-05-01');
    expect(backend.checkPlan).toHaveBeenCalledWith({ text: text().value, format: 'json' });
    expect(await screen.findByTestId('plan-valid')).toBeInTheDocument();
    expect(screen.getByTestId('save-plan')).toBeEnabled();
  });

  it('checks on Ctrl+Enter, saves on Ctrl+S, closes on Escape', async () => {
    const user = userEvent.setup();
    const { backend, onsaved, onclose } = renderEditor();
    await user.click(text());
    await user.paste('name = "Leads"\ncurrency = "EUR"\n');
    await user.keyboard('{Control>}{Enter}{/Control}');
    await waitFor(() => expect(backend.checkPlan).toHaveBeenCalledWith({ text: 'name = "Leads"\ncurrency = "EUR"\n', format: 'toml' }));
    expect(screen.getByTestId('plan-format')).toHaveTextContent('TOML');
    await screen.findByTestId('plan-valid');
    await user.keyboard('{Control>}s{/Control}');
    await waitFor(() => expect(onsaved).toHaveBeenCalledWith('New CPA, flat plan'));
    expect(backend.savePlan).toHaveBeenCalledWith({ text: 'name = "Leads"\ncurrency = "EUR"\n', format: 'toml' });
    await user.keyboard('{Escape}');
    expect(onclose).toHaveBeenCalledOnce();
  });

  it('checks by itself shortly after typing stops', async () => {
    const user = userEvent.setup();
    const { backend } = renderEditor();
    await user.click(text());
    await user.keyboard('{{"name": "x"}');
    expect(backend.checkPlan).not.toHaveBeenCalled();
    await waitFor(() => expect(backend.checkPlan).toHaveBeenCalledOnce(), { timeout: 2000 });
    expect(backend.checkPlan).toHaveBeenCalledWith({ text: '{"name": "x"}', format: 'json' });
  });

  it('shows the save outcome when the backend still refuses (nothing saved, errors kept)', async () => {
    const user = userEvent.setup();
    const refused = importResult({ plan: null, errors: [{ path: 'versions[0].effective_from', reason: '2026-01-01 is not after the last saved version' }] });
    const { onsaved } = renderEditor(fakeBackend({ savePlan: vi.fn(async () => refused) }));
    await user.click(screen.getByTestId('use-template'));
    await screen.findByTestId('plan-valid');
    await user.click(screen.getByTestId('save-plan'));
    expect(await screen.findByTestId('plan-error')).toHaveTextContent('versions[0].effective_from');
    expect(onsaved).not.toHaveBeenCalled();
    expect(screen.getByTestId('save-plan')).toBeDisabled();
  });

  it('loads a plan file from a path', async () => {
    const user = userEvent.setup();
    const { backend } = renderEditor(fakeBackend({ readPlanFile: vi.fn(async () => 'name = "From file"\n') }));
    await user.type(screen.getByTestId('import-path'), '/plans/leads.toml');
    await user.click(screen.getByTestId('import-file'));
    await waitFor(() => expect(text().value).toBe('name = "From file"\n'));
    expect(backend.readPlanFile).toHaveBeenCalledWith('/plans/leads.toml');
    expect(backend.checkPlan).toHaveBeenCalledWith({ text: 'name = "From file"\n', format: 'toml' });
  });

  it('previews the last period per affiliate, sortable by exact amounts', async () => {
    const user = userEvent.setup();
    const { backend } = renderEditor(fakeBackend({ previewPlan: vi.fn(async () => planPreview()) }));
    await user.click(screen.getByTestId('use-template'));
    await screen.findByTestId('plan-valid');
    expect(screen.getByTestId('preview-period')).toHaveValue('2026-03');
    await user.click(screen.getByTestId('preview-plan'));
    const table = await screen.findByTestId('preview-table');
    expect(backend.previewPlan).toHaveBeenCalledWith({ text: text().value, format: 'json', period: '2026-03' });
    const ids = () => within(table).getAllByTestId('preview-row').map((r) => r.dataset.affiliateId);
    expect(ids()).toEqual(['aff-1', 'aff-2']); // largest difference first
    await user.click(screen.getByTestId('preview-sort-current'));
    expect(ids()).toEqual(['aff-1', 'aff-2']);
    await user.click(screen.getByTestId('preview-sort-current'));
    expect(ids()).toEqual(['aff-2', 'aff-1']);
    expect(within(table).getAllByTestId('preview-row')[0]).toHaveTextContent('-10.00');
    expect(screen.getByTestId('preview-total-proposed')).toHaveTextContent('160.00');
  });

  it('says so when nobody would have been paid, and shows the problems', async () => {
    const user = userEvent.setup();
    const empty = planPreview({ rows: [], problems: [{ kind: 'no_plan', subject: 'aff-9', detail: 'no plan' }] });
    renderEditor(fakeBackend({ previewPlan: vi.fn(async () => empty) }));
    await user.click(screen.getByTestId('use-template'));
    await screen.findByTestId('plan-valid');
    await user.click(screen.getByTestId('preview-plan'));
    expect(await screen.findByTestId('preview-empty')).toHaveTextContent('No affiliate had activity in 2026-03');
    expect(screen.getByTestId('preview-problems')).toHaveTextContent('aff-9');
  });
});
