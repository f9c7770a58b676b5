import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEvCharging, type EvChargingResult, type EvRunResult } from '../examples/incidents/ev-charging.js';
import { chromiumPresent, openReportInChromium, type OpenedReport } from './browser/open-report.js';
import { hashIn, runExample } from './example-runner.js';

// The EV-charging incident, run once in this process (to read its numbers) and once as users run
// it, from the command line: the two must print the same, which is the determinism check.
const directory = mkdtempSync(join(tmpdir(), 'faultline-ev-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

let run: EvChargingResult;
let printed: string;

beforeAll(async () => {
  const commandLine = runExample('examples/incidents/ev-charging.ts', '--out', join(directory, 'cli'));
  run = runEvCharging({ outDir: join(directory, 'in-process') });
  printed = await commandLine;
}, 120_000); // eight simulated half hours, twice: slow on a loaded 2-core machine

const row = (name: string): EvRunResult => run.results.find((result) => result.name === name)!;
const pick = (result: EvRunResult) => ({
  affected: result.affected,
  stranded: result.stranded,
  falseDowns: result.falseDowns,
  falseReroutes: result.falseReroutes,
  detectionMeanMs: result.detectionMeanMs,
  backInRotationMeanMs: result.backInRotationMeanMs,
});

describe('EV-charging incident example', () => {
  it('takes exactly the four stations on feed-east down, for the whole outage, in every run', () => {
    for (const result of run.results) {
      const { truth } = result.sim;
      expect(truth.domainMembers({ power: 'feed-east' })).toEqual(['north-1', 'north-2', 'centre-1', 'centre-2']);
      expect(truth.domainDownIntervals({ power: 'feed-east' }, 1_800_000)).toEqual([[603_700, 1_083_700]]);
      expect(truth.downIntervals('north-3', 1_800_000)).toEqual([]);
      expect(result.drivers).toBe(740); // the same drivers every time: the workload has its own stream
    }
  });

  it('strands every affected driver without checks or fallback, and none with a fallback', () => {
    expect(pick(row('nearest only, no checks'))).toMatchObject({ affected: 94, stranded: 94, falseReroutes: 0 });
    expect(row('nearest only, no checks').maxWaitMs).toBeGreaterThan(8 * 60_000); // the whole outage and more
    expect(pick(row('any station, no checks'))).toMatchObject({ affected: 94, stranded: 0, falseReroutes: 0 });
    expect(row('any station, no checks').maxWaitMs).toBeCloseTo(60_100, -2); // two dead stations, 30 s each
    for (const name of ['nearest only, no checks', 'any station, no checks']) expect(row(name).qos).toEqual({});
  });

  it('pins the detection / false-down trade-off of each health check and detector, scored against the truth', () => {
    expect(pick(row('health 2s x1 (fast)'))).toEqual({ affected: 0, stranded: 0, falseDowns: 191, falseReroutes: 6, detectionMeanMs: 1_300, backInRotationMeanMs: expect.any(Number) });
    expect(pick(row('health 10s x3 (k8s)'))).toMatchObject({ affected: 6, stranded: 0, falseDowns: 0, falseReroutes: 3, detectionMeanMs: 27_300 });
    expect(pick(row('health 30s x3 (slow)'))).toMatchObject({ affected: 12, stranded: 0, falseDowns: 0, falseReroutes: 13, detectionMeanMs: 91_300 });
    expect(pick(row('phi 8, beat 5s'))).toMatchObject({ affected: 0, falseDowns: 34, falseReroutes: 4 });
    expect(pick(row('phi 8 + 10s pause'))).toMatchObject({ affected: 3, falseDowns: 0, falseReroutes: 0 });
    expect(pick(row('timeout 15s, beat 5s'))).toMatchObject({ affected: 2, falseDowns: 0, falseReroutes: 0 });
    expect(row('health 30s x3 (slow)').backInRotationMeanMs).toBeGreaterThan(row('health 10s x3 (k8s)').backInRotationMeanMs!);
    // Faster detection, fewer drivers sent to a dark station; quieter checks, fewer false downs.
    const affected = ['health 2s x1 (fast)', 'health 10s x3 (k8s)', 'health 30s x3 (slow)'].map((name) => row(name).affected);
    expect(affected).toEqual([...affected].sort((a, b) => a - b));
    // Every dark station detected once, no crash missed.
    for (const result of run.results.slice(2)) {
      for (const id of ['north-1', 'north-2', 'centre-1', 'centre-2']) expect(result.qos[id]!.undetectedCrashes, `${result.name} ${id}`).toBe(0);
    }
  });

  it('prints the table, the lanes and the trace hash, the same from the command line', () => {
    expect(run.report).toMatch(/^ {2}nearest only, no checks +740 +94 +261\.4 +540\.0 +94 +- +0 +- +- +- +0$/m);
    expect(run.report).toMatch(/^ {2}health 2s x1 \(fast\) +740 +0 +- +- +0 +191 +6 +1\.3 +1\.3 +0\.5 +720$/m);
    expect(run.report).toMatch(/^north-1 +█+✖·+↻█+$/m);
    expect(run.traceHash).toBe('2326a4b707173816');
    expect(hashIn(printed)).toBe(run.traceHash);
    expect(printed.trimEnd()).toBe(run.report.replaceAll(join(directory, 'in-process'), join(directory, 'cli')));
  });

  it('writes the HTML report: the summary table, a section per configuration and one at the power\'s return, the same from the command line', () => {
    const html = readFileSync(run.htmlFile, 'utf8');
    expect(html.match(/<section class="run"/g)).toHaveLength(run.results.length + 1);
    for (const result of run.results) expect(html).toContain(result.sim.traceHash());
    expect(html).toContain('health 30s x3 (slow): when the power returns');
    expect(html).toContain('north-1 liveness');
    expect(html).toContain('north-1 heartbeats');
    expect(readFileSync(join(directory, 'cli', 'ev-charging.html'), 'utf8')).toBe(html);
  });

  it.skipIf(!chromiumPresent)('opens the HTML report in headless Chromium with no errors and no requests, showing the outage', async () => {
    const opened: OpenedReport = await openReportInChromium(run.htmlFile);
    expect(opened.consoleErrors).toEqual([]);
    expect(opened.pageErrors).toEqual([]);
    expect(opened.externalRequests).toEqual([]);
    expect(opened.text).toContain('Crash in an EV-charging network: a power feed fails');
    expect(opened.text).toMatch(/^domain-outage\tnorth-1, north-2, centre-1, centre-2\t/m);
    expect(opened.text).toMatch(/^health 2s x1 \(fast\)\t740\t0\t/m);
  }, 60_000);

  it('writes the SVG: twelve station lanes and one chart per configuration', () => {
    const svg = readFileSync(run.svgFile, 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<polyline /g)).toHaveLength(run.results.length);
    expect(svg).toContain('north-1 (feed-east)');
    expect(svg.match(/fill="#d62728"/g)).toHaveLength(4); // the four dark stations' down intervals
    expect(readFileSync(join(directory, 'cli', 'ev-charging.svg'), 'utf8')).toBe(svg);
  });
});
