// End-to-end: the real Affops desktop binary under Xvfb, driven through tauri-driver + WebKitWebDriver.
//
// The CLI computes the demo dashboard headless; the app opens the same demo from its welcome screen; every
// affiliate's FTD count shown in the app must equal the CLI's, and so must one affiliate's statement total. Then
// the sidebar opens every screen (Sources with the demo sources ok, Coverage, Import, Postbacks, Affiliates with
// a player's attribution explained, Plans, Statements with a line's drill-down, Flagged traffic with an
// investigation, Reconciliation), with a screenshot of each. Run through tests/e2e/run.sh, which builds the
// environment this file reads:
//   AFFOPS_BIN, AFFOPS_CLI   absolute paths of the desktop app and the CLI
//   AFFOPS_E2E_TMP           a fresh per-run folder (CLI and app data dirs go under it)
//   AFFOPS_E2E_ARTIFACTS     where screenshots and the driver log go
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { remote } from 'webdriverio';

const run = promisify(execFile);

const DRIVER_PORT = 4444;
const DRIVER_HOST = '127.0.0.1';
const NATIVE_DRIVER = '/usr/bin/WebKitWebDriver';
const CLI_TIMEOUT_MS = 300_000;
const DRIVER_START_TIMEOUT_MS = 30_000;
const WELCOME_TIMEOUT_MS = 60_000;
const DASHBOARD_TIMEOUT_MS = 180_000;
const CHART_LOAD_TIMEOUT_MS = 15_000;
const SCREEN_TIMEOUT_MS = 30_000;
const DEMO_SOURCES = ['Demo tracker', 'Demo operator', 'Demo broker'];
const STATEMENT_PERIOD = '2026-10'; // the demo world's month
const STATEMENT_AFFILIATE = '1';
const SETTLE_MS = 300; // let WebKit paint before a screenshot
const TEST_TIMEOUT_MS = 15 * 60_000;

function requireEnv(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this test through tests/e2e/run.sh`);
  return value;
}

const APP = path.resolve(requireEnv('AFFOPS_BIN'));
const CLI = path.resolve(requireEnv('AFFOPS_CLI'));
const TMP = path.resolve(requireEnv('AFFOPS_E2E_TMP'));
const ARTIFACTS = path.resolve(
  process.env.AFFOPS_E2E_ARTIFACTS ?? path.join(import.meta.dirname, 'artifacts'),
);

async function cli(args) {
  try {
    const { stdout } = await run(CLI, args, { timeout: CLI_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    throw new Error(
      `affops-cli ${args.join(' ')} failed (exit ${error.code ?? '?'}, signal ${error.signal ?? '-'}):\n` +
        `${error.stderr ?? ''}${error.stdout ?? ''}`,
    );
  }
}

function parseJson(command, stdout) {
  try {
    return JSON.parse(stdout);
  } catch (error) {
    throw new Error(`affops-cli ${command} printed invalid JSON (${error.message}):\n${stdout.slice(0, 2000)}`);
  }
}

/** The CLI's demo dashboard and one affiliate's statement: the expected values. */
async function cliExpected() {
  const dataDir = path.join(TMP, 'cli');
  await cli(['demo', '--data-dir', dataDir]);
  const dashboard = parseJson('dashboard', await cli(['dashboard', '--data-dir', dataDir, '--json']));
  const statement = parseJson(
    'statement',
    await cli(['statement', '--data-dir', dataDir, '--affiliate', STATEMENT_AFFILIATE, '--period', STATEMENT_PERIOD, '--json']),
  );
  return { dashboard, statement };
}

/** Clicks a sidebar entry and waits for the screen's root element. */
async function openScreen(browser, nav, root) {
  await (await browser.$(`[data-testid=${nav}]`)).click();
  const el = await browser.$(`[data-testid=${root}]`);
  await el.waitForExist({ timeout: SCREEN_TIMEOUT_MS, timeoutMsg: `screen [data-testid=${root}] not shown after ${nav}` });
  return el;
}

/** Waits until any of the selectors exists; returns the first that does. */
async function waitForAny(browser, selectors, what) {
  let found = null;
  await browser.waitUntil(
    async () => {
      for (const sel of selectors) {
        if (await (await browser.$(sel)).isExisting()) {
          found = sel;
          return true;
        }
      }
      return false;
    },
    { timeout: SCREEN_TIMEOUT_MS, timeoutMsg: `${what}: none of ${selectors.join(', ')} appeared` },
  );
  return found;
}

function portOpen(host, port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function startDriver() {
  const log = createWriteStream(path.join(ARTIFACTS, 'tauri-driver.log'));
  const driver = spawn(
    'tauri-driver',
    ['--port', String(DRIVER_PORT), '--native-driver', NATIVE_DRIVER],
    {
      env: { ...process.env, AFFOPS_DATA_DIR: path.join(TMP, 'app') },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  driver.stdout.pipe(log);
  driver.stderr.pipe(log);
  // Settles when the driver is gone, including when it could not be started at all (not on PATH).
  driver.exited = new Promise((resolve) => {
    driver.once('exit', (code, signal) => resolve({ code, signal, error: null }));
    driver.once('error', (error) => {
      log.write(`spawn error: ${error.message}\n`);
      resolve({ code: null, signal: null, error });
    });
  });
  driver.exited.then(() => (driver.gone = true));
  return driver;
}

async function waitForDriver(driver) {
  let exited = null;
  void driver.exited.then((e) => (exited = e));
  const deadline = Date.now() + DRIVER_START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited) {
      const why = exited.error ? exited.error.message : `code ${exited.code}, signal ${exited.signal}`;
      throw new Error(`tauri-driver exited early (${why}); see ${ARTIFACTS}/tauri-driver.log`);
    }
    if (await portOpen(DRIVER_HOST, DRIVER_PORT)) return;
    await sleep(200);
  }
  throw new Error(`tauri-driver did not listen on ${DRIVER_HOST}:${DRIVER_PORT} within ${DRIVER_START_TIMEOUT_MS} ms`);
}

async function stopDriver(driver) {
  if (driver.gone) return;
  driver.kill('SIGTERM');
  const stopped = await Promise.race([driver.exited, sleep(5_000).then(() => null)]);
  if (!stopped) driver.kill('SIGKILL');
}

async function screenshot(browser, name) {
  const file = path.join(ARTIFACTS, name);
  await browser.saveScreenshot(file);
  console.log(`screenshot: ${file}`);
}

test('the app shows the same FTDs per affiliate as the CLI for the demo workspace', { timeout: TEST_TIMEOUT_MS }, async () => {
  mkdirSync(ARTIFACTS, { recursive: true });

  const { dashboard: expected, statement: expectedStatement } = await cliExpected();
  assert.ok(Array.isArray(expected.rows), 'CLI dashboard JSON has no rows array');
  assert.ok(expected.rows.length > 0, 'CLI demo dashboard has no affiliate rows: nothing to compare');
  const expectedFtds = new Map(expected.rows.map((r) => [r.affiliate_id, String(r.ftds)]));
  console.log(`CLI: ${expectedFtds.size} affiliates, ${expected.totals?.ftds} FTDs, period ${expected.period?.from}..${expected.period?.to}`);

  const driver = startDriver();
  let browser;
  let passed = false;
  try {
    await waitForDriver(driver);
    browser = await remote({
      hostname: DRIVER_HOST,
      port: DRIVER_PORT,
      logLevel: 'warn',
      connectionRetryTimeout: 120_000,
      capabilities: {
        browserName: 'wry',
        'tauri:options': { application: APP },
        'wdio:enforceWebDriverClassic': true,
      },
    });

    const open = await browser.$('[data-testid=open-demo]');
    await open.waitForDisplayed({
      timeout: WELCOME_TIMEOUT_MS,
      timeoutMsg: `welcome screen ([data-testid=open-demo]) not shown within ${WELCOME_TIMEOUT_MS} ms — is the app built with its frontend (tauri build), and is AFFOPS_DATA_DIR empty?`,
    });
    await sleep(SETTLE_MS);
    await screenshot(browser, 'welcome.png');
    await open.click();

    const dashboard = await browser.$('[data-testid=dashboard]');
    await dashboard.waitForExist({
      timeout: DASHBOARD_TIMEOUT_MS,
      interval: 500,
      timeoutMsg: `dashboard not shown within ${DASHBOARD_TIMEOUT_MS} ms after "Open demo workspace"`,
    });
    await sleep(SETTLE_MS);

    // One round trip for all rows: [affiliate id, FTD cell text].
    const shown = await browser.execute(() =>
      Array.from(document.querySelectorAll('[data-testid=affiliate-row]')).map((tr) => [
        tr.getAttribute('data-affiliate-id'),
        tr.querySelector('[data-testid=ftds]')?.textContent?.trim() ?? null,
      ]),
    );
    assert.ok(shown.length > 0, 'the app shows no affiliate rows');
    const shownFtds = new Map(shown.map(([id, text]) => [id, text === null ? null : text.replaceAll(',', '')]));
    assert.equal(shownFtds.size, shown.length, 'the app shows an affiliate id twice');
    assert.deepEqual(
      [...shownFtds.keys()].sort(),
      [...expectedFtds.keys()].sort(),
      'the app and the CLI list different affiliates',
    );
    for (const [id, ftds] of expectedFtds) {
      assert.equal(shownFtds.get(id), ftds, `FTDs of affiliate ${id}: app shows ${shownFtds.get(id)}, CLI says ${ftds}`);
    }

    const chart = await browser.$('[data-testid=daily-ftd-chart]');
    assert.ok(await chart.isDisplayed(), 'the daily FTD chart is not displayed');
    await browser.waitUntil(async () => Number(await chart.getProperty('naturalWidth')) > 0, {
      timeout: CHART_LOAD_TIMEOUT_MS,
      timeoutMsg: 'the daily FTD chart image did not load (naturalWidth stayed 0): is the SVG valid, and does the CSP allow data: images?',
    });

    await sleep(SETTLE_MS);
    await screenshot(browser, 'dashboard.png');

    // Sources: both demo sources are listed, and the demo sync left each of them ok.
    await (await browser.$('[data-testid=nav-sources]')).click();
    const sources = await browser.$('[data-testid=sources]');
    await sources.waitForExist({ timeout: SCREEN_TIMEOUT_MS, timeoutMsg: 'Sources screen not shown after nav-sources' });
    await browser.waitUntil(
      async () => (await browser.$$('[data-testid=source-row]')).length >= DEMO_SOURCES.length,
      { timeout: SCREEN_TIMEOUT_MS, timeoutMsg: 'the Sources screen did not list the demo sources' },
    );
    // One round trip: [source name, freshness status, last message].
    const listed = await browser.execute(() =>
      Array.from(document.querySelectorAll('[data-testid=source-row]')).map((tr) => [
        tr.getAttribute('data-source-name'),
        tr.querySelector('[data-testid=freshness-chip]')?.getAttribute('data-status') ?? null,
        tr.querySelector('[data-testid=source-message]')?.textContent?.trim() ?? '',
      ]),
    );
    const statusOf = new Map(listed.map(([name, status, message]) => [name, { status, message }]));
    for (const name of DEMO_SOURCES) {
      assert.ok(statusOf.has(name), `source "${name}" is not listed (listed: ${[...statusOf.keys()].join(', ')})`);
      const { status, message } = statusOf.get(name);
      assert.equal(status, 'ok', `source "${name}" shows status ${status} after the demo sync: ${message}`);
    }
    await sleep(SETTLE_MS);
    await screenshot(browser, 'sources.png');

    // Coverage: the demo's conversions, for the dashboard's period, one row per converting affiliate.
    await (await browser.$('[data-testid=nav-coverage]')).click();
    const coverage = await browser.$('[data-testid=coverage]');
    await coverage.waitForExist({ timeout: SCREEN_TIMEOUT_MS, timeoutMsg: 'Coverage screen not shown after nav-coverage' });
    await browser.waitUntil(
      async () =>
        (await (await browser.$('[data-testid=coverage-table]')).isExisting()) ||
        (await (await browser.$('[data-testid=coverage-empty]')).isExisting()),
      { timeout: SCREEN_TIMEOUT_MS, timeoutMsg: 'the Coverage screen showed neither its table nor its empty state' },
    );
    const coverageRows = await browser.$$('[data-testid=coverage-row]');
    assert.ok(coverageRows.length > 0, 'the Coverage screen shows no affiliates although the demo has conversions');
    await sleep(SETTLE_MS);
    await screenshot(browser, 'coverage.png');

    // Import: the screen and its runs section render (no file is imported here; there is no file dialog).
    await (await browser.$('[data-testid=nav-import]')).click();
    const importScreen = await browser.$('[data-testid=import]');
    await importScreen.waitForExist({ timeout: SCREEN_TIMEOUT_MS, timeoutMsg: 'Import screen not shown after nav-import' });
    await browser.waitUntil(
      async () =>
        (await (await browser.$('[data-testid=import-runs]')).isExisting()) ||
        (await (await browser.$('[data-testid=import-runs-empty]')).isExisting()),
      { timeout: SCREEN_TIMEOUT_MS, timeoutMsg: 'the Import screen showed neither its runs table nor its empty state' },
    );
    await sleep(SETTLE_MS);
    await screenshot(browser, 'import.png');

    // Postbacks: the request log (empty in the demo: no listener runs) renders its table or empty state.
    await (await browser.$('[data-testid=nav-postbacks]')).click();
    const postbacks = await browser.$('[data-testid=postbacks]');
    await postbacks.waitForExist({ timeout: SCREEN_TIMEOUT_MS, timeoutMsg: 'Postbacks screen not shown after nav-postbacks' });
    await browser.waitUntil(
      async () =>
        (await (await browser.$('[data-testid=postbacks-table]')).isExisting()) ||
        (await (await browser.$('[data-testid=postbacks-empty]')).isExisting()),
      { timeout: SCREEN_TIMEOUT_MS, timeoutMsg: 'the Postbacks screen showed neither its log nor its empty state' },
    );
    await sleep(SETTLE_MS);
    await screenshot(browser, 'postbacks.png');

    // Affiliates: the table, one affiliate's profile, and why its first player is attributed to it.
    await openScreen(browser, 'nav-affiliates', 'affiliates');
    await waitForAny(browser, ['[data-testid=affiliate-row]'], 'the Affiliates screen listed no affiliate');
    const firstAffiliate = (await browser.$$('[data-testid=affiliate-row]'))[0];
    await (await firstAffiliate.$('[data-testid=open-affiliate]')).click();
    await (await browser.$('[data-testid=affiliate-profile]')).waitForExist({ timeout: SCREEN_TIMEOUT_MS });
    assert.ok(
      (await browser.$$('[data-testid=plan-assignment]')).length > 0,
      'the affiliate profile shows no plan history although the demo assigns a default plan',
    );
    await waitForAny(browser, ['[data-testid=explain-player]'], 'the affiliate profile listed no player');
    await (await browser.$('[data-testid=explain-player]')).click();
    await (await browser.$('[data-testid=explanation-key]')).waitForExist({ timeout: SCREEN_TIMEOUT_MS });
    await sleep(SETTLE_MS);
    await screenshot(browser, 'affiliates.png');

    // Plans: the demo's default plan with its version in words.
    await openScreen(browser, 'nav-plans', 'plans');
    await waitForAny(browser, ['[data-testid=plan-row]'], 'the Plans screen listed no plan');
    await (await browser.$('[data-testid=plan-row] button')).click();
    await waitForAny(browser, ['[data-testid=plan-version]'], 'the plan detail showed no version');
    await sleep(SETTLE_MS);
    await screenshot(browser, 'plans.png');

    // Statements: the demo month's statement of one affiliate equals the CLI's, and a line explains itself.
    await openScreen(browser, 'nav-statements', 'statements');
    const periodRow = await browser.$(`[data-testid=period-row][data-period="${STATEMENT_PERIOD}"]`);
    await periodRow.waitForExist({ timeout: SCREEN_TIMEOUT_MS, timeoutMsg: `period ${STATEMENT_PERIOD} is not listed` });
    await (await periodRow.$('[data-testid=open-period]')).click();
    const pick = await browser.$(`[data-testid=pick-affiliate][data-affiliate-id="${STATEMENT_AFFILIATE}"]`);
    await pick.waitForExist({ timeout: SCREEN_TIMEOUT_MS, timeoutMsg: `affiliate ${STATEMENT_AFFILIATE} is not in the picker` });
    await pick.click();
    const payable = await browser.$('[data-testid=payable]');
    await payable.waitForExist({ timeout: SCREEN_TIMEOUT_MS, timeoutMsg: 'the statement shows no payable total' });
    const payableText = (await payable.getText()).replaceAll(',', '');
    assert.ok(
      payableText.includes(expectedStatement.payable),
      `statement payable: app shows "${payableText}", CLI says ${expectedStatement.payable} ${expectedStatement.currency}`,
    );
    await (await browser.$('[data-testid=why]')).click();
    await waitForAny(browser, ['[data-testid=drill-item]', '[data-testid=drill-empty]'], 'the line drill-down did not open');
    await sleep(SETTLE_MS);
    await screenshot(browser, 'statements.png');

    // Flagged traffic: the demo's injected fraud is flagged; one flag opens its investigation.
    await openScreen(browser, 'nav-flags', 'flags');
    const flagsState = await waitForAny(
      browser,
      ['[data-testid=flag-row]', '[data-testid=flags-empty]'],
      'the Flagged traffic screen showed neither flags nor its empty state',
    );
    await sleep(SETTLE_MS);
    await screenshot(browser, 'flags.png');
    assert.equal(flagsState, '[data-testid=flag-row]', 'the demo world injects fraud, yet no flag is listed');
    await (await browser.$('[data-testid=flag-open]')).click();
    await (await browser.$('[data-testid=investigation]')).waitForExist({ timeout: SCREEN_TIMEOUT_MS });
    await waitForAny(browser, ['[data-testid=evidence]'], 'the investigation showed no evidence');
    await sleep(SETTLE_MS);
    await screenshot(browser, 'investigation.png');

    // Reconciliation: the demo month, with the injected integration faults as discrepancies.
    await openScreen(browser, 'nav-reconcile', 'reconcile');
    const month = await browser.$('[data-testid=recon-period]');
    await month.clearValue();
    await month.setValue(STATEMENT_PERIOD);
    await (await browser.$('[data-testid=recon-apply]')).click();
    await waitForAny(browser, ['[data-testid=recon-row]'], 'the Reconciliation screen listed no discrepancy for the demo month');
    await sleep(SETTLE_MS);
    await screenshot(browser, 'reconciliation.png');
    passed = true;
  } finally {
    if (browser) {
      if (!passed) await screenshot(browser, 'failure.png').catch((e) => console.error(`no failure screenshot: ${e.message}`));
      await browser.deleteSession().catch((e) => console.error(`deleteSession failed: ${e.message}`));
    }
    await stopDriver(driver);
  }
});
