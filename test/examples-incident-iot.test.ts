import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, runIotPartition, type IotPartitionResult } from '../examples/incidents/iot-partition.js';
import { CHROMIUM, chromiumPresent, openReportInChromium } from './browser/open-report.js';
import { hashIn, runExample } from './example-runner.js';

// The IoT partition incident, run once as users run it (a child process) and once in this process:
// the two must print the same trace hash, and the numbers the lesson rests on are pinned.
const directory = mkdtempSync(join(tmpdir(), 'faultline-iot-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

let result: IotPartitionResult;
let printed: string;

beforeAll(async () => {
  const commandLine = runExample('examples/incidents/iot-partition.ts', '--out', join(directory, 'cli'));
  result = runIotPartition({ outDir: join(directory, 'in-process') });
  printed = await commandLine;
}, 120_000);

describe('IoT partition incident', () => {
  it('is deterministic: the command line and an in-process run print the same report and trace hash', () => {
    expect(hashIn(printed)).toBe(result.traceHash);
    expect(result.traceHash).toBe('e75f8640fab2ffa0');
    expect(printed.replaceAll(join(directory, 'cli'), '<out>')).toBe(`${result.report.replaceAll(join(directory, 'in-process'), '<out>')}\n`);
  });

  it('wall-clock LWW converges, but to a state missing acknowledged positions, trips and sign-ons', () => {
    const [wall] = result.runs;
    expect(wall!.positions.acknowledged).toBe(127);
    expect(wall!.positions.lost.map((loss) => `${loss.key} ${String((loss.operations[0]!.input as { value: string }).value)}`)).toEqual([
      'position/v01 #12 40.01,-75.08',
      'position/v06 #12 39.77,-104.73',
      'position/v10 #10 45.76,-122.64',
      'position/v10 #11 45.59,-122.67',
    ]);
    expect(wall!.trips).toEqual({ acknowledged: 39, final: 17, lost: 22, holds: false });
    expect(wall!.signOns.lost.map((loss) => loss.operations[0]!.process)).toEqual(['v03', 'v06', 'v05']);
    expect(wall!.convergedAfterMs).toBeCloseTo(104.7, 1);
    expect(printed).toMatch(/^ {2}wall-clock LWW +4 \/ 127 +22 \/ 39 +3 \/ 12 +14 +104\.7 ms +1570 +1241 +426\.6$/m);
  });

  it('HLC + CRDTs lose nothing acknowledged and converge shortly after the heal', () => {
    const [, crdt] = result.runs;
    expect(crdt!.positions.holds).toBe(true);
    expect(crdt!.signOns.holds).toBe(true);
    expect(crdt!.trips).toEqual({ acknowledged: 39, final: 39, lost: 0, holds: true });
    expect(crdt!.final.seen).toHaveLength(12);
    expect(crdt!.convergedAfterMs).toBeGreaterThan(0);
    expect(crdt!.convergedAfterMs).toBeLessThan(500);
    expect(printed).toMatch(/^ {2}HLC \+ CRDTs +0 \/ 127 +0 \/ 39 +0 \/ 12 +14 +104\.0 ms +1639 +1526 +466\.8$/m);
    expect(printed).toMatch(/HLC \+ CRDTs: no acknowledged update lost/);
  });

  it('both stores diverge during the partition and agree again after the heal', () => {
    for (const run of result.runs) {
      const before = run.divergence.filter((point) => point.atMs < 2_000).map((point) => point.keys);
      const during = run.divergence.filter((point) => point.atMs >= 4_000 && point.atMs < 6_000).map((point) => point.keys);
      const after = run.divergence.filter((point) => point.atMs >= 6_500).map((point) => point.keys);
      expect(Math.max(...before)).toBeLessThan(8); // gossip lag only
      expect(Math.min(...during)).toBe(14); // every key differs somewhere
      expect(Math.max(...after)).toBe(0);
      expect(run.maxDivergence).toBe(14);
    }
  });

  it('draws the divergence SVG with the partition shaded and one line per store', () => {
    const svg = readFileSync(result.svgPath, 'utf8');
    expect(svg).toMatch(/^<svg /);
    expect(svg).toContain('East | West partition');
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(readFileSync(join(directory, 'cli', 'iot-partition-divergence.svg'), 'utf8')).toBe(svg);
  });

  it('writes the run report: the summary table, then one section per store', () => {
    const html = readFileSync(result.htmlPath, 'utf8');
    expect(html).toContain('<title>Partition in an IoT fleet-tracking system</title>');
    for (const run of result.runs) expect(html).toContain(`trace hash <code>${run.traceHash}</code>`);
    expect(readFileSync(join(directory, 'cli', 'iot-partition.html'), 'utf8')).toBe(html);
  });

  it.skipIf(!chromiumPresent)(`opens in headless Chromium (${CHROMIUM}) with no errors, its charts drawn and its faults shown`, async () => {
    const opened = await openReportInChromium(result.htmlPath, { screenshotPath: 'reports/browser/iot-partition.png' });
    expect(opened.consoleErrors).toEqual([]);
    expect(opened.pageErrors).toEqual([]);
    expect(opened.externalRequests).toEqual([]);
    expect(opened.canvases).toBe(4); // two charts per store
    expect(opened.text).toMatch(/^wall-clock LWW\t4\t127\t22\t39\t3\t12\t14\t104\.7\t/m);
    expect(opened.text).toMatch(/^HLC \+ CRDTs\t0\t127\t0\t39\t0\t12\t/m);
    expect(opened.text).toMatch(/^partition-one-way\t/m);
    expect(opened.text).toMatch(/^v06 at #12 39\.77,-104\.73\tw1\t5\.95\t-1500$/m);
  }, 120_000);

  it('rejects unknown command-line arguments', () => {
    expect(() => main(['--seed', '2'])).toThrow(/usage: iot-partition \[--out dir\]/);
    expect(() => main(['--out'])).toThrow(/usage/);
  });
});
