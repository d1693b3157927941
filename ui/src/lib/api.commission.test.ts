// The commission part of tauriBackend against the Rust side: each method invokes the command of that name with
// exactly the argument keys the Rust adapter declares (Tauri maps `period_label` to `periodLabel`), read from
// src-tauri/src/commission_commands.rs itself, and every command is registered and allowed for the window.
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { tauriBackend } from './api';

afterEach(() => clearMocks());

// Relative to the working directory: tests run from ui/ (npm scripts and `npx vitest` alike).
const shell = (file: string) => readFileSync(`../src-tauri/${file}`, 'utf8');
const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** Each `#[tauri::command]` of the file → its parameter names (camelCase), without the injected state. */
function rustCommands(source: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const re = /#\[tauri::command\]\s*pub async fn (\w+)\(([^)]*)\)/g;
  for (const m of source.matchAll(re)) {
    // `name: Type` at the start of a parameter (a comma inside `State<'_, AppState>` is followed by no colon).
    const params = [...m[2].matchAll(/(?:^|,)\s*(\w+)\s*:/g)].map((p) => p[1]).filter((p) => p !== 'state');
    out.set(m[1], params.map(camel));
  }
  return out;
}

const CALLS: [string, () => Promise<unknown>][] = [
  ['list_plans', () => tauriBackend.listPlans()],
  ['plan_detail', () => tauriBackend.planDetail('RS')],
  ['check_plan', () => tauriBackend.checkPlan('{}', 'json')],
  ['save_plan', () => tauriBackend.savePlan('{}', 'json')],
  ['read_plan_file', () => tauriBackend.readPlanFile('/p.toml')],
  ['export_plan', () => tauriBackend.exportPlan('RS', 'toml', 'rs.toml')],
  ['preview_plan', () => tauriBackend.previewPlan('{}', 'json', '2026-03')],
  ['list_periods', () => tauriBackend.listPeriods()],
  ['compute_period', () => tauriBackend.computePeriod('2026-03')],
  ['close_period', () => tauriBackend.closePeriod('2026-03')],
  ['statement', () => tauriBackend.statement('aff-1', '2026-03')],
  ['export_statement', () => tauriBackend.exportStatement('aff-1', '2026-03', 'csv', 's.csv')],
  ['qualification', () => tauriBackend.qualification('p-1', null)],
];

describe('commission commands', () => {
  const rust = rustCommands(shell('src/commission_commands.rs'));

  it('covers every Rust command of the module', () => {
    expect([...rust.keys()].sort()).toEqual(CALLS.map(([c]) => c).sort());
  });

  it.each(CALLS)('%s is invoked with the Rust parameter names', async (cmd, call) => {
    const seen: [string, Record<string, unknown>][] = [];
    mockIPC((c, args) => {
      seen.push([c, (args ?? {}) as Record<string, unknown>]);
      return null;
    });
    await call();
    expect(seen).toHaveLength(1);
    expect(seen[0][0]).toBe(cmd);
    expect(Object.keys(seen[0][1]).sort()).toEqual([...(rust.get(cmd) ?? ['<missing>'])].sort());
  });

  it('registers and allows each command (main.rs, build.rs, the capability)', () => {
    const main = shell('src/main.rs');
    const build = shell('build.rs');
    const capability = JSON.parse(shell('capabilities/main-window.json')) as { permissions: string[] };
    for (const [cmd] of CALLS) {
      expect(main).toContain(`commission_commands::${cmd},`);
      expect(build).toContain(`"${cmd}",`);
      expect(capability.permissions).toContain(`allow-${cmd.replace(/_/g, '-')}`);
    }
  });
});
