// faultline in a browser: the scenarios of scenarios.ts, bundled for the browser against the built
// package (dist/), run in headless Chromium and compared with the same scenarios run here, in Node.
// Debian's chromium is driven by playwright-core (no browser download); .ci/run installs it. Where
// it is missing (a user's clone), the test is skipped and says so.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { chromium } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { runScenarios, type ScenarioResults } from './scenarios.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** The name the bundle gives the scenarios module in the page. */
const GLOBAL_NAME = 'faultlineScenarios';

/**
 * The hashes test/trace-hash-pins.test.ts pins, and the walkthrough's search: its runs, shrinks and
 * final hash are pinned in test/examples-check.test.ts; its shrunk case is pinned here.
 */
const PINNED: ScenarioResults = {
  handlerHash: '0d2a9ff260bf9dff',
  handlerCrashHash: 'a7452720f8abe598',
  asyncHash: 'f88c75ac9b45c2d1',
  searchSummary: expect.stringMatching(/^property failed: fast-check seed 2026, path "[\d:]+", after 115 runs and 173 shrinks/) as unknown as string,
  replay:
    'checkCluster(scenario, {"seed":995173009,"faults":[{"kind":"crash","atMs":0,"durationMs":11,"target":"r2"}],' +
    '"workload":[{"atMs":0,"client":"client","operation":{"type":"write","value":1}},{"atMs":11,"client":"client","operation":{"type":"read","replica":"r2"}}]});',
  fixedHash: 'c57f433003508c41',
};

const chromiumPresent = existsSync(CHROMIUM);
if (!chromiumPresent && process.env['FAULTLINE_REQUIRE_CHROMIUM'] === '1') throw new Error(`no Chromium at ${CHROMIUM}, and FAULTLINE_REQUIRE_CHROMIUM=1 (apt-get install chromium)`);
if (!chromiumPresent) console.warn(`browser test skipped: no Chromium at ${CHROMIUM} (apt-get install chromium; .ci/run does)`);

/** Resolves the package's names to its built entry points, as a bundler does in a user's project. */
const builtPackage: Plugin = {
  name: 'built-faultline',
  setup(plugin) {
    const entries: Record<string, string> = { faultline: 'dist/index.js', 'faultline/check': 'dist/check.js' };
    plugin.onResolve({ filter: /^faultline(\/check)?$/ }, ({ path }) => ({ path: resolve(entries[path]!) }));
  },
};

/** scenarios.ts and everything it imports, as one browser script defining GLOBAL_NAME. */
async function bundleScenarios(): Promise<string> {
  if (!existsSync('dist/index.js')) throw new Error('dist/ is missing: run `npm run build` before the browser test (.ci/run does)');
  const result = await build({
    entryPoints: ['test/browser/scenarios.ts'],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: GLOBAL_NAME,
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    plugins: [builtPackage],
  });
  return result.outputFiles[0]!.text;
}

/** Runs the bundle in a fresh headless Chromium and returns what runScenarios gave there. */
async function runInChromium(bundle: string): Promise<{ results: ScenarioResults; userAgent: string; errors: string[] }> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'faultline-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.setContent('<!doctype html><title>faultline</title>');
    await page.addScriptTag({ content: bundle });
    const results = await page.evaluate(async (name) => {
      const scenarios = (globalThis as unknown as Record<string, { runScenarios: () => Promise<ScenarioResults> }>)[name]!;
      return scenarios.runScenarios();
    }, GLOBAL_NAME);
    return { results, userAgent: await page.evaluate(() => navigator.userAgent), errors };
  } finally {
    await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

describe.skipIf(!chromiumPresent)('faultline in headless Chromium', () => {
  let inNode: ScenarioResults;
  let inChromium: Awaited<ReturnType<typeof runInChromium>>;

  beforeAll(async () => {
    inNode = await runScenarios();
    inChromium = await runInChromium(await bundleScenarios());
  }, 120_000);

  it('runs in a real browser, with no page errors', () => {
    expect(inChromium.userAgent).toMatch(/HeadlessChrome\//);
    expect(inChromium.errors).toEqual([]);
  });

  it('gives the pinned trace hashes and shrunk case under Node', () => {
    expect(inNode).toEqual(PINNED);
  });

  it('gives the same trace hashes in Chromium: handler style, with and without a crash', () => {
    expect(inChromium.results.handlerHash).toBe(inNode.handlerHash);
    expect(inChromium.results.handlerCrashHash).toBe(inNode.handlerCrashHash);
  });

  it('gives the same trace hash in Chromium: async style, run by runAsync', () => {
    expect(inChromium.results.asyncHash).toBe(inNode.asyncHash);
  });

  it('finds and shrinks the planted stale read to the same case in Chromium, after the same runs and shrinks', () => {
    expect(inChromium.results.searchSummary).toBe(inNode.searchSummary);
    expect(inChromium.results.replay).toBe(inNode.replay);
    expect(inChromium.results.fixedHash).toBe(inNode.fixedHash);
  });
});
