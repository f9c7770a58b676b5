import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runObservability, type ObservabilityResult } from '../examples/observability.js';
import { parseJsonLines, toJsonLines } from 'faultline';
import { chromiumPresent, openReportInChromium } from './browser/open-report.js';
import { hashIn, runExample } from './example-runner.js';
import { traceEventFormatViolations } from './observe/export/trace-event-format.js';

// The observability example, run in this process twice (to pin its numbers and prove it
// deterministic) and once as users run it, from the command line.
const directory = mkdtempSync(join(tmpdir(), 'faultline-observability-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const hasPromtool = spawnSync('promtool', ['--version']).status === 0;

let first: ObservabilityResult;
let second: ObservabilityResult;
let printed: string;

beforeAll(async () => {
  const commandLine = runExample('examples/observability.ts', '--out', join(directory, 'cli'));
  first = await runObservability({ outDir: join(directory, 'first') });
  second = await runObservability({ outDir: join(directory, 'second') });
  printed = await commandLine;
}, 120_000); // three runs of the example: slow on a loaded 2-core machine

const read = (path: string): string => readFileSync(path, 'utf8');

describe('observability example', () => {
  it('fires each alert against its fault at the pinned times, with no false alert and no miss', () => {
    expect(first.alertEvents.map((event) => `${event.timeMs} ${event.rule} ${event.state}`)).toEqual([
      '2500 BackendUnhealthy firing', // #1 catalog crashes at 2000
      '2750 CheckoutErrors firing',
      '3750 BackendUnhealthy resolved',
      '4500 CheckoutErrors resolved',
      '5500 BackendUnhealthy firing', // #2 partition at 5000
      '5750 CheckoutErrors firing',
      '5750 CheckoutSlow firing',
      '6750 BackendUnhealthy resolved',
      '7750 CheckoutErrors resolved',
      '7750 CheckoutSlow resolved',
      '9250 BackendUnhealthy firing', // #3 traffic spike from 8000
      '9250 StoreQueueBackedUp firing',
      '9750 CheckoutSlow firing',
      '10000 CheckoutErrors firing',
      '10250 StoreQueueBackedUp resolved',
      '10500 BackendUnhealthy resolved',
      '11250 CheckoutErrors resolved',
      '11250 CheckoutSlow resolved',
    ]);
    expect(first.incidents.map((incident) => [incident.kind, incident.startMs, incident.endMs, incident.timeToFireMs])).toEqual([
      ['crash', 2_000, 3_500, 500],
      ['partition', 5_000, 6_500, 500],
      ['traffic-spike', 8_000, 10_000, 1_250],
    ]);
    expect(first.falseAlerts).toBe(0);
    expect(first.missedIncidents).toBe(0);
    // The table the example prints says the same, row by row.
    expect(first.report).toMatch(/^ {2}BackendUnhealthy +2500 +3750 +#1 crash catalog \(\+500 ms after it began\)$/m);
    expect(first.report).toMatch(/^ {2}StoreQueueBackedUp +9250 +10250 +#3 traffic-spike store \(\+1250 ms after it began\)$/m);
    expect(first.report).toMatch(/^ {2}#1 crash catalog +2000-3500 +750 +- +500 +-$/m);
    expect(first.report).toMatch(/^ {2}#2 partition zone A \| zone B +5000-6500 +750 +750 +500 +-$/m);
    expect(first.report).toMatch(/^ {2}#3 traffic-spike store +8000-10000 +2000 +1750 +1250 +1250$/m);
    expect(first.report).toContain('caught 3 of 3 incidents, missed 0; false alerts: 0');
  });

  it('pins when each health check flipped, its crash detection time and its mistakes by cause', () => {
    const summary = first.health.map((score) => ({
      check: score.check,
      flips: score.flips.map((flip) => `${flip.timeMs} ${flip.to} (${flip.reason})`),
      detectionTimeMeanMs: score.detectionTimeMeanMs,
      mistakes: Object.entries(score.mistakesByCause).filter(([, count]) => count > 0),
    }));
    expect(summary).toEqual([
      { check: 'catalog/liveness', flips: ['2250 unhealthy (timeout)', '3503 healthy (ok)'], detectionTimeMeanMs: 250, mistakes: [] },
      { check: 'orders/liveness', flips: ['5250 unhealthy (timeout)', '6504 healthy (ok)'], detectionTimeMeanMs: undefined, mistakes: [['partition', 1]] },
      {
        check: 'store/liveness',
        flips: ['5250 unhealthy (timeout)', '6504 healthy (ok)', '9250 unhealthy (timeout)', '10204 healthy (ok)'],
        detectionTimeMeanMs: undefined,
        mistakes: [['partition', 1], ['overload', 1]],
      },
      {
        check: 'store/readiness',
        flips: ['5250 unhealthy (timeout)', '6604 healthy (ok)', '9050 unhealthy (timeout)', '10305 healthy (ok)'],
        detectionTimeMeanMs: undefined,
        mistakes: [['partition', 1], ['overload', 1]],
      },
    ]);
    expect(first.health.map((score) => score.crashes)).toEqual([1, 0, 0, 0]);
    expect(first.report).toMatch(/^ {2}catalog\/liveness +2 +1 +250 +0 +- +1\.000 +2250 DOWN, 3503 up$/m);
  });

  it('makes each checkout one trace, pins the counts and the trace hash, and tells the trace of a dropped call', () => {
    expect(first.checkouts).toMatchObject({ ok: 331, error: 92 });
    expect(first.checkouts.p50Ms).toBeCloseTo(8.887, 3);
    expect(first.checkouts.p99Ms).toBeCloseTo(145.853, 3);
    expect([first.spans, first.errorSpans, first.logs]).toEqual([4_450, 93, 184]);
    expect(first.traceHash).toBe('df5b9b6e0ce9244e');
    const trace = first.droppedTrace;
    expect(trace.map((span) => `${span.node} ${span.name}`)).toEqual([
      'user-4 user checkout',
      'user-4 call → gateway',
      'gateway call → catalog',
      'gateway call → orders',
      'orders call → store',
      'store reserve stock',
      'store reply → orders',
      'orders reply → gateway',
      'gateway reply → user-4',
    ]);
    expect(new Set(trace.map((span) => span.traceId)).size).toBe(1);
    expect(trace.filter((span) => span.parentSpanId === undefined)).toHaveLength(1);
    const dropped = trace.find((span) => span.name === 'call → catalog')!;
    expect(dropped.status).toBe('error');
    expect(dropped.events.map((event) => event.name)).toEqual(['drop', 'timeout']);
    expect(dropped.events[0]!.attributes).toEqual({ reason: 'node-down' });
    expect(first.report).toMatch(/gateway +call → catalog +DROPPED \(node-down\), timed out after 60\.0 ms/);
  });

  it('prints and writes the same things when run again, and from the command line', () => {
    const firstDirectory = join(directory, 'first');
    const secondDirectory = join(directory, 'second');
    expect(second.report).toBe(first.report.replaceAll(firstDirectory, secondDirectory));
    expect({ ...second, report: '', files: {} }).toEqual({ ...first, report: '', files: {} });
    for (const key of ['prometheus', 'chromeTrace', 'logs', 'html'] as const) expect(read(second.files[key]), key).toBe(read(first.files[key]));
    expect(printed.trimEnd()).toBe(first.report.replaceAll(firstDirectory, join(directory, 'cli')));
    expect(hashIn(printed)).toBe(first.traceHash);
    expect(read(join(directory, 'cli', 'observability.prom'))).toBe(read(first.files.prometheus));
    expect(read(join(directory, 'cli', 'observability.html'))).toBe(read(first.files.html));
  });

  it('writes a well-formed Chrome trace, with a track per node, the three faults and the spans', () => {
    const trace = JSON.parse(read(first.files.chromeTrace)) as { traceEvents: Array<{ name: string; cat: string; ph: string; args?: Record<string, unknown> }> };
    expect(traceEventFormatViolations(trace)).toEqual([]);
    const events = trace.traceEvents;
    const tracks = events.filter((event) => event.ph === 'M' && event.name === 'process_name').map((event) => event.args?.['name']);
    for (const node of ['user-1', 'gateway', 'catalog', 'orders', 'store', 'batch', 'checker']) expect(tracks).toContain(node);
    expect(events.filter((event) => event.cat === 'fault' && event.ph === 'X')).toHaveLength(3);
    expect(events.filter((event) => event.cat === 'span' && event.ph === 'X')).toHaveLength(first.spans);
    expect(events.some((event) => event.cat === 'message' && event.ph === 's')).toBe(true);
  });

  it('writes the log as JSON Lines that read back to the same entries', () => {
    const text = read(first.files.logs);
    const entries = parseJsonLines(text);
    expect(entries).toHaveLength(first.logs);
    expect(toJsonLines(entries)).toBe(text);
    expect(new Set(entries.map((entry) => entry['level']))).toEqual(new Set(['warn', 'error']));
    expect(entries[0]).toMatchObject({ node: 'gateway', level: 'warn', message: 'catalog did not answer', fields: { timeoutMs: 60 } });
  });

  it('writes Prometheus text with the shop metrics and the world metrics, sampled every 250 ms', () => {
    const text = read(first.files.prometheus);
    expect(text).toContain('# TYPE shop_checkouts_total counter\n');
    expect(text).toContain('# TYPE shop_checkout_duration_seconds histogram\n');
    expect(text).toContain('# TYPE faultline_inbox_length gauge\n');
    expect(text).toMatch(/^shop_checkouts_total\{node="gateway",outcome="ok"\} 331 12000$/m);
    expect(text).toMatch(/^faultline_inbox_length\{node="store"\} 149 9500$/m);
    expect(text).toMatch(/^shop_backend_healthy\{check="catalog\/liveness"\} 0 2500$/m);
  });

  it('writes the HTML report: the incident and health tables, the whole run charted, the crash up close', () => {
    const html = read(first.files.html);
    expect(html.match(/<section class="run"/g)).toHaveLength(2);
    expect(html).toContain(first.traceHash);
    for (const rule of ['CheckoutErrors', 'CheckoutSlow', 'BackendUnhealthy', 'StoreQueueBackedUp']) expect(html, rule).toContain(rule);
    expect(html).toContain('Incident #1 up close: catalog crashes at 2.0 s');
  });

  it.skipIf(!chromiumPresent)('opens the HTML report in headless Chromium with no errors and no requests, with the metrics charted', async () => {
    const opened = await openReportInChromium(first.files.html);
    expect(opened.consoleErrors).toEqual([]);
    expect(opened.pageErrors).toEqual([]);
    expect(opened.externalRequests).toEqual([]);
    expect(opened.canvases).toBe(4); // the four metric charts
    expect(opened.text).toContain('Observability: a shop through a crash, a partition and an overload');
    expect(opened.text).toMatch(/^#3 traffic-spike store\t8000\t10000\t2000\t1750\t1250\t1250$/m);
    expect(opened.text).toMatch(/^store\/liveness\t4\t0\t–\t2\tpartition 1, overload 1\t/m);
  }, 60_000);

  it.skipIf(!hasPromtool)('writes Prometheus text that promtool check metrics accepts', () => {
    const check = spawnSync('promtool', ['check', 'metrics'], { input: read(first.files.prometheus), encoding: 'utf8' });
    expect(check.stderr + check.stdout).toBe('');
    expect(check.status).toBe(0);
  });
});
