import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPredictDiskFailure, type PredictDiskFailureResult } from '../examples/predict-disk-failure.js';
import { hashIn, runExample } from './example-runner.js';
import { chromiumPresent, openReportInChromium } from './browser/open-report.js';

// The disk-failure prediction example, run in this process twice (to pin its numbers and prove
// it deterministic) and once as users run it, from the command line.
const directory = mkdtempSync(join(tmpdir(), 'faultline-predict-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const MINUTE_MS = 60_000;
let first: PredictDiskFailureResult;
let second: PredictDiskFailureResult;
let printed: string;

beforeAll(async () => {
  const commandLine = runExample('examples/predict-disk-failure.ts', '--out', join(directory, 'cli', 'tradeoff.svg'));
  first = runPredictDiskFailure({ svgPath: join(directory, 'first.svg'), htmlPath: join(directory, 'first.html') });
  second = runPredictDiskFailure({ svgPath: join(directory, 'second.svg'), htmlPath: join(directory, 'second.html') });
  printed = await commandLine;
}, 120_000); // three runs of two 3-hour fleets: slow on a loaded 2-core machine

const rowOf = (predictor: string, signal: string) => first.rows.find((row) => row.predictor === predictor && row.signal.startsWith(signal))!;

describe('predict-disk-failure example', () => {
  it('takes its truth from the fault log: three worn drives, and not the flaky cable', () => {
    expect(first.incidents).toEqual([
      { kind: 'disk-wearout', target: 's03', onsetMs: 30 * MINUTE_MS, failureMs: 90 * MINUTE_MS },
      { kind: 'disk-wearout', target: 's08', onsetMs: 60 * MINUTE_MS, failureMs: 100 * MINUTE_MS },
      { kind: 'disk-wearout', target: 's11', onsetMs: 100 * MINUTE_MS, failureMs: 150 * MINUTE_MS },
    ]);
  });

  it('scores each predictor at the pinned precision, recall, false alarms per hour and lead times', () => {
    const table = first.rows.map((row) => [row.predictor, row.signal, row.alarms, row.precision?.toFixed(2), row.recall, row.falseAlarmsPerHour.toFixed(2), row.leadTimesMs, row.medianLeadTimeMs]);
    expect(table).toEqual([
      ['EWMA z-score', 'write latency', 5, '1.00', 1, '0.00', [3_430_000, 2_350_000, 2_840_000], 2_840_000],
      ['Holt', 'write latency', 16, '1.00', 1, '0.00', [1_410_000, 1_870_000, 1_540_000], 1_540_000],
      ['CUSUM', 'write latency', 50, '0.96', 1, '0.67', [3_400_000, 2_350_000, 2_840_000], 2_840_000],
      ['CUSUM', 'write errors /s', 140, '0.98', 1, '1.00', [2_310_000, 2_310_000, 2_090_000], 2_310_000],
      ['log rate', "'write failed: <*>' /min", 19, '0.95', 1, '0.33', [2_280_000, 1_080_000, 2_040_000], 2_040_000],
    ]);
  });

  it('latency warns before the errors do, and only the error signals fall for s05’s flaky cable', () => {
    const latencyLeads = ['EWMA z-score', 'CUSUM'].flatMap((name) => rowOf(name, 'write latency').leadTimesMs);
    const errorLeads = [rowOf('CUSUM', 'write errors'), rowOf('log rate', "'write")].flatMap((row) => row.leadTimesMs);
    expect(Math.min(...(latencyLeads as number[]))).toBeGreaterThan(Math.max(...(errorLeads as number[])));
    for (const row of [rowOf('CUSUM', 'write errors'), rowOf('log rate', "'write")]) {
      expect(row.falseAlarms.length, row.predictor).toBeGreaterThan(0);
      // Every false alarm is on s05, during its two flaky minutes (0:45–0:47) or the sample after.
      for (const alarm of row.falseAlarms) expect(alarm.target === 's05' && alarm.timeMs >= 45 * MINUTE_MS && alarm.timeMs <= 48 * MINUTE_MS, JSON.stringify(alarm)).toBe(true);
    }
    expect(rowOf('CUSUM', 'write latency').falseAlarms.map((alarm) => alarm.target)).toEqual(['s09', 's10']);
    // Holt's first alarms forecast the 40 ms crossing 16–19 minutes out; the drives died later still.
    const holt = rowOf('Holt', 'write latency');
    holt.forecastTimesToFailureMs.forEach((forecastMs, index) => {
      expect(forecastMs! / MINUTE_MS).toBeGreaterThan(16);
      expect(forecastMs! / MINUTE_MS).toBeLessThan(19.5);
      expect(forecastMs!).toBeLessThan(holt.leadTimesMs[index]!);
    });
  });

  it('sweeps each predictor: the trade-off the header describes', () => {
    const points = (family: string) => first.sweep.filter((point) => point.family === family);
    expect(first.sweep).toHaveLength(34);
    const ewma = points('EWMA (latency)');
    expect(ewma.find((point) => point.value === 5)!.falseAlarmsPerHour).toBe(0);
    expect(ewma.find((point) => point.value === 2.5)!.falseAlarmsPerHour.toFixed(2)).toBe('43.33');
    expect(points('Holt (latency)').every((point) => point.falseAlarmsPerHour === 0 && point.recall === 1)).toBe(true);
    expect(points('log rate (lines)').map((point) => point.recall)).toEqual([1, 1, 1, 1 / 3, 0, 0]);
  });

  it('acting on the best predictor drains every worn node before its drive dies: no acknowledged write lost', () => {
    expect(first.best).toBe('EWMA z-score (write latency)');
    expect(first.without).toMatchObject({ drivesFailedInService: 3, drained: [], acknowledgedWrites: 233_635, acknowledgedWritesLost: 39_284, writeErrors: 1_562, shardDownMinutes: 200 });
    expect(first.with).toMatchObject({ drivesFailedInService: 0, acknowledgedWrites: 259_108, acknowledgedWritesLost: 0, writeErrors: 89, shardDownMinutes: 0 });
    // Online, sample by sample, the predictor alarms exactly when the offline scoring said it would.
    const ewma = rowOf('EWMA z-score', 'write latency');
    expect(first.with.drained).toEqual(first.incidents.map((incident, index) => ({ node: incident.target, atMs: incident.failureMs! - ewma.leadTimesMs[index]! })));
    // Each drain came more than the 10-minute copy ahead of the failure.
    for (const lead of ewma.leadTimesMs) expect(lead!).toBeGreaterThan(10 * MINUTE_MS);
    expect(first.without.traceHash).toBe('66f109a72aeb156a');
    expect(first.traceHash).toBe('1ae506e08c59f54a');
  });

  it('is deterministic: the same numbers, picture and hashes on a second run and from the command line', () => {
    expect(second).toEqual({ ...first, svgPath: second.svgPath, htmlPath: second.htmlPath });
    const svg = readFileSync(first.svgPath, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<polyline /g)).toHaveLength(5);
    expect(readFileSync(second.svgPath, 'utf8')).toBe(svg);
    expect(existsSync(join(directory, 'cli', 'tradeoff.svg'))).toBe(true);
    expect(readFileSync(join(directory, 'cli', 'tradeoff.svg'), 'utf8')).toBe(svg);
    expect(hashIn(printed)).toBe(first.traceHash);
    expect(printed).toMatch(/^ {2}EWMA z-score +write latency +5 +1\.00 +1\.00 +0\.00 +47\.3 +57\.2 +39\.2 +47\.3$/m);
    expect(printed).toMatch(/^ {2}without prediction +3 +0 +233635 +39284 +1562 +200$/m);
    expect(printed).toMatch(/^ {2}with prediction +0 +3 +259108 +0 +89 +0$/m);
    expect(printed).toContain(`trade-off drawn to ${join(directory, 'cli', 'tradeoff.svg')}`);
    expect(printed).toContain(`Run report (both runs, signals charted): ${join(directory, 'cli', 'tradeoff.html')}`);
    expect(readFileSync(join(directory, 'cli', 'tradeoff.html'), 'utf8')).toBe(readFileSync(first.htmlPath, 'utf8'));
  });

  it('writes a run report of both runs that opens offline in a browser with its four charts', async () => {
    const html = readFileSync(first.htmlPath, 'utf8');
    for (const text of ['without prediction', 'with prediction (EWMA z-score (write latency))', '39284', '259108', first.without.traceHash, first.traceHash]) expect(html).toContain(text);
    if (!chromiumPresent) return;
    const opened = await openReportInChromium(first.htmlPath);
    expect([opened.consoleErrors, opened.pageErrors, opened.externalRequests]).toEqual([[], [], []]);
    expect(opened.canvases).toBe(4); // latency and failed writes, for each run
    expect(opened.text).toContain('Drained: s03 at 0:32, s08 at 1:00, s11 at 1:42.');
  }, 60_000);
});
