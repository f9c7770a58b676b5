import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIGURATIONS, outcomeOf, runPaymentSpike, type PaymentRun } from '../examples/incidents/payment-spike.js';
import { chromiumPresent, openReportInChromium } from './browser/open-report.js';
import { hashIn, runExample } from './example-runner.js';

// Incident 1, the payment platform's Black-Friday surge: run once as users run it (a child
// process, which prints the table), and its fully mitigated configuration once more in this
// process, which must give the same trace hash. Every figure is from the simulated run, so it is
// pinned exactly: a change that moves one should say why.
const directory = mkdtempSync(join(tmpdir(), 'faultline-payment-spike-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const PINNED_HASH = '807a584eeed56166';

let printed: string;
let mitigated: PaymentRun;

beforeAll(async () => {
  const commandLine = runExample('examples/incidents/payment-spike.ts', '--out', directory);
  mitigated = await runPaymentSpike('shedding');
  printed = await commandLine;
}, 120_000); // five runs of the scenario on a loaded 2-core machine

/** The table's rows: configuration (carried down), phase and the figures. */
function tableRows(): Array<{ configuration: string; phase: string; p99Ms: number; errorsPercent: number; lost: number }> {
  let configuration = '';
  return printed.split('\n').flatMap((line) => {
    const match = /^ {2}(.{19}) (before|during|after) +\d+ +[\d.]+ +([\d.]+) +([\d.]+)% +(\d+) /.exec(line);
    if (match === null) return [];
    if (match[1]!.trim() !== '') configuration = match[1]!.trim();
    return [{ configuration, phase: match[2]!, p99Ms: Number(match[3]), errorsPercent: Number(match[4]), lost: Number(match[5]) }];
  });
}

describe('payment platform surge (examples/incidents/payment-spike.ts)', () => {
  it('prints the pinned table: before, during and after the surge for each configuration', () => {
    const table = printed.split('\n').filter((line) => /^ {2}.{19} (before|during|after) /.test(line)).map((line) => line.trimEnd());
    expect(table).toEqual([
      '  1 no mitigation     before       1504     84.0    105.4    0.0%      0  (0 / 0)',
      '                      during       3696   2000.0   2000.0   56.0%   2070  (2070 / 0)',
      '                      after        1808   2000.0   2000.0   50.8%    918  (791 / 127)',
      '  2 load balancer     before       1504     84.0    160.8    0.0%      0  (0 / 0)',
      '                      during       3696   1190.4   2000.0   20.7%    765  (765 / 0)',
      '                      after        1808    115.6   2000.0    9.1%    164  (164 / 0)',
      '  3 + autoscaler      before       1504     84.0    160.8    0.0%      0  (0 / 0)',
      '                      during       3696    828.9   2000.0   11.1%    410  (410 / 0)',
      '                      after        1808     84.0   1270.4    0.0%      0  (0 / 0)',
      '  4 + load shedding   before       1504     84.0    136.7    0.0%      0  (0 / 0)',
      '                      during       3696    166.3    482.0    7.3%      0  (0 / 0)',
      '                      after        1808     84.0    131.0    0.0%      0  (0 / 0)',
    ]);
  });

  it('tells the story the header promises: each mitigation loses fewer payments during the surge, and shedding none', () => {
    const during = tableRows().filter((row) => row.phase === 'during');
    expect(during.map((row) => row.configuration)).toEqual(['1 no mitigation', '2 load balancer', '3 + autoscaler', '4 + load shedding']);
    for (let index = 1; index < during.length; index++) {
      expect(during[index]!.lost).toBeLessThan(during[index - 1]!.lost);
      expect(during[index]!.errorsPercent).toBeLessThan(during[index - 1]!.errorsPercent);
    }
    expect(during.at(-1)!.lost).toBe(0);
    // Without mitigation the backlog outlives the surge: the "after" phase still loses payments.
    const after = tableRows().filter((row) => row.phase === 'after');
    expect(after[0]!.lost).toBeGreaterThan(500);
    expect(after.at(-1)!.p99Ms).toBeLessThan(200);
  });

  it('ends with the fully mitigated run\'s trace hash, the same in this process as on the command line', () => {
    expect(hashIn(printed)).toBe(PINNED_HASH);
    expect(mitigated.traceHash).toBe(PINNED_HASH);
  });

  it('judges outcomes against the ledger: a receipt was charged, a "try later" never was', () => {
    const checkouts = mitigated.requests.filter((request) => request.kind === 'checkout');
    expect(checkouts.filter((request) => request.answer === 'receipt').every((request) => mitigated.ledger.has(request.paymentId))).toBe(true);
    const refused = checkouts.filter((request) => request.answer === 'try-later');
    expect(refused.length).toBe(270);
    expect(refused.every((request) => outcomeOf(request, mitigated.ledger) === 'try-later')).toBe(true);
    // A refusal is fast: the shopper hears "try later" well before the 2 s timeout.
    expect(Math.max(...refused.map((request) => request.latencyMs))).toBeLessThan(600);
  });

  it('sheds low-priority batch work first, and adds nodes only after their provisioning delay', () => {
    const sent = (kind: 'checkout' | 'batch'): number => mitigated.requests.filter((request) => request.kind === kind).length;
    expect(mitigated.shed).toEqual({ batch: 234, checkout: 270 });
    expect(mitigated.shed.batch / sent('batch')).toBeGreaterThan(5 * (mitigated.shed.checkout / sent('checkout')));
    const events = mitigated.autoscaler!.events;
    const launched = events.filter((event) => event.kind === 'scale-out').map((event) => [event.timeMs, event.nodes.join(',')]);
    expect(launched).toEqual([[12_000, 'pay-a4,pay-a5'], [14_000, 'pay-a6'], [18_000, 'pay-a7']]);
    for (const ready of events.filter((event) => event.kind === 'ready')) {
      const launchedAt = events.find((event) => event.kind === 'scale-out' && event.nodes.includes(ready.nodes[0]!))!.timeMs;
      expect(ready.timeMs - launchedAt).toBe(6_000);
    }
  });

  it.skipIf(!chromiumPresent)('writes an HTML report that opens in Chromium with no errors: the table, a section per configuration, its charts', async () => {
    const opened = await openReportInChromium(join(directory, 'payment-spike.html'), { screenshotPath: 'reports/browser/payment-spike.png' });
    expect(opened.consoleErrors).toEqual([]);
    expect(opened.pageErrors).toEqual([]);
    expect(opened.externalRequests).toEqual([]);
    // Three charts (uPlot draws each on a canvas) in each of the four configurations' sections.
    expect(opened.canvases).toBe(12);
    expect(opened.text).toContain('4 + load shedding\tduring\t3696\t166.3\t482\t7.3\t0\t0\t0');
    for (const { label } of CONFIGURATIONS) expect(opened.text).toContain(`${label}\n`);
    expect(opened.text).toContain('1 no mitigation, closer: region A at 16-16.2 s');
    expect(opened.text).toContain('4 + load shedding, closer: region A at 16-16.2 s');
    expect(opened.text).toMatch(/^traffic-spike\tstore-a\t/m);
  }, 120_000);

  it('writes the p99 chart: one line per configuration, the surge shaded', () => {
    const svg = readFileSync(join(directory, 'payment-spike-p99.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<polyline /g)).toHaveLength(4);
    expect(svg).toContain('surge in region A');
    expect(printed).toContain(`Wrote ${join(directory, 'payment-spike-p99.svg')}`);
  });
});
