import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGrayFailure, underFaults, type GrayFailureResult } from '../examples/gray-failure.js';
import { chromiumPresent, openReportInChromium } from './browser/open-report.js';
import { hashIn, runExample } from './example-runner.js';

// The gray-failure example, run once in this process (to read its numbers) and once as users run
// it, from the command line: the two must print and write the same.
const directory = mkdtempSync(join(tmpdir(), 'faultline-gray-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

let run: GrayFailureResult;
let printed: string;

beforeAll(async () => {
  const commandLine = runExample('examples/gray-failure.ts', '--out', join(directory, 'cli'));
  run = await runGrayFailure({ outDir: join(directory, 'in-process') });
  printed = await commandLine;
}, 120_000);

describe('gray-failure example', () => {
  it('keeps every health check green and every server up while the broken balancer feeds the gray server', () => {
    const [broken, fixed] = run.runs;
    for (const result of [broken!, fixed!]) {
      expect(result.healthFlips).toBe(0);
      for (const server of ['api-1', 'api-2', 'api-3']) expect(result.sim.truth.downIntervals(server, 4_000)).toEqual([]);
    }
    expect(underFaults(broken!)).toEqual({ requests: 100, failed: 23, p50Ms: expect.any(Number), p99Ms: expect.any(Number), toGrayServer: 33 });
    expect(broken!.balancerEvents.filter((event) => event.kind === 'ejected')).toEqual([]);
  });

  it('routes around the gray server with outlier ejection, on the same faults', () => {
    const [broken, fixed] = run.runs;
    expect(underFaults(fixed!)).toMatchObject({ requests: 100, failed: 3, toGrayServer: 4 });
    expect(underFaults(fixed!).p99Ms!).toBeLessThan(underFaults(broken!).p99Ms!);
    expect(fixed!.balancerEvents.filter((event) => event.kind === 'ejected').map((event) => [event.backend, event.reason, Math.round(event.atMs)])).toEqual([
      ['api-1', 'latency', 1_144],
      ['api-2', 'latency', 2_643],
    ]);
    expect(fixed!.sim.faultLog.map((entry) => [entry.phase, entry.fault.kind, entry.timeMs])).toEqual(broken!.sim.faultLog.map((entry) => [entry.phase, entry.fault.kind, entry.timeMs]));
  });

  it('prints the per-phase tables, the comparison and the trace hash, the same from the command line', () => {
    expect(run.report).toMatch(/^ {2}flaky lb<->api-1 link +50 +15 \(30%\) +[\d.]+ +[\d.]+ +16 \(api-1\)$/m);
    expect(run.report).toMatch(/^ {2}broken: health checks only +100 +23 +[\d.]+ +49\.6 +33 +0 +0$/m);
    expect(run.report).toMatch(/^ {2}fixed: \+ outlier ejection +100 +3 +[\d.]+ +48\.3 +4 +0 +2$/m);
    expect(run.report).toContain('0 verdict changes: it never noticed anything');
    expect(run.report).toContain('servers down during []');
    expect(run.traceHash).toBe('74d6f50801bb72eb');
    expect(hashIn(printed)).toBe(run.traceHash);
    expect(printed.trimEnd()).toBe(run.report.replaceAll(join(directory, 'in-process'), join(directory, 'cli')));
    const html = readFileSync(run.htmlFile, 'utf8');
    expect(html.match(/<section class="run"/g)).toHaveLength(4); // each run whole, then the flaky link up close
    expect(readFileSync(join(directory, 'cli', 'gray-failure.html'), 'utf8')).toBe(html);
  });

  it.skipIf(!chromiumPresent)('opens the HTML report in headless Chromium with no errors and no requests, showing both runs', async () => {
    const opened = await openReportInChromium(run.htmlFile);
    expect(opened.consoleErrors).toEqual([]);
    expect(opened.pageErrors).toEqual([]);
    expect(opened.externalRequests).toEqual([]);
    expect(opened.text).toContain('Gray failure: nothing is down, yet requests fail');
    expect(opened.text).toContain('fixed: health checks and outlier ejection');
    expect(opened.text).toMatch(/^broken: health checks only\t100\t23\t/m);
    expect(opened.text).toContain('api-1 liveness (monitor)');
    expect(opened.text).toContain('The balancer ejects api-1 at 1144.0 ms (latency); after that no request goes to it.');
    expect(opened.canvases).toBeGreaterThanOrEqual(4); // two charts per run
  }, 60_000);
});
